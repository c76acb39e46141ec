/* Streams: Node's Readable, Writable, Duplex, Transform and PassThrough
 * (docs/stream.md).
 *
 * One struct, asy_stream_t, is every kind of stream; the *_init function
 * picks the kind.  Chunks are asy_buf_t views: in byte mode highWaterMark
 * counts bytes, in object mode it counts chunks (an object-mode chunk may
 * be any buffer, an empty one included, or a pointer wrapped by
 * asy_stream_push_obj / asy_stream_write_obj).
 *
 * Two audiences:
 *   - users of a stream set an asy_stream_events_t struct of callbacks and
 *     call read / write / pause / resume / end / destroy / pipe;
 *   - implementers (a socket, a file, zlib, TLS, your own source or sink)
 *     give an asy_stream_impl_t vtable, Node's _read / _write / _writev /
 *     _final / _destroy / _construct / _transform / _flush, and report each
 *     completion with the matching asy_stream_*_done call.
 *
 * Event timing follows Node 20: 'data' is synchronous (inside push when
 * flowing with an empty buffer, else inside the flow started on a
 * nextTick); 'end', 'finish', 'close', 'error', 'readable' and write
 * callbacks of synchronous writes come on process.nextTick; 'drain' and
 * write callbacks come synchronously from an asynchronous write completion
 * and on nextTick from a synchronous one.
 *
 * Lifetime: the struct is the caller's.  on_close is the last call the
 * library makes with the stream: free or reuse its memory there (or later).
 * A stream that never closes (autoDestroy off and never destroyed) keeps
 * whatever it buffers: destroy it.  Streams do not keep the loop alive. */
#pragma once
#include "../base/queue.h"
#include "../buf/bufchain.h"
#include "../loop/handle.h"

typedef struct asy_stream_s asy_stream_t;

/* Completion of a write, of end(), of finished(): status 0 or ASY_E*. */
typedef void (*asy_stream_cb)(asy_stream_t *s, int status, void *arg);

/* Events, Node's names.  Any member may be NULL.  The chunk given to
 * on_data is borrowed: asy_buf_retain() it to keep it past the call. */
typedef struct asy_stream_events_t {
    void (*on_data)(asy_stream_t *s, const asy_buf_t *chunk);
    /* Paused mode: data (or the end) is ready for asy_stream_read. */
    void (*on_readable)(asy_stream_t *s);
    void (*on_end)(asy_stream_t *s);
    void (*on_error)(asy_stream_t *s, int err);
    void (*on_drain)(asy_stream_t *s);
    void (*on_finish)(asy_stream_t *s);
    void (*on_close)(asy_stream_t *s);
    void (*on_pause)(asy_stream_t *s);
    void (*on_resume)(asy_stream_t *s);
} asy_stream_events_t;

/* The implementer's vtable.  Each member that takes a callback in Node
 * completes with a *_done call instead, now or later, exactly once. */
typedef struct asy_stream_impl_t {
    /* Optional (_construct): runs on the next tick after init; reads,
     * writes and destroy wait for asy_stream_construct_done(s, err). */
    void (*construct)(asy_stream_t *s);
    /* Readable (_read): produce up to about `size` bytes (items) with
     * asy_stream_push*, now or later; asy_stream_push_end at EOF.  Not
     * called again until something was pushed.  NULL: a pure push source.
     * A transform may set it too: it is then called on each _read, after
     * a held transform callback was released, so a transform that pushes
     * one chunk's output in steps can wait for the consumer between them. */
    void (*read)(asy_stream_t *s, size_t size);
    /* Writable (_write): consume one chunk, then asy_stream_write_done.
     * The chunk stays valid until then (retain it to keep it longer). */
    void (*write)(asy_stream_t *s, const asy_buf_t *chunk);
    /* Optional (_writev): several buffered chunks at once (after cork, or
     * while a write was in flight); one asy_stream_write_done for all. */
    void (*writev)(asy_stream_t *s, const asy_buf_t *chunks, size_t n);
    /* Optional (_final): after end(), once every write is done and before
     * 'finish'; complete with asy_stream_final_done. */
    void (*final)(asy_stream_t *s);
    /* Optional (_destroy): release resources; complete with
     * asy_stream_destroy_done(s, err) (err may differ from the one given).
     * Chunks handed to write/writev are not touched afterwards. */
    void (*destroy)(asy_stream_t *s, int err);
    /* Transform (_transform): push any output, then
     * asy_stream_transform_done.  The chunk stays valid until then. */
    void (*transform)(asy_stream_t *s, const asy_buf_t *chunk);
    /* Optional (_flush): the input ended; push what is left, then
     * asy_stream_flush_done. */
    void (*flush)(asy_stream_t *s);
} asy_stream_impl_t;

/* Zero means "default" for every field; NULL options mean all defaults. */
typedef struct asy_stream_opts_t {
    /* Bytes, or chunks in object mode; 0: Node's default (16 KiB, or 16
     * chunks).  ASY_STREAM_HWM_ZERO is a real 0 ("never read ahead",
     * "every write waits for drain").  For a duplex it sets both sides and
     * wins over the per-side values, as in Node. */
    size_t high_water_mark;
    size_t readable_high_water_mark;
    size_t writable_high_water_mark;
    int object_mode;          /* both sides */
    int readable_object_mode; /* duplex / transform: one side only */
    int writable_object_mode;
    /* autoDestroy: false -- the stream is not destroyed after 'end' and
     * 'finish', so no 'close' until asy_stream_destroy. */
    int no_auto_destroy;
    /* allowHalfOpen: false -- a duplex ends its writable side when its
     * readable side ends. */
    int no_half_open;
} asy_stream_opts_t;

#define ASY_STREAM_HWM_ZERO ((size_t)-1)
/* asy_stream_read's n for Node's read() without an argument. */
#define ASY_STREAM_READ_ALL ((size_t)-1)

/* Async pull-read (for await ... of stream): status 0 with the next chunk
 * (borrowed, retain to keep), ASY_EOF after the last one, or the error. */
typedef void (*asy_stream_read_cb)(asy_stream_t *s, int status, const asy_buf_t *chunk,
                                   void *arg);

/* Private pieces the struct below holds. */
typedef struct asy__stream_listener asy__stream_listener;
/* A listener the library attaches to a stream (stream.internal.h has its
 * vtable).  Declared here so other layers can embed one in their structs. */
struct asy__stream_listener {
    asy__queue link;
    const struct asy__stream_listener_vt *vt;
};
struct asy__stream_cursor;
struct asy__stream_wreq;
struct asy__stream_cblist;
struct asy__stream_endcb;
struct asy__stream_awinfo;
struct asy__stream_iter;

struct asy_stream_s {
    void *data;      /* for the stream's user */
    void *impl_data; /* for the implementer */
    asy_loop_t *loop;
    /* -- everything below is private -- */
    const asy_stream_impl_t *impl_;
    const asy_stream_events_t *events_;
    unsigned sflags_, rflags_, wflags_;
    int err_;         /* the first error (Node's `errored`) */
    int close_err_;   /* the error emitted just before 'close' */
    int construct_err_;
    unsigned ticks_;  /* queued nextTicks / microtasks that use the stream */
    asy__queue listeners_; /* library listeners: pipe, pipeline, finished */
    struct asy__stream_cursor *cursors_;
    /* readable side */
    size_t rhwm_, rlen_;
    asy_bufchain_t rbuf_;           /* byte mode */
    asy_buf_t *ritems_;             /* object mode: ring of chunks */
    size_t rcap_, rhead_, rcount_;
    unsigned data_listeners_, readable_listeners_, pipes_, await_drain_;
    size_t xform_rlen_;             /* transform: rlen_ when _transform began */
    /* writable side */
    size_t whwm_, wlen_, writelen_, pendingcb_;
    unsigned corked_;
    asy_stream_cb writecb_;
    void *writecb_arg_;
    struct asy__stream_cblist *writecbs_; /* a writev's callbacks */
    asy_buf_t wcur_;                      /* the chunk being written */
    asy_buf_t *wv_bufs_;                  /* a writev's chunks */
    size_t wv_n_, wv_cap_;
    struct asy__stream_wreq *wq_;         /* buffered writes (ring) */
    size_t wq_cap_, wq_head_, wq_count_;
    struct asy__stream_awinfo *aw_cur_;   /* afterWriteTickInfo */
    struct asy__stream_awinfo *aw_spare_; /* one kept for reuse */
    asy_stream_cb werr_cb_;               /* a synchronous write error */
    void *werr_arg_;
    struct asy__stream_cblist *werr_list_;
    int werr_status_;
    struct asy__stream_endcb *endcbs_;    /* end(cb) callbacks */
    size_t nendcbs_, endcbs_cap_;
    struct asy__stream_iter *iter_; /* async pull-read */
    const char *origin_file_;       /* where it was created (diagnostics) */
    int origin_line_;
};

/* ---- creating ------------------------------------------------------------ */

/* Every init leaves the stream ready; it allocates nothing until data is
 * buffered.  impl may be NULL for a readable (push source) and for
 * passthrough; a writable needs write or writev, a transform transform.
 * ASY_EINVAL otherwise. */
ASYNCRT_API int asy_readable_init_at(asy_loop_t *loop, asy_stream_t *s,
                                     const asy_stream_impl_t *impl, const asy_stream_opts_t *opts,
                                     const char *file, int line);
ASYNCRT_API int asy_writable_init_at(asy_loop_t *loop, asy_stream_t *s,
                                     const asy_stream_impl_t *impl, const asy_stream_opts_t *opts,
                                     const char *file, int line);
ASYNCRT_API int asy_duplex_init_at(asy_loop_t *loop, asy_stream_t *s, const asy_stream_impl_t *impl,
                                   const asy_stream_opts_t *opts, const char *file, int line);
ASYNCRT_API int asy_transform_init_at(asy_loop_t *loop, asy_stream_t *s,
                                      const asy_stream_impl_t *impl, const asy_stream_opts_t *opts,
                                      const char *file, int line);
/* A transform that passes every chunk through unchanged. */
ASYNCRT_API int asy_passthrough_init_at(asy_loop_t *loop, asy_stream_t *s,
                                        const asy_stream_opts_t *opts, const char *file, int line);
/* The inits record their caller's file:line, as handle inits do, so an
 * uncaught 'error' or a slow callback can name the stream.  Variadic so a
 * compound-literal opts argument (with its commas) passes through. */
#define asy_readable_init(...) asy_readable_init_at(__VA_ARGS__, ASY_HERE)
#define asy_writable_init(...) asy_writable_init_at(__VA_ARGS__, ASY_HERE)
#define asy_duplex_init(...) asy_duplex_init_at(__VA_ARGS__, ASY_HERE)
#define asy_transform_init(...) asy_transform_init_at(__VA_ARGS__, ASY_HERE)
#define asy_passthrough_init(...) asy_passthrough_init_at(__VA_ARGS__, ASY_HERE)
/* Re-labels where a stream was created: for a layer whose own init
 * creates the stream on its caller's behalf. */
ASYNCRT_API void asy_stream_set_origin(asy_stream_t *s, const char *file, int line);

/* Sets the event callbacks (NULL: none).  The struct is not copied: keep
 * it alive (a static const is typical).  Setting on_data is Node's
 * on('data'): the stream starts flowing on the next tick unless it was
 * paused explicitly.  Setting on_readable is on('readable'): paused mode. */
ASYNCRT_API int asy_stream_set_events(asy_stream_t *s, const asy_stream_events_t *events);

/* ---- readable: consuming ------------------------------------------------- */

/* read(n): 1 and a chunk in *out (owned: release it) when one is ready, 0
 * when not (then on_readable or on_data follow), <0 on bad arguments.
 * n = ASY_STREAM_READ_ALL reads everything buffered; n = 0 only starts a
 * read.  Object mode ignores n and returns one chunk.  As in Node, a chunk
 * read this way is also given to on_data. */
ASYNCRT_API int asy_stream_read(asy_stream_t *s, size_t n, asy_buf_t *out);
ASYNCRT_API int asy_stream_pause(asy_stream_t *s);
ASYNCRT_API int asy_stream_resume(asy_stream_t *s);
/* 1 when paused (explicitly, or by a pipe's backpressure). */
ASYNCRT_API int asy_stream_is_paused(const asy_stream_t *s);
/* Puts a chunk back in front of the buffer (a view is kept, no copy). */
ASYNCRT_API int asy_stream_unshift(asy_stream_t *s, const asy_buf_t *chunk);
/* The C form of `for await (const chunk of stream)`: cb gets the next
 * chunk, always asynchronously (a microtask); call again from cb for the
 * one after.  At the end cb gets ASY_EOF (or the error) and the stream is
 * destroyed, as the loop's exit does in Node; for a stream that closes,
 * this comes after its on_close -- the library is done with the stream
 * and cb may free it, but must not use it if on_close already freed it.
 * One call may be outstanding (ASY_EBUSY otherwise).  The stream switches
 * to paused mode; to stop early, destroy it. */
ASYNCRT_API int asy_stream_next(asy_stream_t *s, asy_stream_read_cb cb, void *arg);

/* ---- readable: producing (implementers, and push sources) --------------- */

/* push(chunk): keeps a view of chunk (no copy).  Returns 1 while below
 * highWaterMark (push more), 0 when the producer should wait for the next
 * read call, ASY_EPUSH_AFTER_EOF after push_end (the stream is then
 * destroyed with that error, as in Node), ASY_ENOMEM.  An empty chunk
 * in byte mode only ends the pending read. */
ASYNCRT_API int asy_stream_push(asy_stream_t *s, const asy_buf_t *chunk);
/* Like push but takes over the caller's reference (chunk is left empty). */
ASYNCRT_API int asy_stream_push_move(asy_stream_t *s, asy_buf_t *chunk);
/* Pushes a copy of n bytes. */
ASYNCRT_API int asy_stream_push_bytes(asy_stream_t *s, const void *bytes, size_t n);
/* Object mode: pushes a pointer as an empty buffer whose data is obj;
 * free_cb(obj, hint) (may be NULL) runs when the last view is released. */
ASYNCRT_API int asy_stream_push_obj(asy_stream_t *s, void *obj, asy_buf_free_cb free_cb,
                                    void *hint);
/* push(null): the end of the data. */
ASYNCRT_API int asy_stream_push_end(asy_stream_t *s);

/* ---- writable -------------------------------------------------------------- */

/* write(chunk, cb): keeps a view of chunk.  1 while the buffered amount is
 * below highWaterMark, 0 when the caller should stop: wait for on_drain --
 * or the write was refused (after end: ASY_EWRITE_AFTER_END; destroyed:
 * ASY_ESTREAM_DESTROYED; ASY_ENOMEM), in which case, as in Node, cb gets
 * that error on a nextTick and the stream errors.  So
 * `while (asy_stream_write(...))` always ends.  cb (may be NULL) runs once
 * the chunk is written, with its status.  Only a call with no stream to
 * report to (s or chunk NULL, no writable side) returns ASY_EINVAL. */
ASYNCRT_API int asy_stream_write(asy_stream_t *s, const asy_buf_t *chunk, asy_stream_cb cb,
                                 void *arg);
ASYNCRT_API int asy_stream_write_bytes(asy_stream_t *s, const void *bytes, size_t n,
                                       asy_stream_cb cb, void *arg);
ASYNCRT_API int asy_stream_write_obj(asy_stream_t *s, void *obj, asy_buf_free_cb free_cb,
                                     void *hint, asy_stream_cb cb, void *arg);
/* end(cb): no more writes; 'finish' follows once everything is written.
 * cb (may be NULL) runs at finish, or with the error that prevented it. */
ASYNCRT_API int asy_stream_end(asy_stream_t *s, asy_stream_cb cb, void *arg);
/* cork / uncork: writes are buffered until the last uncork, then handed
 * to writev together (one write each without writev). */
ASYNCRT_API int asy_stream_cork(asy_stream_t *s);
ASYNCRT_API int asy_stream_uncork(asy_stream_t *s);

/* ---- both ------------------------------------------------------------------ */

/* destroy(err): stops everything; on_error(err) (when err != 0) then
 * on_close follow on the next tick, each exactly once.  Buffered writes
 * complete with the error (ASY_ESTREAM_DESTROYED when err is 0). */
ASYNCRT_API int asy_stream_destroy(asy_stream_t *s, int err);

/* ---- implementer completions ------------------------------------------------ */

ASYNCRT_API int asy_stream_construct_done(asy_stream_t *s, int err);
/* ASY_EMULTIPLE_CALLBACK (and the stream is errored) when no write was
 * waiting for it. */
ASYNCRT_API int asy_stream_write_done(asy_stream_t *s, int status);
ASYNCRT_API int asy_stream_final_done(asy_stream_t *s, int status);
ASYNCRT_API int asy_stream_destroy_done(asy_stream_t *s, int err);
ASYNCRT_API int asy_stream_transform_done(asy_stream_t *s, int status);
ASYNCRT_API int asy_stream_flush_done(asy_stream_t *s, int status);

/* ---- state (Node's properties) ---------------------------------------------- */

ASYNCRT_API int asy_stream_is_readable(const asy_stream_t *s);   /* .readable */
ASYNCRT_API int asy_stream_is_writable(const asy_stream_t *s);   /* .writable */
ASYNCRT_API int asy_stream_readable_ended(const asy_stream_t *s); /* 'end' emitted */
/* EOF was pushed (Node's _readableState.ended); 'end' waits until the
 * buffered data has been read. */
ASYNCRT_API int asy_stream_readable_eof(const asy_stream_t *s);
/* .readableFlowing: -1 (null: no consumer yet), 0 (paused), 1 (flowing) */
ASYNCRT_API int asy_stream_readable_flowing(const asy_stream_t *s);
ASYNCRT_API size_t asy_stream_readable_length(const asy_stream_t *s);
ASYNCRT_API size_t asy_stream_readable_hwm(const asy_stream_t *s);
ASYNCRT_API int asy_stream_writable_ended(const asy_stream_t *s);    /* end() called */
ASYNCRT_API int asy_stream_writable_finished(const asy_stream_t *s); /* 'finish' emitted */
ASYNCRT_API int asy_stream_writable_need_drain(const asy_stream_t *s);
ASYNCRT_API size_t asy_stream_writable_length(const asy_stream_t *s);
ASYNCRT_API size_t asy_stream_writable_hwm(const asy_stream_t *s);
ASYNCRT_API unsigned asy_stream_writable_corked(const asy_stream_t *s);
ASYNCRT_API int asy_stream_is_destroyed(const asy_stream_t *s);
ASYNCRT_API int asy_stream_is_closed(const asy_stream_t *s);
/* The stream's error (Node's .errored), 0 if none. */
ASYNCRT_API int asy_stream_errored(const asy_stream_t *s);
