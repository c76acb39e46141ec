/* The SIMD kernels of the buf layer against the scalar code: every level
 * this machine has is forced in turn, on random valid data and on data with
 * junk at random places (this TU carries a static copy of the
 * implementation to reach the asy__ functions). */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "test.h"

static uint64_t rng_state = 0xd1b54a32d192ed03ull;
static uint64_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int levels(void) {
    int top = asy__simd_level();
    if (top == ASY__SIMD_NONE) printf("no SIMD on this machine: only the scalar code is tested\n");
    return top;
}

TEST_T(internal_buf_base64_levels_agree, 30000) {
    enum { MAX = 1500 };
    uint8_t *bin = (uint8_t *)malloc(MAX), *out0 = (uint8_t *)malloc(MAX + 64),
            *out1 = (uint8_t *)malloc(MAX + 64);
    char *txt0 = (char *)malloc(2 * MAX + 64), *txt1 = (char *)malloc(2 * MAX + 64);
    int top = levels(), it;
    for (it = 0; it < 3000; it++) {
        size_t n = (size_t)(rng() % MAX), i, tl, w0, w1, cap;
        int url = (int)(rng() & 1), lv;
        for (i = 0; i < n; i++) bin[i] = (uint8_t)rng();
        tl = asy__base64_encode_with(ASY__SIMD_NONE, bin, n, txt0, url);
        ASSERT_EQ(tl, asy__base64_encoded_len(n, url));
        for (lv = 1; lv <= top; lv++) {
            ASSERT_EQ(asy__base64_encode_with(lv, bin, n, txt1, url), tl);
            ASSERT_MEM_EQ(txt1, txt0, tl);
        }
        /* junk in the text now and then, and sometimes a short output cap */
        if (it % 3 == 0 && tl) {
            int k, nj = 1 + (int)(rng() % 3);
            for (k = 0; k < nj; k++) txt0[rng() % tl] = "\n =!\x80\xff-_+/"[rng() % 11];
        }
        cap = it % 5 == 0 ? (size_t)(rng() % (n + 1)) : n;
        for (lv = 0; lv <= top; lv++) {
            unsigned fl;
            for (fl = 0; fl <= ASY_BUF_LENIENT; fl++) {
                int r0 = asy__base64_decode_with(ASY__SIMD_NONE, txt0, tl, out0, cap, fl, url, &w0);
                int r1 = asy__base64_decode_with(lv, txt0, tl, out1, cap, fl, url, &w1);
                ASSERT_EQ(r1, r0);
                ASSERT_EQ(w1, w0);
                ASSERT_MEM_EQ(out1, out0, w0);
                ASSERT(w0 <= cap);
                if (r0 == 0 && cap == n && it % 3 != 0) {
                    ASSERT_EQ(w0, n);
                    ASSERT_MEM_EQ(out0, bin, n);
                }
            }
        }
    }
    free(bin);
    free(out0);
    free(out1);
    free(txt0);
    free(txt1);
}

TEST_T(internal_buf_hex_levels_agree, 30000) {
    enum { MAX = 1000 };
    uint8_t *bin = (uint8_t *)malloc(MAX), *out0 = (uint8_t *)malloc(MAX),
            *out1 = (uint8_t *)malloc(MAX);
    char *txt0 = (char *)malloc(2 * MAX), *txt1 = (char *)malloc(2 * MAX);
    int top = levels(), it;
    for (it = 0; it < 3000; it++) {
        size_t n = (size_t)(rng() % MAX), i, w0, w1;
        int lv;
        for (i = 0; i < n; i++) bin[i] = (uint8_t)rng();
        ASSERT_EQ(asy__hex_encode_with(ASY__SIMD_NONE, bin, n, txt0), 2 * n);
        for (lv = 1; lv <= top; lv++) {
            asy__hex_encode_with(lv, bin, n, txt1);
            ASSERT_MEM_EQ(txt1, txt0, 2 * n);
        }
        /* upper case digits decode the same; then maybe one bad digit */
        for (i = 0; i < 2 * n; i++)
            if (rng() % 4 == 0 && txt0[i] >= 'a') txt0[i] = (char)(txt0[i] - 'a' + 'A');
        if (it % 2 && n) txt0[rng() % (2 * n)] = "g/:@`G \xff"[rng() % 8];
        for (lv = 0; lv <= top; lv++) {
            unsigned fl;
            for (fl = 0; fl <= ASY_BUF_LENIENT; fl++) {
                int r0 = asy__hex_decode_with(ASY__SIMD_NONE, txt0, 2 * n, out0, n, fl, &w0);
                int r1 = asy__hex_decode_with(lv, txt0, 2 * n, out1, n, fl, &w1);
                ASSERT_EQ(r1, r0);
                ASSERT_EQ(w1, w0);
                ASSERT_MEM_EQ(out1, out0, w0);
                ASSERT_MEM_EQ(out0, bin, w0);
                if (it % 2 == 0) ASSERT_EQ(w0, n);
            }
        }
    }
    free(bin);
    free(out0);
    free(out1);
    free(txt0);
    free(txt1);
}

TEST(internal_buf_every_byte_in_every_base64_table) {
    /* each table entry agrees with the alphabets it stands for */
    static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static const char url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int c;
    for (c = 0; c < 256; c++) {
        const char *ps = c ? strchr(std, c) : NULL, *pu = c ? strchr(url, c) : NULL;
        uint8_t vs = ASY__DEC7(asy__b64_dec_std, (uint8_t)c);
        uint8_t vu = ASY__DEC7(asy__b64_dec_url, (uint8_t)c);
        uint8_t va = ASY__DEC7(asy__b64_dec_any, (uint8_t)c);
        ASSERT_EQ(vs, ps ? (int)(ps - std) : (int)(vs | 0x80));
        ASSERT_EQ(vu, pu ? (int)(pu - url) : (int)(vu | 0x80));
        if (ps || pu)
            ASSERT_EQ(va, ps ? (int)(ps - std) : (int)(pu - url));
        else
            ASSERT(va & 0x80);
    }
}

TEST(internal_buf_storage_shrinks_after_lenient_junk) {
    /* mostly junk: the decoded buffer gives its spare room back */
    enum { N = 4000 };
    char *s = (char *)malloc(N);
    asy_buf_t b;
    memset(s, '!', N);
    memcpy(s, "QUJD", 4);
    ASSERT_OK(asy_buf_from_stringn(&b, s, N, ASY_ENC_BASE64, ASY_BUF_LENIENT));
    ASSERT_EQ(b.len, 3);
    ASSERT_EQ(b.store->cap, 3);
    asy_buf_release(&b);
    free(s);
}
