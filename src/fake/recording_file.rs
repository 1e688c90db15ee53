//! Writing one recording so that nothing is lost or left half-written:
//! the read, merge and write happen under an exclusive lock on the
//! recording's directory (recorders in other processes on the same
//! directory wait their turn), through a temporary file whose name is
//! unique to the process and the write, renamed into place; a write that
//! fails removes its temporary file.

use crate::error::Error;
use crate::recording::Recording;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes so far in this process, for unique temporary names.
static WRITES: AtomicU64 = AtomicU64::new(0);

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Reads the recording at `path` (an empty one when there is none), lets
/// `change` update it, and writes it back atomically; blocking.
///
/// A file that is there but is not a recording is an error rather than
/// being overwritten.
pub(crate) fn update(path: &Path, change: impl FnOnce(&mut Recording)) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let lock = File::open(dir).map_err(io(dir))?;
    lock.lock().map_err(io(dir))?;
    let mut recording: Recording = match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Fixture {
            path: path.display().to_string(),
            reason: format!("not a recording, left as it is: {e}"),
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Recording::default(),
        Err(e) => return Err(io(path)(e)),
    };
    change(&mut recording);
    let text = serde_json::to_string_pretty(&recording)
        .map_err(|e| io(path)(std::io::Error::other(e)))?
        + "\n";
    write_atomically(path, text.as_bytes())
}

/// Writes `bytes` to a temporary file beside `path` and renames it into
/// place; on failure the temporary file is removed.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let temporary = temporary_name(path);
    let written =
        std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(io(path)(e));
    }
    Ok(())
}

/// `.NAME.PID.N.partial` beside `path`: hidden, and unique to this
/// process and write.
fn temporary_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = WRITES.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}.{n}.partial", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bh-recfile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn concurrent_updates_all_land() {
        let dir = dir("concurrent");
        let path = dir.join("m.json");
        std::thread::scope(|scope| {
            for i in 0..16 {
                let path = &path;
                scope.spawn(move || {
                    update(path, |r| {
                        let mut stream = r.stream.take().unwrap_or_default();
                        stream.push(json!(i));
                        r.stream = Some(stream);
                    })
                    .unwrap()
                });
            }
        });
        let recording: Recording = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(recording.stream.unwrap().len(), 16, "no update was lost");
        assert_eq!(entries(&dir), vec!["m.json"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file_and_says_where() {
        let dir = dir("failed");
        // The recording's name is taken by a directory that is not empty,
        // so the rename fails, for root too.
        std::fs::create_dir_all(dir.join("m.json/inside")).unwrap();
        let err = write_atomically(&dir.join("m.json"), b"{}").unwrap_err();
        assert!(err.to_string().contains("m.json"), "{err}");
        assert_eq!(entries(&dir), vec!["m.json"], "the temporary file is gone");
        let err = update(&dir.join("m.json"), |r| r.invoke = Some(json!({}))).unwrap_err();
        assert!(err.to_string().contains("m.json"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_that_is_not_a_recording_is_not_overwritten() {
        let dir = dir("foreign");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("m.json"), "not json").unwrap();
        assert!(update(&dir.join("m.json"), |_| {}).is_err());
        assert_eq!(std::fs::read(dir.join("m.json")).unwrap(), b"not json");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
