/* libuv twin of bench/spawn.c: /bin/echo with stdout piped, read to EOF,
 * exit reaped, four in flight. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define TOTAL 3000
#define INFLIGHT 4

typedef struct {
    uv_process_t proc;
    uv_pipe_t out;
    int exited, eof, closes, slot;
} child_t;

static uv_loop_t *loop;
static child_t kids[INFLIGHT];
static int started, finished;
static size_t bytes;
static char rbuf[65536];

static void start_one(int slot);

static void on_handle_closed(uv_handle_t *h) {
    child_t *c = (child_t *)h->data;
    if (++c->closes == 2 && started < TOTAL) start_one(c->slot);
}

static void maybe_done(child_t *c) {
    if (!c->exited || !c->eof) return;
    finished++;
    uv_close((uv_handle_t *)&c->proc, on_handle_closed);
    uv_close((uv_handle_t *)&c->out, on_handle_closed);
}

static void on_exit_cb(uv_process_t *p, int64_t status, int sig) {
    child_t *c = (child_t *)p->data;
    if (status != 0 || sig != 0) {
        fprintf(stderr, "child failed\n");
        exit(1);
    }
    c->exited = 1;
    maybe_done(c);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b) {
    (void)h;
    (void)hint;
    b->base = rbuf;
    b->len = sizeof(rbuf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
    child_t *c = (child_t *)s->data;
    (void)b;
    if (n > 0) bytes += (size_t)n;
    if (n < 0) {
        uv_read_stop(s);
        c->eof = 1;
        maybe_done(c);
    }
}

static void start_one(int slot) {
    static char *argv[] = {"echo", "hello", NULL};
    child_t *c = &kids[slot];
    uv_process_options_t o;
    uv_stdio_container_t stdio[3];
    memset(c, 0, sizeof(*c));
    c->slot = slot;
    c->proc.data = c->out.data = c;
    uv_pipe_init(loop, &c->out, 0);
    memset(&o, 0, sizeof(o));
    stdio[0].flags = UV_IGNORE;
    stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
    stdio[1].data.stream = (uv_stream_t *)&c->out;
    stdio[2].flags = UV_INHERIT_FD;
    stdio[2].data.fd = 2;
    o.file = "/bin/echo";
    o.args = argv;
    o.stdio = stdio;
    o.stdio_count = 3;
    o.exit_cb = on_exit_cb;
    started++;
    if (uv_spawn(loop, &c->proc, &o) != 0 ||
        uv_read_start((uv_stream_t *)&c->out, on_alloc, on_read) != 0) {
        fprintf(stderr, "spawn failed\n");
        exit(1);
    }
}

int main(void) {
    uint64_t t0;
    int i;
    loop = uv_default_loop();
    t0 = uv_hrtime();
    for (i = 0; i < INFLIGHT; i++) start_one(i);
    uv_run(loop, UV_RUN_DEFAULT);
    if (finished != TOTAL || bytes != (size_t)TOTAL * 6) {
        fprintf(stderr, "finished %d, %zu bytes\n", finished, bytes);
        return 1;
    }
    printf("BENCH spawns_per_s %.0f spawns/s higher\n",
           (double)TOTAL / ((double)(uv_hrtime() - t0) / 1e9));
    return 0;
}
