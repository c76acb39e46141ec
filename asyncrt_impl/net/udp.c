/* UDP: recvmsg / sendmsg ops on a datagram socket. */
#include "net.internal.h"
#include "../loop/loop.internal.h"
#include "../backend/ops.internal.h"

/* BSDs take an unsigned char for the IPv4 multicast options. */
#if ASYNCRT_OS_BSD
#define ASY__MCAST_CHAR 1
#else
#define ASY__MCAST_CHAR 0
#endif

ASYNCRT_API int asy_udp_init_at(asy_loop_t *loop, asy_udp_t *udp, const char *file, int line) {
    if (!asy__loop_live(loop) || !udp) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)udp, &asy__udp_class, file, line);
    asy__opfd_init(&udp->fd_, -1, 0);
    memset(&udp->rop_, 0, sizeof(udp->rop_));
    udp->alloc_cb_ = NULL;
    udp->recv_cb_ = NULL;
    udp->send_queue_size_ = 0;
    udp->send_queue_count_ = 0;
    memset(&udp->from_, 0, sizeof(udp->from_));
    return 0;
}

static int asy__udp_ok(const asy_udp_t *u) {
    return u && u->type == ASY_HANDLE_UDP && !(u->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED));
}

static int asy__udp_ensure_fd(asy_udp_t *udp, int domain) {
    int fd;
    if (udp->fd_.io.fd >= 0) return 0;
    fd = asy__socket_fd(domain, SOCK_DGRAM);
    if (fd < 0) return fd;
    asy__opfd_init(&udp->fd_, fd, ASY__FD_SOCKET);
    return 0;
}

static void asy__udp_update_active(asy_udp_t *u) {
    if (u->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) return;
    if ((u->flags_ & ASY__SOCK_READING) || asy__opfd_busy(&u->fd_))
        asy__handle_start((asy_handle_t *)u);
    else
        asy__handle_stop((asy_handle_t *)u);
}

static int asy__udp_domain(const asy_addr_t *a) {
    int f = asy_addr_family(a);
    return f == 4 ? AF_INET : f == 6 ? AF_INET6 : -1;
}

ASYNCRT_API int asy_udp_open(asy_udp_t *udp, asy_os_sock_t fd) {
    int r;
    if (!asy__udp_ok(udp) || fd < 0) return ASY_EINVAL;
    if (udp->fd_.io.fd >= 0) return ASY_EBUSY;
    if ((r = asy__set_nonblock_cloexec(fd)) != 0) return r;
    asy__opfd_init(&udp->fd_, fd, ASY__FD_SOCKET | ASY__FD_SHARED);
    return 0;
}

ASYNCRT_API int asy_udp_bind(asy_udp_t *udp, const asy_addr_t *addr, unsigned flags) {
    int domain, r, fd, on = 1;
    if (!asy__udp_ok(udp) || !addr || (flags & ~(unsigned)(ASY_UDP_IPV6ONLY | ASY_UDP_REUSEADDR)))
        return ASY_EINVAL;
    domain = asy__udp_domain(addr);
    if (domain < 0) return ASY_EAFNOSUPPORT;
    if ((flags & ASY_UDP_IPV6ONLY) && domain != AF_INET6) return ASY_EINVAL;
    if ((r = asy__udp_ensure_fd(udp, domain)) != 0) return r;
    fd = udp->fd_.io.fd;
    if (flags & ASY_UDP_REUSEADDR) {
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0) return asy__errno();
#if defined(SO_REUSEPORT) && ASYNCRT_OS_BSD
        /* BSD needs SO_REUSEPORT for several sockets on one UDP port */
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0) return asy__errno();
#endif
    }
    if (domain == AF_INET6) {
        int v6only = (flags & ASY_UDP_IPV6ONLY) ? 1 : 0;
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) != 0)
            return asy__errno();
    }
    if (bind(fd, (const struct sockaddr *)(const void *)addr, (socklen_t)asy_addr_len(addr)) != 0)
        return asy__errno();
    return 0;
}

ASYNCRT_API int asy_udp_connect(asy_udp_t *udp, const asy_addr_t *addr) {
    int r;
    if (!asy__udp_ok(udp)) return ASY_EINVAL;
    if (!addr) {
        struct sockaddr sa;
        if (!(udp->flags_ & ASY__SOCK_CONNECTED)) return ASY_ENOTCONN;
        memset(&sa, 0, sizeof(sa));
        sa.sa_family = AF_UNSPEC;
        /* some systems report EAFNOSUPPORT while disconnecting fine */
        if (connect(udp->fd_.io.fd, &sa, sizeof(sa)) != 0 && errno != EAFNOSUPPORT)
            return asy__errno();
        udp->flags_ &= ~(unsigned)ASY__SOCK_CONNECTED;
        return 0;
    }
    if (asy__udp_domain(addr) < 0) return ASY_EAFNOSUPPORT;
    if (udp->flags_ & ASY__SOCK_CONNECTED) return ASY_EISCONN;
    if ((r = asy__udp_ensure_fd(udp, asy__udp_domain(addr))) != 0) return r;
    if (connect(udp->fd_.io.fd, (const struct sockaddr *)(const void *)addr,
                (socklen_t)asy_addr_len(addr)) != 0)
        return asy__errno();
    udp->flags_ |= ASY__SOCK_CONNECTED;
    return 0;
}

static void asy__udp_send_done(asy__op *op) {
    asy_udp_send_t *req = ASY_CONTAINER_OF(op, asy_udp_send_t, op_);
    asy_udp_t *u = req->handle;
    u->send_queue_size_ -= req->size_;
    u->send_queue_count_--;
    if (req->bufs_ != req->bufsml_) asy__free(req->bufs_);
    req->bufs_ = NULL;
    if (req->cb_) req->cb_(req, op->result < 0 ? (int)op->result : 0);
    else if (op->result < 0 && op->result != ASY_ECANCELED) /* Node: 'error' on the socket */
        asy_loop_uncaught(u->loop, (int)op->result, (const asy_handle_t *)u,
                          "send with no callback");
    asy__udp_update_active(u);
}

/* Checks the destination against the connected state; 0 or a code. */
static int asy__udp_dest(asy_udp_t *udp, const asy_addr_t *addr) {
    if (addr) {
        int domain = asy__udp_domain(addr);
        if (domain < 0) return ASY_EAFNOSUPPORT;
        if (udp->flags_ & ASY__SOCK_CONNECTED) return ASY_EISCONN;
        return asy__udp_ensure_fd(udp, domain);
    }
    return (udp->flags_ & ASY__SOCK_CONNECTED) ? 0 : ASY_EDESTADDRREQ;
}

ASYNCRT_API int asy_udp_send(asy_udp_send_t *req, asy_udp_t *udp, const asy_iov_t *bufs,
                             unsigned nbufs, const asy_addr_t *addr, asy_udp_send_cb cb) {
    size_t total;
    int r;
    if (!req || !asy__udp_ok(udp) || (!bufs && nbufs)) return ASY_EINVAL;
    if ((r = asy__udp_dest(udp, addr)) != 0) return r;
    memset(&req->op_, 0, sizeof(req->op_));
    req->bufs_ = asy__iov_copy(req->bufsml_, bufs, nbufs, &total);
    if (!req->bufs_) return ASY_ENOMEM;
    req->handle = udp;
    req->cb_ = cb;
    req->size_ = 0;
    req->op_.kind = ASY__OP_SENDMSG;
    req->op_.cb = asy__udp_send_done;
    req->op_.u.wv.iov = req->bufs_;
    req->op_.u.wv.n = nbufs;
    if (addr) {
        req->addr_ = *addr;
        req->op_.u.wv.addr = &req->addr_;
        req->op_.aux = (unsigned)asy_addr_len(addr);
    }
    r = asy__op_submit(udp->loop, &udp->fd_, &req->op_);
    if (r) {
        if (req->bufs_ != req->bufsml_) asy__free(req->bufs_);
        req->bufs_ = NULL;
        return r;
    }
    if (req->op_.state_ == ASY__OPS_QUEUED) req->size_ = total;
    udp->send_queue_size_ += req->size_;
    udp->send_queue_count_++;
    asy__udp_update_active(udp);
    return 0;
}

ASYNCRT_API ptrdiff_t asy_udp_try_send(asy_udp_t *udp, const asy_iov_t *bufs, unsigned nbufs,
                                       const asy_addr_t *addr) {
    int r;
    if (!asy__udp_ok(udp) || (!bufs && nbufs)) return ASY_EINVAL;
    if ((r = asy__udp_dest(udp, addr)) != 0) return r;
    return asy__opfd_try_write(udp->loop, &udp->fd_, bufs, nbufs, addr,
                               addr ? (unsigned)asy_addr_len(addr) : 0);
}

static void asy__udp_alloc(asy__op *op, size_t suggested) {
    asy_udp_t *u = ASY_CONTAINER_OF(op, asy_udp_t, rop_);
    asy_iov_t b;
    b.base = NULL;
    b.len = 0;
    u->alloc_cb_((asy_handle_t *)u, suggested, &b);
    /* no microtask drain here: we are inside the read itself, and a
     * drained task that closed the socket would pull the op from under
     * it; the drain follows the read callback */
    op->u.rw.base = (char *)b.base;
    op->u.rw.len = b.base ? b.len : 0;
}

static void asy__udp_arm(asy_udp_t *u) {
    asy__op *op = &u->rop_;
    op->kind = ASY__OP_RECVMSG;
    if (op->flags & ASY__OPF_BACKEND_BUF) {
        op->u.rw.base = NULL;
        op->u.rw.len = 0;
    }
    op->flags = (unsigned short)(u->alloc_cb_ ? 0 : ASY__OPF_BACKEND_BUF);
    op->u.rw.alloc = u->alloc_cb_ ? asy__udp_alloc : NULL;
    op->u.rw.addr = &u->from_;
}

static void asy__udp_recv_done(asy__op *op) {
    asy_udp_t *u = ASY_CONTAINER_OF(op, asy_udp_t, rop_);
    ptrdiff_t n = op->result;
    int backend_buf = (op->flags & ASY__OPF_BACKEND_BUF) != 0;
    asy_iov_t b;
    b.base = op->u.rw.base;
    b.len = backend_buf ? (n > 0 ? (size_t)n : 0) : op->u.rw.len;
    op->u.rw.base = NULL;
    op->u.rw.len = 0;
    if (n == ASY_ECANCELED) {
        if (b.base && !backend_buf) u->recv_cb_(u, 0, &b, NULL, 0);
    } else if (n < 0) {
        u->recv_cb_(u, n, &b, NULL, 0);
    } else {
        unsigned fl = (op->aux & MSG_TRUNC) ? ASY_UDP_PARTIAL : 0;
        u->recv_cb_(u, n, &b, &u->from_, fl);
    }
    if ((u->flags_ & ASY__SOCK_READING) && !(u->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) &&
        op->state_ == ASY__OPS_IDLE) {
        int r;
        asy__udp_arm(u);
        r = asy__op_submit(u->loop, &u->fd_, op);
        if (r) {
            u->flags_ &= ~(unsigned)ASY__SOCK_READING;
            b.base = NULL;
            b.len = 0;
            u->recv_cb_(u, r, &b, NULL, 0);
        }
    }
    asy__udp_update_active(u);
}

ASYNCRT_API int asy_udp_recv_start(asy_udp_t *udp, asy_alloc_cb alloc_cb,
                                   asy_udp_recv_cb recv_cb) {
    int r;
    if (!asy__udp_ok(udp) || !recv_cb) return ASY_EINVAL;
    /* like Node: receiving needs an address, so bind first (or send) */
    if (udp->fd_.io.fd < 0) return ASY_EBADF;
    udp->recv_cb_ = recv_cb;
    if (udp->flags_ & ASY__SOCK_READING) {
        if (udp->rop_.state_ != ASY__OPS_DONE &&
            (!udp->rop_.u.rw.base || (udp->rop_.flags & ASY__OPF_BACKEND_BUF))) {
            udp->alloc_cb_ = alloc_cb;
            asy__udp_arm(udp);
        }
        return 0;
    }
    udp->alloc_cb_ = alloc_cb;
    udp->flags_ |= ASY__SOCK_READING;
    if (udp->rop_.state_ == ASY__OPS_IDLE) {
        udp->rop_.cb = asy__udp_recv_done;
        udp->rop_.u.rw.base = NULL;
        asy__udp_arm(udp);
        r = asy__op_submit(udp->loop, &udp->fd_, &udp->rop_);
        if (r) {
            udp->flags_ &= ~(unsigned)ASY__SOCK_READING;
            return r;
        }
    }
    asy__udp_update_active(udp);
    return 0;
}

ASYNCRT_API int asy_udp_recv_stop(asy_udp_t *udp) {
    if (!udp || udp->type != ASY_HANDLE_UDP) return ASY_EINVAL;
    if (!(udp->flags_ & ASY__SOCK_READING)) return 0;
    udp->flags_ &= ~(unsigned)ASY__SOCK_READING;
    asy__op_cancel(udp->loop, &udp->rop_);
    asy__udp_update_active(udp);
    return 0;
}

ASY__INTERNAL void asy__udp_close(asy_udp_t *udp) {
    int fd = udp->fd_.io.fd;
    udp->flags_ &= ~(unsigned)ASY__SOCK_READING;
    asy__opfd_close(udp->loop, &udp->fd_);
    if (fd >= 0) close(fd);
}

static int asy__udp_name(const asy_udp_t *udp, asy_addr_t *addr, int peer) {
    socklen_t len = sizeof(*addr);
    if (!udp || udp->type != ASY_HANDLE_UDP || !addr) return ASY_EINVAL;
    if (udp->fd_.io.fd < 0) return ASY_EBADF;
    memset(addr, 0, sizeof(*addr));
    if ((peer ? getpeername(udp->fd_.io.fd, (struct sockaddr *)(void *)addr, &len)
              : getsockname(udp->fd_.io.fd, (struct sockaddr *)(void *)addr, &len)) != 0)
        return asy__errno();
    return 0;
}

ASYNCRT_API int asy_udp_getsockname(const asy_udp_t *udp, asy_addr_t *addr) {
    return asy__udp_name(udp, addr, 0);
}

ASYNCRT_API int asy_udp_getpeername(const asy_udp_t *udp, asy_addr_t *addr) {
    return asy__udp_name(udp, addr, 1);
}

/* The socket's family; a negative code when it has no fd. */
static int asy__udp_family(const asy_udp_t *udp) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (!udp || udp->fd_.io.fd < 0) return ASY_EBADF;
    memset(&ss, 0, sizeof(ss));
    if (getsockname(udp->fd_.io.fd, (struct sockaddr *)&ss, &len) != 0) return asy__errno();
    return ss.ss_family;
}

/* The sockaddr_in6 inside an IPv6 asy_addr_t (copied: no type punning). */
static struct sockaddr_in6 asy__sin6(const asy_addr_t *a) {
    struct sockaddr_in6 s;
    memcpy(&s, a, sizeof(s));
    return s;
}

static int asy__udp_setopt(asy_udp_t *udp, int level4, int opt4, int level6, int opt6,
                           int value, int as_char) {
    int fam = asy__udp_family(udp);
    unsigned char c = (unsigned char)value;
    int r;
    if (fam < 0) return fam;
    if (fam == AF_INET6)
        r = setsockopt(udp->fd_.io.fd, level6, opt6, &value, sizeof(value));
    else if (as_char)
        r = setsockopt(udp->fd_.io.fd, level4, opt4, &c, sizeof(c));
    else
        r = setsockopt(udp->fd_.io.fd, level4, opt4, &value, sizeof(value));
    return r == 0 ? 0 : asy__errno();
}

ASYNCRT_API int asy_udp_set_broadcast(asy_udp_t *udp, int on) {
    int v = on ? 1 : 0;
    if (!asy__udp_ok(udp)) return ASY_EINVAL;
    if (udp->fd_.io.fd < 0) return ASY_EBADF;
    return setsockopt(udp->fd_.io.fd, SOL_SOCKET, SO_BROADCAST, &v, sizeof(v)) == 0
               ? 0
               : asy__errno();
}

ASYNCRT_API int asy_udp_set_ttl(asy_udp_t *udp, int ttl) {
    if (!asy__udp_ok(udp) || ttl < 1 || ttl > 255) return ASY_EINVAL;
    return asy__udp_setopt(udp, IPPROTO_IP, IP_TTL, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl, 0);
}

ASYNCRT_API int asy_udp_set_multicast_ttl(asy_udp_t *udp, int ttl) {
    if (!asy__udp_ok(udp) || ttl < 0 || ttl > 255) return ASY_EINVAL;
    return asy__udp_setopt(udp, IPPROTO_IP, IP_MULTICAST_TTL, IPPROTO_IPV6,
                           IPV6_MULTICAST_HOPS, ttl, ASY__MCAST_CHAR);
}

ASYNCRT_API int asy_udp_set_multicast_loop(asy_udp_t *udp, int on) {
    if (!asy__udp_ok(udp)) return ASY_EINVAL;
    return asy__udp_setopt(udp, IPPROTO_IP, IP_MULTICAST_LOOP, IPPROTO_IPV6,
                           IPV6_MULTICAST_LOOP, on ? 1 : 0, ASY__MCAST_CHAR);
}

ASYNCRT_API int asy_udp_set_multicast_interface(asy_udp_t *udp, const char *iface) {
    int fam;
    if (!asy__udp_ok(udp)) return ASY_EINVAL;
    fam = asy__udp_family(udp);
    if (fam < 0) return fam;
    if (fam == AF_INET6) {
        unsigned idx = 0;
        asy_addr_t a;
        if (iface && asy_ip6_addr(iface, 0, &a) != 0) return ASY_EINVAL;
        if (iface) idx = asy__sin6(&a).sin6_scope_id;
        return setsockopt(udp->fd_.io.fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) == 0
                   ? 0
                   : asy__errno();
    } else {
        struct in_addr in;
        in.s_addr = htonl(INADDR_ANY);
        if (iface && inet_pton(AF_INET, iface, &in) != 1) return ASY_EINVAL;
        return setsockopt(udp->fd_.io.fd, IPPROTO_IP, IP_MULTICAST_IF, &in, sizeof(in)) == 0
                   ? 0
                   : asy__errno();
    }
}

ASYNCRT_API int asy_udp_set_membership(asy_udp_t *udp, const char *group, const char *iface,
                                       asy_membership_t membership) {
    int r;
    if (!asy__udp_ok(udp) || !group ||
        (membership != ASY_JOIN_GROUP && membership != ASY_LEAVE_GROUP))
        return ASY_EINVAL;
    if (strchr(group, ':')) {
        struct ipv6_mreq m;
        asy_addr_t a;
        if ((r = asy_ip6_addr(group, 0, &a)) != 0) return r;
        if ((r = asy__udp_ensure_fd(udp, AF_INET6)) != 0) return r;
        memset(&m, 0, sizeof(m));
        m.ipv6mr_multiaddr = asy__sin6(&a).sin6_addr;
        if (iface) {
            asy_addr_t ia;
            if (asy_ip6_addr(iface, 0, &ia) != 0) return ASY_EINVAL;
            m.ipv6mr_interface = asy__sin6(&ia).sin6_scope_id;
        }
        r = setsockopt(udp->fd_.io.fd, IPPROTO_IPV6,
                       membership == ASY_JOIN_GROUP ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &m,
                       sizeof(m));
    } else {
        struct ip_mreq m;
        memset(&m, 0, sizeof(m));
        if (inet_pton(AF_INET, group, &m.imr_multiaddr) != 1) return ASY_EINVAL;
        m.imr_interface.s_addr = htonl(INADDR_ANY);
        if (iface && inet_pton(AF_INET, iface, &m.imr_interface) != 1) return ASY_EINVAL;
        if ((r = asy__udp_ensure_fd(udp, AF_INET)) != 0) return r;
        r = setsockopt(udp->fd_.io.fd, IPPROTO_IP,
                       membership == ASY_JOIN_GROUP ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m,
                       sizeof(m));
    }
    return r == 0 ? 0 : asy__errno();
}

ASYNCRT_API size_t asy_udp_send_queue_size(const asy_udp_t *udp) {
    return udp ? udp->send_queue_size_ : 0;
}

ASYNCRT_API size_t asy_udp_send_queue_count(const asy_udp_t *udp) {
    return udp ? udp->send_queue_count_ : 0;
}
