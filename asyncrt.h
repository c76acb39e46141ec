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

#line 1 "asyncrt_impl/path/path.h"
/* path: Node's `path` module, both flavours, on every platform.
 *
 * Every function that produces a string allocates it and hands it back
 * through `char **out`; the caller releases it with asy_free().  On error
 * *out is NULL and the result is a negative ASY_E* code: ASY_EINVAL for a
 * NULL argument, ASY_ENOMEM when an allocation fails, and for resolve (and
 * functions built on it) the error of reading the current directory.
 * Strings are NUL-terminated UTF-8; separators and dots are matched
 * byte-wise, which gives the same results as Node's UTF-16 code.
 *
 *   asy_path_posix_*   POSIX rules ("/" separates, ":" delimits)
 *   asy_path_win32_*   Windows rules ("\" and "/" separate, drives, UNC)
 *   asy_path_*         the native flavour: win32 on Windows, posix elsewhere
 *
 * Arrays of parts (join, resolve) take a count and an array; the `l`
 * variants take the parts as arguments ending with NULL:
 *
 *     char *p;
 *     asy_path_joinl(&p, "/users", "sean", "docs", (char *)NULL);
 *     ...
 *     asy_free(p);
 */

/* Releases any string (or array) the library handed to the caller. */
ASYNCRT_API void asy_free(void *ptr);

#define ASY_PATH_POSIX_SEP "/"
#define ASY_PATH_POSIX_DELIMITER ":"
#define ASY_PATH_WIN32_SEP "\\"
#define ASY_PATH_WIN32_DELIMITER ";"
#if defined(_WIN32)
#define ASY_PATH_SEP ASY_PATH_WIN32_SEP
#define ASY_PATH_DELIMITER ASY_PATH_WIN32_DELIMITER
#else
#define ASY_PATH_SEP ASY_PATH_POSIX_SEP
#define ASY_PATH_DELIMITER ASY_PATH_POSIX_DELIMITER
#endif

/* path.parse() output and path.format() input.  parse fills every field
 * (never NULL) from one allocation kept in `storage`; release it with
 * asy_path_parsed_free().  For format, build the struct yourself (zeroed,
 * `storage` unused): a NULL or "" field counts as missing, as in Node. */
typedef struct asy_path_parsed_s {
    const char *root;
    const char *dir;
    const char *base;
    const char *ext;
    const char *name;
    char *storage;
} asy_path_parsed_t;

ASYNCRT_API void asy_path_parsed_free(asy_path_parsed_t *parsed);

/* ---- POSIX flavour ---- */
ASYNCRT_API int asy_path_posix_join(char **out, size_t n, const char *const *parts);
ASYNCRT_API int asy_path_posix_joinl(char **out, ...);
ASYNCRT_API int asy_path_posix_resolve(char **out, size_t n, const char *const *parts);
ASYNCRT_API int asy_path_posix_resolvel(char **out, ...);
ASYNCRT_API int asy_path_posix_normalize(char **out, const char *path);
ASYNCRT_API int asy_path_posix_relative(char **out, const char *from, const char *to);
ASYNCRT_API int asy_path_posix_dirname(char **out, const char *path);
/* suffix may be NULL (Node's undefined). */
ASYNCRT_API int asy_path_posix_basename(char **out, const char *path, const char *suffix);
ASYNCRT_API int asy_path_posix_extname(char **out, const char *path);
ASYNCRT_API int asy_path_posix_parse(asy_path_parsed_t *out, const char *path);
ASYNCRT_API int asy_path_posix_format(char **out, const asy_path_parsed_t *parts);
/* 1 absolute, 0 relative, ASY_EINVAL for NULL. */
ASYNCRT_API int asy_path_posix_is_absolute(const char *path);
ASYNCRT_API int asy_path_posix_to_namespaced_path(char **out, const char *path);

/* ---- win32 flavour ---- */
ASYNCRT_API int asy_path_win32_join(char **out, size_t n, const char *const *parts);
ASYNCRT_API int asy_path_win32_joinl(char **out, ...);
ASYNCRT_API int asy_path_win32_resolve(char **out, size_t n, const char *const *parts);
ASYNCRT_API int asy_path_win32_resolvel(char **out, ...);
ASYNCRT_API int asy_path_win32_normalize(char **out, const char *path);
ASYNCRT_API int asy_path_win32_relative(char **out, const char *from, const char *to);
ASYNCRT_API int asy_path_win32_dirname(char **out, const char *path);
ASYNCRT_API int asy_path_win32_basename(char **out, const char *path, const char *suffix);
ASYNCRT_API int asy_path_win32_extname(char **out, const char *path);
ASYNCRT_API int asy_path_win32_parse(asy_path_parsed_t *out, const char *path);
ASYNCRT_API int asy_path_win32_format(char **out, const asy_path_parsed_t *parts);
ASYNCRT_API int asy_path_win32_is_absolute(const char *path);
ASYNCRT_API int asy_path_win32_to_namespaced_path(char **out, const char *path);

/* ---- native flavour ---- */
ASYNCRT_API int asy_path_join(char **out, size_t n, const char *const *parts);
ASYNCRT_API int asy_path_joinl(char **out, ...);
ASYNCRT_API int asy_path_resolve(char **out, size_t n, const char *const *parts);
ASYNCRT_API int asy_path_resolvel(char **out, ...);
ASYNCRT_API int asy_path_normalize(char **out, const char *path);
ASYNCRT_API int asy_path_relative(char **out, const char *from, const char *to);
ASYNCRT_API int asy_path_dirname(char **out, const char *path);
ASYNCRT_API int asy_path_basename(char **out, const char *path, const char *suffix);
ASYNCRT_API int asy_path_extname(char **out, const char *path);
ASYNCRT_API int asy_path_parse(asy_path_parsed_t *out, const char *path);
ASYNCRT_API int asy_path_format(char **out, const asy_path_parsed_t *parts);
ASYNCRT_API int asy_path_is_absolute(const char *path);
ASYNCRT_API int asy_path_to_namespaced_path(char **out, const char *path);

#line 1 "asyncrt_impl/os/os.h"
/* os: Node's `os` module.  Synchronous; no loop needed.
 *
 * Same scheme as path: strings and arrays come back through out-pointers
 * and are released with asy_free() or the matching asy_os_free_*();
 * errors are negative ASY_E* codes (ASY_EINVAL for a NULL argument,
 * ASY_ENOSYS where the platform has no way to answer).
 *
 *   Linux     everything (/proc, sysconf, uname, getifaddrs, getpwuid_r)
 *   Windows   everything (Win32 API; iphlpapi and userenv are loaded at run
 *             time, so nothing extra to link)
 *   other     POSIX systems: cpus and uptime give ASY_ENOSYS, freemem 0,
 *             and interfaces carry no MAC address (see docs/os.md)
 */

#if defined(_WIN32)
#define ASY_OS_EOL "\r\n"
#define ASY_OS_DEVNULL "\\\\.\\nul"
#else
#define ASY_OS_EOL "\n"
#define ASY_OS_DEVNULL "/dev/null"
#endif

/* Milliseconds spent in each mode since boot (Node's cpus()[i].times). */
typedef struct asy_os_cpu_times_s {
    uint64_t user;
    uint64_t nice;
    uint64_t sys;
    uint64_t idle;
    uint64_t irq;
} asy_os_cpu_times_t;

typedef struct asy_os_cpu_s {
    char *model;
    int speed; /* MHz, 0 when unknown */
    asy_os_cpu_times_t times;
} asy_os_cpu_t;

/* One entry per logical CPU; release with asy_os_free_cpus. */
ASYNCRT_API int asy_os_cpus(asy_os_cpu_t **cpus, int *count);
ASYNCRT_API void asy_os_free_cpus(asy_os_cpu_t *cpus, int count);

/* Bytes of RAM in total and available (Linux: MemTotal, MemAvailable);
 * 0 when unknown. */
ASYNCRT_API uint64_t asy_os_totalmem(void);
ASYNCRT_API uint64_t asy_os_freemem(void);

/* How many threads can run at once: the CPUs this process may use. */
ASYNCRT_API unsigned asy_os_available_parallelism(void);

ASYNCRT_API int asy_os_homedir(char **out);
ASYNCRT_API int asy_os_tmpdir(char **out);
ASYNCRT_API int asy_os_hostname(char **out);

/* "linux", "darwin", "win32", "freebsd"... (Node's process.platform). */
ASYNCRT_API const char *asy_os_platform(void);
/* "x64", "arm64", "ia32", "arm"... (Node's process.arch). */
ASYNCRT_API const char *asy_os_arch(void);
/* "LE" or "BE". */
ASYNCRT_API const char *asy_os_endianness(void);

/* os.type(), os.release(), os.version(), os.machine() in one call. */
typedef struct asy_os_uname_s {
    char sysname[256]; /* os.type(): "Linux", "Darwin", "Windows_NT" */
    char release[256]; /* os.release() */
    char version[256]; /* os.version() */
    char machine[256]; /* os.machine() */
} asy_os_uname_t;

ASYNCRT_API int asy_os_uname(asy_os_uname_t *out);

/* Seconds since boot. */
ASYNCRT_API int asy_os_uptime(double *seconds);
/* 1, 5 and 15 minute load averages ([0, 0, 0] on Windows, as in Node). */
ASYNCRT_API int asy_os_loadavg(double avg[3]);

/* One entry per address of every interface that is up (Node's
 * networkInterfaces(), flattened: entries of one interface share `name`). */
typedef struct asy_os_interface_s {
    char *name;
    char address[46]; /* "192.168.1.2", "fe80::1" */
    char netmask[46]; /* "255.255.255.0", "ffff:ffff:ffff:ffff::" */
    const char *family; /* "IPv4" or "IPv6" */
    char mac[18]; /* "01:02:03:0a:0b:0c", zeros when unknown */
    int internal; /* loopback */
    char cidr[50]; /* "192.168.1.2/24"; "" when the netmask is not a prefix (Node's null) */
    uint32_t scopeid; /* IPv6 only */
} asy_os_interface_t;

ASYNCRT_API int asy_os_network_interfaces(asy_os_interface_t **ifs, int *count);
ASYNCRT_API void asy_os_free_network_interfaces(asy_os_interface_t *ifs, int count);

/* The effective user (Node's userInfo()).  On Windows uid and gid are -1
 * and shell is NULL, as in Node.  Release with asy_os_free_user_info. */
typedef struct asy_os_user_info_s {
    long uid;
    long gid;
    char *username;
    char *homedir;
    char *shell;
} asy_os_user_info_t;

ASYNCRT_API int asy_os_user_info(asy_os_user_info_t *out);
ASYNCRT_API void asy_os_free_user_info(asy_os_user_info_t *info);


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
        case ERROR_OPERATION_ABORTED:
        case WSA_OPERATION_ABORTED:
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

#line 1 "asyncrt_impl/path/util.c"
/* What both path flavours share: the string builder, Node's normalizeString,
 * the current directory and environment lookups, and the NULL-terminated
 * argument lists of the `l` variants.  os uses the string helpers too. */



ASYNCRT_API void asy_free(void *ptr) { asy__free(ptr); }

/* ---- growable string --------------------------------------------------- */

/* Appends never fail loudly: the first failure is remembered in `err` and
 * reported once by asy__path_buf_finish, which keeps callers linear. */
typedef struct {
    char *p;
    size_t len, cap;
    int err;
} asy__path_buf;

ASY__INTERNAL void asy__path_buf_init(asy__path_buf *b) { memset(b, 0, sizeof(*b)); }

ASY__INTERNAL int asy__path_buf_reserve(asy__path_buf *b, size_t extra) {
    size_t need, ncap;
    char *np;
    if (b->err) return b->err;
    if (extra > SIZE_MAX - 1 - b->len) return b->err = ASY_ENOMEM;
    need = b->len + extra + 1;
    if (need <= b->cap) return 0;
    ncap = b->cap ? b->cap : 32;
    while (ncap < need) ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    np = (char *)asy__realloc(b->p, ncap);
    if (!np) return b->err = ASY_ENOMEM;
    b->p = np;
    b->cap = ncap;
    return 0;
}

ASY__INTERNAL void asy__path_buf_putn(asy__path_buf *b, const char *s, size_t n) {
    if (asy__path_buf_reserve(b, n)) return;
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

ASY__INTERNAL void asy__path_buf_puts(asy__path_buf *b, const char *s) {
    asy__path_buf_putn(b, s, strlen(s));
}

ASY__INTERNAL void asy__path_buf_putc(asy__path_buf *b, char c) { asy__path_buf_putn(b, &c, 1); }

ASY__INTERNAL void asy__path_buf_free(asy__path_buf *b) {
    asy__free(b->p);
    memset(b, 0, sizeof(*b));
}

/* Hands the string to *out (an empty string if nothing was appended). */
ASY__INTERNAL int asy__path_buf_finish(asy__path_buf *b, char **out) {
    if (!b->err && !b->p) asy__path_buf_reserve(b, 0);
    if (b->err) {
        int err = b->err;
        asy__path_buf_free(b);
        *out = NULL;
        return err;
    }
    b->p[b->len] = '\0';
    *out = b->p;
    memset(b, 0, sizeof(*b));
    return 0;
}

/* *out = copy of s[0..n). */
ASY__INTERNAL int asy__path_dupn(char **out, const char *s, size_t n) {
    char *d = (char *)asy__malloc(n + 1);
    *out = d;
    if (!d) return ASY_ENOMEM;
    if (n) memcpy(d, s, n);
    d[n] = '\0';
    return 0;
}

ASY__INTERNAL int asy__path_dup(char **out, const char *s) { return asy__path_dupn(out, s, strlen(s)); }

/* Length in UTF-16 code units, which is what Node's length checks count:
 * one per character, two for a character outside the BMP. */
ASY__INTERNAL size_t asy__path_u16len(const char *s, size_t n) {
    size_t i, units = 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
    }
    return units;
}

/* ---- separators and segments ------------------------------------------- */

ASY__INTERNAL int asy__path_is_sep(char c, int win) { return c == '/' || (win && c == '\\'); }

ASY__INTERNAL int asy__path_is_drive_letter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Node's normalizeString: drops empty and "." segments, folds ".." into the
 * segment before it (keeping leading ".." when above_root), and writes the
 * segments of p[0..n) joined by the flavour's separator to out.  Every byte
 * written stands for a byte read, so out needs n + 1 bytes.  Returns the
 * length written. */
ASY__INTERNAL size_t asy__path_fold_dots(const char *p, size_t n, int above_root, int win,
                                         char *out) {
    const char sep = win ? '\\' : '/';
    size_t res = 0, seg_len = 0, seg_start = 0, i;
    int dots = 0;
    char code = 0;
    for (i = 0; i <= n; ++i) {
        if (i < n)
            code = p[i];
        else if (asy__path_is_sep(code, win))
            break;
        else
            code = '/';
        if (asy__path_is_sep(code, win)) {
            if (seg_start == i || dots == 1) {
                /* empty or "." segment */
            } else if (dots == 2) {
                if (res < 2 || seg_len != 2 || out[res - 1] != '.' || out[res - 2] != '.') {
                    if (res > 2) {
                        size_t k = res;
                        while (k > 0 && out[k - 1] != sep) k--;
                        if (k == 0) {
                            res = 0;
                            seg_len = 0;
                        } else {
                            size_t m;
                            res = k - 1;
                            m = res;
                            while (m > 0 && out[m - 1] != sep) m--;
                            seg_len = res - m;
                        }
                        seg_start = i + 1;
                        dots = 0;
                        continue;
                    } else if (res != 0) {
                        res = 0;
                        seg_len = 0;
                        seg_start = i + 1;
                        dots = 0;
                        continue;
                    }
                }
                if (above_root) {
                    if (res > 0) out[res++] = sep;
                    out[res++] = '.';
                    out[res++] = '.';
                    seg_len = 2;
                }
            } else {
                if (res > 0) out[res++] = sep;
                memcpy(out + res, p + seg_start, i - seg_start);
                res += i - seg_start;
                seg_len = i - seg_start;
            }
            seg_start = i + 1;
            dots = 0;
        } else if (code == '.' && dots != -1) {
            ++dots;
        } else {
            dots = -1;
        }
    }
    out[res] = '\0';
    return res;
}

/* Appends fold_dots(p[0..n)) to b. */
ASY__INTERNAL void asy__path_buf_fold(asy__path_buf *b, const char *p, size_t n, int above_root,
                                      int win) {
    if (asy__path_buf_reserve(b, n)) return;
    b->len += asy__path_fold_dots(p, n, above_root, win, b->p + b->len);
}

/* ---- the process environment --------------------------------------------- */

#if ASYNCRT_OS_WINDOWS
/* UTF-16 (len code units, or NUL-terminated when len < 0) to UTF-8. */
ASY__INTERNAL int asy__path_from_wide(char **out, const WCHAR *w, int len) {
    int n = WideCharToMultiByte(CP_UTF8, 0, w, len, NULL, 0, NULL, NULL);
    char *s;
    *out = NULL;
    if (n <= 0 && len != 0) return asy_translate_sys_error((int)GetLastError());
    s = (char *)asy__malloc((size_t)n + 1);
    if (!s) return ASY_ENOMEM;
    if (n > 0) WideCharToMultiByte(CP_UTF8, 0, w, len, s, n, NULL, NULL);
    s[n] = '\0';
    if (len < 0 && n > 0) s[n - 1] = '\0';
    *out = s;
    return 0;
}

ASY__INTERNAL int asy__path_to_wide(WCHAR **out, const char *s) {
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    WCHAR *w;
    *out = NULL;
    if (n <= 0) return ASY_EINVAL;
    w = (WCHAR *)asy__malloc_array((size_t)n, sizeof(WCHAR));
    if (!w) return ASY_ENOMEM;
    MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    *out = w;
    return 0;
}
#endif

/* *out = value of the environment variable `name` (UTF-8), or ASY_ENOENT. */
ASY__INTERNAL int asy__path_getenv(const char *name, char **out) {
#if ASYNCRT_OS_WINDOWS
    WCHAR *wname, *val;
    DWORD n, got;
    int r;
    *out = NULL;
    r = asy__path_to_wide(&wname, name);
    if (r) return r;
    n = GetEnvironmentVariableW(wname, NULL, 0);
    if (n == 0) {
        asy__free(wname);
        return ASY_ENOENT;
    }
    val = (WCHAR *)asy__malloc_array(n, sizeof(WCHAR));
    if (!val) {
        asy__free(wname);
        return ASY_ENOMEM;
    }
    got = GetEnvironmentVariableW(wname, val, n);
    asy__free(wname);
    if (got == 0 || got >= n) {
        asy__free(val);
        return ASY_ENOENT;
    }
    r = asy__path_from_wide(out, val, (int)got);
    asy__free(val);
    return r;
#else
    const char *v = getenv(name);
    *out = NULL;
    if (!v) return ASY_ENOENT;
    return asy__path_dup(out, v);
#endif
}

/* The current directory as the platform reports it (Node's process.cwd()). */
ASY__INTERNAL int asy__path_cwd(char **out) {
#if ASYNCRT_OS_WINDOWS
    DWORD n = GetCurrentDirectoryW(0, NULL), got;
    WCHAR *w;
    int r;
    *out = NULL;
    if (n == 0) return asy_translate_sys_error((int)GetLastError());
    w = (WCHAR *)asy__malloc_array(n, sizeof(WCHAR));
    if (!w) return ASY_ENOMEM;
    got = GetCurrentDirectoryW(n, w);
    if (got == 0 || got >= n) {
        asy__free(w);
        return got == 0 ? asy_translate_sys_error((int)GetLastError()) : ASY_EAGAIN;
    }
    /* like libuv: no trailing backslash except on a drive root ("C:\") */
    if (got > 1 && w[got - 1] == L'\\' && !(got == 3 && w[1] == L':')) got--;
    r = asy__path_from_wide(out, w, (int)got);
    asy__free(w);
    return r;
#else
    size_t cap = 256;
    *out = NULL;
    for (;;) {
        char *b = (char *)asy__malloc(cap);
        int err;
        if (!b) return ASY_ENOMEM;
        if (getcwd(b, cap)) {
            *out = b;
            return 0;
        }
        err = asy__errno();
        asy__free(b);
        if (err != ASY_ERANGE) return err;
        if (cap >= ((size_t)1 << 24)) return ASY_ENAMETOOLONG;
        cap *= 2;
    }
#endif
}

/* ---- argument lists ------------------------------------------------------ */

typedef int (*asy__path_list_fn)(char **out, size_t n, const char *const *parts);

/* Calls fn with the NULL-terminated strings of ap as an array. */
ASY__INTERNAL int asy__path_call_list(char **out, va_list ap, asy__path_list_fn fn) {
    const char *small[16];
    const char **parts = small;
    size_t n = 0, i;
    va_list count;
    int r;
    if (out) *out = NULL;
    memset((void *)small, 0, sizeof(small));
    va_copy(count, ap);
    while (va_arg(count, const char *) != NULL) n++;
    va_end(count);
    if (n > ASY_ARRAY_SIZE(small)) {
        parts = (const char **)asy__malloc_array(n, sizeof(*parts));
        if (!parts) return ASY_ENOMEM;
    }
    for (i = 0; i < n; i++) parts[i] = va_arg(ap, const char *);
    r = fn(out, n, parts);
    if (parts != small) asy__free((void *)parts);
    return r;
}

/* Common argument checks of the list functions. */
ASY__INTERNAL int asy__path_check_list(char **out, size_t n, const char *const *parts) {
    size_t i;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (n && !parts) return ASY_EINVAL;
    for (i = 0; i < n; i++)
        if (!parts[i]) return ASY_EINVAL;
    return 0;
}

#line 1 "asyncrt_impl/path/casefold.c"
/* Case-insensitive comparison of UTF-8 path segments, for win32 relative().
 * Node lowercases both paths with String.prototype.toLowerCase before it
 * compares them, so "C:\<U+0130>" and "c:\i<U+0307>" name the same
 * directory there; this applies the same (locale-free) lowercase mapping code
 * point by code point.  The context-dependent final-sigma rule is not
 * applied: capital sigma always folds to U+03C3, never to U+03C2. */


typedef struct {
    uint32_t first, last;
    int32_t delta;
    uint32_t stride;
} asy__path_fold_run;

/* Generated by scripts/gen-path-casefold.mjs: every code point first,
 * first + stride, ... last lowercases to itself + delta. */
static const asy__path_fold_run asy__path_fold_runs[] = {
    /* generated: 185 runs, Node v20.20.2, Unicode 17.0 */
    {0x0041, 0x005A, 32, 1},
    {0x00C0, 0x00D6, 32, 1},
    {0x00D8, 0x00DE, 32, 1},
    {0x0100, 0x012E, 1, 2},
    {0x0132, 0x0136, 1, 2},
    {0x0139, 0x0147, 1, 2},
    {0x014A, 0x0176, 1, 2},
    {0x0178, 0x0178, -121, 1},
    {0x0179, 0x017D, 1, 2},
    {0x0181, 0x0181, 210, 1},
    {0x0182, 0x0184, 1, 2},
    {0x0186, 0x0186, 206, 1},
    {0x0187, 0x0187, 1, 1},
    {0x0189, 0x018A, 205, 1},
    {0x018B, 0x018B, 1, 1},
    {0x018E, 0x018E, 79, 1},
    {0x018F, 0x018F, 202, 1},
    {0x0190, 0x0190, 203, 1},
    {0x0191, 0x0191, 1, 1},
    {0x0193, 0x0193, 205, 1},
    {0x0194, 0x0194, 207, 1},
    {0x0196, 0x0196, 211, 1},
    {0x0197, 0x0197, 209, 1},
    {0x0198, 0x0198, 1, 1},
    {0x019C, 0x019C, 211, 1},
    {0x019D, 0x019D, 213, 1},
    {0x019F, 0x019F, 214, 1},
    {0x01A0, 0x01A4, 1, 2},
    {0x01A6, 0x01A6, 218, 1},
    {0x01A7, 0x01A7, 1, 1},
    {0x01A9, 0x01A9, 218, 1},
    {0x01AC, 0x01AC, 1, 1},
    {0x01AE, 0x01AE, 218, 1},
    {0x01AF, 0x01AF, 1, 1},
    {0x01B1, 0x01B2, 217, 1},
    {0x01B3, 0x01B5, 1, 2},
    {0x01B7, 0x01B7, 219, 1},
    {0x01B8, 0x01B8, 1, 1},
    {0x01BC, 0x01BC, 1, 1},
    {0x01C4, 0x01C4, 2, 1},
    {0x01C5, 0x01C5, 1, 1},
    {0x01C7, 0x01C7, 2, 1},
    {0x01C8, 0x01C8, 1, 1},
    {0x01CA, 0x01CA, 2, 1},
    {0x01CB, 0x01DB, 1, 2},
    {0x01DE, 0x01EE, 1, 2},
    {0x01F1, 0x01F1, 2, 1},
    {0x01F2, 0x01F4, 1, 2},
    {0x01F6, 0x01F6, -97, 1},
    {0x01F7, 0x01F7, -56, 1},
    {0x01F8, 0x021E, 1, 2},
    {0x0220, 0x0220, -130, 1},
    {0x0222, 0x0232, 1, 2},
    {0x023A, 0x023A, 10795, 1},
    {0x023B, 0x023B, 1, 1},
    {0x023D, 0x023D, -163, 1},
    {0x023E, 0x023E, 10792, 1},
    {0x0241, 0x0241, 1, 1},
    {0x0243, 0x0243, -195, 1},
    {0x0244, 0x0244, 69, 1},
    {0x0245, 0x0245, 71, 1},
    {0x0246, 0x024E, 1, 2},
    {0x0370, 0x0372, 1, 2},
    {0x0376, 0x0376, 1, 1},
    {0x037F, 0x037F, 116, 1},
    {0x0386, 0x0386, 38, 1},
    {0x0388, 0x038A, 37, 1},
    {0x038C, 0x038C, 64, 1},
    {0x038E, 0x038F, 63, 1},
    {0x0391, 0x03A1, 32, 1},
    {0x03A3, 0x03AB, 32, 1},
    {0x03CF, 0x03CF, 8, 1},
    {0x03D8, 0x03EE, 1, 2},
    {0x03F4, 0x03F4, -60, 1},
    {0x03F7, 0x03F7, 1, 1},
    {0x03F9, 0x03F9, -7, 1},
    {0x03FA, 0x03FA, 1, 1},
    {0x03FD, 0x03FF, -130, 1},
    {0x0400, 0x040F, 80, 1},
    {0x0410, 0x042F, 32, 1},
    {0x0460, 0x0480, 1, 2},
    {0x048A, 0x04BE, 1, 2},
    {0x04C0, 0x04C0, 15, 1},
    {0x04C1, 0x04CD, 1, 2},
    {0x04D0, 0x052E, 1, 2},
    {0x0531, 0x0556, 48, 1},
    {0x10A0, 0x10C5, 7264, 1},
    {0x10C7, 0x10C7, 7264, 1},
    {0x10CD, 0x10CD, 7264, 1},
    {0x13A0, 0x13EF, 38864, 1},
    {0x13F0, 0x13F5, 8, 1},
    {0x1C89, 0x1C89, 1, 1},
    {0x1C90, 0x1CBA, -3008, 1},
    {0x1CBD, 0x1CBF, -3008, 1},
    {0x1E00, 0x1E94, 1, 2},
    {0x1E9E, 0x1E9E, -7615, 1},
    {0x1EA0, 0x1EFE, 1, 2},
    {0x1F08, 0x1F0F, -8, 1},
    {0x1F18, 0x1F1D, -8, 1},
    {0x1F28, 0x1F2F, -8, 1},
    {0x1F38, 0x1F3F, -8, 1},
    {0x1F48, 0x1F4D, -8, 1},
    {0x1F59, 0x1F5F, -8, 2},
    {0x1F68, 0x1F6F, -8, 1},
    {0x1F88, 0x1F8F, -8, 1},
    {0x1F98, 0x1F9F, -8, 1},
    {0x1FA8, 0x1FAF, -8, 1},
    {0x1FB8, 0x1FB9, -8, 1},
    {0x1FBA, 0x1FBB, -74, 1},
    {0x1FBC, 0x1FBC, -9, 1},
    {0x1FC8, 0x1FCB, -86, 1},
    {0x1FCC, 0x1FCC, -9, 1},
    {0x1FD8, 0x1FD9, -8, 1},
    {0x1FDA, 0x1FDB, -100, 1},
    {0x1FE8, 0x1FE9, -8, 1},
    {0x1FEA, 0x1FEB, -112, 1},
    {0x1FEC, 0x1FEC, -7, 1},
    {0x1FF8, 0x1FF9, -128, 1},
    {0x1FFA, 0x1FFB, -126, 1},
    {0x1FFC, 0x1FFC, -9, 1},
    {0x2126, 0x2126, -7517, 1},
    {0x212A, 0x212A, -8383, 1},
    {0x212B, 0x212B, -8262, 1},
    {0x2132, 0x2132, 28, 1},
    {0x2160, 0x216F, 16, 1},
    {0x2183, 0x2183, 1, 1},
    {0x24B6, 0x24CF, 26, 1},
    {0x2C00, 0x2C2F, 48, 1},
    {0x2C60, 0x2C60, 1, 1},
    {0x2C62, 0x2C62, -10743, 1},
    {0x2C63, 0x2C63, -3814, 1},
    {0x2C64, 0x2C64, -10727, 1},
    {0x2C67, 0x2C6B, 1, 2},
    {0x2C6D, 0x2C6D, -10780, 1},
    {0x2C6E, 0x2C6E, -10749, 1},
    {0x2C6F, 0x2C6F, -10783, 1},
    {0x2C70, 0x2C70, -10782, 1},
    {0x2C72, 0x2C72, 1, 1},
    {0x2C75, 0x2C75, 1, 1},
    {0x2C7E, 0x2C7F, -10815, 1},
    {0x2C80, 0x2CE2, 1, 2},
    {0x2CEB, 0x2CED, 1, 2},
    {0x2CF2, 0x2CF2, 1, 1},
    {0xA640, 0xA66C, 1, 2},
    {0xA680, 0xA69A, 1, 2},
    {0xA722, 0xA72E, 1, 2},
    {0xA732, 0xA76E, 1, 2},
    {0xA779, 0xA77B, 1, 2},
    {0xA77D, 0xA77D, -35332, 1},
    {0xA77E, 0xA786, 1, 2},
    {0xA78B, 0xA78B, 1, 1},
    {0xA78D, 0xA78D, -42280, 1},
    {0xA790, 0xA792, 1, 2},
    {0xA796, 0xA7A8, 1, 2},
    {0xA7AA, 0xA7AA, -42308, 1},
    {0xA7AB, 0xA7AB, -42319, 1},
    {0xA7AC, 0xA7AC, -42315, 1},
    {0xA7AD, 0xA7AD, -42305, 1},
    {0xA7AE, 0xA7AE, -42308, 1},
    {0xA7B0, 0xA7B0, -42258, 1},
    {0xA7B1, 0xA7B1, -42282, 1},
    {0xA7B2, 0xA7B2, -42261, 1},
    {0xA7B3, 0xA7B3, 928, 1},
    {0xA7B4, 0xA7C2, 1, 2},
    {0xA7C4, 0xA7C4, -48, 1},
    {0xA7C5, 0xA7C5, -42307, 1},
    {0xA7C6, 0xA7C6, -35384, 1},
    {0xA7C7, 0xA7C9, 1, 2},
    {0xA7CB, 0xA7CB, -42343, 1},
    {0xA7CC, 0xA7DA, 1, 2},
    {0xA7DC, 0xA7DC, -42561, 1},
    {0xA7F5, 0xA7F5, 1, 1},
    {0xFF21, 0xFF3A, 32, 1},
    {0x10400, 0x10427, 40, 1},
    {0x104B0, 0x104D3, 40, 1},
    {0x10570, 0x1057A, 39, 1},
    {0x1057C, 0x1058A, 39, 1},
    {0x1058C, 0x10592, 39, 1},
    {0x10594, 0x10595, 39, 1},
    {0x10C80, 0x10CB2, 64, 1},
    {0x10D50, 0x10D65, 32, 1},
    {0x118A0, 0x118BF, 32, 1},
    {0x16E40, 0x16E5F, 32, 1},
    {0x16EA0, 0x16EB8, 27, 1},
    {0x1E900, 0x1E921, 34, 1},
};

ASY__INTERNAL uint32_t asy__path_lower_cp(uint32_t cp) {
    size_t lo = 0, hi = ASY_ARRAY_SIZE(asy__path_fold_runs);
    if (cp < 0x41) return cp;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const asy__path_fold_run *r = &asy__path_fold_runs[mid];
        if (cp < r->first) {
            hi = mid;
        } else if (cp > r->last) {
            lo = mid + 1;
        } else {
            if ((cp - r->first) % r->stride != 0) return cp;
            return (uint32_t)((int32_t)cp + r->delta);
        }
    }
    return cp;
}

/* Decodes the code point at s[*i].  A malformed byte comes back as
 * 0x110000 + byte, a value no valid code point folds to, so invalid
 * sequences compare equal only to the same bytes. */
ASY__INTERNAL uint32_t asy__path_utf8_next(const unsigned char *s, size_t n, size_t *i) {
    unsigned char c = s[*i];
    uint32_t cp, min;
    size_t need, k;
    if (c < 0x80) {
        *i += 1;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1, cp = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2, cp = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3, cp = c & 0x07u, min = 0x10000;
    } else {
        *i += 1;
        return 0x110000u + c;
    }
    if (*i + need >= n) {
        *i += 1;
        return 0x110000u + c;
    }
    for (k = 1; k <= need; k++) {
        unsigned char cc = s[*i + k];
        if ((cc & 0xC0) != 0x80) {
            *i += 1;
            return 0x110000u + c;
        }
        cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *i += 1;
        return 0x110000u + c;
    }
    *i += need + 1;
    return cp;
}

/* A stream of lowercased code points; U+0130 lowercases to two. */
typedef struct {
    const unsigned char *s;
    size_t n, i;
    uint32_t pending;
} asy__path_fold_iter;

/* Next lowercased code point, or UINT32_MAX at the end. */
ASY__INTERNAL uint32_t asy__path_fold_next(asy__path_fold_iter *it) {
    uint32_t cp;
    if (it->pending) {
        cp = it->pending;
        it->pending = 0;
        return cp;
    }
    if (it->i >= it->n) return UINT32_MAX;
    cp = asy__path_utf8_next(it->s, it->n, &it->i);
    if (cp == 0x130) {
        it->pending = 0x307;
        return 0x69;
    }
    return asy__path_lower_cp(cp);
}

/* 1 when a[0..an) and b[0..bn) are equal once both are lowercased. */
ASY__INTERNAL int asy__path_fold_eq(const char *a, size_t an, const char *b, size_t bn) {
    asy__path_fold_iter x, y;
    x.s = (const unsigned char *)a, x.n = an, x.i = 0, x.pending = 0;
    y.s = (const unsigned char *)b, y.n = bn, y.i = 0, y.pending = 0;
    for (;;) {
        uint32_t ca = asy__path_fold_next(&x), cb = asy__path_fold_next(&y);
        if (ca != cb) return 0;
        if (ca == UINT32_MAX) return 1;
    }
}

#line 1 "asyncrt_impl/path/posix.c"
/* path.posix: the algorithms of Node's lib/path.js, byte for byte. */


/* Node's posixCwd(): on Windows the cwd with slashes and without drive. */
ASY__INTERNAL int asy__path_posix_cwd(char **out) {
    int r = asy__path_cwd(out);
#if ASYNCRT_OS_WINDOWS
    if (r == 0) {
        char *c = *out, *first;
        size_t i;
        for (i = 0; c[i]; i++)
            if (c[i] == '\\') c[i] = '/';
        first = strchr(c, '/');
        if (first && first != c) memmove(c, first, strlen(first) + 1);
    }
#endif
    return r;
}

ASY__INTERNAL int asy__path_posix_normalize_n(char **out, const char *path, size_t len) {
    asy__path_buf b;
    int abs, trailing;
    *out = NULL;
    if (len == 0) return asy__path_dup(out, ".");
    abs = path[0] == '/';
    trailing = path[len - 1] == '/';
    asy__path_buf_init(&b);
    if (abs) asy__path_buf_putc(&b, '/');
    asy__path_buf_fold(&b, path + abs, len - (size_t)abs, !abs, 0);
    if (!b.err && b.len == (size_t)abs) {
        if (!abs) asy__path_buf_puts(&b, trailing ? "./" : ".");
    } else if (trailing) {
        asy__path_buf_putc(&b, '/');
    }
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_posix_normalize(char **out, const char *path) {
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    return asy__path_posix_normalize_n(out, path, strlen(path));
}

ASYNCRT_API int asy_path_posix_join(char **out, size_t n, const char *const *parts) {
    asy__path_buf b;
    size_t i;
    int r = asy__path_check_list(out, n, parts);
    if (r) return r;
    asy__path_buf_init(&b);
    for (i = 0; i < n; i++) {
        if (!parts[i][0]) continue;
        if (b.len) asy__path_buf_putc(&b, '/');
        asy__path_buf_puts(&b, parts[i]);
    }
    if (b.err) return asy__path_buf_finish(&b, out);
    r = asy__path_posix_normalize_n(out, b.p ? b.p : "", b.len);
    asy__path_buf_free(&b);
    return r;
}

ASYNCRT_API int asy_path_posix_joinl(char **out, ...) {
    va_list ap;
    int r;
    va_start(ap, out);
    r = asy__path_call_list(out, ap, asy_path_posix_join);
    va_end(ap);
    return r;
}

/* resolve with a given cwd (NULL: ask the system when it is needed). */
ASY__INTERNAL int asy__path_posix_resolve_cwd(char **out, size_t n, const char *const *parts,
                                              const char *cwd) {
    asy__path_buf joined, b;
    char *own_cwd = NULL;
    size_t first = n, i;
    int abs = 0, r = asy__path_check_list(out, n, parts);
    if (r) return r;
    /* rightmost absolute part: everything left of it is ignored */
    while (first > 0 && !abs) {
        first--;
        if (parts[first][0]) abs = parts[first][0] == '/';
    }
    asy__path_buf_init(&joined);
    if (!abs) {
        if (!cwd) {
            r = asy__path_posix_cwd(&own_cwd);
            if (r) return r;
            cwd = own_cwd;
        }
        asy__path_buf_puts(&joined, cwd);
        asy__path_buf_putc(&joined, '/');
        abs = cwd[0] == '/';
    }
    for (i = first; i < n; i++) {
        if (!parts[i][0]) continue;
        asy__path_buf_puts(&joined, parts[i]);
        asy__path_buf_putc(&joined, '/');
    }
    asy__free(own_cwd);
    asy__path_buf_init(&b);
    if (joined.err) {
        b.err = joined.err;
    } else {
        if (abs) asy__path_buf_putc(&b, '/');
        asy__path_buf_fold(&b, joined.p, joined.len, !abs, 0);
        if (!abs && !b.err && b.len == 0) asy__path_buf_putc(&b, '.');
    }
    asy__path_buf_free(&joined);
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_posix_resolve(char **out, size_t n, const char *const *parts) {
    return asy__path_posix_resolve_cwd(out, n, parts, NULL);
}

ASYNCRT_API int asy_path_posix_resolvel(char **out, ...) {
    va_list ap;
    int r;
    va_start(ap, out);
    r = asy__path_call_list(out, ap, asy_path_posix_resolve);
    va_end(ap);
    return r;
}

ASYNCRT_API int asy_path_posix_is_absolute(const char *path) {
    if (!path) return ASY_EINVAL;
    return path[0] == '/';
}

ASYNCRT_API int asy_path_posix_relative(char **out, const char *from_arg, const char *to_arg) {
    char *from = NULL, *to = NULL;
    size_t from_len, to_len, length, i, from_rest, to_rest;
    ptrdiff_t last_common_sep = -1;
    asy__path_buf b;
    int r;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!from_arg || !to_arg) return ASY_EINVAL;
    if (strcmp(from_arg, to_arg) == 0) return asy__path_dup(out, "");
    r = asy__path_posix_resolve_cwd(&from, 1, &from_arg, NULL);
    if (!r) r = asy__path_posix_resolve_cwd(&to, 1, &to_arg, NULL);
    if (r || strcmp(from, to) == 0) {
        asy__free(from);
        asy__free(to);
        return r ? r : asy__path_dup(out, "");
    }
    /* both start with "/": compare what follows it */
    from_len = strlen(from);
    to_len = strlen(to);
    from_rest = from_len - 1;
    to_rest = to_len - 1;
    length = from_rest < to_rest ? from_rest : to_rest;
    for (i = 0; i < length; i++) {
        if (from[1 + i] != to[1 + i]) break;
        if (from[1 + i] == '/') last_common_sep = (ptrdiff_t)i;
    }
    asy__path_buf_init(&b);
    if (i == length) {
        if (to_rest > length) {
            /* from is the exact base of to ("/foo/bar" -> "/foo/bar/baz"),
             * or the root */
            if (to[1 + i] == '/' || i == 0) {
                asy__path_buf_puts(&b, to + 1 + i + (to[1 + i] == '/'));
                goto done;
            }
        } else if (from_rest > length) {
            if (from[1 + i] == '/')
                last_common_sep = (ptrdiff_t)i; /* to is the exact base of from */
            else if (i == 0)
                last_common_sep = 0; /* to is the root */
        }
    }
    /* one ".." for every segment of from after the common part */
    for (i = (size_t)(1 + last_common_sep + 1); i <= from_len; ++i) {
        if (i == from_len || from[i] == '/') asy__path_buf_puts(&b, b.len == 0 ? ".." : "/..");
    }
    asy__path_buf_puts(&b, to + 1 + last_common_sep);
done:
    asy__free(from);
    asy__free(to);
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_posix_to_namespaced_path(char **out, const char *path) {
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    return asy__path_dup(out, path);
}

ASYNCRT_API int asy_path_posix_dirname(char **out, const char *path) {
    size_t len, i, end = 0;
    int has_root, matched_slash = 1, found = 0;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    len = strlen(path);
    if (len == 0) return asy__path_dup(out, ".");
    has_root = path[0] == '/';
    for (i = len - 1; i >= 1; --i) {
        if (path[i] == '/') {
            if (!matched_slash) {
                end = i;
                found = 1;
                break;
            }
        } else {
            matched_slash = 0;
        }
    }
    if (!found) return asy__path_dup(out, has_root ? "/" : ".");
    if (has_root && end == 1) return asy__path_dup(out, "//");
    return asy__path_dupn(out, path, end);
}

/* The last segment of p[start..len) ignoring trailing separators, minus a
 * matching suffix; shared by both flavours (Node's basename loop). */
ASY__INTERNAL int asy__path_basename_common(char **out, const char *path, size_t start_at,
                                            const char *suffix, int win) {
    size_t len = strlen(path);
    ptrdiff_t start = (ptrdiff_t)start_at, end = -1, i;
    int matched_slash = 1;
    /* Node compares lengths in UTF-16 units: a one-character suffix is
     * tried even on a one-byte path when that character takes two bytes */
    if (suffix && suffix[0] &&
        asy__path_u16len(suffix, strlen(suffix)) <= asy__path_u16len(path, len)) {
        ptrdiff_t ext_idx = (ptrdiff_t)strlen(suffix) - 1, first_non_slash_end = -1;
        if (strcmp(suffix, path) == 0) return asy__path_dup(out, "");
        for (i = (ptrdiff_t)len - 1; i >= (ptrdiff_t)start_at; --i) {
            char code = path[i];
            if (asy__path_is_sep(code, win)) {
                if (!matched_slash) {
                    start = i + 1;
                    break;
                }
            } else {
                if (first_non_slash_end == -1) {
                    matched_slash = 0;
                    first_non_slash_end = i + 1;
                }
                if (ext_idx >= 0) {
                    if (code == suffix[ext_idx]) {
                        if (--ext_idx == -1) end = i;
                    } else {
                        ext_idx = -1;
                        end = first_non_slash_end;
                    }
                }
            }
        }
        if (start == end)
            end = first_non_slash_end;
        else if (end == -1)
            end = (ptrdiff_t)len;
        if (end < start) return asy__path_dup(out, "");
        return asy__path_dupn(out, path + start, (size_t)(end - start));
    }
    for (i = (ptrdiff_t)len - 1; i >= (ptrdiff_t)start_at; --i) {
        if (asy__path_is_sep(path[i], win)) {
            if (!matched_slash) {
                start = i + 1;
                break;
            }
        } else if (end == -1) {
            matched_slash = 0;
            end = i + 1;
        }
    }
    if (end == -1) return asy__path_dup(out, "");
    return asy__path_dupn(out, path + start, (size_t)(end - start));
}

ASYNCRT_API int asy_path_posix_basename(char **out, const char *path, const char *suffix) {
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    return asy__path_basename_common(out, path, 0, suffix, 0);
}

/* Where the extension of the last segment of path[start..len) lies:
 * returns 1 and [*dot, *end) when there is one.  *part is where that last
 * segment starts, or part_init when no separator precedes it (Node's posix
 * parse starts from 0 even past a root, which decides the ".." rule).
 * Shared by extname and parse of both flavours. */
ASY__INTERNAL int asy__path_find_ext(const char *path, size_t len, size_t start, size_t part_init,
                                     int win, ptrdiff_t *dot, ptrdiff_t *end_out,
                                     ptrdiff_t *part) {
    ptrdiff_t start_dot = -1, start_part = (ptrdiff_t)part_init, end = -1, i;
    int matched_slash = 1, pre_dot_state = 0;
    for (i = (ptrdiff_t)len - 1; i >= (ptrdiff_t)start; --i) {
        char code = path[i];
        if (asy__path_is_sep(code, win)) {
            if (!matched_slash) {
                start_part = i + 1;
                break;
            }
            continue;
        }
        if (end == -1) {
            matched_slash = 0;
            end = i + 1;
        }
        if (code == '.') {
            if (start_dot == -1)
                start_dot = i;
            else if (pre_dot_state != 1)
                pre_dot_state = 1;
        } else if (start_dot != -1) {
            pre_dot_state = -1;
        }
    }
    *dot = start_dot;
    *end_out = end;
    *part = start_part;
    /* no dot, nothing before the dot, or the segment is exactly ".." */
    if (start_dot == -1 || end == -1 || pre_dot_state == 0 ||
        (pre_dot_state == 1 && start_dot == end - 1 && start_dot == start_part + 1))
        return 0;
    return 1;
}

ASYNCRT_API int asy_path_posix_extname(char **out, const char *path) {
    ptrdiff_t dot, end, part;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    if (!asy__path_find_ext(path, strlen(path), 0, 0, 0, &dot, &end, &part))
        return asy__path_dup(out, "");
    return asy__path_dupn(out, path + dot, (size_t)(end - dot));
}

/* ---- parse / format ------------------------------------------------------ */

ASYNCRT_API void asy_path_parsed_free(asy_path_parsed_t *parsed) {
    if (!parsed) return;
    asy__free(parsed->storage);
    memset(parsed, 0, sizeof(*parsed));
}

/* Fills out with copies of five ranges of path (root, dir, base, ext, name)
 * kept in one allocation. */
ASY__INTERNAL int asy__path_parsed_fill(asy_path_parsed_t *out, const char *path,
                                        const size_t ranges[5][2]) {
    size_t total = 5, k, at = 0;
    const char **fields[5];
    char *s;
    for (k = 0; k < 5; k++) total += ranges[k][1] - ranges[k][0];
    s = (char *)asy__malloc(total);
    if (!s) return ASY_ENOMEM;
    fields[0] = &out->root;
    fields[1] = &out->dir;
    fields[2] = &out->base;
    fields[3] = &out->ext;
    fields[4] = &out->name;
    for (k = 0; k < 5; k++) {
        size_t n = ranges[k][1] - ranges[k][0];
        if (n) memcpy(s + at, path + ranges[k][0], n);
        s[at + n] = '\0';
        *fields[k] = s + at;
        at += n + 1;
    }
    out->storage = s;
    return 0;
}

enum { ASY__P_ROOT, ASY__P_DIR, ASY__P_BASE, ASY__P_EXT, ASY__P_NAME };

#define ASY__PATH_RANGE(r, which, a, b) ((r)[which][0] = (size_t)(a), (r)[which][1] = (size_t)(b))

ASYNCRT_API int asy_path_posix_parse(asy_path_parsed_t *out, const char *path) {
    size_t r[5][2], len;
    ptrdiff_t dot, end, part;
    int abs, has_ext;
    if (!out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    if (!path) return ASY_EINVAL;
    memset(r, 0, sizeof(r));
    len = strlen(path);
    if (len > 0) {
        abs = path[0] == '/';
        if (abs) ASY__PATH_RANGE(r, ASY__P_ROOT, 0, 1);
        has_ext = asy__path_find_ext(path, len, (size_t)abs, 0, 0, &dot, &end, &part);
        if (end != -1) {
            ptrdiff_t s = part == 0 && abs ? 1 : part;
            if (has_ext) {
                ASY__PATH_RANGE(r, ASY__P_NAME, s, dot);
                ASY__PATH_RANGE(r, ASY__P_BASE, s, end);
                ASY__PATH_RANGE(r, ASY__P_EXT, dot, end);
            } else {
                ASY__PATH_RANGE(r, ASY__P_NAME, s, end);
                ASY__PATH_RANGE(r, ASY__P_BASE, s, end);
            }
        }
        if (part > 0)
            ASY__PATH_RANGE(r, ASY__P_DIR, 0, part - 1);
        else if (abs)
            ASY__PATH_RANGE(r, ASY__P_DIR, 0, 1);
    }
    return asy__path_parsed_fill(out, path, (const size_t(*)[2])r);
}

/* Node's _format: dir (or root) + separator + base (or name + ext). */
ASY__INTERNAL int asy__path_format_common(char **out, const asy_path_parsed_t *p, char sep) {
    const char *dir, *ext;
    asy__path_buf b;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!p) return ASY_EINVAL;
    dir = p->dir && p->dir[0] ? p->dir : p->root;
    asy__path_buf_init(&b);
    if (dir && dir[0]) {
        asy__path_buf_puts(&b, dir);
        if (!(p->root && strcmp(dir, p->root) == 0)) asy__path_buf_putc(&b, sep);
    }
    if (p->base && p->base[0]) {
        asy__path_buf_puts(&b, p->base);
    } else {
        if (p->name) asy__path_buf_puts(&b, p->name);
        ext = p->ext;
        if (ext && ext[0]) {
            if (ext[0] != '.') asy__path_buf_putc(&b, '.');
            asy__path_buf_puts(&b, ext);
        }
    }
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_posix_format(char **out, const asy_path_parsed_t *parts) {
    return asy__path_format_common(out, parts, '/');
}

#line 1 "asyncrt_impl/path/win32.c"
/* path.win32: drive letters, UNC roots and device names, after Node's
 * lib/path.js.  Works the same on every host; only resolve() asks the host
 * for its current directory (and, like Node, for the per-drive "=X:"
 * variables Windows keeps in the environment). */


#define ASY__W_SEP(c) asy__path_is_sep((c), 1)

/* A UNC root "\\server\share" at the start of p (p[0] and p[1] are
 * separators): the server is p[2..*srv_end), the share
 * p[*share_start..*share_end).  0 when the path has no such root. */
ASY__INTERNAL int asy__path_unc(const char *p, size_t len, size_t *srv_end, size_t *share_start,
                                size_t *share_end) {
    size_t j = 2;
    while (j < len && !ASY__W_SEP(p[j])) j++;
    if (j >= len || j == 2) return 0;
    *srv_end = j;
    while (j < len && ASY__W_SEP(p[j])) j++;
    if (j >= len) return 0;
    *share_start = j;
    while (j < len && !ASY__W_SEP(p[j])) j++;
    *share_end = j;
    return 1;
}

/* "\\." and "\\?" start device namespaces rather than UNC servers. */
ASY__INTERNAL int asy__path_is_device_server(const char *p, size_t srv_end) {
    return srv_end == 3 && (p[2] == '.' || p[2] == '?');
}

/* Node's isWindowsReservedName(path, colonIndex): is path[0..end) a DOS
 * device name (CON, COM1...)?  Node slices with the colon index, and a
 * missing colon (-1) slices off the last character: "COM9." and "CONX"
 * count too, exactly as in Node. */
ASY__INTERNAL int asy__path_is_reserved(const char *p, size_t len, const char *colon) {
    static const char *const names[] = {
        "CON",  "PRN",  "AUX",  "NUL",  "COM1", "COM2", "COM3", "COM4", "COM5", "COM6",
        "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7",
        "LPT8", "LPT9", "COM\xC2\xB9", "COM\xC2\xB2", "COM\xC2\xB3", "LPT\xC2\xB9",
        "LPT\xC2\xB2", "LPT\xC2\xB3"};
    size_t end, k, i;
    if (colon) {
        end = (size_t)(colon - p);
    } else {
        /* drop the last character; a 4-byte one leaves half a surrogate
         * pair in Node, which no name matches */
        end = len;
        while (end > 0 && ((unsigned char)p[end - 1] & 0xC0) == 0x80) end--;
        if (end == 0) return 0;
        end--;
        if ((unsigned char)p[end] >= 0xF0) return 0;
    }
    for (k = 0; k < ASY_ARRAY_SIZE(names); k++) {
        const char *n = names[k];
        if (strlen(n) != end) continue;
        for (i = 0; i < end; i++) {
            char c = p[i];
            if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
            if (c != n[i]) break;
        }
        if (i == end) return 1;
    }
    return 0;
}

/* ---- normalize / join ---------------------------------------------------- */

ASY__INTERNAL int asy__path_win32_normalize_n(char **out, const char *p, size_t len) {
    asy__path_buf dev, tail, b;
    size_t root_end = 0, se, ss, sh;
    int abs = 0, has_device = 0;
    const char *colon, *c;
    *out = NULL;
    if (len == 0) return asy__path_dup(out, ".");
    if (len == 1) return asy__path_dup(out, p[0] == '/' ? "\\" : p);
    asy__path_buf_init(&dev);
    if (ASY__W_SEP(p[0])) {
        abs = 1;
        if (ASY__W_SEP(p[1])) {
            if (asy__path_unc(p, len, &se, &ss, &sh)) {
                if (asy__path_is_device_server(p, se)) {
                    has_device = 1;
                    asy__path_buf_puts(&dev, "\\\\");
                    asy__path_buf_putc(&dev, p[2]);
                    root_end = 4;
                } else if (sh == len) {
                    /* only a UNC root: "\\server\share\" */
                    asy__path_buf_init(&b);
                    asy__path_buf_puts(&b, "\\\\");
                    asy__path_buf_putn(&b, p + 2, se - 2);
                    asy__path_buf_putc(&b, '\\');
                    asy__path_buf_putn(&b, p + ss, len - ss);
                    asy__path_buf_putc(&b, '\\');
                    return asy__path_buf_finish(&b, out);
                } else {
                    has_device = 1;
                    asy__path_buf_puts(&dev, "\\\\");
                    asy__path_buf_putn(&dev, p + 2, se - 2);
                    asy__path_buf_putc(&dev, '\\');
                    asy__path_buf_putn(&dev, p + ss, sh - ss);
                    root_end = sh;
                }
            }
        } else {
            root_end = 1;
        }
    } else {
        colon = (const char *)memchr(p, ':', len);
        if (colon && colon > p) {
            if (asy__path_is_drive_letter(p[0]) && colon == p + 1) {
                has_device = 1;
                asy__path_buf_putn(&dev, p, 2);
                root_end = 2;
                if (len > 2 && ASY__W_SEP(p[2])) {
                    abs = 1;
                    root_end = 3;
                }
            } else if (asy__path_is_reserved(p, len, colon)) {
                has_device = 1;
                asy__path_buf_putn(&dev, p, (size_t)(colon - p) + 1);
                root_end = (size_t)(colon - p) + 1;
            }
        }
    }

    asy__path_buf_init(&tail);
    if (root_end < len) asy__path_buf_fold(&tail, p + root_end, len - root_end, !abs, 1);
    if (tail.len == 0 && !abs) asy__path_buf_putc(&tail, '.');
    if (tail.len > 0 && ASY__W_SEP(p[len - 1])) asy__path_buf_putc(&tail, '\\');

    asy__path_buf_init(&b);
    if (dev.err || tail.err) {
        b.err = dev.err ? dev.err : tail.err;
        goto done;
    }
    colon = (const char *)memchr(p, ':', len);
    if (!abs && !has_device && colon) {
        /* A relative path must not come out looking absolute or like a
         * device ("C:" or "x:" with nothing after the colon): prefix ".\"
         * as Node does since CVE-2024-36139. */
        int prefix = tail.len >= 2 && asy__path_is_drive_letter(tail.p[0]) && tail.p[1] == ':';
        for (c = colon; !prefix && c; c = (const char *)memchr(c + 1, ':', len - (size_t)(c + 1 - p)))
            if ((size_t)(c - p) == len - 1 || ASY__W_SEP(c[1])) prefix = 1;
        if (prefix) {
            asy__path_buf_puts(&b, ".\\");
            asy__path_buf_putn(&b, tail.p, tail.len);
            goto done;
        }
    }
    if (asy__path_is_reserved(p, len, colon)) {
        asy__path_buf_puts(&b, ".\\");
        if (has_device) asy__path_buf_putn(&b, dev.p, dev.len);
        asy__path_buf_putn(&b, tail.p, tail.len);
        goto done;
    }
    if (has_device) asy__path_buf_putn(&b, dev.p, dev.len);
    if (abs) asy__path_buf_putc(&b, '\\');
    asy__path_buf_putn(&b, tail.p, tail.len);
done:
    asy__path_buf_free(&dev);
    asy__path_buf_free(&tail);
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_win32_normalize(char **out, const char *path) {
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    return asy__path_win32_normalize_n(out, path, strlen(path));
}

ASYNCRT_API int asy_path_win32_join(char **out, size_t n, const char *const *parts) {
    asy__path_buf b;
    const char *first = NULL;
    size_t i, slashes = 0, skip = 0;
    int r = asy__path_check_list(out, n, parts), needs_replace = 1;
    if (r) return r;
    asy__path_buf_init(&b);
    for (i = 0; i < n; i++) {
        if (!parts[i][0]) continue;
        if (!first)
            first = parts[i];
        else
            asy__path_buf_putc(&b, '\\');
        asy__path_buf_puts(&b, parts[i]);
    }
    if (!first) return asy__path_dup(out, ".");
    if (b.err) return asy__path_buf_finish(&b, out);
    /* A joined path starting with two separators would read as UNC; keep
     * that only when the first part itself is "\\server..." (exactly two
     * separators and then a name), otherwise squash the run to one. */
    if (ASY__W_SEP(first[0])) {
        slashes = 1;
        if (ASY__W_SEP(first[1])) {
            slashes = 2;
            if (first[2]) {
                if (ASY__W_SEP(first[2]))
                    slashes = 3;
                else
                    needs_replace = 0;
            }
        }
    }
    if (needs_replace) {
        while (slashes < b.len && ASY__W_SEP(b.p[slashes])) slashes++;
        if (slashes >= 2) skip = slashes - 1;
    }
    if (skip) b.p[skip] = '\\';
    r = asy__path_win32_normalize_n(out, b.p + skip, b.len - skip);
    asy__path_buf_free(&b);
    return r;
}

ASYNCRT_API int asy_path_win32_joinl(char **out, ...) {
    va_list ap;
    int r;
    va_start(ap, out);
    r = asy__path_call_list(out, ap, asy_path_win32_join);
    va_end(ap);
    return r;
}

ASYNCRT_API int asy_path_win32_is_absolute(const char *p) {
    size_t len;
    if (!p) return ASY_EINVAL;
    len = strlen(p);
    if (len == 0) return 0;
    return ASY__W_SEP(p[0]) ||
           (len > 2 && asy__path_is_drive_letter(p[0]) && p[1] == ':' && ASY__W_SEP(p[2]));
}

/* ---- resolve ------------------------------------------------------------- */

/* The root of one resolve() argument: its device ("C:", "\\server\share",
 * "\\." ...) written to dev, where the rest starts, whether it is absolute. */
ASY__INTERNAL void asy__path_win32_root(const char *p, size_t len, asy__path_buf *dev,
                                        size_t *root_end, int *abs) {
    size_t se, ss, sh;
    *root_end = 0;
    *abs = 0;
    dev->len = 0;
    if (len == 1) {
        if (ASY__W_SEP(p[0])) {
            *root_end = 1;
            *abs = 1;
        }
    } else if (len > 1 && ASY__W_SEP(p[0])) {
        *abs = 1;
        if (ASY__W_SEP(p[1])) {
            if (asy__path_unc(p, len, &se, &ss, &sh)) {
                asy__path_buf_puts(dev, "\\\\");
                asy__path_buf_putn(dev, p + 2, se - 2);
                if (asy__path_is_device_server(p, se)) {
                    *root_end = 4;
                } else {
                    asy__path_buf_putc(dev, '\\');
                    asy__path_buf_putn(dev, p + ss, sh - ss);
                    *root_end = sh;
                }
            }
        } else {
            *root_end = 1;
        }
    } else if (len > 1 && asy__path_is_drive_letter(p[0]) && p[1] == ':') {
        asy__path_buf_putn(dev, p, 2);
        *root_end = 2;
        if (len > 2 && ASY__W_SEP(p[2])) {
            *abs = 1;
            *root_end = 3;
        }
    }
}

typedef struct {
    const char *p;
    size_t n;
} asy__path_slice;

/* resolve with a given cwd (NULL: ask the system when it is needed). */
ASY__INTERNAL int asy__path_win32_resolve_cwd(char **out, size_t n, const char *const *parts,
                                              const char *cwd) {
    asy__path_buf device, dev, tail, b;
    asy__path_slice small[8], *slices = small;
    size_t nslices = 0, k;
    char *own_cwd = NULL, *env = NULL, *drive_root = NULL;
    ptrdiff_t i;
    int abs = 0, r = asy__path_check_list(out, n, parts);
    if (r) return r;
    if (n + 1 > ASY_ARRAY_SIZE(small)) {
        slices = (asy__path_slice *)asy__malloc_array(n + 1, sizeof(*slices));
        if (!slices) return ASY_ENOMEM;
    }
    asy__path_buf_init(&device);
    asy__path_buf_init(&dev);
    asy__path_buf_init(&b);
    /* Right to left until the result is absolute and on a known device;
     * past the first argument comes the cwd (of that drive, if known). */
    for (i = (ptrdiff_t)n - 1; i >= -1; i--) {
        const char *p;
        size_t len, root_end;
        int is_abs;
        if (i >= 0) {
            p = parts[i];
            if (!p[0]) continue;
        } else {
            if (!cwd) {
                r = asy__path_cwd(&own_cwd);
                if (r) goto fail;
                cwd = own_cwd;
            }
            p = cwd;
            if (device.len > 0) {
                /* Windows keeps each drive's cwd in "=X:" */
                char name[4];
                name[0] = '=';
                memcpy(name + 1, device.p, 2);
                name[3] = '\0';
                if (asy__path_getenv(name, &env) == 0) p = env;
                if (!(strlen(p) >= 2 && asy__path_fold_eq(p, 2, device.p, device.len)) &&
                    strlen(p) > 2 && p[2] == '\\') {
                    r = asy__path_dupn(&drive_root, device.p, device.len + 1);
                    if (r) goto fail;
                    drive_root[device.len] = '\\';
                    p = drive_root;
                }
            }
        }
        len = strlen(p);
        asy__path_win32_root(p, len, &dev, &root_end, &is_abs);
        if (dev.err) {
            r = dev.err;
            goto fail;
        }
        if (dev.len > 0) {
            if (device.len > 0) {
                /* another device: this argument does not apply */
                if (!asy__path_fold_eq(dev.p, dev.len, device.p, device.len)) continue;
            } else {
                asy__path_buf_putn(&device, dev.p, dev.len);
                if (device.err) {
                    r = device.err;
                    goto fail;
                }
            }
        }
        if (abs) {
            if (device.len > 0) break;
        } else {
            slices[nslices].p = p + root_end;
            slices[nslices].n = len - root_end;
            nslices++;
            abs = is_abs;
            if (is_abs && device.len > 0) break;
        }
    }

    asy__path_buf_init(&tail);
    for (k = nslices; k-- > 0;) {
        asy__path_buf_putn(&tail, slices[k].p, slices[k].n);
        asy__path_buf_putc(&tail, '\\');
    }
    if (tail.err) {
        r = tail.err;
        goto fail;
    }
    asy__path_buf_putn(&b, device.p, device.len);
    if (abs) asy__path_buf_putc(&b, '\\');
    asy__path_buf_fold(&b, tail.p ? tail.p : "", tail.len, !abs, 1);
    asy__path_buf_free(&tail);
    if (!b.err && b.len == 0) asy__path_buf_putc(&b, '.');
    r = 0;
fail:
    if (r) {
        asy__path_buf_free(&b);
        b.err = r;
    }
    if (slices != small) asy__free(slices);
    asy__free(own_cwd);
    asy__free(env);
    asy__free(drive_root);
    asy__path_buf_free(&device);
    asy__path_buf_free(&dev);
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_win32_resolve(char **out, size_t n, const char *const *parts) {
    return asy__path_win32_resolve_cwd(out, n, parts, NULL);
}

ASYNCRT_API int asy_path_win32_resolvel(char **out, ...) {
    va_list ap;
    int r;
    va_start(ap, out);
    r = asy__path_call_list(out, ap, asy_path_win32_resolve);
    va_end(ap);
    return r;
}

/* ---- relative ------------------------------------------------------------ */

/* Length of the part of a resolved path that must match for a relative
 * path to exist: the drive "C:", "\\server" (the share is the first
 * segment, as in Node), a lone leading "\" (a driveless rooted path), or
 * nothing for a relative path. */
ASY__INTERNAL size_t asy__path_win32_rel_root(const char *p, size_t len) {
    size_t j;
    if (len >= 2 && asy__path_is_drive_letter(p[0]) && p[1] == ':') return 2;
    if (len >= 2 && p[0] == '\\' && p[1] == '\\') {
        for (j = 2; j < len && p[j] != '\\';) j++;
        return j;
    }
    return len >= 1 && p[0] == '\\' ? 1 : 0;
}

/* End of the segment that starts at i. */
ASY__INTERNAL size_t asy__path_seg_end(const char *p, size_t len, size_t i) {
    while (i < len && p[i] != '\\') i++;
    return i;
}

ASY__INTERNAL size_t asy__path_skip_seps(const char *p, size_t len, size_t i) {
    while (i < len && p[i] == '\\') i++;
    return i;
}

/* Node compares the two resolved paths after lowercasing both; it returns
 * `to` unchanged when their roots differ, else climbs out of what remains
 * of `from` and descends into what remains of `to`.  This walks segments
 * rather than characters, which gives Node's answers and also handles
 * driveless rooted paths ("\a\b" to "\c" is "..\..\c", where Node 20
 * glues the segments: nodejs/node#63600 fixes it the same way). */
ASY__INTERNAL int asy__path_win32_relative_resolved(char **out, const char *from, const char *to) {
    size_t flen = strlen(from), tlen = strlen(to), froot, troot, fi, ti, fe, te, up = 0;
    asy__path_buf b;
    froot = asy__path_win32_rel_root(from, flen);
    troot = asy__path_win32_rel_root(to, tlen);
    if (!asy__path_fold_eq(from, froot, to, troot)) return asy__path_dup(out, to);
    fi = froot;
    ti = troot;
    for (;;) {
        fi = asy__path_skip_seps(from, flen, fi);
        ti = asy__path_skip_seps(to, tlen, ti);
        if (fi >= flen || ti >= tlen) break;
        fe = asy__path_seg_end(from, flen, fi);
        te = asy__path_seg_end(to, tlen, ti);
        if (!asy__path_fold_eq(from + fi, fe - fi, to + ti, te - ti)) break;
        fi = fe;
        ti = te;
    }
    while (fi < flen) {
        up++;
        fi = asy__path_skip_seps(from, flen, asy__path_seg_end(from, flen, fi));
    }
    while (tlen > ti && to[tlen - 1] == '\\') tlen--;
    asy__path_buf_init(&b);
    for (fe = 0; fe < up; fe++) asy__path_buf_puts(&b, fe ? "\\.." : "..");
    if (ti < tlen) {
        if (up) asy__path_buf_putc(&b, '\\');
        asy__path_buf_putn(&b, to + ti, tlen - ti);
    }
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_win32_relative(char **out, const char *from_arg, const char *to_arg) {
    char *from = NULL, *to = NULL;
    int r;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!from_arg || !to_arg) return ASY_EINVAL;
    if (strcmp(from_arg, to_arg) == 0) return asy__path_dup(out, "");
    r = asy__path_win32_resolve_cwd(&from, 1, &from_arg, NULL);
    if (!r) r = asy__path_win32_resolve_cwd(&to, 1, &to_arg, NULL);
    if (!r) r = asy__path_win32_relative_resolved(out, from, to);
    asy__free(from);
    asy__free(to);
    return r;
}

/* ---- toNamespacedPath ---------------------------------------------------- */

ASYNCRT_API int asy_path_win32_to_namespaced_path(char **out, const char *path) {
    char *res = NULL;
    asy__path_buf b;
    size_t len;
    int r;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    if (!path[0]) return asy__path_dup(out, "");
    r = asy__path_win32_resolve_cwd(&res, 1, &path, NULL);
    if (r) return r;
    len = strlen(res);
    if (asy__path_u16len(res, len) <= 2) {
        asy__free(res);
        return asy__path_dup(out, path);
    }
    asy__path_buf_init(&b);
    if (res[0] == '\\') {
        if (res[1] == '\\' && res[2] != '?' && res[2] != '.') {
            /* "\\server\share" -> "\\?\UNC\server\share" */
            asy__path_buf_puts(&b, "\\\\?\\UNC\\");
            asy__path_buf_puts(&b, res + 2);
            asy__free(res);
            return asy__path_buf_finish(&b, out);
        }
    } else if (asy__path_is_drive_letter(res[0]) && res[1] == ':' && res[2] == '\\') {
        asy__path_buf_puts(&b, "\\\\?\\");
        asy__path_buf_puts(&b, res);
        asy__free(res);
        return asy__path_buf_finish(&b, out);
    }
    *out = res;
    return 0;
}

/* ---- dirname / basename / extname ---------------------------------------- */

ASYNCRT_API int asy_path_win32_dirname(char **out, const char *p) {
    size_t len, offset = 0, se, ss, sh;
    ptrdiff_t root_end = -1, end = -1, i;
    int matched_slash = 1;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!p) return ASY_EINVAL;
    len = strlen(p);
    if (len == 0) return asy__path_dup(out, ".");
    if (len == 1) return asy__path_dup(out, ASY__W_SEP(p[0]) ? p : ".");
    if (ASY__W_SEP(p[0])) {
        root_end = 1;
        offset = 1;
        if (ASY__W_SEP(p[1]) && asy__path_unc(p, len, &se, &ss, &sh)) {
            if (sh == len) return asy__path_dup(out, p); /* a UNC root only */
            /* the separator after "\\server\share" belongs to the root */
            root_end = (ptrdiff_t)sh + 1;
            offset = sh + 1;
        }
    } else if (asy__path_is_drive_letter(p[0]) && p[1] == ':') {
        root_end = len > 2 && ASY__W_SEP(p[2]) ? 3 : 2;
        offset = (size_t)root_end;
    }
    for (i = (ptrdiff_t)len - 1; i >= (ptrdiff_t)offset; --i) {
        if (ASY__W_SEP(p[i])) {
            if (!matched_slash) {
                end = i;
                break;
            }
        } else {
            matched_slash = 0;
        }
    }
    if (end == -1) {
        if (root_end == -1) return asy__path_dup(out, ".");
        end = root_end;
    }
    return asy__path_dupn(out, p, (size_t)end);
}

/* A drive prefix "X:" is never part of the last segment. */
ASY__INTERNAL size_t asy__path_win32_drive_len(const char *p) {
    return asy__path_is_drive_letter(p[0]) && p[1] == ':' ? 2 : 0;
}

ASYNCRT_API int asy_path_win32_basename(char **out, const char *path, const char *suffix) {
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    return asy__path_basename_common(out, path, asy__path_win32_drive_len(path), suffix, 1);
}

ASYNCRT_API int asy_path_win32_extname(char **out, const char *path) {
    ptrdiff_t dot, end, part;
    size_t start;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    start = asy__path_win32_drive_len(path);
    if (!asy__path_find_ext(path, strlen(path), start, start, 1, &dot, &end, &part))
        return asy__path_dup(out, "");
    return asy__path_dupn(out, path + dot, (size_t)(end - dot));
}

/* ---- parse / format ------------------------------------------------------ */

ASYNCRT_API int asy_path_win32_parse(asy_path_parsed_t *out, const char *p) {
    size_t r[5][2], len, root_end = 0, se, ss, sh;
    ptrdiff_t dot, end, part;
    int has_ext;
    if (!out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    if (!p) return ASY_EINVAL;
    memset(r, 0, sizeof(r));
    len = strlen(p);
    if (len == 0) return asy__path_parsed_fill(out, p, (const size_t(*)[2])r);
    if (len == 1) {
        if (ASY__W_SEP(p[0])) {
            ASY__PATH_RANGE(r, ASY__P_ROOT, 0, 1);
            ASY__PATH_RANGE(r, ASY__P_DIR, 0, 1);
        } else {
            ASY__PATH_RANGE(r, ASY__P_BASE, 0, 1);
            ASY__PATH_RANGE(r, ASY__P_NAME, 0, 1);
        }
        return asy__path_parsed_fill(out, p, (const size_t(*)[2])r);
    }
    if (ASY__W_SEP(p[0])) {
        root_end = 1;
        if (ASY__W_SEP(p[1]) && asy__path_unc(p, len, &se, &ss, &sh))
            root_end = sh == len ? sh : sh + 1;
    } else if (asy__path_is_drive_letter(p[0]) && p[1] == ':') {
        /* just a drive root: "C:" or "C:\" */
        if (len <= 2 || (ASY__W_SEP(p[2]) && len == 3)) {
            ASY__PATH_RANGE(r, ASY__P_ROOT, 0, len);
            ASY__PATH_RANGE(r, ASY__P_DIR, 0, len);
            return asy__path_parsed_fill(out, p, (const size_t(*)[2])r);
        }
        root_end = ASY__W_SEP(p[2]) ? 3 : 2;
    }
    ASY__PATH_RANGE(r, ASY__P_ROOT, 0, root_end);
    has_ext = asy__path_find_ext(p, len, root_end, root_end, 1, &dot, &end, &part);
    if (end != -1) {
        if (has_ext) {
            ASY__PATH_RANGE(r, ASY__P_NAME, part, dot);
            ASY__PATH_RANGE(r, ASY__P_BASE, part, end);
            ASY__PATH_RANGE(r, ASY__P_EXT, dot, end);
        } else {
            ASY__PATH_RANGE(r, ASY__P_NAME, part, end);
            ASY__PATH_RANGE(r, ASY__P_BASE, part, end);
        }
    }
    /* a root directory keeps its separator ("C:\abc" -> "C:\"), any other
     * loses it ("C:\abc\def" -> "C:\abc") */
    if (part > 0 && (size_t)part != root_end)
        ASY__PATH_RANGE(r, ASY__P_DIR, 0, part - 1);
    else
        ASY__PATH_RANGE(r, ASY__P_DIR, 0, root_end);
    return asy__path_parsed_fill(out, p, (const size_t(*)[2])r);
}

ASYNCRT_API int asy_path_win32_format(char **out, const asy_path_parsed_t *parts) {
    return asy__path_format_common(out, parts, '\\');
}

#line 1 "asyncrt_impl/path/native.c"
/* The native flavour: path.win32 on Windows, path.posix everywhere else,
 * like Node's default `path` export. */


#if ASYNCRT_OS_WINDOWS
#define ASY__PATH_NATIVE(name) asy_path_win32_##name
#else
#define ASY__PATH_NATIVE(name) asy_path_posix_##name
#endif

ASYNCRT_API int asy_path_join(char **out, size_t n, const char *const *parts) {
    return ASY__PATH_NATIVE(join)(out, n, parts);
}

ASYNCRT_API int asy_path_resolve(char **out, size_t n, const char *const *parts) {
    return ASY__PATH_NATIVE(resolve)(out, n, parts);
}

ASYNCRT_API int asy_path_normalize(char **out, const char *path) {
    return ASY__PATH_NATIVE(normalize)(out, path);
}

ASYNCRT_API int asy_path_relative(char **out, const char *from, const char *to) {
    return ASY__PATH_NATIVE(relative)(out, from, to);
}

ASYNCRT_API int asy_path_dirname(char **out, const char *path) {
    return ASY__PATH_NATIVE(dirname)(out, path);
}

ASYNCRT_API int asy_path_basename(char **out, const char *path, const char *suffix) {
    return ASY__PATH_NATIVE(basename)(out, path, suffix);
}

ASYNCRT_API int asy_path_extname(char **out, const char *path) {
    return ASY__PATH_NATIVE(extname)(out, path);
}

ASYNCRT_API int asy_path_parse(asy_path_parsed_t *out, const char *path) {
    return ASY__PATH_NATIVE(parse)(out, path);
}

ASYNCRT_API int asy_path_format(char **out, const asy_path_parsed_t *parts) {
    return ASY__PATH_NATIVE(format)(out, parts);
}

ASYNCRT_API int asy_path_is_absolute(const char *path) {
    return ASY__PATH_NATIVE(is_absolute)(path);
}

ASYNCRT_API int asy_path_to_namespaced_path(char **out, const char *path) {
    return ASY__PATH_NATIVE(to_namespaced_path)(out, path);
}

ASYNCRT_API int asy_path_joinl(char **out, ...) {
    va_list ap;
    int r;
    va_start(ap, out);
    r = asy__path_call_list(out, ap, ASY__PATH_NATIVE(join));
    va_end(ap);
    return r;
}

ASYNCRT_API int asy_path_resolvel(char **out, ...) {
    va_list ap;
    int r;
    va_start(ap, out);
    r = asy__path_call_list(out, ap, ASY__PATH_NATIVE(resolve));
    va_end(ap);
    return r;
}

#line 1 "asyncrt_impl/os/ip.c"
/* Address text for network interfaces.  Written here rather than taken
 * from inet_ntop so Windows needs no ws2_32 and every platform prints the
 * same thing (the rules of inet_ntop: lowercase, longest zero run of two
 * or more words as "::", embedded IPv4 for ::ffff:a.b.c.d and ::a.b.c.d). */



ASY__INTERNAL void asy__os_ip4_name(const unsigned char *b, char *out) {
    sprintf(out, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

ASY__INTERNAL void asy__os_ip6_name(const unsigned char *b, char *out) {
    unsigned words[8];
    int i, best_base = -1, best_len = 0, cur_base = -1, cur_len = 0;
    char *p = out;
    for (i = 0; i < 8; i++) words[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
    for (i = 0; i < 8; i++) {
        if (words[i] == 0) {
            if (cur_base == -1) cur_base = i, cur_len = 0;
            cur_len++;
            if (cur_len > best_len) best_base = cur_base, best_len = cur_len;
        } else {
            cur_base = -1;
        }
    }
    if (best_len < 2) best_base = -1;
    for (i = 0; i < 8; i++) {
        if (best_base != -1 && i >= best_base && i < best_base + best_len) {
            if (i == best_base) *p++ = ':';
            continue;
        }
        if (i != 0) *p++ = ':';
        if (i == 6 && best_base == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
            asy__os_ip4_name(b + 12, p);
            return;
        }
        p += sprintf(p, "%x", words[i]);
    }
    if (best_base != -1 && best_base + best_len == 8) *p++ = ':';
    *p = '\0';
}

/* Bits of a netmask, or -1 when its ones are not one leading run. */
ASY__INTERNAL int asy__os_prefix_len(const unsigned char *mask, size_t n) {
    size_t i;
    int bits = 0, ended = 0;
    for (i = 0; i < n; i++) {
        int k;
        for (k = 7; k >= 0; k--) {
            if (mask[i] >> k & 1) {
                if (ended) return -1;
                bits++;
            } else {
                ended = 1;
            }
        }
    }
    return bits;
}

ASY__INTERNAL void asy__os_prefix_mask(int bits, unsigned char *mask, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        int take = bits > 8 ? 8 : (bits < 0 ? 0 : bits);
        mask[i] = (unsigned char)(0xFF00u >> take);
        bits -= 8;
    }
}

/* Fills the text fields of an interface entry from raw bytes: family 4 or
 * 6, address and netmask of 4 or 16 bytes. */
ASY__INTERNAL void asy__os_fill_interface(asy_os_interface_t *e, int family, const unsigned char *addr,
                                          const unsigned char *mask) {
    size_t n = family == 4 ? 4 : 16;
    int bits = asy__os_prefix_len(mask, n);
    if (family == 4) {
        e->family = "IPv4";
        asy__os_ip4_name(addr, e->address);
        asy__os_ip4_name(mask, e->netmask);
    } else {
        e->family = "IPv6";
        asy__os_ip6_name(addr, e->address);
        asy__os_ip6_name(mask, e->netmask);
    }
    e->cidr[0] = '\0';
    if (bits >= 0) {
        char num[8];
        size_t a = strlen(e->address), k = (size_t)sprintf(num, "/%u", (unsigned)bits & 0xFFu);
        memcpy(e->cidr, e->address, a);
        memcpy(e->cidr + a, num, k + 1);
    }
}

ASY__INTERNAL void asy__os_fill_mac(asy_os_interface_t *e, const unsigned char *mac, size_t n) {
    unsigned char m[6];
    memset(m, 0, sizeof(m));
    if (mac) memcpy(m, mac, n < 6 ? n : 6);
    sprintf(e->mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

#line 1 "asyncrt_impl/os/system.c"
/* The machine: platform, architecture, kernel, host name, memory, load,
 * uptime, parallelism. */


#if ASYNCRT_OS_POSIX
#include <sys/utsname.h>
#endif
#if ASYNCRT_OS_LINUX
#include <sched.h>
#endif

ASYNCRT_API const char *asy_os_platform(void) {
#if defined(_WIN32)
    return "win32";
#elif defined(__ANDROID__)
    return "android";
#elif defined(__linux__)
    return "linux";
#elif defined(__APPLE__)
    return "darwin";
#elif defined(__FreeBSD__)
    return "freebsd";
#elif defined(__OpenBSD__)
    return "openbsd";
#elif defined(__NetBSD__)
    return "netbsd";
#elif defined(__sun)
    return "sunos";
#elif defined(_AIX)
    return "aix";
#elif defined(__CYGWIN__)
    return "cygwin";
#elif defined(__HAIKU__)
    return "haiku";
#else
    return "unknown";
#endif
}

ASYNCRT_API const char *asy_os_arch(void) {
#if defined(__x86_64__) || defined(_M_X64) || defined(_M_AMD64)
    return "x64";
#elif defined(__i386__) || defined(_M_IX86)
    return "ia32";
#elif defined(__aarch64__) || defined(_M_ARM64)
    return "arm64";
#elif defined(__arm__) || defined(_M_ARM)
    return "arm";
#elif defined(__riscv) && __riscv_xlen == 64
    return "riscv64";
#elif defined(__powerpc64__)
    return "ppc64";
#elif defined(__powerpc__)
    return "ppc";
#elif defined(__s390x__)
    return "s390x";
#elif defined(__s390__)
    return "s390";
#elif defined(__loongarch64)
    return "loong64";
#elif defined(__mips__) && defined(__MIPSEL__)
    return "mipsel";
#elif defined(__mips__)
    return "mips";
#else
    return "unknown";
#endif
}

ASYNCRT_API const char *asy_os_endianness(void) {
    const uint16_t probe = 1;
    return *(const unsigned char *)&probe ? "LE" : "BE";
}

/* ---- /proc -------------------------------------------------------------- */

#if ASYNCRT_OS_LINUX
/* The whole of a (pseudo) file; procfs reports a size of 0, so read until
 * the end. */
ASY__INTERNAL int asy__os_read_file(const char *name, char **out, size_t *len) {
    asy__path_buf b;
    int fd = open(name, O_RDONLY | O_CLOEXEC);
    *out = NULL;
    if (fd < 0) return asy__errno();
    asy__path_buf_init(&b);
    for (;;) {
        ssize_t n;
        if (asy__path_buf_reserve(&b, 4096)) break;
        n = read(fd, b.p + b.len, 4096);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            b.err = asy__errno();
            break;
        }
        if (n == 0) break;
        b.len += (size_t)n;
        b.p[b.len] = '\0';
    }
    close(fd);
    if (len) *len = b.len;
    return asy__path_buf_finish(&b, out);
}

/* The value of "key:   1234 kB" in /proc/meminfo, in bytes; 0 if absent. */
ASY__INTERNAL uint64_t asy__os_meminfo(const char *key) {
    char *text, *line;
    size_t klen = strlen(key);
    uint64_t v = 0;
    if (asy__os_read_file("/proc/meminfo", &text, NULL)) return 0;
    for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            v = strtoull(line + klen + 1, NULL, 10) * 1024u;
            break;
        }
    }
    asy__free(text);
    return v;
}
#endif

/* ---- memory -------------------------------------------------------------- */

ASYNCRT_API uint64_t asy_os_totalmem(void) {
#if ASYNCRT_OS_WINDOWS
    MEMORYSTATUSEX st;
    st.dwLength = sizeof(st);
    return GlobalMemoryStatusEx(&st) ? (uint64_t)st.ullTotalPhys : 0;
#elif ASYNCRT_OS_LINUX
    return asy__os_meminfo("MemTotal");
#elif defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;
#else
    return 0;
#endif
}

ASYNCRT_API uint64_t asy_os_freemem(void) {
#if ASYNCRT_OS_WINDOWS
    MEMORYSTATUSEX st;
    st.dwLength = sizeof(st);
    return GlobalMemoryStatusEx(&st) ? (uint64_t)st.ullAvailPhys : 0;
#elif ASYNCRT_OS_LINUX
    /* what the kernel could hand out without swapping, as libuv reports;
     * kernels before 3.14 only have MemFree */
    uint64_t v = asy__os_meminfo("MemAvailable");
    return v ? v : asy__os_meminfo("MemFree");
#else
    return 0;
#endif
}

ASYNCRT_API unsigned asy_os_available_parallelism(void) {
#if ASYNCRT_OS_WINDOWS
    SYSTEM_INFO si;
    DWORD_PTR proc_mask, sys_mask;
    unsigned n = 0;
    if (GetProcessAffinityMask(GetCurrentProcess(), &proc_mask, &sys_mask)) {
        for (; proc_mask; proc_mask &= proc_mask - 1) n++;
    }
    if (n == 0) {
        GetSystemInfo(&si);
        n = (unsigned)si.dwNumberOfProcessors;
    }
    return n ? n : 1;
#else
    long n = -1;
#if ASYNCRT_OS_LINUX && defined(CPU_COUNT)
    cpu_set_t set;
    memset(&set, 0, sizeof(set));
    if (sched_getaffinity(0, sizeof(set), &set) == 0) n = CPU_COUNT(&set);
#endif
    if (n < 1) n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1u;
#endif
}

/* ---- kernel and host ----------------------------------------------------- */

ASY__INTERNAL void asy__os_copy_field(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

#if ASYNCRT_OS_WINDOWS
typedef struct {
    ULONG size, major, minor, build, platform;
    WCHAR csd[128];
} asy__os_win_version;

typedef LONG(WINAPI *asy__os_rtl_get_version_fn)(asy__os_win_version *);

/* A string value of HKEY_LOCAL_MACHINE\key as UTF-8, or ASY_ENOENT. */
ASY__INTERNAL int asy__os_reg_string(const WCHAR *key, const WCHAR *value, char **out) {
    HKEY h;
    WCHAR buf[512];
    DWORD size = sizeof(buf) - sizeof(WCHAR), type = 0;
    LONG r;
    *out = NULL;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_QUERY_VALUE, &h) != ERROR_SUCCESS)
        return ASY_ENOENT;
    r = RegQueryValueExW(h, value, NULL, &type, (BYTE *)buf, &size);
    RegCloseKey(h);
    if (r != ERROR_SUCCESS || type != REG_SZ) return ASY_ENOENT;
    buf[size / sizeof(WCHAR)] = L'\0';
    return asy__path_from_wide(out, buf, -1);
}
#endif

ASYNCRT_API int asy_os_uname(asy_os_uname_t *out) {
#if ASYNCRT_OS_WINDOWS
    asy__os_win_version v;
    asy__os_rtl_get_version_fn get_version;
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    SYSTEM_INFO si;
    char *product = NULL, *csd = NULL;
    const char *machine;
    if (!out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    memset(&v, 0, sizeof(v));
    v.size = sizeof(v);
    /* GetVersionEx lies to programs without a manifest; RtlGetVersion not */
    get_version = ntdll ? (asy__os_rtl_get_version_fn)(void (*)(void))GetProcAddress(ntdll, "RtlGetVersion")
                        : NULL;
    if (!get_version || get_version(&v) != 0) return ASY_ENOSYS;
    asy__os_copy_field(out->sysname, sizeof(out->sysname), "Windows_NT");
    snprintf(out->release, sizeof(out->release), "%lu.%lu.%lu", (unsigned long)v.major,
             (unsigned long)v.minor, (unsigned long)v.build);
    if (asy__os_reg_string(L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", L"ProductName", &product) == 0) {
        asy__os_copy_field(out->version, sizeof(out->version), product);
        asy__free(product);
    }
    if (v.csd[0] && asy__path_from_wide(&csd, v.csd, -1) == 0) {
        size_t n = strlen(out->version);
        snprintf(out->version + n, sizeof(out->version) - n, "%s%s", n ? " " : "", csd);
        asy__free(csd);
    }
    GetNativeSystemInfo(&si);
    switch (si.wProcessorArchitecture) {
        case PROCESSOR_ARCHITECTURE_AMD64: machine = "x86_64"; break;
        case PROCESSOR_ARCHITECTURE_INTEL: machine = "i686"; break;
        case PROCESSOR_ARCHITECTURE_ARM: machine = "arm"; break;
#ifdef PROCESSOR_ARCHITECTURE_ARM64
        case PROCESSOR_ARCHITECTURE_ARM64: machine = "arm64"; break;
#endif
        default: machine = "unknown"; break;
    }
    asy__os_copy_field(out->machine, sizeof(out->machine), machine);
    return 0;
#else
    struct utsname u;
    if (!out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    if (uname(&u) != 0) return asy__errno();
    asy__os_copy_field(out->sysname, sizeof(out->sysname), u.sysname);
    asy__os_copy_field(out->release, sizeof(out->release), u.release);
    asy__os_copy_field(out->version, sizeof(out->version), u.version);
    asy__os_copy_field(out->machine, sizeof(out->machine), u.machine);
    return 0;
#endif
}

ASYNCRT_API int asy_os_hostname(char **out) {
#if ASYNCRT_OS_WINDOWS
    WCHAR buf[256];
    DWORD n = ASY_ARRAY_SIZE(buf);
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!GetComputerNameExW(ComputerNameDnsHostname, buf, &n))
        return asy_translate_sys_error((int)GetLastError());
    return asy__path_from_wide(out, buf, (int)n);
#else
    char buf[256 + 1];
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (gethostname(buf, sizeof(buf) - 1) != 0) return asy__errno();
    buf[sizeof(buf) - 1] = '\0'; /* gethostname need not terminate a long name */
    return asy__path_dup(out, buf);
#endif
}

ASYNCRT_API int asy_os_uptime(double *seconds) {
    if (!seconds) return ASY_EINVAL;
    *seconds = 0;
#if ASYNCRT_OS_WINDOWS
    *seconds = (double)GetTickCount64() / 1000.0;
    return 0;
#elif ASYNCRT_OS_LINUX
    {
        char *text;
        struct timespec ts;
        /* /proc/uptime is what Node shows; CLOCK_BOOTTIME when /proc is not
         * mounted */
        if (asy__os_read_file("/proc/uptime", &text, NULL) == 0) {
            *seconds = strtod(text, NULL);
            asy__free(text);
            return 0;
        }
#ifdef CLOCK_BOOTTIME
        if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0) return asy__errno();
#else
        if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return asy__errno();
#endif
        *seconds = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
        return 0;
    }
#else
    return ASY_ENOSYS;
#endif
}

ASYNCRT_API int asy_os_loadavg(double avg[3]) {
    if (!avg) return ASY_EINVAL;
    avg[0] = avg[1] = avg[2] = 0;
#if ASYNCRT_OS_WINDOWS
    return 0; /* Windows has no load average; Node reports zeros */
#elif ASYNCRT_OS_LINUX
    {
        char *text;
        int r = asy__os_read_file("/proc/loadavg", &text, NULL);
        if (r) return r;
        if (sscanf(text, "%lf %lf %lf", &avg[0], &avg[1], &avg[2]) != 3) r = ASY_EIO;
        asy__free(text);
        return r;
    }
#else
    return getloadavg(avg, 3) == 3 ? 0 : ASY_ENOSYS;
#endif
}

#line 1 "asyncrt_impl/os/user.c"
/* The user: home and temporary directories, account information. */


#if ASYNCRT_OS_POSIX
#include <pwd.h>
#endif

/* An environment variable that is set and not empty (JavaScript's
 * `process.env.X || ...`).  Set-uid programs do not trust the
 * environment where the C library can tell (Node's safeGetenv). */
ASY__INTERNAL int asy__os_env(const char *name, char **out) {
    int r;
#if defined(__GLIBC__) && defined(__USE_GNU)
    const char *v = secure_getenv(name);
    *out = NULL;
    r = v ? asy__path_dup(out, v) : ASY_ENOENT;
#else
    r = asy__path_getenv(name, out);
#endif
    if (r == 0 && !(*out)[0]) {
        asy__free(*out);
        *out = NULL;
        r = ASY_ENOENT;
    }
    return r;
}

#if ASYNCRT_OS_WINDOWS
typedef BOOL(WINAPI *asy__os_profile_dir_fn)(HANDLE, WCHAR *, DWORD *);

/* The profile directory of the process's user (userenv.dll, loaded here so
 * programs need not link it). */
ASY__INTERNAL int asy__os_profile_dir(char **out) {
    HMODULE lib = LoadLibraryW(L"userenv.dll");
    asy__os_profile_dir_fn fn;
    HANDLE token = NULL;
    WCHAR buf[MAX_PATH + 1];
    DWORD n = ASY_ARRAY_SIZE(buf);
    int r = ASY_ENOSYS;
    *out = NULL;
    if (!lib) return r;
    fn = (asy__os_profile_dir_fn)(void (*)(void))GetProcAddress(lib, "GetUserProfileDirectoryW");
    if (fn && OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) {
        r = fn(token, buf, &n) ? asy__path_from_wide(out, buf, -1)
                               : asy_translate_sys_error((int)GetLastError());
        CloseHandle(token);
    }
    FreeLibrary(lib);
    return r;
}
#else
/* getpwuid_r for the effective user, into an allocated record. */
ASY__INTERNAL int asy__os_passwd(struct passwd *pw, char **mem) {
    struct passwd *res = NULL;
    long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
    size_t size = hint > 0 ? (size_t)hint : 4096;
    int r;
    for (;;) {
        *mem = (char *)asy__malloc(size);
        if (!*mem) return ASY_ENOMEM;
        r = getpwuid_r(geteuid(), pw, *mem, size, &res);
        if (r != ERANGE || size >= ((size_t)1 << 24)) break;
        asy__free(*mem);
        size *= 2;
    }
    if (r == 0 && res) return 0;
    asy__free(*mem);
    *mem = NULL;
    return r ? asy_translate_sys_error(r) : ASY_ENOENT;
}
#endif

ASYNCRT_API int asy_os_homedir(char **out) {
    int r;
    if (!out) return ASY_EINVAL;
    *out = NULL;
#if ASYNCRT_OS_WINDOWS
    r = asy__os_env("USERPROFILE", out);
    if (r != ASY_ENOENT) return r;
    return asy__os_profile_dir(out);
#else
    {
        struct passwd pw;
        char *mem;
        /* $HOME first, like libuv and so Node; then the password database */
        r = asy__os_env("HOME", out);
        if (r != ASY_ENOENT) return r;
        r = asy__os_passwd(&pw, &mem);
        if (r) return r;
        r = asy__path_dup(out, pw.pw_dir ? pw.pw_dir : "");
        asy__free(mem);
        return r;
    }
#endif
}

ASYNCRT_API int asy_os_tmpdir(char **out) {
    static const char *const vars[] = {
#if ASYNCRT_OS_WINDOWS
        "TEMP", "TMP"
#else
        "TMPDIR", "TMP", "TEMP"
#endif
    };
    size_t i, n;
    int r = ASY_ENOENT;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    for (i = 0; i < ASY_ARRAY_SIZE(vars) && r == ASY_ENOENT; i++) r = asy__os_env(vars[i], out);
    if (r == ASY_ENOENT) {
#if ASYNCRT_OS_WINDOWS
        char *root = NULL;
        asy__path_buf b;
        if (asy__os_env("SystemRoot", &root) == ASY_ENOENT) asy__os_env("windir", &root);
        asy__path_buf_init(&b);
        /* Node would say "undefined\temp" here; the usual root is better */
        asy__path_buf_puts(&b, root ? root : "C:\\Windows");
        asy__path_buf_puts(&b, "\\temp");
        asy__free(root);
        r = asy__path_buf_finish(&b, out);
#else
        r = asy__path_dup(out, "/tmp");
#endif
    }
    if (r) return r;
    /* no trailing separator, except for a root ("/", "C:\") */
    n = strlen(*out);
#if ASYNCRT_OS_WINDOWS
    if (n > 1 && (*out)[n - 1] == '\\' && !(n >= 2 && (*out)[n - 2] == ':')) (*out)[n - 1] = '\0';
#else
    if (n > 1 && (*out)[n - 1] == '/') (*out)[n - 1] = '\0';
#endif
    return 0;
}

ASYNCRT_API void asy_os_free_user_info(asy_os_user_info_t *info) {
    if (!info) return;
    asy__free(info->username);
    asy__free(info->homedir);
    asy__free(info->shell);
    memset(info, 0, sizeof(*info));
}

ASYNCRT_API int asy_os_user_info(asy_os_user_info_t *out) {
    int r;
    if (!out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
#if ASYNCRT_OS_WINDOWS
    {
        WCHAR name[257];
        DWORD n = ASY_ARRAY_SIZE(name);
        out->uid = -1;
        out->gid = -1;
        if (!GetUserNameW(name, &n)) return asy_translate_sys_error((int)GetLastError());
        r = asy__path_from_wide(&out->username, name, -1);
        if (!r) r = asy__os_profile_dir(&out->homedir);
    }
#else
    {
        struct passwd pw;
        char *mem;
        r = asy__os_passwd(&pw, &mem);
        if (r) return r;
        out->uid = (long)pw.pw_uid;
        out->gid = (long)pw.pw_gid;
        r = asy__path_dup(&out->username, pw.pw_name ? pw.pw_name : "");
        if (!r) r = asy__path_dup(&out->homedir, pw.pw_dir ? pw.pw_dir : "");
        if (!r && pw.pw_shell) r = asy__path_dup(&out->shell, pw.pw_shell);
        asy__free(mem);
    }
#endif
    if (r) asy_os_free_user_info(out);
    return r;
}

#line 1 "asyncrt_impl/os/cpus.c"
/* The logical CPUs: model, clock speed and time spent per mode. */


ASYNCRT_API void asy_os_free_cpus(asy_os_cpu_t *cpus, int count) {
    int i;
    if (!cpus) return;
    for (i = 0; i < count; i++) asy__free(cpus[i].model);
    asy__free(cpus);
}

#if ASYNCRT_OS_LINUX
/* The text after "key<tabs>: " when line starts with key, else NULL. */
ASY__INTERNAL const char *asy__os_cpuinfo_value(const char *line, const char *key) {
    size_t n = strlen(key);
    if (strncmp(line, key, n) != 0) return NULL;
    line += n;
    while (*line == ' ' || *line == '\t') line++;
    if (*line != ':') return NULL;
    line++;
    while (*line == ' ' || *line == '\t') line++;
    return line;
}

/* Models and speeds from /proc/cpuinfo, by processor number.  x86 and
 * newer ARM say "model name", older ARM "Processor" (once, for all), MIPS
 * "cpu model", POWER "cpu". */
ASY__INTERNAL void asy__os_read_cpuinfo(asy_os_cpu_t *cpus, const int *ids, int count) {
    static const char *const model_keys[] = {"model name", "Processor", "cpu model", "cpu"};
    char *text, *line, *next, *shared_model = NULL;
    int current = -1, i;
    size_t k;
    if (asy__os_read_file("/proc/cpuinfo", &text, NULL) != 0) return;
    for (line = text; line && *line; line = next) {
        const char *v;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if ((v = asy__os_cpuinfo_value(line, "processor")) != NULL) {
            current = -1;
            for (i = 0; i < count; i++)
                if (ids[i] == atoi(v)) current = i;
            continue;
        }
        if ((v = asy__os_cpuinfo_value(line, "cpu MHz")) != NULL) {
            if (current >= 0 && cpus[current].speed == 0) cpus[current].speed = (int)strtod(v, NULL);
            continue;
        }
        for (k = 0; k < ASY_ARRAY_SIZE(model_keys); k++) {
            if ((v = asy__os_cpuinfo_value(line, model_keys[k])) == NULL) continue;
            if (current >= 0 && !cpus[current].model) {
                cpus[current].model = asy__strdup(v);
            } else if (current < 0 && !shared_model) {
                shared_model = asy__strdup(v);
            }
            break;
        }
    }
    for (i = 0; i < count; i++)
        if (!cpus[i].model && shared_model) cpus[i].model = asy__strdup(shared_model);
    asy__free(shared_model);
    asy__free(text);
}

ASYNCRT_API int asy_os_cpus(asy_os_cpu_t **out, int *count_out) {
    char *stat, *line, *next, name[96];
    asy_os_cpu_t *cpus = NULL;
    int *ids = NULL, count = 0, cap = 0, i, r, oom = 0;
    long ticks = sysconf(_SC_CLK_TCK);
    uint64_t ms_per_tick = ticks > 0 && ticks <= 1000 ? (uint64_t)(1000 / ticks) : 10;
    if (!out || !count_out) return ASY_EINVAL;
    *out = NULL;
    *count_out = 0;
    r = asy__os_read_file("/proc/stat", &stat, NULL);
    if (r) return r;
    /* "cpuN user nice system idle iowait irq ..." in clock ticks */
    for (line = stat; line && *line; line = next) {
        unsigned long long user, nice, sys, idle, iowait, irq;
        int id;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9') continue;
        if (sscanf(line + 3, "%d %llu %llu %llu %llu %llu %llu", &id, &user, &nice, &sys, &idle,
                   &iowait, &irq) != 7)
            continue;
        if (count == cap) {
            int ncap = cap ? cap * 2 : 16;
            asy_os_cpu_t *nc = (asy_os_cpu_t *)asy__realloc(cpus, (size_t)ncap * sizeof(*cpus));
            int *ni;
            if (!nc) {
                oom = 1;
                break;
            }
            cpus = nc;
            ni = (int *)asy__realloc(ids, (size_t)ncap * sizeof(*ids));
            if (!ni) {
                oom = 1;
                break;
            }
            ids = ni;
            cap = ncap;
        }
        memset(&cpus[count], 0, sizeof(cpus[count]));
        ids[count] = id;
        cpus[count].times.user = user * ms_per_tick;
        cpus[count].times.nice = nice * ms_per_tick;
        cpus[count].times.sys = sys * ms_per_tick;
        cpus[count].times.idle = idle * ms_per_tick;
        cpus[count].times.irq = irq * ms_per_tick;
        count++;
    }
    asy__free(stat);
    if (oom) {
        asy__free(ids);
        asy_os_free_cpus(cpus, count);
        return ASY_ENOMEM;
    }
    /* speed: the current frequency when cpufreq is there (kHz), else the
     * "cpu MHz" of /proc/cpuinfo (Node 20 reports 0 then) */
    for (i = 0; i < count; i++) {
        char *freq;
        snprintf(name, sizeof(name), "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq", ids[i]);
        if (asy__os_read_file(name, &freq, NULL) == 0) {
            cpus[i].speed = (int)(strtoul(freq, NULL, 10) / 1000);
            asy__free(freq);
        }
    }
    if (count) asy__os_read_cpuinfo(cpus, ids, count);
    asy__free(ids);
    for (i = 0; i < count; i++) {
        if (!cpus[i].model) cpus[i].model = asy__strdup("unknown");
        if (!cpus[i].model) {
            asy_os_free_cpus(cpus, count);
            return ASY_ENOMEM;
        }
    }
    *out = cpus;
    *count_out = count;
    return 0;
}

#elif ASYNCRT_OS_WINDOWS
/* SystemProcessorPerformanceInformation; times in 100 ns units. */
typedef struct {
    LARGE_INTEGER idle, kernel, user, dpc, interrupt;
    ULONG interrupt_count;
} asy__os_cpu_perf;

typedef LONG(WINAPI *asy__os_query_system_info_fn)(int, void *, ULONG, ULONG *);

ASYNCRT_API int asy_os_cpus(asy_os_cpu_t **out, int *count_out) {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    asy__os_query_system_info_fn query;
    asy__os_cpu_perf *perf;
    asy_os_cpu_t *cpus;
    SYSTEM_INFO si;
    ULONG got = 0;
    int count, i;
    if (!out || !count_out) return ASY_EINVAL;
    *out = NULL;
    *count_out = 0;
    query = ntdll ? (asy__os_query_system_info_fn)(void (*)(void))GetProcAddress(ntdll, "NtQuerySystemInformation")
                  : NULL;
    if (!query) return ASY_ENOSYS;
    GetSystemInfo(&si);
    count = (int)si.dwNumberOfProcessors;
    perf = ASY__NEW_ARRAY(asy__os_cpu_perf, (size_t)count);
    cpus = (asy_os_cpu_t *)asy__calloc((size_t)count, sizeof(*cpus));
    if (!perf || !cpus) {
        asy__free(perf);
        asy__free(cpus);
        return ASY_ENOMEM;
    }
    if (query(8, perf, (ULONG)((size_t)count * sizeof(*perf)), &got) != 0) {
        asy__free(perf);
        asy__free(cpus);
        return ASY_EIO;
    }
    if ((int)(got / sizeof(*perf)) < count) count = (int)(got / sizeof(*perf));
    for (i = 0; i < count; i++) {
        WCHAR key[64];
        static const WCHAR prefix[] = L"HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\";
        size_t plen = ASY_ARRAY_SIZE(prefix) - 1, nd = 0;
        char digits[12];
        HKEY h;
        DWORD mhz = 0, size = sizeof(mhz);
        char *model = NULL;
        /* kernel time includes idle time */
        cpus[i].times.user = (uint64_t)perf[i].user.QuadPart / 10000;
        cpus[i].times.sys = (uint64_t)(perf[i].kernel.QuadPart - perf[i].idle.QuadPart) / 10000;
        cpus[i].times.idle = (uint64_t)perf[i].idle.QuadPart / 10000;
        cpus[i].times.irq = (uint64_t)perf[i].interrupt.QuadPart / 10000;
        memcpy(key, prefix, plen * sizeof(WCHAR));
        sprintf(digits, "%d", i);
        for (nd = 0; digits[nd]; nd++) key[plen + nd] = (WCHAR)digits[nd];
        key[plen + nd] = L'\0';
        if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_QUERY_VALUE, &h) == ERROR_SUCCESS) {
            if (RegQueryValueExW(h, L"~MHz", NULL, NULL, (BYTE *)&mhz, &size) == ERROR_SUCCESS)
                cpus[i].speed = (int)mhz;
            RegCloseKey(h);
        }
        if (asy__os_reg_string(key, L"ProcessorNameString", &model) == 0)
            cpus[i].model = model;
        else
            cpus[i].model = asy__strdup("unknown");
        if (!cpus[i].model) {
            asy__free(perf);
            asy_os_free_cpus(cpus, count);
            return ASY_ENOMEM;
        }
    }
    asy__free(perf);
    *out = cpus;
    *count_out = count;
    return 0;
}

#else
ASYNCRT_API int asy_os_cpus(asy_os_cpu_t **out, int *count_out) {
    if (!out || !count_out) return ASY_EINVAL;
    *out = NULL;
    *count_out = 0;
    return ASY_ENOSYS;
}
#endif

#line 1 "asyncrt_impl/os/interfaces.c"
/* Network interfaces: every address of every interface that is up. */


#if ASYNCRT_OS_WINDOWS
#include <iphlpapi.h>
#else
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#if ASYNCRT_OS_LINUX
#include <linux/if_packet.h>
#endif
#endif

ASYNCRT_API void asy_os_free_network_interfaces(asy_os_interface_t *ifs, int count) {
    int i;
    if (!ifs) return;
    for (i = 0; i < count; i++) asy__free(ifs[i].name);
    asy__free(ifs);
}

#if ASYNCRT_OS_WINDOWS
typedef ULONG(WINAPI *asy__os_get_adapters_fn)(ULONG, ULONG, void *, IP_ADAPTER_ADDRESSES *, ULONG *);

ASYNCRT_API int asy_os_network_interfaces(asy_os_interface_t **out, int *count_out) {
    HMODULE lib;
    asy__os_get_adapters_fn get_adapters;
    IP_ADAPTER_ADDRESSES *list = NULL, *a;
    IP_ADAPTER_UNICAST_ADDRESS *u;
    asy_os_interface_t *ifs;
    ULONG size = 16384, ret = ERROR_BUFFER_OVERFLOW;
    const ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
    int count = 0, n = 0, r = 0, tries;
    if (!out || !count_out) return ASY_EINVAL;
    *out = NULL;
    *count_out = 0;
    /* loaded here so that programs need not link iphlpapi */
    lib = LoadLibraryW(L"iphlpapi.dll");
    if (!lib) return ASY_ENOSYS;
    get_adapters = (asy__os_get_adapters_fn)(void (*)(void))GetProcAddress(lib, "GetAdaptersAddresses");
    if (!get_adapters) {
        FreeLibrary(lib);
        return ASY_ENOSYS;
    }
    for (tries = 0; tries < 5 && ret == ERROR_BUFFER_OVERFLOW; tries++) {
        asy__free(list);
        list = (IP_ADAPTER_ADDRESSES *)asy__malloc(size);
        if (!list) {
            FreeLibrary(lib);
            return ASY_ENOMEM;
        }
        ret = get_adapters(AF_UNSPEC, flags, NULL, list, &size);
    }
    FreeLibrary(lib);
    if (ret == ERROR_NO_DATA) {
        asy__free(list);
        *out = (asy_os_interface_t *)asy__calloc(1, sizeof(**out));
        return *out ? 0 : ASY_ENOMEM;
    }
    if (ret != ERROR_SUCCESS) {
        asy__free(list);
        return asy_translate_sys_error((int)ret);
    }
    for (a = list; a; a = a->Next) {
        if (a->OperStatus != IfOperStatusUp) continue;
        for (u = a->FirstUnicastAddress; u; u = u->Next) {
            int fam = u->Address.lpSockaddr->sa_family;
            if (fam == AF_INET || fam == AF_INET6) count++;
        }
    }
    ifs = (asy_os_interface_t *)asy__calloc((size_t)(count ? count : 1), sizeof(*ifs));
    if (!ifs) {
        asy__free(list);
        return ASY_ENOMEM;
    }
    for (a = list; a && !r; a = a->Next) {
        if (a->OperStatus != IfOperStatusUp) continue;
        for (u = a->FirstUnicastAddress; u && !r; u = u->Next) {
            const struct sockaddr *sa = u->Address.lpSockaddr;
            unsigned char mask[16];
            asy_os_interface_t *e;
            if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) continue;
            e = &ifs[n++];
            r = asy__path_from_wide(&e->name, a->FriendlyName, -1);
            if (sa->sa_family == AF_INET) {
                const struct sockaddr_in *in4 = (const struct sockaddr_in *)(const void *)sa;
                asy__os_prefix_mask(u->OnLinkPrefixLength, mask, 4);
                asy__os_fill_interface(e, 4, (const unsigned char *)&in4->sin_addr, mask);
            } else {
                const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
                asy__os_prefix_mask(u->OnLinkPrefixLength, mask, 16);
                asy__os_fill_interface(e, 6, (const unsigned char *)&in6->sin6_addr, mask);
                e->scopeid = (uint32_t)in6->sin6_scope_id;
            }
            asy__os_fill_mac(e, a->PhysicalAddress, a->PhysicalAddressLength);
            e->internal = a->IfType == IF_TYPE_SOFTWARE_LOOPBACK;
        }
    }
    asy__free(list);
    if (r) {
        asy_os_free_network_interfaces(ifs, n);
        return r;
    }
    *out = ifs;
    *count_out = n;
    return 0;
}

#else
/* An interface is listed while it is up and running, as in libuv. */
ASY__INTERNAL int asy__os_ifaddr_usable(const struct ifaddrs *ent) {
    return (ent->ifa_flags & IFF_UP) && (ent->ifa_flags & IFF_RUNNING) && ent->ifa_addr != NULL;
}

ASYNCRT_API int asy_os_network_interfaces(asy_os_interface_t **out, int *count_out) {
    struct ifaddrs *addrs, *ent;
    asy_os_interface_t *ifs;
    int count = 0, n = 0, i;
    if (!out || !count_out) return ASY_EINVAL;
    *out = NULL;
    *count_out = 0;
    if (getifaddrs(&addrs) != 0) return asy__errno();
    for (ent = addrs; ent; ent = ent->ifa_next) {
        if (!asy__os_ifaddr_usable(ent)) continue;
        if (ent->ifa_addr->sa_family == AF_INET || ent->ifa_addr->sa_family == AF_INET6) count++;
    }
    ifs = (asy_os_interface_t *)asy__calloc((size_t)(count ? count : 1), sizeof(*ifs));
    if (!ifs) {
        freeifaddrs(addrs);
        return ASY_ENOMEM;
    }
    for (ent = addrs; ent; ent = ent->ifa_next) {
        unsigned char mask[16];
        asy_os_interface_t *e;
        int fam;
        if (!asy__os_ifaddr_usable(ent)) continue;
        fam = ent->ifa_addr->sa_family;
        if (fam != AF_INET && fam != AF_INET6) continue;
        e = &ifs[n++];
        e->name = asy__strdup(ent->ifa_name);
        if (!e->name) {
            freeifaddrs(addrs);
            asy_os_free_network_interfaces(ifs, n);
            return ASY_ENOMEM;
        }
        memset(mask, 0, sizeof(mask));
        if (fam == AF_INET) {
            const struct sockaddr_in *in4 = (const struct sockaddr_in *)(const void *)ent->ifa_addr;
            if (ent->ifa_netmask)
                memcpy(mask, &((const struct sockaddr_in *)(const void *)ent->ifa_netmask)->sin_addr, 4);
            asy__os_fill_interface(e, 4, (const unsigned char *)&in4->sin_addr, mask);
        } else {
            const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)ent->ifa_addr;
            if (ent->ifa_netmask)
                memcpy(mask, &((const struct sockaddr_in6 *)(const void *)ent->ifa_netmask)->sin6_addr, 16);
            asy__os_fill_interface(e, 6, (const unsigned char *)&in6->sin6_addr, mask);
            e->scopeid = (uint32_t)in6->sin6_scope_id;
        }
        e->internal = (ent->ifa_flags & IFF_LOOPBACK) != 0;
        asy__os_fill_mac(e, NULL, 0);
    }
#if ASYNCRT_OS_LINUX
    /* the hardware address comes with the interface's AF_PACKET entry */
    for (ent = addrs; ent; ent = ent->ifa_next) {
        const struct sockaddr_ll *ll;
        if (!asy__os_ifaddr_usable(ent) || ent->ifa_addr->sa_family != AF_PACKET) continue;
        ll = (const struct sockaddr_ll *)(const void *)ent->ifa_addr;
        for (i = 0; i < n; i++)
            if (strcmp(ifs[i].name, ent->ifa_name) == 0) asy__os_fill_mac(&ifs[i], ll->sll_addr, ll->sll_halen);
    }
#else
    (void)i;
#endif
    freeifaddrs(addrs);
    *out = ifs;
    *count_out = n;
    return 0;
}
#endif


#endif /* ASYNCRT_IMPLEMENTATION */
