/* The seed's last-resort handlers:
 *
 *   process.on("uncaughtException", (err) => {
 *     console.error("UNCAUGHT:", err);
 *     process.exit(1); // always exit -- state may be corrupt
 *   });
 *   process.on("unhandledRejection", (reason) => {
 *     console.error("UNHANDLED REJECTION:", reason);
 *     process.exit(1);
 *   });
 *
 * In C the "exception" nobody caught is an error nobody listened to: a
 * stream's 'error' with no on_error (here a file stream opening a file
 * that does not exist).  Without a hook the library prints it with the
 * line that created the stream and aborts, as Node exits on an unhandled
 * 'error'; the hook below logs and exits 1 instead.
 *
 *   uncaught_exception            the 'error' nobody listens to
 *   uncaught_exception rejection  a promise rejected with no catch */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_uncaught(void *arg, const asy_uncaught_t *err) {
    (void)arg;
    fprintf(stderr, "UNCAUGHT: %s: %s (%s", asy_err_name(err->error), asy_strerror(err->error),
            err->what);
    if (err->origin_file) fprintf(stderr, ", created at %s:%d", err->origin_file, err->origin_line);
    fprintf(stderr, ")\n");
    exit(1); /* always exit -- state may be corrupt */
}

static void on_unhandled(void *arg, const asy_settled_t *reason) {
    (void)arg;
    fprintf(stderr, "UNHANDLED REJECTION: %s: %s\n", asy_err_name(reason->error),
            reason->message ? reason->message : asy_strerror(reason->error));
    exit(1);
}

int main(int argc, char **argv) {
    asy_loop_t loop;
    asy_loop_init(&loop, NULL);
    asy_loop_on_uncaught(&loop, on_uncaught, NULL);
    asy_promise_on_unhandled(&loop, on_unhandled, NULL);

    if (argc > 1 && strcmp(argv[1], "rejection") == 0) {
        /* Promise.reject(new Error("boom")) with no .catch() */
        asy_promise_release(asy_promise_rejected(&loop, ASY_ECANCELED, "boom"));
    } else {
        /* fs.createReadStream("missing.txt") and no .on("error") */
        static asy_fs_stream_t in;
        asy_fs_create_read_stream(&loop, &in, "missing.txt", NULL);
        asy_stream_resume(&in.stream);
    }
    asy_run(&loop, ASY_RUN_DEFAULT);
    printf("not reached: the hook exits\n");
    return 0;
}
