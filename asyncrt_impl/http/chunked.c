/* The chunked transfer coding (RFC 9112 7.1), streamed: unlike heads, a
 * body is never parsed twice, so the decoder keeps its place in a few
 * words of state and any split of the input feeds it the same bytes. */
#include "parser.h"
#include "parser.internal.h"
#include "../base/errors.h"

enum {
    ASY__CK_SIZE0,      /* the first hex digit of a size */
    ASY__CK_SIZE,       /* more digits, ';' or CR */
    ASY__CK_EXT_NAME0,  /* after ';': BWS, then a token */
    ASY__CK_EXT_NAME,   /* the name's token */
    ASY__CK_EXT_POSTN,  /* BWS after a name: ';' '=' or CR */
    ASY__CK_EXT_POSTV,  /* BWS after a value: ';' or CR */
    ASY__CK_EXT_VAL0,   /* after '=': BWS, then a token or a quoted-string */
    ASY__CK_EXT_VAL,    /* a token value */
    ASY__CK_EXT_QUOTED, /* inside a quoted-string */
    ASY__CK_EXT_ESC,    /* after a backslash in a quoted-string */
    ASY__CK_SIZE_LF,    /* the LF ending a size line */
    ASY__CK_DATA,
    ASY__CK_DATA_CR,    /* the CRLF after a chunk's data */
    ASY__CK_DATA_LF,
    ASY__CK_TRAILERS    /* the last chunk was read */
};

ASYNCRT_API void asy_http_chunked_init(asy_http_chunked_t *c, unsigned flags) {
    memset(c, 0, sizeof(*c));
    c->flags_ = flags;
}

ASYNCRT_API int asy_http_chunked_in_trailers(const asy_http_chunked_t *c) {
    return c->state_ == ASY__CK_TRAILERS;
}

static int asy__ck_hex(unsigned char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    ch = (unsigned char)(ch | 0x20);
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
}

ASYNCRT_API ptrdiff_t asy_http_chunked_parse(asy_http_chunked_t *c, const char *buf, size_t len,
                                             const char **data, size_t *data_len) {
    const char *p = buf, *end = buf + len;
    int lenient = (c->flags_ & ASY_HTTP_LENIENT) != 0;
    *data = NULL;
    *data_len = 0;
    while (p < end) {
        unsigned char ch = (unsigned char)*p;
        int d;
        if (c->state_ >= ASY__CK_EXT_NAME0 && c->state_ <= ASY__CK_EXT_ESC &&
            ++c->ext_len_ > ASY__HTTP_MAX_CHUNK_EXT)
            return ASY_EHTTP_CHUNK_EXT;
        switch (c->state_) {
        case ASY__CK_SIZE0:
        case ASY__CK_SIZE:
            d = asy__ck_hex(ch);
            if (d >= 0) {
                /* 15 digits keep any size below 2^60 */
                if (++c->digits_ > 15) return ASY_EHTTP_CHUNK_SIZE;
                c->remaining = (c->remaining << 4) | (uint64_t)d;
                c->state_ = ASY__CK_SIZE;
                break;
            }
            if (c->state_ == ASY__CK_SIZE0) return ASY_EHTTP_CHUNK_SIZE;
            if (ch == ';') {
                c->state_ = ASY__CK_EXT_NAME0;
                c->ext_len_ = 0;
            } else if (ch == '\r') {
                c->state_ = ASY__CK_SIZE_LF;
            } else if (ch == '\n' && lenient) {
                c->state_ = ASY__CK_SIZE_LF;
                continue; /* handled as the LF */
            } else {
                return ASY_EHTTP_CHUNK_SIZE;
            }
            break;
        case ASY__CK_EXT_NAME0:
            if (ch == ' ' || ch == '\t') break;
            if (!ASY__HTTP_TCHAR(ch)) return ASY_EHTTP_CHUNK_EXT;
            c->state_ = ASY__CK_EXT_NAME;
            break;
        case ASY__CK_EXT_NAME:
        case ASY__CK_EXT_VAL:
            if (ASY__HTTP_TCHAR(ch)) break;
            c->state_ = c->state_ == ASY__CK_EXT_NAME ? ASY__CK_EXT_POSTN : ASY__CK_EXT_POSTV;
            continue; /* look at this byte again */
        case ASY__CK_EXT_POSTN:
        case ASY__CK_EXT_POSTV:
            if (ch == ' ' || ch == '\t') break;
            if (ch == ';') {
                c->state_ = ASY__CK_EXT_NAME0;
            } else if (ch == '=' && c->state_ == ASY__CK_EXT_POSTN) {
                c->state_ = ASY__CK_EXT_VAL0;
            } else if (ch == '\r') {
                c->state_ = ASY__CK_SIZE_LF;
            } else if (ch == '\n' && lenient) {
                c->state_ = ASY__CK_SIZE_LF;
                continue;
            } else {
                return ASY_EHTTP_CHUNK_EXT;
            }
            break;
        case ASY__CK_EXT_VAL0:
            if (ch == ' ' || ch == '\t') break;
            if (ch == '"')
                c->state_ = ASY__CK_EXT_QUOTED;
            else if (ASY__HTTP_TCHAR(ch))
                c->state_ = ASY__CK_EXT_VAL;
            else
                return ASY_EHTTP_CHUNK_EXT;
            break;
        case ASY__CK_EXT_QUOTED:
            /* qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text */
            if (ch == '"') {
                c->state_ = ASY__CK_EXT_POSTV;
            } else if (ch == '\\') {
                c->state_ = ASY__CK_EXT_ESC;
            } else if (!(ch == '\t' || (ch >= 0x20 && ch != 0x7f))) {
                return ASY_EHTTP_CHUNK_EXT;
            }
            break;
        case ASY__CK_EXT_ESC:
            if (!(ch == '\t' || (ch >= 0x20 && ch != 0x7f))) return ASY_EHTTP_CHUNK_EXT;
            c->state_ = ASY__CK_EXT_QUOTED;
            break;
        case ASY__CK_SIZE_LF:
            if (ch != '\n') return ASY_EHTTP_CRLF;
            c->digits_ = 0;
            c->state_ = c->remaining ? ASY__CK_DATA : ASY__CK_TRAILERS;
            if (c->state_ == ASY__CK_TRAILERS) return (p + 1) - buf;
            break;
        case ASY__CK_DATA: {
            size_t n = (size_t)(end - p);
            if ((uint64_t)n > c->remaining) n = (size_t)c->remaining;
            *data = p;
            *data_len = n;
            c->remaining -= n;
            if (c->remaining == 0) c->state_ = ASY__CK_DATA_CR;
            return (p + n) - buf;
        }
        case ASY__CK_DATA_CR:
            if (ch == '\r') {
                c->state_ = ASY__CK_DATA_LF;
                break;
            }
            if (ch == '\n' && lenient) {
                c->state_ = ASY__CK_SIZE0;
                break;
            }
            return ASY_EHTTP_CHUNK_SIZE;
        case ASY__CK_DATA_LF:
            if (ch != '\n') return ASY_EHTTP_CRLF;
            c->state_ = ASY__CK_SIZE0;
            break;
        default: /* trailers: the caller's */
            return p - buf;
        }
        p++;
    }
    return p - buf;
}
