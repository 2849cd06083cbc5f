#!/usr/bin/env bash
# crosswatch run on a live rtsp:// camera (bench/rtsp_server serving the
# sample video at 1280x720, 25 fps), stopped by SIGINT: frames arrive at the
# camera's pace, the run stops cleanly and reports its live statistics.
set -u
cw=$1 server=$2 free_port=$3 src=$4 data=$5
tmp=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null; wait 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$tmp/run.log" 2> /dev/null; exit 1; }

port=$("$free_port")
"$server" "$data/vtest.avi" "$port" 60 2> "$tmp/server.log" &
server_pid=$!
for i in $(seq 60); do grep -q "rtsp://" "$tmp/server.log" && break; sleep 0.5; done
grep -q "rtsp://" "$tmp/server.log" || fail "server did not start: $(cat "$tmp/server.log")"
sed -e "s#^uri = .*#uri = rtsp://127.0.0.1:$port/cam#" -e "s#^db = .*#db = $tmp/evidence.db#" -e '/^\[mqtt\]/,$d' \
  "$src/hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"
"$cw" run -c "$tmp/site.ini" 2> "$tmp/run.log" &
run_pid=$!
sleep 10
kill -INT $run_pid
wait $run_pid || fail "run exited $?"
line=$(grep "live:" "$tmp/run.log") || fail "no live statistics"
captured=$(echo "$line" | sed 's/.*live: \([0-9]*\) frames captured.*/\1/')
# 25 fps for about 10 s (minus connection set-up): paced, not as fast as possible
[ "$captured" -ge 100 ] && [ "$captured" -le 300 ] || fail "$captured frames captured in 10 s at 25 fps"
echo "rtsp: $line"
