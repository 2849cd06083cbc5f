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

# Hostile lines, each named by its line and skipped, the rows around them
# read: a carriage return inside a line, a NUL byte, a line over 2048
# characters (not read as two rows), hex numbers, a trailing comma, an id
# beyond an int, a box of 1e308. A directory or a device is no file.
ok="1,-1,100,200,30,80,0.9,-1,-1,-1"
{ echo "$ok"; printf '2,-1,100,200,30,80,0.9\r3,-1,100,200,30,80,0.9\n'; printf '4,-1,100,200,30,80,0.9\0junk\n'
  printf '5,-1,100,200,30,80,0.9%s6,-1,100,200,30,80,0.9\n' "$(printf ' %.0s' $(seq 1 2100))"
  echo "7,-1,0x10,200,30,80,0.9"; echo "8,-1,100,200,30,80,0.9,"; echo "9,2147483648,100,200,30,80,0.9"
  echo "10,-1,100,200,1e308,80,0.9"; echo "11,-1,100,200,30,80,0.9"; } > "$tmp/hostile.txt"
"$cw" track-mot --det "$tmp/hostile.txt" --out "$tmp/hostile_res.txt" 2> "$tmp/hostile_err" ||
  { echo "FAIL: exit $? on hostile lines"; cat "$tmp/hostile_err"; exit 1; }
for want in "hostile.txt:2: a carriage return inside the line" "hostile.txt:3: a NUL byte in the line" \
             "hostile.txt:4: line too long" "hostile.txt:5: a field is not a number" "hostile.txt:6: a field is empty" \
             "hostile.txt:7: id must be a whole number" "hostile.txt:8: box width and height must be positive and at most"; do
  grep -q "$want" "$tmp/hostile_err" || { echo "FAIL: not reported: $want"; cat "$tmp/hostile_err"; exit 1; }
done
frames=$(cut -d, -f1 "$tmp/hostile_res.txt" | sort -un | tr '\n' ' ')
case "$frames" in *" 6 "*|*" 3 "*) echo "FAIL: a row was read out of a bad line: frames $frames"; exit 1 ;; esac
for bad in "$tmp" /dev/zero; do
  "$cw" track-mot --det "$bad" > /dev/null 2> "$tmp/err" && { echo "FAIL: $bad read as detections"; exit 1; }
  grep -q "not a regular file" "$tmp/err" || { echo "FAIL: $bad: $(cat "$tmp/err")"; exit 1; }
done
"$cw" track-mot --det "$tmp/det.txt" --frames 2147483647 > /dev/null 2> "$tmp/err" && { echo "FAIL: --frames 2^31-1 taken"; exit 1; }
echo "track-mot: hostile lines named and skipped, no row made of a bad line; directories, devices and absurd --frames refused"
