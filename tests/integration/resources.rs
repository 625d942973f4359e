//! Memory stays bounded: a REPL session of 1,000 questions does not grow,
//! and a 200 MB single CSV indexes within a fixed peak. Peak RSS is the
//! child's `VmHWM` (Linux), sampled until it exits.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::harness::{Env, stderr};

/// Runs `cmd` with `input` on stdin; returns its output and peak RSS in MiB.
fn peak_rss(mut cmd: Command, input: &[u8]) -> (Output, u64) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let sampler = std::thread::spawn(move || {
        let mut peak = 0u64;
        while let Ok(s) = std::fs::read_to_string(&status) {
            if let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
            {
                peak = peak.max(kb);
            }
            if s.contains("State:\tZ") {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        peak / 1024
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    (out, sampler.join().unwrap())
}

fn repl_session(env: &Env, questions: usize) -> (Output, u64) {
    let asked = [
        "why do customers churn?",
        "what do they say about pricing per seat?",
        "/search invoice sync",
        "which integrations break?",
        "/sources",
        "what about onboarding and setup time?",
        "/segment smb",
        "and the enterprise accounts?",
        "/clear",
        "who complains about support response times?",
    ];
    let mut input = String::new();
    for i in 0..questions {
        input.push_str(asked[i % asked.len()]);
        input.push('\n');
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_insight"));
    cmd.current_dir(env.dir.path())
        .arg("--index")
        .arg(env.index_dir())
        .arg("repl")
        .env("NO_COLOR", "1")
        .env("HOME", env.dir.path())
        .env_remove("INSIGHT_PROVIDER")
        .env_remove("OPENAI_API_KEY");
    peak_rss(cmd, input.as_bytes())
}

#[cfg(target_os = "linux")]
#[test]
fn a_repl_session_of_1000_questions_does_not_grow() {
    let env = Env::new();
    env.index_examples();
    let (short, at_100) = repl_session(&env, 100);
    assert!(short.status.success(), "{}", stderr(&short));
    let (long, at_1000) = repl_session(&env, 1000);
    assert!(long.status.success(), "{}", stderr(&long));
    let answered = String::from_utf8_lossy(&long.stdout)
        .matches("Sources")
        .count();
    assert!(answered >= 500, "only {answered} answers in 1,000 lines");
    eprintln!("REPL peak RSS: {at_100} MiB after 100 lines, {at_1000} MiB after 1,000");
    assert!(
        at_1000 <= at_100 + 16,
        "peak RSS grew from {at_100} MiB (100 questions) to {at_1000} MiB (1,000 questions)"
    );
}

/// A survey export of about `bytes` bytes: one answer of 20–60 words a row.
fn survey_csv(path: &std::path::Path, bytes: usize) {
    let words: Vec<&str> = "invoice export broken sync slow pricing seat onboarding setup support \
        ticket response weeks hours team report dashboard login sso scim audit integration \
        payroll mobile crash bug feature request great love expensive reliable outage billing \
        refund contract renewal churn"
        .split_whitespace()
        .collect();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "id,account,segment,answer").unwrap();
    let (mut written, mut row, mut seed) = (0usize, 0usize, 7u64);
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    while written < bytes {
        let n = 20 + next() % 41;
        let answer: Vec<&str> = (0..n).map(|_| words[next() % words.len()]).collect();
        let line = format!(
            "{row},ACC-{},{},\"{}.\"\n",
            row % 5000,
            ["smb", "mid-market", "enterprise"][row % 3],
            answer.join(" ")
        );
        out.write_all(line.as_bytes()).unwrap();
        written += line.len();
        row += 1;
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_200_mb_csv_indexes_within_a_fixed_peak() {
    let env = Env::new();
    std::fs::create_dir(env.path("export")).unwrap();
    survey_csv(&env.path("export/answers.csv"), 200_000_000);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_insight"));
    cmd.current_dir(env.dir.path())
        .arg("--index")
        .arg(env.index_dir())
        .args(["index", "export", "--json"]);
    let (out, peak) = peak_rss(cmd, b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r["documents"].as_u64().unwrap() > 600_000, "{r}");
    eprintln!("200 MB CSV: peak RSS {peak} MiB");
    // the file is parsed whole (see BENCHMARKS.md): about six times its size
    assert!(peak < 1600, "peak RSS {peak} MiB for a 200 MB CSV");
}
