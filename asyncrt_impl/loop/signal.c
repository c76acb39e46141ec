/* Process-wide signal plumbing.  Each loop that watches signals owns a
 * pipe and a slot in asy__sig_loops; the handler writes the signal number
 * to the pipe of every loop whose mask has that signal.  The handler reads
 * only atomics (async-signal-safe); everything else changes under
 * asy__sig_mutex.  A loop leaving clears its slot, then waits until no
 * handler is in flight before closing its pipe, so a handler never writes
 * to a recycled fd. */
#include "loop.internal.h"
#include "../base/queue.h"
#include "../base/thread.internal.h"
#define ASY__SIG_MAX_LOOPS 128
#define ASY__SIG_NSIG 128

typedef struct {
    int wfd_plus1; /* 0: slot free */
    uint64_t mask[ASY__SIG_NSIG / 64];
} asy__sig_loop_slot;

static asy__sig_loop_slot asy__sig_loops[ASY__SIG_MAX_LOOPS];
static asy__mutex_t asy__sig_mutex = ASY__MUTEX_INITIALIZER;
static unsigned asy__sig_refs[ASY__SIG_NSIG];
static struct sigaction asy__sig_old[ASY__SIG_NSIG];
static int asy__sig_inflight;

static void asy__sig_handler(int signo) {
    int saved_errno = errno, i;
    unsigned char b = (unsigned char)signo;
    asy__atomic_add(&asy__sig_inflight, 1, ASY__SEQ_CST);
    for (i = 0; i < ASY__SIG_MAX_LOOPS; i++) {
        int wfd = asy__atomic_load(&asy__sig_loops[i].wfd_plus1, ASY__SEQ_CST) - 1;
        uint64_t m;
        if (wfd < 0) continue;
        m = asy__atomic_load(&asy__sig_loops[i].mask[signo / 64], ASY__SEQ_CST);
        if (m & ((uint64_t)1 << (signo % 64))) {
            ssize_t r;
            do r = write(wfd, &b, 1);
            while (r < 0 && errno == EINTR);
        }
    }
    asy__atomic_sub(&asy__sig_inflight, 1, ASY__SEQ_CST);
    errno = saved_errno;
}

/* Under the mutex: the loop's mask from its active handles. */
static void asy__sig_update_mask(asy_loop_t *loop) {
    uint64_t mask[ASY__SIG_NSIG / 64];
    asy__queue *q;
    unsigned i;
    if (loop->signal_slot_ < 0) return;
    memset(mask, 0, sizeof(mask));
    ASY__QUEUE_FOREACH(q, &loop->signal_handles_) {
        asy_signal_t *h = ASY_CONTAINER_OF(q, asy_signal_t, signal_link_);
        if (!h->cb_) continue; /* a delivery's cursor or end marker */
        mask[h->signum_ / 64] |= (uint64_t)1 << (h->signum_ % 64);
    }
    for (i = 0; i < ASY__SIG_NSIG / 64; i++)
        asy__atomic_store(&asy__sig_loops[loop->signal_slot_].mask[i], mask[i], ASY__SEQ_CST);
}

/* Delivers one signal.  The list stays whole while callbacks run (the
 * loop's signal mask is computed from it whenever a handle stops or
 * starts): a cursor node steps past each handle before its callback, so a
 * callback may stop or close any handle, and an end marker keeps handles
 * started meanwhile for the next signal.  Cursor and marker have no callback. */
static void asy__signal_deliver(asy_loop_t *loop, int signum) {
    asy_signal_t cur, end;
    memset(&cur, 0, sizeof(cur));
    memset(&end, 0, sizeof(end));
    asy__queue_insert_head(&loop->signal_handles_, &cur.signal_link_);
    asy__queue_insert_tail(&loop->signal_handles_, &end.signal_link_);
    while (cur.signal_link_.next != &end.signal_link_) {
        asy__queue *q = cur.signal_link_.next;
        asy_signal_t *h = ASY_CONTAINER_OF(q, asy_signal_t, signal_link_);
        asy__queue_remove(&cur.signal_link_);
        asy__queue_insert_head(q, &cur.signal_link_); /* right after h */
        if (h->signum_ != signum) continue;
        if (h->oneshot_) asy_signal_stop(h);
        asy__cb_site(loop, NULL, (asy_handle_t *)h, (void (*)(void))h->cb_);
        h->cb_(h, signum);
        asy__after_cb(loop);
    }
    asy__queue_remove(&cur.signal_link_);
    asy__queue_remove(&end.signal_link_);
}

static void asy__signal_read(asy_loop_t *loop, asy__io *io, unsigned revents) {
    unsigned char buf[128];
    ssize_t n, i;
    (void)revents;
    for (;;) {
        n = read(io->fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        for (i = 0; i < n; i++) asy__signal_deliver(loop, (int)buf[i]);
        if (n < (ssize_t)sizeof(buf)) break;
    }
}

/* Under the mutex: gives the loop a pipe and a slot on first use. */
static int asy__sig_loop_attach(asy_loop_t *loop) {
    int fds[2], r, i;
    if (loop->signal_slot_ >= 0) return 0;
    for (i = 0; i < ASY__SIG_MAX_LOOPS; i++)
        if (asy__atomic_load(&asy__sig_loops[i].wfd_plus1, ASY__SEQ_CST) == 0) break;
    if (i == ASY__SIG_MAX_LOOPS) return ASY_ENOSPC;
    if (pipe(fds) != 0) return asy__errno();
    if ((r = asy__set_nonblock_cloexec(fds[0])) || (r = asy__set_nonblock_cloexec(fds[1]))) {
        close(fds[0]);
        close(fds[1]);
        return r;
    }
    asy__io_init(&loop->signal_io_, fds[0], asy__signal_read);
    if ((r = asy__io_start(loop, &loop->signal_io_, ASY_READABLE))) {
        close(fds[0]);
        close(fds[1]);
        return r;
    }
    memset(asy__sig_loops[i].mask, 0, sizeof(asy__sig_loops[i].mask));
    asy__atomic_store(&asy__sig_loops[i].wfd_plus1, fds[1] + 1, ASY__SEQ_CST);
    loop->signal_slot_ = i;
    loop->signal_wfd_ = fds[1];
    return 0;
}

ASY__INTERNAL void asy__signal_loop_close(asy_loop_t *loop) {
    if (loop->signal_slot_ < 0) return;
    asy__mutex_lock(&asy__sig_mutex);
    asy__atomic_store(&asy__sig_loops[loop->signal_slot_].wfd_plus1, 0, ASY__SEQ_CST);
    asy__mutex_unlock(&asy__sig_mutex);
    while (asy__atomic_load(&asy__sig_inflight, ASY__SEQ_CST)) asy__thread_yield();
    asy__io_close(loop, &loop->signal_io_);
    close(loop->signal_io_.fd);
    close(loop->signal_wfd_);
    loop->signal_slot_ = -1;
    loop->signal_wfd_ = -1;
}

static void asy__signal_close(asy_handle_t *h) { asy_signal_stop((asy_signal_t *)h); }
static const asy__handle_class asy__signal_class = {ASY_HANDLE_SIGNAL, "signal", asy__signal_close,
                                                    NULL};

ASYNCRT_API int asy_signal_init_at(asy_loop_t *loop, asy_signal_t *h, const char *file, int line) {
    if (!asy__loop_live(loop) || !h) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)h, &asy__signal_class, file, line);
    h->cb_ = NULL;
    h->signum_ = 0;
    h->oneshot_ = 0;
    asy__queue_init(&h->signal_link_);
    return 0;
}

static int asy__signal_start(asy_signal_t *h, asy_signal_cb cb, int signum, int oneshot) {
    int r = 0;
    if (!h || !cb || signum <= 0 || signum >= ASY__SIG_NSIG || signum >= NSIG ||
        signum == SIGKILL || signum == SIGSTOP || (h->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)))
        return ASY_EINVAL;
    if (asy__handle_active((asy_handle_t *)h)) {
        if (h->signum_ == signum) {
            h->cb_ = cb;
            h->oneshot_ = oneshot;
            return 0;
        }
        asy_signal_stop(h);
    }
    asy__mutex_lock(&asy__sig_mutex);
    r = asy__sig_loop_attach(h->loop);
    if (r == 0 && asy__sig_refs[signum] == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = asy__sig_handler;
        sigfillset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        if (sigaction(signum, &sa, &asy__sig_old[signum]) != 0) r = asy__errno();
    }
    if (r == 0) {
        asy__sig_refs[signum]++;
        h->cb_ = cb;
        h->signum_ = signum;
        h->oneshot_ = oneshot;
        asy__queue_insert_tail(&h->loop->signal_handles_, &h->signal_link_);
        asy__sig_update_mask(h->loop);
        asy__handle_start((asy_handle_t *)h);
    }
    asy__mutex_unlock(&asy__sig_mutex);
    return r;
}

ASYNCRT_API int asy_signal_start(asy_signal_t *h, asy_signal_cb cb, int signum) {
    return asy__signal_start(h, cb, signum, 0);
}

ASYNCRT_API int asy_signal_start_oneshot(asy_signal_t *h, asy_signal_cb cb, int signum) {
    return asy__signal_start(h, cb, signum, 1);
}

ASYNCRT_API int asy_signal_stop(asy_signal_t *h) {
    if (!h) return ASY_EINVAL;
    if (!asy__handle_active((asy_handle_t *)h)) return 0;
    asy__mutex_lock(&asy__sig_mutex);
    asy__queue_remove(&h->signal_link_);
    asy__sig_update_mask(h->loop);
    if (--asy__sig_refs[h->signum_] == 0) sigaction(h->signum_, &asy__sig_old[h->signum_], NULL);
    asy__mutex_unlock(&asy__sig_mutex);
    asy__handle_stop((asy_handle_t *)h);
    return 0;
}
