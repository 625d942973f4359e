//! Vector arithmetic for the semantic layer: cosine similarity of unit
//! vectors, int8 quantisation for storage (a 384-dimension vector in 384
//! bytes), and reciprocal rank fusion of two rankings.

/// Dot product of two unit vectors: their cosine similarity.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// A unit vector as bytes: each component scaled to −127…127. Components of
/// a unit vector lie in [−1, 1]; the scale keeps the largest one exact.
pub fn quantize(v: &[f32]) -> Vec<u8> {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-12);
    let mut out = Vec::with_capacity(v.len() + 4);
    out.extend_from_slice(&max.to_le_bytes());
    out.extend(v.iter().map(|x| ((x / max * 127.0).round() as i8) as u8));
    out
}

/// The vector [`quantize`] stored, renormalised to unit length; `None` for
/// bytes that are not one.
pub fn dequantize(bytes: &[u8]) -> Option<Vec<f32>> {
    let (head, body) = bytes.split_at_checked(4)?;
    let max = f32::from_le_bytes(head.try_into().ok()?);
    if body.is_empty() || !max.is_finite() {
        return None;
    }
    let mut v: Vec<f32> = body
        .iter()
        .map(|&b| f32::from(b as i8) / 127.0 * max)
        .collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.iter_mut().for_each(|x| *x /= norm);
    Some(v)
}

/// Reciprocal rank fusion constant (Cormack et al. use 60).
pub const RRF_K: f32 = 60.0;

/// Fuses rankings given as ranks (0-based) per item: Σ 1 / (k + rank + 1).
pub fn rrf(ranks: &[usize]) -> f32 {
    ranks.iter().map(|&r| 1.0 / (RRF_K + r as f32 + 1.0)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantized_vectors_keep_their_similarities() {
        let a = [0.6f32, 0.8, 0.0];
        let b = [0.0f32, 0.6, 0.8];
        let (qa, qb) = (
            dequantize(&quantize(&a)).unwrap(),
            dequantize(&quantize(&b)).unwrap(),
        );
        assert!((cosine(&qa, &qb) - cosine(&a, &b)).abs() < 0.01);
        assert_eq!(quantize(&a).len(), 3 + 4);
        assert!(dequantize(&[1, 2]).is_none());
    }

    #[test]
    fn fusion_rewards_agreement() {
        assert!(rrf(&[0, 0]) > rrf(&[0, 10]));
        assert!(rrf(&[2, 3]) > rrf(&[0]));
    }
}
