#!/usr/bin/env bash
# Builds the Debian packages from a finished build, lints them, installs the
# Studio's package as a user would (apt-get install ./FILE.deb), runs what it
# installed with the source tree out of reach, and removes it again, checking
# that nothing is left behind; then the same for the CLI-only package.
# Called by .ci/run after the tests (issue 41). Needs root (apt-get, and a
# private mount namespace that hides the source tree).
#
#   packaging/check_package.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$(cd "${1:-$here/build}" && pwd)"
step() { echo "check_package: $*"; }
fail() { echo "check_package: FAIL $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || exec sudo bash "$0" "$@"

step "building the packages"
(cd "$build_dir" && rm -f ./*.deb && cpack -G DEB > cpack.log) || { cat "$build_dir/cpack.log"; fail "cpack"; }
version=$("$build_dir/app/recdiff" --version | awk 'NR == 1 {print $2}')
studio_deb="$build_dir/recdiff-studio_${version}_amd64.deb"
cli_deb="$build_dir/recdiff-cli_${version}_amd64.deb"
[ -f "$studio_deb" ] && [ -f "$cli_deb" ] || fail "expected $studio_deb and $cli_deb"

# Lintian: no errors or warnings; the tags that remain at the info level are
# overridden in packaging/debian/*.lintian-overrides, each with its reason.
step "lintian"
lintian_status=0
lintian --fail-on error,warning,info --info --pedantic "$studio_deb" "$cli_deb" > "$build_dir/lintian.log" 2>&1 ||
  lintian_status=$?
grep -v "running with root privileges" "$build_dir/lintian.log" || true
[ "$lintian_status" = 0 ] || fail "lintian reports the tags above"
dpkg-deb -f "$cli_deb" Depends | grep -qi qt && fail "recdiff-cli depends on Qt: $(dpkg-deb -f "$cli_deb" Depends)"

export DEBIAN_FRONTEND=noninteractive
step "installing $(basename "$studio_deb") ($(du -k "$studio_deb" | cut -f1) KiB)"
apt-get install -y -qq "$studio_deb" > /dev/null
dpkg-query -L recdiff-studio | sort > /tmp/recdiff-studio.files

# From here on the source tree and the build folder are hidden: an empty
# folder is mounted over each, in a mount namespace of this script's own.
work=$(mktemp -d /tmp/recdiff-package-check.XXXXXX)
empty=$(mktemp -d)
cat > "$work/installed.sh" <<SCRIPT
set -euo pipefail
cd "$work"
export HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime"
mkdir -p "\$HOME" "\$XDG_RUNTIME_DIR" && chmod 700 "\$XDG_RUNTIME_DIR"
[ -z "\$(ls -A "$here")" ] || { echo "the source tree is still visible"; exit 1; }
command -v recdiff | grep -qx /usr/bin/recdiff
recdiff --version
recdiff-studio --version | head -1
man -w recdiff > /dev/null && man -w recdiff-studio > /dev/null
bash -c 'source /usr/share/bash-completion/completions/recdiff && complete -p recdiff' > /dev/null
echo "--- recdiff demo"
recdiff demo --threads 2 > demo.txt 2> demo.log || { tail -20 demo.log; exit 1; }
tail -4 demo.txt
echo "--- recdiff-studio --demo"
xvfb-run -a -s "-screen 0 1600x1000x24" recdiff-studio --demo --screenshot-dir "$work/shots"
for p in main dataset model training evaluation scrubber interests projection; do
  [ -s "$work/shots/\$p.png" ] || { echo "no screenshot \$p.png"; exit 1; }
done
echo "--- the installed example session"
xvfb-run -a -s "-screen 0 1600x1000x24" recdiff-studio /usr/share/recdiff-studio/sessions/classroom-demo.rdsession \
  --screenshot "$work/session.png"
[ -s "$work/session.png" ]
SCRIPT
step "running the installed programs with $here hidden"
if unshare --mount bash -c "mount --bind '$empty' '$empty'" 2> /dev/null; then
  unshare --mount bash -c "mount --bind '$empty' '$build_dir' && mount --bind '$empty' '$here' && bash '$work/installed.sh'" ||
    fail "the installed programs (above)"
else
  step "no mount namespace here: the source tree stays visible, the programs run from $work"
  sed -i '/the source tree is still visible/d' "$work/installed.sh"
  bash "$work/installed.sh" || fail "the installed programs (above)"
fi

# Kept for a look: what the installed Studio showed.
rm -rf "$build_dir/package-check" && mkdir -p "$build_dir/package-check"
cp "$work"/shots/*.png "$work/session.png" "$build_dir/package-check/"

step "desktop entry, AppStream metadata and the file association"
desktop-file-validate /usr/share/applications/org.recdiff.Studio.desktop
appstreamcli validate --no-net /usr/share/metainfo/org.recdiff.Studio.metainfo.xml
grep -q '^application/x-recdiff-session:\*\.rdsession$' /usr/share/mime/globs ||
  fail "shared-mime-info does not map *.rdsession to application/x-recdiff-session"
grep -q '^application/x-recdiff-session=.*org\.recdiff\.Studio\.desktop' /usr/share/applications/mimeinfo.cache ||
  fail "the desktop database does not open application/x-recdiff-session with the Studio"

step "removing recdiff-studio"
apt-get remove -y -qq recdiff-studio > /dev/null
left=$(while read -r f; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done < /tmp/recdiff-studio.files || true)
[ -z "$left" ] || fail "left behind after removal: $left"
grep -q 'recdiff' /usr/share/mime/globs && fail "the MIME type outlived the package"

step "installing $(basename "$cli_deb") ($(du -k "$cli_deb" | cut -f1) KiB) alone"
apt-get install -y -qq "$cli_deb" > /dev/null
(cd "$work" && recdiff --version > /dev/null && recdiff models > /dev/null)
[ ! -e /usr/bin/recdiff-studio ] || fail "recdiff-cli installed the Studio"
apt-get remove -y -qq recdiff-cli > /dev/null
[ ! -e /usr/bin/recdiff ] || fail "recdiff-cli left /usr/bin/recdiff"
rm -rf "$work" "$empty" /tmp/recdiff-studio.files
step "passed"
