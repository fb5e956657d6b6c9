//! `orrery-cli` as a user runs it: the real binary, a temporary data directory.

use std::process::Command;

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_orrery-cli"))
}

#[test]
fn info_uses_and_creates_the_given_data_dir() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("档案");
    let out = cli()
        .arg("--data-dir")
        .arg(&dir)
        .arg("info")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        stdout.contains(&format!("data directory: {}", dir.display())),
        "{stdout}"
    );
    assert!(
        stdout.starts_with(&format!("orrery-cli {}", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
    assert!(dir.is_dir());
}

#[test]
fn data_dir_env_is_the_default() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = cli()
        .env("ORRERY_DATA_DIR", tmp.path())
        .arg("info")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        stdout.contains(&tmp.path().display().to_string()),
        "{stdout}"
    );
}

#[test]
fn unknown_command_fails_with_usage() {
    let out = cli().arg("frobnicate").output().expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage"));
}
