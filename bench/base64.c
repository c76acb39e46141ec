/* base64 and hex throughput of asy_buf (twin: bench/peers/base64.mjs).
 *
 * Every metric is GB/s (1e9 bytes per second) of *binary* data: bytes
 * encoded, or bytes produced by decoding.  Each operation is the public
 * allocating call a program makes (asy_buf_to_string + asy_free, or
 * asy_buf_from_stringn + asy_buf_release); Node does the same with
 * buf.toString(enc) and Buffer.from(string, enc).
 *
 * Two sizes: 64 KiB (the unsuffixed metrics: the chunk size of Node's file
 * streams, where the codec itself is measured) and 1 MiB (`_1m`: input and
 * output no longer fit in L2, so both sides approach memory bandwidth).
 * Each metric runs for about BENCH_SECONDS (default 1).
 *
 * base64_decode is the default strict decoder; base64_decode_lenient is the
 * Node-compatible one (what Buffer.from does, so the twin times the same
 * call for both). */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double seconds_per_metric(void) {
    const char *s = getenv("BENCH_SECONDS");
    double v = s ? atof(s) : 1.0;
    return v > 0 ? v : 1.0;
}

static volatile size_t sink;

/* Runs op in batches until the time is up; returns GB/s over the run.  A
 * warm-up of half that time comes first (caches, allocator; on the Node
 * side the JIT and the heap sizing, which take a while to settle). */
static double run(int (*op)(void *), void *arg, size_t bytes_per_op) {
    uint64_t t0, t, limit = (uint64_t)(seconds_per_metric() * 1e9);
    size_t ops = 0;
    int i;
    t0 = asy_hrtime();
    while (asy_hrtime() - t0 < limit / 2)
        for (i = 0; i < 16; i++) op(arg);
    t0 = asy_hrtime();
    do {
        for (i = 0; i < 16; i++) {
            if (op(arg) < 0) {
                fprintf(stderr, "operation failed\n");
                exit(1);
            }
        }
        ops += 16;
        t = asy_hrtime() - t0;
    } while (t < limit);
    return (double)bytes_per_op * (double)ops / (double)t;
}

typedef struct {
    asy_buf_t bin;
    char *text;
    size_t text_len;
    asy_encoding_t enc;
    unsigned flags;
} job;

static int op_encode(void *arg) {
    job *j = (job *)arg;
    char *s;
    size_t n;
    int r = asy_buf_to_string(&j->bin, j->enc, &s, &n);
    if (r < 0) return r;
    sink += (unsigned char)s[n / 2];
    asy_free(s);
    return 0;
}

static int op_decode(void *arg) {
    job *j = (job *)arg;
    asy_buf_t b;
    int r = asy_buf_from_stringn(&b, j->text, j->text_len, j->enc, j->flags);
    if (r < 0) return r;
    sink += b.data[b.len / 2];
    asy_buf_release(&b);
    return 0;
}

static void metric(const char *name, const char *suffix, double v) {
    printf("BENCH %s%s %.3f GB/s higher\n", name, suffix, v);
    fflush(stdout);
}

static int bench_size(size_t size, const char *suffix) {
    job j;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    size_t i;
    if (asy_buf_alloc_unsafe(&j.bin, size) < 0) return 1;
    for (i = 0; i < size; i++) { /* the same bytes as the twin */
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        j.bin.data[i] = (uint8_t)(x >> 24);
    }
    j.flags = 0;

    j.enc = ASY_ENC_BASE64;
    metric("base64_encode", suffix, run(op_encode, &j, size));
    if (asy_buf_to_string(&j.bin, ASY_ENC_BASE64, &j.text, &j.text_len) < 0) return 1;
    metric("base64_decode", suffix, run(op_decode, &j, size));
    j.flags = ASY_BUF_LENIENT;
    metric("base64_decode_lenient", suffix, run(op_decode, &j, size));
    asy_free(j.text);

    j.enc = ASY_ENC_HEX;
    j.flags = 0;
    metric("hex_encode", suffix, run(op_encode, &j, size));
    if (asy_buf_to_string(&j.bin, ASY_ENC_HEX, &j.text, &j.text_len) < 0) return 1;
    metric("hex_decode", suffix, run(op_decode, &j, size));
    asy_free(j.text);

    asy_buf_release(&j.bin);
    return 0;
}

int main(void) {
    if (bench_size((size_t)64 << 10, "")) return 1;
    return bench_size((size_t)1 << 20, "_1m");
}
