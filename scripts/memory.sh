#!/usr/bin/env bash
# Measures Medicine Inventory's peak memory (RSS) while `import --wait --concurrency 4` analyses N
# generated 12 MP photos against the fake OpenAI server, for each N given (default: 50 and 200).
# The fake server runs inside `go test` (TestMemoryPeak in soak_test.go), the binary as its own
# process under /usr/bin/time -v, so only the app's memory is measured. Fails if a peak is above
# 400 MB. Then the same for photos whose memory follows their pixels (TestMemoryPeakMix in
# soak_memory_test.go): 16-bit PNGs of 7745×7745 and 4000×3000, 60 MP JPEGs, 12 MP HEICs, at
# concurrency 8, and HEICs with 16-bit PNGs together (mixed); then the mixed photos analysed by the
# open window under Xvfb (TestMemoryPeakWindow). Usage: scripts/memory.sh [N...]
# (MEDINVENTORY_MEMORY_KINDS="png16 heic12" picks kinds)
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("$@")
if [ ${#counts[@]} -eq 0 ]; then counts=(50 200); fi

if [ ! -x /usr/bin/time ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""; if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    echo "Installing GNU time (/usr/bin/time)…"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time >/dev/null
  else
    echo "/usr/bin/time is missing; install GNU time. Measuring with the kernel's rusage instead." >&2
  fi
fi

status=0
# measure TEST VAR=VALUE...: runs one memory test of the root package with the given environment
# and prints its "memory: " lines (or its whole log when it fails).
measure() {
  local test="$1"; shift
  local log; log="$(mktemp)"
  if env MEDINVENTORY_SOAK=1 "$@" \
     go test -tags ci,migrated_fynedo -count=1 -timeout 60m -run "^${test}\$" -v . >"$log" 2>&1; then
    grep -E '^memory: ' "$log" || { cat "$log"; status=1; }
  else
    cat "$log"; status=1
  fi
  rm -f "$log"
}
for n in "${counts[@]}"; do
  echo "memory: importing $n photos of 12 MP (generating them takes a while)…"
  measure TestMemoryPeak MEDINVENTORY_MEMORY_PHOTOS="$n"
done
for kind in ${MEDINVENTORY_MEMORY_KINDS:-png16 jpeg60 heic12 mixed}; do
  echo "memory: importing $kind photos (generating them takes a while)…"
  measure TestMemoryPeakMix MEDINVENTORY_MEMORY_KIND="$kind"
done
if command -v Xvfb >/dev/null 2>&1; then
  echo "memory: the window (under Xvfb) analysing the mixed photos…"
  measure TestMemoryPeakWindow
else
  echo "memory: Xvfb is missing (Debian: apt-get install xvfb): the window's memory is not measured" >&2
  status=1
fi
exit $status
