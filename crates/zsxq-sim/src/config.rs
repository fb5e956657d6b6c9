//! What to simulate: [`SimConfig`] with its [`Dataset`] and [`Faults`].

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Everything that decides what a simulator serves.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The circles and topics to serve.
    pub dataset: Dataset,
    /// Seeds every generated value: the same seed gives the same data on every platform.
    pub seed: u64,
    /// Failures to inject; none by default.
    pub faults: Faults,
    /// Simulated activity (new topics, comments, answers) per minute of wall time; `0` is off.
    pub activity_per_min: f64,
    /// Files whose download URL is refused with code 1030 (此文件只能在手机端下载), in addition
    /// to the dataset's videos, which are always mobile-only.
    pub mobile_only_files: Vec<i64>,
    /// Generated timelines end just before this instant (unix milliseconds). `None` keeps the
    /// fixed default (2025-12-10), so tests and truth files are the same on every day; the
    /// app's demo passes today, so the circles it shows look current.
    pub newest_ms: Option<i64>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            dataset: Dataset::Demo,
            seed: 42,
            faults: Faults::default(),
            activity_per_min: 0.0,
            mobile_only_files: Vec::new(),
            newest_ms: None,
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
    /// One topic per line of a JSON Lines file (`jsonl:PATH`): at least `text`; optionally
    /// `group_id`, `topic_id`, `type`, `create_time`, `author`. The rest is generated.
    Jsonl(PathBuf),
    /// Two small circles (about fifty topics of every kind, with comments and replies) whose
    /// every displayed string carries an XSS payload (`hostile`); see [`crate::hostile`].
    Hostile,
}

/// The largest `generated:N`: ids and comment ids encode the topic's position in 32 bits.
pub const MAX_GENERATED_TOPICS: u64 = 50_000_000;

/// Why a dataset name could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown dataset “{0}”: expected demo, hostile, generated:N (N ≤ {MAX_GENERATED_TOPICS}) or jsonl:PATH"
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
        if let Some(n) = s.strip_prefix("generated:") {
            let n: u64 = n.trim().parse().map_err(|_| err())?;
            return if n <= MAX_GENERATED_TOPICS {
                Ok(Self::Generated(n))
            } else {
                Err(err())
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
            Self::Jsonl(path) => write!(f, "jsonl:{}", path.display()),
            Self::Hostile => f.write_str("hostile"),
        }
    }
}

/// Failures to inject. Probabilities are per request, drawn from the seed and the request's
/// sequence number, so a run with the same requests in the same order fails the same way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Chance of the anti-crawler refusal: HTTP 200, code 1059 (不支持非官方工具访问).
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
        for text in ["demo", "hostile", "generated:1000000", "jsonl:/tmp/x.jsonl"] {
            let dataset: Dataset = text.parse().expect("valid dataset");
            assert_eq!(dataset.to_string(), text);
        }
        assert_eq!("generated:5".parse(), Ok(Dataset::Generated(5)));
        for bad in [
            "",
            "Demo",
            "Hostile",
            "hostile:1",
            "generated:",
            "generated:x",
            "jsonl:",
            "csv:a",
        ] {
            assert!(bad.parse::<Dataset>().is_err(), "{bad}");
        }
    }
}
