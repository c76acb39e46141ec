/* The seed's Buffer example, line by line:
 *
 *   const b1 = Buffer.alloc(10);                    // 10 zero-filled bytes
 *   const b2 = Buffer.from("hello");                // from string (UTF-8)
 *   const b3 = Buffer.from([0x48, 0x69]);           // from byte array -> "Hi"
 *   const b4 = Buffer.from("aGVsbG8=", "base64");   // from base64
 *   b2.toString("utf8");    // "hello"
 *   b2.toString("hex");     // "68656c6c6f"
 *   b2.toString("base64");  // "aGVsbG8="
 *   b2[0];                  // 104 (ASCII 'h')
 *   b2.length;              // 5 bytes
 *   b2.slice(0, 2);         // Buffer containing "he" (shares memory!)
 *
 * plus the note that follows it: alloc zeroes, allocUnsafe does not.
 * Build: make examples; run: build/examples/buffer_basics */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>

/* Prints b as Node prints a Buffer: <Buffer 68 65 6c 6c 6f>. */
static void inspect(const char *name, const asy_buf_t *b) {
    size_t i;
    printf("%s = <Buffer", name);
    for (i = 0; i < b->len; i++) printf(" %02x", b->data[i]);
    printf(">\n");
}

static void print_as(const asy_buf_t *b, asy_encoding_t enc) {
    char *s;
    int r = asy_buf_to_string(b, enc, &s, NULL);
    if (r < 0) {
        fprintf(stderr, "toString: %s\n", asy_strerror(r));
        exit(1);
    }
    printf("b2.toString(\"%s\") = \"%s\"\n", asy_encoding_name(enc), s);
    asy_free(s); /* strings from asy_buf_to_string are the caller's */
}

static void check(int r, const char *what) {
    if (r < 0) {
        fprintf(stderr, "%s: %s\n", what, asy_strerror(r));
        exit(1);
    }
}

int main(void) {
    static const uint8_t hi[] = {0x48, 0x69};
    asy_buf_t b1, b2, b3, b4, he, scratch;
    char *s;

    /* Creating buffers */
    check(asy_buf_alloc(&b1, 10), "alloc");
    check(asy_buf_from_string(&b2, "hello", ASY_ENC_UTF8), "from string");
    check(asy_buf_from_bytes(&b3, hi, sizeof(hi)), "from bytes");
    check(asy_buf_from_string(&b4, "aGVsbG8=", ASY_ENC_BASE64), "from base64");
    inspect("b1", &b1);
    inspect("b2", &b2);
    check(asy_buf_to_string(&b3, ASY_ENC_UTF8, &s, NULL), "toString");
    printf("b3.toString() = \"%s\"\n", s);
    asy_free(s);
    check(asy_buf_to_string(&b4, ASY_ENC_UTF8, &s, NULL), "toString");
    printf("b4.toString() = \"%s\"\n", s);
    asy_free(s);

    /* Converting */
    print_as(&b2, ASY_ENC_UTF8);
    print_as(&b2, ASY_ENC_HEX);
    print_as(&b2, ASY_ENC_BASE64);

    /* Buffer is a Uint8Array: data[] and len */
    printf("b2[0] = %d ('%c')\n", b2.data[0], b2.data[0]);
    printf("b2.length = %zu\n", b2.len);

    /* slice shares memory: a write through it shows in b2 */
    check(asy_buf_slice(&he, &b2, 0, 2), "slice");
    inspect("b2.slice(0, 2)", &he);
    he.data[0] = 'j';
    check(asy_buf_to_string(&b2, ASY_ENC_UTF8, &s, NULL), "toString");
    printf("after he[0] = 'j': b2 = \"%s\" (shares memory!)\n", s);
    asy_free(s);
    /* the storage stays alive until its last view is released */
    asy_buf_release(&b2);
    inspect("he after releasing b2", &he);
    asy_buf_release(&he);

    /* alloc zeroes memory (safe); alloc_unsafe skips zeroing, so fill it
     * all before reading it */
    check(asy_buf_alloc_unsafe(&scratch, 4), "alloc_unsafe");
    check(asy_buf_fill_byte(&scratch, 0x2a, 0, ASY_BUF_END), "fill");
    inspect("allocUnsafe(4).fill(42)", &scratch);

    asy_buf_release(&scratch);
    asy_buf_release(&b1);
    asy_buf_release(&b3);
    asy_buf_release(&b4);
    return 0;
}
