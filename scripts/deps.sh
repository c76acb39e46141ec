#!/usr/bin/env bash
# Checks for every Debian package the build, tests and benchmarks need and
# installs the missing ones with apt-get when run as root; otherwise prints
# the command to run and exits non-zero.  Idempotent and quiet when all is
# there.
set -euo pipefail

# package : a command or file that shows it is installed
need=(
    "gcc:gcc"
    "g++:g++"
    "make:make"
    "clang:clang"
    "binutils:nm"
    "zlib1g-dev:/usr/include/zlib.h"
    "libmbedtls-dev:/usr/include/mbedtls/ssl.h"
    "openssl:openssl"          # the TLS tests make their certificates, s_client/s_server interop
    "ca-certificates:/etc/ssl/certs/ca-certificates.crt"
    "curl:curl"
    "libuv1-dev:/usr/include/uv.h"
    "libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a"
    "valgrind:valgrind"
    "wrk:wrk"
    "nginx-light:nginx"
    "gcc-mingw-w64-x86-64:x86_64-w64-mingw32-gcc"
    "wine64:wine64"
    # make test-aarch64: the suite cross-compiled and run under qemu-user
    "gcc-aarch64-linux-gnu:aarch64-linux-gnu-gcc"
    "libc6-dev-arm64-cross:/usr/aarch64-linux-gnu/include/stdio.h"
    "qemu-user:qemu-aarch64"
    "nodejs:node"
    "apache2-utils:ab"
    "nghttp2-client:h2load"
    "h2o:h2o"
    "pigz:pigz"
    "librust-url-dev:/usr/share/cargo/registry/url-2.3.1/tests/urltestdata.json"  # WPT URL data
    # examples/pg_pool.c and its test only: libpq, and a throwaway server
    "libpq-dev:/usr/include/postgresql/libpq-fe.h"
    "postgresql:/usr/lib/postgresql/15/bin/initdb"
)

missing=()
for entry in "${need[@]}"; do
    pkg=${entry%%:*}
    probe=${entry#*:}
    if [[ $probe == /* ]]; then
        [[ -e $probe ]] && continue
        # the clang runtime path carries a version: accept any
        if [[ $pkg == libclang-rt-* ]] && compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
            continue
        fi
        # the server's programs live under its major version: accept any
        if [[ $pkg == postgresql ]] && compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
            continue
        fi
        if [[ $pkg == librust-url-dev ]] && compgen -G "/usr/share/cargo/registry/url-*/tests/urltestdata.json" >/dev/null; then
            continue
        fi
    else
        command -v "$probe" >/dev/null 2>&1 && continue
        [[ -x /usr/sbin/$probe || -x /usr/lib/wine/$probe ]] && continue
    fi
    # node comes with the machine; only install it from Debian when absent
    missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
    echo "deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    echo "deps: done" >&2
else
    echo "deps: missing packages: ${missing[*]}" >&2
    echo "deps: run as root:  apt-get install -y ${missing[*]}" >&2
    exit 1
fi
