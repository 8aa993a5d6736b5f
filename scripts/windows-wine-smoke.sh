#!/usr/bin/env bash
# Smoke test of the Windows build under Wine (optional; not part of make test). In a fresh Wine
# prefix, on an Xvfb of its own (a free display number, so it never talks to another X server):
#   1. installs dist/*-windows-amd64-setup.exe silently; runs the console exe;
#   2. checks that a start-up error (a data folder on a missing drive) says which path and what to
#      do, in its message box too (screenshot /tmp/medinventory-wine-error.png);
#      opens the window from the installed exe and finds it by the process id it started (not by
#      its title: another window titled the same cannot make it pass); screenshots it; checks that
#      the inventory went to %LOCALAPPDATA%\MedicineInventory;
#   3. while the window is open: a silent uninstall and a silent update are refused (exit code 3)
#      and change nothing; an interactive update shows "Close Medicine Inventory, then press Retry"
#      (screenshot), Cancel changes nothing, and Retry goes on once the window has been closed; an
#      interactive uninstall shows its box too (screenshot) and Cancel changes nothing;
#   4. after the window is closed: the silent update replaces the program, the silent uninstall
#      removes it all (exes, uninstaller, shortcuts, Apps entry) and keeps the inventory;
#   5. the photo memory budget test (store/photo/photomem) as a Windows exe with a stand-in
#      libheif.dll beside it: HEIC stays capped whatever DLL is there.
# Needs: bash scripts/deps.sh wine (wine, MinGW gcc, NSIS, Xvfb, xdotool, xdpyinfo, ImageMagick).
# Debian's Wine 8 has no bcryptprimitives.dll, which Go 1.24+ binaries load at start ("fatal error:
# bcryptprimitives.dll not found"); a stand-in (scripts/wine/bcryptprimitives.c: ProcessPrng over
# RtlGenRandom) is compiled with MinGW and put into the prefix's system32. A newer Wine needs none.
# Usage: scripts/windows-wine-smoke.sh [SETUP.exe] (default: the newest in dist/). Screenshots: /tmp/medinventory-wine.png (the window),
# /tmp/medinventory-wine-refused.png and …-refused-uninstall.png (the refusals),
# /tmp/medinventory-wine-error.png (a start-up error).
set -euo pipefail
cd "$(dirname "$0")/.."
setup="${1:-$(ls -t dist/medinventory-*-windows-amd64-setup.exe | head -1)}"
work="$(mktemp -d /tmp/medinventory-wine.XXXXXX)"
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n"
app="" xvfb="" setup_pid="" errbox_pid=""
cleanup() {
  for p in "$app" "$setup_pid" "$errbox_pid"; do [ -z "$p" ] || kill "$p" 2>/dev/null || true; done
  wineserver -k 2>/dev/null || true
  [ -z "$xvfb" ] || kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "wine-smoke: FAIL: $*" >&2; exit 1; }

# Our own X server: -displayfd makes Xvfb take the first free display number and say which.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 & xvfb=$!
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.2; done
[ -s "$work/display" ] || fail "Xvfb did not start"
export DISPLAY=":$(tr -d '\n' <"$work/display")"
echo "wine-smoke: Xvfb $DISPLAY (pid $xvfb)"

wineboot -i >/dev/null 2>&1
sys32="$WINEPREFIX/drive_c/windows/system32"
[ -e "$sys32/bcryptprimitives.dll" ] ||
  x86_64-w64-mingw32-gcc -shared -O2 -o "$sys32/bcryptprimitives.dll" scripts/wine/bcryptprimitives.c -ladvapi32
users="$WINEPREFIX/drive_c/users/${USER:-$(id -un)}"
local_app="$users/AppData/Local"
[ -d "$local_app" ] || local_app="$(find "$WINEPREFIX/drive_c/users" -maxdepth 3 -type d -path '*/AppData/Local' | head -1)"
inst="$local_app/Programs/Medicine Inventory"
data="$local_app/MedicineInventory"
startmenu="$(dirname "$local_app")/Roaming/Microsoft/Windows/Start Menu/Programs/Medicine Inventory.lnk"
regkey='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\MedicineInventory'

# installed: all of the program is there (exes, uninstaller, Start-menu shortcut, Apps entry).
installed() {
  local f
  for f in "Medicine Inventory.exe" medinventory.exe Uninstall.exe; do
    [ -f "$inst/$f" ] || fail "$1: $inst/$f is missing"
  done
  [ -f "$startmenu" ] || fail "$1: the Start-menu shortcut is missing"
  wine reg query "$regkey" /v DisplayVersion >/dev/null 2>&1 || fail "$1: the Apps entry is missing"
}
# rc CMD...: runs CMD, prints its exit code (never fails the script).
rc() { local r=0; "$@" >/dev/null 2>&1 || r=$?; echo "$r"; }
# window_of PID: the first X window of that process (Wine sets _NET_WM_PID to the exe's process).
window_of() { xdotool search --onlyvisible --pid "$1" 2>/dev/null | head -1 || true; }
# press WINDOW X Y KEYS: clicks the window at X,Y (a spot where a click does nothing) so that Wine
# makes it the active window (there is no window manager; focusing it alone does not), then types
# KEYS as real key presses (XTEST: Fyne ignores events sent to a window with XSendEvent).
press() {
  xdotool windowraise "$1" 2>/dev/null || true
  xdotool mousemove --window "$1" "$2" "$3" click 1
  sleep 0.5
  xdotool key --clearmodifiers "$4"
}
wait_window() {
  local w=""
  for _ in $(seq "$2"); do w="$(window_of "$1")"; [ -n "$w" ] && break; sleep 1; done
  echo "$w"
}

echo "wine-smoke: installing $setup"
r="$(rc wine "$setup" /S)"
[ "$r" = 0 ] || fail "the silent install exited with $r"
installed "after install"
echo "wine-smoke: installed: $(wine reg query "$regkey" /v DisplayVersion | tr -d '\r' | grep DisplayVersion | xargs)"
echo "wine-smoke: console exe: $(wine "$inst/medinventory.exe" --version | tr -d '\r')"

# A start-up error names the path and says what to do; the message box shows the same text as
# standard error (MEDINVENTORY_NO_DIALOG: standard error only).
bad='Q:\no such drive\inventory'
msg="$(MEDINVENTORY_NO_DIALOG=1 wine "$inst/Medicine Inventory.exe" --data-dir "$bad" 2>&1 | tr -d '\r' || true)"
grep -qF 'Q:\' <<<"$msg" && grep -qF -- '--data-dir' <<<"$msg" || fail "the start-up error does not say which path and what to do: $msg"
echo "wine-smoke: start-up error for --data-dir $bad:"; sed 's/^/    /' <<<"$msg"
wine "$inst/Medicine Inventory.exe" --data-dir "$bad" >"$work/err.log" 2>&1 & errbox_pid=$! # a file: /dev/null would look like a terminal
box="$(wait_window "$errbox_pid" 30)"
[ -n "$box" ] || fail "the start-up error showed no message box"
sleep 1
import -window root /tmp/medinventory-wine-error.png
boxname="$(xdotool getwindowname "$box")"
press "$box" 150 12 Return
r=0; wait "$errbox_pid" || r=$?
errbox_pid=""
echo "wine-smoke: its box: \"$boxname\"; screenshot /tmp/medinventory-wine-error.png; exit code $r after OK"

wine "$inst/Medicine Inventory.exe" >"$work/app.log" 2>&1 & app=$!
win="$(wait_window "$app" 90)"
[ -n "$win" ] || { cat "$work/app.log"; fail "no window of process $app in 90 s"; }
[ "$(xdotool getwindowname "$win")" = "Medicine Inventory" ] || fail "window $win of process $app is titled \"$(xdotool getwindowname "$win")\""
sleep 5
import -window root /tmp/medinventory-wine.png
echo "wine-smoke: window $win of process $app; screenshot /tmp/medinventory-wine.png"
[ -f "$data/inventory.db" ] || fail "no inventory.db in $data"

# ---- While the window is open: refused, nothing changed --------------------------------------
# The console exe's time is set far back: an update that replaced it would give it the build's.
touch -d 2001-01-01 "$inst/medinventory.exe"
unchanged() {
  installed "$1"
  [ "$(date -r "$inst/medinventory.exe" +%Y)" = 2001 ] || fail "$1: medinventory.exe was replaced"
  kill -0 "$app" 2>/dev/null || fail "$1: the window is gone"
}
# _?= runs the uninstaller in place, so its exit code is the uninstall's. It takes the rest of the
# command line, unquoted, which wine's own quoting of an argument with spaces would break: a .bat.
winst="$(winepath -w "$inst")"
printf '@"%s\\Uninstall.exe" /S _?=%s\r\n@exit /b %%errorlevel%%\r\n' "$winst" "$winst" >"$WINEPREFIX/drive_c/uninstall-in-place.bat"
r="$(rc wine cmd /c 'C:\uninstall-in-place.bat')"
[ "$r" = 3 ] || fail "a silent uninstall with the window open exited with $r, not 3"
unchanged "silent uninstall, window open"
echo "wine-smoke: silent uninstall with the window open: refused (exit code $r), nothing removed"
# As Settings > Apps runs it: the uninstaller copies itself to %TEMP% and returns at once.
wine "$inst/Uninstall.exe" /S >/dev/null 2>&1 || true
sleep 8
unchanged "silent uninstall from its temp copy, window open"
echo "wine-smoke: silent uninstall (temp copy) with the window open: nothing removed"
r="$(rc wine "$setup" /S)"
[ "$r" = 3 ] || fail "a silent update with the window open exited with $r, not 3"
unchanged "silent update, window open"
echo "wine-smoke: silent update with the window open: refused (exit code $r), nothing replaced"

# Interactive: the message box, then Cancel (Escape).
wine "$setup" >/dev/null 2>&1 & setup_pid=$!
box="$(wait_window "$setup_pid" 30)"
[ -n "$box" ] || fail "the interactive update showed no window"
sleep 1
import -window root /tmp/medinventory-wine-refused.png
echo "wine-smoke: interactive update with the window open: \"$(xdotool getwindowname "$box")\" box; screenshot /tmp/medinventory-wine-refused.png"
press "$box" 150 12 Escape
r=0; wait "$setup_pid" || r=$?; setup_pid=""
[ "$r" = 3 ] || fail "Cancel in the refusal box exited with $r, not 3"
unchanged "interactive update cancelled, window open"
echo "wine-smoke: Cancel: exit code $r, nothing replaced"

# Interactive uninstall (in place, through cmd: the uninstaller is cmd's child, so its box is found
# by its title, on this script's own display): the box, then Cancel.
printf '@"%s\\Uninstall.exe" _?=%s\r\n@exit /b %%errorlevel%%\r\n' "$winst" "$winst" >"$WINEPREFIX/drive_c/uninstall-interactive.bat"
wine cmd /c 'C:\uninstall-interactive.bat' >/dev/null 2>&1 & setup_pid=$!
ubox=""
for _ in $(seq 30); do ubox="$(xdotool search --onlyvisible --name '^Medicine Inventory Uninstall' 2>/dev/null | head -1 || true)"; [ -n "$ubox" ] && break; sleep 1; done
[ -n "$ubox" ] || fail "the interactive uninstall showed no window"
sleep 1
import -window root /tmp/medinventory-wine-refused-uninstall.png
ubox_name="$(xdotool getwindowname "$ubox")"
press "$ubox" 150 12 Escape
r=0; wait "$setup_pid" || r=$?; setup_pid=""
[ "$r" = 3 ] || fail "Cancel in the uninstaller's refusal box exited with $r, not 3"
unchanged "interactive uninstall cancelled, window open"
echo "wine-smoke: interactive uninstall with the window open: \"$ubox_name\" box (screenshot /tmp/medinventory-wine-refused-uninstall.png); Cancel: exit code $r, nothing removed"

# Interactive again: the box; the window is closed meanwhile; Retry goes on to the wizard.
wine "$setup" >/dev/null 2>&1 & setup_pid=$!
box="$(wait_window "$setup_pid" 30)"
[ -n "$box" ] || fail "the second interactive update showed no window"

# ---- Close the window (Ctrl+Q: there is no window manager to close it) -------------------------
press "$win" 150 450 ctrl+q # the empty photo queue
for _ in $(seq 30); do kill -0 "$app" 2>/dev/null || break; sleep 1; done
kill -0 "$app" 2>/dev/null && fail "the window did not quit on Ctrl+Q"
app=""
echo "wine-smoke: window closed"

press "$box" 150 12 Return # Retry, the default button
sleep 3
kill -0 "$setup_pid" 2>/dev/null || fail "Retry after closing the window: the installer quit instead of going on"
wizard="$(window_of "$setup_pid")"
[ -n "$wizard" ] && [ "$wizard" != "$box" ] || fail "Retry after closing the window: the refusal box is still there"
echo "wine-smoke: Retry after closing the window: the installer goes on (\"$(xdotool getwindowname "$wizard")\"); stopped there"
kill "$setup_pid" 2>/dev/null || true
wait "$setup_pid" 2>/dev/null || true
setup_pid=""
unchanged_but_closed() { installed "$1"; [ "$(date -r "$inst/medinventory.exe" +%Y)" = 2001 ] || fail "$1: medinventory.exe was replaced"; }
unchanged_but_closed "interactive update stopped at its first page"

# ---- Closed: the update and the uninstall go through -----------------------------------------
r="$(rc wine "$setup" /S)"
[ "$r" = 0 ] || fail "the silent update with the window closed exited with $r"
installed "after the update"
[ "$(date -r "$inst/medinventory.exe" +%Y)" != 2001 ] || fail "the update did not replace medinventory.exe"
echo "wine-smoke: silent update with the window closed: done (exit code 0)"

wine "$inst/Uninstall.exe" /S >/dev/null 2>&1
for _ in $(seq 30); do [ -e "$inst" ] || break; sleep 1; done # its temp copy does the work
[ ! -e "$inst" ] || fail "uninstall left $(ls "$inst" | tr '\n' ' ')"
[ ! -e "$startmenu" ] || fail "uninstall left the Start-menu shortcut"
! wine reg query "$regkey" >/dev/null 2>&1 || fail "uninstall left the Apps entry"
[ -f "$data/inventory.db" ] || fail "uninstall removed the inventory"
echo "wine-smoke: uninstalled: no program folder, shortcut or Apps entry left; the inventory is kept"

# ---- HEIC memory budget with a libheif.dll beside the program ---------------------------------
mkdir -p "$work/heic"
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/heic/photomem.test.exe" ./store/photo/photomem
x86_64-w64-mingw32-gcc -shared -O2 -o "$work/heic/libheif.dll" scripts/wine/libheif-stub.c
(cd "$work/heic" && wine ./photomem.test.exe -test.run 'HEICCostCapped' -test.v 2>&1 | tr -d '\r' | grep -v '^=== RUN') ||
  fail "the HEIC photo budget is not capped on Windows with a libheif.dll beside the program"
echo "wine-smoke: passed"
