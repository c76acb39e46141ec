#pragma once
#include "tty.h"
#include "udp.h"
#include "../loop/loop.internal.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
/* Private parts shared by the net files. */

/* Socket state in the handle's flags_ (bits 0..7 belong to the loop).
 * Keeping it there rather than in a field of its own is part of what
 * holds an idle TCP socket to libuv's size (docs/net.md). */
enum {
    ASY__SOCK_READING = 1u << 8,      /* read_start / recv_start in force */
    ASY__SOCK_LISTENING = 1u << 9,
    ASY__SOCK_CONNECTING = 1u << 10,
    ASY__SOCK_CONNECTED = 1u << 11,
    ASY__SOCK_SHUT = 1u << 12,        /* shutdown asked: no more writes */
    ASY__SOCK_EOF = 1u << 13,
    ASY__SOCK_ACCEPT_READY = 1u << 14, /* accepted fd waits in rop_.result */
    ASY__SOCK_ACCEPT_PAUSED = 1u << 15,
    ASY__SOCK_ACCEPT_ERRED = 1u << 16, /* accept error already reported */
    ASY__SOCK_RESET = 1u << 17,       /* close with SO_LINGER 0 */
    ASY__SOCK_NOCLOSE = 1u << 18      /* stdio: the fd is not ours to close */
};
/* op->flags bits of this layer (the op layer uses the low byte) */
enum { ASY__OPF_TIMEDOUT = 0x100 };

typedef struct {
    asy_timer_id_t retry; /* accept retry after EMFILE */
    unsigned paused;    /* listening sockets waiting for it */
} asy__net_state;

ASY__INTERNAL int asy__is_stream_type(asy_handle_type_t t) {
    return t == ASY_HANDLE_TCP || t == ASY_HANDLE_PIPE || t == ASY_HANDLE_TTY;
}
static inline int asy__sock_closing(const asy_sock_t *s) {
    return (s->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) != 0;
}
ASY__INTERNAL void asy__sock_init(asy_loop_t *loop, asy_sock_t *s, asy_handle_type_t type,
                                  const char *file, int line);
ASY__INTERNAL int asy__socket_fd(int domain, int type);
ASY__INTERNAL int asy__sock_ensure_fd(asy_sock_t *s, int domain);
ASY__INTERNAL void asy__sock_adopt(asy_sock_t *s, asy_os_fd_t fd, unsigned opfd_flags);
ASY__INTERNAL void asy__sock_update_active(asy_sock_t *s);
ASY__INTERNAL int asy__sock_connect(asy_connect_t *req, asy_sock_t *s, const void *sa,
                                    unsigned salen, uint64_t timeout_ms, asy_connect_cb cb);
ASY__INTERNAL void asy__sock_close(asy_sock_t *s);
ASY__INTERNAL void asy__listen_close(asy_sock_t *s);
ASY__INTERNAL void asy__listen_kick(asy_loop_t *loop);
ASY__INTERNAL void asy__tty_restore(asy_tty_t *tty);
ASY__INTERNAL void asy__udp_close(asy_udp_t *udp);
/* The handle classes' operations (loop.internal.h): close stops the
 * handle and closes its fd; finish_close runs in the close phase, before
 * close_cb, to deliver the completions of its cancelled operations. */
ASY__INTERNAL void asy__net_close(asy_handle_t *h);
ASY__INTERNAL void asy__net_finish_close(asy_handle_t *h);
static const asy__handle_class asy__tcp_class = {ASY_HANDLE_TCP, "tcp", asy__net_close,
                                                 asy__net_finish_close};
static const asy__handle_class asy__pipe_class = {ASY_HANDLE_PIPE, "pipe", asy__net_close,
                                                  asy__net_finish_close};
static const asy__handle_class asy__tty_class = {ASY_HANDLE_TTY, "tty", asy__net_close,
                                                 asy__net_finish_close};
static const asy__handle_class asy__udp_class = {ASY_HANDLE_UDP, "udp", asy__net_close,
                                                 asy__net_finish_close};
ASY__INTERNAL void asy__ignore_sigpipe(void);
/* Copies bufs into a request's inline array or a heap one; the total
 * length in *total.  NULL on allocation failure. */
ASY__INTERNAL asy_iov_t *asy__iov_copy(asy_iov_t *inline4, const asy_iov_t *bufs, unsigned n,
                                       size_t *total);
