/* asy_buf_t: storage, views, slices, copy/concat/compare, search, fill and
 * numbers.  Expected values for Node-defined behaviour were taken from
 * node 20 (`node -e`). */
#include "../asyncrt.h"
#include "test.h"

/* b's bytes as lowercase hex, in a static buffer (tests only). */
static const char *hexof(const asy_buf_t *b) {
    static char s[4096];
    ptrdiff_t n = asy_buf_encode_into(b, ASY_ENC_HEX, s, sizeof(s) - 1);
    if (n < 0) return "(error)";
    s[n] = '\0';
    return s;
}

static void from_str(asy_buf_t *b, const char *s) { ASSERT_OK(asy_buf_from_string(b, s, ASY_ENC_UTF8)); }

/* ---- the seed's examples --------------------------------------------------- */

TEST(buf_seed_alloc_is_zeroed) {
    asy_buf_t b1;
    size_t i;
    ASSERT_OK(asy_buf_alloc(&b1, 10));
    ASSERT_EQ(b1.len, 10);
    for (i = 0; i < 10; i++) ASSERT_EQ(b1.data[i], 0);
    asy_buf_release(&b1);
}

TEST(buf_seed_from_array_is_Hi) {
    static const uint8_t bytes[] = {0x48, 0x69};
    asy_buf_t b3;
    char *s;
    size_t n;
    ASSERT_OK(asy_buf_from_bytes(&b3, bytes, 2));
    ASSERT_OK(asy_buf_to_string(&b3, ASY_ENC_UTF8, &s, &n));
    ASSERT_STR_EQ(s, "Hi");
    ASSERT_EQ(n, 2);
    asy_free(s);
    asy_buf_release(&b3);
}

TEST(buf_seed_conversions) {
    asy_buf_t b2, b4;
    char *s;
    from_str(&b2, "hello");
    ASSERT_EQ(b2.len, 5);
    ASSERT_EQ(b2.data[0], 104);
    ASSERT_OK(asy_buf_to_string(&b2, ASY_ENC_UTF8, &s, NULL));
    ASSERT_STR_EQ(s, "hello");
    asy_free(s);
    ASSERT_OK(asy_buf_to_string(&b2, ASY_ENC_HEX, &s, NULL));
    ASSERT_STR_EQ(s, "68656c6c6f");
    asy_free(s);
    ASSERT_OK(asy_buf_to_string(&b2, ASY_ENC_BASE64, &s, NULL));
    ASSERT_STR_EQ(s, "aGVsbG8=");
    asy_free(s);
    ASSERT_OK(asy_buf_from_string(&b4, "aGVsbG8=", ASY_ENC_BASE64));
    ASSERT(asy_buf_equals(&b2, &b4));
    asy_buf_release(&b2);
    asy_buf_release(&b4);
}

TEST(buf_seed_slice_shares_memory) {
    asy_buf_t b2, he;
    char *s;
    from_str(&b2, "hello");
    ASSERT_OK(asy_buf_slice(&he, &b2, 0, 2));
    ASSERT_EQ(he.len, 2);
    ASSERT_PTR_EQ(he.data, b2.data);
    ASSERT_EQ(asy_buf_refcount(&b2), 2);
    ASSERT_OK(asy_buf_write_u8(&he, 0, 'j'));
    ASSERT_OK(asy_buf_to_string(&b2, ASY_ENC_UTF8, &s, NULL));
    ASSERT_STR_EQ(s, "jello");
    asy_free(s);
    /* the storage outlives the parent while the slice holds it */
    asy_buf_release(&b2);
    ASSERT_EQ(asy_buf_refcount(&he), 1);
    ASSERT_OK(asy_buf_to_string(&he, ASY_ENC_UTF8, &s, NULL));
    ASSERT_STR_EQ(s, "je");
    asy_free(s);
    asy_buf_release(&he);
    ASSERT_EQ(asy_buf_refcount(&he), 0);
}

/* ---- storage and views ------------------------------------------------------ */

TEST(buf_empty_and_release) {
    asy_buf_t b = ASY_BUF_INIT, c;
    ASSERT_OK(asy_buf_alloc(&b, 0));
    ASSERT_EQ(b.len, 0);
    ASSERT_NULL(b.store);
    asy_buf_release(&b);
    asy_buf_release(&b); /* twice is harmless: release leaves it empty */
    asy_buf_release(NULL);
    asy_buf_init(&c);
    ASSERT_EQ(c.len, 0);
    ASSERT_EQ(asy_buf_refcount(&c), 0);
    ASSERT_EQ(asy_buf_refcount(NULL), 0);
    ASSERT_ERR(asy_buf_alloc(NULL, 3), ASY_EINVAL);
    ASSERT_ERR(asy_buf_alloc_unsafe(NULL, 3), ASY_EINVAL);
}

TEST(buf_alloc_unsafe_and_huge) {
    asy_buf_t b;
    ASSERT_OK(asy_buf_alloc_unsafe(&b, 100));
    ASSERT_EQ(b.len, 100);
    memset(b.data, 0xab, 100); /* all of it is writable */
    asy_buf_release(&b);
    ASSERT_ERR(asy_buf_alloc(&b, SIZE_MAX - 8), ASY_ENOMEM);
    ASSERT_EQ(b.len, 0);
    ASSERT_NULL(b.store);
}

TEST(buf_from_bytes_copies) {
    uint8_t src[4] = {1, 2, 3, 4};
    asy_buf_t b;
    ASSERT_OK(asy_buf_from_bytes(&b, src, 4));
    src[0] = 9;
    ASSERT_EQ(b.data[0], 1);
    asy_buf_release(&b);
    ASSERT_OK(asy_buf_from_bytes(&b, NULL, 0));
    ASSERT_EQ(b.len, 0);
    ASSERT_ERR(asy_buf_from_bytes(&b, NULL, 3), ASY_EINVAL);
}

static int ext_freed;
static void ext_free(void *data, void *hint) {
    ASSERT_PTR_EQ(hint, &ext_freed);
    ext_freed++;
    free(data);
}

TEST(buf_external_storage_freed_by_last_view) {
    char *mem = (char *)malloc(6);
    asy_buf_t b, s;
    memcpy(mem, "abcdef", 6);
    ext_freed = 0;
    ASSERT_OK(asy_buf_from_external(&b, mem, 6, ext_free, &ext_freed));
    ASSERT_PTR_EQ(b.data, mem); /* no copy */
    ASSERT_OK(asy_buf_slice(&s, &b, 2, 4));
    asy_buf_release(&b);
    ASSERT_EQ(ext_freed, 0);
    ASSERT_EQ(s.data[0], 'c');
    asy_buf_release(&s);
    ASSERT_EQ(ext_freed, 1);
    ASSERT_ERR(asy_buf_from_external(&b, NULL, 5, NULL, NULL), ASY_EINVAL);
    /* NULL free_cb: the caller keeps ownership */
    {
        static char fixed[3] = {'x', 'y', 'z'};
        ASSERT_OK(asy_buf_from_external(&b, fixed, 3, NULL, NULL));
        asy_buf_release(&b);
        ASSERT_EQ(fixed[0], 'x');
    }
}

TEST(buf_dup_is_independent_and_retain_is_not) {
    asy_buf_t a, d, r;
    from_str(&a, "abc");
    ASSERT_OK(asy_buf_dup(&d, &a));
    ASSERT_OK(asy_buf_retain(&r, &a));
    a.data[0] = 'X';
    ASSERT_EQ(d.data[0], 'a');
    ASSERT_EQ(r.data[0], 'X');
    ASSERT_EQ(asy_buf_refcount(&a), 2);
    ASSERT_EQ(asy_buf_refcount(&d), 1);
    asy_buf_release(&d);
    ASSERT_ERR(asy_buf_dup(&d, NULL), ASY_EINVAL);
    ASSERT_EQ(d.len, 0);
    asy_buf_release(&a);
    asy_buf_release(&r);
    ASSERT_ERR(asy_buf_retain(NULL, &a), ASY_EINVAL);
}

TEST(buf_slice_positions_follow_node) {
    /* Buffer.from("abcdef").subarray(s, e) in node */
    static const struct {
        ptrdiff_t s, e;
        const char *want;
    } cases[] = {{0, ASY_BUF_END, "abcdef"}, {2, ASY_BUF_END, "cdef"}, {-2, ASY_BUF_END, "ef"},
                 {1, -1, "bcde"},            {-100, 2, "ab"},         {4, 2, ""},
                 {3, 3, ""},                 {10, 20, ""},            {0, 100, "abcdef"},
                 {-3, -1, "de"},             {PTRDIFF_MIN, PTRDIFF_MAX, "abcdef"}};
    asy_buf_t b, s;
    size_t i;
    from_str(&b, "abcdef");
    for (i = 0; i < ASY_ARRAY_SIZE(cases); i++) {
        char *str;
        ASSERT_OK(asy_buf_subarray(&s, &b, cases[i].s, cases[i].e));
        ASSERT_OK(asy_buf_to_string(&s, ASY_ENC_UTF8, &str, NULL));
        ASSERT_STR_EQ(str, cases[i].want);
        asy_free(str);
        if (s.len == 0) ASSERT_NULL(s.store); /* empty views hold nothing */
        asy_buf_release(&s);
    }
    ASSERT_EQ(asy_buf_refcount(&b), 1);
    asy_buf_release(&b);
}

TEST(buf_slice_of_slice_and_borrowed_views) {
    asy_buf_t b, s1, s2, borrowed, s3;
    uint8_t raw[3] = {7, 8, 9};
    from_str(&b, "0123456789");
    ASSERT_OK(asy_buf_slice(&s1, &b, 2, 8));
    ASSERT_OK(asy_buf_slice(&s2, &s1, 1, -1));
    ASSERT_EQ(s2.len, 4);
    ASSERT_EQ(s2.data[0], '3');
    ASSERT_EQ(asy_buf_refcount(&b), 3);
    asy_buf_release(&b);
    asy_buf_release(&s1);
    ASSERT_EQ(s2.data[3], '6');
    asy_buf_release(&s2);
    /* a view of memory asyncrt does not own */
    borrowed.store = NULL;
    borrowed.data = raw;
    borrowed.len = 3;
    ASSERT_OK(asy_buf_slice(&s3, &borrowed, 1, ASY_BUF_END));
    ASSERT_NULL(s3.store);
    ASSERT_EQ(s3.data[0], 8);
    ASSERT_STR_EQ(hexof(&borrowed), "070809");
    asy_buf_release(&s3);
    ASSERT_ERR(asy_buf_slice(&s3, NULL, 0, 1), ASY_EINVAL);
    ASSERT_ERR(asy_buf_slice(NULL, &borrowed, 0, 1), ASY_EINVAL);
}

/* ---- compare, copy, concat ---------------------------------------------------- */

TEST(buf_equals_and_compare) {
    asy_buf_t abc, abd, ab, b, e1, e2;
    from_str(&abc, "abc");
    from_str(&abd, "abd");
    from_str(&ab, "ab");
    from_str(&b, "b");
    asy_buf_init(&e1);
    asy_buf_init(&e2);
    ASSERT_EQ(asy_buf_compare(&abc, &abd), -1);
    ASSERT_EQ(asy_buf_compare(&abd, &abc), 1);
    ASSERT_EQ(asy_buf_compare(&abc, &ab), 1);
    ASSERT_EQ(asy_buf_compare(&ab, &abc), -1);
    ASSERT_EQ(asy_buf_compare(&b, &abc), 1);
    ASSERT_EQ(asy_buf_compare(&abc, &abc), 0);
    ASSERT_EQ(asy_buf_compare(&e1, &e2), 0);
    ASSERT_EQ(asy_buf_compare(&e1, &ab), -1);
    ASSERT(asy_buf_equals(&e1, &e2));
    ASSERT(!asy_buf_equals(&abc, &abd));
    ASSERT(!asy_buf_equals(&abc, &ab));
    {
        asy_buf_t c;
        from_str(&c, "abc");
        ASSERT(asy_buf_equals(&abc, &c));
        asy_buf_release(&c);
    }
    /* high bytes compare unsigned */
    {
        uint8_t x = 0x80, y = 0x7f;
        asy_buf_t bx, by;
        ASSERT_OK(asy_buf_from_bytes(&bx, &x, 1));
        ASSERT_OK(asy_buf_from_bytes(&by, &y, 1));
        ASSERT_EQ(asy_buf_compare(&bx, &by), 1);
        asy_buf_release(&bx);
        asy_buf_release(&by);
    }
    asy_buf_release(&abc);
    asy_buf_release(&abd);
    asy_buf_release(&ab);
    asy_buf_release(&b);
}

TEST(buf_copy_follows_node) {
    asy_buf_t s, t;
    from_str(&s, "hello");
    ASSERT_OK(asy_buf_alloc(&t, 4));
    ASSERT_EQ(asy_buf_copy(&s, &t, 1, 0, ASY_BUF_END), 3); /* what fits */
    ASSERT_STR_EQ(hexof(&t), "0068656c");
    ASSERT_EQ(asy_buf_copy(&s, &t, 0, 4, ASY_BUF_END), 1);
    ASSERT_STR_EQ(hexof(&t), "6f68656c");
    ASSERT_EQ(asy_buf_copy(&s, &t, 4, 0, ASY_BUF_END), 0); /* target start at the end */
    ASSERT_EQ(asy_buf_copy(&s, &t, 0, 5, ASY_BUF_END), 0); /* source start at the end */
    ASSERT_EQ(asy_buf_copy(&s, &t, 0, 2, 1), 0);           /* end before start */
    ASSERT_EQ(asy_buf_copy(&s, &t, 0, 0, 100), 4);         /* end clamped */
    ASSERT_STR_EQ(hexof(&t), "68656c6c");
    ASSERT_ERR(asy_buf_copy(&s, &t, 0, 6, ASY_BUF_END), ASY_ERANGE);
    ASSERT_ERR(asy_buf_copy(&s, &t, -1, 0, ASY_BUF_END), ASY_ERANGE);
    ASSERT_ERR(asy_buf_copy(&s, &t, 0, -1, ASY_BUF_END), ASY_ERANGE);
    ASSERT_ERR(asy_buf_copy(&s, &t, 0, 0, -1), ASY_ERANGE);
    ASSERT_ERR(asy_buf_copy(NULL, &t, 0, 0, 1), ASY_EINVAL);
    asy_buf_release(&t);
    /* overlapping copy inside one storage */
    {
        asy_buf_t tail;
        ASSERT_OK(asy_buf_slice(&tail, &s, 1, ASY_BUF_END));
        ASSERT_EQ(asy_buf_copy(&s, &tail, 0, 0, 4), 4);
        ASSERT_STR_EQ(hexof(&s), "6868656c6c");
        asy_buf_release(&tail);
    }
    asy_buf_release(&s);
}

TEST(buf_concat_follows_node) {
    asy_buf_t list[3], out;
    char *s;
    from_str(&list[0], "ab");
    asy_buf_init(&list[1]);
    from_str(&list[2], "cd");
    ASSERT_OK(asy_buf_concat(&out, list, 3, ASY_BUF_END));
    ASSERT_OK(asy_buf_to_string(&out, ASY_ENC_UTF8, &s, NULL));
    ASSERT_STR_EQ(s, "abcd");
    asy_free(s);
    ASSERT(out.data != list[0].data); /* a new buffer */
    asy_buf_release(&out);
    ASSERT_OK(asy_buf_concat(&out, list, 3, 3)); /* Buffer.concat([ab, cd], 3) = "abc" */
    ASSERT_STR_EQ(hexof(&out), "616263");
    asy_buf_release(&out);
    ASSERT_OK(asy_buf_concat(&out, list, 1, 4)); /* zero-filled past the data */
    ASSERT_STR_EQ(hexof(&out), "61620000");
    asy_buf_release(&out);
    ASSERT_OK(asy_buf_concat(&out, NULL, 0, ASY_BUF_END));
    ASSERT_EQ(out.len, 0);
    ASSERT_ERR(asy_buf_concat(&out, list, 3, -1), ASY_ERANGE);
    ASSERT_ERR(asy_buf_concat(&out, NULL, 2, ASY_BUF_END), ASY_EINVAL);
    asy_buf_release(&list[0]);
    asy_buf_release(&list[2]);
}

/* ---- search ------------------------------------------------------------------- */

TEST(buf_index_of_follows_node) {
    /* Buffer.from("abcabc").indexOf(needle, offset) in node 20 */
    static const struct {
        const char *needle;
        ptrdiff_t off;
        ptrdiff_t want;
    } fwd[] = {{"", 0, 0},    {"", 2, 2},     {"", 10, 6},    {"", -2, 4},   {"c", -1, 5},
               {"c", -100, 2}, {"bc", 5, -1}, {"bc", 6, -1},  {"bc", 0, 1},  {"bc", 2, 4},
               {"abc", 1, 3}, {"abcabcd", 0, -1}, {"x", 0, -1}, {"abcabc", 0, 0}, {"c", 3, 5}},
      back[] = {{"", ASY_BUF_END, 6}, {"", 2, 2},      {"", 10, 6},     {"", -2, 4},
                {"c", -1, 5},         {"c", -100, -1}, {"bc", 3, 1},    {"bc", 4, 4},
                {"abc", 0, 0},        {"a", -6, 0},    {"a", -7, -1},   {"bc", 5, 4},
                {"abcabcd", ASY_BUF_END, -1},          {"c", ASY_BUF_END, 5}, {"x", ASY_BUF_END, -1}};
    asy_buf_t b;
    size_t i;
    from_str(&b, "abcabc");
    for (i = 0; i < ASY_ARRAY_SIZE(fwd); i++) {
        ptrdiff_t got = asy_buf_index_of(&b, fwd[i].needle, strlen(fwd[i].needle), fwd[i].off);
        if (got != fwd[i].want)
            FAIL("indexOf(\"%s\", %lld) = %lld, want %lld", fwd[i].needle, (long long)fwd[i].off,
                 (long long)got, (long long)fwd[i].want);
        ASSERT_EQ(asy_buf_index_of_string(&b, fwd[i].needle, fwd[i].off, ASY_ENC_UTF8), fwd[i].want);
        ASSERT_EQ(asy_buf_includes(&b, fwd[i].needle, strlen(fwd[i].needle), fwd[i].off),
                  fwd[i].want >= 0);
    }
    for (i = 0; i < ASY_ARRAY_SIZE(back); i++) {
        ptrdiff_t got =
            asy_buf_last_index_of(&b, back[i].needle, strlen(back[i].needle), back[i].off);
        if (got != back[i].want)
            FAIL("lastIndexOf(\"%s\", %lld) = %lld, want %lld", back[i].needle,
                 (long long)back[i].off, (long long)got, (long long)back[i].want);
        ASSERT_EQ(asy_buf_last_index_of_string(&b, back[i].needle, back[i].off, ASY_ENC_UTF8),
                  back[i].want);
    }
    asy_buf_release(&b);
}

TEST(buf_index_of_edges) {
    asy_buf_t e = ASY_BUF_INIT, b;
    /* empty buffer: Buffer.alloc(0).indexOf("") is 0, anything else -1 */
    ASSERT_EQ(asy_buf_index_of(&e, "", 0, 0), 0);
    ASSERT_EQ(asy_buf_index_of(&e, "", 0, 1), 0);
    ASSERT_EQ(asy_buf_last_index_of(&e, "", 0, ASY_BUF_END), 0);
    ASSERT_EQ(asy_buf_last_index_of(&e, "", 0, -1), 0);
    ASSERT_EQ(asy_buf_index_of(&e, "a", 1, 0), -1);
    ASSERT_EQ(asy_buf_last_index_of(&e, "a", 1, ASY_BUF_END), -1);
    /* bad arguments find nothing */
    ASSERT_EQ(asy_buf_index_of(NULL, "a", 1, 0), -1);
    ASSERT_EQ(asy_buf_index_of(&e, NULL, 1, 0), -1);
    ASSERT_EQ(asy_buf_index_of_string(&e, NULL, 0, ASY_ENC_UTF8), -1);
    /* bytes including NUL and high values; string needles in other encodings */
    {
        static const uint8_t data[] = {0x00, 0xff, 0x10, 0x00, 0xff, 0x10, 0x41};
        static const uint8_t nd[] = {0x00, 0xff};
        ASSERT_OK(asy_buf_from_bytes(&b, data, sizeof(data)));
        ASSERT_EQ(asy_buf_index_of(&b, nd, 2, 1), 3);
        ASSERT_EQ(asy_buf_last_index_of(&b, nd, 2, ASY_BUF_END), 3);
        ASSERT_EQ(asy_buf_last_index_of(&b, nd, 2, 2), 0);
        ASSERT_EQ(asy_buf_index_of_string(&b, "ff10", 0, ASY_ENC_HEX), 1);
        ASSERT_EQ(asy_buf_last_index_of_string(&b, "ff10", ASY_BUF_END, ASY_ENC_HEX), 4);
        ASSERT_EQ(asy_buf_index_of_string(&b, "/xBB", 0, ASY_ENC_BASE64), 4); /* ff 10 41 */
        ASSERT_EQ(asy_buf_index_of_string(&b, "zz", 0, ASY_ENC_HEX), -1);  /* undecodable */
        ASSERT(asy_buf_includes_string(&b, "A", 0, ASY_ENC_LATIN1));
        ASSERT(!asy_buf_includes_string(&b, "A", 7, ASY_ENC_LATIN1));
        asy_buf_release(&b);
    }
}

TEST(buf_index_of_long_haystack) {
    /* a needle whose first byte occurs everywhere */
    asy_buf_t b;
    size_t i;
    ASSERT_OK(asy_buf_alloc(&b, 10000));
    for (i = 0; i < b.len; i++) b.data[i] = 'a';
    b.data[9000] = 'b';
    ASSERT_EQ(asy_buf_index_of(&b, "aab", 3, 0), 8998);
    ASSERT_EQ(asy_buf_last_index_of(&b, "aab", 3, ASY_BUF_END), 8998);
    ASSERT_EQ(asy_buf_last_index_of(&b, "aab", 3, 8997), -1);
    ASSERT_EQ(asy_buf_index_of(&b, "aab", 3, 8999), -1);
    ASSERT_EQ(asy_buf_index_of(&b, "ba", 2, 0), 9000);
    asy_buf_release(&b);
}

/* ---- fill ----------------------------------------------------------------------- */

TEST(buf_fill_follows_node) {
    asy_buf_t b;
    ASSERT_OK(asy_buf_alloc(&b, 5));
    ASSERT_OK(asy_buf_fill_string(&b, "ab", ASY_ENC_UTF8, 0, ASY_BUF_END));
    ASSERT_STR_EQ(hexof(&b), "6162616261"); /* "ababa" */
    ASSERT_OK(asy_buf_fill_string(&b, "\xc3\xa9", ASY_ENC_UTF8, 0, ASY_BUF_END));
    ASSERT_STR_EQ(hexof(&b), "c3a9c3a9c3"); /* characters may be cut, as in Node */
    ASSERT_OK(asy_buf_fill_byte(&b, 0, 0, ASY_BUF_END));
    ASSERT_OK(asy_buf_fill_string(&b, "abc", ASY_ENC_UTF8, 1, 4));
    ASSERT_STR_EQ(hexof(&b), "0061626300");
    ASSERT_OK(asy_buf_fill_string(&b, "", ASY_ENC_UTF8, 0, ASY_BUF_END)); /* "" fills zeros */
    ASSERT_STR_EQ(hexof(&b), "0000000000");
    ASSERT_OK(asy_buf_fill_string(&b, "abcd", ASY_ENC_HEX, 0, ASY_BUF_END));
    ASSERT_STR_EQ(hexof(&b), "abcdabcdab");
    ASSERT_ERR(asy_buf_fill_string(&b, "zz", ASY_ENC_HEX, 0, ASY_BUF_END), ASY_EINVAL);
    ASSERT_OK(asy_buf_fill_byte(&b, 0x1ff, 2, 3)); /* value & 255 */
    ASSERT_STR_EQ(hexof(&b), "abcdffcdab");
    ASSERT_OK(asy_buf_fill_byte(&b, 1, 5, ASY_BUF_END)); /* start at the end: nothing */
    ASSERT_OK(asy_buf_fill_byte(&b, 1, 9, ASY_BUF_END)); /* start past the end: nothing */
    ASSERT_OK(asy_buf_fill_byte(&b, 1, 3, 2));           /* end before start: nothing */
    ASSERT_STR_EQ(hexof(&b), "abcdffcdab");
    ASSERT_ERR(asy_buf_fill_byte(&b, 1, 0, 6), ASY_ERANGE);
    ASSERT_ERR(asy_buf_fill_byte(&b, 1, -1, ASY_BUF_END), ASY_ERANGE);
    ASSERT_ERR(asy_buf_fill(&b, "", 0, 0, ASY_BUF_END), ASY_EINVAL); /* empty pattern */
    ASSERT_ERR(asy_buf_fill(NULL, "a", 1, 0, 1), ASY_EINVAL);
    {
        /* a long pattern longer than the range, and a doubling fill */
        static const char pat[] = "0123456789";
        asy_buf_t big;
        size_t i;
        ASSERT_OK(asy_buf_fill(&b, pat, 10, 0, ASY_BUF_END));
        ASSERT_STR_EQ(hexof(&b), "3031323334");
        ASSERT_OK(asy_buf_alloc(&big, 1001));
        ASSERT_OK(asy_buf_fill(&big, pat, 10, 1, ASY_BUF_END));
        ASSERT_EQ(big.data[0], 0);
        for (i = 1; i < big.len; i++) ASSERT_EQ(big.data[i], pat[(i - 1) % 10]);
        asy_buf_release(&big);
    }
    asy_buf_release(&b);
}

/* ---- numbers -------------------------------------------------------------------- */

TEST(buf_numbers_both_byte_orders) {
    asy_buf_t b;
    uint8_t u8;
    int8_t i8;
    uint16_t u16;
    int16_t i16;
    uint32_t u32;
    int32_t i32;
    uint64_t u64;
    int64_t i64;
    float f;
    double d;
    ASSERT_OK(asy_buf_alloc(&b, 8));
    ASSERT_OK(asy_buf_write_u16_le(&b, 0, 0x1234));
    ASSERT_STR_EQ(hexof(&b), "3412000000000000");
    ASSERT_OK(asy_buf_write_u16_be(&b, 2, 0x1234));
    ASSERT_STR_EQ(hexof(&b), "3412123400000000");
    ASSERT_OK(asy_buf_read_u16_be(&b, 0, &u16));
    ASSERT_EQ(u16, 0x3412);
    ASSERT_OK(asy_buf_read_u16_le(&b, 2, &u16));
    ASSERT_EQ(u16, 0x3412);
    ASSERT_OK(asy_buf_write_i16_le(&b, 0, -2));
    ASSERT_OK(asy_buf_read_i16_le(&b, 0, &i16));
    ASSERT_EQ(i16, -2);
    ASSERT_OK(asy_buf_read_u16_le(&b, 0, &u16));
    ASSERT_EQ(u16, 0xfffe);
    ASSERT_OK(asy_buf_write_i16_be(&b, 0, -300));
    ASSERT_OK(asy_buf_read_i16_be(&b, 0, &i16));
    ASSERT_EQ(i16, -300);

    ASSERT_OK(asy_buf_write_u32_le(&b, 0, 0xdeadbeef));
    ASSERT_OK(asy_buf_write_u32_be(&b, 4, 0xdeadbeef));
    ASSERT_STR_EQ(hexof(&b), "efbeaddedeadbeef");
    ASSERT_OK(asy_buf_read_u32_be(&b, 4, &u32));
    ASSERT_EQ_U64(u32, 0xdeadbeef);
    ASSERT_OK(asy_buf_read_i32_le(&b, 0, &i32));
    ASSERT_EQ(i32, (int32_t)0xdeadbeef);
    ASSERT_OK(asy_buf_write_i32_be(&b, 0, -1));
    ASSERT_OK(asy_buf_read_i32_be(&b, 0, &i32));
    ASSERT_EQ(i32, -1);
    ASSERT_OK(asy_buf_write_i32_le(&b, 0, INT32_MIN));
    ASSERT_OK(asy_buf_read_u32_le(&b, 0, &u32));
    ASSERT_EQ_U64(u32, 0x80000000u);

    ASSERT_OK(asy_buf_write_u64_be(&b, 0, 0x0102030405060708ull));
    ASSERT_STR_EQ(hexof(&b), "0102030405060708");
    ASSERT_OK(asy_buf_read_u64_le(&b, 0, &u64));
    ASSERT_EQ_U64(u64, 0x0807060504030201ull);
    ASSERT_OK(asy_buf_write_u64_le(&b, 0, 0x0102030405060708ull));
    ASSERT_STR_EQ(hexof(&b), "0807060504030201");
    ASSERT_OK(asy_buf_write_i64_be(&b, 0, INT64_MIN));
    ASSERT_OK(asy_buf_read_i64_be(&b, 0, &i64));
    ASSERT(i64 == INT64_MIN);
    ASSERT_OK(asy_buf_write_i64_le(&b, 0, -5));
    ASSERT_OK(asy_buf_read_i64_le(&b, 0, &i64));
    ASSERT_EQ(i64, -5);

    /* IEEE 754 bit patterns: 1.5f = 0x3fc00000, -2.0 = 0xc000000000000000 */
    ASSERT_OK(asy_buf_write_float_be(&b, 0, 1.5f));
    ASSERT_OK(asy_buf_read_u32_be(&b, 0, &u32));
    ASSERT_EQ_U64(u32, 0x3fc00000u);
    ASSERT_OK(asy_buf_write_float_le(&b, 4, 1.5f));
    ASSERT_OK(asy_buf_read_u32_le(&b, 4, &u32));
    ASSERT_EQ_U64(u32, 0x3fc00000u);
    ASSERT_OK(asy_buf_read_float_le(&b, 4, &f));
    ASSERT(f == 1.5f);
    ASSERT_OK(asy_buf_read_float_be(&b, 0, &f));
    ASSERT(f == 1.5f);
    ASSERT_OK(asy_buf_write_double_be(&b, 0, -2.0));
    ASSERT_STR_EQ(hexof(&b), "c000000000000000");
    ASSERT_OK(asy_buf_read_double_be(&b, 0, &d));
    ASSERT(d == -2.0);
    ASSERT_OK(asy_buf_write_double_le(&b, 0, 0.1));
    ASSERT_OK(asy_buf_read_double_le(&b, 0, &d));
    ASSERT(d == 0.1);
    ASSERT_OK(asy_buf_read_u64_le(&b, 0, &u64));
    ASSERT_EQ_U64(u64, 0x3fb999999999999aull);

    ASSERT_OK(asy_buf_write_u8(&b, 7, 0xfe));
    ASSERT_OK(asy_buf_read_u8(&b, 7, &u8));
    ASSERT_EQ(u8, 0xfe);
    ASSERT_OK(asy_buf_read_i8(&b, 7, &i8));
    ASSERT_EQ(i8, -2);
    ASSERT_OK(asy_buf_write_i8(&b, 6, -128));
    ASSERT_EQ(b.data[6], 0x80);
    asy_buf_release(&b);
}

TEST(buf_numbers_bounds_checked) {
    asy_buf_t b, e = ASY_BUF_INIT;
    uint32_t u32 = 77;
    uint64_t u64;
    double d;
    uint8_t u8;
    ASSERT_OK(asy_buf_alloc(&b, 6));
    memset(b.data, 0x11, 6);
    ASSERT_OK(asy_buf_read_u32_le(&b, 2, &u32)); /* the last fitting offset */
    ASSERT_ERR(asy_buf_read_u32_le(&b, 3, &u32), ASY_ERANGE);
    ASSERT_ERR(asy_buf_write_u32_be(&b, 3, 0xffffffff), ASY_ERANGE);
    ASSERT_STR_EQ(hexof(&b), "111111111111"); /* nothing written */
    ASSERT_ERR(asy_buf_read_u64_be(&b, 0, &u64), ASY_ERANGE);
    ASSERT_ERR(asy_buf_write_double_le(&b, 0, 1.0), ASY_ERANGE);
    ASSERT_ERR(asy_buf_read_double_be(&b, SIZE_MAX, &d), ASY_ERANGE);
    ASSERT_ERR(asy_buf_read_u8(&b, 6, &u8), ASY_ERANGE);
    ASSERT_ERR(asy_buf_read_u8(&b, SIZE_MAX, &u8), ASY_ERANGE);
    ASSERT_ERR(asy_buf_write_u16_le(&b, SIZE_MAX - 1, 1), ASY_ERANGE);
    ASSERT_ERR(asy_buf_read_u8(&e, 0, &u8), ASY_ERANGE);
    ASSERT_ERR(asy_buf_read_u8(NULL, 0, &u8), ASY_EINVAL);
    ASSERT_ERR(asy_buf_read_u8(&b, 0, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_buf_write_u8(NULL, 0, 1), ASY_EINVAL);
    asy_buf_release(&b);
}

TEST(buf_variable_width_numbers_follow_node) {
    asy_buf_t b;
    uint64_t u;
    int64_t i;
    ASSERT_OK(asy_buf_alloc(&b, 8));
    /* Buffer.alloc(8).writeUIntBE(0x123456, 1, 3) -> 00 12 34 56 00 ... */
    ASSERT_OK(asy_buf_write_uint_be(&b, 1, 3, 0x123456));
    ASSERT_STR_EQ(hexof(&b), "0012345600000000");
    ASSERT_OK(asy_buf_read_uint_le(&b, 1, 3, &u));
    ASSERT_EQ_U64(u, 0x563412);
    ASSERT_OK(asy_buf_write_uint_le(&b, 2, 6, 0x010203040506ull));
    ASSERT_STR_EQ(hexof(&b), "0012060504030201");
    ASSERT_OK(asy_buf_read_uint_be(&b, 2, 6, &u));
    ASSERT_EQ_U64(u, 0x060504030201ull);
    /* readIntLE(0, 3) of ff ff ff is -1; of 00 00 80 is -8388608 */
    ASSERT_OK(asy_buf_write_int_le(&b, 0, 3, -1));
    ASSERT_OK(asy_buf_read_int_le(&b, 0, 3, &i));
    ASSERT_EQ(i, -1);
    ASSERT_OK(asy_buf_read_uint_le(&b, 0, 3, &u));
    ASSERT_EQ_U64(u, 0xffffff);
    ASSERT_OK(asy_buf_write_int_be(&b, 0, 3, -8388608));
    ASSERT_STR_EQ(hexof(&b), "8000000504030201");
    ASSERT_OK(asy_buf_read_int_be(&b, 0, 3, &i));
    ASSERT_EQ(i, -8388608);
    ASSERT_OK(asy_buf_read_int_be(&b, 0, 8, &i));
    ASSERT_EQ_U64((uint64_t)i, 0x8000000504030201ull);
    /* values that do not fit, widths outside 1..8, out of bounds */
    ASSERT_ERR(asy_buf_write_uint_le(&b, 0, 2, 0x10000), ASY_ERANGE);
    ASSERT_ERR(asy_buf_write_int_le(&b, 0, 1, 128), ASY_ERANGE);
    ASSERT_ERR(asy_buf_write_int_le(&b, 0, 1, -129), ASY_ERANGE);
    ASSERT_OK(asy_buf_write_int_le(&b, 0, 1, -128));
    ASSERT_OK(asy_buf_write_uint_be(&b, 0, 8, UINT64_MAX));
    ASSERT_ERR(asy_buf_read_uint_le(&b, 0, 0, &u), ASY_EINVAL);
    ASSERT_ERR(asy_buf_read_uint_le(&b, 0, 9, &u), ASY_EINVAL);
    ASSERT_ERR(asy_buf_read_uint_le(&b, 6, 3, &u), ASY_ERANGE);
    ASSERT_ERR(asy_buf_write_int_be(&b, 7, 2, 0), ASY_ERANGE);
    ASSERT_ERR(asy_buf_read_int_le(&b, 0, 2, NULL), ASY_EINVAL);
    asy_buf_release(&b);
}

TEST(buf_swaps_follow_node) {
    asy_buf_t b;
    ASSERT_OK(asy_buf_from_string(&b, "0102030405060708", ASY_ENC_HEX));
    ASSERT_OK(asy_buf_swap16(&b));
    ASSERT_STR_EQ(hexof(&b), "0201040306050807");
    ASSERT_OK(asy_buf_swap16(&b));
    ASSERT_OK(asy_buf_swap32(&b));
    ASSERT_STR_EQ(hexof(&b), "0403020108070605");
    ASSERT_OK(asy_buf_swap32(&b));
    ASSERT_OK(asy_buf_swap64(&b));
    ASSERT_STR_EQ(hexof(&b), "0807060504030201");
    b.len = 6; /* a borrowed, shorter view */
    ASSERT_ERR(asy_buf_swap32(&b), ASY_EINVAL);
    ASSERT_ERR(asy_buf_swap64(&b), ASY_EINVAL);
    ASSERT_OK(asy_buf_swap16(&b));
    ASSERT_STR_EQ(hexof(&b), "070805060304");
    b.len = 8;
    ASSERT_ERR(asy_buf_swap16(NULL), ASY_EINVAL);
    asy_buf_release(&b);
}
