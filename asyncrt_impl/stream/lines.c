/* The line splitter: a transform with a byte-mode writable side and an
 * object-mode readable side holding one line per chunk. */
#include "lines.h"
#include "stream.internal.h"
#include "../base/errors.h"
#include "../buf/bufchain.h"
#include "../loop/handle.h"

ASY__INTERNAL asy_line_splitter_t *asy__lines_of(asy_stream_t *s) {
    return ASY_CONTAINER_OF(s, asy_line_splitter_t, stream);
}

/* Pushes line without a trailing '\r' (the CR of a CRLF). */
ASY__INTERNAL int asy__lines_push(asy_line_splitter_t *ls, asy_buf_t *line) {
    if (line->len && line->data[line->len - 1] == '\r') line->len--;
    if (ls->max_line_ && line->len > ls->max_line_) {
        asy_buf_release(line);
        return ASY_ENOBUFS;
    }
    asy_stream_push_move(&ls->stream, line);
    return 0;
}

ASY__INTERNAL void asy__lines_transform(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_line_splitter_t *ls = asy__lines_of(s);
    const uint8_t *data = chunk->data;
    size_t start = 0, len = chunk->len;
    int r = 0;
    while (start < len && !(s->sflags_ & ASY__STREAM_DESTROYED)) {
        const uint8_t *nl = (const uint8_t *)memchr(data + start, '\n', len - start);
        size_t end;
        asy_buf_t line;
        if (!nl) break;
        end = (size_t)(nl - data);
        if (asy_bufchain_len(&ls->partial_) == 0) {
            /* the whole line is in this chunk: a view, no copy */
            r = asy_buf_slice(&line, chunk, (ptrdiff_t)start, (ptrdiff_t)end);
        } else {
            asy_buf_t piece = *chunk; /* borrowed view of the line's tail */
            piece.data += start;
            piece.len = end - start;
            r = asy_bufchain_append(&ls->partial_, &piece);
            if (r == 0) r = asy_bufchain_take(&ls->partial_, asy_bufchain_len(&ls->partial_), &line);
        }
        if (r == 0) r = asy__lines_push(ls, &line);
        if (r < 0) break;
        start = end + 1;
    }
    if (r == 0 && start < len && !(s->sflags_ & ASY__STREAM_DESTROYED)) {
        asy_buf_t rest = *chunk;
        rest.data += start;
        rest.len = len - start;
        r = asy_bufchain_append(&ls->partial_, &rest);
        /* one byte of slack for the CR of a CRLF still to come */
        if (r == 0 && ls->max_line_ && asy_bufchain_len(&ls->partial_) > ls->max_line_ + 1)
            r = ASY_ENOBUFS;
    }
    asy_stream_transform_done(s, r);
}

ASY__INTERNAL void asy__lines_flush(asy_stream_t *s) {
    asy_line_splitter_t *ls = asy__lines_of(s);
    int r = 0;
    if (asy_bufchain_len(&ls->partial_)) { /* the last line had no newline */
        asy_buf_t line;
        r = asy_bufchain_take(&ls->partial_, asy_bufchain_len(&ls->partial_), &line);
        if (r == 0) r = asy__lines_push(ls, &line);
    }
    asy_stream_flush_done(s, r);
}

ASY__INTERNAL void asy__lines_destroy(asy_stream_t *s, int err) {
    asy_bufchain_reset(&asy__lines_of(s)->partial_);
    asy_stream_destroy_done(s, err);
}

static const asy_stream_impl_t asy__lines_impl = {
    NULL, NULL, NULL, NULL, NULL, asy__lines_destroy, asy__lines_transform, asy__lines_flush};

ASYNCRT_API int asy_line_splitter_init(asy_loop_t *loop, asy_line_splitter_t *ls,
                                       const asy_line_splitter_opts_t *opts) {
    asy_stream_opts_t o;
    int r;
    if (!ls) return ASY_EINVAL;
    memset(&o, 0, sizeof(o));
    o.readable_object_mode = 1;
    o.readable_high_water_mark = opts ? opts->high_water_mark : 0;
    r = asy_transform_init(loop, &ls->stream, &asy__lines_impl, &o);
    if (r < 0) return r;
    asy_bufchain_init(&ls->partial_);
    ls->max_line_ = opts ? opts->max_line : 0;
    return 0;
}
