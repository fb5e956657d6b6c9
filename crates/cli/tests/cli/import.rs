//! `import` as a member runs it, before any sync: the seed and a folder with a bad file come in,
//! the bad file is named with its reason while the rest are imported, and `search` finds the
//! documents under `source:saved` (listed apart from topics in its JSON). Parsing and
//! identities are tested in `orrery_core::import`.

use serde_json::Value;

use super::account::cli;
use super::search::{run, stdout};

#[test]
fn import_brings_in_the_seed_and_a_folder_and_search_finds_them() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let notes = tmp.path().join("notes");
    std::fs::create_dir_all(notes.join("sub")).expect("folders");
    std::fs::write(
        notes.join("sub/读书.md"),
        "# 读书笔记\n\n固定时间、固定人物的社群分享除外。\n",
    )
    .expect("a note");
    std::fs::write(notes.join("broken.md"), b"\0\x01binary").expect("a bad file");
    let seed = orrery_testkit::seed_article();

    let out = run(cli(
        &dir,
        &[
            "import",
            seed.to_str().unwrap_or_default(),
            notes.to_str().unwrap_or_default(),
        ],
    ));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("broken.md: not imported: a binary file"),
        "{said}"
    );
    assert!(
        said.contains("imported 2 new, 0 updated, 0 unchanged; 1 failed"),
        "{said}"
    );

    let found: Value = stdout(&run(cli(&dir, &["search", "source:saved 社群", "--json"])))
        .parse()
        .expect("search JSON");
    assert_eq!(found["total"], 2, "{found}");
    assert_eq!(found["document_ids"].as_array().map(Vec::len), Some(2));
    assert_eq!(found["topic_ids"].as_array().map(Vec::len), Some(0));
    let text = stdout(&run(cli(&dir, &["search", "固定人物"])));
    assert!(text.contains("saved document"), "{text}");

    // Again: nothing new, nothing doubled.
    let again = run(cli(&dir, &["import", notes.to_str().unwrap_or_default()]));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("imported 0 new, 0 updated, 1 unchanged"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}
