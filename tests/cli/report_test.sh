#!/usr/bin/env bash
# The HTML report of `entitle diff`, opened in headless Chromium (Debian's
# chromium, installed by scripts/setup): it renders offline, its charts are
# drawn (bars with a width, measured by the browser's layout) and its tables
# hold the counts. Run from the repository root with the entitle binary.
set -euo pipefail
entitle=$1
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "FAIL: chromium is not installed (scripts/setup installs it)"; exit 1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$entitle" gen --rules rules --ruleset national --entity Household --n 300 --seed 5 --as-of 2025-09-01 \
  --spec examples/populations/households.spec.yaml --out "$scratch/pop.jsonl"
"$entitle" diff --old rules --ruleset national --set 'school.min_pension=12 months' --population "$scratch/pop.jsonl" \
  --as-of 2025-09-01 --by applicant.hukou_local --format html --out "$scratch/report.html"
"$entitle" diff --old rules --ruleset national --set 'school.min_pension=12 months' --population "$scratch/pop.jsonl" \
  --as-of 2025-09-01 --format json --out "$scratch/report.json"
lost=$(grep -o '"id":"child_school","title":"[^"]*","in_old":true,"in_new":true,"profiles":[0-9]*,"before":[0-9]*,"after":[0-9]*,"gained":[0-9]*,"lost":[0-9]*' "$scratch/report.json" | sed 's/.*"lost"://')
[ "$lost" -gt 0 ] || { echo "FAIL: the change should lose school places"; exit 1; }
# Measure the rendered page: the browser's layout, written into the page.
cp "$scratch/report.html" "$scratch/measured.html"
cat >>"$scratch/measured.html" <<'JS'
<script>
const bars = [...document.querySelectorAll('svg rect')];
const drawn = bars.filter(r => r.getBBox().width > 0).length;
const svg = document.querySelector('svg').getBoundingClientRect();
document.body.insertAdjacentHTML('beforeend',
  '<p id="check">rects=' + bars.length + ' drawn=' + drawn + ' svg=' + Math.round(svg.width) + 'x' + Math.round(svg.height) + '</p>');
</script>
JS
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --virtual-time-budget=2000)
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$scratch/measured.html" >"$scratch/dom.html" 2>/dev/null
failures=0
check() { if grep -qE -- "$2" "$scratch/dom.html"; then echo "ok $1"; else echo "FAIL $1: no match for $2"; failures=$((failures + 1)); fi; }
check title 'Who gains, who loses'
check summary 'id="summary">rules \[national\] → rules \[national\] --set school.min_pension=12 months: 300 Household profiles, as of 2025-09-01'
check bars-drawn 'id="check">rects=[0-9]+ drawn=[1-9][0-9]* svg=[1-9][0-9]+x[1-9][0-9]+'
check lost-count "<title>lost $lost</title>"
check breakdown 'child_school by applicant.hukou_local'
check examples 'child_school: examples'
# A screenshot: the page paints (a PNG of some size).
timeout 120 "$browser" "${flags[@]}" --window-size=1200,900 --screenshot="$scratch/report.png" \
  "file://$scratch/report.html" >/dev/null 2>&1
size=$(stat -c %s "$scratch/report.png" 2>/dev/null || echo 0)
if [ "$size" -gt 10000 ]; then echo "ok screenshot ($size bytes)"; else echo "FAIL screenshot: $size bytes"; failures=$((failures + 1)); fi
[ "$failures" -eq 0 ]
