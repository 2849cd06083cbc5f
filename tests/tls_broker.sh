#!/usr/bin/env bash
# TLS to the broker: certificates made here (openssl), a mosquitto listener
# that requires a client certificate; the publisher and the display client
# connect with [mqtt] tls_ca/tls_cert/tls_key, plain connections are refused.
set -u
cw=$1 free_port=$2 src=$3 data=$4
. "$src/tests/broker.sh"
. "$src/tests/review_accounts.sh"
tmp=$(mktemp -d)
display_pid=
cleanup() { [ -n "$display_pid" ] && kill "$display_pid" 2> /dev/null; broker_cleanup; wait 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$tmp"/*.log "$broker_log" 2> /dev/null | tail -20; exit 1; }
cd "$tmp" || exit 1

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=crosswatch test CA" -keyout ca.key -out ca.crt 2> /dev/null
for who in broker appliance; do
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout $who.key -out $who.csr 2> /dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' > $who.ext
  openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile $who.ext -out $who.crt 2> /dev/null
done
[ -s appliance.crt ] || fail "openssl could not make certificates"

# the broker's copies: it reads them as its own user (tests/broker.sh)
broker_init "$free_port" || fail "broker set-up"
broker_add_conf "cafile $(broker_file ca.crt)" "certfile $(broker_file broker.crt)" "keyfile $(broker_file broker.key)" \
  "require_certificate true"
broker_start || fail "the TLS broker did not start"
port=$broker_port

tls="tls_ca = $tmp/ca.crt\ntls_cert = $tmp/appliance.crt\ntls_key = $tmp/appliance.key"
sed -e "s#^uri = .*#uri = file://$(realpath "$data/vtest.avi")#" -e "s#^port = .*#port = $port\n$tls#" \
    -e "s#^db = .*#db = $tmp/evidence.db\nkey = $tmp/device.key#" "$src/hwcfg/examples/vtest-site.ini" > site.ini
sed -e "s#^port = .*#port = $port\n$tls#" -e "s#^out_dir = .*#out_dir = $tmp/screens#" \
    -e "s#^trusted_keys = .*#trusted_keys = $tmp/device.key.pub#" "$src/hwcfg/examples/display.ini" > display.ini
"$cw" check-config -c site.ini > /dev/null || fail "TLS config refused"

"$cw" run -c site.ini 2> run.log || fail "run"
review_accounts site.ini || fail "review accounts"
review_clear_clocks site.ini || fail "clear the clock_unsynced cases"
# the display trusts the device key, which run made
"$cw" display -c display.ini > display.log 2>&1 &
display_pid=$!
wait_until 30 broker_subscribed "crosswatch/vtest-demo/display/main" || fail "the display did not subscribe over TLS"
id=$("$cw" review -c site.ini list --state pending | awk 'NR == 2 { print $1 }')
review_confirm site.ini "$id" || fail "confirm"
"$cw" publish -c site.ini --once --timeout 20 > publish.log 2>&1 || fail "publish over TLS"
wait_until 30 test -f "screens/$id.png" || fail "the display did not receive the packet over TLS"

# without the client certificate the broker says no
sed -e '/^tls_/d' site.ini > plain.ini
review_confirm plain.ini "$("$cw" review -c plain.ini list --state pending | awk 'NR == 2 { print $1 }')"
"$cw" publish -c plain.ini --once --timeout 3 > plain.log 2>&1 && fail "a plain connection was accepted"
kill "$display_pid"; wait "$display_pid" 2> /dev/null; display_pid=
broker_stop || fail "the broker logged errors"
echo "tls: packet $id published and displayed over TLS with client certificates; plain refused"
