#!/usr/bin/env bash
# Smoke test of the real binary: start it under Xvfb with a fresh data dir, find its window, take a
# screenshot and check it is not blank, close it with Ctrl+Q (then once more with SIGTERM), and check
# the database is intact. Usage: scripts/smoke.sh ./medinventory [screenshot.png]
set -euo pipefail
bin="$(realpath "$1")"
shot="${2:-}"
work="$(mktemp -d)"
cleanup() {
  [ -n "${app_pid:-}" ] && kill -9 "$app_pid" 2>/dev/null || true
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export LANG=en_US.UTF-8
# A free display number.
for n in $(seq 90 140); do
  if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then disp=":$n"; break; fi
done
Xvfb "$disp" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY="$disp"
for _ in $(seq 1 50); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done

start_app() {
  "$bin" --data-dir "$work/data" --log-level debug >"$work/app.log" 2>&1 &
  app_pid=$!
  win=""
  for _ in $(seq 1 150); do
    win="$(xdotool search --onlyvisible --name '^Medicine Inventory$' 2>/dev/null | head -1 || true)"
    [ -n "$win" ] && break
    if ! kill -0 "$app_pid" 2>/dev/null; then echo "smoke: the app exited before showing its window:"; cat "$work/app.log"; exit 1; fi
    sleep 0.2
  done
  if [ -z "$win" ]; then echo "smoke: no window titled 'Medicine Inventory' appeared in 30 s"; cat "$work/app.log"; exit 1; fi
  sleep 2 # let it draw
}

wait_exit() {
  for _ in $(seq 1 100); do
    if ! kill -0 "$app_pid" 2>/dev/null; then
      wait "$app_pid" && rc=0 || rc=$?
      app_pid=""
      if [ "$rc" != 0 ]; then echo "smoke: the app exited with code $rc after $1"; cat "$work/app.log"; exit 1; fi
      return 0
    fi
    sleep 0.1
  done
  echo "smoke: the app did not exit within 10 s after $1"; cat "$work/app.log"; exit 1
}

start_app
import -window root "$work/shot.png"
colors="$(convert "$work/shot.png" -format '%k' info:)"
sd="$(convert "$work/shot.png" -format '%[fx:standard_deviation]' info:)"
echo "smoke: window $win found; screenshot has $colors colours (std dev $sd)"
if [ "$colors" -lt 16 ]; then echo "smoke: the screenshot looks blank"; exit 1; fi
[ -n "$shot" ] && cp "$work/shot.png" "$shot"

xdotool windowactivate --sync "$win" 2>/dev/null || xdotool windowfocus --sync "$win" 2>/dev/null || true
xdotool key --clearmodifiers ctrl+q
wait_exit "Ctrl+Q"
echo "smoke: closed with Ctrl+Q"

start_app
kill -TERM "$app_pid"
wait_exit "SIGTERM"
echo "smoke: closed with SIGTERM"

[ -e "$work/data/inventory.db-wal" ] && [ -s "$work/data/inventory.db-wal" ] && { echo "smoke: the WAL was not checkpointed at exit"; exit 1; }
ic="$(sqlite3 "$work/data/inventory.db" 'PRAGMA integrity_check')"
if [ "$ic" != "ok" ]; then echo "smoke: integrity_check says: $ic"; exit 1; fi
echo "smoke: database integrity ok"
grep -q "window closed, shutting down" "$work/data/logs/medinventory.log" || { echo "smoke: the log does not show a clean shutdown"; exit 1; }
echo "smoke: ok"
