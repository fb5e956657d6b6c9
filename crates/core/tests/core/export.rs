//! Export (`orrery_core::export`) of archives synced from `zsxq-sim` into real SQLite files,
//! written to real folders: the vault holds every topic of its scope once with its front
//! matter and images; exporting again rewrites only what changed and keeps what the member
//! added; the same archive gives byte-identical files and books; hostile posts stay inert in the
//! HTML, which loads nothing from outside, and in the EPUB, which W3C's epubcheck accepts; a
//! cancelled export leaves no half-written file.

#![allow(clippy::unwrap_used)] // Test code: a panic is the report.

use std::collections::BTreeMap;
use std::path::Path;

use orrery_core::export::{
    ExportError, ExportFormat, ExportReport, ExportRequest, ExportScope, export,
};
use orrery_core::paths::DataDir;
use orrery_core::store::Store;
use orrery_core::sync::CancellationToken;
use orrery_ipc::words::Lang;
use orrery_testkit::{open_store, sim};
use zsxq::{GroupId, TopicId};
use zsxq_sim::{Act, Dataset};

// The sync that notices edits, as the reader's tests run it.
use super::reader::resync as sync;

/// Exports `scope` of the archive in `data` as `format` into `out` (the import's tests too).
pub(super) async fn run(
    store: &Store,
    data: &Path,
    scope: &ExportScope,
    format: ExportFormat,
    out: &Path,
) -> Result<ExportReport, ExportError> {
    let request = ExportRequest {
        scope,
        format,
        out,
        lang: Lang::ZhCn,
        title: "导出",
    };
    let data = DataDir::open(data).unwrap();
    export(
        store,
        &data,
        &request,
        &mut |_| {},
        &CancellationToken::new(),
    )
    .await
}

/// Every file under `dir` (relative path → bytes).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                found.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

/// The `id:` of a note's front matter.
fn front_id(note: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(note).ok()?;
    let front = text.strip_prefix("---\n")?.split("\n---\n").next()?;
    let line = front.lines().find(|l| l.starts_with("id: "))?;
    serde_json::from_str::<String>(&line[4..])
        .ok()?
        .parse()
        .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_markdown_export_is_deterministic_incremental_and_keeps_what_the_member_added() {
    let sim = sim(Dataset::Demo).await;
    let data = tempfile::tempdir().unwrap();
    let store = open_store(data.path()).await;
    sync(&store, &sim).await;
    let circle = store.circles().await.unwrap()[0].group_id;
    let scope = ExportScope {
        circle: Some(circle),
        ..ExportScope::default()
    };
    let truth: Vec<i64> = store
        .export_topics(&scope)
        .await
        .unwrap()
        .iter()
        .map(|row| row.0)
        .collect();
    assert!(truth.len() > 20, "a circle worth exporting");

    let markdown = async |out: &Path| {
        run(&store, data.path(), &scope, ExportFormat::Markdown, out)
            .await
            .unwrap()
    };
    let vault = tempfile::tempdir().unwrap();
    let first = markdown(vault.path()).await;
    let exported = files(vault.path());
    // One note per topic of the circle, each naming its topic; images beside them.
    let mut noted: Vec<i64> = exported
        .iter()
        .filter(|(path, _)| path.ends_with(".md"))
        .map(|(path, bytes)| front_id(bytes).unwrap_or_else(|| panic!("{path}: no id")))
        .collect();
    noted.sort_unstable();
    let mut expected = truth.clone();
    expected.sort_unstable();
    assert_eq!(noted, expected);
    let images = exported
        .keys()
        .filter(|p| p.contains("/attachments/"))
        .count() as u64;
    // (An image placed twice is one file.)
    assert!(
        images > 0 && images <= first.images,
        "the demo's cached images are exported: {images} files, {first:?}"
    );
    assert_eq!(first.written as usize, exported.len());
    assert_eq!(first.unchanged, 0);

    // The member's own note in the vault; then the same export again: nothing rewritten.
    let mine = vault.path().join("我的笔记.md");
    std::fs::write(&mine, "我自己写的").unwrap();
    let again = markdown(vault.path()).await;
    assert_eq!((again.written, again.unchanged), (0, first.written));

    // The same archive into another folder: byte-identical.
    let twin = tempfile::tempdir().unwrap();
    markdown(twin.path()).await;
    assert_eq!(files(twin.path()), exported);

    // An edit on the service, synced: exactly that note is rewritten, and the member's note
    // is still there.
    let edited = *truth.last().unwrap();
    assert!(sim.act(Act::Edit(edited)));
    sync(&store, &sim).await;
    let after_edit = markdown(vault.path()).await;
    assert_eq!(after_edit.written, 1, "{after_edit:?}");
    let now = files(vault.path());
    let changed: Vec<&String> = now
        .iter()
        .filter(|(path, bytes)| exported.get(*path) != Some(*bytes))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        changed.len(),
        2,
        "the edited note and the member's: {changed:?}"
    );
    assert!(changed.iter().any(|p| front_id(&now[*p]) == Some(edited)));
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "我自己写的");

    // The circle as a book, twice: byte-identical, valid, a chapter per topic, its images in.
    let books = tempfile::tempdir().unwrap();
    let (one, two) = (books.path().join("a.epub"), books.path().join("b.epub"));
    let report = run(&store, data.path(), &scope, ExportFormat::Epub, &one)
        .await
        .unwrap();
    run(&store, data.path(), &scope, ExportFormat::Epub, &two)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&one).unwrap(), std::fs::read(&two).unwrap());
    assert!(report.images > 0, "{report:?}");
    epubcheck(&one);
    assert_eq!(chapters(&one).len(), truth.len());
    // Every image the vault holds is in the book, byte for byte.
    let mut book = zip::ZipArchive::new(std::fs::File::open(&one).unwrap()).unwrap();
    let attachments: Vec<(&String, &Vec<u8>)> = exported
        .iter()
        .filter(|(p, _)| p.contains("/attachments/"))
        .collect();
    assert!(!attachments.is_empty());
    for (path, bytes) in attachments {
        let name = path.rsplit('/').next().unwrap();
        let mut entry = book
            .by_name(&format!("OEBPS/images/{name}"))
            .unwrap_or_else(|_| panic!("{name} is not in the book"));
        let mut inside = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut inside).unwrap();
        assert_eq!(&inside, bytes, "{name}");
    }
}

/// Runs W3C's epubcheck (Debian's package, which `cargo xtask setup` installs) on `book`;
/// panics with its report when the book is not valid. Its `/usr/bin/epubcheck` is the jar
/// itself, which only runs where binfmt knows jars: Java is asked directly.
fn epubcheck(book: &Path) {
    let out = std::process::Command::new("java")
        .args(["-jar", "/usr/share/java/epubcheck.jar"])
        .arg(book)
        .output()
        .expect("epubcheck runs (cargo xtask setup installs it)");
    assert!(
        out.status.success(),
        "epubcheck refused {}:\n{}{}",
        book.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The topic chapters of an EPUB, as text.
fn chapters(book: &Path) -> Vec<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        if entry.name().contains("topic-") && entry.name().ends_with(".xhtml") {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            out.push(text);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_posts_stay_inert_and_the_html_loads_nothing_from_outside() {
    let sim = sim(Dataset::Hostile).await;
    let data = tempfile::tempdir().unwrap();
    let store = open_store(data.path()).await;
    sync(&store, &sim).await;
    let scope = ExportScope::default();
    let out = tempfile::tempdir().unwrap();
    let html_path = out.path().join("全部.html");
    let report = run(&store, data.path(), &scope, ExportFormat::Html, &html_path)
        .await
        .unwrap();
    assert!(report.topics > 0);
    let html = std::fs::read_to_string(&html_path).unwrap().to_lowercase();
    assert!(html.contains("content-security-policy"));
    // The hostile texts are in it, as text: every tag is one the export writes, with no
    // handler, no script URL and no source from outside.
    assert!(
        html.contains("javascript:"),
        "the hostile posts' text is exported"
    );
    for (tag, attributes) in tags(&html) {
        assert!(
            ![
                "script", "iframe", "object", "embed", "link", "base", "form", "svg", "math"
            ]
            .contains(&tag.as_str()),
            "<{tag}> in the export"
        );
        for (name, value) in attributes {
            assert!(!name.starts_with("on"), "<{tag} {name}> in the export");
            match name.as_str() {
                "href" => assert!(
                    value.starts_with("https://")
                        || value.starts_with("http://")
                        || value.starts_with('#'),
                    "<{tag} href={value}>"
                ),
                "src" => assert!(value.starts_with("data:image/"), "<{tag} src={value:.40}>"),
                _ => {}
            }
        }
    }
    // The only style sheet is the export's own.
    assert_eq!(html.matches("<style>").count(), 1);

    let vault = out.path().join("vault");
    run(&store, data.path(), &scope, ExportFormat::Markdown, &vault)
        .await
        .unwrap();
    for (path, bytes) in files(&vault) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        // The body, after the front matter (whose values are quoted strings, never markup).
        let body = text
            .split_once("\n---\n")
            .map_or(text.as_str(), |(_, body)| body);
        assert!(!body.contains("](javascript:"), "{path}");
        // Markup in the text is escaped (`\\<script>` shows as text), and nothing in the file
        // drives a terminal that prints it.
        let raw: Vec<&str> = body
            .lines()
            .filter(|l| {
                l.match_indices("<script")
                    .any(|(at, _)| !l[..at].ends_with('\\'))
            })
            .collect();
        assert!(raw.is_empty(), "{path}: raw HTML must be escaped: {raw:?}");
        assert!(
            !path.ends_with(".md")
                || !text
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{path}: a control character"
        );
        // The front matter survives hostile titles: it ends where it should.
        if path.ends_with(".md") {
            assert!(front_id(&bytes).is_some(), "{path}");
        }
    }

    // The book: valid EPUB 3, and its chapters as inert as the HTML file (images only its own).
    let book = out.path().join("all.epub");
    let report = run(&store, data.path(), &scope, ExportFormat::Epub, &book)
        .await
        .unwrap();
    epubcheck(&book);
    let chapters = chapters(&book);
    assert_eq!(chapters.len() as u64, report.topics);
    for chapter in &chapters {
        for (tag, attributes) in tags(&chapter.to_lowercase()) {
            assert!(
                ![
                    "script", "iframe", "object", "embed", "base", "form", "svg", "math"
                ]
                .contains(&tag.as_str()),
                "<{tag}> in the book"
            );
            for (name, value) in attributes {
                assert!(!name.starts_with("on"), "<{tag} {name}> in the book");
                if name == "src" {
                    assert!(value.starts_with("images/"), "<{tag} src={value:.40}>");
                }
                if name == "href" {
                    assert!(
                        value.starts_with("https://")
                            || value.starts_with("http://")
                            || value == "stylesheet.css",
                        "<{tag} href={value}>"
                    );
                }
            }
        }
    }

    let lines = out.path().join("all.jsonl");
    let report = run(&store, data.path(), &scope, ExportFormat::Jsonl, &lines)
        .await
        .unwrap();
    let text = std::fs::read_to_string(&lines).unwrap();
    assert_eq!(text.lines().count() as u64, report.topics);
    for line in text.lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(
            value["topic"]["topic_id"].to_string().trim_matches('"'),
            value["topic_id"].as_str().unwrap()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_export_leaves_no_half_written_file() {
    let sim = sim(Dataset::Generated(200)).await;
    let data = tempfile::tempdir().unwrap();
    let store = open_store(data.path()).await;
    sync(&store, &sim).await;
    let out = tempfile::tempdir().unwrap();
    let scope = ExportScope::default();
    let data_dir = DataDir::open(data.path()).unwrap();
    for format in [
        ExportFormat::Html,
        ExportFormat::Jsonl,
        ExportFormat::Markdown,
    ] {
        let target = out.path().join(format!("{format:?}"));
        let cancel = CancellationToken::new();
        let stop = cancel.clone();
        let request = ExportRequest {
            scope: &scope,
            format,
            out: &target,
            lang: Lang::En,
            title: "t",
        };
        // Cancelled half way through.
        let result = export(
            &store,
            &data_dir,
            &request,
            &mut |p| {
                if p.done * 2 >= p.total {
                    stop.cancel();
                }
            },
            &cancel,
        )
        .await;
        assert!(
            matches!(result, Err(ExportError::Cancelled)),
            "{format:?}: {result:?}"
        );
        let left = files(out.path());
        assert!(
            left.keys().all(|p| !p.contains(".orrery-export-")),
            "{format:?} left a temporary file: {:?}",
            left.keys().collect::<Vec<_>>()
        );
        if format == ExportFormat::Markdown {
            // The notes written before the cancel are whole.
            assert!(left.values().filter(|b| front_id(b).is_some()).count() > 0);
        } else {
            assert!(
                !target.exists(),
                "{format:?}: a cancelled single file is not left"
            );
        }
    }
    // Scopes narrow: one circle's digests are a subset of the circle, of the whole.
    let circle: GroupId = store.circles().await.unwrap()[0].group_id;
    let all = store.export_topics(&scope).await.unwrap();
    let in_circle = store
        .export_topics(&ExportScope {
            circle: Some(circle),
            ..ExportScope::default()
        })
        .await
        .unwrap();
    let digests = store
        .export_topics(&ExportScope {
            circle: Some(circle),
            digests: true,
            ..ExportScope::default()
        })
        .await
        .unwrap();
    let picked = store
        .export_topics(&ExportScope {
            topics: Some(vec![
                TopicId::new(in_circle[0].0),
                TopicId::new(all[all.len() - 1].0),
            ]),
            circle: Some(circle),
            ..ExportScope::default()
        })
        .await
        .unwrap();
    assert!(digests.len() < in_circle.len() && in_circle.len() < all.len());
    assert!(digests.iter().all(|d| in_circle.contains(d)));
    assert!(picked.len() <= 2 && picked[0] == in_circle[0]);
}

/// `cargo xtask bench export`: exports an archive of `ORRERY_BENCH_TOPICS` topics (10,000) with
/// their cached images as Markdown, HTML, EPUB and JSON lines, then the vault again (incremental),
/// side by side with what a crawler that dumps a circle must do at the least: fetch it all from
/// the service, here zsxq-sim on loopback with pacing off (the real service allows one request
/// every 2–3 s). Measures and prints; judges nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: `cargo xtask bench export` runs it"]
#[allow(clippy::print_stdout)] // The report is the benchmark's output.
async fn export_benchmark() {
    use std::time::Instant;

    let topics = super::bench_topics(10_000);
    let sim = sim(Dataset::Generated(topics)).await;
    let data = tempfile::tempdir().unwrap();
    let store = open_store(data.path()).await;
    let started = Instant::now();
    sync(&store, &sim).await;
    let fetch = started.elapsed().as_secs_f64();
    let requests = sim.requests().total;
    println!(
        "fetching the archive from zsxq-sim (loopback, no pacing; a crawler's least work): {fetch:.1} s, {requests} requests (≈ {:.1} h at the real service's pace)",
        requests as f64 * 2.5 / 3600.0
    );
    let out = tempfile::tempdir().unwrap();
    let line = |what: &str, format, target: &Path| {
        let store = store.clone();
        let data = data.path().to_owned();
        let target = target.to_owned();
        let what = what.to_owned();
        async move {
            let started = Instant::now();
            let report = run(&store, &data, &ExportScope::default(), format, &target)
                .await
                .unwrap();
            let secs = started.elapsed().as_secs_f64();
            let size: u64 = files(if target.is_dir() {
                &target
            } else {
                target.parent().unwrap()
            })
            .values()
            .map(|b| b.len() as u64)
            .sum();
            println!(
                "{what:<22} {:>6} topics {secs:>7.2} s {:>8.0} topics/s  {} written, {} unchanged, {} images, {:.1} MB",
                report.topics,
                report.topics as f64 / secs,
                report.written,
                report.unchanged,
                report.images,
                size as f64 / 1e6
            );
        }
    };
    line(
        "markdown",
        ExportFormat::Markdown,
        &out.path().join("vault"),
    )
    .await;
    line(
        "markdown, again",
        ExportFormat::Markdown,
        &out.path().join("vault"),
    )
    .await;
    line(
        "html",
        ExportFormat::Html,
        &out.path().join("html").join("all.html"),
    )
    .await;
    line(
        "epub",
        ExportFormat::Epub,
        &out.path().join("epub").join("all.epub"),
    )
    .await;
    line(
        "jsonl",
        ExportFormat::Jsonl,
        &out.path().join("jsonl").join("all.jsonl"),
    )
    .await;
}

/// Every tag of `html` (lowercase) with its attributes, read simply: the export writes
/// attributes in double quotes and escapes `<` and `"` in text and values.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut found = Vec::new();
    for piece in html.split('<').skip(1) {
        let Some(inside) = piece.split('>').next() else {
            continue;
        };
        if inside.starts_with('/') || inside.starts_with('!') {
            continue;
        }
        let name: String = inside
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let mut attributes = Vec::new();
        let mut rest = &inside[name.len()..];
        while let Some(eq) = rest.find("=\"") {
            let attr = rest[..eq]
                .split_whitespace()
                .last()
                .unwrap_or_default()
                .to_owned();
            let after = &rest[eq + 2..];
            let end = after.find('"').unwrap_or(after.len());
            attributes.push((attr, after[..end].to_owned()));
            rest = &after[(end + 1).min(after.len())..];
        }
        found.push((name, attributes));
    }
    found
}
