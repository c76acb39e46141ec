/* execFile, exec and fork (Node's child_process conveniences).
 *
 * asy_exec_file runs a program directly (no shell) and hands back its
 * whole stdout and stderr; asy_exec runs a command line through
 * `/bin/sh -c`.
 *
 * SECURITY: asy_exec passes the command to a shell, so shell syntax in it
 * is obeyed: never build the command from untrusted input ("ls " + name
 * with name = "x; rm -rf ~" runs both).  asy_exec_file passes each
 * argument to the program as is and is the safe choice. */
#pragma once
#include "process.h"
#include "../loop/handle.h"
#include "../promise/promise.h"
typedef struct {
    /* cwd, env, detached, uid/gid of the child; stdio is managed here
     * (stdin /dev/null unless stdio[0] is set, stdout and stderr piped) */
    asy_process_opts_t process;
    /* Largest stdout or stderr kept; more kills the child (kill_signal)
     * and ends with ASY_ENOBUFS.  0: 1 MiB (Node's default). */
    size_t max_buffer;
    uint64_t timeout_ms; /* > 0: kill the child (kill_signal) after this */
    int kill_signal;     /* 0: SIGTERM */
    /* How stdout/stderr are handed back.  NULL or "buffer": the bytes as
     * they came.  A Node encoding name ("utf8", "hex", "base64", "latin1",
     * "ascii", "utf16le"...): the text buf.toString(encoding) gives, as
     * UTF-8 (utf8 turns invalid sequences into U+FFFD, as Node does).
     * Either way NUL-terminated.  An unknown name is ASY_EINVAL. */
    const char *encoding;
    const char *shell; /* asy_exec only; NULL: /bin/sh */
} asy_exec_opts_t;

typedef struct {
    /* 0 when the child ran and exited with 0; otherwise the first of:
     * a spawn error (ASY_ENOENT...), ASY_ENOBUFS (maxBuffer exceeded; see
     * message), ASY_ETIMEDOUT (timeout), ASY_ECHILD (the child failed:
     * non-zero exit_code or a term_signal) */
    int status;
    int exit_code;   /* -1 when a signal ended it or it did not start */
    int term_signal; /* 0 or the signal that ended it */
    int killed;      /* we killed it (timeout or maxBuffer) */
    const char *message; /* human-readable summary of status ("" when 0) */
    /* Output: valid during the callback only, NUL-terminated. */
    const char *out;
    size_t out_len;
    const char *err;
    size_t err_len;
    int pid;
} asy_exec_result_t;

typedef void (*asy_exec_cb)(const asy_exec_result_t *res, void *arg);

/* args as for asy_spawn (args[0] is argv[0]; NULL means {file}).  Returns 0
 * and then cb runs exactly once (even when the program is missing), or
 * ASY_EINVAL / ASY_ENOMEM and cb never runs. */
ASYNCRT_API int asy_exec_file(asy_loop_t *loop, const char *file, const char *const *args,
                              const asy_exec_opts_t *opts, asy_exec_cb cb, void *arg);
/* `shell -c command`; see the security note above. */
ASYNCRT_API int asy_exec(asy_loop_t *loop, const char *command, const asy_exec_opts_t *opts,
                         asy_exec_cb cb, void *arg);

/* Node's fork(): starts `program` (usually one built with asyncrt) with an
 * IPC channel on `ch` and, unless opts says otherwise, the parent's stdin,
 * stdout and stderr.  The child opens its end with asy_ipc_open_child. */
ASYNCRT_API int asy_fork_at(asy_loop_t *loop, asy_process_t *p, asy_ipc_t *ch,
                            const char *program, const char *const *args,
                            const asy_process_opts_t *opts, asy_exit_cb exit_cb,
                            const char *src_file, int src_line);
#define asy_fork(loop, p, ch, program, args, opts, cb) \
    asy_fork_at((loop), (p), (ch), (program), (args), (opts), (cb), ASY_HERE)

/* util.promisify(execFile) / promisify(exec): a promise fulfilled, when
 * the command succeeded (status 0), with an asy_exec_output_t the promise
 * owns (valid while you hold the promise or a continuation runs); rejected
 * otherwise with res.status and a message ("command failed", plus the
 * child's stderr when it wrote any).  Returns NULL only on ENOMEM; bad
 * arguments give a promise already rejected with ASY_EINVAL.  Release it
 * with asy_promise_release. */
typedef struct {
    char *out;
    size_t out_len;
    char *err;
    size_t err_len;
    int pid;
} asy_exec_output_t;

ASYNCRT_API asy_promise_t *asy_execp_file(asy_loop_t *loop, const char *file,
                                               const char *const *args,
                                               const asy_exec_opts_t *opts);
ASYNCRT_API asy_promise_t *asy_execp(asy_loop_t *loop, const char *command,
                                          const asy_exec_opts_t *opts);
