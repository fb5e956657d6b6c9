//! `jsonl:PATH`: serves any corpus, one topic per line. A line needs `text`; `group_id`,
//! `topic_id`, `type` (`talk`, `q&a`, `task`, `solution`), `create_time` (the service's format)
//! and `author` (a name, or `{"user_id":…, "name":…}`) are optional. Everything else — members,
//! comments, likes, answers — is generated as for the other datasets.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use zsxq::{GroupId, Timestamp, TopicId, UserId};

use super::generate::{add_circle, new_topic_meta};
use crate::rng::{Rng, tag};
use crate::world::{Attachments, Kind, NONE, StoredTopic, World, flag};

#[derive(Debug, Deserialize)]
struct Line {
    text: String,
    #[serde(default)]
    group_id: Option<GroupId>,
    #[serde(default)]
    topic_id: Option<TopicId>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    create_time: Option<Timestamp>,
    #[serde(default)]
    author: Option<Author>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Author {
    Name(String),
    User {
        #[serde(default)]
        user_id: Option<UserId>,
        name: String,
    },
}

/// Lines without a `create_time` are spaced an hour apart, in file order, up to the anchor.
const SYNTHETIC_STEP_MS: i64 = 3_600_000;

pub(super) fn load(world: &mut World, path: &Path) -> Result<(), String> {
    let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut groups: Vec<(Option<i64>, Vec<Line>)> = Vec::new();
    for (number, text) in source.lines().enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        let line: Line =
            serde_json::from_str(text).map_err(|e| format!("line {}: {e}", number + 1))?;
        let group = line.group_id.map(GroupId::get);
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, lines)) => lines.push(line),
            None => groups.push((group, vec![line])),
        }
    }
    if groups.is_empty() {
        return Err("the file has no topics".to_owned());
    }
    let mut authors: HashMap<String, u32> = HashMap::new();
    for (index, (group_id, lines)) in groups.into_iter().enumerate() {
        let name = if index == 0 {
            "导入的星球".to_owned()
        } else {
            format!("导入的星球 {}", index + 1)
        };
        let c = add_circle(world, index, Some(name), group_id, lines.len() as u64);
        load_circle(world, c, lines, &mut authors);
    }
    Ok(())
}

fn load_circle(world: &mut World, c: usize, lines: Vec<Line>, authors: &mut HashMap<String, u32>) {
    let count = lines.len() as i64;
    let mut timed: Vec<(i64, usize, Line)> = lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let time = line.create_time.map_or(
                world.anchor_ms - (count - i as i64) * SYNTHETIC_STEP_MS,
                Timestamp::to_unix_millis,
            );
            (time, i, line)
        })
        .collect();
    timed.sort_by_key(|(time, i, _)| (*time, *i));

    let mut rng = Rng::keyed(&[world.seed, tag::TIMELINE, c as u64]);
    let mut last_task = None;
    for (time, _, line) in timed {
        let mut meta = new_topic_meta(world, c, &mut rng, time, false, last_task, true);
        meta.kind = match line.kind.as_deref() {
            Some("q&a") => Kind::Question,
            Some("task") => Kind::Task,
            Some("solution") if last_task.is_some() => Kind::Solution,
            _ => Kind::Talk,
        };
        if meta.kind != Kind::Question {
            meta.flags &= !(flag::ANSWERED | flag::ANONYMOUS | flag::SILENCED);
        }
        meta.flags = (meta.flags & !flag::STICKY) | flag::STORED;
        meta.aux = if meta.kind == Kind::Solution {
            last_task.unwrap_or(0)
        } else {
            0
        };
        meta.column = NONE;
        meta.hashtag = crate::content::hashtag_in(world, c, &line.text);
        if let Some(author) = &line.author {
            meta.author = resolve_author(world, author, authors);
        } else if meta.kind == Kind::Task {
            meta.author = world.circles.get(c).map_or(0, |circle| circle.owner);
        }
        let at = world.push_topic(c, meta);
        if meta.kind == Kind::Task {
            last_task = Some(at.ordinal);
        }
        let topic_id = line.topic_id.map(TopicId::get);
        if let Some(id) = topic_id {
            world.explicit_ids.insert(id, at);
        }
        world.stored.insert(
            at,
            StoredTopic {
                topic_id,
                text: line.text,
                attachments: Attachments::default(),
            },
        );
    }
}

fn resolve_author(world: &mut World, author: &Author, authors: &mut HashMap<String, u32>) -> u32 {
    match author {
        Author::User {
            user_id: Some(id),
            name,
        } => world.add_user_with_id(id.get(), name.clone(), None, None),
        Author::Name(name) | Author::User { name, .. } => {
            if let Some(&user) = authors.get(name) {
                return user;
            }
            let user = world.add_user(name.clone(), None, None);
            authors.insert(name.clone(), user);
            user
        }
    }
}
