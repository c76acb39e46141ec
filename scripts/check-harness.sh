#!/bin/sh
# Checks bench/harness.mjs against throwaway programs written to a temporary
# folder: medians, ratios in both directions, libuv and node peers, a program
# that fails, one that prints no BENCH line, A/P alternation, progress lines,
# the NAME filter, and the files it writes.  Nothing is left behind.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src
bin=$tmp/build/bench
mkdir -p "$src/peers" "$bin/peers"

# alpha prints 100, 300, 200 thousand ops/s on its runs 1, 2, 3 (median
# 200000) and a latency of 4 us; its "libuv" twin 100000 ops/s and 6 us.
cat >"$src/alpha.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
int main(void) {
    static const double v[] = {100e3, 300e3, 200e3};
    char path[4096];
    long n = 0;
    int c;
    FILE *f;
    snprintf(path, sizeof(path), "%s/alpha.count", getenv("FAKE_DIR"));
    f = fopen(path, "a+");
    if (!f) return 9;
    rewind(f);
    while ((c = fgetc(f)) != EOF) n++;
    fputc('.', f);
    fclose(f);
    printf("noise before\nBENCH alpha_ops %.0f ops/s higher\nBENCH alpha_lat 4 us lower\n", v[n % 3]);
    return 0;
}
EOF
printf '#include <stdio.h>\nint main(void){puts("BENCH alpha_ops 100000 ops/s higher");puts("BENCH alpha_lat 6 us lower");return 0;}\n' >"$src/peers/alpha_uv.c"
printf '#include <stdio.h>\nint main(void){puts("BENCH beta_rps 300 req/s higher");return 0;}\n' >"$src/beta.c"
printf 'console.log("BENCH beta_rps 400 req/s higher");\n' >"$src/peers/beta.mjs"
printf '#include <stdio.h>\nint main(void){fputs("gamma: cannot listen\\n", stderr);return 3;}\n' >"$src/gamma.c"
printf '#include <stdio.h>\nint main(void){puts("no protocol here");return 0;}\n' >"$src/delta.c"
for p in alpha beta gamma delta; do $CC -O1 "$src/$p.c" -o "$bin/$p"; done
$CC -O1 "$src/peers/alpha_uv.c" -o "$bin/peers/alpha_uv"

fail() { echo "check-harness: $*" >&2; echo "--- stdout" >&2; cat "$tmp/out" >&2; echo "--- stderr" >&2; cat "$tmp/err" >&2; exit 1; }
# rows compared with runs of spaces squeezed: column widths are cosmetic
expect_line() {
    sed 's/  */ /g' "$tmp/out" | grep -qxF -- "$1" || fail "missing row: $1"
}

run_harness() {
    set +e
    FAKE_DIR=$tmp BENCH_RUNS=3 node "$top/bench/harness.mjs" --build "$tmp/build" --bench-dir "$src" "$@" \
        >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
}

run_harness
[ "$rc" -eq 1 ] || fail "exit status $rc with failing programs, want 1"
expect_line "| alpha_ops | 200000 | ops/s | libuv | 100000 | 2.00x |"
expect_line "| alpha_lat | 4 | us | libuv | 6 | 1.50x |"
expect_line "| beta_rps | 300 | req/s | node | 400 | 0.75x |"
expect_line "| delta | FAILED | - | - | - | - |"
expect_line "| gamma | FAILED | - | - | - | - |"
grep -qF "gamma: cannot listen" "$tmp/err" || fail "the failing program's stderr is not shown"
grep -qF "delta (asyncrt): run 1: printed no BENCH line" "$tmp/err" || fail "no-BENCH failure not reported"
# progress, and asyncrt and its peer alternate
grep -F "[1/4] alpha:" "$tmp/err" | head -n 4 >"$tmp/order"
printf '%s\n' "[1/4] alpha: asyncrt run 1/3" "[1/4] alpha: libuv run 1/3" \
    "[1/4] alpha: asyncrt run 2/3" "[1/4] alpha: libuv run 2/3" | cmp -s - "$tmp/order" ||
    fail "runs do not alternate: $(cat "$tmp/order")"
grep -qF "runs per program: 3" "$src/results/latest.md" || fail "latest.md lacks its header"
grep -q "^| alpha_ops *| *200000 |" "$src/results/latest.md" || fail "latest.md lacks the table"
grep -qF "Failed:" "$src/results/latest.md" || fail "latest.md lacks the failures"
head -c 4 "$src/results/latest.svg" | grep -qF "<svg" || fail "latest.svg is not an SVG"
tail -n 1 "$src/results/latest.svg" | grep -qxF "</svg>" || fail "latest.svg is truncated"
grep -qF ">2.00x</text>" "$src/results/latest.svg" || fail "latest.svg lacks the ratio labels"

# one benchmark by name: only its rows, success
run_harness beta
[ "$rc" -eq 0 ] || fail "exit status $rc for a passing benchmark, want 0"
[ "$(grep -c '^| ' "$tmp/out")" -eq 2 ] || fail "BENCH=beta printed other rows"
expect_line "| beta_rps | 300 | req/s | node | 400 | 0.75x |"
grep -qF "alpha" "$src/results/latest.md" && fail "latest.md still holds rows of another run"

run_harness nosuch
[ "$rc" -eq 2 ] || fail "exit status $rc for an unknown benchmark, want 2"
echo "check-harness: ok"
