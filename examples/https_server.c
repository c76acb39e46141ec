/* The seed's HTTP server over TLS: Node's
 *
 *   const server = https.createServer({ cert, key }, (req, res) => { ... });
 *   server.listen(3000);
 *
 * with the same handler as examples/http_server.c.  Usage:
 *
 *   https_server CERT KEY
 *
 * CERT and KEY are PEM files (the certificate chain, leaf first, and its
 * private key).  Listens on 127.0.0.1:$PORT (default 3000) and prints
 * "Listening on :PORT"; GET (any path) answers "Hello World", POST echoes
 * the body as {"received":"<body>"} (JSON-escaped).  TLS 1.2 (mbedTLS
 * 2.28), ALPN http/1.1.  SIGINT / SIGTERM close the server gracefully:
 * requests in flight finish, then exit 0.  Built with mbedTLS only. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#ifdef ASYNCRT_WITH_MBEDTLS

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static asy_loop_t loop;
static asy_https_server_t server;
static asy_signal_t sigint, sigterm;

#include "seed_http_handler.h"

static void on_server_closed(asy_handle_t *h) {
    (void)h;
    printf("server closed\n");
}

static void on_signal(asy_signal_t *h, int signum) {
    (void)h;
    printf("%s: closing the server\n", signum == SIGINT ? "SIGINT" : "SIGTERM");
    fflush(stdout);
    asy_https_server_close(&server, on_server_closed);
    asy_close((asy_handle_t *)&sigint, NULL);
    asy_close((asy_handle_t *)&sigterm, NULL);
}

int main(int argc, char **argv) {
    const char *env = getenv("PORT");
    int port = env && *env ? atoi(env) : 3000, r;
    static const char *const alpn[] = {"http/1.1", NULL};
    asy_tls_context_opts_t co;
    asy_tls_context_t *ctx = NULL;
    if (argc != 3) {
        fprintf(stderr, "usage: %s CERT KEY   (PEM files; PORT in the environment, default 3000)\n",
                argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    memset(&co, 0, sizeof(co));
    co.cert_file = argv[1]; /* leaf first, then any intermediates */
    co.key_file = argv[2];
    co.alpn = alpn; /* Node's https server offers http/1.1 */
    r = asy_tls_context_new(&ctx, ASY_TLS_SERVER, &co);
    if (r != 0) {
        fprintf(stderr, "certificate %s / key %s: %s\n", argv[1], argv[2], asy_strerror(r));
        return 1;
    }
    asy_loop_init(&loop, NULL);
    r = asy_https_server_init(&loop, &server, ctx, NULL, on_request);
    asy_tls_context_unref(ctx); /* the server holds its own reference */
    if (r == 0) r = asy_https_server_listen(&server, "127.0.0.1", port, 511);
    if (r != 0) {
        fprintf(stderr, "listen on port %d: %s\n", port, asy_strerror(r));
        return 1;
    }
    printf("Listening on :%d\n", asy_https_server_port(&server));
    fflush(stdout);
    asy_signal_init(&loop, &sigint);
    asy_signal_init(&loop, &sigterm);
    asy_signal_start(&sigint, on_signal, SIGINT);
    asy_signal_start(&sigterm, on_signal, SIGTERM);
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}

#else
#include <stdio.h>
int main(void) {
    fprintf(stderr, "https_server: built without mbedTLS (ASYNCRT_WITH_MBEDTLS)\n");
    return 1;
}
#endif
