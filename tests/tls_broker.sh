#!/usr/bin/env bash
# TLS to the broker: certificates made here (openssl), a mosquitto listener
# that requires a client certificate; the publisher and the display client
# connect with [mqtt] tls_ca/tls_cert/tls_key, plain connections are refused.
set -u
cw=$1 free_port=$2 src=$3 data=$4
tmp=$(mktemp -d)
broker_pid= display_pid=
cleanup() { for pid in $display_pid $broker_pid; do kill "$pid" 2> /dev/null; done; wait 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$tmp"/*.log 2> /dev/null | tail -20; exit 1; }
cd "$tmp" || exit 1

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=crosswatch test CA" -keyout ca.key -out ca.crt 2> /dev/null
for who in broker appliance; do
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout $who.key -out $who.csr 2> /dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' > $who.ext
  openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile $who.ext -out $who.crt 2> /dev/null
done
[ -s appliance.crt ] || fail "openssl could not make certificates"
# a broker started as root reads them as the mosquitto user
chmod 755 "$tmp"; chmod 644 "$tmp"/*.crt "$tmp"/*.key

port=$("$free_port")
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\ncafile %s/ca.crt\ncertfile %s/broker.crt\nkeyfile %s/broker.key\nrequire_certificate true\n' \
  "$port" "$tmp" "$tmp" "$tmp" > mosquitto.conf
mosquitto -c mosquitto.conf > mosquitto.log 2>&1 &
broker_pid=$!
sleep 1

tls="tls_ca = $tmp/ca.crt\ntls_cert = $tmp/appliance.crt\ntls_key = $tmp/appliance.key"
sed -e "s#^uri = .*#uri = file://$(realpath "$data/vtest.avi")#" -e "s#^port = .*#port = $port\n$tls#" \
    -e "s#^db = .*#db = $tmp/evidence.db\nkey = $tmp/device.key#" "$src/hwcfg/examples/vtest-site.ini" > site.ini
sed -e "s#^port = .*#port = $port\n$tls#" -e "s#^out_dir = .*#out_dir = $tmp/screens#" \
    "$src/hwcfg/examples/display.ini" > display.ini
"$cw" check-config -c site.ini > /dev/null || fail "TLS config refused"
"$cw" display -c display.ini > display.log 2>&1 &
display_pid=$!

"$cw" run -c site.ini 2> run.log || fail "run"
id=$("$cw" review -c site.ini list --state pending | awk 'NR == 2 { print $1 }')
"$cw" review -c site.ini confirm "$id" > /dev/null || fail "confirm"
"$cw" publish -c site.ini --once --timeout 20 > publish.log 2>&1 || fail "publish over TLS"
for i in $(seq 100); do [ -f "screens/$id.png" ] && break; sleep 0.1; done
[ -f "screens/$id.png" ] || fail "the display did not receive the packet over TLS"

# without the client certificate the broker says no
sed -e '/^tls_/d' site.ini > plain.ini
"$cw" review -c plain.ini confirm "$("$cw" review -c plain.ini list --state pending | awk 'NR == 2 { print $1 }')" > /dev/null
"$cw" publish -c plain.ini --once --timeout 3 > plain.log 2>&1 && fail "a plain connection was accepted"
echo "tls: packet $id published and displayed over TLS with client certificates; plain refused"
