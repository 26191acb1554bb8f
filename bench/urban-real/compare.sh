#!/usr/bin/env bash
# Side by side on one pinned core: entitle, the hand-written C++ and the
# plain-Python reference on the same generated profiles, alternating runs;
# prints each run's in-memory profiles/s and the median ratios.
#   bench/urban-real/compare.sh [N] [RUNS]     (from the repository root, after a release build)
set -euo pipefail
n=${1:-100000} runs=${2:-5}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
/usr/bin/python3 bench/urban-real/gen.py --n "$n" --seed 1 > "$data/p.jsonl"
/usr/bin/python3 bench/urban-real/gen.py --n $((n / 10)) --seed 1 > "$data/small.jsonl"
pps() { grep -o '"eval_pps": [0-9]*' | grep -o '[0-9]*$'; }
for i in $(seq "$runs"); do
  e=$(taskset -c 1 build/release/urban_real "$data/p.jsonl" | pps)
  h=$(taskset -c 1 build/release/urban_real_handwritten "$data/p.jsonl" | pps)
  p=$(taskset -c 1 /usr/bin/python3 bench/urban-real/ref.py "$data/small.jsonl" | pps)
  echo "run $i: entitle $e/s  hand-written $h/s  python $p/s"
  echo "$e $h $p" >> "$data/runs"
done
/usr/bin/python3 - "$data/runs" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
print("median entitle / hand-written: %.3f" % statistics.median(e / h for e, h, p in rows))
print("median entitle / python:       %.1f" % statistics.median(e / p for e, h, p in rows))
PY
