/* The seed's for-await reading with await: the twin of stream_for_await.c
 * (same output), the loop written as the seed writes it.
 *
 *   const stream = createReadStream("big-file.txt", { encoding: "utf8" });
 *   for await (const chunk of stream) {
 *     console.log(`Got ${chunk.length} chars`);
 *   }
 *
 * asy_await_read is one turn of `for await`: the next chunk, or ASY_EOF
 * after the last (the stream has then closed).  Characters are counted as
 * UTF-8 code points, as in the twin.  Without a FILE, an in-memory
 * readable is read. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "example_fd.h"

static asy_ret_t read_all(void *arg) {
    asy_stream_t *stream = (asy_stream_t *)arg;
    unsigned long total = 0;
    asy_buf_t chunk;
    int err;
    while ((err = asy_await_read(stream, &chunk)) == 0) { /* for await (const chunk of stream) */
        size_t i, chars = 0;
        for (i = 0; i < chunk.len; i++) chars += (chunk.data[i] & 0xC0) != 0x80;
        total += chars;
        printf("Got %zu chars\n", chars);
        asy_buf_release(&chunk);
    }
    if (err != ASY_EOF) { /* `for await` would throw */
        fprintf(stderr, "read failed: %s\n", asy_strerror(err));
        return asy_fail(err, NULL);
    }
    printf("done: %lu chars\n", total);
    return asy_ok(NULL);
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
    asy_promise_t *done;
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
    done = asy_async(&loop, read_all, stream, NULL);
    asy_promise_mark_handled(done); /* a failure was printed */
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_promise_release(done);
    if (fd >= 0) close(fd);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
