#!/usr/bin/env bash
# Soak: crosswatch run on two looping live RTSP cameras (bench/rtsp_server)
# for MINUTES, publishing to a broker of its own. Halfway through the broker
# is restarted and one camera's server is killed and, 20 s later, started
# again. Every 10 s the run's resident memory and open file descriptors are
# sampled (/proc). It passes when, after the first fifth (warm-up):
#  - memory does not grow: over an hour or more the floor of each minute's
#    resident samples rises by less than 1 MiB per 10 minutes (least
#    squares); a shorter run's peaks rise by at most 48 MiB of heap in use
#    and 64 MiB resident less what the allocator holds free (see below);
#  - open file descriptors do not grow (the last quarter's most at most the
#    second fifth's most, plus 4 for connections being remade);
#  - no packet is lost: every decision in the events file is in the store and
#    the other way round, the store verifies, and the outbox drains.
# The CI runs 5 minutes at 768x576, 10 fps; the issue's hour at the default
# 1280x720, 25 fps:
#   bench/soak.sh BUILD_DIR [MINUTES [WIDTHxHEIGHT FPS]]
#   DROPS=N: N disruptions (broker restart and camera drop) spread evenly
#   over the run instead of one halfway (does each rebuild leave memory behind?)
set -u
build=$(realpath "${1:-build}")
minutes=${2:-60}
case ${DROPS:-1} in '' | *[!0-9]* | 0) echo "DROPS must be a whole number of disruptions, 1 or more (got '$DROPS')"; exit 2 ;; esac
size=${3:-1280x720} fps=${4:-25}
src=$(cd "$(dirname "$0")/.." && pwd)
data=${CW_SHARED_DATA:-$src/../shared/data}
cw=$build/cli/crosswatch server=$build/bench/rtsp_server free_port=$build/tests/free_port
. "$src/tests/broker.sh"
tmp=$(mktemp -d)
pids=()
run_pid=
cleanup() {
  for pid in $run_pid "${pids[@]}"; do kill -9 "$pid" 2> /dev/null && wait "$pid" 2> /dev/null; done
  broker_cleanup
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"; tail -20 "$tmp/run.log" 2> /dev/null
  [ -s "$tmp/samples.txt" ] && { echo "--- samples"; column -t "$tmp/samples.txt"; }
  exit 1
}
[ -x "$server" ] || fail "rtsp_server not built (libgstrtspserver-1.0-dev missing?)"

start_server() { # INDEX PORT
  "$server" "$data/vtest.avi" "$2" 100 "$size" "$fps" 2>> "$tmp/server$1.log" &
  pids[$1]=$!
  wait_until 60 grep -q "rtsp://" "$tmp/server$1.log" || fail "server $1 did not start"
}
port0=$("$free_port") port1=$("$free_port") http=$("$free_port")
start_server 0 "$port0"
start_server 1 "$port1"
broker_init "$free_port"
broker_start || fail "broker did not start"

. "$src/tests/two_camera_site.sh"
{
  two_camera_site "$src" "rtsp://127.0.0.1:$port0/cam" "rtsp://127.0.0.1:$port1/cam" "$broker_port" "$tmp"
  printf '[status]\nhttp_listen = 127.0.0.1:%s\n' "$http"
} | site_scaled_to "$size" > "$tmp/site.ini" # calibrated and zoned on the pictures served
"$cw" check-config -c "$tmp/site.ini" > "$tmp/check.log" 2>&1 || { cat "$tmp/check.log"; fail "the soak site is invalid"; }

if [ "${DROPS:-1}" = 1 ]; then what="broker restart and camera drop halfway"; else what="${DROPS} broker restarts and camera drops"; fi
echo "soak: two cameras at $size, $fps fps, for $minutes min ($what)"
"$cw" run -c "$tmp/site.ini" --events-out "$tmp/events.jsonl" 2> "$tmp/run.log" &
run_pid=$!
total=$((minutes * 60)) start=$SECONDS disrupted=0 drops=${DROPS:-1}
echo "t_s rss_kib fds writer_backlog heap_kib free_kib anon_kib file_kib" > "$tmp/samples.txt"
while [ $((SECONDS - start)) -lt "$total" ]; do
  kill -0 "$run_pid" 2> /dev/null || fail "the run died"
  t=$((SECONDS - start))
  # resident in all, and split: anonymous (the heap, stacks) and file-backed
  # (code, mapped files), to tell which one a slope is in
  read -r rss anon file <<< "$(awk '/^VmRSS:/ { r = $2 } /^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 }
                                   END { print r, a, f }' "/proc/$run_pid/status")"
  fds=$(ls "/proc/$run_pid/fd" | wc -l)
  # packets waiting for the writer (a backlog holds memory that is not a
  # leak), the heap in use (a leak grows it; fragmentation does not) and
  # the free memory the allocator holds for reuse (resident until its
  # minute trim: up to 64 MB an arena, svc_malloc.c)
  read -r backlog heap free <<< "$(curl -s --max-time 2 "http://127.0.0.1:$http/metrics" |
    awk '$1 == "crosswatch_writer_backlog" { b = $2 } $1 == "crosswatch_heap_in_use_bytes" { h = int($2 / 1024) }
         $1 == "crosswatch_heap_free_bytes" { f = int($2 / 1024) }
         END { print (b == "" ? "-" : b), (h == "" ? "-" : h), (f == "" ? "-" : f) }')"
  echo "$t $rss $fds $backlog $heap $free $anon $file" >> "$tmp/samples.txt"
  if [ "$disrupted" -lt "$drops" ] && [ "$t" -ge $((total * (disrupted + 1) / (drops + 1))) ]; then
    disrupted=$((disrupted + 1))
    echo "soak: $t s: broker restart, camera door dropped"
    broker_stop || fail "broker log"
    kill -9 "${pids[1]}"; wait "${pids[1]}" 2> /dev/null
    broker_start || fail "broker did not restart"
    sleep 20 # the camera stays away this long (the run retries meanwhile)
    start_server 1 "$port1"
  fi
  sleep 10
done
kill -INT "$run_pid"
wait "$run_pid" || fail "run exited $? after SIGINT"
run_pid=
grep "^crosswatch: " "$tmp/run.log" | grep -E "frames in|live:|restart|rebuilt" | sed 's/^/  /'

# Memory: open packets hold their frames until the crossing ends, so the
# resident size swings by tens of MiB with the traffic, and the run hands
# free pages back once a minute (svc_malloc), so single samples dip. Each
# minute's least and greatest sample are listed, resident and heap in use
# (a leak grows both; fragmentation only the first).
#  - An hour or more: the per-minute floors after warm-up (the first fifth)
#    are fitted by least squares and held to the target, < 1 MiB per 10 min.
#  - A shorter run cannot resolve that against the swings: the greatest
#    sample of its last quarter may exceed that of its second fifth (after
#    warm-up, before the disruption) by at most 48 MiB of heap in use (what
#    a leak grows) and 64 MiB resident, not counting the free memory the
#    allocator holds for reuse between its minute trims (since 56d8ceb up to
#    64 MB an arena, 4 arenas then, one since 6cda0af: a sample just before
#    a trim counted it, and a CI run of 2026-12-05 rose 79 MiB resident with
#    22.8 MiB more heap in use, so it failed on what was held free): the
#    allocator's own pools still grow in the first minutes (the hour run of
#    2026-12-04: +29 MiB resident over its first five minutes, flat for the
#    55 after). The heap's peaks swing
#    with the packets open and queued for the writer (each holds its
#    stills): a CI run of 2026-12-04 peaked at 229, 241, 248 and 263 MiB in
#    minutes 1 to 4 of a steady run, and its last quarter rose 33.5 MiB
#    over its second fifth, over the 32 MiB first set; the hour run's floors
#    stay the leak test.
awk 'NR > 1 && $5 != "-" { m = int($1 / 60); r = $2 / 1024; h = $5 / 1024
    if (!(m in rlo) || r < rlo[m]) rlo[m] = r; if (r > rhi[m]) rhi[m] = r
    if (!(m in hlo) || h < hlo[m]) hlo[m] = h; if (h > hhi[m]) hhi[m] = h; if (m > last) last = m }
  END { print "soak: minute, resident MiB least/most, heap in use MiB least/most"
        for (m = 0; m <= last; m++) if (m in rlo) printf "  %3d  %6.1f %6.1f  %6.1f %6.1f\n", m, rlo[m], rhi[m], hlo[m], hhi[m] }' \
  "$tmp/samples.txt"
report=$(awk -v warm=$((total / 5)) -v total="$total" 'NR > 1 && $1 >= warm {
    m = int($1 / 60); rss = $2 / 1024; heap = ($5 == "-" ? 0 : $5 / 1024)
    held = rss - ($6 == "-" || $6 == "" ? 0 : $6 / 1024) # resident less what is held free
    if (!(m in floor) || rss < floor[m]) floor[m] = rss
    if ($5 != "-" && (!(m in hfloor) || heap < hfloor[m])) hfloor[m] = heap
    if (!(m in ffloor) || $8 / 1024 < ffloor[m]) ffloor[m] = $8 / 1024
    if ($1 < 2 * warm) { early = ($3 > early ? $3 : early); rss_mid = (held > rss_mid ? held : rss_mid)
                         heap_mid = (heap > heap_mid ? heap : heap_mid) }
    if ($1 >= 0.75 * total) { late = ($3 > late ? $3 : late); rss_end = (held > rss_end ? held : rss_end)
                              heap_end = (heap > heap_end ? heap : heap_end) }
    peak = (rss > peak ? rss : peak); last = rss
  }
  # least-squares slope of the per-minute floors F, MiB per 10 minutes
  function slope10(f,    m, k, x, sx, sy, sxx, sxy) {
    for (m in f) { k++; x = m * 60; sx += x; sy += f[m]; sxx += x * x; sxy += x * f[m] }
    return (k > 1) ? 600 * (k * sxy - sx * sy) / (k * sxx - sx * sx) : 0
  }
  END {
    for (m in floor) n++
    printf "%.3f %d %d %.1f %.1f %d %.1f %.1f %.3f %.3f", slope10(floor), early, late, last, peak, n, rss_end - rss_mid,
      heap_end - heap_mid, slope10(hfloor), slope10(ffloor)
  }' "$tmp/samples.txt")
read -r slope10 early late rss peak n rss_rise heap_rise heap_slope10 file_slope10 <<< "$report"
echo "soak: RSS ${rss} MiB at the end, ${peak} MiB at most; per-minute floor slope after warm-up ${slope10} MiB" \
  "per 10 min over $n minutes (of it file-backed ${file_slope10}; heap in use ${heap_slope10}); last quarter's peak" \
  "over the second fifth's: resident less held free ${rss_rise} MiB, heap ${heap_rise} MiB; open descriptors: at most" \
  "$early early, $late late"
if [ "$minutes" -ge 60 ]; then
  awk -v s="$slope10" 'BEGIN { exit !(s < 1.0) }' || fail "resident memory grows ${slope10} MiB per 10 minutes"
else
  awk -v r="$rss_rise" -v h="$heap_rise" 'BEGIN { exit !(r <= 64 && h <= 48) }' ||
    fail "memory peaks rose ${rss_rise} MiB resident (less what the allocator held free), ${heap_rise} MiB heap in $minutes minutes"
fi
[ "$late" -le $((early + 4)) ] || fail "open descriptors grew from $early to $late"

# no packet lost: the store and the events file hold the same packets
sqlite3 "$tmp/evidence.db" "select id from packets order by id" > "$tmp/stored.txt"
sed 's/.*"packet_id":"\([^"]*\)".*/\1/' "$tmp/events.jsonl" | sort > "$tmp/evented.txt"
cmp -s "$tmp/stored.txt" "$tmp/evented.txt" || fail "store and events differ: $(diff "$tmp/stored.txt" "$tmp/evented.txt" | head)"
"$cw" verify -c "$tmp/site.ini" > "$tmp/verify.log" 2>&1 || { tail -5 "$tmp/verify.log"; fail "the store does not verify"; }
grep -q "\[camera:door\] back after" "$tmp/run.log" || fail "the dropped camera did not come back"
echo "PASS: soak $minutes min: $(wc -l < "$tmp/stored.txt") packets, all in the events file; memory and descriptors flat"
