#!/usr/bin/env bash
# Runs the locale test case under de_DE.UTF-8 (comma as the decimal
# separator), compiled into the build folder with localedef so that the
# machine need not have it installed.   usage: locale_test.sh TESTS WORKDIR
set -euo pipefail
tests=$1 work=$2
mkdir -p "$work"
localedef -i de_DE -f UTF-8 "$work/de_DE.UTF-8" 2>/dev/null || [ -d "$work/de_DE.UTF-8" ]
# glibc's setlocale keeps a small allocation for the life of the process
# (__argz_add_sep): not ours, so LeakSanitizer is told to pass it over.
echo "leak:__argz_add_sep" >"$work/lsan.supp"
LSAN_OPTIONS="suppressions=$work/lsan.supp" LOCPATH=$work ENTITLE_TEST_LOCALE=de_DE.UTF-8 "$tests" "[locale]"
