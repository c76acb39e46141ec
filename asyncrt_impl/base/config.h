/* Platform detection, linkage and the allocator/assert hooks. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(_WIN32)
#define ASYNCRT_OS_WINDOWS 1
#else
#define ASYNCRT_OS_POSIX 1
#if defined(__linux__)
#define ASYNCRT_OS_LINUX 1
#elif defined(__APPLE__)
#define ASYNCRT_OS_DARWIN 1
#define ASYNCRT_OS_BSD 1
#elif defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__) || \
    defined(__DragonFly__)
#define ASYNCRT_OS_BSD 1
#endif
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ASY__UNUSED __attribute__((unused))
#define ASY__LIKELY(x) __builtin_expect(!!(x), 1)
#define ASY__UNLIKELY(x) __builtin_expect(!!(x), 0)
#define ASY__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ASY__UNUSED
#define ASY__LIKELY(x) (x)
#define ASY__UNLIKELY(x) (x)
#define ASY__PRINTF(f, a)
#endif

/* Linkage of every public function.  ASYNCRT_STATIC gives each translation
 * unit that defines ASYNCRT_IMPLEMENTATION its own private copy. */
#ifndef ASYNCRT_API
#ifdef ASYNCRT_STATIC
#define ASYNCRT_API static ASY__UNUSED
#else
#define ASYNCRT_API extern
#endif
#endif

/* Private functions shared between implementation files: the whole
 * implementation is one translation unit, so they are all static. */
#define ASY__INTERNAL static ASY__UNUSED

#if defined(ASYNCRT_MALLOC) && defined(ASYNCRT_REALLOC) && defined(ASYNCRT_FREE)
/* user allocator */
#elif !defined(ASYNCRT_MALLOC) && !defined(ASYNCRT_REALLOC) && !defined(ASYNCRT_FREE)
/* defaults come with the implementation */
#else
#error "asyncrt: define all of ASYNCRT_MALLOC, ASYNCRT_REALLOC and ASYNCRT_FREE, or none"
#endif

/* Wrap `container_of` for intrusive structures. */
#define ASY_CONTAINER_OF(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#define ASY_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Operating-system handles, as the public *_open / *_fileno calls take and
 * give them: a file descriptor on POSIX; on Windows a HANDLE (files,
 * pipes, consoles) and a SOCKET, spelt here without <windows.h> (HANDLE is
 * void *, SOCKET is UINT_PTR).  ASY_OS_FD_INVALID / ASY_OS_SOCK_INVALID
 * are -1, INVALID_HANDLE_VALUE and INVALID_SOCKET respectively. */
#if defined(_WIN32)
typedef void *asy_os_fd_t;
typedef uintptr_t asy_os_sock_t;
#define ASY_OS_FD_INVALID ((asy_os_fd_t)(intptr_t)-1)
#define ASY_OS_SOCK_INVALID ((asy_os_sock_t)~(uintptr_t)0)
#else
typedef int asy_os_fd_t;
typedef int asy_os_sock_t;
#define ASY_OS_FD_INVALID (-1)
#define ASY_OS_SOCK_INVALID (-1)
#endif

/* Private: the room every I/O operation (asy__op, loop/op.h) keeps for the
 * backend that runs it, in 8-byte words, sized for the largest backend of
 * the platform:
 *   Windows (IOCP): an OVERLAPPED (32 bytes on x64, 20 on x86), the socket
 *     AcceptEx accepts into (8) and AcceptEx's two address slots,
 *     2 * (sizeof(SOCKADDR_IN6) + 16) = 88 bytes: 128 bytes in all;
 *   POSIX (epoll, poll(2), io_uring): none.  The readiness emulation keeps
 *     its state per fd, and io_uring needs nothing per op that the op does
 *     not hold already: an SQE's user_data is the op's address, and a
 *     provided buffer's id comes back in the CQE and follows from the
 *     buffer's address (u.rw.base) until it is recycled.  Every socket
 *     embeds its read op, so a word here would cost each connection 16
 *     bytes (the malloc size class of asy_tcp_t; bench/idle_conn_memory).
 * tests/test_internal_base.c checks the Windows figure against the real
 * types under mingw. */
#if defined(_WIN32)
#define ASY__OP_BACKEND_U64 16
#else
#define ASY__OP_BACKEND_U64 0
#endif
#if ASY__OP_BACKEND_U64 > 0
typedef union {
    uint64_t u64[ASY__OP_BACKEND_U64];
    void *ptr[ASY__OP_BACKEND_U64];
    unsigned char bytes[ASY__OP_BACKEND_U64 * 8];
} asy__op_backend_area;
#endif
