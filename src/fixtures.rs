//! The fixture store: model catalogs, schemas and recorded responses,
//! embedded in the binary at build time and overridable by a directory.

use crate::error::Error;
use include_dir::{include_dir, Dir};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fixtures");

/// Where fixtures are read from: the embedded set, optionally overlaid by a
/// directory of the same layout (`<family>/models.json`,
/// `<family>/responses/...`). A file in the directory wins over the embedded
/// file of the same path.
///
/// # Example
///
/// ```
/// use bedrock_harness::FixtureStore;
///
/// // Arrange
/// let store = FixtureStore::embedded();
///
/// // Act
/// let models = store.read("titan_text/models.json");
///
/// // Assert
/// assert!(models.is_some());
/// assert!(store.read("no_such_family/models.json").is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct FixtureStore {
    overlay: Option<PathBuf>,
}

impl FixtureStore {
    /// The fixtures embedded in the binary.
    pub fn embedded() -> Self {
        Self::default()
    }

    /// The embedded fixtures overlaid by `dir`.
    pub fn with_overlay(dir: impl Into<PathBuf>) -> Result<Self, Error> {
        let dir = dir.into();
        if !dir.is_dir() {
            return Err(Error::Io {
                path: dir.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "the fixtures directory does not exist",
                ),
            });
        }
        Ok(Self { overlay: Some(dir) })
    }

    /// The overlay directory, if any.
    pub fn overlay(&self) -> Option<&Path> {
        self.overlay.as_deref()
    }

    /// The bytes of the fixture at `path` (relative, `/`-separated). A
    /// path that could leave the fixtures (an absolute path, a `..` or
    /// empty segment, a backslash) reads nothing, and an overlay file is
    /// read only if, links followed, it is inside the overlay directory.
    ///
    /// ```
    /// use bedrock_harness::FixtureStore;
    /// let store = FixtureStore::embedded();
    /// assert!(store.read("nova/models.json").is_some());
    /// assert!(store.read("nova/../nova/models.json").is_none());
    /// assert!(store.read("/etc/passwd").is_none());
    /// ```
    pub fn read(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        let contained = !path.contains('\\')
            && path
                .split('/')
                .all(|segment| !segment.is_empty() && segment != "." && segment != "..");
        if !contained {
            return None;
        }
        if let Some(dir) = &self.overlay {
            let inside = |file: &Path| {
                let (Ok(file), Ok(dir)) = (file.canonicalize(), dir.canonicalize()) else {
                    return false;
                };
                file.starts_with(dir)
            };
            let file = dir.join(path);
            if inside(&file) {
                if let Ok(bytes) = std::fs::read(&file) {
                    return Some(Cow::Owned(bytes));
                }
            }
        }
        EMBEDDED.get_file(path).map(|f| Cow::Borrowed(f.contents()))
    }

    /// The fixture at `path` parsed as JSON.
    pub fn read_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Option<T>, Error> {
        let Some(bytes) = self.read(path) else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| Error::Fixture {
                path: path.to_string(),
                reason: e.to_string(),
            })
    }

    /// The names of the files directly inside folder `dir`, embedded and
    /// overlay together, sorted and without repeats.
    pub fn list(&self, dir: &str) -> Vec<String> {
        let mut names: Vec<String> = EMBEDDED
            .get_dir(dir)
            .map(|d| {
                d.files()
                    .filter_map(|f| f.path().file_name()?.to_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(overlay) = &self.overlay {
            if let Ok(entries) = std::fs::read_dir(overlay.join(dir)) {
                names.extend(
                    entries
                        .filter_map(Result::ok)
                        .filter(|e| e.path().is_file())
                        .filter_map(|e| e.file_name().to_str().map(str::to_string)),
                );
            }
        }
        names.sort();
        names.dedup();
        names
    }
}
