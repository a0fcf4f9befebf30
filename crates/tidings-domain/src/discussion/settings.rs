//! The discussion settings: WordPress's Settings › Discussion and ours, what each means for
//! comment pages and the windows of time they set, and how the settings form is checked.

use crate::comment::{Comment, CommentStatus, FieldErrors, ThreadNode};
use crate::ids::CommentId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The site-wide rules for comments, edited on the admin's discussion settings page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscussionSettings {
    /// Comment author must fill out name and email.
    pub require_name_email: bool,
    /// Every comment waits for a moderator.
    pub manual_approval: bool,
    /// A comment waits unless its author (same name and email) has an approved comment.
    pub require_previously_approved: bool,
    /// Hold a comment with this many links or more; 0 turns the rule off.
    pub max_links: u32,
    /// One word or phrase a line; a comment containing one (in its name, email, website,
    /// text, IP or user agent, any case) waits for a moderator.
    pub moderation_words: String,
    /// The same matching; a comment containing one goes to spam.
    pub disallowed_words: String,
    /// Minimum seconds between two comments from one IP address or email; 0 turns it off.
    pub flood_interval_seconds: u32,
    /// How deep replies nest on the page; deeper replies show at this depth. 1 shows a
    /// flat list.
    pub thread_depth: u32,
    /// Whether a new article starts open for comments.
    pub comments_on_new_articles: bool,
    /// Close comments on articles published more than this many days ago; 0 never does.
    pub close_after_days: u32,
    /// Break comments into pages of `comments_per_page` threads.
    pub page_comments: bool,
    pub comments_per_page: u32,
    /// Which page the article's own address shows when comments are paged.
    pub default_comments_page: DefaultCommentsPage,
    /// The order of threads on a page; replies are always oldest first under their comment.
    pub comment_order: CommentOrder,
    pub show_avatars: bool,
    /// Offer "Save my name, email, and website in this browser for the next time I comment."
    pub remember_commenter_opt_in: bool,
    /// Mail an article's author when a comment on it appears.
    pub notify_author: bool,
    /// Mail the moderators when a comment waits for them.
    pub notify_moderators: bool,
    /// Let readers subscribe by mail to replies and to whole articles.
    pub subscriptions: bool,
    /// The fewest seconds between loading the form and posting; faster comments wait for a
    /// moderator. 0 turns it off.
    pub min_seconds_to_post: u32,
    /// Leading zero bits the proof-of-work asks for; 0 turns the challenge off. Each bit
    /// doubles the browser's work: 14 takes about a tenth of a second on a phone.
    pub proof_of_work_bits: u32,
    /// Comments one IP address may post in an hour; 0 is no limit.
    pub max_comments_per_ip_per_hour: u32,
    /// Comments one email address may post in an hour; 0 is no limit.
    pub max_comments_per_email_per_hour: u32,
    /// Delete spam older than this many days; 0 keeps it.
    pub purge_spam_after_days: u32,
    /// Replace commenters' IP addresses by an anonymised form after this many days; 0
    /// keeps them.
    pub keep_ip_days: u32,
    /// Minutes during which a commenter may edit or delete their comment; 0 never.
    pub edit_window_minutes: u32,
    /// Reports one IP address may send in an hour.
    pub max_reports_per_ip_per_hour: u32,
}

/// Which page of comments an article's address shows, as WordPress names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultCommentsPage {
    /// The page with the oldest threads.
    Oldest,
    /// The page with the newest threads (WordPress's default).
    Newest,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentOrder {
    OldestFirst,
    NewestFirst,
}

impl Default for DiscussionSettings {
    /// WordPress's defaults, and ours for what WordPress lacks.
    fn default() -> Self {
        DiscussionSettings {
            require_name_email: true,
            manual_approval: false,
            require_previously_approved: true,
            max_links: 2,
            moderation_words: String::new(),
            disallowed_words: String::new(),
            flood_interval_seconds: 15,
            thread_depth: 5,
            comments_on_new_articles: true,
            close_after_days: 0,
            page_comments: false,
            comments_per_page: 50,
            default_comments_page: DefaultCommentsPage::Newest,
            comment_order: CommentOrder::OldestFirst,
            show_avatars: true,
            remember_commenter_opt_in: true,
            notify_author: true,
            notify_moderators: true,
            subscriptions: true,
            min_seconds_to_post: 3,
            proof_of_work_bits: 14,
            max_comments_per_ip_per_hour: 30,
            max_comments_per_email_per_hour: 15,
            purge_spam_after_days: 15,
            keep_ip_days: 60,
            edit_window_minutes: 15,
            max_reports_per_ip_per_hour: 10,
        }
    }
}

/// Comment pages, when comments are paged: each page holds `comments_per_page` threads,
/// numbered from the oldest as WordPress numbers them, so a comment keeps its page as newer
/// ones arrive.
impl DiscussionSettings {
    fn per_page(&self) -> usize {
        self.comments_per_page.max(1) as usize
    }

    /// How many pages `threads` top-level comments fill (1 when paging is off).
    pub fn comment_page_count(&self, threads: usize) -> u32 {
        if !self.page_comments {
            return 1;
        }
        u32::try_from(threads.div_ceil(self.per_page()).max(1)).unwrap_or(u32::MAX)
    }

    /// The page the article's own address shows.
    pub fn default_comment_page(&self, threads: usize) -> u32 {
        match self.default_comments_page {
            DefaultCommentsPage::Oldest => 1,
            DefaultCommentsPage::Newest => self.comment_page_count(threads),
        }
    }

    /// The page holding the thread at `index` (0 = the oldest thread).
    pub fn page_of_thread(&self, index: usize) -> u32 {
        if !self.page_comments {
            return 1;
        }
        u32::try_from(index / self.per_page() + 1).unwrap_or(u32::MAX)
    }

    /// The page holding comment `id` among `threads` (oldest first), or the default page
    /// when it is not there.
    pub fn page_holding(&self, threads: &[ThreadNode<'_>], id: CommentId) -> u32 {
        threads
            .iter()
            .position(|thread| thread.holds(id))
            .map_or(self.default_comment_page(threads.len()), |index| {
                self.page_of_thread(index)
            })
    }

    /// The range of thread indexes (oldest first) on `page`.
    pub fn threads_on_page(&self, page: u32, threads: usize) -> std::ops::Range<usize> {
        if !self.page_comments {
            return 0..threads;
        }
        let start = (page.max(1) as usize - 1).saturating_mul(self.per_page());
        start.min(threads)..start.saturating_add(self.per_page()).min(threads)
    }

    /// The address of comment page `page` of the article at `permalink`: WordPress's
    /// `comment-page-N/`, except the first page when it is the default one.
    pub fn comment_page_url(&self, permalink: &str, page: u32) -> String {
        if !self.page_comments
            || (page <= 1 && self.default_comments_page == DefaultCommentsPage::Oldest)
        {
            permalink.to_owned()
        } else {
            format!("{permalink}comment-page-{page}/")
        }
    }
}

/// The most thread depth a setting may ask for, as in WordPress's settings screen.
pub const MAX_THREAD_DEPTH: u32 = 10;

/// The windows of time the settings set.
impl DiscussionSettings {
    /// The start of the flood window at `now`: a comment from the same IP address or email
    /// at or after it comes too soon. `None` when flood control is off.
    pub fn flood_window_start(&self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        (self.flood_interval_seconds > 0).then(|| {
            now - time::Duration::seconds(i64::from(self.flood_interval_seconds))
                + time::Duration::seconds(1)
        })
    }

    /// Until when the author of `comment` may change it; `None` when they never may (no
    /// edit window, or the comment is in the trash).
    pub fn edit_deadline(&self, comment: &Comment) -> Option<OffsetDateTime> {
        (self.edit_window_minutes > 0 && comment.status != CommentStatus::Trash).then(|| {
            comment.created_at + time::Duration::minutes(i64::from(self.edit_window_minutes))
        })
    }

    /// Whether the author of `comment` may still change it at `now`.
    pub fn author_may_edit(&self, comment: &Comment, now: OffsetDateTime) -> bool {
        self.edit_deadline(comment).is_some_and(|until| now < until)
    }
}

/// The most characters a word list may hold; more is a paste accident.
pub const MAX_WORD_LIST_CHARS: usize = 64 * 1024;

/// One number of the form: its field, what the message calls it, the values it may take.
struct NumberField {
    field: &'static str,
    label: &'static str,
    range: std::ops::RangeInclusive<u32>,
}

const fn number(
    field: &'static str,
    label: &'static str,
    range: std::ops::RangeInclusive<u32>,
) -> NumberField {
    NumberField {
        field,
        label,
        range,
    }
}

/// The settings form as posted, field by field (`value` gives "" for a field not sent; a
/// checkbox is on when its field is not empty), checked: the settings as typed, with a
/// message for each field that is out of range. A number left out keeps its default, so a
/// script may set a few.
pub fn settings_from_form(value: impl Fn(&str) -> String) -> (DiscussionSettings, FieldErrors) {
    let defaults = DiscussionSettings::default();
    let mut errors = FieldErrors::default();
    let mut read = |spec: NumberField, fallback: u32| {
        let typed = value(spec.field);
        match typed.trim().parse::<u32>() {
            Ok(number) if spec.range.contains(&number) => number,
            Err(_) if typed.trim().is_empty() => fallback,
            _ => {
                errors.add(
                    spec.field,
                    format!(
                        "{} must be a whole number from {} to {}.",
                        spec.label,
                        spec.range.start(),
                        spec.range.end()
                    ),
                );
                fallback
            }
        }
    };
    let max_links = read(
        number("max_links", "The link limit", 0..=100),
        defaults.max_links,
    );
    let flood_interval_seconds = read(
        number(
            "flood_interval_seconds",
            "The interval between comments",
            0..=3600,
        ),
        defaults.flood_interval_seconds,
    );
    let thread_depth = read(
        number("thread_depth", "The thread depth", 1..=MAX_THREAD_DEPTH),
        defaults.thread_depth,
    );
    let close_after_days = read(
        number(
            "close_after_days",
            "The days before comments close",
            0..=36500,
        ),
        defaults.close_after_days,
    );
    let comments_per_page = read(
        number("comments_per_page", "Comments per page", 1..=1000),
        defaults.comments_per_page,
    );
    let min_seconds_to_post = read(
        number("min_seconds_to_post", "The shortest time to post", 0..=600),
        defaults.min_seconds_to_post,
    );
    let proof_of_work_bits = read(
        number("proof_of_work_bits", "The proof-of-work difficulty", 0..=24),
        defaults.proof_of_work_bits,
    );
    let max_comments_per_ip_per_hour = read(
        number(
            "max_comments_per_ip_per_hour",
            "Comments per IP address an hour",
            0..=10000,
        ),
        defaults.max_comments_per_ip_per_hour,
    );
    let max_comments_per_email_per_hour = read(
        number(
            "max_comments_per_email_per_hour",
            "Comments per email an hour",
            0..=10000,
        ),
        defaults.max_comments_per_email_per_hour,
    );
    let purge_spam_after_days = read(
        number("purge_spam_after_days", "The days spam is kept", 0..=3650),
        defaults.purge_spam_after_days,
    );
    let keep_ip_days = read(
        number("keep_ip_days", "The days IP addresses are kept", 0..=3650),
        defaults.keep_ip_days,
    );
    let edit_window_minutes = read(
        number("edit_window_minutes", "The editing window", 0..=1440),
        defaults.edit_window_minutes,
    );
    let max_reports_per_ip_per_hour = read(
        number(
            "max_reports_per_ip_per_hour",
            "Reports per IP address an hour",
            1..=1000,
        ),
        defaults.max_reports_per_ip_per_hour,
    );
    let checked = |field: &str| !value(field).is_empty();
    let words = |field: &str| crate::text::clean_text(&value(field));
    let settings = DiscussionSettings {
        require_name_email: checked("require_name_email"),
        manual_approval: checked("manual_approval"),
        require_previously_approved: checked("require_previously_approved"),
        max_links,
        moderation_words: words("moderation_words"),
        disallowed_words: words("disallowed_words"),
        flood_interval_seconds,
        thread_depth,
        comments_on_new_articles: checked("comments_on_new_articles"),
        close_after_days,
        page_comments: checked("page_comments"),
        comments_per_page,
        default_comments_page: if value("default_comments_page") == "oldest" {
            DefaultCommentsPage::Oldest
        } else {
            DefaultCommentsPage::Newest
        },
        comment_order: if value("comment_order") == "newest_first" {
            CommentOrder::NewestFirst
        } else {
            CommentOrder::OldestFirst
        },
        show_avatars: checked("show_avatars"),
        remember_commenter_opt_in: checked("remember_commenter_opt_in"),
        notify_author: checked("notify_author"),
        notify_moderators: checked("notify_moderators"),
        subscriptions: checked("subscriptions"),
        min_seconds_to_post,
        proof_of_work_bits,
        max_comments_per_ip_per_hour,
        max_comments_per_email_per_hour,
        purge_spam_after_days,
        keep_ip_days,
        edit_window_minutes,
        max_reports_per_ip_per_hour,
    };
    for (field, list) in [
        ("moderation_words", &settings.moderation_words),
        ("disallowed_words", &settings.disallowed_words),
    ] {
        if list.chars().count() > MAX_WORD_LIST_CHARS {
            errors.add(
                field,
                format!("A word list may hold at most {MAX_WORD_LIST_CHARS} characters."),
            );
        }
    }
    (settings, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ArticleId;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

    fn check_form(
        fields: &[(&str, &str)],
        expected_errors: &[&str],
        change: impl Fn(&mut DiscussionSettings),
    ) {
        let (settings, errors) = settings_from_form(|name| {
            fields
                .iter()
                .find(|(field, _)| *field == name)
                .map_or(String::new(), |(_, value)| (*value).to_owned())
        });
        let names: Vec<&str> = errors.iter().map(|(field, _)| field).collect();
        assert_eq!(names, expected_errors, "{fields:?}");
        let mut expected = DiscussionSettings {
            require_name_email: false,
            comments_on_new_articles: false,
            show_avatars: false,
            remember_commenter_opt_in: false,
            notify_author: false,
            notify_moderators: false,
            subscriptions: false,
            require_previously_approved: false,
            ..DiscussionSettings::default()
        };
        change(&mut expected);
        assert_eq!(settings, expected, "{fields:?}");
    }

    #[test]
    fn the_form_keeps_defaults_for_numbers_left_out_and_names_the_ones_out_of_range() {
        check_form(&[], &[], |_| {});
        check_form(
            &[("thread_depth", "3"), ("manual_approval", "1")],
            &[],
            |expected| {
                expected.thread_depth = 3;
                expected.manual_approval = true;
            },
        );
        check_form(&[("thread_depth", "0")], &["thread_depth"], |_| {});
        check_form(&[("thread_depth", "11")], &["thread_depth"], |_| {});
        check_form(
            &[("max_links", "-1"), ("comments_per_page", "x")],
            &["max_links", "comments_per_page"],
            |_| {},
        );
        check_form(
            &[("max_reports_per_ip_per_hour", "0")],
            &["max_reports_per_ip_per_hour"],
            |_| {},
        );
        check_form(&[("flood_interval_seconds", " 30 ")], &[], |expected| {
            expected.flood_interval_seconds = 30
        });
        check_form(
            &[
                ("comment_order", "newest_first"),
                ("default_comments_page", "oldest"),
            ],
            &[],
            |expected| {
                expected.comment_order = CommentOrder::NewestFirst;
                expected.default_comments_page = DefaultCommentsPage::Oldest;
            },
        );
        check_form(
            &[("moderation_words", "viagra\r\ncasino\u{0}")],
            &[],
            |expected| {
                expected.moderation_words = "viagra\ncasino".into();
            },
        );
        let long = "w".repeat(MAX_WORD_LIST_CHARS + 1);
        check_form(
            &[("disallowed_words", &long)],
            &["disallowed_words"],
            |expected| {
                expected.disallowed_words = long.clone();
            },
        );
    }

    fn comment(status: CommentStatus, minutes_ago: i64) -> Comment {
        Comment {
            id: CommentId(1),
            article_id: ArticleId(1),
            parent_id: None,
            author_name: "Ada".into(),
            author_email: String::new(),
            author_url: String::new(),
            content: "x".into(),
            status,
            status_before: None,
            moderation_reason: String::new(),
            ip: String::new(),
            user_agent: String::new(),
            created_at: NOW - time::Duration::minutes(minutes_ago),
            content_html: None,
            avatar_key: None,
            kind: Default::default(),
        }
    }

    #[test]
    fn the_edit_window_runs_from_posting_and_never_reaches_the_trash() {
        let window = |minutes: u32| DiscussionSettings {
            edit_window_minutes: minutes,
            ..DiscussionSettings::default()
        };
        for (minutes, status, age, editable) in [
            (15, CommentStatus::Approved, 0, true),
            (15, CommentStatus::Pending, 14, true),
            (15, CommentStatus::Approved, 15, false),
            (15, CommentStatus::Spam, 1, true),
            (15, CommentStatus::Trash, 1, false),
            (0, CommentStatus::Approved, 0, false),
        ] {
            assert_eq!(
                window(minutes).author_may_edit(&comment(status, age), NOW),
                editable,
                "{minutes} min, {status:?}, {age} min old"
            );
        }
        assert_eq!(
            window(15).edit_deadline(&comment(CommentStatus::Approved, 5)),
            Some(NOW + time::Duration::minutes(10))
        );
    }

    #[test]
    fn the_flood_window_ends_now_and_is_off_at_zero() {
        let flood = |seconds: u32| DiscussionSettings {
            flood_interval_seconds: seconds,
            ..DiscussionSettings::default()
        };
        assert_eq!(flood(0).flood_window_start(NOW), None);
        assert_eq!(
            flood(15).flood_window_start(NOW),
            Some(NOW - time::Duration::seconds(14))
        );
        assert_eq!(flood(1).flood_window_start(NOW), Some(NOW));
    }
}
