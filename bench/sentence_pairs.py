#!/usr/bin/env python3
"""Sentence-similarity sanity set for insight's embedding models: customer
feedback about four products, four complaints each, every complaint said
three ways in different words (48 sentences, written for this check).

For each model it reports the mean cosine of two wordings of one complaint
("same", 48 pairs), the mean cosine of two different complaints about the
same product ("different", 216 pairs), and how often a sentence is closer
to another wording of its complaint than to a different complaint about the
same product ("same > different", 864 triplets: each sentence, its
two other wordings, the nine other complaints' sentences of its product).

  bench/sentence_pairs.py [--model builtin] [--model .models/all-MiniLM-L6-v2] ...

A model is `builtin`, a transformer folder or a static table folder
(`bench/distill_static.py --out DIR`). Vectors come from the `embed` bench
(`cargo bench --profile smoke --bench embed -- MODEL FILE --dump`).
"""
import argparse, itertools, json, os, subprocess, sys, tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

SET = {
    "invoicing": {
        "bank-feed": [
            "The bank feed stopped importing transactions last week.",
            "Our payments from the bank no longer show up in the app.",
            "Since Monday nothing comes through from our bank account.",
        ],
        "duplicate-invoices": [
            "Every invoice appears twice after we connected Xero.",
            "We keep seeing the same bill duplicated in the list.",
            "Copies of identical invoices are piling up since the integration.",
        ],
        "price": [
            "The subscription is too expensive for a small shop like ours.",
            "We can't justify paying this much every month.",
            "Your plans cost far more than competitors charge.",
        ],
        "reminder-tone": [
            "The automatic payment reminders sound rude to our clients.",
            "Customers complained that the dunning emails are aggressive.",
            "The overdue notices you send are far too harsh in tone.",
        ],
    },
    "payroll": {
        "mobile-time": [
            "Staff can't clock in from the phone app.",
            "Logging hours on a smartphone keeps failing for our field workers.",
            "The mobile time tracking crashes whenever employees record a shift.",
        ],
        "provisioning": [
            "We have to create every new hire's account by hand.",
            "There is no SCIM, so onboarding users is manual work.",
            "Adding colleagues means an admin types each one in.",
        ],
        "multi-state-tax": [
            "Withholding is wrong for people who live in another state.",
            "Remote employees across state lines get incorrect taxes.",
            "Paying staff outside our home state causes compliance errors.",
        ],
        "approvals": [
            "Managers need to sign off before a pay run goes out.",
            "There is no way to require a second approval for payroll.",
            "Our auditors want payroll checked by someone else before release.",
        ],
    },
    "helpdesk": {
        "slow-support": [
            "It takes days to get an answer from your support team.",
            "Nobody responds quickly when we open a ticket.",
            "We waited a week for help with an urgent problem.",
        ],
        "kb-search": [
            "Search in the knowledge base never finds the right article.",
            "Looking up help pages returns irrelevant results.",
            "I can't locate documentation even when I type its exact title.",
        ],
        "notification-noise": [
            "We get far too many notification emails every day.",
            "The app floods our inboxes with alerts.",
            "Constant messages about minor updates are overwhelming the team.",
        ],
        "export": [
            "Exporting reports to Excel drops half the columns.",
            "The CSV download is missing fields we need.",
            "Data comes out incomplete when we pull a spreadsheet.",
        ],
    },
    "projects": {
        "performance": [
            "Pages take forever to load when a project has many tasks.",
            "The board becomes sluggish with large projects.",
            "Everything lags once we have a few hundred items.",
        ],
        "permissions": [
            "We can't restrict who sees confidential projects.",
            "Guests can view boards they shouldn't have access to.",
            "There are no fine-grained access controls for private work.",
        ],
        "calendar": [
            "Deadlines don't show up in Google Calendar.",
            "Due dates never sync to our Outlook schedule.",
            "Tasks are missing from the calendar we use every day.",
        ],
        "offline": [
            "Changes made offline disappear when we reconnect.",
            "We lost edits after working without internet.",
            "Work done on the plane was gone when I got back online.",
        ],
    },
}


def sentences():
    out = []
    for product, complaints in SET.items():
        for complaint, texts in complaints.items():
            out.extend((product, complaint, t) for t in texts)
    return out


def vectors(model, texts, profile="smoke"):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(texts) + "\n")
    try:
        r = subprocess.run(["cargo", "bench", "--quiet", "--profile", profile, "--bench", "embed", "--",
                            model, f.name, "--dump"], cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(r.stderr)
        rows = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    finally:
        os.unlink(f.name)
    by_text = {r["text"]: np.array(r["vector"]) for r in rows}
    return np.stack([by_text[t] for t in texts])


def evaluate(v, items):
    sims = v @ v.T
    same, diff, wins, total = [], [], 0, 0
    for i, j in itertools.combinations(range(len(items)), 2):
        (pi, ci, _), (pj, cj, _) = items[i], items[j]
        if pi != pj:
            continue
        (same if ci == cj else diff).append(sims[i, j])
    for a in range(len(items)):
        pa, ca, _ = items[a]
        pos = [p for p in range(len(items)) if p != a and items[p][1] == ca]
        neg = [n for n in range(len(items)) if items[n][0] == pa and items[n][1] != ca]
        for p in pos:
            for n in neg:
                wins += sims[a, p] > sims[a, n]
                total += 1
    return {"same_pairs": len(same), "different_pairs": len(diff),
            "mean_same": round(float(np.mean(same)), 3), "mean_different": round(float(np.mean(diff)), 3),
            "gap": round(float(np.mean(same) - np.mean(diff)), 3),
            "same_beats_different": round(wins / total, 3), "triplets": total}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", help="builtin, or a model folder (repeatable)")
    ap.add_argument("--profile", default="smoke", help="cargo profile of the embed bench (default smoke)")
    a = ap.parse_args()
    models = a.model or ["builtin", os.path.join(ROOT, ".models", "all-MiniLM-L6-v2")]
    items = sentences()
    texts = [t for _, _, t in items]
    out = {}
    for m in models:
        model = m if m == "builtin" else os.path.abspath(m)
        out[m] = evaluate(vectors(model, texts, a.profile), items)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
