/* spawn: how many children per second can be started, their stdout piped
 * and read to EOF, and their exit reaped.  The child is /bin/echo; four
 * are in flight at a time.  Twin: peers/spawn_uv.c. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>

#define TOTAL 3000
#define INFLIGHT 4

static asy_loop_t loop;
static asy_process_t procs[INFLIGHT];
static int started, finished;
static size_t bytes;

static void start_one(int slot);

static void on_read(asy_process_t *p, int fd, const char *data, long n) {
    (void)p;
    (void)fd;
    (void)data;
    if (n > 0) bytes += (size_t)n;
}

static void on_closed(asy_handle_t *h) {
    int slot = (int)((asy_process_t *)h - procs);
    if (started < TOTAL) start_one(slot);
}

/* 'close': exited and stdout at EOF */
static void on_done(asy_process_t *p, int status, int code, int sig) {
    (void)sig;
    if (status != 0 || code != 0) {
        fprintf(stderr, "child failed: %s %d\n", asy_err_name(status), code);
        exit(1);
    }
    finished++;
    asy_close((asy_handle_t *)p, on_closed);
}

static void start_one(int slot) {
    static const char *argv[] = {"echo", "hello", NULL};
    asy_process_opts_t o;
    memset(&o, 0, sizeof(o));
    o.stdio[0].kind = ASY_STDIO_IGNORE;
    o.stdio[2].kind = ASY_STDIO_INHERIT;
    o.on_close = on_done;
    started++;
    if (asy_spawn(&loop, &procs[slot], "/bin/echo", argv, &o, NULL) != 0 ||
        asy_process_read_start(&procs[slot], 1, on_read) != 0) {
        fprintf(stderr, "spawn failed\n");
        exit(1);
    }
}

int main(void) {
    uint64_t t0;
    int i;
    asy_loop_init(&loop, NULL);
    t0 = asy_hrtime();
    for (i = 0; i < INFLIGHT; i++) start_one(i);
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (finished != TOTAL || bytes != (size_t)TOTAL * 6) {
        fprintf(stderr, "finished %d, %zu bytes\n", finished, bytes);
        return 1;
    }
    printf("BENCH spawns_per_s %.0f spawns/s higher\n",
           (double)TOTAL / ((double)(asy_hrtime() - t0) / 1e9));
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
