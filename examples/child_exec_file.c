/* The seed's execFile example: a program run directly, no shell, output
 * buffered.
 *
 *   execFile("git", ["status"], (err, stdout) => {
 *     console.log(stdout);
 *   });
 *
 * Each argument reaches git as it is, whatever characters it holds: this
 * is the form to use with untrusted input. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>

static void on_done(const asy_exec_result_t *r, void *arg) {
    (void)arg;
    if (r->status != 0) {
        fprintf(stderr, "git status failed: %s (%s)\n%s", r->message, asy_err_name(r->status),
                r->err);
        return;
    }
    fputs(r->out, stdout);
}

int main(void) {
    asy_loop_t loop;
    const char *args[] = {"git", "status", NULL};
    asy_loop_init(&loop, NULL);
    asy_exec_file(&loop, "git", args, NULL, on_done, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
