#!/usr/bin/env python3
"""Theme quality of `insight summarize --provider extractive`: lexical
clustering (`INSIGHT_EMBED_MODEL=none`), the built-in static model (the
default) and a transformer model folder, when given and present.

For every planted (theme, segment) pair of a corpus's truth.json, the
reported theme whose accounts best overlap the planted accounts is its match;
a pair is recalled when that overlap (Jaccard) is at least 0.5 among the top
N themes of the segment. Reports theme recall and the mean relative error of
the matched themes' account counts.

  bench/theme_eval.py --corpus DIR [--index-path DIR/notes] [--top 5] \
      [--model .models/all-MiniLM-L6-v2] [--insight target/release/insight]
      [--only none|builtin|model]
"""
import argparse, csv, json, os, shutil, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(insight, index, args, model):
    env = {k: v for k, v in os.environ.items() if k != "INSIGHT_EMBED_MODEL"}
    if model:
        env["INSIGHT_EMBED_MODEL"] = model
    start = time.perf_counter()
    r = subprocess.run([insight, "--index", index] + args, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit(f"insight {' '.join(args)} failed:\n{r.stderr}")
    return r.stdout, time.perf_counter() - start


def best_match(themes, planted):
    """(index, Jaccard) of the theme whose account_ids best overlap the planted accounts;
    (None, 0.0) when none shares one. A match counts at a Jaccard of 0.5 or more."""
    best, best_j = None, 0.0
    for i, th in enumerate(themes):
        ids = set(th.get("account_ids") or [])
        j = len(ids & planted) / max(1, len(ids | planted))
        if j > best_j:
            best, best_j = i, j
    return best, best_j


def evaluate(summary, truth, segment_of):
    pairs, found, errors = 0, 0, []
    groups = {g["value"]: g for g in summary["groups"]}
    for theme, t in truth["themes"].items():
        for seg, g in groups.items():
            if t["segment"] not in (seg, "all"):
                continue
            planted = {a for a in t["accounts"] if segment_of.get(a) == seg}
            if not planted:
                continue
            pairs += 1
            i, best_j = best_match(g["themes"], planted)
            if i is not None and best_j >= 0.5:
                found += 1
                errors.append(abs(g["themes"][i]["accounts"] - len(planted)) / len(planted))
    return {
        "pairs": pairs,
        "recall": round(found / max(1, pairs), 3),
        "count_error": round(sum(errors) / len(errors), 3) if errors else None,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, help="folder with truth.json and accounts.csv")
    ap.add_argument("--index-path", help="what to index (default: the corpus folder)")
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--model", default=os.path.join(ROOT, ".models", "all-MiniLM-L6-v2"))
    ap.add_argument("--insight", default=os.path.join(ROOT, "target", "release", "insight"))
    ap.add_argument("--only", choices=("none", "builtin", "model"), help="run one configuration")
    args = ap.parse_args()
    truth = json.load(open(os.path.join(args.corpus, "truth.json")))
    accounts = os.path.join(args.corpus, "accounts.csv")
    segment_of = {r.get("account") or r.get("id"): r["segment"] for r in csv.DictReader(open(accounts))}
    tmp = tempfile.mkdtemp()
    try:
        index = os.path.join(tmp, "index")
        run(args.insight, index, ["index", args.index_path or args.corpus, "--accounts", accounts, "-q"], None)
        out = {}
        configs = [("lexical", "none"), ("builtin", "builtin")]
        if args.model and os.path.isdir(args.model):
            configs.append(("model", args.model))
        if args.only:
            configs = [c for c in configs if c[1] == args.only or (args.only == "model" and c[0] == "model")]
        for name, model in configs:
            text, secs = run(args.insight, index, ["summarize", "--format", "json", "--top", str(args.top), "-q"], model)
            res = evaluate(json.loads(text), truth, segment_of)
            res["seconds"] = round(secs, 2)
            out[name] = res
        print(json.dumps(out))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
