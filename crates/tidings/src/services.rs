//! One function per use case. This is the only place where domain decisions meet store
//! calls and side effects; the web handlers and the command line both call in here, and
//! nothing here knows about HTTP.

pub mod access;
pub mod accounts;
pub mod app_passwords;
pub mod articles;
pub mod backups;
pub mod comments;
pub mod disk;
pub mod exports;
pub mod housekeeping;
pub mod imports;
pub mod mail;
pub mod media;
pub mod notify;
pub mod old_addresses;
pub mod passkeys;
pub mod people;
pub mod revisions;
pub mod second_factor;
pub mod site;
pub mod spam;
pub mod terms;
pub mod webhooks;
