#!/bin/sh
# Every symbol the implementation exports must start with asy_ (no pollution
# of the user's namespace).  Usage: check-symbols.sh object.o
set -eu
obj=$1
bad=$(nm -g --defined-only "$obj" | awk '{print $NF}' | grep -v '^asy_' || true)
if [ -n "$bad" ]; then
    echo "check-symbols: exported symbols without the asy_ prefix in $obj:" >&2
    echo "$bad" >&2
    exit 1
fi
n=$(nm -g --defined-only "$obj" | wc -l)
echo "check-symbols: $n exported symbols, all asy_*"
