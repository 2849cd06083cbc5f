#!/usr/bin/env bash
# The depth check through the real pipeline, with each depth source:
#  - a stereo camera (stereo_right) whose right view is the sample footage
#    shifted by a constant 40 pixels: what a stereo camera sees when it films
#    a flat screen showing vtest.avi (a plane about 8.7 m away);
#  - a depth camera (depth_uri, 16-bit millimetres, lossless FFV1 in
#    Matroska) that sees the same flat screen: one depth everywhere.
# Every person is then coplanar with everything around them: every
# candidate must carry a depth check saying flat and be stored as
# rejected_flat. A stereo camera without its baseline, or both sources at
# once, is a config error naming the key; a depth source that cannot be
# opened is a warning naming it, and enforcement goes on without it.
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
# a flat screen seen by a depth camera: the same depth (about 8 m) in every pixel of all 795 frames
gst-launch-1.0 -q videotestsrc pattern=solid-color foreground-color=0xff121212 num-buffers=795 ! \
  video/x-raw,width=768,height=576,framerate=10/1 ! videoconvert ! video/x-raw,format=GRAY16_LE ! avenc_ffv1 ! \
  matroskamux ! filesink location="$tmp/depth.mkv" || fail "cannot make the depth stream"

site() { # NAME CAMERA-LINES -> $tmp/NAME.ini
  sed -e "s#^uri = .*#uri = file://$(realpath "$video")\n$2#" -e "/^\[mqtt\]/,\$d" \
      -e "s#^db = .*#db = $tmp/$1.db\nkey = $tmp/device.key#" "$src/hwcfg/examples/vtest-site.ini" > "$tmp/$1.ini"
}
site stereo "stereo_right = file://$tmp/right.avi\nstereo_baseline_m = 0.3"
site depth "depth_uri = file://$tmp/depth.mkv"
site nobase "stereo_right = file://$tmp/right.avi"
site both "stereo_right = file://$tmp/right.avi\nstereo_baseline_m = 0.3\ndepth_uri = file://$tmp/depth.mkv"
for bad in nobase:stereo_baseline_m both:depth_uri; do
  name=${bad%%:*} key=${bad#*:}
  if "$cw" check-config -c "$tmp/$name.ini" > "$tmp/$name.log" 2>&1; then fail "$name config accepted"; fi
  grep -q "$key" "$tmp/$name.log" || { cat "$tmp/$name.log"; fail "$name: error does not name $key"; }
done

for name in stereo depth; do
  "$cw" check-config -c "$tmp/$name.ini" > /dev/null || fail "$name config does not validate"
  "$cw" run -c "$tmp/$name.ini" --events-out "$tmp/$name.jsonl" 2> "$tmp/$name.log" || { cat "$tmp/$name.log"; fail "run"; }
  cat "$tmp/$name.log"
  total=$(grep -c . "$tmp/$name.jsonl")
  depth_flat=$(grep -c '"depth":{"verdict":"flat"' "$tmp/$name.jsonl")
  rejected=$(grep -c '"decision":"rejected_flat"' "$tmp/$name.jsonl")
  echo "$name: $total candidates, $depth_flat with a flat depth check, $rejected rejected as flat"
  [ "$total" -ge 10 ] || fail "$name: only $total candidates"
  [ "$depth_flat" -ge $((total * 9 / 10)) ] || fail "$name: the depth check said flat for $depth_flat of $total"
  [ "$rejected" -ge "$depth_flat" ] || fail "$name: flat depth but not rejected"
done
# a depth source that cannot be opened: a warning naming the key, enforcement goes on without the depth check
site missing "stereo_right = file://$tmp/no-such-right.avi\nstereo_baseline_m = 0.3"
"$cw" run -c "$tmp/missing.ini" --events-out "$tmp/missing.jsonl" 2> "$tmp/missing.log" || { cat "$tmp/missing.log"; fail "run without its right camera"; }
grep -q "stereo_right: cannot open" "$tmp/missing.log" || { cat "$tmp/missing.log"; fail "no warning naming stereo_right"; }
[ "$(grep -c . "$tmp/missing.jsonl")" -ge 10 ] || fail "no candidates without the right camera"
if grep -q '"depth":' "$tmp/missing.jsonl"; then fail "a depth check ran without its camera"; fi
echo "PASS: a flat world seen in stereo or in depth is rejected; a missing depth source only turns the check off"
