//! What a user reads on the bundled examples, pinned with insta: `summarize`
//! in every format, `ask`, `search`, `stats` and `profile` (Markdown, HTML,
//! JSON), offline. The examples are indexed from a copy in a temp dir, so
//! paths read `corpus/…`; filters replace what changes from run to run (the
//! temp dir, timestamps, timings, the index's size on disk, the version).
//!
//! A change on purpose: review it with `cargo insta review`, or rewrite the
//! files with `INSTA_UPDATE=always cargo test --test integration snapshots`.
//! The snapshots are in `tests/integration/snapshots/`.

use insta::{Settings, assert_snapshot};

use crate::harness::{Env, stderr};

/// Runs `insight ARGS`, asserts success, returns stdout.
fn stdout(env: &Env, args: &[&str]) -> String {
    let out = env.run(args);
    assert!(
        out.status.success(),
        "insight {args:?} failed ({:?}):\n{}",
        out.status.code(),
        stderr(&out)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Runs `f` with insta set up for `env`: snapshot files named after the
/// snapshot alone, and filters for what is not the same twice.
fn pinned(env: &Env, f: impl FnOnce()) {
    let mut s = Settings::clone_current();
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    let tmp = env.dir.path().to_str().expect("utf-8 temp dir");
    s.add_filter(&regex::escape(tmp), "[TMP]");
    // RFC 3339 times (generated_at, last_indexed); the corpus's dates stay
    s.add_filter(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "[TIMESTAMP]");
    // timings
    s.add_filter(r#""elapsed_ms": \d+"#, r#""elapsed_ms": "[ELAPSED]""#);
    // the index's size on disk depends on how tantivy merged its segments
    s.add_filter(r#""size_bytes": \d+"#, r#""size_bytes": "[SIZE]""#);
    s.add_filter(r"\(\d+(\.\d+)? (B|KB|MB|GB|TB)\)", "([SIZE])");
    let version = regex::escape(env!("CARGO_PKG_VERSION"));
    s.add_filter(&format!(r"insight[ /]v?{version}\b"), "insight [VERSION]");
    s.bind(f);
}

#[test]
fn summarize_markdown() {
    let env = Env::with_copied_examples();
    let out = stdout(&env, &["summarize"]);
    pinned(&env, || assert_snapshot!("summarize_markdown", out));
}

#[test]
fn summarize_json() {
    let env = Env::with_copied_examples();
    let out = stdout(&env, &["summarize", "--format", "json"]);
    pinned(&env, || assert_snapshot!("summarize_json", out));
}

#[test]
fn summarize_csv() {
    let env = Env::with_copied_examples();
    let out = stdout(&env, &["summarize", "--format", "csv"]);
    pinned(&env, || assert_snapshot!("summarize_csv", out));
}

#[test]
fn summarize_html() {
    let env = Env::with_copied_examples();
    let out = stdout(&env, &["summarize", "--format", "html"]);
    pinned(&env, || assert_snapshot!("summarize_html", out));
}

#[test]
fn ask_terminal() {
    let env = Env::with_copied_examples();
    let out = stdout(&env, &["ask", "why do enterprise customers want SCIM?"]);
    pinned(&env, || assert_snapshot!("ask_terminal", out));
}

#[test]
fn search_terminal() {
    let env = Env::with_copied_examples();
    let out = stdout(&env, &["search", "what breaks with the Xero sync?"]);
    pinned(&env, || assert_snapshot!("search_terminal", out));
}

#[test]
fn stats_terminal_and_json() {
    let env = Env::with_copied_examples();
    let text = stdout(&env, &["stats"]);
    let json = stdout(&env, &["stats", "--json"]);
    pinned(&env, || {
        assert_snapshot!("stats_terminal", text);
        assert_snapshot!("stats_json", json);
    });
}

#[test]
fn profile_markdown() {
    let env = Env::with_copied_examples();
    let out = stdout(&env, &["profile"]);
    pinned(&env, || assert_snapshot!("profile_markdown", out));
}

#[test]
fn profile_html() {
    let env = Env::with_copied_examples();
    let out = stdout(&env, &["profile", "--format", "html"]);
    pinned(&env, || assert_snapshot!("profile_html", out));
}

#[test]
fn profile_json() {
    let env = Env::with_copied_examples();
    let out = stdout(&env, &["profile", "--json"]);
    pinned(&env, || assert_snapshot!("profile_json", out));
}

#[test]
fn profile_prospects_csv() {
    let env = Env::with_copied_examples();
    let out = stdout(
        &env,
        &[
            "profile",
            "--prospects",
            "corpus/leads.csv",
            "--rank-by",
            "arr",
        ],
    );
    pinned(&env, || assert_snapshot!("profile_prospects_csv", out));
}
