//! Searchable units: what one index document stands for.
//!
//! A topic gives one unit for its own text (a talk with its file names, a question, a task or
//! a solution), one for its answer when answered, and one for its article once the body is
//! fetched; each comment and reply is a unit of its own. Results are units, so a match in a
//! comment opens the topic at that comment. Hashtags, the digest flag and "unanswered" belong
//! to the topic and mark its own units, not its comments. "Deleted on 知识星球" marks the
//! comments too: the thread went with the topic, and `-is:deleted` should leave all of it out.
//! A document imported into 已保存 is one unit.

use tantivy::TantivyDocument;
use zsxq::rich_text::{parse, to_plain_text};
use zsxq::{Topic, TopicBody};

use super::analyzer::normalize;
use super::query::UnitKind;
use super::schema::Fields;
use crate::store::{SourceComment, SourceDocument, SourceTopic};

/// Titles are cut to this many characters.
const TITLE_CHARS: usize = 80;

/// One searchable unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// The topic id, or the comment id for comments.
    pub id: i64,
    pub kind: UnitKind,
    pub topic_id: i64,
    pub group_id: i64,
    pub circle: String,
    pub time_ms: i64,
    pub author: String,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub digest: bool,
    pub open_question: bool,
    /// Its topic was deleted on the service (the unit stays searchable, marked).
    pub deleted: bool,
}

impl Unit {
    /// A number no other unit has: topic and comment ids may coincide, their kinds do not.
    pub fn uid(&self) -> i64 {
        uid(self.id, self.kind)
    }

    /// Time first, then `uid`'s low 20 bits: distinct for units of one millisecond (barring a
    /// one-in-a-million clash, which tantivy then breaks by document order), and within
    /// range of an i64 until the year 2248.
    pub fn recency(&self) -> i64 {
        self.time_ms
            .saturating_mul(1 << 20)
            .saturating_add(self.uid().rem_euclid(1 << 20))
    }

    /// The delete key shared by every unit of one topic, or of one comment.
    pub fn owner(&self) -> String {
        match self.kind {
            UnitKind::Comment => comment_owner(self.id),
            UnitKind::Document => document_owner(self.id),
            _ => topic_owner(self.topic_id),
        }
    }

    /// The index document.
    pub fn document(&self, f: &Fields) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.uid, self.uid());
        doc.add_i64(f.recency, self.recency());
        doc.add_text(f.week, week_term(self.time_ms));
        doc.add_text(f.owner, self.owner());
        doc.add_i64(f.topic_id, self.topic_id);
        doc.add_i64(f.group_id, self.group_id);
        doc.add_text(f.kind, self.kind.as_str());
        doc.add_i64(f.time, self.time_ms);
        if self.digest {
            doc.add_text(f.flag, "digest");
        }
        if self.open_question {
            doc.add_text(f.flag, "open");
        }
        if self.deleted {
            doc.add_text(f.flag, "deleted");
        }
        for tag in &self.tags {
            doc.add_text(f.tag, normalize(tag));
        }
        doc.add_text(f.author, &self.author);
        doc.add_text(f.author_grams, normalize(&self.author));
        doc.add_text(f.circle, &self.circle);
        doc.add_text(f.circle_grams, normalize(&self.circle));
        doc.add_text(f.title, &self.title);
        doc.add_text(f.body, &self.body);
        let text = normalize(&self.body);
        doc.add_text(f.words, &text);
        doc.add_text(f.grams, text);
        doc
    }
}

/// Weeks since 1970 in China Standard Time, zero-padded so that term order is time order.
pub fn week_term(time_ms: i64) -> String {
    const WEEK_MS: i64 = 7 * 86_400_000;
    const CST_MS: i64 = 8 * 3_600_000;
    format!("{:06}", (time_ms + CST_MS).div_euclid(WEEK_MS).max(0))
}

pub fn uid(id: i64, kind: UnitKind) -> i64 {
    let code = UnitKind::ALL.iter().position(|&k| k == kind).unwrap_or(0);
    id.wrapping_mul(8).wrapping_add(code as i64)
}

/// The id and kind a [`uid`] was made of.
pub fn split_uid(uid: i64) -> (i64, UnitKind) {
    let code = uid.rem_euclid(8) as usize;
    (
        uid.div_euclid(8),
        UnitKind::ALL.get(code).copied().unwrap_or(UnitKind::Talk),
    )
}

pub fn topic_owner(topic_id: i64) -> String {
    format!("t{topic_id}")
}

pub fn comment_owner(comment_id: i64) -> String {
    format!("c{comment_id}")
}

pub fn document_owner(doc_id: i64) -> String {
    format!("d{doc_id}")
}

/// The first non-empty line of `text`, cut to [`TITLE_CHARS`].
fn first_line(text: &str) -> String {
    crate::reader::text::first_line(text, TITLE_CHARS)
}

fn plain(rich: Option<&str>) -> String {
    rich.map(|text| to_plain_text(&parse(text)))
        .unwrap_or_default()
}

/// Question text (with the owner's annotation) and answer text of a q&a, from its raw JSON;
/// `None` when the JSON cannot be read (the caller falls back to the joined plain text).
fn question_and_answer(raw_json: &str) -> Option<(String, Option<String>)> {
    let topic: Topic = serde_json::from_str(raw_json).ok()?;
    let TopicBody::QuestionAnswer { question, answer } = topic.body() else {
        return None;
    };
    let mut question_text = plain(question.text.as_deref());
    if let Some(annotation) = topic.annotation.as_deref() {
        question_text.push_str("\n\n");
        question_text.push_str(&plain(Some(annotation)));
    }
    let answer_text = answer
        .map(|a| plain(a.text.as_deref()))
        .filter(|t| !t.trim().is_empty());
    Some((question_text, answer_text))
}

/// The units of one topic.
pub fn topic_units(src: &SourceTopic) -> Vec<Unit> {
    let tags: Vec<String> = serde_json::from_str(&src.tags).unwrap_or_default();
    let base = Unit {
        id: src.topic_id,
        kind: UnitKind::Talk,
        topic_id: src.topic_id,
        group_id: src.group_id,
        circle: src.circle.clone(),
        time_ms: src.create_time_ms,
        author: src.author.clone().unwrap_or_default(),
        title: String::new(),
        body: String::new(),
        tags,
        digest: src.digested,
        open_question: false,
        deleted: src.deleted,
    };
    let (kind, mut body, answer) = match src.kind.as_str() {
        "q&a" => match src.raw_json.as_deref().and_then(question_and_answer) {
            Some((question, answer)) => (UnitKind::Question, question, answer),
            None => (UnitKind::Question, src.plain_text.clone(), None),
        },
        "task" => (UnitKind::Task, src.plain_text.clone(), None),
        "solution" => (UnitKind::Solution, src.plain_text.clone(), None),
        _ => (UnitKind::Talk, src.plain_text.clone(), None),
    };
    if let Some(files) = src.files.as_deref().filter(|f| !f.is_empty()) {
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(files);
    }
    let heading = match src
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(title) => first_line(title),
        None => first_line(&body),
    };
    let mut units = vec![Unit {
        kind,
        title: heading.clone(),
        body,
        open_question: kind == UnitKind::Question && !src.answered,
        ..base.clone()
    }];
    if let Some(answer) = answer {
        units.push(Unit {
            kind: UnitKind::Answer,
            author: src.answerer.clone().unwrap_or_default(),
            title: heading.clone(),
            body: answer,
            ..base.clone()
        });
    }
    if let Some(text) = src.article_text.as_deref() {
        let title = src.article_title.clone().unwrap_or_default();
        units.push(Unit {
            kind: UnitKind::Article,
            title: first_line(if title.is_empty() { &heading } else { &title }),
            body: if title.is_empty() {
                text.to_owned()
            } else {
                format!("{title}\n\n{text}")
            },
            ..base
        });
    }
    units
}

/// The unit of an imported document: one for all its text (highlights and notes included).
/// It belongs to no circle (`group_id` 0); its site stands where a circle's name would, so
/// results can show it and `source:zhihu` finds it.
pub fn document_unit(src: &SourceDocument) -> Unit {
    Unit {
        id: src.doc_id,
        kind: UnitKind::Document,
        topic_id: src.doc_id,
        group_id: 0,
        circle: src.site.clone().unwrap_or_default(),
        time_ms: src.saved_ms,
        author: src.author.clone().unwrap_or_default(),
        title: first_line(&src.title),
        body: format!("{}\n\n{}", src.title, src.plain_text),
        tags: serde_json::from_str(&src.tags).unwrap_or_default(),
        digest: false,
        open_question: false,
        deleted: false,
    }
}

/// The unit of one comment.
pub fn comment_unit(src: &SourceComment) -> Unit {
    Unit {
        id: src.comment_id,
        kind: UnitKind::Comment,
        topic_id: src.topic_id,
        group_id: src.group_id,
        circle: src.circle.clone(),
        time_ms: src.time_ms,
        author: src.author.clone(),
        title: first_line(&src.topic_heading),
        body: src.plain_text.clone(),
        tags: Vec::new(),
        digest: false,
        open_question: false,
        deleted: src.deleted,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn source(kind: &str, raw: Option<serde_json::Value>) -> SourceTopic {
        SourceTopic {
            topic_id: 42,
            group_id: 7,
            circle: "价值投资".into(),
            kind: kind.into(),
            create_time_ms: 1_000,
            title: None,
            plain_text: "怎么估值？\n\n先看现金流。".into(),
            digested: true,
            answered: raw.is_some(),
            author: Some("提问者".into()),
            answerer: Some("星主".into()),
            files: Some("年报.pdf".into()),
            tags: r#"["估值"]"#.into(),
            article_title: None,
            article_text: None,
            raw_json: raw.map(|r| r.to_string()),
            deleted: false,
        }
    }

    #[test]
    fn a_question_and_its_answer_are_separate_units() {
        let raw = json!({
            "topic_id": 42, "type": "q&a", "create_time": "2026-04-08T10:34:21.101+0800",
            "question": {"owner": {"user_id": 1, "name": "提问者"}, "text": "怎么估值？"},
            "answer": {"owner": {"user_id": 2, "name": "星主"}, "text": "先看现金流。"},
            "answered": true
        });
        let units = topic_units(&source("q&a", Some(raw)));
        let kinds: Vec<_> = units.iter().map(|u| u.kind).collect();
        assert_eq!(kinds, vec![UnitKind::Question, UnitKind::Answer]);
        assert_eq!(units[0].body, "怎么估值？\n\n年报.pdf");
        assert_eq!(units[1].body, "先看现金流。");
        assert_eq!(units[1].author, "星主");
        assert_eq!(units[1].title, "怎么估值？");
        assert!(!units[0].open_question);
        assert_eq!(units[0].tags, vec!["估值".to_owned()]);
        assert_ne!(units[0].uid(), units[1].uid());
        assert_eq!(units[0].owner(), units[1].owner());
        assert_eq!(split_uid(units[1].uid()), (42, UnitKind::Answer));
    }

    #[test]
    fn an_unreadable_question_falls_back_to_the_joined_text() {
        let mut src = source("q&a", None);
        src.raw_json = Some("not json".into());
        let units = topic_units(&src);
        assert_eq!(units.len(), 1);
        assert!(units[0].body.starts_with("怎么估值？\n\n先看现金流。"));
        assert!(units[0].open_question);
    }

    #[test]
    fn an_article_is_a_unit_with_its_title() {
        let mut src = source("talk", None);
        src.article_title = Some("长文：现金流折现".into());
        src.article_text = Some("第一段。".into());
        let units = topic_units(&src);
        assert_eq!(units[1].kind, UnitKind::Article);
        assert_eq!(units[1].title, "长文：现金流折现");
        assert_eq!(units[1].body, "长文：现金流折现\n\n第一段。");
        assert_eq!(units[0].title, "怎么估值？");
    }
}
