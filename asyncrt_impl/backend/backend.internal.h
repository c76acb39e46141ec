/* Each backend's entry points, which select.c chooses between, and the
 * fork hook the process layer calls. */
#pragma once
#include "../base/sys.internal.h"
#include "../loop/io.h"

/* Defined in epoll.c, used by select.c. */
#if ASYNCRT_OS_LINUX
static int asy__epoll_init(asy_loop_t *loop);
static void asy__epoll_close(asy_loop_t *loop);
static int asy__epoll_update(asy_loop_t *loop, asy__io *io, unsigned want);
static void asy__epoll_invalidate(asy_loop_t *loop, asy__io *io);
static int asy__epoll_poll(asy_loop_t *loop, int timeout);
#endif

/* Defined in poll.c, used by select.c. */
static int asy__pollb_init(asy_loop_t *loop);
static void asy__pollb_close(asy_loop_t *loop);
static int asy__pollb_update(asy_loop_t *loop, asy__io *io, unsigned want);
static int asy__pollb_poll(asy_loop_t *loop, int timeout);

/* Defined in select.c, used by process/spawn.c. */
static void asy__note_fork(void);
