//! The world as the service's JSON: topics, comments, groups and users with the field names and
//! layout of the real responses in `shared/zsxq/samples/` (ids as numbers with `*_uid` string
//! twins, `+0800` millisecond dates, percent-encoded rich text). Media URLs point at the sim's
//! own base URL.

use serde_json::{Map, Value, json};
use zsxq::Timestamp;
use zsxq::rich_text::{parse, to_plain_text};

use crate::content::{self, Content};
use crate::rng::{Rng, hash};
use crate::world::{
    Circle, CommentRec, Kind, NONE, SELF_USER, TopicMeta, TopicRef, World, article_id, comment_id,
    file_id, image_id,
};

/// Image URLs carry an expiry like the real signed ones; this one is far in the future.
const URL_EXPIRY: &str = "e=1924963199&token=zsxq-sim";

/// A `create_time` string.
pub(crate) fn ts(ms: i64) -> String {
    Timestamp::from_unix_millis(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// The three renditions of an image and their sizes; shared with the route that serves them.
pub(crate) fn image_size(image_id: i64, variant: &str) -> Option<(u32, u32)> {
    let width = match variant {
        "thumbnail" => 120,
        "large" => 320,
        "original" => 480,
        "avatar" => return Some((64, 64)),
        "background" => return Some((320, 180)),
        _ => return None,
    };
    // Portrait, square or landscape, fixed per image.
    let (num, den) = [(3, 4), (1, 1), (4, 3), (16, 9)][(hash(&[image_id as u64]) % 4) as usize];
    Some((width, width * den / num))
}

/// Builds JSON for one request against one consistent view of the world.
#[derive(Debug)]
pub(crate) struct Renderer<'a> {
    pub(crate) world: &'a World,
    pub(crate) base: &'a str,
}

impl Renderer<'_> {
    /// `url` with the dataset's extra media query parameter, if it has one.
    fn media_url(&self, url: String) -> String {
        with_query(url, &self.world.media_query)
    }

    pub(crate) fn avatar_url(&self, user_id: i64) -> String {
        self.media_url(format!(
            "{}/images/avatar_{user_id}.png?{URL_EXPIRY}",
            self.base
        ))
    }

    fn background_url(&self, group_id: i64) -> String {
        self.media_url(format!(
            "{}/images/background_{group_id}.png?{URL_EXPIRY}",
            self.base
        ))
    }

    /// A user as embedded in topics: id, name, avatar, and description/location when known.
    pub(crate) fn user(&self, index: u32) -> Value {
        let user = self.world.user(index);
        let mut out = Map::new();
        out.insert("user_id".into(), json!(user.id));
        out.insert("name".into(), json!(user.name));
        out.insert("avatar_url".into(), json!(self.avatar_url(user.id)));
        if let Some(description) = &user.description {
            out.insert("description".into(), json!(description));
        }
        if let Some(location) = &user.location {
            out.insert("location".into(), json!(location));
        }
        Value::Object(out)
    }

    fn user_short(&self, index: u32) -> Value {
        let user = self.world.user(index);
        json!({"user_id": user.id, "name": user.name, "avatar_url": self.avatar_url(user.id)})
    }

    pub(crate) fn group_stub(&self, circle: &Circle) -> Value {
        json!({
            "group_id": circle.group_id,
            "name": circle.name,
            "type": circle.kind,
            "background_url": self.background_url(circle.group_id),
        })
    }

    fn image(&self, id: i64) -> Value {
        let size = |variant: &str| {
            let (width, height) = image_size(id, variant).unwrap_or((1, 1));
            (
                self.media_url(format!(
                    "{}/images/{id}_{variant}.png?{URL_EXPIRY}",
                    self.base
                )),
                width,
                height,
            )
        };
        let (thumb, tw, th) = size("thumbnail");
        let (large, lw, lh) = size("large");
        let (original, ow, oh) = size("original");
        let bytes = crate::png::encoded_len(ow, oh);
        json!({
            "image_id": id,
            "type": "png",
            "thumbnail": {"url": thumb, "width": tw, "height": th},
            "large": {"url": large, "width": lw, "height": lh},
            "original": {"url": original, "width": ow, "height": oh, "size": bytes},
        })
    }

    fn images(&self, at: TopicRef, first: u8, count: u8) -> Value {
        Value::Array(
            (first..first + count)
                .map(|n| self.image(image_id(at, n)))
                .collect(),
        )
    }

    /// A topic: `list` gives what topic lists show (long article talks cut with `...`), the
    /// detail endpoint passes `false` for the whole text.
    pub(crate) fn topic(&self, at: TopicRef, list: bool) -> Value {
        let world = self.world;
        let Some((circle, meta)) = world
            .circles
            .get(usize::from(at.circle))
            .and_then(|c| Some((c, c.topics.get(at.ordinal as usize)?)))
        else {
            return Value::Null;
        };
        let content = content::derive(world, at, meta);
        let topic_id = world.topic_id(at);
        let text = match (&content.excerpt, list) {
            (Some(excerpt), true) => excerpt.clone(),
            _ => content.text.clone(),
        };
        let mut out = Map::new();
        out.insert("topic_id".into(), json!(topic_id));
        out.insert("topic_uid".into(), json!(topic_id.to_string()));
        out.insert("group".into(), self.group_stub(circle));
        let kind = match meta.kind {
            Kind::Talk => "talk",
            Kind::Question => "q&a",
            Kind::Task => "task",
            Kind::Solution => "solution",
        };
        out.insert("type".into(), json!(kind));
        match meta.kind {
            Kind::Talk => {
                out.insert("talk".into(), self.talk(at, meta, &content, text, topic_id));
            }
            Kind::Question => self.question(&mut out, circle, at, meta, &content, text),
            Kind::Task => {
                let mut task = Map::new();
                task.insert("owner".into(), self.user(meta.author));
                task.insert("text".into(), json!(text));
                task.insert("images".into(), self.images(at, 0, content.traits.images));
                if content.traits.file {
                    task.insert("files".into(), self.files(at, meta, &content));
                }
                out.insert("task".into(), Value::Object(task));
                out.insert("statistics".into(), json!({"submitted_count": meta.aux}));
                out.insert("enabled_task".into(), json!(true));
                out.insert("show_solutions".into(), json!(false));
            }
            Kind::Solution => {
                let task = TopicRef {
                    circle: at.circle,
                    ordinal: meta.aux,
                };
                let task_id = world.topic_id(task);
                out.insert(
                    "solution".into(),
                    json!({
                        "task_id": task_id,
                        "task_uid": task_id.to_string(),
                        "owner": self.user(meta.author),
                        "text": text,
                        "images": self.images(at, 0, content.traits.images),
                    }),
                );
            }
        }
        let likes = u64::from(meta.likes);
        if likes > 0 {
            out.insert("latest_likes".into(), self.latest_likes(at, meta));
        }
        let comments = content::comments(world, at);
        let shown: Vec<Value> = comments
            .iter()
            .filter(|c| c.parent.is_none())
            .take(3)
            .map(|c| self.comment(at, c, None))
            .collect();
        if !shown.is_empty() {
            out.insert("show_comments".into(), Value::Array(shown));
        }
        out.insert("likes_count".into(), json!(likes));
        out.insert("tourist_likes_count".into(), json!(0));
        if likes > 0 {
            out.insert(
                "likes_detail".into(),
                json!({"emojis": [{"emoji_key": "[强]", "likes_count": likes}]}),
            );
        }
        out.insert("rewards_count".into(), json!(0));
        out.insert("comments_count".into(), json!(comments.len()));
        let readers = 40 + likes * 7 + hash(&[world.seed, topic_id as u64]) % 300;
        out.insert("reading_count".into(), json!(readers + readers / 3));
        out.insert("readers_count".into(), json!(readers));
        out.insert(
            "digested".into(),
            json!(meta.has(crate::world::flag::DIGESTED)),
        );
        let sticky = meta.has(crate::world::flag::STICKY);
        out.insert("sticky".into(), json!(sticky));
        if sticky {
            out.insert("stick_time".into(), json!(ts(meta.time_ms + 60_000)));
        }
        if meta.column != NONE
            && let Some(column) = circle.columns.get(usize::from(meta.column))
        {
            out.insert(
                "columns".into(),
                json!([{"column_id": column.id, "name": column.name}]),
            );
        }
        out.insert("create_time".into(), json!(ts(meta.time_ms)));
        if let Some(answer) = world.answers.get(&at) {
            out.insert("modify_time".into(), json!(ts(answer.time_ms)));
        }
        let mut user_specific = json!({
            "liked": meta.has(crate::world::flag::SELF_LIKED),
            "liked_emojis": if meta.has(crate::world::flag::SELF_LIKED) { json!(["[强]"]) } else { json!([]) },
            "subscribed": meta.author == SELF_USER,
        });
        if meta.kind == Kind::Task
            && let Some(us) = user_specific.as_object_mut()
        {
            us.insert("submitted".into(), json!(false));
        }
        out.insert("user_specific".into(), user_specific);
        out.insert("title".into(), json!(title(&content.text)));
        Value::Object(out)
    }

    fn talk(
        &self,
        at: TopicRef,
        meta: &TopicMeta,
        content: &Content,
        text: String,
        topic_id: i64,
    ) -> Value {
        let mut talk = Map::new();
        talk.insert("owner".into(), self.user(meta.author));
        talk.insert("text".into(), json!(text));
        if content.traits.images > 0 {
            talk.insert("images".into(), self.images(at, 0, content.traits.images));
        }
        if content.traits.file {
            talk.insert("files".into(), self.files(at, meta, content));
        }
        if let Some(title) = &content.article_title {
            let article = article_id(topic_id);
            talk.insert(
                "article".into(),
                json!({
                    "title": title,
                    "article_id": article,
                    "article_url": self.media_url(format!("{}/articles/id_{article}.html", self.base)),
                    "inline_article_url": self.media_url(format!("{}/articles/inline_form/id_{article}.html", self.base)),
                }),
            );
        }
        Value::Object(talk)
    }

    fn files(&self, at: TopicRef, meta: &TopicMeta, content: &Content) -> Value {
        let name = content.file_name.as_deref().unwrap_or("附件.pdf");
        let id = file_id(at);
        let h = hash(&[id as u64]);
        let mut file = json!({
            "file_id": id,
            "name": name,
            "hash": format!("{:016x}", h),
            "size": 20_000 + h % 4_000_000,
            "download_count": h % 300,
            "create_time": ts(meta.time_ms),
        });
        if name.ends_with(".mp4")
            && let Some(f) = file.as_object_mut()
        {
            f.insert("duration".into(), json!(60 + h % 3000));
        }
        json!([file])
    }

    fn question(
        &self,
        out: &mut Map<String, Value>,
        circle: &Circle,
        at: TopicRef,
        meta: &TopicMeta,
        content: &Content,
        text: String,
    ) {
        use crate::world::flag::{ANONYMOUS, ANSWERED, SILENCED};
        let anonymous = meta.has(ANONYMOUS);
        let asker = self.world.user(meta.author);
        let mut question = Map::new();
        if !anonymous {
            question.insert("owner".into(), self.user(meta.author));
        }
        question.insert("questionee".into(), self.user(circle.owner));
        question.insert("text".into(), json!(text));
        if content.traits.images > 0 {
            question.insert("images".into(), self.images(at, 0, content.traits.images));
        }
        question.insert("expired".into(), json!(false));
        question.insert("anonymous".into(), json!(anonymous));
        question.insert(
            "owner_detail".into(),
            json!({
                "questions_count": 1 + hash(&[asker.id as u64]) % 12,
                "join_time": ts(circle.create_ms + (hash(&[asker.id as u64, 1]) % 200) as i64 * 86_400_000),
            }),
        );
        if let Some(location) = &asker.location {
            question.insert("owner_location".into(), json!(location));
        }
        out.insert("question".into(), Value::Object(question));
        let answered = meta.has(ANSWERED);
        if answered {
            let answer = match self.world.answers.get(&at) {
                Some(stored) => json!({"owner": self.user(stored.owner), "text": stored.text}),
                None => json!({"owner": self.user(circle.owner), "text": content.answer}),
            };
            out.insert("answer".into(), answer);
        }
        out.insert("answered".into(), json!(answered));
        out.insert("silenced".into(), json!(meta.has(SILENCED)));
    }

    fn latest_likes(&self, at: TopicRef, meta: &TopicMeta) -> Value {
        let members = self
            .world
            .circles
            .get(usize::from(at.circle))
            .map_or(&[][..], |c| &c.members[..]);
        let mut rng = Rng::keyed(&[
            self.world.seed,
            0x11CE,
            u64::from(at.circle),
            u64::from(at.ordinal),
        ]);
        let shown = meta.likes.min(3);
        let mut likes = Vec::new();
        let mut time = meta.time_ms;
        let mut likers: Vec<u32> = Vec::new();
        if meta.has(crate::world::flag::SELF_LIKED) {
            likers.push(SELF_USER);
        }
        while likers.len() < shown as usize && !members.is_empty() {
            likers.push(*rng.pick(members));
        }
        for (n, liker) in likers.into_iter().enumerate() {
            time += rng.range(60_000, 7_200_000) as i64;
            let user = self.world.user(liker);
            likes.push(json!({
                "create_time": ts(time),
                "owner": {
                    "user_id": user.id,
                    "name": user.name,
                    "avatar_url": self.avatar_url(user.id),
                    "number": 1 + n as u64 + hash(&[user.id as u64]) % 5000,
                },
            }));
        }
        // Newest first, as the service lists them.
        likes.reverse();
        Value::Array(likes)
    }

    /// A comment; `replies` are nested for the comments endpoint and left out inline.
    pub(crate) fn comment(
        &self,
        at: TopicRef,
        rec: &CommentRec,
        replies: Option<Vec<Value>>,
    ) -> Value {
        let mut out = Map::new();
        out.insert("comment_id".into(), json!(comment_id(at, rec.index)));
        if let Some(parent) = rec.parent {
            out.insert("parent_comment_id".into(), json!(comment_id(at, parent)));
        }
        out.insert("create_time".into(), json!(ts(rec.time_ms)));
        out.insert("owner".into(), self.user(rec.author));
        if let Some(repliee) = rec.repliee {
            out.insert("repliee".into(), self.user_short(repliee));
        }
        out.insert("text".into(), json!(rec.text));
        out.insert(
            "likes_count".into(),
            json!(hash(&[comment_id(at, rec.index) as u64]) % 4),
        );
        out.insert("rewards_count".into(), json!(0));
        out.insert("sticky".into(), json!(false));
        if let Some(replies) = replies {
            out.insert("replies_count".into(), json!(replies.len()));
            if !replies.is_empty() {
                out.insert("replied_comments".into(), Value::Array(replies));
            }
        }
        Value::Object(out)
    }

    /// A top-level comment with its replies among `all` (the topic's whole thread) nested, as
    /// the comments endpoint serves it.
    pub(crate) fn thread_entry(&self, at: TopicRef, all: &[CommentRec], top: &CommentRec) -> Value {
        let replies = all
            .iter()
            .filter(|c| c.parent == Some(top.index))
            .map(|c| self.comment(at, c, None))
            .collect();
        self.comment(at, top, Some(replies))
    }

    fn owner_last_topic_ms(&self, circle: &Circle) -> Option<i64> {
        // Bounded: a generated circle can hold millions of topics.
        circle
            .topics
            .iter()
            .rev()
            .take(5_000)
            .find(|m| m.author == circle.owner)
            .or(circle.topics.last())
            .map(|m| m.time_ms)
    }

    fn membership(&self, circle: &Circle) -> (Value, Value, i64) {
        let join = circle.create_ms + 30 * 86_400_000;
        if circle.owner == SELF_USER {
            let forever = json!({
                "begin_time": ts(circle.create_ms),
                "end_time": "2286-11-21T01:46:39.999+0800",
                "need_renew": false,
                "can_renew": false,
            });
            let validity = json!({"begin_time": ts(circle.create_ms), "end_time": "2286-11-21T01:46:39.999+0800"});
            return (forever, validity, circle.create_ms);
        }
        let end = self.world.anchor_ms + 200 * 86_400_000;
        (
            json!({"begin_time": ts(join), "end_time": ts(end), "need_renew": false, "can_renew": true}),
            json!({"begin_time": ts(join), "end_time": ts(end)}),
            join,
        )
    }

    /// A group as listed by `/v2/groups`, or with `detail` as `/v2/groups/{id}` returns it.
    pub(crate) fn group(&self, circle: &Circle, detail: bool) -> Value {
        let world = self.world;
        let owner = world.user(circle.owner);
        let user_id = |i: &u32| world.user(*i).id;
        let mut out = Map::new();
        out.insert("group_id".into(), json!(circle.group_id));
        if detail {
            out.insert("number".into(), json!(circle.group_id % 100_000_000));
        }
        out.insert("name".into(), json!(circle.name));
        if detail {
            out.insert("description".into(), json!(circle.description));
            out.insert("create_time".into(), json!(ts(circle.create_ms)));
            out.insert(
                "update_time".into(),
                json!(ts(circle.create_ms + 86_400_000)),
            );
        }
        if let Some(ms) = self.owner_last_topic_ms(circle) {
            out.insert(
                "privilege_user_last_topic_create_time".into(),
                json!(ts(ms)),
            );
        }
        let latest = circle.topics.last().map(|m| m.time_ms);
        if detail {
            if let Some(ms) = latest {
                out.insert("latest_topic_create_time".into(), json!(ts(ms)));
            }
            let alive = latest.unwrap_or(circle.create_ms);
            out.insert("alive_time".into(), json!(ts(alive - alive % 3_600_000)));
        }
        out.insert(
            "background_url".into(),
            json!(self.background_url(circle.group_id)),
        );
        out.insert("type".into(), json!(circle.kind));
        out.insert("risk_level".into(), json!("normal"));
        if detail {
            out.insert(
                "category".into(),
                json!({"category_id": 527_152_274, "title": "其他"}),
            );
        }
        let mut owner_json = json!({
            "user_id": owner.id,
            "name": owner.name,
            "avatar_url": self.avatar_url(owner.id),
        });
        if let (Some(description), Some(o)) = (&owner.description, owner_json.as_object_mut()) {
            o.insert("description".into(), json!(description));
        }
        out.insert("owner".into(), owner_json);
        out.insert("partner_ids".into(), json!([]));
        out.insert(
            "admin_ids".into(),
            json!(
                circle
                    .guests
                    .iter()
                    .take(2)
                    .map(user_id)
                    .collect::<Vec<_>>()
            ),
        );
        out.insert(
            "guest_ids".into(),
            json!(circle.guests.iter().map(user_id).collect::<Vec<_>>()),
        );
        let amount = if circle.kind == "pay" { 19_900 } else { 0 };
        out.insert(
            "policies".into(),
            json!({
                "need_examine": false,
                "allow_join": true,
                "allow_anonymous_question": true,
                "payment": {
                    "amount": amount,
                    "duration": if amount > 0 { "1Y" } else { "" },
                    "mode": "period",
                },
            }),
        );
        if detail {
            out.insert(
                "privileges".into(),
                json!({
                    "access_group_data": "owner,partners,admins",
                    "create_topic": "all",
                    "create_comment": "all",
                }),
            );
        }
        let members = json!({"count": circle.members.len()});
        let statistics = if detail {
            json!({
                "topics": {
                    "topics_count": circle.topics.len(),
                    "answers_count": circle.totals.answered,
                    "digests_count": circle.totals.digests,
                },
                "files": {"count": circle.totals.files},
                "members": members,
            })
        } else {
            json!({"members": members})
        };
        out.insert("statistics".into(), statistics);
        let (membership, validity, join) = self.membership(circle);
        let mut user_specific = json!({
            "join_time": ts(join),
            "last_active_time": ts(latest.unwrap_or(join)),
            "subscribed_notifications": true,
        });
        if detail && let Some(us) = user_specific.as_object_mut() {
            us.insert("paid".into(), json!(circle.kind == "pay"));
            us.insert("membership".into(), membership);
            us.insert("validity".into(), validity);
        }
        out.insert("user_specific".into(), user_specific);
        Value::Object(out)
    }
}

/// `url` with `query` (`key=value`) appended; unchanged when `query` is empty.
pub(crate) fn with_query(mut url: String, query: &str) -> String {
    if !query.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(query);
    }
    url
}

/// The server-made preview title: the first 15 visible characters, then `...`.
pub(crate) fn title(text: &str) -> String {
    let plain = to_plain_text(&parse(text));
    let mut chars = plain.chars();
    let head: String = chars.by_ref().take(15).collect();
    if chars.next().is_some() {
        format!("{head}...")
    } else {
        head
    }
}
