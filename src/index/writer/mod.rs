//! `insight index`: an incremental update of the index from the files under
//! the given roots. Unchanged files (same size and mtime, or same content
//! hash) are skipped, changed documents replaced, vanished ones deleted.
//! Files are parsed in parallel and fed straight to tantivy's writer threads;
//! one commit at the end, tied to the manifest (see `manifest`). A file that
//! cannot be read keeps its previous version in the index.
//!
//! This file owns the run: the options, opening the tantivy index, planning
//! which files need reading, and the commit. The parts: `roots` (the roots
//! walked and the CRM table), `process` (one file read and turned into index
//! operations), `document` (tantivy documents built, hashed and added, with
//! their vectors) and `report` (what a run reports, as it happens and at
//! the end).

mod document;
mod process;
mod report;
mod roots;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

use super::manifest::{FileEntry, Manifest, VERSION};
use super::paths::PathMap;
use super::schema::{Fields, register_tokenizers};
use super::store::{CommitPayload, TANTIVY_DIR};
use crate::clock::now_rfc3339;
use crate::embed::Embedder;
use crate::error::{Error, Result};
use crate::files::absolute;
use crate::ingest::enrich::Enricher;
use crate::ingest::walk::{Candidate, Walked, walk};
use crate::ingest::{Metadata, ParseOptions};
use document::{EMBED_WINDOW_FILES, add_with_vectors};
use process::{Ctx, Outcome, process, settings_hash};
use roots::{load_accounts, merge_roots, remembered_roots, resolve_roots};

pub use report::{Event, IndexReport, Observer, Skipped};

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
    let writer = open_writer(&index, opts, dir)?;
    // files a killed or failed run left behind (never part of a commit) go
    // now, before this run needs the room
    let _ = writer.garbage_collect_files().wait();

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
    let Plan {
        mut files,
        work,
        seen,
    } = plan(&walked, &mut old, &paths, settings, &mut report, observer);

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
    let outcomes = match process_all(&ctx, &work, &old_files, &writer, dir) {
        Ok(o) => o,
        Err(e) => return Err(abandon(writer, dir, e)),
    };

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
    if accounts.is_some() {
        notice_unmatched(&unmatched, observer);
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
    commit(&manifest, writer, changed, dir)?;

    let reader = index.reader().map_err(|e| Error::tantivy(dir, e))?;
    report.passages = reader.searcher().num_docs();
    report.documents = manifest.documents();
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// Tantivy's writer with `opts`' threads (default: one per core, at most 8)
/// sharing its memory budget.
fn open_writer(index: &Index, opts: &IndexOptions, dir: &Path) -> Result<IndexWriter> {
    let threads = if opts.threads > 0 {
        opts.threads
    } else {
        std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(8)
    };
    let budget = opts.memory_mb.max(64) * 1024 * 1024;
    let per_thread = (budget / threads).clamp(16 * 1024 * 1024, 1024 * 1024 * 1024);
    index
        .writer_with_num_threads(threads, per_thread * threads)
        .map_err(|e| Error::tantivy(dir, e))
}

/// What a run must read, and what it keeps as it was.
struct Plan<'w> {
    /// Entries of unchanged files (moved out of the old manifest).
    files: BTreeMap<String, FileEntry>,
    /// Files to read, with their stored paths.
    work: Vec<(&'w Candidate, String)>,
    /// Stored paths the walk saw (read or failed), so they are not removed.
    seen: HashSet<String>,
}

/// Sorts the walk into files unchanged since the last run (same stamp and
/// settings, not modified after it started) and files to read; the walk's
/// problems are skipped files.
fn plan<'w>(
    walked: &'w Walked,
    old: &mut Manifest,
    paths: &PathMap,
    settings: u64,
    report: &mut IndexReport,
    observer: &dyn Observer,
) -> Plan<'w> {
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
    Plan { files, work, seen }
}

/// Reads, parses and adds the files of `work` in parallel; the first error
/// that is not a file's own (the writer's, the model's) stops the run.
fn process_all(
    ctx: &Ctx<'_>,
    work: &[(&Candidate, String)],
    old_files: &BTreeMap<String, FileEntry>,
    writer: &IndexWriter,
    dir: &Path,
) -> Result<Vec<Outcome>> {
    let (embedder, observer, fields) = (ctx.embedder, ctx.observer, ctx.fields);
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
                    process(ctx, c, stored.clone(), old_files.get(stored)).unwrap_or_else(|e| {
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
        if let Some(e) = embedder {
            // embedding is most of the work: a file is done once it is embedded
            let pending: Vec<(TantivyDocument, String)> =
                done.iter_mut().flat_map(|o| o.pending.drain(..)).collect();
            add_with_vectors(writer, fields, e, pending, dir)?;
            for _ in files {
                observer.event(Event::Advance);
            }
        }
        outcomes.append(&mut done);
    }

    Ok(outcomes)
}

/// Names the account references the CRM table does not have (five, and a
/// count of the rest).
fn notice_unmatched(unmatched: &BTreeSet<String>, observer: &dyn Observer) {
    if unmatched.is_empty() {
        return;
    }
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

/// The commit protocol (see `manifest`): `manifest.next.json`, then the
/// tantivy commit carrying the generation (only when something changed),
/// then the promotion; then the writer's merges finish.
fn commit(manifest: &Manifest, mut writer: IndexWriter, changed: bool, dir: &Path) -> Result<()> {
    if let Err(e) = manifest.write_next(dir) {
        return Err(abandon(writer, dir, e));
    }
    if changed {
        let payload = serde_json::to_string(&CommitPayload {
            generation: manifest.generation,
            embed_model: manifest.embed_model.clone(),
        })
        .unwrap_or_default();
        let mut prepared = match writer.prepare_commit() {
            Ok(p) => p,
            Err(e) => {
                let e = Error::index_write(dir, &e);
                return Err(abandon(writer, dir, e));
            }
        };
        prepared.set_payload(&payload);
        prepared.commit().map_err(|e| Error::index_write(dir, &e))?;
    }
    Manifest::promote(dir)?;
    writer
        .wait_merging_threads()
        .map_err(|e| Error::tantivy(dir, e))
}

/// Gives up a run that failed before its commit: nothing of it is committed,
/// the files it wrote are removed, and a failure of the writer itself (a
/// full disk, a read-only folder) is named by its real cause, which the
/// writer's threads hold, not by the file being added when it showed.
fn abandon(mut writer: IndexWriter, dir: &Path, e: Error) -> Error {
    let e = match e {
        Error::Tantivy { source, .. } => match writer.prepare_commit() {
            // the threads' own error
            Err(cause) => Error::index_write(dir, &cause),
            Ok(prepared) => {
                let _ = prepared.abort();
                Error::index_write(dir, &source)
            }
        },
        e => e,
    };
    if writer.rollback().is_ok() {
        let _ = writer.garbage_collect_files().wait();
    }
    e
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
