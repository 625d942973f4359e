//! Tests of the summary: titles that say the same words are one theme.

use super::selection::same_titles;

#[test]
fn titles_with_the_same_words_are_one_theme() {
    let titles = [
        "Tasks",
        "Sync stops",
        "Task",
        "Syncing stopped",
        "Per-seat price",
        "Bug fixes",
        "Bug",
        "",
    ];
    assert_eq!(
        same_titles(&titles),
        vec![vec![0, 2], vec![1, 3], vec![4], vec![5], vec![6], vec![7]]
    );
}
