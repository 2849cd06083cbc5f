#!/usr/bin/env bash
# The sanitizer pass: builds crosswatch with AddressSanitizer + UBSan
# (-DCW_SANITIZE=ON) into build-san/ and runs the unit and security tests
# (ctest -L 'unit|security') under them. A leak, a memory error or undefined
# behaviour fails the test that hit it. Test data as for scripts/test.sh
# (../shared/data, or CW_SHARED_DATA=DIR). Prints the time each part took.
#
#   bash scripts/test-sanitize.sh              # the whole pass
#   bash scripts/test-sanitize.sh -R signal    # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
t0=$(date +%s)
data=${CW_SHARED_DATA:-$(realpath -m ../shared/data)}
cmake -S . -B build-san -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCW_SANITIZE=ON -DCW_SHARED_DATA="$data" > /dev/null
cmake --build build-san -j"$(nproc)"
t1=$(date +%s)

# GLib's slice allocator hands out memory from its own blocks, where a leaked
# GObject or GstBuffer would never be seen: plain malloc instead.
export G_SLICE=always-malloc G_DEBUG=gc-friendly
# Every report goes to a file of its own, so that one from a process whose
# exit status a test ignores (a run expected to fail, a daemon stopped at the
# end) still fails the pass. Full stacks: GLib, fontconfig and pango have no
# frame pointers, and tests/lsan.supp names frames inside them.
reports=$PWD/build-san/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1:strict_string_checks=1:log_path=$reports/asan
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan
rc=0
(cd build-san && ctest -L 'unit|security' --output-on-failure -j2 --timeout 600 "$@") || rc=$?
# (a file that only lists the suppressions used is not a report)
found=$(grep -l "ERROR: \|runtime error:" "$reports"/* 2> /dev/null || true)
if [ -n "$found" ]; then
  for f in $found; do
    echo "==== $f"
    cat "$f"
  done
  echo "sanitizer reports above (one file per process, in $reports)"
  rc=1
fi
t2=$(date +%s)
echo "sanitizer pass: build $((t1 - t0)) s, tests $((t2 - t1)) s, total $((t2 - t0)) s"
exit $rc
