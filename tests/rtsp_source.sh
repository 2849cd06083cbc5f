#!/usr/bin/env bash
# crosswatch run on a live rtsp:// camera (bench/rtsp_server serving the
# sample video at 1280x720, 25 fps), stopped by SIGINT once 10 s of the
# stream have been analysed: frames arrive at the camera's pace, the run stops
# cleanly and reports its live statistics.
set -u
cw=$1 server=$2 free_port=$3 src=$4 data=$5
. "$src/tests/broker.sh" # wait_until
tmp=$(mktemp -d)
server_pid= run_pid=
cleanup() { for pid in $run_pid $server_pid; do kill "$pid" 2> /dev/null; done; wait 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$tmp/run.log" 2> /dev/null; exit 1; }

port=$("$free_port")
"$server" "$data/vtest.avi" "$port" 60 2> "$tmp/server.log" &
server_pid=$!
wait_until 60 grep -q "rtsp://" "$tmp/server.log" || fail "server did not start: $(cat "$tmp/server.log")"
sed -e "s#^uri = .*#uri = rtsp://127.0.0.1:$port/cam#" -e "s#^db = .*#db = $tmp/evidence.db#" -e '/^\[mqtt\]/,$d' \
  "$src/hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"
"$cw" run -c "$tmp/site.ini" --tracks-out "$tmp/tracks.txt" 2> "$tmp/run.log" &
run_pid=$!
# frame numbers come from the stream's timestamps: frame 250 is 10 s into it
reached() { awk -F, -v n="$1" '$1 >= n { f = 1; exit } END { exit !f }' "$tmp/tracks.txt" 2> /dev/null; }
wait_until 60 reached 250 || fail "the run did not analyse 10 s of the stream in 60 s"
kill -INT $run_pid
wait $run_pid || fail "run exited $?"
run_pid=
line=$(grep "live: [0-9]* frames captured" "$tmp/run.log") || fail "no live statistics"
captured=$(echo "$line" | sed 's/.*live: \([0-9]*\) frames captured.*/\1/')
seconds=$(sed -n 's/^crosswatch: [0-9]* frames in \([0-9.]*\) s .*/\1/p' "$tmp/run.log")
# paced, not as fast as possible: 10 s of stream took 10 s or more, and
# frames came no faster than 25 fps (plus a second's worth of jitter)
awk -v c="$captured" -v s="$seconds" 'BEGIN { exit !(s >= 9.5 && c >= 200 && c <= 25 * (s + 1)) }' ||
  fail "$captured frames captured in $seconds s from a 25 fps camera"
# the stages' own timers: each stage that ran, then the writer and the rest
stages=$(grep "^crosswatch: stages, ms a frame" "$tmp/run.log") || fail "no stage timings"
for s in detect track zones liveness evidence; do
  echo "$stages" | grep -q " $s [0-9.]*/[0-9.]*" || fail "no time for $s: $stages"
done
echo "$stages" | grep -q "the rest of the process ([^)]*) [0-9.]* ms a frame" || fail "no rest: $stages"
# the detector on 1 frame in 3 (25 fps), put off now and then while behind
detector=$(grep "^crosswatch: live: the detector ran on" "$tmp/run.log") || fail "no detector line"
every=$(echo "$detector" | sed 's/.*(1 in \([0-9.]*\)).*/\1/')
awk -v e="$every" 'BEGIN { exit !(e >= 2.9 && e <= 6) }' || fail "detector on 1 frame in $every: $detector"
echo "rtsp: $line; run $seconds s"
echo "$stages"
echo "$detector"

# A camera whose analysis is always behind (max_lag_ms = 1: a frame is
# never analysed within a millisecond of its capture) has each detection
# put off for as long as it may be, 3 x 3 frames: the detector runs on 1
# frame in 12, and no frame is lost for it.
printf '[detector]\nmax_lag_ms = 1\n' >> "$tmp/site.ini"
"$cw" run -c "$tmp/site.ini" --detections-out "$tmp/detections.txt" 2> "$tmp/run.log" &
run_pid=$!
detected() { awk -F, -v n="$1" '$1 >= n { f = 1; exit } END { exit !f }' "$tmp/detections.txt" 2> /dev/null; }
wait_until 60 detected 150 || fail "the run behind the camera did not analyse 6 s of the stream in 60 s"
kill -INT $run_pid
wait $run_pid || fail "run behind the camera exited $?"
run_pid=
detector=$(grep "^crosswatch: live: the detector ran on" "$tmp/run.log") || fail "no detector line (behind)"
every=$(echo "$detector" | sed 's/.*(1 in \([0-9.]*\)).*/\1/')
put_off=$(echo "$detector" | sed 's/.*; \([0-9]*\) times it was due and put off.*/\1/')
awk -v e="$every" -v p="$put_off" 'BEGIN { exit !(e >= 10 && e <= 13 && p >= 100) }' ||
  fail "behind the camera: $detector"
echo "behind: $detector"
