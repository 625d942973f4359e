//! Fuzzes the CSV parser the way the indexer feeds it: raw bytes, decoded,
//! then parsed with the text column found by name and named by `--text-column`.
#![no_main]

use insight::ingest::{ParseOptions, decode::decode, table::parse_csv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(decoded) = decode(bytes) else { return };
    let _ = parse_csv(&decoded.text, &ParseOptions::default());
    let named = ParseOptions {
        text_column: Some("Body".into()),
    };
    let _ = parse_csv(&decoded.text, &named);
});
