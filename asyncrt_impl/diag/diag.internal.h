/* Per-loop state of the diag layer (loop->layers_[ASY__LAYER_DIAG]). */
#pragma once
#include "diag.h"
#include "../base/sys.internal.h"
#include "../loop/handle.h"
#include "../loop/signal.h"
typedef struct {
    asy_loop_t *loop;
    /* report on signal */
    int sig_on;
    asy_signal_t sig;
    char *directory;
    FILE *out;
    void (*on_report)(void *arg, const char *filename, int status);
    void *report_arg;
    unsigned seq;
    /* slow-callback watch */
    uint64_t slow_ns;
    asy_slow_callback_fn slow_fn;
    void *slow_arg;
} asy__diag_state;

ASY__INTERNAL asy__diag_state *asy__diag_st(asy_loop_t *loop);

/* A tiny JSON writer over a FILE: enough for the report. */
typedef struct {
    FILE *f;
    int depth;
    int first; /* no member written yet at this depth */
} asy__jw;
ASY__INTERNAL void asy__diag_jw_open(asy__jw *w, const char *key, char brace);
ASY__INTERNAL void asy__diag_jw_close(asy__jw *w, char brace);
ASY__INTERNAL void asy__diag_jw_str(asy__jw *w, const char *key, const char *v);
ASY__INTERNAL void asy__diag_jw_u64(asy__jw *w, const char *key, uint64_t v);
ASY__INTERNAL void asy__diag_jw_i64(asy__jw *w, const char *key, int64_t v);
ASY__INTERNAL void asy__diag_jw_num(asy__jw *w, const char *key, double v);
ASY__INTERNAL void asy__diag_jw_bool(asy__jw *w, const char *key, int v);

/* Defined in report.c, used by signal.c. */
static int asy__report_write(asy_loop_t *loop, FILE *out, const char *trigger);
