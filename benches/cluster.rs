//! How long grouping by meaning takes at scale: `n` unit vectors of `dim`
//! dimensions around `k` directions (deterministic noise), clustered by
//! average linkage as `summarize` does (micro-clusters past 3,000).
//!
//!   cargo bench --profile smoke --bench cluster -- [N] [DIM] [K]
//!
//! Defaults: 100,000 vectors, 256 dimensions (the built-in model's), 40
//! directions.

use std::time::Instant;

use insight::synthesize::cluster::{cluster, normalize};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(100_000);
    let dim = args.get(1).copied().unwrap_or(256);
    let k = args.get(2).copied().unwrap_or(40);
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut rnd = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f32 / (1u64 << 53) as f32 - 0.5
    };
    let centres: Vec<Vec<f32>> = (0..k)
        .map(|_| {
            let mut c: Vec<f32> = (0..dim).map(|_| rnd()).collect();
            normalize(&mut c);
            c
        })
        .collect();
    let vectors: Vec<Vec<f32>> = (0..n)
        .map(|i| {
            let mut v: Vec<f32> = centres[i % k].iter().map(|x| x + 0.08 * rnd()).collect();
            normalize(&mut v);
            v
        })
        .collect();
    let weights = vec![1.0; n];
    let started = Instant::now();
    let clusters = cluster(&vectors, &weights, &[], 0.3);
    let secs = started.elapsed().as_secs_f64();
    let big = clusters.iter().filter(|c| c.len() >= n / k / 2).count();
    println!(
        "{n} vectors, {dim} dims, {k} directions: {} clusters ({big} of at least half a direction) in {secs:.2} s",
        clusters.len()
    );
}
