//! EPUB 3 for e-readers: a chapter per topic (the single HTML file's article, as XHTML), the
//! cached images as resources of the book, and a table of contents (the navigation document
//! and a page of it at the front). Built by `epub-builder`.
//!
//! Two things in what `epub-builder` writes change from run to run: the time stamped on every
//! zip entry and, unless set, a random identifier. The identifier is set from the book's content
//! (SHA-256 of its chapters and images) and its modification date from the newest topic, and
//! the finished zip is copied entry by entry with a fixed time (the compressed bytes as they
//! are), so the same archive gives a byte-identical book.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Cursor;

use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, ZipLibrary};
use sha2::{Digest, Sha256};
use zsxq::ImageId;
use zsxq::rich_text::escape_html as escape;

use super::ExportError;

/// The style of every chapter: the single HTML file's, without its screen layout.
const STYLE: &str = "body{font-family:serif;line-height:1.7}h2{font-size:1.3em}\
h3{font-size:1.05em}.meta{color:#666;font-size:.9em}img{max-width:100%;height:auto}\
.comments{font-size:.95em}.comments li{margin:.6em 0}.missing{color:#888;font-style:italic}\
.tag{color:#a0522d}";

/// A book being written.
pub struct Book {
    builder: EpubBuilder<ZipLibrary>,
    lang: &'static str,
    /// Over every chapter and image, in order: the book's identifier.
    hasher: Sha256,
    images: HashSet<ImageId>,
    chapters: usize,
    newest_ms: i64,
}

fn failed(err: epub_builder::Error) -> ExportError {
    ExportError::Epub(err.to_string())
}

impl Book {
    pub fn new(title: &str, lang: &'static str, contents: &str) -> Result<Self, ExportError> {
        let mut builder = EpubBuilder::new(ZipLibrary::new().map_err(failed)?).map_err(failed)?;
        builder.epub_version(EpubVersion::V30);
        // No author: epub-builder 0.8.3 gives authors the ids it gives languages
        // (`epub-creator-0` twice), which epubcheck refuses; EPUB 3 needs none.
        builder.set_title(xml_chars(title));
        builder.set_languages(vec![lang.to_owned()]);
        builder.set_generator("Orrery");
        builder.stylesheet(STYLE.as_bytes()).map_err(failed)?;
        builder.inline_toc();
        builder.set_toc_name(contents);
        let mut hasher = Sha256::new();
        hasher.update(title.as_bytes());
        Ok(Self {
            builder,
            lang,
            hasher,
            images: HashSet::new(),
            chapters: 0,
            newest_ms: 0,
        })
    }

    /// Puts an image in the book once; its path for an `<img src>`.
    pub fn image(
        &mut self,
        id: ImageId,
        extension: &str,
        mime: &str,
        bytes: &[u8],
    ) -> Result<String, ExportError> {
        let path = format!("images/{id}.{extension}");
        if self.images.insert(id) {
            self.hasher.update(path.as_bytes());
            self.hasher.update(bytes);
            self.builder
                .add_resource(&path, bytes, mime)
                .map_err(failed)?;
        }
        Ok(path)
    }

    /// A chapter of one topic: `article` is its HTML, as the single file has it.
    pub fn chapter(&mut self, title: &str, time_ms: i64, article: &str) -> Result<(), ExportError> {
        // A post's title may hold a terminal escape; XML allows no such character anywhere.
        let title = &xml_chars(title);
        self.chapters += 1;
        self.newest_ms = self.newest_ms.max(time_ms);
        let mut page = String::with_capacity(article.len() + 512);
        let _ = write!(
            page,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
             <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" \
             lang=\"{lang}\" xml:lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\"/>\n\
             <title>{title}</title>\n\
             <link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n<body>\n",
            lang = self.lang,
            title = escape(title),
        );
        page.push_str(&to_xhtml(article));
        page.push_str("</body>\n</html>\n");
        self.hasher.update(page.as_bytes());
        let name = format!("topic-{:05}.xhtml", self.chapters);
        self.builder
            .add_content(
                EpubContent::new(name, page.as_bytes())
                    .title(title)
                    .reftype(ReferenceType::Text),
            )
            .map_err(failed)?;
        Ok(())
    }

    /// The book's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, ExportError> {
        let digest = self.hasher.finalize();
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        // A version-4-shaped identifier (random bits from the hash), as readers expect a UUID.
        id[6] = (id[6] & 0x0f) | 0x40;
        id[8] = (id[8] & 0x3f) | 0x80;
        self.builder.set_uuid(uuid::Uuid::from_bytes(id));
        let newest = chrono::DateTime::from_timestamp_millis(self.newest_ms).unwrap_or_default();
        self.builder.set_modified_date(newest);
        let mut zipped = Vec::new();
        self.builder.generate(&mut zipped).map_err(failed)?;
        restamp(&zipped).map_err(|err| ExportError::Epub(err.to_string()))
    }
}

/// The zip again, every entry's time set to the zip format's first day.
fn restamp(zipped: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    let mut from = zip::ZipArchive::new(Cursor::new(zipped))?;
    let mut to = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(zipped.len())));
    for i in 0..from.len() {
        let entry = from.by_index_raw(i)?;
        to.raw_copy_file_touch(entry, zip::DateTime::default(), None)?;
    }
    Ok(to.finish()?.into_inner())
}

/// HTML as XHTML that epubcheck accepts: void elements closed (`<br/>`), `&nbsp;` as a
/// character reference (XML knows no HTML entities), characters XML forbids dropped, a link whose
/// address the sanitizer removed (`javascript:`) as a `<span>`, and characters a URI cannot
/// hold percent-encoded in the rest. Enough for the export's own HTML, which the sanitizer and
/// the export wrote: every attribute quoted, every element closed, links never nested.
pub fn to_xhtml(html: &str) -> String {
    const VOID: [&str; 5] = ["br", "hr", "img", "wbr", "meta"];
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    // Whether the open `<a>` became a `<span>`.
    let mut spanned = false;
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        text(&mut out, &rest[..at]);
        let Some(end) = rest[at..].find('>').map(|e| at + e) else {
            text(&mut out, &rest[at..]);
            return out;
        };
        let tag = &rest[at..=end];
        let name: String = tag[1..]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if VOID.contains(&name.as_str()) && !tag.ends_with("/>") {
            text(&mut out, &tag[..tag.len() - 1]);
            out.push_str("/>");
        } else if name == "a" && !tag.starts_with("</") {
            match tag.find(" href=\"") {
                Some(at) => {
                    let start = at + " href=\"".len();
                    let end = tag[start..].find('"').map_or(tag.len(), |e| start + e);
                    text(&mut out, &tag[..start]);
                    out.push_str(&uri(&tag[start..end]));
                    text(&mut out, &tag[end..]);
                    spanned = false;
                }
                None => {
                    out.push_str("<span>");
                    spanned = true;
                }
            }
        } else if name == "a" && spanned {
            out.push_str("</span>");
            spanned = false;
        } else {
            text(&mut out, tag);
        }
        rest = &rest[end + 1..];
    }
    text(&mut out, rest);
    out
}

/// An escaped attribute value as a URI an XML parser and epubcheck accept: what the HTML escaped
/// is unescaped, what a URI cannot hold (quotes, angle brackets, spaces…) percent-encoded, and
/// `&` escaped again.
fn uri(escaped: &str) -> String {
    let value = escaped
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' | ' ' | '\u{a0}' => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn text(out: &mut String, s: &str) {
    out.push_str(&xml_chars(&s.replace("&nbsp;", "&#160;")));
}

/// `s` without the characters XML 1.0 forbids (C0 controls but tab and line breaks, U+FFFE,
/// U+FFFF).
fn xml_chars(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

/// Whether `bytes` read as a zip whose entries all carry the fixed time (for tests).
#[cfg(test)]
fn all_restamped(bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    (0..zip.len()).all(|i| {
        zip.by_index(i).is_ok_and(|mut f| {
            let mut sink = Vec::new();
            f.last_modified() == Some(zip::DateTime::default()) && f.read_to_end(&mut sink).is_ok()
        })
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn links_are_valid_uris_or_not_links() {
        assert_eq!(
            to_xhtml(
                "<a href=\"https://x.cn/a?b=1&amp;c=&quot;&gt;&lt;s\" rel=\"n\">x</a> \
                 <a rel=\"n\">js</a> <a href=\"https://x.cn/\">y</a>"
            ),
            "<a href=\"https://x.cn/a?b=1&amp;c=%22%3E%3Cs\" rel=\"n\">x</a> \
             <span>js</span> <a href=\"https://x.cn/\">y</a>"
        );
    }

    #[test]
    fn xhtml_closes_void_elements_and_has_no_html_entities() {
        assert_eq!(
            to_xhtml("<p>a<br>b&nbsp;c\u{1}</p><img alt=\"\" src=\"images/1.png\"><hr/>"),
            "<p>a<br/>b&#160;c</p><img alt=\"\" src=\"images/1.png\"/><hr/>"
        );
    }

    #[test]
    fn the_same_book_twice_is_the_same_bytes() {
        let book = || {
            let mut b = Book::new("导出", "zh-CN", "目录").unwrap();
            let src = b
                .image(ImageId::new(7), "png", "image/png", b"\x89PNG\r\n\x1a\n")
                .unwrap();
            b.chapter(
                "第一篇",
                1_700_000_000_000,
                &format!("<h2>第一篇</h2><p>正文<br>第二行</p><img alt=\"\" src=\"{src}\">"),
            )
            .unwrap();
            b.finish().unwrap()
        };
        let first = book();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(first, book());
        assert!(all_restamped(&first));
        // The mimetype entry comes first, stored, as EPUB readers require.
        let mut zip = zip::ZipArchive::new(Cursor::new(&first[..])).unwrap();
        let mimetype = zip.by_index(0).unwrap();
        assert_eq!(mimetype.name(), "mimetype");
        assert_eq!(mimetype.compression(), zip::CompressionMethod::Stored);
    }
}
