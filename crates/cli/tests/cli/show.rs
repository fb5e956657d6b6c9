//! `show` as a user runs it, on an archive the binary synced from zsxq-sim, after the service
//! edited one topic and deleted another: the deleted one is still shown, marked, the edited one
//! with its earlier text; `search` marks the deleted one too.

use orrery_core::store::TimelineFilter;
use orrery_testkit::{block_on, open_store};
use serde_json::Value;
use zsxq_sim::{Act, Dataset};

use super::account::cli;
use super::search::{headless, run, signed_in_and_synced, stdout};

#[test]
fn show_marks_a_deleted_topic_and_prints_the_earlier_text_of_an_edited_one() {
    block_on(async {
        let sim = orrery_testkit::sim(Dataset::Demo).await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        signed_in_and_synced(dir, &sim);

        // Two recent topics of the first circle, and the edited one's text before the edit.
        let (edited, deleted, old_text) = {
            let store = open_store(dir).await;
            let group = store.circles().await.expect("circles")[0].group_id;
            let newest = store
                .timeline(group, &TimelineFilter::All, None, 10)
                .await
                .expect("timeline");
            let (edited, deleted) = (newest[3].topic_id, newest[7].topic_id);
            let old_text = newest[3].plain_text.clone();
            store.close().await;
            (edited.get(), deleted.get(), old_text)
        };
        let before = stdout(&run(cli(dir, &["show", &edited.to_string()])));
        assert!(
            !before.contains("[edited") && !before.contains("[deleted"),
            "{before}"
        );

        assert!(sim.act(Act::Edit(edited)));
        assert!(sim.act(Act::Delete(deleted)));
        run(headless(dir, &sim, &["sync", "--once", "--no-pacing"]));

        // For people: the marks in words, the texts as text.
        let gone = stdout(&run(cli(dir, &["show", &deleted.to_string()])));
        assert!(gone.contains(&format!("topic {deleted}")), "{gone}");
        assert!(gone.contains("[deleted on ZSXQ, noticed "), "{gone}");
        let changed = stdout(&run(cli(dir, &["show", &edited.to_string()])));
        assert!(changed.contains("[edited"), "{changed}");
        assert!(
            changed.contains("--revisions shows the earlier texts"),
            "{changed}"
        );
        assert!(!changed.contains("--- revision"), "{changed}");
        let history = stdout(&run(cli(
            dir,
            &["show", &edited.to_string(), "--revisions"],
        )));
        assert!(history.contains("--- revision 1"), "{history}");
        let first_line = old_text
            .lines()
            .find(|l| !l.trim().is_empty())
            .expect("text");
        let (current, earlier) = history.split_once("--- revision 1").expect("split");
        assert!(earlier.contains(first_line.trim()), "{history}");
        assert!(!current.contains("[deleted"), "{history}");

        // For scripts: the exact texts and times.
        let json = |args: &[&str]| -> Value {
            serde_json::from_str(stdout(&run(cli(dir, args))).trim()).expect("one JSON object")
        };
        let gone = json(&["show", &deleted.to_string(), "--json"]);
        assert_eq!(gone["topic_id"], deleted.to_string());
        assert!(
            gone["deleted_at_ms"].as_i64().is_some_and(|ms| ms > 0),
            "{gone}"
        );
        assert!(gone.get("revisions").is_none(), "{gone}");
        let changed = json(&["show", &edited.to_string(), "--json", "--revisions"]);
        assert_eq!(changed["edited"], true);
        assert!(changed["deleted_at_ms"].is_null());
        assert_eq!(changed["revisions"][0]["revision"], 1);
        assert_eq!(changed["revisions"][0]["text"], old_text.as_str());
        assert_ne!(changed["text"], old_text.as_str());

        // Search still finds the deleted topic, and says so.
        let found = stdout(&run(cli(dir, &["search", "is:deleted", "--limit", "50"])));
        assert!(found.contains(&format!("topic {deleted}")), "{found}");
        assert!(
            found
                .lines()
                .filter(|l| l.contains(" · topic "))
                .all(|l| l.ends_with("[deleted on ZSXQ]")),
            "{found}"
        );

        let missing = cli(dir, &["show", "1"]).output().expect("runs");
        assert!(!missing.status.success());
        assert!(
            String::from_utf8_lossy(&missing.stderr).contains("not in the archive"),
            "{}",
            String::from_utf8_lossy(&missing.stderr)
        );
        sim.shutdown().await;
    });
}
