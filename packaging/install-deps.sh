#!/bin/sh
# Installs everything TrainLab's build, tests and default experiments need on Debian 12, and what
# packaging needs: the validators packaging/check-deb.sh runs (desktop-file-utils, appstream) and
# rsvg-convert for packaging/render-icons.sh (librsvg2-bin), and python3-torch, with which
# tests/cli/tst_deploy.cpp loads an export in Python (tests/python/trainlab_export.py).
# Idempotent: silent and quick when everything is already installed.
set -eu

packages="build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev libgl-dev zlib1g-dev libsqlite3-dev
  libtorch-dev libgloo-dev libopenblas0-openmp
  libqcustomplot-dev libqcustomplot2.1-qt6
  dataset-fashion-mnist xvfb xauth python3-torch
  desktop-file-utils appstream librsvg2-bin"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo"
else
  echo "install-deps.sh: need root (or sudo) to install:$missing" >&2
  exit 1
fi

echo "install-deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -qq
# shellcheck disable=SC2086
$as_root apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps.sh: done" >&2
