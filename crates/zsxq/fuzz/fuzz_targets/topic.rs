//! `topic`: arbitrary bytes decoded as a [`zsxq::Topic`] (the bare object, as inside a page or
//! `TopicDetail`).
//!
//! Invariants:
//! * decoding returns `Ok` or a serde error, never panics;
//! * the accessors (`body`, `owner`, `text`, `images`, `comments`…) and the rich-text pipeline
//!   cope with whatever decoded;
//! * `body()` agrees with `type`: a known type with its body present is that body, anything
//!   else is `Other` with the raw value under the key `type` names;
//! * a topic that decodes re-serializes to JSON that decodes to an equal topic (the models
//!   promise a lossless round trip, `extra` included), and that serialization is stable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zsxq::rich_text::{parse, to_html, to_markdown, to_plain_text};
use zsxq::{Topic, TopicBody, TopicKind};

fuzz_target!(|data: &[u8]| {
    let Ok(topic) = serde_json::from_slice::<Topic>(data) else {
        return;
    };
    let _ = (topic.owner(), topic.images(), topic.comments());
    let _ = (
        topic.is_digested(),
        topic.is_sticky(),
        topic.uid_is_consistent(),
    );
    assert_eq!(TopicKind::from(topic.kind.as_str()), topic.kind);
    check_body(&topic);
    for text in topic
        .text()
        .into_iter()
        .chain(topic.comments().iter().filter_map(|c| c.text.as_deref()))
    {
        let nodes = parse(text);
        let _ = (to_plain_text(&nodes), to_markdown(&nodes), to_html(&nodes));
    }

    let json = serde_json::to_vec(&topic).expect("a decoded topic serializes");
    let again: Topic = match serde_json::from_slice(&json) {
        Ok(again) => again,
        Err(error) => panic!(
            "re-serialized topic does not decode ({error}): {}",
            String::from_utf8_lossy(&json)
        ),
    };
    assert_eq!(
        again,
        topic,
        "round trip changed the topic: {}",
        String::from_utf8_lossy(&json)
    );
    let json_again = serde_json::to_vec(&again).expect("serializes");
    assert_eq!(json_again, json, "serialization is not stable");
});

fn check_body(topic: &Topic) {
    match (topic.body(), &topic.kind) {
        (TopicBody::Talk(talk), TopicKind::Talk) => assert_eq!(Some(talk), topic.talk.as_ref()),
        (TopicBody::QuestionAnswer { question, answer }, TopicKind::QuestionAnswer) => {
            assert_eq!(Some(question), topic.question.as_ref());
            assert_eq!(answer, topic.answer.as_ref());
        }
        (TopicBody::Task(task), TopicKind::Task) => assert_eq!(Some(task), topic.task.as_ref()),
        (TopicBody::Solution(solution), TopicKind::Solution) => {
            assert_eq!(Some(solution), topic.solution.as_ref());
        }
        (TopicBody::Other { kind, raw }, _) => {
            assert_eq!(kind, topic.kind.as_str());
            assert_eq!(raw, topic.extra.get(kind));
            let body_present = match topic.kind {
                TopicKind::Talk => topic.talk.is_some(),
                TopicKind::QuestionAnswer => topic.question.is_some(),
                TopicKind::Task => topic.task.is_some(),
                TopicKind::Solution => topic.solution.is_some(),
                TopicKind::Other(_) => false,
            };
            assert!(!body_present, "a present {kind} body viewed as Other");
            assert!(topic.owner().is_none() && topic.text().is_none());
        }
        (body, kind) => panic!("body {body:?} does not match type {kind:?}"),
    }
}
