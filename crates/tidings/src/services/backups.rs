//! Backups that prove they restore: one `.tar.gz` holding a consistent copy of the
//! database, the settings file, the theme folder and the media, with a manifest that names
//! every file's size and SHA-256 and counts the rows a site owner would miss.
//!
//! - **Consistent while serving.** The database is copied first with SQLite's `VACUUM
//!   INTO`, which reads one snapshot as any reader does (writers go on), so every comment
//!   acknowledged before the backup began is in it. Media files are written once and never
//!   changed, so copying the folder after the snapshot holds every file it names. On
//!   PostgreSQL the database is left to `pg_dump`, and the manifest says so.
//! - **Checked, not trusted.** `verify` unpacks an archive into a scratch folder beside it
//!   (refusing any entry that is not a plain file under a plain relative path), compares
//!   each file with the manifest, runs `PRAGMA integrity_check` on the database and
//!   compares its counts, and says "restorable" or exactly why not. `restore` does the
//!   same into a folder beside the target and renames it into place, so a restore that
//!   fails leaves nothing half-written, and it never writes into a folder that holds
//!   anything.
//! - **Scheduled.** With `backup_every_hours` set, each node writes one into `backup_dir`,
//!   verifies it, keeps the last `backup_keep`, and records the last good one in the
//!   database for the Status screen.

use crate::app::App;
use crate::config::Config;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use tidings_store::{SqliteStore, Store};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The manifest's name inside an archive.
pub const MANIFEST: &str = "manifest.json";
/// The database's name inside an archive.
pub const DATABASE: &str = "tidings.db";
/// The archive format this program writes and reads.
const FORMAT: u32 = 1;
/// Backups made here are named `tidings-backup-<time>.tar.gz`; only those are rotated.
const NAME_PREFIX: &str = "tidings-backup-";
const NAME_SUFFIX: &str = ".tar.gz";
/// Where the last scheduled backup's outcome is kept (a JSON [`BackupStatus`]).
const STATUS_SETTING: &str = "backup_status";
/// A site whose last good backup is older than this is warned about.
pub const STALE_AFTER: time::Duration = time::Duration::days(1);

/// What an archive holds, written into it as `manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub tidings_version: String,
    /// RFC 3339.
    pub created_at: String,
    /// `sqlite` (the database is in the archive) or `postgres` (it is not: `pg_dump`).
    pub database: String,
    pub schema_version: i64,
    /// Rows of the counted tables, in the copy of the database (on PostgreSQL, in the live
    /// database when the backup was made, for comparison with a restored dump).
    pub counts: BTreeMap<String, i64>,
    pub files: Vec<ArchivedFile>,
    /// What is not in the archive, and where it is.
    pub left_out: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// A backup file and what it holds.
pub struct Backup {
    pub path: PathBuf,
    pub bytes: u64,
    pub manifest: Manifest,
}

/// The name of a backup made at `now`.
pub fn file_name(now: OffsetDateTime) -> String {
    format!(
        "{NAME_PREFIX}{:04}{:02}{:02}T{:02}{:02}{:02}Z{NAME_SUFFIX}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// The folder scheduled backups go to (and `tidings backup` without `--out`).
pub fn backup_folder(data_dir: &Path, config: &Config) -> PathBuf {
    data_dir.join(&config.backup_dir)
}

/// Writes a backup of the site in `data_dir` to `out`, which must not exist.
pub async fn create(
    store: &dyn Store,
    config: &Config,
    data_dir: &Path,
    out: &Path,
    now: OffsetDateTime,
) -> anyhow::Result<Backup> {
    if out.exists() {
        bail!(
            "{} exists already; a backup never overwrites a file",
            out.display()
        );
    }
    let scratch = scratch_beside(out, ".tidings-backup-")?;
    let copy = scratch.path().join(DATABASE);
    let copied = store
        .copy_database_to(&copy)
        .await
        .context("copying the database")?;
    let mut left_out = Vec::new();
    let (schema_version, counts) = if copied {
        let inspected = SqliteStore::inspect(&copy)
            .await
            .context("reading the copy of the database")?;
        if inspected.integrity != "ok" {
            bail!(
                "the copy of the database fails its integrity check ({}); the live database \
                 may be damaged: run `tidings migrate` to check it",
                inspected.integrity
            );
        }
        (inspected.schema_version, inspected.counts)
    } else {
        left_out.push(
            "the database: it is in PostgreSQL; back it up with pg_dump \
             (pg_dump --format=custom --file=tidings.dump DATABASE_URL)"
                .to_owned(),
        );
        (
            store.schema_version().await?,
            store.table_counts().await.context("counting rows")?,
        )
    };
    let mut sources: Vec<(String, PathBuf)> = Vec::new();
    if copied {
        sources.push((DATABASE.to_owned(), copy.clone()));
    }
    let settings = data_dir.join(crate::config::CONFIG_FILE);
    if settings.is_file() {
        sources.push((crate::config::CONFIG_FILE.to_owned(), settings));
    }
    let theme = data_dir.join(&config.theme_dir);
    collect_files(&theme, "theme", &mut sources)?;
    if config.media_url.as_deref().is_none_or(str::is_empty) {
        collect_files(&data_dir.join("media"), "media", &mut sources)?;
    } else {
        left_out.push(format!(
            "media: they are in the object store {}; back it up with its own tools",
            config.media_url.as_deref().unwrap_or_default()
        ));
    }
    let manifest = Manifest {
        format: FORMAT,
        tidings_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: now.format(&Rfc3339)?,
        database: if copied { "sqlite" } else { "postgres" }.to_owned(),
        schema_version,
        counts: counts.into_iter().collect(),
        files: Vec::new(),
        left_out,
    };
    let out = out.to_owned();
    let written = tokio::task::spawn_blocking(move || write_archive(&out, &sources, manifest))
        .await
        .context("the backup's writer stopped")??;
    drop(scratch);
    Ok(written)
}

/// Every regular file under `folder`, named `prefix/relative/path` in the archive; the
/// object store's half-written files (`name#N`) are skipped.
fn collect_files(
    folder: &Path,
    prefix: &str,
    into: &mut Vec<(String, PathBuf)>,
) -> anyhow::Result<()> {
    if !folder.is_dir() {
        return Ok(());
    }
    let mut pending = vec![folder.to_owned()];
    while let Some(current) = pending.pop() {
        let mut entries = std::fs::read_dir(&current)
            .with_context(|| format!("reading {}", current.display()))?
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("reading {}", current.display()))?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() && !entry.file_name().to_string_lossy().contains('#') {
                let relative = path.strip_prefix(folder)?;
                let name = relative
                    .components()
                    .map(|part| part.as_os_str().to_str())
                    .collect::<Option<Vec<_>>>()
                    .with_context(|| format!("{} is not a UTF-8 name", path.display()))?
                    .join("/");
                into.push((format!("{prefix}/{name}"), path));
            }
        }
    }
    Ok(())
}

/// Reads through to the inner reader, hashing and counting as it goes.
struct Hashing<R> {
    inner: R,
    digest: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.digest.update(&buffer[..read]);
        self.bytes += read as u64;
        Ok(read)
    }
}

/// The archive, written under a temporary name, synced and renamed: a backup file is whole
/// or absent. Files are hashed as they are written; the manifest comes last.
fn write_archive(
    out: &Path,
    sources: &[(String, PathBuf)],
    mut manifest: Manifest,
) -> anyhow::Result<Backup> {
    let partial = out.with_file_name(format!(
        ".{}.partial",
        out.file_name()
            .map_or_else(|| "backup".into(), |name| name.to_string_lossy())
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    // A backup holds password hashes, commenters' addresses and the signing key.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(&partial)
        .with_context(|| format!("creating {}", partial.display()))?;
    let result = (|| -> anyhow::Result<std::fs::File> {
        let mut archive = tar::Builder::new(flate2::write::GzEncoder::new(
            file,
            flate2::Compression::fast(),
        ));
        let mtime = u64::try_from(OffsetDateTime::now_utc().unix_timestamp()).unwrap_or(0);
        for (name, path) in sources {
            let source =
                std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
            let size = source.metadata()?.len();
            let mut header = tar::Header::new_gnu();
            header.set_size(size);
            header.set_mode(0o600);
            header.set_mtime(mtime);
            header.set_entry_type(tar::EntryType::Regular);
            let mut reader = Hashing {
                inner: source.take(size),
                digest: Sha256::new(),
                bytes: 0,
            };
            archive
                .append_data(&mut header, name, &mut reader)
                .with_context(|| format!("archiving {}", path.display()))?;
            if reader.bytes != size {
                bail!("{} changed while it was backed up", path.display());
            }
            manifest.files.push(ArchivedFile {
                path: name.clone(),
                bytes: size,
                sha256: crate::security::hex(&reader.digest.finalize()),
            });
        }
        let text = serde_json::to_vec_pretty(&manifest)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o600);
        header.set_mtime(mtime);
        header.set_entry_type(tar::EntryType::Regular);
        archive.append_data(&mut header, MANIFEST, text.as_slice())?;
        let mut file = archive.into_inner()?.finish()?;
        file.flush()?;
        file.sync_all()?;
        Ok(file)
    })();
    let file = match result {
        Ok(file) => file,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
    };
    let bytes = file.metadata()?.len();
    drop(file);
    std::fs::rename(&partial, out).with_context(|| format!("naming {}", out.display()))?;
    std::fs::File::open(parent_of(out))?.sync_all()?;
    Ok(Backup {
        path: out.to_owned(),
        bytes,
        manifest,
    })
}

/// A folder of our own beside `path` (on the same disk, so a rename finishes the job, and
/// never in a shared temporary folder: a backup holds commenters' addresses), removed when
/// dropped.
fn scratch_beside(path: &Path, prefix: &str) -> anyhow::Result<tempfile::TempDir> {
    let folder = parent_of(path);
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("creating the folder {}", folder.display()))?;
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(&folder)
        .with_context(|| format!("making a scratch folder in {}", folder.display()))
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Opens `file` in a scratch folder beside it and checks everything a restore needs:
/// the manifest, every file's size and checksum, the database's integrity, schema and
/// counts. `Ok` means restorable; the error says exactly why not.
pub async fn verify(file: &Path) -> anyhow::Result<Manifest> {
    let scratch = scratch_beside(file, ".tidings-verify-")?;
    unpack_and_check(file, scratch.path()).await
}

/// Unpacks `file` into the empty folder `into` and checks it (see [`verify`]); the
/// manifest stays out of `into`.
async fn unpack_and_check(file: &Path, into: &Path) -> anyhow::Result<Manifest> {
    let (source, target) = (file.to_owned(), into.to_owned());
    let (manifest, found) = tokio::task::spawn_blocking(move || unpack(&source, &target))
        .await
        .context("the backup's reader stopped")??;
    let Some(manifest) = manifest else {
        bail!("it holds no {MANIFEST}: it is not a tidings backup, or it was cut short");
    };
    let manifest: Manifest = serde_json::from_slice(&manifest)
        .with_context(|| format!("its {MANIFEST} cannot be read"))?;
    if manifest.format != FORMAT {
        bail!(
            "it is in backup format {}, which this tidings ({}) does not read; use the \
             version that made it ({})",
            manifest.format,
            env!("CARGO_PKG_VERSION"),
            manifest.tidings_version
        );
    }
    for listed in &manifest.files {
        match found.get(&listed.path) {
            None => bail!("{} is in the manifest but not in the archive", listed.path),
            Some((bytes, _)) if *bytes != listed.bytes => bail!(
                "{} has {bytes} bytes where the manifest says {}: the file is damaged",
                listed.path,
                listed.bytes
            ),
            Some((_, sha256)) if *sha256 != listed.sha256 => bail!(
                "{}'s checksum differs from the manifest's: the file is damaged",
                listed.path
            ),
            Some(_) => {}
        }
    }
    if let Some(extra) = found
        .keys()
        .find(|path| !manifest.files.iter().any(|listed| &listed.path == *path))
    {
        bail!("{extra} is in the archive but not in the manifest");
    }
    if manifest.database == "sqlite" {
        if !found.contains_key(DATABASE) {
            bail!("the manifest names a SQLite database, but the archive holds none");
        }
        let database = SqliteStore::inspect(&into.join(DATABASE))
            .await
            .context("the database cannot be opened")?;
        if database.integrity != "ok" {
            bail!("the database fails integrity_check: {}", database.integrity);
        }
        let known = SqliteStore::known_schema_version();
        if database.schema_version > known {
            bail!(
                "its database is at schema version {}, newer than the {known} this tidings \
                 knows; restore it with a newer tidings",
                database.schema_version
            );
        }
        let counted: BTreeMap<String, i64> = database.counts.into_iter().collect();
        for (table, expected) in &manifest.counts {
            let actual = counted.get(table).copied().unwrap_or(0);
            if actual != *expected {
                bail!("{table}: {expected} rows in the manifest, {actual} in the database");
            }
        }
    }
    Ok(manifest)
}

/// Every file's size and SHA-256, by its path in the archive.
type Found = BTreeMap<String, (u64, String)>;

fn unpack(file: &Path, into: &Path) -> anyhow::Result<(Option<Vec<u8>>, Found)> {
    let archive =
        std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    let mut manifest = None;
    let mut found = Found::new();
    let entries = archive
        .entries()
        .context("it is not a gzipped tar archive")?;
    for entry in entries {
        let mut entry = entry.context("the archive is damaged or cut short")?;
        let name = entry
            .path()
            .context("an entry's name cannot be read")?
            .into_owned();
        let plain = name
            .components()
            .all(|part| matches!(part, Component::Normal(_)));
        let Some(text) = name.to_str().filter(|_| plain) else {
            bail!(
                "it holds {}, which is not a plain relative path; a tidings backup never does",
                name.display()
            );
        };
        let text = text.to_owned();
        match entry.header().entry_type() {
            tar::EntryType::Directory => continue,
            tar::EntryType::Regular => {}
            other => {
                bail!("it holds {text} as a {other:?}; a tidings backup holds only plain files")
            }
        }
        if text == MANIFEST {
            let mut bytes = Vec::new();
            entry
                .by_ref()
                .take(16 * 1024 * 1024)
                .read_to_end(&mut bytes)
                .context("the manifest is cut short")?;
            manifest = Some(bytes);
            continue;
        }
        if found.contains_key(&text) {
            bail!("it holds {text} twice");
        }
        let target = into.join(&name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut out = options
            .open(&target)
            .with_context(|| format!("writing {}", target.display()))?;
        let mut reader = Hashing {
            inner: &mut entry,
            digest: Sha256::new(),
            bytes: 0,
        };
        std::io::copy(&mut reader, &mut out)
            .with_context(|| format!("{text} is cut short or cannot be written"))?;
        out.sync_all()?;
        let (bytes, digest) = (reader.bytes, reader.digest);
        found.insert(text, (bytes, crate::security::hex(&digest.finalize())));
    }
    Ok((manifest, found))
}

/// What a restore did.
pub struct Restored {
    pub manifest: Manifest,
}

/// Restores `file` as the site in `data_dir`, which must not exist or be empty: unpacked
/// and checked beside it, then renamed into place.
pub async fn restore(file: &Path, data_dir: &Path) -> anyhow::Result<Restored> {
    if data_dir.exists() {
        let mut entries = std::fs::read_dir(data_dir)
            .with_context(|| format!("{} cannot be read", data_dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty: a restore goes into a new or empty folder, never over a \
                 site (stop the site and move its folder aside first)",
                data_dir.display()
            );
        }
    }
    let parent = parent_of(data_dir);
    let staging = scratch_beside(data_dir, ".tidings-restore-")?;
    let manifest = unpack_and_check(file, staging.path())
        .await
        .with_context(|| format!("{} cannot be restored", file.display()))?;
    #[cfg(unix)]
    std::fs::set_permissions(
        staging.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )?;
    if data_dir.exists() {
        std::fs::remove_dir(data_dir)
            .with_context(|| format!("{} cannot be replaced", data_dir.display()))?;
    }
    let staged = staging.keep();
    if let Err(error) = std::fs::rename(&staged, data_dir) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(error).with_context(|| format!("moving the restore to {}", data_dir.display()));
    }
    std::fs::File::open(&parent)?.sync_all()?;
    Ok(Restored { manifest })
}

/// The outcome of the scheduled backups, kept in the database for the Status screen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupStatus {
    /// Unix seconds of the last attempt, good or not.
    pub last_attempt_at: Option<i64>,
    pub last_good_at: Option<i64>,
    pub last_good_file: Option<String>,
    pub last_good_bytes: Option<u64>,
    /// Why the last attempt failed, when it did.
    pub last_error: Option<String>,
}

pub async fn status(store: &dyn Store) -> anyhow::Result<BackupStatus> {
    Ok(match store.setting(STATUS_SETTING).await? {
        Some(text) => serde_json::from_str(&text).unwrap_or_default(),
        None => BackupStatus::default(),
    })
}

/// Writes a backup to `out`, verifies it (a backup that does not verify is deleted), and
/// records the outcome for the Status screen: what `tidings backup` and the schedule do.
pub async fn back_up(
    store: &dyn Store,
    config: &Config,
    data_dir: &Path,
    out: &Path,
    now: OffsetDateTime,
) -> anyhow::Result<Backup> {
    let mut status = status(store).await?;
    status.last_attempt_at = Some(now.unix_timestamp());
    let outcome = async {
        let backup = create(store, config, data_dir, out, now).await?;
        if let Err(error) = verify(&backup.path).await {
            let _ = std::fs::remove_file(&backup.path);
            return Err(error.context("the backup just written is not restorable"));
        }
        Ok(backup)
    }
    .await;
    match &outcome {
        Ok(backup) => {
            status.last_good_at = Some(now.unix_timestamp());
            status.last_good_file = Some(backup.path.display().to_string());
            status.last_good_bytes = Some(backup.bytes);
            status.last_error = None;
        }
        Err(error) => status.last_error = Some(format!("{error:#}")),
    }
    store
        .put_setting(STATUS_SETTING, &serde_json::to_string(&status)?)
        .await?;
    outcome
}

/// Takes a scheduled backup when one is due (`backup_every_hours` since the last attempt)
/// and keeps the last `backup_keep`; returns the new backup, if any.
pub async fn back_up_if_due(app: &App) -> anyhow::Result<Option<Backup>> {
    let every = app.config.backup_every_hours;
    if every == 0 {
        return Ok(None);
    }
    let now = app.now();
    if status(app.store.as_ref())
        .await?
        .last_attempt_at
        .is_some_and(|at| now.unix_timestamp() - at < i64::from(every) * 3600)
    {
        return Ok(None);
    }
    let folder = backup_folder(&app.data_dir, &app.config);
    let out = folder.join(file_name(now));
    match back_up(app.store.as_ref(), &app.config, &app.data_dir, &out, now).await {
        Ok(backup) => {
            let removed = rotate(&folder, app.config.backup_keep as usize)?;
            tracing::info!(
                file = %backup.path.display(),
                bytes = backup.bytes,
                removed,
                "scheduled backup written and verified"
            );
            Ok(Some(backup))
        }
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "scheduled backup failed");
            Err(error)
        }
    }
}

/// Deletes all but the newest `keep` backups in `folder` (by the time in their names);
/// returns how many went.
fn rotate(folder: &Path, keep: usize) -> anyhow::Result<usize> {
    let mut backups: Vec<PathBuf> = std::fs::read_dir(folder)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(NAME_PREFIX) && name.ends_with(NAME_SUFFIX))
        })
        .collect();
    backups.sort();
    let excess = backups.len().saturating_sub(keep.max(1));
    for old in &backups[..excess] {
        std::fs::remove_file(old).with_context(|| format!("removing {}", old.display()))?;
    }
    Ok(excess)
}

/// The scheduler: looks every minute whether a backup is due.
pub async fn run(app: App) {
    if app.config.backup_every_hours == 0 || !app.scheduled_backups {
        return;
    }
    loop {
        // Its error is logged and recorded for the Status screen; the next one is tried
        // at the next interval.
        let _ = back_up_if_due(&app).await;
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
}
