#!/usr/bin/env bash
# urban-real: entitle's counts, the hand-written C++ evaluation's and the
# plain-Python reference's are equal on a sample (tests/bench/urban-real-sample.expected
# was written by bench/urban-real/ref.py, which is run again here; scripts/setup
# installs Debian's python3).
set -euo pipefail
entitle_bench=$1 handwritten=$2
results() { /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["results"], sort_keys=True))'; }
want=$(cat tests/bench/urban-real-sample.expected)
failures=0
check() {
  local name=$1 got=$2
  if [ "$got" != "$want" ]; then
    echo "FAIL $name: counts differ"; echo " got: $got"; echo "want: $want"; failures=$((failures + 1))
  else
    echo "ok $name"
  fi
}
check entitle "$("$entitle_bench" --warmup 0 tests/bench/urban-real-sample.jsonl | results)"
check handwritten "$("$handwritten" tests/bench/urban-real-sample.jsonl | results)"
check python-reference "$(/usr/bin/python3 bench/urban-real/ref.py tests/bench/urban-real-sample.jsonl | results)"
# The generator is deterministic: the same N and seed give the same lines.
if /usr/bin/python3 bench/urban-real/gen.py --n 800 --seed 5 | cmp -s - tests/bench/urban-real-sample.jsonl; then
  echo "ok generator"
else
  echo "FAIL generator: the sample is not what gen.py --n 800 --seed 5 writes"; failures=$((failures + 1))
fi
[ "$failures" -eq 0 ]
