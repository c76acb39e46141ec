/* Connecting streams: pipeline(), finished() and the old pipe().
 *
 * pipeline is the one to use: backpressure from end to end, the first
 * error destroys every stream, and the callback runs exactly once, after
 * every stream is done.  pipe() moves data with backpressure but, as in
 * Node, neither forwards errors nor destroys anything: an error in one
 * stream leaves the others open (the seed's warning). */
#pragma once
#include "stream.h"
#include "../promise/promise.h"

/* pipeline(streams[0], ..., streams[n-1], cb): streams[0] must be
 * readable, streams[n-1] writable, the ones between both.
 * cb(last, status, arg) -- the shape of every stream callback, last being
 * streams[n-1], or NULL once it has closed (its on_close may have freed
 * it) -- runs once, on a nextTick, when the last stream finished (status 0) or
 * after an error destroyed them all (status: the first error;
 * ASY_EPREMATURE_CLOSE when a stream was destroyed without one).  The
 * array is copied; the streams must stay valid until their on_close.
 * ASY_EINVAL (n < 2, a NULL, a side missing), ASY_ENOMEM; cb not called. */
ASYNCRT_API int asy_pipeline(asy_stream_t *const *streams, size_t n, asy_stream_cb cb,
                             void *arg);

/* finished(stream, cb): cb(s, status, arg) once the stream is done -- its
 * readable side ended and its writable side finished, and it closed if it
 * will -- with 0, the stream's error, or ASY_EPREMATURE_CLOSE when it
 * closed first.  cb runs before the stream's own on_close. */
ASYNCRT_API int asy_finished(asy_stream_t *s, asy_stream_cb cb, void *arg);

typedef struct asy_pipe_opts_t {
    int no_end; /* { end: false }: do not end dst when src ends */
} asy_pipe_opts_t;

/* src.pipe(dst): every chunk of src is written to dst; when dst.write
 * returns 0 src pauses until dst drains; dst ends with src unless
 * opts->no_end.  One src may feed several destinations.  Errors are not
 * forwarded (use asy_pipeline). */
ASYNCRT_API int asy_stream_pipe(asy_stream_t *src, asy_stream_t *dst, const asy_pipe_opts_t *opts);
/* src.unpipe(dst); dst NULL unpipes every destination.  ASY_ENOENT when
 * dst is not piped from src. */
ASYNCRT_API int asy_stream_unpipe(asy_stream_t *src, asy_stream_t *dst);

/* node:stream/promises: `await pipeline(...)`, `await finished(stream)`.
 * The promise (yours: release it) fulfils with NULL, or rejects with the
 * status the callback forms would report.  NULL on bad arguments or
 * ENOMEM. */
ASYNCRT_API asy_promise_t *asy_pipelinep(asy_stream_t *const *streams, size_t n);
ASYNCRT_API asy_promise_t *asy_finishedp(asy_stream_t *s);
