/* dns.lookup and dns.lookupService through the system resolver, on the
 * pool's slow-io class (never more than half the threads):
 *
 *   const addrs = await dns.promises.lookup("localhost", { all: true });
 *   dns.lookupService("127.0.0.1", 22, (err, hostname, service) => ...);
 *
 *   build/examples/dns_lookup [hostname]     (default: localhost) */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>

static asy_loop_t loop;

static void print_all(void *arg, const asy_settled_t *in) {
    const asy_dns_addresses_t *a = (const asy_dns_addresses_t *)in->value;
    size_t i;
    if (in->state == ASY_PROMISE_REJECTED) {
        printf("lookup %s failed: %s\n", (const char *)arg, in->message);
        return;
    }
    for (i = 0; i < a->count; i++)
        printf("%s -> { address: '%s', family: %d }\n", (const char *)arg, a->addrs[i].address,
               a->addrs[i].family);
}

static void on_service(asy_dns_service_t *req, int status, const char *host, const char *service) {
    (void)req;
    if (status) printf("lookupService failed: %s\n", asy_err_name(status));
    else printf("127.0.0.1:22 -> %s %s\n", host, service);
}

int main(int argc, char **argv) {
    const char *host = argc > 1 ? argv[1] : "localhost";
    asy_dns_service_t sreq;
    asy_promise_t *p;
    asy_loop_init(&loop, NULL);
    p = asy_dnsp_lookup(&loop, host, NULL);
    asy_promise_on_settled(p, print_all, (void *)host);
    asy_dns_lookup_service(&loop, &sreq, "127.0.0.1", 22, on_service);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_promise_release(p);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
