//! Webhooks: the events a site tells other systems about, when a failed delivery is tried
//! again, and which addresses a delivery may go to. The sending itself (HTTP, the queue)
//! is the app's; the rules are here, without I/O.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use time::Duration;

/// What happened, as a receiver subscribes to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    ArticlePublished,
    ArticleUpdated,
    ArticleDeleted,
    CommentCreated,
    CommentApproved,
    CommentSpam,
}

impl Event {
    pub const ALL: [Event; 6] = [
        Event::ArticlePublished,
        Event::ArticleUpdated,
        Event::ArticleDeleted,
        Event::CommentCreated,
        Event::CommentApproved,
        Event::CommentSpam,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::ArticlePublished => "article.published",
            Event::ArticleUpdated => "article.updated",
            Event::ArticleDeleted => "article.deleted",
            Event::CommentCreated => "comment.created",
            Event::CommentApproved => "comment.approved",
            Event::CommentSpam => "comment.spam",
        }
    }

    pub fn parse(value: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|event| event.as_str() == value)
    }

    /// What the admin says of it.
    pub fn description(self) -> &'static str {
        match self {
            Event::ArticlePublished => "An article or page is published (or scheduled)",
            Event::ArticleUpdated => "A published article or page is changed",
            Event::ArticleDeleted => "An article or page goes to the trash",
            Event::CommentCreated => "A reader's comment arrives (approved or held)",
            Event::CommentApproved => "A moderator approves a comment",
            Event::CommentSpam => "A comment is found or marked to be spam",
        }
    }
}

/// Attempts before a delivery is given up: the first, then one after each pause.
pub const MAX_ATTEMPTS: u32 = 8;

/// The pause before attempt `attempts + 1`, after `attempts` failed ones; `None` once it is
/// given up. Growing pauses (10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h) let a receiver
/// that is down for a day get everything when it is back.
pub fn retry_delay(attempts: u32) -> Option<Duration> {
    let seconds = match attempts {
        1 => 10,
        2 => 60,
        3 => 5 * 60,
        4 => 30 * 60,
        5 => 2 * 3600,
        6 => 6 * 3600,
        7 => 12 * 3600,
        _ => return None,
    };
    Some(Duration::seconds(seconds))
}

/// Why a webhook's address is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnsafeAddress {
    #[error("The address must be a full http:// or https:// URL.")]
    NotAUrl,
    #[error("The address may not carry a user name or password; put secrets in the path.")]
    Credentials,
    #[error(
        "{0} is a loopback, link-local or private address, which webhooks may not reach unless \
         the site's webhook_allowed_hosts names its host."
    )]
    Private(IpAddr),
    #[error("The host {0} has no address.")]
    Unresolved(String),
}

/// A webhook address as entered: an absolute http(s) URL without credentials.
pub fn parse_url(value: &str) -> Result<url::Url, UnsafeAddress> {
    let url = url::Url::parse(value.trim()).map_err(|_| UnsafeAddress::NotAUrl)?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(UnsafeAddress::NotAUrl);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UnsafeAddress::Credentials);
    }
    Ok(url)
}

/// Whether an address is on the public internet: a webhook is a request the site makes on
/// an administrator's word, so it must not reach the machine itself, its network or the
/// cloud's metadata service (SSRF).
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(address: Ipv4Addr) -> bool {
    let [a, b, ..] = address.octets();
    !(address.is_loopback()
        || address.is_private()
        || address.is_link_local()
        || address.is_unspecified()
        || address.is_broadcast()
        || address.is_multicast()
        || address.is_documentation()
        // 0.0.0.0/8, carrier-grade NAT (100.64/10), benchmarking (198.18/15), reserved (240/4).
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(address: Ipv6Addr) -> bool {
    let first = address.segments()[0];
    !(address.is_loopback()
        || address.is_unspecified()
        || address.is_multicast()
        // Unique local (fc00::/7), link-local (fe80::/10), documentation (2001:db8::/32),
        // NAT64 of anything (64:ff9b::/96 is checked as what it wraps by the resolver).
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && address.segments()[1] == 0x0db8))
}

/// Checks the addresses a host resolved to: every one must be public unless the host is
/// allowed explicitly. Returns the address to connect to (the first), so the connection
/// goes where the check looked, whatever the name resolves to a moment later.
pub fn checked_address(
    host: &str,
    addresses: &[IpAddr],
    allowed_hosts: &[String],
) -> Result<IpAddr, UnsafeAddress> {
    let first = *addresses
        .first()
        .ok_or_else(|| UnsafeAddress::Unresolved(host.to_owned()))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if allowed_hosts
        .iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(host))
    {
        return Ok(first);
    }
    match addresses.iter().find(|address| !is_public(**address)) {
        Some(private) => Err(UnsafeAddress::Private(*private)),
        None => Ok(first),
    }
}

/// The text a signature covers: the timestamp, a dot, the body, so a captured delivery
/// cannot be replayed later with a fresh timestamp.
pub fn signed_text(timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut text = format!("{timestamp}.").into_bytes();
    text.extend_from_slice(body);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn private_loopback_and_link_local_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::",
        ] {
            assert!(!is_public(ip(private)), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700::1111", "172.32.0.1"] {
            assert!(is_public(ip(public)), "{public}");
        }
    }

    #[test]
    fn a_host_passes_only_if_every_address_is_public_or_it_is_allowed() {
        let allowed = vec!["127.0.0.1".to_owned(), "hooks.internal".to_owned()];
        assert_eq!(
            checked_address("example.com", &[ip("93.184.216.34")], &[]),
            Ok(ip("93.184.216.34"))
        );
        assert_eq!(
            checked_address(
                "rebind.example",
                &[ip("93.184.216.34"), ip("10.0.0.1")],
                &[]
            ),
            Err(UnsafeAddress::Private(ip("10.0.0.1")))
        );
        assert_eq!(
            checked_address("127.0.0.1", &[ip("127.0.0.1")], &allowed),
            Ok(ip("127.0.0.1"))
        );
        assert_eq!(
            checked_address("HOOKS.internal", &[ip("10.0.0.9")], &allowed),
            Ok(ip("10.0.0.9"))
        );
        assert!(checked_address("nowhere", &[], &allowed).is_err());
    }

    #[test]
    fn urls_are_http_without_credentials() {
        assert!(parse_url("https://hooks.example.com/in").is_ok());
        assert_eq!(parse_url("ftp://x/"), Err(UnsafeAddress::NotAUrl));
        assert_eq!(parse_url("not a url"), Err(UnsafeAddress::NotAUrl));
        assert_eq!(
            parse_url("https://user:pw@example.com/"),
            Err(UnsafeAddress::Credentials)
        );
    }

    #[test]
    fn pauses_grow_and_end() {
        let mut last = Duration::ZERO;
        for attempts in 1..MAX_ATTEMPTS {
            let delay = retry_delay(attempts).unwrap();
            assert!(delay > last);
            last = delay;
        }
        assert_eq!(retry_delay(MAX_ATTEMPTS), None);
        assert_eq!(
            Event::ALL.map(|event| Event::parse(event.as_str())),
            Event::ALL.map(Some)
        );
    }
}
