#!/usr/bin/env bash
# Frames per second of `crosswatch run` on vtest.avi next to a decode-only
# GStreamer pipeline (decode + convert to BGR, nothing else), measured in the
# same run, so the ratio is what to compare across machines.
# usage: bench/throughput.sh [BUILD_DIR] [VIDEO]
set -euo pipefail
build=${1:-build}
video=$(realpath "${2:-../shared/data/vtest.avi}")
frames=795
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

t0=$(date +%s.%N)
gst-launch-1.0 -q filesrc location="$video" ! decodebin ! videoconvert ! video/x-raw,format=BGR ! \
  fakesink sync=false
t1=$(date +%s.%N)
decode_s=$(echo "$t1 - $t0" | bc -l)

sed -e "s#^uri = .*#uri = file://$video#" -e "s#^db = .*#db = $tmp/evidence.db#" -e '/^\[mqtt\]/,$d' \
  hwcfg/examples/vtest-site.ini > "$tmp/site.ini"
t0=$(date +%s.%N)
/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$build/cli/crosswatch" run -c "$tmp/site.ini" \
  --events-out "$tmp/events.jsonl" --tracks-out "$tmp/tracks.txt" 2> "$tmp/run.log"
t1=$(date +%s.%N)
run_s=$(echo "$t1 - $t0" | bc -l)
read -r wall user sys rss_kb < "$tmp/time"

printf 'decode-only pipeline : %6.1f fps (%.2f s)\n' "$(echo "$frames / $decode_s" | bc -l)" "$decode_s"
printf 'crosswatch run       : %6.1f fps (%.2f s), %.1f%% of decode-only speed\n' \
  "$(echo "$frames / $run_s" | bc -l)" "$run_s" "$(echo "100 * $decode_s / $run_s" | bc -l)"
printf 'crosswatch run       : %.1f ms CPU per frame, peak RSS %.0f MiB\n' \
  "$(echo "1000 * ($user + $sys) / $frames" | bc -l)" "$(echo "$rss_kb / 1024" | bc -l)"
printf 'real-time factor     : %.1fx (the video is 10 fps)\n' "$(echo "$frames / $run_s / 10" | bc -l)"
tail -1 "$tmp/run.log"
