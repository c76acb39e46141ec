/* The loop's performance timeline: marks and measures (perf.h). */
#include "perf.h"
#include "perf.internal.h"
#include "../base/time.h"
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../loop/handle.h"
#include "../loop/loop.h"
#include "../loop/loop.internal.h"

static void asy__perf_close(asy_loop_t *loop, void *state) {
    asy__perf_state *st = (asy__perf_state *)state;
    size_t i;
    asy__perf_observers_close(st);
    for (i = 0; i < st->n; i++) asy__free((void *)st->entries[i].name);
    asy__free(st->entries);
    asy__free(st);
    loop->layers_[ASY__LAYER_PERF].state = NULL;
    loop->layers_[ASY__LAYER_PERF].close = NULL;
}

ASY__INTERNAL asy__perf_state *asy__perf_st(asy_loop_t *loop) {
    asy__perf_state *st = (asy__perf_state *)loop->layers_[ASY__LAYER_PERF].state;
    if (st) return st;
    st = ASY__NEW(asy__perf_state);
    if (!st) return NULL;
    memset(st, 0, sizeof(*st));
    st->loop = loop;
    asy__queue_init(&st->observers);
    loop->layers_[ASY__LAYER_PERF].state = st;
    loop->layers_[ASY__LAYER_PERF].close = asy__perf_close;
    return st;
}

ASYNCRT_API double asy_perf_now(asy_loop_t *loop) {
    if (!asy__loop_live(loop)) return -1.0;
    return asy__perf_ms(loop, asy_hrtime());
}

static int asy__perf_add(asy_loop_t *loop, const char *name, asy_perf_entry_type_t type,
                         double start, double duration, asy_perf_entry_t *out) {
    asy__perf_state *st = asy__perf_st(loop);
    asy_perf_entry_t *e;
    char *copy;
    if (!st) return ASY_ENOMEM;
    if (st->n == st->cap) {
        size_t ncap = st->cap ? st->cap * 2 : 16;
        asy_perf_entry_t *ne;
        if (ncap > SIZE_MAX / sizeof(*ne)) return ASY_ENOMEM;
        ne = (asy_perf_entry_t *)asy__realloc(st->entries, ncap * sizeof(*ne));
        if (!ne) return ASY_ENOMEM;
        st->entries = ne;
        st->cap = ncap;
    }
    copy = asy__strdup(name);
    if (!copy) return ASY_ENOMEM;
    e = &st->entries[st->n++];
    e->name = copy;
    e->type = type;
    e->start_time = start;
    e->duration = duration;
    if (out) *out = *e;
    asy__perf_enqueue(st, e);
    return 0;
}

ASYNCRT_API int asy_perf_mark_at(asy_loop_t *loop, const char *name, double start_time) {
    if (!asy__loop_live(loop) || !name || !(start_time >= 0)) return ASY_EINVAL;
    return asy__perf_add(loop, name, ASY_PERF_MARK, start_time, 0, NULL);
}

ASYNCRT_API int asy_perf_mark(asy_loop_t *loop, const char *name) {
    if (!asy__loop_live(loop) || !name) return ASY_EINVAL;
    return asy__perf_add(loop, name, ASY_PERF_MARK, asy__perf_ms(loop, asy_hrtime()), 0, NULL);
}

/* The latest mark of that name (Node looks marks up in its map, where a
 * later mark of the same name replaces the earlier one). */
static const asy_perf_entry_t *asy__perf_find_mark(const asy__perf_state *st, const char *name) {
    size_t i;
    if (!st) return NULL;
    for (i = st->n; i-- > 0;)
        if (st->entries[i].type == ASY_PERF_MARK && strcmp(st->entries[i].name, name) == 0)
            return &st->entries[i];
    return NULL;
}

ASYNCRT_API int asy_perf_measure(asy_loop_t *loop, const char *name, const char *start_mark,
                                 const char *end_mark, asy_perf_entry_t *out) {
    const asy__perf_state *st;
    double start = 0, end;
    if (!asy__loop_live(loop) || !name) return ASY_EINVAL;
    end = asy__perf_ms(loop, asy_hrtime());
    st = (const asy__perf_state *)loop->layers_[ASY__LAYER_PERF].state;
    if (start_mark) {
        const asy_perf_entry_t *m = asy__perf_find_mark(st, start_mark);
        if (!m) return ASY_ENOENT;
        start = m->start_time;
    }
    if (end_mark) {
        const asy_perf_entry_t *m = asy__perf_find_mark(st, end_mark);
        if (!m) return ASY_ENOENT;
        end = m->start_time;
    }
    return asy__perf_add(loop, name, ASY_PERF_MEASURE, start, end - start, out);
}

ASYNCRT_API size_t asy_perf_get_entries_by_name(asy_loop_t *loop, const char *name,
                                                unsigned types, asy_perf_entry_t *out,
                                                size_t max) {
    const asy__perf_state *st;
    size_t i, n = 0;
    if (!asy__loop_live(loop)) return 0;
    st = (const asy__perf_state *)loop->layers_[ASY__LAYER_PERF].state;
    if (!st) return 0;
    if (types == 0) types = ASY_PERF_ALL;
    for (i = 0; i < st->n; i++) {
        const asy_perf_entry_t *e = &st->entries[i];
        if (!((unsigned)e->type & types) || (name && strcmp(e->name, name) != 0)) continue;
        if (out && max) {
            /* insertion sort by start time, keeping the max earliest:
             * stable, and the timeline is nearly sorted already (only
             * mark_at and measures of old marks go back in time) */
            size_t j = n;
            if (n >= max) {
                if (!(out[max - 1].start_time > e->start_time)) {
                    n++;
                    continue;
                }
                j = max - 1;
            }
            while (j > 0 && out[j - 1].start_time > e->start_time) {
                out[j] = out[j - 1];
                j--;
            }
            out[j] = *e;
        }
        n++;
    }
    return n;
}

static void asy__perf_clear(asy_loop_t *loop, asy_perf_entry_type_t type, const char *name) {
    asy__perf_state *st;
    size_t i, k = 0;
    if (!asy__loop_live(loop)) return;
    st = (asy__perf_state *)loop->layers_[ASY__LAYER_PERF].state;
    if (!st) return;
    for (i = 0; i < st->n; i++) {
        asy_perf_entry_t *e = &st->entries[i];
        if (e->type == type && (!name || strcmp(e->name, name) == 0)) {
            asy__free((void *)e->name);
            continue;
        }
        st->entries[k++] = *e;
    }
    st->n = k;
}

ASYNCRT_API void asy_perf_clear_marks(asy_loop_t *loop, const char *name) {
    asy__perf_clear(loop, ASY_PERF_MARK, name);
}

ASYNCRT_API void asy_perf_clear_measures(asy_loop_t *loop, const char *name) {
    asy__perf_clear(loop, ASY_PERF_MEASURE, name);
}
