# Sourced by tests/camera_reconnect.sh, bench/soak.sh and bench/rtsp_live.sh:
# the example site (hwcfg/examples/vtest-site.ini) with its camera more than
# once, each copy with the example's zones, its store in a directory of the
# caller's and a broker of the caller's.
#
#   two_camera_site SRC MAIN_URI DOOR_URI BROKER_PORT STORE_DIR [SED_EXPR...] > SITE.ini
#   camera_copy SRC NAME URI >> SITE.ini     # one more camera, [camera:NAME]
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
