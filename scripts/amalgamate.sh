#!/bin/sh
# Writes the single header asyncrt.h from asyncrt_impl/ (see docs/design.md,
# "Amalgamation").  Needs only sh, sed and awk.
#
#   scripts/amalgamate.sh [output]        (default: asyncrt.h)
#   scripts/amalgamate.sh --list          the sources in amalgamation order
#
# LAYERS below is the layer order, bottom-up: a file may include files of
# its own layer and of layers before it, never of a layer after it.  Inside a
# layer, the file asyncrt_impl/<layer>/files names the sources, one per line:
#   name.h           -> declarations part (public API and public types)
#   name.internal.h  -> implementation part (private declarations)
#   name.c           -> implementation part
# A line "@if CONDITION" in a files list wraps the whole layer (declarations
# and implementation) in "#if CONDITION" (a layer that needs the loop, say,
# is POSIX-only until the Windows backend exists).
#
# Every source says what it uses with '#include "..."' lines (relative paths:
# "tcp.h", "../stream/stream.h"), and every header starts with "#pragma once".
# The script follows those includes: inside each layer and part, a file comes
# after everything it includes (the files list decides only where the
# includes leave the order open).  It fails on a file that includes nothing,
# an include of a file no files list names, of a .c file, of a private header
# from a public one, of a layer after the includer's (a layer reaching
# upward), and on an include cycle.  The includes and "#pragma once" lines
# become blank lines in the output (everything ends up in one file); system
# includes are kept where they are.  Each part is preceded by a #line marker
# so compiler errors point back into asyncrt_impl/ (ASYNCRT_NO_LINE_MARKERS
# in the environment turns them off).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
impl="$top/asyncrt_impl"
LAYERS="base buf loop backend promise pool stream net fs dns path os process sync perf diag coro worker url json zlib tls http"

list_only=
case "${1:-}" in
    --list) list_only=1; out= ;;
    *) out=${1:-"$top/asyncrt.h"} ;;
esac

ver() { sed -n "s/^#define ASYNCRT_VERSION_$1 *\([0-9]*\).*/\1/p" "$impl/base/version.h"; }
VERSION="$(ver MAJOR).$(ver MINOR).$(ver PATCH)"

layer_cond() { # the layer's @if condition, if any
    f="$impl/$1/files"
    [ -f "$f" ] && sed -n 's/^@if[[:space:]]*//p' "$f" | head -n 1
}

# The include graph, as lines for the awk program below:
#   L <layer>                       a layer, in LAYERS order
#   F <layer>/<name>                a source its layer's files list names
#   I <layer>/<name> <line> <path>  a local include of that source
manifest() {
    for layer in $LAYERS; do
        echo "L $layer"
        f="$impl/$layer/files"
        [ -f "$f" ] || continue
        sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' -e '/^@/d' "$f" | while read -r name; do
            [ -f "$impl/$layer/$name" ] || { echo "amalgamate: $layer/files lists missing $name" >&2; exit 1; }
            echo "F $layer/$name"
        done
    done > "$graph.files"
    cat "$graph.files"
    # One pass over every listed source for its includes.
    (cd "$impl" && sed -n 's/^F //p' "$graph.files" | xargs awk '
        /^[ \t]*#[ \t]*include[ \t]*"/ {
            p = $0; sub(/^[^"]*"/, "", p); sub(/".*$/, "", p)
            print "I", FILENAME, FNR, p
        }
        /^[ \t]*#[ \t]*pragma[ \t]+once/ { print "P", FILENAME }
    ')
}

# Checks the graph and prints "<part> <layer>/<name>" in emission order.
order() {
    awk '
    function fail(msg) { print "amalgamate: " msg > "/dev/stderr"; failed = 1; exit 1 }
    function kind(f) { return (f ~ /\.internal\.h$/ || f ~ /\.c$/) ? "impl" : "decl" }
    function layer_of(f) { sub(/\/.*/, "", f); return f }
    $1 == "L" { rank[$2] = nlayers++; layers[nlayers] = $2; next }
    $1 == "F" {
        if ($2 !~ /\.(h|c)$/) fail("unknown source kind: " $2)
        if ($2 in listed) fail($2 " is listed twice")
        listed[$2] = 1; nfiles[layer_of($2)]++; files[layer_of($2), nfiles[layer_of($2)]] = $2
        next
    }
    $1 == "P" { once[$2] = 1; next }
    $1 == "I" {
        src = $2; path = $4; where = "asyncrt_impl/" src ":" $3
        if (path ~ /^[^\/]+$/) dst = layer_of(src) "/" path
        else if (path ~ /^\.\.\/[^\/]+\/[^\/]+$/) { dst = path; sub(/^\.\.\//, "", dst) }
        else fail(where ": #include \"" path "\": local includes are \"name\" or \"../layer/name\"")
        nincs[src]++; incs[src, nincs[src]] = dst; incline[src, nincs[src]] = where
        next
    }
    function check(src,    i, dst, where) {
        if (src ~ /\.h$/ && !(src in once))
            fail("asyncrt_impl/" src " has no \"#pragma once\": every header starts with one (docs/design.md, Amalgamation)")
        if (!nincs[src] && src != "base/config.h")
            fail("asyncrt_impl/" src " includes nothing: every source includes the headers it uses, relative to itself, e.g. #include \"../base/sys.internal.h\" (docs/design.md, Amalgamation)")
        for (i = 1; i <= nincs[src]; i++) {
            dst = incs[src, i]; where = incline[src, i]
            if (!(layer_of(dst) in rank))
                fail(where ": includes " dst ", which is in no layer of LAYERS (scripts/amalgamate.sh)")
            if (!(dst in listed))
                fail(where ": includes " dst ", which " layer_of(dst) "/files does not list")
            if (dst ~ /\.c$/)
                fail(where ": includes the source file " dst "; move what it shares into a header (an .internal.h)")
            if (rank[layer_of(dst)] > rank[layer_of(src)])
                fail(where ": layer reaching upward: " layer_of(src) " includes " dst ", but " layer_of(dst) " comes after " layer_of(src) " in LAYERS (docs/design.md, Amalgamation)")
            if (kind(src) == "decl" && kind(dst) == "impl")
                fail(where ": public header " src " includes the private header " dst)
        }
    }
    # Depth first over includes of the same layer and part; the stack of
    # files being visited names a cycle.
    function visit(f, part,    i, dst, j, cyc) {
        if (state[f] == 2) return
        if (state[f] == 1) {
            cyc = f
            for (j = depth; j >= 1 && stack[j] != f; j--) cyc = stack[j] " -> " cyc
            fail("include cycle: " f " -> " cyc)
        }
        state[f] = 1; stack[++depth] = f
        for (i = 1; i <= nincs[f]; i++) {
            dst = incs[f, i]
            if (layer_of(dst) == layer_of(f) && kind(dst) == part) visit(dst, part)
        }
        depth--; state[f] = 2
        print part, f
    }
    END {
        if (failed) exit 1
        for (l = 1; l <= nlayers; l++)
            for (i = 1; i <= nfiles[layers[l]]; i++) check(files[layers[l], i])
        for (l = 1; l <= nlayers; l++)
            for (i = 1; i <= nfiles[layers[l]]; i++)
                if (kind(files[layers[l], i]) == "decl") visit(files[layers[l], i], "decl")
        for (l = 1; l <= nlayers; l++)
            for (i = 1; i <= nfiles[layers[l]]; i++)
                if (kind(files[layers[l], i]) == "impl") visit(files[layers[l], i], "impl")
    }'
}

graph="${TMPDIR:-/tmp}/asyncrt-amalgamate.$$"
tmp=
trap 'rm -f "$graph" "$graph.files" "$graph.order" ${tmp:+"$tmp"}' EXIT
manifest > "$graph"
order < "$graph" > "$graph.order"

if [ -n "$list_only" ]; then
    sed 's/^[a-z]* //' "$graph.order"
    exit 0
fi

emit_layer() { # emit_layer <layer> <decl|impl>
    files=$(sed -n "s|^$2 \\($1/.*\\)|\\1|p" "$graph.order")
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
    # Local includes and include guards become blank lines so #line
    # numbering stays exact.
    sed -e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*".*$//' \
        -e 's/^[[:space:]]*#[[:space:]]*pragma[[:space:]][[:space:]]*once.*$//' "$impl/$1"
}

tmp="$out.tmp.$$"
{
    sed -e "s/@VERSION@/$VERSION/g" "$impl/doc.txt"
    cat <<'HEAD'
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

HEAD
    for layer in $LAYERS; do emit_layer "$layer" decl; done
    cat <<'MID'

#ifdef __cplusplus
}
#endif
#endif /* ASYNCRT_H */

/* ======================================================================== */
/* Implementation                                                           */
/* ======================================================================== */
#if defined(ASYNCRT_IMPLEMENTATION) && !defined(ASYNCRT_IMPLEMENTATION_INCLUDED)
#define ASYNCRT_IMPLEMENTATION_INCLUDED

MID
    for layer in $LAYERS; do emit_layer "$layer" impl; done
    cat <<'TAIL'

#endif /* ASYNCRT_IMPLEMENTATION */
TAIL
} > "$tmp"

# The implementation part is not wrapped in extern "C": every public function
# was declared inside the extern "C" block above, and a C++ definition keeps
# the linkage of its first declaration.  System headers (windows.h has C++
# templates) therefore never end up inside extern "C".
mv "$tmp" "$out"
