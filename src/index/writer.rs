//! `insight index`: an incremental update of the index from the files under
//! the given roots. Unchanged files (same size and mtime, or same content
//! hash) are skipped, changed documents replaced, vanished ones deleted.
//! Files are parsed in parallel and fed straight to tantivy's writer threads;
//! one commit at the end, tied to the manifest (see `manifest`). A file that
//! cannot be read keeps its previous version in the index.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::schema::OwnedValue;
use tantivy::{DateTime, Index, IndexWriter, TantivyDocument, Term};
use xxhash_rust::xxh3::Xxh3;

use super::compact::{Interner, SortedMap, Sym};
use super::manifest::{AccountsState, FileEntry, Manifest, VERSION};
use super::paths::PathMap;
use super::schema::{Fields, register_tokenizers};
use super::store::{CommitPayload, TANTIVY_DIR};
use crate::clock::now_rfc3339;
use crate::embed::Embedder;
use crate::embed::vector::quantize;
use crate::error::{Error, Result};
use crate::files::absolute;
use crate::ingest::accounts::Accounts;
use crate::ingest::date::parse_date;
use crate::ingest::enrich::{Enricher, kind_from_path};
use crate::ingest::load::{Load, Loaded, load_file};
use crate::ingest::walk::{Candidate, walk};
use crate::ingest::{Document, Metadata, ParseOptions};

/// What `insight index` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct IndexOptions {
    /// Folders and files to index; empty means the roots indexed before.
    pub paths: Vec<PathBuf>,
    /// `--accounts`: the CRM export.
    pub accounts: Option<PathBuf>,
    /// `--meta KEY=VALUE` for every document of this run.
    pub meta: Vec<(String, String)>,
    /// `--text-column`.
    pub text_column: Option<String>,
    /// `--rebuild`: start from an empty index.
    pub rebuild: bool,
    /// Indexing threads (0: one per core, at most 8).
    pub threads: usize,
    /// Writer memory budget in MB, shared by the threads.
    pub memory_mb: usize,
    /// Passage vectors: `--embed`, `--no-embed`, or as the index remembers.
    pub embed: EmbedChoice,
}

/// Whether passages get sentence-embedding vectors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum EmbedChoice {
    /// As the last run did.
    #[default]
    Keep,
    /// With this model (`--embed`): the built-in one or a folder.
    On(crate::embed::ModelSpec),
    /// No vectors (`--no-embed`).
    Off,
}

/// A file left out of this run.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// A file indexed after a repair worth knowing about.
#[derive(Debug, Clone, Serialize)]
pub struct Repaired {
    pub path: String,
    pub note: String,
}

/// What happened while indexing, reported as it happens.
pub enum Event<'a> {
    /// The number of files that need reading.
    Start {
        files: u64,
    },
    /// One more file read.
    Advance,
    Skipped(&'a Skipped),
    Repaired(&'a Repaired),
    /// Anything else the user should know.
    Notice(&'a str),
}

/// Receives [`Event`]s (the CLI turns them into a progress bar and warnings).
pub trait Observer: Sync {
    fn event(&self, event: Event<'_>);
}

/// An observer that ignores everything.
pub struct Silent;
impl Observer for Silent {
    fn event(&self, _: Event<'_>) {}
}

/// The outcome of `insight index`, counted in documents.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexReport {
    pub documents: usize,
    pub passages: u64,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub skipped: Vec<Skipped>,
    pub elapsed_ms: u64,
    /// Files read this run (not skipped by stamp).
    #[serde(skip)]
    pub files_read: usize,
    /// Files seen under the roots.
    #[serde(skip)]
    pub files_seen: usize,
    /// Repairs made.
    #[serde(skip)]
    pub repaired: Vec<Repaired>,
    /// Account references not found in the CRM table.
    #[serde(skip)]
    pub unmatched_accounts: Vec<String>,
}

/// Everything a worker needs to turn one file into index operations.
struct Ctx<'a> {
    writer: &'a IndexWriter,
    /// The manifest's key names and counts: the new entries share them.
    interner: &'a Interner,
    fields: Fields,
    paths: &'a PathMap,
    enricher: Enricher<'a>,
    parse: ParseOptions,
    settings: u64,
    observer: &'a dyn Observer,
    embedder: Option<&'a Embedder>,
    /// Mixed into document hashes when passages carry vectors, so that
    /// turning vectors on, off or to another model re-adds every document.
    vector_salt: u64,
}

/// Per-file result of a worker.
#[derive(Default)]
struct Outcome {
    stored: String,
    entry: Option<FileEntry>,
    added: usize,
    updated: usize,
    unchanged: usize,
    removed: usize,
    changed: bool,
    skipped: Option<Skipped>,
    repaired: Vec<Repaired>,
    unmatched: Vec<String>,
    /// Passages waiting for their vectors (`--embed`): embedded many files
    /// at a time, then added.
    pending: Vec<(TantivyDocument, String)>,
}

/// Runs `insight index` on the index folder `dir`.
pub fn run(dir: &Path, opts: &IndexOptions, observer: &dyn Observer) -> Result<IndexReport> {
    let started = Instant::now();
    let started_ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let paths = PathMap::for_index(dir);
    let roots = resolve_roots(&opts.paths)?;
    let (index, fields, recreated) = open_or_create(dir, opts.rebuild)?;
    if recreated {
        observer.event(Event::Notice(
            "the index was built by another version of insight; rebuilding it from the files",
        ));
    }
    let threads = if opts.threads > 0 {
        opts.threads
    } else {
        std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(8)
    };
    let budget = opts.memory_mb.max(64) * 1024 * 1024;
    let per_thread = (budget / threads).clamp(16 * 1024 * 1024, 1024 * 1024 * 1024);
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, per_thread * threads)
        .map_err(|e| Error::tantivy(dir, e))?;

    // the manifest of the committed index (the lock is ours now)
    let committed = CommitPayload::of(&index, dir)?.map_or(0, |p| p.generation);
    let loaded = Manifest::load(dir, committed)?;
    if loaded.is_none() && committed > 0 {
        observer.event(Event::Notice(
            "the manifest does not match the index; rebuilding it from the files",
        ));
    }
    let rebuild = opts.rebuild || loaded.is_none();
    // a rebuild keeps the roots and the CRM table the last manifest remembered
    let mut old = loaded
        .or_else(|| Manifest::load_latest(dir))
        .unwrap_or_default();
    if rebuild {
        // start from nothing, but keep the remembered roots and CRM table
        writer
            .delete_all_documents()
            .map_err(|e| Error::tantivy(dir, e))?;
        old.files.clear();
    }

    // the CRM table: given now, or remembered
    let accounts = load_accounts(opts.accounts.as_deref(), &old, &paths, observer)?;
    let run_meta = {
        let mut m = Metadata::new();
        for (k, v) in &opts.meta {
            m.push(k, v);
        }
        m
    };
    // the roots to walk, and the stored roots under which vanished files are removed
    let (roots, root_keys): (Vec<PathBuf>, Vec<String>) = if roots.is_empty() {
        (remembered_roots(&old, &paths, observer), old.roots.clone())
    } else {
        let keys = roots.iter().map(|r| paths.store(r)).collect();
        (roots, keys)
    };
    if root_keys.is_empty() {
        return Err(Error::invalid(
            "PATH",
            "nothing to index: name a folder or file, e.g. `insight index examples/`",
        ));
    }
    // the embedding model: chosen now, or remembered
    let embedder = match &opts.embed {
        EmbedChoice::On(spec) => Embedder::open(spec)?,
        EmbedChoice::Off => None,
        EmbedChoice::Keep => old
            .embed_model
            .as_deref()
            .map(Embedder::from_identity)
            .transpose()?,
    };
    // what the manifest records: the folder (absolute) or `builtin:NAME@CRC`
    let embed_dir: Option<String> = embedder.as_ref().map(|e| e.identity().to_string());
    let settings = settings_hash(
        &run_meta,
        opts.text_column.as_deref(),
        accounts.as_ref(),
        embed_dir.as_deref(),
    );

    let mut exclude = vec![dir.canonicalize().unwrap_or_else(|_| absolute(dir))];
    if let Some(a) = &accounts {
        exclude.push(paths.resolve(&a.path));
    }
    let walked = walk(&roots, &exclude);
    let mut report = IndexReport::default();
    let mut seen: HashSet<String> = HashSet::new();
    for p in &walked.problems {
        let stored = paths.store(&p.path);
        let s = Skipped {
            path: paths.display(&stored),
            reason: p.reason.clone(),
        };
        observer.event(Event::Skipped(&s));
        report.skipped.push(s);
        seen.insert(stored);
    }

    // sort out what needs reading
    let mut files: BTreeMap<String, FileEntry> = BTreeMap::new();
    let mut work: Vec<(&Candidate, String)> = Vec::new();
    for c in &walked.files {
        let stored = paths.store(&c.path);
        let unchanged = old.files.get(&stored).is_some_and(|e| {
            e.stamp == c.stamp && e.settings == settings && c.stamp.mtime_ns < old.started_ns
        });
        match unchanged.then(|| old.files.remove(&stored)).flatten() {
            Some(e) => {
                report.unchanged += e.docs.len();
                files.insert(stored, e);
            }
            None => {
                seen.insert(stored.clone()); // unchanged files are in `files`
                work.push((c, stored));
            }
        }
    }
    report.files_seen = walked.files.len();
    report.files_read = work.len();

    let ctx = Ctx {
        writer: &writer,
        interner: &old.interner,
        fields,
        paths: &paths,
        enricher: Enricher {
            run_meta: (!run_meta.is_empty()).then_some(&run_meta),
            accounts: accounts.as_ref().map(|a| &a.table),
        },
        parse: ParseOptions {
            text_column: opts.text_column.clone(),
        },
        settings,
        observer,
        embedder: embedder.as_ref(),
        vector_salt: embed_dir
            .as_deref()
            .map_or(0, |d| xxhash_rust::xxh3::xxh3_64(d.as_bytes())),
    };
    observer.event(Event::Start {
        files: work.len() as u64,
    });
    let old_files = std::mem::take(&mut old.files);
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    // with vectors, files go a window at a time: the window's passages are
    // embedded together (full, length-sorted batches, each distinct text once), and
    // memory holds one window's documents, not the corpus's
    let window = if embedder.is_some() {
        EMBED_WINDOW_FILES
    } else {
        work.len().max(1)
    };
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(work.len());
    for files in work.chunks(window) {
        let mut done: Vec<Outcome> = files
            .par_iter()
            .map(|(c, stored)| {
                let out =
                    process(&ctx, c, stored.clone(), old_files.get(stored)).unwrap_or_else(|e| {
                        if let Ok(mut slot) = failure.lock() {
                            slot.get_or_insert(e);
                        }
                        Outcome::default()
                    });
                if embedder.is_none() {
                    observer.event(Event::Advance);
                }
                out
            })
            .collect();
        if let Some(e) = failure.lock().ok().and_then(|mut f| f.take()) {
            return Err(e);
        }
        if let Some(e) = &embedder {
            // embedding is most of the work: a file is done once it is embedded
            let pending: Vec<(TantivyDocument, String)> =
                done.iter_mut().flat_map(|o| o.pending.drain(..)).collect();
            add_with_vectors(&writer, fields, e, pending, dir)?;
            for _ in files {
                observer.event(Event::Advance);
            }
        }
        outcomes.append(&mut done);
    }

    let mut changed = false;
    let mut unmatched: BTreeSet<String> = BTreeSet::new();
    for o in outcomes {
        report.added += o.added;
        report.updated += o.updated;
        report.unchanged += o.unchanged;
        report.removed += o.removed;
        changed |= o.changed;
        report.repaired.extend(o.repaired);
        unmatched.extend(o.unmatched);
        if let Some(s) = o.skipped {
            report.skipped.push(s);
        }
        if let Some(e) = o.entry {
            files.insert(o.stored, e);
        }
    }

    // files gone from the roots
    for (stored, entry) in old_files {
        if files.contains_key(&stored) {
            continue;
        }
        let under_root = root_keys.iter().any(|r| PathMap::is_under(&stored, r));
        if under_root && !seen.contains(&stored) {
            writer.delete_term(Term::from_field_text(fields.file, &stored));
            report.removed += entry.docs.len();
            changed = true;
        } else {
            files.insert(stored, entry);
        }
    }
    if !unmatched.is_empty() && accounts.is_some() {
        let list: Vec<&str> = unmatched.iter().take(5).map(String::as_str).collect();
        let more = unmatched.len().saturating_sub(5);
        let msg = format!(
            "{} account reference(s) not found in the accounts file: {}{}",
            unmatched.len(),
            list.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
        observer.event(Event::Notice(&msg));
    }
    report.unmatched_accounts = unmatched.into_iter().collect();

    // commit: manifest.next → tantivy commit with the generation → promote
    let changed = changed || rebuild;
    let manifest = Manifest {
        version: VERSION,
        generation: if changed { committed + 1 } else { committed },
        last_indexed: Some(now_rfc3339()),
        started_ns,
        roots: merge_roots(
            &old.roots
                .iter()
                .filter(|r| paths.resolve(r).exists())
                .cloned()
                .collect::<Vec<_>>(),
            &roots.iter().map(|r| paths.store(r)).collect::<Vec<_>>(),
        ),
        accounts,
        embed_model: embed_dir,
        files,
        interner: old.interner.clone(),
    };
    manifest.write_next(dir)?;
    if changed {
        let payload = serde_json::to_string(&CommitPayload {
            generation: manifest.generation,
            embed_model: manifest.embed_model.clone(),
        })
        .unwrap_or_default();
        let mut prepared = writer
            .prepare_commit()
            .map_err(|e| Error::tantivy(dir, e))?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(|e| Error::tantivy(dir, e))?;
    }
    Manifest::promote(dir)?;
    writer
        .wait_merging_threads()
        .map_err(|e| Error::tantivy(dir, e))?;

    let reader = index.reader().map_err(|e| Error::tantivy(dir, e))?;
    report.passages = reader.searcher().num_docs();
    report.documents = manifest.documents();
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// Opens the tantivy index in `dir`, creating it; an index whose schema is
/// not this version's is recreated (it is rebuilt from the files). Returns
/// whether that happened.
fn open_or_create(dir: &Path, rebuild: bool) -> Result<(Index, Fields, bool)> {
    let tdir = dir.join(TANTIVY_DIR);
    let mut recreated = false;
    if tdir.join("meta.json").is_file() {
        let index = Index::open_in_dir(&tdir).map_err(|e| Error::tantivy(dir, e))?;
        if let Some(fields) = Fields::of(&index.schema()) {
            register_tokenizers(&index);
            return Ok((index, fields, false));
        }
        drop(index);
        std::fs::remove_dir_all(&tdir).map_err(|e| Error::io(&tdir, e))?;
        recreated = !rebuild;
    }
    std::fs::create_dir_all(&tdir).map_err(|e| Error::io(&tdir, e))?;
    let (schema, fields) = Fields::build();
    let index = Index::create_in_dir(&tdir, schema).map_err(|e| Error::tantivy(dir, e))?;
    register_tokenizers(&index);
    Ok((index, fields, recreated))
}

/// Canonical paths of the roots named on the command line.
fn resolve_roots(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    paths
        .iter()
        .map(|p| {
            p.canonicalize().map_err(|e| {
                Error::invalid(
                    "PATH",
                    format!("{}: {}", p.display(), e.to_string().to_lowercase()),
                )
            })
        })
        .collect()
}

/// The roots indexed before; those that vanished are dropped with a notice
/// (their files then count as removed).
fn remembered_roots(old: &Manifest, paths: &PathMap, observer: &dyn Observer) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    for r in &old.roots {
        let p = paths.resolve(r);
        if p.exists() {
            roots.push(p);
        } else {
            observer.event(Event::Notice(&format!(
                "{} no longer exists; its documents are removed from the index",
                paths.display(r)
            )));
        }
    }
    roots
}

/// Adds new roots, dropping any root inside another.
fn merge_roots(old: &[String], new: &[String]) -> Vec<String> {
    let mut all: Vec<String> = old.iter().chain(new).cloned().collect();
    all.sort();
    all.dedup();
    let copy = all.clone();
    all.retain(|r| !copy.iter().any(|o| o != r && PathMap::is_under(r, o)));
    all
}

/// Loads `--accounts`, or reloads the remembered table from its file (keeping
/// the remembered copy when the file is gone).
fn load_accounts(
    given: Option<&Path>,
    old: &Manifest,
    paths: &PathMap,
    observer: &dyn Observer,
) -> Result<Option<AccountsState>> {
    let (path, remembered) = match (given, &old.accounts) {
        (Some(p), _) => (absolute(p), None),
        (None, Some(state)) => (paths.resolve(&state.path), Some(state)),
        (None, None) => return Ok(None),
    };
    let path = path.canonicalize().unwrap_or(path);
    let stored = paths.store(&path);
    match (Accounts::load(&path), remembered) {
        (Ok((table, notes)), _) => {
            for n in notes {
                observer.event(Event::Notice(&format!("{}: {n}", paths.display(&stored))));
            }
            Ok(Some(AccountsState {
                path: stored,
                table,
            }))
        }
        (Err(e), Some(state)) => {
            observer.event(Event::Notice(&format!(
                "cannot re-read the accounts file ({e}); using the copy remembered by the index"
            )));
            Ok(Some(state.clone()))
        }
        (Err(e), None) => Err(e),
    }
}

/// Hash of everything besides the file's bytes that shapes its documents.
fn settings_hash(
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
fn process(
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
        Load::Unchanged { .. } => {
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

/// `path` for a whole-file document, `path#row57` for a part.
pub fn doc_id(stored: &str, part: &str) -> String {
    if part.is_empty() {
        stored.to_string()
    } else {
        format!("{stored}#{part}")
    }
}

/// `row57` → `row 57`.
fn part_label(part: &str) -> String {
    let digits = part.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    format!("{} {digits}", &part[..part.len() - digits.len()])
}

/// Hash of what a document contributes to the index.
fn doc_hash(doc: &Document) -> u64 {
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
fn add_document(
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
const EMBED_WINDOW_FILES: usize = 256;

/// Embeds the texts of `docs` (each distinct text once) and adds the
/// documents with their vectors.
fn add_with_vectors(
    writer: &IndexWriter,
    fields: Fields,
    embedder: &Embedder,
    docs: Vec<(TantivyDocument, String)>,
    dir: &Path,
) -> Result<()> {
    let mut distinct: std::collections::HashMap<&str, usize> = Default::default();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_merge_without_nesting() {
        let got = merge_roots(
            &["data".into(), "x/y".into()],
            &["data/sub".into(), "x".into(), "z".into()],
        );
        assert_eq!(got, ["data", "x", "z"]);
    }

    #[test]
    fn part_labels() {
        assert_eq!(part_label("row57"), "row 57");
        assert_eq!(part_label("line3"), "line 3");
        assert_eq!(doc_id("a/b.csv", "row2"), "a/b.csv#row2");
        assert_eq!(doc_id("a/b.md", ""), "a/b.md");
    }
}
