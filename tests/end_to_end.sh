#!/usr/bin/env bash
# The whole appliance on real footage: crosswatch run on vtest.avi through the
# real GStreamer pipeline, packets in a real SQLite file, review, a real
# mosquitto broker on a free loopback port (started and stopped here, by PID),
# the display client rendering its screens whose QR codes decode to the public
# case page, on a real X window (Xvfb, ximagesink) whose screenshot is what
# current.png records; the current cases rotate, survive a restart, and reach
# a display added (and started) after they were published.
set -u
cw=$1 free_port=$2 src=$3 data=$4
. "$src/tests/broker.sh"
. "$src/tests/review_accounts.sh"
video="$data/vtest.avi"
[ -r "$video" ] || { echo "FAIL: $video not readable"; exit 1; }
for tool in mosquitto mosquitto_sub sqlite3 zbarimg Xvfb xwd import compare; do
  command -v $tool > /dev/null || { echo "FAIL: $tool is not installed"; exit 1; }
done

tmp=$(mktemp -d)
display_pid= sub_pid= run_pid= west_pid= xvfb_pid=
cleanup() {
  for pid in $display_pid $west_pid $sub_pid $run_pid $xvfb_pid; do kill "$pid" 2> /dev/null; done
  broker_cleanup
  wait 2> /dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

broker_init "$free_port" && broker_start || fail "broker did not start"
port=$broker_port

# an X server of the screen's size on a free display number, stopped by its PID
xvfb_start() {
  for n in $(seq 91 140); do
    { [ -e /tmp/.X11-unix/X$n ] || [ -e /tmp/.X$n-lock ]; } && continue
    Xvfb :$n -screen 0 1280x720x24 -nolisten tcp > "$tmp/xvfb.log" 2>&1 &
    xvfb_pid=$!
    if wait_until 10 xwd -root -display :$n -silent -out /dev/null; then xdisplay=:$n; return 0; fi
    kill $xvfb_pid 2> /dev/null; wait $xvfb_pid 2> /dev/null; xvfb_pid=
  done
  return 1
}
xvfb_start || fail "Xvfb did not start"

sed -e "s#^uri = .*#uri = file://$(realpath "$video")#" -e "s#^port = .*#port = $port#" \
    -e "s#^db = .*#db = $tmp/var/evidence.db\nkey = $tmp/var/device.key#" "$src/hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"
sed -e "s#^port = .*#port = $port#" -e "s#^out_dir = .*#out_dir = $tmp/screens#" \
    -e "s#^trusted_keys = .*#trusted_keys = $tmp/var/device.key.pub#" -e "s#^sink = .*#sink = ximagesink#" \
    -e "s#^rotation_s = .*#rotation_s = 2#" "$src/hwcfg/examples/display.ini" > "$tmp/display.ini"
site=$(sed -n 's/^id = //p' "$tmp/site.ini" | head -1)
# the QR codes point at the review service's public case page
base="$(sed -n 's/^public_url = //p' "$tmp/site.ini")/case/"

"$cw" check-config -c "$tmp/site.ini" || fail "example config does not validate"

mosquitto_sub -p "$port" -q 1 -t "crosswatch/$site/evidence" -v > "$tmp/evidence.txt" 2>&1 &
sub_pid=$!
wait_until 30 broker_subscribed "crosswatch/$site/evidence" || fail "the evidence subscriber did not subscribe"

echo "== run on $video"
"$cw" run -c "$tmp/site.ini" --events-out "$tmp/events.jsonl" --tracks-out "$tmp/tracks.txt" 2> "$tmp/run.log"
rc=$?
cat "$tmp/run.log" | tail -3
[ $rc -eq 0 ] || fail "run exited $rc"

# the display trusts the device key, which the first run created
DISPLAY=$xdisplay "$cw" display -c "$tmp/display.ini" > "$tmp/display.log" 2>&1 &
display_pid=$!
wait_until 30 broker_subscribed "crosswatch/$site/display/main" || { cat "$tmp/display.log"; fail "the display did not subscribe"; }

events=$(wc -l < "$tmp/events.jsonl")
[ "$events" -ge 3 ] || fail "only $events events"
bad=$(grep -vc '^{"event_id":"[^"]*","site":"'"$site"'","camera":"main","frame":[0-9]*,.*"decision":"\(violation\|rejected_flat\|liveness_unassessed\|position_uncertain\|clock_unsynced\)".*}$' "$tmp/events.jsonl")
[ "$bad" = 0 ] || fail "$bad event lines do not follow the events contract"
grep -q '"type":"red_signal"' "$tmp/events.jsonl" || fail "no red_signal violation on the example schedule"
# MOT's ten fields, then the track's colour signature (48 values, summing to 1)
awk -F, '{ s = 0; for (i = 11; i <= NF; i++) s += $i }
         NF != 58 || $1 < 1 || $1 > 795 || $2 < 1 || s < 0.99 || s > 1.01 { bad++ } END { exit bad > 0 }' "$tmp/tracks.txt" ||
  fail "tracks file is not MOT format with colour signatures"
[ "$(cut -d, -f1 "$tmp/tracks.txt" | sort -un | wc -l)" -gt 600 ] || fail "tracks on too few frames"
echo "events: $events, track rows: $(wc -l < "$tmp/tracks.txt")"

packets=$(sqlite3 "$tmp/var/evidence.db" "SELECT COUNT(*) FROM packets")
[ "$packets" = "$events" ] || fail "$packets packets for $events events"
[ "$(sqlite3 "$tmp/var/evidence.db" "SELECT COUNT(*) FROM media")" -ge $((3 * packets)) ] || fail "missing media"
[ "$(sqlite3 "$tmp/var/evidence.db" "PRAGMA journal_mode")" = wal ] || fail "store not in WAL mode"
"$cw" verify -c "$tmp/site.ini" | tail -1 | grep -q "0 failure(s)" || fail "verify found failures"
"$cw" verify --db "$tmp/var/evidence.db" > /dev/null && fail "verify trusted a store without being given any key"

echo "== review"
review_accounts "$tmp/site.ini" || fail "review accounts"
review_clear_clocks "$tmp/site.ini" || fail "clear the clock_unsynced cases"
ids=$("$cw" review -c "$tmp/site.ini" list --state pending | awk 'NR > 1 { print $1 }' | head -3)
set -- $ids
[ $# -eq 3 ] || fail "fewer than 3 pending packets"
echo x | "$cw" review -c "$tmp/site.ini" --user chief-constable confirm "$1" 2> /dev/null && fail "an unknown account acted"
review_as "$tmp/site.ini" officer show "$1" > /dev/null || fail "show"
review_as "$tmp/site.ini" officer confirm "$1" 2> /dev/null && fail "confirmed without opening the stills and clip"
review_confirm "$tmp/site.ini" "$1" || fail "confirm $1"
review_confirm "$tmp/site.ini" "$2" || fail "confirm $2"
review_as "$tmp/site.ini" officer reject "$3" 2> /dev/null && fail "reject without a reason code accepted"
review_as "$tmp/site.ini" officer reject "$3" --code not_a_person --reason "shadow" || fail "reject"
review_confirm "$tmp/site.ini" "$3" 2> /dev/null && fail "a rejected packet was confirmed"
# (a supervisor's clear_clock is a review row too: review:pending, "time checked: ...")
audit=$(sqlite3 "$tmp/var/evidence.db" "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'review:%' AND action != 'review:pending'")
[ "$audit" = 5 ] || fail "$audit review rows, expected 5 (2 x 2 confirmations, 1 reject)"

echo "== publish"
"$cw" publish -c "$tmp/site.ini" --once --timeout 20 || fail "publish did not drain the outbox"
for id in "$1" "$2"; do
  wait_until 30 test -f "$tmp/screens/$id.png" || { cat "$tmp/display.log"; fail "no screen for $id"; }
  qr=$(zbarimg -q --raw "$tmp/screens/$id.png" 2> /dev/null)
  [ "$qr" = "$base$id" ] || fail "QR of $id decodes to '$qr', expected '$base$id'"
  grep -q "\"packet_id\\\\\":\\\\\"$id\|$id" "$tmp/evidence.txt" || fail "evidence topic did not carry $id"
done
[ -f "$tmp/screens/$3.png" ] && fail "a rejected packet reached the display"
# the display's retained status names what is on screen
state_has() { mosquitto_sub -p "$port" -t "crosswatch/$site/display/main/state" -C 1 -W 3 | grep -q "$1"; }
wait_until 20 state_has "\"state\":\"online\".*$1" || fail "the display's status does not show $1 on screen"
state_has "$2" || fail "the display's status does not show $2 on screen"
online=$(mosquitto_sub -p "$port" -t "crosswatch/$site/available" -C 1 -W 10)
[ "$online" = offline ] || fail "available is '$online' after the publisher left, expected offline"

echo "== the screen: the X window shows what current.png records, the cases rotate"
# current.png unchanged across the screenshot, and the window's pixels the same
shot_matches() {
  cp "$tmp/screens/current.png" "$tmp/before.png" &&
    import -display "$xdisplay" -window root "$tmp/shot.png" &&
    cmp -s "$tmp/before.png" "$tmp/screens/current.png" &&
    differ=$(compare -metric AE -fuzz 2% "$tmp/shot.png" "$tmp/before.png" null: 2>&1) &&
    [ "${differ%% *}" -lt 100 ]
}
wait_until 30 shot_matches || fail "the window under Xvfb differs from current.png in ${differ:-?} pixels"
qr=$(zbarimg -q --raw "$tmp/shot.png" 2> /dev/null)
case "$qr" in "$base$1" | "$base$2") ;; *) fail "the window's QR code decodes to '$qr'" ;; esac
current_of() { mosquitto_sub -p "$port" -t "crosswatch/$site/display/main/state" -C 1 -W 3 | sed -n 's/.*"current":"\([^"]*\)".*/\1/p'; }
seen_both() {
  c=$(current_of)
  case " $seen " in *" $c "*) ;; *) seen="$seen $c" ;; esac
  case "$seen" in *"$1"*"$2"* | *"$2"*"$1"*) return 0 ;; esac
  sleep 0.3
  return 1
}
seen=
wait_until 30 seen_both "$1" "$2" || fail "the two cases did not take turns on screen (seen:$seen)"
echo "on screen in turn:$seen"
[ -n "${CW_KEEP_SCREENS:-}" ] && cp "$tmp/shot.png" "$tmp"/screens/*.png "$CW_KEEP_SCREENS"/ # to look at them

echo "== restarted mid-rotation, the display goes on with the same cases"
kill $display_pid; wait $display_pid 2> /dev/null
grep -q "on screen now" "$tmp/display.log" || fail "the display did not say what it put on screen"
DISPLAY=$xdisplay "$cw" display -c "$tmp/display.ini" > "$tmp/display2.log" 2>&1 &
display_pid=$!
seen=
wait_until 30 seen_both "$1" "$2" || { cat "$tmp/display2.log"; fail "after a restart the cases did not rotate (seen:$seen)"; }

echo "== a display added later, started after the cases were published, shows them"
sed -i "s#^displays = .*#displays = main;west#" "$tmp/site.ini"
"$cw" publish -c "$tmp/site.ini" --once --timeout 20 || fail "publish for the new display"
sed -e "s#^id = .*#id = west#" -e "s#^out_dir = .*#out_dir = $tmp/screens-west#" -e "s#^sink = .*#sink = none#" \
    "$tmp/display.ini" > "$tmp/west.ini"
"$cw" display -c "$tmp/west.ini" > "$tmp/west.log" 2>&1 &
west_pid=$!
for id in "$1" "$2"; do
  wait_until 30 test -f "$tmp/screens-west/$id.png" || { cat "$tmp/west.log"; fail "display west did not get $id"; }
done
kill $west_pid; wait $west_pid 2> /dev/null; west_pid=

echo "== case bundle"
echo x | "$cw" export "$1" -c "$tmp/site.ini" --out "$tmp/case.tar" --user chief-constable 2> /dev/null &&
  fail "an unknown account exported a case"
echo "$REVIEW_PW_officer" | "$cw" export "$1" -c "$tmp/site.ini" --out "$tmp/case.tar" --user officer || fail "export"
[ "$(stat -c %a "$tmp/case.tar")" = 600 ] || fail "the bundle is not 0600"
sqlite3 "$tmp/var/evidence.db" "SELECT actor FROM audit_log WHERE action = 'export'" | grep -qx officer ||
  fail "the export is not audited under the account"
"$cw" verify "$tmp/case.tar" --pubkey "$tmp/var/device.key.pub" |
  tail -1 | grep -q "0 failure(s)" || fail "the exported bundle does not verify"
"$cw" verify --db "$tmp/var/evidence.db" --pubkey "$tmp/var/device.key.pub" | tail -1 | grep -q "0 failure(s)" ||
  fail "the store does not verify against the device key"

echo "== clean shutdown on SIGINT"
"$cw" run -c "$tmp/site.ini" --events-out "$tmp/events2.jsonl" 2> "$tmp/run2.log" &
run_pid=$!
# interrupt it mid-run, once it has decided a violation (evidence in flight)
wait_until 120 test -s "$tmp/events2.jsonl" || fail "the second run made no decision"
kill -0 $run_pid 2> /dev/null || fail "the second run ended before it could be interrupted"
kill -INT $run_pid
wait $run_pid
rc=$?
run_pid=
[ $rc -eq 0 ] || { cat "$tmp/run2.log"; fail "run stopped by SIGINT exited $rc"; }
grep -q "stopping" "$tmp/run2.log" || fail "no clean-stop message"
"$cw" verify -c "$tmp/site.ini" | tail -1 | grep -q "0 failure(s)" || fail "verify after SIGINT"

echo "== chain head from the bus"
# the retained head the publisher sent holds a copy of the store to its newest packet
"$cw" publish -c "$tmp/site.ini" --once --timeout 20 > /dev/null || fail "publish the chain head"
mosquitto_sub -p "$port" -t "crosswatch/$site/chain" -C 1 -W 5 > "$tmp/chain.json" || fail "no retained chain head"
sqlite3 "$tmp/var/evidence.db" ".backup $tmp/copy.db"
"$cw" verify --db "$tmp/copy.db" --pubkey "$tmp/var/device.key.pub" --head "$tmp/chain.json" | tail -1 |
  grep -q "0 failure(s)" || fail "the store does not hold to the published chain head"
sqlite3 "$tmp/copy.db" "DELETE FROM media WHERE packet_id = (SELECT id FROM packets ORDER BY seq DESC LIMIT 1);
                       DELETE FROM packets WHERE seq = (SELECT MAX(seq) FROM packets)"
"$cw" verify --db "$tmp/copy.db" --pubkey "$tmp/var/device.key.pub" --head "$tmp/chain.json" > "$tmp/truncated.txt" &&
  fail "a store without its newest packet verified against the chain head"
grep -q "newest packet(s) were deleted" "$tmp/truncated.txt" || fail "truncation not named: $(cat "$tmp/truncated.txt")"
# a display that dies without a goodbye: the broker publishes its last will
kill -9 $display_pid; wait $display_pid 2> /dev/null; display_pid=
wait_until 20 state_has '"state":"offline".*"last_error":"connection lost"' || fail "no last will after the display died"
kill $sub_pid; wait $sub_pid 2> /dev/null; sub_pid=
broker_stop || fail "the broker logged errors"
kill $xvfb_pid; wait $xvfb_pid 2> /dev/null; xvfb_pid=
echo "end to end: $events events, $packets packets, 2 screens with decodable QR codes, on an X window in turn"
