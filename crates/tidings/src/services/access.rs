//! The role checks every admin action passes, in one place: a refusal is a `Forbidden`
//! with the sentence the 403 page shows, and nothing is changed.

use tidings_domain::{Capability, User};

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Forbidden(pub String);

/// Refuses `actor` unless their role has `capability`.
pub fn require(actor: &User, capability: Capability) -> Result<(), Forbidden> {
    if actor.role.can(capability) {
        return Ok(());
    }
    let what = match capability {
        Capability::ManageSite => "change the site's settings",
        Capability::ManageUsers => "manage people's accounts",
        Capability::ModerateComments => "moderate comments",
        Capability::ManageTerms => "manage sections and tags",
        Capability::ManagePages => "write pages",
        Capability::EditOthers => "edit other people's articles",
        Capability::Publish => "publish",
        Capability::Upload => "upload images",
        Capability::Write => "write articles",
    };
    Err(refusal(actor, what))
}

/// The refusal for something `actor`'s role does not allow.
pub fn refusal(actor: &User, what: &str) -> Forbidden {
    Forbidden(format!(
        "Your account ({}) cannot {what}; an editor or an administrator can.",
        actor.role.label().to_lowercase()
    ))
}
