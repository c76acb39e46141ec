/* HTTP hello world under wrk: requests per second, plain and with 16
 * requests pipelined per write (bench/http_wrk.sh drives it; docs/http.md
 * has the figures).  Peers: Node's http.createServer (peers/http_hello.mjs),
 * nginx with one worker and `return 200` (peers/http_hello_nginx.sh), h2o
 * with one thread (peers/http_hello_h2o.sh).  Every server answers
 * "Hello World" as text/plain with a Date header.
 *
 * Run without arguments it starts the driver, which runs this program
 * again as `http_hello serve` on the port the driver picked. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void on_request(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    (void)srv;
    (void)req;
    asy_http_res_set_header(res, "Content-Type", "text/plain");
    asy_http_res_end(res, "Hello World", 11);
}

static int serve(void) {
    asy_loop_t loop;
    asy_http_server_t srv;
    const char *port = getenv("PORT");
    asy_loop_init(&loop, NULL);
    if (asy_http_server_init(&loop, &srv, NULL, on_request) != 0 ||
        asy_http_server_listen(&srv, "127.0.0.1", port ? atoi(port) : 3000, 4096) != 0)
        return 1;
    asy_run(&loop, ASY_RUN_DEFAULT);
    return 0;
}

int main(int argc, char **argv) {
    char self[PATH_MAX], script[PATH_MAX + 64], dir[PATH_MAX];
    if (argc > 1 && strcmp(argv[1], "serve") == 0) return serve();
    if (!realpath(argv[0], self)) return 1;
    /* <build>/bench/http_hello -> the sources' bench/ folder */
    snprintf(dir, sizeof(dir), "%s", self);
    snprintf(script, sizeof(script), "%s/../../bench/http_wrk.sh", dirname(dir));
    execl("/bin/sh", "sh", script, self, "serve", (char *)NULL);
    perror("exec bench/http_wrk.sh");
    return 1;
}
