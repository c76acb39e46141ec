/* The seed's for-await reading, with the async pull-read:
 *
 *   const stream = createReadStream("big-file.txt", { encoding: "utf8" });
 *   for await (const chunk of stream) {
 *     console.log(`Got ${chunk.length} chars`);
 *   }
 *
 *   $ ./stream_for_await big-file.txt
 *   Got 65536 chars
 *   Got 65536 chars
 *   Got 12011 chars
 *   done: 143083 chars
 *
 * asy_stream_next is one turn of the loop: its callback gets the
 * next chunk (then asks for the one after), and ASY_EOF after the last.
 * Characters are counted as UTF-8 code points: every byte that is not a
 * continuation byte starts one, so a character split between two chunks
 * is counted once (Node's utf8 decoder would move it whole to the next
 * chunk).  Without a FILE, an in-memory readable is read. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "example_fd.h"

static unsigned long total;

static void on_chunk(asy_stream_t *s, int status, const asy_buf_t *chunk, void *arg) {
    size_t i, chars = 0;
    (void)arg;
    if (status == ASY_EOF) { /* the loop ended; the stream has closed */
        printf("done: %lu chars\n", total);
        return;
    }
    if (status < 0) { /* `for await` would throw */
        fprintf(stderr, "read failed: %s\n", asy_strerror(status));
        return;
    }
    for (i = 0; i < chunk->len; i++) chars += (chunk->data[i] & 0xC0) != 0x80;
    total += chars;
    printf("Got %zu chars\n", chars);
    asy_stream_next(s, on_chunk, NULL); /* next turn of the loop */
}

/* In-memory text, pushed a piece per _read. */
static const char *const pieces[] = {"Grüße aus C: ", "ein Stream ", "in drei Stücken.\n"};
static size_t next_piece;
static void mem_read(asy_stream_t *s, size_t size) {
    (void)size;
    if (next_piece < 3)
        asy_stream_push_bytes(s, pieces[next_piece], strlen(pieces[next_piece])), next_piece++;
    else
        asy_stream_push_end(s);
}
static const asy_stream_impl_t mem_impl = {NULL, mem_read, NULL, NULL, NULL, NULL, NULL, NULL};

int main(int argc, char **argv) {
    asy_loop_t loop;
    ex_fd file;
    asy_stream_t mem, *stream;
    asy_stream_opts_t opts;
    int fd = -1;
    if (argc > 1 && (fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0) {
        perror(argv[1]);
        return 1;
    }
    if (asy_loop_init(&loop, NULL) < 0) return 1;
    memset(&opts, 0, sizeof(opts));
    opts.high_water_mark = 64 * 1024; /* as fs.createReadStream */
    if (fd >= 0) {
        if (ex_fd_source(&loop, &file, fd, &opts) < 0) return 1;
        stream = &file.stream;
    } else {
        if (asy_readable_init(&loop, &mem, &mem_impl, &opts) < 0) return 1;
        stream = &mem;
    }
    asy_stream_next(stream, on_chunk, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (fd >= 0) close(fd);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
