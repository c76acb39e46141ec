/* Diagnostics: the C counterparts of process.report, --report-on-signal
 * and the "don't block the event loop" advice (docs/diag.md).
 *
 * asy_loop_report writes one JSON document about a loop: its counters and
 * utilization, every open handle with the file:line that created it, the
 * timers in due order, the immediate / nextTick / microtask queues, the
 * thread pool's queue depths, the loop-lag histogram and the process's
 * memory usage.  Call it from the loop's thread. */
#pragma once
#include "../loop/handle.h"
ASYNCRT_API int asy_loop_report(asy_loop_t *loop, FILE *out);

/* --report-on-signal: while enabled, the signal (0: SIGUSR2, as Node)
 * makes the loop write a report from its poll phase.  It goes to `out` when
 * set, else to a new file directory/report.YYYYMMDD.HHMMSS.PID.0.SEQ.json
 * (directory NULL: the current directory), Node's name.  The watcher does
 * not keep the loop alive.  Enabling again replaces the settings. */
typedef struct {
    int signum;
    const char *directory; /* copied */
    FILE *out;
    /* called after each report with its file name (NULL when written to
     * out) and the result (0 or a negative code) */
    void (*on_report)(void *arg, const char *filename, int status);
    void *arg;
} asy_report_signal_opts_t;
ASYNCRT_API int asy_loop_report_on_signal(asy_loop_t *loop, const asy_report_signal_opts_t *opts);
ASYNCRT_API int asy_loop_report_on_signal_stop(asy_loop_t *loop);

/* Slow-callback warning: a callback (with the nextTicks and microtasks it
 * queued) that keeps the loop busy for threshold_ms or more is reported
 * after it returns -- its kind, the file:line that created its handle or
 * stream when it has one, the function's address, and how long it took.
 * fn NULL prints one line to stderr:
 *   asyncrt: slow callback: timer created at app.c:42 (fn 0x55d0c0a1b2c0)
 *   blocked the loop for 212.4 ms
 * threshold_ms 0 turns the watch off.  Off, it costs the loop a load and a
 * branch per callback; on, two clock reads. */
typedef struct {
    const char *kind; /* "timer", "setTimeout", "setImmediate", "check",
                         "poll", "stream event", "pending"... or NULL */
    const char *file; /* creation site, or NULL when unknown */
    int line;
    void (*fn)(void); /* the callback, or NULL when unknown */
    double ms;        /* how long the loop was blocked */
} asy_slow_callback_t;
typedef void (*asy_slow_callback_fn)(void *arg, const asy_slow_callback_t *info);
ASYNCRT_API int asy_loop_slow_callback_warning(asy_loop_t *loop, double threshold_ms,
                                               asy_slow_callback_fn fn, void *arg);
