/* UDP sockets: bind, send with a completion callback, receive, connected
 * UDP, broadcast and multicast.  A socket that sends before it is bound is
 * bound by the system to an ephemeral port. */
#pragma once
#include "addr.h"
#include "sock.h"
#include "../loop/op.h"
typedef struct asy_udp_s asy_udp_t;
typedef struct asy_udp_send_s asy_udp_send_t;
/* addr is the sender (NULL with nread < 0); flags has ASY_UDP_PARTIAL
 * when the datagram did not fit the buffer.  nread == 0 with a non-NULL
 * addr is an empty datagram; with a NULL addr, a buffer handed back. */
typedef void (*asy_udp_recv_cb)(asy_udp_t *udp, ptrdiff_t nread, const asy_iov_t *buf,
                                const asy_addr_t *addr, unsigned flags);
typedef void (*asy_udp_send_cb)(asy_udp_send_t *req, int status);

enum {
    ASY_UDP_IPV6ONLY = 1,
    ASY_UDP_REUSEADDR = 4, /* several sockets may bind the same address */
    ASY_UDP_PARTIAL = 8    /* recv flag: datagram truncated */
};
typedef enum { ASY_LEAVE_GROUP = 0, ASY_JOIN_GROUP = 1 } asy_membership_t;

struct asy_udp_s {
    ASY_HANDLE_FIELDS
    asy__opfd fd_;
    asy__op rop_;
    asy_alloc_cb alloc_cb_;
    asy_udp_recv_cb recv_cb_;
    size_t send_queue_size_;
    size_t send_queue_count_;
    asy_addr_t from_;
};

struct asy_udp_send_s {
    void *data;
    asy_udp_t *handle;
    asy_udp_send_cb cb_;
    asy__op op_;
    asy_iov_t *bufs_;
    asy_iov_t bufsml_[4];
    size_t size_;
    asy_addr_t addr_;
};

ASYNCRT_API int asy_udp_init_at(asy_loop_t *loop, asy_udp_t *udp, const char *file, int line);
#define asy_udp_init(loop, udp) asy_udp_init_at((loop), (udp), ASY_HERE)
ASYNCRT_API int asy_udp_open(asy_udp_t *udp, asy_os_sock_t fd);
ASYNCRT_API int asy_udp_bind(asy_udp_t *udp, const asy_addr_t *addr, unsigned flags);
/* Connected UDP: sends go to addr without naming it, and only its
 * datagrams are received.  NULL disconnects. */
ASYNCRT_API int asy_udp_connect(asy_udp_t *udp, const asy_addr_t *addr);
/* addr NULL on a connected socket.  The bytes must stay valid until cb. */
ASYNCRT_API int asy_udp_send(asy_udp_send_t *req, asy_udp_t *udp, const asy_iov_t *bufs,
                             unsigned nbufs, const asy_addr_t *addr, asy_udp_send_cb cb);
/* Sends now or fails with ASY_EAGAIN; the byte count. */
ASYNCRT_API ptrdiff_t asy_udp_try_send(asy_udp_t *udp, const asy_iov_t *bufs, unsigned nbufs,
                                       const asy_addr_t *addr);
/* alloc_cb NULL: the datagram sits in a loop-owned buffer during recv_cb. */
ASYNCRT_API int asy_udp_recv_start(asy_udp_t *udp, asy_alloc_cb alloc_cb,
                                   asy_udp_recv_cb recv_cb);
ASYNCRT_API int asy_udp_recv_stop(asy_udp_t *udp);
ASYNCRT_API int asy_udp_getsockname(const asy_udp_t *udp, asy_addr_t *addr);
ASYNCRT_API int asy_udp_getpeername(const asy_udp_t *udp, asy_addr_t *addr);
ASYNCRT_API int asy_udp_set_broadcast(asy_udp_t *udp, int on);
ASYNCRT_API int asy_udp_set_ttl(asy_udp_t *udp, int ttl);
ASYNCRT_API int asy_udp_set_multicast_ttl(asy_udp_t *udp, int ttl);
ASYNCRT_API int asy_udp_set_multicast_loop(asy_udp_t *udp, int on);
/* iface: the local address of the interface ("127.0.0.1"); NULL: any. */
ASYNCRT_API int asy_udp_set_multicast_interface(asy_udp_t *udp, const char *iface);
ASYNCRT_API int asy_udp_set_membership(asy_udp_t *udp, const char *group, const char *iface,
                                       asy_membership_t membership);
/* Bytes waiting for the socket to take them, and sends whose callback
 * has not run yet. */
ASYNCRT_API size_t asy_udp_send_queue_size(const asy_udp_t *udp);
ASYNCRT_API size_t asy_udp_send_queue_count(const asy_udp_t *udp);
