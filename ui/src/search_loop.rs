//! The search-as-you-type loop, as a plain state machine ([`SearchLoop`]) the search panel
//! drives: it says which search to send and what to do with each answer, and never touches
//! the DOM or the shell, so every transition is unit-tested.
//!
//! As-you-type without flooding: at most one search is in flight, and when it returns the
//! newest text typed meanwhile is searched next (intermediate texts are skipped, and so are
//! answers overtaken by typing before they could be shown). Unlike a fixed debounce timer this
//! adds no delay to the first keystroke, which keeps keystroke to paint within the 50 ms
//! budget. Pinyin being composed is not the text yet: it is searched when the input method
//! commits it. Further pages continue the results on screen, one request at a time like the
//! rest.

use orrery_ipc::commands::SearchArgs;

/// What the panel does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Send this search now; report its answer with [`SearchLoop::answered`].
    Send(SearchArgs),
    /// The text is empty: show no results.
    Clear,
    /// Nothing now: a search is in flight (its answer decides), or the text is being composed.
    Wait,
}

/// What to do with an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Show it in place of the results (a first page, or a failure of one).
    Replace,
    /// Add its hits after the results on screen (a further page).
    Append,
    /// Drop it: typing overtook it, or a further page failed (the results on screen stay).
    Drop,
}

/// How a search came back, as far as the loop cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Found { hits: usize, total: u64 },
    Failed,
}

/// The loop's state: the text as typed, the search in flight, and how much of the results on
/// screen is loaded.
#[derive(Debug, Clone)]
pub struct SearchLoop {
    query: String,
    newest: bool,
    composing: bool,
    /// Hits per page.
    limit: u32,
    in_flight: Option<SearchArgs>,
    /// The text and order of the results on screen, with the hits loaded and the total.
    shown: Option<Shown>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    query: String,
    newest: bool,
    loaded: usize,
    total: u64,
}

impl SearchLoop {
    /// A loop over `query` (the search page keeps its text), newest first by default: what a
    /// member looking for a recent post expects, and what the index answers fastest on huge
    /// match sets (docs/search.md).
    pub fn new(query: String, limit: u32) -> Self {
        Self {
            query,
            newest: true,
            composing: false,
            limit,
            in_flight: None,
            shown: None,
        }
    }

    pub fn newest(&self) -> bool {
        self.newest
    }

    #[cfg(test)]
    fn in_flight(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Whether the results on screen have more hits than loaded.
    pub fn has_more(&self) -> bool {
        self.shown
            .as_ref()
            .is_some_and(|s| (s.loaded as u64) < s.total && self.is_current(&s.query, s.newest))
    }

    /// Searches the current text (the search page opening on a kept query).
    pub fn start(&mut self) -> Step {
        self.next()
    }

    /// The field's text changed; `composing` while an input method composes it.
    pub fn input(&mut self, text: String, composing: bool) -> Step {
        self.query = text;
        self.composing = composing;
        self.next()
    }

    /// The input method committed its text.
    pub fn composed(&mut self) -> Step {
        self.composing = false;
        self.next()
    }

    /// The text replaced as a whole (a chip closed).
    pub fn set_query(&mut self, text: String) -> Step {
        self.query = text;
        self.composing = false;
        self.next()
    }

    /// Newest first ⇄ most relevant.
    pub fn toggle_order(&mut self) -> Step {
        self.newest = !self.newest;
        self.next()
    }

    /// The next page of the results on screen, if there is one and nothing is in flight.
    pub fn more(&mut self) -> Step {
        if self.in_flight.is_some() || !self.has_more() {
            return Step::Wait;
        }
        let Some(shown) = &self.shown else {
            return Step::Wait;
        };
        let args = SearchArgs {
            query: shown.query.clone(),
            newest: shown.newest,
            offset: u32::try_from(shown.loaded).unwrap_or(u32::MAX),
            limit: self.limit,
        };
        self.in_flight = Some(args.clone());
        Step::Send(args)
    }

    /// The search in flight came back: what to do with its answer, then what to do next.
    pub fn answered(&mut self, outcome: Outcome) -> (Verdict, Step) {
        let Some(args) = self.in_flight.take() else {
            // Not ours (cannot happen while the panel reports each answer once).
            return (Verdict::Drop, Step::Wait);
        };
        // Typed on meanwhile: these results are already stale. Painting them would only
        // delay the frame of the newest text's results, a few milliseconds away (a paste, a
        // word from the input method or a fast typist's burst).
        if !self.is_current(&args.query, args.newest) {
            return (Verdict::Drop, self.next());
        }
        let verdict = match (outcome, args.offset) {
            (Outcome::Found { hits, total }, 0) => {
                self.shown = Some(Shown {
                    query: args.query,
                    newest: args.newest,
                    loaded: hits,
                    total,
                });
                Verdict::Replace
            }
            (Outcome::Failed, 0) => {
                self.shown = None;
                Verdict::Replace
            }
            (Outcome::Found { hits, total }, _) => {
                if let Some(shown) = &mut self.shown {
                    shown.loaded += hits;
                    // An empty page ends the paging even if the total said otherwise.
                    shown.total = if hits == 0 {
                        shown.loaded as u64
                    } else {
                        total
                    };
                }
                Verdict::Append
            }
            (Outcome::Failed, _) => Verdict::Drop,
        };
        (verdict, Step::Wait)
    }

    /// What the current text asks for, unless a search is in flight (its answer decides).
    fn next(&mut self) -> Step {
        if self.in_flight.is_some() || self.composing {
            return Step::Wait;
        }
        if self.query.trim().is_empty() {
            self.shown = None;
            return Step::Clear;
        }
        let args = SearchArgs {
            query: self.query.clone(),
            newest: self.newest,
            offset: 0,
            limit: self.limit,
        };
        self.in_flight = Some(args.clone());
        Step::Send(args)
    }

    /// Whether `query` in that order is still what the member asks for.
    fn is_current(&self, query: &str, newest: bool) -> bool {
        self.query == query && self.newest == newest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(step: Step) -> SearchArgs {
        match step {
            Step::Send(args) => args,
            other => panic!("expected a search, got {other:?}"),
        }
    }

    fn found(hits: usize, total: u64) -> Outcome {
        Outcome::Found { hits, total }
    }

    #[test]
    fn the_first_keystroke_is_searched_at_once() {
        let mut s = SearchLoop::new(String::new(), 12);
        let args = sent(s.input("读".into(), false));
        assert_eq!(
            args,
            SearchArgs {
                query: "读".into(),
                newest: true,
                offset: 0,
                limit: 12
            }
        );
        assert!(s.in_flight());
        assert_eq!(s.answered(found(3, 3)), (Verdict::Replace, Step::Wait));
        assert!(!s.in_flight());
    }

    #[test]
    fn typing_during_a_search_sends_only_the_newest_text_and_drops_the_stale_answer() {
        let mut s = SearchLoop::new(String::new(), 12);
        sent(s.input("a".into(), false));
        assert_eq!(s.input("ab".into(), false), Step::Wait);
        assert_eq!(s.input("abc".into(), false), Step::Wait);
        let (verdict, next) = s.answered(found(5, 5));
        assert_eq!(verdict, Verdict::Drop);
        // "ab" is skipped: the newest text goes next.
        assert_eq!(sent(next).query, "abc");
        assert_eq!(s.answered(found(1, 1)), (Verdict::Replace, Step::Wait));
    }

    #[test]
    fn typing_back_to_the_text_in_flight_keeps_its_answer() {
        let mut s = SearchLoop::new(String::new(), 12);
        sent(s.input("ab".into(), false));
        s.input("abc".into(), false);
        s.input("ab".into(), false);
        assert_eq!(s.answered(found(2, 2)), (Verdict::Replace, Step::Wait));
    }

    #[test]
    fn text_being_composed_is_not_searched_until_committed() {
        let mut s = SearchLoop::new(String::new(), 12);
        assert_eq!(s.input("d".into(), true), Step::Wait);
        assert_eq!(s.input("du".into(), true), Step::Wait);
        assert!(!s.in_flight());
        s.input("读".into(), true);
        assert_eq!(sent(s.composed()).query, "读");
    }

    #[test]
    fn an_answer_returning_during_composition_is_dropped_and_waits_for_the_commit() {
        let mut s = SearchLoop::new(String::new(), 12);
        sent(s.input("读".into(), false));
        s.input("读sh".into(), true);
        assert_eq!(s.answered(found(4, 4)), (Verdict::Drop, Step::Wait));
        s.input("读书".into(), true);
        assert_eq!(sent(s.composed()).query, "读书");
    }

    #[test]
    fn a_commit_while_a_search_is_in_flight_is_searched_when_it_returns() {
        let mut s = SearchLoop::new(String::new(), 12);
        sent(s.input("a".into(), false));
        s.input("a读".into(), true);
        assert_eq!(s.composed(), Step::Wait);
        let (verdict, next) = s.answered(found(1, 1));
        assert_eq!(verdict, Verdict::Drop);
        assert_eq!(sent(next).query, "a读");
    }

    #[test]
    fn an_empty_text_clears_now_or_when_the_search_in_flight_returns() {
        let mut s = SearchLoop::new(String::new(), 12);
        assert_eq!(s.input("   ".into(), false), Step::Clear);
        sent(s.input("a".into(), false));
        assert_eq!(s.input(String::new(), false), Step::Wait);
        assert_eq!(s.answered(found(1, 1)), (Verdict::Drop, Step::Clear));
        assert!(!s.in_flight());
    }

    #[test]
    fn changing_the_order_searches_again_and_drops_the_other_orders_answer() {
        let mut s = SearchLoop::new("读书".into(), 50);
        assert!(sent(s.start()).newest);
        assert_eq!(s.toggle_order(), Step::Wait);
        let (verdict, next) = s.answered(found(9, 9));
        assert_eq!(verdict, Verdict::Drop);
        let args = sent(next);
        assert!(!args.newest);
        assert_eq!(args.query, "读书");
        assert!(!s.newest());
    }

    #[test]
    fn closing_a_chip_searches_the_rest() {
        let mut s = SearchLoop::new(String::new(), 12);
        sent(s.input("复盘 circle:读书".into(), false));
        s.answered(found(1, 1));
        assert_eq!(sent(s.set_query("复盘".into())).query, "复盘");
    }

    #[test]
    fn a_failure_replaces_the_results_and_offers_no_more_pages() {
        let mut s = SearchLoop::new(String::new(), 12);
        sent(s.input("a".into(), false));
        assert_eq!(s.answered(Outcome::Failed), (Verdict::Replace, Step::Wait));
        assert!(!s.has_more());
        assert_eq!(s.more(), Step::Wait);
    }

    #[test]
    fn further_pages_continue_the_results_on_screen() {
        let mut s = SearchLoop::new(String::new(), 50);
        sent(s.input("的".into(), false));
        s.answered(found(50, 120));
        assert!(s.has_more());
        let page = sent(s.more());
        assert_eq!(
            (page.query.as_str(), page.offset, page.limit),
            ("的", 50, 50)
        );
        // One request at a time.
        assert_eq!(s.more(), Step::Wait);
        assert_eq!(s.answered(found(50, 120)), (Verdict::Append, Step::Wait));
        assert_eq!(sent(s.more()).offset, 100);
        assert_eq!(s.answered(found(20, 120)), (Verdict::Append, Step::Wait));
        assert!(!s.has_more());
        assert_eq!(s.more(), Step::Wait);
    }

    #[test]
    fn an_empty_page_ends_the_paging() {
        let mut s = SearchLoop::new(String::new(), 50);
        sent(s.input("的".into(), false));
        s.answered(found(50, 120));
        sent(s.more());
        assert_eq!(s.answered(found(0, 120)), (Verdict::Append, Step::Wait));
        assert!(!s.has_more());
    }

    #[test]
    fn a_page_overtaken_by_typing_is_dropped_and_the_new_text_searched() {
        let mut s = SearchLoop::new(String::new(), 50);
        sent(s.input("的".into(), false));
        s.answered(found(50, 120));
        sent(s.more());
        assert_eq!(s.input("的人".into(), false), Step::Wait);
        // The results on screen belong to the old text: no page of them is offered.
        assert!(!s.has_more());
        let (verdict, next) = s.answered(found(50, 120));
        assert_eq!(verdict, Verdict::Drop);
        let args = sent(next);
        assert_eq!((args.query.as_str(), args.offset), ("的人", 0));
    }

    #[test]
    fn a_failed_page_keeps_the_results_and_can_be_retried() {
        let mut s = SearchLoop::new(String::new(), 50);
        sent(s.input("的".into(), false));
        s.answered(found(50, 120));
        sent(s.more());
        assert_eq!(s.answered(Outcome::Failed), (Verdict::Drop, Step::Wait));
        assert!(s.has_more());
        assert_eq!(sent(s.more()).offset, 50);
    }

    #[test]
    fn an_answer_without_a_search_in_flight_is_ignored() {
        let mut s = SearchLoop::new(String::new(), 12);
        assert_eq!(s.answered(found(1, 1)), (Verdict::Drop, Step::Wait));
    }
}
