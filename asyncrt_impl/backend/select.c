/* Run-time selection between the compiled-in backends, and the io calls
 * the loop makes, dispatched to the one in use. */
#include "backend.internal.h"
#include "../base/errors.h"
#include "../loop/loop.internal.h"
/* Process-wide: set in the parent by the first fork().  A child of fork
 * shares our open files, so closing an fd no longer proves the kernel
 * drops its epoll registration; from then on asy__io_forget unregisters
 * explicitly. */
static volatile int asy__forked;
static pthread_once_t asy__atfork_once = PTHREAD_ONCE_INIT;
/* atomics: several threads may fork (or spawn) at once */
static void asy__note_fork(void) { __atomic_store_n(&asy__forked, 1, __ATOMIC_RELAXED); }
static void asy__atfork_install(void) { pthread_atfork(NULL, asy__note_fork, NULL); }

ASY__INTERNAL void asy__ops_loop_init(asy_loop_t *loop);
ASY__INTERNAL void asy__ops_loop_close(asy_loop_t *loop);

ASY__INTERNAL int asy__backend_init(asy_loop_t *loop, const char *name) {
    pthread_once(&asy__atfork_once, asy__atfork_install);
    asy__ops_loop_init(loop);
    if (!name || !*name) name = getenv("ASYNCRT_BACKEND");
    if (name && *name) {
        if (strcmp(name, "poll") == 0) return asy__pollb_init(loop);
#if ASYNCRT_OS_LINUX
        if (strcmp(name, "epoll") == 0) return asy__epoll_init(loop);
#endif
        return ASY_ENOSYS; /* a backend this build does not have */
    }
#if ASYNCRT_OS_LINUX
    return asy__epoll_init(loop);
#else
    return asy__pollb_init(loop);
#endif
}

ASY__INTERNAL void asy__backend_close(asy_loop_t *loop) {
    asy__ops_loop_close(loop);
#if ASYNCRT_OS_LINUX
    if (loop->backend_.kind == ASY__BACKEND_EPOLL) asy__epoll_close(loop);
#endif
    if (loop->backend_.kind == ASY__BACKEND_POLL) asy__pollb_close(loop);
    loop->backend_.kind = 0;
}

ASY__INTERNAL int asy__backend_poll(asy_loop_t *loop, int timeout_ms) {
#if ASYNCRT_OS_LINUX
    if (loop->backend_.kind == ASY__BACKEND_EPOLL) return asy__epoll_poll(loop, timeout_ms);
#endif
    return asy__pollb_poll(loop, timeout_ms);
}

ASY__INTERNAL const char *asy__backend_name(const asy_loop_t *loop) {
    switch (loop->backend_.kind) {
        case ASY__BACKEND_EPOLL:
            return "epoll";
        case ASY__BACKEND_POLL:
            return "poll";
        default:
            return "none";
    }
}

static int asy__backend_update(asy_loop_t *loop, asy__io *io, unsigned want) {
#if ASYNCRT_OS_LINUX
    if (loop->backend_.kind == ASY__BACKEND_EPOLL) return asy__epoll_update(loop, io, want);
#endif
    return asy__pollb_update(loop, io, want);
}

ASY__INTERNAL void asy__io_init(asy__io *io, int fd, asy__io_cb cb) {
    io->fd = fd;
    io->events = 0;
    io->registered = 0;
    io->cb = cb;
    io->slot = 0;
}

ASY__INTERNAL int asy__io_start(asy_loop_t *loop, asy__io *io, unsigned events) {
    unsigned want = io->events | events;
    int r;
    if (io->fd < 0) return ASY_EBADF;
    r = asy__backend_update(loop, io, want);
    if (r == 0) io->events = want;
    return r;
}

ASY__INTERNAL void asy__io_stop(asy_loop_t *loop, asy__io *io, unsigned events) {
    unsigned want = io->events & ~events;
    io->events = want;
    if (asy__backend_update(loop, io, want) != 0) {
        /* could not narrow the interest: drop the fd entirely */
        asy__backend_update(loop, io, 0);
        io->events = 0;
    }
    if (want == 0) {
#if ASYNCRT_OS_LINUX
        if (loop->backend_.kind == ASY__BACKEND_EPOLL) asy__epoll_invalidate(loop, io);
#endif
    }
}

ASY__INTERNAL void asy__io_close(asy_loop_t *loop, asy__io *io) {
    asy__io_stop(loop, io, io->events | io->registered);
}

ASY__INTERNAL void asy__io_forget(asy_loop_t *loop, asy__io *io, int sole_owner) {
#if ASYNCRT_OS_LINUX
    if (sole_owner && !__atomic_load_n(&asy__forked, __ATOMIC_RELAXED) && loop->backend_.kind == ASY__BACKEND_EPOLL) {
        /* closing the last reference to the file removes it from epoll:
         * skip the EPOLL_CTL_DEL (one syscall per connection) */
        if (io->registered) loop->backend_.io_count--;
        io->registered = 0;
        io->events = 0;
        asy__epoll_invalidate(loop, io);
        return;
    }
#endif
    (void)sole_owner;
    asy__io_close(loop, io);
}
