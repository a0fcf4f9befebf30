//! What a moderator may do to a comment, and what each action does to its status.

use super::CommentStatus;
use serde::Serialize;

/// What a moderator can do to a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModerationAction {
    Approve,
    Unapprove,
    Spam,
    NotSpam,
    Trash,
    Restore,
    Delete,
}

impl ModerationAction {
    pub const ALL: [ModerationAction; 7] = [
        ModerationAction::Approve,
        ModerationAction::Unapprove,
        ModerationAction::Spam,
        ModerationAction::NotSpam,
        ModerationAction::Trash,
        ModerationAction::Restore,
        ModerationAction::Delete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ModerationAction::Approve => "approve",
            ModerationAction::Unapprove => "unapprove",
            ModerationAction::Spam => "spam",
            ModerationAction::NotSpam => "not_spam",
            ModerationAction::Trash => "trash",
            ModerationAction::Restore => "restore",
            ModerationAction::Delete => "delete",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        ModerationAction::ALL
            .into_iter()
            .find(|action| action.as_str() == value)
    }

    /// The actions that make sense for a comment in `status`, for the queue's buttons.
    pub fn available_for(status: CommentStatus) -> &'static [ModerationAction] {
        match status {
            CommentStatus::Pending => &[
                ModerationAction::Approve,
                ModerationAction::Spam,
                ModerationAction::Trash,
            ],
            CommentStatus::Approved => &[
                ModerationAction::Unapprove,
                ModerationAction::Spam,
                ModerationAction::Trash,
            ],
            CommentStatus::Spam => &[ModerationAction::NotSpam, ModerationAction::Delete],
            CommentStatus::Trash => &[ModerationAction::Restore, ModerationAction::Delete],
        }
    }

    /// What applying this action to a comment in `current` does, or `None` when it does
    /// not apply (restoring a comment that is not in the trash, say).
    pub fn transition(
        self,
        current: CommentStatus,
        status_before: Option<CommentStatus>,
    ) -> Option<Transition> {
        use CommentStatus::*;
        let back = status_before
            .filter(|s| matches!(s, Pending | Approved))
            .unwrap_or(Pending);
        let to = |status, status_before| {
            Some(Transition::Become {
                status,
                status_before,
            })
        };
        match (self, current) {
            (ModerationAction::Approve, Pending | Approved) => to(Approved, None),
            (ModerationAction::Unapprove, Approved | Pending) => to(Pending, None),
            (ModerationAction::Spam, Pending | Approved | Trash) => to(Spam, Some(current)),
            (ModerationAction::NotSpam, Spam) => to(back, None),
            (ModerationAction::Trash, Pending | Approved | Spam) => to(Trash, Some(current)),
            (ModerationAction::Restore, Trash) => to(back, None),
            (ModerationAction::Delete, Spam | Trash) => Some(Transition::Delete),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Become {
        status: CommentStatus,
        status_before: Option<CommentStatus>,
    },
    /// Removed for good; its replies move up to its parent, as WordPress does.
    Delete,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moderation_transitions() {
        use CommentStatus::*;
        use ModerationAction as A;
        let become_ = |status, status_before| {
            Some(Transition::Become {
                status,
                status_before,
            })
        };
        assert_eq!(
            A::Approve.transition(Pending, None),
            become_(Approved, None)
        );
        assert_eq!(
            A::Spam.transition(Approved, None),
            become_(Spam, Some(Approved))
        );
        assert_eq!(
            A::NotSpam.transition(Spam, Some(Approved)),
            become_(Approved, None)
        );
        assert_eq!(A::NotSpam.transition(Spam, None), become_(Pending, None));
        assert_eq!(
            A::Trash.transition(Pending, None),
            become_(Trash, Some(Pending))
        );
        assert_eq!(
            A::Restore.transition(Trash, Some(Pending)),
            become_(Pending, None)
        );
        assert_eq!(A::Delete.transition(Trash, None), Some(Transition::Delete));
        assert_eq!(A::Delete.transition(Approved, None), None);
        assert_eq!(A::Restore.transition(Approved, None), None);
        assert_eq!(A::Approve.transition(Spam, None), None);
        for status in CommentStatus::ALL {
            for action in ModerationAction::available_for(status) {
                assert!(
                    action.transition(status, None).is_some(),
                    "{action:?} on {status:?}"
                );
            }
        }
    }
}
