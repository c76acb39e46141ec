#!/bin/sh
# Every file under asyncrt_impl/ compiles alone (docs/design.md,
# "Amalgamation"): each .c and .internal.h as the implementation sees it,
# each public .h as a user's program does, with only what it includes.
#
#   scripts/check-includes.sh            compile each one with -fsyntax-only
#   scripts/check-includes.sh --json     print compile_commands.json (clangd)
#
# A file alone sees only part of the implementation, so what only the whole
# translation unit can judge is left to the amalgamated build: private
# functions declared here and defined in another file, or defined here for
# another file, are not errors.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
CLANG=${CLANG:-clang}
WARN="-Wall -Wextra -Wpedantic -Werror -Wno-undefined-internal -Wno-undefined-inline -Wno-unused-function -Wno-unused-const-variable"
# Optional modules: compiled in when their library is present (as the Makefile does).
OPT=
if printf '#include <zlib.h>\n' | $CLANG -E -x c - >/dev/null 2>&1; then OPT="$OPT -DASYNCRT_WITH_ZLIB"; fi
if printf '#include <mbedtls/ssl.h>\n' | $CLANG -E -x c - >/dev/null 2>&1; then OPT="$OPT -DASYNCRT_WITH_MBEDTLS"; fi
IMPL_FLAGS="-std=c11 $WARN -D_GNU_SOURCE -DASYNCRT_IMPLEMENTATION$OPT"
DECL_FLAGS="-std=c11 $WARN$OPT"

# The sources in amalgamation order (this also checks the include graph).
files=$(sh scripts/amalgamate.sh --list)

flags_of() {
    case "$1" in
        *.internal.h) echo "-x c-header $IMPL_FLAGS" ;;
        *.c) echo "-x c $IMPL_FLAGS" ;;
        *.h) echo "-x c-header $DECL_FLAGS" ;;
    esac
}

if [ "${1:-}" = "--json" ]; then
    echo "["
    sep=
    for f in $files; do
        printf '%s  {"directory": "%s", "file": "asyncrt_impl/%s",\n   "command": "%s %s -fsyntax-only asyncrt_impl/%s"}' \
            "$sep" "$top" "$f" "$CLANG" "$(flags_of "$f")" "$f"
        sep=",
"
    done
    printf '\n]\n'
    exit 0
fi

n=0
failed=0
for f in $files; do
    n=$((n + 1))
    # shellcheck disable=SC2046
    if ! $CLANG $(flags_of "$f") -fsyntax-only "asyncrt_impl/$f" 2>"${TMPDIR:-/tmp}/asyncrt-includes.$$"; then
        echo "check-includes: asyncrt_impl/$f does not compile alone:" >&2
        head -n 20 "${TMPDIR:-/tmp}/asyncrt-includes.$$" >&2
        failed=$((failed + 1))
    fi
done
rm -f "${TMPDIR:-/tmp}/asyncrt-includes.$$"
if [ "$failed" -ne 0 ]; then
    echo "check-includes: $failed of $n files do not compile alone: add the includes they need (docs/design.md, Amalgamation)" >&2
    exit 1
fi
echo "check-includes: all $n files under asyncrt_impl/ compile alone"
