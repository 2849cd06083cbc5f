#!/usr/bin/env bash
# Presentation attacks on real footage, end to end: attack_scenario makes
# clips from fixed seeds (vehicles carrying adverts, posters, screens, and
# synthetic genuine people crossing in front of, behind, beside and off a
# bus, or carrying a sign; see tests/attack/atk_plan.c), each with its
# ground truth; crosswatch runs the real pipeline on every clip with
# liveness on (seed 1007 also with it off: the other clips' candidates stand
# in for their liveness-off run, see below), with packets in real SQLite
# files. With liveness off every attack type must become violations (else
# the clips prove nothing);
# with it on, at most 1 % of genuine violations may be rejected (overall and
# in every clip), and rejected_flat packets can never be confirmed. APCER
# per type is printed; the target (no attack presentation accepted,
# uncertain counting as accepted) is not met yet on these clips — issue 19
# is open, the bench measures it — so it is not required here.
#
# The clips: seeds 1007 and 1004 at 10 frames/s (22 s) and seed 1005 at
# 25 frames/s (12 s), 8 vehicles each: the bench's clips of those seeds
# (bench/liveness_bench.sh). 1007 and 1005 run with the shipped detector
# settings (motion gated), 1004 with the whole frame searched every frame
# (full_frame_every = 1), so that a poster the background model has absorbed
# is searched too. The seeds were picked, among the bench's first ten, for
# what they hold with liveness OFF: every attack type reaches the rules
# under each setting (in most clips some type does not: prints outside the
# detector's size range or of no person's size where they stand, vehicles
# too fast to track). Seed 1003 held the shipped setting's only vehicle
# advert to reach the rules until the detector searched up to the picture's
# edges (65dd3ef): its tracks changed and that one candidate went; 1007 has
# two (of 1001, 1002, 1006 and 1007 run then: 0, 1, 1 and 2). Between them
# the clips hold people crossing behind a bus, walking beside one, passing
# in front of a screen and of a vehicle advert.
# The signal is shifted (offset_s = 18) so that a whole clip is DON'T WALK,
# 2 s or more after the change. The rules charge a track first seen deep in
# the road with outside_crosswalk (charge_unseen_entry = true): as shipped
# they charge it with nothing, which alone drops most posters, screens and
# vehicle adverts (they never step off a kerb); here liveness must reject
# them itself. bench/liveness_bench.sh runs the whole suite.
set -u
cw=$1 gen=$2 src=$3 data=$4
video="$data/vtest.avi" gt="$data/mot15/PETS09-S2L1/gt/gt.txt"
for f in "$video" "$gt"; do [ -r "$f" ] || { echo "FAIL: $f not readable"; exit 1; }; done
command -v sqlite3 > /dev/null || { echo "FAIL: sqlite3 is not installed"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# SEED FPS SECONDS SETTINGS; the first also runs with liveness off
paired=1007
clips="$paired 10 22 shipped
1004 10 22 full_frame
1005 25 12 shipped"

config() { # CLIP VIDEO SETTING MODE -> $tmp/CLIP-SETTING-MODE.ini, its evidence in the directory of that name
  local name="$1-$3-$4"
  mkdir -p "$tmp/$name"
  sed -e "s#^uri = .*#uri = file://$2#" -e "/^\[mqtt\]/,\$d" -e "s#^offset_s = .*#offset_s = 18#" \
      -e "s#^red_grace_s = \(.*\)#red_grace_s = \1\ncharge_unseen_entry = true#" \
      -e "s#^db = .*#db = $tmp/$name/evidence.db\nkey = $tmp/$name/device.key#" \
      "$src/hwcfg/examples/vtest-site.ini" > "$tmp/$name.ini"
  [ "$3" = full_frame ] && printf '[detector]\nfull_frame_every = 1\n' >> "$tmp/$name.ini"
  [ "$4" = off ] && printf '[liveness]\nenabled = false\n' >> "$tmp/$name.ini"
  echo "$tmp/$name.ini"
}

args=()
while read -r seed fps seconds settings; do
  clip="seed$seed-${fps}fps"
  "$gen" make --video "$video" --gt "$gt" --config "$src/hwcfg/examples/vtest-site.ini" --seed "$seed" --fps "$fps" \
    --seconds "$seconds" --vehicles 8 --out "$tmp/$clip.avi" --truth "$tmp/$clip.json" < /dev/null \
    || fail "attack_scenario make seed $seed"
  for setting in ${settings//,/ }; do
    modes="on"
    [ "$seed" = "$paired" ] && modes="off on"
    for mode in $modes; do
      ini=$(config "$clip" "$tmp/$clip.avi" "$setting" "$mode")
      out="$tmp/$clip-$setting-$mode"
      "$cw" run -c "$ini" --events-out "$out/events.jsonl" --detections-out "$out/det.txt" \
        --tracks-out "$out/tracks.txt" 2> "$out/log" < /dev/null \
        || { cat "$out/log"; fail "run $clip $setting liveness $mode"; }
      sed "s/^/  [$clip $setting $mode] /" "$out/log" | grep -E "frames in|liveness:"
    done
    off_run="$tmp/$clip-$setting-off"
    [ -d "$off_run" ] || off_run="$tmp/$clip-$setting-on" # the same candidates: checked on $paired below
    args+=(--setting "$setting" --tracked-clip "$tmp/$clip.json" "$off_run/events.jsonl"
           "$tmp/$clip-$setting-on/events.jsonl" "$off_run/det.txt"
           "$off_run/tracks.txt" "$tmp/$clip-$setting-on/tracks.txt")
  done
done <<< "$clips"

# APCER is printed, not yet required: issue 19 is open (see bench/README.md);
# BPCER, genuine matching and attacks reaching the rules are.
# Events are attributed by what their tracks followed (the footage's people
# by its ground truth): see tests/attack/atk_score.c.
"$gen" score --footage-gt "$gt" "${args[@]}" --require-genuine
score=$?

# With liveness off nothing is rejected: every candidate goes to review flagged.
off="$tmp/seed$paired-10fps-shipped-off" on="$tmp/seed$paired-10fps-shipped-on"
# Liveness comes after detection and tracking and decides at the candidate's
# own frame: on or off, the same tracks give the same candidates, only their
# decisions differ. That is why the other clips run once, with liveness on,
# and stand in for their own liveness-off run; checked here on one clip. Two
# runs of the same clip need not track exactly alike (OpenCV's detector runs
# scales in parallel threads; on a loaded machine their order of results,
# and so a tie in the tracker, can differ), so the candidates by frame and
# rule must agree, 90 % of them at least, not the tracks byte for byte.
candidates() { sed -E 's/.*"frame":([0-9]+),.*"type":"([a-z_]+)".*/\1 \2/' "$1" | sort -u; }
candidates "$off/events.jsonl" > "$tmp/cand-off" && candidates "$on/events.jsonl" > "$tmp/cand-on"
both=$(comm -12 "$tmp/cand-off" "$tmp/cand-on" | wc -l) all=$(sort -u "$tmp/cand-off" "$tmp/cand-on" | wc -l)
[ "$all" -gt 0 ] && [ $((both * 10)) -ge $((all * 9)) ] ||
  fail "liveness changed which candidates seed $paired has: $both of $all in common: $(diff "$tmp/cand-off" "$tmp/cand-on" | head -5)"
echo "seed $paired: $both of $all candidates (frame, rule) the same with liveness off and on"
n=$(sqlite3 "$off/evidence.db" "select count(*) from packets where review_state = 'rejected_flat'")
[ "$n" = 0 ] || fail "$n packets rejected as flat with liveness off"
# With it on, flat packets are kept for audit, and cannot be confirmed (so never published).
flat=$(sqlite3 "$on/evidence.db" "select id from packets where review_state = 'rejected_flat' limit 1")
[ -n "$flat" ] || fail "no rejected_flat packet in the store"
. "$src/tests/review_accounts.sh"
review_accounts "$on.ini" || fail "review accounts"
if review_confirm "$on.ini" "$flat" > "$tmp/confirm.log" 2>&1; then
  fail "a rejected_flat packet could be confirmed"
fi
"$cw" verify -c "$on.ini" > /dev/null || fail "the store does not verify"
# A malformed events or truth file is refused with the file, line and what is wrong, never a crash.
printf '{"frame":1,"track_id":2,"type":"red_signal","decision":"violation","bbox":[1,2,3]}\n' > "$tmp/bad.jsonl"
printf '[1,2]' > "$tmp/bad.json"
for args in "--truth $tmp/seed$paired-10fps.json --off $tmp/bad.jsonl" "--truth $tmp/bad.json --off $off/events.jsonl"; do
  # shellcheck disable=SC2086
  "$gen" score $args --on "$on/events.jsonl" > /dev/null 2> "$tmp/bad.err"; rc=$?
  [ "$rc" = 2 ] && grep -qE 'bad\.json(l:1)?: ' "$tmp/bad.err" || fail "malformed input: status $rc, $(cat "$tmp/bad.err")"
done
[ "$score" = 0 ] || fail "liveness targets not met (see the tables above)"
echo "PASS: genuine violations kept, every attack type reached the rules, flat packets unconfirmable (APCER above)"
