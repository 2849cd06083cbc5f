#!/usr/bin/env bash
# The detector searches at the sizes the camera's calibration gives people
# (vision/vis_finder.h): crosswatch on the sample video with the example
# site as shipped (calibrated) and with calibrated = 0 (the fixed upscale
# 1.3 and 12 levels), each detector's boxes scored against PETS09-S2L1's
# ground truth with the project's evaluator: among the far-away people
# (under 70 px tall) the calibrated search must find 80 % or more and 12
# points more than the fixed one, and over all people no fewer; of the
# people wholly in view near the bottom, left or right edge, 55 % or more. The
# calibrated run's detections file, colour signatures included, replayed
# through track-mot with the same site must give the run's own tracks. The
# run's tracks, through the rules on 20 random site layouts (site_bench,
# the bench's seed 17), must meet issue 17's targets: mean precision
# >= 0.97, mean recall >= 0.93, every layout's precision >= 0.93. This is
# what bench/site_bench.sh measures with a run per layout, within a few
# seconds' work: on 2026-12-05 both gave 0.987, 0.950, 0.947 (and 0.980,
# 0.936, 0.920 before the tracker's walked reach), so a change to the
# detector or tracker that loses fines or raises wrong ones fails here.
#   calibrated_detector.sh CROSSWATCH SOURCE_DIR DATA_DIR SITE_BENCH
set -u
cw=$1 src=$2 data=$(realpath "$3") site_bench=$4
gt=$data/mot15/PETS09-S2L1/gt/gt.txt
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
site() { # NAME EXTRA-DETECTOR-LINES
  sed -e "s#^uri = .*#uri = file://$data/vtest.avi#" -e "s#^db = .*#db = $tmp/$1.db#" -e '/^\[mqtt\]/,$d' \
    "$src/hwcfg/examples/vtest-site.ini" > "$tmp/$1.ini"
  printf '\n[detector]\n%b\n' "$2" >> "$tmp/$1.ini"
}
recall() { # GT DETECTIONS: the percentage of GT boxes found (MOTChallenge matching, IoU 0.5)
  awk -F, 'BEGIN { OFS = "," } { $2 = 1; print }' "$2" > "$tmp/one_id.txt"
  "$cw" eval-mot --gt "$1" --res "$tmp/one_id.txt" | sed -n 1p | awk '{print $12}'
}
site calibrated ""
site fixed "calibrated = 0"
for s in calibrated fixed; do
  "$cw" run -c "$tmp/$s.ini" --detections-out "$tmp/$s.txt" --tracks-out "$tmp/$s-tracks.txt" 2> "$tmp/$s.log" < /dev/null ||
    { echo "FAIL: crosswatch run ($s)"; cat "$tmp/$s.log"; exit 1; }
  grep -h "frames in" "$tmp/$s.log" | sed "s/^/$s: /"
done
awk -F, '$6 < 70' "$gt" > "$tmp/gt_far.txt"
far_cal=$(recall "$tmp/gt_far.txt" "$tmp/calibrated.txt") far_fix=$(recall "$tmp/gt_far.txt" "$tmp/fixed.txt")
all_cal=$(recall "$gt" "$tmp/calibrated.txt") all_fix=$(recall "$gt" "$tmp/fixed.txt")
echo "people under 70 px found: calibrated $far_cal %, fixed $far_fix %; everyone: calibrated $all_cal %, fixed $all_fix %"
# measured 2026-12-03: 89.9 % and 67.7 %; 81.0 % and 78.4 %
awk -v a="$far_cal" -v b="$far_fix" -v c="$all_cal" -v d="$all_fix" \
  'BEGIN { exit !(a >= 80 && a >= b + 12 && c >= d) }' || { echo "FAIL: the calibrated search does not find the far-away people"; exit 1; }

# People wholly in view whose detection window would not fit: within half
# a body width of the left or right edge, or a quarter of their height of
# the bottom (HOG's window frames the body with a margin, and the picture is
# extended there for it, cv_people.cpp). Measured 2026-12-05: 68.5 % of
# them found; without the extension 26.2 %.
awk -F, '{ x = $3; y = $4; w = $5; h = $6
  if (x >= 0 && x + w <= 768 && y + h <= 576 && (x < 0.5 * w || x + w > 768 - 0.5 * w || y + h > 576 - 0.25 * h)) print }' \
  "$gt" > "$tmp/gt_edge.txt"
edge_cal=$(recall "$tmp/gt_edge.txt" "$tmp/calibrated.txt")
echo "people at the picture's edges found: $edge_cal % ($(wc -l < "$tmp/gt_edge.txt") boxes)"
awk -v a="$edge_cal" 'BEGIN { exit !(a >= 55) }' || { echo "FAIL: people at the picture's edges are not found"; exit 1; }

# The replay: the same ids frame by frame, boxes within a tenth of a pixel
# (the file keeps two decimals). Without the signatures the ids differ.
frames=$(sed -n 's/.*: \([0-9]*\) frames in .*/\1/p' "$tmp/calibrated.log")
"$cw" track-mot -c "$tmp/calibrated.ini" --det "$tmp/calibrated.txt" --frames "$frames" --out "$tmp/replay.txt" ||
  { echo "FAIL: track-mot on the run's detections"; exit 1; }
same() { # A B: rows of A and B, as frame,id and box, agree
  [ "$(wc -l < "$1")" = "$(wc -l < "$2")" ] &&
    paste -d, <(cut -d, -f1-6 "$1") <(cut -d, -f1-6 "$2") | awk -F, '
      { if ($1 != $7 || $2 != $8) exit 1
        for (i = 3; i <= 6; i++) if ($i - $(i + 6) > 0.1 || $(i + 6) - $i > 0.1) exit 1 }'
}
same "$tmp/replay.txt" "$tmp/calibrated-tracks.txt" ||
  { echo "FAIL: track-mot's replay of the run's detections differs from the run's tracks"; diff "$tmp/replay.txt" "$tmp/calibrated-tracks.txt" | head; exit 1; }
cut -d, -f1-10 "$tmp/calibrated.txt" > "$tmp/no_signatures.txt"
"$cw" track-mot -c "$tmp/calibrated.ini" --det "$tmp/no_signatures.txt" --frames "$frames" --out "$tmp/replay_plain.txt" ||
  { echo "FAIL: track-mot without signatures"; exit 1; }
! same "$tmp/replay_plain.txt" "$tmp/calibrated-tracks.txt" ||
  { echo "FAIL: the signatures made no difference to the replay: were they read?"; exit 1; }
echo "track-mot replays the run's $(wc -l < "$tmp/replay.txt") track rows exactly from its detections file"

"$site_bench" layouts --base "$tmp/calibrated.ini" --video "$data/vtest.avi" --seed 17 --count 20 --out "$tmp/sites" \
  > /dev/null || { echo "FAIL: site_bench layouts"; exit 1; }
args=()
for k in $(seq 1 20); do args+=("$tmp/sites/layout$k.ini" "$tmp/calibrated-tracks.txt"); done
"$site_bench" score --gt "$gt" --tracks "${args[@]}" > "$tmp/sites.txt" || { echo "FAIL: site_bench score: $?"; exit 1; }
read -r p r w < <(sed -n 's/.*mean precision \([0-9.]*\), mean recall \([0-9.]*\), worst precision \([0-9.]*\).*/\1 \2 \3/p' "$tmp/sites.txt")
echo "the run's tracks on 20 random sites: mean precision $p, mean recall $r, worst precision $w"
awk -v p="${p:-0}" -v r="${r:-0}" -v w="${w:-0}" 'BEGIN { exit !(p >= 0.97 && r >= 0.93 && w >= 0.93) }' ||
  { echo "FAIL: the run's fines on random sites fell"; grep "^  " "$tmp/sites.txt"; exit 1; }
echo "ok"
