//! Import (`orrery_core::import`) into real SQLite archives and a real search index: the seed
//! (an Omnivore export of a Zhihu thread) comes in with its title, URL, date and every
//! highlight, found by a phrase of a highlight; a circle exported to Markdown and imported
//! again is found topic by topic under `source:saved`; GBK text is read; importing again
//! updates instead of duplicating; bad files are reported one by one while the rest come in.

#![allow(clippy::unwrap_used)] // Test code: a panic is the report.

use std::path::{Path, PathBuf};

use orrery_core::export::{ExportFormat, ExportReport, ExportScope};
use orrery_core::import::{FileProblem, ImportReport, MAX_FILE_BYTES, import};
use orrery_core::paths::DataDir;
use orrery_core::search::{SearchIndex, SearchRequest, UnitKind, all_units};
use orrery_core::store::Store;
use orrery_core::sync::CancellationToken;
use orrery_testkit::{open_store, sim};
use zsxq_sim::Dataset;

use super::reader::resync as sync;

use orrery_testkit::seed_article as seed;

async fn run(store: &Store, paths: &[&Path]) -> ImportReport {
    let paths: Vec<PathBuf> = paths.iter().map(|p| p.to_path_buf()).collect();
    import(store, &paths, |_| {}, &CancellationToken::new())
        .await
        .unwrap()
}

/// The documents a query finds, as (doc id, title).
async fn found(store: &Store, index: &SearchIndex, query: &str) -> Vec<(i64, String)> {
    index.catch_up(store).await.unwrap();
    index
        .search(&SearchRequest::new(query, 1_000))
        .unwrap()
        .hits
        .into_iter()
        .filter(|h| h.kind == UnitKind::Document)
        .map(|h| (h.topic_id, h.title))
        .collect()
}

fn data_index(data: &Path) -> SearchIndex {
    SearchIndex::open(&DataDir::open(data).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_comes_in_with_its_highlights_and_a_highlight_finds_it() {
    let data = tempfile::tempdir().unwrap();
    let store = open_store(data.path()).await;
    let report = run(&store, &[&seed()]).await;
    assert_eq!((report.added, report.failed.len()), (1, 0), "{report:?}");

    let docs = store.documents(0, 10).await.unwrap();
    assert_eq!(docs.len(), 1);
    let doc = store.document(docs[0].doc_id).await.unwrap().unwrap();
    assert_eq!(doc.title, "如何评价知识星球（原小密圈）这个 app？ - 知乎");
    assert_eq!(
        doc.url.as_deref(),
        Some("https://www.zhihu.com/question/51524198")
    );
    assert_eq!(doc.site.as_deref(), Some("zhihu.com"));
    // date_saved: 2024-04-14 03:14:50
    assert_eq!(doc.saved_ms, 1_713_064_490_000);
    // Every highlight: the seed ends each with its Omnivore block id (`^b9f80573`).
    let seed_text = std::fs::read_to_string(seed()).unwrap();
    let marked = seed_text
        .lines()
        .filter(|l| {
            l.starts_with('>')
                && l.trim_end()
                    .rsplit(" ^")
                    .next()
                    .is_some_and(|id| id.len() == 8)
        })
        .count();
    assert!(marked >= 10, "the seed has its highlights: {marked}");
    assert_eq!(doc.highlights.len(), marked);
    assert!(
        doc.highlights[0]
            .quote
            .starts_with("昨天看了下知乎上对于这个app的评价")
    );
    assert!(
        doc.highlights
            .iter()
            .all(|h| !h.quote.contains("⤴️") && !h.quote.contains("]("))
    );
    assert!(!doc.body.contains("## Highlights"));

    // A phrase from a highlight, and from its last highlight, finds it, under source:saved and
    // under its site; not under the circles.
    let index = data_index(data.path());
    let title = doc.title.clone();
    for query in [
        "\"小密圈适合做内容沉淀\"",
        "source:saved 自我展示星球",
        "source:已保存 更新乏力",
        "source:zhihu 营销星球",
    ] {
        assert_eq!(
            found(&store, &index, query).await,
            [(doc.doc_id, title.clone())],
            "{query}"
        );
    }
    assert!(
        found(&store, &index, "source:circles 更新乏力")
            .await
            .is_empty()
    );

    // Again: unchanged, no second document.
    let again = run(&store, &[&seed()]).await;
    assert_eq!((again.added, again.unchanged), (0, 1));
    assert_eq!(store.document_count().await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_circle_exported_to_markdown_and_imported_is_found_topic_by_topic() {
    let sim = sim(Dataset::Demo).await;
    let data = tempfile::tempdir().unwrap();
    let store = open_store(data.path()).await;
    sync(&store, &sim).await;
    let circle = store.circles().await.unwrap()[0].group_id;
    let scope = ExportScope {
        circle: Some(circle),
        ..ExportScope::default()
    };
    let vault = tempfile::tempdir().unwrap();
    let exported = vault_of(&store, data.path(), &scope, vault.path()).await;

    let report = run(&store, &[vault.path()]).await;
    assert_eq!(report.added, exported.topics, "{report:?}");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(
        report.skipped > 0,
        "the images beside the notes are not documents"
    );

    // Every topic of the circle: a run of its own text is in the text its note gives the index,
    // and the note names the topic in its URL. For one topic in ten, the search itself finds
    // the note (a search costs ~45 ms in a debug build; recall is proven in `search`).
    let index = data_index(data.path());
    index.catch_up(&store).await.unwrap();
    let listed = store.documents(0, 10_000).await.unwrap();
    let ids: Vec<i64> = listed.iter().map(|d| d.doc_id).collect();
    let docs = store.search_documents(&ids).await.unwrap();
    let mut urls = std::collections::HashMap::new();
    for doc in &docs {
        let url = store
            .document(doc.doc_id)
            .await
            .unwrap()
            .unwrap()
            .url
            .unwrap_or_default();
        urls.insert(doc.doc_id, url);
    }
    let names = |doc_id: &i64, topic: i64| urls[doc_id].contains(&topic.to_string());
    let units = all_units(&store).await.unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for unit in units
        .iter()
        .filter(|u| u.group_id == circle.get() && u.kind != UnitKind::Comment)
    {
        // One phrase per topic, from its first unit that has one.
        let Some(phrase) = phrase(&unit.body).filter(|_| !seen.contains(&unit.topic_id)) else {
            continue;
        };
        seen.insert(unit.topic_id);
        assert!(
            docs.iter()
                .any(|d| names(&d.doc_id, unit.topic_id) && d.plain_text.contains(&phrase)),
            "topic {}: {phrase} is not in its note",
            unit.topic_id
        );
        if seen.len() % 10 == 1 {
            let query = format!("source:saved \"{phrase}\"");
            let hits = found(&store, &index, &query).await;
            assert!(
                hits.iter().any(|(doc_id, _)| names(doc_id, unit.topic_id)),
                "{query}: topic {} not found",
                unit.topic_id
            );
        }
    }
    assert!(
        seen.len() as u64 > exported.topics * 9 / 10,
        "{} topics looked for",
        seen.len()
    );
}

/// Exports `scope` of the archive in `data` as a Markdown vault into `out`.
async fn vault_of(store: &Store, data: &Path, scope: &ExportScope, out: &Path) -> ExportReport {
    super::export::run(store, data, scope, ExportFormat::Markdown, out)
        .await
        .unwrap()
}

/// The longest run of letters and digits in `text`, cut to 12 characters: words the Markdown
/// round trip keeps as they were.
fn phrase(text: &str) -> Option<String> {
    let run = text
        .split(|c: char| !c.is_alphanumeric())
        .max_by_key(|run| run.chars().count())?;
    let cut: String = run.chars().take(12).collect();
    (cut.chars().count() >= 4).then_some(cut)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gbk_files_are_read_and_bad_files_are_reported_while_the_rest_come_in() {
    let data = tempfile::tempdir().unwrap();
    let store = open_store(data.path()).await;
    let folder = tempfile::tempdir().unwrap();
    let at = |name: &str| folder.path().join(name);

    let gbk_text = "# 读书笔记\n\n付费社群最大的问题是价值信息流过于分散，筛选成本太高。\n";
    std::fs::write(at("gbk.md"), encoding_rs::GBK.encode(gbk_text).0).unwrap();
    std::fs::write(
        at("broken.md"),
        "---\ntitle: \"没有闭合\n\n断了的前言，正文照样导入。\n",
    )
    .unwrap();
    std::fs::write(at("page.html"), PAGE).unwrap();
    std::fs::write(at("binary.md"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    std::fs::write(at("picture.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    std::fs::create_dir(at(".obsidian")).unwrap();
    std::fs::write(at(".obsidian/workspace.md"), "应用的配置，不是笔记").unwrap();
    // Larger than the limit without writing it: a sparse file.
    std::fs::File::create(at("huge.txt"))
        .unwrap()
        .set_len(MAX_FILE_BYTES + 1)
        .unwrap();
    let missing = at("gone.md");

    let report = run(&store, &[folder.path(), &missing]).await;
    assert_eq!(report.added, 3, "{report:?}");
    assert_eq!(report.skipped, 1, "the picture");
    let mut failed: Vec<(String, FileProblem)> = report
        .failed
        .iter()
        .map(|(p, why)| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                why.clone(),
            )
        })
        .collect();
    failed.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        failed,
        [
            ("binary.md".to_owned(), FileProblem::Binary),
            ("gone.md".to_owned(), FileProblem::NotFound),
            ("huge.txt".to_owned(), FileProblem::TooLarge),
        ]
    );
    assert_eq!(report.warnings.len(), 1);
    assert!(report.warnings[0].0.ends_with("broken.md"));

    let index = data_index(data.path());
    let titles = |hits: Vec<(i64, String)>| hits.into_iter().map(|h| h.1).collect::<Vec<_>>();
    assert_eq!(
        titles(found(&store, &index, "价值信息流过于分散").await).len(),
        2
    );
    assert_eq!(
        titles(found(&store, &index, "筛选成本太高").await),
        ["读书笔记"]
    );
    assert_eq!(
        titles(found(&store, &index, "正文照样导入").await),
        ["broken"]
    );
    assert!(found(&store, &index, "应用的配置").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_again_updates_by_url_then_by_file() {
    let data = tempfile::tempdir().unwrap();
    let store = open_store(data.path()).await;
    let index = data_index(data.path());
    let folder = tempfile::tempdir().unwrap();
    let note = folder.path().join("笔记.md");
    let linked = folder.path().join("linked.md");
    std::fs::write(&note, "# 笔记\n\n第一版的句子。\n").unwrap();
    std::fs::write(
        &linked,
        "---\nurl: https://example.com/a\n---\n# A\n\n旧的正文。\n",
    )
    .unwrap();
    assert_eq!(run(&store, &[folder.path()]).await.added, 2);

    // The note edited in place; the linked article saved again elsewhere with new text.
    std::fs::write(&note, "# 笔记\n\n第二版的句子。\n").unwrap();
    std::fs::remove_file(&linked).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let moved = elsewhere.path().join("moved.md");
    std::fs::write(
        &moved,
        "---\nurl: https://example.com/a\n---\n# A\n\n新的正文。\n",
    )
    .unwrap();
    let report = run(&store, &[folder.path(), &moved]).await;
    assert_eq!((report.added, report.updated), (0, 2), "{report:?}");
    assert_eq!(store.document_count().await.unwrap(), 2);
    assert_eq!(found(&store, &index, "第二版").await.len(), 1);
    assert!(found(&store, &index, "第一版").await.is_empty());
    assert!(found(&store, &index, "旧的正文").await.is_empty());
    assert_eq!(found(&store, &index, "新的正文").await.len(), 1);

    // A copy of the note under another name: nothing new.
    std::fs::copy(&note, folder.path().join("副本.md")).unwrap();
    let copy = run(&store, &[folder.path()]).await;
    assert_eq!((copy.added, copy.unchanged), (0, 2), "{copy:?}");

    // Removed from 已保存: gone from search too.
    let doc = found(&store, &index, "第二版").await[0].0;
    assert!(store.remove_document(doc).await.unwrap());
    assert!(found(&store, &index, "第二版").await.is_empty());
}

const PAGE: &str = r#"<!DOCTYPE html>
<html><head><title>社群观察</title><script>document.title = "hijacked"</script></head>
<body><nav>首页 关于 登录</nav><article><h1>社群观察</h1>
<p>付费社群最大的问题是价值信息流过于分散，想要从中获取对自己有价值的信息，需要花很多时间去筛选过滤掉无用信息。</p>
<p>知识星球对比微信社群的好处是，它更像一个社区，每天更新的内容更容易沉淀且搜索，且价值度更高，并且成员与星主的关系可以更近。</p>
<p>一个星球是否能持续产出价值，一部分因素在于星球主能否持续提供高质量内容以及高质量回答，另一部分在于成员的质量。</p>
</article></body></html>"#;

/// `cargo xtask bench import [--topics N]`: a circle of `N` topics (10,000) exported as a
/// Markdown vault, then imported into a new archive and indexed (files/s into the search),
/// imported again (every file unchanged), and a few phrases found by the index beside
/// `grep -rlF` over the same folder, which is what a member without the import would run.
/// Measures and prints; judges nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: `cargo xtask bench import` runs it"]
#[allow(clippy::print_stdout)] // The report is the benchmark's output.
async fn import_benchmark() {
    use std::time::Instant;

    let topics = super::bench_topics(10_000);
    let sim = sim(Dataset::Generated(topics)).await;
    let source = tempfile::tempdir().unwrap();
    let store = open_store(source.path()).await;
    sync(&store, &sim).await;
    let vault = tempfile::tempdir().unwrap();
    vault_of(&store, source.path(), &ExportScope::default(), vault.path()).await;
    let units = all_units(&store).await.unwrap();

    let data = tempfile::tempdir().unwrap();
    let target = open_store(data.path()).await;
    let index = data_index(data.path());
    index.catch_up(&target).await.unwrap();
    let started = Instant::now();
    let report = run(&target, &[vault.path()]).await;
    let stored = started.elapsed().as_secs_f64();
    index.catch_up(&target).await.unwrap();
    let searchable = started.elapsed().as_secs_f64();
    let files = report.added + report.updated + report.unchanged;
    println!(
        "import {files} Markdown files ({} skipped, {} failed): stored {stored:.2} s, searchable {searchable:.2} s = {:.0} files/s",
        report.skipped,
        report.failed.len(),
        files as f64 / searchable
    );
    let started = Instant::now();
    let again = run(&target, &[vault.path()]).await;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "import again: {} unchanged in {secs:.2} s = {:.0} files/s",
        again.unchanged,
        again.unchanged as f64 / secs
    );

    // Phrases from topics spread over the archive.
    let phrases: Vec<String> = units
        .iter()
        .step_by((units.len() / 5).max(1))
        .filter_map(|u| phrase(&u.body))
        .take(5)
        .collect();
    for phrase in phrases {
        let started = Instant::now();
        let hits = index
            .search(&SearchRequest::new(
                format!("source:saved \"{phrase}\""),
                20,
            ))
            .unwrap()
            .total;
        let ours = started.elapsed().as_secs_f64() * 1000.0;
        let started = Instant::now();
        let grep = std::process::Command::new("grep")
            .args(["-rlF", "--include=*.md", &phrase])
            .arg(vault.path())
            .output()
            .unwrap();
        let theirs = started.elapsed().as_secs_f64() * 1000.0;
        println!(
            "\"{phrase}\": search {hits} hits in {ours:.1} ms | grep -rlF {} files in {theirs:.1} ms",
            String::from_utf8_lossy(&grep.stdout).lines().count()
        );
    }
}
