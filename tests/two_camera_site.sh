# Sourced by tests/camera_reconnect.sh and bench/soak.sh: the example site
# (hwcfg/examples/vtest-site.ini) with its camera twice, "main" and "door",
# each with the example's zones, its store in a directory of the caller's
# and a broker of the caller's.
#
#   two_camera_site SRC MAIN_URI DOOR_URI BROKER_PORT STORE_DIR [SED_EXPR...] > SITE.ini
#
# SED_EXPRs are applied to the example's own groups ([site], [signal] ...).
# The caller appends what else it needs ([status]).
two_camera_site() {
  local ex="$1/hwcfg/examples/vtest-site.ini" main=$2 door=$3 port=$4 dir=$5 e
  shift 5
  local more=()
  for e in "$@"; do more+=(-e "$e"); done
  sed -e "s#^uri = .*#uri = $main#" -e "s#^port = .*#port = $port#" \
      -e "s#^db = .*#db = $dir/evidence.db\nkey = $dir/device.key#" -e '/^displays = /d' "${more[@]}" "$ex"
  awk '/^\[camera:main\]/{p=1} /^\[signal\]/{p=0} p' "$ex" |
    sed -e 's/^\[camera:main\]/[camera:door]/' -e "s#^uri = .*#uri = $door#"
  awk '/^\[zone:/{p=1} /^\[tracker\]/{p=0} p' "$ex" | sed -e 's/^\[zone:\(.*\)\]/[zone:door-\1]/' \
      -e 's/^camera = main/camera = door/'
}
