#!/usr/bin/env bash
# Recognition as officers meet it, in headless Chromium: three cases with
# faces in a real store (two of one face, one of a face an admin enrolled
# on the watchlist with `crosswatch watchlist`), confirmed with `crosswatch
# review`; then `crosswatch serve` and the browser (tests/e2e/recognition_e2e.js):
# the supervisor sees "possible earlier case" on the repeat and the
# watchlist match on the other and confirms it; the reviewer sees no
# watchlist label. With CW_SCREENSHOTS=DIR the case pages are kept there.
set -u
cw=$1 make_cases=$2 free_port=$3 src=$4
. "$src/tests/review_accounts.sh"
fail() { echo "FAIL: $*"; exit 1; }
for tool in chromium node npm; do
  command -v $tool > /dev/null || fail "$tool is not installed (scripts/install-deps.sh)"
done
html=/usr/share/doc/opencv-doc/opencv4/html
cascade=/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml
tmp=$(mktemp -d)
serve_pid=
cleanup() { [ -n "$serve_pid" ] && kill "$serve_pid" 2> /dev/null; wait 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
e2e=$src/tests/e2e
if [ ! -d "$e2e/node_modules/puppeteer-core" ]; then
  (cd "$e2e" && npm install --no-audit --no-fund --silent) > "$tmp/npm.log" 2>&1 ||
    { cat "$tmp/npm.log"; fail "npm install puppeteer-core"; }
fi
cat > "$tmp/site.ini" <<INI
[site]
id = s1
name = Test Rd
profile = us
[camera:main]
uri = file:///dev/null
[signal]
source = none
[evidence]
db = $tmp/evidence.db
key = $tmp/device.key
[recognition]
enabled = true
legal_basis = City ordinance 12-7: repeat offenders at signalised crossings
INI
mapfile -t ids < <("$make_cases" "$tmp/site.ini" "$cascade" "$html/faceDetection.png:95" "$html/faceDetection.png:30" \
  "$html/julia_facedetect_sample.jpg:95") || fail "making the cases"
[ ${#ids[@]} -eq 3 ] || fail "3 cases expected, got ${#ids[@]}"
review_accounts "$tmp/site.ini" || fail "review accounts"
echo "admin-password-1" | "$cw" users -c "$tmp/site.ini" add boss --role admin > /dev/null || fail "admin account"
review_confirm "$tmp/site.ini" "${ids[0]}" || fail "confirming the first case"
echo "admin-password-1" | "$cw" watchlist -c "$tmp/site.ini" --user boss enrol --image "$html/julia_facedetect_sample.jpg" \
  --label "Mona" --reason "crossed on red three times in May" --legal-basis "City ordinance 12-7 (repeat offenders)" \
  --days 30 > "$tmp/enrol.out" 2>&1 || { cat "$tmp/enrol.out"; fail "enrolment"; }
for id in "${ids[1]}" "${ids[2]}"; do
  review_as "$tmp/site.ini" officer show "$id" --media-out "$tmp/media-$id" > /dev/null &&
    review_as "$tmp/site.ini" officer confirm "$id" > /dev/null || fail "the officer's confirmation of $id"
done
http_port=$("$free_port")
"$cw" serve -c "$tmp/site.ini" --listen "127.0.0.1:$http_port" > "$tmp/serve.log" 2>&1 &
serve_pid=$!
for i in $(seq 100); do grep -q "review service on" "$tmp/serve.log" && break; sleep 0.2; done
grep -q "review service on" "$tmp/serve.log" || { cat "$tmp/serve.log"; fail "serve did not start"; }
shots=${CW_SCREENSHOTS:-$tmp/shots}
mkdir -p "$shots"
node "$e2e/recognition_e2e.js" "http://127.0.0.1:$http_port" "$shots" "${ids[0]}" "${ids[1]}" "${ids[2]}" \
  officer "$REVIEW_PW_officer" sergeant "$REVIEW_PW_sergeant" || { tail -20 "$tmp/serve.log"; fail "the browser test"; }
n=$(sqlite3 "$tmp/evidence.db" "SELECT COUNT(*) FROM audit_log WHERE action = 'watchlist:confirmed' AND actor = 'sergeant'")
[ "$n" = 1 ] || fail "no audit row of the supervisor's confirmation of the match"
echo "recognition in the browser: the repeat and the watchlist match shown and decided as the docs say"
