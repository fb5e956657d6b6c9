//! A dataset rendered in-process, without HTTP: every topic in its detail form with its whole
//! comment thread, exactly as the routes would serve them. Loading a million-topic archive
//! through paged requests takes hours even without pacing; benchmarks load it from here
//! straight into a store instead.

use std::ops::ControlFlow;

use serde_json::Value;

use crate::config::{SimConfig, SimError};
use crate::content;
use crate::dataset;
use crate::render::Renderer;
use crate::world::TopicRef;

/// One topic of an exported dataset.
#[derive(Debug, Clone)]
pub struct ExportedTopic {
    /// The circle it belongs to.
    pub group_id: i64,
    /// The topic, as `GET /v2/topics/{id}` serves it.
    pub topic: Value,
    /// Its top-level comments with their replies nested in `replied_comments`, oldest first,
    /// as `GET /v2/topics/{id}/comments` serves them.
    pub comments: Vec<Value>,
}

/// Calls `each` with every topic of `config`'s dataset, circle by circle, newest first, until
/// it returns [`ControlFlow::Break`]. Media URLs point at `base_url`.
pub fn export(
    config: &SimConfig,
    base_url: &str,
    mut each: impl FnMut(ExportedTopic) -> ControlFlow<()>,
) -> Result<(), SimError> {
    let world = dataset::build(config)?;
    let r = Renderer {
        world: &world,
        base: base_url,
    };
    for (c, circle) in world.circles.iter().enumerate() {
        for ordinal in 0..circle.topics.len() {
            let at = TopicRef {
                circle: c as u16,
                ordinal: ordinal as u32,
            };
            let all = content::comments(&world, at);
            let comments = all
                .iter()
                .filter(|rec| rec.parent.is_none())
                .map(|top| r.thread_entry(at, &all, top))
                .collect();
            let topic = ExportedTopic {
                group_id: circle.group_id,
                topic: r.topic(at, false),
                comments,
            };
            if each(topic).is_break() {
                return Ok(());
            }
        }
    }
    Ok(())
}
