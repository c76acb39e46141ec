/* The seed's fork example: a child program with an IPC channel.
 *
 *   const worker = fork("./worker.js");
 *   worker.send({ task: "compute" });
 *   worker.on("message", (result) => console.log(result));
 *
 * The worker is examples/child_worker.c, built next to this program.
 * Messages are bytes (here JSON text); either side may disconnect, and
 * the child's exit is reported. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static asy_process_t worker;
static asy_ipc_t channel;

static void on_message(asy_ipc_t *ch, const void *data, size_t len, int *fds, int nfds) {
    (void)fds;
    (void)nfds;
    printf("%.*s\n", (int)len, (const char *)data);
    asy_ipc_disconnect(ch); /* one round trip is all we wanted */
}

static void on_disconnect(asy_ipc_t *ch, int status) {
    if (status) fprintf(stderr, "channel error: %s\n", asy_err_name(status));
    asy_close((asy_handle_t *)ch, NULL);
}

static void on_exit_cb(asy_process_t *p, int status, int code, int signal) {
    if (status < 0) fprintf(stderr, "cannot start the worker: %s\n", asy_err_name(status));
    else printf("worker exited %d (signal %d)\n", code, signal);
    asy_close((asy_handle_t *)p, NULL);
}

int main(void) {
    asy_loop_t loop;
    char path[4096];
    const char *msg = "{\"task\":\"compute\"}";
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);
    char *slash;
    /* "./worker": the worker sits beside this program */
    if (n <= 0) return 1;
    path[n] = 0;
    slash = strrchr(path, '/');
    strcpy(slash + 1, "child_worker");
    asy_loop_init(&loop, NULL);
    asy_fork(&loop, &worker, &channel, path, NULL, NULL, on_exit_cb);
    asy_ipc_start(&channel, on_message, on_disconnect);
    asy_ipc_send(&channel, msg, strlen(msg), NULL, 0);
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
