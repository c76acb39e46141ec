/* Worker threads (Node's worker_threads): the seed's heavy task.
 *
 *   build/examples/worker_threads
 *
 * main.js starts a worker with workerData { iterations: 1_000_000 }; the
 * worker sums the square roots and posts the sum on its parentPort; the
 * main thread prints it, then the exit code:
 *
 *   Result: 666666166.4588418
 *   Worker exited 0
 *
 * The loop of the main thread stays free while the worker computes.
 * Messages are bytes: the sum travels as a double, the iteration count as
 * an unsigned 64-bit integer. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* heavy-task.js, on the worker's thread */
static int heavy_task(asy_worker_self_t *self) {
    uint64_t iterations, i;
    double sum = 0;
    if (self->len != sizeof(iterations)) return 2;
    memcpy(&iterations, self->data, sizeof(iterations));
    for (i = 0; i < iterations; i++) sum += sqrt((double)i);
    asy_port_post(self->port, &sum, sizeof(sum)); /* parentPort.postMessage(sum) */
    return 0;
}

/* JavaScript prints a number with the fewest digits that read back as
 * the same double. */
static void print_number(const char *label, double v) {
    char buf[64];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    printf("%s %s\n", label, buf);
}

static void on_message(asy_worker_t *w, asy_message_t *msg) {
    double sum;
    (void)w;
    if (msg->len != sizeof(sum)) return;
    memcpy(&sum, msg->data, sizeof(sum));
    print_number("Result:", sum);
}

static void on_worker_error(asy_worker_t *w, int code, const char *message) {
    (void)w;
    fprintf(stderr, "worker error: %s: %s\n", asy_err_name(code), message ? message : "");
}

static void on_worker_exit(asy_worker_t *w, int code) {
    printf("Worker exited %d\n", code);
    asy_close((asy_handle_t *)w, NULL);
}

int main(void) {
    asy_loop_t loop;
    asy_worker_t worker;
    uint64_t iterations = 1000000;
    asy_worker_opts_t opts;
    int r;
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    memset(&opts, 0, sizeof(opts));
    opts.data = &iterations; /* workerData: copied */
    opts.len = sizeof(iterations);
    opts.on_message = on_message;
    opts.on_error = on_worker_error;
    opts.on_exit = on_worker_exit;
    r = asy_worker_start(&loop, &worker, heavy_task, &opts);
    if (r != 0) {
        fprintf(stderr, "worker: %s\n", asy_strerror(r));
        return 1;
    }
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
