#!/usr/bin/env bash
# Installs every Debian bookworm package RecDiff Studio needs, then configures
# and builds it in Release. Idempotent: packages already present are skipped,
# and an existing build directory is reused (an incremental build).
#
#   packaging/setup.sh [--build-dir DIR] [--no-gui] [--no-build]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$here/build"
with_gui=ON
do_build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --no-gui) with_gui=OFF; shift ;;
    --no-build) do_build=0; shift ;;
    *) echo "setup.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

core_packages=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libopenblas0-pthread
  libeigen3-dev nlohmann-json3-dev libhnswlib-dev
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-videoio-dev
)
gui_packages=(
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev libqt6opengl6-dev
  xvfb xauth fonts-dejavu-core
)
packages=("${core_packages[@]}")
[ "$with_gui" = ON ] && packages+=("${gui_packages[@]}")

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

[ "$do_build" = 1 ] || exit 0
generator=()
[ -f "$build_dir/CMakeCache.txt" ] || generator=(-G Ninja)
cmake -S "$here" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DRECDIFF_BUILD_GUI="$with_gui" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
