//! `cargo xtask setup`: everything a build and the tests need, installed idempotently.
//!
//! Each requirement is checked first (a `dpkg-query`, a `--version`), so a second run takes about
//! a second and changes nothing. Downloads come only from the package registries: Debian's
//! archive, crates.io and npm (the prebuilt Tauri CLI). Trunk would fetch wasm-bindgen and wasm-opt from GitHub, which is not
//! reachable here; installing wasm-bindgen-cli at the version in Cargo.lock and building with
//! `--offline` and wasm-opt disabled avoids both (see shared/TOOLCHAIN.md).

use crate::process::{self, cmd, output, say};
use anyhow::{Context, bail};

/// Debian/Ubuntu packages: WebKitGTK and the other Tauri build dependencies, the headless
/// display and WebDriver for the end-to-end tests, D-Bus and a Secret Service keyring for the
/// keyring and notification tests, and a CJK font so Chinese renders in screenshots.
const APT_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "file",
    "libwebkit2gtk-4.1-dev",
    "libxdo-dev",
    "libssl-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "dbus",
    "dbus-x11",
    "gnome-keyring",
    "libsecret-tools",
    "keyutils",
    "fonts-noto-cjk",
    // The EPUB export's validator (W3C's epubcheck; it brings a Java runtime).
    "epubcheck",
];

/// Trunk 0.22 needs a newer rustc than this project's 1.95.
const TRUNK_VERSION: &str = "0.21.14";
/// The Tauri CLI for `bundle`, prebuilt from npm (`cargo install tauri-cli` compiles for 15–30
/// minutes on two cores), at the `tauri` crate's minor version.
const TAURI_CLI_NPM: (&str, &str) = ("@tauri-apps/cli", "2.12.6");
const WASM_TARGET: &str = "wasm32-unknown-unknown";

pub fn run() -> anyhow::Result<()> {
    match std::env::consts::OS {
        "linux" => linux_packages()?,
        "macos" => say(
            "macOS: install the Xcode command line tools (`xcode-select --install`); WebKit ships with the system.",
        ),
        "windows" => say(
            "Windows: install the Visual Studio C++ build tools and the WebView2 runtime (preinstalled on Windows 11).",
        ),
        other => say(&format!(
            "{other}: install WebKitGTK 4.1 or your platform's webview by hand."
        )),
    }
    wasm_target()?;
    cargo_tool(
        "trunk",
        &["--version"],
        Some(TRUNK_VERSION),
        &["trunk", "--version", TRUNK_VERSION, "--locked"],
    )?;
    let bindgen = wasm_bindgen_version()?;
    // Its own lockfile pins a webpki-roots release the registry no longer serves, so no --locked.
    cargo_tool(
        "wasm-bindgen",
        &["--version"],
        Some(&bindgen),
        &["wasm-bindgen-cli", "--version", &bindgen],
    )?;
    cargo_tool(
        "cargo-nextest",
        &["nextest", "--version"],
        None,
        &["cargo-nextest", "--locked"],
    )?;
    tauri_cli_npm()?;
    if cfg!(target_os = "linux") {
        cargo_tool(
            "tauri-driver",
            &["--help"],
            None,
            &["tauri-driver", "--version", "^2", "--locked"],
        )?;
    }
    say("setup complete");
    Ok(())
}

fn linux_packages() -> anyhow::Result<()> {
    if !process::on_path("apt-get") {
        say(&format!(
            "not a Debian/Ubuntu system: install the equivalents of these packages yourself: {}",
            APT_PACKAGES.join(" ")
        ));
        return Ok(());
    }
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .copied()
        .filter(|p| !apt_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    say(&format!(
        "installing system packages: {}",
        missing.join(" ")
    ));
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut c = if sudo { cmd("sudo") } else { cmd("apt-get") };
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    process::run(&mut apt(&["update", "-q"]))?;
    let mut install = apt(&["install", "-y", "-q", "--no-install-recommends"]);
    install.args(&missing);
    process::run(&mut install)
}

fn apt_installed(package: &str) -> bool {
    output(cmd("dpkg-query").args(["-W", "-f=${db:Status-Abbrev}", package]))
        .is_some_and(|status| status.starts_with("ii"))
}

fn is_root() -> bool {
    output(cmd("id").arg("-u")).is_some_and(|uid| uid.trim() == "0")
}

fn wasm_target() -> anyhow::Result<()> {
    let installed =
        output(cmd("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|t| t.trim() == WASM_TARGET) {
        return Ok(());
    }
    if !process::on_path("rustup") {
        bail!("the {WASM_TARGET} target is missing and rustup is not installed to add it");
    }
    process::run(cmd("rustup").args(["target", "add", WASM_TARGET]))
}

/// Where [`TAURI_CLI_NPM`] is installed: a folder of the build directory, not the system.
pub fn tauri_cli() -> std::path::PathBuf {
    process::root().join("target/tools/tauri-cli/node_modules/.bin/tauri")
}

/// Installs the Tauri CLI from npm unless the pinned version is there; without npm or when
/// the download fails, says so (only `bundle` needs it).
fn tauri_cli_npm() -> anyhow::Result<()> {
    let (package, version) = TAURI_CLI_NPM;
    let found = output(cmd(tauri_cli()).arg("--version")).unwrap_or_default();
    if found.split_whitespace().any(|word| word == version) {
        return Ok(());
    }
    if !process::on_path("npm") {
        say("npm is not installed: `cargo xtask bundle` needs it for the Tauri CLI");
        return Ok(());
    }
    say(&format!("installing {package} {version} from npm"));
    let prefix = process::root().join("target/tools/tauri-cli");
    std::fs::create_dir_all(&prefix)?;
    let installed = process::run(
        cmd("npm")
            .args([
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
            ])
            .arg(&prefix)
            .arg(format!("{package}@{version}")),
    );
    // Only `bundle` needs it: a failed download must not stop the tests.
    if let Err(err) = installed {
        say(&format!(
            "the Tauri CLI was not installed ({err}); `cargo xtask bundle` needs it"
        ));
    }
    Ok(())
}

/// Installs a crates.io tool unless `probe` runs and, when `version` is given, prints it.
fn cargo_tool(
    program: &str,
    probe: &[&str],
    version: Option<&str>,
    install: &[&str],
) -> anyhow::Result<()> {
    let found = match program {
        "cargo-nextest" => output(cmd("cargo").args(probe)),
        _ => output(cmd(program).args(probe)),
    };
    let ok = match (&found, version) {
        (Some(out), Some(v)) => out.split_whitespace().any(|word| word == v),
        (Some(_), None) => true,
        (None, _) => false,
    };
    if ok {
        return Ok(());
    }
    say(&format!(
        "installing {program} from crates.io (this takes a few minutes once)"
    ));
    process::run(cmd("cargo").arg("install").args(install))
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI that generates the JS glue must match the
/// library exactly.
pub fn wasm_bindgen_version() -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(process::root().join("Cargo.lock"))
        .context("reading Cargo.lock")?;
    lock_version(&lock, "wasm-bindgen").context("wasm-bindgen is not in Cargo.lock")
}

fn lock_version(lock: &str, package: &str) -> Option<String> {
    let needle = format!("name = \"{package}\"\n");
    let rest = &lock[lock.find(&needle)? + needle.len()..];
    let line = rest.lines().next()?;
    line.strip_prefix("version = \"")?
        .strip_suffix('"')
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_version_finds_the_exact_package() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"9.9.9\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            lock_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            lock_version(lock, "wasm-bindgen-macro").as_deref(),
            Some("9.9.9")
        );
        assert_eq!(lock_version(lock, "trunk"), None);
    }
}
