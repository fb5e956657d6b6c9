//! Text as the index sees it.
//!
//! [`normalize`] folds what a reader considers the same text: full-width ASCII (`Ｒｕｓｔ`,
//! `：`) to half-width, the ideographic space and every run of whitespace to one space, and
//! letters to lower case. Documents and queries go through the same function, so "contains"
//! means "contains after normalizing" on both sides — the definition the recall tests use.
//!
//! [`CharGramTokenizer`] cuts normalized text into every character (unigram) and every pair of
//! neighbouring characters (bigram), both at the character's position. A substring of length
//! one is a unigram term; a longer one is a phrase of bigrams at fixed offsets
//! ([`gram_terms`]), which matches exactly the documents that contain it, whatever a word
//! segmenter would have made of its context. Jieba (registered beside it in
//! [`register`]) only ranks.

use tantivy::tokenizer::{
    Language, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// The char-gram tokenizer's name in the index.
pub const GRAMS: &str = "orrery_grams";
/// Jieba + English stemming, for ranking.
pub const WORDS: &str = "orrery_words";

/// Registers both tokenizers on `index`.
pub fn register(index: &tantivy::Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(GRAMS, CharGramTokenizer::default());
    // The shared global dictionary: a per-tokenizer copy costs ~3.5 ms each time tantivy
    // clones the tokenizer, which it does per query (docs/search.md).
    tokenizers.register(
        WORDS,
        TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new())
            .filter(RemoveLongFilter::limit(48))
            .filter(Stemmer::new(Language::English))
            .build(),
    );
}

/// One character of `text` as folded for the index: full-width ASCII to ASCII, the
/// ideographic space to a space.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// `text` normalized: width-folded, lower-cased, whitespace runs as one space, trimmed.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out, |_| {});
    out
}

/// [`normalize`], calling `source` with the byte offset in `text` of the character each
/// output character came from, in order: how snippets map a match back to the original.
pub fn normalize_mapped(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    normalize_into(text, &mut out, |offset| map.push(offset));
    (out, map)
}

fn normalize_into(text: &str, out: &mut String, mut source: impl FnMut(usize)) {
    let mut pending_space = None;
    for (offset, c) in text.char_indices() {
        let c = fold_width(c);
        if c.is_whitespace() {
            pending_space.get_or_insert(offset);
            continue;
        }
        if let Some(space) = pending_space.take()
            && !out.is_empty()
        {
            out.push(' ');
            source(space);
        }
        for lower in c.to_lowercase() {
            out.push(lower);
            source(offset);
        }
    }
}

/// The terms that find `needle` (already normalized) in the char-gram field, with their
/// positions relative to the first: one unigram for a single character; otherwise bigrams at
/// offsets 0, 2, 4… plus the last pair, which cover every character with half the terms of
/// all overlapping pairs. Empty for an empty needle.
pub fn gram_terms(needle: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = needle.chars().collect();
    match chars.len() {
        0 => Vec::new(),
        1 => vec![(0, chars[0].to_string())],
        n => {
            let mut starts: Vec<usize> = (0..n - 1).step_by(2).collect();
            if starts.last() != Some(&(n - 2)) {
                starts.push(n - 2);
            }
            starts
                .into_iter()
                .map(|i| (i, chars[i..i + 2].iter().collect()))
                .collect()
        }
    }
}

/// Every character and every pair of neighbouring characters, both at the character's
/// position. Expects [`normalize`]d text.
#[derive(Debug, Clone, Default)]
pub struct CharGramTokenizer {
    token: Token,
}

/// The stream of [`CharGramTokenizer`].
#[derive(Debug)]
pub struct CharGramStream<'a> {
    text: &'a str,
    /// Byte offset of the current character.
    at: usize,
    position: usize,
    /// The unigram at `at` was emitted; the bigram is next.
    unigram_done: bool,
    token: &'a mut Token,
}

impl Tokenizer for CharGramTokenizer {
    type TokenStream<'a> = CharGramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CharGramStream<'a> {
        self.token.reset();
        CharGramStream {
            text,
            at: 0,
            position: 0,
            unigram_done: false,
            token: &mut self.token,
        }
    }
}

impl CharGramStream<'_> {
    fn emit(&mut self, end: usize) {
        self.token.text.clear();
        self.token.text.push_str(&self.text[self.at..end]);
        self.token.offset_from = self.at;
        self.token.offset_to = end;
        self.token.position = self.position;
        self.token.position_length = 1;
    }
}

impl TokenStream for CharGramStream<'_> {
    fn advance(&mut self) -> bool {
        let rest = &self.text[self.at..];
        let mut chars = rest.chars();
        let Some(first) = chars.next() else {
            return false;
        };
        let first_end = self.at + first.len_utf8();
        if !self.unigram_done {
            self.unigram_done = true;
            self.emit(first_end);
            return true;
        }
        // The bigram starting here, then move on to the next character.
        self.unigram_done = false;
        match chars.next() {
            Some(second) => {
                self.emit(first_end + second.len_utf8());
                self.at = first_end;
                self.position += 1;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(text: &str) -> Vec<(usize, String)> {
        let mut tokenizer = CharGramTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((token.position, token.text.clone()));
        }
        out
    }

    #[test]
    fn every_character_and_pair_at_its_position() {
        assert_eq!(
            grams("异步a"),
            vec![
                (0, "异".into()),
                (0, "异步".into()),
                (1, "步".into()),
                (1, "步a".into()),
                (2, "a".into()),
            ]
        );
        assert!(grams("").is_empty());
        assert_eq!(grams("字"), vec![(0, "字".into())]);
    }

    #[test]
    fn normalizing_folds_width_case_and_spaces() {
        assert_eq!(normalize("  Ｒｕｓｔ\u{3000}\t异步：OK  "), "rust 异步:ok");
        assert_eq!(normalize("Straße İ"), "straße i\u{307}");
    }

    #[test]
    fn the_map_points_each_output_char_at_its_source() {
        let text = "Ａ  b";
        let (out, map) = normalize_mapped(text);
        assert_eq!(out, "a b");
        assert_eq!(map, vec![0, 3, 5]);
    }

    #[test]
    fn gram_terms_cover_every_character() {
        assert_eq!(gram_terms("的"), vec![(0, "的".into())]);
        assert_eq!(gram_terms("异步"), vec![(0, "异步".into())]);
        assert_eq!(
            gram_terms("异步编"),
            vec![(0, "异步".into()), (1, "步编".into())]
        );
        assert_eq!(
            gram_terms("异步编程"),
            vec![(0, "异步".into()), (2, "编程".into())]
        );
        assert_eq!(
            gram_terms("rust 异步"),
            vec![
                (0, "ru".into()),
                (2, "st".into()),
                (4, " 异".into()),
                (5, "异步".into())
            ]
        );
    }
}
