/* Node's net.Socket and net.Server: a connection as a Duplex stream.
 *
 *   asy_socket_t is an asy_stream_t (the `stream` member, first, so a
 *   pointer to the socket is a pointer to its stream) over a TCP socket,
 *   a Unix-domain socket, a pipe fd or a TTY.  Read it and write it with
 *   the asy_stream_* functions (on_data / pause / resume / write / end /
 *   pipe / pipeline...); asy_stream_end shuts the write side down once the
 *   queued writes are out (a FIN), and with allow_half_open unset -- the
 *   default, as in Node -- the socket also ends its writable side when the
 *   peer ends its own.  asy_stream_destroy closes the connection; its
 *   on_close is the last callback, after which the memory is the caller's.
 *
 *   asy_server_t listens; its connection callback calls asy_server_accept
 *   with a socket the caller initialised (asy_socket_init).
 *
 * The handle underneath (h.tcp, h.pipe, h.tty) stays usable for options:
 * asy_tcp_nodelay(&sock->h.tcp, 1), asy_tcp_getpeername(...).  Errors of
 * the connection (ASY_ECONNRESET, ASY_EPIPE...) destroy the stream with
 * that error, as in Node. */
#pragma once
#include "tcp.h"
#include "pipe.h"
#include "tty.h"
#include "../loop/op.h"
#include "../stream/stream.h"
typedef struct asy_socket_s asy_socket_t;
typedef struct asy_server_s asy_server_t;
typedef void (*asy_socket_connect_cb)(asy_socket_t *sock, int status);
typedef void (*asy_server_connection_cb)(asy_server_t *server, int status);

typedef struct {
    /* allowHalfOpen: keep the writable side open after the peer's end. */
    int allow_half_open;
    /* both sides; 0: 16 KiB */
    size_t high_water_mark;
    /* TCP only: setNoDelay, setKeepAlive (initial delay in seconds) */
    int no_delay;
    int keep_alive;
    unsigned keep_alive_delay_s;
    /* connect: fail with ASY_ETIMEDOUT after this many ms (0: no limit) */
    uint64_t connect_timeout_ms;
} asy_socket_opts_t;

struct asy_socket_s {
    asy_stream_t stream;
    union {
        asy_sock_t sock;
        asy_tcp_t tcp;
        asy_pipe_t pipe;
        asy_tty_t tty;
    } h;
    /* private */
    asy_socket_opts_t opts_;
    asy_write_t wreq_;
    asy_shutdown_t sreq_;
    asy_connect_t creq_;
    asy_socket_connect_cb connect_cb_;
    asy_iov_t *wv_;
    size_t wv_cap_;
    unsigned state_;
    int destroy_err_;
    uint64_t bytes_read_, bytes_written_;
};

struct asy_server_s {
    union {
        asy_sock_t sock;
        asy_tcp_t tcp;
        asy_pipe_t pipe;
    } h;
    void *data;
    asy_server_connection_cb cb_;
};

/* Prepares the stream (NULL opts: defaults); then connect, accept or open
 * it -- in the same tick, as net.connect() does: the stream reads and
 * writes the handle those create. */
ASYNCRT_API int asy_socket_init_at(asy_loop_t *loop, asy_socket_t *sock,
                                   const asy_socket_opts_t *opts, const char *file, int line);
/* records the caller's file:line as the stream's creation site */
#define asy_socket_init(...) asy_socket_init_at(__VA_ARGS__, ASY_HERE)
/* TCP to an IP address (DNS is not here).  cb (may be NULL) is Node's
 * 'connect': status 0, or the error -- the stream is then destroyed with
 * it, so on_error and on_close follow.  Writes made before the connection
 * is up wait for it. */
ASYNCRT_API int asy_socket_connect(asy_socket_t *sock, const char *ip, int port,
                                   asy_socket_connect_cb cb);
/* A Unix-domain socket at path. */
ASYNCRT_API int asy_socket_connect_path(asy_socket_t *sock, const char *path,
                                        asy_socket_connect_cb cb);
/* An fd the process already has: stdio, a pipe end, a socket, a TTY
 * (asy_guess_handle decides).  ASY_EINVAL for a regular file. */
ASYNCRT_API int asy_socket_open(asy_socket_t *sock, asy_os_sock_t fd);
/* socket.resetAndDestroy(): TCP only; the peer reads ASY_ECONNRESET. */
ASYNCRT_API int asy_socket_reset_and_destroy(asy_socket_t *sock);
ASYNCRT_API uint64_t asy_socket_bytes_read(const asy_socket_t *sock);
ASYNCRT_API uint64_t asy_socket_bytes_written(const asy_socket_t *sock);

/* host: an IP address, NULL for every interface ("::", or "0.0.0.0" where
 * IPv6 is missing); port 0 picks a free one (asy_server_address).  flags:
 * ASY_TCP_IPV6ONLY, ASY_TCP_REUSEPORT. */
ASYNCRT_API int asy_server_listen(asy_loop_t *loop, asy_server_t *server, const char *host,
                                  int port, int backlog, unsigned flags,
                                  asy_server_connection_cb cb);
ASYNCRT_API int asy_server_listen_path(asy_loop_t *loop, asy_server_t *server, const char *path,
                                       int backlog, asy_server_connection_cb cb);
/* Takes the waiting connection into sock (initialised, not connected). */
ASYNCRT_API int asy_server_accept(asy_server_t *server, asy_socket_t *sock);
ASYNCRT_API int asy_server_address(const asy_server_t *server, asy_addr_t *addr);
/* Stops listening; close_cb gets the server's handle (&server->h). */
ASYNCRT_API void asy_server_close(asy_server_t *server, asy_close_cb close_cb);
