#!/usr/bin/env python3
"""Loads extracted texts into a fresh SQLite FTS5 database and prints the wall
time of the load (one transaction) in seconds.

Usage: fts5_load.py TEXTS.jsonl DB
"""
import json, os, sqlite3, sys, time

def main():
    texts, db = sys.argv[1], sys.argv[2]
    rows = [json.loads(l) for l in open(texts)]
    if os.path.exists(db):
        os.remove(db)
    start = time.perf_counter()
    c = sqlite3.connect(db)
    c.execute("CREATE VIRTUAL TABLE docs USING fts5(text, segment, kind, account)")
    with c:
        c.executemany("INSERT INTO docs(text, segment, kind, account) VALUES (?, ?, ?, ?)",
                      ((r["text"], r["segment"], r["kind"], r["account"]) for r in rows))
    c.close()
    print(f"{time.perf_counter() - start:.4f}")

if __name__ == "__main__":
    main()
