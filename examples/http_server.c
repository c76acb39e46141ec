/* The seed's HTTP server: Node's
 *
 *   const server = http.createServer((req, res) => {
 *     if (req.method === 'POST') {
 *       let body = '';
 *       req.on('data', (chunk) => { body += chunk; });
 *       req.on('end', () => {
 *         res.writeHead(200, { 'Content-Type': 'application/json' });
 *         res.end(JSON.stringify({ received: body }));
 *       });
 *     } else {
 *       res.writeHead(200, { 'Content-Type': 'text/plain' });
 *       res.end('Hello World');
 *     }
 *   });
 *   server.listen(3000);
 *
 * in C.  Listens on 127.0.0.1:$PORT (default 3000) and prints
 * "Listening on :PORT"; GET (any path) answers "Hello World", POST echoes
 * the body as {"received":"<body>"} (JSON-escaped).  SIGINT / SIGTERM
 * close the server gracefully: requests in flight finish, then exit 0. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static asy_loop_t loop;
static asy_http_server_t server;
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
    asy_http_server_close(&server, on_server_closed);
    asy_close((asy_handle_t *)&sigint, NULL);
    asy_close((asy_handle_t *)&sigterm, NULL);
}

int main(void) {
    const char *env = getenv("PORT");
    int port = env && *env ? atoi(env) : 3000, r;
    signal(SIGPIPE, SIG_IGN);
    asy_loop_init(&loop, NULL);
    r = asy_http_server_init(&loop, &server, NULL, on_request);
    if (r == 0) r = asy_http_server_listen(&server, "127.0.0.1", port, 511);
    if (r != 0) {
        fprintf(stderr, "listen on port %d: %s\n", port, asy_strerror(r));
        return 1;
    }
    printf("Listening on :%d\n", asy_http_server_port(&server));
    fflush(stdout);
    asy_signal_init(&loop, &sigint);
    asy_signal_init(&loop, &sigterm);
    asy_signal_start(&sigint, on_signal, SIGINT);
    asy_signal_start(&sigterm, on_signal, SIGTERM);
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
