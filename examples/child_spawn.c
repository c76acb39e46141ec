/* The seed's spawn example: output streamed chunk by chunk as it comes,
 * good for large output and long-running children.
 *
 *   const child = spawn("git", ["log", "--oneline"]);
 *   child.stdout.on("data", (chunk) => console.log(chunk.toString()));
 *   child.on("close", (code) => console.log(`exited ${code}`));
 *
 * child.stdout is a Readable stream (asy_stream_t) that asy_spawn sets up
 * in the struct we give it; on_close is Node's 'close' on the child: it
 * exited and its stdout reached EOF, so every chunk has been seen. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <string.h>

static void on_data(asy_stream_t *out, const asy_buf_t *chunk) {
    (void)out;
    fwrite(chunk->data, 1, chunk->len, stdout);
}

static const asy_stream_events_t stdout_events = {on_data, NULL, NULL, NULL, NULL,
                                                NULL,    NULL, NULL, NULL};

static void on_close(asy_process_t *child, int status, int code, int signal) {
    if (status < 0)
        printf("spawn failed: %s\n", asy_err_name(status)); /* e.g. ENOENT: no git */
    else if (signal)
        printf("killed by signal %d\n", signal);
    else
        printf("exited %d\n", code);
    asy_close((asy_handle_t *)child, NULL);
}

int main(void) {
    asy_loop_t loop;
    asy_process_t child;
    asy_stream_t child_stdout;
    asy_process_opts_t opts;
    const char *args[] = {"git", "log", "--oneline", NULL};
    asy_loop_init(&loop, NULL);
    memset(&opts, 0, sizeof(opts));
    opts.on_close = on_close;
    opts.stdio[1].stream = &child_stdout;   /* child.stdout */
    opts.stdio[2].kind = ASY_STDIO_INHERIT; /* git's errors straight to ours */
    asy_spawn(&loop, &child, "git", args, &opts, NULL);
    asy_stream_set_events(&child_stdout, &stdout_events); /* on("data") */
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
