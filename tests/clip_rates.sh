#!/usr/bin/env bash
# Evidence clips are two seconds either side of the decision in stream
# time, at the stream's own rate: the sample footage (10 fps) and the same
# footage re-timed to 25 and 30 fps (videorate) run through the real
# pipeline; each store's clips are read back: gst-discoverer-1.0 must find
# the stream's frame rate, and the demuxer exactly the frames from 2 s before
# to 2 s after the decision (fewer only where the stream begins or ends),
# spaced 1/fps apart. The detections file shows the detector at the rate
# the stream calls for: every frame at 10 fps, 1 frame in 3 at 25 and 30.
set -u
cw=$1 src=$2 data=$3
video="$data/vtest.avi"
[ -r "$video" ] || { echo "FAIL: $video not readable"; exit 1; }
for tool in gst-launch-1.0 gst-discoverer-1.0 sqlite3 bc; do
  command -v $tool > /dev/null || { echo "FAIL: $tool is not installed"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

full=0 # clips with the whole 4 s (a decision 2 s or more from either end)
for fps in 10 25 30; do
  # the first 20 s of the footage, at FPS frames a second
  gst-launch-1.0 -q filesrc location="$video" ! avidemux name=d d.video_0 ! queue ! identity eos-after=200 \
    ! decodebin ! videorate ! "video/x-raw,framerate=$fps/1" ! videoconvert ! jpegenc quality=90 \
    ! matroskamux ! filesink location="$tmp/$fps.mkv" || fail "re-timing the footage to $fps fps"
  mkdir -p "$tmp/$fps"
  frames=$((200 * fps / 10)) # what videorate made of 200 frames at 10 fps
  sed -e "s#^uri = .*#uri = file://$tmp/$fps.mkv#" -e '/^\[mqtt\]/,$d' \
      -e "s#^db = .*#db = $tmp/$fps/evidence.db\nkey = $tmp/$fps/device.key#" \
      "$src/hwcfg/examples/vtest-site.ini" > "$tmp/$fps.ini"
  "$cw" run -c "$tmp/$fps.ini" --detections-out "$tmp/$fps/dets.txt" 2> "$tmp/$fps/run.log" ||
    { tail "$tmp/$fps/run.log"; fail "run at $fps fps"; }
  # the detector runs at 8 Hz or more, not on every frame of a fast stream
  # ([detector] every_n_frames from the stream's rate): 1 frame in 1 at 10 fps, in 3 at 25 and 30
  every=$((fps / 8))
  off=$(cut -d, -f1 "$tmp/$fps/dets.txt" | sort -un | awk -v n=$every '($1 - 1) % n { bad++ } END { print bad + 0 }')
  seen=$(cut -d, -f1 "$tmp/$fps/dets.txt" | sort -un | wc -l)
  [ "$off" -eq 0 ] || fail "at $fps fps $off frame(s) were searched off the detector's 1 frame in $every"
  [ "$seen" -ge $((frames * 8 / 10 / every)) ] || fail "at $fps fps only $seen frames have detections, of $((frames / every)) searched"
  n=$(sqlite3 "$tmp/$fps/evidence.db" "SELECT COUNT(*) FROM media WHERE name = 'clip'")
  [ "$n" -ge 1 ] || fail "no clip at $fps fps"
  around=$((2 * fps))
  for i in $(seq 0 $((n - 1))); do
    clip="$tmp/$fps/clip$i.mkv"
    decided=$(sqlite3 "$tmp/$fps/evidence.db" "SELECT writefile('$clip', m.data), json_extract(p.json, '$.frame')
      FROM media m JOIN packets p ON p.id = m.packet_id WHERE m.name = 'clip' ORDER BY p.seq LIMIT 1 OFFSET $i" | cut -d'|' -f2)
    info=$(gst-discoverer-1.0 -v "$clip" 2>&1)
    echo "$info" | grep -q "Frame rate: $fps/1" || { echo "$info"; fail "a clip at $fps fps is not at $fps/1"; }
    # the frames and their times as the demuxer reads them (the clip is
    # muxed streamable, so its header carries no duration to read)
    pts=$(gst-launch-1.0 -v filesrc location="$clip" ! matroskademux ! fakesink silent=false 2>&1 |
      sed -n 's/.*chain .*pts: \([0-9]*\):\([0-9]*\):\([0-9.]*\).*/\1*3600+\2*60+\3/p' | bc -l)
    got=$(echo "$pts" | grep -c .)
    span=$(echo "$pts" | tail -1)
    # 2 s either side of the decision, cut by the stream's first and last frames
    first=$((decided - around < 1 ? 1 : decided - around))
    last=$((decided + around > frames ? frames : decided + around))
    ok=$(echo "$got == $last - $first + 1 && $span > ($got - 1) / $fps - 0.002 && $span < ($got - 1) / $fps + 0.002" | bc -l)
    printf '%2d fps: decision at frame %d, clip of %d frames over %.3f s (expected frames %d-%d)\n' "$fps" "$decided" \
      "$got" "$(echo "$got / $fps" | bc -l)" "$first" "$last"
    [ "$ok" = 1 ] || fail "a clip at $fps fps has $got frames spanning $span s, expected frames $first-$last"
    # every frame decodes as a picture of the clip's size (the frames are
    # JPEGs made one by one as the camera's frames came)
    decoded=$(gst-launch-1.0 -v filesrc location="$clip" ! matroskademux ! jpegdec ! video/x-raw,format=I420 \
      ! fakesink silent=false 2>&1) || { echo "$decoded" | tail -5; fail "a clip at $fps fps does not decode"; }
    [ "$(echo "$decoded" | grep -c 'chain ')" -eq "$got" ] || fail "a clip at $fps fps decodes to fewer than its $got frames"
    full=$(echo "$full + ($last - $first == 2 * $around)" | bc)
  done
  # the entry still: a frame the detector ran on, at or just before the
  # entry (or the decision frame, for an entry older than the ring)
  read -r bad ringed < <(sqlite3 "$tmp/$fps/evidence.db" "SELECT json_extract(json, '$.still_frames.overview_entry'),
      json_extract(json, '$.entry_frame'), json_extract(json, '$.frame') FROM packets" |
    awk -F'|' -v n="$every" '{ s = $1; e = $2; d = $3
      if (!(s == d || (s <= e && e - s < n && (s - 1) % n == 0))) bad++
      if (s != d) ringed++ } END { print bad + 0, ringed + 0 }')
  [ "$bad" -eq 0 ] || fail "at $fps fps $bad entry still(s) not from a frame the detector ran on at or just before the entry"
  [ "$ringed" -ge 1 ] || fail "at $fps fps no entry still came from the ring of recent frames"
  echo "$fps fps: $ringed entry still(s) from the ring, on the detector's frames"
done
[ "$full" -ge 3 ] || fail "only $full clip(s) had room for 2 s either side: the footage proves too little"
echo "PASS: clips are 2 s either side of the decision at 10, 25 and 30 fps ($full with the whole 4 s)"
