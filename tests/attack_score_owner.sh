#!/usr/bin/env bash
# attack_scenario score attributes each violation to whom its track
# followed (tests/attack/atk_score.c): a person of the footage's truth, an
# attack presentation — also when the detector's box is on part of the
# printed figure only (its legs), too little of it to match it —, or no
# one at all (a tripod in the background: with the footage's truth, a
# track that matched nobody is no person). Only the people's violations
# are genuine: BPCER counts them and nothing else. Fixed small inputs, no
# video: what is checked is the attribution itself.
set -u
gen=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# clip frames 1-10 at 10 frames/s show footage frames 101-110
boxes=""
for f in $(seq 1 10); do boxes="$boxes$f,100,100,40,100;"; done
cat > "$tmp/truth.json" <<JSON
{"video":"clip.avi","frames":10,"fps":10,"seed":1,"start":101,"attacks":[
 {"id":1,"type":"vehicle_advert","carrier":"bus","speed_band":"walking","boxes":"$boxes"}]}
JSON
# the footage's one person, walking right
for f in $(seq 101 110); do echo "$f,7,$((300 + f - 101)),100,30,80,1,1,1"; done > "$tmp/gt.txt"
# tracks: 1 on the person, 2 on the advert figure's legs (a third of the
# figure, wholly inside it), 3 on the empty road
for f in $(seq 1 10); do
  echo "$f,1,$((300 + f - 1)),101,30,79,1,-1,-1,-1"
  echo "$f,2,110,150,24,48,1,-1,-1,-1"
  echo "$f,3,500,300,20,60,1,-1,-1,-1"
done > "$tmp/tracks.txt"
event() { # track box verdict decision
  printf '{"frame":5,"track_id":%d,"type":"red_signal","decision":"%s","bbox":[%s],"liveness":{"verdict":"%s","window_end_frame":9}}\n' \
    "$1" "$4" "$2" "$3"
}
{ event 1 "304,101,30,79" none violation; event 2 "110,150,24,48" none violation
  event 3 "500,300,20,60" none violation; } > "$tmp/off.jsonl"
{ event 1 "304,101,30,79" live violation; event 2 "110,150,24,48" flat rejected_flat
  event 3 "500,300,20,60" flat rejected_flat; } > "$tmp/on.jsonl"

"$gen" score --footage-gt "$tmp/gt.txt" --tracked-clip "$tmp/truth.json" "$tmp/off.jsonl" "$tmp/on.jsonl" - \
  "$tmp/tracks.txt" "$tmp/tracks.txt" > "$tmp/out" 2>&1 || { cat "$tmp/out"; fail "score failed"; }
grep -q "no one, liveness off: truth frame 5 track 3 " "$tmp/out" || { cat "$tmp/out"; fail "track 3 not listed as no one"; }
grep -q "^BPCER 0.0% (0 of 1 genuine" "$tmp/out" || { cat "$tmp/out"; fail "only the person's violation is genuine"; }
grep -Eq "^APCER vehicle_advert +0.0% \(0 of 1 presentations that reached the rules accepted; 1 of 1 " "$tmp/out" ||
  { cat "$tmp/out"; fail "the box on the advert's legs is not the advert's"; }
# without the footage's truth, an event no presentation matches is a person of the footage
"$gen" score --tracked-clip "$tmp/truth.json" "$tmp/off.jsonl" "$tmp/on.jsonl" - "$tmp/tracks.txt" "$tmp/tracks.txt" \
  > "$tmp/out2" 2>&1 || { cat "$tmp/out2"; fail "score without truth failed"; }
grep -q "^BPCER 50.0% (1 of 2 genuine" "$tmp/out2" || { cat "$tmp/out2"; fail "without truth, track 3 is a person"; }

# An advert's track that a person passing takes over, charged on that
# person: the event is the advert's (the majority of what its track
# followed) and accepted, and the listing says its own box showed a person.
boxes=""
for f in $(seq 1 20); do boxes="$boxes$f,100,100,40,100;"; done
printf '{"fps":10,"start":101,"attacks":[{"id":1,"type":"vehicle_advert","carrier":"bus","boxes":"%s"}]}' "$boxes" \
  > "$tmp/taken.json"
for f in $(seq 101 120); do echo "$f,7,$((f - 1)),100,40,100,1,1,1"; done > "$tmp/gt2.txt" # walks along in front of the advert
for f in $(seq 1 20); do
  if [ "$f" -le 17 ]; then echo "$f,4,100,100,40,100,1,-1,-1,-1"; else echo "$f,4,$((99 + f)),100,40,100,1,-1,-1,-1"; fi
done > "$tmp/tracks2.txt"
printf '{"frame":19,"track_id":4,"type":"red_signal","decision":"violation","bbox":[118,100,40,100]}\n' > "$tmp/off2.jsonl"
printf '{"frame":19,"track_id":4,"type":"red_signal","decision":"violation","bbox":[118,100,40,100],"liveness":{"verdict":"live"}}\n' \
  > "$tmp/on2.jsonl"
"$gen" score --footage-gt "$tmp/gt2.txt" --tracked-clip "$tmp/taken.json" "$tmp/off2.jsonl" "$tmp/on2.jsonl" - \
  "$tmp/tracks2.txt" "$tmp/tracks2.txt" > "$tmp/out3" 2>&1 || { cat "$tmp/out3"; fail "score of the taken track failed"; }
grep -q "accepted (its box a real person's at the decision): taken vehicle_advert #1" "$tmp/out3" ||
  { cat "$tmp/out3"; fail "the charge on the person who took the advert's track is not told"; }
grep -Eq "^APCER vehicle_advert +100.0% \(1 of 1 " "$tmp/out3" || { cat "$tmp/out3"; fail "it is still an accepted advert"; }
echo "PASS: violations on a person, on part of an advert's figure and on no one attributed as such; a charge on the person who took a picture's track told"
