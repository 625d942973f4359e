#!/usr/bin/env python3
"""Extracts the text of a gen_corpus.py corpus, one document per line, so that
SQLite FTS5 can load the same texts insight indexes without being charged for
parsing: VTT cue text, Markdown bodies, the CSV `notes` column, JSONL `body`.

Usage: extract.py CORPUS OUT.jsonl
"""
import csv, glob, json, os, re, sys

def main():
    corpus, out = sys.argv[1], sys.argv[2]
    seg = {r["account"]: r["segment"] for r in csv.DictReader(open(os.path.join(corpus, "accounts.csv")))}
    n = 0
    with open(out, "w") as f:
        def emit(doc_id, account, kind, text):
            nonlocal n
            f.write(json.dumps({"id": doc_id, "account": account, "segment": seg.get(account, ""), "kind": kind, "text": text}) + "\n")
            n += 1
        for p in sorted(glob.glob(os.path.join(corpus, "interviews", "*.vtt"))):
            meta = open(p + ".meta.yaml").read()
            account = re.search(r"account: (\S+)", meta).group(1)
            lines = [re.sub(r"<v [^>]*>", "", l.strip()) for l in open(p) if l.strip() and "-->" not in l and not l.strip().isdigit() and l.strip() != "WEBVTT"]
            emit(p, account, "interview", "\n".join(lines))
        for p in sorted(glob.glob(os.path.join(corpus, "notes", "*.md"))):
            t = open(p).read()
            account = re.search(r"account: (\S+)", t).group(1)
            emit(p, account, "note", t.split("---", 2)[2])
        for i, r in enumerate(csv.DictReader(open(os.path.join(corpus, "calls.csv")))):
            emit(f"calls#{i}", r["account"], "call", r["notes"])
        for i, line in enumerate(open(os.path.join(corpus, "tickets.jsonl"))):
            r = json.loads(line)
            emit(f"tickets#{i}", r["account"], "ticket", r["body"])
    print(n, "documents", file=sys.stderr)

if __name__ == "__main__":
    main()
