/* HTTPS hello world under wrk: bench/http_hello.c over TLS (mbedTLS 2.28,
 * TLS 1.2, a P-256 certificate), requests per second plain and with 16
 * requests pipelined per write, keep-alive (bench/http_wrk.sh with
 * HTTP_WRK_TLS=1 drives it and makes the certificate; docs/tls.md has the
 * figures).  Peers: Node's https.createServer (peers/https_hello.mjs) and
 * nginx with one worker and ssl (peers/https_hello_nginx.sh).
 *
 * Run without arguments it starts the driver, which runs this program
 * again as `https_hello serve` with PORT, CERT and KEY set. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef ASYNCRT_WITH_MBEDTLS
static void on_request(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    (void)srv;
    (void)req;
    asy_http_res_set_header(res, "Content-Type", "text/plain");
    asy_http_res_end(res, "Hello World", 11);
}

static int serve(void) {
    static const char *const alpn[] = {"http/1.1", NULL};
    asy_loop_t loop;
    asy_https_server_t srv;
    asy_tls_context_t *ctx = NULL;
    asy_tls_context_opts_t co;
    const char *port = getenv("PORT");
    signal(SIGPIPE, SIG_IGN);
    memset(&co, 0, sizeof(co));
    co.cert_file = getenv("CERT");
    co.key_file = getenv("KEY");
    co.alpn = alpn;
    if (asy_tls_context_new(&ctx, ASY_TLS_SERVER, &co) != 0) return 1;
    asy_loop_init(&loop, NULL);
    if (asy_https_server_init(&loop, &srv, ctx, NULL, on_request) != 0 ||
        asy_https_server_listen(&srv, "127.0.0.1", port ? atoi(port) : 3000, 4096) != 0)
        return 1;
    asy_run(&loop, ASY_RUN_DEFAULT);
    return 0;
}
#else
static int serve(void) {
    fprintf(stderr, "https_hello: built without mbedTLS\n");
    return 1;
}
#endif

int main(int argc, char **argv) {
    char self[PATH_MAX], script[PATH_MAX + 64], dir[PATH_MAX];
    if (argc > 1 && strcmp(argv[1], "serve") == 0) return serve();
    if (!realpath(argv[0], self)) return 1;
    /* <build>/bench/https_hello -> the sources' bench/ folder */
    snprintf(dir, sizeof(dir), "%s", self);
    snprintf(script, sizeof(script), "%s/../../bench/http_wrk.sh", dirname(dir));
    setenv("HTTP_WRK_TLS", "1", 1);
    execl("/bin/sh", "sh", script, self, "serve", (char *)NULL);
    perror("exec bench/http_wrk.sh");
    return 1;
}
