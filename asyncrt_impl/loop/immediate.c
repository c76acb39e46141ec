/* Node's setImmediate: the check phase's queue.  Entries come from a
 * per-loop slot pool, so ids carry a generation and a stale id is
 * harmless. */
#include "loop.internal.h"
#include "slots.internal.h"
#include "../base/queue.h"
#include "immediate.h"

typedef struct asy__immediate {
    asy__slot slot; /* must be first */
    asy_fn cb;
    void *arg;
    asy__queue link;
} asy__immediate;

ASY__INTERNAL void asy__immediates_init(asy_loop_t *loop) {
    asy__slots_init(&loop->immediates_, sizeof(asy__immediate));
}

ASY__INTERNAL void asy__immediates_free(asy_loop_t *loop) {
    asy__slots_free(&loop->immediates_);
    asy__queue_init(&loop->immediate_q_);
    loop->immediate_refs_ = 0;
}

ASYNCRT_API asy_immediate_id_t asy_set_immediate(asy_loop_t *loop, asy_fn cb, void *arg) {
    asy_immediate_id_t id;
    asy__immediate *im;
    id.id = 0;
    if (!asy__loop_live(loop) || !cb) return id;
    im = (asy__immediate *)(void *)asy__slots_alloc(&loop->immediates_);
    if (!im) return id;
    im->cb = cb;
    im->arg = arg;
    asy__queue_insert_tail(&loop->immediate_q_, &im->link);
    loop->immediate_refs_++;
    id.id = asy__slot_id(&im->slot);
    return id;
}

ASYNCRT_API int asy_clear_immediate(asy_loop_t *loop, asy_immediate_id_t id) {
    asy__immediate *im;
    if (!loop) return ASY_EINVAL;
    im = (asy__immediate *)(void *)asy__slots_lookup(&loop->immediates_, id.id);
    if (!im) return ASY_ENOENT;
    asy__queue_remove(&im->link);
    loop->immediate_refs_--;
    asy__slots_release(&loop->immediates_, &im->slot);
    return 0;
}

/* The check phase's immediates: those queued before the phase started; the
 * ones they queue wait for the next iteration (Node). */
ASY__INTERNAL void asy__run_immediates(asy_loop_t *loop) {
    asy__queue q;
    if (asy__queue_empty(&loop->immediate_q_)) return;
    asy__queue_init(&q);
    asy__queue_move(&loop->immediate_q_, &q);
    while (!asy__queue_empty(&q)) {
        asy__immediate *im = ASY_CONTAINER_OF(asy__queue_head(&q), asy__immediate, link);
        asy_fn cb = im->cb;
        void *arg = im->arg;
        asy__queue_remove(&im->link);
        loop->immediate_refs_--;
        asy__slots_release(&loop->immediates_, &im->slot);
        asy__cb_site(loop, "setImmediate", NULL, (void (*)(void))cb);
        cb(arg);
        asy__after_cb(loop);
    }
}
