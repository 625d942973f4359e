#!/usr/bin/env python3
"""Sentence-level quality of the lens detectors on AWARE's labelled app-review
sentences (../shared/data/feedback/aware_reviews.jsonl; measuring data, never
copied into the repo and never read sentence by sentence to tune word lists).

  bench/detect_eval.py [--data FILE] [--harness PATH] [--vader DIR]
                       [--save FILE] [--compare FILE ...]

The detector's decisions come from the library `insight summarize` runs, through
the `detect` bench (benches/detect.rs, built with the `smoke` profile unless
--harness names a built binary). Nothing is re-implemented here.

Gold, per labelled sentence (distinct sentence text within a review): negative
when at least one of its opinions is negative, positive when all are positive.
AWARE has no neutral class and leaves about three sentences in four unlabelled
(plain complaints among them), so unlabelled sentences are not scored.

Figures for the pains lens ("is evidence for pains"):
  precision, recall, F1   against the negative sentences, the positive-only ones
                          being the other class
  fpr_pos                 share of positive-only sentences taken as pains
  review_recall           share of reviews with a negative opinion of which at
                          least one sentence of the review text is pains evidence
  review_flag_pos         the same share among reviews with positive opinions only
                          (an upper bound on false alarms: their unlabelled
                          sentences may complain)
and for the success lens, its mirror: precision/recall/F1 against the
positive-only sentences, and its rate on negative sentences (fpr_neg).

Baselines on the very same sentences (split as insight splits passages):
  vader        VADER compound <= -0.05 is a pain, >= 0.05 a success (the usual
               thresholds; vaderSentiment, MIT, needs --vader DIR or an import path)
  --compare F  decisions saved earlier with --save (e.g. from an older build)
"""
import argparse, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "..", "shared", "data", "feedback", "aware_reviews.jsonl")


def norm(s):
    return " ".join((s or "").split())


def load(path):
    labelled, reviews = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            ops = {}
            for o in r["opinions"]:
                ops.setdefault(norm(o["sentence"]), set()).add(o["sentiment"])
            for s, pol in ops.items():
                labelled.append({"review": len(reviews), "text": s, "neg": "negative" in pol})
            pols = {o["sentiment"] for o in r["opinions"]}
            reviews.append({"text": norm(r["text"]), "neg": "negative" in pols,
                            "pos_only": pols == {"positive"}})
    return labelled, reviews


def run_harness(harness, texts):
    cmd = [harness, "sentences"] if harness else \
        ["cargo", "bench", "--quiet", "--profile", "smoke", "--bench", "detect", "--", "sentences"]
    data = "".join(json.dumps({"text": t}) + "\n" for t in texts)
    r = subprocess.run(cmd, cwd=ROOT, input=data, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(r.stderr)
    out = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    if len(out) != len(texts):
        sys.exit(f"harness answered {len(out)} lines for {len(texts)} texts")
    return [o["sentences"] for o in out]


def decisions_from_harness(sents):
    """Per text: for each lens, whether some sentence is a signal; and each
    sentence's text (for the baselines)."""
    return [{"pains": any(s["pains"]["signal"] for s in ss),
             "success": any(s["success"]["signal"] for s in ss),
             "sentences": [s["text"] for s in ss],
             "per_sentence": [(s["pains"]["signal"], s["success"]["signal"]) for s in ss]}
            for ss in sents]


def vader_decisions(analyzer, dec):
    out = []
    for d in dec:
        per = []
        for s in d["sentences"]:
            c = analyzer.polarity_scores(s)["compound"]
            per.append((c <= -0.05, c >= 0.05))
        out.append({"pains": any(p for p, _ in per), "success": any(q for _, q in per),
                    "per_sentence": per})
    return out


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def figures(labelled, reviews, lab_dec, rev_dec):
    neg = [l["neg"] for l in labelled]
    pains = [d["pains"] for d in lab_dec]
    succ = [d["success"] for d in lab_dec]
    tp = sum(1 for g, d in zip(neg, pains) if g and d)
    fp = sum(1 for g, d in zip(neg, pains) if not g and d)
    fn = sum(1 for g, d in zip(neg, pains) if g and not d)
    p, r, f = prf(tp, fp, fn)
    n_pos = sum(1 for g in neg if not g)
    n_neg = len(neg) - n_pos
    stp = sum(1 for g, d in zip(neg, succ) if not g and d)
    sfp = sum(1 for g, d in zip(neg, succ) if g and d)
    sfn = sum(1 for g, d in zip(neg, succ) if not g and not d)
    sp, sr, sf = prf(stp, sfp, sfn)
    rneg = [i for i, rv in enumerate(reviews) if rv["neg"]]
    rpos = [i for i, rv in enumerate(reviews) if rv["pos_only"]]
    return {
        "pains": {"precision": p, "recall": r, "f1": f, "fpr_pos": fp / n_pos if n_pos else 0.0,
                  "review_recall": sum(rev_dec[i]["pains"] for i in rneg) / max(1, len(rneg)),
                  "review_flag_pos": sum(rev_dec[i]["pains"] for i in rpos) / max(1, len(rpos))},
        "success": {"precision": sp, "recall": sr, "f1": sf, "fpr_neg": sfp / n_neg if n_neg else 0.0,
                    "review_recall": sum(rev_dec[i]["success"] for i in rpos) / max(1, len(rpos))},
        "counts": {"labelled": len(neg), "negative": n_neg, "positive_only": n_pos,
                   "reviews": len(reviews), "reviews_neg": len(rneg), "reviews_pos_only": len(rpos)},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--harness", help="a built detect bench binary (default: cargo bench --bench detect)")
    ap.add_argument("--vader", help="a folder holding the vaderSentiment package (pip install --target DIR)")
    ap.add_argument("--save", help="write this run's decisions to FILE (for a later --compare)")
    ap.add_argument("--compare", action="append", default=[], metavar="FILE",
                    help="also score decisions saved earlier (name = file name)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    a = ap.parse_args()
    labelled, reviews = load(a.data)
    texts = [l["text"] for l in labelled] + [r["text"] for r in reviews]
    dec = decisions_from_harness(run_harness(a.harness, texts))
    lab_dec, rev_dec = dec[: len(labelled)], dec[len(labelled):]
    systems = {"insight": figures(labelled, reviews, lab_dec, rev_dec)}
    if a.save:
        with open(a.save, "w", encoding="utf-8") as f:
            json.dump({"labelled": [{k: d[k] for k in ("pains", "success")} for d in lab_dec],
                       "reviews": [{k: d[k] for k in ("pains", "success")} for d in rev_dec]}, f)
    for path in a.compare:
        with open(path, encoding="utf-8") as f:
            old = json.load(f)
        if len(old["labelled"]) != len(labelled):
            sys.exit(f"{path}: saved from other data")
        name = os.path.splitext(os.path.basename(path))[0]
        systems[name] = figures(labelled, reviews, old["labelled"], old["reviews"])
    if a.vader:
        sys.path.insert(0, a.vader)
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        an = SentimentIntensityAnalyzer()
        systems["vader"] = figures(labelled, reviews, vader_decisions(an, lab_dec), vader_decisions(an, rev_dec))
    except ImportError:
        print("(vaderSentiment not found: no VADER baseline; see --vader)", file=sys.stderr)
    if a.json:
        print(json.dumps(systems, indent=2))
        return
    c = systems["insight"]["counts"]
    print(f"AWARE: {c['labelled']} labelled sentences ({c['negative']} negative, {c['positive_only']} positive only), "
          f"{c['reviews']} reviews ({c['reviews_neg']} with a negative opinion, {c['reviews_pos_only']} positive only)")
    print()
    print("pains lens      precision  recall     F1  fpr_pos  review_recall  review_flag_pos")
    for name, s in systems.items():
        p = s["pains"]
        print(f"{name:<14} {p['precision']:>9.3f} {p['recall']:>7.3f} {p['f1']:>6.3f} {p['fpr_pos']:>8.3f}"
              f" {p['review_recall']:>14.3f} {p['review_flag_pos']:>16.3f}")
    print()
    print("success lens    precision  recall     F1  fpr_neg  review_recall(pos-only)")
    for name, s in systems.items():
        p = s["success"]
        print(f"{name:<14} {p['precision']:>9.3f} {p['recall']:>7.3f} {p['f1']:>6.3f} {p['fpr_neg']:>8.3f}"
              f" {p['review_recall']:>14.3f}")


if __name__ == "__main__":
    main()
