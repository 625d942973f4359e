#!/usr/bin/env python3
"""Trains insight's built-in static embedding table towards all-MiniLM-L6-v2's
sentence embeddings (the idea of Model2Vec's "tokenlearn": a static model
whose sentence vector, the mean of its tokens' rows, is fitted to the
transformer's vector of the same sentence over a generic corpus).

The fit is linear and closed-form in spirit: with X the sentences' bag of
tokens (each row sums to 1: the mean), Y the transformer's unit sentence
vectors projected on their top `--dims` principal directions, and W0 the
distilled table (`bench/distill_static.py`) rotated into that space by the
least-squares map R (X W0 R ≈ Y), it solves

    min_W ‖X W − Y‖² + λ ‖W − W0 R‖²

by conjugate gradients on the normal equations (one system, all columns at
once). Tokens the corpus never uses keep their distilled row, rotated.
Inference is unchanged (src/embed/static_model.rs): mean of the rows,
L2-normalised.

The corpus is generic English, never our measuring data:
- WordNet 3.0 (Debian package `wordnet-base`; Princeton's WordNet 3.0
  licence, which allows use, copying, modification and distribution for any
  purpose with its notice): the glosses of every synset, split into their
  definition and their quoted example sentences;
- the docstrings of the Python standard library this script runs on (PSF
  licence): technical English about files, networks, errors, dates.
Sentences of 4 to 40 words, deduplicated, sampled deterministically (by a
hash of the text) to `--sentences`.

  apt-get install wordnet-base          # /usr/share/wordnet/data.*
  .venv/bin/pip install numpy scipy
  bench/train_static.py [--model .models/all-MiniLM-L6-v2] [--sentences 40000]
      [--lam 1.0] [--dims 256] [--out src/embed/builtin]

The transformer's vectors come from the embed bench (`cargo bench --profile
smoke --bench embed -- MODEL FILE --dump`, ~80 sentences/s on 2 cores) and
are cached in bench/out/train/ (git-ignored), keyed by the corpus's hash.
Deterministic: no randomness; the same inputs give a byte-identical table.
"""
import argparse, ast, glob, hashlib, json, os, re, shutil, subprocess, sys, sysconfig, time

import numpy as np
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import distill_static as ds  # noqa: E402

NAME = "minilm-l6-static-v2"
WORDNET = "/usr/share/wordnet"


def words(s):
    return len(s.split())


def clean(s):
    return " ".join(s.replace("_", " ").split()).strip()


def wordnet_sentences():
    out = []
    for part in ("noun", "verb", "adj", "adv"):
        path = os.path.join(WORDNET, f"data.{part}")
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: apt-get install wordnet-base")
        for line in open(path, encoding="latin-1"):
            if line.startswith("  ") or "|" not in line:
                continue  # licence header
            gloss = line.split("|", 1)[1]
            for piece in gloss.split(";"):
                piece = clean(piece.strip().strip('"'))
                if piece:
                    out.append(piece[0].upper() + piece[1:])
    return out


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
CODEISH = re.compile(r"[(){}\[\]=<>`*#|\\]|::|\w\.\w|__")


def python_sentences():
    out = []
    lib = sysconfig.get_paths()["stdlib"]
    for path in sorted(glob.glob(os.path.join(lib, "**", "*.py"), recursive=True)):
        if "/test" in path or "site-packages" in path or "idlelib" in path:
            continue
        try:
            tree = ast.parse(open(path, encoding="utf-8").read())
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node)
                if not doc:
                    continue
                for para in doc.split("\n\n"):
                    for s in SENTENCE_END.split(clean(para)):
                        if not CODEISH.search(s) and s[:1].isupper():
                            out.append(s)
    return out


def corpus(n):
    seen, pool = set(), []
    for source in (wordnet_sentences(), python_sentences()):
        for s in source:
            if 4 <= words(s) <= 40 and s.lower() not in seen:
                seen.add(s.lower())
                pool.append(s)
    pool.sort(key=lambda s: hashlib.sha1(s.encode()).digest())
    return pool[:n], len(pool)


def targets(model, sentences, cache_dir):
    key = hashlib.sha256(("\n".join(sentences) + "|" + os.path.abspath(model)).encode()).hexdigest()[:16]
    cache = os.path.join(cache_dir, f"targets-{key}.npy")
    if os.path.exists(cache):
        return np.load(cache)
    os.makedirs(cache_dir, exist_ok=True)
    texts = os.path.join(cache_dir, f"texts-{key}.txt")
    with open(texts, "w", encoding="utf-8") as f:
        f.write("\n".join(sentences) + "\n")
    started = time.time()
    r = subprocess.run(["cargo", "bench", "-q", "--profile", "smoke", "--bench", "embed", "--", model, texts, "--dump"],
                       cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(r.stderr[-2000:])
    rows = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    if len(rows) != len(sentences):
        sys.exit(f"the embed bench gave {len(rows)} vectors for {len(sentences)} sentences")
    y = np.array([r["vector"] for r in rows], dtype=np.float64)
    np.save(cache, y)
    print(f"  transformer vectors for {len(y)} sentences in {time.time() - started:.0f} s", file=sys.stderr)
    return y


def bag(wp, sentences, rows):
    """The sentences' mean-of-tokens matrix (no [UNK], at most 512 tokens)."""
    indptr, indices, data = [0], [], []
    for s in sentences:
        ids = [i for i in wp.ids(s) if i != wp.unk][:512]
        counts = {}
        for i in ids:
            counts[i] = counts.get(i, 0) + 1
        for i in sorted(counts):
            indices.append(i)
            data.append(counts[i] / max(1, len(ids)))
        indptr.append(len(indices))
    return sp.csr_matrix((data, indices, indptr), shape=(len(sentences), rows))


def solve(x, y, w0, lam, iters=200, tol=1e-6):
    """Block conjugate gradients (each column its own step sizes) on
    (XᵀX + λI) W = XᵀY + λ W0."""
    xt = x.T.tocsr()
    def apply(w):
        return xt @ (x @ w) + lam * w
    b = xt @ y + lam * w0
    w = w0.copy()
    r = b - apply(w)
    p = r.copy()
    rs = (r * r).sum(0)
    norm_b = np.sqrt((b * b).sum(0)) + 1e-12
    for k in range(iters):
        ap = apply(p)
        alpha = rs / ((p * ap).sum(0) + 1e-30)
        w += p * alpha
        r -= ap * alpha
        rs_new = (r * r).sum(0)
        if np.all(np.sqrt(rs_new) / norm_b < tol):
            break
        p = r + p * (rs_new / (rs + 1e-30))
        rs = rs_new
    return w, k + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(ROOT, ".models", "all-MiniLM-L6-v2"))
    ap.add_argument("--base", default=os.path.join(ROOT, "src", "embed", "builtin", "static.i8"),
                    help="the distilled table to start from (bench/distill_static.py)")
    ap.add_argument("--sentences", type=int, default=40000)
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--lam", type=float, default=1.0, help="pull towards the distilled rows")
    ap.add_argument("--out", default=os.path.join(ROOT, "src", "embed", "builtin"))
    ap.add_argument("--cache", default=os.path.join(ROOT, "bench", "out", "train"))
    a = ap.parse_args()
    started = time.time()
    sentences, pool = corpus(a.sentences)
    print(f"  corpus: {len(sentences)} of {pool} sentences", file=sys.stderr)
    y_full = targets(a.model, sentences, a.cache)
    # the targets' principal directions (centred, deterministic signs)
    y_mean = y_full.mean(0)
    cov = (y_full - y_mean).T @ (y_full - y_mean) / (len(y_full) - 1)
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1][: a.dims]
    vecs = vecs[:, order]
    vecs *= np.sign(vecs[np.argmax(np.abs(vecs), axis=0), np.arange(vecs.shape[1])])
    y = y_full @ vecs  # not centred: the mean direction is part of every sentence
    header, scale, q = ds.read_table(a.base)
    if header["dims"] != a.dims:
        sys.exit(f"--base has {header['dims']} dims, --dims is {a.dims}")
    w0 = ds.dequantize(scale, q)
    tokenizer = os.path.join(os.path.dirname(os.path.abspath(a.base)), "tokenizer.json")
    wp = ds.WordPiece(tokenizer)
    x = bag(wp, sentences, header["rows"])
    # rotate the distilled rows into the targets' space: X W0 R ≈ Y
    xw0 = x @ w0
    r_map, *_ = np.linalg.lstsq(xw0, y, rcond=None)
    start = w0 @ r_map
    w, iters = solve(x, y, start, a.lam)
    fit = x @ w
    cos = (fit * y).sum(1) / (np.linalg.norm(fit, axis=1) * np.linalg.norm(y, axis=1) + 1e-12)
    base = xw0 @ r_map
    cos0 = (base * y).sum(1) / (np.linalg.norm(base, axis=1) * np.linalg.norm(y, axis=1) + 1e-12)
    s, qq = ds.quantize_rows(w)
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "static.i8")
    ds.write_table(path, s, qq, NAME)
    if not os.path.exists(os.path.join(a.out, "tokenizer.json")):
        shutil.copyfile(tokenizer, os.path.join(a.out, "tokenizer.json"))
    print(json.dumps({"table": path, "sentences": len(sentences), "lam": a.lam, "cg_iterations": iters,
                      "train_cosine_before": round(float(cos0.mean()), 4), "train_cosine_after": round(float(cos.mean()), 4),
                      "tokens_seen": int((np.asarray(x.sum(0)).ravel() > 0).sum()),
                      "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(),
                      "seconds": round(time.time() - started, 1)}))


if __name__ == "__main__":
    main()
