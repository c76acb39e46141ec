/* The worker that child_fork.c starts (Node's worker.js):
 *
 *   process.on("message", (msg) => process.send({ result: compute(msg) }));
 *
 * It opens the channel its parent passed in ASYNCRT_CHANNEL_FD, answers
 * each message and leaves when the parent disconnects. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>

static void on_message(asy_ipc_t *ch, const void *data, size_t len, int *fds, int nfds) {
    char reply[256];
    unsigned long sum = 0;
    size_t i;
    int n;
    (void)fds;
    (void)nfds;
    for (i = 0; i < 1000000; i++) sum += i % 7; /* "compute" */
    n = snprintf(reply, sizeof(reply), "{\"result\":%lu,\"for\":%.*s}", sum, (int)len,
                 (const char *)data);
    asy_ipc_send(ch, reply, (size_t)n, NULL, 0);
}

static void on_disconnect(asy_ipc_t *ch, int status) {
    (void)status;
    asy_close((asy_handle_t *)ch, NULL);
}

int main(void) {
    asy_loop_t loop;
    asy_ipc_t ch;
    asy_loop_init(&loop, NULL);
    if (asy_ipc_open_child(&loop, &ch) != 0) {
        fprintf(stderr, "child_worker: start me with asy_fork (examples/child_fork.c)\n");
        return 2;
    }
    asy_ipc_start(&ch, on_message, on_disconnect);
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
