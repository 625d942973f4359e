//! From clusters to themes: clauses joined on account overlap, small
//! clusters absorbed by the themes they are like, catch-alls dissolved.

use std::collections::BTreeSet;

use rayon::prelude::*;

use super::{Unit, Units};
use crate::synthesize::cluster::{dot, mean};

/// Clauses said by at least this many accounts may join on account overlap.
const MIN_ACCOUNTS_FOR_OVERLAP: usize = 3;
/// Account overlap (Jaccard) at which they do.
const OVERLAP: f32 = 0.5;

/// A theme needs this share of the evidence's accounts (weight), and at
/// least [`MIN_THEME_WEIGHT`], to take in the clauses of smaller clusters.
const THEME_SHARE: f32 = 0.005;
const MIN_THEME_WEIGHT: f32 = 3.0;
/// The weight of a cluster: its members' weights summed.
fn cluster_weight(members: &[usize], weights: &[f32]) -> f32 {
    members.iter().map(|&m| weights[m]).sum()
}

/// The weight a cluster needs to be a theme.
fn theme_bar(weights: &[f32]) -> f32 {
    (weights.iter().sum::<f32>() * THEME_SHARE).max(MIN_THEME_WEIGHT)
}

/// The centre `v` is most similar to (first on ties), and that similarity.
fn nearest(v: &[f32], centres: &[Vec<f32>]) -> (usize, f32) {
    centres
        .iter()
        .enumerate()
        .map(|(t, c)| (t, dot(v, c)))
        .fold((0, f32::NEG_INFINITY), |a, b| if b.1 > a.1 { b } else { a })
}

/// Rounds of re-assigning clauses to the nearest theme centre.
const ROUNDS: usize = 3;

/// Themes sized by their evidence: the clusters large enough to be themes
/// keep their clauses, and every clause of a smaller cluster joins the
/// theme it is most similar to on average (its mean similarity to the
/// theme's clauses, as average linkage measures it: a theme that spreads
/// out does not draw more), if that is at least `belongs` (a few rounds,
/// themes moving with their members, as k-means does); the rest stay where
/// they were.
pub(super) fn absorb(
    clusters: Vec<Vec<usize>>,
    vectors: &[Vec<f32>],
    weights: &[f32],
    belongs: f32,
) -> Vec<Vec<usize>> {
    let bar = theme_bar(weights);
    let (themes, strays): (Vec<Vec<usize>>, Vec<Vec<usize>>) = clusters
        .into_iter()
        .partition(|c| cluster_weight(c, weights) >= bar);
    if themes.is_empty() {
        return strays;
    }
    let cores = themes.clone();
    let loose: Vec<usize> = strays.iter().flatten().copied().collect();
    let mut joined: Vec<Option<usize>> = vec![None; loose.len()];
    for _ in 0..ROUNDS {
        let centres: Vec<Vec<f32>> = (0..cores.len())
            .map(|t| {
                let mut members = cores[t].clone();
                members.extend(
                    loose
                        .iter()
                        .zip(&joined)
                        .filter(|(_, j)| **j == Some(t))
                        .map(|(&m, _)| m),
                );
                mean(&members, vectors, weights)
            })
            .collect();
        let next: Vec<Option<usize>> = loose
            .par_iter()
            .map(|&m| {
                let (best, sim) = nearest(&vectors[m], &centres);
                (sim >= belongs).then_some(best)
            })
            .collect();
        if next == joined {
            break;
        }
        joined = next;
    }
    let mut out = cores;
    let mut taken = vec![false; vectors.len()];
    for (&m, j) in loose.iter().zip(&joined) {
        if let Some(t) = j {
            out[*t].push(m);
            taken[m] = true;
        }
    }
    for c in &mut out {
        c.sort_unstable();
    }
    for stray in strays {
        let left: Vec<usize> = stray.into_iter().filter(|&m| !taken[m]).collect();
        if !left.is_empty() {
            out.push(left);
        }
    }
    out
}

/// A theme is about one thing when some content word is said in at least
/// this share of its clauses (by weight); below it, it is a catch-all of
/// long sentences that share only common words.
pub const SUBJECT_SHARE: f32 = 0.1;

/// The share of a cluster's weight held by the clauses that say its most
/// said content word.
pub(super) fn subject_share(members: &[usize], units: &Units, weights: &[f32]) -> f32 {
    units.subject_share(members.iter().map(|&m| (m, weights[m])))
}

/// Catch-alls are no theme: each of their clauses joins the theme it is
/// most similar to on average, if that is at least `belongs`, and is left
/// out of every theme otherwise (it stays evidence).
pub(super) fn dissolve_catch_alls(
    clusters: Vec<Vec<usize>>,
    units: &Units,
    weights: &[f32],
    belongs: f32,
) -> Vec<Vec<usize>> {
    let bar = theme_bar(weights);
    let (catch_alls, mut themes): (Vec<Vec<usize>>, Vec<Vec<usize>>) =
        clusters.into_iter().partition(|c| {
            cluster_weight(c, weights) >= bar && subject_share(c, units, weights) < SUBJECT_SHARE
        });
    if catch_alls.is_empty() || themes.is_empty() {
        themes.extend(catch_alls);
        return themes;
    }
    let vectors = &units.vectors;
    let centres: Vec<Vec<f32>> = themes.iter().map(|t| mean(t, vectors, weights)).collect();
    for m in catch_alls.into_iter().flatten() {
        let (best, sim) = nearest(&vectors[m], &centres);
        if sim >= belongs {
            themes[best].push(m);
        }
    }
    for t in &mut themes {
        t.sort_unstable();
    }
    themes
}

/// Clauses many accounts said, grouped when largely the same accounts say
/// them (the most widely said first, then by text).
pub(super) fn overlap_groups(units: &[Unit]) -> Vec<Vec<usize>> {
    let mut dense: Vec<usize> = (0..units.len())
        .filter(|&u| units[u].who.len() >= MIN_ACCOUNTS_FOR_OVERLAP)
        .collect();
    dense.sort_by(|&a, &b| units[b].who.len().cmp(&units[a].who.len()).then(a.cmp(&b)));
    let mut groups: Vec<(Vec<usize>, BTreeSet<&str>)> = Vec::new();
    for u in dense {
        let who: BTreeSet<&str> = units[u].who.iter().map(String::as_str).collect();
        let best = groups
            .iter()
            .enumerate()
            .map(|(i, (_, g))| (i, jaccard(&who, g)))
            .filter(|(_, j)| *j >= OVERLAP)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        match best {
            Some((i, _)) => {
                groups[i].0.push(u);
                groups[i].1.extend(who);
            }
            None => groups.push((vec![u], who)),
        }
    }
    groups
        .into_iter()
        .filter(|(m, _)| m.len() > 1)
        .map(|(m, _)| m)
        .collect()
}

fn jaccard(a: &BTreeSet<&str>, b: &BTreeSet<&str>) -> f32 {
    let inter = a.intersection(b).count() as f32;
    let union = (a.len() + b.len()) as f32 - inter;
    if union == 0.0 { 0.0 } else { inter / union }
}
