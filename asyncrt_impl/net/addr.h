/* Socket addresses.  An asy_addr_t holds any struct sockaddr (it is a
 * struct sockaddr_storage in size and alignment), so on POSIX it can be
 * cast to `struct sockaddr *` and filled from getaddrinfo results with
 * asy_addr_from_sockaddr. */
#pragma once
#include "../base/config.h"
typedef struct asy_addr_s {
    uint64_t storage_[16];
} asy_addr_t;

/* Parses a numeric IPv4 ("127.0.0.1") or IPv6 ("::1", "fe80::1%lo")
 * address; ASY_EINVAL when the text is not one, ASY_ERANGE for a port
 * outside 0..65535. */
ASYNCRT_API int asy_ip4_addr(const char *ip, int port, asy_addr_t *out);
ASYNCRT_API int asy_ip6_addr(const char *ip, int port, asy_addr_t *out);
/* Either family, chosen by the text. */
ASYNCRT_API int asy_ip_addr(const char *ip, int port, asy_addr_t *out);
/* Copies a struct sockaddr of len bytes (AF_INET, AF_INET6, AF_UNIX). */
ASYNCRT_API int asy_addr_from_sockaddr(asy_addr_t *out, const void *sa, size_t len);
/* 4, 6, or 0 for any other family. */
ASYNCRT_API int asy_addr_family(const asy_addr_t *addr);
/* The port, or a negative code for a non-IP address. */
ASYNCRT_API int asy_addr_port(const asy_addr_t *addr);
/* The address as text ("127.0.0.1", "::1"); the length written, or
 * ASY_ENOSPC when buf is too small (46 bytes are always enough). */
ASYNCRT_API int asy_addr_ip(const asy_addr_t *addr, char *buf, size_t len);
/* The length of the struct sockaddr inside (0 for an empty address). */
ASYNCRT_API size_t asy_addr_len(const asy_addr_t *addr);
