/* Completion-based I/O operations (private; declared here because sockets
 * and requests embed them).  An asy__op is one operation on one fd: read,
 * write (vectored), accept, connect, recvmsg, sendmsg, shutdown or poll.
 * It is submitted with its arguments and completes once with a result
 * (bytes, a new fd, revents, or a negative ASY_E* code) through its
 * callback, always from the loop and never from inside the submit call.
 * See backend/ops.c for how epoll and poll(2) emulate this. */
#pragma once
#include "io.h"
#include "phases.h"
#include "../base/queue.h"

/* A byte range: the same layout as struct iovec on POSIX, so a list of
 * them goes to writev() as is. */
typedef struct asy_iov_s {
    char *base;
    size_t len;
} asy_iov_t;

typedef struct asy__op asy__op;
typedef struct asy__opfd asy__opfd;
typedef void (*asy__op_cb)(asy__op *op);
/* Called right before a read whose op has no buffer yet, so an idle
 * socket holds none (libuv's alloc_cb): sets op->u.rw.base / len. */
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
    ASY__OPF_LOOPBUF = 1 /* read into the loop's shared buffer (valid during cb) */
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

/* One fd's state: a read queue and a write queue over one registration.
 * Readiness runs the head of a queue; an empty queue drops its interest
 * lazily (when readiness finds it empty), so a socket that re-arms its
 * read from the completion callback costs no epoll_ctl. */
struct asy__opfd {
    asy__io io;
    asy__queue readq_, writeq_;
    unsigned flags_;
    unsigned ndone_; /* ops of this fd waiting in the loop's done queue */
};

/* The loop's part: completions waiting for the pending phase, the shared
 * read buffer of ASY__OPF_LOOPBUF reads, and the corked fds. */
typedef struct {
    asy__queue done_;
    asy_pending_t pending_;
    int pending_armed_;
    char *rbuf_;
    /* fds whose writes wait to go out together (see backend/ops.c) */
    asy__opfd **corked_;
    unsigned ncorked_, corked_cap_;
} asy__ops_state;
