//! Sections and tags: how articles are grouped. Sections are WordPress's categories
//! (hierarchical; every article has at least one); tags are flat.

use crate::article::Slug;
use crate::ids::TermId;
use crate::text;
use serde::Serialize;

/// The most characters of a section's or tag's name.
pub const MAX_TERM_NAME_CHARS: usize = 100;
/// The most characters of a term's description.
pub const MAX_TERM_DESCRIPTION_CHARS: usize = 2_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Taxonomy {
    Section,
    Tag,
}

impl Taxonomy {
    pub fn as_str(self) -> &'static str {
        match self {
            Taxonomy::Section => "section",
            Taxonomy::Tag => "tag",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "section" => Some(Taxonomy::Section),
            "tag" => Some(Taxonomy::Tag),
            _ => None,
        }
    }

    /// The first part of its archive's address, as WordPress names it (`/category/news/`,
    /// `/tag/paris/`), so imported links keep working.
    pub fn base(self) -> &'static str {
        match self {
            Taxonomy::Section => "category",
            Taxonomy::Tag => "tag",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Term {
    pub id: TermId,
    pub taxonomy: Taxonomy,
    pub slug: Slug,
    pub name: String,
    pub description: String,
    /// A section's parent section; tags have none.
    pub parent_id: Option<TermId>,
    /// Its address under `/category/` or `/tag/`: a section's slug after its ancestors'
    /// (`world/asia`), a tag's slug.
    pub path: String,
}

impl Term {
    pub fn permalink(&self) -> String {
        let path = if self.path.is_empty() {
            self.slug.as_str()
        } else {
            &self.path
        };
        format!("/{}/{path}/", self.taxonomy.base())
    }
}

/// Each section's path (`world/asia`) from the slugs and parents of all of them; a parent
/// that is missing or part of a loop (which the store refuses to make) ends the path.
pub fn section_paths(sections: &[(TermId, Slug, Option<TermId>)]) -> Vec<(TermId, String)> {
    sections
        .iter()
        .map(|(id, slug, parent)| {
            let mut parts = vec![slug.as_str()];
            let mut next = *parent;
            while let Some(parent_id) = next {
                let Some((_, parent_slug, grandparent)) = sections
                    .iter()
                    .find(|(candidate, _, _)| *candidate == parent_id)
                else {
                    break;
                };
                if parts.len() > sections.len() {
                    break;
                }
                parts.push(parent_slug.as_str());
                next = *grandparent;
            }
            parts.reverse();
            (*id, parts.join("/"))
        })
        .collect()
}

/// How names are ordered in lists: by their letters, accents aside and in any case, the
/// same on every backend (SQLite's `lower()` knows only ASCII).
pub fn sort_key(name: &str) -> String {
    deunicode::deunicode(name).to_lowercase()
}

/// A name as typed, with the slug it gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TermName {
    pub name: String,
    pub slug: Slug,
}

impl TermName {
    /// `Ok(None)` for an empty name (a stray comma in a tag list); an error message for a
    /// name that is too long or has nothing to make an address from.
    pub fn parse(typed: &str) -> Result<Option<TermName>, String> {
        let name = text::clean_line(typed);
        if text::is_invisible_text(&name) {
            return Ok(None);
        }
        if name.chars().count() > MAX_TERM_NAME_CHARS {
            return Err(format!(
                "\"{}…\" is too long for a name: at most {MAX_TERM_NAME_CHARS} characters.",
                name.chars().take(30).collect::<String>()
            ));
        }
        match Slug::from_title(&name) {
            Some(slug) => Ok(Some(TermName { name, slug })),
            None => Err(format!(
                "\"{name}\" has no letters or digits to make an address from."
            )),
        }
    }
}

/// What an editor submits to create or change a section or a tag.
#[derive(Clone, Debug, Default)]
pub struct TermInput {
    pub name: String,
    /// Empty means "make one from the name".
    pub slug: String,
    pub description: String,
    pub parent_id: Option<TermId>,
}

/// A checked term, ready to be stored.
#[derive(Clone, Debug)]
pub struct ValidTerm {
    pub taxonomy: Taxonomy,
    pub name: String,
    pub slug: Slug,
    pub description: String,
    pub parent_id: Option<TermId>,
}

impl TermInput {
    /// Checks the fields; the field name and message of each problem.
    pub fn validate(self, taxonomy: Taxonomy) -> Result<ValidTerm, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let named = match TermName::parse(&self.name) {
            Ok(Some(named)) => Some(named),
            Ok(None) => {
                errors.push(("name", "Please give it a name.".to_owned()));
                None
            }
            Err(message) => {
                errors.push(("name", message));
                None
            }
        };
        let slug = if self.slug.trim().is_empty() {
            named.as_ref().map(|named| named.slug.clone())
        } else {
            let typed = Slug::parse(&self.slug);
            if typed.is_none() {
                errors.push(("slug", "A slug needs at least one letter or digit.".into()));
            }
            typed
        };
        let description = text::clean_text(self.description.trim());
        if description.chars().count() > MAX_TERM_DESCRIPTION_CHARS {
            errors.push((
                "description",
                format!(
                    "The description is too long: at most {MAX_TERM_DESCRIPTION_CHARS} characters."
                ),
            ));
        }
        match (named, slug) {
            (Some(named), Some(slug)) if errors.is_empty() => Ok(ValidTerm {
                taxonomy,
                name: named.name,
                slug,
                description,
                parent_id: self.parent_id.filter(|_| taxonomy == Taxonomy::Section),
            }),
            _ => Err(errors),
        }
    }
}

/// Whether giving `term` the parent `parent` would make it its own ancestor, given every
/// term's current parent: a section cannot be filed under itself or its descendants.
pub fn makes_loop(
    parents: &std::collections::HashMap<TermId, Option<TermId>>,
    term: TermId,
    parent: Option<TermId>,
) -> bool {
    let mut step = parent;
    // A chain longer than the number of terms is already a loop.
    for _ in 0..=parents.len() {
        match step {
            None => return false,
            Some(ancestor) if ancestor == term => return true,
            Some(ancestor) => step = parents.get(&ancestor).copied().flatten(),
        }
    }
    true
}

/// Terms ordered as a tree, each with its depth: parents before their children, siblings by
/// name. Terms whose parent is missing are roots.
pub fn as_tree(terms: &[Term]) -> Vec<(&Term, usize)> {
    let known: std::collections::HashSet<TermId> = terms.iter().map(|term| term.id).collect();
    let mut ordered = Vec::with_capacity(terms.len());
    let mut sorted: Vec<&Term> = terms.iter().collect();
    sorted.sort_by_key(|term| sort_key(&term.name));
    fn visit<'a>(
        sorted: &[&'a Term],
        parent: Option<TermId>,
        known: &std::collections::HashSet<TermId>,
        depth: usize,
        ordered: &mut Vec<(&'a Term, usize)>,
    ) {
        for term in sorted {
            let its_parent = term.parent_id.filter(|id| known.contains(id));
            if its_parent == parent && ordered.iter().all(|(seen, _)| seen.id != term.id) {
                ordered.push((term, depth));
                visit(sorted, Some(term.id), known, depth + 1, ordered);
            }
        }
    }
    visit(&sorted, None, &known, 0, &mut ordered);
    ordered
}

/// Sections the header's menu shows when none were chosen: enough for a phone's width.
pub const DEFAULT_MENU_SECTIONS: usize = 8;

/// The sections the header's menu shows: those `chosen`, in that order (an id no longer a
/// section is skipped); or, while the site owner has chosen none, the top-level sections
/// other than the default one ("Uncategorised"), by name, at most
/// [`DEFAULT_MENU_SECTIONS`].
pub fn header_menu<'a>(
    sections: &'a [Term],
    chosen: Option<&[TermId]>,
    default_section: TermId,
) -> Vec<&'a Term> {
    match chosen {
        Some(chosen) => chosen
            .iter()
            .filter_map(|id| sections.iter().find(|section| section.id == *id))
            .collect(),
        None => {
            let mut top: Vec<&Term> = sections
                .iter()
                .filter(|section| section.parent_id.is_none() && section.id != default_section)
                .collect();
            top.sort_by_key(|section| sort_key(&section.name));
            top.truncate(DEFAULT_MENU_SECTIONS);
            top
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn section(id: i64, name: &str, parent: Option<i64>) -> Term {
        Term {
            id: TermId(id),
            taxonomy: Taxonomy::Section,
            slug: Slug::parse(&name.to_lowercase()).unwrap(),
            name: name.into(),
            description: String::new(),
            parent_id: parent.map(TermId),
            path: name.to_lowercase(),
        }
    }

    #[test]
    fn a_sections_path_runs_through_its_ancestors() {
        let slug = |text: &str| Slug::parse(text).unwrap();
        let paths = section_paths(&[
            (TermId(1), slug("world"), None),
            (TermId(2), slug("asia"), Some(TermId(1))),
            (TermId(3), slug("japan"), Some(TermId(2))),
            (TermId(4), slug("lost"), Some(TermId(99))),
        ]);
        assert_eq!(
            paths,
            vec![
                (TermId(1), "world".into()),
                (TermId(2), "world/asia".into()),
                (TermId(3), "world/asia/japan".into()),
                (TermId(4), "lost".into()),
            ]
        );
    }

    #[test]
    fn the_menu_shows_the_chosen_sections_or_the_top_level_ones() {
        let sections = vec![
            section(1, "Uncategorised", None),
            section(2, "World", None),
            section(3, "Europe", Some(2)),
            section(4, "Arts", None),
        ];
        let names = |menu: Vec<&Term>| menu.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(header_menu(&sections, None, TermId(1))),
            vec!["Arts", "World"]
        );
        assert_eq!(
            names(header_menu(
                &sections,
                Some(&[TermId(3), TermId(9), TermId(1)]),
                TermId(1)
            )),
            vec!["Europe", "Uncategorised"]
        );
        assert!(header_menu(&sections, Some(&[]), TermId(1)).is_empty());
    }

    #[test]
    fn a_section_cannot_become_its_own_ancestor() {
        // world > europe > france
        let parents = HashMap::from([
            (TermId(1), None),
            (TermId(2), Some(TermId(1))),
            (TermId(3), Some(TermId(2))),
        ]);
        assert!(makes_loop(&parents, TermId(1), Some(TermId(3))));
        assert!(makes_loop(&parents, TermId(1), Some(TermId(1))));
        assert!(makes_loop(&parents, TermId(2), Some(TermId(3))));
        assert!(!makes_loop(&parents, TermId(3), Some(TermId(1))));
        assert!(!makes_loop(&parents, TermId(3), None));
        assert!(!makes_loop(&parents, TermId(4), Some(TermId(3))));
    }

    #[test]
    fn terms_are_checked_and_slugged() {
        let valid = TermInput {
            name: "  Élections 2027 ".into(),
            ..Default::default()
        }
        .validate(Taxonomy::Tag)
        .unwrap();
        assert_eq!(valid.name, "Élections 2027");
        assert_eq!(valid.slug.as_str(), "elections-2027");
        let errors = TermInput {
            name: "x".repeat(MAX_TERM_NAME_CHARS + 1),
            slug: "--".into(),
            description: "d".repeat(MAX_TERM_DESCRIPTION_CHARS + 1),
            parent_id: None,
        }
        .validate(Taxonomy::Section)
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(field, _)| *field).collect();
        assert_eq!(fields, ["name", "slug", "description"]);
        let tag_with_parent = TermInput {
            name: "Paris".into(),
            parent_id: Some(TermId(1)),
            ..Default::default()
        }
        .validate(Taxonomy::Tag)
        .unwrap();
        assert_eq!(tag_with_parent.parent_id, None);
    }

    #[test]
    fn a_tree_puts_parents_before_children() {
        let term = |id, name: &str, parent: Option<i64>| Term {
            id: TermId(id),
            taxonomy: Taxonomy::Section,
            slug: Slug::parse(name).unwrap(),
            name: name.into(),
            description: String::new(),
            parent_id: parent.map(TermId),
            path: String::new(),
        };
        let terms = [
            term(3, "France", Some(2)),
            term(1, "World", None),
            term(2, "Europe", Some(1)),
            term(4, "Business", None),
            term(5, "Orphan", Some(99)),
        ];
        let tree: Vec<_> = as_tree(&terms)
            .into_iter()
            .map(|(term, depth)| (term.name.as_str(), depth))
            .collect();
        assert_eq!(
            tree,
            [
                ("Business", 0),
                ("Orphan", 0),
                ("World", 0),
                ("Europe", 1),
                ("France", 2)
            ]
        );
    }
}
