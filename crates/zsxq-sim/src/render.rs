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

/// The end of a membership that never ends, as the service writes it.
pub(crate) const FOREVER: &str = "2286-11-21T01:46:39.999+0800";

/// Comments shown inline with each topic of a list, replies included (docs/protocol.md §7).
pub(crate) const INLINE_COMMENTS: usize = 8;

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
        let Some((circle, meta)) = world.topic_at(at) else {
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
        let shown = self.inline_comments(at, &comments);
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
        let standing = crate::engagement::standing(circle, at, meta);
        let salt = hash(&[world.seed, topic_id as u64]);
        let readers = crate::engagement::readers(standing, likes, comments.len() as u64, salt);
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
        if let Some(checkin) = crate::dataset::checkins::of(world, at, meta) {
            out.insert("checkin".into(), checkin.json());
        }
        out.insert("create_time".into(), json!(ts(meta.time_ms)));
        let answered_ms = world.answers.get(&at).map(|a| a.time_ms);
        let edited_ms = world.history.last_edit_ms(at);
        if let Some(modified) = answered_ms.max(edited_ms) {
            out.insert("modify_time".into(), json!(ts(modified)));
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
            "size": file_size(id),
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
        let questionee = crate::world::questionee(circle, meta);
        question.insert("questionee".into(), self.user(questionee));
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
                None => json!({"owner": self.user(questionee), "text": content.answer}),
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

    /// The comments a topic list shows inline (`show_comments`): at most [`INLINE_COMMENTS`]
    /// entries, top-level comments oldest first, each followed in the budget by its replies;
    /// the top-level entries first, then the replies, each reply naming its parent and
    /// `repliee`, and `replies_count` on a top-level entry that has replies (shown or not).
    /// The order and the budget rule are inferred from the samples (a topic with 11 comments
    /// showed 4 top-level comments and their 4 replies); the service's exact choice is not
    /// documented.
    fn inline_comments(&self, at: TopicRef, all: &[CommentRec]) -> Vec<Value> {
        let mut tops = Vec::new();
        let mut replies = Vec::new();
        let mut budget = INLINE_COMMENTS;
        for top in all.iter().filter(|c| c.parent.is_none()) {
            if budget == 0 {
                break;
            }
            budget -= 1;
            let its: Vec<&CommentRec> =
                all.iter().filter(|c| c.parent == Some(top.index)).collect();
            let mut entry = self.comment(at, top, None);
            if !its.is_empty()
                && let Some(map) = entry.as_object_mut()
            {
                map.insert("replies_count".into(), json!(its.len()));
            }
            tops.push(entry);
            for reply in its.into_iter().take(budget) {
                budget -= 1;
                replies.push(self.comment(at, reply, None));
            }
        }
        tops.extend(replies);
        tops
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

    /// The viewer's membership: `(membership, validity, join_ms)`. An owner's never ends.
    fn membership(&self, circle: &Circle) -> (Value, Value, i64) {
        let join = circle.create_ms + 30 * 86_400_000;
        if circle.owner == SELF_USER {
            let forever = json!({
                "begin_time": ts(circle.create_ms),
                "end_time": FOREVER,
                "need_renew": false,
                "can_renew": false,
            });
            let validity = json!({"begin_time": ts(circle.create_ms), "end_time": FOREVER});
            return (forever, validity, circle.create_ms);
        }
        // Ahead of the wall clock, not of the dataset's fixed timeline: a client compares it
        // with today, and the simulator serves the circle's topics, so it must not have ended.
        let end = crate::server::now_ms().max(self.world.anchor_ms) + 200 * 86_400_000;
        (
            json!({"begin_time": ts(join), "end_time": ts(end), "need_renew": false, "can_renew": true}),
            json!({"begin_time": ts(join), "end_time": ts(end)}),
            join,
        )
    }

    fn user_ids(&self, users: &[u32]) -> Value {
        json!(
            users
                .iter()
                .map(|&u| self.world.user(u).id)
                .collect::<Vec<_>>()
        )
    }

    /// A group as listed by `/v2/groups`, or with `detail` as `/v2/groups/{id}` returns it:
    /// the keys of `GET_v2_groups.json` and `GET_v2_groups_{id}.json`, no more, no fewer. The
    /// values of the many switches in `policies` are the sample's, not the circle's own.
    pub(crate) fn group(&self, circle: &Circle, detail: bool) -> Value {
        let world = self.world;
        let owner = world.user(circle.owner);
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
            out.insert("authenticated_type".into(), json!("personal"));
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
        out.insert("partner_ids".into(), self.user_ids(&circle.partners));
        // Administrators: the partners and the first two guests.
        let admins: Vec<u32> = circle
            .partners
            .iter()
            .chain(circle.guests.iter().take(2))
            .copied()
            .collect();
        out.insert("admin_ids".into(), self.user_ids(&admins));
        out.insert("guest_ids".into(), self.user_ids(&circle.guests));
        out.insert("policies".into(), self.policies(circle, detail));
        if detail {
            out.insert(
                "privileges".into(),
                json!({
                    "access_group_data": "owner,partners,admins",
                    "access_incomes_data": "owner,partners",
                    "access_weekly_reports": "owner,partners,admins",
                    "create_topic": "all",
                    "create_comment": "all",
                }),
            );
            // The circle's promotional picture: its cover, in two renditions.
            let promo = |width: u32| {
                json!({
                    "url": self.background_url(circle.group_id),
                    "width": width,
                    "height": width * 9 / 16,
                })
            };
            out.insert(
                "promos".into(),
                json!([{
                    "image_id": circle.group_id,
                    "type": "png",
                    "thumbnail": promo(320),
                    "large": promo(320),
                }]),
            );
        }
        let members = json!({"count": circle.members.len()});
        let statistics = if detail {
            json!({
                "topics": {
                    "topics_count": circle.topics.len() as u64
                        - world
                            .circle_by_group(circle.group_id)
                            .map_or(0, |i| world.history.deleted_in(i)),
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
        let mut us = Map::new();
        if detail {
            us.insert("paid".into(), json!(circle.kind == "pay"));
            us.insert("membership".into(), membership);
            us.insert("validity".into(), validity);
            us.insert("join_time".into(), json!(ts(join)));
            us.insert("rewarded_owner".into(), json!(false));
            us.insert("enable_footprint".into(), json!(true));
            us.insert("last_active_time".into(), json!(ts(latest.unwrap_or(join))));
            us.insert("followed_owner".into(), json!(circle.owner != SELF_USER));
        } else {
            us.insert("accept_dynamics".into(), json!(true));
            us.insert("subscribed_dynamics".into(), json!(true));
            us.insert("subscribed_notifications".into(), json!(true));
            us.insert("enable_footprint".into(), json!(true));
            us.insert("join_time".into(), json!(ts(join)));
            us.insert("last_active_time".into(), json!(ts(latest.unwrap_or(join))));
            // The list shows the renewal switches and the validity of paid memberships only.
            if circle.kind == "pay" {
                us.insert(
                    "membership".into(),
                    json!({"can_renew": circle.owner != SELF_USER, "need_renew": false}),
                );
                us.insert("validity".into(), validity);
            }
        }
        out.insert("user_specific".into(), Value::Object(us));
        Value::Object(out)
    }

    /// `policies`: the list's few keys, or the detail's many.
    fn policies(&self, circle: &Circle, detail: bool) -> Value {
        let amount = if circle.kind == "pay" { 19_900 } else { 0 };
        let renewal = json!({
            "advance_discounted_percentage": 80,
            "discounted_percentage": 80,
            "grace_discounted_percentage": 80,
        });
        if !detail {
            return json!({
                "need_examine": false,
                "allow_join": true,
                "enable_iap_renew_group": true,
                "renewal": renewal,
                "payment": {
                    "amount": amount,
                    "duration": if amount > 0 { "1Y" } else { "infinite" },
                    "mode": "period",
                },
            });
        }
        let end = ts(self.world.anchor_ms + 365 * 86_400_000);
        json!({
            "need_examine": false,
            "allow_member_renew": true,
            "payment": {
                "amount": amount,
                "duration": if amount > 0 { "1Y" } else { "infinite" },
                "mode": "period",
                "end_time": end,
                "daily_price": {"enabled": amount > 0},
                "marked_price": {"enabled": false, "amount": 0},
            },
            "renewal": renewal,
            "allow_enable_distribution": false,
            "distribution": {
                "privileged_user_enabled": false,
                "enabled": false,
                "percentage": 0,
                "commission_percentage": 100,
            },
            "new_members_limit_days": -1,
            "collect_member_profiles": false,
            "mute_mode": {
                "enabled": false,
                "repeat_days": [1, 2, 3, 4, 5, 6, 7],
                "begin_time": "23:00",
                "end_time": "07:00",
            },
            "enable_scoreboard": true,
            "free_questions_limit_count": 10,
            "question_fee": {"min_amount": 300, "amount_options": [800, 8800, 18800]},
            "enable_member_number": true,
            "members_visibility": "admins",
            "allow_sharing": true,
            "allow_private_chat": true,
            "allow_search": true,
            "allow_preview": true,
            "allow_join": true,
            "allow_anonymous_question": true,
            "silence_new_member": false,
            "enable_watermark": false,
            "parse_book_title": false,
            "allow_copy": true,
            "allow_download": true,
            "enable_iap": false,
            "enable_iap_join_group": false,
            "enable_iap_renew_group": false,
            "allow_recommendation": false,
            "allow_screen_capture_recording": true,
            "hide_member_description": false,
            "hide_member_group_and_account": false,
            "enable_ai_assistant": false,
            "allow_tts": false,
            "auto_renewal": {"enabled": false, "yearly_package_price": 0, "quarterly_package_price": 0},
        })
    }
}

/// Renderings outside the topic lists: the inbox's sparse topics and groups, and members.
impl Renderer<'_> {
    /// A topic as the inbox (`/v2/dynamics`) embeds it: the keys of the captured item (ids, a
    /// two-key group, counters, the viewer's like and the body with a short owner), no dates.
    /// Invented: the bodies of types other than `talk`, which the capture does not show; they
    /// follow the talk's (`owner`, `text`, `images`).
    pub(crate) fn topic_brief(&self, at: TopicRef) -> Value {
        let world = self.world;
        let Some((circle, meta)) = world.topic_at(at) else {
            return Value::Null;
        };
        let content = content::derive(world, at, meta);
        let topic_id = world.topic_id(at);
        let (kind, body) = match meta.kind {
            Kind::Talk => ("talk", "talk"),
            Kind::Question => ("q&a", "question"),
            Kind::Task => ("task", "task"),
            Kind::Solution => ("solution", "solution"),
        };
        let mut inner = Map::new();
        inner.insert("owner".into(), self.user_short(meta.author));
        inner.insert(
            "text".into(),
            json!(content.excerpt.as_ref().unwrap_or(&content.text)),
        );
        if content.traits.images > 0 {
            inner.insert("images".into(), self.images(at, 0, content.traits.images));
        }
        json!({
            "topic_id": topic_id,
            "topic_uid": topic_id.to_string(),
            "group": {"group_id": circle.group_id, "name": circle.name},
            "type": kind,
            "likes_count": meta.likes,
            "comments_count": content::comments(world, at).len(),
            "user_specific": {
                "liked": meta.has(crate::world::flag::SELF_LIKED),
                "subscribed": meta.author == SELF_USER,
            },
            body: Value::Object(inner),
        })
    }

    /// A topic's file object (`files[0]`), for the circle's file list.
    pub(crate) fn file(&self, at: TopicRef) -> Value {
        let Some(meta) = self.world.meta(at) else {
            return Value::Null;
        };
        let content = content::derive(self.world, at, meta);
        match self.files(at, meta, &content) {
            Value::Array(mut files) if !files.is_empty() => files.swap_remove(0),
            _ => Value::Null,
        }
    }

    /// A group as the inbox embeds it.
    pub(crate) fn group_brief(&self, circle: &Circle) -> Value {
        json!({
            "group_id": circle.group_id,
            "name": circle.name,
            "background_url": self.background_url(circle.group_id),
            "policies": {
                "allow_sharing": true,
                "renewal": {
                    "advance_discounted_percentage": 80,
                    "discounted_percentage": 80,
                    "grace_discounted_percentage": 80,
                },
            },
        })
    }

    /// A member as `role_members` lists staff (`GET_v2_groups_{id}_role_members.json`), and
    /// as the member list and `/members/{uid}` show everyone. The owner's number is 1, then
    /// members by position; dates derive from the circle's creation.
    pub(crate) fn member(&self, circle: &Circle, index: u32) -> Value {
        let user = self.world.user(index);
        let position = circle.members.iter().position(|&m| m == index);
        let number = position.map_or(1, |p| p + 1);
        let join = member_join_ms(circle, index);
        let expired = if index == circle.owner
            || circle.guests.contains(&index)
            || circle.partners.contains(&index)
        {
            FOREVER.to_owned()
        } else {
            ts(self.world.anchor_ms + 200 * 86_400_000)
        };
        let mut out = Map::new();
        out.insert("group_id".into(), json!(circle.group_id));
        out.insert("user_id".into(), json!(user.id));
        out.insert("name".into(), json!(user.name));
        out.insert("number".into(), json!(number));
        out.insert("avatar_url".into(), json!(self.avatar_url(user.id)));
        if let Some(description) = &user.description {
            out.insert("description".into(), json!(description));
        }
        out.insert("join_time".into(), json!(ts(join)));
        out.insert("update_time".into(), json!(ts(join + 86_400_000)));
        let login =
            self.world.anchor_ms - (hash(&[user.id as u64, 0x1061]) % 30) as i64 * 3_600_000;
        out.insert("login_time".into(), json!(ts(login)));
        out.insert("expired_time".into(), json!(expired));
        out.insert("isolated".into(), json!(false));
        out.insert("status".into(), json!("joined"));
        Value::Object(out)
    }
}

/// When a member joined: the owner at the circle's creation, the others spread over its first
/// months in the order of `members` (so join times and numbers agree).
pub(crate) fn member_join_ms(circle: &Circle, index: u32) -> i64 {
    if index == circle.owner {
        return circle.create_ms;
    }
    let position = circle
        .members
        .iter()
        .position(|&m| m == index)
        .unwrap_or(circle.members.len()) as i64;
    circle.create_ms + position * 7 * 3_600_000 + (hash(&[index as u64, 0x101]) % 3_600_000) as i64
}

/// The advertised `size` of a file, which its download serves exactly.
pub(crate) fn file_size(file_id: i64) -> u64 {
    20_000 + hash(&[file_id as u64]) % 4_000_000
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
