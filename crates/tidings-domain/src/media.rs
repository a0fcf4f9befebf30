//! Images in the media library: which files are accepted (by their bytes, never their
//! name), which widths are made of each, and the addresses they are served at.
//!
//! An image is served at `/media/{key}/{width}.{ext}`: the key names the upload, the width
//! one of its variants. The widest variant's address is what articles store; every other
//! width follows from it ([`variant_widths`]), so a body's `<img>` gets its `srcset`
//! without asking the database.

use serde::Serialize;
use std::fmt;
use time::OffsetDateTime;

/// Widths made of every still image, for `srcset`; an image narrower than one of them is
/// not enlarged.
pub const STANDARD_WIDTHS: [u32; 4] = [320, 640, 1024, 1600];

/// The most pixels an upload may have once decoded (50 megapixels: a full-frame camera's
/// photo). A decompression bomb, a few kilobytes that decode to gigabytes, stops here
/// before any memory is spent on it.
pub const MAX_PIXELS: u64 = 50_000_000;

/// The most pixels of all frames of an animated GIF together.
pub const MAX_ANIMATION_PIXELS: u64 = 100_000_000;

/// The most characters of an image's alt text.
pub const MAX_ALT_CHARS: usize = 500;

/// Bytes of an upload when the site sets no other limit.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 20 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaFormat {
    Jpeg,
    Png,
    Webp,
    Gif,
}

impl MediaFormat {
    pub const ALL: [MediaFormat; 4] = [
        MediaFormat::Jpeg,
        MediaFormat::Png,
        MediaFormat::Webp,
        MediaFormat::Gif,
    ];

    /// The format a file's first bytes announce, whatever its name says.
    pub fn sniff(bytes: &[u8]) -> Option<MediaFormat> {
        match bytes {
            [0xFF, 0xD8, 0xFF, ..] => Some(MediaFormat::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(MediaFormat::Png),
            [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(MediaFormat::Gif),
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'E',
                b'B',
                b'P',
                ..,
            ] => Some(MediaFormat::Webp),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            MediaFormat::Jpeg => "jpg",
            MediaFormat::Png => "png",
            MediaFormat::Webp => "webp",
            MediaFormat::Gif => "gif",
        }
    }

    pub fn from_extension(extension: &str) -> Option<MediaFormat> {
        MediaFormat::ALL
            .into_iter()
            .find(|format| format.extension() == extension)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            MediaFormat::Jpeg => "image/jpeg",
            MediaFormat::Png => "image/png",
            MediaFormat::Webp => "image/webp",
            MediaFormat::Gif => "image/gif",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MediaFormat::Jpeg => "jpeg",
            MediaFormat::Png => "png",
            MediaFormat::Webp => "webp",
            MediaFormat::Gif => "gif",
        }
    }

    pub fn parse(value: &str) -> Option<MediaFormat> {
        MediaFormat::ALL
            .into_iter()
            .find(|format| format.as_str() == value)
    }
}

/// The widths made of an image `width` pixels wide: the standard widths below it, and the
/// image itself up to the widest standard one. A GIF keeps its one size, animation and all.
pub fn variant_widths(format: MediaFormat, width: u32) -> Vec<u32> {
    let widest = width.min(STANDARD_WIDTHS[STANDARD_WIDTHS.len() - 1]);
    if format == MediaFormat::Gif {
        return vec![width];
    }
    let mut widths: Vec<u32> = STANDARD_WIDTHS
        .into_iter()
        .filter(|standard| *standard < widest)
        .collect();
    widths.push(widest);
    widths
}

/// Names an upload in addresses and in storage: 16 lowercase hexadecimal digits, random, so
/// nobody can walk the library by guessing.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct MediaKey(String);

impl MediaKey {
    pub const LENGTH: usize = 16;

    pub fn parse(value: &str) -> Option<MediaKey> {
        (value.len() == MediaKey::LENGTH
            && value
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte)))
        .then(|| MediaKey(value.to_owned()))
    }

    /// A key from random bytes (the caller draws them; the domain has no randomness).
    pub fn from_random(random: [u8; 8]) -> MediaKey {
        MediaKey(random.iter().map(|byte| format!("{byte:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MediaKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// One served file of an upload: `/media/{key}/{width}.{ext}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaAddress {
    pub key: MediaKey,
    pub width: u32,
    pub format: MediaFormat,
}

impl MediaAddress {
    /// The path's part after `/media/`: `{key}/{width}.{ext}`.
    pub fn parse_file(key: &str, file: &str) -> Option<MediaAddress> {
        let (width, extension) = file.split_once('.')?;
        // Digits only, no leading zero: one address per file.
        if width.is_empty() || width.starts_with('0') || !width.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        Some(MediaAddress {
            key: MediaKey::parse(key)?,
            width: width.parse().ok()?,
            format: MediaFormat::from_extension(extension)?,
        })
    }

    /// A full path, `/media/…`, as found in an article.
    pub fn parse_path(path: &str) -> Option<MediaAddress> {
        let (key, file) = path.strip_prefix("/media/")?.split_once('/')?;
        MediaAddress::parse_file(key, file)
    }

    pub fn path(&self) -> String {
        format!(
            "/media/{}/{}.{}",
            self.key,
            self.width,
            self.format.extension()
        )
    }

    /// The narrowest variant of the same image, for thumbnails.
    pub fn narrowest(&self) -> MediaAddress {
        MediaAddress {
            width: variant_widths(self.format, self.width)[0],
            ..self.clone()
        }
    }

    /// Where the file lives in storage, relative to the media root.
    pub fn storage_path(&self) -> String {
        format!("{}/{}.{}", self.key, self.width, self.format.extension())
    }

    /// The `srcset` of the image whose widest variant this is; `None` when there is only
    /// one width.
    pub fn srcset(&self) -> Option<String> {
        if self.format == MediaFormat::Gif || self.width > STANDARD_WIDTHS[3] {
            return None;
        }
        let smaller: Vec<u32> = STANDARD_WIDTHS
            .into_iter()
            .filter(|standard| *standard < self.width)
            .collect();
        if smaller.is_empty() {
            return None;
        }
        let candidates: Vec<String> = smaller
            .into_iter()
            .chain([self.width])
            .map(|width| {
                let variant = MediaAddress {
                    width,
                    ..self.clone()
                };
                format!("{} {width}w", variant.path())
            })
            .collect();
        Some(candidates.join(", "))
    }
}

/// An image in the media library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Media {
    pub id: i64,
    pub key: MediaKey,
    pub format: MediaFormat,
    /// Of the image as shown: upright, whatever orientation the camera recorded.
    pub width: u32,
    pub height: u32,
    /// The size of the file as uploaded.
    pub bytes: u64,
    /// The name the file had on the uploader's machine, for finding it again.
    pub original_name: String,
    pub alt: String,
    pub uploaded_by: Option<crate::UserId>,
    pub uploaded_at: OffsetDateTime,
}

impl Media {
    /// The address of its widest variant: what an article's Markdown names.
    pub fn address(&self) -> MediaAddress {
        let widths = variant_widths(self.format, self.width);
        MediaAddress {
            key: self.key.clone(),
            width: widths[widths.len() - 1],
            format: self.format,
        }
    }

    /// The Markdown that shows it in an article.
    pub fn markdown(&self) -> String {
        format!("![{}]({})", markdown_alt(&self.alt), self.address().path())
    }
}

/// Alt text made safe inside `![…]`: brackets and backslashes escaped, lines joined.
fn markdown_alt(alt: &str) -> String {
    let mut escaped = String::with_capacity(alt.len());
    for character in alt.chars() {
        match character {
            '[' | ']' | '\\' => {
                escaped.push('\\');
                escaped.push(character);
            }
            '\n' | '\r' => escaped.push(' '),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Why an upload is refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum UploadProblem {
    #[error("Choose an image file to upload.")]
    NoFile,
    #[error("The file is empty (0 bytes): choose the image again.")]
    Empty,
    #[error("The file is {size_mb:.1} MB; the most this site accepts is {limit_mb:.1} MB.")]
    TooLarge { size_mb: f64, limit_mb: f64 },
    #[error(
        "This file is not an image the site can show: it must be a JPEG, PNG, WebP or GIF (the file's contents are checked, not its name)."
    )]
    NotAnImage,
    #[error("The image is {width} × {height} pixels, more than the {} megapixels the site accepts.", MAX_PIXELS / 1_000_000)]
    TooManyPixels { width: u32, height: u32 },
    #[error("The image could not be read: {0}")]
    Unreadable(String),
    #[error("The alt text is too long: at most {MAX_ALT_CHARS} characters.")]
    AltTooLong,
}

impl UploadProblem {
    pub fn too_large(size: u64, limit: u64) -> UploadProblem {
        let megabytes = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        UploadProblem::TooLarge {
            size_mb: megabytes(size),
            limit_mb: megabytes(limit),
        }
    }
}

/// Checks what can be checked before decoding: size, type and alt text. Returns the format
/// and the alt text cleaned to one line.
pub fn check_upload(
    bytes: &[u8],
    limit: u64,
    alt: &str,
) -> Result<(MediaFormat, String), UploadProblem> {
    if bytes.is_empty() {
        return Err(UploadProblem::Empty);
    }
    if bytes.len() as u64 > limit {
        return Err(UploadProblem::too_large(bytes.len() as u64, limit));
    }
    let format = MediaFormat::sniff(bytes).ok_or(UploadProblem::NotAnImage)?;
    let alt = crate::text::clean_line(alt);
    if alt.chars().count() > MAX_ALT_CHARS {
        return Err(UploadProblem::AltTooLong);
    }
    Ok((format, alt))
}

/// Whether an image of this size may be decoded.
pub fn check_pixels(width: u32, height: u32, frames: u64) -> Result<(), UploadProblem> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS || pixels.saturating_mul(frames.max(1)) > MAX_ANIMATION_PIXELS {
        return Err(UploadProblem::TooManyPixels { width, height });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(
            MediaFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(MediaFormat::Jpeg)
        );
        assert_eq!(
            MediaFormat::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(MediaFormat::Png)
        );
        assert_eq!(MediaFormat::sniff(b"GIF89a.."), Some(MediaFormat::Gif));
        assert_eq!(
            MediaFormat::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(MediaFormat::Webp)
        );
        for not_an_image in [
            &b""[..],
            b"<svg xmlns=",
            b"%PDF-1.4",
            b"RIFF\0\0\0\0WAVE",
            b"GIF8",
        ] {
            assert_eq!(MediaFormat::sniff(not_an_image), None);
        }
    }

    #[test]
    fn uploads_are_checked_before_decoding() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0];
        assert_eq!(check_upload(&[], 100, ""), Err(UploadProblem::Empty));
        assert!(matches!(
            check_upload(&jpeg, 4, ""),
            Err(UploadProblem::TooLarge { .. })
        ));
        assert_eq!(
            check_upload(b"hello, world", 100, ""),
            Err(UploadProblem::NotAnImage)
        );
        assert_eq!(
            check_upload(&jpeg, 100, &"a".repeat(MAX_ALT_CHARS + 1)),
            Err(UploadProblem::AltTooLong)
        );
        assert_eq!(
            check_upload(&jpeg, 100, "  A harbour\nat dusk "),
            Ok((MediaFormat::Jpeg, "A harbour at dusk".into()))
        );
        assert!(check_pixels(8000, 6000, 1).is_ok());
        assert!(check_pixels(10_000, 10_000, 1).is_err());
        assert!(check_pixels(1000, 1000, 200).is_err());
    }

    #[test]
    fn widths_follow_from_the_widest() {
        assert_eq!(
            variant_widths(MediaFormat::Jpeg, 4000),
            [320, 640, 1024, 1600]
        );
        assert_eq!(
            variant_widths(MediaFormat::Png, 1200),
            [320, 640, 1024, 1200]
        );
        assert_eq!(variant_widths(MediaFormat::Webp, 200), [200]);
        assert_eq!(variant_widths(MediaFormat::Gif, 4000), [4000]);

        let address = MediaAddress::parse_path("/media/0123456789abcdef/1200.png").expect("valid");
        assert_eq!(
            address.srcset().as_deref(),
            Some(
                "/media/0123456789abcdef/320.png 320w, /media/0123456789abcdef/640.png 640w, \
                 /media/0123456789abcdef/1024.png 1024w, /media/0123456789abcdef/1200.png 1200w"
            )
        );
        assert_eq!(address.storage_path(), "0123456789abcdef/1200.png");
        for bad in [
            "/media/0123456789abcdef/0640.png",
            "/media/0123456789ABCDEF/640.png",
            "/media/0123456789abcdef/640.svg",
            "/media/../etc/640.png",
            "/media/0123456789abcdef/640",
            "/media/0123456789abcdef/-1.png",
        ] {
            assert_eq!(MediaAddress::parse_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn markdown_names_the_widest_variant_with_escaped_alt() {
        let media = Media {
            id: 1,
            key: MediaKey::from_random([1, 2, 3, 4, 5, 6, 7, 8]),
            format: MediaFormat::Jpeg,
            width: 3000,
            height: 2000,
            bytes: 10,
            original_name: "harbour.jpg".into(),
            alt: "The [old] harbour".into(),
            uploaded_by: None,
            uploaded_at: OffsetDateTime::UNIX_EPOCH,
        };
        assert_eq!(
            media.markdown(),
            "![The \\[old\\] harbour](/media/0102030405060708/1600.jpg)"
        );
    }
}
