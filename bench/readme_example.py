#!/usr/bin/env python3
"""Rewrites README.md's example report (between its summarize-examples
markers) with what `insight summarize` prints on examples/ today.

    python3 bench/readme_example.py [--insight target/debug/insight]

Run from anywhere; indexes examples/ into a temporary index, with the
INSIGHT_* settings of the calling shell left out (as the README test does).
"""
import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
START, END = "<!-- summarize-examples:start -->", "<!-- summarize-examples:end -->"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--insight", default=str(ROOT / "target/debug/insight"))
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSIGHT_")}
    env["NO_COLOR"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        base = [args.insight, "--index", tmp]
        subprocess.run(base + ["index", "examples", "--accounts", "examples/accounts.csv"],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        out = subprocess.run(base + ["summarize"], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout
    report = "\n".join(line.rstrip() for line in out.strip().splitlines())
    readme = (ROOT / "README.md").read_text()
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    (ROOT / "README.md").write_text(f"{head}{START}\n```markdown\n{report}\n```\n{END}{tail}")
    print(f"README.md: example report updated ({len(report.splitlines())} lines)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
