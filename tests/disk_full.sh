#!/usr/bin/env bash
# Disk trouble: the evidence store hits a file size limit (RLIMIT_FSIZE, a
# size-limited file) while the appliance runs. It must say so on the bus and
# in the log, keep capturing, keep the violations in memory, and write them
# once the limit is lifted; nothing committed is corrupted.
set -u
cw=$1 src=$2 data=$3
. "$src/tests/broker.sh" # wait_until
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; tail -5 "$tmp/run.log"; exit 1; }
command -v prlimit > /dev/null || fail "prlimit (util-linux) missing"
sed -e "s#^uri = .*#uri = file://$(realpath "$data/vtest.avi")#" -e '/^\[mqtt\]/,$d' \
    -e "s#^db = .*#db = $tmp/evidence.db\nkey = $tmp/device.key#" "$src/hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"
# room for the empty store and the first few packets only (blocks of 1 KiB)
(ulimit -S -f 1800; exec "$cw" run -c "$tmp/site.ini" --events-out "$tmp/events.jsonl") 2> "$tmp/run.log" &
pid=$!
wait_until 120 grep -sq "Evidence disk full" "$tmp/run.log" || fail "the full disk was not reported"
stored_while_full=$(sqlite3 "$tmp/evidence.db" "SELECT COUNT(*) FROM packets")
# the limit holds until a second violation is waiting in memory
wait_until 120 grep -Esq '\(([2-9]|[1-9][0-9]+) waiting' "$tmp/run.log" ||
  fail "capture did not go on: no second violation kept in memory while the disk was full"
prlimit --pid "$pid" --fsize=unlimited || fail "cannot lift the limit"
wait "$pid" || fail "the appliance did not finish its run"
grep -q "795 frames" "$tmp/run.log" || fail "capture did not go on"
grep -q "Evidence storage resumed" "$tmp/run.log" || fail "no resume reported"
stored=$(sqlite3 "$tmp/evidence.db" "SELECT COUNT(*) FROM packets")
events=$(wc -l < "$tmp/events.jsonl")
[ "$stored" -gt "$stored_while_full" ] || fail "nothing written after space returned"
[ "$stored" = "$events" ] || fail "$events decisions but $stored packets: evidence lost"
"$cw" verify --db "$tmp/evidence.db" --pubkey "$tmp/device.key.pub" | tail -1 | grep -q "0 failure(s)" || fail "store corrupted"
echo "disk full: reported, capture went on, $stored_while_full packets before the limit, $stored after it was lifted, none lost"
