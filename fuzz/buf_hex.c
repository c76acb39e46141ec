/* libFuzzer target: the hex decoder, strict and lenient, every SIMD level
 * against the scalar code; byte_length exact; lenient output is a prefix
 * of the pairs; strict success re-encodes to the lowercased input. */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    size_t cap = size / 2, w0, w1, i;
    uint8_t *o0 = (uint8_t *)malloc(cap + 1), *o1 = (uint8_t *)malloc(cap + 1);
    char *txt = (char *)malloc(size + 1);
    int top = asy__simd_level(), lv;
    unsigned fl;
    for (fl = 0; fl <= ASY_BUF_LENIENT; fl++) {
        int r0 = asy__hex_decode_with(ASY__SIMD_NONE, s, size, o0, cap, fl, &w0);
        ptrdiff_t bl = asy__hex_decoded_len(s, size, fl);
        if (r0 == 0 ? bl != (ptrdiff_t)w0 : bl != r0) abort();
        for (lv = 1; lv <= top; lv++) {
            int r1 = asy__hex_decode_with(lv, s, size, o1, cap, fl, &w1);
            if (r1 != r0 || w1 != w0 || memcmp(o0, o1, w0) != 0) abort();
        }
        if (r0 == 0) {
            asy__hex_encode(o0, w0, txt);
            for (i = 0; i < 2 * w0; i++) {
                char c = s[i] >= 'A' && s[i] <= 'F' ? (char)(s[i] - 'A' + 'a') : s[i];
                if (txt[i] != c) abort();
            }
            if (fl == 0 && 2 * w0 != size) abort();
        }
    }
    free(o0);
    free(o1);
    free(txt);
    return 0;
}
