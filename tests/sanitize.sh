#!/usr/bin/env bash
# The core and its tests built with AddressSanitizer and UBSan (GCC, no GUI),
# then the core and CLI tests run under them: any out-of-bounds access,
# use-after-free or undefined behaviour in our code aborts the test that hit
# it. LibTorch itself is not instrumented; its allocations are still
# checked at our side of the calls. Leak detection is off: LibTorch and
# OpenBLAS keep process-lifetime allocations that LeakSanitizer would report.
#
#   tests/sanitize.sh [--build-dir DIR] [--jobs N] [--base-only] [-- CTEST ARGS...]
#
# --base-only builds and runs only the tests of the LibTorch-free core
# (readers, preprocessing, splits, metrics, projections): minutes instead of
# the hour the whole LibTorch core takes to build with sanitizers on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$here/build-asan"
jobs=2
base_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --base-only) base_only=1; shift ;;
    --) shift; break ;;
    *) echo "tests/sanitize.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECDIFF_BUILD_GUI=OFF \
  -DRECDIFF_SANITIZE=ON > /dev/null
selection=(-L "core|cli")
if [ "$base_only" = 1 ]; then
  tests=$(cd "$here/tests/core" && ls test_*.cpp | grep -v "_torch\.cpp$" | sed 's/\.cpp$//')
  cmake --build "$build_dir" --target $tests -- -j"$jobs"
  selection=(-R "^($(echo $tests | tr ' ' '|'))\\.")
else
  cmake --build "$build_dir" -- -j"$jobs"
fi
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build_dir" --output-on-failure "${selection[@]}" --parallel "$jobs" "$@"
