#!/usr/bin/env bash
# track-mot: bad lines are reported by number and skipped; tracks come out in MOT format.
set -u
cw=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for f in $(seq 1 30); do
  echo "$f,-1,$((100 + 3 * f)),200,30,80,0.9,-1,-1,-1"
  [ "$f" = 10 ] && echo "10,-1,oops,200,30,80,0.9"
done > "$tmp/det.txt"
"$cw" track-mot --det "$tmp/det.txt" --out "$tmp/res.txt" 2> "$tmp/err" || { echo "FAIL: exit $?"; cat "$tmp/err"; exit 1; }
grep -q "det.txt:11: a field is not a number" "$tmp/err" || { echo "FAIL: bad line not named"; cat "$tmp/err"; exit 1; }
ids=$(cut -d, -f2 "$tmp/res.txt" | sort -u | wc -l)
rows=$(wc -l < "$tmp/res.txt")
[ "$ids" = 1 ] && [ "$rows" -ge 27 ] || { echo "FAIL: $ids ids, $rows rows"; cat "$tmp/res.txt"; exit 1; }
echo "track-mot: one track over $rows frames, bad line reported"
