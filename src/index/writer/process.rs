//! One file turned into index operations: read and parsed (or skipped, or
//! found unchanged by its hash), each document enriched and compared with
//! the manifest's entry, then added, replaced or deleted; and the settings
//! hash that decides whether a file's entry still holds.

use std::collections::{BTreeMap, BTreeSet};

use tantivy::{IndexWriter, TantivyDocument, Term};
use xxhash_rust::xxh3::Xxh3;

use super::document::{add_document, doc_hash, doc_id};
use super::report::{Event, Observer, Repaired, Skipped};
use crate::embed::Embedder;
use crate::error::Result;
use crate::index::compact::{Interner, SortedMap, Sym};
use crate::index::manifest::{AccountsState, FileEntry, VERSION};
use crate::index::paths::PathMap;
use crate::index::schema::Fields;
use crate::ingest::date::parse_date;
use crate::ingest::enrich::{Enricher, kind_from_path};
use crate::ingest::load::{Load, Loaded, load_file};
use crate::ingest::walk::Candidate;
use crate::ingest::{Metadata, ParseOptions};

/// Everything a worker needs to turn one file into index operations.
pub(super) struct Ctx<'a> {
    pub(super) writer: &'a IndexWriter,
    /// The manifest's key names and counts: the new entries share them.
    pub(super) interner: &'a Interner,
    pub(super) fields: Fields,
    pub(super) paths: &'a PathMap,
    pub(super) enricher: Enricher<'a>,
    pub(super) parse: ParseOptions,
    pub(super) settings: u64,
    pub(super) observer: &'a dyn Observer,
    pub(super) embedder: Option<&'a Embedder>,
    /// Mixed into document hashes when passages carry vectors, so that
    /// turning vectors on, off or to another model re-adds every document.
    pub(super) vector_salt: u64,
}

/// Per-file result of a worker.
#[derive(Default)]
pub(super) struct Outcome {
    pub(super) stored: String,
    pub(super) entry: Option<FileEntry>,
    pub(super) added: usize,
    pub(super) updated: usize,
    pub(super) unchanged: usize,
    pub(super) removed: usize,
    pub(super) changed: bool,
    pub(super) skipped: Option<Skipped>,
    pub(super) repaired: Vec<Repaired>,
    pub(super) unmatched: Vec<String>,
    /// Passages waiting for their vectors (`--embed`): embedded many files
    /// at a time, then added.
    pub(super) pending: Vec<(TantivyDocument, String)>,
}

/// Hash of everything besides the file's bytes that shapes its documents.
pub(super) fn settings_hash(
    run_meta: &Metadata,
    text_column: Option<&str>,
    accounts: Option<&AccountsState>,
    embed: Option<&str>,
) -> u64 {
    let mut h = Xxh3::new();
    // a folder's bytes, as when the field was a path (old indexes keep their hashes)
    if let Some(id) = embed {
        h.update(b"embed\0");
        h.update(id.as_bytes());
    }
    h.update(&VERSION.to_le_bytes());
    h.update(
        serde_json::to_string(run_meta)
            .unwrap_or_default()
            .as_bytes(),
    );
    h.update(text_column.unwrap_or("").as_bytes());
    h.update(&accounts.map_or(0, |a| a.table.fingerprint()).to_le_bytes());
    h.digest()
}

/// Reads, parses and indexes one file.
pub(super) fn process(
    ctx: &Ctx<'_>,
    c: &Candidate,
    stored: String,
    old: Option<&FileEntry>,
) -> Result<Outcome> {
    let display = ctx.paths.display(&stored);
    let mut out = Outcome {
        stored: stored.clone(),
        ..Outcome::default()
    };
    let skip = |mut out: Outcome, reason: String| {
        let s = Skipped {
            path: display.clone(),
            reason,
        };
        ctx.observer.event(Event::Skipped(&s));
        out.skipped = Some(s);
        out.entry = old.cloned();
        out
    };
    let repair = |out: &mut Outcome, note: String| {
        let r = Repaired {
            path: display.clone(),
            note,
        };
        ctx.observer.event(Event::Repaired(&r));
        out.repaired.push(r);
    };
    let loaded = load_file(c, &ctx.parse, |hash| {
        old.is_some_and(|e| e.hash == hash && e.settings == ctx.settings)
    });
    let Loaded {
        hash,
        parsed,
        notes,
    } = match loaded {
        Load::Skipped(reason) => return Ok(skip(out, reason)),
        Load::Unchanged => {
            if let Some(e) = old {
                out.unchanged = e.docs.len();
                out.entry = Some(FileEntry {
                    stamp: c.stamp,
                    ..e.clone()
                });
            }
            return Ok(out);
        }
        Load::Loaded(l) => l,
    };
    for note in notes {
        repair(&mut out, note);
    }
    for note in parsed.notes {
        repair(&mut out, note);
    }
    let kind = kind_from_path(&c.path, c.format);
    let empty = SortedMap::default();
    let old_docs = old.map_or(&empty, |e| &e.docs);
    let mut docs = BTreeMap::new();
    let mut keys: BTreeMap<Sym, u32> = BTreeMap::new();
    let mut accounts: BTreeSet<String> = BTreeSet::new();
    for mut doc in parsed.documents {
        if let Some(u) = ctx.enricher.apply(&mut doc, kind) {
            out.unmatched.push(u);
        }
        let doc_id = doc_id(&stored, &doc.part);
        let date = match doc.meta.first("date") {
            Some(d) => {
                let t = parse_date(d);
                if t.is_none() {
                    let at = if doc.part.is_empty() {
                        String::new()
                    } else {
                        format!("{}: ", part_label(&doc.part))
                    };
                    repair(
                        &mut out,
                        format!(
                            "{at}date `{d}` is not an ISO 8601 date; --since/--until will not match it"
                        ),
                    );
                }
                t
            }
            None => None,
        };
        for k in doc.meta.keys() {
            *keys.entry(ctx.interner.sym(k)).or_default() += 1;
        }
        if let Some(a) = doc.meta.first("account") {
            accounts.insert(a.to_string());
        }
        let h = doc_hash(&doc) ^ ctx.vector_salt;
        match old_docs.get(&doc.part) {
            Some(&oh) if oh == h => out.unchanged += 1,
            Some(_) => {
                ctx.writer
                    .delete_term(Term::from_field_text(ctx.fields.doc_id, &doc_id));
                add_document(ctx, &stored, &doc_id, &doc, date, &mut out.pending)?;
                out.updated += 1;
                out.changed = true;
            }
            None => {
                add_document(ctx, &stored, &doc_id, &doc, date, &mut out.pending)?;
                out.added += 1;
                out.changed = true;
            }
        }
        docs.insert(doc.part, h);
    }
    for (part, &oh) in old_docs {
        if docs.contains_key(part) {
            continue;
        }
        if parsed.failed_parts.contains(part) {
            docs.insert(part.clone(), oh); // unreadable now: keep what we had
        } else {
            ctx.writer.delete_term(Term::from_field_text(
                ctx.fields.doc_id,
                &doc_id(&stored, part),
            ));
            out.removed += 1;
            out.changed = true;
        }
    }
    out.entry = Some(FileEntry {
        stamp: c.stamp,
        hash,
        settings: ctx.settings,
        docs: docs.into_iter().collect(),
        keys: ctx.interner.counts(keys.into_iter().collect()),
        accounts: accounts.into_iter().collect(),
    });
    Ok(out)
}

/// `row57` → `row 57`.
pub(super) fn part_label(part: &str) -> String {
    let digits = part.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    format!("{} {digits}", &part[..part.len() - digits.len()])
}
