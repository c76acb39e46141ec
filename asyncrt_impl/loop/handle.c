#include "loop.internal.h"
#include "../base/errors.h"
#include "../base/queue.h"
#include "../base/thread.internal.h"
/* The classes of handle types added by layers above the loop, by type id,
 * for asy_handle_type_name.  Process-wide and written only with the same
 * value for a given id (a class is a static const object), so a relaxed
 * atomic store is all the care it needs. */
static const asy__handle_class *asy__handle_classes[ASY_HANDLE_TYPE_LIMIT];

ASY__INTERNAL void asy__handle_init(asy_loop_t *loop, asy_handle_t *h,
                                    const asy__handle_class *cls, const char *file, int line) {
    unsigned t = (unsigned)cls->type;
    ASYNCRT_ASSERT(t > ASY_HANDLE_UNKNOWN && t < ASY_HANDLE_TYPE_LIMIT);
    if (t >= ASY_HANDLE_TYPE_MAX && !asy__atomic_load(&asy__handle_classes[t], ASY__RELAXED))
        asy__atomic_store(&asy__handle_classes[t], cls, ASY__RELAXED);
    h->loop = loop;
    h->type = cls->type;
    h->class_ = cls;
    h->flags_ = ASY__H_REF;
    h->close_cb_ = NULL;
    h->origin_file_ = file;
    h->origin_line_ = line;
    asy__queue_init(&h->closing_link_);
    asy__queue_insert_tail(&loop->handles_, &h->handle_link_);
}

/* 0, also for a handle already closing or closed; ASY_EINVAL for NULL or a
 * handle no *_init call set up (a zeroed struct has no loop). */
ASYNCRT_API int asy_close(asy_handle_t *h, asy_close_cb cb) {
    if (!h || !h->loop || h->type == ASY_HANDLE_UNKNOWN || !h->class_) return ASY_EINVAL;
    if (h->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) return 0;
    h->flags_ |= ASY__H_CLOSING;
    h->close_cb_ = cb;
    if (h->class_->close) h->class_->close(h);
    asy__handle_stop(h);
    asy__queue_insert_tail(&h->loop->closing_, &h->closing_link_);
    return 0;
}

/* The close phase.  Handles closed by these callbacks wait for the next
 * iteration, as in libuv. */
ASY__INTERNAL void asy__run_closing(asy_loop_t *loop) {
    asy__queue q;
    asy__queue_init(&q);
    asy__queue_move(&loop->closing_, &q);
    while (!asy__queue_empty(&q)) {
        asy_handle_t *h = ASY_CONTAINER_OF(asy__queue_head(&q), asy_handle_t, closing_link_);
        asy__queue_remove(&h->closing_link_);
        if (h->class_->finish_close) h->class_->finish_close(h);
        asy__queue_remove(&h->handle_link_);
        h->flags_ = (h->flags_ & ~(unsigned)ASY__H_CLOSING) | ASY__H_CLOSED;
        if (h->close_cb_) {
            h->close_cb_(h);
            asy__after_cb(loop);
        }
    }
}

ASYNCRT_API int asy_is_closing(const asy_handle_t *h) {
    return h && (h->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) != 0;
}

ASYNCRT_API int asy_is_active(const asy_handle_t *h) { return h && asy__handle_active(h); }

ASYNCRT_API void asy_ref(asy_handle_t *h) {
    if (!h || (h->flags_ & ASY__H_REF)) return;
    h->flags_ |= ASY__H_REF;
    if (h->flags_ & ASY__H_ACTIVE) h->loop->active_handles_++;
}

ASYNCRT_API void asy_unref(asy_handle_t *h) {
    if (!h || !(h->flags_ & ASY__H_REF)) return;
    h->flags_ &= ~(unsigned)ASY__H_REF;
    if (h->flags_ & ASY__H_ACTIVE) h->loop->active_handles_--;
}

ASYNCRT_API int asy_has_ref(const asy_handle_t *h) { return h && (h->flags_ & ASY__H_REF) != 0; }

ASYNCRT_API const char *asy_handle_type_name(asy_handle_type_t type) {
    static const char *const names[] = {"unknown", "timer",   "idle",    "prepare", "check",
                                        "async",   "signal",  "poll",    "tcp",     "udp",
                                        "pipe",    "tty",     "process", "fs_watch", "stream",
                                        "ipc"};
    unsigned i = (unsigned)type;
    const asy__handle_class *cls;
    if (i < ASY_ARRAY_SIZE(names)) return names[i];
    if (i >= ASY_HANDLE_TYPE_LIMIT) return "unknown";
    cls = asy__atomic_load(&asy__handle_classes[i], ASY__RELAXED);
    return cls ? cls->name : "unknown";
}

ASYNCRT_API void asy_loop_walk(asy_loop_t *loop, void (*fn)(asy_handle_t *h, void *arg),
                               void *arg) {
    asy__queue *q, *next;
    if (!asy__loop_live(loop) || !fn) return;
    for (q = loop->handles_.next; q != &loop->handles_; q = next) {
        asy_handle_t *h = ASY_CONTAINER_OF(q, asy_handle_t, handle_link_);
        next = q->next;
        if (!(h->flags_ & ASY__H_INTERNAL)) fn(h, arg);
    }
}

ASYNCRT_API int asy_loop_print_handles(asy_loop_t *loop, FILE *out) {
    asy__queue *q;
    int n = 0;
    if (!asy__loop_live(loop)) return ASY_EINVAL;
    ASY__QUEUE_FOREACH(q, &loop->handles_) {
        asy_handle_t *h = ASY_CONTAINER_OF(q, asy_handle_t, handle_link_);
        if (h->flags_ & ASY__H_INTERNAL) continue;
        n++;
        if (out)
            fprintf(out, "[%c%c%c] %-8s %p created at %s:%d\n",
                    (h->flags_ & ASY__H_REF) ? 'R' : '-', (h->flags_ & ASY__H_ACTIVE) ? 'A' : '-',
                    (h->flags_ & ASY__H_CLOSING) ? 'C' : '-', h->class_->name,
                    (void *)h, h->origin_file_ ? h->origin_file_ : "?", h->origin_line_);
    }
    return n;
}
