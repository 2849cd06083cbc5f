#!/usr/bin/env bash
# The review service over real HTTP and HTTPS, as an attacker meets it:
# `crosswatch serve` on free loopback ports with a real store; curl sends what
# a browser would not (no session, no CSRF token, another role's session,
# encoded ../, an oversized body, odd methods, a forged cookie) and checks the
# answers, the security headers, the HTTPS cookie, and that the service is
# still up and the store intact afterwards.
set -u
cw=$1 free_port=$2 src=$3 data=$4
. "$src/tests/broker.sh" # wait_until
. "$src/tests/review_accounts.sh"
fail() { echo "FAIL: $*"; exit 1; }
for tool in curl openssl sqlite3; do command -v $tool > /dev/null || fail "$tool is not installed"; done
video="$data/vtest.avi"
tmp=$(mktemp -d)
pids=
cleanup() {
  for pid in $pids; do kill "$pid" 2> /dev/null; done
  wait 2> /dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# the first 30 s of the footage give the few packets this needs (4), at a
# third of the pipeline's time (this test also runs under the sanitizers)
gst-launch-1.0 -q filesrc location="$video" ! avidemux name=d d.video_0 ! queue ! identity eos-after=300 \
  ! matroskamux ! filesink location="$tmp/short.mkv" || fail "cutting the footage"
sed -e "s#^uri = .*#uri = file://$tmp/short.mkv#" -e "/^\[mqtt\]/,/^\[/{/^\[mqtt\]/d;/^[a-z_]* = /d}" \
    -e "s#^db = .*#db = $tmp/var/evidence.db\nkey = $tmp/var/device.key#" "$src/hwcfg/examples/vtest-site.ini" > "$tmp/site.ini"
"$cw" run -c "$tmp/site.ini" 2> "$tmp/run.log" || { tail -3 "$tmp/run.log"; fail "run"; }
review_accounts "$tmp/site.ini" || fail "accounts"
review_clear_clocks "$tmp/site.ini" || fail "clear the clock_unsynced cases"
echo "auditor-password-1" | "$cw" users -c "$tmp/site.ini" add auditor --role auditor > /dev/null || fail "auditor"
ids=$("$cw" review -c "$tmp/site.ini" list --state pending | awk 'NR > 1 { print $1 }')
set -- $ids
id=$1 other=$2

port=$("$free_port")
"$cw" serve -c "$tmp/site.ini" --listen "127.0.0.1:$port" > "$tmp/serve.log" 2>&1 &
pids="$pids $!"
wait_until 20 grep -q "review service on" "$tmp/serve.log" || { cat "$tmp/serve.log"; fail "serve"; }
url=http://127.0.0.1:$port

# as the UI sends them: JSON (a POST of another type is refused, 415)
code() { curl -s -o "$tmp/body" -w '%{http_code}' -H 'Content-Type: application/json' "$@"; }
expect() { # CODE WHAT CURL-ARGS...
  local want=$1 what=$2 got
  shift 2
  got=$(code "$@")
  [ "$got" = "$want" ] || fail "$what: HTTP $got, expected $want ($(head -c 200 "$tmp/body"))"
  echo "ok - $what: $want"
}
login() { # USER PASSWORD -> cookie jar $tmp/USER.jar, token in $tmp/USER.csrf
  curl -s -c "$tmp/$1.jar" -H 'Content-Type: application/json' -d "{\"user\":\"$1\",\"password\":\"$2\"}" \
       "$url/api/login" | sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' > "$tmp/$1.csrf"
  [ -s "$tmp/$1.csrf" ] || fail "login $1"
}

echo "== no session"
for path in /api/session /api/cases "/api/cases/$id" "/api/cases/$id/media/overview_decision" \
            "/api/cases/$id/bundle" /api/audit /api/users; do
  expect 401 "GET $path without a session" "$url$path"
  expect 401 "GET $path with a forged cookie" -b "cw_session=$(printf '%064d' 7)" "$url$path"
done
for path in /api/logout "/api/cases/$id/confirm" "/api/cases/$id/reverse" /api/users /api/users/officer/disable; do
  expect 401 "POST $path without a session" -d '{}' "$url$path"
done

echo "== CSRF, roles"
login officer "$REVIEW_PW_officer"
login auditor auditor-password-1
expect 200 "the queue with a session" -b "$tmp/officer.jar" "$url/api/cases"
expect 403 "POST without X-CSRF-Token" -b "$tmp/officer.jar" -d '{"code":"other","reason":"x"}' "$url/api/cases/$id/reject"
expect 403 "POST with the auditor's token" -b "$tmp/officer.jar" -H "X-CSRF-Token: $(cat "$tmp/auditor.csrf")" \
       -d '{"code":"other","reason":"x"}' "$url/api/cases/$id/reject"
csrf="X-CSRF-Token: $(cat "$tmp/officer.csrf")"
expect 403 "a reviewer reverses" -b "$tmp/officer.jar" -H "$csrf" -d '{"reason":"x"}' "$url/api/cases/$id/reverse"
expect 403 "a reviewer reads the audit log" -b "$tmp/officer.jar" "$url/api/audit"
expect 403 "a reviewer adds a user" -b "$tmp/officer.jar" -H "$csrf" -d '{"name":"x","role":"admin","password":"0123456789"}' "$url/api/users"
expect 403 "an auditor confirms" -b "$tmp/auditor.jar" -H "X-CSRF-Token: $(cat "$tmp/auditor.csrf")" -d '{}' "$url/api/cases/$id/confirm"
expect 200 "an auditor reads the audit log" -b "$tmp/auditor.jar" "$url/api/audit"
expect 409 "confirm before opening the media" -b "$tmp/officer.jar" -H "$csrf" -d '{}' "$url/api/cases/$id/confirm"

expect 415 "a login posted as a form (login CSRF)" -H 'Content-Type: text/plain' \
       -d "{\"user\":\"officer\",\"password\":\"$REVIEW_PW_officer\"}" "$url/api/login"
expect 403 "a login from another origin" -H "Origin: http://evil.example" \
       -d "{\"user\":\"officer\",\"password\":\"$REVIEW_PW_officer\"}" "$url/api/login"
expect 403 "an action from another origin" -b "$tmp/officer.jar" -H "$csrf" -H "Origin: http://evil.example" \
       -d '{"code":"other","reason":"x"}' "$url/api/cases/$id/reject"
expect 405 "HEAD of a media item (it would count as opened)" -I -b "$tmp/officer.jar" "$url/api/cases/$id/media/overview_decision"
expect 400 "a reason with invalid UTF-8 (a lone surrogate)" -b "$tmp/officer.jar" -H "$csrf" \
       --data-binary '{"code":"other","reason":"ok \ud800 x"}' "$url/api/cases/$id/reject"
expect 400 "a reason with control characters" -b "$tmp/officer.jar" -H "$csrf" \
       --data-binary '{"code":"other","reason":"a\u0007b"}' "$url/api/cases/$id/reject"

echo "== hostile ids and names"
for path in "/api/cases/$id/media/..%2F..%2Fvar%2Fevidence.db" "/api/cases/$id/media/%2e%2e" \
            "/api/cases/..%2F..%2Fetc%2Fpasswd" "/api/cases/$id/media/overview_entry%00.jpg" \
            "/api/cases/%27%20OR%201%3D1--" "/api/cases/00000000-0000-0000-0000-000000000000"; do
  got=$(code -b "$tmp/officer.jar" --path-as-is "$url$path")
  case $got in 400|404) echo "ok - $path: $got" ;; *) fail "$path: HTTP $got ($(head -c 200 "$tmp/body"))" ;; esac
  grep -q "SQLite\|sqlite\|evidence.db" "$tmp/body" && fail "$path: the answer names the store"
done
expect 404 "../ in the UI path" --path-as-is "$url/ui/../../etc/passwd"
expect 405 "PUT" -X PUT -b "$tmp/officer.jar" -H "$csrf" -d '{}' "$url/api/cases/$id/confirm"
expect 405 "DELETE" -X DELETE -b "$tmp/officer.jar" -H "$csrf" "$url/api/cases/$id"
head -c 200000 /dev/zero | tr '\0' a > "$tmp/big"
expect 413 "a 200 kB body" -b "$tmp/officer.jar" -H "$csrf" --data-binary @"$tmp/big" "$url/api/cases/$id/reject"
expect 413 "a chunked body (no length)" -H 'Transfer-Encoding: chunked' --data-binary @"$tmp/big" "$url/api/login"
expect 400 "a body that is not JSON" -b "$tmp/officer.jar" -H "$csrf" -d 'not json' "$url/api/cases/$id/reject"

echo "== markup in a reason is stored as text"
expect 200 "reject with <script> in the reason" -b "$tmp/officer.jar" -H "$csrf" \
       -d '{"code":"other","reason":"<script>alert(1)</script>"}' "$url/api/cases/$other/reject"
detail=$(sqlite3 "$tmp/var/evidence.db" "SELECT detail FROM audit_log WHERE action = 'review:rejected'")
[ "$detail" = "other: <script>alert(1)</script>" ] || fail "stored reason is '$detail'"
code -b "$tmp/officer.jar" "$url/api/cases/$other" > /dev/null
grep -q 'other: <script>alert(1)</script>' "$tmp/body" || grep -q 'other: \\u003cscript' "$tmp/body" || fail "reason not returned as JSON text"

echo "== headers"
curl -s -D "$tmp/headers" -o /dev/null "$url/"
for h in "Content-Security-Policy: default-src 'self'" "X-Content-Type-Options: nosniff" "X-Frame-Options: DENY" \
         "Referrer-Policy: no-referrer"; do
  grep -qi "^$h" "$tmp/headers" || fail "header missing: $h"
done
grep -q "script-src 'self'" "$tmp/headers" || fail "CSP allows scripts from elsewhere"
echo "ok - security headers"
curl -s -D "$tmp/h2" -o /dev/null -H 'Content-Type: application/json' -d "{\"user\":\"sergeant\",\"password\":\"$REVIEW_PW_sergeant\"}" "$url/api/login"
grep -qi "^Set-Cookie: cw_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict" "$tmp/h2" || fail "session cookie flags: $(grep -i set-cookie "$tmp/h2")"

echo "== public page"
expect 404 "public page of a pending case" "$url/case/$id"
cp "$tmp/body" "$tmp/pending.html"
expect 404 "public page of an unknown case" "$url/case/00000000-0000-0000-0000-000000000000"
cmp -s "$tmp/body" "$tmp/pending.html" || fail "unknown and unpublished cases answer differently"
expect 404 "public page of a rejected case" "$url/case/$other"
cmp -s "$tmp/body" "$tmp/pending.html" || fail "rejected and unknown cases answer differently"
expect 404 "public image of a pending case" "$url/case/$id/image.jpg"

echo "== lockout"
for i in 1 2 3 4; do
  expect 401 "wrong password $i" -H 'Content-Type: application/json' -d '{"user":"auditor","password":"wrong-password"}' "$url/api/login"
done
expect 423 "the fifth wrong password locks" -H 'Content-Type: application/json' -d '{"user":"auditor","password":"wrong-password"}' "$url/api/login"
expect 423 "locked: the right password too" -H 'Content-Type: application/json' -d '{"user":"auditor","password":"auditor-password-1"}' "$url/api/login"
"$cw" users -c "$tmp/site.ini" list | grep -q "^auditor .* locked" || fail "users list does not show the lock"

echo "== HTTPS"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$tmp/review.key" -out "$tmp/review.crt" 2> /dev/null || fail "openssl"
tport=$("$free_port")
# the keys go into the site's own [review] (a second [review] is an error)
grep -q '^\[review\]' "$tmp/site.ini" || echo '[review]' >> "$tmp/site.ini"
sed -e "s#^\[review\]#&\ntls_cert = $tmp/review.crt\ntls_key = $tmp/review.key#" "$tmp/site.ini" > "$tmp/tls.ini"
"$cw" serve -c "$tmp/tls.ini" --listen "127.0.0.1:$tport" > "$tmp/tls.log" 2>&1 &
pids="$pids $!"
wait_until 20 grep -q "review service on https" "$tmp/tls.log" || { cat "$tmp/tls.log"; fail "serve over TLS"; }
curl -s --cacert "$tmp/review.crt" -D "$tmp/h3" -o /dev/null -H 'Content-Type: application/json' \
     -d "{\"user\":\"sergeant\",\"password\":\"$REVIEW_PW_sergeant\"}" "https://127.0.0.1:$tport/api/login"
grep -qi "^Set-Cookie: cw_session=.*; Secure" "$tmp/h3" || fail "the HTTPS cookie is not Secure: $(cat "$tmp/h3")"
echo "ok - HTTPS login, Secure cookie"
[ "$(code "http://127.0.0.1:$tport/api/cases")" = 200 ] && fail "plain HTTP answered on the TLS port"
sed -e "s#^tls_key = .*#tls_key = /nonexistent.key#" "$tmp/tls.ini" > "$tmp/bad.ini"
"$cw" serve -c "$tmp/bad.ini" --listen "127.0.0.1:$tport" > "$tmp/bad.log" 2>&1 && fail "serve started with a missing key"
grep -q "tls_key" "$tmp/bad.log" || fail "no clear error for the missing key: $(cat "$tmp/bad.log")"
echo "ok - a missing TLS key is named"

echo "== 300 half-sent requests held open"
# more than the connection cap: the service goes on answering once it has
# closed them (after 30 s without a byte), though the client still holds
# them, and its listener survives (libsoup's own stops at a failed accept)
python3 - "$port" > "$tmp/hold.log" 2>&1 << 'PY' &
import socket, sys, time
held = []
for _ in range(300):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
        s.sendall(b"GET /api/session HTTP/1.1\r\nHost: x\r\n")
        held.append(s)
    except OSError as e:
        print("connect:", e)
print("holding", len(held), flush=True)
time.sleep(60)
PY
hold_pid=$!
pids="$pids $hold_pid"
wait_until 30 grep -q holding "$tmp/hold.log" || fail "the holding client did not start"
answers() { [ "$(curl -s -m 3 -o /dev/null -w '%{http_code}' "$url/api/session")" = 401 ]; }
wait_until 45 answers || fail "the service did not answer again while idle connections were held"
echo "ok - answers while 300 idle connections are held ($(tr '\n' ' ' < "$tmp/hold.log"))"
kill "$hold_pid" 2> /dev/null

echo "== still up, store intact"
expect 200 "the service still answers" -b "$tmp/officer.jar" "$url/api/cases"
"$cw" verify -c "$tmp/site.ini" | tail -1 | grep -q " 0 failure(s)" || fail "verify"
echo PASS
