/* The seed's backpressure pair: a fast producer, a slow consumer.
 *
 *   src.on("data", (chunk) => {
 *     const canContinue = dest.write(chunk);
 *     if (!canContinue) {
 *       src.pause();                           // stop reading until drain
 *       dest.once("drain", () => src.resume());
 *     }
 *   });
 *
 *   // pipeline() handles all this automatically
 *   await pipeline(src, dest);
 *
 * The source makes 8 MiB as fast as it is asked; the sink takes one 16 KiB
 * chunk per millisecond.  Both ways the sink never holds more than its
 * highWaterMark (16 KiB, one chunk: every write() returns false), instead
 * of the whole 8 MiB:
 *
 *   by hand:  8388608 bytes, 512 pauses, 511 drains, sink buffer max 16384
 *   pipeline: 8388608 bytes, sink buffer max 16384
 *
 * (No drain after the last write: end() came first.)
 */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>
#include <string.h>

#define TOTAL (8u * 1024 * 1024)
#define CHUNK (16u * 1024)

static asy_loop_t loop;
static asy_stream_t src, dest;
static size_t made, consumed, max_buffered;
static int pauses, drains;

/* ---- the fast source: fresh chunks while push() says there is room ------- */
static void src_read(asy_stream_t *s, size_t size) {
    (void)size;
    for (;;) {
        asy_buf_t b;
        if (made >= TOTAL) {
            asy_stream_push_end(s);
            return;
        }
        if (asy_buf_alloc(&b, CHUNK) < 0) {
            asy_stream_destroy(s, ASY_ENOMEM);
            return;
        }
        made += CHUNK;
        if (asy_stream_push_move(s, &b) != 1) return;
    }
}

/* ---- the slow sink: one write per millisecond ------------------------------ */
static void dest_done(void *arg) {
    (void)arg;
    asy_stream_write_done(&dest, 0);
}
static void dest_write(asy_stream_t *s, const asy_buf_t *chunk) {
    size_t buffered = asy_stream_writable_length(s);
    if (buffered > max_buffered) max_buffered = buffered;
    consumed += chunk->len;
    asy_set_timeout(&loop, dest_done, NULL, 1);
}

static const asy_stream_impl_t src_impl = {NULL, src_read, NULL, NULL, NULL, NULL, NULL, NULL};
static const asy_stream_impl_t dest_impl = {NULL, NULL, dest_write, NULL, NULL, NULL, NULL, NULL};

/* ---- by hand: write() false -> pause, 'drain' -> resume ------------------- */
static void on_data(asy_stream_t *s, const asy_buf_t *chunk) {
    int can_continue = asy_stream_write(&dest, chunk, NULL, NULL);
    if (!can_continue) {
        asy_stream_pause(s); /* stop reading until drain */
        pauses++;
    }
}
static void on_end(asy_stream_t *s) {
    (void)s;
    asy_stream_end(&dest, NULL, NULL);
}
static void on_drain(asy_stream_t *s) {
    (void)s;
    drains++;
    asy_stream_resume(&src);
}

static const asy_stream_events_t src_events = {on_data, NULL, on_end, NULL, NULL, NULL, NULL, NULL,
                                             NULL};
static const asy_stream_events_t dest_events = {NULL, NULL, NULL, NULL, on_drain, NULL, NULL, NULL,
                                              NULL};

static void setup(void) {
    made = consumed = max_buffered = 0;
    asy_readable_init(&loop, &src, &src_impl, NULL);
    asy_writable_init(&loop, &dest, &dest_impl, NULL);
}

static void pipeline_done(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    printf("pipeline: %zu bytes, sink buffer max %zu%s%s\n", consumed, max_buffered,
           status ? ", failed: " : "", status ? asy_strerror(status) : "");
}

int main(void) {
    asy_stream_t *both[2];
    if (asy_loop_init(&loop, NULL) < 0) return 1;

    setup();
    asy_stream_set_events(&dest, &dest_events);
    asy_stream_set_events(&src, &src_events); /* on('data') starts the flow */
    asy_run(&loop, ASY_RUN_DEFAULT);
    printf("by hand:  %zu bytes, %d pauses, %d drains, sink buffer max %zu\n", consumed, pauses,
           drains, max_buffered);

    setup();
    both[0] = &src;
    both[1] = &dest;
    asy_pipeline(both, 2, pipeline_done, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
