/* net.Socket: the stream layer's implementer vtable over a stream handle.
 *
 *   _read     starts reading the handle; each chunk is pushed (a copy out
 *             of the loop's read buffer); a full readable buffer stops the
 *             handle until the next _read: backpressure reaches the peer.
 *   _write    one asy_sock_write; _writev one vectored write of them all.
 *   _final    shutdown(SHUT_WR) after the queued writes.
 *   _destroy  closes the handle; destroy_done from its close callback. */
#include "socket.h"
#include "net.internal.h"
#include "../buf/buf.h"
#include "../loop/loop.internal.h"
#include "../stream/stream.h"

enum {
    ASY__SK_HANDLE = 1,     /* h holds an initialised handle */
    ASY__SK_READING = 2,    /* the handle reads for the stream */
    ASY__SK_WANT_READ = 4,  /* _read came before the handle existed */
    ASY__SK_RESET = 8
};

static asy_sock_t *asy__sk_handle(asy_socket_t *k) { return &k->h.sock; }

static asy_socket_t *asy__sk_of(asy_stream_t *s) { return (asy_socket_t *)s->impl_data; }

static void asy__sk_on_read(asy_sock_t *h, ptrdiff_t n, const asy_iov_t *buf) {
    asy_socket_t *k = ASY_CONTAINER_OF(h, asy_socket_t, h.sock);
    if (n > 0) {
        int r;
        k->bytes_read_ += (uint64_t)n;
        r = asy_stream_push_bytes(&k->stream, buf->base, (size_t)n);
        if (r == 0 && (k->state_ & ASY__SK_READING)) {
            /* the readable buffer is full: stop until _read asks again */
            k->state_ &= ~(unsigned)ASY__SK_READING;
            asy_sock_read_stop(h);
        } else if (r < 0 && r != ASY_EPUSH_AFTER_EOF) {
            asy_stream_destroy(&k->stream, r);
        }
        return;
    }
    k->state_ &= ~(unsigned)ASY__SK_READING;
    if (n == ASY_EOF) {
        /* then read(0), as Node's onStreamRead does: with nothing
         * buffered, 'end' comes even if nobody consumes the data */
        asy_stream_push_end(&k->stream);
        asy_stream_read(&k->stream, 0, NULL);
    }
    else if (n < 0)
        asy_stream_destroy(&k->stream, (int)n);
}

static void asy__sk_start_reading(asy_socket_t *k) {
    int r;
    if (k->state_ & ASY__SK_READING) return;
    if (!(k->state_ & ASY__SK_HANDLE)) {
        k->state_ |= ASY__SK_WANT_READ;
        return;
    }
    r = asy_sock_read_start(asy__sk_handle(k), NULL, asy__sk_on_read);
    if (r == 0)
        k->state_ |= ASY__SK_READING;
    else
        asy_stream_destroy(&k->stream, r);
}

static void asy__sk_read(asy_stream_t *s, size_t size) {
    (void)size;
    asy__sk_start_reading(asy__sk_of(s));
}

static void asy__sk_written(asy_write_t *req, int status) {
    asy_socket_t *k = (asy_socket_t *)req->data;
    asy_stream_write_done(&k->stream, status);
}

static void asy__sk_writev_impl(asy_socket_t *k, const asy_iov_t *iov, unsigned n, size_t total) {
    int r;
    if (!(k->state_ & ASY__SK_HANDLE)) {
        asy_stream_write_done(&k->stream, ASY_ENOTCONN);
        return;
    }
    k->wreq_.data = k;
    r = asy_sock_write(&k->wreq_, asy__sk_handle(k), iov, n, asy__sk_written);
    if (r != 0) {
        asy_stream_write_done(&k->stream, r);
        return;
    }
    k->bytes_written_ += total;
}

static void asy__sk_write(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_iov_t v;
    v.base = (char *)chunk->data;
    v.len = chunk->len;
    asy__sk_writev_impl(asy__sk_of(s), &v, 1, chunk->len);
}

static void asy__sk_writev(asy_stream_t *s, const asy_buf_t *chunks, size_t n) {
    asy_socket_t *k = asy__sk_of(s);
    size_t i, total = 0;
    if (n > k->wv_cap_) {
        asy_iov_t *nv = (asy_iov_t *)asy__realloc(k->wv_, n * sizeof(asy_iov_t));
        if (!nv) {
            asy_stream_write_done(s, ASY_ENOMEM);
            return;
        }
        k->wv_ = nv;
        k->wv_cap_ = n;
    }
    for (i = 0; i < n; i++) {
        k->wv_[i].base = (char *)chunks[i].data;
        k->wv_[i].len = chunks[i].len;
        total += chunks[i].len;
    }
    /* asy_sock_write copies the list: wv_ is reused at once */
    asy__sk_writev_impl(k, k->wv_, (unsigned)n, total);
}

static void asy__sk_shutdown_done(asy_shutdown_t *req, int status) {
    asy_socket_t *k = (asy_socket_t *)req->data;
    /* the peer already gone is not the writer's failure: nothing was lost */
    if (status == ASY_ENOTCONN) status = 0;
    asy_stream_final_done(&k->stream, status);
}

static void asy__sk_final(asy_stream_t *s) {
    asy_socket_t *k = asy__sk_of(s);
    int r;
    if (!(k->state_ & ASY__SK_HANDLE)) {
        asy_stream_final_done(s, 0);
        return;
    }
    k->sreq_.data = k;
    r = asy_sock_shutdown(&k->sreq_, asy__sk_handle(k), asy__sk_shutdown_done);
    if (r != 0) asy_stream_final_done(s, r == ASY_EALREADY ? 0 : r);
}

static void asy__sk_handle_closed(asy_handle_t *h) {
    asy_socket_t *k = ASY_CONTAINER_OF(h, asy_socket_t, h.sock);
    k->state_ &= ~(unsigned)(ASY__SK_HANDLE | ASY__SK_READING);
    asy_stream_destroy_done(&k->stream, k->destroy_err_);
}

static void asy__sk_destroy(asy_stream_t *s, int err) {
    asy_socket_t *k = asy__sk_of(s);
    asy__free(k->wv_);
    k->wv_ = NULL;
    k->wv_cap_ = 0;
    k->destroy_err_ = err;
    if (!(k->state_ & ASY__SK_HANDLE)) {
        asy_stream_destroy_done(s, err);
        return;
    }
    if ((k->state_ & ASY__SK_RESET) && k->h.sock.type == ASY_HANDLE_TCP)
        asy_tcp_close_reset(&k->h.tcp, asy__sk_handle_closed);
    else
        asy_close((asy_handle_t *)&k->h.sock, asy__sk_handle_closed);
}

static const asy_stream_impl_t asy__socket_impl = {
    NULL,              /* construct */
    asy__sk_read,      /* read */
    asy__sk_write,     /* write */
    asy__sk_writev,    /* writev */
    asy__sk_final,     /* final */
    asy__sk_destroy,   /* destroy */
    NULL,              /* transform */
    NULL               /* flush */
};

static int asy__socket_init(asy_loop_t *loop, asy_socket_t *sock, const asy_socket_opts_t *opts) {
    asy_stream_opts_t so;
    int r;
    if (!loop || !sock) return ASY_EINVAL;
    memset(sock, 0, sizeof(*sock));
    if (opts) sock->opts_ = *opts;
    memset(&so, 0, sizeof(so));
    so.high_water_mark = sock->opts_.high_water_mark;
    so.no_half_open = !sock->opts_.allow_half_open;
    r = asy_duplex_init(loop, &sock->stream, &asy__socket_impl, &so);
    if (r) return r;
    sock->stream.impl_data = sock;
    return 0;
}

/* The handle exists: apply the options and any read asked for before. */
static void asy__sk_handle_ready(asy_socket_t *k) {
    k->state_ |= ASY__SK_HANDLE;
    k->h.sock.data = k;
    if (k->state_ & ASY__SK_WANT_READ) {
        k->state_ &= ~(unsigned)ASY__SK_WANT_READ;
        asy__sk_start_reading(k);
    }
    /* read(0), as net.Socket does once it has a handle: data fills the
     * buffer up to the high-water mark, and the peer's end is seen even
     * by nobody listening, so the socket can finish and close */
    asy_stream_read(&k->stream, 0, NULL);
}

static void asy__sk_tcp_options(asy_socket_t *k) {
    if (k->h.sock.type != ASY_HANDLE_TCP) return;
    if (k->opts_.no_delay) asy_tcp_nodelay(&k->h.tcp, 1);
    if (k->opts_.keep_alive) asy_tcp_keepalive(&k->h.tcp, 1, k->opts_.keep_alive_delay_s);
}

static int asy__sk_usable(const asy_socket_t *k) {
    return k && k->stream.impl_ == &asy__socket_impl && !(k->state_ & ASY__SK_HANDLE) &&
           !asy_stream_is_destroyed(&k->stream);
}

static void asy__sk_connected(asy_connect_t *req, int status) {
    asy_socket_t *k = (asy_socket_t *)req->data;
    if (status == 0) asy__sk_tcp_options(k);
    if (k->connect_cb_) {
        k->connect_cb_(k, status);
        asy__after_cb(k->stream.loop);
    }
    if (status != 0) asy_stream_destroy(&k->stream, status);
}

/* A connect that failed after the handle was made (no fd left, say) is
 * reported like one refused by the peer: from the next tick, through the
 * callback and the stream's error, as Node does. */
static void asy__sk_connect_failed_tick(void *arg) {
    asy_socket_t *k = (asy_socket_t *)arg;
    asy__sk_connected(&k->creq_, k->destroy_err_);
}

static int asy__sk_connect_started(asy_socket_t *k, int r) {
    asy__sk_handle_ready(k);
    if (r == 0) return 0;
    k->destroy_err_ = r;
    if (asy_next_tick(k->stream.loop, asy__sk_connect_failed_tick, k) != 0)
        asy_stream_destroy(&k->stream, r);
    return 0;
}

ASYNCRT_API int asy_socket_connect(asy_socket_t *sock, const char *ip, int port,
                                   asy_socket_connect_cb cb) {
    asy_addr_t a;
    int r;
    if (!asy__sk_usable(sock)) return ASY_EINVAL;
    if ((r = asy_ip_addr(ip, port, &a)) != 0) return r;
    if ((r = asy_tcp_init(sock->stream.loop, &sock->h.tcp)) != 0) return r;
    sock->creq_.data = sock;
    sock->connect_cb_ = cb;
    r = asy_tcp_connect_timeout(&sock->creq_, &sock->h.tcp, &a, sock->opts_.connect_timeout_ms,
                                asy__sk_connected);
    return asy__sk_connect_started(sock, r);
}

ASYNCRT_API int asy_socket_connect_path(asy_socket_t *sock, const char *path,
                                        asy_socket_connect_cb cb) {
    int r;
    if (!asy__sk_usable(sock) || !path) return ASY_EINVAL;
    if ((r = asy_pipe_init(sock->stream.loop, &sock->h.pipe)) != 0) return r;
    sock->creq_.data = sock;
    sock->connect_cb_ = cb;
    r = asy_pipe_connect(&sock->creq_, &sock->h.pipe, path, asy__sk_connected);
    return asy__sk_connect_started(sock, r);
}

ASYNCRT_API int asy_socket_open(asy_socket_t *sock, asy_os_sock_t fd) {
    asy_loop_t *loop;
    int r;
    if (!asy__sk_usable(sock)) return ASY_EINVAL;
    loop = sock->stream.loop;
    if (fcntl(fd, F_GETFL) < 0) return asy__errno();
    switch (asy_guess_handle(fd)) {
        case ASY_HANDLE_TTY:
            r = asy_tty_init(loop, &sock->h.tty, fd);
            break;
        case ASY_HANDLE_PIPE:
            if ((r = asy_pipe_init(loop, &sock->h.pipe)) == 0 &&
                (r = asy_pipe_open(&sock->h.pipe, fd)) != 0)
                asy_close((asy_handle_t *)&sock->h.pipe, NULL);
            break;
        case ASY_HANDLE_TCP:
            if ((r = asy_tcp_init(loop, &sock->h.tcp)) == 0 &&
                (r = asy_tcp_open(&sock->h.tcp, fd)) != 0)
                asy_close((asy_handle_t *)&sock->h.tcp, NULL);
            break;
        default:
            return ASY_EINVAL;
    }
    if (r) return r;
    asy__sk_tcp_options(sock);
    asy__sk_handle_ready(sock);
    return 0;
}

ASYNCRT_API int asy_socket_reset_and_destroy(asy_socket_t *sock) {
    if (!sock || sock->stream.impl_ != &asy__socket_impl) return ASY_EINVAL;
    if (!(sock->state_ & ASY__SK_HANDLE) || sock->h.sock.type != ASY_HANDLE_TCP) return ASY_EINVAL;
    sock->state_ |= ASY__SK_RESET;
    return asy_stream_destroy(&sock->stream, 0);
}

ASYNCRT_API uint64_t asy_socket_bytes_read(const asy_socket_t *sock) {
    return sock ? sock->bytes_read_ : 0;
}

ASYNCRT_API uint64_t asy_socket_bytes_written(const asy_socket_t *sock) {
    return sock ? sock->bytes_written_ : 0;
}

/* ---- net.Server ----------------------------------------------------------- */

static void asy__server_on_connection(asy_sock_t *h, int status) {
    asy_server_t *srv = ASY_CONTAINER_OF(h, asy_server_t, h.sock);
    srv->cb_(srv, status);
}

ASYNCRT_API int asy_server_listen(asy_loop_t *loop, asy_server_t *server, const char *host,
                                  int port, int backlog, unsigned flags,
                                  asy_server_connection_cb cb) {
    asy_addr_t a;
    int r;
    if (!loop || !server || !cb) return ASY_EINVAL;
    r = asy_ip_addr(host ? host : "::", port, &a);
    if (r) return r;
    server->cb_ = cb;
    if ((r = asy_tcp_init(loop, &server->h.tcp)) != 0) return r;
    r = asy_tcp_bind(&server->h.tcp, &a, flags);
    if (r == ASY_EAFNOSUPPORT && !host) {
        /* no IPv6 here: every IPv4 interface then */
        asy_close((asy_handle_t *)&server->h.tcp, NULL);
        if ((r = asy_tcp_init(loop, &server->h.tcp)) != 0) return r;
        asy_ip4_addr("0.0.0.0", port, &a);
        r = asy_tcp_bind(&server->h.tcp, &a, flags & ~(unsigned)ASY_TCP_IPV6ONLY);
    }
    if (r == 0) r = asy_sock_listen(&server->h.sock, backlog, asy__server_on_connection);
    if (r) asy_close((asy_handle_t *)&server->h.tcp, NULL);
    return r;
}

ASYNCRT_API int asy_server_listen_path(asy_loop_t *loop, asy_server_t *server, const char *path,
                                       int backlog, asy_server_connection_cb cb) {
    int r;
    if (!loop || !server || !cb || !path) return ASY_EINVAL;
    server->cb_ = cb;
    if ((r = asy_pipe_init(loop, &server->h.pipe)) != 0) return r;
    r = asy_pipe_bind(&server->h.pipe, path);
    if (r == 0) r = asy_sock_listen(&server->h.sock, backlog, asy__server_on_connection);
    if (r) asy_close((asy_handle_t *)&server->h.pipe, NULL);
    return r;
}

ASYNCRT_API int asy_server_accept(asy_server_t *server, asy_socket_t *sock) {
    asy_loop_t *loop;
    int r;
    if (!server || !asy__sk_usable(sock) || !asy__is_stream_type(server->h.sock.type))
        return ASY_EINVAL;
    /* check first: once the handle is made, a failure would leave it to
     * the close phase */
    if (!(server->h.sock.flags_ & ASY__SOCK_ACCEPT_READY)) return ASY_EAGAIN;
    loop = sock->stream.loop;
    if (server->h.sock.type == ASY_HANDLE_TCP)
        r = asy_tcp_init(loop, &sock->h.tcp);
    else
        r = asy_pipe_init(loop, &sock->h.pipe);
    if (r) return r;
    r = asy_sock_accept(&server->h.sock, &sock->h.sock);
    if (r) {
        asy_close((asy_handle_t *)&sock->h.sock, NULL);
        return r;
    }
    asy__sk_tcp_options(sock);
    asy__sk_handle_ready(sock);
    return 0;
}

ASYNCRT_API int asy_server_address(const asy_server_t *server, asy_addr_t *addr) {
    if (!server || server->h.sock.type != ASY_HANDLE_TCP) return ASY_EINVAL;
    return asy_tcp_getsockname(&server->h.tcp, addr);
}

ASYNCRT_API void asy_server_close(asy_server_t *server, asy_close_cb close_cb) {
    if (server) asy_close((asy_handle_t *)&server->h.sock, close_cb);
}

ASYNCRT_API int asy_socket_init_at(asy_loop_t *loop, asy_socket_t *sock,
                                   const asy_socket_opts_t *opts, const char *file, int line) {
    int r = asy__socket_init(loop, sock, opts);
    if (r == 0) asy_stream_set_origin(&sock->stream, file, line); /* the caller's line */
    return r;
}
