#!/bin/sh
# Writes the single header asyncrt.h from asyncrt_impl/ (see docs/design.md,
# "Amalgamation").  Needs only sh, sed and awk.
#
#   scripts/amalgamate.sh [output]        (default: asyncrt.h)
#
# Layers are taken in the order of LAYERS below.  Inside a layer, the file
# asyncrt_impl/<layer>/files lists the sources in order, one per line:
#   name.h           -> declarations part (public API and public types)
#   name.internal.h  -> implementation part (private declarations)
#   name.c           -> implementation part
# A line "@if CONDITION" in a files list wraps the whole layer (declarations
# and implementation) in "#if CONDITION" (a layer that needs the loop, say,
# is POSIX-only until the Windows backend exists).
# '#include "..."' lines are dropped (everything ends up in one file); system
# includes are kept where they are.  Each part is preceded by a #line marker
# so compiler errors point back into asyncrt_impl/ (ASYNCRT_NO_LINE_MARKERS
# in the environment turns them off).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$top/asyncrt.h"}
impl="$top/asyncrt_impl"
LAYERS="base buf loop backend promise pool stream net fs dns path os process sync perf diag coro worker url json zlib tls http"

ver() { sed -n "s/^#define ASYNCRT_VERSION_$1 *\([0-9]*\).*/\1/p" "$impl/base/version.h"; }
VERSION="$(ver MAJOR).$(ver MINOR).$(ver PATCH)"

# list_files <layer> <decl|impl>
list_files() {
    f="$impl/$1/files"
    [ -f "$f" ] || return 0
    sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' -e '/^@/d' "$f" | while read -r name; do
        [ -f "$impl/$1/$name" ] || { echo "amalgamate: $1/files lists missing $name" >&2; exit 1; }
        case "$name" in
            *.internal.h|*.c) kind=impl ;;
            *.h) kind=decl ;;
            *) echo "amalgamate: unknown source kind: $1/$name" >&2; exit 1 ;;
        esac
        if [ "$kind" = "$2" ]; then echo "$1/$name"; fi
    done
}

layer_cond() { # the layer's @if condition, if any
    f="$impl/$1/files"
    [ -f "$f" ] && sed -n 's/^@if[[:space:]]*//p' "$f" | head -n 1
}

emit_layer() { # emit_layer <layer> <decl|impl>
    files=$(list_files "$1" "$2")
    [ -n "$files" ] || return 0
    cond=$(layer_cond "$1")
    [ -n "$cond" ] && printf '#if %s\n' "$cond"
    for f in $files; do emit "$f"; echo; done
    [ -n "$cond" ] && printf '#endif /* %s */\n' "$cond"
    return 0
}

emit() { # emit <relative path>
    if [ -z "${ASYNCRT_NO_LINE_MARKERS:-}" ]; then
        printf '#line 1 "asyncrt_impl/%s"\n' "$1"
    else
        printf '/* ---- asyncrt_impl/%s ---- */\n' "$1"
    fi
    # Local includes become blank lines so #line numbering stays exact.
    sed -e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*".*$//' "$impl/$1"
}

tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
{
    sed -e "s/@VERSION@/$VERSION/g" "$impl/doc.txt"
    cat <<'EOF'
#ifndef ASYNCRT_H
#define ASYNCRT_H

/* The implementation needs the full POSIX/GNU API; this only takes effect
 * when asyncrt.h is the first include of the implementation file. */
#if defined(ASYNCRT_IMPLEMENTATION) && !defined(_WIN32) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#ifdef __cplusplus
extern "C" {
#endif

EOF
    for layer in $LAYERS; do emit_layer "$layer" decl; done
    cat <<'EOF'

#ifdef __cplusplus
}
#endif
#endif /* ASYNCRT_H */

/* ======================================================================== */
/* Implementation                                                           */
/* ======================================================================== */
#if defined(ASYNCRT_IMPLEMENTATION) && !defined(ASYNCRT_IMPLEMENTATION_INCLUDED)
#define ASYNCRT_IMPLEMENTATION_INCLUDED

EOF
    for layer in $LAYERS; do emit_layer "$layer" impl; done
    cat <<'EOF'

#endif /* ASYNCRT_IMPLEMENTATION */
EOF
} > "$tmp"

# The implementation part is not wrapped in extern "C": every public function
# was declared inside the extern "C" block above, and a C++ definition keeps
# the linkage of its first declaration.  System headers (windows.h has C++
# templates) therefore never end up inside extern "C".
mv "$tmp" "$out"
trap - EXIT
