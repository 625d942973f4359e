//! Embedding throughput of the local model as insight batches texts:
//! texts/s over a file of texts (one per line), and the latency of one text
//! at a time (what a query pays). `bench/embed_eval.py` runs it on sentences
//! and passages of a generated corpus:
//!
//!   cargo bench --profile smoke --bench embed -- MODEL TEXTS_FILE [--dump]
//!
//! MODEL is a model folder or `builtin` (the built-in static model). With
//! `--dump` it prints each text with its vector instead, one JSON object a
//! line (what `bench/distill_static.py --verify` and
//! `bench/sentence_pairs.py` read).

use std::path::Path;
use std::time::Instant;

use insight::embed::Embedder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dump = std::env::args().any(|a| a == "--dump");
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let [model, file] = args.as_slice() else {
        return Err(
            "usage: embed MODEL_DIR|builtin TEXTS_FILE [--dump] (one text per line)".into(),
        );
    };
    let texts: Vec<String> = std::fs::read_to_string(file)
        .map_err(|e| format!("{file}: {e}"))?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let started = Instant::now();
    let embedder = if model == "builtin" {
        Embedder::builtin()?
    } else {
        Embedder::load(Path::new(model))?
    };
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    if dump {
        for (t, v) in refs.iter().zip(embedder.embed(&refs)?) {
            println!("{}", serde_json::json!({"text": t, "vector": v}));
        }
        return Ok(());
    }
    embedder.embed(&refs[..refs.len().min(64)])?; // warm up
    // fast models go over the texts again until a second has passed
    let started = Instant::now();
    let mut vectors = embedder.embed(&refs)?;
    let mut rounds = 1usize;
    while started.elapsed().as_secs_f64() < 1.0 {
        vectors = embedder.embed(&refs)?;
        rounds += 1;
    }
    let batched = started.elapsed().as_secs_f64() / rounds as f64;
    let singles = if embedder.is_static() {
        refs.len()
    } else {
        refs.len().min(50)
    };
    let started = Instant::now();
    for t in &refs[..singles] {
        embedder.embed_one(t)?;
    }
    let one = started.elapsed().as_secs_f64() / singles.max(1) as f64;
    let words: usize = refs.iter().map(|t| t.split_whitespace().count()).sum();
    println!(
        "{{\"texts\": {}, \"mean_words\": {:.1}, \"seconds\": {batched:.4}, \"per_second\": {:.1}, \"one_at_a_time_ms\": {:.3}, \"load_ms\": {load_ms:.1}, \"dim\": {}}}",
        refs.len(),
        words as f64 / refs.len().max(1) as f64,
        refs.len() as f64 / batched,
        one * 1000.0,
        vectors.first().map_or(0, Vec::len)
    );
    Ok(())
}
