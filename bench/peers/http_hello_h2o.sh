#!/bin/sh
# h2o peer of bench/http_hello.c: one thread, serving an 11-byte
# "Hello World" file as text/plain, as an unprivileged temp-dir config.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" != serve ]; then exec sh "$here/../http_wrk.sh" sh "$0" serve; fi
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/www"
printf 'Hello World' > "$d/www/index.txt"
cat > "$d/h2o.conf" <<CONF
user: $(id -un)
num-threads: 1
listen:
  host: 127.0.0.1
  port: $PORT
error-log: $d/error.log
pid-file: $d/h2o.pid
file.index: [ 'index.txt' ]
file.mime.addtypes:
  text/plain: .txt
hosts:
  default:
    paths:
      /:
        file.dir: $d/www
CONF
h2o -c "$d/h2o.conf" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$d"' EXIT TERM
wait $pid
