/* The error policy: errors nobody handled go to the loop's uncaught hook,
 * whose default prints the creation site and aborts (Node's unhandled
 * 'error' event). */
#include "../asyncrt.h"
#include "test.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static asy_loop_t L;
static int n_uncaught, last_err, last_line;
static asy_handle_type_t last_type;
static const void *last_obj;
static char last_file[256], last_what[128];

static void hook(void *arg, const asy_uncaught_t *info) {
    ASSERT_PTR_EQ(arg, &L);
    n_uncaught++;
    last_err = info->error;
    last_type = info->type;
    last_obj = info->object;
    last_line = info->origin_line;
    snprintf(last_file, sizeof(last_file), "%s", info->origin_file ? info->origin_file : "");
    snprintf(last_what, sizeof(last_what), "%s", info->what ? info->what : "");
}

static void reset(void) {
    n_uncaught = last_err = last_line = 0;
    last_type = ASY_HANDLE_UNKNOWN;
    last_obj = NULL;
    last_file[0] = last_what[0] = 0;
}

static void run(void) { ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0); }

TEST(uncaught_stream_error_without_listener_names_its_creation_site) {
    asy_stream_t s;
    int line;
    reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_loop_on_uncaught(&L, hook, &L));
    line = __LINE__ + 1;
    ASSERT_OK(asy_readable_init(&L, &s, NULL, NULL));
    ASSERT_OK(asy_stream_destroy(&s, ASY_EIO));
    ASSERT_EQ(n_uncaught, 0); /* 'error' is emitted on a nextTick, as in Node */
    run();
    ASSERT_EQ(n_uncaught, 1);
    ASSERT_ERR(last_err, ASY_EIO);
    ASSERT_EQ(last_type, ASY_HANDLE_STREAM);
    ASSERT_PTR_EQ(last_obj, &s);
    ASSERT_STR_EQ(last_file, __FILE__);
    ASSERT_EQ(last_line, line);
    ASSERT(strstr(last_what, "'error'") != NULL);
    ASSERT_OK(asy_loop_close(&L));
}

static int user_err;
static void on_error(asy_stream_t *s, int err) {
    (void)s;
    user_err = err;
}
static const asy_stream_events_t with_error = {NULL, NULL, NULL, on_error, NULL,
                                             NULL, NULL, NULL, NULL};
static int fin_status = 1;
static void on_finished(asy_stream_t *s, int status, void *arg) {
    (void)s, (void)arg;
    fin_status = status;
}
static int pl_status = 1;
static void on_pipeline(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    pl_status = status;
}

static void sink_write(asy_stream_t *s, const asy_buf_t *chunk) {
    (void)chunk;
    asy_stream_write_done(s, 0);
}
static const asy_stream_impl_t sink_impl = {NULL, NULL, sink_write, NULL, NULL, NULL, NULL, NULL};

TEST(uncaught_not_raised_when_someone_listens) {
    asy_stream_t a, b, c, d, e;
    asy_stream_t *all[2];
    reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_loop_on_uncaught(&L, hook, &L));
    /* the user's on_error */
    ASSERT_OK(asy_readable_init(&L, &a, NULL, NULL));
    ASSERT_OK(asy_stream_set_events(&a, &with_error));
    ASSERT_OK(asy_stream_destroy(&a, ASY_EIO));
    /* finished() */
    ASSERT_OK(asy_readable_init(&L, &b, NULL, NULL));
    ASSERT_OK(asy_finished(&b, on_finished, NULL));
    ASSERT_OK(asy_stream_destroy(&b, ASY_EPIPE));
    /* pipeline(): the destroyed partner's error is the pipeline's too */
    ASSERT_OK(asy_readable_init(&L, &c, NULL, NULL));
    ASSERT_OK(asy_writable_init(&L, &d, &sink_impl, NULL));
    all[0] = &c;
    all[1] = &d;
    ASSERT_OK(asy_pipeline(all, 2, on_pipeline, NULL));
    ASSERT_OK(asy_stream_destroy(&c, ASY_ECONNRESET));
    /* a stream destroyed without an error has nothing to report */
    ASSERT_OK(asy_readable_init(&L, &e, NULL, NULL));
    ASSERT_OK(asy_stream_destroy(&e, 0));
    run();
    ASSERT_ERR(user_err, ASY_EIO);
    ASSERT_ERR(fin_status, ASY_EPIPE);
    ASSERT_ERR(pl_status, ASY_ECONNRESET);
    ASSERT_EQ(n_uncaught, 0);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(uncaught_pipe_listener_does_not_handle_the_destination_error) {
    asy_stream_t src, dst;
    int line;
    reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_loop_on_uncaught(&L, hook, &L));
    ASSERT_OK(asy_readable_init(&L, &src, NULL, NULL));
    ASSERT_OK(asy_stream_set_events(&src, &with_error));
    line = __LINE__ + 1;
    ASSERT_OK(asy_writable_init(&L, &dst, &sink_impl, NULL));
    ASSERT_OK(asy_stream_pipe(&src, &dst, NULL));
    /* Node's pipe only unpipes on the destination's error: with no other
     * listener the error is still unhandled */
    ASSERT_OK(asy_stream_destroy(&dst, ASY_EPIPE));
    run();
    ASSERT_EQ(n_uncaught, 1);
    ASSERT_ERR(last_err, ASY_EPIPE);
    ASSERT_EQ(last_line, line);
    ASSERT_OK(asy_stream_destroy(&src, 0));
    run();
    ASSERT_EQ(n_uncaught, 1);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(uncaught_public_report_and_hook_reset) {
    asy_timer_t t;
    int line;
    reset();
    ASSERT_ERR(asy_loop_on_uncaught(NULL, hook, NULL), ASY_EINVAL);
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_loop_on_uncaught(&L, hook, &L));
    line = __LINE__ + 1;
    ASSERT_OK(asy_timer_init(&L, &t));
    asy_loop_uncaught(&L, ASY_ETIMEDOUT, (asy_handle_t *)&t, "timeout callback");
    ASSERT_EQ(n_uncaught, 1);
    ASSERT_ERR(last_err, ASY_ETIMEDOUT);
    ASSERT_EQ(last_type, ASY_HANDLE_TIMER);
    ASSERT_STR_EQ(last_what, "timeout callback");
    ASSERT_STR_EQ(last_file, __FILE__);
    ASSERT_EQ(last_line, line);
    asy_loop_uncaught(&L, ASY_ENOENT, NULL, NULL);
    ASSERT_EQ(n_uncaught, 2);
    ASSERT_EQ(last_type, ASY_HANDLE_UNKNOWN);
    ASSERT_STR_EQ(last_file, "");
    ASSERT_OK(asy_close((asy_handle_t *)&t, NULL));
    run();
    ASSERT_OK(asy_loop_close(&L));
    ASSERT_ERR(asy_loop_on_uncaught(&L, hook, &L), ASY_EINVAL); /* closed loop */
}

TEST(uncaught_print_format) {
    asy_uncaught_t info;
    char buf[512];
    FILE *f = tmpfile();
    size_t n;
    ASSERT_NOT_NULL(f);
    memset(&info, 0, sizeof(info));
    info.error = ASY_ENOENT;
    info.what = "'error' event with no listener";
    info.type = ASY_HANDLE_STREAM;
    info.origin_file = "app.c";
    info.origin_line = 42;
    asy_uncaught_print(f, &info);
    rewind(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    ASSERT_STR_EQ(buf, "asyncrt: uncaught ENOENT (no such file or directory): 'error' event "
                       "with no listener on a stream created at app.c:42\n");
}

/* The default: print and abort, like Node's exit on an unhandled 'error'.
 * Run in a child so the abort is observed, not suffered. */
TEST(uncaught_default_prints_and_aborts) {
    int fds[2], status, line = 0;
    char out[1024], want[128];
    ssize_t n, got = 0;
    pid_t pid;
    ASSERT_OK(pipe(fds));
    line = __LINE__ + 9;
    pid = fork();
    ASSERT(pid >= 0);
    if (pid == 0) {
        asy_stream_t s;
        close(fds[0]);
        dup2(fds[1], 2);
        signal(SIGABRT, SIG_DFL);
        if (asy_loop_init(&L, NULL) != 0) _exit(3);
        if (asy_readable_init(&L, &s, NULL, NULL) != 0) _exit(3);
        asy_stream_destroy(&s, ASY_ECONNRESET);
        asy_run(&L, ASY_RUN_DEFAULT);
        _exit(0); /* not reached: the default aborts */
    }
    close(fds[1]);
    while ((n = read(fds[0], out + got, sizeof(out) - 1 - (size_t)got)) > 0) got += n;
    out[got] = 0;
    close(fds[0]);
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT(WIFSIGNALED(status));
    ASSERT_EQ(WTERMSIG(status), SIGABRT);
    ASSERT(strstr(out, "asyncrt: uncaught ECONNRESET") != NULL);
    snprintf(want, sizeof(want), "created at %s:%d", __FILE__, line);
    if (!strstr(out, want)) FAIL("want \"%s\" in: %s", want, out);
}
