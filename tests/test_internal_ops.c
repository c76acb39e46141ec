/* The completion-based op layer (backend/ops.c) on both readiness
 * backends: completions never run inside submit, writes are tried at
 * submit, cancel, poll ops, lazy interest removal, flush order. */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "test.h"
#include "net_util.h"

static asy_loop_t L;
static char log_buf[256];

static unsigned w_registered(const asy__opfd *f) { return f->io.registered; }

static void logs(const char *s) { strcat(log_buf, s); }

static void op_logger(asy__op *op) {
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%d:%ld ", (int)op->kind, (long)op->result);
    logs(tmp);
}

static void write_tried_at_submit(const char *backend) {
    int sp[2];
    asy__opfd f;
    asy__op w;
    asy_iov_t iov[2];
    char buf[16];
    net_loop_init(&L, backend);
    ASSERT_OK(asy_socketpair(sp));
    asy__opfd_init(&f, sp[0], ASY__FD_SOCKET);
    memset(&w, 0, sizeof(w));
    w.kind = ASY__OP_WRITE;
    w.cb = op_logger;
    iov[0].base = (char *)"abc";
    iov[0].len = 3;
    iov[1].base = (char *)"de";
    iov[1].len = 2;
    w.u.wv.iov = iov;
    w.u.wv.n = 2;
    log_buf[0] = 0;
    ASSERT_OK(asy__op_submit(&L, &f, &w));
    /* the bytes went out at once, the completion waits for the loop */
    ASSERT_EQ(read(sp[1], buf, sizeof(buf)), 5);
    ASSERT_MEM_EQ(buf, "abcde", 5);
    ASSERT_STR_EQ(log_buf, "");
    ASSERT_EQ(w.state_, ASY__OPS_DONE);
    ASSERT(asy__opfd_busy(&f));
    ASSERT_EQ(f.io.events, 0); /* nothing was registered */
    asy_run(&L, ASY_RUN_NOWAIT);
    ASSERT_STR_EQ(log_buf, "2:5 ");
    ASSERT(!asy__opfd_busy(&f));
    asy__opfd_close(&L, &f);
    close(sp[0]);
    close(sp[1]);
    ASSERT_OK(asy_loop_close(&L));
}
BOTH_BACKENDS(write_tried_at_submit)

/* Re-arms itself once from its completion callback. */
static asy__opfd *rearm_fd;
static int rearms;
static void rearming_logger(asy__op *op) {
    op_logger(op);
    if (rearms-- > 0) ASSERT_OK(asy__op_submit(&L, rearm_fd, op));
}

static void read_waits_for_readiness_and_interest_drops_lazily(const char *backend) {
    int sp[2];
    asy__opfd f;
    asy__op r;
    char buf[16];
    net_loop_init(&L, backend);
    ASSERT_OK(asy_socketpair(sp));
    asy__opfd_init(&f, sp[0], ASY__FD_SOCKET);
    ASSERT_EQ(write(sp[1], "xyz", 3), 3);
    memset(&r, 0, sizeof(r));
    r.kind = ASY__OP_READ;
    r.cb = rearming_logger;
    r.u.rw.base = buf;
    r.u.rw.len = sizeof(buf);
    rearm_fd = &f;
    rearms = 1;
    log_buf[0] = 0;
    ASSERT_OK(asy__op_submit(&L, &f, &r));
    ASSERT_STR_EQ(log_buf, ""); /* data is there, but never from submit */
    ASSERT_EQ(f.io.events, ASY_READABLE);
    asy__backend_poll(&L, 0); /* raw ops keep no loop alive: poll directly */
    ASSERT_STR_EQ(log_buf, "1:3 ");
    ASSERT_MEM_EQ(buf, "xyz", 3);
    /* re-armed from the callback: the interest stayed, no re-registration */
    ASSERT_EQ(f.io.events, ASY_READABLE);
    ASSERT_EQ(w_registered(&f), ASY_READABLE);
    ASSERT_EQ(write(sp[1], "q", 1), 1);
    asy__backend_poll(&L, 0);
    ASSERT_STR_EQ(log_buf, "1:3 1:1 ");
    /* not re-armed this time: the interest is dropped */
    ASSERT_EQ(f.io.events, 0);
    asy__opfd_close(&L, &f);
    close(sp[0]);
    close(sp[1]);
    ASSERT_OK(asy_loop_close(&L));
}
BOTH_BACKENDS(read_waits_for_readiness_and_interest_drops_lazily)

static void cancel_and_flush(const char *backend) {
    int sp[2];
    asy__opfd f;
    asy__op r, p;
    char buf[16];
    net_loop_init(&L, backend);
    ASSERT_OK(asy_socketpair(sp));
    asy__opfd_init(&f, sp[0], ASY__FD_SOCKET);
    memset(&r, 0, sizeof(r));
    r.kind = ASY__OP_READ;
    r.cb = op_logger;
    r.u.rw.base = buf;
    r.u.rw.len = sizeof(buf);
    memset(&p, 0, sizeof(p));
    p.kind = ASY__OP_POLL;
    p.aux = ASY_WRITABLE;
    p.cb = op_logger;
    log_buf[0] = 0;
    ASSERT_OK(asy__op_submit(&L, &f, &r));
    ASSERT_ERR(asy__op_submit(&L, &f, &r), ASY_EBUSY);
    ASSERT_OK(asy__op_cancel(&L, &r));
    ASSERT_ERR(asy__op_cancel(&L, &r), ASY_EALREADY);
    ASSERT_STR_EQ(log_buf, "");
    ASSERT_OK(asy__op_submit(&L, &f, &p));
    /* flush delivers f's finished ops now, in order */
    asy__opfd_flush(&L, &f);
    ASSERT_STR_EQ(log_buf, "1:-125 ");
    asy_run(&L, ASY_RUN_NOWAIT);
    ASSERT_STR_EQ(log_buf, "1:-125 8:2 ");
    p.aux = ASY_READABLE | ASY_WRITABLE;
    ASSERT_ERR(asy__op_submit(&L, &f, &p), ASY_EINVAL);
    asy__opfd_close(&L, &f);
    p.aux = ASY_READABLE;
    ASSERT_ERR(asy__op_submit(&L, &f, &p), ASY_EBADF);
    close(sp[0]);
    close(sp[1]);
    ASSERT_OK(asy_loop_close(&L));
}
BOTH_BACKENDS(cancel_and_flush)

/* A read op that lazily allocates: no buffer until data is there. */
static int lazy_allocs;
static char lazy_buf[8];
static void lazy_alloc(asy__op *op, size_t suggested) {
    (void)suggested;
    lazy_allocs++;
    op->u.rw.base = lazy_buf;
    op->u.rw.len = sizeof(lazy_buf);
}

TEST(internal_ops_lazy_buffer_and_short_read_stop) {
    int sp[2];
    asy__opfd f;
    asy__op r;
    net_loop_init(&L, "epoll");
    ASSERT_OK(asy_socketpair(sp));
    asy__opfd_init(&f, sp[0], ASY__FD_SOCKET);
    memset(&r, 0, sizeof(r));
    r.kind = ASY__OP_READ;
    r.cb = op_logger;
    r.u.rw.alloc = lazy_alloc;
    log_buf[0] = 0;
    ASSERT_OK(asy__op_submit(&L, &f, &r));
    asy__backend_poll(&L, 0);
    ASSERT_EQ(lazy_allocs, 0);
    ASSERT_EQ(write(sp[1], "0123456789", 10), 10);
    asy__backend_poll(&L, 0);
    ASSERT_EQ(lazy_allocs, 1);
    ASSERT_STR_EQ(log_buf, "1:8 ");
    asy__opfd_close(&L, &f);
    close(sp[0]);
    close(sp[1]);
    ASSERT_OK(asy_loop_close(&L));
}
