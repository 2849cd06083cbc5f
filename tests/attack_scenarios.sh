#!/usr/bin/env bash
# Presentation attacks on real footage, end to end: attack_scenario composites
# bus adverts, posters and screens into vtest.avi (ground truth by
# construction); crosswatch runs the real pipeline on it twice, liveness off
# and on, with packets in real SQLite files. With liveness off the attacks
# must become violations (else the scenario proves nothing); with it on,
# every attack candidate must be stored as rejected_flat, none confirmable,
# and no genuine violation of the footage rejected beyond 5 %.
#
# FRAMES (default 400: the first two bus passes, both posters and screens)
# keeps the test short; bench/liveness_bench.sh runs all 795 frames.
set -u
cw=$1 gen=$2 src=$3 data=$4 frames=${5:-400}
video="$data/vtest.avi" gt="$data/mot15/PETS09-S2L1/gt/gt.txt"
for f in "$video" "$gt"; do [ -r "$f" ] || { echo "FAIL: $f not readable"; exit 1; }; done
command -v sqlite3 > /dev/null || { echo "FAIL: sqlite3 is not installed"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$gen" make --video "$video" --gt "$gt" --config "$src/hwcfg/examples/vtest-site.ini" --out "$tmp/attacks.avi" \
  --truth "$tmp/truth.json" --frames "$frames" || fail "attack_scenario make"

# The example site on the attack footage. The detector searches the whole
# frame every frame: a static poster soon becomes background to the motion
# gate, and the attacks must reach the rules for the test to mean anything.
for mode in off on; do
  mkdir -p "$tmp/$mode"
  sed -e "s#^uri = .*#uri = file://$tmp/attacks.avi#" -e "/^\[mqtt\]/,\$d" \
      -e "s#^db = .*#db = $tmp/$mode/evidence.db\nkey = $tmp/$mode/device.key#" \
      "$src/hwcfg/examples/vtest-site.ini" > "$tmp/$mode.ini"
  printf '[detector]\nfull_frame_every = 1\n' >> "$tmp/$mode.ini"
done
printf '[liveness]\nenabled = false\n' >> "$tmp/off.ini"

"$cw" run -c "$tmp/off.ini" --events-out "$tmp/off/events.jsonl" --detections-out "$tmp/off/det.txt" \
  2> "$tmp/off/log" || { cat "$tmp/off/log"; fail "run with liveness off"; }
"$cw" run -c "$tmp/on.ini" --events-out "$tmp/on/events.jsonl" 2> "$tmp/on/log" \
  || { cat "$tmp/on/log"; fail "run with liveness on"; }
cat "$tmp/off/log" "$tmp/on/log"

"$gen" score --truth "$tmp/truth.json" --off "$tmp/off/events.jsonl" --on "$tmp/on/events.jsonl" \
  --detections "$tmp/off/det.txt" --require || fail "liveness targets not met"

# With liveness off nothing is rejected: every candidate goes to review flagged.
n=$(sqlite3 "$tmp/off/evidence.db" "select count(*) from packets where review_state = 'rejected_flat'")
[ "$n" = 0 ] || fail "$n packets rejected as flat with liveness off"
# With it on, flat packets are kept for audit, and cannot be confirmed (so never published).
flat=$(sqlite3 "$tmp/on/evidence.db" "select id from packets where review_state = 'rejected_flat' limit 1")
[ -n "$flat" ] || fail "no rejected_flat packet in the store"
if "$cw" review -c "$tmp/on.ini" confirm "$flat" --user test > "$tmp/confirm.log" 2>&1; then
  fail "a rejected_flat packet could be confirmed"
fi
"$cw" verify -c "$tmp/on.ini" > /dev/null || fail "the store does not verify"
echo "PASS: attacks rejected, genuine violations kept"
