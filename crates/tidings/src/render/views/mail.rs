//! What the mail templates receive (`mail/<kind>.subject.txt` and `mail/<kind>.txt`). Mail is
//! plain text, so nothing here is escaped; the `quote` filter prefixes each line of a text
//! with `> `.

use super::SiteView;
use serde::Serialize;

/// `mail/comment_waiting`: to every moderator, when a comment waits for approval.
#[derive(Debug, Serialize)]
pub struct CommentWaitingMail {
    pub site: SiteView,
    pub article_title: String,
    /// The article's absolute address.
    pub article_url: String,
    pub author_name: String,
    /// The commenter's website, if they gave one.
    pub author_url: Option<String>,
    /// Why the moderation decision held it.
    pub reason: String,
    /// The comment as typed.
    pub text: String,
    /// Signed links that act on it in one click (through a page with one button).
    pub approve_url: String,
    pub spam_url: String,
    pub trash_url: String,
    /// Comments waiting in all, this one included.
    pub waiting: u64,
    pub queue_url: String,
}

/// `mail/comment_to_author`: to an article's author, when a comment appears on it.
#[derive(Debug, Serialize)]
pub struct CommentToAuthorMail {
    pub site: SiteView,
    pub article_title: String,
    pub author_name: String,
    pub text: String,
    /// The comment's own address, which leads to the page that holds it.
    pub comment_url: String,
    pub queue_url: String,
}

/// `mail/comment_to_subscriber`: to a reader who confirmed a subscription.
#[derive(Debug, Serialize)]
pub struct CommentToSubscriberMail {
    pub site: SiteView,
    pub article_title: String,
    pub author_name: String,
    pub text: String,
    pub comment_url: String,
    /// Subscribed to the replies to their comment, rather than to the whole article.
    pub replies_only: bool,
    pub unsubscribe_url: String,
}

/// `mail/confirm_subscription`: asks an address to confirm a subscription (double opt-in).
#[derive(Debug, Serialize)]
pub struct ConfirmSubscriptionMail {
    pub site: SiteView,
    pub article_title: String,
    pub replies_only: bool,
    pub confirm_url: String,
    pub unsubscribe_url: String,
}

/// `mail/invitation`: to someone an administrator invited.
#[derive(Debug, Serialize)]
pub struct InvitationMail {
    pub site: SiteView,
    pub inviter: String,
    /// "an editor", "an author"…
    pub role: String,
    /// The signed link to choose a name and a password; it works once.
    pub link: String,
    pub valid_days: u32,
}

/// `mail/password_reset`: to someone who asked for a new password.
#[derive(Debug, Serialize)]
pub struct PasswordResetMail {
    pub site: SiteView,
    pub name: String,
    /// The signed link to choose a new password; it works once.
    pub link: String,
    pub valid_hours: u32,
}

/// `mail/new_sign_in`: to a staff member, when their account signed in from a browser it
/// never used before.
#[derive(Debug, Serialize)]
pub struct NewSignInMail {
    pub site: SiteView,
    pub name: String,
    /// "1 December 2026, 14:05 UTC".
    pub time: String,
    pub ip: String,
    pub browser: String,
    /// Their Security screen: the sessions list, "sign out everywhere else".
    pub security_url: String,
}
