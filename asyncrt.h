/* asyncrt.h — asyncrt 0.1.0: Node.js's runtime model for C, in one header.
 *
 * An event loop with Node's phases and microtask queues, a reactor over
 * epoll / io_uring / kqueue / IOCP / poll, a thread pool, streams with
 * backpressure, buffers, fs / path / os / DNS, child processes, worker
 * threads, HTTP/1.1, zlib and TLS, and the concurrency primitives Node
 * programs reach for (p-limit, semaphore, resource pool).
 *
 * THIS FILE IS GENERATED from asyncrt_impl/ by scripts/amalgamate.sh.
 * Do not edit it; edit the sources and run `make amalgamate`.
 *
 * USING IT
 *   In exactly one .c file of your program, include it first and say:
 *
 *       #define ASYNCRT_IMPLEMENTATION
 *       #include "asyncrt.h"
 *
 *   Everywhere else just #include "asyncrt.h".  Link with -pthread; with
 *   ASYNCRT_WITH_ZLIB add -lz, with ASYNCRT_WITH_MBEDTLS add
 *   -lmbedtls -lmbedx509 -lmbedcrypto.  The header works from C99 and C++.
 *   The implementation file should include asyncrt.h before any system
 *   header (or define _GNU_SOURCE itself) so the full POSIX API is visible.
 *
 * CONFIGURATION MACROS (define before the implementation include)
 *   ASYNCRT_IMPLEMENTATION   emit the implementation in this translation unit
 *   ASYNCRT_STATIC           make every function static (private copy per TU)
 *   ASYNCRT_API              linkage of public functions (default: extern)
 *   ASYNCRT_MALLOC(n)        allocator hooks; define all three or none
 *   ASYNCRT_REALLOC(p, n)      (defaults: malloc, realloc, free)
 *   ASYNCRT_FREE(p)
 *   ASYNCRT_ASSERT(c)        internal invariant checks (default: assert)
 *   ASYNCRT_WITH_ZLIB        build the zlib module (link -lz)
 *   ASYNCRT_WITH_MBEDTLS     build the TLS module (link mbedTLS)
 *
 * ENVIRONMENT
 *   ASYNCRT_THREADPOOL_SIZE  thread pool size (like UV_THREADPOOL_SIZE)
 *   ASYNCRT_BACKEND          epoll | uring | poll | kqueue | iocp
 *
 * MODULES (see README.md for what works today)
 *   base     errors (ASY_E* = -errno), version, hrtime, allocator hooks
 *   buf      asy_buf: Node's Buffer, encodings, byte chains
 *   loop     event loop, timers, immediates, nextTick, microtasks, signals
 *   promise  promises and combinators
 *   pool     thread pool
 *   stream, net, fs, dns, path, os, process, sync, http, zlib, tls
 *
 * ERRORS
 *   Functions return 0 or a negative ASY_E* code; asy_strerror() and
 *   asy_err_name() describe any code.  A call that returns an error never
 *   also calls its callback.
 *
 * LICENSE
 *   MIT License.  Copyright (c) 2026 the asyncrt authors.
 *   Permission is hereby granted, free of charge, to any person obtaining a
 *   copy of this software and associated documentation files (the
 *   "Software"), to deal in the Software without restriction, including
 *   without limitation the rights to use, copy, modify, merge, publish,
 *   distribute, sublicense, and/or sell copies of the Software, and to
 *   permit persons to whom the Software is furnished to do so, subject to
 *   the following conditions: the above copyright notice and this
 *   permission notice shall be included in all copies or substantial
 *   portions of the Software.  THE SOFTWARE IS PROVIDED "AS IS", WITHOUT
 *   WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.
 */
#ifndef ASYNCRT_H
#define ASYNCRT_H

/* The implementation needs the full POSIX/GNU API; this only takes effect
 * when asyncrt.h is the first include of the implementation file. */
#if defined(ASYNCRT_IMPLEMENTATION) && !defined(_WIN32) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#ifdef __cplusplus
extern "C" {
#endif

#line 1 "asyncrt_impl/base/config.h"
/* Platform detection, linkage and the allocator/assert hooks. */
#include <stddef.h>
#include <stdint.h>

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

#line 1 "asyncrt_impl/base/version.h"
/* Version of the library this header belongs to. */
#define ASYNCRT_VERSION_MAJOR 0
#define ASYNCRT_VERSION_MINOR 1
#define ASYNCRT_VERSION_PATCH 0
#define ASYNCRT_VERSION_HEX \
    ((ASYNCRT_VERSION_MAJOR << 16) | (ASYNCRT_VERSION_MINOR << 8) | ASYNCRT_VERSION_PATCH)

/* "MAJOR.MINOR.PATCH" of the compiled implementation. */
ASYNCRT_API const char *asy_version_string(void);
/* ASYNCRT_VERSION_HEX of the compiled implementation. */
ASYNCRT_API unsigned asy_version(void);

#line 1 "asyncrt_impl/base/errors.h"
/* Error codes.  Every function that can fail returns 0 (or a count) on
 * success and a negative ASY_E* code on failure.  On POSIX the codes equal
 * -errno, so `-errno` from a system call can be returned as is; on Windows
 * they are fixed values and system errors are translated. */
#if !defined(_WIN32)
#include <errno.h>
#define ASY__ERRVAL(name, winval) (-(name))
#else
#define ASY__ERRVAL(name, winval) (-(winval))
#endif

/* XX(name, windows value, message) */
#define ASY__ERRNO_MAP(XX)                                                   \
    XX(E2BIG, 4093, "argument list too long")                                \
    XX(EACCES, 4092, "permission denied")                                    \
    XX(EADDRINUSE, 4091, "address already in use")                           \
    XX(EADDRNOTAVAIL, 4090, "address not available")                         \
    XX(EAFNOSUPPORT, 4089, "address family not supported")                   \
    XX(EAGAIN, 4088, "resource temporarily unavailable")                     \
    XX(EALREADY, 4084, "connection already in progress")                     \
    XX(EBADF, 4083, "bad file descriptor")                                   \
    XX(EBUSY, 4082, "resource busy or locked")                               \
    XX(ECANCELED, 4081, "operation canceled")                                \
    XX(ECHILD, 4080, "no child processes")                                   \
    XX(ECONNABORTED, 4079, "software caused connection abort")               \
    XX(ECONNREFUSED, 4078, "connection refused")                             \
    XX(ECONNRESET, 4077, "connection reset by peer")                         \
    XX(EDEADLK, 4076, "resource deadlock avoided")                           \
    XX(EDESTADDRREQ, 4075, "destination address required")                   \
    XX(EEXIST, 4074, "file already exists")                                  \
    XX(EFAULT, 4073, "bad address in system call argument")                  \
    XX(EFBIG, 4072, "file too large")                                        \
    XX(EHOSTDOWN, 4071, "host is down")                                      \
    XX(EHOSTUNREACH, 4070, "host is unreachable")                            \
    XX(EILSEQ, 4069, "illegal byte sequence")                                \
    XX(EINTR, 4068, "interrupted system call")                               \
    XX(EINVAL, 4067, "invalid argument")                                     \
    XX(EIO, 4066, "i/o error")                                               \
    XX(EISCONN, 4065, "socket is already connected")                         \
    XX(EISDIR, 4064, "illegal operation on a directory")                     \
    XX(ELOOP, 4063, "too many symbolic links encountered")                   \
    XX(EMFILE, 4062, "too many open files")                                  \
    XX(EMLINK, 4061, "too many links")                                       \
    XX(EMSGSIZE, 4060, "message too long")                                   \
    XX(ENAMETOOLONG, 4059, "name too long")                                  \
    XX(ENETDOWN, 4058, "network is down")                                    \
    XX(ENETUNREACH, 4057, "network is unreachable")                          \
    XX(ENFILE, 4056, "file table overflow")                                  \
    XX(ENOBUFS, 4055, "no buffer space available")                           \
    XX(ENODEV, 4054, "no such device")                                       \
    XX(ENOENT, 4053, "no such file or directory")                            \
    XX(ENOEXEC, 4052, "exec format error")                                   \
    XX(ENOMEM, 4051, "not enough memory")                                    \
    XX(ENOPROTOOPT, 4050, "protocol not available")                          \
    XX(ENOSPC, 4049, "no space left on device")                              \
    XX(ENOSYS, 4048, "function not implemented")                             \
    XX(ENOTCONN, 4047, "socket is not connected")                            \
    XX(ENOTDIR, 4046, "not a directory")                                     \
    XX(ENOTEMPTY, 4045, "directory not empty")                               \
    XX(ENOTSOCK, 4044, "socket operation on non-socket")                     \
    XX(ENOTSUP, 4043, "operation not supported on socket")                   \
    XX(ENOTTY, 4042, "inappropriate ioctl for device")                       \
    XX(ENXIO, 4041, "no such device or address")                             \
    XX(EOVERFLOW, 4040, "value too large for defined data type")             \
    XX(EPERM, 4039, "operation not permitted")                               \
    XX(EPIPE, 4038, "broken pipe")                                           \
    XX(EPROTO, 4037, "protocol error")                                       \
    XX(EPROTONOSUPPORT, 4036, "protocol not supported")                      \
    XX(EPROTOTYPE, 4035, "protocol wrong type for socket")                   \
    XX(ERANGE, 4034, "result too large")                                     \
    XX(EROFS, 4033, "read-only file system")                                 \
    XX(ESHUTDOWN, 4032, "cannot send after transport endpoint shutdown")     \
    XX(ESPIPE, 4031, "invalid seek")                                         \
    XX(ESRCH, 4030, "no such process")                                       \
    XX(ETIMEDOUT, 4029, "connection timed out")                              \
    XX(ETXTBSY, 4028, "text file is busy")                                   \
    XX(EXDEV, 4027, "cross-device link not permitted")

/* Codes that are not errno values: the same numbers on every platform. */
#define ASY__EXTRA_ERR_MAP(XX)                                               \
    XX(EOF, -4095, "end of file")                                            \
    XX(EUNKNOWN, -4094, "unknown error")                                     \
    XX(ECHARSET, -4096, "invalid Unicode character")                  \
    XX(EAI_ADDRFAMILY, -3000, "address family not supported")                \
    XX(EAI_AGAIN, -3001, "temporary failure")                                \
    XX(EAI_BADFLAGS, -3002, "bad ai_flags value")                            \
    XX(EAI_CANCELED, -3003, "request canceled")                              \
    XX(EAI_FAIL, -3004, "permanent failure")                                 \
    XX(EAI_FAMILY, -3005, "ai_family not supported")                         \
    XX(EAI_MEMORY, -3006, "out of memory")                                   \
    XX(EAI_NODATA, -3007, "no address")                                      \
    XX(EAI_NONAME, -3008, "unknown node or service")                         \
    XX(EAI_OVERFLOW, -3009, "argument buffer overflow")                      \
    XX(EAI_SERVICE, -3010, "service not available for socket type")          \
    XX(EAI_SOCKTYPE, -3011, "socket type not supported")                     \
    XX(EAI_BADHINTS, -3013, "invalid value for hints")                       \
    XX(EAI_PROTOCOL, -3014, "resolved protocol is unknown")

#define ASY__ERR_ENUM(name, winval, msg) ASY_##name = ASY__ERRVAL(name, winval),
#define ASY__EXTRA_ENUM(name, val, msg) ASY_##name = (val),
enum asy_errno {
    ASY__ERRNO_MAP(ASY__ERR_ENUM) ASY__EXTRA_ERR_MAP(ASY__EXTRA_ENUM) ASY__ERR_MAX_ = 0
};
#undef ASY__ERR_ENUM
#undef ASY__EXTRA_ENUM

/* A static, human-readable message for any code ("unknown error" for codes
 * this library does not know).  Never allocates. */
ASYNCRT_API const char *asy_strerror(int err);
/* The code's symbolic name, e.g. "ENOENT"; "UNKNOWN" for unknown codes. */
ASYNCRT_API const char *asy_err_name(int err);
/* Like asy_strerror but writes into buf and names unknown codes by number;
 * returns buf.  Always NUL-terminates when len > 0. */
ASYNCRT_API char *asy_strerror_r(int err, char *buf, size_t len);
/* Translates a platform error (errno on POSIX; a Win32 or WSA error code
 * on Windows) into an ASY_E* code.  Zero stays zero. */
ASYNCRT_API int asy_translate_sys_error(int sys_errno);

#line 1 "asyncrt_impl/base/time.h"
/* Monotonic time in nanoseconds from an arbitrary fixed point (like
 * process.hrtime.bigint()).  Never goes backwards. */
ASYNCRT_API uint64_t asy_hrtime(void);

#line 1 "asyncrt_impl/base/queue.h"
/* asy__queue: an intrusive, circular, doubly linked list.  A queue head and
 * its elements are the same struct; an empty queue points at itself.  Every
 * operation is O(1) and none allocates.  Embed an asy__queue in your struct
 * and get back to it with ASY_CONTAINER_OF. */
typedef struct asy__queue {
    struct asy__queue *next;
    struct asy__queue *prev;
} asy__queue;

static inline void asy__queue_init(asy__queue *q) { q->next = q->prev = q; }
static inline int asy__queue_empty(const asy__queue *q) { return q->next == q; }
static inline asy__queue *asy__queue_head(const asy__queue *q) { return q->next; }
static inline asy__queue *asy__queue_tail(const asy__queue *q) { return q->prev; }

static inline void asy__queue_insert_tail(asy__queue *h, asy__queue *q) {
    q->next = h;
    q->prev = h->prev;
    h->prev->next = q;
    h->prev = q;
}

static inline void asy__queue_insert_head(asy__queue *h, asy__queue *q) {
    q->next = h->next;
    q->prev = h;
    h->next->prev = q;
    h->next = q;
}

/* Unlinks q and leaves it pointing at itself, so removing twice is safe. */
static inline void asy__queue_remove(asy__queue *q) {
    q->prev->next = q->next;
    q->next->prev = q->prev;
    q->next = q->prev = q;
}

/* Moves every element of `from` to the tail of `to`; `from` ends empty. */
static inline void asy__queue_move(asy__queue *from, asy__queue *to) {
    if (asy__queue_empty(from)) return;
    from->next->prev = to->prev;
    to->prev->next = from->next;
    from->prev->next = to;
    to->prev = from->prev;
    asy__queue_init(from);
}

#define ASY__QUEUE_FOREACH(q, h) for ((q) = (h)->next; (q) != (h); (q) = (q)->next)

#line 1 "asyncrt_impl/base/heap.h"
/* asy__heap: an indexed 4-ary min-heap, ordered by (key, seq).  The entries
 * live in one array with their keys inline, so sifting touches no node
 * memory but the back-index; each node knows its slot, so removing any node
 * is O(log n).  Equal keys come out in insertion order (seq), which is what
 * timers with the same deadline need. */
typedef struct asy__heap_node {
    uint32_t slot; /* index in the heap array; UINT32_MAX when not in a heap */
} asy__heap_node;

typedef struct asy__heap_entry {
    uint64_t key;
    uint64_t seq;
    asy__heap_node *node;
} asy__heap_entry;

typedef struct asy__heap {
    asy__heap_entry *items;
    uint32_t count;
    uint32_t cap;
    uint64_t next_seq;
} asy__heap;


#ifdef __cplusplus
}
#endif
#endif /* ASYNCRT_H */

/* ======================================================================== */
/* Implementation                                                           */
/* ======================================================================== */
#if defined(ASYNCRT_IMPLEMENTATION) && !defined(ASYNCRT_IMPLEMENTATION_INCLUDED)
#define ASYNCRT_IMPLEMENTATION_INCLUDED

#line 1 "asyncrt_impl/base/sys.internal.h"
/* System headers and defaults the whole implementation relies on. */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if ASYNCRT_OS_WINDOWS
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#else
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#endif

#ifndef ASYNCRT_MALLOC
#define ASYNCRT_MALLOC(n) malloc(n)
#define ASYNCRT_REALLOC(p, n) realloc(p, n)
#define ASYNCRT_FREE(p) free(p)
#endif

#ifndef ASYNCRT_ASSERT
#define ASYNCRT_ASSERT(c) assert(c)
#endif

/* Typed allocation helpers: C++ needs the casts, C tolerates them. */
#define ASY__NEW(type) ((type *)asy__malloc(sizeof(type)))
#define ASY__NEW_ARRAY(type, n) ((type *)asy__malloc_array((n), sizeof(type)))

#line 1 "asyncrt_impl/base/alloc.c"
/* Every allocation of the library goes through these, so a user allocator
 * (ASYNCRT_MALLOC & co.) sees all of it.  Zero-size requests are rounded up
 * so a NULL result always means "out of memory". */
ASY__INTERNAL void *asy__malloc(size_t n) { return ASYNCRT_MALLOC(n ? n : 1); }

ASY__INTERNAL void *asy__calloc(size_t count, size_t size) {
    void *p;
    if (size && count > SIZE_MAX / size) return NULL;
    p = asy__malloc(count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

ASY__INTERNAL void *asy__malloc_array(size_t count, size_t size) {
    if (size && count > SIZE_MAX / size) return NULL;
    return asy__malloc(count * size);
}

ASY__INTERNAL void *asy__realloc(void *p, size_t n) { return ASYNCRT_REALLOC(p, n ? n : 1); }

ASY__INTERNAL void asy__free(void *p) {
    if (p) ASYNCRT_FREE(p);
}

ASY__INTERNAL char *asy__strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = (char *)asy__malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

#line 1 "asyncrt_impl/base/version.c"
#define ASY__STR2(x) #x
#define ASY__STR(x) ASY__STR2(x)

ASYNCRT_API const char *asy_version_string(void) {
    return ASY__STR(ASYNCRT_VERSION_MAJOR) "." ASY__STR(ASYNCRT_VERSION_MINOR) "." ASY__STR(
        ASYNCRT_VERSION_PATCH);
}

ASYNCRT_API unsigned asy_version(void) { return ASYNCRT_VERSION_HEX; }

#line 1 "asyncrt_impl/base/errors.c"
ASYNCRT_API const char *asy_strerror(int err) {
#define ASY__ERR_CASE(name, winval, msg) \
    case ASY_##name:                     \
        return msg;
    switch (err) {
        case 0:
            return "success";
            ASY__ERRNO_MAP(ASY__ERR_CASE)
            ASY__EXTRA_ERR_MAP(ASY__ERR_CASE)
        default:
            return "unknown error";
    }
#undef ASY__ERR_CASE
}

ASYNCRT_API const char *asy_err_name(int err) {
#define ASY__ERR_CASE(name, winval, msg) \
    case ASY_##name:                     \
        return #name;
    switch (err) {
        case 0:
            return "OK";
            ASY__ERRNO_MAP(ASY__ERR_CASE)
            ASY__EXTRA_ERR_MAP(ASY__ERR_CASE)
        default:
            return "UNKNOWN";
    }
#undef ASY__ERR_CASE
}

ASYNCRT_API char *asy_strerror_r(int err, char *buf, size_t len) {
    if (!buf || len == 0) return buf;
    if (strcmp(asy_err_name(err), "UNKNOWN") == 0)
        snprintf(buf, len, "unknown error %d", err);
    else
        snprintf(buf, len, "%s", asy_strerror(err));
    return buf;
}

#if ASYNCRT_OS_WINDOWS
ASYNCRT_API int asy_translate_sys_error(int sys) {
    if (sys <= 0) return sys;
    switch (sys) {
        case ERROR_FILE_NOT_FOUND:
        case ERROR_PATH_NOT_FOUND:
        case ERROR_INVALID_NAME:
        case ERROR_MOD_NOT_FOUND:
            return ASY_ENOENT;
        case ERROR_ACCESS_DENIED:
        case ERROR_SHARING_VIOLATION:
        case WSAEACCES:
            return ASY_EACCES;
        case ERROR_FILE_EXISTS:
        case ERROR_ALREADY_EXISTS:
            return ASY_EEXIST;
        case ERROR_NOT_ENOUGH_MEMORY:
        case ERROR_OUTOFMEMORY:
            return ASY_ENOMEM;
        case ERROR_TOO_MANY_OPEN_FILES:
        case WSAEMFILE:
            return ASY_EMFILE;
        case ERROR_INVALID_HANDLE:
        case WSAEBADF:
            return ASY_EBADF;
        case ERROR_INVALID_PARAMETER:
        case WSAEINVAL:
            return ASY_EINVAL;
        case ERROR_BROKEN_PIPE:
        case ERROR_NO_DATA:
            return ASY_EPIPE;
        case ERROR_HANDLE_EOF:
            return ASY_EOF;
        case ERROR_OPERATION_ABORTED: /* == WSA_OPERATION_ABORTED */
            return ASY_ECANCELED;
        case ERROR_DIR_NOT_EMPTY:
            return ASY_ENOTEMPTY;
        case ERROR_DIRECTORY:
            return ASY_ENOTDIR;
        case ERROR_SEM_TIMEOUT:
        case WAIT_TIMEOUT:
        case WSAETIMEDOUT:
            return ASY_ETIMEDOUT;
        case WSAEWOULDBLOCK:
            return ASY_EAGAIN;
        case WSAEINTR:
            return ASY_EINTR;
        case WSAEADDRINUSE:
            return ASY_EADDRINUSE;
        case WSAEADDRNOTAVAIL:
            return ASY_EADDRNOTAVAIL;
        case WSAEAFNOSUPPORT:
            return ASY_EAFNOSUPPORT;
        case WSAECONNABORTED:
            return ASY_ECONNABORTED;
        case WSAECONNREFUSED:
        case ERROR_CONNECTION_REFUSED:
            return ASY_ECONNREFUSED;
        case WSAECONNRESET:
        case ERROR_NETNAME_DELETED:
            return ASY_ECONNRESET;
        case WSAEHOSTUNREACH:
        case ERROR_HOST_UNREACHABLE:
            return ASY_EHOSTUNREACH;
        case WSAENETUNREACH:
        case ERROR_NETWORK_UNREACHABLE:
            return ASY_ENETUNREACH;
        case WSAEISCONN:
            return ASY_EISCONN;
        case WSAENOTCONN:
            return ASY_ENOTCONN;
        case WSAENOTSOCK:
            return ASY_ENOTSOCK;
        case WSAEMSGSIZE:
            return ASY_EMSGSIZE;
        case WSAENOBUFS:
            return ASY_ENOBUFS;
        case WSAESHUTDOWN:
            return ASY_ESHUTDOWN;
        case ERROR_NOT_SUPPORTED:
        case WSAEOPNOTSUPP:
            return ASY_ENOTSUP;
        default:
            return ASY_EUNKNOWN;
    }
}
#else
ASYNCRT_API int asy_translate_sys_error(int sys) { return sys <= 0 ? sys : -sys; }
#endif

/* errno as an ASY_E* code: the common path after a failed system call. */
ASY__INTERNAL int asy__errno(void) {
#if ASYNCRT_OS_WINDOWS
    switch (errno) {
#define ASY__ERR_CASE(name, winval, msg) \
    case name:                           \
        return ASY_##name;
        /* only the codes the C runtime actually has */
        ASY__ERR_CASE(E2BIG, 0, 0)
        ASY__ERR_CASE(EACCES, 0, 0)
        ASY__ERR_CASE(EAGAIN, 0, 0)
        ASY__ERR_CASE(EBADF, 0, 0)
        ASY__ERR_CASE(EBUSY, 0, 0)
        ASY__ERR_CASE(EEXIST, 0, 0)
        ASY__ERR_CASE(EINTR, 0, 0)
        ASY__ERR_CASE(EINVAL, 0, 0)
        ASY__ERR_CASE(EIO, 0, 0)
        ASY__ERR_CASE(EISDIR, 0, 0)
        ASY__ERR_CASE(EMFILE, 0, 0)
        ASY__ERR_CASE(ENAMETOOLONG, 0, 0)
        ASY__ERR_CASE(ENOENT, 0, 0)
        ASY__ERR_CASE(ENOMEM, 0, 0)
        ASY__ERR_CASE(ENOSPC, 0, 0)
        ASY__ERR_CASE(ENOTDIR, 0, 0)
        ASY__ERR_CASE(ENOTEMPTY, 0, 0)
        ASY__ERR_CASE(EPERM, 0, 0)
        ASY__ERR_CASE(EPIPE, 0, 0)
        ASY__ERR_CASE(ERANGE, 0, 0)
        ASY__ERR_CASE(EXDEV, 0, 0)
#undef ASY__ERR_CASE
        default:
            return errno ? ASY_EUNKNOWN : 0;
    }
#else
    return -errno;
#endif
}

#line 1 "asyncrt_impl/base/time.c"
#if ASYNCRT_OS_WINDOWS
ASYNCRT_API uint64_t asy_hrtime(void) {
    static volatile LONG64 freq_cache = 0;
    LARGE_INTEGER now, freq;
    LONG64 f = freq_cache;
    if (f == 0) {
        QueryPerformanceFrequency(&freq);
        f = freq.QuadPart;
        freq_cache = f;
    }
    QueryPerformanceCounter(&now);
    /* split to avoid overflowing 64 bits for long uptimes */
    return (uint64_t)(now.QuadPart / f) * 1000000000u +
           (uint64_t)(now.QuadPart % f) * 1000000000u / (uint64_t)f;
}
#else
ASYNCRT_API uint64_t asy_hrtime(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif

#line 1 "asyncrt_impl/base/heap.c"
#define ASY__HEAP_NONE UINT32_MAX
#define ASY__HEAP_D 4

ASY__INTERNAL void asy__heap_init(asy__heap *h) { memset(h, 0, sizeof(*h)); }

ASY__INTERNAL void asy__heap_free(asy__heap *h) {
    uint32_t i;
    for (i = 0; i < h->count; i++) h->items[i].node->slot = ASY__HEAP_NONE;
    asy__free(h->items);
    memset(h, 0, sizeof(*h));
}

static inline void asy__heap_node_init(asy__heap_node *n) { n->slot = ASY__HEAP_NONE; }
static inline int asy__heap_node_active(const asy__heap_node *n) {
    return n->slot != ASY__HEAP_NONE;
}

static inline int asy__heap_less(const asy__heap_entry *a, const asy__heap_entry *b) {
    return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

static void asy__heap_sift_up(asy__heap *h, uint32_t i) {
    asy__heap_entry e = h->items[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / ASY__HEAP_D;
        if (!asy__heap_less(&e, &h->items[parent])) break;
        h->items[i] = h->items[parent];
        h->items[i].node->slot = i;
        i = parent;
    }
    h->items[i] = e;
    e.node->slot = i;
}

static void asy__heap_sift_down(asy__heap *h, uint32_t i) {
    asy__heap_entry e = h->items[i];
    for (;;) {
        uint32_t first = i * ASY__HEAP_D + 1, best, c, end;
        if (first >= h->count) break;
        end = first + ASY__HEAP_D < h->count ? first + ASY__HEAP_D : h->count;
        best = first;
        for (c = first + 1; c < end; c++)
            if (asy__heap_less(&h->items[c], &h->items[best])) best = c;
        if (!asy__heap_less(&h->items[best], &e)) break;
        h->items[i] = h->items[best];
        h->items[i].node->slot = i;
        i = best;
    }
    h->items[i] = e;
    e.node->slot = i;
}

/* Ensures room for one more entry; 0 or ASY_ENOMEM. */
ASY__INTERNAL int asy__heap_reserve(asy__heap *h, uint32_t extra) {
    uint32_t need = h->count + extra, ncap;
    asy__heap_entry *ni;
    if (need <= h->cap) return 0;
    if (need < h->count) return ASY_ENOMEM; /* overflow */
    ncap = h->cap ? h->cap : 64;
    while (ncap < need) ncap = ncap > UINT32_MAX / 2 ? need : ncap * 2;
    ni = (asy__heap_entry *)asy__realloc(h->items, (size_t)ncap * sizeof(*ni));
    if (!ni) return ASY_ENOMEM;
    h->items = ni;
    h->cap = ncap;
    return 0;
}

/* Inserts an inactive node with the given key; 0 or ASY_ENOMEM. */
ASY__INTERNAL int asy__heap_insert(asy__heap *h, asy__heap_node *n, uint64_t key) {
    uint32_t i;
    ASYNCRT_ASSERT(n->slot == ASY__HEAP_NONE);
    if (h->count == h->cap && asy__heap_reserve(h, 1)) return ASY_ENOMEM;
    i = h->count++;
    h->items[i].key = key;
    h->items[i].seq = h->next_seq++;
    h->items[i].node = n;
    asy__heap_sift_up(h, i);
    return 0;
}

/* Removes an active node; removing an inactive node does nothing. */
ASY__INTERNAL void asy__heap_remove(asy__heap *h, asy__heap_node *n) {
    uint32_t i = n->slot, last;
    if (i == ASY__HEAP_NONE) return;
    ASYNCRT_ASSERT(i < h->count && h->items[i].node == n);
    n->slot = ASY__HEAP_NONE;
    last = --h->count;
    if (i == last) return;
    h->items[i] = h->items[last];
    h->items[i].node->slot = i;
    if (i > 0 && asy__heap_less(&h->items[i], &h->items[(i - 1) / ASY__HEAP_D]))
        asy__heap_sift_up(h, i);
    else
        asy__heap_sift_down(h, i);
}

/* The smallest entry, or NULL when empty. */
static inline const asy__heap_entry *asy__heap_min(const asy__heap *h) {
    return h->count ? &h->items[0] : NULL;
}

/* Removes and returns the node with the smallest key, or NULL. */
ASY__INTERNAL asy__heap_node *asy__heap_pop(asy__heap *h) {
    asy__heap_node *n;
    if (!h->count) return NULL;
    n = h->items[0].node;
    asy__heap_remove(h, n);
    return n;
}


#endif /* ASYNCRT_IMPLEMENTATION */
