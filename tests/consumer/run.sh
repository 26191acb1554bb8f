#!/usr/bin/env bash
# Installs the build tree BUILD into a scratch prefix under WORK, then builds
# and runs tests/consumer against it with find_package(entitle).
set -euo pipefail
build=$1 work=$2 sanitize=${3:-OFF}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
flags=()
if [ "$sanitize" = ON ]; then
  flags+=(-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined)
fi
cmake -S "$here" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" "${flags[@]}" >/dev/null
cmake --build "$work/build" >/dev/null
out=$("$work/build/consumer")
echo "$out"
grep -q "consumer ok: 1 service" <<<"$out"
grep -q "batch ok: 1 42" <<<"$out"
