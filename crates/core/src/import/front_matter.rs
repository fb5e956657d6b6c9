//! YAML front matter, the flat subset that note apps write: `key: value` with plain, single- or
//! double-quoted values, `[a, b]` lists and `- item` block lists. Nested maps and multi-line
//! strings are not read (their lines are skipped); anything else is broken front matter, which
//! the caller reports while still importing the file.

use std::collections::HashMap;

/// A value: one string, or a list of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    One(String),
    List(Vec<String>),
}

impl Value {
    /// The value as one string (a list's first item).
    pub fn first(&self) -> Option<&str> {
        match self {
            Self::One(s) => Some(s.as_str()),
            Self::List(items) => items.first().map(String::as_str),
        }
        .filter(|s| !s.is_empty())
    }

    /// The value as a list (a string split at commas).
    pub fn items(&self) -> Vec<String> {
        match self {
            Self::One(s) => s
                .split([',', '，'])
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect(),
            Self::List(items) => items.clone(),
        }
    }
}

/// Keys (lower-cased) and their values.
pub type FrontMatter = HashMap<String, Value>;

/// Splits `text` into its front matter and the rest. No front matter: an empty map and the
/// whole text. Broken front matter: the error says why; the caller keeps the whole text.
pub fn split(text: &str) -> Result<(FrontMatter, &str), String> {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return Ok((FrontMatter::new(), text));
    };
    let mut offset = 0;
    let mut end = None;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let (yaml_end, body_start) = end.ok_or("the front matter has no closing ---")?;
    Ok((parse(&rest[..yaml_end])?, &rest[body_start..]))
}

fn parse(yaml: &str) -> Result<FrontMatter, String> {
    let mut map = FrontMatter::new();
    // The key whose block list the next `- item` lines extend.
    let mut list_key: Option<String> = None;
    for (number, line) in yaml.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if let Some(item) = trimmed
            .strip_prefix("- ")
            .or((trimmed == "-").then_some(""))
        {
            if let Some(Value::List(items)) = list_key.as_ref().and_then(|k| map.get_mut(k)) {
                items.push(scalar(item)?);
            }
            // A list under a nested key: skipped, like the key.
            continue;
        }
        if indented {
            // A nested map's entries, or a folded string's lines: not read.
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            return Err(format!(
                "line {} of the front matter is not `key: value`",
                number + 2
            ));
        };
        let key = key.trim().trim_matches(['"', '\'']).to_lowercase();
        let value = value.trim();
        list_key = None;
        if value.is_empty() {
            // A block list (or nested map) follows.
            map.insert(key.clone(), Value::List(Vec::new()));
            list_key = Some(key);
        } else if let Some(inner) = value.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or_else(|| format!("the list of `{key}` is not closed"))?;
            let items = flow_items(inner)
                .iter()
                .map(|item| scalar(item))
                .collect::<Result<Vec<_>, _>>()?;
            map.insert(
                key,
                Value::List(items.into_iter().filter(|i| !i.is_empty()).collect()),
            );
        } else if value == "|" || value == ">" || value.starts_with("|-") || value.starts_with(">-")
        {
            map.insert(key, Value::One(String::new()));
        } else {
            map.insert(key, Value::One(scalar(value)?));
        }
    }
    Ok(map)
}

/// The items of a flow list's inside, split at commas outside quotes.
fn flow_items(inner: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut quote = None;
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in inner.char_indices() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, ',') => {
                items.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        escaped = false;
    }
    items.push(inner[start..].trim());
    items
}

/// A plain, single-quoted or double-quoted (JSON escapes) scalar; `null` and `~` are empty.
fn scalar(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.starts_with('"') {
        return serde_json::from_str::<String>(value)
            .map_err(|_| format!("the quoted value {value} is not closed or not valid"));
    }
    if let Some(inner) = value.strip_prefix('\'') {
        let inner = inner
            .strip_suffix('\'')
            .ok_or_else(|| format!("the quoted value {value} is not closed"))?;
        return Ok(inner.replace("''", "'"));
    }
    if value == "null" || value == "~" {
        return Ok(String::new());
    }
    // A comment after a plain value.
    let value = value.split(" #").next().unwrap_or(value);
    Ok(value.trim().to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn omnivore_and_orrery_front_matter() {
        let (map, body) = split(
            "---\nid: 14c61da8\ndate_saved: 2024-04-14 03:14:50\ndraft: true\n---\n\n# 标题\n",
        )
        .unwrap();
        assert_eq!(map["date_saved"].first(), Some("2024-04-14 03:14:50"));
        assert_eq!(body, "\n# 标题\n");
        let (map, _) = split(
            "---\ntitle: \"引号 \\\"里\\\" 的标题\"\nauthor: null\ntags: [\"复盘\", \"a, b\"]\nurl: 'https://x.y/it''s'\n---\n",
        )
        .unwrap();
        assert_eq!(map["title"].first(), Some("引号 \"里\" 的标题"));
        assert_eq!(map["author"].first(), None);
        assert_eq!(map["tags"].items(), ["复盘", "a, b"]);
        assert_eq!(map["url"].first(), Some("https://x.y/it's"));
    }

    #[test]
    fn block_lists_and_nested_keys() {
        let (map, _) = split(
            "---\ntags:\n  - 读书\n  - notes\nmeta:\n  nested: 1\nTitle: Plain # note\n---\n",
        )
        .unwrap();
        assert_eq!(map["tags"].items(), ["读书", "notes"]);
        assert_eq!(map["title"].first(), Some("Plain"));
    }

    #[test]
    fn no_front_matter_is_the_whole_text() {
        let (map, body) = split("# Only a heading\n---\n").unwrap();
        assert!(map.is_empty());
        assert_eq!(body, "# Only a heading\n---\n");
    }

    #[test]
    fn broken_front_matter_says_why() {
        assert!(split("---\ntitle: x\n").unwrap_err().contains("closing"));
        assert!(
            split("---\njust words\n---\n")
                .unwrap_err()
                .contains("line 2")
        );
        assert!(
            split("---\ntitle: \"open\n---\n")
                .unwrap_err()
                .contains("quoted")
        );
        assert!(
            split("---\ntags: [a, b\n---\n")
                .unwrap_err()
                .contains("not closed")
        );
    }
}
