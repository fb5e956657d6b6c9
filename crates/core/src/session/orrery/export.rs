//! Export from the window: the circle's tab on screen or a search's topics, into a folder of
//! the member's documents named after what was exported, so exporting the same thing again
//! updates it in place (docs/export.md). One export at a time; it can be cancelled.

use std::path::{Path, PathBuf};

use orrery_ipc::commands::{
    ExportDoneDto, ExportFormatDto, ExportProgressDto, ExportScopeDto, TabDto,
};
use orrery_ipc::words::Lang;
use orrery_ipc::{ErrorCode, IpcError, NoArgs};
use tokio_util::sync::CancellationToken;
use zsxq::{GroupId, TopicId, TopicKind};

use super::Orrery;
use crate::export::{
    ExportError, ExportFormat, ExportProgress, ExportRequest, ExportScope, topics_matching,
};
use crate::settings;

impl Orrery {
    /// Exports `scope` as `format` into `documents/Orrery/<name>`; `progress` hears after each
    /// topic. Refused while another export runs.
    pub async fn export(
        &self,
        scope: ExportScopeDto,
        format: ExportFormatDto,
        documents: &Path,
        progress: &mut (dyn FnMut(ExportProgressDto) + Send),
    ) -> Result<(PathBuf, ExportDoneDto), IpcError> {
        let session = self.session().await?;
        let cancel = CancellationToken::new();
        {
            let mut running = self.exporting.lock().unwrap_or_else(|e| e.into_inner());
            if running.as_ref().is_some_and(|c| !c.is_cancelled()) {
                return Err(IpcError::new(
                    ErrorCode::Unavailable,
                    "an export is running",
                ));
            }
            *running = Some(cancel.clone());
        }
        let lang = settings::lang(&self.prefs.borrow());
        let circles = session.store().circles().await?;
        let circle_name = |id: GroupId| {
            circles
                .iter()
                .find(|c| c.group_id == id)
                .map_or_else(|| id.to_string(), |c| c.name.clone())
        };
        let (scope, name) = match scope {
            ExportScopeDto::Circle {
                circle,
                tab,
                hashtag,
                column,
            } => {
                let group = GroupId::new(circle.get());
                let mut name = circle_name(group);
                if let Some(tab) = tab_word(tab, lang) {
                    name = format!("{name} · {tab}");
                }
                if let Some(tag) = &hashtag {
                    name = format!("{name} · #{tag}#");
                }
                let scope = ExportScope {
                    circle: Some(group),
                    digests: tab == TabDto::Digests,
                    owner: tab == TabDto::Owner,
                    kind: match tab {
                        TabDto::Questions => Some(TopicKind::QuestionAnswer),
                        TabDto::Tasks => Some(TopicKind::Task),
                        _ => None,
                    },
                    hashtag,
                    column: column.and_then(|c| c.parse().ok()),
                    ..ExportScope::default()
                };
                (scope, name)
            }
            ExportScopeDto::Search { query } => {
                let index = session.search().clone();
                let q = query.clone();
                let topics = tokio::task::spawn_blocking(move || topics_matching(&index, &q))
                    .await
                    .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))??;
                let scope = ExportScope {
                    topics: Some(topics),
                    ..ExportScope::default()
                };
                let word = if lang == Lang::ZhCn {
                    "搜索"
                } else {
                    "Search"
                };
                (scope, format!("{word} {}", query.trim()))
            }
            ExportScopeDto::Topics { topics } => {
                let scope = ExportScope {
                    topics: Some(topics.iter().map(|t| TopicId::new(t.get())).collect()),
                    ..ExportScope::default()
                };
                let name = if lang == Lang::ZhCn {
                    "已选主题"
                } else {
                    "Picked topics"
                };
                (scope, name.to_owned())
            }
            ExportScopeDto::ReadLater => {
                let scope = ExportScope {
                    topics: Some(session.store().saved_topics().await?),
                    ..ExportScope::default()
                };
                let name = if lang == Lang::ZhCn {
                    "稍后读"
                } else {
                    "Read later"
                };
                (scope, name.to_owned())
            }
        };
        let name = crate::media::safe_file_name(&name.replace(['/', '\\'], "_"), "Orrery");
        let (format, out) = match format {
            ExportFormatDto::Markdown => (ExportFormat::Markdown, name.clone()),
            ExportFormatDto::Html => (ExportFormat::Html, format!("{name}.html")),
            ExportFormatDto::Jsonl => (ExportFormat::Jsonl, format!("{name}.jsonl")),
            ExportFormatDto::Epub => (ExportFormat::Epub, format!("{name}.epub")),
        };
        let out = documents.join("Orrery").join(out);
        let request = ExportRequest {
            scope: &scope,
            format,
            out: &out,
            lang,
            title: &name,
        };
        let mut report_progress = |p: ExportProgress| {
            progress(ExportProgressDto {
                done: p.done,
                total: p.total,
            });
        };
        let done = crate::export::export(
            session.store(),
            session.dir(),
            &request,
            &mut report_progress,
            &cancel,
        )
        .await;
        self.exporting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let report = match done {
            Err(ExportError::Cancelled) => {
                let cancelled = ExportDoneDto {
                    path: out.display().to_string(),
                    topics: 0,
                    written: 0,
                    unchanged: 0,
                    images: 0,
                    images_missing: 0,
                    cancelled: true,
                };
                return Ok((out, cancelled));
            }
            other => other?,
        };
        let dto = ExportDoneDto {
            path: out.display().to_string(),
            topics: report.topics,
            written: report.written,
            unchanged: report.unchanged,
            images: report.images,
            images_missing: report.images_missing,
            cancelled: false,
        };
        Ok((out, dto))
    }

    /// Stops the running export between two topics (nothing when none runs).
    pub async fn cancel_export(&self, _: NoArgs) -> Result<(), IpcError> {
        if let Some(cancel) = self
            .exporting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            cancel.cancel();
        }
        Ok(())
    }
}

/// The tab in a folder's name; none for 最新 (everything).
fn tab_word(tab: TabDto, lang: Lang) -> Option<&'static str> {
    let zh = lang == Lang::ZhCn;
    match tab {
        TabDto::Latest => None,
        TabDto::Digests => Some(if zh { "精华" } else { "Digests" }),
        TabDto::Owner => Some(if zh { "只看星主" } else { "Owner" }),
        TabDto::Questions => Some(if zh { "问答" } else { "Q&A" }),
        TabDto::Tasks => Some(if zh { "作业" } else { "Tasks" }),
    }
}
