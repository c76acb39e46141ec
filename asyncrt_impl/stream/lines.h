/* A line splitter (Node's readline over a stream, as a Transform): bytes
 * in, one object-mode chunk per line out, without its line ending.  Lines
 * may be split across input chunks anywhere; "\n" and "\r\n" both end a
 * line (a lone "\r" inside a line is kept); a last line without a newline
 * is still emitted, and "a\n" gives one line, not a trailing empty one.
 *
 * A line that lies inside one input chunk is a view into it (no copy);
 * one that spans chunks is copied together once. */
#pragma once
#include "stream.h"
#include "../buf/bufchain.h"
#include "../loop/handle.h"

typedef struct asy_line_splitter_opts_t {
    /* Lines buffered on the readable side before the input waits: 0 = 16. */
    size_t high_water_mark;
    /* Longest line accepted, in bytes without its ending; a longer one
     * destroys the stream with ASY_ENOBUFS.  0 = no limit. */
    size_t max_line;
} asy_line_splitter_opts_t;

typedef struct asy_line_splitter_s {
    asy_stream_t stream; /* pass &ls.stream to pipe / pipeline / read */
    /* -- private -- */
    asy_bufchain_t partial_; /* the unfinished line */
    size_t max_line_;
} asy_line_splitter_t;

ASYNCRT_API int asy_line_splitter_init(asy_loop_t *loop, asy_line_splitter_t *ls,
                                       const asy_line_splitter_opts_t *opts);
