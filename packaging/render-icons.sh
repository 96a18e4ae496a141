#!/bin/sh
# Renders resources/icons/trainlab.svg into the PNG sizes the window and the hicolor theme use.
# Run after editing the SVG and commit the PNGs: the build does not need librsvg.
# Needs rsvg-convert (Debian: librsvg2-bin, installed by packaging/install-deps.sh).
set -eu
cd "$(dirname "$0")/../resources/icons"
command -v rsvg-convert >/dev/null 2>&1 || {
  echo "render-icons.sh: rsvg-convert not found (apt-get install librsvg2-bin)" >&2
  exit 1
}
for size in 16 32 48 64 128 256; do
  rsvg-convert --width "$size" --height "$size" --format png trainlab.svg >"trainlab-$size.png"
done
echo "render-icons.sh: wrote trainlab-{16,32,48,64,128,256}.png in $(pwd)"
