//! A real freedesktop notification server for tests, on a private D-Bus session bus (feature
//! `notifications`).
//!
//! The code under test (say the CLI, which shows desktop notifications through notify-rust)
//! runs as a child process whose `DBUS_SESSION_BUS_ADDRESS` is [`PrivateBus::address`]; the
//! test's own environment is never changed, so tests running in parallel never meet.
//!
//! * [`PrivateBus::start`] runs a `dbus-daemon` of its own, with a minimal configuration: no
//!   service directories, so nothing is ever auto-started on it (the user's or the distribution's
//!   notification daemon included). It ends with the [`PrivateBus`].
//! * [`NotificationServer::start`] owns `org.freedesktop.Notifications` on that bus and answers
//!   the [Desktop Notifications Specification] 1.2's methods like a desktop's server would,
//!   recording every call: [`NotificationServer::notifications`],
//!   [`NotificationServer::wait_for`], [`NotificationServer::calls`]. The test plays the user
//!   with [`NotificationServer::invoke_action`] and [`NotificationServer::close`].
//! * **No notification daemon** (a headless session, a desktop without one): start the bus and
//!   no server. Every call to `org.freedesktop.Notifications` then fails with
//!   `org.freedesktop.DBus.Error.ServiceUnknown`, as on such a machine; dropping or
//!   [stopping](NotificationServer::stop) the server makes it go away mid-test.
//!
//! Where `dbus-daemon` cannot run (not installed, not Unix), [`PrivateBus::start`] returns
//! [`Error::Unavailable`] and [`PrivateBus::start_or_skip`] skips the test with a message on
//! stderr — except inside a D-Bus session or with `ORRERY_REQUIRE_KEYRING` set (as under
//! `cargo xtask test` and CI), where it fails, like the Secret Service fixture.
//!
//! The server runs on zbus's own executor thread (zbus's default async-io runtime, as the rest of
//! the workspace builds it), so it serves whichever tokio runtime the test uses, even a
//! current-thread one blocked on a child process. [`NotificationServer::wait_for`] needs a tokio
//! runtime with its timer.
//!
//! [Desktop Notifications Specification]: https://specifications.freedesktop.org/notification-spec/1.2/

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::{OwnedValue, Value};

use crate::tools;

/// The server's well-known bus name.
pub const BUS_NAME: &str = "org.freedesktop.Notifications";
/// The path of the server's object.
pub const OBJECT_PATH: &str = "/org/freedesktop/Notifications";
/// The server's interface.
pub const INTERFACE: &str = "org.freedesktop.Notifications";
/// What `GetCapabilities` returns: no `body-markup`, so a client must send plain text, and
/// `persistence`, so it may expect notifications to stay until acted on.
pub const CAPABILITIES: [&str; 3] = ["actions", "body", "persistence"];
/// The server's name in `GetServerInformation`.
pub const SERVER_NAME: &str = "orrery-test-notifications";

/// How long the daemon may take to print its address.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// What went wrong in starting or driving the bus or the server.
#[derive(Debug)]
pub enum Error {
    /// `dbus-daemon` cannot run here: a test may skip (see [`PrivateBus::start_or_skip`]).
    Unavailable(String),
    /// The bus did not start, or a local file or process operation failed.
    Bus(String),
    /// A D-Bus call or signal failed.
    DBus(zbus::Error),
    /// [`NotificationServer::wait_for`] gave up.
    Timeout {
        /// The number of notifications waited for.
        wanted: usize,
        /// The number received.
        got: usize,
        /// How long it waited.
        after: Duration,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unavailable(why) => write!(f, "no private D-Bus can run here: {why}"),
            Self::Bus(why) => write!(f, "the private D-Bus failed: {why}"),
            Self::DBus(err) => write!(f, "D-Bus: {err}"),
            Self::Timeout { wanted, got, after } => write!(
                f,
                "{got} notification(s) within {after:?}, {wanted} awaited"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::DBus(err) => Some(err),
            _ => None,
        }
    }
}

impl From<zbus::Error> for Error {
    fn from(err: zbus::Error) -> Self {
        Self::DBus(err)
    }
}

/// A private D-Bus session bus: a `dbus-daemon` of this test's own, killed on drop.
#[derive(Debug)]
pub struct PrivateBus {
    daemon: Child,
    address: String,
    // Holds the configuration, the socket and the daemon's log; removed after the daemon ends
    // (fields drop after `Drop::drop`).
    _dir: tempfile::TempDir,
}

impl PrivateBus {
    /// Starts the daemon and waits for its address. [`Error::Unavailable`] when `dbus-daemon`
    /// cannot run here.
    pub fn start() -> Result<Self, Error> {
        if !cfg!(unix) {
            // The configuration listens on a Unix socket.
            return Err(Error::Unavailable(format!(
                "the private bus is Unix-only ({} here)",
                std::env::consts::OS
            )));
        }
        if !tools::on_path("dbus-daemon") {
            return Err(Error::Unavailable(
                "dbus-daemon is not installed (`cargo xtask setup` installs dbus)".to_owned(),
            ));
        }
        let dir = tempfile::tempdir().map_err(|err| Error::Bus(format!("tempdir: {err}")))?;
        let config = dir.path().join("bus.conf");
        std::fs::write(&config, config_xml(dir.path()))
            .map_err(|err| Error::Bus(format!("writing {}: {err}", config.display())))?;
        let log_path = dir.path().join("dbus-daemon.log");
        let log = std::fs::File::create(&log_path)
            .map_err(|err| Error::Bus(format!("creating {}: {err}", log_path.display())))?;
        let mut daemon = Command::new("dbus-daemon")
            .arg("--nofork")
            .arg("--print-address=1")
            .arg(format!("--config-file={}", config.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            // A file, not a pipe: nobody reads it unless the start fails, and a full pipe would
            // block the daemon.
            .stderr(log)
            .spawn()
            .map_err(|err| Error::Bus(format!("spawning dbus-daemon: {err}")))?;
        let Some(stdout) = daemon.stdout.take() else {
            return Err(fail(daemon, &log_path, "dbus-daemon has no stdout"));
        };
        // A reader thread, so a daemon that neither prints nor exits cannot hang the test. It
        // ends once the daemon closes its stdout (at the latest when killed).
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
            let _ = tx.send(read);
        });
        match rx.recv_timeout(START_TIMEOUT) {
            Ok(Ok(line)) if !line.trim().is_empty() => Ok(Self {
                daemon,
                address: line.trim().to_owned(),
                _dir: dir,
            }),
            Ok(Ok(_)) => Err(fail(
                daemon,
                &log_path,
                "dbus-daemon exited without an address",
            )),
            Ok(Err(err)) => Err(fail(
                daemon,
                &log_path,
                &format!("reading dbus-daemon's address: {err}"),
            )),
            Err(_) => Err(fail(
                daemon,
                &log_path,
                &format!("dbus-daemon printed no address within {START_TIMEOUT:?}"),
            )),
        }
    }

    /// [`PrivateBus::start`], or `None` after saying on stderr that `test` is skipped because
    /// `dbus-daemon` cannot run here. Panics instead where the tools are required (see the
    /// module docs), and on any other failure.
    #[track_caller]
    pub fn start_or_skip(test: &str) -> Option<Self> {
        match Self::start() {
            Ok(bus) => Some(bus),
            Err(Error::Unavailable(why)) => {
                tools::skip_or_fail(test, "notification server", &why);
                None
            }
            Err(err) => panic!("{test}: {err}"),
        }
    }

    /// The bus's address, for a child process's `DBUS_SESSION_BUS_ADDRESS` or
    /// `zbus::connection::Builder::address`.
    pub fn address(&self) -> &str {
        &self.address
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        // Our own child, by pid.
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// Ends a daemon that failed to start, with its log in the error.
fn fail(mut daemon: Child, log: &Path, why: &str) -> Error {
    let _ = daemon.kill();
    let _ = daemon.wait();
    let log = std::fs::read_to_string(log).unwrap_or_default();
    Error::Bus(format!("{why}; its stderr: {}", log.trim()))
}

/// A session bus's configuration without `<servicedir>`s (nothing is ever activated, so a
/// missing server stays missing) that listens on a socket in `dir`.
fn config_xml(dir: &Path) -> String {
    let dir = dir
        .display()
        .to_string()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#
    )
}

/// One `Notify` call as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notified {
    /// The id the server returned.
    pub id: u32,
    pub app_name: String,
    pub replaces_id: u32,
    pub app_icon: String,
    pub summary: String,
    pub body: String,
    /// Action keys and labels, alternating, as sent.
    pub actions: Vec<String>,
    /// Each hint's value as text: a string as itself (`desktop-entry`, `category`), a number as
    /// its digits (`urgency` is a byte: `"0"`, `"1"`, `"2"`), a boolean as `true`/`false`, and
    /// anything else (such as `image-data`) in zvariant's display form.
    pub hints: BTreeMap<String, String>,
    /// Milliseconds; -1 lets the server choose, 0 never expires.
    pub expire_timeout: i32,
}

/// One call the server received, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    Notify(Notified),
    /// The id the client asked to close.
    CloseNotification(u32),
    GetCapabilities,
    GetServerInformation,
}

/// Why a notification closed: the `reason` of `NotificationClosed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum CloseReason {
    Expired = 1,
    /// Dismissed by the user, also after the user invoked one of its actions.
    Dismissed = 2,
    /// By a `CloseNotification` call.
    Closed = 3,
    Undefined = 4,
}

/// What the server has received.
#[derive(Debug, Default)]
struct Record {
    calls: Vec<Call>,
    last_id: u32,
}

impl Record {
    fn notifications(&self) -> Vec<Notified> {
        self.calls
            .iter()
            .filter_map(|call| match call {
                Call::Notify(notified) => Some(notified.clone()),
                _ => None,
            })
            .collect()
    }

    fn count(&self, wanted: fn(&Call) -> bool) -> usize {
        self.calls.iter().filter(|call| wanted(call)).count()
    }
}

/// The D-Bus object. The record is a watch channel so [`NotificationServer::wait_for`] can wait
/// on it from another runtime than the one the handlers run on.
struct Notifications {
    record: Arc<watch::Sender<Record>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Notifications {
    #[allow(clippy::too_many_arguments)] // the method's eight arguments, as the spec has them
    fn notify(
        &self,
        app_name: String,
        replaces_id: u32,
        app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        hints: HashMap<String, OwnedValue>,
        expire_timeout: i32,
    ) -> u32 {
        let mut id = 0;
        self.record.send_modify(|record| {
            id = if replaces_id == 0 {
                record.last_id += 1;
                record.last_id
            } else {
                replaces_id
            };
            record.calls.push(Call::Notify(Notified {
                id,
                app_name,
                replaces_id,
                app_icon,
                summary,
                body,
                actions,
                hints: hints
                    .iter()
                    .map(|(key, value)| (key.clone(), render(value)))
                    .collect(),
                expire_timeout,
            }));
        });
        id
    }

    async fn close_notification(
        &self,
        id: u32,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        self.record
            .send_modify(|record| record.calls.push(Call::CloseNotification(id)));
        Self::notification_closed(&emitter, id, CloseReason::Closed as u32).await?;
        Ok(())
    }

    fn get_capabilities(&self) -> Vec<String> {
        self.record
            .send_modify(|record| record.calls.push(Call::GetCapabilities));
        CAPABILITIES.iter().map(|&cap| cap.to_owned()).collect()
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        self.record
            .send_modify(|record| record.calls.push(Call::GetServerInformation));
        (
            SERVER_NAME.to_owned(),
            "Orrery".to_owned(),
            env!("CARGO_PKG_VERSION").to_owned(),
            "1.2".to_owned(),
        )
    }

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn notification_closed(
        emitter: &SignalEmitter<'_>,
        id: u32,
        reason: u32,
    ) -> zbus::Result<()>;
}

/// A hint's value as text (see [`Notified::hints`]).
fn render(value: &Value<'_>) -> String {
    match value {
        Value::Str(text) => text.as_str().to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::U8(n) => n.to_string(),
        Value::I16(n) => n.to_string(),
        Value::U16(n) => n.to_string(),
        Value::I32(n) => n.to_string(),
        Value::U32(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::U64(n) => n.to_string(),
        Value::F64(n) => n.to_string(),
        Value::Value(inner) => render(inner),
        other => other.to_string(),
    }
}

/// The notification server on a [`PrivateBus`]; it leaves the bus when dropped.
#[derive(Debug)]
pub struct NotificationServer {
    connection: zbus::Connection,
    record: Arc<watch::Sender<Record>>,
}

impl NotificationServer {
    /// Connects to `bus`, serves the interface and owns [`BUS_NAME`]: once this returns, clients'
    /// calls reach the server.
    pub async fn start(bus: &PrivateBus) -> Result<Self, Error> {
        Self::start_at(bus.address()).await
    }

    /// [`Self::start`] on the bus at `address` (one the test did not start through
    /// [`PrivateBus`], such as the end-to-end harness's session bus).
    pub async fn start_at(address: &str) -> Result<Self, Error> {
        let record = Arc::new(watch::Sender::new(Record::default()));
        let connection = zbus::connection::Builder::address(address)?
            .serve_at(
                OBJECT_PATH,
                Notifications {
                    record: Arc::clone(&record),
                },
            )?
            .name(BUS_NAME)?
            .build()
            .await?;
        Ok(Self { connection, record })
    }

    /// Every call received so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.record.borrow().calls.clone()
    }

    /// The `Notify` calls received so far, in order.
    pub fn notifications(&self) -> Vec<Notified> {
        self.record.borrow().notifications()
    }

    /// Waits until `n` notifications have arrived (in all, counting those before the call) and
    /// returns them all; [`Error::Timeout`] after `timeout`. Needs a tokio runtime with its
    /// timer.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Result<Vec<Notified>, Error> {
        let mut changes = self.record.subscribe();
        let arrived =
            changes.wait_for(|record| record.count(|call| matches!(call, Call::Notify(_))) >= n);
        match tokio::time::timeout(timeout, arrived).await {
            Ok(Ok(record)) => Ok(record.notifications()),
            // The sender is ours, so the channel cannot close while we wait.
            Ok(Err(_)) | Err(_) => Err(Error::Timeout {
                wanted: n,
                got: self.notifications().len(),
                after: timeout,
            }),
        }
    }

    /// How many `GetCapabilities` calls arrived.
    pub fn get_capabilities_calls(&self) -> usize {
        self.record
            .borrow()
            .count(|call| matches!(call, Call::GetCapabilities))
    }

    /// How many `GetServerInformation` calls arrived.
    pub fn get_server_information_calls(&self) -> usize {
        self.record
            .borrow()
            .count(|call| matches!(call, Call::GetServerInformation))
    }

    /// How many `CloseNotification` calls arrived (their ids are in [`Self::calls`]).
    pub fn close_notification_calls(&self) -> usize {
        self.record
            .borrow()
            .count(|call| matches!(call, Call::CloseNotification(_)))
    }

    /// The user clicks the action `key` of notification `id` (`"default"`: the notification
    /// itself): `ActionInvoked(id, key)`, then `NotificationClosed(id, 2)`, as desktop servers
    /// do for a notification that is not resident.
    pub async fn invoke_action(&self, id: u32, key: &str) -> Result<(), Error> {
        self.invoke_resident_action(id, key).await?;
        self.close(id, CloseReason::Dismissed).await
    }

    /// The user clicks the action `key` of a resident notification (hint `resident`), which
    /// stays: `ActionInvoked(id, key)` alone.
    pub async fn invoke_resident_action(&self, id: u32, key: &str) -> Result<(), Error> {
        let emitter = SignalEmitter::new(&self.connection, OBJECT_PATH)?;
        Notifications::action_invoked(&emitter, id, key).await?;
        Ok(())
    }

    /// Notification `id` closes for `reason`: `NotificationClosed(id, reason)`.
    pub async fn close(&self, id: u32, reason: CloseReason) -> Result<(), Error> {
        let emitter = SignalEmitter::new(&self.connection, OBJECT_PATH)?;
        Notifications::notification_closed(&emitter, id, reason as u32).await?;
        Ok(())
    }

    /// The server leaves the bus (as when a notification daemon exits): it gives up
    /// [`BUS_NAME`], so calls fail with `ServiceUnknown` from when this returns.
    pub async fn stop(self) -> Result<(), Error> {
        self.connection.release_name(BUS_NAME).await?;
        self.connection.close().await?;
        Ok(())
    }
}
