#!/usr/bin/env python3
"""How steady `insight summarize` is when the evidence changes a little.

Drops a small random share of the AWARE reviews (seeded), builds a corpus
from the rest with the feedback folder's make_corpus.py, indexes it and runs
`summarize` (offline, pains, top 10), and compares each run's themes with
the run on all reviews: for each top-10 theme of the full run, the best
account-set Jaccard among the perturbed run's top-10 themes of the same
segment (the accounts that were dropped are left out of both sides).

A steady grouping keeps its themes when 5% of customers go missing: a
theme persists when its best match has Jaccard >= 0.5.

  python3 bench/stability.py [--insight target/debug/insight] [--drop 0.05]
          [--seeds 3] [--segments domain|app] [--out DIR]

Prints, per seed, the share of top-10 themes that persist and the mean best
Jaccard, then their means.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FEEDBACK = os.path.join(HERE, "..", "..", "shared", "data", "feedback")


def run(insight, data, out, segments):
    corpus = os.path.join(out, "corpus")
    subprocess.run(
        [sys.executable, os.path.join(FEEDBACK, "make_corpus.py"), corpus, "--data", data,
         "--segment-by", segments, "--force"],
        check=True, stderr=subprocess.DEVNULL)
    config = os.path.join(out, "insight.toml")
    open(config, "w").close()
    base = [insight, "--index", os.path.join(out, "index"), "--config", config]
    env = {k: v for k, v in os.environ.items()
           if k not in ("INSIGHT_PROVIDER", "INSIGHT_MODEL", "INSIGHT_BASE_URL", "INSIGHT_INDEX",
                        "INSIGHT_EMBED_MODEL")}
    subprocess.run(base + ["index", corpus, "--accounts", os.path.join(corpus, "accounts.csv"),
                           "--rebuild"], check=True, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    got = subprocess.run(base + ["summarize", "--by", "segment", "--lens", "pains", "--provider",
                                 "extractive", "--format", "json", "--top", "10"],
                         check=True, env=env, capture_output=True, text=True)
    with open(os.path.join(out, "summary.json"), "w", encoding="utf-8") as f:
        f.write(got.stdout)
    doc = json.loads(got.stdout)
    return {g["value"]: [(t["title"], set(t["account_ids"])) for t in g["themes"]]
            for g in doc["groups"]}


def jaccard(a, b):
    return len(a & b) / len(a | b) if a or b else 0.0


def compare(full, part, dropped, verbose):
    kept, scores = 0, []
    for seg, themes in full.items():
        others = part.get(seg, [])
        for title, t in themes:
            t = t - dropped
            best, match = max(((jaccard(t, o - dropped), ot) for ot, o in others),
                              default=(0.0, ""))
            scores.append(best)
            kept += best >= 0.5
            if verbose:
                print(f"  {seg:>14} {len(t):4} {title[:40]:40} {best:.2f} {match[:40]}")
    return kept / max(len(scores), 1), sum(scores) / max(len(scores), 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--insight", default=os.path.join("target", "debug", "insight"))
    ap.add_argument("--data", default=os.path.join(FEEDBACK, "aware_reviews.jsonl"))
    ap.add_argument("--drop", type=float, default=0.05)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--segments", choices=("domain", "app"), default="domain")
    ap.add_argument("--verbose", action="store_true", help="print each theme and its best match")
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "insight-stability"))
    a = ap.parse_args()
    insight = os.path.abspath(a.insight)
    os.makedirs(a.out, exist_ok=True)
    with open(a.data, encoding="utf-8") as f:
        lines = [l for l in f if l.strip()]
    full = run(insight, os.path.abspath(a.data), os.path.join(a.out, "full"), a.segments)
    persist, mean = [], []
    for seed in range(a.seeds):
        rng = random.Random(seed)
        keep, dropped = [], set()
        for l in lines:
            if rng.random() < a.drop:
                dropped.add(json.loads(l)["account"])
            else:
                keep.append(l)
        data = os.path.join(a.out, f"seed{seed}.jsonl")
        with open(data, "w", encoding="utf-8") as f:
            f.writelines(keep)
        part = run(insight, data, os.path.join(a.out, f"seed{seed}"), a.segments)
        p, m = compare(full, part, dropped, a.verbose)
        persist.append(p)
        mean.append(m)
        print(f"seed {seed}: dropped {len(dropped)} reviews; themes persisting {p:.2f}, "
              f"mean best Jaccard {m:.2f}", flush=True)
    print(f"mean over {a.seeds} seeds: persisting {sum(persist) / len(persist):.2f}, "
          f"best Jaccard {sum(mean) / len(mean):.2f}")


if __name__ == "__main__":
    main()
