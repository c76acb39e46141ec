/* Helpers shared by the zlib tests: test data, an in-memory source that
 * pushes a buffer in chunks of chosen sizes, a sink that collects what
 * it gets (optionally slowly), and running a pipeline of them. */
#ifndef ASYRT_ZLIB_UTIL_H
#define ASYRT_ZLIB_UTIL_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static uint32_t zt_seed = 12345;
static uint32_t zt_rand(void) {
    zt_seed = zt_seed * 1103515245u + 12345u;
    return zt_seed >> 8;
}

/* Incompressible bytes. */
__attribute__((unused)) static uint8_t *zt_random(size_t n) {
    uint8_t *b = (uint8_t *)malloc(n ? n : 1);
    size_t i;
    ASSERT_NOT_NULL(b);
    for (i = 0; i < n; i++) b[i] = (uint8_t)zt_rand();
    return b;
}

/* Text-like bytes: words from a small vocabulary. */
__attribute__((unused)) static uint8_t *zt_text(size_t n) {
    static const char *words[] = {"stream ", "buffer ", "event ", "loop ",  "gzip ",
                                  "pipeline ", "the ", "of ", "and ", "data\n",
                                  "backpressure ", "promise ", "chunk ", "zlib ", "a "};
    uint8_t *b = (uint8_t *)malloc(n ? n : 1);
    size_t i = 0;
    ASSERT_NOT_NULL(b);
    while (i < n) {
        const char *w = words[zt_rand() % (sizeof(words) / sizeof(words[0]))];
        while (*w && i < n) b[i++] = (uint8_t)*w++;
    }
    return b;
}

/* ---- a source: pushes data[0..len) in chunks of sizes[k % nsizes] ------- */
typedef struct {
    asy_stream_t s;
    const uint8_t *data;
    size_t len, off;
    const size_t *sizes;
    size_t nsizes, k;
    uint64_t repeat; /* with `repeat`, the data is pushed that many times */
    int closes;
} zt_source;

static void zt_source_read(asy_stream_t *s, size_t size) {
    zt_source *src = (zt_source *)s->data;
    (void)size;
    for (;;) {
        size_t n;
        asy_buf_t v;
        if (src->off == src->len) {
            if (src->repeat > 1) {
                src->repeat--;
                src->off = 0;
            } else {
                asy_stream_push_end(s);
                return;
            }
        }
        n = src->nsizes ? src->sizes[src->k++ % src->nsizes] : 65536;
        if (n > src->len - src->off) n = src->len - src->off;
        /* a borrowed view: the data outlives the pipeline */
        v.store = NULL;
        v.data = (uint8_t *)(uintptr_t)(src->data + src->off);
        v.len = n;
        src->off += n;
        if (asy_stream_push(s, &v) != 1) return;
    }
}
static void zt_source_close(asy_stream_t *s) { ((zt_source *)s->data)->closes++; }
static const asy_stream_impl_t zt_source_impl = {NULL, zt_source_read, NULL, NULL, NULL, NULL, NULL, NULL};
static const asy_stream_events_t zt_source_events = {NULL, NULL, NULL, NULL, NULL, NULL,
                                                   zt_source_close, NULL, NULL};

__attribute__((unused)) static void zt_source_init(asy_loop_t *loop, zt_source *src,
                                                   const void *data, size_t len,
                                                   const size_t *sizes, size_t nsizes) {
    memset(src, 0, sizeof(*src));
    src->data = (const uint8_t *)data;
    src->len = len;
    src->sizes = sizes;
    src->nsizes = nsizes;
    ASSERT_OK(asy_readable_init(loop, &src->s, &zt_source_impl, NULL));
    src->s.data = src;
    ASSERT_OK(asy_stream_set_events(&src->s, &zt_source_events));
}

/* ---- a sink: keeps (or only counts) what it gets ------------------------- */
typedef struct {
    asy_stream_t s;
    uint8_t *buf;
    size_t len, cap;
    uint64_t total;
    int keep;      /* keep the bytes (else count them) */
    int slow;      /* complete each write on a later loop iteration */
    int closes;
    void (*on_write)(void *arg); /* called on each write (RSS sampling) */
    void *on_write_arg;
} zt_sink;

static void zt_sink_done(void *arg) { asy_stream_write_done(&((zt_sink *)arg)->s, 0); }

static void zt_sink_write(asy_stream_t *s, const asy_buf_t *chunk) {
    zt_sink *k = (zt_sink *)s->data;
    if (k->keep) {
        if (k->len + chunk->len > k->cap) {
            k->cap = (k->len + chunk->len) * 2 + 1024;
            k->buf = (uint8_t *)realloc(k->buf, k->cap);
            ASSERT_NOT_NULL(k->buf);
        }
        if (chunk->len) memcpy(k->buf + k->len, chunk->data, chunk->len);
        k->len += chunk->len;
    }
    k->total += chunk->len;
    if (k->on_write) k->on_write(k->on_write_arg);
    if (k->slow)
        asy_set_immediate(s->loop, zt_sink_done, k);
    else
        asy_stream_write_done(s, 0);
}
static void zt_sink_close(asy_stream_t *s) { ((zt_sink *)s->data)->closes++; }
static const asy_stream_impl_t zt_sink_impl = {NULL, NULL, zt_sink_write, NULL, NULL, NULL, NULL, NULL};
static const asy_stream_events_t zt_sink_events = {NULL, NULL, NULL, NULL, NULL, NULL,
                                                 zt_sink_close, NULL, NULL};

__attribute__((unused)) static void zt_sink_init(asy_loop_t *loop, zt_sink *k, int keep) {
    memset(k, 0, sizeof(*k));
    k->keep = keep;
    ASSERT_OK(asy_writable_init(loop, &k->s, &zt_sink_impl, NULL));
    k->s.data = k;
    ASSERT_OK(asy_stream_set_events(&k->s, &zt_sink_events));
}

/* ---- pipelines ------------------------------------------------------------ */
static int zt_status, zt_calls;
static void zt_pipeline_done(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    zt_status = status;
    zt_calls++;
}

/* Runs pipeline(streams) to the end; its status. */
__attribute__((unused)) static int zt_run_pipeline(asy_loop_t *loop, asy_stream_t **streams,
                                                   size_t n) {
    zt_status = 1;
    zt_calls = 0;
    ASSERT_OK(asy_pipeline(streams, n, zt_pipeline_done, NULL));
    asy_run(loop, ASY_RUN_DEFAULT);
    ASSERT_EQ(zt_calls, 1);
    return zt_status;
}

/* Runs a shell command; its exit status. */
__attribute__((unused)) static int zt_sh(const char *cmd) {
    int st = system(cmd);
    return st == -1 ? -1 : (WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* A gzip of `total` zero bytes made with zlib directly, 1 MiB at a time:
 * deflate cannot pass about 1032:1, so 1 GiB becomes about 1 MiB. */
__attribute__((unused)) static uint8_t *zt_bomb(size_t total, size_t *out_len) {
    const size_t step = 1 << 20;
    size_t cap = total / 512 + 65536, len = 0, i, rounds = total / step;
    uint8_t *zeros = (uint8_t *)calloc(1, step), *gz = (uint8_t *)malloc(cap);
    z_stream zs;
    ASSERT_NOT_NULL(zeros);
    ASSERT_NOT_NULL(gz);
    memset(&zs, 0, sizeof(zs));
    ASSERT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, 31, 9, Z_RLE), Z_OK);
    for (i = 0; i < rounds; i++) {
        int last = i + 1 == rounds;
        zs.next_in = zeros;
        zs.avail_in = (uInt)step;
        do {
            zs.next_out = gz + len;
            zs.avail_out = (uInt)(cap - len);
            ASSERT(deflate(&zs, last ? Z_FINISH : Z_NO_FLUSH) != Z_STREAM_ERROR);
            len = cap - zs.avail_out;
            ASSERT_LT(len, cap);
        } while (zs.avail_in || (last && zs.avail_out == 0));
    }
    deflateEnd(&zs);
    free(zeros);
    *out_len = len;
    return gz;
}

/* Memory bounds are checked only without a sanitizer: ASan keeps freed
 * blocks in quarantine (hundreds of MiB) and TSan adds shadow memory. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ZT_CHECK_RSS 0
#else
#define ZT_CHECK_RSS 1
#endif

/* The resident set size now, in bytes. */
__attribute__((unused)) static size_t zt_rss(void) {
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    fclose(f);
    return (size_t)rss * (size_t)sysconf(_SC_PAGESIZE);
}
#endif
