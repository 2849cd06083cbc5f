#!/usr/bin/env bash
# track-mot: bad lines are reported by number and skipped; tracks come out in
# MOT format; colour signatures after the ten MOT fields (run --detections-out
# writes them) are read and used, and malformed ones are refused by line.
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

# A walker in red, and from frame 16 someone in blue on the same path: with
# the signatures the tracker sees two people, without them one.
sig() { # BIN: a 48-value signature with all its weight in BIN
  for i in $(seq 0 47); do printf ',%s' "$([ "$i" = "$1" ] && echo 1 || echo 0)"; done
}
red=$(sig 0) blue=$(sig 20)
for f in $(seq 1 30); do
  echo "$f,-1,$((100 + 3 * f)),200,30,80,0.9,-1,-1,-1$([ "$f" -le 15 ] && echo "$red" || echo "$blue")"
done > "$tmp/sig.txt"
{ echo "5,-1,300,200,30,80,0.9,-1,-1,-1,0.5,0.5"; echo "6,-1,300,200,30,80,0.9,-1,-1,-1${red/1/2}"; } >> "$tmp/sig.txt"
"$cw" track-mot --det "$tmp/sig.txt" --out "$tmp/sig_res.txt" 2> "$tmp/sig_err" || { echo "FAIL: exit $?"; cat "$tmp/sig_err"; exit 1; }
grep -q "sig.txt:31: a colour signature after the ten MOT fields needs exactly 48 values" "$tmp/sig_err" &&
  grep -q "sig.txt:32: a colour signature value is outside 0-1" "$tmp/sig_err" ||
  { echo "FAIL: malformed signatures not named by line"; cat "$tmp/sig_err"; exit 1; }
cut -d, -f1-10 "$tmp/sig.txt" | head -30 > "$tmp/plain.txt"
"$cw" track-mot --det "$tmp/plain.txt" --out "$tmp/plain_res.txt" || { echo "FAIL: exit $?"; exit 1; }
with=$(cut -d, -f2 "$tmp/sig_res.txt" | sort -u | wc -l) without=$(cut -d, -f2 "$tmp/plain_res.txt" | sort -u | wc -l)
[ "$with" = 2 ] && [ "$without" = 1 ] ||
  { echo "FAIL: $with ids with signatures, $without without (2 and 1 expected)"; exit 1; }
echo "track-mot: signatures read (2 people with them, 1 without), malformed ones reported"
