#!/usr/bin/env bash
# The plugin's elements are visible to gst-inspect-1.0 through GST_PLUGIN_PATH.
set -u
export GST_PLUGIN_PATH=$1 GST_REGISTRY=$(mktemp -u /tmp/cw-registry-XXXXXX.bin)
trap 'rm -f "$GST_REGISTRY"' EXIT
fail=0
for e in cwdetect cwtrack cwzones cwliveness cwevidence; do
  out=$(gst-inspect-1.0 "$e" 2>&1)
  echo "$out" | grep -q "config" || { echo "FAIL: $e not found or has no config property"; echo "$out" | head; fail=1; }
done
[ $fail -eq 0 ] && echo "gst-inspect: all five elements found"
exit $fail
