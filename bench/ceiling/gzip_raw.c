/* The ceiling for bench/gzip.c: zlib's own deflate (gzip wrapper, level
 * 6, one deflate() call per 64 KiB as a stream would) and inflate on an
 * in-memory copy of the bench's text, no files, no threads, no library.
 * A pipeline cannot compress faster than this on the same machine.
 *
 *   gzip_raw [MiB]      (default 64)
 *   BENCH gzip_raw_deflate <MB/s> MB/s higher
 *   BENCH gzip_raw_inflate <MB/s> MB/s higher */
#include <stdio.h>
#include <time.h>
#include <zlib.h>

#include "../gzip_data.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    size_t mib = argc > 1 ? (size_t)atoi(argv[1]) : 64, n = mib << 20, i, clen;
    uint8_t *block = gz_block(), *src = (uint8_t *)malloc(n), *dst, *back;
    z_stream zs;
    double t0, td, ti;
    if (!block || !src || !mib) return 1;
    for (i = 0; i < mib; i++) memcpy(src + (i << 20), block, GZ_BLOCK);
    dst = (uint8_t *)malloc(n + n / 100 + 4096);
    back = (uint8_t *)malloc(n);
    if (!dst || !back) return 1;
    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 1;
    t0 = now();
    zs.next_out = dst;
    zs.avail_out = (uInt)(n + n / 100 + 4096);
    for (i = 0; i < n; i += 65536) {
        zs.next_in = src + i;
        zs.avail_in = 65536;
        if (deflate(&zs, i + 65536 >= n ? Z_FINISH : Z_NO_FLUSH) == Z_STREAM_ERROR) return 1;
    }
    td = now() - t0;
    clen = zs.total_out;
    deflateEnd(&zs);
    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 31) != Z_OK) return 1;
    t0 = now();
    zs.next_in = dst;
    zs.avail_in = (uInt)clen;
    zs.next_out = back;
    zs.avail_out = (uInt)n;
    if (inflate(&zs, Z_FINISH) != Z_STREAM_END || zs.total_out != n) return 1;
    ti = now() - t0;
    inflateEnd(&zs);
    if (memcmp(src, back, n) != 0) return 1;
    printf("BENCH gzip_raw_deflate %.1f MB/s higher\n", n / 1e6 / td);
    printf("BENCH gzip_raw_inflate %.1f MB/s higher\n", n / 1e6 / ti);
    return 0;
}
