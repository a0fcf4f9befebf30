//! Approved comments arranged as threads, the way the article page shows them.

use super::Comment;
use crate::ids::CommentId;
use std::collections::{HashMap, HashSet};

/// One approved comment in its place in the thread.
#[derive(Debug, PartialEq, Eq)]
pub struct ThreadNode<'a> {
    pub comment: &'a Comment,
    /// 1 for a top-level comment.
    pub depth: u32,
    pub replies: Vec<ThreadNode<'a>>,
}

impl ThreadNode<'_> {
    /// Whether comment `id` is this one or among its replies, at any depth.
    pub fn holds(&self, id: CommentId) -> bool {
        self.comment.id == id || self.replies.iter().any(|reply| reply.holds(id))
    }
}

/// Arranges comments into threads, oldest first at every level. Replies deeper than
/// `max_depth` are shown at `max_depth`, after the comment they answer, so nothing
/// disappears when a site lowers its depth. A reply whose parent is not in `comments`
/// (trashed since, say) is shown at the top level.
pub fn thread(comments: &[Comment], max_depth: u32) -> Vec<ThreadNode<'_>> {
    let max_depth = max_depth.max(1);
    let ids: HashSet<CommentId> = comments.iter().map(|c| c.id).collect();
    let mut children: HashMap<Option<CommentId>, Vec<&Comment>> = HashMap::new();
    for comment in comments {
        let parent = comment
            .parent_id
            .filter(|parent| ids.contains(parent) && *parent != comment.id);
        children.entry(parent).or_default().push(comment);
    }
    for siblings in children.values_mut() {
        siblings.sort_by_key(|comment| (comment.created_at, comment.id));
    }
    fn build<'a>(
        parent: Option<CommentId>,
        depth: u32,
        max_depth: u32,
        children: &HashMap<Option<CommentId>, Vec<&'a Comment>>,
        output: &mut Vec<ThreadNode<'a>>,
    ) {
        for comment in children.get(&parent).into_iter().flatten() {
            if depth < max_depth {
                let mut replies = Vec::new();
                build(
                    Some(comment.id),
                    depth + 1,
                    max_depth,
                    children,
                    &mut replies,
                );
                output.push(ThreadNode {
                    comment,
                    depth,
                    replies,
                });
            } else {
                output.push(ThreadNode {
                    comment,
                    depth,
                    replies: Vec::new(),
                });
                // Deeper replies continue at this depth, right after what they answer.
                build(Some(comment.id), depth, max_depth, children, output);
            }
        }
    }
    let mut roots = Vec::new();
    build(None, 1, max_depth, &children, &mut roots);
    roots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comment::CommentStatus;
    use crate::ids::ArticleId;
    use time::OffsetDateTime;

    fn comment(id: i64, parent: Option<i64>) -> Comment {
        Comment {
            id: CommentId(id),
            article_id: ArticleId(1),
            parent_id: parent.map(CommentId),
            author_name: format!("c{id}"),
            author_email: String::new(),
            author_url: String::new(),
            content: String::new(),
            status: CommentStatus::Approved,
            status_before: None,
            moderation_reason: String::new(),
            ip: String::new(),
            user_agent: String::new(),
            created_at: OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(id),
            content_html: None,
            avatar_key: None,
            kind: Default::default(),
        }
    }

    #[test]
    fn a_comment_is_on_the_page_of_its_thread() {
        use crate::discussion::DiscussionSettings;
        // Threads 1, 2 (with replies 5 and 6 under it, 6 a reply to 5), 3, 4.
        let comments: Vec<Comment> = [
            (1, None),
            (2, None),
            (3, None),
            (4, None),
            (5, Some(2)),
            (6, Some(5)),
        ]
        .into_iter()
        .map(|(id, parent)| comment(id, parent))
        .collect();
        let threads = thread(&comments, 5);
        let paged = DiscussionSettings {
            page_comments: true,
            comments_per_page: 2,
            ..DiscussionSettings::default()
        };
        assert!(threads[1].holds(CommentId(6)) && !threads[0].holds(CommentId(6)));
        assert_eq!(paged.page_holding(&threads, CommentId(6)), 1);
        assert_eq!(paged.page_holding(&threads, CommentId(4)), 2);
        assert_eq!(
            paged.page_holding(&threads, CommentId(99)),
            2,
            "a comment that is not there: the default (last) page"
        );
        let unpaged = DiscussionSettings::default();
        assert_eq!(unpaged.page_holding(&threads, CommentId(4)), 1);
    }

    fn shape(nodes: &[ThreadNode<'_>]) -> String {
        nodes
            .iter()
            .map(|node| {
                if node.replies.is_empty() {
                    format!("{}@{}", node.comment.id, node.depth)
                } else {
                    format!(
                        "{}@{}({})",
                        node.comment.id,
                        node.depth,
                        shape(&node.replies)
                    )
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn threads_nest_replies_oldest_first() {
        let comments = [
            comment(3, Some(1)),
            comment(1, None),
            comment(2, None),
            comment(4, Some(3)),
            comment(5, Some(99)),
        ];
        assert_eq!(shape(&thread(&comments, 5)), "1@1(3@2(4@3)) 2@1 5@1");
        assert_eq!(shape(&thread(&comments, 2)), "1@1(3@2 4@2) 2@1 5@1");
        assert_eq!(shape(&thread(&comments, 1)), "1@1 3@1 4@1 2@1 5@1");
    }
}
