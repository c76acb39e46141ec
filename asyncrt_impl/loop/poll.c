#include "loop.internal.h"
#include "../base/errors.h"
static void asy__poll_io_cb(asy_loop_t *loop, asy__io *io, unsigned revents) {
    asy_poll_t *h = ASY_CONTAINER_OF(io, asy_poll_t, io_);
    unsigned ev = revents & h->io_.events;
    /* An error or hang-up condition is reported as the events the caller
     * asked for, so its next read or write surfaces the error (libuv): all
     * of them, since the condition stays until the fd is stopped, and a
     * caller who never hears of it would have the loop spin. */
    if (revents & ASY__IO_ERR)
        ev |= h->io_.events & (ASY_READABLE | ASY_WRITABLE | ASY_DISCONNECT | ASY_PRIORITIZED);
    if (ev) {
        asy__cb_site(loop, NULL, (asy_handle_t *)h, (void (*)(void))h->cb_);
        h->cb_(h, 0, ev);
    }
}

static void asy__poll_close(asy_handle_t *h) { asy_poll_stop((asy_poll_t *)h); }
static const asy__handle_class asy__poll_class = {ASY_HANDLE_POLL, "poll", asy__poll_close, NULL};

ASYNCRT_API int asy_poll_init_at(asy_loop_t *loop, asy_poll_t *h, asy_os_sock_t fd, const char *file,
                                 int line) {
    if (!asy__loop_live(loop) || !h || fd < 0) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)h, &asy__poll_class, file, line);
    h->cb_ = NULL;
    asy__io_init(&h->io_, fd, asy__poll_io_cb);
    return 0;
}

ASYNCRT_API int asy_poll_start(asy_poll_t *h, unsigned events, asy_poll_cb cb) {
    int r;
    unsigned all = ASY_READABLE | ASY_WRITABLE | ASY_DISCONNECT | ASY_PRIORITIZED;
    if (!h || !cb || (events & ~all) || (h->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)))
        return ASY_EINVAL;
    asy__io_stop(h->loop, &h->io_, all & ~events);
    if (events == 0) {
        asy__handle_stop((asy_handle_t *)h);
        return 0;
    }
    r = asy__io_start(h->loop, &h->io_, events);
    if (r) return r;
    h->cb_ = cb;
    asy__handle_start((asy_handle_t *)h);
    return 0;
}

ASYNCRT_API int asy_poll_stop(asy_poll_t *h) {
    if (!h) return ASY_EINVAL;
    asy__io_close(h->loop, &h->io_);
    asy__handle_stop((asy_handle_t *)h);
    return 0;
}
