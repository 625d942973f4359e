#!/usr/bin/env bash
# Compares two insight binaries: every command's output on examples/ (must
# be identical but for timings) and the time and peak memory of index,
# re-index, summarize, profile and search on a generated corpus.
#
#   bench/compare_binaries.sh OLD_BIN NEW_BIN [CORPUS]
#
# CORPUS defaults to /tmp/g20/corpus, written by
#   python3 ../shared/bench/gen_corpus.py --docs 20000 --out /tmp/g20/corpus
set -u
OLD=$(realpath "$1"); NEW=$(realpath "$2"); CORPUS=${3:-/tmp/g20/corpus}
EX=$(cd "$(dirname "$0")/../examples" && pwd)
WORK=$(mktemp -d)
export NO_COLOR=1

outputs() { # BIN DIR
  local B=$1 D=$2; mkdir -p "$D"; cd "$D" || exit 1
  "$B" --index ix index "$EX" --accounts "$EX/accounts.csv" -q > index.txt 2>&1
  for f in md csv html; do "$B" --index ix summarize --format $f > sum.$f 2>/dev/null; done
  "$B" --index ix summarize --format json | grep -v elapsed_ms > sum.json 2>/dev/null
  "$B" --index ix summarize --by plan --lens praise > sum_plan.md 2>/dev/null
  "$B" --index ix summarize --compare --format json | grep -v elapsed_ms > sum_compare.json 2>/dev/null
  "$B" --index ix ask "why do smb accounts churn?" > ask.txt 2>/dev/null
  "$B" --index ix ask "why do smb accounts churn?" --json > ask.json 2>/dev/null
  "$B" --index ix search "approval workflow" --segment enterprise > search.txt 2>/dev/null
  "$B" --index ix search "approval workflow" --json | grep -v took_ms > search.json 2>/dev/null
  "$B" --index ix stats --json | grep -v 'size_bytes\|last_indexed' > stats.json
  "$B" --index ix segments --by plan > segments.txt
  "$B" --index ix profile > profile.md 2>/dev/null
  "$B" --index ix profile --json | grep -v 'generated_at\|elapsed_ms' > profile.json 2>/dev/null
  "$B" --index ix profile --format html --compare-period quarter | grep -v generated > profile.html 2>/dev/null
  "$B" --index ix profile --prospects "$EX/leads.csv" > leads.csv 2>/dev/null
  "$B" --index ix doctor --json | grep -v '"index"\|loaded and ran' > doctor.json 2>/dev/null
  "$B" --index ix summarize --provider openai --base-url http://127.0.0.1:9/v1 --dry-run > dry.txt 2>&1
  "$B" --index nope stats > no_index.txt 2>&1; echo "exit $?" >> no_index.txt
  rm -rf ix
}

outputs "$OLD" "$WORK/old"; outputs "$NEW" "$WORK/new"
if diff -r "$WORK/old" "$WORK/new" > "$WORK/diff.txt"; then
  echo "examples/: the $(ls "$WORK/new" | wc -l) outputs are identical"
else
  echo "examples/: outputs differ:"; cat "$WORK/diff.txt"
fi

timed() { # TAG BIN
  local T=$1 B=$2 D="$WORK/t-$1"
  t() { local name=$1; shift; /usr/bin/time -f "$T $name %e s %M KB" "$@" > /dev/null 2>> "$D.err"; tail -1 "$D.err"; }
  t index "$B" --index "$D" index "$CORPUS" --accounts "$CORPUS/accounts.csv" -q
  t reindex "$B" --index "$D" index "$CORPUS" -q
  t summarize "$B" --index "$D" summarize -q
  t profile "$B" --index "$D" profile -q
  t search "$B" --index "$D" search "export to excel is slow" -q
}
if [ -d "$CORPUS" ]; then
  for round in 1 2; do timed old "$OLD"; timed new "$NEW"; rm -rf "$WORK"/t-*; done
fi
rm -rf "$WORK"
