/* DNS: lookup and lookupService through the system resolver.  Only
 * localhost and numeric addresses: no network traffic. */
#include "../asyncrt.h"
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

static asy_loop_t L;

static struct {
    int called, status;
    size_t count;
    asy_dns_address_t addrs[16];
} got;

static void keep_cb(asy_dns_lookup_t *req, int status, const asy_dns_address_t *addrs,
                    size_t count) {
    size_t i;
    (void)req;
    got.called++;
    got.status = status;
    got.count = count;
    if (status == 0) ASSERT_NOT_NULL(addrs);
    for (i = 0; i < count && i < 16; i++) got.addrs[i] = addrs[i];
}

static void run_lookup(const char *host, const char *service, int family) {
    asy_dns_lookup_t req;
    asy_dns_lookup_opts_t o;
    memset(&got, 0, sizeof(got));
    memset(&o, 0, sizeof(o));
    o.family = family;
    ASSERT_OK(asy_getaddrinfo(&L, &req, host, service, &o, keep_cb));
    ASSERT_EQ(got.called, 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(got.called, 1);
}

TEST(dns_lookup_localhost_all_addresses) {
    size_t i;
    ASSERT_OK(asy_loop_init(&L, NULL));
    run_lookup("localhost", NULL, 0);
    ASSERT_EQ(got.status, 0);
    ASSERT_GE(got.count, 1);
    for (i = 0; i < got.count; i++) {
        const asy_dns_address_t *a = &got.addrs[i];
        const struct sockaddr *sa = (const struct sockaddr *)(const void *)a->sockaddr;
        if (a->family == 4) {
            ASSERT_STR_EQ(a->address, "127.0.0.1");
            ASSERT_EQ(sa->sa_family, AF_INET);
            ASSERT_EQ(a->addrlen, sizeof(struct sockaddr_in));
        } else {
            ASSERT_EQ(a->family, 6);
            ASSERT_STR_EQ(a->address, "::1");
            ASSERT_EQ(sa->sa_family, AF_INET6);
        }
    }
    ASSERT_OK(asy_loop_close(&L));
}

TEST(dns_lookup_numeric_and_family) {
    const struct sockaddr_in *in;
    const struct sockaddr_in6 *in6;
    ASSERT_OK(asy_loop_init(&L, NULL));
    run_lookup("127.0.0.1", NULL, 4);
    ASSERT_EQ(got.status, 0);
    ASSERT_EQ(got.count, 1);
    ASSERT_EQ(got.addrs[0].family, 4);
    ASSERT_STR_EQ(got.addrs[0].address, "127.0.0.1");
    in = (const struct sockaddr_in *)(const void *)got.addrs[0].sockaddr;
    ASSERT_EQ(ntohl(in->sin_addr.s_addr), 0x7f000001);
    ASSERT_EQ(in->sin_port, 0);
    run_lookup("::1", NULL, 6);
    ASSERT_EQ(got.status, 0);
    ASSERT_EQ(got.count, 1);
    ASSERT_EQ(got.addrs[0].family, 6);
    ASSERT_STR_EQ(got.addrs[0].address, "::1");
    in6 = (const struct sockaddr_in6 *)(const void *)got.addrs[0].sockaddr;
    ASSERT_EQ(in6->sin6_addr.s6_addr[15], 1);
    /* localhost restricted to IPv4 */
    run_lookup("localhost", NULL, 4);
    ASSERT_EQ(got.status, 0);
    ASSERT_EQ(got.addrs[0].family, 4);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(dns_getaddrinfo_with_service_sets_port) {
    const struct sockaddr_in *in;
    ASSERT_OK(asy_loop_init(&L, NULL));
    run_lookup("127.0.0.1", "8080", 0);
    ASSERT_EQ(got.status, 0);
    in = (const struct sockaddr_in *)(const void *)got.addrs[0].sockaddr;
    ASSERT_EQ(ntohs(in->sin_port), 8080);
    run_lookup("127.0.0.1", "no-such-service-name", 0);
    ASSERT_EQ(got.status, ASY_EAI_SERVICE);
    ASSERT_EQ(got.count, 0);
    ASSERT_OK(asy_loop_close(&L));
}

static int svc_called, svc_status;
static char svc_host[256], svc_serv[64];
static void svc_cb(asy_dns_service_t *req, int status, const char *host, const char *service) {
    (void)req;
    svc_called++;
    svc_status = status;
    if (status == 0) {
        snprintf(svc_host, sizeof svc_host, "%s", host);
        snprintf(svc_serv, sizeof svc_serv, "%s", service);
    } else {
        ASSERT_NULL(host);
        ASSERT_NULL(service);
    }
}

TEST(dns_lookup_service_and_getnameinfo) {
    asy_dns_service_t req;
    struct sockaddr_in6 in6;
    ASSERT_OK(asy_loop_init(&L, NULL));
    /* 127.0.0.1 is "localhost" in /etc/hosts; port 22 is ssh where
     * /etc/services lists it, else the number */
    ASSERT_OK(asy_dns_lookup_service(&L, &req, "127.0.0.1", 22, svc_cb));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(svc_called, 1);
    ASSERT_EQ(svc_status, 0);
    ASSERT_STR_EQ(svc_host, "localhost");
    ASSERT(strcmp(svc_serv, "ssh") == 0 || strcmp(svc_serv, "22") == 0);
    /* numeric host and service: no lookup at all */
    memset(&in6, 0, sizeof(in6));
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(8443);
    inet_pton(AF_INET6, "::1", &in6.sin6_addr);
    ASSERT_OK(asy_getnameinfo(&L, &req, &in6, sizeof(in6), ASY_NI_NUMERICHOST | ASY_NI_NUMERICSERV,
                              svc_cb));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(svc_called, 2);
    ASSERT_STR_EQ(svc_host, "::1");
    ASSERT_STR_EQ(svc_serv, "8443");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(dns_bad_arguments) {
    asy_dns_lookup_t req;
    asy_dns_service_t sreq;
    asy_dns_lookup_opts_t o;
    struct sockaddr_in in;
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    ASSERT_ERR(asy_dns_lookup(&L, &req, NULL, NULL, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_dns_lookup(NULL, &req, "localhost", NULL, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_dns_lookup(&L, &req, "localhost", NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_getaddrinfo(&L, &req, NULL, NULL, NULL, keep_cb), ASY_EINVAL);
    o.family = 5;
    ASSERT_ERR(asy_dns_lookup(&L, &req, "localhost", &o, keep_cb), ASY_EINVAL);
    o.family = 0;
    o.hints = 64;
    ASSERT_ERR(asy_dns_lookup(&L, &req, "localhost", &o, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_dns_lookup_service(&L, &sreq, "not an address", 80, svc_cb), ASY_EINVAL);
    ASSERT_ERR(asy_dns_lookup_service(&L, &sreq, "127.0.0.1", 70000, svc_cb), ASY_EINVAL);
    memset(&in, 0, sizeof(in));
    in.sin_family = AF_INET;
    ASSERT_ERR(asy_getnameinfo(&L, &sreq, &in, 4, 0, svc_cb), ASY_EINVAL); /* too short */
    ASSERT_ERR(asy_getnameinfo(&L, &sreq, &in, sizeof(in), 256, svc_cb), ASY_EINVAL);
    in.sin_family = AF_UNIX;
    ASSERT_ERR(asy_getnameinfo(&L, &sreq, &in, sizeof(in), 0, svc_cb), ASY_EINVAL);
    ASSERT_EQ(asy_loop_alive(&L), 0);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- the slow-io class ------------------------------------------------- */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static int g_open, g_started;
static void gate_work(asy_work_t *w) {
    (void)w;
    pthread_mutex_lock(&g_mu);
    g_started++;
    while (!g_open) pthread_cond_wait(&g_cv, &g_mu);
    pthread_mutex_unlock(&g_mu);
}
static int gate_done_n;
static void gate_done(asy_work_t *w, int status) {
    (void)w;
    ASSERT_EQ(status, 0);
    gate_done_n++;
}
static void wait_started(int n) {
    int s = 0, i;
    struct timespec ts = {0, 1000000};
    for (i = 0; i < 3000 && s < n; i++) {
        pthread_mutex_lock(&g_mu);
        s = g_started;
        pthread_mutex_unlock(&g_mu);
        if (s < n) nanosleep(&ts, NULL);
    }
    ASSERT_EQ(s, n);
}
static void open_gate(void) {
    pthread_mutex_lock(&g_mu);
    g_open = 1;
    pthread_cond_broadcast(&g_cv);
    pthread_mutex_unlock(&g_mu);
}
static int cpu_done_n;
static void nop_work(asy_work_t *w) { (void)w; }
static void cpu_done(asy_work_t *w, int status) {
    (void)w;
    ASSERT_EQ(status, 0);
    cpu_done_n++;
}

/* Pool of 4: two slow jobs fill the slow half; a lookup then waits behind
 * them while cpu work still runs on the other half. */
TEST_T(dns_lookups_are_slow_io_and_wait_for_the_slow_half, 10000) {
    asy_work_t slow[2], cpu;
    asy_dns_lookup_t req;
    asy_pool_stats_t s;
    int i;
    ASSERT_OK(asy_loop_init(&L, NULL));
    for (i = 0; i < 2; i++)
        ASSERT_OK(asy_queue_work_class(&L, &slow[i], ASY_WORK_SLOW_IO, gate_work, gate_done));
    wait_started(2);
    memset(&got, 0, sizeof(got));
    ASSERT_OK(asy_dns_lookup(&L, &req, "127.0.0.1", NULL, keep_cb));
    ASSERT_OK(asy_queue_work(&L, &cpu, nop_work, cpu_done));
    while (cpu_done_n == 0) asy_run(&L, ASY_RUN_ONCE);
    ASSERT_OK(asy_pool_stats(&L, &s));
    ASSERT_EQ(s.slow_running, 2);
    ASSERT_EQ(s.queued, 1); /* the lookup */
    ASSERT_EQ(got.called, 0);
    open_gate();
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(got.called, 1);
    ASSERT_EQ(got.status, 0);
    ASSERT_EQ(gate_done_n, 2);
    ASSERT_OK(asy_loop_close(&L));
}

TEST_T(dns_cancel_queued_lookup, 10000) {
    asy_work_t slow;
    asy_dns_lookup_t req;
    asy_dns_service_t sreq;
    asy_loop_opts_t o;
    memset(&o, 0, sizeof(o));
    o.threadpool_size = 2; /* one slow slot */
    ASSERT_OK(asy_loop_init(&L, &o));
    ASSERT_OK(asy_queue_work_class(&L, &slow, ASY_WORK_SLOW_IO, gate_work, gate_done));
    wait_started(1);
    memset(&got, 0, sizeof(got));
    svc_called = 0;
    ASSERT_OK(asy_dns_lookup(&L, &req, "localhost", NULL, keep_cb));
    ASSERT_OK(asy_dns_lookup_service(&L, &sreq, "127.0.0.1", 80, svc_cb));
    ASSERT_OK(asy_dns_lookup_cancel(&req));
    ASSERT_OK(asy_dns_service_cancel(&sreq));
    while (got.called == 0 || svc_called == 0) asy_run(&L, ASY_RUN_ONCE);
    ASSERT_EQ(got.status, ASY_ECANCELED);
    ASSERT_EQ(got.count, 0);
    ASSERT_EQ(svc_status, ASY_ECANCELED);
    open_gate();
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(got.called, 1);
    ASSERT_OK(asy_loop_close(&L));
}
