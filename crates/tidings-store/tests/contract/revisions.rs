//! Revisions, autosaves and corrections (issue #11).

use crate::support::*;
use tidings_domain::revision::RevisionText;

on_every_backend!(
    every_save_keeps_a_revision_and_a_stale_base_is_a_conflict,
    an_autosave_is_one_per_editor_and_spent_by_a_save,
    corrections_are_dated_kept_with_their_revision_and_listed_when_public,
);

async fn editor(store: &dyn Store, email: &str) -> UserId {
    store
        .insert_user(
            &NewUser {
                email: email.into(),
                display_name: email.split('@').next().unwrap().into(),
                role: Role::Editor,
                password_hash: "hash".into(),
            },
            NOW,
        )
        .await
        .unwrap()
        .id
}

async fn every_save_keeps_a_revision_and_a_stale_base_is_a_conflict(store: &dyn Store) {
    let ann = editor(store, "ann@example.com").await;
    let bo = editor(store, "bo@example.com").await;
    let mut first = article("Story", |input| input.body_markdown = "One.".into());
    first.saved_by = Some(ann);
    let story = store.insert_article(&first, Some(ann), NOW).await.unwrap();
    let opened = store.latest_revision(story.id).await.unwrap().unwrap();
    // Bo saves a new text on top of it.
    let later = NOW + time::Duration::minutes(5);
    let mut by_bo = article("Story", |input| input.body_markdown = "Two.".into());
    by_bo.saved_by = Some(bo);
    by_bo.based_on = Some(opened);
    store
        .update_article(story.id, &by_bo, later)
        .await
        .unwrap()
        .unwrap();
    // Ann, still on the first revision, is told instead of overwriting Bo.
    let mut by_ann = article("Story", |input| input.body_markdown = "Three.".into());
    by_ann.saved_by = Some(ann);
    by_ann.based_on = Some(opened);
    let refused = store.update_article(story.id, &by_ann, later).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict { what: "revision" })),
        "{refused:?}"
    );
    assert_eq!(
        store
            .article_by_id(story.id)
            .await
            .unwrap()
            .unwrap()
            .body_markdown,
        "Two."
    );
    // A save that changes no text keeps no new revision.
    by_bo.based_on = None;
    store
        .update_article(story.id, &by_bo, later)
        .await
        .unwrap()
        .unwrap();
    let revisions = store.revisions(story.id).await.unwrap();
    let authors: Vec<Option<&str>> = revisions
        .iter()
        .map(|revision| revision.author_name.as_deref())
        .collect();
    assert_eq!(authors, [Some("bo"), Some("ann")], "newest first");
    assert!(
        revisions[0].text.body_markdown.is_empty(),
        "the list has no text"
    );
    let full = store.revision(revisions[1].id).await.unwrap().unwrap();
    assert_eq!(full.text.body_markdown, "One.");
    assert_eq!(full.created_at, NOW);
}

async fn an_autosave_is_one_per_editor_and_spent_by_a_save(store: &dyn Store) {
    let ann = editor(store, "ann@example.com").await;
    let story = store
        .insert_article(&article("Story", |_| {}), Some(ann), NOW)
        .await
        .unwrap();
    let text = |body: &str| RevisionText {
        title: "Story".into(),
        body_markdown: body.into(),
        ..RevisionText::default()
    };
    for body in ["Draft one", "Draft two"] {
        store
            .autosave(story.id, ann, &text(body), NOW)
            .await
            .unwrap()
            .unwrap();
    }
    let autosaves: Vec<_> = store
        .revisions(story.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|revision| revision.autosave)
        .collect();
    assert_eq!(autosaves.len(), 1);
    let kept = store.revision(autosaves[0].id).await.unwrap().unwrap();
    assert_eq!(kept.text.body_markdown, "Draft two");
    // An autosave is not what a save is checked against.
    let saved = store.latest_revision(story.id).await.unwrap();
    assert_ne!(saved, Some(kept.id));
    let mut save = article("Story", |input| input.body_markdown = "Final".into());
    save.saved_by = Some(ann);
    save.based_on = saved;
    store
        .update_article(story.id, &save, NOW)
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .revisions(story.id)
            .await
            .unwrap()
            .iter()
            .all(|revision| !revision.autosave)
    );
    assert!(
        store
            .autosave(ArticleId(999_999), ann, &text("x"), NOW)
            .await
            .unwrap()
            .is_none()
    );
}

async fn corrections_are_dated_kept_with_their_revision_and_listed_when_public(store: &dyn Store) {
    let story = store
        .insert_article(&article("Story", |_| {}), None, NOW)
        .await
        .unwrap();
    let draft = store
        .insert_article(
            &article("Draft", |input| input.status = Some(ArticleStatus::Draft)),
            None,
            NOW,
        )
        .await
        .unwrap();
    let later = NOW + time::Duration::hours(1);
    let note = store
        .add_correction(
            story.id,
            "An earlier version misstated the date.",
            None,
            later,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        note.revision_id,
        store.latest_revision(story.id).await.unwrap()
    );
    store
        .add_correction(draft.id, "Not public.", None, later)
        .await
        .unwrap()
        .unwrap();
    let corrected = store.article_by_id(story.id).await.unwrap().unwrap();
    assert_eq!(corrected.revised_at, Some(later));
    assert_eq!(
        store.corrections_of(story.id).await.unwrap(),
        std::slice::from_ref(&note)
    );
    let public = store.public_corrections(later, 10, 0).await.unwrap();
    assert_eq!(public.len(), 1, "only public articles' corrections");
    assert_eq!(public[0].1.id, story.id);
    assert!(
        store
            .add_correction(ArticleId(999_999), "x", None, later)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.delete_correction(note.id).await.unwrap(),
        Some(story.id)
    );
    assert!(store.corrections_of(story.id).await.unwrap().is_empty());
}
