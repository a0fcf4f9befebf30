//! Sections and tags. Every statement here is the same in both dialects.

use crate::articles::{DEFAULT_SECTION, default_section, default_section_from};
use crate::database::{SqlStore, Tx, statement};
use crate::records::TermUse;
use crate::rows::{Columns, term_from_row, to_u64};
use crate::search::{index_article, index_articles_with_term};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use std::collections::HashMap;
use tidings_domain::term::{ValidTerm, makes_loop, section_paths, sort_key};
use tidings_domain::{Taxonomy, Term, TermId};

#[async_trait]
pub trait TermStore: Send + Sync {
    /// Every section or every tag, with how many articles (of any state but the trash)
    /// carry it, by name (see `term::sort_key`).
    async fn terms(&self, taxonomy: Taxonomy) -> StoreResult<Vec<TermUse>>;
    async fn term_by_id(&self, id: TermId) -> StoreResult<Option<Term>>;
    async fn term_by_slug(&self, taxonomy: Taxonomy, slug: &str) -> StoreResult<Option<Term>>;
    /// The term that used to live at `slug` (re-slugged or merged since), if any.
    async fn term_redirect(&self, taxonomy: Taxonomy, slug: &str) -> StoreResult<Option<Term>>;
    /// The section articles are filed under when they have none.
    async fn default_section(&self) -> StoreResult<TermId>;
    /// A taken slug is a `Conflict { what: "slug" }`; a parent that is not a section of
    /// the site a `Conflict { what: "parent" }`.
    async fn insert_term(&self, term: &ValidTerm) -> StoreResult<Term>;
    /// Renames, re-slugs, re-describes or re-files a term; `None` when it does not exist.
    /// A parent that would make the section its own ancestor is a `Conflict { what:
    /// "parent" }`, decided inside the transaction so two editors cannot make a loop between
    /// them.
    async fn update_term(&self, id: TermId, term: &ValidTerm) -> StoreResult<Option<Term>>;
    /// Files every article of `from` under `into` and deletes `from`; its subsections move
    /// to its parent. `false` when either is missing or they differ in taxonomy.
    async fn merge_terms(&self, from: TermId, into: TermId) -> StoreResult<bool>;
    /// Deletes a term; its subsections move to its parent, and articles it leaves without
    /// a section are filed under the default one. The default section itself is a
    /// `Conflict { what: "default section" }`. `false` when it does not exist.
    async fn delete_term(&self, id: TermId) -> StoreResult<bool>;
}

const TERM_COLUMNS: &str = "t.id, t.taxonomy, t.slug, t.name, t.description, t.parent_id, t.path";

/// Rewrites every section's path from the tree as it now stands (a few hundred rows at
/// most; only those that changed are written). Called in each transaction that adds,
/// renames, moves, merges or deletes a section, and when the store opens.
pub(crate) async fn write_section_paths(transaction: &mut Tx) -> StoreResult<()> {
    let rows = transaction
        .fetch_all(statement!(
            "SELECT id, slug, parent_id, path FROM terms WHERE taxonomy = 'section'"
        ))
        .await?;
    let mut sections = Vec::with_capacity(rows.len());
    let mut stored = Vec::with_capacity(rows.len());
    for row in &rows {
        let id = TermId(row.integer("id")?);
        sections.push((
            id,
            crate::rows::slug_from(&row.text("slug")?)?,
            row.optional_integer("parent_id")?.map(TermId),
        ));
        stored.push((id, row.text("path")?));
    }
    for (id, path) in section_paths(&sections) {
        if !stored.contains(&(id, path.clone())) {
            transaction
                .execute(statement!(
                    "UPDATE terms SET path = ? WHERE id = ?",
                    path,
                    id.0
                ))
                .await?;
        }
    }
    Ok(())
}

impl SqlStore {
    /// Nests the sections whose paths do not follow the tree (after the migration that
    /// added paths, or rows written by hand).
    pub(crate) async fn catch_up_section_paths(&self) -> StoreResult<()> {
        let mut transaction = self.begin().await?;
        write_section_paths(&mut transaction).await?;
        transaction.commit().await
    }
}

/// Moves a term's subsections up to its parent and its articles to the default section
/// when they would have none left, before it is deleted.
async fn release_term(transaction: &mut Tx, term: &Term) -> StoreResult<()> {
    transaction
        .execute(statement!(
            "UPDATE terms SET parent_id = ? WHERE parent_id = ?",
            term.parent_id.map(|id| id.0),
            term.id.0
        ))
        .await?;
    if term.taxonomy == Taxonomy::Section {
        let default = default_section(transaction).await?;
        transaction
            .execute(statement!(
                "INSERT INTO article_terms (article_id, term_id, position, published_at)
                 SELECT at.article_id, ?, 0, at.published_at FROM article_terms at
                  WHERE at.term_id = ? AND NOT EXISTS (
                      SELECT 1 FROM article_terms other JOIN terms s ON s.id = other.term_id
                       WHERE other.article_id = at.article_id AND other.term_id <> ?
                         AND s.taxonomy = 'section')",
                default.0,
                term.id.0,
                term.id.0
            ))
            .await?;
    }
    Ok(())
}

/// Keeps `old_slug` as an old address of `term` and makes `live_slug` nobody's old address.
async fn keep_old_address(
    transaction: &mut Tx,
    taxonomy: Taxonomy,
    old_slug: &str,
    live_slug: &str,
    term: TermId,
) -> StoreResult<()> {
    transaction
        .execute(statement!(
            "DELETE FROM term_redirects WHERE taxonomy = ? AND slug = ?",
            taxonomy.as_str(),
            live_slug
        ))
        .await?;
    if old_slug != live_slug {
        transaction
            .execute(statement!(
                "INSERT INTO term_redirects (taxonomy, slug, term_id) VALUES (?, ?, ?)
                 ON CONFLICT (taxonomy, slug) DO UPDATE SET term_id = excluded.term_id",
                taxonomy.as_str(),
                old_slug,
                term.0
            ))
            .await?;
    }
    Ok(())
}

async fn term_in(transaction: &mut Tx, id: TermId) -> StoreResult<Option<Term>> {
    transaction
        .fetch_optional(statement!(
            format!("SELECT {TERM_COLUMNS} FROM terms t WHERE t.id = ?"),
            id.0
        ))
        .await?
        .as_ref()
        .map(term_from_row)
        .transpose()
}

/// Refuses a parent that is missing, not a section, or under the term itself.
async fn check_parent(
    transaction: &mut Tx,
    id: Option<TermId>,
    term: &ValidTerm,
) -> StoreResult<()> {
    let Some(parent) = term.parent_id else {
        return Ok(());
    };
    let refused = StoreError::Conflict { what: "parent" };
    // Re-filing sections one at a time keeps two of them from crossing (each checking the
    // tree before the other's change).
    transaction.serialize_on("term tree").await?;
    match term_in(transaction, parent).await? {
        Some(found) if found.taxonomy == Taxonomy::Section => {}
        _ => return Err(refused),
    }
    if let Some(id) = id {
        let rows = transaction
            .fetch_all(statement!(
                "SELECT id, parent_id FROM terms WHERE taxonomy = 'section'"
            ))
            .await?;
        let mut parents = HashMap::new();
        for row in rows {
            parents.insert(
                TermId(row.integer("id")?),
                row.optional_integer("parent_id")?.map(TermId),
            );
        }
        if makes_loop(&parents, id, Some(parent)) {
            return Err(refused);
        }
    }
    Ok(())
}

#[async_trait]
impl TermStore for SqlStore {
    async fn terms(&self, taxonomy: Taxonomy) -> StoreResult<Vec<TermUse>> {
        let rows = self
            .fetch_all(statement!(
                format!(
                    "SELECT {TERM_COLUMNS},
                        (SELECT COUNT(*) FROM article_terms at JOIN articles a
                            ON a.id = at.article_id
                          WHERE at.term_id = t.id AND a.status <> 'trash') AS articles
                       FROM terms t WHERE t.taxonomy = ? ORDER BY t.id"
                ),
                taxonomy.as_str()
            ))
            .await?;
        let mut terms = rows
            .iter()
            .map(|row| {
                Ok(TermUse {
                    term: term_from_row(row)?,
                    articles: to_u64(row.integer("articles")?),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        terms.sort_by_cached_key(|used| sort_key(&used.term.name));
        Ok(terms)
    }

    async fn term_by_id(&self, id: TermId) -> StoreResult<Option<Term>> {
        self.fetch_optional(statement!(
            format!("SELECT {TERM_COLUMNS} FROM terms t WHERE t.id = ?"),
            id.0
        ))
        .await?
        .as_ref()
        .map(term_from_row)
        .transpose()
    }

    async fn term_by_slug(&self, taxonomy: Taxonomy, slug: &str) -> StoreResult<Option<Term>> {
        self.fetch_optional(statement!(
            format!("SELECT {TERM_COLUMNS} FROM terms t WHERE t.taxonomy = ? AND t.slug = ?"),
            taxonomy.as_str(),
            slug
        ))
        .await?
        .as_ref()
        .map(term_from_row)
        .transpose()
    }

    async fn term_redirect(&self, taxonomy: Taxonomy, slug: &str) -> StoreResult<Option<Term>> {
        self.fetch_optional(statement!(
            format!(
                "SELECT {TERM_COLUMNS} FROM term_redirects r JOIN terms t ON t.id = r.term_id
                  WHERE r.taxonomy = ? AND r.slug = ?"
            ),
            taxonomy.as_str(),
            slug
        ))
        .await?
        .as_ref()
        .map(term_from_row)
        .transpose()
    }

    async fn default_section(&self) -> StoreResult<TermId> {
        // A plain read, on a read connection: the admin's screens ask it on every render.
        default_section_from(self.fetch_optional(statement!(DEFAULT_SECTION)).await?)
    }

    async fn insert_term(&self, term: &ValidTerm) -> StoreResult<Term> {
        let mut transaction = self.begin().await?;
        check_parent(&mut transaction, None, term).await?;
        let row = transaction
            .attempt(statement!(
                "INSERT INTO terms (taxonomy, slug, name, description, parent_id, path)
                 VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                term.taxonomy.as_str(),
                term.slug.as_str(),
                &term.name,
                &term.description,
                term.parent_id.map(|id| id.0),
                term.slug.as_str(),
            ))
            .await?
            .ok_or_else(|| StoreError::Other("insert returned no row".into()))?;
        write_section_paths(&mut transaction).await?;
        let stored = term_in(&mut transaction, TermId(row.integer("id")?))
            .await?
            .ok_or_else(|| StoreError::Other("the new term is not there".into()))?;
        // Its address is live again: no one's old address any more.
        transaction
            .execute(statement!(
                "DELETE FROM term_redirects WHERE taxonomy = ? AND slug = ?",
                stored.taxonomy.as_str(),
                stored.slug.as_str()
            ))
            .await?;
        transaction.commit().await?;
        Ok(stored)
    }

    async fn update_term(&self, id: TermId, term: &ValidTerm) -> StoreResult<Option<Term>> {
        let mut transaction = self.begin().await?;
        check_parent(&mut transaction, Some(id), term).await?;
        let before = term_in(&mut transaction, id).await?;
        let updated = transaction
            .attempt(statement!(
                "UPDATE terms SET slug = ?, name = ?, description = ?, parent_id = ?, path = ?
                  WHERE id = ? AND taxonomy = ? RETURNING id",
                term.slug.as_str(),
                &term.name,
                &term.description,
                term.parent_id.map(|id| id.0),
                term.slug.as_str(),
                id.0,
                term.taxonomy.as_str(),
            ))
            .await?;
        write_section_paths(&mut transaction).await?;
        let stored = match updated {
            Some(_) => term_in(&mut transaction, id).await?,
            None => None,
        };
        if let (Some(before), Some(after)) = (&before, &stored) {
            let (old, live) = (before.slug.as_str(), after.slug.as_str());
            keep_old_address(&mut transaction, after.taxonomy, old, live, id).await?;
            if before.name != after.name {
                index_articles_with_term(&mut transaction, id).await?;
            }
        }
        transaction.commit().await?;
        Ok(stored)
    }

    async fn merge_terms(&self, from: TermId, into: TermId) -> StoreResult<bool> {
        let mut transaction = self.begin().await?;
        transaction.serialize_on("term tree").await?;
        let (Some(source), Some(target)) = (
            term_in(&mut transaction, from).await?,
            term_in(&mut transaction, into).await?,
        ) else {
            transaction.commit().await?;
            return Ok(false);
        };
        if source.taxonomy != target.taxonomy || source.id == target.id {
            transaction.commit().await?;
            return Ok(false);
        }
        transaction
            .execute(statement!(
                "INSERT INTO article_terms (article_id, term_id, position, published_at)
                 SELECT article_id, ?, position, published_at FROM article_terms
                  WHERE term_id = ?
                 ON CONFLICT (article_id, term_id) DO NOTHING",
                into.0,
                from.0
            ))
            .await?;
        // The merged section's children go to its parent; if the target was one of them,
        // it takes the source's place.
        transaction
            .execute(statement!(
                "UPDATE terms SET parent_id = ? WHERE parent_id = ?",
                source.parent_id.map(|id| id.0),
                from.0
            ))
            .await?;
        let default = default_section(&mut transaction).await?;
        if default == from {
            transaction
                .execute(statement!(
                    "UPDATE settings SET value = ? WHERE name = 'default_section'",
                    into.0.to_string()
                ))
                .await?;
        }
        // Its old addresses, and its own, now lead to the term it became part of.
        transaction
            .execute(statement!(
                "UPDATE term_redirects SET term_id = ? WHERE term_id = ?",
                into.0,
                from.0
            ))
            .await?;
        keep_old_address(
            &mut transaction,
            source.taxonomy,
            source.slug.as_str(),
            target.slug.as_str(),
            into,
        )
        .await?;
        transaction
            .execute(statement!("DELETE FROM terms WHERE id = ?", from.0))
            .await?;
        write_section_paths(&mut transaction).await?;
        index_articles_with_term(&mut transaction, into).await?;
        transaction.commit().await?;
        Ok(true)
    }

    async fn delete_term(&self, id: TermId) -> StoreResult<bool> {
        let mut transaction = self.begin().await?;
        transaction.serialize_on("term tree").await?;
        let Some(term) = term_in(&mut transaction, id).await? else {
            transaction.commit().await?;
            return Ok(false);
        };
        if term.taxonomy == Taxonomy::Section && default_section(&mut transaction).await? == id {
            return Err(StoreError::Conflict {
                what: "default section",
            });
        }
        release_term(&mut transaction, &term).await?;
        let articles = transaction
            .fetch_all(statement!(
                "SELECT article_id FROM article_terms WHERE term_id = ?",
                id.0
            ))
            .await?;
        transaction
            .execute(statement!("DELETE FROM terms WHERE id = ?", id.0))
            .await?;
        write_section_paths(&mut transaction).await?;
        for row in articles {
            index_article(&mut transaction, row.integer("article_id")?).await?;
        }
        transaction.commit().await?;
        Ok(true)
    }
}
