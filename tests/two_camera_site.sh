# Sourced by tests/camera_reconnect.sh, bench/soak.sh and bench/rtsp_live.sh:
# the example site (hwcfg/examples/vtest-site.ini) with its camera more than
# once, each copy with the example's zones, its store in a directory of the
# caller's and a broker of the caller's.
#
#   two_camera_site SRC MAIN_URI DOOR_URI BROKER_PORT STORE_DIR [SED_EXPR...] > SITE.ini
#   camera_copy SRC NAME URI >> SITE.ini     # one more camera, [camera:NAME]
#   site_scaled_to WIDTHxHEIGHT < SITE.ini > SCALED.ini
#
# site_scaled_to: the example is calibrated on the sample video's 768x576
# pictures; a camera serving it at another size (bench/rtsp_server scales
# it) needs the calibration and the zones drawn on its own pictures, as an
# installer would draw them: every ground_homography takes image points of
# the new size (H times the inverse scale) and every polygon is scaled.
#
# SED_EXPRs are applied to the example's own groups ([site], [signal] ...).
# The caller appends what else it needs ([status]).
camera_copy() {
  local ex="$1/hwcfg/examples/vtest-site.ini" name=$2 uri=$3
  awk '/^\[camera:main\]/{p=1} /^\[signal\]/{p=0} p' "$ex" |
    sed -e "s/^\[camera:main\]/[camera:$name]/" -e "s#^uri = .*#uri = $uri#"
  awk '/^\[zone:/{p=1} /^\[tracker\]/{p=0} p' "$ex" | sed -e "s/^\[zone:\(.*\)\]/[zone:$name-\1]/" \
      -e "s/^camera = main/camera = $name/"
}
two_camera_site() {
  local src=$1 ex="$1/hwcfg/examples/vtest-site.ini" main=$2 door=$3 port=$4 dir=$5 e
  shift 5
  local more=()
  for e in "$@"; do more+=(-e "$e"); done
  sed -e "s#^uri = .*#uri = $main#" -e "s#^port = .*#port = $port#" \
      -e "s#^db = .*#db = $dir/evidence.db\nkey = $dir/device.key#" -e '/^displays = /d' "${more[@]}" "$ex"
  camera_copy "$src" door "$door"
}
site_scaled_to() {
  local w=${1%x*} h=${1#*x}
  awk -v sx="$(echo "scale=6; $w / 768" | bc)" -v sy="$(echo "scale=6; $h / 576" | bc)" '
    /^ground_homography *=/ {
      split($0, kv, "="); n = split(kv[2], m, ";")
      if (n != 9) { print; next }
      printf "ground_homography = %.9g;%.9g;%.9g;%.9g;%.9g;%.9g;%.9g;%.9g;%.9g\n", \
        m[1] / sx, m[2] / sy, m[3], m[4] / sx, m[5] / sy, m[6], m[7] / sx, m[8] / sy, m[9]
      next
    }
    /^polygon *=/ {
      split($0, kv, "="); line = kv[2]; sub(/ *;[^0-9].*$/, "", line) # a comment after the points
      n = split(line, pts, ";"); out = ""
      for (i = 1; i <= n; i++) { split(pts[i], xy, ","); out = out (i > 1 ? ";" : "") sprintf("%d,%d", xy[1] * sx + 0.5, xy[2] * sy + 0.5) }
      print "polygon = " out
      next
    }
    { print }'
}
