#!/usr/bin/env python3
"""What the AWARE theme figures of score.py can reach with perfect topic themes.

AWARE's annotators gave every opinion an aspect term ("sync", "update",
"money", "notification") as well as a category (usability, reliability, …).
Themes built from those terms are the topic themes a careful researcher
would write, grouped by people rather than by any algorithm: for each
segment, one theme per term, holding the reviews with a negative opinion on
it, quoted by three of the annotated negative sentences themselves (so
every quote is a complaint). Scored with score.py's own labelling and
metrics (imported, not copied), they show the ceiling of the metrics for
topic themes, and how far the figures depend on which three quotes label a
theme (the annotators' order, or a seeded shuffle).

Second, how consistently the annotators file one kind of complaint under
one category: for a few everyday complaint words, the categories of the
negative opinions whose sentence holds the word.

  python3 bench/score_ceiling.py [--segments domain|app] [--out DIR]

Reads ../shared/data/feedback (measuring data: nothing is copied into the
repo); writes its corpus with make_corpus.py into --out.
"""

import argparse
import collections
import json
import os
import random
import subprocess
import sys
import tempfile

from score_band import FEEDBACK, scorer  # the script beside this one

DATA = os.path.join(FEEDBACK, "aware_reviews.jsonl")
# everyday words of app complaints (ours, not drawn from the data)
WORDS = ("crash", "bug", "freez", "slow", "sync", "update", "notification", "ads", "privacy", "price")
FIGURES = ("recall", "precision", "spearman", "coverage", "acct_prec", "quote_neg_lab")


def term_themes(S, reviews, records, gold, layout, shuffle):
    groups = {}
    for seg in gold:
        by_term = collections.defaultdict(list)
        for r in reviews:
            if r["segment"] != seg:
                continue
            for o in records[r["account"]]["opinions"]:
                if o["sentiment"] == "negative" and o["term"]:
                    by_term[o["term"].lower()].append((r["account"], S.norm(o["sentence"])))
        themes = []
        for term, said in by_term.items():
            if shuffle is not None:
                said = list(said)
                random.Random(shuffle).shuffle(said)
            quotes, seen = [], set()
            for account, sentence in said:
                if account not in seen:
                    seen.add(account)
                    quotes.append(S.quote(account, sentence, layout))
                if len(quotes) == 3:
                    break
            accounts = sorted({a for a, _ in said})
            themes.append({"title": term, "accounts": len(accounts), "mentions": len(said),
                           "account_ids": accounts, "quotes": quotes})
        themes.sort(key=lambda t: (-t["accounts"], t["title"]))
        groups[seg] = themes
    return groups


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--segments", choices=("domain", "app"), default="domain")
    ap.add_argument("--shuffles", type=int, default=5, help="seeded quote orders besides the annotators'")
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "insight-score-ceiling"))
    a = ap.parse_args()
    S = scorer()
    corpus, truth = os.path.join(a.out, "corpus"), os.path.join(a.out, "truth.json")
    os.makedirs(a.out, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(FEEDBACK, "make_corpus.py"), corpus, "--segment-by",
                    a.segments, "--truth", truth, "--force"], check=True, stdout=subprocess.DEVNULL)
    reviews, _ = S.load(DATA, a.segments)
    with open(DATA, encoding="utf-8") as f:
        records = {r["account"]: r for r in map(json.loads, filter(str.strip, f))}
    gold, _ = S.gold_of(truth, reviews)
    layout = S.layout_of(corpus)
    print(f"themes from the annotators' aspect terms, by {a.segments} (top 10 per segment):")
    rows = []
    for shuffle in [None] + list(range(a.shuffles)):
        res = S.score(term_themes(S, reviews, records, gold, layout, shuffle), reviews, gold, layout)
        rows.append(res)
        name = "annotators' order" if shuffle is None else f"shuffle {shuffle}"
        print(f"  {name:18} " + "  ".join(f"{k}={'n/a' if res[k] is None else f'{res[k]:.2f}'}" for k in FIGURES))
    for k in FIGURES:
        xs = [r[k] for r in rows if r[k] is not None]
        if xs:
            print(f"  {k:16} mean {sum(xs) / len(xs):.2f}, range {min(xs):.2f}–{max(xs):.2f}")
    print("\ncategories of negative opinions whose sentence holds the word (all reviews):")
    for w in WORDS:
        c = collections.Counter(o["category"] for r in records.values() for o in r["opinions"]
                                if o["sentiment"] == "negative" and w in o["sentence"].lower())
        n = sum(c.values())
        top = ", ".join(f"{cat} {v / n:.2f}" for cat, v in c.most_common(3))
        print(f"  {w:13} {n:4} opinions: {top}")


if __name__ == "__main__":
    main()
