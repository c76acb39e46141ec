/* fetch over keep-alive: sequential GETs, then 64 in flight at once,
 * against examples/http_server (started here on a free port).  The Node
 * twin (peers/fetch.mjs) runs undici's fetch against the same server
 * binary.  Each GET reads the whole body (res.text()).
 *
 *   BENCH fetch_seq <req/s> higher
 *   BENCH fetch_c64 <req/s> higher */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static asy_loop_t loop;
static asy_http_agent_t agent;
static char url[128];
static double t_end, t_start_count;
static long done_count;
static int in_flight;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void one(void);

static void on_text(void *arg, const asy_settled_t *in) {
    (void)arg;
    if (in->state != ASY_PROMISE_FULFILLED ||
        ((asy_fetch_bytes_t *)in->value)->len != 11) {
        fprintf(stderr, "fetch failed: %s\n", in->message ? in->message : "bad body");
        exit(1);
    }
    in_flight--;
    if (now_s() >= t_start_count) done_count++;
    if (now_s() < t_end) one();
}

static void on_res(void *arg, const asy_settled_t *in) {
    asy_promise_t *t;
    (void)arg;
    if (in->state != ASY_PROMISE_FULFILLED) {
        fprintf(stderr, "fetch failed: %s\n", in->message ? in->message : "?");
        exit(1);
    }
    t = asy_fetch_text((asy_fetch_response_t *)in->value);
    asy_promise_on_settled(t, on_text, NULL);
    asy_promise_release(t);
}

static void one(void) {
    asy_fetch_opts_t o;
    asy_promise_t *p;
    memset(&o, 0, sizeof(o));
    o.agent = &agent;
    p = asy_fetch(&loop, url, &o);
    in_flight++;
    asy_promise_on_settled(p, on_res, NULL);
    asy_promise_release(p);
}

static double run(int conc, double warm, double secs) {
    int i;
    double t0 = now_s();
    done_count = 0;
    t_start_count = t0 + warm;
    t_end = t_start_count + secs;
    for (i = 0; i < conc; i++) one();
    asy_run(&loop, ASY_RUN_DEFAULT);
    return done_count / (now_s() - t_start_count);
}

static int free_port(void) {
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&sin, sizeof(sin));
    getsockname(fd, (struct sockaddr *)&sin, &sl);
    port = ntohs(sin.sin_port);
    close(fd);
    return port;
}

int main(int argc, char **argv) {
    char server[1024], portstr[16];
    const char *slash = strrchr(argv[0], '/');
    int port = free_port(), i;
    double secs = getenv("BENCH_SECONDS") ? atof(getenv("BENCH_SECONDS")) : 1.0;
    pid_t pid;
    (void)argc;
    /* <build>/bench/fetch -> <build>/examples/http_server */
    snprintf(server, sizeof(server), "%.*s/../examples/http_server",
             slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".");
    snprintf(portstr, sizeof(portstr), "%d", port);
    pid = fork();
    if (pid == 0) {
        setenv("PORT", portstr, 1);
        freopen("/dev/null", "w", stdout);
        execl(server, server, (char *)NULL);
        _exit(127);
    }
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
    asy_loop_init(&loop, NULL);
    asy_http_agent_init(&loop, &agent, NULL);
    for (i = 0; i < 100; i++) { /* wait for the server */
        struct sockaddr_in sin;
        int fd = socket(AF_INET, SOCK_STREAM, 0), ok;
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t)port);
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
        close(fd);
        if (ok) break;
        usleep(20000);
    }
    printf("BENCH fetch_seq %.0f req/s higher\n", run(1, secs / 4, secs));
    printf("BENCH fetch_c64 %.0f req/s higher\n", run(64, secs / 4, secs));
    fflush(stdout);
    asy_http_agent_close(&agent, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_loop_close(&loop);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return 0;
}
