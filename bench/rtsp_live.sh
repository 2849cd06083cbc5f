#!/usr/bin/env bash
# Live-paced 720p: the sample video upscaled to 1280x720, served at 25 fps
# over RTSP by bench/rtsp_server (started and stopped here), analysed by
# `crosswatch run` for DURATION seconds (default 300). Reports the share of
# frames the capture queue skipped, capture-to-decision latency and CPU.
# usage: bench/rtsp_live.sh [BUILD_DIR] [DURATION_S] [VIDEO]
set -euo pipefail
build=${1:-build}
duration=${2:-300}
video=$(realpath "${3:-../shared/data/vtest.avi}")
tmp=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null; wait 2> /dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
[ -x "$build/bench/rtsp_server" ] || { echo "rtsp_server not built (libgstrtspserver-1.0-dev missing?)"; exit 1; }

port=$("$build/tests/free_port")
"$build/bench/rtsp_server" "$video" "$port" 2> "$tmp/server.log" &
server_pid=$!
for i in $(seq 120); do grep -q "rtsp://" "$tmp/server.log" && break; sleep 0.5; done
grep -q "rtsp://" "$tmp/server.log" || { cat "$tmp/server.log"; exit 1; }

sed -e "s#^uri = .*#uri = rtsp://127.0.0.1:$port/cam#" -e "s#^db = .*#db = $tmp/evidence.db#" -e '/^\[mqtt\]/,$d' \
  hwcfg/examples/vtest-site.ini > "$tmp/site.ini"
echo "analysing rtsp://127.0.0.1:$port/cam (1280x720, 25 fps) for $duration s"
timeout -s INT "$duration" "$build/cli/crosswatch" run -c "$tmp/site.ini" 2> "$tmp/run.log" || true
grep "^crosswatch: " "$tmp/run.log" | grep -v stopping
