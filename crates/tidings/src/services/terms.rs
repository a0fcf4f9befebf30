//! Sections and tags: creating, renaming, re-filing, merging and deleting them. Any change
//! can show on every article page (its section line) and list, so each drops the page cache.

use crate::app::App;
use crate::services::access::{self, Forbidden};
use crate::services::site;
use tidings_domain::term::TermInput;
use tidings_domain::{Capability, Taxonomy, Term, TermId, User};
use tidings_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum TermError {
    /// Field name to the message shown beside it.
    #[error("the section or tag has invalid fields")]
    Invalid(Vec<(&'static str, String)>),
    #[error("no such section or tag")]
    NotFound,
    #[error("{0}")]
    Refused(&'static str),
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for TermError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict { what: "slug" } => TermError::Invalid(vec![(
                "slug",
                "Another one of the same kind already uses this slug.".into(),
            )]),
            StoreError::Conflict { what: "parent" } => TermError::Invalid(vec![(
                "parent",
                "A section cannot be filed under itself or one of its own subsections.".into(),
            )]),
            StoreError::Conflict {
                what: "default section",
            } => TermError::Refused(
                "This is the section articles go to when they have none; it cannot be deleted. \
                 Merge another section into it instead, or rename it.",
            ),
            other => TermError::Store(other),
        }
    }
}

pub async fn create_term(
    app: &App,
    actor: &User,
    taxonomy: Taxonomy,
    input: TermInput,
) -> Result<Term, TermError> {
    access::require(actor, Capability::ManageTerms)?;
    let term = input.validate(taxonomy).map_err(TermError::Invalid)?;
    let term = app.store.insert_term(&term).await?;
    site::all_pages_changed(app).await?;
    Ok(term)
}

pub async fn update_term(
    app: &App,
    actor: &User,
    taxonomy: Taxonomy,
    id: TermId,
    input: TermInput,
) -> Result<Term, TermError> {
    access::require(actor, Capability::ManageTerms)?;
    let term = input.validate(taxonomy).map_err(TermError::Invalid)?;
    let term = app
        .store
        .update_term(id, &term)
        .await?
        .ok_or(TermError::NotFound)?;
    site::all_pages_changed(app).await?;
    Ok(term)
}

/// Files every article of `from` under `into` and deletes `from`.
pub async fn merge_terms(
    app: &App,
    actor: &User,
    from: TermId,
    into: TermId,
) -> Result<(), TermError> {
    access::require(actor, Capability::ManageTerms)?;
    if from == into {
        return Err(TermError::Invalid(vec![(
            "into",
            "Choose another one to merge into.".into(),
        )]));
    }
    if !app.store.merge_terms(from, into).await? {
        return Err(TermError::NotFound);
    }
    site::all_pages_changed(app).await?;
    Ok(())
}

pub async fn delete_term(app: &App, actor: &User, id: TermId) -> Result<(), TermError> {
    access::require(actor, Capability::ManageTerms)?;
    if !app.store.delete_term(id).await? {
        return Err(TermError::NotFound);
    }
    site::all_pages_changed(app).await?;
    Ok(())
}
