#!/usr/bin/env bash
# A face camera beside the overview camera, on real video through
# `crosswatch run`: the first 30 s of vtest.avi are the overview; a zoomed
# view of its left kerb (a crop scaled 3.2 times, the overview's calibration
# carried over) is the face camera. The cases whose accused walked through
# the zoomed view take their face_best from the face camera, matched by
# ground position and time (face_source in the signed record), and the store
# verifies. (The footage's faces are ~10 px: zoomed, the cascade's "faces"
# are blurs; this checks the linking, not face quality.)
set -u
cw=$1 data=$2
video="$data/vtest.avi"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ -r "$video" ] || fail "no test video $video"
gst-launch-1.0 -q filesrc location="$video" ! avidemux name=d d.video_0 ! queue ! identity eos-after=300 \
  ! matroskamux ! filesink location="$tmp/overview.mkv" || fail "cutting the footage"
# the face camera sees overview pixels x 200-440, y 150-330, 3.2 times larger
gst-launch-1.0 -q filesrc location="$tmp/overview.mkv" ! decodebin ! videoconvert ! \
  videocrop left=200 top=150 right=328 bottom=246 ! videoscale ! video/x-raw,width=768,height=576 ! \
  jpegenc quality=90 ! matroskamux ! filesink location="$tmp/kerb.mkv" || fail "making the face camera's video"
h="0.0534514;-0.604125;88.5766;-0.139304;-0.399811;120.418;0.00091748;0.0196253;1"
# its calibration: the overview's after the crop and scale (pixel / 3.2 + (200, 150))
hk=$(awk -v h="$h" 'BEGIN { split (h, m, ";"); k = 1 / 3.2;
  a[1] = m[1] * k; a[2] = m[2] * k; a[3] = m[1] * 200 + m[2] * 150 + m[3];
  a[4] = m[4] * k; a[5] = m[5] * k; a[6] = m[4] * 200 + m[5] * 150 + m[6];
  a[7] = m[7] * k; a[8] = m[8] * k; a[9] = m[7] * 200 + m[8] * 150 + m[9];
  printf "%.9g", a[1] / a[9]; for (i = 2; i <= 9; i++) printf ";%.9g", a[i] / a[9] }')
sed -e "s#^uri = .*#uri = file://$tmp/overview.mkv#" -e "s#^db = .*#db = $tmp/evidence.db\nkey = $tmp/device.key#" \
    -e "s#^\[signal\]#[camera:kerb]\nrole = face\nuri = file://$tmp/kerb.mkv\nground_homography = $hk\n\n[signal]#" \
    "$(dirname "$0")/../hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"
"$cw" check-config -c "$tmp/site.ini" > "$tmp/check.out" 2>&1 || { cat "$tmp/check.out"; fail "check-config"; }
grep -q "camera kerb: .*face camera" "$tmp/check.out" || { cat "$tmp/check.out"; fail "check-config does not say kerb is a face camera"; }
"$cw" run -c "$tmp/site.ini" --camera kerb > "$tmp/alone.out" 2>&1 && fail "a face camera ran alone"
grep -q "camera 'kerb' is a face camera" "$tmp/alone.out" || { cat "$tmp/alone.out"; fail "no word why a face camera cannot run alone"; }
"$cw" run -c "$tmp/site.ini" > "$tmp/run.out" 2> "$tmp/run.log" || { tail -5 "$tmp/run.log"; fail "run"; }
grep -q "\[camera:kerb\] face camera: [1-9][0-9]* frames, [1-9][0-9]* faces placed" "$tmp/run.log" ||
  { tail -8 "$tmp/run.log"; fail "the run does not say what the face camera did"; }
sqlite3 "$tmp/evidence.db" "SELECT json FROM packets" > "$tmp/packets.jsonl"
sqlite3 "$tmp/evidence.db" "SELECT packet_id || ' ' || length(data) FROM media WHERE name = 'face_best'" > "$tmp/faces.txt"
python3 - "$tmp/packets.jsonl" <<'PY' || fail "face_source"
import json, sys
packets = [json.loads(l) for l in open(sys.argv[1])]
zoomed = [p for p in packets if p.get("face_source")]
if not packets or not zoomed:
    sys.exit("FAIL: %d packets, none with a face from the face camera" % len(packets))
for p in zoomed:
    s = p["face_source"]
    if s["camera"] != "kerb" or abs(s["dt_s"]) > 1.0 or s["distance_m"] > 1.5:
        sys.exit("FAIL: packet %s: face_source %s out of bounds" % (p["packet_id"], s))
    if "face_best" not in [m["name"] for m in p["media"]]:
        sys.exit("FAIL: packet %s names a face source but has no face_best" % p["packet_id"])
print("%d of %d cases took their face from the face camera: %s" % (len(zoomed), len(packets),
      ", ".join("%.2f s, %.2f m" % (p["face_source"]["dt_s"], p["face_source"]["distance_m"]) for p in zoomed)))
PY
"$cw" verify -c "$tmp/site.ini" | tail -1 | grep -q " 0 failure(s)" || fail "verify"
echo "face camera: faces linked to the overview's cases by ground and time; the store verifies"
