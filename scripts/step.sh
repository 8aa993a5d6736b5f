#!/usr/bin/env bash
# Runs one check of `make test` and says when it starts and ends, with its time (wall clock, and
# the CPU time of everything it ran: two lanes share the cores, so wall time alone hides what a
# check costs), so two checks running side by side stay readable.
# Usage: scripts/step.sh NAME COMMAND [ARG...]
name="$1"; shift
start=$(date +%s)
echo "▶ $name"
# cpu sets $cpu to the CPU seconds (user + system) of the children waited for so far: bash's
# `times`, second line. It must run in this shell: a subshell ($(...), a pipe) would not see them.
cpu() {
  local f; f="$(mktemp)"; times >"$f"
  cpu="$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$f")"
  rm -f "$f"
}
if "$@"; then
  cpu; echo "✔ $name ($(( $(date +%s) - start )) s, CPU $cpu s)"
else
  rc=$?
  cpu; echo "✘ $name FAILED (exit $rc, after $(( $(date +%s) - start )) s, CPU $cpu s)"
  exit "$rc"
fi
