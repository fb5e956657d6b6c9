//! The harness: the real `orrery` binary in a real WebKit window, driven over WebDriver.
//!
//! tauri-driver speaks WebDriver on a free local port and starts WebKitWebDriver, which launches
//! the app. Everything the app writes goes to a temporary home: its data directory
//! (`ORRERY_DATA_DIR`), `HOME` and the XDG directories where WebKit, the window-state plugin
//! and the keyring keep their files, so a test never touches the user's own.
//!
//! Each app also gets a D-Bus session bus of its own: the single-instance plugin claims a name
//! on the session bus (so two apps on one bus would merge into one window), and a keyring
//! started by D-Bus activation must run in the temporary home, not the user's.
//!
//! A desktop panel would show the app's tray icon; [`Launch::tray`] puts a stand-in for one on
//! the bus, through which a test reads and clicks the tray's menu.
//!
//! The suite needs a display: `cargo xtask test` runs it under Xvfb inside a private D-Bus
//! session. Without one it fails with a message that says so, rather than skipping.

use crate::tray::TrayHost;
use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use orrery_testkit::notifications::NotificationServer;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the app may take from launch to a rendered UI (a cold debug build of the wasm UI
/// takes a few seconds to compile in WebKit on two loaded cores).
pub const UI_TIMEOUT: Duration = Duration::from_secs(60);

pub struct App {
    pub client: Client,
    pub home: tempfile::TempDir,
    /// The panel's side of the tray, when [`Launch::tray`] asked for one.
    pub tray: Option<TrayHost>,
    /// The desktop's notification server, when [`Launch::notifications`] asked for one.
    pub notifications: Option<NotificationServer>,
    /// The app's D-Bus session bus.
    pub bus_address: String,
    driver: Child,
    bus: Child,
    keyring: Option<Child>,
}

impl App {
    /// The app's data directory inside the temporary home.
    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data")
    }

    /// The app's `HOME` inside the temporary home (its downloads go to `Downloads` there).
    pub fn home_dir(&self) -> PathBuf {
        self.home.path().join("home")
    }

    /// Launches the app and connects a WebDriver session to its window.
    pub async fn launch() -> anyhow::Result<Self> {
        Self::launch_with(Launch::default()).await
    }

    /// [`Self::launch`] with extra environment and files prepared in the data directory.
    pub async fn launch_with(options: Launch) -> anyhow::Result<Self> {
        if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            bail!(
                "no display: run the end-to-end suite through `cargo xtask test` or `cargo xtask e2e`, which provide Xvfb"
            );
        }
        let home = tempfile::Builder::new().prefix("orrery-e2e-").tempdir()?;
        let mut app = AppStart {
            bus: None,
            driver: None,
            keyring: None,
        };
        let data = home.path().join("data");
        std::fs::create_dir_all(&data)?;
        for (name, contents) in &options.files {
            std::fs::write(data.join(name), contents)?;
        }
        let (bus, bus_address) = private_bus(home.path())?;
        app.bus = Some(bus);
        if options.keyring {
            app.keyring = Some(unlocked_keyring(home.path(), &bus_address)?);
        }
        let tray = if options.tray {
            Some(TrayHost::start(&bus_address).await?)
        } else {
            None
        };
        let notifications = if options.notifications {
            Some(NotificationServer::start_at(&bus_address).await?)
        } else {
            None
        };
        let (port, native_port) = (free_port()?, free_port()?);
        let mut driver = Command::new("tauri-driver");
        isolate(&mut driver, home.path());
        driver
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("ORRERY_DATA_DIR", home.path().join("data"))
            .env("DBUS_SESSION_BUS_ADDRESS", &bus_address)
            .envs(options.env)
            .stdin(Stdio::null());
        let driver = driver
            .spawn()
            .context("cannot start tauri-driver: run `cargo xtask setup`, which installs it and WebKitWebDriver")?;
        app.driver = Some(driver);
        wait_for_port(port, Duration::from_secs(20)).await?;

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        let application = options
            .application
            .as_deref()
            .unwrap_or(Path::new(env!("CARGO_BIN_EXE_orrery")));
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": application }),
        );
        // tauri-driver answers on its port before WebKitWebDriver listens on the native one; a
        // session asked for in between fails with "webdriver server did not respond" (tauri-driver
        // could not reach WebKitWebDriver; seen once under load). Nothing was launched then, so
        // asking again is safe.
        let mut attempt = 0;
        let client = loop {
            attempt += 1;
            match ClientBuilder::rustls()?
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(err) if attempt < 5 && format!("{err}").contains("did not respond") => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(err) => return Err(err).context("WebDriver session to the app"),
            }
        };
        let driver = app.driver.take().context("driver handle")?;
        let bus = app.bus.take().context("bus handle")?;
        Ok(Self {
            client,
            home,
            tray,
            notifications,
            bus_address,
            driver,
            bus,
            keyring: app.keyring.take(),
        })
    }

    /// Waits until `css` matches an element whose text satisfies `pred`, returning that text.
    pub async fn wait_text(
        &self,
        css: &str,
        pred: impl Fn(&str) -> bool,
    ) -> anyhow::Result<String> {
        self.wait_text_within(UI_TIMEOUT, css, pred).await
    }

    /// [`Self::wait_text`] with a longer wait, for work such as a whole sync.
    pub async fn wait_text_within(
        &self,
        timeout: Duration,
        css: &str,
        pred: impl Fn(&str) -> bool,
    ) -> anyhow::Result<String> {
        let deadline = Instant::now() + timeout;
        let mut last = String::new();
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if pred(&last) {
                    return Ok(last);
                }
            }
            if Instant::now() > deadline {
                // What the page holds is the quickest clue to why it did not render.
                let source = self.client.source().await.unwrap_or_default();
                let shot = self
                    .screenshot("failure")
                    .await
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                bail!(
                    "`{css}` did not show the expected text within {timeout:?}; last seen: {last:?}\n\
                     screenshot: {shot}\npage source:\n{source:.4000}"
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the first element matching `css`, waiting for it to appear.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        for _ in 0..STALE_RETRIES {
            let el = self.wait_for(css).await?;
            match bounded(&format!("clicking `{css}`"), el.click()).await? {
                Ok(()) => return Ok(()),
                Err(err) if is_stale(&err) => continue,
                Err(err) => return Err(err).with_context(|| format!("clicking `{css}`")),
            }
        }
        bail!("`{css}` kept being replaced while clicking it")
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn wait_for(&self, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
        for _ in 0..STALE_RETRIES {
            self.wait_text(css, |_| true).await?;
            match self.client.find(Locator::Css(css)).await {
                Ok(el) => return Ok(el),
                Err(err) if is_stale(&err) => continue,
                Err(err) => return Err(err.into()),
            }
        }
        bail!("`{css}` kept being replaced while finding it")
    }

    /// How many elements match `css` now.
    pub async fn count(&self, css: &str) -> anyhow::Result<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    /// Runs `script` in the page and returns its value.
    pub async fn eval(&self, script: &str) -> anyhow::Result<serde_json::Value> {
        Ok(bounded(
            &format!("running `{script:.80}`"),
            self.client.execute(script, vec![]),
        )
        .await??)
    }

    /// Waits until `script` (an expression) is truthy in the page.
    pub async fn wait_js(&self, timeout: Duration, script: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let value = self.eval(&format!("return !!({script});")).await?;
            if value == serde_json::Value::Bool(true) {
                return Ok(());
            }
            if Instant::now() > deadline {
                let shot = self
                    .screenshot("failure")
                    .await
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                bail!("`{script}` did not become true within {timeout:?}; screenshot: {shot}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a screenshot of the window as `target/e2e-screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<PathBuf> {
        // A DOM change is painted on a later frame; a screenshot taken at once shows the page
        // before it. Two animation frames make sure the last change is on screen.
        bounded(
            "waiting two frames",
            self.client.execute_async(
                "const done = arguments[arguments.length - 1];\
                 requestAnimationFrame(() => requestAnimationFrame(() => done()));",
                vec![],
            ),
        )
        .await??;
        let png = bounded("taking a screenshot", self.client.screenshot()).await??;
        if !png.starts_with(b"\x89PNG") {
            bail!("the screenshot is not a PNG");
        }
        let dir = target_dir().join("e2e-screenshots");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Waits until the window says it shows the demo.
    pub async fn wait_demo(&self) -> anyhow::Result<()> {
        self.wait_text("[data-field=mode]", |t| {
            ["演示模式", "Demo mode"].contains(&t)
        })
        .await
        .map(drop)
    }

    /// Waits until the window says an account is signed in.
    pub async fn wait_signed_in(&self) -> anyhow::Result<()> {
        self.wait_text("[data-field=mode]", |t| {
            ["已登录", "Signed in"].contains(&t)
        })
        .await
        .map(drop)
    }

    /// Waits until the status bar says the sync caught up, for at most `sync`.
    pub async fn wait_caught_up(&self, sync: Duration) -> anyhow::Result<()> {
        self.wait_text_within(
            sync,
            "#status-bar[data-state=caught_up] .sync-state",
            |_| true,
        )
        .await
        .map(drop)
    }

    /// The secret the app's keyring holds under `service` and `username`, as `secret-tool`
    /// (not Orrery) reads it, or `None`.
    pub fn keyring_lookup(&self, service: &str, username: &str) -> anyhow::Result<Option<String>> {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", service, "username", username])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus_address)
            .stdin(Stdio::null())
            .output()
            .context("secret-tool: run `cargo xtask setup`")?;
        Ok(out
            .status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
            .filter(|secret| !secret.is_empty()))
    }

    /// Unfolds "other ways to sign in" on the sign-in page, where the token field is.
    pub async fn show_token_field(&self) -> anyhow::Result<()> {
        self.click("#signin-other summary").await?;
        self.wait_for("#token-input").await?;
        Ok(())
    }

    /// From the demo, signs in with `token` pasted into the sign-in page (the data directory's
    /// `account.json` names the service), and waits for the first sync to catch up.
    pub async fn sign_in(&self, token: &str, sync: Duration) -> anyhow::Result<()> {
        self.wait_demo().await?;
        self.click("#banner button").await?;
        self.show_token_field().await?;
        self.wait_for("#token-input")
            .await?
            .send_keys(token)
            .await?;
        self.click("#signin-submit").await?;
        self.wait_signed_in().await?;
        // A new sign-in asks what to mirror; everything is the default.
        self.click("#setup-done").await?;
        self.wait_caught_up(sync).await
    }

    /// Ends the session and the driver, the app with them.
    pub async fn close(mut self) -> anyhow::Result<()> {
        let closed = self.client.clone().close().await;
        stop(&mut self.driver);
        self.keyring.iter_mut().for_each(stop);
        stop(&mut self.bus);
        closed.context("closing the WebDriver session")
    }
}

impl Drop for App {
    fn drop(&mut self) {
        stop(&mut self.driver);
        self.keyring.iter_mut().for_each(stop);
        stop(&mut self.bus);
    }
}

/// The UI re-renders parts of the page as the sync reports progress, so an element found a
/// moment ago may be replaced before WebDriver acts on it: such a stale element is found again,
/// this many times at most.
const STALE_RETRIES: usize = 20;

/// How long one WebDriver command may take. A command that never answers (a page that stopped
/// painting, a driver that lost the window) would otherwise hang the test until nextest kills
/// it, without a word on where.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs one WebDriver command, failing with `what` if it does not answer in time.
async fn bounded<T>(what: &str, command: impl Future<Output = T>) -> anyhow::Result<T> {
    tokio::time::timeout(COMMAND_TIMEOUT, command)
        .await
        .with_context(|| format!("{what}: no answer from WebDriver within {COMMAND_TIMEOUT:?}"))
}

fn is_stale(err: &fantoccini::error::CmdError) -> bool {
    err.to_string().contains("tale element")
}

/// What a test changes about the app it launches.
#[derive(Debug, Default)]
pub struct Launch {
    /// Extra environment variables of the app.
    pub env: Vec<(String, String)>,
    /// Files written into the data directory before the app starts: `(name, contents)`.
    pub files: Vec<(String, String)>,
    /// Runs an unlocked GNOME Keyring on the app's bus, for a sign-in to store its token.
    pub keyring: bool,
    /// Hosts tray icons on the app's bus, as a desktop panel does ([`TrayHost`]).
    pub tray: bool,
    /// Serves org.freedesktop.Notifications on the app's bus, recording every notification
    /// (orrery-testkit's server, as a desktop's notification daemon).
    pub notifications: bool,
    /// The program WebKitWebDriver launches in place of the `orrery` binary: a wrapper that
    /// changes the app's surroundings, then runs the binary with the arguments it was given.
    pub application: Option<PathBuf>,
}

impl Launch {
    /// A desktop session for an account on the simulator at `base_url`: the data directory's
    /// `account.json` names it, an unlocked keyring, a tray host and a notification daemon.
    pub fn desktop_for(base_url: &str) -> Self {
        let account = serde_json::json!({ "base_url": base_url }).to_string();
        Self {
            files: vec![("account.json".into(), account)],
            keyring: true,
            tray: true,
            notifications: true,
            ..Self::default()
        }
    }
}

/// Stops tauri-driver and the bus if [`App::launch`] fails half way.
struct AppStart {
    bus: Option<Child>,
    driver: Option<Child>,
    keyring: Option<Child>,
}

impl Drop for AppStart {
    fn drop(&mut self) {
        for child in [&mut self.driver, &mut self.keyring, &mut self.bus]
            .into_iter()
            .flatten()
        {
            stop(child);
        }
    }
}

/// Points `command`'s home and XDG directories into the test's temporary home.
fn isolate(command: &mut Command, home: &Path) {
    command
        .env("HOME", home.join("home"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("share"))
        .env("XDG_CACHE_HOME", home.join("cache"));
}

/// Starts a session bus for one app; returns it and its address. Services it activates (the
/// keyring) inherit its temporary home.
fn private_bus(home: &Path) -> anyhow::Result<(Child, String)> {
    let mut bus = Command::new("dbus-daemon");
    // Services the bus activates (gnome-keyring-daemon) inherit its stderr and may outlive
    // the test; on the test's own stderr they would hold nextest's pipe open ("leaky").
    bus.args(["--session", "--nofork", "--print-address=1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    isolate(&mut bus, home);
    let mut bus = bus
        .spawn()
        .context("cannot start dbus-daemon: run `cargo xtask setup`, which installs D-Bus")?;
    let mut address = String::new();
    let read = bus
        .stdout
        .take()
        .map(|out| std::io::BufRead::read_line(&mut std::io::BufReader::new(out), &mut address));
    if !matches!(read, Some(Ok(n)) if n > 0) {
        stop(&mut bus);
        bail!("dbus-daemon did not print its address");
    }
    Ok((bus, address.trim().to_owned()))
}

/// GNOME Keyring on `bus`, its `login` collection created and unlocked with a throwaway
/// password (read from stdin), in the test's home: the Secret Service a desktop session has.
fn unlocked_keyring(home: &Path, bus: &str) -> anyhow::Result<Child> {
    use std::io::Write;
    let mut daemon = Command::new("gnome-keyring-daemon");
    daemon
        .args(["--unlock", "--components=secrets", "--foreground"])
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    isolate(&mut daemon, home);
    let mut daemon = daemon
        .spawn()
        .context("cannot start gnome-keyring-daemon: run `cargo xtask setup`")?;
    if let Some(mut stdin) = daemon.stdin.take() {
        // Closing stdin ends the password.
        stdin.write_all(b"orrery-e2e")?;
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if orrery_testkit::secret_service::secrets_owned(Some(bus)) {
            return Ok(daemon);
        }
        if Instant::now() > deadline {
            stop(&mut daemon);
            bail!("gnome-keyring-daemon did not claim org.freedesktop.secrets within 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// SIGTERM, never SIGKILL: a killed tauri-driver orphans WebKitWebDriver, which keeps the test's
/// output pipe open and hangs the run.
fn stop(driver: &mut Child) {
    if let Ok(Some(_)) = driver.try_wait() {
        return;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &driver.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = driver.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = driver.kill();
    let _ = driver.wait();
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

async fn wait_for_port(port: u16, timeout: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + timeout;
    while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
        if Instant::now() > deadline {
            bail!("tauri-driver did not listen on port {port} within {timeout:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// The cargo target directory: the binary under test lives in `<target>/<profile>/`.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_orrery"))
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// The system browser, as far as the app can tell: an `xdg-open` first on its `PATH` that
/// writes down the URLs it is given. The machines the suite runs on have no browser to open,
/// and a real one would leave the test's control; what the app hands over is what counts.
pub struct FakeBrowser {
    dir: tempfile::TempDir,
}

impl FakeBrowser {
    pub fn new() -> anyhow::Result<Self> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        let script = dir.path().join("xdg-open");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\n",
                dir.path().join("opened").display()
            ),
        )?;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
        Ok(Self { dir })
    }

    /// The app's `PATH`, with the fake first.
    pub fn env(&self) -> Vec<(String, String)> {
        let path = std::env::var("PATH").unwrap_or_default();
        vec![(
            "PATH".into(),
            format!("{}:{path}", self.dir.path().display()),
        )]
    }

    /// Waits until `url` was opened.
    pub async fn wait_for(&self, url: &str, timeout: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let opened =
                std::fs::read_to_string(self.dir.path().join("opened")).unwrap_or_default();
            if opened.lines().any(|line| line == url) {
                return Ok(());
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "{url} was not handed to the system browser within {timeout:?}; it got: {opened:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
