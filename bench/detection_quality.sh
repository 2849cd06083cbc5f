#!/usr/bin/env bash
# Detection and whole-pipeline quality on PETS09-S2L1 (the sample video):
# `crosswatch run` on vtest.avi with its own detector, scored with the
# project's evaluator (MOTChallenge 2015 rules: IoU >= 0.5, ground-truth rows
# with 7th field 0 ignored) against MOT15 ground truth.
# usage: bench/detection_quality.sh [BUILD_DIR] [DATA_DIR]
set -euo pipefail
build=${1:-build}
data=$(realpath "${2:-../shared/data}")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cw=$build/cli/crosswatch
gt=$data/mot15/PETS09-S2L1/gt/gt.txt
sed -e "s#^uri = .*#uri = file://$data/vtest.avi#" -e "s#^db = .*#db = $tmp/evidence.db#" -e '/^\[mqtt\]/,$d' \
  hwcfg/examples/vtest-site.ini > "$tmp/site.ini"
"$cw" run -c "$tmp/site.ini" --tracks-out "$tmp/tracks.txt" --detections-out "$tmp/detections.txt" 2> "$tmp/run.log"
tail -1 "$tmp/run.log"
# per-frame boxes: the detector's output on the frames it ran, identities ignored
every=$(sed -n 's/^every_n_frames = \([0-9]*\).*/\1/p' "$tmp/site.ini"); every=${every:-1}
awk -F, -v n="$every" '($1 - 1) % n == 0' "$gt" > "$tmp/gt_detection_frames.txt"
awk -F, 'BEGIN { OFS = "," } { $2 = 1; print }' "$tmp/detections.txt" > "$tmp/det_one_id.txt"
echo "detections (per-frame boxes, every ${every} frame(s)):"
"$cw" eval-mot --gt "$tmp/gt_detection_frames.txt" --res "$tmp/det_one_id.txt" | sed -n 1p | awk '{print "  recall", $12, " precision", $14}'
echo "whole pipeline (tracks):"
"$cw" eval-mot --gt "$gt" --res "$tmp/tracks.txt" | sed 's/^/  /'
