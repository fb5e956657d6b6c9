//! The shape of a JSON document and the diff of two shapes.
//!
//! A shape maps every key path (`resp_data.groups[].owner.name`; `[]` stands for the elements
//! of an array, whose shapes are merged) to the JSON types seen there, and counts how often each
//! key was present among the objects at its parent path. A key the sample carries in *every*
//! object at its parent is required of the sim too; a key the sample itself shows only in some
//! of them is optional, and the sim may leave it out.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Types and presence per key path.
#[derive(Debug, Default)]
pub struct Shape {
    types: BTreeMap<String, BTreeSet<&'static str>>,
    /// Objects seen at each path: the parents of that path's keys.
    objects: BTreeMap<String, usize>,
    /// How many of those objects carried each key.
    present: BTreeMap<String, usize>,
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The path whose objects hold `path`'s key, or the array whose elements `path` names.
fn parent(path: &str) -> &str {
    if let Some(array) = path.strip_suffix("[]") {
        return array;
    }
    path.rfind('.').map_or("", |i| &path[..i])
}

fn types(set: &BTreeSet<&'static str>) -> String {
    set.iter().copied().collect::<Vec<_>>().join("|")
}

impl Shape {
    pub fn of(value: &Value) -> Self {
        let mut shape = Self::default();
        shape.walk(value, "");
        shape
    }

    fn walk(&mut self, value: &Value, path: &str) {
        self.types
            .entry(path.to_owned())
            .or_default()
            .insert(kind(value));
        match value {
            Value::Object(fields) => {
                *self.objects.entry(path.to_owned()).or_default() += 1;
                for (key, child) in fields {
                    let child_path = join(path, key);
                    *self.present.entry(child_path.clone()).or_default() += 1;
                    self.walk(child, &child_path);
                }
            }
            Value::Array(items) => {
                let element = format!("{path}[]");
                for item in items {
                    self.walk(item, &element);
                }
            }
            _ => {}
        }
    }

    /// `(carried, objects)`: how many objects at the parent path carry this key, of how many.
    fn presence(&self, path: &str) -> (usize, usize) {
        let carried = self.present.get(path).copied().unwrap_or(0);
        let objects = self.objects.get(parent(path)).copied().unwrap_or(0);
        (carried, objects)
    }

    /// A key every object at its parent path carries (array elements are never required:
    /// arrays may be empty).
    fn required(&self, path: &str) -> bool {
        if path.ends_with("[]") {
            return false;
        }
        let (carried, objects) = self.presence(path);
        objects > 0 && carried == objects
    }
}

/// What a difference may be excused as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allow {
    /// The sim serves this key (and what is under it) though the sample lacks it: the key is
    /// documented in PROTOCOL.md.
    Extra,
    /// The sim may leave out a key the sample always carries (or never fill an array the sample
    /// fills).
    Missing,
    /// The sim may carry the key in only some objects though the sample has it in all.
    Optional,
}

/// One excused difference: a path (and the subtree under it), what is excused, and why.
#[derive(Debug, Clone)]
pub struct Exception {
    pub path: String,
    pub allow: Allow,
    pub reason: &'static str,
}

fn covers(pattern: &str, path: &str) -> bool {
    path == pattern
        || path
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

fn excused(exceptions: &[Exception], path: &str, allow: Allow) -> bool {
    exceptions
        .iter()
        .any(|e| e.allow == allow && covers(&e.path, path))
}

/// Every difference between what the sample shows and what the sim served, one line each,
/// naming the path and both sides' types: "no more and no less".
pub fn diff(sample: &Shape, sim: &Shape, exceptions: &[Exception]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, sample_types) in &sample.types {
        if path.is_empty() {
            continue;
        }
        let Some(sim_types) = sim.types.get(path) else {
            // Only where the sim has the parent: a missing parent is reported itself.
            if !sim.types.contains_key(parent(path)) || excused(exceptions, path, Allow::Missing) {
                continue;
            }
            if path.ends_with("[]") {
                out.push(format!(
                    "{path}: sample has {} elements, sim's arrays here are always empty",
                    types(sample_types)
                ));
            } else if sample.required(path) {
                out.push(format!(
                    "{path}: sample {}, sim missing",
                    types(sample_types)
                ));
            }
            continue;
        };
        if !sim_types.is_subset(sample_types) {
            out.push(format!(
                "{path}: sample {}, sim {}",
                types(sample_types),
                types(sim_types)
            ));
        }
        if sample.required(path)
            && !sim.required(path)
            && !excused(exceptions, path, Allow::Optional)
            && !excused(exceptions, path, Allow::Missing)
        {
            let (carried, objects) = sim.presence(path);
            out.push(format!(
                "{path}: sample {} in every object, sim {} in only {carried} of {objects}",
                types(sample_types),
                types(sim_types)
            ));
        }
    }
    for (path, sim_types) in &sim.types {
        if sample.types.contains_key(path) || excused(exceptions, path, Allow::Extra) {
            continue;
        }
        // Report the top of an extra subtree only.
        if !parent(path).is_empty() && !sample.types.contains_key(parent(path)) {
            continue;
        }
        out.push(format!(
            "{path}: sample has no such key, sim {}",
            types(sim_types)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_diff_names_missing_extra_retyped_and_optional_keys() {
        let sample = Shape::of(&json!({"a": [{"x": 1, "y": "s"}, {"x": 2}], "b": true}));
        let same = Shape::of(&json!({"a": [{"x": 5}], "b": false}));
        assert!(diff(&sample, &same, &[]).is_empty());
        let sim = Shape::of(&json!({"a": [{"x": "1", "z": 1}, {"y": "s"}], "c": null}));
        let found = diff(&sample, &sim, &[]);
        assert_eq!(
            found,
            [
                "a[].x: sample number, sim string",
                "a[].x: sample number in every object, sim string in only 1 of 2",
                "b: sample bool, sim missing",
                "a[].z: sample has no such key, sim number",
                "c: sample has no such key, sim null",
            ]
        );
        let excused = [Exception {
            path: "c".into(),
            allow: Allow::Extra,
            reason: "test",
        }];
        assert_eq!(diff(&sample, &sim, &excused).len(), 4);
        let empty = Shape::of(&json!({"a": [], "b": true}));
        assert_eq!(
            diff(&sample, &empty, &[]),
            ["a[]: sample has object elements, sim's arrays here are always empty"]
        );
    }
}
