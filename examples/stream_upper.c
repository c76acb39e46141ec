/* The seed's upper-case Transform, stdin -> upper -> stdout:
 *
 *   const upperCase = new Transform({
 *     transform(chunk, encoding, callback) {
 *       this.push(chunk.toString().toUpperCase());
 *       callback();
 *     }
 *   });
 *   process.stdin.pipe(upperCase).pipe(process.stdout);
 *
 *   $ echo 'hello, streams' | ./stream_upper
 *   HELLO, STREAMS
 *
 * ASCII letters only: bytes of other UTF-8 characters pass unchanged.
 * Like the seed it uses the old pipe(), which neither forwards errors nor
 * destroys anything (see stream_pipeline.c for pipeline()).  stdin and
 * stdout go through the small poll-based fd streams of example_fd.h. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>
#include <string.h>

#include "example_fd.h"

static void upper_transform(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_buf_t out;
    size_t i;
    int r = asy_buf_alloc_unsafe(&out, chunk->len);
    if (r == 0) {
        for (i = 0; i < chunk->len; i++) {
            uint8_t c = chunk->data[i];
            out.data[i] = (uint8_t)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        }
        asy_stream_push_move(s, &out); /* this.push(...) */
    }
    asy_stream_transform_done(s, r); /* callback() */
}

static const asy_stream_impl_t upper_impl = {NULL, NULL, NULL, NULL, NULL, NULL, upper_transform,
                                           NULL};

int main(void) {
    asy_loop_t loop;
    ex_fd in, out;
    asy_stream_t upper;
    if (asy_loop_init(&loop, NULL) < 0) return 1;
    if (ex_fd_source(&loop, &in, 0, NULL) < 0 || ex_fd_sink(&loop, &out, 1, NULL) < 0 ||
        asy_transform_init(&loop, &upper, &upper_impl, NULL) < 0) {
        fprintf(stderr, "stream_upper: cannot set up the streams\n");
        return 1;
    }
    asy_stream_pipe(&in.stream, &upper, NULL);
    asy_stream_pipe(&upper, &out.stream, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
