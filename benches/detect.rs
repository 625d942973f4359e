//! The lens detectors' decisions, printed for measuring scripts
//! (`bench/detect_eval.py`): the same library code `insight summarize`
//! runs, not a re-implementation.
//!
//!   cargo bench --profile smoke --bench detect -- sentences < TEXTS.jsonl
//!   cargo bench --profile smoke --bench detect -- evidence INDEX_DIR [LENS]
//!
//! `sentences` reads JSON lines `{"text": ...}` and prints one JSON line per
//! input: its sentences (split as passages are) with each lens's score.
//! `evidence` prints the signals `summarize` would gather from an index.

use std::io::{BufRead, Write};
use std::path::Path;

use insight::index::Store;
use insight::retrieve::Filters;
use insight::synthesize::evidence::gather;
use insight::synthesize::lens::Lens;
use insight::text::sentences;
use serde_json::{Value, json};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.first().map(String::as_str) {
        Some("sentences") => {
            for line in std::io::stdin().lock().lines() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                let v: Value = serde_json::from_str(&line)?;
                let text = v["text"].as_str().unwrap_or_default();
                let sents: Vec<Value> = sentences(text).into_iter().map(sentence).collect();
                writeln!(out, "{}", json!({ "sentences": sents }))?;
            }
        }
        Some("evidence") => {
            let dir = args.get(1).ok_or("evidence INDEX_DIR [LENS]")?;
            let lens: Lens = args.get(2).map_or("pains", String::as_str).parse()?;
            let store = Store::open(Path::new(dir))?;
            let ev = gather(&store, lens, "segment", &Filters::default(), &[])?;
            for s in &ev.signals {
                let hit = &ev.passages[s.passage].hit;
                writeln!(
                    out,
                    "{}",
                    json!({"path": hit.path, "location": hit.location, "text": s.text,
                        "score": s.score, "focus": s.focus_text(), "kind": s.kind.name(),
                        "valence": s.valence})
                )?;
            }
        }
        _ => {
            return Err(
                "usage: detect sentences < JSONL | detect evidence INDEX_DIR [LENS]".into(),
            );
        }
    }
    Ok(())
}

fn sentence(s: &str) -> Value {
    let mut v = json!({ "text": s });
    let facts = insight::synthesize::detect::read(s);
    for lens in Lens::ALL {
        let d = lens.judge(&facts);
        v[lens.name()] = json!({
            "score": d.score,
            "signal": d.score >= insight::synthesize::lens::SIGNAL,
            "focus": s.get(d.focus.clone()).unwrap_or(s),
            "kind": d.kind.name(),
        });
    }
    v
}
