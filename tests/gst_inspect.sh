#!/usr/bin/env bash
# The plugin's elements are visible to gst-inspect-1.0 through GST_PLUGIN_PATH,
# with a real licence and origin, and descriptions that name the metadata
# they read and write and the crosswatch-event message.
set -u
export GST_PLUGIN_PATH=$1 GST_REGISTRY=$(mktemp -u /tmp/cw-registry-XXXXXX.bin)
trap 'rm -f "$GST_REGISTRY"' EXIT
fail=0
expect() { # element, pattern, what
  echo "$out" | grep -Eq "$2" || { echo "FAIL: $1: $3"; echo "$out" | head -20; fail=1; }
}
for e in cwdetect cwtrack cwzones cwliveness cwevidence cwoverlay; do
  out=$(gst-inspect-1.0 "$e" 2>&1)
  expect "$e" "config" "not found or has no config property"
  expect "$e" "License +LGPL" "licence is not LGPL"
  expect "$e" "Origin URL +[a-z]+://" "no origin URL"
  echo "$out" | grep -q "example.org" && { echo "FAIL: $e still names example.org"; fail=1; }
done
out=$(gst-inspect-1.0 cwdetect 2>&1); expect cwdetect "Description.*RegionOfInterestMeta.*CwFrameMeta" "metas not named"
expect cwdetect "every-n-frames" "no [detector] every_n_frames property"
echo "$out" | grep -A3 "^  every-n-frames" | grep -q "Integer. Range: 0 - 100 Default: 0" || { echo "FAIL: every-n-frames is not an integer 0-100 (0: from the stream's rate) defaulting to 0"; fail=1; }
echo "$out" | grep -A3 "^  motion-gating" | grep -q "Boolean. Default: true" || { echo "FAIL: motion-gating is not a boolean"; fail=1; }
out=$(gst-inspect-1.0 cwzones 2>&1)
echo "$out" | grep -A3 "^  min-depth-m" | grep -q "Double. Range: .*Default: *0.5" || { echo "FAIL: cwzones min-depth-m is not a number defaulting to 0.5"; fail=1; }
out=$(gst-inspect-1.0 cwtrack 2>&1); expect cwtrack "Description.*track-id" "track id not named"
out=$(gst-inspect-1.0 cwzones 2>&1); expect cwzones "Description.*crosswatch-person.*candidate" "candidate field not named"
out=$(gst-inspect-1.0 cwliveness 2>&1); expect cwliveness "Description.*verdict" "verdict not named"
out=$(gst-inspect-1.0 cwevidence 2>&1); expect cwevidence "Description.*crosswatch-event" "crosswatch-event message not named"
# the site file is optional for every element: what it would give is a property
for e in cwzones cwliveness cwevidence cwoverlay; do
  out=$(gst-inspect-1.0 "$e" 2>&1)
  expect "$e" "^  camera-ground-homography" "no camera-ground-homography property"
  echo "$out" | grep -q "^  camera-uri" && { echo "FAIL: $e has camera-uri: elements never open the camera"; fail=1; }
done
for e in cwzones cwevidence cwoverlay; do
  out=$(gst-inspect-1.0 "$e" 2>&1); expect "$e" "^  zones +: The camera.s zones" "no zones property"
done
out=$(gst-inspect-1.0 cwevidence 2>&1); expect cwevidence "^  site-id" "no site-id property"
[ $fail -eq 0 ] && echo "gst-inspect: all six elements found, licence, origin and metadata named"
exit $fail
