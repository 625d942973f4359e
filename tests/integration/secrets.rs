//! API keys: sent in a header and nowhere else — not in output, errors
//! (even when the server quotes the key back), logs, `--json` or the cache —
//! and the cache folder is its owner's alone.

use std::process::Output;

use crate::fault_server::{Fault, FaultServer, chat_json};
use crate::harness::Env;
use crate::llm::env_with;

const KEY: &str = "sk-insight-test-7f3a9c1e5b2d";

/// `insight ARGS --provider openai --base-url SERVER` with the key set.
fn run(env: &Env, server: &FaultServer, args: &[&str]) -> Output {
    env.cmd()
        .args(args)
        .args(["--provider", "openai", "--base-url", &server.base()])
        .env("OPENAI_API_KEY", KEY)
        .output()
        .unwrap()
}

fn assert_no_key(what: &str, text: &str) {
    assert!(!text.contains(KEY), "the key is in {what}: {text}");
    assert!(
        !text.contains(&KEY[3..]),
        "part of the key is in {what}: {text}"
    );
}

/// Every file under `dir`, as text.
fn every_file(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(every_file(&p));
        } else {
            let bytes = std::fs::read(&p).unwrap();
            out.push((
                p.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
    }
    out
}

#[test]
fn the_key_is_in_no_output_log_error_or_cache_file() {
    let env = env_with(&[("max_retries", "0")]);
    let ok = FaultServer::start(
        vec![],
        Fault::Reply(200, vec![], chat_json("Pricing hurts [1].")),
    );
    for args in [
        &["-vv", "ask", "price per seat", "--json"][..],
        &["-vv", "ask", "price per seat", "--stream"],
        &["doctor", "--json"],
        &["doctor"],
    ] {
        let out = run(&env, &ok, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_key(
            &format!("stdout of {args:?}"),
            &String::from_utf8_lossy(&out.stdout),
        );
        assert_no_key(
            &format!("stderr of {args:?}"),
            &String::from_utf8_lossy(&out.stderr),
        );
    }
    // a server that quotes the key it refuses
    let refusing = FaultServer::start(
        vec![],
        Fault::Reply(
            401,
            vec![],
            format!(
                r#"{{"error":{{"message":"Incorrect API key provided: {KEY}.","type":"invalid_request_error"}}}}"#
            ),
        ),
    );
    let out = run(&env, &refusing, &["ask", "price per seat", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_no_key("the error", &err);
    assert!(
        err.contains("Incorrect API key provided: <API key>"),
        "{err}"
    );
    // nothing on disk
    let files = every_file(&env.index_dir());
    assert!(
        files.iter().any(|(p, _)| p.contains("cache")),
        "nothing was cached: the test shows nothing"
    );
    for (path, text) in files {
        assert_no_key(&path, &text);
    }
}

#[cfg(unix)]
#[test]
fn the_cache_folder_is_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let env = env_with(&[]);
    let cache = env.index_dir().join("cache");
    // one a looser umask made earlier is tightened too
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o755)).unwrap();
    let ok = FaultServer::start(
        vec![],
        Fault::Reply(200, vec![], chat_json("Pricing hurts [1].")),
    );
    let out = run(&env, &ok, &["ask", "price per seat", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for dir in [cache.clone(), cache.join("llm")] {
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{} is {mode:o}", dir.display());
    }
}
