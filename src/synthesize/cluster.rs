//! Grouping unit vectors by meaning, at any size and deterministically.
//!
//! Average-linkage agglomerative clustering: two clusters join while the
//! mean cosine similarity between their members is at least a threshold.
//! For unit vectors that mean is exact from the clusters' (weighted) vector
//! sums, `S_A · S_B / (W_A W_B)`, so a cluster of any size costs one vector,
//! and the nearest-neighbour chain finds the same clusters as the textbook
//! O(n³) method.
//!
//! Past [`MAX_DIRECT`] starting groups, the singletons are first split into
//! small, tight micro-clusters by recursive spherical k-means (a few centres
//! at a time, so the cost is O(n · log n · d)), and average linkage runs on
//! those: 100,000 sentences group in about the time 3,000 take.
//!
//! Nothing depends on the order of the input beyond the indices it is given:
//! the caller sorts its items canonically, ties are broken by index, and
//! the parallel parts compute the same numbers whatever the thread count.

use rayon::prelude::*;

/// Most groups average linkage runs on directly (its similarity matrix has
/// this many squared entries: 36 MB at 3,000).
pub const MAX_DIRECT: usize = 3000;

/// Centres per k-means split of the micro-clustering.
const SPLIT: usize = 8;
/// Lloyd iterations per split.
const ITERATIONS: usize = 6;

/// Dot product; for unit vectors, their cosine similarity. Eight lanes so
/// that the compiler vectorises it.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    let tail: f32 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    acc.iter().sum::<f32>() + tail
}

/// `v` scaled to unit length (a zero vector stays zero).
pub fn normalize(v: &mut [f32]) {
    let n = dot(v, v).sqrt();
    if n > 1e-12 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

/// A cluster while it is being built: its members, their weighted vector
/// sum and total weight.
#[derive(Debug, Clone)]
struct Group {
    members: Vec<usize>,
    sum: Vec<f32>,
    weight: f32,
}

impl Group {
    fn of(members: Vec<usize>, vectors: &[Vec<f32>], weights: &[f32], dim: usize) -> Group {
        let mut sum = vec![0f32; dim];
        let mut weight = 0f32;
        for &m in &members {
            let w = weights[m];
            for (s, x) in sum.iter_mut().zip(&vectors[m]) {
                *s += w * x;
            }
            weight += w;
        }
        Group {
            members,
            sum,
            weight: weight.max(f32::EPSILON),
        }
    }

    /// Mean similarity between a member of `self` and one of `other`.
    fn linkage(&self, other: &Group) -> f32 {
        dot(&self.sum, &other.sum) / (self.weight * other.weight)
    }
}

/// Clusters items (unit `vectors`, each with a positive weight: how many
/// times it was said) by average linkage at `threshold`. `start` lists
/// groups of items that belong together from the outset (each item in at
/// most one); every other item starts alone. Returns the clusters as sorted
/// item lists, largest total weight first (then by first member).
pub fn cluster(
    vectors: &[Vec<f32>],
    weights: &[f32],
    start: &[Vec<usize>],
    threshold: f32,
) -> Vec<Vec<usize>> {
    let n = vectors.len();
    if n == 0 {
        return Vec::new();
    }
    let dim = vectors[0].len();
    let mut placed = vec![false; n];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for g in start {
        let members: Vec<usize> = g
            .iter()
            .copied()
            .filter(|&m| m < n && !std::mem::replace(&mut placed[m], true))
            .collect();
        if !members.is_empty() {
            groups.push(members);
        }
    }
    let alone: Vec<usize> = (0..n).filter(|&i| !placed[i]).collect();
    if groups.len() + alone.len() <= MAX_DIRECT {
        groups.extend(alone.into_iter().map(|i| vec![i]));
    } else {
        let leaves = (MAX_DIRECT.saturating_sub(groups.len())).max(MAX_DIRECT / 2);
        let leaf = alone.len().div_ceil(leaves).max(2);
        groups.extend(micro_clusters(alone, vectors, leaf, threshold));
    }
    let groups: Vec<Group> = groups
        .into_par_iter()
        .map(|m| Group::of(m, vectors, weights, dim))
        .collect();
    let mut out: Vec<(f32, Vec<usize>)> = average_linkage(groups, threshold)
        .into_iter()
        .map(|g| {
            let mut m = g.members;
            m.sort_unstable();
            (g.weight, m)
        })
        .collect();
    out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1[0].cmp(&b.1[0])));
    out.into_iter().map(|(_, m)| m).collect()
}

/// Splits `items` into parts of at most `leaf` items (roughly) by recursive
/// spherical k-means. A part whose members are all at least `tight` similar
/// to its centre is not split further, whatever its size (identical or
/// near-identical sentences stay together).
fn micro_clusters(
    items: Vec<usize>,
    vectors: &[Vec<f32>],
    leaf: usize,
    tight: f32,
) -> Vec<Vec<usize>> {
    let mut done: Vec<Vec<usize>> = Vec::new();
    let mut todo: Vec<Vec<usize>> = vec![items];
    while let Some(part) = todo.pop() {
        if part.len() <= leaf {
            done.push(part);
            continue;
        }
        let k = SPLIT.min(part.len().div_ceil(leaf)).max(2);
        let parts = kmeans(&part, vectors, k);
        if parts.len() < 2 {
            // all one point (or as good as): cut it in order
            done.extend(part.chunks(leaf).map(<[usize]>::to_vec));
            continue;
        }
        for p in parts {
            if p.len() > leaf && is_tight(&p, vectors, tight.max(0.9)) {
                done.push(p);
            } else {
                todo.push(p);
            }
        }
    }
    done.sort_by_key(|p| p[0]);
    done
}

/// Whether every member of `part` is at least `min` similar to its centroid.
fn is_tight(part: &[usize], vectors: &[Vec<f32>], min: f32) -> bool {
    let dim = vectors[part[0]].len();
    let mut c = vec![0f32; dim];
    for &m in part {
        for (s, x) in c.iter_mut().zip(&vectors[m]) {
            *s += x;
        }
    }
    normalize(&mut c);
    part.iter().all(|&m| dot(&vectors[m], &c) >= min)
}

/// Spherical k-means of `items` into at most `k` non-empty parts. Centres
/// start from a deterministic farthest-first traversal (the first item,
/// then each time the item least similar to every centre so far), so the
/// same items always give the same parts.
fn kmeans(items: &[usize], vectors: &[Vec<f32>], k: usize) -> Vec<Vec<usize>> {
    let dim = vectors[items[0]].len();
    let mut centres: Vec<Vec<f32>> = vec![vectors[items[0]].clone()];
    let mut best: Vec<f32> = items
        .par_iter()
        .map(|&i| dot(&vectors[i], &centres[0]))
        .collect();
    while centres.len() < k {
        let (far, sim) =
            best.iter().enumerate().fold(
                (0, f32::INFINITY),
                |acc, (j, &s)| {
                    if s < acc.1 { (j, s) } else { acc }
                },
            );
        if sim > 0.999 {
            break; // everything is (almost) one point already
        }
        let c = vectors[items[far]].clone();
        best.par_iter_mut().zip(items).for_each(|(b, &i)| {
            *b = b.max(dot(&vectors[i], &c));
        });
        centres.push(c);
    }
    let mut assign: Vec<usize> = vec![usize::MAX; items.len()];
    for _ in 0..ITERATIONS {
        let next: Vec<usize> = items
            .par_iter()
            .map(|&i| {
                let v = &vectors[i];
                let mut arg = 0;
                let mut top = f32::NEG_INFINITY;
                for (j, c) in centres.iter().enumerate() {
                    let s = dot(v, c);
                    if s > top {
                        (arg, top) = (j, s);
                    }
                }
                arg
            })
            .collect();
        if next == assign {
            break;
        }
        assign = next;
        for (j, c) in centres.iter_mut().enumerate() {
            let mut sum = vec![0f32; dim];
            let mut any = false;
            for (&i, &a) in items.iter().zip(&assign) {
                if a == j {
                    any = true;
                    for (s, x) in sum.iter_mut().zip(&vectors[i]) {
                        *s += x;
                    }
                }
            }
            if any {
                normalize(&mut sum);
                *c = sum;
            }
        }
    }
    let mut parts: Vec<Vec<usize>> = vec![Vec::new(); centres.len()];
    for (&i, &a) in items.iter().zip(&assign) {
        parts[a].push(i);
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// Average linkage over `groups` with the nearest-neighbour chain: merges
/// reciprocal nearest neighbours while their linkage is at least
/// `threshold`. O(m²) time and memory for m groups.
fn average_linkage(mut groups: Vec<Group>, threshold: f32) -> Vec<Group> {
    let m = groups.len();
    if m < 2 {
        return groups;
    }
    let mut sim = vec![0f32; m * m];
    sim.par_chunks_mut(m).enumerate().for_each(|(a, row)| {
        for (b, s) in row.iter_mut().enumerate() {
            *s = if a == b {
                f32::NEG_INFINITY
            } else {
                groups[a].linkage(&groups[b])
            };
        }
    });
    let mut active = vec![true; m];
    let mut finished: Vec<usize> = Vec::new();
    let mut chain: Vec<usize> = Vec::new();
    let mut left = m;
    let mut next_start = 0;
    while left > 0 {
        let Some(&a) = chain.last() else {
            while !active[next_start] {
                next_start += 1;
            }
            chain.push(next_start);
            continue;
        };
        let previous = chain.len().checked_sub(2).map(|i| chain[i]);
        // the nearest active group; on a tie, the previous link of the chain,
        // then the lowest index
        let row = &sim[a * m..(a + 1) * m];
        let mut nearest: Option<(usize, f32)> = None;
        for (b, &s) in row.iter().enumerate() {
            if b == a || !active[b] {
                continue;
            }
            let better = match nearest {
                None => true,
                Some((nb, ns)) => {
                    s > ns || (s == ns && Some(b) == previous && Some(nb) != previous)
                }
            };
            if better {
                nearest = Some((b, s));
            }
        }
        match nearest {
            Some((b, s)) if s >= threshold => {
                if Some(b) != previous {
                    chain.push(b);
                    continue;
                }
                // reciprocal nearest neighbours: b joins a
                chain.truncate(chain.len() - 2);
                let (wa, wb) = (groups[a].weight, groups[b].weight);
                for c in 0..m {
                    if active[c] && c != a && c != b {
                        let v = (wa * sim[a * m + c] + wb * sim[b * m + c]) / (wa + wb);
                        sim[a * m + c] = v;
                        sim[c * m + a] = v;
                    }
                }
                let moved = std::mem::take(&mut groups[b]);
                let ga = &mut groups[a];
                ga.members.extend(moved.members);
                for (s, x) in ga.sum.iter_mut().zip(&moved.sum) {
                    *s += x;
                }
                ga.weight += moved.weight;
                active[b] = false;
                left -= 1;
            }
            _ => {
                // nothing is close enough, now or after any later merge
                // (average linkage never rises above its members' maximum)
                active[a] = false;
                left -= 1;
                finished.push(a);
                chain.clear();
            }
        }
    }
    finished
        .into_iter()
        .map(|i| std::mem::take(&mut groups[i]))
        .collect()
}

impl Default for Group {
    fn default() -> Group {
        Group {
            members: Vec::new(),
            sum: Vec::new(),
            weight: 0.0,
        }
    }
}

/// The unit centroid of `members`, weighted.
pub fn centroid(members: &[usize], vectors: &[Vec<f32>], weights: &[f32]) -> Vec<f32> {
    let (mut c, _) = weighted_sum(members.iter().map(|&m| (vectors[m].as_slice(), weights[m])));
    normalize(&mut c);
    c
}

/// The weighted mean of `members`' vectors, not normalised: its dot product
/// with a vector is that vector's mean similarity to the members (the
/// average-linkage distance), which, unlike the cosine to the centroid,
/// does not grow as a cluster spreads out.
pub fn mean(members: &[usize], vectors: &[Vec<f32>], weights: &[f32]) -> Vec<f32> {
    let (mut c, total) = weighted_sum(members.iter().map(|&m| (vectors[m].as_slice(), weights[m])));
    if total > 0.0 {
        c.iter_mut().for_each(|x| *x /= total);
    }
    c
}

/// The weighted sum of some vectors, and the sum of their weights.
pub fn weighted_sum<'a>(items: impl IntoIterator<Item = (&'a [f32], f32)>) -> (Vec<f32>, f32) {
    let mut sum: Vec<f32> = Vec::new();
    let mut total = 0f32;
    for (v, w) in items {
        if sum.is_empty() {
            sum = vec![0f32; v.len()];
        }
        total += w;
        for (s, x) in sum.iter_mut().zip(v) {
            *s += w * x;
        }
    }
    (sum, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let mut v = v.to_vec();
        normalize(&mut v);
        v
    }

    /// Points around `k` directions in `dim` dimensions, `per` each,
    /// deterministic.
    fn blobs(k: usize, per: usize, dim: usize, noise: f32) -> (Vec<Vec<f32>>, Vec<usize>) {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut rnd = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f32 / (1u64 << 53) as f32 - 0.5
        };
        let mut vectors = Vec::new();
        let mut truth = Vec::new();
        for i in 0..per {
            for c in 0..k {
                let mut v = vec![0f32; dim];
                v[c] = 1.0;
                for x in v.iter_mut() {
                    *x += noise * rnd();
                }
                vectors.push(unit(&v));
                truth.push(c);
                let _ = i;
            }
        }
        (vectors, truth)
    }

    fn agrees(clusters: &[Vec<usize>], truth: &[usize]) -> bool {
        clusters
            .iter()
            .all(|c| c.iter().all(|&m| truth[m] == truth[c[0]]))
    }

    #[test]
    fn linkage_from_sums_is_the_mean_pairwise_similarity() {
        let v = vec![unit(&[1.0, 0.0]), unit(&[0.6, 0.8]), unit(&[0.0, 1.0])];
        let w = vec![1.0, 1.0, 1.0];
        let a = Group::of(vec![0, 1], &v, &w, 2);
        let b = Group::of(vec![2], &v, &w, 2);
        let mean = (dot(&v[0], &v[2]) + dot(&v[1], &v[2])) / 2.0;
        assert!((a.linkage(&b) - mean).abs() < 1e-6);
    }

    #[test]
    fn separates_directions_and_stops_at_the_threshold() {
        let (v, truth) = blobs(4, 30, 16, 0.3);
        let w = vec![1.0; v.len()];
        let c = cluster(&v, &w, &[], 0.5);
        assert_eq!(
            c.len(),
            4,
            "{:?}",
            c.iter().map(Vec::len).collect::<Vec<_>>()
        );
        assert!(agrees(&c, &truth));
        // a threshold no two points reach leaves everything alone
        assert_eq!(cluster(&v, &w, &[], 1.01).len(), v.len());
    }

    #[test]
    fn starting_groups_stay_together() {
        let v = vec![unit(&[1.0, 0.0]), unit(&[0.0, 1.0]), unit(&[0.99, 0.1])];
        let w = vec![1.0; 3];
        let c = cluster(&v, &w, &[vec![0, 1]], 0.9);
        assert!(c.iter().any(|c| c.contains(&0) && c.contains(&1)));
    }

    #[test]
    fn large_inputs_go_through_micro_clusters_and_agree() {
        let (v, truth) = blobs(5, 800, 24, 0.25); // 4,000 points > MAX_DIRECT
        let w = vec![1.0; v.len()];
        let c = cluster(&v, &w, &[], 0.5);
        assert_eq!(
            c.len(),
            5,
            "{:?}",
            c.iter().map(Vec::len).collect::<Vec<_>>()
        );
        assert!(agrees(&c, &truth));
        assert_eq!(c.iter().map(Vec::len).sum::<usize>(), v.len());
    }

    #[test]
    fn same_input_same_clusters_whatever_the_threads() {
        let (v, _) = blobs(6, 700, 12, 0.6);
        let w = vec![1.0; v.len()];
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| cluster(&v, &w, &[], 0.3));
        let many = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap()
            .install(|| cluster(&v, &w, &[], 0.3));
        assert_eq!(one, many);
    }
}
