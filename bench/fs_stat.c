/* fs_stat: asynchronous stat calls per second at concurrency 1, 4 and 32.
 *
 * CONC requests are kept in flight: each callback issues the next stat of
 * the same small file (in a fresh temporary directory) until TOTAL stats
 * have completed.  At concurrency 1 this is the latency of one pool round
 * trip plus statx; at 32 the pool's throughput.  Pool size: the default.
 *
 * Twin: bench/peers/fs_stat_uv.c, the same with uv_fs_stat.
 *
 *   BENCH fs_stat_c1 <stats/s> stats/s higher   (and _c4, _c32) */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>

static asy_loop_t loop;
static asy_fs_t reqs[32];
static long issued, completed, total;
static char path[512];

static void on_stat(asy_fs_t *req) {
    if (req->result != 0 || req->statbuf.size != 5) {
        char msg[600];
        fprintf(stderr, "fs_stat: %s\n", asy_fs_error(req, msg, sizeof msg));
        exit(1);
    }
    completed++;
    if (issued < total) {
        issued++;
        if (asy_fs_stat(&loop, req, path, on_stat) != 0) exit(1);
    }
}

static double run(int conc, long n) {
    uint64_t t0;
    int i;
    issued = completed = 0;
    total = n;
    t0 = asy_hrtime();
    for (i = 0; i < conc; i++) {
        issued++;
        if (asy_fs_stat(&loop, &reqs[i], path, on_stat) != 0) exit(1);
    }
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (completed != n) exit(1);
    return n / ((asy_hrtime() - t0) / 1e9);
}

int main(void) {
    asy_fs_t r;
    char dir[256];
    static const int concs[] = {1, 4, 32};
    int i;
    if (asy_fs_mkdtemp_sync(&r, "/tmp/asyrt-bench-") != 0) return 1;
    snprintf(dir, sizeof dir, "%s", r.buf);
    asy_fs_req_cleanup(&r);
    snprintf(path, sizeof path, "%s/file", dir);
    if (asy_fs_write_file_sync(&r, path, "hello", 5, 0) != 5) return 1;
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    run(4, 20000); /* warm-up: threads started, caches hot */
    for (i = 0; i < 3; i++) {
        double v = run(concs[i], 200000);
        printf("BENCH fs_stat_c%d %.0f stats/s higher\n", concs[i], v);
    }
    if (asy_loop_close(&loop) != 0) return 1;
    asy_fs_rm_sync(&r, dir, ASY_FS_RECURSIVE);
    asy_fs_req_cleanup(&r);
    return 0;
}
