//! Fuzzes the SRT parser the way the indexer feeds it: raw bytes, decoded,
//! then parsed without and with a sidecar naming a speaker.
#![no_main]

use insight::ingest::{Metadata, decode::decode, subtitles::parse_srt};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(decoded) = decode(bytes) else { return };
    let _ = parse_srt(&decoded.text, None);
    let mut sidecar = Metadata::new();
    sidecar.push("internal", "Dana");
    let _ = parse_srt(&decoded.text, Some(&sidecar));
});
