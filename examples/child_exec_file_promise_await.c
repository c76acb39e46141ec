/* The seed's promisified execFile with await: the twin of
 * child_exec_file_promise.c (same output).
 *
 *   const execFileAsync = promisify(execFile);
 *   const { stdout } = await execFileAsync("git", ["status"]); */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>

static asy_loop_t loop;

static asy_ret_t git_status(void *arg) {
    const char *args[] = {"git", "status", NULL};
    asy_promise_t *p = asy_execp_file(&loop, "git", args, NULL);
    void *v;
    int err = asy_await(p, &v);
    (void)arg;
    if (err == 0) {
        fputs(((const asy_exec_output_t *)v)->out, stdout);
    } else {
        const char *m = asy_promise_result(p)->message;
        fprintf(stderr, "git status failed: %s: %s\n", asy_err_name(err), m ? m : "");
    }
    asy_promise_release(p);
    return asy_ok(NULL);
}

int main(void) {
    asy_promise_t *done;
    asy_loop_init(&loop, NULL);
    done = asy_async(&loop, git_status, NULL, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_promise_release(done);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
