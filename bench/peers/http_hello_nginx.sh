#!/bin/sh
# nginx peer of bench/http_hello.c: one worker, `return 200 "Hello World"`,
# access_log off, as an unprivileged temp-dir config on a free port.
# With CERT and KEY set (HTTP_WRK_TLS=1: peers/https_hello_nginx.sh) it
# listens with ssl, TLS 1.2 only, as the https_hello peer.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" != serve ]; then exec sh "$here/../http_wrk.sh" sh "$0" serve; fi
command -v nginx >/dev/null || PATH=$PATH:/usr/sbin
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/logs" "$d/tmp"
ssl="" tls=""
if [ -n "${CERT:-}" ]; then
    ssl=" ssl"
    tls="ssl_certificate $CERT; ssl_certificate_key $KEY; ssl_protocols TLSv1.2;"
fi
cat > "$d/nginx.conf" <<CONF
worker_processes 1;
daemon off;
master_process off;
error_log $d/logs/error.log;
pid $d/logs/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  client_body_temp_path $d/tmp/body;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  server {
    listen 127.0.0.1:$PORT$ssl;
    $tls
    location / { default_type text/plain; return 200 "Hello World"; }
  }
}
CONF
nginx -p "$d" -c "$d/nginx.conf" -e "$d/logs/error.log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$d"' EXIT TERM
wait $pid
