//! Search results and their query chips as views.

use orrery_ipc::commands::{ChipDto, SearchHitDto, SearchResultsDto};
use orrery_ipc::id as ipc;

use crate::search::{CircleRef, Clause, Condition, SearchResults, SourceRef, UnitKind, day};

/// The view of `results`.
pub fn search_results(results: SearchResults) -> SearchResultsDto {
    SearchResultsDto {
        total: results.total as u64,
        chips: results.parsed.conditions.iter().map(chip).collect(),
        hits: results
            .hits
            .into_iter()
            .map(|hit| SearchHitDto {
                topic_id: ipc::TopicId::new(hit.topic_id),
                comment_id: hit.comment_id.map(ipc::CommentId::new),
                kind: hit.kind.as_str().to_owned(),
                document_id: (hit.kind == UnitKind::Document)
                    .then(|| ipc::DocumentId::new(hit.topic_id)),
                circle_id: ipc::CircleId::new(hit.group_id),
                circle: hit.circle,
                author: hit.author,
                time_ms: hit.time_ms,
                title: hit.title,
                marks: hit
                    .snippet
                    .marks
                    .iter()
                    .map(|&(a, b)| (offset(a), offset(b)))
                    .collect(),
                snippet: hit.snippet.text,
                digest: hit.digest,
                deleted: hit.deleted,
            })
            .collect(),
        micros: results.micros,
    }
}

fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// A condition as a chip: what it is, its value as shown, and its query text
/// ([`Condition::source`], which parses back to the same condition).
pub fn chip(condition: &Condition) -> ChipDto {
    let (kind, value) = match &condition.clause {
        Clause::Text(text) => ("text", text.clone()),
        Clause::Circle(CircleRef::Id(id)) => ("circle", id.to_string()),
        Clause::Circle(CircleRef::Name(name)) => ("circle", name.clone()),
        Clause::Type(kind) => ("type", kind.as_str().to_owned()),
        Clause::Author(name) => ("author", name.clone()),
        Clause::Tag(tag) => ("tag", tag.clone()),
        Clause::Digest => ("digest", String::new()),
        Clause::Unanswered => ("unanswered", String::new()),
        Clause::Deleted => ("deleted", String::new()),
        Clause::After(ms) => ("after", day(*ms)),
        // `before:` is exclusive at the start of the named day, which is what is shown.
        Clause::Before(ms) => ("before", day(*ms)),
        Clause::Source(SourceRef::Saved) => ("source", "saved".to_owned()),
        Clause::Source(SourceRef::Circles) => ("source", "circles".to_owned()),
        Clause::Source(SourceRef::Site(site)) => ("source", site.clone()),
    };
    // A value the grammar cannot spell (a closing quote beside a space) keeps its text, so
    // removing another chip still keeps this word, if not its exact form.
    let source = condition.source().unwrap_or_else(|| value.clone());
    ChipDto {
        kind: kind.to_owned(),
        value,
        negated: condition.negated,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::ParsedQuery;

    /// Joining the chips' sources re-parses to the query: closing one chip and joining the
    /// others' keeps the rest of the query intact.
    fn assert_round_trip(query: &str) {
        let parsed = ParsedQuery::parse(query).expect("parses");
        let rebuilt: Vec<String> = parsed.conditions.iter().map(|c| chip(c).source).collect();
        let rebuilt = rebuilt.join(" ");
        assert_eq!(
            ParsedQuery::parse(&rebuilt).expect("reparses"),
            parsed,
            "{query} → {rebuilt}"
        );
    }

    #[test]
    fn chip_sources_parse_back_to_their_conditions() {
        assert_round_trip(
            r#"复盘 "rust 异步" -广告 circle:读书 type:提问 author:小明 tag:周报 is:digest -is:unanswered -is:deleted after:2024-03-01 before:2024-04-01"#,
        );
    }

    /// The chips once spelled these bare: `-ab` read back as an exclusion, `“x` as the word
    /// `x`, and `tag:"` as nothing.
    #[test]
    fn chip_sources_of_a_dash_a_quote_or_a_quoted_tag_kept_their_meaning() {
        for query in [r#""-ab""#, r#""“x""#, r#"tag:#""#, r#"-"-ab""#] {
            assert_round_trip(query);
        }
    }

    #[test]
    fn chips_show_dates_in_the_service_timezone() {
        let chips: Vec<ChipDto> = ParsedQuery::parse("after:2024-03-01 before:2024-12-31")
            .expect("parses")
            .conditions
            .iter()
            .map(chip)
            .collect();
        assert_eq!(chips[0].value, "2024-03-01");
        assert_eq!(chips[1].value, "2024-12-31");
        assert_eq!(chips[0].kind, "after");
    }
}
