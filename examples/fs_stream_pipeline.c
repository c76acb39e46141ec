/* The seed's pipeline, with real file streams:
 *
 *   // Compress a file: read → gzip → write
 *   await pipeline(
 *     createReadStream("input.txt"),
 *     createGzip(),
 *     createWriteStream("input.txt.gz")
 *   );
 *
 * asyncrt has no zlib module yet, so the transform in the middle is the
 * seed's upper-case Transform instead of createGzip(): read -> upper-case
 * -> write, with backpressure from end to end and one callback for the
 * whole chain.  The second run reads a file that does not exist: the
 * error destroys all three streams and reaches the callback once, with
 * Node's message.
 *
 *   $ ./fs_stream_pipeline
 *   pipeline succeeded: 117 bytes read, 117 bytes written to input.txt.upper
 *   STREAMS LET YOU PROCESS DATA PIECE BY PIECE
 *   INSTEAD OF LOADING EVERYTHING INTO MEMORY.
 *   PIPELINE() PROPAGATES ERRORS.
 *   pipeline failed: ENOENT: no such file or directory, open 'missing.txt'
 *
 * The files live in a temporary folder, removed at the end. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- the seed's upperCase Transform ------------------------------------------ */
static void upper_transform(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_buf_t out;
    size_t i;
    int r = asy_buf_alloc_unsafe(&out, chunk->len);
    if (r == 0) {
        for (i = 0; i < chunk->len; i++) out.data[i] = (uint8_t)toupper(chunk->data[i]);
        asy_stream_push_move(s, &out); /* this.push(chunk.toString().toUpperCase()) */
    }
    asy_stream_transform_done(s, r); /* callback() */
}
static const asy_stream_impl_t upper_impl = {NULL, NULL, NULL, NULL, NULL, NULL, upper_transform, NULL};

static asy_fs_stream_t input, output;
static asy_stream_t upper;

static void done(asy_stream_t *last, int status, void *arg) {
    (void)last;
    const char *out_name = (const char *)arg;
    char msg[512];
    if (status == 0) {
        printf("pipeline succeeded: %llu bytes read, %llu bytes written to %s\n",
               (unsigned long long)asy_fs_stream_bytes_read(&input),
               (unsigned long long)asy_fs_stream_bytes_written(&output), out_name);
        return;
    }
    /* Node's message, from whichever file stream failed */
    asy_fs_stream_error(&input, msg, sizeof(msg));
    if (!msg[0]) asy_fs_stream_error(&output, msg, sizeof(msg));
    printf("pipeline failed: %s\n", msg[0] ? msg : asy_strerror(status));
}

static void copy_upper(asy_loop_t *loop, const char *in_name, const char *out_name) {
    asy_stream_t *streams[3];
    asy_fs_create_read_stream(loop, &input, in_name, NULL);
    asy_transform_init(loop, &upper, &upper_impl, NULL);
    asy_fs_create_write_stream(loop, &output, out_name, NULL);
    streams[0] = &input.stream;
    streams[1] = &upper;
    streams[2] = &output.stream;
    asy_pipeline(streams, 3, done, (void *)out_name);
    asy_run(loop, ASY_RUN_DEFAULT);
}

int main(void) {
    static const char text[] = "Streams let you process data piece by piece\n"
                               "instead of loading everything into memory.\n"
                               "pipeline() propagates errors.\n";
    asy_loop_t loop;
    asy_fs_t req;
    char home[4096], dir[512];

    if (!getcwd(home, sizeof(home)) || asy_fs_mkdtemp_sync(&req, "/tmp/asyncrt-example-") < 0)
        return 1;
    snprintf(dir, sizeof(dir), "%s", req.buf);
    asy_fs_req_cleanup(&req);
    if (chdir(dir) != 0) return 1;
    asy_fs_write_file_sync(&req, "input.txt", text, strlen(text), 0);
    asy_fs_req_cleanup(&req);
    if (asy_loop_init(&loop, NULL) < 0) return 1;

    copy_upper(&loop, "input.txt", "input.txt.upper");
    if (asy_fs_read_file_sync(&req, "input.txt.upper") >= 0) fwrite(req.buf, 1, req.len, stdout);
    asy_fs_req_cleanup(&req);

    copy_upper(&loop, "missing.txt", "missing.txt.upper");

    if (chdir(home) != 0) return 1;
    asy_fs_rm_sync(&req, dir, ASY_FS_RECURSIVE);
    asy_fs_req_cleanup(&req);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
