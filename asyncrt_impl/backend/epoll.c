#include "backend.h"
#include "ops.internal.h"
#include "../base/time.h"
#include "../loop/loop.internal.h"
#if ASYNCRT_OS_LINUX
#include <sys/epoll.h>
#include <sys/eventfd.h>
/* epoll: the readiness emulation over level-triggered epoll, one
 * registration per fd, changes applied at once so a bad fd is reported by
 * the call that asked for it.  The wake-up is an eventfd registered
 * edge-triggered: every write is a new edge, so the counter is never read
 * back (2^64 writes would fill it). */
#define ASY__EPOLL_BATCH 1024

typedef struct {
    asy__emu_state emu; /* first: the emulation finds it at backend_data_ */
    int epfd;
    int wakefd;
    struct epoll_event *events;
    /* the batch being dispatched now, so a closed io can be struck out */
    struct epoll_event *dispatch;
    int dispatch_n;
} asy__epoll_state;

/* data.ptr of the wake-up registration: no io has this address */
static char asy__epoll_wake_mark;

static inline asy__epoll_state *asy__epoll(asy_loop_t *loop) {
    return (asy__epoll_state *)loop->backend_data_;
}

static unsigned asy__epoll_mask(unsigned events) {
    unsigned m = 0;
    if (events & ASY_READABLE) m |= EPOLLIN;
    if (events & ASY_WRITABLE) m |= EPOLLOUT;
    if (events & ASY_DISCONNECT) m |= EPOLLRDHUP;
    if (events & ASY_PRIORITIZED) m |= EPOLLPRI;
    return m;
}

static void asy__epoll_close(asy_loop_t *loop) {
    asy__epoll_state *b = asy__epoll(loop);
    if (!b) return;
    if (b->epfd >= 0) close(b->epfd);
    if (b->wakefd >= 0) close(b->wakefd);
    asy__emu_free(&b->emu);
    asy__free(b->events);
    asy__free(b);
    loop->backend_data_ = NULL;
}

static int asy__epoll_init(asy_loop_t *loop) {
    asy__epoll_state *b = ASY__NEW(asy__epoll_state);
    struct epoll_event ev;
    if (!b) return ASY_ENOMEM;
    memset(b, 0, sizeof(*b));
    asy__emu_init(&b->emu);
    b->wakefd = -1;
    loop->backend_data_ = b;
    b->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (b->epfd < 0) goto fail;
    b->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (b->wakefd < 0) goto fail;
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN | EPOLLET;
    ev.data.ptr = &asy__epoll_wake_mark;
    if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, b->wakefd, &ev) != 0) goto fail;
    b->events = (struct epoll_event *)asy__malloc(sizeof(struct epoll_event) * ASY__EPOLL_BATCH);
    if (!b->events) {
        asy__epoll_close(loop);
        return ASY_ENOMEM;
    }
    return 0;
fail : {
    int err = asy__errno();
    asy__epoll_close(loop);
    return err;
}
}

/* Any thread: one write to the eventfd is a new edge for the next wait. */
static int asy__epoll_wake(asy_loop_t *loop) {
    int fd = asy__epoll(loop)->wakefd;
    for (;;) {
        uint64_t one = 1;
        ssize_t n = write(fd, &one, sizeof(one));
        if (n >= 0 || errno == EAGAIN) return 0; /* EAGAIN: a wake is queued anyway */
        if (errno != EINTR) return asy__errno();
    }
}

/* An io stopped or closed while its event waits in the current batch must
 * not be called: strike it out. */
static void asy__epoll_invalidate(asy__epoll_state *b, asy__io *io) {
    int i;
    if (!b->dispatch) return;
    for (i = 0; i < b->dispatch_n; i++)
        if (b->dispatch[i].data.ptr == io) b->dispatch[i].data.ptr = NULL;
}

static int asy__epoll_update(asy_loop_t *loop, asy__io *io, unsigned want, unsigned how) {
    asy__epoll_state *b = asy__epoll(loop);
    struct epoll_event ev;
    int op;
    if (want == 0) asy__epoll_invalidate(b, io);
    if (want == io->registered) return 0;
    if (want == 0 && (how & ASY__IO_GONE)) {
        /* closing the last reference to the file removes it from epoll:
         * skip the EPOLL_CTL_DEL (one syscall per connection) */
        loop->backend_watched_--;
        io->registered = 0;
        return 0;
    }
    memset(&ev, 0, sizeof(ev));
    ev.events = asy__epoll_mask(want);
    ev.data.ptr = io;
    if (want == 0)
        op = EPOLL_CTL_DEL;
    else
        op = io->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(b->epfd, op, io->fd, &ev) != 0) {
        int err = asy__errno();
        /* the fd was closed behind our back: forget it rather than fail */
        if (op == EPOLL_CTL_DEL) err = 0;
        if (err) return err;
    }
    if (op == EPOLL_CTL_ADD) loop->backend_watched_++;
    if (op == EPOLL_CTL_DEL) loop->backend_watched_--;
    io->registered = want;
    return 0;
}

static unsigned asy__epoll_revents(unsigned e) {
    unsigned r = 0;
    if (e & EPOLLIN) r |= ASY_READABLE;
    if (e & EPOLLOUT) r |= ASY_WRITABLE;
    if (e & EPOLLRDHUP) r |= ASY_DISCONNECT;
    if (e & EPOLLPRI) r |= ASY_PRIORITIZED;
    if (e & (EPOLLERR | EPOLLHUP)) r |= ASY__IO_ERR;
    return r;
}

static int asy__epoll_poll(asy_loop_t *loop, int timeout) {
    asy__epoll_state *b = asy__epoll(loop);
    struct epoll_event *ev = b->events;
    uint64_t t0 = 0;
    int n, i, dispatched = 0;
    /* Idle time is measured around a wait that may block, and only then:
     * a loop under load finds its events already there, so it asks
     * without waiting first and reads no clock (as libuv does when Node
     * turns on idle-time metrics).  When nothing is ready the extra call
     * costs an idle loop, never a busy one. */
    n = epoll_wait(b->epfd, ev, ASY__EPOLL_BATCH, 0);
    if (n <= 0 && timeout != 0) {
        t0 = asy_hrtime();
        n = epoll_wait(b->epfd, ev, ASY__EPOLL_BATCH, timeout);
        asy__backend_wait_ended(loop, t0);
    }
    if (n <= 0) return 0;
    b->dispatch = ev;
    b->dispatch_n = n;
    for (i = 0; i < n; i++) {
        asy__io *io = (asy__io *)ev[i].data.ptr;
        /* NULL: closed by an earlier callback of this batch; the wake-up
         * needs nothing (the poll phase looks at wake_pending_) */
        if (!io || ev[i].data.ptr == (void *)&asy__epoll_wake_mark) continue;
        dispatched++;
        io->cb(loop, io, asy__epoll_revents(ev[i].events));
        asy__after_cb(loop);
    }
    b->dispatch = NULL;
    b->dispatch_n = 0;
    loop->events_ += (uint64_t)dispatched;
    return dispatched;
}

static const asy__backend_t asy__epoll_backend = {
    "epoll",           asy__epoll_init,     asy__epoll_close,   asy__epoll_poll,
    asy__emu_submit,   asy__emu_cancel,     asy__emu_fd_close,  asy__epoll_wake,
    asy__emu_release,  asy__emu_try_write,  asy__epoll_update};

static const asy__backend_t *asy__epoll_table(void) { return &asy__epoll_backend; }
#endif
