//! The measurement hooks `cargo xtask bench ui` reads (tests/e2e/bench.rs).
//!
//! Search results carry the latency of their last paint: `data-paint-ms` (the total) and
//! `data-timing` (its parts, as JSON) on `#search-results`, written once the frame showing
//! them is painted. The benchmark waits for those attributes to change after each keystroke,
//! so their names and the JSON keys are a contract with it. Times are the page's
//! `performance.now()`, in milliseconds.

/// The page's clock, in milliseconds (0 outside a window).
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Runs `f` right after the next frame is painted (a task queued from an animation-frame
/// callback runs once that frame's rendering is done), with the time the frame began.
pub fn after_paint(f: impl FnOnce(f64) + 'static) {
    leptos::prelude::request_animation_frame(move || {
        let framed = now();
        leptos::prelude::set_timeout(move || f(framed), std::time::Duration::ZERO);
    });
}

/// The moments of one search, from the keystroke to the answer, read from [`now`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SearchMarks {
    /// The keystroke (or click) that asked for it.
    pub typed: f64,
    /// The command sent.
    pub sent: f64,
    /// Its answer back.
    pub answered: f64,
    /// The core's own search time, from the answer.
    pub core: f64,
}

impl SearchMarks {
    /// The timing once the results are set (`built`), the frame began (`framed`) and was
    /// painted (`painted`).
    pub fn paint(self, built: f64, framed: f64, painted: f64) -> PaintTiming {
        PaintTiming {
            total: painted - self.typed,
            wait: self.sent - self.typed,
            ipc: self.answered - self.sent,
            core: self.core,
            render: painted - self.answered,
            dom: built - self.answered,
            frame: framed - built,
        }
    }
}

/// Where the time from a keystroke to its results on screen went, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaintTiming {
    pub total: f64,
    /// Waiting for the search of an earlier keystroke to come back.
    pub wait: f64,
    /// The command's round trip, the core's search included.
    pub ipc: f64,
    /// The core's search alone.
    pub core: f64,
    /// From the answer to the frame that shows it…
    pub render: f64,
    /// …of which building the DOM (setting the results),
    pub dom: f64,
    /// and then until the frame's callback, before the frame is painted.
    pub frame: f64,
}

impl PaintTiming {
    /// The `data-paint-ms` attribute.
    pub fn paint_ms(self) -> String {
        format!("{:.1}", self.total)
    }

    /// The `data-timing` attribute.
    pub fn to_json(self) -> String {
        format!(
            r#"{{"total":{:.1},"wait":{:.1},"ipc":{:.1},"core":{:.2},"render":{:.1},"dom":{:.1},"frame":{:.1}}}"#,
            self.total, self.wait, self.ipc, self.core, self.render, self.dom, self.frame
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tests/e2e/bench.rs parses these keys; renaming one breaks `cargo xtask bench ui`.
    #[test]
    fn the_timing_json_is_pinned() {
        let marks = SearchMarks {
            typed: 100.0,
            sent: 102.0,
            answered: 110.0,
            core: 1.234,
        };
        let timing = marks.paint(115.0, 120.0, 130.0);
        assert_eq!(timing.paint_ms(), "30.0");
        assert_eq!(
            timing.to_json(),
            r#"{"total":30.0,"wait":2.0,"ipc":8.0,"core":1.23,"render":20.0,"dom":5.0,"frame":5.0}"#
        );
    }
}
