/* libuv twin of bench/fs_stat.c: uv_fs_stat at concurrency 1, 4 and 32,
 * the same counts and warm-up, on a small file in a fresh temporary
 * directory.
 *
 *   BENCH fs_stat_c1 <stats/s> stats/s higher   (and _c4, _c32) */
#include <uv.h>

#include <stdio.h>
#include <stdlib.h>

static uv_loop_t *loop;
static uv_fs_t reqs[32];
static long issued, completed, total;
static char path[512];

static void on_stat(uv_fs_t *req) {
    if (req->result != 0 || req->statbuf.st_size != 5) {
        fprintf(stderr, "fs_stat_uv: %s\n", uv_strerror((int)req->result));
        exit(1);
    }
    uv_fs_req_cleanup(req);
    completed++;
    if (issued < total) {
        issued++;
        if (uv_fs_stat(loop, req, path, on_stat) != 0) exit(1);
    }
}

static double run(int conc, long n) {
    uint64_t t0;
    int i;
    issued = completed = 0;
    total = n;
    t0 = uv_hrtime();
    for (i = 0; i < conc; i++) {
        issued++;
        if (uv_fs_stat(loop, &reqs[i], path, on_stat) != 0) exit(1);
    }
    uv_run(loop, UV_RUN_DEFAULT);
    if (completed != n) exit(1);
    return n / ((uv_hrtime() - t0) / 1e9);
}

int main(void) {
    uv_fs_t r;
    uv_buf_t b;
    char dir[256];
    static const int concs[] = {1, 4, 32};
    int i, fd;
    loop = uv_default_loop();
    if (uv_fs_mkdtemp(NULL, &r, "/tmp/uv-bench-XXXXXX", NULL) != 0) return 1;
    snprintf(dir, sizeof dir, "%s", r.path);
    uv_fs_req_cleanup(&r);
    snprintf(path, sizeof path, "%s/file", dir);
    fd = uv_fs_open(NULL, &r, path, UV_FS_O_WRONLY | UV_FS_O_CREAT, 0644, NULL);
    uv_fs_req_cleanup(&r);
    b = uv_buf_init("hello", 5);
    if (fd < 0 || uv_fs_write(NULL, &r, fd, &b, 1, 0, NULL) != 5) return 1;
    uv_fs_req_cleanup(&r);
    uv_fs_close(NULL, &r, fd, NULL);
    uv_fs_req_cleanup(&r);
    run(4, 20000);
    for (i = 0; i < 3; i++) {
        double v = run(concs[i], 200000);
        printf("BENCH fs_stat_c%d %.0f stats/s higher\n", concs[i], v);
    }
    uv_fs_unlink(NULL, &r, path, NULL);
    uv_fs_req_cleanup(&r);
    uv_fs_rmdir(NULL, &r, dir, NULL);
    uv_fs_req_cleanup(&r);
    uv_loop_close(loop);
    return 0;
}
