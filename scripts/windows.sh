#!/usr/bin/env bash
# Builds the Windows release on Linux, no Docker, no Windows machine:
#   dist/medinventory-<version>-windows-amd64-setup.exe   NSIS installer (per user, no admin rights)
#   dist/medinventory-<version>-windows-amd64.zip         the same program, portable
# Two executables from one cross-build with MinGW-w64 (Debian: gcc-mingw-w64-x86-64):
#   "Medicine Inventory.exe"  the window (GUI subsystem: no console window opens beside it)
#   medinventory.exe          the command line (import, export, jobs) for cmd.exe and PowerShell
# Both carry the icon, version information and a manifest (run as invoker, DPI aware), made with
# goversioninfo from the Go module proxy (cached after the first run). FyneApp.toml is only read.
# The first run compiles Fyne's OpenGL driver with MinGW (several minutes); later runs reuse the cache.
set -euo pipefail
cd "$(dirname "$0")/.."
GOVERSIONINFO="${GOVERSIONINFO:-github.com/josephspurrier/goversioninfo/cmd/goversioninfo@v1.7.0}"
CC_WIN="${CC_WIN:-x86_64-w64-mingw32-gcc}"

for tool in "$CC_WIN" makensis convert zip; do
  command -v "$tool" >/dev/null 2>&1 || { echo "windows: $tool is missing; run: bash scripts/deps.sh windows" >&2; exit 1; }
done

version="$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)"
build="$(sed -n 's/^Build *= *\([0-9]*\)/\1/p' FyneApp.toml)"
IFS=. read -r major minor patch <<<"$version"
version4="${major}.${minor:-0}.${patch:-0}.${build:-0}"
name="medinventory-${version}-windows-amd64"
start=$(date +%s)

work="$(mktemp -d /tmp/medinventory-windows.XXXXXX)"
syso="rsrc_windows_amd64.syso" # the _windows_amd64 suffix keeps it out of every other build
trap 'rm -rf "$work"; rm -f "$syso"' EXIT

# Icon (several sizes in one .ico) and manifest.
convert assets/icon.png -background none -define icon:auto-resize=256,128,64,48,32,16 "$work/app.ico"
sed "s/@VERSION4@/$version4/" assets/windows/app.manifest >"$work/app.manifest"
echo '{}' >"$work/versioninfo.json"
GOBIN="$work" go install "$GOVERSIONINFO" # a tool for this machine, before GOOS=windows below
# versioninfo EXE DESCRIPTION: the resources (icon, manifest, version information) of one exe, as
# the .syso the next go build links in. Each exe names itself (OriginalFilename, InternalName), so
# Explorer's Details tab and a crash report say which of the two it is.
versioninfo() {
  "$work/goversioninfo" -64 -o "$syso" -icon "$work/app.ico" -manifest "$work/app.manifest" \
    -product-name "Medicine Inventory" -description "$2" -company "Medicine Inventory contributors" \
    -copyright "Medicine Inventory contributors; third-party licences in the About window" \
    -original-name "$1" -internal-name "${1%.exe}" \
    -file-version "$version4" -product-version "$version4" \
    -ver-major "$major" -ver-minor "${minor:-0}" -ver-patch "${patch:-0}" -ver-build "${build:-0}" \
    -product-ver-major "$major" -product-ver-minor "${minor:-0}" -product-ver-patch "${patch:-0}" -product-ver-build "${build:-0}" \
    "$work/versioninfo.json"
}

# One compile, two links: the same flags as `GOOS=windows go build -trimpath -tags nodynamic`, so the
# cache is shared (only package main, which carries the .syso, is compiled twice).
#   -trimpath: no build paths (this machine's folders, the builder's home) inside the exes.
#   nodynamic: gen2brain/heic never loads a libheif.dll found beside the program or on PATH; HEIC
#   photos always go through the built-in WebAssembly decoder, whose memory the photo budget caps
#   (store/photo/photomem). The direct, leak-free libheif path (analyzer) exists on Linux and macOS only.
export GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC="$CC_WIN"
flags=(-trimpath -tags migrated_fynedo,nodynamic)
versioninfo "Medicine Inventory.exe" "Medicine Inventory"
go build "${flags[@]}" -ldflags "-s -w -H windowsgui" -o "$work/Medicine Inventory.exe" .
versioninfo medinventory.exe "Medicine Inventory (command line)"
go build "${flags[@]}" -ldflags "-s -w" -o "$work/medinventory.exe" .
unset GOOS GOARCH CGO_ENABLED CC
rm -f "$syso"

# What ships is checked, not assumed: no path of this machine (-trimpath; C sources compiled by
# cgo included), no loader of a libheif.dll (nodynamic), each exe's version information its own.
for exe in "Medicine Inventory.exe" medinventory.exe; do
  leak="$(strings -a "$work/$exe" | grep -F -m3 -e "$HOME/" -e "$PWD/" -e "$(go env GOMODCACHE)/" -e "$(go env GOROOT)/" || true)"
  [ -z "$leak" ] || { echo "windows: $exe contains build paths:" >&2; echo "$leak" >&2; exit 1; }
  ! strings -a "$work/$exe" | grep -q -i 'libheif\.dll' || { echo "windows: $exe would load libheif.dll (built without nodynamic?)" >&2; exit 1; }
  strings -a -el "$work/$exe" | grep -A1 -x OriginalFilename | tail -1 | grep -q -x -F "$exe" ||
    { echo "windows: $exe: its version information does not name it" >&2; exit 1; }
done

mkdir -p dist
rm -f "dist/$name-setup.exe" "dist/$name.zip"
makensis -V2 -DVERSION="$version" -DVERSION4="$version4" -DSRCDIR="$work" -DICON="$work/app.ico" \
  -DOUTFILE="$PWD/dist/$name-setup.exe" assets/windows/installer.nsi
(cd "$work" && zip -q -9 "$OLDPWD/dist/$name.zip" "Medicine Inventory.exe" medinventory.exe)

echo "windows: built in $(($(date +%s) - start)) s"
ls -l "dist/$name-setup.exe" "dist/$name.zip"
