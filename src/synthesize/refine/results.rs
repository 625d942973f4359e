//! Applying the namings: outliers the evidence agrees on leave their theme,
//! titles replace insight's, summaries stay when their numbers are backed.

use std::collections::BTreeSet;

use super::reply::body;
use super::{Naming, Plan};
use crate::synthesize::cluster::{dot, normalize, weighted_sum};
use crate::synthesize::evidence::Evidence;
use crate::synthesize::offline::Units;
use crate::synthesize::summarize::Selection;
use crate::synthesize::themes::{Draft, GroupTheme};
use crate::text::stems;

/// Applies the namings to the selection: sentences that do not belong
/// leave their theme (which is counted and quoted again without them), the
/// model's title replaces insight's, and its summary is kept when every
/// number in it is one insight computed or one the customers said. Returns
/// notes on what was changed.
pub fn apply(
    sel: &mut Selection,
    plan: &Plan,
    namings: Vec<Option<Naming>>,
    ev: &Evidence,
    units: &Units,
    group_accounts: &[usize],
) -> Vec<String> {
    let mut notes = Vec::new();
    let mut dropped: Vec<(usize, usize)> = Vec::new();
    // the titles given in each group, by their words: two themes are never
    // called the same
    let mut given: Vec<BTreeSet<Vec<String>>> = vec![BTreeSet::new(); sel.per_group.len()];
    for (job, naming) in plan.jobs.iter().zip(namings) {
        let Some(naming) = naming else { continue };
        let mut words = stems(&naming.title);
        words.sort();
        words.dedup();
        if !given[job.group].insert(words) {
            notes.push(format!(
                "{}: the model named \"{}\" like another theme of the group (\"{}\"); kept insight's title",
                job.label, job.offline_title, naming.title
            ));
            continue;
        }
        let key = sel.keys.get(job.group).cloned().flatten();
        let i = sel.per_group[job.group][job.slot].0;
        let mut draft_index = i;
        let mut removed_units: BTreeSet<usize> = BTreeSet::new();
        // a model that rejects most of what it was shown misread the task
        if !naming.outliers.is_empty() && naming.outliers.len() * 2 <= job.shown.len() {
            removed_units = confirmed_outliers(&job.shown, &naming.outliers, units);
        }
        let mut theme: Option<GroupTheme> = None;
        if !removed_units.is_empty() {
            let draft = without(&sel.drafts[draft_index], &removed_units, ev, units);
            match draft.for_group(ev, key.as_deref(), Some(units)) {
                Some(t) => {
                    sel.drafts.push(draft);
                    draft_index = sel.drafts.len() - 1;
                    notes.push(format!(
                        "{}: {} sentence(s) the model said are not about \"{}\" left the theme",
                        job.label,
                        removed_units.len(),
                        naming.title
                    ));
                    theme = Some(t);
                }
                None => {
                    dropped.push((job.group, job.slot));
                    notes.push(format!(
                        "{}: \"{}\" had nothing left once the sentences the model set apart were taken out",
                        job.label, job.offline_title
                    ));
                    continue;
                }
            }
        }
        let entry = &mut sel.per_group[job.group][job.slot];
        if let Some(t) = theme {
            *entry = (draft_index, t);
        }
        let t = &mut entry.1.theme;
        t.title = naming.title.clone();
        let mut allowed: BTreeSet<String> = [t.accounts, t.mentions]
            .into_iter()
            .chain(group_accounts.get(job.group).copied())
            .map(|n| n.to_string())
            .collect();
        if let Some(&g) = group_accounts.get(job.group).filter(|&&g| g > 0) {
            allowed.insert(format!("{}", (t.accounts * 100 + g / 2) / g));
        }
        let said: String = job
            .lines
            .iter()
            .map(|l| body(l))
            .collect::<Vec<_>>()
            .join(" ");
        let said_numbers: BTreeSet<String> = numbers(&said).into_iter().collect();
        let unsupported: Vec<String> = numbers(&naming.summary)
            .into_iter()
            .filter(|n| !allowed.contains(n) && !said_numbers.contains(n))
            .collect();
        if unsupported.is_empty() {
            t.summary = naming.summary;
        } else {
            notes.push(format!(
                "{}: removed the model's summary of \"{}\": it states {} that insight did not count",
                job.label,
                naming.title,
                unsupported.join(", ")
            ));
            t.summary.clear();
        }
        if draft_index == i {
            sel.titles.entry(draft_index).or_insert(naming.title);
        } else {
            sel.titles.insert(draft_index, naming.title);
        }
    }
    dropped.sort_unstable();
    for (g, slot) in dropped.into_iter().rev() {
        sel.per_group[g].remove(slot);
    }
    notes
}

/// The sentences the model set apart that the evidence agrees are apart:
/// each is less like the theme's other shown sentences (their centroid)
/// than any of those is. A sentence the model misjudged stays.
fn confirmed_outliers(shown: &[usize], outliers: &[usize], units: &Units) -> BTreeSet<usize> {
    let apart: BTreeSet<usize> = outliers.iter().map(|&k| shown[k]).collect();
    let kept: Vec<usize> = shown
        .iter()
        .copied()
        .filter(|m| !apart.contains(m))
        .collect();
    if kept.is_empty() {
        return BTreeSet::new();
    }
    let (mut centre, _) = weighted_sum(kept.iter().map(|&m| (units.vectors[m].as_slice(), 1.0)));
    normalize(&mut centre);
    let floor = kept
        .iter()
        .map(|&m| dot(&units.vectors[m], &centre))
        .fold(f32::INFINITY, f32::min);
    apart
        .into_iter()
        .filter(|&m| dot(&units.vectors[m], &centre) < floor)
        .collect()
}

/// The numbers written in digits in `text` ("12", "3.5", "40%" → "40").
pub(super) fn numbers(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .map(|w| w.trim_matches(|c| c == '.' || c == ',').replace(',', ""))
        .filter(|w| !w.is_empty() && w.chars().any(|c| c.is_ascii_digit()))
        .collect()
}

/// `draft` without the clauses `removed`: its passages are those its other
/// clauses were said in.
fn without(draft: &Draft, removed: &BTreeSet<usize>, ev: &Evidence, units: &Units) -> Draft {
    let members: Vec<usize> = draft
        .members
        .iter()
        .copied()
        .filter(|m| !removed.contains(m))
        .collect();
    let passages = units.passages_of(ev, &members);
    Draft {
        title: draft.title.clone(),
        summary: draft.summary.clone(),
        key_phrases: draft.key_phrases.clone(),
        passages,
        quotes: Vec::new(),
        members,
    }
}
