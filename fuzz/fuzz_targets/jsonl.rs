//! Fuzzes the JSON Lines parser the way the indexer feeds it: raw bytes,
//! decoded, then parsed with the text key found by name and named by
//! `--text-column`.
#![no_main]

use insight::ingest::{ParseOptions, decode::decode, jsonl::parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(decoded) = decode(bytes) else { return };
    let _ = parse(&decoded.text, &ParseOptions::default());
    let named = ParseOptions {
        text_column: Some("Body".into()),
    };
    let _ = parse(&decoded.text, &named);
});
