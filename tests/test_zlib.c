/* zlib one-shot calls (sync, callback, promise), options, checksums and
 * Node's error codes and messages for bad input. */
#include "../asyncrt.h"
#include "test.h"

#ifdef ASYNCRT_WITH_ZLIB
#include "zlib_util.h"

#include <sys/resource.h>

static const asy_zlib_mode_t packers[] = {ASY_ZLIB_GZIP, ASY_ZLIB_DEFLATE, ASY_ZLIB_DEFLATE_RAW};
static const asy_zlib_mode_t unpackers[] = {ASY_ZLIB_GUNZIP, ASY_ZLIB_INFLATE, ASY_ZLIB_INFLATE_RAW};

static void roundtrip(asy_zlib_mode_t pack, asy_zlib_mode_t unpack, const uint8_t *data, size_t len,
                      const asy_zlib_opts_t *o) {
    asy_buf_t c, d;
    ASSERT_OK(asy_zlib_sync(pack, data, len, o, &c, NULL));
    ASSERT_OK(asy_zlib_sync(unpack, c.data, c.len, o, &d, NULL));
    ASSERT_EQ(d.len, len);
    ASSERT_MEM_EQ(d.data, data, len);
    asy_buf_release(&c);
    asy_buf_release(&d);
}

TEST_T(zlib_sync_roundtrip_every_level_and_strategy, 60000) {
    size_t n = 300000;
    uint8_t *text = zt_text(n), *rnd = zt_random(n);
    asy_zlib_opts_t o;
    int level, strategy;
    unsigned m;
    for (m = 0; m < 3; m++)
        for (level = -1; level <= 9; level++)
            for (strategy = 0; strategy <= 4; strategy++) {
                memset(&o, 0, sizeof(o));
                o.has_level = 1;
                o.level = level;
                o.strategy = strategy;
                roundtrip(packers[m], unpackers[m], text, n, &o);
                roundtrip(packers[m], unpackers[m], rnd, n / 10, &o);
            }
    /* text compresses, and better at 9 than at 1 */
    {
        asy_buf_t c1, c9;
        memset(&o, 0, sizeof(o));
        o.has_level = 1;
        o.level = 1;
        ASSERT_OK(asy_zlib_gzip_sync(text, n, &o, &c1));
        o.level = 9;
        ASSERT_OK(asy_zlib_gzip_sync(text, n, &o, &c9));
        ASSERT_LT(c9.len, c1.len);
        ASSERT_LT(c1.len, n / 2);
        asy_buf_release(&c1);
        asy_buf_release(&c9);
    }
    /* window and memory sizes, small and large */
    memset(&o, 0, sizeof(o));
    o.window_bits = 9;
    o.mem_level = 1;
    roundtrip(ASY_ZLIB_GZIP, ASY_ZLIB_GUNZIP, text, n, &o);
    o.window_bits = 15;
    o.mem_level = 9;
    roundtrip(ASY_ZLIB_DEFLATE, ASY_ZLIB_INFLATE, text, n, &o);
    roundtrip(ASY_ZLIB_GZIP, ASY_ZLIB_GUNZIP, text, 0, NULL);
    free(text);
    free(rnd);
}

TEST(zlib_unzip_takes_gzip_and_zlib) {
    uint8_t *text = zt_text(5000);
    roundtrip(ASY_ZLIB_GZIP, ASY_ZLIB_UNZIP, text, 5000, NULL);
    roundtrip(ASY_ZLIB_DEFLATE, ASY_ZLIB_UNZIP, text, 5000, NULL);
    free(text);
}

TEST(zlib_sync_concatenated_members_and_padding) {
    asy_buf_t a, b, d;
    uint8_t cat[512];
    size_t n;
    ASSERT_OK(asy_zlib_gzip_sync("abc", 3, NULL, &a));
    ASSERT_OK(asy_zlib_gzip_sync("def", 3, NULL, &b));
    memcpy(cat, a.data, a.len);
    memcpy(cat + a.len, b.data, b.len);
    n = a.len + b.len;
    ASSERT_OK(asy_zlib_gunzip_sync(cat, n, NULL, &d));
    ASSERT_EQ(d.len, 6);
    ASSERT_MEM_EQ(d.data, "abcdef", 6);
    asy_buf_release(&d);
    ASSERT_OK(asy_zlib_unzip_sync(cat, n, NULL, &d)); /* unzip of gzip: members too */
    ASSERT_EQ(d.len, 6);
    asy_buf_release(&d);
    /* Node: trailing zero bytes are padding */
    memset(cat + n, 0, 10);
    ASSERT_OK(asy_zlib_gunzip_sync(cat, n + 10, NULL, &d));
    ASSERT_EQ(d.len, 6);
    asy_buf_release(&d);
    /* ...but bytes that start like a member are one */
    cat[n] = 0x1f;
    cat[n + 1] = 0x8b;
    cat[n + 2] = 0xff;
    cat[n + 3] = 0xff;
    {
        const char *msg;
        ASSERT_ERR(asy_zlib_sync(ASY_ZLIB_GUNZIP, cat, n + 4, NULL, &d, &msg), ASY_Z_DATA_ERROR);
        ASSERT_STR_EQ(msg, "unknown compression method");
        ASSERT_EQ(d.len, 0);
    }
    /* inflate (zlib format) ignores what follows the stream */
    asy_buf_release(&a);
    ASSERT_OK(asy_zlib_deflate_sync("abc", 3, NULL, &a));
    memcpy(cat, a.data, a.len);
    memcpy(cat + a.len, "junk", 4);
    ASSERT_OK(asy_zlib_inflate_sync(cat, a.len + 4, NULL, &d));
    ASSERT_EQ(d.len, 3);
    asy_buf_release(&d);
    asy_buf_release(&a);
    asy_buf_release(&b);
}

/* Node's code and message for each bad input (checked against Node itself
 * by zlib_errors_match_node in test_zlib_stream.c). */
TEST(zlib_sync_errors_as_node) {
    asy_buf_t gz, d;
    uint8_t bad[256];
    const char *msg;
    size_t n;
    ASSERT_OK(asy_zlib_gzip_sync("hello world", 11, NULL, &gz));
    n = gz.len;
    ASSERT_ERR(asy_zlib_sync(ASY_ZLIB_GUNZIP, "hello world", 11, NULL, &d, &msg), ASY_Z_DATA_ERROR);
    ASSERT_STR_EQ(msg, "incorrect header check");
    ASSERT_STR_EQ(asy_err_name(ASY_Z_DATA_ERROR), "Z_DATA_ERROR");
    memcpy(bad, gz.data, n);
    bad[n - 6] ^= 1; /* the CRC */
    ASSERT_ERR(asy_zlib_sync(ASY_ZLIB_GUNZIP, bad, n, NULL, &d, &msg), ASY_Z_DATA_ERROR);
    ASSERT_STR_EQ(msg, "incorrect data check");
    memcpy(bad, gz.data, n);
    bad[n - 2] ^= 1; /* the length */
    ASSERT_ERR(asy_zlib_sync(ASY_ZLIB_GUNZIP, bad, n, NULL, &d, &msg), ASY_Z_DATA_ERROR);
    ASSERT_STR_EQ(msg, "incorrect length check");
    ASSERT_ERR(asy_zlib_sync(ASY_ZLIB_GUNZIP, gz.data, n - 5, NULL, &d, &msg), ASY_Z_BUF_ERROR);
    ASSERT_STR_EQ(msg, "unexpected end of file");
    ASSERT_STR_EQ(asy_err_name(ASY_Z_BUF_ERROR), "Z_BUF_ERROR");
    ASSERT_ERR(asy_zlib_sync(ASY_ZLIB_GUNZIP, "", 0, NULL, &d, &msg), ASY_Z_BUF_ERROR);
    ASSERT_ERR(asy_zlib_sync(ASY_ZLIB_INFLATE, gz.data, n, NULL, &d, &msg), ASY_Z_DATA_ERROR);
    ASSERT_STR_EQ(msg, "incorrect header check");
    memcpy(bad, gz.data, n);
    memcpy(bad + n, "garbage", 7);
    ASSERT_ERR(asy_zlib_sync(ASY_ZLIB_GUNZIP, bad, n + 7, NULL, &d, &msg), ASY_Z_DATA_ERROR);
    ASSERT_STR_EQ(msg, "incorrect header check");
    /* finishFlush Z_SYNC_FLUSH: truncated input decodes as far as it goes */
    {
        asy_zlib_opts_t o;
        memset(&o, 0, sizeof(o));
        o.finish_flush = ASY_Z_SYNC_FLUSH;
        ASSERT_OK(asy_zlib_gunzip_sync(gz.data, n - 8, &o, &d));
        ASSERT_EQ(d.len, 11);
        ASSERT_MEM_EQ(d.data, "hello world", 11);
        asy_buf_release(&d);
    }
    asy_buf_release(&gz);
}

TEST(zlib_dictionary) {
    static const char dict[] = "the quick brown fox jumps over the lazy dog";
    static const char text[] = "the lazy dog and the quick brown fox";
    asy_zlib_opts_t o, wrong;
    asy_buf_t c, d, plain;
    const char *msg;
    memset(&o, 0, sizeof(o));
    o.dictionary = dict;
    o.dictionary_len = strlen(dict);
    wrong = o;
    wrong.dictionary = "something else entirely";
    wrong.dictionary_len = 23;
    ASSERT_OK(asy_zlib_deflate_sync(text, strlen(text), &o, &c));
    ASSERT_OK(asy_zlib_deflate_sync(text, strlen(text), NULL, &plain));
    ASSERT_LT(c.len, plain.len); /* the dictionary helped */
    ASSERT_OK(asy_zlib_inflate_sync(c.data, c.len, &o, &d));
    ASSERT_EQ(d.len, strlen(text));
    ASSERT_MEM_EQ(d.data, text, d.len);
    asy_buf_release(&d);
    ASSERT_ERR(asy_zlib_sync(ASY_ZLIB_INFLATE, c.data, c.len, NULL, &d, &msg), ASY_Z_NEED_DICT);
    ASSERT_STR_EQ(msg, "Missing dictionary");
    ASSERT_ERR(asy_zlib_sync(ASY_ZLIB_INFLATE, c.data, c.len, &wrong, &d, &msg), ASY_Z_NEED_DICT);
    ASSERT_STR_EQ(msg, "Bad dictionary");
    asy_buf_release(&c);
    /* raw: the dictionary is set up front on both sides */
    ASSERT_OK(asy_zlib_deflate_raw_sync(text, strlen(text), &o, &c));
    ASSERT_OK(asy_zlib_inflate_raw_sync(c.data, c.len, &o, &d));
    ASSERT_EQ(d.len, strlen(text));
    ASSERT_MEM_EQ(d.data, text, d.len);
    asy_buf_release(&d);
    asy_buf_release(&c);
    asy_buf_release(&plain);
}

TEST(zlib_bad_options) {
    asy_zlib_opts_t o;
    asy_buf_t out;
    asy_loop_t loop;
    asy_zlib_t z;
    memset(&o, 0, sizeof(o));
    o.has_level = 1;
    o.level = 10;
    ASSERT_ERR(asy_zlib_gzip_sync("x", 1, &o, &out), ASY_ERANGE);
    o.level = -2;
    ASSERT_ERR(asy_zlib_gzip_sync("x", 1, &o, &out), ASY_ERANGE);
    memset(&o, 0, sizeof(o));
    o.window_bits = 16;
    ASSERT_ERR(asy_zlib_gzip_sync("x", 1, &o, &out), ASY_ERANGE);
    o.window_bits = 7;
    ASSERT_ERR(asy_zlib_gzip_sync("x", 1, &o, &out), ASY_ERANGE);
    memset(&o, 0, sizeof(o));
    o.mem_level = 10;
    ASSERT_ERR(asy_zlib_gzip_sync("x", 1, &o, &out), ASY_ERANGE);
    memset(&o, 0, sizeof(o));
    o.strategy = 5;
    ASSERT_ERR(asy_zlib_gzip_sync("x", 1, &o, &out), ASY_ERANGE);
    memset(&o, 0, sizeof(o));
    o.chunk_size = 63;
    ASSERT_ERR(asy_zlib_gzip_sync("x", 1, &o, &out), ASY_ERANGE);
    memset(&o, 0, sizeof(o));
    o.dictionary_len = 4;
    ASSERT_ERR(asy_zlib_deflate_sync("x", 1, &o, &out), ASY_EINVAL);
    ASSERT_ERR(asy_zlib_sync((asy_zlib_mode_t)9, "x", 1, NULL, &out, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_zlib_gzip_sync(NULL, 1, NULL, &out), ASY_EINVAL);
    ASSERT_EQ(out.len, 0);
    ASSERT_OK(asy_loop_init(&loop, NULL));
    o.dictionary_len = 0;
    o.flush = 9;
    ASSERT_ERR(asy_zlib_gzip(&loop, &z, &o), ASY_ERANGE);
    ASSERT_ERR(asy_zlib_gzip(NULL, &z, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_zlib_gzip_buf(&loop, "x", 1, &o, NULL, NULL), ASY_EINVAL);
    ASSERT_OK(asy_loop_close(&loop));
}

TEST(zlib_checksums) {
    ASSERT_EQ_U64(asy_zlib_crc32("hello", 5, 0), 0x3610a686u);
    /* continuing from a value equals one pass over the whole */
    ASSERT_EQ_U64(asy_zlib_crc32("lo", 2, asy_zlib_crc32("hel", 3, 0)), 0x3610a686u);
    ASSERT_EQ_U64(asy_zlib_crc32("", 0, 0), 0);
    ASSERT_EQ_U64(asy_zlib_adler32("hello", 5, 1), 0x062c0215u);
    ASSERT_EQ_U64(asy_zlib_adler32("lo", 2, asy_zlib_adler32("hel", 3, 1)), 0x062c0215u);
    ASSERT_EQ_U64(asy_zlib_crc32("The quick brown fox jumps over the lazy dog", 43, 0), 0x414fa339u);
}

TEST_T(zlib_max_output_length_oneshot_bomb, 30000) {
    /* deflate cannot pass about 1032:1, so a gzip of 1 GiB of zeros is
     * about 1 MiB: a bomb for a 16 MiB budget */
    size_t len;
    uint8_t *gz = zt_bomb((size_t)1 << 30, &len), *zeros = (uint8_t *)calloc(1, 100000);
    asy_buf_t d;
    asy_zlib_opts_t o;
    const char *msg;
    struct rusage ru;
    long before_kb, after_kb;
    ASSERT_LT(len, 2 << 20);
    memset(&o, 0, sizeof(o));
    o.max_output_length = 16 << 20;
    getrusage(RUSAGE_SELF, &ru);
    before_kb = ru.ru_maxrss;
    ASSERT_ERR(asy_zlib_sync(ASY_ZLIB_GUNZIP, gz, len, &o, &d, &msg), ASY_EBUFFER_TOO_LARGE);
    ASSERT_STR_EQ(asy_err_name(ASY_EBUFFER_TOO_LARGE), "EBUFFER_TOO_LARGE");
    ASSERT(strstr(msg, "Cannot create a Buffer larger than") == msg);
    ASSERT_EQ(d.len, 0);
    getrusage(RUSAGE_SELF, &ru);
    after_kb = ru.ru_maxrss;
    /* the peak grew by at most the limit (+ zlib's state and slack) */
    if (ZT_CHECK_RSS) ASSERT_LE(after_kb - before_kb, (16 << 10) + 2048);
    /* exactly at the limit is fine, one byte below it is not */
    {
        asy_buf_t s;
        ASSERT_OK(asy_zlib_gzip_sync(zeros, 100000, NULL, &s));
        o.max_output_length = 100000;
        ASSERT_OK(asy_zlib_gunzip_sync(s.data, s.len, &o, &d));
        ASSERT_EQ(d.len, 100000);
        asy_buf_release(&d);
        o.max_output_length = 99999;
        ASSERT_ERR(asy_zlib_gunzip_sync(s.data, s.len, &o, &d), ASY_EBUFFER_TOO_LARGE);
        asy_buf_release(&s);
    }
    free(gz);
    free(zeros);
}

/* ---- callback and promise forms ------------------------------------------ */

static asy_buf_t cb_result;
static int cb_status = 1, cb_calls;
static char cb_msg[128];
static void on_result(int status, const asy_buf_t *result, const char *message, void *arg) {
    ASSERT_PTR_EQ(arg, &cb_calls);
    cb_calls++;
    cb_status = status;
    snprintf(cb_msg, sizeof(cb_msg), "%s", message);
    ASSERT_OK(asy_buf_retain(&cb_result, result));
}

TEST(zlib_oneshot_callback) {
    asy_loop_t loop;
    uint8_t *text = zt_text(200000);
    asy_buf_t packed;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_OK(asy_zlib_gzip_buf(&loop, text, 200000, NULL, on_result, &cb_calls));
    ASSERT_EQ(cb_calls, 0); /* asynchronous, on the pool */
    asy_run(&loop, ASY_RUN_DEFAULT);
    ASSERT_EQ(cb_calls, 1);
    ASSERT_OK(cb_status);
    packed = cb_result;
    memset(&cb_result, 0, sizeof(cb_result));
    ASSERT_OK(asy_zlib_unzip_buf(&loop, packed.data, packed.len, NULL, on_result, &cb_calls));
    asy_run(&loop, ASY_RUN_DEFAULT);
    ASSERT_EQ(cb_calls, 2);
    ASSERT_EQ(cb_result.len, 200000);
    ASSERT_MEM_EQ(cb_result.data, text, 200000);
    asy_buf_release(&cb_result);
    ASSERT_OK(asy_zlib_gunzip_buf(&loop, "not gzip", 8, NULL, on_result, &cb_calls));
    asy_run(&loop, ASY_RUN_DEFAULT);
    ASSERT_EQ(cb_calls, 3);
    ASSERT_ERR(cb_status, ASY_Z_DATA_ERROR);
    ASSERT_STR_EQ(cb_msg, "incorrect header check");
    ASSERT_EQ(cb_result.len, 0);
    asy_buf_release(&packed);
    ASSERT_OK(asy_loop_close(&loop));
    free(text);
}

static asy_ret_t on_unpacked(void *arg, const asy_settled_t *in) {
    asy_buf_t *b = (asy_buf_t *)in->value;
    snprintf((char *)arg, 64, "ok %.*s", (int)b->len, (const char *)b->data);
    return asy_ok(NULL);
}
static asy_ret_t on_failed(void *arg, const asy_settled_t *in) {
    snprintf((char *)arg, 64, "%s %s", asy_err_name(in->error), in->message);
    return asy_ok(NULL);
}
static asy_ret_t then_unpack(void *arg, const asy_settled_t *in) {
    asy_buf_t *b = (asy_buf_t *)in->value;
    (void)arg;
    /* the packed buffer is owned by its promise, alive while this runs;
     * the next call reads it on the pool, so keep a copy */
    static asy_buf_t keep;
    asy_buf_release(&keep);
    ASSERT_OK(asy_buf_dup(&keep, b));
    return asy_chain(asy_zlibp_gunzip(asy_promise_loop(in->promise), keep.data, keep.len, NULL));
}

TEST(zlib_oneshot_promise) {
    asy_loop_t loop;
    char got[64] = "", err[64] = "";
    asy_promise_t *p, *q, *r;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    p = asy_zlibp_gzip(&loop, "promised", 8, NULL);
    ASSERT_NOT_NULL(p);
    q = asy_promise_then(p, then_unpack, on_failed, NULL);
    r = asy_promise_then(q, on_unpacked, on_failed, got);
    asy_promise_release(p);
    asy_promise_release(q);
    asy_promise_release(r);
    p = asy_zlibp_inflate(&loop, "\x78\x9c\xff", 3, NULL);
    r = asy_promise_then(p, on_unpacked, on_failed, err);
    asy_promise_release(p);
    asy_promise_release(r);
    asy_run(&loop, ASY_RUN_DEFAULT);
    ASSERT_STR_EQ(got, "ok promised");
    ASSERT(strncmp(err, "Z_DATA_ERROR ", 13) == 0);
    /* bad options reject too */
    {
        asy_zlib_opts_t o;
        char bad[64] = "";
        memset(&o, 0, sizeof(o));
        o.window_bits = 99;
        p = asy_zlibp_deflate(&loop, "x", 1, &o);
        r = asy_promise_then(p, on_unpacked, on_failed, bad);
        asy_promise_release(p);
        asy_promise_release(r);
        asy_run(&loop, ASY_RUN_DEFAULT);
        ASSERT(strncmp(bad, "ERANGE ", 7) == 0);
    }
    ASSERT_OK(asy_loop_close(&loop));
}
#endif
