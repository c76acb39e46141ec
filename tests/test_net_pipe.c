/* Unix-domain sockets, pipe fds, stdio detection, TTYs on a pty. */
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1 /* the suite runs on every backend (tests/test.h) */
#include "test.h"
#include "net_util.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>

static asy_loop_t L;

/* ---- Unix-domain echo via a path ---------------------------------------- */
static asy_pipe_t us_server, us_conn, us_client;
static asy_connect_t us_creq;
static asy_write_t us_w1, us_w2;
static char us_path[108];
static char us_got[64];
static size_t us_len;

static void us_server_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    if (n < 0) {
        asy_close((asy_handle_t *)s, NULL);
        return;
    }
    {
        static char echo[64];
        asy_iov_t b;
        memcpy(echo, buf->base, (size_t)n);
        b.base = echo;
        b.len = (size_t)n;
        ASSERT_OK(asy_sock_write(&us_w2, s, &b, 1, NULL));
    }
}

static void us_on_connection(asy_sock_t *srv, int status) {
    char name[128];
    ASSERT_EQ(status, 0);
    ASSERT_OK(asy_pipe_init(srv->loop, &us_conn));
    ASSERT_OK(asy_pipe_accept((asy_pipe_t *)srv, &us_conn));
    ASSERT_OK(asy_sock_read_start((asy_sock_t *)&us_conn, NULL, us_server_read));
    ASSERT_EQ(asy_pipe_getsockname(&us_conn, name, sizeof(name)), (int)strlen(us_path));
    ASSERT_STR_EQ(name, us_path);
    asy_close((asy_handle_t *)srv, NULL);
}

static void us_client_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    ASSERT_GT(n, 0);
    memcpy(us_got + us_len, buf->base, (size_t)n);
    us_len += (size_t)n;
    if (us_len == 11) asy_close((asy_handle_t *)s, NULL);
}

static void us_connected(asy_connect_t *req, int status) {
    asy_iov_t b;
    char name[128];
    ASSERT_EQ(status, 0);
    ASSERT_EQ(asy_pipe_getpeername((asy_pipe_t *)req->handle, name, sizeof(name)),
              (int)strlen(us_path));
    ASSERT_STR_EQ(name, us_path);
    ASSERT_ERR(asy_pipe_getpeername((asy_pipe_t *)req->handle, name, 4), ASY_ENOSPC);
    b.base = (char *)"hello unix!";
    b.len = 11;
    ASSERT_OK(asy_sock_write(&us_w1, req->handle, &b, 1, NULL));
    ASSERT_OK(asy_sock_read_start(req->handle, NULL, us_client_read));
}

static void unix_echo(const char *backend) {
    struct stat st;
    snprintf(us_path, sizeof(us_path), "/tmp/asyncrt-test-%d.sock", (int)getpid());
    unlink(us_path);
    net_loop_init(&L, backend);
    ASSERT_OK(asy_pipe_init(&L, &us_server));
    ASSERT_OK(asy_pipe_bind(&us_server, us_path));
    ASSERT_EQ(stat(us_path, &st), 0);
    ASSERT_OK(asy_pipe_listen(&us_server, 8, us_on_connection));
    ASSERT_OK(asy_pipe_init(&L, &us_client));
    ASSERT_OK(asy_pipe_connect(&us_creq, &us_client, us_path, us_connected));
    net_loop_finish(&L);
    ASSERT_EQ(us_len, 11);
    ASSERT_MEM_EQ(us_got, "hello unix!", 11);
    ASSERT_NE(stat(us_path, &st), 0); /* the listener removed its file */
}
ALL_BACKENDS(unix_echo)

TEST(pipe_bind_errors) {
    asy_pipe_t p;
    char longpath[300];
    asy_connect_t req;
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = 0;
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_pipe_init(&L, &p));
    ASSERT_ERR(asy_pipe_bind(&p, longpath), ASY_ENAMETOOLONG);
    ASSERT_ERR(asy_pipe_bind(&p, ""), ASY_EINVAL);
    ASSERT_ERR(asy_pipe_listen(&p, 8, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_pipe_bind(&p, "/nonexistent-dir/x.sock"), ASY_ENOENT);
    asy_close((asy_handle_t *)&p, NULL);
    net_loop_finish(&L);
    (void)req;
}

static int pc_status = 1;
static void pc_cb(asy_connect_t *req, int status) {
    pc_status = status;
    asy_close((asy_handle_t *)req->handle, NULL);
}
TEST(pipe_connect_to_missing_path_fails_from_the_loop) {
    asy_pipe_t p;
    asy_connect_t req;
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_pipe_init(&L, &p));
    ASSERT_OK(asy_pipe_connect(&req, &p, "/tmp/asyncrt-no-such.sock", pc_cb));
    ASSERT_EQ(pc_status, 1);
    net_loop_finish(&L);
    ASSERT_ERR(pc_status, ASY_ENOENT);
}

/* ---- pipe fds: data, EOF, EPIPE without SIGPIPE ------------------------- */
static char pf_got[32];
static size_t pf_len;
static int pf_eof, pf_write_status = 1;
static void pf_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    if (n == ASY_EOF) {
        pf_eof = 1;
        asy_close((asy_handle_t *)s, NULL);
        return;
    }
    ASSERT_GT(n, 0);
    memcpy(pf_got + pf_len, buf->base, (size_t)n);
    pf_len += (size_t)n;
}
static void pf_written(asy_write_t *req, int status) {
    (void)status;
    asy_close((asy_handle_t *)req->handle, NULL);
}

static void pipe_fds(const char *backend) {
    asy_pipe_t r, w;
    asy_write_t wr;
    asy_iov_t b;
    int fds[2];
    net_loop_init(&L, backend);
    ASSERT_OK(asy_pipe_fds(fds));
    ASSERT_EQ(asy_guess_handle(fds[0]), ASY_HANDLE_PIPE);
    ASSERT_OK(asy_pipe_init(&L, &r));
    ASSERT_OK(asy_pipe_init(&L, &w));
    ASSERT_OK(asy_pipe_open(&r, fds[0]));
    ASSERT_OK(asy_pipe_open(&w, fds[1]));
    ASSERT_OK(asy_sock_read_start((asy_sock_t *)&r, NULL, pf_read));
    b.base = (char *)"through a pipe";
    b.len = 14;
    ASSERT_OK(asy_sock_write(&wr, (asy_sock_t *)&w, &b, 1, pf_written));
    net_loop_finish(&L);
    ASSERT_EQ(pf_len, 14);
    ASSERT_MEM_EQ(pf_got, "through a pipe", 14);
    ASSERT_EQ(pf_eof, 1);
}
ALL_BACKENDS(pipe_fds)

static void epipe_written(asy_write_t *req, int status) {
    pf_write_status = status;
    asy_close((asy_handle_t *)req->handle, NULL);
}

TEST(pipe_write_to_closed_reader_is_epipe_not_a_signal) {
    asy_pipe_t w;
    asy_write_t wr;
    asy_iov_t b;
    int fds[2];
    signal(SIGPIPE, SIG_DFL);
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_pipe_fds(fds));
    close(fds[0]);
    ASSERT_OK(asy_pipe_init(&L, &w));
    ASSERT_OK(asy_pipe_open(&w, fds[1]));
    b.base = (char *)"x";
    b.len = 1;
    ASSERT_OK(asy_sock_write(&wr, (asy_sock_t *)&w, &b, 1, epipe_written));
    net_loop_finish(&L);
    ASSERT_ERR(pf_write_status, ASY_EPIPE);
}

TEST(guess_handle_kinds) {
    int sp[2], fd;
    ASSERT_EQ(asy_guess_handle(-1), ASY_HANDLE_UNKNOWN);
    ASSERT_OK(asy_socketpair(sp));
    ASSERT_EQ(asy_guess_handle(sp[0]), ASY_HANDLE_PIPE);
    close(sp[0]);
    close(sp[1]);
    fd = open("/dev/null", O_RDONLY);
    ASSERT_EQ(asy_guess_handle(fd), ASY_HANDLE_UNKNOWN);
    close(fd);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(asy_guess_handle(fd), ASY_HANDLE_TCP);
    close(fd);
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_EQ(asy_guess_handle(fd), ASY_HANDLE_UDP);
    close(fd);
    fd = socket(AF_INET6, SOCK_STREAM, 0);
    ASSERT_EQ(asy_guess_handle(fd), ASY_HANDLE_TCP);
    close(fd);
}

/* ---- TTY on a pseudo-terminal ------------------------------------------ */
static int tty_master;
static char tty_got[32];
static size_t tty_len;
static void tty_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    ASSERT_GT(n, 0);
    memcpy(tty_got + tty_len, buf->base, (size_t)n);
    tty_len += (size_t)n;
    if (tty_len >= 3) asy_close((asy_handle_t *)s, NULL);
}

TEST(tty_raw_mode_winsize_and_io_on_a_pty) {
    asy_tty_t tty;
    asy_write_t w;
    asy_iov_t b;
    struct termios t;
    struct winsize ws;
    int slave, width = 0, height = 0;
    char out[16];
    ssize_t n;
    tty_master = posix_openpt(O_RDWR | O_NOCTTY);
    if (tty_master < 0) SKIP("no pseudo-terminals");
    ASSERT_EQ(grantpt(tty_master), 0);
    ASSERT_EQ(unlockpt(tty_master), 0);
    slave = open(ptsname(tty_master), O_RDWR | O_NOCTTY);
    ASSERT_GE(slave, 0);
    memset(&ws, 0, sizeof(ws));
    ws.ws_col = 132;
    ws.ws_row = 43;
    ASSERT_EQ(ioctl(tty_master, TIOCSWINSZ, &ws), 0);
    net_loop_init(&L, asyt_backend());
    ASSERT_ERR(asy_tty_init(&L, &tty, tty_master + 100), ASY_EBADF);
    {
        int sp[2];
        ASSERT_OK(asy_socketpair(sp));
        ASSERT_ERR(asy_tty_init(&L, &tty, sp[0]), ASY_ENOTTY);
        close(sp[0]);
        close(sp[1]);
    }
    ASSERT_OK(asy_tty_init(&L, &tty, slave));
    ASSERT_EQ(asy_guess_handle(slave), ASY_HANDLE_TTY);
    ASSERT_OK(asy_tty_get_winsize(&tty, &width, &height));
    ASSERT_EQ(width, 132);
    ASSERT_EQ(height, 43);
    ASSERT_OK(asy_tty_set_mode(&tty, ASY_TTY_MODE_RAW));
    tcgetattr(slave, &t);
    ASSERT_EQ(t.c_lflag & (ECHO | ICANON | ISIG), 0);
    ASSERT_OK(asy_tty_set_mode(&tty, ASY_TTY_MODE_NORMAL));
    tcgetattr(slave, &t);
    ASSERT_NE(t.c_lflag & ICANON, 0);
    ASSERT_OK(asy_tty_set_mode(&tty, ASY_TTY_MODE_RAW));
    ASSERT_ERR(asy_tty_set_mode(&tty, (asy_tty_mode_t)7), ASY_EINVAL);
    /* raw: bytes arrive without a newline */
    ASSERT_EQ(write(tty_master, "abc", 3), 3);
    ASSERT_OK(asy_sock_read_start((asy_sock_t *)&tty, NULL, tty_read));
    b.base = (char *)"out";
    b.len = 3;
    ASSERT_OK(asy_sock_write(&w, (asy_sock_t *)&tty, &b, 1, NULL));
    net_loop_finish(&L);
    ASSERT_EQ(tty_len, 3);
    ASSERT_MEM_EQ(tty_got, "abc", 3);
    n = read(tty_master, out, sizeof(out));
    ASSERT_EQ(n, 3);
    ASSERT_MEM_EQ(out, "out", 3);
    /* closing the handle restored cooked mode */
    tcgetattr(slave, &t);
    ASSERT_NE(t.c_lflag & ICANON, 0);
    close(tty_master);
}
