#!/usr/bin/env bash
# The catalogue of malformed inputs: every file below a kind's folder is run
# through the command that reads that kind of input, which must exit 1 and
# write exactly what NAME.expected holds: the located error on stderr, then,
# after a line "--- stdout", what it wrote on standard output, if anything
# (a rule test's report); each gets 120 s, so a hang fails rather than stalls.
# ENTITLE_UPDATE_GOLDEN=1 rewrites the .expected files.
#   usage: tests/bad-inputs/run.sh ENTITLE   (from the repository's top)
set -uo pipefail
entitle=$1
here=tests/bad-inputs
rules=$here/schema.rules
as_of=2026-01-01
failures=0 cases=0

command_for() {  # the command line that reads case $1
    local file=$1
    case $file in
        $here/rules/*) echo check "$file" ;;
        $here/profiles/*) echo eval --rules "$rules" --profile "$file" --as-of $as_of ;;
        $here/params/*) echo check "$rules" "$file" ;;
        $here/tests/*) echo test --rules "$rules" "$file" ;;
        $here/specs/*) echo gen --rules "$rules" --entity Person --n 20 --as-of $as_of --spec "$file" ;;
        $here/populations/*.csv) echo diff --old "$rules" --entity Person --as-of $as_of --on-error stop --population "$file" ;;
        $here/populations/*) echo diff --old "$rules" --as-of $as_of --on-error stop --population "$file" ;;
        $here/sets/*) echo diff --old "$rules" --as-of $as_of --population $here/good.jsonl --set "$(cat "$file")" ;;
    esac
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
while IFS= read -r -d '' file; do
    args=$(command_for "$file")
    [ -n "$args" ] || continue
    cases=$((cases + 1))
    expected=${file%.*}.expected
    # shellcheck disable=SC2086  # the words of the command line, split on purpose (paths have no spaces)
    if [[ $file == $here/sets/* ]]; then
        timeout 120 "$entitle" diff --old "$rules" --as-of $as_of --population $here/good.jsonl --set "$(cat "$file")" \
            >"$scratch/out" 2>"$scratch/err" </dev/null
    else
        timeout 120 "$entitle" $args >"$scratch/out" 2>"$scratch/err" </dev/null
    fi
    rc=$?
    cp "$scratch/err" "$scratch/got"
    if [ -s "$scratch/out" ]; then { echo "--- stdout"; cat "$scratch/out"; } >>"$scratch/got"; fi
    if [ -n "${ENTITLE_UPDATE_GOLDEN:-}" ]; then cp "$scratch/got" "$expected"; fi
    problem=""
    if [ $rc -ne 1 ]; then problem="exit $rc, expected 1"
    elif [ ! -f "$expected" ]; then problem="no $expected"
    elif ! diff -u "$expected" "$scratch/got" >"$scratch/diff"; then problem="output differs from $expected"
    fi
    if [ -n "$problem" ]; then
        failures=$((failures + 1))
        echo "FAIL $file: $problem"
        [ -s "$scratch/diff" ] && sed 's/^/  | /' "$scratch/diff" | head -20
        sed 's/^/  err | /' "$scratch/err" | head -5
        : >"$scratch/diff"
    fi
done < <(find $here -mindepth 2 -type f ! -name '*.expected' -print0 | sort -z)
echo "bad inputs: $cases cases, $failures failing"
[ "$cases" -ge 100 ] || { echo "the catalogue must hold at least 100 cases"; exit 1; }
[ $failures -eq 0 ]
