#!/usr/bin/env python3
"""The AWARE theme figures as a band: their mean and spread over perturbed corpora.

One run of `../shared/data/feedback/score.py` moves by up to ±0.3 when a few
word-list entries change (BENCHMARKS.md, "How much the theme figures move"),
so a single run cannot tell two builds apart. This script scores the same
build on the full review set and on N copies with a small random share of
the reviews left out (seeded, so two builds see the same copies), with
score.py's own labelling and metrics (imported, not copied), and prints each
run and the mean and standard deviation of every figure. Compare builds on
the means, and call a difference real when it is larger than the spread.

  python3 bench/score_band.py [--insight target/smoke/insight] [--segments domain|app]
          [--seeds 6] [--sample-seeds 1] [--drop 0.05] [--out DIR] [--json FILE]

Gold is recomputed for each copy from what it holds (make_corpus.py --truth).

--sample-seeds K scores every copy K times, with `[summarize] sample_seed`
0..K-1: which clauses the clustering samples past 3,000. That choice moves
the figures as much as the data does (a seed alone moved recall by domain
by 0.18 on average), and a change to the clustering moves all copies alike,
so compare such changes over several sample seeds.
"""

import argparse
import importlib.util
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FEEDBACK = os.path.join(HERE, "..", "..", "shared", "data", "feedback")
FIGURES = ("recall", "precision", "spearman", "coverage", "acct_prec", "title_grounding",
           "quote_neg_lab", "quotes_labelled")


def scorer():
    spec = importlib.util.spec_from_file_location("score", os.path.join(FEEDBACK, "score.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run(S, insight, data, out, segments, sample_seed):
    corpus, truth = os.path.join(out, "corpus"), os.path.join(out, "truth.json")
    subprocess.run([sys.executable, os.path.join(FEEDBACK, "make_corpus.py"), corpus, "--data", data,
                    "--segment-by", segments, "--truth", truth, "--force"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    config = os.path.join(out, "insight.toml")
    with open(config, "w", encoding="utf-8") as f:
        f.write(f"[summarize]\nsample_seed = {sample_seed}\n")
    base = [insight, "--index", os.path.join(out, "index"), "--config", config]
    env = {k: v for k, v in os.environ.items()
           if k not in ("INSIGHT_PROVIDER", "INSIGHT_MODEL", "INSIGHT_BASE_URL", "INSIGHT_INDEX",
                        "INSIGHT_EMBED_MODEL")}
    env["NO_COLOR"] = "1"
    if not os.path.isdir(os.path.join(out, "index")):
        subprocess.run(base + ["index", corpus, "--accounts", os.path.join(corpus, "accounts.csv"), "--rebuild"],
                       check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    got = subprocess.run(base + ["summarize"] + S.summarize_args([]), check=True, env=env,
                         capture_output=True, text=True)
    rep = json.loads(got.stdout)
    reviews, _ = S.load(data, segments)
    gold, _ = S.gold_of(truth, reviews)
    layout = S.layout_of(corpus)
    by_lower = {s.lower(): s for s in gold}
    groups = {by_lower[str(g["value"]).lower()]: g["themes"] for g in rep["groups"]
              if str(g["value"]).lower() in by_lower}
    res = S.score(groups, reviews, gold, layout)
    return {k: res.get(k) for k in FIGURES}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--insight", default=os.path.join("target", "smoke", "insight"))
    ap.add_argument("--data", default=os.path.join(FEEDBACK, "aware_reviews.jsonl"))
    ap.add_argument("--segments", choices=("domain", "app"), default="domain")
    ap.add_argument("--seeds", type=int, default=6, help="perturbed copies besides the full set")
    ap.add_argument("--drop", type=float, default=0.05, help="share of reviews each copy leaves out")
    ap.add_argument("--sample-seeds", type=int, default=1, help="clustering sample seeds per copy")
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "insight-score-band"))
    ap.add_argument("--json", metavar="FILE", help="also write every run's figures here")
    a = ap.parse_args()
    insight = os.path.abspath(a.insight)
    if not os.access(insight, os.X_OK):
        sys.exit(f"score_band.py: no insight binary at {insight}; build it or pass --insight")
    S = scorer()
    os.makedirs(a.out, exist_ok=True)
    with open(a.data, encoding="utf-8") as f:
        lines = [l for l in f if l.strip()]
    runs = []
    for seed in [None] + list(range(a.seeds)):
        copy = "full" if seed is None else f"seed{seed}"
        data = os.path.abspath(a.data)
        if seed is not None:
            rng = random.Random(seed)
            data = os.path.join(a.out, f"{copy}.jsonl")
            with open(data, "w", encoding="utf-8") as f:
                f.writelines(l for l in lines if rng.random() >= a.drop)
        out = os.path.join(a.out, copy)
        shutil.rmtree(os.path.join(out, "index"), ignore_errors=True)  # the copy is new: index it
        for sample in range(a.sample_seeds):
            name = copy if a.sample_seeds == 1 else f"{copy}/s{sample}"
            figs = run(S, insight, data, out, a.segments, sample)
            runs.append((name, figs))
            print(f"{name:>9} " + " ".join(f"{k[:9]}={'n/a' if v is None else f'{v:.2f}'}"
                                           for k, v in figs.items()), flush=True)
    print(f"mean ± sd over {len(runs)} runs ({a.segments}):")
    summary = {}
    for k in FIGURES:
        xs = [f[k] for _, f in runs if f[k] is not None]
        if xs:
            m, sd = statistics.mean(xs), statistics.pstdev(xs)
            summary[k] = {"mean": m, "sd": sd}
            print(f"  {k:16} {m:.3f} ± {sd:.3f}")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"segments": a.segments, "runs": dict(runs), "summary": summary}, f, indent=1)


if __name__ == "__main__":
    main()
