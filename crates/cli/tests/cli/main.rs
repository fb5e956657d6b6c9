//! `orrery-cli` as a user runs it: the real binary, a temporary data directory. The account
//! commands (`cli/account.rs`) also use zsxq-sim and a private Secret Service; `search` and
//! `reindex` (`cli/search.rs`) search archives the binary synced from zsxq-sim; `show`
//! (`cli/show.rs`) prints topics the service edited or deleted after that sync; `brief`
//! (`cli/brief.rs`) ranks what a synced archive holds unread; `export` and `import`
//! (`cli/export.rs`, `cli/import.rs`) move the archive out and saved articles in.

mod account;
mod brief;
mod chaos;
mod export;
mod import;
mod mirror;
mod search;
mod show;
mod watch;

use std::process::Command;

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_orrery-cli"))
}

#[test]
fn info_uses_and_creates_the_given_data_dir() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("档案");
    let out = cli()
        .arg("--data-dir")
        .arg(&dir)
        .arg("info")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        stdout.contains(&format!("data directory: {}", dir.display())),
        "{stdout}"
    );
    assert!(
        stdout.starts_with(&format!("orrery-cli {}", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
    assert!(dir.is_dir());
}

#[test]
fn data_dir_env_is_the_default() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = cli()
        .env("ORRERY_DATA_DIR", tmp.path())
        .arg("info")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        stdout.contains(&tmp.path().display().to_string()),
        "{stdout}"
    );
}

#[test]
fn unknown_command_fails_with_usage() {
    let out = cli().arg("frobnicate").output().expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage"));
}

fn inspect_json(file: &std::path::Path) -> serde_json::Value {
    let out = cli()
        .arg("inspect")
        .arg(file)
        .arg("--json")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(stdout.lines().count(), 1, "one JSON object on one line");
    serde_json::from_str(&stdout).expect("JSON")
}

/// Every real response, the kind `inspect` must recognise it as, and how many topics it holds.
const SAMPLES: &[(&str, &str, usize)] = &[
    (
        "GET_v2_dynamics__scope_general__count_1.json",
        "dynamics",
        0,
    ),
    (
        "GET_v2_dynamics__scope_group_assistant__count_10.json",
        "dynamics",
        0,
    ),
    ("GET_v2_groups.json", "groups", 0),
    ("GET_v2_groups_15555411412112.json", "group", 0),
    (
        "GET_v2_groups_15555411412112_checkins_2424141521_topics__count_20.json",
        "topics",
        20,
    ),
    ("GET_v2_groups_15555411412112_columns.json", "columns", 0),
    (
        "GET_v2_groups_15555411412112_columns_summary.json",
        "columns_summary",
        0,
    ),
    ("GET_v2_groups_15555411412112_hashtags.json", "hashtags", 0),
    ("GET_v2_groups_15555411412112_menus.json", "menus", 0),
    (
        "GET_v2_groups_15555411412112_menus_last_read_time.json",
        "menus_last_read_time",
        0,
    ),
    (
        "GET_v2_groups_15555411412112_role_members.json",
        "role_members",
        0,
    ),
    (
        "GET_v2_groups_15555411412112_topics__scope_all__count_10.json",
        "topics",
        10,
    ),
    (
        "GET_v2_groups_15555411412112_topics__scope_all__count_1__begin_time.json",
        "topics",
        1,
    ),
    (
        "GET_v2_groups_15555411412112_topics__scope_digests__count_10.json",
        "topics",
        10,
    ),
    (
        "GET_v2_groups_unread_topics_count.json",
        "unread_topics_count",
        0,
    ),
    (
        "GET_v2_hashtags_15514284488142_topics__count_10.json",
        "topics",
        10,
    ),
    (
        "GET_v2_hashtags_28844882581111_topics__count_10.json",
        "topics",
        10,
    ),
    (
        "GET_v2_users_self_unanswered_questions_brief.json",
        "unanswered_questions_brief",
        0,
    ),
    ("GET_v3_users_181284822124142.json", "user", 0),
    ("POST_v2_topics_ID_answer.request.json", "request", 0),
    ("POST_v2_topics_ID_comments.request.json", "request", 0),
    (
        "PUT_v2_groups_15555411412112_menus_last_read_time.json",
        "empty",
        0,
    ),
    (
        "PUT_v2_groups_15555411412112_menus_last_read_time.request.json",
        "request",
        0,
    ),
    ("topic_object__talk_with_article.json", "topic", 1),
    ("topic_object__task.json", "topic", 1),
];

#[test]
fn inspect_recognises_every_real_response() {
    let dir = orrery_testkit::samples_dir();
    for (name, kind, topics) in SAMPLES {
        let report = inspect_json(&dir.join(name));
        assert_eq!(report["kind"], *kind, "{name}");
        let listed = report["topics"].as_array().map_or(0, Vec::len);
        assert_eq!(listed, *topics, "{name}");
        for topic in report["topics"].as_array().into_iter().flatten() {
            let id = topic["topic_id"].as_str().expect("decimal string");
            assert!(id.parse::<u64>().is_ok(), "{name}: {id}");
            assert!(
                ["talk", "q&a", "task", "solution"].contains(&topic["type"].as_str().unwrap_or("")),
                "{name}"
            );
        }
    }
    // A new sample must be added to the table (error_envelopes.json is a collection of quoted
    // envelopes, not one response).
    let on_disk = std::fs::read_dir(&dir)
        .expect("samples")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json") && n != "error_envelopes.json")
        .count();
    assert_eq!(on_disk, SAMPLES.len(), "a sample is missing from the table");
}

#[test]
fn inspect_reports_exact_ids_and_plain_text_of_a_real_topic() {
    let dir = orrery_testkit::samples_dir();
    let report = inspect_json(&dir.join("topic_object__talk_with_article.json"));
    assert_eq!(report["kind"], "topic");
    let topic = &report["topics"][0];
    assert_eq!(topic["type"], "talk");
    let raw: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("topic_object__talk_with_article.json")).expect("read"),
    )
    .expect("json");
    // The id is copied digit for digit from the raw number, never through a float.
    assert_eq!(
        topic["topic_id"].as_str(),
        Some(raw["topic_id"].to_string().as_str())
    );
    let text = topic["text"].as_str().expect("text");
    assert!(
        !text.contains("<e "),
        "markup must be rendered away: {text}"
    );
    assert!(!text.is_empty());
}

#[test]
fn inspect_names_the_json_path_that_failed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("broken.json");
    std::fs::write(
        &file,
        r#"{"succeeded":true,"resp_data":{"group":{"group_id":1,"name":"x","create_time":"yesterday"}}}"#,
    )
    .expect("write");
    let out = cli()
        .arg("inspect")
        .arg(&file)
        .arg("--json")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("resp_data.group.create_time"), "{stderr}");

    // A topic that does not decode does not fail its list: it is named, with the path.
    std::fs::write(
        &file,
        r#"{"succeeded":true,"resp_data":{"topics":[{"topic_id":1,"type":"talk","create_time":"2026-01-01T00:00:00.000+0800",
            "talk":{"owner":{"user_id":"not a number","name":"x"},"text":"t"}}]}}"#,
    )
    .expect("write");
    let out = cli()
        .arg("inspect")
        .arg(&file)
        .arg("--json")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("talk.owner.user_id"), "{stdout}");
}
