/* Child side of the IPC tests: echoes every message back on the channel
 * its parent opened (ASYNCRT_CHANNEL_FD).  Special messages:
 *   "fd"   with one fd attached: writes "via-fd" to it, replies "fd-ok"
 *   "bye"  disconnects from this side
 *   "env"  replies with the ASYNCRT_CHANNEL_FD it still sees ("" if none)
 * Exits 0 after the channel is gone; 3 if it never had one. */
#define ASYNCRT_IMPLEMENTATION
#include "../../asyncrt.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static asy_loop_t loop;
static asy_ipc_t ch;

static void on_message(asy_ipc_t *c, const void *data, size_t len, int *fds, int nfds) {
    if (len == 2 && memcmp(data, "fd", 2) == 0 && nfds == 1) {
        ssize_t w = write(fds[0], "via-fd", 6);
        asy_ipc_send(c, w == 6 ? "fd-ok" : "fd-bad", w == 6 ? 5 : 6, NULL, 0);
        return;
    }
    if (len == 3 && memcmp(data, "bye", 3) == 0) {
        asy_ipc_disconnect(c);
        return;
    }
    if (len == 3 && memcmp(data, "env", 3) == 0) {
        const char *v = getenv(ASY_IPC_ENV);
        asy_ipc_send(c, v ? v : "", v ? strlen(v) : 0, NULL, 0);
        return;
    }
    asy_ipc_send(c, data, len, NULL, 0);
}

static void on_disconnect(asy_ipc_t *c, int status) {
    (void)status;
    asy_close((asy_handle_t *)c, NULL);
}

int main(void) {
    asy_loop_init(&loop, NULL);
    if (asy_ipc_open_child(&loop, &ch) != 0) return 3;
    asy_ipc_start(&ch, on_message, on_disconnect);
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 4;
}
