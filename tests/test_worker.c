/* Worker threads, message ports, shared buffers and Atomics (docs/worker.md). */
#include "../asyncrt.h"
#include "test.h"

#include <math.h>

/* ---- a worker that runs and exits ---------------------------------------- */

typedef struct {
    asy_loop_t loop;
    asy_worker_t w;
    char log[1024];
    int exit_code;
    int exits;
    int err_code;
    char err_msg[128];
    int messages;
    char last[256];
} wt_env;

static void wt_log(wt_env *e, const char *s) {
    size_t n = strlen(e->log);
    snprintf(e->log + n, sizeof(e->log) - n, "%s;", s);
}

static wt_env *wt_of(asy_worker_t *w) { return (wt_env *)w->data; }

static void wt_on_message(asy_worker_t *w, asy_message_t *m) {
    wt_env *e = wt_of(w);
    size_t n = m->len < sizeof(e->last) - 1 ? m->len : sizeof(e->last) - 1;
    memcpy(e->last, m->data, n);
    e->last[n] = 0;
    e->messages++;
    wt_log(e, "message");
}
static void wt_on_error(asy_worker_t *w, int code, const char *msg) {
    wt_env *e = wt_of(w);
    e->err_code = code;
    snprintf(e->err_msg, sizeof(e->err_msg), "%s", msg ? msg : "(none)");
    wt_log(e, "error");
}
static void wt_on_exit(asy_worker_t *w, int code) {
    wt_env *e = wt_of(w);
    e->exit_code = code;
    e->exits++;
    wt_log(e, "exit");
    asy_close((asy_handle_t *)w, NULL);
}

static void wt_start(wt_env *e, asy_worker_main_fn fn, const void *data, size_t len, void *arg) {
    asy_worker_opts_t o;
    memset(&o, 0, sizeof(o));
    o.data = data;
    o.len = len;
    o.arg = arg;
    o.on_message = wt_on_message;
    o.on_error = wt_on_error;
    o.on_exit = wt_on_exit;
    ASSERT_OK(asy_worker_start(&e->loop, &e->w, fn, &o));
    e->w.data = e;
}

static int wt_echo_data(asy_worker_self_t *self) {
    char buf[128];
    int n = snprintf(buf, sizeof(buf), "data=%.*s id=%u", (int)self->len, (const char *)self->data,
                     self->thread_id);
    asy_port_post(self->port, buf, (size_t)n);
    return 7;
}

TEST(worker_runs_entry_with_worker_data_and_exit_code) {
    wt_env e;
    char data[8] = "abc";
    char want[64];
    memset(&e, 0, sizeof(e));
    ASSERT_OK(asy_loop_init(&e.loop, NULL));
    wt_start(&e, wt_echo_data, data, 3, NULL);
    data[0] = 'X'; /* workerData was copied */
    ASSERT(asy_worker_thread_id(&e.w) > 0);
    ASSERT_STR_EQ(asy_handle_type_name(e.w.type), "worker");
    ASSERT_OK(asy_run(&e.loop, ASY_RUN_DEFAULT));
    snprintf(want, sizeof(want), "data=abc id=%u", asy_worker_thread_id(&e.w));
    ASSERT_STR_EQ(e.last, want);
    ASSERT_STR_EQ(e.log, "message;exit;"); /* messages before 'exit' */
    ASSERT_EQ(e.exit_code, 7);
    ASSERT_OK(asy_loop_close(&e.loop));
}

/* ---- ping-pong on parentPort ------------------------------------------------ */

static void wt_worker_echo(asy_port_t *port, asy_message_t *m) {
    char buf[300];
    int n;
    if (m->len == 4 && memcmp(m->data, "quit", 4) == 0) {
        asy_close((asy_handle_t *)port, NULL); /* nothing left: the worker ends */
        return;
    }
    n = snprintf(buf, sizeof(buf), "pong:%.*s", (int)m->len, (const char *)m->data);
    asy_port_post(port, buf, (size_t)n);
}

static int wt_echo_main(asy_worker_self_t *self) {
    asy_port_start(self->port, wt_worker_echo);
    return 0;
}

static void wt_pp_message(asy_worker_t *w, asy_message_t *m) {
    wt_env *e = wt_of(w);
    wt_on_message(w, m);
    if (e->messages < 3) {
        char buf[16];
        int n = snprintf(buf, sizeof(buf), "ping%d", e->messages);
        ASSERT_OK(asy_worker_post(w, buf, (size_t)n));
    } else {
        ASSERT_OK(asy_worker_post(w, "quit", 4));
    }
}

TEST(worker_parent_port_round_trips) {
    wt_env e;
    asy_worker_opts_t o;
    memset(&e, 0, sizeof(e));
    memset(&o, 0, sizeof(o));
    o.on_message = wt_pp_message;
    o.on_exit = wt_on_exit;
    ASSERT_OK(asy_loop_init(&e.loop, NULL));
    ASSERT_OK(asy_worker_start(&e.loop, &e.w, wt_echo_main, &o));
    e.w.data = &e;
    ASSERT_OK(asy_worker_post(&e.w, "ping0", 5)); /* queued until the worker listens */
    ASSERT_OK(asy_run(&e.loop, ASY_RUN_DEFAULT));
    ASSERT_EQ(e.messages, 3);
    ASSERT_STR_EQ(e.last, "pong:ping2");
    ASSERT_EQ(e.exits, 1);
    ASSERT_EQ(e.exit_code, 0);
    ASSERT_OK(asy_loop_close(&e.loop));
}

/* ---- order and integrity under load ---------------------------------------- */

enum { LOAD_SENDERS = 4, LOAD_PER_SENDER = 250000 };

typedef struct {
    uint32_t sender, seq, check;
} load_msg;

static uint32_t load_check(uint32_t s, uint32_t q) { return (s * 2654435761u) ^ (q * 40503u) ^ 0x5a5a5a5au; }

static int load_main(asy_worker_self_t *self) {
    uint32_t i, id = *(const uint32_t *)(const void *)self->data;
    for (i = 0; i < LOAD_PER_SENDER; i++) {
        load_msg m;
        m.sender = id;
        m.seq = i;
        m.check = load_check(id, i);
        if (asy_port_post(self->port, &m, sizeof(m)) != 0) return 3;
    }
    return 0;
}

typedef struct {
    asy_worker_t w[LOAD_SENDERS];
    uint32_t next[LOAD_SENDERS];
    uint64_t total;
    int exits;
} load_env;

static load_env *load_e;

static void load_on_message(asy_worker_t *w, asy_message_t *m) {
    load_msg lm;
    (void)w;
    ASSERT_EQ(m->len, sizeof(lm));
    memcpy(&lm, m->data, sizeof(lm));
    ASSERT(lm.sender < LOAD_SENDERS);
    ASSERT_EQ(lm.seq, load_e->next[lm.sender]); /* per-sender FIFO, nothing lost */
    ASSERT_EQ(lm.check, load_check(lm.sender, lm.seq));
    load_e->next[lm.sender]++;
    load_e->total++;
}

static void load_on_exit(asy_worker_t *w, int code) {
    ASSERT_EQ(code, 0);
    load_e->exits++;
    asy_close((asy_handle_t *)w, NULL);
}

TEST_T(worker_one_million_messages_keep_order_and_integrity, 120000) {
    asy_loop_t loop;
    load_env e;
    uint32_t ids[LOAD_SENDERS];
    int i;
    memset(&e, 0, sizeof(e));
    load_e = &e;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    for (i = 0; i < LOAD_SENDERS; i++) {
        asy_worker_opts_t o;
        memset(&o, 0, sizeof(o));
        ids[i] = (uint32_t)i;
        o.data = &ids[i];
        o.len = sizeof(ids[i]);
        o.on_message = load_on_message;
        o.on_exit = load_on_exit;
        ASSERT_OK(asy_worker_start(&loop, &e.w[i], load_main, &o));
    }
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT));
    ASSERT_EQ(e.exits, LOAD_SENDERS);
    ASSERT_EQ_U64(e.total, (uint64_t)LOAD_SENDERS * LOAD_PER_SENDER);
    for (i = 0; i < LOAD_SENDERS; i++) ASSERT_EQ(e.next[i], LOAD_PER_SENDER);
    ASSERT_OK(asy_loop_close(&loop));
}

/* ---- transfer ------------------------------------------------------------------ */

enum { XFER_LEN = 1 << 20 };

static void xfer_worker_msg(asy_port_t *port, asy_message_t *m) {
    asy_buf_t b;
    size_t i;
    for (i = 0; i < m->len; i++)
        if (m->data[i] != (uint8_t)(i * 7)) {
            asy_port_post(port, "corrupt", 7);
            return;
        }
    ASSERT_OK(asy_message_take_buf(m, &b)); /* zero-copy: the same bytes */
    ASSERT_PTR_EQ(b.data, m->data);
    ASSERT_OK(asy_port_post_transfer(port, &b, NULL)); /* and back */
    ASSERT_EQ(b.len, 0);
    asy_close((asy_handle_t *)port, NULL);
}

static int xfer_main(asy_worker_self_t *self) { return asy_port_start(self->port, xfer_worker_msg); }

static const uint8_t *xfer_sent;
static int xfer_back;

static void xfer_on_message(asy_worker_t *w, asy_message_t *m) {
    (void)w;
    ASSERT_EQ(m->len, XFER_LEN);
    ASSERT_PTR_EQ(m->data, xfer_sent); /* never copied, there or back */
    ASSERT_EQ(m->data[XFER_LEN - 1], (uint8_t)((XFER_LEN - 1) * 7));
    xfer_back++;
}

TEST(worker_transfer_moves_the_buffer_and_empties_the_sender) {
    wt_env e;
    asy_worker_opts_t o;
    asy_buf_t b, view;
    size_t i;
    memset(&e, 0, sizeof(e));
    ASSERT_OK(asy_loop_init(&e.loop, NULL));
    memset(&o, 0, sizeof(o));
    o.on_message = xfer_on_message;
    o.on_exit = wt_on_exit;
    ASSERT_OK(asy_worker_start(&e.loop, &e.w, xfer_main, &o));
    e.w.data = &e;
    ASSERT_OK(asy_buf_alloc(&b, XFER_LEN));
    for (i = 0; i < XFER_LEN; i++) b.data[i] = (uint8_t)(i * 7);
    /* shared storage cannot be transferred: nothing moves */
    ASSERT_OK(asy_buf_retain(&view, &b));
    ASSERT_ERR(asy_worker_post_transfer(&e.w, &b, NULL), ASY_EBUSY);
    ASSERT_EQ(b.len, XFER_LEN);
    asy_buf_release(&view);
    xfer_sent = b.data;
    ASSERT_OK(asy_worker_post_transfer(&e.w, &b, NULL));
    ASSERT_EQ(b.len, 0); /* the sender's view is empty, as after an ArrayBuffer transfer */
    ASSERT_NULL(b.data);
    ASSERT_NULL(b.store);
    ASSERT_OK(asy_run(&e.loop, ASY_RUN_DEFAULT));
    ASSERT_EQ(xfer_back, 1);
    ASSERT_EQ(e.exit_code, 0);
    ASSERT_OK(asy_loop_close(&e.loop));
}

/* ---- a MessageChannel between two workers ------------------------------------ */

static void chan_b_msg(asy_port_t *port, asy_message_t *m) {
    asy_port_t *parent = (asy_port_t *)port->data;
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "B got %.*s", (int)m->len, (const char *)m->data);
    asy_port_post(parent, buf, (size_t)n);
    asy_close((asy_handle_t *)port, NULL);
    asy_close((asy_handle_t *)parent, NULL);
}

static asy_port_t chan_port_a, chan_port_b; /* one per worker thread */

static void chan_parent_msg_a(asy_port_t *parent, asy_message_t *m) {
    /* worker A receives its end and talks to B directly */
    ASSERT_NOT_NULL(m->port);
    ASSERT_OK(asy_port_init(parent->loop, &chan_port_a, m->port));
    m->port = NULL; /* kept */
    ASSERT_OK(asy_port_post(&chan_port_a, "hello from A", 12));
    asy_close((asy_handle_t *)&chan_port_a, NULL);
    asy_close((asy_handle_t *)parent, NULL);
}

static void chan_parent_msg_b(asy_port_t *parent, asy_message_t *m) {
    ASSERT_NOT_NULL(m->port);
    ASSERT_OK(asy_port_init(parent->loop, &chan_port_b, m->port));
    m->port = NULL;
    chan_port_b.data = parent;
    ASSERT_OK(asy_port_start(&chan_port_b, chan_b_msg));
    asy_port_stop(parent); /* B now lives on its channel port */
}

static int chan_main(asy_worker_self_t *self) {
    int is_a = *(const int *)(const void *)self->data;
    return asy_port_start(self->port, is_a ? chan_parent_msg_a : chan_parent_msg_b);
}

static char chan_result[64];
static int chan_exits;
static void chan_on_message(asy_worker_t *w, asy_message_t *m) {
    (void)w;
    snprintf(chan_result, sizeof(chan_result), "%.*s", (int)m->len, (const char *)m->data);
}
static void chan_on_exit(asy_worker_t *w, int code) {
    ASSERT_EQ(code, 0);
    chan_exits++;
    asy_close((asy_handle_t *)w, NULL);
}

TEST(worker_message_channel_ends_transferred_to_two_workers) {
    asy_loop_t loop;
    asy_worker_t a, b;
    asy_port_end_t *e1, *e2;
    asy_worker_opts_t o;
    int one = 1, zero = 0;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    memset(&o, 0, sizeof(o));
    o.on_message = chan_on_message;
    o.on_exit = chan_on_exit;
    o.data = &one;
    o.len = sizeof(one);
    ASSERT_OK(asy_worker_start(&loop, &a, chan_main, &o));
    o.data = &zero;
    ASSERT_OK(asy_worker_start(&loop, &b, chan_main, &o));
    ASSERT_OK(asy_channel_open(&e1, &e2));
    ASSERT_OK(asy_worker_post_transfer(&b, NULL, e2));
    ASSERT_OK(asy_worker_post_transfer(&a, NULL, e1));
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT));
    ASSERT_STR_EQ(chan_result, "B got hello from A");
    ASSERT_EQ(chan_exits, 2);
    ASSERT_OK(asy_loop_close(&loop));
}

TEST(worker_ports_on_one_loop_and_closed_peers) {
    asy_loop_t loop;
    asy_port_t p1;
    asy_port_end_t *e1, *e2, *e3, *e4;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_OK(asy_channel_open(&e1, &e2));
    ASSERT_OK(asy_port_init(&loop, &p1, e1));
    ASSERT_STR_EQ(asy_handle_type_name(p1.type), "port");
    /* a port cannot send its own end or its peer */
    ASSERT_ERR(asy_port_post_transfer(&p1, NULL, e2), ASY_EINVAL);
    ASSERT_ERR(asy_port_post(&p1, NULL, 3), ASY_EINVAL);
    ASSERT_OK(asy_port_post(&p1, "x", 1));
    ASSERT_OK(asy_channel_open(&e3, &e4));
    ASSERT_OK(asy_port_post_transfer(&p1, NULL, e3)); /* e3 travels inside the message */
    asy_port_end_free(e2); /* frees the queued messages and e3 with them */
    ASSERT_OK(asy_port_post(&p1, "dropped", 7)); /* to a closed peer: dropped */
    asy_port_end_free(e4);
    ASSERT_ERR(asy_port_init(&loop, &p1, NULL), ASY_EINVAL);
    asy_close((asy_handle_t *)&p1, NULL);
    ASSERT_ERR(asy_port_post(&p1, "x", 1), ASY_EINVAL);
    ASSERT_ERR(asy_port_start(&p1, NULL), ASY_EINVAL);
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT));
    ASSERT_OK(asy_loop_close(&loop));
}

/* A stopped port keeps its backlog, in order, for the next start. */
static int backlog_seen;
static void backlog_cb(asy_port_t *port, asy_message_t *m) {
    ASSERT_EQ(m->len, 1);
    ASSERT_EQ(m->data[0], '0' + backlog_seen);
    backlog_seen++;
    if (backlog_seen == 2) asy_port_stop(port);
    if (backlog_seen == 5) asy_close((asy_handle_t *)port, NULL);
}
static void backlog_restart(void *arg) { ASSERT_OK(asy_port_start((asy_port_t *)arg, backlog_cb)); }

TEST(worker_port_stop_keeps_the_backlog_in_order) {
    asy_loop_t loop;
    asy_port_t rx, tx;
    asy_port_end_t *e1, *e2;
    char c;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_OK(asy_channel_open(&e1, &e2));
    ASSERT_OK(asy_port_init(&loop, &rx, e1));
    ASSERT_OK(asy_port_init(&loop, &tx, e2));
    for (c = '0'; c < '5'; c++) ASSERT_OK(asy_port_post(&tx, &c, 1));
    ASSERT_EQ(asy_port_pending(&rx), 5);
    ASSERT_OK(asy_port_start(&rx, backlog_cb));
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT)); /* stops after two: nothing keeps the loop */
    ASSERT_EQ(backlog_seen, 2);
    ASSERT_EQ(asy_port_pending(&rx), 3);
    asy_set_timeout(&loop, backlog_restart, &rx, 1);
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT));
    ASSERT_EQ(backlog_seen, 5);
    asy_close((asy_handle_t *)&tx, NULL);
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT));
    ASSERT_OK(asy_loop_close(&loop));
}

/* ---- shared memory ---------------------------------------------------------------- */

enum { SAB_WORKERS = 4, SAB_ROUNDS = 100000 };

static int sab_add_main(asy_worker_self_t *self) {
    asy_shared_buf_t *sb = (asy_shared_buf_t *)self->arg;
    int i;
    for (i = 0; i < SAB_ROUNDS; i++) asy_atomics_add(sb, 1, 1);
    return 0;
}

static int sab_exits;
static void sab_on_exit(asy_worker_t *w, int code) {
    ASSERT_EQ(code, 0);
    sab_exits++;
    asy_close((asy_handle_t *)w, NULL);
}

TEST_T(worker_shared_buffer_counter_from_four_workers_is_exact, 60000) {
    asy_loop_t loop;
    asy_worker_t w[SAB_WORKERS];
    asy_shared_buf_t *sb = asy_shared_buf_new(64, NULL);
    asy_worker_opts_t o;
    int i;
    ASSERT_NOT_NULL(sb);
    ASSERT_EQ(asy_shared_buf_len(sb), 64);
    ASSERT_OK(asy_loop_init(&loop, NULL));
    memset(&o, 0, sizeof(o));
    o.arg = sb;
    o.on_exit = sab_on_exit;
    for (i = 0; i < SAB_WORKERS; i++) ASSERT_OK(asy_worker_start(&loop, &w[i], sab_add_main, &o));
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT));
    ASSERT_EQ(sab_exits, SAB_WORKERS);
    ASSERT_EQ(asy_atomics_load(sb, 1), SAB_WORKERS * SAB_ROUNDS);
    ASSERT_EQ(asy_atomics_load(sb, 0), 0);
    ASSERT_OK(asy_loop_close(&loop));
    asy_shared_buf_release(sb);
}

TEST(worker_atomics_operations_and_ranges) {
    asy_shared_buf_t *sb = asy_shared_buf_new(16, NULL);
    ASSERT_NOT_NULL(sb);
    ASSERT_EQ(asy_atomics_store(sb, 3, 5), 5);
    ASSERT_EQ(asy_atomics_add(sb, 3, 2), 5);
    ASSERT_EQ(asy_atomics_sub(sb, 3, 1), 7);
    ASSERT_EQ(asy_atomics_exchange(sb, 3, 10), 6);
    ASSERT_EQ(asy_atomics_compare_exchange(sb, 3, 9, 1), 10); /* no swap */
    ASSERT_EQ(asy_atomics_compare_exchange(sb, 3, 10, 1), 10); /* swapped */
    ASSERT_EQ(asy_atomics_load(sb, 3), 1);
    ASSERT_EQ(((int32_t *)(void *)asy_shared_buf_data(sb))[3], 1);
    ASSERT_ERR(asy_atomics_wait(sb, 4, 0, 0), ASY_ERANGE);
    ASSERT_ERR(asy_atomics_notify(sb, 4, 1), ASY_ERANGE);
    ASSERT_ERR(asy_atomics_notify(NULL, 0, 1), ASY_EINVAL);
    ASSERT_EQ(asy_atomics_wait(sb, 0, 1, -1), ASY_WAIT_NOT_EQUAL);
    ASSERT_EQ(asy_atomics_wait(sb, 0, 0, 20), ASY_WAIT_TIMED_OUT);
    ASSERT_EQ(asy_atomics_notify(sb, 0, 1), 0); /* nobody waits */
    {
        int err = 0;
        ASSERT_NULL(asy_shared_buf_new(SIZE_MAX, NULL));
        ASSERT_NULL(asy_shared_buf_new(SIZE_MAX, &err));
        ASSERT_EQ(err, ASY_ENOMEM);
    }
    asy_shared_buf_release(asy_shared_buf_retain(sb));
    asy_shared_buf_release(sb);
}

/* A worker blocks in Atomics.wait until the main thread notifies. */
static int sab_wait_main(asy_worker_self_t *self) {
    asy_shared_buf_t *sb = (asy_shared_buf_t *)self->arg;
    int r;
    asy_atomics_store(sb, 1, 1); /* "about to wait" */
    r = asy_atomics_wait(sb, 0, 0, 10000);
    asy_port_post(self->port, r == ASY_WAIT_OK ? "ok" : r == ASY_WAIT_NOT_EQUAL ? "not-equal" : "timed-out",
                  r == ASY_WAIT_OK ? 2 : 9);
    return 0;
}

static asy_shared_buf_t *sab_wait_sb;
static void sab_poke(void *arg) {
    (void)arg;
    if (asy_atomics_load(sab_wait_sb, 1) != 1) {
        asy_set_timeout((asy_loop_t *)arg, sab_poke, arg, 1);
        return;
    }
    asy_atomics_store(sab_wait_sb, 0, 1);
    asy_atomics_notify(sab_wait_sb, 0, 1);
}

TEST_T(worker_atomics_wait_woken_by_notify, 30000) {
    wt_env e;
    memset(&e, 0, sizeof(e));
    sab_wait_sb = asy_shared_buf_new(8, NULL);
    ASSERT_NOT_NULL(sab_wait_sb);
    ASSERT_OK(asy_loop_init(&e.loop, NULL));
    wt_start(&e, sab_wait_main, NULL, 0, sab_wait_sb);
    asy_set_timeout(&e.loop, sab_poke, &e.loop, 1);
    ASSERT_OK(asy_run(&e.loop, ASY_RUN_DEFAULT));
    /* "ok" (woken) or "not-equal" (the store came first): never timed out */
    ASSERT(strcmp(e.last, "ok") == 0 || strcmp(e.last, "not-equal") == 0);
    ASSERT_EQ(e.exit_code, 0);
    ASSERT_OK(asy_loop_close(&e.loop));
    asy_shared_buf_release(sab_wait_sb);
}

/* waitAsync: a timeout on the virtual clock, and a notify from a worker. */
static const char *wa_result[3];
static void wa_done(void *arg, const asy_settled_t *in) {
    ASSERT_EQ(in->state, ASY_PROMISE_FULFILLED);
    wa_result[(intptr_t)arg] = (const char *)in->value;
}

TEST(worker_wait_async_times_out_on_the_virtual_clock) {
    asy_loop_t loop;
    asy_loop_opts_t lo;
    asy_shared_buf_t *sb = asy_shared_buf_new(8, NULL);
    asy_promise_t *p, *q;
    uint64_t t0 = asy_hrtime();
    memset(&lo, 0, sizeof(lo));
    lo.virtual_clock = 1;
    ASSERT_OK(asy_loop_init(&loop, &lo));
    p = asy_atomicsp_wait(&loop, sb, 0, 0, 60000);
    ASSERT_NOT_NULL(p);
    q = asy_atomicsp_wait(&loop, sb, 0, 5, -1); /* not equal: settled at once */
    ASSERT_NOT_NULL(q);
    ASSERT_OK(asy_promise_on_settled(p, wa_done, (void *)(intptr_t)0));
    ASSERT_OK(asy_promise_on_settled(q, wa_done, (void *)(intptr_t)1));
    ASSERT_NULL(asy_atomicsp_wait(&loop, sb, 2, 0, 1)); /* out of range */
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT));
    ASSERT_STR_EQ(wa_result[0], "timed-out");
    ASSERT_STR_EQ(wa_result[1], "not-equal");
    ASSERT_EQ_U64(asy_now(&loop), 60000); /* a minute of virtual time... */
    ASSERT(asy_hrtime() - t0 < 5000000000u); /* ...in much less real time */
    asy_promise_release(p);
    asy_promise_release(q);
    ASSERT_OK(asy_loop_close(&loop));
    asy_shared_buf_release(sb);
}

static int wa_notify_main(asy_worker_self_t *self) {
    asy_shared_buf_t *sb = (asy_shared_buf_t *)self->arg;
    /* wait until the main loop is waiting, then wake it */
    while (asy_atomics_notify(sb, 0, 1) == 0) asy_atomics_wait(sb, 1, 0, 1);
    return 0;
}

TEST_T(worker_wait_async_resolved_by_a_worker_notify, 30000) {
    wt_env e;
    asy_shared_buf_t *sb = asy_shared_buf_new(8, NULL);
    asy_promise_t *p;
    memset(&e, 0, sizeof(e));
    wa_result[2] = NULL;
    ASSERT_OK(asy_loop_init(&e.loop, NULL));
    p = asy_atomicsp_wait(&e.loop, sb, 0, 0, -1);
    ASSERT_NOT_NULL(p);
    ASSERT_OK(asy_promise_on_settled(p, wa_done, (void *)(intptr_t)2));
    wt_start(&e, wa_notify_main, NULL, 0, sb);
    ASSERT_OK(asy_run(&e.loop, ASY_RUN_DEFAULT));
    ASSERT_STR_EQ(wa_result[2], "ok");
    ASSERT_EQ(e.exit_code, 0);
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&e.loop));
    asy_shared_buf_release(sb);
}

/* A wait still pending when its loop closes is dropped cleanly. */
TEST(worker_wait_async_pending_at_loop_close) {
    asy_loop_t loop;
    asy_shared_buf_t *sb = asy_shared_buf_new(8, NULL);
    asy_promise_t *p;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    p = asy_atomicsp_wait(&loop, sb, 0, 0, -1);
    ASSERT_NOT_NULL(p);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_NOWAIT), 1); /* it keeps the loop alive */
    asy_promise_release(p); /* promises go with their loop: release first */
    ASSERT_OK(asy_loop_close(&loop));
    ASSERT_EQ(asy_atomics_notify(sb, 0, 1), 0); /* nobody is left to wake */
    asy_shared_buf_release(sb);
}

/* ---- failure, terminate, ref ------------------------------------------------------------ */

static int fail_main(asy_worker_self_t *self) {
    asy_worker_fail(self, ASY_EINVAL, "boom");
    return 0;
}

TEST(worker_failure_reaches_error_then_exit_nonzero) {
    wt_env e;
    memset(&e, 0, sizeof(e));
    ASSERT_OK(asy_loop_init(&e.loop, NULL));
    wt_start(&e, fail_main, NULL, 0, NULL);
    ASSERT_OK(asy_run(&e.loop, ASY_RUN_DEFAULT));
    ASSERT_STR_EQ(e.log, "error;exit;");
    ASSERT_EQ(e.err_code, ASY_EINVAL);
    ASSERT_STR_EQ(e.err_msg, "boom");
    ASSERT_EQ(e.exit_code, 1);
    ASSERT_OK(asy_loop_close(&e.loop));
}

static int reject_main(asy_worker_self_t *self) {
    asy_promise_t *p = asy_promise_rejected(self->loop, ASY_ENOENT, "no such thing");
    asy_promise_release(p); /* nobody handles it: the worker's uncaught error */
    return 0;
}

TEST(worker_unhandled_rejection_is_its_error) {
    wt_env e;
    memset(&e, 0, sizeof(e));
    ASSERT_OK(asy_loop_init(&e.loop, NULL));
    wt_start(&e, reject_main, NULL, 0, NULL);
    ASSERT_OK(asy_run(&e.loop, ASY_RUN_DEFAULT));
    ASSERT_STR_EQ(e.log, "error;exit;");
    ASSERT_EQ(e.err_code, ASY_ENOENT);
    ASSERT_STR_EQ(e.err_msg, "no such thing");
    ASSERT_EQ(e.exit_code, 1);
    ASSERT_OK(asy_loop_close(&e.loop));
}

static int exit_main(asy_worker_self_t *self) {
    asy_worker_exit(self, 42);
    return 5; /* process.exit's code wins */
}

TEST(worker_exit_sets_the_code) {
    wt_env e;
    memset(&e, 0, sizeof(e));
    ASSERT_OK(asy_loop_init(&e.loop, NULL));
    wt_start(&e, exit_main, NULL, 0, NULL);
    ASSERT_OK(asy_run(&e.loop, ASY_RUN_DEFAULT));
    ASSERT_STR_EQ(e.log, "exit;");
    ASSERT_EQ(e.exit_code, 42);
    ASSERT_OK(asy_loop_close(&e.loop));
}

/* terminate() while the worker is busy inside a callback: the callback
 * finishes, what it scheduled for later never runs, close callbacks do. */
static asy_shared_buf_t *busy_sb; /* [0] busy, [1] terminate() returned, [2] late ran, [3] closed */
static asy_worker_self_t *busy_self;
static asy_timer_t busy_t, late_t, keep_t;

static void busy_noop(asy_timer_t *t) { (void)t; }
static void busy_late(asy_timer_t *t) {
    (void)t;
    asy_atomics_store(busy_sb, 2, 1);
}
static void busy_keep_closed(asy_handle_t *h) {
    (void)h;
    asy_atomics_store(busy_sb, 3, 1);
}
static void busy_cb(asy_timer_t *t) {
    (void)t;
    asy_port_post(busy_self->port, "busy", 4);
    asy_atomics_store(busy_sb, 0, 1);
    while (asy_atomics_load(busy_sb, 1) == 0) asy_atomics_wait(busy_sb, 1, 0, 5); /* busy */
    ASSERT(asy_worker_should_stop(busy_self));
    asy_timer_start(&late_t, busy_late, 0, 0); /* due in the next iteration */
    asy_close((asy_handle_t *)&keep_t, busy_keep_closed);
}

static int busy_main(asy_worker_self_t *self) {
    busy_self = self;
    asy_timer_init(self->loop, &busy_t);
    asy_timer_init(self->loop, &late_t);
    asy_timer_init(self->loop, &keep_t);
    asy_timer_start(&busy_t, busy_cb, 0, 0);
    asy_timer_start(&keep_t, busy_noop, 600000, 0); /* keeps the worker alive */
    return 0;
}

static void busy_on_message(asy_worker_t *w, asy_message_t *m) {
    (void)m;
    ASSERT_OK(asy_worker_terminate(w));
    asy_atomics_store(busy_sb, 1, 1);
    asy_atomics_notify(busy_sb, 1, 1);
}

TEST_T(worker_terminate_in_a_busy_callback_stops_at_its_boundary, 20000) {
    wt_env e;
    asy_worker_opts_t o;
    uint64_t t0 = asy_hrtime();
    busy_sb = asy_shared_buf_new(16, NULL);
    memset(&e, 0, sizeof(e));
    ASSERT_OK(asy_loop_init(&e.loop, NULL));
    memset(&o, 0, sizeof(o));
    o.on_message = busy_on_message;
    o.on_exit = wt_on_exit;
    o.on_error = wt_on_error;
    ASSERT_OK(asy_worker_start(&e.loop, &e.w, busy_main, &o));
    e.w.data = &e;
    ASSERT_OK(asy_run(&e.loop, ASY_RUN_DEFAULT));
    ASSERT_STR_EQ(e.log, "exit;");
    ASSERT_EQ(e.exit_code, 1); /* terminated, as in Node */
    ASSERT_EQ(asy_atomics_load(busy_sb, 0), 1);
    ASSERT_EQ(asy_atomics_load(busy_sb, 2), 0); /* nothing after the busy callback ran */
    ASSERT_EQ(asy_atomics_load(busy_sb, 3), 1); /* the close callback did */
    ASSERT(asy_hrtime() - t0 < 10000000000u);  /* not the keep timer's ten minutes */
    ASSERT_OK(asy_worker_terminate(&e.w) == ASY_EINVAL ? 0 : -1); /* closed: EINVAL */
    ASSERT_OK(asy_loop_close(&e.loop));
    asy_shared_buf_release(busy_sb);
}

/* unref: the parent's loop ends without waiting; closing the handle
 * terminates the worker and joins it. */
static int sleepy_main(asy_worker_self_t *self) {
    static asy_timer_t t;
    asy_timer_init(self->loop, &t);
    asy_timer_start(&t, busy_noop, 600000, 0);
    return 0;
}

TEST_T(worker_unref_lets_the_loop_end_and_close_terminates, 20000) {
    asy_loop_t loop;
    asy_worker_t w;
    uint64_t t0 = asy_hrtime();
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_OK(asy_worker_start(&loop, &w, sleepy_main, NULL));
    ASSERT(asy_has_ref((asy_handle_t *)&w));
    asy_unref((asy_handle_t *)&w);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT(asy_is_active((asy_handle_t *)&w)); /* still running */
    ASSERT_ERR(asy_loop_close(&loop), ASY_EBUSY);
    asy_close((asy_handle_t *)&w, NULL); /* terminate + join */
    ASSERT_ERR(asy_worker_post(&w, "x", 1), ASY_EINVAL);
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT));
    ASSERT_OK(asy_loop_close(&loop));
    ASSERT(asy_hrtime() - t0 < 10000000000u);
}

/* resourceLimits.stackSizeMb: deep recursion fits a big stack */
static int deep(int n) {
    volatile char pad[1024];
    pad[0] = (char)n;
    if (n == 0) return pad[0];
    return deep(n - 1) + pad[0] - (char)n;
}
static int deep_main(asy_worker_self_t *self) {
    (void)self;
    return deep(12000) == 0 ? 0 : 9;
}

TEST(worker_stack_size_option) {
    wt_env e;
    asy_worker_opts_t o;
    memset(&e, 0, sizeof(e));
    memset(&o, 0, sizeof(o));
    o.stack_size = 64u << 20;
    o.on_exit = wt_on_exit;
    ASSERT_OK(asy_loop_init(&e.loop, NULL));
    ASSERT_OK(asy_worker_start(&e.loop, &e.w, deep_main, &o));
    e.w.data = &e;
    ASSERT_OK(asy_run(&e.loop, ASY_RUN_DEFAULT));
    ASSERT_EQ(e.exit_code, 0);
    ASSERT_OK(asy_loop_close(&e.loop));
}

TEST(worker_bad_input) {
    asy_loop_t loop;
    asy_worker_t w;
    asy_worker_opts_t o;
    memset(&o, 0, sizeof(o));
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_ERR(asy_worker_start(&loop, &w, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_worker_start(NULL, &w, deep_main, NULL), ASY_EINVAL);
    o.len = 4; /* no data */
    ASSERT_ERR(asy_worker_start(&loop, &w, deep_main, &o), ASY_EINVAL);
    ASSERT_ERR(asy_worker_post(NULL, "x", 1), ASY_EINVAL);
    ASSERT_ERR(asy_worker_terminate(NULL), ASY_EINVAL);
    ASSERT_ERR(asy_worker_exit(NULL, 1), ASY_EINVAL);
    ASSERT_ERR(asy_channel_open(NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_message_take_buf(NULL, NULL), ASY_EINVAL);
    asy_port_end_free(NULL);
    ASSERT_OK(asy_loop_close(&loop));
}
