/* The promise forms (node:stream/promises): the callback settles a promise
 * the library holds one reference of. */
#include "pipeline.h"
#include "../base/sys.internal.h"
#include "../promise/promise.h"

ASY__INTERNAL void asy__stream_settle(asy_promise_t *p, int status) {
    if (status)
        asy_promise_reject(p, status, asy_strerror(status));
    else
        asy_promise_resolve(p, NULL);
    asy_promise_release(p);
}

ASY__INTERNAL void asy__pipeline_promise_cb(asy_stream_t *last, int status, void *arg) {
    (void)last;
    asy__stream_settle((asy_promise_t *)arg, status);
}

ASYNCRT_API asy_promise_t *asy_pipelinep(asy_stream_t *const *streams, size_t n) {
    asy_promise_t *p;
    if (!streams || n < 2 || !streams[0]) return NULL;
    if (!(p = asy_promise_new(streams[0]->loop))) return NULL;
    asy_promise_retain(p); /* the callback's */
    if (asy_pipeline(streams, n, asy__pipeline_promise_cb, p) < 0) {
        asy_promise_release(p);
        asy_promise_release(p);
        return NULL;
    }
    return p;
}

ASY__INTERNAL void asy__finished_promise_cb(asy_stream_t *s, int status, void *arg) {
    (void)s;
    asy__stream_settle((asy_promise_t *)arg, status);
}

ASYNCRT_API asy_promise_t *asy_finishedp(asy_stream_t *s) {
    asy_promise_t *p;
    if (!s) return NULL;
    if (!(p = asy_promise_new(s->loop))) return NULL;
    asy_promise_retain(p);
    if (asy_finished(s, asy__finished_promise_cb, p) < 0) {
        asy_promise_release(p);
        asy_promise_release(p);
        return NULL;
    }
    return p;
}
