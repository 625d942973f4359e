//! Exit codes, the writer lock, kill -9 at any point of indexing, a full
//! disk and a read-only index folder.

use std::process::{Command, Stdio};
use std::time::Instant;

use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};

use crate::harness::{Env, copy_dir, s, stderr};

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

/// `index` of `corpus` as a child process with its output dropped.
fn spawn_index(env: &Env, corpus: &std::path::Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_insight"))
        .current_dir(env.dir.path())
        .arg("--index")
        .arg(env.index_dir())
        .arg("index")
        .arg(corpus)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn kill_9_at_twenty_points_never_loses_the_last_completed_run() {
    let env = Env::new();
    env.index_examples();
    let xero = |env: &Env| {
        env.json(&["search", "Xero", "--json"])["total"]
            .as_u64()
            .unwrap()
    };
    let docs = |env: &Env| {
        env.json(&["stats", "--json"])["documents"]
            .as_u64()
            .unwrap()
    };
    let before = xero(&env);
    let big = env.generate("big", 12_000);
    let pristine = env.path("pristine");
    copy_dir(&env.index_dir(), &pristine);
    let restore = |env: &Env| {
        std::fs::remove_dir_all(env.index_dir()).unwrap();
        copy_dir(&pristine, &env.index_dir());
    };
    // how long a whole run takes, start to exit
    let start = Instant::now();
    assert!(spawn_index(&env, &big).wait().unwrap().success());
    let whole = start.elapsed();
    let full = docs(&env);
    assert_eq!(full, 12_052);
    restore(&env);

    let mut mid_run = 0;
    for i in 0..20u32 {
        // twenty points spread over the run, in a scrambled order
        let at = whole.mul_f64(f64::from((i * 7) % 20) / 20.0 + 0.01);
        let mut child = spawn_index(&env, &big);
        let start = Instant::now();
        // a reader while the writer works
        let reader = {
            let env_index = env.index_dir();
            let dir = env.dir.path().to_path_buf();
            std::thread::spawn(move || {
                Command::new(env!("CARGO_BIN_EXE_insight"))
                    .current_dir(dir)
                    .arg("--index")
                    .arg(env_index)
                    .args(["search", "Xero", "--json"])
                    .output()
                    .unwrap()
            })
        };
        std::thread::sleep(at.saturating_sub(start.elapsed()));
        let running = child.try_wait().unwrap().is_none();
        child.kill().unwrap();
        child.wait().unwrap();
        let read = reader.join().unwrap();
        assert!(
            read.status.success(),
            "a reader failed during a write: {}",
            stderr(&read)
        );

        // the index opens and holds one completed run: the last one, or this one
        let now = docs(&env);
        if now == 52 {
            assert_eq!(xero(&env), before, "kill {i} at {at:?}");
        } else {
            assert_eq!(now, full, "kill {i} at {at:?} left a partial run");
            restore(&env);
        }
        mid_run += usize::from(running);
    }
    assert!(mid_run >= 15, "only {mid_run} of 20 kills landed mid-run");

    // after all that, a run completes with no manual cleanup
    let r = env.json(&["index", big.to_str().unwrap(), "--json"]);
    assert_eq!(r["documents"], 12_052, "{r}");
    assert!(
        env.hits("per-employee price", &["-n", "3"])
            .iter()
            .any(|h| s(h, "path").contains("big"))
    );
}

/// Runs `script` (sh) in a mount namespace where `mnt` is a 1 MiB tmpfs.
fn on_a_small_disk(env: &Env, script: &str) -> std::process::Output {
    let out = Command::new("unshare")
        .args(["--mount", "--map-root-user", "sh", "-c"])
        .arg(format!("mount -t tmpfs -o size=1m tmpfs mnt && {script}"))
        .current_dir(env.dir.path())
        .env("NO_COLOR", "1")
        .env("BIN", env!("CARGO_BIN_EXE_insight"))
        .output()
        .unwrap_or_else(|e| {
            panic!("this test needs `unshare` (util-linux) to mount a small tmpfs: {e}")
        });
    assert!(
        !stderr(&out).contains("unshare:") && !stderr(&out).contains("mount:"),
        "this test mounts a 1 MiB tmpfs in a user and mount namespace, which this machine refused: {}",
        stderr(&out)
    );
    out
}

#[test]
fn a_full_disk_is_a_clear_error_and_keeps_the_last_run() {
    let env = Env::new();
    std::fs::create_dir(env.path("mnt")).unwrap();
    let big = env.generate("big", 3000);
    let examples = crate::harness::examples();
    let out = on_a_small_disk(
        &env,
        &format!(
            "\"$BIN\" --index mnt/idx index {ex} --quiet 2>/dev/null && \
             \"$BIN\" --index mnt/idx index {big} --quiet 2>&1 | grep -v '^warning'; \
             echo \"exit=$?\"; \
             \"$BIN\" --index mnt/idx stats --json > stats.json; \
             \"$BIN\" --index mnt/idx index {ex} --json > again.json",
            ex = examples.display(),
            big = big.display(),
        ),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error: cannot write the index at mnt/idx: No space left on device"),
        "{text}"
    );
    assert!(text.contains("hint: free some disk space"), "{text}");
    assert!(
        text.contains("the index still holds the last completed run"),
        "{text}"
    );
    assert!(!text.contains("panicked"), "{text}");
    let stats: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("stats.json")).unwrap()).unwrap();
    assert_eq!(stats["documents"], 52, "{stats}");
    // the failed run's files were removed, so the next run has the room it had
    let again: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("again.json")).unwrap())
            .unwrap_or_else(|e| panic!("the run after the failure: {e}: {}", stderr(&out)));
    assert_eq!(again["documents"], 52, "{again}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_read_only_index_folder_is_a_clear_error_and_loses_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.index_examples();
    let set_mode = |mode: u32| {
        for dir in [env.index_dir(), env.index_dir().join("tantivy")] {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
        }
    };
    set_mode(0o555);
    let examples = crate::harness::examples();
    let out = env.run_with_permissions_enforced(&["index", examples.to_str().unwrap()]);
    set_mode(0o755);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("Permission denied"), "{err}");
    assert!(!err.contains("locked"), "{err}");
    assert!(
        err.contains("hint: check that you can read and write it"),
        "{err}"
    );
    assert_eq!(env.json(&["stats", "--json"])["documents"], 52);
}
