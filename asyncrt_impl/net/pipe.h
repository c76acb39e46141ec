/* Pipes: Unix-domain stream sockets (a path to bind / connect to) and
 * plain pipe fds, the process's own stdio included (asy_pipe_open(p, 0)).
 * Reading and writing go through the asy_sock_* functions.
 *
 * A listening pipe removes its socket file when closed, as in Node.
 * Opening a non-socket fd sets SIGPIPE to "ignore" if it was at its
 * default (as Node does at startup), since a write to a closed pipe
 * cannot be told not to raise it; the write fails with ASY_EPIPE. */
#pragma once
#include "sock.h"
#include "../loop/handle.h"
typedef struct asy_pipe_s asy_pipe_t;
struct asy_pipe_s {
    ASY__SOCK_FIELDS
    char *path_; /* bound path, unlinked on close */
};

ASYNCRT_API int asy_pipe_init_at(asy_loop_t *loop, asy_pipe_t *pipe, const char *file, int line);
#define asy_pipe_init(loop, pipe) asy_pipe_init_at((loop), (pipe), ASY_HERE)
/* Adopts an fd: a pipe end, a Unix socket, stdio.  It is made
 * non-blocking, which the other holders of the same open file see too. */
ASYNCRT_API int asy_pipe_open(asy_pipe_t *pipe, asy_os_fd_t fd);
ASYNCRT_API int asy_pipe_bind(asy_pipe_t *pipe, const char *path);
ASYNCRT_API int asy_pipe_listen(asy_pipe_t *pipe, int backlog, asy_connection_cb cb);
ASYNCRT_API int asy_pipe_accept(asy_pipe_t *server, asy_pipe_t *client);
ASYNCRT_API int asy_pipe_connect(asy_connect_t *req, asy_pipe_t *pipe, const char *path,
                                 asy_connect_cb cb);
/* The bound / peer path into buf (NUL-terminated); its length, or
 * ASY_ENOSPC. */
ASYNCRT_API int asy_pipe_getsockname(const asy_pipe_t *pipe, char *buf, size_t len);
ASYNCRT_API int asy_pipe_getpeername(const asy_pipe_t *pipe, char *buf, size_t len);
/* A connected pair of Unix stream sockets (socketpair), both
 * non-blocking and close-on-exec; open each with asy_pipe_open. */
ASYNCRT_API int asy_socketpair(asy_os_sock_t fds[2]);
/* pipe(2) with both ends non-blocking and close-on-exec: fds[0] reads. */
ASYNCRT_API int asy_pipe_fds(asy_os_fd_t fds[2]);
