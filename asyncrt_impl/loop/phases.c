#include "loop.internal.h"
#include "../base/errors.h"
#include "../base/queue.h"
static asy__queue *asy__phase_list(asy_phase_t *h) {
    switch (h->type) {
        case ASY_HANDLE_IDLE:
            return &h->loop->idle_;
        case ASY_HANDLE_PREPARE:
            return &h->loop->prepare_;
        default:
            return &h->loop->check_;
    }
}

static void asy__phase_class_close(asy_handle_t *h) { asy__phase_close((asy_phase_t *)h); }
static const asy__handle_class asy__idle_class = {ASY_HANDLE_IDLE, "idle", asy__phase_class_close,
                                                  NULL};
static const asy__handle_class asy__prepare_class = {ASY_HANDLE_PREPARE, "prepare",
                                                     asy__phase_class_close, NULL};
static const asy__handle_class asy__check_class = {ASY_HANDLE_CHECK, "check",
                                                   asy__phase_class_close, NULL};

static int asy__phase_init(asy_loop_t *loop, asy_phase_t *h, const asy__handle_class *cls,
                           const char *file, int line) {
    if (!asy__loop_live(loop) || !h) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)h, cls, file, line);
    h->cb_ = NULL;
    asy__queue_init(&h->phase_link_);
    return 0;
}

static int asy__phase_start(asy_phase_t *h, asy_phase_cb cb, asy_handle_type_t type) {
    if (!h || !cb || h->type != type || (h->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)))
        return ASY_EINVAL;
    h->cb_ = cb;
    if (asy__handle_active((asy_handle_t *)h)) return 0;
    asy__queue_insert_tail(asy__phase_list(h), &h->phase_link_);
    asy__handle_start((asy_handle_t *)h);
    return 0;
}

static int asy__phase_stop(asy_phase_t *h, asy_handle_type_t type) {
    if (!h || h->type != type) return ASY_EINVAL;
    asy__queue_remove(&h->phase_link_);
    asy__handle_stop((asy_handle_t *)h);
    return 0;
}

ASY__INTERNAL void asy__phase_close(asy_phase_t *h) {
    asy__queue_remove(&h->phase_link_);
    asy__handle_stop((asy_handle_t *)h);
}

ASYNCRT_API int asy_idle_init_at(asy_loop_t *loop, asy_idle_t *h, const char *file, int line) {
    return asy__phase_init(loop, h, &asy__idle_class, file, line);
}
ASYNCRT_API int asy_prepare_init_at(asy_loop_t *loop, asy_prepare_t *h, const char *file,
                                    int line) {
    return asy__phase_init(loop, h, &asy__prepare_class, file, line);
}
ASYNCRT_API int asy_check_init_at(asy_loop_t *loop, asy_check_t *h, const char *file, int line) {
    return asy__phase_init(loop, h, &asy__check_class, file, line);
}
ASYNCRT_API int asy_idle_start(asy_idle_t *h, asy_phase_cb cb) {
    return asy__phase_start(h, cb, ASY_HANDLE_IDLE);
}
ASYNCRT_API int asy_idle_stop(asy_idle_t *h) { return asy__phase_stop(h, ASY_HANDLE_IDLE); }
ASYNCRT_API int asy_prepare_start(asy_prepare_t *h, asy_phase_cb cb) {
    return asy__phase_start(h, cb, ASY_HANDLE_PREPARE);
}
ASYNCRT_API int asy_prepare_stop(asy_prepare_t *h) {
    return asy__phase_stop(h, ASY_HANDLE_PREPARE);
}
ASYNCRT_API int asy_check_start(asy_check_t *h, asy_phase_cb cb) {
    return asy__phase_start(h, cb, ASY_HANDLE_CHECK);
}
ASYNCRT_API int asy_check_stop(asy_check_t *h) { return asy__phase_stop(h, ASY_HANDLE_CHECK); }
