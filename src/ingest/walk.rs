//! Finding the files to index under the paths a user names: `.gitignore`,
//! `.ignore` and `.insightignore` rules apply, hidden files are skipped,
//! symlinks are followed while they stay inside the folder being walked
//! (one that leads out of it is reported and not followed, so a link to
//! `/etc` or `~/.ssh` never puts their files in the index; loops are
//! reported, not followed forever), and the index folder itself and the
//! accounts file are left out.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::Format;

/// Size and modification time of a file (and of its sidecar): when both are
/// unchanged, the file is taken as unchanged without reading it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sidecar: Option<(u64, u64)>,
}

/// A file to consider for indexing.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    pub format: Format,
    /// `<file>.meta.yaml` / `.meta.json` next to a transcript.
    pub sidecar: Option<PathBuf>,
    pub stamp: Stamp,
}

/// A path the walk could not use, and why.
#[derive(Debug, Clone)]
pub struct WalkProblem {
    pub path: PathBuf,
    pub reason: String,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<Candidate>,
    pub problems: Vec<WalkProblem>,
}

/// The extensions insight reads, for messages.
pub const SUPPORTED: &str = ".md .markdown .txt .vtt .srt .csv .jsonl";

/// Walks `roots` (canonical paths), leaving out `exclude` (canonical paths).
/// Explicitly named files are taken even when an ignore rule matches them.
pub fn walk(roots: &[PathBuf], exclude: &[PathBuf]) -> Walked {
    let mut out = Walked::default();
    let mut seen: HashSet<(u64, u64)> = HashSet::new();
    for root in roots {
        if root.is_file() {
            match Format::of(root) {
                Some(format) => push(&mut out, &mut seen, root.clone(), format, None),
                None => out.problems.push(WalkProblem {
                    path: root.clone(),
                    reason: format!("not a supported format (insight reads {SUPPORTED})"),
                }),
            }
            continue;
        }
        let excluded: Vec<PathBuf> = exclude.to_vec();
        let inside = root.canonicalize().unwrap_or_else(|_| root.clone());
        let escaped: Arc<Mutex<Vec<WalkProblem>>> = Arc::default();
        let walker = {
            let (inside, escaped) = (inside.clone(), escaped.clone());
            ignore::WalkBuilder::new(root)
                .follow_links(true)
                .add_custom_ignore_filename(".insightignore")
                .filter_entry(move |e| {
                    if excluded.iter().any(|x| x == e.path()) {
                        return false;
                    }
                    let outside = e.path_is_symlink()
                        && e.path()
                            .canonicalize()
                            .is_ok_and(|t| !t.starts_with(&inside));
                    if outside {
                        if let Ok(mut list) = escaped.lock() {
                            list.push(WalkProblem {
                                path: e.path().to_path_buf(),
                                reason: format!(
                                    "symlink to a place outside {}; not followed",
                                    inside.display()
                                ),
                            });
                        }
                    }
                    !outside
                })
                .build()
        };
        for entry in walker {
            match entry {
                Ok(e) => {
                    let Some(ft) = e.file_type() else { continue };
                    if !ft.is_file() {
                        continue;
                    }
                    let path = e.into_path();
                    if exclude.iter().any(|x| x == &path) {
                        continue;
                    }
                    if let Some(format) = Format::of(&path) {
                        push(&mut out, &mut seen, path, format, Some(&inside));
                    }
                }
                Err(err) => out.problems.push(problem(root, err)),
            }
        }
        if let Ok(mut list) = escaped.lock() {
            out.problems.append(&mut list);
        }
    }
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Adds the file at `path`; its sidecar counts only if it is inside
/// `inside` (when given), like the files.
fn push(
    out: &mut Walked,
    seen: &mut HashSet<(u64, u64)>,
    path: PathBuf,
    format: Format,
    inside: Option<&Path>,
) {
    let md = match std::fs::metadata(&path) {
        Ok(md) => md,
        Err(e) => {
            out.problems.push(WalkProblem {
                path,
                reason: e.to_string(),
            });
            return;
        }
    };
    if let Some(id) = file_id(&md) {
        if !seen.insert(id) {
            return; // the same file reached through a symlink
        }
    }
    let sidecar = format
        .has_sidecar()
        .then(|| find_sidecar(&path))
        .flatten()
        .filter(|s| inside.is_none_or(|i| s.canonicalize().is_ok_and(|t| t.starts_with(i))));
    let sidecar_stamp = sidecar
        .as_ref()
        .and_then(|s| std::fs::metadata(s).ok())
        .map(|m| (m.len(), mtime_ns(&m)));
    let stamp = Stamp {
        size: md.len(),
        mtime_ns: mtime_ns(&md),
        sidecar: sidecar_stamp,
    };
    out.files.push(Candidate {
        path,
        format,
        sidecar,
        stamp,
    });
}

/// The sidecar of a transcript: `x.vtt.meta.yaml` (or `.yml`, `.json`), else `x.meta.yaml`.
pub fn find_sidecar(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let stem = path.file_stem()?.to_str()?;
    [name, stem]
        .iter()
        .flat_map(|base| {
            ["meta.yaml", "meta.yml", "meta.json"]
                .iter()
                .map(move |ext| path.with_file_name(format!("{base}.{ext}")))
        })
        .find(|p| p.is_file())
}

fn mtime_ns(md: &std::fs::Metadata) -> u64 {
    md.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

#[cfg(unix)]
fn file_id(md: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((md.dev(), md.ino()))
}

#[cfg(not(unix))]
fn file_id(_md: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

fn problem(root: &Path, err: ignore::Error) -> WalkProblem {
    let mut path = root.to_path_buf();
    let mut e = &err;
    loop {
        match e {
            ignore::Error::WithPath { path: p, err } => {
                path = p.clone();
                e = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                e = err
            }
            _ => break,
        }
    }
    let reason = match e {
        ignore::Error::Loop { ancestor, .. } => {
            format!("symlink loop back to {}; not followed", ancestor.display())
        }
        ignore::Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            "broken symlink or file vanished".into()
        }
        other => other.to_string(),
    };
    WalkProblem { path, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_folder_are_not_followed_those_inside_are() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let (root, secret) = (base.join("corpus"), base.join("secret"));
        std::fs::create_dir_all(root.join("notes")).unwrap();
        std::fs::create_dir_all(&secret).unwrap();
        std::fs::write(root.join("notes/a.md"), "x").unwrap();
        std::fs::write(root.join("b.vtt"), "WEBVTT").unwrap();
        std::fs::write(secret.join("key.md"), "secret").unwrap();
        std::fs::write(secret.join("b.vtt.meta.yaml"), "account: x").unwrap();
        let link = |to: &Path, at: &str| std::os::unix::fs::symlink(to, root.join(at)).unwrap();
        link(&secret.join("key.md"), "leak.md");
        link(&secret, "elsewhere");
        link(&secret.join("b.vtt.meta.yaml"), "b.vtt.meta.yaml");
        link(&root.join("notes/a.md"), "alias.md");
        let w = walk(std::slice::from_ref(&root), &[]);
        let names: Vec<String> = w
            .files
            .iter()
            .map(|c| c.path.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        // the link inside the folder is the same file as its target: kept once
        assert_eq!(names, ["alias.md", "b.vtt"]);
        assert!(w.files[1].sidecar.is_none(), "a sidecar outside the folder");
        let refused: Vec<&Path> = w.problems.iter().map(|p| p.path.as_path()).collect();
        assert!(
            refused.contains(&root.join("leak.md").as_path()),
            "{:?}",
            w.problems
        );
        assert!(
            refused.contains(&root.join("elsewhere").as_path()),
            "{:?}",
            w.problems
        );
        assert!(w.problems.iter().all(|p| p.reason.contains("outside")));
    }

    #[test]
    fn walks_supported_files_and_survives_symlink_loops() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/one.md"), "x").unwrap();
        std::fs::write(root.join("a/b/two.vtt"), "WEBVTT").unwrap();
        std::fs::write(root.join("a/b/two.vtt.meta.yaml"), "account: x").unwrap();
        std::fs::write(root.join("a/skip.pdf"), "x").unwrap();
        std::fs::write(root.join("a/.hidden.md"), "x").unwrap();
        std::fs::write(root.join(".insightignore"), "ignored.md\n").unwrap();
        std::fs::write(root.join("a/ignored.md"), "x").unwrap();
        std::fs::create_dir_all(root.join("index")).unwrap();
        std::fs::write(root.join("index/README.md"), "x").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("a"), root.join("a/b/loop")).unwrap();
            std::os::unix::fs::symlink(root.join("nowhere.md"), root.join("a/dangling.md"))
                .unwrap();
        }
        let w = walk(std::slice::from_ref(&root), &[root.join("index")]);
        let names: Vec<String> = w
            .files
            .iter()
            .map(|c| c.path.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a/b/two.vtt", "a/one.md"]);
        assert!(w.files[0].sidecar.is_some() && w.files[0].stamp.sidecar.is_some());
        #[cfg(unix)]
        {
            assert!(
                w.problems.iter().any(|p| p.reason.contains("symlink loop")),
                "{:?}",
                w.problems
            );
            assert!(
                w.problems.iter().any(|p| p.path.ends_with("dangling.md")),
                "{:?}",
                w.problems
            );
        }
    }
}
