/* A TCP echo server: Node's
 *
 *   net.createServer((socket) => socket.pipe(socket)).listen(7000, '127.0.0.1');
 *
 * in C.  Each connection is a Duplex stream piped into itself; when the
 * client ends its side, the socket ends too (allowHalfOpen is false) and
 * closes.  Ctrl-C stops listening; the program exits once the open
 * connections are done.
 *
 *   ./echo_server [port]        (default 7000; 0 picks a free port)
 *   ./echo_client 7000 hello world
 */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static asy_loop_t loop;
static asy_server_t server;
static asy_signal_t sigint;

typedef struct {
    asy_socket_t sock;
    int id;
} conn;

static void on_conn_close(asy_stream_t *s) {
    conn *c = (conn *)s->data;
    printf("connection %d closed (%llu bytes echoed)\n", c->id,
           (unsigned long long)asy_socket_bytes_written(&c->sock));
    free(c); /* on_close is the last call: the memory is ours again */
}

static void on_conn_error(asy_stream_t *s, int err) {
    conn *c = (conn *)s->data;
    printf("connection %d: %s\n", c->id, asy_strerror(err));
}

static const asy_stream_events_t conn_events = {
    NULL, NULL, NULL, on_conn_error, NULL, NULL, on_conn_close, NULL, NULL};

static void on_connection(asy_server_t *srv, int status) {
    static int next_id;
    asy_addr_t peer;
    char ip[64];
    conn *c;
    if (status < 0) { /* e.g. out of file descriptors: the server goes on */
        fprintf(stderr, "accept: %s\n", asy_strerror(status));
        return;
    }
    c = (conn *)malloc(sizeof(*c));
    if (!c || asy_socket_init(&loop, &c->sock, NULL) != 0 || asy_server_accept(srv, &c->sock) != 0) {
        free(c);
        return;
    }
    c->id = ++next_id;
    c->sock.stream.data = c;
    asy_stream_set_events(&c->sock.stream, &conn_events);
    if (asy_tcp_getpeername(&c->sock.h.tcp, &peer) == 0 && asy_addr_ip(&peer, ip, sizeof(ip)) > 0)
        printf("connection %d from %s:%d\n", c->id, ip, asy_addr_port(&peer));
    asy_stream_pipe(&c->sock.stream, &c->sock.stream, NULL); /* socket.pipe(socket) */
}

static void on_sigint(asy_signal_t *h, int signum) {
    (void)signum;
    printf("\nstopping: no new connections\n");
    asy_server_close(&server, NULL);
    asy_close((asy_handle_t *)h, NULL);
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 7000, r;
    asy_addr_t a;
    asy_loop_init(&loop, NULL);
    r = asy_server_listen(&loop, &server, "127.0.0.1", port, 511, 0, on_connection);
    if (r != 0) {
        fprintf(stderr, "listen on port %d: %s\n", port, asy_strerror(r));
        return 1;
    }
    asy_server_address(&server, &a);
    printf("echo server listening on 127.0.0.1:%d\n", asy_addr_port(&a));
    fflush(stdout);
    asy_signal_init(&loop, &sigint);
    asy_signal_start(&sigint, on_sigint, SIGINT);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_loop_close(&loop);
    return 0;
}
