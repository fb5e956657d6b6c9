//! A tray host for the app's private session bus: what a desktop panel (GNOME Shell's
//! AppIndicator extension, KDE Plasma, waybar) does to show the app's tray icon, reduced to
//! what a test needs.
//!
//! The app's tray is a StatusNotifierItem (through libayatana-appindicator) that registers
//! with the `org.kde.StatusNotifierWatcher` on the session bus and exports its menu over
//! `com.canonical.dbusmenu`. A test session has no panel, so [`TrayHost`] plays the watcher,
//! then reads the registered item's menu and clicks its entries over D-Bus, as a panel would.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::StreamExt;
use zbus::message::Header;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

const WATCHER_NAME: &str = "org.kde.StatusNotifierWatcher";
const WATCHER_PATH: &str = "/StatusNotifierWatcher";

/// Items registered with the watcher: `(bus name, object path)`.
type Registered = Arc<Mutex<Vec<(String, String)>>>;

struct Watcher {
    items: Registered,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    async fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: Header<'_>,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) {
        // libayatana passes its object path and is known by its sender; other items pass a
        // bus name and use the conventional path.
        let sender = header.sender().map(ToString::to_string).unwrap_or_default();
        let (name, path) = if service.starts_with('/') {
            (sender, service.to_owned())
        } else {
            (service.to_owned(), "/StatusNotifierItem".to_owned())
        };
        let entry = format!("{name}{path}");
        self.items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((name, path));
        let _ = Self::status_notifier_item_registered(&emitter, &entry).await;
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(name, path)| format!("{name}{path}"))
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }

    #[zbus(signal)]
    async fn status_notifier_item_registered(
        emitter: &SignalEmitter<'_>,
        service: &str,
    ) -> zbus::Result<()>;
}

/// The watcher on one session bus, and the items that registered with it.
pub struct TrayHost {
    connection: zbus::Connection,
    items: Registered,
}

/// One entry of a tray menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    pub id: i32,
    pub label: String,
}

impl TrayHost {
    /// Claims the watcher's name on the bus at `address`.
    pub async fn start(address: &str) -> anyhow::Result<Self> {
        let items = Registered::default();
        let connection = zbus::connection::Builder::address(address)?
            .serve_at(
                WATCHER_PATH,
                Watcher {
                    items: items.clone(),
                },
            )?
            .name(WATCHER_NAME)?
            .build()
            .await
            .context("serving org.kde.StatusNotifierWatcher")?;
        Ok(Self { connection, items })
    }

    /// The first registered item's menu (its `Menu` property), waiting for the app to register.
    pub async fn menu(&self, timeout: Duration) -> anyhow::Result<TrayMenu> {
        let deadline = Instant::now() + timeout;
        let (name, path) = loop {
            let first = self
                .items
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .first()
                .cloned();
            if let Some(item) = first {
                break item;
            }
            if Instant::now() > deadline {
                bail!("no tray item registered with the watcher within {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let item = zbus::Proxy::new(
            &self.connection,
            name.clone(),
            path,
            "org.kde.StatusNotifierItem",
        )
        .await?;
        let menu: OwnedObjectPath = item.get_property("Menu").await?;
        let proxy =
            zbus::Proxy::new(&self.connection, name, menu, "com.canonical.dbusmenu").await?;
        Ok(TrayMenu { proxy })
    }
}

/// A tray item's menu, read and clicked over `com.canonical.dbusmenu`.
pub struct TrayMenu {
    proxy: zbus::Proxy<'static>,
}

/// `(id, properties, children)`: dbusmenu's `(ia{sv}av)`.
type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

impl TrayMenu {
    /// The menu's entries in order, separators left out.
    pub async fn entries(&self) -> anyhow::Result<Vec<MenuEntry>> {
        let reply = self
            .proxy
            .call_method("GetLayout", &(0_i32, -1_i32, Vec::<&str>::new()))
            .await?;
        let (_revision, (_root, _props, children)): (u32, Layout) = reply.body().deserialize()?;
        Ok(children.iter().filter_map(|c| entry(c)).collect())
    }

    /// The label of the entry at `index`, once `pred` accepts it.
    pub async fn wait_label(
        &self,
        index: usize,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> anyhow::Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let label = self.entries().await?.get(index).map(|e| e.label.clone());
            match label {
                Some(label) if pred(&label) => return Ok(label),
                _ if Instant::now() > deadline => {
                    bail!(
                        "tray entry {index} is {label:?}, not the one expected, after {timeout:?}"
                    )
                }
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Every label the entry `id` takes from now on, as the menu announces its changes.
    pub async fn watch_label(&self, id: i32) -> anyhow::Result<Arc<Mutex<Vec<String>>>> {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut updates = self.proxy.receive_signal("ItemsPropertiesUpdated").await?;
        let record = seen.clone();
        tokio::spawn(async move {
            while let Some(signal) = updates.next().await {
                type Updated = (
                    Vec<(i32, HashMap<String, OwnedValue>)>,
                    Vec<(i32, Vec<String>)>,
                );
                let Ok((updated, _removed)) = signal.body().deserialize::<Updated>() else {
                    continue;
                };
                for (item, props) in updated {
                    if let Some(label) = props.get("label").and_then(|l| text(l))
                        && item == id
                    {
                        record
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push(label);
                    }
                }
            }
        });
        Ok(seen)
    }

    /// Clicks the entry `id`, as a panel does when the member picks it.
    pub async fn click(&self, id: i32) -> anyhow::Result<()> {
        let timestamp = 0_u32;
        self.proxy
            .call_method("Event", &(id, "clicked", Value::I32(0), timestamp))
            .await?;
        Ok(())
    }
}

/// A child of the layout: a variant holding `(ia{sv}av)`. Separators have no label.
fn entry(value: &Value<'_>) -> Option<MenuEntry> {
    let Value::Structure(fields) = unwrap(value) else {
        return None;
    };
    let [Value::I32(id), Value::Dict(props), ..] = fields.fields() else {
        return None;
    };
    let label = props
        .iter()
        .find(|(key, _)| text(key).as_deref() == Some("label"))
        .and_then(|(_, value)| text(value))?;
    Some(MenuEntry { id: *id, label })
}

fn unwrap<'a, 'v>(value: &'a Value<'v>) -> &'a Value<'v> {
    match value {
        Value::Value(inner) => unwrap(inner),
        other => other,
    }
}

fn text(value: &Value<'_>) -> Option<String> {
    match unwrap(value) {
        Value::Str(s) => Some(s.as_str().to_owned()),
        _ => None,
    }
}
