//! Bodies the client must not swallow whole (issue 17): API answers over their limit, huge
//! and endless downloads, and downloads that stall half-way, against the simulator's
//! deliberate media stresses (`Faults::huge_media`, `Faults::stall_media`) over real HTTP.
//!
//! Memory is judged by what is observable, never by RSS or time: how many bytes ever reached
//! a sink, and how many sinks were opened.

#![allow(clippy::unwrap_used)]

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{client, sim};
use zsxq::client::{BodySink, ClientConfig, DownloadError, RetryPolicy, TopicScope, TopicsQuery};
use zsxq::{ApiError, Client, TopicBody};
use zsxq_sim::{Faults, HUGE_MEDIA_BYTES, SimHandle};

/// A download limit for the tests: 1 MiB, far below the stress's 1 GiB.
const LIMIT: u64 = 1024 * 1024;

/// The bytes each opened sink received, in the order the sinks were opened.
#[derive(Clone, Default)]
struct Tally(Arc<Mutex<Vec<u64>>>);

impl Tally {
    async fn open(&self) -> Result<Counter, Infallible> {
        let mut sinks = self.0.lock().unwrap();
        sinks.push(0);
        Ok(Counter {
            tally: self.clone(),
            index: sinks.len() - 1,
        })
    }

    fn sinks(&self) -> Vec<u64> {
        self.0.lock().unwrap().clone()
    }
}

/// A sink that keeps nothing but the count.
struct Counter {
    tally: Tally,
    index: usize,
}

impl BodySink for Counter {
    type Error = Infallible;

    async fn write(&mut self, chunk: &[u8]) -> Result<(), Infallible> {
        self.tally.0.lock().unwrap()[self.index] += chunk.len() as u64;
        Ok(())
    }
}

/// The first image and the first file's signed URL the demo's first circle links to, read
/// before any stress is switched on.
async fn media_urls(client: &Client) -> (String, String) {
    let groups = client.groups().await.unwrap().data.groups;
    let mut image = None;
    let mut file = None;
    for group in groups {
        let query = TopicsQuery::new(TopicScope::All).count(30);
        for topic in client
            .topics(group.group_id, &query)
            .await
            .unwrap()
            .data
            .topics
        {
            if let TopicBody::Talk(talk) = topic.body() {
                if image.is_none() {
                    image = talk
                        .images
                        .as_ref()
                        .and_then(|i| i.first())
                        .map(|i| i.large.url.clone());
                }
                for f in talk.files.iter().flatten() {
                    if file.is_none() && !f.name.ends_with(".mp4") {
                        file = Some(client.file_download_url(f.file_id).await.unwrap().data);
                    }
                }
            }
        }
        if let (Some(image), Some(file)) = (&image, &file) {
            return (image.clone(), file.clone());
        }
    }
    panic!("the demo links images and files");
}

fn stressed(sim: &SimHandle, faults: Faults) {
    sim.set_faults(faults);
}

/// A 1 GiB "image" (chunked, no length) took a sync to 2.1 GB of memory: the client read it
/// whole. Now it is cut off where it passes the limit, no byte beyond the limit reaches the
/// sink, and the refusal names the limit but not the signed query.
#[tokio::test]
async fn a_1_gib_image_was_buffered_whole_and_is_now_cut_off_at_the_limit() {
    let sim = sim(Faults::default()).await;
    let client = client(&sim);
    let (image, _) = media_urls(&client).await;
    stressed(
        &sim,
        Faults {
            huge_media: true,
            ..Faults::default()
        },
    );
    let signed = format!("{image}?e=1924963199&token=SIGNED-SECRET");
    let tally = Tally::default();
    let err = client
        .download(&signed, LIMIT, || tally.open())
        .await
        .map(|_| ())
        .unwrap_err();
    // The counting sink cannot fail, so only the service's side can.
    let DownloadError::Api(err) = err;
    assert!(
        matches!(
            &err,
            ApiError::TooLarge {
                what: "a download",
                limit: LIMIT,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("1 MiB"), "{message}");
    assert!(
        !message.contains("SIGNED-SECRET") && !message.contains('?'),
        "{message}"
    );
    // Refused once, not retried; what reached the sink stayed within the limit.
    let sinks = tally.sinks();
    assert_eq!(sinks.len(), 1, "{sinks:?}");
    assert!(sinks[0] <= LIMIT, "{sinks:?}");
    assert!(sinks[0] < HUGE_MEDIA_BYTES);
    // The in-memory path is held to the same limit.
    assert!(matches!(
        client.media(&image, LIMIT).await,
        Err(ApiError::TooLarge { .. })
    ));
    sim.shutdown().await;
}

/// A file whose answer announces more than the limit is refused before a byte is read:
/// no sink is even opened.
#[tokio::test]
async fn a_download_announcing_more_than_its_limit_is_refused_before_reading() {
    let sim = sim(Faults::default()).await;
    let client = client(&sim);
    let (_, file) = media_urls(&client).await;
    stressed(
        &sim,
        Faults {
            huge_media: true,
            ..Faults::default()
        },
    );
    let tally = Tally::default();
    let result = client.download(&file, LIMIT, || tally.open()).await;
    assert!(
        matches!(result, Err(DownloadError::Api(ApiError::TooLarge { .. }))),
        "{:?}",
        result.map(|_| ())
    );
    assert!(tally.sinks().is_empty(), "{:?}", tally.sinks());
    sim.shutdown().await;
}

/// API answers had no limit at all. A client whose limit is below a topic page's size now
/// refuses the page with `TooLarge`, without retrying, and names the path without its query.
#[tokio::test]
async fn an_api_answer_over_its_limit_was_read_whole_and_is_now_refused() {
    let sim = sim(Faults::default()).await;
    let group = client(&sim).groups().await.unwrap().data.groups[0].group_id;
    let config = ClientConfig {
        api_body_limit: 1024,
        retry: RetryPolicy::immediate(4),
        ..orrery_testkit::unpaced(sim.base_url())
    };
    let small = orrery_testkit::client_as(config, sim.token());
    let before = sim.requests().route("GET /v2/groups/{group_id}/topics");
    let err = small
        .topics(group, &TopicsQuery::new(TopicScope::All).count(30))
        .await
        .unwrap_err();
    match &err {
        ApiError::TooLarge { what, url, limit } => {
            assert_eq!(*what, "an API response");
            assert_eq!(*limit, 1024);
            assert!(
                url.ends_with(&format!("/v2/groups/{group}/topics")),
                "{url}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.retryable());
    let after = sim.requests().route("GET /v2/groups/{group_id}/topics");
    assert_eq!(after - before, 1, "refused once, not retried");
    // The default limit lets the same page through.
    let page = client(&sim)
        .topics(group, &TopicsQuery::new(TopicScope::All).count(30))
        .await
        .unwrap();
    assert!(!page.data.topics.is_empty());
    sim.shutdown().await;
}

/// A body that stalls half-way held a download until a timeout meant for whole requests (and
/// a download may not have one: a large file takes long). Now the idle timeout ends it with
/// the timeout error, each retry starts a fresh sink, and none saw more than the first bytes.
#[tokio::test]
async fn a_stalled_download_hung_and_now_ends_with_the_timeout_error() {
    let sim = sim(Faults::default()).await;
    let client = client(&sim);
    let (image, file) = media_urls(&client).await;
    stressed(
        &sim,
        Faults {
            stall_media: true,
            ..Faults::default()
        },
    );
    let config = ClientConfig {
        body_idle_timeout: Duration::from_millis(200),
        // Far longer than the stall test may run: only the idle timeout can end it.
        request_timeout: Duration::from_secs(3600),
        retry: RetryPolicy::immediate(3),
        ..orrery_testkit::unpaced(sim.base_url())
    };
    let patient = orrery_testkit::client_as(config, sim.token());
    for url in [image, file] {
        let tally = Tally::default();
        // A watchdog, not a measurement: without the idle timeout this waits for an hour.
        let result = tokio::time::timeout(
            Duration::from_secs(120),
            patient.download(&url, 64 * LIMIT, || tally.open()),
        )
        .await
        .expect("the stalled download ended");
        assert!(
            matches!(result, Err(DownloadError::Api(ApiError::Timeout))),
            "{:?}",
            result.map(|_| ())
        );
        let sinks = tally.sinks();
        assert_eq!(sinks.len(), 3, "a fresh sink per attempt: {sinks:?}");
        assert!(sinks.iter().all(|&n| n > 0 && n <= 4096), "{sinks:?}");
    }
    sim.shutdown().await;
}
