#!/usr/bin/env bash
# The review back office as officers use it: the appliance's packets (vtest.avi
# through the real pipeline, a real SQLite store), `crosswatch serve` on a free
# loopback port, a real mosquitto broker, `crosswatch publish` and a real
# display client, and headless Chromium (Debian's chromium, driven by
# puppeteer-core: tests/e2e/review_e2e.js) logging in, opening a case (every
# still renders, the clip plays), two officers confirming it, the display
# showing it, a supervisor reversing it and the display retracting it.
# With CW_SCREENSHOTS=DIR the queue and case page screenshots are kept there.
set -u
cw=$1 free_port=$2 src=$3 data=$4
. "$src/tests/broker.sh"
. "$src/tests/review_accounts.sh"
fail() { echo "FAIL: $*"; exit 1; }
video="$data/vtest.avi"
[ -r "$video" ] || fail "$video not readable"
for tool in mosquitto chromium node npm; do
  command -v $tool > /dev/null || fail "$tool is not installed (scripts/install-deps.sh)"
done

tmp=$(mktemp -d)
serve_pid= display_pid= publish_pid=
cleanup() {
  for pid in $serve_pid $display_pid $publish_pid; do kill "$pid" 2> /dev/null; done
  broker_cleanup
  wait 2> /dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# puppeteer-core, pinned in tests/e2e/package.json (no browser download:
# it drives the system's chromium)
e2e=$src/tests/e2e
if [ ! -d "$e2e/node_modules/puppeteer-core" ]; then
  (cd "$e2e" && npm install --no-audit --no-fund --silent) > "$tmp/npm.log" 2>&1 ||
    { cat "$tmp/npm.log"; fail "npm install puppeteer-core"; }
fi

broker_init "$free_port" && broker_start || fail "broker did not start"
port=$broker_port
http_port=$("$free_port")
# the first 30 s of the footage give 4 packets, enough for this, at a third
# of the pipeline's time
gst-launch-1.0 -q filesrc location="$video" ! avidemux name=d d.video_0 ! queue ! identity eos-after=300 \
  ! matroskamux ! filesink location="$tmp/short.mkv" || fail "cutting the footage"
sed -e "s#^uri = .*#uri = file://$tmp/short.mkv#" -e "s#^port = .*#port = $port#" \
    -e "s#^db = .*#db = $tmp/var/evidence.db\nkey = $tmp/var/device.key#" "$src/hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"
sed -e "s#^port = .*#port = $port#" -e "s#^out_dir = .*#out_dir = $tmp/screens#" \
    -e "s#^trusted_keys = .*#trusted_keys = $tmp/var/device.key.pub#" "$src/hwcfg/examples/display.ini" > "$tmp/display.ini"
site=$(sed -n 's/^id = //p' "$tmp/site.ini" | head -1)

echo "== run on the first 300 frames of $video"
"$cw" run -c "$tmp/site.ini" 2> "$tmp/run.log" || { tail -5 "$tmp/run.log"; fail "run"; }
review_accounts "$tmp/site.ini" || fail "review accounts"
review_clear_clocks "$tmp/site.ini" 1 || fail "clear the clock_unsynced cases" # one is left for the browser

"$cw" serve -c "$tmp/site.ini" --listen "127.0.0.1:$http_port" > "$tmp/serve.log" 2>&1 &
serve_pid=$!
wait_until 20 grep -q "review service on" "$tmp/serve.log" || { cat "$tmp/serve.log"; fail "serve did not start"; }
"$cw" display -c "$tmp/display.ini" > "$tmp/display.log" 2>&1 &
display_pid=$!
wait_until 30 broker_subscribed "crosswatch/$site/display/main" || { cat "$tmp/display.log"; fail "the display did not subscribe"; }
"$cw" publish -c "$tmp/site.ini" > "$tmp/publish.log" 2>&1 &
publish_pid=$!

echo "== the browser"
shots=${CW_SCREENSHOTS:-$tmp/shots}
mkdir -p "$shots"
node "$e2e/review_e2e.js" "http://127.0.0.1:$http_port" "$tmp/screens" "$shots" \
  officer "$REVIEW_PW_officer" sergeant "$REVIEW_PW_sergeant" || {
  echo "--- serve.log"; tail -20 "$tmp/serve.log"; echo "--- display.log"; tail -20 "$tmp/display.log"
  echo "--- publish.log"; tail -20 "$tmp/publish.log"; fail "the browser test"
}

echo "== the store afterwards"
"$cw" verify -c "$tmp/site.ini" | tail -1 | grep -q " 0 failure(s)" || fail "verify after the browser review"
for action in view view_media review:confirmed_once review:confirmed review:reversed login; do
  n=$(sqlite3 "$tmp/var/evidence.db" "SELECT COUNT(*) FROM audit_log WHERE action = '$action'")
  [ "$n" -ge 1 ] || fail "no audit row '$action'"
done
kill "$serve_pid"; wait "$serve_pid" 2> /dev/null; serve_pid=
grep -q "stopped" "$tmp/serve.log" || fail "serve did not stop cleanly on SIGTERM"
echo "PASS"
