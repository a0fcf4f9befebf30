//! The media library's rows; the files themselves are the app's media storage. Every
//! statement here is the same in both dialects.

use crate::database::{SqlStore, Tx, statement};
use crate::records::{Listed, Page};
use crate::rows::{Columns, moment, timestamp};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use tidings_domain::media::{Media, MediaFormat, MediaKey};
use tidings_domain::{MediaAddress, UserId};
use time::OffsetDateTime;

/// An image to record, its files already stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMedia {
    pub key: MediaKey,
    pub format: MediaFormat,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub original_name: String,
    pub alt: String,
    pub uploaded_by: Option<UserId>,
}

#[async_trait]
pub trait MediaStore: Send + Sync {
    async fn insert_media(&self, media: &NewMedia, now: OffsetDateTime) -> StoreResult<Media>;
    async fn media_by_key(&self, key: &MediaKey) -> StoreResult<Option<Media>>;
    /// The library newest first; `search` narrows to alt texts and file names containing it.
    async fn media_library(&self, search: &str, page: Page) -> StoreResult<Listed<Media>>;
    async fn media_by_id(&self, id: i64) -> StoreResult<Option<Media>>;
    /// How many images the library search for `search` finds.
    async fn count_media(&self, search: &str) -> StoreResult<u64>;
    /// `None` when there is no such image.
    async fn set_media_alt(&self, key: &MediaKey, alt: &str) -> StoreResult<Option<Media>>;
    /// A person's avatar: the widest variant of an image in the library, or none (`None`,
    /// the identicon). `false` when the account does not exist.
    async fn set_avatar(&self, user: UserId, avatar: Option<&MediaAddress>) -> StoreResult<bool>;
}

const MEDIA_COLUMNS: &str =
    "id, key, format, width, height, bytes, original_name, alt, uploaded_by, uploaded_at";

fn media_from_row(row: &impl Columns) -> StoreResult<Media> {
    let text_of = |column: &str| row.text(column);
    let key = text_of("key")?;
    let format = text_of("format")?;
    let dimension = |column: &str| -> StoreResult<u32> {
        u32::try_from(row.integer(column)?)
            .map_err(|_| StoreError::Other(format!("stored media {column} is out of range")))
    };
    Ok(Media {
        id: row.integer("id")?,
        key: MediaKey::parse(&key)
            .ok_or_else(|| StoreError::Other(format!("stored media key {key:?} is invalid")))?,
        format: MediaFormat::parse(&format).ok_or_else(|| {
            StoreError::Other(format!("stored media format {format:?} is unknown"))
        })?,
        width: dimension("width")?,
        height: dimension("height")?,
        bytes: u64::try_from(row.integer("bytes")?).unwrap_or(0),
        original_name: text_of("original_name")?,
        alt: text_of("alt")?,
        uploaded_by: row.optional_integer("uploaded_by")?.map(UserId),
        uploaded_at: moment(row.integer("uploaded_at")?)?,
    })
}

/// `LIKE` with its wildcards taken literally.
fn like_pattern(search: &str) -> String {
    let escaped = search
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Writes a library row in `transaction` (an upload's own, or an import's) and reads it
/// back.
pub(crate) async fn insert_media_row(
    transaction: &mut Tx,
    media: &NewMedia,
    now: OffsetDateTime,
) -> StoreResult<crate::database::Row> {
    transaction
        .fetch_one(statement!(
            format!(
                "INSERT INTO media (key, format, width, height, bytes, original_name, alt,
                    uploaded_by, uploaded_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                 RETURNING {MEDIA_COLUMNS}"
            ),
            media.key.as_str(),
            media.format.as_str(),
            i64::from(media.width),
            i64::from(media.height),
            i64::try_from(media.bytes).unwrap_or(i64::MAX),
            &media.original_name,
            &media.alt,
            media.uploaded_by.map(|id| id.0),
            timestamp(now),
        ))
        .await
}

#[async_trait]
impl MediaStore for SqlStore {
    async fn insert_media(&self, media: &NewMedia, now: OffsetDateTime) -> StoreResult<Media> {
        let mut transaction = self.begin().await?;
        let row = insert_media_row(&mut transaction, media, now).await?;
        transaction.commit().await?;
        media_from_row(&row)
    }

    async fn media_by_key(&self, key: &MediaKey) -> StoreResult<Option<Media>> {
        self.fetch_optional(statement!(
            format!("SELECT {MEDIA_COLUMNS} FROM media WHERE key = ?"),
            key.as_str()
        ))
        .await?
        .as_ref()
        .map(media_from_row)
        .transpose()
    }

    async fn media_by_id(&self, id: i64) -> StoreResult<Option<Media>> {
        self.fetch_optional(statement!(
            format!("SELECT {MEDIA_COLUMNS} FROM media WHERE id = ?"),
            id
        ))
        .await?
        .as_ref()
        .map(media_from_row)
        .transpose()
    }

    async fn count_media(&self, search: &str) -> StoreResult<u64> {
        let search = search.trim();
        let row = self
            .fetch_one(statement!(
                "SELECT COUNT(*) AS count FROM media
                  WHERE ? = '' OR LOWER(alt) LIKE LOWER(?) ESCAPE '\\'
                     OR LOWER(original_name) LIKE LOWER(?) ESCAPE '\\'",
                search,
                like_pattern(search),
                like_pattern(search),
            ))
            .await?;
        Ok(crate::rows::to_u64(row.integer("count")?))
    }

    async fn media_library(&self, search: &str, page: Page) -> StoreResult<Listed<Media>> {
        let search = search.trim();
        let rows = self
            .fetch_all(statement!(
                format!(
                    "SELECT {MEDIA_COLUMNS} FROM media
                      WHERE ? = '' OR LOWER(alt) LIKE LOWER(?) ESCAPE '\\'
                         OR LOWER(original_name) LIKE LOWER(?) ESCAPE '\\'
                      ORDER BY uploaded_at DESC, id DESC LIMIT ? OFFSET ?"
                ),
                search,
                like_pattern(search),
                like_pattern(search),
                i64::from(page.size) + 1,
                page.offset(),
            ))
            .await?;
        let items = rows
            .iter()
            .map(media_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Listed::from_one_extra(items, page.size))
    }

    async fn set_media_alt(&self, key: &MediaKey, alt: &str) -> StoreResult<Option<Media>> {
        let mut transaction = self.begin().await?;
        let row = transaction
            .fetch_optional(statement!(
                format!("UPDATE media SET alt = ? WHERE key = ? RETURNING {MEDIA_COLUMNS}"),
                alt,
                key.as_str()
            ))
            .await?;
        transaction.commit().await?;
        row.as_ref().map(media_from_row).transpose()
    }

    async fn set_avatar(&self, user: UserId, avatar: Option<&MediaAddress>) -> StoreResult<bool> {
        let mut transaction = self.begin().await?;
        let updated = transaction
            .attempt(statement!(
                "UPDATE users SET avatar = ? WHERE id = ? RETURNING id",
                avatar.map(MediaAddress::path).unwrap_or_default(),
                user.0
            ))
            .await?;
        transaction.commit().await?;
        Ok(updated.is_some())
    }
}
