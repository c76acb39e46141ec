/* execFile / exec: buffered output, maxBuffer, timeout, errors. */
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1 /* the suite runs on every backend (tests/test.h) */
#include "test.h"

#include <signal.h>

static asy_loop_t L;

typedef struct {
    int calls, status, code, sig, killed;
    char out[4096], err[4096], msg[128];
    size_t out_len, err_len;
} res_t;

static void on_done(const asy_exec_result_t *r, void *arg) {
    res_t *s = (res_t *)arg;
    s->calls++;
    s->status = r->status;
    s->code = r->exit_code;
    s->sig = r->term_signal;
    s->killed = r->killed;
    s->out_len = r->out_len;
    s->err_len = r->err_len;
    ASSERT_EQ(r->out[r->out_len], 0);
    ASSERT_EQ(r->err[r->err_len], 0);
    snprintf(s->out, sizeof(s->out), "%s", r->out);
    snprintf(s->err, sizeof(s->err), "%s", r->err);
    snprintf(s->msg, sizeof(s->msg), "%s", r->message);
}

TEST(exec_file_buffers_stdout_and_stderr) {
    res_t r;
    const char *argv[] = {"sh", "-c", "printf 'a\\nb\\n'; printf oops >&2", NULL};
    memset(&r, 0, sizeof(r));
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_exec_file(&L, "sh", argv, NULL, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(r.calls, 1);
    ASSERT_EQ(r.status, 0);
    ASSERT_EQ(r.code, 0);
    ASSERT_STR_EQ(r.out, "a\nb\n");
    ASSERT_STR_EQ(r.err, "oops");
    ASSERT_STR_EQ(r.msg, "");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(exec_file_no_shell_passes_arguments_verbatim) {
    res_t r;
    const char *argv[] = {"echo", "$HOME; echo injected", NULL};
    memset(&r, 0, sizeof(r));
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_exec_file(&L, "echo", argv, NULL, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_STR_EQ(r.out, "$HOME; echo injected\n");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(exec_runs_through_the_shell) {
    res_t r;
    memset(&r, 0, sizeof(r));
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_exec(&L, "echo hello | tr a-z A-Z", NULL, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(r.status, 0);
    ASSERT_STR_EQ(r.out, "HELLO\n");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(exec_nonzero_exit_is_echild_with_code) {
    res_t r;
    memset(&r, 0, sizeof(r));
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_exec(&L, "echo partial; exit 4", NULL, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_ERR(r.status, ASY_ECHILD);
    ASSERT_EQ(r.code, 4);
    ASSERT_EQ(r.killed, 0);
    ASSERT_STR_EQ(r.out, "partial\n");
    ASSERT_STR_EQ(r.msg, "command failed");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(exec_file_missing_program) {
    res_t r;
    memset(&r, 0, sizeof(r));
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_exec_file(&L, "asyncrt-missing-program", NULL, NULL, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(r.calls, 1);
    ASSERT_ERR(r.status, ASY_ENOENT);
    ASSERT_EQ(r.code, -1);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(exec_bad_arguments_never_call_back) {
    res_t r;
    asy_exec_opts_t o;
    memset(&r, 0, sizeof(r));
    memset(&o, 0, sizeof(o));
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_ERR(asy_exec_file(&L, NULL, NULL, NULL, on_done, &r), ASY_EINVAL);
    ASSERT_ERR(asy_exec_file(&L, "true", NULL, NULL, NULL, &r), ASY_EINVAL);
    ASSERT_ERR(asy_exec(&L, NULL, NULL, on_done, &r), ASY_EINVAL);
    o.encoding = "klingon";
    ASSERT_ERR(asy_exec(&L, "true", &o, on_done, &r), ASY_EINVAL);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(r.calls, 0);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(exec_max_buffer_kills_and_reports) {
    res_t r;
    asy_exec_opts_t o;
    const char *argv[] = {"yes", NULL};
    memset(&r, 0, sizeof(r));
    memset(&o, 0, sizeof(o));
    o.max_buffer = 1000;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_exec_file(&L, "yes", argv, &o, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(r.calls, 1);
    ASSERT_ERR(r.status, ASY_ENOBUFS);
    ASSERT_STR_EQ(r.msg, "stdout maxBuffer length exceeded");
    ASSERT_EQ(r.killed, 1);
    ASSERT_EQ(r.sig, SIGTERM);
    ASSERT_EQ(r.out_len, 1000); /* exactly maxBuffer bytes are kept */
    ASSERT_EQ(r.out[0], 'y');
    ASSERT_OK(asy_loop_close(&L));
}

TEST(exec_max_buffer_on_stderr) {
    res_t r;
    asy_exec_opts_t o;
    memset(&r, 0, sizeof(r));
    memset(&o, 0, sizeof(o));
    o.max_buffer = 100;
    o.kill_signal = SIGKILL;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_exec(&L, "yes >&2", &o, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_ERR(r.status, ASY_ENOBUFS);
    ASSERT_STR_EQ(r.msg, "stderr maxBuffer length exceeded");
    ASSERT_EQ(r.sig, SIGKILL);
    ASSERT_EQ(r.err_len, 100);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(exec_timeout_kills_with_kill_signal) {
    res_t r;
    asy_exec_opts_t o;
    const char *argv[] = {"sleep", "10", NULL};
    uint64_t t0 = asy_hrtime();
    memset(&r, 0, sizeof(r));
    memset(&o, 0, sizeof(o));
    o.timeout_ms = 100;
    o.kill_signal = SIGINT;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_exec_file(&L, "sleep", argv, &o, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(r.calls, 1);
    ASSERT_ERR(r.status, ASY_ETIMEDOUT);
    ASSERT_EQ(r.killed, 1);
    ASSERT_EQ(r.sig, SIGINT);
    ASSERT_GE(asy_hrtime() - t0, 90000000u);
    ASSERT_LT(asy_hrtime() - t0, 3000000000u);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(exec_timeout_not_hit) {
    res_t r;
    asy_exec_opts_t o;
    memset(&r, 0, sizeof(r));
    memset(&o, 0, sizeof(o));
    o.timeout_ms = 5000;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_exec(&L, "echo quick", &o, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT); /* ends without waiting for the timer */
    ASSERT_EQ(r.status, 0);
    ASSERT_EQ(r.killed, 0);
    ASSERT_STR_EQ(r.out, "quick\n");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(exec_cwd_and_env_pass_through) {
    res_t r;
    asy_exec_opts_t o;
    const char *env[] = {"WHO=asyncrt", NULL};
    memset(&r, 0, sizeof(r));
    memset(&o, 0, sizeof(o));
    o.process.cwd = "/";
    o.process.env = env;
    o.process.env_extend = 1;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_exec(&L, "echo \"$(pwd) $WHO\"", &o, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_STR_EQ(r.out, "/ asyncrt\n");
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- promise forms -------------------------------------------------------- */
static int settled, settled_err;
static char settled_out[256], settled_msg[256];

static void on_settled(void *arg, const asy_settled_t *in) {
    (void)arg;
    settled++;
    settled_err = in->error;
    if (in->state == ASY_PROMISE_FULFILLED) {
        const asy_exec_output_t *o = (const asy_exec_output_t *)in->value;
        snprintf(settled_out, sizeof(settled_out), "%s", o->out);
        ASSERT_EQ(o->out_len, strlen(o->out));
    } else {
        snprintf(settled_msg, sizeof(settled_msg), "%s", in->message ? in->message : "");
    }
}

TEST(exec_file_async_fulfils_with_output) {
    asy_promise_t *p;
    const char *argv[] = {"echo", "from", "promise", NULL};
    settled = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    p = asy_execp_file(&L, "echo", argv, NULL);
    ASSERT_NOT_NULL(p);
    ASSERT_OK(asy_promise_on_settled(p, on_settled, NULL));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(settled, 1);
    ASSERT_EQ(settled_err, 0);
    ASSERT_STR_EQ(settled_out, "from promise\n");
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(exec_async_rejects_with_status_and_stderr) {
    asy_promise_t *p;
    settled = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    p = asy_execp(&L, "echo bad thing >&2; exit 2", NULL);
    ASSERT_NOT_NULL(p);
    ASSERT_OK(asy_promise_on_settled(p, on_settled, NULL));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(settled, 1);
    ASSERT_ERR(settled_err, ASY_ECHILD);
    ASSERT_STR_EQ(settled_msg, "command failed\nbad thing\n");
    asy_promise_release(p);
    /* bad arguments: already rejected */
    settled = 0;
    p = asy_execp_file(&L, NULL, NULL, NULL);
    ASSERT_NOT_NULL(p);
    ASSERT_OK(asy_promise_on_settled(p, on_settled, NULL));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_ERR(settled_err, ASY_EINVAL);
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(exec_encodings_decode_like_node) {
    res_t r;
    asy_exec_opts_t o;
    memset(&o, 0, sizeof(o));
    ASSERT_OK(asy_loop_init(&L, NULL));
    o.encoding = "hex";
    memset(&r, 0, sizeof(r));
    ASSERT_OK(asy_exec(&L, "printf 'hi\\n'; printf 'A' >&2", &o, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(r.status, 0);
    ASSERT_STR_EQ(r.out, "68690a");
    ASSERT_STR_EQ(r.err, "41");
    o.encoding = "base64";
    memset(&r, 0, sizeof(r));
    ASSERT_OK(asy_exec(&L, "printf hello", &o, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_STR_EQ(r.out, "aGVsbG8=");
    /* utf8: an invalid byte becomes U+FFFD; "buffer" keeps it */
    o.encoding = "utf8";
    memset(&r, 0, sizeof(r));
    ASSERT_OK(asy_exec(&L, "printf 'a\\377b'", &o, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_STR_EQ(r.out, "a\xEF\xBF\xBD" "b");
    ASSERT_EQ(r.out_len, 5);
    o.encoding = "buffer";
    memset(&r, 0, sizeof(r));
    ASSERT_OK(asy_exec(&L, "printf 'a\\377b'", &o, on_done, &r));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_STR_EQ(r.out, "a\xFF" "b");
    ASSERT_OK(asy_loop_close(&L));
}
