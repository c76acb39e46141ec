/* gzip: the seed's compress pipeline on a 256 MiB text file,
 * pipeline(createReadStream(src), createGzip(), createWriteStream(dst)),
 * then the reverse with createGunzip; the same file through `gzip -6` and
 * `gunzip` (the CLI, in this same run); zlib's raw in-memory deflate on
 * 64 MiB of the same text (the ceiling, as bench/ceiling/gzip_raw.c); and
 * one-shot gzip of 1 KiB messages (zlib.gzipSync).  Figures are MB (10^6
 * bytes) of uncompressed text per second, and calls per second.
 *
 * Twin: bench/peers/gzip.mjs, the same with node:zlib (the pipeline and
 * gzipSync parts).
 *
 *   BENCH gzip_pipeline <MB/s> MB/s higher
 *   BENCH gunzip_pipeline <MB/s> MB/s higher
 *   BENCH gzip_1k_oneshot <calls/s> calls/s higher
 *   BENCH gzip_cli <MB/s> MB/s higher             (gzip -6, same file)
 *   BENCH gunzip_cli <MB/s> MB/s higher
 *   BENCH gzip_raw_ceiling <MB/s> MB/s higher      (deflate in memory)
 *   BENCH gzip_vs_cli <x> x higher                 (pipeline / CLI)
 *   BENCH gzip_vs_ceiling <x> x higher             (pipeline / ceiling) */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gzip_data.h"

#define SIZE (256u * 1024 * 1024)
#define CEIL_SIZE (64u * 1024 * 1024)
#define MESSAGES 20000

static int status = 1;
static void done(asy_stream_t *last, int st, void *arg) {
    (void)last;
    (void)arg;
    status = st;
}

/* One pipeline file -> zlib -> file; its seconds, or -1. */
static double run_pipeline(asy_loop_t *loop, const char *src, const char *dst, int gunzip) {
    asy_fs_stream_t in, out;
    asy_zlib_t z;
    asy_stream_t *s[3];
    asy_fs_t r;
    uint64_t t0;
    asy_fs_unlink_sync(&r, dst);
    asy_fs_req_cleanup(&r);
    t0 = asy_hrtime();
    if (asy_fs_create_read_stream(loop, &in, src, NULL) != 0 ||
        (gunzip ? asy_zlib_gunzip(loop, &z, NULL) : asy_zlib_gzip(loop, &z, NULL)) != 0 ||
        asy_fs_create_write_stream(loop, &out, dst, NULL) != 0)
        return -1;
    s[0] = &in.stream;
    s[1] = &z.stream;
    s[2] = &out.stream;
    status = 1;
    if (asy_pipeline(s, 3, done, NULL) != 0) return -1;
    asy_run(loop, ASY_RUN_DEFAULT);
    if (status != 0) {
        fprintf(stderr, "gzip: pipeline failed: %s\n", asy_err_name(status));
        return -1;
    }
    return (asy_hrtime() - t0) / 1e9;
}

static double run_cmd(const char *cmd) {
    uint64_t t0 = asy_hrtime();
    if (system(cmd) != 0) {
        fprintf(stderr, "gzip: '%s' failed\n", cmd);
        return -1;
    }
    return (asy_hrtime() - t0) / 1e9;
}

/* zlib alone: deflate (gzip, level 6) over 64 KiB inputs in memory. */
static double ceiling(const uint8_t *block) {
    size_t n = CEIL_SIZE, i, cap = n + n / 100 + 4096;
    uint8_t *out = (uint8_t *)malloc(cap);
    z_stream zs;
    uint64_t t0;
    double sec;
    if (!out) return -1;
    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    t0 = asy_hrtime();
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    for (i = 0; i < n; i += 65536) {
        zs.next_in = (Bytef *)(uintptr_t)(block + (i % GZ_BLOCK));
        zs.avail_in = 65536;
        if (deflate(&zs, i + 65536 >= n ? Z_FINISH : Z_NO_FLUSH) == Z_STREAM_ERROR) return -1;
    }
    sec = (asy_hrtime() - t0) / 1e9;
    deflateEnd(&zs);
    free(out);
    return n / 1e6 / sec;
}

int main(void) {
    asy_loop_t loop;
    asy_fs_t r;
    char dir[256], src[512], gz[512], back[512], cmd[2048];
    uint8_t *block = gz_block();
    double tgz, tgun, tcli, tcligun, ceil_mbs, t;
    uint64_t t0;
    size_t i, total = 0;
    FILE *f;
    if (!block || asy_fs_mkdtemp_sync(&r, "/tmp/asyrt-bench-") != 0) return 1;
    snprintf(dir, sizeof dir, "%s", r.buf);
    asy_fs_req_cleanup(&r);
    snprintf(src, sizeof src, "%s/src.txt", dir);
    snprintf(gz, sizeof gz, "%s/src.txt.gz", dir);
    snprintf(back, sizeof back, "%s/back.txt", dir);
    if (!(f = fopen(src, "wb"))) return 1;
    for (i = 0; i < SIZE / GZ_BLOCK; i++)
        if (fwrite(block, 1, GZ_BLOCK, f) != GZ_BLOCK) return 1;
    fclose(f);
    if (asy_loop_init(&loop, NULL) != 0) return 1;

    if ((tgz = run_pipeline(&loop, src, gz, 0)) < 0) return 1;
    if ((tgun = run_pipeline(&loop, gz, back, 1)) < 0) return 1;
    if (asy_fs_stat_sync(&r, back) != 0 || r.statbuf.size != SIZE) return 1;
    snprintf(cmd, sizeof cmd, "gzip -6 -c '%s' > '%s/cli.gz'", src, dir);
    if ((tcli = run_cmd(cmd)) < 0) return 1;
    snprintf(cmd, sizeof cmd, "gunzip -c '%s/cli.gz' > '%s/cli.txt'", dir, dir);
    if ((tcligun = run_cmd(cmd)) < 0) return 1;
    if ((ceil_mbs = ceiling(block)) < 0) return 1;

    /* zlib.gzipSync(message) for 1 KiB messages at shifting offsets */
    t0 = asy_hrtime();
    for (i = 0; i < MESSAGES; i++) {
        asy_buf_t out;
        if (asy_zlib_gzip_sync(block + (i * 4099) % (GZ_BLOCK - 1024), 1024, NULL, &out) != 0)
            return 1;
        total += out.len;
        asy_buf_release(&out);
    }
    t = (asy_hrtime() - t0) / 1e9;
    if (total < MESSAGES * 100) return 1;

    printf("BENCH gzip_pipeline %.1f MB/s higher\n", SIZE / 1e6 / tgz);
    printf("BENCH gunzip_pipeline %.1f MB/s higher\n", SIZE / 1e6 / tgun);
    printf("BENCH gzip_1k_oneshot %.0f calls/s higher\n", MESSAGES / t);
    printf("BENCH gzip_cli %.1f MB/s higher\n", SIZE / 1e6 / tcli);
    printf("BENCH gunzip_cli %.1f MB/s higher\n", SIZE / 1e6 / tcligun);
    printf("BENCH gzip_raw_ceiling %.1f MB/s higher\n", ceil_mbs);
    printf("BENCH gzip_vs_cli %.3f x higher\n", tcli / tgz);
    printf("BENCH gzip_vs_ceiling %.3f x higher\n", SIZE / 1e6 / tgz / ceil_mbs);
    asy_loop_close(&loop);
    asy_fs_rm_sync(&r, dir, ASY_FS_RECURSIVE);
    asy_fs_req_cleanup(&r);
    return 0;
}
