//! The clauses' vectors: hashed TF-IDF vectors of their words, joined
//! with a model's meaning, centred on the evidence's mean, and how alike
//! two clauses are on average.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::synthesize::cluster::{dot, normalize};
use crate::synthesize::words::{Kind, Token};

/// Dimensions of the hashed lexical vectors (used without a model).
const LEXICAL_DIM: usize = 1024;

/// Random pairs the similarity statistics are estimated from.
const PAIR_SAMPLE: usize = 20_000;

/// A clause's content stems and adjacent pairs, hashed (signed) into
/// [`LEXICAL_DIM`] dimensions and weighted by `idf`.
pub(super) fn lexical_vector(tokens: &[Token], idf: &dyn Fn(&str) -> f32) -> Vec<f32> {
    let mut v = vec![0f32; LEXICAL_DIM];
    let mut add = |key: &str, w: f32| {
        let h = xxhash_rust::xxh3::xxh3_64(key.as_bytes());
        let i = (h % LEXICAL_DIM as u64) as usize;
        v[i] += if h >> 63 == 1 { w } else { -w };
    };
    let content: Vec<&Token> = tokens.iter().filter(|t| t.kind == Kind::Content).collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for t in &content {
        if seen.insert(&t.stem) {
            add(&t.stem, idf(&t.stem));
        }
    }
    for pair in content.windows(2) {
        let key = format!("{} {}", pair[0].stem, pair[1].stem);
        add(&key, 0.5 * (idf(&pair[0].stem) + idf(&pair[1].stem)) * 0.6);
    }
    normalize(&mut v);
    v
}

/// How much of the similarity of two clauses is their meaning (the rest is
/// their words), when a model gives the meaning.
pub(super) const MEANING_SHARE: f32 = 0.7;

/// One unit vector whose dot products are `share` × the meaning's plus the
/// rest × the words'.
pub(super) fn joint(meaning: &[f32], words: &[f32], share: f32) -> Vec<f32> {
    let (a, b) = (share.sqrt(), (1.0 - share).sqrt());
    let mut v: Vec<f32> = meaning.iter().map(|x| a * x).collect();
    v.extend(words.iter().map(|x| b * x));
    normalize(&mut v);
    v
}

/// Removes the evidence's mean direction from every vector (weighted) and
/// brings them back to unit length. Embeddings share a common direction
/// (static ones strongly: two unrelated sentences score 0.4); what tells
/// complaints apart is what is left.
pub(super) fn center(vectors: &mut [Vec<f32>], weights: &[f32]) {
    let dim = vectors.first().map_or(0, Vec::len);
    let mut mean = vec![0f32; dim];
    let total: f32 = weights.iter().sum();
    for (v, &w) in vectors.iter().zip(weights) {
        for (m, x) in mean.iter_mut().zip(v) {
            *m += w * x / total;
        }
    }
    for v in vectors.iter_mut() {
        if v.iter().all(|x| *x == 0.0) {
            continue; // nothing known: stays nothing
        }
        for (x, m) in v.iter_mut().zip(&mean) {
            *x -= m;
        }
        normalize(v);
    }
}

/// Mean and standard deviation of the similarity of two different clauses,
/// over all pairs or a fixed sample of them (the same for the same input).
pub(super) fn pair_statistics(vectors: &[Vec<f32>]) -> (f32, f32) {
    let n = vectors.len();
    if n < 2 {
        return (0.0, 0.0);
    }
    let total = n * (n - 1) / 2;
    let pairs: Vec<(usize, usize)> = if total <= PAIR_SAMPLE {
        (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .collect()
    } else {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..PAIR_SAMPLE)
            .filter_map(|_| {
                let a = (next() % n as u64) as usize;
                let b = (next() % n as u64) as usize;
                (a != b).then_some((a, b))
            })
            .collect()
    };
    let sims: Vec<f32> = pairs
        .par_iter()
        .map(|&(a, b)| dot(&vectors[a], &vectors[b]))
        .collect();
    let mean = sims.iter().sum::<f32>() / sims.len().max(1) as f32;
    let var = sims.iter().map(|s| (s - mean).powi(2)).sum::<f32>() / sims.len().max(1) as f32;
    (mean, var.sqrt())
}
