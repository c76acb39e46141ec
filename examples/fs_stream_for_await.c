/* The seed's for-await reading of a file:
 *
 *   const stream = createReadStream("big-file.txt", { encoding: "utf8" });
 *   for await (const chunk of stream) {
 *     console.log(`Got ${chunk.length} chars`);
 *   }
 *
 *   $ ./fs_stream_for_await            (makes big-file.txt in a temporary folder)
 *   Got 65536 chars
 *   Got 65536 chars
 *   Got 12011 chars
 *   done: 143083 chars in 3 chunks
 *   $ ./fs_stream_for_await FILE       (any file)
 *
 * asy_stream_next is one turn of the `for await` loop: its callback
 * gets the next chunk (64 KiB, the read stream's default highWaterMark)
 * and asks for the one after; ASY_EOF ends the loop, after the stream
 * closed its fd.  The chunks are bytes: characters are counted as UTF-8
 * code points (every byte that is not a continuation byte starts one), so
 * a character split between two chunks counts once; Node's utf8 decoder
 * would instead move it whole into the next chunk, and count UTF-16 units. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long total, chunks;
static int failed;

static void on_chunk(asy_stream_t *s, int status, const asy_buf_t *chunk, void *arg) {
    size_t i, chars = 0;
    (void)arg;
    if (status == ASY_EOF) { /* the loop is over; the fd is closed */
        printf("done: %lu chars in %lu chunks\n", total, chunks);
        return;
    }
    if (status < 0) { /* `for await` would throw */
        char msg[512];
        asy_fs_stream_error(asy_fs_stream_of(s), msg, sizeof(msg));
        fprintf(stderr, "%s\n", msg[0] ? msg : asy_strerror(status));
        failed = 1;
        return;
    }
    for (i = 0; i < chunk->len; i++) chars += (chunk->data[i] & 0xC0) != 0x80;
    total += chars;
    chunks++;
    printf("Got %zu chars\n", chars);
    asy_stream_next(s, on_chunk, NULL); /* the next turn of the loop */
}

/* 143083 bytes of text: lines of the alphabet, numbered. */
static int make_big_file(void) {
    asy_fs_t req;
    char *text = (char *)malloc(150000), *p = text;
    int i = 0, r;
    if (!text) return -1;
    while (p - text < 143083) {
        int n = snprintf(p, 64, "%5d abcdefghijklmnopqrstuvwxyz\n", ++i);
        if (p - text + n > 143083) n = 143083 - (int)(p - text); /* cut the last line */
        p += n;
    }
    r = asy_fs_write_file_sync(&req, "big-file.txt", text, (size_t)(p - text), 0);
    asy_fs_req_cleanup(&req);
    free(text);
    return r;
}

int main(int argc, char **argv) {
    asy_loop_t loop;
    asy_fs_stream_t stream;
    asy_fs_t req;
    char home[4096], dir[512] = "";
    const char *file = argc > 1 ? argv[1] : "big-file.txt";

    if (argc < 2) { /* a scratch folder with big-file.txt, removed at the end */
        if (!getcwd(home, sizeof(home)) || asy_fs_mkdtemp_sync(&req, "/tmp/asyncrt-example-") < 0)
            return 1;
        snprintf(dir, sizeof(dir), "%s", req.buf);
        asy_fs_req_cleanup(&req);
        if (chdir(dir) != 0 || make_big_file() < 0) return 1;
    }
    if (asy_loop_init(&loop, NULL) < 0) return 1;
    if (asy_fs_create_read_stream(&loop, &stream, file, NULL) < 0) return 1;
    asy_stream_next(&stream.stream, on_chunk, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);

    if (dir[0]) {
        if (chdir(home) != 0) return 1;
        asy_fs_rm_sync(&req, dir, ASY_FS_RECURSIVE);
        asy_fs_req_cleanup(&req);
    }
    return asy_loop_close(&loop) == 0 && !failed ? 0 : 1;
}
