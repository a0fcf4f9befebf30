//! Accounts for the people who run the site. Commenters have no account.

use crate::ids::UserId;
use serde::Serialize;

/// WordPress's roles, with their meanings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including settings and people.
    Administrator,
    /// Everyone's articles and pages, sections and tags, comments.
    Editor,
    /// Writes, illustrates and publishes their own articles.
    Author,
    /// Writes drafts of their own and submits them for review; cannot publish or upload.
    Contributor,
}

/// What a role may do; every admin action needs one of these, checked by the services.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capability {
    /// Discussion settings, personal-data requests.
    ManageSite,
    /// Inviting people, changing roles, deactivating accounts.
    ManageUsers,
    /// The comment queue, editing and answering comments.
    ModerateComments,
    /// The Sections and Tags screens.
    ManageTerms,
    /// Pages (About, Contact…).
    ManagePages,
    /// Other people's articles, bylines, corrections.
    EditOthers,
    /// Making an article public (or private).
    Publish,
    /// Uploading images.
    Upload,
    /// Writing articles of one's own.
    Write,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Administrator,
        Role::Editor,
        Role::Author,
        Role::Contributor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Editor => "editor",
            Role::Author => "author",
            Role::Contributor => "contributor",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// How the admin names it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::Editor => "Editor",
            Role::Author => "Author",
            Role::Contributor => "Contributor",
        }
    }

    pub fn can(self, capability: Capability) -> bool {
        use Capability::*;
        match self {
            Role::Administrator => true,
            Role::Editor => !matches!(capability, ManageSite | ManageUsers),
            Role::Author => matches!(capability, Write | Publish | Upload),
            Role::Contributor => capability == Write,
        }
    }

    pub fn can_change_settings(self) -> bool {
        self.can(Capability::ManageSite)
    }

    /// Whether this role may do what `needed` may: an administrator may do everything an
    /// editor may, an editor everything an author may, an author everything a contributor
    /// may.
    pub fn can_act_as(self, needed: Role) -> bool {
        let rank = |role: Role| Role::ALL.iter().position(|known| *known == role);
        rank(self) <= rank(needed)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    /// A deactivated account keeps its articles and bylines but cannot sign in.
    pub deactivated: bool,
}

/// Passwords: at least 8 characters, long ones welcome, no composition rules (OWASP ASVS),
/// and not one that a guesser tries early.
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The rule as the password field's hint says it.
pub const PASSWORD_RULE: &str = "At least 8 characters. A common password (such as \
     “password1” or “sunshine2020”) or one made of your name or email is refused; a few \
     unrelated words make a good one.";

/// Checks a new password. `about_the_user` (their email, their name) makes a password built
/// from them count as easy to guess. zxcvbn's estimate only runs on passwords of a sane
/// length: it grows with the length, and past 100 characters no guesser gets anywhere.
pub fn check_password(password: &str, about_the_user: &[&str]) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        return Err(format!(
            "The password needs at least {MIN_PASSWORD_CHARS} characters."
        ));
    }
    if length > MAX_PASSWORD_CHARS {
        return Err(format!(
            "The password may have at most {MAX_PASSWORD_CHARS} characters."
        ));
    }
    // Each piece alone too: "edith" and "editor" from "edith.editor@example.com".
    let words: Vec<String> = about_the_user
        .iter()
        .flat_map(|text| {
            std::iter::once(text.to_lowercase()).chain(
                text.split(|character: char| !character.is_alphanumeric())
                    .filter(|word| word.chars().count() >= 3)
                    .map(str::to_lowercase),
            )
        })
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if length <= 100 && (zxcvbn::zxcvbn(password, &words).score() as u8) < 2 {
        return Err(
            "This password is among the first a guesser would try (a common password, a \
             simple variation of one, or built from your name or email). Please choose \
             another; a few unrelated words make a good one."
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_personal_passwords_are_refused() {
        for weak in [
            "password",
            "12345678",
            "password1",
            "P@ssw0rd",
            "sunshine2020",
            "qwertyuiop",
            "iloveyou",
            "letmein!",
        ] {
            assert!(check_password(weak, &[]).is_err(), "{weak}");
        }
        let about = ["edith.editor@example.com", "Edith Editor"];
        for personal in ["edith.editor@example.com", "EdithEditor", "editoredith"] {
            assert!(check_password(personal, &about).is_err(), "{personal}");
        }
        for strong in [
            "correct horse battery staple",
            "a long passphrase",
            "Gq8#vL2!mZ",
        ] {
            assert_eq!(check_password(strong, &[]), Ok(()), "{strong}");
        }
        assert!(check_password("short", &[]).is_err());
        assert!(check_password(&"x".repeat(MAX_PASSWORD_CHARS + 1), &[]).is_err());
    }
}

/// The most characters of an author's bio.
pub const MAX_BIO_CHARS: usize = 2_000;
/// The most characters of a display name.
pub const MAX_NAME_CHARS: usize = 100;

/// A person as readers meet them: in a byline and on their author page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author {
    pub id: UserId,
    pub display_name: String,
    pub slug: crate::Slug,
    pub bio: String,
    /// An uploaded picture (the widest variant of an image in the library); `None` shows
    /// the identicon drawn from the account.
    pub avatar: Option<crate::MediaAddress>,
}

impl Author {
    /// `/author/slug/`, WordPress's address for an author's page.
    pub fn permalink(&self) -> String {
        format!("/author/{}/", self.slug)
    }
}

/// A checked profile: the name bylines show, the slug of the author page, the bio.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub slug: crate::Slug,
    pub bio: String,
}

/// A profile as its owner typed it, checked; or each field's problem.
pub fn check_profile(
    name: &str,
    slug: &str,
    bio: &str,
) -> Result<Profile, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let name = crate::text::clean_line(name);
    if crate::text::is_invisible_text(&name) || name.chars().count() > MAX_NAME_CHARS {
        errors.push((
            "name",
            format!("Please enter a name of 1 to {MAX_NAME_CHARS} characters."),
        ));
    }
    let slug = if slug.trim().is_empty() {
        crate::Slug::from_title(&name)
    } else {
        crate::Slug::parse(slug)
    };
    if slug.is_none() {
        errors.push((
            "slug",
            "A slug needs at least one letter or digit.".to_owned(),
        ));
    }
    let bio = crate::text::clean_text(bio.trim());
    if bio.chars().count() > MAX_BIO_CHARS {
        errors.push((
            "bio",
            format!("The bio is too long: at most {MAX_BIO_CHARS} characters."),
        ));
    }
    match slug {
        Some(slug) if errors.is_empty() => Ok(Profile { name, slug, bio }),
        _ => Err(errors),
    }
}

/// "A", "A and B", "A, B and C": names as a byline lists them.
pub fn byline(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod role_tests {
    use super::*;

    #[test]
    fn roles_mean_what_they_mean_in_wordpress() {
        use Capability::*;
        let table = [
            (ManageSite, [true, false, false, false]),
            (ManageUsers, [true, false, false, false]),
            (ModerateComments, [true, true, false, false]),
            (ManageTerms, [true, true, false, false]),
            (ManagePages, [true, true, false, false]),
            (EditOthers, [true, true, false, false]),
            (Publish, [true, true, true, false]),
            (Upload, [true, true, true, false]),
            (Write, [true, true, true, true]),
        ];
        for (capability, allowed) in table {
            for (role, expected) in Role::ALL.into_iter().zip(allowed) {
                assert_eq!(role.can(capability), expected, "{role:?} {capability:?}");
            }
        }
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert!(Role::Editor.can_act_as(Role::Author));
        assert!(!Role::Author.can_act_as(Role::Editor));
    }
}

#[cfg(test)]
mod byline_tests {
    use super::*;

    #[test]
    fn bylines_read_as_a_sentence() {
        assert_eq!(byline(&[]), "");
        assert_eq!(byline(&["Ann"]), "Ann");
        assert_eq!(byline(&["Ann", "Bo"]), "Ann and Bo");
        assert_eq!(byline(&["Ann", "Bo", "Cy"]), "Ann, Bo and Cy");
    }

    #[test]
    fn a_profile_is_checked_field_by_field() {
        let Profile { name, slug, bio } =
            check_profile(" Zoë Ortiz ", "", " Covers the city. ").unwrap();
        assert_eq!(
            (name.as_str(), slug.as_str(), bio.as_str()),
            ("Zoë Ortiz", "zoe-ortiz", "Covers the city.")
        );
        let errors = check_profile("", "--", &"b".repeat(MAX_BIO_CHARS + 1)).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(field, _)| *field).collect();
        assert_eq!(fields, ["name", "slug", "bio"]);
    }
}
