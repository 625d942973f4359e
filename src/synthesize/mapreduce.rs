//! Summaries with a model, map-reduce:
//!
//! - **plan**: per group, the passages carrying the lens's signal, strongest
//!   first (at most `max_passages`, the rest reported), packed into chunks
//!   that fit the context window whole;
//! - **map**: per chunk, the model lists candidate themes with the numbers of
//!   the passages that support them and a quote; numbers outside the chunk
//!   are dropped; output with no usable theme is asked for once more, then
//!   the chunk is skipped with a note;
//! - **map** answers are kept honest: a "theme" that only repeats a
//!   passage's label or copies the prompt's example is dropped;
//! - **reduce**: near-identical titles are merged by their words, then (with
//!   a local embedding model) themes whose evidence means the same, then the
//!   model groups titles that mean the same across chunks and groups (in
//!   batches that fit; a title it leaves out stays a theme of its own).
//!
//! The model never counts: each theme's passages go back to insight, which
//! counts accounts and mentions per group and verifies quotes. Requests run
//! concurrently up to `concurrency`, all through the cache, within an
//! optional token budget.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashSet};

use futures_util::StreamExt;
use serde_json::Value;

use super::cluster::cluster;
use super::context::{echoes_label, label_fields, passage_line};
use super::evidence::Evidence;
use super::lens::Lens;
use super::summarize::{GroupSummary, RunStats};
use super::themes::{Draft, EmbedFn, QuoteCandidate, SIMILAR, topic_text};
use super::verify::verify;
use crate::error::Result;
use crate::llm::prompts::Template;
use crate::llm::redact::{Redaction, Redactor};
use crate::llm::{ChatRequest, Client, LlmSettings, Message, NoSink, Role, estimate_tokens};
use crate::retrieve::query::{stems, topic_words};

/// Themes asked for per chunk.
const MAX_THEMES_PER_CHUNK: usize = 5;
/// Added to a request whose answer had no usable theme.
const REMINDER: &str = "Important: answer only with JSON objects, one per line, each with \"theme\" and the \"passages\" numbers from the list above.";
/// Completion tokens expected per call, for estimates (the cap is max_output_tokens).
const EXPECTED_COMPLETION: u64 = 200;

/// Receives progress.
pub trait Progress {
    fn start(&self, _calls: usize) {}
    fn done(&self, _tokens: u64, _cached: bool) {}
    fn note(&self, _message: &str) {}
}

/// Progress nobody watches.
pub struct Quiet;
impl Progress for Quiet {}

/// One group's share of the work.
#[derive(Debug, Clone)]
pub struct GroupPlan {
    /// Lower-cased group value (`None`: documents without the field).
    pub key: Option<String>,
    pub label: String,
    /// Passages with signal in the group, before the cap.
    pub available: usize,
    /// Chunks of evidence passage indices.
    pub chunks: Vec<Vec<usize>>,
}

/// What a run would do.
#[derive(Debug, Clone)]
pub struct Plan {
    pub groups: Vec<GroupPlan>,
    pub est_prompt_tokens: u64,
    pub est_completion_tokens: u64,
}

impl Plan {
    /// Map calls.
    pub fn calls(&self) -> usize {
        self.groups.iter().map(|g| g.chunks.len()).sum()
    }
}

/// Everything a run needs.
pub struct Runner<'a> {
    pub client: &'a Client,
    pub settings: &'a LlmSettings,
    pub map: &'a Template,
    pub reduce: &'a Template,
    pub redactor: &'a Redactor,
    pub lens: Lens,
    pub max_tokens_total: Option<u64>,
    /// The local embedding model: the reduce step first merges themes whose
    /// supporting sentences mean the same.
    pub embed: Option<&'a EmbedFn<'a>>,
}

/// Packs `items`, in order, into runs whose costs add up to at most
/// `budget` (an item costlier than the budget gets a run of its own).
/// `cost(item, at)` is the item's cost at position `at` of its run.
fn pack<T>(
    items: impl IntoIterator<Item = T>,
    budget: usize,
    mut cost: impl FnMut(&T, usize) -> usize,
) -> Vec<Vec<T>> {
    let mut runs = Vec::new();
    let mut cur: Vec<T> = Vec::new();
    let mut used = 0;
    for item in items {
        let c = cost(&item, cur.len());
        if used + c > budget && !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
            used = 0;
        }
        used += c;
        cur.push(item);
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

/// Plans the map step.
pub fn plan(
    ev: &Evidence,
    groups: &[GroupSummary],
    by: &str,
    settings: &LlmSettings,
    map: &Template,
    max_passages: usize,
    redactor: &Redactor,
) -> Plan {
    // signal strength per passage
    let mut strength: BTreeMap<usize, f32> = BTreeMap::new();
    for s in &ev.signals {
        *strength.entry(s.passage).or_default() += s.score;
    }
    let (system, user) = map.render(&[("passages", ""), ("max_themes", "5"), ("group", "")]);
    let fixed = estimate_tokens(&system) + estimate_tokens(&user) + estimate_tokens(REMINDER) + 64;
    let budget = settings
        .context_tokens
        .saturating_sub(settings.max_output_tokens + fixed)
        .max(64);
    let mut scratch = Redaction::default();
    let mut out = Vec::new();
    let (mut prompt, mut calls) = (0u64, 0u64);
    for g in groups {
        let key = g.value.as_ref().map(|v| v.to_lowercase());
        let mut mine: Vec<(usize, f32)> = strength
            .iter()
            .filter(|(p, _)| {
                let groups = &ev.passages[**p].groups;
                match &key {
                    None => groups.is_empty(),
                    Some(k) => groups.contains(k),
                }
            })
            .map(|(p, s)| (*p, *s))
            .collect();
        let available = mine.len();
        mine.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        mine.truncate(max_passages);
        let chunks = pack(mine.into_iter().map(|(p, _)| p), budget, |&p, at| {
            let line = passage_line(at + 1, &ev.passages[p].hit, false, redactor, &mut scratch);
            estimate_tokens(&line) + 1
        });
        for c in &chunks {
            let text: usize = c
                .iter()
                .map(|&p| estimate_tokens(&ev.passages[p].hit.text) + 12)
                .sum();
            prompt += (fixed + text) as u64;
            calls += 1;
        }
        out.push(GroupPlan {
            key,
            label: g.value.clone().unwrap_or_else(|| format!("(no {by})")),
            available,
            chunks,
        });
    }
    // the reduce step: one call per ~40 candidate titles
    let reduce_calls = (calls * MAX_THEMES_PER_CHUNK as u64).div_ceil(40).max(1);
    Plan {
        groups: out,
        est_prompt_tokens: prompt + reduce_calls * 600,
        est_completion_tokens: (calls + reduce_calls)
            * EXPECTED_COMPLETION.min(settings.max_output_tokens as u64),
    }
}

/// A theme the model proposed for one chunk, in evidence terms.
#[derive(Debug, Clone)]
struct Candidate {
    title: String,
    summary: String,
    passages: BTreeSet<usize>,
    /// (passage, quote, verified)
    quotes: Vec<(usize, String, bool)>,
}

/// A theme as a model wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTheme {
    pub title: String,
    pub numbers: Vec<usize>,
    pub quote: Option<String>,
    pub summary: Option<String>,
}

/// Shared state of a run (single-threaded: futures interleave, no threads).
struct State {
    /// Label fields of the evidence: a "theme" made of them is an echo.
    labels: HashSet<String>,
    used: Cell<u64>,
    stopped: Cell<bool>,
    stats: RefCell<RunStats>,
}

impl Runner<'_> {
    /// Sends one request within the budget; `None` when the budget stops it.
    async fn call(
        &self,
        state: &State,
        req: &ChatRequest,
        progress: &dyn Progress,
    ) -> Result<Option<String>> {
        let cached = self.client.is_cached(req);
        if !cached {
            if let Some(max) = self.max_tokens_total {
                let est = req
                    .messages
                    .iter()
                    .map(|m| estimate_tokens(&m.content) as u64)
                    .sum::<u64>()
                    + estimate_tokens(&req.system) as u64
                    + req.max_tokens as u64;
                if state.stopped.get() || state.used.get() + est > max {
                    state.stopped.set(true);
                    return Ok(None);
                }
            }
        }
        let resp = self.client.chat(req, false, &mut NoSink).await?;
        let tokens = if resp.cached {
            0
        } else {
            resp.usage.prompt_tokens + resp.usage.completion_tokens
        };
        state.used.set(state.used.get() + tokens);
        {
            let mut s = state.stats.borrow_mut();
            if resp.cached {
                s.cache_hits += 1;
            } else {
                s.requests += 1;
                s.usage += resp.usage;
            }
        }
        progress.done(tokens, resp.cached);
        Ok(Some(resp.text))
    }

    fn request(&self, system: String, user: String) -> ChatRequest {
        ChatRequest {
            system,
            messages: vec![Message {
                role: Role::User,
                content: user,
            }],
            max_tokens: self.settings.max_output_tokens,
            temperature: self.settings.temperature,
        }
    }

    /// Map then reduce; returns the drafts and the run's statistics.
    pub async fn run(
        &self,
        ev: &Evidence,
        plan: &Plan,
        progress: &dyn Progress,
    ) -> Result<(Vec<Draft>, RunStats)> {
        let state = State {
            labels: label_fields(ev.passages.iter().map(|p| &p.hit)),
            used: Cell::new(0),
            stopped: Cell::new(false),
            stats: RefCell::new(RunStats::default()),
        };
        let mut redaction = Redaction::default();
        // render every chunk first (redaction needs `&mut`), then send concurrently
        let mut jobs: Vec<(String, Vec<usize>, ChatRequest)> = Vec::new();
        for g in &plan.groups {
            for (ci, chunk) in g.chunks.iter().enumerate() {
                let lines: Vec<String> = chunk
                    .iter()
                    .enumerate()
                    .map(|(i, &p)| {
                        passage_line(
                            i + 1,
                            &ev.passages[p].hit,
                            false,
                            self.redactor,
                            &mut redaction,
                        )
                    })
                    .collect();
                let (system, user) = self.map.render(&[
                    ("passages", &lines.join("\n")),
                    ("max_themes", &MAX_THEMES_PER_CHUNK.to_string()),
                    ("group", &g.label),
                ]);
                let label = format!("{} chunk {}/{}", g.label, ci + 1, g.chunks.len());
                jobs.push((label, chunk.clone(), self.request(system, user)));
            }
        }
        progress.start(jobs.len());
        let concurrency = self.settings.concurrency.max(1);
        let redaction = &redaction;
        let results: Vec<Result<(String, Vec<Candidate>)>> =
            futures_util::stream::iter(jobs.iter())
                .map(|(label, chunk, req)| {
                    let state = &state;
                    async move {
                        let found = self
                            .map_chunk(state, req, chunk, ev, redaction, progress)
                            .await?;
                        Ok((label.clone(), found.unwrap_or_default()))
                    }
                })
                .buffer_unordered(concurrency)
                .collect()
                .await;
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut by_label: BTreeMap<String, Vec<Candidate>> = BTreeMap::new();
        for r in results {
            let (label, found) = r?;
            by_label.insert(label, found);
        }
        // in a stable order, whatever order the answers came in
        for (label, chunk_found) in by_label {
            if chunk_found.is_empty() && !state.stopped.get() {
                state.stats.borrow_mut().skipped.push(format!(
                    "{label}: the model's answer had no usable theme; chunk skipped"
                ));
            }
            candidates.extend(chunk_found);
        }
        let merged = self.reduce(&state, candidates, ev, progress).await?;
        let mut stats = state.stats.into_inner();
        stats.incomplete = state.stopped.get();
        let drafts = merged
            .into_iter()
            .map(|c| to_draft(c, ev, self.lens))
            .collect();
        Ok((drafts, stats))
    }

    /// One chunk: ask, parse, ask once more if nothing was usable.
    async fn map_chunk(
        &self,
        state: &State,
        req: &ChatRequest,
        chunk: &[usize],
        ev: &Evidence,
        redaction: &Redaction,
        progress: &dyn Progress,
    ) -> Result<Option<Vec<Candidate>>> {
        for attempt in 0..2 {
            let mut r = req.clone();
            if attempt == 1 {
                if let Some(m) = r.messages.last_mut() {
                    m.content.push_str("\n\n");
                    m.content.push_str(REMINDER);
                }
            }
            let Some(text) = self.call(state, &r, progress).await? else {
                return Ok(None);
            };
            let found: Vec<Candidate> = parse_themes(&text, chunk.len())
                .into_iter()
                .filter(|raw| {
                    let title = redaction.restore(&raw.title);
                    !parroted(&title, self.map) && !echoes_label(&title, &state.labels)
                })
                .filter_map(|mut raw| {
                    if raw.numbers.is_empty() {
                        raw.numbers = passages_by_words(&redaction.restore(&raw.title), chunk, ev);
                        if raw.numbers.is_empty() {
                            return None;
                        }
                        state.stats.borrow_mut().matched_by_words += 1;
                    }
                    Some(raw)
                })
                .map(|raw| {
                    let passages: BTreeSet<usize> =
                        raw.numbers.iter().map(|n| chunk[n - 1]).collect();
                    let quotes = raw
                        .quote
                        .map(|q| redaction.restore(&q))
                        .filter(|q| !q.trim().is_empty())
                        .map(|q| {
                            let home = passages
                                .iter()
                                .copied()
                                .find(|&p| verify(&q, &ev.passages[p].hit.text));
                            let first = passages.iter().next().copied().unwrap_or(chunk[0]);
                            vec![(home.unwrap_or(first), q, home.is_some())]
                        })
                        .unwrap_or_default();
                    Candidate {
                        title: redaction.restore(&raw.title),
                        summary: raw
                            .summary
                            .map(|s| redaction.restore(&s))
                            .unwrap_or_default(),
                        passages,
                        quotes,
                    }
                })
                .collect();
            if !found.is_empty() {
                return Ok(Some(found));
            }
        }
        Ok(Some(Vec::new()))
    }

    /// Merges candidates: same words first, then (with an embedding model)
    /// the same meaning, then the model, batch by batch.
    async fn reduce(
        &self,
        state: &State,
        candidates: Vec<Candidate>,
        ev: &Evidence,
        progress: &dyn Progress,
    ) -> Result<Vec<Candidate>> {
        let mut themes = merge_by_words(candidates);
        if let Some(embed) = self.embed {
            let before = themes.len();
            themes = merge_by_meaning(themes, ev, embed)?;
            state.stats.borrow_mut().merged_by_meaning += before - themes.len();
        }
        if themes.len() <= 1 {
            return Ok(themes);
        }
        let (system, user) = self
            .reduce
            .render(&[("themes", ""), ("lens", self.lens.name())]);
        let fixed = estimate_tokens(&system) + estimate_tokens(&user) + 64;
        let budget = self
            .settings
            .context_tokens
            .saturating_sub(self.settings.max_output_tokens + fixed)
            .max(64);
        // titles carry personal data again once restored: redact them anew
        let mut titles = Redaction::default();
        // titles in batches that fit
        let batches = pack(0..themes.len(), budget.min(1500), |&i, _| {
            estimate_tokens(&themes[i].title) + 4
        });
        let mut parent: Vec<usize> = (0..themes.len()).collect();
        let mut names: BTreeMap<usize, String> = BTreeMap::new();
        for batch in &batches {
            if batch.len() < 2 {
                continue;
            }
            let listing: Vec<String> = batch
                .iter()
                .enumerate()
                .map(|(i, &t)| {
                    format!(
                        "[{}] {}",
                        i + 1,
                        self.redactor.redact(&themes[t].title, &mut titles)
                    )
                })
                .collect();
            let (system, user) = self
                .reduce
                .render(&[("themes", &listing.join("\n")), ("lens", self.lens.name())]);
            let req = self.request(system, user);
            let Some(text) = self.call(state, &req, progress).await? else {
                break;
            };
            for g in parse_groups(&text, batch.len()) {
                let members: Vec<usize> = g.numbers.iter().map(|n| batch[n - 1]).collect();
                let title = titles.restore(&g.title);
                // a copy of the prompt's example groups nothing
                if members.len() < 2 || parroted(&title, self.reduce) {
                    continue;
                }
                let root = find(&mut parent, members[0]);
                for &m in &members[1..] {
                    let r = find(&mut parent, m);
                    parent[r] = root;
                }
                if !title.trim().is_empty()
                    && title.chars().count() <= 100
                    && !echoes_label(&title, &state.labels)
                {
                    names.insert(root, title.trim().to_string());
                }
            }
        }
        let mut merged: BTreeMap<usize, Candidate> = BTreeMap::new();
        let mut roots: Vec<usize> = Vec::new();
        for i in 0..themes.len() {
            roots.push(find(&mut parent, i));
        }
        for (i, t) in themes.drain(..).enumerate() {
            let root = roots[i];
            match merged.get_mut(&root) {
                Some(m) => absorb(m, t),
                None => {
                    merged.insert(root, t);
                }
            }
        }
        let mut out = Vec::new();
        for (root, mut c) in merged {
            if let Some(name) = names.get(&root) {
                c.title = name.clone();
            }
            out.push(c);
        }
        Ok(out)
    }
}

/// Chunk numbers of the passages whose signal sentences share at least two
/// of the title's topic words (or all of them, for a title of one or two).
fn passages_by_words(title: &str, chunk: &[usize], ev: &Evidence) -> Vec<usize> {
    let words: BTreeSet<String> = topic_words(title, &[])
        .iter()
        .filter(|w| w.chars().count() >= 3)
        .flat_map(|w| stems(w))
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let need = words.len().min(2);
    chunk
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            let text: BTreeSet<String> = ev
                .signals
                .iter()
                .filter(|s| s.passage == **p)
                .flat_map(|s| stems(&s.text))
                .collect();
            words.iter().filter(|w| text.contains(*w)).count() >= need
        })
        .map(|(i, _)| i + 1)
        .collect()
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while parent[r] != r {
        r = parent[r];
    }
    parent[i] = r;
    r
}

fn absorb(into: &mut Candidate, other: Candidate) {
    // the title of the larger side wins
    if other.passages.len() > into.passages.len() {
        into.title = other.title.clone();
    }
    if into.summary.is_empty() {
        into.summary = other.summary;
    }
    into.passages.extend(other.passages);
    into.quotes.extend(other.quotes);
}

/// Merges candidates whose titles have the same topic words (or nearly).
fn merge_by_words(candidates: Vec<Candidate>) -> Vec<Candidate> {
    let words = |t: &str| -> BTreeSet<String> {
        topic_words(t, &[]).iter().flat_map(|w| stems(w)).collect()
    };
    let mut out: Vec<(BTreeSet<String>, Candidate)> = Vec::new();
    for c in candidates {
        let w = words(&c.title);
        let same = out.iter().position(|(o, _)| {
            let inter = o.intersection(&w).count();
            let union = o.union(&w).count();
            union > 0 && inter * 10 >= union * 6
        });
        match same {
            Some(i) => absorb(&mut out[i].1, c),
            None => out.push((w, c)),
        }
    }
    out.into_iter().map(|(_, c)| c).collect()
}

/// Signal sentences per theme that stand for its evidence when themes are
/// compared by meaning.
const MEANING_SENTENCES: usize = 3;

/// Merges candidates whose evidence means the same: average-linkage
/// clustering over each theme's [`MEANING_SENTENCES`] signal sentences that
/// share most words with its title (the title itself when it has none), at
/// the offline clustering's threshold ([`SIMILAR`]). Customers' sentences,
/// not the model's terse titles, carry the meaning: "we have no SCIM, so
/// provisioning users is a pain" and "every new user is created by hand"
/// (0.47 with all-MiniLM-L6-v2) while "Missing SCIM provisioning" and "Users
/// created by hand" score 0.05. Merged before the model is asked.
fn merge_by_meaning(
    themes: Vec<Candidate>,
    ev: &Evidence,
    embed: &EmbedFn<'_>,
) -> Result<Vec<Candidate>> {
    if themes.len() < 2 {
        return Ok(themes);
    }
    let mut texts: Vec<String> = Vec::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for t in &themes {
        let mut group = Vec::new();
        for s in signal_sentences(t, ev).into_iter().take(MEANING_SENTENCES) {
            group.push(texts.len());
            texts.push(topic_text(s.0));
        }
        if group.is_empty() {
            group.push(texts.len());
            texts.push(topic_text(&t.title));
        }
        groups.push(group);
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = embed(&refs)?;
    // each theme's sentences start together, so a cluster is a set of themes
    let weights = vec![1.0; vectors.len()];
    let of_sentence: Vec<usize> = groups
        .iter()
        .enumerate()
        .flat_map(|(t, g)| g.iter().map(move |_| t))
        .collect();
    let clusters: Vec<Vec<usize>> = cluster(&vectors, &weights, &groups, SIMILAR)
        .into_iter()
        .map(|sentences| {
            let mut themes: Vec<usize> = sentences.iter().map(|&s| of_sentence[s]).collect();
            themes.dedup();
            themes
        })
        .collect();
    let mut slots: Vec<Option<Candidate>> = themes.into_iter().map(Some).collect();
    let mut out = Vec::new();
    for mut members in clusters {
        members.sort_unstable();
        let mut first: Option<Candidate> = None;
        for m in members {
            let Some(t) = slots[m].take() else { continue };
            match first.as_mut() {
                Some(f) => absorb(f, t),
                None => first = Some(t),
            }
        }
        out.extend(first);
    }
    Ok(out)
}

/// The signal sentences of a theme's passages, those sharing most words with
/// its title first, then the strongest: (text, score, passage).
fn signal_sentences<'e>(c: &Candidate, ev: &'e Evidence) -> Vec<(&'e str, f32, usize)> {
    let mut sentences: Vec<(&str, f32, usize)> = ev
        .signals
        .iter()
        .filter(|s| c.passages.contains(&s.passage))
        .map(|s| (s.text.as_str(), s.score, s.passage))
        .collect();
    let title_words: BTreeSet<String> = topic_words(&c.title, &[])
        .iter()
        .flat_map(|w| stems(w))
        .collect();
    let overlap = |s: &str| stems(s).iter().filter(|w| title_words.contains(*w)).count();
    sentences.sort_by(|a, b| {
        overlap(b.0)
            .cmp(&overlap(a.0))
            .then(b.1.total_cmp(&a.1))
            .then(a.2.cmp(&b.2))
    });
    sentences
}

/// A draft from a merged candidate: verified model quotes first, then the
/// strongest signal sentences of its passages, then unverified model quotes.
fn to_draft(c: Candidate, ev: &Evidence, _lens: Lens) -> Draft {
    let mut quotes: Vec<QuoteCandidate> = c
        .quotes
        .iter()
        .filter(|q| q.2)
        .map(|q| QuoteCandidate::new(q.0, q.1.clone()))
        .collect();
    quotes.extend(
        signal_sentences(&c, ev)
            .into_iter()
            .map(|(t, _, p)| QuoteCandidate::new(p, t.to_string())),
    );
    quotes.extend(
        c.quotes
            .iter()
            .filter(|q| !q.2)
            .map(|q| QuoteCandidate::new(q.0, q.1.clone())),
    );
    Draft {
        title: c.title,
        summary: c.summary,
        key_phrases: Vec::new(),
        passages: c.passages,
        quotes,
        members: Vec::new(),
    }
}

/// Candidate themes in a model's answer: JSON objects (one per line, in an
/// array, or inside other text), else `Title [1, 3]` lines. Passage numbers
/// outside `1..=max` are dropped, and so is a theme left with none.
pub fn parse_themes(text: &str, max: usize) -> Vec<RawTheme> {
    let mut out: Vec<RawTheme> = Vec::new();
    for v in json_objects(text) {
        let title = ["theme", "title", "name", "topic"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str))
            .unwrap_or("")
            .trim()
            .to_string();
        let numbers = ["passages", "sources", "evidence", "passage", "ids"]
            .iter()
            .find_map(|k| v.get(*k))
            .map(numbers_in)
            .unwrap_or_default();
        push_theme(
            &mut out,
            title,
            numbers,
            max,
            v.get("quote").and_then(Value::as_str).map(str::to_string),
            v.get("summary").and_then(Value::as_str).map(str::to_string),
        );
    }
    if out.is_empty() {
        for line in text.lines() {
            let bullet = line
                .trim_start()
                .starts_with(|c: char| c == '-' || c == '*' || c == '•' || c.is_ascii_digit());
            let (body, nums) = match line
                .rfind('[')
                .and_then(|o| line[o..].find(']').map(|c| (o, o + c)))
            {
                Some((open, close)) => (
                    // `Title [1, 3]`, or `- [3] Title` as small models write it
                    if is_bullet_only(&line[..open]) {
                        &line[close + 1..]
                    } else {
                        &line[..open]
                    },
                    line[open + 1..close]
                        .split([',', ' ', ';'])
                        .filter_map(|n| n.trim().parse().ok())
                        .collect::<Vec<usize>>(),
                ),
                None if bullet => (line, Vec::new()),
                None => continue,
            };
            let title = body
                .trim()
                .trim_start_matches(is_bullet_char)
                .trim_end_matches([':', '-', ' ', '—'])
                .replace("**", "");
            push_theme(&mut out, title, nums, max, None, None);
        }
    }
    out
}

/// Whether a model's title only copies the example in the prompt
/// (`a short title naming one thing`), as small models do.
fn parroted(title: &str, template: &Template) -> bool {
    let t = title.trim().to_lowercase();
    t.chars().count() >= 8
        && [&template.system, &template.user]
            .iter()
            .any(|s| s.to_lowercase().contains(&t))
}

/// Characters that start a list item: `- `, `* `, `• `, `2. `, `3) `.
fn is_bullet_char(c: char) -> bool {
    matches!(c, '-' | '*' | '•' | '.' | ')' | ' ') || c.is_ascii_digit()
}

fn is_bullet_only(s: &str) -> bool {
    s.trim().chars().all(is_bullet_char)
}

/// Adds a theme; numbers outside `1..=max` are dropped. A theme given
/// numbers that were all invalid is dropped; one given none is kept (its
/// passages may be found by its words).
fn push_theme(
    out: &mut Vec<RawTheme>,
    title: String,
    numbers: Vec<usize>,
    max: usize,
    quote: Option<String>,
    summary: Option<String>,
) {
    let given = !numbers.is_empty();
    let mut numbers: Vec<usize> = numbers
        .into_iter()
        .filter(|n| (1..=max).contains(n))
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    let title = title
        .trim()
        .trim_matches(['"', '*', '_', '#'])
        .trim()
        .to_string();
    if title.is_empty() || title.chars().count() > 120 || (given && numbers.is_empty()) {
        return;
    }
    out.push(RawTheme {
        title,
        numbers,
        quote,
        summary,
    });
}

/// Groups in a reduce answer: `{"title": …, "members": [..]}`.
pub fn parse_groups(text: &str, max: usize) -> Vec<RawTheme> {
    let mut out = Vec::new();
    for v in json_objects(text) {
        let title = ["title", "theme", "name"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str))
            .unwrap_or("")
            .to_string();
        let numbers = ["members", "titles", "ids", "numbers", "themes"]
            .iter()
            .find_map(|k| v.get(*k))
            .map(numbers_in)
            .unwrap_or_default();
        push_theme(&mut out, title, numbers, max, None, None);
    }
    out
}

/// Numbers in a JSON value: `[1, "2", "[3]"]`, `"1, 4"`, `5`.
fn numbers_in(v: &Value) -> Vec<usize> {
    match v {
        Value::Number(n) => n.as_u64().map(|n| n as usize).into_iter().collect(),
        Value::String(s) => s
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect(),
        Value::Array(items) => items.iter().flat_map(numbers_in).collect(),
        _ => Vec::new(),
    }
}

/// Every JSON object in `text`: a top-level array's elements, or each
/// balanced `{…}` that parses.
fn json_objects(text: &str) -> Vec<Value> {
    if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(text.trim()) {
        return items.into_iter().filter(Value::is_object).collect();
    }
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'{' {
            i += 1;
            continue;
        }
        let (mut depth, mut in_str, mut esc, mut j) = (0i32, false, false, i);
        let mut end = None;
        while j < bytes.len() {
            let c = bytes[j];
            if in_str {
                if esc {
                    esc = false;
                } else if c == b'\\' {
                    esc = true;
                } else if c == b'"' {
                    in_str = false;
                }
            } else if c == b'"' {
                in_str = true;
            } else if c == b'{' {
                depth += 1;
            } else if c == b'}' {
                depth -= 1;
                if depth == 0 {
                    end = Some(j);
                    break;
                }
            }
            j += 1;
        }
        match end {
            Some(e) => {
                if let Ok(v) = serde_json::from_str::<Value>(&text[i..=e]) {
                    if v.is_object() {
                        out.push(v);
                    }
                }
                i = e + 1;
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_fills_runs_up_to_the_budget() {
        let runs = pack([3, 4, 2, 9, 1], 7, |&c, _| c);
        assert_eq!(runs, vec![vec![3, 4], vec![2], vec![9], vec![1]]);
        let by_position = pack(["a", "b", "c"], 3, |_, at| at + 1);
        assert_eq!(by_position, vec![vec!["a", "b"], vec!["c"]]);
    }

    #[test]
    fn parses_json_lines_arrays_and_loose_lines() {
        let text = "Here are the themes:\n{\"theme\": \"Duplicate invoices\", \"passages\": [1, 3, 9], \"quote\": \"appeared twice\"}\n{\"title\": \"Slow support\", \"passages\": \"2\"}\n{broken\n{\"theme\": \"No numbers\", \"passages\": []}";
        let t = parse_themes(text, 4);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].numbers, [1, 3], "9 is outside the chunk");
        assert_eq!(t[0].quote.as_deref(), Some("appeared twice"));
        assert_eq!(t[1].title, "Slow support");
        let arr = parse_themes("[{\"theme\": \"A\", \"passages\": [\"[2]\"]}]", 3);
        assert_eq!(arr[0].numbers, [2]);
        let loose = parse_themes(
            "1. Pricing per seat [1, 2]\n- Sync breaks: [3]\nnothing here\n2. **Slow onboarding**",
            3,
        );
        assert_eq!(
            loose.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(),
            ["Pricing per seat", "Sync breaks", "Slow onboarding"]
        );
        assert!(
            loose[2].numbers.is_empty(),
            "kept, to be matched by its words"
        );
        let leading = parse_themes(
            "* [2] Remittance advice comes by email\n* [1, 3] Slow sync",
            3,
        );
        assert_eq!(
            leading
                .iter()
                .map(|t| (t.title.as_str(), t.numbers.clone()))
                .collect::<Vec<_>>(),
            [
                ("Remittance advice comes by email", vec![2]),
                ("Slow sync", vec![1, 3])
            ]
        );
        assert!(parse_themes("{\"theme\": \"Only bad numbers\", \"passages\": [7]}", 3).is_empty());
        assert!(parse_themes("I am a small model and I ramble.", 3).is_empty());
    }

    #[test]
    fn reduce_groups_and_word_merges() {
        let g = parse_groups(
            "{\"title\": \"Pricing\", \"members\": [1, 3]}\n{\"title\": \"x\", \"members\": [7]}",
            4,
        );
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].numbers, [1, 3]);
        let c = |t: &str, p: usize| Candidate {
            title: t.into(),
            summary: String::new(),
            passages: BTreeSet::from([p]),
            quotes: vec![],
        };
        let merged = merge_by_words(vec![
            c("Duplicate invoices", 1),
            c("duplicate invoice", 2),
            c("Slow support", 3),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].passages.len(), 2);
    }

    #[test]
    fn a_copy_of_the_prompts_example_is_no_theme() {
        let t = Template {
            name: "reduce".into(),
            system: "Like: {\"title\": \"one title for the merged theme\", \"members\": [1, 4]}"
                .into(),
            user: "{{themes}}".into(),
            source: None,
        };
        assert!(parroted("One title for the merged theme", &t));
        assert!(!parroted("Duplicate invoices", &t));
        assert!(!parroted("title", &t), "too short to tell");
    }

    #[test]
    fn reduce_merges_themes_that_mean_the_same() {
        use crate::synthesize::evidence::Signal;
        let c = |t: &str, p: usize| Candidate {
            title: t.into(),
            summary: String::new(),
            passages: BTreeSet::from([p]),
            quotes: vec![],
        };
        let signal = |passage: usize, text: &str| Signal {
            passage,
            text: text.into(),
            score: 1.0,
            ..Signal::default()
        };
        let ev = Evidence {
            passages: Vec::new(),
            signals: vec![
                signal(0, "No SCIM, so provisioning is manual."),
                signal(1, "We add every user by hand."),
                signal(2, "Invoices arrive twice."),
            ],
        };
        // a stand-in for the model: provisioning words point one way, billing another
        let embed = |texts: &[&str]| -> Result<Vec<Vec<f32>>> {
            Ok(texts
                .iter()
                .map(|t| {
                    let t = t.to_lowercase();
                    if ["scim", "user", "provision"].iter().any(|w| t.contains(w)) {
                        vec![1.0, 0.0]
                    } else {
                        vec![0.0, 1.0]
                    }
                })
                .collect())
        };
        let themes = vec![
            c("Missing SCIM", 0),
            c("Manual user setup", 1),
            c("Duplicate invoices", 2),
        ];
        let merged = merge_by_meaning(themes, &ev, &embed).unwrap();
        let passages: Vec<Vec<usize>> = merged
            .iter()
            .map(|m| m.passages.iter().copied().collect())
            .collect();
        assert_eq!(passages, [vec![0, 1], vec![2]]);
    }
}
