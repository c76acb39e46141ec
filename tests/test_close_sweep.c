/* Closing or destroying a stream's owner at every point of its life, behind
 * a slow consumer (issue 22's sweep).  For each owner -- a child's stdout
 * and stderr, TCP and Unix sockets, a pipe, a file read stream, a
 * Transform -- and each point:
 *   buffered      the source holds data the consumer has not taken,
 *   eof_pending   EOF was pushed but 'end' is not emitted yet,
 *   end_emitted   inside 'end',
 *   finish_pending  (writable owners) end() was called, 'finish' not yet,
 * the owner is closed there, and the pipeline must either deliver every
 * byte (checked against the pattern) and call back 0, or call back exactly
 * once with an error: never a silent truncation, never no callback. */
#include "../asyncrt.h"
#include "test.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

/* bytes each case moves: not a multiple of any read size, so the last
 * read is short and the EOF read can find data still buffered */
#define TOTAL (1024u * 1024u + 4321u)
#define SPLIT (1024u * 1024u) /* eof_pending: bytes sent before the held-back tail */

static asy_loop_t L;

typedef enum { AT_BUFFERED, AT_EOF_PENDING, AT_END_EMITTED, AT_FINISH_PENDING } point_t;
static const char *const point_names[] = {"buffered", "eof_pending", "end_emitted",
                                          "finish_pending"};

static unsigned char pat(uint64_t off) { return (unsigned char)(off % 251); }

static void look(void);

/* ---- the slow consumer: 1 ms per chunk, checks every byte ------------------- */

typedef struct {
    asy_stream_t s;
    uint64_t got;
    int corrupt;
    int held; /* the write waits (its timer re-arms) until the case's point */
    asy_timer_id_t timer;
} sink_t;

static void sink_took(void);

static void sink_later(void *arg) {
    sink_t *k = (sink_t *)arg;
    k->timer.id = 0;
    if (k->held) { /* waiting for the case's point: look again in 1 ms */
        look();
        if (k->held) {
            k->timer = asy_set_timeout(&L, sink_later, k, 1);
            return;
        }
    }
    asy_stream_write_done(&k->s, 0);
    look();
}

static void sink_write(asy_stream_t *s, const asy_buf_t *c) {
    sink_t *k = ASY_CONTAINER_OF(s, sink_t, s);
    size_t i;
    for (i = 0; i < c->len; i++)
        if ((unsigned char)c->data[i] != pat(k->got + i)) k->corrupt = 1;
    k->got += c->len;
    sink_took();
    k->timer = asy_set_timeout(&L, sink_later, k, 1);
    look();
}

static void sink_destroy(asy_stream_t *s, int err) {
    sink_t *k = ASY_CONTAINER_OF(s, sink_t, s);
    if (k->timer.id || k->held) {
        if (k->timer.id) asy_clear_timer(&L, k->timer);
        k->timer.id = 0;
        k->held = 0;
        asy_stream_write_done(s, ASY_ECANCELED);
    }
    asy_stream_destroy_done(s, err);
}

static const asy_stream_impl_t sink_impl = {NULL, NULL, sink_write, NULL, NULL, sink_destroy, NULL,
                                          NULL};

/* ---- a source of the pattern, for the Transform and writable cases ---------- */

typedef struct {
    asy_stream_t s;
    uint64_t sent;
} pat_src_t;

static void pat_read(asy_stream_t *s, size_t size) {
    pat_src_t *p = ASY_CONTAINER_OF(s, pat_src_t, s);
    unsigned char b[16384];
    size_t i, n;
    (void)size;
    if (p->sent >= TOTAL) {
        asy_stream_push_end(s);
        return;
    }
    n = TOTAL - p->sent < sizeof(b) ? (size_t)(TOTAL - p->sent) : sizeof(b);
    for (i = 0; i < n; i++) b[i] = pat(p->sent + i);
    p->sent += n;
    asy_stream_push_bytes(s, b, n);
}

static const asy_stream_impl_t pat_src_impl = {NULL, pat_read, NULL, NULL, NULL, NULL, NULL, NULL};

static void pass_transform(asy_stream_t *s, const asy_buf_t *c) {
    asy_stream_push(s, c);
    asy_stream_transform_done(s, 0);
}

static const asy_stream_impl_t pass_impl = {NULL, NULL, NULL, NULL, NULL, NULL, pass_transform,
                                          NULL};

/* ---- one case ------------------------------------------------------------------ */

typedef struct sweep_case sweep_case;
struct sweep_case {
    point_t point;
    asy_stream_t *watched; /* whose state names the point */
    void (*close_owner)(sweep_case *c);
    int reached;           /* the point was seen and the owner closed */
    int cb_calls, cb_status;
    uint64_t (*delivered)(sweep_case *c); /* bytes that reached the far end */
    /* eof_pending: the producer holds back its last TOTAL - SPLIT bytes
     * and EOF until release_tail.  The consumer calls it when it takes
     * byte SPLIT (the source's buffer is then empty and the pipe has
     * paused it, the consumer's highWaterMark being 1) and holds that
     * write: the tail and the EOF land in the paused source and stay. */
    void (*release_tail)(void);
    int tail_released;
    asy_check_t check;
};

static sweep_case C;
static sink_t SINK;

static void on_pipeline(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    C.cb_calls++;
    C.cb_status = status;
}

static void sink_took(void) {
    /* buffered: the consumer holds its first write until the source has
     * data waiting (however slow the source's reads are, as under TSan) */
    if (C.point == AT_BUFFERED && !C.reached) SINK.held = 1;
    if (C.release_tail && !C.tail_released && SINK.got == SPLIT) {
        C.tail_released = 1;
        SINK.held = 1;
        C.release_tail();
    }
}

static void reach(void) {
    if (C.reached) return;
    C.reached = 1;
    C.close_owner(&C);
    SINK.held = 0; /* the consumer goes on at its next timer */
}

/* The states that can only be watched for: looked at once per iteration
 * (the check phase) and right after every chunk the consumer takes. */
static void look(void) {
    asy_stream_t *w = C.watched;
    if (C.reached || asy_stream_is_destroyed(w)) return;
    switch (C.point) {
        case AT_BUFFERED:
            if (asy_stream_readable_length(w) > 0 && !asy_stream_readable_eof(w)) reach();
            break;
        case AT_EOF_PENDING:
            if (asy_stream_readable_eof(w) && !asy_stream_readable_ended(w)) reach();
            break;
        case AT_FINISH_PENDING:
            if (asy_stream_writable_ended(w) && !asy_stream_writable_finished(w)) reach();
            break;
        case AT_END_EMITTED:
            break;
    }
}

static void on_check(asy_check_t *h) {
    (void)h;
    look();
}

static void on_watched_end(asy_stream_t *s) {
    (void)s;
    if (C.point == AT_END_EMITTED) reach();
}

/* For finish_pending: the writable owner's upstream ended, so pipeline
 * has just called end() on the owner; its 'finish' is still to come. */
static void on_upstream_end(asy_stream_t *s) {
    (void)s;
    look();
}

static const asy_stream_events_t upstream_events = {NULL, NULL, on_upstream_end, NULL, NULL,
                                                   NULL, NULL, NULL, NULL};

static const asy_stream_events_t watched_events = {NULL, NULL, on_watched_end, NULL, NULL,
                                                 NULL, NULL, NULL, NULL};

static uint64_t sink_delivered(sweep_case *c) {
    (void)c;
    return SINK.got;
}

static void case_begin(point_t point) {
    memset(&C, 0, sizeof(C));
    memset(&SINK, 0, sizeof(SINK));
    C.point = point;
    C.delivered = sink_delivered;
    ASSERT_OK(asy_loop_init(&L, NULL));
    /* highWaterMark 1: every write returns false, so the pipe pauses the
     * source whenever the consumer is busy */
    ASSERT_OK(asy_writable_init(&L, &SINK.s, &sink_impl,
                                &(asy_stream_opts_t){.high_water_mark = 1}));
    ASSERT_OK(asy_check_init(&L, &C.check));
    ASSERT_OK(asy_check_start(&C.check, on_check));
    asy_unref((asy_handle_t *)&C.check);
}

/* Runs the loop until the pipeline is over and checks the rule; returns
 * whether the point was reached (some points depend on how the kernel
 * splits the data, so callers try again a few times). */
static int case_run_and_check(const char *owner) {
    uint64_t got;
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    got = C.delivered(&C);
    printf("%-13s %-14s reached %d  status %-18s bytes %llu of %u\n", owner,
           point_names[C.point], C.reached, C.cb_status ? asy_err_name(C.cb_status) : "0",
           (unsigned long long)got, TOTAL);
    ASSERT_EQ(C.cb_calls, 1); /* exactly one callback */
    ASSERT_EQ(SINK.corrupt, 0);
    ASSERT_LE(got, (uint64_t)TOTAL);
    if (C.cb_status == 0)
        ASSERT_EQ(got, (uint64_t)TOTAL); /* 0 means every byte */
    else
        ASSERT(strcmp(asy_err_name(C.cb_status), "UNKNOWN") != 0);
    return C.reached;
}

/* A point every owner must reach within a few tries. */
#define SWEEP_POINT(call)                                                     \
    do {                                                                      \
        int tries_ = 0;                                                       \
        while (!(call)) ASSERT(++tries_ < 8); /* the point was never reached */ \
    } while (0)

static void case_end(void) {
    asy_close((asy_handle_t *)&C.check, NULL);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_OK(asy_loop_close(&L));
}

/* The consumer side of a readable owner: src -> slow sink. */
static void pipe_to_sink(asy_stream_t *src) {
    asy_stream_t *all[2];
    all[0] = src;
    all[1] = &SINK.s;
    C.watched = src;
    asy_stream_set_events(src, &watched_events);
    ASSERT_OK(asy_pipeline(all, 2, on_pipeline, NULL));
}

/* ---- child stdout / stderr: the owner is the process handle ------------------- */

static asy_process_t PROC;
static asy_stream_t CHILD_STREAM;
static int proc_closed;

static void proc_close_cb(asy_handle_t *h) {
    (void)h;
    proc_closed = 1;
}

static void close_process(sweep_case *c) {
    (void)c;
    asy_close((asy_handle_t *)&PROC, proc_close_cb);
}

static void child_release_tail(void) { asy_process_write(&PROC, 0, "g", 1); }

static int child_case(int fd, point_t point) {
    char count[32], fdarg[8], split[32];
    const char *argv[5];
    asy_process_opts_t o;
    int reached;
    case_begin(point);
    proc_closed = 0;
    snprintf(count, sizeof(count), "%u", TOTAL);
    snprintf(fdarg, sizeof(fdarg), "%d", fd);
    snprintf(split, sizeof(split), "%u", SPLIT);
    argv[0] = "./helpers/pattern";
    argv[1] = count;
    argv[2] = fdarg;
    argv[3] = point == AT_EOF_PENDING ? split : NULL;
    argv[4] = NULL;
    memset(&o, 0, sizeof(o));
    o.stdio[fd].stream = &CHILD_STREAM;
    ASSERT_OK(asy_spawn(&L, &PROC, argv[0], argv, &o, NULL));
    C.close_owner = close_process;
    if (point == AT_EOF_PENDING) C.release_tail = child_release_tail;
    pipe_to_sink(&CHILD_STREAM);
    reached = case_run_and_check(fd == 1 ? "child_stdout" : "child_stderr");
    if (!proc_closed) asy_close((asy_handle_t *)&PROC, proc_close_cb);
    case_end();
    ASSERT_EQ(proc_closed, 1);
    return reached;
}

TEST_T(close_sweep_child_stdout, 30000) {
    SWEEP_POINT(child_case(1, AT_BUFFERED));
    SWEEP_POINT(child_case(1, AT_EOF_PENDING));
    SWEEP_POINT(child_case(1, AT_END_EMITTED));
}

TEST_T(close_sweep_child_stderr, 30000) {
    SWEEP_POINT(child_case(2, AT_BUFFERED));
    SWEEP_POINT(child_case(2, AT_EOF_PENDING));
    SWEEP_POINT(child_case(2, AT_END_EMITTED));
}

/* ---- sockets: TCP and Unix, either direction ------------------------------------
 * Reading: the server's side writes the pattern and ends; the client
 * socket is the source.  Writing: a pattern source pipes into the client
 * socket; the server's side reads slowly and counts. */

static asy_server_t SERVER;
static asy_socket_t PEER, CLIENT;
static int peer_accepted, writing_case;
static uint64_t peer_got;
static int peer_corrupt;
static pat_src_t PSRC;
static char unix_path[64];

static void peer_data(asy_stream_t *s, const asy_buf_t *c) {
    size_t i;
    for (i = 0; i < c->len; i++)
        if ((unsigned char)c->data[i] != pat(peer_got + i)) peer_corrupt = 1;
    peer_got += c->len;
    /* a slow reader: the client's write queue backs up */
    asy_stream_pause(s);
}

static void peer_resume(void *arg) {
    asy_stream_t *s = (asy_stream_t *)arg;
    if (!asy_stream_is_destroyed(s)) asy_stream_resume(s);
}

static void peer_pause(asy_stream_t *s) { asy_set_timeout(&L, peer_resume, s, 1); }

/* The client is cut off at every point of its life, so the peer's reads
 * and writes meet resets and broken pipes: expected, and listened to (an
 * 'error' with no listener is uncaught, as in Node). */
static void peer_error(asy_stream_t *s, int err) { (void)s, (void)err; }

static const asy_stream_events_t peer_read_events = {peer_data, NULL, NULL, peer_error, NULL,
                                                   NULL, NULL, peer_pause, NULL};
static const asy_stream_events_t peer_write_events = {NULL, NULL, NULL, peer_error, NULL,
                                                    NULL, NULL, NULL, NULL};

static void peer_write_done(asy_stream_t *s, int status, void *arg) {
    (void)s, (void)status, (void)arg;
}

static const unsigned char *pattern_bytes(void) {
    static unsigned char *all;
    size_t i;
    if (!all) {
        all = (unsigned char *)malloc(TOTAL);
        ASSERT(all != NULL);
        for (i = 0; i < TOTAL; i++) all[i] = pat(i);
    }
    return all;
}

static void peer_release_tail(void) {
    if (!peer_accepted || asy_stream_is_destroyed(&PEER.stream)) return;
    asy_stream_write_bytes(&PEER.stream, pattern_bytes() + SPLIT, TOTAL - SPLIT, peer_write_done,
                           NULL);
    asy_stream_end(&PEER.stream, NULL, NULL);
}

static void on_connection(asy_server_t *srv, int status) {
    ASSERT_OK(status);
    ASSERT_OK(asy_socket_init(&L, &PEER, NULL));
    ASSERT_OK(asy_server_accept(srv, &PEER));
    peer_accepted = 1;
    if (writing_case) {
        asy_stream_set_events(&PEER.stream, &peer_read_events);
    } else {
        /* the whole pattern at once, then end: the stream buffers it; for
         * eof_pending the tail and the end wait for release_tail */
        size_t first;
        asy_stream_set_events(&PEER.stream, &peer_write_events);
        first = C.point == AT_EOF_PENDING ? SPLIT : TOTAL;
        asy_stream_write_bytes(&PEER.stream, pattern_bytes(), first, peer_write_done, NULL);
        if (first == TOTAL) asy_stream_end(&PEER.stream, NULL, NULL);
    }
    asy_server_close(srv, NULL);
}

static void destroy_client(sweep_case *c) {
    (void)c;
    asy_stream_destroy(&CLIENT.stream, 0);
}

static uint64_t peer_delivered(sweep_case *c) {
    (void)c;
    return peer_got;
}

static int socket_case(int use_unix, int writing, point_t point) {
    asy_addr_t addr;
    int reached;
    case_begin(point);
    peer_accepted = 0;
    peer_got = 0;
    peer_corrupt = 0;
    writing_case = writing;
    if (use_unix) {
        snprintf(unix_path, sizeof(unix_path), "/tmp/asyt-sweep-%d.sock", (int)getpid());
        unlink(unix_path);
        ASSERT_OK(asy_server_listen_path(&L, &SERVER, unix_path, 8, on_connection));
    } else {
        ASSERT_OK(asy_server_listen(&L, &SERVER, "127.0.0.1", 0, 8, 0, on_connection));
        ASSERT_OK(asy_server_address(&SERVER, &addr));
    }
    ASSERT_OK(asy_socket_init(&L, &CLIENT, NULL));
    if (use_unix)
        ASSERT_OK(asy_socket_connect_path(&CLIENT, unix_path, NULL));
    else
        ASSERT_OK(asy_socket_connect(&CLIENT, "127.0.0.1", asy_addr_port(&addr), NULL));
    C.close_owner = destroy_client;
    if (writing) {
        asy_stream_t *all[2];
        memset(&PSRC, 0, sizeof(PSRC));
        ASSERT_OK(asy_readable_init(&L, &PSRC.s, &pat_src_impl, NULL));
        all[0] = &PSRC.s;
        all[1] = &CLIENT.stream;
        C.watched = &CLIENT.stream;
        C.delivered = peer_delivered;
        asy_stream_set_events(&PSRC.s, &upstream_events);
        ASSERT_OK(asy_pipeline(all, 2, on_pipeline, NULL));
    } else {
        pipe_to_sink(&CLIENT.stream);
        if (point == AT_EOF_PENDING) C.release_tail = peer_release_tail;
    }
    reached = case_run_and_check(use_unix ? (writing ? "unix_write" : "unix_read")
                                          : (writing ? "tcp_write" : "tcp_read"));
    ASSERT_EQ(peer_corrupt, 0);
    if (peer_accepted && !asy_stream_is_destroyed(&PEER.stream))
        asy_stream_destroy(&PEER.stream, 0);
    case_end();
    if (use_unix) unlink(unix_path);
    return reached;
}

TEST_T(close_sweep_tcp, 30000) {
    SWEEP_POINT(socket_case(0, 0, AT_BUFFERED));
    SWEEP_POINT(socket_case(0, 0, AT_EOF_PENDING));
    SWEEP_POINT(socket_case(0, 0, AT_END_EMITTED));
    SWEEP_POINT(socket_case(0, 1, AT_FINISH_PENDING));
}

TEST_T(close_sweep_unix, 30000) {
    SWEEP_POINT(socket_case(1, 0, AT_BUFFERED));
    SWEEP_POINT(socket_case(1, 0, AT_EOF_PENDING));
    SWEEP_POINT(socket_case(1, 0, AT_END_EMITTED));
    SWEEP_POINT(socket_case(1, 1, AT_FINISH_PENDING));
}

/* ---- a pipe fd as a socket, written by a child ----------------------------------- */

static asy_socket_t PIPE_SOCK;

static void destroy_pipe(sweep_case *c) {
    (void)c;
    asy_stream_destroy(&PIPE_SOCK.stream, 0);
}

static int pipe_case(point_t point) {
    char count[32], split[32];
    const char *argv[5];
    asy_process_opts_t o;
    int fds[2], reached;
    case_begin(point);
    proc_closed = 0;
    ASSERT_OK(pipe2(fds, O_CLOEXEC)); /* the child must hold no read end */
    snprintf(count, sizeof(count), "%u", TOTAL);
    snprintf(split, sizeof(split), "%u", SPLIT);
    argv[0] = "./helpers/pattern";
    argv[1] = count;
    argv[2] = "1";
    argv[3] = point == AT_EOF_PENDING ? split : NULL;
    argv[4] = NULL;
    memset(&o, 0, sizeof(o));
    o.stdio[1].kind = ASY_STDIO_FD;
    o.stdio[1].fd = fds[1];
    ASSERT_OK(asy_spawn(&L, &PROC, argv[0], argv, &o, NULL));
    close(fds[1]);
    ASSERT_OK(asy_socket_init(&L, &PIPE_SOCK, NULL));
    ASSERT_OK(asy_socket_open(&PIPE_SOCK, fds[0]));
    C.close_owner = destroy_pipe;
    if (point == AT_EOF_PENDING) C.release_tail = child_release_tail;
    pipe_to_sink(&PIPE_SOCK.stream);
    reached = case_run_and_check("pipe");
    asy_close((asy_handle_t *)&PROC, proc_close_cb);
    case_end();
    return reached;
}

TEST_T(close_sweep_pipe, 30000) {
    SWEEP_POINT(pipe_case(AT_BUFFERED));
    SWEEP_POINT(pipe_case(AT_EOF_PENDING));
    SWEEP_POINT(pipe_case(AT_END_EMITTED));
}

/* ---- a file read stream ------------------------------------------------------------- */

static asy_fs_stream_t FILE_STREAM;

static void destroy_file(sweep_case *c) {
    (void)c;
    asy_stream_destroy(&FILE_STREAM.stream, 0);
}

static int file_case(const char *path, point_t point) {
    int reached;
    case_begin(point);
    ASSERT_OK(asy_fs_create_read_stream(&L, &FILE_STREAM, path, NULL));
    C.close_owner = destroy_file;
    pipe_to_sink(&FILE_STREAM.stream);
    reached = case_run_and_check("file");
    case_end();
    return reached;
}

TEST_T(close_sweep_file_read_stream, 30000) {
    char path[64];
    unsigned char *b = (unsigned char *)malloc(TOTAL);
    FILE *f;
    size_t i;
    ASSERT(b != NULL);
    for (i = 0; i < TOTAL; i++) b[i] = pat(i);
    snprintf(path, sizeof(path), "/tmp/asyt-sweep-%d.bin", (int)getpid());
    f = fopen(path, "wb");
    ASSERT(f != NULL);
    ASSERT_EQ(fwrite(b, 1, TOTAL, f), (size_t)TOTAL);
    fclose(f);
    free(b);
    SWEEP_POINT(file_case(path, AT_BUFFERED));
    SWEEP_POINT(file_case(path, AT_EOF_PENDING));
    SWEEP_POINT(file_case(path, AT_END_EMITTED));
    unlink(path);
}

/* ---- a Transform between a fast source and the slow sink ---------------------------- */

static asy_stream_t XFORM;

static void destroy_transform(sweep_case *c) {
    (void)c;
    asy_stream_destroy(&XFORM, 0);
}

static int transform_case(point_t point) {
    asy_stream_t *all[3];
    int reached;
    case_begin(point);
    memset(&PSRC, 0, sizeof(PSRC));
    ASSERT_OK(asy_readable_init(&L, &PSRC.s, &pat_src_impl, NULL));
    ASSERT_OK(asy_transform_init(&L, &XFORM, &pass_impl, NULL));
    C.close_owner = destroy_transform;
    C.watched = &XFORM;
    asy_stream_set_events(&XFORM, &watched_events);
    if (point == AT_FINISH_PENDING) asy_stream_set_events(&PSRC.s, &upstream_events);
    all[0] = &PSRC.s;
    all[1] = &XFORM;
    all[2] = &SINK.s;
    ASSERT_OK(asy_pipeline(all, 3, on_pipeline, NULL));
    reached = case_run_and_check("transform");
    case_end();
    return reached;
}

TEST_T(close_sweep_transform, 30000) {
    SWEEP_POINT(transform_case(AT_BUFFERED));
    SWEEP_POINT(transform_case(AT_EOF_PENDING));
    SWEEP_POINT(transform_case(AT_END_EMITTED));
    SWEEP_POINT(transform_case(AT_FINISH_PENDING));
}
