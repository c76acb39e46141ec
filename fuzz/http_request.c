/* libFuzzer target for asy_http_parse_request.  The first byte picks the
 * flags (strict or lenient) and a split point; the rest is the input.
 * Checked: a result is 0, an ASY_EHTTP_* code or a length within the
 * input; every pointer lies inside the input; a prefix never contradicts
 * the whole (0 or the same answer), which is the parser's promise that any
 * split of the input gives the same result. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int inside(const char *p, size_t n, const char *buf, size_t len) {
    return n == 0 || (p >= buf && p + n <= buf + len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    asy_http_header_t h[16];
    asy_http_head_t head;
    asy_http_parse_opts_t o;
    ptrdiff_t whole, part;
    size_t split, i;
    const char *buf;
    char *copy;
    if (size < 1) return 0;
    memset(&o, 0, sizeof(o));
    o.flags = data[0] & 1 ? ASY_HTTP_LENIENT : 0;
    o.max_target_len = data[0] & 2 ? 64 : 0;
    buf = (const char *)data + 1;
    size--;
    copy = (char *)malloc(size ? size : 1);
    memcpy(copy, buf, size);
    head.headers = h;
    head.max_headers = 16;
    whole = asy_http_parse_request(copy, size, &head, &o);
    if (whole > (ptrdiff_t)size) abort();
    if (whole < 0 && (whole > -4300 || whole < -4330)) abort();
    if (whole > 0) {
        if (!inside(head.method, head.method_len, copy, (size_t)whole)) abort();
        if (!inside(head.target, head.target_len, copy, (size_t)whole)) abort();
        if (head.num_headers > 16) abort();
        for (i = 0; i < head.num_headers; i++)
            if (!inside(h[i].name, h[i].name_len, copy, (size_t)whole) ||
                !inside(h[i].value, h[i].value_len, copy, (size_t)whole))
                abort();
        if ((head.flags & ASY_HTTP_F_CHUNKED) && head.content_length >= 0) abort();
    }
    split = size ? (size_t)(data[0] >> 2) * size / 64 : 0;
    part = asy_http_parse_request(copy, split, &head, &o);
    if (part != 0 && part != whole) abort();
    free(copy);
    return 0;
}
