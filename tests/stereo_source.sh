#!/usr/bin/env bash
# The depth check through the real pipeline: a stereo camera (stereo_right)
# whose right view is the sample footage shifted by a constant 40 pixels (a plane about 8.7 m away) —
# what a stereo camera sees when it films a flat screen showing vtest.avi.
# Every person is then coplanar with everything around them: every
# candidate must carry a depth check saying flat and be stored as
# rejected_flat. A stereo camera without its baseline is a config error
# naming the key.
set -u
cw=$1 src=$2 data=$3
video="$data/vtest.avi"
[ -r "$video" ] || { echo "FAIL: $video not readable"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# the right camera sees a point at disparity d at x - d: crop d columns on the left, pad d on the right
gst-launch-1.0 -q filesrc location="$video" ! decodebin ! videoconvert ! videobox left=40 right=-40 ! videoconvert ! \
  jpegenc quality=90 ! avimux ! filesink location="$tmp/right.avi" || fail "cannot make the right view"

sed -e "s#^uri = .*#uri = file://$(realpath "$video")\nstereo_right = file://$tmp/right.avi\nstereo_baseline_m = 0.3#" \
    -e "/^\[mqtt\]/,\$d" -e "s#^db = .*#db = $tmp/evidence.db\nkey = $tmp/device.key#" \
    "$src/hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"
"$cw" check-config -c "$tmp/site.ini" > /dev/null || fail "stereo config does not validate"

grep -v '^stereo_baseline_m' "$tmp/site.ini" > "$tmp/nobase.ini"
if "$cw" check-config -c "$tmp/nobase.ini" > "$tmp/nobase.log" 2>&1; then fail "missing baseline accepted"; fi
grep -q "stereo_baseline_m" "$tmp/nobase.log" || { cat "$tmp/nobase.log"; fail "error does not name stereo_baseline_m"; }

"$cw" run -c "$tmp/site.ini" --events-out "$tmp/events.jsonl" 2> "$tmp/run.log" || { cat "$tmp/run.log"; fail "run"; }
cat "$tmp/run.log"
total=$(grep -c . "$tmp/events.jsonl")
depth_flat=$(grep -c '"depth":{"verdict":"flat"' "$tmp/events.jsonl")
rejected=$(grep -c '"decision":"rejected_flat"' "$tmp/events.jsonl")
echo "$total candidates, $depth_flat with a flat depth check, $rejected rejected as flat"
[ "$total" -ge 10 ] || fail "only $total candidates"
[ "$depth_flat" -ge $((total * 9 / 10)) ] || fail "the depth check said flat for $depth_flat of $total"
[ "$rejected" -ge "$depth_flat" ] || fail "flat depth but not rejected"
echo "PASS: a flat world seen in stereo is rejected"
