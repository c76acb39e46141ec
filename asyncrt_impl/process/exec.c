/* execFile / exec: a spawn whose stdout and stderr are gathered into
 * memory, bounded by maxBuffer, with an optional timeout.  The context is
 * heap-allocated and freed once its process handle and timer have closed. */
#include "exec.h"
#include "../base/sys.internal.h"
#include "../buf/buf.h"
#include "../loop/timer.h"
struct asy__exec {
    asy_process_t proc;
    asy_timer_t timer;
    asy_exec_cb cb;
    void *arg;
    char *buf[2];
    size_t len[2], cap[2];
    size_t max_buffer;
    int kill_signal;
    int status, killed, done, open_handles, timer_on;
    int enc; /* asy_encoding_t, or -1: the bytes as they came */
    const char *message;
};

static void asy__exec_free(asy_handle_t *h) {
    struct asy__exec *ex = (struct asy__exec *)h->data;
    if (--ex->open_handles > 0) return;
    asy__free(ex->buf[0]);
    asy__free(ex->buf[1]);
    asy__free(ex);
}

static void asy__exec_finish(struct asy__exec *ex, int status, int exit_code, int term_signal) {
    asy_exec_result_t res;
    if (ex->done) return;
    ex->done = 1;
    memset(&res, 0, sizeof(res));
    res.status = ex->status ? ex->status : status;
    res.message = ex->message;
    if (res.status == 0 && (exit_code != 0 || term_signal != 0)) {
        res.status = ASY_ECHILD;
        res.message = term_signal ? "command killed by a signal" : "command failed";
    }
    if (res.status == 0) res.message = "";
    if (!res.message) res.message = asy_strerror(res.status);
    res.exit_code = exit_code;
    res.term_signal = term_signal;
    res.killed = ex->killed;
    res.pid = ex->proc.pid;
    res.out = ex->buf[0] ? ex->buf[0] : "";
    res.out_len = ex->len[0];
    res.err = ex->buf[1] ? ex->buf[1] : "";
    res.err_len = ex->len[1];
    if (ex->enc >= 0) { /* buf.toString(encoding), as Node hands back strings */
        int i;
        for (i = 0; i < 2; i++) {
            asy_buf_t b;
            char *text = NULL;
            size_t tlen = 0;
            int r = asy_buf_from_bytes(&b, i ? res.err : res.out, i ? res.err_len : res.out_len);
            if (r == 0) {
                r = asy_buf_to_string(&b, (asy_encoding_t)ex->enc, &text, &tlen);
                asy_buf_release(&b);
            }
            if (r != 0) {
                if (res.status == 0) {
                    res.status = r;
                    res.message = asy_strerror(r);
                }
                continue;
            }
            asy__free(ex->buf[i]);
            ex->buf[i] = text;
            ex->len[i] = tlen;
            if (i) {
                res.err = text;
                res.err_len = tlen;
            } else {
                res.out = text;
                res.out_len = tlen;
            }
        }
    }
    if (ex->timer_on) asy_timer_stop(&ex->timer);
    ex->cb(&res, ex->arg);
    asy_close((asy_handle_t *)&ex->proc, asy__exec_free);
    asy_close((asy_handle_t *)&ex->timer, asy__exec_free);
}

static void asy__exec_kill(struct asy__exec *ex, int status, const char *message) {
    if (ex->status == 0) {
        ex->status = status;
        ex->message = message;
    }
    if (!ex->killed && asy_process_kill(&ex->proc, ex->kill_signal) == 0) ex->killed = 1;
}

static void asy__exec_read(asy_process_t *p, int fd, const char *data, long n) {
    struct asy__exec *ex = (struct asy__exec *)p->data;
    int i = fd == 1 ? 0 : 1;
    size_t take;
    if (n <= 0 || ex->done) return;
    take = (size_t)n;
    if (ex->len[i] + take > ex->max_buffer) {
        /* keep exactly max_buffer bytes, as Node does, and stop the child */
        take = ex->max_buffer - ex->len[i];
        asy__exec_kill(ex, ASY_ENOBUFS,
                       i == 0 ? "stdout maxBuffer length exceeded" : "stderr maxBuffer length exceeded");
    }
    if (take == 0) return;
    if (ex->cap[i] - ex->len[i] <= take) {
        size_t ncap = ex->cap[i] ? ex->cap[i] : 4096;
        char *nb;
        while (ncap - ex->len[i] <= take) ncap *= 2;
        nb = (char *)asy__realloc(ex->buf[i], ncap);
        if (!nb) {
            asy__exec_kill(ex, ASY_ENOMEM, NULL);
            return;
        }
        ex->buf[i] = nb;
        ex->cap[i] = ncap;
    }
    memcpy(ex->buf[i] + ex->len[i], data, take);
    ex->len[i] += take;
    ex->buf[i][ex->len[i]] = 0;
}

/* Normally the result waits for 'close' (exit and EOF on both pipes).  A
 * child we killed is done at its exit: a grandchild may still hold the
 * pipes open and would keep us waiting. */
static void asy__exec_exit(asy_process_t *p, int status, int exit_code, int term_signal) {
    struct asy__exec *ex = (struct asy__exec *)p->data;
    if (ex->killed || status < 0) asy__exec_finish(ex, status, exit_code, term_signal);
}

static void asy__exec_close_ev(asy_process_t *p, int status, int exit_code, int term_signal) {
    asy__exec_finish((struct asy__exec *)p->data, status, exit_code, term_signal);
}

static void asy__exec_timeout(asy_timer_t *t) {
    struct asy__exec *ex = (struct asy__exec *)t->data;
    ex->timer_on = 0;
    asy__exec_kill(ex, ASY_ETIMEDOUT, "timed out");
}

/* -1: raw bytes (NULL or "buffer"); else the asy_encoding_t; ASY_EINVAL. */
static int asy__exec_encoding(const char *enc) {
    if (!enc || strcmp(enc, "buffer") == 0) return -1;
    return asy_encoding_from_name(enc);
}

ASYNCRT_API int asy_exec_file(asy_loop_t *loop, const char *file, const char *const *args,
                              const asy_exec_opts_t *opts, asy_exec_cb cb, void *arg) {
    struct asy__exec *ex;
    asy_process_opts_t po;
    int r;
    if (!loop || !file || !*file || !cb) return ASY_EINVAL;
    if (opts && (asy__exec_encoding(opts->encoding) == ASY_EINVAL || opts->kill_signal < 0 ||
                 opts->kill_signal >= NSIG))
        return ASY_EINVAL;
    ex = ASY__NEW(struct asy__exec);
    if (!ex) return ASY_ENOMEM;
    memset(ex, 0, sizeof(*ex));
    ex->cb = cb;
    ex->arg = arg;
    ex->enc = asy__exec_encoding(opts ? opts->encoding : NULL);
    ex->max_buffer = (opts && opts->max_buffer) ? opts->max_buffer : 1024 * 1024;
    ex->kill_signal = (opts && opts->kill_signal) ? opts->kill_signal : SIGTERM;
    if (opts)
        po = opts->process;
    else
        memset(&po, 0, sizeof(po));
    if (po.stdio_count < 3) po.stdio_count = 3;
    if (!opts || opts->process.stdio[0].kind == ASY_STDIO_PIPE) po.stdio[0].kind = ASY_STDIO_IGNORE;
    po.stdio[1].kind = ASY_STDIO_PIPE;
    po.stdio[2].kind = ASY_STDIO_PIPE;
    po.on_close = asy__exec_close_ev;
    po.on_drain = NULL;
    po.ipc = NULL;
    po.kill_signal = ex->kill_signal;
    r = asy_spawn(loop, &ex->proc, file, args, &po, asy__exec_exit);
    if (r) {
        asy__free(ex);
        return r;
    }
    ex->proc.data = ex;
    asy_timer_init(loop, &ex->timer);
    ex->timer.data = ex;
    ex->open_handles = 2;
    if (opts && opts->timeout_ms) {
        asy_timer_start(&ex->timer, asy__exec_timeout, opts->timeout_ms, 0);
        ex->timer_on = 1;
    }
    /* a spawn that failed has no pipes: its error arrives through exit */
    if (ex->proc.pid > 0) {
        asy_process_read_start(&ex->proc, 1, asy__exec_read);
        asy_process_read_start(&ex->proc, 2, asy__exec_read);
    }
    return 0;
}

ASYNCRT_API int asy_exec(asy_loop_t *loop, const char *command, const asy_exec_opts_t *opts,
                         asy_exec_cb cb, void *arg) {
    const char *sh = (opts && opts->shell) ? opts->shell : "/bin/sh";
    const char *argv[4];
    if (!command) return ASY_EINVAL;
    argv[0] = sh;
    argv[1] = "-c";
    argv[2] = command;
    argv[3] = NULL;
    return asy_exec_file(loop, sh, argv, opts, cb, arg);
}

ASYNCRT_API int asy_fork_at(asy_loop_t *loop, asy_process_t *p, asy_ipc_t *ch,
                            const char *program, const char *const *args,
                            const asy_process_opts_t *opts, asy_exit_cb exit_cb,
                            const char *src_file, int src_line) {
    asy_process_opts_t o;
    if (!ch) return ASY_EINVAL;
    if (opts) {
        o = *opts;
    } else {
        memset(&o, 0, sizeof(o));
        o.stdio[0].kind = o.stdio[1].kind = o.stdio[2].kind = ASY_STDIO_INHERIT;
    }
    o.ipc = ch;
    return asy_spawn_at(loop, p, program, args, &o, exit_cb, src_file, src_line);
}
