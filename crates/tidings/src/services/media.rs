//! The media library: accepting an upload (its type read from its bytes, decoded under
//! limits, turned upright, re-encoded without its metadata in the widths `srcset` offers),
//! storing its files, and reading them back for readers.
//!
//! Files live in one [`object_store::ObjectStore`]: a folder in the data folder by default,
//! or an S3-compatible bucket (`media_url = "s3://bucket/prefix"`) that every node of a
//! site shares. Under the media root, `{key}/{width}.{ext}` are the variants readers get,
//! `originals/{key}.{ext}` the file as uploaded: kept, never served, since it may carry
//! where and with what a photo was taken.

use crate::app::App;
use crate::config::Config;
use crate::services::access::{self, Forbidden};
use anyhow::Context;
use image::codecs::gif::{GifDecoder, GifEncoder, Repeat};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::{AnimationDecoder, DynamicImage, ImageDecoder, ImageEncoder, ImageReader};
use object_store::path::Path as StoragePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;
use tidings_domain::media::{
    self, Media, MediaAddress, MediaFormat, MediaKey, UploadProblem, check_pixels, check_upload,
};
use tidings_domain::{Capability, User};
use tidings_store::{NewMedia, StoreError};
use tokio::sync::Semaphore;

/// JPEG quality of the variants: indistinguishable from the original at the sizes shown,
/// a third of its bytes.
const JPEG_QUALITY: u8 = 82;

/// Where media files are kept, and how many uploads are decoded at once.
pub struct MediaStorage {
    files: Arc<dyn ObjectStore>,
    /// Decoding a 50-megapixel image takes a few hundred megabytes: two at a time at most,
    /// so a burst of uploads waits instead of exhausting memory.
    decoding: Semaphore,
    /// Where the files are, for the logs and the health page.
    pub description: String,
}

impl MediaStorage {
    /// The storage `media_url` names: empty for the `media` folder in the data folder;
    /// `s3://bucket/prefix` for an S3-compatible store, with the usual `AWS_*` variables
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, and `AWS_ENDPOINT` with
    /// `AWS_ALLOW_HTTP=true` for MinIO, Garage or R2).
    pub fn open(data_dir: &Path, config: &Config) -> anyhow::Result<MediaStorage> {
        let (files, description): (Arc<dyn ObjectStore>, String) =
            match config.media_url.as_deref().filter(|url| !url.is_empty()) {
                None => {
                    let folder = data_dir.join("media");
                    std::fs::create_dir_all(&folder)
                        .with_context(|| format!("creating the folder {}", folder.display()))?;
                    let local = object_store::local::LocalFileSystem::new_with_prefix(&folder)
                        .with_context(|| format!("opening the folder {}", folder.display()))?;
                    (Arc::new(local), folder.display().to_string())
                }
                Some(url) => {
                    let parsed = url::Url::parse(url)
                        .with_context(|| format!("media_url {url:?} is not a URL"))?;
                    anyhow::ensure!(
                        parsed.scheme() == "s3",
                        "media_url must be empty (the data folder) or s3://bucket/prefix"
                    );
                    let bucket = parsed
                        .host_str()
                        .filter(|bucket| !bucket.is_empty())
                        .context("media_url must name a bucket: s3://bucket/prefix")?;
                    // The crypto provider reqwest's TLS uses; installing it twice is harmless.
                    let _ = rustls::crypto::ring::default_provider().install_default();
                    let s3 = object_store::aws::AmazonS3Builder::from_env()
                        .with_bucket_name(bucket)
                        .build()
                        .with_context(|| format!("opening the object store {url}"))?;
                    let prefix = parsed.path().trim_matches('/');
                    let files: Arc<dyn ObjectStore> = if prefix.is_empty() {
                        Arc::new(s3)
                    } else {
                        Arc::new(object_store::prefix::PrefixStore::new(s3, prefix))
                    };
                    (files, url.to_owned())
                }
            };
        Ok(MediaStorage {
            files,
            decoding: Semaphore::new(2),
            description,
        })
    }

    async fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), object_store::Error> {
        self.files
            .put(&StoragePath::from(path), PutPayload::from(bytes))
            .await
            .map(|_| ())
    }

    /// A served file's bytes; `None` when there is no such file.
    pub async fn read(&self, address: &MediaAddress) -> anyhow::Result<Option<bytes::Bytes>> {
        let path = StoragePath::from(address.storage_path());
        match self.files.get(&path).await {
            Ok(found) => Ok(Some(found.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error).with_context(|| format!("reading {path}")),
        }
    }
}

/// An image as it was sent.
pub struct Upload {
    pub bytes: Vec<u8>,
    /// The file's name on the sender's machine.
    pub name: String,
    pub alt: String,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Refused(#[from] UploadProblem),
    #[error("the media storage failed: {0}")]
    Storage(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Accepts an image into the library: checked, decoded, stored in every width, recorded.
/// The files are written before the row, so a failure leaves at most unreferenced files,
/// never a library entry without its images.
pub async fn upload(app: &App, actor: &User, upload: Upload) -> Result<Media, UploadError> {
    access::require(actor, Capability::Upload)?;
    store_image(app, actor, upload).await
}

/// The address of a person's picture: their upload, or their identicon.
pub fn picture_of(app: &App, email: &str, author: &tidings_domain::Author) -> String {
    match &author.avatar {
        Some(address) => address.narrowest().path(),
        None => format!(
            "/avatars/{}.svg",
            crate::services::comments::avatar_key(app, email, "")
        ),
    }
}

/// Makes `actor`'s profile picture from an upload (anyone may: it is their own face, not
/// the library's), or takes it away (`None`: the identicon again).
pub async fn set_avatar(
    app: &App,
    actor: &User,
    upload: Option<Upload>,
) -> Result<Option<MediaAddress>, UploadError> {
    let address = match upload {
        Some(upload) => Some(store_image(app, actor, upload).await?.address()),
        None => None,
    };
    app.store.set_avatar(actor.id, address.as_ref()).await?;
    // Author pages show it, on every node.
    crate::services::site::all_pages_changed(app).await?;
    Ok(address)
}

async fn store_image(app: &App, actor: &User, upload: Upload) -> Result<Media, UploadError> {
    let media = stored_files(app, Some(actor.id), upload).await?;
    let media = app.store.insert_media(&media, app.clock.now()).await?;
    tracing::info!(key = %media.key, by = actor.id.0, "image uploaded");
    Ok(media)
}

/// Checks and decodes an image, and writes its files (every width, and the original);
/// the row that records them is the caller's to write (an import writes it in its own
/// transaction). A failure after this leaves unreferenced files, never a row without them.
pub async fn stored_files(
    app: &App,
    uploaded_by: Option<tidings_domain::UserId>,
    upload: Upload,
) -> Result<NewMedia, UploadError> {
    let limit = app.config.media_max_upload_bytes();
    let (format, alt) = check_upload(&upload.bytes, limit, &upload.alt)?;
    let permit = app
        .media
        .decoding
        .acquire()
        .await
        .map_err(|_| UploadError::Storage("the server is shutting down".into()))?;
    let original = upload.bytes;
    let (original, made) = tokio::task::spawn_blocking(move || {
        let made = make_variants(&original, format);
        (original, made)
    })
    .await
    .map_err(|error| UploadError::Storage(error.to_string()))?;
    drop(permit);
    let made = made?;

    let key = MediaKey::from_random(crate::security::random_bytes());
    let bytes = original.len() as u64;
    let storage_error = |error: object_store::Error| UploadError::Storage(error.to_string());
    for (width, encoded) in made.variants {
        let address = MediaAddress {
            key: key.clone(),
            width,
            format,
        };
        app.media
            .put(&address.storage_path(), encoded)
            .await
            .map_err(storage_error)?;
    }
    app.media
        .put(&format!("originals/{key}.{}", format.extension()), original)
        .await
        .map_err(storage_error)?;
    let name = tidings_domain::text::clean_line(&upload.name);
    Ok(NewMedia {
        key,
        format,
        width: made.width,
        height: made.height,
        bytes,
        original_name: name.chars().take(200).collect(),
        alt,
        uploaded_by,
    })
}

/// Changes an image's alt text. `None` when there is no such image.
pub async fn describe(
    app: &App,
    actor: &User,
    key: &MediaKey,
    alt: &str,
) -> Result<Option<Media>, UploadError> {
    access::require(actor, Capability::Upload)?;
    let alt = tidings_domain::text::clean_line(alt);
    if alt.chars().count() > media::MAX_ALT_CHARS {
        return Err(UploadProblem::AltTooLong.into());
    }
    Ok(app.store.set_media_alt(key, &alt).await?)
}

/// The widths of one upload, encoded, and its size upright.
pub struct Variants {
    pub width: u32,
    pub height: u32,
    /// Narrowest first.
    pub variants: Vec<(u32, Vec<u8>)>,
}

/// Decodes an image and encodes each of its widths. Blocking and CPU-bound: run it off
/// the async threads. Public for the benchmark.
pub fn make_variants(bytes: &[u8], format: MediaFormat) -> Result<Variants, UploadProblem> {
    let unreadable = |error: image::ImageError| UploadProblem::Unreadable(readable(&error));
    if format == MediaFormat::Gif {
        return reencode_gif(bytes);
    }
    let image_format = match format {
        MediaFormat::Jpeg => image::ImageFormat::Jpeg,
        MediaFormat::Png => image::ImageFormat::Png,
        MediaFormat::Webp => image::ImageFormat::WebP,
        MediaFormat::Gif => image::ImageFormat::Gif,
    };
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), image_format)
        .into_decoder()
        .map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    // The header's size is checked before a pixel is decoded: a bomb stops here.
    check_pixels(width, height, 1)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());

    let widths = media::variant_widths(format, width);
    let mut variants = Vec::with_capacity(widths.len());
    // Each width is made from the next wider one, so the full-size image is read once.
    let mut source = image;
    for &target in widths.iter().rev() {
        let resized = if target == source.width() {
            source
        } else {
            let target_height = scaled_height(width, height, target);
            if source.width() >= target * 2 {
                // A large step down: averaging each box of source pixels is both the
                // right filter and several times faster than a convolution, with no
                // floating-point copy of the whole photo.
                source.thumbnail_exact(target, target_height)
            } else {
                source.resize_exact(target, target_height, FilterType::CatmullRom)
            }
        };
        variants.push((target, encode(&resized, format).map_err(unreadable)?));
        source = resized;
    }
    variants.reverse();
    Ok(Variants {
        width,
        height,
        variants,
    })
}

fn scaled_height(width: u32, height: u32, target: u32) -> u32 {
    let scaled = u64::from(height) * u64::from(target) / u64::from(width.max(1));
    u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
}

/// Encodes a variant. No encoder here writes EXIF, XMP or comments: what the camera
/// recorded, GPS position included, is not carried over.
fn encode(image: &DynamicImage, format: MediaFormat) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    match format {
        MediaFormat::Jpeg => {
            let rgb = image.to_rgb8();
            JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).write_image(
                &rgb,
                rgb.width(),
                rgb.height(),
                image::ExtendedColorType::Rgb8,
            )?;
        }
        MediaFormat::Png => {
            let (width, height) = (image.width(), image.height());
            PngEncoder::new(&mut out).write_image(
                image.as_bytes(),
                width,
                height,
                image.color().into(),
            )?;
        }
        MediaFormat::Webp | MediaFormat::Gif => {
            // The WebP encoder at hand is lossless: larger files than a lossy one, but the
            // picture exactly as uploaded.
            let rgba = image.to_rgba8();
            WebPEncoder::new_lossless(&mut out).write_image(
                &rgba,
                rgba.width(),
                rgba.height(),
                image::ExtendedColorType::Rgba8,
            )?;
        }
    }
    Ok(out)
}

/// A GIF keeps its size and animation; its frames are decoded (counting pixels, so an
/// animation of a thousand large frames stops early) and written anew, without the
/// comments and application blocks of the upload.
fn reencode_gif(bytes: &[u8]) -> Result<Variants, UploadProblem> {
    let unreadable = |error: image::ImageError| UploadProblem::Unreadable(readable(&error));
    let decoder = GifDecoder::new(Cursor::new(bytes)).map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    check_pixels(width, height, 1)?;
    let mut frames = Vec::new();
    for frame in decoder.into_frames() {
        frames.push(frame.map_err(unreadable)?);
        check_pixels(width, height, frames.len() as u64)?;
    }
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new_with_speed(&mut out, 10);
        encoder.set_repeat(Repeat::Infinite).map_err(unreadable)?;
        encoder.encode_frames(frames).map_err(unreadable)?;
    }
    Ok(Variants {
        width,
        height,
        variants: vec![(width, out)],
    })
}

/// The decoder's complaint, for the sentence shown beside the file field.
fn readable(error: &image::ImageError) -> String {
    match error {
        image::ImageError::Limits(_) => "it is larger than the site can decode.".into(),
        image::ImageError::Unsupported(_) => {
            "it uses a variant of its format the site cannot read.".into()
        }
        _ => "the file is damaged or incomplete.".into(),
    }
}
