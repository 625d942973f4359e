#!/usr/bin/env python3
"""insight against SQLite FTS5, side by side, on corpora from the shared
generator. Writes bench/out/results.json and (with --write) BENCHMARKS.md.

  bench/run.sh                         # 2,000 / 20,000 / 200,000 documents
  bench/run.sh --sizes 20000 --smoke   # CI: fail only on a gross regression
  bench/run.sh --million               # also 1,000,000 documents

FTS5 loads the same texts already extracted (it is not charged for parsing)
through Python's sqlite3; searches run one process per query, insight
against the `sqlite3` shell, plus in-process timings on both sides.
"""
import argparse, json, os, platform, re, shutil, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

QUERIES = [
    # single terms
    "payroll", "approval", "SAP", "support", "Android", "tax", "onboarding", "invoice", "timesheet", "checklist",
    # several terms
    "per-employee price", "approval workflows", "mobile timesheet app", "state tax filings", "general ledger export",
    "support takes days", "journal entries cost centers", "seasonal staff bill", "direct deposit", "self-service portal",
    "tax registration manual", "cheaper alternatives", "missed punch", "local tax tables", "year-end forms",
    # phrases
    '"segregation of duties"', '"multi-state withholding"', '"general ledger"', '"per head"', '"nobody picks up"',
    # common words (FTS5 scores every match)
    "the", "we",
]
SEGMENTS = [None, "smb", "enterprise"]
SQLITE3 = shutil.which("sqlite3")
ANALYSIS = "## Targets, gaps and profile"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def timed(cmd, **kw):
    start = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return time.perf_counter() - start, r


def peak_rss_and_wall(cmd):
    r = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr}")
    wall, kb = r.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kb) * 1024


def du(path):
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(dirpath, f))
    return total


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def fts_query(q):
    """The FTS5 MATCH expression equivalent to an insight query: terms OR-ed
    (insight ranks any-term matches by BM25), phrases kept."""
    if q.startswith('"'):
        return q
    words = re.findall(r"[A-Za-z0-9]+", q)
    return " OR ".join(words)


def bench_size(n, args, insight):
    out = os.path.join(args.out, f"n{n}")
    os.makedirs(out, exist_ok=True)
    corpus = os.path.join(out, "corpus")
    if not os.path.exists(os.path.join(corpus, "truth.json")):
        shutil.rmtree(corpus, ignore_errors=True)
        sh([sys.executable, args.gen, "--docs", str(n), "--out", corpus])
    texts = os.path.join(out, "texts.jsonl")
    if not os.path.exists(texts):
        sh([sys.executable, os.path.join(HERE, "extract.py"), corpus, texts])
    text_bytes = sum(len(json.loads(l)["text"].encode()) for l in open(texts))
    runs = 1 if n >= 200_000 else 3
    res = {"documents": n, "text_mb": text_bytes / 1e6}

    # indexing, fresh each time; best of `runs`
    fts_db = os.path.join(out, "fts.db")
    fts = []
    for _ in range(runs):
        fts.append(float(sh([sys.executable, os.path.join(HERE, "fts5_load.py"), texts, fts_db]).stdout))
    res["fts_index_s"] = min(fts)
    res["fts_size"] = os.path.getsize(fts_db)
    index = os.path.join(out, "index")
    walls, rss = [], []
    for _ in range(runs):
        shutil.rmtree(index, ignore_errors=True)
        w, m = peak_rss_and_wall([insight, "--index", index, "index", corpus, "--accounts",
                                  os.path.join(corpus, "accounts.csv"), "-q"])
        walls.append(w)
        rss.append(m)
    res["index_s"] = min(walls)
    res["index_rss"] = max(rss)
    res["index_size"] = du(index)
    res["mb_s"] = res["text_mb"] / res["index_s"]

    # re-index: nothing changed, then 1% of the notes edited
    res["reindex_unchanged_s"], _ = peak_rss_and_wall([insight, "--index", index, "index", "-q"])
    notes = sorted(os.listdir(os.path.join(corpus, "notes")))
    edit = notes[: max(1, n // 100)]
    backups = {}
    for f in edit:
        p = os.path.join(corpus, "notes", f)
        backups[p] = open(p).read()
        with open(p, "a") as fh:
            fh.write("\nEdited: the export is still broken.\n")
    res["reindex_1pct_files"] = len(edit)
    res["reindex_1pct_s"], _ = peak_rss_and_wall([insight, "--index", index, "index", "-q"])
    for p, text in backups.items():
        with open(p, "w") as fh:
            fh.write(text)
    peak_rss_and_wall([insight, "--index", index, "index", "-q"])

    # search, one process per query
    ins, fts_sh, took, fts_in = [], [], [], []
    import sqlite3
    conn = sqlite3.connect(fts_db)
    for q in QUERIES:
        for seg in SEGMENTS:
            cmd = [insight, "--index", index, "search", "--json", "-n", "10"] + (["--segment", seg] if seg else []) + ["--", q]
            t, r = timed(cmd)
            if r.returncode != 0:
                sys.exit(f"search failed: {q}: {r.stderr}")
            ins.append(t)
            took.append(json.loads(r.stdout)["took_ms"] / 1000)
            m = fts_query(q)
            expr = f"text : ({m})" + (f" AND segment : {seg}" if seg else "")
            sql = f"SELECT rowid FROM docs WHERE docs MATCH '{expr}' ORDER BY rank LIMIT 10;"
            if SQLITE3:
                t, r = timed([SQLITE3, fts_db, sql])
                if r.returncode != 0:
                    sys.exit(f"sqlite3 failed: {sql}: {r.stderr}")
                fts_sh.append(t)
            start = time.perf_counter()
            conn.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10", (expr,)).fetchall()
            fts_in.append(time.perf_counter() - start)
    res["queries"] = len(ins)
    for name, v in [("search", ins), ("fts_search", fts_sh), ("search_inproc", took), ("fts_search_inproc", fts_in)]:
        if not v:
            continue
        res[name + "_p50_ms"] = pct(v, 50) * 1000
        res[name + "_p95_ms"] = pct(v, 95) * 1000

    # summarize offline
    if not args.smoke:
        res["summarize_s"], res["summarize_rss"] = peak_rss_and_wall([insight, "--index", index, "summarize", "--format", "json", "-q"])
    # start-up
    starts = [timed([insight, "--version"])[0] for _ in range(30)]
    res["startup_ms"] = pct(starts, 50) * 1000
    return res


def machine():
    mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores ({cpu}), {int(mem) / 1024 / 1024:.0f} GB RAM, {platform.system()} {platform.release()}"


def ratio(a, b):
    return f"{a / b:.2f}×" if b else "–"


def markdown(results, cmd):
    lines = ["# Benchmarks", "",
             "insight against SQLite FTS5 on the same machine, in the same run, on corpora written by",
             "`../shared/bench/gen_corpus.py`. FTS5 (Python's `sqlite3`, SQLite " + __import__("sqlite3").sqlite_version + ") loads the texts",
             "already extracted — it is not charged for parsing VTT, Markdown, CSV and JSONL. Ratios are",
             "insight / FTS5: below 1 insight is faster. The machine is shared and noisy: compare ratios.", "",
             f"- Machine: {machine()}",
             f"- Date: {time.strftime('%Y-%m-%d')}",
             f"- Reproduce: `{cmd}`", ""]
    for r in results:
        n = r["documents"]
        lines += [f"## {n:,} documents ({r['text_mb']:.1f} MB of text)", "",
                  "| measure | insight | FTS5 | insight / FTS5 |", "|---|---:|---:|---:|",
                  f"| index from scratch | {r['index_s']:.2f} s ({r['mb_s']:.1f} MB/s) | {r['fts_index_s']:.2f} s ({r['text_mb'] / r['fts_index_s']:.1f} MB/s) | {ratio(r['index_s'], r['fts_index_s'])} |",
                  f"| size on disk | {r['index_size'] / 1e6:.1f} MB | {r['fts_size'] / 1e6:.1f} MB | {ratio(r['index_size'], r['fts_size'])} |",
                  f"| peak memory while indexing | {r['index_rss'] / 1e6:.0f} MB | | |",
                  f"| re-index, nothing changed | {r['reindex_unchanged_s']:.2f} s | | |",
                  f"| re-index, {r['reindex_1pct_files']} files (1%) edited | {r['reindex_1pct_s']:.2f} s | | |",
                  f"| search p50, one process per query ({r['queries']} queries) | {r['search_p50_ms']:.1f} ms | {r['fts_search_p50_ms']:.1f} ms (sqlite3 shell) | {ratio(r['search_p50_ms'], r['fts_search_p50_ms'])} |",
                  f"| search p95, one process per query | {r['search_p95_ms']:.1f} ms | {r['fts_search_p95_ms']:.1f} ms | {ratio(r['search_p95_ms'], r['fts_search_p95_ms'])} |",
                  f"| search p50 in process | {r['search_inproc_p50_ms']:.2f} ms | {r['fts_search_inproc_p50_ms']:.2f} ms | {ratio(r['search_inproc_p50_ms'], r['fts_search_inproc_p50_ms'])} |",
                  f"| search p95 in process | {r['search_inproc_p95_ms']:.2f} ms | {r['fts_search_inproc_p95_ms']:.2f} ms | {ratio(r['search_inproc_p95_ms'], r['fts_search_inproc_p95_ms'])} |"]
        if "summarize_s" in r:
            lines.append(f"| `summarize` offline (all segments, pains) | {r['summarize_s']:.2f} s, {r['summarize_rss'] / 1e6:.0f} MB | | |")
        lines += [f"| `insight --version` start-up | {r['startup_ms']:.1f} ms | | |", ""]
    return "\n".join(lines) + "\n"


def measure(sizes, args):
    """One run of every size, each printed as it finishes."""
    results = []
    for n in sizes:
        print(f"== {n} documents", file=sys.stderr)
        r = bench_size(n, args, args.insight)
        results.append(r)
        print(json.dumps(r, indent=1), file=sys.stderr)
    return results


def smoke_failures(results):
    """What is over 3× FTS5 (the smoke test's bound for a gross regression)."""
    bad = []
    for r in results:
        if r["index_s"] > 3 * r["fts_index_s"]:
            bad.append(f"indexing {r['index_s']:.2f} s vs FTS5 {r['fts_index_s']:.2f} s")
        if "fts_search_p50_ms" in r and r["search_p50_ms"] > 3 * r["fts_search_p50_ms"]:
            bad.append(f"search p50 {r['search_p50_ms']:.1f} ms vs sqlite3 {r['fts_search_p50_ms']:.1f} ms")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="2000,20000,200000")
    ap.add_argument("--million", action="store_true", help="also 1,000,000 documents")
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--insight", default=os.path.join(ROOT, "target", "release", "insight"))
    ap.add_argument("--gen", default=os.path.join(os.environ.get("INSIGHT_SHARED", os.path.join(ROOT, "..", "shared")), "bench", "gen_corpus.py"))
    ap.add_argument("--smoke", action="store_true", help="one quick run; exit 1 on a gross regression (>3× FTS5, measured twice)")
    ap.add_argument("--write", action="store_true", help="write BENCHMARKS.md")
    args = ap.parse_args()
    if not SQLITE3:
        if not args.smoke:
            sys.exit("the sqlite3 shell is needed for the per-process search comparison (apt install sqlite3)")
        print("warning: no sqlite3 shell; per-process search is not compared", file=sys.stderr)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.million:
        sizes.append(1_000_000)
    os.makedirs(args.out, exist_ok=True)
    results = measure(sizes, args)
    bad = smoke_failures(results) if args.smoke else []
    if bad:
        # one more measurement before failing: a shared machine is noisy
        # (3.03× was seen once with another build on the same 2 cores)
        print("benchmark smoke: over 3× (" + "; ".join(bad) + "); measuring once more", file=sys.stderr)
        results = measure(sizes, args)
        bad = smoke_failures(results)
    json.dump(results, open(os.path.join(args.out, "results.json"), "w"), indent=1)
    if args.write:
        cmd = "bench/run.sh --write" + (f" --sizes {args.sizes}" if args.sizes != "2000,20000,200000" else "") + (" --million" if args.million else "")
        path = os.path.join(ROOT, "BENCHMARKS.md")
        # the hand-written analysis after the tables is kept
        old = open(path).read() if os.path.exists(path) else ""
        at = old.find(ANALYSIS)
        open(path, "w").write(markdown(results, cmd) + (old[at:] if at >= 0 else ""))
    if args.smoke:
        if bad:
            sys.exit("gross regression against FTS5, twice: " + "; ".join(bad))
        print("benchmark smoke: within 3× of FTS5", file=sys.stderr)


if __name__ == "__main__":
    main()
