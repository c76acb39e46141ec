/* perf_hooks: Node's performance.mark / measure / getEntriesByName, a
 * PerformanceObserver, performance.timerify, and process.memoryUsage().
 *
 * Times are milliseconds (double) since the loop's time origin, the
 * moment asy_loop_init ran (performance.timeOrigin), measured with
 * asy_hrtime.  Marks and measures go into the loop's timeline (its
 * performance entry buffer); 'function' entries from timerify go only to
 * observers, as in Node.  Names are copied.  Everything is per loop and
 * runs on the loop's thread. */
#pragma once
#include "../base/queue.h"
#include "../loop/handle.h"
typedef enum {
    ASY_PERF_MARK = 1,
    ASY_PERF_MEASURE = 2,
    ASY_PERF_FUNCTION = 4, /* a timerified callback's call */
    ASY_PERF_ALL = 7
} asy_perf_entry_type_t;

typedef struct {
    const char *name;
    asy_perf_entry_type_t type;
    double start_time; /* ms since the time origin */
    double duration;   /* ms; 0 for a mark */
} asy_perf_entry_t;

/* performance.now(): ms since the loop's time origin; -1 on a bad loop. */
ASYNCRT_API double asy_perf_now(asy_loop_t *loop);
/* performance.mark(name): a mark at now. */
ASYNCRT_API int asy_perf_mark(asy_loop_t *loop, const char *name);
/* performance.mark(name, { startTime }): start_time >= 0, else ASY_EINVAL. */
ASYNCRT_API int asy_perf_mark_at(asy_loop_t *loop, const char *name, double start_time);
/* performance.measure(name, startMark, endMark): from the latest mark
 * named start_mark (NULL: the time origin) to the latest mark named
 * end_mark (NULL: now).  ASY_ENOENT when a named mark does not exist
 * (Node throws).  With out non-NULL the new entry is copied there (its
 * name stays valid as long as the entry). */
ASYNCRT_API int asy_perf_measure(asy_loop_t *loop, const char *name, const char *start_mark,
                                 const char *end_mark, asy_perf_entry_t *out);
/* getEntries / getEntriesByName / getEntriesByType in one: entries of the
 * timeline whose type is in `types` (a mask; 0 means all) and, when name
 * is non-NULL, with that name, in start-time order.  Copies up to max of
 * them to out and returns how many matched (so max 0 counts).  The names
 * stay valid until the entries are cleared or the loop closes. */
ASYNCRT_API size_t asy_perf_get_entries_by_name(asy_loop_t *loop, const char *name,
                                                unsigned types, asy_perf_entry_t *out,
                                                size_t max);
/* clearMarks(name) / clearMeasures(name): NULL clears all of that type. */
ASYNCRT_API void asy_perf_clear_marks(asy_loop_t *loop, const char *name);
ASYNCRT_API void asy_perf_clear_measures(asy_loop_t *loop, const char *name);

/* PerformanceObserver: observe(types) collects every new entry of those
 * types and delivers them in one batch from an immediate (the check phase),
 * as Node does; the batch and its names are valid during the callback.
 * The observer is caller-owned; disconnect it (or close the loop) before
 * freeing it.  Observing again changes the types and keeps the batch. */
typedef struct asy_perf_observer_s asy_perf_observer_t;
typedef void (*asy_perf_observer_cb)(asy_perf_observer_t *obs, const asy_perf_entry_t *entries,
                                     size_t n, void *arg);
struct asy_perf_observer_s {
    void *data; /* for the caller */
    /* -- private -- */
    asy_loop_t *loop_;
    unsigned types_;
    asy_perf_observer_cb cb_;
    void *arg_;
    asy__queue link_;
    asy_perf_entry_t *batch_;
    size_t n_, cap_;
    int queued_; /* waits for the delivery immediate */
};
ASYNCRT_API int asy_perf_observe(asy_loop_t *loop, asy_perf_observer_t *obs, unsigned types,
                                 asy_perf_observer_cb cb, void *arg);
/* Stops observing and drops entries not yet delivered.  0, or ASY_EINVAL
 * for an observer that is not observing. */
ASYNCRT_API int asy_perf_disconnect(asy_perf_observer_t *obs);

/* performance.timerify(fn): wraps a callback so each call is timed.
 *
 *   asy_perf_timerified_t t;
 *   asy_perf_timerify(&t, loop, "parse", parse_cb, arg);
 *   asy_set_timeout(loop, asy_perf_timerified_call, &t, 10);
 *
 * asy_perf_timerified_call is an asy_fn: pass it with &t wherever a
 * callback is taken.  Each call runs fn(arg), adds a 'function' entry
 * (name, start, duration) for the loop's observers and updates the
 * counters below (the histogram Node offers, reduced to what C users read). */
typedef struct {
    /* -- read-only for the caller -- */
    uint64_t calls;
    double total_ms, max_ms, last_ms;
    /* -- private -- */
    asy_loop_t *loop_;
    char *name_;
    asy_fn fn_;
    void *arg_;
} asy_perf_timerified_t;
/* The name is copied; release it with asy_perf_timerify_free. */
ASYNCRT_API int asy_perf_timerify(asy_perf_timerified_t *t, asy_loop_t *loop, const char *name,
                                  asy_fn fn, void *arg);
ASYNCRT_API void asy_perf_timerified_call(void *timerified);
ASYNCRT_API void asy_perf_timerify_free(asy_perf_timerified_t *t);

/* process.memoryUsage(), for C:
 *   rss            resident set size of the process (bytes)
 *   heap_used      bytes the library holds through its allocator hooks
 *                  (ASYNCRT_MALLOC & co.), all threads; -1 if the
 *                  allocator cannot tell block sizes (see ASYNCRT_MALLOC_SIZE)
 *   heap_blocks    live blocks of those; -1 likewise
 *   array_buffers  bytes behind live asy_buf_t storage (Node's arrayBuffers)
 *   external       of those, the caller's memory wrapped by
 *                  asy_buf_from_external (not counted in heap_used) */
typedef struct {
    uint64_t rss;
    int64_t heap_used;
    int64_t heap_blocks;
    int64_t array_buffers;
    int64_t external;
} asy_memory_usage_t;
ASYNCRT_API int asy_memory_usage(asy_memory_usage_t *out);
