//! Searching: the public [`SearchRequest`] and [`SearchResults`], and the [`SearchIndex`]
//! methods that run a query on the live generation. Reading never takes the writer's lock, so
//! this side stays apart from catching up and rebuilding.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;

use super::error::SearchError;
use super::execute::{self, SearchHit, SortOrder};
use super::index::SearchIndex;
use super::query::{ParsedQuery, UnitKind};
use super::unit::split_uid;

/// What is searched for, in which order, which page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub query: String,
    #[serde(default)]
    pub sort: SortOrder,
    #[serde(default)]
    pub offset: usize,
    pub limit: usize,
}

impl SearchRequest {
    /// The first `limit` results of `query` by relevance.
    pub fn new(query: impl Into<String>, limit: usize) -> Self {
        Self {
            query: query.into(),
            sort: SortOrder::Relevance,
            offset: 0,
            limit,
        }
    }
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The query as understood, for the UI's chips.
    pub parsed: ParsedQuery,
    /// Units that match, on every page.
    pub total: usize,
    pub hits: Vec<SearchHit>,
    /// Time spent in the engine: parsing, searching, snippets.
    pub micros: u64,
}

impl SearchIndex {
    /// Runs `request`.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let started = Instant::now();
        let parsed = ParsedQuery::parse(&request.query)?;
        let generation = self.current().ok_or(SearchError::NotBuilt)?;
        let mut results = SearchResults {
            parsed,
            total: 0,
            hits: Vec::new(),
            micros: 0,
        };
        if !results.parsed.is_empty() {
            let searcher = generation.reader.searcher();
            let f = &generation.fields;
            let ranking = request.sort == SortOrder::Relevance;
            let query = execute::build(&searcher, f, &results.parsed, ranking)?;
            let (total, addresses) = execute::collect(
                &searcher,
                f,
                &*query,
                request.sort,
                request.offset,
                request.limit,
            )?;
            let terms = results.parsed.highlight_terms();
            results.total = total;
            results.hits = addresses
                .into_iter()
                .map(|address| execute::hit(&searcher, f, address, &terms))
                .collect::<Result<_, _>>()?;
        }
        results.micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        Ok(results)
    }

    /// Every unit matching `query`, as (kind, topic or comment id), unordered: for checking
    /// recall against a scan of the archive.
    pub fn matches(&self, query: &str) -> Result<Vec<(UnitKind, i64)>, SearchError> {
        let parsed = ParsedQuery::parse(query)?;
        let generation = self.current().ok_or(SearchError::NotBuilt)?;
        if parsed.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = generation.reader.searcher();
        let query = execute::build(&searcher, &generation.fields, &parsed, false)?;
        let addresses = searcher.search(&*query, &DocSetCollector)?;
        let mut out = Vec::with_capacity(addresses.len());
        for address in addresses {
            let segment = searcher.segment_reader(address.segment_ord);
            let uid = segment
                .fast_fields()
                .i64("uid")?
                .first(address.doc_id)
                .unwrap_or(0);
            let (id, kind) = split_uid(uid);
            out.push((kind, id));
        }
        Ok(out)
    }
}
