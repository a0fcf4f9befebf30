//! The discussion settings and the moderation decision for a new comment.
//!
//! The decision is a pure function of the comment, the settings and one fact about the
//! commenter's history, and returns the reason with the status, which moderators see in the
//! queue (WordPress decides silently).

mod settings;

pub use settings::{
    CommentOrder, DefaultCommentsPage, DiscussionSettings, MAX_THREAD_DEPTH, settings_from_form,
};

use crate::comment::{CommentStatus, NewComment};
use crate::spam_filter::{SPAM_SCORE, UNSURE_SCORE};
use crate::text::{SafeHtml, strip_tags};
use std::fmt;

/// Everything the decision looks at besides the settings.
pub struct Candidate<'a> {
    pub comment: &'a NewComment,
    /// The comment text as it will be shown, to count links the way readers see them.
    pub rendered: &'a SafeHtml,
    pub ip: &'a str,
    pub user_agent: &'a str,
    /// Whether an approved comment exists with exactly this name and email.
    pub previously_approved: bool,
    pub signals: &'a Signals,
}

/// What the spam defences found out about a submission.
#[derive(Clone, Debug, PartialEq)]
pub struct Signals {
    /// The field that people cannot see, and bots fill in, was filled in.
    pub honeypot_filled: bool,
    pub proof: ProofCheck,
    /// The statistical filter's score, when it has learnt enough to judge.
    pub spam_score: Option<f64>,
}

impl Default for Signals {
    fn default() -> Self {
        Signals {
            honeypot_filled: false,
            proof: ProofCheck::NotAsked,
            spam_score: None,
        }
    }
}

/// The proof-of-work that came with a submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProofCheck {
    /// The site does not ask for one.
    NotAsked,
    /// Solved; the challenge was handed out this many seconds before the post.
    Solved { seconds_since_issued: i64 },
    /// None came: the reader's browser ran no script.
    Missing,
    /// One came, but it is wrong, expired or used before.
    Invalid(&'static str),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub status: CommentStatus,
    pub reason: VerdictReason,
}

#[derive(Clone, Debug, PartialEq)]
pub enum VerdictReason {
    DisallowedWord(String),
    HoneypotFilled,
    LooksLikeSpam(f64),
    TooManyLinks(usize),
    ModerationWord(String),
    NoProofOfWork,
    InvalidProofOfWork(&'static str),
    PostedTooQuickly(i64),
    MaybeSpam(f64),
    ManualApproval,
    FirstComment,
    PassedChecks,
}

impl VerdictReason {
    /// Whether the comment was held for what bots do rather than for what it says.
    pub fn suggests_a_bot(&self) -> bool {
        matches!(
            self,
            VerdictReason::NoProofOfWork
                | VerdictReason::InvalidProofOfWork(_)
                | VerdictReason::PostedTooQuickly(_)
                | VerdictReason::MaybeSpam(_)
                | VerdictReason::HoneypotFilled
                | VerdictReason::LooksLikeSpam(_)
        )
    }
}

impl fmt::Display for VerdictReason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerdictReason::DisallowedWord(word) => {
                write!(formatter, "contains the disallowed word “{word}”")
            }
            VerdictReason::HoneypotFilled => {
                formatter.write_str("filled in the field hidden from people (a bot)")
            }
            VerdictReason::LooksLikeSpam(score) => {
                write!(formatter, "the spam filter scored it {score:.2}")
            }
            VerdictReason::NoProofOfWork => formatter.write_str(
                "came without the browser's proof of work (script off, or not a browser)",
            ),
            VerdictReason::InvalidProofOfWork(why) => {
                write!(formatter, "its proof of work is {why}")
            }
            VerdictReason::PostedTooQuickly(seconds) => {
                write!(formatter, "posted {seconds} s after the form loaded")
            }
            VerdictReason::MaybeSpam(score) => {
                write!(formatter, "the spam filter is unsure (score {score:.2})")
            }
            VerdictReason::TooManyLinks(count) => write!(formatter, "contains {count} links"),
            VerdictReason::ModerationWord(word) => {
                write!(formatter, "contains the moderation word “{word}”")
            }
            VerdictReason::ManualApproval => {
                formatter.write_str("every comment is approved by hand")
            }
            VerdictReason::FirstComment => {
                formatter.write_str("first comment from this name and email")
            }
            VerdictReason::PassedChecks => formatter.write_str("passed every check"),
        }
    }
}

/// Decides a new comment's status in WordPress's order, with the spam defences WordPress
/// leaves to plugins slotted in: disallowed words, the honeypot and a confident spam filter
/// send it to spam; too many links, a moderation word, a missing or too-quick proof of work,
/// an unsure filter, manual approval, or a first-time commenter hold it for moderation;
/// otherwise it is approved. Nothing here rejects a comment: what a bot sends is kept in
/// spam, where a moderator can rescue it.
pub fn decide(candidate: &Candidate<'_>, settings: &DiscussionSettings) -> Verdict {
    let comment = candidate.comment;
    let visible_text = strip_tags(&comment.content);
    let fields = [
        comment.author_name.as_str(),
        comment.author_email.as_str(),
        comment.author_url.as_str(),
        comment.content.as_str(),
        visible_text.as_str(),
        candidate.ip,
        candidate.user_agent,
    ];
    let verdict = |status, reason| Verdict { status, reason };

    if let Some(word) = first_match(&settings.disallowed_words, &fields) {
        return verdict(CommentStatus::Spam, VerdictReason::DisallowedWord(word));
    }
    let signals = candidate.signals;
    if signals.honeypot_filled {
        return verdict(CommentStatus::Spam, VerdictReason::HoneypotFilled);
    }
    if let Some(score) = signals.spam_score.filter(|score| *score >= SPAM_SCORE) {
        return verdict(CommentStatus::Spam, VerdictReason::LooksLikeSpam(score));
    }
    let links = candidate.rendered.link_count();
    if settings.max_links > 0 && links >= settings.max_links as usize {
        return verdict(CommentStatus::Pending, VerdictReason::TooManyLinks(links));
    }
    if let Some(word) = first_match(&settings.moderation_words, &fields) {
        return verdict(CommentStatus::Pending, VerdictReason::ModerationWord(word));
    }
    match signals.proof {
        ProofCheck::NotAsked => {}
        ProofCheck::Missing => {
            return verdict(CommentStatus::Pending, VerdictReason::NoProofOfWork);
        }
        ProofCheck::Invalid(why) => {
            return verdict(
                CommentStatus::Pending,
                VerdictReason::InvalidProofOfWork(why),
            );
        }
        ProofCheck::Solved {
            seconds_since_issued,
        } => {
            if seconds_since_issued < i64::from(settings.min_seconds_to_post) {
                return verdict(
                    CommentStatus::Pending,
                    VerdictReason::PostedTooQuickly(seconds_since_issued),
                );
            }
        }
    }
    if let Some(score) = signals.spam_score.filter(|score| *score >= UNSURE_SCORE) {
        return verdict(CommentStatus::Pending, VerdictReason::MaybeSpam(score));
    }
    if settings.manual_approval {
        return verdict(CommentStatus::Pending, VerdictReason::ManualApproval);
    }
    if settings.require_previously_approved
        && (comment.author_name.is_empty()
            || comment.author_email.is_empty()
            || !candidate.previously_approved)
    {
        return verdict(CommentStatus::Pending, VerdictReason::FirstComment);
    }
    verdict(CommentStatus::Approved, VerdictReason::PassedChecks)
}

/// The first word of a one-per-line list found in any field, ignoring case.
fn first_match(list: &str, fields: &[&str]) -> Option<String> {
    let lowered: Vec<String> = fields.iter().map(|field| field.to_lowercase()).collect();
    list.lines()
        .map(str::trim)
        .filter(|word| !word.is_empty())
        .find(|word| {
            let word = word.to_lowercase();
            lowered.iter().any(|field| field.contains(&word))
        })
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ArticleId;
    use crate::text::render_comment;

    fn comment(content: &str) -> NewComment {
        NewComment {
            article_id: ArticleId(1),
            parent_id: None,
            author_name: "Ada".into(),
            author_email: "ada@example.com".into(),
            author_url: String::new(),
            content: content.into(),
        }
    }

    fn check(
        content: &str,
        previously_approved: bool,
        settings: &DiscussionSettings,
        expected: (CommentStatus, VerdictReason),
    ) {
        let comment = comment(content);
        let rendered = render_comment(&comment.content);
        let candidate = Candidate {
            comment: &comment,
            rendered: &rendered,
            ip: "203.0.113.9",
            user_agent: "TestBrowser/1.0",
            previously_approved,
            signals: &Signals::default(),
        };
        let verdict = decide(&candidate, settings);
        assert_eq!((verdict.status, verdict.reason), expected, "{content:?}");
    }

    #[test]
    fn decisions_follow_wordpress_order() {
        use CommentStatus::*;
        use VerdictReason::*;
        let defaults = DiscussionSettings::default();
        let words = DiscussionSettings {
            moderation_words: "casino\n\n".into(),
            disallowed_words: " Viagra \n".into(),
            ..DiscussionSettings::default()
        };
        let agent = DiscussionSettings {
            disallowed_words: "testbrowser".into(),
            ..words.clone()
        };
        let open = DiscussionSettings {
            require_previously_approved: false,
            ..DiscussionSettings::default()
        };
        let manual = DiscussionSettings {
            manual_approval: true,
            ..open.clone()
        };
        let no_link_limit = DiscussionSettings {
            max_links: 0,
            ..open.clone()
        };

        check("hello", true, &defaults, (Approved, PassedChecks));
        check("hello", false, &defaults, (Pending, FirstComment));
        check("hello", false, &open, (Approved, PassedChecks));
        check("hello", true, &manual, (Pending, ManualApproval));
        check(
            "one https://a.example/ link",
            true,
            &defaults,
            (Approved, PassedChecks),
        );
        check(
            "https://a.example/ https://b.example/",
            true,
            &defaults,
            (Pending, TooManyLinks(2)),
        );
        check(
            "https://a.example/ https://b.example/",
            true,
            &no_link_limit,
            (Approved, PassedChecks),
        );
        check(
            "CASINO night",
            true,
            &words,
            (Pending, ModerationWord("casino".into())),
        );
        // A disallowed word wins over everything, and the user agent is matched too.
        check(
            "buy VIAGRA",
            true,
            &words,
            (Spam, DisallowedWord("Viagra".into())),
        );
        check("hello", true, &words, (Approved, PassedChecks));
        check(
            "CASINO",
            true,
            &agent,
            (Spam, DisallowedWord("testbrowser".into())),
        );
        let tags_split = DiscussionSettings {
            disallowed_words: "viagra".into(),
            ..open.clone()
        };
        check(
            "v<b></b>iagra",
            true,
            &tags_split,
            (Spam, DisallowedWord("viagra".into())),
        );
    }

    #[test]
    fn previously_approved_needs_name_and_email() {
        let settings = DiscussionSettings {
            require_name_email: false,
            ..DiscussionSettings::default()
        };
        let mut anonymous = comment("hi");
        anonymous.author_email.clear();
        let rendered = render_comment("hi");
        let candidate = Candidate {
            comment: &anonymous,
            rendered: &rendered,
            ip: "",
            user_agent: "",
            previously_approved: true,
            signals: &Signals::default(),
        };
        assert_eq!(
            decide(&candidate, &settings).reason,
            VerdictReason::FirstComment
        );
    }

    #[test]
    fn spam_defences_slot_into_the_order() {
        use CommentStatus::*;
        let settings = DiscussionSettings {
            require_previously_approved: false,
            ..DiscussionSettings::default()
        };
        let comment = comment("hello");
        let rendered = render_comment("hello");
        let decide_with = |signals: Signals| {
            let verdict = decide(
                &Candidate {
                    comment: &comment,
                    rendered: &rendered,
                    ip: "",
                    user_agent: "",
                    previously_approved: true,
                    signals: &signals,
                },
                &settings,
            );
            (verdict.status, verdict.reason)
        };
        let solved = ProofCheck::Solved {
            seconds_since_issued: 30,
        };
        let with = |proof: ProofCheck, spam_score, honeypot_filled| Signals {
            honeypot_filled,
            proof,
            spam_score,
        };
        assert_eq!(
            decide_with(with(solved.clone(), None, false)),
            (Approved, VerdictReason::PassedChecks)
        );
        assert_eq!(
            decide_with(with(solved.clone(), None, true)),
            (Spam, VerdictReason::HoneypotFilled)
        );
        assert_eq!(
            decide_with(with(solved.clone(), Some(0.99), false)),
            (Spam, VerdictReason::LooksLikeSpam(0.99))
        );
        assert_eq!(
            decide_with(with(solved.clone(), Some(0.7), false)),
            (Pending, VerdictReason::MaybeSpam(0.7))
        );
        assert_eq!(
            decide_with(with(ProofCheck::Missing, Some(0.1), false)),
            (Pending, VerdictReason::NoProofOfWork)
        );
        assert_eq!(
            decide_with(with(
                ProofCheck::Solved {
                    seconds_since_issued: 1
                },
                None,
                false
            )),
            (Pending, VerdictReason::PostedTooQuickly(1))
        );
        assert_eq!(
            decide_with(with(ProofCheck::Invalid("expired"), None, false)),
            (Pending, VerdictReason::InvalidProofOfWork("expired"))
        );
    }

    #[test]
    fn comment_pages_are_numbered_from_the_oldest() {
        let paged = DiscussionSettings {
            page_comments: true,
            comments_per_page: 2,
            ..DiscussionSettings::default()
        };
        assert_eq!(paged.comment_page_count(0), 1);
        assert_eq!(paged.comment_page_count(5), 3);
        assert_eq!(paged.default_comment_page(5), 3, "newest page by default");
        assert_eq!(paged.page_of_thread(0), 1);
        assert_eq!(paged.page_of_thread(4), 3);
        assert_eq!(paged.threads_on_page(3, 5), 4..5);
        assert_eq!(paged.threads_on_page(9, 5), 5..5);
        assert_eq!(
            paged.comment_page_url("/2026/06/a/", 1),
            "/2026/06/a/comment-page-1/"
        );
        let oldest = DiscussionSettings {
            default_comments_page: DefaultCommentsPage::Oldest,
            ..paged.clone()
        };
        assert_eq!(oldest.default_comment_page(5), 1);
        assert_eq!(oldest.comment_page_url("/2026/06/a/", 1), "/2026/06/a/");
        assert_eq!(
            oldest.comment_page_url("/2026/06/a/", 2),
            "/2026/06/a/comment-page-2/"
        );
        let unpaged = DiscussionSettings::default();
        assert_eq!(unpaged.comment_page_count(500), 1);
        assert_eq!(unpaged.threads_on_page(1, 500), 0..500);
        assert_eq!(unpaged.comment_page_url("/2026/06/a/", 3), "/2026/06/a/");
    }
}
