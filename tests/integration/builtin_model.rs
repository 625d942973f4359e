//! The built-in static embedding model (`INSIGHT_EMBED_MODEL=builtin`):
//! it ships in the binary, so these run everywhere with no model folder.

use std::process::Output;

use serde_json::Value;

use crate::harness::{Env, s, stderr};

/// `insight ARGS` with `INSIGHT_EMBED_MODEL` set to `value`.
fn with(env: &Env, value: &str, args: &[&str]) -> Output {
    env.cmd()
        .env("INSIGHT_EMBED_MODEL", value)
        .args(args)
        .output()
        .unwrap()
}

fn json(env: &Env, value: &str, args: &[&str]) -> Value {
    let out = with(env, value, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn texts(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| s(h, "text").to_lowercase())
        .collect()
}

/// Nobody in the examples says "new colleagues" or "access set up": the
/// customer says someone "creates that person by hand".
const QUERY: &str = "new colleagues need access set up by someone on our team";

#[test]
fn doctor_reports_the_builtin_model() {
    let env = Env::new();
    let v = json(&env, "builtin", &["doctor", "--json"]);
    let e = s(&v, "embeddings");
    assert!(
        e.contains("built-in static model minilm-l6-static-v1"),
        "{e}"
    );
    assert!(e.contains("256 dimensions"), "{e}");
    assert!(e.contains("INSIGHT_EMBED_MODEL"), "{e}");
    assert!(e.contains("builtin:minilm-l6-static-v1@"), "{e}");
    // `none` is off, and so are the semantic flags
    let v = json(&env, "none", &["doctor", "--json"]);
    assert!(s(&v, "embeddings").starts_with("off"), "{v}");
    env.index_examples();
    let out = with(&env, "none", &["search", "--semantic", "users"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("builtin"), "{}", stderr(&out));
}

#[test]
fn the_builtin_model_reranks_a_paraphrase_higher() {
    let env = Env::new();
    env.index_examples();
    let hybrid = json(
        &env,
        "builtin",
        &["search", "--semantic", "-n", "3", "--json", QUERY],
    );
    assert_eq!(hybrid["semantic"], true);
    let top = texts(&hybrid);
    assert!(top.iter().any(|t| t.contains("by hand")), "{top:#?}");
    let lexical = texts(&json(
        &env,
        "builtin",
        &["search", "-n", "3", "--json", QUERY],
    ));
    let rank = |hits: &[String]| hits.iter().position(|t| t.contains("by hand"));
    assert!(
        rank(&top) < rank(&lexical).or(Some(usize::MAX)),
        "hybrid {top:#?}\nlexical {lexical:#?}"
    );
}

#[test]
fn index_embed_stores_builtin_vectors_and_search_uses_them() {
    let env = Env::new();
    let corpus = env.copy_examples();
    let corpus = corpus.to_str().unwrap();
    let first = json(&env, "builtin", &["index", corpus, "--json"]);
    let embedded = json(&env, "builtin", &["index", "--embed", "--json"]);
    assert_eq!(embedded["updated"], first["documents"], "{embedded}");
    // the manifest records the built-in model's identity
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(env.index_dir().join("manifest.json")).unwrap())
            .unwrap();
    let id = s(&manifest, "embed_model");
    assert!(id.starts_with("builtin:minilm-l6-static-v1@"), "{id}");
    // remembered, even without the variable: a plain re-index changes nothing
    let again = env.json(&["index", "--json"]);
    assert_eq!(again["unchanged"], first["documents"], "{again}");
    assert_eq!(again["updated"], 0);

    let stored = json(
        &env,
        "builtin",
        &["search", "--semantic", "-n", "5", "--json", QUERY],
    );
    let top = texts(&stored);
    assert!(top.iter().any(|t| t.contains("by hand")), "{top:#?}");
    // the stored int8 vectors rank as the vectors computed now do
    json(&env, "builtin", &["index", "--no-embed", "--json"]);
    let live = json(
        &env,
        "builtin",
        &["search", "--semantic", "-n", "5", "--json", QUERY],
    );
    assert_eq!(texts(&live)[0], top[0]);
}
