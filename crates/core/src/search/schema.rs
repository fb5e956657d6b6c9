//! The index's fields. One document per searchable unit (see [`super::unit`]).
//!
//! Text is indexed twice: `grams` (characters and pairs, with positions) decides what
//! matches, `words` (jieba + stemming) adds to the score of units that use the query's words
//! as words. Names (`author_grams`, `circle_grams`) get grams too, so `author:陈` finds 陈默.
//! Bump [`SCHEMA_VERSION`] on any change here or in the analyzers: an index of another version
//! is rebuilt from the archive.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::analyzer::{GRAMS, WORDS};

/// The version of the fields and analyzers.
/// 2: the `deleted` flag (an index of 1 never marked topics deleted on the service).
pub const SCHEMA_VERSION: u32 = 2;

/// Handles to every field.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Unique per unit: its id × 8 + its kind (see [`super::unit::Unit::uid`]).
    pub uid: Field,
    /// The order of "newest first" and the tie breaker of relevance: the time in the high bits,
    /// the low bits of `uid` below (see [`super::unit::Unit::recency`]). One fast field, so
    /// tantivy's own top-k by fast field does the sorting.
    pub recency: Field,
    /// The week (in UTC+8) as a zero-padded number, so that terms sort by time: how the
    /// newest page of a query matching much of the archive is found without ranking every
    /// match (see `execute::newest_by_week`).
    pub week: Field,
    /// `t<topic id>` for a topic's own units, `c<comment id>` for a comment: what an update
    /// deletes before adding the new version.
    pub owner: Field,
    pub topic_id: Field,
    pub group_id: Field,
    pub kind: Field,
    pub time: Field,
    /// `digest`, `open` (an unanswered question), `deleted` (deleted on the service, the
    /// topic's units and its comments).
    pub flag: Field,
    pub tag: Field,
    pub author: Field,
    pub author_grams: Field,
    pub circle: Field,
    pub circle_grams: Field,
    pub title: Field,
    /// The unit's text as written, for snippets.
    pub body: Field,
    pub grams: Field,
    pub words: Field,
}

fn analyzed(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record)
            .set_fieldnorms(true),
    )
}

impl Fields {
    /// The schema and its field handles.
    pub fn schema() -> (Schema, Self) {
        let mut b = Schema::builder();
        let positions = IndexRecordOption::WithFreqsAndPositions;
        let fields = Self {
            uid: b.add_i64_field("uid", FAST | STORED),
            recency: b.add_i64_field("recency", FAST),
            week: b.add_text_field("week", STRING),
            owner: b.add_text_field("owner", STRING),
            topic_id: b.add_i64_field("topic_id", STORED),
            group_id: b.add_i64_field("group_id", INDEXED | STORED),
            kind: b.add_text_field("kind", STRING | STORED),
            time: b.add_i64_field("time", INDEXED | FAST | STORED),
            flag: b.add_text_field("flag", STRING | STORED),
            tag: b.add_text_field("tag", STRING | STORED),
            author: b.add_text_field("author", STORED),
            author_grams: b.add_text_field("author_grams", analyzed(GRAMS, positions)),
            circle: b.add_text_field("circle", STORED),
            circle_grams: b.add_text_field("circle_grams", analyzed(GRAMS, positions)),
            title: b.add_text_field("title", STORED),
            body: b.add_text_field("body", STORED),
            grams: b.add_text_field("grams", analyzed(GRAMS, positions)),
            words: b.add_text_field("words", analyzed(WORDS, IndexRecordOption::WithFreqs)),
        };
        (b.build(), fields)
    }

    /// The handles of an existing index's schema, or `None` when it is not this version's.
    pub fn of(schema: &Schema) -> Option<Self> {
        let (expected, fields) = Self::schema();
        (schema == &expected).then_some(fields)
    }
}
