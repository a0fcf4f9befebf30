//! The full-page cache: public pages kept as rendered bytes, with their gzip and brotli
//! variants made once, so a repeat visit costs a hash lookup instead of queries and
//! templates.
//!
//! Entries are tagged with what they show (an article, the article lists). A write
//! invalidates exactly its tags before its response is sent, so nobody sees a stale page
//! after the write that changed it returned. A render that raced with an invalidation is
//! not stored: every entry remembers the invalidation epoch it was rendered in, and an
//! insert from an older epoch is dropped. Memory is bounded; the least recently used pages
//! go first.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use tidings_domain::ArticleId;

/// What a cached page shows, so a write can drop exactly the pages it changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tag {
    /// The article's own page (any query string variant).
    Article(ArticleId),
    /// Pages listing articles with their comment counts: the front page and its pages.
    Lists,
    /// Pages naming other articles but not their comments: an article's "previous",
    /// "next" and "more in this section", the sitemaps. A comment leaves them be.
    Headlines,
}

impl Tag {
    /// Tags as text for the shared invalidation log: `article:42 lists`.
    pub fn encode(tags: &[Tag]) -> String {
        tags.iter()
            .map(|tag| match tag {
                Tag::Article(id) => format!("article:{id}"),
                Tag::Lists => "lists".to_owned(),
                Tag::Headlines => "headlines".to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The tags in a log entry; `None` means every page (`all`, or anything unreadable,
    /// where dropping everything is the safe reading).
    pub fn decode(text: &str) -> Option<Vec<Tag>> {
        text.split_whitespace()
            .map(|word| match word {
                "lists" => Some(Tag::Lists),
                "headlines" => Some(Tag::Headlines),
                word => word
                    .strip_prefix("article:")
                    .and_then(|id| id.parse().ok())
                    .map(|id| Tag::Article(ArticleId(id))),
            })
            .collect()
    }
}

/// One cached response.
/// `body` compressed with gzip and with brotli, each made once and served many times.
pub fn compress(body: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let gzip = {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        // Writing to a Vec cannot fail.
        encoder.write_all(body).expect("gzip into memory");
        encoder.finish().expect("gzip into memory")
    };
    let brotli = {
        let mut output = Vec::new();
        let parameters = brotli::enc::BrotliEncoderParams {
            quality: 6,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut &body[..], &mut output, &parameters)
            .expect("brotli into memory");
        output
    };
    (gzip, brotli)
}

pub struct CachedPage {
    pub status: u16,
    pub content_type: String,
    pub identity: Vec<u8>,
    pub gzip: Vec<u8>,
    pub brotli: Vec<u8>,
    /// A digest of the content, from which each encoding's strong validator is made (each
    /// representation needs its own: HTTP forbids one strong ETag for different bytes).
    pub digest: String,
    /// When it was rendered, as an HTTP date.
    pub last_modified: String,
    /// When it goes stale without any write: a list, when the next scheduled article is due.
    pub valid_until: Option<time::OffsetDateTime>,
    /// Headers that are part of the answer (an API list's `Link` and totals), as names and
    /// values.
    pub headers: Vec<(String, String)>,
    tags: Vec<Tag>,
    last_used: AtomicU64,
}

impl CachedPage {
    /// Compresses `body` both ways and computes its validator.
    pub fn new(
        status: u16,
        content_type: String,
        body: Vec<u8>,
        tags: Vec<Tag>,
        rendered_at: time::OffsetDateTime,
    ) -> CachedPage {
        let (gzip, brotli) = compress(&body);
        let digest = crate::security::sha256_hex_bytes(&body)[..32].to_owned();
        CachedPage {
            status,
            content_type,
            identity: body,
            gzip,
            brotli,
            digest,
            last_modified: http_date(rendered_at),
            valid_until: None,
            headers: Vec::new(),
            tags,
            last_used: AtomicU64::new(0),
        }
    }

    fn size(&self) -> usize {
        self.identity.len()
            + self.gzip.len()
            + self.brotli.len()
            + self.content_type.len()
            + self
                .headers
                .iter()
                .map(|(name, value)| name.len() + value.len())
                .sum::<usize>()
            + 256
    }
}

/// An HTTP date (RFC 9110), such as `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date(moment: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    moment
        .to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}

pub fn parse_http_date(text: &str) -> Option<time::OffsetDateTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(text.trim(), format)
        .ok()
        .map(time::PrimitiveDateTime::assume_utc)
}

#[derive(Default)]
struct Entries {
    pages: HashMap<String, Arc<CachedPage>>,
    by_tag: HashMap<Tag, HashSet<String>>,
    bytes: usize,
}

impl Entries {
    fn remove(&mut self, key: &str) {
        if let Some(page) = self.pages.remove(key) {
            self.bytes -= page.size();
            for tag in &page.tags {
                if let Some(keys) = self.by_tag.get_mut(tag) {
                    keys.remove(key);
                }
            }
        }
    }
}

/// Counters for the admin's status page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub pages: usize,
    pub bytes: usize,
    pub limit_bytes: usize,
    pub hits: u64,
    pub misses: u64,
    pub invalidations: u64,
    pub evictions: u64,
}

impl CacheStats {
    /// Hits out of all lookups, 0 to 1.
    pub fn hit_ratio(&self) -> f64 {
        let lookups = self.hits + self.misses;
        if lookups == 0 {
            0.0
        } else {
            self.hits as f64 / lookups as f64
        }
    }
}

pub struct PageCache {
    entries: RwLock<Entries>,
    limit_bytes: usize,
    /// Bumped by every invalidation on this node.
    epoch: AtomicU64,
    /// The newest entry of a shared database's invalidation log applied here.
    synced: AtomicU64,
    clock: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
    invalidations: AtomicU64,
    evictions: AtomicU64,
    /// The pages being rendered for the cache now, one lock each: the requests that miss
    /// the same page at once wait for the first one's copy instead of all rendering it
    /// (after a comment is approved on a busy article, say).
    rendering: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// A request's turn to render one page for the cache; the next waiting request's turn
/// begins when it is dropped.
pub struct RenderTurn<'a> {
    cache: &'a PageCache,
    key: String,
    turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Drop for RenderTurn<'_> {
    fn drop(&mut self) {
        let mut rendering = self
            .cache
            .rendering
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let lock = self.turn.take().map(|guard| {
            let lock = tokio::sync::OwnedMutexGuard::mutex(&guard).clone();
            drop(guard);
            lock
        });
        // Forgotten once nobody else waits for it (the map and this clone are the rest).
        if lock.is_some_and(|lock| Arc::strong_count(&lock) <= 2) {
            rendering.remove(&self.key);
        }
    }
}

impl PageCache {
    /// Waits until no other request renders the page `key` (at most `patience`), then
    /// holds that turn until the returned value is dropped. Look in the cache again after
    /// it: the request before may have put the page there.
    pub async fn render_turn(&self, key: &str, patience: std::time::Duration) -> RenderTurn<'_> {
        let lock = {
            let mut rendering = self
                .rendering
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            rendering.entry(key.to_owned()).or_default().clone()
        };
        let turn = tokio::time::timeout(patience, lock.lock_owned()).await.ok();
        RenderTurn {
            cache: self,
            key: key.to_owned(),
            turn,
        }
    }

    pub fn new(limit_bytes: usize) -> PageCache {
        PageCache {
            entries: RwLock::default(),
            limit_bytes,
            epoch: AtomicU64::new(0),
            synced: AtomicU64::new(0),
            clock: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            invalidations: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
            rendering: std::sync::Mutex::default(),
        }
    }

    /// This node's invalidation epoch; read it before rendering and pass it to `insert`.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// The newest shared invalidation applied to this cache.
    pub fn synced(&self) -> u64 {
        self.synced.load(Ordering::SeqCst)
    }

    pub fn mark_synced(&self, epoch: u64) {
        self.synced.fetch_max(epoch, Ordering::SeqCst);
    }

    pub fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        let entries = self
            .entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match entries.pages.get(key) {
            Some(page) => {
                page.last_used.store(
                    self.clock.fetch_add(1, Ordering::Relaxed),
                    Ordering::Relaxed,
                );
                self.hits.fetch_add(1, Ordering::Relaxed);
                Some(page.clone())
            }
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// A second look by a request that missed and then waited its turn to render: the
    /// request counts once, as what it finally found.
    pub fn get_again(&self, key: &str) -> Option<Arc<CachedPage>> {
        let found = self.get(key);
        self.misses.fetch_sub(1, Ordering::Relaxed);
        found
    }

    /// Counts a hit that turned out to be stale (a shared database moved on) as a miss.
    pub fn count_stale_hit(&self) {
        self.hits.fetch_sub(1, Ordering::Relaxed);
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    /// Stores `page` unless an invalidation happened since `rendered_in_epoch` (the render
    /// may have read data that has changed since) or it alone exceeds the cache.
    pub fn insert(&self, key: String, page: CachedPage, rendered_in_epoch: u64) -> Arc<CachedPage> {
        let page = Arc::new(page);
        let size = page.size();
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Checked under the write lock, which invalidation also takes: no race.
        if self.epoch() != rendered_in_epoch || size > self.limit_bytes / 4 {
            return page;
        }
        entries.remove(&key);
        while entries.bytes + size > self.limit_bytes {
            let Some(oldest) = entries
                .pages
                .iter()
                .min_by_key(|(_, page)| page.last_used.load(Ordering::Relaxed))
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            entries.remove(&oldest);
            self.evictions.fetch_add(1, Ordering::Relaxed);
        }
        page.last_used.store(
            self.clock.fetch_add(1, Ordering::Relaxed),
            Ordering::Relaxed,
        );
        for tag in &page.tags {
            entries.by_tag.entry(*tag).or_default().insert(key.clone());
        }
        entries.bytes += size;
        entries.pages.insert(key, page.clone());
        page
    }

    /// Drops every page with any of `tags`.
    pub fn invalidate(&self, tags: &[Tag]) {
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.invalidations.fetch_add(1, Ordering::Relaxed);
        for tag in tags {
            let keys: Vec<String> = entries.by_tag.remove(tag).into_iter().flatten().collect();
            for key in keys {
                entries.remove(&key);
            }
        }
    }

    /// Drops everything (a setting that changes every page changed).
    pub fn clear(&self) {
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.invalidations.fetch_add(1, Ordering::Relaxed);
        *entries = Entries::default();
    }

    pub fn stats(&self) -> CacheStats {
        let entries = self
            .entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        CacheStats {
            pages: entries.pages.len(),
            bytes: entries.bytes,
            limit_bytes: self.limit_bytes,
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            invalidations: self.invalidations.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str, tags: Vec<Tag>) -> CachedPage {
        let rendered_at = time::OffsetDateTime::UNIX_EPOCH;
        CachedPage::new(
            200,
            "text/html".into(),
            body.as_bytes().to_vec(),
            tags,
            rendered_at,
        )
    }

    #[test]
    fn pages_are_stored_compressed_and_found() {
        let cache = PageCache::new(1 << 20);
        let body = "<p>hello</p>".repeat(100);
        let stored = cache.insert("/".into(), page(&body, vec![Tag::Lists]), 0);
        assert!(stored.gzip.len() < body.len() && stored.brotli.len() < body.len());
        let mut unzipped = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(stored.gzip.as_slice()),
            &mut unzipped,
        )
        .unwrap();
        assert_eq!(unzipped, body);
        let mut unbrotlied = Vec::new();
        brotli::BrotliDecompress(&mut stored.brotli.as_slice(), &mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, body.as_bytes());
        assert!(cache.get("/").is_some());
        assert!(cache.get("/other").is_none());
        let stats = cache.stats();
        assert_eq!((stats.pages, stats.hits, stats.misses), (1, 1, 1));
        assert_eq!(stored.last_modified, "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            parse_http_date(&stored.last_modified),
            Some(time::OffsetDateTime::UNIX_EPOCH)
        );
    }

    #[test]
    fn invalidation_drops_exactly_the_tagged_pages() {
        let cache = PageCache::new(1 << 20);
        let one = Tag::Article(ArticleId(1));
        let two = Tag::Article(ArticleId(2));
        cache.insert("/a/1/".into(), page("1", vec![one]), 0);
        cache.insert("/a/1/?replytocom=5".into(), page("1r", vec![one]), 0);
        cache.insert("/a/2/".into(), page("2", vec![two]), 0);
        cache.insert("/".into(), page("front", vec![Tag::Lists]), 0);
        cache.invalidate(&[one, Tag::Lists]);
        assert!(
            cache.get("/a/1/").is_none()
                && cache.get("/a/1/?replytocom=5").is_none()
                && cache.get("/").is_none()
        );
        assert!(cache.get("/a/2/").is_some());
        cache.clear();
        assert_eq!(cache.stats().pages, 0);
    }

    #[test]
    fn tags_survive_the_shared_log() {
        let tags = vec![Tag::Article(ArticleId(42)), Tag::Lists, Tag::Headlines];
        assert_eq!(Tag::encode(&tags), "article:42 lists headlines");
        assert_eq!(Tag::decode("article:42 lists headlines"), Some(tags));
        assert_eq!(Tag::decode("all"), None);
        assert_eq!(Tag::decode("article:x"), None);
    }

    #[test]
    fn a_render_that_raced_an_invalidation_is_not_stored() {
        let cache = PageCache::new(1 << 20);
        let epoch = cache.epoch();
        cache.invalidate(&[Tag::Lists]);
        cache.insert("/".into(), page("stale", vec![Tag::Lists]), epoch);
        assert!(cache.get("/").is_none());
    }

    #[test]
    fn memory_is_bounded_and_the_least_recently_used_go_first() {
        let cache = PageCache::new(64 * 1024);
        let body = |n: u32| (0..400).map(|i| format!("{n}-{i};")).collect::<String>();
        cache.insert("/old".into(), page(&body(1), vec![]), 0);
        cache.insert("/used".into(), page(&body(2), vec![]), 0);
        assert!(cache.get("/used").is_some());
        for n in 3..40 {
            cache.insert(format!("/new{n}"), page(&body(n), vec![]), 0);
        }
        let stats = cache.stats();
        assert!(stats.bytes <= stats.limit_bytes, "{stats:?}");
        assert!(stats.evictions > 0);
        assert!(
            cache.get("/old").is_none(),
            "the least recently used went first"
        );
    }
}
