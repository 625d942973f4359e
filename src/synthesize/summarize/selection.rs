//! Each group's themes: the drafts counted in the group, those titled
//! alike merged, ranked and the top kept (`select`); then summarised with
//! the group's facts and how the other groups compare, and the comparison
//! table across groups (`finish`).

use std::collections::{BTreeMap, BTreeSet};

use super::{CompareRow, GroupSummary, Options, Prepared};
use crate::synthesize::describe;
use crate::synthesize::evidence::Evidence;
use crate::synthesize::offline::Units;
use crate::synthesize::themes::{Draft, GroupTheme, rank};
use crate::text::stems;

/// Counts each draft per group, ranks, keeps the top themes, and writes
/// the offline themes' summaries; adds the comparison across groups when
/// asked. With `dedupe`, a theme mostly made of passages a higher-ranked
/// theme already shows is left out.
pub fn assemble(
    prep: Prepared,
    drafts: &[Draft],
    units: Option<&Units>,
    opts: &Options,
    compare: bool,
    dedupe: bool,
) -> (Vec<GroupSummary>, Option<Vec<CompareRow>>) {
    let selection = select(&prep, drafts, units, opts, dedupe);
    finish(prep, selection, opts, compare)
}

/// The themes each group reports, before their summaries are written.
pub struct Selection {
    /// The drafts, and those made for one group (merged, or with sentences
    /// a model said do not belong taken out), appended.
    pub drafts: Vec<Draft>,
    /// Per group (in the order of the groups): the draft behind each kept
    /// theme, and the theme as counted in the group.
    pub per_group: Vec<Vec<(usize, GroupTheme)>>,
    /// Lower-cased group values.
    pub keys: Vec<Option<String>>,
    /// A title for the comparison table, by draft, over the draft's own.
    pub titles: BTreeMap<usize, String>,
}

/// Counts each draft per group, ranks, and keeps each group's top themes.
pub fn select(
    prep: &Prepared,
    drafts: &[Draft],
    units: Option<&Units>,
    opts: &Options,
    dedupe: bool,
) -> Selection {
    let evidence = &prep.evidence;
    let keys: Vec<Option<String>> = prep
        .groups
        .iter()
        .map(|g| g.value.as_ref().map(|v| v.to_lowercase()))
        .collect();
    // the drafts, and those merged within one group (appended: each group
    // starts from the original drafts only)
    let originals = drafts.len();
    let mut drafts: Vec<Draft> = drafts.to_vec();
    let mut per_group: Vec<Vec<(usize, GroupTheme)>> = Vec::new();
    for key in &keys {
        let themes: Vec<(usize, GroupTheme)> = drafts[..originals]
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.for_group(evidence, key.as_deref(), units).map(|t| (i, t)))
            .collect();
        let mut themes = match units {
            Some(units) => merge_same_titles(&mut drafts, themes, evidence, key.as_deref(), units),
            None => themes,
        };
        themes.sort_by(|a, b| {
            let (x, y) = (&a.1.theme, &b.1.theme);
            y.accounts
                .cmp(&x.accounts)
                .then(y.mentions.cmp(&x.mentions))
                .then(x.title.cmp(&y.title))
        });
        // a theme mostly made of passages a higher one already shows is left out
        let mut kept: Vec<(usize, GroupTheme)> = Vec::new();
        let mut shown_passages: BTreeSet<usize> = BTreeSet::new();
        for (i, t) in themes {
            if kept.len() >= opts.top {
                break;
            }
            let mine: Vec<usize> = drafts[i].passages.iter().copied().collect();
            let overlap = mine.iter().filter(|p| shown_passages.contains(p)).count();
            if dedupe && overlap * 10 >= mine.len() * 6 && overlap > 0 {
                continue;
            }
            shown_passages.extend(mine);
            kept.push((i, t));
        }
        per_group.push(kept);
    }
    Selection {
        drafts,
        per_group,
        keys,
        titles: Default::default(),
    }
}

/// Writes the kept themes' summaries (a model's sentence, when it wrote
/// one, then the computed facts), ranks them, and adds the comparison
/// across groups when asked.
pub fn finish(
    prep: Prepared,
    selection: Selection,
    opts: &Options,
    compare: bool,
) -> (Vec<GroupSummary>, Option<Vec<CompareRow>>) {
    let Prepared {
        mut groups,
        evidence,
    } = prep;
    let Selection {
        drafts,
        per_group,
        keys,
        titles,
    } = selection;
    let in_top: BTreeSet<usize> = per_group
        .iter()
        .flat_map(|kept| kept.iter().map(|(i, _)| *i))
        .collect();
    // summaries: the group's facts, and how the other groups compare
    let totals: Vec<(Option<String>, usize)> = groups
        .iter()
        .map(|g| (g.value.clone(), g.accounts))
        .collect();
    for (gi, (g, kept)) in groups.iter_mut().zip(per_group).enumerate() {
        g.themes = kept
            .into_iter()
            .map(|(i, mut t)| {
                if let Some(mut facts) = t.facts.take() {
                    facts.by = opts.by.clone();
                    facts.group = g.value.clone();
                    facts.group_accounts = g.accounts;
                    let spread = accounts_per_group(&drafts[i], &evidence, &keys);
                    facts.elsewhere = totals
                        .iter()
                        .zip(spread)
                        .enumerate()
                        .filter(|(gj, _)| *gj != gi)
                        .filter_map(|(_, ((value, total), n))| {
                            value.clone().map(|v| (v, n, *total))
                        })
                        .collect();
                    let computed = describe::summary(&facts);
                    t.theme.summary = if t.theme.summary.is_empty() {
                        computed
                    } else {
                        format!("{} {computed}", t.theme.summary)
                    };
                }
                t.theme
            })
            .collect();
        rank(&mut g.themes);
    }
    let compare = compare.then(|| {
        let mut rows: Vec<CompareRow> = in_top
            .iter()
            .map(|&i| {
                let cells: Vec<(usize, usize)> = keys
                    .iter()
                    .map(|key| {
                        drafts[i]
                            .for_group(&evidence, key.as_deref(), None)
                            .map_or((0, 0), |t| (t.theme.accounts, t.theme.mentions))
                    })
                    .collect();
                CompareRow {
                    title: titles
                        .get(&i)
                        .cloned()
                        .unwrap_or_else(|| drafts[i].title.clone()),
                    shared: cells.iter().filter(|c| c.0 > 0).count() > 1,
                    accounts: cells.iter().map(|c| c.0).collect(),
                    mentions: cells.iter().map(|c| c.1).collect(),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            let (x, y): (usize, usize) = (a.accounts.iter().sum(), b.accounts.iter().sum());
            y.cmp(&x).then(a.title.cmp(&b.title))
        });
        rows
    });
    (groups, compare)
}

/// Themes of one group whose titles say the same words, endings aside
/// ("Task" and "Tasks", "Bug" and "Bugs"), are one theme: their drafts are
/// merged (appended to `drafts`) and the theme is counted, named and quoted
/// again from all its clauses in the group.
fn merge_same_titles(
    drafts: &mut Vec<Draft>,
    themes: Vec<(usize, GroupTheme)>,
    ev: &Evidence,
    group: Option<&str>,
    units: &Units,
) -> Vec<(usize, GroupTheme)> {
    let titles: Vec<&str> = themes.iter().map(|(_, t)| t.theme.title.as_str()).collect();
    let sets = same_titles(&titles);
    let mut slots: Vec<Option<(usize, GroupTheme)>> = themes.into_iter().map(Some).collect();
    let mut out = Vec::new();
    for set in sets {
        let mut same: Vec<(usize, GroupTheme)> =
            set.iter().filter_map(|&k| slots[k].take()).collect();
        if same.len() == 1 {
            out.append(&mut same);
            continue;
        }
        let mut merged = Draft::default();
        for (i, _) in &same {
            merged.passages.extend(drafts[*i].passages.iter().copied());
            merged.members.extend(drafts[*i].members.iter().copied());
        }
        merged.title = drafts[same[0].0].title.clone();
        match merged.for_group(ev, group, Some(units)) {
            Some(t) => {
                drafts.push(merged);
                out.push((drafts.len() - 1, t));
            }
            None => out.append(&mut same),
        }
    }
    out
}

/// The titles that say the same words, endings aside, as sets of indices
/// (each title in exactly one set, in the order of first appearance).
pub(super) fn same_titles(titles: &[&str]) -> Vec<Vec<usize>> {
    let mut sets: Vec<(BTreeSet<String>, Vec<usize>)> = Vec::new();
    for (k, title) in titles.iter().enumerate() {
        let words: BTreeSet<String> = stems(title).into_iter().collect();
        match sets
            .iter_mut()
            .find(|(w, _)| !words.is_empty() && *w == words)
        {
            Some((_, same)) => same.push(k),
            None => sets.push((words, vec![k])),
        }
    }
    sets.into_iter().map(|(_, s)| s).collect()
}

/// Distinct accounts of a draft's passages in each group (`keys`, lower case).
fn accounts_per_group(draft: &Draft, ev: &Evidence, keys: &[Option<String>]) -> Vec<usize> {
    let mut sets: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); keys.len()];
    for &p in &draft.passages {
        let passage = &ev.passages[p];
        let Some(account) = passage.account() else {
            continue;
        };
        for (set, key) in sets.iter_mut().zip(keys) {
            let inside = match key {
                None => passage.groups.is_empty(),
                Some(k) => passage.groups.iter().any(|x| x == k),
            };
            if inside {
                set.insert(account);
            }
        }
    }
    sets.iter().map(BTreeSet::len).collect()
}
