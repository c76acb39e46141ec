/* fs_stream_copy: copy a 256 MiB file with
 * pipeline(createReadStream(src), createWriteStream(dst)), default options
 * (64 KiB reads, a 16 KiB write highWaterMark), ROUNDS times; the figure
 * is MB (10^6 bytes) copied per second.  The source is written first (so
 * it is in the page cache for both sides); each round writes a fresh
 * destination, whose size is checked.
 *
 * Twin: bench/peers/fs_stream_copy.mjs, the same with node:fs streams and
 * node:stream/promises pipeline.
 *
 *   BENCH fs_stream_copy <MB/s> MB/s higher */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE (256u * 1024 * 1024)
#define ROUNDS 3

static int status = 1;
static void done(asy_stream_t *last, int st, void *arg) {
    (void)last;
    (void)arg;
    status = st;
}

int main(void) {
    asy_loop_t loop;
    asy_fs_stream_t in, out;
    asy_stream_t *both[2];
    asy_fs_t r;
    char dir[256], src[512], dst[512];
    uint8_t *data;
    uint64_t t0, ns = 0;
    size_t i;
    int round;
    if (asy_fs_mkdtemp_sync(&r, "/tmp/asyrt-bench-") != 0) return 1;
    snprintf(dir, sizeof dir, "%s", r.buf);
    asy_fs_req_cleanup(&r);
    snprintf(src, sizeof src, "%s/src.bin", dir);
    snprintf(dst, sizeof dst, "%s/dst.bin", dir);
    if (!(data = (uint8_t *)malloc(SIZE))) return 1;
    for (i = 0; i < SIZE; i++) data[i] = (uint8_t)((uint32_t)i * 2654435761u >> 13);
    if (asy_fs_write_file_sync(&r, src, data, SIZE, 0) < 0) return 1;
    asy_fs_req_cleanup(&r);
    free(data);
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    for (round = 0; round < ROUNDS; round++) {
        asy_fs_unlink_sync(&r, dst); /* every round creates its file */
        asy_fs_req_cleanup(&r);
        t0 = asy_hrtime();
        if (asy_fs_create_read_stream(&loop, &in, src, NULL) != 0 ||
            asy_fs_create_write_stream(&loop, &out, dst, NULL) != 0)
            return 1;
        both[0] = &in.stream;
        both[1] = &out.stream;
        status = 1;
        if (asy_pipeline(both, 2, done, NULL) != 0) return 1;
        asy_run(&loop, ASY_RUN_DEFAULT);
        ns += asy_hrtime() - t0;
        if (status != 0 || asy_fs_stream_bytes_written(&out) != SIZE) {
            fprintf(stderr, "fs_stream_copy: status %d, %llu bytes\n", status,
                    (unsigned long long)asy_fs_stream_bytes_written(&out));
            return 1;
        }
        if (asy_fs_stat_sync(&r, dst) != 0 || r.statbuf.size != SIZE) return 1;
    }
    printf("BENCH fs_stream_copy %.0f MB/s higher\n", (double)SIZE * ROUNDS / 1e6 / (ns / 1e9));
    asy_loop_close(&loop);
    asy_fs_rm_sync(&r, dir, ASY_FS_RECURSIVE);
    asy_fs_req_cleanup(&r);
    return 0;
}
