/* asy_addr_t must hold a struct sockaddr_storage. */
#include "net.internal.h"
#include "../base/errors.h"
typedef char asy__addr_size_check[sizeof(asy_addr_t) >= sizeof(struct sockaddr_storage) ? 1 : -1];

static int asy__port_ok(int port) { return port >= 0 && port <= 65535; }

/* asy_addr_t is filled and read through memcpy only: its storage is
 * uint64_t, and the sockaddr types must not alias it. */
ASYNCRT_API int asy_ip4_addr(const char *ip, int port, asy_addr_t *out) {
    struct sockaddr_in sin;
    if (!ip || !out) return ASY_EINVAL;
    if (!asy__port_ok(port)) return ASY_ERANGE;
    memset(out, 0, sizeof(*out));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1) return ASY_EINVAL;
    memcpy(out, &sin, sizeof(sin));
    return 0;
}

ASYNCRT_API int asy_ip6_addr(const char *ip, int port, asy_addr_t *out) {
    struct sockaddr_in6 sin;
    struct sockaddr_in6 *sin6 = &sin;
    char tmp[64];
    const char *pct;
    if (!ip || !out) return ASY_EINVAL;
    if (!asy__port_ok(port)) return ASY_ERANGE;
    memset(out, 0, sizeof(*out));
    memset(&sin, 0, sizeof(sin));
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t)port);
    pct = strchr(ip, '%');
    if (pct) { /* a zone: fe80::1%eth0 */
        size_t n = (size_t)(pct - ip);
        if (n >= sizeof(tmp)) return ASY_EINVAL;
        memcpy(tmp, ip, n);
        tmp[n] = 0;
        sin6->sin6_scope_id = if_nametoindex(pct + 1);
        if (sin6->sin6_scope_id == 0) sin6->sin6_scope_id = (uint32_t)atoi(pct + 1);
        ip = tmp;
    }
    if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) != 1) return ASY_EINVAL;
    memcpy(out, &sin, sizeof(sin));
    return 0;
}

ASYNCRT_API int asy_ip_addr(const char *ip, int port, asy_addr_t *out) {
    if (!ip) return ASY_EINVAL;
    return strchr(ip, ':') ? asy_ip6_addr(ip, port, out) : asy_ip4_addr(ip, port, out);
}

ASYNCRT_API int asy_addr_from_sockaddr(asy_addr_t *out, const void *sa, size_t len) {
    if (!out || !sa || len < sizeof(sa_family_t) || len > sizeof(*out)) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    memcpy(out, sa, len);
    return 0;
}

static int asy__addr_af(const asy_addr_t *a) {
    struct sockaddr sa;
    memcpy(&sa, a, sizeof(sa));
    return sa.sa_family;
}

ASYNCRT_API int asy_addr_family(const asy_addr_t *a) {
    if (!a) return 0;
    switch (asy__addr_af(a)) {
        case AF_INET:
            return 4;
        case AF_INET6:
            return 6;
        default:
            return 0;
    }
}

ASYNCRT_API int asy_addr_port(const asy_addr_t *a) {
    if (!a) return ASY_EINVAL;
    if (asy__addr_af(a) == AF_INET) {
        struct sockaddr_in sin;
        memcpy(&sin, a, sizeof(sin));
        return ntohs(sin.sin_port);
    }
    if (asy__addr_af(a) == AF_INET6) {
        struct sockaddr_in6 sin6;
        memcpy(&sin6, a, sizeof(sin6));
        return ntohs(sin6.sin6_port);
    }
    return ASY_EAFNOSUPPORT;
}

ASYNCRT_API int asy_addr_ip(const asy_addr_t *a, char *buf, size_t len) {
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    const void *src;
    int af;
    if (!a || !buf || len == 0) return ASY_EINVAL;
    af = asy__addr_af(a);
    if (af == AF_INET) {
        memcpy(&sin, a, sizeof(sin));
        src = &sin.sin_addr;
    } else if (af == AF_INET6) {
        memcpy(&sin6, a, sizeof(sin6));
        src = &sin6.sin6_addr;
    } else {
        return ASY_EAFNOSUPPORT;
    }
    if (!inet_ntop(af, src, buf, (socklen_t)(len > 4096 ? 4096 : len))) return ASY_ENOSPC;
    return (int)strlen(buf);
}

ASYNCRT_API size_t asy_addr_len(const asy_addr_t *a) {
    if (!a) return 0;
    switch (asy__addr_af(a)) {
        case AF_INET:
            return sizeof(struct sockaddr_in);
        case AF_INET6:
            return sizeof(struct sockaddr_in6);
        case AF_UNIX:
            return sizeof(struct sockaddr_un);
        default:
            return 0;
    }
}
