//! Long-form articles: the body of every article a talk announces, fetched once and stored
//! with the text extracted from it (for search). A page that cannot be had (deleted, a link
//! the client refuses) is stored empty, so it is not asked for on every run.

use std::collections::HashSet;

use zsxq::{ApiError, GroupId, TopicId};

use super::circle::{Ctx, Progress, Tally, over_budget};
use super::error::Stop;
use super::html_text::html_to_text;
use super::{Phase, SyncEvent};
use crate::store::StoreError;

/// Articles asked of the store at a time.
const BATCH: u32 = 50;

pub(super) async fn articles(ctx: Ctx, group: GroupId) -> Result<Progress, Stop> {
    let mut tally = Tally::default();
    let mut done: HashSet<TopicId> = HashSet::new();
    let mut announced = false;
    loop {
        let limit = BATCH.saturating_add(u32::try_from(done.len()).unwrap_or(u32::MAX));
        let todo: Vec<_> = ctx
            .store
            .articles_to_fetch_in(group, limit)
            .await?
            .into_iter()
            .filter(|a| !done.contains(&a.topic_id))
            .collect();
        if todo.is_empty() {
            return Ok(Progress { tally, more: false });
        }
        ctx.announce(&mut announced, group, Phase::Articles);
        for article in todo {
            if over_budget(ctx.options.articles_per_round, done.len()) {
                return Ok(Progress { tally, more: true });
            }
            done.insert(article.topic_id);
            let html = match &article.article_url {
                Some(url) => fetch_page(&ctx, group, url).await?,
                None => String::new(),
            };
            let text = html_to_text(&html);
            match ctx
                .store
                .store_article_body(article.topic_id, &html, &text)
                .await
            {
                Ok(true) => tally.articles += 1,
                Ok(false) => {}
                // The topic dropped its article while the page was being fetched.
                Err(StoreError::UnknownArticle { .. }) => continue,
                Err(err) => return Err(err.into()),
            }
            ctx.emit(SyncEvent::ArticleFetched {
                group_id: group,
                topic_id: article.topic_id,
            });
        }
    }
}

/// The page's HTML; empty when the article is gone, its link is refused or the page is over
/// the client's limit (it would be every run: failing the circle for it would stop it for good).
async fn fetch_page(ctx: &Ctx, group: GroupId, url: &str) -> Result<String, Stop> {
    let mut attempt = 0_u32;
    loop {
        match ctx.guard(ctx.client.article_html(url)).await? {
            Ok(page) => return Ok(page.data),
            Err(
                ApiError::NotFound | ApiError::UnsupportedUrl { .. } | ApiError::TooLarge { .. },
            ) => {
                return Ok(String::new());
            }
            Err(err) => ctx.recover(Some(group), err, &mut attempt).await?,
        }
    }
}
