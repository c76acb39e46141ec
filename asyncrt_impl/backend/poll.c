#include "../base/time.h"
#include "../loop/loop.internal.h"
#include <poll.h>
/* poll(2): the portable fallback (ASYNCRT_BACKEND=poll).  Registered ios
 * sit in a dense array parallel to the pollfd array; removal swaps the last
 * entry into the hole. */
typedef struct {
    struct pollfd *pfds;
    asy__io **ios;
} asy__poll_arrays;

static int asy__pollb_init(asy_loop_t *loop) {
    asy__poll_arrays *a = ASY__NEW(asy__poll_arrays);
    if (!a) return ASY_ENOMEM;
    memset(a, 0, sizeof(*a));
    loop->backend_.io_table = a;
    loop->backend_.io_table_cap = 0;
    loop->backend_.fd = -1;
    loop->backend_.kind = ASY__BACKEND_POLL;
    return 0;
}

static void asy__pollb_close(asy_loop_t *loop) {
    asy__poll_arrays *a = (asy__poll_arrays *)loop->backend_.io_table;
    if (!a) return;
    asy__free(a->pfds);
    asy__free(a->ios);
    asy__free(a);
    loop->backend_.io_table = NULL;
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

static int asy__pollb_update(asy_loop_t *loop, asy__io *io, unsigned want) {
    asy__backend_state *b = &loop->backend_;
    asy__poll_arrays *a = (asy__poll_arrays *)b->io_table;
    if (want == io->registered) return 0;
    if (fcntl(io->fd, F_GETFD) < 0 && want) return ASY_EBADF;
    if (io->registered == 0) {
        if (b->io_count == b->io_table_cap) {
            unsigned ncap = b->io_table_cap ? b->io_table_cap * 2 : 64;
            struct pollfd *np = (struct pollfd *)asy__realloc(a->pfds, sizeof(*np) * ncap);
            asy__io **ni;
            if (!np) return ASY_ENOMEM;
            a->pfds = np;
            ni = (asy__io **)asy__realloc(a->ios, sizeof(*ni) * ncap);
            if (!ni) return ASY_ENOMEM;
            a->ios = ni;
            b->io_table_cap = ncap;
        }
        io->slot = b->io_count++;
        a->ios[io->slot] = io;
        a->pfds[io->slot].fd = io->fd;
    }
    if (want == 0) {
        unsigned last = --b->io_count;
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
    asy__backend_state *b = &loop->backend_;
    asy__poll_arrays *a = (asy__poll_arrays *)b->io_table;
    uint64_t t0 = 0;
    unsigned i, n;
    int r, dispatched = 0;
    if (b->io_count == 0 && timeout < 0) return 0;
    if (timeout != 0) t0 = asy_hrtime();
    n = b->io_count;
    r = poll(a->pfds, n, timeout);
    if (timeout != 0) asy__backend_wait_ended(loop, t0);
    if (r <= 0) return 0;
    /* Walk by io pointer snapshot semantics: an io removed by a callback
     * swaps the tail into its place, so re-check each slot's revents. */
    for (i = 0; i < b->io_count && i < n; i++) {
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
        if (i < b->io_count && a->ios[i] != io) i--;
    }
    loop->events_ += (uint64_t)dispatched;
    return dispatched;
}
