#!/usr/bin/env bash
# Recognition figures on the face images Debian ships (opencv-doc and
# opencv-data): frames of opencv-doc's Megamind.avi (one face, many
# frames), two pictures of one footballer, Lena, the Mona Lisa and the four
# people of the facial-landmark picture, each degraded to roadside sizes by
# recognition_bench. Then the face crops the overview camera actually
# yields on vtest.avi, from the demo's evidence store when one is given.
#
#   bash bench/recognition_bench.sh BUILD_DIR [EVIDENCE.db] [--backend sface --model ONNX]
set -euo pipefail
build=$1; shift
db=
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then db=$1; shift; fi
doc=/usr/share/doc/opencv-doc
html=$doc/opencv4/html data=$doc/examples/data
cascade=/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# one frame a second of Megamind (the cascade finds the face in most)
gst-launch-1.0 -q filesrc location="$data/Megamind.avi" ! decodebin ! videoconvert ! videorate ! \
  video/x-raw,framerate=2/1 ! pngenc ! multifilesink location="$tmp/megamind-%03d.png" > /dev/null
convert "$html/facereg.jpg" -crop 2x2@ +repage "$tmp/facereg-%d.png"
args=()
for f in "$tmp"/megamind-*.png; do args+=("megamind:$f"); done
for i in 0 1 2 3; do args+=("person$i:$tmp/facereg-$i.png"); done
args+=("footballer:$data/messi5.jpg" "footballer:$html/messi_face.jpg" "lena:$html/faceDetection.png"
       "monalisa:$html/julia_facedetect_sample.jpg")
"$build/bench/recognition_bench" "$@" "$cascade" "${args[@]}"
# clothes: the people of vtest.avi (PETS09-S2L1) by their ground-truth
# identity, one frame a second, at recognition/recog_link.c's threshold
gt=${CW_SHARED_DATA:-$(dirname "$0")/../../shared/data}/mot15/PETS09-S2L1/gt/gt.txt
video=${CW_SHARED_DATA:-$(dirname "$0")/../../shared/data}/vtest.avi
if [ -r "$gt" ] && [ -r "$video" ]; then
  mkdir -p "$tmp/vtest"
  gst-launch-1.0 -q filesrc location="$video" ! decodebin ! videoconvert ! videorate ! video/x-raw,framerate=1/1 ! \
    pngenc ! multifilesink location="$tmp/vtest/frame-%04d.png" > /dev/null
  echo "clothes (colour signatures of vtest.avi's people):"
  "$build/bench/clothes_bench" "$gt" "$tmp/vtest" 10 0.95
fi
if [ -n "$db" ]; then
  echo "face crops in $db (the overview camera's best face a case):"
  sqlite3 "$db" "SELECT writefile('$tmp/crop-' || rowid || '.jpg', data) FROM media WHERE name = 'face_best'" > /dev/null
  n=$(ls "$tmp"/crop-*.jpg 2> /dev/null | wc -l)
  if [ "$n" -eq 0 ]; then echo "  none: no case kept a face"; else
    identify -format "%w\n" "$tmp"/crop-*.jpg | sort -n | awk '{a[NR]=$1} END {printf "  %d crops, width min %d, median %d, max %d px\n", NR, a[1], a[int((NR+1)/2)], a[NR]}'
    echo "  of $(sqlite3 "$db" "SELECT COUNT(*) FROM packets") cases"
  fi
fi
