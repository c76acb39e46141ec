/* dns.lookupService: getnameinfo on a pool thread. */
#include "dns.h"
#include "dns.internal.h"
#include "../base/errors.h"
#include "../loop/handle.h"
#include "../pool/pool.internal.h"

static void asy__service_work(asy_work_t *w) {
    asy_dns_service_t *req = ASY_CONTAINER_OF(w, asy_dns_service_t, work_);
    int flags = 0, r;
    if (req->flags_ & ASY_NI_NUMERICHOST) flags |= NI_NUMERICHOST;
    if (req->flags_ & ASY_NI_NUMERICSERV) flags |= NI_NUMERICSERV;
    if (req->flags_ & ASY_NI_NAMEREQD) flags |= NI_NAMEREQD;
    if (req->flags_ & ASY_NI_DGRAM) flags |= NI_DGRAM;
    if (req->flags_ & ASY_NI_NOFQDN) flags |= NI_NOFQDN;
    errno = 0;
    r = getnameinfo((const struct sockaddr *)(const void *)req->sa_, (socklen_t)req->salen_,
                    req->host_, sizeof(req->host_), req->service_, sizeof(req->service_), flags);
    req->status_ = r ? asy__eai_error(r) : 0;
}

static void asy__service_done(asy_work_t *w, int status) {
    asy_dns_service_t *req = ASY_CONTAINER_OF(w, asy_dns_service_t, work_);
    int st = status < 0 ? status : req->status_;
    req->cb_(req, st, st == 0 ? req->host_ : NULL, st == 0 ? req->service_ : NULL);
}

ASYNCRT_API int asy_getnameinfo(asy_loop_t *loop, asy_dns_service_t *req, const void *sa,
                                unsigned len, int flags, asy_dns_service_cb cb) {
    int family;
    if (!loop || !req || !sa || !cb || len > sizeof(req->sa_) ||
        (flags & ~(ASY_NI_NUMERICHOST | ASY_NI_NUMERICSERV | ASY_NI_NAMEREQD | ASY_NI_DGRAM |
                   ASY_NI_NOFQDN)))
        return ASY_EINVAL;
    family = ((const struct sockaddr *)sa)->sa_family;
    if ((family == AF_INET && len < sizeof(struct sockaddr_in)) ||
        (family == AF_INET6 && len < sizeof(struct sockaddr_in6)) ||
        (family != AF_INET && family != AF_INET6))
        return ASY_EINVAL;
    req->loop = loop;
    req->cb_ = cb;
    memcpy(req->sa_, sa, len);
    req->salen_ = len;
    req->flags_ = flags;
    req->status_ = 0;
    req->host_[0] = req->service_[0] = 0;
    return asy__pool_submit(loop, &req->work_, ASY_WORK_SLOW_IO, asy__service_work,
                            asy__service_done);
}

ASYNCRT_API int asy_dns_lookup_service(asy_loop_t *loop, asy_dns_service_t *req,
                                       const char *address, unsigned port,
                                       asy_dns_service_cb cb) {
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    if (!address || port > 65535) return ASY_EINVAL;
    memset(&in4, 0, sizeof(in4));
    memset(&in6, 0, sizeof(in6));
    if (inet_pton(AF_INET, address, &in4.sin_addr) == 1) {
        in4.sin_family = AF_INET;
        in4.sin_port = htons((uint16_t)port);
        return asy_getnameinfo(loop, req, &in4, sizeof(in4), ASY_NI_NAMEREQD, cb);
    }
    if (inet_pton(AF_INET6, address, &in6.sin6_addr) == 1) {
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons((uint16_t)port);
        return asy_getnameinfo(loop, req, &in6, sizeof(in6), ASY_NI_NAMEREQD, cb);
    }
    return ASY_EINVAL;
}

ASYNCRT_API int asy_dns_service_cancel(asy_dns_service_t *req) {
    if (!req) return ASY_EINVAL;
    return asy_work_cancel(&req->work_);
}
