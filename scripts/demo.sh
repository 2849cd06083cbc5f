#!/usr/bin/env bash
# The demo, end to end: the appliance on OpenCV's sample video (vtest.avi,
# from Debian's opencv-doc), a local mosquitto broker on 127.0.0.1, police
# review confirming the first violations, and a roadside display rendering
# what it receives to PNG screens. Everything lands in ./demo-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/broker.sh
. tests/review_accounts.sh
bash scripts/install-deps.sh
bash scripts/build.sh
cw=$PWD/build/cli/crosswatch
video=/usr/share/doc/opencv-doc/examples/data/vtest.avi
[ -r "$video" ] || { echo "demo: $video missing (package opencv-doc)"; exit 1; }

out=$PWD/demo-out
rm -rf "$out" && mkdir -p "$out"
display_pid=
cleanup() {
  [ -n "$display_pid" ] && kill "$display_pid" 2> /dev/null
  broker_cleanup
  wait 2> /dev/null || true
}
trap cleanup EXIT

# a local broker on a free loopback port (tests/broker.sh), its log in demo-out
broker_init build/tests/free_port || exit 1
broker_log=$out/mosquitto.log
broker_start || exit 1
port=$broker_port
# (a demo broker: anonymous, loopback only; a site's broker has an account
# per device and an ACL: hwcfg/examples/mosquitto/)
sed -e "s#^port = .*#port = $port#" -e "s#^db = .*#db = $out/evidence.db\nkey = $out/device.key#" \
    hwcfg/examples/vtest-site.ini > "$out/site.ini"
# on a desktop the screen opens in a window; without one, the PNG files only
sink=${DISPLAY:+auto}
sink=${sink:-none}
sed -e "s#^port = .*#port = $port#" -e "s#^out_dir = .*#out_dir = $out/screens#" \
    -e "s#^trusted_keys = .*#trusted_keys = $out/device.key.pub#" \
    -e "s#^sink = .*#sink = $sink#" hwcfg/examples/display.ini > "$out/display.ini"

echo "== crosswatch run (vtest.avi, $(basename "$out")/site.ini)"
"$cw" run -c "$out/site.ini" --events-out "$out/events.jsonl" --tracks-out "$out/tracks.txt"

# the display trusts the device key (demo-out/device.key.pub), which run made
"$cw" display -c "$out/display.ini" > "$out/display.log" 2>&1 &
display_pid=$!
wait_until 30 broker_subscribed crosswatch/vtest-demo/display/main ||
  { echo "demo: the display did not subscribe; see $out/display.log"; exit 1; }

echo "== review: two officers open and confirm the first three pending violations"
review_accounts "$out/site.ini" # officer (reviewer) and sergeant (supervisor): tests/review_accounts.sh
for id in $("$cw" review -c "$out/site.ini" list --state pending | awk 'NR > 1 { print $1 }' | head -3); do
  review_confirm "$out/site.ini" "$id" && echo "$id confirmed by officer and sergeant"
done
held=$("$cw" review -c "$out/site.ini" list --state clock_unsynced | awk 'NR > 1' | wc -l)
[ "$held" -gt 0 ] && echo "== $held red-signal case(s) wait as clock_unsynced: this machine's clock is not kept by a" \
  "time service; a supervisor checks their time, then: crosswatch review ... clear_clock ID --reason '...'"
echo "== publishing confirmed packets"
"$cw" publish -c "$out/site.ini" --once --timeout 30
three_screens() { [ "$(ls "$out/screens" 2> /dev/null | grep -v '^current' | grep -c '\.png$')" -ge 3 ]; }
wait_until 30 three_screens || echo "demo: fewer than 3 screens rendered; see $out/display.log"
"$cw" verify -c "$out/site.ini" | tail -1

echo
echo "evidence database: $out/evidence.db   ($cw review -c $out/site.ini list)"
echo "events file:       $out/events.jsonl ($(wc -l < "$out/events.jsonl") decisions)"
echo "tracks file:       $out/tracks.txt"
echo "rendered screens:  $out/screens/ (current.png: what the screen shows now; the cases rotate)"
ls "$out/screens" | sed 's/^/                   /'
echo "review in a browser: $cw serve -c $out/site.ini, then http://127.0.0.1:8080/"
echo "                   (accounts: officer / $REVIEW_PW_officer, sergeant / $REVIEW_PW_sergeant)"
echo "                   (the demo's broker stops with the demo: what you confirm in the browser is queued,"
echo "                    and goes out when a broker runs and crosswatch publish -c $out/site.ini does)"
