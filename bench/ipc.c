/* ipc: messages per second through a parent <-> child IPC channel.  The
 * parent forks this same program (the child role is chosen by the
 * ASYNCRT_CHANNEL_FD variable asy_fork sets), sends small messages with up
 * to WINDOW in flight, and the child echoes each one.  The metric counts
 * round trips (one message each way).  Twin: peers/ipc.mjs (Node's
 * fork + process.send). */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>

#define TOTAL 500000
#define WINDOW 1000

static asy_loop_t loop;
static asy_process_t proc;
static asy_ipc_t ch;
static unsigned sent, echoed;
static uint64_t t0, t1;

static void child_msg(asy_ipc_t *c, const void *data, size_t len, int *fds, int nfds) {
    (void)fds;
    (void)nfds;
    asy_ipc_send(c, data, len, NULL, 0);
}

static void child_disc(asy_ipc_t *c, int status) {
    (void)status;
    asy_close((asy_handle_t *)c, NULL);
}

static void pump(void) {
    while (sent < TOTAL && sent - echoed < WINDOW) {
        char msg[64];
        int n = snprintf(msg, sizeof(msg), "{\"task\":\"compute\",\"seq\":%u}", sent);
        asy_ipc_send(&ch, msg, (size_t)n, NULL, 0);
        sent++;
    }
}

static void parent_msg(asy_ipc_t *c, const void *data, size_t len, int *fds, int nfds) {
    (void)data;
    (void)len;
    (void)fds;
    (void)nfds;
    if (++echoed == TOTAL) {
        t1 = asy_hrtime();
        asy_ipc_disconnect(c);
        return;
    }
    pump();
}

static void parent_disc(asy_ipc_t *c, int status) {
    (void)status;
    asy_close((asy_handle_t *)c, NULL);
}

static void on_exit_cb(asy_process_t *p, int status, int code, int sig) {
    if (status || code || sig) {
        fprintf(stderr, "child failed: %s %d %d\n", asy_err_name(status), code, sig);
        exit(1);
    }
    asy_close((asy_handle_t *)p, NULL);
}

int main(void) {
    asy_loop_init(&loop, NULL);
    if (getenv(ASY_IPC_ENV)) {
        if (asy_ipc_open_child(&loop, &ch) != 0) return 2;
        asy_ipc_start(&ch, child_msg, child_disc);
        asy_run(&loop, ASY_RUN_DEFAULT);
        return asy_loop_close(&loop) == 0 ? 0 : 1;
    }
    if (asy_fork(&loop, &proc, &ch, "/proc/self/exe", NULL, NULL, on_exit_cb) != 0) return 1;
    asy_ipc_start(&ch, parent_msg, parent_disc);
    t0 = asy_hrtime();
    pump();
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (echoed != TOTAL) {
        fprintf(stderr, "echoed %u of %u\n", echoed, TOTAL);
        return 1;
    }
    printf("BENCH ipc_msgs_per_s %.0f msgs/s higher\n", (double)TOTAL / ((double)(t1 - t0) / 1e9));
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
