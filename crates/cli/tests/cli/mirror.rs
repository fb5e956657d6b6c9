//! `mirror`: a circle set to none stays listed and gets nothing new from the next sync, while
//! the others do; set back to all, it catches up. The exact ranges are tested in
//! `orrery_core` (tests/core/mirror.rs).

use serde_json::Value;
use zsxq_sim::{Happening, HappeningKind};

use super::account::cli;
use super::search::{run, stdout};

#[test]
fn a_circle_set_to_none_stays_listed_and_unsynced_until_set_back() {
    orrery_testkit::block_on(async {
        let sim = orrery_testkit::sim(zsxq_sim::Dataset::Generated(300)).await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        let headless = |args: &[&str]| {
            let mut c = cli(dir, args);
            c.env("ORRERY_TOKEN", sim.token());
            c
        };
        run(headless(&["login", "--base-url", sim.base_url()]));
        run(headless(&["sync", "--once", "--no-pacing"]));
        let truth = sim.truth();
        let (quiet, busy) = (&truth.circles[0].group_id, &truth.circles[1].group_id);

        let listed = stdout(&run(cli(dir, &["mirror"])));
        assert_eq!(listed.lines().count(), truth.circles.len(), "{listed}");
        assert!(listed.lines().all(|l| l.contains(" all ")), "{listed}");
        // Each with its size as the service told it, all of it archived.
        for circle in &truth.circles {
            let line = listed
                .lines()
                .find(|l| l.starts_with(circle.group_id.as_str()));
            let size = format!("{0} of {0} topics", circle.topics);
            assert!(
                line.is_some_and(|l| l.contains(&size) && l.contains("complete")),
                "{listed}"
            );
        }
        let said = stdout(&run(cli(dir, &["mirror", quiet, "none"])));
        assert!(said.contains("none"), "{said}");
        let listed = stdout(&run(cli(dir, &["mirror"])));
        let line = listed.lines().find(|l| l.starts_with(quiet.as_str()));
        assert!(line.is_some_and(|l| l.contains("none")), "{listed}");
        let refused = cli(dir, &["mirror", quiet, "half"]).output().expect("runs");
        assert!(!refused.status.success());

        // A new post in each circle: only the one still mirrored gets it.
        let topics = |json: &str, group: &str| -> u64 {
            let counts: Value = json.parse().expect("stats JSON");
            counts["circles"]
                .as_array()
                .and_then(|c| c.iter().find(|c| c["group_id"] == group))
                .and_then(|c| c["topics"].as_u64())
                .unwrap_or(0)
        };
        let before = stdout(&run(cli(dir, &["stats", "--json"])));
        for group in [quiet, busy] {
            sim.happen(Happening {
                kind: HappeningKind::Topic,
                group_id: Some(group.parse().expect("an id")),
            })
            .expect("a new topic");
        }
        run(headless(&["sync", "--once", "--no-pacing"]));
        let after = stdout(&run(cli(dir, &["stats", "--json"])));
        assert_eq!(topics(&after, quiet), topics(&before, quiet));
        assert_eq!(topics(&after, busy), topics(&before, busy) + 1);

        run(cli(dir, &["mirror", quiet, "all"]));
        run(headless(&["sync", "--once", "--no-pacing"]));
        let caught_up = stdout(&run(cli(dir, &["stats", "--json"])));
        assert_eq!(topics(&caught_up, quiet), topics(&before, quiet) + 1);
    });
}
