#!/usr/bin/env bash
# The install tree: `cmake --install` into a fresh prefix gives the binary,
# the GStreamer plugin where GStreamer finds it, the systemd units (checked
# by systemd-analyze verify, their ExecStart the installed binary), the
# sysusers file, the man pages (groff finds no problem), the docs and the
# example configs; the installed binary checks the installed example; and
# under a notify socket the installed services say READY, feed the
# watchdog from their main loop and say STOPPING.
set -u
build=$1 notify_sink=$2 free_port=$3
. "$(dirname "$0")/broker.sh" # wait_until
for tool in systemd-analyze groff gst-inspect-1.0; do
  command -v $tool > /dev/null || { echo "FAIL: $tool is not installed"; exit 1; }
done
tmp=$(mktemp -d)
pids=
trap 'for p in $pids; do kill $p 2> /dev/null; done; wait 2> /dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
prefix=$tmp/prefix

cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install"; }
for f in bin/crosswatch lib/systemd/system/crosswatch-run@.service lib/systemd/system/crosswatch-display@.service \
         lib/systemd/system/crosswatch-serve.service lib/systemd/system/crosswatch-purge.service \
         lib/systemd/system/crosswatch-purge.timer lib/sysusers.d/crosswatch.conf share/man/man1/crosswatch.1 \
         share/man/man5/crosswatch-site.ini.5 share/doc/crosswatch/hwcfg/README.md \
         share/doc/crosswatch/hwcfg/PROFILES.md share/doc/crosswatch/examples/vtest-site.ini \
         share/doc/crosswatch/examples/display.ini share/doc/crosswatch/examples/mosquitto/acl; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
plugin=$(find "$prefix" -name libgstcrosswatch.so | head -1)
[ -n "$plugin" ] || fail "the GStreamer plugin is not installed"
cw=$prefix/bin/crosswatch

echo "== the plugin, where GStreamer looks"
GST_REGISTRY=$tmp/registry.bin GST_PLUGIN_PATH=$(dirname "$plugin") gst-inspect-1.0 cwzones > "$tmp/inspect.txt" 2>&1 ||
  { cat "$tmp/inspect.txt"; fail "gst-inspect-1.0 does not find cwzones in the installed plugin"; }

echo "== the units"
grep -q "^ExecStart=$cw run -c /etc/crosswatch/%i.ini$" "$prefix/lib/systemd/system/crosswatch-run@.service" ||
  fail "crosswatch-run@.service does not start the installed binary"
for u in run display; do
  cp "$prefix/lib/systemd/system/crosswatch-$u@.service" "$tmp/crosswatch-$u@site.service"
done
(cd "$prefix/lib/systemd/system" &&
  MANPATH=$prefix/share/man: systemd-analyze verify "$tmp/crosswatch-run@site.service" "$tmp/crosswatch-display@site.service" \
    crosswatch-serve.service crosswatch-purge.service crosswatch-purge.timer) > "$tmp/verify.txt" 2>&1 ||
  { cat "$tmp/verify.txt"; fail "systemd-analyze verify"; }
grep -q '^Type=notify' "$prefix/lib/systemd/system/crosswatch-run@.service" &&
  grep -q '^WatchdogSec=' "$prefix/lib/systemd/system/crosswatch-run@.service" &&
  grep -q '^ProtectSystem=strict' "$prefix/lib/systemd/system/crosswatch-run@.service" &&
  grep -q '^NoNewPrivileges=yes' "$prefix/lib/systemd/system/crosswatch-run@.service" ||
  fail "crosswatch-run@.service is not a sandboxed notify service with a watchdog"

echo "== the man pages"
for m in man1/crosswatch.1 man5/crosswatch-site.ini.5; do
  out=$(groff -man -Tutf8 -ww -z "$prefix/share/man/$m" 2>&1)
  [ -z "$out" ] || { echo "$out"; fail "groff warns about $m"; }
done
# the site file's man page gives an example: it must be a valid site
sed -n '/^\.SH EXAMPLE/,/^\.SH /p' "$prefix/share/man/man5/crosswatch-site.ini.5" |
  sed -e '1d;$d' -e '/^\.nf$/d;/^\.fi$/d' -e 's/\\-/-/g' > "$tmp/man-example.ini"
grep -q '^\[site\]' "$tmp/man-example.ini" || fail "no example in crosswatch-site.ini(5)"
"$prefix/bin/crosswatch" check-config -c "$tmp/man-example.ini" > "$tmp/man-example.txt" 2>&1 ||
  { cat "$tmp/man-example.txt"; fail "the example in crosswatch-site.ini(5) is not a valid site"; }

echo "== the installed binary on the installed example"
sed -e "s#^db = .*#db = $tmp/var/evidence.db\nkey = $tmp/var/device.key#" \
    "$prefix/share/doc/crosswatch/examples/vtest-site.ini" > "$tmp/site.ini"
"$cw" check-config -c "$tmp/site.ini" > "$tmp/check.txt" 2>&1 || { cat "$tmp/check.txt"; fail "check-config"; }

echo "== sd_notify: ready, watchdog from the main loop, stopping"
port=$("$free_port")
"$notify_sink" "$tmp/notify" 60 > "$tmp/notify.txt" &
pids="$pids $!"
wait_until 10 test -S "$tmp/notify" || fail "the notify socket was not made"
NOTIFY_SOCKET=$tmp/notify WATCHDOG_USEC=1000000 "$cw" serve -c "$tmp/site.ini" --listen "127.0.0.1:$port" \
  > "$tmp/serve.txt" 2>&1 &
serve=$!
pids="$pids $serve"
fed() { [ "$(grep -c '^WATCHDOG=1$' "$tmp/notify.txt")" -ge 4 ]; }
wait_until 30 fed || { cat "$tmp/notify.txt"; fail "the watchdog was not fed every 0.5 s"; }
kill -TERM $serve
wait $serve 2> /dev/null
wait_until 10 grep -q '^STOPPING=1$' "$tmp/notify.txt" || { cat "$tmp/notify.txt"; fail "no STOPPING=1"; }
grep -q '^READY=1|STATUS=http://127.0.0.1:' "$tmp/notify.txt" || { cat "$tmp/notify.txt" "$tmp/serve.txt"; fail "no READY=1"; }
echo "PASS: installed tree, units verified, man pages clean, services notify systemd"
