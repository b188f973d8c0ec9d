#!/usr/bin/env bash
# Installs every Debian bookworm package RecDiff Studio needs, then configures
# and builds it in Release. Idempotent: packages already present are skipped,
# and an existing build directory is reused (an incremental build).
#
#   packaging/setup.sh [--build-dir DIR] [--no-gui] [--no-build] [--run-demo | --run-tests]
#
# --run-demo   then starts recdiff-studio on its built-in demo; without a
#              display it runs the same demo headless (`recdiff demo`).
# --run-tests  then runs the whole test suite (CTest) and each fuzz target for
#              RECDIFF_FUZZ_SECONDS (10) seconds, and exits with their status.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$here/build"
with_gui=ON
do_build=1
then_run=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --no-gui) with_gui=OFF; shift ;;
    --no-build) do_build=0; shift ;;
    --run-demo) then_run=demo; shift ;;
    --run-tests) then_run=tests; shift ;;
    *) echo "setup.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

core_packages=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libopenblas0-pthread
  libeigen3-dev nlohmann-json3-dev libhnswlib-dev
  libopencv-dev  # the -core/-imgproc… parts alone ship no OpenCVConfig.cmake
  libgtest-dev  # the core tests
  clang libclang-rt-14-dev  # the libFuzzer targets (fuzz/run.sh)
)
gui_packages=(
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev libqt6opengl6-dev
  xvfb xauth fonts-dejavu-core
  help2man librsvg2-bin  # recdiff-studio(1) and the menu icons (packaging/CMakeLists.txt)
)
# What the tests and the package check use besides (packaging/check_package.sh).
test_packages=(man-db lintian desktop-file-utils appstream)
packages=("${core_packages[@]}")
[ "$with_gui" = ON ] && packages+=("${gui_packages[@]}")
[ "$then_run" = tests ] && packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${#missing[@]} package(s): ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all packages already installed"
fi

if [ "$do_build" = 0 ]; then
  [ -z "$then_run" ] || { echo "setup.sh: --$then_run needs the build (drop --no-build)" >&2; exit 2; }
  exit 0
fi
generator=()
[ -f "$build_dir/CMakeCache.txt" ] || generator=(-G Ninja)
cmake -S "$here" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DRECDIFF_BUILD_GUI="$with_gui" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"

case "$then_run" in
  demo)
    if [ "$with_gui" = ON ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
      exec "$build_dir/app/recdiff-studio" --demo
    fi
    echo "setup: no display (or --no-gui): running the built-in demo headless through the CLI"
    exec "$build_dir/app/recdiff" demo
    ;;
  tests)
    # Each test sets its own thread count; two at a time keep both cores busy.
    status=0
    ctest --test-dir "$build_dir" --output-on-failure --parallel 2 || status=$?
    # Then every fuzz target briefly (its build is small; the long runs are
    # recorded in BENCHMARKS.md, "Reliability").
    echo "setup: fuzzing each reader for ${RECDIFF_FUZZ_SECONDS:-10} s"
    bash "$here/fuzz/run.sh" --build-dir "$build_dir" --seconds "${RECDIFF_FUZZ_SECONDS:-10}" || status=1
    exit "$status"
    ;;
esac
