#!/usr/bin/env bash
# End-to-end tests of the entitle command: exit codes, where output goes, and
# golden output for the documented examples. Run from the repository root
# with the path of the entitle binary; ENTITLE_UPDATE_GOLDEN=1 rewrites the
# golden files in tests/cli/.
set -u
entitle=$1
here=tests/cli
failures=0 passed=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# expect NAME EXIT_CODE -- COMMAND...: runs it, captures stdout/stderr.
expect() {
  local name=$1 want=$2
  shift 3
  "$@" >"$scratch/out" 2>"$scratch/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit $got, wanted $want"; sed 's/^/  stderr: /' "$scratch/err" | head -20
    failures=$((failures + 1)); return 1
  fi
  passed=$((passed + 1))
}

# contains NAME FILE TEXT: the captured stream holds TEXT.
contains() {
  if grep -qF -- "$3" "$scratch/$2"; then passed=$((passed + 1)); else
    echo "FAIL $1: $2 lacks: $3"; sed 's/^/  | /' "$scratch/$2" | head -20; failures=$((failures + 1)); fi
}

empty() {
  if [ ! -s "$scratch/$2" ]; then passed=$((passed + 1)); else
    echo "FAIL $1: $2 should be empty"; sed 's/^/  | /' "$scratch/$2" | head -5; failures=$((failures + 1)); fi
}

# golden NAME FILE GOLDEN: the captured stream equals tests/cli/GOLDEN.
golden() {
  if [ -n "${ENTITLE_UPDATE_GOLDEN:-}" ] && [ "${ENTITLE_UPDATE_GOLDEN}" != 0 ]; then
    cp "$scratch/$2" "$here/$3"
  fi
  if diff -u "$here/$3" "$scratch/$2" >"$scratch/diff"; then passed=$((passed + 1)); else
    echo "FAIL $1: differs from $here/$3"; cat "$scratch/diff"; failures=$((failures + 1)); fi
}

# Usage and help.
expect no-command 2 -- "$entitle"
contains no-command err "usage: entitle <command>"
expect help 0 -- "$entitle" --help
contains help out "check"
expect unknown-command 2 -- "$entitle" frobnicate
contains unknown-command err "unknown command 'frobnicate'"
expect check-help 0 -- "$entitle" check --help
contains check-help out "usage: entitle check [--format text|json] PATH..."
expect check-no-path 2 -- "$entitle" check
contains check-no-path err "check needs at least one PATH"
expect check-bad-format 2 -- "$entitle" check --format xml rules
contains check-bad-format err "unknown format 'xml'"
expect check-format-missing 2 -- "$entitle" check rules --format
expect check-bad-option 2 -- "$entitle" check --frobnicate rules
contains check-bad-option err "unknown option '--frobnicate'"

# The shipped rules are clean.
expect shipped-rules 0 -- "$entitle" check rules/
golden shipped-rules out check-rules.out
empty shipped-rules err
expect shipped-rules-json 0 -- "$entitle" check --format json rules/
golden shipped-rules-json out check-rules.json

# Errors: exit 1, diagnostics on stderr, nothing on stdout.
expect bad-field 1 -- "$entitle" check tests/check/E201-unknown-field.rules
golden bad-field err check-unknown-field.err
empty bad-field out
expect bad-field-json 1 -- "$entitle" check --format=json tests/check/E201-unknown-field.rules
golden bad-field-json out check-unknown-field.json

# Several files in one run: every error, sorted, counted.
expect many 1 -- "$entitle" check tests/check/E201-unknown-field.rules tests/check/E301-money-vs-int.rules \
  tests/check/E101-missing-for.rules
contains many err "3 errors generated."

# A city checked without its parent says how to fix it.
expect child-alone 1 -- "$entitle" check tests/check/E205-redefined-in-child/city.rules
contains child-alone err "unknown ruleset 'national'"
contains child-alone err "entitle check rules/"

# A file named twice (directly and through its folder) is read once.
expect named-twice 0 -- "$entitle" check rules/ rules/national/schooling.rules
contains named-twice out "ok: 18 files"

# Warnings alone do not fail the run.
expect warnings-only 0 -- "$entitle" check tests/check/W002-unused-define.rules
contains warnings-only err "warning[W002]"
contains warnings-only out "ok:"

# Missing paths and folders without rules.
expect missing-path 1 -- "$entitle" check no/such/place.rules
contains missing-path err "no such file or folder: no/such/place.rules"
mkdir -p "$scratch/empty"
expect empty-folder 1 -- "$entitle" check "$scratch/empty"
contains empty-folder err "no .rules files in"

# eval and explain.
expect eval-help 0 -- "$entitle" eval --help
contains eval-help out "usage: entitle eval --rules PATH --profile FILE"
expect explain-help 0 -- "$entitle" explain --help
expect eval-no-rules 2 -- "$entitle" eval --profile examples/profiles/li-household.yaml
contains eval-no-rules err "--rules is required"
expect eval-no-profile 2 -- "$entitle" eval --rules rules
contains eval-no-profile err "--profile is required"
expect eval-bad-date 2 -- "$entitle" eval --rules rules --profile examples/profiles/li-household.yaml --as-of 2025-13-01
contains eval-bad-date err "--as-of needs a date YYYY-MM-DD, got '2025-13-01'"
expect eval-bad-service 2 -- "$entitle" eval --rules rules --profile examples/profiles/li-household.yaml --service nope
contains eval-bad-service err "no service 'nope' for Household in ruleset national"
expect explain-no-service 2 -- "$entitle" explain --rules rules --profile examples/profiles/li-household.yaml
contains explain-no-service err "explain needs exactly one --service"
expect eval-text 0 -- "$entitle" eval --rules rules --profile examples/profiles/wang-newcomer.yaml
golden eval-text out eval-wang.out
empty eval-text err
expect eval-json 0 -- "$entitle" eval --rules rules --profile examples/profiles/zhao-unknown.yaml --format json
contains eval-json out '"rules_hash":"'
sed -i 's/"rules_hash":"[0-9a-f]\{64\}"/"rules_hash":"<rules hash>"/' "$scratch/out"  # changes with every rules edit
golden eval-json out eval-zhao.json
expect explain 0 -- "$entitle" explain --rules rules --profile examples/profiles/li-household.yaml --service child_school
golden explain out explain-li.out
# --as-of overrides the profile's date: in 2026 Wang has lived here long enough.
expect eval-as-of 0 -- "$entitle" eval --rules rules --profile examples/profiles/wang-newcomer.yaml --as-of 2026-01-01
contains eval-as-of out "✓ 居住证申领 (residence_permit): eligible"
# Bad profiles: exit 1, located errors on stderr.
printf 'entity: Person\nfacts:\n  birth_date: yesterday\n  hukou: false\n' >"$scratch/bad.yaml"
expect eval-bad-profile 1 -- "$entitle" eval --rules rules --ruleset national --profile "$scratch/bad.yaml"
contains eval-bad-profile err "bad.yaml:3:15: error[E703]: birth_date: expected a date (YYYY-MM-DD), got \"yesterday\""
contains eval-bad-profile err "hukou: unknown field of Person; did you mean 'hukou_local'?"
empty eval-bad-profile out
expect eval-bad-profile-json 1 -- "$entitle" eval --rules rules --ruleset national --profile "$scratch/bad.yaml" --format json
contains eval-bad-profile-json out '"code":"E703","message":"birth_date: expected a date (YYYY-MM-DD), got \"yesterday\""'
empty eval-bad-profile-json err
# A profile on standard input.
"$entitle" eval --rules rules --profile - <examples/profiles/wang-newcomer.yaml >"$scratch/out" 2>"$scratch/err" \
  && passed=$((passed + 1)) || { echo "FAIL stdin: exit $?"; failures=$((failures + 1)); }
contains stdin out "✗ 居住证申领 (residence_permit): not eligible"
printf 'entity: Person\nfacts:\n  hukou: 1\n' | "$entitle" eval --rules rules/national --profile - >"$scratch/out" 2>"$scratch/err"
contains stdin-error err "<stdin>:3:3: error[E702]: hukou: unknown field of Person"
expect eval-missing-profile 1 -- "$entitle" eval --rules rules --profile no/such.yaml
contains eval-missing-profile err "cannot read profile no/such.yaml"
# Files that are not regular files are refused before a byte is read (a device would never end, a FIFO never open).
expect eval-device-profile 1 -- timeout 20 "$entitle" eval --rules rules --profile /dev/zero
contains eval-device-profile err "error[E001]: profile /dev/zero is not a regular file"
expect check-device-rules 1 -- timeout 20 "$entitle" check /dev/zero
contains check-device-rules err "/dev/zero is not a regular file"
mkfifo "$scratch/fifo"
expect eval-fifo-profile 1 -- timeout 20 "$entitle" eval --rules rules --profile "$scratch/fifo"
contains eval-fifo-profile err "is not a regular file"
head -c 1100000 /dev/zero | tr '\0' ' ' >"$scratch/big.yaml"
expect eval-large-profile 1 -- "$entitle" eval --rules rules --profile "$scratch/big.yaml"
contains eval-large-profile err "error[E708]: profile $scratch/big.yaml is 1100000 bytes, over the limit of 1048576 bytes"
# Source texts and test profiles are read only inside the repository that holds them; nothing of another file is echoed.
printf 'ruleset leak "x"\n  source "/etc/passwd"\nentity P { a: bool }\nservice s "s" for P\n  cites 1 "root"\n  requires a\n' >"$scratch/leak.rules"
expect source-absolute 1 -- "$entitle" check "$scratch/leak.rules"
contains source-absolute err "error[E503]: the source text '/etc/passwd' must be a path relative to the rules"
printf 'ruleset leak "x"\n  source "../../../../../../../../etc/passwd"\nentity P { a: bool }\nservice s "s" for P\n  cites 1 "root"\n  requires a\n' >"$scratch/leak2.rules"
expect source-outside 1 -- "$entitle" check "$scratch/leak2.rules"
contains source-outside err "error[E503]: cannot read the source text"
printf -- '- name: leak\n  profile: ../../../../../../../../etc/passwd\n  as_of: 2025-01-01\n  expect:\n    settlement: eligible\n' >"$scratch/leak.yaml"
expect test-profile-outside 1 -- "$entitle" test --rules rules "$scratch/leak.yaml"
contains test-profile-outside out "is outside the repository (or folder) that holds the tests"
expect eval-bad-rules 1 -- "$entitle" eval --rules tests/check/E201-unknown-field.rules --profile examples/profiles/li-household.yaml
contains eval-bad-rules err "error[E201]"

# Two exceptions that apply with no priority: an error, never a silent pick.
expect conflict 1 -- "$entitle" eval --rules tests/cli/conflict/rules.rules --profile tests/cli/conflict/profile.yaml
contains conflict out "? 公租房 (housing): undetermined"
contains conflict err "error: housing: exceptions by_points (conflict), veteran (conflict) all apply"

# Jurisdictions: a persona names its ruleset; a bare profile must be told.
expect eval-city 0 -- "$entitle" eval --rules rules --profile examples/profiles/sh-liu-engineer.yaml
contains eval-city out "shanghai · Person · as of 2025-09-01"
contains eval-city out "✓ 上海市居住证积分 (sh_residence_points): eligible"
printf 'entity: Person\nfacts:\n  hukou_local: true\n' >"$scratch/bare.yaml"
expect eval-which-ruleset 1 -- "$entitle" eval --rules rules --profile "$scratch/bare.yaml"
contains eval-which-ruleset err "several rulesets could be evaluated (capital, prefecture, shanghai); choose one with --ruleset"
expect eval-wrong-ruleset 1 -- "$entitle" eval --rules rules --ruleset capital --profile examples/profiles/sh-liu-engineer.yaml
contains eval-wrong-ruleset err "sh-liu-engineer.yaml:5:10: error[E709]: ruleset: this profile is for ruleset \"shanghai\", but the rules evaluated are capital, national"
# A national persona may be evaluated in a city that extends national.
expect eval-national-in-city 0 -- "$entitle" eval --rules rules --ruleset prefecture --profile examples/profiles/li-household.yaml
contains eval-national-in-city out "prefecture · Household"

# eval --project: eligible-from dates, what holds them back, nearest changes, questions to ask.
expect eval-project 0 -- "$entitle" eval --rules rules --profile examples/profiles/wang-newcomer.yaml --project
golden eval-project out eval-wang-project.out
contains eval-project out "→ eligible from 2025-11-06 if nothing else changes"
expect eval-project-json 0 -- "$entitle" eval --rules rules --profile examples/profiles/wang-newcomer.yaml --project --format json
contains eval-project-json out '"eligible_from":"2025-11-06","blocking":["在本市居住满半年 (3 months vs 6 months): met on 2025-11-06"],"nearest_changes":[["residence = 6 months"]],"nearest_change_conditions":[["在本市居住满半年"]]'
contains eval-project-json out '"eligible_from":"never"'
contains eval-project-json out '"next_questions":["metro_area","county_seat","hukou_metro_area","medical","medical_test","permits"],"horizon_days":1826'

# entitle ask: an interview driven by a script, then through a real terminal.
expect ask-help 0 -- "$entitle" ask --help
contains ask-help out "usage: entitle ask --rules PATH --profile FILE"
expect ask-script 0 -- "$entitle" ask --rules rules --profile examples/profiles/zhao-unknown.yaml --script tests/cli/ask/zhao.answers \
  --out "$scratch/answered.yaml"
golden ask-script out ask-zhao.out
contains ask-script out "  county_seat (needed by 1 service) > sideways"
contains ask-script out "cannot use that answer"
expect ask-answered 0 -- "$entitle" eval --rules rules --profile "$scratch/answered.yaml" --service residence_permit
contains ask-answered out "✓ 居住证申领 (residence_permit): eligible"
# (Needs pseudo-terminals: a chroot without /dev/pts has none, and then says so and skips.)
session="entitle-ask-$$"
if ! command -v tmux >/dev/null; then
  echo "FAIL ask-tty: tmux is not installed"; failures=$((failures + 1))
elif ! tmux new-session -d -s "$session" -x 160 -y 50 \
    "$entitle ask --rules rules --profile examples/profiles/zhao-unknown.yaml; echo ASK-EXIT-\$?; sleep 5" 2>"$scratch/tmux.err"; then
  echo "skip ask-tty: no pseudo-terminal here ($(head -1 "$scratch/tmux.err"))"
else
  sleep 1; tmux send-keys -t "$session" 'employee' Enter
  sleep 1; tmux send-keys -t "$session" 'quit' Enter
  sleep 1; tmux capture-pane -t "$session" -p -S -200 >"$scratch/out"
  tmux kill-session -t "$session" 2>/dev/null
  contains ask-tty out "employment (needed by 5 services) > employee"
  contains ask-tty out "✓ 居住证申领 (residence_permit): eligible"
  contains ask-tty out "ASK-EXIT-0"
fi

# entitle test: the shipped rules' tests pass with full coverage.
expect test-help 0 -- "$entitle" test --help
contains test-help out "usage: entitle test [--rules PATH]... [--junit FILE] [--coverage] [--fail-uncovered] PATH..."
expect test-shipped 0 -- "$entitle" test --rules rules --fail-uncovered --junit "$scratch/junit.xml" tests/rules
contains test-shipped out "0 failed"
contains test-shipped out "entitlement paragraphs cited"
contains test-shipped out "112/112 labelled conditions seen true and false, 25/25 services tested, 8/8 entitlement paragraphs cited"
grep -q '<testsuites name="entitle" tests="52" failures="0">' "$scratch/junit.xml" && passed=$((passed + 1)) \
  || { echo "FAIL test-shipped: junit.xml"; failures=$((failures + 1)); }
# Failures: expected and actual verdicts, the explanation, exit 1, JUnit with the failures.
expect test-failing 1 -- "$entitle" test --rules rules --junit "$scratch/failing.xml" tests/cli/tests/failing.yaml
golden test-failing out test-failing.out
grep -q '<testsuites name="entitle" tests="3" failures="2">' "$scratch/failing.xml" && passed=$((passed + 1)) \
  || { echo "FAIL test-failing: failing.xml"; failures=$((failures + 1)); }
grep -q 'failure message="residence_permit: expected eligible, got not_eligible"' "$scratch/failing.xml" \
  && passed=$((passed + 1)) || { echo "FAIL test-failing: failure message"; failures=$((failures + 1)); }
# Coverage of a partial suite is not full: --fail-uncovered fails.
expect test-uncovered 1 -- "$entitle" test --rules rules --fail-uncovered tests/rules/conditions.yaml
contains test-uncovered out "no test: national services_tier2"
contains test-uncovered out "never true: shanghai sh_residence_points \"本月正常缴纳社保\""
# Mistakes in test files are located; nothing runs from them.
expect test-bad-file 1 -- "$entitle" test --rules rules tests/cli/tests/bad.yaml
contains test-bad-file err "bad.yaml:4:3: error[E711]: unknown key 'expekt' in a case (name, rules, as_of, profile, expect)"
contains test-bad-file err "bad.yaml:9:23: error[E711]: a verdict is eligible, not_eligible or undetermined"
contains test-bad-file err "bad.yaml:10:3: error[E711]: a case needs a name"
# The JUnit file is written whole or not at all.
expect test-junit-unwritable 1 -- "$entitle" test --rules rules --junit no/such/dir/j.xml tests/rules/conditions.yaml
contains test-junit-unwritable err "cannot write no/such/dir/j.xml"
[ ! -e no/such/dir/j.xml.tmp ] && passed=$((passed + 1)) || { echo "FAIL: a partial JUnit file"; failures=$((failures + 1)); }
expect test-no-path 2 -- "$entitle" test --rules rules
contains test-no-path err "test needs at least one PATH of test files"
expect test-missing-path 2 -- "$entitle" test --rules rules no/such/tests
contains test-missing-path err "no such file or folder: no/such/tests"

# entitle gen: deterministic synthetic populations.
expect gen-help 0 -- "$entitle" gen --help
contains gen-help out "usage: entitle gen --rules PATH"
expect gen-a 0 -- "$entitle" gen --rules rules --ruleset national --entity Household --n 40 --seed 3 --as-of 2025-09-01 \
  --spec examples/populations/households.spec.yaml --out "$scratch/a.jsonl"
expect gen-b 0 -- "$entitle" gen --rules rules --ruleset national --entity Household --n 40 --seed 3 --as-of 2025-09-01 \
  --spec examples/populations/households.spec.yaml
cmp -s "$scratch/a.jsonl" "$scratch/out" && passed=$((passed + 1)) || { echo "FAIL gen: not deterministic"; failures=$((failures + 1)); }
[ "$(wc -l <"$scratch/a.jsonl")" -eq 40 ] && passed=$((passed + 1)) || { echo "FAIL gen: not 40 lines"; failures=$((failures + 1)); }
# --out: a fresh temporary beside the target (never FILE.tmp, never through a link), renamed when complete,
# removed on failure and when the program is killed.
mkdir "$scratch/outdir"
echo precious >"$scratch/victim"
ln -s "$scratch/victim" "$scratch/outdir/gen.jsonl.tmp"
expect gen-out 0 -- "$entitle" gen --rules rules --ruleset national --entity Household --n 5 --seed 3 --as-of 2025-09-01 \
  --out "$scratch/outdir/gen.jsonl"
contains gen-out-victim victim "precious"
if [ "$(wc -l <"$scratch/outdir/gen.jsonl")" -eq 5 ] && [ "$(ls -A "$scratch/outdir" | wc -l)" -eq 2 ]; then passed=$((passed + 1));
else echo "FAIL gen-out: want 5 lines and no temporary left"; ls -la "$scratch/outdir"; failures=$((failures + 1)); fi
"$entitle" gen --rules rules --ruleset national --entity Household --n 5000000 --seed 3 --as-of 2025-09-01 \
  --out "$scratch/outdir/big.jsonl" 2>/dev/null & gen_pid=$!
sleep 2; kill -TERM "$gen_pid"; wait "$gen_pid" 2>/dev/null || true
if [ ! -e "$scratch/outdir/big.jsonl" ] && [ "$(ls -A "$scratch/outdir" | wc -l)" -eq 2 ]; then passed=$((passed + 1));
else echo "FAIL gen-killed: a temporary or partial output was left"; ls -la "$scratch/outdir"; failures=$((failures + 1)); fi
expect gen-no-entity 1 -- "$entitle" gen --rules rules --ruleset national --entity Nobody --n 1
contains gen-no-entity err "no entity named 'Nobody' (entities: Person, Household, Compound, County)"
expect gen-bad-n 2 -- "$entitle" gen --rules rules --ruleset national --entity Person --n lots
contains gen-bad-n err "--n needs a whole number, got 'lots'"
printf 'fields:\n  members: {minimum: 1}\n' >"$scratch/bad-spec.yaml"
expect gen-bad-spec 1 -- "$entitle" gen --rules rules --ruleset national --entity Household --n 5 --spec "$scratch/bad-spec.yaml" --out "$scratch/none.jsonl"
contains gen-bad-spec err "bad-spec.yaml:2:13: error[E714]: members: unknown key 'minimum'"
[ ! -e "$scratch/none.jsonl" ] && [ ! -e "$scratch/none.jsonl.tmp" ] && passed=$((passed + 1)) \
  || { echo "FAIL gen-bad-spec: a file was written"; failures=$((failures + 1)); }

# entitle diff: who gains, who loses.
expect diff-help 0 -- "$entitle" diff --help
contains diff-help out "usage: entitle diff --old PATH [--new PATH] --population FILE"
expect diff-text 0 -- "$entitle" diff --old rules --ruleset national --set 'school.min_pension=12 months' \
  --population "$scratch/a.jsonl" --as-of 2025-09-01 --by applicant.hukou_local
golden diff-text out diff-school.out
expect diff-json 0 -- "$entitle" diff --old rules --ruleset national --population "$scratch/a.jsonl" --as-of 2025-09-01 --format json
contains diff-json out '"old":"rules [national]","new":"rules [national]","entity":"Household","as_of":"2025-09-01","profiles":40,"rejected":0'
contains diff-json out '"gained":0,"lost":0,"became_undetermined":0,"stopped_undetermined":0'
# Two rule sets: a city against national, for the same population.
expect diff-city 0 -- "$entitle" diff --old rules --old-ruleset national --new rules --new-ruleset prefecture \
  --population "$scratch/a.jsonl" --as-of 2025-09-01 --format json
contains diff-city out '"id":"child_school"'
expect diff-city-paths 0 -- "$entitle" diff --old rules/national --new rules/national --new rules/cities/prefecture \
  --population "$scratch/a.jsonl" --as-of 2025-09-01
contains diff-city-paths out "entitle diff: rules/national [national] → rules/national rules/cities/prefecture [prefecture]"
expect diff-bad-set 1 -- "$entitle" diff --old rules --ruleset national --set school.min_pensio=3 --population "$scratch/a.jsonl"
contains diff-bad-set err "error[E908]: --set school.min_pensio: no parameter school.min_pensio; did you mean 'school.min_pension'?"
expect diff-bad-set-value 1 -- "$entitle" diff --old rules --ruleset national --set school.min_pension=soon --population "$scratch/a.jsonl"
contains diff-bad-set-value err "error[E908]: --set school.min_pension=soon:"
# Bad lines: skipped and reported (exit 1, the report still written), or the run stops and writes nothing.
{ head -5 "$scratch/a.jsonl"; echo 'not json'; sed -n 6,40p "$scratch/a.jsonl"; } >"$scratch/bad.jsonl"
expect diff-skip 1 -- "$entitle" diff --old rules --ruleset national --population "$scratch/bad.jsonl" --as-of 2025-09-01 --out "$scratch/skip.txt"
contains diff-skip err "bad.jsonl:6:1: error[E701]: not valid JSON"
contains diff-skip err "1 line of the population rejected"
grep -q "40 Household profiles as of 2025-09-01 (1 lines rejected)" "$scratch/skip.txt" && passed=$((passed + 1)) \
  || { echo "FAIL diff-skip: report"; head -3 "$scratch/skip.txt"; failures=$((failures + 1)); }
expect diff-stop 1 -- "$entitle" diff --old rules --ruleset national --population "$scratch/bad.jsonl" --as-of 2025-09-01 --on-error stop --out "$scratch/stop.txt"
contains diff-stop err "stopped at the first bad line (--on-error stop); nothing written"
[ ! -e "$scratch/stop.txt" ] && passed=$((passed + 1)) || { echo "FAIL diff-stop: a report was written"; failures=$((failures + 1)); }
expect diff-no-population 2 -- "$entitle" diff --old rules
contains diff-no-population err "--population is required"
expect diff-bad-format 2 -- "$entitle" diff --old rules --population "$scratch/a.jsonl" --format pdf
expect diff-missing-population 1 -- "$entitle" diff --old rules --ruleset national --population no/such.jsonl
contains diff-missing-population err "cannot read population no/such.jsonl"
# A git revision as the old rules (where this is a git checkout): HEAD against the working tree.
if git rev-parse --verify --quiet HEAD >/dev/null 2>&1 && git diff --quiet HEAD -- rules; then
  expect diff-git 0 -- "$entitle" diff --old HEAD:rules --new rules --ruleset national --population "$scratch/a.jsonl" \
    --as-of 2025-09-01 --format json
  contains diff-git out '"old":"HEAD:rules [national]"'
  grep -q '"gained":[1-9]\|"lost":[1-9]' "$scratch/out" && { echo "FAIL diff-git: the same rules changed verdicts"; failures=$((failures + 1)); } \
    || passed=$((passed + 1))
else
  echo "skip diff-git: not a git checkout with committed rules"
fi
expect diff-bad-revision 1 -- "$entitle" diff --old no-such-rev:rules --ruleset national --population "$scratch/a.jsonl"
contains diff-bad-revision err "no file no-such-rev:rules, and no-such-rev is not a git revision here"
# A CSV population: a header of field paths, JSON in cells for histories.
expect diff-csv 1 -- "$entitle" diff --old rules --ruleset national --set 'permit.min_residence=3 months' \
  --population tests/cli/populations/people.csv --entity Person --as-of 2025-09-01
contains diff-csv err "tests/cli/populations/people.csv:6:1: error[E715]: the row has 3 cells, the header 8"
contains diff-csv out "5 Person profiles as of 2025-09-01 (1 lines rejected)"
contains diff-csv out "residence_permit gained: line 5: not_eligible [在本市居住满半年 (5 months vs 6 months)] → eligible"
expect diff-csv-no-entity 2 -- "$entitle" diff --old rules --ruleset national --population tests/cli/populations/people.csv
contains diff-csv-no-entity err "a CSV population needs --entity"
printf 'hukou_local,,age\n' >"$scratch/bad-header.csv"
expect diff-csv-header 1 -- "$entitle" diff --old rules --ruleset national --population "$scratch/bad-header.csv" --entity Person
contains diff-csv-header err "bad-header.csv:1:1: error[E715]: the header names an empty field"
# A --by path that names no field: refused with a suggestion, no report.
expect diff-by-unknown 1 -- "$entitle" diff --old rules --ruleset national --population "$scratch/a.jsonl" \
  --as-of 2025-09-01 --by applicant.hukou_locl
contains diff-by-unknown err "error[E717]: --by applicant.hukou_locl: no field path of Household is named so; did you mean 'applicant.hukou_local'?"
[ -s "$scratch/out" ] && { echo "FAIL diff-by-unknown: wrote a report"; failures=$((failures + 1)); }
# One line of 1.2 MB among good ones: reported at its line number and skipped
# (no more than 1 MiB of it is ever held).
{ head -1 "$scratch/a.jsonl"; printf '{"entity":"Household","id":"%s"}\n' "$(head -c 1200000 /dev/zero | tr '\0' x)"; sed -n 2p "$scratch/a.jsonl"; } >"$scratch/long.jsonl"
expect diff-long-line 1 -- "$entitle" diff --old rules --ruleset national --population "$scratch/long.jsonl" --as-of 2025-09-01
contains diff-long-line err "long.jsonl:2:1: error[E708]: this line is over the limit of 1 MiB (one profile per line)"
contains diff-long-line out "2 Household profiles"
# --project on a profile of 24,000 spells: bounded work (it took 36 s before),
# said so in the output; the harness gives it 60 s under the sanitizers.
python3 - "$scratch/spells.yaml" <<'PY'
import datetime, sys
lines = ["entity: Person", "facts:", "  local: true", "  income: 3000", "  residence:"]
for i in range(24000):
    day = datetime.date(1950, 1, 1) + datetime.timedelta(days=i)
    lines.append(f"    - {{from: {day}, to: {day}}}")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
expect project-bounded 0 -- timeout 60 "$entitle" eval --rules tests/bad-inputs/schema.rules --profile "$scratch/spells.yaml" \
  --as-of 2026-01-01 --project
contains project-bounded out "eligible from: not known (the projection's work bound ran out)"
contains project-bounded out "the projection stopped at its work bound"
# Streaming: the population on standard input.
"$entitle" diff --old rules --ruleset national --population - --as-of 2025-09-01 <"$scratch/a.jsonl" >"$scratch/out" 2>"$scratch/err" \
  && passed=$((passed + 1)) || { echo "FAIL diff-stdin: exit $?"; failures=$((failures + 1)); }
contains diff-stdin out "40 Household profiles"

# entitle boundaries: cases around every threshold, written as entitle tests.
expect boundaries-help 0 -- "$entitle" boundaries --help
contains boundaries-help out "usage: entitle boundaries --rules PATH --service ID --profile FILE"
expect boundaries 0 -- "$entitle" boundaries --rules rules --service settlement --profile examples/profiles/capital-worker.yaml
golden boundaries out boundaries-settlement.yaml
contains boundaries err "9 cases at 3 thresholds of settlement"
cp "$scratch/out" "$scratch/boundaries.yaml"
expect boundaries-pass 0 -- "$entitle" test --rules rules "$scratch/boundaries.yaml"
contains boundaries-pass out "9 passed, 0 failed"
expect boundaries-no-service 2 -- "$entitle" boundaries --rules rules --service nope --profile examples/profiles/capital-worker.yaml
contains boundaries-no-service err "no service 'nope' for Person in ruleset capital"
expect boundaries-no-profile 2 -- "$entitle" boundaries --rules rules --service settlement

# The inputs every command reads the same way: --as-of (a usage error, 2),
# a file that cannot be read (1), rules with errors (1), each said where.
profile=examples/profiles/capital-worker.yaml
printf 'ruleset broken\nservice s "s" for Nobody\n' >"$scratch/broken.rules"
while IFS='|' read -r name code message args; do
  # shellcheck disable=SC2086 # the arguments are words
  expect "$name" "$code" -- "$entitle" $args
  contains "$name" err "$message"
done <<EOF_CASES
ask-bad-date|2|--as-of needs a date YYYY-MM-DD, got 'soon'|ask --rules rules --profile $profile --as-of soon
gen-bad-date|2|--as-of needs a date YYYY-MM-DD, got '2025-02-30'|gen --rules rules --entity Person --n 1 --as-of 2025-02-30
diff-bad-date|2|--as-of needs a date YYYY-MM-DD, got '1/9/2025'|diff --old rules --population - --as-of 1/9/2025
boundaries-bad-date|2|--as-of needs a date YYYY-MM-DD, got 'x'|boundaries --rules rules --service settlement --profile $profile --as-of x
ask-missing-profile|1|cannot read profile no/such.yaml|ask --rules rules --profile no/such.yaml
boundaries-missing-profile|1|cannot read profile no/such.yaml|boundaries --rules rules --service settlement --profile no/such.yaml
gen-missing-spec|1|cannot read spec no/such.yaml|gen --rules rules --entity Person --n 1 --spec no/such.yaml
ask-broken-rules|1|broken.rules:2:19: error[E206]: service for undeclared entity 'Nobody'|ask --rules $scratch/broken.rules --profile $profile --ruleset broken
gen-broken-rules|1|broken.rules:2:19: error[E206]: service for undeclared entity 'Nobody'|gen --rules $scratch/broken.rules --entity Person --n 1
boundaries-broken-rules|1|broken.rules:2:19: error[E206]: service for undeclared entity 'Nobody'|boundaries --rules $scratch/broken.rules --service s --profile $profile --ruleset broken
EOF_CASES

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
