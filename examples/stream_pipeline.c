/* The seed's pipeline, read -> transform -> write:
 *
 *   await pipeline(
 *     createReadStream("input.txt"),
 *     createGzip(),
 *     createWriteStream("input.txt.gz")
 *   );
 *
 * Here: INPUT -> line splitter -> numbering transform -> OUTPUT, with the
 * fd streams of example_fd.h standing in for the fs streams (and a line
 * numberer for gzip, which belongs to the zlib module).  Without INPUT a
 * small in-memory source is used; without OUTPUT, stdout.
 *
 *   $ ./stream_pipeline
 *        1  Streams let you process data piece by piece
 *        2  instead of loading everything into memory.
 *        ...
 *   pipeline succeeded: 5 lines
 *
 * pipeline() is what the seed recommends over pipe(): backpressure from
 * end to end, the first error destroys every stream, and the callback
 * runs once.  Try a missing input file, or `| head -1` on the output:
 * SIGPIPE is ignored, as Node does, so the write fails with EPIPE and
 * the pipeline reports it ("pipeline failed: broken pipe"). */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "example_fd.h"

/* ---- an in-memory source: one pushed chunk per _read ---------------------- */
static const char *const text[] = {
    "Streams let you process data piece by piece\n",
    "instead of loading everything into memory.\n",
    "pipeline() instead of .pipe(): ",
    "it propagates errors\nand destroys streams when done.\n",
    "The last line has no newline",
};
static size_t next_piece;

static void text_read(asy_stream_t *s, size_t size) {
    (void)size;
    if (next_piece < sizeof(text) / sizeof(text[0]))
        asy_stream_push_bytes(s, text[next_piece], strlen(text[next_piece])), next_piece++;
    else
        asy_stream_push_end(s);
}
static const asy_stream_impl_t text_impl = {NULL, text_read, NULL, NULL, NULL, NULL, NULL, NULL};

/* ---- the transform: one line (object mode) in, "%6lu  line\n" out -------- */
static unsigned long line_no;

static void number_transform(asy_stream_t *s, const asy_buf_t *line) {
    char head[32];
    asy_buf_t out;
    int n = snprintf(head, sizeof(head), "%6lu  ", ++line_no);
    int r = asy_buf_alloc_unsafe(&out, (size_t)n + line->len + 1);
    if (r == 0) {
        memcpy(out.data, head, (size_t)n);
        if (line->len) memcpy(out.data + n, line->data, line->len);
        out.data[out.len - 1] = '\n';
        asy_stream_push_move(s, &out);
    }
    asy_stream_transform_done(s, r);
}
static const asy_stream_impl_t number_impl = {NULL, NULL, NULL, NULL, NULL, NULL, number_transform,
                                            NULL};

static int exit_code = 1;
static void done(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    if (status == 0) {
        fprintf(stderr, "pipeline succeeded: %lu lines\n", line_no);
        exit_code = 0;
    } else {
        fprintf(stderr, "pipeline failed: %s\n", asy_strerror(status));
    }
}

int main(int argc, char **argv) {
    asy_loop_t loop;
    ex_fd in, out;
    asy_stream_t mem, numbers;
    asy_line_splitter_t lines;
    asy_stream_opts_t numbers_opts;
    asy_stream_t *streams[4];
    int in_fd = -1, out_fd = 1;
    signal(SIGPIPE, SIG_IGN);
    if (argc > 1 && (in_fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0) {
        perror(argv[1]);
        return 1;
    }
    if (argc > 2 && (out_fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
        perror(argv[2]);
        return 1;
    }
    if (asy_loop_init(&loop, NULL) < 0) return 1;
    memset(&numbers_opts, 0, sizeof(numbers_opts));
    numbers_opts.writable_object_mode = 1; /* lines in, bytes out */
    if ((in_fd >= 0 ? ex_fd_source(&loop, &in, in_fd, NULL)
                    : asy_readable_init(&loop, &mem, &text_impl, NULL)) < 0 ||
        asy_line_splitter_init(&loop, &lines, NULL) < 0 ||
        asy_transform_init(&loop, &numbers, &number_impl, &numbers_opts) < 0 ||
        ex_fd_sink(&loop, &out, out_fd, NULL) < 0) {
        fprintf(stderr, "stream_pipeline: cannot set up the streams\n");
        return 1;
    }
    streams[0] = in_fd >= 0 ? &in.stream : &mem;
    streams[1] = &lines.stream;
    streams[2] = &numbers;
    streams[3] = &out.stream;
    if (asy_pipeline(streams, 4, done, NULL) < 0) return 1;
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (in_fd >= 0) close(in_fd);
    if (out_fd != 1) close(out_fd);
    if (asy_loop_close(&loop) != 0) return 1;
    return exit_code;
}
