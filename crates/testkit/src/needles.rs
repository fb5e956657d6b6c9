//! Needles for the search tests and the search benchmark: substrings of the corpus itself, so
//! most of them match, cut at deterministic pseudo-random places.

/// `count` needles of 1 to 8 characters cut from `texts` (normalized), skipping those the
/// query language would read as something else (a leading `-`, quotes, `filter:`) and those
/// SQL `LIKE` would read as wildcards, so every engine searches for the same string.
pub fn sample(texts: &[&str], count: usize, seed: u64) -> Vec<String> {
    let mut state = seed | 1;
    let mut next = move || {
        // xorshift64*: deterministic without a dependency.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut needles = Vec::new();
    while needles.len() < count {
        let chars: Vec<char> = texts[(next() % texts.len() as u64) as usize]
            .chars()
            .collect();
        if chars.is_empty() {
            continue;
        }
        let len = 1 + (next() % 8) as usize;
        let start = (next() % chars.len() as u64) as usize;
        let needle: String = chars[start..(start + len).min(chars.len())]
            .iter()
            .collect();
        let special = needle.starts_with([' ', '-'])
            || needle.ends_with(' ')
            || needle.contains(['"', '“', '”', ':', '%', '_', '\\']);
        if !special {
            needles.push(needle);
        }
    }
    needles
}

/// The query that searches for exactly `needle`: quoted when it holds a space.
pub fn as_query(needle: &str) -> String {
    if needle.contains(' ') {
        format!("\"{needle}\"")
    } else {
        needle.to_owned()
    }
}
