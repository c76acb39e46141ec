/* The backend table (private; a declarations-part file only because the
 * loop struct points at it).  One backend runs each loop, picked at
 * asy_loop_init by opts.backend, else ASYNCRT_BACKEND, else the platform's
 * best (backend/backend.c).  Each backend file fills one constant table and
 * keeps its state private behind loop->backend_data_; the loop struct holds
 * nothing of any one backend.  The op contract the table serves is in
 * loop/op.h and docs/design.md ("Backends"). */
#pragma once
#include <stddef.h>
#include "../loop/io.h"
#include "../loop/op.h"
#include "../loop/loop.h"
typedef struct asy__backend_s {
    const char *name; /* "epoll", "poll", ... (asy_loop_backend) */
    /* Sets loop->backend_data_ and the backend's wake-up; 0, or a negative
     * code with nothing left to undo. */
    int (*init)(asy_loop_t *loop);
    void (*close)(asy_loop_t *loop);
    /* Waits up to timeout_ms (-1: no limit; 0: do not block) for
     * completions or readiness and delivers them, each callback followed by
     * asy__after_cb; returns how many it delivered.  A wait that may block
     * is timed with asy__backend_wait_ended (idle time, the loop's clock). */
    int (*poll)(asy_loop_t *loop, int timeout_ms);
    /* Starts op on f (asy__op_submit); 0, or a negative code with nothing
     * queued and no callback to come. */
    int (*submit)(asy_loop_t *loop, asy__opfd *f, asy__op *op);
    /* Makes a queued op complete with ASY_ECANCELED, from the loop;
     * ASY_EALREADY when its result is decided already. */
    int (*cancel)(asy_loop_t *loop, asy__op *op);
    /* f's fd is about to be closed: every op still queued on it has been
     * cancelled; forget the fd (ASY__FD_SHARED: it stays open elsewhere). */
    void (*fd_close)(asy_loop_t *loop, asy__opfd *f);
    /* Any thread: makes a blocking poll return soon (async handles). */
    int (*wake)(asy_loop_t *loop);
    /* Optional (NULL where there is none): sends what the backend held back
     * while completions were being delivered -- the emulation's corked
     * writes.  The pending phase calls it after each round of completions;
     * non-zero while something is still held. */
    int (*release)(asy_loop_t *loop);
    /* Optional: one write attempt outside the queue (try_write / try_send);
     * bytes written, or ASY_EAGAIN.  NULL: always ASY_EAGAIN. */
    ptrdiff_t (*try_write)(asy__opfd *f, const asy_iov_t *iov, unsigned n, const void *addr,
                           unsigned addrlen);
    /* Optional, readiness only: make the kernel's interest in io->fd be
     * `want` (ASY_READABLE...; 0 removes it).  how is ASY__IO_GONE when the
     * fd is closed right after and no other reference to it exists (the
     * kernel drops the registration itself).  0 or a negative code.  NULL:
     * the backend has no readiness registrations (asy__io_start fails with
     * ASY_ENOSYS). */
    int (*io_update)(asy_loop_t *loop, asy__io *io, unsigned want, unsigned how);
} asy__backend_t;
