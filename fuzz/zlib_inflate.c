/* libFuzzer target: arbitrary bytes inflated through the zlib Transform.
 * The first byte picks the kind (inflate, gunzip, raw, unzip), the chunk
 * size and the small output buffers that force many steps; the rest is
 * pushed through pipeline(source, transform, sink).  The pipeline must
 * end exactly once, with 0 or one of the zlib codes, every stream must
 * close, and what the transform says it pushed must be what the sink got;
 * the one-shot call on the same bytes must agree with the stream. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef ASYNCRT_WITH_ZLIB
typedef struct {
    asy_stream_t s;
    const uint8_t *data;
    size_t len, off, step;
} src_t;

static void src_read(asy_stream_t *s, size_t size) {
    src_t *src = (src_t *)s->data;
    (void)size;
    while (src->off < src->len) {
        asy_buf_t v;
        size_t n = src->len - src->off < src->step ? src->len - src->off : src->step;
        v.store = NULL;
        v.data = (uint8_t *)(uintptr_t)(src->data + src->off);
        v.len = n;
        src->off += n;
        if (asy_stream_push(s, &v) != 1) return;
    }
    asy_stream_push_end(s);
}

static uint64_t got;
static void sink_write(asy_stream_t *s, const asy_buf_t *chunk) {
    got += chunk->len;
    asy_stream_write_done(s, 0);
}

static int closes, calls, result;
static void on_close(asy_stream_t *s) {
    (void)s;
    closes++;
}
static void on_done(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    calls++;
    result = status;
}

static const asy_stream_impl_t src_impl = {NULL, src_read, NULL, NULL, NULL, NULL, NULL, NULL};
static const asy_stream_impl_t sink_impl = {NULL, NULL, sink_write, NULL, NULL, NULL, NULL, NULL};
static const asy_stream_events_t close_events = {NULL, NULL, NULL, NULL, NULL,
                                               NULL, on_close, NULL, NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const asy_zlib_mode_t modes[4] = {ASY_ZLIB_INFLATE, ASY_ZLIB_GUNZIP,
                                           ASY_ZLIB_INFLATE_RAW, ASY_ZLIB_UNZIP};
    asy_loop_t loop;
    src_t src;
    asy_zlib_t z;
    asy_stream_t sink, *s[3];
    asy_zlib_opts_t o;
    asy_buf_t one;
    int r;
    if (size < 1) return 0;
    memset(&o, 0, sizeof(o));
    o.chunk_size = (data[0] & 16) ? 64 : 0;
    o.in_loop = (data[0] & 32) != 0;
    o.max_output_length = (data[0] & 64) ? 4096 : 1 << 24;
    if (asy_loop_init(&loop, NULL) != 0) abort();
    memset(&src, 0, sizeof(src));
    if (asy_readable_init(&loop, &src.s, &src_impl, NULL) != 0) abort();
    src.s.data = &src;
    src.data = data + 1;
    src.len = size - 1;
    src.step = (data[0] & 128) ? 1 : 4096;
    if (asy_zlib_create(&loop, &z, modes[data[0] & 3], &o) != 0) abort();
    if (asy_writable_init(&loop, &sink, &sink_impl, NULL) != 0) abort();
    asy_stream_set_events(&src.s, &close_events);
    asy_stream_set_events(&z.stream, &close_events);
    asy_stream_set_events(&sink, &close_events);
    s[0] = &src.s;
    s[1] = &z.stream;
    s[2] = &sink;
    got = 0;
    closes = calls = 0;
    result = 1;
    if (asy_pipeline(s, 3, on_done, NULL) != 0) abort();
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (calls != 1 || closes != 3) abort();
    if (result != 0 && result != ASY_Z_DATA_ERROR && result != ASY_Z_BUF_ERROR &&
        result != ASY_Z_NEED_DICT && result != ASY_EBUFFER_TOO_LARGE)
        abort();
    if (got != asy_zlib_bytes_pushed(&z) || got > o.max_output_length) abort();
    /* the one-shot call decodes the same bytes the same way */
    r = asy_zlib_sync(modes[data[0] & 3], data + 1, size - 1, &o, &one, NULL);
    if (r != result || (r == 0 && one.len != got)) abort();
    asy_buf_release(&one);
    if (asy_loop_close(&loop) != 0) abort();
    return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    (void)data;
    (void)size;
    return 0;
}
#endif
