#!/usr/bin/env bash
# Flat-image rejection, measured:
#  1. attacks: tests' attack_scenario makes CLIPS clips from the fixed seeds
#     1001, 1002, ... (every 5th at 25 frames/s and 12 s long, the others at
#     10 frames/s and 22 s; of 8 vehicles with adverts, 6 posters, 7 screens
#     and 3 genuine scenarios planned, about 4.2, 3.8, 3.5 and 4 fit a clip):
#     vehicles carrying adverts (bus, tram, lorry, van, taxi; side,
#     rear, wrap; 0.5-15 m/s, accelerating, braking, stopping at the line,
#     queueing), posters and screens, synthetic genuine people (crossing in
#     front of, behind and beside a bus, getting off one, carrying a sign,
#     passing in front of an attack), lighting changes. The signal is shifted
#     (offset_s = 18) so that a whole clip is DON'T WALK. crosswatch runs on
#     each clip with liveness on, with the shipped detector settings (motion
#     gated) and with the whole frame searched every frame (full_frame_every
#     = 1, so that a poster the background model absorbed is searched too),
#     and with the shipped settings and a depth camera (the generator renders
#     what one registered to the clip's camera sees, `make --depth-out`:
#     the ground, every composited surface, and people as round bodies
#     standing where their feet are; `depth_uri`, range DEPTH_RANGE metres)
#     — the check a mono camera cannot make, for the classes it cannot reach.
#     Liveness judges candidates the rules already raised and changes none of
#     them (a rejected one is still an event, decision rejected_flat), so a
#     clip's candidates with liveness off are its run's candidates: the first
#     OFF_CLIPS clips also run with liveness off, to check that on every
#     candidate and to measure what liveness costs. attack_scenario score: per
#     attack type and speed band, presentations, detected, reached the rules,
#     rejected / uncertain / live, APCER; BPCER and the share of genuine
#     violations left uncertain;
#  2. clean footage: vtest.avi with the example config as shipped (motion
#     gated, schedule as shipped), liveness off and on: BPCER without attacks;
#  3. cost: milliseconds per assessed candidate and per frame spent in the
#     liveness stage, against the whole pipeline's time per frame, and frames
#     per second with liveness off and on, per setting over all its runs.
# Ends with one table to paste into bench/README.md.
#
# usage: bench/liveness_bench.sh [BUILD_DIR] [DATA_DIR]
#   CLIPS=N (30: over 100 presentations of each attack type, about 80 min on
#   2 cores with JOBS=2; 6 take about 17), OFF_CLIPS=N (1: how many clips
#   also run with liveness off), DEPTH=0 (no depth-camera setting),
#   DEPTH_RANGE=M (40: the depth camera's range for a body's relief, which
#   covers this junction's 13-40 m), CLIP_SECONDS=S (22) and
#   CLIP_SECONDS_25=S (12) the clips' lengths at 10 and 25 frames/s, JOBS=N
#   (runs at once; 1: one run already keeps both cores busy), OUT=DIR (keep
#   the clips, events, logs and the full score report there; else a
#   temporary directory; clips already there are kept, a clip is its seed),
#   RESUME=1 (with OUT: runs that finished there are kept too, for a bench
#   stopped half way with the same build)
set -euo pipefail
build=$(realpath "${1:-build}")
data=$(realpath "${2:-../shared/data}")
src=$(pwd)
clips=${CLIPS:-30} off_clips=${OFF_CLIPS:-1} depth=${DEPTH:-1} depth_range=${DEPTH_RANGE:-40} seconds=${CLIP_SECONDS:-22} seconds25=${CLIP_SECONDS_25:-12} jobs=${JOBS:-1}
if [ -n "${OUT:-}" ]; then
  out=$(realpath -m "$OUT")
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
gen="$build/tests/attack_scenario" cw="$build/cli/crosswatch"
video="$data/vtest.avi" gt="$data/mot15/PETS09-S2L1/gt/gt.txt" site="$src/hwcfg/examples/vtest-site.ini"
started=$(date +%s)

finished() { # NAME: with RESUME=1, a run that finished in OUT is kept (same code: the caller's word)
  [ -n "${RESUME:-}" ] && grep -qs "frames in" "$out/$1/log"
}
config() { # NAME VIDEO SETTING MODE -> $out/NAME.ini, its evidence in $out/NAME/
  finished "$1" || { rm -rf "${out:?}/$1" && mkdir -p "$out/$1"; } # a run of its own, not added to an earlier one
  local signal="s#^offset_s = .*#offset_s = 18#" camera="s#^uri = .*#uri = file://$2#"
  [ "$3" = depth ] &&
    camera="s#^uri = .*#uri = file://$2\ndepth_uri = file://${2%.avi}-depth.mkv\ndepth_max_range_m = $depth_range#"
  [ "$3" = clean ] && signal="s#^offset_s#offset_s#"
  local unseen="s#^red_grace_s = \(.*\)#red_grace_s = \1\ncharge_unseen_entry = true#"
  [ "$3" = clean ] && unseen="s#^red_grace_s#red_grace_s#"
  sed -e "$camera" -e "/^\[mqtt\]/,\$d" -e "$signal" -e "$unseen" \
      -e "s#^db = .*#db = $out/$1/evidence.db\nkey = $out/$1/device.key#" "$site" > "$out/$1.ini"
  if [ "$3" = full_frame ]; then printf '[detector]\nfull_frame_every = 1\n' >> "$out/$1.ini"; fi
  if [ "$4" = off ]; then printf '[liveness]\nenabled = false\n' >> "$out/$1.ini"; fi
  return 0
}
make_clip() { # SEED FPS (a clip is its seed: one already in OUT is kept)
  local secs=$seconds name="$out/seed$1-$2fps" depth_out=()
  [ "$2" = 25 ] && secs=$seconds25
  [ "$depth" = 1 ] && depth_out=(--depth-out "$name-depth.mkv")
  if [ -s "$name.avi" ] && [ -s "$name.json" ] && { [ "$depth" != 1 ] || [ -s "$name-depth.mkv" ]; }; then
    echo "  seed $1 at $2 fps: kept"
    return
  fi
  "$gen" make --video "$video" --gt "$gt" --config "$site" --seed "$1" --fps "$2" --seconds "$secs" --vehicles 8 \
    --out "$name.avi" --truth "$name.json" "${depth_out[@]}" 2>&1 < /dev/null | sed 's/^/  /'
}
run() { # NAME: crosswatch on $out/NAME.ini
  finished "$1" && { echo "  [$1] kept"; return 0; }
  "$cw" run -c "$out/$1.ini" --events-out "$out/$1/events.jsonl" --detections-out "$out/$1/det.txt" \
    --tracks-out "$out/$1/tracks.txt" \
    2> "$out/$1/log" < /dev/null || { sed "s/^/  [$1] /" "$out/$1/log"; return 1; }
  grep -h "frames in" "$out/$1/log" | sed "s/^/  [$1] /"
}
export -f make_clip run finished
export gen video gt site seconds seconds25 out cw depth

echo "== 1. $clips clips, seeds 1001-$((1000 + clips)): $seconds s at 10 frames/s, every 5th $seconds25 s at 25"
names=() n25=0
for i in $(seq 1 "$clips"); do
  fps=10
  if [ $((i % 5)) = 0 ]; then fps=25 n25=$((n25 + 1)); fi
  names+=("seed$((1000 + i))-${fps}fps")
done
for name in "${names[@]}"; do
  seed=${name#seed} && echo "${seed%%-*} $(sed 's/.*-\([0-9]*\)fps/\1/' <<< "$name")"
done | xargs -P "$jobs" -n 2 bash -c 'make_clip "$@"' _
list="$out/clips.list"
: > "$list"
runs=() pairs=() i=0
for name in "${names[@]}"; do
  i=$((i + 1))
  settings=(shipped full_frame)
  [ "$depth" = 1 ] && settings+=(depth)
  for setting in "${settings[@]}"; do
    modes=(on) off=on
    if [ "$i" -le "$off_clips" ] && [ "$setting" != depth ]; then modes=(off on) off=off pairs+=("$name-$setting"); fi
    for mode in "${modes[@]}"; do
      config "$name-$setting-$mode" "$out/$name.avi" "$setting" "$mode"
      runs+=("$name-$setting-$mode")
    done
    echo "$setting $out/$name.json $out/$name-$setting-$off/events.jsonl $out/$name-$setting-on/events.jsonl" \
      "$out/$name-$setting-$off/det.txt" "$out/$name-$setting-$off/tracks.txt" "$out/$name-$setting-on/tracks.txt" \
      >> "$list"
  done
done
echo "== 2. crosswatch on every clip with liveness on: shipped settings, full frame$([ "$depth" = 1 ] && echo ", shipped with a depth camera");" \
  "the first $off_clips also with it off (${#runs[@]} runs)"
printf '%s\n' "${runs[@]}" | xargs -P "$jobs" -I{} bash -c 'run {}'
candidates() { # EVENTS.JSONL -> one line per candidate: frame, rule, box to the pixel (not the track id: its number may differ)
  sed -n 's/.*"frame":\([0-9]*\),.*"type":"\([a-z_]*\)","bbox":\[\([-0-9]*\)[.0-9]*,\([-0-9]*\)[.0-9]*,.*/\1 \2 \3 \4/p' "$1" | sort
}
changed=0
for pair in "${pairs[@]}"; do
  if ! diff <(candidates "$out/$pair-off/events.jsonl") <(candidates "$out/$pair-on/events.jsonl") > "$out/$pair.diff"; then
    changed=$((changed + 1))
    echo "  liveness changed the candidates of $pair (off < > on):" && sed 's/^/    /' "$out/$pair.diff"
  fi
done
echo "  liveness on left the candidates as they are with it off in $((${#pairs[@]} - changed)) of ${#pairs[@]} runs"
"$gen" score --footage-gt "$gt" --list "$list" --presentations > "$out/score.txt"
grep -v "^\[" "$out/score.txt" || true
echo "  (every accepted attack candidate with its checks, and every presentation: $out/score.txt)"

echo "== 3. the clean footage, example config as shipped"
for mode in off on; do
  config "clean-$mode" "$video" clean "$mode"
  run "clean-$mode"
done
echo '{"attacks":[]}' > "$out/none.json"
"$gen" score --setting clean --clip "$out/none.json" "$out/clean-off/events.jsonl" "$out/clean-on/events.jsonl" - \
  > "$out/clean.txt"
grep -E "^(BPCER|genuine|-- |  uncertain)" "$out/clean.txt" || true
diff <(candidates "$out/clean-off/events.jsonl") <(candidates "$out/clean-on/events.jsonl") > "$out/clean.diff" &&
  echo "  liveness on left the clean footage's candidates as they are with it off" ||
  { echo "  liveness changed the clean footage's candidates (off < > on):" && sed 's/^/    /' "$out/clean.diff"; }

echo "== 4. cost (same runs)"
cost() { # LABEL RUN-NAMES... (liveness on; fps off from the runs with an "-off" twin)
  local label=$1
  shift
  for name in "$@"; do
    local twin="$out/${name%-on}-off/log"
    [ -s "$twin" ] || twin=-
    printf '%s %s %s\n' "$out/$name/log" "$twin" "$out/$name/events.jsonl"
  done | awk -v label="$label" '
    {
      while ((getline line < $1) > 0) {
        if (line ~ /frames in/) {
          split(line, f, " "); frames += f[2]; secs += f[5]
          if ($2 != "-") { pairframes += f[2]; pairsecs += f[5] }
        }
        if (line ~ /liveness:/) { split(line, f, " "); n += f[3]; each += f[3] * f[5]; per += f[8] * f[13] }
      }
      close($1)
      if ($2 != "-") {
        while ((getline line < $2) > 0)
          if (line ~ /frames in/) { split(line, f, " "); offframes += f[2]; offsecs += f[5] }
        close($2)
      }
      while ((getline line < $3) > 0) candidates++
      close($3)
    }
    END {
      total = 1000 * secs / frames; lv = per / frames
      off = offframes ? sprintf("%.1f / %.1f (%.2fx)", pairframes / pairsecs, offframes / offsecs,
                                (pairframes / pairsecs) / (offframes / offsecs)) : "-"
      printf "| %s | %d | %d | %.1f | %.0f | %.2f | %.1f %% of %.1f ms | %.1f | %s |\n", label, candidates, n,
             n ? each / n : 0, candidates ? each / candidates : 0, lv, 100 * lv / total, total, frames / secs, off
    }'
}
{
  echo "| runs | candidates | assessments | ms each | ms per candidate | liveness ms/frame | share of pipeline time | fps | fps on / off, runs made both ways |"
  echo "|---|---|---|---|---|---|---|---|---|"
  cost "vtest.avi, example config" clean-on
  for setting in shipped full_frame $([ "$depth" = 1 ] && echo depth); do
    on=()
    for name in "${names[@]}"; do on+=("$name-$setting-on"); done
    cost "attack clips, $setting" "${on[@]}"
  done
} > "$out/cost.md"
cat "$out/cost.md"

echo "== 5. for bench/README.md"
echo
echo "$clips clips (seeds 1001-$((1000 + clips)); $((clips - n25)) of $seconds s at 10 frames/s, $n25 of $seconds25 s at 25)," \
  "$(date -u +%Y-%m-%d):"
"$gen" score --footage-gt "$gt" --list "$list" --markdown | grep -v "^\["
echo
grep -E "^BPCER" "$out/clean.txt" | sed 's/^/- clean footage, example config as shipped: /'
echo
cat "$out/cost.md"
echo
echo "bench took $((($(date +%s) - started) / 60)) min $((($(date +%s) - started) % 60)) s"
