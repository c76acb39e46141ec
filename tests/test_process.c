/* Child processes: spawn (exit codes, signals, stdio, cwd/env, errors),
 * backpressure through cat, reaping without zombies, several loops. */
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1 /* the suite runs on every backend (tests/test.h) */
#include "test.h"

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static asy_loop_t L;

#if defined(__SANITIZE_ADDRESS__)
#define ASYT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASYT_ASAN 1
#endif
#endif
#ifndef ASYT_ASAN
#define ASYT_ASAN 0
#endif

typedef struct {
    asy_process_t p;
    int exits, status, code, sig;
    char out[8192], err[8192];
    size_t out_len, err_len;
    int out_eof, err_eof;
    int closes;
} child_t;

static void on_exit_cb(asy_process_t *p, int status, int code, int sig) {
    child_t *c = (child_t *)p->data;
    c->exits++;
    c->status = status;
    c->code = code;
    c->sig = sig;
}

static void on_close_handle(asy_handle_t *h) { ((child_t *)h->data)->closes++; }

static void on_read(asy_process_t *p, int fd, const char *data, long n) {
    child_t *c = (child_t *)p->data;
    char *buf = fd == 1 ? c->out : c->err;
    size_t *len = fd == 1 ? &c->out_len : &c->err_len;
    if (n < 0) {
        ASSERT_EQ(n, ASY_EOF);
        if (fd == 1) c->out_eof++;
        else c->err_eof++;
        return;
    }
    ASSERT(*len + (size_t)n < sizeof(c->out));
    memcpy(buf + *len, data, (size_t)n);
    *len += (size_t)n;
    buf[*len] = 0;
}

/* Spawns argv with opts, reads stdout/stderr when they are pipes, runs the
 * loop to the end and closes the handle. */
static void run_child(child_t *c, const char *file, const char *const *argv,
                      const asy_process_opts_t *o) {
    memset(c, 0, sizeof(*c));
    ASSERT_OK(asy_spawn(&L, &c->p, file, argv, o, on_exit_cb));
    c->p.data = c;
    asy_os_fd_t pfd;
    if (asy_process_stdio_fd(&c->p, 1, &pfd) == 0) ASSERT_OK(asy_process_read_start(&c->p, 1, on_read));
    if (asy_process_stdio_fd(&c->p, 2, &pfd) == 0) ASSERT_OK(asy_process_read_start(&c->p, 2, on_read));
    asy_run(&L, ASY_RUN_DEFAULT);
    asy_close((asy_handle_t *)&c->p, on_close_handle);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(c->closes, 1);
}

static void sh(child_t *c, const char *script, const asy_process_opts_t *o) {
    const char *argv[4];
    argv[0] = "sh";
    argv[1] = "-c";
    argv[2] = script;
    argv[3] = NULL;
    run_child(c, "/bin/sh", argv, o);
}

TEST(process_exit_codes) {
    child_t c;
    ASSERT_OK(asy_loop_init(&L, NULL));
    sh(&c, "exit 0", NULL);
    ASSERT_EQ(c.exits, 1);
    ASSERT_EQ(c.status, 0);
    ASSERT_EQ(c.code, 0);
    ASSERT_EQ(c.sig, 0);
    sh(&c, "exit 7", NULL);
    ASSERT_EQ(c.code, 7);
    sh(&c, "exit 255", NULL);
    ASSERT_EQ(c.code, 255);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_bad_arguments) {
    asy_process_t p;
    asy_process_opts_t o;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_ERR(asy_spawn(NULL, &p, "/bin/true", NULL, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_spawn(&L, NULL, "/bin/true", NULL, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_spawn(&L, &p, NULL, NULL, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_spawn(&L, &p, "", NULL, NULL, NULL), ASY_EINVAL);
    memset(&o, 0, sizeof(o));
    o.stdio_count = ASY_PROCESS_MAX_STDIO + 1;
    ASSERT_ERR(asy_spawn(&L, &p, "/bin/true", NULL, &o, NULL), ASY_EINVAL);
    o.stdio_count = 3;
    o.stdio[1].kind = ASY_STDIO_FD;
    o.stdio[1].fd = -1;
    ASSERT_ERR(asy_spawn(&L, &p, "/bin/true", NULL, &o, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_process_kill(NULL, 0), ASY_EINVAL);
    ASSERT_EQ(asy_loop_print_handles(&L, NULL), 0); /* nothing was set up */
    ASSERT_OK(asy_loop_close(&L));
}

static void kill_on_start(void *arg) {
    child_t *c = (child_t *)arg;
    ASSERT_OK(asy_process_kill(&c->p, SIGKILL));
}

TEST(process_killed_by_signal) {
    child_t c;
    const char *argv[] = {"sleep", "10", NULL};
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&c, 0, sizeof(c));
    ASSERT_OK(asy_spawn(&L, &c.p, "sleep", argv, NULL, on_exit_cb));
    c.p.data = &c;
    ASSERT_GT(asy_process_pid(&c.p), 0);
    asy_set_timeout(&L, kill_on_start, &c, 20);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(c.exits, 1);
    ASSERT_EQ(c.status, 0);
    ASSERT_EQ(c.code, -1);
    ASSERT_EQ(c.sig, SIGKILL);
    ASSERT_ERR(asy_process_kill(&c.p, SIGTERM), ASY_ESRCH); /* reaped */
    asy_close((asy_handle_t *)&c.p, NULL);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_OK(asy_loop_close(&L));
}

static void kill_default(void *arg) {
    child_t *c = (child_t *)arg;
    ASSERT_OK(asy_process_kill(&c->p, 0));
}

TEST(process_kill_default_signal_is_configurable) {
    child_t c;
    asy_process_opts_t o;
    const char *argv[] = {"sleep", "10", NULL};
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&c, 0, sizeof(c));
    memset(&o, 0, sizeof(o));
    o.kill_signal = SIGUSR1;
    ASSERT_OK(asy_spawn(&L, &c.p, "sleep", argv, &o, on_exit_cb));
    c.p.data = &c;
    asy_set_timeout(&L, kill_default, &c, 20);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(c.sig, SIGUSR1);
    asy_close((asy_handle_t *)&c.p, NULL);
    asy_run(&L, ASY_RUN_DEFAULT);
    memset(&c, 0, sizeof(c));
    ASSERT_OK(asy_spawn(&L, &c.p, "sleep", argv, NULL, on_exit_cb));
    c.p.data = &c;
    asy_set_timeout(&L, kill_default, &c, 20);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(c.sig, SIGTERM);
    asy_close((asy_handle_t *)&c.p, NULL);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_crash_is_reported_as_signal) {
    child_t c;
    ASSERT_OK(asy_loop_init(&L, NULL));
    run_child(&c, "./helpers/crash", NULL, NULL);
    ASSERT_EQ(c.exits, 1);
    ASSERT_EQ(c.status, 0);
    ASSERT_EQ(c.code, -1);
    ASSERT_EQ(c.sig, SIGABRT);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_missing_binary_is_enoent_through_callback) {
    child_t c;
    const char *argv[] = {"asyncrt-no-such-program", NULL};
    ASSERT_OK(asy_loop_init(&L, NULL));
    /* PATH search */
    run_child(&c, "asyncrt-no-such-program", argv, NULL);
    ASSERT_EQ(c.exits, 1);
    ASSERT_ERR(c.status, ASY_ENOENT);
    ASSERT_EQ(c.code, -1);
    ASSERT_EQ(asy_process_pid(&c.p), 0);
    /* absolute path */
    run_child(&c, "/nonexistent/dir/prog", NULL, NULL);
    ASSERT_ERR(c.status, ASY_ENOENT);
    /* not executable */
    run_child(&c, "/etc/passwd", NULL, NULL);
    ASSERT_ERR(c.status, ASY_EACCES);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_bad_cwd_is_reported) {
    child_t c;
    asy_process_opts_t o;
    memset(&o, 0, sizeof(o));
    o.cwd = "/nonexistent-asyncrt-dir";
    ASSERT_OK(asy_loop_init(&L, NULL));
    sh(&c, "exit 0", &o);
    ASSERT_ERR(c.status, ASY_ENOENT);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_stdout_and_stderr_stay_separate) {
    child_t c;
    ASSERT_OK(asy_loop_init(&L, NULL));
    sh(&c, "echo out1; echo err1 >&2; echo out2; echo err2 >&2; exit 3", NULL);
    ASSERT_STR_EQ(c.out, "out1\nout2\n");
    ASSERT_STR_EQ(c.err, "err1\nerr2\n");
    ASSERT_EQ(c.out_eof, 1);
    ASSERT_EQ(c.err_eof, 1);
    ASSERT_EQ(c.code, 3);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_cwd_and_env) {
    child_t c;
    asy_process_opts_t o;
    const char *env[] = {"ASYT_FOO=bar baz", "PATH=/usr/bin:/bin", NULL};
    const char *extend[] = {"ASYT_FOO=over", NULL};
    char want[256];
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    o.cwd = "/tmp";
    sh(&c, "pwd", &o);
    ASSERT_STR_EQ(c.out, "/tmp\n");
    /* replace: only what we pass */
    setenv("ASYT_PARENT", "from-parent", 1);
    memset(&o, 0, sizeof(o));
    o.env = env;
    sh(&c, "echo \"$ASYT_FOO|$ASYT_PARENT|$PATH\"", &o);
    ASSERT_STR_EQ(c.out, "bar baz||/usr/bin:/bin\n");
    /* extend: the parent's plus ours, ours winning */
    setenv("ASYT_FOO", "parent-value", 1);
    o.env = extend;
    o.env_extend = 1;
    sh(&c, "echo \"$ASYT_FOO|$ASYT_PARENT\"", &o);
    ASSERT_STR_EQ(c.out, "over|from-parent\n");
    /* inherit */
    sh(&c, "echo \"$ASYT_FOO|$ASYT_PARENT\"", NULL);
    snprintf(want, sizeof(want), "parent-value|from-parent\n");
    ASSERT_STR_EQ(c.out, want);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_path_lookup_uses_child_path) {
    child_t c;
    asy_process_opts_t o;
    const char *env[] = {"PATH=/nonexistent-asyncrt", NULL};
    const char *argv[] = {"sh", "-c", "exit 0", NULL};
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    o.env = env;
    run_child(&c, "sh", argv, &o);
    ASSERT_ERR(c.status, ASY_ENOENT);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_stdio_inherit_ignore_and_fd) {
    child_t c;
    asy_process_opts_t o;
    int fds[2];
    char buf[64];
    ssize_t n;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_EQ(pipe(fds), 0);
    memset(&o, 0, sizeof(o));
    o.stdio[0].kind = ASY_STDIO_IGNORE;
    o.stdio[1].kind = ASY_STDIO_FD;
    o.stdio[1].fd = fds[1];
    o.stdio[2].kind = ASY_STDIO_INHERIT;
    sh(&c, "read x; r=$?; echo \"got[$x]\"; exit $r", &o);
    close(fds[1]);
    n = read(fds[0], buf, sizeof(buf) - 1);
    ASSERT_GT(n, 0);
    buf[n] = 0;
    ASSERT_STR_EQ(buf, "got[]\n"); /* /dev/null stdin reads as EOF */
    close(fds[0]);
    ASSERT_EQ(c.code, 1);          /* read fails at EOF */
    {
        asy_os_fd_t pfd = 0;
        ASSERT_ERR(asy_process_stdio_fd(&c.p, 1, &pfd), ASY_EBADF);
        ASSERT_EQ(pfd, ASY_OS_FD_INVALID);
        ASSERT_ERR(asy_process_stdio_fd(&c.p, 0, NULL), ASY_EINVAL);
    }
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_extra_fd_pipe) {
    child_t c;
    asy_process_opts_t o;
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    o.stdio_count = 4;
    o.stdio[3].kind = ASY_STDIO_PIPE;
    memset(&c, 0, sizeof(c));
    {
        const char *argv[] = {"sh", "-c", "echo on-fd-3 >&3", NULL};
        ASSERT_OK(asy_spawn(&L, &c.p, "/bin/sh", argv, &o, on_exit_cb));
    }
    c.p.data = &c;
    /* reuse the stderr buffer for fd 3 */
    ASSERT_OK(asy_process_read_start(&c.p, 3, on_read));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_STR_EQ(c.err, "on-fd-3\n");
    asy_close((asy_handle_t *)&c.p, NULL);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_detached_gets_own_session) {
    child_t c;
    asy_process_opts_t o;
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    o.detached = 1;
    /* fields 6 (session) of /proc/self/stat vs the shell's own pid */
    sh(&c, "set -- $(cat /proc/$$/stat); [ \"$6\" = \"$$\" ] && echo same-session", &o);
    ASSERT_STR_EQ(c.out, "same-session\n");
    sh(&c, "set -- $(cat /proc/$$/stat); [ \"$6\" = \"$$\" ] && echo same-session", NULL);
    ASSERT_STR_EQ(c.out, "");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_uid_gid) {
    child_t c;
    asy_process_opts_t o;
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    o.set_uid = o.set_gid = 1;
    o.uid = 65534;
    o.gid = 65534;
    o.cwd = "/";
    sh(&c, "echo $(id -u):$(id -g)", &o);
    if (geteuid() == 0) {
        ASSERT_EQ(c.status, 0);
        ASSERT_STR_EQ(c.out, "65534:65534\n");
    } else {
        ASSERT_ERR(c.status, ASY_EPERM);
    }
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- 100 MiB through cat, with backpressure ---------------------------- */
#define CAT_TOTAL (100u * 1024u * 1024u)
#define CAT_CHUNK 65536u
static struct {
    asy_process_t p;
    size_t sent, got;
    uint64_t sum_in, sum_out;
    int exits, code;
    long rss_max_kb;
    unsigned char chunk[CAT_CHUNK];
} cat;

static long rss_kb(void) {
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = -1;
    fclose(f);
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static void cat_pump(void) {
    while (cat.sent < CAT_TOTAL) {
        size_t i;
        int r;
        for (i = 0; i < CAT_CHUNK; i += 4096) cat.chunk[i] = (unsigned char)(cat.sent / 4096 + i);
        for (i = 0; i < CAT_CHUNK; i += 4096) cat.sum_in += cat.chunk[i];
        r = asy_process_write(&cat.p, 0, cat.chunk, CAT_CHUNK);
        ASSERT_OK(r);
        cat.sent += CAT_CHUNK;
        if (r == 0) return; /* wait for drain */
    }
    ASSERT_OK(asy_process_end(&cat.p, 0));
}

static void cat_drain(asy_process_t *p, int fd, int status) {
    (void)p;
    ASSERT_EQ(fd, 0);
    ASSERT_OK(status);
    cat_pump();
}

static void cat_read(asy_process_t *p, int fd, const char *data, long n) {
    long i;
    static size_t pos;
    long r;
    (void)p;
    ASSERT_EQ(fd, 1);
    if (n < 0) return;
    for (i = 0; i < n; i++, pos++)
        if (pos % 4096 == 0) cat.sum_out += (unsigned char)data[i];
    cat.got += (size_t)n;
    if ((cat.got & ((1u << 22) - 1)) < (size_t)n) { /* every 4 MiB */
        r = rss_kb();
        if (r > cat.rss_max_kb) cat.rss_max_kb = r;
    }
}

static void cat_exit(asy_process_t *p, int status, int code, int sig) {
    (void)p;
    (void)sig;
    ASSERT_OK(status);
    cat.exits++;
    cat.code = code;
}

TEST_T(process_cat_100mib_backpressure_bounded_rss, 60000) {
    asy_process_opts_t o;
    const char *argv[] = {"cat", NULL};
    long rss0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    o.on_drain = cat_drain;
    o.stdio[2].kind = ASY_STDIO_INHERIT;
    rss0 = rss_kb();
    ASSERT_GT(rss0, 0);
    ASSERT_OK(asy_spawn(&L, &cat.p, "cat", argv, &o, cat_exit));
    ASSERT_OK(asy_process_read_start(&cat.p, 1, cat_read));
    cat_pump();
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(cat.exits, 1);
    ASSERT_EQ(cat.code, 0);
    ASSERT_EQ_U64(cat.got, CAT_TOTAL);
    ASSERT_EQ_U64(cat.sum_out, cat.sum_in);
    /* the queue never held much more than the high-water mark */
    ASSERT_LT(cat.rss_max_kb - rss0, 16 * 1024);
    asy_close((asy_handle_t *)&cat.p, NULL);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_write_after_child_exit_is_epipe_not_sigpipe) {
    child_t c;
    const char *argv[] = {"true", NULL};
    static char big[1 << 20];
    int r = 1, i;
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&c, 0, sizeof(c));
    ASSERT_OK(asy_spawn(&L, &c.p, "true", argv, NULL, on_exit_cb));
    c.p.data = &c;
    asy_run(&L, ASY_RUN_DEFAULT); /* until it exited */
    ASSERT_EQ(c.exits, 1);
    for (i = 0; i < 8 && r >= 0; i++) r = asy_process_write(&c.p, 0, big, sizeof(big));
    ASSERT_ERR(r, ASY_EPIPE);
    asy_close((asy_handle_t *)&c.p, NULL);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- many children ------------------------------------------------------ */
#define NCHILD 200
static child_t many[NCHILD];
static int many_closed;

static void many_close_ev(asy_process_t *p, int status, int code, int sig) {
    child_t *c = (child_t *)p->data;
    (void)status;
    (void)code;
    (void)sig;
    c->closes++;
    many_closed++;
    asy_close((asy_handle_t *)p, NULL);
}

TEST_T(process_200_concurrent_children, 30000) {
    asy_process_opts_t o;
    int i;
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    o.on_close = many_close_ev;
    o.stdio[2].kind = ASY_STDIO_INHERIT;
    for (i = 0; i < NCHILD; i++) {
        char script[64];
        const char *argv[4];
        snprintf(script, sizeof(script), "echo child-%d; exit %d", i, i % 100);
        argv[0] = "sh";
        argv[1] = "-c";
        argv[2] = script;
        argv[3] = NULL;
        memset(&many[i], 0, sizeof(many[i]));
        ASSERT_OK(asy_spawn(&L, &many[i].p, "/bin/sh", argv, &o, on_exit_cb));
        many[i].p.data = &many[i];
        ASSERT_GT(many[i].p.pid, 0);
        ASSERT_OK(asy_process_read_start(&many[i].p, 1, on_read));
    }
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(many_closed, NCHILD);
    for (i = 0; i < NCHILD; i++) {
        char want[32];
        int st;
        snprintf(want, sizeof(want), "child-%d\n", i);
        ASSERT_EQ(many[i].exits, 1);
        ASSERT_EQ(many[i].code, i % 100);
        ASSERT_EQ(many[i].closes, 1);
        ASSERT_STR_EQ(many[i].out, want);
        /* reaped: no zombie left */
        ASSERT_EQ(waitpid(many[i].p.pid, &st, WNOHANG), -1);
        ASSERT_EQ(errno, ECHILD);
    }
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- reaping ------------------------------------------------------------ */
static int pid_exists(int pid) {
    char path[64];
    struct stat st;
    snprintf(path, sizeof(path), "/proc/%d", pid);
    return stat(path, &st) == 0;
}

static void noop(void *a) { (void)a; }

TEST(process_close_before_exit_leaves_no_zombie) {
    asy_process_t p;
    const char *argv[] = {"sleep", "0.1", NULL};
    int pid, st;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_spawn(&L, &p, "sleep", argv, NULL, NULL));
    pid = p.pid;
    ASSERT_GT(pid, 0);
    asy_close((asy_handle_t *)&p, NULL); /* not waiting for it */
    asy_set_timeout(&L, noop, NULL, 600);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(waitpid(pid, &st, WNOHANG), -1);
    ASSERT_EQ(errno, ECHILD);
    ASSERT(!pid_exists(pid));
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_does_not_steal_foreign_children) {
    child_t c;
    int foreign, st;
    ASSERT_OK(asy_loop_init(&L, NULL));
    foreign = fork();
    if (foreign == 0) _exit(42);
    ASSERT_GT(foreign, 0);
    sh(&c, "sleep 0.05; exit 5", NULL); /* SIGCHLDs of both arrive meanwhile */
    ASSERT_EQ(c.code, 5);
    ASSERT_EQ(waitpid(foreign, &st, 0), foreign);
    ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 42);
    ASSERT_OK(asy_loop_close(&L));
}

static void thread_exit(asy_process_t *p, int status, int code, int sig) {
    (void)sig;
    *(int *)p->data = status ? status : code;
}

static void *loop_thread(void *arg) {
    asy_loop_t loop;
    asy_process_t procs[20];
    int *codes = (int *)arg, i;
    asy_loop_init(&loop, NULL);
    for (i = 0; i < 20; i++) {
        char script[32];
        const char *argv[] = {"sh", "-c", script, NULL};
        snprintf(script, sizeof(script), "exit %d", i + 1);
        codes[i] = -100;
        if (asy_spawn(&loop, &procs[i], "/bin/sh", argv, NULL, thread_exit) != 0) return NULL;
        procs[i].data = &codes[i];
    }
    asy_run(&loop, ASY_RUN_DEFAULT);
    for (i = 0; i < 20; i++) asy_close((asy_handle_t *)&procs[i], NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_loop_close(&loop);
    return NULL;
}

TEST_T(process_several_loops_share_sigchld, 20000) {
    pthread_t t[4];
    int codes[4][20], i, j;
    for (i = 0; i < 4; i++) ASSERT_EQ(pthread_create(&t[i], NULL, loop_thread, codes[i]), 0);
    for (i = 0; i < 4; i++) pthread_join(t[i], NULL);
    for (i = 0; i < 4; i++)
        for (j = 0; j < 20; j++) ASSERT_EQ(codes[i][j], j + 1);
}

/* ---- stdio as net-layer pipe handles -------------------------------------- */
static struct {
    asy_pipe_t in, out;
    asy_write_t wreq;
    asy_shutdown_t sreq;
    char got[64];
    size_t len;
    int eof, wrote, exits, closes;
} sp;

static void sp_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    if (n < 0) {
        ASSERT_EQ(n, ASY_EOF);
        sp.eof++;
        asy_close((asy_handle_t *)s, NULL);
        return;
    }
    ASSERT_LT(sp.len + (size_t)n, sizeof(sp.got));
    memcpy(sp.got + sp.len, buf->base, (size_t)n);
    sp.len += (size_t)n;
}

static void sp_shut(asy_shutdown_t *req, int status) {
    ASSERT_OK(status);
    asy_close((asy_handle_t *)req->handle, NULL);
}

static void sp_write(asy_write_t *req, int status) {
    ASSERT_OK(status);
    sp.wrote++;
    ASSERT_OK(asy_sock_shutdown(&sp.sreq, req->handle, sp_shut));
}

static void sp_exit(asy_process_t *p, int status, int code, int sig) {
    (void)sig;
    ASSERT_OK(status);
    ASSERT_EQ(code, 0);
    sp.exits++;
    asy_close((asy_handle_t *)p, NULL);
}

TEST(process_stdio_as_pipe_handles) {
    asy_process_t p;
    asy_process_opts_t o;
    asy_iov_t iov;
    const char *argv[] = {"tr", "a-z", "A-Z", NULL};
    memset(&sp, 0, sizeof(sp));
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_pipe_init(&L, &sp.in));
    ASSERT_OK(asy_pipe_init(&L, &sp.out));
    memset(&o, 0, sizeof(o));
    o.stdio[0].pipe = &sp.in;
    o.stdio[1].pipe = &sp.out;
    o.stdio[2].kind = ASY_STDIO_INHERIT;
    ASSERT_OK(asy_spawn(&L, &p, "tr", argv, &o, sp_exit));
    ASSERT_GT(p.pid, 0);
    {
        asy_os_fd_t pfd;
        asy_os_sock_t sfd = -1;
        ASSERT_ERR(asy_process_stdio_fd(&p, 1, &pfd), ASY_EBADF); /* owned by the pipe handle */
        ASSERT_OK(asy_sock_fileno((asy_sock_t *)&sp.out, &sfd));
        ASSERT_GE(sfd, 0);
    }
    ASSERT_OK(asy_sock_read_start((asy_sock_t *)&sp.out, NULL, sp_read));
    iov.base = (char *)"through a stream\n";
    iov.len = strlen(iov.base);
    ASSERT_OK(asy_sock_write(&sp.wreq, (asy_sock_t *)&sp.in, &iov, 1, sp_write));
    asy_run(&L, ASY_RUN_DEFAULT);
    sp.got[sp.len] = 0;
    ASSERT_STR_EQ(sp.got, "THROUGH A STREAM\n");
    ASSERT_EQ(sp.eof, 1);
    ASSERT_EQ(sp.wrote, 1);
    ASSERT_EQ(sp.exits, 1);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stdio as Node streams ---------------------------------------------- */
#define ST_TOTAL (100u * 1024u * 1024u)
static struct {
    asy_process_t p;
    asy_stream_t in, out, err;
    size_t sent, got;
    uint64_t sum_in, sum_out;
    int ends, finishes, closes, drains, exits, errors;
    long rss_max_kb;
} st;

static void st_pump(void);

static void st_data(asy_stream_t *s, const asy_buf_t *chunk) {
    size_t i;
    (void)s;
    for (i = 0; i < chunk->len; i++) st.sum_out += chunk->data[i] * (uint64_t)((st.got + i) % 251);
    st.got += chunk->len;
    if ((st.got & ((1u << 22) - 1)) < chunk->len) { /* every 4 MiB */
        long r = rss_kb();
        if (r > st.rss_max_kb) st.rss_max_kb = r;
    }
}
static void st_end(asy_stream_t *s) {
    ASSERT(s == &st.out || s == &st.err);
    st.ends++;
}
static void st_finish(asy_stream_t *s) {
    ASSERT_PTR_EQ(s, &st.in);
    st.finishes++;
}
static void st_close(asy_stream_t *s) {
    (void)s;
    st.closes++;
}
static void st_error(asy_stream_t *s, int err) {
    (void)s;
    (void)err;
    st.errors++;
}
static void st_drain(asy_stream_t *s) {
    (void)s;
    st.drains++;
    st_pump();
}

static const asy_stream_events_t st_events = {st_data, NULL, st_end, st_error, st_drain,
                                            st_finish, st_close, NULL, NULL};

static void st_pump(void) {
    static unsigned char chunk[16384];
    while (st.sent < ST_TOTAL) {
        size_t i;
        int r;
        for (i = 0; i < sizeof(chunk); i++) {
            chunk[i] = (unsigned char)((st.sent + i) * 7 + (st.sent >> 14));
            st.sum_in += chunk[i] * (uint64_t)((st.sent + i) % 251);
        }
        r = asy_stream_write_bytes(&st.in, chunk, sizeof(chunk), NULL, NULL);
        ASSERT_OK(r);
        st.sent += sizeof(chunk);
        if (r == 0) return; /* wait for 'drain' */
    }
    ASSERT_OK(asy_stream_end(&st.in, NULL, NULL));
}

static void st_exit(asy_process_t *p, int status, int code, int sig) {
    (void)p;
    (void)sig;
    ASSERT_OK(status);
    ASSERT_EQ(code, 0);
    st.exits++;
}

TEST_T(process_stdio_as_streams_100mib_through_cat_bounded_rss, 60000) {
    asy_process_opts_t o;
    const char *argv[] = {"cat", NULL};
    long rss0;
    memset(&st, 0, sizeof(st));
    rss0 = rss_kb();
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    o.stdio[0].stream = &st.in;
    o.stdio[1].stream = &st.out;
    o.stdio[2].stream = &st.err;
    ASSERT_OK(asy_spawn(&L, &st.p, "cat", argv, &o, st_exit));
    ASSERT_OK(asy_stream_set_events(&st.in, &st_events));
    ASSERT_OK(asy_stream_set_events(&st.out, &st_events));
    ASSERT_OK(asy_stream_set_events(&st.err, &st_events));
    st_pump();
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(st.exits, 1);
    ASSERT_EQ_U64(st.got, ST_TOTAL);
    ASSERT_EQ_U64(st.sum_out, st.sum_in);
    ASSERT_GT(st.drains, 0); /* backpressure happened */
#if !ASYT_ASAN
    ASSERT_LT(st.rss_max_kb - rss0, 16 * 1024);
#else
    (void)rss0; /* ASan's quarantine keeps every freed chunk: RSS says nothing */
#endif
    ASSERT_EQ(st.finishes, 1);
    ASSERT_EQ(st.ends, 2);   /* stdout and the empty stderr */
    ASSERT_EQ(st.closes, 3); /* autoDestroy after end / finish */
    ASSERT_EQ(st.errors, 0);
    asy_close((asy_handle_t *)&st.p, NULL);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_streams_of_a_failed_spawn_just_close) {
    asy_process_opts_t o;
    memset(&st, 0, sizeof(st));
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    o.stdio[0].stream = &st.in;
    o.stdio[1].stream = &st.out;
    ASSERT_OK(asy_spawn(&L, &st.p, "asyncrt-no-such-program", NULL, &o, on_exit_cb));
    {
        static child_t c;
        memset(&c, 0, sizeof(c));
        st.p.data = &c;
    }
    ASSERT_OK(asy_stream_set_events(&st.in, &st_events));
    ASSERT_OK(asy_stream_set_events(&st.out, &st_events));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_ERR(((child_t *)st.p.data)->status, ASY_ENOENT);
    ASSERT_EQ(st.closes, 2);
    ASSERT_EQ(st.errors, 0);
    ASSERT_EQ(st.got, 0);
    asy_close((asy_handle_t *)&st.p, NULL);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(process_closing_the_handle_destroys_open_streams) {
    asy_process_opts_t o;
    const char *argv[] = {"sleep", "5", NULL};
    memset(&st, 0, sizeof(st));
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    o.stdio[1].stream = &st.out;
    ASSERT_OK(asy_spawn(&L, &st.p, "sleep", argv, &o, NULL));
    ASSERT_OK(asy_stream_set_events(&st.out, &st_events));
    ASSERT_OK(asy_process_kill(&st.p, SIGKILL));
    asy_close((asy_handle_t *)&st.p, NULL);
    asy_set_timeout(&L, noop, NULL, 100); /* the orphan gets reaped meanwhile */
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(st.closes, 1);
    ASSERT(asy_stream_is_destroyed(&st.out));
    ASSERT_OK(asy_loop_close(&L));
}
