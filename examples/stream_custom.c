/* Implementing streams (docs/stream.md, "Implementing a stream"): a custom
 * source, transform and sink, the C form of
 *
 *   const source = new Readable({
 *     read() { this.push(n <= 5 ? `tick ${n++}\n` : null); }
 *   });
 *   const sink = new Writable({
 *     write(chunk, enc, cb) { setImmediate(() => { store(chunk); cb(); }); },
 *     final(cb) { console.log("sink: flushing"); cb(); },
 *     destroy(err, cb) { console.log("sink: released"); cb(err); },
 *   });
 *   pipeline(source, new Transform(...), sink, (err) => ...);
 *
 * Output:
 *   sink: flushing
 *   sink: released
 *   pipeline done: 0
 *   sink got 45 bytes:
 *   [tick 1]
 *   [tick 2]
 *   ...
 */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>
#include <string.h>

/* ---- a source: _read pushes one chunk, then the end ------------------------ */
typedef struct {
    asy_stream_t stream;
    int n;
} counter_t;

static void counter_read(asy_stream_t *s, size_t size) {
    counter_t *c = ASY_CONTAINER_OF(s, counter_t, stream);
    char line[32];
    (void)size; /* a hint: about how much the consumer wants */
    if (c->n > 5) {
        asy_stream_push_end(s); /* push(null) */
        return;
    }
    snprintf(line, sizeof(line), "tick %d\n", c->n++);
    asy_stream_push_bytes(s, line, strlen(line)); /* copies; asy_stream_push keeps a view */
}

static const asy_stream_impl_t counter_impl = {
    NULL,         /* construct */
    counter_read, /* read */
    NULL, NULL, NULL, NULL, NULL, NULL};

/* ---- a transform: "tick 1\n" -> "[tick 1]\n" --------------------------------- */
static void bracket_transform(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_buf_t out;
    int r = asy_buf_alloc_unsafe(&out, chunk->len + 2);
    if (r == 0) {
        out.data[0] = '[';
        memcpy(out.data + 1, chunk->data, chunk->len - 1); /* without the '\n' */
        memcpy(out.data + chunk->len, "]\n", 2);
        asy_stream_push_move(s, &out); /* this.push(out) */
    }
    asy_stream_transform_done(s, r); /* callback(err) */
}

static const asy_stream_impl_t bracket_impl = {NULL, NULL, NULL, NULL, NULL, NULL,
                                             bracket_transform, NULL};

/* ---- a sink: completes each write later, flushes in _final ------------------- */
typedef struct {
    asy_stream_t stream;
    char data[256];
    size_t len;
    asy_buf_t pending; /* the chunk being "written" */
} store_t;

static void store_done(void *arg) {
    store_t *st = (store_t *)arg;
    size_t n = st->pending.len;
    if (st->len + n > sizeof(st->data)) n = sizeof(st->data) - st->len;
    memcpy(st->data + st->len, st->pending.data, n);
    st->len += n;
    asy_buf_release(&st->pending);
    asy_stream_write_done(&st->stream, 0); /* cb() */
}

static void store_write(asy_stream_t *s, const asy_buf_t *chunk) {
    store_t *st = ASY_CONTAINER_OF(s, store_t, stream);
    asy_buf_retain(&st->pending, chunk); /* keep it past this call */
    asy_set_immediate(s->loop, store_done, st);
}

static void store_final(asy_stream_t *s) {
    printf("sink: flushing\n");
    asy_stream_final_done(s, 0);
}

static void store_destroy(asy_stream_t *s, int err) {
    store_t *st = ASY_CONTAINER_OF(s, store_t, stream);
    printf("sink: released\n");
    asy_buf_release(&st->pending);
    asy_stream_destroy_done(s, err);
}

static const asy_stream_impl_t store_impl = {NULL, NULL, store_write, NULL, store_final,
                                           store_destroy, NULL, NULL};

static void done(asy_stream_t *last, int status, void *arg) {
    (void)last;
    store_t *st = (store_t *)arg;
    printf("pipeline done: %d\nsink got %zu bytes:\n%.*s", status, st->len, (int)st->len, st->data);
}

int main(void) {
    asy_loop_t loop;
    counter_t source;
    asy_stream_t brackets;
    store_t sink;
    asy_stream_t *streams[3];
    asy_loop_init(&loop, NULL);
    source.n = 1;
    memset(&sink, 0, sizeof(sink));
    asy_readable_init(&loop, &source.stream, &counter_impl, NULL);
    asy_transform_init(&loop, &brackets, &bracket_impl, NULL);
    asy_writable_init(&loop, &sink.stream, &store_impl, NULL);
    streams[0] = &source.stream;
    streams[1] = &brackets;
    streams[2] = &sink.stream;
    asy_pipeline(streams, 3, done, &sink);
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
