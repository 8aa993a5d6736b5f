#!/usr/bin/env bash
# Installs the system packages Medicine Inventory needs to build (and, with "test", to run its
# tests headless). Debian/Ubuntu: apt-get, through sudo when not root. Elsewhere: says what to install.
set -euo pipefail
what="${1:-build}"

# libc6-dev: the C library's headers (stdlib.h…). gcc comes without them under --no-install-recommends,
# and cgo (Fyne's OpenGL driver) needs them. clang: the Makefile gives it to cgo, which analyses the
# OpenGL bindings 6-7× faster with it than with gcc (gcc stays: it is Debian's default cc). libheif-dev provides libheif.so, which gen2brain/heic
# loads at run time (HEIC ~3× faster than its WebAssembly fallback); libheif-examples gives
# heif-enc/heif-convert to the HEIC tests and benchmarks.
# fonts-droid-fallback: a Chinese TrueType font on the computer, for the PDF's system-font path (assets/fonts, store/export);
# postgresql: the district hub's tests start a private PostgreSQL cluster (store/pgtest: initdb, pg_ctl);
# file: make hub-check checks that the hub's binary is static.
build_pkgs=(gcc clang libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libheif-dev)
test_pkgs=(xvfb xdotool imagemagick zint sqlite3 xauth time poppler-utils libheif-examples postgresql file fonts-droid-fallback)
windows_pkgs=(gcc-mingw-w64-x86-64 nsis imagemagick zip) # make windows: cross C compiler, installer, icon, zip
# scripts/windows-wine-smoke.sh: the Windows build installed and run under Wine, on its own Xvfb.
wine_pkgs=(wine wine64 xvfb xdotool x11-utils imagemagick)
pkgs=("${build_pkgs[@]}")
if [ "$what" = "test" ]; then pkgs+=("${test_pkgs[@]}"); fi
if [ "$what" = "windows" ]; then pkgs+=("${windows_pkgs[@]}"); fi
if [ "$what" = "wine" ]; then pkgs+=("${windows_pkgs[@]}" "${wine_pkgs[@]}"); fi
# `make fresh-check` builds in a brand-new minimal Debian made with debootstrap.
if [ "$what" = "fresh" ]; then pkgs+=(debootstrap); fi

# The Go version go.mod asks for ("go 1.26.0" → 1.26).
here="$(cd "$(dirname "$0")/.." && pwd)"
need="$(sed -n 's/^go \([0-9]*\.[0-9]*\).*/\1/p' "$here/go.mod")"
if ! command -v go >/dev/null 2>&1; then
  echo "Go is not installed. Install Go $need or newer from https://go.dev/dl/ (Debian's own golang package is too old), then run this again." >&2
  exit 1
fi
# GOTOOLCHAIN=local: ask the installed Go itself, not a toolchain it might download.
have="$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null | sed -n 's/^go\([0-9]*\.[0-9]*\).*/\1/p')"
older() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n | head -1)" = "$1" ] && [ "$1" != "$2" ]; }
if [ -z "$have" ] || older "$have" "$need"; then
  echo "This is Go ${have:-of an unknown version} ($(command -v go)); Medicine Inventory needs Go $need or newer." \
       "Install it from https://go.dev/dl/ (Debian's own golang package is too old) and put its bin folder first in PATH, then run this again." >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
  os="$(uname -s)"
  case "$os" in
    Darwin) echo "macOS: install the Xcode command line tools (xcode-select --install); nothing else is needed to build; for fast HEIC photos also brew install libheif. Tests need nothing extra except the smoke test, which is Linux-only." ;;
    Linux) echo "This is not a Debian/Ubuntu system. Install with your package manager: a C compiler, pkg-config, and the development files of OpenGL (Mesa), X11, Xcursor, Xrandr, Xinerama, Xi, Xxf86vm$( [ "$what" = test ] && echo "; for tests also Xvfb, xdotool, ImageMagick, zint, sqlite3 and poppler-utils")." \
             "On Fedora: sudo dnf install gcc pkgconf-pkg-config mesa-libGL-devel libX11-devel libXcursor-devel libXrandr-devel libXinerama-devel libXi-devel libXxf86vm-devel$( [ "$what" = test ] && echo " xorg-x11-server-Xvfb xdotool ImageMagick zint sqlite")" ;;
    *) echo "On Windows build with a MinGW-w64 gcc on PATH (for example from MSYS2); see docs/DEPLOY.md." ;;
  esac
  missing=0
  for c in gcc pkg-config; do command -v "$c" >/dev/null 2>&1 || { echo "missing: $c" >&2; missing=1; }; done
  exit $missing
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "These packages are missing and this user cannot install them: ${missing[*]}. Ask an administrator to run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# Another apt may be running (unattended-upgrades, a second make): wait for it rather than fail.
# DPkg::Lock::Timeout makes apt-get wait for dpkg's locks (install); apt-get update takes the
# package lists' lock, which apt 2.6 does not wait for, so it is retried while that lock is held.
wait_s=900
apt_wait=(-o "DPkg::Lock::Timeout=$wait_s")
apt_update() {
  local out start=$SECONDS said=""
  while :; do
    if out="$($sudo apt-get "${apt_wait[@]}" update -qq 2>&1)"; then return 0; fi
    if ! grep -q -E "Could not get lock|Unable to lock" <<<"$out" || [ $((SECONDS - start)) -ge "$wait_s" ]; then
      echo "$out" >&2
      return 1
    fi
    [ -n "$said" ] || { echo "Another apt is running; waiting for it to finish (up to $((wait_s / 60)) minutes)..."; said=1; }
    sleep 5
  done
}
apt_update
$sudo apt-get "${apt_wait[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
