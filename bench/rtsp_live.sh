#!/usr/bin/env bash
# Live-paced cameras: CAMERAS looping RTSP cameras (bench/rtsp_server: the
# sample video scaled to WIDTHxHEIGHT at FPS, Motion-JPEG encoded once at
# start, so serving takes little of the CPU being measured) analysed by one
# `crosswatch run` for DURATION seconds. Before it, in the same run, a
# decode-only pipeline takes the same streams for the same time (uridecodebin
# ! videoconvert to BGR ! fakesink, a branch a camera): the baseline for
# frames a second and CPU. Reports per camera the frames captured, analysed
# and skipped by the capture queue, capture-to-decision latency, the peak
# resident memory, and the stages' own timers (crosswatch run's last lines).
# The example site is calibrated and zoned on the footage's 768x576
# pictures; both are scaled to WIDTHxHEIGHT, as an installer would calibrate
# the camera at its own size (tests/two_camera_site.sh site_scaled_to).
# usage: bench/rtsp_live.sh [BUILD_DIR] [DURATION_S] [CAMERAS] [WIDTHxHEIGHT] [FPS] [VIDEO]
#   defaults: build 300 1 1280x720 25 ../shared/data/vtest.avi
#   DETECTOR_EVERY_N=N pins [detector] every_n_frames (default: from the stream's rate)
#   RUN_LOG=FILE keeps crosswatch run's log there (with GST_DEBUG, its debug lines)
#   MEMORY_LOG=FILE keeps the memory sampled each second: resident, heap in use, heap free, writer backlog (MiB, MiB, MiB, packets)
#   SITE_EXTRA=TEXT appends TEXT (printf's escapes) to the site file, e.g. '[detector]\nmax_lag_ms = 0\n'
set -euo pipefail
build=$(realpath "${1:-build}")
duration=${2:-300} cameras=${3:-1} size=${4:-1280x720} fps=${5:-25}
video=$(realpath "${6:-../shared/data/vtest.avi}")
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
pids=()
# (errexit holds in the trap too: a server already gone made the bench exit 1)
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done; wait 2> /dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
command -v curl > /dev/null || { echo "curl is needed to sample the memory"; exit 1; }
[ -x "$build/bench/rtsp_server" ] || { echo "rtsp_server not built (libgstrtspserver-1.0-dev missing?)"; exit 1; }
. "$src/tests/two_camera_site.sh"

http=$("$build/tests/free_port")
uris=()
for k in $(seq "$cameras"); do
  port=$("$build/tests/free_port")
  "$build/bench/rtsp_server" "$video" "$port" 100000 "$size" "$fps" 2> "$tmp/server$k.log" &
  pids+=($!)
  for _ in $(seq 240); do grep -q "rtsp://" "$tmp/server$k.log" && break; sleep 0.5; done
  grep -q "rtsp://" "$tmp/server$k.log" || { cat "$tmp/server$k.log"; exit 1; }
  uris+=("rtsp://127.0.0.1:$port/cam")
done

# the baseline: decode only, every camera at once
branches=()
for k in "${!uris[@]}"; do
  branches+=(uridecodebin "uri=${uris[$k]}" ! videoconvert ! video/x-raw,format=BGR !
             fpsdisplaysink "name=s$k" text-overlay=false video-sink=fakesink signal-fps-measurements=true)
done
echo "$cameras camera(s), ${size} at $fps fps, $duration s each: decode only, then crosswatch run"
/usr/bin/time -f "%U %S %e" -o "$tmp/decode.time" timeout -s INT "$duration" \
  gst-launch-1.0 -e -v "${branches[@]}" > "$tmp/decode.log" 2>&1 || true
# fpsdisplaysink's last word per branch: ".../GstFPSDisplaySink:sK: last-message = rendered: N, ..."
decoded=$( (grep -o 'FPSDisplaySink:s[0-9]*: last-message = rendered: [0-9]*' "$tmp/decode.log" || true) |
  awk '{ n[$1] = $NF } END { for (k in n) t += n[k]; print t + 0 }')
read -r du ds de < <(tail -1 "$tmp/decode.time")
decode_cpu=$(echo "$du + $ds" | bc)
echo "decode only: $decoded frames in $de s ($(echo "scale=1; $decoded / $de" | bc) fps), CPU $decode_cpu s" \
  "($(echo "scale=0; 100 * $decode_cpu / $de" | bc)% of one core)"

{
  sed -e "s#^uri = .*#uri = ${uris[0]}#" -e "s#^db = .*#db = $tmp/evidence.db\nkey = $tmp/device.key#" \
      -e '/^\[mqtt\]/,/^\[review\]/{/^\[review\]/!d}' "$src/hwcfg/examples/vtest-site.ini"
  for ((k = 1; k < cameras; k++)); do camera_copy "$src" "cam$((k + 1))" "${uris[$k]}"; done
  if [ -n "${DETECTOR_EVERY_N:-}" ]; then printf "[detector]\nevery_n_frames = %s\n" "$DETECTOR_EVERY_N"; fi
  if [ -n "${SITE_EXTRA:-}" ]; then printf "$SITE_EXTRA"; fi
  printf '[status]\nhttp_listen = 127.0.0.1:%s\ninterval_s = 1\n' "$http"
} | site_scaled_to "$size" > "$tmp/site.ini" # calibrated and zoned on the pictures served
"$build/cli/crosswatch" check-config -c "$tmp/site.ini" > "$tmp/check.log" 2>&1 || { cat "$tmp/check.log"; exit 1; }
/usr/bin/time -f "%U %S %e %M" -o "$tmp/run.time" timeout -s INT "$duration" \
  "$build/cli/crosswatch" run -c "$tmp/site.ini" 2> "$tmp/run.log" &
run_pid=$!
pids+=("$run_pid")
: > "$tmp/memory.txt" # there even when the run ends before its first sample (MEMORY_LOG copies it)
# what the resident memory holds, every second: the heap in use, the free
# memory the allocator keeps for reuse (svc_malloc.c), the packets waiting
# for the writer
while kill -0 "$run_pid" 2> /dev/null; do
  curl -s --max-time 1 "http://127.0.0.1:$http/metrics" |
    awk '$1 == "process_resident_memory_bytes" { r = $2 } $1 == "crosswatch_heap_in_use_bytes" { h = $2 }
         $1 == "crosswatch_heap_free_bytes" { f = $2 } $1 == "crosswatch_writer_backlog" { b = $2 }
         END { if (r) printf "%d %d %d %d\n", r / 1048576, h / 1048576, f / 1048576, b }' >> "$tmp/memory.txt" || true
  sleep 1
done
wait "$run_pid" || true
[ -n "${RUN_LOG:-}" ] && cp "$tmp/run.log" "$RUN_LOG"
[ -n "${MEMORY_LOG:-}" ] && cp "$tmp/memory.txt" "$MEMORY_LOG"
grep "^crosswatch: " "$tmp/run.log" | grep -v -e stopping -e "clock:"
read -r ru rs re rmax < <(tail -1 "$tmp/run.time")
analysed=$(sed -n 's/^crosswatch: live: [0-9]* frames captured, \([0-9]*\) analysed.*/\1/p' "$tmp/run.log")
echo "crosswatch run: ${analysed:-0} frames analysed in $re s, CPU $(echo "$ru + $rs" | bc) s; peak RSS" \
  "$((rmax / 1024)) MiB ($((rmax / 1024 / cameras)) MiB a camera)"
[ -s "$tmp/memory.txt" ] && sort -n "$tmp/memory.txt" | tail -1 |
  awk '{ printf "at the greatest resident size sampled (%d MiB): heap in use %d MiB, free held by the allocator %d MiB, %d packet(s) waiting for the writer\n", $1, $2, $3, $4 }'
[ "${decoded:-0}" -gt 0 ] && echo "analysed / decoded frames: $(echo "scale=3; ${analysed:-0} / $decoded" | bc)"
