//! `export` as a member runs it on an archive synced from zsxq-sim: a search's topics as JSON
//! lines (exactly what `search` finds), a circle as a vault that a second run leaves alone and
//! as an EPUB book, a bad date refused plainly. The formats themselves are tested in `orrery_core::export`.

use std::collections::BTreeSet;

use orrery_testkit::block_on;
use serde_json::Value;
use zsxq_sim::Dataset;

use super::search::{headless, run, signed_in_and_synced, stdout};

#[test]
fn export_writes_a_searchs_topics_and_a_circles_vault() {
    block_on(async {
        let sim = orrery_testkit::sim(Dataset::Generated(120)).await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        let dir = dir.as_path();
        signed_in_and_synced(dir, &sim);

        // A query's topics, as `search` lists them.
        let found: Value = stdout(&run(headless(
            dir,
            &sim,
            &["search", "的", "--json", "--limit", "100000"],
        )))
        .parse()
        .expect("search JSON");
        let found: BTreeSet<String> = found["topic_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|id| id.as_str().map(str::to_owned))
            .collect();
        assert!(!found.is_empty());
        let lines = tmp.path().join("的.jsonl");
        let out = run(headless(
            dir,
            &sim,
            &[
                "export",
                "--format",
                "jsonl",
                "--query",
                "的",
                "--out",
                lines.to_str().unwrap_or_default(),
            ],
        ));
        let exported: BTreeSet<String> = std::fs::read_to_string(&lines)
            .expect("the file")
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).expect("a JSON line");
                v["topic_id"].as_str().unwrap_or_default().to_owned()
            })
            .collect();
        assert_eq!(exported, found);
        let summary = String::from_utf8_lossy(&out.stderr);
        assert!(
            summary.contains(&format!("exported {} topics", found.len())),
            "{summary}"
        );

        // A circle as a vault; again, and nothing is rewritten.
        let circle = sim.truth().circles[0].group_id.clone();
        let vault = tmp.path().join("vault");
        let args = [
            "export",
            "--format",
            "md",
            "--circle",
            &circle,
            "--out",
            vault.to_str().unwrap_or_default(),
        ];
        run(headless(dir, &sim, &args));
        let again = run(headless(dir, &sim, &args));
        let again = String::from_utf8_lossy(&again.stderr);
        assert!(again.contains(": 0 files written"), "{again}");

        // The same circle as a book (its validity is the core's test): a zip with the EPUB
        // mimetype first.
        let book = tmp.path().join("circle.epub");
        run(headless(
            dir,
            &sim,
            &[
                "export",
                "--format",
                "epub",
                "--circle",
                &circle,
                "--out",
                book.to_str().unwrap_or_default(),
            ],
        ));
        let bytes = std::fs::read(&book).expect("the book");
        assert!(bytes.starts_with(b"PK\x03\x04"));
        assert_eq!(&bytes[30..58], b"mimetypeapplication/epub+zip");

        // A date that is not one: refused, saying what it wants.
        let mut bad = headless(
            dir,
            &sim,
            &[
                "export", "--format", "html", "--after", "昨天", "--out", "x.html",
            ],
        );
        let refused = bad.output().expect("runs");
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("--after 昨天"));
    });
}
