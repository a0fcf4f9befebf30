//! Accounts for the people who run the site. Commenters have no account.

use crate::ids::UserId;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including settings and users.
    Administrator,
    /// Articles and comments.
    Editor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Editor => "editor",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "administrator" => Some(Role::Administrator),
            "editor" => Some(Role::Editor),
            _ => None,
        }
    }

    pub fn can_change_settings(self) -> bool {
        self == Role::Administrator
    }

    /// Whether this role may do what `needed` may: an administrator may do everything an
    /// editor may.
    pub fn can_act_as(self, needed: Role) -> bool {
        match needed {
            Role::Administrator => self == Role::Administrator,
            Role::Editor => true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
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
