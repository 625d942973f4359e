//! Loading one file from disk: its size check, the bytes of the file and of
//! its sidecar, their content hash (so an unchanged file is not parsed
//! again), the decoding, the sidecar's metadata and the parse into
//! documents. Everything that goes wrong is a reason to skip the file or a
//! repair note, never an error: one bad file never stops a run.

use std::path::Path;

use xxhash_rust::xxh3::Xxh3;

use super::decode::decode;
use super::walk::Candidate;
use super::yaml::{parse_json_object, parse_mapping};
use super::{Metadata, ParseOptions, Parsed};

/// Files larger than this are skipped (nobody writes a 256 MB interview).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// What loading a file gave.
#[derive(Debug)]
pub enum Load {
    /// Its content hash says it has not changed: not parsed.
    Unchanged,
    /// It cannot be used, and why (its previous version is kept).
    Skipped(String),
    /// Parsed.
    Loaded(Loaded),
}

/// A parsed file.
#[derive(Debug)]
pub struct Loaded {
    /// The hash of the file's bytes and its sidecar's.
    pub hash: u64,
    /// Its documents, the parts that failed and the parser's repair notes.
    pub parsed: Parsed,
    /// Repairs before parsing (the encoding, the sidecar), to tell the user.
    pub notes: Vec<String>,
}

/// Reads and parses the file `c`; `unchanged(hash)` says whether the index
/// already holds this content (then it is not parsed).
pub fn load_file(c: &Candidate, parse: &ParseOptions, unchanged: impl Fn(u64) -> bool) -> Load {
    if c.stamp.size > MAX_FILE_BYTES {
        return Load::Skipped(format!("larger than {} MB", MAX_FILE_BYTES >> 20));
    }
    let bytes = match std::fs::read(&c.path) {
        Ok(b) => b,
        Err(e) => return Load::Skipped(e.to_string().to_lowercase()),
    };
    let sidecar_bytes = c.sidecar.as_ref().and_then(|s| std::fs::read(s).ok());
    let mut h = Xxh3::new();
    h.update(&bytes);
    if let Some(sb) = &sidecar_bytes {
        h.update(b"\0sidecar\0");
        h.update(sb);
    }
    let hash = h.digest();
    if unchanged(hash) {
        return Load::Unchanged;
    }
    let mut notes = Vec::new();
    let decoded = match decode(&bytes) {
        Ok(d) => d,
        Err(e) => return Load::Skipped(e.to_string()),
    };
    drop(bytes);
    notes.extend(decoded.note.clone());
    let sidecar = match (&c.sidecar, &sidecar_bytes) {
        (Some(path), Some(sb)) => match read_sidecar(path, sb) {
            Ok(m) => Some(m),
            Err(e) => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                notes.push(format!("sidecar {name}: {e}; its metadata was ignored"));
                None
            }
        },
        _ => None,
    };
    match super::parse(c.format, &decoded.text, sidecar.as_ref(), parse) {
        Ok(parsed) => Load::Loaded(Loaded {
            hash,
            parsed,
            notes,
        }),
        Err(reason) => Load::Skipped(reason),
    }
}

/// A sidecar's metadata: JSON for `.meta.json`, else YAML.
fn read_sidecar(path: &Path, bytes: &[u8]) -> Result<Metadata, String> {
    let text = decode(bytes).map_err(|e| e.to_string())?.text;
    if path.extension().is_some_and(|e| e == "json") {
        parse_json_object(&text)
    } else {
        parse_mapping(&text)
            .map_err(|e| format!("not valid YAML ({})", e.lines().next().unwrap_or("")))
    }
}
