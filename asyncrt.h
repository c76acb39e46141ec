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

/* Field order keeps the struct at 24 bytes: one is embedded in every
 * socket, so it counts in the memory per connection. */
struct asy__io {
    int fd;
    unsigned events;     /* wanted */
    unsigned registered; /* what the kernel currently has */
    unsigned slot;       /* backend bookkeeping (poll backend: index in its array) */
    asy__io_cb cb;
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

#line 1 "asyncrt_impl/loop/op.h"
/* Completion-based I/O operations (private; declared here because sockets
 * and requests embed them).  An asy__op is one operation on one fd: read,
 * write (vectored), accept, connect, recvmsg, sendmsg, shutdown or poll.
 * It is submitted with its arguments and completes once with a result
 * (bytes, a new fd, revents, or a negative ASY_E* code) through its
 * callback, always from the loop and never from inside the submit call.
 * See backend/ops.c for how epoll and poll(2) emulate this. */

/* A byte range: the same layout as struct iovec on POSIX, so a list of
 * them goes to writev() as is. */
typedef struct asy_iov_s {
    char *base;
    size_t len;
} asy_iov_t;

typedef struct asy__op asy__op;
typedef struct asy__opfd asy__opfd;
typedef void (*asy__op_cb)(asy__op *op);
/* Called right before a read whose op has no buffer yet, so an idle
 * socket holds none (libuv's alloc_cb): sets op->u.rw.base / len. */
typedef void (*asy__op_alloc_cb)(asy__op *op, size_t suggested);

enum {
    ASY__OP_READ = 1,
    ASY__OP_WRITE,
    ASY__OP_ACCEPT,
    ASY__OP_CONNECT,
    ASY__OP_RECVMSG,
    ASY__OP_SENDMSG,
    ASY__OP_SHUTDOWN,
    ASY__OP_POLL
};

/* op->flags */
enum {
    ASY__OPF_LOOPBUF = 1 /* read into the loop's shared buffer (valid during cb) */
};

struct asy__op {
    asy__queue link_;  /* in its fd's read or write queue, or the done queue */
    asy__op_cb cb;
    asy__opfd *fd_;    /* where it was submitted */
    ptrdiff_t result;  /* bytes / new fd / revents, or -errno */
    unsigned char kind;
    unsigned char state_;
    unsigned short flags;
    /* poll: wanted events; recvmsg: msg_flags out; connect / sendmsg:
     * address length */
    unsigned aux;
    union {
        /* read, recvmsg, accept: addr (may be NULL) receives the peer */
        struct {
            char *base;
            size_t len;
            asy__op_alloc_cb alloc;
            void *addr;
        } rw;
        /* write, sendmsg, connect: iov is advanced in place as bytes go */
        struct {
            asy_iov_t *iov;
            unsigned n;
            const void *addr;
        } wv;
    } u;
};

/* One fd's state: a read queue and a write queue over one registration.
 * Readiness runs the head of a queue; an empty queue drops its interest
 * lazily (when readiness finds it empty), so a socket that re-arms its
 * read from the completion callback costs no epoll_ctl. */
struct asy__opfd {
    asy__io io;
    asy__queue readq_, writeq_;
    unsigned flags_;
    unsigned ndone_; /* ops of this fd waiting in the loop's done queue */
};

/* The loop's part: completions waiting for the pending phase, and the
 * shared read buffer of ASY__OPF_LOOPBUF reads. */
typedef struct {
    asy__queue done_;
    asy_pending_t pending_;
    int pending_armed_;
    char *rbuf_;
} asy__ops_state;

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

enum { ASY__LAYER_PROMISE, ASY__LAYER_POOL, ASY__LAYER_FS, ASY__LAYER_PROCESS, ASY__LAYER_NET, ASY__LAYER_MAX = 8 };

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
    asy__ops_state ops_; /* completion-based operations (backend/ops.c) */
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
#line 1 "asyncrt_impl/net/addr.h"
/* Socket addresses.  An asy_addr_t holds any struct sockaddr (it is a
 * struct sockaddr_storage in size and alignment), so on POSIX it can be
 * cast to `struct sockaddr *` and filled from getaddrinfo results with
 * asy_addr_from_sockaddr. */
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

#line 1 "asyncrt_impl/net/sock.h"
/* Stream sockets: the part TCP sockets, Unix-domain sockets / pipes and
 * TTYs share (libuv's uv_stream_t, the handle under Node's net.Socket).
 *
 *   reading   asy_sock_read_start(s, alloc_cb, read_cb): read_cb gets each
 *             chunk; nread < 0 is an error or ASY_EOF (the peer ended its
 *             side).  With alloc_cb == NULL the data sits in a buffer the
 *             loop owns, valid only during read_cb: no allocation per read
 *             and no buffer held by an idle socket.  With an alloc_cb the
 *             buffer is asked for right before the read, as in libuv, and
 *             a buffer handed back without data arrives with nread == 0.
 *   writing   asy_sock_write(req, s, bufs, n, cb): the bytes must stay
 *             valid until cb runs; writes complete in order.  cb always
 *             runs from the loop, never inside asy_sock_write.
 *   closing   asy_close((asy_handle_t *)s, close_cb): pending writes,
 *             connects and shutdowns complete with ASY_ECANCELED first.
 *
 * Errors of a connection (ASY_ECONNRESET, ASY_EPIPE) arrive as the status
 * of reads and writes; the process never receives SIGPIPE. */
typedef struct asy_sock_s asy_sock_t;
typedef struct asy_write_s asy_write_t;
typedef struct asy_shutdown_s asy_shutdown_t;
typedef struct asy_connect_s asy_connect_t;

/* Fill *buf with memory for up to `suggested` bytes (base NULL or len 0:
 * the read fails with ASY_ENOBUFS). */
typedef void (*asy_alloc_cb)(asy_handle_t *handle, size_t suggested, asy_iov_t *buf);
typedef void (*asy_read_cb)(asy_sock_t *sock, ptrdiff_t nread, const asy_iov_t *buf);
typedef void (*asy_write_cb)(asy_write_t *req, int status);
typedef void (*asy_shutdown_cb)(asy_shutdown_t *req, int status);
typedef void (*asy_connect_cb)(asy_connect_t *req, int status);
/* A connection is waiting: take it with asy_sock_accept.  status < 0
 * reports an accept error (ASY_EMFILE...); the server keeps listening. */
typedef void (*asy_connection_cb)(asy_sock_t *server, int status);

/* Fields of every stream socket (TCP, pipe, TTY).  Private but for data. */
#define ASY__SOCK_FIELDS                                                   \
    ASY_HANDLE_FIELDS                                                      \
    asy__opfd fd_;                                                         \
    asy__op rop_; /* the read, or the accept of a listening socket */     \
    asy_alloc_cb alloc_cb_;                                                \
    union {                                                                \
        asy_read_cb read;                                                  \
        asy_connection_cb connection;                                      \
    } cb_;                                                                 \
    size_t write_queue_size_;

struct asy_sock_s {
    ASY__SOCK_FIELDS
};

struct asy_write_s {
    void *data;
    asy_sock_t *handle;
    /* private */
    asy_write_cb cb_;
    asy__op op_;
    asy_iov_t *bufs_;
    size_t queued_;
    asy_iov_t bufsml_[4];
};

struct asy_shutdown_s {
    void *data;
    asy_sock_t *handle;
    asy_shutdown_cb cb_;
    asy__op op_;
};

struct asy_connect_s {
    void *data;
    asy_sock_t *handle;
    asy_connect_cb cb_;
    asy__op op_;
    asy_timer_id timer_;
};

ASYNCRT_API int asy_sock_read_start(asy_sock_t *s, asy_alloc_cb alloc_cb, asy_read_cb read_cb);
/* No read_cb after this returns (a buffer already lent by alloc_cb comes
 * back with nread == 0). */
ASYNCRT_API int asy_sock_read_stop(asy_sock_t *s);
ASYNCRT_API int asy_sock_is_reading(const asy_sock_t *s);
ASYNCRT_API int asy_sock_write(asy_write_t *req, asy_sock_t *s, const asy_iov_t *bufs,
                               unsigned nbufs, asy_write_cb cb);
/* Writes what the kernel takes now, without queueing: the byte count,
 * ASY_EAGAIN when nothing could be written (or writes are queued). */
ASYNCRT_API ptrdiff_t asy_sock_try_write(asy_sock_t *s, const asy_iov_t *bufs, unsigned nbufs);
/* Ends the write side once queued writes are done (TCP: FIN; the peer
 * reads ASY_EOF).  Reading goes on: a half-open connection. */
ASYNCRT_API int asy_sock_shutdown(asy_shutdown_t *req, asy_sock_t *s, asy_shutdown_cb cb);
/* Bytes handed to asy_sock_write that the kernel has not taken yet. */
ASYNCRT_API size_t asy_sock_write_queue_size(const asy_sock_t *s);
/* Listening sockets (TCP and Unix-domain).  backlog <= 0: 511. */
ASYNCRT_API int asy_sock_listen(asy_sock_t *server, int backlog, asy_connection_cb cb);
/* Moves the waiting connection into client (initialised, not yet open).
 * ASY_EAGAIN when none is waiting.  A server whose connection_cb does not
 * accept stops accepting until asy_sock_accept is called. */
ASYNCRT_API int asy_sock_accept(asy_sock_t *server, asy_sock_t *client);
/* The socket's file descriptor, or ASY_EBADF when it has none.  The fd
 * still belongs to the handle: asy_close closes it. */
ASYNCRT_API int asy_sock_fileno(asy_sock_t *s);
/* How long a paused server waits before it tries accept() again after
 * running out of file descriptors (it also retries whenever a socket of
 * the loop closes).  Default 100 ms. */
#define ASY_ACCEPT_RETRY_MS 100

#line 1 "asyncrt_impl/net/tcp.h"
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
ASYNCRT_API int asy_tcp_open(asy_tcp_t *tcp, int fd);
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

#line 1 "asyncrt_impl/net/pipe.h"
/* Pipes: Unix-domain stream sockets (a path to bind / connect to) and
 * plain pipe fds, the process's own stdio included (asy_pipe_open(p, 0)).
 * Reading and writing go through the asy_sock_* functions.
 *
 * A listening pipe removes its socket file when closed, as in Node.
 * Opening a non-socket fd sets SIGPIPE to "ignore" if it was at its
 * default (as Node does at startup), since a write to a closed pipe
 * cannot be told not to raise it; the write fails with ASY_EPIPE. */
typedef struct asy_pipe_s asy_pipe_t;
struct asy_pipe_s {
    ASY__SOCK_FIELDS
    char *path_; /* bound path, unlinked on close */
};

ASYNCRT_API int asy_pipe_init_at(asy_loop_t *loop, asy_pipe_t *pipe, const char *file, int line);
#define asy_pipe_init(loop, pipe) asy_pipe_init_at((loop), (pipe), ASY_HERE)
/* Adopts an fd: a pipe end, a Unix socket, stdio.  It is made
 * non-blocking, which the other holders of the same open file see too. */
ASYNCRT_API int asy_pipe_open(asy_pipe_t *pipe, int fd);
ASYNCRT_API int asy_pipe_bind(asy_pipe_t *pipe, const char *path);
ASYNCRT_API int asy_pipe_listen(asy_pipe_t *pipe, int backlog, asy_connection_cb cb);
ASYNCRT_API int asy_pipe_accept(asy_pipe_t *server, asy_pipe_t *client);
ASYNCRT_API int asy_pipe_connect(asy_connect_t *req, asy_pipe_t *pipe, const char *path,
                                 asy_connect_cb cb);
/* The bound / peer path into buf (NUL-terminated); its length, or
 * ASY_ENOSPC. */
ASYNCRT_API int asy_pipe_getsockname(const asy_pipe_t *pipe, char *buf, size_t len);
ASYNCRT_API int asy_pipe_getpeername(const asy_pipe_t *pipe, char *buf, size_t len);
/* A connected pair of Unix stream sockets (socketpair), both
 * non-blocking and close-on-exec; open each with asy_pipe_open. */
ASYNCRT_API int asy_socketpair(int fds[2]);
/* pipe(2) with both ends non-blocking and close-on-exec: fds[0] reads. */
ASYNCRT_API int asy_pipe_fds(int fds[2]);

#line 1 "asyncrt_impl/net/tty.h"
/* Terminals.  A TTY handle reads and writes a terminal fd through the
 * asy_sock_* functions and switches it between cooked, raw and
 * binary-safe raw mode.  The mode in force before the first change is
 * restored by ASY_TTY_MODE_NORMAL and when the handle closes. */
typedef struct asy_tty_s asy_tty_t;
struct asy_tty_s {
    ASY__SOCK_FIELDS
    void *saved_mode_; /* the termios before the first mode change */
    int mode_;
};

typedef enum {
    ASY_TTY_MODE_NORMAL = 0, /* cooked: line editing, echo, signals */
    ASY_TTY_MODE_RAW = 1,    /* Node's setRawMode(true): bytes as typed */
    ASY_TTY_MODE_IO = 2      /* raw for binary data: also no output processing */
} asy_tty_mode;

/* fd must be a terminal (ASY_ENOTTY otherwise). */
ASYNCRT_API int asy_tty_init_at(asy_loop_t *loop, asy_tty_t *tty, int fd, const char *file,
                                int line);
#define asy_tty_init(loop, tty, fd) asy_tty_init_at((loop), (tty), (fd), ASY_HERE)
ASYNCRT_API int asy_tty_set_mode(asy_tty_t *tty, asy_tty_mode mode);
ASYNCRT_API int asy_tty_get_winsize(const asy_tty_t *tty, int *width, int *height);
/* What an fd is: ASY_HANDLE_TTY, ASY_HANDLE_PIPE (pipe, FIFO or Unix
 * socket), ASY_HANDLE_TCP, ASY_HANDLE_UDP, or ASY_HANDLE_UNKNOWN (a file,
 * a closed fd).  Node picks stdio's stream class the same way. */
ASYNCRT_API asy_handle_type asy_guess_handle(int fd);

#line 1 "asyncrt_impl/net/udp.h"
/* UDP sockets: bind, send with a completion callback, receive, connected
 * UDP, broadcast and multicast.  A socket that sends before it is bound is
 * bound by the system to an ephemeral port. */
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
typedef enum { ASY_LEAVE_GROUP = 0, ASY_JOIN_GROUP = 1 } asy_membership;

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
ASYNCRT_API int asy_udp_open(asy_udp_t *udp, int fd);
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
                                       asy_membership membership);
/* Bytes waiting for the socket to take them, and sends whose callback
 * has not run yet. */
ASYNCRT_API size_t asy_udp_send_queue_size(const asy_udp_t *udp);
ASYNCRT_API size_t asy_udp_send_queue_count(const asy_udp_t *udp);

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
/* Sockets, pipes, TTYs (net layer): close stops them and closes the fd;
 * finish_close runs in the close phase, before close_cb, to deliver the
 * completions of their cancelled operations. */
ASY__INTERNAL void asy__net_close(asy_handle_t *h);
ASY__INTERNAL void asy__net_finish_close(asy_handle_t *h);

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
/* Like asy__io_close for an fd that is closed right after: when the caller
 * holds the only reference to the open file (sole_owner) the kernel drops
 * the registration itself and no syscall is made. */
ASY__INTERNAL void asy__io_forget(asy_loop_t *loop, asy__io *io, int sole_owner);

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
        while (loop->ticks_.count) {
            struct asy__task t = asy__taskq_pop(&loop->ticks_);
            t.fn(t.arg);
        }
        while (loop->microtasks_.count) {
            struct asy__task t = asy__taskq_pop(&loop->microtasks_);
            t.fn(t.arg);
        }
    } while (loop->ticks_.count);
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
        case ASY_HANDLE_TCP:
        case ASY_HANDLE_UDP:
        case ASY_HANDLE_PIPE:
        case ASY_HANDLE_TTY:
            asy__net_close(h);
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
        if (h->type >= ASY_HANDLE_TCP && h->type <= ASY_HANDLE_TTY) asy__net_finish_close(h);
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
/* Process-wide: set in the parent by the first fork().  A child of fork
 * shares our open files, so closing an fd no longer proves the kernel
 * drops its epoll registration; from then on asy__io_forget unregisters
 * explicitly. */
static volatile int asy__forked;
static pthread_once_t asy__atfork_once = PTHREAD_ONCE_INIT;
static void asy__note_fork(void) { asy__forked = 1; }
static void asy__atfork_install(void) { pthread_atfork(NULL, asy__note_fork, NULL); }

ASY__INTERNAL void asy__ops_loop_init(asy_loop_t *loop);
ASY__INTERNAL void asy__ops_loop_close(asy_loop_t *loop);

ASY__INTERNAL int asy__backend_init(asy_loop_t *loop, const char *name) {
    pthread_once(&asy__atfork_once, asy__atfork_install);
    asy__ops_loop_init(loop);
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
    asy__ops_loop_close(loop);
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

ASY__INTERNAL void asy__io_forget(asy_loop_t *loop, asy__io *io, int sole_owner) {
#if ASYNCRT_OS_LINUX
    if (sole_owner && !asy__forked && loop->backend_.kind == ASY__BACKEND_EPOLL) {
        /* closing the last reference to the file removes it from epoll:
         * skip the EPOLL_CTL_DEL (one syscall per connection) */
        if (io->registered) loop->backend_.io_count--;
        io->registered = 0;
        io->events = 0;
        asy__epoll_invalidate(loop, io);
        return;
    }
#endif
    (void)sole_owner;
    asy__io_close(loop, io);
}

#line 1 "asyncrt_impl/backend/ops.internal.h"
/* The completion-based operation layer over the readiness backends (see
 * loop/op.h).  Sockets, pipes and TTYs (net layer) and later files use it,
 * so the layers above never see whether epoll, poll(2), io_uring or IOCP
 * runs underneath. */

/* op->state_ */
enum { ASY__OPS_IDLE = 0, ASY__OPS_QUEUED = 1, ASY__OPS_DONE = 2 };
/* opfd->flags_ */
enum {
    ASY__FD_SOCKET = 1, /* send with MSG_NOSIGNAL: never SIGPIPE */
    ASY__FD_CLOSED = 2,
    /* another reference to the open file may exist (an adopted fd, or one
     * handed out by asy_sock_fileno): unregister explicitly on close */
    ASY__FD_SHARED = 4
};
/* The size suggested to lazy allocators (libuv's 64 KiB). */
#define ASY__READ_SUGGEST 65536
/* The loop's shared read buffer is larger: one buffer serves every socket
 * of the loop, and a read that does not fill it proves the socket drained,
 * which saves the read that would only return EAGAIN. */
#define ASY__LOOPBUF_SIZE (256 * 1024)

ASY__INTERNAL void asy__opfd_init(asy__opfd *f, int fd, unsigned flags);
/* Queues op on f (op->kind and its arguments set by the caller).  0, or
 * a negative code when the fd cannot be watched (nothing is queued then
 * and the callback never runs).  Writes, sends, connects and shutdowns
 * are tried at once when nothing is ahead of them; their completion is
 * still delivered from the loop's pending phase. */
ASY__INTERNAL int asy__op_submit(asy_loop_t *loop, asy__opfd *f, asy__op *op);
/* A queued op completes with ASY_ECANCELED (from the loop); 0, or
 * ASY_EALREADY when its result is already decided (or it is not queued). */
ASY__INTERNAL int asy__op_cancel(asy_loop_t *loop, asy__op *op);
/* Cancels every queued op and forgets the fd; call right before
 * close(fd) (an fd the caller keeps open must be ASY__FD_SHARED). */
ASY__INTERNAL void asy__opfd_close(asy_loop_t *loop, asy__opfd *f);
/* Delivers now the completions of f still waiting for the pending phase:
 * the close phase calls it so they run before the handle's close callback. */
ASY__INTERNAL void asy__opfd_flush(asy_loop_t *loop, asy__opfd *f);
static inline int asy__opfd_busy(const asy__opfd *f) {
    return !asy__queue_empty(&f->readq_) || !asy__queue_empty(&f->writeq_) || f->ndone_ > 0;
}
ASY__INTERNAL void asy__ops_loop_init(asy_loop_t *loop);
ASY__INTERNAL void asy__ops_loop_close(asy_loop_t *loop);
/* One write or send attempt outside the queue (try_write / try_send):
 * bytes written, ASY_EAGAIN when it would block or writes are queued. */
ASY__INTERNAL ptrdiff_t asy__opfd_try_write(asy__opfd *f, const asy_iov_t *iov, unsigned n,
                                            const void *addr, unsigned addrlen);

#line 1 "asyncrt_impl/backend/ops.c"
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
/* Completion-based operations emulated over readiness (epoll, poll(2)).
 *
 * Each fd has a read queue and a write queue over one asy__io.  Readiness
 * runs the head of the matching queue: it performs the system call and,
 * unless it would block, completes the op at once (the loop is already
 * dispatching, so this is never re-entrant).  Submitting a write, send,
 * shutdown or connect tries the system call immediately when nothing is
 * queued ahead -- most writes finish there -- and parks the completion in
 * the loop's done queue, delivered in the next pending phase.  Reads wait
 * for readiness: an op is never completed from inside asy__op_submit. */

/* asy_iov_t must be a struct iovec in disguise: arrays of them go to
 * writev / sendmsg unchanged. */
typedef char asy__iov_layout_check[(sizeof(asy_iov_t) == sizeof(struct iovec) &&
                                    offsetof(asy_iov_t, base) == offsetof(struct iovec, iov_base) &&
                                    offsetof(asy_iov_t, len) == offsetof(struct iovec, iov_len))
                                       ? 1
                                       : -1];

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* BSDs: SO_NOSIGPIPE is set on the socket instead */
#endif

/* How a perform step ended. */
enum { ASY__P_AGAIN = 0, ASY__P_DONE = 1, ASY__P_DONE_SHORT = 2 };
/* Ops run per readiness event and queue, so one busy fd cannot starve
 * the others. */
#define ASY__OPS_BUDGET 32

ASY__INTERNAL void asy__ops_loop_init(asy_loop_t *loop) {
    asy__queue_init(&loop->ops_.done_);
    loop->ops_.pending_armed_ = 0;
    loop->ops_.rbuf_ = NULL;
}

ASY__INTERNAL void asy__ops_loop_close(asy_loop_t *loop) {
    asy__free(loop->ops_.rbuf_);
    loop->ops_.rbuf_ = NULL;
}

static int asy__would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

/* The pending phase's share: deliver parked completions.  Ops a callback
 * finishes meanwhile (a write cb that writes again, completed at submit)
 * are delivered in the same phase, a bounded number of rounds, so a
 * writer fills the socket buffer in one iteration instead of one chunk
 * per iteration; what is left waits for the next iteration. */
#define ASY__DONE_ROUNDS 16
static void asy__ops_run_done(void *arg) {
    asy_loop_t *loop = (asy_loop_t *)arg;
    asy__queue q;
    int rounds = ASY__DONE_ROUNDS;
    /* pending_armed_ stays set: new completions join done_ without a
     * second registration */
    while (!asy__queue_empty(&loop->ops_.done_) && rounds-- > 0) {
        asy__queue_init(&q);
        asy__queue_move(&loop->ops_.done_, &q);
        while (!asy__queue_empty(&q)) {
            asy__op *op = ASY_CONTAINER_OF(asy__queue_head(&q), asy__op, link_);
            asy__queue_remove(&op->link_);
            op->state_ = ASY__OPS_IDLE;
            op->fd_->ndone_--;
            op->cb(op);
            asy__after_cb(loop);
        }
    }
    loop->ops_.pending_armed_ = 0;
    if (!asy__queue_empty(&loop->ops_.done_)) {
        loop->ops_.pending_armed_ = 1;
        asy_defer(loop, &loop->ops_.pending_, asy__ops_run_done, loop);
    }
}

/* Parks a finished op until the pending phase. */
static void asy__op_done(asy_loop_t *loop, asy__op *op) {
    op->state_ = ASY__OPS_DONE;
    op->fd_->ndone_++;
    asy__queue_insert_tail(&loop->ops_.done_, &op->link_);
    if (!loop->ops_.pending_armed_) {
        loop->ops_.pending_armed_ = 1;
        asy_defer(loop, &loop->ops_.pending_, asy__ops_run_done, loop);
    }
}

static int asy__op_buffer(asy_loop_t *loop, asy__op *op) {
    if (op->flags & ASY__OPF_LOOPBUF) {
        if (!loop->ops_.rbuf_) loop->ops_.rbuf_ = (char *)asy__malloc(ASY__LOOPBUF_SIZE);
        if (!loop->ops_.rbuf_) return ASY_ENOMEM;
        op->u.rw.base = loop->ops_.rbuf_;
        op->u.rw.len = ASY__LOOPBUF_SIZE;
        return 0;
    }
    if (!op->u.rw.base && op->u.rw.alloc) op->u.rw.alloc(op, ASY__READ_SUGGEST);
    return op->u.rw.base && op->u.rw.len ? 0 : ASY_ENOBUFS;
}

static int asy__perform_write(asy__opfd *f, asy__op *op) {
    for (;;) {
        asy_iov_t *iov = op->u.wv.iov;
        unsigned cnt = op->u.wv.n, i;
        size_t want = 0;
        ssize_t n;
        while (cnt && iov->len == 0) {
            iov++;
            cnt--;
        }
        op->u.wv.iov = iov;
        op->u.wv.n = cnt;
        if (cnt == 0) return ASY__P_DONE;
        if (cnt > 1024) cnt = 1024; /* IOV_MAX on every system we run on */
        for (i = 0; i < cnt; i++) want += iov[i].len;
        if ((f->flags_ & ASY__FD_SOCKET) && cnt == 1) {
            /* send() skips sendmsg's msghdr copy: the common case */
            n = send(f->io.fd, iov->base, iov->len, MSG_NOSIGNAL);
        } else if (f->flags_ & ASY__FD_SOCKET) {
            struct msghdr m;
            memset(&m, 0, sizeof(m));
            m.msg_iov = (struct iovec *)(void *)iov;
            m.msg_iovlen = cnt;
            n = sendmsg(f->io.fd, &m, MSG_NOSIGNAL);
        } else {
            n = writev(f->io.fd, (const struct iovec *)(const void *)iov, (int)cnt);
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            if (asy__would_block(errno)) return ASY__P_AGAIN;
            op->result = asy__errno();
            return ASY__P_DONE;
        }
        op->result += n;
        {
            size_t left = (size_t)n;
            while (left > 0 && left >= iov->len) {
                left -= iov->len;
                iov->len = 0;
                iov++;
                op->u.wv.n--;
            }
            if (left) {
                iov->base += left;
                iov->len -= left;
            }
            op->u.wv.iov = iov;
        }
        /* a short write means the kernel buffer is full: wait for POLLOUT */
        if ((size_t)n < want) return ASY__P_AGAIN;
    }
}

static int asy__perform_read(asy_loop_t *loop, asy__opfd *f, asy__op *op) {
    ssize_t n;
    int r = asy__op_buffer(loop, op);
    if (r) {
        op->result = r;
        return ASY__P_DONE_SHORT;
    }
    do
        n = read(f->io.fd, op->u.rw.base, op->u.rw.len);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (asy__would_block(errno)) return ASY__P_AGAIN;
        op->result = asy__errno();
        return ASY__P_DONE_SHORT;
    }
    op->result = n;
    /* a short read drained the socket: the next read would only say EAGAIN */
    return (size_t)n < op->u.rw.len ? ASY__P_DONE_SHORT : ASY__P_DONE;
}

static int asy__perform_recvmsg(asy_loop_t *loop, asy__opfd *f, asy__op *op) {
    struct msghdr m;
    struct iovec v;
    ssize_t n;
    int r = asy__op_buffer(loop, op);
    if (r) {
        op->result = r;
        return ASY__P_DONE_SHORT;
    }
    memset(&m, 0, sizeof(m));
    v.iov_base = op->u.rw.base;
    v.iov_len = op->u.rw.len;
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    if (op->u.rw.addr) {
        memset(op->u.rw.addr, 0, sizeof(struct sockaddr_storage));
        m.msg_name = op->u.rw.addr;
        m.msg_namelen = sizeof(struct sockaddr_storage);
    }
    do
        n = recvmsg(f->io.fd, &m, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (asy__would_block(errno)) return ASY__P_AGAIN;
        op->result = asy__errno();
        return ASY__P_DONE;
    }
    op->result = n;
    op->aux = (unsigned)m.msg_flags;
    return ASY__P_DONE;
}

static int asy__perform_sendmsg(asy__opfd *f, asy__op *op) {
    struct msghdr m;
    ssize_t n;
    memset(&m, 0, sizeof(m));
    m.msg_name = (void *)(uintptr_t)op->u.wv.addr;
    m.msg_namelen = op->u.wv.addr ? (socklen_t)op->aux : 0;
    m.msg_iov = (struct iovec *)(void *)op->u.wv.iov;
    m.msg_iovlen = op->u.wv.n;
    do
        n = sendmsg(f->io.fd, &m, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (asy__would_block(errno)) return ASY__P_AGAIN;
        op->result = asy__errno();
        return ASY__P_DONE;
    }
    op->result = n;
    return ASY__P_DONE;
}

static int asy__perform_accept(asy__opfd *f, asy__op *op) {
    for (;;) {
        socklen_t len = sizeof(struct sockaddr_storage);
        struct sockaddr *sa = (struct sockaddr *)op->u.rw.addr;
        int nfd;
#if ASYNCRT_OS_LINUX
        nfd = accept4(f->io.fd, sa, sa ? &len : NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
        nfd = accept(f->io.fd, sa, sa ? &len : NULL);
        if (nfd >= 0 && asy__set_nonblock_cloexec(nfd) != 0) {
            close(nfd);
            continue;
        }
#endif
        if (nfd >= 0) {
            op->result = nfd;
            return ASY__P_DONE;
        }
        /* a connection that died in the backlog is not the server's error */
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (asy__would_block(errno)) return ASY__P_AGAIN;
        op->result = asy__errno();
        return ASY__P_DONE_SHORT;
    }
}

static int asy__op_perform(asy_loop_t *loop, asy__opfd *f, asy__op *op, unsigned rev) {
    switch (op->kind) {
        case ASY__OP_READ:
            return asy__perform_read(loop, f, op);
        case ASY__OP_WRITE:
            return asy__perform_write(f, op);
        case ASY__OP_ACCEPT:
            return asy__perform_accept(f, op);
        case ASY__OP_RECVMSG:
            return asy__perform_recvmsg(loop, f, op);
        case ASY__OP_SENDMSG:
            return asy__perform_sendmsg(f, op);
        case ASY__OP_SHUTDOWN:
            /* a pipe has no half-close: its reader sees EOF at close */
            if (!(f->flags_ & ASY__FD_SOCKET)) return ASY__P_DONE;
            op->result = shutdown(f->io.fd, SHUT_WR) == 0 ? 0 : asy__errno();
            return ASY__P_DONE;
        case ASY__OP_CONNECT: {
            int err = 0;
            socklen_t len = sizeof(err);
            if (getsockopt(f->io.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
            if (err == EINPROGRESS) return ASY__P_AGAIN;
            op->result = err ? asy_translate_sys_error(err) : 0;
            return ASY__P_DONE;
        }
        case ASY__OP_POLL:
            if (!(rev & (op->aux | ASY__IO_ERR))) return ASY__P_AGAIN;
            op->result = (ptrdiff_t)(rev & (op->aux | ASY__IO_ERR));
            return ASY__P_DONE;
        default:
            op->result = ASY_EINVAL;
            return ASY__P_DONE;
    }
}

/* Runs the head ops of one queue until one would block. */
static void asy__opfd_run(asy_loop_t *loop, asy__opfd *f, asy__queue *q, unsigned rev) {
    int budget = ASY__OPS_BUDGET;
    while (!asy__queue_empty(q) && budget-- > 0) {
        asy__op *op = ASY_CONTAINER_OF(asy__queue_head(q), asy__op, link_);
        int r = asy__op_perform(loop, f, op, rev);
        if (r == ASY__P_AGAIN) break;
        asy__queue_remove(&op->link_);
        op->state_ = ASY__OPS_IDLE;
        op->cb(op);
        asy__after_cb(loop);
        if (f->flags_ & ASY__FD_CLOSED) return;
        if (r == ASY__P_DONE_SHORT) break;
    }
}

static void asy__opfd_io(asy_loop_t *loop, asy__io *io, unsigned rev) {
    asy__opfd *f = ASY_CONTAINER_OF(io, asy__opfd, io);
    if (rev & (ASY_READABLE | ASY_DISCONNECT | ASY__IO_ERR)) {
        asy__opfd_run(loop, f, &f->readq_, rev);
        if (f->flags_ & ASY__FD_CLOSED) return;
        /* lazily: a callback that re-armed its read kept the interest */
        if (asy__queue_empty(&f->readq_) && (io->events & ASY_READABLE))
            asy__io_stop(loop, io, ASY_READABLE);
    }
    if (rev & (ASY_WRITABLE | ASY__IO_ERR)) {
        asy__opfd_run(loop, f, &f->writeq_, rev);
        if (f->flags_ & ASY__FD_CLOSED) return;
        if (asy__queue_empty(&f->writeq_) && (io->events & ASY_WRITABLE))
            asy__io_stop(loop, io, ASY_WRITABLE);
    }
}

ASY__INTERNAL void asy__opfd_init(asy__opfd *f, int fd, unsigned flags) {
    asy__io_init(&f->io, fd, asy__opfd_io);
    asy__queue_init(&f->readq_);
    asy__queue_init(&f->writeq_);
    f->flags_ = flags;
    f->ndone_ = 0;
}

static int asy__opfd_queue(asy_loop_t *loop, asy__opfd *f, asy__queue *q, asy__op *op,
                           unsigned ev) {
    if ((f->io.events & ev) != ev) {
        int r = asy__io_start(loop, &f->io, ev);
        if (r) return r;
    }
    asy__queue_insert_tail(q, &op->link_);
    op->state_ = ASY__OPS_QUEUED;
    return 0;
}

ASY__INTERNAL int asy__op_submit(asy_loop_t *loop, asy__opfd *f, asy__op *op) {
    if (op->state_ != ASY__OPS_IDLE) return ASY_EBUSY;
    if (f->flags_ & ASY__FD_CLOSED) return ASY_EBADF;
    op->fd_ = f;
    op->result = 0;
    switch (op->kind) {
        case ASY__OP_READ:
        case ASY__OP_ACCEPT:
        case ASY__OP_RECVMSG:
            return asy__opfd_queue(loop, f, &f->readq_, op, ASY_READABLE);
        case ASY__OP_POLL:
            if (op->aux == ASY_READABLE) return asy__opfd_queue(loop, f, &f->readq_, op, ASY_READABLE);
            if (op->aux == ASY_WRITABLE) return asy__opfd_queue(loop, f, &f->writeq_, op, ASY_WRITABLE);
            return ASY_EINVAL;
        case ASY__OP_CONNECT: {
            int r;
            if (!asy__queue_empty(&f->writeq_)) return ASY_EALREADY;
            do
                r = connect(f->io.fd, (const struct sockaddr *)op->u.wv.addr, (socklen_t)op->aux);
            while (r != 0 && errno == EINTR);
            /* watch reads too: the connect callback nearly always starts
             * reading, and one registration now saves a second later */
            if (r != 0 && errno == EINPROGRESS)
                return asy__opfd_queue(loop, f, &f->writeq_, op, ASY_WRITABLE | ASY_READABLE);
            op->result = r == 0 ? 0 : asy__errno();
            asy__op_done(loop, op);
            return 0;
        }
        case ASY__OP_WRITE:
        case ASY__OP_SENDMSG:
        case ASY__OP_SHUTDOWN:
            if (asy__queue_empty(&f->writeq_) &&
                asy__op_perform(loop, f, op, ASY_WRITABLE) != ASY__P_AGAIN) {
                asy__op_done(loop, op);
                return 0;
            }
            return asy__opfd_queue(loop, f, &f->writeq_, op, ASY_WRITABLE);
        default:
            return ASY_EINVAL;
    }
}

ASY__INTERNAL int asy__op_cancel(asy_loop_t *loop, asy__op *op) {
    if (op->state_ != ASY__OPS_QUEUED) return ASY_EALREADY;
    asy__queue_remove(&op->link_);
    op->result = ASY_ECANCELED;
    asy__op_done(loop, op);
    return 0;
}

static void asy__cancel_all(asy_loop_t *loop, asy__queue *q) {
    while (!asy__queue_empty(q)) {
        asy__op *op = ASY_CONTAINER_OF(asy__queue_head(q), asy__op, link_);
        asy__op_cancel(loop, op);
    }
}

ASY__INTERNAL void asy__opfd_close(asy_loop_t *loop, asy__opfd *f) {
    if (f->flags_ & ASY__FD_CLOSED) return;
    f->flags_ |= ASY__FD_CLOSED;
    asy__cancel_all(loop, &f->readq_);
    asy__cancel_all(loop, &f->writeq_);
    if (f->io.fd >= 0) asy__io_forget(loop, &f->io, !(f->flags_ & ASY__FD_SHARED));
}

ASY__INTERNAL void asy__opfd_flush(asy_loop_t *loop, asy__opfd *f) {
    while (f->ndone_ > 0) {
        asy__queue *q;
        asy__op *found = NULL;
        ASY__QUEUE_FOREACH(q, &loop->ops_.done_) {
            asy__op *op = ASY_CONTAINER_OF(q, asy__op, link_);
            if (op->fd_ == f) {
                found = op;
                break;
            }
        }
        if (!found) break; /* cannot happen: ndone_ counts ops in done_ */
        asy__queue_remove(&found->link_);
        found->state_ = ASY__OPS_IDLE;
        f->ndone_--;
        found->cb(found);
        asy__after_cb(loop);
    }
}

ASY__INTERNAL ptrdiff_t asy__opfd_try_write(asy__opfd *f, const asy_iov_t *iov, unsigned n,
                                            const void *addr, unsigned addrlen) {
    struct msghdr m;
    ssize_t r;
    if (f->flags_ & ASY__FD_CLOSED) return ASY_EBADF;
    if (!asy__queue_empty(&f->writeq_)) return ASY_EAGAIN; /* keep the order */
    if (n > 1024) n = 1024;
    memset(&m, 0, sizeof(m));
    m.msg_name = (void *)(uintptr_t)addr;
    m.msg_namelen = addr ? (socklen_t)addrlen : 0;
    m.msg_iov = (struct iovec *)(uintptr_t)iov;
    m.msg_iovlen = n;
    do {
        if (f->flags_ & ASY__FD_SOCKET)
            r = sendmsg(f->io.fd, &m, MSG_NOSIGNAL);
        else
            r = writev(f->io.fd, (const struct iovec *)(const void *)iov, (int)n);
    } while (r < 0 && errno == EINTR);
    if (r < 0) return asy__would_block(errno) ? ASY_EAGAIN : asy__errno();
    return r;
}

#endif /* ASYNCRT_OS_POSIX */
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/net/net.internal.h"
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
    ASY__S_READING = 1u << 8,      /* read_start / recv_start in force */
    ASY__S_LISTENING = 1u << 9,
    ASY__S_CONNECTING = 1u << 10,
    ASY__S_CONNECTED = 1u << 11,
    ASY__S_SHUT = 1u << 12,        /* shutdown asked: no more writes */
    ASY__S_EOF = 1u << 13,
    ASY__S_ACCEPT_READY = 1u << 14, /* accepted fd waits in rop_.result */
    ASY__S_ACCEPT_PAUSED = 1u << 15,
    ASY__S_ACCEPT_ERRED = 1u << 16, /* accept error already reported */
    ASY__S_RESET = 1u << 17,       /* close with SO_LINGER 0 */
    ASY__S_NOCLOSE = 1u << 18      /* stdio: the fd is not ours to close */
};
/* op->flags bits of this layer (the op layer uses the low byte) */
enum { ASY__OPF_TIMEDOUT = 0x100 };

typedef struct {
    asy_timer_id retry; /* accept retry after EMFILE */
    unsigned paused;    /* listening sockets waiting for it */
} asy__net_state;

ASY__INTERNAL int asy__is_stream_type(asy_handle_type t) {
    return t == ASY_HANDLE_TCP || t == ASY_HANDLE_PIPE || t == ASY_HANDLE_TTY;
}
static inline int asy__sock_closing(const asy_sock_t *s) {
    return (s->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) != 0;
}
ASY__INTERNAL void asy__sock_init(asy_loop_t *loop, asy_sock_t *s, asy_handle_type type,
                                  const char *file, int line);
ASY__INTERNAL int asy__socket_fd(int domain, int type);
ASY__INTERNAL int asy__sock_ensure_fd(asy_sock_t *s, int domain);
ASY__INTERNAL void asy__sock_adopt(asy_sock_t *s, int fd, unsigned opfd_flags);
ASY__INTERNAL void asy__sock_update_active(asy_sock_t *s);
ASY__INTERNAL int asy__sock_connect(asy_connect_t *req, asy_sock_t *s, const void *sa,
                                    unsigned salen, uint64_t timeout_ms, asy_connect_cb cb);
ASY__INTERNAL void asy__sock_close(asy_sock_t *s);
ASY__INTERNAL void asy__listen_close(asy_sock_t *s);
ASY__INTERNAL void asy__listen_kick(asy_loop_t *loop);
ASY__INTERNAL void asy__tty_restore(asy_tty_t *tty);
ASY__INTERNAL void asy__udp_close(asy_udp_t *udp);
ASY__INTERNAL void asy__ignore_sigpipe(void);
/* Copies bufs into a request's inline array or a heap one; the total
 * length in *total.  NULL on allocation failure. */
ASY__INTERNAL asy_iov_t *asy__iov_copy(asy_iov_t *inline4, const asy_iov_t *bufs, unsigned n,
                                       size_t *total);

#line 1 "asyncrt_impl/net/addr.c"
/* asy_addr_t must hold a struct sockaddr_storage. */
typedef char asy__addr_size_check[sizeof(asy_addr_t) >= sizeof(struct sockaddr_storage) ? 1 : -1];

static int asy__port_ok(int port) { return port >= 0 && port <= 65535; }

/* asy_addr_t is filled and read through memcpy only: its storage is
 * uint64_t, and the sockaddr types must not alias it. */
ASYNCRT_API int asy_ip4_addr(const char *ip, int port, asy_addr_t *out) {
    struct sockaddr_in sin;
    if (!ip || !out) return ASY_EINVAL;
    if (!asy__port_ok(port)) return ASY_ERANGE;
    memset(out, 0, sizeof(*out));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1) return ASY_EINVAL;
    memcpy(out, &sin, sizeof(sin));
    return 0;
}

ASYNCRT_API int asy_ip6_addr(const char *ip, int port, asy_addr_t *out) {
    struct sockaddr_in6 sin;
    struct sockaddr_in6 *sin6 = &sin;
    char tmp[64];
    const char *pct;
    if (!ip || !out) return ASY_EINVAL;
    if (!asy__port_ok(port)) return ASY_ERANGE;
    memset(out, 0, sizeof(*out));
    memset(&sin, 0, sizeof(sin));
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t)port);
    pct = strchr(ip, '%');
    if (pct) { /* a zone: fe80::1%eth0 */
        size_t n = (size_t)(pct - ip);
        if (n >= sizeof(tmp)) return ASY_EINVAL;
        memcpy(tmp, ip, n);
        tmp[n] = 0;
        sin6->sin6_scope_id = if_nametoindex(pct + 1);
        if (sin6->sin6_scope_id == 0) sin6->sin6_scope_id = (uint32_t)atoi(pct + 1);
        ip = tmp;
    }
    if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) != 1) return ASY_EINVAL;
    memcpy(out, &sin, sizeof(sin));
    return 0;
}

ASYNCRT_API int asy_ip_addr(const char *ip, int port, asy_addr_t *out) {
    if (!ip) return ASY_EINVAL;
    return strchr(ip, ':') ? asy_ip6_addr(ip, port, out) : asy_ip4_addr(ip, port, out);
}

ASYNCRT_API int asy_addr_from_sockaddr(asy_addr_t *out, const void *sa, size_t len) {
    if (!out || !sa || len < sizeof(sa_family_t) || len > sizeof(*out)) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    memcpy(out, sa, len);
    return 0;
}

static int asy__addr_af(const asy_addr_t *a) {
    struct sockaddr sa;
    memcpy(&sa, a, sizeof(sa));
    return sa.sa_family;
}

ASYNCRT_API int asy_addr_family(const asy_addr_t *a) {
    if (!a) return 0;
    switch (asy__addr_af(a)) {
        case AF_INET:
            return 4;
        case AF_INET6:
            return 6;
        default:
            return 0;
    }
}

ASYNCRT_API int asy_addr_port(const asy_addr_t *a) {
    if (!a) return ASY_EINVAL;
    if (asy__addr_af(a) == AF_INET) {
        struct sockaddr_in sin;
        memcpy(&sin, a, sizeof(sin));
        return ntohs(sin.sin_port);
    }
    if (asy__addr_af(a) == AF_INET6) {
        struct sockaddr_in6 sin6;
        memcpy(&sin6, a, sizeof(sin6));
        return ntohs(sin6.sin6_port);
    }
    return ASY_EAFNOSUPPORT;
}

ASYNCRT_API int asy_addr_ip(const asy_addr_t *a, char *buf, size_t len) {
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    const void *src;
    int af;
    if (!a || !buf || len == 0) return ASY_EINVAL;
    af = asy__addr_af(a);
    if (af == AF_INET) {
        memcpy(&sin, a, sizeof(sin));
        src = &sin.sin_addr;
    } else if (af == AF_INET6) {
        memcpy(&sin6, a, sizeof(sin6));
        src = &sin6.sin6_addr;
    } else {
        return ASY_EAFNOSUPPORT;
    }
    if (!inet_ntop(af, src, buf, (socklen_t)(len > 4096 ? 4096 : len))) return ASY_ENOSPC;
    return (int)strlen(buf);
}

ASYNCRT_API size_t asy_addr_len(const asy_addr_t *a) {
    if (!a) return 0;
    switch (asy__addr_af(a)) {
        case AF_INET:
            return sizeof(struct sockaddr_in);
        case AF_INET6:
            return sizeof(struct sockaddr_in6);
        case AF_UNIX:
            return sizeof(struct sockaddr_un);
        default:
            return 0;
    }
}

#line 1 "asyncrt_impl/net/sock.c"
/* The stream-socket machinery shared by TCP, pipes and TTYs: reading,
 * writing, shutdown, connect and close, each an asy__op on the socket's
 * opfd.  A socket is active (keeps the loop alive) while it reads,
 * listens, or has an operation in flight. */

ASY__INTERNAL void asy__ignore_sigpipe(void) {
    struct sigaction sa;
    if (sigaction(SIGPIPE, NULL, &sa) != 0) return;
    if (!(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_DFL) {
        sa.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &sa, NULL);
    }
}

ASY__INTERNAL int asy__socket_fd(int domain, int type) {
    int fd;
#if ASYNCRT_OS_LINUX
    fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return asy__errno();
#else
    int r;
    fd = socket(domain, type, 0);
    if (fd < 0) return asy__errno();
    if ((r = asy__set_nonblock_cloexec(fd)) != 0) {
        close(fd);
        return r;
    }
#endif
#ifdef SO_NOSIGPIPE
    {
        int on = 1;
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on));
    }
#endif
    return fd;
}

ASY__INTERNAL asy_iov_t *asy__iov_copy(asy_iov_t *inline4, const asy_iov_t *bufs, unsigned n,
                                       size_t *total) {
    asy_iov_t *v = inline4;
    unsigned i;
    size_t sum = 0;
    if (n > 4) {
        v = ASY__NEW_ARRAY(asy_iov_t, n);
        if (!v) return NULL;
    }
    for (i = 0; i < n; i++) {
        v[i] = bufs[i];
        sum += bufs[i].len;
    }
    *total = sum;
    return v;
}

ASY__INTERNAL void asy__sock_init(asy_loop_t *loop, asy_sock_t *s, asy_handle_type type,
                                  const char *file, int line) {
    asy__handle_init(loop, (asy_handle_t *)s, type, file, line);
    asy__opfd_init(&s->fd_, -1, 0);
    memset(&s->rop_, 0, sizeof(s->rop_));
    s->alloc_cb_ = NULL;
    s->cb_.read = NULL;
    s->write_queue_size_ = 0;
}

ASY__INTERNAL void asy__sock_adopt(asy_sock_t *s, int fd, unsigned opfd_flags) {
    asy__opfd_init(&s->fd_, fd, opfd_flags);
}

ASY__INTERNAL int asy__sock_ensure_fd(asy_sock_t *s, int domain) {
    int fd;
    if (s->fd_.io.fd >= 0) return 0;
    fd = asy__socket_fd(domain, SOCK_STREAM);
    if (fd < 0) return fd;
    asy__sock_adopt(s, fd, ASY__FD_SOCKET);
    return 0;
}

ASY__INTERNAL void asy__sock_update_active(asy_sock_t *s) {
    if (asy__sock_closing(s)) return;
    if ((s->flags_ & (ASY__S_READING | ASY__S_LISTENING)) || asy__opfd_busy(&s->fd_))
        asy__handle_start((asy_handle_t *)s);
    else
        asy__handle_stop((asy_handle_t *)s);
}

static int asy__sock_ok(const asy_sock_t *s) {
    return s && asy__is_stream_type(s->type) && !asy__sock_closing(s);
}

/* ---- reading ---------------------------------------------------------- */

static void asy__sock_alloc(asy__op *op, size_t suggested) {
    asy_sock_t *s = ASY_CONTAINER_OF(op, asy_sock_t, rop_);
    asy_iov_t b;
    b.base = NULL;
    b.len = 0;
    s->alloc_cb_((asy_handle_t *)s, suggested, &b);
    asy__after_cb(s->loop);
    op->u.rw.base = b.base;
    op->u.rw.len = b.base ? b.len : 0;
}

static void asy__sock_arm_read(asy_sock_t *s) {
    asy__op *op = &s->rop_;
    op->kind = ASY__OP_READ;
    if (op->flags & ASY__OPF_LOOPBUF) { /* never keep the loop's buffer as ours */
        op->u.rw.base = NULL;
        op->u.rw.len = 0;
    }
    op->flags = (unsigned short)(s->alloc_cb_ ? 0 : ASY__OPF_LOOPBUF);
    op->u.rw.alloc = s->alloc_cb_ ? asy__sock_alloc : NULL;
    op->u.rw.addr = NULL;
}

static void asy__sock_read_done(asy__op *op) {
    asy_sock_t *s = ASY_CONTAINER_OF(op, asy_sock_t, rop_);
    ptrdiff_t n = op->result;
    int loopbuf = (op->flags & ASY__OPF_LOOPBUF) != 0;
    asy_iov_t b;
    b.base = op->u.rw.base;
    b.len = loopbuf ? (n > 0 ? (size_t)n : 0) : op->u.rw.len;
    op->u.rw.base = NULL;
    op->u.rw.len = 0;
    if (n == ASY_ECANCELED) {
        /* read_stop or close: hand back a lent buffer */
        if (b.base && !loopbuf) s->cb_.read(s, 0, &b);
    } else {
        if (n == 0) {
            n = ASY_EOF;
            s->flags_ |= ASY__S_EOF;
        }
        if (n < 0) s->flags_ &= ~(unsigned)ASY__S_READING;
        s->cb_.read(s, n, &b);
    }
    if ((s->flags_ & ASY__S_READING) && !asy__sock_closing(s) && op->state_ == ASY__OPS_IDLE) {
        int r;
        asy__sock_arm_read(s);
        r = asy__op_submit(s->loop, &s->fd_, op);
        if (r) {
            s->flags_ &= ~(unsigned)ASY__S_READING;
            b.base = NULL;
            b.len = 0;
            s->cb_.read(s, r, &b);
        }
    }
    asy__sock_update_active(s);
}

ASYNCRT_API int asy_sock_read_start(asy_sock_t *s, asy_alloc_cb alloc_cb, asy_read_cb read_cb) {
    int r;
    if (!asy__sock_ok(s) || !read_cb || (s->flags_ & ASY__S_LISTENING)) return ASY_EINVAL;
    if (s->fd_.io.fd < 0) return ASY_ENOTCONN;
    s->cb_.read = read_cb;
    if (s->flags_ & ASY__S_READING) {
        /* switch allocation mode unless a lent buffer is still out */
        if (s->rop_.state_ != ASY__OPS_DONE &&
            (!s->rop_.u.rw.base || (s->rop_.flags & ASY__OPF_LOOPBUF))) {
            s->alloc_cb_ = alloc_cb;
            asy__sock_arm_read(s);
        }
        return 0;
    }
    s->alloc_cb_ = alloc_cb;
    s->flags_ |= ASY__S_READING;
    if (s->rop_.state_ == ASY__OPS_IDLE) { /* else a cancelled read is due: it re-arms */
        s->rop_.cb = asy__sock_read_done;
        s->rop_.u.rw.base = NULL;
        asy__sock_arm_read(s);
        r = asy__op_submit(s->loop, &s->fd_, &s->rop_);
        if (r) {
            s->flags_ &= ~(unsigned)ASY__S_READING;
            return r;
        }
    }
    asy__sock_update_active(s);
    return 0;
}

ASYNCRT_API int asy_sock_read_stop(asy_sock_t *s) {
    if (!s || !asy__is_stream_type(s->type)) return ASY_EINVAL;
    if (!(s->flags_ & ASY__S_READING)) return 0;
    s->flags_ &= ~(unsigned)ASY__S_READING;
    asy__op_cancel(s->loop, &s->rop_);
    asy__sock_update_active(s);
    return 0;
}

ASYNCRT_API int asy_sock_is_reading(const asy_sock_t *s) {
    return s && asy__is_stream_type(s->type) && (s->flags_ & ASY__S_READING) != 0;
}

/* ---- writing ---------------------------------------------------------- */

static void asy__sock_write_done(asy__op *op) {
    asy_write_t *req = ASY_CONTAINER_OF(op, asy_write_t, op_);
    asy_sock_t *s = req->handle;
    int status = op->result < 0 ? (int)op->result : 0;
    s->write_queue_size_ -= req->queued_;
    req->queued_ = 0;
    if (req->bufs_ != req->bufsml_) asy__free(req->bufs_);
    req->bufs_ = NULL;
    if (req->cb_) req->cb_(req, status);
    asy__sock_update_active(s);
}

ASYNCRT_API int asy_sock_write(asy_write_t *req, asy_sock_t *s, const asy_iov_t *bufs,
                               unsigned nbufs, asy_write_cb cb) {
    size_t total;
    int r;
    if (!req || !s || !asy__is_stream_type(s->type) || (!bufs && nbufs)) return ASY_EINVAL;
    if (asy__sock_closing(s) || s->fd_.io.fd < 0) return ASY_EBADF;
    if (s->flags_ & ASY__S_LISTENING) return ASY_EINVAL;
    if (s->flags_ & ASY__S_SHUT) return ASY_EPIPE;
    memset(&req->op_, 0, sizeof(req->op_));
    req->bufs_ = asy__iov_copy(req->bufsml_, bufs, nbufs, &total);
    if (!req->bufs_) return ASY_ENOMEM;
    req->handle = s;
    req->cb_ = cb;
    req->queued_ = 0;
    req->op_.kind = ASY__OP_WRITE;
    req->op_.cb = asy__sock_write_done;
    req->op_.u.wv.iov = req->bufs_;
    req->op_.u.wv.n = nbufs;
    r = asy__op_submit(s->loop, &s->fd_, &req->op_);
    if (r) {
        if (req->bufs_ != req->bufsml_) asy__free(req->bufs_);
        req->bufs_ = NULL;
        return r;
    }
    if (req->op_.state_ == ASY__OPS_QUEUED) {
        req->queued_ = total - (size_t)req->op_.result;
        s->write_queue_size_ += req->queued_;
    }
    asy__sock_update_active(s);
    return 0;
}

ASYNCRT_API ptrdiff_t asy_sock_try_write(asy_sock_t *s, const asy_iov_t *bufs, unsigned nbufs) {
    if (!asy__sock_ok(s) || (!bufs && nbufs)) return ASY_EINVAL;
    if (s->fd_.io.fd < 0) return ASY_EBADF;
    if (s->flags_ & ASY__S_SHUT) return ASY_EPIPE;
    if (s->flags_ & ASY__S_CONNECTING) return ASY_EAGAIN;
    return asy__opfd_try_write(&s->fd_, bufs, nbufs, NULL, 0);
}

ASYNCRT_API size_t asy_sock_write_queue_size(const asy_sock_t *s) {
    return s ? s->write_queue_size_ : 0;
}

ASYNCRT_API int asy_sock_fileno(asy_sock_t *s) {
    if (!s || s->fd_.io.fd < 0) return ASY_EBADF;
    /* the caller may dup or pass it on: close it the careful way */
    s->fd_.flags_ |= ASY__FD_SHARED;
    return s->fd_.io.fd;
}

/* ---- shutdown --------------------------------------------------------- */

static void asy__sock_shutdown_done(asy__op *op) {
    asy_shutdown_t *req = ASY_CONTAINER_OF(op, asy_shutdown_t, op_);
    asy_sock_t *s = req->handle;
    if (req->cb_) req->cb_(req, op->result < 0 ? (int)op->result : 0);
    asy__sock_update_active(s);
}

ASYNCRT_API int asy_sock_shutdown(asy_shutdown_t *req, asy_sock_t *s, asy_shutdown_cb cb) {
    int r;
    if (!req || !asy__sock_ok(s) || (s->flags_ & ASY__S_LISTENING)) return ASY_EINVAL;
    if (s->fd_.io.fd < 0) return ASY_ENOTCONN;
    if (s->flags_ & ASY__S_SHUT) return ASY_EALREADY;
    memset(&req->op_, 0, sizeof(req->op_));
    req->handle = s;
    req->cb_ = cb;
    req->op_.kind = ASY__OP_SHUTDOWN;
    req->op_.cb = asy__sock_shutdown_done;
    r = asy__op_submit(s->loop, &s->fd_, &req->op_);
    if (r) return r;
    s->flags_ |= ASY__S_SHUT;
    asy__sock_update_active(s);
    return 0;
}

/* ---- connect ---------------------------------------------------------- */

static void asy__connect_timeout(void *arg) {
    asy_connect_t *req = (asy_connect_t *)arg;
    req->timer_.id = 0;
    req->op_.flags |= ASY__OPF_TIMEDOUT;
    asy__op_cancel(req->handle->loop, &req->op_);
}

static void asy__sock_connect_done(asy__op *op) {
    asy_connect_t *req = ASY_CONTAINER_OF(op, asy_connect_t, op_);
    asy_sock_t *s = req->handle;
    int status = (int)op->result;
    if (req->timer_.id) {
        asy_clear_timer(s->loop, req->timer_);
        req->timer_.id = 0;
    }
    if (status == ASY_ECANCELED && (op->flags & ASY__OPF_TIMEDOUT)) status = ASY_ETIMEDOUT;
    s->flags_ &= ~(unsigned)ASY__S_CONNECTING;
    if (status == 0) s->flags_ |= ASY__S_CONNECTED;
    if (req->cb_) req->cb_(req, status);
    asy__sock_update_active(s);
}

ASY__INTERNAL int asy__sock_connect(asy_connect_t *req, asy_sock_t *s, const void *sa,
                                    unsigned salen, uint64_t timeout_ms, asy_connect_cb cb) {
    int r;
    if (s->flags_ & (ASY__S_CONNECTING | ASY__S_CONNECTED)) return ASY_EISCONN;
    if (s->flags_ & ASY__S_LISTENING) return ASY_EINVAL;
    memset(&req->op_, 0, sizeof(req->op_));
    req->handle = s;
    req->cb_ = cb;
    req->timer_.id = 0;
    req->op_.kind = ASY__OP_CONNECT;
    req->op_.cb = asy__sock_connect_done;
    req->op_.u.wv.addr = sa;
    req->op_.aux = salen;
    /* the timer first: failing to get one must not leave a connect going */
    if (timeout_ms) {
        req->timer_ = asy_set_timeout(s->loop, asy__connect_timeout, req, timeout_ms);
        if (!req->timer_.id) return ASY_ENOMEM;
    }
    r = asy__op_submit(s->loop, &s->fd_, &req->op_);
    req->op_.u.wv.addr = NULL; /* connect() has read it; it may live on the caller's stack */
    if (r) {
        if (req->timer_.id) asy_clear_timer(s->loop, req->timer_);
        req->timer_.id = 0;
        return r;
    }
    s->flags_ |= ASY__S_CONNECTING;
    asy__sock_update_active(s);
    return 0;
}

/* ---- close ------------------------------------------------------------ */

ASY__INTERNAL void asy__sock_close(asy_sock_t *s) {
    int fd = s->fd_.io.fd;
    if (s->type == ASY_HANDLE_TTY) asy__tty_restore((asy_tty_t *)s);
    asy__listen_close(s);
    s->flags_ &= ~(unsigned)(ASY__S_READING | ASY__S_LISTENING);
    asy__opfd_close(s->loop, &s->fd_);
    if (fd >= 0) {
        if (s->flags_ & ASY__S_RESET) {
            struct linger l;
            l.l_onoff = 1;
            l.l_linger = 0;
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        }
        /* stdio stays open, as in libuv: other code may still print */
        if (!(s->flags_ & ASY__S_NOCLOSE)) close(fd);
    }
    if (s->type == ASY_HANDLE_PIPE) {
        asy_pipe_t *p = (asy_pipe_t *)s;
        if (p->path_) {
            unlink(p->path_);
            asy__free(p->path_);
            p->path_ = NULL;
        }
    }
}

/* Called by asy_close and by the close phase (handle.c). */
ASY__INTERNAL void asy__net_close(asy_handle_t *h) {
    if (asy__is_stream_type(h->type))
        asy__sock_close((asy_sock_t *)h);
    else if (h->type == ASY_HANDLE_UDP)
        asy__udp_close((asy_udp_t *)h);
}

ASY__INTERNAL void asy__net_finish_close(asy_handle_t *h) {
    asy__opfd *f;
    if (asy__is_stream_type(h->type))
        f = &((asy_sock_t *)h)->fd_;
    else if (h->type == ASY_HANDLE_UDP)
        f = &((asy_udp_t *)h)->fd_;
    else
        return;
    /* cancelled writes, connects and reads report before close_cb */
    asy__opfd_flush(h->loop, f);
    /* an fd came free: servers paused on EMFILE may accept again */
    asy__listen_kick(h->loop);
}

#line 1 "asyncrt_impl/net/listen.c"
/* Listening sockets (TCP and Unix-domain): one accept op stays queued on
 * the server.  Each accepted fd waits in the op's result until the
 * connection callback takes it with asy_sock_accept.
 *
 * Running out of file descriptors (EMFILE / ENFILE, or ENOBUFS / ENOMEM)
 * is reported once to the connection callback; the server then pauses
 * -- its pending connections stay in the kernel's backlog, so nothing
 * spins on a listening fd that stays readable -- and tries again when any
 * socket of the loop closes, or after ASY_ACCEPT_RETRY_MS. */

static void asy__net_state_close(asy_loop_t *loop, void *state) {
    asy__net_state *st = (asy__net_state *)state;
    if (st->retry.id) asy_clear_timer(loop, st->retry);
    asy__free(st);
    loop->layers_[ASY__LAYER_NET].state = NULL;
    loop->layers_[ASY__LAYER_NET].close = NULL;
}

static asy__net_state *asy__net_state_get(asy_loop_t *loop) {
    asy__net_state *st = (asy__net_state *)loop->layers_[ASY__LAYER_NET].state;
    if (st) return st;
    st = ASY__NEW(asy__net_state);
    if (!st) return NULL;
    memset(st, 0, sizeof(*st));
    loop->layers_[ASY__LAYER_NET].state = st;
    loop->layers_[ASY__LAYER_NET].close = asy__net_state_close;
    return st;
}

static void asy__accept_done(asy__op *op);

static int asy__listen_arm(asy_sock_t *s) {
    memset(&s->rop_, 0, sizeof(s->rop_));
    s->rop_.kind = ASY__OP_ACCEPT;
    s->rop_.cb = asy__accept_done;
    return asy__op_submit(s->loop, &s->fd_, &s->rop_);
}

static void asy__listen_retry_cb(void *arg) {
    asy_loop_t *loop = (asy_loop_t *)arg;
    asy__net_state *st = (asy__net_state *)loop->layers_[ASY__LAYER_NET].state;
    if (st) st->retry.id = 0;
    asy__listen_kick(loop);
}

/* Stops accepting until a retry; 0 or ASY_ENOMEM. */
static void asy__listen_pause(asy_sock_t *s) {
    asy__net_state *st = asy__net_state_get(s->loop);
    if (s->flags_ & ASY__S_ACCEPT_PAUSED) return;
    if (!st) return; /* no memory: the next close or accept call retries */
    s->flags_ |= ASY__S_ACCEPT_PAUSED;
    st->paused++;
    if (!st->retry.id) {
        st->retry = asy_set_timeout(s->loop, asy__listen_retry_cb, s->loop, ASY_ACCEPT_RETRY_MS);
        /* the paused server keeps the loop alive, not this timer */
        if (st->retry.id) asy_timer_unref(s->loop, st->retry);
    }
}

static void asy__listen_resume(asy_sock_t *s) {
    asy__net_state *st = (asy__net_state *)s->loop->layers_[ASY__LAYER_NET].state;
    if (!(s->flags_ & ASY__S_ACCEPT_PAUSED)) return;
    s->flags_ &= ~(unsigned)ASY__S_ACCEPT_PAUSED;
    if (st && st->paused) st->paused--;
    if ((s->flags_ & ASY__S_LISTENING) && !(s->flags_ & ASY__S_ACCEPT_READY) &&
        !asy__sock_closing(s) && s->rop_.state_ == ASY__OPS_IDLE && asy__listen_arm(s) != 0)
        asy__listen_pause(s);
}

ASY__INTERNAL void asy__listen_kick(asy_loop_t *loop) {
    asy__net_state *st = (asy__net_state *)loop->layers_[ASY__LAYER_NET].state;
    asy__queue *q, *next;
    if (!st || st->paused == 0) return;
    for (q = loop->handles_.next; q != &loop->handles_ && st->paused; q = next) {
        asy_handle_t *h = ASY_CONTAINER_OF(q, asy_handle_t, handle_link_);
        next = q->next;
        if (asy__is_stream_type(h->type) && (h->flags_ & ASY__S_ACCEPT_PAUSED))
            asy__listen_resume((asy_sock_t *)h);
    }
}

ASY__INTERNAL void asy__listen_close(asy_sock_t *s) {
    asy__net_state *st = (asy__net_state *)s->loop->layers_[ASY__LAYER_NET].state;
    if (s->flags_ & ASY__S_ACCEPT_PAUSED) {
        s->flags_ &= ~(unsigned)ASY__S_ACCEPT_PAUSED;
        if (st && st->paused) st->paused--;
    }
    if (s->flags_ & ASY__S_ACCEPT_READY) { /* a connection nobody took */
        s->flags_ &= ~(unsigned)ASY__S_ACCEPT_READY;
        close((int)s->rop_.result);
    }
}

static void asy__accept_done(asy__op *op) {
    asy_sock_t *s = ASY_CONTAINER_OF(op, asy_sock_t, rop_);
    int r = (int)op->result;
    if (r == ASY_ECANCELED) {
        asy__sock_update_active(s);
        return;
    }
    if (r >= 0) {
        s->flags_ |= ASY__S_ACCEPT_READY;
        s->flags_ &= ~(unsigned)ASY__S_ACCEPT_ERRED;
        s->cb_.connection(s, 0);
        /* not taken: accepting waits for asy_sock_accept */
    } else {
        int report = !(s->flags_ & ASY__S_ACCEPT_ERRED);
        s->flags_ |= ASY__S_ACCEPT_ERRED;
        asy__listen_pause(s);
        if (report) s->cb_.connection(s, r);
    }
    asy__sock_update_active(s);
}

ASYNCRT_API int asy_sock_listen(asy_sock_t *s, int backlog, asy_connection_cb cb) {
    int r;
    if (!s || !cb || !asy__is_stream_type(s->type) || asy__sock_closing(s) ||
        s->type == ASY_HANDLE_TTY)
        return ASY_EINVAL;
    if (s->flags_ & ASY__S_LISTENING) {
        s->cb_.connection = cb;
        return 0;
    }
    if (s->flags_ & (ASY__S_READING | ASY__S_CONNECTING | ASY__S_CONNECTED)) return ASY_EINVAL;
    if (s->fd_.io.fd < 0) {
        /* an unbound TCP socket listens on an ephemeral port of every
         * interface, as Node's listen() without arguments; a pipe needs
         * a path */
        if (s->type != ASY_HANDLE_TCP) return ASY_EINVAL;
        r = asy__sock_ensure_fd(s, AF_INET);
        if (r) return r;
    }
    if (backlog <= 0) backlog = 511;
    if (listen(s->fd_.io.fd, backlog) != 0) return asy__errno();
    s->cb_.connection = cb;
    s->flags_ |= ASY__S_LISTENING;
    r = asy__listen_arm(s);
    if (r) {
        s->flags_ &= ~(unsigned)ASY__S_LISTENING;
        return r;
    }
    asy__sock_update_active(s);
    return 0;
}

ASYNCRT_API int asy_sock_accept(asy_sock_t *server, asy_sock_t *client) {
    int fd;
    if (!server || !client || !asy__is_stream_type(server->type) || client->type != server->type)
        return ASY_EINVAL;
    if (!(server->flags_ & ASY__S_ACCEPT_READY)) return ASY_EAGAIN;
    if (asy__sock_closing(client) || client->fd_.io.fd >= 0) return ASY_EINVAL;
    fd = (int)server->rop_.result;
    server->flags_ &= ~(unsigned)ASY__S_ACCEPT_READY;
    asy__sock_adopt(client, fd, ASY__FD_SOCKET);
    client->flags_ |= ASY__S_CONNECTED;
    if ((server->flags_ & ASY__S_LISTENING) && !asy__sock_closing(server) &&
        !(server->flags_ & ASY__S_ACCEPT_PAUSED) && server->rop_.state_ == ASY__OPS_IDLE &&
        asy__listen_arm(server) != 0)
        asy__listen_pause(server);
    return 0;
}

#line 1 "asyncrt_impl/net/tcp.c"
/* TCP: socket creation, bind, connect and the socket options.  Reading,
 * writing and accepting are the shared stream machinery (sock.c,
 * listen.c). */

ASYNCRT_API int asy_tcp_init_at(asy_loop_t *loop, asy_tcp_t *tcp, const char *file, int line) {
    if (!loop || !tcp) return ASY_EINVAL;
    asy__sock_init(loop, (asy_sock_t *)tcp, ASY_HANDLE_TCP, file, line);
    return 0;
}

static int asy__tcp_ok(const asy_tcp_t *t) {
    return t && t->type == ASY_HANDLE_TCP && !asy__sock_closing((const asy_sock_t *)t);
}

static int asy__addr_domain(const asy_addr_t *addr) {
    switch (asy_addr_family(addr)) {
        case 4:
            return AF_INET;
        case 6:
            return AF_INET6;
        default:
            return -1;
    }
}

ASYNCRT_API int asy_tcp_open(asy_tcp_t *tcp, int fd) {
    int r;
    if (!asy__tcp_ok(tcp) || fd < 0) return ASY_EINVAL;
    if (tcp->fd_.io.fd >= 0) return ASY_EBUSY;
    if ((r = asy__set_nonblock_cloexec(fd)) != 0) return r;
    asy__sock_adopt((asy_sock_t *)tcp, fd, ASY__FD_SOCKET | ASY__FD_SHARED);
    tcp->flags_ |= ASY__S_CONNECTED;
    return 0;
}

ASYNCRT_API int asy_tcp_bind(asy_tcp_t *tcp, const asy_addr_t *addr, unsigned flags) {
    int domain, on = 1, r, fd;
    if (!asy__tcp_ok(tcp) || !addr || (flags & ~3u)) return ASY_EINVAL;
    domain = asy__addr_domain(addr);
    if (domain < 0) return ASY_EAFNOSUPPORT;
    if ((flags & ASY_TCP_IPV6ONLY) && domain != AF_INET6) return ASY_EINVAL;
    if (tcp->fd_.io.fd >= 0 && (tcp->flags_ & (ASY__S_LISTENING | ASY__S_CONNECTED))) return ASY_EINVAL;
    if ((r = asy__sock_ensure_fd((asy_sock_t *)tcp, domain)) != 0) return r;
    fd = tcp->fd_.io.fd;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0) return asy__errno();
    if (domain == AF_INET6) {
        int v6only = (flags & ASY_TCP_IPV6ONLY) ? 1 : 0;
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) != 0)
            return asy__errno();
    }
    if (flags & ASY_TCP_REUSEPORT) {
#ifdef SO_REUSEPORT
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0) return asy__errno();
#else
        return ASY_ENOTSUP;
#endif
    }
    if (bind(fd, (const struct sockaddr *)(const void *)addr, (socklen_t)asy_addr_len(addr)) != 0)
        return asy__errno();
    return 0;
}

ASYNCRT_API int asy_tcp_listen(asy_tcp_t *tcp, int backlog, asy_connection_cb cb) {
    return asy_sock_listen((asy_sock_t *)tcp, backlog, cb);
}

ASYNCRT_API int asy_tcp_accept(asy_tcp_t *server, asy_tcp_t *client) {
    return asy_sock_accept((asy_sock_t *)server, (asy_sock_t *)client);
}

ASYNCRT_API int asy_tcp_connect_timeout(asy_connect_t *req, asy_tcp_t *tcp,
                                        const asy_addr_t *addr, uint64_t timeout_ms,
                                        asy_connect_cb cb) {
    int domain, r;
    if (!req || !asy__tcp_ok(tcp) || !addr) return ASY_EINVAL;
    domain = asy__addr_domain(addr);
    if (domain < 0) return ASY_EAFNOSUPPORT;
    if ((r = asy__sock_ensure_fd((asy_sock_t *)tcp, domain)) != 0) return r;
    return asy__sock_connect(req, (asy_sock_t *)tcp, addr, (unsigned)asy_addr_len(addr),
                             timeout_ms, cb);
}

ASYNCRT_API int asy_tcp_connect(asy_connect_t *req, asy_tcp_t *tcp, const asy_addr_t *addr,
                                asy_connect_cb cb) {
    return asy_tcp_connect_timeout(req, tcp, addr, 0, cb);
}

static int asy__tcp_fd(const asy_tcp_t *tcp) {
    if (!tcp || tcp->type != ASY_HANDLE_TCP) return ASY_EINVAL;
    return tcp->fd_.io.fd >= 0 ? tcp->fd_.io.fd : ASY_EBADF;
}

ASYNCRT_API int asy_tcp_nodelay(asy_tcp_t *tcp, int enable) {
    int fd = asy__tcp_fd(tcp), on = enable ? 1 : 0;
    if (fd < 0) return fd;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == 0 ? 0 : asy__errno();
}

ASYNCRT_API int asy_tcp_keepalive(asy_tcp_t *tcp, int enable, unsigned delay_s) {
    int fd = asy__tcp_fd(tcp), on = enable ? 1 : 0;
    if (fd < 0) return fd;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) != 0) return asy__errno();
    if (enable && delay_s) {
        int d = delay_s > 0x7fffffffu ? 0x7fffffff : (int)delay_s;
#ifdef TCP_KEEPIDLE
        if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &d, sizeof(d)) != 0) return asy__errno();
#elif defined(TCP_KEEPALIVE)
        if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPALIVE, &d, sizeof(d)) != 0) return asy__errno();
#else
        (void)d;
#endif
    }
    return 0;
}

ASYNCRT_API int asy_tcp_getsockname(const asy_tcp_t *tcp, asy_addr_t *addr) {
    int fd = asy__tcp_fd(tcp);
    socklen_t len = sizeof(*addr);
    if (fd < 0) return fd;
    if (!addr) return ASY_EINVAL;
    memset(addr, 0, sizeof(*addr));
    return getsockname(fd, (struct sockaddr *)(void *)addr, &len) == 0 ? 0 : asy__errno();
}

ASYNCRT_API int asy_tcp_getpeername(const asy_tcp_t *tcp, asy_addr_t *addr) {
    int fd = asy__tcp_fd(tcp);
    socklen_t len = sizeof(*addr);
    if (fd < 0) return fd;
    if (!addr) return ASY_EINVAL;
    memset(addr, 0, sizeof(*addr));
    return getpeername(fd, (struct sockaddr *)(void *)addr, &len) == 0 ? 0 : asy__errno();
}

ASYNCRT_API int asy_tcp_close_reset(asy_tcp_t *tcp, asy_close_cb close_cb) {
    if (!asy__tcp_ok(tcp)) return ASY_EINVAL;
    if (tcp->flags_ & ASY__S_LISTENING) return ASY_EINVAL;
    tcp->flags_ |= ASY__S_RESET;
    asy_close((asy_handle_t *)tcp, close_cb);
    return 0;
}

#line 1 "asyncrt_impl/net/pipe.c"
/* Pipes: Unix-domain stream sockets and plain pipe fds (stdio too). */

ASYNCRT_API int asy_pipe_init_at(asy_loop_t *loop, asy_pipe_t *pipe, const char *file, int line) {
    if (!loop || !pipe) return ASY_EINVAL;
    asy__sock_init(loop, (asy_sock_t *)pipe, ASY_HANDLE_PIPE, file, line);
    pipe->path_ = NULL;
    return 0;
}

static int asy__pipe_ok(const asy_pipe_t *p) {
    return p && p->type == ASY_HANDLE_PIPE && !asy__sock_closing((const asy_sock_t *)p);
}

static int asy__is_socket(int fd) {
    int type;
    socklen_t len = sizeof(type);
    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
}

ASYNCRT_API int asy_pipe_open(asy_pipe_t *pipe, int fd) {
    int fl, sock;
    if (!asy__pipe_ok(pipe) || fd < 0) return ASY_EINVAL;
    if (pipe->fd_.io.fd >= 0) return ASY_EBUSY;
    fl = fcntl(fd, F_GETFL);
    if (fl < 0) return asy__errno();
    if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) return asy__errno();
    sock = asy__is_socket(fd);
    if (!sock) asy__ignore_sigpipe();
    asy__sock_adopt((asy_sock_t *)pipe, fd, (sock ? ASY__FD_SOCKET : 0) | ASY__FD_SHARED);
    pipe->flags_ |= ASY__S_CONNECTED;
    if (fd <= 2) pipe->flags_ |= ASY__S_NOCLOSE;
    return 0;
}

static int asy__sun(struct sockaddr_un *sun, const char *path, socklen_t *len) {
    size_t n;
    if (!path || !*path) return ASY_EINVAL;
    n = strlen(path);
    if (n >= sizeof(sun->sun_path)) return ASY_ENAMETOOLONG;
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    memcpy(sun->sun_path, path, n + 1);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    return 0;
}

ASYNCRT_API int asy_pipe_bind(asy_pipe_t *pipe, const char *path) {
    struct sockaddr_un sun;
    socklen_t len;
    char *copy;
    int r;
    if (!asy__pipe_ok(pipe)) return ASY_EINVAL;
    if ((r = asy__sun(&sun, path, &len)) != 0) return r;
    if (pipe->path_ || (pipe->flags_ & (ASY__S_LISTENING | ASY__S_CONNECTED))) return ASY_EINVAL;
    copy = asy__strdup(path);
    if (!copy) return ASY_ENOMEM;
    if ((r = asy__sock_ensure_fd((asy_sock_t *)pipe, AF_UNIX)) != 0) {
        asy__free(copy);
        return r;
    }
    if (bind(pipe->fd_.io.fd, (struct sockaddr *)&sun, len) != 0) {
        r = asy__errno();
        asy__free(copy);
        return r;
    }
    pipe->path_ = copy;
    return 0;
}

ASYNCRT_API int asy_pipe_listen(asy_pipe_t *pipe, int backlog, asy_connection_cb cb) {
    return asy_sock_listen((asy_sock_t *)pipe, backlog, cb);
}

ASYNCRT_API int asy_pipe_accept(asy_pipe_t *server, asy_pipe_t *client) {
    return asy_sock_accept((asy_sock_t *)server, (asy_sock_t *)client);
}

ASYNCRT_API int asy_pipe_connect(asy_connect_t *req, asy_pipe_t *pipe, const char *path,
                                 asy_connect_cb cb) {
    struct sockaddr_un sun;
    socklen_t len;
    int r;
    if (!req || !asy__pipe_ok(pipe)) return ASY_EINVAL;
    if ((r = asy__sun(&sun, path, &len)) != 0) return r;
    if ((r = asy__sock_ensure_fd((asy_sock_t *)pipe, AF_UNIX)) != 0) return r;
    return asy__sock_connect(req, (asy_sock_t *)pipe, &sun, (unsigned)len, 0, cb);
}

static int asy__pipe_name(const asy_pipe_t *pipe, char *buf, size_t size, int peer) {
    struct sockaddr_un sun;
    socklen_t len = sizeof(sun);
    size_t n;
    if (!pipe || pipe->type != ASY_HANDLE_PIPE || !buf || size == 0) return ASY_EINVAL;
    if (pipe->fd_.io.fd < 0) return ASY_EBADF;
    memset(&sun, 0, sizeof(sun));
    if ((peer ? getpeername(pipe->fd_.io.fd, (struct sockaddr *)&sun, &len)
              : getsockname(pipe->fd_.io.fd, (struct sockaddr *)&sun, &len)) != 0)
        return asy__errno();
    if (len <= offsetof(struct sockaddr_un, sun_path)) {
        buf[0] = 0; /* unnamed */
        return 0;
    }
    n = strnlen(sun.sun_path, sizeof(sun.sun_path));
    if (n + 1 > size) return ASY_ENOSPC;
    memcpy(buf, sun.sun_path, n);
    buf[n] = 0;
    return (int)n;
}

ASYNCRT_API int asy_pipe_getsockname(const asy_pipe_t *pipe, char *buf, size_t len) {
    return asy__pipe_name(pipe, buf, len, 0);
}

ASYNCRT_API int asy_pipe_getpeername(const asy_pipe_t *pipe, char *buf, size_t len) {
    return asy__pipe_name(pipe, buf, len, 1);
}

ASYNCRT_API int asy_socketpair(int fds[2]) {
    if (!fds) return ASY_EINVAL;
#if ASYNCRT_OS_LINUX
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
        return asy__errno();
#else
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return asy__errno();
    if (asy__set_nonblock_cloexec(fds[0]) != 0 || asy__set_nonblock_cloexec(fds[1]) != 0) {
        int r = asy__errno();
        close(fds[0]);
        close(fds[1]);
        return r;
    }
#endif
    return 0;
}

ASYNCRT_API int asy_pipe_fds(int fds[2]) {
    if (!fds) return ASY_EINVAL;
#if ASYNCRT_OS_LINUX
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return asy__errno();
#else
    if (pipe(fds) != 0) return asy__errno();
    if (asy__set_nonblock_cloexec(fds[0]) != 0 || asy__set_nonblock_cloexec(fds[1]) != 0) {
        int r = asy__errno();
        close(fds[0]);
        close(fds[1]);
        return r;
    }
#endif
    return 0;
}

#line 1 "asyncrt_impl/net/tty.c"
/* Terminals: a stream socket over a tty fd plus termios modes. */

ASYNCRT_API int asy_tty_init_at(asy_loop_t *loop, asy_tty_t *tty, int fd, const char *file,
                                int line) {
    int fl;
    if (!loop || !tty || fd < 0) return ASY_EINVAL;
    if (!isatty(fd)) return errno == EBADF ? ASY_EBADF : ASY_ENOTTY;
    fl = fcntl(fd, F_GETFL);
    if (fl < 0) return asy__errno();
    if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) return asy__errno();
    asy__ignore_sigpipe();
    asy__sock_init(loop, (asy_sock_t *)tty, ASY_HANDLE_TTY, file, line);
    asy__sock_adopt((asy_sock_t *)tty, fd, ASY__FD_SHARED);
    tty->flags_ |= ASY__S_CONNECTED;
    if (fd <= 2) tty->flags_ |= ASY__S_NOCLOSE;
    tty->saved_mode_ = NULL;
    tty->mode_ = ASY_TTY_MODE_NORMAL;
    return 0;
}

ASYNCRT_API int asy_tty_set_mode(asy_tty_t *tty, asy_tty_mode mode) {
    struct termios t;
    int fd;
    if (!tty || tty->type != ASY_HANDLE_TTY || asy__sock_closing((asy_sock_t *)tty)) return ASY_EINVAL;
    if (mode != ASY_TTY_MODE_NORMAL && mode != ASY_TTY_MODE_RAW && mode != ASY_TTY_MODE_IO)
        return ASY_EINVAL;
    fd = tty->fd_.io.fd;
    if ((int)mode == tty->mode_) return 0;
    if (!tty->saved_mode_) {
        struct termios *saved = ASY__NEW(struct termios);
        if (!saved) return ASY_ENOMEM;
        if (tcgetattr(fd, saved) != 0) {
            int r = asy__errno();
            asy__free(saved);
            return r;
        }
        tty->saved_mode_ = saved;
    }
    t = *(struct termios *)tty->saved_mode_;
    if (mode == ASY_TTY_MODE_RAW) {
        t.c_iflag &= ~(tcflag_t)(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
        t.c_oflag |= ONLCR;
        t.c_cflag |= CS8;
        t.c_lflag &= ~(tcflag_t)(ECHO | ICANON | IEXTEN | ISIG);
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
    } else if (mode == ASY_TTY_MODE_IO) {
        cfmakeraw(&t);
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
    }
    if (tcsetattr(fd, TCSADRAIN, &t) != 0) return asy__errno();
    tty->mode_ = (int)mode;
    return 0;
}

ASY__INTERNAL void asy__tty_restore(asy_tty_t *tty) {
    if (tty->saved_mode_) {
        if (tty->mode_ != ASY_TTY_MODE_NORMAL)
            tcsetattr(tty->fd_.io.fd, TCSADRAIN, (struct termios *)tty->saved_mode_);
        asy__free(tty->saved_mode_);
        tty->saved_mode_ = NULL;
    }
    tty->mode_ = ASY_TTY_MODE_NORMAL;
}

ASYNCRT_API int asy_tty_get_winsize(const asy_tty_t *tty, int *width, int *height) {
    struct winsize ws;
    if (!tty || tty->type != ASY_HANDLE_TTY || !width || !height) return ASY_EINVAL;
    if (tty->fd_.io.fd < 0) return ASY_EBADF;
    if (ioctl(tty->fd_.io.fd, TIOCGWINSZ, &ws) != 0) return asy__errno();
    *width = ws.ws_col;
    *height = ws.ws_row;
    return 0;
}

ASYNCRT_API asy_handle_type asy_guess_handle(int fd) {
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) return ASY_HANDLE_UNKNOWN;
    if (isatty(fd)) return ASY_HANDLE_TTY;
    if (S_ISFIFO(st.st_mode)) return ASY_HANDLE_PIPE;
    if (S_ISSOCK(st.st_mode)) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int type;
        socklen_t tl = sizeof(type);
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0) return ASY_HANDLE_UNKNOWN;
        memset(&ss, 0, sizeof(ss));
        if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return ASY_HANDLE_UNKNOWN;
        if (ss.ss_family == AF_UNIX) return ASY_HANDLE_PIPE;
        if (type == SOCK_STREAM) return ASY_HANDLE_TCP;
        if (type == SOCK_DGRAM) return ASY_HANDLE_UDP;
    }
    return ASY_HANDLE_UNKNOWN;
}

#line 1 "asyncrt_impl/net/udp.c"
/* UDP: recvmsg / sendmsg ops on a datagram socket. */

/* BSDs take an unsigned char for the IPv4 multicast options. */
#if ASYNCRT_OS_BSD
#define ASY__MCAST_CHAR 1
#else
#define ASY__MCAST_CHAR 0
#endif

ASYNCRT_API int asy_udp_init_at(asy_loop_t *loop, asy_udp_t *udp, const char *file, int line) {
    if (!loop || !udp) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)udp, ASY_HANDLE_UDP, file, line);
    asy__opfd_init(&udp->fd_, -1, 0);
    memset(&udp->rop_, 0, sizeof(udp->rop_));
    udp->alloc_cb_ = NULL;
    udp->recv_cb_ = NULL;
    udp->send_queue_size_ = 0;
    udp->send_queue_count_ = 0;
    memset(&udp->from_, 0, sizeof(udp->from_));
    return 0;
}

static int asy__udp_ok(const asy_udp_t *u) {
    return u && u->type == ASY_HANDLE_UDP && !(u->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED));
}

static int asy__udp_ensure_fd(asy_udp_t *udp, int domain) {
    int fd;
    if (udp->fd_.io.fd >= 0) return 0;
    fd = asy__socket_fd(domain, SOCK_DGRAM);
    if (fd < 0) return fd;
    asy__opfd_init(&udp->fd_, fd, ASY__FD_SOCKET);
    return 0;
}

static void asy__udp_update_active(asy_udp_t *u) {
    if (u->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) return;
    if ((u->flags_ & ASY__S_READING) || asy__opfd_busy(&u->fd_))
        asy__handle_start((asy_handle_t *)u);
    else
        asy__handle_stop((asy_handle_t *)u);
}

static int asy__udp_domain(const asy_addr_t *a) {
    int f = asy_addr_family(a);
    return f == 4 ? AF_INET : f == 6 ? AF_INET6 : -1;
}

ASYNCRT_API int asy_udp_open(asy_udp_t *udp, int fd) {
    int r;
    if (!asy__udp_ok(udp) || fd < 0) return ASY_EINVAL;
    if (udp->fd_.io.fd >= 0) return ASY_EBUSY;
    if ((r = asy__set_nonblock_cloexec(fd)) != 0) return r;
    asy__opfd_init(&udp->fd_, fd, ASY__FD_SOCKET | ASY__FD_SHARED);
    return 0;
}

ASYNCRT_API int asy_udp_bind(asy_udp_t *udp, const asy_addr_t *addr, unsigned flags) {
    int domain, r, fd, on = 1;
    if (!asy__udp_ok(udp) || !addr || (flags & ~(unsigned)(ASY_UDP_IPV6ONLY | ASY_UDP_REUSEADDR)))
        return ASY_EINVAL;
    domain = asy__udp_domain(addr);
    if (domain < 0) return ASY_EAFNOSUPPORT;
    if ((flags & ASY_UDP_IPV6ONLY) && domain != AF_INET6) return ASY_EINVAL;
    if ((r = asy__udp_ensure_fd(udp, domain)) != 0) return r;
    fd = udp->fd_.io.fd;
    if (flags & ASY_UDP_REUSEADDR) {
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0) return asy__errno();
#if defined(SO_REUSEPORT) && ASYNCRT_OS_BSD
        /* BSD needs SO_REUSEPORT for several sockets on one UDP port */
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0) return asy__errno();
#endif
    }
    if (domain == AF_INET6) {
        int v6only = (flags & ASY_UDP_IPV6ONLY) ? 1 : 0;
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) != 0)
            return asy__errno();
    }
    if (bind(fd, (const struct sockaddr *)(const void *)addr, (socklen_t)asy_addr_len(addr)) != 0)
        return asy__errno();
    return 0;
}

ASYNCRT_API int asy_udp_connect(asy_udp_t *udp, const asy_addr_t *addr) {
    int r;
    if (!asy__udp_ok(udp)) return ASY_EINVAL;
    if (!addr) {
        struct sockaddr sa;
        if (!(udp->flags_ & ASY__S_CONNECTED)) return ASY_ENOTCONN;
        memset(&sa, 0, sizeof(sa));
        sa.sa_family = AF_UNSPEC;
        /* some systems report EAFNOSUPPORT while disconnecting fine */
        if (connect(udp->fd_.io.fd, &sa, sizeof(sa)) != 0 && errno != EAFNOSUPPORT)
            return asy__errno();
        udp->flags_ &= ~(unsigned)ASY__S_CONNECTED;
        return 0;
    }
    if (asy__udp_domain(addr) < 0) return ASY_EAFNOSUPPORT;
    if (udp->flags_ & ASY__S_CONNECTED) return ASY_EISCONN;
    if ((r = asy__udp_ensure_fd(udp, asy__udp_domain(addr))) != 0) return r;
    if (connect(udp->fd_.io.fd, (const struct sockaddr *)(const void *)addr,
                (socklen_t)asy_addr_len(addr)) != 0)
        return asy__errno();
    udp->flags_ |= ASY__S_CONNECTED;
    return 0;
}

static void asy__udp_send_done(asy__op *op) {
    asy_udp_send_t *req = ASY_CONTAINER_OF(op, asy_udp_send_t, op_);
    asy_udp_t *u = req->handle;
    u->send_queue_size_ -= req->size_;
    u->send_queue_count_--;
    if (req->bufs_ != req->bufsml_) asy__free(req->bufs_);
    req->bufs_ = NULL;
    if (req->cb_) req->cb_(req, op->result < 0 ? (int)op->result : 0);
    asy__udp_update_active(u);
}

/* Checks the destination against the connected state; 0 or a code. */
static int asy__udp_dest(asy_udp_t *udp, const asy_addr_t *addr) {
    if (addr) {
        int domain = asy__udp_domain(addr);
        if (domain < 0) return ASY_EAFNOSUPPORT;
        if (udp->flags_ & ASY__S_CONNECTED) return ASY_EISCONN;
        return asy__udp_ensure_fd(udp, domain);
    }
    return (udp->flags_ & ASY__S_CONNECTED) ? 0 : ASY_EDESTADDRREQ;
}

ASYNCRT_API int asy_udp_send(asy_udp_send_t *req, asy_udp_t *udp, const asy_iov_t *bufs,
                             unsigned nbufs, const asy_addr_t *addr, asy_udp_send_cb cb) {
    size_t total;
    int r;
    if (!req || !asy__udp_ok(udp) || (!bufs && nbufs)) return ASY_EINVAL;
    if ((r = asy__udp_dest(udp, addr)) != 0) return r;
    memset(&req->op_, 0, sizeof(req->op_));
    req->bufs_ = asy__iov_copy(req->bufsml_, bufs, nbufs, &total);
    if (!req->bufs_) return ASY_ENOMEM;
    req->handle = udp;
    req->cb_ = cb;
    req->size_ = 0;
    req->op_.kind = ASY__OP_SENDMSG;
    req->op_.cb = asy__udp_send_done;
    req->op_.u.wv.iov = req->bufs_;
    req->op_.u.wv.n = nbufs;
    if (addr) {
        req->addr_ = *addr;
        req->op_.u.wv.addr = &req->addr_;
        req->op_.aux = (unsigned)asy_addr_len(addr);
    }
    r = asy__op_submit(udp->loop, &udp->fd_, &req->op_);
    if (r) {
        if (req->bufs_ != req->bufsml_) asy__free(req->bufs_);
        req->bufs_ = NULL;
        return r;
    }
    if (req->op_.state_ == ASY__OPS_QUEUED) req->size_ = total;
    udp->send_queue_size_ += req->size_;
    udp->send_queue_count_++;
    asy__udp_update_active(udp);
    return 0;
}

ASYNCRT_API ptrdiff_t asy_udp_try_send(asy_udp_t *udp, const asy_iov_t *bufs, unsigned nbufs,
                                       const asy_addr_t *addr) {
    int r;
    if (!asy__udp_ok(udp) || (!bufs && nbufs)) return ASY_EINVAL;
    if ((r = asy__udp_dest(udp, addr)) != 0) return r;
    return asy__opfd_try_write(&udp->fd_, bufs, nbufs, addr,
                               addr ? (unsigned)asy_addr_len(addr) : 0);
}

static void asy__udp_alloc(asy__op *op, size_t suggested) {
    asy_udp_t *u = ASY_CONTAINER_OF(op, asy_udp_t, rop_);
    asy_iov_t b;
    b.base = NULL;
    b.len = 0;
    u->alloc_cb_((asy_handle_t *)u, suggested, &b);
    asy__after_cb(u->loop);
    op->u.rw.base = b.base;
    op->u.rw.len = b.base ? b.len : 0;
}

static void asy__udp_arm(asy_udp_t *u) {
    asy__op *op = &u->rop_;
    op->kind = ASY__OP_RECVMSG;
    if (op->flags & ASY__OPF_LOOPBUF) {
        op->u.rw.base = NULL;
        op->u.rw.len = 0;
    }
    op->flags = (unsigned short)(u->alloc_cb_ ? 0 : ASY__OPF_LOOPBUF);
    op->u.rw.alloc = u->alloc_cb_ ? asy__udp_alloc : NULL;
    op->u.rw.addr = &u->from_;
}

static void asy__udp_recv_done(asy__op *op) {
    asy_udp_t *u = ASY_CONTAINER_OF(op, asy_udp_t, rop_);
    ptrdiff_t n = op->result;
    int loopbuf = (op->flags & ASY__OPF_LOOPBUF) != 0;
    asy_iov_t b;
    b.base = op->u.rw.base;
    b.len = loopbuf ? (n > 0 ? (size_t)n : 0) : op->u.rw.len;
    op->u.rw.base = NULL;
    op->u.rw.len = 0;
    if (n == ASY_ECANCELED) {
        if (b.base && !loopbuf) u->recv_cb_(u, 0, &b, NULL, 0);
    } else if (n < 0) {
        u->recv_cb_(u, n, &b, NULL, 0);
    } else {
        unsigned fl = (op->aux & MSG_TRUNC) ? ASY_UDP_PARTIAL : 0;
        u->recv_cb_(u, n, &b, &u->from_, fl);
    }
    if ((u->flags_ & ASY__S_READING) && !(u->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) &&
        op->state_ == ASY__OPS_IDLE) {
        int r;
        asy__udp_arm(u);
        r = asy__op_submit(u->loop, &u->fd_, op);
        if (r) {
            u->flags_ &= ~(unsigned)ASY__S_READING;
            b.base = NULL;
            b.len = 0;
            u->recv_cb_(u, r, &b, NULL, 0);
        }
    }
    asy__udp_update_active(u);
}

ASYNCRT_API int asy_udp_recv_start(asy_udp_t *udp, asy_alloc_cb alloc_cb,
                                   asy_udp_recv_cb recv_cb) {
    int r;
    if (!asy__udp_ok(udp) || !recv_cb) return ASY_EINVAL;
    /* like Node: receiving needs an address, so bind first (or send) */
    if (udp->fd_.io.fd < 0) return ASY_EBADF;
    udp->recv_cb_ = recv_cb;
    if (udp->flags_ & ASY__S_READING) {
        if (udp->rop_.state_ != ASY__OPS_DONE &&
            (!udp->rop_.u.rw.base || (udp->rop_.flags & ASY__OPF_LOOPBUF))) {
            udp->alloc_cb_ = alloc_cb;
            asy__udp_arm(udp);
        }
        return 0;
    }
    udp->alloc_cb_ = alloc_cb;
    udp->flags_ |= ASY__S_READING;
    if (udp->rop_.state_ == ASY__OPS_IDLE) {
        udp->rop_.cb = asy__udp_recv_done;
        udp->rop_.u.rw.base = NULL;
        asy__udp_arm(udp);
        r = asy__op_submit(udp->loop, &udp->fd_, &udp->rop_);
        if (r) {
            udp->flags_ &= ~(unsigned)ASY__S_READING;
            return r;
        }
    }
    asy__udp_update_active(udp);
    return 0;
}

ASYNCRT_API int asy_udp_recv_stop(asy_udp_t *udp) {
    if (!udp || udp->type != ASY_HANDLE_UDP) return ASY_EINVAL;
    if (!(udp->flags_ & ASY__S_READING)) return 0;
    udp->flags_ &= ~(unsigned)ASY__S_READING;
    asy__op_cancel(udp->loop, &udp->rop_);
    asy__udp_update_active(udp);
    return 0;
}

ASY__INTERNAL void asy__udp_close(asy_udp_t *udp) {
    int fd = udp->fd_.io.fd;
    udp->flags_ &= ~(unsigned)ASY__S_READING;
    asy__opfd_close(udp->loop, &udp->fd_);
    if (fd >= 0) close(fd);
}

static int asy__udp_name(const asy_udp_t *udp, asy_addr_t *addr, int peer) {
    socklen_t len = sizeof(*addr);
    if (!udp || udp->type != ASY_HANDLE_UDP || !addr) return ASY_EINVAL;
    if (udp->fd_.io.fd < 0) return ASY_EBADF;
    memset(addr, 0, sizeof(*addr));
    if ((peer ? getpeername(udp->fd_.io.fd, (struct sockaddr *)(void *)addr, &len)
              : getsockname(udp->fd_.io.fd, (struct sockaddr *)(void *)addr, &len)) != 0)
        return asy__errno();
    return 0;
}

ASYNCRT_API int asy_udp_getsockname(const asy_udp_t *udp, asy_addr_t *addr) {
    return asy__udp_name(udp, addr, 0);
}

ASYNCRT_API int asy_udp_getpeername(const asy_udp_t *udp, asy_addr_t *addr) {
    return asy__udp_name(udp, addr, 1);
}

/* The socket's family; a negative code when it has no fd. */
static int asy__udp_family(const asy_udp_t *udp) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (!udp || udp->fd_.io.fd < 0) return ASY_EBADF;
    memset(&ss, 0, sizeof(ss));
    if (getsockname(udp->fd_.io.fd, (struct sockaddr *)&ss, &len) != 0) return asy__errno();
    return ss.ss_family;
}

/* The sockaddr_in6 inside an IPv6 asy_addr_t (copied: no type punning). */
static struct sockaddr_in6 asy__sin6(const asy_addr_t *a) {
    struct sockaddr_in6 s;
    memcpy(&s, a, sizeof(s));
    return s;
}

static int asy__udp_setopt(asy_udp_t *udp, int level4, int opt4, int level6, int opt6,
                           int value, int as_char) {
    int fam = asy__udp_family(udp);
    unsigned char c = (unsigned char)value;
    int r;
    if (fam < 0) return fam;
    if (fam == AF_INET6)
        r = setsockopt(udp->fd_.io.fd, level6, opt6, &value, sizeof(value));
    else if (as_char)
        r = setsockopt(udp->fd_.io.fd, level4, opt4, &c, sizeof(c));
    else
        r = setsockopt(udp->fd_.io.fd, level4, opt4, &value, sizeof(value));
    return r == 0 ? 0 : asy__errno();
}

ASYNCRT_API int asy_udp_set_broadcast(asy_udp_t *udp, int on) {
    int v = on ? 1 : 0;
    if (!asy__udp_ok(udp)) return ASY_EINVAL;
    if (udp->fd_.io.fd < 0) return ASY_EBADF;
    return setsockopt(udp->fd_.io.fd, SOL_SOCKET, SO_BROADCAST, &v, sizeof(v)) == 0
               ? 0
               : asy__errno();
}

ASYNCRT_API int asy_udp_set_ttl(asy_udp_t *udp, int ttl) {
    if (!asy__udp_ok(udp) || ttl < 1 || ttl > 255) return ASY_EINVAL;
    return asy__udp_setopt(udp, IPPROTO_IP, IP_TTL, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl, 0);
}

ASYNCRT_API int asy_udp_set_multicast_ttl(asy_udp_t *udp, int ttl) {
    if (!asy__udp_ok(udp) || ttl < 0 || ttl > 255) return ASY_EINVAL;
    return asy__udp_setopt(udp, IPPROTO_IP, IP_MULTICAST_TTL, IPPROTO_IPV6,
                           IPV6_MULTICAST_HOPS, ttl, ASY__MCAST_CHAR);
}

ASYNCRT_API int asy_udp_set_multicast_loop(asy_udp_t *udp, int on) {
    if (!asy__udp_ok(udp)) return ASY_EINVAL;
    return asy__udp_setopt(udp, IPPROTO_IP, IP_MULTICAST_LOOP, IPPROTO_IPV6,
                           IPV6_MULTICAST_LOOP, on ? 1 : 0, ASY__MCAST_CHAR);
}

ASYNCRT_API int asy_udp_set_multicast_interface(asy_udp_t *udp, const char *iface) {
    int fam;
    if (!asy__udp_ok(udp)) return ASY_EINVAL;
    fam = asy__udp_family(udp);
    if (fam < 0) return fam;
    if (fam == AF_INET6) {
        unsigned idx = 0;
        asy_addr_t a;
        if (iface && asy_ip6_addr(iface, 0, &a) != 0) return ASY_EINVAL;
        if (iface) idx = asy__sin6(&a).sin6_scope_id;
        return setsockopt(udp->fd_.io.fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) == 0
                   ? 0
                   : asy__errno();
    } else {
        struct in_addr in;
        in.s_addr = htonl(INADDR_ANY);
        if (iface && inet_pton(AF_INET, iface, &in) != 1) return ASY_EINVAL;
        return setsockopt(udp->fd_.io.fd, IPPROTO_IP, IP_MULTICAST_IF, &in, sizeof(in)) == 0
                   ? 0
                   : asy__errno();
    }
}

ASYNCRT_API int asy_udp_set_membership(asy_udp_t *udp, const char *group, const char *iface,
                                       asy_membership membership) {
    int r;
    if (!asy__udp_ok(udp) || !group ||
        (membership != ASY_JOIN_GROUP && membership != ASY_LEAVE_GROUP))
        return ASY_EINVAL;
    if (strchr(group, ':')) {
        struct ipv6_mreq m;
        asy_addr_t a;
        if ((r = asy_ip6_addr(group, 0, &a)) != 0) return r;
        if ((r = asy__udp_ensure_fd(udp, AF_INET6)) != 0) return r;
        memset(&m, 0, sizeof(m));
        m.ipv6mr_multiaddr = asy__sin6(&a).sin6_addr;
        if (iface) {
            asy_addr_t ia;
            if (asy_ip6_addr(iface, 0, &ia) != 0) return ASY_EINVAL;
            m.ipv6mr_interface = asy__sin6(&ia).sin6_scope_id;
        }
        r = setsockopt(udp->fd_.io.fd, IPPROTO_IPV6,
                       membership == ASY_JOIN_GROUP ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &m,
                       sizeof(m));
    } else {
        struct ip_mreq m;
        memset(&m, 0, sizeof(m));
        if (inet_pton(AF_INET, group, &m.imr_multiaddr) != 1) return ASY_EINVAL;
        m.imr_interface.s_addr = htonl(INADDR_ANY);
        if (iface && inet_pton(AF_INET, iface, &m.imr_interface) != 1) return ASY_EINVAL;
        if ((r = asy__udp_ensure_fd(udp, AF_INET)) != 0) return r;
        r = setsockopt(udp->fd_.io.fd, IPPROTO_IP,
                       membership == ASY_JOIN_GROUP ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m,
                       sizeof(m));
    }
    return r == 0 ? 0 : asy__errno();
}

ASYNCRT_API size_t asy_udp_send_queue_size(const asy_udp_t *udp) {
    return udp ? udp->send_queue_size_ : 0;
}

ASYNCRT_API size_t asy_udp_send_queue_count(const asy_udp_t *udp) {
    return udp ? udp->send_queue_count_ : 0;
}

#endif /* ASYNCRT_OS_POSIX */

#endif /* ASYNCRT_IMPLEMENTATION */
