//! Who may do what to an article or page: the role's capabilities, and whether it is
//! theirs. The services ask these before every change; the admin hides what they refuse.

use crate::article::{Article, ArticleKind, ArticleStatus};
use crate::ids::UserId;
use crate::user::{Capability, Role, User};

/// Whether `role` may start a new article or page.
pub fn may_create(role: Role, kind: ArticleKind) -> bool {
    match kind {
        ArticleKind::Article => role.can(Capability::Write),
        ArticleKind::Page => role.can(Capability::ManagePages),
    }
}

/// Whether `role` may give an article or page this status: publishing (or making private)
/// needs the right to publish; a draft or a submission for review needs only the right to
/// write.
pub fn may_set_status(role: Role, kind: ArticleKind, status: ArticleStatus) -> bool {
    let writes = may_create(role, kind);
    match status {
        ArticleStatus::Published | ArticleStatus::Private => {
            writes && role.can(Capability::Publish)
        }
        _ => writes,
    }
}

/// Whether `user` is in the article's byline (or is its one WordPress author).
pub fn is_own(user: &User, article: &Article, authors: &[UserId]) -> bool {
    article.author_id == Some(user.id) || authors.contains(&user.id)
}

/// Whether `user` may change, trash or restore this article or page: editors any; an
/// author their own; a contributor their own while it is not public (once published, it
/// is the desk's, as in WordPress).
pub fn may_edit(user: &User, article: &Article, authors: &[UserId]) -> bool {
    if user.role.can(Capability::EditOthers) {
        return true;
    }
    if article.kind == ArticleKind::Page {
        return user.role.can(Capability::ManagePages);
    }
    if !is_own(user, article, authors) {
        return false;
    }
    let status = article.trashed.map_or(article.status, |(_, before)| before);
    user.role.can(Capability::Publish)
        || matches!(status, ArticleStatus::Draft | ArticleStatus::Pending)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Slug;
    use time::macros::datetime;

    fn user(id: i64, role: Role) -> User {
        User {
            id: UserId(id),
            email: format!("{id}@example.com"),
            display_name: format!("User {id}"),
            role,
            password_hash: String::new(),
            deactivated: false,
        }
    }

    fn article(author: i64, status: ArticleStatus, kind: ArticleKind) -> Article {
        let now = datetime!(2026-06-01 12:00 UTC);
        Article {
            id: crate::ArticleId(1),
            kind,
            slug: Slug::parse("x").unwrap(),
            title: "X".into(),
            subtitle: String::new(),
            excerpt: String::new(),
            body_markdown: String::new(),
            status,
            published_at: now,
            updated_at: now,
            revised_at: None,
            trashed: None,
            author_id: Some(UserId(author)),
            comments_open: true,
            sticky: false,
            parent_id: None,
            page_path: (kind == ArticleKind::Page).then(|| "x".into()),
            featured_image: None,
            featured_image_alt: String::new(),
        }
    }

    #[test]
    fn each_role_edits_what_wordpress_lets_it() {
        use ArticleKind::{Article as A, Page as P};
        use ArticleStatus::{Draft, Pending, Published};
        // (role, whose, status, kind) → may edit
        let cases = [
            (Role::Editor, 2, Published, A, true),
            (Role::Editor, 2, Draft, P, true),
            (Role::Author, 1, Published, A, true),
            (Role::Author, 2, Draft, A, false),
            (Role::Author, 1, Draft, P, false),
            (Role::Contributor, 1, Draft, A, true),
            (Role::Contributor, 1, Pending, A, true),
            (Role::Contributor, 1, Published, A, false),
            (Role::Contributor, 2, Draft, A, false),
        ];
        for (role, whose, status, kind, expected) in cases {
            let actor = user(1, role);
            assert_eq!(
                may_edit(&actor, &article(whose, status, kind), &[]),
                expected,
                "{role:?} on {whose}'s {status:?} {kind:?}"
            );
        }
        // Being in the byline makes it one's own.
        let co_written = article(2, Draft, A);
        assert!(may_edit(
            &user(1, Role::Contributor),
            &co_written,
            &[UserId(2), UserId(1)]
        ));
    }

    #[test]
    fn only_those_who_publish_may_publish() {
        for (role, draft, publish) in [
            (Role::Administrator, true, true),
            (Role::Editor, true, true),
            (Role::Author, true, true),
            (Role::Contributor, true, false),
        ] {
            let kind = ArticleKind::Article;
            assert_eq!(may_set_status(role, kind, ArticleStatus::Pending), draft);
            assert_eq!(
                may_set_status(role, kind, ArticleStatus::Published),
                publish
            );
            assert_eq!(may_set_status(role, kind, ArticleStatus::Private), publish);
        }
        assert!(!may_set_status(
            Role::Author,
            ArticleKind::Page,
            ArticleStatus::Draft
        ));
    }
}
