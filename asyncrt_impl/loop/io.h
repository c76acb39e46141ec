/* asy__io: one readiness registration -- a file descriptor the readiness
 * backends (epoll, poll(2)) wait on: a signal pipe, a poll handle's fd, a
 * child's stdio, an opfd's socket.  Changed through the backend table's
 * io_update (backend/backend.h).  It is embedded in handles, so it is
 * declared here; it is private. */
#pragma once
#include "handle.h"
typedef struct asy__io asy__io;
typedef void (*asy__io_cb)(asy_loop_t *loop, asy__io *io, unsigned revents);

/* Event bits, for poll handles and the backend. */
enum {
    ASY_READABLE = 1,
    ASY_WRITABLE = 2,
    ASY_DISCONNECT = 4,
    ASY_PRIORITIZED = 8
};

/* Field order keeps the struct at 24 bytes: one is embedded in every
 * socket, so it counts in the memory per connection. */
struct asy__io {
    asy_os_fd_t fd;
    unsigned events;     /* wanted */
    unsigned registered; /* what the kernel currently has */
    unsigned slot;       /* backend bookkeeping (poll backend: index in its array) */
    asy__io_cb cb;
};
