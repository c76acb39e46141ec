#!/bin/sh
# Compiles asyncrt.h the ways users will: C99, C11 and C++17 (g++), under gcc
# and clang, with and without ASYNCRT_IMPLEMENTATION, then links one
# implementation TU with user TUs of other languages to prove there are no
# duplicate symbols.  Finally copies asyncrt.h alone into an empty folder and
# builds the README's hello program from there.
set -eu
out=${1:-build/compile}
top=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}
CXX=${CXX:-g++}
CLANG=${CLANG:-clang}
WARN="-Wall -Wextra -Wpedantic -Werror"
src="$top/tests/compile"
mkdir -p "$out"

step() { echo "compile-test: $*"; }

for std in c99 c11; do
    $CC -std=$std $WARN -c "$src/impl.c" -o "$out/impl_$std.o"
    $CC -std=$std $WARN -c "$src/user.c" -o "$out/user_$std.o"
    $CC -std=$std $WARN -c "$src/main.c" -o "$out/main_$std.o"
done
step "gcc c99 and c11: ok"
$CXX -std=c++17 $WARN -x c++ -c "$src/impl.c" -o "$out/impl_cxx.o"
$CXX -std=c++17 $WARN -x c++ -c "$src/user.c" -o "$out/user_cxx.o"
step "g++ c++17: ok"
$CLANG -std=c11 $WARN -c "$src/impl.c" -o "$out/impl_clang.o"
$CLANG -std=c99 $WARN -c "$src/user.c" -o "$out/user_clang.o"
step "clang c99 and c11: ok"
# The zlib module, when the system has zlib, in the same languages.
if printf '#include <zlib.h>\n' | $CC -E -x c - >/dev/null 2>&1; then
    Z=-DASYNCRT_WITH_ZLIB
    $CC -std=c99 $WARN $Z -c "$src/impl.c" -o "$out/impl_z99.o"
    $CC -std=c11 $WARN $Z -c "$src/impl.c" -o "$out/impl_z11.o"
    $CXX -std=c++17 $WARN $Z -x c++ -c "$src/impl.c" -o "$out/impl_zcxx.o"
    $CLANG -std=c11 $WARN $Z -c "$src/impl.c" -o "$out/impl_zclang.o"
    step "zlib module: gcc c99/c11, g++ c++17, clang c11: ok"
fi
# The tls layer, when the system has mbedTLS, in the same languages.
if printf '#include <mbedtls/ssl.h>\n' | $CC -E -x c - >/dev/null 2>&1; then
    T=-DASYNCRT_WITH_MBEDTLS
    $CC -std=c99 $WARN $T -c "$src/impl.c" -o "$out/impl_t99.o"
    $CC -std=c11 $WARN $T -c "$src/impl.c" -o "$out/impl_t11.o"
    $CXX -std=c++17 $WARN $T -x c++ -c "$src/impl.c" -o "$out/impl_tcxx.o"
    $CLANG -std=c11 $WARN $T -c "$src/impl.c" -o "$out/impl_tclang.o"
    step "tls module: gcc c99/c11, g++ c++17, clang c11: ok"
fi
# ASYNCRT_STATIC: a private copy must not clash with the shared one.
$CC -std=c11 $WARN -DASYNCRT_STATIC -c "$src/impl.c" -o "$out/impl_static.o"

# one implementation, users in three languages
$CXX "$out/main_c99.o" "$out/impl_c11.o" "$out/user_cxx.o" -o "$out/mixed1" -pthread
$CXX "$out/main_c11.o" "$out/impl_cxx.o" "$out/user_c99.o" -o "$out/mixed2" -pthread
$CC "$out/main_c11.o" "$out/impl_clang.o" "$out/user_clang.o" -o "$out/mixed3" -pthread
for b in mixed1 mixed2 mixed3; do "$out/$b" >/dev/null; done
step "linked implementation and user TUs across C99/C11/C++17/clang: ok"

# asyncrt.h alone in an empty folder, as the README tells users to do
alone="$out/standalone"
rm -rf "$alone" && mkdir -p "$alone"
cp "$top/asyncrt.h" "$alone/"
cat > "$alone/hello.c" <<'HELLO'
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"
#include <stdio.h>
int main(void) {
    printf("asyncrt %s\n", asy_version_string());
    return 0;
}
HELLO
(cd "$alone" && $CC -std=c99 $WARN hello.c -o hello_c -pthread && ./hello_c >/dev/null)
(cd "$alone" && $CXX -std=c++17 $WARN -x c++ hello.c -o hello_cxx -pthread && ./hello_cxx >/dev/null)
step "asyncrt.h alone in an empty folder: c99 and c++17 ok"
