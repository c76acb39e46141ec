/* The seed's backpressure block, with real file streams:
 *
 *   const src = createReadStream("huge-file.csv");
 *   const dest = createWriteStream("output.csv");
 *   // .write() returns false when the internal buffer is full
 *   src.on("data", (chunk) => {
 *     const canContinue = dest.write(chunk);
 *     if (!canContinue) {
 *       src.pause();                           // stop reading until drain
 *       dest.once("drain", () => src.resume());
 *     }
 *   });
 *   // pipeline() handles all this automatically
 *   await pipeline(src, dest);
 *
 * The example makes huge-file.csv (200,000 rows) in a temporary folder
 * and copies it twice, by hand and with pipeline():
 *
 *   huge-file.csv: 8066657 bytes
 *   by hand:  8066657 bytes copied, 123 pauses, 123 drains, write buffer max 65536
 *   pipeline: 8066657 bytes copied, write buffer max 65536
 *   output.csv and output2.csv are identical to huge-file.csv
 *
 * The read stream reads 64 KiB at a time (Node's default); the write
 * stream's highWaterMark is 16 KiB, so every write() of a 64 KiB chunk
 * returns false and the source pauses until 'drain' (123 chunks: 123
 * pauses, 123 drains).  The write stream never holds more than the chunk
 * it is writing, and the read stream reads at most one chunk ahead (its
 * highWaterMark): a few hundred KiB in memory, whatever the file's size. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static asy_loop_t loop;
static asy_fs_stream_t src, dest;
static int pauses, drains;
static size_t buffered_max;

/* what the write stream holds, not yet written to the file */
static void measure(void) {
    size_t n = asy_stream_writable_length(&dest.stream);
    if (n > buffered_max) buffered_max = n;
}

/* ---- by hand: write() false -> pause, 'drain' -> resume ------------------- */
static void on_data(asy_stream_t *s, const asy_buf_t *chunk) {
    int can_continue = asy_stream_write(&dest.stream, chunk, NULL, NULL);
    measure();
    if (!can_continue) {
        asy_stream_pause(s); /* stop reading until drain */
        pauses++;
    }
}
static void on_drain(asy_stream_t *s) {
    (void)s;
    drains++;
    asy_stream_resume(&src.stream);
}
static void on_end(asy_stream_t *s) {
    (void)s;
    asy_stream_end(&dest.stream, NULL, NULL);
}
static void on_error(asy_stream_t *s, int err) {
    char msg[512];
    asy_fs_stream_error(asy_fs_stream_of(s), msg, sizeof(msg));
    fprintf(stderr, "%s\n", msg[0] ? msg : asy_strerror(err));
}
static const asy_stream_events_t src_events = {on_data, NULL, on_end, on_error, NULL,
                                             NULL,    NULL, NULL,   NULL};
static const asy_stream_events_t dest_events = {NULL, NULL, NULL, on_error, on_drain,
                                              NULL, NULL, NULL, NULL};

/* ---- pipeline(): the same, built in ---------------------------------------- */
static void on_chunk_written(asy_stream_t *s, const asy_buf_t *chunk) {
    (void)s;
    (void)chunk;
    measure();
}
static const asy_stream_events_t watch_events = {on_chunk_written, NULL, NULL, on_error, NULL,
                                               NULL,             NULL, NULL, NULL};
static int pipeline_status = 1;
static void pipeline_done(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    pipeline_status = status;
}

/* ---- the input, and checking the copies ------------------------------------- */
static int make_input(void) {
    asy_fs_t req;
    char *text = (char *)malloc(200000 * 64), *p = text;
    int i, r;
    if (!text) return -1;
    p += sprintf(p, "id,name,email\n");
    for (i = 1; i < 200000; i++) p += sprintf(p, "%d,user %d,user%d@example.com\n", i, i, i);
    r = asy_fs_write_file_sync(&req, "huge-file.csv", text, (size_t)(p - text), 0);
    asy_fs_req_cleanup(&req);
    free(text);
    return r;
}

static int same_file(const char *a, const char *b) {
    asy_fs_t ra, rb;
    int same = asy_fs_read_file_sync(&ra, a) >= 0 && asy_fs_read_file_sync(&rb, b) >= 0 &&
               ra.len == rb.len && memcmp(ra.buf, rb.buf, ra.len) == 0;
    asy_fs_req_cleanup(&ra);
    asy_fs_req_cleanup(&rb);
    return same;
}

int main(void) {
    asy_fs_t req;
    char home[4096], dir[512];
    asy_stream_t *both[2];
    int size, ok;

    /* a scratch folder, removed at the end */
    if (!getcwd(home, sizeof(home)) || asy_fs_mkdtemp_sync(&req, "/tmp/asyncrt-example-") < 0)
        return 1;
    snprintf(dir, sizeof(dir), "%s", req.buf);
    asy_fs_req_cleanup(&req);
    if (chdir(dir) != 0 || (size = make_input()) < 0) return 1;
    printf("huge-file.csv: %d bytes\n", size);
    if (asy_loop_init(&loop, NULL) < 0) return 1;

    asy_fs_create_read_stream(&loop, &src, "huge-file.csv", NULL);
    asy_fs_create_write_stream(&loop, &dest, "output.csv", NULL);
    asy_stream_set_events(&dest.stream, &dest_events);
    asy_stream_set_events(&src.stream, &src_events); /* on('data') starts the flow */
    asy_run(&loop, ASY_RUN_DEFAULT);
    printf("by hand:  %llu bytes copied, %d pauses, %d drains, write buffer max %zu\n",
           (unsigned long long)asy_fs_stream_bytes_written(&dest), pauses, drains, buffered_max);

    buffered_max = 0;
    asy_fs_create_read_stream(&loop, &src, "huge-file.csv", NULL);
    asy_fs_create_write_stream(&loop, &dest, "output2.csv", NULL);
    asy_stream_set_events(&src.stream, &watch_events); /* sees each chunk too */
    both[0] = &src.stream;
    both[1] = &dest.stream;
    asy_pipeline(both, 2, pipeline_done, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (pipeline_status != 0) return 1;
    printf("pipeline: %llu bytes copied, write buffer max %zu\n",
           (unsigned long long)asy_fs_stream_bytes_written(&dest), buffered_max);

    ok = same_file("huge-file.csv", "output.csv") && same_file("huge-file.csv", "output2.csv");
    printf("output.csv and output2.csv %s huge-file.csv\n", ok ? "are identical to" : "DIFFER from");
    if (chdir(home) != 0) return 1;
    asy_fs_rm_sync(&req, dir, ASY_FS_RECURSIVE);
    asy_fs_req_cleanup(&req);
    return asy_loop_close(&loop) == 0 && ok ? 0 : 1;
}
