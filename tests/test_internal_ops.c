/* The readiness emulation of the op layer (backend/readiness.c over
 * backend/ops.c), on every backend that runs it (the matrix skips the
 * others): completions never run inside submit, writes are tried at
 * submit, cancel, poll ops, lazy interest removal (registration state),
 * gathering, corking, flush order. */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1 /* the suite runs on every backend (tests/test.h) */
#include "test.h"
#include "net_util.h"

static asy_loop_t L;
static char log_buf[256];

static unsigned w_registered(const asy__opfd *f) { return f->io.registered; }

/* These tests look at the emulation's registrations and state: only a
 * backend whose table has readiness (io_update) runs them. */
static void emu_loop_init(asy_loop_t *loop, const char *backend) {
    net_loop_init(loop, backend);
    if (!loop->backend_->io_update) {
        asy_loop_close(loop);
        SKIP("not a readiness backend: the emulation does not run here");
    }
}

static void backend_poll(asy_loop_t *loop, int timeout) { loop->backend_->poll(loop, timeout); }

/* Every socket embeds an op and an opfd: their size is memory per
 * connection (bench/idle_conn_memory), kept where it was before the
 * backend table. */
TEST(internal_ops_sizes) {
#if UINTPTR_MAX > 0xffffffffu
    ASSERT_EQ(sizeof(asy__op), 80);
    ASSERT_EQ(sizeof(asy__opfd), 64);
    ASSERT_EQ(sizeof(asy__io), 24);
#endif
}

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
    emu_loop_init(&L, backend);
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
ALL_BACKENDS(write_tried_at_submit)

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
    emu_loop_init(&L, backend);
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
    backend_poll(&L, 0); /* raw ops keep no loop alive: poll directly */
    ASSERT_STR_EQ(log_buf, "1:3 ");
    ASSERT_MEM_EQ(buf, "xyz", 3);
    /* re-armed from the callback: the interest stayed, no re-registration */
    ASSERT_EQ(f.io.events, ASY_READABLE);
    ASSERT_EQ(w_registered(&f), ASY_READABLE);
    ASSERT_EQ(write(sp[1], "q", 1), 1);
    backend_poll(&L, 0);
    ASSERT_STR_EQ(log_buf, "1:3 1:1 ");
    /* not re-armed this time: the interest is dropped */
    ASSERT_EQ(f.io.events, 0);
    asy__opfd_close(&L, &f);
    close(sp[0]);
    close(sp[1]);
    ASSERT_OK(asy_loop_close(&L));
}
ALL_BACKENDS(read_waits_for_readiness_and_interest_drops_lazily)

static void cancel_and_flush(const char *backend) {
    int sp[2];
    asy__opfd f;
    asy__op r, p;
    char buf[16];
    emu_loop_init(&L, backend);
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
ALL_BACKENDS(cancel_and_flush)

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
    emu_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_socketpair(sp));
    asy__opfd_init(&f, sp[0], ASY__FD_SOCKET);
    memset(&r, 0, sizeof(r));
    r.kind = ASY__OP_READ;
    r.cb = op_logger;
    r.u.rw.alloc = lazy_alloc;
    log_buf[0] = 0;
    ASSERT_OK(asy__op_submit(&L, &f, &r));
    backend_poll(&L, 0);
    ASSERT_EQ(lazy_allocs, 0);
    ASSERT_EQ(write(sp[1], "0123456789", 10), 10);
    backend_poll(&L, 0);
    ASSERT_EQ(lazy_allocs, 1);
    ASSERT_STR_EQ(log_buf, "1:8 ");
    asy__opfd_close(&L, &f);
    close(sp[0]);
    close(sp[1]);
    ASSERT_OK(asy_loop_close(&L));
}

/* Writes queued behind a full socket go out gathered, complete in order
 * with their full lengths, and the bytes arrive in order. */
static char gather_log[512];
static void gather_cb(asy__op *op) {
    char tmp[32];
    snprintf(tmp, sizeof(tmp), "%ld ", (long)op->result);
    strcat(gather_log, tmp);
}

static void queued_writes_are_gathered(const char *backend) {
    enum { NW = 12 };
    int sp[2], i, sz = 4096;
    asy__opfd f;
    asy__op w[NW];
    asy_iov_t iov[NW][2];
    char pieces[NW][2][16];
    static char fill[1 << 16];
    static char sink[1 << 20];
    size_t filled = 0, drained = 0, want;
    ssize_t n;
    emu_loop_init(&L, backend);
    ASSERT_OK(asy_socketpair(sp));
    setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
    asy__opfd_init(&f, sp[0], ASY__FD_SOCKET);
    /* fill the socket until it refuses more */
    for (;;) {
        asy_iov_t b;
        b.base = fill;
        b.len = sizeof(fill);
        n = asy__opfd_try_write(&L, &f, &b, 1, NULL, 0);
        if (n == ASY_EAGAIN) break;
        ASSERT_GT(n, 0);
        filled += (size_t)n;
    }
    gather_log[0] = 0;
    for (i = 0; i < NW; i++) {
        snprintf(pieces[i][0], 16, "<%02d", i);
        snprintf(pieces[i][1], 16, "%02d>", i);
        iov[i][0].base = pieces[i][0];
        iov[i][0].len = 3;
        iov[i][1].base = pieces[i][1];
        iov[i][1].len = 3;
        memset(&w[i], 0, sizeof(w[i]));
        w[i].kind = ASY__OP_WRITE;
        w[i].cb = gather_cb;
        w[i].u.wv.iov = iov[i];
        w[i].u.wv.n = 2;
        ASSERT_OK(asy__op_submit(&L, &f, &w[i]));
        ASSERT_EQ(w[i].state_, ASY__OPS_QUEUED);
    }
    ASSERT_STR_EQ(gather_log, "");
    /* drain the peer and let the queue flow */
    want = filled + NW * 6;
    {
        char tail[NW * 6 + 1];
        size_t tail_len = 0;
        int spins = 0;
        while (drained < want && spins++ < 100000) {
            n = recv(sp[1], sink, sizeof(sink), MSG_DONTWAIT);
            if (n > 0) {
                size_t k;
                for (k = 0; k < (size_t)n; k++, drained++)
                    if (drained >= filled) tail[tail_len++] = sink[k];
            }
            backend_poll(&L, 1);
        }
        tail[tail_len] = 0;
        ASSERT_EQ(drained, want);
        ASSERT_STR_EQ(tail, "<0000><0101><0202><0303><0404><0505><0606><0707><0808><0909><1010><1111>");
    }
    ASSERT_STR_EQ(gather_log, "6 6 6 6 6 6 6 6 6 6 6 6 ");
    ASSERT(!asy__opfd_busy(&f));
    asy__opfd_close(&L, &f);
    close(sp[0]);
    close(sp[1]);
    ASSERT_OK(asy_loop_close(&L));
}
ALL_BACKENDS_T(queued_writes_are_gathered, 20000)

/* A write made while an earlier one is done but unreported is held back
 * and goes out with its followers from the pending phase. */
static void writes_cork_behind_an_unreported_write(const char *backend) {
    int sp[2], i;
    asy__opfd f;
    asy__op w[4];
    asy_iov_t iov[4];
    char buf[64];
    static const char *parts[4] = {"aa", "bb", "cc", "dd"};
    emu_loop_init(&L, backend);
    ASSERT_OK(asy_socketpair(sp));
    asy__opfd_init(&f, sp[0], ASY__FD_SOCKET);
    log_buf[0] = 0;
    for (i = 0; i < 4; i++) {
        iov[i].base = (char *)parts[i];
        iov[i].len = 2;
        memset(&w[i], 0, sizeof(w[i]));
        w[i].kind = ASY__OP_WRITE;
        w[i].cb = op_logger;
        w[i].u.wv.iov = &iov[i];
        w[i].u.wv.n = 1;
        ASSERT_OK(asy__op_submit(&L, &f, &w[i]));
    }
    ASSERT_EQ(w[0].state_, ASY__OPS_DONE); /* sent at once */
    ASSERT_EQ(w[1].state_, ASY__OPS_QUEUED);
    ASSERT_EQ(f.io.events, 0); /* held back, not waiting for POLLOUT */
    ASSERT_EQ(recv(sp[1], buf, sizeof(buf), MSG_DONTWAIT), 2);
    asy_run(&L, ASY_RUN_NOWAIT);
    ASSERT_STR_EQ(log_buf, "2:2 2:2 2:2 2:2 ");
    ASSERT_EQ(recv(sp[1], buf, sizeof(buf), MSG_DONTWAIT), 6);
    ASSERT_MEM_EQ(buf, "bbccdd", 6);
    ASSERT(!asy__opfd_busy(&f));
    ASSERT_EQ(((asy__emu_state *)L.backend_data_)->ncorked, 0);
    asy__opfd_close(&L, &f);
    close(sp[0]);
    close(sp[1]);
    ASSERT_OK(asy_loop_close(&L));
}
ALL_BACKENDS(writes_cork_behind_an_unreported_write)

/* A corked write the socket cannot take when the pending phase releases
 * it waits for POLLOUT: the fd's first registration is made by the
 * release, not by a queue, and must still report to the emulation. */
static void corked_write_waits_for_pollout(const char *backend) {
    static char big[4096], sink[65536];
    int sp[2], rounds = 0;
    asy__opfd f;
    asy__op w0, w1;
    asy_iov_t iov0, iov1;
    ssize_t n;
    size_t got = 0, filled = 0;
    emu_loop_init(&L, backend);
    ASSERT_OK(asy_socketpair(sp));
    asy__opfd_init(&f, sp[0], ASY__FD_SOCKET);
    memset(big, 'b', sizeof(big));
    log_buf[0] = 0;
    iov0.base = (char *)"a";
    iov0.len = 1;
    memset(&w0, 0, sizeof(w0));
    w0.kind = ASY__OP_WRITE;
    w0.cb = op_logger;
    w0.u.wv.iov = &iov0;
    w0.u.wv.n = 1;
    ASSERT_OK(asy__op_submit(&L, &f, &w0));
    ASSERT_EQ(w0.state_, ASY__OPS_DONE); /* written at submit, unreported */
    iov1.base = big;
    iov1.len = sizeof(big);
    memset(&w1, 0, sizeof(w1));
    w1.kind = ASY__OP_WRITE;
    w1.cb = op_logger;
    w1.u.wv.iov = &iov1;
    w1.u.wv.n = 1;
    ASSERT_OK(asy__op_submit(&L, &f, &w1));
    ASSERT_EQ(w1.state_, ASY__OPS_QUEUED); /* corked */
    ASSERT_EQ(f.io.registered, 0);
    /* fill the socket behind the op layer's back, down to the last byte
     * it takes, so w1 cannot go either */
    {
        static const size_t sizes[3] = {sizeof(sink), 512, 1};
        int k;
        for (k = 0; k < 3; k++)
            while ((n = send(sp[0], sink, sizes[k], MSG_DONTWAIT)) > 0) filled += (size_t)n;
    }
    ASSERT_GT(filled, 0);
    asy_run(&L, ASY_RUN_NOWAIT);
    ASSERT_STR_EQ(log_buf, "2:1 "); /* w0 reported; w1 could not go */
    ASSERT_EQ(w1.state_, ASY__OPS_QUEUED);
    ASSERT_EQ(f.io.registered & ASY_WRITABLE, ASY_WRITABLE);
    /* drain the peer: POLLOUT runs w1 through the emulation's callback */
    while (w1.state_ != ASY__OPS_IDLE && rounds++ < 1000) {
        while ((n = recv(sp[1], sink, sizeof(sink), MSG_DONTWAIT)) > 0) got += (size_t)n;
        backend_poll(&L, 10);
    }
    while ((n = recv(sp[1], sink, sizeof(sink), MSG_DONTWAIT)) > 0) got += (size_t)n;
    ASSERT_STR_EQ(log_buf, "2:1 2:4096 ");
    ASSERT_EQ(got, 1 + filled + sizeof(big));
    asy__opfd_close(&L, &f);
    close(sp[0]);
    close(sp[1]);
    ASSERT_OK(asy_loop_close(&L));
}
ALL_BACKENDS_T(corked_write_waits_for_pollout, 10000)
