//! Email addresses: which are accepted, and when two are the same person's.
//!
//! Accepted: the HTML standard's `type=email` rule (what the browser already checks in the
//! comment form), with three additions: the local part follows RFC 5322's dots (none first,
//! last or doubled: `.ada@`, `ada.@` and `a..da@` are refused, as mail servers refuse them),
//! the domain has at least one dot (a public address, as WordPress requires), and the whole
//! is at most 100 characters (WordPress's column). No quoted local parts, IP literals or
//! international domain names written in Unicode.
//!
//! The same person: addresses are compared ignoring case, in the local part too, for hourly
//! limits, flood control, "previously approved", subscriptions and the mail caps, because
//! every large mail provider ignores it and an attacker would not. An address is stored as
//! typed except for its domain, which is lower-cased.

/// The most characters an address may have.
pub const MAX_EMAIL_CHARS: usize = 100;

/// Characters the HTML standard allows before the `@`.
fn allowed_in_local_part(character: char) -> bool {
    character.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(character)
}

/// One label of a domain, as the HTML standard's rule: letters, digits and hyphens, 1 to 63
/// of them, not starting or ending with a hyphen.
fn is_valid_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || character == '-')
}

pub fn is_valid_email(email: &str) -> bool {
    if email.chars().count() > MAX_EMAIL_CHARS {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.chars().all(allowed_in_local_part)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    local_ok && labels.len() >= 2 && labels.iter().all(|label| is_valid_label(label))
}

/// An address as stored: trimmed, its domain lower-cased.
pub fn normalise_email(email: &str) -> String {
    let email = email.trim();
    match email.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_ascii_lowercase()),
        None => email.to_owned(),
    }
}

/// What two addresses of one person have in common: the whole address lower-cased.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_follow_the_html_rule_with_dots_as_mail_servers_want_them() {
        for good in [
            "ada@example.com",
            "a.b+c@mail.example.co.uk",
            "x_y@a-b.io",
            "o'brien@example.ie",
            "a@b.co",
            "user@1.2.3.4",
            "UPPER@EXAMPLE.COM",
        ] {
            assert!(is_valid_email(good), "{good}");
        }
        for bad in [
            "@example.com",
            "ada@example",
            "ada@-x.com",
            "ada@x-.com",
            "ada@x..com",
            "a da@x.com",
            "ada@exämple.com",
            "<script>@x.com",
            ".user@example.com",
            "user.@example.com",
            "us..er@example.com",
            "ada@@example.com",
            "\"quoted\"@example.com",
            "ada@[127.0.0.1]",
            "ada@example.com.",
            &format!("{}@example.com", "a".repeat(65)),
            &format!("ada@{}.com", "a".repeat(64)),
            &format!("{}@example.com", "a".repeat(MAX_EMAIL_CHARS)),
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn one_person_one_key() {
        assert_eq!(normalise_email(" Ada.L@Example.COM "), "Ada.L@example.com");
        assert_eq!(
            email_key("Victim@Example.com"),
            email_key("vICTIM@eXAMPLE.COM")
        );
        assert_ne!(
            email_key("victim@example.com"),
            email_key("victim2@example.com")
        );
    }
}
