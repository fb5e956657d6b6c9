//! Notifications: the member is told about what is theirs — an answer to their question, a
//! reply, an @mention, a question waiting for them, and (opt-in per circle) new digests and the
//! owner's posts — once each, ever.
//!
//! The pieces:
//! * the inbox in the archive ([`Store::derive_inbox`]) turns the change feed into events,
//!   once-only by key, with a circle's first-sync backlog kept as history;
//! * [`compose`] turns events into [`Toast`]s: one per circle, detailed for a single event;
//! * [`Notifier::pass`] settles what waits: switched-off kinds and muted circles go to the
//!   inbox only; quiet hours hold the rest and release it as one summary; at most
//!   [`MAX_PER_MINUTE`] notifications a minute, the rest folded into one summary;
//! * [`Desktop`] shows them with notify-rust and reports clicks.
//!
//! A pass runs after every sync run, in the app and in `orrery-cli watch` alike; both settle an
//! event with one conditional update, so the two never show the same one. Decisions:
//! docs/notifications.md.

pub(crate) mod compose;
mod desktop;

use std::future::Future;
use std::sync::Arc;

use chrono::{Local, TimeZone, Timelike};
use orrery_ipc::commands::{NotificationsDto, SettingsDto};
use orrery_ipc::words::Lang;
use tokio::sync::{broadcast, watch};
use zsxq::UserId;

use crate::store::{InboxEvent, InboxKind, Store, StoreError};
use crate::sync::{SyncEvent, SyncStatus};

pub use compose::{Parts, Target, Toast};
pub use desktop::{APP_ID, APP_NAME, Desktop};

/// Notifications shown per minute at most, by all processes on the archive together.
pub const MAX_PER_MINUTE: u64 = 3;
const MINUTE_MS: i64 = 60_000;
/// The outcome of an event that waits because quiet hours held it.
const HELD: &str = "held";

/// What one [`Notifier::pass`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassReport {
    /// New events recorded in the inbox (news and backlog).
    pub recorded: u64,
    /// The notifications shown (or attempted: `failed` lists those the system refused).
    pub toasts: Vec<Toast>,
    /// Events this pass settled, in the order of `toasts`, with their outcome.
    pub settled: Vec<(InboxEvent, &'static str)>,
    /// Events left waiting (quiet hours, or the rate spent).
    pub waiting: usize,
    /// Whether the system refused to show a notification.
    pub failed: bool,
}

/// Derives and delivers notifications for one archive.
#[derive(Debug)]
pub struct Notifier {
    store: Store,
    desktop: Arc<Desktop>,
}

impl Notifier {
    pub fn new(store: Store, desktop: Arc<Desktop>) -> Self {
        Self { store, desktop }
    }

    /// Runs a pass whenever a sync run of `events` ends, with the settings `prefs` holds then,
    /// until the sync's channel closes. `me` is asked for once, when the first run ends (the
    /// demo's id comes from its service).
    pub async fn follow<Me>(
        self,
        me: Me,
        mut events: broadcast::Receiver<SyncEvent>,
        prefs: watch::Receiver<SettingsDto>,
    ) where
        Me: Future<Output = Option<UserId>>,
    {
        let mut me = std::pin::pin!(me);
        let mut known: Option<UserId> = None;
        loop {
            match events.recv().await {
                // A cancelled run (a sign-out, the app quitting) leaves what it archived to the
                // next run's pass.
                Ok(SyncEvent::Finished { status }) if status != SyncStatus::Cancelled => {}
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return,
            }
            if known.is_none() {
                known = (&mut me).await;
            }
            let Some(id) = known else {
                tracing::warn!("the service did not say who is signed in; no notifications");
                return;
            };
            let settings = prefs.borrow().clone();
            match self.pass(id, &settings, crate::now_ms()).await {
                Ok(report) if !report.toasts.is_empty() || report.recorded > 0 => {
                    tracing::info!(
                        recorded = report.recorded,
                        shown = report.toasts.len(),
                        waiting = report.waiting,
                        "inbox updated"
                    );
                }
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(%err, "the inbox could not be updated; tried again after the next sync")
                }
            }
        }
    }

    /// Records what the syncs since the last pass brought for `me` and notifies what is due,
    /// by `prefs` (notification settings and language) at `now_ms`.
    pub async fn pass(
        &self,
        me: UserId,
        prefs: &SettingsDto,
        now_ms: i64,
    ) -> Result<PassReport, StoreError> {
        let notes = &prefs.notifications;
        let followed: Vec<i64> = notes.followed_circles.iter().map(|c| c.get()).collect();
        let derived = self.store.derive_inbox(me, &followed, now_ms).await?;
        let mut report = PassReport {
            recorded: derived.recorded,
            ..PassReport::default()
        };
        let pending = self.store.pending_events().await?;
        let (wanted, unwanted): (Vec<InboxEvent>, Vec<InboxEvent>) =
            pending.into_iter().partition(|e| wants(notes, e));
        self.settle(unwanted.iter().collect(), "off", now_ms, &mut report)
            .await?;
        if wanted.is_empty() {
            return Ok(report);
        }
        if let Some(quiet) = notes.quiet_hours
            && quiet.contains(local_minute(now_ms))
        {
            let keys: Vec<String> = wanted.iter().map(|e| e.key.clone()).collect();
            self.store.hold_events(&keys).await?;
            report.waiting = wanted.len();
            return Ok(report);
        }
        let lang = crate::settings::lang(prefs);
        // What quiet hours held comes as one summary, however many circles it spans.
        let held = wanted.iter().any(|e| e.outcome.as_deref() == Some(HELD));
        let budget =
            MAX_PER_MINUTE.saturating_sub(self.store.shown_since(now_ms - MINUTE_MS).await?);
        let all: Vec<&InboxEvent> = wanted.iter().collect();
        let toasts = if held {
            compose::summary(&all, true, lang).into_iter().collect()
        } else {
            plan(&all, budget, lang)
        };
        let planned: usize = toasts.iter().map(|t| t.keys.len()).sum();
        report.waiting = wanted.len() - planned;
        for toast in toasts {
            self.deliver(toast, &wanted, now_ms, &mut report).await?;
        }
        Ok(report)
    }

    /// Claims the toast's events and shows it; another process that claimed first wins.
    async fn deliver(
        &self,
        mut toast: Toast,
        events: &[InboxEvent],
        now_ms: i64,
        report: &mut PassReport,
    ) -> Result<(), StoreError> {
        let claimed = self
            .store
            .settle_events(&toast.keys, "shown", now_ms)
            .await?;
        if claimed.is_empty() {
            return Ok(());
        }
        if claimed.len() < toast.keys.len() {
            tracing::debug!("another process notified part of these events");
            toast.keys = claimed;
        }
        let shown = self.desktop.show(&toast).await;
        let outcome = if shown { "shown" } else { "failed" };
        if !shown {
            self.store.reset_outcome(&toast.keys, outcome).await?;
            report.failed = true;
        }
        for key in &toast.keys {
            if let Some(event) = events.iter().find(|e| &e.key == key) {
                report.settled.push((event.clone(), outcome));
            }
        }
        report.toasts.push(toast);
        Ok(())
    }

    async fn settle(
        &self,
        events: Vec<&InboxEvent>,
        outcome: &'static str,
        now_ms: i64,
        report: &mut PassReport,
    ) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let keys: Vec<String> = events.iter().map(|e| e.key.clone()).collect();
        let claimed = self.store.settle_events(&keys, outcome, now_ms).await?;
        for event in events {
            if claimed.contains(&event.key) {
                report.settled.push((event.clone(), outcome));
            }
        }
        Ok(())
    }
}

/// Whether the member wants a notification for `event` (its kind on, its circle not muted).
fn wants(notes: &NotificationsDto, event: &InboxEvent) -> bool {
    let kind_on = match event.kind {
        InboxKind::Answer => notes.answers,
        InboxKind::QuestionForMe => notes.questions_for_me,
        InboxKind::Reply => notes.replies,
        InboxKind::Mention => notes.mentions,
        InboxKind::Comment => notes.comments,
        InboxKind::Digest => notes.digests,
        InboxKind::OwnerPost => notes.owner_posts,
    };
    notes.enabled
        && kind_on
        && !notes
            .muted_circles
            .iter()
            .any(|c| c.get() == event.group_id)
}

/// One notification per circle, most important circle first, within `budget`; past it, the
/// last notification sums up the remaining circles. Nothing when the budget is spent.
fn plan(events: &[&InboxEvent], budget: u64, lang: Lang) -> Vec<Toast> {
    let mut circles: Vec<(i64, Vec<&InboxEvent>)> = Vec::new();
    for event in events {
        match circles.iter_mut().find(|(id, _)| *id == event.group_id) {
            Some((_, list)) => list.push(event),
            None => circles.push((event.group_id, vec![event])),
        }
    }
    circles.sort_by_key(|(_, list)| list.iter().map(|e| e.kind).min());
    let budget = usize::try_from(budget).unwrap_or(usize::MAX);
    if budget == 0 {
        return Vec::new();
    }
    if circles.len() <= budget {
        return circles
            .iter()
            .filter_map(|(_, list)| compose::circle(list, lang))
            .collect();
    }
    let (first, rest) = circles.split_at(budget - 1);
    let mut toasts: Vec<Toast> = first
        .iter()
        .filter_map(|(_, list)| compose::circle(list, lang))
        .collect();
    let rest: Vec<&InboxEvent> = rest
        .iter()
        .flat_map(|(_, list)| list.iter().copied())
        .collect();
    toasts.extend(compose::summary(&rest, false, lang));
    toasts
}

/// Minutes after local midnight at `ms`.
fn local_minute(ms: i64) -> u16 {
    Local.timestamp_millis_opt(ms).single().map_or(0, |t| {
        u16::try_from(t.hour() * 60 + t.minute()).unwrap_or(0)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn event(key: &str, kind: InboxKind, group_id: i64, topic_id: i64) -> InboxEvent {
        let topic = serde_json::json!({
            "topic_id": topic_id, "type": "q&a", "create_time": "2026-12-01T10:00:00.000+0800",
            "question": {"owner": {"user_id": 1, "name": "林小满"}, "text": "第一行\u{202E}反转\n第二行"},
            "answer": {"owner": {"user_id": 2, "name": "王星主"}, "text": "答案 <e type=\"text_bold\" title=\"%E9%87%8D%E7%82%B9\" />"},
            "answered": true,
        });
        InboxEvent {
            key: key.to_owned(),
            kind,
            group_id,
            circle_name: format!("星球{group_id}"),
            topic_id,
            comment_id: None,
            event_ms: topic_id,
            found_ms: 0,
            outcome: None,
            read: false,
            topic_json: topic.to_string(),
            comment_author: None,
            comment_text: None,
        }
    }

    #[test]
    fn one_answer_says_who_answered_what_in_the_members_language() {
        let e = event("answer:1", InboxKind::Answer, 7, 1);
        let zh = compose::single(&e, Lang::ZhCn);
        assert_eq!(zh.summary, "星球7 · 你的提问有了回答");
        // Rich text is plain; a bidi override in the post cannot reorder the app's words.
        assert_eq!(zh.body, "问：第一行反转\n王星主：答案 重点");
        assert_eq!(
            zh.target,
            Target::Topic {
                group_id: 7,
                topic_id: 1,
                comment_id: None
            }
        );
        let en = compose::single(&e, Lang::En);
        assert_eq!(en.summary, "星球7 · Your question was answered");
        assert_eq!(en.body, "Q: 第一行反转\n王星主: 答案 重点");
        // A reply opens the topic at the reply.
        let reply = InboxEvent {
            comment_id: Some(9),
            comment_author: Some("李\u{202E}四".into()),
            comment_text: Some("说得对\n第二行".into()),
            ..event("comment:9", InboxKind::Reply, 7, 1)
        };
        let toast = compose::single(&reply, Lang::ZhCn);
        assert_eq!(toast.summary, "星球7 · 李四 回复了你");
        assert_eq!(toast.body, "说得对");
        assert_eq!(
            toast.target,
            Target::Topic {
                group_id: 7,
                topic_id: 1,
                comment_id: Some(9)
            }
        );
    }

    #[test]
    fn a_circles_events_fold_into_one_and_the_rate_folds_circles() {
        let events: Vec<InboxEvent> = vec![
            event("answer:1", InboxKind::Answer, 7, 1),
            event("answer:2", InboxKind::Answer, 7, 2),
            event("answer:3", InboxKind::Answer, 7, 3),
            event("comment:4", InboxKind::Comment, 8, 4),
            event("digest:5", InboxKind::Digest, 9, 5),
            event("mention:6", InboxKind::Mention, 10, 6),
        ];
        let all: Vec<&InboxEvent> = events.iter().collect();
        let toasts = plan(&all, 3, Lang::ZhCn);
        assert_eq!(toasts.len(), 3);
        assert_eq!(toasts[0].summary, "星球7 · 3 条新回答");
        assert_eq!(toasts[0].target, Target::Inbox);
        assert_eq!(toasts[0].keys.len(), 3);
        // The most important kinds first (a mention before a comment), the rest summed up.
        assert_eq!(toasts[1].keys, vec!["mention:6".to_owned()]);
        assert_eq!(toasts[2].summary, "2 个星球有 2 条新消息");
        assert_eq!(toasts[2].target, Target::Inbox);
        assert!(plan(&all, 0, Lang::ZhCn).is_empty());
        assert_eq!(plan(&all, 10, Lang::En).len(), 4);
    }

    #[test]
    fn quiet_hours_may_run_past_midnight() {
        use orrery_ipc::commands::QuietHoursDto;
        let night = QuietHoursDto {
            start_min: 22 * 60,
            end_min: 8 * 60,
        };
        assert!(night.contains(23 * 60) && night.contains(0) && night.contains(7 * 60 + 59));
        assert!(!night.contains(8 * 60) && !night.contains(12 * 60));
        let lunch = QuietHoursDto {
            start_min: 12 * 60,
            end_min: 13 * 60,
        };
        assert!(lunch.contains(12 * 60 + 30) && !lunch.contains(13 * 60));
        assert!(
            !QuietHoursDto {
                start_min: 60,
                end_min: 60
            }
            .contains(60)
        );
    }
}
