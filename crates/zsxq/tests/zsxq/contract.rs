//! Contract tests: every real response in `shared/zsxq/samples/` decodes into its model,
//! re-encodes without loss, and carries the values the files actually hold.
//!
//! The samples are read in place (never copied into the repository); without them the tests
//! fail, saying where the samples were looked for.

#![allow(clippy::unwrap_used)]

use crate::support;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use zsxq::rich_text::{self, Node};
use zsxq::*;

/// 2^53: ids above it would be corrupted by a float.
const FLOAT_SAFE_LIMIT: i64 = 1 << 53;

type Check = fn(&str);

/// Every sample, the model it decodes as, and the check that proves it. A file in the samples
/// directory that is not listed here fails `every_sample_is_covered`.
const SAMPLES: &[(&str, &str, Check)] = &[
    (
        "GET_v2_dynamics__scope_general__count_1.json",
        "DynamicsList",
        response_of::<DynamicsList>,
    ),
    (
        "GET_v2_dynamics__scope_group_assistant__count_10.json",
        "DynamicsList",
        response_of::<DynamicsList>,
    ),
    (
        "GET_v2_groups.json",
        "GroupsList",
        response_of::<GroupsList>,
    ),
    (
        "GET_v2_groups_15555411412112.json",
        "GroupDetail",
        response_of::<GroupDetail>,
    ),
    (
        "GET_v2_groups_15555411412112_checkins_2424141521_topics__count_20.json",
        "TopicsPage",
        response_of::<TopicsPage>,
    ),
    (
        "GET_v2_groups_15555411412112_columns.json",
        "ColumnsList",
        response_of::<ColumnsList>,
    ),
    (
        "GET_v2_groups_15555411412112_columns_summary.json",
        "ColumnsSummary",
        response_of::<ColumnsSummary>,
    ),
    (
        "GET_v2_groups_15555411412112_hashtags.json",
        "HashtagsList",
        response_of::<HashtagsList>,
    ),
    (
        "GET_v2_groups_15555411412112_menus.json",
        "MenusList",
        response_of::<MenusList>,
    ),
    (
        "GET_v2_groups_15555411412112_menus_last_read_time.json",
        "MenuReadTimes",
        response_of::<MenuReadTimes>,
    ),
    (
        "GET_v2_groups_15555411412112_role_members.json",
        "RoleMembers",
        response_of::<RoleMembers>,
    ),
    (
        "GET_v2_groups_15555411412112_topics__scope_all__count_10.json",
        "TopicsPage",
        response_of::<TopicsPage>,
    ),
    (
        "GET_v2_groups_15555411412112_topics__scope_all__count_1__begin_time.json",
        "TopicsPage",
        response_of::<TopicsPage>,
    ),
    (
        "GET_v2_groups_15555411412112_topics__scope_digests__count_10.json",
        "TopicsPage",
        response_of::<TopicsPage>,
    ),
    (
        "GET_v2_groups_unread_topics_count.json",
        "UnreadTopicCounts",
        response_of::<UnreadTopicCounts>,
    ),
    (
        "GET_v2_hashtags_15514284488142_topics__count_10.json",
        "TopicsPage",
        response_of::<TopicsPage>,
    ),
    (
        "GET_v2_hashtags_28844882581111_topics__count_10.json",
        "TopicsPage",
        response_of::<TopicsPage>,
    ),
    (
        "GET_v2_users_self_unanswered_questions_brief.json",
        "UnansweredQuestionsBrief",
        response_of::<UnansweredQuestionsBrief>,
    ),
    (
        "GET_v3_users_181284822124142.json",
        "UserResponse",
        response_of::<UserResponse>,
    ),
    (
        "POST_v2_topics_ID_answer.request.json",
        "ReqData<AnswerRequest>",
        request_of::<AnswerRequest>,
    ),
    (
        "POST_v2_topics_ID_comments.request.json",
        "ReqData<CommentRequest>",
        request_of::<CommentRequest>,
    ),
    (
        "PUT_v2_groups_15555411412112_menus_last_read_time.json",
        "Empty",
        response_of::<Empty>,
    ),
    (
        "PUT_v2_groups_15555411412112_menus_last_read_time.request.json",
        "ReqData<MenuReadTimes>",
        request_of::<MenuReadTimes>,
    ),
    (
        "error_envelopes.json",
        "ApiError (failure envelopes)",
        error_envelopes,
    ),
    (
        "topic_object__talk_with_article.json",
        "Topic",
        bare::<Topic>,
    ),
    ("topic_object__task.json", "Topic", bare::<Topic>),
    ("SOURCES.md", "(provenance notes, not a payload)", |_| {}),
];

/// A successful response: decodes through the envelope, and `resp_data` round-trips exactly.
fn response_of<T: DeserializeOwned + Serialize>(name: &str) {
    let body = support::json(name);
    assert_eq!(body["succeeded"], Value::Bool(true), "{name}");
    support::lossless::<T>(name, &body["resp_data"]);
    let _: T = support::response(name);
}

/// A write body: `{"req_data": …}` round-trips exactly.
fn request_of<T: DeserializeOwned + Serialize>(name: &str) {
    support::lossless::<ReqData<T>>(name, &support::json(name));
}

/// A bare object cut out of a response.
fn bare<T: DeserializeOwned + Serialize>(name: &str) {
    support::lossless::<T>(name, &support::json(name));
}

fn error_envelopes(name: &str) {
    let Value::Object(entries) = support::json(name) else {
        panic!("{name} should be an object of named envelopes");
    };
    for (key, envelope) in entries.iter().filter(|(key, _)| !key.starts_with('_')) {
        let body = serde_json::to_vec(envelope).unwrap();
        assert!(
            decode_body::<TopicsPage>(&body).is_err(),
            "{key} should decode as an error"
        );
    }
}

#[test]
fn every_sample_is_covered() {
    let dir = orrery_testkit::samples_dir();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    for file in &files {
        assert!(
            SAMPLES.iter().any(|(name, ..)| name == file),
            "new sample {file} is not covered: add it to SAMPLES with the model it decodes as"
        );
    }
    for (name, model, check) in SAMPLES {
        assert!(
            files.contains(&(*name).to_owned()),
            "{name} ({model}) is listed but missing"
        );
        check(name);
    }
}

#[test]
fn every_date_in_the_samples_round_trips() {
    let dir = orrery_testkit::samples_dir();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        let value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        visit_strings(&value, &mut |text| {
            // The wire shape: 2025-12-10T13:56:05.120+0800 (28 characters).
            let looks_like_date = text.len() == 28 && text.as_bytes().get(10) == Some(&b'T');
            if looks_like_date {
                let ts = Timestamp::parse(text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
                assert_eq!(ts.to_string(), text);
                assert_eq!(
                    Timestamp::from_unix_millis(ts.to_unix_millis()).unwrap(),
                    ts
                );
                seen += 1;
            }
        });
    }
    assert!(seen > 500, "only {seen} dates found");
}

fn visit_strings(value: &Value, f: &mut dyn FnMut(&str)) {
    match value {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter().for_each(|v| visit_strings(v, f)),
        Value::Object(map) => map.values().for_each(|v| visit_strings(v, f)),
        _ => {}
    }
}

fn page_topics(name: &str) -> Vec<Topic> {
    support::response::<TopicsPage>(name).topics
}

fn find(topics: &[Topic], id: i64) -> &Topic {
    topics
        .iter()
        .find(|t| t.topic_id == TopicId::new(id))
        .unwrap_or_else(|| panic!("topic {id} missing"))
}

#[test]
fn talk_with_article() {
    let topic: Topic = support::lossless(
        "talk",
        &support::json("topic_object__talk_with_article.json"),
    );
    assert_eq!(topic.topic_id.get(), 55_188_118_845_481_244);
    assert!(topic.topic_id.get() > FLOAT_SAFE_LIMIT);
    assert_eq!(topic.topic_uid.as_deref(), Some("55188118845481244"));
    assert!(topic.uid_is_consistent());
    assert_eq!(topic.kind, TopicKind::Talk);
    let TopicBody::Talk(talk) = topic.body() else {
        panic!("expected a talk");
    };
    let article = talk.article.as_ref().expect("article");
    assert_eq!(article.title, "独立会员日-赚大钱从CPS分销开始");
    assert_eq!(article.article_id, "degukvf59qew");
    assert_eq!(
        article.article_url.as_deref(),
        Some("https://articles.zsxq.com/id_degukvf59qew.html")
    );
    assert_eq!(
        article.inline_article_url.as_deref(),
        Some("https://articles.zsxq.com/inline_form/id_degukvf59qew.html")
    );
    let owner = topic.owner().expect("owner");
    assert_eq!(
        (owner.user_id.get(), owner.name.as_str()),
        (582_884_445_452_854, "深圳大冲")
    );
    assert_eq!(owner.location.as_deref(), Some("广东"));
    let group = topic.group.as_ref().expect("group");
    assert_eq!(group.name, "AI私域赚钱");
    assert_eq!(group.kind, Some(GroupKind::Pay));

    assert_eq!(topic.likes_count, Some(14));
    assert_eq!(topic.rewards_count, Some(0));
    assert_eq!(topic.comments_count, Some(7));
    assert_eq!(topic.reading_count, Some(1));
    assert_eq!(topic.readers_count, Some(752));
    assert!(topic.is_digested());
    assert!(!topic.is_sticky());
    assert_eq!(
        topic.create_time.unwrap().to_string(),
        "2025-12-08T07:18:00.020+0800"
    );
    let emojis = topic
        .likes_detail
        .as_ref()
        .and_then(|d| d.emojis.as_deref())
        .unwrap();
    assert_eq!(
        (emojis[0].emoji_key.as_str(), emojis[0].likes_count),
        ("[强]", Some(14))
    );
    let likes = topic.latest_likes.as_deref().unwrap();
    assert_eq!(likes.len(), 10);
    assert_eq!(likes[0].owner.name, "汉堡的金库");
    assert_eq!(likes[0].owner.number, Some(5443));
    assert_eq!(
        likes[0].create_time.unwrap().to_string(),
        "2025-12-10T12:38:21.067+0800"
    );
    assert_eq!(topic.comments().len(), 7);
    assert_eq!(topic.comments()[1].comment_id.get(), 1_524_444_281_128_222);
    assert_eq!(topic.comments()[1].owner.display_name(), "深圳老易");
    let user_specific = topic.user_specific.as_ref().unwrap();
    assert_eq!(user_specific.liked_emojis.as_deref(), Some(&[][..]));

    let nodes = rich_text::parse(topic.text().unwrap());
    assert_eq!(
        nodes[0],
        Node::Bold("独立会员日-赚大钱从CPS分销开始".into())
    );
    assert!(nodes.contains(&Node::Hashtag {
        id: Some(HashtagId::new(51_521_485_524_884)),
        name: "独立日".into()
    }));
    // List responses truncate long texts.
    assert!(rich_text::to_plain_text(&nodes).ends_with("#独立日# ..."));
}

#[test]
fn task_with_statistics() {
    let topic: Topic = support::lossless("task", &support::json("topic_object__task.json"));
    assert_eq!(topic.topic_id.get(), 55_188_118_845_855_824);
    assert_eq!(topic.kind, TopicKind::Task);
    assert_eq!(topic.statistics.as_ref().unwrap().submitted_count, Some(23));
    assert_eq!(topic.enabled_task, Some(true));
    assert_eq!(topic.show_solutions, Some(false));
    assert_eq!(topic.user_specific.as_ref().unwrap().submitted, Some(false));
    assert_eq!(
        topic.modify_time.unwrap().to_string(),
        "2025-12-09T15:20:22.810+0800"
    );
    assert_eq!(
        topic.title.as_deref(),
        Some("亲爱的各位独立商人、星球战友们...")
    );
    let images = topic.images();
    assert_eq!(images.len(), 4);
    assert_eq!(images[0].image_id.get(), 5_122_418_255_222_284);
    assert_eq!(images[0].format.as_deref(), Some("jpg"));
    let original = images[0].original.as_ref().unwrap();
    assert_eq!(
        (original.width, original.height, original.size),
        (Some(1080), Some(3825), Some(3_339_637))
    );
    assert_eq!(images[0].thumbnail.width, Some(380));

    let nodes = rich_text::parse(topic.text().unwrap());
    let links: Vec<&str> = nodes
        .iter()
        .filter_map(|n| match n {
            Node::Link { href, .. } => Some(href.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        links,
        ["https://t.zsxq.com/8hAMG", "https://t.zsxq.com/ivmqK"]
    );
    assert_eq!(
        nodes.last(),
        Some(&Node::Hashtag {
            id: Some(HashtagId::new(51_521_485_524_884)),
            name: "独立日".into()
        })
    );
    let html = rich_text::to_html(&nodes);
    assert!(html.contains(r#"<a href="https://t.zsxq.com/8hAMG" class="zsxq-link external" target="_blank" rel="noopener noreferrer nofollow">hello，大家好，很多人问A...</a>"#));
}

#[test]
fn topic_lists_decode_losslessly_with_exact_ids() {
    let mut total = 0;
    for (name, model, _) in SAMPLES
        .iter()
        .filter(|(_, model, _)| *model == "TopicsPage")
    {
        let raw = support::json(name);
        let page: TopicsPage = support::lossless(&format!("{name} as {model}"), &raw["resp_data"]);
        for (topic, raw_topic) in page
            .topics
            .iter()
            .zip(raw["resp_data"]["topics"].as_array().unwrap())
        {
            assert!(topic.uid_is_consistent(), "{name}: {}", topic.topic_id);
            // serde_json read the raw number exactly as u64: the model must agree digit for digit.
            assert_eq!(
                raw_topic["topic_id"].as_u64(),
                Some(topic.topic_id.get() as u64)
            );
            assert!(
                topic.owner().is_some(),
                "{name}: {} has no owner",
                topic.topic_id
            );
            total += 1;
        }
    }
    assert_eq!(total, 61);
}

#[test]
fn digests_hold_columns_replies_and_the_task() {
    let topics = page_topics("GET_v2_groups_15555411412112_topics__scope_digests__count_10.json");
    assert_eq!(topics.len(), 10);
    assert!(topics.iter().all(Topic::is_digested));
    let task = find(&topics, 55_188_118_845_855_824);
    assert_eq!(task.kind, TopicKind::Task);

    let filed = find(&topics, 14_588_542_452_844_842);
    let column = &filed.columns.as_deref().unwrap()[0];
    assert_eq!(
        (column.column_id.get(), column.name.as_str()),
        (481_255_584_458, "AI写作")
    );
    let reply = filed
        .comments()
        .iter()
        .find(|c| c.comment_id == CommentId::new(8_852_222_211_512_282))
        .unwrap();
    assert_eq!(
        reply.parent_comment_id,
        Some(CommentId::new(1_524_444_582_545_522))
    );
    assert_eq!(reply.repliee.as_ref().unwrap().name, "兴同学");
    assert!(reply.is_reply());

    // Some images come without an original rendition.
    let no_original = find(&topics, 14_588_542_518_484_252)
        .images()
        .iter()
        .find(|i| i.image_id == ImageId::new(8_855_422_451_414_842))
        .unwrap();
    assert!(no_original.original.is_none());
    assert_eq!(no_original.best(), &no_original.large);

    let annotated = find(&topics, 22_811_885_282_824_541);
    let tags: Vec<String> = rich_text::parse(annotated.annotation.as_deref().unwrap())
        .iter()
        .map(Node::visible_text)
        .collect();
    assert_eq!(tags, ["#复盘#", "#大冲私教#", "#积小胜#"]);
}

#[test]
fn checkin_topics_name_their_challenge() {
    let topics =
        page_topics("GET_v2_groups_15555411412112_checkins_2424141521_topics__count_20.json");
    assert_eq!(topics.len(), 20);
    for topic in &topics {
        let checkin = topic.checkin.as_ref().unwrap();
        assert_eq!(checkin.checkin_id, CheckinId::new(2_424_141_521));
        assert_eq!(checkin.title.as_deref(), Some("新手实战指南"));
        assert_eq!(checkin.min_words_count, Some(20));
    }
}

#[test]
fn hashtag_topics_include_a_quoted_topic_with_a_reply() {
    let topics = page_topics("GET_v2_hashtags_15514284488142_topics__count_10.json");
    let quoting = find(&topics, 82_811_852_815_211_852);
    let quoted = &quoting.referenced_topic.as_ref().unwrap().topic;
    assert_eq!(quoted.topic_id.get(), 22_811_852_848_821_421);
    assert_eq!(quoted.owner().unwrap().name, "等等");
    let reply = &quoted.comments()[1];
    assert_eq!(
        reply.parent_comment_id,
        Some(CommentId::new(1_524_252_284_224_212))
    );
    assert_eq!(reply.repliee.as_ref().unwrap().name, "小勇同学");

    let newest =
        page_topics("GET_v2_groups_15555411412112_topics__scope_all__count_1__begin_time.json");
    assert_eq!(newest[0].topic_id.get(), 45_811_854_122_111_588);
    assert_eq!(newest[0].owner().unwrap().name, "沐清｜AI轻创业");
    assert_eq!(
        newest[0].create_time.unwrap().to_query_value(),
        "2025-12-10T15%3A51%3A25.639%2B0800"
    );
}

#[test]
fn groups_list_and_detail() {
    let list: GroupsList = support::response("GET_v2_groups.json");
    assert_eq!(list.groups.len(), 7);
    let first = &list.groups[0];
    assert_eq!(first.group_id.get(), 88_885_121_521_552);
    assert_eq!(first.name, "易安AI编程·出海赚钱");
    assert_eq!(first.kind, Some(GroupKind::Free));
    assert_eq!(first.owner.as_ref().unwrap().name, "易安");
    assert_eq!(first.admin_ids.as_deref().unwrap().len(), 5);
    assert_eq!(
        first
            .statistics
            .as_ref()
            .unwrap()
            .members
            .as_ref()
            .unwrap()
            .count,
        Some(9394)
    );
    let paid = list
        .groups
        .iter()
        .find(|g| g.group_id == GroupId::new(48_888_152_588_828))
        .unwrap();
    let validity = paid
        .user_specific
        .as_ref()
        .unwrap()
        .validity
        .as_ref()
        .unwrap();
    assert_eq!(
        validity.end_time.unwrap().to_string(),
        "2025-12-22T00:22:35.398+0800"
    );
    let payment = paid.policies.as_ref().unwrap().payment.as_ref().unwrap();
    assert_eq!(
        (payment.amount, payment.duration.as_deref()),
        (Some(5000), Some("1Y"))
    );

    let detail: GroupDetail = support::response("GET_v2_groups_15555411412112.json");
    let group = detail.group;
    assert_eq!(group.name, "AI私域赚钱");
    assert_eq!(group.number, Some(50_620_566));
    assert_eq!(group.kind, Some(GroupKind::Pay));
    assert_eq!(
        group.category.as_ref().unwrap().title.as_deref(),
        Some("其他")
    );
    assert_eq!(
        group.owner.as_ref().unwrap().user_id,
        UserId::new(582_884_445_452_854)
    );
    assert_eq!(
        group.latest_topic_create_time.unwrap().to_string(),
        "2025-12-10T16:25:15.663+0800"
    );
    let topic_counts = group.statistics.as_ref().unwrap().topics.as_ref().unwrap();
    assert_eq!(topic_counts.topics_count, Some(64_159));
    assert_eq!(topic_counts.digests_count, Some(455));
    let membership = group
        .user_specific
        .as_ref()
        .unwrap()
        .membership
        .as_ref()
        .unwrap();
    assert_eq!(
        membership.end_time.unwrap().to_string(),
        "2286-11-21T01:46:39.999+0800"
    );
    let promo = &group.promos.as_deref().unwrap()[0];
    assert_eq!(promo.image_id.get(), 2_855_248_848_118_521);
    assert!(promo.original.is_none());
    assert!(group.extra.contains_key("privileges"));
}

#[test]
fn user_profile() {
    let user: UserResponse = support::response("GET_v3_users_181284822124142.json");
    assert_eq!(user.user.id(), Some(UserId::new(181_284_822_124_142)));
    assert_eq!(user.user.name, "深圳阿狸");
    assert_eq!(user.user.location.as_deref(), Some("广东"));
    assert_eq!(user.user.verified, Some(true));
    assert_eq!(user.user_specific.as_ref().unwrap().followed, Some(false));
    assert_eq!(user.associated_ecommerce, Some(false));
}

#[test]
fn menus_and_read_markers() {
    let menus: MenusList = support::response("GET_v2_groups_15555411412112_menus.json");
    assert_eq!(menus.menus.len(), 19);
    let digests = &menus.menus[0];
    assert_eq!(
        (digests.title.as_str(), digests.preset_type.as_deref()),
        ("精华", Some("digests"))
    );
    assert_eq!(
        digests.latest_topic_create_time.unwrap().to_string(),
        "2025-12-09T10:41:52.726+0800"
    );
    let tag_tab = menus.menus.iter().find(|m| m.title == "#复盘#").unwrap();
    assert_eq!(
        tag_tab.hashtag.as_ref().unwrap().hashtag_id,
        HashtagId::new(28_844_882_581_111)
    );

    let read: MenuReadTimes =
        support::response("GET_v2_groups_15555411412112_menus_last_read_time.json");
    assert_eq!(read.menus.len(), 17);
    assert_eq!(read.menus[0].menu_id, MenuId::new(51_285_448_425_514));
    assert_eq!(
        read.menus[0].last_read_time.to_string(),
        "2025-12-10T13:56:05.119+0800"
    );

    // The PUT body we would build is the one the app sent, byte for byte.
    let body = ReqData::new(MenuReadTimes {
        menus: vec![MenuReadTime {
            last_read_time: Timestamp::parse("2025-12-10T16:27:03.600+0800").unwrap(),
            menu_id: MenuId::new(51_285_448_425_514),
        }],
    });
    let sent = support::read("PUT_v2_groups_15555411412112_menus_last_read_time.request.json");
    assert_eq!(
        serde_json::to_string(&body).unwrap().as_bytes(),
        sent.trim_ascii_end()
    );
    assert_eq!(
        decode_body::<Empty>(&support::read(
            "PUT_v2_groups_15555411412112_menus_last_read_time.json"
        )),
        Ok(Empty)
    );
}

#[test]
fn hashtags_columns_and_staff() {
    let hashtags: HashtagsList = support::response("GET_v2_groups_15555411412112_hashtags.json");
    assert_eq!(hashtags.hashtags.len(), 100);
    let first = &hashtags.hashtags[0];
    assert_eq!(
        (first.hashtag_id.get(), first.name(), first.topics_count),
        (15_514_284_488_142, "小项目", Some(1633))
    );
    assert_eq!(
        first.owner.as_ref().unwrap().user_id,
        UserId::new(582_884_445_452_854)
    );
    assert_eq!(first.properties.as_ref().unwrap().privileged, Some(true));
    let bare = hashtags
        .hashtags
        .iter()
        .find(|h| h.name() == "AI写作")
        .unwrap();
    assert!(bare.properties.is_none());

    let columns: ColumnsList = support::response("GET_v2_groups_15555411412112_columns.json");
    assert_eq!(columns.columns.len(), 16);
    let column = &columns.columns[0];
    assert_eq!(
        (column.column_id.get(), column.name.as_str()),
        (518_528_184_554, "新手入门指南")
    );
    assert_eq!(column.statistics.as_ref().unwrap().topics_count, Some(7));
    assert_eq!(
        column.create_time.unwrap().to_string(),
        "2025-02-02T22:23:19.070+0800"
    );
    let summary: ColumnsSummary =
        support::response("GET_v2_groups_15555411412112_columns_summary.json");
    assert!(summary.has_columns);
    assert_eq!(summary.title.as_deref(), Some("精品专栏加微330517251"));

    let staff: RoleMembers = support::response("GET_v2_groups_15555411412112_role_members.json");
    let owner = staff.owner.as_ref().unwrap();
    assert_eq!((owner.name.as_str(), owner.number), ("深圳大冲", Some(1)));
    assert_eq!(
        owner.expired_time.unwrap().to_string(),
        "2286-11-21T01:46:39.999+0800"
    );
    assert_eq!(staff.partners.as_deref().unwrap().len(), 5);
    assert_eq!(staff.guests.as_deref().unwrap().len(), 11);
}

#[test]
fn unread_counts_and_questions_brief() {
    let unread: UnreadTopicCounts = support::response("GET_v2_groups_unread_topics_count.json");
    assert_eq!(unread.groups.len(), 7);
    let busiest = unread.groups.iter().max_by_key(|g| g.count).unwrap();
    assert_eq!(
        (busiest.group_id.get(), busiest.count),
        (28_888_881_514_141, 283)
    );
    let brief: UnansweredQuestionsBrief =
        support::response("GET_v2_users_self_unanswered_questions_brief.json");
    assert_eq!(brief.unanswered_count, 0);
}

#[test]
fn dynamics_carry_topics_and_notices() {
    let general: DynamicsList = support::response("GET_v2_dynamics__scope_general__count_1.json");
    let dynamic = &general.dynamics[0];
    assert_eq!(dynamic.dynamic_id.get(), 14_488_185_142_558_852);
    assert!(dynamic.dynamic_id.get() > FLOAT_SAFE_LIMIT);
    assert_eq!(dynamic.action, "create_topic");
    assert_eq!(
        dynamic.create_time.unwrap().to_string(),
        "2025-12-10T16:17:29.266+0800"
    );
    let topic = dynamic.topic.as_ref().unwrap();
    assert_eq!(topic.topic_id.get(), 55_188_152_848_151_414);
    assert_eq!(topic.text(), Some("AI网站全球榜单！"));
    assert_eq!(topic.owner().unwrap().name, "纯洁的微笑");
    // The notification's copy of the topic is sparse: no dates, no digest flag.
    assert!(topic.create_time.is_none() && topic.digested.is_none());
    assert_eq!(
        topic.images()[0].original.as_ref().unwrap().size,
        Some(1_322_296)
    );
    assert_eq!(dynamic.group.as_ref().unwrap().name, "AI前沿信息");

    let notices: DynamicsList =
        support::response("GET_v2_dynamics__scope_group_assistant__count_10.json");
    assert_eq!(notices.dynamics.len(), 2);
    for notice in &notices.dynamics {
        assert_eq!(notice.action, "notice");
        assert_eq!(notice.kind.as_deref(), Some("service_notice"));
        assert_eq!(notice.prominent, Some(true));
        assert!(
            notice
                .text
                .as_deref()
                .unwrap()
                .starts_with("🎉 恭喜！你的星球荣登「畅销榜」")
        );
        assert!(notice.topic.is_none());
    }
}

#[test]
fn write_bodies_match_the_captured_requests() {
    let answer: ReqData<AnswerRequest> =
        serde_json::from_slice(&support::read("POST_v2_topics_ID_answer.request.json")).unwrap();
    assert_eq!(answer, AnswerRequest::text("<answer text>"));
    assert_eq!(
        serde_json::to_string(&answer).unwrap().as_bytes(),
        support::read("POST_v2_topics_ID_answer.request.json").trim_ascii_end()
    );
    // Plain `<` in a text is not markup.
    assert_eq!(
        rich_text::parse(&answer.req_data.text),
        vec![Node::Text("<answer text>".into())]
    );

    let comment: ReqData<CommentRequest> =
        serde_json::from_slice(&support::read("POST_v2_topics_ID_comments.request.json")).unwrap();
    assert_eq!(comment.req_data.text, "自己去百度！\n");
    assert!(comment.req_data.image_ids.is_empty());
    assert_eq!(comment.req_data.silenced, Some(false));
    assert_eq!(comment.req_data.mentioned_user_ids, None);
}

#[test]
fn error_envelopes_map_to_api_errors() {
    let envelopes = support::json("error_envelopes.json");
    let decode = |key: &str| {
        let body = serde_json::to_vec(&envelopes[key]).unwrap();
        decode_body::<TopicsPage>(&body).unwrap_err()
    };
    let too_old = decode("code_1002_wbsabc_zsxq-spider_issue16");
    assert_eq!(too_old, ApiError::ApiVersionTooOld);
    assert!(!too_old.retryable());
    let not_joined = decode("code_52010_yiancode_zsxq-sdk_native-api");
    assert_eq!(
        not_joined,
        ApiError::Other {
            code: Some(52010),
            message: Some("未报名参加该打卡任务".into())
        }
    );
    assert_eq!(not_joined.code(), Some(52010));
    assert!(!not_joined.retryable());
}
