/* dns/promises over the callback API. */
#include "dns.h"
#include "../base/sys.internal.h"
#include "../loop/handle.h"
#include "../promise/promise.h"

typedef struct {
    asy_dns_lookup_t req;
    asy_promise_t *promise;
    char *host;
} asy__dnsp_op;

static void asy__dnsp_done(asy_dns_lookup_t *req, int status, const asy_dns_address_t *addrs,
                           size_t count) {
    asy__dnsp_op *op = ASY_CONTAINER_OF(req, asy__dnsp_op, req);
    if (status == 0) {
        /* the addresses are freed when this callback returns: copy them */
        asy_dns_addresses_t *out = (asy_dns_addresses_t *)asy__malloc(
            sizeof(asy_dns_addresses_t) + count * sizeof(asy_dns_address_t));
        if (!out) {
            status = ASY_ENOMEM;
        } else {
            out->count = count;
            out->addrs = (asy_dns_address_t *)(void *)(out + 1);
            memcpy(out->addrs, addrs, count * sizeof(asy_dns_address_t));
            asy_promise_settle(op->promise, asy_ok_owned(out, asy__free));
        }
    }
    if (status != 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "getaddrinfo %s %s", asy_err_name(status), op->host);
        asy_promise_reject(op->promise, status, msg);
    }
    asy_promise_release(op->promise);
    asy__free(op->host);
    asy__free(op);
}

ASYNCRT_API asy_promise_t *asy_dnsp_lookup(asy_loop_t *loop, const char *hostname,
                                           const asy_dns_lookup_opts_t *opts) {
    asy__dnsp_op *op;
    asy_promise_t *p;
    if (!loop || !hostname) return NULL;
    if (!(op = (asy__dnsp_op *)asy__calloc(1, sizeof(*op)))) return NULL;
    if (!(op->host = asy__strdup(hostname)) || !(p = asy_promise_new(loop))) {
        asy__free(op->host);
        asy__free(op);
        return NULL;
    }
    op->promise = asy_promise_retain(p);
    if (asy_dns_lookup(loop, &op->req, hostname, opts, asy__dnsp_done) != 0) {
        asy_promise_release(op->promise);
        asy_promise_release(p);
        asy__free(op->host);
        asy__free(op);
        return NULL;
    }
    return p;
}
