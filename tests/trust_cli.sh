#!/usr/bin/env bash
# Trust from the operator's side, with the real programs, a real broker and
# a real display: a reversed case and a purged case leave the screen at once;
# an unsigned retract does nothing; a lost device key stops the appliance
# until it is replaced on purpose; the replacement and a rotation show in
# verify; the store and case files are private.
set -u
cw=$1 free_port=$2 src=$3 data=$4
. "$src/tests/broker.sh"
. "$src/tests/review_accounts.sh"
tmp=$(mktemp -d)
display_pid=
cleanup() {
  [ -n "$display_pid" ] && kill "$display_pid" 2> /dev/null
  broker_cleanup
  wait 2> /dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; tail -5 "$tmp"/*.log 2> /dev/null; exit 1; }

broker_init "$free_port" && broker_start || fail "broker"
port=$broker_port
sed -e "s#^uri = .*#uri = file://$(realpath "$data/vtest.avi")#" -e "s#^port = .*#port = $port#" \
    -e "s#^db = .*#db = $tmp/var/evidence.db\nkey = $tmp/var/device.key#" "$src/hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"
site=$(sed -n 's/^id = //p' "$tmp/site.ini" | head -1)
review() { review_as "$tmp/site.ini" sergeant "$@"; }
pending_ids() { "$cw" review -c "$tmp/site.ini" list --state pending | awk 'NR > 1 { print $1 }'; }

echo "== run"
"$cw" run -c "$tmp/site.ini" 2> "$tmp/run.log" || fail "run"
review_accounts "$tmp/site.ini" || fail "review accounts"
review_clear_clocks "$tmp/site.ini" || fail "clear the clock_unsynced cases"
[ "$(stat -c %a "$tmp/var/evidence.db")" = 600 ] || fail "evidence.db is $(stat -c %a "$tmp/var/evidence.db"), not 600"
[ "$(stat -c %a "$tmp/var/device.key")" = 600 ] || fail "device.key is not 600"

sed -e "s#^port = .*#port = $port#" -e "s#^out_dir = .*#out_dir = $tmp/screens#" \
    -e "s#^trusted_keys = .*#trusted_keys = $tmp/var/device.key.pub#" "$src/hwcfg/examples/display.ini" > "$tmp/display.ini"
display=$(sed -n 's/^id = //p' "$tmp/display.ini" | head -1)
start_display() { # a fresh log each time: the waits below read it
  "$cw" display -c "$tmp/display.ini" > "$tmp/display.log" 2>&1 &
  display_pid=$!
  wait_until 30 grep -q "subscribed to" "$tmp/display.log" || fail "the display did not subscribe"
}
start_display

set -- $(pending_ids | head -3)
[ $# = 3 ] || fail "fewer than 3 pending packets"
a=$1 b=$2 c=$3
for id in $a $b $c; do review_confirm "$tmp/site.ini" "$id" || fail "confirm $id"; done
"$cw" publish -c "$tmp/site.ini" --once --timeout 20 > /dev/null || fail "publish"
for id in $a $b $c; do wait_until 20 test -f "$tmp/screens/$id.png" || fail "no screen for $id"; done

echo "== an unsigned retract is refused"
mosquitto_pub -p "$port" -q 1 -t "crosswatch/$site/display/$display" \
  -m "{\"kind\":\"retract\",\"packet_id\":\"$b\"}"
wait_until 20 grep -q "refused" "$tmp/display.log" || fail "the display did not log the forged retract"
[ -f "$tmp/screens/$b.png" ] || fail "an unsigned retract removed a real case"

echo "== reversal, while the display is off"
kill "$display_pid"; wait "$display_pid" 2> /dev/null
review reverse "$a" 2> /dev/null && fail "reverse without a reason accepted"
review reverse "$a" --reason "appeal upheld: the signal was faulty" || fail "reverse"
"$cw" publish -c "$tmp/site.ini" --once --timeout 20 > /dev/null || fail "publish the retract"
# the broker kept the display's session: the retract arrives when it is back
start_display
wait_until 20 test ! -f "$tmp/screens/$a.png" || fail "the reversed case is still on the screen"
[ "$("$cw" review -c "$tmp/site.ini" list --state reversed | awk 'NR > 1 { print $1 }')" = "$a" ] || fail "state is not reversed"
"$cw" verify -c "$tmp/site.ini" | tail -1 | grep -q " 0 failure(s)" || fail "verify after the reversal"

echo "== a lost key"
mv "$tmp/var/device.key" "$tmp/device.key.elsewhere"
"$cw" run -c "$tmp/site.ini" 2> "$tmp/run2.log" && fail "run went on without its key"
grep -q "device key missing, but the store" "$tmp/run2.log" || fail "no clear error: $(cat "$tmp/run2.log")"
[ -e "$tmp/var/device.key" ] && fail "a new key was made silently"
old_pub=$(cat "$tmp/var/device.key.pub")
"$cw" key replace-lost -c "$tmp/site.ini" --reason "cabinet flooded" 2> /dev/null && fail "replace-lost without confirmation"
"$cw" key replace-lost -c "$tmp/site.ini" --reason "cabinet flooded" --i-know-the-old-key-is-lost > "$tmp/key.log" ||
  fail "replace-lost"
review hold "$b" --reason "court case 17" > /dev/null || fail "hold with the new key"
# the new key alone does not vouch for the old packets; the old key pinned too, it does
"$cw" verify -c "$tmp/site.ini" > "$tmp/verify1.txt" && fail "the old packets verified under a key nothing vouches for"
grep -q "key_replaced_lost" "$tmp/verify1.txt" || fail "the replacement is not reported"
echo "$old_pub" > "$tmp/old.pub"
sed -i "s#^key = .*#&\ntrusted_keys = $tmp/old.pub#" "$tmp/site.ini"
"$cw" verify -c "$tmp/site.ini" > "$tmp/verify2.txt" || { cat "$tmp/verify2.txt"; fail "verify with both keys pinned"; }
grep -q "signed packets" "$tmp/verify2.txt" || fail "no key spans"

# nothing vouches for a replacement key: the installer pins it on the display
kill "$display_pid"; wait "$display_pid" 2> /dev/null
cp "$tmp/var/device.key.pub" "$tmp/replacement.pub"
sed -i "s#^trusted_keys = .*#trusted_keys = $tmp/replacement.pub#" "$tmp/display.ini"
start_display

echo "== rotation"
"$cw" key rotate -c "$tmp/site.ini" > /dev/null || fail "rotate"
ls "$tmp/var" | grep -q "device.key.retired" && fail "the old secret key was kept"
review release "$b" > /dev/null || fail "release with the rotated key"
"$cw" verify -c "$tmp/site.ini" | tail -1 | grep -q " 0 failure(s)" || fail "verify after the rotation"

echo "== purge, after the rotation"
# the display pins only the replacement key: the rotation's handover (signed
# by it) is what makes it accept the new key's retracts
echo "$REVIEW_PW_sergeant" | "$cw" export "$c" -c "$tmp/site.ini" --user sergeant --out "$tmp/case.tar" > /dev/null ||
  fail "export"
[ "$(stat -c %a "$tmp/case.tar")" = 600 ] || fail "case bundle is not 600"
"$cw" verify "$tmp/case.tar" > /dev/null && fail "a bundle verified with no trusted key"
"$cw" purge -c "$tmp/site.ini" --now 2999-01-01T00:00:00.000Z > /dev/null || fail "purge"
"$cw" publish -c "$tmp/site.ini" --once --timeout 20 > /dev/null || fail "publish the purge retracts"
for id in $b $c; do wait_until 20 test ! -f "$tmp/screens/$id.png" || fail "purged case $id still on the screen"; done
grep -q "handed over by" "$tmp/display.log" || fail "the display did not log the key handover"
"$cw" verify -c "$tmp/site.ini" | tail -1 | grep -q " 0 failure(s)" || fail "verify after the purge"
broker_stop || fail "broker log"
echo "trust: reversal and purge retracted, forged retract refused, lost key refused then replaced on record, rotation vouched"
