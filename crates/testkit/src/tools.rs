//! What the D-Bus fixtures ask of the machine: whether a tool is installed, and what a test does
//! when one is not — skip with a message, or fail where the tools are required.

#![allow(clippy::print_stderr)] // a skip must be visible

/// Makes a missing D-Bus tool (and so a missing keyring or notification server) a failure
/// rather than a skip.
pub(crate) const REQUIRE_ENV: &str = "ORRERY_REQUIRE_KEYRING";

/// Whether `tool` is an executable file in a directory of `PATH`.
pub(crate) fn on_path(tool: &str) -> bool {
    let file = format!("{tool}{}", std::env::consts::EXE_SUFFIX);
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(&file).is_file()))
}

/// `test` cannot have the real `what` it needs, because of `why`: a skip, said on stderr — or,
/// inside a D-Bus session or with [`REQUIRE_ENV`] set (as under `cargo xtask test` and CI),
/// where the tools are expected, a panic.
#[track_caller]
pub(crate) fn skip_or_fail(test: &str, what: &str, why: &str) {
    let required = std::env::var_os(REQUIRE_ENV).is_some()
        || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some();
    assert!(
        !required,
        "{test}: no real {what} can run: {why}. It is required here (a D-Bus session or \
         {REQUIRE_ENV} is set)."
    );
    eprintln!("SKIPPED {test}: no real {what} can run here: {why}");
}
