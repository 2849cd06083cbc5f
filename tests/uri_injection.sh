#!/usr/bin/env bash
# A camera URI from the site config is a property value, never launch-line
# text. Each hostile config below once ran extra GStreamer elements (a quote
# ended the uri="..." of the launch line) that copied /etc/hostname into a
# file; now the file must never appear:
#  - uri with a quote and a filesrc ! filesink tail: the run fails, naming the
#    source it could not open;
#  - the same in stereo_right and depth_uri (decoded by cwliveness): a warning
#    naming the key, enforcement goes on without the depth check;
#  - the same on an rtsp:// camera and a v4l2:// device: the camera is
#    reported lost, naming why, and retried (a live camera comes back by
#    itself); nothing of the tail runs.
# A URI holding a control character (the key file's \n escape, a raw ESC) is a
# config error naming the key, and the value is not echoed.
set -u
cw=$1 src=$2 data=$3
. "$src/tests/broker.sh" # wait_until
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# a short clip: the attack does not need the whole sample video
gst-launch-1.0 -q videotestsrc num-buffers=20 ! video/x-raw,width=768,height=576,framerate=10/1 ! jpegenc ! \
  avimux ! filesink location="$tmp/clip.avi" || fail "cannot make the clip"
clip="file://$tmp/clip.avi"
# what the attacker appends to a URI: end the quoted value, add a chain that
# copies a file, and reopen a quoted value so the rest of the old launch line
# still parsed
tail_to() { printf '" filesrc location=/etc/hostname ! filesink location=%s uridecodebin uri="%s' "$1" "$clip"; }

site() { # NAME CAMERA-LINES -> $tmp/NAME.ini (CAMERA-LINES replace the uri line)
  awk -v lines="$2" '/^uri = /{print lines; next} /^\[mqtt\]/{exit} {print}' "$src/hwcfg/examples/vtest-site.ini" |
    sed -e "s#^db = .*#db = $tmp/$1.db\nkey = $tmp/device.key#" > "$tmp/$1.ini"
}
pwned() { [ -e "$tmp/pwned-$1" ]; }

# the camera's own URI
site main "uri = $clip$(tail_to "$tmp/pwned-main")"
"$cw" check-config -c "$tmp/main.ini" > "$tmp/main.check" 2>&1 # a quote is the source's business, not the parser's
if "$cw" run -c "$tmp/main.ini" > "$tmp/main.log" 2>&1; then cat "$tmp/main.log"; fail "run with a hostile uri succeeded"; fi
cat "$tmp/main.log"
pwned main && fail "a hostile uri ran its own elements: $tmp/pwned-main was written"
grep -qi "not found\|could not open\|cannot open\|invalid" "$tmp/main.log" || fail "no error saying the source cannot be opened"

# a network camera: the URI reaches uridecodebin as it is, and only fails to connect
site rtsp "uri = rtsp://127.0.0.1:9/cam$(tail_to "$tmp/pwned-rtsp")"
# A live camera that cannot be opened is retried, not the end of the run:
# NAME is run until it has said twice that its camera is lost, then stopped.
live_camera_lost() { # NAME
  "$cw" run -c "$tmp/$1.ini" > "$tmp/$1.log" 2>&1 &
  local pid=$!
  lost_twice() { [ "$(grep -c '\[camera:main\] lost: ' "$tmp/$1.log")" -ge 2 ]; }
  wait_until 60 lost_twice "$1" ||
    { kill -9 $pid; cat "$tmp/$1.log"; fail "$1: the camera was not reported lost, and retried"; }
  kill -TERM $pid
  wait $pid || { cat "$tmp/$1.log"; fail "$1: the run did not stop cleanly"; }
  grep -q "rebuilding in 2 s" "$tmp/$1.log" || { cat "$tmp/$1.log"; fail "$1: no backoff"; }
}
live_camera_lost rtsp
pwned rtsp && fail "a hostile rtsp:// uri ran its own elements"

# the stereo pair's right camera and a depth camera, decoded by cwliveness
site stereo "uri = $clip\nstereo_right = $clip$(tail_to "$tmp/pwned-stereo")\nstereo_baseline_m = 0.3"
site depth "uri = $clip\ndepth_uri = $clip$(tail_to "$tmp/pwned-depth")"
for name in stereo depth; do
  key=$([ $name = stereo ] && echo stereo_right || echo depth_uri)
  "$cw" run -c "$tmp/$name.ini" > "$tmp/$name.log" 2>&1 || { cat "$tmp/$name.log"; fail "$name: the run stopped"; }
  pwned $name && fail "a hostile $key ran its own elements"
  grep -q "$key: cannot open" "$tmp/$name.log" || { cat "$tmp/$name.log"; fail "$name: no warning naming $key"; }
done

# a v4l2 device
site v4l2 "uri = v4l2:///dev/no-such-video\" ! filesink location=$tmp/pwned-v4l2 sync=false"
live_camera_lost v4l2
grep -qi "not exist\|cannot open\|could not open\|cannot identify device" "$tmp/v4l2.log" || { cat "$tmp/v4l2.log"; fail "v4l2: no reason given"; }
pwned v4l2 && fail "a hostile v4l2:// uri ran its own elements"

# control characters: a config error naming the key, the value not echoed
site newline 'uri = file:///x.avi\\n! filesink location=/tmp/y'
site escape "uri = file:///x$(printf '\033')]0;owned$(printf '\007').avi"
site depthnl "uri = $clip\ndepth_uri = file:///d\\\\t.mkv"
for bad in newline:uri escape:uri depthnl:depth_uri; do
  name=${bad%%:*} key=${bad#*:}
  "$cw" check-config -c "$tmp/$name.ini" > "$tmp/$name.log" 2>&1
  rc=$?
  [ $rc -eq 2 ] || { cat "$tmp/$name.log"; fail "$name: check-config exit $rc, expected 2"; }
  grep -q "\[camera:main\] $key: contains a control character" "$tmp/$name.log" ||
    { cat "$tmp/$name.log"; fail "$name: the error does not name $key"; }
  grep -q "owned" "$tmp/$name.log" && fail "$name: the hostile value was echoed"
  if "$cw" run -c "$tmp/$name.ini" > /dev/null 2>&1; then fail "$name: run accepted the config"; fi
done
# a run that must fail fails for its reason, not a crash or a leak (in a
# sanitizer build the exit status alone would not tell)
if grep -il "segmentation\|aborted\|core dumped\|Sanitizer\|runtime error:" "$tmp"/*.log; then
  cat "$tmp"/*.log; fail "crashed, or a sanitizer report"
fi
echo "PASS: hostile camera URIs add no elements; control characters are config errors naming the key"
