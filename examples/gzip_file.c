/* The seed's first stream example, with the real zlib transform:
 *
 *   // Compress a file: read → gzip → write
 *   await pipeline(
 *     createReadStream("input.txt"),
 *     createGzip(),
 *     createWriteStream("input.txt.gz")
 *   );
 *
 *   $ ./gzip_file input.txt input.txt.gz
 *   input.txt -> input.txt.gz: 117 bytes read, 111 bytes written
 *
 * Reading, compressing (on the thread pool) and writing overlap, with
 * backpressure from end to end; an error anywhere destroys all three
 * streams and reaches the one callback.  Needs ASYNCRT_WITH_ZLIB and -lz.
 * The output decodes with gunzip(1), Python's gzip and Node's zlib. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>

#ifdef ASYNCRT_WITH_ZLIB
static asy_fs_stream_t input, output;
static asy_zlib_t gzip;
static int failed;

static void done(asy_stream_t *last, int status, void *arg) {
    (void)last;
    const char **names = (const char **)arg;
    char msg[512];
    if (status == 0) {
        printf("%s -> %s: %llu bytes read, %llu bytes written\n", names[0], names[1],
               (unsigned long long)asy_fs_stream_bytes_read(&input),
               (unsigned long long)asy_fs_stream_bytes_written(&output));
        return;
    }
    failed = 1;
    asy_fs_stream_error(&input, msg, sizeof(msg));
    if (!msg[0]) asy_fs_stream_error(&output, msg, sizeof(msg));
    if (!msg[0]) snprintf(msg, sizeof(msg), "%s: %s", asy_err_name(status), asy_zlib_message(&gzip));
    fprintf(stderr, "gzip_file: %s\n", msg);
}

int main(int argc, char **argv) {
    asy_loop_t loop;
    asy_stream_t *streams[3];
    const char *names[2];
    if (argc != 3) {
        fprintf(stderr, "usage: gzip_file IN OUT\n");
        return 2;
    }
    names[0] = argv[1];
    names[1] = argv[2];
    if (asy_loop_init(&loop, NULL) < 0) return 1;
    if (asy_fs_create_read_stream(&loop, &input, argv[1], NULL) < 0 ||
        asy_zlib_gzip(&loop, &gzip, NULL) < 0 ||
        asy_fs_create_write_stream(&loop, &output, argv[2], NULL) < 0)
        return 1;
    streams[0] = &input.stream; /* createReadStream("input.txt") */
    streams[1] = &gzip.stream;  /* createGzip() */
    streams[2] = &output.stream; /* createWriteStream("input.txt.gz") */
    if (asy_pipeline(streams, 3, done, (void *)names) < 0) return 1;
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (asy_loop_close(&loop) != 0) return 1;
    return failed;
}
#else
int main(void) {
    fprintf(stderr, "gzip_file: built without ASYNCRT_WITH_ZLIB\n");
    return 2;
}
#endif
