/* Messages between the main loop and a worker (bench/peers/worker_msg.mjs
 * is the Node worker_threads twin, postMessage of a small value):
 *   round_trips  main posts, the worker echoes, main posts the next
 *   one_way      the worker posts ONE_WAY messages as fast as it can;
 *                timed on the main loop from the first to the last one */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <string.h>

enum { ROUND_TRIPS = 200000, ONE_WAY = 2000000 };

static asy_loop_t loop;
static asy_worker_t worker;
static uint64_t t0, t_rt, t_ow0, t_ow;
static uint32_t rt_left = ROUND_TRIPS, ow_seen;

static void worker_msg(asy_port_t *port, asy_message_t *m) {
    uint32_t v, i;
    memcpy(&v, m->data, sizeof(v));
    if (v == 0xFFFFFFFFu) { /* start the one-way stream */
        for (i = 0; i < ONE_WAY; i++) asy_port_post(port, &i, sizeof(i));
        asy_close((asy_handle_t *)port, NULL);
        return;
    }
    asy_port_post(port, &v, sizeof(v)); /* echo */
}

static int worker_main(asy_worker_self_t *self) { return asy_port_start(self->port, worker_msg); }

static void on_message(asy_worker_t *w, asy_message_t *m) {
    uint32_t v;
    memcpy(&v, m->data, sizeof(v));
    if (rt_left) {
        if (--rt_left) {
            asy_worker_post(w, &rt_left, sizeof(rt_left));
        } else {
            uint32_t go = 0xFFFFFFFFu;
            t_rt = asy_hrtime() - t0;
            asy_worker_post(w, &go, sizeof(go));
        }
        return;
    }
    if (ow_seen++ == 0) t_ow0 = asy_hrtime();
    if (ow_seen == ONE_WAY) t_ow = asy_hrtime() - t_ow0;
}

static void on_exit_cb(asy_worker_t *w, int code) {
    (void)code;
    asy_close((asy_handle_t *)w, NULL);
}

int main(void) {
    asy_worker_opts_t o;
    memset(&o, 0, sizeof(o));
    o.on_message = on_message;
    o.on_exit = on_exit_cb;
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    if (asy_worker_start(&loop, &worker, worker_main, &o) != 0) return 1;
    t0 = asy_hrtime();
    asy_worker_post(&worker, &rt_left, sizeof(rt_left));
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (ow_seen != ONE_WAY || !t_rt || !t_ow) return 1;
    printf("BENCH round_trips %.0f msgs/s higher\n", ROUND_TRIPS / (t_rt / 1e9));
    printf("BENCH one_way %.0f msgs/s higher\n", (ONE_WAY - 1) / (t_ow / 1e9));
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
