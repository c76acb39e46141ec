#include "backend.h"
#include "ops.internal.h"
#include "../base/time.h"
#include "../loop/loop.internal.h"
#include <poll.h>
#if ASYNCRT_OS_LINUX
#include <sys/eventfd.h>
#endif
/* poll(2): the portable fallback (ASYNCRT_BACKEND=poll), the readiness
 * emulation over level-triggered poll.  Registered ios sit in a dense
 * array parallel to the pollfd array; removal swaps the last entry into the
 * hole.  Slot 0 is the wake-up (an eventfd on Linux, a pipe elsewhere),
 * drained when it fires. */
typedef struct {
    asy__emu_state emu; /* first: the emulation finds it at backend_data_ */
    struct pollfd *pfds;
    asy__io **ios; /* ios[0] is NULL: the wake-up */
    unsigned n, cap;
    int wake_rfd, wake_wfd; /* the same fd for an eventfd */
} asy__pollb_state;

static inline asy__pollb_state *asy__pollb(asy_loop_t *loop) {
    return (asy__pollb_state *)loop->backend_data_;
}

static void asy__pollb_close(asy_loop_t *loop) {
    asy__pollb_state *a = asy__pollb(loop);
    if (!a) return;
    if (a->wake_rfd >= 0) close(a->wake_rfd);
    if (a->wake_wfd >= 0 && a->wake_wfd != a->wake_rfd) close(a->wake_wfd);
    asy__emu_free(&a->emu);
    asy__free(a->pfds);
    asy__free(a->ios);
    asy__free(a);
    loop->backend_data_ = NULL;
}

static int asy__pollb_init(asy_loop_t *loop) {
    asy__pollb_state *a = ASY__NEW(asy__pollb_state);
    int r;
    if (!a) return ASY_ENOMEM;
    memset(a, 0, sizeof(*a));
    asy__emu_init(&a->emu);
    a->wake_rfd = a->wake_wfd = -1;
    loop->backend_data_ = a;
#if ASYNCRT_OS_LINUX
    a->wake_rfd = a->wake_wfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (a->wake_rfd < 0) {
        r = asy__errno();
        asy__pollb_close(loop);
        return r;
    }
#else
    {
        int fds[2];
        if (pipe(fds) != 0) {
            r = asy__errno();
            asy__pollb_close(loop);
            return r;
        }
        a->wake_rfd = fds[0];
        a->wake_wfd = fds[1];
        if ((r = asy__set_nonblock_cloexec(fds[0])) || (r = asy__set_nonblock_cloexec(fds[1]))) {
            asy__pollb_close(loop);
            return r;
        }
    }
#endif
    a->cap = 64;
    a->pfds = (struct pollfd *)asy__malloc(sizeof(*a->pfds) * a->cap);
    a->ios = (asy__io **)asy__malloc(sizeof(*a->ios) * a->cap);
    if (!a->pfds || !a->ios) {
        asy__pollb_close(loop);
        return ASY_ENOMEM;
    }
    a->pfds[0].fd = a->wake_rfd;
    a->pfds[0].events = POLLIN;
    a->pfds[0].revents = 0;
    a->ios[0] = NULL;
    a->n = 1;
    return 0;
}

/* Any thread: the wake-up fd becomes readable until the loop drains it. */
static int asy__pollb_wake(asy_loop_t *loop) {
    int fd = asy__pollb(loop)->wake_wfd;
    for (;;) {
#if ASYNCRT_OS_LINUX
        uint64_t one = 1;
        ssize_t n = write(fd, &one, sizeof(one));
#else
        char one = 1;
        ssize_t n = write(fd, &one, 1);
#endif
        if (n >= 0 || errno == EAGAIN) return 0; /* EAGAIN: a wake is queued anyway */
        if (errno != EINTR) return asy__errno();
    }
}

static void asy__pollb_drain_wake(asy__pollb_state *a) {
    char buf[256];
    for (;;) {
        ssize_t n = read(a->wake_rfd, buf, sizeof(buf));
        if (n == (ssize_t)sizeof(buf) && a->wake_rfd != a->wake_wfd) continue; /* pipe */
        if (n < 0 && errno == EINTR) continue;
        break;
    }
}

static short asy__pollb_mask(unsigned events) {
    short m = 0;
    if (events & ASY_READABLE) m |= POLLIN;
    if (events & ASY_WRITABLE) m |= POLLOUT;
    if (events & ASY_PRIORITIZED) m |= POLLPRI;
#ifdef POLLRDHUP
    if (events & ASY_DISCONNECT) m |= POLLRDHUP;
#endif
    return m;
}

static int asy__pollb_update(asy_loop_t *loop, asy__io *io, unsigned want, unsigned how) {
    asy__pollb_state *a = asy__pollb(loop);
    (void)how; /* poll(2) keeps no kernel state: removal is always local */
    if (want == io->registered) return 0;
    if (want && fcntl(io->fd, F_GETFD) < 0) return ASY_EBADF;
    if (io->registered == 0) {
        if (a->n == a->cap) {
            unsigned ncap = a->cap * 2;
            struct pollfd *np = (struct pollfd *)asy__realloc(a->pfds, sizeof(*np) * ncap);
            asy__io **ni;
            if (!np) return ASY_ENOMEM;
            a->pfds = np;
            ni = (asy__io **)asy__realloc(a->ios, sizeof(*ni) * ncap);
            if (!ni) return ASY_ENOMEM;
            a->ios = ni;
            a->cap = ncap;
        }
        io->slot = a->n++;
        loop->backend_watched_++;
        a->ios[io->slot] = io;
        a->pfds[io->slot].fd = io->fd;
    }
    if (want == 0) {
        unsigned last = --a->n;
        loop->backend_watched_--;
        if (io->slot != last) {
            a->ios[io->slot] = a->ios[last];
            a->pfds[io->slot] = a->pfds[last];
            a->ios[io->slot]->slot = io->slot;
        }
    } else {
        a->pfds[io->slot].events = asy__pollb_mask(want);
        a->pfds[io->slot].revents = 0;
    }
    io->registered = want;
    return 0;
}

static int asy__pollb_poll(asy_loop_t *loop, int timeout) {
    asy__pollb_state *a = asy__pollb(loop);
    uint64_t t0 = 0;
    unsigned i, n;
    int r, dispatched = 0;
    if (timeout != 0) t0 = asy_hrtime();
    n = a->n;
    r = poll(a->pfds, n, timeout);
    if (timeout != 0) asy__backend_wait_ended(loop, t0);
    if (r <= 0) return 0;
    if (a->pfds[0].revents) {
        /* the wake-up: the poll phase looks at wake_pending_ itself */
        a->pfds[0].revents = 0;
        asy__pollb_drain_wake(a);
    }
    /* Walk by io pointer snapshot semantics: an io removed by a callback
     * swaps the tail into its place, so re-check each slot's revents. */
    for (i = 1; i < a->n && i < n; i++) {
        short re = a->pfds[i].revents;
        unsigned ev = 0;
        asy__io *io;
        if (!re) continue;
        a->pfds[i].revents = 0;
        if (re & POLLIN) ev |= ASY_READABLE;
        if (re & POLLOUT) ev |= ASY_WRITABLE;
        if (re & POLLPRI) ev |= ASY_PRIORITIZED;
#ifdef POLLRDHUP
        if (re & POLLRDHUP) ev |= ASY_DISCONNECT;
#endif
        if (re & (POLLERR | POLLHUP | POLLNVAL)) ev |= ASY__IO_ERR;
        io = a->ios[i];
        dispatched++;
        io->cb(loop, io, ev);
        asy__after_cb(loop);
        /* if the callback removed this slot, the swapped-in entry now sits
         * at i with its own revents: look at i again */
        if (i < a->n && a->ios[i] != io) i--;
    }
    loop->events_ += (uint64_t)dispatched;
    return dispatched;
}

static const asy__backend_t asy__pollb_backend = {
    "poll",           asy__pollb_init,     asy__pollb_close,   asy__pollb_poll,
    asy__emu_submit,  asy__emu_cancel,     asy__emu_fd_close,  asy__pollb_wake,
    asy__emu_release, asy__emu_try_write,  asy__pollb_update};

static const asy__backend_t *asy__pollb_table(void) { return &asy__pollb_backend; }
