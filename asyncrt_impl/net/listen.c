/* Listening sockets (TCP and Unix-domain): one accept op stays queued on
 * the server.  Each accepted fd waits in the op's result until the
 * connection callback takes it with asy_sock_accept.
 *
 * Running out of file descriptors (EMFILE / ENFILE, or ENOBUFS / ENOMEM)
 * is reported once to the connection callback; the server then pauses
 * -- its pending connections stay in the kernel's backlog, so nothing
 * spins on a listening fd that stays readable -- and tries again when any
 * socket of the loop closes, or after ASY_ACCEPT_RETRY_MS. */
#include "net.internal.h"
#include "../base/queue.h"
#include "../loop/timer.h"
#include "../loop/loop.h"
#include "../backend/ops.internal.h"

static void asy__net_state_close(asy_loop_t *loop, void *state) {
    asy__net_state *st = (asy__net_state *)state;
    if (st->retry.id) asy_clear_timer(loop, st->retry);
    asy__free(st);
    loop->layers_[ASY__LAYER_NET].state = NULL;
    loop->layers_[ASY__LAYER_NET].close = NULL;
}

static asy__net_state *asy__net_state_get(asy_loop_t *loop) {
    asy__net_state *st = (asy__net_state *)loop->layers_[ASY__LAYER_NET].state;
    if (st) return st;
    st = ASY__NEW(asy__net_state);
    if (!st) return NULL;
    memset(st, 0, sizeof(*st));
    loop->layers_[ASY__LAYER_NET].state = st;
    loop->layers_[ASY__LAYER_NET].close = asy__net_state_close;
    return st;
}

static void asy__accept_done(asy__op *op);

static int asy__listen_arm(asy_sock_t *s) {
    memset(&s->rop_, 0, sizeof(s->rop_));
    s->rop_.kind = ASY__OP_ACCEPT;
    s->rop_.cb = asy__accept_done;
    return asy__op_submit(s->loop, &s->fd_, &s->rop_);
}

static void asy__listen_retry_cb(void *arg) {
    asy_loop_t *loop = (asy_loop_t *)arg;
    asy__net_state *st = (asy__net_state *)loop->layers_[ASY__LAYER_NET].state;
    if (st) st->retry.id = 0;
    asy__listen_kick(loop);
}

/* Stops accepting until a retry; 0 or ASY_ENOMEM. */
static void asy__listen_pause(asy_sock_t *s) {
    asy__net_state *st = asy__net_state_get(s->loop);
    if (s->flags_ & ASY__SOCK_ACCEPT_PAUSED) return;
    if (!st) return; /* no memory: the next close or accept call retries */
    s->flags_ |= ASY__SOCK_ACCEPT_PAUSED;
    st->paused++;
    if (!st->retry.id) {
        st->retry = asy_set_timeout(s->loop, asy__listen_retry_cb, s->loop, ASY_ACCEPT_RETRY_MS);
        /* the paused server keeps the loop alive, not this timer */
        if (st->retry.id) asy_timer_unref(s->loop, st->retry);
    }
}

static void asy__listen_resume(asy_sock_t *s) {
    asy__net_state *st = (asy__net_state *)s->loop->layers_[ASY__LAYER_NET].state;
    if (!(s->flags_ & ASY__SOCK_ACCEPT_PAUSED)) return;
    s->flags_ &= ~(unsigned)ASY__SOCK_ACCEPT_PAUSED;
    if (st && st->paused) st->paused--;
    if ((s->flags_ & ASY__SOCK_LISTENING) && !(s->flags_ & ASY__SOCK_ACCEPT_READY) &&
        !asy__sock_closing(s) && s->rop_.state_ == ASY__OPS_IDLE && asy__listen_arm(s) != 0)
        asy__listen_pause(s);
}

ASY__INTERNAL void asy__listen_kick(asy_loop_t *loop) {
    asy__net_state *st = (asy__net_state *)loop->layers_[ASY__LAYER_NET].state;
    asy__queue *q, *next;
    if (!st || st->paused == 0) return;
    for (q = loop->handles_.next; q != &loop->handles_ && st->paused; q = next) {
        asy_handle_t *h = ASY_CONTAINER_OF(q, asy_handle_t, handle_link_);
        next = q->next;
        if (asy__is_stream_type(h->type) && (h->flags_ & ASY__SOCK_ACCEPT_PAUSED))
            asy__listen_resume((asy_sock_t *)h);
    }
}

ASY__INTERNAL void asy__listen_close(asy_sock_t *s) {
    asy__net_state *st = (asy__net_state *)s->loop->layers_[ASY__LAYER_NET].state;
    if (s->flags_ & ASY__SOCK_ACCEPT_PAUSED) {
        s->flags_ &= ~(unsigned)ASY__SOCK_ACCEPT_PAUSED;
        if (st && st->paused) st->paused--;
    }
    if (s->flags_ & ASY__SOCK_ACCEPT_READY) { /* a connection nobody took */
        s->flags_ &= ~(unsigned)ASY__SOCK_ACCEPT_READY;
        close((int)s->rop_.result);
    }
}

static void asy__accept_done(asy__op *op) {
    asy_sock_t *s = ASY_CONTAINER_OF(op, asy_sock_t, rop_);
    int r = (int)op->result;
    if (r == ASY_ECANCELED) {
        asy__sock_update_active(s);
        return;
    }
    if (r >= 0) {
        s->flags_ |= ASY__SOCK_ACCEPT_READY;
        s->flags_ &= ~(unsigned)ASY__SOCK_ACCEPT_ERRED;
        s->cb_.connection(s, 0);
        /* not taken: accepting waits for asy_sock_accept */
    } else {
        int report = !(s->flags_ & ASY__SOCK_ACCEPT_ERRED);
        s->flags_ |= ASY__SOCK_ACCEPT_ERRED;
        asy__listen_pause(s);
        if (report) s->cb_.connection(s, r);
    }
    asy__sock_update_active(s);
}

ASYNCRT_API int asy_sock_listen(asy_sock_t *s, int backlog, asy_connection_cb cb) {
    int r;
    if (!s || !cb || !asy__is_stream_type(s->type) || asy__sock_closing(s) ||
        s->type == ASY_HANDLE_TTY)
        return ASY_EINVAL;
    if (s->flags_ & ASY__SOCK_LISTENING) {
        s->cb_.connection = cb;
        return 0;
    }
    if (s->flags_ & (ASY__SOCK_READING | ASY__SOCK_CONNECTING | ASY__SOCK_CONNECTED)) return ASY_EINVAL;
    if (s->fd_.io.fd < 0) {
        /* an unbound TCP socket listens on an ephemeral port of every
         * interface, as Node's listen() without arguments; a pipe needs
         * a path */
        if (s->type != ASY_HANDLE_TCP) return ASY_EINVAL;
        r = asy__sock_ensure_fd(s, AF_INET);
        if (r) return r;
    }
    if (backlog <= 0) backlog = 511;
    if (listen(s->fd_.io.fd, backlog) != 0) return asy__errno();
    s->cb_.connection = cb;
    s->flags_ |= ASY__SOCK_LISTENING;
    r = asy__listen_arm(s);
    if (r) {
        s->flags_ &= ~(unsigned)ASY__SOCK_LISTENING;
        return r;
    }
    asy__sock_update_active(s);
    return 0;
}

ASYNCRT_API int asy_sock_accept(asy_sock_t *server, asy_sock_t *client) {
    int fd;
    if (!server || !client || !asy__is_stream_type(server->type) || client->type != server->type)
        return ASY_EINVAL;
    if (!(server->flags_ & ASY__SOCK_ACCEPT_READY)) return ASY_EAGAIN;
    if (asy__sock_closing(client) || client->fd_.io.fd >= 0) return ASY_EINVAL;
    fd = (int)server->rop_.result;
    server->flags_ &= ~(unsigned)ASY__SOCK_ACCEPT_READY;
    asy__sock_adopt(client, fd, ASY__FD_SOCKET);
    client->flags_ |= ASY__SOCK_CONNECTED;
    if ((server->flags_ & ASY__SOCK_LISTENING) && !asy__sock_closing(server) &&
        !(server->flags_ & ASY__SOCK_ACCEPT_PAUSED) && server->rop_.state_ == ASY__OPS_IDLE &&
        asy__listen_arm(server) != 0)
        asy__listen_pause(server);
    return 0;
}
