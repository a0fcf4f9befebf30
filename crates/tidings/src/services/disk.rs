//! How much room is left on the disk that holds the site's data. A full disk refuses
//! comments and saves until space is freed (and says so); this warns before that, on the
//! Status screen and in the hourly log.

use crate::app::App;
use std::path::Path;

/// The room on one file system, as an unprivileged process may use it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiskSpace {
    pub free_bytes: u64,
    pub total_bytes: u64,
}

/// Below this much free, a disk is nearly full whatever its size.
const WARN_BELOW_BYTES: u64 = 1024 * 1024 * 1024;
/// And below this share of it (one in twenty), however large it is.
const WARN_BELOW_ONE_IN: u64 = 20;

impl DiskSpace {
    /// Less than a gigabyte free, or less than a twentieth of the disk.
    pub fn nearly_full(&self) -> bool {
        self.free_bytes < WARN_BELOW_BYTES
            || self.free_bytes.saturating_mul(WARN_BELOW_ONE_IN) < self.total_bytes
    }
}

/// The disk the site's data folder is on, asked off the async threads (it is a system
/// call that may wait on the disk); `None` where the system cannot say.
pub async fn of_data_folder(app: &App) -> Option<DiskSpace> {
    let folder = app.data_dir.clone();
    tokio::task::spawn_blocking(move || of_folder(&folder))
        .await
        .ok()
        .flatten()
}

/// The disk `folder` is on; `None` where the system cannot say.
pub fn of_folder(folder: &Path) -> Option<DiskSpace> {
    #[cfg(unix)]
    {
        let stat = rustix::fs::statvfs(folder).ok()?;
        Some(DiskSpace {
            free_bytes: stat.f_bavail.saturating_mul(stat.f_frsize),
            total_bytes: stat.f_blocks.saturating_mul(stat.f_frsize),
        })
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1024 * 1024 * 1024;

    fn disk(free_bytes: u64, total_bytes: u64) -> DiskSpace {
        DiskSpace {
            free_bytes,
            total_bytes,
        }
    }

    #[test]
    fn nearly_full_below_a_gigabyte_or_a_twentieth() {
        assert!(!disk(10 * GIB, 100 * GIB).nearly_full());
        assert!(
            !disk(5 * GIB, 100 * GIB).nearly_full(),
            "a twentieth exactly"
        );
        assert!(disk(5 * GIB - 1, 100 * GIB).nearly_full());
        assert!(disk(GIB - 1, 4 * GIB).nearly_full(), "under a gigabyte");
        assert!(!disk(GIB, 4 * GIB).nearly_full());
        assert!(
            !disk(300 * GIB, 4096 * GIB).nearly_full(),
            "7% of a large disk"
        );
        assert!(disk(100 * GIB, 4096 * GIB).nearly_full());
        assert!(disk(0, 0).nearly_full(), "nothing free is full");
    }

    #[test]
    fn the_data_folder_has_a_disk() {
        let folder = tempfile::tempdir().unwrap();
        let space = of_folder(folder.path()).expect("statvfs answers for a folder");
        assert!(space.total_bytes > 0);
        assert!(space.free_bytes <= space.total_bytes);
        assert_eq!(of_folder(&folder.path().join("nowhere")), None);
    }
}
