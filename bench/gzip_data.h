/* The text bench/gzip.c and its twin bench/peers/gzip.mjs compress: words
 * drawn by a 32-bit LCG into a 1 MiB block, the block repeated.  The twin
 * builds the same bytes (same LCG, same words). */
#ifndef ASYRT_BENCH_GZIP_DATA_H
#define ASYRT_BENCH_GZIP_DATA_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define GZ_BLOCK (1u << 20)

static uint8_t *gz_block(void) {
    static const char *words[] = {"stream ", "buffer ", "event ",      "loop ",    "gzip ",
                                  "pipeline ", "the ", "of ",        "and ",     "data\n",
                                  "backpressure ", "promise ", "chunk ", "zlib ", "a ",
                                  "callback ", "thread ", "pool ", "file ", "write "};
    uint8_t *b = (uint8_t *)malloc(GZ_BLOCK);
    uint32_t seed = 1;
    size_t i = 0;
    if (!b) return NULL;
    while (i < GZ_BLOCK) {
        const char *w;
        seed = seed * 1103515245u + 12345u;
        w = words[(seed >> 16) % 20];
        while (*w && i < GZ_BLOCK) b[i++] = (uint8_t)*w++;
    }
    return b;
}
#endif
