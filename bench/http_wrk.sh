#!/bin/sh
# Drives one HTTP server under wrk for the http_hello benchmark and its
# peers (bench/http_hello.c, peers/http_hello.mjs, peers/http_hello_nginx.sh,
# peers/http_hello_h2o.sh):
#
#   bench/http_wrk.sh COMMAND [ARG...]
#
# COMMAND is started with PORT set (a free port on 127.0.0.1), pinned to
# CPU 0 with taskset; once the port answers, wrk runs pinned to CPU 1
# (wrk -t1 -c64), first plain, then with 16 requests pipelined per write.
# Prints
#   BENCH plain <req/s> req/s higher
#   BENCH pipelined16 <req/s> req/s higher
#   BENCH plain_per_cpu_s <requests per CPU second of the server> req/cpu-s higher
#   BENCH pipelined16_per_cpu_s ...
# The per-CPU-second figures (the server's utime + stime, all its
# processes, from /proc) say what each request costs the server whatever
# else the machine runs; req/s says what wrk got.
# HTTP_BENCH_SECONDS (default 5) sets each wrk run's length.
# HTTP_WRK_TLS=1 (bench/https_hello.c and its peers): a throwaway P-256
# certificate is made in a temp dir and given to COMMAND as CERT and KEY,
# and wrk speaks https (keep-alive: the 64 handshakes happen once, so the
# figures are TLS records plus HTTP).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
secs=${HTTP_BENCH_SECONDS:-5}
command -v wrk >/dev/null || { echo "http_wrk: wrk is not installed" >&2; exit 1; }
pin_srv="" pin_wrk=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    pin_srv="taskset -c 0" pin_wrk="taskset -c 1"
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export PORT
scheme=http tmp=""
if [ "${HTTP_WRK_TLS:-0}" = 1 ]; then
    scheme=https
    tmp=$(mktemp -d)
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
        -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
    CERT=$tmp/cert.pem KEY=$tmp/key.pem
    export CERT KEY
fi
# its own session, so every process it starts is found and stopped
setsid $pin_srv "$@" >/dev/null 2>&1 &
srv=$!
trap 'kill -- -$srv 2>/dev/null; wait $srv 2>/dev/null || true; [ -z "$tmp" ] || rm -rf "$tmp"' EXIT
tck=$(getconf CLK_TCK)
cpu_ticks() { # utime + stime of the server's session, in clock ticks
    t=0
    for p in $(pgrep -s $srv); do
        f=$(sed 's/^.*) //' /proc/$p/stat 2>/dev/null) || continue
        set -- $f
        t=$((t + ${12} + ${13}))
    done
    echo $t
}
i=0
until curl -sk -o /dev/null "$scheme://127.0.0.1:$PORT/"; do
    i=$((i + 1))
    [ $i -lt 300 ] || { echo "http_wrk: server did not come up on $PORT" >&2; exit 1; }
    sleep 0.05
done
run() { # prints "<req/s> <requests per server CPU second>"; errors fail
    c0=$(cpu_ticks)
    out=$($pin_wrk wrk -t1 -c64 -d"${secs}s" "$@" "$scheme://127.0.0.1:$PORT/")
    c1=$(cpu_ticks)
    if echo "$out" | grep -q "Non-2xx"; then echo "http_wrk: non-2xx answers: $out" >&2; exit 1; fi
    r=$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')
    n=$(echo "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
    echo "$r $(awk -v n="$n" -v t=$((c1 - c0)) -v k="$tck" 'BEGIN { printf "%.0f", (t > 0 ? n * k / t : 0) }')"
}
set -- $(run)
echo "BENCH plain $1 req/s higher"
echo "BENCH plain_per_cpu_s $2 req/cpu-s higher"
set -- $(run -s "$here/pipeline16.lua")
echo "BENCH pipelined16 $1 req/s higher"
echo "BENCH pipelined16_per_cpu_s $2 req/cpu-s higher"
