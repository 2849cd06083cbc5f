#!/usr/bin/env bash
# The installer's first step, on real video: `crosswatch preview` draws the
# site on a frame (checked by content: the crosswalk's colour inside it, the
# grid line where the homography puts x = 0), names the camera and the URI
# when the video is missing, and cwoverlay runs in gst-launch-1.0 with no
# site file at all.
set -u
cw=$1 plugin_dir=$2 video=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
[ -f "$video" ] || { echo "FAIL: no test video $video"; exit 1; }
sed -e "s#file:///usr/share/doc/opencv-doc/examples/data/vtest.avi#file://$video#" \
    -e "s#var/evidence.db#$tmp/evidence.db#" "$(dirname "$0")/../hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"

"$cw" preview -c "$tmp/site.ini" --at 30 --out "$tmp/p.png" > "$tmp/out" 2>&1 ||
  { echo "FAIL: preview exited $?"; cat "$tmp/out"; fail=1; }
grep -q "768x576, the frame at 30.00 s, [1-9][0-9]* people found" "$tmp/out" ||
  { echo "FAIL: no people found in the frame at 30 s"; cat "$tmp/out"; fail=1; }
grep -q "ground grid every [0-9.]* m; [1-9][0-9]* people of 1.75 m drawn to scale" "$tmp/out" ||
  { echo "FAIL: no grid or people to scale reported"; cat "$tmp/out"; fail=1; }
pixel() { convert "$tmp/p.png" -format "%[fx:int(255*u.b)],%[fx:int(255*u.g)],%[fx:int(255*u.r)]" -crop "1x1+$1+$2" info:; }
# inside the crosswalk (470,182;545,172;610,405;520,375), away from its
# edges and the grid: green-tinted road, the green above the red
IFS=, read -r b g r <<< "$(pixel 545 300)"
[ "$g" -gt "$r" ] && [ "$g" -gt "$b" ] || { echo "FAIL: crosswalk at 545,300 is B$b G$g R$r, not green-tinted"; fail=1; }
# the ground line x = 0 m, where the demo's homography puts it: the image
# point of ground (0, 5) by the inverse homography is cyan (blue and green high)
read -r u v < <(python3 -c "
m=[0.0534514,-0.604125,88.5766,-0.139304,-0.399811,120.418,0.00091748,0.0196253,1]
a,b,c,d,e,f,g,h,i=m
inv=[e*i-f*h,c*h-b*i,b*f-c*e,f*g-d*i,a*i-c*g,c*d-a*f,d*h-e*g,b*g-a*h,a*e-b*d]  # adjugate: the inverse up to scale
X,Y=0,5
w=inv[6]*X+inv[7]*Y+inv[8]
print(round((inv[0]*X+inv[1]*Y+inv[2])/w), round((inv[3]*X+inv[4]*Y+inv[5])/w))")
found=0
for du in -1 0 1; do for dv in -1 0 1; do
  IFS=, read -r b g r <<< "$(pixel $((u + du)) $((v + dv)))"
  [ "$b" -gt 180 ] && [ "$g" -gt 180 ] && [ "$r" -lt 150 ] && found=1
done; done
[ $found -eq 1 ] || { echo "FAIL: no cyan grid line at ground (0,5) = pixel $u,$v"; fail=1; }

# a calibration with its horizon across the picture's bottom: said, exit 2,
# and nothing measured from it drawn
sed "s#^ground_homography = .*#ground_homography = 2.15054981;-0.645164942;-516.131953;1.87233182;-4.3063632;674.039457;0.147946313;-0.102097348;1#" \
  "$tmp/site.ini" > "$tmp/bad-cal.ini"
"$cw" preview -c "$tmp/bad-cal.ini" --out "$tmp/b.png" > "$tmp/bad.out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "the calibration sees no ground at the bottom of the picture" "$tmp/bad.out" ||
  { echo "FAIL: a wrong calibration: exit $rc"; cat "$tmp/bad.out"; fail=1; }
grep -q "1.75 m drawn to scale" "$tmp/bad.out" && { echo "FAIL: people to scale from a wrong calibration"; fail=1; }

# a missing video: the camera, the URI and the reason, exit 1
sed "s#file://$video#file://$tmp/gone.avi#" "$tmp/site.ini" > "$tmp/gone.ini"
"$cw" preview -c "$tmp/gone.ini" --out "$tmp/g.png" > "$tmp/gone.out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "camera main (file://$tmp/gone.avi): cannot open" "$tmp/gone.out" ||
  { echo "FAIL: missing video: exit $rc"; cat "$tmp/gone.out"; fail=1; }
[ -e "$tmp/g.png" ] && { echo "FAIL: a picture was written for a missing video"; fail=1; }
# --out never replaces a link, the site file or the video (the picture is
# renamed into place)
ln -s "$tmp/site.ini" "$tmp/link.png"
"$cw" preview -c "$tmp/site.ini" --out "$tmp/link.png" > "$tmp/l.out" 2>&1; rc=$?
[ $rc -eq 2 ] && [ -L "$tmp/link.png" ] && grep -q "not a regular file" "$tmp/l.out" || { echo "FAIL: --out a link: exit $rc"; cat "$tmp/l.out"; fail=1; }
cp "$tmp/site.ini" "$tmp/keep.ini"
"$cw" preview -c "$tmp/keep.ini" --out "$tmp/keep.ini" > "$tmp/k.out" 2>&1; rc=$?
[ $rc -eq 2 ] && cmp -s "$tmp/site.ini" "$tmp/keep.ini" || { echo "FAIL: --out the site file: exit $rc"; cat "$tmp/k.out"; fail=1; }
# a stream that refuses at once is said at once, not after the time allowed
sed "s#^uri = .*#uri = rtsp://127.0.0.1:1/off#" "$tmp/site.ini" > "$tmp/rtsp.ini"
t0=$(date +%s)
"$cw" preview -c "$tmp/rtsp.ini" --out "$tmp/r.png" > "$tmp/r.out" 2>&1; rc=$?
[ $rc -eq 1 ] && [ $(($(date +%s) - t0)) -lt 20 ] && grep -q "camera main (rtsp://127.0.0.1:1/off)" "$tmp/r.out" ||
  { echo "FAIL: a refused stream: exit $rc after $(($(date +%s) - t0)) s"; cat "$tmp/r.out"; fail=1; }
# a camera the site does not have: exit 2
"$cw" preview -c "$tmp/site.ini" --camera nosuch --out "$tmp/n.png" > "$tmp/n.out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "no \[camera:nosuch\]" "$tmp/n.out" || { echo "FAIL: unknown camera: exit $rc"; cat "$tmp/n.out"; fail=1; }

# cwoverlay in a hand-built pipeline with no site file: detector and
# tracker on their properties, frames drawn
GST_PLUGIN_PATH=$plugin_dir GST_REGISTRY=$tmp/registry.bin timeout 120 gst-launch-1.0 -q filesrc location="$video" ! \
  decodebin ! videoconvert ! video/x-raw,format=BGR ! identity eos-after=6 ! cwdetect every-n-frames=2 ! cwtrack ! \
  cwoverlay ! videoconvert ! pngenc ! multifilesink location="$tmp/o%d.png" > "$tmp/launch.out" 2>&1 ||
  { echo "FAIL: gst-launch with cwoverlay and no config"; cat "$tmp/launch.out"; fail=1; }
[ -s "$tmp/o4.png" ] || { echo "FAIL: cwoverlay wrote no frames"; fail=1; }
[ -f "$tmp/o4.png" ] && { IFS=, read -r b g r <<< "$(convert "$tmp/o4.png" -format "%[fx:int(255*u.b)],%[fx:int(255*u.g)],%[fx:int(255*u.r)]" -crop 1x1+3+3 info:)"
  [ "$b$g$r" = "000" ] || { echo "FAIL: no status bar at the top of cwoverlay's frame ($b,$g,$r)"; fail=1; }; }

[ $fail -eq 0 ] && echo "preview: zones, grid and people to scale drawn where they belong; errors name the camera"
exit $fail
