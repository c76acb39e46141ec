/* Collecting a body from chunks, the seed's HTTP pattern:
 *
 *   const chunks = [];
 *   req.on("data", (chunk) => chunks.push(chunk));
 *   req.on("end", () => { const body = Buffer.concat(chunks).toString(); });
 *
 * with an asy_bufchain_t: chunks are queued without copying, a parser can
 * search across chunk boundaries and take a header off the front
 * (zero-copy when it lies in one chunk), the chain gathers into iovecs for
 * writev, and flatten is Buffer.concat.
 * Build: make examples; run: build/examples/buffer_chunks */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>

static void check(int r, const char *what) {
    if (r < 0) {
        fprintf(stderr, "%s: %s\n", what, asy_strerror(r));
        exit(1);
    }
}

int main(void) {
    /* what a socket might deliver: the boundaries fall anywhere */
    static const char *arrivals[] = {"POST /echo HTTP/1.1\r\nContent-Le", "ngth: 11\r\n\r",
                                     "\nhello", " world"};
    asy_bufchain_t chunks;
    asy_buf_t head, body;
    asy_iov_t iov[8];
    ptrdiff_t end;
    size_t i, n;
    char *s;

    asy_bufchain_init(&chunks);
    for (i = 0; i < sizeof(arrivals) / sizeof(arrivals[0]); i++) {
        asy_buf_t chunk;
        check(asy_buf_from_string(&chunk, arrivals[i], ASY_ENC_UTF8), "chunk");
        check(asy_bufchain_append_move(&chunks, &chunk), "push"); /* chunks.push(chunk) */
    }
    printf("%zu bytes in %zu chunks\n", asy_bufchain_len(&chunks), asy_bufchain_count(&chunks));

    /* the end of the head, found across chunk boundaries */
    end = asy_bufchain_index_of(&chunks, "\r\n\r\n", 4, 0);
    if (end < 0) return 1;
    check(asy_bufchain_take(&chunks, (size_t)end + 4, &head), "take head");
    check(asy_buf_to_string(&head, ASY_ENC_UTF8, &s, NULL), "toString");
    printf("head (%zu bytes):\n%s", head.len, s);
    asy_free(s);
    asy_buf_release(&head);

    /* what writev would send, without copying */
    n = asy_bufchain_gather(&chunks, iov, 8, SIZE_MAX);
    for (i = 0; i < n; i++) printf("iov[%zu] = \"%.*s\"\n", i, (int)iov[i].len, (const char *)iov[i].base);

    /* Buffer.concat(chunks).toString() */
    check(asy_bufchain_flatten(&chunks, &body), "concat");
    check(asy_buf_to_string(&body, ASY_ENC_UTF8, &s, NULL), "toString");
    printf("body = \"%s\"\n", s);
    asy_free(s);
    check(asy_buf_to_string(&body, ASY_ENC_BASE64, &s, NULL), "toString");
    printf("body as base64 = \"%s\"\n", s);
    asy_free(s);

    asy_buf_release(&body);
    asy_bufchain_reset(&chunks);
    return 0;
}
