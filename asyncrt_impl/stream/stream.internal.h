/* Private parts of the stream layer shared by its files.  The state
 * machines mirror Node 20's lib/internal/streams (readable.js, writable.js,
 * destroy.js, transform.js, end-of-stream.js, pipeline.js) flag for flag,
 * because event timing is part of the contract. */
#pragma once
#include "stream.h"
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../buf/buf.h"
#include "../loop/handle.h"

/* sflags_: the stream as a whole (Node keeps these per side and keeps the
 * two in step; one copy is enough here). */
enum {
    ASY__STREAM_READABLE = 1u << 0, /* has a readable side */
    ASY__STREAM_WRITABLE = 1u << 1, /* has a writable side */
    ASY__STREAM_TRANSFORM = 1u << 2,
    ASY__STREAM_DESTROYED = 1u << 3,
    ASY__STREAM_ERRORED = 1u << 4,
    ASY__STREAM_ERROR_EMITTED = 1u << 5,
    ASY__STREAM_CLOSED = 1u << 6,       /* _destroy completed */
    ASY__STREAM_CLOSE_EMITTED = 1u << 7,
    ASY__STREAM_CONSTRUCTED = 1u << 8,
    ASY__STREAM_AUTO_DESTROY = 1u << 9,
    ASY__STREAM_HALF_OPEN = 1u << 10,    /* allowHalfOpen */
    ASY__STREAM_CLOSE_WAITING = 1u << 11, /* 'close' is due once ticks_ drops to 0 */
    ASY__STREAM_DESTROY_PENDING = 1u << 12, /* destroy() while constructing */
    ASY__STREAM_DESTROY_WAIT = 1u << 13,  /* _destroy running, awaiting its done */
    ASY__STREAM_CONSTRUCT_WAIT = 1u << 14,
    ASY__STREAM_XFORM_WAIT = 1u << 15,    /* _transform running */
    ASY__STREAM_XFORM_HELD = 1u << 16,    /* its callback held until _read */
    ASY__STREAM_FLUSH_WAIT = 1u << 17,    /* _flush running */
    /* an 'error' nobody listens to is dropped rather than uncaught (Node's
     * IncomingMessage, whose errors the http layer reports otherwise) */
    ASY__STREAM_ERROR_OPTIONAL = 1u << 18
};

/* rflags_: Node's ReadableState bits. */
enum {
    ASY__RD_OBJECT = 1u << 0,
    ASY__RD_ENDED = 1u << 1,
    ASY__RD_END_EMITTED = 1u << 2,
    ASY__RD_READING = 1u << 3,
    ASY__RD_SYNC = 1u << 4,
    ASY__RD_NEED_READABLE = 1u << 5,
    ASY__RD_EMITTED_READABLE = 1u << 6,
    ASY__RD_READABLE_LISTENING = 1u << 7,
    ASY__RD_RESUME_SCHEDULED = 1u << 8,
    ASY__RD_READING_MORE = 1u << 9,
    ASY__RD_DATA_EMITTED = 1u << 10,
    ASY__RD_HAS_FLOWING = 1u << 11, /* flowing is not null */
    ASY__RD_FLOWING = 1u << 12,
    ASY__RD_HAS_PAUSED = 1u << 13,
    ASY__RD_PAUSED = 1u << 14,
    ASY__RD_DATA_LISTENING = 1u << 15
};

/* wflags_: Node's WritableState bits. */
enum {
    ASY__W_OBJECT = 1u << 0,
    ASY__W_ENDED = 1u << 1,
    ASY__W_SYNC = 1u << 2,
    ASY__W_FINAL_CALLED = 1u << 3,
    ASY__W_NEED_DRAIN = 1u << 4,
    ASY__W_ENDING = 1u << 5,
    ASY__W_FINISHED = 1u << 6,
    ASY__W_WRITING = 1u << 7,
    ASY__W_BUFFER_PROCESSING = 1u << 8,
    ASY__W_PREFINISHED = 1u << 9,
    ASY__W_ALL_NOOP = 1u << 10,
    ASY__W_EXPECT_WRITE_CB = 1u << 11,
    ASY__W_AFTER_WRITE_PENDING = 1u << 12,
    ASY__W_AFTER_WRITE_TICK_INFO = 1u << 13,
    ASY__W_FINAL_WAIT = 1u << 14 /* _final running, awaiting its done */
};

/* Events, for the emitters. */
enum {
    ASY__EV_DATA,
    ASY__EV_READABLE,
    ASY__EV_END,
    ASY__EV_ERROR,
    ASY__EV_DRAIN,
    ASY__EV_FINISH,
    ASY__EV_PAUSE,
    ASY__EV_RESUME
};

/* Whether an 'error' now would reach someone: the user's on_error, a
 * library listener that handles errors (pipeline, finished, fetch...; not
 * pipe's, which like Node's only unpipes) or an async reader. */
ASY__INTERNAL int asy__stream_error_listened(const asy_stream_t *s);
ASY__INTERNAL int asy__pipe_is_dst_listener(const asy__stream_listener *l);
/* For layers whose streams' errors are optional (ASY__STREAM_ERROR_OPTIONAL). */
static inline void asy__stream_errors_optional(asy_stream_t *s) {
    s->sflags_ |= ASY__STREAM_ERROR_OPTIONAL;
}

/* A listener the library itself attaches (pipe, pipeline, finished, the
 * async reader): Node's EventEmitter listeners, minus the strings. */
typedef struct asy__stream_listener_vt {
    void (*on_data)(asy__stream_listener *l, asy_stream_t *s, const asy_buf_t *chunk);
    void (*on_readable)(asy__stream_listener *l, asy_stream_t *s);
    void (*on_end)(asy__stream_listener *l, asy_stream_t *s);
    void (*on_error)(asy__stream_listener *l, asy_stream_t *s, int err);
    void (*on_drain)(asy__stream_listener *l, asy_stream_t *s);
    void (*on_finish)(asy__stream_listener *l, asy_stream_t *s);
    /* The listener is already detached when this runs. */
    void (*on_close)(asy__stream_listener *l, asy_stream_t *s);
} asy__stream_listener_vt;

/* An emission in progress walks the listener list with one of these on
 * the C stack, so a listener may detach itself or any other meanwhile. */
struct asy__stream_cursor {
    asy__queue *next;
    struct asy__stream_cursor *up;
};

/* A buffered write. */
struct asy__stream_wreq {
    asy_buf_t chunk;
    asy_stream_cb cb;
    void *arg;
};

/* The callbacks of the writes one writev carried. */
struct asy__stream_cbent {
    asy_stream_cb cb;
    void *arg;
};
struct asy__stream_cblist {
    size_t n;
    struct asy__stream_cbent *items; /* in the same allocation */
};

/* Node's afterWriteTickInfo: synchronous completions of writes with the
 * same callback share one nextTick. */
struct asy__stream_awinfo {
    asy_stream_t *s;
    asy_stream_cb cb;
    void *arg;
    struct asy__stream_cblist *list;
    size_t count;
};

struct asy__stream_endcb {
    asy_stream_cb cb;
    void *arg;
};

#define ASY__STREAM_DEFAULT_HWM 16384u
#define ASY__STREAM_DEFAULT_OBJ_HWM 16u
/* read(n) may raise the highWaterMark up to this (Node's MAX_HWM). */
#define ASY__STREAM_MAX_HWM ((size_t)0x40000000u)

/* core.c */
ASY__INTERNAL int asy__stream_init(asy_loop_t *loop, asy_stream_t *s, const asy_stream_impl_t *impl,
                                   const asy_stream_opts_t *o, unsigned kind);
/* A nextTick running fn(arg) that counts against s (see core.c). */
ASY__INTERNAL void asy__stream_tick_arg(asy_stream_t *s, asy_fn fn, void *arg);
ASY__INTERNAL void asy__stream_tick(asy_stream_t *s, asy_fn fn);
ASY__INTERNAL void asy__stream_tick_done(asy_stream_t *s);
ASY__INTERNAL void asy__stream_emit(asy_stream_t *s, int ev, const asy_buf_t *chunk, int err);
ASY__INTERNAL void asy__stream_listen(asy_stream_t *s, asy__stream_listener *l,
                                      const asy__stream_listener_vt *vt);
ASY__INTERNAL void asy__stream_unlisten(asy_stream_t *s, asy__stream_listener *l);
ASY__INTERNAL void asy__stream_error_or_destroy(asy_stream_t *s, int err, int sync);
ASY__INTERNAL void asy__stream_set_error(asy_stream_t *s, int err);
/* Runs cb(s, status, arg) on a nextTick (allocates; NULL cb is a no-op). */
ASY__INTERNAL void asy__stream_defer_cb(asy_stream_t *s, asy_stream_cb cb, void *arg, int status);
ASY__INTERNAL size_t asy__stream_pick_hwm(const asy_stream_opts_t *o, size_t side, int object);

/* readable.c */
ASY__INTERNAL void asy__readable_init(asy_stream_t *s, const asy_stream_opts_t *o);
ASY__INTERNAL int asy__readable_read(asy_stream_t *s, size_t n, asy_buf_t *out);
ASY__INTERNAL int asy__readable_add(asy_stream_t *s, asy_buf_t *chunk, int unshift);
ASY__INTERNAL void asy__readable_eof(asy_stream_t *s);
ASY__INTERNAL void asy__readable_resume(asy_stream_t *s);
ASY__INTERNAL void asy__readable_pause(asy_stream_t *s);
ASY__INTERNAL void asy__readable_data_listener(asy_stream_t *s, int delta);
ASY__INTERNAL void asy__readable_readable_listener(asy_stream_t *s, int delta);
ASY__INTERNAL void asy__readable_on_constructed(asy_stream_t *s);
ASY__INTERNAL int asy__readable_finished(const asy_stream_t *s, int strict);
ASY__INTERNAL void asy__readable_release(asy_stream_t *s);

/* writable.c */
ASY__INTERNAL void asy__writable_init(asy_stream_t *s, const asy_stream_opts_t *o);
ASY__INTERNAL int asy__writable_write(asy_stream_t *s, asy_buf_t *chunk, int made,
                                      asy_stream_cb cb, void *arg);
ASY__INTERNAL int asy__writable_end(asy_stream_t *s, asy_stream_cb cb, void *arg);
ASY__INTERNAL void asy__writable_on_constructed(asy_stream_t *s);
ASY__INTERNAL void asy__writable_destroying(asy_stream_t *s);
ASY__INTERNAL int asy__writable_finished(const asy_stream_t *s, int strict);
ASY__INTERNAL void asy__writable_release(asy_stream_t *s);
/* Node's .writable / .readable getters. */
ASY__INTERNAL int asy__writable_is_writable(const asy_stream_t *s);
ASY__INTERNAL int asy__readable_is_readable(const asy_stream_t *s);

/* transform.c */
ASY__INTERNAL void asy__transform_write(asy_stream_t *s, const asy_buf_t *chunk);
ASY__INTERNAL void asy__transform_read(asy_stream_t *s);
ASY__INTERNAL void asy__transform_final(asy_stream_t *s);

/* pipe.c: allocation and start are apart so pipeline cannot half-fail. */
typedef struct asy__pipe asy__pipe;
ASY__INTERNAL void asy__pipe_clear_await(asy_stream_t *src);
ASY__INTERNAL asy__pipe *asy__pipe_new(void);
ASY__INTERNAL void asy__pipe_begin(asy__pipe *p, asy_stream_t *src, asy_stream_t *dst, int do_end);

/* finished.c: Node's eos with explicit sides; cb(s, status, arg) once. */
typedef struct asy__eos asy__eos;
ASY__INTERNAL asy__eos *asy__eos_start(asy_stream_t *s, int readable, int writable,
                                       asy_stream_cb cb, void *arg);
ASY__INTERNAL asy__eos *asy__eos_new(void);
ASY__INTERNAL void asy__eos_begin(asy__eos *e, asy_stream_t *s, int readable, int writable,
                                  asy_stream_cb cb, void *arg);
/* Forgets cb (Node's cleanup()); the watcher frees itself. */
ASY__INTERNAL void asy__eos_cancel(asy__eos *e);
