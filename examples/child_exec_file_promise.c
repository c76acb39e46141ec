/* The seed's promisified execFile:
 *
 *   const execFileAsync = promisify(execFile);
 *   const { stdout } = await execFileAsync("git", ["status"]);
 *
 * asy_execp_file returns a promise of the output; the continuation
 * is the code after the await, the catch the rejection. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>

static asy_ret_t print_stdout(void *arg, const asy_settled_t *in) {
    const asy_exec_output_t *out = (const asy_exec_output_t *)in->value;
    (void)arg;
    fputs(out->out, stdout);
    return asy_ok(NULL);
}

static asy_ret_t report(void *arg, const asy_settled_t *in) {
    (void)arg;
    fprintf(stderr, "git status failed: %s: %s\n", asy_err_name(in->error),
            in->message ? in->message : "");
    return asy_ok(NULL);
}

int main(void) {
    asy_loop_t loop;
    const char *args[] = {"git", "status", NULL};
    asy_promise_t *p, *done;
    asy_loop_init(&loop, NULL);
    p = asy_execp_file(&loop, "git", args, NULL);
    done = asy_promise_then(p, print_stdout, report, NULL);
    asy_promise_release(p);
    asy_promise_release(done);
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
