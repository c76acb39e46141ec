/* dns.lookup: getaddrinfo on a pool thread, every address returned. */
#include "dns.h"
#include "dns.internal.h"
#include "../loop/handle.h"
#include "../pool/pool.internal.h"

static void asy__lookup_work(asy_work_t *w) {
    asy_dns_lookup_t *req = ASY_CONTAINER_OF(w, asy_dns_lookup_t, work_);
    struct addrinfo hints, *res = NULL, *ai;
    size_t n = 0, i = 0;
    int r;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = req->family_ == 4 ? AF_INET : req->family_ == 6 ? AF_INET6 : AF_UNSPEC;
    /* one entry per address, as Node asks for (else one per socket type) */
    hints.ai_socktype = SOCK_STREAM;
    if (req->hints_ & ASY_DNS_ADDRCONFIG) hints.ai_flags |= AI_ADDRCONFIG;
    if (req->hints_ & ASY_DNS_V4MAPPED) hints.ai_flags |= AI_V4MAPPED;
    if (req->hints_ & ASY_DNS_ALL) hints.ai_flags |= AI_ALL;
    errno = 0;
    r = getaddrinfo(req->node_, req->service_, &hints, &res);
    if (r != 0) {
        req->status_ = asy__eai_error(r);
        return;
    }
    for (ai = res; ai; ai = ai->ai_next)
        if ((ai->ai_family == AF_INET || ai->ai_family == AF_INET6) &&
            ai->ai_addrlen <= sizeof(req->addrs_[0].sockaddr))
            n++;
    if (n == 0) {
        freeaddrinfo(res);
        req->status_ = ASY_EAI_NODATA;
        return;
    }
    if (!(req->addrs_ = (asy_dns_address_t *)asy__calloc(n, sizeof(asy_dns_address_t)))) {
        freeaddrinfo(res);
        req->status_ = ASY_ENOMEM;
        return;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        asy_dns_address_t *a = &req->addrs_[i];
        const void *bin;
        if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
            ai->ai_addrlen > sizeof(a->sockaddr))
            continue;
        a->family = ai->ai_family == AF_INET ? 4 : 6;
        a->addrlen = (unsigned)ai->ai_addrlen;
        memcpy(a->sockaddr, ai->ai_addr, ai->ai_addrlen);
        bin = ai->ai_family == AF_INET
                  ? (const void *)&((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr
                  : (const void *)&((const struct sockaddr_in6 *)(const void *)ai->ai_addr)->sin6_addr;
        inet_ntop(ai->ai_family, bin, a->address, sizeof(a->address));
        i++;
    }
    freeaddrinfo(res);
    req->naddrs_ = n;
    req->status_ = 0;
}

static void asy__lookup_done(asy_work_t *w, int status) {
    asy_dns_lookup_t *req = ASY_CONTAINER_OF(w, asy_dns_lookup_t, work_);
    /* saved first: the callback may free or reuse req */
    asy_dns_address_t *addrs = req->addrs_;
    size_t n = req->naddrs_;
    char *node = req->node_, *service = req->service_;
    int st = status < 0 ? status : req->status_;
    req->addrs_ = NULL;
    req->node_ = req->service_ = NULL;
    req->cb_(req, st, st == 0 ? addrs : NULL, st == 0 ? n : 0);
    asy__free(addrs);
    asy__free(node);
    asy__free(service);
}

ASYNCRT_API int asy_getaddrinfo(asy_loop_t *loop, asy_dns_lookup_t *req, const char *node,
                                const char *service, const asy_dns_lookup_opts_t *opts,
                                asy_dns_lookup_cb cb) {
    int family = opts ? opts->family : 0, hints = opts ? opts->hints : 0, r;
    if (!loop || !req || !cb || (!node && !service)) return ASY_EINVAL;
    if ((family != 0 && family != 4 && family != 6) ||
        (hints & ~(ASY_DNS_ADDRCONFIG | ASY_DNS_V4MAPPED | ASY_DNS_ALL)))
        return ASY_EINVAL;
    req->loop = loop;
    req->cb_ = cb;
    req->family_ = family;
    req->hints_ = hints;
    req->status_ = 0;
    req->addrs_ = NULL;
    req->naddrs_ = 0;
    req->node_ = node ? asy__strdup(node) : NULL;
    req->service_ = service ? asy__strdup(service) : NULL;
    if ((node && !req->node_) || (service && !req->service_)) {
        r = ASY_ENOMEM;
    } else {
        r = asy__pool_submit(loop, &req->work_, ASY_WORK_SLOW_IO, asy__lookup_work,
                             asy__lookup_done);
    }
    if (r) {
        asy__free(req->node_);
        asy__free(req->service_);
        req->node_ = req->service_ = NULL;
    }
    return r;
}

ASYNCRT_API int asy_dns_lookup(asy_loop_t *loop, asy_dns_lookup_t *req, const char *hostname,
                               const asy_dns_lookup_opts_t *opts, asy_dns_lookup_cb cb) {
    if (!hostname) return ASY_EINVAL;
    return asy_getaddrinfo(loop, req, hostname, NULL, opts, cb);
}

ASYNCRT_API int asy_dns_lookup_cancel(asy_dns_lookup_t *req) {
    if (!req) return ASY_EINVAL;
    return asy_work_cancel(&req->work_);
}
