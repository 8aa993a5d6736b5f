#!/usr/bin/env bash
# Runs one check of `make test` and says when it starts and ends, with its time, so two checks
# running side by side stay readable. Usage: scripts/step.sh NAME COMMAND [ARG...]
name="$1"; shift
start=$(date +%s)
echo "▶ $name"
if "$@"; then
  echo "✔ $name ($(( $(date +%s) - start )) s)"
else
  rc=$?
  echo "✘ $name FAILED (exit $rc, after $(( $(date +%s) - start )) s)"
  exit "$rc"
fi
