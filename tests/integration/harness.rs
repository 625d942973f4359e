//! A temp dir per test and a command builder over the built binary.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use tempfile::TempDir;

/// The repository's `examples/` folder.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// A scratch folder with an index inside it.
pub struct Env {
    pub dir: TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn index_dir(&self) -> PathBuf {
        self.path("index")
    }

    /// `insight --index <tmp>/index ARGS`, run from the temp dir, with no
    /// provider configuration and no colours.
    pub fn cmd(&self) -> assert_cmd::Command {
        self.cmd_under(&[])
    }

    /// [`Env::cmd`] run by `wrapper` (a program and its first arguments,
    /// followed by the binary's path), e.g. `setpriv …`.
    pub fn cmd_under(&self, wrapper: &[&str]) -> assert_cmd::Command {
        let bin = env!("CARGO_BIN_EXE_insight");
        let mut c = match wrapper.split_first() {
            None => assert_cmd::Command::new(bin),
            Some((program, args)) => {
                let mut c = assert_cmd::Command::new(program);
                c.args(args).arg(bin);
                c
            }
        };
        c.current_dir(self.dir.path())
            .arg("--index")
            .arg(self.index_dir())
            .env("NO_COLOR", "1")
            .env_remove("INSIGHT_INDEX")
            .env_remove("INSIGHT_PROVIDER")
            .env_remove("INSIGHT_BASE_URL")
            .env_remove("INSIGHT_EMBED_MODEL")
            .env_remove("OPENAI_API_KEY")
            .env_remove("ANTHROPIC_API_KEY");
        c
    }

    /// Runs and returns the output, whatever the exit code.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run insight")
    }

    /// Runs, asserts success, parses stdout as JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "insight {args:?} failed ({:?}):\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "insight {args:?}: stdout is not JSON ({e}):\n{}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, content).expect("write");
        p
    }

    /// Copies `examples/` to `<tmp>/corpus` and returns that path.
    /// `insight ARGS` run so that file permissions hold. Root reads and
    /// writes any file, so as root the binary runs under `setpriv`
    /// (util-linux) with the capabilities that bypass file permissions
    /// dropped; without `setpriv` the test fails, saying so, rather than pass
    /// without testing anything.
    #[cfg(target_os = "linux")]
    pub fn run_with_permissions_enforced(&self, args: &[&str]) -> Output {
        let root = std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1))
                == Some("0")
        });
        if !root {
            return self.run(args);
        }
        const CAPS: &str = "-dac_override,-dac_read_search";
        let mut cmd = self.cmd_under(&[
            "setpriv",
            &format!("--inh-caps={CAPS}"),
            &format!("--bounding-set={CAPS}"),
        ]);
        let out = cmd.args(args).output().unwrap_or_else(|e| {
            panic!(
                "running as root, which reads and writes files whatever their permissions: this \
                 test drops CAP_DAC_OVERRIDE with `setpriv` (util-linux), which did not run ({e}); \
                 install util-linux or run the tests as another user"
            )
        });
        assert!(
            !stderr(&out).starts_with("setpriv:"),
            "setpriv could not drop CAP_DAC_OVERRIDE: {}",
            stderr(&out)
        );
        out
    }

    pub fn copy_examples(&self) -> PathBuf {
        let to = self.path("corpus");
        copy_dir(&examples(), &to);
        to
    }

    /// A scratch folder with `examples/` copied to `<tmp>/corpus` and
    /// indexed from there (relative paths) with its accounts file.
    pub fn with_copied_examples() -> Env {
        let env = Env::new();
        env.copy_examples();
        env.json(&[
            "index",
            "corpus",
            "--accounts",
            "corpus/accounts.csv",
            "--json",
        ]);
        env
    }

    /// Indexes the bundled examples with their accounts file.
    pub fn index_examples(&self) -> Value {
        let ex = examples();
        self.json(&[
            "index",
            ex.to_str().expect("utf-8 path"),
            "--accounts",
            ex.join("accounts.csv").to_str().expect("utf-8 path"),
            "--json",
        ])
    }

    /// Writes a generated corpus of `docs` documents to `<tmp>/<name>`
    /// (`corpus_gen`: the shared `gen_corpus.py`'s corpus, seed 7).
    pub fn generate(&self, name: &str, docs: usize) -> PathBuf {
        let out = self.path(name);
        crate::corpus_gen::generate(&out, docs, crate::corpus_gen::SEED, 0);
        out
    }

    /// `search --json` hits for a query and extra flags.
    pub fn hits(&self, query: &str, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["search", "--json"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--", query]);
        self.json(&args)["hits"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// The value of the environment variable `var`, which an `#[ignore]`d test
/// needs: unset or empty, the test fails and says how to provide it (`how`).
#[track_caller]
pub fn required_env(var: &str, how: &str) -> String {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => v,
        _ => panic!("{var} is not set; this test needs it: {how}"),
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A string field of a JSON object.
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}
