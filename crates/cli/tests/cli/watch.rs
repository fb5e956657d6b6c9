//! `watch` as a user runs it: the real binary syncing from zsxq-sim, on a private D-Bus session
//! bus where a notification server written for the tests (orrery-testkit) records every call —
//! the same org.freedesktop.Notifications API a desktop's daemon serves. The simulator makes
//! exactly the event each step needs (`SimHandle::happen`).

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use orrery_testkit::notifications::{NotificationServer, Notified, PrivateBus};
use orrery_testkit::{block_on, open_store};
use serde_json::{Value, json};
use zsxq::rich_text::{parse, to_plain_text};
use zsxq_sim::{Dataset, Happened, Happening, HappeningKind, SimHandle};

use super::search::{headless, run};

/// One `watch --once` pass on the test's bus, in zh-CN, at the time zone `tz`.
fn pass(dir: &Path, sim: &SimHandle, bus: &PrivateBus, tz: &str) -> Output {
    let mut c: Command = headless(dir, sim, &["watch", "--once", "--no-pacing", "--json"]);
    c.env("DBUS_SESSION_BUS_ADDRESS", bus.address())
        .env("TZ", tz);
    run(c)
}

/// The JSON lines a pass printed: one per event it settled.
fn settled(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

fn settings(dir: &Path, notifications: Value) {
    let text = json!({"language": "zh-CN", "notifications": notifications}).to_string();
    std::fs::write(dir.join("settings.json"), text).expect("settings written");
}

fn happen(sim: &SimHandle, kind: HappeningKind, group_id: Option<i64>) -> Happened {
    sim.happen(Happening { kind, group_id })
        .unwrap_or_else(|| panic!("{kind:?} could not happen"))
}

/// The first non-empty line of a rich-text field, as a notification shows it (80 characters,
/// then `…`).
fn first_line(value: &Value, pointer: &str) -> String {
    let text = value.pointer(pointer).and_then(Value::as_str).unwrap_or("");
    let plain = to_plain_text(&parse(text));
    let line = plain
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    match line.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", line[..at].trim_end()),
        None => line.to_owned(),
    }
}

/// The topic as archived (its JSON), its circle's name and its comments.
async fn archived(dir: &Path, topic_id: i64) -> (Value, String, Vec<zsxq::Comment>) {
    let store = open_store(dir).await;
    let found = store
        .topic(zsxq::TopicId::new(topic_id))
        .await
        .expect("reads")
        .expect("archived");
    let circle = store
        .circles()
        .await
        .expect("circles")
        .into_iter()
        .find(|c| c.group_id == found.summary.group_id)
        .expect("its circle")
        .name;
    store.close().await;
    let topic = serde_json::to_value(&found.topic).expect("json");
    (topic, circle, found.comments)
}

/// Waits for the server to hold `n` notifications, and checks no more come.
async fn exactly(server: &NotificationServer, n: usize) -> Vec<Notified> {
    let got = server
        .wait_for(n, Duration::from_secs(10))
        .await
        .expect("notified");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        server.notifications().len(),
        n,
        "{:#?}",
        server.notifications()
    );
    got
}

fn login(dir: &Path, sim: &SimHandle) {
    run(headless(dir, sim, &["login", "--base-url", sim.base_url()]));
}

#[test]
fn watch_notifies_what_is_mine_once_and_never_the_backlog() {
    let Some(bus) =
        PrivateBus::start_or_skip("watch::watch_notifies_what_is_mine_once_and_never_the_backlog")
    else {
        return;
    };
    block_on(async {
        let server = NotificationServer::start(&bus).await.expect("server");
        let sim = orrery_testkit::sim(Dataset::Demo).await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        login(dir, &sim);
        settings(dir, json!({}));

        // The first sync finds years of answers and replies: the inbox has them, no
        // notification interrupts for them.
        let first = pass(dir, &sim, &bus, "UTC");
        assert!(
            settled(&first).is_empty(),
            "{}",
            String::from_utf8_lossy(&first.stdout)
        );
        let store = open_store(dir).await;
        assert!(
            !store.inbox(10).await.expect("inbox").is_empty(),
            "the backlog is in the inbox"
        );
        store.close().await;
        assert!(
            server.notifications().is_empty(),
            "{:#?}",
            server.notifications()
        );

        // My question is answered; a member asks me one in my circle.
        let answered = happen(&sim, HappeningKind::AnswerMine, None);
        let asked = happen(&sim, HappeningKind::QuestionForMe, None);
        let out = pass(dir, &sim, &bus, "UTC");
        let lines = settled(&out);
        assert_eq!(lines.len(), 2, "{lines:#?}");
        let got = exactly(&server, 2).await;

        let (topic, circle, _) = archived(dir, answered.topic_id).await;
        let answer = got
            .iter()
            .find(|n| n.summary.ends_with("你的提问有了回答"))
            .expect("the answer's notification");
        assert_eq!(answer.summary, format!("{circle} · 你的提问有了回答"));
        let answerer = topic
            .pointer("/answer/owner/name")
            .and_then(Value::as_str)
            .expect("answerer");
        assert_eq!(
            answer.body,
            format!(
                "问：{}\n{answerer}：{}",
                first_line(&topic, "/question/text"),
                first_line(&topic, "/answer/text")
            )
        );
        assert_eq!(answer.app_name, "Orrery");
        assert_eq!(
            answer.hints.get("desktop-entry").map(String::as_str),
            Some("orrery")
        );
        // No window to open from the CLI: no action.
        assert!(answer.actions.is_empty(), "{:?}", answer.actions);

        let (topic, circle, _) = archived(dir, asked.topic_id).await;
        let question = got
            .iter()
            .find(|n| n.summary.ends_with("有新提问等你回答"))
            .expect("the question's notification");
        assert_eq!(question.summary, format!("{circle} · 有新提问等你回答"));
        let asker = topic
            .pointer("/question/owner/name")
            .and_then(Value::as_str)
            .unwrap_or("匿名");
        assert_eq!(
            question.body,
            format!("{asker}：{}", first_line(&topic, "/question/text"))
        );
        let kinds: Vec<&str> = lines.iter().filter_map(|l| l["kind"].as_str()).collect();
        assert!(
            kinds.contains(&"answer") && kinds.contains(&"question_for_me"),
            "{kinds:?}"
        );
        assert!(lines.iter().all(|l| l["outcome"] == "shown"), "{lines:#?}");

        // A restart (a new process), and a re-sync seeing the same answer: nothing twice.
        let again = pass(dir, &sim, &bus, "UTC");
        assert!(settled(&again).is_empty());
        exactly(&server, 2).await;

        // A reply to my comment: who replied, and what.
        let reply = happen(&sim, HappeningKind::ReplyToMe, None);
        let out = pass(dir, &sim, &bus, "UTC");
        assert_eq!(settled(&out).len(), 1, "{:?}", settled(&out));
        let got = exactly(&server, 3).await;
        let (_, _, thread) = archived(dir, reply.topic_id).await;
        let comment = thread
            .iter()
            .find(|c| Some(c.comment_id.get()) == reply.comment_id)
            .expect("the reply is archived");
        let comment_json = serde_json::to_value(comment).expect("json");
        assert!(
            got[2]
                .summary
                .ends_with(&format!("{} 回复了你", comment.owner.name)),
            "{:?}",
            got[2]
        );
        assert_eq!(got[2].body, first_line(&comment_json, "/text"));
    });
}

#[test]
fn watch_folds_holds_for_quiet_hours_and_follows_the_switches() {
    let Some(bus) = PrivateBus::start_or_skip(
        "watch::watch_folds_holds_for_quiet_hours_and_follows_the_switches",
    ) else {
        return;
    };
    block_on(async {
        let server = NotificationServer::start(&bus).await.expect("server");
        let sim = orrery_testkit::sim(Dataset::Demo).await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        login(dir, &sim);
        settings(dir, json!({"answers": false}));
        pass(dir, &sim, &bus, "UTC");

        // Answers switched off: in the inbox, not on the screen.
        happen(&sim, HappeningKind::AnswerMine, None);
        let out = settled(&pass(dir, &sim, &bus, "UTC"));
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(
            (out[0]["kind"].as_str(), out[0]["outcome"].as_str()),
            (Some("answer"), Some("off"))
        );
        assert!(server.notifications().is_empty());

        // Two answers in one circle: one notification that counts them.
        settings(dir, json!({}));
        let group = out[0]["circle_id"]
            .as_str()
            .expect("circle id")
            .parse::<i64>()
            .expect("id");
        let circle = out[0]["circle"].as_str().expect("name").to_owned();
        happen(&sim, HappeningKind::AnswerMine, Some(group));
        happen(&sim, HappeningKind::AnswerMine, Some(group));
        let out = settled(&pass(dir, &sim, &bus, "UTC"));
        assert_eq!(out.len(), 2, "{out:#?}");
        let got = exactly(&server, 1).await;
        assert_eq!(got[0].summary, format!("{circle} · 2 条新回答"));
        assert_eq!(got[0].body.lines().count(), 2, "{}", got[0].body);

        // Quiet hours around now (UTC): held, then one summary when they are over.
        let minute = u16::try_from(orrery_core::now_ms() / 60_000 % 1440).expect("minute");
        let quiet =
            json!({"startMin": (minute + 1440 - 60) % 1440, "endMin": (minute + 60) % 1440});
        settings(dir, json!({"quietHours": quiet}));
        happen(&sim, HappeningKind::MentionMe, None);
        assert!(settled(&pass(dir, &sim, &bus, "UTC")).is_empty());
        exactly(&server, 1).await;
        settings(dir, json!({}));
        let out = settled(&pass(dir, &sim, &bus, "UTC"));
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0]["kind"], "mention");
        let got = exactly(&server, 2).await;
        assert_eq!(got[1].summary, "安静时段里有 1 条新消息");

        // A digest: news only in a followed circle.
        let digest = happen(&sim, HappeningKind::Digest, Some(group));
        settings(dir, json!({"followedCircles": [group.to_string()]}));
        let out = settled(&pass(dir, &sim, &bus, "UTC"));
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0]["topic_id"], digest.topic_id.to_string());
        let got = exactly(&server, 3).await;
        assert_eq!(got[2].summary, format!("{circle} · 新精华"));
    });
}

#[test]
fn watch_without_a_notification_service_keeps_the_event_and_goes_on() {
    let Some(bus) = PrivateBus::start_or_skip(
        "watch::watch_without_a_notification_service_keeps_the_event_and_goes_on",
    ) else {
        return;
    };
    block_on(async {
        // The bus has no notification daemon.
        let sim = orrery_testkit::sim(Dataset::Demo).await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        login(dir, &sim);
        settings(dir, json!({}));
        pass(dir, &sim, &bus, "UTC");
        let answered = happen(&sim, HappeningKind::AnswerMine, None);
        let out = pass(dir, &sim, &bus, "UTC");
        let lines = settled(&out);
        assert_eq!(lines.len(), 1, "{lines:#?}");
        assert_eq!(lines[0]["outcome"], "failed");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("did not show the notification"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let store = open_store(dir).await;
        let inbox = store.inbox(1).await.expect("inbox");
        assert_eq!(inbox[0].topic_id, answered.topic_id);
        assert!(!inbox[0].read);
        store.close().await;

        // A daemon starts: the failed one is not shown late (it is in the inbox), new ones are.
        let server = NotificationServer::start(&bus).await.expect("server");
        happen(&sim, HappeningKind::QuestionForMe, None);
        assert_eq!(settled(&pass(dir, &sim, &bus, "UTC")).len(), 1);
        let got = exactly(&server, 1).await;
        assert!(got[0].summary.ends_with("有新提问等你回答"), "{got:?}");
    });
}

/// `cargo xtask bench notify`: event to notification through `orrery-cli watch --interval 60s`
/// (the notification server's receipt time against the moment the simulator answered), and what
/// a poll of an idle archive costs, light and full. Measures and prints; judges nothing.
#[test]
#[ignore = "a benchmark: `cargo xtask bench notify` runs it"]
#[allow(clippy::print_stdout)] // The report is the benchmark's output.
fn notification_benchmark() {
    let Some(bus) = PrivateBus::start_or_skip("watch::notification_benchmark") else {
        return;
    };
    let events: usize = std::env::var("ORRERY_BENCH_EVENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    block_on(async {
        let server = NotificationServer::start(&bus).await.expect("server");
        let sim = orrery_testkit::sim(Dataset::Demo).await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        login(dir, &sim);
        settings(dir, json!({}));
        pass(dir, &sim, &bus, "UTC");

        // Requests per poll of an idle archive: the full run and the light poll `watch` makes
        // between full ones (three light polls for one full at any interval).
        let before = sim.requests().total;
        pass(dir, &sim, &bus, "UTC");
        let full = sim.requests().total - before;
        let mut watch = headless(
            dir,
            &sim,
            &["watch", "--interval", "60s", "--no-pacing", "--json"],
        );
        watch
            .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = watch.spawn().expect("watch runs");
        // Its first pass is full; the next ones light.
        tokio::time::sleep(Duration::from_secs(65)).await;
        let idle_from = sim.requests().total;
        tokio::time::sleep(Duration::from_secs(60)).await;
        let light = sim.requests().total - idle_from;
        let store = open_store(dir).await;
        let circles = store.circles().await.expect("circles").len();
        store.close().await;
        println!("requests per idle poll (demo, {circles} circles): full {full}, light {light}");

        let mut latencies = Vec::new();
        for n in 0..events {
            // At a random point of the interval, as events come.
            let wait = 5 + (n as u64 * 23) % 50;
            tokio::time::sleep(Duration::from_secs(wait)).await;
            let seen = server.notifications().len();
            let at = std::time::Instant::now();
            happen(&sim, HappeningKind::AnswerMine, None);
            server
                .wait_for(seen + 1, Duration::from_secs(180))
                .await
                .expect("notified");
            latencies.push(at.elapsed().as_secs_f64());
        }
        let _ = child.kill();
        let _ = child.wait();
        latencies.sort_by(f64::total_cmp);
        println!(
            "event to notification, watch --interval 60s, {events} answers: min {:.1} s, median {:.1} s, max {:.1} s",
            latencies[0],
            latencies[latencies.len() / 2],
            latencies[latencies.len() - 1]
        );
    });
}

/// Offline (issue 18): `watch` started without a network says so once, waits for it without a
/// stream of errors, and when it is back syncs by itself and notifies what happened meanwhile.
/// `--once` offline is a clear error.
#[test]
fn watch_waits_for_the_network_and_then_notifies_what_happened_meanwhile() {
    let Some(bus) = PrivateBus::start_or_skip(
        "watch::watch_waits_for_the_network_and_then_notifies_what_happened_meanwhile",
    ) else {
        return;
    };
    block_on(async {
        let server = NotificationServer::start(&bus).await.expect("server");
        let sim = orrery_testkit::sim(Dataset::Demo).await;
        let cable = orrery_testkit::Cable::to(sim.base_url()).await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        run(headless(
            dir,
            &sim,
            &["login", "--base-url", &cable.base_url()],
        ));
        settings(dir, json!({}));
        pass(dir, &sim, &bus, "UTC");

        cable.unplug().await;
        let before = sim.requests().total;
        let once = headless(dir, &sim, &["watch", "--once", "--no-pacing"])
            .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
            .output()
            .expect("watch runs");
        assert!(!once.status.success());
        let said = String::from_utf8_lossy(&once.stderr);
        assert!(said.contains("offline"), "{said}");

        let log = dir.join("watch.stderr");
        let mut watch = headless(dir, &sim, &["watch", "--interval", "2s", "--no-pacing"]);
        watch
            .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"));
        let mut child = watch.spawn().expect("watch runs");
        let stderr = || std::fs::read_to_string(&log).unwrap_or_default();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while !stderr().contains("waiting for the network") {
            assert!(std::time::Instant::now() < deadline, "{}", stderr());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let answered = happen(&sim, HappeningKind::AnswerMine, None);
        // Two tries at least while offline (10 s apart), said once.
        tokio::time::sleep(Duration::from_secs(12)).await;
        assert_eq!(sim.requests().total, before, "nothing reached the service");
        cable.plug().await;
        let got = server
            .wait_for(1, Duration::from_secs(90))
            .await
            .expect("notified once the network is back");
        let _ = child.kill();
        let _ = child.wait();
        assert!(got[0].body.contains(&first_line(
            &archived(dir, answered.topic_id).await.0,
            "/answer/text"
        )));
        let said = stderr();
        assert_eq!(said.matches("waiting for the network").count(), 1, "{said}");
        assert_eq!(said.matches("the network is back").count(), 1, "{said}");
    });
}
