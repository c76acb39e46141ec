/* Stream sockets: the part TCP sockets, Unix-domain sockets / pipes and
 * TTYs share (libuv's uv_stream_t, the handle under Node's net.Socket).
 *
 *   reading   asy_sock_read_start(s, alloc_cb, read_cb): read_cb gets each
 *             chunk; nread < 0 is an error or ASY_EOF (the peer ended its
 *             side).  With alloc_cb == NULL the data sits in a buffer the
 *             loop owns, valid only during read_cb: no allocation per read
 *             and no buffer held by an idle socket.  With an alloc_cb the
 *             buffer is asked for right before the read, as in libuv, and
 *             a buffer handed back without data arrives with nread == 0.
 *   writing   asy_sock_write(req, s, bufs, n, cb): the bytes must stay
 *             valid until cb runs; writes complete in order.  cb always
 *             runs from the loop, never inside asy_sock_write.
 *   closing   asy_close((asy_handle_t *)s, close_cb): pending writes,
 *             connects and shutdowns complete with ASY_ECANCELED first.
 *
 * Errors of a connection (ASY_ECONNRESET, ASY_EPIPE) arrive as the status
 * of reads and writes; the process never receives SIGPIPE. */
#pragma once
#include "../loop/timer.h"
#include "../loop/op.h"
typedef struct asy_sock_s asy_sock_t;
typedef struct asy_write_s asy_write_t;
typedef struct asy_shutdown_s asy_shutdown_t;
typedef struct asy_connect_s asy_connect_t;

/* Fill *buf with memory for up to `suggested` bytes (base NULL or len 0:
 * the read fails with ASY_ENOBUFS). */
typedef void (*asy_alloc_cb)(asy_handle_t *handle, size_t suggested, asy_iov_t *buf);
typedef void (*asy_read_cb)(asy_sock_t *sock, ptrdiff_t nread, const asy_iov_t *buf);
typedef void (*asy_write_cb)(asy_write_t *req, int status);
typedef void (*asy_shutdown_cb)(asy_shutdown_t *req, int status);
typedef void (*asy_connect_cb)(asy_connect_t *req, int status);
/* A connection is waiting: take it with asy_sock_accept.  status < 0
 * reports an accept error (ASY_EMFILE...); the server keeps listening. */
typedef void (*asy_connection_cb)(asy_sock_t *server, int status);

/* Fields of every stream socket (TCP, pipe, TTY).  Private but for data. */
#define ASY__SOCK_FIELDS                                                   \
    ASY_HANDLE_FIELDS                                                      \
    asy__opfd fd_;                                                         \
    asy__op rop_; /* the read, or the accept of a listening socket */     \
    asy_alloc_cb alloc_cb_;                                                \
    union {                                                                \
        asy_read_cb read;                                                  \
        asy_connection_cb connection;                                      \
    } cb_;                                                                 \
    size_t write_queue_size_;

struct asy_sock_s {
    ASY__SOCK_FIELDS
};

struct asy_write_s {
    void *data;
    asy_sock_t *handle;
    /* private */
    asy_write_cb cb_;
    asy__op op_;
    asy_iov_t *bufs_;
    size_t queued_;
    asy_iov_t bufsml_[4];
};

struct asy_shutdown_s {
    void *data;
    asy_sock_t *handle;
    asy_shutdown_cb cb_;
    asy__op op_;
};

struct asy_connect_s {
    void *data;
    asy_sock_t *handle;
    asy_connect_cb cb_;
    asy__op op_;
    asy_timer_id_t timer_;
};

ASYNCRT_API int asy_sock_read_start(asy_sock_t *s, asy_alloc_cb alloc_cb, asy_read_cb read_cb);
/* No read_cb after this returns (a buffer already lent by alloc_cb comes
 * back with nread == 0). */
ASYNCRT_API int asy_sock_read_stop(asy_sock_t *s);
ASYNCRT_API int asy_sock_is_reading(const asy_sock_t *s);
ASYNCRT_API int asy_sock_write(asy_write_t *req, asy_sock_t *s, const asy_iov_t *bufs,
                               unsigned nbufs, asy_write_cb cb);
/* Writes what the kernel takes now, without queueing: the byte count,
 * ASY_EAGAIN when nothing could be written (or writes are queued). */
ASYNCRT_API ptrdiff_t asy_sock_try_write(asy_sock_t *s, const asy_iov_t *bufs, unsigned nbufs);
/* Ends the write side once queued writes are done (TCP: FIN; the peer
 * reads ASY_EOF).  Reading goes on: a half-open connection. */
ASYNCRT_API int asy_sock_shutdown(asy_shutdown_t *req, asy_sock_t *s, asy_shutdown_cb cb);
/* Bytes handed to asy_sock_write that the kernel has not taken yet. */
ASYNCRT_API size_t asy_sock_write_queue_size(const asy_sock_t *s);
/* Listening sockets (TCP and Unix-domain).  backlog <= 0: 511. */
ASYNCRT_API int asy_sock_listen(asy_sock_t *server, int backlog, asy_connection_cb cb);
/* Moves the waiting connection into client (initialised, not yet open).
 * ASY_EAGAIN when none is waiting.  A server whose connection_cb does not
 * accept stops accepting until asy_sock_accept is called. */
ASYNCRT_API int asy_sock_accept(asy_sock_t *server, asy_sock_t *client);
/* The socket's OS handle (a file descriptor on POSIX, a SOCKET on Windows)
 * in *fd: 0, or ASY_EBADF when it has none (*fd is ASY_OS_SOCK_INVALID
 * then).  It still belongs to the handle: asy_close closes it. */
ASYNCRT_API int asy_sock_fileno(asy_sock_t *s, asy_os_sock_t *fd);
/* How long a paused server waits before it tries accept() again after
 * running out of file descriptors (it also retries whenever a socket of
 * the loop closes).  Default 100 ms. */
#define ASY_ACCEPT_RETRY_MS 100
