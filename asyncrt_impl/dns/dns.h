/* DNS through the system resolver (Node's dns.lookup and
 * dns.lookupService): getaddrinfo / getnameinfo run on the loop's thread
 * pool in the SLOW_IO class, so lookups never hold more than half the
 * threads.  Results are owned by the library: valid during the callback,
 * freed when it returns.  Failures are ASY_EAI_* codes (ASY_EAI_NONAME:
 * Node's ENOTFOUND), or ASY_ECANCELED after a cancel. */
#pragma once
#include "../loop/handle.h"
#include "../promise/promise.h"
#include "../pool/pool.h"

/* One resolved address. */
typedef struct {
    int family;        /* 4 or 6, as Node reports it */
    char address[46];  /* "127.0.0.1", "::1" */
    unsigned addrlen;  /* bytes of sockaddr in use */
    /* a struct sockaddr_in or sockaddr_in6, with the service's port (0
     * without a service): cast &a->sockaddr to const struct sockaddr * */
    uint64_t sockaddr[4];
} asy_dns_address_t;

/* Node's dns.ADDRCONFIG, dns.V4MAPPED and dns.ALL getaddrinfo hints. */
enum { ASY_DNS_ADDRCONFIG = 1, ASY_DNS_V4MAPPED = 2, ASY_DNS_ALL = 4 };

/* Zero-initialised = defaults; NULL: all defaults. */
typedef struct {
    int family; /* 0: any, 4: IPv4 only, 6: IPv6 only */
    int hints;  /* ASY_DNS_* */
} asy_dns_lookup_opts_t;

typedef struct asy_dns_lookup_s asy_dns_lookup_t;
/* status 0: count >= 1 addresses in the resolver's order (Node's
 * verbatim order); else addrs is NULL and count 0. */
typedef void (*asy_dns_lookup_cb)(asy_dns_lookup_t *req, int status,
                                  const asy_dns_address_t *addrs, size_t count);

struct asy_dns_lookup_s {
    void *data; /* for the caller */
    asy_loop_t *loop;
    /* -- private -- */
    asy_dns_lookup_cb cb_;
    asy_work_t work_;
    char *node_, *service_;
    int family_, hints_, status_;
    asy_dns_address_t *addrs_;
    size_t naddrs_;
};

/* Every address of hostname (dns.lookup with {all: true}). */
ASYNCRT_API int asy_dns_lookup(asy_loop_t *loop, asy_dns_lookup_t *req, const char *hostname,
                               const asy_dns_lookup_opts_t *opts, asy_dns_lookup_cb cb);
/* The same with a service (a port number or a name from /etc/services)
 * whose port goes into each sockaddr; node may be NULL (local addresses).
 * At least one of node and service. */
ASYNCRT_API int asy_getaddrinfo(asy_loop_t *loop, asy_dns_lookup_t *req, const char *node,
                                const char *service, const asy_dns_lookup_opts_t *opts,
                                asy_dns_lookup_cb cb);
/* 0, and the callback gets ASY_ECANCELED; ASY_EBUSY once it has started. */
ASYNCRT_API int asy_dns_lookup_cancel(asy_dns_lookup_t *req);

/* ---- reverse: dns.lookupService / getnameinfo ---------------------------- */
/* getnameinfo flags (POSIX NI_* meanings). */
enum {
    ASY_NI_NUMERICHOST = 1,
    ASY_NI_NUMERICSERV = 2,
    ASY_NI_NAMEREQD = 4,
    ASY_NI_DGRAM = 8,
    ASY_NI_NOFQDN = 16
};

typedef struct asy_dns_service_s asy_dns_service_t;
typedef void (*asy_dns_service_cb)(asy_dns_service_t *req, int status, const char *hostname,
                                   const char *service);

struct asy_dns_service_s {
    void *data; /* for the caller */
    asy_loop_t *loop;
    /* -- private -- */
    asy_dns_service_cb cb_;
    asy_work_t work_;
    uint64_t sa_[16]; /* a sockaddr_storage */
    unsigned salen_;
    int flags_, status_;
    char host_[1025];
    char service_[32];
};

/* Node's dns.lookupService(address, port): the host name (a name is
 * required, NI_NAMEREQD) and service of a numeric address. */
ASYNCRT_API int asy_dns_lookup_service(asy_loop_t *loop, asy_dns_service_t *req,
                                       const char *address, unsigned port,
                                       asy_dns_service_cb cb);
/* getnameinfo on a struct sockaddr_in / sockaddr_in6 with ASY_NI_* flags. */
ASYNCRT_API int asy_getnameinfo(asy_loop_t *loop, asy_dns_service_t *req, const void *sockaddr,
                                unsigned len, int flags, asy_dns_service_cb cb);
ASYNCRT_API int asy_dns_service_cancel(asy_dns_service_t *req);

/* ---- dns/promises ---------------------------------------------------------- */
/* What asy_dnsp_lookup fulfils with: every address, in one block the
 * promise owns (valid while a promise holding it is alive). */
typedef struct {
    size_t count;
    asy_dns_address_t *addrs;
} asy_dns_addresses_t;
/* dns.promises.lookup(hostname, {all: true}): rejects with the ASY_EAI_*
 * code and "getaddrinfo EAI_NONAME hostname" (Node's message shape).  NULL
 * only when out of memory or on bad arguments. */
ASYNCRT_API asy_promise_t *asy_dnsp_lookup(asy_loop_t *loop, const char *hostname,
                                           const asy_dns_lookup_opts_t *opts);
