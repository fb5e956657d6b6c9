//! Export: the archive leaves the app in the formats other tools read — a Markdown vault for
//! Obsidian and the like, one self-contained HTML file for a browser or a PDF printer, JSON
//! lines for scripts, and an EPUB 3 book for e-readers (`docs/export.md`).
//!
//! What goes out is an [`ExportScope`]: a circle, a tab, a hashtag, a column, a date range, the
//! topics of a search ([`topics_matching`]) or a selection, combined. Topics go out oldest
//! first, so the same archive gives byte-identical files; exporting again into the same place
//! rewrites only the files that changed and never deletes one (the folder may hold the
//! member's own notes). Every file is written whole under a temporary name and renamed into
//! place ([`out`]), so a cancelled or killed export leaves no half-written file. Only cached
//! images are exported: an export never downloads.
//!
//! The app and `orrery-cli export` both call [`export`]; the formats are in their modules.

mod doc;
mod epub;
mod html;
mod jsonl;
mod markdown;
mod names;
mod out;
mod scope;
mod words;

use std::collections::HashMap;
use std::path::Path;

use futures_util::stream::{self, StreamExt};
use orrery_ipc::words::Lang;
use tokio_util::sync::CancellationToken;
use zsxq::{ImageId, TopicId};

pub use out::WriteError;
pub use scope::{ExportScope, topics_matching};

use crate::media::image_type;
use crate::paths::DataDir;
use crate::store::{Store, StoreError};
use doc::{Head, Picture, gather, title_of};
use names::Names;
use out::{Staged, Tally};

/// The formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A folder: a note per topic, a folder per circle, images beside them.
    Markdown,
    /// One `.html` file.
    Html,
    /// One `.jsonl` file.
    Jsonl,
    /// One `.epub` book for e-readers.
    Epub,
}

/// How far an export is: `done` of `total` topics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportProgress {
    pub done: u64,
    pub total: u64,
}

/// What an export did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportReport {
    pub topics: u64,
    /// Files (notes, images, the single file) written because they were new or changed.
    pub written: u64,
    /// Files already there with the same bytes, left alone.
    pub unchanged: u64,
    /// Images put in (inlined, or copied beside the notes).
    pub images: u64,
    /// Images named in the export but not in the cache, so not in it.
    pub images_missing: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {0}")]
    Write(#[from] WriteError),
    #[error("a topic's archived JSON does not decode: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the EPUB could not be built: {0}")]
    Epub(String),
    #[error("the export was cancelled")]
    Cancelled,
}

/// What to export where, and how.
#[derive(Debug, Clone, Copy)]
pub struct ExportRequest<'a> {
    pub scope: &'a ExportScope,
    pub format: ExportFormat,
    /// A folder for Markdown, a file for the others.
    pub out: &'a Path,
    /// The words around the posts (headings, "anonymous"…).
    pub lang: Lang,
    /// The single file's title (HTML).
    pub title: &'a str,
}

/// Exports `request.scope`; `progress` hears after each topic, `cancel` stops it between two
/// topics (nothing half-written stays).
pub async fn export(
    store: &Store,
    data: &DataDir,
    request: &ExportRequest<'_>,
    progress: &mut (dyn FnMut(ExportProgress) + Send),
    cancel: &CancellationToken,
) -> Result<ExportReport, ExportError> {
    let heads: Vec<Head> = store
        .export_topics(request.scope)
        .await?
        .into_iter()
        .map(|(id, group_id, circle, created, title, text)| Head {
            id: TopicId::new(id),
            group_id,
            circle,
            created,
            title: title_of(title.as_deref(), &text),
        })
        .collect();
    let total = heads.len() as u64;
    let mut run = Run {
        report: ExportReport {
            topics: total,
            ..ExportReport::default()
        },
        tally: Tally::default(),
    };
    let words = words::words(request.lang);
    let html = request.format == ExportFormat::Html;
    let mut sink = match request.format {
        ExportFormat::Markdown => {
            // Circle folders, then their attachments.
            out::sweep(request.out, 2);
            Sink::Vault(Names::of(&heads))
        }
        ExportFormat::Html => {
            let mut file = Staged::create(request.out)?;
            let lang = lang_tag(request.lang);
            file.write(html::head(request.title, lang, &heads, words).as_bytes())?;
            Sink::File(file)
        }
        ExportFormat::Jsonl => Sink::File(Staged::create(request.out)?),
        ExportFormat::Epub => Sink::Book(
            Box::new(epub::Book::new(
                request.title,
                lang_tag(request.lang),
                words.contents,
            )?),
            Staged::create(request.out)?,
        ),
    };
    // The next topics are read from the archive while one is written (in order): the
    // archive's connections answer side by side.
    let raw = request.format == ExportFormat::Jsonl;
    // (Owned values in the stream: a future borrowing into it would not be `Send` for every
    // lifetime, which the app's command handlers need.)
    let mut docs = stream::iter(heads.clone())
        .map(|head| {
            let (store, data) = (store.clone(), data.clone());
            async move { gather(&store, &data, &head, raw).await }
        })
        .buffered(GATHER_AHEAD);
    let mut done = 0;
    while let Some(doc) = docs.next().await {
        stop_if(cancel)?;
        if let Some(doc) = doc? {
            match &mut sink {
                Sink::Vault(names) => run.note(request.out, names, &doc, words)?,
                Sink::File(file) if html => {
                    let inlined = run.inline(&doc);
                    let article = html::topic(&doc, words, &|p| inlined.get(&p.id).cloned());
                    file.write(article.as_bytes())?;
                }
                Sink::File(file) => file.write((jsonl::line(&doc)? + "\n").as_bytes())?,
                Sink::Book(book, _) => run.chapter(book, &doc, words)?,
            }
        }
        done += 1;
        progress(ExportProgress { done, total });
    }
    // A single file is finished, then renamed into place unless cancelled meanwhile.
    let file = match sink {
        Sink::Vault(_) => None,
        Sink::File(mut file) => {
            if html {
                file.write(html::FOOT.as_bytes())?;
            }
            Some(file)
        }
        Sink::Book(book, mut file) => {
            file.write(&book.finish()?)?;
            Some(file)
        }
    };
    if let Some(file) = file {
        stop_if(cancel)?;
        file.commit(&mut run.tally)?;
    }
    run.report.written = run.tally.written;
    run.report.unchanged = run.tally.unchanged;
    Ok(run.report)
}

/// Topics read ahead of the one being written.
const GATHER_AHEAD: usize = 8;

/// Where the topics go: notes in a vault, one file, or a book written whole at the end.
enum Sink {
    Vault(Names),
    File(Staged),
    Book(Box<epub::Book>, Staged),
}

/// The `lang` of a page in `lang`.
fn lang_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "zh-CN",
        Lang::En => "en",
    }
}

fn stop_if(cancel: &CancellationToken) -> Result<(), ExportError> {
    if cancel.is_cancelled() {
        Err(ExportError::Cancelled)
    } else {
        Ok(())
    }
}

struct Run {
    report: ExportReport,
    tally: Tally,
}

impl Run {
    /// Writes `doc`'s note and copies its cached images beside it.
    fn note(
        &mut self,
        root: &Path,
        names: &Names,
        doc: &doc::Doc,
        words: &words::Words,
    ) -> Result<(), ExportError> {
        let Some(path) = markdown::note_path(root, names, doc) else {
            return Ok(());
        };
        let folder = root.join(names.folder(doc.group_id));
        let mut placed = HashMap::new();
        for picture in doc.pictures() {
            match picture.cached.as_deref().and_then(|p| Some((p, sniff(p)?))) {
                Some((blob, extension)) => {
                    let relative = markdown::attachment(picture.id, extension);
                    self.tally.copy(blob, &folder.join(&relative))?;
                    self.report.images += 1;
                    placed.insert(picture.id, relative);
                }
                None => self.report.images_missing += 1,
            }
        }
        let text = markdown::note(doc, names, words, &|p: &Picture| placed.get(&p.id).cloned());
        self.tally.put(&path, text.as_bytes())?;
        Ok(())
    }

    /// `doc` as a chapter of `book`, its cached images in the book beside it.
    fn chapter(
        &mut self,
        book: &mut epub::Book,
        doc: &doc::Doc,
        words: &words::Words,
    ) -> Result<(), ExportError> {
        let mut placed = HashMap::new();
        for (id, (mime, extension), bytes) in self.cached_images(doc) {
            placed.insert(id, book.image(id, extension, mime, &bytes)?);
        }
        let article = html::topic(doc, words, &|p| placed.get(&p.id).cloned());
        let time_ms = doc.modified.unwrap_or(doc.created).to_unix_millis();
        book.chapter(&doc.title, time_ms, &article)
    }

    /// `doc`'s cached images as `data:` URLs.
    fn inline(&mut self, doc: &doc::Doc) -> HashMap<ImageId, String> {
        self.cached_images(doc)
            .into_iter()
            .map(|(id, (mime, _), bytes)| (id, html::data_url(mime, &bytes)))
            .collect()
    }

    /// `doc`'s cached images with their MIME type and extension, counted in the report; those
    /// not in the cache (or not images) are counted as missing.
    fn cached_images(
        &mut self,
        doc: &doc::Doc,
    ) -> Vec<(ImageId, (&'static str, &'static str), Vec<u8>)> {
        let mut found = Vec::new();
        for picture in doc.pictures() {
            let bytes = picture
                .cached
                .as_deref()
                .and_then(|p| std::fs::read(p).ok());
            match bytes.and_then(|b| Some((image_type(&b)?, b))) {
                Some((kind, bytes)) => {
                    found.push((picture.id, kind, bytes));
                    self.report.images += 1;
                }
                None => self.report.images_missing += 1,
            }
        }
        found
    }
}

/// A cached blob's file extension, from its first bytes.
fn sniff(path: &Path) -> Option<&'static str> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .ok()?;
    image_type(&head[..n]).map(|(_, extension)| extension)
}
