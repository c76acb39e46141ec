/* Poll handles watch a raw file descriptor the caller owns (a socket from
 * another library, a device) for readability / writability / hang-up.
 * The fd must stay open until the handle is stopped or closed. */
#pragma once
#include "io.h"
typedef struct asy_poll_s asy_poll_t;
/* status < 0 reports an error on the fd; events is a mask of ASY_READABLE,
 * ASY_WRITABLE, ASY_DISCONNECT, ASY_PRIORITIZED. */
typedef void (*asy_poll_cb)(asy_poll_t *handle, int status, unsigned events);

struct asy_poll_s {
    ASY_HANDLE_FIELDS
    asy_poll_cb cb_;
    asy__io io_;
};

ASYNCRT_API int asy_poll_init_at(asy_loop_t *loop, asy_poll_t *h, asy_os_sock_t fd, const char *file,
                                 int line);
#define asy_poll_init(loop, h, fd) asy_poll_init_at((loop), (h), (fd), ASY_HERE)
/* Starting again changes the event mask. */
ASYNCRT_API int asy_poll_start(asy_poll_t *h, unsigned events, asy_poll_cb cb);
ASYNCRT_API int asy_poll_stop(asy_poll_t *h);
