//! `insight profile`: the Ideal Client Profile. The CRM table (remembered by
//! the index) is read for firmographics and health metrics per group and
//! for the rest of the base (`crm`, `figures`); what customers said comes
//! from the themes of the four lenses (`synthesize::summarize`, the same
//! machinery as `insight summarize`); the best customers and what sets them
//! apart (`best`), leads scored against them (`prospects`), what changed
//! between two periods (`periods`) and each group's narrative
//! (`narrative`, written by a model when one is configured) complete it.
//! This stage computes; `report` renders.

pub mod best;
pub mod crm;
pub mod figures;
pub mod narrative;
pub mod periods;
pub mod prospects;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use self::best::{Best, RankBy};
use self::crm::{Acct, Crm, Problem, Roles};
use self::figures::{Distribution, Health, Spread, r4};
use self::periods::{Changes, PeriodSpec};
use crate::clock::now_rfc3339;
use crate::config::ProfileConfig;
use crate::embed::Embedder;
use crate::error::{Error, Result};
use crate::index::Store;
use crate::ingest::accounts::Accounts;
use crate::ingest::date::parse_date;
use crate::llm::redact::Redaction;
use crate::llm::window::Memory;
use crate::llm::{ChatRequest, Client, Message, NoSink, Role, Usage};
use crate::retrieve::Filters;
use crate::retrieve::groups::groups;
use crate::synthesize::lens::Lens;
use crate::synthesize::summarize::{self, Summary};
use crate::synthesize::themes::{Quote, Theme};
use crate::text::normalize_key;

/// Themes per lens read for the best customers, churn and changes.
const THEMES_READ: usize = 40;

/// What to profile.
#[derive(Debug, Clone)]
pub struct Options {
    /// The CRM column to group by.
    pub by: String,
    pub filters: Filters,
    /// Themes shown per lens and group.
    pub top: usize,
    /// `None`: NPS when the CRM has it, else ARR, else retention.
    pub rank_by: Option<RankBy>,
    pub top_accounts: Option<usize>,
    pub min_support: usize,
    pub compare: Option<PeriodSpec>,
    /// Speakers of our own side.
    pub internal: Vec<String>,
    pub embedder: Option<Arc<Embedder>>,
    pub product_names: Vec<String>,
    pub sample_seed: u64,
}

/// One theme as the profile shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Brief {
    pub title: String,
    pub accounts: usize,
    pub mentions: usize,
    pub account_ids: Vec<String>,
    /// A verified quote.
    pub quote: Option<Quote>,
}

/// A lens's top themes in one group.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LensThemes {
    pub lens: Lens,
    /// Accounts of the group heard from (with documents under the filters).
    pub heard: usize,
    pub themes: Vec<Brief>,
}

/// One group's profile.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GroupProfile {
    /// The group's value (`null`: accounts without it).
    pub value: Option<String>,
    pub accounts: usize,
    /// Of the accounts profiled (0–1).
    pub share: f64,
    pub account_ids: Vec<String>,
    pub firmographics: Vec<Distribution>,
    pub numbers: Vec<Spread>,
    pub health: Health,
    /// The same metrics for the other accounts profiled.
    pub rest: Health,
    pub themes: Vec<LensThemes>,
    pub narrative: String,
    /// `template` (computed facts) or `model`.
    pub narrative_by: String,
}

/// How the run went.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct RunStats {
    pub elapsed_ms: u64,
    pub usage: Usage,
    pub requests: u64,
    pub cache_hits: u64,
    /// What the reader should know: sections left out and why, sentences
    /// of a model's narrative removed.
    pub notes: Vec<String>,
}

/// The Ideal Client Profile.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Profile {
    pub by: String,
    pub generated_at: String,
    pub provider: String,
    pub model: Option<String>,
    pub filters: String,
    /// The CRM export the index remembers.
    pub accounts_file: String,
    /// Accounts profiled (after the filters).
    pub accounts: usize,
    /// Which column serves which role.
    pub columns: Roles,
    /// CRM values that could not be read.
    pub problems: Vec<Problem>,
    pub groups: Vec<GroupProfile>,
    pub best: Option<Best>,
    pub changes: Option<Changes>,
    pub run: RunStats,
}

/// Something that shows progress over the steps of a run.
pub trait Steps {
    /// `n` steps are coming.
    fn start(&self, n: usize);
    /// One step done.
    fn step(&self, what: &str);
}

/// The CRM table the index remembers, and its path.
pub fn remembered_accounts(store: &Store) -> Result<(Accounts, String)> {
    let manifest = store.manifest()?;
    match manifest.accounts {
        Some(state) => {
            let mut table = state.table;
            table.reindex();
            Ok((table, state.path))
        }
        None => Err(Error::NoAccounts {
            index: store.dir.clone(),
        }),
    }
}

/// Reads the CRM table for the profile; a config naming a missing column is
/// an error naming it.
pub fn read_crm(table: &Accounts, path: &str, columns: &ProfileConfig) -> Result<Crm> {
    Crm::read(table, columns).map_err(|message| Error::Accounts {
        path: path.into(),
        message,
    })
}

/// The accounts the filters keep: `--segment`, `--account` and `--where`
/// on CRM columns (the other filters apply to documents only).
pub fn in_scope<'a>(crm: &'a Crm, filters: &Filters) -> Vec<&'a Acct> {
    let eq = |a: Option<&str>, b: &str| {
        a.is_some_and(|a| a.trim().to_lowercase() == b.trim().to_lowercase())
    };
    // the `--where` keys, and whether the accounts file has such a column
    let wheres: Vec<(&crate::retrieve::Where, String, bool)> = filters
        .wheres
        .iter()
        .map(|w| {
            let key = normalize_key(&w.key);
            let in_crm = crm.accounts.iter().any(|b| b.raw.contains_key(&key));
            (w, key, in_crm)
        })
        .collect();
    crm.accounts
        .iter()
        .filter(|a| {
            filters.segments.is_empty()
                || filters.segments.iter().any(|s| eq(a.value("segment"), s))
        })
        .filter(|a| {
            filters.accounts.is_empty()
                || filters
                    .accounts
                    .iter()
                    .any(|x| eq(Some(&a.id), x) || eq(a.name.as_deref(), x))
        })
        .filter(|a| {
            wheres.iter().all(|(w, key, in_crm)| {
                let known = *in_crm || a.value(key).is_some();
                if !known {
                    return true;
                }
                let matches = a
                    .value(key)
                    .is_some_and(|v| crm::split_values(v).iter().any(|x| eq(Some(x), &w.value)));
                matches != w.negate
            })
        })
        .collect()
}

/// The rank metric: given, else NPS, else ARR, else retention (`None`: no
/// column to rank by).
pub fn rank_metric(crm: &Crm, given: Option<&RankBy>) -> Option<RankBy> {
    given.cloned().or_else(|| {
        if crm.roles.nps.is_some() {
            Some(RankBy::Nps)
        } else if crm.roles.arr.is_some() {
            Some(RankBy::Arr)
        } else if crm.roles.churned.is_some() {
            Some(RankBy::Retention)
        } else {
            None
        }
    })
}

/// The best customers among `scope`, with the value lifts and the numeric
/// ranges (for prospects), without themes. `Err` names why there are none.
pub fn best_customers(
    crm: &Crm,
    scope: &[&Acct],
    rank_by: &RankBy,
    top: Option<usize>,
    min_support: usize,
) -> std::result::Result<(Best, Vec<best::Trait>), String> {
    let (top_accts, rule, threshold) = best::pick(crm, scope, rank_by, top)?;
    if top_accts.is_empty() {
        return Err(format!("no account has a value to rank by {rank_by}"));
    }
    let ids: BTreeSet<&str> = top_accts.iter().map(|a| a.id.as_str()).collect();
    let rest: Vec<&Acct> = scope
        .iter()
        .copied()
        .filter(|a| !ids.contains(a.id.as_str()))
        .collect();
    let lifts = best::value_lifts(crm, &top_accts, scope);
    let b = Best {
        rank_by: rank_by.to_string(),
        rule,
        accounts: top_accts.len(),
        account_ids: top_accts.iter().map(|a| a.id.clone()).collect(),
        rest: rest.len(),
        threshold,
        traits: best::traits(&lifts, min_support),
        ranges: best::ranges(crm, &top_accts, &rest, rank_by),
        themes: Vec::new(),
        churned_themes: Vec::new(),
        profile: String::new(),
    };
    Ok((b, lifts))
}

/// Builds the profile offline: figures, themes, best customers, changes,
/// and template narratives.
pub fn build(
    store: &Store,
    columns: &ProfileConfig,
    opts: &Options,
    steps: &dyn Steps,
) -> Result<Profile> {
    let started = Instant::now();
    let (table, path) = remembered_accounts(store)?;
    let crm = read_crm(&table, &path, columns)?;
    let by = normalize_key(&opts.by);
    let mut notes = Vec::new();
    let known_column = |k: &str| crm.accounts.iter().any(|a| a.value(k).is_some());
    if !known_column(&by) {
        let cols: BTreeSet<&String> = crm.accounts.iter().flat_map(|a| a.raw.keys()).collect();
        return Err(Error::invalid(
            "--by",
            format!(
                "`{}` is not a column of the accounts file {path} (columns: {})",
                opts.by,
                cols.iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let scope = in_scope(&crm, &opts.filters);
    // the groups: accounts by the CRM column's value, largest first
    let mut by_value: BTreeMap<Option<String>, Vec<&Acct>> = BTreeMap::new();
    for a in &scope {
        let v = a
            .value(&by)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty());
        let key = v.as_ref().map(|v| v.to_lowercase());
        by_value.entry(key).or_default().push(a);
    }
    let mut group_list: Vec<(Option<String>, Vec<&Acct>)> = by_value
        .into_iter()
        .map(|(k, accts)| {
            let shown = k
                .as_ref()
                .and_then(|_| accts[0].value(&by).map(|v| v.trim().to_string()));
            (shown, accts)
        })
        .collect();
    group_list.sort_by(|a, b| {
        b.1.len()
            .cmp(&a.1.len())
            .then(a.0.is_none().cmp(&b.0.is_none()))
            .then(a.0.cmp(&b.0))
    });
    // who we heard from (documents under the filters)
    let heard: BTreeSet<String> = groups(store, "account", &opts.filters)?
        .into_iter()
        .filter_map(|g| g.value.map(|v| v.to_lowercase()))
        .collect();
    // what they said: each lens by group, and over everything
    steps.start(Lens::ALL.len());
    let mut by_group: Vec<(Lens, Summary)> = Vec::new();
    let mut overall: Vec<(Lens, Theme)> = Vec::new();
    for lens in Lens::ALL {
        let so = summarize::Options {
            by: by.clone(),
            lens,
            filters: opts.filters.clone(),
            top: opts.top.max(1),
            internal: opts.internal.clone(),
            embedder: opts.embedder.clone(),
            product_names: opts.product_names.clone(),
            sample_seed: opts.sample_seed,
        };
        let (summary, all) = summarize::summarize_offline_overall(store, &so, THEMES_READ)?;
        by_group.push((lens, summary));
        overall.extend(all.into_iter().map(|t| (lens, t)));
        steps.step(&lens.to_string());
    }
    let base = scope.len();
    let answers = crm.nps_is_answers();
    let mut out_groups = Vec::new();
    for (value, accts) in &group_list {
        let ids: BTreeSet<String> = accts.iter().map(|a| a.id.to_lowercase()).collect();
        let rest: Vec<&Acct> = scope
            .iter()
            .copied()
            .filter(|a| !ids.contains(&a.id.to_lowercase()))
            .collect();
        let key = value.as_ref().map(|v| v.to_lowercase());
        let heard_here = ids.iter().filter(|a| heard.contains(*a)).count();
        let themes = by_group
            .iter()
            .map(|(lens, s)| {
                let g = s
                    .groups
                    .iter()
                    .find(|g| g.value.as_ref().map(|v| v.to_lowercase()) == key);
                LensThemes {
                    lens: *lens,
                    heard: heard_here,
                    themes: g
                        .map(|g| {
                            g.themes
                                .iter()
                                .take(opts.top.max(1))
                                .map(|t| Brief {
                                    title: t.title.clone(),
                                    accounts: t.accounts,
                                    mentions: t.mentions,
                                    account_ids: t.account_ids.clone(),
                                    quote: t.quotes.iter().find(|q| q.verified).cloned(),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect();
        let mut g = GroupProfile {
            value: value.clone(),
            accounts: accts.len(),
            share: r4(accts.len() as f64 / base.max(1) as f64),
            account_ids: accts.iter().map(|a| a.id.clone()).collect(),
            firmographics: figures::distributions(&crm, accts),
            numbers: figures::spreads(&crm, accts),
            health: figures::health(accts, answers),
            rest: figures::health(&rest, answers),
            themes,
            narrative: String::new(),
            narrative_by: "template".into(),
        };
        let label = group_label(value.as_deref(), &by);
        g.narrative = narrative::facts(&label, &g, base, &by, &crm.roles.money(), false).join(" ");
        out_groups.push(g);
    }
    // the best customers, and what they and the churned said
    let rank_by = rank_metric(&crm, opts.rank_by.as_ref());
    let best = match &rank_by {
        None => {
            notes.push("no best customers: the accounts file has no NPS, ARR or churn column (map one in [profile])".into());
            None
        }
        Some(r) => match best_customers(&crm, &scope, r, opts.top_accounts, opts.min_support) {
            Ok((mut b, _)) => {
                let set: BTreeSet<String> =
                    b.account_ids.iter().map(|a| a.to_lowercase()).collect();
                b.themes = best::theme_lifts(&overall, &set, &heard, opts.min_support);
                let churned: BTreeSet<String> = scope
                    .iter()
                    .filter(|a| a.churned == Some(true))
                    .map(|a| a.id.to_lowercase())
                    .collect();
                b.churned_themes = best::theme_lifts(&overall, &churned, &heard, opts.min_support);
                b.profile = best::sentence(&b, &|_, x| narrative::num(x));
                Some(b)
            }
            Err(why) => {
                if opts.rank_by.is_some() {
                    return Err(Error::invalid("--rank-by", format!("{why} in {path}")));
                }
                notes.push(format!("no best customers: {why}"));
                None
            }
        },
    };
    // what changed
    let changes = match &opts.compare {
        None => None,
        Some(spec) => {
            let latest = overall
                .iter()
                .flat_map(|(_, t)| t.said.iter())
                .filter_map(|m| m.date.as_deref().and_then(parse_date))
                .chain(scope.iter().filter_map(|a| a.closed))
                .max();
            match periods::periods(spec, latest) {
                Some(p) => Some(periods::compare(p, &overall, &scope)),
                None => {
                    notes.push(
                        "no comparison over time: no document and no won deal has a date".into(),
                    );
                    None
                }
            }
        }
    };
    if !crm.problems.is_empty() {
        notes.push(format!(
            "{} value(s) in {path} could not be read and were left out (see problems)",
            crm.problems.len()
        ));
    }
    Ok(Profile {
        by,
        generated_at: now_rfc3339(),
        provider: "extractive".into(),
        model: None,
        filters: by_group
            .first()
            .map(|(_, s)| s.filters.clone())
            .unwrap_or_default(),
        accounts_file: path,
        accounts: base,
        columns: crm.roles.clone(),
        problems: crm.problems.clone(),
        groups: out_groups,
        best,
        changes,
        run: RunStats {
            elapsed_ms: started.elapsed().as_millis() as u64,
            notes,
            ..RunStats::default()
        },
    })
}

/// A group's name in prose.
pub fn group_label(value: Option<&str>, by: &str) -> String {
    match value {
        Some(v) => v.to_string(),
        None => format!("(no {by})"),
    }
}

/// Has the model write each group's narrative from its facts; numbers it
/// states that the facts lack are removed with their sentence and noted.
/// A group whose answer is unusable keeps the template.
pub async fn narrate(
    store: &Store,
    profile: &mut Profile,
    run: &summarize::ModelRun<'_>,
    steps: &dyn Steps,
) -> Result<()> {
    let started = Instant::now();
    let prompts = run.policy.prompts();
    let template = prompts.load("profile")?;
    let redactor = run.redactor(store)?;
    let client = Client::new(run.settings, run.policy.cache_for(&store.dir))?
        .remembering(Memory::for_index(&store.dir));
    profile.provider = run.settings.provider.to_string();
    profile.model = run.settings.model.clone();
    steps.start(profile.groups.len());
    let base = profile.accounts;
    let by = profile.by.clone();
    let roles = profile.columns.clone();
    let money = roles.money();
    for g in &mut profile.groups {
        let label = group_label(g.value.as_deref(), &by);
        let facts = narrative::facts(&label, g, base, &by, &money, true);
        let mut redaction = Redaction::default();
        let listed: String = facts
            .iter()
            .enumerate()
            .map(|(i, f)| format!("{}. {}\n", i + 1, redactor.redact(f, &mut redaction)))
            .collect();
        let (system, user) = template.render(&[("group", &label), ("facts", listed.trim_end())]);
        let req = ChatRequest {
            system,
            messages: vec![Message {
                role: Role::User,
                content: user,
            }],
            max_tokens: run.settings.max_output_tokens.min(400),
            temperature: run.settings.temperature,
            json_schema: None,
        };
        let resp = client.chat(&req, false, &mut NoSink).await?;
        profile.run.requests += 1;
        if resp.cached {
            profile.run.cache_hits += 1;
        }
        profile.run.usage += resp.usage;
        let text = redaction.restore(resp.text.trim());
        let text = text.trim_matches(|c: char| c == '"' || c.is_whitespace());
        if narrative::is_list(text) {
            profile.run.notes.push(format!(
                "{label}: the model wrote a list, not a paragraph; the computed facts are shown instead"
            ));
            steps.step(&label);
            continue;
        }
        let (kept, removed) = narrative::check(text, &facts);
        for r in &removed {
            profile.run.notes.push(format!(
                "{label}: removed from the model's narrative, for a number insight did not compute: \u{201c}{r}\u{201d}"
            ));
        }
        if kept.split_whitespace().count() >= 8 {
            g.narrative = kept;
            g.narrative_by = "model".into();
        } else {
            profile.run.notes.push(format!(
                "{label}: the model's narrative was unusable; the computed facts are shown instead"
            ));
        }
        steps.step(&label);
    }
    profile.run.elapsed_ms += started.elapsed().as_millis() as u64;
    Ok(())
}
