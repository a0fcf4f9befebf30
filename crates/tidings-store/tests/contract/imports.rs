//! Imports (issue #13): one transaction, old ids kept where free, what names something
//! that comes later settled at the end, a second import adding nothing, a dry run leaving
//! nothing.

use crate::support::*;
use tidings_domain::import::{
    ImportRecord, ImportSource, ImportedArticle, ImportedAttachment, ImportedAuthor,
    ImportedComment, LegacyKind, Outcome,
};
use tidings_domain::{ArticleId, ArticleKind, ArticleStatus, CommentId, CommentKind, Slug};

on_every_backend!(
    an_import_keeps_old_ids_and_settles_parents_at_the_end,
    an_old_id_once_given_here_is_not_kept,
    a_dry_run_leaves_nothing_and_a_second_import_adds_nothing,
    an_export_reads_back_everything_an_import_wrote,
    an_old_uploads_image_is_found_by_its_file_or_a_resized_copy,
);

fn slug(text: &str) -> Slug {
    Slug::parse(text).unwrap()
}

fn post(legacy_id: i64, kind: ArticleKind, name: &str, parent: Option<i64>) -> ImportRecord {
    ImportRecord::Article(Box::new(ImportedArticle {
        legacy_id,
        kind,
        slug: slug(name),
        title: name.to_owned(),
        subtitle: String::new(),
        excerpt: String::new(),
        body: format!("<p>{name}</p>"),
        status: ArticleStatus::Published,
        status_before_trash: None,
        published_at: datetime!(2020-03-04 05:06 UTC),
        updated_at: datetime!(2020-03-04 05:06 UTC),
        author: Some("ann".into()),
        comments_open: true,
        sticky: false,
        parent,
        sections: vec![(slug("world"), "World".into())],
        tags: vec![(slug("harbour"), "Harbour".into())],
        old_paths: vec![format!("/2020/03/04/{name}/")],
        featured_attachment: None,
        guid_id: None,
    }))
}

fn comment(legacy_id: i64, article: i64, parent: Option<i64>) -> ImportRecord {
    ImportRecord::Comment(Box::new(ImportedComment {
        legacy_id,
        article,
        on_article: None,
        keep_legacy_id: true,
        parent,
        kind: if legacy_id == 502 {
            CommentKind::Pingback
        } else {
            CommentKind::Comment
        },
        author_name: "Reader".into(),
        author_email: "reader@example.com".into(),
        author_url: String::new(),
        ip: "192.0.2.1".into(),
        user_agent: String::new(),
        content: "Well said.".into(),
        status: tidings_domain::CommentStatus::Approved,
        created_at: datetime!(2020-03-05 05:06 UTC),
        avatar_key: None,
        content_html: None,
    }))
}

/// A small site, in an order that names things before they come.
fn records() -> Vec<ImportRecord> {
    vec![
        ImportRecord::Author(ImportedAuthor {
            login: "ann".into(),
            email: Some("ann@old.example".into()),
            display_name: "Ann Lee".into(),
            legacy_id: Some(3),
        }),
        // The child page comes before its parent; the reply before its comment.
        post(9001, ArticleKind::Page, "team", Some(9000)),
        post(9000, ArticleKind::Page, "about", None),
        post(9002, ArticleKind::Article, "harbour-opens", None),
        comment(501, 9002, Some(500)),
        comment(500, 9002, None),
        comment(502, 9002, None),
        comment(503, 424242, None),
        ImportRecord::Attachment(Box::new(ImportedAttachment {
            legacy_id: 9003,
            article: Some(9002),
            title: "Quay".into(),
            caption: String::new(),
            description: String::new(),
            alt: "The quay at dawn".into(),
            url: "https://old.example/wp-content/uploads/2020/03/quay.jpg".into(),
            file: "2020/03/quay.jpg".into(),
            width: Some(1200),
            height: Some(800),
            uploaded_at: datetime!(2020-03-04 05:00 UTC),
            media_id: None,
            old_paths: vec!["/2020/03/04/harbour-opens/quay/".into()],
        })),
    ]
}

async fn import(store: &dyn Store, commit: bool) -> Vec<Outcome> {
    let mut session = store
        .begin_import(&ImportSource::from_url("https://old.example/"), "hash", NOW)
        .await
        .unwrap();
    let mut outcomes = Vec::new();
    for record in records() {
        outcomes.push(session.write(&record).await.unwrap());
    }
    session.finish(commit).await.unwrap();
    outcomes
}

async fn an_import_keeps_old_ids_and_settles_parents_at_the_end(store: &dyn Store) {
    let outcomes = import(store, true).await;
    assert_eq!(
        outcomes[7],
        Outcome::Orphaned,
        "a comment on no imported article"
    );
    assert!(
        outcomes
            .iter()
            .take(7)
            .all(|outcome| *outcome == Outcome::Added)
    );
    // Old ids are kept where free.
    let harbour = store.article_by_id(ArticleId(9002)).await.unwrap().unwrap();
    assert_eq!(harbour.permalink(), "/2020/03/harbour-opens/");
    assert_eq!(harbour.body_markdown, "<p>harbour-opens</p>");
    // The child page found its parent, which came after it.
    let team = store.page_by_path("about/team").await.unwrap().unwrap();
    assert_eq!(team.id, ArticleId(9001));
    assert_eq!(team.parent_id, Some(ArticleId(9000)));
    // The reply found its comment; the pingback is one.
    let reply = store.comment_by_id(CommentId(501)).await.unwrap().unwrap();
    assert_eq!(reply.parent_id, Some(CommentId(500)));
    let pingback = store.comment_by_id(CommentId(502)).await.unwrap().unwrap();
    assert_eq!(pingback.kind, CommentKind::Pingback);
    // Old addresses and ids lead to the new rows.
    assert_eq!(
        store
            .redirect_for("/2020/03/04/harbour-opens/")
            .await
            .unwrap(),
        Some(ArticleId(9002))
    );
    assert_eq!(
        store.legacy_target(LegacyKind::Post, "9000").await.unwrap(),
        Some(9000)
    );
    let attachment = store
        .attachment_at("/2020/03/04/harbour-opens/quay/")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(attachment.article_id, Some(9002));
    assert_eq!(store.count_attachments().await.unwrap(), 1);
    // The author's account exists, found by email, without a usable password.
    let ann = store
        .user_by_email("ann@old.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ann.role, Role::Author);
    // New rows after the import get ids past the imported ones.
    let next = store
        .insert_article(&article("After", |_| {}), None, NOW)
        .await
        .unwrap();
    assert!(next.id.0 > 9002, "{:?}", next.id);
}

async fn a_dry_run_leaves_nothing_and_a_second_import_adds_nothing(store: &dyn Store) {
    let outcomes = import(store, false).await;
    assert_eq!(outcomes[0], Outcome::Added);
    assert_eq!(store.article_by_id(ArticleId(9002)).await.unwrap(), None);
    assert_eq!(store.count_attachments().await.unwrap(), 0);
    import(store, true).await;
    let again = import(store, true).await;
    assert!(
        again
            .iter()
            .take(7)
            .all(|outcome| *outcome == Outcome::AlreadyThere),
        "{again:?}"
    );
}

async fn an_old_id_once_given_here_is_not_kept(store: &dyn Store) {
    // The site gave ids up to some number; a row deleted since leaves its id unused, and an
    // import does not give it out again (ids are never reused): it maps the old id instead.
    let mut ids = Vec::new();
    for number in 0..3 {
        ids.push(
            store
                .insert_article(&article(&format!("Native {number}"), |_| {}), None, NOW)
                .await
                .unwrap()
                .id,
        );
    }
    // The newest is deleted: its id is free, but was given.
    store.trash_article(ids[2], NOW).await.unwrap().unwrap();
    store
        .purge_trash(NOW + time::Duration::days(1))
        .await
        .unwrap();
    assert!(store.article_by_id(ids[2]).await.unwrap().is_none());
    let last = ids[2];
    let mut session = store
        .begin_import(&ImportSource::from_url("https://old.example/"), "hash", NOW)
        .await
        .unwrap();
    // Deleted (given once), and taken by a row: both mapped to new ids.
    let taken = last.0;
    for legacy in [taken, taken - 1] {
        let ImportRecord::Article(mut imported) = post(9100, ArticleKind::Article, "mapped", None)
        else {
            unreachable!()
        };
        imported.legacy_id = legacy;
        imported.slug = slug(&format!("mapped-{legacy}"));
        session
            .write(&ImportRecord::Article(imported))
            .await
            .unwrap();
    }
    session.finish(true).await.unwrap();
    for legacy in [taken, taken - 1] {
        let here = store
            .legacy_target(LegacyKind::Post, &legacy.to_string())
            .await
            .unwrap()
            .unwrap();
        assert!(here > taken, "old id {legacy} became {here}");
    }
}

async fn an_export_reads_back_everything_an_import_wrote(store: &dyn Store) {
    import(store, true).await;
    let articles = store.articles_for_export(ArticleId(0), 100).await.unwrap();
    let harbour = articles
        .iter()
        .find(|exported| exported.article.id == ArticleId(9002))
        .expect("the imported article");
    let terms: Vec<&str> = harbour
        .terms
        .iter()
        .map(|term| term.slug.as_str())
        .collect();
    assert_eq!(terms, ["world", "harbour"], "sections first, then tags");
    assert_eq!(harbour.author_slug.as_deref(), Some("ann"));
    // Pages, in id order after the article page's start.
    let after = store.articles_for_export(ArticleId(9000), 1).await.unwrap();
    assert_eq!(after[0].article.id, ArticleId(9001));
    // Comments with their private fields, in id order, paged.
    let comments = store
        .comments_for_export(ArticleId(9002), CommentId(0), 2)
        .await
        .unwrap();
    assert_eq!(
        comments
            .iter()
            .map(|comment| comment.id.0)
            .collect::<Vec<_>>(),
        [500, 501]
    );
    assert_eq!(comments[0].ip, "192.0.2.1");
    assert_eq!(comments[0].author_email, "reader@example.com");
    let rest = store
        .comments_for_export(ArticleId(9002), CommentId(501), 10)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    let attachments = store.attachments_for_export(0, 10).await.unwrap();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0].file, "2020/03/quay.jpg");
    assert_eq!(attachments[0].article_id, Some(9002));
    assert_eq!(
        store
            .attachment_by_id(attachments[0].id)
            .await
            .unwrap()
            .map(|attachment| attachment.title),
        Some("Quay".to_owned())
    );
    let authors = store.authors_for_export().await.unwrap();
    assert!(
        authors
            .iter()
            .any(|author| author.slug == "ann" && author.email == "ann@old.example")
    );
    // Sections before tags, each parent before its children.
    let terms = store.terms_for_export().await.unwrap();
    let world = terms
        .iter()
        .position(|term| term.slug.as_str() == "world")
        .unwrap();
    let harbour_tag = terms
        .iter()
        .position(|term| term.slug.as_str() == "harbour")
        .unwrap();
    assert!(world < harbour_tag);
}

async fn an_old_uploads_image_is_found_by_its_file_or_a_resized_copy(store: &dyn Store) {
    let mut session = store
        .begin_import(&ImportSource::from_url("https://old.example/"), "hash", NOW)
        .await
        .unwrap();
    let media = session
        .add_media(&NewMedia {
            key: tidings_domain::MediaKey::parse("0123456789abcdef").unwrap(),
            format: tidings_domain::MediaFormat::Jpeg,
            width: 800,
            height: 600,
            bytes: 1000,
            original_name: "quay.jpg".into(),
            alt: String::new(),
            uploaded_by: None,
        })
        .await
        .unwrap();
    for record in records() {
        let record = match record {
            ImportRecord::Attachment(mut attachment) => {
                attachment.media_id = Some(media);
                ImportRecord::Attachment(attachment)
            }
            other => other,
        };
        session.write(&record).await.unwrap();
    }
    session.finish(true).await.unwrap();
    let image = Some("/media/0123456789abcdef/800.jpg".to_owned());
    assert_eq!(store.upload_image("2020/03/quay.jpg").await.unwrap(), image);
    assert_eq!(
        store
            .upload_image("2020/03/quay-300x225.jpg")
            .await
            .unwrap(),
        image
    );
    assert_eq!(store.upload_image("2020/03/other.jpg").await.unwrap(), None);
}
