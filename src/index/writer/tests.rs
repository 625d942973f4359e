//! Tests of the index writer's helpers: roots merged, document ids and
//! part labels.

use super::document::doc_id;
use super::process::part_label;
use super::roots::merge_roots;

#[test]
fn roots_merge_without_nesting() {
    let got = merge_roots(
        &["data".into(), "x/y".into()],
        &["data/sub".into(), "x".into(), "z".into()],
    );
    assert_eq!(got, ["data", "x", "z"]);
}

#[test]
fn part_labels() {
    assert_eq!(part_label("row57"), "row 57");
    assert_eq!(part_label("line3"), "line 3");
    assert_eq!(doc_id("a/b.csv", "row2"), "a/b.csv#row2");
    assert_eq!(doc_id("a/b.md", ""), "a/b.md");
}
