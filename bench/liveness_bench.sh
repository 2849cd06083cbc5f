#!/usr/bin/env bash
# Flat-image rejection, measured:
#  1. attacks: tests' attack_scenario composites 4 bus-advert passes, 2
#     posters and 2 screens into all 795 frames of vtest.avi; crosswatch runs
#     with liveness off and on (the detector searching every full frame, so
#     that static attacks stay detected); APCER per attack type, BPCER of
#     the footage's genuine violations, detection rate of every attack;
#  2. clean footage: vtest.avi with the example config as shipped (motion
#     gated), liveness off and on: BPCER without attacks in the picture;
#  3. cost: milliseconds per assessed candidate and per frame spent in the
#     liveness stage, against the whole pipeline's time per frame in the
#     same run, and frames per second with liveness off and on.
# usage: bench/liveness_bench.sh [BUILD_DIR] [DATA_DIR]
set -euo pipefail
build=$(realpath "${1:-build}")
data=$(realpath "${2:-../shared/data}")
src=$(pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

config() { # VIDEO NAME [extra ini text] -> $tmp/NAME.ini, evidence in $tmp/NAME/
  mkdir -p "$tmp/$2"
  sed -e "s#^uri = .*#uri = file://$1#" -e "/^\[mqtt\]/,\$d" \
      -e "s#^db = .*#db = $tmp/$2/evidence.db\nkey = $tmp/$2/device.key#" \
      "$src/hwcfg/examples/vtest-site.ini" > "$tmp/$2.ini"
  printf '%b' "${3:-}" >> "$tmp/$2.ini"
}
run() { # NAME [--detections-out FILE]
  local name=$1; shift
  "$build/cli/crosswatch" run -c "$tmp/$name.ini" --events-out "$tmp/$name/events.jsonl" "$@" 2> "$tmp/$name/log"
  sed "s/^/  [$name] /" "$tmp/$name/log"
}

echo "== 1. attacks composited into vtest.avi (795 frames)"
"$build/tests/attack_scenario" make --video "$data/vtest.avi" --gt "$data/mot15/PETS09-S2L1/gt/gt.txt" \
  --config "$src/hwcfg/examples/vtest-site.ini" --out "$tmp/attacks.avi" --truth "$tmp/truth.json"
config "$tmp/attacks.avi" attacks-off '[detector]\nfull_frame_every = 1\n[liveness]\nenabled = false\n'
config "$tmp/attacks.avi" attacks-on '[detector]\nfull_frame_every = 1\n'
run attacks-off --detections-out "$tmp/attacks-off/det.txt"
run attacks-on
"$build/tests/attack_scenario" score --truth "$tmp/truth.json" --off "$tmp/attacks-off/events.jsonl" \
  --on "$tmp/attacks-on/events.jsonl" --detections "$tmp/attacks-off/det.txt" --require || true

echo "== 2. the clean footage, example config as shipped"
video=$(realpath "$data/vtest.avi")
config "$video" clean-off '[liveness]\nenabled = false\n'
config "$video" clean-on
run clean-off
run clean-on
echo '{"attacks":[]}' > "$tmp/none.json"
"$build/tests/attack_scenario" score --truth "$tmp/none.json" --off "$tmp/clean-off/events.jsonl" \
  --on "$tmp/clean-on/events.jsonl" | grep -E "^BPCER|genuine rejected" || true

echo "== 3. cost (same runs)"
for name in clean-on attacks-on; do
  off=${name%-on}-off
  awk -v name="$name" -v off="$(grep -o '([0-9.]* fps)' "$tmp/$off/log" | tr -d '(fps )')" \
      -v candidates="$(grep -c . "$tmp/$name/events.jsonl")" '
    /frames in/ { frames = $2; secs = $5; fps = $7; gsub(/[(]/, "", fps) }
    /liveness:/ { n = $3; each = $5; per_frame = $8 }
    END {
      total = 1000 * secs / frames
      printf "%-11s %d candidates, %d assessments (young tracks are re-assessed), %.2f ms each = %.1f ms per candidate; liveness %.2f ms/frame = %.1f%% of the pipeline'"'"'s %.1f ms/frame; %.1f fps on vs %.1f fps off (%.2fx)\n",
             name, candidates, n, each, n * each / candidates, per_frame, 100 * per_frame / total, total, fps, off, fps / off
    }' "$tmp/$name/log"
done
