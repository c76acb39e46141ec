/* The IPC channel: frame codec, round trips with a child, fd passing,
 * disconnects from either side. */
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1 /* the suite runs on every backend (tests/test.h) */
#include "test.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

static asy_loop_t L;

TEST(ipc_frame_roundtrip_and_partial) {
    unsigned char buf[64];
    asy_ipc_frame_info_t info;
    size_t i;
    ASSERT_OK(asy_ipc_frame_header(buf, 5, 2));
    memcpy(buf + 8, "hello", 5);
    for (i = 0; i < 13; i++) ASSERT_EQ(asy_ipc_frame_decode(buf, i, 100, &info), 0);
    ASSERT_EQ(asy_ipc_frame_decode(buf, 13, 100, &info), 1);
    ASSERT_EQ(info.frame_len, 13);
    ASSERT_EQ(info.payload_len, 5);
    ASSERT_EQ(info.nfds, 2);
    ASSERT_EQ(asy_ipc_frame_decode(buf, 64, 100, &info), 1); /* trailing bytes are the next frame */
    ASSERT_EQ(info.frame_len, 13);
    ASSERT_ERR(asy_ipc_frame_decode(buf, 13, 4, &info), ASY_EMSGSIZE);
    ASSERT_OK(asy_ipc_frame_header(buf, 0, 0));
    ASSERT_EQ(asy_ipc_frame_decode(buf, 8, 0, &info), 1);
    ASSERT_EQ(info.payload_len, 0);
}

TEST(ipc_frame_rejects_malformed_headers) {
    unsigned char buf[16];
    asy_ipc_frame_info_t info;
    ASSERT_OK(asy_ipc_frame_header(buf, 3, 0));
    buf[5] = 0x00; /* marker */
    ASSERT_ERR(asy_ipc_frame_decode(buf, 16, 100, &info), ASY_EPROTO);
    ASSERT_OK(asy_ipc_frame_header(buf, 3, 0));
    buf[7] = 1;
    ASSERT_ERR(asy_ipc_frame_decode(buf, 16, 100, &info), ASY_EPROTO);
    ASSERT_OK(asy_ipc_frame_header(buf, 3, 0));
    buf[4] = ASY_IPC_MAX_FDS + 1;
    ASSERT_ERR(asy_ipc_frame_decode(buf, 16, 100, &info), ASY_EPROTO);
    ASSERT_ERR(asy_ipc_frame_header(buf, 3, ASY_IPC_MAX_FDS + 1), ASY_EINVAL);
    ASSERT_ERR(asy_ipc_frame_decode(NULL, 3, 100, &info), ASY_EINVAL);
    ASSERT_ERR(asy_ipc_frame_decode(buf, 16, 100, NULL), ASY_EINVAL);
}

/* ---- a pair of channels inside one loop ---------------------------------- */
static asy_ipc_t A, B;
static int got, disc_a, disc_b, disc_status_a, disc_status_b;
static char last[64];

static void pair_msg(asy_ipc_t *ch, const void *data, size_t len, int *fds, int nfds) {
    (void)ch;
    (void)fds;
    ASSERT_EQ(nfds, 0);
    ASSERT_LT(len, sizeof(last));
    memcpy(last, data, len);
    last[len] = 0;
    got++;
}

static void pair_disc(asy_ipc_t *ch, int status) {
    if (ch == &A) {
        disc_a++;
        disc_status_a = status;
    } else {
        disc_b++;
        disc_status_b = status;
    }
    asy_close((asy_handle_t *)ch, NULL);
}

TEST(ipc_pair_message_and_orderly_disconnect) {
    int sv[2];
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ASSERT_OK(asy_ipc_open(&L, &A, sv[0]));
    ASSERT_OK(asy_ipc_open(&L, &B, sv[1]));
    ASSERT_OK(asy_ipc_start(&A, pair_msg, pair_disc));
    ASSERT_OK(asy_ipc_start(&B, pair_msg, pair_disc));
    ASSERT_EQ(asy_ipc_send(&A, "ping", 4, NULL, 0), 1);
    ASSERT_EQ(asy_ipc_send(&A, "", 0, NULL, 0), 1); /* empty messages are messages */
    ASSERT_OK(asy_ipc_disconnect(&A));              /* after the queue is written */
    ASSERT_ERR(asy_ipc_send(&A, "late", 4, NULL, 0), ASY_ENOTCONN);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(got, 2);
    ASSERT_STR_EQ(last, "");
    ASSERT_EQ(disc_a, 1);
    ASSERT_EQ(disc_b, 1);
    ASSERT_EQ(disc_status_a, 0);
    ASSERT_EQ(disc_status_b, 0);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(ipc_garbage_from_peer_is_eproto) {
    int sv[2];
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ASSERT_OK(asy_ipc_open(&L, &A, sv[0]));
    ASSERT_OK(asy_ipc_start(&A, pair_msg, pair_disc));
    ASSERT_EQ(write(sv[1], "GARBAGE!GARBAGE!", 16), 16);
    got = disc_a = 0;
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(got, 0);
    ASSERT_EQ(disc_a, 1);
    ASSERT_ERR(disc_status_a, ASY_EPROTO);
    close(sv[1]);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(ipc_open_child_without_channel) {
    asy_ipc_t ch;
    unsetenv(ASY_IPC_ENV);
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_ERR(asy_ipc_open_child(&L, &ch), ASY_ENOENT);
    setenv(ASY_IPC_ENV, "12x", 1);
    ASSERT_ERR(asy_ipc_open_child(&L, &ch), ASY_EINVAL);
    setenv(ASY_IPC_ENV, "999", 1);
    ASSERT_ERR(asy_ipc_open_child(&L, &ch), ASY_EBADF);
    unsetenv(ASY_IPC_ENV);
    ASSERT_EQ(asy_loop_print_handles(&L, NULL), 0);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- with a child -------------------------------------------------------- */
#define ROUNDS 100000
static struct {
    asy_process_t p;
    asy_ipc_t ch;
    unsigned sent, echoed;
    int waiting_drain, exits, code, disconnects, disc_status;
    char text[64];
} rt;

static void rt_pump(void) {
    while (rt.sent < ROUNDS && rt.sent - rt.echoed < 4096) {
        char msg[32];
        int n = snprintf(msg, sizeof(msg), "message %u", rt.sent);
        int r = asy_ipc_send(&rt.ch, msg, (size_t)n, NULL, 0);
        ASSERT_OK(r);
        rt.sent++;
        if (r == 0) {
            rt.waiting_drain = 1;
            return;
        }
    }
}

static void rt_drain(asy_ipc_t *ch) {
    (void)ch;
    rt.waiting_drain = 0;
    rt_pump();
}

static void rt_msg(asy_ipc_t *ch, const void *data, size_t len, int *fds, int nfds) {
    char want[32];
    int n = snprintf(want, sizeof(want), "message %u", rt.echoed);
    (void)fds;
    ASSERT_EQ(nfds, 0);
    ASSERT_EQ(len, (size_t)n);
    ASSERT_MEM_EQ(data, want, len); /* in order, intact */
    rt.echoed++;
    if (rt.echoed == ROUNDS)
        asy_ipc_disconnect(ch);
    else if (!rt.waiting_drain)
        rt_pump();
}

static void rt_disc(asy_ipc_t *ch, int status) {
    rt.disconnects++;
    rt.disc_status = status;
    asy_close((asy_handle_t *)ch, NULL);
}

static void rt_exit(asy_process_t *p, int status, int code, int sig) {
    ASSERT_OK(status);
    ASSERT_EQ(sig, 0);
    rt.exits++;
    rt.code = code;
    asy_close((asy_handle_t *)p, NULL);
}

TEST_T(ipc_roundtrip_100k_messages_with_child, 60000) {
    const char *argv[] = {"ipc_echo", NULL};
    memset(&rt, 0, sizeof(rt));
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_fork(&L, &rt.p, &rt.ch, "./helpers/ipc_echo", argv, NULL, rt_exit));
    ASSERT_GT(rt.p.pid, 0);
    asy_ipc_on_drain(&rt.ch, rt_drain, 64 * 1024);
    ASSERT_OK(asy_ipc_start(&rt.ch, rt_msg, rt_disc));
    rt_pump();
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(rt.echoed, ROUNDS);
    ASSERT_EQ(rt.disconnects, 1);
    ASSERT_EQ(rt.disc_status, 0);
    ASSERT_EQ(rt.exits, 1);
    ASSERT_EQ(rt.code, 0); /* the child saw the disconnect and left */
    ASSERT_OK(asy_loop_close(&L));
}

/* fd passing, child-side env cleanup, child-initiated disconnect */
static int fd_pipe[2], step;

static void fd_msg(asy_ipc_t *ch, const void *data, size_t len, int *fds, int nfds) {
    (void)fds;
    ASSERT_EQ(nfds, 0);
    memcpy(rt.text, data, len);
    rt.text[len] = 0;
    if (step == 0) {
        char buf[16];
        ssize_t n;
        ASSERT_STR_EQ(rt.text, "fd-ok");
        n = read(fd_pipe[0], buf, sizeof(buf));
        ASSERT_EQ(n, 6);
        ASSERT_MEM_EQ(buf, "via-fd", 6);
        step = 1;
        ASSERT_OK(asy_ipc_send(ch, "env", 3, NULL, 0));
    } else if (step == 1) {
        ASSERT_STR_EQ(rt.text, ""); /* the child removed ASYNCRT_CHANNEL_FD */
        step = 2;
        ASSERT_OK(asy_ipc_send(ch, "bye", 3, NULL, 0));
    }
}

TEST_T(ipc_fd_passing_and_child_disconnect, 10000) {
    const char *argv[] = {"ipc_echo", NULL};
    memset(&rt, 0, sizeof(rt));
    step = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_EQ(pipe(fd_pipe), 0);
    ASSERT_OK(asy_fork(&L, &rt.p, &rt.ch, "./helpers/ipc_echo", argv, NULL, rt_exit));
    ASSERT_OK(asy_ipc_start(&rt.ch, fd_msg, rt_disc));
    ASSERT_EQ(asy_ipc_send(&rt.ch, "fd", 2, &fd_pipe[1], 1), 1);
    close(fd_pipe[1]); /* the channel holds its own duplicate until sent */
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(step, 2);
    ASSERT_EQ(rt.disconnects, 1);
    ASSERT_EQ(rt.disc_status, 0);
    ASSERT_EQ(rt.exits, 1);
    ASSERT_EQ(rt.code, 0);
    close(fd_pipe[0]);
    ASSERT_OK(asy_loop_close(&L));
}

static void crash_exit(asy_process_t *p, int status, int code, int sig) {
    (void)status;
    rt.exits++;
    rt.code = code;
    ASSERT_EQ(sig, SIGABRT);
    asy_close((asy_handle_t *)p, NULL);
}

TEST(ipc_child_crash_disconnects_parent) {
    memset(&rt, 0, sizeof(rt));
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_fork(&L, &rt.p, &rt.ch, "./helpers/crash", NULL, NULL, crash_exit));
    ASSERT_OK(asy_ipc_start(&rt.ch, fd_msg, rt_disc));
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(rt.exits, 1);
    ASSERT_EQ(rt.disconnects, 1);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(ipc_fork_of_missing_program) {
    memset(&rt, 0, sizeof(rt));
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_fork(&L, &rt.p, &rt.ch, "./helpers/no-such-helper", NULL, NULL, NULL));
    ASSERT_ERR(asy_ipc_start(&rt.ch, fd_msg, rt_disc), ASY_ENOTCONN);
    ASSERT_ERR(asy_ipc_send(&rt.ch, "x", 1, NULL, 0), ASY_ENOTCONN);
    asy_close((asy_handle_t *)&rt.ch, NULL);
    asy_close((asy_handle_t *)&rt.p, NULL);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_OK(asy_loop_close(&L));
}
