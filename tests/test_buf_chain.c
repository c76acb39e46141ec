/* asy_bufchain_t: appends, consumption, zero-copy takes, gather, search,
 * and a random sequence of operations checked against a flat model. */
#include "../asyncrt.h"
#include "test.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* The chain's content as a NUL-terminated string (tests only). */
static const char *content(const asy_bufchain_t *c) {
    static char s[4096];
    size_t n = asy_bufchain_peek(c, 0, s, sizeof(s) - 1);
    s[n] = '\0';
    return s;
}

TEST(buf_chain_append_consume_len) {
    asy_bufchain_t c;
    asy_buf_t a, b;
    asy_bufchain_init(&c);
    ASSERT_EQ(asy_bufchain_len(&c), 0);
    ASSERT_OK(asy_buf_from_string(&a, "hello ", ASY_ENC_UTF8));
    ASSERT_OK(asy_buf_from_string(&b, "world", ASY_ENC_UTF8));
    ASSERT_OK(asy_bufchain_append(&c, &a));
    ASSERT_EQ(asy_buf_refcount(&a), 2); /* the chain holds its own view */
    ASSERT_OK(asy_bufchain_append_move(&c, &b));
    ASSERT_EQ(b.len, 0); /* moved */
    ASSERT_NULL(b.store);
    ASSERT_EQ(asy_bufchain_len(&c), 11);
    ASSERT_EQ(asy_bufchain_count(&c), 2);
    ASSERT_STR_EQ(content(&c), "hello world");
    ASSERT_EQ(asy_bufchain_consume(&c, 3), 3);
    ASSERT_STR_EQ(content(&c), "lo world");
    ASSERT_EQ(asy_bufchain_consume(&c, 3), 3); /* exactly the first segment */
    ASSERT_EQ(asy_bufchain_count(&c), 1);
    ASSERT_EQ(asy_buf_refcount(&a), 1); /* its view was released */
    ASSERT_EQ(asy_bufchain_consume(&c, 100), 5);
    ASSERT_EQ(asy_bufchain_len(&c), 0);
    ASSERT_EQ(asy_bufchain_consume(&c, 1), 0);
    /* empty buffers are not queued */
    ASSERT_OK(asy_bufchain_append(&c, &b));
    ASSERT_EQ(asy_bufchain_count(&c), 0);
    asy_bufchain_reset(&c);
    asy_buf_release(&a);
    ASSERT_ERR(asy_bufchain_append(NULL, &a), ASY_EINVAL);
    ASSERT_ERR(asy_bufchain_append(&c, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_bufchain_append_bytes(&c, NULL, 2), ASY_EINVAL);
    ASSERT_EQ(asy_bufchain_len(NULL), 0);
}

TEST(buf_chain_prepend_and_ring_growth) {
    asy_bufchain_t c;
    char want[200], one[2] = {0, 0};
    int i;
    asy_bufchain_init(&c);
    /* alternate ends so the ring wraps and grows several times */
    for (i = 0; i < 100; i++) {
        asy_buf_t b;
        one[0] = (char)('A' + i % 26);
        ASSERT_OK(asy_buf_from_string(&b, one, ASY_ENC_UTF8));
        if (i % 2)
            ASSERT_OK(asy_bufchain_append(&c, &b));
        else
            ASSERT_OK(asy_bufchain_prepend(&c, &b));
        asy_buf_release(&b);
    }
    ASSERT_EQ(asy_bufchain_count(&c), 100);
    for (i = 0; i < 50; i++) want[i] = (char)('A' + (98 - 2 * i) % 26);
    for (i = 0; i < 50; i++) want[50 + i] = (char)('A' + (2 * i + 1) % 26);
    want[100] = '\0';
    ASSERT_STR_EQ(content(&c), want);
    asy_bufchain_reset(&c);
    ASSERT_EQ(asy_bufchain_count(&c), 0);
    asy_bufchain_reset(&c); /* reset twice is fine */
}

TEST(buf_chain_small_appends_share_a_segment) {
    asy_bufchain_t c;
    int i;
    asy_bufchain_init(&c);
    for (i = 0; i < 100; i++) ASSERT_OK(asy_bufchain_append_bytes(&c, "0123456789", 10));
    ASSERT_EQ(asy_bufchain_len(&c), 1000);
    ASSERT_EQ(asy_bufchain_count(&c), 1);
    /* a large append fills the spare room and spills into a new segment */
    {
        char big[5000];
        memset(big, 'x', sizeof(big));
        ASSERT_OK(asy_bufchain_append_bytes(&c, big, sizeof(big)));
        ASSERT_EQ(asy_bufchain_len(&c), 6000);
        ASSERT_EQ(asy_bufchain_count(&c), 2);
    }
    {
        char tail[12];
        ASSERT_EQ(asy_bufchain_peek(&c, 995, tail, 10), 10);
        ASSERT_MEM_EQ(tail, "56789xxxxx", 10);
    }
    asy_bufchain_reset(&c);
}

TEST(buf_chain_never_writes_into_other_views) {
    asy_bufchain_t c;
    asy_buf_t user, held, seg;
    asy_bufchain_init(&c);
    /* a full buffer of the user: the next bytes need a new segment */
    ASSERT_OK(asy_buf_from_string(&user, "abc", ASY_ENC_UTF8));
    ASSERT_OK(asy_bufchain_append(&c, &user));
    ASSERT_OK(asy_bufchain_append_bytes(&c, "d", 1));
    ASSERT_EQ(asy_bufchain_count(&c), 2);
    ASSERT_EQ(user.len, 3);
    /* the chain's own segment, shared with a retained view: appending past
     * the end of both views is safe and leaves the held view as it was */
    ASSERT_OK(asy_bufchain_segment(&c, 1, &seg));
    ASSERT_OK(asy_buf_retain(&held, &seg));
    ASSERT_OK(asy_bufchain_append_bytes(&c, "ef", 2));
    ASSERT_EQ(asy_bufchain_count(&c), 2);
    ASSERT_EQ(held.len, 1);
    ASSERT_STR_EQ(content(&c), "abcdef");
    /* a second chain sharing that storage cannot append in place once the
     * first one has: its view no longer ends where the storage does */
    {
        asy_bufchain_t c2;
        asy_bufchain_init(&c2);
        ASSERT_OK(asy_bufchain_append(&c2, &held));
        ASSERT_OK(asy_bufchain_append_bytes(&c2, "Z", 1));
        ASSERT_EQ(asy_bufchain_count(&c2), 2);
        ASSERT_STR_EQ(content(&c2), "dZ");
        ASSERT_STR_EQ(content(&c), "abcdef");
        asy_bufchain_reset(&c2);
    }
    asy_buf_release(&held);
    asy_buf_release(&user);
    asy_bufchain_reset(&c);
}

TEST(buf_chain_take_is_zero_copy_within_a_segment) {
    asy_bufchain_t c;
    asy_buf_t a, b, out;
    asy_bufchain_init(&c);
    ASSERT_OK(asy_buf_from_string(&a, "abcdef", ASY_ENC_UTF8));
    ASSERT_OK(asy_buf_from_string(&b, "ghi", ASY_ENC_UTF8));
    ASSERT_OK(asy_bufchain_append(&c, &a));
    ASSERT_OK(asy_bufchain_append(&c, &b));
    ASSERT_OK(asy_bufchain_take(&c, 2, &out)); /* part of the first */
    ASSERT_PTR_EQ(out.data, a.data);
    ASSERT_EQ(out.len, 2);
    ASSERT_EQ(asy_buf_refcount(&a), 3);
    asy_buf_release(&out);
    ASSERT_OK(asy_bufchain_take(&c, 4, &out)); /* the rest of it, moved out */
    ASSERT_PTR_EQ(out.data, a.data + 2);
    ASSERT_EQ(asy_bufchain_count(&c), 1);
    ASSERT_EQ(asy_buf_refcount(&a), 2);
    asy_buf_release(&out);
    ASSERT_OK(asy_bufchain_append(&c, &a));
    ASSERT_OK(asy_bufchain_take(&c, 5, &out)); /* across segments: copied */
    ASSERT(out.data != b.data && out.data != a.data);
    ASSERT_EQ(out.len, 5);
    ASSERT_MEM_EQ(out.data, "ghiab", 5);
    asy_buf_release(&out);
    ASSERT_OK(asy_bufchain_take(&c, 100, &out)); /* more than there is */
    ASSERT_MEM_EQ(out.data, "cdef", 4);
    ASSERT_EQ(out.len, 4);
    asy_buf_release(&out);
    ASSERT_OK(asy_bufchain_take(&c, 3, &out)); /* empty chain */
    ASSERT_EQ(out.len, 0);
    asy_bufchain_reset(&c);
    ASSERT_EQ(asy_buf_refcount(&a), 1);
    asy_buf_release(&a);
    asy_buf_release(&b);
}

TEST(buf_chain_flatten_segment_gather) {
    asy_bufchain_t c;
    asy_buf_t a, out, view;
    asy_iov_t iov[4];
    asy_bufchain_init(&c);
    ASSERT_OK(asy_bufchain_flatten(&c, &out));
    ASSERT_EQ(out.len, 0);
    ASSERT_OK(asy_buf_from_string(&a, "one", ASY_ENC_UTF8));
    ASSERT_OK(asy_bufchain_append(&c, &a));
    ASSERT_OK(asy_bufchain_flatten(&c, &out)); /* one segment: shared */
    ASSERT_PTR_EQ(out.data, a.data);
    asy_buf_release(&out);
    ASSERT_OK(asy_bufchain_append_bytes(&c, "two", 3));
    ASSERT_OK(asy_bufchain_append(&c, &a));
    ASSERT_OK(asy_bufchain_flatten(&c, &out)); /* Buffer.concat of the chunks */
    ASSERT_EQ(out.len, 9);
    ASSERT_MEM_EQ(out.data, "onetwoone", 9);
    ASSERT_EQ(asy_bufchain_len(&c), 9); /* not consumed */
    asy_buf_release(&out);
    ASSERT_OK(asy_bufchain_segment(&c, 1, &view));
    ASSERT_EQ(view.len, 3);
    ASSERT_MEM_EQ(view.data, "two", 3);
    ASSERT_ERR(asy_bufchain_segment(&c, 3, &view), ASY_ERANGE);
    ASSERT_EQ(asy_bufchain_gather(&c, iov, 4, SIZE_MAX), 3);
    ASSERT_PTR_EQ(iov[0].base, a.data);
    ASSERT_EQ(iov[1].len, 3);
    ASSERT_EQ(asy_bufchain_gather(&c, iov, 2, SIZE_MAX), 2);
    ASSERT_EQ(asy_bufchain_gather(&c, iov, 4, 5), 2); /* cut to 5 bytes */
    ASSERT_EQ(iov[0].len, 3);
    ASSERT_EQ(iov[1].len, 2);
    ASSERT_EQ(asy_bufchain_gather(&c, iov, 4, 0), 0);
    asy_bufchain_consume(&c, 1);
    ASSERT_EQ(asy_bufchain_gather(&c, iov, 1, SIZE_MAX), 1);
    ASSERT_MEM_EQ(iov[0].base, "ne", 2);
    ASSERT_EQ(iov[0].len, 2);
    asy_bufchain_reset(&c);
    asy_buf_release(&a);
}

#if !defined(_WIN32)
#include <sys/uio.h>
TEST(buf_chain_iovec_matches_struct_iovec) {
    ASSERT_EQ(sizeof(asy_iov_t), sizeof(struct iovec));
    ASSERT_EQ(offsetof(asy_iov_t, base), offsetof(struct iovec, iov_base));
    ASSERT_EQ(offsetof(asy_iov_t, len), offsetof(struct iovec, iov_len));
}
#endif

TEST(buf_chain_index_of_across_segments) {
    asy_bufchain_t c;
    const char *parts[] = {"GET / HTTP/1.1\r", "\nHost: x\r\n", "\r", "\nbody"};
    size_t i;
    asy_bufchain_init(&c);
    for (i = 0; i < 4; i++) {
        asy_buf_t b;
        ASSERT_OK(asy_buf_from_string(&b, parts[i], ASY_ENC_UTF8));
        ASSERT_OK(asy_bufchain_append_move(&c, &b));
    }
    ASSERT_EQ(asy_bufchain_count(&c), 4);
    ASSERT_EQ(asy_bufchain_index_of(&c, "\r\n", 2, 0), 14);
    ASSERT_EQ(asy_bufchain_index_of(&c, "\r\n", 2, 15), 23);
    ASSERT_EQ(asy_bufchain_index_of(&c, "\r\n\r\n", 4, 0), 23);
    ASSERT_EQ(asy_bufchain_index_of(&c, "body", 4, 0), 27);
    ASSERT_EQ(asy_bufchain_index_of(&c, "body!", 5, 0), -1);
    ASSERT_EQ(asy_bufchain_index_of(&c, "GET", 3, 1), -1);
    ASSERT_EQ(asy_bufchain_index_of(&c, "y", 1, 30), 30);
    ASSERT_EQ(asy_bufchain_index_of(&c, "y", 1, 31), -1);
    ASSERT_EQ(asy_bufchain_index_of(&c, "", 0, 5), 5);
    ASSERT_EQ(asy_bufchain_index_of(&c, "", 0, 99), 31);
    ASSERT_EQ(asy_bufchain_index_of(&c, NULL, 1, 0), -1);
    asy_bufchain_reset(&c);
}

/* A flat array mirrors the chain through random operations. */
TEST_T(buf_chain_random_model, 20000) {
    enum { CAP = 1 << 16 };
    uint8_t *model = (uint8_t *)malloc(CAP), *tmp = (uint8_t *)malloc(CAP);
    size_t mlen = 0;
    asy_bufchain_t c;
    /* views the test keeps (some share storage with the chain) and a copy
     * of their bytes taken when kept */
    asy_buf_t keep[8];
    uint8_t *snap[8];
    int step, k;
    for (k = 0; k < 8; k++) {
        asy_buf_init(&keep[k]);
        snap[k] = (uint8_t *)malloc(3000);
    }
    asy_bufchain_init(&c);
    for (step = 0; step < 20000; step++) {
        int op = (int)(rng() % 9);
        size_t n = (size_t)(rng() % (rng() % 8 == 0 ? 3000 : 40)), i;
        if (mlen + n > CAP) op = 3;
        for (i = 0; i < n; i++) tmp[i] = (uint8_t)rng();
        switch (op) {
            case 0: /* append a fresh buffer, sometimes keeping a view */
            case 1: {
                asy_buf_t b;
                ASSERT_OK(asy_buf_from_bytes(&b, tmp, n));
                ASSERT_OK(asy_bufchain_append(&c, &b));
                k = (int)(rng() % 8);
                asy_buf_release(&keep[k]);
                keep[k] = b;
                if (n) memcpy(snap[k], b.data, n);
                memcpy(model + mlen, tmp, n);
                mlen += n;
                break;
            }
            case 2:
                ASSERT_OK(asy_bufchain_append_bytes(&c, tmp, n));
                memcpy(model + mlen, tmp, n);
                mlen += n;
                break;
            case 3: {
                size_t got = asy_bufchain_consume(&c, n);
                ASSERT_EQ(got, n < mlen ? n : mlen);
                memmove(model, model + got, mlen - got);
                mlen -= got;
                break;
            }
            case 4: {
                asy_buf_t out;
                ASSERT_OK(asy_bufchain_take(&c, n, &out));
                ASSERT_EQ(out.len, n < mlen ? n : mlen);
                ASSERT(out.len == 0 || memcmp(out.data, model, out.len) == 0);
                memmove(model, model + out.len, mlen - out.len);
                mlen -= out.len;
                /* keep some taken views alive to share storage */
                k = (int)(rng() % 8);
                asy_buf_release(&keep[k]);
                keep[k] = out;
                if (out.len) memcpy(snap[k], out.data, out.len);
                break;
            }
            case 5: {
                asy_buf_t b;
                ASSERT_OK(asy_buf_from_bytes(&b, tmp, n));
                ASSERT_OK(asy_bufchain_prepend(&c, &b));
                asy_buf_release(&b);
                memmove(model + n, model, mlen);
                memcpy(model, tmp, n);
                mlen += n;
                break;
            }
            case 6: { /* search for a slice of the model */
                size_t at, len;
                ptrdiff_t want = -1, got;
                if (mlen == 0) break;
                at = (size_t)(rng() % mlen);
                len = 1 + (size_t)(rng() % 6);
                if (len > mlen - at) len = mlen - at;
                {
                    size_t from = (size_t)(rng() % (at + 1)), p;
                    for (p = from; p + len <= mlen; p++)
                        if (memcmp(model + p, model + at, len) == 0) {
                            want = (ptrdiff_t)p;
                            break;
                        }
                    got = asy_bufchain_index_of(&c, model + at, len, from);
                    ASSERT_EQ(got, want);
                }
                break;
            }
            default: { /* peek at an offset */
                size_t off = mlen ? (size_t)(rng() % mlen) : 0;
                size_t got = asy_bufchain_peek(&c, off, tmp, n);
                ASSERT_EQ(got, n < mlen - off ? n : mlen - off);
                ASSERT(got == 0 || memcmp(tmp, model + off, got) == 0);
                break;
            }
        }
        ASSERT_EQ(asy_bufchain_len(&c), mlen);
        /* the kept views never change under the chain's in-place appends */
        if (step % 16 == 0)
            for (k = 0; k < 8; k++) ASSERT(keep[k].len == 0 || memcmp(keep[k].data, snap[k], keep[k].len) == 0);
    }
    {
        asy_buf_t flat;
        ASSERT_OK(asy_bufchain_flatten(&c, &flat));
        ASSERT_EQ(flat.len, mlen);
        ASSERT(mlen == 0 || memcmp(flat.data, model, mlen) == 0);
        asy_buf_release(&flat);
    }
    asy_bufchain_reset(&c);
    for (k = 0; k < 8; k++) {
        asy_buf_release(&keep[k]);
        free(snap[k]);
    }
    free(model);
    free(tmp);
}
