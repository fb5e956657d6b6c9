//! The HTTP client against `zsxq-sim` over real HTTP on loopback: every endpoint, every error
//! code and injected fault, and a full walk of each circle with the inclusive-cursor pager.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use crate::support::{ATTEMPTS, client, client_with, sim, sim_with};
use zsxq::client::{
    CommentsQuery, DynamicsScope, RetryPolicy, TopicPager, TopicScope, TopicSource, TopicsQuery,
};
use zsxq::{
    AccessToken, AnswerRequest, ApiError, Client, CommentRequest, CreateTalkRequest, GroupId,
    MenuReadTime, MenuReadTimes, Topic, TopicBody, TopicKind,
};
use zsxq_sim::{Faults, SimConfig};

/// A download limit above every file the simulator serves (at most about 4 MB).
const DOWNLOAD_LIMIT: u64 = 8 * 1024 * 1024;

/// The ids of the circles `/v2/groups` lists.
async fn group_ids(client: &Client) -> Vec<GroupId> {
    let groups = client.groups().await.unwrap().data.groups;
    assert!(!groups.is_empty());
    groups.iter().map(|g| g.group_id).collect()
}

/// The first page of a circle's topics.
async fn first_page(client: &Client, group: GroupId, scope: TopicScope) -> Vec<Topic> {
    let query = TopicsQuery::new(scope).count(30);
    client.topics(group, &query).await.unwrap().data.topics
}

/// Every topic of every circle, walked with the pager.
async fn all_topics(client: &Client) -> Vec<Topic> {
    let mut all = Vec::new();
    for group in group_ids(client).await {
        let pager = TopicPager::new(
            client,
            TopicSource::Group {
                group,
                scope: TopicScope::All,
            },
        );
        all.extend(pager.collect_all().await.unwrap());
    }
    all
}

#[tokio::test]
async fn account_and_group_endpoints() {
    let sim = sim(Faults::default()).await;
    let client = client(&sim);

    let me = client.self_user().await.unwrap();
    assert!(!me.data.user.name.is_empty());

    let (mut hashtags, mut columns) = (0, 0);
    let groups = group_ids(&client).await;
    for &group in &groups {
        let detail = client.group(group).await.unwrap().data;
        assert_eq!(detail.group.group_id, group);
        hashtags += client.hashtags(group).await.unwrap().data.hashtags.len();
        columns += client.columns(group).await.unwrap().data.columns.len();
        let menus = client.menus(group).await.unwrap().data;
        assert!(!menus.menus.is_empty(), "every circle has tabs");
    }
    assert!(hashtags > 0 && columns > 0);
    let unread = client.unread_topic_counts().await.unwrap().data;
    assert!(unread.groups.iter().all(|g| groups.contains(&g.group_id)));
    // The user owns a circle with questions waiting for an answer.
    let brief = client.unanswered_questions_brief().await.unwrap().data;
    assert!(brief.unanswered_count > 0);
    for scope in [DynamicsScope::General, DynamicsScope::RelatedReplies] {
        let dynamics = client.dynamics(scope, 10, None).await.unwrap().data;
        assert!(dynamics.dynamics.len() <= 10);
    }
    sim.shutdown().await;
}

/// The account-wide question lists the notifications poll (issue 18): my questions across the
/// circles, answered or waiting, and the questions asked of me; newest first, `end_time`
/// inclusive, `filter` honoured.
#[tokio::test]
async fn my_questions_and_the_questions_for_me_across_circles() {
    let sim = sim(Faults::default()).await;
    let client = client(&sim);
    let me = client.self_user().await.unwrap().data.user.id().unwrap();
    let asker = |t: &Topic| {
        t.question
            .as_ref()
            .and_then(|q| q.owner.as_ref())
            .map(|u| u.user_id)
    };
    let asked = |t: &Topic| {
        t.question
            .as_ref()
            .and_then(|q| q.questionee.as_ref())
            .map(|u| u.user_id)
    };

    let all = client
        .my_questions(None, 30, None)
        .await
        .unwrap()
        .data
        .topics;
    assert!(!all.is_empty(), "the demo account asked questions");
    // An anonymous question names no asker, even to its asker: only this list says it is
    // mine, so "my question got an answer" cannot come from matching owners in circle syncs.
    let anonymous = |t: &Topic| t.question.as_ref().and_then(|q| q.anonymous) == Some(true);
    assert!(all.iter().all(|t| t.kind == TopicKind::QuestionAnswer
        && (asker(t) == Some(me) || (anonymous(t) && asker(t).is_none()))));
    let times: Vec<_> = all.iter().map(|t| t.create_time).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    for answered in [true, false] {
        let page = client
            .my_questions(Some(answered), 30, None)
            .await
            .unwrap()
            .data
            .topics;
        assert!(
            page.iter().all(|t| t.answered == Some(answered)),
            "filter {answered}"
        );
    }
    // end_time is inclusive: from the second question's time, it comes first again.
    if let Some(second) = all.get(1) {
        let from = client
            .my_questions(None, 30, second.create_time)
            .await
            .unwrap()
            .data
            .topics;
        assert_eq!(from.first().map(|t| t.topic_id), Some(second.topic_id));
    }

    let waiting = client
        .questions_for_me(Some(false), 30, None)
        .await
        .unwrap()
        .data
        .topics;
    assert!(
        !waiting.is_empty(),
        "the demo account owns a circle with questions waiting"
    );
    assert!(
        waiting
            .iter()
            .all(|t| asked(t) == Some(me) && t.answered != Some(true))
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn x_expire_in_reaches_the_caller() {
    let sim = sim(Faults::default()).await;
    let client = client(&sim);
    assert_eq!(client.expires_in(), None);
    let first = client.self_user().await.unwrap().expires_in.unwrap();
    let second = client.groups().await.unwrap().expires_in.unwrap();
    assert!(second <= first, "the lifetime counts down");
    assert_eq!(client.expires_in(), Some(second));
    sim.shutdown().await;
}

#[tokio::test]
async fn topic_lists_of_every_scope_honour_count_and_bounds() {
    let sim = sim(Faults::default()).await;
    let client = client(&sim);
    let group = group_ids(&client).await[0];
    for scope in [
        TopicScope::All,
        TopicScope::Digests,
        TopicScope::ByOwner,
        TopicScope::Questions,
        TopicScope::Tasks,
        TopicScope::UnansweredQuestions,
    ] {
        let query = TopicsQuery::new(scope).count(5);
        let page = client.topics(group, &query).await.unwrap().data.topics;
        assert!(page.len() <= 5, "{scope:?}");
        let kinds_ok = page.iter().all(|t| match scope {
            TopicScope::Questions | TopicScope::UnansweredQuestions => {
                t.kind == TopicKind::QuestionAnswer
            }
            TopicScope::Tasks => t.kind == TopicKind::Task,
            TopicScope::Digests => t.is_digested(),
            _ => true,
        });
        assert!(kinds_ok, "{scope:?} returned topics outside the scope");
    }

    // end_time is inclusive: asking from the 5th topic's time returns it first again.
    let page = first_page(&client, group, TopicScope::All).await;
    let fifth = &page[4];
    let from = client
        .topics(
            group,
            &TopicsQuery::new(TopicScope::All)
                .count(5)
                .end_time(fifth.create_time.unwrap()),
        )
        .await
        .unwrap()
        .data
        .topics;
    assert!(from.iter().any(|t| t.topic_id == fifth.topic_id));
    assert!(from.iter().all(|t| t.create_time <= fifth.create_time));

    // begin_time bounds from below.
    let newest = page[0].create_time.unwrap();
    let newer = client
        .topics(
            group,
            &TopicsQuery::new(TopicScope::All)
                .count(1)
                .begin_time(newest),
        )
        .await
        .unwrap()
        .data
        .topics;
    assert!(newer.iter().all(|t| t.create_time >= Some(newest)));
    sim.shutdown().await;
}

#[tokio::test]
async fn topic_detail_comments_hashtags_and_columns() {
    let sim = sim(Faults::default()).await;
    let client = client(&sim);
    let groups = group_ids(&client).await;

    // A single topic, by id, with its full text.
    let listed = first_page(&client, groups[0], TopicScope::All).await;
    let one = client.topic(listed[0].topic_id).await.unwrap().data;
    assert_eq!(one.topic_id, listed[0].topic_id);

    // Comments, oldest first, paged with an inclusive begin_time.
    let commented = listed
        .iter()
        .find(|t| t.comments_count.unwrap_or(0) > 0)
        .expect("a commented topic on the first page");
    let page = client
        .comments(commented.topic_id, &CommentsQuery::default())
        .await
        .unwrap()
        .data
        .comments;
    assert!(!page.is_empty());
    let times: Vec<_> = page.iter().map(|c| c.create_time).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "ascending");
    let last = page.last().unwrap();
    let next = client
        .comments(
            commented.topic_id,
            &CommentsQuery::from(last.create_time.unwrap()),
        )
        .await
        .unwrap()
        .data
        .comments;
    assert!(next.iter().all(|c| c.create_time >= last.create_time));

    // Hashtag and column lists.
    let mut hashtag_topics = 0;
    let mut column_topics = 0;
    for &group in &groups {
        if let Some(tag) = client.hashtags(group).await.unwrap().data.hashtags.first() {
            let topics = client
                .hashtag_topics(tag.hashtag_id, 10, None)
                .await
                .unwrap()
                .data
                .topics;
            hashtag_topics += topics.len();
        }
        if let Some(column) = client.columns(group).await.unwrap().data.columns.first() {
            let topics = client
                .column_topics(group, column.column_id, 10, None)
                .await
                .unwrap()
                .data
                .topics;
            column_topics += topics.len();
        }
    }
    assert!(hashtag_topics > 0);
    assert!(column_topics > 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn read_markers_round_trip() {
    let sim = sim(Faults::default()).await;
    let client = client(&sim);
    let group = group_ids(&client).await[0];
    let before = client.last_read_times(group).await.unwrap().data;
    let menu = client.menus(group).await.unwrap().data.menus[0].menu_id;
    let newest = first_page(&client, group, TopicScope::All).await[0]
        .create_time
        .unwrap();
    let markers = MenuReadTimes {
        menus: vec![MenuReadTime {
            last_read_time: newest,
            menu_id: menu,
        }],
    };
    client.set_last_read_times(group, &markers).await.unwrap();
    let after = client.last_read_times(group).await.unwrap().data;
    assert!(
        after
            .menus
            .iter()
            .any(|m| m.menu_id == menu && m.last_read_time == newest),
        "{before:?} → {after:?}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn files_and_articles() {
    let sim = sim(Faults::default()).await;
    let client = client(&sim);
    let topics = all_topics(&client).await;

    let article_url = topics
        .iter()
        .find_map(|t| match t.body() {
            TopicBody::Talk(talk) => talk.article.as_ref()?.article_url.clone(),
            _ => None,
        })
        .expect("the demo has articles");
    let html = client.article_html(&article_url).await.unwrap().data;
    assert!(html.contains('<'), "an HTML page");

    // The service's own article host is re-pointed at the simulator (`/articles/…`).
    let page = article_url.rsplit('/').next().unwrap();
    let real = format!("https://articles.zsxq.com/{page}");
    let before = sim.requests().route("GET /articles/{page}");
    assert_eq!(client.article_html(&real).await.unwrap().data, html);
    assert_eq!(sim.requests().route("GET /articles/{page}"), before + 1);

    // Only http(s) is fetched, and nothing is sent for anything else.
    let before = sim.requests().total;
    for bad in [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "/articles/x.html",
    ] {
        assert!(matches!(
            client.article_html(bad).await,
            Err(ApiError::UnsupportedUrl { .. })
        ));
    }
    assert_eq!(sim.requests().total, before);

    let files: Vec<_> = topics
        .iter()
        .filter_map(|t| match t.body() {
            TopicBody::Talk(talk) => talk.files.clone(),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(!files.is_empty(), "the demo has files");
    let mut downloadable = 0;
    let mut mobile_only = 0;
    for file in &files {
        match client.file_download_url(file.file_id).await {
            Ok(url) => {
                let bytes = client.media(&url.data, DOWNLOAD_LIMIT).await.unwrap().data;
                assert!(
                    String::from_utf8_lossy(&bytes).contains(&file.name),
                    "the sim's file names itself"
                );
                downloadable += 1;
            }
            Err(ApiError::MobileOnlyFile) => mobile_only += 1,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert!(downloadable > 0);
    assert_eq!(downloadable + mobile_only, files.len());

    // Images come as the bytes the sim renders, PNG, over the same pacing.
    let image = topics
        .iter()
        .find_map(|t| match t.body() {
            TopicBody::Talk(talk) => talk.images.as_ref()?.first().cloned(),
            _ => None,
        })
        .expect("the demo has images");
    let png = client
        .media(&image.large.url, DOWNLOAD_LIMIT)
        .await
        .unwrap()
        .data;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG image");
    assert!(matches!(
        client.media("javascript:alert(1)", DOWNLOAD_LIMIT).await,
        Err(ApiError::UnsupportedUrl { .. })
    ));
    sim.shutdown().await;
}

#[tokio::test]
async fn mobile_only_files_surface_code_1030() {
    // Find an ordinary file first, paging only as far as needed.
    let probe = sim(Faults::default()).await;
    let probe_client = client(&probe);
    let mut file = None;
    'circles: for group in group_ids(&probe_client).await {
        let source = TopicSource::Group {
            group,
            scope: TopicScope::All,
        };
        let mut pager = TopicPager::new(&probe_client, source).page_size(30);
        while let Some(page) = pager.next_page().await.unwrap() {
            file = page.data.topics.iter().find_map(|t| match t.body() {
                TopicBody::Talk(talk) => Some(talk.files.as_ref()?.first()?.file_id),
                _ => None,
            });
            if file.is_some() {
                break 'circles;
            }
        }
    }
    let file = file.expect("the demo has files");
    assert!(probe_client.file_download_url(file).await.is_ok());
    probe.shutdown().await;

    let sim = sim_with(SimConfig {
        mobile_only_files: vec![file.get()],
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim);
    let before = sim.requests().total;
    assert_eq!(
        client.file_download_url(file).await,
        Err(ApiError::MobileOnlyFile)
    );
    assert_eq!(sim.requests().total - before, 1, "1030 is not retried");
    sim.shutdown().await;
}

#[tokio::test]
async fn writes_post_answer_comment_reply_and_like() {
    let sim = sim(Faults::default()).await;
    let client = client(&sim);
    let groups = group_ids(&client).await;
    let group = groups[0];
    let before = sim.truth().circle(group.get()).unwrap().clone();

    let created = client
        .create_talk(group, &CreateTalkRequest::text("来自 Orrery 的测试"))
        .await
        .unwrap()
        .data
        .expect("the simulator echoes the new topic");
    let newest = first_page(&client, group, TopicScope::All).await;
    assert_eq!(newest[0].topic_id, created.topic_id, "the newest topic");
    assert_eq!(newest[0].text(), Some("来自 Orrery 的测试"));
    let talk = created.topic_id;

    let first = client
        .comment(talk, &CommentRequest::text("第一条评论"))
        .await
        .unwrap()
        .data
        .expect("the simulator echoes the new comment");
    let mut reply = CommentRequest::text("回复");
    reply.req_data.replied_comment_id = Some(first.comment_id);
    let reply = client.comment(talk, &reply).await.unwrap().data.unwrap();
    assert_eq!(reply.parent_comment_id, Some(first.comment_id));
    let comments = client
        .comments(talk, &CommentsQuery::default())
        .await
        .unwrap()
        .data
        .comments;
    assert!(comments.iter().any(|c| c.comment_id == first.comment_id));

    client.like(talk).await.unwrap();
    client.like(talk).await.unwrap();
    let liked = client.topic(talk).await.unwrap().data;
    assert_eq!(liked.likes_count, Some(1), "liking twice leaves one like");

    let after = sim.truth().circle(group.get()).unwrap().clone();
    assert_eq!(after.topics, before.topics + 1);
    assert_eq!(after.comments, before.comments + 2);

    // Answer a question waiting in a circle the user owns.
    let mut answered = false;
    for &group in &groups {
        let waiting = first_page(&client, group, TopicScope::UnansweredQuestions).await;
        if let Some(question) = waiting.first() {
            client
                .answer(question.topic_id, &AnswerRequest::text("这是回答"))
                .await
                .unwrap();
            let again = client
                .answer(question.topic_id, &AnswerRequest::text("再答一次"))
                .await;
            assert!(again.is_err(), "a question is answered once");
            let topic = client.topic(question.topic_id).await.unwrap().data;
            assert_eq!(topic.answered, Some(true));
            answered = true;
            break;
        }
    }
    assert!(answered, "the demo has questions waiting for the user");
    sim.shutdown().await;
}

#[tokio::test]
async fn injected_1059_5xx_and_truncation_are_retried_to_success() {
    for faults in [
        Faults {
            p_1059: 0.3,
            ..Faults::default()
        },
        Faults {
            p_5xx: 0.3,
            ..Faults::default()
        },
        Faults {
            p_truncate: 0.3,
            ..Faults::default()
        },
        Faults {
            p_1059: 0.15,
            p_5xx: 0.1,
            p_truncate: 0.1,
            ..Faults::default()
        },
    ] {
        let sim = sim(faults.clone()).await;
        let client = client(&sim);
        let mut calls = 1;
        for group in group_ids(&client).await {
            for scope in [TopicScope::All, TopicScope::Digests, TopicScope::Questions] {
                first_page(&client, group, scope).await;
                calls += 1;
            }
        }
        for _ in 0..30 {
            client.self_user().await.unwrap();
            calls += 1;
        }
        let sent = client.pacing_stats().requests;
        assert_eq!(sim.requests().total, sent, "{faults:?}");
        assert!(
            sent > calls,
            "{faults:?}: some attempts failed and were retried"
        );
        sim.shutdown().await;
    }
}

#[tokio::test]
async fn failures_outlasting_the_retry_budget_surface() {
    let sim = sim(Faults {
        p_1059: 1.0,
        ..Faults::default()
    })
    .await;
    let client = client_with(&sim, RetryPolicy::immediate(3));
    assert!(matches!(
        client.groups().await,
        Err(ApiError::Throttled { .. })
    ));
    assert_eq!(sim.requests().total, 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn unauthorized_is_not_retried_and_never_shows_the_token() {
    let sim = sim(Faults {
        unauthorized_after: Some(1),
        ..Faults::default()
    })
    .await;
    let client = client(&sim);
    client.self_user().await.unwrap();
    let err = client.groups().await.unwrap_err();
    assert_eq!(err, ApiError::Unauthorized);
    assert_eq!(sim.requests().total, 2, "401 is not retried");

    let token = sim.token().to_owned();
    for text in [
        err.to_string(),
        format!("{err:?}"),
        format!("{client:?}"),
        format!("{:?}", client.config()),
        format!("{:?}", AccessToken::new(token.as_str()).unwrap()),
    ] {
        assert!(!text.contains(&token), "{text}");
    }

    // A fresh sign-in works again.
    let fresh = AccessToken::new(sim.issue_token()).unwrap();
    let client = Client::new(client.config().clone(), fresh).unwrap();
    client.groups().await.unwrap();
    sim.shutdown().await;
}

#[tokio::test]
async fn an_expired_membership_is_14210_and_not_retried() {
    let probe = sim(Faults::default()).await;
    let group = group_ids(&client(&probe)).await[1];
    probe.shutdown().await;

    let sim = sim(Faults {
        expired_circle: Some(group.get()),
        ..Faults::default()
    })
    .await;
    let client = client(&sim);
    let before = sim.requests().total;
    let result = client
        .topics(group, &TopicsQuery::new(TopicScope::All))
        .await;
    assert_eq!(result.unwrap_err(), ApiError::MembershipExpired);
    assert_eq!(sim.requests().total - before, 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn writes_refused_with_429_are_retried_then_surface() {
    let sim = sim(Faults {
        writes_429: true,
        ..Faults::default()
    })
    .await;
    let client = client_with(&sim, RetryPolicy::immediate(3));
    let group = group_ids(&client).await[0];
    let before = sim.requests().total;
    let result = client
        .create_talk(group, &CreateTalkRequest::text("太快了"))
        .await;
    assert_eq!(result.unwrap_err(), ApiError::TooFrequent);
    assert_eq!(
        sim.requests().total - before,
        3,
        "429 is a refusal: retried"
    );
    let topics = sim.truth().circle(group.get()).unwrap().topics;

    // Once the limit lifts, the same write goes through.
    sim.set_faults(Faults::default());
    client
        .create_talk(group, &CreateTalkRequest::text("慢一点"))
        .await
        .unwrap();
    assert_eq!(sim.truth().circle(group.get()).unwrap().topics, topics + 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn the_pager_walks_every_circle_exactly_once() {
    let sim = sim(Faults::default()).await;
    let client = client(&sim);
    let truth = sim.truth();
    for group in group_ids(&client).await {
        let mut pager = TopicPager::new(
            &client,
            TopicSource::Group {
                group,
                scope: TopicScope::All,
            },
        );
        let mut ids = Vec::new();
        while let Some(page) = pager.next_page().await.unwrap() {
            assert!(page.expires_in.is_some());
            ids.extend(page.data.topics.iter().map(|t| t.topic_id));
        }
        let unique: HashSet<_> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "no duplicates in {group}");
        let expected = truth.circle(group.get()).unwrap().topics;
        assert_eq!(ids.len() as u64, expected, "every topic of {group}");
        assert_eq!(pager.stuck_milliseconds(), 0);
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn the_pager_survives_faults_and_same_millisecond_runs() {
    let sim = sim_with(SimConfig {
        dataset: zsxq_sim::Dataset::Generated(3_000),
        faults: Faults {
            p_1059: 0.1,
            p_5xx: 0.05,
            p_truncate: 0.05,
            ..Faults::default()
        },
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim);
    let topics = all_topics(&client).await;
    let unique: HashSet<_> = topics.iter().map(|t| t.topic_id).collect();
    assert_eq!(unique.len(), topics.len());
    assert_eq!(topics.len() as u64, sim.truth().topics());
    // The dataset has runs of topics sharing one millisecond; all of them were found.
    let mut times: Vec<_> = topics.iter().filter_map(|t| t.create_time).collect();
    let total = times.len();
    times.dedup();
    assert!(
        times.len() < total,
        "the dataset has same-millisecond topics"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn clones_share_one_pacing_budget() {
    let sim = sim(Faults::default()).await;
    let client = client(&sim);
    let clone = client.clone();
    let (a, b) = tokio::join!(client.groups(), clone.self_user());
    a.unwrap();
    b.unwrap();
    assert_eq!(client.pacing_stats().requests, 2);
    assert_eq!(clone.pacing_stats().requests, 2);
    sim.shutdown().await;
}

/// Every request refused with 1059: after four refusals in a row the account rests (minutes
/// by default; a moment here) before the next attempt, once per burst.
#[tokio::test]
async fn a_burst_of_refusals_rests_the_account() {
    let sim = sim(Faults {
        p_1059: 1.0,
        ..Faults::default()
    })
    .await;
    let config = zsxq::ClientConfig {
        retry: RetryPolicy::immediate(6),
        pacing: zsxq::Pacing {
            refusals_before_rest: std::num::NonZeroU32::new(4),
            refusal_rest: std::time::Duration::from_millis(20),
            ..zsxq::Pacing::none()
        },
        ..orrery_testkit::unpaced(sim.base_url())
    };
    let client = orrery_testkit::client_as(config, sim.token());
    let err = client.groups().await.unwrap_err();
    assert!(matches!(err, ApiError::Throttled { .. }), "{err}");
    let stats = client.pacing_stats();
    assert_eq!((stats.requests, stats.refusal_rests), (6, 1));
    // A success ends the burst: the next refusals start counting again.
    sim.set_faults(Faults::default());
    client.groups().await.unwrap();
    assert_eq!(client.pacing_stats().refusal_rests, 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn attempts_are_bounded_by_the_policy() {
    let sim = sim(Faults {
        p_5xx: 1.0,
        ..Faults::default()
    })
    .await;
    let client = client(&sim);
    let err = client.groups().await.unwrap_err();
    assert!(matches!(err, ApiError::Http { status, .. } if status >= 500));
    assert_eq!(sim.requests().total, u64::from(ATTEMPTS));
    sim.shutdown().await;
}

/// A download that fails named its whole signed URL (reqwest puts the URL in its message):
/// the query's token reached logs and the screen.
#[tokio::test]
async fn a_failed_download_does_not_name_its_signed_url() {
    let sim = sim(Faults::default()).await;
    let client = client_with(&sim, RetryPolicy::never());
    // A loopback port nobody listens on: the connection is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url = format!("http://127.0.0.1:{port}/a.jpg?e=1924963199&token=SIGNED-SECRET");
    let err = client.media(&url, DOWNLOAD_LIMIT).await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, ApiError::Transport { .. }), "{err:?}");
    assert!(!message.contains("SIGNED-SECRET"), "{message}");
    assert!(!format!("{err:?}").contains("SIGNED-SECRET"), "{err:?}");
    sim.shutdown().await;
}
