//! `hostile`: two small circles in which every string a client displays carries one of the
//! [`PAYLOADS`] (see [`crate::hostile`]).
//!
//! The circles, their members, menus and read markers come from the same generator as `demo`;
//! then every name is replaced. The topics are scripted rather than drawn, so that every kind
//! (talks with images, a file or an article; answered, unanswered and anonymous questions,
//! some asked by the signed-in user; tasks with solutions; comments with replies) and every
//! payload appear whatever the seed. Texts are composed as nodes and written with the same
//! [`to_zsxq`] as the other datasets, so payloads inside links, hashtags and mentions are
//! percent-encoded exactly as the service encodes them. Answers and comments go through the
//! same writes as a client's, which keep the truth's counters in step.
//!
//! Besides the XSS payloads, the names a command-line client prints (the circles', the
//! signed-in user's and the members') and every topic, answer and comment text carry one of
//! the [`TERMINAL`] payloads: escape sequences and bidirectional controls a terminal would obey.

use zsxq::rich_text::{Node, to_zsxq};
use zsxq::{HashtagId, UserId};

use super::corpus::SELF_NAME;
use super::generate::{add_circle, blank};
use crate::hostile::{MARKER, PAYLOADS};
use crate::world::{
    Attachments, Kind, SELF_USER, StoredArticle, StoredTopic, TopicRef, World, comment_id, flag,
};
use crate::writes;

/// (theme, topics) per circle: one owned by someone else, and one the signed-in user owns,
/// whose unanswered questions are theirs to answer (the `unanswered_questions` scope).
const CIRCLES: [(usize, u64); 2] = [(0, 36), (2, 16)];

/// Topics are three hours apart, the newest just before the world's anchor.
const STEP_MS: i64 = 3 * 3_600_000;
/// Comments follow their topic ten minutes apart; an answer comes after half an hour.
const COMMENT_STEP_MS: i64 = 600_000;
const ANSWER_DELAY_MS: i64 = 1_800_000;

/// Invented, as the service publishes nothing about them: what remote text could do to a
/// terminal that printed it raw. Window titles and a clipboard write (OSC, ended by BEL, by ST
/// and by the C1 bytes), a cleared screen and a cursor sent back over earlier lines (CSI, as
/// `ESC [` and as the C1 byte), a carriage return, backspaces and a DEL that overwrite what
/// is shown, and the bidirectional overrides, embeddings, marks and isolates that make
/// `x\u{202E}fdp.exe` read as `xexe.pdf`. Each keeps some visible text around its controls.
const TERMINAL: &[&str] = &[
    "\u{1b}]0;安全测试标题\u{7}",
    "\u{1b}]52;c;ZWNobyBwd25lZA==\u{1b}\\",
    "\u{1b}[2J\u{1b}[H安全测试清屏",
    "\u{9b}1A\u{9b}2K安全测试上移",
    "\r安全测试覆盖\u{8}\u{8}\u{7f}",
    "x\u{202E}fdp.exe\u{202C}",
    "\u{202A}安全\u{202B}测试\u{202D}文本\u{202C}\u{200F}\u{061C}",
    "\u{2066}安全\u{2067}测试\u{2068}文本\u{2069}\u{200E}",
    "\u{9d}0;安全测试标题\u{9c}\u{1b}P安全测试\u{1b}\\",
];

/// The terminal payload for the `n`th use, cycling.
fn terminal(n: usize) -> &'static str {
    TERMINAL
        .get(n % TERMINAL.len())
        .copied()
        .unwrap_or_default()
}

/// The payload for the `n`th use; consecutive uses cycle through all of them.
fn payload(n: usize) -> &'static str {
    PAYLOADS
        .get(n % PAYLOADS.len())
        .copied()
        .unwrap_or_default()
}

/// Link targets: every payload that is a URL (or breaks out of the attribute holding one), a
/// `data:` page and an `https:` URL that ends the attribute early.
fn link_targets() -> Vec<String> {
    let mut targets: Vec<String> = PAYLOADS
        .iter()
        .filter(|p| !p.contains('<'))
        .map(|p| (*p).to_owned())
        .collect();
    targets.push(format!("data:text/html,{}", payload(0)));
    targets.push(format!("https://example.com/{}", payload(7)));
    targets
}

/// The `n`th of `targets`, cycling.
fn nth(targets: &[String], n: usize) -> String {
    targets
        .get(n % targets.len().max(1))
        .cloned()
        .unwrap_or_default()
}

/// What a scripted topic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// The owner's sticky welcome post.
    Welcome,
    /// A digested talk by the owner with three images, filed in a column.
    ImagesTalk,
    FileTalk,
    ArticleTalk,
    Answered,
    Unanswered,
    /// A question the signed-in user asked (answered), or in their own circle one from a
    /// member (unanswered).
    Mine,
    Task,
    Solution,
}

/// After the welcome post, topics repeat this cycle.
const CYCLE: [Shape; 9] = [
    Shape::ImagesTalk,
    Shape::FileTalk,
    Shape::ArticleTalk,
    Shape::Answered,
    Shape::Unanswered,
    Shape::Task,
    Shape::Solution,
    Shape::Solution,
    Shape::Mine,
];

pub(super) fn build(world: &mut World) {
    if let Some(me) = world.users.get_mut(SELF_USER as usize) {
        me.name = format!("{SELF_NAME}{}{}", payload(2), terminal(0));
        me.description = Some(format!("{MARKER}：个人简介{}", payload(1)));
        me.location = Some(payload(3).to_owned());
    }
    let targets = link_targets();
    let mut n = 0;
    for (index, &(theme, topics)) in CIRCLES.iter().enumerate() {
        let name = format!(
            "安全测试星球{}{}{}",
            index + 1,
            payload(index * 7),
            terminal(index * 5 + 1)
        );
        let c = add_circle(world, theme, Some(name), None, topics);
        rename_circle(world, c);
        for j in 0..topics {
            n += 1;
            let shape = match j {
                0 => Shape::Welcome,
                _ => CYCLE[(j as usize - 1) % CYCLE.len()],
            };
            let time_ms = world.anchor_ms - (topics - j) as i64 * STEP_MS;
            // With the stress on, every seventh topic shares the previous one's millisecond.
            let time_ms = if j % 7 == 6 && world.same_millisecond_runs {
                world.latest_ms(c)
            } else {
                time_ms
            };
            add_topic(world, c, n, shape, time_ms, &targets);
        }
    }
    // Image, avatar, article and download URLs all carry a payload in a parameter the sim
    // ignores, so they stay downloadable.
    world.media_query = format!("orrery={}", payload(1));
}

/// Gives the circle's description, members, hashtags and columns payload names.
fn rename_circle(world: &mut World, c: usize) {
    let Some(circle) = world.circles.get_mut(c) else {
        return;
    };
    circle.description = format!("{MARKER}：星球简介\n{}", PAYLOADS.join("\n"));
    for (i, tag) in circle.hashtags.iter_mut().enumerate() {
        tag.name = format!("安全测试话题{}{}", i + 1, payload(i + 3));
    }
    for (i, column) in circle.columns.iter_mut().enumerate() {
        column.name = format!("安全测试专栏{}{}", i + 1, payload(i + 5));
    }
    for menu in &mut circle.menus {
        if let Some(tag) = menu.hashtag.and_then(|h| circle.hashtags.get(h)) {
            menu.title = format!("#{}#", tag.name);
        }
    }
    let members: Vec<u32> = circle
        .members
        .iter()
        .copied()
        .filter(|&m| m != SELF_USER)
        .collect();
    for (i, member) in members.into_iter().enumerate() {
        if let Some(user) = world.users.get_mut(member as usize) {
            user.name = format!(
                "安全测试用户{}{}{}",
                user.id % 1000,
                payload(i),
                terminal(i)
            );
            user.description = i
                .is_multiple_of(2)
                .then(|| format!("简介{}", payload(i + 1)));
            user.location = i.is_multiple_of(3).then(|| payload(i + 2).to_owned());
        }
    }
}

/// Adds the `n`th topic of the dataset, with its answer and comments.
fn add_topic(
    world: &mut World,
    c: usize,
    n: usize,
    shape: Shape,
    time_ms: i64,
    targets: &[String],
) {
    let Some(circle) = world.circles.get(c) else {
        return;
    };
    let owner = circle.owner;
    let others: Vec<u32> = circle
        .members
        .iter()
        .copied()
        .filter(|&m| m != owner && m != SELF_USER)
        .collect();
    let member = |k: usize| {
        others
            .get((n + k) % others.len().max(1))
            .copied()
            .unwrap_or(owner)
    };
    let mut meta = blank(time_ms, owner);
    meta.likes = (n % 4) as u32;
    let mut attachments = Attachments::default();
    match shape {
        Shape::Welcome => meta.flags |= flag::STICKY | flag::DIGESTED,
        Shape::ImagesTalk => {
            meta.flags |= flag::DIGESTED;
            meta.column = (n % circle.columns.len().max(1)) as u8;
            attachments.images = 3;
        }
        Shape::FileTalk => {
            meta.author = member(0);
            attachments.file_name = Some(format!("{MARKER}附件{n}{}.pdf", payload(n)));
        }
        Shape::ArticleTalk => {
            attachments.images = 1;
            attachments.article = Some(StoredArticle {
                title: format!("{MARKER}文章{n}{}", payload(n + 1)),
                body_html: article_html(n),
            });
        }
        Shape::Answered | Shape::Unanswered => {
            meta.kind = Kind::Question;
            meta.author = member(0);
            attachments.images = u8::from(shape == Shape::Answered);
            if n % 2 == 1 {
                meta.flags |= flag::ANONYMOUS;
            }
        }
        Shape::Mine => {
            meta.kind = Kind::Question;
            meta.author = if owner == SELF_USER {
                member(0)
            } else {
                SELF_USER
            };
        }
        Shape::Task => {
            meta.kind = Kind::Task;
            attachments.images = 1;
            attachments.file_name = Some(format!("{MARKER}作业{n}{}.docx", payload(n + 2)));
        }
        Shape::Solution => {
            let Some(task) = circle.topics.iter().rposition(|m| m.kind == Kind::Task) else {
                return;
            };
            meta.kind = Kind::Solution;
            meta.aux = task as u32;
            meta.author = if n.is_multiple_of(2) {
                SELF_USER
            } else {
                member(0)
            };
            attachments.images = 1;
        }
    }
    let hashtag = n % circle.hashtags.len().max(1);
    meta.hashtag = hashtag as u8;
    let mut nodes = vec![
        Node::Text(format!("{MARKER} {n}\n{}\n", terminal(n))),
        Node::Text(payload(n).to_owned()),
        Node::Text("\n".to_owned()),
        Node::Bold(payload(n + 1).to_owned()),
        Node::Italic(payload(n + 2).to_owned()),
        Node::Text("\n参考：".to_owned()),
        Node::Link {
            href: nth(targets, n),
            title: payload(n + 3).to_owned(),
        },
    ];
    let mentioned = world.user(member(1));
    nodes.push(Node::Text("\n感谢 ".to_owned()));
    nodes.push(Node::Mention {
        id: Some(UserId::new(mentioned.id)),
        name: mentioned.name.clone(),
    });
    if let Some(tag) = circle.hashtags.get(hashtag) {
        nodes.push(Node::Text("\n".to_owned()));
        nodes.push(Node::Hashtag {
            id: Some(HashtagId::new(tag.id)),
            name: tag.name.clone(),
        });
    }
    let stored = StoredTopic {
        topic_id: None,
        text: to_zsxq(&nodes),
        attachments,
    };
    let at = world.push_stored_topic(c, meta, stored);

    if shape == Shape::Answered || (shape == Shape::Mine && owner != SELF_USER) {
        let text = to_zsxq(&[
            Node::Text(format!(
                "{MARKER} {n} 回答\n{}{}",
                terminal(n + 1),
                payload(n + 4)
            )),
            Node::Link {
                href: nth(targets, n + 1),
                title: payload(n + 5).to_owned(),
            },
        ]);
        // Cannot fail: the topic is an unanswered question of this circle, answered by its
        // owner.
        let _ = writes::post_answer(world, at, owner, text, false, time_ms + ANSWER_DELAY_MS);
    }
    add_comments(world, at, n, time_ms, &member);
}

/// `n % 4` comments: the first a top-level comment, then replies to it and a second one.
fn add_comments(
    world: &mut World,
    at: TopicRef,
    n: usize,
    time_ms: i64,
    member: &dyn Fn(usize) -> u32,
) {
    for k in 0..n % 4 {
        let reply_to = (k % 2 == 1).then(|| comment_id(at, 0));
        let mentioned = world.user(member(k + 2));
        let text = to_zsxq(&[
            Node::Text(format!(
                "{MARKER} {n}.{}\n{}{}",
                k + 1,
                terminal(n + k + 2),
                payload(n + k + 6)
            )),
            Node::Mention {
                id: Some(UserId::new(mentioned.id)),
                name: mentioned.name.clone(),
            },
        ]);
        let when = time_ms + (k as i64 + 1) * COMMENT_STEP_MS;
        // Cannot fail: the topic exists and has far fewer comments than the limit.
        let _ = writes::post_comment(world, at, member(k + 1), text, reply_to, when);
    }
}

/// The HTML of the `n`th topic's article: a marker paragraph, then every payload unescaped, as
/// a hostile author's article page would hold them.
fn article_html(n: usize) -> String {
    let mut html = format!("<p>{MARKER} {n} 文章正文</p>\n");
    for p in PAYLOADS {
        html.push_str(&format!("<p>{p}</p>\n"));
    }
    html
}
