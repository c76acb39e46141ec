/* Completion-based I/O operations: the interface between the layers above
 * and the backend (private; declared here because sockets and requests
 * embed them).  An asy__op is one operation on one fd: read, write
 * (vectored), accept, connect, recvmsg, sendmsg, shutdown or poll.  It is
 * submitted with its arguments and completes once with a result (bytes, a
 * new fd, revents, or a negative ASY_E* code) through its callback, always
 * from the loop and never from inside the submit call.  docs/design.md
 * ("Backends") has the whole contract; backend/ops.c the common part and
 * backend/readiness.c how epoll and poll(2) emulate it. */
#pragma once
#include "io.h"
#include "phases.h"
#include "../base/queue.h"
#include "../buf/bufchain.h" /* asy_iov_t */

typedef struct asy__op asy__op;
typedef struct asy__opfd asy__opfd;
typedef void (*asy__op_cb)(asy__op *op);
/* Called right before a read whose op has no buffer yet, so an idle
 * socket holds none (libuv's alloc_cb): sets op->u.rw.base / len.  A
 * backend that picks its own buffer (ASY__OPF_BACKEND_BUF) never calls it. */
typedef void (*asy__op_alloc_cb)(asy__op *op, size_t suggested);

enum {
    ASY__OP_READ = 1,
    ASY__OP_WRITE,
    ASY__OP_ACCEPT,
    ASY__OP_CONNECT,
    ASY__OP_RECVMSG,
    ASY__OP_SENDMSG,
    ASY__OP_SHUTDOWN,
    ASY__OP_POLL
};

/* op->flags */
enum {
    /* A read or recvmsg without a buffer of its own: the backend picks one
     * when the op completes and sets u.rw.base / result to the bytes it
     * holds, valid during the callback only (the caller copies what it
     * keeps).  epoll / poll(2): the loop's 64 KiB read buffer; io_uring:
     * a provided-buffer ring; IOCP: a zero-byte read, then a read into the
     * loop's buffer once data is there.  So the same net code runs on all
     * of them. */
    ASY__OPF_BACKEND_BUF = 1
};

struct asy__op {
    asy__queue link_;  /* in its fd's read or write queue, or the done queue */
    asy__op_cb cb;
    asy__opfd *fd_;    /* where it was submitted */
    ptrdiff_t result;  /* bytes / new fd / revents, or -errno */
    unsigned char kind;
    unsigned char state_;
    unsigned short flags;
    /* poll: wanted events; recvmsg: msg_flags out; connect / sendmsg:
     * address length */
    unsigned aux;
#if ASY__OP_BACKEND_U64 > 0
    /* the backend's own per-op state (base/config.h): an OVERLAPPED plus
     * AcceptEx's socket and address slots on IOCP; none on POSIX, where
     * neither the readiness emulation nor io_uring needs any */
    asy__op_backend_area backend_;
#endif
    union {
        /* read, recvmsg, accept: addr (may be NULL) receives the peer */
        struct {
            char *base;
            size_t len;
            asy__op_alloc_cb alloc;
            void *addr;
        } rw;
        /* write, sendmsg, connect: iov is advanced in place as bytes go */
        struct {
            asy_iov_t *iov;
            unsigned n;
            const void *addr;
        } wv;
    } u;
};

/* One fd's state.  readq_ / writeq_ hold the ops submitted and not yet
 * completed, in submission order (the readiness emulation runs their
 * heads; a completion backend keeps them to cancel at close).  io is the
 * readiness emulation's registration and carries the OS handle (io.fd)
 * for every backend; an empty queue drops its interest lazily (when
 * readiness finds it empty), so a socket that re-arms its read from the
 * completion callback costs no epoll_ctl. */
struct asy__opfd {
    asy__io io;
    asy__queue readq_, writeq_;
    unsigned flags_;
    unsigned ndone_; /* ops of this fd waiting in the loop's done queue */
};

/* The loop's part of the op contract (backend/ops.c): completions waiting
 * for the pending phase, delivered by one pending-phase entry. */
typedef struct {
    asy__queue done_;
    asy_pending_t pending_;
    int pending_armed_;
} asy__ops_state;
