/* The reverse of gzip_file: read -> gunzip -> write.
 *
 *   $ ./gunzip_file input.txt.gz input.txt
 *   input.txt.gz -> input.txt: 111 bytes read, 117 bytes written
 *
 * Files made by gzip(1) at any level, pigz, Node's zlib and gzip_file
 * decode, and so do concatenated members (`cat a.gz b.gz`), as with
 * gunzip(1).  Bad input fails with Node's code and message:
 *
 *   $ ./gunzip_file input.txt out
 *   gunzip_file: Z_DATA_ERROR: incorrect header check
 *   $ head -c 50 input.txt.gz > cut.gz && ./gunzip_file cut.gz out
 *   gunzip_file: Z_BUF_ERROR: unexpected end of file
 *
 * Needs ASYNCRT_WITH_ZLIB and -lz. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>

#ifdef ASYNCRT_WITH_ZLIB
static asy_fs_stream_t input, output;
static asy_zlib_t gunzip;
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
    if (!msg[0]) snprintf(msg, sizeof(msg), "%s: %s", asy_err_name(status), asy_zlib_message(&gunzip));
    fprintf(stderr, "gunzip_file: %s\n", msg);
}

int main(int argc, char **argv) {
    asy_loop_t loop;
    asy_stream_t *streams[3];
    const char *names[2];
    if (argc != 3) {
        fprintf(stderr, "usage: gunzip_file IN OUT\n");
        return 2;
    }
    names[0] = argv[1];
    names[1] = argv[2];
    if (asy_loop_init(&loop, NULL) < 0) return 1;
    if (asy_fs_create_read_stream(&loop, &input, argv[1], NULL) < 0 ||
        asy_zlib_gunzip(&loop, &gunzip, NULL) < 0 ||
        asy_fs_create_write_stream(&loop, &output, argv[2], NULL) < 0)
        return 1;
    streams[0] = &input.stream; /* createReadStream("input.txt") */
    streams[1] = &gunzip.stream; /* createGunzip() */
    streams[2] = &output.stream; /* createWriteStream(OUT) */
    if (asy_pipeline(streams, 3, done, (void *)names) < 0) return 1;
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (asy_loop_close(&loop) != 0) return 1;
    return failed;
}
#else
int main(void) {
    fprintf(stderr, "gunzip_file: built without ASYNCRT_WITH_ZLIB\n");
    return 2;
}
#endif
