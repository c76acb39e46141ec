#!/bin/sh
# nginx peer of bench/https_hello.c: peers/http_hello_nginx.sh (one
# worker, `return 200 "Hello World"`) with ssl, under the wrk driver in
# its TLS mode, which makes the certificate and hands it over as CERT/KEY.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
HTTP_WRK_TLS=1 exec sh "$here/../http_wrk.sh" sh "$here/http_hello_nginx.sh" serve
