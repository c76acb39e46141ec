/* The seed's exec example: a command line run through a shell, its whole
 * output handed back at the end.
 *
 *   exec("ls -la | grep .js", (err, stdout, stderr) => {
 *     console.log(stdout);
 *   });
 *
 * The shell obeys pipes, globs and ';' in the command: never paste
 * untrusted text into it (see child_exec_file.c for the safe form). */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>

static void on_done(const asy_exec_result_t *r, void *arg) {
    (void)arg;
    /* grep exits 1 when nothing matched: not an error worth shouting about */
    if (r->status != 0 && !(r->status == ASY_ECHILD && r->exit_code == 1)) {
        fprintf(stderr, "exec failed: %s (%s)\n", r->message, asy_err_name(r->status));
        return;
    }
    fputs(r->out, stdout);
}

int main(void) {
    asy_loop_t loop;
    asy_loop_init(&loop, NULL);
    asy_exec(&loop, "ls -la | grep .js", NULL, on_done, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
