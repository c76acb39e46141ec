/* The ceiling for bench/gzip.c's gzip_1k_oneshot: gzip (level 6) of the
 * same 1 KiB messages at the same shifting offsets, calling zlib directly
 * with no library around it, four ways:
 *
 *   init_end      deflateInit2 + deflate + deflateEnd per message, window
 *                 15, memLevel 8 (what a fresh gzipSync does: Node)
 *   init_end_fit  the same with the window and hash sized to the input
 *                 (windowBits 11, memLevel 5 for 1 KiB)
 *   reset         one z_stream kept, deflateReset per message, 15 / 8
 *   reset_fit     one z_stream kept, deflateReset, 11 / 5
 *
 * The best of them is the ceiling (BENCH gzip_1k_raw).  Every variant must
 * produce the same total output bytes as init_end (the ratio is
 * unchanged) and every message must gunzip back, or the program fails.
 *
 *   gzip_1k_raw [messages]   (default 20000, as bench/gzip.c)
 *   BENCH gzip_1k_raw_init_end <calls/s> calls/s higher
 *   ...
 *   BENCH gzip_1k_raw <calls/s> calls/s higher   (the best) */
#include <stdio.h>
#include <time.h>
#include <zlib.h>

#include "../gzip_data.h"

#define MSG 1024

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const uint8_t *message(const uint8_t *block, size_t i) {
    return block + (i * 4099) % (GZ_BLOCK - MSG);
}

/* One message through zs (already initialised): its output size, or 0. */
static size_t one(z_stream *zs, const uint8_t *in, uint8_t *out, size_t cap) {
    zs->next_in = (Bytef *)(uintptr_t)in;
    zs->avail_in = MSG;
    zs->next_out = out;
    zs->avail_out = (uInt)cap;
    if (deflate(zs, Z_FINISH) != Z_STREAM_END) return 0;
    return cap - zs->avail_out;
}

static int check(const uint8_t *in, const uint8_t *gz, size_t len) {
    uint8_t back[MSG];
    z_stream zs;
    int r;
    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 31) != Z_OK) return -1;
    zs.next_in = (Bytef *)(uintptr_t)gz;
    zs.avail_in = (uInt)len;
    zs.next_out = back;
    zs.avail_out = MSG;
    r = inflate(&zs, Z_FINISH);
    inflateEnd(&zs);
    return r == Z_STREAM_END && zs.total_out == MSG && memcmp(back, in, MSG) == 0 ? 0 : -1;
}

/* calls/s of one variant; *total gets the output bytes. */
static double run(const uint8_t *block, size_t n, int keep, int wb, int ml, size_t *total) {
    uint8_t out[2 * MSG + 64];
    z_stream zs;
    size_t i, len;
    double t0 = now();
    *total = 0;
    memset(&zs, 0, sizeof(zs));
    if (keep && deflateInit2(&zs, 6, Z_DEFLATED, 16 + wb, ml, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    for (i = 0; i < n; i++) {
        if (keep) {
            if (deflateReset(&zs) != Z_OK) return -1;
        } else if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + wb, ml, Z_DEFAULT_STRATEGY) != Z_OK) {
            return -1;
        }
        if (!(len = one(&zs, message(block, i), out, sizeof(out)))) return -1;
        if (!keep) deflateEnd(&zs);
        *total += len;
        if (i < 64 && check(message(block, i), out, len) != 0) return -1;
    }
    if (keep) deflateEnd(&zs);
    return n / (now() - t0);
}

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        int keep, wb, ml;
    } v[] = {{"init_end", 0, 15, 8}, {"init_end_fit", 0, 11, 5}, {"reset", 1, 15, 8},
             {"reset_fit", 1, 11, 5}};
    size_t n = argc > 1 ? (size_t)atoi(argv[1]) : 20000, total, total0 = 0;
    uint8_t *block = gz_block();
    double best = 0, r;
    unsigned k;
    if (!block || !n) return 1;
    for (k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
        if ((r = run(block, n, v[k].keep, v[k].wb, v[k].ml, &total)) < 0) {
            fprintf(stderr, "gzip_1k_raw: %s failed\n", v[k].name);
            return 1;
        }
        if (k == 0) total0 = total;
        printf("BENCH gzip_1k_raw_%s %.0f calls/s higher\n", v[k].name, r);
        printf("# %s: %zu output bytes (%+.3f%% vs init_end)\n", v[k].name, total,
               100.0 * ((double)total - (double)total0) / (double)total0);
        if (total != total0) {
            fprintf(stderr, "gzip_1k_raw: %s changes the output size\n", v[k].name);
            return 1;
        }
        if (r > best) best = r;
    }
    printf("BENCH gzip_1k_raw %.0f calls/s higher\n", best);
    return 0;
}
