//! Tantivy documents: one per passage, built from a document's passages and
//! metadata (lower-cased for filters), identified (`doc_id`) and hashed
//! (`doc_hash`) for the manifest, and added to the writer, with their
//! vectors when passages are embedded (a window of files at a time).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use tantivy::schema::OwnedValue;
use tantivy::{DateTime, IndexWriter, TantivyDocument};
use xxhash_rust::xxh3::Xxh3;

use super::process::Ctx;
use crate::embed::Embedder;
use crate::embed::vector::quantize;
use crate::error::{Error, Result};
use crate::index::schema::Fields;
use crate::ingest::{Document, Metadata};

/// `path` for a whole-file document, `path#row57` for a part.
pub fn doc_id(stored: &str, part: &str) -> String {
    if part.is_empty() {
        stored.to_string()
    } else {
        format!("{stored}#{part}")
    }
}

/// Hash of what a document contributes to the index.
pub(super) fn doc_hash(doc: &Document) -> u64 {
    let mut h = Xxh3::new();
    h.update(
        serde_json::to_string(&doc.meta)
            .unwrap_or_default()
            .as_bytes(),
    );
    for p in &doc.passages {
        h.update(b"\0");
        h.update(p.text.as_bytes());
        h.update(b"\0");
        h.update(p.location.to_string().as_bytes());
        h.update(b"\0");
        h.update(p.speaker.as_deref().unwrap_or("").as_bytes());
    }
    h.digest()
}

/// Sends one document's passages to the writer. The document's metadata is
/// indexed on every passage (filters are term lookups) but stored once, on
/// the first; a passage's own speaker is stored with it.
pub(super) fn add_document(
    ctx: &Ctx<'_>,
    stored: &str,
    doc_id: &str,
    doc: &Document,
    date: Option<i64>,
    pending: &mut Vec<(TantivyDocument, String)>,
) -> Result<()> {
    let f = &ctx.fields;
    let internal: HashSet<String> = doc
        .meta
        .get("internal")
        .iter()
        .map(|s| s.to_lowercase())
        .collect();
    let object = lowercase_object(&doc.meta);
    let raw = serde_json::to_string(&doc.meta).unwrap_or_default();
    for (i, p) in doc.passages.iter().enumerate() {
        let mut meta = object.clone();
        let speaker = p.speaker.as_deref().or_else(|| doc.meta.first("speaker"));
        let mut d = TantivyDocument::new();
        d.add_text(f.text, &p.text);
        d.add_text(f.doc_id, doc_id);
        d.add_text(f.file, stored);
        d.add_text(f.path, stored);
        d.add_text(f.location, p.location.to_string());
        d.add_u64(f.ordinal, i as u64);
        if let Some(s) = &p.speaker {
            meta.insert("speaker".into(), OwnedValue::Str(s.to_lowercase()));
            d.add_text(f.speaker, s);
        }
        d.add_bool(
            f.internal,
            speaker.is_some_and(|s| internal.contains(&s.to_lowercase())),
        );
        if let Some(t) = date {
            d.add_date(f.date, DateTime::from_timestamp_secs(t));
        }
        d.add_object(f.meta, meta);
        if i == 0 {
            d.add_text(f.meta_raw, &raw);
        }
        if ctx.embedder.is_some() {
            pending.push((d, p.text.clone())); // its vector comes with its window's
        } else {
            ctx.writer
                .add_document(d)
                .map_err(|e| Error::tantivy(ctx.paths.resolve(stored), e))?;
        }
    }
    Ok(())
}

/// Files per window when passages get vectors: enough passages for full,
/// length-sorted batches, few enough documents to hold in memory.
pub(super) const EMBED_WINDOW_FILES: usize = 256;

/// Embeds the texts of `docs` (each distinct text once) and adds the
/// documents with their vectors.
pub(super) fn add_with_vectors(
    writer: &IndexWriter,
    fields: Fields,
    embedder: &Embedder,
    docs: Vec<(TantivyDocument, String)>,
    dir: &Path,
) -> Result<()> {
    let mut distinct: HashMap<&str, usize> = Default::default();
    let mut unique: Vec<&str> = Vec::new();
    let slot: Vec<usize> = docs
        .iter()
        .map(|(_, t)| {
            *distinct.entry(t.as_str()).or_insert_with(|| {
                unique.push(t.as_str());
                unique.len() - 1
            })
        })
        .collect();
    let vectors = embedder.embed(&unique)?;
    for ((mut d, _), i) in docs.into_iter().zip(slot) {
        d.add_bytes(fields.vector, &quantize(&vectors[i]));
        writer.add_document(d).map_err(|e| Error::tantivy(dir, e))?;
    }
    Ok(())
}

/// Metadata as tantivy JSON, values lower-cased for case-insensitive filters.
fn lowercase_object(meta: &Metadata) -> BTreeMap<String, OwnedValue> {
    meta.iter()
        .map(|(k, vs)| {
            let v = if vs.len() == 1 {
                OwnedValue::Str(vs[0].to_lowercase())
            } else {
                OwnedValue::Array(
                    vs.iter()
                        .map(|v| OwnedValue::Str(v.to_lowercase()))
                        .collect(),
                )
            };
            (k.to_string(), v)
        })
        .collect()
}
