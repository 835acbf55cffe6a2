//! The `.cwasm` cache directory's check: what it holds is loaded as native code, so a directory
//! another user can write (or replace) is refused, and a new one is made private.

use std::os::unix::fs::{DirBuilderExt as _, MetadataExt as _};
use std::path::Path;

/// Refuses `dir` when its group or other users can write to it, or when it is not this
/// process's user's; creates it (mode 0700) when absent.
pub(crate) fn check(dir: &Path) -> Result<(), String> {
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let metadata =
        std::fs::metadata(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    if !metadata.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    if metadata.mode() & 0o022 != 0 {
        return Err(format!(
            "{} is writable by other users (mode {:o}): make it the server's own (chmod go-w)",
            dir.display(),
            metadata.mode() & 0o777
        ));
    }
    let own = std::fs::metadata("/proc/self").map(|m| m.uid()).ok();
    if own.is_some_and(|uid| uid != metadata.uid()) {
        return Err(format!(
            "{} belongs to another user (uid {})",
            dir.display(),
            metadata.uid()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn refuses_a_directory_others_can_write_and_makes_a_private_one() {
        let base = std::env::temp_dir().join(format!("serve-cache-{}", std::process::id()));
        let fresh = base.join("fresh");
        check(&fresh).unwrap();
        let mode = std::fs::metadata(&fresh).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        std::fs::set_permissions(&fresh, std::fs::Permissions::from_mode(0o777)).unwrap();
        let error = check(&fresh).unwrap_err();
        assert!(error.contains("writable by other users"), "{error}");
        std::fs::set_permissions(&fresh, std::fs::Permissions::from_mode(0o720)).unwrap();
        assert!(check(&fresh).is_err(), "group-writable is refused too");
        std::fs::remove_dir_all(&base).unwrap();
    }
}
