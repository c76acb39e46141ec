/* Channels, ports and messages. */
#include "worker.h"
#include "worker.internal.h"
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../base/thread.internal.h"
#include "../buf/buf.h"
#include "../loop/handle.h"
#include "../loop/async.h"
#include "../loop/loop.internal.h"

ASY__INTERNAL void asy__message_free(asy_message_t *m) {
    if (m->port) asy_port_end_free(m->port);
    asy_buf_release(&m->buf_);
    asy__free(m);
}

static void asy__message_list_free(asy_message_t *m) {
    while (m) {
        asy_message_t *next = m->next_;
        asy__message_free(m);
        m = next;
    }
}

ASYNCRT_API int asy_message_take_buf(asy_message_t *msg, asy_buf_t *out) {
    if (!msg || !out) return ASY_EINVAL;
    if (msg->buf_.store) {
        *out = msg->buf_;
        asy_buf_init(&msg->buf_); /* msg->data stays valid: out owns it now */
        return 0;
    }
    return asy_buf_from_bytes(out, msg->data, msg->len);
}

ASYNCRT_API int asy_channel_open(asy_port_end_t **port1, asy_port_end_t **port2) {
    struct asy__channel *ch;
    int i, r;
    if (!port1 || !port2) return ASY_EINVAL;
    ch = ASY__NEW(struct asy__channel);
    if (!ch) return ASY_ENOMEM;
    memset(ch, 0, sizeof(*ch));
    for (i = 0; i < 2; i++) {
        if ((r = asy__mutex_init(&ch->ends[i].mu)) != 0) {
            if (i) asy__mutex_destroy(&ch->ends[0].mu);
            asy__free(ch);
            return r;
        }
        ch->ends[i].ch = ch;
        ch->ends[i].peer = &ch->ends[1 - i];
    }
    ch->refs = 2;
    *port1 = &ch->ends[0];
    *port2 = &ch->ends[1];
    return 0;
}

/* Closes an end for good: later posts to it are dropped, what it holds is
 * freed, and the channel goes when its other end has gone too. */
static void asy__end_release(asy_port_end_t *e) {
    struct asy__channel *ch = e->ch;
    asy_message_t *list;
    asy__mutex_lock(&e->mu);
    e->closed = 1;
    e->wake = NULL;
    list = e->head;
    e->head = e->tail = NULL;
    e->queued = 0;
    asy__mutex_unlock(&e->mu);
    asy__message_list_free(list); /* may release other channels' ends */
    if (asy__atomic_sub(&ch->refs, 1, ASY__ACQ_REL) == 0) {
        asy__mutex_destroy(&ch->ends[0].mu);
        asy__mutex_destroy(&ch->ends[1].mu);
        asy__free(ch);
    }
}

ASYNCRT_API void asy_port_end_free(asy_port_end_t *end) {
    if (!end || end->attached) return;
    asy__end_release(end);
}

/* ---- the port handle ------------------------------------------------------ */

ASY__INTERNAL void asy__port_teardown(asy_port_t *port) {
    asy_port_end_t *e = port->end_;
    if (!e) return;
    /* no sender signals the async once wake is cleared (under the mutex) */
    asy__mutex_lock(&e->mu);
    e->wake = NULL;
    asy__mutex_unlock(&e->mu);
    asy__async_close(&port->async_);
    asy__queue_remove(&port->async_.handle_link_);
    port->end_ = NULL;
    port->port_flags_ &= ~(unsigned)ASY__PORT_STARTED;
    e->attached = 0;
    asy__end_release(e);
}

static void asy__port_close(asy_handle_t *h) { asy__port_teardown((asy_port_t *)h); }
static const asy__handle_class asy__port_class = {ASY_HANDLE_PORT, "port", asy__port_close, NULL};

ASY__INTERNAL void asy__port_dispatch(asy_port_t *port) {
    asy_port_end_t *e = port->end_;
    asy_message_t *list, *m;
    if (!e || !(port->port_flags_ & ASY__PORT_STARTED) || (port->port_flags_ & ASY__PORT_DISPATCHING))
        return;
    asy__mutex_lock(&e->mu);
    list = e->head;
    e->head = e->tail = NULL;
    e->queued = 0;
    asy__mutex_unlock(&e->mu);
    port->port_flags_ |= ASY__PORT_DISPATCHING;
    while ((m = list) != NULL) {
        list = m->next_;
        m->next_ = NULL;
        port->cb_(port, m);
        asy__after_cb(port->loop);
        asy__message_free(m);
        if (!port->end_) break; /* closed by the callback */
        if (!(port->port_flags_ & ASY__PORT_STARTED) && list) {
            /* stopped: the rest goes back in front of what came since */
            asy_message_t *last = list;
            size_t n = 1;
            while (last->next_) {
                last = last->next_;
                n++;
            }
            asy__mutex_lock(&e->mu);
            last->next_ = e->head;
            if (!e->head) e->tail = last;
            e->head = list;
            e->queued += n;
            asy__mutex_unlock(&e->mu);
            list = NULL;
            break;
        }
    }
    port->port_flags_ &= ~(unsigned)ASY__PORT_DISPATCHING;
    asy__message_list_free(list);
}

static void asy__port_async_cb(asy_async_t *a) {
    asy__port_dispatch(ASY_CONTAINER_OF(a, asy_port_t, async_));
}

ASYNCRT_API int asy_port_init_at(asy_loop_t *loop, asy_port_t *port, asy_port_end_t *end,
                                 const char *file, int line) {
    int r;
    if (!end || end->attached) return ASY_EINVAL;
    if (!asy__loop_live(loop) || !port) {
        asy__end_release(end);
        return ASY_EINVAL;
    }
    asy__handle_init(loop, (asy_handle_t *)port, &asy__port_class, file, line);
    port->end_ = end;
    port->cb_ = NULL;
    port->port_flags_ = 0;
    end->attached = 1;
    r = asy_async_init_at(loop, &port->async_, asy__port_async_cb, __FILE__, __LINE__);
    if (r != 0) { /* cannot fail for a live loop and a callback; kept honest */
        port->end_ = NULL;
        end->attached = 0;
        asy__end_release(end);
        asy__queue_remove(&port->handle_link_);
        return r;
    }
    port->async_.flags_ |= ASY__H_INTERNAL;
    asy_unref((asy_handle_t *)&port->async_);
    asy__mutex_lock(&end->mu);
    end->wake = &port->async_;
    asy__mutex_unlock(&end->mu);
    return 0;
}

static int asy__port_usable(const asy_port_t *port) {
    return port && port->type == ASY_HANDLE_PORT && port->end_ &&
           !(port->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED));
}

ASYNCRT_API int asy_port_start(asy_port_t *port, asy_message_cb cb) {
    size_t n;
    if (!asy__port_usable(port) || !cb) return ASY_EINVAL;
    port->cb_ = cb;
    port->port_flags_ |= ASY__PORT_STARTED;
    asy__handle_start((asy_handle_t *)port);
    asy__mutex_lock(&port->end_->mu);
    n = port->end_->queued;
    asy__mutex_unlock(&port->end_->mu);
    if (n) asy_async_send(&port->async_); /* the backlog, from the poll phase */
    return 0;
}

ASYNCRT_API int asy_port_stop(asy_port_t *port) {
    if (!asy__port_usable(port)) return ASY_EINVAL;
    port->port_flags_ &= ~(unsigned)ASY__PORT_STARTED;
    asy__handle_stop((asy_handle_t *)port);
    return 0;
}

ASYNCRT_API size_t asy_port_pending(asy_port_t *port) {
    size_t n;
    if (!asy__port_usable(port)) return 0;
    asy__mutex_lock(&port->end_->mu);
    n = port->end_->queued;
    asy__mutex_unlock(&port->end_->mu);
    return n;
}

/* Appends m to the peer's inbox and wakes the peer's loop when the inbox
 * was empty (a non-empty inbox has a wake-up on its way already, or
 * belongs to a stopped port, which asks for one when it starts). */
static int asy__port_send(asy_port_t *port, asy_message_t *m) {
    asy_port_end_t *peer = port->end_->peer;
    asy__mutex_lock(&peer->mu);
    if (peer->closed) {
        asy__mutex_unlock(&peer->mu);
        asy__message_free(m); /* to a closed port: dropped, as in Node */
        return 0;
    }
    m->next_ = NULL;
    if (peer->tail)
        peer->tail->next_ = m;
    else
        peer->head = m;
    peer->tail = m;
    if (peer->queued++ == 0 && peer->wake) asy_async_send(peer->wake);
    asy__mutex_unlock(&peer->mu);
    return 0;
}

ASYNCRT_API int asy_port_post(asy_port_t *port, const void *data, size_t len) {
    asy_message_t *m;
    if (!asy__port_usable(port) || (!data && len)) return ASY_EINVAL;
    if (len > SIZE_MAX - sizeof(asy_message_t)) return ASY_ENOMEM;
    m = (asy_message_t *)asy__malloc(sizeof(asy_message_t) + len);
    if (!m) return ASY_ENOMEM;
    memset(m, 0, sizeof(*m));
    m->data = (const uint8_t *)(m + 1);
    m->len = len;
    if (len) memcpy(m + 1, data, len);
    return asy__port_send(port, m);
}

ASYNCRT_API int asy_port_post_transfer(asy_port_t *port, asy_buf_t *buf, asy_port_end_t *end) {
    asy_message_t *m;
    if (!asy__port_usable(port)) return ASY_EINVAL;
    if (end && (end->attached || end == port->end_ || end == port->end_->peer)) return ASY_EINVAL;
    if (buf && buf->store && asy_buf_refcount(buf) != 1) return ASY_EBUSY;
    m = ASY__NEW(asy_message_t);
    if (!m) return ASY_ENOMEM;
    memset(m, 0, sizeof(*m));
    if (buf) {
        m->buf_ = *buf;
        m->data = buf->data;
        m->len = buf->len;
        asy_buf_init(buf); /* the sender's view is empty now */
    }
    m->port = end;
    return asy__port_send(port, m);
}
