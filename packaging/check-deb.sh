#!/bin/bash
# Builds TrainLab's Debian package (or takes one), unpacks it into a scratch root and checks it the
# way a user's machine would meet it: control fields and derived Depends, the desktop entry and
# AppStream metadata through their validators, every installed file, and the unpacked binaries
# started from their installed place. Exits non-zero with the reason on the first failure.
#
# Usage: packaging/check-deb.sh [PACKAGE.deb]
#   With no argument it builds trainlab and trainlab-cli in $TRAINLAB_BUILD_DIR (default
#   build/release, configured with the release preset if it is not yet) and runs cpack there.
# Needs dpkg-deb, desktop-file-validate and appstreamcli (packaging/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

fail() {
  echo "check-deb.sh: FAIL: $*" >&2
  exit 1
}
say() { echo "check-deb.sh: $*"; }

for tool in dpkg-deb desktop-file-validate appstreamcli; do
  command -v "$tool" >/dev/null 2>&1 ||
    fail "$tool not found; run packaging/install-deps.sh (desktop-file-utils, appstream)"
done

if [ $# -ge 1 ]; then
  deb=$(realpath "$1")
  [ -f "$deb" ] || fail "no such package: $1"
else
  build=${TRAINLAB_BUILD_DIR:-build/release}
  if [ ! -f "$build/CMakeCache.txt" ]; then
    [ "$build" = build/release ] || fail "$build is not a configured build tree"
    cmake --preset release >/dev/null
  fi
  say "building trainlab and trainlab-cli in $build"
  cmake --build "$build" --target trainlab trainlab-cli >/dev/null ||
    fail "build failed (run: cmake --build $build --target trainlab trainlab-cli)"
  rm -f "$build"/packages/trainlab_*.deb
  cpack_log=$(cd "$build" && cpack --config CPackConfig.cmake 2>&1) ||
    fail "cpack failed:"$'\n'"$cpack_log"
  debs=("$build"/packages/trainlab_*.deb)
  [ -f "${debs[0]}" ] || fail "cpack wrote no trainlab_*.deb under $build/packages"
  deb=$(realpath "${debs[0]}")
fi
say "package $deb ($(du -h "$deb" | cut -f1))"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/trainlab-check-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
root=$(realpath "$scratch")/root
dpkg-deb -x "$deb" "$root" || fail "dpkg-deb -x could not unpack $deb"

# Control fields: the name, and a Depends line that dpkg-shlibdeps derived from the binaries.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = trainlab ] || fail "Package is '$(field Package)', expected trainlab"
version=$(field Version)
depends=$(field Depends)
say "Version: $version"
say "Depends: $depends"
for lib in libqt6widgets6 libqt6core6 libtorch libsqlite3 libc6; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib (did dpkg-shlibdeps run?)"
done
[ -n "$(field Maintainer)" ] || fail "no Maintainer field"
[ -n "$(field Description)" ] || fail "no Description field"

# Files: exactly the two binaries in bin/, and everything the desktop needs.
expected=(
  usr/bin/trainlab
  usr/bin/trainlab-cli
  usr/libexec/trainlab/trainlab-engine
  usr/share/applications/trainlab.desktop
  usr/share/metainfo/io.github.trainlab.TrainLab.metainfo.xml
  usr/share/icons/hicolor/scalable/apps/trainlab.svg
  usr/share/trainlab/experiments/quickstart.json
)
for size in 16 32 48 64 128 256; do
  expected+=("usr/share/icons/hicolor/${size}x${size}/apps/trainlab.png")
done
for f in "${expected[@]}"; do
  [ -s "$root/$f" ] || fail "missing from the package: /$f"
done
for spec in experiments/*.json; do
  cmp -s "$spec" "$root/usr/share/trainlab/$spec" || fail "/usr/share/trainlab/$spec differs"
done
binaries=$(find "$root/usr/bin" -mindepth 1 -printf '%f\n' | sort | tr '\n' ' ')
[ "$binaries" = "trainlab trainlab-cli " ] ||
  fail "usr/bin holds '$binaries'; tests and benchmarks must not be installed"
for size in 16 32 48 64 128 256; do
  png=$root/usr/share/icons/hicolor/${size}x${size}/apps/trainlab.png
  # A PNG's width and height are the big-endian words at bytes 16 and 20 of its IHDR chunk.
  read -r w h < <(od -An -tu1 -j16 -N8 "$png" |
    awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
  [ "$w $h" = "$size $size" ] || fail "${size}x${size}/apps/trainlab.png is ${w}x${h}"
done
say "files: ${#expected[@]} expected paths present, icons at their sizes, bin/ holds only the apps"

# Validators. appstreamcli validate-tree also checks that the metainfo's launchable desktop
# file and its icon exist in the tree.
desktop-file-validate "$root/usr/share/applications/trainlab.desktop" ||
  fail "desktop-file-validate rejected trainlab.desktop"
say "desktop-file-validate: ok"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.trainlab.TrainLab.metainfo.xml" ||
  fail "appstreamcli validate rejected the metainfo"
appstreamcli validate-tree --no-net "$root" || fail "appstreamcli validate-tree rejected the tree"
say "appstreamcli: ok"

# The unpacked binaries, started from where the package puts them.
# A scratch home, so the check neither reads nor writes the user's settings and workspace.
export HOME=$scratch/home XDG_DATA_HOME=$scratch/data XDG_CONFIG_HOME=$scratch/config
export XDG_RUNTIME_DIR=$scratch/runtime
mkdir -p "$HOME" && mkdir -m 700 "$XDG_RUNTIME_DIR"
upstream=${version%-*}
out=$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/trainlab" --version 2>"$scratch/stderr") ||
  fail "trainlab --version failed: $out $(cat "$scratch/stderr")"
say "trainlab --version: $out"
[ "$out" = "trainlab $upstream" ] || fail "trainlab --version says '$out', expected 'trainlab $upstream'"
out=$("$root/usr/bin/trainlab-cli" --help 2>&1) || fail "trainlab-cli --help failed: $out"
say "trainlab-cli --help: $(head -1 <<<"$out")"
[[ $out == usage:\ trainlab-cli* ]] || fail "trainlab-cli --help printed no usage"

# With no display, trainlab runs the quickstart spec through trainlab-cli; it must find both in
# the installed layout (bin/trainlab-cli, share/trainlab/experiments), not in the source tree.
# One epoch (trainlab hands its arguments on to `trainlab-cli run`) keeps this to seconds.
say "trainlab with no display (the installed quickstart, headless, one epoch):"
out=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM \
  "$root/usr/bin/trainlab" --db "$scratch/workspace.db" --set training.epochs=1 2>&1) ||
  fail "headless trainlab failed:"$'\n'"$out"
tail -4 <<<"$out" | while IFS= read -r line; do echo "    $line"; done
[[ $out == *"running $root/usr/share/trainlab/experiments/quickstart.json headless"* ]] ||
  fail "headless trainlab did not run the installed experiments/quickstart.json"

say "PASS in $((SECONDS - started)) s"
