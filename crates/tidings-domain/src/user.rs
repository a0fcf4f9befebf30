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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

/// Passwords: at least 8 characters, long ones welcome, no composition rules (OWASP ASVS).
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 1024;

pub fn check_password(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        Err(format!(
            "The password needs at least {MIN_PASSWORD_CHARS} characters."
        ))
    } else if length > MAX_PASSWORD_CHARS {
        Err(format!(
            "The password may have at most {MAX_PASSWORD_CHARS} characters."
        ))
    } else {
        Ok(())
    }
}
