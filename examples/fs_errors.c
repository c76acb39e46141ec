/* The seed's operational-error block:
 *
 *   try {
 *     await readFile("missing.txt");
 *   } catch (err) {
 *     if (err.code === "ENOENT") console.log("File not found");
 *   }
 *
 * A rejected fs promise carries the code (ASY_ENOENT) and Node's message;
 * the callback API gives the same through req->result and asy_fs_error;
 * the sync call returns the code. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>

static asy_loop_t loop;

static asy_ret_t on_error(void *arg, const asy_settled_t *err) {
    (void)arg;
    if (err->error == ASY_ENOENT) printf("File not found\n");
    printf("  promise:  %s\n", err->message);
    return asy_ok(NULL); /* handled */
}

static void on_read(asy_fs_t *req) {
    char msg[256];
    if (req->result < 0) printf("  callback: %s\n", asy_fs_error(req, msg, sizeof msg));
}

int main(void) {
    asy_fs_t req, sync_req;
    asy_promise_t *p, *handled;
    char msg[256];

    asy_loop_init(&loop, NULL);
    p = asy_fsp_read_file(&loop, "missing.txt");
    handled = asy_promise_catch(p, on_error, NULL);
    asy_fs_read_file(&loop, &req, "missing.txt", on_read);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_promise_release(p);
    asy_promise_release(handled);

    /* readFileSync */
    if (asy_fs_read_file_sync(&sync_req, "missing.txt") == ASY_ENOENT)
        printf("  sync:     %s\n", asy_fs_error(&sync_req, msg, sizeof msg));
    asy_fs_req_cleanup(&sync_req);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
