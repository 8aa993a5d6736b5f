#!/usr/bin/env bash
# The long reliability runs behind `make soak` (figures for docs/PERFORMANCE.md and
# docs/RELIABILITY.md). Each step prints its figures; the script stops at the first failure.
#   1. The fault soak at full size (300 photos against a fault mix), the circuit breaker, the
#      crash test at full size (50 photos, 5 SIGKILLs), the bad-input corpus and the security test.
#   2. Peak memory for 50 and 200 photos of 12 MP (scripts/memory.sh).
#   3. Batch throughput: 200 photos of 3 MP, 800 ms per answer, concurrency 4; fails above 1.1 × ideal.
# The fuzz targets' long run (60 s each) is `make fuzz FUZZTIME=60s`, which `make soak` runs too.
set -euo pipefail
cd "$(dirname "$0")/.."
export MEDINVENTORY_SOAK=1
tags=ci,migrated_fynedo

echo "soak 1/3: fault soak, circuit breaker, crash test, bad-input corpus, security"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! go test -tags "$tags" -count=1 -timeout 30m -v \
     -run '^(TestFaultSoak|TestCircuitOpensAndJobsWait|TestCrashMidBatch|TestBadInputCorpus|TestSecretsAndPrivacy|TestNoUntrustedTextInFilePaths)$' . >"$log" 2>&1; then
  cat "$log"; exit 1
fi
grep -E '^(--- |ok|PASS)|(reliability|e2e)_test\.go:[0-9]+: ' "$log" | grep -vE '→|^\s+(reliability|e2e)_test\.go:[0-9]+: failed: ' || true

echo "soak 2/3: peak memory"
bash scripts/memory.sh 50 200

echo "soak 3/3: batch throughput"
go test -tags "$tags" -count=1 -timeout 30m -run '^$' -bench '^BenchmarkBatchThroughput$' -benchtime 1x . | tee "$log"
ratio="$(awk '/^BenchmarkBatchThroughput/ { for (i = 1; i < NF; i++) if ($(i+1) == "x-ideal") print $i }' "$log")"
if [ -z "$ratio" ]; then echo "soak: no throughput figure"; exit 1; fi
if awk -v r="$ratio" 'BEGIN { exit !(r > 1.1) }'; then
  echo "soak: batch wall time is ${ratio} × the ideal; want ≤ 1.1"; exit 1
fi
echo "soak: batch wall time ${ratio} × the ideal (≤ 1.1)"
echo "soak: all long runs passed"
