//! What to simulate: [`SimConfig`] with its [`Dataset`], [`Faults`] and [`HeaderChecks`].

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// Everything that decides what a simulator serves.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The circles and topics to serve.
    pub dataset: Dataset,
    /// Seeds every generated value: the same seed gives the same data on every platform.
    pub seed: u64,
    /// Failures to inject; none by default.
    pub faults: Faults,
    /// How the request headers are checked, as the service checks them: by default a missing
    /// `x-version` is refused and an unsigned request is refused now and then.
    pub headers: HeaderChecks,
    /// Simulated activity (new topics, comments, answers) per minute of wall time; `0` is off.
    pub activity_per_min: f64,
    /// Files whose download URL is refused with code 1030 (此文件只能在手机端下载), in addition
    /// to the dataset's videos, which are always mobile-only.
    pub mobile_only_files: Vec<i64>,
    /// Generated timelines end just before this instant (unix milliseconds). `None` keeps the
    /// fixed default (2025-12-10), so tests and truth files are the same on every day; the
    /// app's demo passes today, so the circles it shows look current.
    pub newest_ms: Option<i64>,
    /// A deliberate stress, off by default because the real service may not show it: about
    /// one generated topic in 25 (one in 7 of `hostile`) shares its `create_time` with the
    /// topic before, so runs of equal milliseconds straddle page boundaries and a client that
    /// pages with `end_time` minus 1 ms loses topics. The test kit turns it on.
    pub same_millisecond_runs: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            dataset: Dataset::Demo,
            seed: 42,
            faults: Faults::default(),
            headers: HeaderChecks::default(),
            activity_per_min: 0.0,
            mobile_only_files: Vec::new(),
            newest_ms: None,
            same_millisecond_runs: false,
        }
    }
}

/// The data a simulator serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dataset {
    /// Four realistic Chinese circles, a few thousand topics of every kind (`demo`).
    Demo,
    /// `N` generated topics over three circles, rendered on demand (`generated:N`); up to
    /// millions without holding their content in memory.
    Generated(u64),
    /// `topics` generated topics over `circles` circles (`generated:N:C`, C from 1 to
    /// [`MAX_GENERATED_CIRCLES`]), as [`Dataset::Generated`] does over three: the circles take
    /// the four themes in turn, a theme's second circle named as its second cohort (二期).
    GeneratedCircles {
        /// Topics in all circles, split evenly.
        topics: u64,
        /// How many circles.
        circles: u16,
    },
    /// One topic per line of a JSON Lines file (`jsonl:PATH`): at least `text`; optionally
    /// `group_id`, `topic_id`, `type`, `create_time`, `author`. The rest is generated.
    Jsonl(PathBuf),
    /// Two small circles (about fifty topics of every kind, with comments and replies) whose
    /// every displayed string carries an XSS payload (`hostile`); see [`crate::hostile`].
    Hostile,
}

/// The largest `generated:N`: ids and comment ids encode the topic's position in 32 bits.
pub const MAX_GENERATED_TOPICS: u64 = 50_000_000;

/// The most circles of `generated:N:C`.
pub const MAX_GENERATED_CIRCLES: u16 = 16;

/// Why a dataset name could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown dataset “{0}”: expected demo, hostile, generated:N (N ≤ {MAX_GENERATED_TOPICS}), generated:N:C (C circles, 1 ≤ C ≤ {MAX_GENERATED_CIRCLES}) or jsonl:PATH"
)]
pub struct DatasetParseError(String);

impl FromStr for Dataset {
    type Err = DatasetParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DatasetParseError(s.to_owned());
        match s {
            "demo" => return Ok(Self::Demo),
            "hostile" => return Ok(Self::Hostile),
            _ => {}
        }
        if let Some(rest) = s.strip_prefix("generated:") {
            let (n, circles) = match rest.split_once(':') {
                Some((n, circles)) => (n, Some(circles)),
                None => (rest, None),
            };
            let n: u64 = n.trim().parse().map_err(|_| err())?;
            if n > MAX_GENERATED_TOPICS {
                return Err(err());
            }
            return match circles {
                None => Ok(Self::Generated(n)),
                Some(circles) => match circles.trim().parse::<u16>() {
                    Ok(circles @ 1..=MAX_GENERATED_CIRCLES) => {
                        Ok(Self::GeneratedCircles { topics: n, circles })
                    }
                    _ => Err(err()),
                },
            };
        }
        match s.strip_prefix("jsonl:") {
            Some(path) if !path.is_empty() => Ok(Self::Jsonl(PathBuf::from(path))),
            _ => Err(err()),
        }
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Demo => f.write_str("demo"),
            Self::Generated(n) => write!(f, "generated:{n}"),
            Self::GeneratedCircles { topics, circles } => write!(f, "generated:{topics}:{circles}"),
            Self::Jsonl(path) => write!(f, "jsonl:{}", path.display()),
            Self::Hostile => f.write_str("hostile"),
        }
    }
}

/// Failures to inject. Probabilities are per request, drawn from the seed and the request's
/// sequence number, so a run with the same requests in the same order fails the same way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Chance of the anti-crawler refusal: HTTP 200, code 1059 (不支持非官方工具访问), drawn
    /// for every request, signed or not: whether signing spares a client the service's refusals
    /// is untested (docs/protocol.md §2.4), so back-off is tested against signed clients too.
    pub p_1059: f64,
    /// Chance of an HTTP 5xx (500, 502 or 503) with an HTML body.
    pub p_5xx: f64,
    /// Chance of HTTP 200 with the JSON body cut short.
    pub p_truncate: f64,
    /// Delay before every API response.
    pub latency_ms: u64,
    /// Every write (POST/PUT) is refused with HTTP 429 (操作过于频繁，请稍后重试).
    pub writes_429: bool,
    /// After this many API requests the sign-in is revoked: every request gets HTTP 401 until
    /// a new token is issued with [`crate::SimHandle::issue_token`], which allows as many again.
    pub unauthorized_after: Option<u64>,
    /// This group's topic lists answer code 14210 (membership expired).
    pub expired_circle: Option<i64>,
    /// The circle list says so too: `expired_circle`'s `validity` and `membership` ended a
    /// day ago, as when a paid period ran out. Without it the list still shows the period
    /// running, as when it ended since the list was read.
    pub expired_in_list: bool,
    /// A deliberate stress, not service behaviour: every image and file download is
    /// [`HUGE_MEDIA_BYTES`] (1 GiB) of filler, as from a broken or hostile host. Streamed a
    /// chunk at a time, so the simulator holds no more than one chunk; images come chunked
    /// with no length (only counting the bytes catches them), files with a `Content-Length`
    /// (a client can refuse before reading). Tests a client's size limits.
    pub huge_media: bool,
    /// A deliberate stress, not service behaviour: every image and file download sends its
    /// first bytes, then nothing for [`STALLED_MEDIA_FOR`] with the connection open, then
    /// breaks off. Tests a client's idle timeout between chunks.
    pub stall_media: bool,
    /// A deliberate stress, not service behaviour: the image host is down. Every image (and
    /// avatar) answers HTTP 503 with an HTML page, as a CDN that is out; the API and file
    /// downloads still work. Tests that a dead image host neither fails a circle nor costs a
    /// retry per image.
    pub dead_images: bool,
    /// A deliberate stress, not service behaviour: every whole image and file download breaks
    /// off half way (a flaky network); an answer to a `Range` request comes whole. Tests that
    /// a client resumes instead of starting over.
    pub cut_media: bool,
}

/// The size of every download under [`Faults::huge_media`]: 1 GiB, the "image" that once
/// took a sync to 2.1 GB of memory.
pub const HUGE_MEDIA_BYTES: u64 = 1024 * 1024 * 1024;

/// How long a download under [`Faults::stall_media`] stalls: far beyond any client's patience,
/// yet finite, so a simulator shutting down gracefully never waits on it for ever.
pub const STALLED_MEDIA_FOR: Duration = Duration::from_secs(10 * 60);

/// How the simulator checks the web client's headers on every API request, like the service
/// (docs/protocol.md §2, §4; the checks themselves are in `src/signature.rs`):
///
/// * a request without `x-version` is refused as too old (code 1002, "版本太旧"), always;
/// * a request whose `x-signature` is missing or is not the SHA-1 of
///   `http://{Host}{path?query} {x-timestamp} {x-request-id}` as received draws code 1059
///   with probability [`p_unsigned_1059`](Self::p_unsigned_1059) ([`HeaderChecks::strict`]
///   refuses every one);
/// * [`ban_after`](Self::ban_after) such refusals of one token within
///   [`ban_window`](Self::ban_window) revoke that token: HTTP 401 on every request until
///   [`crate::SimHandle::issue_token`] issues a new one, as the service bans tokens that keep
///   hammering through 1059s. Only signature refusals count; the random refusals of
///   [`Faults::p_1059`] do not, so tests of back-off at high fault rates are not banned.
///
/// The numbers are invented: the service's own are not known.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderChecks {
    /// Chance that an API request with a missing or wrong `x-signature` is refused with code
    /// 1059. Default [`DEFAULT_P_UNSIGNED_1059`]; `1.0` is strict, `0.0` lets them all in.
    pub p_unsigned_1059: f64,
    /// Signature refusals of one token within [`ban_window`](Self::ban_window) that get it
    /// banned; `None` never bans. Default [`DEFAULT_BAN_AFTER`].
    pub ban_after: Option<u32>,
    /// How far back refusals count towards a ban, in the simulator's clock (which
    /// [`crate::SimHandle::advance_clock`] moves). Default [`DEFAULT_BAN_WINDOW`].
    pub ban_window: Duration,
}

/// Invented: the share of unsigned requests the service refuses. It refuses them
/// "probabilistically"; one third-party measurement saw about one in four, the docs say about
/// one in five (docs/protocol.md §4).
pub const DEFAULT_P_UNSIGNED_1059: f64 = 0.2;
/// Invented: signature refusals within [`DEFAULT_BAN_WINDOW`] that get a token banned. The
/// service's is only described as "再多试几次" (a few more tries); ten leaves a client that
/// retries five times per call two calls' worth of slack.
pub const DEFAULT_BAN_AFTER: u32 = 10;
/// Invented: "within minutes". One public tool pauses after four such refusals within
/// 20 minutes (docs/protocol.md §6.6); five minutes is kinder, so the sim never bans a client
/// the real service would let through, while a crawler that ignores 1059 is banned in seconds.
pub const DEFAULT_BAN_WINDOW: Duration = Duration::from_secs(5 * 60);

impl Default for HeaderChecks {
    fn default() -> Self {
        Self {
            p_unsigned_1059: DEFAULT_P_UNSIGNED_1059,
            ban_after: Some(DEFAULT_BAN_AFTER),
            ban_window: DEFAULT_BAN_WINDOW,
        }
    }
}

impl HeaderChecks {
    /// Every request with a missing or wrong signature is refused (the test kit's simulators,
    /// so every test whose client gets through proves that it signs); bans as by default.
    pub fn strict() -> Self {
        Self {
            p_unsigned_1059: 1.0,
            ..Self::default()
        }
    }

    /// No signature is checked and nobody is banned; a missing `x-version` is still refused.
    pub fn lenient() -> Self {
        Self {
            p_unsigned_1059: 0.0,
            ban_after: None,
            ..Self::default()
        }
    }
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The simulator only ever listens on loopback.
    #[error("refusing to listen on {0}: the simulator binds loopback addresses (127.0.0.1) only")]
    NotLoopback(std::net::SocketAddr),
    /// Binding the socket failed.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// The dataset could not be loaded (a `jsonl:` file).
    #[error("cannot load dataset {dataset}: {reason}")]
    Dataset {
        /// The dataset.
        dataset: String,
        /// What went wrong.
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datasets_parse_and_print_back() {
        for text in [
            "demo",
            "hostile",
            "generated:1000000",
            "generated:5000:5",
            "jsonl:/tmp/x.jsonl",
        ] {
            let dataset: Dataset = text.parse().expect("valid dataset");
            assert_eq!(dataset.to_string(), text);
        }
        assert_eq!("generated:5".parse(), Ok(Dataset::Generated(5)));
        assert_eq!(
            "generated:500:5".parse(),
            Ok(Dataset::GeneratedCircles {
                topics: 500,
                circles: 5
            })
        );
        for bad in [
            "",
            "Demo",
            "Hostile",
            "hostile:1",
            "generated:",
            "generated:x",
            "generated:5:",
            "generated:5:0",
            "generated:5:17",
            "generated::5",
            "jsonl:",
            "csv:a",
        ] {
            assert!(bad.parse::<Dataset>().is_err(), "{bad}");
        }
    }
}
