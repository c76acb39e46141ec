/* --report-on-signal: an internal, unref'd signal watcher writes a report
 * from the loop's thread. */
#include "diag.h"
#include "diag.internal.h"
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../loop/handle.h"
#include "../loop/signal.h"
#include "../loop/loop.h"
#include "../loop/loop.internal.h"

static int asy__report_to_file(asy__diag_state *st, char *name, size_t cap) {
    char stamp[32];
    struct tm tm;
    time_t t = time(NULL);
    FILE *f;
    int r, n;
    localtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%d.%H%M%S", &tm);
    st->seq++;
    n = snprintf(name, cap, "%s%sreport.%s.%d.0.%03u.json", st->directory ? st->directory : "",
                 st->directory ? "/" : "", stamp, (int)getpid(), st->seq);
    if (n < 0 || (size_t)n >= cap) return ASY_ENAMETOOLONG;
    f = fopen(name, "w");
    if (!f) return asy__errno();
    r = asy__report_write(st->loop, f, "Signal");
    if (fclose(f) != 0 && r == 0) r = ASY_EIO;
    return r;
}

static void asy__report_signal_cb(asy_signal_t *h, int signum) {
    asy__diag_state *st = (asy__diag_state *)h->data;
    char name[1100];
    int r;
    (void)signum;
    if (st->out) {
        r = asy__report_write(st->loop, st->out, "Signal");
        if (st->on_report) st->on_report(st->report_arg, NULL, r);
        return;
    }
    r = asy__report_to_file(st, name, sizeof(name));
    if (st->on_report) st->on_report(st->report_arg, name, r);
    else if (r == 0) fprintf(stderr, "asyncrt: wrote report to %s\n", name);
    else fprintf(stderr, "asyncrt: report to %s failed: %s\n", name, asy_strerror(r));
}

ASYNCRT_API int asy_loop_report_on_signal_stop(asy_loop_t *loop) {
    asy__diag_state *st;
    if (!asy__loop_live(loop)) return ASY_EINVAL;
    st = (asy__diag_state *)loop->layers_[ASY__LAYER_DIAG].state;
    if (!st || !st->sig_on) return 0;
    asy_signal_stop(&st->sig);
    asy__queue_remove(&st->sig.handle_link_);
    st->sig_on = 0;
    return 0;
}

ASYNCRT_API int asy_loop_report_on_signal(asy_loop_t *loop, const asy_report_signal_opts_t *opts) {
    asy__diag_state *st;
    char *dir = NULL;
    int signum = opts && opts->signum ? opts->signum : SIGUSR2, r;
    if (!asy__loop_live(loop)) return ASY_EINVAL;
    if (signum <= 0 || signum >= 65 || signum == SIGKILL || signum == SIGSTOP) return ASY_EINVAL;
    if (!(st = asy__diag_st(loop))) return ASY_ENOMEM;
    if (opts && opts->directory && !(dir = asy__strdup(opts->directory))) return ASY_ENOMEM;
    asy_loop_report_on_signal_stop(loop);
    asy_signal_init(loop, &st->sig);
    /* the library's own: not listed, never EBUSY, no reason to stay alive */
    st->sig.flags_ |= ASY__H_INTERNAL;
    asy_unref((asy_handle_t *)&st->sig);
    st->sig.data = st;
    r = asy_signal_start(&st->sig, asy__report_signal_cb, signum);
    if (r) {
        asy__queue_remove(&st->sig.handle_link_);
        asy__free(dir);
        return r;
    }
    st->sig_on = 1;
    asy__free(st->directory);
    st->directory = dir;
    st->out = opts ? opts->out : NULL;
    st->on_report = opts ? opts->on_report : NULL;
    st->report_arg = opts ? opts->arg : NULL;
    return 0;
}
