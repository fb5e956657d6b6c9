//! The notification server of `orrery_testkit::notifications`, seen from its clients: a zbus
//! connection to the private bus, and notify-rust (the crate the app shows notifications with)
//! in a child process whose session bus is the private one.

#![allow(clippy::unwrap_used, clippy::print_stdout)] // Test code: a panic is the report.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use orrery_testkit::notifications::{
    BUS_NAME, CAPABILITIES, Call, CloseReason, Error, INTERFACE, NotificationServer, Notified,
    OBJECT_PATH, PrivateBus, SERVER_NAME,
};
use zbus::zvariant::Value;

/// How long a signal or a child run may take on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(30);

async fn client(bus: &PrivateBus) -> zbus::Connection {
    zbus::connection::Builder::address(bus.address())
        .unwrap()
        .build()
        .await
        .unwrap()
}

/// `Notify` as a client sends it.
async fn notify(
    client: &zbus::Connection,
    replaces_id: u32,
    summary: &str,
    hints: HashMap<&str, Value<'_>>,
) -> zbus::Result<u32> {
    let reply = client
        .call_method(
            Some(BUS_NAME),
            OBJECT_PATH,
            Some(INTERFACE),
            "Notify",
            &(
                "orrery",
                replaces_id,
                "orrery-icon",
                summary,
                "A plain body",
                ["default", "Open", "mute", "Mute the circle"].as_slice(),
                hints,
                5000_i32,
            ),
        )
        .await?;
    reply.body().deserialize()
}

/// A method of the server that takes no arguments.
async fn call<R>(client: &zbus::Connection, method: &str) -> R
where
    R: for<'d> zbus::zvariant::DynamicDeserialize<'d>,
{
    let reply = client
        .call_method(Some(BUS_NAME), OBJECT_PATH, Some(INTERFACE), method, &())
        .await
        .unwrap();
    reply.body().deserialize().unwrap()
}

#[tokio::test]
async fn notify_is_recorded_with_its_hints_and_ids_count_up() {
    let Some(bus) = PrivateBus::start_or_skip("notify_is_recorded_with_its_hints_and_ids_count_up")
    else {
        return;
    };
    let server = NotificationServer::start(&bus).await.unwrap();
    let client = client(&bus).await;

    let hints = HashMap::from([
        ("desktop-entry", Value::from("orrery")),
        ("urgency", Value::U8(2)),
        ("category", Value::from("im.received")),
        ("resident", Value::Bool(true)),
    ]);
    assert_eq!(notify(&client, 0, "First", hints).await.unwrap(), 1);
    assert_eq!(
        notify(&client, 0, "Second", HashMap::new()).await.unwrap(),
        2
    );
    // Replacing keeps the replaced notification's id.
    assert_eq!(
        notify(&client, 1, "First, updated", HashMap::new())
            .await
            .unwrap(),
        1
    );

    let notified = server.wait_for(3, PATIENCE).await.unwrap();
    assert_eq!(notified.len(), 3);
    assert_eq!(
        notified[0],
        Notified {
            id: 1,
            app_name: "orrery".into(),
            replaces_id: 0,
            app_icon: "orrery-icon".into(),
            summary: "First".into(),
            body: "A plain body".into(),
            actions: vec![
                "default".into(),
                "Open".into(),
                "mute".into(),
                "Mute the circle".into()
            ],
            hints: [
                ("category", "im.received"),
                ("desktop-entry", "orrery"),
                ("resident", "true"),
                ("urgency", "2"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
            expire_timeout: 5000,
        }
    );
    assert_eq!(
        (notified[1].id, notified[1].summary.as_str()),
        (2, "Second")
    );
    assert!(notified[1].hints.is_empty());
    assert_eq!((notified[2].id, notified[2].replaces_id), (1, 1));
    // The ids count on after a replacement.
    assert_eq!(
        notify(&client, 0, "Third", HashMap::new()).await.unwrap(),
        3
    );
    assert_eq!(server.notifications().len(), 4);

    let capabilities: Vec<String> = call(&client, "GetCapabilities").await;
    assert_eq!(capabilities, CAPABILITIES);
    assert!(!capabilities.iter().any(|cap| cap == "body-markup"));
    let info: (String, String, String, String) = call(&client, "GetServerInformation").await;
    assert_eq!(
        info,
        (
            SERVER_NAME.into(),
            "Orrery".into(),
            env!("CARGO_PKG_VERSION").into(),
            "1.2".into()
        )
    );
    assert_eq!(server.get_capabilities_calls(), 1);
    assert_eq!(server.get_server_information_calls(), 1);
    assert_eq!(server.close_notification_calls(), 0);
    let calls = server.calls();
    assert_eq!(calls.len(), 6);
    assert_eq!(
        calls[4..],
        [Call::GetCapabilities, Call::GetServerInformation]
    );
}

#[tokio::test]
async fn actions_and_closes_reach_the_client_as_signals() {
    let Some(bus) = PrivateBus::start_or_skip("actions_and_closes_reach_the_client_as_signals")
    else {
        return;
    };
    let server = NotificationServer::start(&bus).await.unwrap();
    let client = client(&bus).await;
    let proxy = zbus::Proxy::new(&client, BUS_NAME, OBJECT_PATH, INTERFACE)
        .await
        .unwrap();
    // Subscribed (the match rule is on the bus) once this returns.
    let mut signals = proxy.receive_all_signals().await.unwrap();
    let mut next = async || {
        let message = tokio::time::timeout(PATIENCE, signals.next())
            .await
            .expect("a signal in time")
            .expect("the stream goes on");
        let member = message.header().member().unwrap().to_string();
        let body = message.body();
        match member.as_str() {
            "ActionInvoked" => {
                let (id, key): (u32, String) = body.deserialize().unwrap();
                format!("ActionInvoked({id}, {key})")
            }
            "NotificationClosed" => {
                let (id, reason): (u32, u32) = body.deserialize().unwrap();
                format!("NotificationClosed({id}, {reason})")
            }
            other => panic!("unexpected signal {other}"),
        }
    };

    let first = notify(&client, 0, "First", HashMap::new()).await.unwrap();
    let second = notify(&client, 0, "Second", HashMap::new()).await.unwrap();
    server.invoke_action(first, "mute").await.unwrap();
    assert_eq!(next().await, format!("ActionInvoked({first}, mute)"));
    assert_eq!(next().await, format!("NotificationClosed({first}, 2)"));

    server
        .invoke_resident_action(second, "default")
        .await
        .unwrap();
    assert_eq!(next().await, format!("ActionInvoked({second}, default)"));
    server.close(second, CloseReason::Expired).await.unwrap();
    assert_eq!(next().await, format!("NotificationClosed({second}, 1)"));

    client
        .call_method(
            Some(BUS_NAME),
            OBJECT_PATH,
            Some(INTERFACE),
            "CloseNotification",
            &second,
        )
        .await
        .unwrap();
    assert_eq!(next().await, format!("NotificationClosed({second}, 3)"));
    assert_eq!(server.close_notification_calls(), 1);
    assert_eq!(
        server.calls().last(),
        Some(&Call::CloseNotification(second))
    );
}

#[tokio::test]
async fn a_bus_without_the_server_has_no_notification_service() {
    let Some(bus) =
        PrivateBus::start_or_skip("a_bus_without_the_server_has_no_notification_service")
    else {
        return;
    };
    let client = client(&bus).await;
    let service_unknown = |result: zbus::Result<u32>| match result {
        Err(zbus::Error::MethodError(name, _, _)) => {
            name.as_str() == "org.freedesktop.DBus.Error.ServiceUnknown"
        }
        other => panic!("Notify without a server: {other:?}"),
    };
    assert!(service_unknown(
        notify(&client, 0, "Nobody", HashMap::new()).await
    ));

    // The same bus with a server, then without it again (a daemon that exits).
    let server = NotificationServer::start(&bus).await.unwrap();
    assert_eq!(
        notify(&client, 0, "Someone", HashMap::new()).await.unwrap(),
        1
    );
    server.stop().await.unwrap();
    assert!(service_unknown(
        notify(&client, 0, "Gone", HashMap::new()).await
    ));
}

#[tokio::test]
async fn wait_for_gives_up_after_its_timeout() {
    let Some(bus) = PrivateBus::start_or_skip("wait_for_gives_up_after_its_timeout") else {
        return;
    };
    let server = NotificationServer::start(&bus).await.unwrap();
    let waited = server.wait_for(1, Duration::from_millis(200)).await;
    assert!(
        matches!(
            waited,
            Err(Error::Timeout {
                wanted: 1,
                got: 0,
                ..
            })
        ),
        "{waited:?}"
    );
}

/// Set in the child run of [`notify_rust_talks_to_the_server`]: be notify-rust's caller.
const CLIENT_ENV: &str = "ORRERY_TEST_NOTIFY_RUST_CLIENT";

/// notify-rust reads the bus from `DBUS_SESSION_BUS_ADDRESS`, so it runs in a child run of this
/// test (the same binary, filtered to this test) with the private bus's address.
#[test]
fn notify_rust_talks_to_the_server() {
    const TEST: &str = "notify_rust_talks_to_the_server";
    if std::env::var_os(CLIENT_ENV).is_some() {
        notify_rust_client();
        return;
    }
    let Some(bus) = PrivateBus::start_or_skip(TEST) else {
        return;
    };
    orrery_testkit::block_on(async {
        let server = NotificationServer::start(&bus).await.unwrap();
        let child = tokio::process::Command::new(std::env::current_exe().unwrap())
            .args([TEST, "--exact", "--nocapture", "--test-threads", "1"])
            .env(CLIENT_ENV, "1")
            .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let notified = server.wait_for(1, PATIENCE).await.unwrap();
        let id = notified[0].id;

        // The child subscribes to the signals some time after `Notify` returned, and a signal
        // before that is lost to it: the user clicks until the child has seen it. Resident, so
        // no NotificationClosed can reach it first.
        let mut output = std::pin::pin!(child.wait_with_output());
        let output = tokio::time::timeout(PATIENCE, async {
            loop {
                server.invoke_resident_action(id, "open").await.unwrap();
                tokio::select! {
                    output = &mut output => break output.unwrap(),
                    () = tokio::time::sleep(Duration::from_millis(200)) => {}
                }
            }
        })
        .await
        .expect("the child run ends in time");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "the child run failed:\n{stdout}{stderr}"
        );
        assert!(
            stdout.contains(&format!("notify-rust: id {id}, action open")),
            "{stdout}"
        );

        let notified = &server.notifications()[0];
        assert_eq!(notified.app_name, "orrery");
        assert_eq!(notified.summary, "New answer");
        assert_eq!(notified.body, "Plain text");
        assert_eq!(notified.actions, ["open", "Open"]);
        assert_eq!(notified.expire_timeout, 6000);
        for (hint, value) in [
            ("desktop-entry", "orrery"),
            ("urgency", "2"),
            ("category", "im.received"),
        ] {
            assert_eq!(
                notified.hints.get(hint).map(String::as_str),
                Some(value),
                "{:?}",
                notified.hints
            );
        }
        assert_eq!(server.get_capabilities_calls(), 1);
        assert_eq!(server.get_server_information_calls(), 1);
    });
}

/// The child run: what the app does through notify-rust.
fn notify_rust_client() {
    use notify_rust::{Hint, Notification, Timeout, Urgency};
    let info = notify_rust::get_server_information().unwrap();
    assert_eq!(
        (info.name.as_str(), info.spec_version.as_str()),
        (SERVER_NAME, "1.2")
    );
    assert_eq!(notify_rust::get_capabilities().unwrap(), CAPABILITIES);
    let handle = Notification::new()
        .appname("orrery")
        .summary("New answer")
        .body("Plain text")
        .hint(Hint::DesktopEntry("orrery".into()))
        .hint(Hint::Urgency(Urgency::Critical))
        .hint(Hint::Category("im.received".into()))
        .action("open", "Open")
        .timeout(Timeout::Milliseconds(6000))
        .show()
        .unwrap();
    let id = handle.id();
    let mut invoked = String::new();
    handle.wait_for_action(|action| invoked = action.to_owned());
    println!("notify-rust: id {id}, action {invoked}");
}
