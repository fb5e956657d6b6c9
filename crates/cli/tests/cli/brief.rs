//! `brief` as a member runs it on an archive synced from zsxq-sim: what concerns them first
//! (an answer to their question, an @mention), then the owner's posts, then the rest, and
//! `--mark-all-read` leaves nothing unread. The ranking's rules themselves are unit-tested in
//! `orrery_core::brief`; this checks they meet a real archive and the real binary.

use std::path::Path;

use orrery_testkit::block_on;
use serde_json::Value;
use zsxq_sim::{Act, Dataset, Happened, Happening, HappeningKind, SimHandle};

use super::search::{headless, run, signed_in_and_synced, stdout};

fn brief(dir: &Path, sim: &SimHandle, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["brief", "--json", "--limit", "1000"];
    args.extend_from_slice(extra);
    stdout(&run(headless(dir, sim, &args)))
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

fn happen(sim: &SimHandle, kind: HappeningKind) -> Happened {
    sim.happen(Happening {
        kind,
        group_id: None,
    })
    .unwrap_or_else(|| panic!("{kind:?} could not happen"))
}

/// An item's topic id (a string, as ids exceed 2^53).
fn id_of(item: &Value) -> Option<i64> {
    item["topic_id"].as_str().and_then(|id| id.parse().ok())
}

/// An item's reasons.
fn reasons(item: &Value) -> &[Value] {
    item["reasons"].as_array().map_or(&[], Vec::as_slice)
}

fn position(items: &[Value], topic: i64) -> usize {
    items
        .iter()
        .position(|i| id_of(i) == Some(topic))
        .unwrap_or_else(|| panic!("topic {topic} is not in the brief: {items:#?}"))
}

#[test]
fn the_brief_puts_what_is_mine_first_then_the_owners_and_marks_all_read() {
    block_on(async {
        let sim = orrery_testkit::sim(Dataset::Demo).await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        signed_in_and_synced(dir, &sim);

        // The first sync found years of answers: history, not news. Then everything is read.
        let first = brief(dir, &sim, &["--mark-all-read"]);
        assert!(
            first
                .iter()
                .all(|i| reasons(i).iter().all(|r| r["kind"] != "mine")),
            "{first:#?}"
        );
        assert!(
            brief(dir, &sim, &[]).is_empty(),
            "everything was marked read"
        );

        // A day in the circles: one of my questions answered, an @mention of me under a topic I
        // have read, the owner posts, members talk.
        let answered = happen(&sim, HappeningKind::AnswerMine);
        let mentioned = happen(&sim, HappeningKind::MentionMe);
        let posted = happen(&sim, HappeningKind::Topic);
        assert!(sim.act(Act::Events(60)));
        run(headless(dir, &sim, &["sync", "--once", "--no-pacing"]));

        // (The members' activity answered more of my questions: each is an answer to me.)
        let items = brief(dir, &sim, &[]);
        let mine = |i: &Value| i["reasons"][0]["kind"] == "mine";
        let event = |topic: i64| items[position(&items, topic)]["reasons"][0]["event"].clone();
        assert_eq!(event(answered.topic_id), "answer");
        assert_eq!(event(mentioned.topic_id), "mention");
        let of_mine = items.iter().take_while(|i| mine(i)).count();
        assert!(
            of_mine >= 2 && items[of_mine..].iter().all(|i| !mine(i)),
            "{items:#?}"
        );
        let answers = items
            .iter()
            .take_while(|i| i["reasons"][0]["event"] == "answer");
        assert!(answers.count() < of_mine, "answers first, then the mention");
        let owner = position(&items, posted.topic_id);
        assert!(
            reasons(&items[owner])
                .iter()
                .any(|r| r["kind"] == "by_owner"),
            "{:#?}",
            items[owner]
        );
        // Below the owner's post only what carries less: ordinary talk and noise, noise last.
        let points = |i: &Value| i["points"].as_u64().expect("points");
        assert!(owner >= of_mine);
        assert!(
            items[owner + 1..]
                .iter()
                .all(|i| points(i) <= points(&items[owner]))
        );
        let first_noise = items.iter().position(|i| !i["noise"].is_null());
        if let Some(first_noise) = first_noise {
            assert!(items[first_noise..].iter().all(|i| !i["noise"].is_null()));
        }

        // Muting an ordinary author sends their posts to the noise at once; taking it back
        // returns them to the ranking.
        let talk = items
            .iter()
            .rev()
            .find(|i| i["noise"].is_null() && reasons(i).is_empty() && i["author_id"].is_string())
            .expect("an ordinary post");
        let author = format!("author:{}", talk["author_id"].as_str().unwrap_or_default());
        let muted = brief(dir, &sim, &["--mute", &author]);
        let topic = id_of(talk).expect("an id");
        let now = &muted[position(&muted, topic)];
        assert_eq!(now["noise"], "muted_author", "{now:#?}");
        let marks = stdout(&run(headless(dir, &sim, &["brief", "--marks", "--json"])));
        let marks: Vec<Value> = marks
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON"))
            .collect();
        assert_eq!(marks.len(), 1, "{marks:#?}");
        assert_eq!(
            (&marks[0]["mark"], &marks[0]["stance"]),
            (&author.clone().into(), &"mute".into())
        );
        assert_eq!(marks[0]["name"], talk["author"]);
        let back = brief(dir, &sim, &["--unmark", &author]);
        assert!(back[position(&back, topic)]["noise"].is_null());

        // For people, in the Settings' language.
        std::fs::write(dir.join("settings.json"), r#"{"language": "zh-CN"}"#).expect("settings");
        let people = stdout(&run(headless(dir, &sim, &["brief", "--limit", "3"])));
        assert!(people.starts_with("今日速览"), "{people}");
        assert!(people.contains("回答了你的提问"), "{people}");

        // Done with it all: nothing is left, and the answer is read in the inbox too.
        brief(dir, &sim, &["--mark-all-read"]);
        assert!(brief(dir, &sim, &[]).is_empty());
    });
}
