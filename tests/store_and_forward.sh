#!/usr/bin/env bash
# Store-and-forward through a broker outage and a publisher crash: every
# confirmed packet reaches a subscriber, repeats (QoS 1) recognised by packet
# id; a restarted publisher resumes a non-empty outbox.
set -u
cw=$1 free_port=$2 src=$3 data=$4
. "$src/tests/broker.sh"
. "$src/tests/review_accounts.sh"
tmp=$(mktemp -d)
sub_pid= pub_pid=
cleanup() {
  for pid in $pub_pid $sub_pid; do kill "$pid" 2> /dev/null; done
  broker_cleanup; wait 2> /dev/null; rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; tail -5 "$broker_log" 2> /dev/null; exit 1; }

# the subscriber's persistent session and its queued messages must outlive
# the broker restart: a broker with working persistence (tests/broker.sh)
broker_init "$free_port" || fail "broker set-up"
port=$broker_port
# publisher: debug messages show each failed connection attempt
start_publisher() { G_MESSAGES_DEBUG=all "$cw" publish -c "$tmp/site.ini" >> "$tmp/publish.log" 2>&1 & pub_pid=$!; }
pending() { sqlite3 "$tmp/evidence.db" "SELECT COUNT(*) FROM outbox WHERE sent_utc IS NULL"; }
# the displays a case goes to are resolved by the publisher as it runs (every
# 2 s): drained is every confirmed case shown and nothing left to send
shows() { sqlite3 "$tmp/evidence.db" "SELECT COUNT(DISTINCT packet_id) FROM outbox WHERE retain = 1 AND display_id IS NOT NULL"; }
confirmed_count() { sqlite3 "$tmp/evidence.db" "SELECT COUNT(*) FROM packets WHERE review_state = 'confirmed'"; }
is_drained() { [ "$(pending)" = 0 ] && [ "$(shows)" = "$(confirmed_count)" ]; }
pending_is() { [ "$(pending)" = "$1" ]; }
wait_drained() { wait_until 60 is_drained || fail "outbox not drained: $(pending) pending"; }
refusals() { grep -c "Connection refused; retrying" "$tmp/publish.log"; }
more_refusals_than() { [ "$(refusals)" -gt "$1" ]; }
received_ids() { grep -o '"packet_id\\":\\"[0-9a-f-]*' "$tmp/received.txt" | sed 's/.*\\"//' | sort -u; }
all_received() { [ "$(received_ids)" = "$confirmed" ]; }
confirm() { # N: confirm the next N pending packets
  for id in $("$cw" review -c "$tmp/site.ini" list --state pending | awk 'NR > 1 { print $1 }' | head -"$1"); do
    review_confirm "$tmp/site.ini" "$id" || fail "confirm $id"
  done
}

sed -e "s#^uri = .*#uri = file://$(realpath "$data/vtest.avi")#" -e "s#^port = .*#port = $port#" \
    -e "s#^db = .*#db = $tmp/evidence.db\nkey = $tmp/device.key#" "$src/hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"
site=$(sed -n 's/^id = //p' "$tmp/site.ini" | head -1)
# evidence to publish: the sample video's violations, the broker not yet up
"$cw" run -c "$tmp/site.ini" 2> "$tmp/run.log" || fail "run"
review_accounts "$tmp/site.ini" || fail "review accounts"
review_clear_clocks "$tmp/site.ini" || fail "clear the clock_unsynced cases"
# three batches of 4 (the sample video gives 12 or more with the example site)
[ "$("$cw" review -c "$tmp/site.ini" list --state pending | wc -l)" -gt 12 ] || fail "too few packets"

broker_start || fail "broker did not start"
sed -i "s#^port = .*#port = $broker_port#" "$tmp/site.ini" # in case broker_start had to take another port
port=$broker_port
# a persistent session (-c, fixed id, QoS 1); -d: its SUBACK shows it is
# subscribed (stdbuf: its debug lines are not held in a stdio buffer)
stdbuf -oL mosquitto_sub -d -p "$port" -q 1 -c -i crosswatch-test-subscriber -t "crosswatch/$site/evidence" > "$tmp/received.txt" 2>&1 &
sub_pid=$!
wait_until 30 grep -sq "received SUBACK" "$tmp/received.txt" || fail "the subscriber was not subscribed"
start_publisher

echo "== 1: broker up"
confirm 4
wait_drained

echo "== 2: broker down while packets are confirmed, then back"
broker_stop || fail "broker log"
confirm 4
# the publisher has tried the broker at least twice since the rows were queued
tried=$(refusals)
wait_until 30 more_refusals_than $((tried + 1)) || fail "the publisher did not try to reconnect"
# the publisher resolves each case's display while the broker is away too
wait_until 10 pending_is 8 ||
  fail "rows marked sent while the broker was down: $(pending) pending, expected 8 (4 packets x evidence + display)"
broker_start || fail "broker did not restart"
wait_drained

echo "== 3: publisher killed with a non-empty outbox, restarted"
kill -9 "$pub_pid"; wait "$pub_pid" 2> /dev/null; pub_pid=
confirm 4
# no publisher: the back office's rows are queued, the displays resolved when it is back
[ "$(pending)" = 4 ] || fail "outbox lost rows: $(pending) pending, expected 4 (4 packets x evidence)"
start_publisher
wait_drained

confirmed=$("$cw" review -c "$tmp/site.ini" list --state confirmed | awk 'NR > 1 { print $1 }' | sort)
[ "$(echo "$confirmed" | wc -l)" = 12 ] || fail "expected 12 confirmed packets"
# acknowledged by the broker; delivered to the subscriber soon after
wait_until 30 all_received ||
  { echo "confirmed:"; echo "$confirmed"; echo "received:"; received_ids; fail "not every confirmed packet arrived"; }
messages=$(grep -c '"packet_id\\":' "$tmp/received.txt")
kill "$sub_pid"; wait "$sub_pid" 2> /dev/null; sub_pid=
broker_stop || fail "broker log"
echo "store-and-forward: 12/12 confirmed packets arrived ($messages messages, repeats recognised by packet id)"
