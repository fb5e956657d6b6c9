//! From events to notifications: what each event says (in the member's language), how many
//! events of one circle fold into one notification, and the summaries for what exceeds the
//! rate or waited out quiet hours. Pure functions of the events, so every rule is tested
//! without a notification service.

use orrery_ipc::words::Lang;
use zsxq::rich_text::{parse, to_plain_text};
use zsxq::{Topic, TopicBody};

use crate::store::{InboxEvent, InboxKind};

/// Lines of events listed in the body of a folded notification.
const BODY_LINES: usize = 3;
/// Characters of remote text per line: notifications show two or three short lines.
const LINE_CHARS: usize = 80;

/// Where clicking a notification takes the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The window at this topic (at this comment, for a reply, a comment or a mention in one).
    Topic {
        group_id: i64,
        topic_id: i64,
        comment_id: Option<i64>,
    },
    /// The window at the inbox (a notification about several topics).
    Inbox,
    /// The window as it was (a notice about the app itself).
    App,
}

/// One desktop notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub summary: String,
    pub body: String,
    pub target: Target,
    /// The inbox events it stands for.
    pub keys: Vec<String>,
}

/// One event, one notification.
pub fn single(event: &InboxEvent, lang: Lang) -> Toast {
    let said = Said::of(event, lang);
    Toast {
        summary: format!("{} · {}", clean(&event.circle_name), said.headline),
        body: said.body,
        target: Target::Topic {
            group_id: event.group_id,
            topic_id: event.topic_id,
            comment_id: event.comment_id,
        },
        keys: vec![event.key.clone()],
    }
}

/// The events of one circle: one notification, detailed when there is one event.
pub fn circle(events: &[&InboxEvent], lang: Lang) -> Option<Toast> {
    let first = *events.first()?;
    if events.len() == 1 {
        return Some(single(first, lang));
    }
    let same_kind = events.iter().all(|e| e.kind == first.kind);
    let count = if same_kind {
        count_of(first.kind, events.len(), lang)
    } else {
        count_of_events(events.len(), lang)
    };
    let same_topic = events.iter().all(|e| e.topic_id == first.topic_id);
    Some(Toast {
        summary: format!("{} · {count}", clean(&first.circle_name)),
        body: lines(events, lang, false),
        target: if same_topic {
            Target::Topic {
                group_id: first.group_id,
                topic_id: first.topic_id,
                comment_id: None,
            }
        } else {
            Target::Inbox
        },
        keys: keys(events),
    })
}

/// Events of several circles in one notification: past the rate, or after quiet hours.
pub fn summary(events: &[&InboxEvent], after_quiet: bool, lang: Lang) -> Option<Toast> {
    if events.is_empty() {
        return None;
    }
    let mut circles: Vec<i64> = events.iter().map(|e| e.group_id).collect();
    circles.sort_unstable();
    circles.dedup();
    let n = events.len();
    let summary = match (after_quiet, lang) {
        (true, Lang::ZhCn) => format!("安静时段里有 {n} 条新消息"),
        (true, Lang::En) => format!("{n} new while notifications were quiet"),
        (false, Lang::ZhCn) => format!("{} 个星球有 {n} 条新消息", circles.len()),
        (false, Lang::En) => format!("{n} new in {} circles", circles.len()),
    };
    Some(Toast {
        summary,
        body: lines(events, lang, true),
        target: Target::Inbox,
        keys: keys(events),
    })
}

fn keys(events: &[&InboxEvent]) -> Vec<String> {
    events.iter().map(|e| e.key.clone()).collect()
}

/// The most important events first, one line each, then "and N more".
fn lines(events: &[&InboxEvent], lang: Lang, with_circle: bool) -> String {
    let mut sorted: Vec<&InboxEvent> = events.to_vec();
    sorted.sort_by_key(|e| (e.kind, std::cmp::Reverse(e.event_ms)));
    let mut out: Vec<String> = sorted
        .iter()
        .take(BODY_LINES)
        .map(|e| {
            let said = Said::of(e, lang);
            let line = format!("{}：{}", said.headline, said.gist);
            if with_circle {
                format!("{} · {line}", clean(&e.circle_name))
            } else {
                line
            }
        })
        .collect();
    let rest = sorted.len().saturating_sub(BODY_LINES);
    if rest > 0 {
        out.push(match lang {
            Lang::ZhCn => format!("还有 {rest} 条"),
            Lang::En => format!("and {rest} more"),
        });
    }
    out.join("\n")
}

fn count_of(kind: InboxKind, n: usize, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => {
            let what = match kind {
                InboxKind::Answer => "新回答",
                InboxKind::QuestionForMe => "新提问待你回答",
                InboxKind::Reply => "新回复",
                InboxKind::Mention => "条提到你",
                InboxKind::Comment => "新评论",
                InboxKind::Digest => "新精华",
                InboxKind::OwnerPost => "星主新主题",
            };
            match kind {
                InboxKind::Mention => format!("{n} {what}"),
                _ => format!("{n} 条{what}"),
            }
        }
        Lang::En => {
            let what = match kind {
                InboxKind::Answer => "new answers",
                InboxKind::QuestionForMe => "questions for you",
                InboxKind::Reply => "new replies",
                InboxKind::Mention => "mentions of you",
                InboxKind::Comment => "new comments",
                InboxKind::Digest => "new digests",
                InboxKind::OwnerPost => "new posts by the owner",
            };
            format!("{n} {what}")
        }
    }
}

fn count_of_events(n: usize, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => format!("{n} 条新消息"),
        Lang::En => format!("{n} new"),
    }
}

/// The plain pieces an event is told with: who did it, the topic's line (the question for a
/// q&a) and the line that is news (the answer, the comment). The inbox shows them as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parts {
    pub actor: Option<String>,
    pub topic_line: String,
    pub detail: String,
}

impl Parts {
    pub fn of(event: &InboxEvent) -> Self {
        let topic: Option<Topic> = serde_json::from_str(&event.topic_json).ok();
        let topic = topic.as_ref();
        let (question, answerer, answer) = question_and_answer(topic);
        match event.kind {
            InboxKind::Answer => Self {
                actor: answerer,
                topic_line: question,
                detail: answer,
            },
            InboxKind::Reply | InboxKind::Comment | InboxKind::Mention
                if event.comment_text.is_some() =>
            {
                Self {
                    actor: event.comment_author.as_deref().map(clean),
                    topic_line: question,
                    detail: event
                        .comment_text
                        .as_deref()
                        .map(first_line)
                        .unwrap_or_default(),
                }
            }
            _ => Self {
                actor: topic.and_then(Topic::owner).map(|u| clean(&u.name)),
                topic_line: question,
                detail: String::new(),
            },
        }
    }
}

/// What one event says: a headline, a body for its own notification, and a one-line gist
/// for lists.
struct Said {
    headline: String,
    body: String,
    gist: String,
}

impl Said {
    fn of(event: &InboxEvent, lang: Lang) -> Self {
        let parts = Parts::of(event);
        let zh = lang == Lang::ZhCn;
        let actor = parts.actor.clone().unwrap_or_else(|| {
            match (event.kind, zh) {
                (InboxKind::Answer, true) => "星主",
                (InboxKind::Answer, false) => "The owner",
                (_, true) => "匿名",
                (_, false) => "Anonymous",
            }
            .to_owned()
        });
        let colon = if zh { "：" } else { ": " };
        let headline = match (event.kind, zh) {
            (InboxKind::Answer, true) => "你的提问有了回答".to_owned(),
            (InboxKind::Answer, false) => "Your question was answered".to_owned(),
            (InboxKind::QuestionForMe, true) => "有新提问等你回答".to_owned(),
            (InboxKind::QuestionForMe, false) => "A question for you".to_owned(),
            (InboxKind::Reply, true) => format!("{actor} 回复了你"),
            (InboxKind::Reply, false) => format!("{actor} replied to you"),
            (InboxKind::Comment, true) => format!("{actor} 评论了你的主题"),
            (InboxKind::Comment, false) => format!("{actor} commented on your topic"),
            (InboxKind::Mention, true) => format!("{actor} 提到了你"),
            (InboxKind::Mention, false) => format!("{actor} mentioned you"),
            (InboxKind::Digest, true) => "新精华".to_owned(),
            (InboxKind::Digest, false) => "New digest".to_owned(),
            (InboxKind::OwnerPost, true) => format!("{actor} 发布了新主题"),
            (InboxKind::OwnerPost, false) => format!("{actor} posted"),
        };
        let (body, gist) = match event.kind {
            InboxKind::Answer => {
                let q = if zh { "问：" } else { "Q: " };
                let body = format!("{q}{}\n{actor}{colon}{}", parts.topic_line, parts.detail);
                (body, parts.topic_line)
            }
            InboxKind::QuestionForMe => (
                format!("{actor}{colon}{}", parts.topic_line),
                parts.topic_line,
            ),
            _ if !parts.detail.is_empty() => (parts.detail.clone(), parts.detail),
            _ => (parts.topic_line.clone(), parts.topic_line),
        };
        Self {
            headline,
            body,
            gist,
        }
    }
}

/// The first lines of a q&a's question and answer, and who answered.
pub(crate) fn question_and_answer(topic: Option<&Topic>) -> (String, Option<String>, String) {
    match topic.map(Topic::body) {
        Some(TopicBody::QuestionAnswer { question, answer }) => (
            rich_line(question.text.as_deref()),
            answer
                .and_then(|a| a.owner.as_ref())
                .map(|u| clean(&u.name)),
            rich_line(answer.and_then(|a| a.text.as_deref())),
        ),
        _ => (topic_gist(topic), None, String::new()),
    }
}

fn topic_gist(topic: Option<&Topic>) -> String {
    rich_line(topic.and_then(Topic::text))
}

fn rich_line(text: Option<&str>) -> String {
    first_line(&to_plain_text(&parse(text.unwrap_or_default())))
}

/// The first non-empty line, cleaned and cut to [`LINE_CHARS`].
fn first_line(text: &str) -> String {
    crate::reader::text::first_line(&clean_keeping_lines(text), LINE_CHARS)
}

/// Remote text as a notification may show it: no control or bidi-override characters (a post
/// must not reorder or hide the app's own words), spaces for line breaks.
fn clean(text: &str) -> String {
    clean_keeping_lines(&text.replace('\n', " "))
}

fn clean_keeping_lines(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| *c == '\n' || (!c.is_control() && !is_bidi_control(*c)))
        .collect()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
