//! The few words an export writes around the posts, in the language of the Settings.

use orrery_ipc::words::Lang;

use zsxq::PostRole;

pub struct Words {
    pub question: &'static str,
    pub answer: &'static str,
    pub task: &'static str,
    pub solution: &'static str,
    pub article: &'static str,
    pub article_missing: &'static str,
    pub files: &'static str,
    pub comments: &'static str,
    pub anonymous: &'static str,
    pub image_missing: &'static str,
    pub digest: &'static str,
    pub deleted: &'static str,
    pub contents: &'static str,
    /// After a count of likes: one, then more.
    pub likes: [&'static str; 2],
    pub web: &'static str,
}

const ZH: Words = Words {
    question: "提问",
    answer: "回答",
    task: "作业",
    solution: "作业提交",
    article: "文章",
    article_missing: "（文章正文未存档）",
    files: "附件",
    comments: "评论",
    anonymous: "匿名",
    image_missing: "图片未缓存",
    digest: "精华",
    deleted: "已在知识星球删除",
    contents: "目录",
    likes: ["赞", "赞"],
    web: "在知识星球打开",
};

const EN: Words = Words {
    question: "Question",
    answer: "Answer",
    task: "Task",
    solution: "Solution",
    article: "Article",
    article_missing: "(the article's body is not archived)",
    files: "Files",
    comments: "Comments",
    anonymous: "anonymous",
    image_missing: "image not cached",
    digest: "Digest",
    deleted: "deleted on ZSXQ",
    contents: "Contents",
    likes: ["like", "likes"],
    web: "Open on ZSXQ",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

impl Words {
    /// The heading of a post after the first (a talk has none).
    pub fn role(&self, role: PostRole) -> Option<&'static str> {
        match role {
            PostRole::Talk => None,
            PostRole::Question => Some(self.question),
            PostRole::Answer => Some(self.answer),
            PostRole::Task => Some(self.task),
            PostRole::Solution => Some(self.solution),
        }
    }
}
