//! Search results and their query chips as views.

use orrery_ipc::commands::{ChipDto, SearchHitDto, SearchResultsDto};
use orrery_ipc::time::civil_date;

use crate::search::{CircleRef, Clause, Condition, SearchResults};

/// The view of `results`.
pub fn search_results(results: SearchResults) -> SearchResultsDto {
    SearchResultsDto {
        total: results.total as u64,
        chips: results.parsed.conditions.iter().map(chip).collect(),
        hits: results
            .hits
            .into_iter()
            .map(|hit| SearchHitDto {
                topic_id: hit.topic_id.to_string(),
                comment_id: hit.comment_id.map(|c| c.to_string()),
                kind: hit.kind.as_str().to_owned(),
                circle_id: hit.group_id.to_string(),
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
            })
            .collect(),
        micros: results.micros,
    }
}

fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// A condition as a chip: what it is, its value as shown, and its query text.
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
        Clause::After(ms) => ("after", day(*ms)),
        // `before:` is exclusive at the start of the named day, which is what is shown.
        Clause::Before(ms) => ("before", day(*ms)),
    };
    let quoted = if value.chars().any(char::is_whitespace) || value.contains(':') {
        format!("\"{value}\"")
    } else {
        value.clone()
    };
    let body = match kind {
        "text" => quoted,
        "digest" | "unanswered" => format!("is:{kind}"),
        _ => format!("{kind}:{quoted}"),
    };
    let source = if condition.negated {
        format!("-{body}")
    } else {
        body
    };
    ChipDto {
        kind: kind.to_owned(),
        value,
        negated: condition.negated,
        source,
    }
}

/// `YYYY-MM-DD` of a unix-millisecond instant in UTC+8, the service's (and the query's) day.
fn day(ms: i64) -> String {
    let (y, m, d) = civil_date(ms, 8 * 3_600_000);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::ParsedQuery;

    fn sources(query: &str) -> Vec<String> {
        ParsedQuery::parse(query)
            .expect("parses")
            .conditions
            .iter()
            .map(|c| chip(c).source)
            .collect()
    }

    /// A chip's source parses back to the same condition, so closing one chip and joining the
    /// others' sources keeps the rest of the query intact.
    #[test]
    fn chip_sources_parse_back_to_their_conditions() {
        let query = r#"复盘 "rust 异步" -广告 circle:读书 type:提问 author:小明 tag:周报 is:digest -is:unanswered after:2024-03-01 before:2024-04-01"#;
        let parsed = ParsedQuery::parse(query).expect("parses");
        let rebuilt = sources(query).join(" ");
        assert_eq!(
            ParsedQuery::parse(&rebuilt).expect("reparses"),
            parsed,
            "{rebuilt}"
        );
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
