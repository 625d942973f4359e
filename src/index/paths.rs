//! How source paths are stored and shown. The index stores a file's path
//! relative to the folder that contains the index (like git does with its
//! work tree), or absolute when the file lives elsewhere, so an index stays
//! valid whatever the current directory. Output shows paths relative to the
//! current directory when possible.

use std::path::{Path, PathBuf};

/// Converts between real paths, stored paths and displayed paths.
#[derive(Debug, Clone)]
pub struct PathMap {
    base: PathBuf,
    cwd: Option<PathBuf>,
}

impl PathMap {
    /// The map for an index at `index_dir` (which must exist).
    pub fn for_index(index_dir: &Path) -> PathMap {
        let canonical = index_dir
            .canonicalize()
            .unwrap_or_else(|_| absolute(index_dir));
        let base = canonical
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or(canonical);
        let cwd = std::env::current_dir()
            .ok()
            .and_then(|c| c.canonicalize().ok());
        PathMap { base, cwd }
    }

    /// The stored form of an absolute `path`.
    pub fn store(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.base).unwrap_or(path);
        slashes(rel)
    }

    /// The absolute path behind a stored path.
    pub fn resolve(&self, stored: &str) -> PathBuf {
        let p = Path::new(stored);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }

    /// A stored path as the user should see it: relative to the current
    /// directory when the file is below it, else absolute.
    pub fn display(&self, stored: &str) -> String {
        let abs = self.resolve(stored);
        match &self.cwd {
            Some(cwd) => match abs.strip_prefix(cwd) {
                Ok(rel) => slashes(rel),
                Err(_) => slashes(&abs),
            },
            None => slashes(&abs),
        }
    }

    /// Whether `stored` lies under the stored root `root` (or is it).
    pub fn is_under(stored: &str, root: &str) -> bool {
        root.is_empty()
            || stored == root
            || (stored.starts_with(root)
                && (root.ends_with('/') || stored.as_bytes().get(root.len()) == Some(&b'/')))
    }
}

fn slashes(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

pub use crate::files::absolute;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_relative_to_the_index_parent() {
        let m = PathMap {
            base: PathBuf::from("/proj"),
            cwd: Some(PathBuf::from("/proj/sub")),
        };
        assert_eq!(m.store(Path::new("/proj/data/a.md")), "data/a.md");
        assert_eq!(m.store(Path::new("/elsewhere/b.md")), "/elsewhere/b.md");
        assert_eq!(m.resolve("data/a.md"), PathBuf::from("/proj/data/a.md"));
        assert_eq!(m.display("sub/x.md"), "x.md");
        assert_eq!(m.display("data/a.md"), "/proj/data/a.md");
    }

    #[test]
    fn under() {
        assert!(PathMap::is_under("data/a.md", "data"));
        assert!(!PathMap::is_under("database/a.md", "data"));
        assert!(PathMap::is_under("data", "data"));
        assert!(PathMap::is_under("x", ""));
        assert!(PathMap::is_under("/a/b", "/"));
    }
}
