//! The topic reader: the posts of a topic as the core rendered them (sanitized HTML), its
//! images from the local cache with a viewer, files, the article, and the comment thread. A
//! topic deleted on 知识星球 opens under a banner saying when that was noticed; an edited one
//! offers its earlier versions in a disclosure (`<details>`: Enter or Space opens it).

use crate::api;
use crate::components::attachment::FileRow;
use crate::components::error_text::ErrorText;
use crate::format::{self, tz_offset_min};
use crate::state::{Ui, ui};
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::IpcError;
use orrery_ipc::commands::{
    CommentDto, ImageDto, OpenTopic, PartDto, PartRole, RevisionDto, SaveTopic, SaveTopicArgs,
    TopicArgs, TopicDto,
};
use orrery_ipc::id::{CommentId, ImageId, TopicId};
use orrery_ipc::media::MediaRef;
use wasm_bindgen::JsCast;

mod marks;

/// No topic open: which one to pick, and before any sign-in (the demo) what Orrery does and
/// what stays on this computer, in two lines.
#[component]
fn EmptyReader() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    view! {
        <Show
            when=move || ui.is_demo()
            fallback=move || view! { <p class="empty">{t().pick_topic}</p> }
        >
            <div class="welcome" id="welcome">
                <p>{move || t().welcome_what}</p>
                <p>{move || t().welcome_where}</p>
                <p class="empty">{move || t().pick_topic}</p>
            </div>
        </Show>
    }
}

#[component]
pub fn Reader() -> impl IntoView {
    let ui = ui();
    let topic = RwSignal::new(None::<Result<TopicDto, IpcError>>);
    let viewer = RwSignal::new(None::<ImageId>);
    Effect::new(move |_| {
        let Some(id) = ui.topic.get() else {
            topic.set(None);
            return;
        };
        spawn_local(async move {
            let result = api::invoke::<OpenTopic>(&TopicArgs { topic: id }).await;
            // Ignore an answer for a topic the reader has already left.
            if ui.topic.get_untracked() == Some(id) {
                topic.set(Some(result));
                ui.counts_may_have_changed();
                if let Some(comment) = ui.focus_comment.get_untracked() {
                    request_animation_frame(move || focus_comment(comment));
                }
            }
        });
    });
    let t = move || ui.t();
    view! {
        <section class="reader" id="reader" on:click=move |e| on_rich_click(ui, &e)>
            {move || match topic.get() {
                None => view! { <EmptyReader /> }.into_any(),
                Some(Err(err)) => view! { <p class="error"><ErrorText error=err /></p> }.into_any(),
                Some(Ok(topic)) => view! { <TopicView topic=topic viewer=viewer /> }.into_any(),
            }}
            {move || {
                viewer
                    .get()
                    .map(|id| {
                        view! {
                            <div class="viewer" id="image-viewer" on:click=move |_| viewer.set(None)>
                                <img src=api::media_url(MediaRef::Image(id)) alt="" />
                                <button class="ghost">{move || t().close}</button>
                            </div>
                        }
                    })
            }}
        </section>
    }
}

/// 稍后读 / Saved: puts the topic on the saved list or takes it off.
#[component]
fn SaveButton(topic: TopicId, saved: bool) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let saved = RwSignal::new(saved);
    let toggle = move |_| {
        let want = !saved.get_untracked();
        spawn_local(async move {
            let done = api::invoke::<SaveTopic>(&SaveTopicArgs { topic, saved: want }).await;
            if done.is_ok() {
                saved.set(want);
            }
        });
    };
    view! {
        <button
            class="ghost"
            id="save-topic"
            data-saved=move || saved.get().to_string()
            aria-pressed=move || saved.get().to_string()
            on:click=toggle
        >
            {move || if saved.get() { t().brief_unsave } else { t().brief_save }}
        </button>
    }
}

#[component]
fn TopicView(topic: TopicDto, viewer: RwSignal<Option<ImageId>>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let row = topic.row.clone();
    let when = format::full_time(row.time_ms, tz_offset_min());
    let comments = topic.comments.clone();
    let count = comments.len();
    let deleted_notice = row.deleted_at_ms.map(|ms| {
        view! {
            <p class="deleted-banner" id="deleted-banner" role="note">
                {move || format::fill(t().deleted_notice, &format::full_time(ms, tz_offset_min()))}
            </p>
        }
    });
    let edited_title = topic
        .modified_ms
        .map(|ms| move || format::fill(t().edited_at, &format::full_time(ms, tz_offset_min())));
    let edited = row.edited;
    view! {
        <article class="topic" data-topic-id=row.id.to_string() class:deleted=row.deleted_at_ms.is_some()>
            {deleted_notice}
            <header class="topic-head">
                <p class="muted">
                    <span data-field="circle">{topic.circle_name.clone()}</span>
                    " · "
                    <time>{when}</time>
                    <Show when=move || row.digest>
                        " "
                        <span class="tag digest">{move || t().digest}</span>
                    </Show>
                    <Show when=move || edited>
                        " "
                        <span class="tag edited" title=edited_title>{move || t().edited}</span>
                    </Show>
                    " "
                    <SaveButton topic=row.id saved=topic.saved />
                </p>
                <h2 class="topic-title">{row.title.clone()}</h2>
            </header>
            {topic
                .parts
                .into_iter()
                .map(|part| view! { <Part part=part viewer=viewer /> })
                .collect_view()}
            <Revisions revisions=topic.revisions viewer=viewer />
            {topic
                .article
                .map(|article| {
                    let url = article.url.clone();
                    view! {
                        <section class="article" id="article">
                            <h3>{move || t().article} " · " {article.title.clone()}</h3>
                            {match article.html {
                                Some(html) => view! { <div class="rich article-body" inner_html=html></div> }.into_any(),
                                None => view! { <p class="muted">{move || t().article_not_archived}</p> }.into_any(),
                            }}
                            {url.map(|url| view! { <a class="button" href=url>{move || t().open_in_browser}</a> })}
                        </section>
                    }
                })}
            <Show when={
                let empty = topic.hashtags.is_empty();
                move || !empty
            }>
                <p class="hashtags">
                    {topic
                        .hashtags
                        .iter()
                        .map(|tag| {
                            let name = tag.clone();
                            view! {
                                <button class="chip" data-hashtag=tag.clone() on:click=move |_| ui.filter_hashtag(name.clone())>
                                    {format!("#{tag}")}
                                </button>
                            }
                        })
                        .collect_view()}
                </p>
            </Show>
            <marks::BriefMarkButtons marks=topic.brief_marks />
            <section class="comments" id="comments">
                <h3>{move || t().comments_title} " " <span class="muted" data-field="comment-count">{count}</span></h3>
                {if comments.is_empty() {
                    view! { <p class="muted">{move || t().no_comments}</p> }.into_any()
                } else {
                    view! { <Thread comments=comments viewer=viewer /> }.into_any()
                }}
            </section>
        </article>
    }
}

/// One post of a topic (or of an earlier version of it).
#[component]
fn Part(part: PartDto, viewer: RwSignal<Option<ImageId>>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let role = match part.role {
        PartRole::Talk => None,
        PartRole::Question => Some(t().role_question),
        PartRole::Answer => Some(t().role_answer),
        PartRole::Task => Some(t().role_task),
        PartRole::Solution => Some(t().role_solution),
    };
    let author = part
        .author
        .clone()
        .unwrap_or_else(|| t().anonymous.to_owned());
    view! {
        <section class="part" data-role=format!("{:?}", part.role).to_lowercase()>
            <p class="part-head">
                {role.map(|r| view! { <span class="tag">{r}</span> " " })}
                <strong>{author}</strong>
            </p>
            <div class="rich" inner_html=part.html></div>
            <Images images=part.images viewer=viewer />
            <Show when={
                let empty = part.files.is_empty();
                move || !empty
            }>
                <ul class="files" aria-label=move || t().files>
                    {part
                        .files
                        .iter()
                        .map(|f| view! { <FileRow file=f.clone() /> })
                        .collect_view()}
                </ul>
            </Show>
        </section>
    }
}

/// The earlier versions of an edited topic, closed until asked for: most readers want the
/// current text, and an archive keeps the rest for the ones who do not.
#[component]
fn Revisions(revisions: Vec<RevisionDto>, viewer: RwSignal<Option<ImageId>>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    (!revisions.is_empty()).then(|| {
        let count = revisions.len().to_string();
        view! {
            <details class="revisions" id="revisions">
                <summary>
                    {move || t().edited} " · " {move || format::fill(t().earlier_versions, &count)}
                </summary>
                <ol class="revision-list">
                    {revisions
                        .into_iter()
                        .map(|r| {
                            let number = r.revision.to_string();
                            let replaced = format::full_time(r.replaced_at_ms, tz_offset_min());
                            view! {
                                <li class="revision" data-revision=r.revision>
                                    <p class="revision-head muted">
                                        <strong>{move || format::fill(t().revision_number, &number)}</strong>
                                        " · "
                                        <time>{move || format::fill(t().replaced_at, &replaced)}</time>
                                    </p>
                                    {r.parts
                                        .into_iter()
                                        .map(|part| view! { <Part part=part viewer=viewer /> })
                                        .collect_view()}
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </details>
        }
    })
}

#[component]
fn Images(images: Vec<ImageDto>, viewer: RwSignal<Option<ImageId>>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    (!images.is_empty()).then(|| {
        view! {
            <div class="images">
                {images
                    .into_iter()
                    .map(|image| {
                        let id = image.id;
                        view! {
                            <button
                                class="thumb"
                                data-image-id=image.id.to_string()
                                data-cached=image.cached.to_string()
                                title=move || if image.cached { "" } else { t().image_not_cached }
                                on:click=move |_| viewer.set(Some(id))
                            >
                                <img src=api::media_url(MediaRef::Image(image.id)) loading="lazy" alt="" />
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        }
    })
}

/// Top-level comments in order, each followed by its replies.
#[component]
fn Thread(comments: Vec<CommentDto>, viewer: RwSignal<Option<ImageId>>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let ids: std::collections::HashSet<CommentId> = comments.iter().map(|c| c.id).collect();
    // A reply whose parent is not archived is shown at the top level rather than lost.
    let is_top = |c: &CommentDto| c.parent_id.as_ref().is_none_or(|p| !ids.contains(p));
    let (top, replies): (Vec<_>, Vec<_>) = comments.iter().cloned().partition(is_top);
    let comment = move |c: CommentDto, reply: bool| {
        let when = format::relative_time(
            ui.locale.get_untracked(),
            js_sys::Date::now() as i64,
            c.time_ms,
            tz_offset_min(),
        );
        view! {
            <li class="comment" class:reply=reply data-comment-id=c.id.to_string()>
                <p class="comment-head">
                    <strong>{c.author.clone()}</strong>
                    {c.repliee.clone().map(|r| view! { " " <span class="muted">{move || t().replied_to}</span> " " <strong>{r}</strong> })}
                    " "
                    <time class="muted" title=format::full_time(c.time_ms, tz_offset_min())>{when}</time>
                </p>
                <div class="rich" inner_html=c.html.clone()></div>
                <Images images=c.images.clone() viewer=viewer />
            </li>
        }
    };
    view! {
        <ul class="thread">
            {top
                .into_iter()
                .map(|c| {
                    let id = c.id;
                    let children: Vec<_> = replies.iter().filter(|r| r.parent_id == Some(id)).cloned().collect();
                    view! {
                        {comment(c, false)}
                        {children.into_iter().map(|r| comment(r, true)).collect_view()}
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Scrolls to the comment a search matched and marks it for a moment.
fn focus_comment(id: CommentId) {
    let Some(el) = document()
        .query_selector(&format!("#reader .comment[data-comment-id='{id}']"))
        .ok()
        .flatten()
    else {
        return;
    };
    el.scroll_into_view();
    let _ = el.class_list().add_1("focused");
}

/// A hashtag in a post opens its timeline (links are handled app-wide, see `app.rs`).
fn on_rich_click(ui: Ui, e: &leptos::ev::MouseEvent) {
    let Some(tag) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(".rich .zsxq-hashtag").ok().flatten())
    else {
        return;
    };
    let text = tag.text_content().unwrap_or_default();
    let name = text.trim().trim_matches('#').trim();
    if !name.is_empty() {
        ui.filter_hashtag(name.to_owned());
    }
}
