/* libFuzzer target: the base64 and base64url decoders, strict and lenient,
 * at every SIMD level this machine has, against the scalar decoder and
 * against each other.  Checks, for any input:
 *   - every level gives the same status, length and bytes (also with a
 *     short output capacity);
 *   - asy_buf_byte_length predicts the decoded length exactly;
 *   - strict success implies lenient gives the same bytes (up to '=' the
 *     strict input holds nothing lenient would skip);
 *   - encoding what was decoded and decoding it again is stable. */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    size_t cap = size / 4 * 3 + 3, w0, w1, tl;
    uint8_t *o0 = (uint8_t *)malloc(cap + 64), *o1 = (uint8_t *)malloc(cap + 64);
    uint8_t *strict = (uint8_t *)malloc(cap + 64);
    char *txt;
    int top = asy__simd_level(), url, lv;
    unsigned fl;
    for (url = 0; url < 2; url++) {
        size_t strict_len = 0;
        int strict_ok = 0;
        for (fl = 0; fl <= ASY_BUF_LENIENT; fl++) {
            int r0 = asy__base64_decode_with(ASY__SIMD_NONE, s, size, o0, cap, fl, url, &w0);
            ptrdiff_t bl = asy__base64_decoded_len(s, size, fl, url);
            if (r0 == 0 ? bl != (ptrdiff_t)w0 : bl != r0) abort();
            for (lv = 1; lv <= top; lv++) {
                int r1 = asy__base64_decode_with(lv, s, size, o1, cap, fl, url, &w1);
                if (r1 != r0 || w1 != w0 || memcmp(o0, o1, w0) != 0) abort();
                /* a short capacity: a prefix of the same bytes */
                if (w0 > 1) {
                    size_t c2 = w0 / 2, w2;
                    int r2 = asy__base64_decode_with(lv, s, size, o1, c2, fl, url, &w2);
                    if (r2 < 0 ? fl != 0 : (w2 != c2 || memcmp(o0, o1, c2) != 0)) abort();
                }
            }
            if (fl == 0 && r0 == 0) {
                strict_ok = 1;
                strict_len = w0;
                memcpy(strict, o0, w0);
            }
            if (fl == ASY_BUF_LENIENT && strict_ok && (w0 != strict_len || memcmp(o0, strict, w0) != 0))
                abort();
        }
        /* o0 holds the lenient result: re-encode and decode strictly */
        tl = asy__base64_encoded_len(w0, url);
        txt = (char *)malloc(tl + 1);
        if (asy__base64_encode(o0, w0, txt, url) != tl) abort();
        if (asy__base64_decode(txt, tl, o1, cap, 0, url, &w1) != 0 || w1 != w0 ||
            memcmp(o0, o1, w0) != 0)
            abort();
        free(txt);
    }
    free(o0);
    free(o1);
    free(strict);
    return 0;
}
