/* Streams: throughput of the machinery itself (no I/O), best of 3 runs.
 *   stream_pipeline_mib_s      1 GiB as 64 KiB chunks: readable -> passthrough
 *                              -> writable with pipeline(); the sink copies
 *                              each chunk out (as write(2) would) and
 *                              completes it at once
 *   stream_small_ns_per_chunk  1M 64-byte chunks through the same pipeline
 *   stream_lines_ns_per_line   1M short lines: readable -> line splitter ->
 *                              object-mode sink (readline's 'line' in Node)
 * Twin: bench/peers/stream.mjs (the same streams in Node). */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include <stdio.h>
#include <string.h>

enum { ROUNDS = 3 };

static asy_loop_t loop;
static asy_buf_t chunk;           /* pushed again and again (a view each time) */
static unsigned long long to_send, got_bytes;
static unsigned long got_chunks, lines_made, lines_total;
static int status = -1;

static void src_read(asy_stream_t *s, size_t size) {
    (void)size;
    if (to_send == 0) {
        asy_stream_push_end(s);
        return;
    }
    to_send -= chunk.len;
    asy_stream_push(s, &chunk);
}

static unsigned char scratch[65536];
static void sink_write(asy_stream_t *s, const asy_buf_t *c) {
    memcpy(scratch, c->data, c->len < sizeof(scratch) ? c->len : sizeof(scratch));
    got_bytes += c->len;
    got_chunks++;
    asy_stream_write_done(s, 0);
}

static void done(asy_stream_t *last, int st, void *arg) {
    (void)last;
    (void)arg;
    status = st;
}

static const asy_stream_impl_t src_impl = {NULL, src_read, NULL, NULL, NULL, NULL, NULL, NULL};
static const asy_stream_impl_t sink_impl = {NULL, NULL, sink_write, NULL, NULL, NULL, NULL, NULL};

/* readable -> passthrough -> writable; returns ns for the run */
static double run_pipeline(size_t chunk_size, unsigned long long total) {
    asy_stream_t src, mid, sink, *all[3];
    uint64_t t0;
    asy_buf_alloc(&chunk, chunk_size);
    memset(chunk.data, 'x', chunk.len);
    to_send = total;
    got_bytes = 0;
    status = -1;
    t0 = asy_hrtime();
    asy_readable_init(&loop, &src, &src_impl, NULL);
    asy_passthrough_init(&loop, &mid, NULL);
    asy_writable_init(&loop, &sink, &sink_impl, NULL);
    all[0] = &src;
    all[1] = &mid;
    all[2] = &sink;
    asy_pipeline(all, 3, done, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_buf_release(&chunk);
    if (status != 0 || got_bytes != total) {
        fprintf(stderr, "stream: pipeline failed (%d, %llu bytes)\n", status, got_bytes);
        return -1;
    }
    return (double)(asy_hrtime() - t0);
}

/* ---- lines -------------------------------------------------------------------- */
static void text_read(asy_stream_t *s, size_t size) {
    char buf[65536];
    size_t n = 0;
    (void)size;
    if (lines_made >= 1000000) {
        asy_stream_push_end(s);
        return;
    }
    while (n < sizeof(buf) - 32 && lines_made < 1000000)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "row %lu,some text\n", ++lines_made);
    asy_stream_push_bytes(s, buf, n);
}
static void line_write(asy_stream_t *s, const asy_buf_t *line) {
    lines_total += line->len > 0;
    asy_stream_write_done(s, 0);
}
static const asy_stream_impl_t text_impl = {NULL, text_read, NULL, NULL, NULL, NULL, NULL, NULL};
static const asy_stream_impl_t line_impl = {NULL, NULL, line_write, NULL, NULL, NULL, NULL, NULL};

static double run_lines(void) {
    asy_stream_t src, sink, *all[3];
    asy_line_splitter_t ls;
    asy_stream_opts_t o;
    uint64_t t0 = asy_hrtime();
    memset(&o, 0, sizeof(o));
    o.object_mode = 1;
    lines_made = lines_total = 0;
    status = -1;
    asy_readable_init(&loop, &src, &text_impl, NULL);
    asy_line_splitter_init(&loop, &ls, NULL);
    asy_writable_init(&loop, &sink, &line_impl, &o);
    all[0] = &src;
    all[1] = &ls.stream;
    all[2] = &sink;
    asy_pipeline(all, 3, done, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (status != 0 || lines_total != 1000000) {
        fprintf(stderr, "stream: lines failed (%d, %lu lines)\n", status, lines_total);
        return -1;
    }
    return (double)(asy_hrtime() - t0);
}

int main(void) {
    double best_big = 1e30, best_small = 1e30, best_lines = 1e30, t;
    int r;
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    for (r = 0; r < ROUNDS; r++) {
        if ((t = run_pipeline(65536, 1ULL << 30)) < 0) return 1;
        if (t < best_big) best_big = t;
        if ((t = run_pipeline(64, 64ULL * 1000000)) < 0) return 1;
        if (t < best_small) best_small = t;
        if ((t = run_lines()) < 0) return 1;
        if (t < best_lines) best_lines = t;
    }
    printf("BENCH stream_pipeline_mib_s %.0f MiB/s higher\n", 1024.0 / (best_big / 1e9));
    printf("BENCH stream_small_ns_per_chunk %.1f ns lower\n", best_small / 1e6);
    printf("BENCH stream_lines_ns_per_line %.1f ns lower\n", best_lines / 1e6);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
