#!/usr/bin/env bash
# check-config: a good file passes; each bad one exits 2 naming file, line, group and key.
# With a third argument, only that case runs (CMake makes each case its own
# test from the names given to `expect` and `case_on` below).
set -u
cw=$1 configs=$2 only=${3:-}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0

# check-config opens each camera as the run would: a real (tiny) 1280x720 video
video=$tmp/camera.mkv
gst-launch-1.0 -q videotestsrc num-buffers=2 ! video/x-raw,width=1280,height=720,framerate=10/1 ! jpegenc ! \
  matroskamux ! filesink location="$video" || { echo "FAIL: cannot make the test video"; exit 1; }
sed "s#file:///dev/null#file://$video#" "$configs/rules.ini" > "$tmp/rules.ini"
case_on() { [ -z "$only" ] || { [ "$only" = "$1" ] && touch "$tmp/ran"; }; }
if case_on good_site; then
"$cw" check-config -c "$tmp/rules.ini" > "$tmp/out" 2>&1 || { echo "FAIL: rules.ini rejected"; cat "$tmp/out"; fail=1; }
fi

# (called at the end of a pipeline, so in a subshell: a failure is marked
# in a file, which the end of the script reads)
expect() { # NAME EXPECTED-SUBSTRING (the config comes on stdin)
  if ! case_on "$1"; then cat > /dev/null; return 0; fi
  cat > "$tmp/$1.ini"
  "$cw" check-config -c "$tmp/$1.ini" > "$tmp/$1.out" 2>&1
  local rc=$?
  if [ $rc -ne 2 ]; then echo "FAIL: $1: exit $rc, expected 2"; touch "$tmp/failed"; fi
  if ! grep -qF -- "$tmp/$1.ini:$2" "$tmp/$1.out"; then echo "FAIL: $1: no «$2» in:"; cat "$tmp/$1.out"; touch "$tmp/failed"; fi
  if grep -q "Segmentation\|Aborted\|core dumped" "$tmp/$1.out"; then echo "FAIL: $1 crashed"; touch "$tmp/failed"; fi
}

base="[site]
id = s
[camera:main]
uri = file://$video
[signal]
source = none"

# a display's file is checked as one
printf '%064d\n' 7 > "$tmp/device.pub"
printf '[display]\nid = east\nsite = s\ncase_url_base = http://127.0.0.1:8080/case/\ntrusted_keys = %s\n' "$tmp/device.pub" > "$tmp/display.ini"
if case_on good_display; then
"$cw" check-config -c "$tmp/display.ini" > "$tmp/out" 2>&1 && grep -q "ok — display east of site s" "$tmp/out" ||
  { echo "FAIL: a good display file rejected"; cat "$tmp/out"; fail=1; }
fi
printf '[display]\nid = a+b\nsite = s\ncase_url_base = http://x/\ntrusted_keys = %s\n' "$tmp/device.pub" |
  expect display_wildcard_id "2: [display] id: 'a+b' is not 1 to 64 letters, digits"
printf '[display]\nid = e\nsite = s\ncase_url_base = http://x/\n' | expect display_no_key "1: [display] trusted_keys: missing"
printf '[display]\nid = e\nsite = s\ncase_url_base = http://x/\ntrusted_keys = %s\nlocale = klingon\n' "$tmp/device.pub" |
  expect display_locale "6: [display] locale: 'klingon' is none of en, de, zh_CN"
printf '[display]\nid = e\nsite = s\ncase_url_base = http://x/\ntrusted_keys = %s\ntimezone = Mars/Olympus\n' "$tmp/device.pub" |
  expect display_timezone "6: [display] timezone: 'Mars/Olympus' is no time zone"
printf '[display]\nid = e\nsite = s\ntrusted_keys = %s\nsink = fakesink ! filesink location=/etc/x\n' "$tmp/device.pub" |
  expect display_sink "5: [display] sink: 'fakesink ! filesink location=/etc/x' is not none, auto or the name of a GStreamer video sink"
if case_on display_fakesink; then
printf '[display]\nid = e\nsite = s\ntrusted_keys = %s\nsink = fakesink\n' "$tmp/device.pub" > "$tmp/fakesink.ini"
"$cw" check-config -c "$tmp/fakesink.ini" > "$tmp/out" 2>&1 && { echo "FAIL: a sink that shows nothing accepted"; fail=1; }
grep -q "'fakesink' is a 'Sink' element, not a video sink" "$tmp/out" || { echo "FAIL: fakesink not named"; cat "$tmp/out"; fail=1; }
fi
printf '[display]\nid = ea\tst\nsite = s\ntrusted_keys = %s\n' "$tmp/device.pub" |
  expect display_tab_id "2: [display] id: 'ea"
printf '[display]\nid = e\nsite = s\ntrusted_keys = %s\nprofile = lax\n' "$tmp/device.pub" |
  expect display_profile "5: [display] profile: unknown profile 'lax' (default, eu, uk, us, cn"
printf '[display]\nid = e\nsite = s\ntrusted_keys = %s\nrotation_s = 0\n' "$tmp/device.pub" |
  expect display_rotation "5: [display] rotation_s"
printf '[display]\nid = e\nsite = s\ntrusted_keys = %s\ncase_url_base = javascript:alert(1)//\n' "$tmp/device.pub" |
  expect display_case_url "5: [display] case_url_base: 'javascript:alert(1)//' is not an http:// or https:// address"
printf '%s\n[zone:road]\nkind = carriageway\npolygon = 0,0;10,x;5,5\n' "$base" | expect bad_coordinate "9: [zone:road] polygon: point 2"
printf '%s\n[zone:road]\nkind = carriageway\npolygon = 0,0;10,0\n' "$base" | expect two_points "9: [zone:road] polygon: has 2 points"
printf '%s\n[zone:road]\nkind = lake\npolygon = 0,0;10,0;5,5\n' "$base" | expect unknown_kind "8: [zone:road] kind: unknown zone kind 'lake'"
printf '[site]\nid = s\n[camera:main]\nuri = file:///dev/null\n' | expect no_signal " [signal]: missing group"
# ids become MQTT topic levels: no wildcard, no separator
printf '[site]\nid = a#b\n[camera:main]\nuri = file:///dev/null\n[signal]\nsource = none\n' |
  expect site_id_wildcard "2: [site] id: 'a#b' must be 1 to 64 letters"
printf '[site]\nid = a/b\n[camera:main]\nuri = file:///dev/null\n[signal]\nsource = none\n' |
  expect site_id_slash "2: [site] id: 'a/b' must be 1 to 64 letters"
printf '[display]\nid = a/b\nsite = s\ncase_url_base = http://x/\ntrusted_keys = %s\n' "$tmp/device.pub" |
  expect display_slash_id "2: [display] id: 'a/b' is not 1 to 64 letters, digits"
printf '[display]\nid = e\nsite = s#\ncase_url_base = http://x/\ntrusted_keys = %s\n' "$tmp/device.pub" |
  expect display_wildcard_site "3: [display] site: 's#' is not 1 to 64 letters, digits"
# a camera's name is a label in events, status and metrics: plain words only
printf '[site]\nid = s\n[camera:q"u\\o\377 x]\nuri = file:///dev/null\n[signal]\nsource = none\n' |
  expect camera_name "3: [camera:q\\\"u\\\\o\\357\\277\\275 x]: a camera name must be 1 to 64 letters"
# what GLib's parser passes over: a group or key given twice (one value
# would silently win), a line that is not UTF-8 (its value would be dropped)
printf '%s\n[site]\nid = t\n' "$base" | expect group_twice "7: [site]: group given twice (first on line 1)"
printf '[site]\nid = s\nid = t\n[camera:main]\nuri = file:///dev/null\n[signal]\nsource = none\n' |
  expect key_twice "3: [site] id: given twice in the group (first on line 2): the last would win"
printf '%s\n[evidence]\ndevice_id = caf\351\n' "$base" | expect not_utf8 "8: [evidence] device_id: the line is not UTF-8"
# recognition: refused by the profile, on only with a legal basis, a model that does not load named
printf '%s\n[recognition]\nenabled = false\n' "${base/id = s/id = s
profile = eu}" | expect recognition_under_eu "8: [recognition]: refused under profile 'eu'"
printf '%s\n[recognition]\nenabled = true\n' "$base" | expect recognition_no_legal_basis "7: [recognition] legal_basis: missing"
printf 'not an onnx model\n' > "$tmp/junk.onnx"
printf '%s\n[recognition]\nenabled = true\nlegal_basis = City ordinance 12-7 (repeat offenders)\nbackend = sface\nrecognizer_model = %s\n' \
  "$base" "$tmp/junk.onnx" | expect recognition_bad_model "11: [recognition] recognizer_model: '$tmp/junk.onnx' does not load as a face recognition model"
# zones: no area, drawn off the road, too many points (refused at once)
printf '%s\n[zone:road]\nkind = carriageway\npolygon = 0,0;10,10;20,20\n' "$base" |
  expect zero_area "9: [zone:road] polygon: encloses no area"
printf '%s\n[zone:road]\nkind = carriageway\npolygon = 0,0;100,0;100,100;0,100\n[zone:cw]\nkind = crosswalk\npolygon = 200,0;300,0;300,50;200,50\n' "$base" |
  expect crosswalk_off_road "12: [zone:cw] polygon: the crosswalk overlaps none of camera main's carriageway zones"
if case_on huge_polygon; then
{ printf '%s\n[zone:road]\nkind = carriageway\npolygon = ' "$base"; seq 1000000 | awk '{ printf "%d,%d;", $1 % 700, $1 % 500 }'; echo; } > "$tmp/huge.txt"
t0=$(date +%s%N)
expect huge_polygon "9: [zone:road] polygon: has 1000000 points or more, at most 256 are taken" < "$tmp/huge.txt"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 10000 ] || { echo "FAIL: a 1,000,000-point polygon took $ms ms"; fail=1; }
fi
# a ground fit that misses its pairs by metres: one pair is wrong
printf '%s\nground_points = 0,0>0,0;100,0>10,0;100,100>10,10;0,100>0,10;50,50>15,5\n[signal]\nsource = none\n' \
  "$(printf '%s\n' "$base" | sed -n '1,4p')" | expect fit_rms "5: [camera:main] ground_points: the fit misses its pairs by"
# the sources: a file that is not there, a zone point off the picture
printf '[site]\nid = s\n[camera:main]\nuri = file://%s/gone.avi\n[signal]\nsource = none\n' "$tmp" |
  expect missing_video "4: [camera:main] uri: cannot open file://$tmp/gone.avi: No such file or directory"
printf '%s\n[zone:road]\nkind = carriageway\npolygon = 0,0;100,0;3300,3000\n' "$base" |
  expect off_picture "9: [zone:road] polygon: point 3 (3300,3000) is off camera main's 1280x720 picture"
# the size the installer states: checked against the camera's, and used for
# the zones when the camera is off (an rtsp:// stream that does not answer)
printf '[site]\nid = s\n[camera:main]\nuri = file://%s\nwidth = 768\nheight = 576\n[signal]\nsource = none\n' "$video" |
  expect stated_size "5: [camera:main] width: the camera gives 1280x720 pictures, not 768x576"
printf '[site]\nid = s\n[camera:main]\nuri = rtsp://127.0.0.1:1/off\nwidth = 640\nheight = 480\n[signal]\nsource = none\n[zone:road]\nkind = carriageway\npolygon = 0,0;100,0;700,10\n' |
  expect stated_size_off_camera "11: [zone:road] polygon: point 3 (700,10) is off camera main's 640x480 picture"
printf '[site]\nid = s\n[camera:main]\nuri = file://%s\nwidth = 768\n[signal]\nsource = none\n' "$video" |
  expect width_without_height "3: [camera:main] height: give width and height together"
# --display says which kind of file it is
if case_on display_flag; then
"$cw" check-config --display -c "$tmp/display.ini" > "$tmp/out" 2>&1 && grep -q "ok — display east of site s" "$tmp/out" ||
  { echo "FAIL: --display: a good display file rejected"; cat "$tmp/out"; fail=1; }
"$cw" check-config --display -c "$tmp/rules.ini" > "$tmp/out" 2>&1 && { echo "FAIL: --display took a site file"; fail=1; }
grep -q "\[display\]: missing group" "$tmp/out" || { echo "FAIL: --display on a site file: no missing [display]"; cat "$tmp/out"; fail=1; }
fi
# a calibration with its horizon across the picture's bottom (4 made-up pairs)
printf '[site]\nid = s\n[camera:main]\nuri = file://%s\nground_homography = 2.15054981;-0.645164942;-516.131953;1.87233182;-4.3063632;674.039457;0.147946313;-0.102097348;1\n[signal]\nsource = none\n' "$video" |
  expect horizon_in_picture "5: [camera:main] ground_homography: the picture's bottom (pixel 0,719) is beyond the horizon"
printf '[site]\nid = s\n[camera:main]\nuri = file://%s\nground_homography = 0.0534514;-0.604125;88.5766;-0.139304;-0.399811;120.418;0.00091748;0.0196253;1\n[signal]\nsource = none\n[zone:road]\nkind = carriageway\npolygon = 300,-200;480,-200;480,100;300,100\n' "$video" |
  expect zone_beyond_horizon "10: [zone:road] polygon: point 1 (300,-200) maps behind the camera or beyond the horizon"
# a homography is defined up to scale (its sign says which side of the
# horizon is in front); one of infinite size is none
printf '[site]\nid = s\n[camera:main]\nuri = file://%s\nground_homography = 1e300;0;0;0;1e300;0;0;0;1\n[signal]\nsource = none\n' "$video" |
  expect homography_overflow "5: [camera:main] ground_homography: is not a homography"
if case_on homography_scale; then
  for h in "534.514;-6041.25;885766;-1393.04;-3998.11;1204180;9.1748;196.253;10000" \
           "0.00000534514;-0.0000604125;0.00885766;-0.0000139304;-0.0000399811;0.0120418;0.000000091748;0.00000196253;0.0001"; do
    printf '[site]\nid = s\n[camera:main]\nuri = file://%s\nground_homography = %s\n[signal]\nsource = none\n[zone:road]\nkind = carriageway\npolygon = 300,200;480,180;700,150;768,240;768,480;560,400;330,300\n' "$video" "$h" > "$tmp/scaled.ini"
    "$cw" check-config -c "$tmp/scaled.ini" > "$tmp/out" 2>&1 || { echo "FAIL: a scaled homography ($h) refused"; cat "$tmp/out"; fail=1; }
  done
fi
# paths of the wrong kind
printf '%s\n[evidence]\ndb = %s\n' "$base" "$tmp" | expect store_is_directory "8: [evidence] db: '$tmp' is a directory"
printf '%s\n[evidence]\nkey = %s\n' "$base" "$tmp" | expect key_is_directory "8: [evidence] key: '$tmp' is a directory"
printf '%s\n[detector]\nbackend = dnn\nmodel = %s\n' "$base" "$tmp" | expect model_is_directory "9: [detector] model: '$tmp' is a directory"
printf '%s\n[detector]\nbackend = dnn\nmodel = %s/none.onnx\n' "$base" "$tmp" |
  expect model_missing "9: [detector] model: cannot read '$tmp/none.onnx': No such file or directory"
printf '%s\n[evidence]\nface_cascade = /etc/passwd\n' "$base" |
  expect cascade_not_xml "8: [evidence] face_cascade: '/etc/passwd' is not an OpenCV cascade"
# a status listener is a numeric address and a port of digits, as the server takes it
if case_on listen_addresses; then
  saved=$only only=
for bad in localhost:9100 127.1:9100 '[:9100' '[]:1' 127.0.0.1:+80 '127.0.0.1: 9100' ::1:9100; do
  printf '%s\n[status]\nhttp_listen = %s\n' "$base" "$bad" |
    expect "listen_$(echo "$bad" | tr -c 'a-z0-9' _)" "8: [status] http_listen: '$bad' is not a numeric ADDRESS:PORT"
done
  only=$saved
fi
if case_on listen_ipv6; then
printf '%s\n[status]\nhttp_listen = [::1]:9100\n' "$base" > "$tmp/listen6.ini"
"$cw" check-config -c "$tmp/listen6.ini" > "$tmp/out" 2>&1 || { echo "FAIL: [::1]:9100 refused"; cat "$tmp/out"; fail=1; }
fi
printf '%s\n[rules]\nmin_depth_m = deep\n' "$base" | expect bad_number "8: [rules] min_depth_m: 'deep' is not a number"
printf '%s\n[detector]\nperson_min_height_m = 2.0\nperson_max_height_m = 1.5\n' "$base" |
  expect person_sizes_crossed "8: [detector] person_min_height_m: must be below person_max_height_m"
printf '[site]\nid = s\n[camera:main]\nuri = file:///dev/null\n[signal]\nsource = schedule\ncycle_s = 60\ncycle_anchor = yesterday\n' |
  expect cycle_anchor "8: [signal] cycle_anchor: 'yesterday' is not a time with its zone"
# the profiles (hwcfg/PROFILES.md): two-person review cannot be turned off where it is required
printf '%s\n[review]\ntwo_person = false\n' "$base" |
  expect one_person_review "8: [review] two_person: false is refused under profile 'default'"
printf '[site]\nid = s\nprofile = cn\ntimezone = Atlantis/Capital\n[camera:main]\nuri = file:///dev/null\n[signal]\nsource = none\n' |
  expect site_timezone "4: [site] timezone: 'Atlantis/Capital' is no time zone"
printf '%s\n[review]\npublic_url = ftp://cases\n' "$base" | expect public_url "8: [review] public_url: 'ftp://cases' is not an http"
if case_on missing_file; then
"$cw" check-config -c "$tmp/does-not-exist.ini" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "does-not-exist.ini" "$tmp/out" || { echo "FAIL: missing file: exit $rc"; cat "$tmp/out"; fail=1; }
fi

# ground points: the fit and its reprojection error are reported
if case_on ground_points_error; then
printf '%s\nground_points = 0,0>0,0;100,0>10,0;100,100>10,10;0,100>0,10;50,50>5.2,5\n[signal]\nsource = none\n' \
  "$(printf '%s\n' "$base" | sed -n '1,4p')" > "$tmp/points.ini"
"$cw" check-config -c "$tmp/points.ini" > "$tmp/out" 2>&1 || { echo "FAIL: ground_points config rejected"; cat "$tmp/out"; fail=1; }
grep -q "fitted to 5 ground points, reprojection error 0.0[0-9][0-9] m RMS" "$tmp/out" ||
  { echo "FAIL: no reprojection error reported"; cat "$tmp/out"; fail=1; }
fi

# calibrate prints a ground_homography line that check-config accepts
if case_on calibrate; then
"$cw" calibrate --points '0,0>0,0;100,0>10,0;100,100>10,10;0,100>0,10' > "$tmp/cal" || { echo "FAIL: calibrate"; fail=1; }
line=$(grep '^ground_homography = ' "$tmp/cal")
printf '%s\n%s\n[signal]\nsource = none\n' "$(printf '%s\n' "$base" | sed -n '1,4p')" "$line" > "$tmp/cal.ini"
"$cw" check-config -c "$tmp/cal.ini" > "$tmp/out" 2>&1 || { echo "FAIL: calibrate output not accepted"; cat "$tmp/out"; fail=1; }
"$cw" calibrate --points '0,0>0,0;100,0>10,0;100,100>10,10;0,100>0,10' > "$tmp/out" 2>&1
grep -q "warning: 4 pairs fix a homography exactly" "$tmp/out" || { echo "FAIL: no warning for 4 pairs"; cat "$tmp/out"; fail=1; }
"$cw" calibrate --points '0,0>0,0;1,1>1,1;2,2>2,2;3,3>3,3' > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "image points lie on one line" "$tmp/out" ||
  { echo "FAIL: collinear points: exit $rc"; cat "$tmp/out"; fail=1; }
# one pair 10 m off among seven: every pair's residual, the worst and the likely mistake named
# (refused, exit 2: a fit that misses by metres is not offered for pasting)
"$cw" calibrate --points '0,0>0,0;100,0>10,0;100,100>10,10;0,100>0,10;50,50>5,5;50,0>5,0;0,50>15,5' > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "^# refused: ground_homography = " "$tmp/out" && ! grep -q "^ground_homography" "$tmp/out" ||
  { echo "FAIL: calibrate with a bad pair not refused"; cat "$tmp/out"; fail=1; }
[ "$(grep -c '^# pair [1-7]: .* off by [0-9.]* m' "$tmp/out")" -eq 7 ] && grep -q "^# worst: pair 7," "$tmp/out" &&
  grep -q "^# leave-one-out error [0-9.]* m RMS" "$tmp/out" && grep -q "^# without pair 7 the others fit to 0.0" "$tmp/out" ||
  { echo "FAIL: the bad pair is not named"; cat "$tmp/out"; fail=1; }
# a sound survey (centimetres of noise) blames no pair
"$cw" calibrate --points '0,0>0,0;100,0>10.01,0;100,100>10,10.02;0,100>0,10;50,50>5,4.99;50,0>5.01,0;0,50>0,5' > "$tmp/out" 2>&1 ||
  { echo "FAIL: a sound survey refused"; cat "$tmp/out"; fail=1; }
grep -q "likeliest mistake" "$tmp/out" && { echo "FAIL: a sound survey blames a pair"; cat "$tmp/out"; fail=1; }
grep -q "^# no single pair stands out" "$tmp/out" || { echo "FAIL: no word that no pair stands out"; cat "$tmp/out"; fail=1; }
"$cw" check-config -c /dev/zero > "$tmp/out" 2>&1; [ $? -eq 2 ] && grep -q "/dev/zero: not a regular file" "$tmp/out" ||
  { echo "FAIL: /dev/zero as a site file"; cat "$tmp/out"; fail=1; }
"$cw" check-config -c "$tmp/rules.ini" stray > "$tmp/out" 2>&1; [ $? -eq 2 ] && grep -q "unexpected argument 'stray'" "$tmp/out" ||
  { echo "FAIL: a stray argument taken"; cat "$tmp/out"; fail=1; }
"$cw" calibrate --points '0,0>0,0;1,x>1,1' > "$tmp/out" 2>&1; [ $? -eq 2 ] && grep -q "pair 2" "$tmp/out" ||
  { echo "FAIL: bad pair not named"; cat "$tmp/out"; fail=1; }
fi

[ -e "$tmp/failed" ] && fail=1
[ -n "$only" ] && [ ! -e "$tmp/ran" ] && { echo "FAIL: no case named $only"; fail=1; }
[ $fail -eq 0 ] && echo "check-config: ${only:-all cases} as expected"
exit $fail
