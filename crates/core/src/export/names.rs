//! File names in an exported vault: readable (the date and the title, as a person would name
//! the note), unique, and safe on Windows, macOS and Linux (no reserved characters or names,
//! nothing invisible, short enough for every file system). Chosen in the export's order, so
//! the same archive always names a topic the same way.

use std::collections::{HashMap, HashSet};

use zsxq::TopicId;

use super::doc::Head;
use crate::media::safe_file_name;

/// Characters of the title kept in a name: long titles make unwieldy file names, and some
/// file systems count bytes (255), which 60 CJK characters stay well under.
const TITLE_CHARS: usize = 60;

/// The note name (without `.md`) of each topic, and the folder of each circle.
#[derive(Debug, Default)]
pub struct Names {
    /// Each topic's circle and note.
    notes: HashMap<TopicId, (i64, String)>,
    folders: HashMap<i64, String>,
}

impl Names {
    /// Names every topic of `heads` (in export order) and every circle they are in.
    pub fn of(heads: &[Head]) -> Self {
        Self::new(
            heads
                .iter()
                .map(|h| (h.id, h.group_id, h.circle.as_str(), note_name(h))),
        )
    }

    fn new<'a>(docs: impl IntoIterator<Item = (TopicId, i64, &'a str, String)>) -> Self {
        let mut names = Self::default();
        let mut taken_folders = HashSet::new();
        let mut wanted: Vec<(TopicId, i64, String)> = Vec::new();
        for (topic, group, circle, note) in docs {
            names.folders.entry(group).or_insert_with(|| {
                let base = portable(circle, &format!("circle-{group}"));
                let name = if taken_folders.contains(&base.to_lowercase()) {
                    format!("{base} ({group})")
                } else {
                    base
                };
                taken_folders.insert(name.to_lowercase());
                name
            });
            wanted.push((topic, group, note));
        }
        // Two notes of one circle wanting the same name both get their id: which one is
        // "first" must not depend on what else is exported this time.
        let mut counts: HashMap<(i64, String), usize> = HashMap::new();
        for (_, group, note) in &wanted {
            *counts.entry((*group, note.to_lowercase())).or_default() += 1;
        }
        for (topic, group, note) in wanted {
            let name = if counts[&(group, note.to_lowercase())] > 1 {
                format!("{note} ({topic})")
            } else {
                note
            };
            names.notes.insert(topic, (group, name));
        }
        names
    }

    /// The note's name (without extension), if the topic is exported.
    pub fn note(&self, topic: TopicId) -> Option<&str> {
        self.notes.get(&topic).map(|(_, note)| note.as_str())
    }

    /// The wiki-link target of an exported topic, `circle folder/note`: a note name may be
    /// in several circles.
    pub fn link(&self, topic: TopicId) -> Option<String> {
        let (group, note) = self.notes.get(&topic)?;
        Some(format!("{}/{note}", self.folder(*group)))
    }

    /// The circle's folder.
    pub fn folder(&self, group: i64) -> &str {
        self.folders.get(&group).map_or("", String::as_str)
    }
}

/// A topic's wanted note name: `2024-03-01 标题` (the date as the service's clock had it).
pub fn note_name(head: &Head) -> String {
    let date = head.date();
    let title: String = head
        .title
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .take(TITLE_CHARS)
        .collect();
    portable(&format!("{date} {}", title.trim()), date)
}

/// `name` as one portable path component. Beyond [`safe_file_name`]: no path separators, and
/// none of the characters Obsidian cannot link to (`#^[]|`).
fn portable(name: &str, fallback: &str) -> String {
    let flat: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | '#' | '^' | '[' | ']' | '|' => '_',
            c => c,
        })
        .collect();
    let collapsed = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    safe_file_name(&collapsed, fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_portable_and_unique_per_circle() {
        let topics = [
            (1, 7, "产品/运营 星球", "2024-03-01 如何复盘？ #读书#"),
            (2, 7, "产品/运营 星球", "2024-03-01 如何复盘？ #读书#"),
            (3, 7, "产品/运营 星球", "2024-03-02 CON"),
            (4, 8, "产品/运营 星球", "2024-03-01 如何复盘？ #读书#"),
            (5, 9, "", "2024-03-03 a\u{202E}b"),
        ];
        let names = Names::new(
            topics
                .iter()
                .map(|(t, g, c, n)| (TopicId::new(*t), *g, *c, portable(n, "x"))),
        );
        assert_eq!(names.folder(7), "产品_运营 星球");
        assert_eq!(names.folder(8), "产品_运营 星球 (8)");
        assert_eq!(names.folder(9), "circle-9");
        let note = |t| names.note(TopicId::new(t)).unwrap_or_default().to_owned();
        assert_eq!(note(1), "2024-03-01 如何复盘？ _读书_ (1)");
        assert_eq!(note(2), "2024-03-01 如何复盘？ _读书_ (2)");
        assert_eq!(
            note(4),
            "2024-03-01 如何复盘？ _读书_",
            "another circle's folder"
        );
        assert_eq!(note(5), "2024-03-03 ab");
        for t in 1..=5 {
            let n = note(t);
            assert!(
                !n.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|', '#']),
                "{n}"
            );
        }
        assert_eq!(portable("CON", "x"), "_CON");
    }
}
