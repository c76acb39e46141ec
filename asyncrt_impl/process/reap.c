/* Reaping.  Each loop that has children watches SIGCHLD with an internal
 * signal handle (the signal layer delivers every SIGCHLD to every loop
 * that watches it) and, on a SIGCHLD, asks only its own children with
 * waitpid(pid, WNOHANG): never waitpid(-1), which would steal the children
 * of other loops or of other code in the process.  The scan runs once per
 * loop iteration however many SIGCHLDs came in.
 *
 * A process handle closed before its child exited leaves the pid on a
 * process-wide orphan list, swept by every loop's scan, so closing never
 * leaves a zombie behind as long as some loop still watches children. */
#include "process.internal.h"
#include "../base/queue.h"
#include "../loop/loop.internal.h"
#include "../base/thread.internal.h"
static asy__mutex_t asy__orphan_mutex = ASY__MUTEX_INITIALIZER;
static int *asy__orphans;
static int asy__norphans, asy__orphan_cap;

ASY__INTERNAL void asy__proc_orphan(int pid) {
    int status;
    if (waitpid(pid, &status, WNOHANG) != 0) return; /* gone already (or not ours) */
    asy__mutex_lock(&asy__orphan_mutex);
    if (asy__norphans == asy__orphan_cap) {
        int ncap = asy__orphan_cap ? asy__orphan_cap * 2 : 16;
        int *n = (int *)asy__realloc(asy__orphans, sizeof(int) * (size_t)ncap);
        if (n) {
            asy__orphans = n;
            asy__orphan_cap = ncap;
        }
    }
    if (asy__norphans < asy__orphan_cap) asy__orphans[asy__norphans++] = pid;
    asy__mutex_unlock(&asy__orphan_mutex);
}

static void asy__orphans_sweep(void) {
    int i, status;
    asy__mutex_lock(&asy__orphan_mutex);
    for (i = 0; i < asy__norphans;) {
        pid_t r = waitpid(asy__orphans[i], &status, WNOHANG);
        if (r == 0 || (r < 0 && errno == EINTR)) {
            i++;
            continue;
        }
        asy__orphans[i] = asy__orphans[--asy__norphans];
    }
    if (asy__norphans == 0) {
        asy__free(asy__orphans);
        asy__orphans = NULL;
        asy__orphan_cap = 0;
    }
    asy__mutex_unlock(&asy__orphan_mutex);
}

static void asy__proc_scan(void *arg) {
    struct asy__proc_loop *pl = (struct asy__proc_loop *)arg;
    asy__queue q;
    pl->scan_queued = 0;
    /* moved aside: exit callbacks may spawn or close anything */
    asy__queue_init(&q);
    asy__queue_move(&pl->live, &q);
    while (!asy__queue_empty(&q)) {
        asy_process_t *p = ASY_CONTAINER_OF(asy__queue_head(&q), asy_process_t, live_link_);
        int status = 0;
        pid_t r;
        asy__queue_remove(&p->live_link_);
        asy__queue_insert_tail(&pl->live, &p->live_link_);
        do r = waitpid(p->pid, &status, WNOHANG);
        while (r < 0 && errno == EINTR);
        if (r == 0) continue;
        asy__queue_remove(&p->live_link_);
        /* ECHILD: someone else reaped it (waitpid(-1) elsewhere); it is
         * gone all the same, and its status is lost. */
        asy__proc_reaped(p, r < 0 ? -1 : status);
    }
    asy__orphans_sweep();
}

static void asy__proc_sigchld(asy_signal_t *h, int signum) {
    struct asy__proc_loop *pl = (struct asy__proc_loop *)h->data;
    (void)signum;
    if (pl->scan_queued) return;
    pl->scan_queued = 1;
    asy_defer(h->loop, &pl->scan_req, asy__proc_scan, pl);
}

static void asy__proc_loop_close(asy_loop_t *loop, void *state) {
    struct asy__proc_loop *pl = (struct asy__proc_loop *)state;
    asy_signal_stop(&pl->sigchld);
    asy__orphans_sweep();
    asy__free(pl->rbuf);
    asy__free(pl);
    loop->layers_[ASY__LAYER_PROCESS].state = NULL;
    loop->layers_[ASY__LAYER_PROCESS].close = NULL;
}

/* The loop's process state, created with the SIGCHLD watch on first use:
 * the watch must exist before the first fork, or an early exit is missed. */
ASY__INTERNAL struct asy__proc_loop *asy__proc_loop_get(asy_loop_t *loop, int *err) {
    struct asy__proc_loop *pl = (struct asy__proc_loop *)loop->layers_[ASY__LAYER_PROCESS].state;
    int r;
    if (pl) return pl;
    pl = ASY__NEW(struct asy__proc_loop);
    if (!pl) {
        *err = ASY_ENOMEM;
        return NULL;
    }
    memset(pl, 0, sizeof(*pl));
    pl->rbuf = (char *)asy__malloc(ASY__PROC_RBUF);
    if (!pl->rbuf) {
        asy__free(pl);
        *err = ASY_ENOMEM;
        return NULL;
    }
    asy__queue_init(&pl->live);
    pl->sigchld.loop = loop;
    pl->sigchld.type = ASY_HANDLE_SIGNAL;
    pl->sigchld.flags_ = ASY__H_INTERNAL; /* unref'd: children keep the loop alive, not this */
    pl->sigchld.data = pl;
    asy__queue_init(&pl->sigchld.handle_link_);
    asy__queue_init(&pl->sigchld.closing_link_);
    asy__queue_init(&pl->sigchld.signal_link_);
    r = asy_signal_start(&pl->sigchld, asy__proc_sigchld, SIGCHLD);
    if (r) {
        asy__free(pl->rbuf);
        asy__free(pl);
        *err = r;
        return NULL;
    }
    loop->layers_[ASY__LAYER_PROCESS].state = pl;
    loop->layers_[ASY__LAYER_PROCESS].close = asy__proc_loop_close;
    return pl;
}

ASYNCRT_API int asy_kill(int pid, int signum) {
    if (pid == 0 || signum < 0) return ASY_EINVAL;
    if (kill((pid_t)pid, signum) != 0) return asy__errno();
    return 0;
}
