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
    XX(EAGGREGATE, -4097, "all promises were rejected")                      \
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

#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/loop/handle.h"
/* Handles: long-lived objects owned by the caller and attached to a loop
 * (timers, idle/prepare/check, async, signal, poll, and later sockets...).
 * Every handle struct starts with ASY_HANDLE_FIELDS, so any handle can be
 * passed as an asy_handle_t * (asy_close, asy_ref...).  Closing is
 * asynchronous: the memory may be reused once the close callback runs. */
typedef struct asy_loop_s asy_loop_t;
typedef struct asy_handle_s asy_handle_t;

/* The callback shape of the Node-style conveniences. */
typedef void (*asy_fn)(void *arg);
typedef void (*asy_close_cb)(asy_handle_t *handle);

typedef enum {
    ASY_HANDLE_UNKNOWN = 0,
    ASY_HANDLE_TIMER,
    ASY_HANDLE_IDLE,
    ASY_HANDLE_PREPARE,
    ASY_HANDLE_CHECK,
    ASY_HANDLE_ASYNC,
    ASY_HANDLE_SIGNAL,
    ASY_HANDLE_POLL,
    ASY_HANDLE_TCP,
    ASY_HANDLE_UDP,
    ASY_HANDLE_PIPE,
    ASY_HANDLE_TTY,
    ASY_HANDLE_PROCESS,
    ASY_HANDLE_FS_WATCH,
    ASY_HANDLE_STREAM,
    ASY_HANDLE_TYPE_MAX
} asy_handle_type;

/* Fields every handle starts with.  Only `data` is for the caller; the
 * rest belongs to the library. */
#define ASY_HANDLE_FIELDS                                                  \
    void *data;                                                            \
    asy_loop_t *loop;                                                      \
    asy_handle_type type;                                                  \
    unsigned flags_;                                                       \
    asy_close_cb close_cb_;                                                \
    asy__queue handle_link_;  /* loop's list of open handles */            \
    asy__queue closing_link_; /* loop's close-phase queue */               \
    const char *origin_file_; /* where it was created (debug listing) */   \
    int origin_line_;

struct asy_handle_s {
    ASY_HANDLE_FIELDS
};

/* Starts closing any handle: it stops at once and close_cb (may be NULL)
 * runs in the close phase.  Closing a handle twice is a no-op. */
ASYNCRT_API void asy_close(asy_handle_t *handle, asy_close_cb close_cb);
ASYNCRT_API int asy_is_closing(const asy_handle_t *handle);
/* Active: started and not stopped (a started timer, a listening socket). */
ASYNCRT_API int asy_is_active(const asy_handle_t *handle);
/* A referenced active handle keeps asy_run going; unref it to let the loop
 * end without it (Node's unref()).  New handles are referenced. */
ASYNCRT_API void asy_ref(asy_handle_t *handle);
ASYNCRT_API void asy_unref(asy_handle_t *handle);
ASYNCRT_API int asy_has_ref(const asy_handle_t *handle);
ASYNCRT_API const char *asy_handle_type_name(asy_handle_type type);

/* Handle constructors record the file:line of their caller so an open
 * handle can be named (see asy_loop_print_handles).  The public names are
 * macros over the *_at functions. */
#define ASY_HERE __FILE__, __LINE__

#line 1 "asyncrt_impl/loop/io.h"
/* asy__io: the loop's view of one file descriptor it waits on (the async
 * wake-up fd, a signal pipe, a poll handle's fd, later sockets).  It is
 * embedded in handles, so it is declared here; it is private. */
typedef struct asy__io asy__io;
typedef void (*asy__io_cb)(asy_loop_t *loop, asy__io *io, unsigned revents);

/* Event bits, for poll handles and the backend. */
enum {
    ASY_READABLE = 1,
    ASY_WRITABLE = 2,
    ASY_DISCONNECT = 4,
    ASY_PRIORITIZED = 8
};

struct asy__io {
    int fd;
    unsigned events;     /* wanted */
    unsigned registered; /* what the kernel currently has */
    asy__io_cb cb;
    unsigned slot; /* backend bookkeeping (poll backend: index in its array) */
};

#line 1 "asyncrt_impl/loop/timer.h"
/* Timers.  Two ways to use them:
 *
 *   - Node style: asy_set_timeout / asy_set_interval return an id;
 *     asy_clear_timer clears either kind.  Ids carry a generation, so a
 *     stale id (fired, cleared, reused slot) is harmless.  No malloc per
 *     call in steady state: slots come from a per-loop pool.
 *   - libuv style: a caller-owned asy_timer_t handle with start / stop /
 *     again, for code that wants the memory in its own struct.
 *
 * Times are milliseconds against the loop's cached clock (asy_now).  A
 * timeout of 0 is due at once: it runs in the next timers phase.  Timers
 * due at the same time run in the order they were started. */
typedef struct asy_timer_s asy_timer_t;
typedef void (*asy_timer_cb)(asy_timer_t *timer);

typedef struct { uint64_t id; } asy_timer_id;     /* 0 = failed; a stale id is harmless */
typedef struct { uint64_t id; } asy_immediate_id; /* 0 = failed */

struct asy_timer_s {
    ASY_HANDLE_FIELDS
    asy_timer_cb cb_;
    asy__heap_node heap_node_;
    uint64_t due_;
    uint64_t repeat_;
};

ASYNCRT_API int asy_timer_init_at(asy_loop_t *loop, asy_timer_t *timer, const char *file, int line);
#define asy_timer_init(loop, timer) asy_timer_init_at((loop), (timer), ASY_HERE)
/* Starts (or restarts) the timer: cb runs after `timeout` ms, then every
 * `repeat` ms when repeat > 0.  ASY_EINVAL without a callback or when the
 * handle is closing. */
ASYNCRT_API int asy_timer_start(asy_timer_t *timer, asy_timer_cb cb, uint64_t timeout,
                                uint64_t repeat);
ASYNCRT_API int asy_timer_stop(asy_timer_t *timer);
/* Restarts a repeating timer from now with its repeat as the timeout;
 * ASY_EINVAL if it was never started. */
ASYNCRT_API int asy_timer_again(asy_timer_t *timer);
ASYNCRT_API void asy_timer_set_repeat(asy_timer_t *timer, uint64_t repeat);
ASYNCRT_API uint64_t asy_timer_get_repeat(const asy_timer_t *timer);
/* Milliseconds until the timer fires; 0 if due or stopped. */
ASYNCRT_API uint64_t asy_timer_get_due_in(const asy_timer_t *timer);

/* Node's setTimeout / setInterval / clearTimeout / clearInterval. */
ASYNCRT_API asy_timer_id asy_set_timeout(asy_loop_t *loop, asy_fn cb, void *arg, uint64_t ms);
ASYNCRT_API asy_timer_id asy_set_interval(asy_loop_t *loop, asy_fn cb, void *arg, uint64_t ms);
/* 0, or ASY_ENOENT for an id that is no longer live (cleared, fired). */
ASYNCRT_API int asy_clear_timer(asy_loop_t *loop, asy_timer_id id);
/* timeout.refresh(): restart the countdown from now with the same delay. */
ASYNCRT_API int asy_timer_refresh(asy_loop_t *loop, asy_timer_id id);
/* timeout.ref() / unref() / hasRef(). */
ASYNCRT_API int asy_timer_ref(asy_loop_t *loop, asy_timer_id id);
ASYNCRT_API int asy_timer_unref(asy_loop_t *loop, asy_timer_id id);
ASYNCRT_API int asy_timer_has_ref(asy_loop_t *loop, asy_timer_id id);

/* Node's setImmediate / clearImmediate: cb runs in the check phase.  An
 * immediate queued while immediates run waits for the next iteration. */
ASYNCRT_API asy_immediate_id asy_set_immediate(asy_loop_t *loop, asy_fn cb, void *arg);
ASYNCRT_API int asy_clear_immediate(asy_loop_t *loop, asy_immediate_id id);

#line 1 "asyncrt_impl/loop/phases.h"
/* Idle, prepare and check handles: a callback once per loop iteration in
 * their phase.  Idle handles also keep the poll phase from blocking.
 * (setImmediate is built on the check phase.) */
typedef struct asy_phase_s asy_phase_t;
typedef asy_phase_t asy_idle_t;
typedef asy_phase_t asy_prepare_t;
typedef asy_phase_t asy_check_t;
typedef void (*asy_phase_cb)(asy_phase_t *handle);

struct asy_phase_s {
    ASY_HANDLE_FIELDS
    asy_phase_cb cb_;
    asy__queue phase_link_;
};

ASYNCRT_API int asy_idle_init_at(asy_loop_t *loop, asy_idle_t *h, const char *file, int line);
ASYNCRT_API int asy_prepare_init_at(asy_loop_t *loop, asy_prepare_t *h, const char *file, int line);
ASYNCRT_API int asy_check_init_at(asy_loop_t *loop, asy_check_t *h, const char *file, int line);
#define asy_idle_init(loop, h) asy_idle_init_at((loop), (h), ASY_HERE)
#define asy_prepare_init(loop, h) asy_prepare_init_at((loop), (h), ASY_HERE)
#define asy_check_init(loop, h) asy_check_init_at((loop), (h), ASY_HERE)
/* Start / stop work for all three kinds (the handle knows its phase).
 * Starting an active handle only changes its callback. */
ASYNCRT_API int asy_idle_start(asy_idle_t *h, asy_phase_cb cb);
ASYNCRT_API int asy_idle_stop(asy_idle_t *h);
ASYNCRT_API int asy_prepare_start(asy_prepare_t *h, asy_phase_cb cb);
ASYNCRT_API int asy_prepare_stop(asy_prepare_t *h);
ASYNCRT_API int asy_check_start(asy_check_t *h, asy_phase_cb cb);
ASYNCRT_API int asy_check_stop(asy_check_t *h);

/* The pending-callbacks phase: work deferred from the previous iteration
 * (I/O completions that must not run re-entrantly).  The request is
 * caller-owned and must stay valid until cb runs. */
typedef struct asy_pending_s {
    asy_fn cb;
    void *arg;
    asy__queue link_;
} asy_pending_t;
ASYNCRT_API int asy_defer(asy_loop_t *loop, asy_pending_t *req, asy_fn cb, void *arg);

#line 1 "asyncrt_impl/loop/async.h"
/* Async handles wake the loop from any thread (uv_async_send).  Sends
 * coalesce: several sends before the loop gets to the handle give one
 * callback, but a send is never lost: a send that happens after the
 * callback started gives another callback. */
typedef struct asy_async_s asy_async_t;
typedef void (*asy_async_cb)(asy_async_t *handle);

struct asy_async_s {
    ASY_HANDLE_FIELDS
    asy_async_cb cb_;
    asy__queue async_link_;
    volatile int pending_; /* set by senders, cleared by the loop (atomics) */
};

/* Starts active and referenced: an async handle keeps the loop alive until
 * it is closed or unref'd.  cb may not be NULL. */
ASYNCRT_API int asy_async_init_at(asy_loop_t *loop, asy_async_t *handle, asy_async_cb cb,
                                  const char *file, int line);
#define asy_async_init(loop, h, cb) asy_async_init_at((loop), (h), (cb), ASY_HERE)
/* Safe from any thread and from signal handlers. */
ASYNCRT_API int asy_async_send(asy_async_t *handle);

#line 1 "asyncrt_impl/loop/signal.h"
/* Signal handles deliver signals (SIGINT, SIGTERM, SIGCHLD, ...) as loop
 * callbacks in the poll phase.  Any number of handles, on any number of
 * loops in any threads, may watch the same signal; each gets the
 * callback.  The process-wide part (sigaction, the handler) is thread-safe
 * and restores the previous disposition when the last watcher stops. */
typedef struct asy_signal_s asy_signal_t;
typedef void (*asy_signal_cb)(asy_signal_t *handle, int signum);

struct asy_signal_s {
    ASY_HANDLE_FIELDS
    asy_signal_cb cb_;
    int signum_;
    int oneshot_;
    asy__queue signal_link_;
};

ASYNCRT_API int asy_signal_init_at(asy_loop_t *loop, asy_signal_t *h, const char *file, int line);
#define asy_signal_init(loop, h) asy_signal_init_at((loop), (h), ASY_HERE)
/* ASY_EINVAL for a signal that cannot be caught (SIGKILL, SIGSTOP) or out
 * of range. */
ASYNCRT_API int asy_signal_start(asy_signal_t *h, asy_signal_cb cb, int signum);
/* Like start, but the handle stops itself after the first delivery. */
ASYNCRT_API int asy_signal_start_oneshot(asy_signal_t *h, asy_signal_cb cb, int signum);
ASYNCRT_API int asy_signal_stop(asy_signal_t *h);

#line 1 "asyncrt_impl/loop/poll.h"
/* Poll handles watch a raw file descriptor the caller owns (a socket from
 * another library, a device) for readability / writability / hang-up.
 * The fd must stay open until the handle is stopped or closed. */
typedef struct asy_poll_s asy_poll_t;
/* status < 0 reports an error on the fd; events is a mask of ASY_READABLE,
 * ASY_WRITABLE, ASY_DISCONNECT, ASY_PRIORITIZED. */
typedef void (*asy_poll_cb)(asy_poll_t *handle, int status, unsigned events);

struct asy_poll_s {
    ASY_HANDLE_FIELDS
    asy_poll_cb cb_;
    asy__io io_;
};

ASYNCRT_API int asy_poll_init_at(asy_loop_t *loop, asy_poll_t *h, int fd, const char *file,
                                 int line);
#define asy_poll_init(loop, h, fd) asy_poll_init_at((loop), (h), (fd), ASY_HERE)
/* Starting again changes the event mask. */
ASYNCRT_API int asy_poll_start(asy_poll_t *h, unsigned events, asy_poll_cb cb);
ASYNCRT_API int asy_poll_stop(asy_poll_t *h);

#line 1 "asyncrt_impl/loop/loop.h"
/* The event loop: Node's phases, in this order every iteration
 *
 *   timers -> pending -> idle -> prepare -> poll (I/O) -> check -> close
 *
 * and after every single callback, in every phase, the nextTick queue and
 * then the promise (microtask) queue are drained, repeatedly, until both
 * are empty.  Like Node, a microtask that keeps queueing microtasks starves
 * the loop: I/O and timers wait until the queues are empty.
 *
 * One loop belongs to one thread.  Only asy_async_send (and the thread
 * pool) may be called from other threads. */
typedef enum { ASY_RUN_DEFAULT, ASY_RUN_ONCE, ASY_RUN_NOWAIT } asy_run_mode;

/* Zero means "default" for every field; NULL options mean all defaults. */
typedef struct {
    /* Thread pool size for this loop; 0: ASYNCRT_THREADPOOL_SIZE or 4. */
    unsigned threadpool_size;
    /* Virtual clock: time moves only through asy_loop_advance(), or, when
     * the loop has nothing to do but wait for a timer, it jumps straight to
     * that timer.  Timeout tests run instantly and deterministically. */
    int virtual_clock;
    /* Print every open handle (type, file:line) to stderr when
     * asy_loop_close() fails with ASY_EBUSY. */
    int debug_handles;
    /* "epoll", "poll", ...; NULL: the ASYNCRT_BACKEND environment variable,
     * else the platform's best. */
    const char *backend;
} asy_loop_opts;

/* A queue of (fn, arg) jobs in a growable ring: no allocation per job once
 * it has grown to the working size. */
typedef struct {
    struct asy__task *items;
    uint32_t head, count, cap;
} asy__taskq;

/* Fixed-size slots with generation counters, for id-based conveniences. */
typedef struct {
    void **chunks;
    uint32_t nchunks;
    uint32_t free_head; /* slot index + 1; 0 = none free */
    uint32_t item_size;
    uint32_t live;
} asy__slots;

typedef struct {
    uint64_t iterations;   /* loop iterations so far */
    uint64_t events;       /* I/O events dispatched */
    uint64_t idle_ns;      /* time spent blocked in the poll phase */
    uint64_t elapsed_ns;   /* time since asy_loop_init */
    double utilization;    /* 1 - idle/elapsed (Node's eventLoopUtilization) */
    /* loop lag (how late the lag monitor's timer fired), see
     * asy_loop_lag_monitor; all 0 until it has samples */
    uint64_t lag_samples;
    uint64_t lag_min_ns, lag_p50_ns, lag_p90_ns, lag_p99_ns, lag_max_ns;
    double lag_mean_ns;
} asy_loop_metrics_t;

typedef struct {
    int fd;            /* epoll fd */
    int kind;          /* which backend runs */
    void *events;      /* event buffer (epoll) or pollfd array (poll) */
    unsigned nevents;  /* capacity of events */
    void *io_table;    /* poll backend: fd -> asy__io */
    unsigned io_table_cap;
    unsigned io_count; /* fds with a registration */
    void *dispatch;     /* events being dispatched now (epoll), so a closed */
    int dispatch_n;     /* io can be struck from them */
} asy__backend_state;

/* A slot for a layer above the loop (promises, thread pool...) to hang its
 * per-loop state on, with a hook the loop calls from asy_loop_close. */
typedef struct {
    void *state;
    void (*close)(asy_loop_t *loop, void *state);
} asy__layer_slot;

enum { ASY__LAYER_PROMISE, ASY__LAYER_POOL, ASY__LAYER_FS, ASY__LAYER_PROCESS, ASY__LAYER_MAX = 8 };

struct asy_loop_s {
    void *data; /* for the caller */
    /* -- everything below is private -- */
    uint64_t time_;       /* cached now, ms */
    uint64_t start_ns_;
    unsigned active_handles_; /* active and referenced */
    unsigned active_reqs_;
    int stop_flag_;
    int running_;
    asy_loop_opts opts_;
    asy__queue handles_; /* every open handle */
    asy__queue idle_, prepare_, check_;
    asy__queue pending_;
    asy__queue closing_;
    asy__heap timers_;
    asy__slots ctimers_;    /* asy_set_timeout / asy_set_interval */
    asy__slots immediates_; /* asy_set_immediate */
    asy__queue immediate_q_;
    unsigned immediate_refs_;
    asy__taskq ticks_, microtasks_;
    asy__backend_state backend_;
    /* async wake-up */
    asy__io wake_io_;
    int wake_wfd_; /* eventfd on Linux (same as wake_io_.fd), else pipe write end */
    volatile int wake_pending_;
    asy__queue async_handles_;
    /* signals */
    asy__io signal_io_;
    int signal_wfd_;
    int signal_slot_;
    asy__queue signal_handles_;
    /* metrics */
    uint64_t iterations_, events_, idle_ns_;
    struct asy__lag_monitor *lag_;
    asy__layer_slot layers_[ASY__LAYER_MAX];
    /* Called when a nextTick/microtask drain has emptied both queues (the
     * promise layer reports unhandled rejections there, as Node does after
     * processTicksAndRejections); it may queue more work. */
    void (*after_drain_)(asy_loop_t *loop);
};

ASYNCRT_API int asy_loop_init(asy_loop_t *loop, const asy_loop_opts *opts);
/* Runs the loop.  DEFAULT: until no referenced handle, request or timer is
 * left (or asy_stop); ONCE: one iteration, blocking for I/O if needed;
 * NOWAIT: one iteration without blocking.  Returns non-zero when work is
 * left, 0 when none. */
ASYNCRT_API int asy_run(asy_loop_t *loop, asy_run_mode mode);
/* Makes asy_run return after the current iteration. */
ASYNCRT_API void asy_stop(asy_loop_t *loop);
/* ASY_EBUSY while handles are open (asy_loop_print_handles names them);
 * the loop is still usable then.  0 once everything is released. */
ASYNCRT_API int asy_loop_close(asy_loop_t *loop);
/* Non-zero while referenced handles, requests, timers or immediates remain. */
ASYNCRT_API int asy_loop_alive(const asy_loop_t *loop);
/* The loop's cached time in ms, updated at the start of each iteration. */
ASYNCRT_API uint64_t asy_now(const asy_loop_t *loop);
ASYNCRT_API void asy_update_time(asy_loop_t *loop);
/* Virtual clock only: moves time forward by ms and runs the timers that
 * become due, in order (each followed by the microtask drain).  ASY_EINVAL
 * on a real-clock loop. */
ASYNCRT_API int asy_loop_advance(asy_loop_t *loop, uint64_t ms);
/* Name of the backend in use: "epoll", "poll", ... */
ASYNCRT_API const char *asy_loop_backend(const asy_loop_t *loop);
/* Prints every open handle: type, active/ref flags and the file:line that
 * created it.  Returns how many there were. */
ASYNCRT_API int asy_loop_print_handles(asy_loop_t *loop, FILE *out);
/* Calls fn for every open handle (uv_walk). */
ASYNCRT_API void asy_loop_walk(asy_loop_t *loop, void (*fn)(asy_handle_t *h, void *arg),
                               void *arg);

/* process.nextTick: runs after the current callback, before promises. */
ASYNCRT_API int asy_next_tick(asy_loop_t *loop, asy_fn cb, void *arg);
/* queueMicrotask / promise jobs: after the nextTick queue. */
ASYNCRT_API int asy_queue_microtask(asy_loop_t *loop, asy_fn cb, void *arg);
/* Drains both queues now (the loop does this after every callback). */
ASYNCRT_API void asy_run_microtasks(asy_loop_t *loop);

/* Metrics, readable at any time.  Utilization is measured from
 * asy_loop_init; take two snapshots and use asy_loop_elu for an interval. */
ASYNCRT_API int asy_loop_metrics(asy_loop_t *loop, asy_loop_metrics_t *out);
ASYNCRT_API double asy_loop_elu(const asy_loop_metrics_t *now, const asy_loop_metrics_t *prev);
/* Loop lag (Node's monitorEventLoopDelay): an unref'd timer fires every
 * resolution_ms and records how late it ran in a histogram (1 us buckets
 * growing logarithmically).  0 stops it; restarting resets it. */
ASYNCRT_API int asy_loop_lag_monitor(asy_loop_t *loop, uint64_t resolution_ms);

#endif /* ASYNCRT_OS_POSIX */
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/promise/promise.h"
/* Promises: JavaScript's Promise for C, on the loop's microtask queue.
 *
 *   asy_promise_t *p = asy_promise_new(loop);         // pending, you hold 1 ref
 *   asy_promise_t *q = asy_promise_then(p, parse, NULL, ctx);
 *   asy_promise_resolve(p, buf);                      // parse runs as a microtask
 *   asy_promise_release(p);  asy_promise_release(q);
 *
 * A promise settles once: fulfilled with a value (void *) or rejected with
 * an error (a non-zero int, usually an ASY_E* code, and an optional
 * message).  Continuations (then / catch / finally / on_settled) always run
 * as microtasks, one job per continuation, in the order they were attached,
 * exactly as V8 queues them, so programs interleave with nextTick, timers
 * and immediates as they do under Node (docs/promise.md).
 *
 * OWNERSHIP (the whole rule set; docs/promise.md has examples)
 *   1. A function that returns a promise gives you one reference; drop it
 *      with asy_promise_release.  A promise lives while anyone (you or the
 *      library) holds a reference; a continuation keeps its derived promise
 *      alive, so releasing the result of asy_promise_then right away is
 *      fine ("fire and forget").
 *   2. A function that takes a promise argument borrows it (retain it if
 *      you keep the pointer).  The one exception is asy_chain(q) in a
 *      continuation's return: returning gives your reference of q away.
 *   3. Values are borrowed pointers unless fulfilled with asy_ok_owned(v,
 *      free_fn): then the promise owns v and calls free_fn(v) when its last
 *      reference goes, and every promise that passes v on (asy_pass, a
 *      then without a handler for it, all, race...) keeps v alive.
 *   4. Messages are copied; the asy_settled_t a continuation receives and
 *      everything it points to are valid while the promise it names is
 *      alive (at least for the duration of the callback).
 *   5. A promise must not outlive its loop.  asy_loop_close reclaims every
 *      promise still alive (running the free_fn of their values), so a
 *      forgotten reference is not a leak, but its pointer dies there.
 *
 * A promise whose last reference goes while it is pending never settles:
 * its continuations are dropped without running (the C counterpart of a
 * garbage-collected promise).  A promise belongs to one loop and one
 * thread. */
typedef struct asy_promise_s asy_promise_t;

typedef enum {
    ASY_PROMISE_PENDING = 0,
    ASY_PROMISE_FULFILLED = 1,
    ASY_PROMISE_REJECTED = 2
} asy_promise_state;

/* The outcome a continuation receives. */
typedef struct {
    asy_promise_state state; /* FULFILLED or REJECTED */
    int error;               /* rejected: the code, never 0; fulfilled: 0 */
    void *value;             /* fulfilled: the value */
    const char *message;     /* rejected: message or NULL */
    asy_promise_t *promise;  /* the promise this is the outcome of (borrowed) */
} asy_settled_t;

/* What a continuation (or a task of the sync layer) returns: build it with
 * asy_ok, asy_ok_owned, asy_fail, asy_chain or asy_pass.  Fields are
 * private. */
typedef struct {
    int kind_;
    int error_;
    void *value_;
    void (*free_fn_)(void *value);
    char *message_;          /* owned copy (asy_fail) */
    asy_promise_t *promise_; /* asy_chain: an owned reference; asy_pass: borrowed */
} asy_ret_t;

enum { ASY__RET_VALUE = 0, ASY__RET_ERROR = 1, ASY__RET_PROMISE = 2, ASY__RET_PASS = 3 };

/* Fulfil with a borrowed value. */
static inline asy_ret_t asy_ok(void *value) {
    asy_ret_t r;
    r.kind_ = ASY__RET_VALUE;
    r.error_ = 0;
    r.value_ = value;
    r.free_fn_ = NULL;
    r.message_ = NULL;
    r.promise_ = NULL;
    return r;
}
/* Fulfil with a value the promise owns: free_fn(value) runs when the last
 * promise holding it is released (also if it is never delivered). */
static inline asy_ret_t asy_ok_owned(void *value, void (*free_fn)(void *value)) {
    asy_ret_t r = asy_ok(value);
    r.free_fn_ = free_fn;
    return r;
}
/* Settle like q once q settles (returning a promise from a JavaScript
 * continuation).  Takes your reference of q.  NULL q (a constructor that
 * failed) rejects with ASY_ENOMEM. */
static inline asy_ret_t asy_chain(asy_promise_t *q) {
    asy_ret_t r = asy_ok(NULL);
    r.kind_ = ASY__RET_PROMISE;
    r.promise_ = q;
    return r;
}
/* Settle with the same outcome as `in` (rethrow / pass the value on),
 * sharing ownership of its value and message. */
static inline asy_ret_t asy_pass(const asy_settled_t *in) {
    asy_ret_t r = asy_ok(NULL);
    r.kind_ = ASY__RET_PASS;
    r.promise_ = in ? in->promise : NULL;
    return r;
}
/* Reject with code (0 becomes ASY_EUNKNOWN) and an optional message, which
 * is copied. */
ASYNCRT_API asy_ret_t asy_fail(int code, const char *message);
/* Frees what an asy_ret_t holds without using it (its owned value, message
 * and chained promise).  Only needed for a ret you built and then did not
 * return or settle with. */
ASYNCRT_API void asy_ret_discard(asy_ret_t *ret);

/* A continuation: `in` is the settled outcome of the promise it was
 * attached to; the return value settles the derived promise. */
typedef asy_ret_t (*asy_then_fn)(void *arg, const asy_settled_t *in);
/* An observer: sees the outcome, settles nothing. */
typedef void (*asy_settled_fn)(void *arg, const asy_settled_t *in);

/* ---- construction and settling ----------------------------------------- */
/* A pending promise (new Promise()).  NULL on ENOMEM or a NULL loop. */
ASYNCRT_API asy_promise_t *asy_promise_new(asy_loop_t *loop);
/* Promise.resolve(value) / Promise.reject(error). */
ASYNCRT_API asy_promise_t *asy_promise_resolved(asy_loop_t *loop, void *value);
ASYNCRT_API asy_promise_t *asy_promise_rejected(asy_loop_t *loop, int code, const char *message);
/* Promise.resolve(x) for any asy_ret_t: a chained promise is returned as
 * is (Promise.resolve(p) === p), anything else as a settled promise.  The
 * ret is always consumed; NULL on ENOMEM (the ret's resources freed). */
ASYNCRT_API asy_promise_t *asy_promise_from(asy_loop_t *loop, asy_ret_t ret);

/* resolve(value) / reject(error) of a pending promise.  ASY_EINVAL if it is
 * already settled or locked in to another promise (asy_chain), like a
 * second call of JavaScript's resolve, but reported. */
ASYNCRT_API int asy_promise_resolve(asy_promise_t *p, void *value);
ASYNCRT_API int asy_promise_reject(asy_promise_t *p, int code, const char *message);
/* The general form: settle with any asy_ret_t, including asy_chain(q)
 * (resolve with a promise: p follows q) and asy_ok_owned.  The ret is
 * consumed even on error (its owned value freed, its promise released). */
ASYNCRT_API int asy_promise_settle(asy_promise_t *p, asy_ret_t ret);

ASYNCRT_API asy_promise_t *asy_promise_retain(asy_promise_t *p);
ASYNCRT_API void asy_promise_release(asy_promise_t *p);

/* ---- inspection --------------------------------------------------------- */
ASYNCRT_API asy_promise_state asy_promise_state_of(const asy_promise_t *p);
/* The outcome, or NULL while pending.  Reading it does not count as
 * handling a rejection (see asy_promise_mark_handled). */
ASYNCRT_API const asy_settled_t *asy_promise_result(const asy_promise_t *p);
ASYNCRT_API asy_loop_t *asy_promise_loop(const asy_promise_t *p);

/* ---- continuations ------------------------------------------------------ */
/* p.then(on_ok, on_err): a new promise settled by whichever handler runs;
 * a NULL handler passes the outcome on unchanged.  NULL on ENOMEM. */
ASYNCRT_API asy_promise_t *asy_promise_then(asy_promise_t *p, asy_then_fn on_ok,
                                            asy_then_fn on_err, void *arg);
/* p.catch(on_err) */
ASYNCRT_API asy_promise_t *asy_promise_catch(asy_promise_t *p, asy_then_fn on_err, void *arg);
/* p.finally(fn): fn runs on either outcome and the derived promise settles
 * like p, unless fn fails (asy_fail) or returns a promise that rejects,
 * whose rejection wins; a promise fn returns is waited for.  fn's value is
 * otherwise ignored (an asy_ok_owned value is freed). */
ASYNCRT_API asy_promise_t *asy_promise_finally(asy_promise_t *p, asy_then_fn fn, void *arg);
/* The end of a chain: fn sees the outcome as a microtask.  Counts as
 * handling a rejection.  0, or ASY_ENOMEM / ASY_EINVAL (fn never runs). */
ASYNCRT_API int asy_promise_on_settled(asy_promise_t *p, asy_settled_fn fn, void *arg);
/* Handles a rejection without attaching anything (a no-op catch). */
ASYNCRT_API void asy_promise_mark_handled(asy_promise_t *p);

/* ---- combinators ----------------------------------------------------------
 * Inputs are borrowed (release your references whenever you like); the
 * result is a new promise you own.  NULL on ENOMEM or bad arguments. */
/* Promise.all: fulfils with a void ** array of the n values in input order
 * (valid while the result promise lives), or rejects like the first input
 * to reject.  n = 0 fulfils at once with a non-NULL empty array. */
ASYNCRT_API asy_promise_t *asy_promise_all(asy_loop_t *loop, asy_promise_t *const *ps, size_t n);
/* Promise.allSettled: fulfils with an asy_settled_t * array of the n
 * outcomes in input order; never rejects. */
ASYNCRT_API asy_promise_t *asy_promise_all_settled(asy_loop_t *loop, asy_promise_t *const *ps,
                                                   size_t n);
/* Promise.race: settles like the first input to settle; n = 0 stays
 * pending forever (as in JavaScript). */
ASYNCRT_API asy_promise_t *asy_promise_race(asy_loop_t *loop, asy_promise_t *const *ps, size_t n);
/* Promise.any: fulfils like the first input to fulfil; when every input
 * rejects (at once for n = 0) it rejects with ASY_EAGGREGATE and its value
 * is an asy_settled_t * array of the n rejections (AggregateError.errors). */
ASYNCRT_API asy_promise_t *asy_promise_any(asy_loop_t *loop, asy_promise_t *const *ps, size_t n);

/* ---- unhandled rejections ------------------------------------------------
 * A promise that is rejected and has no continuation by the end of the
 * microtask drain in which it was rejected is reported, once, to the
 * loop's hook (Node's 'unhandledRejection').  The default hook prints the
 * error to stderr and aborts (Node >= 15).  fn NULL restores the
 * default. */
typedef void (*asy_unhandled_fn)(void *arg, const asy_settled_t *reason);
ASYNCRT_API int asy_promise_on_unhandled(asy_loop_t *loop, asy_unhandled_fn fn, void *arg);

#endif /* ASYNCRT_OS_POSIX */
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/pool/pool.h"
/* The thread pool: blocking work (file system, DNS, your own CPU work) runs
 * on pool threads and its completion comes back to the loop thread.
 *
 * Each loop owns its pool (see docs/pool.md for why): its size is
 * asy_loop_opts.threadpool_size, else the ASYNCRT_THREADPOOL_SIZE
 * environment variable, else 4, and asy_pool_set_size changes it at run
 * time.  Threads start lazily, when there is work no idle thread can take.
 *
 * Work classes: CPU and FAST_IO share one FIFO queue; SLOW_IO (DNS) work
 * never occupies more than half the threads (at least one), so a burst of
 * slow lookups cannot starve file system work. */
typedef enum {
    ASY_WORK_CPU = 0,
    ASY_WORK_FAST_IO = 1,
    ASY_WORK_SLOW_IO = 2
} asy_work_class;

typedef struct asy_work_s asy_work_t;
/* Runs on a pool thread: must not touch the loop. */
typedef void (*asy_work_cb)(asy_work_t *req);
/* Runs on the loop thread; status is 0, or ASY_ECANCELED when the work was
 * cancelled before it started (work_cb then never ran). */
typedef void (*asy_after_work_cb)(asy_work_t *req, int status);

struct asy_work_s {
    void *data; /* for the caller */
    asy_loop_t *loop;
    /* -- private -- */
    asy_work_cb work_cb_;
    asy_after_work_cb done_cb_;
    asy__queue link_;               /* in the pool's queue while queued */
    struct asy_work_s *next_done_;  /* completion stack */
    uint64_t seq_;                  /* FIFO order across the class queues */
    int class_;
    int state_;
    int status_;
};

/* Queues work_cb to run on a pool thread, then done_cb (may be NULL) on
 * the loop; a request in flight keeps the loop alive.  The request is
 * caller-owned, must stay valid until done_cb and carries one job at a
 * time (done_cb may queue it again).  Class ASY_WORK_CPU. */
ASYNCRT_API int asy_queue_work(asy_loop_t *loop, asy_work_t *req, asy_work_cb work_cb,
                               asy_after_work_cb done_cb);
ASYNCRT_API int asy_queue_work_class(asy_loop_t *loop, asy_work_t *req, asy_work_class cls,
                                     asy_work_cb work_cb, asy_after_work_cb done_cb);
/* Cancels work that has not started: 0, and done_cb runs later on the loop
 * with ASY_ECANCELED.  ASY_EBUSY once it runs or has finished. */
ASYNCRT_API int asy_work_cancel(asy_work_t *req);

/* The loop's pool size: threads it may run (started or not). */
ASYNCRT_API unsigned asy_pool_size(asy_loop_t *loop);
/* Changes the size at run time (1..1024).  Growing starts threads for work
 * already waiting; shrinking lets surplus threads finish their current job
 * and exit. */
ASYNCRT_API int asy_pool_set_size(asy_loop_t *loop, unsigned size);

typedef struct {
    unsigned size;         /* threads allowed */
    unsigned threads;      /* threads started and alive */
    unsigned queued;       /* waiting for a thread */
    unsigned running;      /* being run by a thread now */
    unsigned slow_running; /* of which SLOW_IO */
    unsigned slow_max;     /* SLOW_IO limit: half the size, at least 1 */
    uint64_t completed;    /* delivered to done callbacks */
} asy_pool_stats_t;
ASYNCRT_API int asy_pool_stats(asy_loop_t *loop, asy_pool_stats_t *out);

#endif /* ASYNCRT_OS_POSIX */
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/fs/fs.h"
/* The file system (Node's fs): every operation runs on the loop's thread
 * pool (class FAST_IO) and calls back on the loop, or runs synchronously.
 *
 *   asy_fs_t req;
 *   asy_fs_read_file(loop, &req, "data.json", on_read);   // async
 *   ...
 *   static void on_read(asy_fs_t *req) {
 *       char msg[256];
 *       if (req->result < 0) puts(asy_fs_error(req, msg, sizeof msg));
 *       else fwrite(req->buf, 1, req->len, stdout);
 *   }
 *
 * Every operation takes (loop, req, args..., cb).  With cb == NULL it runs
 * synchronously on the calling thread (loop may be NULL) and returns the
 * result: the *_sync macros below are those calls, named after Node's
 * xxxSync functions.
 *
 * Results live in the request: req->result (>= 0: an fd, a byte count, an
 * entry count; < 0: an ASY_E* code), req->statbuf, req->dirents,
 * req->buf/req->len, and req->path / req->dest / req->syscall describe the
 * call for error messages (asy_fs_error gives Node's "ENOENT: no such file
 * or directory, open 'x'").
 *
 * Memory: an async request owns copies of its paths and its results until
 * its callback returns; then the library frees them (keep readFile data
 * with asy_fs_take_buf).  The request struct itself is not touched after
 * the callback starts, so the callback may free or reuse it.  A sync call
 * uses the caller's path strings as they are and keeps its results until
 * asy_fs_req_cleanup (harmless to call on any request, any number of
 * times).  Buffers passed to read/write/writeFile must stay valid until
 * the callback.  A request runs one operation at a time: start the next
 * one on it from (or after) its callback. */

typedef struct {
    void *base;
    size_t len;
} asy_iovec_t;

typedef struct {
    int64_t sec;
    int64_t nsec;
} asy_timespec_t;

typedef struct {
    uint64_t dev, ino, mode, nlink, uid, gid, rdev, size, blksize, blocks;
    asy_timespec_t atim, mtim, ctim, birthtim; /* birthtim: 0 when unknown */
} asy_stat_t;

/* File types of asy_stat_t.mode (POSIX values on every platform). */
#define ASY_S_IFMT 0170000u
#define ASY_S_IFREG 0100000u
#define ASY_S_IFDIR 0040000u
#define ASY_S_IFLNK 0120000u
static inline int asy_stat_is_file(const asy_stat_t *s) { return (s->mode & ASY_S_IFMT) == ASY_S_IFREG; }
static inline int asy_stat_is_dir(const asy_stat_t *s) { return (s->mode & ASY_S_IFMT) == ASY_S_IFDIR; }
static inline int asy_stat_is_symlink(const asy_stat_t *s) { return (s->mode & ASY_S_IFMT) == ASY_S_IFLNK; }

typedef enum {
    ASY_DIRENT_UNKNOWN = 0,
    ASY_DIRENT_FILE,
    ASY_DIRENT_DIR,
    ASY_DIRENT_LINK,
    ASY_DIRENT_FIFO,
    ASY_DIRENT_SOCKET,
    ASY_DIRENT_CHAR,
    ASY_DIRENT_BLOCK
} asy_dirent_type;

/* readdir withFileTypes: one entry; name lives as long as the results. */
typedef struct {
    const char *name;
    asy_dirent_type type;
} asy_dirent_t;

typedef enum {
    ASY_FS_UNKNOWN = 0,
    ASY_FS_OPEN, ASY_FS_CLOSE, ASY_FS_READ, ASY_FS_WRITE,
    ASY_FS_STAT, ASY_FS_LSTAT, ASY_FS_FSTAT,
    ASY_FS_RENAME, ASY_FS_UNLINK, ASY_FS_MKDIR, ASY_FS_RMDIR, ASY_FS_RM,
    ASY_FS_READDIR, ASY_FS_READ_FILE, ASY_FS_WRITE_FILE, ASY_FS_APPEND_FILE,
    ASY_FS_COPY_FILE, ASY_FS_ACCESS, ASY_FS_REALPATH, ASY_FS_SYMLINK, ASY_FS_READLINK,
    ASY_FS_CHMOD, ASY_FS_UTIMES, ASY_FS_TRUNCATE, ASY_FS_FTRUNCATE,
    ASY_FS_FSYNC, ASY_FS_FDATASYNC, ASY_FS_MKDTEMP
} asy_fs_type;

/* Flags: mkdir and rm take ASY_FS_RECURSIVE; rm also ASY_FS_FORCE (a
 * missing path is not an error).  copyFile takes Node's COPYFILE_* values. */
enum {
    ASY_FS_RECURSIVE = 1,
    ASY_FS_FORCE = 2
};
enum {
    ASY_FS_COPYFILE_EXCL = 1,         /* fail with EEXIST if dest exists */
    ASY_FS_COPYFILE_FICLONE = 2,      /* try a copy-on-write clone first */
    ASY_FS_COPYFILE_FICLONE_FORCE = 4 /* clone or fail */
};
/* access() modes (Node's fs.constants, POSIX values). */
enum { ASY_F_OK = 0, ASY_X_OK = 1, ASY_W_OK = 2, ASY_R_OK = 4 };

typedef struct asy_fs_s asy_fs_t;
typedef void (*asy_fs_cb)(asy_fs_t *req);

struct asy_fs_s {
    void *data; /* for the caller */
    asy_loop_t *loop;
    asy_fs_type type;
    /* >= 0: fd (open), bytes (read, write, readFile), entries (readdir),
     * 0 otherwise; < 0: ASY_E* (ASY_ECANCELED when cancelled) */
    int64_t result;
    const char *path;    /* first path argument (NULL for fd operations) */
    const char *dest;    /* second path: rename/copyFile dest, symlink's link path */
    const char *syscall; /* the call that failed, as Node names it ("open", "scandir") */
    asy_stat_t statbuf;  /* stat, lstat, fstat */
    asy_dirent_t *dirents; /* readdir: result entries, sorted by name */
    /* readFile: the data (NUL-terminated, len bytes).  realpath, readlink,
     * mkdtemp: the path.  mkdir recursive: the first directory it created
     * (NULL when none was needed, like Node's undefined). */
    char *buf;
    size_t len;
    /* -- private -- */
    asy_fs_cb cb_;
    asy_work_t work_;
    int fd_, flags_, mode_, owns_paths_;
    int64_t off_;
    double atime_, mtime_;
    asy_iovec_t *bufs_;
    unsigned nbufs_;
    asy_iovec_t bufsml_[4];
    char pathbuf_[128]; /* path and dest of an async call, when they fit */
};

/* Node's error message: "ENOENT: no such file or directory, open 'x'"
 * ("..., rename 'a' -> 'b'", "EBADF: bad file descriptor, read").  Returns
 * buf ("" when the request succeeded). */
ASYNCRT_API const char *asy_fs_error(const asy_fs_t *req, char *buf, size_t len);
/* Frees what the request owns (results, path copies).  Any time, any
 * number of times; needed only after sync calls. */
ASYNCRT_API void asy_fs_req_cleanup(asy_fs_t *req);
/* Takes req->buf (readFile data, a path): the caller frees it with
 * asy_fs_free.  *len (may be NULL) gets its length. */
ASYNCRT_API char *asy_fs_take_buf(asy_fs_t *req, size_t *len);
/* Takes req->dirents (entries and their names, one block): the caller
 * frees it with asy_fs_free.  *count (may be NULL) gets the entry count. */
ASYNCRT_API asy_dirent_t *asy_fs_take_dirents(asy_fs_t *req, size_t *count);
ASYNCRT_API void asy_fs_free(void *p);
/* Cancels a request whose work has not started: 0 and the callback gets
 * result ASY_ECANCELED; ASY_EBUSY when too late. */
ASYNCRT_API int asy_fs_cancel(asy_fs_t *req);
/* Node's open flags ("r", "r+", "rs+", "w", "wx", "w+", "wx+", "a", "ax",
 * "a+", "ax+", "as", "as+") as O_* flags; ASY_EINVAL when unknown. */
ASYNCRT_API int asy_fs_open_flags(const char *flags);

/* flags: O_* flags (<fcntl.h>) or asy_fs_open_flags("r"); mode 0: 0666. */
ASYNCRT_API int asy_fs_open(asy_loop_t *loop, asy_fs_t *req, const char *path, int flags,
                            int mode, asy_fs_cb cb);
ASYNCRT_API int asy_fs_close(asy_loop_t *loop, asy_fs_t *req, int fd, asy_fs_cb cb);
/* offset < 0: at (and moving) the file position; else pread/preadv. */
ASYNCRT_API int asy_fs_read(asy_loop_t *loop, asy_fs_t *req, int fd, const asy_iovec_t *bufs,
                            unsigned nbufs, int64_t offset, asy_fs_cb cb);
ASYNCRT_API int asy_fs_write(asy_loop_t *loop, asy_fs_t *req, int fd, const asy_iovec_t *bufs,
                             unsigned nbufs, int64_t offset, asy_fs_cb cb);
ASYNCRT_API int asy_fs_stat(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb);
ASYNCRT_API int asy_fs_lstat(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb);
ASYNCRT_API int asy_fs_fstat(asy_loop_t *loop, asy_fs_t *req, int fd, asy_fs_cb cb);
ASYNCRT_API int asy_fs_rename(asy_loop_t *loop, asy_fs_t *req, const char *from, const char *to,
                              asy_fs_cb cb);
ASYNCRT_API int asy_fs_unlink(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb);
/* mode 0: 0777.  flags ASY_FS_RECURSIVE: create parents; an existing
 * directory is then no error. */
ASYNCRT_API int asy_fs_mkdir(asy_loop_t *loop, asy_fs_t *req, const char *path, int mode,
                             int flags, asy_fs_cb cb);
ASYNCRT_API int asy_fs_rmdir(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb);
/* Node's fs.rm: ASY_FS_RECURSIVE removes directories and their contents
 * (symlinks are removed, never followed); ASY_FS_FORCE ignores a missing
 * path.  A directory without ASY_FS_RECURSIVE is ASY_EISDIR. */
ASYNCRT_API int asy_fs_rm(asy_loop_t *loop, asy_fs_t *req, const char *path, int flags,
                          asy_fs_cb cb);
/* Entries with their types (withFileTypes), without "." and "..";
 * result = count. */
ASYNCRT_API int asy_fs_readdir(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb);
ASYNCRT_API int asy_fs_read_file(asy_loop_t *loop, asy_fs_t *req, const char *path,
                                 asy_fs_cb cb);
/* Creates or truncates (append: creates or appends); mode 0: 0666. */
ASYNCRT_API int asy_fs_write_file(asy_loop_t *loop, asy_fs_t *req, const char *path,
                                  const void *data, size_t len, int mode, asy_fs_cb cb);
ASYNCRT_API int asy_fs_append_file(asy_loop_t *loop, asy_fs_t *req, const char *path,
                                   const void *data, size_t len, int mode, asy_fs_cb cb);
ASYNCRT_API int asy_fs_copy_file(asy_loop_t *loop, asy_fs_t *req, const char *src,
                                 const char *dest, int flags, asy_fs_cb cb);
ASYNCRT_API int asy_fs_access(asy_loop_t *loop, asy_fs_t *req, const char *path, int mode,
                              asy_fs_cb cb);
ASYNCRT_API int asy_fs_realpath(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb);
/* Node's order: symlink(target, path) makes path point at target. */
ASYNCRT_API int asy_fs_symlink(asy_loop_t *loop, asy_fs_t *req, const char *target,
                               const char *path, asy_fs_cb cb);
ASYNCRT_API int asy_fs_readlink(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb);
ASYNCRT_API int asy_fs_chmod(asy_loop_t *loop, asy_fs_t *req, const char *path, int mode,
                             asy_fs_cb cb);
/* Times in seconds since the epoch, with fractions (Node's numbers). */
ASYNCRT_API int asy_fs_utimes(asy_loop_t *loop, asy_fs_t *req, const char *path, double atime,
                              double mtime, asy_fs_cb cb);
ASYNCRT_API int asy_fs_truncate(asy_loop_t *loop, asy_fs_t *req, const char *path, int64_t len,
                                asy_fs_cb cb);
ASYNCRT_API int asy_fs_ftruncate(asy_loop_t *loop, asy_fs_t *req, int fd, int64_t len,
                                 asy_fs_cb cb);
ASYNCRT_API int asy_fs_fsync(asy_loop_t *loop, asy_fs_t *req, int fd, asy_fs_cb cb);
ASYNCRT_API int asy_fs_fdatasync(asy_loop_t *loop, asy_fs_t *req, int fd, asy_fs_cb cb);
/* Creates prefix + six random characters; req->buf gets the path. */
ASYNCRT_API int asy_fs_mkdtemp(asy_loop_t *loop, asy_fs_t *req, const char *prefix,
                               asy_fs_cb cb);

/* Node's xxxSync: the same calls without a loop or callback.  They return
 * req->result (clamped to INT_MAX; the full value is in req->result). */
#define asy_fs_open_sync(req, path, flags, mode) asy_fs_open(NULL, (req), (path), (flags), (mode), NULL)
#define asy_fs_close_sync(req, fd) asy_fs_close(NULL, (req), (fd), NULL)
#define asy_fs_read_sync(req, fd, bufs, n, off) asy_fs_read(NULL, (req), (fd), (bufs), (n), (off), NULL)
#define asy_fs_write_sync(req, fd, bufs, n, off) asy_fs_write(NULL, (req), (fd), (bufs), (n), (off), NULL)
#define asy_fs_stat_sync(req, path) asy_fs_stat(NULL, (req), (path), NULL)
#define asy_fs_lstat_sync(req, path) asy_fs_lstat(NULL, (req), (path), NULL)
#define asy_fs_fstat_sync(req, fd) asy_fs_fstat(NULL, (req), (fd), NULL)
#define asy_fs_rename_sync(req, from, to) asy_fs_rename(NULL, (req), (from), (to), NULL)
#define asy_fs_unlink_sync(req, path) asy_fs_unlink(NULL, (req), (path), NULL)
#define asy_fs_mkdir_sync(req, path, mode, flags) asy_fs_mkdir(NULL, (req), (path), (mode), (flags), NULL)
#define asy_fs_rmdir_sync(req, path) asy_fs_rmdir(NULL, (req), (path), NULL)
#define asy_fs_rm_sync(req, path, flags) asy_fs_rm(NULL, (req), (path), (flags), NULL)
#define asy_fs_readdir_sync(req, path) asy_fs_readdir(NULL, (req), (path), NULL)
#define asy_fs_read_file_sync(req, path) asy_fs_read_file(NULL, (req), (path), NULL)
#define asy_fs_write_file_sync(req, path, data, len, mode) asy_fs_write_file(NULL, (req), (path), (data), (len), (mode), NULL)
#define asy_fs_append_file_sync(req, path, data, len, mode) asy_fs_append_file(NULL, (req), (path), (data), (len), (mode), NULL)
#define asy_fs_copy_file_sync(req, src, dest, flags) asy_fs_copy_file(NULL, (req), (src), (dest), (flags), NULL)
#define asy_fs_access_sync(req, path, mode) asy_fs_access(NULL, (req), (path), (mode), NULL)
#define asy_fs_realpath_sync(req, path) asy_fs_realpath(NULL, (req), (path), NULL)
#define asy_fs_symlink_sync(req, target, path) asy_fs_symlink(NULL, (req), (target), (path), NULL)
#define asy_fs_readlink_sync(req, path) asy_fs_readlink(NULL, (req), (path), NULL)
#define asy_fs_chmod_sync(req, path, mode) asy_fs_chmod(NULL, (req), (path), (mode), NULL)
#define asy_fs_utimes_sync(req, path, at, mt) asy_fs_utimes(NULL, (req), (path), (at), (mt), NULL)
#define asy_fs_truncate_sync(req, path, len) asy_fs_truncate(NULL, (req), (path), (len), NULL)
#define asy_fs_ftruncate_sync(req, fd, len) asy_fs_ftruncate(NULL, (req), (fd), (len), NULL)
#define asy_fs_fsync_sync(req, fd) asy_fs_fsync(NULL, (req), (fd), NULL)
#define asy_fs_fdatasync_sync(req, fd) asy_fs_fdatasync(NULL, (req), (fd), NULL)
#define asy_fs_mkdtemp_sync(req, prefix) asy_fs_mkdtemp(NULL, (req), (prefix), NULL)

#line 1 "asyncrt_impl/fs/promises.h"
/* fs/promises: the same operations, each returning a promise.
 *
 *   asy_promise_t *p = asy_fsp_read_file(loop, "data.json");
 *   asy_promise_then(p, parse, on_error, ctx);   // in->value is an asy_fs_t *
 *   asy_promise_release(p);
 *
 * The promise fulfils with the finished request, an asy_fs_t * that the
 * promise owns (valid while a promise holding it is alive): its result,
 * statbuf, buf / len, dirents...  It rejects with the ASY_E* code and
 * Node's message, e.g. ASY_ENOENT, "ENOENT: no such file or directory,
 * open 'data.json'"; bad arguments reject too (a rejection nobody handles
 * goes to the loop's unhandled-rejection hook, as in Node).  You own one
 * reference of the returned promise; NULL only when out of memory or
 * without a loop.  Buffers given to read / write / writeFile must stay
 * valid until the promise settles. */
ASYNCRT_API asy_promise_t *asy_fsp_open(asy_loop_t *loop, const char *path, int flags, int mode);
ASYNCRT_API asy_promise_t *asy_fsp_close(asy_loop_t *loop, int fd);
ASYNCRT_API asy_promise_t *asy_fsp_read(asy_loop_t *loop, int fd, const asy_iovec_t *bufs,
                                        unsigned nbufs, int64_t offset);
ASYNCRT_API asy_promise_t *asy_fsp_write(asy_loop_t *loop, int fd, const asy_iovec_t *bufs,
                                         unsigned nbufs, int64_t offset);
ASYNCRT_API asy_promise_t *asy_fsp_stat(asy_loop_t *loop, const char *path);
ASYNCRT_API asy_promise_t *asy_fsp_lstat(asy_loop_t *loop, const char *path);
ASYNCRT_API asy_promise_t *asy_fsp_fstat(asy_loop_t *loop, int fd);
ASYNCRT_API asy_promise_t *asy_fsp_rename(asy_loop_t *loop, const char *from, const char *to);
ASYNCRT_API asy_promise_t *asy_fsp_unlink(asy_loop_t *loop, const char *path);
ASYNCRT_API asy_promise_t *asy_fsp_mkdir(asy_loop_t *loop, const char *path, int mode, int flags);
ASYNCRT_API asy_promise_t *asy_fsp_rmdir(asy_loop_t *loop, const char *path);
ASYNCRT_API asy_promise_t *asy_fsp_rm(asy_loop_t *loop, const char *path, int flags);
ASYNCRT_API asy_promise_t *asy_fsp_readdir(asy_loop_t *loop, const char *path);
ASYNCRT_API asy_promise_t *asy_fsp_read_file(asy_loop_t *loop, const char *path);
ASYNCRT_API asy_promise_t *asy_fsp_write_file(asy_loop_t *loop, const char *path,
                                              const void *data, size_t len, int mode);
ASYNCRT_API asy_promise_t *asy_fsp_append_file(asy_loop_t *loop, const char *path,
                                               const void *data, size_t len, int mode);
ASYNCRT_API asy_promise_t *asy_fsp_copy_file(asy_loop_t *loop, const char *src,
                                             const char *dest, int flags);
ASYNCRT_API asy_promise_t *asy_fsp_access(asy_loop_t *loop, const char *path, int mode);
ASYNCRT_API asy_promise_t *asy_fsp_realpath(asy_loop_t *loop, const char *path);
ASYNCRT_API asy_promise_t *asy_fsp_symlink(asy_loop_t *loop, const char *target,
                                           const char *path);
ASYNCRT_API asy_promise_t *asy_fsp_readlink(asy_loop_t *loop, const char *path);
ASYNCRT_API asy_promise_t *asy_fsp_chmod(asy_loop_t *loop, const char *path, int mode);
ASYNCRT_API asy_promise_t *asy_fsp_utimes(asy_loop_t *loop, const char *path, double atime,
                                          double mtime);
ASYNCRT_API asy_promise_t *asy_fsp_truncate(asy_loop_t *loop, const char *path, int64_t len);
ASYNCRT_API asy_promise_t *asy_fsp_ftruncate(asy_loop_t *loop, int fd, int64_t len);
ASYNCRT_API asy_promise_t *asy_fsp_fsync(asy_loop_t *loop, int fd);
ASYNCRT_API asy_promise_t *asy_fsp_fdatasync(asy_loop_t *loop, int fd);
ASYNCRT_API asy_promise_t *asy_fsp_mkdtemp(asy_loop_t *loop, const char *prefix);

#line 1 "asyncrt_impl/fs/watch.h"
/* fs.watch: a handle reporting changes under a file or directory.
 * Linux (inotify) only for now; elsewhere asy_fs_watch_start returns
 * ASY_ENOSYS.
 *
 * events: ASY_FS_EVENT_RENAME (created, deleted, moved) and/or
 * ASY_FS_EVENT_CHANGE (contents or attributes), as Node's 'rename' and
 * 'change'.  filename is relative to the watched directory ("a.txt",
 * "sub/a.txt" when recursive), or the watched file's own name; it is
 * valid during the callback.  status < 0 reports an error (the kernel's
 * queue overflowed: ASY_ENOBUFS, events were lost); filename is then
 * NULL. */
enum { ASY_FS_EVENT_RENAME = 1, ASY_FS_EVENT_CHANGE = 2 };
/* asy_fs_watch_start flags; ASY_FS_RECURSIVE (1) watches subdirectories,
 * including ones created later. */

typedef struct asy_fs_watch_s asy_fs_watch_t;
typedef void (*asy_fs_watch_cb)(asy_fs_watch_t *handle, const char *filename, int events,
                                int status);

struct asy_fs_watch_s {
    ASY_HANDLE_FIELDS
    asy_fs_watch_cb cb_;
    char *path_;
    const char *base_; /* in path_: the name reported for the item itself */
    int watch_flags_;
    asy__io io_;
    char **dirs_;      /* inotify watch descriptor -> path relative to path_ */
    unsigned ndirs_;
    char *scratch_;    /* the filename being reported */
    size_t scratch_cap_;
};

ASYNCRT_API int asy_fs_watch_init_at(asy_loop_t *loop, asy_fs_watch_t *h, const char *file,
                                     int line);
#define asy_fs_watch_init(loop, h) asy_fs_watch_init_at((loop), (h), ASY_HERE)
/* Starts watching path; errors (ENOENT...) are returned here. */
ASYNCRT_API int asy_fs_watch_start(asy_fs_watch_t *h, const char *path, int flags,
                                   asy_fs_watch_cb cb);
ASYNCRT_API int asy_fs_watch_stop(asy_fs_watch_t *h);
/* The watched path (NULL when stopped). */
ASYNCRT_API const char *asy_fs_watch_path(const asy_fs_watch_t *h);

#endif /* ASYNCRT_OS_POSIX */
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/dns/dns.h"
/* DNS through the system resolver (Node's dns.lookup and
 * dns.lookupService): getaddrinfo / getnameinfo run on the loop's thread
 * pool in the SLOW_IO class, so lookups never hold more than half the
 * threads.  Results are owned by the library: valid during the callback,
 * freed when it returns.  Failures are ASY_EAI_* codes (ASY_EAI_NONAME:
 * Node's ENOTFOUND), or ASY_ECANCELED after a cancel. */

/* One resolved address. */
typedef struct {
    int family;        /* 4 or 6, as Node reports it */
    char address[46];  /* "127.0.0.1", "::1" */
    unsigned addrlen;  /* bytes of sockaddr in use */
    /* a struct sockaddr_in or sockaddr_in6, with the service's port (0
     * without a service): cast &a->sockaddr to const struct sockaddr * */
    uint64_t sockaddr[4];
} asy_dns_address_t;

/* Node's dns.ADDRCONFIG, dns.V4MAPPED and dns.ALL getaddrinfo hints. */
enum { ASY_DNS_ADDRCONFIG = 1, ASY_DNS_V4MAPPED = 2, ASY_DNS_ALL = 4 };

/* Zero-initialised = defaults; NULL: all defaults. */
typedef struct {
    int family; /* 0: any, 4: IPv4 only, 6: IPv6 only */
    int hints;  /* ASY_DNS_* */
} asy_dns_lookup_opts;

typedef struct asy_dns_lookup_s asy_dns_lookup_t;
/* status 0: count >= 1 addresses in the resolver's order (Node's
 * verbatim order); else addrs is NULL and count 0. */
typedef void (*asy_dns_lookup_cb)(asy_dns_lookup_t *req, int status,
                                  const asy_dns_address_t *addrs, size_t count);

struct asy_dns_lookup_s {
    void *data; /* for the caller */
    asy_loop_t *loop;
    /* -- private -- */
    asy_dns_lookup_cb cb_;
    asy_work_t work_;
    char *node_, *service_;
    int family_, hints_, status_;
    asy_dns_address_t *addrs_;
    size_t naddrs_;
};

/* Every address of hostname (dns.lookup with {all: true}). */
ASYNCRT_API int asy_dns_lookup(asy_loop_t *loop, asy_dns_lookup_t *req, const char *hostname,
                               const asy_dns_lookup_opts *opts, asy_dns_lookup_cb cb);
/* The same with a service (a port number or a name from /etc/services)
 * whose port goes into each sockaddr; node may be NULL (local addresses).
 * At least one of node and service. */
ASYNCRT_API int asy_getaddrinfo(asy_loop_t *loop, asy_dns_lookup_t *req, const char *node,
                                const char *service, const asy_dns_lookup_opts *opts,
                                asy_dns_lookup_cb cb);
/* 0, and the callback gets ASY_ECANCELED; ASY_EBUSY once it has started. */
ASYNCRT_API int asy_dns_lookup_cancel(asy_dns_lookup_t *req);

/* ---- reverse: dns.lookupService / getnameinfo ---------------------------- */
/* getnameinfo flags (POSIX NI_* meanings). */
enum {
    ASY_NI_NUMERICHOST = 1,
    ASY_NI_NUMERICSERV = 2,
    ASY_NI_NAMEREQD = 4,
    ASY_NI_DGRAM = 8,
    ASY_NI_NOFQDN = 16
};

typedef struct asy_dns_service_s asy_dns_service_t;
typedef void (*asy_dns_service_cb)(asy_dns_service_t *req, int status, const char *hostname,
                                   const char *service);

struct asy_dns_service_s {
    void *data; /* for the caller */
    asy_loop_t *loop;
    /* -- private -- */
    asy_dns_service_cb cb_;
    asy_work_t work_;
    uint64_t sa_[16]; /* a sockaddr_storage */
    unsigned salen_;
    int flags_, status_;
    char host_[1025];
    char service_[32];
};

/* Node's dns.lookupService(address, port): the host name (a name is
 * required, NI_NAMEREQD) and service of a numeric address. */
ASYNCRT_API int asy_dns_lookup_service(asy_loop_t *loop, asy_dns_service_t *req,
                                       const char *address, unsigned port,
                                       asy_dns_service_cb cb);
/* getnameinfo on a struct sockaddr_in / sockaddr_in6 with ASY_NI_* flags. */
ASYNCRT_API int asy_getnameinfo(asy_loop_t *loop, asy_dns_service_t *req, const void *sockaddr,
                                unsigned len, int flags, asy_dns_service_cb cb);
ASYNCRT_API int asy_dns_service_cancel(asy_dns_service_t *req);

/* ---- dns/promises ---------------------------------------------------------- */
/* What asy_dnsp_lookup fulfils with: every address, in one block the
 * promise owns (valid while a promise holding it is alive). */
typedef struct {
    size_t count;
    asy_dns_address_t *addrs;
} asy_dns_addresses_t;
/* dns.promises.lookup(hostname, {all: true}): rejects with the ASY_EAI_*
 * code and "getaddrinfo EAI_NONAME hostname" (Node's message shape).  NULL
 * only when out of memory or on bad arguments. */
ASYNCRT_API asy_promise_t *asy_dnsp_lookup(asy_loop_t *loop, const char *hostname,
                                           const asy_dns_lookup_opts *opts);

#endif /* ASYNCRT_OS_POSIX */
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/sync/limit.h"
/* Concurrency primitives (p-limit, semaphore, resource pool) run on the
 * loop's thread: no locks, every operation O(1).  They take callbacks and
 * return promises (docs/sync.md).
 *
 * A task is a function returning what a promise continuation returns:
 * asy_ok(value) or asy_fail(code, msg) when it finishes synchronously,
 * asy_chain(promise) when it finishes later. */
typedef asy_ret_t (*asy_task_fn)(void *arg);
/* A task over an index, for the limited map. */
typedef asy_ret_t (*asy_map_fn)(void *arg, size_t index);

/* ---- limit: p-limit ---------------------------------------------------------
 *
 *   asy_limit_t *lim = asy_limit_new(loop, 10);
 *   asy_promise_t *p = asy_limit_run(lim, read_one, name);  // like limit(() => readFile(name))
 *
 * At most `concurrency` tasks run at once; the others wait in a FIFO queue
 * and start, in order, as running tasks settle.  A task starts inside
 * asy_limit_run when a slot is free (the seed's pLimit does the same; the
 * p-limit package waits a microtask).  Its slot is freed, and the next
 * task started, one microtask after its outcome is known, in the same job
 * that settles the promise asy_limit_run returned. */
typedef struct asy_limit_s asy_limit_t;

/* concurrency >= 1 (SIZE_MAX: unlimited).  NULL on ENOMEM or bad input. */
ASYNCRT_API asy_limit_t *asy_limit_new(asy_loop_t *loop, size_t concurrency);
/* Queues fn(arg); the promise settles like the task.  A failing task
 * rejects its promise and frees its slot.  NULL on ENOMEM / bad input (fn
 * is then never called). */
ASYNCRT_API asy_promise_t *asy_limit_run(asy_limit_t *lim, asy_task_fn fn, void *arg);
/* A limited map: fn(arg, i) for i in [0, n), at most `concurrency` at a
 * time, in order; the promise is Promise.all of them (a void ** array of
 * the n results, or the first failure; the other tasks still run). */
ASYNCRT_API asy_promise_t *asy_limit_map(asy_limit_t *lim, size_t n, asy_map_fn fn, void *arg);
ASYNCRT_API size_t asy_limit_active(const asy_limit_t *lim);  /* running */
ASYNCRT_API size_t asy_limit_pending(const asy_limit_t *lim); /* waiting */
ASYNCRT_API size_t asy_limit_concurrency(const asy_limit_t *lim);
/* Changes the limit at run time; raising it starts waiting tasks at once,
 * lowering it lets running tasks finish.  ASY_EINVAL for 0. */
ASYNCRT_API int asy_limit_set_concurrency(asy_limit_t *lim, size_t concurrency);
/* Rejects every waiting task's promise with ASY_ECANCELED (p-limit's
 * clearQueue with rejectOnClear); running tasks are not touched.  Returns
 * how many were cleared. */
ASYNCRT_API size_t asy_limit_clear_queue(asy_limit_t *lim);
/* Clears the queue and frees the limiter; running tasks still settle their
 * promises, and the memory goes after the last one.  Free limiters before
 * closing their loop. */
ASYNCRT_API void asy_limit_free(asy_limit_t *lim);

#line 1 "asyncrt_impl/sync/sem.h"
/* ---- semaphore ----------------------------------------------------------------
 *
 *   asy_sem_t *sem = asy_sem_new(loop, 5);
 *   asy_promise_t *p = asy_sem_acquire(sem, 1, 0, NULL);  // await sem.acquire()
 *   ... once it fulfils: work, then asy_sem_release(sem, 1);
 *
 * A counter of permits.  Waiters are served strictly first come, first
 * served: a waiter asking for 5 permits holds back a later one asking for
 * 1 (no starvation of large requests), and try_acquire never barges past
 * a queue.  Acquiring is never synchronous: the callback or the promise
 * reaction runs as a microtask even when permits are free (they are taken
 * at once, though).  Releasing more than is held is refused, never
 * silently over-counted. */
typedef struct asy_sem_s asy_sem_t;
/* Names a waiter, to cancel it.  A stale id is harmless; 0 names none. */
typedef struct {
    uint64_t id;
} asy_sem_wait_t;
/* status: 0 (the permits are yours: release them), ASY_ETIMEDOUT or
 * ASY_ECANCELED (asy_sem_cancel, asy_sem_free). */
typedef void (*asy_sem_cb)(void *arg, int status);

/* permits >= 1.  NULL on ENOMEM or bad input. */
ASYNCRT_API asy_sem_t *asy_sem_new(asy_loop_t *loop, size_t permits);
/* Takes n permits now if they are free and nobody waits: 0, else
 * ASY_EAGAIN.  ASY_EINVAL for n = 0 or n > the semaphore's permits. */
ASYNCRT_API int asy_sem_try_acquire(asy_sem_t *sem, size_t n);
/* Callback style: cb(arg, status) runs as a microtask once n permits are
 * yours, or with ASY_ETIMEDOUT after timeout_ms (0: wait for ever), or
 * with ASY_ECANCELED.  `wait` (may be NULL) receives the waiter's id.
 * 0, or ASY_EINVAL / ASY_ENOMEM (cb never runs). */
ASYNCRT_API int asy_sem_acquire_cb(asy_sem_t *sem, size_t n, uint64_t timeout_ms, asy_sem_cb cb,
                                   void *arg, asy_sem_wait_t *wait);
/* Promise style: fulfils (value NULL) once n permits are yours, rejects
 * with ASY_ETIMEDOUT or ASY_ECANCELED.  NULL on ENOMEM / bad input. */
ASYNCRT_API asy_promise_t *asy_sem_acquire(asy_sem_t *sem, size_t n, uint64_t timeout_ms,
                                           asy_sem_wait_t *wait);
/* Withdraws a waiter: its callback gets ASY_ECANCELED / its promise
 * rejects with it.  ASY_ENOENT if it is no longer waiting (granted, timed
 * out, cancelled). */
ASYNCRT_API int asy_sem_cancel(asy_sem_t *sem, asy_sem_wait_t wait);
/* Gives n permits back and wakes waiters in order.  ASY_EINVAL for n = 0
 * or more than are currently acquired. */
ASYNCRT_API int asy_sem_release(asy_sem_t *sem, size_t n);
/* Acquires n permits, runs fn(arg), releases them when its outcome is known
 * (whatever it is) and settles like it: the try/finally of the seed. */
ASYNCRT_API asy_promise_t *asy_sem_run(asy_sem_t *sem, size_t n, asy_task_fn fn, void *arg);
ASYNCRT_API size_t asy_sem_available(const asy_sem_t *sem);
ASYNCRT_API size_t asy_sem_waiting(const asy_sem_t *sem); /* waiters queued */
ASYNCRT_API size_t asy_sem_permits(const asy_sem_t *sem);
/* Cancels every waiter (ASY_ECANCELED) and frees the semaphore once the
 * callbacks and tasks in flight are done.  Free it before its loop. */
ASYNCRT_API void asy_sem_free(asy_sem_t *sem);

#line 1 "asyncrt_impl/sync/rpool.h"
/* ---- resource pool (generic-pool, pg.Pool) -----------------------------------
 *
 *   asy_rpool_factory_t f = { db_connect, db_close, db_ping, ctx };
 *   asy_rpool_t *pool = asy_rpool_new(loop, &f, &(asy_rpool_opts){ .min = 2, .max = 20 });
 *   asy_promise_t *c = asy_rpool_acquire(pool, 0);     // value: the resource
 *   ... asy_rpool_release(pool, conn);                 // back to the pool, not closed
 *   asy_promise_t *r = asy_rpool_use(pool, 0, query, q); // acquire, run, always release
 *
 * Resources are the factory's void * pointers.  The pool creates them on
 * demand up to max, keeps min of them alive, hands idle ones out (oldest
 * first, or newest with lifo), validates them when asked, evicts idle ones
 * after idle_timeout_ms, and serves waiting clients by priority, then in
 * order of arrival.  Every operation is O(1) (a pointer-keyed hash table
 * finds a released resource); the evictor visits only expired objects. */
typedef struct asy_rpool_s asy_rpool_t;

typedef struct {
    /* Makes a resource: asy_ok(resource), asy_chain(promise of it), or
     * asy_fail(...), which reaches the client that was waiting. */
    asy_ret_t (*create)(void *ctx);
    /* Optional.  Ends a resource; the pool waits for a chained promise. */
    asy_ret_t (*destroy)(void *ctx, void *resource);
    /* Optional.  Fulfilled: usable; rejected: destroyed and replaced. */
    asy_ret_t (*validate)(void *ctx, void *resource);
    void *ctx;
} asy_rpool_factory_t;

/* Zero means "default" for every field. */
typedef struct {
    size_t min;                  /* kept alive (created at start and after losses) */
    size_t max;                  /* 0: 10 */
    size_t max_waiting;          /* clients allowed to wait; 0: no limit; beyond: ASY_EBUSY */
    uint64_t acquire_timeout_ms; /* 0: wait for ever; else ASY_ETIMEDOUT */
    unsigned priorities;         /* priority levels, 0 (first) .. n-1; 0: 1 level */
    int lifo;                    /* hand out the most recently returned idle object first */
    uint64_t idle_timeout_ms;    /* destroy objects idle this long (keeping min); 0: never */
    uint64_t evict_interval_ms;  /* evictor period; 0: idle_timeout_ms / 2 (at least 1) */
    int validate_on_borrow;      /* validate before handing out (testOnBorrow) */
    int validate_on_return;      /* validate when released (testOnReturn) */
    /* A failed create made for a waiting client is retried this many times,
     * after create_backoff_ms, doubling each time (0: 100 ms), before the
     * client gets the factory's error.  0 retries: the error at once.  A
     * failed warm-up create (for min) is not retried until the pool next
     * loses an object or the evictor runs, so a dead backend never makes
     * the pool spin. */
    unsigned create_retries;
    uint64_t create_backoff_ms;
} asy_rpool_opts;

typedef struct {
    size_t size;      /* every object: idle, borrowed, being validated or created */
    size_t available; /* idle */
    size_t borrowed;
    size_t pending;   /* clients waiting */
    size_t min, max;
} asy_rpool_stats_t;

/* NULL on ENOMEM or bad input (no create, min > max). */
ASYNCRT_API asy_rpool_t *asy_rpool_new(asy_loop_t *loop, const asy_rpool_factory_t *factory,
                                       const asy_rpool_opts *opts);
/* A promise of a resource (its value).  Rejects with the factory's error,
 * ASY_ETIMEDOUT, ASY_EBUSY (too many waiting) or ASY_ESHUTDOWN (draining).
 * priority >= levels is taken as the last level.  NULL on ENOMEM. */
ASYNCRT_API asy_promise_t *asy_rpool_acquire(asy_rpool_t *pool, unsigned priority);
/* Gives a borrowed resource back.  ASY_EINVAL if the pool did not lend it
 * to you (released twice, or not one of its resources). */
ASYNCRT_API int asy_rpool_release(asy_rpool_t *pool, void *resource);
/* Gives a borrowed resource back to be destroyed (it is broken). */
ASYNCRT_API int asy_rpool_destroy(asy_rpool_t *pool, void *resource);
/* Acquires, runs fn(arg, resource) and releases the resource once the
 * outcome of fn is known, whatever it is; settles like fn. */
typedef asy_ret_t (*asy_rpool_use_fn)(void *arg, void *resource);
ASYNCRT_API asy_promise_t *asy_rpool_use(asy_rpool_t *pool, unsigned priority,
                                         asy_rpool_use_fn fn, void *arg);
/* Stops lending: new acquires reject with ASY_ESHUTDOWN; fulfils once every
 * waiting client has been served and every borrowed object returned. */
ASYNCRT_API asy_promise_t *asy_rpool_drain(asy_rpool_t *pool);
/* Destroys every idle object; fulfils when those destroys are done. */
ASYNCRT_API asy_promise_t *asy_rpool_clear(asy_rpool_t *pool);
/* pg's pool.end(): drain, clear, then free the pool; the promise fulfils
 * once everything is destroyed and the pool is gone. */
ASYNCRT_API asy_promise_t *asy_rpool_end(asy_rpool_t *pool);
ASYNCRT_API int asy_rpool_stats(const asy_rpool_t *pool, asy_rpool_stats_t *out);

#endif /* ASYNCRT_OS_POSIX */

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

#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/loop/loop.internal.h"
/* Private parts of the loop shared by its files and the layers above. */
enum {
    ASY__H_ACTIVE = 1u << 0,
    ASY__H_REF = 1u << 1,
    ASY__H_CLOSING = 1u << 2,
    ASY__H_CLOSED = 1u << 3,
    ASY__H_INTERNAL = 1u << 4 /* owned by the library: not listed, not EBUSY */
};

struct asy__task {
    asy_fn fn;
    void *arg;
};

/* Handle bookkeeping every handle type uses. */
ASY__INTERNAL void asy__handle_init(asy_loop_t *loop, asy_handle_t *h, asy_handle_type type,
                                    const char *file, int line);
static inline int asy__handle_active(const asy_handle_t *h) { return (h->flags_ & ASY__H_ACTIVE) != 0; }
static inline void asy__handle_start(asy_handle_t *h) {
    if (h->flags_ & ASY__H_ACTIVE) return;
    h->flags_ |= ASY__H_ACTIVE;
    if (h->flags_ & ASY__H_REF) h->loop->active_handles_++;
}
static inline void asy__handle_stop(asy_handle_t *h) {
    if (!(h->flags_ & ASY__H_ACTIVE)) return;
    h->flags_ &= ~(unsigned)ASY__H_ACTIVE;
    if (h->flags_ & ASY__H_REF) h->loop->active_handles_--;
}

/* Runs the nextTick and microtask queues if either has work: called after
 * every callback the loop makes. */
ASY__INTERNAL void asy__drain(asy_loop_t *loop);
static inline void asy__after_cb(asy_loop_t *loop) {
    if (loop->ticks_.count | loop->microtasks_.count) asy__drain(loop);
}

/* Typed stop functions asy_close dispatches to. */
ASY__INTERNAL void asy__timer_close(asy_timer_t *t);
ASY__INTERNAL void asy__phase_close(asy_phase_t *h);
ASY__INTERNAL void asy__async_close(asy_async_t *h);
ASY__INTERNAL void asy__signal_close(asy_signal_t *h);
ASY__INTERNAL void asy__poll_close(asy_poll_t *h);
/* Defined by the fs layer. */
ASY__INTERNAL void asy__fs_watch_close(asy_fs_watch_t *h);

ASY__INTERNAL int asy__timers_init(asy_loop_t *loop);
ASY__INTERNAL void asy__timers_free(asy_loop_t *loop);
ASY__INTERNAL void asy__run_timers(asy_loop_t *loop);
/* ms until the next timer is due; -1 when there is none */
ASY__INTERNAL int64_t asy__next_timeout(const asy_loop_t *loop);
ASY__INTERNAL void asy__run_immediates(asy_loop_t *loop);
ASY__INTERNAL int asy__async_loop_init(asy_loop_t *loop);
ASY__INTERNAL void asy__async_loop_close(asy_loop_t *loop);
ASY__INTERNAL void asy__signal_loop_close(asy_loop_t *loop);
ASY__INTERNAL void asy__lag_monitor_free(asy_loop_t *loop);

/* ---- the backend interface -------------------------------------------
 * One implementation per file in asyncrt_impl/backend/.  The loop asks for
 * interest in an fd (asy__io_start/stop); changes are batched and applied
 * at the next poll.  asy__backend_poll waits up to timeout ms (-1: no
 * limit), calls each ready io's callback followed by the microtask drain,
 * and returns how many events it dispatched. */
enum { ASY__BACKEND_EPOLL = 1, ASY__BACKEND_POLL = 2 };
/* Extra revents bit: error or hang-up on the fd. */
enum { ASY__IO_ERR = 16 };
ASY__INTERNAL int asy__backend_init(asy_loop_t *loop, const char *name);
ASY__INTERNAL void asy__backend_close(asy_loop_t *loop);
ASY__INTERNAL int asy__backend_poll(asy_loop_t *loop, int timeout_ms);
ASY__INTERNAL const char *asy__backend_name(const asy_loop_t *loop);

ASY__INTERNAL void asy__io_init(asy__io *io, int fd, asy__io_cb cb);
/* Adds events to the interest set; 0 or a negative code (bad fd). */
ASY__INTERNAL int asy__io_start(asy_loop_t *loop, asy__io *io, unsigned events);
ASY__INTERNAL void asy__io_stop(asy_loop_t *loop, asy__io *io, unsigned events);
/* Forgets the fd entirely (call before closing it). */
ASY__INTERNAL void asy__io_close(asy_loop_t *loop, asy__io *io);

/* Small POSIX helpers. */
ASY__INTERNAL int asy__set_nonblock_cloexec(int fd);

#line 1 "asyncrt_impl/loop/taskq.c"
/* asy__taskq: FIFO ring of (fn, arg).  Grows by doubling; never shrinks
 * while the loop lives, so steady-state pushes do not allocate. */
ASY__INTERNAL int asy__taskq_push(asy__taskq *q, asy_fn fn, void *arg) {
    uint32_t tail;
    if (q->count == q->cap) {
        uint32_t ncap = q->cap ? q->cap * 2 : 64, i;
        struct asy__task *ni;
        if (ncap < q->cap) return ASY_ENOMEM;
        ni = ASY__NEW_ARRAY(struct asy__task, ncap);
        if (!ni) return ASY_ENOMEM;
        for (i = 0; i < q->count; i++) ni[i] = q->items[(q->head + i) & (q->cap - 1)];
        asy__free(q->items);
        q->items = ni;
        q->cap = ncap;
        q->head = 0;
    }
    tail = (q->head + q->count) & (q->cap - 1);
    q->items[tail].fn = fn;
    q->items[tail].arg = arg;
    q->count++;
    return 0;
}

static inline struct asy__task asy__taskq_pop(asy__taskq *q) {
    struct asy__task t = q->items[q->head];
    q->head = (q->head + 1) & (q->cap - 1);
    q->count--;
    return t;
}

ASY__INTERNAL void asy__taskq_free(asy__taskq *q) {
    asy__free(q->items);
    memset(q, 0, sizeof(*q));
}

/* Node >= 11: all nextTicks (including ones they queue), then all
 * microtasks (including ones they queue; ticks queued meanwhile wait),
 * and again until both queues are empty. */
ASY__INTERNAL void asy__drain(asy_loop_t *loop) {
    do {
        do {
            while (loop->ticks_.count) {
                struct asy__task t = asy__taskq_pop(&loop->ticks_);
                t.fn(t.arg);
            }
            while (loop->microtasks_.count) {
                struct asy__task t = asy__taskq_pop(&loop->microtasks_);
                t.fn(t.arg);
            }
        } while (loop->ticks_.count);
        if (loop->after_drain_) loop->after_drain_(loop);
    } while (loop->ticks_.count | loop->microtasks_.count);
}

ASYNCRT_API int asy_next_tick(asy_loop_t *loop, asy_fn cb, void *arg) {
    if (!loop || !cb) return ASY_EINVAL;
    return asy__taskq_push(&loop->ticks_, cb, arg);
}

ASYNCRT_API int asy_queue_microtask(asy_loop_t *loop, asy_fn cb, void *arg) {
    if (!loop || !cb) return ASY_EINVAL;
    return asy__taskq_push(&loop->microtasks_, cb, arg);
}

ASYNCRT_API void asy_run_microtasks(asy_loop_t *loop) {
    if (loop) asy__after_cb(loop);
}

#line 1 "asyncrt_impl/loop/slots.c"
/* asy__slots: fixed-size items in chunks of 256 (addresses never move),
 * each starting with an asy__slot header.  An id packs the slot's
 * generation with its index, so an id outlives its slot harmlessly. */
#define ASY__SLOT_CHUNK 256u

typedef struct asy__slot {
    uint32_t gen;       /* bumped on every free: stale ids stop matching */
    uint32_t next_free; /* index + 1 of the next free slot */
    uint32_t index;
    uint32_t live;
} asy__slot;

ASY__INTERNAL void asy__slots_init(asy__slots *s, size_t item_size) {
    memset(s, 0, sizeof(*s));
    s->item_size = (uint32_t)((item_size + 15) & ~(size_t)15);
}

static inline asy__slot *asy__slots_at(const asy__slots *s, uint32_t index) {
    return (asy__slot *)(void *)((char *)s->chunks[index / ASY__SLOT_CHUNK] +
                                 (size_t)(index % ASY__SLOT_CHUNK) * s->item_size);
}

ASY__INTERNAL asy__slot *asy__slots_alloc(asy__slots *s) {
    asy__slot *slot;
    if (!s->free_head) {
        uint32_t base = s->nchunks * ASY__SLOT_CHUNK, i;
        void **nc;
        char *chunk;
        if (s->nchunks >= (UINT32_MAX / ASY__SLOT_CHUNK) - 1) return NULL;
        nc = (void **)asy__realloc(s->chunks, sizeof(void *) * (s->nchunks + 1));
        if (!nc) return NULL;
        s->chunks = nc;
        chunk = (char *)asy__calloc(ASY__SLOT_CHUNK, s->item_size);
        if (!chunk) return NULL;
        s->chunks[s->nchunks++] = chunk;
        /* thread the new slots onto the free list, lowest index first */
        for (i = ASY__SLOT_CHUNK; i-- > 0;) {
            asy__slot *x = (asy__slot *)(void *)(chunk + (size_t)i * s->item_size);
            x->index = base + i;
            x->gen = 1;
            x->next_free = s->free_head;
            s->free_head = base + i + 1;
        }
    }
    slot = asy__slots_at(s, s->free_head - 1);
    s->free_head = slot->next_free;
    slot->next_free = 0;
    slot->live = 1;
    s->live++;
    return slot;
}

ASY__INTERNAL void asy__slots_release(asy__slots *s, asy__slot *slot) {
    if (!slot->live) return;
    slot->live = 0;
    slot->gen++;
    if (slot->gen == 0) slot->gen = 1; /* 0 would let id 0 ever match */
    slot->next_free = s->free_head;
    s->free_head = slot->index + 1;
    s->live--;
}

static inline uint64_t asy__slot_id(const asy__slot *slot) {
    return ((uint64_t)slot->gen << 32) | (uint64_t)(slot->index + 1);
}

/* The live slot an id names, or NULL for a stale or bogus id. */
ASY__INTERNAL asy__slot *asy__slots_lookup(const asy__slots *s, uint64_t id) {
    uint32_t index = (uint32_t)(id & 0xffffffffu), gen = (uint32_t)(id >> 32);
    asy__slot *slot;
    if (index == 0 || index - 1 >= s->nchunks * ASY__SLOT_CHUNK) return NULL;
    slot = asy__slots_at(s, index - 1);
    return slot->live && slot->gen == gen ? slot : NULL;
}

ASY__INTERNAL void asy__slots_free(asy__slots *s) {
    uint32_t i;
    for (i = 0; i < s->nchunks; i++) asy__free(s->chunks[i]);
    asy__free(s->chunks);
    s->chunks = NULL;
    s->nchunks = 0;
    s->free_head = 0;
    s->live = 0;
}

#line 1 "asyncrt_impl/loop/handle.c"
ASY__INTERNAL void asy__handle_init(asy_loop_t *loop, asy_handle_t *h, asy_handle_type type,
                                    const char *file, int line) {
    h->loop = loop;
    h->type = type;
    h->flags_ = ASY__H_REF;
    h->close_cb_ = NULL;
    h->origin_file_ = file;
    h->origin_line_ = line;
    asy__queue_init(&h->closing_link_);
    asy__queue_insert_tail(&loop->handles_, &h->handle_link_);
}

ASYNCRT_API void asy_close(asy_handle_t *h, asy_close_cb cb) {
    if (!h || (h->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED))) return;
    h->flags_ |= ASY__H_CLOSING;
    h->close_cb_ = cb;
    switch (h->type) {
        case ASY_HANDLE_TIMER:
            asy__timer_close((asy_timer_t *)h);
            break;
        case ASY_HANDLE_IDLE:
        case ASY_HANDLE_PREPARE:
        case ASY_HANDLE_CHECK:
            asy__phase_close((asy_phase_t *)h);
            break;
        case ASY_HANDLE_ASYNC:
            asy__async_close((asy_async_t *)h);
            break;
        case ASY_HANDLE_SIGNAL:
            asy__signal_close((asy_signal_t *)h);
            break;
        case ASY_HANDLE_POLL:
            asy__poll_close((asy_poll_t *)h);
            break;
        case ASY_HANDLE_FS_WATCH:
            asy__fs_watch_close((asy_fs_watch_t *)h);
            break;
        default:
            break;
    }
    asy__handle_stop(h);
    asy__queue_insert_tail(&h->loop->closing_, &h->closing_link_);
}

/* The close phase.  Handles closed by these callbacks wait for the next
 * iteration, as in libuv. */
ASY__INTERNAL void asy__run_closing(asy_loop_t *loop) {
    asy__queue q;
    asy__queue_init(&q);
    asy__queue_move(&loop->closing_, &q);
    while (!asy__queue_empty(&q)) {
        asy_handle_t *h = ASY_CONTAINER_OF(asy__queue_head(&q), asy_handle_t, closing_link_);
        asy__queue_remove(&h->closing_link_);
        asy__queue_remove(&h->handle_link_);
        h->flags_ = (h->flags_ & ~(unsigned)ASY__H_CLOSING) | ASY__H_CLOSED;
        if (h->close_cb_) {
            h->close_cb_(h);
            asy__after_cb(loop);
        }
    }
}

ASYNCRT_API int asy_is_closing(const asy_handle_t *h) {
    return h && (h->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) != 0;
}

ASYNCRT_API int asy_is_active(const asy_handle_t *h) { return h && asy__handle_active(h); }

ASYNCRT_API void asy_ref(asy_handle_t *h) {
    if (!h || (h->flags_ & ASY__H_REF)) return;
    h->flags_ |= ASY__H_REF;
    if (h->flags_ & ASY__H_ACTIVE) h->loop->active_handles_++;
}

ASYNCRT_API void asy_unref(asy_handle_t *h) {
    if (!h || !(h->flags_ & ASY__H_REF)) return;
    h->flags_ &= ~(unsigned)ASY__H_REF;
    if (h->flags_ & ASY__H_ACTIVE) h->loop->active_handles_--;
}

ASYNCRT_API int asy_has_ref(const asy_handle_t *h) { return h && (h->flags_ & ASY__H_REF) != 0; }

ASYNCRT_API const char *asy_handle_type_name(asy_handle_type type) {
    static const char *const names[] = {"unknown", "timer",   "idle",    "prepare", "check",
                                        "async",   "signal",  "poll",    "tcp",     "udp",
                                        "pipe",    "tty",     "process", "fs_watch", "stream"};
    unsigned i = (unsigned)type;
    return i < ASY_ARRAY_SIZE(names) ? names[i] : "unknown";
}

ASYNCRT_API void asy_loop_walk(asy_loop_t *loop, void (*fn)(asy_handle_t *h, void *arg),
                               void *arg) {
    asy__queue *q, *next;
    if (!loop || !fn) return;
    for (q = loop->handles_.next; q != &loop->handles_; q = next) {
        asy_handle_t *h = ASY_CONTAINER_OF(q, asy_handle_t, handle_link_);
        next = q->next;
        if (!(h->flags_ & ASY__H_INTERNAL)) fn(h, arg);
    }
}

ASYNCRT_API int asy_loop_print_handles(asy_loop_t *loop, FILE *out) {
    asy__queue *q;
    int n = 0;
    if (!loop) return ASY_EINVAL;
    ASY__QUEUE_FOREACH(q, &loop->handles_) {
        asy_handle_t *h = ASY_CONTAINER_OF(q, asy_handle_t, handle_link_);
        if (h->flags_ & ASY__H_INTERNAL) continue;
        n++;
        if (out)
            fprintf(out, "[%c%c%c] %-8s %p created at %s:%d\n",
                    (h->flags_ & ASY__H_REF) ? 'R' : '-', (h->flags_ & ASY__H_ACTIVE) ? 'A' : '-',
                    (h->flags_ & ASY__H_CLOSING) ? 'C' : '-', asy_handle_type_name(h->type),
                    (void *)h, h->origin_file_ ? h->origin_file_ : "?", h->origin_line_);
    }
    return n;
}

#line 1 "asyncrt_impl/loop/timer.c"
/* Timers live in the loop's heap keyed by due time (ms); the heap keeps
 * equal deadlines in start order. */

typedef struct asy__ctimer {
    asy__slot slot; /* must be first */
    asy_timer_t timer;
    asy_fn cb;
    void *arg;
    uint64_t ms;
    int interval;
} asy__ctimer;

typedef struct asy__immediate {
    asy__slot slot; /* must be first */
    asy_fn cb;
    void *arg;
    asy__queue link;
} asy__immediate;

ASY__INTERNAL int asy__timers_init(asy_loop_t *loop) {
    asy__heap_init(&loop->timers_);
    asy__slots_init(&loop->ctimers_, sizeof(asy__ctimer));
    asy__slots_init(&loop->immediates_, sizeof(asy__immediate));
    return 0;
}

ASY__INTERNAL void asy__timers_free(asy_loop_t *loop) {
    asy__heap_free(&loop->timers_);
    asy__slots_free(&loop->ctimers_);
    asy__slots_free(&loop->immediates_);
    asy__queue_init(&loop->immediate_q_);
    loop->immediate_refs_ = 0;
}

static void asy__timer_setup(asy_loop_t *loop, asy_timer_t *t) {
    t->cb_ = NULL;
    t->due_ = 0;
    t->repeat_ = 0;
    asy__heap_node_init(&t->heap_node_);
    (void)loop;
}

ASYNCRT_API int asy_timer_init_at(asy_loop_t *loop, asy_timer_t *t, const char *file, int line) {
    if (!loop || !t) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)t, ASY_HANDLE_TIMER, file, line);
    asy__timer_setup(loop, t);
    return 0;
}

static int asy__timer_arm(asy_timer_t *t, uint64_t timeout) {
    asy_loop_t *loop = t->loop;
    uint64_t due = loop->time_ + timeout;
    if (due < loop->time_) due = UINT64_MAX; /* saturate huge timeouts */
    asy__heap_remove(&loop->timers_, &t->heap_node_);
    if (asy__heap_insert(&loop->timers_, &t->heap_node_, due)) {
        asy__handle_stop((asy_handle_t *)t);
        return ASY_ENOMEM;
    }
    t->due_ = due;
    asy__handle_start((asy_handle_t *)t);
    return 0;
}

ASYNCRT_API int asy_timer_start(asy_timer_t *t, asy_timer_cb cb, uint64_t timeout,
                                uint64_t repeat) {
    if (!t || !cb || (t->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED))) return ASY_EINVAL;
    t->cb_ = cb;
    t->repeat_ = repeat;
    return asy__timer_arm(t, timeout);
}

ASYNCRT_API int asy_timer_stop(asy_timer_t *t) {
    if (!t) return ASY_EINVAL;
    asy__heap_remove(&t->loop->timers_, &t->heap_node_);
    asy__handle_stop((asy_handle_t *)t);
    return 0;
}

ASYNCRT_API int asy_timer_again(asy_timer_t *t) {
    if (!t || !t->cb_) return ASY_EINVAL;
    if (t->repeat_ == 0) return 0;
    return asy__timer_arm(t, t->repeat_);
}

ASYNCRT_API void asy_timer_set_repeat(asy_timer_t *t, uint64_t repeat) {
    if (t) t->repeat_ = repeat;
}

ASYNCRT_API uint64_t asy_timer_get_repeat(const asy_timer_t *t) { return t ? t->repeat_ : 0; }

ASYNCRT_API uint64_t asy_timer_get_due_in(const asy_timer_t *t) {
    if (!t || !asy__heap_node_active(&t->heap_node_) || t->due_ <= t->loop->time_) return 0;
    return t->due_ - t->loop->time_;
}

ASY__INTERNAL void asy__timer_close(asy_timer_t *t) { asy_timer_stop(t); }

ASY__INTERNAL int64_t asy__next_timeout(const asy_loop_t *loop) {
    const asy__heap_entry *min = asy__heap_min(&loop->timers_);
    if (!min) return -1;
    if (min->key <= loop->time_) return 0;
    return (int64_t)(min->key - loop->time_ > (uint64_t)INT64_MAX ? INT64_MAX
                                                                    : min->key - loop->time_);
}

/* The timers phase.  Only timers started before the phase began may run
 * in it (seq below the mark): a 0 ms timer started by a timer callback
 * waits for the next iteration, as in Node. */
ASY__INTERNAL void asy__run_timers(asy_loop_t *loop) {
    uint64_t mark = loop->timers_.next_seq;
    for (;;) {
        const asy__heap_entry *min = asy__heap_min(&loop->timers_);
        asy_timer_t *t;
        if (!min || min->key > loop->time_ || min->seq >= mark) break;
        t = ASY_CONTAINER_OF(min->node, asy_timer_t, heap_node_);
        asy__heap_remove(&loop->timers_, &t->heap_node_);
        if (t->repeat_) {
            /* re-armed before the callback so the callback may stop it */
            if (asy__timer_arm(t, t->repeat_)) asy__handle_stop((asy_handle_t *)t);
        } else {
            asy__handle_stop((asy_handle_t *)t);
        }
        /* The callback may free t (a one-shot convenience timer's slot is
         * released by it): t is not touched afterwards. */
        t->cb_(t);
        asy__after_cb(loop);
    }
}

/* ---- setTimeout / setInterval ------------------------------------------ */

static void asy__ctimer_fire(asy_timer_t *t) {
    asy__ctimer *c = ASY_CONTAINER_OF(t, asy__ctimer, timer);
    asy_loop_t *loop = t->loop;
    if (!c->interval) {
        asy_fn cb = c->cb;
        void *arg = c->arg;
        asy__slots_release(&loop->ctimers_, &c->slot); /* a clear from cb is a no-op */
        cb(arg);
    } else {
        c->cb(c->arg);
    }
}

static asy_timer_id asy__ctimer_new(asy_loop_t *loop, asy_fn cb, void *arg, uint64_t ms,
                                    int interval) {
    asy_timer_id id;
    asy__ctimer *c;
    id.id = 0;
    if (!loop || !cb) return id;
    c = (asy__ctimer *)(void *)asy__slots_alloc(&loop->ctimers_);
    if (!c) return id;
    c->cb = cb;
    c->arg = arg;
    c->ms = ms;
    c->interval = interval;
    c->timer.loop = loop;
    c->timer.type = ASY_HANDLE_TIMER;
    c->timer.flags_ = ASY__H_REF | ASY__H_INTERNAL;
    c->timer.data = c;
    asy__queue_init(&c->timer.handle_link_);
    asy__queue_init(&c->timer.closing_link_);
    asy__timer_setup(loop, &c->timer);
    c->timer.cb_ = asy__ctimer_fire;
    /* Node clamps interval repeats below 1 ms to 1 ms */
    c->timer.repeat_ = interval ? (ms ? ms : 1) : 0;
    if (asy__timer_arm(&c->timer, ms)) {
        asy__slots_release(&loop->ctimers_, &c->slot);
        return id;
    }
    id.id = asy__slot_id(&c->slot);
    return id;
}

ASYNCRT_API asy_timer_id asy_set_timeout(asy_loop_t *loop, asy_fn cb, void *arg, uint64_t ms) {
    return asy__ctimer_new(loop, cb, arg, ms, 0);
}

ASYNCRT_API asy_timer_id asy_set_interval(asy_loop_t *loop, asy_fn cb, void *arg, uint64_t ms) {
    return asy__ctimer_new(loop, cb, arg, ms, 1);
}

static asy__ctimer *asy__ctimer_get(asy_loop_t *loop, asy_timer_id id) {
    if (!loop) return NULL;
    return (asy__ctimer *)(void *)asy__slots_lookup(&loop->ctimers_, id.id);
}

ASYNCRT_API int asy_clear_timer(asy_loop_t *loop, asy_timer_id id) {
    asy__ctimer *c = asy__ctimer_get(loop, id);
    if (!c) return loop ? ASY_ENOENT : ASY_EINVAL;
    asy_timer_stop(&c->timer);
    asy__slots_release(&loop->ctimers_, &c->slot);
    return 0;
}

ASYNCRT_API int asy_timer_refresh(asy_loop_t *loop, asy_timer_id id) {
    asy__ctimer *c = asy__ctimer_get(loop, id);
    if (!c) return loop ? ASY_ENOENT : ASY_EINVAL;
    return asy__timer_arm(&c->timer, c->ms);
}

ASYNCRT_API int asy_timer_ref(asy_loop_t *loop, asy_timer_id id) {
    asy__ctimer *c = asy__ctimer_get(loop, id);
    if (!c) return loop ? ASY_ENOENT : ASY_EINVAL;
    asy_ref((asy_handle_t *)&c->timer);
    return 0;
}

ASYNCRT_API int asy_timer_unref(asy_loop_t *loop, asy_timer_id id) {
    asy__ctimer *c = asy__ctimer_get(loop, id);
    if (!c) return loop ? ASY_ENOENT : ASY_EINVAL;
    asy_unref((asy_handle_t *)&c->timer);
    return 0;
}

ASYNCRT_API int asy_timer_has_ref(asy_loop_t *loop, asy_timer_id id) {
    asy__ctimer *c = asy__ctimer_get(loop, id);
    if (!c) return loop ? ASY_ENOENT : ASY_EINVAL;
    return asy_has_ref((asy_handle_t *)&c->timer);
}

/* ---- setImmediate -------------------------------------------------------- */

ASYNCRT_API asy_immediate_id asy_set_immediate(asy_loop_t *loop, asy_fn cb, void *arg) {
    asy_immediate_id id;
    asy__immediate *im;
    id.id = 0;
    if (!loop || !cb) return id;
    im = (asy__immediate *)(void *)asy__slots_alloc(&loop->immediates_);
    if (!im) return id;
    im->cb = cb;
    im->arg = arg;
    asy__queue_insert_tail(&loop->immediate_q_, &im->link);
    loop->immediate_refs_++;
    id.id = asy__slot_id(&im->slot);
    return id;
}

ASYNCRT_API int asy_clear_immediate(asy_loop_t *loop, asy_immediate_id id) {
    asy__immediate *im;
    if (!loop) return ASY_EINVAL;
    im = (asy__immediate *)(void *)asy__slots_lookup(&loop->immediates_, id.id);
    if (!im) return ASY_ENOENT;
    asy__queue_remove(&im->link);
    loop->immediate_refs_--;
    asy__slots_release(&loop->immediates_, &im->slot);
    return 0;
}

/* The check phase's immediates: those queued before the phase started; the
 * ones they queue wait for the next iteration (Node). */
ASY__INTERNAL void asy__run_immediates(asy_loop_t *loop) {
    asy__queue q;
    if (asy__queue_empty(&loop->immediate_q_)) return;
    asy__queue_init(&q);
    asy__queue_move(&loop->immediate_q_, &q);
    while (!asy__queue_empty(&q)) {
        asy__immediate *im = ASY_CONTAINER_OF(asy__queue_head(&q), asy__immediate, link);
        asy_fn cb = im->cb;
        void *arg = im->arg;
        asy__queue_remove(&im->link);
        loop->immediate_refs_--;
        asy__slots_release(&loop->immediates_, &im->slot);
        cb(arg);
        asy__after_cb(loop);
    }
}

#line 1 "asyncrt_impl/loop/phases.c"
static asy__queue *asy__phase_list(asy_phase_t *h) {
    switch (h->type) {
        case ASY_HANDLE_IDLE:
            return &h->loop->idle_;
        case ASY_HANDLE_PREPARE:
            return &h->loop->prepare_;
        default:
            return &h->loop->check_;
    }
}

static int asy__phase_init(asy_loop_t *loop, asy_phase_t *h, asy_handle_type type,
                           const char *file, int line) {
    if (!loop || !h) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)h, type, file, line);
    h->cb_ = NULL;
    asy__queue_init(&h->phase_link_);
    return 0;
}

static int asy__phase_start(asy_phase_t *h, asy_phase_cb cb, asy_handle_type type) {
    if (!h || !cb || h->type != type || (h->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)))
        return ASY_EINVAL;
    h->cb_ = cb;
    if (asy__handle_active((asy_handle_t *)h)) return 0;
    asy__queue_insert_tail(asy__phase_list(h), &h->phase_link_);
    asy__handle_start((asy_handle_t *)h);
    return 0;
}

static int asy__phase_stop(asy_phase_t *h, asy_handle_type type) {
    if (!h || h->type != type) return ASY_EINVAL;
    asy__queue_remove(&h->phase_link_);
    asy__handle_stop((asy_handle_t *)h);
    return 0;
}

ASY__INTERNAL void asy__phase_close(asy_phase_t *h) {
    asy__queue_remove(&h->phase_link_);
    asy__handle_stop((asy_handle_t *)h);
}

ASYNCRT_API int asy_idle_init_at(asy_loop_t *loop, asy_idle_t *h, const char *file, int line) {
    return asy__phase_init(loop, h, ASY_HANDLE_IDLE, file, line);
}
ASYNCRT_API int asy_prepare_init_at(asy_loop_t *loop, asy_prepare_t *h, const char *file,
                                    int line) {
    return asy__phase_init(loop, h, ASY_HANDLE_PREPARE, file, line);
}
ASYNCRT_API int asy_check_init_at(asy_loop_t *loop, asy_check_t *h, const char *file, int line) {
    return asy__phase_init(loop, h, ASY_HANDLE_CHECK, file, line);
}
ASYNCRT_API int asy_idle_start(asy_idle_t *h, asy_phase_cb cb) {
    return asy__phase_start(h, cb, ASY_HANDLE_IDLE);
}
ASYNCRT_API int asy_idle_stop(asy_idle_t *h) { return asy__phase_stop(h, ASY_HANDLE_IDLE); }
ASYNCRT_API int asy_prepare_start(asy_prepare_t *h, asy_phase_cb cb) {
    return asy__phase_start(h, cb, ASY_HANDLE_PREPARE);
}
ASYNCRT_API int asy_prepare_stop(asy_prepare_t *h) {
    return asy__phase_stop(h, ASY_HANDLE_PREPARE);
}
ASYNCRT_API int asy_check_start(asy_check_t *h, asy_phase_cb cb) {
    return asy__phase_start(h, cb, ASY_HANDLE_CHECK);
}
ASYNCRT_API int asy_check_stop(asy_check_t *h) { return asy__phase_stop(h, ASY_HANDLE_CHECK); }

#line 1 "asyncrt_impl/loop/async.c"
#if ASYNCRT_OS_LINUX
#include <sys/eventfd.h>
#endif
/* One wake-up fd per loop (an eventfd on Linux, a pipe elsewhere) serves
 * every async handle.  A sender marks its handle pending and writes to the
 * fd only when the loop has no wake-up outstanding, so a burst of sends
 * costs one syscall.  The loop clears its outstanding flag *before*
 * scanning the handles, so a send that races the scan either is seen by
 * the scan or writes the fd again: the final wake is never lost. */

static void asy__wake_read(asy_loop_t *loop, asy__io *io, unsigned revents) {
    char buf[256];
    asy__queue q;
    (void)revents;
    for (;;) {
        ssize_t n = read(io->fd, buf, sizeof(buf));
        if (n == (ssize_t)sizeof(buf) && io->fd != loop->wake_wfd_) continue; /* pipe */
        if (n < 0 && errno == EINTR) continue;
        break;
    }
    __atomic_store_n(&loop->wake_pending_, 0, __ATOMIC_SEQ_CST);
    /* Walk a moved-aside list so callbacks may close or init any handle. */
    asy__queue_init(&q);
    asy__queue_move(&loop->async_handles_, &q);
    while (!asy__queue_empty(&q)) {
        asy_async_t *h = ASY_CONTAINER_OF(asy__queue_head(&q), asy_async_t, async_link_);
        asy__queue_remove(&h->async_link_);
        asy__queue_insert_tail(&loop->async_handles_, &h->async_link_);
        if (__atomic_exchange_n(&h->pending_, 0, __ATOMIC_SEQ_CST) == 0) continue;
        h->cb_(h);
        asy__after_cb(loop);
    }
}

ASY__INTERNAL int asy__async_loop_init(asy_loop_t *loop) {
    int rfd, r;
#if ASYNCRT_OS_LINUX
    rfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (rfd < 0) return asy__errno();
    loop->wake_wfd_ = rfd;
#else
    int fds[2];
    if (pipe(fds) != 0) return asy__errno();
    if ((r = asy__set_nonblock_cloexec(fds[0])) || (r = asy__set_nonblock_cloexec(fds[1]))) {
        close(fds[0]);
        close(fds[1]);
        return r;
    }
    rfd = fds[0];
    loop->wake_wfd_ = fds[1];
#endif
    asy__io_init(&loop->wake_io_, rfd, asy__wake_read);
    r = asy__io_start(loop, &loop->wake_io_, ASY_READABLE);
    if (r) {
        close(rfd);
        if (loop->wake_wfd_ != rfd) close(loop->wake_wfd_);
        loop->wake_wfd_ = -1;
    }
    return r;
}

ASY__INTERNAL void asy__async_loop_close(asy_loop_t *loop) {
    int rfd = loop->wake_io_.fd;
    if (rfd < 0) return;
    asy__io_close(loop, &loop->wake_io_);
    close(rfd);
    if (loop->wake_wfd_ >= 0 && loop->wake_wfd_ != rfd) close(loop->wake_wfd_);
    loop->wake_wfd_ = -1;
    loop->wake_io_.fd = -1;
}

ASYNCRT_API int asy_async_init_at(asy_loop_t *loop, asy_async_t *h, asy_async_cb cb,
                                  const char *file, int line) {
    if (!loop || !h || !cb) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)h, ASY_HANDLE_ASYNC, file, line);
    h->cb_ = cb;
    h->pending_ = 0;
    asy__queue_insert_tail(&loop->async_handles_, &h->async_link_);
    asy__handle_start((asy_handle_t *)h);
    return 0;
}

ASYNCRT_API int asy_async_send(asy_async_t *h) {
    asy_loop_t *loop;
    if (!h) return ASY_EINVAL;
    /* Already pending: the loop will see it. */
    if (__atomic_load_n(&h->pending_, __ATOMIC_RELAXED) ||
        __atomic_exchange_n(&h->pending_, 1, __ATOMIC_SEQ_CST))
        return 0;
    loop = h->loop;
    if (__atomic_exchange_n(&loop->wake_pending_, 1, __ATOMIC_SEQ_CST)) return 0;
    for (;;) {
#if ASYNCRT_OS_LINUX
        uint64_t one = 1;
        ssize_t n = write(loop->wake_wfd_, &one, sizeof(one));
#else
        char one = 1;
        ssize_t n = write(loop->wake_wfd_, &one, 1);
#endif
        if (n >= 0 || errno == EAGAIN) return 0; /* EAGAIN: a wake is queued anyway */
        if (errno != EINTR) return asy__errno();
    }
}

ASY__INTERNAL void asy__async_close(asy_async_t *h) {
    asy__queue_remove(&h->async_link_);
    asy__handle_stop((asy_handle_t *)h);
}

#line 1 "asyncrt_impl/loop/signal.c"
/* Process-wide signal plumbing.  Each loop that watches signals owns a
 * pipe and a slot in asy__sig_loops; the handler writes the signal number
 * to the pipe of every loop whose mask has that signal.  The handler reads
 * only atomics (async-signal-safe); everything else changes under
 * asy__sig_mutex.  A loop leaving clears its slot, then waits until no
 * handler is in flight before closing its pipe, so a handler never writes
 * to a recycled fd. */
#define ASY__SIG_MAX_LOOPS 128
#define ASY__SIG_NSIG 128

typedef struct {
    int wfd_plus1; /* 0: slot free */
    uint64_t mask[ASY__SIG_NSIG / 64];
} asy__sig_loop_slot;

static asy__sig_loop_slot asy__sig_loops[ASY__SIG_MAX_LOOPS];
static pthread_mutex_t asy__sig_mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned asy__sig_refs[ASY__SIG_NSIG];
static struct sigaction asy__sig_old[ASY__SIG_NSIG];
static int asy__sig_inflight;

static void asy__sig_handler(int signo) {
    int saved_errno = errno, i;
    unsigned char b = (unsigned char)signo;
    __atomic_add_fetch(&asy__sig_inflight, 1, __ATOMIC_SEQ_CST);
    for (i = 0; i < ASY__SIG_MAX_LOOPS; i++) {
        int wfd = __atomic_load_n(&asy__sig_loops[i].wfd_plus1, __ATOMIC_SEQ_CST) - 1;
        uint64_t m;
        if (wfd < 0) continue;
        m = __atomic_load_n(&asy__sig_loops[i].mask[signo / 64], __ATOMIC_SEQ_CST);
        if (m & ((uint64_t)1 << (signo % 64))) {
            ssize_t r;
            do r = write(wfd, &b, 1);
            while (r < 0 && errno == EINTR);
        }
    }
    __atomic_sub_fetch(&asy__sig_inflight, 1, __ATOMIC_SEQ_CST);
    errno = saved_errno;
}

/* Under the mutex: the loop's mask from its active handles. */
static void asy__sig_update_mask(asy_loop_t *loop) {
    uint64_t mask[ASY__SIG_NSIG / 64];
    asy__queue *q;
    unsigned i;
    if (loop->signal_slot_ < 0) return;
    memset(mask, 0, sizeof(mask));
    ASY__QUEUE_FOREACH(q, &loop->signal_handles_) {
        asy_signal_t *h = ASY_CONTAINER_OF(q, asy_signal_t, signal_link_);
        mask[h->signum_ / 64] |= (uint64_t)1 << (h->signum_ % 64);
    }
    for (i = 0; i < ASY__SIG_NSIG / 64; i++)
        __atomic_store_n(&asy__sig_loops[loop->signal_slot_].mask[i], mask[i], __ATOMIC_SEQ_CST);
}

static void asy__signal_read(asy_loop_t *loop, asy__io *io, unsigned revents) {
    unsigned char buf[128];
    ssize_t n, i;
    (void)revents;
    for (;;) {
        n = read(io->fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        for (i = 0; i < n; i++) {
            asy__queue q;
            asy__queue_init(&q);
            asy__queue_move(&loop->signal_handles_, &q);
            while (!asy__queue_empty(&q)) {
                asy_signal_t *h = ASY_CONTAINER_OF(asy__queue_head(&q), asy_signal_t, signal_link_);
                asy__queue_remove(&h->signal_link_);
                asy__queue_insert_tail(&loop->signal_handles_, &h->signal_link_);
                if (h->signum_ != (int)buf[i]) continue;
                if (h->oneshot_) asy_signal_stop(h);
                h->cb_(h, (int)buf[i]);
                asy__after_cb(loop);
            }
        }
        if (n < (ssize_t)sizeof(buf)) break;
    }
}

/* Under the mutex: gives the loop a pipe and a slot on first use. */
static int asy__sig_loop_attach(asy_loop_t *loop) {
    int fds[2], r, i;
    if (loop->signal_slot_ >= 0) return 0;
    for (i = 0; i < ASY__SIG_MAX_LOOPS; i++)
        if (__atomic_load_n(&asy__sig_loops[i].wfd_plus1, __ATOMIC_SEQ_CST) == 0) break;
    if (i == ASY__SIG_MAX_LOOPS) return ASY_ENOSPC;
    if (pipe(fds) != 0) return asy__errno();
    if ((r = asy__set_nonblock_cloexec(fds[0])) || (r = asy__set_nonblock_cloexec(fds[1]))) {
        close(fds[0]);
        close(fds[1]);
        return r;
    }
    asy__io_init(&loop->signal_io_, fds[0], asy__signal_read);
    if ((r = asy__io_start(loop, &loop->signal_io_, ASY_READABLE))) {
        close(fds[0]);
        close(fds[1]);
        return r;
    }
    memset(asy__sig_loops[i].mask, 0, sizeof(asy__sig_loops[i].mask));
    __atomic_store_n(&asy__sig_loops[i].wfd_plus1, fds[1] + 1, __ATOMIC_SEQ_CST);
    loop->signal_slot_ = i;
    loop->signal_wfd_ = fds[1];
    return 0;
}

ASY__INTERNAL void asy__signal_loop_close(asy_loop_t *loop) {
    if (loop->signal_slot_ < 0) return;
    pthread_mutex_lock(&asy__sig_mutex);
    __atomic_store_n(&asy__sig_loops[loop->signal_slot_].wfd_plus1, 0, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&asy__sig_mutex);
    while (__atomic_load_n(&asy__sig_inflight, __ATOMIC_SEQ_CST)) sched_yield();
    asy__io_close(loop, &loop->signal_io_);
    close(loop->signal_io_.fd);
    close(loop->signal_wfd_);
    loop->signal_slot_ = -1;
    loop->signal_wfd_ = -1;
}

ASYNCRT_API int asy_signal_init_at(asy_loop_t *loop, asy_signal_t *h, const char *file, int line) {
    if (!loop || !h) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)h, ASY_HANDLE_SIGNAL, file, line);
    h->cb_ = NULL;
    h->signum_ = 0;
    h->oneshot_ = 0;
    asy__queue_init(&h->signal_link_);
    return 0;
}

static int asy__signal_start(asy_signal_t *h, asy_signal_cb cb, int signum, int oneshot) {
    int r = 0;
    if (!h || !cb || signum <= 0 || signum >= ASY__SIG_NSIG || signum >= NSIG ||
        signum == SIGKILL || signum == SIGSTOP || (h->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)))
        return ASY_EINVAL;
    if (asy__handle_active((asy_handle_t *)h)) {
        if (h->signum_ == signum) {
            h->cb_ = cb;
            h->oneshot_ = oneshot;
            return 0;
        }
        asy_signal_stop(h);
    }
    pthread_mutex_lock(&asy__sig_mutex);
    r = asy__sig_loop_attach(h->loop);
    if (r == 0 && asy__sig_refs[signum] == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = asy__sig_handler;
        sigfillset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        if (sigaction(signum, &sa, &asy__sig_old[signum]) != 0) r = asy__errno();
    }
    if (r == 0) {
        asy__sig_refs[signum]++;
        h->cb_ = cb;
        h->signum_ = signum;
        h->oneshot_ = oneshot;
        asy__queue_insert_tail(&h->loop->signal_handles_, &h->signal_link_);
        asy__sig_update_mask(h->loop);
        asy__handle_start((asy_handle_t *)h);
    }
    pthread_mutex_unlock(&asy__sig_mutex);
    return r;
}

ASYNCRT_API int asy_signal_start(asy_signal_t *h, asy_signal_cb cb, int signum) {
    return asy__signal_start(h, cb, signum, 0);
}

ASYNCRT_API int asy_signal_start_oneshot(asy_signal_t *h, asy_signal_cb cb, int signum) {
    return asy__signal_start(h, cb, signum, 1);
}

ASYNCRT_API int asy_signal_stop(asy_signal_t *h) {
    if (!h) return ASY_EINVAL;
    if (!asy__handle_active((asy_handle_t *)h)) return 0;
    pthread_mutex_lock(&asy__sig_mutex);
    asy__queue_remove(&h->signal_link_);
    asy__sig_update_mask(h->loop);
    if (--asy__sig_refs[h->signum_] == 0) sigaction(h->signum_, &asy__sig_old[h->signum_], NULL);
    pthread_mutex_unlock(&asy__sig_mutex);
    asy__handle_stop((asy_handle_t *)h);
    return 0;
}

ASY__INTERNAL void asy__signal_close(asy_signal_t *h) { asy_signal_stop(h); }

#line 1 "asyncrt_impl/loop/poll.c"
static void asy__poll_io_cb(asy_loop_t *loop, asy__io *io, unsigned revents) {
    asy_poll_t *h = ASY_CONTAINER_OF(io, asy_poll_t, io_);
    unsigned ev = revents & h->io_.events;
    (void)loop;
    /* An error or hang-up condition is reported as the events the caller
     * asked for, so its next read or write surfaces the error (libuv). */
    if (revents & ASY__IO_ERR) ev |= h->io_.events & (ASY_READABLE | ASY_WRITABLE);
    if (ev) h->cb_(h, 0, ev);
}

ASYNCRT_API int asy_poll_init_at(asy_loop_t *loop, asy_poll_t *h, int fd, const char *file,
                                 int line) {
    if (!loop || !h || fd < 0) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)h, ASY_HANDLE_POLL, file, line);
    h->cb_ = NULL;
    asy__io_init(&h->io_, fd, asy__poll_io_cb);
    return 0;
}

ASYNCRT_API int asy_poll_start(asy_poll_t *h, unsigned events, asy_poll_cb cb) {
    int r;
    unsigned all = ASY_READABLE | ASY_WRITABLE | ASY_DISCONNECT | ASY_PRIORITIZED;
    if (!h || !cb || (events & ~all) || (h->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)))
        return ASY_EINVAL;
    asy__io_stop(h->loop, &h->io_, all & ~events);
    if (events == 0) {
        asy__handle_stop((asy_handle_t *)h);
        return 0;
    }
    r = asy__io_start(h->loop, &h->io_, events);
    if (r) return r;
    h->cb_ = cb;
    asy__handle_start((asy_handle_t *)h);
    return 0;
}

ASYNCRT_API int asy_poll_stop(asy_poll_t *h) {
    if (!h) return ASY_EINVAL;
    asy__io_close(h->loop, &h->io_);
    asy__handle_stop((asy_handle_t *)h);
    return 0;
}

ASY__INTERNAL void asy__poll_close(asy_poll_t *h) { asy_poll_stop(h); }

#line 1 "asyncrt_impl/loop/metrics.c"
/* Loop lag histogram: microsecond values in log-linear buckets, 16 per
 * power of two (about 6% precision), enough for 0 us .. hours. */
#define ASY__LAG_BUCKETS 1024

struct asy__lag_monitor {
    asy_timer_t timer;
    uint64_t resolution_ms;
    uint64_t expected_ns;
    uint64_t count, min_ns, max_ns;
    double sum_ns;
    uint32_t buckets[ASY__LAG_BUCKETS];
};

static unsigned asy__lag_bucket(uint64_t ns) {
    uint64_t us = ns / 1000u;
    unsigned e = 0, idx;
    if (us < 16) return (unsigned)us;
    while ((us >> e) >= 32) e++; /* us >> e is in [16, 32) */
    idx = (e + 1) * 16 + (unsigned)((us >> e) & 15);
    return idx < ASY__LAG_BUCKETS ? idx : ASY__LAG_BUCKETS - 1;
}

/* The bucket's lower bound, in ns. */
static uint64_t asy__lag_bucket_value(unsigned idx) {
    unsigned e;
    if (idx < 16) return (uint64_t)idx * 1000u;
    e = idx / 16 - 1;
    return ((uint64_t)(16 + idx % 16) << e) * 1000u;
}

static void asy__lag_fire(asy_timer_t *t) {
    struct asy__lag_monitor *m = (struct asy__lag_monitor *)t->data;
    uint64_t now = asy_hrtime();
    uint64_t lag = now > m->expected_ns ? now - m->expected_ns : 0;
    m->buckets[asy__lag_bucket(lag)]++;
    if (m->count == 0 || lag < m->min_ns) m->min_ns = lag;
    if (lag > m->max_ns) m->max_ns = lag;
    m->sum_ns += (double)lag;
    m->count++;
    m->expected_ns = now + m->resolution_ms * 1000000u;
}

ASY__INTERNAL void asy__lag_monitor_free(asy_loop_t *loop) {
    if (!loop->lag_) return;
    asy_timer_stop(&loop->lag_->timer);
    asy__free(loop->lag_);
    loop->lag_ = NULL;
}

ASYNCRT_API int asy_loop_lag_monitor(asy_loop_t *loop, uint64_t resolution_ms) {
    struct asy__lag_monitor *m;
    int r;
    if (!loop) return ASY_EINVAL;
    asy__lag_monitor_free(loop);
    if (resolution_ms == 0) return 0;
    m = ASY__NEW(struct asy__lag_monitor);
    if (!m) return ASY_ENOMEM;
    memset(m, 0, sizeof(*m));
    m->resolution_ms = resolution_ms;
    /* an internal, unref'd timer: it neither lists nor keeps the loop alive */
    m->timer.loop = loop;
    m->timer.type = ASY_HANDLE_TIMER;
    m->timer.flags_ = ASY__H_INTERNAL;
    m->timer.data = m;
    asy__queue_init(&m->timer.handle_link_);
    asy__queue_init(&m->timer.closing_link_);
    asy__heap_node_init(&m->timer.heap_node_);
    m->expected_ns = asy_hrtime() + resolution_ms * 1000000u;
    r = asy_timer_start(&m->timer, asy__lag_fire, resolution_ms, resolution_ms);
    if (r) {
        asy__free(m);
        return r;
    }
    loop->lag_ = m;
    return 0;
}

static uint64_t asy__lag_percentile(const struct asy__lag_monitor *m, double p) {
    uint64_t want = (uint64_t)(p * (double)m->count + 0.5), seen = 0;
    unsigned i;
    if (want == 0) want = 1;
    for (i = 0; i < ASY__LAG_BUCKETS; i++) {
        seen += m->buckets[i];
        if (seen >= want) {
            uint64_t v = asy__lag_bucket_value(i);
            if (v < m->min_ns) v = m->min_ns;
            return v > m->max_ns ? m->max_ns : v;
        }
    }
    return m->max_ns;
}

ASYNCRT_API int asy_loop_metrics(asy_loop_t *loop, asy_loop_metrics_t *out) {
    uint64_t now;
    if (!loop || !out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    now = asy_hrtime();
    out->iterations = loop->iterations_;
    out->events = loop->events_;
    out->idle_ns = loop->idle_ns_;
    out->elapsed_ns = now - loop->start_ns_;
    out->utilization =
        out->elapsed_ns ? 1.0 - (double)out->idle_ns / (double)out->elapsed_ns : 0.0;
    if (out->utilization < 0) out->utilization = 0;
    if (loop->lag_ && loop->lag_->count) {
        const struct asy__lag_monitor *m = loop->lag_;
        out->lag_samples = m->count;
        out->lag_min_ns = m->min_ns;
        out->lag_max_ns = m->max_ns;
        out->lag_mean_ns = m->sum_ns / (double)m->count;
        out->lag_p50_ns = asy__lag_percentile(m, 0.50);
        out->lag_p90_ns = asy__lag_percentile(m, 0.90);
        out->lag_p99_ns = asy__lag_percentile(m, 0.99);
    }
    return 0;
}

ASYNCRT_API double asy_loop_elu(const asy_loop_metrics_t *now, const asy_loop_metrics_t *prev) {
    uint64_t el, idle;
    if (!now) return 0.0;
    if (!prev) return now->utilization;
    el = now->elapsed_ns - prev->elapsed_ns;
    idle = now->idle_ns - prev->idle_ns;
    return el ? 1.0 - (double)idle / (double)el : 0.0;
}

#line 1 "asyncrt_impl/loop/loop.c"
ASY__INTERNAL void asy__run_closing(asy_loop_t *loop);

ASYNCRT_API int asy_loop_init(asy_loop_t *loop, const asy_loop_opts *opts) {
    int r;
    if (!loop) return ASY_EINVAL;
    memset(loop, 0, sizeof(*loop));
    if (opts) loop->opts_ = *opts;
    asy__queue_init(&loop->handles_);
    asy__queue_init(&loop->idle_);
    asy__queue_init(&loop->prepare_);
    asy__queue_init(&loop->check_);
    asy__queue_init(&loop->pending_);
    asy__queue_init(&loop->closing_);
    asy__queue_init(&loop->immediate_q_);
    asy__queue_init(&loop->async_handles_);
    asy__queue_init(&loop->signal_handles_);
    loop->signal_slot_ = -1;
    loop->signal_wfd_ = -1;
    loop->wake_wfd_ = -1;
    loop->start_ns_ = asy_hrtime();
    loop->time_ = loop->opts_.virtual_clock ? 0 : loop->start_ns_ / 1000000u;
    r = asy__timers_init(loop);
    if (r == 0) r = asy__backend_init(loop, loop->opts_.backend);
    if (r == 0) {
        r = asy__async_loop_init(loop);
        if (r) asy__backend_close(loop);
    }
    if (r) {
        asy__timers_free(loop);
        memset(loop, 0, sizeof(*loop));
    }
    return r;
}

ASYNCRT_API uint64_t asy_now(const asy_loop_t *loop) { return loop ? loop->time_ : 0; }

ASYNCRT_API void asy_update_time(asy_loop_t *loop) {
    if (loop && !loop->opts_.virtual_clock) loop->time_ = asy_hrtime() / 1000000u;
}

ASYNCRT_API int asy_loop_alive(const asy_loop_t *loop) {
    return loop && (loop->active_handles_ > 0 || loop->active_reqs_ > 0 ||
                    loop->immediate_refs_ > 0 || !asy__queue_empty(&loop->pending_) ||
                    !asy__queue_empty(&loop->closing_));
}

ASYNCRT_API void asy_stop(asy_loop_t *loop) {
    if (loop) loop->stop_flag_ = 1;
}

ASYNCRT_API const char *asy_loop_backend(const asy_loop_t *loop) {
    return loop ? asy__backend_name(loop) : "none";
}

ASYNCRT_API int asy_defer(asy_loop_t *loop, asy_pending_t *req, asy_fn cb, void *arg) {
    if (!loop || !req || !cb) return ASY_EINVAL;
    req->cb = cb;
    req->arg = arg;
    asy__queue_insert_tail(&loop->pending_, &req->link_);
    return 0;
}

/* Returns whether any pending callback ran. */
static int asy__run_pending(asy_loop_t *loop) {
    asy__queue q;
    if (asy__queue_empty(&loop->pending_)) return 0;
    asy__queue_init(&q);
    asy__queue_move(&loop->pending_, &q);
    while (!asy__queue_empty(&q)) {
        asy_pending_t *req = ASY_CONTAINER_OF(asy__queue_head(&q), asy_pending_t, link_);
        asy__queue_remove(&req->link_);
        req->cb(req->arg);
        asy__after_cb(loop);
    }
    return 1;
}

/* Runs the handles of one phase.  The list is moved aside first so a
 * callback may stop or start any handle; stopped ones are simply gone from
 * the moved list, started ones run next iteration. */
static void asy__run_phase(asy_loop_t *loop, asy__queue *list) {
    asy__queue q;
    if (asy__queue_empty(list)) return;
    asy__queue_init(&q);
    asy__queue_move(list, &q);
    while (!asy__queue_empty(&q)) {
        asy_phase_t *h = ASY_CONTAINER_OF(asy__queue_head(&q), asy_phase_t, phase_link_);
        asy__queue_remove(&h->phase_link_);
        asy__queue_insert_tail(list, &h->phase_link_);
        h->cb_(h);
        asy__after_cb(loop);
    }
}

static int asy__poll_timeout(asy_loop_t *loop) {
    int64_t t;
    if (loop->stop_flag_ || !asy__queue_empty(&loop->idle_) ||
        !asy__queue_empty(&loop->pending_) || !asy__queue_empty(&loop->closing_) ||
        !asy__queue_empty(&loop->immediate_q_))
        return 0;
    if (!asy_loop_alive(loop)) return 0;
    t = asy__next_timeout(loop);
    if (t > INT_MAX) t = INT_MAX;
    return (int)t;
}

/* The poll phase.  With a virtual clock the loop never sleeps on a timer:
 * it looks for I/O without blocking and, finding none, jumps the clock to
 * the next timer.  Requests in flight (thread pool work) hold the clock:
 * their completion is real work the program is waiting for. */
static void asy__poll_phase(asy_loop_t *loop, int timeout) {
    if (!loop->opts_.virtual_clock || timeout == 0) {
        asy__backend_poll(loop, timeout);
        return;
    }
    if (timeout < 0 || loop->active_reqs_ > 0) {
        asy__backend_poll(loop, timeout < 0 ? -1 : (loop->active_reqs_ ? -1 : timeout));
        return;
    }
    if (asy__backend_poll(loop, 0) == 0) loop->time_ += (uint64_t)timeout;
}

ASYNCRT_API int asy_run(asy_loop_t *loop, asy_run_mode mode) {
    int alive, ran_pending;
    if (!loop) return ASY_EINVAL;
    if (loop->running_) return ASY_EBUSY; /* asy_run from a callback */
    loop->running_ = 1;
    /* Code that ran before asy_run is the "main module": its nextTicks and
     * microtasks run before the first phase, as in Node. */
    asy__after_cb(loop);
    alive = asy_loop_alive(loop);
    if (!alive) asy_update_time(loop);
    while (alive && !loop->stop_flag_) {
        int timeout = 0;
        asy_update_time(loop);
        asy__run_timers(loop);
        ran_pending = asy__run_pending(loop);
        asy__run_phase(loop, &loop->idle_);
        asy__run_phase(loop, &loop->prepare_);
        if ((mode == ASY_RUN_ONCE && !ran_pending) || mode == ASY_RUN_DEFAULT)
            timeout = asy__poll_timeout(loop);
        asy__poll_phase(loop, timeout);
        asy__run_phase(loop, &loop->check_);
        asy__run_immediates(loop);
        asy__run_closing(loop);
        loop->iterations_++;
        if (mode == ASY_RUN_ONCE) {
            /* ONCE promises progress: timers that came due while polling */
            asy_update_time(loop);
            asy__run_timers(loop);
        }
        alive = asy_loop_alive(loop);
        if (mode != ASY_RUN_DEFAULT) break;
    }
    loop->stop_flag_ = 0;
    loop->running_ = 0;
    return alive;
}

ASYNCRT_API int asy_loop_advance(asy_loop_t *loop, uint64_t ms) {
    uint64_t target;
    if (!loop || !loop->opts_.virtual_clock) return ASY_EINVAL;
    target = loop->time_ + ms;
    /* step from deadline to deadline so callbacks see the time they were due */
    for (;;) {
        int64_t next = asy__next_timeout(loop);
        if (next < 0 || loop->time_ + (uint64_t)next > target) break;
        loop->time_ += (uint64_t)next;
        asy__run_timers(loop);
    }
    loop->time_ = target;
    return 0;
}

ASYNCRT_API int asy_loop_close(asy_loop_t *loop) {
    int i;
    if (!loop) return ASY_EINVAL;
    if (loop->running_) return ASY_EBUSY;
    /* Let handles whose close is in progress finish first. */
    if (!asy__queue_empty(&loop->closing_)) asy__run_closing(loop);
    if (asy_loop_print_handles(loop, NULL) > 0) {
        if (loop->opts_.debug_handles) {
            fprintf(stderr, "asy_loop_close: open handles:\n");
            asy_loop_print_handles(loop, stderr);
        }
        return ASY_EBUSY;
    }
    for (i = ASY__LAYER_MAX; i-- > 0;)
        if (loop->layers_[i].close) loop->layers_[i].close(loop, loop->layers_[i].state);
    asy__lag_monitor_free(loop);
    asy__signal_loop_close(loop);
    asy__async_loop_close(loop);
    asy__timers_free(loop);
    asy__backend_close(loop);
    asy__taskq_free(&loop->ticks_);
    asy__taskq_free(&loop->microtasks_);
    memset(loop, 0, sizeof(*loop));
    return 0;
}

ASY__INTERNAL int asy__set_nonblock_cloexec(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return asy__errno();
    fl = fcntl(fd, F_GETFD);
    if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0) return asy__errno();
    return 0;
}

#endif /* ASYNCRT_OS_POSIX */
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/backend/epoll.c"
#if ASYNCRT_OS_LINUX
#include <sys/epoll.h>
/* epoll: level-triggered, one registration per fd, changes applied at once
 * so a bad fd is reported by the call that asked for it. */
#define ASY__EPOLL_BATCH 1024

static unsigned asy__epoll_mask(unsigned events) {
    unsigned m = 0;
    if (events & ASY_READABLE) m |= EPOLLIN;
    if (events & ASY_WRITABLE) m |= EPOLLOUT;
    if (events & ASY_DISCONNECT) m |= EPOLLRDHUP;
    if (events & ASY_PRIORITIZED) m |= EPOLLPRI;
    return m;
}

static int asy__epoll_init(asy_loop_t *loop) {
    asy__backend_state *b = &loop->backend_;
    b->fd = epoll_create1(EPOLL_CLOEXEC);
    if (b->fd < 0) return asy__errno();
    b->events = asy__malloc(sizeof(struct epoll_event) * ASY__EPOLL_BATCH);
    if (!b->events) {
        close(b->fd);
        b->fd = -1;
        return ASY_ENOMEM;
    }
    b->nevents = ASY__EPOLL_BATCH;
    b->kind = ASY__BACKEND_EPOLL;
    return 0;
}

static void asy__epoll_close(asy_loop_t *loop) {
    asy__backend_state *b = &loop->backend_;
    if (b->fd >= 0) close(b->fd);
    asy__free(b->events);
    b->fd = -1;
    b->events = NULL;
}

static int asy__epoll_update(asy_loop_t *loop, asy__io *io, unsigned want) {
    struct epoll_event ev;
    int op;
    if (want == io->registered) return 0;
    memset(&ev, 0, sizeof(ev));
    ev.events = asy__epoll_mask(want);
    ev.data.ptr = io;
    if (want == 0)
        op = EPOLL_CTL_DEL;
    else
        op = io->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(loop->backend_.fd, op, io->fd, &ev) != 0) {
        int err = asy__errno();
        /* the fd was closed behind our back: forget it rather than fail */
        if (op == EPOLL_CTL_DEL) err = 0;
        if (err) return err;
    }
    if (op == EPOLL_CTL_ADD) loop->backend_.io_count++;
    if (op == EPOLL_CTL_DEL) loop->backend_.io_count--;
    io->registered = want;
    return 0;
}

/* An io stopped or closed while its event waits in the current batch must
 * not be called: strike it out. */
static void asy__epoll_invalidate(asy_loop_t *loop, asy__io *io) {
    struct epoll_event *ev = (struct epoll_event *)loop->backend_.dispatch;
    int i;
    if (!ev) return;
    for (i = 0; i < loop->backend_.dispatch_n; i++)
        if (ev[i].data.ptr == io) ev[i].data.ptr = NULL;
}

static unsigned asy__epoll_revents(unsigned e) {
    unsigned r = 0;
    if (e & EPOLLIN) r |= ASY_READABLE;
    if (e & EPOLLOUT) r |= ASY_WRITABLE;
    if (e & EPOLLRDHUP) r |= ASY_DISCONNECT;
    if (e & EPOLLPRI) r |= ASY_PRIORITIZED;
    if (e & (EPOLLERR | EPOLLHUP)) r |= ASY__IO_ERR;
    return r;
}

static int asy__epoll_poll(asy_loop_t *loop, int timeout) {
    asy__backend_state *b = &loop->backend_;
    struct epoll_event *ev = (struct epoll_event *)b->events;
    uint64_t t0 = 0;
    int n, i, dispatched = 0;
    if (b->io_count == 0 && timeout < 0) return 0; /* nothing could ever wake us */
    if (timeout != 0) t0 = asy_hrtime();
    n = epoll_wait(b->fd, ev, (int)b->nevents, timeout);
    if (timeout != 0) {
        uint64_t t1 = asy_hrtime();
        loop->idle_ns_ += t1 - t0;
        asy_update_time(loop);
    }
    if (n <= 0) return 0;
    b->dispatch = ev;
    b->dispatch_n = n;
    for (i = 0; i < n; i++) {
        asy__io *io = (asy__io *)ev[i].data.ptr;
        if (!io) continue; /* closed by an earlier callback of this batch */
        dispatched++;
        io->cb(loop, io, asy__epoll_revents(ev[i].events));
        asy__after_cb(loop);
    }
    b->dispatch = NULL;
    b->dispatch_n = 0;
    loop->events_ += (uint64_t)dispatched;
    return dispatched;
}
#endif

#line 1 "asyncrt_impl/backend/poll.c"
#include <poll.h>
/* poll(2): the portable fallback (ASYNCRT_BACKEND=poll).  Registered ios
 * sit in a dense array parallel to the pollfd array; removal swaps the last
 * entry into the hole. */
typedef struct {
    struct pollfd *pfds;
    asy__io **ios;
} asy__poll_arrays;

static int asy__pollb_init(asy_loop_t *loop) {
    asy__poll_arrays *a = ASY__NEW(asy__poll_arrays);
    if (!a) return ASY_ENOMEM;
    memset(a, 0, sizeof(*a));
    loop->backend_.io_table = a;
    loop->backend_.io_table_cap = 0;
    loop->backend_.fd = -1;
    loop->backend_.kind = ASY__BACKEND_POLL;
    return 0;
}

static void asy__pollb_close(asy_loop_t *loop) {
    asy__poll_arrays *a = (asy__poll_arrays *)loop->backend_.io_table;
    if (!a) return;
    asy__free(a->pfds);
    asy__free(a->ios);
    asy__free(a);
    loop->backend_.io_table = NULL;
}

static short asy__pollb_mask(unsigned events) {
    short m = 0;
    if (events & ASY_READABLE) m |= POLLIN;
    if (events & ASY_WRITABLE) m |= POLLOUT;
    if (events & ASY_PRIORITIZED) m |= POLLPRI;
#ifdef POLLRDHUP
    if (events & ASY_DISCONNECT) m |= POLLRDHUP;
#endif
    return m;
}

static int asy__pollb_update(asy_loop_t *loop, asy__io *io, unsigned want) {
    asy__backend_state *b = &loop->backend_;
    asy__poll_arrays *a = (asy__poll_arrays *)b->io_table;
    if (want == io->registered) return 0;
    if (fcntl(io->fd, F_GETFD) < 0 && want) return ASY_EBADF;
    if (io->registered == 0) {
        if (b->io_count == b->io_table_cap) {
            unsigned ncap = b->io_table_cap ? b->io_table_cap * 2 : 64;
            struct pollfd *np = (struct pollfd *)asy__realloc(a->pfds, sizeof(*np) * ncap);
            asy__io **ni;
            if (!np) return ASY_ENOMEM;
            a->pfds = np;
            ni = (asy__io **)asy__realloc(a->ios, sizeof(*ni) * ncap);
            if (!ni) return ASY_ENOMEM;
            a->ios = ni;
            b->io_table_cap = ncap;
        }
        io->slot = b->io_count++;
        a->ios[io->slot] = io;
        a->pfds[io->slot].fd = io->fd;
    }
    if (want == 0) {
        unsigned last = --b->io_count;
        if (io->slot != last) {
            a->ios[io->slot] = a->ios[last];
            a->pfds[io->slot] = a->pfds[last];
            a->ios[io->slot]->slot = io->slot;
        }
    } else {
        a->pfds[io->slot].events = asy__pollb_mask(want);
        a->pfds[io->slot].revents = 0;
    }
    io->registered = want;
    return 0;
}

static int asy__pollb_poll(asy_loop_t *loop, int timeout) {
    asy__backend_state *b = &loop->backend_;
    asy__poll_arrays *a = (asy__poll_arrays *)b->io_table;
    uint64_t t0 = 0;
    unsigned i, n;
    int r, dispatched = 0;
    if (b->io_count == 0 && timeout < 0) return 0;
    if (timeout != 0) t0 = asy_hrtime();
    n = b->io_count;
    r = poll(a->pfds, n, timeout);
    if (timeout != 0) {
        loop->idle_ns_ += asy_hrtime() - t0;
        asy_update_time(loop);
    }
    if (r <= 0) return 0;
    /* Walk by io pointer snapshot semantics: an io removed by a callback
     * swaps the tail into its place, so re-check each slot's revents. */
    for (i = 0; i < b->io_count && i < n; i++) {
        short re = a->pfds[i].revents;
        unsigned ev = 0;
        asy__io *io;
        if (!re) continue;
        a->pfds[i].revents = 0;
        if (re & POLLIN) ev |= ASY_READABLE;
        if (re & POLLOUT) ev |= ASY_WRITABLE;
        if (re & POLLPRI) ev |= ASY_PRIORITIZED;
#ifdef POLLRDHUP
        if (re & POLLRDHUP) ev |= ASY_DISCONNECT;
#endif
        if (re & (POLLERR | POLLHUP | POLLNVAL)) ev |= ASY__IO_ERR;
        io = a->ios[i];
        dispatched++;
        io->cb(loop, io, ev);
        asy__after_cb(loop);
        /* if the callback removed this slot, the swapped-in entry now sits
         * at i with its own revents: look at i again */
        if (i < b->io_count && a->ios[i] != io) i--;
    }
    loop->events_ += (uint64_t)dispatched;
    return dispatched;
}

#line 1 "asyncrt_impl/backend/select.c"
/* Run-time selection between the compiled-in backends, and the io calls
 * the loop makes, dispatched to the one in use. */
ASY__INTERNAL int asy__backend_init(asy_loop_t *loop, const char *name) {
    if (!name || !*name) name = getenv("ASYNCRT_BACKEND");
    if (name && *name) {
        if (strcmp(name, "poll") == 0) return asy__pollb_init(loop);
#if ASYNCRT_OS_LINUX
        if (strcmp(name, "epoll") == 0) return asy__epoll_init(loop);
#endif
        return ASY_ENOSYS; /* a backend this build does not have */
    }
#if ASYNCRT_OS_LINUX
    return asy__epoll_init(loop);
#else
    return asy__pollb_init(loop);
#endif
}

ASY__INTERNAL void asy__backend_close(asy_loop_t *loop) {
#if ASYNCRT_OS_LINUX
    if (loop->backend_.kind == ASY__BACKEND_EPOLL) asy__epoll_close(loop);
#endif
    if (loop->backend_.kind == ASY__BACKEND_POLL) asy__pollb_close(loop);
    loop->backend_.kind = 0;
}

ASY__INTERNAL int asy__backend_poll(asy_loop_t *loop, int timeout_ms) {
#if ASYNCRT_OS_LINUX
    if (loop->backend_.kind == ASY__BACKEND_EPOLL) return asy__epoll_poll(loop, timeout_ms);
#endif
    return asy__pollb_poll(loop, timeout_ms);
}

ASY__INTERNAL const char *asy__backend_name(const asy_loop_t *loop) {
    switch (loop->backend_.kind) {
        case ASY__BACKEND_EPOLL:
            return "epoll";
        case ASY__BACKEND_POLL:
            return "poll";
        default:
            return "none";
    }
}

static int asy__backend_update(asy_loop_t *loop, asy__io *io, unsigned want) {
#if ASYNCRT_OS_LINUX
    if (loop->backend_.kind == ASY__BACKEND_EPOLL) return asy__epoll_update(loop, io, want);
#endif
    return asy__pollb_update(loop, io, want);
}

ASY__INTERNAL void asy__io_init(asy__io *io, int fd, asy__io_cb cb) {
    io->fd = fd;
    io->events = 0;
    io->registered = 0;
    io->cb = cb;
    io->slot = 0;
}

ASY__INTERNAL int asy__io_start(asy_loop_t *loop, asy__io *io, unsigned events) {
    unsigned want = io->events | events;
    int r;
    if (io->fd < 0) return ASY_EBADF;
    r = asy__backend_update(loop, io, want);
    if (r == 0) io->events = want;
    return r;
}

ASY__INTERNAL void asy__io_stop(asy_loop_t *loop, asy__io *io, unsigned events) {
    unsigned want = io->events & ~events;
    io->events = want;
    if (asy__backend_update(loop, io, want) != 0) {
        /* could not narrow the interest: drop the fd entirely */
        asy__backend_update(loop, io, 0);
        io->events = 0;
    }
    if (want == 0) {
#if ASYNCRT_OS_LINUX
        if (loop->backend_.kind == ASY__BACKEND_EPOLL) asy__epoll_invalidate(loop, io);
#endif
    }
}

ASY__INTERNAL void asy__io_close(asy_loop_t *loop, asy__io *io) {
    asy__io_stop(loop, io, io->events | io->registered);
}

#endif /* ASYNCRT_OS_POSIX */
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/promise/objpool.c"
/* asy__objpool: fixed-size objects for the hot paths of the promise and
 * sync layers.  Chunks grow geometrically and are handed out by bumping a
 * pointer, so memory is touched only when used; freed objects go on a LIFO
 * free list (the most recently used, cache-warm, object comes back first).
 * Every object starts with a one-word header: the free-list link while
 * free, ASY__OBJ_LIVE while in use, which lets the owner walk the live
 * objects when tearing down. */
#define ASY__OBJ_LIVE ((void *)(uintptr_t)1)
/* A hint to fetch memory that will be needed soon (free lists, queues). */
#if defined(__GNUC__) || defined(__clang__)
#define ASY__PREFETCH(p) __builtin_prefetch(p)
#else
#define ASY__PREFETCH(p) ((void)0)
#endif
#define ASY__OBJPOOL_FIRST 64u
#define ASY__OBJPOOL_MAX_CHUNK 65536u

typedef struct {
    char **chunks;
    uint32_t *chunk_used; /* objects handed out from each chunk (ever) */
    uint32_t nchunks, chunks_cap;
    size_t item_size;
    uint32_t next_items;
    char *bump, *bump_end;
    void *free_head;
    size_t nfree; /* on the free list */
} asy__objpool;

ASY__INTERNAL void asy__objpool_init(asy__objpool *p, size_t item_size) {
    memset(p, 0, sizeof(*p));
    p->item_size = (item_size + 7) & ~(size_t)7;
    p->next_items = ASY__OBJPOOL_FIRST;
}

/* Pushes what is left of the bump chunk onto the free list. */
static void asy__objpool_retire_bump(asy__objpool *p) {
    while (p->bump < p->bump_end) {
        *(void **)(void *)p->bump = p->free_head;
        p->free_head = p->bump;
        p->nfree++;
        p->chunk_used[p->nchunks - 1]++;
        p->bump += p->item_size;
    }
}

static int asy__objpool_grow(asy__objpool *p, size_t min_items) {
    size_t items = p->next_items;
    char *chunk;
    if (items < min_items) items = min_items;
    if (items > SIZE_MAX / p->item_size || items > UINT32_MAX) return ASY_ENOMEM;
    if (p->nchunks == p->chunks_cap) {
        uint32_t ncap = p->chunks_cap ? p->chunks_cap * 2 : 16;
        char **nc = (char **)asy__realloc(p->chunks, ncap * sizeof(char *));
        uint32_t *nu;
        if (!nc) return ASY_ENOMEM;
        p->chunks = nc;
        nu = (uint32_t *)asy__realloc(p->chunk_used, ncap * sizeof(uint32_t));
        if (!nu) return ASY_ENOMEM;
        p->chunk_used = nu;
        p->chunks_cap = ncap;
    }
    if (!(chunk = (char *)asy__malloc(items * p->item_size))) return ASY_ENOMEM;
    if (p->nchunks) asy__objpool_retire_bump(p);
    p->chunks[p->nchunks] = chunk;
    p->chunk_used[p->nchunks] = 0;
    p->nchunks++;
    p->bump = chunk;
    p->bump_end = chunk + items * p->item_size;
    if (p->next_items < ASY__OBJPOOL_MAX_CHUNK) p->next_items *= 2;
    return 0;
}

/* After a 0 return, n allocations cannot fail. */
ASY__INTERNAL int asy__objpool_reserve(asy__objpool *p, size_t n) {
    size_t have = p->nfree + (size_t)(p->bump_end - p->bump) / p->item_size;
    return have >= n ? 0 : asy__objpool_grow(p, n - have);
}

static inline void *asy__objpool_alloc(asy__objpool *p) {
    void *obj;
    if (ASY__LIKELY(p->free_head != NULL)) {
        obj = p->free_head;
        p->free_head = *(void **)obj;
        p->nfree--;
        /* the next object off the list is likely cold: fetch it now */
        ASY__PREFETCH(p->free_head);
    } else {
        if (p->bump == p->bump_end && asy__objpool_grow(p, 1) != 0) return NULL;
        obj = p->bump;
        p->bump += p->item_size;
        p->chunk_used[p->nchunks - 1]++;
    }
    *(void **)obj = ASY__OBJ_LIVE;
    return obj;
}

static inline void asy__objpool_free(asy__objpool *p, void *obj) {
    *(void **)obj = p->free_head;
    p->free_head = obj;
    p->nfree++;
}

/* Calls fn on every live object (teardown). */
ASY__INTERNAL void asy__objpool_each_live(asy__objpool *p, void (*fn)(void *obj, void *ctx),
                                          void *ctx) {
    uint32_t c, i;
    for (c = 0; c < p->nchunks; c++)
        for (i = 0; i < p->chunk_used[c]; i++) {
            void *obj = p->chunks[c] + (size_t)i * p->item_size;
            if (*(void **)obj == ASY__OBJ_LIVE) fn(obj, ctx);
        }
}

ASY__INTERNAL void asy__objpool_destroy(asy__objpool *p) {
    uint32_t c;
    for (c = 0; c < p->nchunks; c++) asy__free(p->chunks[c]);
    asy__free(p->chunks);
    asy__free(p->chunk_used);
    memset(p, 0, sizeof(*p));
}

#line 1 "asyncrt_impl/promise/promise.internal.h"
/* Private parts of the promise layer, shared with the sync layer.
 *
 * Promises and reactions come from per-loop object pools (objpool.c), so
 * steady-state promise traffic does not touch malloc, and asy_loop_close
 * can reclaim whatever is still alive by walking the pools. */
enum {
    ASY__P_LOCKED = 1u << 0,    /* resolved with a promise: waits for it */
    ASY__P_HANDLED = 1u << 1,   /* a continuation was attached */
    ASY__P_REPORTED = 1u << 2,  /* given to the unhandled-rejection hook */
    ASY__P_MSG_OWNED = 1u << 3  /* res_.message is ours to free */
};

struct asy__promise_state;

struct asy_promise_s {
    void *pool_link_; /* first: the pool's header */
    asy_settled_t res_;
    uint32_t refs_;
    uint32_t flags_;
    void (*free_fn_)(void *value); /* owned value (asy_ok_owned) */
    asy_promise_t *keep_;          /* owner of a value/message passed on to us */
    struct asy__reaction *rhead_, *rtail_;
    struct asy__promise_state *st_;
    asy_promise_t *dying_next_; /* release worklist */
};

/* A continuation attached to a promise, later the microtask job that runs
 * it.  One struct serves every kind so one pool serves them all. */
enum {
    ASY__R_THEN = 1,  /* on_ok / on_err settle derived */
    ASY__R_FINALLY,   /* on_ok runs on either outcome */
    ASY__R_FTHUNK,    /* finally's tail: settle derived like arg (the original) */
    ASY__R_OBSERVE,   /* observe(arg, outcome) */
    ASY__R_THENABLE,  /* V8's PromiseResolveThenableJob: src = the promise
                         derived was resolved with */
    ASY__R_ADOPT,     /* derived takes src's outcome */
    ASY__R_ALL,       /* combinator elements: arg is the asy__combo */
    ASY__R_SETTLED,
    ASY__R_RACE,
    ASY__R_ANY
};

typedef struct asy__reaction {
    void *pool_link_;
    struct asy__reaction *next;
    asy_promise_t *src;     /* set (and retained) once queued as a job */
    asy_promise_t *derived; /* retained, when the kind has one */
    asy_then_fn on_ok, on_err;
    asy_settled_fn observe;
    void *arg;
    size_t index;
    int kind;
} asy__reaction;

typedef struct asy__promise_state {
    asy_loop_t *loop;
    asy__objpool promises, reactions;
    asy_promise_t *dying; /* promises whose last reference went */
    int reaping, closing;
    /* rejected with no continuation, to check at the end of the drain */
    asy_promise_t **unhandled, **unhandled_spare;
    size_t n_unhandled, cap_unhandled, cap_spare;
    asy_unhandled_fn hook;
    void *hook_arg;
    /* jobs that did not fit in the microtask ring (out of memory) */
    asy__reaction *overflow_head, *overflow_tail;
} asy__promise_state;

ASY__INTERNAL asy__promise_state *asy__promise_state_create(asy_loop_t *loop);
static inline asy__promise_state *asy__promise_st(asy_loop_t *loop) {
    asy__promise_state *st = (asy__promise_state *)loop->layers_[ASY__LAYER_PROMISE].state;
    return ASY__LIKELY(st != NULL) ? st : asy__promise_state_create(loop);
}

ASY__INTERNAL asy_promise_t *asy__promise_alloc(asy__promise_state *st);
ASY__INTERNAL void asy__promise_unref(asy_promise_t *p);
ASY__INTERNAL asy__reaction *asy__reaction_alloc(asy__promise_state *st);
ASY__INTERNAL void asy__reaction_free(asy__promise_state *st, asy__reaction *r);
/* Attaches r to p (marking p handled); if p is settled r is queued now. */
ASY__INTERNAL void asy__promise_attach(asy_promise_t *p, asy__reaction *r);
/* Settles a pending promise with a ret, consuming it. */
ASY__INTERNAL void asy__promise_resolve(asy_promise_t *x, asy_ret_t *ret);
ASY__INTERNAL void asy__promise_settle_raw(asy_promise_t *p, asy_promise_state state, void *value,
                                           void (*free_fn)(void *), int error,
                                           const char *message, int msg_owned,
                                           asy_promise_t *keep);
/* Settles a pending x like the settled q (asy_pass), sharing ownership. */
ASY__INTERNAL void asy__promise_adopt(asy_promise_t *x, asy_promise_t *q);
/* asy_promise_from / asy_promise_settle for a ret held by the caller:
 * internal paths pass the 48-byte struct by address instead of copying it
 * (copies of freshly written structs stall store forwarding). */
ASY__INTERNAL asy_promise_t *asy__promise_from_ret(asy_loop_t *loop, asy_ret_t *ret);
ASY__INTERNAL int asy__promise_settle_ret(asy_promise_t *p, asy_ret_t *ret);
/* settle p like the settled src, unless p is no longer pending */
ASY__INTERNAL void asy__promise_settle_like(asy_promise_t *p, asy_promise_t *src);
/* The promise whose lifetime owns p's value and message (NULL: none). */
static inline asy_promise_t *asy__promise_owner(asy_promise_t *p) {
    if (p->keep_) return p->keep_;
    return (p->free_fn_ || (p->flags_ & ASY__P_MSG_OWNED)) ? p : NULL;
}

/* combinators.c */
ASY__INTERNAL void asy__combo_element(asy__reaction *r, asy_promise_t *src);
ASY__INTERNAL void asy__combo_unref(void *combo);
/* unhandled.c */
ASY__INTERNAL void asy__unhandled_add(asy__promise_state *st, asy_promise_t *p);
ASY__INTERNAL void asy__promise_after_drain(asy_loop_t *loop);
ASY__INTERNAL void asy__promise_run_job(void *arg);

#line 1 "asyncrt_impl/promise/promise.c"
/* The promise core: per-loop pools, reference counts, settling, and the
 * microtask job that runs a reaction. */

static void asy__promise_layer_close(asy_loop_t *loop, void *state);

ASY__INTERNAL asy__promise_state *asy__promise_state_create(asy_loop_t *loop) {
    asy__promise_state *st = ASY__NEW(asy__promise_state);
    if (!st) return NULL;
    memset(st, 0, sizeof(*st));
    st->loop = loop;
    asy__objpool_init(&st->promises, sizeof(asy_promise_t));
    asy__objpool_init(&st->reactions, sizeof(asy__reaction));
    loop->layers_[ASY__LAYER_PROMISE].state = st;
    loop->layers_[ASY__LAYER_PROMISE].close = asy__promise_layer_close;
    loop->after_drain_ = asy__promise_after_drain;
    return st;
}

ASY__INTERNAL asy_promise_t *asy__promise_alloc(asy__promise_state *st) {
    asy_promise_t *p = (asy_promise_t *)asy__objpool_alloc(&st->promises);
    if (!p) return NULL;
    p->res_.state = ASY_PROMISE_PENDING;
    p->res_.error = 0;
    p->res_.value = NULL;
    p->res_.message = NULL;
    p->res_.promise = p;
    p->refs_ = 1;
    p->flags_ = 0;
    p->free_fn_ = NULL;
    p->keep_ = NULL;
    p->rhead_ = p->rtail_ = NULL;
    p->st_ = st;
    p->dying_next_ = NULL;
    return p;
}

ASY__INTERNAL asy__reaction *asy__reaction_alloc(asy__promise_state *st) {
    asy__reaction *r = (asy__reaction *)asy__objpool_alloc(&st->reactions);
    if (!r) return NULL;
    r->next = NULL;
    r->src = r->derived = NULL;
    r->on_ok = r->on_err = NULL;
    r->observe = NULL;
    r->arg = NULL;
    r->index = 0;
    r->kind = 0;
    return r;
}

ASY__INTERNAL void asy__reaction_free(asy__promise_state *st, asy__reaction *r) {
    r->kind = 0;
    asy__objpool_free(&st->reactions, r);
}

/* A reaction whose promise died pending: it will never run. */
static void asy__reaction_drop(asy__promise_state *st, asy__reaction *r) {
    switch (r->kind) {
    case ASY__R_FTHUNK:
        asy__promise_unref((asy_promise_t *)r->arg);
        break;
    case ASY__R_ALL:
    case ASY__R_SETTLED:
    case ASY__R_RACE:
    case ASY__R_ANY:
        asy__combo_unref(r->arg);
        break;
    default:
        break;
    }
    if (r->derived) asy__promise_unref(r->derived);
    asy__reaction_free(st, r);
}

static void asy__promise_destroy(asy_promise_t *p) {
    asy__promise_state *st = p->st_;
    asy__reaction *r = p->rhead_;
    while (r) {
        asy__reaction *next = r->next;
        asy__reaction_drop(st, r);
        r = next;
    }
    if (p->free_fn_) p->free_fn_(p->res_.value);
    if (p->flags_ & ASY__P_MSG_OWNED) asy__free((void *)(uintptr_t)p->res_.message);
    if (p->keep_) asy__promise_unref(p->keep_);
    asy__objpool_free(&st->promises, p);
}

/* Destruction goes through a worklist: a promise's death releases others
 * (derived promises, kept owners...), and a long chain must not recurse. */
ASY__INTERNAL void asy__promise_unref(asy_promise_t *p) {
    asy__promise_state *st;
    if (--p->refs_) return;
    st = p->st_;
    if (st->closing) return; /* the layer's close reclaims everything */
    p->dying_next_ = st->dying;
    st->dying = p;
    if (st->reaping) return;
    st->reaping = 1;
    while ((p = st->dying) != NULL) {
        st->dying = p->dying_next_;
        asy__promise_destroy(p);
    }
    st->reaping = 0;
}

static void asy__queue_job(asy__promise_state *st, asy__reaction *r) {
    r->next = NULL;
    if (ASY__LIKELY(st->overflow_head == NULL) &&
        asy__taskq_push(&st->loop->microtasks_, asy__promise_run_job, r) == 0)
        return;
    /* The ring could not grow.  Dropping the job would leave a promise
     * pending for ever; park it (no allocation) and run it at the end of
     * the drain instead, giving up only the exact ordering. */
    if (st->overflow_tail) st->overflow_tail->next = r;
    else st->overflow_head = r;
    st->overflow_tail = r;
}

ASY__INTERNAL void asy__promise_attach(asy_promise_t *p, asy__reaction *r) {
    p->flags_ |= ASY__P_HANDLED;
    if (p->res_.state == ASY_PROMISE_PENDING) {
        r->next = NULL;
        if (p->rtail_) p->rtail_->next = r;
        else p->rhead_ = r;
        p->rtail_ = r;
        return;
    }
    r->src = p;
    p->refs_++;
    asy__queue_job(p->st_, r);
}

ASY__INTERNAL void asy__promise_settle_raw(asy_promise_t *p, asy_promise_state state, void *value,
                                           void (*free_fn)(void *), int error,
                                           const char *message, int msg_owned,
                                           asy_promise_t *keep) {
    asy__reaction *r;
    p->res_.state = state;
    p->res_.value = value;
    p->res_.error = error;
    p->res_.message = message;
    p->free_fn_ = free_fn;
    p->keep_ = keep;
    if (msg_owned) p->flags_ |= ASY__P_MSG_OWNED;
    r = p->rhead_;
    p->rhead_ = p->rtail_ = NULL;
    if (!r) {
        if (state == ASY_PROMISE_REJECTED && !(p->flags_ & ASY__P_HANDLED))
            asy__unhandled_add(p->st_, p);
        return;
    }
    /* V8 queues one job per reaction, in the order they were attached */
    while (r) {
        asy__reaction *next = r->next;
        r->src = p;
        p->refs_++;
        asy__queue_job(p->st_, r);
        r = next;
    }
}

ASY__INTERNAL void asy__promise_adopt(asy_promise_t *x, asy_promise_t *q) {
    asy_promise_t *owner = asy__promise_owner(q);
    if (owner) owner->refs_++;
    asy__promise_settle_raw(x, q->res_.state, q->res_.value, NULL, q->res_.error, q->res_.message,
                            0, owner);
}

static void asy__reject_static(asy_promise_t *x, int code, const char *message) {
    asy__promise_settle_raw(x, ASY_PROMISE_REJECTED, NULL, NULL, code, message, 0, NULL);
}

ASY__INTERNAL void asy__promise_resolve(asy_promise_t *x, asy_ret_t *ret) {
    asy_promise_t *q = ret->promise_;
    switch (ret->kind_) {
    case ASY__RET_VALUE:
        asy__promise_settle_raw(x, ASY_PROMISE_FULFILLED, ret->value_, ret->free_fn_, 0, NULL, 0,
                                NULL);
        break;
    case ASY__RET_ERROR:
        asy__promise_settle_raw(x, ASY_PROMISE_REJECTED, NULL, NULL,
                                ret->error_ ? ret->error_ : ASY_EUNKNOWN, ret->message_,
                                ret->message_ != NULL, NULL);
        break;
    case ASY__RET_PASS:
        if (!q || q->res_.state == ASY_PROMISE_PENDING)
            asy__reject_static(x, ASY_EINVAL, "asy_pass of a pending outcome");
        else
            asy__promise_adopt(x, q);
        break;
    case ASY__RET_PROMISE:
        if (!q) {
            asy__reject_static(x, ASY_ENOMEM, NULL);
        } else if (q == x || q->st_ != x->st_) {
            asy__promise_unref(q);
            asy__reject_static(x, ASY_EINVAL,
                               q == x ? "chaining cycle: a promise resolved with itself"
                                      : "promise of another loop");
        } else {
            asy__reaction *r = asy__reaction_alloc(x->st_);
            if (!r) {
                asy__promise_unref(q);
                asy__reject_static(x, ASY_ENOMEM, NULL);
                break;
            }
            /* Like V8: one job to subscribe to q, one more when q settles,
             * so adoption costs two extra ticks, exactly as under Node. */
            r->kind = ASY__R_THENABLE;
            r->src = q; /* the ret's reference */
            r->derived = x;
            x->refs_++;
            x->flags_ |= ASY__P_LOCKED;
            asy__queue_job(x->st_, r);
        }
        break;
    default:
        asy__reject_static(x, ASY_EINVAL, "bad asy_ret_t");
        break;
    }
    memset(ret, 0, sizeof(*ret));
}

/* finally (then.c) */
ASY__INTERNAL void asy__finally_job(asy__reaction *r, asy_promise_t *src);

ASY__INTERNAL void asy__promise_run_job(void *arg) {
    asy__reaction *r = (asy__reaction *)arg;
    asy_promise_t *src = r->src;
    asy__promise_state *st = src->st_;
    asy_ret_t ret;
    switch (r->kind) {
    case ASY__R_THEN: {
        asy_then_fn fn = src->res_.state == ASY_PROMISE_FULFILLED ? r->on_ok : r->on_err;
        ret = fn ? fn(r->arg, &src->res_) : asy_pass(&src->res_);
        asy__promise_resolve(r->derived, &ret);
        break;
    }
    case ASY__R_FINALLY:
        asy__finally_job(r, src);
        break;
    case ASY__R_FTHUNK: {
        asy_promise_t *orig = (asy_promise_t *)r->arg;
        ret = asy_pass(src->res_.state == ASY_PROMISE_REJECTED ? &src->res_ : &orig->res_);
        asy__promise_resolve(r->derived, &ret);
        asy__promise_unref(orig);
        break;
    }
    case ASY__R_OBSERVE:
        r->observe(r->arg, &src->res_);
        break;
    case ASY__R_THENABLE:
        /* the same node now waits on src as derived's adoption */
        r->kind = ASY__R_ADOPT;
        r->src = NULL;
        asy__promise_attach(src, r);
        asy__promise_unref(src);
        return;
    case ASY__R_ADOPT:
        ret = asy_pass(&src->res_);
        asy__promise_resolve(r->derived, &ret);
        break;
    case ASY__R_ALL:
    case ASY__R_SETTLED:
    case ASY__R_RACE:
    case ASY__R_ANY:
        asy__combo_element(r, src);
        break;
    default:
        break;
    }
    if (r->derived) asy__promise_unref(r->derived);
    asy__reaction_free(st, r);
    asy__promise_unref(src);
}

/* asy_loop_close: everything still alive goes, and owned values with it. */
static void asy__teardown_reaction(void *obj, void *ctx) {
    asy__reaction *r = (asy__reaction *)obj;
    (void)ctx;
    if (r->kind >= ASY__R_ALL) asy__combo_unref(r->arg);
}

static void asy__teardown_promise(void *obj, void *ctx) {
    asy_promise_t *p = (asy_promise_t *)obj;
    (void)ctx;
    if (p->free_fn_) p->free_fn_(p->res_.value);
    if (p->flags_ & ASY__P_MSG_OWNED) asy__free((void *)(uintptr_t)p->res_.message);
}

static void asy__promise_layer_close(asy_loop_t *loop, void *state) {
    asy__promise_state *st = (asy__promise_state *)state;
    st->closing = 1;
    asy__objpool_each_live(&st->reactions, asy__teardown_reaction, NULL);
    asy__objpool_each_live(&st->promises, asy__teardown_promise, NULL);
    asy__objpool_destroy(&st->reactions);
    asy__objpool_destroy(&st->promises);
    asy__free(st->unhandled);
    asy__free(st->unhandled_spare);
    asy__free(st);
    loop->layers_[ASY__LAYER_PROMISE].state = NULL;
    loop->layers_[ASY__LAYER_PROMISE].close = NULL;
    loop->after_drain_ = NULL;
}

/* ---- public: rets, construction, settling, references ----------------- */
ASYNCRT_API asy_ret_t asy_fail(int code, const char *message) {
    asy_ret_t r = asy_ok(NULL);
    r.kind_ = ASY__RET_ERROR;
    r.error_ = code ? code : ASY_EUNKNOWN;
    if (message) r.message_ = asy__strdup(message); /* NULL on ENOMEM: the code survives */
    return r;
}

ASYNCRT_API void asy_ret_discard(asy_ret_t *ret) {
    if (!ret) return;
    if (ret->kind_ == ASY__RET_VALUE && ret->free_fn_) ret->free_fn_(ret->value_);
    asy__free(ret->message_);
    if (ret->kind_ == ASY__RET_PROMISE && ret->promise_) asy__promise_unref(ret->promise_);
    memset(ret, 0, sizeof(*ret));
}

ASYNCRT_API asy_promise_t *asy_promise_new(asy_loop_t *loop) {
    asy__promise_state *st;
    if (!loop || !(st = asy__promise_st(loop))) return NULL;
    return asy__promise_alloc(st);
}

ASY__INTERNAL asy_promise_t *asy__promise_from_ret(asy_loop_t *loop, asy_ret_t *ret) {
    asy__promise_state *st;
    asy_promise_t *p;
    if (ret->kind_ == ASY__RET_PROMISE && ret->promise_) {
        p = ret->promise_;
        ret->promise_ = NULL;
        return p;
    }
    if (!loop || !(st = asy__promise_st(loop)) || !(p = asy__promise_alloc(st))) {
        asy_ret_discard(ret);
        return NULL;
    }
    asy__promise_resolve(p, ret);
    return p;
}

ASYNCRT_API asy_promise_t *asy_promise_from(asy_loop_t *loop, asy_ret_t ret) {
    return asy__promise_from_ret(loop, &ret);
}

ASYNCRT_API asy_promise_t *asy_promise_resolved(asy_loop_t *loop, void *value) {
    return asy_promise_from(loop, asy_ok(value));
}

ASYNCRT_API asy_promise_t *asy_promise_rejected(asy_loop_t *loop, int code, const char *message) {
    if (!loop) return NULL;
    return asy_promise_from(loop, asy_fail(code, message));
}

ASY__INTERNAL int asy__promise_settle_ret(asy_promise_t *p, asy_ret_t *ret) {
    if (!p || p->res_.state != ASY_PROMISE_PENDING || (p->flags_ & ASY__P_LOCKED)) {
        asy_ret_discard(ret);
        return ASY_EINVAL;
    }
    asy__promise_resolve(p, ret);
    return 0;
}

ASY__INTERNAL void asy__promise_settle_like(asy_promise_t *p, asy_promise_t *src) {
    if (p->res_.state == ASY_PROMISE_PENDING && !(p->flags_ & ASY__P_LOCKED))
        asy__promise_adopt(p, src);
}

ASYNCRT_API int asy_promise_settle(asy_promise_t *p, asy_ret_t ret) {
    return asy__promise_settle_ret(p, &ret);
}

ASYNCRT_API int asy_promise_resolve(asy_promise_t *p, void *value) {
    return asy_promise_settle(p, asy_ok(value));
}

ASYNCRT_API int asy_promise_reject(asy_promise_t *p, int code, const char *message) {
    if (!p || p->res_.state != ASY_PROMISE_PENDING || (p->flags_ & ASY__P_LOCKED))
        return ASY_EINVAL;
    return asy_promise_settle(p, asy_fail(code, message));
}

ASYNCRT_API asy_promise_t *asy_promise_retain(asy_promise_t *p) {
    if (p) p->refs_++;
    return p;
}

ASYNCRT_API void asy_promise_release(asy_promise_t *p) {
    if (p) asy__promise_unref(p);
}

ASYNCRT_API asy_promise_state asy_promise_state_of(const asy_promise_t *p) {
    return p ? p->res_.state : ASY_PROMISE_PENDING;
}

ASYNCRT_API const asy_settled_t *asy_promise_result(const asy_promise_t *p) {
    return p && p->res_.state != ASY_PROMISE_PENDING ? &p->res_ : NULL;
}

ASYNCRT_API asy_loop_t *asy_promise_loop(const asy_promise_t *p) {
    return p ? p->st_->loop : NULL;
}

ASYNCRT_API void asy_promise_mark_handled(asy_promise_t *p) {
    if (p) p->flags_ |= ASY__P_HANDLED;
}

#line 1 "asyncrt_impl/promise/then.c"
/* then / catch / finally / on_settled: attaching continuations. */

static asy_promise_t *asy__then_kind(asy_promise_t *p, int kind, asy_then_fn on_ok,
                                     asy_then_fn on_err, void *arg) {
    asy__promise_state *st;
    asy__reaction *r;
    asy_promise_t *d;
    if (!p) return NULL;
    st = p->st_;
    if (!(r = asy__reaction_alloc(st))) return NULL;
    if (!(d = asy__promise_alloc(st))) {
        asy__reaction_free(st, r);
        return NULL;
    }
    r->kind = kind;
    r->on_ok = on_ok;
    r->on_err = on_err;
    r->arg = arg;
    r->derived = d;
    d->refs_++; /* one for the caller, one for the reaction */
    asy__promise_attach(p, r);
    return d;
}

ASYNCRT_API asy_promise_t *asy_promise_then(asy_promise_t *p, asy_then_fn on_ok,
                                            asy_then_fn on_err, void *arg) {
    return asy__then_kind(p, ASY__R_THEN, on_ok, on_err, arg);
}

ASYNCRT_API asy_promise_t *asy_promise_catch(asy_promise_t *p, asy_then_fn on_err, void *arg) {
    return asy__then_kind(p, ASY__R_THEN, NULL, on_err, arg);
}

ASYNCRT_API asy_promise_t *asy_promise_finally(asy_promise_t *p, asy_then_fn fn, void *arg) {
    if (!fn) return asy__then_kind(p, ASY__R_THEN, NULL, NULL, NULL); /* p.finally() */
    return asy__then_kind(p, ASY__R_FINALLY, fn, NULL, arg);
}

/* What V8's thenFinally / catchFinally do:
 *     Promise.resolve(fn()).then(() => outcome of p)
 * and the derived promise is resolved with that promise.  Doing it with
 * real promises gives the same number of ticks as Node. */
ASY__INTERNAL void asy__finally_job(asy__reaction *r, asy_promise_t *src) {
    asy__promise_state *st = src->st_;
    asy_ret_t ret = r->on_ok(r->arg, &src->res_);
    asy_promise_t *pr, *tail;
    asy__reaction *thunk;
    if (ret.kind_ == ASY__RET_ERROR ||
        (ret.kind_ == ASY__RET_PASS && ret.promise_ &&
         ret.promise_->res_.state == ASY_PROMISE_REJECTED)) {
        asy__promise_resolve(r->derived, &ret); /* fn threw */
        return;
    }
    if (ret.kind_ == ASY__RET_PASS) ret = asy_ok(NULL); /* a value: ignored */
    pr = asy__promise_from_ret(st->loop, &ret);
    tail = pr ? asy__promise_alloc(st) : NULL;
    thunk = tail ? asy__reaction_alloc(st) : NULL;
    if (!thunk) {
        if (tail) asy__promise_unref(tail);
        if (pr) asy__promise_unref(pr);
        ret = asy_fail(ASY_ENOMEM, NULL);
        asy__promise_resolve(r->derived, &ret);
        return;
    }
    thunk->kind = ASY__R_FTHUNK;
    thunk->derived = tail;
    tail->refs_++;
    thunk->arg = src;
    src->refs_++;
    asy__promise_attach(pr, thunk);
    asy__promise_unref(pr);
    ret = asy_chain(tail);
    asy__promise_resolve(r->derived, &ret);
}

ASYNCRT_API int asy_promise_on_settled(asy_promise_t *p, asy_settled_fn fn, void *arg) {
    asy__reaction *r;
    if (!p || !fn) return ASY_EINVAL;
    if (!(r = asy__reaction_alloc(p->st_))) return ASY_ENOMEM;
    r->kind = ASY__R_OBSERVE;
    r->observe = fn;
    r->arg = arg;
    asy__promise_attach(p, r);
    return 0;
}

#line 1 "asyncrt_impl/promise/combinators.c"
/* Promise.all / allSettled / race / any.
 *
 * One block per call: the asy__combo header, then the result array (the
 * value the result promise hands out, so its free function finds the
 * header right in front of it), then the inputs kept alive for what the
 * array points into.  Every element reaction holds a reference on the
 * block, and so does the result promise once it hands the array out; the
 * block never holds an input while the input can still settle, so no
 * reference cycle can form. */
typedef struct asy__combo {
    asy__promise_state *st;
    asy_promise_t *result; /* held until it is settled */
    asy_promise_t **keeps; /* n entries: what the array borrows from */
    size_t n, remaining;
    size_t refs;
    int kind;
    int done;
} asy__combo;

static void **asy__combo_values(asy__combo *c) { return (void **)(void *)(c + 1); }
static asy_settled_t *asy__combo_outcomes(asy__combo *c) {
    return (asy_settled_t *)(void *)(c + 1);
}

ASY__INTERNAL void asy__combo_unref(void *combo) {
    asy__combo *c = (asy__combo *)combo;
    size_t i;
    if (--c->refs) return;
    if (!c->st->closing) {
        if (c->result) asy__promise_unref(c->result); /* inputs died pending */
        for (i = 0; i < c->n; i++)
            if (c->keeps[i]) asy__promise_unref(c->keeps[i]);
    }
    asy__free(c);
}

/* free_fn of a result that hands out the array */
static void asy__combo_value_free(void *value) { asy__combo_unref((asy__combo *)value - 1); }

static void asy__combo_finish(asy__combo *c, asy_promise_state state, int error, void *value) {
    asy_promise_t *res = c->result;
    c->done = 1;
    c->result = NULL;
    c->refs++; /* the result now owns the array */
    asy__promise_settle_raw(res, state, value, asy__combo_value_free, error, NULL, 0, NULL);
    asy__promise_unref(res);
}

static void asy__combo_pass(asy__combo *c, asy_promise_t *src) {
    asy_promise_t *res = c->result;
    asy_ret_t ret = asy_pass(&src->res_);
    c->done = 1;
    c->result = NULL;
    asy__promise_resolve(res, &ret);
    asy__promise_unref(res);
}

/* allSettled's outcomes, any's rejections: the last one settles the result */
static void asy__combo_collect(asy__combo *c, size_t i, asy_promise_t *src,
                               asy_promise_state final_state, int final_error) {
    asy__combo_outcomes(c)[i] = src->res_;
    c->keeps[i] = src;
    src->refs_++;
    if (--c->remaining == 0) asy__combo_finish(c, final_state, final_error, asy__combo_outcomes(c));
}

ASY__INTERNAL void asy__combo_element(asy__reaction *r, asy_promise_t *src) {
    asy__combo *c = (asy__combo *)r->arg;
    size_t i = r->index;
    int ok = src->res_.state == ASY_PROMISE_FULFILLED;
    if (!c->done) {
        switch (c->kind) {
        case ASY__R_ALL:
            if (!ok) {
                asy__combo_pass(c, src);
                break;
            }
            asy__combo_values(c)[i] = src->res_.value;
            if ((c->keeps[i] = asy__promise_owner(src)) != NULL) c->keeps[i]->refs_++;
            if (--c->remaining == 0)
                asy__combo_finish(c, ASY_PROMISE_FULFILLED, 0, asy__combo_values(c));
            break;
        case ASY__R_RACE:
            asy__combo_pass(c, src);
            break;
        case ASY__R_ANY:
            if (ok) asy__combo_pass(c, src);
            else asy__combo_collect(c, i, src, ASY_PROMISE_REJECTED, ASY_EAGGREGATE);
            break;
        case ASY__R_SETTLED:
            asy__combo_collect(c, i, src, ASY_PROMISE_FULFILLED, 0);
            break;
        default:
            break;
        }
    }
    r->arg = NULL;
    asy__combo_unref(c);
}

static asy_promise_t *asy__combinator(asy_loop_t *loop, asy_promise_t *const *ps, size_t n,
                                      int kind) {
    asy__promise_state *st;
    asy__combo *c;
    asy_promise_t *res;
    size_t i, elem, bytes;
    if (!loop || (n && !ps) || !(st = asy__promise_st(loop))) return NULL;
    for (i = 0; i < n; i++)
        if (!ps[i]) return NULL;
    elem = kind == ASY__R_ALL ? sizeof(void *) : kind == ASY__R_RACE ? 0 : sizeof(asy_settled_t);
    if (n > (SIZE_MAX - sizeof(asy__combo)) / (elem + sizeof(asy_promise_t *))) return NULL;
    bytes = sizeof(asy__combo) + n * (elem + sizeof(asy_promise_t *));
    /* every reaction is reserved first, so running out of memory changes
     * nothing and the one pass below cannot fail halfway */
    if (asy__objpool_reserve(&st->reactions, n) != 0) return NULL;
    if (!(res = asy__promise_alloc(st))) return NULL;
    if (!(c = (asy__combo *)asy__malloc(bytes))) {
        asy__promise_unref(res);
        return NULL;
    }
    memset(c, 0, bytes);
    c->st = st;
    c->kind = kind;
    c->n = kind == ASY__R_RACE ? 0 : n;
    c->keeps = (asy_promise_t **)(void *)((char *)(c + 1) + n * elem);
    c->remaining = n;
    if (n == 0) {
        c->refs = 1; /* released by the result, or right here for race */
        if (kind == ASY__R_RACE) asy__combo_unref(c); /* pending for ever */
        else if (kind == ASY__R_ANY)
            asy__promise_settle_raw(res, ASY_PROMISE_REJECTED, asy__combo_outcomes(c),
                                    asy__combo_value_free, ASY_EAGGREGATE, NULL, 0, NULL);
        else
            asy__promise_settle_raw(res, ASY_PROMISE_FULFILLED, (void *)(c + 1),
                                    asy__combo_value_free, 0, NULL, 0, NULL);
        return res;
    }
    c->result = res;
    res->refs_++;
    c->refs = n;
    for (i = 0; i < n; i++) {
        asy__reaction *r;
        if (ps[i]->st_ != st) {
            /* a promise of another loop: the reactions attached so far
             * find the combination done and only let go of it */
            c->done = 1;
            c->result = NULL;
            asy__promise_unref(res);
            asy__promise_unref(res);
            if (i == 0) asy__free(c);
            else c->refs = i;
            return NULL;
        }
        if (i + 8 < n) ASY__PREFETCH(ps[i + 8]);
        r = (asy__reaction *)asy__objpool_alloc(&st->reactions);
        r->next = NULL;
        r->src = r->derived = NULL;
        r->kind = kind;
        r->arg = c;
        r->index = i;
        asy__promise_attach(ps[i], r);
    }
    return res;
}

ASYNCRT_API asy_promise_t *asy_promise_all(asy_loop_t *loop, asy_promise_t *const *ps, size_t n) {
    return asy__combinator(loop, ps, n, ASY__R_ALL);
}

ASYNCRT_API asy_promise_t *asy_promise_all_settled(asy_loop_t *loop, asy_promise_t *const *ps,
                                                   size_t n) {
    return asy__combinator(loop, ps, n, ASY__R_SETTLED);
}

ASYNCRT_API asy_promise_t *asy_promise_race(asy_loop_t *loop, asy_promise_t *const *ps, size_t n) {
    return asy__combinator(loop, ps, n, ASY__R_RACE);
}

ASYNCRT_API asy_promise_t *asy_promise_any(asy_loop_t *loop, asy_promise_t *const *ps, size_t n) {
    return asy__combinator(loop, ps, n, ASY__R_ANY);
}

#line 1 "asyncrt_impl/promise/unhandled.c"
/* Unhandled rejections, checked the way Node does: a promise rejected with
 * no continuation goes on a list; when the nextTick/microtask drain that
 * saw it is over, every listed promise that still has none is reported
 * once.  So a catch attached later in the same drain silences it, and one
 * attached in a later callback (a timer) comes too late. */

static void asy__promise_noop(void *arg) { (void)arg; }

static void asy__default_unhandled(void *arg, const asy_settled_t *reason) {
    (void)arg;
    fprintf(stderr, "asyncrt: unhandled promise rejection: %s: %s%s%s%s\n",
            asy_err_name(reason->error), asy_strerror(reason->error),
            reason->message ? " (" : "", reason->message ? reason->message : "",
            reason->message ? ")" : "");
    fflush(stderr);
    abort();
}

static void asy__report(asy__promise_state *st, asy_promise_t *p) {
    if (p->flags_ & (ASY__P_HANDLED | ASY__P_REPORTED)) return;
    p->flags_ |= ASY__P_REPORTED;
    if (st->hook) st->hook(st->hook_arg, &p->res_);
    else asy__default_unhandled(NULL, &p->res_);
}

ASY__INTERNAL void asy__unhandled_add(asy__promise_state *st, asy_promise_t *p) {
    asy_loop_t *loop = st->loop;
    if (st->n_unhandled == st->cap_unhandled) {
        size_t ncap = st->cap_unhandled ? st->cap_unhandled * 2 : 16;
        asy_promise_t **a =
            (asy_promise_t **)asy__realloc(st->unhandled, ncap * sizeof(asy_promise_t *));
        if (!a) {
            asy__report(st, p); /* no room to wait: report now rather than never */
            return;
        }
        st->unhandled = a;
        st->cap_unhandled = ncap;
    }
    st->unhandled[st->n_unhandled++] = p;
    p->refs_++;
    /* the check runs when a drain ends, so make sure one happens even if
     * the rejection queued nothing (a promise without continuations) */
    if (!(loop->ticks_.count | loop->microtasks_.count))
        asy__taskq_push(&loop->microtasks_, asy__promise_noop, NULL);
}

ASY__INTERNAL void asy__promise_after_drain(asy_loop_t *loop) {
    asy__promise_state *st = (asy__promise_state *)loop->layers_[ASY__LAYER_PROMISE].state;
    asy_promise_t **batch;
    size_t n, i, cap;
    if (!st) return;
    if (st->overflow_head) {
        /* jobs that found the microtask ring full; the drain goes on after */
        asy__reaction *r = st->overflow_head;
        st->overflow_head = st->overflow_tail = NULL;
        while (r) {
            asy__reaction *next = r->next;
            asy__promise_run_job(r);
            r = next;
        }
        return;
    }
    if (!st->n_unhandled) return;
    /* swap lists: rejections made by the hook wait for the next round */
    batch = st->unhandled;
    n = st->n_unhandled;
    cap = st->cap_unhandled;
    st->unhandled = st->unhandled_spare;
    st->cap_unhandled = st->cap_spare;
    st->n_unhandled = 0;
    st->unhandled_spare = NULL;
    st->cap_spare = 0;
    for (i = 0; i < n; i++) asy__report(st, batch[i]);
    for (i = 0; i < n; i++) asy__promise_unref(batch[i]);
    if (st->unhandled_spare) { /* a nested drain (the hook ran microtasks) refilled it */
        asy__free(batch);
    } else {
        st->unhandled_spare = batch;
        st->cap_spare = cap;
    }
}

ASYNCRT_API int asy_promise_on_unhandled(asy_loop_t *loop, asy_unhandled_fn fn, void *arg) {
    asy__promise_state *st;
    if (!loop) return ASY_EINVAL;
    if (!(st = asy__promise_st(loop))) return ASY_ENOMEM;
    st->hook = fn;
    st->hook_arg = arg;
    return 0;
}

#endif /* ASYNCRT_OS_POSIX */
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/pool/pool.internal.h"
/* The per-loop thread pool (docs/pool.md).
 *
 * Submission: the loop thread pushes a job on one of two FIFO queues
 * (normal, slow) under the pool mutex.  An idle worker is woken through its
 * own condition variable, so exactly one thread wakes per job (no thundering
 * herd, no lost or wasted signals); when no worker is idle and the pool is
 * below its size, a new thread starts.
 *
 * Spinning: a worker that runs out of work spins briefly (only one worker
 * at a time) watching an atomic count of runnable jobs before it parks; the
 * loop, when it is about to block in the poll phase with pool work in
 * flight, spins briefly watching the completion stack.  A job submitted
 * right after the previous one finished, or finishing within a few
 * microseconds, then crosses threads without a futex wake or an eventfd
 * round trip.
 *
 * Completion: workers push finished jobs on a lock-free stack; the loop
 * takes the whole stack at once (one batch per wake-up), reverses it to
 * completion order and runs the done callbacks.  Workers write the async
 * wake-up only when the loop is not spinning. */
#include <sched.h>

enum { ASY__WORK_IDLE = 0, ASY__WORK_QUEUED, ASY__WORK_RUNNING, ASY__WORK_DONE };
enum { ASY__POOL_MAX_SIZE = 1024 };

typedef struct asy__worker {
    struct asy__pool *pool;
    pthread_t tid;
    pthread_cond_t cond;    /* this worker's wake-up */
    int woken;              /* set by the waker, under the pool mutex */
    int exited;             /* the thread has left its loop (join it) */
    struct asy__worker *next;      /* every started worker */
    struct asy__worker *next_idle; /* parked workers */
    struct asy__worker *next_wake; /* the loop's list of workers to signal */
} asy__worker;

typedef struct asy__pool {
    asy_loop_t *loop;
    pthread_mutex_t mu;
    /* -- under mu -- */
    asy__queue queue[2];   /* 0: cpu + fast io, 1: slow io */
    unsigned queued[2];
    unsigned size, slow_max;
    unsigned nthreads;     /* alive */
    unsigned running, slow_running;
    unsigned spinners;     /* 0 or 1 */
    unsigned ncpu;         /* online CPUs: spinning only pays on an idle one */
    /* workers back from a job and about to take the lock again: they will
     * look at the queue before parking (raised without the lock, lowered
     * under it) */
    unsigned finishing;
    unsigned starting;     /* woken or new workers not yet back under mu */
    uint64_t seq;
    int stopping;
    asy__worker *workers;
    asy__worker *idle;
    /* runnable jobs, for the spinning worker to watch without the lock */
    unsigned runnable_hint;
    /* -- completions: lock-free stack, workers push, the loop takes all -- */
    asy_work_t *done_head;
    int loop_spinning;
    /* -- loop thread only -- */
    asy_async_t async;
    asy_prepare_t prepare; /* active while non-slow work is in flight */
    asy_idle_t again;      /* keeps the next poll from blocking (see prepare_cb) */
    unsigned inflight;     /* submitted, done callback not yet run */
    unsigned inflight_fast; /* of which not SLOW_IO; workers read it (atomics) */
    int delivering;        /* running done callbacks (asy__pool_deliver) */
    unsigned spin_skip;    /* backoff after spins that found nothing */
    unsigned spin_misses;
    uint64_t completed;
} asy__pool;

/* The loop's pool, created (without threads) on first use; NULL: ENOMEM
 * or a failing mutex/async init. */
ASY__INTERNAL asy__pool *asy__pool_get(asy_loop_t *loop, int *err);
ASY__INTERNAL void asy__worker_main_loop(asy__worker *w);
/* Queues a job; what asy_queue_work_class, fs and dns use. */
ASY__INTERNAL int asy__pool_submit(asy_loop_t *loop, asy_work_t *req, int cls,
                                   asy_work_cb work_cb, asy_after_work_cb done_cb);
ASY__INTERNAL int asy__pool_spawn(asy__pool *p);
ASY__INTERNAL void asy__pool_recount(asy__pool *p);
ASY__INTERNAL void asy__pool_wake_one(asy__pool *p);
ASY__INTERNAL asy__worker *asy__pool_take_idle(asy__pool *p);
ASY__INTERNAL void asy__worker_signal(asy__worker *w);
/* Short, CPU-friendly busy wait step. */
static inline void asy__cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("pause");
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}
/* Every few spins: give the CPU to another runnable thread, if any (on a
 * busy machine it may be the very thread we wait for, sharing this CPU),
 * and tell whether the spin's deadline has passed.  On an idle machine
 * sched_yield returns at once. */
static inline int asy__spin_yield(uint64_t deadline) {
    sched_yield();
    return asy_hrtime() > deadline;
}
/* Spin budgets (ns): long enough to cover a round trip through a done
 * callback, short enough not to matter when the work is long. */
enum { ASY__WORKER_SPIN_NS = 50000, ASY__LOOP_SPIN_NS = 30000 };

#line 1 "asyncrt_impl/pool/worker.c"
/* The worker side of the pool: picking jobs, parking, spinning, threads. */

/* Runnable jobs: every normal job, slow ones only below the slow limit.
 * Published for the spinning worker, which reads it without the lock. */
ASY__INTERNAL void asy__pool_recount(asy__pool *p) {
    unsigned n = p->queued[0];
    if (p->slow_running < p->slow_max) n += p->queued[1];
    __atomic_store_n(&p->runnable_hint, n, __ATOMIC_RELEASE);
}

/* The oldest runnable job, marked running; NULL when none.  Under mu. */
static asy_work_t *asy__pool_pop(asy__pool *p) {
    asy_work_t *a = NULL, *b = NULL, *job;
    int slow;
    if (!asy__queue_empty(&p->queue[0]))
        a = ASY_CONTAINER_OF(asy__queue_head(&p->queue[0]), asy_work_t, link_);
    if (p->slow_running < p->slow_max && !asy__queue_empty(&p->queue[1]))
        b = ASY_CONTAINER_OF(asy__queue_head(&p->queue[1]), asy_work_t, link_);
    if (!a && !b) return NULL;
    slow = !a || (b && b->seq_ < a->seq_);
    job = slow ? b : a;
    asy__queue_remove(&job->link_);
    p->queued[slow]--;
    p->running++;
    if (slow) p->slow_running++;
    job->state_ = ASY__WORK_RUNNING;
    asy__pool_recount(p);
    return job;
}

/* Takes the most recently parked worker (its caches are warmest) off the
 * idle list and marks it woken; the caller signals it with
 * asy__worker_signal after unlocking, so the worker does not wake up only
 * to block on the mutex the waker still holds.  Under mu. */
ASY__INTERNAL asy__worker *asy__pool_take_idle(asy__pool *p) {
    asy__worker *w = p->idle;
    if (!w) return NULL;
    p->idle = w->next_idle;
    w->next_idle = NULL;
    w->woken = 1;
    p->starting++;
    return w;
}

/* A woken worker cannot leave (and be freed) before the loop thread, the
 * only waker and the only reaper, is done here. */
ASY__INTERNAL void asy__worker_signal(asy__worker *w) { pthread_cond_signal(&w->cond); }

/* For the rare paths (resize, close): wake one, signalling under mu. */
ASY__INTERNAL void asy__pool_wake_one(asy__pool *p) {
    asy__worker *w = asy__pool_take_idle(p);
    if (w) asy__worker_signal(w);
}

/* Hands a finished job to the loop.  After the push the job belongs to the
 * loop again (it may be freed at once), so nothing here touches it later. */
static void asy__pool_complete(asy__pool *p, asy_work_t *job) {
    asy_work_t *old = __atomic_load_n(&p->done_head, __ATOMIC_RELAXED);
    do {
        job->next_done_ = old;
    } while (!__atomic_compare_exchange_n(&p->done_head, &old, job, 1, __ATOMIC_SEQ_CST,
                                          __ATOMIC_RELAXED));
    /* A spinning loop sees the push itself; it clears the flag and then
     * looks at the stack again, so either it sees this job or we see the
     * cleared flag and wake it (both accesses are sequentially consistent). */
    if (!__atomic_load_n(&p->loop_spinning, __ATOMIC_SEQ_CST)) asy_async_send(&p->async);
}

/* Busy-waits for runnable work for a few tens of microseconds, without the
 * lock.  Returns with the lock held. */
static void asy__worker_spin(asy__pool *p) {
    uint64_t deadline;
    unsigned i = 0;
    p->spinners = 1;
    pthread_mutex_unlock(&p->mu);
    deadline = asy_hrtime() + ASY__WORKER_SPIN_NS;
    while (__atomic_load_n(&p->runnable_hint, __ATOMIC_ACQUIRE) == 0) {
        asy__cpu_relax();
        if ((++i & 7) == 0 && asy__spin_yield(deadline)) break;
    }
    pthread_mutex_lock(&p->mu);
    p->spinners = 0;
}

ASY__INTERNAL void asy__worker_main_loop(asy__worker *w) {
    asy__pool *p = w->pool;
    int spun = 0;
    pthread_mutex_lock(&p->mu);
    p->starting--; /* counted by asy__pool_spawn */
    while (!p->stopping && p->nthreads <= p->size) {
        asy_work_t *job = asy__pool_pop(p);
        if (job) {
            int slow = job->class_ == ASY_WORK_SLOW_IO;
            pthread_mutex_unlock(&p->mu);
            job->work_cb_(job);
            __atomic_add_fetch(&p->finishing, 1, __ATOMIC_RELAXED);
            asy__pool_complete(p, job);
            pthread_mutex_lock(&p->mu);
            __atomic_sub_fetch(&p->finishing, 1, __ATOMIC_RELAXED);
            p->running--;
            if (slow) {
                p->slow_running--;
                asy__pool_recount(p);
            }
            spun = 0;
            continue;
        }
        /* Spin only with a CPU to spare: while as many jobs are in flight
         * as there are CPUs, the loop (busy delivering and submitting) and
         * the other workers need them all, and a spinning thread would
         * take a CPU from the very threads it waits for. */
        if (!spun && p->spinners == 0 &&
            __atomic_load_n(&p->inflight_fast, __ATOMIC_RELAXED) < p->ncpu) {
            asy__worker_spin(p);
            spun = 1;
            continue;
        }
        spun = 0;
        w->woken = 0;
        w->next_idle = p->idle;
        p->idle = w;
        while (!w->woken) pthread_cond_wait(&w->cond, &p->mu);
        p->starting--;
    }
    /* Leaving (pool closing or shrunk); the joiner frees w. */
    p->nthreads--;
    w->exited = 1;
    pthread_mutex_unlock(&p->mu);
}

static void *asy__worker_thread(void *arg) {
    asy__worker_main_loop((asy__worker *)arg);
    return NULL;
}

/* Joins workers that left after a shrink.  Under mu: a worker marks itself
 * exited under mu as its last step before returning, so joining it here
 * cannot deadlock. */
static void asy__pool_reap(asy__pool *p) {
    asy__worker **pw = &p->workers;
    while (*pw) {
        asy__worker *w = *pw;
        if (w->exited) {
            *pw = w->next;
            pthread_join(w->tid, NULL);
            pthread_cond_destroy(&w->cond);
            asy__free(w);
        } else {
            pw = &w->next;
        }
    }
}

/* Starts one worker.  Signals are blocked in it so they reach the loop
 * thread.  Under mu. */
ASY__INTERNAL int asy__pool_spawn(asy__pool *p) {
    asy__worker *w;
    sigset_t all, old;
    int r;
    asy__pool_reap(p);
    w = ASY__NEW(asy__worker);
    if (!w) return ASY_ENOMEM;
    memset(w, 0, sizeof(*w));
    w->pool = p;
    if ((r = pthread_cond_init(&w->cond, NULL)) != 0) {
        asy__free(w);
        return asy_translate_sys_error(r);
    }
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    r = pthread_create(&w->tid, NULL, asy__worker_thread, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (r != 0) {
        pthread_cond_destroy(&w->cond);
        asy__free(w);
        return asy_translate_sys_error(r);
    }
    w->next = p->workers;
    p->workers = w;
    p->nthreads++;
    p->starting++;
    return 0;
}

#line 1 "asyncrt_impl/pool/pool.c"
/* The loop side of the pool: creation, submission, cancellation and the
 * delivery of completions in batches. */

static unsigned asy__pool_default_size(const asy_loop_t *loop) {
    const char *env;
    if (loop->opts_.threadpool_size) return loop->opts_.threadpool_size;
    env = getenv("ASYNCRT_THREADPOOL_SIZE");
    if (env && *env) {
        char *end;
        unsigned long v = strtoul(env, &end, 10);
        if (*end == 0 && v > 0)
            return v > ASY__POOL_MAX_SIZE ? (unsigned)ASY__POOL_MAX_SIZE : (unsigned)v;
    }
    return 4;
}

static void asy__pool_set_limits(asy__pool *p, unsigned size) {
    if (size > ASY__POOL_MAX_SIZE) size = ASY__POOL_MAX_SIZE;
    p->size = size;
    p->slow_max = size / 2 ? size / 2 : 1;
}

/* Wakes (or starts) a worker for each runnable job no worker is coming
 * back for: the deferred wake-ups of asy__pool_submit. */
static void asy__pool_flush(asy__pool *p) {
    asy__worker *list = NULL, *w;
    unsigned coming, runnable;
    pthread_mutex_lock(&p->mu);
    coming = p->spinners + p->starting + __atomic_load_n(&p->finishing, __ATOMIC_RELAXED);
    runnable = p->runnable_hint;
    while (runnable > coming && p->idle) {
        w = asy__pool_take_idle(p);
        w->next_wake = list;
        list = w;
        coming++;
    }
    while (runnable > coming && p->nthreads < p->size && asy__pool_spawn(p) == 0) coming++;
    pthread_mutex_unlock(&p->mu);
    while ((w = list) != NULL) {
        list = w->next_wake;
        asy__worker_signal(w);
    }
}

/* Runs the done callbacks of every finished job, oldest first. */
static void asy__pool_deliver(asy__pool *p) {
    asy_loop_t *loop = p->loop;
    asy_work_t *w = __atomic_exchange_n(&p->done_head, (asy_work_t *)NULL, __ATOMIC_ACQUIRE);
    asy_work_t *rev = NULL;
    while (w) {
        asy_work_t *next = w->next_done_;
        w->next_done_ = rev;
        rev = w;
        w = next;
    }
    p->delivering = 1;
    while (rev) {
        asy_work_t *next = rev->next_done_;
        asy_after_work_cb cb = rev->done_cb_;
        loop->active_reqs_--;
        p->inflight--;
        p->completed++;
        if (rev->class_ != ASY_WORK_SLOW_IO &&
            __atomic_sub_fetch(&p->inflight_fast, 1, __ATOMIC_RELAXED) == 0)
            asy_prepare_stop(&p->prepare);
        rev->state_ = ASY__WORK_IDLE;
        if (cb) {
            cb(rev, rev->status_);
            asy__after_cb(loop);
        }
        rev = next;
    }
    p->delivering = 0;
    if (__atomic_load_n(&p->runnable_hint, __ATOMIC_RELAXED)) asy__pool_flush(p);
}

static void asy__pool_async_cb(asy_async_t *h) {
    asy__pool_deliver(ASY_CONTAINER_OF(h, asy__pool, async));
}

static void asy__pool_again_cb(asy_idle_t *h) { asy_idle_stop(h); }

/* Just before the loop would block in the poll phase with short work in
 * flight, wait a little for it here instead: a completion then costs no
 * eventfd write, no epoll wake-up.  Only while the jobs in flight leave a
 * CPU for this thread to spin on.  Spins that find nothing back off
 * exponentially (up to 64 iterations without spinning), so long jobs cost
 * next to nothing. */
static void asy__pool_prepare_cb(asy_prepare_t *h) {
    asy__pool *p = ASY_CONTAINER_OF(h, asy__pool, prepare);
    if (!__atomic_load_n(&p->done_head, __ATOMIC_ACQUIRE) && p->inflight_fast &&
        p->inflight_fast < p->ncpu && asy__poll_timeout(p->loop) != 0) {
        if (p->spin_skip) {
            p->spin_skip--;
        } else {
            uint64_t deadline = asy_hrtime() + ASY__LOOP_SPIN_NS;
            unsigned i = 0;
            __atomic_store_n(&p->loop_spinning, 1, __ATOMIC_SEQ_CST);
            while (!__atomic_load_n(&p->done_head, __ATOMIC_ACQUIRE)) {
                asy__cpu_relax();
                if ((++i & 7) == 0 && asy__spin_yield(deadline)) break;
            }
            __atomic_store_n(&p->loop_spinning, 0, __ATOMIC_SEQ_CST);
            if (__atomic_load_n(&p->done_head, __ATOMIC_SEQ_CST)) {
                p->spin_misses = 0;
            } else {
                if (p->spin_misses < 6) p->spin_misses++;
                p->spin_skip = 1u << p->spin_misses;
            }
        }
    }
    if (__atomic_load_n(&p->done_head, __ATOMIC_ACQUIRE)) {
        asy__pool_deliver(p);
        /* Callbacks ran in this iteration, before the poll phase: the poll
         * must not block now (asy_run ONCE returns after progress; and if
         * the callbacks queued more short work, a chain of requests, the
         * common case, the loop comes straight back here so the next
         * completion is caught by the spin as well). */
        asy_idle_start(&p->again, asy__pool_again_cb);
    }
}

/* asy_loop_close: stops and joins every thread (a job still running is
 * waited for; queued jobs are dropped) and unlinks the internal handles. */
static void asy__pool_close(asy_loop_t *loop, void *state) {
    asy__pool *p = (asy__pool *)state;
    asy__worker *w;
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    while (p->idle) asy__pool_wake_one(p);
    pthread_mutex_unlock(&p->mu);
    while ((w = p->workers) != NULL) {
        p->workers = w->next;
        pthread_join(w->tid, NULL);
        pthread_cond_destroy(&w->cond);
        asy__free(w);
    }
    pthread_mutex_destroy(&p->mu);
    asy__async_close(&p->async);
    asy__queue_remove(&p->async.handle_link_);
    asy__phase_close(&p->prepare);
    asy__queue_remove(&p->prepare.handle_link_);
    asy__phase_close(&p->again);
    asy__queue_remove(&p->again.handle_link_);
    loop->active_reqs_ -= p->inflight;
    loop->layers_[ASY__LAYER_POOL].state = NULL;
    loop->layers_[ASY__LAYER_POOL].close = NULL;
    asy__free(p);
}

/* Library-owned handles: not listed, never EBUSY, never keep the loop
 * alive (requests in flight do). */
static void asy__internal_handle(asy_handle_t *h) {
    h->flags_ |= ASY__H_INTERNAL;
    asy_unref(h);
}

/* The pool lock is held for a few dozen instructions at a time, by the
 * loop and the workers: glibc's adaptive mutex spins a little before it
 * sleeps, which saves a futex round trip on most contended acquisitions. */
static int asy__pool_mutex_init(pthread_mutex_t *mu) {
    pthread_mutexattr_t attr;
    int r;
    if ((r = pthread_mutexattr_init(&attr)) != 0) return r;
#ifdef PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
    r = pthread_mutex_init(mu, &attr);
    pthread_mutexattr_destroy(&attr);
    return r;
}

ASY__INTERNAL asy__pool *asy__pool_get(asy_loop_t *loop, int *err) {
    asy__pool *p = (asy__pool *)loop->layers_[ASY__LAYER_POOL].state;
    int r;
    if (p) return p;
    p = ASY__NEW(asy__pool);
    if (!p) {
        *err = ASY_ENOMEM;
        return NULL;
    }
    memset(p, 0, sizeof(*p));
    p->loop = loop;
    if ((r = asy__pool_mutex_init(&p->mu)) != 0) {
        asy__free(p);
        *err = asy_translate_sys_error(r);
        return NULL;
    }
    asy__queue_init(&p->queue[0]);
    asy__queue_init(&p->queue[1]);
    asy__pool_set_limits(p, asy__pool_default_size(loop));
    {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        p->ncpu = n > 0 ? (unsigned)n : 1;
    }
    asy_async_init_at(loop, &p->async, asy__pool_async_cb, __FILE__, __LINE__);
    asy__internal_handle((asy_handle_t *)&p->async);
    asy_prepare_init_at(loop, &p->prepare, __FILE__, __LINE__);
    asy__internal_handle((asy_handle_t *)&p->prepare);
    asy_idle_init_at(loop, &p->again, __FILE__, __LINE__);
    asy__internal_handle((asy_handle_t *)&p->again);
    loop->layers_[ASY__LAYER_POOL].state = p;
    loop->layers_[ASY__LAYER_POOL].close = asy__pool_close;
    return p;
}

/* What fs and dns use: like asy_queue_work_class without argument checks. */
ASY__INTERNAL int asy__pool_submit(asy_loop_t *loop, asy_work_t *req, int cls,
                                   asy_work_cb work_cb, asy_after_work_cb done_cb) {
    int err = 0, slow = cls == ASY_WORK_SLOW_IO;
    unsigned before;
    asy__worker *wake = NULL;
    asy__pool *p = asy__pool_get(loop, &err);
    if (!p) return err;
    req->loop = loop;
    req->work_cb_ = work_cb;
    req->done_cb_ = done_cb;
    req->next_done_ = NULL;
    req->class_ = cls;
    req->state_ = ASY__WORK_QUEUED;
    req->status_ = 0;
    pthread_mutex_lock(&p->mu);
    req->seq_ = p->seq++;
    asy__queue_insert_tail(&p->queue[slow], &req->link_);
    p->queued[slow]++;
    before = __atomic_load_n(&p->runnable_hint, __ATOMIC_RELAXED);
    asy__pool_recount(p);
    if (p->runnable_hint > before) {
        /* A spinning worker, or one coming back from its job, takes the job
         * by itself; otherwise wake a parked one, else start a thread while
         * the pool is below its size.  (A chain of requests, each queued by
         * the previous one's callback, so runs on a single thread.) */
        unsigned coming =
            p->spinners + p->starting + __atomic_load_n(&p->finishing, __ATOMIC_RELAXED);
        if (p->runnable_hint <= coming) {
            /* nothing */
        } else if (p->delivering && !slow && p->running >= p->ncpu) {
            /* Queued by a done callback while every CPU already has a
             * worker on it: another worker could not run now anyway, and
             * the running ones take short jobs as they finish.  Whatever is
             * still queued once the batch of callbacks is over wakes
             * workers then (asy__pool_flush). */
        } else if (p->idle) {
            wake = asy__pool_take_idle(p);
        } else if (p->nthreads < p->size) {
            int r = asy__pool_spawn(p);
            if (r && p->nthreads == 0) {
                asy__queue_remove(&req->link_);
                p->queued[slow]--;
                asy__pool_recount(p);
                pthread_mutex_unlock(&p->mu);
                req->state_ = ASY__WORK_IDLE;
                return r;
            }
        }
    }
    pthread_mutex_unlock(&p->mu);
    if (wake) asy__worker_signal(wake);
    loop->active_reqs_++;
    p->inflight++;
    if (!slow && __atomic_add_fetch(&p->inflight_fast, 1, __ATOMIC_RELAXED) == 1)
        asy_prepare_start(&p->prepare, asy__pool_prepare_cb);
    return 0;
}

ASYNCRT_API int asy_queue_work_class(asy_loop_t *loop, asy_work_t *req, asy_work_class cls,
                                     asy_work_cb work_cb, asy_after_work_cb done_cb) {
    if (!loop || !req || !work_cb || (unsigned)cls > (unsigned)ASY_WORK_SLOW_IO)
        return ASY_EINVAL;
    return asy__pool_submit(loop, req, (int)cls, work_cb, done_cb);
}

ASYNCRT_API int asy_queue_work(asy_loop_t *loop, asy_work_t *req, asy_work_cb work_cb,
                               asy_after_work_cb done_cb) {
    return asy_queue_work_class(loop, req, ASY_WORK_CPU, work_cb, done_cb);
}

ASYNCRT_API int asy_work_cancel(asy_work_t *req) {
    asy__pool *p;
    int slow;
    if (!req || !req->loop) return ASY_EINVAL;
    p = (asy__pool *)req->loop->layers_[ASY__LAYER_POOL].state;
    if (!p) return ASY_EINVAL;
    pthread_mutex_lock(&p->mu);
    if (req->state_ != ASY__WORK_QUEUED) {
        pthread_mutex_unlock(&p->mu);
        return ASY_EBUSY;
    }
    slow = req->class_ == ASY_WORK_SLOW_IO;
    asy__queue_remove(&req->link_);
    p->queued[slow]--;
    asy__pool_recount(p);
    req->state_ = ASY__WORK_RUNNING; /* no longer cancellable */
    req->status_ = ASY_ECANCELED;
    pthread_mutex_unlock(&p->mu);
    /* The done callback runs from the loop, never inside this call. */
    asy__pool_complete(p, req);
    return 0;
}

ASYNCRT_API unsigned asy_pool_size(asy_loop_t *loop) {
    asy__pool *p;
    unsigned n;
    if (!loop) return 0;
    p = (asy__pool *)loop->layers_[ASY__LAYER_POOL].state;
    if (!p) return asy__pool_default_size(loop);
    pthread_mutex_lock(&p->mu);
    n = p->size;
    pthread_mutex_unlock(&p->mu);
    return n;
}

ASYNCRT_API int asy_pool_set_size(asy_loop_t *loop, unsigned size) {
    asy__pool *p;
    int err = 0;
    unsigned want;
    if (!loop || size == 0 || size > ASY__POOL_MAX_SIZE) return ASY_EINVAL;
    if (!(p = asy__pool_get(loop, &err))) return err;
    pthread_mutex_lock(&p->mu);
    asy__pool_set_limits(p, size);
    asy__pool_recount(p);
    if (p->nthreads > size) {
        /* parked surplus workers must wake up to leave */
        while (p->idle) asy__pool_wake_one(p);
    } else {
        want = p->runnable_hint;
        while (p->idle && want > 0) {
            asy__pool_wake_one(p);
            want--;
        }
        while (want > 0 && p->nthreads < p->size && asy__pool_spawn(p) == 0) want--;
    }
    pthread_mutex_unlock(&p->mu);
    return 0;
}

ASYNCRT_API int asy_pool_stats(asy_loop_t *loop, asy_pool_stats_t *out) {
    asy__pool *p;
    if (!loop || !out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    p = (asy__pool *)loop->layers_[ASY__LAYER_POOL].state;
    if (!p) {
        out->size = asy__pool_default_size(loop);
        out->slow_max = out->size / 2 ? out->size / 2 : 1;
        return 0;
    }
    pthread_mutex_lock(&p->mu);
    out->size = p->size;
    out->threads = p->nthreads;
    out->queued = p->queued[0] + p->queued[1];
    out->running = p->running;
    out->slow_running = p->slow_running;
    out->slow_max = p->slow_max;
    pthread_mutex_unlock(&p->mu);
    out->completed = p->completed;
    return 0;
}

#endif /* ASYNCRT_OS_POSIX */
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/fs/fs.internal.h"
/* Private parts of the fs layer. */
#include <dirent.h>
#include <sys/stat.h>
#include <sys/uio.h>
#if ASYNCRT_OS_LINUX
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <sys/inotify.h>
#include <sys/sendfile.h>
#include <linux/fs.h>
#endif

/* What an async request owned when its callback started: freed when the
 * callback returns, unless the callback cleaned up or took it first (they
 * strike what they free from here).  The loop's ASY__LAYER_FS slot points
 * at the record of the callback running now. */
typedef struct asy__fs_owned {
    char *buf;
    asy_dirent_t *dirents;
    char *path, *dest;
    struct asy__fs_owned *prev;
} asy__fs_owned;

enum { ASY__FS_OWN_PATH = 1, ASY__FS_OWN_DEST = 2 };

/* Runs the operation on the calling thread and fills the request. */
ASY__INTERNAL void asy__fs_exec(asy_fs_t *req);
/* Sets req->result from errno (or a given code) and names the call. */
static inline void asy__fs_fail(asy_fs_t *req, int err, const char *syscall) {
    req->result = err;
    req->syscall = syscall;
}
/* Replaces req->path (for an error deep inside rm -r); takes ownership. */
ASY__INTERNAL void asy__fs_set_path(asy_fs_t *req, char *path);
ASY__INTERNAL void asy__stat_from_sys(asy_stat_t *out, const struct stat *st);
ASY__INTERNAL int asy__fs_mkdir_p(asy_fs_t *req);
ASY__INTERNAL void asy__fs_rm(asy_fs_t *req);
ASY__INTERNAL void asy__fs_readdir(asy_fs_t *req);
ASY__INTERNAL void asy__fs_read_file(asy_fs_t *req);
ASY__INTERNAL void asy__fs_write_file(asy_fs_t *req, int append);
ASY__INTERNAL void asy__fs_copy_file(asy_fs_t *req);

#line 1 "asyncrt_impl/fs/request.c"
/* The life of an fs request: set-up, the trip through the pool, the
 * callback and what is freed after it, error messages. */

static const char *asy__fs_syscall_name(asy_fs_type t) {
    static const char *const names[] = {
        "unknown", "open",     "close",    "read",      "write",     "stat",     "lstat",
        "fstat",   "rename",   "unlink",   "mkdir",     "rmdir",     "rm",       "scandir",
        "open",    "open",     "open",     "copyfile",  "access",    "realpath", "symlink",
        "readlink", "chmod",   "utime",    "open",      "ftruncate", "fsync",    "fdatasync",
        "mkdtemp"};
    unsigned i = (unsigned)t;
    return i < ASY_ARRAY_SIZE(names) ? names[i] : "unknown";
}

/* Resets the request (keeping req->data) and records its paths: copies
 * for an async call, the caller's strings for a sync one. */
static int asy__fs_init(asy_loop_t *loop, asy_fs_t *req, asy_fs_type type, const char *path,
                        const char *dest, asy_fs_cb cb) {
    if (!req) return ASY_EINVAL;
    /* every field but data (the caller's, maybe set before this call);
     * field by field so an uninitialised request is never read */
    req->loop = NULL;
    req->result = 0;
    req->path = req->dest = NULL;
    memset(&req->statbuf, 0, sizeof(req->statbuf));
    req->dirents = NULL;
    req->buf = NULL;
    req->len = 0;
    req->cb_ = NULL;
    memset(&req->work_, 0, sizeof(req->work_));
    req->flags_ = req->mode_ = req->owns_paths_ = 0;
    req->off_ = 0;
    req->atime_ = req->mtime_ = 0;
    req->bufs_ = NULL;
    req->nbufs_ = 0;
    memset(req->bufsml_, 0, sizeof(req->bufsml_));
    req->type = type;
    req->syscall = asy__fs_syscall_name(type);
    req->fd_ = -1;
    if (cb && !loop) return (int)(req->result = ASY_EINVAL);
    req->loop = loop;
    req->cb_ = cb;
    if (!cb) {
        req->path = path;
        req->dest = dest;
        return 0;
    }
    {
        /* short paths are kept in the request itself: no allocation */
        size_t lp = path ? strlen(path) + 1 : 0, ld = dest ? strlen(dest) + 1 : 0;
        if (lp + ld <= sizeof(req->pathbuf_)) {
            if (path) req->path = (const char *)memcpy(req->pathbuf_, path, lp);
            if (dest) req->dest = (const char *)memcpy(req->pathbuf_ + lp, dest, ld);
            return 0;
        }
    }
    if (path) {
        if (!(req->path = asy__strdup(path))) return (int)(req->result = ASY_ENOMEM);
        req->owns_paths_ |= ASY__FS_OWN_PATH;
    }
    if (dest) {
        if (!(req->dest = asy__strdup(dest))) {
            asy_fs_req_cleanup(req);
            return (int)(req->result = ASY_ENOMEM);
        }
        req->owns_paths_ |= ASY__FS_OWN_DEST;
    }
    return 0;
}

static void asy__fs_work(asy_work_t *w) { asy__fs_exec(ASY_CONTAINER_OF(w, asy_fs_t, work_)); }

static void asy__fs_owned_free(asy__fs_owned *own) {
    asy__free(own->buf);
    asy__free(own->dirents);
    asy__free(own->path);
    asy__free(own->dest);
}

static void asy__fs_done(asy_work_t *w, int status) {
    asy_fs_t *req = ASY_CONTAINER_OF(w, asy_fs_t, work_);
    asy_loop_t *loop = req->loop;
    asy__fs_owned own;
    if (status < 0) req->result = status;
    if (req->bufs_ != req->bufsml_) asy__free(req->bufs_);
    req->bufs_ = NULL;
    own.buf = req->buf;
    own.dirents = req->dirents;
    own.path = (req->owns_paths_ & ASY__FS_OWN_PATH) ? (char *)req->path : NULL;
    own.dest = (req->owns_paths_ & ASY__FS_OWN_DEST) ? (char *)req->dest : NULL;
    own.prev = (asy__fs_owned *)loop->layers_[ASY__LAYER_FS].state;
    loop->layers_[ASY__LAYER_FS].state = &own;
    req->cb_(req); /* req may be gone after this */
    loop->layers_[ASY__LAYER_FS].state = own.prev;
    asy__fs_owned_free(&own);
}

/* Starts the request set up by asy__fs_init: on the pool when it has a
 * callback, else right here. */
static int asy__fs_go(asy_fs_t *req) {
    int r;
    if (!req->cb_) {
        asy__fs_exec(req);
        return req->result > INT_MAX ? INT_MAX : (int)req->result;
    }
    r = asy__pool_submit(req->loop, &req->work_, ASY_WORK_FAST_IO, asy__fs_work, asy__fs_done);
    if (r) {
        asy_fs_req_cleanup(req);
        req->result = r;
    }
    return r;
}

/* The record of the callback running now, if req's results are in it. */
static asy__fs_owned *asy__fs_current(const asy_fs_t *req) {
    if (!req->loop) return NULL;
    return (asy__fs_owned *)req->loop->layers_[ASY__LAYER_FS].state;
}

ASYNCRT_API void asy_fs_req_cleanup(asy_fs_t *req) {
    asy__fs_owned *own;
    if (!req) return;
    own = asy__fs_current(req);
    if (own) {
        if (own->buf == req->buf) own->buf = NULL;
        if (own->dirents == req->dirents) own->dirents = NULL;
        if (own->path == req->path) own->path = NULL;
        if (own->dest == req->dest) own->dest = NULL;
    }
    asy__free(req->buf);
    asy__free(req->dirents);
    if (req->owns_paths_ & ASY__FS_OWN_PATH) asy__free((void *)req->path);
    if (req->owns_paths_ & ASY__FS_OWN_DEST) asy__free((void *)req->dest);
    if (req->bufs_ && req->bufs_ != req->bufsml_ && req->cb_) asy__free(req->bufs_);
    req->bufs_ = NULL;
    req->owns_paths_ = 0;
    req->buf = NULL;
    req->len = 0;
    req->dirents = NULL;
    req->path = NULL;
    req->dest = NULL;
}

ASYNCRT_API char *asy_fs_take_buf(asy_fs_t *req, size_t *len) {
    asy__fs_owned *own;
    char *p;
    if (!req) return NULL;
    p = req->buf;
    own = asy__fs_current(req);
    if (own && own->buf == p) own->buf = NULL;
    if (len) *len = req->len;
    req->buf = NULL;
    req->len = 0;
    return p;
}

ASYNCRT_API asy_dirent_t *asy_fs_take_dirents(asy_fs_t *req, size_t *count) {
    asy__fs_owned *own;
    asy_dirent_t *d;
    if (!req) return NULL;
    d = req->dirents;
    own = asy__fs_current(req);
    if (own && own->dirents == d) own->dirents = NULL;
    if (count) *count = d && req->result > 0 ? (size_t)req->result : 0;
    req->dirents = NULL;
    return d;
}

ASYNCRT_API void asy_fs_free(void *p) { asy__free(p); }

ASY__INTERNAL void asy__fs_set_path(asy_fs_t *req, char *path) {
    if (req->owns_paths_ & ASY__FS_OWN_PATH) {
        /* still in the pool: nothing else refers to the old copy */
        asy__free((void *)req->path);
    }
    req->path = path;
    req->owns_paths_ |= ASY__FS_OWN_PATH;
}

ASYNCRT_API int asy_fs_cancel(asy_fs_t *req) {
    if (!req || !req->cb_) return ASY_EINVAL;
    return asy_work_cancel(&req->work_);
}

static int asy__fs_fd_syscall(const char *name) {
    static const char *const fd_calls[] = {"read",  "write", "fstat",     "close",
                                           "fsync", "fdatasync", "ftruncate"};
    size_t i;
    if (!name) return 0;
    for (i = 0; i < ASY_ARRAY_SIZE(fd_calls); i++)
        if (strcmp(name, fd_calls[i]) == 0) return 1;
    return 0;
}

ASYNCRT_API const char *asy_fs_error(const asy_fs_t *req, char *buf, size_t len) {
    int code, n;
    size_t used;
    if (!buf || len == 0) return "";
    buf[0] = 0;
    if (!req || req->result >= 0) return buf;
    code = (int)req->result;
    n = snprintf(buf, len, "%s: %s, %s", asy_err_name(code), asy_strerror(code),
                 req->syscall ? req->syscall : "unknown");
    if (n < 0 || (size_t)n >= len) return buf;
    used = (size_t)n;
    /* Node names no path for a call on an fd (readFile failing in read) */
    if (req->path && !asy__fs_fd_syscall(req->syscall)) {
        n = snprintf(buf + used, len - used, " '%s'", req->path);
        if (n < 0 || (size_t)n >= len - used) return buf;
        used += (size_t)n;
    }
    if (req->dest) snprintf(buf + used, len - used, " -> '%s'", req->dest);
    return buf;
}

ASYNCRT_API int asy_fs_open_flags(const char *f) {
    static const struct {
        const char *name;
        int flags;
    } table[] = {
        {"r", O_RDONLY},
        {"rs", O_RDONLY | O_SYNC},
        {"sr", O_RDONLY | O_SYNC},
        {"r+", O_RDWR},
        {"rs+", O_RDWR | O_SYNC},
        {"sr+", O_RDWR | O_SYNC},
        {"w", O_TRUNC | O_CREAT | O_WRONLY},
        {"wx", O_TRUNC | O_CREAT | O_WRONLY | O_EXCL},
        {"xw", O_TRUNC | O_CREAT | O_WRONLY | O_EXCL},
        {"w+", O_TRUNC | O_CREAT | O_RDWR},
        {"wx+", O_TRUNC | O_CREAT | O_RDWR | O_EXCL},
        {"xw+", O_TRUNC | O_CREAT | O_RDWR | O_EXCL},
        {"a", O_APPEND | O_CREAT | O_WRONLY},
        {"ax", O_APPEND | O_CREAT | O_WRONLY | O_EXCL},
        {"xa", O_APPEND | O_CREAT | O_WRONLY | O_EXCL},
        {"as", O_APPEND | O_CREAT | O_WRONLY | O_SYNC},
        {"sa", O_APPEND | O_CREAT | O_WRONLY | O_SYNC},
        {"a+", O_APPEND | O_CREAT | O_RDWR},
        {"ax+", O_APPEND | O_CREAT | O_RDWR | O_EXCL},
        {"xa+", O_APPEND | O_CREAT | O_RDWR | O_EXCL},
        {"as+", O_APPEND | O_CREAT | O_RDWR | O_SYNC},
        {"sa+", O_APPEND | O_CREAT | O_RDWR | O_SYNC},
    };
    size_t i;
    if (!f) return ASY_EINVAL;
    for (i = 0; i < ASY_ARRAY_SIZE(table); i++)
        if (strcmp(f, table[i].name) == 0) return table[i].flags;
    return ASY_EINVAL;
}

#line 1 "asyncrt_impl/fs/ops.c"
/* The operations that are one system call (or close to it). */

ASY__INTERNAL void asy__stat_from_sys(asy_stat_t *out, const struct stat *st) {
    memset(out, 0, sizeof(*out));
    out->dev = (uint64_t)st->st_dev;
    out->ino = (uint64_t)st->st_ino;
    out->mode = (uint64_t)st->st_mode;
    out->nlink = (uint64_t)st->st_nlink;
    out->uid = (uint64_t)st->st_uid;
    out->gid = (uint64_t)st->st_gid;
    out->rdev = (uint64_t)st->st_rdev;
    out->size = (uint64_t)st->st_size;
    out->blksize = (uint64_t)st->st_blksize;
    out->blocks = (uint64_t)st->st_blocks;
#if ASYNCRT_OS_DARWIN
    out->atim.sec = st->st_atimespec.tv_sec;
    out->atim.nsec = st->st_atimespec.tv_nsec;
    out->mtim.sec = st->st_mtimespec.tv_sec;
    out->mtim.nsec = st->st_mtimespec.tv_nsec;
    out->ctim.sec = st->st_ctimespec.tv_sec;
    out->ctim.nsec = st->st_ctimespec.tv_nsec;
    out->birthtim.sec = st->st_birthtimespec.tv_sec;
    out->birthtim.nsec = st->st_birthtimespec.tv_nsec;
#else
    out->atim.sec = st->st_atim.tv_sec;
    out->atim.nsec = st->st_atim.tv_nsec;
    out->mtim.sec = st->st_mtim.tv_sec;
    out->mtim.nsec = st->st_mtim.tv_nsec;
    out->ctim.sec = st->st_ctim.tv_sec;
    out->ctim.nsec = st->st_ctim.tv_nsec;
#endif
}

#if ASYNCRT_OS_LINUX && defined(STATX_BASIC_STATS)
/* statx gives the birth time; -ENOSYS (old kernel, seccomp) falls back. */
static int asy__statx(int dirfd, const char *path, int flags, asy_stat_t *out) {
    struct statx x;
    if (statx(dirfd, path, flags | AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS | STATX_BTIME, &x) != 0)
        return asy__errno();
    memset(out, 0, sizeof(*out));
    out->dev = (uint64_t)makedev(x.stx_dev_major, x.stx_dev_minor);
    out->ino = x.stx_ino;
    out->mode = x.stx_mode;
    out->nlink = x.stx_nlink;
    out->uid = x.stx_uid;
    out->gid = x.stx_gid;
    out->rdev = (uint64_t)makedev(x.stx_rdev_major, x.stx_rdev_minor);
    out->size = x.stx_size;
    out->blksize = x.stx_blksize;
    out->blocks = x.stx_blocks;
    out->atim.sec = x.stx_atime.tv_sec;
    out->atim.nsec = x.stx_atime.tv_nsec;
    out->mtim.sec = x.stx_mtime.tv_sec;
    out->mtim.nsec = x.stx_mtime.tv_nsec;
    out->ctim.sec = x.stx_ctime.tv_sec;
    out->ctim.nsec = x.stx_ctime.tv_nsec;
    if (x.stx_mask & STATX_BTIME) {
        out->birthtim.sec = x.stx_btime.tv_sec;
        out->birthtim.nsec = x.stx_btime.tv_nsec;
    }
    return 0;
}
#endif

/* stat (follow = 1), lstat (0) or fstat (path NULL). */
static int asy__fs_do_stat(const char *path, int fd, int follow, asy_stat_t *out) {
    struct stat st;
    int r;
#if ASYNCRT_OS_LINUX && defined(STATX_BASIC_STATS)
    r = path ? asy__statx(AT_FDCWD, path, follow ? 0 : AT_SYMLINK_NOFOLLOW, out)
             : asy__statx(fd, "", AT_EMPTY_PATH, out);
    if (r != ASY_ENOSYS) return r;
#endif
    if (path)
        r = follow ? stat(path, &st) : lstat(path, &st);
    else
        r = fstat(fd, &st);
    if (r != 0) return asy__errno();
    asy__stat_from_sys(out, &st);
    return 0;
}

static void asy__fs_rw(asy_fs_t *req, int write_op) {
    struct iovec small[8], *iov = small;
    unsigned i, n = req->nbufs_;
    ssize_t r;
    if (n > IOV_MAX) n = IOV_MAX;
    if (n > ASY_ARRAY_SIZE(small)) {
        iov = (struct iovec *)asy__malloc_array(n, sizeof(struct iovec));
        if (!iov) {
            req->result = ASY_ENOMEM;
            return;
        }
    }
    for (i = 0; i < n; i++) {
        iov[i].iov_base = req->bufs_[i].base;
        iov[i].iov_len = req->bufs_[i].len;
    }
    do {
        if (write_op) {
            if (req->off_ < 0)
                r = n == 1 ? write(req->fd_, iov[0].iov_base, iov[0].iov_len) : writev(req->fd_, iov, (int)n);
            else
                r = n == 1 ? pwrite(req->fd_, iov[0].iov_base, iov[0].iov_len, (off_t)req->off_)
                           : pwritev(req->fd_, iov, (int)n, (off_t)req->off_);
        } else {
            if (req->off_ < 0)
                r = n == 1 ? read(req->fd_, iov[0].iov_base, iov[0].iov_len) : readv(req->fd_, iov, (int)n);
            else
                r = n == 1 ? pread(req->fd_, iov[0].iov_base, iov[0].iov_len, (off_t)req->off_)
                           : preadv(req->fd_, iov, (int)n, (off_t)req->off_);
        }
    } while (r < 0 && errno == EINTR);
    req->result = r < 0 ? asy__errno() : (int64_t)r;
    if (iov != small) asy__free(iov);
}

static void asy__fs_readlink(asy_fs_t *req) {
    size_t cap = 256;
    for (;;) {
        char *b = (char *)asy__malloc(cap);
        ssize_t n;
        if (!b) {
            req->result = ASY_ENOMEM;
            return;
        }
        n = readlink(req->path, b, cap);
        if (n < 0) {
            req->result = asy__errno();
            asy__free(b);
            return;
        }
        if ((size_t)n < cap) {
            b[n] = 0;
            req->buf = b;
            req->len = (size_t)n;
            req->result = 0;
            return;
        }
        asy__free(b);
        cap *= 2;
    }
}

static void asy__fs_realpath(asy_fs_t *req) {
    char *r = realpath(req->path, NULL); /* libc's malloc, copied into ours */
    if (!r) {
        req->result = asy__errno();
        return;
    }
    req->len = strlen(r);
    req->buf = (char *)asy__malloc(req->len + 1);
    if (req->buf) memcpy(req->buf, r, req->len + 1);
    free(r);
    req->result = req->buf ? 0 : ASY_ENOMEM;
    if (!req->buf) req->len = 0;
}

static void asy__fs_mkdtemp(asy_fs_t *req) {
    size_t n = strlen(req->path);
    char *b = (char *)asy__malloc(n + 7);
    if (!b) {
        req->result = ASY_ENOMEM;
        return;
    }
    memcpy(b, req->path, n);
    memcpy(b + n, "XXXXXX", 7);
    if (!mkdtemp(b)) {
        req->result = asy__errno();
        asy__free(b);
        return;
    }
    req->buf = b;
    req->len = n + 6;
    req->result = 0;
}

static int asy__fs_utimes(const char *path, double atime, double mtime) {
    struct timespec ts[2];
    double t[2];
    int i;
    t[0] = atime;
    t[1] = mtime;
    for (i = 0; i < 2; i++) {
        int64_t s = (int64_t)t[i]; /* truncates toward zero: floor it */
        if ((double)s > t[i]) s--;
        ts[i].tv_sec = (time_t)s;
        ts[i].tv_nsec = (long)((t[i] - (double)s) * 1e9);
        if (ts[i].tv_nsec >= 1000000000L) ts[i].tv_nsec = 999999999L;
        if (ts[i].tv_nsec < 0) ts[i].tv_nsec = 0;
    }
    return utimensat(AT_FDCWD, path, ts, 0) == 0 ? 0 : asy__errno();
}

static int asy__sys(int r) { return r == 0 ? 0 : asy__errno(); }

ASY__INTERNAL void asy__fs_exec(asy_fs_t *req) {
    int r;
    req->result = 0;
    switch (req->type) {
        case ASY_FS_OPEN:
            do r = open(req->path, req->flags_ | O_CLOEXEC, req->mode_);
            while (r < 0 && errno == EINTR);
            req->result = r < 0 ? asy__errno() : r;
            break;
        case ASY_FS_CLOSE:
            /* Linux frees the fd even when close is interrupted */
            r = close(req->fd_);
            req->result = (r < 0 && errno != EINTR) ? asy__errno() : 0;
            break;
        case ASY_FS_READ:
            asy__fs_rw(req, 0);
            break;
        case ASY_FS_WRITE:
            asy__fs_rw(req, 1);
            break;
        case ASY_FS_STAT:
        case ASY_FS_LSTAT:
            req->result = asy__fs_do_stat(req->path, -1, req->type == ASY_FS_STAT, &req->statbuf);
            break;
        case ASY_FS_FSTAT:
            req->result = asy__fs_do_stat(NULL, req->fd_, 1, &req->statbuf);
            break;
        case ASY_FS_RENAME:
            req->result = asy__sys(rename(req->path, req->dest));
            break;
        case ASY_FS_UNLINK:
            req->result = asy__sys(unlink(req->path));
            break;
        case ASY_FS_MKDIR:
            if (req->flags_ & ASY_FS_RECURSIVE)
                req->result = asy__fs_mkdir_p(req);
            else
                req->result = asy__sys(mkdir(req->path, (mode_t)req->mode_));
            break;
        case ASY_FS_RMDIR:
            req->result = asy__sys(rmdir(req->path));
            break;
        case ASY_FS_RM:
            asy__fs_rm(req);
            break;
        case ASY_FS_READDIR:
            asy__fs_readdir(req);
            break;
        case ASY_FS_READ_FILE:
            asy__fs_read_file(req);
            break;
        case ASY_FS_WRITE_FILE:
        case ASY_FS_APPEND_FILE:
            asy__fs_write_file(req, req->type == ASY_FS_APPEND_FILE);
            break;
        case ASY_FS_COPY_FILE:
            asy__fs_copy_file(req);
            break;
        case ASY_FS_ACCESS:
            req->result = asy__sys(access(req->path, req->mode_));
            break;
        case ASY_FS_REALPATH:
            asy__fs_realpath(req);
            break;
        case ASY_FS_SYMLINK:
            req->result = asy__sys(symlink(req->path, req->dest));
            break;
        case ASY_FS_READLINK:
            asy__fs_readlink(req);
            break;
        case ASY_FS_CHMOD:
            req->result = asy__sys(chmod(req->path, (mode_t)req->mode_));
            break;
        case ASY_FS_UTIMES:
            req->result = asy__fs_utimes(req->path, req->atime_, req->mtime_);
            break;
        case ASY_FS_TRUNCATE:
            req->result = asy__sys(truncate(req->path, (off_t)req->off_));
            break;
        case ASY_FS_FTRUNCATE:
            req->result = asy__sys(ftruncate(req->fd_, (off_t)req->off_));
            break;
        case ASY_FS_FSYNC:
            req->result = asy__sys(fsync(req->fd_));
            break;
        case ASY_FS_FDATASYNC:
#if ASYNCRT_OS_DARWIN
            req->result = asy__sys(fcntl(req->fd_, F_FULLFSYNC));
#else
            req->result = asy__sys(fdatasync(req->fd_));
#endif
            break;
        case ASY_FS_MKDTEMP:
            asy__fs_mkdtemp(req);
            break;
        default:
            req->result = ASY_EINVAL;
            break;
    }
}

#line 1 "asyncrt_impl/fs/dir.c"
/* Directories: readdir with types, mkdir -p, rm -r. */

static asy_dirent_type asy__dirent_type_of_mode(mode_t m) {
    if (S_ISREG(m)) return ASY_DIRENT_FILE;
    if (S_ISDIR(m)) return ASY_DIRENT_DIR;
    if (S_ISLNK(m)) return ASY_DIRENT_LINK;
    if (S_ISFIFO(m)) return ASY_DIRENT_FIFO;
    if (S_ISSOCK(m)) return ASY_DIRENT_SOCKET;
    if (S_ISCHR(m)) return ASY_DIRENT_CHAR;
    if (S_ISBLK(m)) return ASY_DIRENT_BLOCK;
    return ASY_DIRENT_UNKNOWN;
}

/* d_type, or an lstat when the file system does not fill it in. */
static asy_dirent_type asy__dirent_type(DIR *d, const struct dirent *e) {
    struct stat st;
    switch (e->d_type) {
        case DT_REG: return ASY_DIRENT_FILE;
        case DT_DIR: return ASY_DIRENT_DIR;
        case DT_LNK: return ASY_DIRENT_LINK;
        case DT_FIFO: return ASY_DIRENT_FIFO;
        case DT_SOCK: return ASY_DIRENT_SOCKET;
        case DT_CHR: return ASY_DIRENT_CHAR;
        case DT_BLK: return ASY_DIRENT_BLOCK;
        default: break;
    }
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return ASY_DIRENT_UNKNOWN;
    return asy__dirent_type_of_mode(st.st_mode);
}

static int asy__is_dot(const char *n) { return n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])); }

static int asy__dirent_cmp(const void *a, const void *b) {
    return strcmp(((const asy_dirent_t *)a)->name, ((const asy_dirent_t *)b)->name);
}

/* Names go into one growing block, NUL-separated, in entry order; at the
 * end entries and names are copied into a single allocation (so one free,
 * or one asy_fs_take_dirents, covers both) and sorted by name, as Node's
 * readdir is (libuv's scandir sorts). */
ASY__INTERNAL void asy__fs_readdir(asy_fs_t *req) {
    DIR *d = opendir(req->path);
    asy_dirent_type *types = NULL;
    asy_dirent_t *ents;
    char *names = NULL, *p, *q;
    size_t n = 0, cap = 0, used = 0, ncap = 0, i;
    int err = 0;
    if (!d) {
        req->result = asy__errno();
        return;
    }
    for (;;) {
        struct dirent *e;
        size_t len;
        errno = 0;
        e = readdir(d);
        if (!e) {
            if (errno) err = asy__errno();
            break;
        }
        if (asy__is_dot(e->d_name)) continue;
        len = strlen(e->d_name) + 1;
        if (n == cap) {
            size_t c = cap ? cap * 2 : 64;
            asy_dirent_type *nt = (asy_dirent_type *)asy__realloc(types, c * sizeof(*types));
            if (!nt) { err = ASY_ENOMEM; break; }
            types = nt;
            cap = c;
        }
        if (used + len > ncap) {
            size_t c = ncap ? ncap * 2 : 1024;
            char *nn;
            while (c < used + len) c *= 2;
            nn = (char *)asy__realloc(names, c);
            if (!nn) { err = ASY_ENOMEM; break; }
            names = nn;
            ncap = c;
        }
        memcpy(names + used, e->d_name, len);
        used += len;
        types[n++] = asy__dirent_type(d, e);
    }
    closedir(d);
    ents = err ? NULL : (asy_dirent_t *)asy__malloc(n * sizeof(asy_dirent_t) + used);
    if (!err && !ents) err = ASY_ENOMEM;
    if (!err) {
        q = (char *)(ents + n);
        if (used) memcpy(q, names, used);
        for (i = 0, p = q; i < n; i++) {
            ents[i].name = p;
            ents[i].type = types[i];
            p += strlen(p) + 1;
        }
        if (n > 1) qsort(ents, n, sizeof(*ents), asy__dirent_cmp);
        req->dirents = ents;
        req->result = (int64_t)n;
    } else {
        req->result = err;
    }
    asy__free(types);
    asy__free(names);
}

/* Creates each missing component in turn.  An existing component is
 * passed over: if it is a file, the next mkdir says ENOTDIR.  The first
 * directory created is reported (Node's return value). */
ASY__INTERNAL int asy__fs_mkdir_p(asy_fs_t *req) {
    mode_t mode = (mode_t)req->mode_;
    size_t n = strlen(req->path), i;
    char *tmp;
    struct stat st;
    if (mkdir(req->path, mode) == 0) {
        if (!(req->buf = asy__strdup(req->path))) return ASY_ENOMEM;
        req->len = n;
        return 0;
    }
    if (errno == EEXIST) return stat(req->path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : ASY_EEXIST;
    if (errno != ENOENT) return asy__errno();
    if (!(tmp = asy__strdup(req->path))) return ASY_ENOMEM;
    for (i = 1; i <= n; i++) {
        int r;
        if (i < n && (tmp[i] != '/' || tmp[i - 1] == '/')) continue;
        if (i < n) tmp[i] = 0;
        r = mkdir(tmp, mode);
        if (r != 0 && errno != EEXIST) {
            r = asy__errno();
            asy__free(tmp);
            return r;
        }
        if (r == 0 && !req->buf) {
            if (!(req->buf = asy__strdup(tmp))) {
                asy__free(tmp);
                return ASY_ENOMEM;
            }
            req->len = strlen(tmp);
        }
        if (i < n) tmp[i] = '/';
    }
    asy__free(tmp);
    if (stat(req->path, &st) != 0) return asy__errno();
    return S_ISDIR(st.st_mode) ? 0 : ASY_EEXIST;
}

/* ---- rm -r ------------------------------------------------------------
 * Depth-first with one directory fd open at a time, however deep the
 * tree: a directory is read once (its files unlinked, its subdirectory
 * names kept), then each subdirectory is entered; climbing back goes
 * through "..", which is the real parent because entering never follows
 * a symlink (O_NOFOLLOW). */
typedef struct {
    char **subdirs;
    size_t n, cap, next;
    const char *name; /* in the parent's subdirs; NULL for the root */
    int scanned;
} asy__rm_frame;

static void asy__rm_frame_free(asy__rm_frame *f) {
    size_t i;
    for (i = 0; i < f->n; i++) asy__free(f->subdirs[i]);
    asy__free(f->subdirs);
}

/* root/a/b/name for an error message: the root, the names of frames
 * 1..depth-1, then name. */
static char *asy__rm_path(const char *root, const asy__rm_frame *frames, size_t depth,
                          const char *name) {
    size_t len = strlen(root) + 1, i, at;
    char *s;
    for (i = 1; i < depth; i++) len += strlen(frames[i].name) + 1;
    if (name) len += strlen(name) + 1;
    if (!(s = (char *)asy__malloc(len))) return NULL;
    at = strlen(root);
    memcpy(s, root, at);
    for (i = 1; i <= depth; i++) {
        const char *part = i < depth ? frames[i].name : name;
        size_t pl;
        if (!part) break;
        pl = strlen(part);
        s[at++] = '/';
        memcpy(s + at, part, pl);
        at += pl;
    }
    s[at] = 0;
    return s;
}

/* Reads the directory open at fd: unlinks what is not a directory and
 * records the subdirectories.  0 or an error (syscall set). */
static int asy__rm_scan(int fd, asy__rm_frame *f, const char **syscall, char **failed) {
    int dfd = dup(fd);
    DIR *d;
    int err = 0;
    if (dfd < 0 || !(d = fdopendir(dfd))) {
        err = asy__errno();
        if (dfd >= 0) close(dfd);
        *syscall = "opendir";
        return err;
    }
    for (;;) {
        struct dirent *e;
        int isdir;
        errno = 0;
        if (!(e = readdir(d))) {
            if (errno) {
                err = asy__errno();
                *syscall = "scandir";
            }
            break;
        }
        if (asy__is_dot(e->d_name)) continue;
        isdir = asy__dirent_type(d, e) == ASY_DIRENT_DIR;
        if (!isdir) {
            if (unlinkat(fd, e->d_name, 0) == 0 || errno == ENOENT) continue;
            if (errno != EISDIR) { /* EISDIR: it became a directory meanwhile */
                err = asy__errno();
                *syscall = "unlink";
                *failed = asy__strdup(e->d_name);
                break;
            }
        }
        if (f->n == f->cap) {
            size_t c = f->cap ? f->cap * 2 : 16;
            char **ns = (char **)asy__realloc(f->subdirs, c * sizeof(char *));
            if (!ns) { err = ASY_ENOMEM; break; }
            f->subdirs = ns;
            f->cap = c;
        }
        if (!(f->subdirs[f->n] = asy__strdup(e->d_name))) { err = ASY_ENOMEM; break; }
        f->n++;
    }
    closedir(d);
    f->scanned = 1;
    return err;
}

static void asy__fs_rm_tree(asy_fs_t *req) {
    asy__rm_frame *frames;
    size_t depth = 1, cap = 16;
    const char *syscall = "opendir";
    char *failed = NULL;
    int err = 0, cur;
    if (!(frames = (asy__rm_frame *)asy__calloc(cap, sizeof(*frames)))) {
        req->result = ASY_ENOMEM;
        return;
    }
    cur = open(req->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (cur < 0) {
        asy__free(frames);
        asy__fs_fail(req, asy__errno(), "opendir");
        return;
    }
    for (;;) {
        asy__rm_frame *f = &frames[depth - 1];
        if (!f->scanned && (err = asy__rm_scan(cur, f, &syscall, &failed)) != 0) break;
        if (f->next < f->n) {
            const char *child = f->subdirs[f->next++];
            int cfd = openat(cur, child, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (cfd < 0) {
                if (errno == ENOENT) continue;
                /* replaced by a file or a link meanwhile */
                if ((errno == ENOTDIR || errno == ELOOP) &&
                    (unlinkat(cur, child, 0) == 0 || errno == ENOENT))
                    continue;
                err = asy__errno();
                syscall = "opendir";
                failed = asy__strdup(child);
                break;
            }
            if (depth == cap) {
                asy__rm_frame *nf = (asy__rm_frame *)asy__realloc(frames, 2 * cap * sizeof(*frames));
                if (!nf) {
                    close(cfd);
                    err = ASY_ENOMEM;
                    break;
                }
                frames = nf;
                cap *= 2;
            }
            close(cur);
            cur = cfd;
            memset(&frames[depth], 0, sizeof(frames[depth]));
            frames[depth].name = child; /* lives in the parent's list */
            depth++;
            continue;
        }
        /* every entry is gone: remove the directory itself */
        if (depth == 1) {
            close(cur);
            cur = -1;
            if (rmdir(req->path) != 0 && errno != ENOENT) {
                err = asy__errno();
                syscall = "rmdir";
            }
            break;
        }
        {
            int pfd = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            const char *name = f->name;
            int r;
            if (pfd < 0) {
                err = asy__errno();
                syscall = "opendir";
                break;
            }
            close(cur);
            cur = pfd;
            r = unlinkat(cur, name, AT_REMOVEDIR);
            if (r != 0 && errno != ENOENT) {
                err = asy__errno();
                syscall = "rmdir";
                failed = asy__strdup(name);
            }
            asy__rm_frame_free(f);
            depth--;
            if (err) break;
        }
    }
    if (cur >= 0) close(cur);
    if (err) {
        char *where = asy__rm_path(req->path, frames, depth, failed);
        asy__fs_fail(req, err, syscall);
        if (where) asy__fs_set_path(req, where);
    }
    while (depth > 0) asy__rm_frame_free(&frames[--depth]);
    asy__free(frames);
    asy__free(failed);
}

ASY__INTERNAL void asy__fs_rm(asy_fs_t *req) {
    struct stat st;
    req->result = 0;
    if (lstat(req->path, &st) != 0) {
        if (errno == ENOENT && (req->flags_ & ASY_FS_FORCE)) return;
        asy__fs_fail(req, asy__errno(), "lstat");
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(req->path) != 0 && !(errno == ENOENT && (req->flags_ & ASY_FS_FORCE)))
            asy__fs_fail(req, asy__errno(), "unlink");
        return;
    }
    if (!(req->flags_ & ASY_FS_RECURSIVE)) {
        asy__fs_fail(req, ASY_EISDIR, "rm");
        return;
    }
    asy__fs_rm_tree(req);
}

#line 1 "asyncrt_impl/fs/file.c"
/* Whole-file operations: readFile, writeFile / appendFile, copyFile.
 * Each is one pool job (open, I/O and close together), where Node's
 * fs/promises makes a round trip to the pool per system call. */

static int asy__open_retry(const char *path, int flags, int mode) {
    int fd;
    do fd = open(path, flags | O_CLOEXEC, mode);
    while (fd < 0 && errno == EINTR);
    return fd;
}

ASY__INTERNAL void asy__fs_read_file(asy_fs_t *req) {
    struct stat st;
    size_t cap, used = 0;
    char *b;
    int fd = asy__open_retry(req->path, O_RDONLY, 0);
    if (fd < 0) {
        asy__fs_fail(req, asy__errno(), "open");
        return;
    }
    if (fstat(fd, &st) != 0) {
        asy__fs_fail(req, asy__errno(), "fstat");
        close(fd);
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        asy__fs_fail(req, ASY_EISDIR, "read");
        close(fd);
        return;
    }
    /* A regular file is read up to the size it has now (as Node does);
     * anything else (pipes, /proc files that say 0) until end of file. */
    cap = (S_ISREG(st.st_mode) && st.st_size > 0) ? (size_t)st.st_size : 8192;
    if (!(b = (char *)asy__malloc(cap + 1))) {
        req->result = ASY_ENOMEM;
        close(fd);
        return;
    }
    for (;;) {
        ssize_t n;
        if (used == cap) {
            char *nb;
            if (S_ISREG(st.st_mode) && st.st_size > 0) break;
            nb = (char *)asy__realloc(b, cap * 2 + 1);
            if (!nb) {
                asy__free(b);
                close(fd);
                req->result = ASY_ENOMEM;
                return;
            }
            b = nb;
            cap *= 2;
        }
        n = read(fd, b + used, cap - used);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            asy__fs_fail(req, asy__errno(), "read");
            asy__free(b);
            close(fd);
            return;
        }
        if (n == 0) break;
        used += (size_t)n;
    }
    close(fd);
    b[used] = 0;
    req->buf = b;
    req->len = used;
    req->result = (int64_t)used;
}

static int asy__write_all(int fd, const char *p, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return asy__errno();
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

ASY__INTERNAL void asy__fs_write_file(asy_fs_t *req, int append) {
    int flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), r;
    int fd = asy__open_retry(req->path, flags, req->mode_);
    if (fd < 0) {
        asy__fs_fail(req, asy__errno(), "open");
        return;
    }
    r = asy__write_all(fd, (const char *)req->bufsml_[0].base, req->bufsml_[0].len);
    if (r) {
        asy__fs_fail(req, r, "write");
        close(fd);
        return;
    }
    if (close(fd) != 0 && errno != EINTR) {
        asy__fs_fail(req, asy__errno(), "close");
        return;
    }
    req->result = (int64_t)req->bufsml_[0].len;
}

/* The data itself: copy_file_range (in-kernel, may reflink), else a
 * read/write loop when the kernel or the file systems cannot. */
static int asy__copy_data(int in, int out, uint64_t size) {
    char *buf;
    int r = 0;
#if ASYNCRT_OS_LINUX && defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 27)
    uint64_t done = 0;
    while (done < size) {
        size_t chunk = size - done > ((size_t)1 << 30) ? ((size_t)1 << 30) : (size_t)(size - done);
        ssize_t n = copy_file_range(in, NULL, out, NULL, chunk, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (done == 0 && (errno == ENOSYS || errno == EXDEV || errno == EINVAL ||
                              errno == EOPNOTSUPP || errno == EPERM))
                break; /* fall back to read/write */
            return asy__errno();
        }
        if (n == 0) return 0; /* file shrank */
        done += (uint64_t)n;
    }
    if (done >= size && size > 0) return 0;
#endif
    (void)size;
    if (!(buf = (char *)asy__malloc(65536))) return ASY_ENOMEM;
    for (;;) {
        ssize_t n = read(in, buf, 65536);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            r = asy__errno();
            break;
        }
        if (n == 0) break;
        if ((r = asy__write_all(out, buf, (size_t)n)) != 0) break;
    }
    asy__free(buf);
    return r;
}

ASY__INTERNAL void asy__fs_copy_file(asy_fs_t *req) {
    struct stat sst, dst;
    int in, out, r = 0, flags = req->flags_;
    in = asy__open_retry(req->path, O_RDONLY, 0);
    if (in < 0) {
        asy__fs_fail(req, asy__errno(), "copyfile");
        return;
    }
    if (fstat(in, &sst) != 0) {
        asy__fs_fail(req, asy__errno(), "copyfile");
        close(in);
        return;
    }
    /* Not O_TRUNC yet: copying a file onto itself must leave it intact. */
    out = asy__open_retry(req->dest,
                          O_WRONLY | O_CREAT | ((flags & ASY_FS_COPYFILE_EXCL) ? O_EXCL : 0),
                          (int)(sst.st_mode & 07777));
    if (out < 0) {
        asy__fs_fail(req, asy__errno(), "copyfile");
        close(in);
        return;
    }
    if (fstat(out, &dst) != 0) {
        r = asy__errno();
    } else if (dst.st_dev == sst.st_dev && dst.st_ino == sst.st_ino) {
        r = 0; /* same file: nothing to do */
    } else if (ftruncate(out, 0) != 0) {
        r = asy__errno();
    } else {
        int cloned = 0;
        if (fchmod(out, sst.st_mode & 07777) != 0) r = asy__errno();
#if ASYNCRT_OS_LINUX && defined(FICLONE)
        if (!r && (flags & (ASY_FS_COPYFILE_FICLONE | ASY_FS_COPYFILE_FICLONE_FORCE))) {
            if (ioctl(out, FICLONE, in) == 0)
                cloned = 1;
            else if (flags & ASY_FS_COPYFILE_FICLONE_FORCE)
                r = asy__errno();
        }
#else
        if (!r && (flags & ASY_FS_COPYFILE_FICLONE_FORCE)) r = ASY_ENOSYS;
#endif
        if (!r && !cloned) r = asy__copy_data(in, out, (uint64_t)sst.st_size);
    }
    close(in);
    if (close(out) != 0 && !r && errno != EINTR) r = asy__errno();
    if (r) asy__fs_fail(req, r, "copyfile");
}

#line 1 "asyncrt_impl/fs/api.c"
/* The public fs calls: argument checks, then asy__fs_init + asy__fs_go. */

/* A bad argument: the result is recorded when there is a request. */
static int asy__fs_bad(asy_fs_t *req) {
    if (req) req->result = ASY_EINVAL;
    return ASY_EINVAL;
}

/* For the calls whose only argument is a path. */
static int asy__fs_path_op(asy_loop_t *loop, asy_fs_t *req, asy_fs_type type, const char *path,
                           asy_fs_cb cb) {
    int r;
    if (!path) return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, type, path, NULL, cb)) != 0) return r;
    return asy__fs_go(req);
}

static int asy__fs_fd_op(asy_loop_t *loop, asy_fs_t *req, asy_fs_type type, int fd,
                         int64_t off, asy_fs_cb cb) {
    int r;
    if (fd < 0) return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, type, NULL, NULL, cb)) != 0) return r;
    req->fd_ = fd;
    req->off_ = off;
    return asy__fs_go(req);
}

ASYNCRT_API int asy_fs_open(asy_loop_t *loop, asy_fs_t *req, const char *path, int flags,
                            int mode, asy_fs_cb cb) {
    int r;
    if (!path || mode < 0) return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, ASY_FS_OPEN, path, NULL, cb)) != 0) return r;
    req->flags_ = flags;
    req->mode_ = mode ? mode : 0666;
    return asy__fs_go(req);
}

ASYNCRT_API int asy_fs_close(asy_loop_t *loop, asy_fs_t *req, int fd, asy_fs_cb cb) {
    return asy__fs_fd_op(loop, req, ASY_FS_CLOSE, fd, 0, cb);
}

static int asy__fs_rw_op(asy_loop_t *loop, asy_fs_t *req, asy_fs_type type, int fd,
                         const asy_iovec_t *bufs, unsigned nbufs, int64_t offset, asy_fs_cb cb) {
    int r;
    if (fd < 0 || !bufs || nbufs == 0) return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, type, NULL, NULL, cb)) != 0) return r;
    req->fd_ = fd;
    req->off_ = offset < 0 ? -1 : offset;
    req->nbufs_ = nbufs;
    if (!cb) {
        req->bufs_ = (asy_iovec_t *)bufs; /* used during this call only */
    } else {
        /* the caller's array may be on its stack: keep a copy */
        req->bufs_ = nbufs <= ASY_ARRAY_SIZE(req->bufsml_) ? req->bufsml_
                                                            : ASY__NEW_ARRAY(asy_iovec_t, nbufs);
        if (!req->bufs_) return (int)(req->result = ASY_ENOMEM);
        memcpy(req->bufs_, bufs, nbufs * sizeof(*bufs));
    }
    return asy__fs_go(req);
}

ASYNCRT_API int asy_fs_read(asy_loop_t *loop, asy_fs_t *req, int fd, const asy_iovec_t *bufs,
                            unsigned nbufs, int64_t offset, asy_fs_cb cb) {
    return asy__fs_rw_op(loop, req, ASY_FS_READ, fd, bufs, nbufs, offset, cb);
}

ASYNCRT_API int asy_fs_write(asy_loop_t *loop, asy_fs_t *req, int fd, const asy_iovec_t *bufs,
                             unsigned nbufs, int64_t offset, asy_fs_cb cb) {
    return asy__fs_rw_op(loop, req, ASY_FS_WRITE, fd, bufs, nbufs, offset, cb);
}

ASYNCRT_API int asy_fs_stat(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb) {
    return asy__fs_path_op(loop, req, ASY_FS_STAT, path, cb);
}

ASYNCRT_API int asy_fs_lstat(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb) {
    return asy__fs_path_op(loop, req, ASY_FS_LSTAT, path, cb);
}

ASYNCRT_API int asy_fs_fstat(asy_loop_t *loop, asy_fs_t *req, int fd, asy_fs_cb cb) {
    return asy__fs_fd_op(loop, req, ASY_FS_FSTAT, fd, 0, cb);
}

static int asy__fs_two_paths(asy_loop_t *loop, asy_fs_t *req, asy_fs_type type, const char *a,
                             const char *b, int flags, asy_fs_cb cb) {
    int r;
    if (!a || !b) return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, type, a, b, cb)) != 0) return r;
    req->flags_ = flags;
    return asy__fs_go(req);
}

ASYNCRT_API int asy_fs_rename(asy_loop_t *loop, asy_fs_t *req, const char *from, const char *to,
                              asy_fs_cb cb) {
    return asy__fs_two_paths(loop, req, ASY_FS_RENAME, from, to, 0, cb);
}

ASYNCRT_API int asy_fs_unlink(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb) {
    return asy__fs_path_op(loop, req, ASY_FS_UNLINK, path, cb);
}

ASYNCRT_API int asy_fs_mkdir(asy_loop_t *loop, asy_fs_t *req, const char *path, int mode,
                             int flags, asy_fs_cb cb) {
    int r;
    if (!path || mode < 0 || (flags & ~ASY_FS_RECURSIVE)) return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, ASY_FS_MKDIR, path, NULL, cb)) != 0) return r;
    req->mode_ = mode ? mode : 0777;
    req->flags_ = flags;
    return asy__fs_go(req);
}

ASYNCRT_API int asy_fs_rmdir(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb) {
    return asy__fs_path_op(loop, req, ASY_FS_RMDIR, path, cb);
}

ASYNCRT_API int asy_fs_rm(asy_loop_t *loop, asy_fs_t *req, const char *path, int flags,
                          asy_fs_cb cb) {
    int r;
    if (!path || (flags & ~(ASY_FS_RECURSIVE | ASY_FS_FORCE))) return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, ASY_FS_RM, path, NULL, cb)) != 0) return r;
    req->flags_ = flags;
    return asy__fs_go(req);
}

ASYNCRT_API int asy_fs_readdir(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb) {
    return asy__fs_path_op(loop, req, ASY_FS_READDIR, path, cb);
}

ASYNCRT_API int asy_fs_read_file(asy_loop_t *loop, asy_fs_t *req, const char *path,
                                 asy_fs_cb cb) {
    return asy__fs_path_op(loop, req, ASY_FS_READ_FILE, path, cb);
}

static int asy__fs_put_file(asy_loop_t *loop, asy_fs_t *req, asy_fs_type type, const char *path,
                            const void *data, size_t len, int mode, asy_fs_cb cb) {
    int r;
    if (!path || (!data && len) || mode < 0) return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, type, path, NULL, cb)) != 0) return r;
    req->bufsml_[0].base = (void *)data;
    req->bufsml_[0].len = len;
    req->mode_ = mode ? mode : 0666;
    return asy__fs_go(req);
}

ASYNCRT_API int asy_fs_write_file(asy_loop_t *loop, asy_fs_t *req, const char *path,
                                  const void *data, size_t len, int mode, asy_fs_cb cb) {
    return asy__fs_put_file(loop, req, ASY_FS_WRITE_FILE, path, data, len, mode, cb);
}

ASYNCRT_API int asy_fs_append_file(asy_loop_t *loop, asy_fs_t *req, const char *path,
                                   const void *data, size_t len, int mode, asy_fs_cb cb) {
    return asy__fs_put_file(loop, req, ASY_FS_APPEND_FILE, path, data, len, mode, cb);
}

ASYNCRT_API int asy_fs_copy_file(asy_loop_t *loop, asy_fs_t *req, const char *src,
                                 const char *dest, int flags, asy_fs_cb cb) {
    if (flags & ~(ASY_FS_COPYFILE_EXCL | ASY_FS_COPYFILE_FICLONE | ASY_FS_COPYFILE_FICLONE_FORCE))
        return asy__fs_bad(req);
    return asy__fs_two_paths(loop, req, ASY_FS_COPY_FILE, src, dest, flags, cb);
}

ASYNCRT_API int asy_fs_access(asy_loop_t *loop, asy_fs_t *req, const char *path, int mode,
                              asy_fs_cb cb) {
    int r;
    if (!path || (mode & ~(ASY_R_OK | ASY_W_OK | ASY_X_OK))) return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, ASY_FS_ACCESS, path, NULL, cb)) != 0) return r;
    req->mode_ = mode;
    return asy__fs_go(req);
}

ASYNCRT_API int asy_fs_realpath(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb) {
    return asy__fs_path_op(loop, req, ASY_FS_REALPATH, path, cb);
}

ASYNCRT_API int asy_fs_symlink(asy_loop_t *loop, asy_fs_t *req, const char *target,
                               const char *path, asy_fs_cb cb) {
    return asy__fs_two_paths(loop, req, ASY_FS_SYMLINK, target, path, 0, cb);
}

ASYNCRT_API int asy_fs_readlink(asy_loop_t *loop, asy_fs_t *req, const char *path, asy_fs_cb cb) {
    return asy__fs_path_op(loop, req, ASY_FS_READLINK, path, cb);
}

ASYNCRT_API int asy_fs_chmod(asy_loop_t *loop, asy_fs_t *req, const char *path, int mode,
                             asy_fs_cb cb) {
    int r;
    if (!path || mode < 0 || mode > 07777) return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, ASY_FS_CHMOD, path, NULL, cb)) != 0) return r;
    req->mode_ = mode;
    return asy__fs_go(req);
}

ASYNCRT_API int asy_fs_utimes(asy_loop_t *loop, asy_fs_t *req, const char *path, double atime,
                              double mtime, asy_fs_cb cb) {
    int r;
    /* NaN compares unequal to itself; beyond +-2^62 s the cast overflows */
    if (!path || atime != atime || mtime != mtime || atime > 4.6e18 || atime < -4.6e18 ||
        mtime > 4.6e18 || mtime < -4.6e18)
        return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, ASY_FS_UTIMES, path, NULL, cb)) != 0) return r;
    req->atime_ = atime;
    req->mtime_ = mtime;
    return asy__fs_go(req);
}

ASYNCRT_API int asy_fs_truncate(asy_loop_t *loop, asy_fs_t *req, const char *path, int64_t len,
                                asy_fs_cb cb) {
    int r;
    if (!path || len < 0) return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, ASY_FS_TRUNCATE, path, NULL, cb)) != 0) return r;
    req->off_ = len;
    return asy__fs_go(req);
}

ASYNCRT_API int asy_fs_ftruncate(asy_loop_t *loop, asy_fs_t *req, int fd, int64_t len,
                                 asy_fs_cb cb) {
    if (len < 0) return asy__fs_bad(req);
    return asy__fs_fd_op(loop, req, ASY_FS_FTRUNCATE, fd, len, cb);
}

ASYNCRT_API int asy_fs_fsync(asy_loop_t *loop, asy_fs_t *req, int fd, asy_fs_cb cb) {
    return asy__fs_fd_op(loop, req, ASY_FS_FSYNC, fd, 0, cb);
}

ASYNCRT_API int asy_fs_fdatasync(asy_loop_t *loop, asy_fs_t *req, int fd, asy_fs_cb cb) {
    return asy__fs_fd_op(loop, req, ASY_FS_FDATASYNC, fd, 0, cb);
}

ASYNCRT_API int asy_fs_mkdtemp(asy_loop_t *loop, asy_fs_t *req, const char *prefix,
                               asy_fs_cb cb) {
    return asy__fs_path_op(loop, req, ASY_FS_MKDTEMP, prefix, cb);
}

#line 1 "asyncrt_impl/fs/promises.c"
/* fs/promises over the callback API: the request is allocated with the
 * promise and becomes the promise's value. */

/* Leaves req's results with req: they are not freed when the callback
 * that is running now returns (the promise owns req and frees them). */
static void asy__fs_keep(asy_fs_t *req) {
    asy__fs_owned *own = asy__fs_current(req);
    if (!own) return;
    if (own->buf == req->buf) own->buf = NULL;
    if (own->dirents == req->dirents) own->dirents = NULL;
    if (own->path == req->path) own->path = NULL;
    if (own->dest == req->dest) own->dest = NULL;
}

static void asy__fsp_free(void *v) {
    asy_fs_t *req = (asy_fs_t *)v;
    asy_fs_req_cleanup(req);
    asy__free(req);
}

static void asy__fsp_reject(asy_promise_t *p, const asy_fs_t *req, int code) {
    size_t n = 128 + (req->path ? strlen(req->path) : 0) + (req->dest ? strlen(req->dest) : 0);
    char *msg = req->syscall ? (char *)asy__malloc(n) : NULL;
    if (msg) asy_fs_error(req, msg, n);
    asy_promise_reject(p, code, msg && *msg ? msg : asy_strerror(code));
    asy__free(msg);
}

static void asy__fsp_done(asy_fs_t *req) {
    asy_promise_t *p = (asy_promise_t *)req->data;
    if (req->result < 0) {
        asy__fsp_reject(p, req, (int)req->result);
        asy__free(req); /* its results go when this callback returns */
    } else {
        asy__fs_keep(req);
        asy_promise_settle(p, asy_ok_owned(req, asy__fsp_free));
    }
    asy_promise_release(p); /* the reference held for settling */
}

/* A zeroed request carrying a second reference of a new promise. */
static asy_fs_t *asy__fsp_new(asy_loop_t *loop, asy_promise_t **out) {
    asy_fs_t *req;
    asy_promise_t *p;
    *out = NULL;
    if (!loop || !(p = asy_promise_new(loop))) return NULL;
    if (!(req = (asy_fs_t *)asy__calloc(1, sizeof(asy_fs_t)))) {
        asy_promise_release(p);
        return NULL;
    }
    req->data = asy_promise_retain(p);
    *out = p;
    return req;
}

/* r: what starting the operation returned; an error rejects at once (the
 * callback will never run). */
static asy_promise_t *asy__fsp_started(asy_fs_t *req, asy_promise_t *p, int r) {
    if (r != 0) {
        req->result = r;
        asy__fsp_reject(p, req, r);
        asy_promise_release(p);
        asy_fs_req_cleanup(req);
        asy__free(req);
    }
    return p;
}

#define ASY__FSP(call)                                       \
    asy_promise_t *p;                                        \
    asy_fs_t *req = asy__fsp_new(loop, &p);                  \
    if (!req) return NULL;                                   \
    return asy__fsp_started(req, p, call)

ASYNCRT_API asy_promise_t *asy_fsp_open(asy_loop_t *loop, const char *path, int flags, int mode) {
    ASY__FSP(asy_fs_open(loop, req, path, flags, mode, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_close(asy_loop_t *loop, int fd) {
    ASY__FSP(asy_fs_close(loop, req, fd, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_read(asy_loop_t *loop, int fd, const asy_iovec_t *bufs,
                                        unsigned nbufs, int64_t offset) {
    ASY__FSP(asy_fs_read(loop, req, fd, bufs, nbufs, offset, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_write(asy_loop_t *loop, int fd, const asy_iovec_t *bufs,
                                         unsigned nbufs, int64_t offset) {
    ASY__FSP(asy_fs_write(loop, req, fd, bufs, nbufs, offset, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_stat(asy_loop_t *loop, const char *path) {
    ASY__FSP(asy_fs_stat(loop, req, path, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_lstat(asy_loop_t *loop, const char *path) {
    ASY__FSP(asy_fs_lstat(loop, req, path, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_fstat(asy_loop_t *loop, int fd) {
    ASY__FSP(asy_fs_fstat(loop, req, fd, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_rename(asy_loop_t *loop, const char *from, const char *to) {
    ASY__FSP(asy_fs_rename(loop, req, from, to, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_unlink(asy_loop_t *loop, const char *path) {
    ASY__FSP(asy_fs_unlink(loop, req, path, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_mkdir(asy_loop_t *loop, const char *path, int mode, int flags) {
    ASY__FSP(asy_fs_mkdir(loop, req, path, mode, flags, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_rmdir(asy_loop_t *loop, const char *path) {
    ASY__FSP(asy_fs_rmdir(loop, req, path, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_rm(asy_loop_t *loop, const char *path, int flags) {
    ASY__FSP(asy_fs_rm(loop, req, path, flags, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_readdir(asy_loop_t *loop, const char *path) {
    ASY__FSP(asy_fs_readdir(loop, req, path, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_read_file(asy_loop_t *loop, const char *path) {
    ASY__FSP(asy_fs_read_file(loop, req, path, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_write_file(asy_loop_t *loop, const char *path,
                                              const void *data, size_t len, int mode) {
    ASY__FSP(asy_fs_write_file(loop, req, path, data, len, mode, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_append_file(asy_loop_t *loop, const char *path,
                                               const void *data, size_t len, int mode) {
    ASY__FSP(asy_fs_append_file(loop, req, path, data, len, mode, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_copy_file(asy_loop_t *loop, const char *src,
                                             const char *dest, int flags) {
    ASY__FSP(asy_fs_copy_file(loop, req, src, dest, flags, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_access(asy_loop_t *loop, const char *path, int mode) {
    ASY__FSP(asy_fs_access(loop, req, path, mode, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_realpath(asy_loop_t *loop, const char *path) {
    ASY__FSP(asy_fs_realpath(loop, req, path, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_symlink(asy_loop_t *loop, const char *target,
                                           const char *path) {
    ASY__FSP(asy_fs_symlink(loop, req, target, path, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_readlink(asy_loop_t *loop, const char *path) {
    ASY__FSP(asy_fs_readlink(loop, req, path, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_chmod(asy_loop_t *loop, const char *path, int mode) {
    ASY__FSP(asy_fs_chmod(loop, req, path, mode, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_utimes(asy_loop_t *loop, const char *path, double atime,
                                          double mtime) {
    ASY__FSP(asy_fs_utimes(loop, req, path, atime, mtime, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_truncate(asy_loop_t *loop, const char *path, int64_t len) {
    ASY__FSP(asy_fs_truncate(loop, req, path, len, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_ftruncate(asy_loop_t *loop, int fd, int64_t len) {
    ASY__FSP(asy_fs_ftruncate(loop, req, fd, len, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_fsync(asy_loop_t *loop, int fd) {
    ASY__FSP(asy_fs_fsync(loop, req, fd, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_fdatasync(asy_loop_t *loop, int fd) {
    ASY__FSP(asy_fs_fdatasync(loop, req, fd, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_mkdtemp(asy_loop_t *loop, const char *prefix) {
    ASY__FSP(asy_fs_mkdtemp(loop, req, prefix, asy__fsp_done));
}
#undef ASY__FSP

#line 1 "asyncrt_impl/fs/watch.c"
/* fs.watch on inotify.  Each handle has its own inotify instance, so watch
 * descriptors are small integers handed out in order and index a plain
 * array (wd -> directory path relative to the watched root). */

ASYNCRT_API int asy_fs_watch_init_at(asy_loop_t *loop, asy_fs_watch_t *h, const char *file,
                                     int line) {
    if (!loop || !h) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)h, ASY_HANDLE_FS_WATCH, file, line);
    h->cb_ = NULL;
    h->path_ = NULL;
    h->base_ = NULL;
    h->watch_flags_ = 0;
    h->dirs_ = NULL;
    h->ndirs_ = 0;
    h->scratch_ = NULL;
    h->scratch_cap_ = 0;
    asy__io_init(&h->io_, -1, NULL);
    return 0;
}

ASYNCRT_API const char *asy_fs_watch_path(const asy_fs_watch_t *h) { return h ? h->path_ : NULL; }

/* a + "/" + b, or a copy of a when b is empty. */
static char *asy__path_join2(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *s = (char *)asy__malloc(la + lb + 2);
    if (!s) return NULL;
    memcpy(s, a, la);
    if (lb) {
        s[la] = '/';
        memcpy(s + la + 1, b, lb + 1);
    } else {
        s[la] = 0;
    }
    return s;
}

ASYNCRT_API int asy_fs_watch_stop(asy_fs_watch_t *h) {
    unsigned i;
    if (!h) return ASY_EINVAL;
    if (h->io_.fd >= 0) {
        asy__io_close(h->loop, &h->io_);
        close(h->io_.fd);
        h->io_.fd = -1;
    }
    for (i = 0; i < h->ndirs_; i++) asy__free(h->dirs_[i]);
    asy__free(h->dirs_);
    asy__free(h->path_);
    asy__free(h->scratch_);
    h->dirs_ = NULL;
    h->ndirs_ = 0;
    h->path_ = NULL;
    h->base_ = NULL;
    h->scratch_ = NULL;
    h->scratch_cap_ = 0;
    asy__handle_stop((asy_handle_t *)h);
    return 0;
}

ASY__INTERNAL void asy__fs_watch_close(asy_fs_watch_t *h) { asy_fs_watch_stop(h); }

#if ASYNCRT_OS_LINUX
#define ASY__WATCH_MASK                                                                   \
    (IN_ATTRIB | IN_CREATE | IN_MODIFY | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | \
     IN_MOVED_FROM | IN_MOVED_TO)

/* Records wd -> rel; takes ownership of rel. */
static int asy__watch_set(asy_fs_watch_t *h, int wd, char *rel) {
    if ((unsigned)wd >= h->ndirs_) {
        unsigned n = h->ndirs_ ? h->ndirs_ : 8, i;
        char **nd;
        while (n <= (unsigned)wd) n *= 2;
        nd = (char **)asy__realloc(h->dirs_, n * sizeof(char *));
        if (!nd) {
            asy__free(rel);
            return ASY_ENOMEM;
        }
        for (i = h->ndirs_; i < n; i++) nd[i] = NULL;
        h->dirs_ = nd;
        h->ndirs_ = n;
    }
    asy__free(h->dirs_[wd]);
    h->dirs_[wd] = rel;
    return 0;
}

/* Watches root/rel and, when recursive, every directory below it (with an
 * explicit work list: trees can be deep).  Only the first add may fail the
 * call; directories that vanish meanwhile are skipped. */
static int asy__watch_add_tree(asy_fs_watch_t *h, const char *rel0, int first) {
    char **todo = NULL;
    size_t n = 0, cap = 0;
    int err = 0;
    char *r0 = asy__strdup(rel0);
    if (!r0) return ASY_ENOMEM;
    todo = (char **)asy__malloc(8 * sizeof(char *));
    if (!todo) {
        asy__free(r0);
        return ASY_ENOMEM;
    }
    cap = 8;
    todo[n++] = r0;
    while (n > 0 && !err) {
        char *rel = todo[--n];
        char *full = asy__path_join2(h->path_, rel);
        DIR *d;
        int wd;
        if (!full) {
            asy__free(rel);
            err = ASY_ENOMEM;
            break;
        }
        wd = inotify_add_watch(h->io_.fd, full, ASY__WATCH_MASK | (first ? 0 : IN_ONLYDIR));
        if (wd < 0) {
            if (first) err = asy__errno();
            asy__free(rel);
            asy__free(full);
            first = 0;
            continue;
        }
        first = 0;
        if ((err = asy__watch_set(h, wd, rel)) != 0) {
            asy__free(full);
            break;
        }
        rel = h->dirs_[wd];
        d = (h->watch_flags_ & ASY_FS_RECURSIVE) ? opendir(full) : NULL;
        asy__free(full);
        if (!d) continue;
        for (;;) {
            struct dirent *e = readdir(d);
            char *child;
            if (!e) break;
            if (asy__is_dot(e->d_name) || asy__dirent_type(d, e) != ASY_DIRENT_DIR) continue;
            child = rel[0] ? asy__path_join2(rel, e->d_name) : asy__strdup(e->d_name);
            if (!child) {
                err = ASY_ENOMEM;
                break;
            }
            if (n == cap) {
                char **nt = (char **)asy__realloc(todo, 2 * cap * sizeof(char *));
                if (!nt) {
                    asy__free(child);
                    err = ASY_ENOMEM;
                    break;
                }
                todo = nt;
                cap *= 2;
            }
            todo[n++] = child;
        }
        closedir(d);
    }
    while (n > 0) asy__free(todo[--n]);
    asy__free(todo);
    return err;
}

/* The reported name: rel/name, name, rel, or the watched item's own name. */
static const char *asy__watch_name(asy_fs_watch_t *h, const char *rel, const char *name) {
    size_t lr = strlen(rel), ln = name ? strlen(name) : 0, need = lr + ln + 2;
    if (!ln) return lr ? rel : h->base_;
    if (!lr) return name;
    if (need > h->scratch_cap_) {
        char *s = (char *)asy__realloc(h->scratch_, need);
        if (!s) return NULL;
        h->scratch_ = s;
        h->scratch_cap_ = need;
    }
    memcpy(h->scratch_, rel, lr);
    h->scratch_[lr] = '/';
    memcpy(h->scratch_ + lr + 1, name, ln + 1);
    return h->scratch_;
}

/* Reports one event; 0 when the handle was stopped or closed by it. */
static int asy__watch_emit(asy_fs_watch_t *h, int fd, const char *name, int events, int status) {
    h->cb_(h, name, events, status);
    asy__after_cb(h->loop);
    return h->io_.fd == fd && asy__handle_active((asy_handle_t *)h) &&
           !(h->flags_ & ASY__H_CLOSING);
}

static void asy__watch_io_cb(asy_loop_t *loop, asy__io *io, unsigned revents) {
    asy_fs_watch_t *h = ASY_CONTAINER_OF(io, asy_fs_watch_t, io_);
    int fd = io->fd;
    union {
        struct inotify_event ev;
        char bytes[8192];
    } u;
    (void)loop;
    (void)revents;
    for (;;) {
        ssize_t n = read(fd, u.bytes, sizeof(u.bytes));
        char *p;
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN) asy__watch_emit(h, fd, NULL, 0, asy__errno());
            return;
        }
        for (p = u.bytes; p < u.bytes + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)(void *)p;
            const char *rel, *name, *evname = ev->len ? ev->name : NULL;
            int events = 0;
            p += sizeof(struct inotify_event) + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                if (!asy__watch_emit(h, fd, NULL, 0, ASY_ENOBUFS)) return;
                continue;
            }
            if (ev->wd < 0 || (unsigned)ev->wd >= h->ndirs_ || !(rel = h->dirs_[ev->wd]))
                continue;
            if (ev->mask & IN_IGNORED) { /* the watch is gone (deleted, unmounted) */
                asy__free(h->dirs_[ev->wd]);
                h->dirs_[ev->wd] = NULL;
                continue;
            }
            if (ev->mask & (IN_ATTRIB | IN_MODIFY)) events |= ASY_FS_EVENT_CHANGE;
            if (ev->mask & ~(uint32_t)(IN_ATTRIB | IN_MODIFY | IN_ISDIR)) events |= ASY_FS_EVENT_RENAME;
            if (!(name = asy__watch_name(h, rel, evname))) {
                if (!asy__watch_emit(h, fd, NULL, 0, ASY_ENOMEM)) return;
                continue;
            }
            if ((h->watch_flags_ & ASY_FS_RECURSIVE) && evname && (ev->mask & IN_ISDIR) &&
                (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
                /* name may live in scratch_, which add_tree does not touch */
                int r = asy__watch_add_tree(h, name, 0);
                if (r && !asy__watch_emit(h, fd, NULL, 0, r)) return;
            }
            if (events && !asy__watch_emit(h, fd, name, events, 0)) return;
        }
    }
}

ASYNCRT_API int asy_fs_watch_start(asy_fs_watch_t *h, const char *path, int flags,
                                   asy_fs_watch_cb cb) {
    size_t len;
    int fd, r;
    char *slash;
    if (!h || !path || !*path || !cb || (flags & ~ASY_FS_RECURSIVE) ||
        (h->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)))
        return ASY_EINVAL;
    if (asy__handle_active((asy_handle_t *)h)) return ASY_EBUSY;
    if (!(h->path_ = asy__strdup(path))) return ASY_ENOMEM;
    len = strlen(h->path_);
    while (len > 1 && h->path_[len - 1] == '/') h->path_[--len] = 0;
    slash = strrchr(h->path_, '/');
    h->base_ = slash && slash[1] ? slash + 1 : h->path_;
    h->cb_ = cb;
    h->watch_flags_ = flags;
    fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        r = asy__errno();
        asy_fs_watch_stop(h);
        return r;
    }
    asy__io_init(&h->io_, fd, asy__watch_io_cb);
    if ((r = asy__watch_add_tree(h, "", 1)) != 0 ||
        (r = asy__io_start(h->loop, &h->io_, ASY_READABLE)) != 0) {
        asy_fs_watch_stop(h);
        return r;
    }
    asy__handle_start((asy_handle_t *)h);
    return 0;
}
#else
ASYNCRT_API int asy_fs_watch_start(asy_fs_watch_t *h, const char *path, int flags,
                                   asy_fs_watch_cb cb) {
    (void)path;
    (void)flags;
    (void)cb;
    return h ? ASY_ENOSYS : ASY_EINVAL;
}
#endif

#endif /* ASYNCRT_OS_POSIX */
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/dns/dns.internal.h"
/* Private parts of the dns layer. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* getaddrinfo's EAI_* (and EAI_SYSTEM's errno) as ASY_EAI_* / ASY_E*. */
ASY__INTERNAL int asy__eai_error(int r) {
    switch (r) {
#ifdef EAI_ADDRFAMILY
        case EAI_ADDRFAMILY: return ASY_EAI_ADDRFAMILY;
#endif
        case EAI_AGAIN: return ASY_EAI_AGAIN;
        case EAI_BADFLAGS: return ASY_EAI_BADFLAGS;
#ifdef EAI_CANCELED
        case EAI_CANCELED: return ASY_EAI_CANCELED;
#endif
        case EAI_FAIL: return ASY_EAI_FAIL;
        case EAI_FAMILY: return ASY_EAI_FAMILY;
        case EAI_MEMORY: return ASY_EAI_MEMORY;
#if defined(EAI_NODATA) && (!defined(EAI_NONAME) || EAI_NODATA != EAI_NONAME)
        case EAI_NODATA: return ASY_EAI_NODATA;
#endif
        case EAI_NONAME: return ASY_EAI_NONAME;
        case EAI_OVERFLOW: return ASY_EAI_OVERFLOW;
        case EAI_SERVICE: return ASY_EAI_SERVICE;
        case EAI_SOCKTYPE: return ASY_EAI_SOCKTYPE;
        case EAI_SYSTEM: return errno ? asy__errno() : ASY_EAI_FAIL;
        default: return ASY_EAI_FAIL;
    }
}

#line 1 "asyncrt_impl/dns/lookup.c"
/* dns.lookup: getaddrinfo on a pool thread, every address returned. */

static void asy__lookup_work(asy_work_t *w) {
    asy_dns_lookup_t *req = ASY_CONTAINER_OF(w, asy_dns_lookup_t, work_);
    struct addrinfo hints, *res = NULL, *ai;
    size_t n = 0, i = 0;
    int r;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = req->family_ == 4 ? AF_INET : req->family_ == 6 ? AF_INET6 : AF_UNSPEC;
    /* one entry per address, as Node asks for (else one per socket type) */
    hints.ai_socktype = SOCK_STREAM;
    if (req->hints_ & ASY_DNS_ADDRCONFIG) hints.ai_flags |= AI_ADDRCONFIG;
    if (req->hints_ & ASY_DNS_V4MAPPED) hints.ai_flags |= AI_V4MAPPED;
    if (req->hints_ & ASY_DNS_ALL) hints.ai_flags |= AI_ALL;
    errno = 0;
    r = getaddrinfo(req->node_, req->service_, &hints, &res);
    if (r != 0) {
        req->status_ = asy__eai_error(r);
        return;
    }
    for (ai = res; ai; ai = ai->ai_next)
        if ((ai->ai_family == AF_INET || ai->ai_family == AF_INET6) &&
            ai->ai_addrlen <= sizeof(req->addrs_[0].sockaddr))
            n++;
    if (n == 0) {
        freeaddrinfo(res);
        req->status_ = ASY_EAI_NODATA;
        return;
    }
    if (!(req->addrs_ = (asy_dns_address_t *)asy__calloc(n, sizeof(asy_dns_address_t)))) {
        freeaddrinfo(res);
        req->status_ = ASY_ENOMEM;
        return;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        asy_dns_address_t *a = &req->addrs_[i];
        const void *bin;
        if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
            ai->ai_addrlen > sizeof(a->sockaddr))
            continue;
        a->family = ai->ai_family == AF_INET ? 4 : 6;
        a->addrlen = (unsigned)ai->ai_addrlen;
        memcpy(a->sockaddr, ai->ai_addr, ai->ai_addrlen);
        bin = ai->ai_family == AF_INET
                  ? (const void *)&((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr
                  : (const void *)&((const struct sockaddr_in6 *)(const void *)ai->ai_addr)->sin6_addr;
        inet_ntop(ai->ai_family, bin, a->address, sizeof(a->address));
        i++;
    }
    freeaddrinfo(res);
    req->naddrs_ = n;
    req->status_ = 0;
}

static void asy__lookup_done(asy_work_t *w, int status) {
    asy_dns_lookup_t *req = ASY_CONTAINER_OF(w, asy_dns_lookup_t, work_);
    /* saved first: the callback may free or reuse req */
    asy_dns_address_t *addrs = req->addrs_;
    size_t n = req->naddrs_;
    char *node = req->node_, *service = req->service_;
    int st = status < 0 ? status : req->status_;
    req->addrs_ = NULL;
    req->node_ = req->service_ = NULL;
    req->cb_(req, st, st == 0 ? addrs : NULL, st == 0 ? n : 0);
    asy__free(addrs);
    asy__free(node);
    asy__free(service);
}

ASYNCRT_API int asy_getaddrinfo(asy_loop_t *loop, asy_dns_lookup_t *req, const char *node,
                                const char *service, const asy_dns_lookup_opts *opts,
                                asy_dns_lookup_cb cb) {
    int family = opts ? opts->family : 0, hints = opts ? opts->hints : 0, r;
    if (!loop || !req || !cb || (!node && !service)) return ASY_EINVAL;
    if ((family != 0 && family != 4 && family != 6) ||
        (hints & ~(ASY_DNS_ADDRCONFIG | ASY_DNS_V4MAPPED | ASY_DNS_ALL)))
        return ASY_EINVAL;
    req->loop = loop;
    req->cb_ = cb;
    req->family_ = family;
    req->hints_ = hints;
    req->status_ = 0;
    req->addrs_ = NULL;
    req->naddrs_ = 0;
    req->node_ = node ? asy__strdup(node) : NULL;
    req->service_ = service ? asy__strdup(service) : NULL;
    if ((node && !req->node_) || (service && !req->service_)) {
        r = ASY_ENOMEM;
    } else {
        r = asy__pool_submit(loop, &req->work_, ASY_WORK_SLOW_IO, asy__lookup_work,
                             asy__lookup_done);
    }
    if (r) {
        asy__free(req->node_);
        asy__free(req->service_);
        req->node_ = req->service_ = NULL;
    }
    return r;
}

ASYNCRT_API int asy_dns_lookup(asy_loop_t *loop, asy_dns_lookup_t *req, const char *hostname,
                               const asy_dns_lookup_opts *opts, asy_dns_lookup_cb cb) {
    if (!hostname) return ASY_EINVAL;
    return asy_getaddrinfo(loop, req, hostname, NULL, opts, cb);
}

ASYNCRT_API int asy_dns_lookup_cancel(asy_dns_lookup_t *req) {
    if (!req) return ASY_EINVAL;
    return asy_work_cancel(&req->work_);
}

#line 1 "asyncrt_impl/dns/service.c"
/* dns.lookupService: getnameinfo on a pool thread. */

static void asy__service_work(asy_work_t *w) {
    asy_dns_service_t *req = ASY_CONTAINER_OF(w, asy_dns_service_t, work_);
    int flags = 0, r;
    if (req->flags_ & ASY_NI_NUMERICHOST) flags |= NI_NUMERICHOST;
    if (req->flags_ & ASY_NI_NUMERICSERV) flags |= NI_NUMERICSERV;
    if (req->flags_ & ASY_NI_NAMEREQD) flags |= NI_NAMEREQD;
    if (req->flags_ & ASY_NI_DGRAM) flags |= NI_DGRAM;
    if (req->flags_ & ASY_NI_NOFQDN) flags |= NI_NOFQDN;
    errno = 0;
    r = getnameinfo((const struct sockaddr *)(const void *)req->sa_, (socklen_t)req->salen_,
                    req->host_, sizeof(req->host_), req->service_, sizeof(req->service_), flags);
    req->status_ = r ? asy__eai_error(r) : 0;
}

static void asy__service_done(asy_work_t *w, int status) {
    asy_dns_service_t *req = ASY_CONTAINER_OF(w, asy_dns_service_t, work_);
    int st = status < 0 ? status : req->status_;
    req->cb_(req, st, st == 0 ? req->host_ : NULL, st == 0 ? req->service_ : NULL);
}

ASYNCRT_API int asy_getnameinfo(asy_loop_t *loop, asy_dns_service_t *req, const void *sa,
                                unsigned len, int flags, asy_dns_service_cb cb) {
    int family;
    if (!loop || !req || !sa || !cb || len > sizeof(req->sa_) ||
        (flags & ~(ASY_NI_NUMERICHOST | ASY_NI_NUMERICSERV | ASY_NI_NAMEREQD | ASY_NI_DGRAM |
                   ASY_NI_NOFQDN)))
        return ASY_EINVAL;
    family = ((const struct sockaddr *)sa)->sa_family;
    if ((family == AF_INET && len < sizeof(struct sockaddr_in)) ||
        (family == AF_INET6 && len < sizeof(struct sockaddr_in6)) ||
        (family != AF_INET && family != AF_INET6))
        return ASY_EINVAL;
    req->loop = loop;
    req->cb_ = cb;
    memcpy(req->sa_, sa, len);
    req->salen_ = len;
    req->flags_ = flags;
    req->status_ = 0;
    req->host_[0] = req->service_[0] = 0;
    return asy__pool_submit(loop, &req->work_, ASY_WORK_SLOW_IO, asy__service_work,
                            asy__service_done);
}

ASYNCRT_API int asy_dns_lookup_service(asy_loop_t *loop, asy_dns_service_t *req,
                                       const char *address, unsigned port,
                                       asy_dns_service_cb cb) {
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    if (!address || port > 65535) return ASY_EINVAL;
    memset(&in4, 0, sizeof(in4));
    memset(&in6, 0, sizeof(in6));
    if (inet_pton(AF_INET, address, &in4.sin_addr) == 1) {
        in4.sin_family = AF_INET;
        in4.sin_port = htons((uint16_t)port);
        return asy_getnameinfo(loop, req, &in4, sizeof(in4), ASY_NI_NAMEREQD, cb);
    }
    if (inet_pton(AF_INET6, address, &in6.sin6_addr) == 1) {
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons((uint16_t)port);
        return asy_getnameinfo(loop, req, &in6, sizeof(in6), ASY_NI_NAMEREQD, cb);
    }
    return ASY_EINVAL;
}

ASYNCRT_API int asy_dns_service_cancel(asy_dns_service_t *req) {
    if (!req) return ASY_EINVAL;
    return asy_work_cancel(&req->work_);
}

#line 1 "asyncrt_impl/dns/promises.c"
/* dns/promises over the callback API. */

typedef struct {
    asy_dns_lookup_t req;
    asy_promise_t *promise;
    char *host;
} asy__dnsp_op;

static void asy__dnsp_done(asy_dns_lookup_t *req, int status, const asy_dns_address_t *addrs,
                           size_t count) {
    asy__dnsp_op *op = ASY_CONTAINER_OF(req, asy__dnsp_op, req);
    if (status == 0) {
        /* the addresses are freed when this callback returns: copy them */
        asy_dns_addresses_t *out = (asy_dns_addresses_t *)asy__malloc(
            sizeof(asy_dns_addresses_t) + count * sizeof(asy_dns_address_t));
        if (!out) {
            status = ASY_ENOMEM;
        } else {
            out->count = count;
            out->addrs = (asy_dns_address_t *)(void *)(out + 1);
            memcpy(out->addrs, addrs, count * sizeof(asy_dns_address_t));
            asy_promise_settle(op->promise, asy_ok_owned(out, asy__free));
        }
    }
    if (status != 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "getaddrinfo %s %s", asy_err_name(status), op->host);
        asy_promise_reject(op->promise, status, msg);
    }
    asy_promise_release(op->promise);
    asy__free(op->host);
    asy__free(op);
}

ASYNCRT_API asy_promise_t *asy_dnsp_lookup(asy_loop_t *loop, const char *hostname,
                                           const asy_dns_lookup_opts *opts) {
    asy__dnsp_op *op;
    asy_promise_t *p;
    if (!loop || !hostname) return NULL;
    if (!(op = (asy__dnsp_op *)asy__calloc(1, sizeof(*op)))) return NULL;
    if (!(op->host = asy__strdup(hostname)) || !(p = asy_promise_new(loop))) {
        asy__free(op->host);
        asy__free(op);
        return NULL;
    }
    op->promise = asy_promise_retain(p);
    if (asy_dns_lookup(loop, &op->req, hostname, opts, asy__dnsp_done) != 0) {
        asy_promise_release(op->promise);
        asy_promise_release(p);
        asy__free(op->host);
        asy__free(op);
        return NULL;
    }
    return p;
}

#endif /* ASYNCRT_OS_POSIX */
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/sync/limit.c"
/* p-limit.  Waiting tasks sit in a growable ring of small records (push at
 * the tail, pop at the head: O(1), where the seed's Array.shift() is O(n),
 * and contiguous, so a million queued tasks stream through the cache);
 * running tasks get a record from a pool that holds at most `concurrency`
 * of them, always warm.  A steady stream of tasks allocates nothing but
 * the promises it hands out. */
typedef struct {
    asy_task_fn fn;
    asy_map_fn mfn;
    void *arg;
    size_t index;
    asy_promise_t *result; /* what asy_limit_run returned (our reference) */
} asy__limit_item;

typedef struct asy__limit_running {
    void *pool_link_;
    asy_limit_t *lim;
    asy_promise_t *result;
    asy_promise_t *inner; /* the task's promise */
} asy__limit_running;

struct asy_limit_s {
    asy_loop_t *loop;
    size_t concurrency, active;
    asy__limit_item *ring; /* cap is a power of two */
    size_t head, count, cap;
    asy__objpool running;
    int starting; /* inside asy__limit_next: callbacks must not recurse into it */
    int freed;    /* asy_limit_free called: goes when the last task ends */
};

static void asy__limit_destroy(asy_limit_t *lim) {
    asy__objpool_destroy(&lim->running);
    asy__free(lim->ring);
    asy__free(lim);
}

static void asy__limit_next(asy_limit_t *lim);

static void asy__limit_finish(asy__limit_running *t) {
    asy_limit_t *lim = t->lim;
    if (t->inner) asy__promise_unref(t->inner);
    asy__promise_unref(t->result);
    asy__objpool_free(&lim->running, t);
    lim->active--;
    asy__limit_next(lim);
}

/* One microtask after the task's outcome is known (the tick a reaction
 * would take): settle (unless the caller settled it by hand), free the slot. */
static void asy__limit_task_done_job(void *arg) {
    asy__limit_running *t = (asy__limit_running *)arg;
    asy__promise_settle_like(t->result, t->inner);
    asy__limit_finish(t);
}

static void asy__limit_task_done(void *arg, const asy_settled_t *in) {
    (void)in;
    asy__limit_task_done_job(arg);
}

static void asy__limit_start(asy_limit_t *lim, const asy__limit_item *it) {
    asy__limit_running *t = (asy__limit_running *)asy__objpool_alloc(&lim->running);
    asy_promise_t *inner;
    asy_ret_t ret;
    if (!t) {
        asy_promise_reject(it->result, ASY_ENOMEM, NULL);
        asy__promise_unref(it->result);
        return;
    }
    t->lim = lim;
    t->result = it->result;
    t->inner = NULL;
    lim->active++;
    ret = it->mfn ? it->mfn(it->arg, it->index) : it->fn(it->arg);
    t->inner = inner = asy__promise_from_ret(lim->loop, &ret);
    if (inner) {
        /* already settled (the usual synchronous task): queue its job
         * without a reaction record */
        if (inner->res_.state != ASY_PROMISE_PENDING &&
            asy__taskq_push(&lim->loop->microtasks_, asy__limit_task_done_job, t) == 0) {
            inner->flags_ |= ASY__P_HANDLED;
            return;
        }
        if (asy_promise_on_settled(inner, asy__limit_task_done, t) == 0) return;
        asy_promise_mark_handled(inner);
    }
    asy_promise_reject(t->result, ASY_ENOMEM, NULL);
    asy__limit_finish(t);
}

static void asy__limit_next(asy_limit_t *lim) {
    if (lim->starting) return;
    lim->starting = 1;
    while (lim->active < lim->concurrency && lim->count) {
        asy__limit_item it = lim->ring[lim->head];
        lim->head = (lim->head + 1) & (lim->cap - 1);
        lim->count--;
        if (lim->count > 4) ASY__PREFETCH(lim->ring[(lim->head + 4) & (lim->cap - 1)].result);
        asy__limit_start(lim, &it);
    }
    lim->starting = 0;
    if (lim->freed && lim->active == 0) asy__limit_destroy(lim);
}

ASYNCRT_API asy_limit_t *asy_limit_new(asy_loop_t *loop, size_t concurrency) {
    asy_limit_t *lim;
    if (!loop || concurrency == 0) return NULL;
    if (!(lim = ASY__NEW(asy_limit_t))) return NULL;
    memset(lim, 0, sizeof(*lim));
    lim->loop = loop;
    lim->concurrency = concurrency;
    asy__objpool_init(&lim->running, sizeof(asy__limit_running));
    return lim;
}

static int asy__limit_grow(asy_limit_t *lim) {
    size_t ncap = lim->cap ? lim->cap * 2 : 64, i;
    asy__limit_item *n;
    if (ncap < lim->cap || !(n = ASY__NEW_ARRAY(asy__limit_item, ncap))) return ASY_ENOMEM;
    for (i = 0; i < lim->count; i++) n[i] = lim->ring[(lim->head + i) & (lim->cap - 1)];
    asy__free(lim->ring);
    lim->ring = n;
    lim->cap = ncap;
    lim->head = 0;
    return 0;
}

static asy_promise_t *asy__limit_push(asy_limit_t *lim, asy_task_fn fn, asy_map_fn mfn, void *arg,
                                      size_t index) {
    asy__limit_item *it;
    asy_promise_t *result;
    if (lim->count == lim->cap && asy__limit_grow(lim) != 0) return NULL;
    if (!(result = asy_promise_new(lim->loop))) return NULL;
    it = &lim->ring[(lim->head + lim->count) & (lim->cap - 1)];
    it->fn = fn;
    it->mfn = mfn;
    it->arg = arg;
    it->index = index;
    it->result = result;
    result->refs_++; /* ours and the caller's */
    lim->count++;
    asy__limit_next(lim);
    return result;
}

ASYNCRT_API asy_promise_t *asy_limit_run(asy_limit_t *lim, asy_task_fn fn, void *arg) {
    if (!lim || !fn || lim->freed) return NULL;
    return asy__limit_push(lim, fn, NULL, arg, 0);
}

ASYNCRT_API asy_promise_t *asy_limit_map(asy_limit_t *lim, size_t n, asy_map_fn fn, void *arg) {
    asy_promise_t **ps, *all = NULL;
    size_t i;
    if (!lim || !fn || lim->freed) return NULL;
    if (n == 0) return asy_promise_all(lim->loop, NULL, 0);
    if (!(ps = ASY__NEW_ARRAY(asy_promise_t *, n))) return NULL;
    for (i = 0; i < n; i++)
        if (!(ps[i] = asy__limit_push(lim, NULL, fn, arg, i))) break;
    if (i == n) all = asy_promise_all(lim->loop, ps, n);
    while (i-- > 0) {
        /* on ENOMEM the queued tasks still run; nobody awaits them */
        if (!all) asy_promise_mark_handled(ps[i]);
        asy__promise_unref(ps[i]);
    }
    asy__free(ps);
    return all;
}

ASYNCRT_API size_t asy_limit_active(const asy_limit_t *lim) { return lim ? lim->active : 0; }
ASYNCRT_API size_t asy_limit_pending(const asy_limit_t *lim) { return lim ? lim->count : 0; }
ASYNCRT_API size_t asy_limit_concurrency(const asy_limit_t *lim) {
    return lim ? lim->concurrency : 0;
}

ASYNCRT_API int asy_limit_set_concurrency(asy_limit_t *lim, size_t concurrency) {
    if (!lim || concurrency == 0 || lim->freed) return ASY_EINVAL;
    lim->concurrency = concurrency;
    asy__limit_next(lim);
    return 0;
}

ASYNCRT_API size_t asy_limit_clear_queue(asy_limit_t *lim) {
    size_t n = 0;
    if (!lim) return 0;
    while (lim->count) {
        asy__limit_item it = lim->ring[lim->head];
        lim->head = (lim->head + 1) & (lim->cap - 1);
        lim->count--;
        asy_promise_reject(it.result, ASY_ECANCELED, "cleared from the limit queue");
        asy__promise_unref(it.result);
        n++;
    }
    return n;
}

ASYNCRT_API void asy_limit_free(asy_limit_t *lim) {
    if (!lim || lim->freed) return;
    asy_limit_clear_queue(lim);
    lim->freed = 1;
    if (lim->active == 0 && !lim->starting) asy__limit_destroy(lim);
}

#line 1 "asyncrt_impl/sync/sem.c"
/* The semaphore.  Waiters are records from a per-semaphore slot pool (ids
 * with generations, so asy_sem_cancel is an O(1) lookup and a stale id is
 * harmless) linked into one FIFO; timeouts use the loop's pooled timers.
 * Nothing user-visible runs inside asy_sem_release: granting settles a
 * promise or queues a microtask. */
enum { ASY__SEM_WAITING = 1, ASY__SEM_DELIVER, ASY__SEM_RUNNING };

typedef struct asy__sem_rec {
    asy__slot slot_;
    asy__queue link;
    asy_sem_t *sem;
    size_t n;
    asy_sem_cb cb;          /* callback style */
    void *arg;
    asy_promise_t *promise; /* promise style, or asy_sem_run's result */
    asy_task_fn task;       /* asy_sem_run */
    asy_promise_t *inner;
    asy_timer_id timer;
    int state, status;
} asy__sem_rec;

struct asy_sem_s {
    asy_loop_t *loop;
    size_t permits, available, nwaiting;
    asy__queue waiters;
    asy__slots recs;
    int freed;
    int busy; /* > 0: inside a call that still uses the semaphore */
};

static void asy__sem_maybe_destroy(asy_sem_t *s) {
    if (!s->freed || s->busy || s->recs.live || s->available != s->permits) return;
    asy__slots_free(&s->recs);
    asy__free(s);
}

static void asy__sem_rec_free(asy__sem_rec *w) {
    asy_sem_t *s = w->sem;
    asy__slots_release(&s->recs, &w->slot_);
    asy__sem_maybe_destroy(s);
}

/* asy_sem_run's task is over (its result settled): give everything back */
static void asy__sem_run_end(asy__sem_rec *w) {
    asy_sem_t *s = w->sem;
    asy__promise_unref(w->promise);
    if (w->inner) asy__promise_unref(w->inner);
    s->busy++; /* s must outlive the release below */
    asy_sem_release(s, w->n);
    s->busy--;
    asy__sem_rec_free(w);
}

static void asy__sem_run_done(void *arg, const asy_settled_t *in) {
    asy__sem_rec *w = (asy__sem_rec *)arg;
    asy__promise_settle_like(w->promise, in->promise);
    asy__sem_run_end(w);
}

static void asy__sem_deliver(void *arg) {
    asy__sem_rec *w = (asy__sem_rec *)arg;
    if (!w->task) {
        w->cb(w->arg, w->status);
        asy__sem_rec_free(w);
        return;
    }
    /* asy_sem_run: the permits are ours, start the task */
    w->state = ASY__SEM_RUNNING;
    {
        asy_ret_t ret = w->task(w->arg);
        w->inner = asy__promise_from_ret(w->sem->loop, &ret);
    }
    if (w->inner && asy_promise_on_settled(w->inner, asy__sem_run_done, w) == 0) return;
    asy_promise_mark_handled(w->inner);
    asy_promise_reject(w->promise, ASY_ENOMEM, NULL);
    asy__sem_run_end(w);
}

/* w stops waiting (or is granted at once): deliver status */
static void asy__sem_finish(asy__sem_rec *w, int status) {
    asy_sem_t *s = w->sem;
    if (w->state == ASY__SEM_WAITING) {
        asy__queue_remove(&w->link);
        s->nwaiting--;
    }
    if (w->timer.id) {
        asy_clear_timer(s->loop, w->timer);
        w->timer.id = 0;
    }
    if (w->promise && !w->task) {
        if (status == 0) asy_promise_resolve(w->promise, NULL);
        else asy_promise_reject(w->promise, status, NULL);
        asy__promise_unref(w->promise);
        asy__sem_rec_free(w);
        return;
    }
    if (w->task && status != 0) {
        asy_promise_reject(w->promise, status, NULL);
        asy__promise_unref(w->promise);
        asy__sem_rec_free(w);
        return;
    }
    w->state = ASY__SEM_DELIVER;
    w->status = status;
    if (asy_queue_microtask(s->loop, asy__sem_deliver, w) != 0) asy__sem_deliver(w);
}

static void asy__sem_grant(asy_sem_t *s) {
    while (!asy__queue_empty(&s->waiters)) {
        asy__sem_rec *w = ASY_CONTAINER_OF(asy__queue_head(&s->waiters), asy__sem_rec, link);
        if (w->n > s->available) break; /* strict FIFO: the head blocks the rest */
        s->available -= w->n;
        asy__sem_finish(w, 0);
    }
}

static void asy__sem_timeout(void *arg) {
    asy__sem_rec *w = (asy__sem_rec *)arg;
    asy_sem_t *s = w->sem;
    w->timer.id = 0;
    asy__sem_finish(w, ASY_ETIMEDOUT);
    asy__sem_grant(s); /* the head may have been what held others back */
}

/* A record, granted at once or queued.  0 or a negative code. */
static int asy__sem_enqueue(asy_sem_t *s, size_t n, uint64_t timeout_ms, asy__sem_rec **out,
                            asy_sem_wait_t *wait) {
    asy__sem_rec *w;
    if (wait) wait->id = 0;
    if (n == 0 || n > s->permits || s->freed) return ASY_EINVAL;
    if (!(w = (asy__sem_rec *)(void *)asy__slots_alloc(&s->recs))) return ASY_ENOMEM;
    asy__queue_init(&w->link);
    w->sem = s;
    w->n = n;
    w->cb = NULL;
    w->arg = NULL;
    w->promise = w->inner = NULL;
    w->task = NULL;
    w->timer.id = 0;
    w->state = 0;
    w->status = 0;
    if (asy__queue_empty(&s->waiters) && n <= s->available) {
        s->available -= n;
    } else {
        if (timeout_ms) {
            w->timer = asy_set_timeout(s->loop, asy__sem_timeout, w, timeout_ms);
            if (!w->timer.id) {
                asy__slots_release(&s->recs, &w->slot_);
                return ASY_ENOMEM;
            }
        }
        w->state = ASY__SEM_WAITING;
        asy__queue_insert_tail(&s->waiters, &w->link);
        s->nwaiting++;
        if (wait) wait->id = asy__slot_id(&w->slot_);
    }
    *out = w;
    return 0;
}

ASYNCRT_API asy_sem_t *asy_sem_new(asy_loop_t *loop, size_t permits) {
    asy_sem_t *s;
    if (!loop || permits == 0) return NULL;
    if (!(s = ASY__NEW(asy_sem_t))) return NULL;
    memset(s, 0, sizeof(*s));
    s->loop = loop;
    s->permits = s->available = permits;
    asy__queue_init(&s->waiters);
    asy__slots_init(&s->recs, sizeof(asy__sem_rec));
    return s;
}

ASYNCRT_API int asy_sem_try_acquire(asy_sem_t *s, size_t n) {
    if (!s || n == 0 || n > s->permits || s->freed) return ASY_EINVAL;
    if (n > s->available || !asy__queue_empty(&s->waiters)) return ASY_EAGAIN;
    s->available -= n;
    return 0;
}

ASYNCRT_API int asy_sem_acquire_cb(asy_sem_t *s, size_t n, uint64_t timeout_ms, asy_sem_cb cb,
                                   void *arg, asy_sem_wait_t *wait) {
    asy__sem_rec *w;
    int r;
    if (wait) wait->id = 0;
    if (!s || !cb) return ASY_EINVAL;
    if ((r = asy__sem_enqueue(s, n, timeout_ms, &w, wait)) != 0) return r;
    w->cb = cb;
    w->arg = arg;
    if (w->state != ASY__SEM_WAITING) asy__sem_finish(w, 0);
    return 0;
}

ASYNCRT_API asy_promise_t *asy_sem_acquire(asy_sem_t *s, size_t n, uint64_t timeout_ms,
                                           asy_sem_wait_t *wait) {
    asy__sem_rec *w;
    asy_promise_t *p;
    if (wait) wait->id = 0;
    if (!s || n == 0 || n > s->permits || s->freed) return NULL;
    if (asy__queue_empty(&s->waiters) && n <= s->available) {
        /* the common case needs no record */
        if (!(p = asy_promise_resolved(s->loop, NULL))) return NULL;
        s->available -= n;
        return p;
    }
    if (!(p = asy_promise_new(s->loop))) return NULL;
    if (asy__sem_enqueue(s, n, timeout_ms, &w, wait) != 0) {
        asy__promise_unref(p);
        return NULL;
    }
    w->promise = p;
    p->refs_++; /* ours and the caller's */
    return p;
}

ASYNCRT_API asy_promise_t *asy_sem_run(asy_sem_t *s, size_t n, asy_task_fn fn, void *arg) {
    asy__sem_rec *w;
    asy_promise_t *p;
    if (!s || !fn) return NULL;
    if (!(p = asy_promise_new(s->loop))) return NULL;
    if (asy__sem_enqueue(s, n, 0, &w, NULL) != 0) {
        asy__promise_unref(p);
        return NULL;
    }
    w->task = fn;
    w->arg = arg;
    w->promise = p;
    p->refs_++;
    if (w->state != ASY__SEM_WAITING) asy__sem_finish(w, 0);
    return p;
}

ASYNCRT_API int asy_sem_cancel(asy_sem_t *s, asy_sem_wait_t wait) {
    asy__slot *slot;
    asy__sem_rec *w;
    if (!s) return ASY_EINVAL;
    slot = asy__slots_lookup(&s->recs, wait.id);
    if (!slot) return ASY_ENOENT;
    w = (asy__sem_rec *)(void *)slot;
    if (w->state != ASY__SEM_WAITING) return ASY_ENOENT;
    asy__sem_finish(w, ASY_ECANCELED);
    asy__sem_grant(s);
    return 0;
}

ASYNCRT_API int asy_sem_release(asy_sem_t *s, size_t n) {
    if (!s || n == 0 || n > s->permits - s->available) return ASY_EINVAL;
    s->available += n;
    if (s->freed) {
        asy__sem_maybe_destroy(s);
        return 0;
    }
    asy__sem_grant(s);
    return 0;
}

ASYNCRT_API size_t asy_sem_available(const asy_sem_t *s) { return s ? s->available : 0; }
ASYNCRT_API size_t asy_sem_waiting(const asy_sem_t *s) { return s ? s->nwaiting : 0; }
ASYNCRT_API size_t asy_sem_permits(const asy_sem_t *s) { return s ? s->permits : 0; }

ASYNCRT_API void asy_sem_free(asy_sem_t *s) {
    if (!s || s->freed) return;
    s->freed = 1;
    s->busy++; /* hold it while the waiters go */
    while (!asy__queue_empty(&s->waiters))
        asy__sem_finish(ASY_CONTAINER_OF(asy__queue_head(&s->waiters), asy__sem_rec, link),
                        ASY_ECANCELED);
    s->busy--;
    asy__sem_maybe_destroy(s);
}

#line 1 "asyncrt_impl/sync/ptrmap.c"
/* asy__ptrmap: pointer -> pointer hash table, open addressing with linear
 * probing and backward-shift deletion (no tombstones, so lookups stay
 * short however many objects come and go).  Kept at most half full.
 * Keys are never NULL (an empty cell's key is NULL). */
typedef struct {
    void *key;
    void *val;
} asy__ptrmap_cell;

typedef struct {
    asy__ptrmap_cell *cells;
    size_t cap; /* a power of two, or 0 */
    size_t count;
} asy__ptrmap;

static size_t asy__ptrmap_hash(const void *p) {
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x;
}

ASY__INTERNAL void *asy__ptrmap_get(const asy__ptrmap *m, const void *key) {
    size_t mask, i;
    if (!m->cap || !key) return NULL;
    mask = m->cap - 1;
    for (i = asy__ptrmap_hash(key) & mask; m->cells[i].key; i = (i + 1) & mask)
        if (m->cells[i].key == key) return m->cells[i].val;
    return NULL;
}

static void asy__ptrmap_insert(asy__ptrmap_cell *cells, size_t cap, void *key, void *val) {
    size_t mask = cap - 1, i = asy__ptrmap_hash(key) & mask;
    while (cells[i].key) i = (i + 1) & mask;
    cells[i].key = key;
    cells[i].val = val;
}

/* 0, ASY_EEXIST for a key already there, ASY_ENOMEM. */
ASY__INTERNAL int asy__ptrmap_put(asy__ptrmap *m, void *key, void *val) {
    if (!key) return ASY_EINVAL;
    if (asy__ptrmap_get(m, key)) return ASY_EEXIST;
    if ((m->count + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 16, i;
        asy__ptrmap_cell *nc;
        if (ncap < m->cap || !(nc = (asy__ptrmap_cell *)asy__calloc(ncap, sizeof(*nc))))
            return ASY_ENOMEM;
        for (i = 0; i < m->cap; i++)
            if (m->cells[i].key) asy__ptrmap_insert(nc, ncap, m->cells[i].key, m->cells[i].val);
        asy__free(m->cells);
        m->cells = nc;
        m->cap = ncap;
    }
    asy__ptrmap_insert(m->cells, m->cap, key, val);
    m->count++;
    return 0;
}

ASY__INTERNAL void asy__ptrmap_del(asy__ptrmap *m, const void *key) {
    size_t mask, i, j;
    if (!m->cap || !key) return;
    mask = m->cap - 1;
    for (i = asy__ptrmap_hash(key) & mask; m->cells[i].key != key; i = (i + 1) & mask)
        if (!m->cells[i].key) return;
    /* shift later members of the probe run back over the hole */
    for (j = (i + 1) & mask; m->cells[j].key; j = (j + 1) & mask) {
        size_t home = asy__ptrmap_hash(m->cells[j].key) & mask;
        /* j may move to i when its home is not in the cyclic range (i, j] */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->cells[i] = m->cells[j];
            i = j;
        }
    }
    m->cells[i].key = NULL;
    m->cells[i].val = NULL;
    m->count--;
}

ASY__INTERNAL void asy__ptrmap_free(asy__ptrmap *m) {
    asy__free(m->cells);
    memset(m, 0, sizeof(*m));
}

#line 1 "asyncrt_impl/sync/rpool.c"
/* The resource pool.
 *
 * Objects are in exactly one state: idle (on the idle list, oldest at the
 * head), borrowed, validating, or destroying; plus creates in flight.
 * Waiting clients sit in one FIFO per priority level.  asy__rpool_dispense
 * matches them: idle objects go to waiters (through validation when asked)
 * and the shortfall is created, up to max.  Every entry point (public call
 * or callback) runs between asy__rpool_enter/leave, so the pool can finish
 * an asy_rpool_end and free itself only when nothing is using it. */
enum { ASY__RO_IDLE = 1, ASY__RO_BORROWED, ASY__RO_VALIDATING, ASY__RO_DESTROYING };

typedef struct asy__robj {
    asy__queue link; /* idle list */
    asy_rpool_t *pool;
    void *resource;
    uint64_t idle_since;
    int state;
    int for_borrow; /* validating before lending (else: after a release) */
} asy__robj;

typedef struct asy__rwaiter {
    asy__queue link;
    asy_rpool_t *pool;
    asy_promise_t *promise;
    asy_timer_id timer;
    struct asy__rwaiter *next_free;
} asy__rwaiter;

typedef struct asy__rcreate {
    asy_rpool_t *pool;
    unsigned attempt;
    int for_waiter;
} asy__rcreate;

typedef struct {
    asy_rpool_t *pool;
    asy_rpool_use_fn fn;
    void *arg;
    void *resource;
    asy_promise_t *result, *acquired, *inner;
} asy__ruse;

struct asy_rpool_s {
    asy_loop_t *loop;
    asy_rpool_factory_t f;
    asy_rpool_opts o;
    asy__ptrmap objs; /* resource -> asy__robj, every object not yet destroyed */
    asy__queue idle;
    asy__queue *waiters; /* o.priorities FIFOs */
    size_t nidle, nborrowed, nwaiting, nvalidating, nvalidating_borrow;
    size_t ncreating, ndestroying;
    asy__rwaiter *free_waiters;
    asy_timer_id evictor;
    asy_promise_t *drain_p, *clear_p, *end_p;
    int draining, clearing, ending, warm_failed;
    int dispensing, again;
    int busy; /* entry points running */
};

static void asy__rpool_dispense(asy_rpool_t *pool);
static void asy__rpool_ensure_min(asy_rpool_t *pool);
static void asy__rpool_destroy_obj(asy_rpool_t *pool, asy__robj *obj);

static void asy__rpool_enter(asy_rpool_t *pool) { pool->busy++; }

static void asy__rpool_free_mem(asy_rpool_t *pool) {
    while (pool->free_waiters) {
        asy__rwaiter *w = pool->free_waiters;
        pool->free_waiters = w->next_free;
        asy__free(w);
    }
    asy__ptrmap_free(&pool->objs);
    asy__free(pool->waiters);
    asy__free(pool);
}

/* Settles drain / clear / end when their conditions hold.  Returns non-zero
 * when the pool has ended and must be freed. */
static int asy__rpool_check(asy_rpool_t *pool) {
    int drained = pool->nwaiting == 0 && pool->nborrowed == 0 && pool->nvalidating_borrow == 0;
    if (pool->drain_p && drained) {
        asy_promise_t *p = pool->drain_p;
        pool->drain_p = NULL;
        asy_promise_resolve(p, NULL);
        asy__promise_unref(p);
    }
    if (pool->ending && drained && !pool->clearing &&
        (pool->nidle || pool->ncreating || pool->nvalidating)) {
        asy_promise_t *c = asy_rpool_clear(pool); /* end = drain, then clear */
        if (c) asy__promise_unref(c);
    }
    if (pool->clear_p && pool->ncreating == 0 && pool->ndestroying == 0 &&
        pool->nvalidating == 0 && pool->nidle == 0) {
        asy_promise_t *p = pool->clear_p;
        pool->clear_p = NULL;
        pool->clearing = 0;
        asy_promise_resolve(p, NULL);
        asy__promise_unref(p);
    }
    return pool->ending && drained && !pool->drain_p && !pool->clear_p && pool->nidle == 0 &&
           pool->ncreating == 0 && pool->ndestroying == 0 && pool->nvalidating == 0;
}

static void asy__rpool_leave(asy_rpool_t *pool) {
    if (--pool->busy) return;
    pool->busy++; /* settling below may not free us halfway */
    if (asy__rpool_check(pool) && pool->end_p) {
        asy_promise_t *p = pool->end_p;
        pool->end_p = NULL;
        if (pool->evictor.id) asy_clear_timer(pool->loop, pool->evictor);
        asy__rpool_free_mem(pool);
        asy_promise_resolve(p, NULL);
        asy__promise_unref(p);
        return;
    }
    pool->busy--;
}

static size_t asy__rpool_size(const asy_rpool_t *pool) {
    return pool->nidle + pool->nborrowed + pool->nvalidating + pool->ncreating;
}

/* ---- waiters --------------------------------------------------------------- */
static asy__rwaiter *asy__rpool_pop_waiter(asy_rpool_t *pool) {
    unsigned i;
    for (i = 0; i < pool->o.priorities; i++)
        if (!asy__queue_empty(&pool->waiters[i])) {
            asy__rwaiter *w =
                ASY_CONTAINER_OF(asy__queue_head(&pool->waiters[i]), asy__rwaiter, link);
            asy__queue_remove(&w->link);
            pool->nwaiting--;
            if (w->timer.id) asy_clear_timer(pool->loop, w->timer);
            w->timer.id = 0;
            return w;
        }
    return NULL;
}

static void asy__rpool_waiter_free(asy_rpool_t *pool, asy__rwaiter *w) {
    asy__promise_unref(w->promise);
    w->promise = NULL;
    w->next_free = pool->free_waiters;
    pool->free_waiters = w;
}

static void asy__rpool_waiter_timeout(void *arg) {
    asy__rwaiter *w = (asy__rwaiter *)arg;
    asy_rpool_t *pool = w->pool;
    asy__rpool_enter(pool);
    w->timer.id = 0;
    asy__queue_remove(&w->link);
    pool->nwaiting--;
    asy_promise_reject(w->promise, ASY_ETIMEDOUT, "timed out waiting for a pool resource");
    asy__rpool_waiter_free(pool, w);
    asy__rpool_leave(pool);
}

/* ---- objects ------------------------------------------------------------------ */
static void asy__rpool_lend(asy_rpool_t *pool, asy__robj *obj, asy__rwaiter *w) {
    obj->state = ASY__RO_BORROWED;
    pool->nborrowed++;
    asy_promise_resolve(w->promise, obj->resource);
    asy__rpool_waiter_free(pool, w);
}

static void asy__rpool_to_idle(asy_rpool_t *pool, asy__robj *obj) {
    if (pool->clearing && pool->nwaiting == 0) {
        asy__rpool_destroy_obj(pool, obj);
        return;
    }
    obj->state = ASY__RO_IDLE;
    obj->idle_since = asy_now(pool->loop);
    asy__queue_insert_tail(&pool->idle, &obj->link);
    pool->nidle++;
}

static asy__robj *asy__rpool_take_idle(asy_rpool_t *pool) {
    asy__queue *q = pool->o.lifo ? asy__queue_tail(&pool->idle) : asy__queue_head(&pool->idle);
    asy__robj *obj = ASY_CONTAINER_OF(q, asy__robj, link);
    asy__queue_remove(&obj->link);
    pool->nidle--;
    return obj;
}

static void asy__rpool_destroy_done(void *arg, const asy_settled_t *in) {
    asy__robj *obj = (asy__robj *)arg;
    asy_rpool_t *pool = obj->pool;
    (void)in; /* a failed destroy still ends the object */
    asy__rpool_enter(pool);
    asy__ptrmap_del(&pool->objs, obj->resource);
    asy__free(obj);
    pool->ndestroying--;
    pool->warm_failed = 0; /* a loss: try to get back to min once */
    asy__rpool_ensure_min(pool);
    asy__rpool_dispense(pool);
    asy__rpool_leave(pool);
}

static void asy__rpool_destroy_obj(asy_rpool_t *pool, asy__robj *obj) {
    asy_promise_t *op;
    obj->state = ASY__RO_DESTROYING;
    pool->ndestroying++;
    asy__rpool_enter(pool);
    if (pool->f.destroy) {
        asy_ret_t ret = pool->f.destroy(pool->f.ctx, obj->resource);
        op = asy__promise_from_ret(pool->loop, &ret);
    } else {
        op = asy_promise_resolved(pool->loop, NULL);
    }
    if (!op || asy_promise_on_settled(op, asy__rpool_destroy_done, obj) != 0) {
        asy_promise_mark_handled(op);
        asy__rpool_destroy_done(obj, NULL);
    }
    asy_promise_release(op);
    asy__rpool_leave(pool);
}

static void asy__rpool_validate_done(void *arg, const asy_settled_t *in) {
    asy__robj *obj = (asy__robj *)arg;
    asy_rpool_t *pool = obj->pool;
    int ok = in && in->state == ASY_PROMISE_FULFILLED;
    asy__rpool_enter(pool);
    pool->nvalidating--;
    if (obj->for_borrow) pool->nvalidating_borrow--;
    if (!ok) {
        asy__rpool_destroy_obj(pool, obj);
    } else if (obj->for_borrow && pool->nwaiting > 0) {
        asy__rpool_lend(pool, obj, asy__rpool_pop_waiter(pool));
    } else {
        asy__rpool_to_idle(pool, obj);
    }
    asy__rpool_dispense(pool);
    asy__rpool_leave(pool);
}

static void asy__rpool_validate(asy_rpool_t *pool, asy__robj *obj, int for_borrow) {
    asy_promise_t *op;
    obj->state = ASY__RO_VALIDATING;
    obj->for_borrow = for_borrow;
    pool->nvalidating++;
    if (for_borrow) pool->nvalidating_borrow++;
    {
        asy_ret_t ret = pool->f.validate(pool->f.ctx, obj->resource);
        op = asy__promise_from_ret(pool->loop, &ret);
    }
    if (!op || asy_promise_on_settled(op, asy__rpool_validate_done, obj) != 0) {
        asy_promise_mark_handled(op);
        asy__rpool_validate_done(obj, NULL); /* cannot tell: treat as invalid */
    }
    asy_promise_release(op);
}

/* ---- creating --------------------------------------------------------------------- */
static void asy__rpool_create_attempt(asy__rcreate *c);

static void asy__rpool_create_retry(void *arg) {
    asy__rcreate *c = (asy__rcreate *)arg;
    asy_rpool_t *pool = c->pool;
    asy__rpool_enter(pool);
    asy__rpool_create_attempt(c);
    asy__rpool_leave(pool);
}

static void asy__rpool_create_done(void *arg, const asy_settled_t *in) {
    asy__rcreate *c = (asy__rcreate *)arg;
    asy_rpool_t *pool = c->pool;
    asy__robj *obj = NULL;
    int err = ASY_ENOMEM;
    const char *msg = NULL;
    asy__rpool_enter(pool);
    if (in && in->state == ASY_PROMISE_FULFILLED) {
        err = 0;
        if (!in->value) {
            err = ASY_EINVAL;
            msg = "pool factory created a NULL resource";
        } else if (!(obj = ASY__NEW(asy__robj)) ||
                   (err = asy__ptrmap_put(&pool->objs, in->value, obj)) != 0) {
            if (err == ASY_EEXIST) msg = "pool factory created a resource the pool already holds";
            asy__free(obj);
            obj = NULL;
        }
    } else if (in) {
        err = in->error;
        msg = in->message;
    }
    if (obj) {
        pool->ncreating--;
        pool->warm_failed = 0;
        asy__queue_init(&obj->link);
        obj->pool = pool;
        obj->resource = in->value;
        obj->for_borrow = 0;
        if (pool->nwaiting > 0) asy__rpool_lend(pool, obj, asy__rpool_pop_waiter(pool));
        else asy__rpool_to_idle(pool, obj);
        asy__free(c);
    } else if (c->for_waiter && pool->nwaiting > 0 && c->attempt < pool->o.create_retries) {
        /* bounded retries with a doubling delay */
        uint64_t delay = pool->o.create_backoff_ms << (c->attempt < 20 ? c->attempt : 20);
        c->attempt++;
        if (!asy_set_timeout(pool->loop, asy__rpool_create_retry, c, delay).id)
            asy__rpool_create_attempt(c);
        asy__rpool_leave(pool);
        return;
    } else {
        pool->ncreating--;
        if (c->for_waiter && pool->nwaiting > 0) {
            /* the client this create was for learns why */
            asy__rwaiter *w = asy__rpool_pop_waiter(pool);
            asy_promise_reject(w->promise, err, msg);
            asy__rpool_waiter_free(pool, w);
        } else if (!c->for_waiter) {
            pool->warm_failed = 1; /* no retry until something changes */
        }
        asy__free(c);
    }
    asy__rpool_dispense(pool);
    asy__rpool_leave(pool);
}

static void asy__rpool_create_attempt(asy__rcreate *c) {
    asy_rpool_t *pool = c->pool;
    asy_ret_t ret = pool->f.create(pool->f.ctx);
    asy_promise_t *op = asy__promise_from_ret(pool->loop, &ret);
    if (!op || asy_promise_on_settled(op, asy__rpool_create_done, c) != 0) {
        asy_promise_mark_handled(op);
        c->attempt = pool->o.create_retries; /* out of memory: no retries */
        asy__rpool_create_done(c, NULL);
    }
    asy_promise_release(op);
}

static int asy__rpool_create(asy_rpool_t *pool, int for_waiter) {
    asy__rcreate *c = ASY__NEW(asy__rcreate);
    if (!c) return ASY_ENOMEM;
    c->pool = pool;
    c->attempt = 0;
    c->for_waiter = for_waiter;
    pool->ncreating++;
    asy__rpool_create_attempt(c);
    return 0;
}

static void asy__rpool_ensure_min(asy_rpool_t *pool) {
    while (!pool->draining && !pool->warm_failed && asy__rpool_size(pool) < pool->o.min)
        if (asy__rpool_create(pool, 0) != 0) break;
}

/* ---- matching waiters with objects ---------------------------------------------------- */
static void asy__rpool_dispense(asy_rpool_t *pool) {
    if (pool->dispensing) {
        pool->again = 1;
        return;
    }
    pool->dispensing = 1;
    do {
        pool->again = 0;
        while (pool->nwaiting > pool->nvalidating_borrow && pool->nidle > 0) {
            asy__robj *obj = asy__rpool_take_idle(pool);
            if (pool->o.validate_on_borrow && pool->f.validate)
                asy__rpool_validate(pool, obj, 1);
            else
                asy__rpool_lend(pool, obj, asy__rpool_pop_waiter(pool));
        }
        while (pool->nwaiting > pool->nvalidating_borrow + pool->ncreating &&
               asy__rpool_size(pool) < pool->o.max)
            if (asy__rpool_create(pool, 1) != 0) break;
    } while (pool->again);
    pool->dispensing = 0;
}

static void asy__rpool_evict(void *arg) {
    asy_rpool_t *pool = (asy_rpool_t *)arg;
    uint64_t now = asy_now(pool->loop);
    asy__rpool_enter(pool);
    /* the idle list is in return order: only its head can have expired */
    while (pool->nidle > 0 && asy__rpool_size(pool) > pool->o.min) {
        asy__robj *obj = ASY_CONTAINER_OF(asy__queue_head(&pool->idle), asy__robj, link);
        if (now - obj->idle_since < pool->o.idle_timeout_ms) break;
        asy__queue_remove(&obj->link);
        pool->nidle--;
        asy__rpool_destroy_obj(pool, obj);
    }
    pool->warm_failed = 0;
    asy__rpool_ensure_min(pool);
    asy__rpool_leave(pool);
}

/* ---- public ------------------------------------------------------------------------ */
ASYNCRT_API asy_rpool_t *asy_rpool_new(asy_loop_t *loop, const asy_rpool_factory_t *factory,
                                       const asy_rpool_opts *opts) {
    asy_rpool_t *pool;
    unsigned i;
    if (!loop || !factory || !factory->create) return NULL;
    if (!(pool = ASY__NEW(asy_rpool_t))) return NULL;
    memset(pool, 0, sizeof(*pool));
    pool->loop = loop;
    pool->f = *factory;
    if (opts) pool->o = *opts;
    if (!pool->o.max) pool->o.max = 10;
    if (!pool->o.priorities) pool->o.priorities = 1;
    if (!pool->o.create_backoff_ms) pool->o.create_backoff_ms = 100;
    if (pool->o.min > pool->o.max || pool->o.priorities > 1024) {
        asy__free(pool);
        return NULL;
    }
    asy__queue_init(&pool->idle);
    if (!(pool->waiters = ASY__NEW_ARRAY(asy__queue, pool->o.priorities))) {
        asy__free(pool);
        return NULL;
    }
    for (i = 0; i < pool->o.priorities; i++) asy__queue_init(&pool->waiters[i]);
    if (pool->o.idle_timeout_ms) {
        uint64_t every = pool->o.evict_interval_ms ? pool->o.evict_interval_ms
                                                   : pool->o.idle_timeout_ms / 2;
        pool->evictor = asy_set_interval(loop, asy__rpool_evict, pool, every ? every : 1);
        if (!pool->evictor.id) {
            asy__free(pool->waiters);
            asy__free(pool);
            return NULL;
        }
        asy_timer_unref(loop, pool->evictor); /* like an unref'd setInterval */
    }
    asy__rpool_enter(pool);
    asy__rpool_ensure_min(pool);
    asy__rpool_leave(pool);
    return pool;
}

ASYNCRT_API asy_promise_t *asy_rpool_acquire(asy_rpool_t *pool, unsigned priority) {
    asy__rwaiter *w;
    asy_promise_t *p;
    if (!pool) return NULL;
    if (pool->draining)
        return asy_promise_rejected(pool->loop, ASY_ESHUTDOWN, "the pool is draining");
    if (priority >= pool->o.priorities) priority = pool->o.priorities - 1;
    asy__rpool_enter(pool);
    if (pool->nwaiting == 0 && pool->nidle > 0 && !(pool->o.validate_on_borrow && pool->f.validate)) {
        /* the common case: an idle object, nobody ahead */
        asy__robj *obj = asy__rpool_take_idle(pool);
        if ((p = asy_promise_resolved(pool->loop, obj->resource)) != NULL) {
            obj->state = ASY__RO_BORROWED;
            pool->nborrowed++;
        } else {
            asy__rpool_to_idle(pool, obj);
        }
        asy__rpool_leave(pool);
        return p;
    }
    if (pool->o.max_waiting && pool->nwaiting >= pool->o.max_waiting) {
        asy__rpool_leave(pool);
        return asy_promise_rejected(pool->loop, ASY_EBUSY, "too many clients waiting for the pool");
    }
    p = asy_promise_new(pool->loop);
    if ((w = pool->free_waiters) != NULL) pool->free_waiters = w->next_free;
    else w = ASY__NEW(asy__rwaiter);
    if (!p || !w) {
        asy__free(w);
        asy_promise_release(p);
        asy__rpool_leave(pool);
        return NULL;
    }
    w->pool = pool;
    w->promise = p;
    w->timer.id = 0;
    w->next_free = NULL;
    if (pool->o.acquire_timeout_ms) {
        w->timer = asy_set_timeout(pool->loop, asy__rpool_waiter_timeout, w,
                                   pool->o.acquire_timeout_ms);
        if (!w->timer.id) {
            asy__free(w);
            asy_promise_release(p);
            asy__rpool_leave(pool);
            return NULL;
        }
    }
    asy__queue_insert_tail(&pool->waiters[priority], &w->link);
    pool->nwaiting++;
    p->refs_++; /* the waiter's and the caller's */
    asy__rpool_dispense(pool);
    asy__rpool_leave(pool);
    return p;
}

static int asy__rpool_give_back(asy_rpool_t *pool, void *resource, int broken) {
    asy__robj *obj;
    if (!pool) return ASY_EINVAL;
    obj = (asy__robj *)asy__ptrmap_get(&pool->objs, resource);
    if (!obj || obj->state != ASY__RO_BORROWED) return ASY_EINVAL;
    asy__rpool_enter(pool);
    pool->nborrowed--;
    if (broken) asy__rpool_destroy_obj(pool, obj);
    else if (pool->o.validate_on_return && pool->f.validate) asy__rpool_validate(pool, obj, 0);
    else asy__rpool_to_idle(pool, obj);
    asy__rpool_dispense(pool);
    asy__rpool_leave(pool);
    return 0;
}

ASYNCRT_API int asy_rpool_release(asy_rpool_t *pool, void *resource) {
    return asy__rpool_give_back(pool, resource, 0);
}

ASYNCRT_API int asy_rpool_destroy(asy_rpool_t *pool, void *resource) {
    return asy__rpool_give_back(pool, resource, 1);
}

/* use(): acquire -> fn -> release, whatever happens */
static void asy__ruse_finish(asy__ruse *u) {
    asy_promise_release(u->inner);
    asy__promise_unref(u->acquired);
    asy__promise_unref(u->result);
    asy__free(u);
}

static void asy__ruse_done(void *arg, const asy_settled_t *in) {
    asy__ruse *u = (asy__ruse *)arg;
    asy__promise_settle_like(u->result, in->promise);
    asy_rpool_release(u->pool, u->resource);
    asy__ruse_finish(u);
}

static void asy__ruse_start(void *arg, const asy_settled_t *in) {
    asy__ruse *u = (asy__ruse *)arg;
    if (in->state != ASY_PROMISE_FULFILLED) { /* never got a resource */
        asy__promise_settle_like(u->result, in->promise);
        asy__ruse_finish(u);
        return;
    }
    u->resource = in->value;
    {
        asy_ret_t ret = u->fn(u->arg, u->resource);
        u->inner = asy__promise_from_ret(u->pool->loop, &ret);
    }
    if (u->inner && asy_promise_on_settled(u->inner, asy__ruse_done, u) == 0) return;
    asy_promise_mark_handled(u->inner);
    asy_promise_reject(u->result, ASY_ENOMEM, NULL);
    asy_rpool_release(u->pool, u->resource);
    asy__ruse_finish(u);
}

ASYNCRT_API asy_promise_t *asy_rpool_use(asy_rpool_t *pool, unsigned priority,
                                         asy_rpool_use_fn fn, void *arg) {
    asy__ruse *u;
    if (!pool || !fn) return NULL;
    if (!(u = ASY__NEW(asy__ruse))) return NULL;
    memset(u, 0, sizeof(*u));
    u->pool = pool;
    u->fn = fn;
    u->arg = arg;
    u->result = asy_promise_new(pool->loop);
    u->acquired = u->result ? asy_rpool_acquire(pool, priority) : NULL;
    if (!u->acquired || asy_promise_on_settled(u->acquired, asy__ruse_start, u) != 0) {
        /* an acquire that did get a resource would still be lent: give it back */
        if (u->acquired) {
            asy_promise_mark_handled(u->acquired);
            if (asy_promise_state_of(u->acquired) == ASY_PROMISE_FULFILLED)
                asy_rpool_release(pool, asy_promise_result(u->acquired)->value);
            asy__promise_unref(u->acquired);
        }
        asy_promise_release(u->result);
        asy__free(u);
        return NULL;
    }
    u->result->refs_++;
    return u->result;
}

ASYNCRT_API asy_promise_t *asy_rpool_drain(asy_rpool_t *pool) {
    asy_promise_t *p;
    if (!pool) return NULL;
    if (!pool->drain_p && !(pool->drain_p = asy_promise_new(pool->loop))) return NULL;
    pool->draining = 1;
    p = asy_promise_retain(pool->drain_p);
    asy__rpool_enter(pool);
    asy__rpool_leave(pool); /* settles it at once if nothing is out */
    return p;
}

ASYNCRT_API asy_promise_t *asy_rpool_clear(asy_rpool_t *pool) {
    asy_promise_t *p;
    if (!pool) return NULL;
    if (!pool->clear_p && !(pool->clear_p = asy_promise_new(pool->loop))) return NULL;
    p = asy_promise_retain(pool->clear_p);
    pool->clearing = 1;
    asy__rpool_enter(pool);
    while (pool->nidle > 0) asy__rpool_destroy_obj(pool, asy__rpool_take_idle(pool));
    asy__rpool_leave(pool);
    return p;
}

ASYNCRT_API asy_promise_t *asy_rpool_end(asy_rpool_t *pool) {
    asy_promise_t *mine;
    if (!pool) return NULL;
    if (pool->end_p) return asy_promise_retain(pool->end_p);
    if (!(pool->end_p = asy_promise_new(pool->loop))) return NULL;
    mine = asy_promise_retain(pool->end_p); /* the caller's; the pool holds the other */
    pool->ending = 1;
    pool->draining = 1;
    asy__rpool_enter(pool);
    asy__rpool_leave(pool); /* may free the pool */
    return mine;
}

ASYNCRT_API int asy_rpool_stats(const asy_rpool_t *pool, asy_rpool_stats_t *out) {
    if (!pool || !out) return ASY_EINVAL;
    out->size = asy__rpool_size(pool);
    out->available = pool->nidle;
    out->borrowed = pool->nborrowed;
    out->pending = pool->nwaiting;
    out->min = pool->o.min;
    out->max = pool->o.max;
    return 0;
}

#endif /* ASYNCRT_OS_POSIX */

#endif /* ASYNCRT_IMPLEMENTATION */
