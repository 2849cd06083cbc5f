#!/usr/bin/env bash
# The rules on sites nobody tuned them for (issue 17): LAYOUTS random site
# layouts (default 20, seed SEED, default 17) on PETS09-S2L1's calibrated
# ground, crosswatch run on vtest.avi once per layout (the whole appliance:
# detector, tracker, rules, liveness, evidence), its violations scored
# against reference violations from the MOT15 ground truth under perturbed
# rule settings (bench/site_bench.c says how). Then the same layouts scored
# from one run's tracks with the rules applied here (what the rules make of
# the appliance's tracks, for quick comparisons), and from the truth's own
# tracks (what a perfect detector and tracker would score).
#
#   bash bench/site_bench.sh [BUILD] [DATA]      # LAYOUTS=20 SEED=17 JOBS=2 OUT=DIR
set -euo pipefail
build=$(realpath "${1:-build}")
data=$(realpath "${2:-../shared/data}")
src=$(cd "$(dirname "$0")/.." && pwd)
layouts=${LAYOUTS:-20} seed=${SEED:-17} jobs=${JOBS:-2}
video="$data/vtest.avi" gt="$data/mot15/PETS09-S2L1/gt/gt.txt"
for f in "$video" "$gt" "$build/cli/crosswatch" "$build/bench/site_bench"; do
  [ -r "$f" ] || { echo "site_bench.sh: $f not readable (build first; DATA is ../shared/data)" >&2; exit 2; }
done
if [ -n "${OUT:-}" ]; then
  out=$OUT
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
cw="$build/cli/crosswatch" bench="$build/bench/site_bench"

echo "== 1. $layouts layouts from seed $seed"
"$bench" layouts --base "$src/hwcfg/examples/vtest-site.ini" --video "$video" --seed "$seed" --count "$layouts" \
  --out "$out" | sed 's/^/  /'

echo "== 2. crosswatch on vtest.avi, once per layout ($jobs at a time)"
run() { # K
  "$cw" run -c "$out/layout$1.ini" --events-out "$out/layout$1/events.jsonl" --tracks-out "$out/layout$1/tracks.txt" \
    2> "$out/layout$1/log" < /dev/null || { sed "s/^/  [layout$1] /" "$out/layout$1/log"; return 1; }
  grep -h "frames in" "$out/layout$1/log" | sed "s/^/  [layout$1] /"
}
export -f run
export cw out
seq 1 "$layouts" | xargs -P "$jobs" -I{} bash -c 'run {}'

pairs() { # the second file of each layout: a pattern with @K@ for its number
  for k in $(seq 1 "$layouts"); do printf '%s %s ' "$out/layout$k.ini" "${1//@K@/$k}"; done
}
echo "== 3. the appliance's violations against the reference"
# shellcheck disable=SC2046
"$bench" score --gt "$gt" $(pairs "$out/layout@K@/events.jsonl") | tee "$out/score.txt" | grep -v "^  "
echo "  (every wrong and missed violation: $out/score.txt)"

echo "== 4. for comparison: the rules applied here to the appliance's tracks (layout 1's run), and to the truth's"
# shellcheck disable=SC2046
"$bench" score --gt "$gt" --tracks $(pairs "$out/layout1/tracks.txt") | tail -1 | sed 's/^/  appliance tracks: /'
# shellcheck disable=SC2046
"$bench" score --gt "$gt" --tracks $(pairs "$gt") | tail -1 | sed 's/^/  truth tracks: /'
