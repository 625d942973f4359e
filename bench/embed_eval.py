#!/usr/bin/env python3
"""Embedding throughput of the local model (all-MiniLM-L6-v2, or the
built-in static model with `--model builtin`) as insight batches texts:
sentences/s and passages/s on texts of a generated corpus, the latency of
one text (a query), and `insight index --embed` end to end.

  bench/embed_eval.py --corpus bench/out/n2000 --model .models/all-MiniLM-L6-v2 \
      [--sentences 2000] [--passages 500] [--index-docs] [--profile smoke]

Sentences are the corpus's distinct sentences; passages are runs of them of
about 80 words, the size insight's passages have. Builds the `embed` bench
with the `smoke` profile (release without LTO) unless `--profile` says.
"""
import argparse, json, os, random, re, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def corpus_texts(corpus):
    out = subprocess.run([sys.executable, os.path.join(HERE, "extract.py"), corpus, "/dev/stdout"],
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(l)["text"] for l in out.splitlines() if l.strip()]


def bench(model, texts, profile="smoke"):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(t.replace("\n", " ") for t in texts))
    try:
        r = subprocess.run(["cargo", "bench", "--quiet", "--profile", profile, "--bench", "embed", "--", model, f.name],
                           cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(r.stderr)
        return json.loads(r.stdout.strip().splitlines()[-1])
    finally:
        os.unlink(f.name)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, help="a gen_corpus.py output folder")
    ap.add_argument("--model", required=True, help="the model folder, or `builtin` (the built-in static model)")
    ap.add_argument("--profile", default="smoke", help="cargo profile of the embed bench and the binary (default smoke)")
    ap.add_argument("--sentences", type=int, default=2000)
    ap.add_argument("--passages", type=int, default=500)
    ap.add_argument("--index-docs", action="store_true", help="also time `insight index --embed` on the corpus")
    ap.add_argument("--insight", help="the binary (default target/PROFILE/insight)")
    a = ap.parse_args()
    model = a.model if a.model == "builtin" else os.path.abspath(a.model)
    texts = corpus_texts(a.corpus)
    rng = random.Random(7)
    sentences = sorted({s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s.split()) >= 3})
    rng.shuffle(sentences)
    passages, cur = [], []
    for s in sentences:
        cur.append(s)
        if sum(len(x.split()) for x in cur) >= 80:
            passages.append(" ".join(cur))
            cur = []
    rng.shuffle(passages)
    result = {
        "sentences": bench(model, sentences[: a.sentences], a.profile),
        "passages": bench(model, passages[: a.passages], a.profile),
    }
    if a.index_docs:
        subprocess.run(["cargo", "build", "--quiet", "--profile", a.profile], cwd=ROOT, check=True)
        insight = a.insight or os.path.join(ROOT, "target", a.profile, "insight")
        with tempfile.TemporaryDirectory() as idx:
            env = dict(os.environ, INSIGHT_EMBED_MODEL=model)
            start = time.perf_counter()
            r = subprocess.run([insight, "--index", idx, "index", a.corpus, "--embed", "--json"],
                               capture_output=True, text=True, env=env)
            secs = time.perf_counter() - start
            if r.returncode != 0:
                sys.exit(r.stderr)
            rep = json.loads(r.stdout)
            result["index_embed"] = {"documents": rep["documents"], "passages": rep["passages"],
                                     "seconds": round(secs, 1), "passages_per_second": round(rep["passages"] / secs, 1)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
