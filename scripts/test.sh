#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, runs ctest.
# Test data is read from ../shared/data (override with CW_SHARED_DATA=DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
data=${CW_SHARED_DATA:-$(realpath -m ../shared/data)}
bash scripts/build.sh -DCW_SHARED_DATA="$data"
cd build
ctest --output-on-failure -j2 --timeout 900
