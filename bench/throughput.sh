#!/usr/bin/env bash
# Frames per second of `crosswatch run` on vtest.avi, measured in the same run
# next to (a) a decode-only GStreamer pipeline (decode + convert to BGR) and
# (b) the same run with the HOG detector on every full frame (no motion
# gating, same detection scale). CPU seconds per frame and peak RSS of each.
# usage: bench/throughput.sh [BUILD_DIR] [VIDEO]
set -euo pipefail
build=${1:-build}
video=$(realpath "${2:-../shared/data/vtest.avi}")
frames=795
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

measure() { # NAME COMMAND... -> "NAME wall user sys rss_kb"
  local name=$1; shift
  /usr/bin/time -f "$name %e %U %S %M" -o "$tmp/$name.time" "$@" > /dev/null 2> "$tmp/$name.log"
  cat "$tmp/$name.time"
}

sed -e "s#^uri = .*#uri = file://$video#" -e "s#^db = .*#db = $tmp/evidence.db#" -e '/^\[mqtt\]/,$d' \
  hwcfg/examples/vtest-site.ini > "$tmp/site.ini"
awk '/^\[rules\]/ { print "[detector]\nmotion_gating = 0\n" } { print }' "$tmp/site.ini" |
  sed "s#$tmp/evidence.db#$tmp/evidence-full.db#" > "$tmp/full.ini"

{
  measure decode gst-launch-1.0 -q filesrc location="$video" ! decodebin ! videoconvert ! \
    video/x-raw,format=BGR ! fakesink sync=false
  measure crosswatch "$build/cli/crosswatch" run -c "$tmp/site.ini"
  measure fullframe "$build/cli/crosswatch" run -c "$tmp/full.ini"
} > "$tmp/results"

awk -v frames=$frames '
  { wall[$1] = $2; cpu[$1] = $3 + $4; rss[$1] = $5 }
  END {
    printf "%-26s %8s %10s %14s %10s\n", "", "fps", "vs decode", "CPU ms/frame", "peak RSS"
    split("decode crosswatch fullframe", order, " ")
    names["decode"] = "decode only"; names["crosswatch"] = "crosswatch run (gated)"
    names["fullframe"] = "crosswatch run, full-frame HOG"
    for (i = 1; i <= 3; i++) {
      n = order[i]
      printf "%-26s %8.1f %9.1f%% %14.1f %8.0f MiB\n", names[n], frames / wall[n], 100 * wall["decode"] / wall[n],
             1000 * cpu[n] / frames, rss[n] / 1024
    }
    printf "\ngated vs full-frame HOG at the same detection scale: %.1fx faster\n", wall["fullframe"] / wall["crosswatch"]
    printf "gated: %.1fx real time (the video is 10 fps)\n", frames / wall["crosswatch"] / 10
  }' "$tmp/results"
