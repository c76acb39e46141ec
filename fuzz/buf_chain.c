/* libFuzzer target: the byte chain driven by the input as a program of
 * operations, mirrored by a flat array.  After every operation the chain's
 * length, contents (peek, gather, flatten) and search results must match
 * the model, and views the target holds must never change. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MODEL_CAP = 1 << 16, KEEP = 4 };

static void check(const asy_bufchain_t *c, const uint8_t *model, size_t mlen) {
    asy_iov_t iov[64];
    size_t n, i, off = 0;
    if (asy_bufchain_len(c) != mlen) abort();
    n = asy_bufchain_gather(c, iov, 64, SIZE_MAX);
    for (i = 0; i < n; i++) {
        if (off + iov[i].len > mlen || memcmp(iov[i].base, model + off, iov[i].len) != 0) abort();
        off += iov[i].len;
    }
    if (n < 64 && off != mlen) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *model = (uint8_t *)malloc(MODEL_CAP), *tmp = (uint8_t *)malloc(256);
    uint8_t *snap[KEEP];
    asy_buf_t keep[KEEP];
    asy_bufchain_t c;
    size_t mlen = 0, p = 0;
    int k;
    asy_bufchain_init(&c);
    for (k = 0; k < KEEP; k++) {
        asy_buf_init(&keep[k]);
        snap[k] = (uint8_t *)malloc(256);
    }
    while (p + 2 <= size) {
        uint8_t op = data[p] % 8, n = data[p + 1];
        asy_buf_t b;
        p += 2;
        if (n > size - p) n = (uint8_t)(size - p);
        memcpy(tmp, data + p, n);
        switch (op) {
            case 0:
            case 1:
                if (mlen + n > MODEL_CAP) break;
                if (asy_buf_from_bytes(&b, tmp, n) != 0) abort();
                if ((op ? asy_bufchain_append_move(&c, &b) : asy_bufchain_append(&c, &b)) != 0) abort();
                asy_buf_release(&b);
                memcpy(model + mlen, tmp, n);
                mlen += n;
                p += n;
                break;
            case 2:
                if (mlen + n > MODEL_CAP) break;
                if (asy_bufchain_append_bytes(&c, tmp, n) != 0) abort();
                memcpy(model + mlen, tmp, n);
                mlen += n;
                p += n;
                break;
            case 3:
                if (mlen + n > MODEL_CAP) break;
                if (asy_buf_from_bytes(&b, tmp, n) != 0 || asy_bufchain_prepend(&c, &b) != 0) abort();
                asy_buf_release(&b);
                memmove(model + n, model, mlen);
                memcpy(model, tmp, n);
                mlen += n;
                p += n;
                break;
            case 4: {
                size_t got = asy_bufchain_consume(&c, n);
                if (got != (n < mlen ? n : mlen)) abort();
                memmove(model, model + got, mlen - got);
                mlen -= got;
                break;
            }
            case 5:
                k = n % KEEP;
                asy_buf_release(&keep[k]);
                if (asy_bufchain_take(&c, n, &keep[k]) != 0) abort();
                if (keep[k].len != (n < mlen ? n : mlen)) abort();
                if (keep[k].len && memcmp(keep[k].data, model, keep[k].len) != 0) abort();
                if (keep[k].len) memcpy(snap[k], keep[k].data, keep[k].len);
                memmove(model, model + keep[k].len, mlen - keep[k].len);
                mlen -= keep[k].len;
                break;
            case 6: { /* search for the next few input bytes */
                size_t len = n % 5 + 1, from = mlen ? n % (mlen + 1) : 0, q;
                ptrdiff_t want = -1;
                if (len > size - p) break;
                for (q = from; q + len <= mlen; q++)
                    if (memcmp(model + q, data + p, len) == 0) {
                        want = (ptrdiff_t)q;
                        break;
                    }
                if (asy_bufchain_index_of(&c, data + p, len, from) != want) abort();
                break;
            }
            default: {
                asy_buf_t flat;
                if (asy_bufchain_flatten(&c, &flat) != 0 || flat.len != mlen) abort();
                if (mlen && memcmp(flat.data, model, mlen) != 0) abort();
                asy_buf_release(&flat);
                break;
            }
        }
        check(&c, model, mlen);
        for (k = 0; k < KEEP; k++)
            if (keep[k].len && memcmp(keep[k].data, snap[k], keep[k].len) != 0) abort();
    }
    asy_bufchain_reset(&c);
    for (k = 0; k < KEEP; k++) {
        asy_buf_release(&keep[k]);
        free(snap[k]);
    }
    free(model);
    free(tmp);
    return 0;
}
