//! Grouping unit vectors by meaning, at any size and deterministically.
//!
//! Average-linkage agglomerative clustering: two clusters join while the
//! mean cosine similarity between their members is at least a threshold.
//! For unit vectors that mean is exact from the clusters' (weighted) vector
//! sums, `S_A · S_B / (W_A W_B)`, so a cluster of any size costs one vector,
//! and the nearest-neighbour chain finds the same clusters as the textbook
//! O(n³) method.
//!
//! Past [`MAX_DIRECT`] starting groups, average linkage runs on a sample
//! of them (the heaviest items, then those with the lowest keys: a hash
//! of the item's text, so the same items are sampled whatever else comes
//! or goes), and every other item joins the cluster it is on average most
//! similar to: 100,000 sentences group in about the time 3,000 take.
//!
//! Nothing depends on the order of the input beyond the indices it is given:
//! the caller sorts its items canonically, ties are broken by index, and
//! the parallel parts compute the same numbers whatever the thread count.

use rayon::prelude::*;

/// Most groups average linkage runs on directly (its similarity matrix has
/// this many squared entries: 36 MB at 3,000).
pub const MAX_DIRECT: usize = 3000;

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
///
/// Past [`MAX_DIRECT`] groups, see [`cluster_keyed`]; here an item's key is
/// its index.
pub fn cluster(
    vectors: &[Vec<f32>],
    weights: &[f32],
    start: &[Vec<usize>],
    threshold: f32,
) -> Vec<Vec<usize>> {
    let keys: Vec<u64> = (0..vectors.len() as u64)
        .map(|i| xxhash_rust::xxh3::xxh3_64(&i.to_le_bytes()))
        .collect();
    cluster_keyed(vectors, weights, &keys, start, threshold)
}

/// [`cluster`], where `keys` (one per item, e.g. a hash of its text) say
/// which items are clustered directly when there are more than
/// [`MAX_DIRECT`] groups: the starting groups, then the heaviest items,
/// then those with the lowest keys. Every other item then joins the
/// cluster of several items it is on average most similar to, if that is
/// at least `threshold`, and stays alone otherwise. An item's key does not
/// change when other items come or go, so neither does the sample much:
/// a few more or fewer sentences leave the clusters as they were (recursive
/// partitioning, which this replaces, moved a third of them).
pub fn cluster_keyed(
    vectors: &[Vec<f32>],
    weights: &[f32],
    keys: &[u64],
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
    let mut alone: Vec<usize> = (0..n).filter(|&i| !placed[i]).collect();
    let mut rest: Vec<usize> = Vec::new();
    if groups.len() + alone.len() > MAX_DIRECT {
        let room = MAX_DIRECT.saturating_sub(groups.len()).max(MAX_DIRECT / 2);
        alone.sort_by(|&a, &b| {
            weights[b]
                .total_cmp(&weights[a])
                .then(keys[a].cmp(&keys[b]))
                .then(a.cmp(&b))
        });
        rest = alone.split_off(room.min(alone.len()));
        alone.sort_unstable();
    }
    groups.extend(alone.into_iter().map(|i| vec![i]));
    let groups: Vec<Group> = groups
        .into_par_iter()
        .map(|m| Group::of(m, vectors, weights, dim))
        .collect();
    let mut found = average_linkage(groups, threshold);
    let joined = assign(&rest, vectors, &found, threshold);
    for (&i, j) in rest.iter().zip(&joined) {
        match j {
            Some(c) => {
                found[*c].members.push(i);
                found[*c].weight += weights[i];
            }
            None => found.push(Group {
                members: vec![i],
                sum: Vec::new(),
                weight: weights[i].max(f32::EPSILON),
            }),
        }
    }
    let mut out: Vec<(f32, Vec<usize>)> = found
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

/// For each item, the cluster of several members it is on average most
/// similar to (first on ties), if that is at least `threshold`.
fn assign(
    items: &[usize],
    vectors: &[Vec<f32>],
    clusters: &[Group],
    threshold: f32,
) -> Vec<Option<usize>> {
    let several: Vec<usize> = (0..clusters.len())
        .filter(|&c| clusters[c].members.len() > 1)
        .collect();
    items
        .par_iter()
        .map(|&i| {
            let mut best: Option<(usize, f32)> = None;
            for &c in &several {
                let g = &clusters[c];
                let s = dot(&vectors[i], &g.sum) / g.weight;
                if s >= threshold && best.is_none_or(|(_, b)| s > b) {
                    best = Some((c, s));
                }
            }
            best.map(|(c, _)| c)
        })
        .collect()
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
    fn large_inputs_are_sampled_and_agree() {
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

    /// The share of pairs of `common` items that two clusterings treat
    /// alike (both together or both apart): the Rand index.
    fn rand_index(a: &[Vec<usize>], b: &[Vec<usize>], common: &[(usize, usize)]) -> f64 {
        let label = |c: &[Vec<usize>]| {
            let mut l = std::collections::HashMap::new();
            for (k, m) in c.iter().enumerate() {
                for &i in m {
                    l.insert(i, k);
                }
            }
            l
        };
        let (la, lb) = (label(a), label(b));
        let (mut same, mut all) = (0u64, 0u64);
        for x in 0..common.len() {
            for y in x + 1..common.len() {
                let ta = la[&common[x].0] == la[&common[y].0];
                let tb = lb[&common[x].1] == lb[&common[y].1];
                same += u64::from(ta == tb);
                all += 1;
            }
        }
        same as f64 / all as f64
    }

    #[test]
    fn a_few_items_more_or_fewer_leave_the_clusters_of_the_rest() {
        // 4,200 points in overlapping blobs (two of a blob are about 0.12
        // alike, as two complaints about one thing are): past MAX_DIRECT
        let (v, _) = blobs(6, 700, 40, 1.5);
        let w = vec![1.0; v.len()];
        let keys: Vec<u64> = (0..v.len() as u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect();
        let all = cluster_keyed(&v, &w, &keys, &[], 0.1);
        // every 20th item gone: the others keep their keys, not their indices
        let kept: Vec<usize> = (0..v.len()).filter(|i| i % 20 != 7).collect();
        let v2: Vec<Vec<f32>> = kept.iter().map(|&i| v[i].clone()).collect();
        let k2: Vec<u64> = kept.iter().map(|&i| keys[i]).collect();
        let fewer = cluster_keyed(&v2, &w[..kept.len()], &k2, &[], 0.1);
        let common: Vec<(usize, usize)> = kept
            .iter()
            .enumerate()
            .map(|(j, &i)| (i, j))
            .step_by(3)
            .collect();
        let agree = rand_index(&all, &fewer, &common);
        // recursive k-means partitioning, which the sample replaced, agreed
        // on 0.91 of the pairs here; the sample on 0.95
        assert!(agree > 0.93, "pair agreement {agree}");
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
