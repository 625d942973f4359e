//! Fuzzes front matter and sidecars: raw bytes, decoded, split at the front
//! matter, whose YAML is read as a mapping and (for `.meta.json` sidecars) as
//! a JSON object; then the whole markdown/text parse, and the decoded bytes
//! as a sidecar of either kind.
#![no_main]

use insight::ingest::{
    decode::decode,
    text,
    yaml::{parse_json_object, parse_mapping, split_front_matter},
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(decoded) = decode(bytes) else { return };
    let fm = split_front_matter(&decoded.text);
    if let Some(yaml) = fm.yaml {
        let _ = parse_mapping(yaml);
        let _ = parse_json_object(yaml);
    }
    let _ = text::parse(&decoded.text);
    let _ = parse_mapping(&decoded.text);
    let _ = parse_json_object(&decoded.text);
});
