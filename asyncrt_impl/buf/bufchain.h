/* asy_bufchain_t: a byte queue made of buffer views, for stream and socket
 * buffers and parsers.  Appending a buffer and consuming from the front are
 * O(1) and copy nothing: the chain keeps views (references) of the buffers
 * you give it.  Small byte appends are copied into spare room at the end of
 * the last segment when the chain may use it, so many tiny writes do not
 * make many tiny segments.
 *
 * The chain is a caller-owned struct: asy_bufchain_init() it, and
 * asy_bufchain_reset() it to release everything it holds. */
#pragma once
#include "buf.h"

/* One piece of memory for scatter/gather I/O, the one iovec type of the
 * whole API (fs reads and writes, socket reads and writes, buffer chains).
 * On POSIX it has the layout of struct iovec (iov_base, iov_len), so an
 * array of it can be passed to writev/readv with a cast.  (Windows' WSABUF
 * is laid out differently.)  base is a void pointer, so any byte buffer
 * (char, uint8_t) goes in and comes out without a cast. */
typedef struct asy_iov_s {
    void *base;
    size_t len;
} asy_iov_t;

typedef struct asy_bufchain {
    asy_buf_t *segs; /* ring of views; the private fields below index it */
    size_t cap;      /* slots in segs (a power of two, or 0) */
    size_t head;     /* slot of the first segment */
    size_t count;    /* segments in use */
    size_t len;      /* bytes in the chain */
} asy_bufchain_t;

ASYNCRT_API void asy_bufchain_init(asy_bufchain_t *c);
/* Releases every segment and the ring; the chain is empty and reusable. */
ASYNCRT_API void asy_bufchain_reset(asy_bufchain_t *c);
/* Bytes queued. */
ASYNCRT_API size_t asy_bufchain_len(const asy_bufchain_t *c);
/* Segments queued. */
ASYNCRT_API size_t asy_bufchain_count(const asy_bufchain_t *c);

/* Appends a new view of b (the caller keeps its own reference). */
ASYNCRT_API int asy_bufchain_append(asy_bufchain_t *c, const asy_buf_t *b);
/* Appends b and takes over its reference: b is left empty on success and
 * untouched on failure. */
ASYNCRT_API int asy_bufchain_append_move(asy_bufchain_t *c, asy_buf_t *b);
/* Appends a copy of n bytes. */
ASYNCRT_API int asy_bufchain_append_bytes(asy_bufchain_t *c, const void *bytes, size_t n);
/* Puts a view of b in front (readable.unshift). */
ASYNCRT_API int asy_bufchain_prepend(asy_bufchain_t *c, const asy_buf_t *b);

/* Drops up to n bytes from the front; returns how many were dropped. */
ASYNCRT_API size_t asy_bufchain_consume(asy_bufchain_t *c, size_t n);
/* Removes the first min(n, len) bytes into *out.  When they lie in one
 * segment, *out shares its memory; otherwise they are copied together. */
ASYNCRT_API int asy_bufchain_take(asy_bufchain_t *c, size_t n, asy_buf_t *out);
/* The whole content as one buffer (Buffer.concat of the segments) without
 * consuming it; shares memory when there is a single segment. */
ASYNCRT_API int asy_bufchain_flatten(const asy_bufchain_t *c, asy_buf_t *out);

/* Copies up to n bytes starting offset bytes in, without consuming them;
 * returns the count copied. */
ASYNCRT_API size_t asy_bufchain_peek(const asy_bufchain_t *c, size_t offset, void *dst,
                                     size_t n);
/* A borrowed view of segment i (0 = front): valid until the chain is next
 * changed; asy_buf_retain() it to keep it.  ASY_ERANGE past the end. */
ASYNCRT_API int asy_bufchain_segment(const asy_bufchain_t *c, size_t i, asy_buf_t *view);
/* Fills up to max_iov entries with the front segments, covering at most
 * max_bytes (the last entry is cut short to fit); returns the count.  The
 * memory stays valid until those bytes are consumed. */
ASYNCRT_API size_t asy_bufchain_gather(const asy_bufchain_t *c, asy_iov_t *iov,
                                       size_t max_iov, size_t max_bytes);
/* Position of the first occurrence of needle at or after offset, across
 * segment boundaries, or -1. */
ASYNCRT_API ptrdiff_t asy_bufchain_index_of(const asy_bufchain_t *c, const void *needle,
                                            size_t n, size_t offset);
