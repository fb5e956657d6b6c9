//! Files and folders dropped on the window are imported into 已保存 / Saved. The window hears of
//! a drop through the `watch_opens` stream it already holds (as `OpenTargetDto::Import`), so the
//! page needs no permission to listen to events; the import itself is the `import_documents`
//! command, as when a path is typed.

use tauri::DragDropEvent;
use tokio::sync::broadcast;

/// The dropped paths, to every `watch_opens` stream.
pub struct Drops(broadcast::Sender<Vec<String>>);

impl Drops {
    pub fn new() -> Self {
        Self(broadcast::channel(8).0)
    }

    /// A stream of the drops from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Vec<String>> {
        self.0.subscribe()
    }

    /// Passes on what a drop on the window brought.
    pub fn hear(&self, event: &DragDropEvent) {
        if let DragDropEvent::Drop { paths, .. } = event
            && !paths.is_empty()
        {
            let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            tracing::info!(files = paths.len(), "files dropped on the window");
            // Nobody listening (no window yet): nothing to do.
            let _ = self.0.send(paths);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use tauri::PhysicalPosition;

    use super::*;

    /// A drop reaches every stream as its paths; dragging over the window does not. (The drop
    /// itself comes from the window system, which WebDriver cannot drive: the end-to-end suite
    /// imports by path instead.)
    #[test]
    fn a_drop_reaches_the_streams_and_hovering_does_not() {
        let drops = Drops::new();
        let mut stream = drops.subscribe();
        let position = PhysicalPosition::new(10.0, 20.0);
        drops.hear(&DragDropEvent::Enter {
            paths: vec![PathBuf::from("/tmp/a.md")],
            position,
        });
        drops.hear(&DragDropEvent::Over { position });
        drops.hear(&DragDropEvent::Drop {
            paths: vec![PathBuf::from("/tmp/笔记.md"), PathBuf::from("/tmp/vault")],
            position,
        });
        assert_eq!(
            stream.try_recv().ok(),
            Some(vec!["/tmp/笔记.md".to_owned(), "/tmp/vault".to_owned()])
        );
        assert!(stream.try_recv().is_err());
    }
}
