#!/usr/bin/env bash
# Power-cut durability: the appliance is killed with SIGKILL at random points
# while it writes violations (20 times, restarting each time on the same
# store); after every kill, verify shows every committed packet intact, the
# chain continuous and no half-written packet (all listed media present).
set -u
cw=$1 src=$2 data=$3
kills=${4:-20}
. "$src/tests/broker.sh" # wait_until
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
sed -e "s#^uri = .*#uri = file://$(realpath "$data/vtest.avi")#" -e '/^\[mqtt\]/,$d' \
    -e "s#^db = .*#db = $tmp/evidence.db\nkey = $tmp/device.key#" "$src/hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"
has_packets() { [ "$(sqlite3 "$tmp/evidence.db" 'SELECT COUNT(*) FROM packets' 2> /dev/null || echo 0)" -gt 0 ]; }
before=0
RANDOM=42
for k in $(seq "$kills"); do
  rm -f "$tmp/tracks.txt"
  "$cw" run -c "$tmp/site.ini" --tracks-out "$tmp/tracks.txt" 2> /dev/null &
  pid=$!
  # past start-up (tracks being written, however loaded the machine), then a
  # random point 0.5 to 5 s into the video's violations
  wait_until 60 test -s "$tmp/tracks.txt" || fail "run $k did not start tracking"
  # the first run is killed only once it has committed a packet (on a
  # loaded machine that takes longer than the random window), so every
  # later kill lands on a store with packets to lose
  [ "$k" = 1 ] && { wait_until 120 has_packets || fail "the first run committed no packet in 120 s"; }
  sleep "$((5 + RANDOM % 45))e-1"
  kill -9 "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
  [ -f "$tmp/evidence.db" ] || continue
  out=$("$cw" verify --db "$tmp/evidence.db" --pubkey "$tmp/device.key.pub") || { echo "$out"; fail "verify after kill $k"; }
  now=$(echo "$out" | tail -1 | sed 's/.*: \([0-9]*\) packet(s).*/\1/')
  [ "$now" -ge "$before" ] || fail "committed packets disappeared: $before then $now"
  before=$now
done
[ "$before" -gt 0 ] || fail "no packet was ever committed"
echo "kill -9: $kills kills, $before packets committed, every one intact and chained"
