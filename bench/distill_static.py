#!/usr/bin/env python3
"""Distils insight's built-in static embedding model from all-MiniLM-L6-v2
by the Model2Vec method (Tulkens & van Dongen 2024, MinishLab/model2vec),
with numpy alone (no torch, no network):

1. every token of the vocabulary except `[unusedN]` is embedded by the
   transformer as `[CLS] token [SEP]`, mean-pooled over those three
   positions (model2vec's `turn_tokens_into_ids` + `PoolingMode.MEAN`; no
   normalisation, the raw BERT output as `AutoModel` gives it);
2. PCA to `--dims` components (centred, not whitened, as sklearn's PCA);
3. each row times its SIF weight under a Zipf estimate of the token's
   frequency from its rank in the vocabulary: p = (1/(rank+2)) / Σ, weight =
   1e-4 / (1e-4 + p) (model2vec's `compute_weights`);
4. int8 with one f32 scale per row (model2vec quantises with one scale for
   the whole table; per row keeps the rare and the frequent tokens alike).

At inference (src/embed/static_model.rs) a text is WordPiece-tokenised
without [CLS]/[SEP], [UNK] tokens are dropped (as model2vec's `tokenize`),
at most 512 tokens are kept, and the sentence vector is the mean of the
rows, L2-normalised.

  bench/distill_static.py [--model .models/all-MiniLM-L6-v2] [--dims 256] \
      [--out src/embed/builtin]            # writes static.i8 + tokenizer.json
  bench/distill_static.py --check FILE     # prints the table's header
  bench/distill_static.py --verify DUMP    # numpy forward vs the Rust embedder

`--verify` takes a JSON-lines dump of `cargo bench --bench embed -- MODEL
TEXTS --dump` (text and vector per line) and embeds each text with this
file's numpy forward pass and WordPiece tokenizer; cosines should be ≈ 1.

Table format (little-endian), version 1:

  0   8 bytes  magic  b"INSTATIC"
  8   u32      format version (1)
  12  u32      rows (the tokenizer's vocabulary size; row i is token id i)
  16  u32      dims
  20  u32      flags (0)
  24  32 bytes name, UTF-8, NUL-padded (e.g. b"minilm-l6-static-v1")
  56  u32      CRC-32 (zlib) of everything after the header
  60  u32      reserved (0)
  64  rows × f32  per-row scale
      rows × dims i8  the rows; value = i8 × scale. `[unusedN]` rows are 0.

Deterministic: float64 throughout, no randomness; the same model folder and
numpy give a byte-identical table.
"""
import argparse, hashlib, json, math, os, re, struct, sys, time, unicodedata, zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

MAGIC = b"INSTATIC"
VERSION = 1
HEADER = 64
NAME = "minilm-l6-static-v1"
SIF = 1e-4
REMOVE = re.compile(r"\[unused\d+\]")


# --- the transformer -------------------------------------------------------

def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        arr = np.frombuffer(data[base + a : base + b], dtype=dtypes[t["dtype"]]).reshape(t["shape"])
        out[name] = arr.astype(np.float64) if arr.dtype != np.int64 else arr
    return out


ERFC = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
        0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277]


def erf(x):
    # numpy has no erf: Numerical Recipes' Chebyshev fit of erfc (fractional
    # error below 1.2e-7 everywhere), under the float32 noise of candle's own
    z = np.abs(x)
    t = z * 0.5
    t += 1.0
    np.reciprocal(t, out=t)
    p = np.full_like(t, ERFC[-1])
    for c in ERFC[-2::-1]:
        p *= t
        p += c
    z *= z
    p -= z
    np.exp(p, out=p)
    p *= t  # erfc(|x|)
    return np.copysign(1.0 - p, x)


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


class Bert:
    def __init__(self, folder):
        self.cfg = json.load(open(os.path.join(folder, "config.json")))
        self.w = read_safetensors(os.path.join(folder, "model.safetensors"))

    def forward(self, ids, mask):
        """Last hidden states for `ids` (B, L) with attention `mask` (B, L)."""
        w, cfg = self.w, self.cfg
        eps = cfg.get("layer_norm_eps", 1e-12)
        heads = cfg["num_attention_heads"]
        B, L = ids.shape
        x = w["embeddings.word_embeddings.weight"][ids]
        x = x + w["embeddings.position_embeddings.weight"][:L][None]
        x = x + w["embeddings.token_type_embeddings.weight"][0]
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        H = x.shape[-1]
        d = H // heads
        bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e30)  # (B,1,1,L)
        for i in range(cfg["num_hidden_layers"]):
            p = f"encoder.layer.{i}."
            # as one (B·L, H) matrix: numpy runs a stacked matmul as B small ones
            lin = lambda t, n: (t.reshape(B * L, -1) @ w[p + n + ".weight"].T + w[p + n + ".bias"]).reshape(B, L, -1)
            split = lambda t: t.reshape(B, L, heads, d).transpose(0, 2, 1, 3)
            q = split(lin(x, "attention.self.query"))
            k = split(lin(x, "attention.self.key"))
            v = split(lin(x, "attention.self.value"))
            s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d) + bias
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            ctx = (s @ v).transpose(0, 2, 1, 3).reshape(B, L, H)
            a = layer_norm(lin(ctx, "attention.output.dense") + x,
                           w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
            h = lin(a, "intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / math.sqrt(2.0)))
            x = layer_norm(lin(h, "output.dense") + a,
                           w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
        return x

    def mean_pooled(self, ids, mask):
        hidden = self.forward(ids, mask)
        m = mask[..., None].astype(np.float64)
        return (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)


# --- WordPiece (BertNormalizer + BertPreTokenizer + WordPiece) -------------

class WordPiece:
    """The BERT uncased tokenizer of tokenizer.json, enough for --verify and
    for measuring tables in Python (the Rust side uses the `tokenizers` crate)."""

    def __init__(self, tokenizer_json):
        t = json.load(open(tokenizer_json))
        self.vocab = t["model"]["vocab"]
        self.unk = self.vocab[t["model"]["unk_token"]]
        self.max_chars = t["model"].get("max_input_chars_per_word", 100)

    @staticmethod
    def _punct(c):
        o = ord(c)
        if 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126:
            return True
        return unicodedata.category(c).startswith("P")

    @staticmethod
    def _cjk(o):
        return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2A6DF or 0x2A700 <= o <= 0x2B73F
                or 0x2B740 <= o <= 0x2B81F or 0x2B820 <= o <= 0x2CEAF or 0xF900 <= o <= 0xFAFF or 0x2F800 <= o <= 0x2FA1F)

    def normalize(self, text):
        out = []
        for c in text:
            o = ord(c)
            if o == 0 or o == 0xFFFD or (unicodedata.category(c).startswith("C") and c not in "\t\n\r"):
                continue
            if c in "\t\n\r" or unicodedata.category(c) == "Zs":
                out.append(" ")
            elif self._cjk(o):
                out.append(f" {c} ")
            else:
                out.append(c)
        text = unicodedata.normalize("NFD", "".join(out))
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        return text.lower()

    def words(self, text):
        words = []
        for chunk in self.normalize(text).split():
            cur = ""
            for c in chunk:
                if self._punct(c):
                    if cur:
                        words.append(cur)
                        cur = ""
                    words.append(c)
                else:
                    cur += c
            if cur:
                words.append(cur)
        return words

    def ids(self, text):
        out = []
        for word in self.words(text):
            if len(word) > self.max_chars:
                out.append(self.unk)
                continue
            pieces, start = [], 0
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    sub = word[start:end] if start == 0 else "##" + word[start:end]
                    if sub in self.vocab:
                        found = self.vocab[sub]
                        break
                    end -= 1
                if found is None:
                    pieces = [self.unk]
                    break
                pieces.append(found)
                start = end
            out.extend(pieces)
        return out


# --- distillation ----------------------------------------------------------

def token_vectors(bert, vocab_size, keep, batch=1024, log=True):
    """Mean-pooled output of `[CLS] token [SEP]` for each kept token id."""
    cls, sep = 101, 102
    out = np.zeros((vocab_size, bert.cfg["hidden_size"]))
    ids = np.array(keep)
    started = time.time()
    for i in range(0, len(ids), batch):
        chunk = ids[i : i + batch]
        seq = np.stack([np.full(len(chunk), cls), chunk, np.full(len(chunk), sep)], axis=1)
        out[chunk] = bert.mean_pooled(seq, np.ones_like(seq))
        if log:
            print(f"\r  embedded {min(i + batch, len(ids))}/{len(ids)} tokens ({time.time() - started:.0f} s)",
                  end="", file=sys.stderr, flush=True)
    if log:
        print(file=sys.stderr)
    return out


def sif_weights(n):
    """model2vec's compute_weights: Zipf's law from the rank, then SIF."""
    inv_rank = 1.0 / np.arange(2, n + 2)
    proba = inv_rank / inv_rank.sum()
    return SIF / (SIF + proba)


def pca(x, dims):
    """Centred PCA (sklearn's, without whitening), deterministic signs: each
    component's largest loading is positive. Returns the projection and the
    explained-variance ratio kept."""
    centred = x - x.mean(0)
    cov = centred.T @ centred / (len(x) - 1)
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    vecs = vecs[:, :dims]
    signs = np.sign(vecs[np.argmax(np.abs(vecs), axis=0), np.arange(vecs.shape[1])])
    vecs = vecs * signs
    return centred @ vecs, float(vals[:dims].sum() / vals.sum())


def distill(model, dims, log=True, raw_cache=None):
    vocab = json.load(open(os.path.join(model, "tokenizer.json")))["model"]["vocab"]
    n = max(vocab.values()) + 1
    by_id = {i: t for t, i in vocab.items()}
    keep = [i for i in range(n) if i in by_id and not REMOVE.fullmatch(by_id[i])]
    if raw_cache and os.path.exists(raw_cache):
        raw = np.load(raw_cache)
    else:
        raw = token_vectors(Bert(model), n, keep, log=log)
        if raw_cache:
            np.save(raw_cache, raw)
    reduced, explained = pca(raw[keep], dims)
    weights = sif_weights(len(keep))  # rank = position among the kept tokens, in id order
    table = np.zeros((n, dims))
    table[keep] = reduced * weights[:, None]
    return table, explained, len(keep)


def quantize_rows(table):
    scale = np.abs(table).max(1) / 127.0
    safe = np.where(scale > 0, scale, 1.0)
    q = np.clip(np.rint(table / safe[:, None]), -127, 127).astype(np.int8)
    return scale.astype(np.float32), q


def quantize_global(table):
    scale = np.abs(table).max() / 127.0
    q = np.clip(np.rint(table / scale), -127, 127).astype(np.int8)
    return np.full(len(table), scale, dtype=np.float32), q


def dequantize(scale, q):
    return q.astype(np.float64) * scale.astype(np.float64)[:, None]


def encode(table, ids_list, unk):
    """A static model's sentence vectors: mean of the rows of the tokens
    (without [UNK]), L2-normalised; zero for none."""
    out = np.zeros((len(ids_list), table.shape[1]))
    for j, ids in enumerate(ids_list):
        ids = [i for i in ids if i != unk][:512]
        if ids:
            v = table[ids].mean(0)
            out[j] = v / (np.linalg.norm(v) + 1e-12)
    return out


def write_table(path, scale, q, name=NAME):
    body = scale.astype("<f4").tobytes() + q.astype(np.int8).tobytes()
    header = MAGIC + struct.pack("<III", VERSION, q.shape[0], q.shape[1], ) + struct.pack("<I", 0)
    header += name.encode().ljust(32, b"\0")[:32]
    header += struct.pack("<II", zlib.crc32(body), 0)
    assert len(header) == HEADER
    with open(path, "wb") as f:
        f.write(header + body)


def read_table(path):
    data = open(path, "rb").read()
    if data[:8] != MAGIC:
        sys.exit(f"{path}: not a static table")
    version, rows, dims, flags = struct.unpack("<IIII", data[8:24])
    name = data[24:56].rstrip(b"\0").decode()
    crc, _ = struct.unpack("<II", data[56:64])
    body = data[HEADER:]
    scale = np.frombuffer(body[: rows * 4], dtype="<f4")
    q = np.frombuffer(body[rows * 4 :], dtype=np.int8).reshape(rows, dims)
    return {"version": version, "rows": rows, "dims": dims, "flags": flags, "name": name,
            "crc_ok": zlib.crc32(body) == crc, "bytes": len(data)}, scale, q


def write_tokenizer(model, out):
    """The model's tokenizer.json without its fixed padding and truncation
    (the static model takes any length and pads nothing)."""
    t = json.load(open(os.path.join(model, "tokenizer.json")))
    t["padding"] = None
    t["truncation"] = None
    with open(out, "w", encoding="utf-8") as f:
        json.dump(t, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def verify(model, dump):
    bert = Bert(model)
    wp = WordPiece(os.path.join(model, "tokenizer.json"))
    cosines = []
    for line in open(dump):
        if not line.strip():
            continue
        r = json.loads(line)
        ids = [101] + wp.ids(r["text"])[:254] + [102]
        arr = np.array([ids])
        v = bert.mean_pooled(arr, np.ones_like(arr))[0]
        v /= np.linalg.norm(v)
        ref = np.array(r["vector"], dtype=np.float64)
        cosines.append(float(v @ ref / np.linalg.norm(ref)))
    print(json.dumps({"texts": len(cosines), "min_cosine": round(min(cosines), 7),
                      "mean_cosine": round(float(np.mean(cosines)), 7)}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(ROOT, ".models", "all-MiniLM-L6-v2"))
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--quant", choices=["row", "global"], default="row")
    ap.add_argument("--out", default=os.path.join(ROOT, "src", "embed", "builtin"))
    ap.add_argument("--name", default=NAME, help="the table's name (the index records builtin:NAME)")
    ap.add_argument("--raw-cache", help="an .npy file to keep the transformer's token vectors in between runs")
    ap.add_argument("--check", metavar="FILE", help="print the header of a table and exit")
    ap.add_argument("--verify", metavar="DUMP", help="compare the numpy forward with the Rust embedder and exit")
    a = ap.parse_args()
    if a.check:
        print(json.dumps(read_table(a.check)[0]))
        return
    if a.verify:
        verify(a.model, a.verify)
        return
    os.makedirs(a.out, exist_ok=True)
    started = time.time()
    table, explained, kept = distill(a.model, a.dims, raw_cache=a.raw_cache)
    scale, q = quantize_rows(table) if a.quant == "row" else quantize_global(table)
    path = os.path.join(a.out, "static.i8")
    write_table(path, scale, q, a.name)
    write_tokenizer(a.model, os.path.join(a.out, "tokenizer.json"))
    err = np.abs(dequantize(scale, q) - table).max()
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    print(json.dumps({"table": path, "rows": q.shape[0], "tokens": kept, "dims": a.dims,
                      "explained_variance": round(explained, 4), "max_abs_quant_error": float(err),
                      "bytes": os.path.getsize(path), "sha256": digest,
                      "seconds": round(time.time() - started, 1)}))


if __name__ == "__main__":
    main()
