#include "../base/time.h"
#include "../loop/loop.internal.h"
#if ASYNCRT_OS_LINUX
#include <sys/epoll.h>
/* epoll: level-triggered, one registration per fd, changes applied at once
 * so a bad fd is reported by the call that asked for it. */
#define ASY__EPOLL_BATCH 1024

static unsigned asy__epoll_mask(unsigned events) {
    unsigned m = 0;
    if (events & ASY_READABLE) m |= EPOLLIN;
    if (events & ASY_WRITABLE) m |= EPOLLOUT;
    if (events & ASY_DISCONNECT) m |= EPOLLRDHUP;
    if (events & ASY_PRIORITIZED) m |= EPOLLPRI;
    if (events & ASY__IO_EDGE) m |= EPOLLET;
    return m;
}

static int asy__epoll_init(asy_loop_t *loop) {
    asy__backend_state *b = &loop->backend_;
    b->fd = epoll_create1(EPOLL_CLOEXEC);
    if (b->fd < 0) return asy__errno();
    b->events = asy__malloc(sizeof(struct epoll_event) * ASY__EPOLL_BATCH);
    if (!b->events) {
        close(b->fd);
        b->fd = -1;
        return ASY_ENOMEM;
    }
    b->nevents = ASY__EPOLL_BATCH;
    b->kind = ASY__BACKEND_EPOLL;
    return 0;
}

static void asy__epoll_close(asy_loop_t *loop) {
    asy__backend_state *b = &loop->backend_;
    if (b->fd >= 0) close(b->fd);
    asy__free(b->events);
    b->fd = -1;
    b->events = NULL;
}

static int asy__epoll_update(asy_loop_t *loop, asy__io *io, unsigned want) {
    struct epoll_event ev;
    int op;
    if (want == io->registered) return 0;
    memset(&ev, 0, sizeof(ev));
    ev.events = asy__epoll_mask(want);
    ev.data.ptr = io;
    if (want == 0)
        op = EPOLL_CTL_DEL;
    else
        op = io->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(loop->backend_.fd, op, io->fd, &ev) != 0) {
        int err = asy__errno();
        /* the fd was closed behind our back: forget it rather than fail */
        if (op == EPOLL_CTL_DEL) err = 0;
        if (err) return err;
    }
    if (op == EPOLL_CTL_ADD) loop->backend_.io_count++;
    if (op == EPOLL_CTL_DEL) loop->backend_.io_count--;
    io->registered = want;
    return 0;
}

/* An io stopped or closed while its event waits in the current batch must
 * not be called: strike it out. */
static void asy__epoll_invalidate(asy_loop_t *loop, asy__io *io) {
    struct epoll_event *ev = (struct epoll_event *)loop->backend_.dispatch;
    int i;
    if (!ev) return;
    for (i = 0; i < loop->backend_.dispatch_n; i++)
        if (ev[i].data.ptr == io) ev[i].data.ptr = NULL;
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
    asy__backend_state *b = &loop->backend_;
    struct epoll_event *ev = (struct epoll_event *)b->events;
    uint64_t t0 = 0;
    int n, i, dispatched = 0;
    if (b->io_count == 0 && timeout < 0) return 0; /* nothing could ever wake us */
    /* Idle time is measured around a wait that may block, and only then:
     * a loop under load finds its events already there, so it asks
     * without waiting first and reads no clock (as libuv does when Node
     * turns on idle-time metrics).  When nothing is ready the extra call
     * costs an idle loop, never a busy one. */
    n = epoll_wait(b->fd, ev, (int)b->nevents, 0);
    if (n <= 0 && timeout != 0) {
        t0 = asy_hrtime();
        n = epoll_wait(b->fd, ev, (int)b->nevents, timeout);
        asy__backend_wait_ended(loop, t0);
    }
    if (n <= 0) return 0;
    b->dispatch = ev;
    b->dispatch_n = n;
    for (i = 0; i < n; i++) {
        asy__io *io = (asy__io *)ev[i].data.ptr;
        if (!io) continue; /* closed by an earlier callback of this batch */
        dispatched++;
        io->cb(loop, io, asy__epoll_revents(ev[i].events));
        asy__after_cb(loop);
    }
    b->dispatch = NULL;
    b->dispatch_n = 0;
    loop->events_ += (uint64_t)dispatched;
    return dispatched;
}
#endif
