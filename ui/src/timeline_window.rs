//! The timeline's paging and windowing as plain state and arithmetic, unit-tested without a
//! DOM; the timeline page only wires them to signals and the shell.
//!
//! - Windowing: rows are a fixed [`ROW_HEIGHT`], so the rows on screen are computed from the
//!   scroll position ([`visible_range`]), plus [`OVERSCAN`] above and below, and 100,000 topics
//!   cost the DOM only a screenful.
//! - Paging ([`Pages`]): keyset pages of [`PAGE`] topics, the next one asked for as the window
//!   nears the end. Every restart or reload starts a new generation, so a page that arrives
//!   for an older filter is dropped. New topics from the sync reload the list only while it is
//!   at its top; further down the member keeps their place. A reload keeps the keyboard
//!   selection on its topic when rows shift.

use orrery_ipc::IpcError;
use orrery_ipc::commands::{CursorDto, TimelinePageDto, TopicRowDto};

/// Every row is this tall (CSS `.row` agrees): positions are computed, not measured.
pub const ROW_HEIGHT: f64 = 88.0;
/// Rows rendered above and below the visible ones, so a fast scroll shows no gap.
pub const OVERSCAN: usize = 6;
/// Topics per page fetched from the archive.
pub const PAGE: u32 = 100;
/// Fetch the next page when the view is this many rows from the end.
pub const PREFETCH_ROWS: usize = 30;

/// The rows of `total` on screen for a viewport `height` scrolled to `top`: `start..end`.
pub fn visible_range(top: f64, height: f64, total: usize) -> (usize, usize) {
    let first = (top.max(0.0) / ROW_HEIGHT).floor() as usize;
    let shown = (height.max(0.0) / ROW_HEIGHT).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN).min(total);
    let end = (first + shown + OVERSCAN).min(total);
    (start, end)
}

/// The selection one row down (`forward`) or up, within `total` rows.
pub fn step_selection(selected: usize, forward: bool, total: usize) -> usize {
    let at = selected.min(total.saturating_sub(1));
    if forward {
        (at + 1).min(total.saturating_sub(1))
    } else {
        at.saturating_sub(1)
    }
}

/// Where to scroll so row `index` is fully on screen, if it is not: the least movement.
pub fn scroll_to_show(index: usize, scroll_top: f64, height: f64) -> Option<f64> {
    let top = index as f64 * ROW_HEIGHT;
    if top < scroll_top {
        Some(top)
    } else if top + ROW_HEIGHT > scroll_top + height {
        Some(top + ROW_HEIGHT - height)
    } else {
        None
    }
}

/// Whether new topics from the sync may reload the list: only while it is at its top.
pub fn shows_new_topics(scroll_top: f64) -> bool {
    scroll_top < ROW_HEIGHT
}

/// A page to fetch: after `after` (the first page when `None`), for `generation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub after: Option<CursorDto>,
    pub generation: u32,
    /// From the top, replacing the rows when it arrives.
    pub reload: bool,
}

/// The loaded part of a timeline and the page being fetched.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pages {
    rows: Vec<TopicRowDto>,
    next: Option<CursorDto>,
    done: bool,
    error: Option<IpcError>,
    loading: bool,
    generation: u32,
}

impl Pages {
    pub fn rows(&self) -> &[TopicRowDto] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Every page is loaded.
    pub fn done(&self) -> bool {
        self.done
    }

    /// The last page's failure, until a page arrives.
    pub fn error(&self) -> Option<&IpcError> {
        self.error.as_ref()
    }

    /// A new circle, tab or filter: nothing loaded, the first page asked for.
    pub fn restart(&mut self) -> PageRequest {
        let generation = self.generation.wrapping_add(1);
        *self = Self {
            generation,
            ..Self::default()
        };
        self.reload()
    }

    /// New topics may have been synced: the first page again, replacing the rows when it
    /// arrives, if the list is at its top (`scroll_top`); else nothing.
    pub fn new_topics(&mut self, scroll_top: f64) -> Option<PageRequest> {
        shows_new_topics(scroll_top).then(|| self.reload())
    }

    /// Whether the window ending at row `end` asks for the next page: near the end of what is
    /// loaded, with more to load and nothing loading.
    pub fn wants_next(&self, end: usize) -> bool {
        !self.rows.is_empty()
            && end + PREFETCH_ROWS >= self.rows.len()
            && !self.loading
            && !self.done
    }

    /// The next page for the window ending at row `end`, if [`Self::wants_next`].
    pub fn next_page(&mut self, end: usize) -> Option<PageRequest> {
        if !self.wants_next(end) {
            return None;
        }
        self.loading = true;
        Some(PageRequest {
            after: self.next.clone(),
            generation: self.generation,
            reload: false,
        })
    }

    /// A page arrived for `request`. Returns `None` when it is stale (a newer restart or
    /// reload is under way), else where the selection (`selected`, a row index) is now: a
    /// reload keeps it on its topic, or goes to the top when that topic is gone.
    pub fn receive(
        &mut self,
        request: &PageRequest,
        page: Result<TimelinePageDto, IpcError>,
        selected: usize,
    ) -> Option<usize> {
        if request.generation != self.generation {
            return None;
        }
        self.loading = false;
        let page = match page {
            Ok(page) => page,
            Err(err) => {
                self.error = Some(err);
                return Some(selected);
            }
        };
        let mut selected = selected;
        if request.reload {
            let kept = self.rows.get(selected).map(|r| r.id);
            selected = kept
                .and_then(|id| page.topics.iter().position(|r| r.id == id))
                .unwrap_or(0);
            self.rows.clear();
        }
        self.done = page.next.is_none();
        self.next = page.next;
        self.rows.extend(page.topics);
        self.error = None;
        Some(selected)
    }

    fn reload(&mut self) -> PageRequest {
        self.generation = self.generation.wrapping_add(1);
        self.loading = true;
        PageRequest {
            after: None,
            generation: self.generation,
            reload: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orrery_ipc::ErrorCode;
    use orrery_ipc::commands::TopicKindDto;
    use orrery_ipc::id::{CircleId, TopicId};

    fn row(id: u32) -> TopicRowDto {
        TopicRowDto {
            id: TopicId::new(id.into()),
            circle_id: CircleId::new(1),
            kind: TopicKindDto::Talk,
            title: format!("topic {id}"),
            excerpt: String::new(),
            author: None,
            time_ms: 0,
            digest: false,
            sticky: false,
            answered: false,
            comments: 0,
            likes: 0,
            unread: true,
            deleted_at_ms: None,
            edited: false,
        }
    }

    /// Topics `ids`, followed by more unless `last`.
    fn page(ids: std::ops::Range<u32>, last: bool) -> Result<TimelinePageDto, IpcError> {
        let next = (!last).then(|| CursorDto {
            time_ms: 0,
            topic_id: TopicId::new(ids.end.into()),
        });
        Ok(TimelinePageDto {
            topics: ids.map(row).collect(),
            next,
        })
    }

    fn ids(pages: &Pages) -> Vec<String> {
        pages.rows().iter().map(|r| r.id.to_string()).collect()
    }

    #[test]
    fn only_rows_near_the_viewport_are_rendered() {
        // 100,000 topics, scrolled to the middle: a screenful plus the overscan.
        let (start, end) = visible_range(5_000_000.0, 700.0, 100_000);
        let first = (5_000_000.0 / ROW_HEIGHT) as usize;
        assert_eq!(start, first - OVERSCAN);
        assert!(end - start <= (700.0 / ROW_HEIGHT).ceil() as usize + 1 + 2 * OVERSCAN);
        // At the top, at the end and past it.
        assert_eq!(visible_range(0.0, 700.0, 100_000).0, 0);
        assert_eq!(visible_range(1e12, 700.0, 100).1, 100);
        assert_eq!(visible_range(1e12, 700.0, 100).0, 100);
        assert_eq!(visible_range(0.0, 700.0, 0), (0, 0));
    }

    #[test]
    fn a_restart_empties_the_list_and_asks_for_the_first_page() {
        let mut pages = Pages::default();
        let first = pages.restart();
        assert_eq!(pages.receive(&first, page(0..100, false), 0), Some(0));
        let again = pages.restart();
        assert_eq!(pages.len(), 0);
        assert!(again.reload && again.after.is_none());
        assert_ne!(again.generation, first.generation);
    }

    #[test]
    fn the_next_page_is_fetched_by_cursor_as_the_end_nears() {
        let mut pages = Pages::default();
        let first = pages.restart();
        // Nothing loaded yet: no second request while the first is out.
        assert_eq!(pages.next_page(0), None);
        pages.receive(&first, page(0..100, false), 0);
        // Far from the end: nothing.
        assert_eq!(pages.next_page(20), None);
        let next = pages.next_page(100 - PREFETCH_ROWS).expect("near the end");
        assert_eq!(
            next.after.as_ref().map(|c| c.topic_id),
            Some(TopicId::new(100))
        );
        assert!(!next.reload);
        // One page at a time.
        assert_eq!(pages.next_page(100), None);
        assert_eq!(pages.receive(&next, page(100..150, true), 7), Some(7));
        assert_eq!(pages.len(), 150);
        assert!(pages.done());
        // The last page was loaded: nothing more to ask.
        assert_eq!(pages.next_page(150), None);
    }

    #[test]
    fn a_page_for_an_older_filter_is_dropped() {
        let mut pages = Pages::default();
        let old = pages.restart();
        let new = pages.restart();
        assert_eq!(pages.receive(&old, page(0..100, false), 0), None);
        assert_eq!(pages.len(), 0);
        pages.receive(&new, page(500..510, true), 0);
        assert_eq!(ids(&pages)[0], "500");
    }

    #[test]
    fn new_topics_reload_only_at_the_top() {
        let mut pages = Pages::default();
        let first = pages.restart();
        pages.receive(&first, page(0..100, false), 0);
        assert_eq!(pages.new_topics(ROW_HEIGHT * 3.0), None);
        let reload = pages.new_topics(0.0).expect("at the top");
        assert!(reload.reload && reload.after.is_none());
        // The rows stay until the reload arrives, then are replaced, not appended to.
        assert_eq!(pages.len(), 100);
        let mut fresh: Vec<u32> = vec![1000, 1001];
        fresh.extend(0..98);
        let topics = TimelinePageDto {
            topics: fresh.into_iter().map(row).collect(),
            next: None,
        };
        pages.receive(&reload, Ok(topics), 0);
        assert_eq!(pages.len(), 100);
        assert_eq!(ids(&pages)[..3], ["1000", "1001", "0"]);
    }

    #[test]
    fn a_reload_keeps_the_selection_on_its_topic() {
        let mut pages = Pages::default();
        let first = pages.restart();
        pages.receive(&first, page(10..20, true), 0);
        // Topic "13" is selected at index 3; two new topics arrive above it.
        let reload = pages.new_topics(0.0).expect("at the top");
        let mut fresh: Vec<u32> = vec![30, 31];
        fresh.extend(10..20);
        let topics = TimelinePageDto {
            topics: fresh.into_iter().map(row).collect(),
            next: None,
        };
        assert_eq!(pages.receive(&reload, Ok(topics), 3), Some(5));
        assert_eq!(pages.rows()[5].id, TopicId::new(13));
    }

    #[test]
    fn a_reload_without_the_selected_topic_selects_the_top() {
        let mut pages = Pages::default();
        let first = pages.restart();
        pages.receive(&first, page(10..20, true), 0);
        let reload = pages.new_topics(0.0).expect("at the top");
        assert_eq!(pages.receive(&reload, page(50..60, true), 4), Some(0));
    }

    #[test]
    fn a_restart_overtakes_a_page_in_flight() {
        let mut pages = Pages::default();
        let first = pages.restart();
        pages.receive(&first, page(0..100, false), 0);
        let next = pages.next_page(99).expect("near the end");
        let restart = pages.restart();
        assert_eq!(pages.receive(&next, page(100..200, false), 0), None);
        pages.receive(&restart, page(0..10, true), 0);
        assert_eq!(pages.len(), 10);
    }

    #[test]
    fn a_failed_page_keeps_the_rows_and_is_asked_for_again() {
        let mut pages = Pages::default();
        let first = pages.restart();
        pages.receive(&first, page(0..100, false), 0);
        let next = pages.next_page(99).expect("near the end");
        let err = IpcError::new(ErrorCode::Internal, "disk full");
        assert_eq!(pages.receive(&next, Err(err.clone()), 2), Some(2));
        assert_eq!(pages.error(), Some(&err));
        assert_eq!(pages.len(), 100);
        let again = pages.next_page(99).expect("retried");
        assert_eq!(again.after, next.after);
        pages.receive(&again, page(100..110, true), 0);
        assert_eq!(pages.error(), None);
    }

    #[test]
    fn the_selection_moves_within_the_rows() {
        assert_eq!(step_selection(0, true, 3), 1);
        assert_eq!(step_selection(2, true, 3), 2);
        assert_eq!(step_selection(0, false, 3), 0);
        assert_eq!(step_selection(2, false, 3), 1);
        // A selection past the end (the list shrank) comes back into it.
        assert_eq!(step_selection(9, false, 3), 1);
        assert_eq!(step_selection(9, true, 3), 2);
    }

    #[test]
    fn the_selected_row_is_scrolled_into_view_by_the_least_movement() {
        let height = ROW_HEIGHT * 5.0;
        // On screen: no scroll.
        assert_eq!(scroll_to_show(2, 0.0, height), None);
        // Above: its top at the top.
        assert_eq!(
            scroll_to_show(1, ROW_HEIGHT * 3.0, height),
            Some(ROW_HEIGHT)
        );
        // Below: its bottom at the bottom.
        assert_eq!(
            scroll_to_show(5, 0.0, height),
            Some(ROW_HEIGHT * 6.0 - height)
        );
    }
}
