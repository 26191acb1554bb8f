#!/usr/bin/env bash
# The benchmark program's counts on a small sample equal an independent
# computation of the workload's definitions (tests/bench/urban12-sample.expected,
# computed from WORKLOAD.md by a separate implementation when the sample was made).
set -euo pipefail
urban12=$1
out=$("$urban12" --warmup 0 --rules bench/urban12.rules tests/bench/urban12-sample.jsonl)
echo "$out"
got=$(grep -o '"results": {[^}]*}' <<<"$out")
want=$(cat tests/bench/urban12-sample.expected)
if [ "$got" != "$want" ]; then
  echo "FAIL: counts differ"; echo " got: $got"; echo "want: $want"; exit 1
fi
grep -q '"eval_pps": [0-9]' <<<"$out"
# A file that cannot be read is an error, not an empty workload.
if err=$("$urban12" --rules bench/urban12.rules tests/bench/no-such-file.jsonl 2>&1); then
  echo "FAIL: a missing profile file was accepted: $err"; exit 1
fi
grep -q "no-such-file.jsonl: error: cannot read the file" <<<"$err"
echo "2 passed, 0 failed"
