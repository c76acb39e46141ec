#include "backend.h"
#include "ops.internal.h"
#include "../base/queue.h"
#include "../loop/loop.internal.h"
/* The op contract, the same for every backend (see loop/op.h and
 * docs/design.md, "Backends").  An op is submitted to the loop's backend,
 * which completes it either at once from its poll (readiness emulation:
 * readiness ran the syscall; io_uring: a CQE; IOCP: a completion packet)
 * or by parking it here in the loop's done queue (asy__op_done), delivered
 * by one pending-phase entry.  Cancellation and close go through the
 * backend; flush delivers a closing fd's parked completions early. */

ASY__INTERNAL void asy__ops_loop_init(asy_loop_t *loop) {
    asy__queue_init(&loop->ops_.done_);
    loop->ops_.pending_armed_ = 0;
}

ASY__INTERNAL void asy__opfd_init(asy__opfd *f, asy_os_fd_t fd, unsigned flags) {
    asy__io_init(&f->io, fd, NULL); /* the emulation sets its callback when it registers */
    asy__queue_init(&f->readq_);
    asy__queue_init(&f->writeq_);
    f->flags_ = flags;
    f->ndone_ = 0;
}

/* The pending phase's share: deliver parked completions.  Ops a callback
 * finishes meanwhile (a write cb that writes again, completed at submit)
 * are delivered in the same phase, in further rounds, so a lone writer
 * fills the socket buffer in one iteration instead of one chunk per
 * iteration.  The rounds stop once the phase has delivered a budget of
 * bytes: data written past it would go cold in the cache before the reader
 * copies it out (with 100 writers one round is 6 MiB and a second round
 * halves pump100's throughput; one writer keeps its 16 rounds of 64 KiB).
 * After each round the backend releases what it held back (the
 * emulation's corked writes).  What is left waits for the next iteration. */
#define ASY__DONE_ROUNDS 16
#define ASY__DONE_BYTES (1u << 20)
static void asy__ops_run_done(void *arg) {
    asy_loop_t *loop = (asy_loop_t *)arg;
    int (*release)(asy_loop_t *) = loop->backend_->release;
    asy__queue q;
    int rounds = ASY__DONE_ROUNDS, held = 0;
    size_t bytes = 0;
    /* pending_armed_ stays set: new completions join done_ without a
     * second registration */
    while ((!asy__queue_empty(&loop->ops_.done_) || held) && rounds-- > 0 &&
           bytes < ASY__DONE_BYTES) {
        asy__queue_init(&q);
        asy__queue_move(&loop->ops_.done_, &q);
        while (!asy__queue_empty(&q)) {
            asy__op *op = ASY_CONTAINER_OF(asy__queue_head(&q), asy__op, link_);
            asy__queue_remove(&op->link_);
            op->state_ = ASY__OPS_IDLE;
            op->fd_->ndone_--;
            if ((op->kind == ASY__OP_WRITE || op->kind == ASY__OP_SENDMSG) && op->result > 0)
                bytes += (size_t)op->result;
            op->cb(op);
            asy__after_cb(loop);
        }
        held = release ? release(loop) : 0;
    }
    loop->ops_.pending_armed_ = 0;
    if (!asy__queue_empty(&loop->ops_.done_) || held) asy__ops_arm(loop);
}

ASY__INTERNAL void asy__ops_arm(asy_loop_t *loop) {
    if (loop->ops_.pending_armed_) return;
    loop->ops_.pending_armed_ = 1;
    asy_defer(loop, &loop->ops_.pending_, asy__ops_run_done, loop);
}

ASY__INTERNAL void asy__op_done(asy_loop_t *loop, asy__op *op) {
    op->state_ = ASY__OPS_DONE;
    op->fd_->ndone_++;
    asy__queue_insert_tail(&loop->ops_.done_, &op->link_);
    asy__ops_arm(loop);
}

ASY__INTERNAL int asy__op_submit(asy_loop_t *loop, asy__opfd *f, asy__op *op) {
    if (op->state_ != ASY__OPS_IDLE) return ASY_EBUSY;
    if (f->flags_ & ASY__FD_CLOSED) return ASY_EBADF;
    op->fd_ = f;
    op->result = 0;
    return loop->backend_->submit(loop, f, op);
}

ASY__INTERNAL int asy__op_cancel(asy_loop_t *loop, asy__op *op) {
    if (op->state_ != ASY__OPS_QUEUED) return ASY_EALREADY;
    return loop->backend_->cancel(loop, op);
}

static void asy__cancel_all(asy_loop_t *loop, asy__queue *q) {
    while (!asy__queue_empty(q)) {
        asy__op *op = ASY_CONTAINER_OF(asy__queue_head(q), asy__op, link_);
        if (asy__op_cancel(loop, op) != 0) break; /* a backend that kept it: cannot happen */
    }
}

ASY__INTERNAL void asy__opfd_close(asy_loop_t *loop, asy__opfd *f) {
    if (f->flags_ & ASY__FD_CLOSED) return;
    f->flags_ |= ASY__FD_CLOSED;
    asy__cancel_all(loop, &f->readq_);
    asy__cancel_all(loop, &f->writeq_);
    loop->backend_->fd_close(loop, f);
}

ASY__INTERNAL void asy__opfd_flush(asy_loop_t *loop, asy__opfd *f) {
    while (f->ndone_ > 0) {
        asy__queue *q;
        asy__op *found = NULL;
        ASY__QUEUE_FOREACH(q, &loop->ops_.done_) {
            asy__op *op = ASY_CONTAINER_OF(q, asy__op, link_);
            if (op->fd_ == f) {
                found = op;
                break;
            }
        }
        if (!found) break; /* cannot happen: ndone_ counts ops in done_ */
        asy__queue_remove(&found->link_);
        found->state_ = ASY__OPS_IDLE;
        f->ndone_--;
        found->cb(found);
        asy__after_cb(loop);
    }
}

ASY__INTERNAL ptrdiff_t asy__opfd_try_write(asy_loop_t *loop, asy__opfd *f, const asy_iov_t *iov,
                                            unsigned n, const void *addr, unsigned addrlen) {
    if (f->flags_ & ASY__FD_CLOSED) return ASY_EBADF;
    if (!asy__queue_empty(&f->writeq_)) return ASY_EAGAIN; /* keep the order */
    if (!loop->backend_->try_write) return ASY_EAGAIN;
    return loop->backend_->try_write(f, iov, n, addr, addrlen);
}
