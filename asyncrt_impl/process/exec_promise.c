/* Promise forms of execFile / exec (util.promisify).  The callback holds
 * its own reference to the promise until it settles it. */
#include "exec.h"
#include "../base/sys.internal.h"
#include "../loop/handle.h"
#include "../promise/promise.h"
static void asy__exec_output_free(void *v) {
    asy_exec_output_t *o = (asy_exec_output_t *)v;
    asy__free(o->out);
    asy__free(o->err);
    asy__free(o);
}

static char *asy__memdup0(const char *s, size_t n) {
    char *d = (char *)asy__malloc(n + 1);
    if (d) {
        if (n) memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

static void asy__exec_promise_cb(const asy_exec_result_t *r, void *arg) {
    asy_promise_t *p = (asy_promise_t *)arg;
    if (r->status == 0) {
        asy_exec_output_t *o = ASY__NEW(asy_exec_output_t);
        if (o) {
            o->out = asy__memdup0(r->out, r->out_len);
            o->err = asy__memdup0(r->err, r->err_len);
            o->out_len = r->out_len;
            o->err_len = r->err_len;
            o->pid = r->pid;
        }
        if (!o || !o->out || !o->err) {
            if (o) asy__exec_output_free(o);
            asy_promise_reject(p, ASY_ENOMEM, NULL);
        } else {
            asy_promise_settle(p, asy_ok_owned(o, asy__exec_output_free));
        }
    } else {
        /* Node's "Command failed: ...\n<stderr>", bounded */
        size_t ml = strlen(r->message), el = r->err_len > 4000 ? 4000 : r->err_len;
        char *msg = (char *)asy__malloc(ml + el + 2);
        if (msg) {
            memcpy(msg, r->message, ml);
            if (el) {
                msg[ml] = '\n';
                memcpy(msg + ml + 1, r->err, el);
                msg[ml + 1 + el] = 0;
            } else {
                msg[ml] = 0;
            }
        }
        asy_promise_reject(p, r->status, msg ? msg : r->message);
        asy__free(msg);
    }
    asy_promise_release(p);
}

ASYNCRT_API asy_promise_t *asy_execp_file(asy_loop_t *loop, const char *file,
                                               const char *const *args,
                                               const asy_exec_opts_t *opts) {
    asy_promise_t *p;
    int r;
    if (!loop) return NULL;
    p = asy_promise_new(loop);
    if (!p) return NULL;
    asy_promise_retain(p); /* the callback's */
    r = asy_exec_file(loop, file, args, opts, asy__exec_promise_cb, p);
    if (r) {
        asy_promise_reject(p, r, NULL);
        asy_promise_release(p);
    }
    return p;
}

ASYNCRT_API asy_promise_t *asy_execp(asy_loop_t *loop, const char *command,
                                          const asy_exec_opts_t *opts) {
    const char *sh = (opts && opts->shell) ? opts->shell : "/bin/sh";
    const char *argv[4];
    if (!command) return asy_promise_rejected(loop, ASY_EINVAL, NULL);
    argv[0] = sh;
    argv[1] = "-c";
    argv[2] = command;
    argv[3] = NULL;
    return asy_execp_file(loop, sh, argv, opts);
}
