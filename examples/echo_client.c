/* A TCP echo client: connects, sends each argument as a line, ends its
 * side, and prints what comes back until the server ends too -- Node's
 *
 *   const s = net.connect(port, '127.0.0.1');
 *   for (const a of args) s.write(a + '\n');
 *   s.end();
 *   s.on('data', (d) => process.stdout.write(d));
 *
 *   ./echo_client 7000 hello world
 */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static asy_loop_t loop;
static asy_socket_t sock;
static int exit_code;

static void on_connect(asy_socket_t *s, int status) {
    (void)s;
    if (status == 0) printf("connected\n");
}

static void on_data(asy_stream_t *s, const asy_buf_t *chunk) {
    (void)s;
    fwrite(chunk->data, 1, chunk->len, stdout);
}

static void on_end(asy_stream_t *s) {
    (void)s;
    printf("server ended the connection\n");
}

static void on_error(asy_stream_t *s, int err) {
    (void)s;
    fprintf(stderr, "error: %s (%s)\n", asy_strerror(err), asy_err_name(err));
    exit_code = 1;
}

static const asy_stream_events_t events = {on_data, NULL, on_end, on_error, NULL, NULL, NULL, NULL, NULL};

int main(int argc, char **argv) {
    asy_socket_opts_t opts;
    int i, r;
    if (argc < 2) {
        fprintf(stderr, "usage: %s port [message...]\n", argv[0]);
        return 2;
    }
    asy_loop_init(&loop, NULL);
    memset(&opts, 0, sizeof(opts));
    opts.no_delay = 1;
    opts.connect_timeout_ms = 5000;
    asy_socket_init(&loop, &sock, &opts);
    asy_stream_set_events(&sock.stream, &events);
    r = asy_socket_connect(&sock, "127.0.0.1", atoi(argv[1]), on_connect);
    if (r != 0) {
        fprintf(stderr, "connect: %s\n", asy_strerror(r));
        return 1;
    }
    /* written now, sent once the connection is up */
    for (i = 2; i < argc; i++) {
        asy_stream_write_bytes(&sock.stream, argv[i], strlen(argv[i]), NULL, NULL);
        asy_stream_write_bytes(&sock.stream, "\n", 1, NULL, NULL);
    }
    asy_stream_end(&sock.stream, NULL, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_loop_close(&loop);
    return exit_code;
}
