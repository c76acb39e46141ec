/* TCP sockets.  A server: init, bind (port 0 picks a free port; read it
 * back with asy_tcp_getsockname), listen, then accept in the connection
 * callback.  A client: init, connect (optionally with a timeout), then read
 * and write through the asy_sock_* functions:
 *
 *   asy_tcp_t server;
 *   asy_addr_t addr;
 *   asy_ip4_addr("127.0.0.1", 0, &addr);
 *   asy_tcp_init(loop, &server);
 *   asy_tcp_bind(&server, &addr, 0);
 *   asy_tcp_listen(&server, 128, on_connection);
 *
 * SO_REUSEADDR is always set on bound sockets, as in Node.  IPv6 sockets
 * accept IPv4 too unless ASY_TCP_IPV6ONLY. */
#pragma once
#include "addr.h"
#include "sock.h"
#include "../loop/handle.h"
typedef struct asy_tcp_s asy_tcp_t;
struct asy_tcp_s {
    ASY__SOCK_FIELDS
};

enum {
    ASY_TCP_IPV6ONLY = 1,
    ASY_TCP_REUSEPORT = 2 /* SO_REUSEPORT: several listeners share the port */
};

ASYNCRT_API int asy_tcp_init_at(asy_loop_t *loop, asy_tcp_t *tcp, const char *file, int line);
#define asy_tcp_init(loop, tcp) asy_tcp_init_at((loop), (tcp), ASY_HERE)
/* Adopts a connected or listening socket fd (made non-blocking). */
ASYNCRT_API int asy_tcp_open(asy_tcp_t *tcp, asy_os_sock_t fd);
ASYNCRT_API int asy_tcp_bind(asy_tcp_t *tcp, const asy_addr_t *addr, unsigned flags);
ASYNCRT_API int asy_tcp_listen(asy_tcp_t *tcp, int backlog, asy_connection_cb cb);
ASYNCRT_API int asy_tcp_accept(asy_tcp_t *server, asy_tcp_t *client);
ASYNCRT_API int asy_tcp_connect(asy_connect_t *req, asy_tcp_t *tcp, const asy_addr_t *addr,
                                asy_connect_cb cb);
/* Fails the connect with ASY_ETIMEDOUT when it has not completed within
 * timeout_ms (0: no limit).  Close the socket after a failed connect. */
ASYNCRT_API int asy_tcp_connect_timeout(asy_connect_t *req, asy_tcp_t *tcp,
                                        const asy_addr_t *addr, uint64_t timeout_ms,
                                        asy_connect_cb cb);
ASYNCRT_API int asy_tcp_nodelay(asy_tcp_t *tcp, int enable);
/* delay_s: idle seconds before the first probe (0 keeps the system's). */
ASYNCRT_API int asy_tcp_keepalive(asy_tcp_t *tcp, int enable, unsigned delay_s);
ASYNCRT_API int asy_tcp_getsockname(const asy_tcp_t *tcp, asy_addr_t *addr);
ASYNCRT_API int asy_tcp_getpeername(const asy_tcp_t *tcp, asy_addr_t *addr);
/* Closes with SO_LINGER 0: the peer gets a reset (ECONNRESET), not a FIN
 * (Node's socket.resetAndDestroy). */
ASYNCRT_API int asy_tcp_close_reset(asy_tcp_t *tcp, asy_close_cb close_cb);
