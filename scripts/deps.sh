#!/usr/bin/env bash
# Installs the system packages Medicine Inventory needs to build (and, with "test", to run its
# tests headless). Debian/Ubuntu: apt-get, through sudo when not root. Elsewhere: says what to install.
set -euo pipefail
what="${1:-build}"

build_pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
test_pkgs=(xvfb xdotool imagemagick zint sqlite3 xauth time poppler-utils)
pkgs=("${build_pkgs[@]}")
if [ "$what" = "test" ]; then pkgs+=("${test_pkgs[@]}"); fi

if ! command -v go >/dev/null 2>&1; then
  echo "Go is not installed. Install Go 1.26 or newer from your package manager or https://go.dev/dl/, then run this again." >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
  os="$(uname -s)"
  case "$os" in
    Darwin) echo "macOS: install the Xcode command line tools (xcode-select --install); nothing else is needed to build. Tests need nothing extra except the smoke test, which is Linux-only." ;;
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
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
