/* libFuzzer target: the text decoders (utf8, latin1, ascii, utf16le) and
 * every encoder, through the public API.  Checks:
 *   - strict utf8 decoding succeeds exactly when asy_utf8_valid says so,
 *     and then returns the input;
 *   - lenient utf8 decoding equals toString("utf8") of the same bytes, and
 *     that string is well-formed UTF-8;
 *   - toString in every encoding is well-formed UTF-8 (or its alphabet) of
 *     the predicted length;
 *   - latin1 strings decode back to the bytes they came from, utf16le
 *     strings of even-length input decode back without error;
 *   - write_string never writes past the buffer and agrees with
 *     from_stringn on what fits. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text_decoder(const char *s, size_t size, asy_encoding_t enc) {
    unsigned fl;
    for (fl = 0; fl <= ASY_BUF_LENIENT; fl++) {
        asy_buf_t b, small;
        ptrdiff_t bl = asy_buf_byte_length(s, size, enc, fl), w;
        int r = asy_buf_from_stringn(&b, s, size, enc, fl);
        if (r == 0 ? bl != (ptrdiff_t)b.len : bl != r) abort();
        if (r != 0) continue;
        /* writing into a smaller buffer gives a prefix of the result */
        if (asy_buf_alloc(&small, b.len / 2 + 1) == 0) {
            w = asy_buf_write_string(&small, 1, s, size, enc, fl);
            if (w < 0 || (size_t)w > small.len - 1 || memcmp(small.data + 1, b.data, (size_t)w) != 0)
                abort();
            asy_buf_release(&small);
        }
        asy_buf_release(&b);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    asy_buf_t raw, b;
    char *str;
    size_t len;
    int e, valid = asy_utf8_valid(data, size);

    if (asy_buf_from_stringn(&b, s, size, ASY_ENC_UTF8, 0) == 0) {
        if (!valid || b.len != size || (size && memcmp(b.data, data, size) != 0)) abort();
        asy_buf_release(&b);
    } else if (valid) {
        abort();
    }
    if (asy_buf_from_bytes(&raw, data, size) != 0) return 0;
    if (asy_buf_to_string(&raw, ASY_ENC_UTF8, &str, &len) != 0) abort();
    if (!asy_utf8_valid(str, len) || (valid && (len != size || memcmp(str, data, size) != 0)))
        abort();
    if (asy_buf_from_stringn(&b, s, size, ASY_ENC_UTF8, ASY_BUF_LENIENT) != 0 || b.len != len ||
        (len && memcmp(b.data, str, len) != 0))
        abort();
    asy_buf_release(&b);
    asy_free(str);

    for (e = ASY_ENC_UTF8; e <= ASY_ENC_UTF16LE; e++) {
        asy_encoding_t enc = (asy_encoding_t)e;
        ptrdiff_t want = asy_buf_string_length(&raw, enc);
        if (asy_buf_to_string(&raw, enc, &str, &len) != 0) abort();
        if ((ptrdiff_t)len != want || strlen(str) > len || !asy_utf8_valid(str, len)) abort();
        if (enc == ASY_ENC_LATIN1 || (enc == ASY_ENC_UTF16LE && size % 2 == 0)) {
            /* the strings decode back strictly; latin1 to the same bytes */
            int r = asy_buf_from_stringn(&b, str, len, enc, 0);
            if (r != 0) abort();
            if (enc == ASY_ENC_LATIN1 && !asy_buf_equals(&b, &raw)) abort();
            asy_buf_release(&b);
        }
        asy_free(str);
        if (enc != ASY_ENC_HEX && enc != ASY_ENC_BASE64 && enc != ASY_ENC_BASE64URL)
            check_text_decoder(s, size, enc);
    }
    asy_buf_release(&raw);
    return 0;
}
