#!/usr/bin/env bash
# Who may publish what: the real mosquitto with the shipped broker
# configuration (hwcfg/examples/mosquitto: crosswatch.conf, acl, accounts made
# by make-passwords.sh), its paths moved into a directory of the test's own.
# No anonymous access; a display cannot forge the signal or another screen's
# content, nor read evidence; the signal controller drives the appliance's
# signal input; each display receives only its own topic; the back office
# reads evidence. Then crosswatch's own clients (run with its signal input,
# publish, display) log in with [mqtt] username/password and carry one
# confirmed packet end to end.
#
# A publish the ACL denies is dropped silently (QoS 1 is still acknowledged),
# so each check publishes the forbidden messages first, then a permitted one,
# each waiting for its PUBACK: a subscriber's first message is the permitted
# one exactly when the forbidden ones were dropped.
set -u
cw=$1 free_port=$2 src=$3 data=$4
. "$src/tests/broker.sh"
. "$src/tests/review_accounts.sh"
shipped=$src/hwcfg/examples/mosquitto
tmp=$(mktemp -d)
declare -A sub_pid
display_pid= signal_pid=
cleanup() {
  for pid in "${sub_pid[@]}" $display_pid $signal_pid; do kill "$pid" 2> /dev/null; done
  broker_cleanup; wait 2> /dev/null; rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; tail -20 "$broker_log" 2> /dev/null; exit 1; }

# --- the broker: shipped conf, paths and port moved, accounts made by the shipped script
broker_init "$free_port" || fail "broker set-up"
sed -e "s#^uri = .*#uri = file://$(realpath "$data/vtest.avi")#" -e "s#^displays = .*#displays = main;east#" \
    -e "s#^source = schedule#source = mqtt#" -e "s#^db = .*#db = $tmp/evidence.db\nkey = $tmp/device.key#" \
    "$src/hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"
site=$(sed -n 's/^id = //p' "$tmp/site.ini" | head -1)
"$shipped/make-passwords.sh" "$tmp/site.ini" "$broker_dir/accounts" > /dev/null || fail "make-passwords.sh"
[ -z "$broker_user" ] || chown "$broker_user:" "$broker_dir/accounts"
sed -e '/^pid_file /d' -e '/^log_dest /d' \
    -e "s#^listener 1883 127.0.0.1\$#listener $broker_port 127.0.0.1#" \
    -e "s#^password_file .*#password_file $broker_dir/accounts/passwd#" \
    -e "s#^acl_file .*#acl_file $broker_dir/accounts/acl#" \
    -e "s#^persistence_location .*#persistence_location $broker_dir/db/#" "$shipped/crosswatch.conf" > "$broker_conf"
for line in "listener $broker_port 127.0.0.1" "allow_anonymous false" "password_file $broker_dir/accounts/passwd" \
    "acl_file $broker_dir/accounts/acl" "persistence true" "persistence_location $broker_dir/db/"; do
  grep -qx "$line" "$broker_conf" || fail "the shipped crosswatch.conf has no line to make '$line'"
done
[ "$(grep -c '^listener ' "$broker_conf")" = 1 ] || fail "the shipped conf opens more than the loopback listener"
broker_add_conf "log_type subscribe"
broker_start || fail "the broker did not start with the shipped configuration"
port=$broker_port
pw() { awk -v u="$1" '$1 == u { print $2 }' "$broker_dir/accounts/credentials"; }
[ -n "$(pw display-east)" ] || fail "no account for display east"

# sub NAME USER TOPIC...: USER's QoS 1 subscriber that keeps its first
# message; returns once the broker has answered the subscription
sub() {
  local name=$1 user=$2 t args=()
  shift 2
  for t; do args+=(-t "$t"); done
  stdbuf -oL mosquitto_sub -d -v -q 1 -C 1 -W 60 -p "$port" -u "$user" -P "$(pw "$user")" "${args[@]}" \
    > "$tmp/$name.out" 2>&1 &
  sub_pid[$name]=$!
  wait_until 30 grep -sq "received SUBACK" "$tmp/$name.out" || { cat "$tmp/$name.out"; fail "$name: not subscribed"; }
}
# first NAME: "topic payload" of the first message NAME received. Waits on
# its output, not on its PID: bash's `wait PID` was seen here to return at
# once (status -1) for a subscriber still waiting for its message.
sub__done() { grep -qv '^Client \|^Subscribed ' "$tmp/$1.out"; } # a message, "Timed out" or an error
first() {
  wait_until 90 sub__done "$1"
  unset "sub_pid[$1]"
  grep -v '^Client \|^Subscribed \|^Timed out' "$tmp/$1.out" || { echo "$1 received nothing:" >&2; cat "$tmp/$1.out" >&2; }
}
granted() { sed -n 's/^Subscribed (mid: [0-9]*): //p' "$tmp/$1.out"; }
# pub USER TOPIC MESSAGE: QoS 1, returns after the PUBACK
pub() { mosquitto_pub -q 1 -p "$port" -u "$1" -P "$(pw "$1")" -t "$2" -m "$3" || fail "$1 could not publish at all"; }
T=crosswatch/$site

echo "== no anonymous access, no wrong password"
out=$(mosquitto_sub -p "$port" -t "$T/evidence" -C 1 -W 10 2>&1) && fail "an anonymous subscriber was accepted"
echo "$out" | grep -q "not authori[sz]ed" || fail "anonymous subscriber: '$out'"
mosquitto_pub -p "$port" -q 1 -t "$T/signal/ped" -m WALK 2> /dev/null && fail "an anonymous publisher was accepted"
out=$(mosquitto_sub -p "$port" -u crosswatch-appliance -P wrong -t "$T/signal/ped" -C 1 -W 10 2>&1) &&
  fail "a wrong password was accepted"
echo "$out" | grep -q "not authori[sz]ed" || fail "wrong password: '$out'"

echo "== the signal: only the signal controller sets it, the appliance reads it"
sub appliance crosswatch-appliance "$T/signal/ped"
pub display-main "$T/signal/ped" WALK
pub crosswatch-backoffice "$T/signal/ped" WALK
pub crosswatch-appliance "$T/signal/ped" WALK
pub crosswatch-signal "$T/signal/ped" DONT_WALK
got=$(first appliance)
[ "$got" = "$T/signal/ped DONT_WALK" ] || fail "the appliance's first signal message was '$got'"

echo "== displays: each reads only its own topic; nobody but the appliance writes one; no display reads evidence"
sub main display-main "$T/display/main" "$T/evidence" "$T/signal/ped"
sub east display-east "$T/display/#" "$T/evidence"
sub office crosswatch-backoffice "$T/evidence" "$T/display/main"
pub display-east "$T/display/main" forged-by-east
pub display-main "$T/display/main" forged-by-main
pub crosswatch-signal "$T/display/main" forged-by-signal
pub crosswatch-backoffice "$T/evidence" forged-by-backoffice
pub display-main "$T/evidence" forged-by-display
pub crosswatch-appliance "$T/evidence" packet-1
got=$(first office)
[ "$got" = "$T/evidence packet-1" ] || fail "the back office's first message was '$got', expected the appliance's evidence"
pub crosswatch-signal "$T/signal/ped" WALK
pub crosswatch-appliance "$T/display/main" show-on-main
pub crosswatch-appliance "$T/display/east" show-on-east
got=$(first main)
[ "$got" = "$T/display/main show-on-main" ] || fail "display main's first message was '$got'"
got=$(first east)
[ "$got" = "$T/display/east show-on-east" ] || fail "display east's first message was '$got'"
echo "subscriptions granted (QoS per topic): main $(granted main), east $(granted east), back office $(granted office)"

echo "== display state: each display writes its own, the back office reads it"
sub state crosswatch-backoffice "$T/display/+/state"
pub display-main "$T/display/east/state" forged-by-main
pub crosswatch-appliance "$T/display/main/state" forged-by-appliance
pub display-main "$T/display/main/state" online
got=$(first state)
[ "$got" = "$T/display/main/state online" ] || fail "the back office's first display state was '$got'"

echo "== crosswatch's clients log in with [mqtt] username/password"
login() { echo "port = $port\nusername = $1\npassword = $(pw "$1")"; } # passwords: base64url, no sed specials
sed -i "s#^port = .*#$(login crosswatch-appliance)#" "$tmp/site.ini"
sed -e "s#^port = .*#$(login display-main)#" -e "s#^out_dir = .*#out_dir = $tmp/screens#" \
    -e "s#^trusted_keys = .*#trusted_keys = $tmp/device.key.pub#" "$src/hwcfg/examples/display.ini" > "$tmp/display.ini"
"$cw" check-config -c "$tmp/site.ini" > /dev/null || fail "site config with a broker login refused"
# the signal controller: DONT_WALK, retained, repeated every second (stale_s is 3 s)
( while :; do
    mosquitto_pub -q 1 -r -p "$port" -u crosswatch-signal -P "$(pw crosswatch-signal)" -t "$T/signal/ped" -m DONT_WALK
    sleep 1
  done ) &
signal_pid=$!
"$cw" run -c "$tmp/site.ini" --events-out "$tmp/events.jsonl" 2> "$tmp/run.log" || { cat "$tmp/run.log"; fail "run"; }
kill "$signal_pid"; wait "$signal_pid" 2> /dev/null; signal_pid=
grep -q '"phase":"DONT_WALK"' "$tmp/events.jsonl" ||
  { head -c 600 "$tmp/events.jsonl"; fail "the run's signal input did not receive the controller's phase"; }
# the display trusts the device key the run has made
"$cw" display -c "$tmp/display.ini" > "$tmp/display.log" 2>&1 &
display_pid=$!
wait_until 30 broker_subscribed "$T/display/main" || { cat "$tmp/display.log"; fail "the display did not subscribe"; }
review_accounts "$tmp/site.ini" || fail "review accounts"
review_clear_clocks "$tmp/site.ini" || fail "clear the clock_unsynced cases"
id=$("$cw" review -c "$tmp/site.ini" list --state pending | awk 'NR == 2 { print $1 }')
review_confirm "$tmp/site.ini" "$id" || fail "confirm"
sub office2 crosswatch-backoffice "$T/evidence"
"$cw" publish -c "$tmp/site.ini" --once --timeout 20 > "$tmp/publish.log" 2>&1 || { cat "$tmp/publish.log"; fail "publish"; }
first office2 | grep -q "$id" || fail "the back office did not receive packet $id"
wait_until 30 test -f "$tmp/screens/$id.png" || { cat "$tmp/display.log"; fail "display main did not show packet $id"; }
for who in "display" "signal input" "publisher"; do
  case $who in
    display) pattern="as crosswatch-display-[^ ]* .*u'display-main'" ;;
    "signal input") pattern="as crosswatch-signal-.*u'crosswatch-appliance'" ;;
    publisher) pattern="as crosswatch-$site-[0-9]* .*u'crosswatch-appliance'" ;;
  esac
  grep -q "New client connected from .* $pattern" "$broker_log" || fail "the $who did not log in with its account"
done
# a wrong password: the publisher is refused
review_confirm "$tmp/site.ini" "$("$cw" review -c "$tmp/site.ini" list --state pending | awk 'NR == 2 { print $1 }')"
sed -e "s#^password = .*#password = wrong#" "$tmp/site.ini" > "$tmp/wrong.ini"
"$cw" publish -c "$tmp/wrong.ini" --once --timeout 3 > "$tmp/wrong.log" 2>&1 && fail "a wrong password was accepted"
grep -qi "not authori[sz]ed" "$tmp/wrong.log" || { cat "$tmp/wrong.log"; fail "the refusal was not reported"; }

kill "$display_pid"; wait "$display_pid" 2> /dev/null; display_pid=
broker_stop || fail "the broker logged errors"
echo "broker ACL: anonymous and wrong passwords refused; forged signal, display and evidence messages dropped;" \
     "each display got only its own; packet $id went through run, publish and display with their accounts"
