//! Hybrid retrieval: the BM25 candidates under the filters, re-scored by
//! their meaning with the local embedding model and fused with the BM25
//! order (reciprocal rank fusion), so a passage that says the same thing in
//! other words rises above one that only shares a word.

use super::search::{Results, search};
use super::{Filters, Hit};
use crate::embed::Embedder;
use crate::embed::vector::{cosine, dequantize, rrf};
use crate::error::Result;
use crate::index::Store;

/// BM25 candidates re-scored per question.
pub const CANDIDATES: usize = 80;

/// `search`, re-ranked by meaning: the best `limit` of the first
/// [`CANDIDATES`] BM25 passages. Scores become fused scores.
pub fn search_hybrid(
    store: &Store,
    embedder: &Embedder,
    text: &str,
    filters: &Filters,
    limit: usize,
) -> Result<Results> {
    let mut results = search(store, text, filters, CANDIDATES.max(limit))?;
    // vectors stored at index time are used when they come from this model
    let stored = store.embed_model.as_deref() == Some(embedder.identity());
    let hits = std::mem::take(&mut results.hits);
    results.hits = rerank(embedder, text, hits, stored, limit)?;
    Ok(results)
}

/// Orders `hits` (in BM25 order) by the fusion of their BM25 rank and their
/// similarity to `question`, and keeps the best `limit`. With `stored`, the
/// hits' stored vectors are used; passages without one are embedded now.
pub fn rerank(
    embedder: &Embedder,
    question: &str,
    hits: Vec<Hit>,
    stored: bool,
    limit: usize,
) -> Result<Vec<Hit>> {
    if hits.is_empty() {
        return Ok(hits);
    }
    let q = embedder.embed_one(question)?;
    let mut vectors: Vec<Option<Vec<f32>>> = hits
        .iter()
        .map(|h| {
            h.vector
                .as_deref()
                .filter(|_| stored)
                .and_then(dequantize)
                .filter(|v| v.len() == q.len())
        })
        .collect();
    let missing: Vec<usize> = (0..hits.len()).filter(|&i| vectors[i].is_none()).collect();
    if !missing.is_empty() {
        let texts: Vec<&str> = missing.iter().map(|&i| hits[i].text.as_str()).collect();
        for (i, v) in missing.iter().zip(embedder.embed(&texts)?) {
            vectors[*i] = Some(v);
        }
    }
    let sims: Vec<f32> = vectors
        .iter()
        .map(|v| v.as_deref().map_or(0.0, |v| cosine(&q, v)))
        .collect();
    let mut by_meaning: Vec<usize> = (0..hits.len()).collect();
    by_meaning.sort_by(|&a, &b| sims[b].total_cmp(&sims[a]).then(a.cmp(&b)));
    let mut dense_rank = vec![0usize; hits.len()];
    for (rank, &i) in by_meaning.iter().enumerate() {
        dense_rank[i] = rank;
    }
    let mut scored: Vec<(f32, Hit)> = hits
        .into_iter()
        .enumerate()
        .map(|(bm25_rank, mut h)| {
            let fused = rrf(&[bm25_rank, dense_rank[bm25_rank]]);
            h.score = fused;
            (fused, h)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(scored.into_iter().take(limit).map(|(_, h)| h).collect())
}
