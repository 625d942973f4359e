//! Bad input is skipped or repaired with a warning naming the file; the run
//! goes on and keeps everything else.

#[cfg(unix)]
use serde_json::Value;

use crate::harness::{Env, s, stderr};

/// A folder with one of each kind of trouble, plus one good file.
fn bad_corpus(env: &Env) {
    env.write(
        "bad/good.md",
        "---\naccount: ACC-1\n---\nThe good file mentions aardvark.\n",
    );
    env.write(
        "bad/binary.md",
        (0u8..=255).cycle().take(4096).collect::<Vec<u8>>(),
    );
    env.write(
        "bad/latin1.md",
        b"---\naccount: ACC-2\n---\nFacturation compliqu\xe9e pour le b\xe9b\xe9.\n",
    );
    let mut utf16 = vec![0xFF, 0xFE];
    for c in "Notes from Zo\u{eb}: the export to Excel breaks.\r\n".encode_utf16() {
        utf16.extend(c.to_le_bytes());
    }
    env.write("bad/utf16.txt", utf16);
    env.write("bad/empty.md", "");
    env.write(
        "bad/frontmatter.md",
        "---\naccount: [oops\n---\nBroken header but the okapi text stays.\n",
    );
    env.write(
        "bad/crlf.md",
        "---\r\naccount: ACC-3\r\n---\r\nfirst line\r\n\r\nThe walrus line.\r\n",
    );
    env.write(
        "bad/calls.csv",
        "account,notes\nACC-1,Row two mentions a narwhal.\nACC-2,\"unterminated, three, fields\",extra\nACC-3,Row four mentions an axolotl.\n",
    );
    env.write("bad/nocol.csv", "account,segment\nACC-1,smb\n");
    env.write(
        "bad/tickets.jsonl",
        "{\"account\": \"ACC-1\", \"body\": \"First line about a pangolin.\"}\n{not json\n[\"an\", \"array\"]\n{\"account\": \"ACC-2\", \"body\": \"Fourth line about a quetzal.\"}\n",
    );
    env.write(
        "bad/broken.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ana>The tapir cue is fine.\n\n00:00:0x.000 --> 00:00:05.000\n<v Ana>This cue has a broken timing.\n\n00:00:06.000 --> 00:00:08.000\n<v Ben>The ibis cue is fine too.\n",
    );
    env.write("bad/nocues.srt", "this is not a subtitle file at all\n");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(env.path("bad/nowhere.md"), env.path("bad/dangling.md"))
            .unwrap();
        std::os::unix::fs::symlink(env.path("bad"), env.path("bad/loop")).unwrap();
    }
}

fn skipped_reason<'a>(r: &'a Value, name: &str) -> Option<&'a str> {
    r["skipped"]
        .as_array()?
        .iter()
        .find(|x| s(x, "path").ends_with(name))
        .map(|x| s(x, "reason"))
}

#[test]
fn every_bad_input_is_named_and_the_rest_indexed() {
    let env = Env::new();
    bad_corpus(&env);
    let out = env.run(&["index", "bad", "--json"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();

    // skipped, each in JSON and as `warning: skipped PATH: REASON`
    for (name, reason) in [
        ("binary.md", "binary"),
        ("empty.md", "empty"),
        ("nocol.csv", "no text column"),
        ("nocues.srt", "no cues"),
    ] {
        let got = skipped_reason(&r, name).unwrap_or_else(|| panic!("{name} not skipped: {r}"));
        assert!(got.contains(reason), "{name}: {got}");
        let line = format!("warning: skipped bad/{name}: {got}");
        assert!(err.contains(&line), "missing `{line}` in:\n{err}");
    }
    #[cfg(unix)]
    {
        assert!(skipped_reason(&r, "dangling.md").is_some(), "{r}");
        assert!(err.contains("symlink loop"), "{err}");
    }

    // repaired, named on stderr as `warning: PATH: what was repaired`
    for (name, what) in [
        ("latin1.md", "Windows-1252"),
        ("frontmatter.md", "not valid YAML"),
        (
            "calls.csv",
            "row 3: 3 field(s), the header has 2; row skipped",
        ),
        ("tickets.jsonl", "line 2: invalid JSON"),
        ("tickets.jsonl", "line 3: not a JSON object"),
        (
            "broken.vtt",
            "dropped 1 cue(s) with unreadable timing (line 6)",
        ),
    ] {
        assert!(
            err.contains(&format!("warning: bad/{name}: ")) && err.contains(what),
            "{name}: {what} in\n{err}"
        );
    }

    // everything readable was indexed
    for word in [
        "aardvark",
        "compliquée",
        "Excel",
        "okapi",
        "walrus",
        "narwhal",
        "axolotl",
        "pangolin",
        "quetzal",
        "tapir",
        "ibis",
    ] {
        assert_eq!(env.hits(word, &[]).len(), 1, "{word}");
    }
    assert!(env.hits("\"cue has a broken timing\"", &[]).is_empty());
    let walrus = &env.hits("walrus", &[])[0];
    assert_eq!(
        s(walrus, "location"),
        "L4-L6",
        "CRLF line numbers count from the file's first line"
    );
    assert_eq!(s(&env.hits("axolotl", &[])[0], "location"), "row 4");
    assert_eq!(s(&env.hits("quetzal", &[])[0], "location"), "line 4");

    // --strict: same run, exit 1, the files named
    let strict = env.run(&["index", "bad", "--strict", "--json"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(stderr(&strict).contains("binary.md"));
}

#[test]
fn a_file_that_turns_bad_keeps_its_previous_version() {
    let env = Env::new();
    env.write("c/a.md", "The first version mentions a marmot.\n");
    env.write(
        "c/log.csv",
        "account,notes\nA,Row two has a lemur.\nB,Row three has a gecko.\n",
    );
    env.json(&["index", "c", "--json"]);
    env.write(
        "c/a.md",
        (0u8..=255).cycle().take(2048).collect::<Vec<u8>>(),
    );
    env.write(
        "c/log.csv",
        "account,notes\nA,Row two has a lemur.\nB,\"broken\",row\n",
    );
    let r = env.json(&["index", "c", "--json"]);
    assert_eq!(r["removed"], 0, "{r}");
    assert_eq!(
        env.hits("marmot", &[]).len(),
        1,
        "binary now, old text kept"
    );
    assert_eq!(
        env.hits("gecko", &[]).len(),
        1,
        "row unreadable now, old row kept"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn unreadable_file_is_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let p = env.write("c/secret.md", "hidden text");
    env.write("c/ok.md", "visible text");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = env.run_with_permissions_enforced(&["index", "c", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        skipped_reason(&r, "secret.md").is_some_and(|x| x.contains("permission")),
        "{r}"
    );
    assert_eq!(r["documents"], 1);
}
