/* TCP: socket creation, bind, connect and the socket options.  Reading,
 * writing and accepting are the shared stream machinery (sock.c,
 * listen.c). */
#include "tcp.h"
#include "net.internal.h"
#include "../loop/loop.internal.h"
#include "../backend/ops.internal.h"

ASYNCRT_API int asy_tcp_init_at(asy_loop_t *loop, asy_tcp_t *tcp, const char *file, int line) {
    if (!asy__loop_live(loop) || !tcp) return ASY_EINVAL;
    asy__sock_init(loop, (asy_sock_t *)tcp, ASY_HANDLE_TCP, file, line);
    return 0;
}

static int asy__tcp_ok(const asy_tcp_t *t) {
    return t && t->type == ASY_HANDLE_TCP && !asy__sock_closing((const asy_sock_t *)t);
}

static int asy__addr_domain(const asy_addr_t *addr) {
    switch (asy_addr_family(addr)) {
        case 4:
            return AF_INET;
        case 6:
            return AF_INET6;
        default:
            return -1;
    }
}

ASYNCRT_API int asy_tcp_open(asy_tcp_t *tcp, asy_os_sock_t fd) {
    int r;
    if (!asy__tcp_ok(tcp) || fd < 0) return ASY_EINVAL;
    if (tcp->fd_.io.fd >= 0) return ASY_EBUSY;
    if ((r = asy__set_nonblock_cloexec(fd)) != 0) return r;
    asy__sock_adopt((asy_sock_t *)tcp, fd, ASY__FD_SOCKET | ASY__FD_SHARED);
    tcp->flags_ |= ASY__SOCK_CONNECTED;
    return 0;
}

ASYNCRT_API int asy_tcp_bind(asy_tcp_t *tcp, const asy_addr_t *addr, unsigned flags) {
    int domain, on = 1, r, fd;
    if (!asy__tcp_ok(tcp) || !addr || (flags & ~3u)) return ASY_EINVAL;
    domain = asy__addr_domain(addr);
    if (domain < 0) return ASY_EAFNOSUPPORT;
    if ((flags & ASY_TCP_IPV6ONLY) && domain != AF_INET6) return ASY_EINVAL;
    if (tcp->fd_.io.fd >= 0 && (tcp->flags_ & (ASY__SOCK_LISTENING | ASY__SOCK_CONNECTED))) return ASY_EINVAL;
    if ((r = asy__sock_ensure_fd((asy_sock_t *)tcp, domain)) != 0) return r;
    fd = tcp->fd_.io.fd;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0) return asy__errno();
    if (domain == AF_INET6) {
        int v6only = (flags & ASY_TCP_IPV6ONLY) ? 1 : 0;
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) != 0)
            return asy__errno();
    }
    if (flags & ASY_TCP_REUSEPORT) {
#ifdef SO_REUSEPORT
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0) return asy__errno();
#else
        return ASY_ENOTSUP;
#endif
    }
    if (bind(fd, (const struct sockaddr *)(const void *)addr, (socklen_t)asy_addr_len(addr)) != 0)
        return asy__errno();
    return 0;
}

ASYNCRT_API int asy_tcp_listen(asy_tcp_t *tcp, int backlog, asy_connection_cb cb) {
    return asy_sock_listen((asy_sock_t *)tcp, backlog, cb);
}

ASYNCRT_API int asy_tcp_accept(asy_tcp_t *server, asy_tcp_t *client) {
    return asy_sock_accept((asy_sock_t *)server, (asy_sock_t *)client);
}

ASYNCRT_API int asy_tcp_connect_timeout(asy_connect_t *req, asy_tcp_t *tcp,
                                        const asy_addr_t *addr, uint64_t timeout_ms,
                                        asy_connect_cb cb) {
    int domain, r;
    if (!req || !asy__tcp_ok(tcp) || !addr) return ASY_EINVAL;
    domain = asy__addr_domain(addr);
    if (domain < 0) return ASY_EAFNOSUPPORT;
    if ((r = asy__sock_ensure_fd((asy_sock_t *)tcp, domain)) != 0) return r;
    return asy__sock_connect(req, (asy_sock_t *)tcp, addr, (unsigned)asy_addr_len(addr),
                             timeout_ms, cb);
}

ASYNCRT_API int asy_tcp_connect(asy_connect_t *req, asy_tcp_t *tcp, const asy_addr_t *addr,
                                asy_connect_cb cb) {
    return asy_tcp_connect_timeout(req, tcp, addr, 0, cb);
}

static int asy__tcp_fd(const asy_tcp_t *tcp) {
    if (!tcp || tcp->type != ASY_HANDLE_TCP) return ASY_EINVAL;
    return tcp->fd_.io.fd >= 0 ? tcp->fd_.io.fd : ASY_EBADF;
}

ASYNCRT_API int asy_tcp_nodelay(asy_tcp_t *tcp, int enable) {
    int fd = asy__tcp_fd(tcp), on = enable ? 1 : 0;
    if (fd < 0) return fd;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == 0 ? 0 : asy__errno();
}

ASYNCRT_API int asy_tcp_keepalive(asy_tcp_t *tcp, int enable, unsigned delay_s) {
    int fd = asy__tcp_fd(tcp), on = enable ? 1 : 0;
    if (fd < 0) return fd;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) != 0) return asy__errno();
    if (enable && delay_s) {
        int d = delay_s > 0x7fffffffu ? 0x7fffffff : (int)delay_s;
#ifdef TCP_KEEPIDLE
        if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &d, sizeof(d)) != 0) return asy__errno();
#elif defined(TCP_KEEPALIVE)
        if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPALIVE, &d, sizeof(d)) != 0) return asy__errno();
#else
        (void)d;
#endif
    }
    return 0;
}

ASYNCRT_API int asy_tcp_getsockname(const asy_tcp_t *tcp, asy_addr_t *addr) {
    int fd = asy__tcp_fd(tcp);
    socklen_t len = sizeof(*addr);
    if (fd < 0) return fd;
    if (!addr) return ASY_EINVAL;
    memset(addr, 0, sizeof(*addr));
    return getsockname(fd, (struct sockaddr *)(void *)addr, &len) == 0 ? 0 : asy__errno();
}

ASYNCRT_API int asy_tcp_getpeername(const asy_tcp_t *tcp, asy_addr_t *addr) {
    int fd = asy__tcp_fd(tcp);
    socklen_t len = sizeof(*addr);
    if (fd < 0) return fd;
    if (!addr) return ASY_EINVAL;
    memset(addr, 0, sizeof(*addr));
    return getpeername(fd, (struct sockaddr *)(void *)addr, &len) == 0 ? 0 : asy__errno();
}

ASYNCRT_API int asy_tcp_close_reset(asy_tcp_t *tcp, asy_close_cb close_cb) {
    if (!asy__tcp_ok(tcp)) return ASY_EINVAL;
    if (tcp->flags_ & ASY__SOCK_LISTENING) return ASY_EINVAL;
    tcp->flags_ |= ASY__SOCK_RESET;
    asy_close((asy_handle_t *)tcp, close_cb);
    return 0;
}
