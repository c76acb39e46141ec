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
# HTTP_BENCH_SECONDS (default 5) sets each wrk run's length.
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
$pin_srv "$@" >/dev/null 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null || true' EXIT
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PORT/"; do
    i=$((i + 1))
    [ $i -lt 300 ] || { echo "http_wrk: server did not come up on $PORT" >&2; exit 1; }
    sleep 0.05
done
rps() { # the Requests/sec figure of a wrk run; a run with errors fails
    out=$($pin_wrk wrk -t1 -c64 -d"${secs}s" "$@" "http://127.0.0.1:$PORT/")
    if echo "$out" | grep -q "Non-2xx"; then echo "http_wrk: non-2xx answers: $out" >&2; exit 1; fi
    echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'
}
plain=$(rps)
piped=$(rps -s "$here/pipeline16.lua")
echo "BENCH plain $plain req/s higher"
echo "BENCH pipelined16 $piped req/s higher"
