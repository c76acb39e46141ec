/* The line splitter: any chunking of the input gives the same lines;
 * LF and CRLF, empty lines, a last line without a newline, long lines. */
#include "../asyncrt.h"
#include "test.h"
#include "stream_util.h"

static asy_loop_t L;

/* Collected lines, joined with '|' (input never contains '|'). */
static char got[1 << 16];
static size_t got_len;
static int got_lines, got_err, got_closed;

static void ln_data(asy_stream_t *s, const asy_buf_t *line) {
    (void)s;
    ASSERT(got_len + line->len + 1 < sizeof(got));
    if (line->len) memcpy(got + got_len, line->data, line->len);
    got_len += line->len;
    got[got_len++] = '|';
    got[got_len] = 0;
    got_lines++;
}
static void ln_error(asy_stream_t *s, int err) {
    (void)s;
    got_err = err;
}
static void ln_close(asy_stream_t *s) {
    (void)s;
    got_closed++;
}
static const asy_stream_events_t ln_events = {ln_data, NULL, NULL, ln_error, NULL, NULL, ln_close,
                                            NULL, NULL};

/* Feeds text to a splitter in chunks of the given sizes (cycled) and
 * runs the loop until it closes. */
static void split(const char *text, size_t n, const size_t *sizes, size_t nsizes,
                  const asy_line_splitter_opts_t *opts) {
    asy_line_splitter_t ls;
    size_t off = 0, k = 0;
    got_len = 0;
    got[0] = 0;
    got_lines = got_err = got_closed = 0;
    ASSERT_OK(asy_line_splitter_init(&L, &ls, opts));
    ASSERT_OK(asy_stream_set_events(&ls.stream, &ln_events));
    while (off < n) {
        size_t len = sizes[k++ % nsizes];
        asy_buf_t b;
        if (len > n - off) len = n - off;
        ASSERT_OK(asy_buf_from_bytes(&b, text + off, len));
        asy_stream_write(&ls.stream, &b, NULL, NULL);
        asy_buf_release(&b);
        off += len;
        /* sometimes let the loop run between chunks */
        if (k % 3 == 0) asy_run(&L, ASY_RUN_NOWAIT);
    }
    asy_stream_end(&ls.stream, NULL, NULL);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(got_closed, 1);
}

static void split_whole(const char *text, const asy_line_splitter_opts_t *opts) {
    size_t n = strlen(text), one = n ? n : 1;
    split(text, n, &one, 1, opts);
}

TEST(stream_lines_basic_cases) {
    static const size_t ones[1] = {1};
    ASSERT_OK(asy_loop_init(&L, NULL));
    split_whole("a\nbb\nccc\n", NULL);
    ASSERT_STR_EQ(got, "a|bb|ccc|");
    split_whole("a\r\nbb\r\n", NULL); /* CRLF */
    ASSERT_STR_EQ(got, "a|bb|");
    split_whole("last line without newline", NULL);
    ASSERT_STR_EQ(got, "last line without newline|");
    split_whole("x\n\n\ny\n", NULL); /* empty lines */
    ASSERT_STR_EQ(got, "x|||y|");
    split_whole("\n", NULL);
    ASSERT_STR_EQ(got, "|");
    split_whole("", NULL);
    ASSERT_EQ(got_lines, 0);
    split_whole("lone\rcr\n", NULL); /* a CR not before LF stays */
    ASSERT_STR_EQ(got, "lone\rcr|");
    split_whole("mixed\r\nends\nhere\r\n\r\nend", NULL);
    ASSERT_STR_EQ(got, "mixed|ends|here||end|");
    split_whole("trailing cr\r", NULL);
    ASSERT_STR_EQ(got, "trailing cr|");
    /* a CRLF split between chunks */
    split("ab\r\ncd\r\n", 8, ones, 1, NULL);
    ASSERT_STR_EQ(got, "ab|cd|");
    ASSERT_OK(asy_loop_close(&L));
}

static uint32_t rng = 12345;
static uint32_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Property: for random texts and random chunkings, the lines are those of
 * a plain split of the whole text. */
TEST_T(stream_lines_any_chunking, 30000) {
    static char text[8192], expect[16384];
    int round;
    ASSERT_OK(asy_loop_init(&L, NULL));
    for (round = 0; round < 300; round++) {
        size_t n = 0, e = 0, len = 1 + rnd() % 4000, i, sizes[7];
        size_t line_start = 0;
        while (n < len) {
            uint32_t r = rnd() % 20;
            if (r == 0)
                text[n++] = '\n';
            else if (r == 1 && n + 2 <= len) {
                text[n++] = '\r';
                text[n++] = '\n';
            } else if (r == 2 && rnd() % 8 == 0)
                text[n++] = '\r'; /* a lone CR, sometimes */
            else
                text[n++] = (char)('a' + rnd() % 26);
        }
        /* the reference: split on LF, drop one CR before it */
        for (i = 0; i < n; i++) {
            if (text[i] == '\n') {
                size_t end = i;
                if (end > line_start && text[end - 1] == '\r') end--;
                memcpy(expect + e, text + line_start, end - line_start);
                e += end - line_start;
                expect[e++] = '|';
                line_start = i + 1;
            }
        }
        if (line_start < n) {
            size_t end = n;
            if (text[end - 1] == '\r') end--;
            memcpy(expect + e, text + line_start, end - line_start);
            e += end - line_start;
            expect[e++] = '|';
        }
        expect[e] = 0;
        for (i = 0; i < 7; i++) sizes[i] = 1 + rnd() % (round % 4 == 0 ? 3 : 300);
        split(text, n, sizes, 1 + rnd() % 7, NULL);
        if (strcmp(got, expect) != 0) FAIL("round %d: lines differ", round);
    }
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_lines_max_line) {
    asy_line_splitter_opts_t o;
    static const size_t sz[1] = {3};
    memset(&o, 0, sizeof(o));
    o.max_line = 5;
    ASSERT_OK(asy_loop_init(&L, NULL));
    split_whole("12345\r\nabc\n", &o);
    ASSERT_STR_EQ(got, "12345|abc|");
    ASSERT_EQ(got_err, 0);
    split_whole("123456\nabc\n", &o);
    ASSERT_ERR(got_err, ASY_ENOBUFS);
    /* too long and unfinished, arriving in pieces */
    split("1234567890\n", 11, sz, 1, &o);
    ASSERT_ERR(got_err, ASY_ENOBUFS);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_lines_zero_copy_views) {
    asy_line_splitter_t ls;
    asy_buf_t in, line;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_line_splitter_init(&L, &ls, NULL));
    ASSERT_OK(asy_buf_from_string(&in, "one\ntwo\nthr", ASY_ENC_UTF8));
    asy_stream_write(&ls.stream, &in, NULL, NULL);
    /* lines are object-mode chunks, views into the written buffer */
    ASSERT_EQ(asy_stream_read(&ls.stream, ASY_STREAM_READ_ALL, &line), 1);
    ASSERT_STR_EQ(cstr(&line), "one");
    ASSERT_PTR_EQ(line.data, in.data);
    asy_buf_release(&line);
    ASSERT_EQ(asy_stream_read(&ls.stream, ASY_STREAM_READ_ALL, &line), 1);
    ASSERT_STR_EQ(cstr(&line), "two");
    ASSERT_PTR_EQ(line.data, in.data + 4);
    asy_buf_release(&line);
    ASSERT_EQ(asy_stream_read(&ls.stream, ASY_STREAM_READ_ALL, &line), 0);
    asy_buf_release(&in);
    asy_stream_destroy(&ls.stream, 0); /* frees the partial "thr" */
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_OK(asy_loop_close(&L));
}

/* Lines through a pipeline with backpressure: a million short rows. */
static unsigned long rows_seen;
static unsigned long long rows_sum;
static void rows_write(asy_stream_t *s, const asy_buf_t *line) {
    rows_seen++;
    rows_sum += strtoul(cstr(line), NULL, 10);
    asy_stream_write_done(s, 0);
}
static int rows_made;
static void rows_read(asy_stream_t *s, size_t size) {
    char buf[8192];
    size_t n = 0;
    (void)size;
    if (rows_made >= 1000000) {
        asy_stream_push_end(s);
        return;
    }
    while (n < sizeof(buf) - 16 && rows_made < 1000000)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%d\n", ++rows_made);
    asy_stream_push_bytes(s, buf, n);
}
static int rows_status = 1;
static void rows_done(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    rows_status = status;
}

TEST_T(stream_lines_million_rows_pipeline, 60000) {
    static const asy_stream_impl_t src = {NULL, rows_read, NULL, NULL, NULL, NULL, NULL, NULL};
    static const asy_stream_impl_t sink = {NULL, NULL, rows_write, NULL, NULL, NULL, NULL, NULL};
    asy_stream_t s, k;
    asy_line_splitter_t ls;
    asy_stream_opts_t o;
    asy_stream_t *all[3];
    memset(&o, 0, sizeof(o));
    o.object_mode = 1;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &s, &src, NULL));
    ASSERT_OK(asy_line_splitter_init(&L, &ls, NULL));
    ASSERT_OK(asy_writable_init(&L, &k, &sink, &o));
    all[0] = &s;
    all[1] = &ls.stream;
    all[2] = &k;
    ASSERT_OK(asy_pipeline(all, 3, rows_done, NULL));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(rows_status, 0);
    ASSERT_EQ(rows_seen, 1000000);
    ASSERT_EQ_U64(rows_sum, 500000500000ULL);
    ASSERT_OK(asy_loop_close(&L));
}
