#!/bin/sh
# The amalgamation script against broken copies of asyncrt_impl/: each
# fault must make it fail with its own message, and a files list in the
# wrong order must still give the same asyncrt.h (the includes decide).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/asyncrt-check-amalgamate.XXXXXX")
trap 'rm -rf "$work"' EXIT
sh "$top/scripts/amalgamate.sh" "$work/reference.h"

fresh() {
    rm -rf "$work/t" && mkdir -p "$work/t/scripts"
    cp "$top/scripts/amalgamate.sh" "$work/t/scripts/"
    cp -R "$top/asyncrt_impl" "$work/t/"
}
failed=0
# expect_failure <what> <message part>: the script fails and says it
expect_failure() {
    if sh "$work/t/scripts/amalgamate.sh" "$work/t/out.h" 2>"$work/err"; then
        echo "check-amalgamate: $1: amalgamate.sh succeeded" >&2; failed=1
    elif ! grep -q -- "$2" "$work/err"; then
        echo "check-amalgamate: $1: expected \"$2\", got:" >&2; cat "$work/err" >&2; failed=1
    else
        echo "check-amalgamate: $1: $(cat "$work/err")"
    fi
}
add_include() { # add_include <file> <line>: after the file's #pragma once or first include
    awk -v inc="$2" '!done && /^#(pragma once|include ")/ { print; print inc; done = 1; next } { print }' \
        "$work/t/asyncrt_impl/$1" > "$work/tmp" && mv "$work/tmp" "$work/t/asyncrt_impl/$1"
}

fresh; add_include net/tcp.h '#include "../http/parser.h"'
expect_failure "upward include" "layer reaching upward: net includes http/parser.h"
fresh; add_include net/sock.h '#include "tcp.h"'
expect_failure "cycle" "include cycle: net/"
fresh; sed -i.bak '/^#include "/d' "$work/t/asyncrt_impl/net/udp.c"
expect_failure "no includes" "asyncrt_impl/net/udp.c includes nothing"
fresh; sed -i.bak '/^#pragma once/d' "$work/t/asyncrt_impl/net/udp.h"
expect_failure "no #pragma once" "asyncrt_impl/net/udp.h has no \"#pragma once\""
fresh; add_include loop/timer.c '#include "handle.c"'
expect_failure "include of a .c" "includes the source file loop/handle.c"
fresh; add_include net/tcp.h '#include "net.internal.h"'
expect_failure "public includes private" "public header net/tcp.h includes the private header net/net.internal.h"
fresh; add_include net/tcp.c '#include "nowhere.h"'
expect_failure "unlisted file" "includes net/nowhere.h, which net/files does not list"
fresh; add_include net/tcp.c '#include "../../tests/test.h"'
expect_failure "path outside the layers" 'local includes are "name" or "../layer/name"'
fresh; echo ghost.c >> "$work/t/asyncrt_impl/net/files"
expect_failure "listed file missing" "net/files lists missing ghost.c"

# The includes order a layer, not its files list: tcp.h (which includes
# sock.h) listed first still comes after sock.h.
fresh
awk '/^sock\.h$/ { held = $0; next } { print } /^tcp\.h$/ && held { print held }' \
    "$top/asyncrt_impl/net/files" > "$work/t/asyncrt_impl/net/files"
if ! grep -q '^tcp\.h$' "$work/t/asyncrt_impl/net/files" || cmp -s "$top/asyncrt_impl/net/files" "$work/t/asyncrt_impl/net/files"; then
    echo "check-amalgamate: could not reorder net/files" >&2; failed=1
elif ! sh "$work/t/scripts/amalgamate.sh" "$work/t/out.h" || ! cmp -s "$work/reference.h" "$work/t/out.h"; then
    echo "check-amalgamate: a reordered files list changed asyncrt.h" >&2; failed=1
else
    echo "check-amalgamate: a files list out of include order gives the same asyncrt.h"
fi
[ "$failed" -eq 0 ] && echo "check-amalgamate: ok"
exit "$failed"
