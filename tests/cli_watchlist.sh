#!/usr/bin/env bash
# The watchlist at the cabinet, as an admin and a reviewer would use it:
# `crosswatch watchlist` on a real store, passwords on standard input. An
# admin enrols a photo (the face found in it) with a reason, a legal basis
# and an expiry, lists and removes it; a reviewer may not; a photo with no
# face, a missing legal basis and a site whose profile forbids recognition
# are refused with words that say why; every step is in the audit log.
set -u
cw=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
photo=/usr/share/doc/opencv-doc/opencv4/html/julia_facedetect_sample.jpg
[ -f "$photo" ] || { echo "FAIL: no test photo $photo (opencv-doc)"; exit 1; }
cat > "$tmp/site.ini" <<INI
[site]
id = s1
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
echo "admin-password-1" | "$cw" users -c "$tmp/site.ini" add boss --role admin > /dev/null || { echo "FAIL: add admin"; exit 1; }
echo "officer-password-1" | "$cw" users -c "$tmp/site.ini" add officer --role reviewer > /dev/null || { echo "FAIL: add reviewer"; exit 1; }
run() { # PASSWORD ARGS...: output in $tmp/out, status in $rc
  local pw=$1; shift
  echo "$pw" | "$cw" watchlist -c "$tmp/site.ini" "$@" > "$tmp/out" 2>&1; rc=$?
}
run admin-password-1 --user boss enrol --image "$photo" --label "Mona" --reason "crossed on red three times in May" \
  --legal-basis "City ordinance 12-7 (repeat offenders)" --days 30
[ $rc -eq 0 ] && grep -q "watchlist entry 1 enrolled for 30 days" "$tmp/out" || { echo "FAIL: enrol: exit $rc"; cat "$tmp/out"; fail=1; }
run officer-password-1 --user officer enrol --image "$photo" --label "X" --reason "crossed on red three times" \
  --legal-basis "City ordinance 12-7 (repeat offenders)" --days 30
[ $rc -eq 1 ] && grep -qi "role\|may not" "$tmp/out" || { echo "FAIL: a reviewer enrolled: exit $rc"; cat "$tmp/out"; fail=1; }
convert -size 200x200 xc:gray "$tmp/grey.jpg"
run admin-password-1 --user boss enrol --image "$tmp/grey.jpg" --label "Nobody" --reason "crossed on red three times" \
  --legal-basis "City ordinance 12-7 (repeat offenders)" --days 30
[ $rc -eq 1 ] && grep -q "the image: no face found" "$tmp/out" || { echo "FAIL: a photo with no face: exit $rc"; cat "$tmp/out"; fail=1; }
# hostile photos: a FIFO (would block), a device, a PNG that says 20000x20000 (a decompression bomb)
mkfifo "$tmp/fifo"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0N \0\0N \x08\x06\0\0\0' > "$tmp/bomb.png"
head -c 4096 /dev/zero >> "$tmp/bomb.png"
for bad in "$tmp/fifo:not a regular image file" "/dev/zero:not a regular image file" "$tmp/bomb.png:a 20000x20000 image: at most 24 megapixels"; do
  timeout 20 bash -c "echo admin-password-1 | '$cw' watchlist -c '$tmp/site.ini' --user boss enrol --image '${bad%%:*}' \
    --label X --reason 'crossed on red three times' --legal-basis 'City ordinance 12-7 (repeat offenders)' --days 30" > "$tmp/out" 2>&1; rc=$?
  [ $rc -eq 1 ] && grep -q "${bad#*:}" "$tmp/out" || { echo "FAIL: photo ${bad%%:*}: exit $rc"; cat "$tmp/out"; fail=1; }
done
run admin-password-1 --user boss enrol --image "$photo" --label "Mona" --reason "crossed on red" --days 30
[ $rc -eq 1 ] && grep -q "the legal basis needs 10 to 2000 bytes" "$tmp/out" ||
  { echo "FAIL: no legal basis: exit $rc"; cat "$tmp/out"; fail=1; }
run admin-password-1 --user boss enrol --image "$photo" --label "Mona" --reason "crossed on red three times" \
  --legal-basis "City ordinance 12-7 (repeat offenders)" --days 9999
[ $rc -eq 1 ] && grep -q "1 to 365 days" "$tmp/out" || { echo "FAIL: 9999 days: exit $rc"; cat "$tmp/out"; fail=1; }
run admin-password-1 --user boss list
[ $rc -eq 0 ] && grep -q "^1 *in force .* Mona .* boss *City ordinance 12-7" "$tmp/out" || { echo "FAIL: list"; cat "$tmp/out"; fail=1; }
run admin-password-1 --user boss remove 0x1
[ $rc -eq 2 ] && grep -q "'0x1' is not an entry number" "$tmp/out" || { echo "FAIL: entry 0x1: exit $rc"; cat "$tmp/out"; fail=1; }
echo x | "$cw" watchlist -c "$tmp/site.ini" list > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q -- "--user NAME is needed" "$tmp/out" || { echo "FAIL: list without --user: exit $rc"; cat "$tmp/out"; fail=1; }
run admin-password-1 --user boss remove 1
[ $rc -eq 0 ] && grep -q "entry 1 removed: its face is deleted" "$tmp/out" || { echo "FAIL: remove"; cat "$tmp/out"; fail=1; }
run admin-password-1 --user boss remove 1
[ $rc -eq 1 ] && grep -q "no watchlist entry 1 in force" "$tmp/out" || { echo "FAIL: remove twice: exit $rc"; cat "$tmp/out"; fail=1; }
[ "$(sqlite3 "$tmp/evidence.db" "SELECT length(feature) + length(image) FROM watchlist WHERE id = 1")" = 0 ] ||
  { echo "FAIL: the removed entry kept its face"; fail=1; }
for a in watchlist:enrol watchlist:view watchlist:remove refused:watchlist:enrol; do
  [ "$(sqlite3 "$tmp/evidence.db" "SELECT COUNT(*) FROM audit_log WHERE action = '$a'")" -ge 1 ] ||
    { echo "FAIL: no audit row $a"; fail=1; }
done
# a site under the eu profile: the watchlist does not start
sed 's/^profile = us/profile = eu/' "$tmp/site.ini" > "$tmp/eu.ini"
echo admin-password-1 | "$cw" watchlist -c "$tmp/eu.ini" --user boss list > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "refused under profile 'eu'" "$tmp/out" || { echo "FAIL: eu profile: exit $rc"; cat "$tmp/out"; fail=1; }
# the site moves to the eu profile, its [recognition] group removed: the
# next purge erases what recognition kept, audited
run admin-password-1 --user boss enrol --image "$photo" --label "Mona" --reason "crossed on red three times in May" \
  --legal-basis "City ordinance 12-7 (repeat offenders)" --days 30
[ $rc -eq 0 ] || { echo "FAIL: second enrolment"; cat "$tmp/out"; fail=1; }
sed -e 's/^profile = us/profile = eu/' -e '/^\[recognition\]/,$d' "$tmp/site.ini" > "$tmp/off.ini"
"$cw" purge -c "$tmp/off.ini" > "$tmp/out" 2>&1 && grep -q "watchlist face(s) erased: recognition is not enabled here" "$tmp/out" ||
  { echo "FAIL: purge under eu kept recognition data"; cat "$tmp/out"; fail=1; }
[ "$(sqlite3 "$tmp/evidence.db" "SELECT COUNT(*) FROM watchlist WHERE length(image) > 0 OR removed_utc IS NULL")" = 0 ] &&
  [ "$(sqlite3 "$tmp/evidence.db" "SELECT COUNT(*) FROM audit_log WHERE action = 'recognition:erased'")" = 1 ] ||
  { echo "FAIL: the watchlist's faces survived the move to eu"; fail=1; }
[ $fail -eq 0 ] && echo "watchlist: enrolment, list and removal audited; refusals say why"
exit $fail
