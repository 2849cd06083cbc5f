#!/usr/bin/env bash
# Store-and-forward through a broker outage and a publisher crash: every
# confirmed packet reaches a subscriber, repeats (QoS 1) recognised by packet
# id; a restarted publisher resumes a non-empty outbox.
set -u
cw=$1 free_port=$2 src=$3 data=$4
tmp=$(mktemp -d)
chmod 755 "$tmp" # a broker started as root keeps its persistence as the mosquitto user
broker_pid= sub_pid= pub_pid=
cleanup() {
  for pid in $pub_pid $sub_pid $broker_pid; do kill "$pid" 2> /dev/null; done
  wait 2> /dev/null; rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

port=$("$free_port")
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location %s/\nautosave_interval 1\n' \
  "$port" "$tmp" > "$tmp/mosquitto.conf"
start_broker() {
  mosquitto -c "$tmp/mosquitto.conf" >> "$tmp/mosquitto.log" 2>&1 &
  broker_pid=$!
  for i in $(seq 50); do mosquitto_sub -p "$port" -t x -W 1 -C 1 2>&1 | grep -q refused || break; sleep 0.1; done
}
stop_broker() { kill "$broker_pid"; wait "$broker_pid" 2> /dev/null; broker_pid=; }
start_publisher() { "$cw" publish -c "$tmp/site.ini" >> "$tmp/publish.log" 2>&1 & pub_pid=$!; }
pending() { sqlite3 "$tmp/evidence.db" "SELECT COUNT(*) FROM outbox WHERE sent_utc IS NULL"; }
wait_drained() {
  for i in $(seq 200); do [ "$(pending)" = 0 ] && return 0; sleep 0.1; done
  fail "outbox not drained: $(pending) pending"
}
confirm() { # N: confirm the next N pending packets
  for id in $("$cw" review -c "$tmp/site.ini" list --state pending | awk 'NR > 1 { print $1 }' | head -"$1"); do
    "$cw" review -c "$tmp/site.ini" --user officer confirm "$id" > /dev/null || fail "confirm $id"
  done
}

sed -e "s#^uri = .*#uri = file://$(realpath "$data/vtest.avi")#" -e "s#^port = .*#port = $port#" \
    -e "s#^db = .*#db = $tmp/evidence.db\nkey = $tmp/device.key#" "$src/hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"
site=$(sed -n 's/^id = //p' "$tmp/site.ini" | head -1)
# evidence to publish: the sample video's violations, the broker not yet up
"$cw" run -c "$tmp/site.ini" 2> "$tmp/run.log" || fail "run"
[ "$("$cw" review -c "$tmp/site.ini" list --state pending | wc -l)" -gt 20 ] || fail "too few packets"

start_broker
mosquitto_sub -p "$port" -q 1 -c -i crosswatch-test-subscriber -t "crosswatch/$site/evidence" > "$tmp/received.txt" 2>&1 &
sub_pid=$!
sleep 0.5
start_publisher

echo "== 1: broker up"
confirm 6
wait_drained

echo "== 2: broker down while packets are confirmed, then back"
stop_broker
confirm 6
sleep 2
[ "$(pending)" = 12 ] || fail "rows marked sent while the broker was down: $(pending) pending, expected 12 (6 packets x evidence + display)"
start_broker
wait_drained

echo "== 3: publisher killed with a non-empty outbox, restarted"
kill -9 "$pub_pid"; wait "$pub_pid" 2> /dev/null; pub_pid=
confirm 6
[ "$(pending)" = 12 ] || fail "outbox lost rows: $(pending) pending"
start_publisher
wait_drained
sleep 2

confirmed=$("$cw" review -c "$tmp/site.ini" list --state confirmed | awk 'NR > 1 { print $1 }' | sort)
[ "$(echo "$confirmed" | wc -l)" = 18 ] || fail "expected 18 confirmed packets"
received=$(grep -o '"packet_id\\":\\"[0-9a-f-]*' "$tmp/received.txt" | sed 's/.*\\"//' | sort)
unique=$(echo "$received" | sort -u)
[ "$unique" = "$confirmed" ] || { echo "confirmed:"; echo "$confirmed"; echo "received:"; echo "$unique"; fail "not every confirmed packet arrived"; }
echo "store-and-forward: 18/18 confirmed packets arrived ($(echo "$received" | wc -l) messages, repeats recognised by packet id)"
