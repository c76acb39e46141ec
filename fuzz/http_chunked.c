/* libFuzzer target for the chunked decoder.  The first byte picks the
 * flags and the split point.  The body is decoded whole and again in two
 * pieces (the second piece starting where the first call stopped, as a
 * server does), and byte by byte: the three must agree on the data, the
 * error and where the trailers start; data always lies in the consumed
 * bytes.  Then the trailer section, if reached, goes through
 * asy_http_parse_fields. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int err;          /* 0, 1 (incomplete) or the error */
    size_t trailers;  /* where the trailers start */
    size_t nout;
    char out[4096];
} result;

static void run(const char *in, size_t n, size_t step, unsigned flags, result *r) {
    asy_http_chunked_t c;
    size_t pos = 0;
    asy_http_chunked_init(&c, flags);
    r->err = 1;
    r->nout = 0;
    r->trailers = 0;
    while (pos < n) {
        size_t avail = n - pos < step ? n - pos : step;
        const char *d;
        size_t dl;
        ptrdiff_t k = asy_http_chunked_parse(&c, in + pos, avail, &d, &dl);
        if (k < 0) {
            r->err = (int)k;
            return;
        }
        if ((size_t)k > avail) abort();
        if (dl) {
            if (d < in + pos || d + dl > in + pos + k) abort();
            if (r->nout + dl <= sizeof(r->out)) memcpy(r->out + r->nout, d, dl);
            r->nout += dl;
        }
        pos += (size_t)k;
        if (asy_http_chunked_in_trailers(&c)) {
            r->err = 0;
            r->trailers = pos;
            return;
        }
        if (k == 0 && avail == n - pos) return; /* the decoder wants more */
        if (k == 0) abort(); /* it must take something while it can */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static result a, b, c;
    unsigned flags;
    size_t split, n;
    const char *in;
    if (size < 1) return 0;
    flags = data[0] & 1 ? ASY_HTTP_LENIENT : 0;
    in = (const char *)data + 1;
    n = size - 1;
    split = 1 + (size_t)(data[0] >> 1) * n / 128;
    run(in, n, n ? n : 1, flags, &a);
    run(in, n, split, flags, &b);
    run(in, n, 1, flags, &c);
    if (a.err != b.err || a.err != c.err || a.nout != b.nout || a.nout != c.nout ||
        a.trailers != b.trailers || a.trailers != c.trailers)
        abort();
    if (a.nout <= sizeof(a.out) &&
        (memcmp(a.out, b.out, a.nout) != 0 || memcmp(a.out, c.out, a.nout) != 0))
        abort();
    if (a.err == 0) {
        asy_http_header_t f[8];
        size_t nf;
        ptrdiff_t t = asy_http_parse_fields(in + a.trailers, n - a.trailers, f, 8, &nf, flags);
        if (t > (ptrdiff_t)(n - a.trailers) || nf > 8) abort();
    }
    return 0;
}
