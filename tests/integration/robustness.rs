//! Exit codes, the writer lock, and a kill -9 in the middle of indexing.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};

use crate::harness::{Env, s, stderr};

#[test]
fn missing_index_exits_4_and_says_what_to_do() {
    let env = Env::new();
    for args in [&["search", "x"][..], &["segments"], &["stats", "--json"]] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(4), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("no index at") && err.contains("insight") && err.contains("index"),
            "{err}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    for args in [
        &["search", "--no-such-flag"][..],
        &["search"],
        &["search", "x", "--where", "novalue"],
        &["search", "x", "--until", "tomorrow"],
        &["index", "no/such/folder"],
    ] {
        assert_eq!(env.run(args).status.code(), Some(2), "{args:?}");
    }
    let out = env.run(&["index", "no/such/folder"]);
    assert!(stderr(&out).contains("no/such/folder"));
}

#[test]
fn second_writer_gets_a_lock_error_and_readers_keep_working() {
    let env = Env::new();
    env.index_examples();
    // hold tantivy's writer lock (an advisory flock on
    // `tantivy/.tantivy-writer.lock`) as another writer would: taken here by
    // tantivy itself, it is one the insight child cannot take
    let tantivy =
        MmapDirectory::open(env.index_dir().join("tantivy")).expect("the index's tantivy folder");
    let lock = tantivy
        .acquire_lock(&INDEX_WRITER_LOCK)
        .expect("the writer lock is free");
    let out = env.run(&["index", crate::harness::examples().to_str().unwrap()]);
    let readers_ok = env.run(&["search", "invoice", "--json"]).status.success();
    drop(lock);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("index is locked by another insight process"),
        "{}",
        stderr(&out)
    );
    assert!(readers_ok);
    // once released, writing works again
    assert!(
        env.run(&["index", crate::harness::examples().to_str().unwrap()])
            .status
            .success()
    );
}

#[test]
fn kill_9_mid_run_leaves_the_previous_index_usable() {
    let env = Env::new();
    env.index_examples();
    let before = env.json(&["search", "Xero", "--json"])["total"]
        .as_u64()
        .unwrap();
    let big = env.generate("big", 4000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_insight"))
        .current_dir(env.dir.path())
        .arg("--index")
        .arg(env.index_dir())
        .arg("index")
        .arg(&big)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // wait until it is writing segment files, then kill it
    let tantivy = env.index_dir().join("tantivy");
    let files_before = std::fs::read_dir(&tantivy).unwrap().count();
    let start = Instant::now();
    while std::fs::read_dir(&tantivy).unwrap().count() == files_before
        && start.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(50));
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        still_running,
        "indexing finished before the kill; the test needs a bigger corpus"
    );

    // the previous index answers exactly as before
    let after = env.json(&["search", "Xero", "--json"]);
    assert_eq!(after["total"].as_u64().unwrap(), before);
    assert_eq!(env.json(&["stats", "--json"])["documents"], 52);
    // and the next run completes without manual cleanup
    let r = env.json(&["index", big.to_str().unwrap(), "--json"]);
    assert_eq!(r["added"], 4000, "{r}");
    assert_eq!(r["documents"], 4052);
    let hits = env.hits("per-employee price", &["-n", "3"]);
    assert!(hits.iter().any(|h| s(h, "path").contains("big")));
}
