//! Topic and comment content derived on demand from (seed, circle, ordinal): the same topic
//! always renders the same text, images and comments, and nothing is generated for topics no
//! one asks for. Real talks are sentences of their circle's theme; noise (check-ins, thanks,
//! link-only posts, near-duplicates) is written by [`crate::noise`].

use std::borrow::Cow;

use zsxq::rich_text::{Node, parse, to_zsxq};
use zsxq::{HashtagId, UserId};

use crate::dataset::corpus::{COMMENTS, REPLIES, THEMES, Theme};
use crate::noise::Noise;
use crate::rng::{Rng, tag};
use crate::world::{Attachments, CommentRec, Kind, NONE, TopicMeta, TopicRef, World, flag};

/// The attachments a topic has; cheap enough to compute while filtering a million topics.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Traits {
    pub(crate) images: u8,
    pub(crate) file: bool,
    pub(crate) article: bool,
    link: bool,
    mention: bool,
    bold: bool,
}

fn topic_rng(world: &World, at: TopicRef) -> Rng {
    Rng::keyed(&[
        world.seed,
        tag::TOPIC,
        u64::from(at.circle),
        u64::from(at.ordinal),
    ])
}

fn draw_traits(rng: &mut Rng, meta: &TopicMeta, by_owner: bool, noise: Option<Noise>) -> Traits {
    let images = rng.below(100);
    let file = rng.below(100);
    let article = rng.below(100);
    let (link, mention, bold) = (rng.percent(15), rng.percent(15), rng.percent(25));
    if meta.has(flag::STORED) {
        return Traits::default();
    }
    match noise {
        // Invented: a check-in often shows the day's page or run, other noise nothing.
        Some(Noise::CheckIn) => {
            return Traits {
                images: u8::from(images < 35),
                ..Traits::default()
            };
        }
        Some(_) => return Traits::default(),
        None => {}
    }
    match meta.kind {
        Kind::Talk => Traits {
            images: if images < 18 {
                1 + (images % 3) as u8
            } else {
                0
            },
            file: file < 7,
            article: article < if by_owner { 25 } else { 3 },
            link,
            mention,
            bold,
        },
        Kind::Task => Traits {
            images: u8::from(images < 40),
            file: file < 20,
            ..Traits::default()
        },
        Kind::Solution => Traits {
            images: u8::from(images < 25),
            ..Traits::default()
        },
        Kind::Question => Traits {
            images: u8::from(images < 8),
            ..Traits::default()
        },
    }
}

pub(crate) fn theme(world: &World, at: TopicRef) -> &'static Theme {
    let index = world
        .circles
        .get(usize::from(at.circle))
        .map_or(0, |c| c.theme);
    &THEMES[index % THEMES.len()]
}

/// The traits of a stored topic: what its dataset attached.
fn stored_traits(attachments: &Attachments) -> Traits {
    Traits {
        images: attachments.images,
        file: attachments.file_name.is_some(),
        article: attachments.article.is_some(),
        ..Traits::default()
    }
}

pub(crate) fn traits(world: &World, at: TopicRef, meta: &TopicMeta) -> Traits {
    if meta.has(flag::STORED) {
        return world
            .stored
            .get(&at)
            .map_or_else(Traits::default, |s| stored_traits(&s.attachments));
    }
    let by_owner = world
        .circles
        .get(usize::from(at.circle))
        .is_some_and(|c| c.owner == meta.author);
    draw_traits(
        &mut topic_rng(world, at),
        meta,
        by_owner,
        crate::noise::of(at, meta),
    )
}

/// A topic's derived body.
#[derive(Debug, Clone)]
pub(crate) struct Content {
    /// The whole rich text.
    pub(crate) text: String,
    /// What lists show instead of `text` (long talks with an article are cut with `...`).
    pub(crate) excerpt: Option<String>,
    pub(crate) traits: Traits,
    pub(crate) file_name: Option<Cow<'static, str>>,
    pub(crate) article_title: Option<Cow<'static, str>>,
    /// The answer a derived `q&a` gets.
    pub(crate) answer: &'static str,
}

pub(crate) fn derive(world: &World, at: TopicRef, meta: &TopicMeta) -> Content {
    let mut content = derive_posted(world, at, meta);
    world.history.apply_edits(world.seed, at, &mut content.text);
    content
}

/// The body as it was posted, before any edit.
fn derive_posted(world: &World, at: TopicRef, meta: &TopicMeta) -> Content {
    let theme = theme(world, at);
    let circle = world.circles.get(usize::from(at.circle));
    let by_owner = circle.is_some_and(|c| c.owner == meta.author);
    let mut rng = topic_rng(world, at);
    let noise = crate::noise::of(at, meta);
    let traits = draw_traits(&mut rng, meta, by_owner, noise);
    let question = rng.below(theme.questions.len() as u64) as usize;
    let answer = theme.answers[question % theme.answers.len()];
    let file_name = traits.file.then(|| Cow::Borrowed(*rng.pick(theme.files)));
    let article_title = traits
        .article
        .then(|| Cow::Borrowed(*rng.pick(theme.articles)));

    if let Some(stored) = world.stored.get(&at) {
        let attachments = &stored.attachments;
        let article = attachments.article.as_ref();
        return Content {
            text: stored.text.clone(),
            excerpt: article.map(|_| excerpt(&parse(&stored.text))),
            traits: stored_traits(attachments),
            file_name: attachments.file_name.clone().map(Cow::Owned),
            article_title: article.map(|a| Cow::Owned(a.title.clone())),
            answer,
        };
    }

    if let Some(noise) = noise {
        // A near-duplicate repeats its original as posted; the original is a real talk.
        let original = match noise {
            Noise::NearDuplicate(ordinal) => {
                let source = TopicRef {
                    circle: at.circle,
                    ordinal,
                };
                world
                    .meta(source)
                    .filter(|m| crate::noise::of(source, m).is_none())
                    .map(|m| derive_posted(world, source, m).text)
            }
            _ => None,
        };
        return Content {
            text: crate::noise::text(world, at, meta, noise, theme, &mut rng, original),
            excerpt: None,
            traits,
            file_name: None,
            article_title: None,
            answer,
        };
    }

    let mut nodes = Vec::new();
    match meta.kind {
        Kind::Question => nodes.push(Node::Text(theme.questions[question].to_owned())),
        Kind::Task => nodes.push(Node::Text((*rng.pick(theme.tasks)).to_owned())),
        Kind::Solution => nodes.push(Node::Text((*rng.pick(theme.solutions)).to_owned())),
        Kind::Talk if world.history.originally_sticky(at, meta.has(flag::STICKY)) => {
            nodes.push(Node::Text(theme.welcome.to_owned()));
        }
        Kind::Talk => {
            if traits.bold {
                nodes.push(Node::Bold((*rng.pick(theme.headlines)).to_owned()));
                nodes.push(Node::Text("\n\n".to_owned()));
            }
            let paragraphs = rng.range(1, 3);
            let mut body = String::new();
            for p in 0..paragraphs {
                if p > 0 {
                    body.push_str("\n\n");
                }
                for _ in 0..rng.range(1, 3) {
                    let sentence = rng.pick::<&str>(theme.sentences);
                    body.push_str(sentence);
                }
            }
            nodes.push(Node::Text(body));
            if traits.mention
                && let Some(c) = circle
            {
                let user = world.user(*rng.pick(&c.members));
                nodes.push(Node::Text("\n\n感谢 ".to_owned()));
                nodes.push(Node::Mention {
                    id: Some(UserId::new(user.id)),
                    name: user.name.clone(),
                });
                nodes.push(Node::Text(" 的提醒。".to_owned()));
            }
            if traits.link {
                let (href, title) = rng.pick(theme.links);
                nodes.push(Node::Text("\n参考：".to_owned()));
                nodes.push(Node::Link {
                    href: (*href).to_owned(),
                    title: (*title).to_owned(),
                });
            }
        }
    }
    if meta.hashtag != NONE
        && let Some(tag) = circle.and_then(|c| c.hashtags.get(usize::from(meta.hashtag)))
    {
        nodes.push(Node::Text("\n".to_owned()));
        nodes.push(Node::Hashtag {
            id: Some(HashtagId::new(tag.id)),
            name: tag.name.clone(),
        });
    }
    let text = to_zsxq(&nodes);
    let excerpt = article_title.as_ref().map(|_| excerpt(&nodes));
    Content {
        text,
        excerpt,
        traits,
        file_name,
        article_title,
        answer,
    }
}

/// The start of a text as lists show it: whole nodes up to about 60 visible characters, then
/// ` ...`, the way the service cuts talks that announce an article.
fn excerpt(nodes: &[Node]) -> String {
    let mut kept = Vec::new();
    let mut visible = 0;
    for node in nodes {
        if visible >= 60 {
            break;
        }
        if let Node::Text(text) = node {
            let room = 60 - visible;
            let cut: String = text.chars().take(room).collect();
            visible += cut.chars().count();
            kept.push(Node::Text(cut));
        } else {
            visible += node.visible_text().chars().count();
            kept.push(node.clone());
        }
    }
    kept.push(Node::Text(" ...".to_owned()));
    to_zsxq(&kept)
}

/// All comments of a topic, oldest first: the derived ones, then those posted since.
pub(crate) fn comments(world: &World, at: TopicRef) -> Vec<CommentRec> {
    let Some(meta) = world.meta(at) else {
        return Vec::new();
    };
    let circle = world.circles.get(usize::from(at.circle));
    let members: &[u32] = circle.map_or(&[], |c| &c.members);
    let mut out: Vec<CommentRec> = Vec::with_capacity(usize::from(meta.derived_comments));
    let mut time = meta.time_ms;
    let mut tops: Vec<u16> = Vec::new();
    for index in 0..meta.derived_comments {
        let mut rng = Rng::keyed(&[
            world.seed,
            tag::COMMENT,
            u64::from(at.circle),
            u64::from(at.ordinal),
            u64::from(index),
        ]);
        // Strictly increasing, so the `begin_time` + 1 ms walk never skips one.
        time += rng.range(20_000, 3_600_000) as i64;
        let author = if members.is_empty() {
            meta.author
        } else {
            *rng.pick(members)
        };
        let reply_to = (!tops.is_empty() && rng.percent(35)).then(|| *rng.pick(&tops));
        let (text, parent, repliee) = match reply_to {
            Some(parent) => {
                let repliee = out
                    .get(usize::from(parent))
                    .map_or(meta.author, |c| c.author);
                (*rng.pick(REPLIES), Some(parent), Some(repliee))
            }
            None => {
                tops.push(index);
                (*rng.pick(COMMENTS), None, None)
            }
        };
        out.push(CommentRec {
            index,
            time_ms: time,
            author,
            text: text.to_owned(),
            parent,
            repliee,
        });
    }
    if let Some(posted) = world.posted.get(&at) {
        out.extend(posted.iter().cloned());
    }
    out
}

/// The first of the circle's hashtags a text carries (by id, or by name for hand-written
/// entities without one), or [`NONE`].
pub(crate) fn hashtag_in(world: &World, circle: usize, text: &str) -> u8 {
    let Some(circle) = world.circles.get(circle) else {
        return NONE;
    };
    parse(text)
        .iter()
        .find_map(|node| match node {
            Node::Hashtag { id, name } => circle
                .hashtags
                .iter()
                .position(|h| Some(h.id) == id.map(HashtagId::get) || &h.name == name),
            _ => None,
        })
        .map_or(NONE, |i| i as u8)
}
