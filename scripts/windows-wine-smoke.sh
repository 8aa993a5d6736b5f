#!/usr/bin/env bash
# Smoke test of the Windows build under Wine (optional; not part of make test):
#   installs dist/*-windows-amd64-setup.exe silently into a fresh Wine prefix, runs the console
#   exe, opens the window from the installed shortcut's target, screenshots it, checks that the
#   inventory went to %LOCALAPPDATA%\MedicineInventory, uninstalls silently and checks that the
#   inventory is still there.
# Needs: wine (Debian: apt-get install wine wine64), xvfb, xdotool, imagemagick, MinGW gcc.
# Debian's Wine 8 has no bcryptprimitives.dll, which Go 1.24+ binaries load at start ("fatal error:
# bcryptprimitives.dll not found"); a stand-in (scripts/wine/bcryptprimitives.c: ProcessPrng over
# RtlGenRandom) is compiled with MinGW and put into the prefix's system32. A newer Wine needs none.
# Usage: scripts/windows-wine-smoke.sh [DISPLAY_NUMBER] (default 93). Screenshot: /tmp/medinventory-wine.png
set -euo pipefail
cd "$(dirname "$0")/.."
disp="${1:-93}"
setup="$(ls -t dist/medinventory-*-windows-amd64-setup.exe | head -1)"
work="$(mktemp -d /tmp/medinventory-wine.XXXXXX)"
export WINEPREFIX="$work/prefix" WINEDEBUG=-all DISPLAY=":$disp" WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n"
xvfb=""
if ! xdpyinfo >/dev/null 2>&1 && ! xdotool getdisplaygeometry >/dev/null 2>&1; then
  Xvfb ":$disp" -screen 0 1280x800x24 >/dev/null 2>&1 & xvfb=$!
  sleep 1
fi
app=""
cleanup() { [ -n "$app" ] && kill "$app" 2>/dev/null; wineserver -k 2>/dev/null || true; [ -n "$xvfb" ] && kill "$xvfb"; rm -rf "$work"; }
trap cleanup EXIT

wineboot -i >/dev/null 2>&1
sys32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -e "$sys32/bcryptprimitives.dll" ]; then
  x86_64-w64-mingw32-gcc -shared -O2 -o "$sys32/bcryptprimitives.dll" scripts/wine/bcryptprimitives.c -ladvapi32
fi
local_app="$WINEPREFIX/drive_c/users/${USER:-$(id -un)}/AppData/Local"
[ -d "$local_app" ] || local_app="$(find "$WINEPREFIX/drive_c/users" -maxdepth 3 -type d -path '*/AppData/Local' | head -1)"
inst="$local_app/Programs/Medicine Inventory"
data="$local_app/MedicineInventory"

echo "wine-smoke: installing $setup"
wine "$setup" /S
for f in "Medicine Inventory.exe" medinventory.exe Uninstall.exe; do
  [ -f "$inst/$f" ] || { echo "wine-smoke: $inst/$f missing after install" >&2; exit 1; }
done
ls "$WINEPREFIX"/drive_c/users/*/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs/Medicine\ Inventory.lnk >/dev/null
wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\MedicineInventory' /v DisplayVersion | tr -d '\r' | grep DisplayVersion

echo "wine-smoke: console exe: $(wine "$inst/medinventory.exe" --version | tr -d '\r')"

wine "$inst/Medicine Inventory.exe" >"$work/app.log" 2>&1 & app=$!
win=""
for _ in $(seq 60); do
  win="$(xdotool search --name '^Medicine Inventory$' 2>/dev/null | head -1 || true)"
  [ -n "$win" ] && break
  sleep 1
done
[ -n "$win" ] || { echo "wine-smoke: no window in 60 s" >&2; cat "$work/app.log"; exit 1; }
sleep 5
import -window root /tmp/medinventory-wine.png
echo "wine-smoke: window $win; screenshot /tmp/medinventory-wine.png"
[ -f "$data/inventory.db" ] || { echo "wine-smoke: no inventory.db in $data" >&2; exit 1; }
# Quit with Ctrl+Q (there is no window manager to close it); a running exe cannot be uninstalled.
xdotool windowfocus "$win" 2>/dev/null || true
xdotool key --window "$win" ctrl+q 2>/dev/null || true
for _ in $(seq 30); do kill -0 "$app" 2>/dev/null || break; sleep 1; done
if kill -0 "$app" 2>/dev/null; then echo "wine-smoke: the window did not quit on Ctrl+Q; stopping Wine" >&2; kill "$app"; fi
app=""
wineserver -k 2>/dev/null || true
wineserver -w 2>/dev/null || true

wine "$inst/Uninstall.exe" /S
sleep 3 # the uninstaller copies itself to %TEMP% and runs from there
for _ in $(seq 20); do [ -e "$inst/Medicine Inventory.exe" ] || break; sleep 1; done
[ ! -e "$inst/Medicine Inventory.exe" ] || { echo "wine-smoke: uninstall left the program" >&2; exit 1; }
[ -f "$data/inventory.db" ] || { echo "wine-smoke: uninstall removed the inventory" >&2; exit 1; }
echo "wine-smoke: uninstalled; the inventory is kept"
