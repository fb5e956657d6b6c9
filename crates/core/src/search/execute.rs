//! Running a [`ParsedQuery`] against one searcher: the tantivy query, the ordering, and the
//! hits with their snippets.
//!
//! Every positive word or phrase is a MUST clause on the char-gram field (a unigram term, or
//! a phrase of bigrams), so what matches is exactly what contains it. For relevance, the same
//! words cut by jieba are SHOULD clauses on the `words` field: they add to the score of units
//! that use them as words without ever adding a match. Ties — common, since many short posts
//! score alike — fall back to newer first, then to the unit's id (both in the `recency` fast
//! field), so the order of a result list never depends on how segments happen to be merged.

use std::ops::Bound;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, DocId, Order, Score, Searcher, SegmentReader, TantivyDocument, Term};

use super::SearchError;
use super::analyzer::{WORDS, gram_terms};
use super::query::{CircleRef, Clause, ParsedQuery, SourceRef, UnitKind};
use super::schema::Fields;
use super::snippet::{Snippet, snippet};
use super::unit::split_uid;

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Best match first (BM25), newer first among equals.
    #[default]
    Relevance,
    /// Newest first.
    Newest,
}

/// One result: a unit with what a result list shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub topic_id: i64,
    /// Set when the match is a comment or reply.
    pub comment_id: Option<i64>,
    pub kind: UnitKind,
    pub group_id: i64,
    pub circle: String,
    pub author: String,
    pub time_ms: i64,
    /// The topic's title or first line (for a comment, its topic's).
    pub title: String,
    pub snippet: Snippet,
    pub digest: bool,
    /// Its topic was deleted on the service.
    pub deleted: bool,
    pub tags: Vec<String>,
}

/// The chars-gram query for `needle` (normalized) in `field`: `None` for an empty needle.
fn contains(field: Field, needle: &str) -> Option<Box<dyn Query>> {
    let terms: Vec<(usize, Term)> = gram_terms(needle)
        .into_iter()
        .map(|(offset, gram)| (offset, Term::from_field_text(field, &gram)))
        .collect();
    match terms.len() {
        0 => None,
        1 => {
            let (_, term) = terms.into_iter().next()?;
            Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)))
        }
        _ => Some(Box::new(PhraseQuery::new_with_offset(terms))),
    }
}

fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        return queries
            .into_iter()
            .next()
            .unwrap_or_else(|| Box::new(EmptyQuery));
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// The query of one clause; `None` when it cannot restrict anything (an empty needle).
fn clause_query(f: &Fields, clause: &Clause) -> Option<Box<dyn Query>> {
    match clause {
        Clause::Text(text) => contains(f.grams, text),
        Clause::Circle(CircleRef::Id(id)) => Some(Box::new(TermQuery::new(
            Term::from_field_i64(f.group_id, *id),
            IndexRecordOption::Basic,
        ))),
        Clause::Circle(CircleRef::Name(name)) => contains(f.circle_grams, name),
        Clause::Type(kind) => Some(term(f.kind, kind.as_str())),
        Clause::Author(name) => contains(f.author_grams, name),
        Clause::Tag(tag) => Some(term(f.tag, tag)),
        Clause::Digest => Some(term(f.flag, "digest")),
        Clause::Unanswered => Some(term(f.flag, "open")),
        Clause::Deleted => Some(term(f.flag, "deleted")),
        Clause::Source(SourceRef::Saved) => Some(term(f.kind, UnitKind::Document.as_str())),
        Clause::Source(SourceRef::Circles) => Some(Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery)),
            (Occur::MustNot, term(f.kind, UnitKind::Document.as_str())),
        ]))),
        // A saved document's site is in the circle field (see `unit::document_unit`).
        Clause::Source(SourceRef::Site(site)) => Some(Box::new(BooleanQuery::new(vec![
            (Occur::Must, term(f.kind, UnitKind::Document.as_str())),
            (Occur::Must, contains(f.circle_grams, site)?),
        ]))),
        Clause::After(ms) => Some(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_i64(f.time, *ms)),
            Bound::Unbounded,
        ))),
        Clause::Before(ms) => Some(Box::new(RangeQuery::new(
            Bound::Unbounded,
            Bound::Excluded(Term::from_field_i64(f.time, *ms)),
        ))),
    }
}

/// Which group a positive clause belongs to: clauses of one group are alternatives.
fn alternative_group(clause: &Clause) -> Option<u8> {
    match clause {
        Clause::Circle(_) => Some(0),
        Clause::Type(_) => Some(1),
        Clause::Author(_) => Some(2),
        _ => None,
    }
}

/// The whole tantivy query of `parsed`; `ranking` adds the jieba SHOULD clauses.
pub fn build(
    searcher: &Searcher,
    f: &Fields,
    parsed: &ParsedQuery,
    ranking: bool,
) -> Result<Box<dyn Query>, SearchError> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut groups: [Vec<Box<dyn Query>>; 3] = Default::default();
    for condition in &parsed.conditions {
        let Some(query) = clause_query(f, &condition.clause) else {
            continue;
        };
        if condition.negated {
            clauses.push((Occur::MustNot, query));
        } else if let Some(group) = alternative_group(&condition.clause) {
            groups[usize::from(group)].push(query);
        } else {
            clauses.push((Occur::Must, query));
        }
    }
    for group in groups.into_iter().filter(|g| !g.is_empty()) {
        clauses.push((Occur::Must, any_of(group)));
    }
    if !clauses.iter().any(|(occur, _)| *occur == Occur::Must) {
        // Only exclusions: everything else.
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    if ranking {
        let mut analyzer = searcher
            .index()
            .tokenizers()
            .get(WORDS)
            .ok_or(SearchError::Corrupt(
                "the words tokenizer is not registered".into(),
            ))?;
        for text in parsed.highlight_terms() {
            let mut stream = analyzer.token_stream(text);
            while let Some(token) = stream.next() {
                if token.text.chars().any(char::is_alphanumeric) {
                    clauses.push((Occur::Should, term(f.words, &token.text)));
                }
            }
        }
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// Above this many matches, the newest page is taken week by week.
const WEEKLY_ABOVE: usize = 20_000;

/// The newest `wanted` matches of `query`, newest first, found week by week from the newest
/// week: a query that matches a large part of the archive (one common character) then ranks
/// the matches of a few weeks instead of all of them. Weeks partition time, so the matches of
/// newer weeks all come before those of older ones and the result equals a global top-k.
fn newest_by_week(
    searcher: &Searcher,
    f: &Fields,
    query: &dyn Query,
    wanted: usize,
) -> Result<Vec<DocAddress>, SearchError> {
    let mut weeks = std::collections::BTreeSet::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(f.week)?;
        let mut terms = index
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while let Some((key, _)) = terms.next() {
            weeks.insert(key.to_vec());
        }
    }
    let mut out = Vec::with_capacity(wanted);
    for week in weeks.iter().rev() {
        let need = wanted - out.len();
        if need == 0 {
            break;
        }
        let in_week = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_bytes(f.week, week),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let top = TopDocs::with_limit(need).order_by_fast_field::<i64>("recency", Order::Desc);
        out.extend(searcher.search(&in_week, &top)?.into_iter().map(|(_, a)| a));
    }
    Ok(out)
}

/// The page `offset..offset + limit` of the matches, in `sort` order, and their total.
pub fn collect(
    searcher: &Searcher,
    f: &Fields,
    query: &dyn Query,
    sort: SortOrder,
    offset: usize,
    limit: usize,
) -> Result<(usize, Vec<DocAddress>), SearchError> {
    // tantivy reserves room for `offset + limit` hits in every segment, so a request far past
    // the results (any `usize` comes in over IPC) aborted on the allocation or overflowed.
    // No page holds more than the index's documents: bounded by them, every page is the same.
    let documents = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    let offset = offset.min(documents);
    let limit = limit.min(documents - offset);
    if limit == 0 {
        return Ok((searcher.search(query, &Count)?, Vec::new()));
    }
    let top = TopDocs::with_limit(limit).and_offset(offset);
    let (total, addresses) = match sort {
        SortOrder::Relevance => {
            let ranked = top.tweak_score(|segment: &SegmentReader| {
                let recency = segment
                    .fast_fields()
                    .i64("recency")
                    .map(|column| column.first_or_default_col(0))
                    .ok();
                move |doc: DocId, score: Score| {
                    (score, recency.as_ref().map_or(0, |r| r.get_val(doc)))
                }
            });
            let (total, docs) = searcher.search(query, &(Count, ranked))?;
            (total, docs.into_iter().map(|(_, a)| a).collect())
        }
        SortOrder::Newest => {
            let total = searcher.search(query, &Count)?;
            let addresses = if total >= WEEKLY_ABOVE {
                newest_by_week(searcher, f, query, offset + limit)?
                    .into_iter()
                    .skip(offset)
                    .collect()
            } else {
                let newest = top.order_by_fast_field::<i64>("recency", Order::Desc);
                let docs = searcher.search(query, &newest)?;
                docs.into_iter().map(|(_, a)| a).collect()
            };
            (total, addresses)
        }
    };
    Ok((total, addresses))
}

/// The hit stored at `address`, with its snippet for `terms`.
pub fn hit(
    searcher: &Searcher,
    f: &Fields,
    address: DocAddress,
    terms: &[&str],
) -> Result<SearchHit, SearchError> {
    let doc: TantivyDocument = searcher.doc(address)?;
    let text = |field: Field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let number = |field: Field| doc.get_first(field).and_then(|v| v.as_i64()).unwrap_or(0);
    let (id, kind) = split_uid(number(f.uid));
    let body = text(f.body);
    Ok(SearchHit {
        topic_id: number(f.topic_id),
        comment_id: (kind == UnitKind::Comment).then_some(id),
        kind,
        group_id: number(f.group_id),
        circle: text(f.circle),
        author: text(f.author),
        time_ms: number(f.time),
        title: text(f.title),
        snippet: snippet(&body, terms),
        digest: doc.get_all(f.flag).any(|v| v.as_str() == Some("digest")),
        deleted: doc.get_all(f.flag).any(|v| v.as_str() == Some("deleted")),
        tags: doc
            .get_all(f.tag)
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use tantivy::Index;

    use super::*;
    use crate::search::analyzer;
    use crate::search::unit::Unit;

    /// A unit of circle 1 by 甲 with `body`.
    fn unit(id: i64, kind: UnitKind, topic_id: i64, time_ms: i64, body: &str) -> Unit {
        Unit {
            id,
            kind,
            topic_id,
            group_id: 1,
            circle: "圈".into(),
            time_ms,
            author: "甲".into(),
            title: String::new(),
            body: body.into(),
            tags: Vec::new(),
            digest: false,
            open_question: false,
            deleted: false,
        }
    }

    /// An index in memory holding `units`, committed every `per_segment` units (one segment
    /// each).
    fn in_ram(units: impl IntoIterator<Item = Unit>, per_segment: usize) -> (Index, Fields) {
        let (schema, f) = Fields::schema();
        let index = Index::create_in_ram(schema);
        analyzer::register(&index);
        let mut writer = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        for (i, unit) in units.into_iter().enumerate() {
            writer.add_document(unit.document(&f)).expect("add");
            if i % per_segment == per_segment - 1 {
                writer.commit().expect("commit a segment");
            }
        }
        writer.commit().expect("commit");
        (index, f)
    }

    /// A page requested far past the results, or one absurdly long (the IPC and the CLI pass
    /// any `usize`), once made tantivy reserve room for `offset + limit` hits per segment:
    /// an allocation failure that aborted the process, or an overflow panic.
    #[test]
    fn offset_of_four_billion_aborted_on_allocation() {
        let (index, f) = in_ram(
            (0..30_i64).map(|i| unit(i, UnitKind::Talk, i, 1_700_000_000_000 + i * 60_000, "估值")),
            10,
        );
        let searcher = index.reader().expect("reader").searcher();
        // Any page of any request is the slice of the whole ordered list it names.
        let mut runner =
            proptest::test_runner::TestRunner::new(proptest::test_runner::Config::with_cases(64));
        let request = (
            proptest::prop_oneof![0..40_usize, proptest::num::usize::ANY],
            proptest::prop_oneof![0..40_usize, proptest::num::usize::ANY],
        );
        for sort in [SortOrder::Relevance, SortOrder::Newest] {
            let all = collect(&searcher, &f, &AllQuery, sort, 0, 30)
                .expect("all")
                .1;
            runner
                .run(&request, |(offset, limit)| {
                    let (total, page) =
                        collect(&searcher, &f, &AllQuery, sort, offset, limit).expect("page");
                    let from = offset.min(30);
                    let to = from + limit.min(30 - from);
                    proptest::prop_assert_eq!(total, 30);
                    proptest::prop_assert_eq!(page, all[from..to].to_vec());
                    Ok(())
                })
                .expect("every page is its slice");
        }
        for sort in [SortOrder::Relevance, SortOrder::Newest] {
            let page = |offset, limit| {
                collect(&searcher, &f, &AllQuery, sort, offset, limit).expect("collects")
            };
            for (offset, limit) in [
                (4_000_000_000, 20),
                (usize::MAX, 20),
                (0, usize::MAX),
                (usize::MAX, usize::MAX),
                (25, 4_000_000_000),
            ] {
                let (total, hits) = page(offset, limit);
                assert_eq!(total, 30, "{sort:?} {offset} {limit}");
                assert_eq!(
                    hits.len(),
                    30_usize.saturating_sub(offset),
                    "{sort:?} {offset}"
                );
            }
            assert_eq!(page(25, 4_000_000_000).1, page(0, 30).1[25..].to_vec());
        }
    }

    /// Week by week gives exactly the global newest-first top-k, across segments and weeks,
    /// with many units in one millisecond.
    #[test]
    fn week_by_week_equals_the_global_newest_page() {
        let mut state = 88_172_645_463_325_252_u64;
        let units = (0..600_i64).map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Seven weeks in ten-minute steps: many units share a millisecond.
            let time_ms = 1_700_000_000_000 + (state % 7_200) as i64 * 600_000;
            let body = if i % 2 == 0 { "的确" } else { "其他" };
            unit(i, UnitKind::Comment, i / 3, time_ms, body)
        });
        let (index, f) = in_ram(units, 200);
        let searcher = index.reader().expect("reader").searcher();
        assert!(searcher.segment_readers().len() > 1);
        let even = TermQuery::new(
            Term::from_field_text(f.grams, "的"),
            IndexRecordOption::Basic,
        );
        for query in [&AllQuery as &dyn Query, &even] {
            for wanted in [1, 7, 20, 299, 300, 301, 1_000] {
                let top =
                    TopDocs::with_limit(wanted).order_by_fast_field::<i64>("recency", Order::Desc);
                let global: Vec<DocAddress> = searcher
                    .search(query, &top)
                    .expect("top")
                    .into_iter()
                    .map(|(_, a)| a)
                    .collect();
                let weekly = newest_by_week(&searcher, &f, query, wanted).expect("weekly");
                assert_eq!(weekly, global, "wanted {wanted}");
            }
        }
    }
}
