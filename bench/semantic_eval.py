#!/usr/bin/env python3
"""Retrieval quality, lexical (BM25) against hybrid (BM25 re-ranked by the
local embedding model), on a corpus from the shared generator.

The labelled set: for each theme the generator plants, three questions that
say the same thing in other words than the planted sentences; a passage is
relevant to a question when it contains one of its theme's planted
sentences. Reports nDCG@10 and recall@10 (capped: relevant passages in the
top 10 over min(10, relevant passages in the corpus), which are hundreds).

  bench/semantic_eval.py --index DIR --corpus-gen ../shared/bench/gen_corpus.py \
      [--insight target/release/insight]     # needs INSIGHT_EMBED_MODEL
"""
import argparse, importlib.util, json, math, os, re, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

QUESTIONS = {
    "price-per-employee": [
        "the subscription gets too costly as our headcount grows",
        "is the software affordable for a tiny business",
        "complaints about how much we pay for every worker on staff",
    ],
    "mobile-timesheets": [
        "staff have trouble recording their hours on a smartphone",
        "problems logging work time from the field",
        "clocking in with the phone app does not work",
    ],
    "slow-support": [
        "customer service is slow to respond",
        "nobody helps us quickly when we have a problem",
        "waiting a long time for an answer from your help desk",
    ],
    "multi-state-tax": [
        "compliance trouble paying employees who live in different states",
        "withholding errors for remote workers across the country",
        "registering with tax agencies when we hire outside our home state",
    ],
    "approval-workflows": [
        "we need sign-off controls before money goes out",
        "auditors want a second person to check each pay run",
        "managers must approve the payroll before it is released",
    ],
    "erp-integration": [
        "syncing payroll with our accounting system is painful",
        "posting payroll costs to the finance software is manual work",
        "the connection to our ledger system is unreliable",
    ],
}


def load_themes(gen):
    spec = importlib.util.spec_from_file_location("gen_corpus", gen)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return {k: v[2] for k, v in mod.THEMES.items()}


def norm(s):
    return re.sub(r"\s+", " ", s).strip().lower()


def relevant(text, sentences):
    t = norm(text)
    return any(norm(s)[:40] in t for s in sentences)


def search(insight, index, q, semantic, n=10):
    cmd = [insight, "--index", index, "search", "--json", "-n", str(n)] + (["--semantic"] if semantic else []) + ["--", q]
    start = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"search failed: {' '.join(cmd)}\n{r.stderr}")
    out = json.loads(r.stdout)
    return [h["text"] for h in out["hits"]], out["took_ms"], wall


def ndcg(rels, k=10):
    dcg = sum(r / math.log2(i + 2) for i, r in enumerate(rels[:k]))
    ideal = sum(1 / math.log2(i + 2) for i in range(k))
    return dcg / ideal


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--corpus-gen", default=os.path.join(os.environ.get("INSIGHT_SHARED", os.path.join(ROOT, "..", "shared")), "bench", "gen_corpus.py"))
    ap.add_argument("--insight", default=os.path.join(ROOT, "target", "release", "insight"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    themes = load_themes(args.corpus_gen)
    rows = {False: [], True: []}
    took = {False: [], True: []}
    for theme, qs in QUESTIONS.items():
        for q in qs:
            for semantic in (False, True):
                texts, ms, _ = search(args.insight, args.index, q, semantic)
                rels = [1 if relevant(t, themes[theme]) else 0 for t in texts]
                rels += [0] * (10 - len(rels))
                rows[semantic].append((theme, q, ndcg(rels), sum(rels) / 10))
                took[semantic].append(ms)
    res = {}
    for semantic, name in ((False, "bm25"), (True, "hybrid")):
        r = rows[semantic]
        res[name] = {
            "ndcg@10": round(sum(x[2] for x in r) / len(r), 3),
            "recall@10": round(sum(x[3] for x in r) / len(r), 3),
            "median_took_ms": round(sorted(took[semantic])[len(took[semantic]) // 2], 1),
        }
    res["questions"] = len(rows[False])
    res["per_question"] = [
        {"theme": a[0], "question": a[1], "bm25_ndcg": round(a[2], 3), "hybrid_ndcg": round(b[2], 3)}
        for a, b in zip(rows[False], rows[True])
    ]
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        for name in ("bm25", "hybrid"):
            print(f"{name:7} nDCG@10 {res[name]['ndcg@10']:.3f}  recall@10 {res[name]['recall@10']:.3f}  "
                  f"median search {res[name]['median_took_ms']} ms  ({res['questions']} questions)")


if __name__ == "__main__":
    main()
