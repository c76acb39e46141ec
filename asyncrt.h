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
    XX(EPREMATURE_CLOSE, -4200, "stream closed before it finished")          \
    XX(ESTREAM_DESTROYED, -4201, "stream was destroyed")                     \
    XX(EWRITE_AFTER_END, -4202, "write after end")                           \
    XX(EPUSH_AFTER_EOF, -4203, "push after the end of the stream")           \
    XX(EMULTIPLE_CALLBACK, -4204, "callback called more than once")          \
    XX(EUNSHIFT_AFTER_END, -4205, "unshift after the end event")             \
    XX(ESTREAM_FINISHED, -4206, "stream already finished")                   \
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

#line 1 "asyncrt_impl/base/alloc.h"
/* Frees memory the library allocated and handed to the caller (strings from
 * path and buffer functions, result arrays...), with the allocator the
 * library was built with (ASYNCRT_FREE).  NULL is fine. */
ASYNCRT_API void asy_free(void *ptr);

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

#line 1 "asyncrt_impl/buf/buf.h"
/* asy_buf_t: Node's Buffer.  A buffer is a *view* (pointer + length) into
 * reference-counted storage.  Slicing makes another view of the same bytes,
 * so writes through a slice show in the parent, and the storage lives until
 * the last view is released (docs/buf.md).
 *
 * Ownership: every asy_buf_t a function fills in (`out`) holds one
 * reference and must be given back with asy_buf_release().  `out` is treated
 * as uninitialised: release what it held before reusing it.  On error `out`
 * is left empty, so releasing it is always safe.  A plain struct copy
 * (`asy_buf_t v = *b`) is a *borrowed* view: valid while an owner holds its
 * reference, never released.  A view with store NULL and data set borrows
 * memory asyncrt does not own (a literal, a stack array); every function
 * that reads a buffer takes it.  Never grow a view's len by hand: the byte
 * chain relies on no view reaching past what was allocated for it.
 *
 * Reference counts are plain integers: a buffer belongs to one thread at a
 * time (its loop).  Handing a buffer to another thread is fine as long as
 * the two threads never retain/release views of the same storage at once.
 *
 * Empty buffers own no storage; their data pointer may be NULL. */

typedef struct asy__buf_storage asy__buf_storage;

typedef struct asy_buf {
    asy__buf_storage *store; /* NULL for an empty buffer */
    uint8_t *data;
    size_t len;
} asy_buf_t;

/* `asy_buf_t b = ASY_BUF_INIT;` is the empty buffer. */
#define ASY_BUF_INIT {NULL, NULL, 0}

/* "To the end" / "not given" for the signed position arguments below, which
 * otherwise follow Node: negative values count back from the end. */
#define ASY_BUF_END PTRDIFF_MAX

/* Text encodings, as Node names them (asy_encoding_from_name). */
typedef enum asy_encoding {
    ASY_ENC_UTF8 = 0,
    ASY_ENC_HEX,
    ASY_ENC_BASE64,
    ASY_ENC_BASE64URL,
    ASY_ENC_LATIN1, /* "binary" too */
    ASY_ENC_ASCII,
    ASY_ENC_UTF16LE /* "ucs2" too */
} asy_encoding_t;

/* Decoding flag: skip bad input the way Node does instead of failing with
 * ASY_EINVAL (base64: skip characters outside the alphabet, stop at '=';
 * hex: stop at the first bad pair; utf8/utf16le: U+FFFD for bad sequences;
 * latin1/ascii: keep the low byte of code points above U+00FF). */
#define ASY_BUF_LENIENT 1u

/* Called when external storage (asy_buf_from_external) is no longer used. */
typedef void (*asy_buf_free_cb)(void *data, void *hint);

/* ---- creating and releasing -------------------------------------------- */

ASYNCRT_API void asy_buf_init(asy_buf_t *b);
/* len zero-filled bytes (Buffer.alloc). */
ASYNCRT_API int asy_buf_alloc(asy_buf_t *out, size_t len);
/* len bytes of unspecified content (Buffer.allocUnsafe). */
ASYNCRT_API int asy_buf_alloc_unsafe(asy_buf_t *out, size_t len);
/* A copy of len bytes (Buffer.from(array)). */
ASYNCRT_API int asy_buf_from_bytes(asy_buf_t *out, const void *bytes, size_t len);
/* Decodes a NUL-terminated string, strictly (Buffer.from(string, enc)). */
ASYNCRT_API int asy_buf_from_string(asy_buf_t *out, const char *str, asy_encoding_t enc);
/* Decodes len bytes of str; flags: 0 or ASY_BUF_LENIENT. */
ASYNCRT_API int asy_buf_from_stringn(asy_buf_t *out, const char *str, size_t len,
                                     asy_encoding_t enc, unsigned flags);
/* Wraps memory the caller owns without copying; free_cb(data, hint) runs
 * when the last view is released (free_cb may be NULL).  When this call
 * fails, free_cb is not called. */
ASYNCRT_API int asy_buf_from_external(asy_buf_t *out, void *data, size_t len,
                                      asy_buf_free_cb free_cb, void *hint);
/* A deep copy with its own storage (Buffer.from(buffer)). */
ASYNCRT_API int asy_buf_dup(asy_buf_t *out, const asy_buf_t *src);
/* Another owning view of all of src (one more reference, no copy). */
ASYNCRT_API int asy_buf_retain(asy_buf_t *out, const asy_buf_t *src);
/* Drops b's reference and leaves b empty.  NULL and empty are fine. */
ASYNCRT_API void asy_buf_release(asy_buf_t *b);
/* How many views hold b's storage (0 for an empty buffer). */
ASYNCRT_API size_t asy_buf_refcount(const asy_buf_t *b);

/* An owning view of src[start, end) that shares memory (buf.subarray and
 * buf.slice).  Negative positions count from the end, both are clamped to
 * [0, len]; end <= start gives an empty buffer.  ASY_BUF_END = len. */
ASYNCRT_API int asy_buf_slice(asy_buf_t *out, const asy_buf_t *src, ptrdiff_t start,
                              ptrdiff_t end);
ASYNCRT_API int asy_buf_subarray(asy_buf_t *out, const asy_buf_t *src, ptrdiff_t start,
                                 ptrdiff_t end);

/* ---- strings ----------------------------------------------------------- */

/* Encodes b as a NUL-terminated string in *out (buf.toString(enc)); free
 * it with asy_free().  *out_len (may be NULL) gets its length without the
 * NUL.  utf8 replaces invalid sequences with U+FFFD exactly as Node does;
 * latin1 and ascii produce the UTF-8 of the code points (ascii clears the
 * high bit first); utf16le drops an odd last byte and turns lone
 * surrogates into U+FFFD.  base64url has no padding, base64 has. */
ASYNCRT_API int asy_buf_to_string(const asy_buf_t *b, asy_encoding_t enc, char **out,
                                  size_t *out_len);
/* Length of asy_buf_to_string's result, without the NUL. */
ASYNCRT_API ptrdiff_t asy_buf_string_length(const asy_buf_t *b, asy_encoding_t enc);
/* Encodes into dst without allocating and without a NUL; returns the length
 * written or ASY_ERANGE (nothing written) when cap is too small. */
ASYNCRT_API ptrdiff_t asy_buf_encode_into(const asy_buf_t *b, asy_encoding_t enc, char *dst,
                                          size_t cap);
/* Decodes str into b at offset (buf.write(string, offset, enc)); returns the
 * bytes written.  When it does not fit, writes what fits without splitting
 * a character.  Strict mode checks the whole string before writing. */
ASYNCRT_API ptrdiff_t asy_buf_write_string(asy_buf_t *b, size_t offset, const char *str,
                                           size_t len, asy_encoding_t enc, unsigned flags);
/* Exactly how many bytes asy_buf_from_stringn would produce (Buffer.byteLength),
 * or ASY_EINVAL for input it would reject. */
ASYNCRT_API ptrdiff_t asy_buf_byte_length(const char *str, size_t len, asy_encoding_t enc,
                                          unsigned flags);
/* 1 if the bytes are well-formed UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF), else 0 (buffer.isUtf8). */
ASYNCRT_API int asy_utf8_valid(const void *bytes, size_t len);
ASYNCRT_API int asy_buf_is_utf8(const asy_buf_t *b);
/* Node's encoding names, case-insensitive: utf8, utf-8, hex, base64,
 * base64url, latin1, binary, ascii, utf16le, utf-16le, ucs2, ucs-2.
 * Returns the asy_encoding_t value or ASY_EINVAL. */
ASYNCRT_API int asy_encoding_from_name(const char *name);
/* Canonical name ("utf8"...), or NULL for an unknown value. */
ASYNCRT_API const char *asy_encoding_name(asy_encoding_t enc);

/* ---- comparing, searching, copying ------------------------------------- */

/* 1 when both hold the same bytes, else 0. */
ASYNCRT_API int asy_buf_equals(const asy_buf_t *a, const asy_buf_t *b);
/* -1, 0 or 1 by bytewise order, a shorter prefix first (Buffer.compare). */
ASYNCRT_API int asy_buf_compare(const asy_buf_t *a, const asy_buf_t *b);

/* buf.indexOf / lastIndexOf with Node's byteOffset rules (negative counts
 * from the end; lastIndexOf finds matches starting at or before it, and
 * ASY_BUF_END searches the whole buffer).  Return the position, or -1 when
 * there is no match; they never fail (bad arguments find nothing).  An
 * empty needle matches at the clamped offset, as in Node. */
ASYNCRT_API ptrdiff_t asy_buf_index_of(const asy_buf_t *b, const void *needle, size_t n,
                                       ptrdiff_t byte_offset);
ASYNCRT_API ptrdiff_t asy_buf_last_index_of(const asy_buf_t *b, const void *needle, size_t n,
                                            ptrdiff_t byte_offset);
/* The needle is str decoded (strictly) with enc; undecodable finds nothing. */
ASYNCRT_API ptrdiff_t asy_buf_index_of_string(const asy_buf_t *b, const char *str,
                                              ptrdiff_t byte_offset, asy_encoding_t enc);
ASYNCRT_API ptrdiff_t asy_buf_last_index_of_string(const asy_buf_t *b, const char *str,
                                                   ptrdiff_t byte_offset, asy_encoding_t enc);
ASYNCRT_API int asy_buf_includes(const asy_buf_t *b, const void *needle, size_t n,
                                 ptrdiff_t byte_offset);
ASYNCRT_API int asy_buf_includes_string(const asy_buf_t *b, const char *str,
                                        ptrdiff_t byte_offset, asy_encoding_t enc);

/* buf.fill: repeats the pattern over [start, end) (ASY_BUF_END = len).
 * ASY_ERANGE when start < 0 or end > len; ASY_EINVAL for an empty pattern.
 * The string form decodes str strictly; "" fills with zeros, as in Node. */
ASYNCRT_API int asy_buf_fill(asy_buf_t *b, const void *pattern, size_t n, ptrdiff_t start,
                             ptrdiff_t end);
ASYNCRT_API int asy_buf_fill_byte(asy_buf_t *b, int value, ptrdiff_t start, ptrdiff_t end);
ASYNCRT_API int asy_buf_fill_string(asy_buf_t *b, const char *str, asy_encoding_t enc,
                                    ptrdiff_t start, ptrdiff_t end);

/* source.copy(target, targetStart, sourceStart, sourceEnd): copies what fits
 * (overlap is fine) and returns the count.  ASY_ERANGE when a position is
 * negative or source_start > source length; source_end is clamped. */
ASYNCRT_API ptrdiff_t asy_buf_copy(const asy_buf_t *source, asy_buf_t *target,
                                   ptrdiff_t target_start, ptrdiff_t source_start,
                                   ptrdiff_t source_end);
/* Buffer.concat(list, totalLength): a new buffer of the count buffers in a
 * row.  total_len ASY_BUF_END = the sum; a smaller one truncates, a larger
 * one zero-fills; negative is ASY_ERANGE. */
ASYNCRT_API int asy_buf_concat(asy_buf_t *out, const asy_buf_t *list, size_t count,
                               ptrdiff_t total_len);

/* ---- numbers (buf.readUInt16LE & co.) ----------------------------------
 * Every read and write is bounds-checked: ASY_ERANGE when off + size > len,
 * and nothing is read or written.  Floats are IEEE 754 binary32/binary64. */

ASYNCRT_API int asy_buf_read_u8(const asy_buf_t *b, size_t off, uint8_t *v);
ASYNCRT_API int asy_buf_read_i8(const asy_buf_t *b, size_t off, int8_t *v);
ASYNCRT_API int asy_buf_read_u16_le(const asy_buf_t *b, size_t off, uint16_t *v);
ASYNCRT_API int asy_buf_read_u16_be(const asy_buf_t *b, size_t off, uint16_t *v);
ASYNCRT_API int asy_buf_read_i16_le(const asy_buf_t *b, size_t off, int16_t *v);
ASYNCRT_API int asy_buf_read_i16_be(const asy_buf_t *b, size_t off, int16_t *v);
ASYNCRT_API int asy_buf_read_u32_le(const asy_buf_t *b, size_t off, uint32_t *v);
ASYNCRT_API int asy_buf_read_u32_be(const asy_buf_t *b, size_t off, uint32_t *v);
ASYNCRT_API int asy_buf_read_i32_le(const asy_buf_t *b, size_t off, int32_t *v);
ASYNCRT_API int asy_buf_read_i32_be(const asy_buf_t *b, size_t off, int32_t *v);
ASYNCRT_API int asy_buf_read_u64_le(const asy_buf_t *b, size_t off, uint64_t *v);
ASYNCRT_API int asy_buf_read_u64_be(const asy_buf_t *b, size_t off, uint64_t *v);
ASYNCRT_API int asy_buf_read_i64_le(const asy_buf_t *b, size_t off, int64_t *v);
ASYNCRT_API int asy_buf_read_i64_be(const asy_buf_t *b, size_t off, int64_t *v);
ASYNCRT_API int asy_buf_read_float_le(const asy_buf_t *b, size_t off, float *v);
ASYNCRT_API int asy_buf_read_float_be(const asy_buf_t *b, size_t off, float *v);
ASYNCRT_API int asy_buf_read_double_le(const asy_buf_t *b, size_t off, double *v);
ASYNCRT_API int asy_buf_read_double_be(const asy_buf_t *b, size_t off, double *v);

ASYNCRT_API int asy_buf_write_u8(asy_buf_t *b, size_t off, uint8_t v);
ASYNCRT_API int asy_buf_write_i8(asy_buf_t *b, size_t off, int8_t v);
ASYNCRT_API int asy_buf_write_u16_le(asy_buf_t *b, size_t off, uint16_t v);
ASYNCRT_API int asy_buf_write_u16_be(asy_buf_t *b, size_t off, uint16_t v);
ASYNCRT_API int asy_buf_write_i16_le(asy_buf_t *b, size_t off, int16_t v);
ASYNCRT_API int asy_buf_write_i16_be(asy_buf_t *b, size_t off, int16_t v);
ASYNCRT_API int asy_buf_write_u32_le(asy_buf_t *b, size_t off, uint32_t v);
ASYNCRT_API int asy_buf_write_u32_be(asy_buf_t *b, size_t off, uint32_t v);
ASYNCRT_API int asy_buf_write_i32_le(asy_buf_t *b, size_t off, int32_t v);
ASYNCRT_API int asy_buf_write_i32_be(asy_buf_t *b, size_t off, int32_t v);
ASYNCRT_API int asy_buf_write_u64_le(asy_buf_t *b, size_t off, uint64_t v);
ASYNCRT_API int asy_buf_write_u64_be(asy_buf_t *b, size_t off, uint64_t v);
ASYNCRT_API int asy_buf_write_i64_le(asy_buf_t *b, size_t off, int64_t v);
ASYNCRT_API int asy_buf_write_i64_be(asy_buf_t *b, size_t off, int64_t v);
ASYNCRT_API int asy_buf_write_float_le(asy_buf_t *b, size_t off, float v);
ASYNCRT_API int asy_buf_write_float_be(asy_buf_t *b, size_t off, float v);
ASYNCRT_API int asy_buf_write_double_le(asy_buf_t *b, size_t off, double v);
ASYNCRT_API int asy_buf_write_double_be(asy_buf_t *b, size_t off, double v);

/* buf.readUIntLE(offset, byteLength) & co.: byte_length 1..8 (Node allows
 * up to 6).  Reads sign-extend the int forms; writes return ASY_ERANGE when
 * the value does not fit in byte_length bytes (as Node throws), and
 * ASY_EINVAL for a byte_length outside 1..8. */
ASYNCRT_API int asy_buf_read_uint_le(const asy_buf_t *b, size_t off, size_t byte_length,
                                     uint64_t *v);
ASYNCRT_API int asy_buf_read_uint_be(const asy_buf_t *b, size_t off, size_t byte_length,
                                     uint64_t *v);
ASYNCRT_API int asy_buf_read_int_le(const asy_buf_t *b, size_t off, size_t byte_length,
                                    int64_t *v);
ASYNCRT_API int asy_buf_read_int_be(const asy_buf_t *b, size_t off, size_t byte_length,
                                    int64_t *v);
ASYNCRT_API int asy_buf_write_uint_le(asy_buf_t *b, size_t off, size_t byte_length, uint64_t v);
ASYNCRT_API int asy_buf_write_uint_be(asy_buf_t *b, size_t off, size_t byte_length, uint64_t v);
ASYNCRT_API int asy_buf_write_int_le(asy_buf_t *b, size_t off, size_t byte_length, int64_t v);
ASYNCRT_API int asy_buf_write_int_be(asy_buf_t *b, size_t off, size_t byte_length, int64_t v);

/* buf.swap16/32/64: reverses the byte order of each unit in place;
 * ASY_EINVAL when len is not a multiple of the unit size. */
ASYNCRT_API int asy_buf_swap16(asy_buf_t *b);
ASYNCRT_API int asy_buf_swap32(asy_buf_t *b);
ASYNCRT_API int asy_buf_swap64(asy_buf_t *b);

#line 1 "asyncrt_impl/buf/bufchain.h"
/* asy_bufchain_t: a byte queue made of buffer views, for stream and socket
 * buffers and parsers.  Appending a buffer and consuming from the front are
 * O(1) and copy nothing: the chain keeps views (references) of the buffers
 * you give it.  Small byte appends are copied into spare room at the end of
 * the last segment when the chain may use it, so many tiny writes do not
 * make many tiny segments.
 *
 * The chain is a caller-owned struct: asy_bufchain_init() it, and
 * asy_bufchain_reset() it to release everything it holds. */

/* One piece of memory for scatter/gather I/O.  On POSIX it has the layout of
 * struct iovec (iov_base, iov_len), so an array of it can be passed to
 * writev/readv with a cast.  (Windows' WSABUF is laid out differently.) */
typedef struct asy_iovec {
    void *base;
    size_t len;
} asy_iovec_t;

typedef struct asy_bufchain {
    asy_buf_t *segs; /* ring of views; the private fields below index it */
    size_t cap;      /* slots in segs (a power of two, or 0) */
    size_t head;     /* slot of the first segment */
    size_t count;    /* segments in use */
    size_t len;      /* bytes in the chain */
} asy_bufchain_t;

ASYNCRT_API void asy_bufchain_init(asy_bufchain_t *c);
/* Releases every segment and the ring; the chain is empty and reusable. */
ASYNCRT_API void asy_bufchain_reset(asy_bufchain_t *c);
/* Bytes queued. */
ASYNCRT_API size_t asy_bufchain_len(const asy_bufchain_t *c);
/* Segments queued. */
ASYNCRT_API size_t asy_bufchain_count(const asy_bufchain_t *c);

/* Appends a new view of b (the caller keeps its own reference). */
ASYNCRT_API int asy_bufchain_append(asy_bufchain_t *c, const asy_buf_t *b);
/* Appends b and takes over its reference: b is left empty on success and
 * untouched on failure. */
ASYNCRT_API int asy_bufchain_append_move(asy_bufchain_t *c, asy_buf_t *b);
/* Appends a copy of n bytes. */
ASYNCRT_API int asy_bufchain_append_bytes(asy_bufchain_t *c, const void *bytes, size_t n);
/* Puts a view of b in front (readable.unshift). */
ASYNCRT_API int asy_bufchain_prepend(asy_bufchain_t *c, const asy_buf_t *b);

/* Drops up to n bytes from the front; returns how many were dropped. */
ASYNCRT_API size_t asy_bufchain_consume(asy_bufchain_t *c, size_t n);
/* Removes the first min(n, len) bytes into *out.  When they lie in one
 * segment, *out shares its memory; otherwise they are copied together. */
ASYNCRT_API int asy_bufchain_take(asy_bufchain_t *c, size_t n, asy_buf_t *out);
/* The whole content as one buffer (Buffer.concat of the segments) without
 * consuming it; shares memory when there is a single segment. */
ASYNCRT_API int asy_bufchain_flatten(const asy_bufchain_t *c, asy_buf_t *out);

/* Copies up to n bytes starting offset bytes in, without consuming them;
 * returns the count copied. */
ASYNCRT_API size_t asy_bufchain_peek(const asy_bufchain_t *c, size_t offset, void *dst,
                                     size_t n);
/* A borrowed view of segment i (0 = front): valid until the chain is next
 * changed; asy_buf_retain() it to keep it.  ASY_ERANGE past the end. */
ASYNCRT_API int asy_bufchain_segment(const asy_bufchain_t *c, size_t i, asy_buf_t *view);
/* Fills up to max_iov entries with the front segments, covering at most
 * max_bytes (the last entry is cut short to fit); returns the count.  The
 * memory stays valid until those bytes are consumed. */
ASYNCRT_API size_t asy_bufchain_gather(const asy_bufchain_t *c, asy_iovec_t *iov,
                                       size_t max_iov, size_t max_bytes);
/* Position of the first occurrence of needle at or after offset, across
 * segment boundaries, or -1. */
ASYNCRT_API ptrdiff_t asy_bufchain_index_of(const asy_bufchain_t *c, const void *needle,
                                            size_t n, size_t offset);

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
    ASY_HANDLE_IPC,
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
ASYNCRT_API int asy_close(asy_handle_t *handle, asy_close_cb close_cb);
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
 * ASY_EINVAL if it was never started or is closing. */
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

/* The loop's part: completions waiting for the pending phase, the shared
 * read buffer of ASY__OPF_LOOPBUF reads, and the corked fds. */
typedef struct {
    asy__queue done_;
    asy_pending_t pending_;
    int pending_armed_;
    char *rbuf_;
    /* fds whose writes wait to go out together (see backend/ops.c) */
    asy__opfd **corked_;
    unsigned ncorked_, corked_cap_;
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
    unsigned live_; /* ASY__LOOP_LIVE between init and close */
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
    /* async wake-up (loop/async.c) */
    asy__io wake_io_;
    int wake_wfd_; /* eventfd on Linux (same as wake_io_.fd), else pipe write end */
    volatile int wake_pending_; /* some async handle is pending, not yet scanned */
    volatile int sleeping_;     /* the poll phase may block: senders must write the fd */
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
#line 1 "asyncrt_impl/stream/stream.h"
/* Streams: Node's Readable, Writable, Duplex, Transform and PassThrough
 * (docs/stream.md).
 *
 * One struct, asy_stream_t, is every kind of stream; the *_init function
 * picks the kind.  Chunks are asy_buf_t views: in byte mode highWaterMark
 * counts bytes, in object mode it counts chunks (an object-mode chunk may
 * be any buffer, an empty one included, or a pointer wrapped by
 * asy_stream_push_obj / asy_stream_write_obj).
 *
 * Two audiences:
 *   - users of a stream set an asy_stream_events struct of callbacks and
 *     call read / write / pause / resume / end / destroy / pipe;
 *   - implementers (a socket, a file, zlib, TLS, your own source or sink)
 *     give an asy_stream_impl vtable, Node's _read / _write / _writev /
 *     _final / _destroy / _construct / _transform / _flush, and report each
 *     completion with the matching asy_stream_*_done call.
 *
 * Event timing follows Node 20: 'data' is synchronous (inside push when
 * flowing with an empty buffer, else inside the flow started on a
 * nextTick); 'end', 'finish', 'close', 'error', 'readable' and write
 * callbacks of synchronous writes come on process.nextTick; 'drain' and
 * write callbacks come synchronously from an asynchronous write completion
 * and on nextTick from a synchronous one.
 *
 * Lifetime: the struct is the caller's.  on_close is the last call the
 * library makes with the stream: free or reuse its memory there (or later).
 * A stream that never closes (autoDestroy off and never destroyed) keeps
 * whatever it buffers: destroy it.  Streams do not keep the loop alive. */

typedef struct asy_stream_s asy_stream_t;

/* Completion of a write, of end(), of finished(): status 0 or ASY_E*. */
typedef void (*asy_stream_cb)(asy_stream_t *s, int status, void *arg);

/* Events, Node's names.  Any member may be NULL.  The chunk given to
 * on_data is borrowed: asy_buf_retain() it to keep it past the call. */
typedef struct asy_stream_events {
    void (*on_data)(asy_stream_t *s, const asy_buf_t *chunk);
    /* Paused mode: data (or the end) is ready for asy_stream_read. */
    void (*on_readable)(asy_stream_t *s);
    void (*on_end)(asy_stream_t *s);
    void (*on_error)(asy_stream_t *s, int err);
    void (*on_drain)(asy_stream_t *s);
    void (*on_finish)(asy_stream_t *s);
    void (*on_close)(asy_stream_t *s);
    void (*on_pause)(asy_stream_t *s);
    void (*on_resume)(asy_stream_t *s);
} asy_stream_events;

/* The implementer's vtable.  Each member that takes a callback in Node
 * completes with a *_done call instead, now or later, exactly once. */
typedef struct asy_stream_impl {
    /* Optional (_construct): runs on the next tick after init; reads,
     * writes and destroy wait for asy_stream_construct_done(s, err). */
    void (*construct)(asy_stream_t *s);
    /* Readable (_read): produce up to about `size` bytes (items) with
     * asy_stream_push*, now or later; asy_stream_push_end at EOF.  Not
     * called again until something was pushed.  NULL: a pure push source. */
    void (*read)(asy_stream_t *s, size_t size);
    /* Writable (_write): consume one chunk, then asy_stream_write_done.
     * The chunk stays valid until then (retain it to keep it longer). */
    void (*write)(asy_stream_t *s, const asy_buf_t *chunk);
    /* Optional (_writev): several buffered chunks at once (after cork, or
     * while a write was in flight); one asy_stream_write_done for all. */
    void (*writev)(asy_stream_t *s, const asy_buf_t *chunks, size_t n);
    /* Optional (_final): after end(), once every write is done and before
     * 'finish'; complete with asy_stream_final_done. */
    void (*final)(asy_stream_t *s);
    /* Optional (_destroy): release resources; complete with
     * asy_stream_destroy_done(s, err) (err may differ from the one given).
     * Chunks handed to write/writev are not touched afterwards. */
    void (*destroy)(asy_stream_t *s, int err);
    /* Transform (_transform): push any output, then
     * asy_stream_transform_done.  The chunk stays valid until then. */
    void (*transform)(asy_stream_t *s, const asy_buf_t *chunk);
    /* Optional (_flush): the input ended; push what is left, then
     * asy_stream_flush_done. */
    void (*flush)(asy_stream_t *s);
} asy_stream_impl;

/* Zero means "default" for every field; NULL options mean all defaults. */
typedef struct asy_stream_opts {
    /* Bytes, or chunks in object mode; 0: Node's default (16 KiB, or 16
     * chunks).  ASY_STREAM_HWM_ZERO is a real 0 ("never read ahead",
     * "every write waits for drain").  For a duplex it sets both sides and
     * wins over the per-side values, as in Node. */
    size_t high_water_mark;
    size_t readable_high_water_mark;
    size_t writable_high_water_mark;
    int object_mode;          /* both sides */
    int readable_object_mode; /* duplex / transform: one side only */
    int writable_object_mode;
    /* autoDestroy: false -- the stream is not destroyed after 'end' and
     * 'finish', so no 'close' until asy_stream_destroy. */
    int no_auto_destroy;
    /* allowHalfOpen: false -- a duplex ends its writable side when its
     * readable side ends. */
    int no_half_open;
} asy_stream_opts;

#define ASY_STREAM_HWM_ZERO ((size_t)-1)
/* asy_stream_read's n for Node's read() without an argument. */
#define ASY_STREAM_READ_ALL ((size_t)-1)

/* Async pull-read (for await ... of stream): status 0 with the next chunk
 * (borrowed, retain to keep), ASY_EOF after the last one, or the error. */
typedef void (*asy_stream_read_cb)(asy_stream_t *s, int status, const asy_buf_t *chunk,
                                   void *arg);

/* Private pieces the struct below holds. */
typedef struct asy__stream_listener asy__stream_listener;
/* A listener the library attaches to a stream (stream.internal.h has its
 * vtable).  Declared here so other layers can embed one in their structs. */
struct asy__stream_listener {
    asy__queue link;
    const struct asy__stream_listener_vt *vt;
};
struct asy__stream_cursor;
struct asy__stream_wreq;
struct asy__stream_cblist;
struct asy__stream_endcb;
struct asy__stream_awinfo;
struct asy__stream_iter;

struct asy_stream_s {
    void *data;      /* for the stream's user */
    void *impl_data; /* for the implementer */
    asy_loop_t *loop;
    /* -- everything below is private -- */
    const asy_stream_impl *impl_;
    const asy_stream_events *events_;
    unsigned sflags_, rflags_, wflags_;
    int err_;         /* the first error (Node's `errored`) */
    int close_err_;   /* the error emitted just before 'close' */
    int construct_err_;
    unsigned ticks_;  /* queued nextTicks / microtasks that use the stream */
    asy__queue listeners_; /* library listeners: pipe, pipeline, finished */
    struct asy__stream_cursor *cursors_;
    /* readable side */
    size_t rhwm_, rlen_;
    asy_bufchain_t rbuf_;           /* byte mode */
    asy_buf_t *ritems_;             /* object mode: ring of chunks */
    size_t rcap_, rhead_, rcount_;
    unsigned data_listeners_, readable_listeners_, pipes_, await_drain_;
    size_t xform_rlen_;             /* transform: rlen_ when _transform began */
    /* writable side */
    size_t whwm_, wlen_, writelen_, pendingcb_;
    unsigned corked_;
    asy_stream_cb writecb_;
    void *writecb_arg_;
    struct asy__stream_cblist *writecbs_; /* a writev's callbacks */
    asy_buf_t wcur_;                      /* the chunk being written */
    asy_buf_t *wv_bufs_;                  /* a writev's chunks */
    size_t wv_n_, wv_cap_;
    struct asy__stream_wreq *wq_;         /* buffered writes (ring) */
    size_t wq_cap_, wq_head_, wq_count_;
    struct asy__stream_awinfo *aw_cur_;   /* afterWriteTickInfo */
    struct asy__stream_awinfo *aw_spare_; /* one kept for reuse */
    asy_stream_cb werr_cb_;               /* a synchronous write error */
    void *werr_arg_;
    struct asy__stream_cblist *werr_list_;
    int werr_status_;
    struct asy__stream_endcb *endcbs_;    /* end(cb) callbacks */
    size_t nendcbs_, endcbs_cap_;
    struct asy__stream_iter *iter_; /* async pull-read */
};

/* ---- creating ------------------------------------------------------------ */

/* Every init leaves the stream ready; it allocates nothing until data is
 * buffered.  impl may be NULL for a readable (push source) and for
 * passthrough; a writable needs write or writev, a transform transform.
 * ASY_EINVAL otherwise. */
ASYNCRT_API int asy_readable_init(asy_loop_t *loop, asy_stream_t *s, const asy_stream_impl *impl,
                                  const asy_stream_opts *opts);
ASYNCRT_API int asy_writable_init(asy_loop_t *loop, asy_stream_t *s, const asy_stream_impl *impl,
                                  const asy_stream_opts *opts);
ASYNCRT_API int asy_duplex_init(asy_loop_t *loop, asy_stream_t *s, const asy_stream_impl *impl,
                                const asy_stream_opts *opts);
ASYNCRT_API int asy_transform_init(asy_loop_t *loop, asy_stream_t *s,
                                   const asy_stream_impl *impl, const asy_stream_opts *opts);
/* A transform that passes every chunk through unchanged. */
ASYNCRT_API int asy_passthrough_init(asy_loop_t *loop, asy_stream_t *s,
                                     const asy_stream_opts *opts);

/* Sets the event callbacks (NULL: none).  The struct is not copied: keep
 * it alive (a static const is typical).  Setting on_data is Node's
 * on('data'): the stream starts flowing on the next tick unless it was
 * paused explicitly.  Setting on_readable is on('readable'): paused mode. */
ASYNCRT_API int asy_stream_set_events(asy_stream_t *s, const asy_stream_events *events);

/* ---- readable: consuming ------------------------------------------------- */

/* read(n): 1 and a chunk in *out (owned: release it) when one is ready, 0
 * when not (then on_readable or on_data follow), <0 on bad arguments.
 * n = ASY_STREAM_READ_ALL reads everything buffered; n = 0 only starts a
 * read.  Object mode ignores n and returns one chunk.  As in Node, a chunk
 * read this way is also given to on_data. */
ASYNCRT_API int asy_stream_read(asy_stream_t *s, size_t n, asy_buf_t *out);
ASYNCRT_API int asy_stream_pause(asy_stream_t *s);
ASYNCRT_API int asy_stream_resume(asy_stream_t *s);
/* 1 when paused (explicitly, or by a pipe's backpressure). */
ASYNCRT_API int asy_stream_is_paused(const asy_stream_t *s);
/* Puts a chunk back in front of the buffer (a view is kept, no copy). */
ASYNCRT_API int asy_stream_unshift(asy_stream_t *s, const asy_buf_t *chunk);
/* The C form of `for await (const chunk of stream)`: cb gets the next
 * chunk, always asynchronously (a microtask); call again from cb for the
 * one after.  At the end cb gets ASY_EOF (or the error) and the stream is
 * destroyed, as the loop's exit does in Node; for a stream that closes,
 * this comes after its on_close -- the library is done with the stream
 * and cb may free it, but must not use it if on_close already freed it.
 * One call may be outstanding (ASY_EBUSY otherwise).  The stream switches
 * to paused mode; to stop early, destroy it. */
ASYNCRT_API int asy_stream_read_async(asy_stream_t *s, asy_stream_read_cb cb, void *arg);

/* ---- readable: producing (implementers, and push sources) --------------- */

/* push(chunk): keeps a view of chunk (no copy).  Returns 1 while below
 * highWaterMark (push more), 0 when the producer should wait for the next
 * read call, ASY_EPUSH_AFTER_EOF after push_end (the stream is then
 * destroyed with that error, as in Node), ASY_ENOMEM.  An empty chunk
 * in byte mode only ends the pending read. */
ASYNCRT_API int asy_stream_push(asy_stream_t *s, const asy_buf_t *chunk);
/* Like push but takes over the caller's reference (chunk is left empty). */
ASYNCRT_API int asy_stream_push_move(asy_stream_t *s, asy_buf_t *chunk);
/* Pushes a copy of n bytes. */
ASYNCRT_API int asy_stream_push_bytes(asy_stream_t *s, const void *bytes, size_t n);
/* Object mode: pushes a pointer as an empty buffer whose data is obj;
 * free_cb(obj, hint) (may be NULL) runs when the last view is released. */
ASYNCRT_API int asy_stream_push_obj(asy_stream_t *s, void *obj, asy_buf_free_cb free_cb,
                                    void *hint);
/* push(null): the end of the data. */
ASYNCRT_API int asy_stream_push_end(asy_stream_t *s);

/* ---- writable -------------------------------------------------------------- */

/* write(chunk, cb): keeps a view of chunk.  1 while the buffered amount is
 * below highWaterMark, 0 when the caller should wait for on_drain.  cb
 * (may be NULL) runs once the chunk is written, with its status.  Errors:
 * ASY_EWRITE_AFTER_END, ASY_ESTREAM_DESTROYED (the stream is then
 * errored, as in Node), ASY_ENOMEM; cb is not called then. */
ASYNCRT_API int asy_stream_write(asy_stream_t *s, const asy_buf_t *chunk, asy_stream_cb cb,
                                 void *arg);
ASYNCRT_API int asy_stream_write_bytes(asy_stream_t *s, const void *bytes, size_t n,
                                       asy_stream_cb cb, void *arg);
ASYNCRT_API int asy_stream_write_obj(asy_stream_t *s, void *obj, asy_buf_free_cb free_cb,
                                     void *hint, asy_stream_cb cb, void *arg);
/* end(cb): no more writes; 'finish' follows once everything is written.
 * cb (may be NULL) runs at finish, or with the error that prevented it. */
ASYNCRT_API int asy_stream_end(asy_stream_t *s, asy_stream_cb cb, void *arg);
/* cork / uncork: writes are buffered until the last uncork, then handed
 * to writev together (one write each without writev). */
ASYNCRT_API int asy_stream_cork(asy_stream_t *s);
ASYNCRT_API int asy_stream_uncork(asy_stream_t *s);

/* ---- both ------------------------------------------------------------------ */

/* destroy(err): stops everything; on_error(err) (when err != 0) then
 * on_close follow on the next tick, each exactly once.  Buffered writes
 * complete with the error (ASY_ESTREAM_DESTROYED when err is 0). */
ASYNCRT_API int asy_stream_destroy(asy_stream_t *s, int err);

/* ---- implementer completions ------------------------------------------------ */

ASYNCRT_API int asy_stream_construct_done(asy_stream_t *s, int err);
/* ASY_EMULTIPLE_CALLBACK (and the stream is errored) when no write was
 * waiting for it. */
ASYNCRT_API int asy_stream_write_done(asy_stream_t *s, int status);
ASYNCRT_API int asy_stream_final_done(asy_stream_t *s, int status);
ASYNCRT_API int asy_stream_destroy_done(asy_stream_t *s, int err);
ASYNCRT_API int asy_stream_transform_done(asy_stream_t *s, int status);
ASYNCRT_API int asy_stream_flush_done(asy_stream_t *s, int status);

/* ---- state (Node's properties) ---------------------------------------------- */

ASYNCRT_API int asy_stream_is_readable(const asy_stream_t *s);   /* .readable */
ASYNCRT_API int asy_stream_is_writable(const asy_stream_t *s);   /* .writable */
ASYNCRT_API int asy_stream_readable_ended(const asy_stream_t *s); /* 'end' emitted */
/* EOF was pushed (Node's _readableState.ended); 'end' waits until the
 * buffered data has been read. */
ASYNCRT_API int asy_stream_readable_eof(const asy_stream_t *s);
/* .readableFlowing: -1 (null: no consumer yet), 0 (paused), 1 (flowing) */
ASYNCRT_API int asy_stream_readable_flowing(const asy_stream_t *s);
ASYNCRT_API size_t asy_stream_readable_length(const asy_stream_t *s);
ASYNCRT_API size_t asy_stream_readable_hwm(const asy_stream_t *s);
ASYNCRT_API int asy_stream_writable_ended(const asy_stream_t *s);    /* end() called */
ASYNCRT_API int asy_stream_writable_finished(const asy_stream_t *s); /* 'finish' emitted */
ASYNCRT_API int asy_stream_writable_need_drain(const asy_stream_t *s);
ASYNCRT_API size_t asy_stream_writable_length(const asy_stream_t *s);
ASYNCRT_API size_t asy_stream_writable_hwm(const asy_stream_t *s);
ASYNCRT_API unsigned asy_stream_writable_corked(const asy_stream_t *s);
ASYNCRT_API int asy_stream_is_destroyed(const asy_stream_t *s);
ASYNCRT_API int asy_stream_is_closed(const asy_stream_t *s);
/* The stream's error (Node's .errored), 0 if none. */
ASYNCRT_API int asy_stream_errored(const asy_stream_t *s);

#line 1 "asyncrt_impl/stream/pipeline.h"
/* Connecting streams: pipeline(), finished() and the old pipe().
 *
 * pipeline is the one to use: backpressure from end to end, the first
 * error destroys every stream, and the callback runs exactly once, after
 * every stream is done.  pipe() moves data with backpressure but, as in
 * Node, neither forwards errors nor destroys anything: an error in one
 * stream leaves the others open (the seed's warning). */

typedef void (*asy_pipeline_cb)(int status, void *arg);

/* pipeline(streams[0], ..., streams[n-1], cb): streams[0] must be
 * readable, streams[n-1] writable, the ones between both.  cb(status, arg)
 * runs once, on a nextTick, when the last stream finished (status 0) or
 * after an error destroyed them all (status: the first error;
 * ASY_EPREMATURE_CLOSE when a stream was destroyed without one).  The
 * array is copied; the streams must stay valid until their on_close.
 * ASY_EINVAL (n < 2, a NULL, a side missing), ASY_ENOMEM; cb not called. */
ASYNCRT_API int asy_pipeline(asy_stream_t *const *streams, size_t n, asy_pipeline_cb cb,
                             void *arg);

/* finished(stream, cb): cb(s, status, arg) once the stream is done -- its
 * readable side ended and its writable side finished, and it closed if it
 * will -- with 0, the stream's error, or ASY_EPREMATURE_CLOSE when it
 * closed first.  cb runs before the stream's own on_close. */
ASYNCRT_API int asy_stream_finished(asy_stream_t *s, asy_stream_cb cb, void *arg);

typedef struct asy_pipe_opts {
    int no_end; /* { end: false }: do not end dst when src ends */
} asy_pipe_opts;

/* src.pipe(dst): every chunk of src is written to dst; when dst.write
 * returns 0 src pauses until dst drains; dst ends with src unless
 * opts->no_end.  One src may feed several destinations.  Errors are not
 * forwarded (use asy_pipeline). */
ASYNCRT_API int asy_stream_pipe(asy_stream_t *src, asy_stream_t *dst, const asy_pipe_opts *opts);
/* src.unpipe(dst); dst NULL unpipes every destination.  ASY_ENOENT when
 * dst is not piped from src. */
ASYNCRT_API int asy_stream_unpipe(asy_stream_t *src, asy_stream_t *dst);

/* node:stream/promises: `await pipeline(...)`, `await finished(stream)`.
 * The promise (yours: release it) fulfils with NULL, or rejects with the
 * status the callback forms would report.  NULL on bad arguments or
 * ENOMEM. */
ASYNCRT_API asy_promise_t *asy_pipeline_promise(asy_stream_t *const *streams, size_t n);
ASYNCRT_API asy_promise_t *asy_stream_finished_promise(asy_stream_t *s);

#line 1 "asyncrt_impl/stream/lines.h"
/* A line splitter (Node's readline over a stream, as a Transform): bytes
 * in, one object-mode chunk per line out, without its line ending.  Lines
 * may be split across input chunks anywhere; "\n" and "\r\n" both end a
 * line (a lone "\r" inside a line is kept); a last line without a newline
 * is still emitted, and "a\n" gives one line, not a trailing empty one.
 *
 * A line that lies inside one input chunk is a view into it (no copy);
 * one that spans chunks is copied together once. */

typedef struct asy_line_splitter_opts {
    /* Lines buffered on the readable side before the input waits: 0 = 16. */
    size_t high_water_mark;
    /* Longest line accepted, in bytes without its ending; a longer one
     * destroys the stream with ASY_ENOBUFS.  0 = no limit. */
    size_t max_line;
} asy_line_splitter_opts;

typedef struct asy_line_splitter_s {
    asy_stream_t stream; /* pass &ls.stream to pipe / pipeline / read */
    /* -- private -- */
    asy_bufchain_t partial_; /* the unfinished line */
    size_t max_line_;
} asy_line_splitter_t;

ASYNCRT_API int asy_line_splitter_init(asy_loop_t *loop, asy_line_splitter_t *ls,
                                       const asy_line_splitter_opts *opts);

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

#line 1 "asyncrt_impl/net/socket.h"
/* Node's net.Socket and net.Server: a connection as a Duplex stream.
 *
 *   asy_socket_t is an asy_stream_t (the `stream` member, first, so a
 *   pointer to the socket is a pointer to its stream) over a TCP socket,
 *   a Unix-domain socket, a pipe fd or a TTY.  Read it and write it with
 *   the asy_stream_* functions (on_data / pause / resume / write / end /
 *   pipe / pipeline...); asy_stream_end shuts the write side down once the
 *   queued writes are out (a FIN), and with allow_half_open unset -- the
 *   default, as in Node -- the socket also ends its writable side when the
 *   peer ends its own.  asy_stream_destroy closes the connection; its
 *   on_close is the last callback, after which the memory is the caller's.
 *
 *   asy_server_t listens; its connection callback calls asy_server_accept
 *   with a socket the caller initialised (asy_socket_init).
 *
 * The handle underneath (h.tcp, h.pipe, h.tty) stays usable for options:
 * asy_tcp_nodelay(&sock->h.tcp, 1), asy_tcp_getpeername(...).  Errors of
 * the connection (ASY_ECONNRESET, ASY_EPIPE...) destroy the stream with
 * that error, as in Node. */
typedef struct asy_socket_s asy_socket_t;
typedef struct asy_server_s asy_server_t;
typedef void (*asy_socket_connect_cb)(asy_socket_t *sock, int status);
typedef void (*asy_server_connection_cb)(asy_server_t *server, int status);

typedef struct {
    /* allowHalfOpen: keep the writable side open after the peer's end. */
    int allow_half_open;
    /* both sides; 0: 16 KiB */
    size_t high_water_mark;
    /* TCP only: setNoDelay, setKeepAlive (initial delay in seconds) */
    int no_delay;
    int keep_alive;
    unsigned keep_alive_delay_s;
    /* connect: fail with ASY_ETIMEDOUT after this many ms (0: no limit) */
    uint64_t connect_timeout_ms;
} asy_socket_opts;

struct asy_socket_s {
    asy_stream_t stream;
    union {
        asy_sock_t sock;
        asy_tcp_t tcp;
        asy_pipe_t pipe;
        asy_tty_t tty;
    } h;
    /* private */
    asy_socket_opts opts_;
    asy_write_t wreq_;
    asy_shutdown_t sreq_;
    asy_connect_t creq_;
    asy_socket_connect_cb connect_cb_;
    asy_iov_t *wv_;
    size_t wv_cap_;
    unsigned state_;
    int destroy_err_;
    uint64_t bytes_read_, bytes_written_;
};

struct asy_server_s {
    union {
        asy_sock_t sock;
        asy_tcp_t tcp;
        asy_pipe_t pipe;
    } h;
    void *data;
    asy_server_connection_cb cb_;
};

/* Prepares the stream (NULL opts: defaults); then connect, accept or open
 * it -- in the same tick, as net.connect() does: the stream reads and
 * writes the handle those create. */
ASYNCRT_API int asy_socket_init(asy_loop_t *loop, asy_socket_t *sock, const asy_socket_opts *opts);
/* TCP to an IP address (DNS is not here).  cb (may be NULL) is Node's
 * 'connect': status 0, or the error -- the stream is then destroyed with
 * it, so on_error and on_close follow.  Writes made before the connection
 * is up wait for it. */
ASYNCRT_API int asy_socket_connect(asy_socket_t *sock, const char *ip, int port,
                                   asy_socket_connect_cb cb);
/* A Unix-domain socket at path. */
ASYNCRT_API int asy_socket_connect_path(asy_socket_t *sock, const char *path,
                                        asy_socket_connect_cb cb);
/* An fd the process already has: stdio, a pipe end, a socket, a TTY
 * (asy_guess_handle decides).  ASY_EINVAL for a regular file. */
ASYNCRT_API int asy_socket_open(asy_socket_t *sock, int fd);
/* socket.resetAndDestroy(): TCP only; the peer reads ASY_ECONNRESET. */
ASYNCRT_API int asy_socket_reset_and_destroy(asy_socket_t *sock);
ASYNCRT_API uint64_t asy_socket_bytes_read(const asy_socket_t *sock);
ASYNCRT_API uint64_t asy_socket_bytes_written(const asy_socket_t *sock);

/* host: an IP address, NULL for every interface ("::", or "0.0.0.0" where
 * IPv6 is missing); port 0 picks a free one (asy_server_address).  flags:
 * ASY_TCP_IPV6ONLY, ASY_TCP_REUSEPORT. */
ASYNCRT_API int asy_server_listen(asy_loop_t *loop, asy_server_t *server, const char *host,
                                  int port, int backlog, unsigned flags,
                                  asy_server_connection_cb cb);
ASYNCRT_API int asy_server_listen_path(asy_loop_t *loop, asy_server_t *server, const char *path,
                                       int backlog, asy_server_connection_cb cb);
/* Takes the waiting connection into sock (initialised, not connected). */
ASYNCRT_API int asy_server_accept(asy_server_t *server, asy_socket_t *sock);
ASYNCRT_API int asy_server_address(const asy_server_t *server, asy_addr_t *addr);
/* Stops listening; close_cb gets the server's handle (&server->h). */
ASYNCRT_API void asy_server_close(asy_server_t *server, asy_close_cb close_cb);

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
 * *Sync functions (readFileSync and the rest).
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
/* Same as asy_free. */
ASYNCRT_API void asy_fs_free(void *p);
/* Takes req->buf as a Node-style Buffer without copying (readFile's
 * result): the data is freed when the last view of *out is released.
 * ASY_EINVAL when the request holds no data; ASY_ENOMEM leaves it in req. */
ASYNCRT_API int asy_fs_take_buffer(asy_fs_t *req, asy_buf_t *out);
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

/* Node's *Sync functions: the same calls without a loop or callback.  They return
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

#line 1 "asyncrt_impl/fs/fstream.h"
/* File streams (Node's fs.createReadStream / fs.createWriteStream): a
 * Readable or Writable of the stream layer whose _read / _write / _writev
 * are async fs reads and writes on the loop's thread pool.
 *
 *   asy_fs_stream_t in, out;
 *   asy_fs_create_read_stream(loop, &in, "input.txt", NULL);
 *   asy_fs_create_write_stream(loop, &out, "copy.txt", NULL);
 *   asy_stream_t *streams[] = { &in.stream, &out.stream };
 *   asy_pipeline(streams, 2, on_done, NULL);
 *
 * `fs.stream` is the stream: pass it to every asy_stream_* call and to
 * pipeline; asy_fs_stream_of() finds the file stream again from it (in an
 * event callback).  The struct is the caller's; the stream's on_close is
 * the last call the library makes with it (docs/stream.md).
 *
 * Node's behaviour, step by step: the file is opened on the tick after
 * creation (_construct), then on_open runs (Node's 'open' and 'ready');
 * each _read reads min(highWaterMark, what is left up to `end`) bytes
 * straight into a fresh asy_buf_t (positional reads when `start` is given)
 * and pushes it; a read of 0 bytes is the end.  Writes go through one
 * write (or writev for buffered chunks) each, repeated until every byte is
 * written.  destroy (automatic after 'end' / 'finish' unless
 * no_auto_close) waits for the I/O in flight, then closes the fd once;
 * 'close' follows.  An error (open, read, write, close) is emitted with its
 * ASY_E* code; asy_fs_stream_error() gives Node's message for it
 * ("ENOENT: no such file or directory, open 'x'"). */

typedef struct asy_fs_stream_s asy_fs_stream_t;

/* The longest path a file stream keeps, with its NUL (Linux's PATH_MAX):
 * the stream holds a copy of its path for its whole life, so Node's .path
 * and error messages work even after 'close'. */
#define ASY_FS_STREAM_PATH_MAX 4096

/* Node's 'open' (fd) and 'ready', which Node emits together; runs just
 * after the open succeeded, before any read or write. */
typedef void (*asy_fs_stream_open_cb)(asy_fs_stream_t *fs, int fd);

/* createReadStream options; zero is Node's default for every field, NULL
 * options are all defaults. */
typedef struct asy_fs_read_stream_opts {
    const char *flags; /* Node's open flags (asy_fs_open_flags); NULL: "r" */
    int mode;          /* 0: 0666 */
    /* Read an fd that is already open instead of opening path (Node's
     * `fd`); it is closed at the end unless no_auto_close. */
    int use_fd;
    int fd;
    /* First byte to read (positional reads from there); without it reads
     * start at the file position. */
    int has_start;
    int64_t start;
    /* Last byte to read, inclusive as in Node (end 0 reads one byte). */
    int has_end;
    int64_t end;
    size_t high_water_mark; /* bytes per read; 0: 64 KiB, as Node */
    /* autoClose: false -- the fd stays open after 'end' (no 'close' until
     * asy_stream_destroy). */
    int no_auto_close;
    asy_fs_stream_open_cb on_open; /* may be NULL */
} asy_fs_read_stream_opts;

/* createWriteStream options; zero means Node's default. */
typedef struct asy_fs_write_stream_opts {
    const char *flags; /* NULL: "w"; "a" appends, "wx" fails with EEXIST, "r+" patches */
    int mode;          /* 0: 0666 */
    int use_fd;
    int fd;
    int has_start; /* write from byte `start` on (positional writes) */
    int64_t start;
    size_t high_water_mark; /* 0: 16 KiB, as Node's Writable */
    int no_auto_close;      /* autoClose: false -- fd stays open after 'finish' */
    int flush;              /* fsync the file before closing it (Node's `flush`) */
    asy_fs_stream_open_cb on_open;
} asy_fs_write_stream_opts;

struct asy_fs_stream_s {
    asy_stream_t stream; /* the Readable or Writable */
    /* -- everything below is private -- */
    asy_fs_t req_; /* one operation at a time: open, read/write, fsync, close */
    asy_fs_stream_open_cb on_open_;
    unsigned fflags_;
    int fd_, oflags_, mode_;
    int64_t pos_, end_; /* the next position (with start), the last byte (with end) */
    uint64_t bytes_;    /* bytesRead or bytesWritten */
    int destroy_err_;
    int fail_;                 /* the failed fs operation, for asy_fs_stream_error */
    const char *fail_syscall_;
    int fail_path_;
    asy_buf_t rbuf_;     /* the read in flight */
    asy_iovec_t *iov_;   /* the write in flight: what is left of it */
    unsigned niov_;
    int retries_;
    int64_t wpos_;
    size_t wleft_;
    asy_iovec_t iovsml_[8];
    char path_[ASY_FS_STREAM_PATH_MAX];
};

/* fs.createReadStream(path, opts).  path is copied; with use_fd it is
 * ignored (may be NULL), as in Node.  ASY_EINVAL (no path and no fd, unknown flags), ASY_ERANGE
 * (negative start or end, start > end), ASY_ENAMETOOLONG (a path of
 * ASY_FS_STREAM_PATH_MAX bytes or more, which open() would refuse too);
 * nothing is started then. */
ASYNCRT_API int asy_fs_create_read_stream(asy_loop_t *loop, asy_fs_stream_t *fs,
                                          const char *path, const asy_fs_read_stream_opts *opts);
/* fs.createWriteStream(path, opts); the same rules. */
ASYNCRT_API int asy_fs_create_write_stream(asy_loop_t *loop, asy_fs_stream_t *fs,
                                           const char *path, const asy_fs_write_stream_opts *opts);
/* The file stream whose `stream` member s is; NULL for any other stream. */
ASYNCRT_API asy_fs_stream_t *asy_fs_stream_of(asy_stream_t *s);

/* Node's getters. */
ASYNCRT_API uint64_t asy_fs_stream_bytes_read(const asy_fs_stream_t *fs);    /* .bytesRead */
ASYNCRT_API uint64_t asy_fs_stream_bytes_written(const asy_fs_stream_t *fs); /* .bytesWritten */
ASYNCRT_API const char *asy_fs_stream_path(const asy_fs_stream_t *fs);       /* .path */
/* .pending: 1 while the stream has no fd -- before the open completed,
 * and (as in Node, whose fd becomes null) once it was closed. */
ASYNCRT_API int asy_fs_stream_pending(const asy_fs_stream_t *fs);
/* .fd: the file descriptor, -1 when none. */
ASYNCRT_API int asy_fs_stream_fd(const asy_fs_stream_t *fs);
/* Node's message for the file-system call that failed on this stream
 * ("EISDIR: illegal operation on a directory, read"); "" when none did
 * (the stream may still have failed for another reason: a pipeline's
 * other stream, a destroy(err)). */
ASYNCRT_API const char *asy_fs_stream_error(const asy_fs_stream_t *fs, char *buf, size_t len);

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
 * (never NULL) with strings in one allocation kept in `storage` (or
 * constant ones, "" and the root); release it with
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

#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/process/process.h"
/* Child processes (Node's child_process.spawn; uv_spawn).
 *
 *   asy_process_t child;
 *   const char *args[] = {"git", "log", "--oneline", NULL};
 *   asy_spawn(loop, &child, "git", args, NULL, on_exit);
 *   asy_process_read_start(&child, 1, on_stdout);
 *
 * The process handle is caller-owned and stays valid until its close
 * callback (asy_close).  A child is started with vfork (fork when uid/gid
 * change) and its exec error travels back through a close-on-exec pipe, so
 * a missing program is reported as ASY_ENOENT -- always through the exit
 * callback, never as a crash.  Exits are found through SIGCHLD: each loop
 * reaps only its own pids (waitpid(pid, WNOHANG)), so several loops and
 * other code that spawns children can share the process. */
typedef struct asy_process_s asy_process_t;
typedef struct asy_ipc_s asy_ipc_t;

/* What the child gets on one fd.  Zero (PIPE) is the default, as in Node. */
typedef enum {
    ASY_STDIO_PIPE = 0, /* a pipe to the parent (read/write it with asy_process_*) */
    ASY_STDIO_INHERIT,  /* the parent's own fd of the same number */
    ASY_STDIO_IGNORE,   /* /dev/null */
    ASY_STDIO_FD        /* `fd` (the caller's, left open in the parent) */
} asy_stdio_kind;

typedef struct {
    asy_stdio_kind kind;
    int fd; /* for ASY_STDIO_FD */
    /* ASY_STDIO_PIPE only, optional: a pipe handle you initialised
     * (asy_pipe_init) that receives the parent's end, so the child's fd is
     * a stream of the net layer (asy_sock_read_start / asy_sock_write /
     * asy_sock_shutdown; close it with asy_close).  NULL: the pipe is read
     * and written with the asy_process_* calls below. */
    asy_pipe_t *pipe;
    /* ASY_STDIO_PIPE only, optional: a stream struct of yours that
     * asy_spawn initialises as the child's end in Node's shape: fd 0 a
     * Writable (child.stdin), fds 1 and 2 Readables (child.stdout,
     * child.stderr), extra fds Duplexes.  Set its events after asy_spawn;
     * the struct must live until its on_close.  If the child does not
     * start, the stream is destroyed (on_close only).  Closing the process
     * handle destroys the streams still open. */
    asy_stream_t *stream;
} asy_stdio_opt;

#define ASY_PROCESS_MAX_STDIO 16

/* status: 0, or a negative code when the child could not be started
 * (ASY_ENOENT, ASY_EACCES, ASY_EMFILE...; exit_code is then -1).
 * exit_code: 0..255 after a normal exit, -1 when a signal ended it;
 * term_signal: the signal that ended it, or 0. */
typedef void (*asy_exit_cb)(asy_process_t *p, int status, int exit_code, int term_signal);

typedef struct {
    const char *cwd; /* NULL: the parent's */
    /* "KEY=VALUE" strings, NULL-terminated.  NULL: inherit the parent's
     * environment.  Otherwise it replaces it, or with env_extend set it is
     * laid over the parent's (same keys replaced).  PATH lookup of a file
     * without '/' uses the child's PATH. */
    const char *const *env;
    int env_extend;
    /* stdio[i] is the child's fd i; stdio_count 0 means 3 (stdin, stdout,
     * stderr), all pipes unless set. */
    asy_stdio_opt stdio[ASY_PROCESS_MAX_STDIO];
    int stdio_count;
    int detached;    /* setsid(): own session and process group */
    int set_uid, set_gid;
    unsigned uid, gid;
    int kill_signal; /* what asy_process_kill(p, 0) sends; 0: SIGTERM */
    /* Non-NULL: open an IPC channel (see ipc.h) on this caller-owned
     * handle.  The child finds its end through ASYNCRT_CHANNEL_FD. */
    asy_ipc_t *ipc;
    /* Node's 'close' event: after the exit *and* EOF on every pipe whose
     * reading was started (pipes never read do not hold it back). */
    asy_exit_cb on_close;
    /* Called when a write queue that made asy_process_write return 0 has
     * emptied (status 0), or when a queued write failed (status < 0). */
    void (*on_drain)(asy_process_t *p, int fd, int status);
    /* Bytes queued on a pipe before asy_process_write returns 0; 0: 64 KiB. */
    size_t high_water_mark;
} asy_process_opts;

/* Parent's end of one stdio pipe (private). */
struct asy__child_pipe {
    asy__io io;
    asy_process_t *owner;
    int index;         /* the child's fd number */
    int readable;      /* the child writes, we read */
    int writable;      /* the child reads, we write */
    int started, reading, eof, ending, want_drain, err;
    asy_stream_t *stream; /* the Node-style stream over this pipe, if any */
    int stream_wpending, stream_final_pending;
    /* A readable stream's 'close' holds back the process's on_close, as in
     * Node: watched is the stream until it has emitted 'close'. */
    asy_stream_t *watched;
    asy__stream_listener close_listener;
    void (*read_cb)(asy_process_t *p, int fd, const char *data, long nread);
    char *wbuf;
    size_t wlen, woff, wcap;
};

struct asy_process_s {
    ASY_HANDLE_FIELDS
    int pid; /* 0 until started, and after a spawn error */
    /* -- private -- */
    asy_exit_cb exit_cb_;
    asy_exit_cb close_ev_cb_;
    void (*drain_cb_)(asy_process_t *p, int fd, int status);
    int kill_signal_;
    int status_, exit_code_, term_signal_;
    int exited_, exit_reported_, close_reported_;
    size_t hwm_;
    struct asy__child_pipe *pipes_;
    int npipes_;
    asy__queue live_link_; /* loop's list of unreaped children */
    asy_pending_t error_req_;
};

/* Starts `file` with argv `args` (NULL-terminated; args[0] is the child's
 * argv[0]; NULL args means {file, NULL}).  opts may be NULL.  Returns 0
 * once the handle is set up; whether the child really started is told by
 * exit_cb (status < 0: it did not).  Returns ASY_EINVAL at once for bad
 * arguments, and then the handle is untouched. */
ASYNCRT_API int asy_spawn_at(asy_loop_t *loop, asy_process_t *p, const char *file,
                             const char *const *args, const asy_process_opts *opts,
                             asy_exit_cb exit_cb, const char *src_file, int src_line);
#define asy_spawn(loop, p, file, args, opts, cb) \
    asy_spawn_at((loop), (p), (file), (args), (opts), (cb), ASY_HERE)
/* Sends signum (0: the spawn's kill_signal, default SIGTERM).  ASY_ESRCH
 * once the child has been reaped. */
ASYNCRT_API int asy_process_kill(asy_process_t *p, int signum);
ASYNCRT_API int asy_process_pid(const asy_process_t *p);
/* kill(2) with an ASY_E* result. */
ASYNCRT_API int asy_kill(int pid, int signum);

/* ---- the child's stdio pipes ------------------------------------------
 * These read and write the parent's end of ASY_STDIO_PIPE fds.  Data
 * passed to read_cb lives only during the call; nread is a byte count, or
 * ASY_EOF once (then the pipe is closed), or another negative code. */
typedef void (*asy_process_read_cb)(asy_process_t *p, int fd, const char *data, long nread);
ASYNCRT_API int asy_process_read_start(asy_process_t *p, int fd, asy_process_read_cb cb);
ASYNCRT_API int asy_process_read_stop(asy_process_t *p, int fd);
/* Queues a copy of data for the child's fd.  Returns 1 while less than
 * high_water_mark bytes wait, 0 when the caller should wait for on_drain
 * (the data is queued either way), ASY_EPIPE once the pipe is closed. */
ASYNCRT_API int asy_process_write(asy_process_t *p, int fd, const void *data, size_t len);
/* Closes the pipe once its queue is written: the child sees EOF. */
ASYNCRT_API int asy_process_end(asy_process_t *p, int fd);
/* The parent's end of a pipe, or -1 (for use with other libraries). */
ASYNCRT_API int asy_process_stdio_fd(const asy_process_t *p, int fd);

#line 1 "asyncrt_impl/process/ipc.h"
/* IPC channel between a parent and a child it started (Node's
 * process.send / 'message' / disconnect), over a Unix socketpair.
 *
 * Messages are length-prefixed frames of bytes that may carry file
 * descriptors (SCM_RIGHTS).  The parent opens a channel with
 * asy_process_opts.ipc (or asy_fork); the child finds its end in the
 * ASYNCRT_CHANNEL_FD environment variable and opens it with
 * asy_ipc_open_child.
 *
 * Frame: 8-byte header, then the payload.
 *   bytes 0-3  payload length, little-endian
 *   byte  4    number of fds sent with the frame (0..ASY_IPC_MAX_FDS)
 *   byte  5    0xA5 (format marker)
 *   bytes 6-7  zero
 * The fds travel with the frame's first byte. */
#define ASY_IPC_HEADER_SIZE 8
#define ASY_IPC_MAX_FDS 16
/* Default largest payload a receiver accepts (asy_ipc_set_max_message). */
#define ASY_IPC_DEFAULT_MAX_MESSAGE (64u * 1024u * 1024u)
#define ASY_IPC_ENV "ASYNCRT_CHANNEL_FD"

typedef struct {
    size_t frame_len;   /* header + payload */
    size_t payload_len;
    unsigned nfds;
} asy_ipc_frame_info;

/* Decodes the frame at the start of buf: 1 with *info filled when a whole
 * frame is there, 0 when more bytes are needed, ASY_EPROTO for a malformed
 * header, ASY_EMSGSIZE for a payload above max_payload.  Pure function. */
ASYNCRT_API int asy_ipc_frame_decode(const void *buf, size_t len, size_t max_payload,
                                     asy_ipc_frame_info *info);
/* Writes the 8-byte header for a payload; ASY_EMSGSIZE / ASY_EINVAL for a
 * length or fd count the format cannot carry. */
ASYNCRT_API int asy_ipc_frame_header(void *hdr, size_t payload_len, unsigned nfds);

/* A message: data lives during the call.  fds[0..nfds) are received
 * descriptors (close-on-exec) owned by the callback: set an entry to -1 to
 * keep it; entries left >= 0 are closed after the callback returns. */
typedef void (*asy_ipc_message_cb)(asy_ipc_t *ch, const void *data, size_t len, int *fds,
                                   int nfds);
/* The channel is gone: status 0 when either side disconnected in order,
 * else the error (ASY_ECONNRESET, ASY_EPROTO...).  Called once. */
typedef void (*asy_ipc_disconnect_cb)(asy_ipc_t *ch, int status);
typedef void (*asy_ipc_drain_cb)(asy_ipc_t *ch);

/* private: fds to send with the queued frame starting at `off` */
struct asy__ipc_attach {
    size_t off;
    int nfds;
    int fds[ASY_IPC_MAX_FDS];
};

struct asy_ipc_s {
    ASY_HANDLE_FIELDS
    /* -- private -- */
    asy__io io_;
    asy_ipc_message_cb on_message_;
    asy_ipc_disconnect_cb on_disconnect_;
    asy_ipc_drain_cb on_drain_;
    unsigned char *rbuf_;
    size_t rlen_, rcap_, max_msg_;
    int *rfds_;
    int nrfds_, rfdcap_;
    unsigned char *wbuf_;
    size_t wlen_, woff_, wcap_, hwm_;
    struct asy__ipc_attach *att_;
    int natt_, attcap_;
    int connected_, reading_, want_drain_, flush_queued_, disconnecting_;
    int report_queued_, reported_, disc_status_, decode_queued_, in_read_;
};

/* Adopts a connected AF_UNIX stream socket (made non-blocking and
 * close-on-exec).  The handle then owns fd. */
ASYNCRT_API int asy_ipc_open_at(asy_loop_t *loop, asy_ipc_t *ch, int fd, const char *file,
                                int line);
#define asy_ipc_open(loop, ch, fd) asy_ipc_open_at((loop), (ch), (fd), ASY_HERE)
/* Child side: opens the channel named by ASYNCRT_CHANNEL_FD and removes the
 * variable (so the child's own children do not inherit it).  ASY_ENOENT
 * when the process was not started with a channel. */
ASYNCRT_API int asy_ipc_open_child_at(asy_loop_t *loop, asy_ipc_t *ch, const char *file,
                                      int line);
#define asy_ipc_open_child(loop, ch) asy_ipc_open_child_at((loop), (ch), ASY_HERE)
/* Starts delivering messages.  While connected and started the channel
 * keeps the loop alive (asy_unref it to not). */
ASYNCRT_API int asy_ipc_start(asy_ipc_t *ch, asy_ipc_message_cb on_message,
                              asy_ipc_disconnect_cb on_disconnect);
ASYNCRT_API int asy_ipc_stop(asy_ipc_t *ch);
/* Queues one message (a copy; fds are duplicated, the caller keeps its
 * own).  Messages sent during one callback leave in one write after it.
 * Returns 1 while less than the high-water mark is queued, 0 when the
 * caller should wait for the drain callback (queued anyway), ASY_ENOTCONN
 * after a disconnect, ASY_EMSGSIZE / ASY_EINVAL for what a frame cannot
 * carry. */
ASYNCRT_API int asy_ipc_send(asy_ipc_t *ch, const void *data, size_t len, const int *fds,
                             int nfds);
ASYNCRT_API void asy_ipc_on_drain(asy_ipc_t *ch, asy_ipc_drain_cb cb, size_t high_water_mark);
/* Largest payload accepted from the peer (a bigger frame disconnects the
 * channel with ASY_EMSGSIZE); 0 restores the default. */
ASYNCRT_API void asy_ipc_set_max_message(asy_ipc_t *ch, size_t max);
/* Closes the channel once queued messages are written; both sides get
 * their disconnect callback.  The handle still needs asy_close. */
ASYNCRT_API int asy_ipc_disconnect(asy_ipc_t *ch);
ASYNCRT_API int asy_ipc_connected(const asy_ipc_t *ch);

#line 1 "asyncrt_impl/process/exec.h"
/* execFile, exec and fork (Node's child_process conveniences).
 *
 * asy_exec_file runs a program directly (no shell) and hands back its
 * whole stdout and stderr; asy_exec runs a command line through
 * `/bin/sh -c`.
 *
 * SECURITY: asy_exec passes the command to a shell, so shell syntax in it
 * is obeyed: never build the command from untrusted input ("ls " + name
 * with name = "x; rm -rf ~" runs both).  asy_exec_file passes each
 * argument to the program as is and is the safe choice. */
typedef struct {
    /* cwd, env, detached, uid/gid of the child; stdio is managed here
     * (stdin /dev/null unless stdio[0] is set, stdout and stderr piped) */
    asy_process_opts process;
    /* Largest stdout or stderr kept; more kills the child (kill_signal)
     * and ends with ASY_ENOBUFS.  0: 1 MiB (Node's default). */
    size_t max_buffer;
    uint64_t timeout_ms; /* > 0: kill the child (kill_signal) after this */
    int kill_signal;     /* 0: SIGTERM */
    /* How stdout/stderr are handed back.  NULL or "buffer": the bytes as
     * they came.  A Node encoding name ("utf8", "hex", "base64", "latin1",
     * "ascii", "utf16le"...): the text buf.toString(encoding) gives, as
     * UTF-8 (utf8 turns invalid sequences into U+FFFD, as Node does).
     * Either way NUL-terminated.  An unknown name is ASY_EINVAL. */
    const char *encoding;
    const char *shell; /* asy_exec only; NULL: /bin/sh */
} asy_exec_opts;

typedef struct {
    /* 0 when the child ran and exited with 0; otherwise the first of:
     * a spawn error (ASY_ENOENT...), ASY_ENOBUFS (maxBuffer exceeded; see
     * message), ASY_ETIMEDOUT (timeout), ASY_ECHILD (the child failed:
     * non-zero exit_code or a term_signal) */
    int status;
    int exit_code;   /* -1 when a signal ended it or it did not start */
    int term_signal; /* 0 or the signal that ended it */
    int killed;      /* we killed it (timeout or maxBuffer) */
    const char *message; /* human-readable summary of status ("" when 0) */
    /* Output: valid during the callback only, NUL-terminated. */
    const char *out;
    size_t out_len;
    const char *err;
    size_t err_len;
    int pid;
} asy_exec_result;

typedef void (*asy_exec_cb)(const asy_exec_result *res, void *arg);

/* args as for asy_spawn (args[0] is argv[0]; NULL means {file}).  Returns 0
 * and then cb runs exactly once (even when the program is missing), or
 * ASY_EINVAL / ASY_ENOMEM and cb never runs. */
ASYNCRT_API int asy_exec_file(asy_loop_t *loop, const char *file, const char *const *args,
                              const asy_exec_opts *opts, asy_exec_cb cb, void *arg);
/* `shell -c command`; see the security note above. */
ASYNCRT_API int asy_exec(asy_loop_t *loop, const char *command, const asy_exec_opts *opts,
                         asy_exec_cb cb, void *arg);

/* Node's fork(): starts `program` (usually one built with asyncrt) with an
 * IPC channel on `ch` and, unless opts says otherwise, the parent's stdin,
 * stdout and stderr.  The child opens its end with asy_ipc_open_child. */
ASYNCRT_API int asy_fork_at(asy_loop_t *loop, asy_process_t *p, asy_ipc_t *ch,
                            const char *program, const char *const *args,
                            const asy_process_opts *opts, asy_exit_cb exit_cb,
                            const char *src_file, int src_line);
#define asy_fork(loop, p, ch, program, args, opts, cb) \
    asy_fork_at((loop), (p), (ch), (program), (args), (opts), (cb), ASY_HERE)

/* util.promisify(execFile) / promisify(exec): a promise fulfilled, when
 * the command succeeded (status 0), with an asy_exec_output the promise
 * owns (valid while you hold the promise or a continuation runs); rejected
 * otherwise with res.status and a message ("command failed", plus the
 * child's stderr when it wrote any).  Returns NULL only on ENOMEM; bad
 * arguments give a promise already rejected with ASY_EINVAL.  Release it
 * with asy_promise_release. */
typedef struct {
    char *out;
    size_t out_len;
    char *err;
    size_t err_len;
    int pid;
} asy_exec_output;

ASYNCRT_API asy_promise_t *asy_exec_file_async(asy_loop_t *loop, const char *file,
                                               const char *const *args,
                                               const asy_exec_opts *opts);
ASYNCRT_API asy_promise_t *asy_exec_async(asy_loop_t *loop, const char *command,
                                          const asy_exec_opts *opts);

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
 * is then never called); out of memory when the task is due to start
 * rejects its promise with ASY_ENOMEM and fn does not run. */
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
 * (whatever it is) and settles like it: the try/finally of the seed.  Out
 * of memory as fn would start: rejects with ASY_ENOMEM, fn does not run. */
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
 * outcome of fn is known, whatever it is; settles like fn (or rejects with
 * ASY_ENOMEM without running fn when memory runs out as it would start). */
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
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/coro/coro.h"
/* Coroutines over promises: async / await in C.
 *
 *   static asy_ret_t job(void *arg) {           // async function job(arg)
 *       void *v;
 *       asy_promise_t *p = asy_fs_read_file_promise(...);
 *       int err = asy_await(p, &v);             // const v = await p
 *       ...
 *       asy_promise_release(p);
 *       return err ? asy_fail(err, NULL) : asy_ok(result);
 *   }
 *   asy_promise_t *done = asy_async(loop, job, arg, NULL);
 *
 * asy_async runs fn on a stack of its own, at once, up to its first await
 * (as calling an async function does), and returns a promise of fn's
 * return value: asy_ok / asy_ok_owned fulfil it, asy_fail rejects it (a
 * throw), asy_chain(q) follows q (return q).  asy_await suspends the
 * coroutine until the promise settles; the coroutine then resumes as that
 * promise's reaction, a microtask, exactly where V8 resumes an async
 * function, also when the promise was already settled.  Everything runs on
 * the loop's thread: a coroutine is a stack, not a thread.
 *
 * The await functions return ASY_EINVAL outside a coroutine (never
 * blocking, never crashing), and ASY_ECANCELED once asy_loop_close has
 * begun: a coroutine still suspended when its loop closes is resumed with
 * ASY_ECANCELED so it can free what it holds and return (docs/coro.md). */

typedef asy_ret_t (*asy_async_fn)(void *arg);

typedef struct asy_async_opts {
    /* Usable stack in bytes, rounded up to whole pages, at least 16 KiB;
     * 0 means ASY_CORO_STACK_DEFAULT.  Below it sits an inaccessible guard
     * page: running off the end is a SIGSEGV, never silent corruption. */
    size_t stack_size;
} asy_async_opts;

#define ASY_CORO_STACK_DEFAULT ((size_t)256 * 1024)
#define ASY_CORO_STACK_MIN ((size_t)16 * 1024)

/* Starts fn(arg) as a coroutine (opts may be NULL).  Returns the promise
 * of its result (yours to release), NULL on ENOMEM or bad arguments (fn
 * never runs).  Callable from a coroutine too (the child runs until its
 * first await, then the caller continues). */
ASYNCRT_API asy_promise_t *asy_async(asy_loop_t *loop, asy_async_fn fn, void *arg,
                                     const asy_async_opts *opts);

/* await p: 0 with the value in *value (may be NULL), or the rejection's
 * code (its message: asy_promise_result(p)->message).  p is borrowed; the
 * value stays valid while p is alive.  ASY_EINVAL outside a coroutine, for
 * a NULL p or a promise of another loop. */
ASYNCRT_API int asy_await(asy_promise_t *p, void **value);

/* One turn of `for await (const chunk of stream)`: 0 with the next chunk
 * in *chunk (a reference: asy_buf_release it), ASY_EOF after the last one
 * (the stream has then been destroyed, as leaving the loop does in Node),
 * or the stream's error. */
ASYNCRT_API int asy_await_read(asy_stream_t *s, asy_buf_t *chunk);

/* await setTimeout(ms) from node:timers/promises: 0 once ms have passed. */
ASYNCRT_API int asy_await_sleep(uint64_t ms);

/* 1 while running inside a coroutine (on its stack), else 0. */
ASYNCRT_API int asy_in_coroutine(void);

/* Coroutines of the loop that have started and not yet returned. */
ASYNCRT_API size_t asy_coro_count(asy_loop_t *loop);

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

ASYNCRT_API void asy_free(void *ptr) { asy__free(ptr); }

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
        if (h->count - first >= ASY__HEAP_D) {
            /* a full set of four: a tournament of three comparisons */
            uint32_t a = asy__heap_less(&h->items[first + 1], &h->items[first]) ? first + 1 : first;
            uint32_t b = asy__heap_less(&h->items[first + 3], &h->items[first + 2]) ? first + 3
                                                                                   : first + 2;
            best = asy__heap_less(&h->items[b], &h->items[a]) ? b : a;
        } else {
            end = h->count;
            best = first;
            for (c = first + 1; c < end; c++)
                if (asy__heap_less(&h->items[c], &h->items[best])) best = c;
        }
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

#line 1 "asyncrt_impl/buf/buf.internal.h"
/* Private pieces of the buf layer shared between its files. */

/* The memory behind one or more views.  Storage the library allocates lives
 * in the same block as this header (bytes start ASY__BUF_HDR after it);
 * external storage points at the caller's memory. */
struct asy__buf_storage {
    size_t refs;
    size_t cap;  /* bytes usable at base */
    size_t used; /* no view reaches past base + used: the chain may append
                    in place beyond it */
    uint8_t *base;
    asy_buf_free_cb free_cb; /* external storage only */
    void *hint;
    int external;
};

/* Header size rounded up so the bytes after it are 16-byte aligned, like
 * malloc's own result. */
#define ASY__BUF_HDR ((sizeof(struct asy__buf_storage) + 15u) & ~(size_t)15u)

/* Allocates storage with room for cap bytes and sets *out to a view of its
 * first len of them (len <= cap); zeroes the len bytes when zero is set. */
ASY__INTERNAL int asy__buf_make(asy_buf_t *out, size_t cap, size_t len, int zero);
/* Gives back unused capacity of a freshly made, unshared buffer. */
ASY__INTERNAL void asy__buf_shrink(asy_buf_t *b);
ASY__INTERNAL void asy__buf_clear(asy_buf_t *b);

/* ---- encodings --------------------------------------------------------
 * Encoders write exactly the length the matching *_encoded_len reports and
 * never fail.  Decoders write at most cap bytes, stop at a unit boundary
 * when full, report the bytes written in *written, and return 0 or
 * ASY_EINVAL (strict mode, bad input met before they stopped). */

ASY__INTERNAL size_t asy__hex_encode(const uint8_t *src, size_t n, char *dst);
ASY__INTERNAL int asy__hex_decode(const char *src, size_t n, uint8_t *dst, size_t cap,
                                  unsigned flags, size_t *written);
ASY__INTERNAL ptrdiff_t asy__hex_decoded_len(const char *src, size_t n, unsigned flags);

ASY__INTERNAL size_t asy__base64_encoded_len(size_t n, int url);
ASY__INTERNAL size_t asy__base64_encode(const uint8_t *src, size_t n, char *dst, int url);
ASY__INTERNAL int asy__base64_decode(const char *src, size_t n, uint8_t *dst, size_t cap,
                                     unsigned flags, int url, size_t *written);
ASY__INTERNAL ptrdiff_t asy__base64_decoded_len(const char *src, size_t n, unsigned flags,
                                                int url);

/* The text encodings whose C-side form is UTF-8: utf8, latin1, ascii,
 * utf16le.  dst NULL only counts (cap is then ignored). */
ASY__INTERNAL size_t asy__text_encoded_len(asy_encoding_t enc, const uint8_t *src, size_t n);
ASY__INTERNAL size_t asy__text_encode(asy_encoding_t enc, const uint8_t *src, size_t n,
                                      char *dst);
ASY__INTERNAL int asy__text_decode(asy_encoding_t enc, const char *src, size_t n, uint8_t *dst,
                                   size_t cap, unsigned flags, size_t *written);

/* Returns the code point at s[*i] and advances *i; for an ill-formed
 * sequence returns -1 and advances past its maximal subpart (one U+FFFD
 * each, as WHATWG and Node decode). */
ASY__INTERNAL int32_t asy__utf8_next(const uint8_t *s, size_t n, size_t *i);

#line 1 "asyncrt_impl/buf/buf_storage.c"
/* Storage and views: allocation, reference counting, slices. */


ASY__INTERNAL void asy__buf_clear(asy_buf_t *b) {
    b->store = NULL;
    b->data = NULL;
    b->len = 0;
}

ASY__INTERNAL int asy__buf_make(asy_buf_t *out, size_t cap, size_t len, int zero) {
    asy__buf_storage *s;
    asy__buf_clear(out);
    if (cap == 0) return 0;
    if (cap > SIZE_MAX - ASY__BUF_HDR) return ASY_ENOMEM;
    s = (asy__buf_storage *)asy__malloc(ASY__BUF_HDR + cap);
    if (!s) return ASY_ENOMEM;
    s->refs = 1;
    s->cap = cap;
    s->used = len;
    s->base = (uint8_t *)s + ASY__BUF_HDR;
    s->free_cb = NULL;
    s->hint = NULL;
    s->external = 0;
    if (zero) memset(s->base, 0, len);
    out->store = s;
    out->data = s->base;
    out->len = len;
    return 0;
}

/* Decoders size their output for the worst case; lenient input full of
 * junk can leave most of it unused. */
ASY__INTERNAL void asy__buf_shrink(asy_buf_t *b) {
    asy__buf_storage *s = b->store, *ns;
    if (!s) return;
    if (b->len == 0) {
        asy_buf_release(b);
        return;
    }
    if (s->external || s->refs != 1 || b->data != s->base) return;
    if (s->cap - b->len < 256 || s->cap / 2 < b->len) return;
    ns = (asy__buf_storage *)asy__realloc(s, ASY__BUF_HDR + b->len);
    if (!ns) return; /* keeping the larger block is harmless */
    ns->base = (uint8_t *)ns + ASY__BUF_HDR;
    ns->cap = b->len;
    ns->used = b->len;
    b->store = ns;
    b->data = ns->base;
}

ASYNCRT_API void asy_buf_init(asy_buf_t *b) {
    if (b) asy__buf_clear(b);
}

ASYNCRT_API int asy_buf_alloc(asy_buf_t *out, size_t len) {
    if (!out) return ASY_EINVAL;
    return asy__buf_make(out, len, len, 1);
}

ASYNCRT_API int asy_buf_alloc_unsafe(asy_buf_t *out, size_t len) {
    if (!out) return ASY_EINVAL;
    return asy__buf_make(out, len, len, 0);
}

ASYNCRT_API int asy_buf_from_bytes(asy_buf_t *out, const void *bytes, size_t len) {
    int r;
    if (!out) return ASY_EINVAL;
    if (!bytes && len) {
        asy__buf_clear(out);
        return ASY_EINVAL;
    }
    r = asy__buf_make(out, len, len, 0);
    if (r == 0 && len) memcpy(out->data, bytes, len);
    return r;
}

ASYNCRT_API int asy_buf_from_external(asy_buf_t *out, void *data, size_t len,
                                      asy_buf_free_cb free_cb, void *hint) {
    asy__buf_storage *s;
    if (!out) return ASY_EINVAL;
    asy__buf_clear(out);
    if (!data && len) return ASY_EINVAL;
    s = ASY__NEW(asy__buf_storage);
    if (!s) return ASY_ENOMEM;
    s->refs = 1;
    s->cap = len;
    s->used = len;
    s->base = (uint8_t *)data;
    s->free_cb = free_cb;
    s->hint = hint;
    s->external = 1;
    out->store = s;
    out->data = (uint8_t *)data;
    out->len = len;
    return 0;
}

ASYNCRT_API int asy_buf_dup(asy_buf_t *out, const asy_buf_t *src) {
    if (!out) return ASY_EINVAL;
    if (!src) {
        asy__buf_clear(out);
        return ASY_EINVAL;
    }
    return asy_buf_from_bytes(out, src->data, src->len);
}

ASYNCRT_API int asy_buf_retain(asy_buf_t *out, const asy_buf_t *src) {
    return asy_buf_slice(out, src, 0, ASY_BUF_END);
}

ASYNCRT_API void asy_buf_release(asy_buf_t *b) {
    asy__buf_storage *s;
    if (!b) return;
    s = b->store;
    asy__buf_clear(b);
    if (!s || --s->refs) return;
    if (s->external) {
        if (s->free_cb) s->free_cb(s->base, s->hint);
    }
    asy__free(s);
}

ASYNCRT_API size_t asy_buf_refcount(const asy_buf_t *b) {
    return b && b->store ? b->store->refs : 0;
}

/* Node's relative-index rule for slice/subarray: negative counts from the
 * end, then both clamp to [0, len]. */
ASY__INTERNAL size_t asy__buf_clamp_pos(ptrdiff_t pos, size_t len) {
    if (pos < 0) {
        size_t back = (size_t)(-(pos + 1)) + 1; /* no overflow at PTRDIFF_MIN */
        return back >= len ? 0 : len - back;
    }
    return (size_t)pos > len ? len : (size_t)pos;
}

ASYNCRT_API int asy_buf_slice(asy_buf_t *out, const asy_buf_t *src, ptrdiff_t start,
                              ptrdiff_t end) {
    size_t s, e;
    if (!out) return ASY_EINVAL;
    if (!src) {
        asy__buf_clear(out);
        return ASY_EINVAL;
    }
    s = asy__buf_clamp_pos(start, src->len);
    e = asy__buf_clamp_pos(end, src->len);
    if (e <= s) {
        asy__buf_clear(out);
        return 0;
    }
    if (src->store) src->store->refs++;
    out->store = src->store;
    out->data = src->data + s;
    out->len = e - s;
    return 0;
}

ASYNCRT_API int asy_buf_subarray(asy_buf_t *out, const asy_buf_t *src, ptrdiff_t start,
                                 ptrdiff_t end) {
    return asy_buf_slice(out, src, start, end);
}


#line 1 "asyncrt_impl/buf/enc_tables.c"
/* Lookup tables of the encodings.  The decode tables cover ASCII only and
 * hold 0xff for characters outside the alphabet; a byte >= 0x80 is looked
 * up as ASY__DEC7(table, c), whose result then has its high bit set too, so
 * one test of bit 7 catches both.  The SIMD decoders load the same 128
 * entries into registers. */
#define ASY__DEC7(t, c) ((uint8_t)((t)[(c) & 0x7f] | ((c) & 0x80)))

/* base64: A-Z a-z 0-9 + / */
static const uint8_t asy__b64_dec_std[128] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3e, 0xff, 0xff, 0xff, 0x3f,
    0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
    0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* base64url: A-Z a-z 0-9 - _ */
static const uint8_t asy__b64_dec_url[128] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3e, 0xff, 0xff,
    0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
    0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0xff, 0xff, 0xff, 0xff, 0x3f,
    0xff, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* Node's lenient decoder takes both alphabets in either encoding */
static const uint8_t asy__b64_dec_any[128] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3e, 0xff, 0x3e, 0xff, 0x3f,
    0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
    0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0xff, 0xff, 0xff, 0xff, 0x3f,
    0xff, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* hex digits of either case */
static const uint8_t asy__hex_dec[128] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static const char asy__b64_alpha_std[65] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char asy__b64_alpha_url[65] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Two lowercase hex digits for every byte value, in order. */
static const char asy__hex_pairs[513] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
    "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

#line 1 "asyncrt_impl/buf/enc_text.c"
/* The text encodings: utf8, latin1, ascii, utf16le.  On the C side text is
 * always UTF-8, so "encode" turns bytes into UTF-8 and "decode" turns UTF-8
 * into bytes of the encoding.  Ill-formed UTF-8 is replaced with U+FFFD per
 * maximal subpart, the rule of WHATWG's decoder that Node uses. */

ASY__INTERNAL int32_t asy__utf8_next(const uint8_t *s, size_t n, size_t *i) {
    uint8_t c = s[*i], lo = 0x80, hi = 0xbf;
    int need;
    int32_t cp;
    (*i)++;
    if (c < 0x80) return c;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        cp = c & 0x0f;
        if (c == 0xe0) lo = 0xa0; /* overlong */
        if (c == 0xed) hi = 0x9f; /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        cp = c & 0x07;
        if (c == 0xf0) lo = 0x90; /* overlong */
        if (c == 0xf4) hi = 0x8f; /* above U+10FFFF */
    } else {
        return -1;
    }
    /* A byte that cannot continue the sequence is not consumed: it starts
     * the next one. */
    while (need--) {
        if (*i >= n) return -1;
        c = s[*i];
        if (c < lo || c > hi) return -1;
        lo = 0x80;
        hi = 0xbf;
        cp = (cp << 6) | (c & 0x3f);
        (*i)++;
    }
    return cp;
}

ASY__INTERNAL size_t asy__utf8_put(uint8_t *d, uint32_t cp) {
    if (cp < 0x80) {
        d[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (uint8_t)(0xc0 | (cp >> 6));
        d[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (uint8_t)(0xe0 | (cp >> 12));
        d[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        d[2] = (uint8_t)(0x80 | (cp & 0x3f));
        return 3;
    }
    d[0] = (uint8_t)(0xf0 | (cp >> 18));
    d[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
    d[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
    d[3] = (uint8_t)(0x80 | (cp & 0x3f));
    return 4;
}

ASY__INTERNAL size_t asy__utf8_len(uint32_t cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* Length of the leading run of ASCII bytes, eight at a time. */
ASY__INTERNAL size_t asy__ascii_prefix(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ull) break;
        i += 8;
    }
    while (i < n && s[i] < 0x80) i++;
    return i;
}

ASYNCRT_API int asy_utf8_valid(const void *bytes, size_t len) {
    const uint8_t *s = (const uint8_t *)bytes;
    size_t i = 0;
    if (!s) return len == 0;
    for (;;) {
        i += asy__ascii_prefix(s + i, len - i);
        if (i >= len) return 1;
        if (asy__utf8_next(s, len, &i) < 0) return 0;
    }
}

ASYNCRT_API int asy_buf_is_utf8(const asy_buf_t *b) { return b ? asy_utf8_valid(b->data, b->len) : 0; }

/* UTF-16 unit at s[2k], little-endian. */
ASY__INTERNAL uint32_t asy__u16le(const uint8_t *s) { return (uint32_t)s[0] | ((uint32_t)s[1] << 8); }

/* The code point of the UTF-16LE text at s[*i] (n even), U+FFFD for a lone
 * surrogate. */
ASY__INTERNAL uint32_t asy__utf16_next(const uint8_t *s, size_t n, size_t *i) {
    uint32_t u = asy__u16le(s + *i);
    *i += 2;
    if (u < 0xd800 || u > 0xdfff) return u;
    if (u <= 0xdbff && *i < n) {
        uint32_t l = asy__u16le(s + *i);
        if (l >= 0xdc00 && l <= 0xdfff) {
            *i += 2;
            return 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
        }
    }
    return 0xfffd;
}

ASY__INTERNAL size_t asy__text_encoded_len(asy_encoding_t enc, const uint8_t *src, size_t n) {
    size_t i = 0, out = 0;
    switch (enc) {
        case ASY_ENC_UTF8:
            while (i < n) {
                size_t run = asy__ascii_prefix(src + i, n - i), at;
                int32_t cp;
                i += run;
                out += run;
                if (i >= n) break;
                at = i;
                cp = asy__utf8_next(src, n, &i);
                out += cp < 0 ? 3 : i - at;
            }
            return out;
        case ASY_ENC_LATIN1:
            for (; i < n; i++) out += src[i] < 0x80 ? 1 : 2;
            return out;
        case ASY_ENC_UTF16LE:
            n &= ~(size_t)1;
            while (i < n) out += asy__utf8_len(asy__utf16_next(src, n, &i));
            return out;
        default: /* ascii */
            return n;
    }
}

ASY__INTERNAL size_t asy__text_encode(asy_encoding_t enc, const uint8_t *src, size_t n,
                                      char *dst) {
    uint8_t *d = (uint8_t *)dst;
    size_t i = 0, o = 0;
    switch (enc) {
        case ASY_ENC_UTF8:
            while (i < n) {
                size_t run = asy__ascii_prefix(src + i, n - i), at;
                int32_t cp;
                if (run) memcpy(d + o, src + i, run);
                i += run;
                o += run;
                if (i >= n) break;
                at = i;
                cp = asy__utf8_next(src, n, &i);
                if (cp < 0) {
                    o += asy__utf8_put(d + o, 0xfffd);
                } else {
                    memcpy(d + o, src + at, i - at);
                    o += i - at;
                }
            }
            return o;
        case ASY_ENC_LATIN1:
            for (; i < n; i++) o += asy__utf8_put(d + o, src[i]);
            return o;
        case ASY_ENC_UTF16LE:
            n &= ~(size_t)1;
            while (i < n) o += asy__utf8_put(d + o, asy__utf16_next(src, n, &i));
            return o;
        default: /* ascii: Node clears the high bit */
            for (; i < n; i++) d[i] = (uint8_t)(src[i] & 0x7f);
            return n;
    }
}

/* The bytes of code point cp in enc; returns their count.  Code points the
 * encoding cannot hold are ASY_EINVAL when strict; lenient keeps what Node
 * keeps: the low byte of each UTF-16 unit. */
ASY__INTERNAL int asy__text_unit(asy_encoding_t enc, uint32_t cp, int lenient, uint8_t *u) {
    if (enc == ASY_ENC_UTF16LE) {
        if (cp < 0x10000) {
            u[0] = (uint8_t)cp;
            u[1] = (uint8_t)(cp >> 8);
            return 2;
        }
        cp -= 0x10000;
        u[0] = (uint8_t)(0xd800 + (cp >> 10));
        u[1] = (uint8_t)((0xd800 + (cp >> 10)) >> 8);
        u[2] = (uint8_t)(0xdc00 + (cp & 0x3ff));
        u[3] = (uint8_t)((0xdc00 + (cp & 0x3ff)) >> 8);
        return 4;
    }
    /* latin1 and ascii */
    if (cp <= (enc == ASY_ENC_ASCII ? 0x7fu : 0xffu)) {
        u[0] = (uint8_t)cp;
        return 1;
    }
    if (!lenient) return ASY_EINVAL;
    if (cp < 0x10000) {
        u[0] = (uint8_t)cp;
        return 1;
    }
    cp -= 0x10000;
    u[0] = (uint8_t)(0xd800 + (cp >> 10));
    u[1] = (uint8_t)(0xdc00 + (cp & 0x3ff));
    return 2;
}

ASY__INTERNAL int asy__text_decode(asy_encoding_t enc, const char *src, size_t n, uint8_t *dst,
                                   size_t cap, unsigned flags, size_t *written) {
    const uint8_t *s = (const uint8_t *)src;
    int lenient = (flags & ASY_BUF_LENIENT) != 0;
    size_t i = 0, o = 0;
    *written = 0;
    if (enc == ASY_ENC_UTF8 && asy_utf8_valid(s, n)) {
        /* Well-formed text is copied as is, cut at a character boundary. */
        if (dst) {
            size_t k = n;
            if (k > cap) {
                k = cap;
                while (k > 0 && (s[k] & 0xc0) == 0x80) k--;
            }
            if (k) memcpy(dst, s, k);
            *written = k;
        } else {
            *written = n;
        }
        return 0;
    }
    if (enc == ASY_ENC_UTF8 && !lenient) return ASY_EINVAL;
    while (i < n) {
        uint8_t unit[4];
        int k;
        size_t at = i;
        int32_t cp = asy__utf8_next(s, n, &i);
        int bad = cp < 0;
        if (bad) {
            if (!lenient) {
                *written = o;
                return ASY_EINVAL;
            }
            cp = 0xfffd;
        }
        if (enc == ASY_ENC_UTF8) {
            if (bad) {
                k = (int)asy__utf8_put(unit, 0xfffd);
            } else {
                k = (int)(i - at);
                memcpy(unit, s + at, i - at);
            }
        } else {
            k = asy__text_unit(enc, (uint32_t)cp, lenient, unit);
            if (k < 0) {
                *written = o;
                return k;
            }
        }
        if (dst) {
            if ((size_t)k > cap - o) break;
            memcpy(dst + o, unit, (size_t)k);
        }
        o += (size_t)k;
    }
    *written = o;
    return 0;
}

#line 1 "asyncrt_impl/buf/enc_simd.c"
/* SIMD kernels for base64 and hex on x86-64 (gcc and clang).  They are compiled
 * with per-function target attributes and chosen at run time, so the
 * library needs no special compiler flags and still runs on any x86-64.
 * Kernels only handle whole blocks of valid input; the scalar code in
 * enc_base64.c does tails, padding, errors and lenient skipping.
 *
 * AVX-512 VBMI (Ice Lake and later, Zen 4): the 64-character alphabet and
 * the 128-entry decode table fit in registers, so translation is one
 * vpermb / vpermi2b per 64 bytes.  AVX2: nibble-indexed pshufb tables
 * classify and translate 32 characters at a time.  Define ASYNCRT_NO_SIMD
 * to build without them. */

#if !defined(ASYNCRT_NO_SIMD) && defined(__x86_64__) && !defined(_WIN32) && \
    ((defined(__clang__) && __clang_major__ >= 8) ||                     \
     (!defined(__clang__) && defined(__GNUC__) && __GNUC__ >= 8))
#define ASY__X86_SIMD 1
#include <immintrin.h>
#define ASY__TARGET_AVX2 __attribute__((target("avx2")))
#define ASY__TARGET_VBMI __attribute__((target("avx512f,avx512bw,avx512vbmi")))
#else
#define ASY__X86_SIMD 0
#endif

/* Which kernels to use; the tests force each level. */
enum { ASY__SIMD_NONE = 0, ASY__SIMD_AVX2 = 1, ASY__SIMD_VBMI = 2 };

ASY__INTERNAL int asy__simd_level(void) {
#if ASY__X86_SIMD
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi"))
        return ASY__SIMD_VBMI;
    if (__builtin_cpu_supports("avx2")) return ASY__SIMD_AVX2;
#endif
    return ASY__SIMD_NONE;
}

#if ASY__X86_SIMD

/* ---- AVX-512 VBMI ------------------------------------------------------ */

/* Encodes blocks of 48 bytes into 64 characters. */
ASY__TARGET_VBMI ASY__INTERNAL void asy__b64_enc_vbmi(const uint8_t *src, size_t blocks,
                                                      char *dst, const char *alphabet) {
    /* Each 32-bit lane gets bytes b1 b0 b2 b1 of its triplet: then the four
     * 6-bit fields sit at bit offsets 10, 4, 22 and 16 of the lane, which
     * vpmultishiftqb extracts in one go. */
    static const uint8_t spread[64] = {
        1,  0,  2,  1,  4,  3,  5,  4,  7,  6,  8,  7,  10, 9,  11, 10,
        13, 12, 14, 13, 16, 15, 17, 16, 19, 18, 20, 19, 22, 21, 23, 22,
        25, 24, 26, 25, 28, 27, 29, 28, 31, 30, 32, 31, 34, 33, 35, 34,
        37, 36, 38, 37, 40, 39, 41, 40, 43, 42, 44, 43, 46, 45, 47, 46};
    const __m512i idx = _mm512_loadu_si512((const void *)spread);
    const __m512i shifts = _mm512_set1_epi64(0x3036242a1016040aLL);
    const __m512i alpha = _mm512_loadu_si512((const void *)alphabet);
    size_t i = 0;
#define ASY__ENC_BLOCK(x, k)                                                  \
    x = _mm512_permutexvar_epi8(idx, x);                                      \
    x = _mm512_multishift_epi64_epi8(shifts, x);                              \
    /* vpermb looks at the low 6 bits of each index: the field itself */    \
    x = _mm512_permutexvar_epi8(x, alpha);                                    \
    _mm512_storeu_si512((void *)(dst + 64 * (k)), x)
    /* Four blocks per round with full 64-byte loads while the input lasts
     * (they read 16 bytes past each block); masked loads at the end. */
    for (; i + 5 <= blocks; i += 4) {
        __m512i a = _mm512_loadu_si512((const void *)(src + 48 * i));
        __m512i b = _mm512_loadu_si512((const void *)(src + 48 * i + 48));
        __m512i c = _mm512_loadu_si512((const void *)(src + 48 * i + 96));
        __m512i d = _mm512_loadu_si512((const void *)(src + 48 * i + 144));
        ASY__ENC_BLOCK(a, i);
        ASY__ENC_BLOCK(b, i + 1);
        ASY__ENC_BLOCK(c, i + 2);
        ASY__ENC_BLOCK(d, i + 3);
    }
    for (; i < blocks; i++) {
        __m512i x = _mm512_maskz_loadu_epi8((__mmask64)0xffffffffffffULL, src + 48 * i);
        ASY__ENC_BLOCK(x, i);
    }
#undef ASY__ENC_BLOCK
}

/* Decodes up to `blocks` blocks of 64 characters into 48 bytes each,
 * stopping before the first block holding anything outside the table;
 * returns the blocks decoded.  Writes at most room bytes. */
ASY__TARGET_VBMI ASY__INTERNAL size_t asy__b64_dec_vbmi(const uint8_t *src, size_t blocks,
                                                        uint8_t *dst, size_t room,
                                                        const uint8_t *table) {
    /* After the multiply-adds each 32-bit lane holds 24 bits, most
     * significant byte third: gather bytes 2, 1, 0 of every lane. */
    static const uint8_t pack[64] = {
        2,  1,  0,  6,  5,  4,  10, 9,  8,  14, 13, 12, 18, 17, 16, 22,
        21, 20, 26, 25, 24, 30, 29, 28, 34, 33, 32, 38, 37, 36, 42, 41,
        40, 46, 45, 44, 50, 49, 48, 54, 53, 52, 58, 57, 56, 62, 61, 60,
        0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0};
    const __m512i lut_lo = _mm512_loadu_si512((const void *)table);
    const __m512i lut_hi = _mm512_loadu_si512((const void *)(table + 64));
    const __m512i pk = _mm512_loadu_si512((const void *)pack);
    const __m512i merge2 = _mm512_set1_epi32(0x01400140); /* a * 64 + b */
    const __m512i merge4 = _mm512_set1_epi32(0x00011000); /* ab * 4096 + cd */
    size_t i = 0;
#define ASY__DEC_BLOCK(v, k)                                                  \
    v = _mm512_maddubs_epi16(v, merge2);                                      \
    v = _mm512_madd_epi16(v, merge4);                                         \
    v = _mm512_permutexvar_epi8(pk, v);                                       \
    _mm512_storeu_si512((void *)(dst + 48 * (k)), v)
    /* Four blocks per round, one validity test for all of them; a round
     * that fails is redone block by block below to find where to stop. */
    for (; i + 4 <= blocks && 48 * (i + 3) + 64 <= room; i += 4) {
        __m512i a = _mm512_loadu_si512((const void *)(src + 64 * i));
        __m512i b = _mm512_loadu_si512((const void *)(src + 64 * i + 64));
        __m512i c = _mm512_loadu_si512((const void *)(src + 64 * i + 128));
        __m512i d = _mm512_loadu_si512((const void *)(src + 64 * i + 192));
        __m512i va = _mm512_permutex2var_epi8(lut_lo, a, lut_hi);
        __m512i vb = _mm512_permutex2var_epi8(lut_lo, b, lut_hi);
        __m512i vc = _mm512_permutex2var_epi8(lut_lo, c, lut_hi);
        __m512i vd = _mm512_permutex2var_epi8(lut_lo, d, lut_hi);
        __m512i any = _mm512_or_si512(_mm512_or_si512(_mm512_or_si512(va, a), _mm512_or_si512(vb, b)),
                                      _mm512_or_si512(_mm512_or_si512(vc, c), _mm512_or_si512(vd, d)));
        if (_mm512_movepi8_mask(any)) break;
        ASY__DEC_BLOCK(va, i);
        ASY__DEC_BLOCK(vb, i + 1);
        ASY__DEC_BLOCK(vc, i + 2);
        ASY__DEC_BLOCK(vd, i + 3);
    }
#undef ASY__DEC_BLOCK
    for (; i < blocks; i++) {
        __m512i in = _mm512_loadu_si512((const void *)(src + 64 * i));
        __m512i v = _mm512_permutex2var_epi8(lut_lo, in, lut_hi);
        /* invalid entries are 0xff; non-ASCII input has bit 7 itself */
        if (_mm512_movepi8_mask(_mm512_or_si512(v, in))) break;
        v = _mm512_maddubs_epi16(v, merge2);
        v = _mm512_madd_epi16(v, merge4);
        v = _mm512_permutexvar_epi8(pk, v);
        if (48 * i + 64 <= room)
            _mm512_storeu_si512((void *)(dst + 48 * i), v);
        else
            _mm512_mask_storeu_epi8((void *)(dst + 48 * i), (__mmask64)0xffffffffffffULL, v);
    }
    return i;
}

/* ---- AVX2 -------------------------------------------------------------- */

/* Per-alphabet constants of the AVX2 decoder, generated and checked
 * against every byte value offline:
 *   lo/hi: a byte is invalid when lo[c & 15] & hi[c >> 4] != 0 (each bit
 *          of hi stands for a class of high nibbles; lo lists, per low
 *          nibble, the classes in which it is invalid);
 *   off:   added to the byte to get its 6-bit value, indexed by the high
 *          nibble, with `or8` characters moved to index | 8 and the `add7`
 *          character to index + 7 (those share a nibble with others). */
typedef struct {
    uint8_t lo[16], hi[16];
    int8_t off[16];
    uint8_t or8a, or8b, add7;
} asy__b64_avx2_consts;

static const asy__b64_avx2_consts asy__b64_avx2_std = {
    {0x2b, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x07, 0x55, 0x57, 0x57, 0x57,
     0x55},
    {0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
     0x01},
    {0, 0, 19, 4, -65, -65, -71, -71, 0, 0, 16, 0, 0, 0, 0, 0},
    '/', 0, 0};
static const asy__b64_avx2_consts asy__b64_avx2_url = {
    {0x2b, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x07, 0x57, 0x57, 0x55, 0x57,
     0x47},
    {0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
     0x01},
    {0, 0, 17, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, -32, 0, 0},
    '_', 0, 0};
static const asy__b64_avx2_consts asy__b64_avx2_any = {
    {0x2b, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x07, 0x55, 0x57, 0x55, 0x57,
     0x45},
    {0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
     0x01},
    {0, 0, 19, 4, -65, -65, -71, -71, 0, 17, 16, 0, 0, -32, 0, 0},
    '_', '/', '-'};

ASY__TARGET_AVX2 ASY__INTERNAL __m256i asy__bcast16(const void *p) {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)p));
}

/* Encodes blocks of 24 bytes into 32 characters; reads 4 bytes past each
 * block, so the caller leaves 4 bytes of slack after the last one. */
ASY__TARGET_AVX2 ASY__INTERNAL void asy__b64_enc_avx2(const uint8_t *src, size_t blocks,
                                                      char *dst, int url) {
    static const uint8_t spread[16] = {1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10};
    /* added to each 6-bit value, by range: 26..51, 52..61 (x10), 62, 63,
     * 0..25 */
    static const int8_t shift_std[16] = {71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16,
                                         65, 0,  0};
    static const int8_t shift_url[16] = {71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -17, 32,
                                         65, 0,  0};
    const __m256i sp = asy__bcast16(spread);
    const __m256i shift = asy__bcast16(url ? shift_url : shift_std);
    size_t i;
    for (i = 0; i < blocks; i++) {
        const uint8_t *s = src + 24 * i;
        __m256i v = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)s)),
            _mm_loadu_si128((const __m128i *)(s + 12)), 1);
        __m256i a, b, r;
        v = _mm256_shuffle_epi8(v, sp);
        /* lanes now read b1 b0 b2 b1: isolate the four fields and move each
         * to the bottom of its own byte */
        a = _mm256_mulhi_epu16(_mm256_and_si256(v, _mm256_set1_epi32(0x0fc0fc00)),
                               _mm256_set1_epi32(0x04000040));
        b = _mm256_mullo_epi16(_mm256_and_si256(v, _mm256_set1_epi32(0x003f03f0)),
                               _mm256_set1_epi32(0x01000010));
        v = _mm256_or_si256(a, b);
        r = _mm256_subs_epu8(v, _mm256_set1_epi8(51));
        r = _mm256_or_si256(r, _mm256_and_si256(_mm256_cmpgt_epi8(_mm256_set1_epi8(26), v),
                                                _mm256_set1_epi8(13)));
        v = _mm256_add_epi8(v, _mm256_shuffle_epi8(shift, r));
        _mm256_storeu_si256((__m256i *)(dst + 32 * i), v);
    }
}

/* Decodes blocks of 32 characters into 24 bytes, like the VBMI kernel; it
 * stores 32 bytes per block, so it only runs while room allows that. */
ASY__TARGET_AVX2 ASY__INTERNAL size_t asy__b64_dec_avx2(const uint8_t *src, size_t blocks,
                                                        uint8_t *dst, size_t room,
                                                        const asy__b64_avx2_consts *k) {
    static const int8_t pack[16] = {2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1};
    const __m256i lut_lo = asy__bcast16(k->lo), lut_hi = asy__bcast16(k->hi);
    const __m256i lut_off = asy__bcast16(k->off), pk = asy__bcast16(pack);
    const __m256i nib = _mm256_set1_epi8(0x0f);
    const __m256i or8a = _mm256_set1_epi8((char)k->or8a), or8b = _mm256_set1_epi8((char)k->or8b);
    const __m256i add7 = _mm256_set1_epi8((char)k->add7);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
    size_t i;
    for (i = 0; i < blocks && 24 * i + 32 <= room; i++) {
        __m256i in = _mm256_loadu_si256((const __m256i *)(src + 32 * i));
        __m256i hi = _mm256_and_si256(_mm256_srli_epi32(in, 4), nib);
        __m256i lo = _mm256_and_si256(in, nib);
        __m256i bad = _mm256_and_si256(_mm256_shuffle_epi8(lut_lo, lo),
                                       _mm256_shuffle_epi8(lut_hi, hi));
        __m256i ix, v;
        if (!_mm256_testz_si256(bad, bad)) break;
        ix = _mm256_or_si256(
            hi, _mm256_and_si256(_mm256_or_si256(_mm256_cmpeq_epi8(in, or8a),
                                                 _mm256_cmpeq_epi8(in, or8b)),
                                 _mm256_set1_epi8(8)));
        ix = _mm256_add_epi8(ix, _mm256_and_si256(_mm256_cmpeq_epi8(in, add7),
                                                  _mm256_set1_epi8(7)));
        v = _mm256_add_epi8(in, _mm256_shuffle_epi8(lut_off, ix));
        v = _mm256_maddubs_epi16(v, _mm256_set1_epi32(0x01400140));
        v = _mm256_madd_epi16(v, _mm256_set1_epi32(0x00011000));
        v = _mm256_shuffle_epi8(v, pk);
        v = _mm256_permutevar8x32_epi32(v, lanes);
        _mm256_storeu_si256((__m256i *)(dst + 24 * i), v);
    }
    return i;
}

/* hex, 32 bytes <-> 64 characters per block. */
ASY__TARGET_AVX2 ASY__INTERNAL void asy__hex_enc_avx2(const uint8_t *src, size_t blocks,
                                                      char *dst) {
    const __m256i digits = asy__bcast16("0123456789abcdef");
    const __m256i nib = _mm256_set1_epi8(0x0f);
    size_t i;
    for (i = 0; i < blocks; i++) {
        __m256i in = _mm256_loadu_si256((const __m256i *)(src + 32 * i));
        __m256i hi = _mm256_shuffle_epi8(digits, _mm256_and_si256(_mm256_srli_epi16(in, 4), nib));
        __m256i lo = _mm256_shuffle_epi8(digits, _mm256_and_si256(in, nib));
        /* unpack works inside 128-bit lanes: a holds bytes 0-7 and 16-23,
         * b bytes 8-15 and 24-31; put the halves back in order */
        __m256i a = _mm256_unpacklo_epi8(hi, lo), b = _mm256_unpackhi_epi8(hi, lo);
        _mm256_storeu_si256((__m256i *)(dst + 64 * i), _mm256_permute2x128_si256(a, b, 0x20));
        _mm256_storeu_si256((__m256i *)(dst + 64 * i + 32), _mm256_permute2x128_si256(a, b, 0x31));
    }
}

/* The value of 32 hex digits, or a mask of zero bytes where a character is
 * not a digit (*ok gets all ones when every one is). */
ASY__TARGET_AVX2 ASY__INTERNAL __m256i asy__hex_val_avx2(__m256i c, int *ok) {
    __m256i d = _mm256_sub_epi8(c, _mm256_set1_epi8('0'));
    __m256i l = _mm256_sub_epi8(_mm256_or_si256(c, _mm256_set1_epi8(0x20)), _mm256_set1_epi8('a'));
    /* x is in [0, k] unsigned exactly when min(x, k) == x */
    __m256i is_d = _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(9)), d);
    __m256i is_l = _mm256_cmpeq_epi8(_mm256_min_epu8(l, _mm256_set1_epi8(5)), l);
    *ok = _mm256_movemask_epi8(_mm256_or_si256(is_d, is_l)) == -1;
    return _mm256_blendv_epi8(_mm256_add_epi8(l, _mm256_set1_epi8(10)), d, is_d);
}

/* Decodes blocks of 64 digits into 32 bytes until a block holds anything
 * else; returns the blocks decoded. */
ASY__TARGET_AVX2 ASY__INTERNAL size_t asy__hex_dec_avx2(const uint8_t *src, size_t blocks,
                                                        uint8_t *dst) {
    const __m256i merge = _mm256_set1_epi16(0x0110); /* hi * 16 + lo */
    size_t i;
    for (i = 0; i < blocks; i++) {
        int ok_a, ok_b;
        __m256i a = asy__hex_val_avx2(_mm256_loadu_si256((const __m256i *)(src + 64 * i)), &ok_a);
        __m256i b = asy__hex_val_avx2(_mm256_loadu_si256((const __m256i *)(src + 64 * i + 32)), &ok_b);
        if (!(ok_a & ok_b)) break;
        a = _mm256_maddubs_epi16(a, merge);
        b = _mm256_maddubs_epi16(b, merge);
        /* packus interleaves the lanes: quarters come out as 0, 2, 1, 3 */
        a = _mm256_permute4x64_epi64(_mm256_packus_epi16(a, b), 0xd8);
        _mm256_storeu_si256((__m256i *)(dst + 32 * i), a);
    }
    return i;
}

#endif /* ASY__X86_SIMD */

/* Hex-encodes the leading whole blocks; returns the bytes consumed. */
ASY__INTERNAL size_t asy__hex_enc_simd(int level, const uint8_t *src, size_t n, char *dst) {
#if ASY__X86_SIMD
    if (level >= ASY__SIMD_AVX2 && n >= 32) {
        asy__hex_enc_avx2(src, n / 32, dst);
        return n / 32 * 32;
    }
#else
    (void)level, (void)src, (void)n, (void)dst;
#endif
    return 0;
}

/* Decodes leading blocks of 64 valid digits out of `pairs` digit pairs;
 * returns the bytes written (one per pair). */
ASY__INTERNAL size_t asy__hex_dec_simd(int level, const uint8_t *src, size_t pairs,
                                       uint8_t *dst) {
#if ASY__X86_SIMD
    if (level >= ASY__SIMD_AVX2 && pairs >= 32) return asy__hex_dec_avx2(src, pairs / 32, dst) * 32;
#else
    (void)level, (void)src, (void)pairs, (void)dst;
#endif
    return 0;
}

/* Encodes as many whole blocks as the kernel of `level` takes from n bytes;
 * returns the input bytes consumed (a multiple of 3). */
ASY__INTERNAL size_t asy__b64_enc_simd(int level, const uint8_t *src, size_t n, char *dst,
                                       int url) {
#if ASY__X86_SIMD
    if (level >= ASY__SIMD_VBMI && n >= 48) {
        asy__b64_enc_vbmi(src, n / 48, dst, url ? asy__b64_alpha_url : asy__b64_alpha_std);
        return n / 48 * 48;
    }
    if (level >= ASY__SIMD_AVX2 && n >= 28) {
        size_t blocks = (n - 4) / 24;
        asy__b64_enc_avx2(src, blocks, dst, url);
        return blocks * 24;
    }
#else
    (void)level, (void)src, (void)n, (void)dst, (void)url;
#endif
    return 0;
}

/* Decodes leading blocks of characters all in the alphabet of `table`
 * (one of the asy__b64_dec_* tables); returns the characters consumed (a
 * multiple of 4, each 4 giving 3 bytes at dst).  Stops early at the first
 * block with anything else in it, or when room runs short. */
ASY__INTERNAL size_t asy__b64_dec_simd(int level, const uint8_t *src, size_t n, uint8_t *dst,
                                       size_t room, const uint8_t *table) {
#if ASY__X86_SIMD
    size_t blocks;
    if (level >= ASY__SIMD_VBMI) {
        blocks = n / 64;
        if (blocks > room / 48) blocks = room / 48;
        return blocks ? asy__b64_dec_vbmi(src, blocks, dst, room, table) * 64 : 0;
    }
    if (level >= ASY__SIMD_AVX2) {
        const asy__b64_avx2_consts *k = table == asy__b64_dec_std   ? &asy__b64_avx2_std
                                        : table == asy__b64_dec_url ? &asy__b64_avx2_url
                                                                    : &asy__b64_avx2_any;
        blocks = n / 32;
        return blocks ? asy__b64_dec_avx2(src, blocks, dst, room, k) * 32 : 0;
    }
#else
    (void)level, (void)src, (void)n, (void)dst, (void)room, (void)table;
#endif
    return 0;
}

#line 1 "asyncrt_impl/buf/enc_hex.c"
/* hex: two lowercase digits per byte; decoding takes either case.  Node's
 * decoder stops at the first pair that is not two hex digits and drops an
 * odd last digit; that is what ASY_BUF_LENIENT does, while strict decoding
 * rejects both. */

ASY__INTERNAL size_t asy__hex_encode_with(int level, const uint8_t *src, size_t n, char *dst) {
    size_t i = asy__hex_enc_simd(level, src, n, dst);
    for (; i < n; i++) memcpy(dst + 2 * i, asy__hex_pairs + 2 * src[i], 2);
    return 2 * n;
}

ASY__INTERNAL size_t asy__hex_encode(const uint8_t *src, size_t n, char *dst) {
    return asy__hex_encode_with(asy__simd_level(), src, n, dst);
}

/* Decodes pairs [from, to); returns the index of the first bad pair, or to. */
ASY__INTERNAL size_t asy__hex_run(const uint8_t *s, size_t from, size_t to, uint8_t *dst) {
    size_t i = from;
    /* Blocks of 16 pairs test validity once; a bad block is redone one
     * pair at a time to find where it stops. */
    while (i + 16 <= to) {
        uint8_t bad = 0;
        size_t k;
        for (k = i; k < i + 16; k++) {
            uint8_t hi = ASY__DEC7(asy__hex_dec, s[2 * k]);
            uint8_t lo = ASY__DEC7(asy__hex_dec, s[2 * k + 1]);
            bad |= (uint8_t)(hi | lo);
            dst[k] = (uint8_t)((hi << 4) | (lo & 0x0f));
        }
        if (bad & 0x80) break;
        i += 16;
    }
    for (; i < to; i++) {
        uint8_t hi = ASY__DEC7(asy__hex_dec, s[2 * i]);
        uint8_t lo = ASY__DEC7(asy__hex_dec, s[2 * i + 1]);
        if ((hi | lo) & 0x80) return i;
        dst[i] = (uint8_t)((hi << 4) | lo);
    }
    return to;
}

ASY__INTERNAL int asy__hex_decode_with(int level, const char *src, size_t n, uint8_t *dst,
                                       size_t cap, unsigned flags, size_t *written) {
    size_t pairs = n / 2, got;
    int lenient = (flags & ASY_BUF_LENIENT) != 0;
    *written = 0;
    if (!lenient && (n & 1)) return ASY_EINVAL;
    if (pairs > cap) pairs = cap;
    got = asy__hex_dec_simd(level, (const uint8_t *)src, pairs, dst);
    got = asy__hex_run((const uint8_t *)src, got, pairs, dst);
    *written = got;
    return got < pairs && !lenient ? ASY_EINVAL : 0;
}

ASY__INTERNAL int asy__hex_decode(const char *src, size_t n, uint8_t *dst, size_t cap,
                                  unsigned flags, size_t *written) {
    return asy__hex_decode_with(asy__simd_level(), src, n, dst, cap, flags, written);
}

ASY__INTERNAL ptrdiff_t asy__hex_decoded_len(const char *src, size_t n, unsigned flags) {
    const uint8_t *s = (const uint8_t *)src;
    size_t i, pairs = n / 2;
    if (!(flags & ASY_BUF_LENIENT) && (n & 1)) return ASY_EINVAL;
    for (i = 0; i < pairs; i++) {
        if ((ASY__DEC7(asy__hex_dec, s[2 * i]) | ASY__DEC7(asy__hex_dec, s[2 * i + 1])) & 0x80)
            return flags & ASY_BUF_LENIENT ? (ptrdiff_t)i : (ptrdiff_t)ASY_EINVAL;
    }
    return (ptrdiff_t)pairs;
}

#line 1 "asyncrt_impl/buf/enc_base64.c"
/* base64 and base64url (RFC 4648).  Encoding: base64 is padded with '=',
 * base64url is not (as Node does).
 *
 * Strict decoding accepts exactly the encoding's alphabet, padded or not;
 * padding, when present, must complete the last quantum (so the length is a
 * multiple of 4).  Bits left over in the last character are ignored, as in
 * Node.  Lenient decoding is Node's: both alphabets, every other character
 * skipped, decoding ends at the first '=', and a final lone character is
 * dropped. */

ASY__INTERNAL size_t asy__base64_encoded_len(size_t n, int url) {
    if (!url) return (n + 2) / 3 * 4;
    return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

ASY__INTERNAL size_t asy__base64_encode_with(int level, const uint8_t *src, size_t n, char *dst,
                                             int url) {
    const char *a = url ? asy__b64_alpha_url : asy__b64_alpha_std;
    size_t i = asy__b64_enc_simd(level, src, n, dst, url), o = i / 3 * 4;
    uint32_t v;
    for (; n - i >= 3; i += 3, o += 4) {
        v = ((uint32_t)src[i] << 16) | ((uint32_t)src[i + 1] << 8) | src[i + 2];
        dst[o] = a[v >> 18];
        dst[o + 1] = a[(v >> 12) & 63];
        dst[o + 2] = a[(v >> 6) & 63];
        dst[o + 3] = a[v & 63];
    }
    if (n - i == 0) return o;
    v = (uint32_t)src[i] << 16;
    if (n - i == 2) v |= (uint32_t)src[i + 1] << 8;
    dst[o++] = a[v >> 18];
    dst[o++] = a[(v >> 12) & 63];
    if (n - i == 2) dst[o++] = a[(v >> 6) & 63];
    if (!url) {
        dst[o++] = '=';
        if (n - i == 1) dst[o++] = '=';
    }
    return o;
}

ASY__INTERNAL size_t asy__base64_encode(const uint8_t *src, size_t n, char *dst, int url) {
    return asy__base64_encode_with(asy__simd_level(), src, n, dst, url);
}

/* Writes the top k (1..3) bytes of a 24-bit group, as many as fit. */
ASY__INTERNAL size_t asy__b64_put(uint8_t *dst, size_t o, size_t cap, uint32_t v, size_t k) {
    if (k > cap - o) k = cap - o;
    if (k > 0) dst[o] = (uint8_t)(v >> 16);
    if (k > 1) dst[o + 1] = (uint8_t)(v >> 8);
    if (k > 2) dst[o + 2] = (uint8_t)v;
    return o + k;
}

/* Strict: the length without padding, or ASY_EINVAL when the padding or
 * the length is wrong (characters are checked while decoding). */
ASY__INTERNAL ptrdiff_t asy__b64_strict_shape(const uint8_t *s, size_t n) {
    size_t m = n, pad = 0;
    while (m > 0 && pad < 2 && s[m - 1] == '=') {
        m--;
        pad++;
    }
    if (m % 4 == 1) return ASY_EINVAL;
    if (pad && (n % 4 != 0 || m % 4 + pad != 4)) return ASY_EINVAL;
    return (ptrdiff_t)m;
}

ASY__INTERNAL int asy__b64_decode_strict(int level, const uint8_t *s, size_t n, uint8_t *dst,
                                         size_t cap, const uint8_t *t, size_t *written) {
    ptrdiff_t shape = asy__b64_strict_shape(s, n);
    size_t m, i, o;
    uint8_t a, b, c, d;
    *written = 0;
    if (shape < 0) return (int)shape;
    m = (size_t)shape;
    i = asy__b64_dec_simd(level, s, m, dst, cap, t);
    o = i / 4 * 3;
    for (; m - i >= 4; i += 4) {
        a = ASY__DEC7(t, s[i]);
        b = ASY__DEC7(t, s[i + 1]);
        c = ASY__DEC7(t, s[i + 2]);
        d = ASY__DEC7(t, s[i + 3]);
        if ((a | b | c | d) & 0x80) {
            *written = o;
            return ASY_EINVAL;
        }
        if (cap - o < 3) {
            *written = asy__b64_put(dst, o, cap, ((uint32_t)a << 18) | ((uint32_t)b << 12) |
                                                     ((uint32_t)c << 6) | d, 3);
            return 0;
        }
        dst[o] = (uint8_t)((a << 2) | (b >> 4));
        dst[o + 1] = (uint8_t)((b << 4) | (c >> 2));
        dst[o + 2] = (uint8_t)((c << 6) | d);
        o += 3;
    }
    if (m - i >= 2) { /* 2 or 3 characters left: 1 or 2 bytes */
        a = ASY__DEC7(t, s[i]);
        b = ASY__DEC7(t, s[i + 1]);
        c = m - i == 3 ? ASY__DEC7(t, s[i + 2]) : 0;
        if ((a | b | c) & 0x80) {
            *written = o;
            return ASY_EINVAL;
        }
        o = asy__b64_put(dst, o, cap, ((uint32_t)a << 18) | ((uint32_t)b << 12) | ((uint32_t)c << 6),
                         m - i - 1);
    }
    *written = o;
    return 0;
}

ASY__INTERNAL size_t asy__b64_decode_lenient(int level, const uint8_t *s, size_t n, uint8_t *dst,
                                             size_t cap) {
    const uint8_t *t = asy__b64_dec_any;
    size_t i = 0, o = 0, next_simd = 0;
    uint32_t acc = 0;
    int k = 0;
    while (i < n) {
        uint8_t c, v;
        /* Whole blocks go to SIMD while the quantum is aligned; after a
         * block it refused (junk in it), the scalar loop gets past that
         * block before SIMD is tried again. */
        if (k == 0 && i >= next_simd && level) {
            size_t used = asy__b64_dec_simd(level, s + i, n - i, dst + o, cap - o, t);
            i += used;
            o += used / 4 * 3;
            next_simd = i + 64;
            if (i >= n) break;
        }
        /* whole valid quanta without the per-character bookkeeping */
        while (k == 0 && n - i >= 4 && cap - o >= 3) {
            uint8_t a = ASY__DEC7(t, s[i]), b = ASY__DEC7(t, s[i + 1]);
            uint8_t d = ASY__DEC7(t, s[i + 2]), e = ASY__DEC7(t, s[i + 3]);
            if ((a | b | d | e) & 0x80) break;
            dst[o] = (uint8_t)((a << 2) | (b >> 4));
            dst[o + 1] = (uint8_t)((b << 4) | (d >> 2));
            dst[o + 2] = (uint8_t)((d << 6) | e);
            o += 3;
            i += 4;
        }
        if (i >= n) break;
        c = s[i++];
        v = ASY__DEC7(t, c);
        if (v & 0x80) {
            if (c == '=') break;
            continue;
        }
        acc = (acc << 6) | v;
        if (++k == 4) {
            if (cap - o < 3) return asy__b64_put(dst, o, cap, acc, 3);
            dst[o] = (uint8_t)(acc >> 16);
            dst[o + 1] = (uint8_t)(acc >> 8);
            dst[o + 2] = (uint8_t)acc;
            o += 3;
            acc = 0;
            k = 0;
        }
    }
    if (k >= 2) o = asy__b64_put(dst, o, cap, acc << (6 * (4 - k)), (size_t)k - 1);
    return o;
}

ASY__INTERNAL int asy__base64_decode_with(int level, const char *src, size_t n, uint8_t *dst,
                                          size_t cap, unsigned flags, int url,
                                          size_t *written) {
    const uint8_t *s = (const uint8_t *)src;
    if (flags & ASY_BUF_LENIENT) {
        *written = asy__b64_decode_lenient(level, s, n, dst, cap);
        return 0;
    }
    return asy__b64_decode_strict(level, s, n, dst, cap, url ? asy__b64_dec_url : asy__b64_dec_std,
                                  written);
}

ASY__INTERNAL int asy__base64_decode(const char *src, size_t n, uint8_t *dst, size_t cap,
                                     unsigned flags, int url, size_t *written) {
    return asy__base64_decode_with(asy__simd_level(), src, n, dst, cap, flags, url, written);
}

ASY__INTERNAL ptrdiff_t asy__base64_decoded_len(const char *src, size_t n, unsigned flags,
                                                int url) {
    const uint8_t *s = (const uint8_t *)src;
    size_t i, valid = 0;
    if (flags & ASY_BUF_LENIENT) {
        for (i = 0; i < n && s[i] != '='; i++) valid += !(ASY__DEC7(asy__b64_dec_any, s[i]) & 0x80);
    } else {
        const uint8_t *t = url ? asy__b64_dec_url : asy__b64_dec_std;
        ptrdiff_t shape = asy__b64_strict_shape(s, n);
        if (shape < 0) return shape;
        valid = (size_t)shape;
        for (i = 0; i < valid; i++)
            if (ASY__DEC7(t, s[i]) & 0x80) return ASY_EINVAL;
    }
    return (ptrdiff_t)(valid / 4 * 3 + (valid % 4 > 1 ? valid % 4 - 1 : 0));
}

#line 1 "asyncrt_impl/buf/encoding.c"
/* Strings <-> buffers: the public face of the encoders and decoders. */

ASY__INTERNAL int asy__enc_ok(asy_encoding_t enc) {
    return (int)enc >= (int)ASY_ENC_UTF8 && (int)enc <= (int)ASY_ENC_UTF16LE;
}

ASY__INTERNAL int asy__name_is(const char *a, const char *b) {
    for (; *a && *b; a++, b++) {
        char c = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        if (c != *b) return 0;
    }
    return *a == *b;
}

ASYNCRT_API int asy_encoding_from_name(const char *name) {
    static const struct {
        const char *name;
        asy_encoding_t enc;
    } names[] = {{"utf8", ASY_ENC_UTF8},        {"utf-8", ASY_ENC_UTF8},
                 {"hex", ASY_ENC_HEX},          {"base64", ASY_ENC_BASE64},
                 {"base64url", ASY_ENC_BASE64URL}, {"latin1", ASY_ENC_LATIN1},
                 {"binary", ASY_ENC_LATIN1},    {"ascii", ASY_ENC_ASCII},
                 {"utf16le", ASY_ENC_UTF16LE},  {"utf-16le", ASY_ENC_UTF16LE},
                 {"ucs2", ASY_ENC_UTF16LE},     {"ucs-2", ASY_ENC_UTF16LE}};
    size_t i;
    if (!name) return ASY_EINVAL;
    for (i = 0; i < ASY_ARRAY_SIZE(names); i++)
        if (asy__name_is(name, names[i].name)) return (int)names[i].enc;
    return ASY_EINVAL;
}

ASYNCRT_API const char *asy_encoding_name(asy_encoding_t enc) {
    static const char *const names[] = {"utf8",  "hex",   "base64", "base64url",
                                        "latin1", "ascii", "utf16le"};
    return asy__enc_ok(enc) ? names[(int)enc] : NULL;
}

/* ---- buffer -> string ---------------------------------------------------- */

ASYNCRT_API ptrdiff_t asy_buf_string_length(const asy_buf_t *b, asy_encoding_t enc) {
    size_t n;
    if (!b || !asy__enc_ok(enc)) return ASY_EINVAL;
    n = b->len;
    /* PTRDIFF_MAX bounds every object, so a longer string cannot exist */
    switch (enc) {
        case ASY_ENC_HEX:
            return n > (size_t)PTRDIFF_MAX / 2 ? (ptrdiff_t)ASY_ENOMEM : (ptrdiff_t)(2 * n);
        case ASY_ENC_BASE64:
        case ASY_ENC_BASE64URL:
            if (n / 3 > (size_t)PTRDIFF_MAX / 4 - 1) return ASY_ENOMEM;
            return (ptrdiff_t)asy__base64_encoded_len(n, enc == ASY_ENC_BASE64URL);
        default: {
            size_t len = asy__text_encoded_len(enc, b->data, n);
            return len > (size_t)PTRDIFF_MAX ? (ptrdiff_t)ASY_ENOMEM : (ptrdiff_t)len;
        }
    }
}

ASY__INTERNAL size_t asy__encode(const asy_buf_t *b, asy_encoding_t enc, char *dst) {
    switch (enc) {
        case ASY_ENC_HEX:
            return asy__hex_encode(b->data, b->len, dst);
        case ASY_ENC_BASE64:
        case ASY_ENC_BASE64URL:
            return asy__base64_encode(b->data, b->len, dst, enc == ASY_ENC_BASE64URL);
        default:
            return asy__text_encode(enc, b->data, b->len, dst);
    }
}

ASYNCRT_API int asy_buf_to_string(const asy_buf_t *b, asy_encoding_t enc, char **out,
                                  size_t *out_len) {
    ptrdiff_t len;
    char *s;
    if (out) *out = NULL;
    if (out_len) *out_len = 0;
    if (!out) return ASY_EINVAL;
    len = asy_buf_string_length(b, enc);
    if (len < 0) return (int)len;
    s = (char *)asy__malloc((size_t)len + 1);
    if (!s) return ASY_ENOMEM;
    if (len) asy__encode(b, enc, s);
    s[len] = '\0';
    *out = s;
    if (out_len) *out_len = (size_t)len;
    return 0;
}

ASYNCRT_API ptrdiff_t asy_buf_encode_into(const asy_buf_t *b, asy_encoding_t enc, char *dst,
                                          size_t cap) {
    ptrdiff_t len = asy_buf_string_length(b, enc);
    if (len < 0) return len;
    if ((size_t)len > cap) return ASY_ERANGE;
    if (len && !dst) return ASY_EINVAL;
    if (len) asy__encode(b, enc, dst);
    return len;
}

/* ---- string -> buffer ---------------------------------------------------- */

ASY__INTERNAL int asy__decode(asy_encoding_t enc, const char *src, size_t n, uint8_t *dst,
                              size_t cap, unsigned flags, size_t *written) {
    switch (enc) {
        case ASY_ENC_HEX:
            return asy__hex_decode(src, n, dst, cap, flags, written);
        case ASY_ENC_BASE64:
        case ASY_ENC_BASE64URL:
            return asy__base64_decode(src, n, dst, cap, flags, enc == ASY_ENC_BASE64URL, written);
        default:
            return asy__text_decode(enc, src, n, dst, cap, flags, written);
    }
}

ASYNCRT_API ptrdiff_t asy_buf_byte_length(const char *str, size_t len, asy_encoding_t enc,
                                          unsigned flags) {
    size_t n;
    int r;
    if ((!str && len) || !asy__enc_ok(enc)) return ASY_EINVAL;
    if (len == 0) return 0;
    switch (enc) {
        case ASY_ENC_HEX:
            return asy__hex_decoded_len(str, len, flags);
        case ASY_ENC_BASE64:
        case ASY_ENC_BASE64URL:
            return asy__base64_decoded_len(str, len, flags, enc == ASY_ENC_BASE64URL);
        default:
            r = asy__text_decode(enc, str, len, NULL, 0, flags, &n);
            if (r < 0) return r;
            return n > (size_t)PTRDIFF_MAX ? (ptrdiff_t)ASY_ENOMEM : (ptrdiff_t)n;
    }
}

ASYNCRT_API int asy_buf_from_stringn(asy_buf_t *out, const char *str, size_t len,
                                     asy_encoding_t enc, unsigned flags) {
    size_t cap, written;
    ptrdiff_t exact;
    int r;
    if (!out) return ASY_EINVAL;
    asy__buf_clear(out);
    if ((!str && len) || !asy__enc_ok(enc)) return ASY_EINVAL;
    if (len == 0) return 0;
    switch (enc) {
        case ASY_ENC_HEX:
            cap = len / 2;
            break;
        case ASY_ENC_BASE64:
        case ASY_ENC_BASE64URL:
            /* an upper bound: exact for valid strict input */
            cap = len / 4 * 3 + (len % 4 > 1 ? len % 4 - 1 : 0);
            break;
        default:
            if (enc == ASY_ENC_UTF8 && asy_utf8_valid(str, len)) {
                cap = len;
                break;
            }
            exact = asy_buf_byte_length(str, len, enc, flags);
            if (exact < 0) return (int)exact;
            cap = (size_t)exact;
            break;
    }
    r = asy__buf_make(out, cap, cap, 0);
    if (r < 0) return r;
    r = asy__decode(enc, str, len, out->data, cap, flags, &written);
    if (r < 0) {
        asy_buf_release(out);
        return r;
    }
    out->len = written;
    if (out->store) out->store->used = written;
    asy__buf_shrink(out);
    return 0;
}

ASYNCRT_API int asy_buf_from_string(asy_buf_t *out, const char *str, asy_encoding_t enc) {
    if (!out) return ASY_EINVAL;
    if (!str) {
        asy__buf_clear(out);
        return ASY_EINVAL;
    }
    return asy_buf_from_stringn(out, str, strlen(str), enc, 0);
}

ASYNCRT_API ptrdiff_t asy_buf_write_string(asy_buf_t *b, size_t offset, const char *str,
                                           size_t len, asy_encoding_t enc, unsigned flags) {
    size_t written;
    int r;
    if (!b || (!str && len) || !asy__enc_ok(enc)) return ASY_EINVAL;
    if (offset > b->len) return ASY_ERANGE;
    if (len == 0 || offset == b->len) return 0;
    if (!(flags & ASY_BUF_LENIENT)) {
        ptrdiff_t check = asy_buf_byte_length(str, len, enc, flags);
        if (check < 0) return check;
    }
    r = asy__decode(enc, str, len, b->data + offset, b->len - offset, flags, &written);
    return r < 0 ? r : (ptrdiff_t)written;
}

#line 1 "asyncrt_impl/buf/buf_ops.c"
/* Comparing, searching, filling, copying and concatenating buffers, with
 * Node's rules for positions and out-of-range arguments. */

ASYNCRT_API int asy_buf_equals(const asy_buf_t *a, const asy_buf_t *b) {
    if (!a || !b) return a == b;
    if (a->len != b->len) return 0;
    return a->len == 0 || a->data == b->data || memcmp(a->data, b->data, a->len) == 0;
}

ASYNCRT_API int asy_buf_compare(const asy_buf_t *a, const asy_buf_t *b) {
    size_t la = a ? a->len : 0, lb = b ? b->len : 0, n = la < lb ? la : lb;
    int c = n ? memcmp(a->data, b->data, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return la < lb ? -1 : la > lb ? 1 : 0;
}

/* Node's starting point for indexOf (forward) and lastIndexOf: negative
 * offsets count from the end; -1 means nothing can match. */
ASY__INTERNAL ptrdiff_t asy__index_start(size_t len, ptrdiff_t off, size_t n, int forward) {
    if (off < 0) {
        size_t back = (size_t)(-(off + 1)) + 1;
        if (back <= len) return (ptrdiff_t)(len - back);
        return forward || n == 0 ? 0 : -1;
    }
    if ((size_t)off <= len && n <= len - (size_t)off) return off;
    if (n == 0) return (ptrdiff_t)len;
    if (forward) return -1;
    return (ptrdiff_t)len - 1;
}

ASY__INTERNAL ptrdiff_t asy__find(const uint8_t *h, size_t hlen, const uint8_t *nd, size_t n,
                                  size_t from) {
    const uint8_t *p = h + from, *last;
    if (n > hlen || from > hlen - n) return -1;
    last = h + (hlen - n); /* the last place a match can start */
    while (p <= last) {
        p = (const uint8_t *)memchr(p, nd[0], (size_t)(last - p) + 1);
        if (!p) return -1;
        if (memcmp(p + 1, nd + 1, n - 1) == 0) return (ptrdiff_t)(p - h);
        p++;
    }
    return -1;
}

ASY__INTERNAL ptrdiff_t asy__find_last(const uint8_t *h, size_t hlen, const uint8_t *nd,
                                       size_t n, size_t from) {
    size_t i;
    if (n > hlen) return -1;
    i = from < hlen - n ? from : hlen - n;
    for (;;) {
        if (h[i] == nd[0] && memcmp(h + i + 1, nd + 1, n - 1) == 0) return (ptrdiff_t)i;
        if (i-- == 0) return -1;
    }
}

ASYNCRT_API ptrdiff_t asy_buf_index_of(const asy_buf_t *b, const void *needle, size_t n,
                                       ptrdiff_t byte_offset) {
    ptrdiff_t start;
    if (!b || (!needle && n)) return -1;
    start = asy__index_start(b->len, byte_offset, n, 1);
    if (n == 0 || start < 0) return start;
    return asy__find(b->data, b->len, (const uint8_t *)needle, n, (size_t)start);
}

ASYNCRT_API ptrdiff_t asy_buf_last_index_of(const asy_buf_t *b, const void *needle, size_t n,
                                            ptrdiff_t byte_offset) {
    ptrdiff_t start;
    if (!b || (!needle && n)) return -1;
    start = asy__index_start(b->len, byte_offset, n, 0);
    if (n == 0 || start < 0) return start;
    return asy__find_last(b->data, b->len, (const uint8_t *)needle, n, (size_t)start);
}

ASYNCRT_API int asy_buf_includes(const asy_buf_t *b, const void *needle, size_t n,
                                 ptrdiff_t byte_offset) {
    return asy_buf_index_of(b, needle, n, byte_offset) >= 0;
}

/* The bytes str stands for in enc: utf8 is used as is, anything else is
 * decoded (strictly) into *tmp, which the caller releases. */
ASY__INTERNAL int asy__needle(const char *str, asy_encoding_t enc, asy_buf_t *tmp,
                              const uint8_t **p, size_t *n) {
    int r;
    asy__buf_clear(tmp);
    if (!str) return ASY_EINVAL;
    if (enc == ASY_ENC_UTF8) {
        *p = (const uint8_t *)str;
        *n = strlen(str);
        return 0;
    }
    r = asy_buf_from_string(tmp, str, enc);
    *p = tmp->data;
    *n = tmp->len;
    return r;
}

ASYNCRT_API ptrdiff_t asy_buf_index_of_string(const asy_buf_t *b, const char *str,
                                              ptrdiff_t byte_offset, asy_encoding_t enc) {
    asy_buf_t tmp;
    const uint8_t *p = NULL;
    size_t n = 0;
    ptrdiff_t r = -1;
    if (asy__needle(str, enc, &tmp, &p, &n) == 0) r = asy_buf_index_of(b, p, n, byte_offset);
    asy_buf_release(&tmp);
    return r;
}

ASYNCRT_API ptrdiff_t asy_buf_last_index_of_string(const asy_buf_t *b, const char *str,
                                                   ptrdiff_t byte_offset, asy_encoding_t enc) {
    asy_buf_t tmp;
    const uint8_t *p = NULL;
    size_t n = 0;
    ptrdiff_t r = -1;
    if (asy__needle(str, enc, &tmp, &p, &n) == 0)
        r = asy_buf_last_index_of(b, p, n, byte_offset);
    asy_buf_release(&tmp);
    return r;
}

ASYNCRT_API int asy_buf_includes_string(const asy_buf_t *b, const char *str,
                                        ptrdiff_t byte_offset, asy_encoding_t enc) {
    return asy_buf_index_of_string(b, str, byte_offset, enc) >= 0;
}

/* [start, end) of a fill, or ASY_ERANGE; start past the end is an empty
 * range, as in Node. */
ASY__INTERNAL int asy__fill_range(const asy_buf_t *b, ptrdiff_t start, ptrdiff_t end, size_t *s,
                                  size_t *e) {
    if (start < 0) return ASY_ERANGE;
    if (end == ASY_BUF_END) end = (ptrdiff_t)b->len;
    if (end < 0 || (size_t)end > b->len) return ASY_ERANGE;
    *s = (size_t)start;
    *e = (size_t)end;
    return 0;
}

ASYNCRT_API int asy_buf_fill(asy_buf_t *b, const void *pattern, size_t n, ptrdiff_t start,
                             ptrdiff_t end) {
    size_t s, e, done;
    int r;
    if (!b || (!pattern && n)) return ASY_EINVAL;
    r = asy__fill_range(b, start, end, &s, &e);
    if (r < 0) return r;
    if (n == 0) return ASY_EINVAL;
    if (s >= e) return 0;
    if (n == 1) {
        memset(b->data + s, *(const uint8_t *)pattern, e - s);
        return 0;
    }
    /* one copy of the pattern, then double what is written */
    done = n < e - s ? n : e - s;
    memmove(b->data + s, pattern, done);
    while (done < e - s) {
        size_t k = done < e - s - done ? done : e - s - done;
        memcpy(b->data + s + done, b->data + s, k);
        done += k;
    }
    return 0;
}

ASYNCRT_API int asy_buf_fill_byte(asy_buf_t *b, int value, ptrdiff_t start, ptrdiff_t end) {
    uint8_t v = (uint8_t)(value & 0xff);
    return asy_buf_fill(b, &v, 1, start, end);
}

ASYNCRT_API int asy_buf_fill_string(asy_buf_t *b, const char *str, asy_encoding_t enc,
                                    ptrdiff_t start, ptrdiff_t end) {
    asy_buf_t tmp;
    const uint8_t *p = NULL;
    size_t n = 0;
    int r;
    if (!b || !str || !asy__enc_ok(enc)) return ASY_EINVAL;
    if (!*str) return asy_buf_fill_byte(b, 0, start, end); /* Node fills "" with zeros */
    r = asy__needle(str, enc, &tmp, &p, &n);
    if (r == 0) r = asy_buf_fill(b, p, n, start, end);
    asy_buf_release(&tmp);
    return r;
}

ASYNCRT_API ptrdiff_t asy_buf_copy(const asy_buf_t *source, asy_buf_t *target,
                                   ptrdiff_t target_start, ptrdiff_t source_start,
                                   ptrdiff_t source_end) {
    size_t ts, ss, se, n;
    if (!source || !target) return ASY_EINVAL;
    if (target_start < 0 || source_start < 0 || source_end < 0) return ASY_ERANGE;
    if ((size_t)source_start > source->len) return ASY_ERANGE;
    ts = (size_t)target_start;
    ss = (size_t)source_start;
    se = (size_t)source_end < source->len ? (size_t)source_end : source->len;
    if (ts >= target->len || ss >= se) return 0;
    n = se - ss;
    if (n > target->len - ts) n = target->len - ts;
    memmove(target->data + ts, source->data + ss, n);
    return (ptrdiff_t)n;
}

ASYNCRT_API int asy_buf_concat(asy_buf_t *out, const asy_buf_t *list, size_t count,
                               ptrdiff_t total_len) {
    size_t sum = 0, total, o = 0, i;
    int r;
    if (!out) return ASY_EINVAL;
    asy__buf_clear(out);
    if (!list && count) return ASY_EINVAL;
    if (total_len < 0) return ASY_ERANGE;
    for (i = 0; i < count; i++) {
        if (list[i].len > SIZE_MAX - sum) return ASY_ENOMEM;
        sum += list[i].len;
    }
    total = total_len == ASY_BUF_END ? sum : (size_t)total_len;
    r = asy__buf_make(out, total, total, 0);
    if (r < 0) return r;
    for (i = 0; i < count && o < total; i++) {
        size_t k = list[i].len < total - o ? list[i].len : total - o;
        if (k) memcpy(out->data + o, list[i].data, k);
        o += k;
    }
    if (o < total) memset(out->data + o, 0, total - o);
    return 0;
}

#line 1 "asyncrt_impl/buf/buf_num.c"
/* Fixed-size numbers in either byte order (buf.readUInt32LE & co.).
 * Bytes are assembled one by one, which is alignment- and host-order-free;
 * compilers turn it into a single load or store (plus bswap). */

ASY__INTERNAL uint64_t asy__load_n(const uint8_t *p, size_t size, int be) {
    uint64_t v = 0;
    size_t i;
    if (be)
        for (i = 0; i < size; i++) v = (v << 8) | p[i];
    else
        for (i = size; i-- > 0;) v = (v << 8) | p[i];
    return v;
}

ASY__INTERNAL void asy__store_n(uint8_t *p, uint64_t v, size_t size, int be) {
    size_t i;
    for (i = 0; i < size; i++, v >>= 8) p[be ? size - 1 - i : i] = (uint8_t)v;
}

ASY__INTERNAL int asy__num_check(const asy_buf_t *b, size_t off, size_t size) {
    if (!b) return ASY_EINVAL;
    return b->len >= size && off <= b->len - size ? 0 : ASY_ERANGE;
}

/* Signed and floating-point values travel through their unsigned
 * representation (two's complement, IEEE 754) by memcpy. */
#define ASY__NUM_RW(suffix, type, utype, be)                                   \
    ASYNCRT_API int asy_buf_read_##suffix(const asy_buf_t *b, size_t off, type *v) { \
        utype u;                                                               \
        int r = asy__num_check(b, off, sizeof(type));                          \
        if (r == 0 && !v) r = ASY_EINVAL;                                      \
        if (r < 0) return r;                                                   \
        u = (utype)asy__load_n(b->data + off, sizeof(type), be);               \
        memcpy(v, &u, sizeof(type));                                           \
        return 0;                                                              \
    }                                                                          \
    ASYNCRT_API int asy_buf_write_##suffix(asy_buf_t *b, size_t off, type v) { \
        utype u;                                                               \
        int r = asy__num_check(b, off, sizeof(type));                          \
        if (r < 0) return r;                                                   \
        memcpy(&u, &v, sizeof(type));                                          \
        asy__store_n(b->data + off, u, sizeof(type), be);                      \
        return 0;                                                              \
    }

ASY__NUM_RW(u8, uint8_t, uint8_t, 0)
ASY__NUM_RW(i8, int8_t, uint8_t, 0)
ASY__NUM_RW(u16_le, uint16_t, uint16_t, 0)
ASY__NUM_RW(u16_be, uint16_t, uint16_t, 1)
ASY__NUM_RW(i16_le, int16_t, uint16_t, 0)
ASY__NUM_RW(i16_be, int16_t, uint16_t, 1)
ASY__NUM_RW(u32_le, uint32_t, uint32_t, 0)
ASY__NUM_RW(u32_be, uint32_t, uint32_t, 1)
ASY__NUM_RW(i32_le, int32_t, uint32_t, 0)
ASY__NUM_RW(i32_be, int32_t, uint32_t, 1)
ASY__NUM_RW(u64_le, uint64_t, uint64_t, 0)
ASY__NUM_RW(u64_be, uint64_t, uint64_t, 1)
ASY__NUM_RW(i64_le, int64_t, uint64_t, 0)
ASY__NUM_RW(i64_be, int64_t, uint64_t, 1)
ASY__NUM_RW(float_le, float, uint32_t, 0)
ASY__NUM_RW(float_be, float, uint32_t, 1)
ASY__NUM_RW(double_le, double, uint64_t, 0)
ASY__NUM_RW(double_be, double, uint64_t, 1)

#undef ASY__NUM_RW

/* ---- variable width ------------------------------------------------------ */

ASY__INTERNAL int asy__width_check(const asy_buf_t *b, size_t off, size_t width) {
    if (width < 1 || width > 8) return ASY_EINVAL;
    return asy__num_check(b, off, width);
}

/* Sign-extends the low `width` bytes of u. */
ASY__INTERNAL int64_t asy__sext(uint64_t u, size_t width) {
    int64_t v;
    if (width < 8) {
        u &= ((uint64_t)1 << (8 * width)) - 1;
        if ((u >> (8 * width - 1)) & 1) u |= ~(uint64_t)0 << (8 * width);
    }
    memcpy(&v, &u, sizeof(v));
    return v;
}

ASY__INTERNAL int asy__read_var(const asy_buf_t *b, size_t off, size_t width, int be,
                                uint64_t *u) {
    int r = asy__width_check(b, off, width);
    if (r < 0) return r;
    *u = asy__load_n(b->data + off, width, be);
    return 0;
}

ASYNCRT_API int asy_buf_read_uint_le(const asy_buf_t *b, size_t off, size_t byte_length,
                                     uint64_t *v) {
    return v ? asy__read_var(b, off, byte_length, 0, v) : ASY_EINVAL;
}

ASYNCRT_API int asy_buf_read_uint_be(const asy_buf_t *b, size_t off, size_t byte_length,
                                     uint64_t *v) {
    return v ? asy__read_var(b, off, byte_length, 1, v) : ASY_EINVAL;
}

ASYNCRT_API int asy_buf_read_int_le(const asy_buf_t *b, size_t off, size_t byte_length,
                                    int64_t *v) {
    uint64_t u;
    int r = v ? asy__read_var(b, off, byte_length, 0, &u) : ASY_EINVAL;
    if (r == 0) *v = asy__sext(u, byte_length);
    return r;
}

ASYNCRT_API int asy_buf_read_int_be(const asy_buf_t *b, size_t off, size_t byte_length,
                                    int64_t *v) {
    uint64_t u;
    int r = v ? asy__read_var(b, off, byte_length, 1, &u) : ASY_EINVAL;
    if (r == 0) *v = asy__sext(u, byte_length);
    return r;
}

ASY__INTERNAL int asy__write_uvar(asy_buf_t *b, size_t off, size_t width, uint64_t v, int be) {
    int r = asy__width_check(b, off, width);
    if (r < 0) return r;
    if (width < 8 && v >> (8 * width)) return ASY_ERANGE;
    asy__store_n(b->data + off, v, width, be);
    return 0;
}

ASY__INTERNAL int asy__write_ivar(asy_buf_t *b, size_t off, size_t width, int64_t v, int be) {
    uint64_t u;
    int r = asy__width_check(b, off, width);
    if (r < 0) return r;
    memcpy(&u, &v, sizeof(u));
    /* fits when sign-extending its low bytes gives it back */
    if (asy__sext(u, width) != v) return ASY_ERANGE;
    asy__store_n(b->data + off, u, width, be);
    return 0;
}

ASYNCRT_API int asy_buf_write_uint_le(asy_buf_t *b, size_t off, size_t byte_length, uint64_t v) {
    return asy__write_uvar(b, off, byte_length, v, 0);
}

ASYNCRT_API int asy_buf_write_uint_be(asy_buf_t *b, size_t off, size_t byte_length, uint64_t v) {
    return asy__write_uvar(b, off, byte_length, v, 1);
}

ASYNCRT_API int asy_buf_write_int_le(asy_buf_t *b, size_t off, size_t byte_length, int64_t v) {
    return asy__write_ivar(b, off, byte_length, v, 0);
}

ASYNCRT_API int asy_buf_write_int_be(asy_buf_t *b, size_t off, size_t byte_length, int64_t v) {
    return asy__write_ivar(b, off, byte_length, v, 1);
}

/* ---- swaps ------------------------------------------------------------------ */

ASY__INTERNAL int asy__swap(asy_buf_t *b, size_t unit) {
    size_t i, k;
    if (!b || b->len % unit) return ASY_EINVAL;
    for (i = 0; i < b->len; i += unit)
        for (k = 0; k < unit / 2; k++) {
            uint8_t t = b->data[i + k];
            b->data[i + k] = b->data[i + unit - 1 - k];
            b->data[i + unit - 1 - k] = t;
        }
    return 0;
}

ASYNCRT_API int asy_buf_swap16(asy_buf_t *b) { return asy__swap(b, 2); }
ASYNCRT_API int asy_buf_swap32(asy_buf_t *b) { return asy__swap(b, 4); }
ASYNCRT_API int asy_buf_swap64(asy_buf_t *b) { return asy__swap(b, 8); }

#line 1 "asyncrt_impl/buf/bufchain.c"
/* The byte chain: a ring of views that grows by doubling, so appending,
 * prepending and consuming are O(1) (amortised) and never copy data. */

/* Size of a segment made for copied bytes: one 4 KiB block with its header,
 * enough for a batch of header lines or small writes. */
#define ASY__CHAIN_SEG ((size_t)4096 - ASY__BUF_HDR)

ASY__INTERNAL asy_buf_t *asy__seg(const asy_bufchain_t *c, size_t i) {
    return &c->segs[(c->head + i) & (c->cap - 1)];
}

ASY__INTERNAL int asy__chain_room(asy_bufchain_t *c) {
    asy_buf_t *segs;
    size_t cap, i;
    if (c->count < c->cap) return 0;
    cap = c->cap ? c->cap * 2 : 8;
    if (cap > SIZE_MAX / sizeof(asy_buf_t)) return ASY_ENOMEM;
    segs = ASY__NEW_ARRAY(asy_buf_t, cap);
    if (!segs) return ASY_ENOMEM;
    for (i = 0; i < c->count; i++) segs[i] = *asy__seg(c, i);
    asy__free(c->segs);
    c->segs = segs;
    c->cap = cap;
    c->head = 0;
    return 0;
}

ASY__INTERNAL void asy__chain_pop(asy_bufchain_t *c) {
    asy_buf_t *s = asy__seg(c, 0);
    c->len -= s->len;
    asy_buf_release(s);
    c->head = (c->head + 1) & (c->cap - 1);
    c->count--;
}

ASYNCRT_API void asy_bufchain_init(asy_bufchain_t *c) {
    if (c) memset(c, 0, sizeof(*c));
}

ASYNCRT_API void asy_bufchain_reset(asy_bufchain_t *c) {
    if (!c) return;
    while (c->count) asy__chain_pop(c);
    asy__free(c->segs);
    memset(c, 0, sizeof(*c));
}

ASYNCRT_API size_t asy_bufchain_len(const asy_bufchain_t *c) { return c ? c->len : 0; }

ASYNCRT_API size_t asy_bufchain_count(const asy_bufchain_t *c) { return c ? c->count : 0; }

ASYNCRT_API int asy_bufchain_append(asy_bufchain_t *c, const asy_buf_t *b) {
    int r;
    if (!c || !b) return ASY_EINVAL;
    if (b->len == 0) return 0;
    if ((r = asy__chain_room(c)) < 0) return r;
    if (b->store) b->store->refs++;
    *asy__seg(c, c->count++) = *b;
    c->len += b->len;
    return 0;
}

ASYNCRT_API int asy_bufchain_append_move(asy_bufchain_t *c, asy_buf_t *b) {
    int r;
    if (!c || !b) return ASY_EINVAL;
    if (b->len == 0) {
        asy_buf_release(b);
        return 0;
    }
    if ((r = asy__chain_room(c)) < 0) return r;
    *asy__seg(c, c->count++) = *b;
    c->len += b->len;
    asy__buf_clear(b);
    return 0;
}

ASYNCRT_API int asy_bufchain_prepend(asy_bufchain_t *c, const asy_buf_t *b) {
    int r;
    if (!c || !b) return ASY_EINVAL;
    if (b->len == 0) return 0;
    if ((r = asy__chain_room(c)) < 0) return r;
    if (b->store) b->store->refs++;
    c->head = (c->head - 1) & (c->cap - 1);
    c->count++;
    *asy__seg(c, 0) = *b;
    c->len += b->len;
    return 0;
}

ASYNCRT_API int asy_bufchain_append_bytes(asy_bufchain_t *c, const void *bytes, size_t n) {
    const uint8_t *p = (const uint8_t *)bytes;
    asy_buf_t seg;
    int r;
    if (!c || (!bytes && n)) return ASY_EINVAL;
    if (n == 0) return 0;
    if (c->count) {
        /* Spare room after the last view, which no other view reaches
         * (storage->used marks the end of every view), takes the bytes in
         * place. */
        asy_buf_t *t = asy__seg(c, c->count - 1);
        asy__buf_storage *s = t->store;
        if (s && !s->external && t->data + t->len == s->base + s->used && s->used < s->cap) {
            size_t k = s->cap - s->used < n ? s->cap - s->used : n;
            memcpy(t->data + t->len, p, k);
            t->len += k;
            s->used += k;
            c->len += k;
            p += k;
            n -= k;
            if (n == 0) return 0;
        }
    }
    if ((r = asy__chain_room(c)) < 0) return r;
    r = asy__buf_make(&seg, n > ASY__CHAIN_SEG ? n : ASY__CHAIN_SEG, n, 0);
    if (r < 0) return r;
    memcpy(seg.data, p, n);
    *asy__seg(c, c->count++) = seg;
    c->len += n;
    return 0;
}

ASYNCRT_API size_t asy_bufchain_consume(asy_bufchain_t *c, size_t n) {
    size_t done = 0;
    if (!c) return 0;
    while (n > done && c->count) {
        asy_buf_t *s = asy__seg(c, 0);
        size_t k = n - done;
        if (s->len <= k) {
            done += s->len;
            asy__chain_pop(c);
        } else {
            s->data += k;
            s->len -= k;
            c->len -= k;
            done += k;
        }
    }
    return done;
}

ASYNCRT_API size_t asy_bufchain_peek(const asy_bufchain_t *c, size_t offset, void *dst,
                                     size_t n) {
    uint8_t *d = (uint8_t *)dst;
    size_t i, done = 0;
    if (!c || (!dst && n)) return 0;
    for (i = 0; i < c->count && done < n; i++) {
        const asy_buf_t *s = asy__seg(c, i);
        size_t k;
        if (offset >= s->len) {
            offset -= s->len;
            continue;
        }
        k = s->len - offset < n - done ? s->len - offset : n - done;
        memcpy(d + done, s->data + offset, k);
        done += k;
        offset = 0;
    }
    return done;
}

ASYNCRT_API int asy_bufchain_take(asy_bufchain_t *c, size_t n, asy_buf_t *out) {
    asy_buf_t *s;
    int r;
    if (!out) return ASY_EINVAL;
    asy__buf_clear(out);
    if (!c) return ASY_EINVAL;
    if (n > c->len) n = c->len;
    if (n == 0) return 0;
    s = asy__seg(c, 0);
    if (s->len == n) { /* the whole first segment changes hands */
        *out = *s;
        asy__buf_clear(s);
        c->len -= n;
        c->head = (c->head + 1) & (c->cap - 1);
        c->count--;
        return 0;
    }
    if (s->len > n) {
        if (s->store) s->store->refs++;
        out->store = s->store;
        out->data = s->data;
        out->len = n;
        s->data += n;
        s->len -= n;
        c->len -= n;
        return 0;
    }
    r = asy__buf_make(out, n, n, 0);
    if (r < 0) return r;
    asy_bufchain_peek(c, 0, out->data, n);
    asy_bufchain_consume(c, n);
    return 0;
}

ASYNCRT_API int asy_bufchain_flatten(const asy_bufchain_t *c, asy_buf_t *out) {
    int r;
    if (!out) return ASY_EINVAL;
    asy__buf_clear(out);
    if (!c) return ASY_EINVAL;
    if (c->count == 0) return 0;
    if (c->count == 1) return asy_buf_retain(out, asy__seg(c, 0));
    r = asy__buf_make(out, c->len, c->len, 0);
    if (r < 0) return r;
    asy_bufchain_peek(c, 0, out->data, c->len);
    return 0;
}

ASYNCRT_API int asy_bufchain_segment(const asy_bufchain_t *c, size_t i, asy_buf_t *view) {
    if (!view) return ASY_EINVAL;
    asy__buf_clear(view);
    if (!c) return ASY_EINVAL;
    if (i >= c->count) return ASY_ERANGE;
    *view = *asy__seg(c, i);
    return 0;
}

ASYNCRT_API size_t asy_bufchain_gather(const asy_bufchain_t *c, asy_iovec_t *iov,
                                       size_t max_iov, size_t max_bytes) {
    size_t i, bytes = 0;
    if (!c || !iov) return 0;
    for (i = 0; i < c->count && i < max_iov && bytes < max_bytes; i++) {
        const asy_buf_t *s = asy__seg(c, i);
        size_t k = s->len < max_bytes - bytes ? s->len : max_bytes - bytes;
        iov[i].base = s->data;
        iov[i].len = k;
        bytes += k;
    }
    return i;
}

/* Whether needle[0, n) matches the chain from segment i, offset off on. */
ASY__INTERNAL int asy__chain_match(const asy_bufchain_t *c, size_t i, size_t off,
                                   const uint8_t *needle, size_t n) {
    while (n && i < c->count) {
        const asy_buf_t *s = asy__seg(c, i);
        size_t k = s->len - off < n ? s->len - off : n;
        if (memcmp(s->data + off, needle, k) != 0) return 0;
        needle += k;
        n -= k;
        off = 0;
        i++;
    }
    return n == 0;
}

ASYNCRT_API ptrdiff_t asy_bufchain_index_of(const asy_bufchain_t *c, const void *needle,
                                            size_t n, size_t offset) {
    const uint8_t *nd = (const uint8_t *)needle;
    size_t i, base = 0;
    if (!c || (!needle && n)) return -1;
    if (n == 0) return (ptrdiff_t)(offset < c->len ? offset : c->len);
    if (offset >= c->len || n > c->len - offset) return -1;
    for (i = 0; i < c->count; base += asy__seg(c, i)->len, i++) {
        const asy_buf_t *s = asy__seg(c, i);
        const uint8_t *p, *end = s->data + s->len;
        if (base + s->len <= offset) continue;
        p = s->data + (offset > base ? offset - base : 0);
        while (p < end && (p = (const uint8_t *)memchr(p, nd[0], (size_t)(end - p))) != NULL) {
            size_t pos = base + (size_t)(p - s->data);
            if (n > c->len - pos) return -1;
            if (asy__chain_match(c, i, (size_t)(p - s->data), nd, n)) return (ptrdiff_t)pos;
            p++;
        }
    }
    return -1;
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

/* A loop between asy_loop_init and asy_loop_close.  Every public call
 * that takes a loop checks it, so a closed (zeroed) loop gives an error
 * code or id 0, never a write through its zeroed state. */
#define ASY__LOOP_LIVE 0x6c797361u /* "asyl" */
static inline int asy__loop_live(const asy_loop_t *loop) {
    return loop && loop->live_ == ASY__LOOP_LIVE;
}

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
/* defined by the process layer */
ASY__INTERNAL void asy__process_close(asy_process_t *h);
ASY__INTERNAL void asy__ipc_close(asy_ipc_t *h);
/* Sockets, pipes, TTYs (net layer): close stops them and closes the fd;
 * finish_close runs in the close phase, before close_cb, to deliver the
 * completions of their cancelled operations. */
ASY__INTERNAL void asy__net_close(asy_handle_t *h);
ASY__INTERNAL void asy__net_finish_close(asy_handle_t *h);

ASY__INTERNAL int asy__timers_init(asy_loop_t *loop);
ASY__INTERNAL void asy__timers_free(asy_loop_t *loop);
ASY__INTERNAL void asy__run_timers(asy_loop_t *loop);
/* Whether the timers phase has anything to run now. */
static inline int asy__timers_due(const asy_loop_t *loop) {
    return loop->timers_.count && loop->timers_.items[0].key <= loop->time_;
}
/* ms until the next timer is due; -1 when there is none */
ASY__INTERNAL int64_t asy__next_timeout(const asy_loop_t *loop);
ASY__INTERNAL void asy__run_immediates(asy_loop_t *loop);
ASY__INTERNAL int asy__async_loop_init(asy_loop_t *loop);
ASY__INTERNAL void asy__async_dispatch(asy_loop_t *loop);
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
/* Extra revents bit: error or hang-up on the fd.  Extra events bit: edge-
 * triggered where the backend can (epoll), level-triggered elsewhere. */
enum { ASY__IO_ERR = 16, ASY__IO_EDGE = 32 };
ASY__INTERNAL int asy__backend_init(asy_loop_t *loop, const char *name);
/* A backend's wait that may have blocked ended; t0 is asy_hrtime() from
 * before it.  Counts the idle time and refreshes the loop's clock from the
 * same clock read (one read fewer per iteration than doing both apart). */
static inline void asy__backend_wait_ended(asy_loop_t *loop, uint64_t t0) {
    uint64_t t1 = asy_hrtime();
    loop->idle_ns_ += t1 - t0;
    if (!loop->opts_.virtual_clock) loop->time_ = t1 / 1000000u;
}
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
    if (!asy__loop_live(loop) || !cb) return ASY_EINVAL;
    return asy__taskq_push(&loop->ticks_, cb, arg);
}

ASYNCRT_API int asy_queue_microtask(asy_loop_t *loop, asy_fn cb, void *arg) {
    if (!asy__loop_live(loop) || !cb) return ASY_EINVAL;
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

/* 0, also for a handle already closing or closed; ASY_EINVAL for NULL or a
 * handle no *_init call set up (a zeroed struct has no loop). */
ASYNCRT_API int asy_close(asy_handle_t *h, asy_close_cb cb) {
    if (!h || !h->loop || h->type == ASY_HANDLE_UNKNOWN) return ASY_EINVAL;
    if (h->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) return 0;
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
        case ASY_HANDLE_PROCESS:
            asy__process_close((asy_process_t *)h);
            break;
        case ASY_HANDLE_IPC:
            asy__ipc_close((asy_ipc_t *)h);
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
    return 0;
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
                                        "pipe",    "tty",     "process", "fs_watch", "stream",
                                        "ipc"};
    unsigned i = (unsigned)type;
    return i < ASY_ARRAY_SIZE(names) ? names[i] : "unknown";
}

ASYNCRT_API void asy_loop_walk(asy_loop_t *loop, void (*fn)(asy_handle_t *h, void *arg),
                               void *arg) {
    asy__queue *q, *next;
    if (!asy__loop_live(loop) || !fn) return;
    for (q = loop->handles_.next; q != &loop->handles_; q = next) {
        asy_handle_t *h = ASY_CONTAINER_OF(q, asy_handle_t, handle_link_);
        next = q->next;
        if (!(h->flags_ & ASY__H_INTERNAL)) fn(h, arg);
    }
}

ASYNCRT_API int asy_loop_print_handles(asy_loop_t *loop, FILE *out) {
    asy__queue *q;
    int n = 0;
    if (!asy__loop_live(loop)) return ASY_EINVAL;
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
    if (!asy__loop_live(loop) || !t) return ASY_EINVAL;
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
    if (!t || !t->cb_ || (t->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED))) return ASY_EINVAL;
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
    if (!asy__loop_live(loop) || !cb) return id;
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
    if (!asy__loop_live(loop) || !cb) return id;
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
    if (!asy__loop_live(loop) || !h) return ASY_EINVAL;
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
/* Async handles.  A send marks its handle pending, then the loop pending
 * (wake_pending_); only the send that flips wake_pending_ from 0 looks
 * further, and it writes the loop's wake-up fd (an eventfd on Linux, a
 * pipe elsewhere) only if the loop said it may block (sleeping_).  A loop
 * that is busy finds wake_pending_ set at its next poll phase without any
 * syscall on either side, so sends to a working loop cost a few atomics.
 *
 * The handshake is a store-then-load on both sides, all seq_cst:
 *   loop:   sleeping_ = 1;  if (wake_pending_) don't block;  wait on the fd
 *   sender: wake_pending_ = 1;  if (sleeping_) write the fd
 * so either the loop sees the flag and does not block, or the sender sees
 * the loop asleep and wakes it (or both, which costs one spare wake-up).
 * The loop clears wake_pending_ *before* scanning the handles, so a send
 * racing the scan is either seen by the scan or flips the flag again: the
 * final wake is never lost.
 *
 * With epoll the eventfd is edge-triggered: every write is a new edge, so
 * the loop never has to read the counter back (it would take 2^64 writes
 * to fill it).  The poll backend is level-triggered, so the fd is drained
 * there. */

static void asy__wake_read(asy_loop_t *loop, asy__io *io, unsigned revents) {
    char buf[256];
    (void)revents;
    if (io->registered & ASY__IO_EDGE) return;
    for (;;) {
        ssize_t n = read(io->fd, buf, sizeof(buf));
        if (n == (ssize_t)sizeof(buf) && io->fd != loop->wake_wfd_) continue; /* pipe */
        if (n < 0 && errno == EINTR) continue;
        break;
    }
}

/* Runs the callbacks of pending async handles; the poll phase calls it
 * when wake_pending_ is set. */
ASY__INTERNAL void asy__async_dispatch(asy_loop_t *loop) {
    asy__queue q;
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
    unsigned events = ASY_READABLE;
#if ASYNCRT_OS_LINUX
    rfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (rfd < 0) return asy__errno();
    loop->wake_wfd_ = rfd;
    if (loop->backend_.kind == ASY__BACKEND_EPOLL) events |= ASY__IO_EDGE;
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
    r = asy__io_start(loop, &loop->wake_io_, events);
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
    if (!asy__loop_live(loop) || !h || !cb) return ASY_EINVAL;
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
    if (!__atomic_load_n(&loop->sleeping_, __ATOMIC_SEQ_CST)) return 0; /* it will look */
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
        if (!h->cb_) continue; /* a delivery's cursor or end marker */
        mask[h->signum_ / 64] |= (uint64_t)1 << (h->signum_ % 64);
    }
    for (i = 0; i < ASY__SIG_NSIG / 64; i++)
        __atomic_store_n(&asy__sig_loops[loop->signal_slot_].mask[i], mask[i], __ATOMIC_SEQ_CST);
}

/* Delivers one signal.  The list stays whole while callbacks run (the
 * loop's signal mask is computed from it whenever a handle stops or
 * starts): a cursor node steps past each handle before its callback, so a
 * callback may stop or close any handle, and an end marker keeps handles
 * started meanwhile for the next signal.  Cursor and marker have no callback. */
static void asy__signal_deliver(asy_loop_t *loop, int signum) {
    asy_signal_t cur, end;
    memset(&cur, 0, sizeof(cur));
    memset(&end, 0, sizeof(end));
    asy__queue_insert_head(&loop->signal_handles_, &cur.signal_link_);
    asy__queue_insert_tail(&loop->signal_handles_, &end.signal_link_);
    while (cur.signal_link_.next != &end.signal_link_) {
        asy__queue *q = cur.signal_link_.next;
        asy_signal_t *h = ASY_CONTAINER_OF(q, asy_signal_t, signal_link_);
        asy__queue_remove(&cur.signal_link_);
        asy__queue_insert_head(q, &cur.signal_link_); /* right after h */
        if (h->signum_ != signum) continue;
        if (h->oneshot_) asy_signal_stop(h);
        h->cb_(h, signum);
        asy__after_cb(loop);
    }
    asy__queue_remove(&cur.signal_link_);
    asy__queue_remove(&end.signal_link_);
}

static void asy__signal_read(asy_loop_t *loop, asy__io *io, unsigned revents) {
    unsigned char buf[128];
    ssize_t n, i;
    (void)revents;
    for (;;) {
        n = read(io->fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        for (i = 0; i < n; i++) asy__signal_deliver(loop, (int)buf[i]);
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
    if (!asy__loop_live(loop) || !h) return ASY_EINVAL;
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
     * asked for, so its next read or write surfaces the error (libuv): all
     * of them, since the condition stays until the fd is stopped, and a
     * caller who never hears of it would have the loop spin. */
    if (revents & ASY__IO_ERR)
        ev |= h->io_.events & (ASY_READABLE | ASY_WRITABLE | ASY_DISCONNECT | ASY_PRIORITIZED);
    if (ev) h->cb_(h, 0, ev);
}

ASYNCRT_API int asy_poll_init_at(asy_loop_t *loop, asy_poll_t *h, int fd, const char *file,
                                 int line) {
    if (!asy__loop_live(loop) || !h || fd < 0) return ASY_EINVAL;
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
    if (!asy__loop_live(loop)) return ASY_EINVAL;
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
    if (!asy__loop_live(loop) || !out) return ASY_EINVAL;
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
    } else {
        loop->live_ = ASY__LOOP_LIVE;
    }
    return r;
}

ASYNCRT_API uint64_t asy_now(const asy_loop_t *loop) { return loop ? loop->time_ : 0; }

ASYNCRT_API void asy_update_time(asy_loop_t *loop) {
    if (loop && !loop->opts_.virtual_clock) loop->time_ = asy_hrtime() / 1000000u;
}

ASYNCRT_API int asy_loop_alive(const asy_loop_t *loop) {
    return asy__loop_live(loop) && (loop->active_handles_ > 0 || loop->active_reqs_ > 0 ||
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
    if (!asy__loop_live(loop) || !req || !cb) return ASY_EINVAL;
    req->cb = cb;
    req->arg = arg;
    asy__queue_insert_tail(&loop->pending_, &req->link_);
    return 0;
}

/* Returns whether any pending callback ran. */
static inline int asy__run_pending(asy_loop_t *loop) {
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
 * their completion is real work the program is waiting for.
 *
 * Before it may block the loop raises sleeping_ and looks at wake_pending_
 * (the async handshake, loop/async.c); pending async handles run after the
 * backend's events.  A poll that may not block and has no fd to look at
 * but the wake-up fd costs no syscall: wake_pending_ says all that fd
 * would. */
static void asy__poll_phase(asy_loop_t *loop, int timeout) {
    int wait = timeout, jump = 0, n = 0, may_block;
    if (loop->opts_.virtual_clock && timeout > 0) {
        if (loop->active_reqs_ > 0) {
            wait = -1;
        } else {
            wait = 0;
            jump = 1;
        }
    }
    may_block = wait != 0;
    if (may_block) {
        __atomic_store_n(&loop->sleeping_, 1, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&loop->wake_pending_, __ATOMIC_SEQ_CST)) wait = 0;
    }
    if (wait != 0 || loop->backend_.io_count > (loop->wake_io_.registered != 0))
        n = asy__backend_poll(loop, wait);
    if (may_block) __atomic_store_n(&loop->sleeping_, 0, __ATOMIC_RELAXED);
    if (__atomic_load_n(&loop->wake_pending_, __ATOMIC_ACQUIRE)) {
        asy__async_dispatch(loop);
        n++;
    }
    if (jump && n == 0) loop->time_ += (uint64_t)timeout;
}

ASYNCRT_API int asy_run(asy_loop_t *loop, asy_run_mode mode) {
    int alive, ran_pending;
    if (!asy__loop_live(loop)) return ASY_EINVAL;
    if (loop->running_) return ASY_EBUSY; /* asy_run from a callback */
    loop->running_ = 1;
    /* Code that ran before asy_run is the "main module": its nextTicks and
     * microtasks run before the first phase, as in Node. */
    asy__after_cb(loop);
    alive = asy_loop_alive(loop);
    if (!alive) asy_update_time(loop);
    /* Each phase is entered only when it has work: an idle turn of the loop
     * is a handful of tests and one clock read. */
    while (alive && !loop->stop_flag_) {
        int timeout = 0;
        asy_update_time(loop);
        if (asy__timers_due(loop)) asy__run_timers(loop);
        ran_pending = asy__run_pending(loop);
        if (!asy__queue_empty(&loop->idle_)) asy__run_phase(loop, &loop->idle_);
        if (!asy__queue_empty(&loop->prepare_)) asy__run_phase(loop, &loop->prepare_);
        if ((mode == ASY_RUN_ONCE && !ran_pending) || mode == ASY_RUN_DEFAULT)
            timeout = asy__poll_timeout(loop);
        asy__poll_phase(loop, timeout);
        if (!asy__queue_empty(&loop->check_)) asy__run_phase(loop, &loop->check_);
        if (!asy__queue_empty(&loop->immediate_q_)) asy__run_immediates(loop);
        if (!asy__queue_empty(&loop->closing_)) asy__run_closing(loop);
        loop->iterations_++;
        if (mode == ASY_RUN_ONCE) {
            /* ONCE promises progress: timers that came due while polling */
            asy_update_time(loop);
            if (asy__timers_due(loop)) asy__run_timers(loop);
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
    if (!asy__loop_live(loop) || !loop->opts_.virtual_clock) return ASY_EINVAL;
    /* the clock saturates, as due times do: it never runs backwards */
    target = ms > UINT64_MAX - loop->time_ ? UINT64_MAX : loop->time_ + ms;
    /* step from deadline to deadline so callbacks see the time they were due */
    for (;;) {
        int64_t next = asy__next_timeout(loop);
        if (next < 0 || (uint64_t)next > target - loop->time_) break;
        loop->time_ += (uint64_t)next;
        asy__run_timers(loop);
        /* at the end of time a repeat is due again at once: run it once */
        if (loop->time_ == UINT64_MAX) break;
    }
    loop->time_ = target;
    return 0;
}

/* Closing twice, or a loop that was never initialised, is ASY_EINVAL.
 * Requests in flight (thread pool work, fs, dns) make it ASY_EBUSY, as in
 * libuv: they are kept, and complete when the loop runs again. */
ASYNCRT_API int asy_loop_close(asy_loop_t *loop) {
    int i;
    if (!asy__loop_live(loop)) return ASY_EINVAL;
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
    if (loop->active_reqs_ > 0) {
        if (loop->opts_.debug_handles)
            fprintf(stderr, "asy_loop_close: %u requests in flight\n", loop->active_reqs_);
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
    if (events & ASY__IO_EDGE) m |= EPOLLET;
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
    /* Idle time is measured around a wait that may block, and only then:
     * a loop under load finds its events already there, so it asks
     * without waiting first and reads no clock (as libuv does when Node
     * turns on idle-time metrics).  When nothing is ready the extra call
     * costs an idle loop, never a busy one. */
    n = epoll_wait(b->fd, ev, (int)b->nevents, 0);
    if (n <= 0 && timeout != 0) {
        t0 = asy_hrtime();
        n = epoll_wait(b->fd, ev, (int)b->nevents, timeout);
        asy__backend_wait_ended(loop, t0);
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
    if (timeout != 0) asy__backend_wait_ended(loop, t0);
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
/* atomics: several threads may fork (or spawn) at once */
static void asy__note_fork(void) { __atomic_store_n(&asy__forked, 1, __ATOMIC_RELAXED); }
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
    if (sole_owner && !__atomic_load_n(&asy__forked, __ATOMIC_RELAXED) && loop->backend_.kind == ASY__BACKEND_EPOLL) {
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
    /* another reference to the open file may exist (an adopted fd, one
     * handed out by asy_sock_fileno, one a child process inherits or one
     * sent over a Unix socket): unregister explicitly on close.  Code that
     * shares an fd of a handle by other means must set it. */
    ASY__FD_SHARED = 4,
    ASY__FD_CORKED = 8 /* in the loop's corked list */
};
/* The size suggested to lazy allocators (libuv's 64 KiB). */
#define ASY__READ_SUGGEST 65536
/* The loop's shared read buffer: one serves every socket of the loop.
 * 64 KiB like libuv's suggestion -- a larger one saves reads but copies
 * into memory that no longer stays in cache (pump1: 256 KiB was 25%
 * slower per CPU second). */
#define ASY__LOOPBUF_SIZE (64 * 1024)

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
 * for readiness: an op is never completed from inside asy__op_submit.
 *
 * Write coalescing: a write submitted while an earlier write of the same
 * fd has finished but not yet been reported is held back ("corked") and
 * goes out with the writes that follow it in one writev when the pending
 * phase delivers that report -- as Node's Writable batches the writes made
 * while one is in flight into _writev.  A lone write still goes out at
 * once, so request/response traffic sees no delay. */

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
enum {
    ASY__P_AGAIN = 0,
    ASY__P_DONE = 1,
    ASY__P_DONE_SHORT = 2,
    /* the allocator closed the fd: the op was cancelled, hands off */
    ASY__P_GONE = 3
};
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
    asy__free(loop->ops_.corked_);
    loop->ops_.corked_ = NULL;
    loop->ops_.ncorked_ = loop->ops_.corked_cap_ = 0;
}

/* Adds f to the corked list; 0 or ASY_ENOMEM. */
static int asy__ops_cork(asy_loop_t *loop, asy__opfd *f) {
    asy__ops_state *st = &loop->ops_;
    if (f->flags_ & ASY__FD_CORKED) return 0;
    if (st->ncorked_ == st->corked_cap_) {
        unsigned ncap = st->corked_cap_ ? st->corked_cap_ * 2 : 16;
        asy__opfd **n = (asy__opfd **)asy__realloc(st->corked_, ncap * sizeof(*n));
        if (!n) return ASY_ENOMEM;
        st->corked_ = n;
        st->corked_cap_ = ncap;
    }
    st->corked_[st->ncorked_++] = f;
    f->flags_ |= ASY__FD_CORKED;
    return 0;
}

static void asy__ops_uncork_remove(asy_loop_t *loop, asy__opfd *f) {
    asy__ops_state *st = &loop->ops_;
    unsigned i;
    if (!(f->flags_ & ASY__FD_CORKED)) return;
    f->flags_ &= ~(unsigned)ASY__FD_CORKED;
    for (i = 0; i < st->ncorked_; i++)
        if (st->corked_[i] == f) {
            st->corked_[i] = st->corked_[--st->ncorked_];
            break;
        }
}

static void asy__opfd_run(asy_loop_t *loop, asy__opfd *f, asy__queue *q, unsigned rev);

/* Sends the held-back writes (gathered); what the socket does not take
 * waits for POLLOUT as usual.  Bounded by the fds corked on entry: the
 * callbacks of these writes may cork again, for the next round. */
static void asy__ops_uncork(asy_loop_t *loop) {
    asy__ops_state *st = &loop->ops_;
    unsigned guard = st->ncorked_;
    while (st->ncorked_ && guard-- > 0) {
        asy__opfd *f = st->corked_[--st->ncorked_];
        f->flags_ &= ~(unsigned)ASY__FD_CORKED;
        if (asy__queue_empty(&f->writeq_)) continue;
        asy__opfd_run(loop, f, &f->writeq_, ASY_WRITABLE);
        if ((f->flags_ & (ASY__FD_CLOSED | ASY__FD_CORKED)) || asy__queue_empty(&f->writeq_))
            continue;
        if (!(f->io.events & ASY_WRITABLE) && asy__io_start(loop, &f->io, ASY_WRITABLE) != 0) {
            /* cannot wait for this fd: fail what it still holds */
            while (!asy__queue_empty(&f->writeq_)) {
                asy__op *op =
                    ASY_CONTAINER_OF(asy__queue_head(&f->writeq_), asy__op, link_);
                asy__queue_remove(&op->link_);
                op->result = ASY_EBADF;
                op->state_ = ASY__OPS_IDLE;
                op->cb(op);
                asy__after_cb(loop);
                if (f->flags_ & ASY__FD_CLOSED) break;
            }
        }
    }
}

static int asy__would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

/* The pending phase's share: deliver parked completions.  Ops a callback
 * finishes meanwhile (a write cb that writes again, completed at submit)
 * are delivered in the same phase, in further rounds, so a lone writer
 * fills the socket buffer in one iteration instead of one chunk per
 * iteration.  The rounds stop once the phase has delivered a budget of
 * bytes: data written past it would go cold in the cache before the reader
 * copies it out (with 100 writers one round is 6 MiB and a second round
 * halves pump100's throughput; one writer keeps its 16 rounds of 64 KiB).
 * What is left waits for the next iteration. */
#define ASY__DONE_ROUNDS 16
#define ASY__DONE_BYTES (1u << 20)
static void asy__ops_run_done(void *arg) {
    asy_loop_t *loop = (asy_loop_t *)arg;
    asy__queue q;
    int rounds = ASY__DONE_ROUNDS;
    size_t bytes = 0;
    /* pending_armed_ stays set: new completions join done_ without a
     * second registration */
    while ((!asy__queue_empty(&loop->ops_.done_) || loop->ops_.ncorked_) && rounds-- > 0 &&
           bytes < ASY__DONE_BYTES) {
        asy__queue_init(&q);
        asy__queue_move(&loop->ops_.done_, &q);
        while (!asy__queue_empty(&q)) {
            asy__op *op = ASY_CONTAINER_OF(asy__queue_head(&q), asy__op, link_);
            asy__queue_remove(&op->link_);
            op->state_ = ASY__OPS_IDLE;
            op->fd_->ndone_--;
            if ((op->kind == ASY__OP_WRITE || op->kind == ASY__OP_SENDMSG) && op->result > 0)
                bytes += (size_t)op->result;
            op->cb(op);
            asy__after_cb(loop);
        }
        asy__ops_uncork(loop);
    }
    loop->ops_.pending_armed_ = 0;
    if (!asy__queue_empty(&loop->ops_.done_) || loop->ops_.ncorked_) {
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
        if (!loop->ops_.rbuf_) loop->ops_.rbuf_ = (char *)asy__malloc(ASY__LOOPBUF_SIZE + 4096);
        if (!loop->ops_.rbuf_) return ASY_ENOMEM;
        /* page-aligned: the kernel's copy into it avoids split cache lines */
        op->u.rw.base = loop->ops_.rbuf_ + (4096 - ((uintptr_t)loop->ops_.rbuf_ & 4095));
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
    if (f->flags_ & ASY__FD_CLOSED) return ASY__P_GONE;
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
    if (f->flags_ & ASY__FD_CLOSED) return ASY__P_GONE;
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
            /* writable without an error condition: connected, no need to
             * ask (a failed connect always raises EPOLLERR / POLLERR) */
            if ((rev & ASY_WRITABLE) && !(rev & ASY__IO_ERR)) {
                op->result = 0;
                return ASY__P_DONE;
            }
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

/* Several writes queued behind each other go out in one writev /
 * sendmsg: a queue forms when the socket buffer was full, and then one
 * syscall serves many small writes.  Returns ASY__P_AGAIN when the socket
 * took less than everything gathered (or nothing), ASY__P_DONE when every
 * gathered write completed, -1 when there was nothing to gather (fewer
 * than two writes at the head). */
#define ASY__GATHER_IOV 256
static int asy__opfd_gather(asy_loop_t *loop, asy__opfd *f) {
    struct iovec v[ASY__GATHER_IOV];
    asy__queue *q, done;
    int nv = 0, nops = 0;
    ssize_t n;
    size_t total = 0;
    ASY__QUEUE_FOREACH(q, &f->writeq_) {
        asy__op *op = ASY_CONTAINER_OF(q, asy__op, link_);
        unsigned i;
        if (op->kind != ASY__OP_WRITE || nv + (int)op->u.wv.n > ASY__GATHER_IOV) break;
        for (i = 0; i < op->u.wv.n; i++) {
            v[nv].iov_base = op->u.wv.iov[i].base;
            v[nv].iov_len = op->u.wv.iov[i].len;
            total += v[nv].iov_len;
            nv++;
        }
        nops++;
    }
    if (nops < 2) return -1;
    do {
        if (f->flags_ & ASY__FD_SOCKET) {
            struct msghdr m;
            memset(&m, 0, sizeof(m));
            m.msg_iov = v;
            m.msg_iovlen = (size_t)nv;
            n = sendmsg(f->io.fd, &m, MSG_NOSIGNAL);
        } else {
            n = writev(f->io.fd, v, nv);
        }
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (asy__would_block(errno)) return ASY__P_AGAIN;
        return -1; /* the head write fails on its own and reports it */
    }
    /* hand the bytes to the writes in order; the finished ones leave the
     * queue before any callback runs, so a callback that closes the fd
     * cannot cancel writes that are already complete */
    asy__queue_init(&done);
    {
        size_t left = (size_t)n;
        while (!asy__queue_empty(&f->writeq_) && nops-- > 0) {
            asy__op *op = ASY_CONTAINER_OF(asy__queue_head(&f->writeq_), asy__op, link_);
            while (op->u.wv.n > 0 && left >= op->u.wv.iov->len) {
                left -= op->u.wv.iov->len;
                op->result += (ptrdiff_t)op->u.wv.iov->len;
                op->u.wv.iov->len = 0;
                op->u.wv.iov++;
                op->u.wv.n--;
            }
            if (op->u.wv.n > 0) {
                if (left) {
                    op->u.wv.iov->base += left;
                    op->u.wv.iov->len -= left;
                    op->result += (ptrdiff_t)left;
                }
                break;
            }
            asy__queue_remove(&op->link_);
            asy__queue_insert_tail(&done, &op->link_);
        }
    }
    while (!asy__queue_empty(&done)) {
        asy__op *op = ASY_CONTAINER_OF(asy__queue_head(&done), asy__op, link_);
        asy__queue_remove(&op->link_);
        op->state_ = ASY__OPS_IDLE;
        op->cb(op);
        asy__after_cb(loop);
    }
    return (size_t)n < total ? ASY__P_AGAIN : ASY__P_DONE;
}

/* Runs the head ops of one queue until one would block. */
static void asy__opfd_run(asy_loop_t *loop, asy__opfd *f, asy__queue *q, unsigned rev) {
    int budget = ASY__OPS_BUDGET;
    while (!asy__queue_empty(q) && budget-- > 0) {
        asy__op *op = ASY_CONTAINER_OF(asy__queue_head(q), asy__op, link_);
        int r;
        if (q == &f->writeq_ && op->kind == ASY__OP_WRITE) {
            r = asy__opfd_gather(loop, f);
            if (r == ASY__P_AGAIN || (f->flags_ & ASY__FD_CLOSED)) return;
            if (r == ASY__P_DONE) continue;
        }
        r = asy__op_perform(loop, f, op, rev);
        if (r == ASY__P_AGAIN) break;
        if (r == ASY__P_GONE) return;
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
    /* an error: a pending connect reports it before any read does */
    if ((rev & ASY__IO_ERR) && !asy__queue_empty(&f->writeq_)) {
        asy__opfd_run(loop, f, &f->writeq_, rev);
        if (f->flags_ & ASY__FD_CLOSED) return;
    }
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
            if (op->kind == ASY__OP_WRITE &&
                (asy__queue_empty(&f->writeq_) ? f->ndone_ > 0 : (f->flags_ & ASY__FD_CORKED)) &&
                asy__ops_cork(loop, f) == 0) {
                /* an earlier write is done but unreported: hold this one
                 * back to go out with whatever follows (see the top) */
                asy__queue_insert_tail(&f->writeq_, &op->link_);
                op->state_ = ASY__OPS_QUEUED;
                if (!loop->ops_.pending_armed_) { /* ndone_ > 0 keeps it armed */
                    loop->ops_.pending_armed_ = 1;
                    asy_defer(loop, &loop->ops_.pending_, asy__ops_run_done, loop);
                }
                return 0;
            }
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
    asy__ops_uncork_remove(loop, f);
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
#line 1 "asyncrt_impl/promise/objpool.c"
/* asy__objpool: fixed-size objects for the hot paths of the promise and
 * sync layers.
 *
 * Chunks grow geometrically, start on a cache-line boundary and are handed
 * out by bumping a pointer, so memory is touched only when used.  Freed
 * objects go on a LIFO free list (the most recently used, cache-warm,
 * object comes back first).  When the last live object is freed the free
 * list is dropped and bumping starts over from the first chunk: a burst
 * (a million queued tasks) then gets its objects in address order, which
 * the hardware prefetcher streams, instead of chasing a cold free list.
 *
 * Every object starts with a one-word header: the free-list link while
 * free, the pool's live tag while in use (the owner may keep something
 * useful there, as promises keep their loop state), which lets the owner
 * walk the live objects when tearing down. */
#define ASY__OBJ_LIVE ((void *)(uintptr_t)1)
#define ASY__OBJPOOL_FIRST 64u
#define ASY__OBJPOOL_MAX_CHUNK 65536u
/* A hint to fetch memory that will be needed soon (free lists, queues). */
#if defined(__GNUC__) || defined(__clang__)
#define ASY__PREFETCH(p) __builtin_prefetch(p)
#else
#define ASY__PREFETCH(p) ((void)0)
#endif

typedef struct {
    char **chunks;        /* aligned starts */
    void **raw;           /* what the allocator returned */
    uint32_t *chunk_items;
    uint32_t *chunk_used; /* how far objects were ever handed out */
    uint32_t nchunks, chunks_cap;
    size_t item_size;
    uint32_t next_items;
    uint32_t bump_chunk; /* where bumping is */
    char *bump, *bump_end;
    void *free_head;
    size_t total, live;
    void *live_tag;
} asy__objpool;

/* live_tag: the header of objects in use; never NULL, never an object's
 * address (ASY__OBJ_LIVE will do). */
ASY__INTERNAL void asy__objpool_init(asy__objpool *p, size_t item_size, void *live_tag) {
    memset(p, 0, sizeof(*p));
    p->item_size = (item_size + 7) & ~(size_t)7;
    p->next_items = ASY__OBJPOOL_FIRST;
    p->live_tag = live_tag;
}

/* Records how far the bump chunk has been handed out (the teardown walk
 * stops there); done when bumping leaves a chunk, not on every alloc. */
static void asy__objpool_sync_used(asy__objpool *p) {
    uint32_t used;
    if (!p->bump) return;
    used = (uint32_t)((size_t)(p->bump - p->chunks[p->bump_chunk]) / p->item_size);
    if (used > p->chunk_used[p->bump_chunk]) p->chunk_used[p->bump_chunk] = used;
}

static void asy__objpool_bump_at(asy__objpool *p, uint32_t c) {
    asy__objpool_sync_used(p);
    p->bump_chunk = c;
    p->bump = p->chunks[c];
    p->bump_end = p->chunks[c] + (size_t)p->chunk_items[c] * p->item_size;
}

static int asy__objpool_add_chunk(asy__objpool *p, size_t items) {
    char *chunk;
    void *raw;
    if (items < p->next_items) items = p->next_items;
    if (items > (SIZE_MAX - 64) / p->item_size || items > UINT32_MAX) return ASY_ENOMEM;
    if (p->nchunks == p->chunks_cap) {
        uint32_t ncap = p->chunks_cap ? p->chunks_cap * 2 : 16;
        char **nc;
        void **nr;
        uint32_t *ni, *nu;
        if (!(nc = (char **)asy__realloc(p->chunks, ncap * sizeof(char *)))) return ASY_ENOMEM;
        p->chunks = nc;
        if (!(nr = (void **)asy__realloc(p->raw, ncap * sizeof(void *)))) return ASY_ENOMEM;
        p->raw = nr;
        if (!(ni = (uint32_t *)asy__realloc(p->chunk_items, ncap * sizeof(uint32_t))))
            return ASY_ENOMEM;
        p->chunk_items = ni;
        if (!(nu = (uint32_t *)asy__realloc(p->chunk_used, ncap * sizeof(uint32_t))))
            return ASY_ENOMEM;
        p->chunk_used = nu;
        p->chunks_cap = ncap;
    }
    if (!(raw = asy__malloc(items * p->item_size + 64))) return ASY_ENOMEM;
    /* a 64-byte object then spans exactly one cache line */
    chunk = (char *)raw + ((64 - ((uintptr_t)raw & 63)) & 63);
    p->raw[p->nchunks] = raw;
    p->chunks[p->nchunks] = chunk;
    p->chunk_items[p->nchunks] = (uint32_t)items;
    p->chunk_used[p->nchunks] = 0;
    p->nchunks++;
    p->total += items;
    if (p->next_items < ASY__OBJPOOL_MAX_CHUNK) p->next_items *= 2;
    return 0;
}

/* The bump chunk is used up: its leftovers (none, unless a reserve added a
 * chunk early) are already on the free list; move on to the next chunk. */
static int asy__objpool_next_chunk(asy__objpool *p) {
    uint32_t next = p->bump ? p->bump_chunk + 1 : 0;
    if (next >= p->nchunks && asy__objpool_add_chunk(p, 1) != 0) return ASY_ENOMEM;
    asy__objpool_bump_at(p, next);
    return 0;
}

/* After a 0 return, n allocations cannot fail. */
ASY__INTERNAL int asy__objpool_reserve(asy__objpool *p, size_t n) {
    size_t have = p->total - p->live;
    return have >= n ? 0 : asy__objpool_add_chunk(p, n - have);
}

static inline void *asy__objpool_alloc(asy__objpool *p) {
    void *obj;
    if (ASY__LIKELY(p->free_head != NULL)) {
        obj = p->free_head;
        p->free_head = *(void **)obj;
        /* the next object off the list is likely cold: fetch it now */
        ASY__PREFETCH(p->free_head);
    } else {
        if (p->bump == p->bump_end && asy__objpool_next_chunk(p) != 0) return NULL;
        obj = p->bump;
        p->bump += p->item_size;
    }
    *(void **)obj = p->live_tag;
    p->live++;
    return obj;
}

static inline void asy__objpool_free(asy__objpool *p, void *obj) {
    *(void **)obj = p->free_head;
    p->free_head = obj;
    if (--p->live == 0) {
        /* everything is back: start over in address order */
        p->free_head = NULL;
        asy__objpool_bump_at(p, 0);
    }
}

/* Calls fn on every live object (teardown). */
ASY__INTERNAL void asy__objpool_each_live(asy__objpool *p, void (*fn)(void *obj, void *ctx),
                                          void *ctx) {
    uint32_t c, i;
    asy__objpool_sync_used(p);
    for (c = 0; c < p->nchunks; c++)
        for (i = 0; i < p->chunk_used[c]; i++) {
            void *obj = p->chunks[c] + (size_t)i * p->item_size;
            if (*(void **)obj == p->live_tag) fn(obj, ctx);
        }
}

ASY__INTERNAL void asy__objpool_destroy(asy__objpool *p) {
    uint32_t c;
    for (c = 0; c < p->nchunks; c++) asy__free(p->raw[c]);
    asy__free(p->raw);
    asy__free(p->chunks);
    asy__free(p->chunk_items);
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
    ASY__P_MSG_OWNED = 1u << 3, /* res_.message is ours to free */
    ASY__P_FREEFN = 1u << 4,    /* own_.free_fn frees res_.value */
    ASY__P_KEEP = 1u << 5       /* own_.keep owns what res_ points to */
};

struct asy__promise_state;

/* 64 bytes, one cache line: a million queued tasks are a million promises,
 * and every pass over them costs a miss per line. */
struct asy_promise_s {
    /* first: the object pool's header.  While the promise lives it is the
     * pool's live tag, which is the loop's promise state; while free or
     * dying it links the free list or the release worklist. */
    struct asy__promise_state *st_;
    asy_settled_t res_;
    uint32_t refs_;
    uint32_t flags_;
    union {
        void (*free_fn)(void *value); /* owned value (asy_ok_owned) */
        asy_promise_t *keep;          /* owner of a value/message passed on to us */
    } own_;
    struct asy__reaction *rtail_; /* continuations: a ring, rtail_->next is the first */
};

/* A continuation attached to a promise, later the microtask job that runs
 * it.  One struct serves every kind so one pool serves them all. */
enum {
    ASY__R_THEN = 1,  /* fn_a / fn_b (on_ok / on_err) settle derived */
    ASY__R_FINALLY,   /* fn_a runs on either outcome */
    ASY__R_FTHUNK,    /* finally's tail: settle derived like arg (the original) */
    ASY__R_OBSERVE,   /* fn_a is an asy_settled_fn */
    ASY__R_THENABLE,  /* V8's PromiseResolveThenableJob: src = the promise
                         derived was resolved with */
    ASY__R_ADOPT,     /* derived takes src's outcome */
    ASY__R_ALL,       /* combinator elements: arg is the asy__combo */
    ASY__R_SETTLED,
    ASY__R_RACE,
    ASY__R_ANY
};

/* Callbacks of either shape are stored as this and cast back to their own
 * type before the call. */
typedef void (*asy__any_fn)(void);

typedef struct asy__reaction { /* 64 bytes */
    void *pool_link_;
    struct asy__reaction *next;
    asy_promise_t *src;     /* set (and retained) once queued as a job */
    asy_promise_t *derived; /* retained, when the kind has one */
    asy__any_fn fn_a, fn_b;
    void *arg;
    uint32_t index;
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
/* resolve(value) for internal callers, unless p is no longer pending */
ASY__INTERNAL void asy__promise_fulfill(asy_promise_t *p, void *value);
/* settle p like the settled src, unless p is no longer pending */
ASY__INTERNAL void asy__promise_settle_like(asy_promise_t *p, asy_promise_t *src);
/* The promise whose lifetime owns p's value and message (NULL: none). */
static inline asy_promise_t *asy__promise_owner(asy_promise_t *p) {
    if (p->flags_ & ASY__P_KEEP) return p->own_.keep;
    return (p->flags_ & (ASY__P_FREEFN | ASY__P_MSG_OWNED)) ? p : NULL;
}

ASY__INTERNAL int asy__promise_push_microtask(asy__promise_state *st, asy_fn fn, void *arg);

/* then.c: observing the outcome of a task for the sync layer.  Everything
 * that can fail is allocated before the task runs (asy__watch_prepare), so
 * once the task has made something (a resource, work that holds permits)
 * its outcome is sure to reach the observer: asy__watch_ret cannot fail. */
typedef struct {
    asy_promise_t *p;
    asy__reaction *r;
} asy__watch;
ASY__INTERNAL int asy__watch_prepare(asy_loop_t *loop, asy__watch *w);
/* Gives back a prepared watch that will not be used. */
ASY__INTERNAL void asy__watch_cancel(asy__watch *w);
/* Settles with the task's ret (consumed), attaches fn(arg, outcome) as a
 * microtask and returns the promise of the outcome (a reference). */
ASY__INTERNAL asy_promise_t *asy__watch_ret(asy__watch *w, asy_ret_t *ret, asy_settled_fn fn,
                                            void *arg);

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
    /* A job that finds the microtask ring full is parked until the end of
     * the drain those queued jobs will cause.  A ring never allocated is
     * empty, so no drain would come: the layer starts with one. */
    if (!loop->microtasks_.cap) {
        asy__taskq *q = &loop->microtasks_;
        if (!(q->items = ASY__NEW_ARRAY(struct asy__task, 64))) {
            asy__free(st);
            return NULL;
        }
        q->cap = 64;
        q->head = q->count = 0;
    }
    memset(st, 0, sizeof(*st));
    st->loop = loop;
    asy__objpool_init(&st->promises, sizeof(asy_promise_t), st);
    asy__objpool_init(&st->reactions, sizeof(asy__reaction), ASY__OBJ_LIVE);
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
    p->own_.keep = NULL;
    p->rtail_ = NULL;
    return p; /* st_ is the pool's live tag: already set */
}

ASY__INTERNAL asy__reaction *asy__reaction_alloc(asy__promise_state *st) {
    asy__reaction *r = (asy__reaction *)asy__objpool_alloc(&st->reactions);
    if (!r) return NULL;
    r->next = NULL;
    r->src = r->derived = NULL;
    r->fn_a = r->fn_b = NULL;
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

/* Takes the continuations off a promise, first attached first. */
static asy__reaction *asy__promise_take_reactions(asy_promise_t *p) {
    asy__reaction *tail = p->rtail_, *head;
    if (!tail) return NULL;
    p->rtail_ = NULL;
    head = tail->next;
    tail->next = NULL;
    return head;
}

/* st is passed in: p's header already links the worklist */
static void asy__promise_destroy(asy__promise_state *st, asy_promise_t *p) {
    asy__reaction *r = asy__promise_take_reactions(p);
    while (r) {
        asy__reaction *next = r->next;
        asy__reaction_drop(st, r);
        r = next;
    }
    if (p->flags_ & ASY__P_FREEFN) p->own_.free_fn(p->res_.value);
    if (p->flags_ & ASY__P_MSG_OWNED) asy__free((void *)(uintptr_t)p->res_.message);
    if (p->flags_ & ASY__P_KEEP) asy__promise_unref(p->own_.keep);
    asy__objpool_free(&st->promises, p);
}

/* Destruction goes through a worklist: a promise's death releases others
 * (derived promises, kept owners...), and a long chain must not recurse. */
ASY__INTERNAL void asy__promise_unref(asy_promise_t *p) {
    asy__promise_state *st;
    if (--p->refs_) return;
    st = p->st_;
    if (st->closing) return; /* the layer's close reclaims everything */
    if (!p->rtail_ && !(p->flags_ & (ASY__P_FREEFN | ASY__P_MSG_OWNED | ASY__P_KEEP))) {
        /* the common death: nothing else to let go of */
        asy__objpool_free(&st->promises, p);
        return;
    }
    *(asy_promise_t **)(void *)p = st->dying; /* the header links the worklist */
    st->dying = p;
    if (st->reaping) return;
    st->reaping = 1;
    while ((p = st->dying) != NULL) {
        st->dying = *(asy_promise_t **)(void *)p;
        asy__promise_destroy(st, p);
    }
    st->reaping = 0;
}

/* Queues a job on the loop's microtask ring: the fast path writes the
 * ring directly, asy__taskq_push grows it. */
ASY__INTERNAL int asy__promise_push_microtask(asy__promise_state *st, asy_fn fn, void *arg) {
    asy__taskq *q = &st->loop->microtasks_;
    if (ASY__LIKELY(q->count < q->cap)) {
        struct asy__task *t = &q->items[(q->head + q->count) & (q->cap - 1)];
        t->fn = fn;
        t->arg = arg;
        q->count++;
        return 0;
    }
    return asy__taskq_push(q, fn, arg);
}

static void asy__queue_job(asy__promise_state *st, asy__reaction *r) {
    r->next = NULL;
    if (ASY__LIKELY(st->overflow_head == NULL) &&
        asy__promise_push_microtask(st, asy__promise_run_job, r) == 0)
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
        if (p->rtail_) {
            r->next = p->rtail_->next;
            p->rtail_->next = r;
        } else {
            r->next = r;
        }
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
    if (free_fn) {
        p->own_.free_fn = free_fn;
        p->flags_ |= ASY__P_FREEFN;
    } else if (keep) {
        p->own_.keep = keep;
        p->flags_ |= ASY__P_KEEP;
    }
    if (msg_owned) p->flags_ |= ASY__P_MSG_OWNED;
    r = asy__promise_take_reactions(p);
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
            /* settle before letting go: the ret's reference may be x's last */
            asy__reject_static(x, ASY_EINVAL,
                               q == x ? "chaining cycle: a promise resolved with itself"
                                      : "promise of another loop");
            asy__promise_unref(q);
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
        asy_then_fn fn = (asy_then_fn)(src->res_.state == ASY_PROMISE_FULFILLED ? r->fn_a : r->fn_b);
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
        ((asy_settled_fn)r->fn_a)(r->arg, &src->res_);
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
    if (p->flags_ & ASY__P_FREEFN) p->own_.free_fn(p->res_.value);
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
    if (!asy__loop_live(loop) || !(st = asy__promise_st(loop))) return NULL;
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
    asy__promise_state *st;
    asy_promise_t *p;
    /* the most common promise of all (Promise.resolve(v)): no asy_ret_t,
     * no continuations to look for */
    if (!loop || !(st = asy__promise_st(loop)) || !(p = asy__promise_alloc(st))) return NULL;
    p->res_.state = ASY_PROMISE_FULFILLED;
    p->res_.value = value;
    return p;
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

ASY__INTERNAL void asy__promise_fulfill(asy_promise_t *p, void *value) {
    if (p->res_.state == ASY_PROMISE_PENDING && !(p->flags_ & ASY__P_LOCKED))
        asy__promise_settle_raw(p, ASY_PROMISE_FULFILLED, value, NULL, 0, NULL, 0, NULL);
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
    r->fn_a = (asy__any_fn)on_ok;
    r->fn_b = (asy__any_fn)on_err;
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
    asy_ret_t ret = ((asy_then_fn)r->fn_a)(r->arg, &src->res_);
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
    r->fn_a = (asy__any_fn)fn;
    r->arg = arg;
    asy__promise_attach(p, r);
    return 0;
}

ASY__INTERNAL int asy__watch_prepare(asy_loop_t *loop, asy__watch *w) {
    asy__promise_state *st = asy__promise_st(loop);
    w->p = NULL;
    w->r = NULL;
    if (!st || !(w->r = asy__reaction_alloc(st))) return ASY_ENOMEM;
    if (!(w->p = asy__promise_alloc(st))) {
        asy__reaction_free(st, w->r);
        w->r = NULL;
        return ASY_ENOMEM;
    }
    return 0;
}

ASY__INTERNAL void asy__watch_cancel(asy__watch *w) {
    if (w->r) asy__reaction_free(w->p->st_, w->r);
    if (w->p) asy__promise_unref(w->p);
    w->p = NULL;
    w->r = NULL;
}

ASY__INTERNAL asy_promise_t *asy__watch_ret(asy__watch *w, asy_ret_t *ret, asy_settled_fn fn,
                                            void *arg) {
    asy_promise_t *op = w->p, *q = ret->promise_;
    if (ret->kind_ == ASY__RET_PROMISE && q && q->st_ == op->st_) {
        /* a chained promise is followed as is (Promise.resolve(q) === q) */
        ret->promise_ = NULL;
        asy__promise_unref(op);
        op = q;
    } else {
        /* settling a value, an error or a pass allocates nothing; the
         * observer attached below handles a rejection */
        op->flags_ |= ASY__P_HANDLED;
        asy__promise_resolve(op, ret);
    }
    w->r->kind = ASY__R_OBSERVE;
    w->r->fn_a = (asy__any_fn)fn;
    w->r->arg = arg;
    asy__promise_attach(op, w->r);
    w->p = NULL;
    w->r = NULL;
    return op;
}

#line 1 "asyncrt_impl/promise/combinators.c"
/* Promise.all / allSettled / race / any.
 *
 * One block per call: the asy__combo header, then the result array (the
 * value the result promise hands out, so its free function finds the
 * header right in front of it), then the inputs kept alive for what the
 * array points into (for all(), a separate array made only when some
 * value has an owner: plain values need none).  Every element reaction holds a reference on the
 * block, and so does the result promise once it hands the array out; the
 * block never holds an input while the input can still settle, so no
 * reference cycle can form. */
typedef struct asy__combo {
    asy__promise_state *st;
    asy_promise_t *result; /* held until it is settled */
    asy_promise_t **keeps; /* n entries: what the array borrows from, or NULL */
    int keeps_own;         /* keeps is a separate allocation */
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
        for (i = 0; c->keeps && i < c->n; i++)
            if (c->keeps[i]) asy__promise_unref(c->keeps[i]);
    }
    if (c->keeps_own) asy__free(c->keeps);
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

/* Keeps owner alive for as long as the result array lives; 0 on ENOMEM. */
static int asy__combo_keep(asy__combo *c, size_t i, asy_promise_t *owner) {
    if (!c->keeps) {
        if (!(c->keeps = (asy_promise_t **)asy__calloc(c->n, sizeof(asy_promise_t *)))) return 0;
        c->keeps_own = 1;
    }
    c->keeps[i] = owner;
    owner->refs_++;
    return 1;
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
            if (asy__promise_owner(src) && !asy__combo_keep(c, i, asy__promise_owner(src))) {
                asy_promise_t *res = c->result;
                c->done = 1;
                c->result = NULL;
                asy__promise_settle_raw(res, ASY_PROMISE_REJECTED, NULL, NULL, ASY_ENOMEM, NULL,
                                        0, NULL);
                asy__promise_unref(res);
                break;
            }
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
    size_t i, elem, keep_bytes, bytes;
    if (!loop || (n && !ps) || !(st = asy__promise_st(loop))) return NULL;
    if (n > UINT32_MAX) return NULL; /* reactions keep a 32-bit index */
    for (i = 0; i < n; i++)
        if (!ps[i]) return NULL;
    elem = kind == ASY__R_ALL ? sizeof(void *) : kind == ASY__R_RACE ? 0 : sizeof(asy_settled_t);
    keep_bytes = kind == ASY__R_SETTLED || kind == ASY__R_ANY ? sizeof(asy_promise_t *) : 0;
    if (n > (SIZE_MAX - sizeof(asy__combo)) / (elem + sizeof(asy_promise_t *))) return NULL;
    bytes = sizeof(asy__combo) + n * (elem + keep_bytes);
    /* every reaction is reserved first, so running out of memory changes
     * nothing and the one pass below cannot fail halfway */
    if (asy__objpool_reserve(&st->reactions, n) != 0) return NULL;
    if (!(res = asy__promise_alloc(st))) return NULL;
    if (!(c = (asy__combo *)asy__malloc(bytes))) {
        asy__promise_unref(res);
        return NULL;
    }
    /* the result array is written element by element before anyone sees
     * it: only the header and the keeps need zeroing */
    memset(c, 0, sizeof(*c));
    c->st = st;
    c->kind = kind;
    c->n = kind == ASY__R_RACE ? 0 : n;
    if (keep_bytes) {
        c->keeps = (asy_promise_t **)(void *)((char *)(c + 1) + n * elem);
        memset(c->keeps, 0, n * keep_bytes);
    }
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
        r->index = (uint32_t)i;
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
        /* jobs that found the microtask ring full; if they queue work the
         * drain goes on and comes back here, else this drain is over */
        asy__reaction *r = st->overflow_head;
        st->overflow_head = st->overflow_tail = NULL;
        while (r) {
            asy__reaction *next = r->next;
            asy__promise_run_job(r);
            r = next;
        }
        if (loop->ticks_.count | loop->microtasks_.count) return;
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
    if (!asy__loop_live(loop) || !req || !work_cb || (unsigned)cls > (unsigned)ASY_WORK_SLOW_IO)
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
#line 1 "asyncrt_impl/stream/stream.internal.h"
/* Private parts of the stream layer shared by its files.  The state
 * machines mirror Node 20's lib/internal/streams (readable.js, writable.js,
 * destroy.js, transform.js, end-of-stream.js, pipeline.js) flag for flag,
 * because event timing is part of the contract. */

/* sflags_: the stream as a whole (Node keeps these per side and keeps the
 * two in step; one copy is enough here). */
enum {
    ASY__S_READABLE = 1u << 0, /* has a readable side */
    ASY__S_WRITABLE = 1u << 1, /* has a writable side */
    ASY__S_TRANSFORM = 1u << 2,
    ASY__S_DESTROYED = 1u << 3,
    ASY__S_ERRORED = 1u << 4,
    ASY__S_ERROR_EMITTED = 1u << 5,
    ASY__S_CLOSED = 1u << 6,       /* _destroy completed */
    ASY__S_CLOSE_EMITTED = 1u << 7,
    ASY__S_CONSTRUCTED = 1u << 8,
    ASY__S_AUTO_DESTROY = 1u << 9,
    ASY__S_HALF_OPEN = 1u << 10,    /* allowHalfOpen */
    ASY__S_CLOSE_WAITING = 1u << 11, /* 'close' is due once ticks_ drops to 0 */
    ASY__S_DESTROY_PENDING = 1u << 12, /* destroy() while constructing */
    ASY__S_DESTROY_WAIT = 1u << 13,  /* _destroy running, awaiting its done */
    ASY__S_CONSTRUCT_WAIT = 1u << 14,
    ASY__S_XFORM_WAIT = 1u << 15,    /* _transform running */
    ASY__S_XFORM_HELD = 1u << 16,    /* its callback held until _read */
    ASY__S_FLUSH_WAIT = 1u << 17     /* _flush running */
};

/* rflags_: Node's ReadableState bits. */
enum {
    ASY__R_OBJECT = 1u << 0,
    ASY__R_ENDED = 1u << 1,
    ASY__R_END_EMITTED = 1u << 2,
    ASY__R_READING = 1u << 3,
    ASY__R_SYNC = 1u << 4,
    ASY__R_NEED_READABLE = 1u << 5,
    ASY__R_EMITTED_READABLE = 1u << 6,
    ASY__R_READABLE_LISTENING = 1u << 7,
    ASY__R_RESUME_SCHEDULED = 1u << 8,
    ASY__R_READING_MORE = 1u << 9,
    ASY__R_DATA_EMITTED = 1u << 10,
    ASY__R_HAS_FLOWING = 1u << 11, /* flowing is not null */
    ASY__R_FLOWING = 1u << 12,
    ASY__R_HAS_PAUSED = 1u << 13,
    ASY__R_PAUSED = 1u << 14,
    ASY__R_DATA_LISTENING = 1u << 15
};

/* wflags_: Node's WritableState bits. */
enum {
    ASY__W_OBJECT = 1u << 0,
    ASY__W_ENDED = 1u << 1,
    ASY__W_SYNC = 1u << 2,
    ASY__W_FINAL_CALLED = 1u << 3,
    ASY__W_NEED_DRAIN = 1u << 4,
    ASY__W_ENDING = 1u << 5,
    ASY__W_FINISHED = 1u << 6,
    ASY__W_WRITING = 1u << 7,
    ASY__W_BUFFER_PROCESSING = 1u << 8,
    ASY__W_PREFINISHED = 1u << 9,
    ASY__W_ALL_NOOP = 1u << 10,
    ASY__W_EXPECT_WRITE_CB = 1u << 11,
    ASY__W_AFTER_WRITE_PENDING = 1u << 12,
    ASY__W_AFTER_WRITE_TICK_INFO = 1u << 13,
    ASY__W_FINAL_WAIT = 1u << 14 /* _final running, awaiting its done */
};

/* Events, for the emitters. */
enum {
    ASY__EV_DATA,
    ASY__EV_READABLE,
    ASY__EV_END,
    ASY__EV_ERROR,
    ASY__EV_DRAIN,
    ASY__EV_FINISH,
    ASY__EV_PAUSE,
    ASY__EV_RESUME
};

/* A listener the library itself attaches (pipe, pipeline, finished, the
 * async reader): Node's EventEmitter listeners, minus the strings. */
typedef struct asy__stream_listener_vt {
    void (*on_data)(asy__stream_listener *l, asy_stream_t *s, const asy_buf_t *chunk);
    void (*on_readable)(asy__stream_listener *l, asy_stream_t *s);
    void (*on_end)(asy__stream_listener *l, asy_stream_t *s);
    void (*on_error)(asy__stream_listener *l, asy_stream_t *s, int err);
    void (*on_drain)(asy__stream_listener *l, asy_stream_t *s);
    void (*on_finish)(asy__stream_listener *l, asy_stream_t *s);
    /* The listener is already detached when this runs. */
    void (*on_close)(asy__stream_listener *l, asy_stream_t *s);
} asy__stream_listener_vt;

/* An emission in progress walks the listener list with one of these on
 * the C stack, so a listener may detach itself or any other meanwhile. */
struct asy__stream_cursor {
    asy__queue *next;
    struct asy__stream_cursor *up;
};

/* A buffered write. */
struct asy__stream_wreq {
    asy_buf_t chunk;
    asy_stream_cb cb;
    void *arg;
};

/* The callbacks of the writes one writev carried. */
struct asy__stream_cbent {
    asy_stream_cb cb;
    void *arg;
};
struct asy__stream_cblist {
    size_t n;
    struct asy__stream_cbent *items; /* in the same allocation */
};

/* Node's afterWriteTickInfo: synchronous completions of writes with the
 * same callback share one nextTick. */
struct asy__stream_awinfo {
    asy_stream_t *s;
    asy_stream_cb cb;
    void *arg;
    struct asy__stream_cblist *list;
    size_t count;
};

struct asy__stream_endcb {
    asy_stream_cb cb;
    void *arg;
};

#define ASY__STREAM_DEFAULT_HWM 16384u
#define ASY__STREAM_DEFAULT_OBJ_HWM 16u
/* read(n) may raise the highWaterMark up to this (Node's MAX_HWM). */
#define ASY__STREAM_MAX_HWM ((size_t)0x40000000u)

/* core.c */
ASY__INTERNAL int asy__stream_init(asy_loop_t *loop, asy_stream_t *s, const asy_stream_impl *impl,
                                   const asy_stream_opts *o, unsigned kind);
/* A nextTick running fn(arg) that counts against s (see core.c). */
ASY__INTERNAL void asy__stream_tick_arg(asy_stream_t *s, asy_fn fn, void *arg);
ASY__INTERNAL void asy__stream_tick(asy_stream_t *s, asy_fn fn);
ASY__INTERNAL void asy__stream_tick_done(asy_stream_t *s);
ASY__INTERNAL void asy__stream_emit(asy_stream_t *s, int ev, const asy_buf_t *chunk, int err);
ASY__INTERNAL void asy__stream_listen(asy_stream_t *s, asy__stream_listener *l,
                                      const asy__stream_listener_vt *vt);
ASY__INTERNAL void asy__stream_unlisten(asy_stream_t *s, asy__stream_listener *l);
ASY__INTERNAL void asy__stream_error_or_destroy(asy_stream_t *s, int err, int sync);
ASY__INTERNAL void asy__stream_set_error(asy_stream_t *s, int err);
/* Runs cb(s, status, arg) on a nextTick (allocates; NULL cb is a no-op). */
ASY__INTERNAL void asy__stream_defer_cb(asy_stream_t *s, asy_stream_cb cb, void *arg, int status);
ASY__INTERNAL size_t asy__stream_pick_hwm(const asy_stream_opts *o, size_t side, int object);

/* readable.c */
ASY__INTERNAL void asy__readable_init(asy_stream_t *s, const asy_stream_opts *o);
ASY__INTERNAL int asy__readable_read(asy_stream_t *s, size_t n, asy_buf_t *out);
ASY__INTERNAL int asy__readable_add(asy_stream_t *s, asy_buf_t *chunk, int unshift);
ASY__INTERNAL void asy__readable_eof(asy_stream_t *s);
ASY__INTERNAL void asy__readable_resume(asy_stream_t *s);
ASY__INTERNAL void asy__readable_pause(asy_stream_t *s);
ASY__INTERNAL void asy__readable_data_listener(asy_stream_t *s, int delta);
ASY__INTERNAL void asy__readable_readable_listener(asy_stream_t *s, int delta);
ASY__INTERNAL void asy__readable_on_constructed(asy_stream_t *s);
ASY__INTERNAL int asy__readable_finished(const asy_stream_t *s, int strict);
ASY__INTERNAL void asy__readable_release(asy_stream_t *s);

/* writable.c */
ASY__INTERNAL void asy__writable_init(asy_stream_t *s, const asy_stream_opts *o);
ASY__INTERNAL int asy__writable_write(asy_stream_t *s, asy_buf_t *chunk, asy_stream_cb cb,
                                      void *arg);
ASY__INTERNAL int asy__writable_end(asy_stream_t *s, asy_stream_cb cb, void *arg);
ASY__INTERNAL void asy__writable_on_constructed(asy_stream_t *s);
ASY__INTERNAL void asy__writable_destroying(asy_stream_t *s);
ASY__INTERNAL int asy__writable_finished(const asy_stream_t *s, int strict);
ASY__INTERNAL void asy__writable_release(asy_stream_t *s);
/* Node's .writable / .readable getters. */
ASY__INTERNAL int asy__writable_is_writable(const asy_stream_t *s);
ASY__INTERNAL int asy__readable_is_readable(const asy_stream_t *s);

/* transform.c */
ASY__INTERNAL void asy__transform_write(asy_stream_t *s, const asy_buf_t *chunk);
ASY__INTERNAL void asy__transform_read(asy_stream_t *s);
ASY__INTERNAL void asy__transform_final(asy_stream_t *s);

/* pipe.c: allocation and start are apart so pipeline cannot half-fail. */
typedef struct asy__pipe asy__pipe;
ASY__INTERNAL void asy__pipe_clear_await(asy_stream_t *src);
ASY__INTERNAL asy__pipe *asy__pipe_new(void);
ASY__INTERNAL void asy__pipe_begin(asy__pipe *p, asy_stream_t *src, asy_stream_t *dst, int do_end);

/* finished.c: Node's eos with explicit sides; cb(s, status, arg) once. */
typedef struct asy__eos asy__eos;
ASY__INTERNAL asy__eos *asy__eos_start(asy_stream_t *s, int readable, int writable,
                                       asy_stream_cb cb, void *arg);
ASY__INTERNAL asy__eos *asy__eos_new(void);
ASY__INTERNAL void asy__eos_begin(asy__eos *e, asy_stream_t *s, int readable, int writable,
                                  asy_stream_cb cb, void *arg);
/* Forgets cb (Node's cleanup()); the watcher frees itself. */
ASY__INTERNAL void asy__eos_cancel(asy__eos *e);

#line 1 "asyncrt_impl/stream/core.c"
/* The stream core: creation, nextTicks that keep the stream alive, event
 * emission to library listeners and the user's callbacks, state getters. */


/* A nextTick that will use the stream.  'close' waits until every such
 * tick has run (asy__stream_tick_done), so on_close really is the last
 * call and its memory may be freed there.  Out of memory for the tick
 * queue, the function runs at once: timing degrades, nothing is lost. */
ASY__INTERNAL void asy__stream_tick_arg(asy_stream_t *s, asy_fn fn, void *arg) {
    /* after 'close' the stream may be gone: nothing more is scheduled */
    if (s->sflags_ & ASY__S_CLOSE_EMITTED) return;
    s->ticks_++;
    if (asy_next_tick(s->loop, fn, arg) != 0) fn(arg);
}

ASY__INTERNAL void asy__stream_tick(asy_stream_t *s, asy_fn fn) { asy__stream_tick_arg(s, fn, s); }

ASY__INTERNAL void asy__stream_emit_close(asy_stream_t *s);

ASY__INTERNAL void asy__stream_tick_done(asy_stream_t *s) {
    if (--s->ticks_ == 0 && (s->sflags_ & ASY__S_CLOSE_WAITING)) asy__stream_emit_close(s);
}

ASY__INTERNAL size_t asy__stream_pick_hwm(const asy_stream_opts *o, size_t side, int object) {
    size_t v = o ? o->high_water_mark : 0;
    if (!v) v = side;
    if (!v) return object ? ASY__STREAM_DEFAULT_OBJ_HWM : ASY__STREAM_DEFAULT_HWM;
    return v == ASY_STREAM_HWM_ZERO ? 0 : v;
}

/* ---- listeners ------------------------------------------------------------ */

ASY__INTERNAL void asy__stream_listen(asy_stream_t *s, asy__stream_listener *l,
                                      const asy__stream_listener_vt *vt) {
    l->vt = vt;
    asy__queue_insert_tail(&s->listeners_, &l->link);
    if (vt->on_data) asy__readable_data_listener(s, 1);
    if (vt->on_readable) asy__readable_readable_listener(s, 1);
}

ASY__INTERNAL void asy__stream_unlisten(asy_stream_t *s, asy__stream_listener *l) {
    struct asy__stream_cursor *c;
    if (asy__queue_empty(&l->link)) return;
    for (c = s->cursors_; c; c = c->up)
        if (c->next == &l->link) c->next = l->link.next;
    asy__queue_remove(&l->link);
    if (l->vt->on_data) asy__readable_data_listener(s, -1);
    if (l->vt->on_readable) asy__readable_readable_listener(s, -1);
}

/* Library listeners first, in the order they attached, then the user's
 * callback. */
ASY__INTERNAL void asy__stream_emit(asy_stream_t *s, int ev, const asy_buf_t *chunk, int err) {
    struct asy__stream_cursor cur;
    const asy_stream_events *e;
    asy__queue *q;
    if (!asy__queue_empty(&s->listeners_)) {
        cur.up = s->cursors_;
        s->cursors_ = &cur;
        q = s->listeners_.next;
        while (q != &s->listeners_) {
            asy__stream_listener *l = ASY_CONTAINER_OF(q, asy__stream_listener, link);
            const asy__stream_listener_vt *vt = l->vt;
            cur.next = q->next;
            switch (ev) {
            case ASY__EV_DATA: if (vt->on_data) vt->on_data(l, s, chunk); break;
            case ASY__EV_READABLE: if (vt->on_readable) vt->on_readable(l, s); break;
            case ASY__EV_END: if (vt->on_end) vt->on_end(l, s); break;
            case ASY__EV_ERROR: if (vt->on_error) vt->on_error(l, s, err); break;
            case ASY__EV_DRAIN: if (vt->on_drain) vt->on_drain(l, s); break;
            case ASY__EV_FINISH: if (vt->on_finish) vt->on_finish(l, s); break;
            default: break;
            }
            q = cur.next;
        }
        s->cursors_ = cur.up;
    }
    e = s->events_;
    if (!e) return;
    switch (ev) {
    case ASY__EV_DATA: if (e->on_data) e->on_data(s, chunk); break;
    case ASY__EV_READABLE: if (e->on_readable) e->on_readable(s); break;
    case ASY__EV_END: if (e->on_end) e->on_end(s); break;
    case ASY__EV_ERROR: if (e->on_error) e->on_error(s, err); break;
    case ASY__EV_DRAIN: if (e->on_drain) e->on_drain(s); break;
    case ASY__EV_FINISH: if (e->on_finish) e->on_finish(s); break;
    case ASY__EV_PAUSE: if (e->on_pause) e->on_pause(s); break;
    case ASY__EV_RESUME: if (e->on_resume) e->on_resume(s); break;
    default: break;
    }
}

/* 'close': library listeners (detached first, so pipe, pipeline and
 * finished forget the stream), then every buffer is released, then the
 * user's on_close.  Nothing touches the stream afterwards. */
ASY__INTERNAL void asy__stream_emit_close(asy_stream_t *s) {
    const asy_stream_events *e = s->events_;
    s->sflags_ &= ~(unsigned)ASY__S_CLOSE_WAITING;
    s->sflags_ |= ASY__S_CLOSE_EMITTED;
    while (!asy__queue_empty(&s->listeners_)) {
        asy__stream_listener *l =
            ASY_CONTAINER_OF(asy__queue_head(&s->listeners_), asy__stream_listener, link);
        /* no listener accounting now: the stream is done with flowing */
        asy__queue_remove(&l->link);
        if (l->vt->on_close) l->vt->on_close(l, s);
    }
    asy__readable_release(s);
    asy__writable_release(s);
    if (e && e->on_close) e->on_close(s);
}

/* ---- the user's events ------------------------------------------------------- */

ASYNCRT_API int asy_stream_set_events(asy_stream_t *s, const asy_stream_events *events) {
    const asy_stream_events *old;
    int had_data, had_readable, has_data, has_readable;
    if (!s) return ASY_EINVAL;
    old = s->events_;
    s->events_ = events;
    had_data = old && old->on_data;
    had_readable = old && old->on_readable;
    has_data = events && events->on_data;
    has_readable = events && events->on_readable;
    if (!(s->sflags_ & ASY__S_READABLE)) return 0;
    /* Node adds or removes the listeners one at a time; 'readable' first,
     * so a stream with both ends up in paused mode as in Node. */
    if (has_readable && !had_readable) asy__readable_readable_listener(s, 1);
    if (!has_readable && had_readable) asy__readable_readable_listener(s, -1);
    if (has_data && !had_data) asy__readable_data_listener(s, 1);
    if (!has_data && had_data) asy__readable_data_listener(s, -1);
    return 0;
}

/* ---- creating ------------------------------------------------------------------ */

ASY__INTERNAL void asy__stream_construct_tick(void *arg);

ASY__INTERNAL int asy__stream_init(asy_loop_t *loop, asy_stream_t *s, const asy_stream_impl *impl,
                                   const asy_stream_opts *o, unsigned kind) {
    if (!asy__loop_live(loop) || !s) return ASY_EINVAL;
    memset(s, 0, sizeof(*s));
    s->loop = loop;
    s->impl_ = impl;
    asy__queue_init(&s->listeners_);
    asy_bufchain_init(&s->rbuf_);
    s->sflags_ = kind | ASY__S_CONSTRUCTED | ASY__S_AUTO_DESTROY | ASY__S_HALF_OPEN;
    if (o && o->no_auto_destroy) s->sflags_ &= ~(unsigned)ASY__S_AUTO_DESTROY;
    if (o && o->no_half_open) s->sflags_ &= ~(unsigned)ASY__S_HALF_OPEN;
    if (kind & ASY__S_READABLE) asy__readable_init(s, o);
    if (kind & ASY__S_WRITABLE) asy__writable_init(s, o);
    if (impl && impl->construct) {
        s->sflags_ &= ~(unsigned)ASY__S_CONSTRUCTED;
        asy__stream_tick(s, asy__stream_construct_tick);
    }
    return 0;
}

ASYNCRT_API int asy_readable_init(asy_loop_t *loop, asy_stream_t *s, const asy_stream_impl *impl,
                                  const asy_stream_opts *opts) {
    return asy__stream_init(loop, s, impl, opts, ASY__S_READABLE);
}

ASYNCRT_API int asy_writable_init(asy_loop_t *loop, asy_stream_t *s, const asy_stream_impl *impl,
                                  const asy_stream_opts *opts) {
    if (!impl || (!impl->write && !impl->writev)) return ASY_EINVAL;
    return asy__stream_init(loop, s, impl, opts, ASY__S_WRITABLE);
}

ASYNCRT_API int asy_duplex_init(asy_loop_t *loop, asy_stream_t *s, const asy_stream_impl *impl,
                                const asy_stream_opts *opts) {
    if (!impl || (!impl->write && !impl->writev)) return ASY_EINVAL;
    return asy__stream_init(loop, s, impl, opts, ASY__S_READABLE | ASY__S_WRITABLE);
}

/* ---- deferred user callbacks ------------------------------------------------------ */

struct asy__stream_deferred {
    asy_stream_t *s;
    asy_stream_cb cb;
    void *arg;
    int status;
};

ASY__INTERNAL void asy__stream_deferred_run(void *p) {
    struct asy__stream_deferred *d = (struct asy__stream_deferred *)p;
    asy_stream_t *s = d->s;
    d->cb(s, d->status, d->arg);
    asy__free(d);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__stream_defer_cb(asy_stream_t *s, asy_stream_cb cb, void *arg, int status) {
    struct asy__stream_deferred *d;
    if (!cb || (s->sflags_ & ASY__S_CLOSE_EMITTED)) return;
    d = ASY__NEW(struct asy__stream_deferred);
    if (!d) { /* out of memory: call it now rather than never */
        cb(s, status, arg);
        return;
    }
    d->s = s;
    d->cb = cb;
    d->arg = arg;
    d->status = status;
    asy__stream_tick_arg(s, asy__stream_deferred_run, d);
}

/* ---- state ----------------------------------------------------------------------- */

ASYNCRT_API int asy_stream_is_destroyed(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__S_DESTROYED) != 0;
}
ASYNCRT_API int asy_stream_is_closed(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__S_CLOSED) != 0;
}
ASYNCRT_API int asy_stream_errored(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__S_ERRORED) ? s->err_ : 0;
}
ASYNCRT_API int asy_stream_is_readable(const asy_stream_t *s) {
    return s && asy__readable_is_readable(s);
}
ASYNCRT_API int asy_stream_is_writable(const asy_stream_t *s) {
    return s && asy__writable_is_writable(s);
}
ASYNCRT_API int asy_stream_readable_ended(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__S_READABLE) && (s->rflags_ & ASY__R_END_EMITTED);
}
ASYNCRT_API int asy_stream_readable_eof(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__S_READABLE) && (s->rflags_ & ASY__R_ENDED);
}
ASYNCRT_API int asy_stream_readable_flowing(const asy_stream_t *s) {
    if (!s || !(s->rflags_ & ASY__R_HAS_FLOWING)) return -1;
    return (s->rflags_ & ASY__R_FLOWING) != 0;
}
ASYNCRT_API size_t asy_stream_readable_length(const asy_stream_t *s) { return s ? s->rlen_ : 0; }
ASYNCRT_API size_t asy_stream_readable_hwm(const asy_stream_t *s) { return s ? s->rhwm_ : 0; }
ASYNCRT_API int asy_stream_writable_ended(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__S_WRITABLE) && (s->wflags_ & ASY__W_ENDING);
}
ASYNCRT_API int asy_stream_writable_finished(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__S_WRITABLE) && (s->wflags_ & ASY__W_FINISHED);
}
ASYNCRT_API int asy_stream_writable_need_drain(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__S_WRITABLE) && !(s->sflags_ & ASY__S_DESTROYED) &&
           (s->wflags_ & (ASY__W_ENDING | ASY__W_NEED_DRAIN)) == ASY__W_NEED_DRAIN;
}
ASYNCRT_API size_t asy_stream_writable_length(const asy_stream_t *s) { return s ? s->wlen_ : 0; }
ASYNCRT_API size_t asy_stream_writable_hwm(const asy_stream_t *s) { return s ? s->whwm_ : 0; }
ASYNCRT_API unsigned asy_stream_writable_corked(const asy_stream_t *s) {
    return s ? s->corked_ : 0;
}

#line 1 "asyncrt_impl/stream/destroy.c"
/* destroy(err) -> _destroy -> 'error' then 'close' on a nextTick, each at
 * most once; errorOrDestroy; _construct (Node's destroy.js). */


ASY__INTERNAL void asy__stream_emit_close(asy_stream_t *s);

ASY__INTERNAL void asy__stream_set_error(asy_stream_t *s, int err) {
    if (err && !(s->sflags_ & ASY__S_ERRORED)) {
        s->err_ = err;
        s->sflags_ |= ASY__S_ERRORED;
    }
}

ASY__INTERNAL void asy__stream_emit_error(asy_stream_t *s, int err) {
    if (s->sflags_ & ASY__S_ERROR_EMITTED) return;
    s->sflags_ |= ASY__S_ERROR_EMITTED;
    asy__stream_emit(s, ASY__EV_ERROR, NULL, err);
}

ASY__INTERNAL void asy__stream_error_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__stream_emit_error(s, s->err_);
    asy__stream_tick_done(s);
}

/* The tick that emits 'close' gives up its own count first; if other
 * ticks still wait to use the stream, the last of them emits it. */
ASY__INTERNAL void asy__stream_close_from_tick(asy_stream_t *s) {
    if (s->ticks_ > 1) {
        s->sflags_ |= ASY__S_CLOSE_WAITING;
        s->ticks_--;
        return;
    }
    s->ticks_ = 0;
    asy__stream_emit_close(s);
}

ASY__INTERNAL void asy__stream_close_tick(void *p) {
    asy__stream_close_from_tick((asy_stream_t *)p);
}

ASY__INTERNAL void asy__stream_error_close_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__stream_emit_error(s, s->close_err_);
    asy__stream_close_from_tick(s);
}

ASY__INTERNAL void asy__stream_do_destroy(asy_stream_t *s, int err) {
    s->sflags_ |= ASY__S_DESTROY_WAIT;
    if (s->impl_ && s->impl_->destroy)
        s->impl_->destroy(s, err);
    else
        asy_stream_destroy_done(s, err);
}

ASYNCRT_API int asy_stream_destroy_done(asy_stream_t *s, int err) {
    if (!s || !(s->sflags_ & ASY__S_DESTROY_WAIT)) return ASY_EINVAL;
    s->sflags_ &= ~(unsigned)ASY__S_DESTROY_WAIT;
    asy__stream_set_error(s, err);
    s->sflags_ |= ASY__S_CLOSED;
    if (err) {
        s->close_err_ = err;
        asy__stream_tick(s, asy__stream_error_close_tick);
    } else {
        asy__stream_tick(s, asy__stream_close_tick);
    }
    return 0;
}

ASYNCRT_API int asy_stream_destroy(asy_stream_t *s, int err) {
    if (!s) return ASY_EINVAL;
    if (s->sflags_ & ASY__S_DESTROYED) return 0;
    if (s->sflags_ & ASY__S_WRITABLE) asy__writable_destroying(s);
    asy__stream_set_error(s, err);
    s->sflags_ |= ASY__S_DESTROYED;
    if (!(s->sflags_ & ASY__S_CONSTRUCTED)) {
        /* _destroy waits for _construct to finish */
        s->sflags_ |= ASY__S_DESTROY_PENDING;
        s->close_err_ = err;
        return 0;
    }
    asy__stream_do_destroy(s, err);
    return 0;
}

/* Node's errorOrDestroy: destroy when autoDestroy, else just error. */
ASY__INTERNAL void asy__stream_error_or_destroy(asy_stream_t *s, int err, int sync) {
    if (s->sflags_ & ASY__S_DESTROYED) return;
    if (s->sflags_ & ASY__S_AUTO_DESTROY) {
        asy_stream_destroy(s, err);
    } else if (err) {
        asy__stream_set_error(s, err);
        if (sync)
            asy__stream_tick(s, asy__stream_error_tick);
        else
            asy__stream_emit_error(s, err);
    }
}

/* ---- _construct ------------------------------------------------------------- */

ASY__INTERNAL void asy__stream_construct_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    s->sflags_ |= ASY__S_CONSTRUCT_WAIT;
    s->impl_->construct(s);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__stream_constructed_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    int err = s->construct_err_;
    s->sflags_ |= ASY__S_CONSTRUCTED;
    if (s->sflags_ & ASY__S_DESTROYED) {
        if (s->sflags_ & ASY__S_DESTROY_PENDING) {
            s->sflags_ &= ~(unsigned)ASY__S_DESTROY_PENDING;
            asy__stream_do_destroy(s, err ? err : s->close_err_);
        }
    } else if (err) {
        asy__stream_error_or_destroy(s, err, 1);
    } else {
        if (s->sflags_ & ASY__S_READABLE) asy__readable_on_constructed(s);
        if (s->sflags_ & ASY__S_WRITABLE) asy__writable_on_constructed(s);
    }
    asy__stream_tick_done(s);
}

ASYNCRT_API int asy_stream_construct_done(asy_stream_t *s, int err) {
    if (!s) return ASY_EINVAL;
    if (!(s->sflags_ & ASY__S_CONSTRUCT_WAIT)) {
        asy__stream_error_or_destroy(s, err ? err : ASY_EMULTIPLE_CALLBACK, 0);
        return ASY_EMULTIPLE_CALLBACK;
    }
    s->sflags_ &= ~(unsigned)ASY__S_CONSTRUCT_WAIT;
    s->construct_err_ = err;
    asy__stream_tick(s, asy__stream_constructed_tick);
    return 0;
}

#line 1 "asyncrt_impl/stream/readable.c"
/* The readable side: Node's readable.js.  The buffer is a byte chain in
 * byte mode (O(1) push and consume, read(n) across chunks) and a ring of
 * chunks in object mode. */


ASY__INTERNAL int asy__readable_read_impl(asy_stream_t *s, size_t n, asy_buf_t *out);

ASY__INTERNAL void asy__readable_init(asy_stream_t *s, const asy_stream_opts *o) {
    int object = o && (o->object_mode || o->readable_object_mode);
    s->rflags_ = ASY__R_SYNC | (object ? (unsigned)ASY__R_OBJECT : 0u);
    s->rhwm_ = asy__stream_pick_hwm(o, o ? o->readable_high_water_mark : 0, object);
}

ASY__INTERNAL void asy__readable_release(asy_stream_t *s) {
    asy_bufchain_reset(&s->rbuf_);
    while (s->rcount_) {
        asy_buf_release(&s->ritems_[s->rhead_]);
        s->rhead_ = (s->rhead_ + 1) & (s->rcap_ - 1);
        s->rcount_--;
    }
    asy__free(s->ritems_);
    s->ritems_ = NULL;
    s->rcap_ = s->rhead_ = 0;
    s->rlen_ = 0;
}

/* ---- the object-mode ring ------------------------------------------------ */

ASY__INTERNAL int asy__robj_store(asy_stream_t *s, asy_buf_t *chunk, int front) {
    size_t i;
    if (s->rcount_ == s->rcap_) {
        size_t cap = s->rcap_ ? s->rcap_ * 2 : 8;
        asy_buf_t *items = ASY__NEW_ARRAY(asy_buf_t, cap);
        if (!items) return ASY_ENOMEM;
        for (i = 0; i < s->rcount_; i++) items[i] = s->ritems_[(s->rhead_ + i) & (s->rcap_ - 1)];
        asy__free(s->ritems_);
        s->ritems_ = items;
        s->rcap_ = cap;
        s->rhead_ = 0;
    }
    if (front) {
        s->rhead_ = (s->rhead_ - 1) & (s->rcap_ - 1);
        s->ritems_[s->rhead_] = *chunk;
    } else {
        s->ritems_[(s->rhead_ + s->rcount_) & (s->rcap_ - 1)] = *chunk;
    }
    s->rcount_++;
    memset(chunk, 0, sizeof(*chunk));
    return 0;
}

/* Node's fromList: n bytes (all of them when n >= length), or the first
 * chunk in object mode.  1 with *out set, 0 when empty, ASY_ENOMEM. */
ASY__INTERNAL int asy__readable_from_list(asy_stream_t *s, size_t n, asy_buf_t *out) {
    int r;
    if (s->rlen_ == 0) return 0;
    if (s->rflags_ & ASY__R_OBJECT) {
        *out = s->ritems_[s->rhead_];
        memset(&s->ritems_[s->rhead_], 0, sizeof(asy_buf_t));
        s->rhead_ = (s->rhead_ + 1) & (s->rcap_ - 1);
        s->rcount_--;
        return 1;
    }
    r = asy_bufchain_take(&s->rbuf_, n >= s->rlen_ ? s->rlen_ : n, out);
    return r < 0 ? r : 1;
}

/* ---- ticks ---------------------------------------------------------------------- */

ASY__INTERNAL void asy__readable_flow(asy_stream_t *s) {
    asy_buf_t c;
    while ((s->rflags_ & ASY__R_FLOWING) && asy__readable_read_impl(s, ASY_STREAM_READ_ALL, &c) == 1)
        asy_buf_release(&c);
}

ASY__INTERNAL void asy__readable_emit_readable_now(asy_stream_t *s) {
    if (!(s->sflags_ & (ASY__S_DESTROYED | ASY__S_ERRORED)) &&
        (s->rlen_ || (s->rflags_ & ASY__R_ENDED))) {
        asy__stream_emit(s, ASY__EV_READABLE, NULL, 0);
        s->rflags_ &= ~(unsigned)ASY__R_EMITTED_READABLE;
    }
    /* Another 'readable' is needed unless flowing does the work, the
     * stream ended, or the buffer is above the mark. */
    if (!(s->rflags_ & (ASY__R_FLOWING | ASY__R_ENDED)) && s->rlen_ <= s->rhwm_)
        s->rflags_ |= ASY__R_NEED_READABLE;
    asy__readable_flow(s);
}

ASY__INTERNAL void asy__readable_emit_readable_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__readable_emit_readable_now(s);
    asy__stream_tick_done(s);
}

/* Not right away: emitting from inside read() could recurse. */
ASY__INTERNAL void asy__readable_emit_readable(asy_stream_t *s) {
    s->rflags_ &= ~(unsigned)ASY__R_NEED_READABLE;
    if (!(s->rflags_ & ASY__R_EMITTED_READABLE)) {
        s->rflags_ |= ASY__R_EMITTED_READABLE;
        asy__stream_tick(s, asy__readable_emit_readable_tick);
    }
}

/* Reads ahead until the buffer reaches the mark (or, flowing, until
 * something arrives), stopping as soon as a read produces nothing now. */
ASY__INTERNAL void asy__readable_read_more_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    while (!(s->rflags_ & (ASY__R_READING | ASY__R_ENDED)) &&
           (s->rlen_ < s->rhwm_ || ((s->rflags_ & ASY__R_FLOWING) && s->rlen_ == 0))) {
        size_t len = s->rlen_;
        asy__readable_read_impl(s, 0, NULL);
        if (len == s->rlen_) break;
    }
    s->rflags_ &= ~(unsigned)ASY__R_READING_MORE;
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__readable_maybe_read_more(asy_stream_t *s) {
    if (!(s->rflags_ & ASY__R_READING_MORE) && (s->sflags_ & ASY__S_CONSTRUCTED)) {
        s->rflags_ |= ASY__R_READING_MORE;
        asy__stream_tick(s, asy__readable_read_more_tick);
    }
}

ASY__INTERNAL void asy__writable_end_from_readable(asy_stream_t *s);

ASY__INTERNAL void asy__readable_end_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    if (!(s->sflags_ & (ASY__S_ERRORED | ASY__S_CLOSE_EMITTED)) &&
        !(s->rflags_ & ASY__R_END_EMITTED) && s->rlen_ == 0) {
        s->rflags_ |= ASY__R_END_EMITTED;
        asy__stream_emit(s, ASY__EV_END, NULL, 0);
        if ((s->sflags_ & ASY__S_WRITABLE) && asy__writable_is_writable(s) &&
            !(s->sflags_ & ASY__S_HALF_OPEN)) {
            asy__writable_end_from_readable(s);
        } else if (s->sflags_ & ASY__S_AUTO_DESTROY) {
            /* a duplex waits for its writable side too */
            if (!(s->sflags_ & ASY__S_WRITABLE) || (s->wflags_ & ASY__W_FINISHED))
                asy_stream_destroy(s, 0);
        }
    }
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__readable_end(asy_stream_t *s) {
    if (!(s->rflags_ & ASY__R_END_EMITTED)) {
        s->rflags_ |= ASY__R_ENDED;
        asy__stream_tick(s, asy__readable_end_tick);
    }
}

/* ---- read ---------------------------------------------------------------------------- */

ASY__INTERNAL size_t asy__readable_how_much(const asy_stream_t *s, size_t n) {
    if (n == 0 || (s->rlen_ == 0 && (s->rflags_ & ASY__R_ENDED))) return 0;
    if (s->rflags_ & ASY__R_OBJECT) return 1;
    if (n == ASY_STREAM_READ_ALL) {
        /* flowing hands out one buffered chunk at a time */
        if ((s->rflags_ & ASY__R_FLOWING) && s->rlen_) {
            asy_buf_t first;
            if (asy_bufchain_segment(&s->rbuf_, 0, &first) == 0) return first.len;
        }
        return s->rlen_;
    }
    if (n <= s->rlen_) return n;
    return (s->rflags_ & ASY__R_ENDED) ? s->rlen_ : 0;
}

ASY__INTERNAL void asy__readable_call_read(asy_stream_t *s) {
    if (s->sflags_ & ASY__S_TRANSFORM)
        asy__transform_read(s);
    else if (s->impl_ && s->impl_->read)
        s->impl_->read(s, s->rhwm_);
}

ASY__INTERNAL int asy__readable_read_impl(asy_stream_t *s, size_t n, asy_buf_t *out) {
    size_t norig = n;
    int do_read, got = 0;
    asy_buf_t chunk;
    memset(&chunk, 0, sizeof(chunk));
    if (out) memset(out, 0, sizeof(*out));
    if (n != ASY_STREAM_READ_ALL && n > s->rhwm_) {
        size_t h = 1;
        if (n > ASY__STREAM_MAX_HWM) return ASY_ERANGE;
        while (h < n) h <<= 1; /* the next power of two: no creeping growth */
        s->rhwm_ = h;
    }
    if (n != 0) s->rflags_ &= ~(unsigned)ASY__R_EMITTED_READABLE;
    /* read(0) with enough buffered (or the end reached) only signals */
    if (n == 0 && (s->rflags_ & ASY__R_NEED_READABLE) &&
        ((s->rhwm_ ? s->rlen_ >= s->rhwm_ : s->rlen_ > 0) || (s->rflags_ & ASY__R_ENDED))) {
        if (s->rlen_ == 0 && (s->rflags_ & ASY__R_ENDED))
            asy__readable_end(s);
        else
            asy__readable_emit_readable(s);
        return 0;
    }
    n = asy__readable_how_much(s, n);
    if (n == 0 && (s->rflags_ & ASY__R_ENDED)) {
        if (s->rlen_ == 0) asy__readable_end(s);
        return 0;
    }
    /* Call _read when a 'readable' is awaited or the buffer would drop
     * below the mark -- unless a read is pending, the data ended, the
     * stream failed or is still constructing. */
    do_read = (s->rflags_ & ASY__R_NEED_READABLE) != 0;
    if (s->rlen_ == 0 || s->rlen_ - n < s->rhwm_) do_read = 1;
    if ((s->rflags_ & (ASY__R_READING | ASY__R_ENDED)) ||
        (s->sflags_ & (ASY__S_DESTROYED | ASY__S_ERRORED)) || !(s->sflags_ & ASY__S_CONSTRUCTED)) {
        do_read = 0;
    } else if (do_read) {
        s->rflags_ |= ASY__R_READING | ASY__R_SYNC;
        if (s->rlen_ == 0) s->rflags_ |= ASY__R_NEED_READABLE;
        asy__readable_call_read(s);
        s->rflags_ &= ~(unsigned)ASY__R_SYNC;
        /* a synchronous push changed what can be returned */
        if (!(s->rflags_ & ASY__R_READING)) n = asy__readable_how_much(s, norig);
    }
    if (n > 0) {
        got = asy__readable_from_list(s, n, &chunk);
        if (got < 0) {
            asy_stream_destroy(s, got);
            return got;
        }
    }
    if (!got) {
        if (s->rlen_ <= s->rhwm_) s->rflags_ |= ASY__R_NEED_READABLE;
        n = 0;
    } else {
        s->rlen_ -= (s->rflags_ & ASY__R_OBJECT) ? 1 : chunk.len;
        n = (s->rflags_ & ASY__R_OBJECT) ? 1 : chunk.len;
        if (s->await_drain_) asy__pipe_clear_await(s);
    }
    if (s->rlen_ == 0) {
        if (!(s->rflags_ & ASY__R_ENDED)) s->rflags_ |= ASY__R_NEED_READABLE;
        if (norig != n && (s->rflags_ & ASY__R_ENDED)) asy__readable_end(s);
    }
    if (got && !(s->sflags_ & (ASY__S_ERROR_EMITTED | ASY__S_CLOSE_EMITTED))) {
        s->rflags_ |= ASY__R_DATA_EMITTED;
        asy__stream_emit(s, ASY__EV_DATA, &chunk, 0);
    }
    if (out)
        *out = chunk;
    else
        asy_buf_release(&chunk);
    return got;
}

ASY__INTERNAL int asy__readable_read(asy_stream_t *s, size_t n, asy_buf_t *out) {
    return asy__readable_read_impl(s, n, out);
}

ASYNCRT_API int asy_stream_read(asy_stream_t *s, size_t n, asy_buf_t *out) {
    if (out) memset(out, 0, sizeof(*out));
    if (!s || !(s->sflags_ & ASY__S_READABLE)) return ASY_EINVAL;
    return asy__readable_read_impl(s, n, out);
}

/* ---- push / unshift -------------------------------------------------------------------- */

ASY__INTERNAL int asy__readable_can_push_more(const asy_stream_t *s) {
    return !(s->rflags_ & ASY__R_ENDED) && (s->rlen_ < s->rhwm_ || s->rlen_ == 0);
}

/* Node's addChunk: straight to 'data' when flowing with nothing buffered
 * (and not inside _read), else into the buffer. */
ASY__INTERNAL int asy__readable_add_chunk(asy_stream_t *s, asy_buf_t *chunk, int front) {
    if ((s->rflags_ & (ASY__R_FLOWING | ASY__R_SYNC | ASY__R_DATA_LISTENING)) ==
            (ASY__R_FLOWING | ASY__R_DATA_LISTENING) &&
        s->rlen_ == 0) {
        if (s->await_drain_) asy__pipe_clear_await(s);
        s->rflags_ |= ASY__R_DATA_EMITTED;
        asy__stream_emit(s, ASY__EV_DATA, chunk, 0);
        asy_buf_release(chunk);
    } else {
        size_t add = (s->rflags_ & ASY__R_OBJECT) ? 1 : chunk->len;
        int r;
        if (s->rflags_ & ASY__R_OBJECT)
            r = asy__robj_store(s, chunk, front);
        else if (front) {
            r = asy_bufchain_prepend(&s->rbuf_, chunk);
            asy_buf_release(chunk);
        } else
            r = asy_bufchain_append_move(&s->rbuf_, chunk);
        if (r < 0) {
            asy_buf_release(chunk);
            return r;
        }
        s->rlen_ += add;
        if (s->rflags_ & ASY__R_NEED_READABLE) asy__readable_emit_readable(s);
    }
    asy__readable_maybe_read_more(s);
    return 0;
}

/* chunk is taken over (released whatever happens). */
ASY__INTERNAL int asy__readable_add(asy_stream_t *s, asy_buf_t *chunk, int unshift) {
    int object = (s->rflags_ & ASY__R_OBJECT) != 0, r;
    if (unshift) {
        if (!object && chunk->len == 0) {
            asy_buf_release(chunk);
            return asy__readable_can_push_more(s);
        }
        if (s->rflags_ & ASY__R_END_EMITTED) {
            asy_buf_release(chunk);
            asy__stream_error_or_destroy(s, ASY_EUNSHIFT_AFTER_END, 0);
            return ASY_EUNSHIFT_AFTER_END;
        }
        if (s->sflags_ & (ASY__S_DESTROYED | ASY__S_ERRORED)) {
            asy_buf_release(chunk);
            return 0;
        }
    } else {
        if (!object && chunk->len == 0) {
            asy_buf_release(chunk);
            s->rflags_ &= ~(unsigned)ASY__R_READING;
            asy__readable_maybe_read_more(s);
            return asy__readable_can_push_more(s);
        }
        if (s->rflags_ & ASY__R_ENDED) {
            asy_buf_release(chunk);
            asy__stream_error_or_destroy(s, ASY_EPUSH_AFTER_EOF, 0);
            return ASY_EPUSH_AFTER_EOF;
        }
        if (s->sflags_ & (ASY__S_DESTROYED | ASY__S_ERRORED)) {
            asy_buf_release(chunk);
            return 0;
        }
        s->rflags_ &= ~(unsigned)ASY__R_READING;
    }
    r = asy__readable_add_chunk(s, chunk, unshift);
    if (r < 0) {
        asy_stream_destroy(s, r);
        return r;
    }
    return asy__readable_can_push_more(s);
}

/* push(null) */
ASY__INTERNAL void asy__readable_eof(asy_stream_t *s) {
    s->rflags_ &= ~(unsigned)ASY__R_READING;
    if (s->rflags_ & ASY__R_ENDED) return;
    s->rflags_ |= ASY__R_ENDED;
    if (s->rflags_ & ASY__R_SYNC) {
        asy__readable_emit_readable(s);
    } else {
        /* outside _read: signal now, some consumers rely on it */
        s->rflags_ &= ~(unsigned)ASY__R_NEED_READABLE;
        s->rflags_ |= ASY__R_EMITTED_READABLE;
        asy__readable_emit_readable_now(s);
    }
}

ASYNCRT_API int asy_stream_push_move(asy_stream_t *s, asy_buf_t *chunk) {
    asy_buf_t c;
    if (!s || !chunk || !(s->sflags_ & ASY__S_READABLE)) return ASY_EINVAL;
    c = *chunk;
    memset(chunk, 0, sizeof(*chunk));
    return asy__readable_add(s, &c, 0);
}

ASYNCRT_API int asy_stream_push(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_buf_t c;
    int r;
    if (!s || !chunk || !(s->sflags_ & ASY__S_READABLE)) return ASY_EINVAL;
    if ((r = asy_buf_retain(&c, chunk)) < 0) return r;
    return asy__readable_add(s, &c, 0);
}

ASYNCRT_API int asy_stream_push_bytes(asy_stream_t *s, const void *bytes, size_t n) {
    asy_buf_t c;
    int r;
    if (!s || (!bytes && n) || !(s->sflags_ & ASY__S_READABLE)) return ASY_EINVAL;
    if ((r = asy_buf_from_bytes(&c, bytes, n)) < 0) return r;
    return asy__readable_add(s, &c, 0);
}

ASYNCRT_API int asy_stream_push_obj(asy_stream_t *s, void *obj, asy_buf_free_cb free_cb,
                                    void *hint) {
    asy_buf_t c;
    int r;
    if (!s || !(s->sflags_ & ASY__S_READABLE) || !(s->rflags_ & ASY__R_OBJECT)) return ASY_EINVAL;
    if ((r = asy_buf_from_external(&c, obj, 0, free_cb, hint)) < 0) return r;
    return asy__readable_add(s, &c, 0);
}

ASYNCRT_API int asy_stream_push_end(asy_stream_t *s) {
    if (!s || !(s->sflags_ & ASY__S_READABLE)) return ASY_EINVAL;
    asy__readable_eof(s);
    return 0;
}

ASYNCRT_API int asy_stream_unshift(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_buf_t c;
    int r;
    if (!s || !chunk || !(s->sflags_ & ASY__S_READABLE)) return ASY_EINVAL;
    if ((r = asy_buf_retain(&c, chunk)) < 0) return r;
    return asy__readable_add(s, &c, 1);
}

/* ---- flowing and paused ----------------------------------------------------------------- */

ASY__INTERNAL void asy__readable_resume_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    if (!(s->rflags_ & ASY__R_READING)) asy__readable_read_impl(s, 0, NULL);
    s->rflags_ &= ~(unsigned)ASY__R_RESUME_SCHEDULED;
    asy__stream_emit(s, ASY__EV_RESUME, NULL, 0);
    asy__readable_flow(s);
    if ((s->rflags_ & (ASY__R_FLOWING | ASY__R_READING)) == ASY__R_FLOWING)
        asy__readable_read_impl(s, 0, NULL);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__readable_resume(asy_stream_t *s) {
    if (!(s->rflags_ & ASY__R_FLOWING)) {
        /* flowing only when no one listens for 'readable' */
        s->rflags_ |= ASY__R_HAS_FLOWING;
        if (!(s->rflags_ & ASY__R_READABLE_LISTENING))
            s->rflags_ |= ASY__R_FLOWING;
        else
            s->rflags_ &= ~(unsigned)ASY__R_FLOWING;
        if (!(s->rflags_ & ASY__R_RESUME_SCHEDULED)) {
            s->rflags_ |= ASY__R_RESUME_SCHEDULED;
            asy__stream_tick(s, asy__readable_resume_tick);
        }
    }
    s->rflags_ |= ASY__R_HAS_PAUSED;
    s->rflags_ &= ~(unsigned)ASY__R_PAUSED;
}

ASY__INTERNAL void asy__readable_pause(asy_stream_t *s) {
    if ((s->rflags_ & (ASY__R_HAS_FLOWING | ASY__R_FLOWING)) != ASY__R_HAS_FLOWING) {
        s->rflags_ |= ASY__R_HAS_FLOWING;
        s->rflags_ &= ~(unsigned)ASY__R_FLOWING;
        asy__stream_emit(s, ASY__EV_PAUSE, NULL, 0);
    }
    s->rflags_ |= ASY__R_HAS_PAUSED | ASY__R_PAUSED;
}

ASYNCRT_API int asy_stream_resume(asy_stream_t *s) {
    if (!s || !(s->sflags_ & ASY__S_READABLE)) return ASY_EINVAL;
    asy__readable_resume(s);
    return 0;
}

ASYNCRT_API int asy_stream_pause(asy_stream_t *s) {
    if (!s || !(s->sflags_ & ASY__S_READABLE)) return ASY_EINVAL;
    asy__readable_pause(s);
    return 0;
}

ASYNCRT_API int asy_stream_is_paused(const asy_stream_t *s) {
    if (!s) return 0;
    return (s->rflags_ & ASY__R_PAUSED) ||
           (s->rflags_ & (ASY__R_HAS_FLOWING | ASY__R_FLOWING)) == ASY__R_HAS_FLOWING;
}

/* ---- listeners: on('data'), on('readable') and their removal ------------------------------- */

ASY__INTERNAL void asy__readable_n_reading_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__readable_read_impl(s, 0, NULL);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__readable_update_listening_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    if (s->readable_listeners_)
        s->rflags_ |= ASY__R_READABLE_LISTENING;
    else
        s->rflags_ &= ~(unsigned)ASY__R_READABLE_LISTENING;
    if ((s->rflags_ & (ASY__R_HAS_PAUSED | ASY__R_PAUSED | ASY__R_RESUME_SCHEDULED)) ==
        (ASY__R_HAS_PAUSED | ASY__R_RESUME_SCHEDULED))
        /* a resume() is on its way: it must flow */
        s->rflags_ |= ASY__R_HAS_FLOWING | ASY__R_FLOWING;
    else if (s->rflags_ & ASY__R_DATA_LISTENING)
        asy__readable_resume(s);
    else if (!(s->rflags_ & ASY__R_READABLE_LISTENING))
        s->rflags_ &= ~(unsigned)(ASY__R_HAS_FLOWING | ASY__R_FLOWING);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__readable_data_listener(asy_stream_t *s, int delta) {
    if (!(s->sflags_ & ASY__S_READABLE)) return;
    if (delta > 0) {
        s->data_listeners_++;
        s->rflags_ |= ASY__R_DATA_LISTENING;
        if (s->readable_listeners_) s->rflags_ |= ASY__R_READABLE_LISTENING;
        /* start flowing unless paused explicitly */
        if ((s->rflags_ & (ASY__R_HAS_FLOWING | ASY__R_FLOWING)) != ASY__R_HAS_FLOWING)
            asy__readable_resume(s);
    } else if (s->data_listeners_) {
        if (--s->data_listeners_ == 0) s->rflags_ &= ~(unsigned)ASY__R_DATA_LISTENING;
    }
}

ASY__INTERNAL void asy__readable_readable_listener(asy_stream_t *s, int delta) {
    if (!(s->sflags_ & ASY__S_READABLE)) return;
    if (delta > 0) {
        s->readable_listeners_++;
        if (!(s->rflags_ & (ASY__R_END_EMITTED | ASY__R_READABLE_LISTENING))) {
            s->rflags_ |= ASY__R_READABLE_LISTENING | ASY__R_NEED_READABLE | ASY__R_HAS_FLOWING;
            s->rflags_ &= ~(unsigned)(ASY__R_FLOWING | ASY__R_EMITTED_READABLE);
            if (s->rlen_)
                asy__readable_emit_readable(s);
            else if (!(s->rflags_ & ASY__R_READING))
                asy__stream_tick(s, asy__readable_n_reading_tick);
        }
    } else if (s->readable_listeners_) {
        s->readable_listeners_--;
        /* after the current 'readable' round, as in Node */
        asy__stream_tick(s, asy__readable_update_listening_tick);
    }
}

ASY__INTERNAL void asy__readable_on_constructed(asy_stream_t *s) {
    if (s->rflags_ & ASY__R_NEED_READABLE) asy__readable_maybe_read_more(s);
}

/* Node's isReadableFinished. */
ASY__INTERNAL int asy__readable_finished(const asy_stream_t *s, int strict) {
    if (s->sflags_ & ASY__S_ERRORED) return 0;
    return (s->rflags_ & ASY__R_END_EMITTED) ||
           (!strict && (s->rflags_ & ASY__R_ENDED) && s->rlen_ == 0);
}

/* Node's .readable getter. */
ASY__INTERNAL int asy__readable_is_readable(const asy_stream_t *s) {
    return (s->sflags_ & ASY__S_READABLE) &&
           !(s->sflags_ & (ASY__S_DESTROYED | ASY__S_ERROR_EMITTED)) &&
           !(s->rflags_ & ASY__R_END_EMITTED);
}

#line 1 "asyncrt_impl/stream/writable.c"
/* The writable side: Node's writable.js.  One write is in flight at a
 * time; later ones wait in a ring (and go to writev together when the
 * implementer has one). */


ASY__INTERNAL void asy__writable_finish_maybe(asy_stream_t *s, int sync);

ASY__INTERNAL void asy__writable_init(asy_stream_t *s, const asy_stream_opts *o) {
    int object = o && (o->object_mode || o->writable_object_mode);
    s->wflags_ = ASY__W_SYNC | ASY__W_ALL_NOOP | (object ? (unsigned)ASY__W_OBJECT : 0u);
    s->whwm_ = asy__stream_pick_hwm(o, o ? o->writable_high_water_mark : 0, object);
}

ASY__INTERNAL size_t asy__wlen_of(const asy_stream_t *s, const asy_buf_t *chunk) {
    return (s->wflags_ & ASY__W_OBJECT) ? 1 : chunk->len;
}

/* ---- the buffered-write ring ---------------------------------------------------- */

ASY__INTERNAL int asy__wq_push(asy_stream_t *s, asy_buf_t *chunk, asy_stream_cb cb, void *arg) {
    struct asy__stream_wreq *w;
    size_t i;
    if (s->wq_count_ == s->wq_cap_) {
        size_t cap = s->wq_cap_ ? s->wq_cap_ * 2 : 16;
        struct asy__stream_wreq *q = ASY__NEW_ARRAY(struct asy__stream_wreq, cap);
        if (!q) return ASY_ENOMEM;
        for (i = 0; i < s->wq_count_; i++) q[i] = s->wq_[(s->wq_head_ + i) & (s->wq_cap_ - 1)];
        asy__free(s->wq_);
        s->wq_ = q;
        s->wq_cap_ = cap;
        s->wq_head_ = 0;
    }
    w = &s->wq_[(s->wq_head_ + s->wq_count_) & (s->wq_cap_ - 1)];
    w->chunk = *chunk;
    w->cb = cb;
    w->arg = arg;
    memset(chunk, 0, sizeof(*chunk));
    s->wq_count_++;
    return 0;
}

ASY__INTERNAL struct asy__stream_wreq asy__wq_pop(asy_stream_t *s) {
    struct asy__stream_wreq w = s->wq_[s->wq_head_];
    s->wq_head_ = (s->wq_head_ + 1) & (s->wq_cap_ - 1);
    s->wq_count_--;
    return w;
}

ASY__INTERNAL void asy__wq_reset(asy_stream_t *s) {
    s->wq_head_ = 0;
    s->wq_count_ = 0;
    s->wflags_ |= ASY__W_ALL_NOOP;
}

/* ---- callbacks ------------------------------------------------------------------------ */

ASY__INTERNAL void asy__wcbs_call(asy_stream_t *s, asy_stream_cb cb, void *arg,
                                  struct asy__stream_cblist *list, int status) {
    size_t i;
    if (list) {
        for (i = 0; i < list->n; i++)
            if (list->items[i].cb) list->items[i].cb(s, status, list->items[i].arg);
    } else if (cb) {
        cb(s, status, arg);
    }
}

ASY__INTERNAL void asy__writable_call_finished(asy_stream_t *s, int err) {
    struct asy__stream_endcb *cbs = s->endcbs_;
    size_t i, n = s->nendcbs_;
    if (!n) return;
    s->endcbs_ = NULL;
    s->nendcbs_ = s->endcbs_cap_ = 0;
    for (i = 0; i < n; i++) cbs[i].cb(s, err, cbs[i].arg);
    asy__free(cbs);
}

/* Buffered writes (and end callbacks) fail once the stream is destroyed. */
ASY__INTERNAL void asy__writable_error_buffer(asy_stream_t *s) {
    int err;
    if (s->wflags_ & ASY__W_WRITING) return;
    err = (s->sflags_ & ASY__S_ERRORED) ? s->err_ : ASY_ESTREAM_DESTROYED;
    while (s->wq_count_) {
        struct asy__stream_wreq w = asy__wq_pop(s);
        s->wlen_ -= asy__wlen_of(s, &w.chunk);
        asy_buf_release(&w.chunk);
        if (w.cb) w.cb(s, err, w.arg);
    }
    asy__writable_call_finished(s, (s->sflags_ & ASY__S_ERRORED) ? s->err_ : ASY_ESTREAM_DESTROYED);
    asy__wq_reset(s);
}

ASY__INTERNAL void asy__writable_error_buffer_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__writable_error_buffer(s);
    asy__stream_tick_done(s);
}

/* ---- starting writes ------------------------------------------------------------------- */

ASY__INTERNAL void asy__writable_call_write(asy_stream_t *s, const asy_buf_t *chunk) {
    if (s->sflags_ & ASY__S_TRANSFORM)
        asy__transform_write(s, chunk);
    else if (s->impl_->write)
        s->impl_->write(s, chunk);
    else
        s->impl_->writev(s, chunk, 1);
}

ASY__INTERNAL void asy__writable_do_write(asy_stream_t *s, struct asy__stream_wreq *w) {
    s->writelen_ = asy__wlen_of(s, &w->chunk);
    s->writecb_ = w->cb;
    s->writecb_arg_ = w->arg;
    s->writecbs_ = NULL;
    s->wcur_ = w->chunk;
    s->wflags_ |= ASY__W_WRITING | ASY__W_SYNC | ASY__W_EXPECT_WRITE_CB;
    if (s->sflags_ & ASY__S_DESTROYED)
        asy_stream_write_done(s, ASY_ESTREAM_DESTROYED);
    else
        asy__writable_call_write(s, &s->wcur_);
    s->wflags_ &= ~(unsigned)ASY__W_SYNC;
}

/* Everything buffered in one writev.  0, or ASY_ENOMEM with nothing
 * changed (the caller then writes one at a time). */
ASY__INTERNAL int asy__writable_do_writev(asy_stream_t *s) {
    size_t i, n = s->wq_count_;
    struct asy__stream_cblist *list = NULL;
    if (s->wv_cap_ < n) {
        asy_buf_t *b = ASY__NEW_ARRAY(asy_buf_t, n);
        if (!b) return ASY_ENOMEM;
        asy__free(s->wv_bufs_);
        s->wv_bufs_ = b;
        s->wv_cap_ = n;
    }
    if (!(s->wflags_ & ASY__W_ALL_NOOP)) {
        list = (struct asy__stream_cblist *)asy__malloc(sizeof(struct asy__stream_cblist) +
                                                        n * sizeof(struct asy__stream_cbent));
        if (!list) return ASY_ENOMEM;
        list->n = n;
        list->items = (struct asy__stream_cbent *)(void *)(list + 1);
    }
    for (i = 0; i < n; i++) {
        struct asy__stream_wreq w = asy__wq_pop(s);
        s->wv_bufs_[i] = w.chunk;
        if (list) {
            list->items[i].cb = w.cb;
            list->items[i].arg = w.arg;
        }
    }
    s->wv_n_ = n;
    asy__wq_reset(s);
    s->pendingcb_ -= n - 1;
    s->writelen_ = s->wlen_;
    s->writecb_ = NULL;
    s->writecb_arg_ = NULL;
    s->writecbs_ = list;
    s->wflags_ |= ASY__W_WRITING | ASY__W_SYNC | ASY__W_EXPECT_WRITE_CB;
    if (s->sflags_ & ASY__S_DESTROYED)
        asy_stream_write_done(s, ASY_ESTREAM_DESTROYED);
    else
        s->impl_->writev(s, s->wv_bufs_, n);
    s->wflags_ &= ~(unsigned)ASY__W_SYNC;
    return 0;
}

ASY__INTERNAL void asy__writable_clear_buffer(asy_stream_t *s) {
    if ((s->sflags_ & ASY__S_DESTROYED) || (s->wflags_ & ASY__W_BUFFER_PROCESSING) ||
        s->corked_ || !s->wq_count_ || !(s->sflags_ & ASY__S_CONSTRUCTED))
        return;
    s->wflags_ |= ASY__W_BUFFER_PROCESSING;
    if (s->wq_count_ > 1 && s->impl_ && s->impl_->writev && !(s->sflags_ & ASY__S_TRANSFORM) &&
        asy__writable_do_writev(s) == 0) {
        /* all of it went in one call */
    } else {
        do {
            struct asy__stream_wreq w = asy__wq_pop(s);
            asy__writable_do_write(s, &w);
        } while (s->wq_count_ && !(s->wflags_ & ASY__W_WRITING));
        if (!s->wq_count_) asy__wq_reset(s);
    }
    s->wflags_ &= ~(unsigned)ASY__W_BUFFER_PROCESSING;
}

ASY__INTERNAL int asy__writable_write_or_buffer(asy_stream_t *s, asy_buf_t *chunk,
                                                asy_stream_cb cb, void *arg) {
    size_t len = asy__wlen_of(s, chunk);
    int ret;
    s->wlen_ += len;
    if ((s->wflags_ & ASY__W_WRITING) || (s->sflags_ & ASY__S_ERRORED) || s->corked_ ||
        !(s->sflags_ & ASY__S_CONSTRUCTED)) {
        int r = asy__wq_push(s, chunk, cb, arg);
        if (r < 0) {
            s->wlen_ -= len;
            s->pendingcb_--;
            asy_buf_release(chunk);
            return r;
        }
        if (cb) s->wflags_ &= ~(unsigned)ASY__W_ALL_NOOP;
    } else {
        s->writelen_ = len;
        s->writecb_ = cb;
        s->writecb_arg_ = arg;
        s->writecbs_ = NULL;
        s->wcur_ = *chunk;
        memset(chunk, 0, sizeof(*chunk));
        s->wflags_ |= ASY__W_WRITING | ASY__W_SYNC | ASY__W_EXPECT_WRITE_CB;
        asy__writable_call_write(s, &s->wcur_);
        s->wflags_ &= ~(unsigned)ASY__W_SYNC;
    }
    ret = s->wlen_ < s->whwm_ || s->wlen_ == 0;
    if (!ret) s->wflags_ |= ASY__W_NEED_DRAIN;
    /* 0 when failed, to break `while (write(...))` loops */
    return ret && !(s->sflags_ & (ASY__S_DESTROYED | ASY__S_ERRORED));
}

/* chunk is taken over. */
ASY__INTERNAL int asy__writable_write(asy_stream_t *s, asy_buf_t *chunk, asy_stream_cb cb,
                                      void *arg) {
    int err = 0;
    if (s->wflags_ & ASY__W_ENDING)
        err = ASY_EWRITE_AFTER_END;
    else if (s->sflags_ & ASY__S_DESTROYED)
        err = ASY_ESTREAM_DESTROYED;
    if (err) {
        asy_buf_release(chunk);
        asy__stream_error_or_destroy(s, err, 1);
        return err;
    }
    s->pendingcb_++;
    return asy__writable_write_or_buffer(s, chunk, cb, arg);
}

ASYNCRT_API int asy_stream_write(asy_stream_t *s, const asy_buf_t *chunk, asy_stream_cb cb,
                                 void *arg) {
    asy_buf_t c;
    int r;
    if (!s || !chunk || !(s->sflags_ & ASY__S_WRITABLE)) return ASY_EINVAL;
    if ((r = asy_buf_retain(&c, chunk)) < 0) return r;
    return asy__writable_write(s, &c, cb, arg);
}

ASYNCRT_API int asy_stream_write_bytes(asy_stream_t *s, const void *bytes, size_t n,
                                       asy_stream_cb cb, void *arg) {
    asy_buf_t c;
    int r;
    if (!s || (!bytes && n) || !(s->sflags_ & ASY__S_WRITABLE)) return ASY_EINVAL;
    if ((r = asy_buf_from_bytes(&c, bytes, n)) < 0) return r;
    return asy__writable_write(s, &c, cb, arg);
}

ASYNCRT_API int asy_stream_write_obj(asy_stream_t *s, void *obj, asy_buf_free_cb free_cb,
                                     void *hint, asy_stream_cb cb, void *arg) {
    asy_buf_t c;
    int r;
    if (!s || !(s->sflags_ & ASY__S_WRITABLE) || !(s->wflags_ & ASY__W_OBJECT)) return ASY_EINVAL;
    if ((r = asy_buf_from_external(&c, obj, 0, free_cb, hint)) < 0) return r;
    return asy__writable_write(s, &c, cb, arg);
}

/* ---- completions ------------------------------------------------------------------------ */

ASY__INTERNAL void asy__writable_after_write(asy_stream_t *s, size_t count, asy_stream_cb cb,
                                             void *arg, struct asy__stream_cblist *list) {
    s->wflags_ &= ~(unsigned)ASY__W_AFTER_WRITE_PENDING;
    if ((s->wflags_ & (ASY__W_ENDING | ASY__W_NEED_DRAIN)) == ASY__W_NEED_DRAIN &&
        !(s->sflags_ & ASY__S_DESTROYED) && s->wlen_ == 0) {
        s->wflags_ &= ~(unsigned)ASY__W_NEED_DRAIN;
        asy__stream_emit(s, ASY__EV_DRAIN, NULL, 0);
    }
    while (count-- > 0) {
        s->pendingcb_--;
        asy__wcbs_call(s, cb, arg, list, 0);
    }
    asy__free(list);
    if (s->sflags_ & ASY__S_DESTROYED) asy__writable_error_buffer(s);
    if (s->wflags_ & ASY__W_ENDING) asy__writable_finish_maybe(s, 1);
}

ASY__INTERNAL void asy__writable_after_write_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__writable_after_write(s, 1, NULL, NULL, NULL);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__writable_after_write_info_tick(void *p) {
    struct asy__stream_awinfo *info = (struct asy__stream_awinfo *)p;
    asy_stream_t *s = info->s;
    struct asy__stream_awinfo copy = *info;
    /* As in Node, any later info is forgotten too: the next write starts
     * a new one. */
    s->wflags_ &= ~(unsigned)ASY__W_AFTER_WRITE_TICK_INFO;
    s->aw_cur_ = NULL;
    if (!s->aw_spare_)
        s->aw_spare_ = info;
    else
        asy__free(info);
    asy__writable_after_write(s, copy.count, copy.cb, copy.arg, copy.list);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__writable_onwrite_error(asy_stream_t *s, int status, asy_stream_cb cb,
                                               void *arg, struct asy__stream_cblist *list) {
    s->pendingcb_--;
    asy__wcbs_call(s, cb, arg, list, status);
    asy__free(list);
    asy__writable_error_buffer(s);
    asy__stream_error_or_destroy(s, status, 0);
}

ASY__INTERNAL void asy__writable_onwrite_error_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    struct asy__stream_cblist *list = s->werr_list_;
    s->werr_list_ = NULL;
    asy__writable_onwrite_error(s, s->werr_status_, s->werr_cb_, s->werr_arg_, list);
    asy__stream_tick_done(s);
}

ASYNCRT_API int asy_stream_write_done(asy_stream_t *s, int status) {
    asy_stream_cb cb;
    void *arg;
    struct asy__stream_cblist *list;
    size_t i;
    int sync;
    if (!s || !(s->sflags_ & ASY__S_WRITABLE)) return ASY_EINVAL;
    if (!(s->wflags_ & ASY__W_EXPECT_WRITE_CB)) {
        asy__stream_error_or_destroy(s, ASY_EMULTIPLE_CALLBACK, 0);
        return ASY_EMULTIPLE_CALLBACK;
    }
    sync = (s->wflags_ & ASY__W_SYNC) != 0;
    cb = s->writecb_;
    arg = s->writecb_arg_;
    list = s->writecbs_;
    s->writecb_ = NULL;
    s->writecb_arg_ = NULL;
    s->writecbs_ = NULL;
    s->wflags_ &= ~(unsigned)(ASY__W_WRITING | ASY__W_EXPECT_WRITE_CB);
    s->wlen_ -= s->writelen_;
    s->writelen_ = 0;
    asy_buf_release(&s->wcur_);
    for (i = 0; i < s->wv_n_; i++) asy_buf_release(&s->wv_bufs_[i]);
    s->wv_n_ = 0;

    if (status) {
        asy__stream_set_error(s, status);
        if (sync) {
            s->werr_cb_ = cb;
            s->werr_arg_ = arg;
            s->werr_list_ = list;
            s->werr_status_ = status;
            asy__stream_tick(s, asy__writable_onwrite_error_tick);
        } else {
            asy__writable_onwrite_error(s, status, cb, arg, list);
        }
        return 0;
    }
    if (s->wq_count_) asy__writable_clear_buffer(s);
    if (!sync) {
        asy__writable_after_write(s, 1, cb, arg, list);
        return 0;
    }
    {
        int need_drain = (s->wflags_ & ASY__W_NEED_DRAIN) && s->wlen_ == 0;
        /* Node 20 tests `state & kDestroyed !== 0`, which is the object
         * mode bit: object-mode writes always take the tick. */
        int need_tick = need_drain || (s->wflags_ & ASY__W_OBJECT) || cb || list;
        if (!cb && !list) {
            if (!(s->wflags_ & ASY__W_AFTER_WRITE_PENDING) && need_tick) {
                asy__stream_tick(s, asy__writable_after_write_tick);
                s->wflags_ |= ASY__W_AFTER_WRITE_PENDING;
            } else {
                s->pendingcb_--;
                if (s->wflags_ & ASY__W_ENDING) asy__writable_finish_maybe(s, 1);
            }
        } else if ((s->wflags_ & ASY__W_AFTER_WRITE_TICK_INFO) && !list && s->aw_cur_ &&
                   !s->aw_cur_->list && s->aw_cur_->cb == cb && s->aw_cur_->arg == arg) {
            s->aw_cur_->count++;
        } else {
            struct asy__stream_awinfo *info = s->aw_spare_;
            if (info)
                s->aw_spare_ = NULL;
            else
                info = ASY__NEW(struct asy__stream_awinfo);
            if (!info) { /* out of memory: complete now instead of on the tick */
                asy__writable_after_write(s, 1, cb, arg, list);
                return 0;
            }
            info->s = s;
            info->cb = cb;
            info->arg = arg;
            info->list = list;
            info->count = 1;
            s->aw_cur_ = info;
            s->wflags_ |= ASY__W_AFTER_WRITE_PENDING | ASY__W_AFTER_WRITE_TICK_INFO;
            asy__stream_tick_arg(s, asy__writable_after_write_info_tick, info);
        }
    }
    return 0;
}

/* ---- cork ---------------------------------------------------------------------------------- */

ASYNCRT_API int asy_stream_cork(asy_stream_t *s) {
    if (!s || !(s->sflags_ & ASY__S_WRITABLE)) return ASY_EINVAL;
    s->corked_++;
    return 0;
}

ASYNCRT_API int asy_stream_uncork(asy_stream_t *s) {
    if (!s || !(s->sflags_ & ASY__S_WRITABLE)) return ASY_EINVAL;
    if (s->corked_) {
        s->corked_--;
        if (!(s->wflags_ & ASY__W_WRITING)) asy__writable_clear_buffer(s);
    }
    return 0;
}

/* ---- end, final, finish --------------------------------------------------------------------- */

ASY__INTERNAL int asy__writable_need_finish(const asy_stream_t *s) {
    return (s->wflags_ & ASY__W_ENDING) &&
           !(s->sflags_ & (ASY__S_DESTROYED | ASY__S_ERROR_EMITTED | ASY__S_CLOSE_EMITTED |
                           ASY__S_ERRORED)) &&
           (s->sflags_ & ASY__S_CONSTRUCTED) &&
           !(s->wflags_ & (ASY__W_FINISHED | ASY__W_WRITING)) && s->wq_count_ == 0 &&
           s->wlen_ == 0;
}

ASY__INTERNAL void asy__writable_finish(asy_stream_t *s) {
    s->pendingcb_--;
    s->wflags_ |= ASY__W_FINISHED;
    asy__writable_call_finished(s, 0);
    asy__stream_emit(s, ASY__EV_FINISH, NULL, 0);
    if (s->sflags_ & ASY__S_AUTO_DESTROY) {
        /* a duplex waits for its readable side too */
        if (!(s->sflags_ & ASY__S_READABLE) || (s->rflags_ & ASY__R_END_EMITTED))
            asy_stream_destroy(s, 0);
    }
}

ASY__INTERNAL void asy__writable_finish_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__writable_finish(s);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__writable_finish_maybe_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    if (asy__writable_need_finish(s))
        asy__writable_finish(s);
    else
        s->pendingcb_--;
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__writable_prefinish(asy_stream_t *s) {
    int has_final = (s->sflags_ & ASY__S_TRANSFORM) || (s->impl_ && s->impl_->final);
    if (s->wflags_ & (ASY__W_PREFINISHED | ASY__W_FINAL_CALLED)) return;
    if (has_final && !(s->sflags_ & ASY__S_DESTROYED)) {
        s->wflags_ |= ASY__W_FINAL_CALLED | ASY__W_SYNC | ASY__W_FINAL_WAIT;
        s->pendingcb_++;
        if (s->sflags_ & ASY__S_TRANSFORM)
            asy__transform_final(s);
        else
            s->impl_->final(s);
        s->wflags_ &= ~(unsigned)ASY__W_SYNC;
    } else {
        s->wflags_ |= ASY__W_FINAL_CALLED | ASY__W_PREFINISHED;
    }
}

ASY__INTERNAL void asy__writable_finish_maybe(asy_stream_t *s, int sync) {
    if (!asy__writable_need_finish(s)) return;
    asy__writable_prefinish(s);
    if (s->pendingcb_ != 0) return;
    if (sync) {
        s->pendingcb_++;
        asy__stream_tick(s, asy__writable_finish_maybe_tick);
    } else if (asy__writable_need_finish(s)) {
        s->pendingcb_++;
        asy__writable_finish(s);
    }
}

ASYNCRT_API int asy_stream_final_done(asy_stream_t *s, int status) {
    if (!s || !(s->sflags_ & ASY__S_WRITABLE)) return ASY_EINVAL;
    if (!(s->wflags_ & ASY__W_FINAL_WAIT)) {
        asy__stream_error_or_destroy(s, status ? status : ASY_EMULTIPLE_CALLBACK, 0);
        return ASY_EMULTIPLE_CALLBACK;
    }
    s->wflags_ &= ~(unsigned)ASY__W_FINAL_WAIT;
    s->pendingcb_--;
    if (status) {
        asy__writable_call_finished(s, status);
        asy__stream_error_or_destroy(s, status, (s->wflags_ & ASY__W_SYNC) != 0);
    } else if (asy__writable_need_finish(s)) {
        s->wflags_ |= ASY__W_PREFINISHED;
        /* 'finish' stays asynchronous to _final's callback */
        s->pendingcb_++;
        asy__stream_tick(s, asy__writable_finish_tick);
    }
    return 0;
}

ASY__INTERNAL int asy__writable_end(asy_stream_t *s, asy_stream_cb cb, void *arg) {
    int err = 0;
    if (cb && s->nendcbs_ == s->endcbs_cap_) {
        /* room first, so running out of memory changes nothing */
        size_t cap = s->endcbs_cap_ ? s->endcbs_cap_ * 2 : 2;
        struct asy__stream_endcb *a = (struct asy__stream_endcb *)asy__realloc(
            s->endcbs_, cap * sizeof(struct asy__stream_endcb));
        if (!a) return ASY_ENOMEM;
        s->endcbs_ = a;
        s->endcbs_cap_ = cap;
    }
    if (s->corked_) { /* end() fully uncorks */
        s->corked_ = 1;
        asy_stream_uncork(s);
    }
    if (!(s->wflags_ & ASY__W_ENDING) && !(s->sflags_ & ASY__S_ERRORED)) {
        s->wflags_ |= ASY__W_ENDING;
        asy__writable_finish_maybe(s, 1);
        s->wflags_ |= ASY__W_ENDED;
    } else if (s->wflags_ & ASY__W_FINISHED) {
        err = ASY_ESTREAM_FINISHED;
    } else if (s->sflags_ & ASY__S_DESTROYED) {
        err = ASY_ESTREAM_DESTROYED;
    }
    if (err) return err;
    if (cb) {
        if (s->sflags_ & ASY__S_ERRORED)
            asy__stream_defer_cb(s, cb, arg, s->err_);
        else if (s->wflags_ & ASY__W_FINISHED)
            asy__stream_defer_cb(s, cb, arg, 0);
        else {
            s->endcbs_[s->nendcbs_].cb = cb;
            s->endcbs_[s->nendcbs_].arg = arg;
            s->nendcbs_++;
        }
    }
    return 0;
}

ASYNCRT_API int asy_stream_end(asy_stream_t *s, asy_stream_cb cb, void *arg) {
    if (!s || !(s->sflags_ & ASY__S_WRITABLE)) return ASY_EINVAL;
    return asy__writable_end(s, cb, arg);
}

/* allowHalfOpen: false -- the readable side ended, so end this one. */
ASY__INTERNAL void asy__writable_end_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    if (asy__writable_is_writable(s) && !(s->wflags_ & ASY__W_ENDING)) asy__writable_end(s, NULL, NULL);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__writable_end_from_readable(asy_stream_t *s) {
    asy__stream_tick(s, asy__writable_end_tick);
}

/* ---- lifecycle hooks -------------------------------------------------------------------------- */

ASY__INTERNAL void asy__writable_on_constructed(asy_stream_t *s) {
    if (!(s->wflags_ & ASY__W_WRITING)) asy__writable_clear_buffer(s);
    if (s->wflags_ & ASY__W_ENDING) asy__writable_finish_maybe(s, 0);
}

ASY__INTERNAL void asy__writable_destroying(asy_stream_t *s) {
    if ((s->wq_count_ || s->nendcbs_) && !(s->sflags_ & ASY__S_DESTROYED))
        asy__stream_tick(s, asy__writable_error_buffer_tick);
}

ASY__INTERNAL int asy__writable_finished(const asy_stream_t *s, int strict) {
    if (s->sflags_ & ASY__S_ERRORED) return 0;
    return (s->wflags_ & ASY__W_FINISHED) ||
           (!strict && (s->wflags_ & ASY__W_ENDED) && s->wlen_ == 0);
}

ASY__INTERNAL int asy__writable_is_writable(const asy_stream_t *s) {
    return (s->sflags_ & ASY__S_WRITABLE) &&
           !(s->sflags_ & (ASY__S_DESTROYED | ASY__S_ERRORED)) &&
           !(s->wflags_ & (ASY__W_ENDING | ASY__W_ENDED));
}

ASY__INTERNAL void asy__writable_release(asy_stream_t *s) {
    size_t i;
    while (s->wq_count_) {
        struct asy__stream_wreq w = asy__wq_pop(s);
        asy_buf_release(&w.chunk);
    }
    asy__free(s->wq_);
    s->wq_ = NULL;
    s->wq_cap_ = 0;
    asy_buf_release(&s->wcur_);
    for (i = 0; i < s->wv_n_; i++) asy_buf_release(&s->wv_bufs_[i]);
    asy__free(s->wv_bufs_);
    s->wv_bufs_ = NULL;
    s->wv_n_ = s->wv_cap_ = 0;
    asy__free(s->writecbs_);
    s->writecbs_ = NULL;
    asy__free(s->werr_list_);
    s->werr_list_ = NULL;
    asy__free(s->aw_spare_);
    s->aw_spare_ = NULL;
    asy__free(s->endcbs_);
    s->endcbs_ = NULL;
    s->nendcbs_ = s->endcbs_cap_ = 0;
}

#line 1 "asyncrt_impl/stream/transform.c"
/* Transform and PassThrough: a duplex whose _write runs _transform and
 * whose _read releases a held transform callback (Node's transform.js).
 * The writable side's backpressure therefore follows the readable side:
 * a transform that produced output above the readable mark does not take
 * the next chunk until that output is read. */


ASY__INTERNAL void asy__transform_write(asy_stream_t *s, const asy_buf_t *chunk) {
    s->xform_rlen_ = s->rlen_;
    s->sflags_ |= ASY__S_XFORM_WAIT;
    s->impl_->transform(s, chunk);
}

ASY__INTERNAL void asy__transform_read(asy_stream_t *s) {
    if (s->sflags_ & ASY__S_XFORM_HELD) {
        s->sflags_ &= ~(unsigned)ASY__S_XFORM_HELD;
        asy_stream_write_done(s, 0);
    }
}

ASY__INTERNAL void asy__transform_done_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy_stream_write_done(s, 0);
    asy__stream_tick_done(s);
}

ASYNCRT_API int asy_stream_transform_done(asy_stream_t *s, int status) {
    if (!s || !(s->sflags_ & ASY__S_TRANSFORM)) return ASY_EINVAL;
    if (!(s->sflags_ & ASY__S_XFORM_WAIT)) {
        asy__stream_error_or_destroy(s, ASY_EMULTIPLE_CALLBACK, 0);
        return ASY_EMULTIPLE_CALLBACK;
    }
    s->sflags_ &= ~(unsigned)ASY__S_XFORM_WAIT;
    if (status) return asy_stream_write_done(s, status);
    if (s->rflags_ & ASY__R_ENDED) {
        /* the transform pushed the end itself: let that settle first */
        asy__stream_tick(s, asy__transform_done_tick);
    } else if ((s->wflags_ & ASY__W_ENDED) || s->xform_rlen_ == s->rlen_ || s->rlen_ < s->rhwm_) {
        asy_stream_write_done(s, 0);
    } else {
        s->sflags_ |= ASY__S_XFORM_HELD; /* released by the next _read */
    }
    return 0;
}

/* The transform's _final: _flush, then the end of the readable side. */
ASY__INTERNAL void asy__transform_final(asy_stream_t *s) {
    if (s->impl_->flush && !(s->sflags_ & ASY__S_DESTROYED)) {
        s->sflags_ |= ASY__S_FLUSH_WAIT;
        s->impl_->flush(s);
    } else {
        asy__readable_eof(s);
        asy_stream_final_done(s, 0);
    }
}

ASYNCRT_API int asy_stream_flush_done(asy_stream_t *s, int status) {
    if (!s || !(s->sflags_ & ASY__S_TRANSFORM)) return ASY_EINVAL;
    if (!(s->sflags_ & ASY__S_FLUSH_WAIT)) {
        asy__stream_error_or_destroy(s, ASY_EMULTIPLE_CALLBACK, 0);
        return ASY_EMULTIPLE_CALLBACK;
    }
    s->sflags_ &= ~(unsigned)ASY__S_FLUSH_WAIT;
    if (status) return asy_stream_final_done(s, status);
    asy__readable_eof(s);
    return asy_stream_final_done(s, 0);
}

ASY__INTERNAL int asy__transform_init(asy_loop_t *loop, asy_stream_t *s,
                                      const asy_stream_impl *impl, const asy_stream_opts *opts) {
    asy_stream_opts o;
    int r, robj;
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof(o));
    robj = o.object_mode || o.readable_object_mode;
    if (asy__stream_pick_hwm(&o, o.readable_high_water_mark, robj) == 0) {
        /* A readable mark of 0 buffers nothing on the writable side
         * either, unless asked: the transform holds hwm chunks, not 2x. */
        o.high_water_mark = 0;
        o.readable_high_water_mark = ASY_STREAM_HWM_ZERO;
        if (!o.writable_high_water_mark) o.writable_high_water_mark = ASY_STREAM_HWM_ZERO;
    }
    r = asy__stream_init(loop, s, impl, &o, ASY__S_READABLE | ASY__S_WRITABLE | ASY__S_TRANSFORM);
    if (r < 0) return r;
    /* _read is ours and safe to call at once */
    s->rflags_ &= ~(unsigned)ASY__R_SYNC;
    return 0;
}

ASYNCRT_API int asy_transform_init(asy_loop_t *loop, asy_stream_t *s,
                                   const asy_stream_impl *impl, const asy_stream_opts *opts) {
    if (!impl || !impl->transform) return ASY_EINVAL;
    return asy__transform_init(loop, s, impl, opts);
}

ASY__INTERNAL void asy__passthrough_transform(asy_stream_t *s, const asy_buf_t *chunk) {
    /* a failed push already destroyed the stream */
    asy_stream_push(s, chunk);
    asy_stream_transform_done(s, 0);
}

static const asy_stream_impl asy__passthrough_impl = {
    NULL, NULL, NULL, NULL, NULL, NULL, asy__passthrough_transform, NULL};

ASYNCRT_API int asy_passthrough_init(asy_loop_t *loop, asy_stream_t *s,
                                     const asy_stream_opts *opts) {
    return asy__transform_init(loop, s, &asy__passthrough_impl, opts);
}

#line 1 "asyncrt_impl/stream/finished.c"
/* finished() / end-of-stream (Node's end-of-stream.js): one callback when
 * the sides asked for are done.  A stream that will emit 'close'
 * (autoDestroy) is done at 'close'; otherwise at 'end' / 'finish'. */


struct asy__eos {
    asy__stream_listener l;
    asy_stream_t *s;
    asy_stream_cb cb;
    void *arg;
    int readable, writable;  /* the sides to wait for */
    int will_emit_close;
    int readable_finished, writable_finished;
    int ticks;  /* our own nextTicks still queued */
    int done;   /* cb ran or was cancelled */
};

ASY__INTERNAL void asy__eos_free_maybe(asy__eos *e) {
    if (e->done && !e->ticks && asy__queue_empty(&e->l.link)) asy__free(e);
}

ASY__INTERNAL void asy__eos_fire(asy__eos *e, int status) {
    asy_stream_t *s = e->s;
    if (e->done) return;
    e->done = 1;
    asy__stream_unlisten(s, &e->l);
    if (e->cb) e->cb(s, status, e->arg);
    asy__eos_free_maybe(e);
}

ASY__INTERNAL void asy__eos_cancel(asy__eos *e) {
    if (e->done) return;
    e->done = 1;
    e->cb = NULL;
    asy__stream_unlisten(e->s, &e->l);
    asy__eos_free_maybe(e);
}

/* Node's isReadable / isWritable: 1, 0, or -1 (null: no such side). */
ASY__INTERNAL int asy__eos_is_readable(const asy_stream_t *s) {
    if (!(s->sflags_ & ASY__S_READABLE)) return -1;
    if (s->sflags_ & ASY__S_DESTROYED) return 0;
    return asy__readable_is_readable(s) && !asy__readable_finished(s, 1);
}

ASY__INTERNAL int asy__eos_is_writable(const asy_stream_t *s) {
    if (!(s->sflags_ & ASY__S_WRITABLE)) return -1;
    if (s->sflags_ & ASY__S_DESTROYED) return 0;
    return asy__writable_is_writable(s);
}

ASY__INTERNAL void asy__eos_on_end(asy__stream_listener *l, asy_stream_t *s) {
    asy__eos *e = (asy__eos *)l;
    e->readable_finished = 1;
    if (s->sflags_ & ASY__S_DESTROYED) e->will_emit_close = 0;
    if (e->will_emit_close && (!asy__writable_is_writable(s) || e->writable)) return;
    if (!e->writable || e->writable_finished) asy__eos_fire(e, 0);
}

ASY__INTERNAL void asy__eos_on_finish(asy__stream_listener *l, asy_stream_t *s) {
    asy__eos *e = (asy__eos *)l;
    e->writable_finished = 1;
    if (s->sflags_ & ASY__S_DESTROYED) e->will_emit_close = 0;
    if (e->will_emit_close && (!asy__readable_is_readable(s) || e->readable)) return;
    if (!e->readable || e->readable_finished) asy__eos_fire(e, 0);
}

ASY__INTERNAL void asy__eos_on_error(asy__stream_listener *l, asy_stream_t *s, int err) {
    (void)s;
    asy__eos_fire((asy__eos *)l, err);
}

ASY__INTERNAL void asy__eos_closed(asy__eos *e) {
    asy_stream_t *s = e->s;
    if (s->sflags_ & ASY__S_ERRORED) {
        asy__eos_fire(e, s->err_);
        return;
    }
    if (e->readable && !e->readable_finished && (s->sflags_ & ASY__S_READABLE) &&
        !asy__readable_finished(s, 0)) {
        asy__eos_fire(e, ASY_EPREMATURE_CLOSE);
        return;
    }
    if (e->writable && !e->writable_finished && !asy__writable_finished(s, 0)) {
        asy__eos_fire(e, ASY_EPREMATURE_CLOSE);
        return;
    }
    asy__eos_fire(e, 0);
}

ASY__INTERNAL void asy__eos_on_close(asy__stream_listener *l, asy_stream_t *s) {
    (void)s;
    asy__eos_closed((asy__eos *)l);
}

static const asy__stream_listener_vt asy__eos_vt = {
    NULL, NULL, asy__eos_on_end, asy__eos_on_error, NULL, asy__eos_on_finish, asy__eos_on_close};

/* The stream was already closed when we started. */
ASY__INTERNAL void asy__eos_close_tick(void *p) {
    asy__eos *e = (asy__eos *)p;
    asy_stream_t *s = e->s;
    if (!e->done) asy__eos_closed(e);
    e->ticks--; /* only now: firing must not free e under us */
    asy__eos_free_maybe(e);
    asy__stream_tick_done(s);
}

/* Already done by other means (errored, or the sides asked for are over). */
ASY__INTERNAL void asy__eos_done_tick(void *p) {
    asy__eos *e = (asy__eos *)p;
    asy_stream_t *s = e->s;
    if (!e->done) asy__eos_fire(e, (s->sflags_ & ASY__S_ERRORED) ? s->err_ : 0);
    e->ticks--;
    asy__eos_free_maybe(e);
    asy__stream_tick_done(s);
}

ASY__INTERNAL asy__eos *asy__eos_new(void) {
    asy__eos *e = ASY__NEW(asy__eos);
    if (e) {
        memset(e, 0, sizeof(*e));
        asy__queue_init(&e->l.link);
    }
    return e;
}

/* Cannot fail; s must not have emitted 'close' yet. */
ASY__INTERNAL void asy__eos_begin(asy__eos *e, asy_stream_t *s, int readable, int writable,
                                  asy_stream_cb cb, void *arg) {
    int has_r = (s->sflags_ & ASY__S_READABLE) != 0, has_w = (s->sflags_ & ASY__S_WRITABLE) != 0;
    asy_fn tick = NULL;
    e->s = s;
    e->cb = cb;
    e->arg = arg;
    e->readable = readable;
    e->writable = writable;
    e->will_emit_close = (s->sflags_ & ASY__S_AUTO_DESTROY) && !(s->sflags_ & ASY__S_CLOSED) &&
                         has_r == readable && has_w == writable;
    e->writable_finished = has_w && asy__writable_finished(s, 0);
    e->readable_finished = has_r && asy__readable_finished(s, 0);

    if (s->sflags_ & ASY__S_CLOSED) {
        tick = asy__eos_close_tick;
    } else if (s->sflags_ & ASY__S_ERROR_EMITTED) {
        if (!e->will_emit_close) tick = asy__eos_done_tick;
    } else if (!readable && (!e->will_emit_close || asy__eos_is_readable(s) == 1) &&
               (e->writable_finished || asy__eos_is_writable(s) == 0) && s->pendingcb_ == 0) {
        tick = asy__eos_done_tick;
    } else if (!writable && (!e->will_emit_close || asy__eos_is_writable(s) == 1) &&
               (e->readable_finished || asy__eos_is_readable(s) == 0)) {
        tick = asy__eos_done_tick;
    }
    asy__stream_listen(s, &e->l, &asy__eos_vt);
    if (tick) {
        e->ticks++;
        asy__stream_tick_arg(s, tick, e);
    }
}

ASY__INTERNAL asy__eos *asy__eos_start(asy_stream_t *s, int readable, int writable,
                                       asy_stream_cb cb, void *arg) {
    asy__eos *e;
    if (s->sflags_ & ASY__S_CLOSE_EMITTED) return NULL;
    if ((e = asy__eos_new()) != NULL) asy__eos_begin(e, s, readable, writable, cb, arg);
    return e;
}

ASYNCRT_API int asy_stream_finished(asy_stream_t *s, asy_stream_cb cb, void *arg) {
    if (!s || !cb || (s->sflags_ & ASY__S_CLOSE_EMITTED)) return ASY_EINVAL;
    if (!asy__eos_start(s, (s->sflags_ & ASY__S_READABLE) != 0,
                        (s->sflags_ & ASY__S_WRITABLE) != 0, cb, arg))
        return ASY_ENOMEM;
    return 0;
}

#line 1 "asyncrt_impl/stream/pipe.c"
/* src.pipe(dst): Node's Readable.prototype.pipe.  Backpressure (a write
 * that returns 0 pauses src until dst drains), dst.end() at src's end, and
 * nothing else: errors are not forwarded. */


struct asy__pipe {
    asy__stream_listener src_l; /* data, end, close on src */
    asy__stream_listener dst_l; /* drain, error, finish, close on dst */
    asy_stream_t *src, *dst;
    int do_end;      /* end dst at src's end (else only unpipe) */
    int awaiting;    /* src waits for this dst's 'drain' */
    int drain_on;    /* the drain handler is live (from the first pause) */
    int end_seen;    /* src's 'end' was handled (a once listener) */
    int end_tick;    /* the end handler is queued on a nextTick */
    int cleaned;
};

ASY__INTERNAL asy__pipe *asy__pipe_of_src(asy__stream_listener *l) {
    return ASY_CONTAINER_OF(l, asy__pipe, src_l);
}
ASY__INTERNAL asy__pipe *asy__pipe_of_dst(asy__stream_listener *l) {
    return ASY_CONTAINER_OF(l, asy__pipe, dst_l);
}

ASY__INTERNAL void asy__pipe_free_maybe(asy__pipe *p) {
    if (p->cleaned && !p->end_tick) asy__free(p);
}

ASY__INTERNAL void asy__pipe_on_drain_now(asy__pipe *p) {
    asy_stream_t *src = p->src;
    if (p->awaiting) {
        p->awaiting = 0;
        src->await_drain_--;
    }
    if (src->await_drain_ == 0 && (src->rflags_ & ASY__R_DATA_LISTENING)) asy__readable_resume(src);
}

/* The pipe is broken: forget both streams.  The drain src may have been
 * waiting for from this dst is granted now, as Node does. */
ASY__INTERNAL void asy__pipe_cleanup(asy__pipe *p) {
    asy_stream_t *src = p->src, *dst = p->dst;
    asy__stream_unlisten(dst, &p->dst_l);
    asy__stream_unlisten(src, &p->src_l);
    p->cleaned = 1;
    if (p->drain_on && src->await_drain_ &&
        (!(dst->sflags_ & ASY__S_WRITABLE) || asy_stream_writable_need_drain(dst)))
        asy__pipe_on_drain_now(p);
    if (p->awaiting) { /* no drain will come from a dst we left */
        p->awaiting = 0;
        src->await_drain_--;
    }
    asy__pipe_free_maybe(p);
}

ASY__INTERNAL void asy__pipe_unpipe(asy__pipe *p) {
    asy_stream_t *src = p->src;
    if (p->cleaned) return;
    src->pipes_--;
    if (src->pipes_ == 0) asy__readable_pause(src);
    asy__pipe_cleanup(p);
}

/* A write returned 0: pause src until this dst drains. */
ASY__INTERNAL void asy__pipe_pause(asy__pipe *p) {
    asy_stream_t *src = p->src;
    if (!p->cleaned) {
        if (!p->awaiting) {
            p->awaiting = 1;
            src->await_drain_++;
        }
        asy__readable_pause(src);
    }
    p->drain_on = 1;
}

ASY__INTERNAL void asy__pipe_on_data(asy__stream_listener *l, asy_stream_t *s, const asy_buf_t *c) {
    asy__pipe *p = asy__pipe_of_src(l);
    int r = asy_stream_write(p->dst, c, NULL, NULL);
    (void)s;
    if (r <= 0) asy__pipe_pause(p);
}

ASY__INTERNAL void asy__pipe_end_now(asy__pipe *p) {
    if (p->do_end) {
        if (p->dst->sflags_ & ASY__S_WRITABLE) asy__writable_end(p->dst, NULL, NULL);
    } else {
        asy__pipe_unpipe(p);
    }
}

ASY__INTERNAL void asy__pipe_on_end(asy__stream_listener *l, asy_stream_t *s) {
    asy__pipe *p = asy__pipe_of_src(l);
    (void)s;
    if (p->end_seen) return;
    p->end_seen = 1;
    asy__pipe_end_now(p);
}

/* src closed: it may be freed right after, so only bookkeeping here. */
ASY__INTERNAL void asy__pipe_on_src_close(asy__stream_listener *l, asy_stream_t *s) {
    asy__pipe *p = asy__pipe_of_src(l);
    if (p->cleaned) return;
    s->pipes_--;
    if (p->awaiting) {
        p->awaiting = 0;
        s->await_drain_--;
    }
    asy__stream_unlisten(p->dst, &p->dst_l);
    p->cleaned = 1;
    asy__pipe_free_maybe(p);
}

ASY__INTERNAL void asy__pipe_on_drain(asy__stream_listener *l, asy_stream_t *s) {
    asy__pipe *p = asy__pipe_of_dst(l);
    (void)s;
    if (p->drain_on) asy__pipe_on_drain_now(p);
}

ASY__INTERNAL void asy__pipe_on_dst_error(asy__stream_listener *l, asy_stream_t *s, int err) {
    (void)s;
    (void)err;
    asy__pipe_unpipe(asy__pipe_of_dst(l));
}

ASY__INTERNAL void asy__pipe_on_dst_done(asy__stream_listener *l, asy_stream_t *s) {
    (void)s;
    asy__pipe_unpipe(asy__pipe_of_dst(l));
}

static const asy__stream_listener_vt asy__pipe_src_vt = {
    asy__pipe_on_data, NULL, asy__pipe_on_end, NULL, NULL, NULL, asy__pipe_on_src_close};
static const asy__stream_listener_vt asy__pipe_dst_vt = {
    NULL, NULL, NULL, asy__pipe_on_dst_error, asy__pipe_on_drain, asy__pipe_on_dst_done,
    asy__pipe_on_dst_done};

ASY__INTERNAL void asy__pipe_clear_await(asy_stream_t *src) {
    asy__queue *q;
    ASY__QUEUE_FOREACH(q, &src->listeners_) {
        asy__stream_listener *l = ASY_CONTAINER_OF(q, asy__stream_listener, link);
        if (l->vt == &asy__pipe_src_vt) asy__pipe_of_src(l)->awaiting = 0;
    }
    src->await_drain_ = 0;
}

ASY__INTERNAL void asy__pipe_end_tick(void *arg) {
    asy__pipe *p = (asy__pipe *)arg;
    asy_stream_t *src = p->src;
    if (!p->cleaned && !p->end_seen) {
        p->end_seen = 1;
        asy__pipe_end_now(p);
    }
    p->end_tick = 0; /* only now: unpiping must not free p under us */
    asy__pipe_free_maybe(p);
    asy__stream_tick_done(src);
}

ASY__INTERNAL asy__pipe *asy__pipe_new(void) {
    asy__pipe *p = ASY__NEW(asy__pipe);
    if (p) memset(p, 0, sizeof(*p));
    return p;
}

/* Cannot fail once p is allocated. */
ASY__INTERNAL void asy__pipe_begin(asy__pipe *p, asy_stream_t *src, asy_stream_t *dst, int do_end) {
    p->src = src;
    p->dst = dst;
    p->do_end = do_end;
    asy__queue_init(&p->src_l.link);
    asy__queue_init(&p->dst_l.link);
    src->pipes_++;
    if (src->rflags_ & ASY__R_END_EMITTED) {
        p->end_tick = 1;
        asy__stream_tick_arg(src, asy__pipe_end_tick, p);
    }
    asy__stream_listen(src, &p->src_l, &asy__pipe_src_vt); /* on('data') resumes */
    asy__stream_listen(dst, &p->dst_l, &asy__pipe_dst_vt);
    if (asy_stream_writable_need_drain(dst))
        asy__pipe_pause(p);
    else if (!(src->rflags_ & ASY__R_FLOWING))
        asy__readable_resume(src);
}

ASYNCRT_API int asy_stream_pipe(asy_stream_t *src, asy_stream_t *dst, const asy_pipe_opts *opts) {
    asy__pipe *p;
    if (!src || !dst || !(src->sflags_ & ASY__S_READABLE) || !(dst->sflags_ & ASY__S_WRITABLE) ||
        (src->sflags_ & ASY__S_CLOSE_EMITTED) || (dst->sflags_ & ASY__S_CLOSE_EMITTED))
        return ASY_EINVAL;
    if (!(p = asy__pipe_new())) return ASY_ENOMEM;
    asy__pipe_begin(p, src, dst, !(opts && opts->no_end));
    return 0;
}

ASYNCRT_API int asy_stream_unpipe(asy_stream_t *src, asy_stream_t *dst) {
    asy__queue *q;
    int found = 0;
    if (!src || !(src->sflags_ & ASY__S_READABLE)) return ASY_EINVAL;
    if (!dst && src->pipes_) {
        /* all of them: pause once, then let each go */
        src->pipes_ = 0;
        asy__readable_pause(src);
    }
    for (q = src->listeners_.next; q != &src->listeners_;) {
        asy__stream_listener *l = ASY_CONTAINER_OF(q, asy__stream_listener, link);
        q = q->next;
        if (l->vt != &asy__pipe_src_vt) continue;
        if (dst && asy__pipe_of_src(l)->dst != dst) continue;
        found = 1;
        if (dst)
            asy__pipe_unpipe(asy__pipe_of_src(l));
        else
            asy__pipe_cleanup(asy__pipe_of_src(l));
        if (dst) break;
        q = src->listeners_.next; /* cleanup may have changed the list */
    }
    return found || !dst ? 0 : ASY_ENOENT;
}

#line 1 "asyncrt_impl/stream/pipeline.c"
/* pipeline(streams..., cb): Node's pipeline.js for streams.  Each pair is
 * piped (backpressure end to end) with the end handled here; every stream
 * is watched (finished) and any error destroys all the others with it;
 * cb runs once, on a nextTick, when every watch has reported. */


typedef struct asy__pl asy__pl;

typedef struct asy__pl_member {
    asy__stream_listener l;     /* 'close' and 'error' of the stream */
    asy__stream_listener end_l; /* its 'end', as the source of the next pipe */
    asy__pl *pl;
    asy_stream_t *s;
    size_t i;
    int finished;  /* done well (or closed): not destroyed by the pipeline */
    int ended;     /* as a destination: end() was called for it */
    int closed;    /* emitted 'close': never touched again */
    int end_armed;
    asy__eos *eos_self, *eos_as_src, *eos_as_dst;
} asy__pl_member;

struct asy__pl {
    asy_loop_t *loop;
    size_t n;
    asy__pl_member *m;
    int error;
    long count; /* reports still expected (Node's finishCount) */
    int destroyed_all;
    int finalized;
    int refs;   /* our queued nextTicks */
    asy_pipeline_cb cb;
    void *arg;
};

ASY__INTERNAL void asy__pl_free_maybe(asy__pl *pl) {
    if (pl->finalized && !pl->refs) {
        asy__free(pl->m);
        asy__free(pl);
    }
}

ASY__INTERNAL void asy__pl_cb_tick(void *p) {
    asy__pl *pl = (asy__pl *)p;
    pl->refs--;
    pl->cb(pl->error, pl->arg);
    asy__pl_free_maybe(pl);
}

/* Every report is in: forget the streams that are still open, then call
 * back on the next tick. */
ASY__INTERNAL void asy__pl_finalize(asy__pl *pl) {
    size_t i;
    pl->finalized = 1;
    for (i = 0; i < pl->n; i++) {
        asy__pl_member *m = &pl->m[i];
        if (m->closed) continue;
        asy__stream_unlisten(m->s, &m->l);
        asy__stream_unlisten(m->s, &m->end_l);
        if (m->eos_self) asy__eos_cancel(m->eos_self);
        if (m->eos_as_src) asy__eos_cancel(m->eos_as_src);
        if (m->eos_as_dst) asy__eos_cancel(m->eos_as_dst);
        m->eos_self = m->eos_as_src = m->eos_as_dst = NULL;
    }
    pl->refs++;
    if (asy_next_tick(pl->loop, asy__pl_cb_tick, pl) != 0) asy__pl_cb_tick(pl);
}

ASY__INTERNAL void asy__pl_finish(asy__pl *pl, int err) {
    size_t i;
    int final = --pl->count == 0;
    if (pl->finalized) return;
    /* the first error wins, except over a premature close */
    if (err && (!pl->error || pl->error == ASY_EPREMATURE_CLOSE)) pl->error = err;
    if (!pl->error && !final) return;
    if (!pl->destroyed_all) {
        pl->destroyed_all = 1;
        for (i = 0; i < pl->n; i++) {
            asy__pl_member *m = &pl->m[i];
            if (m->finished || m->closed) continue;
            m->finished = 1;
            asy_stream_destroy(m->s, pl->error ? pl->error : ASY_ESTREAM_DESTROYED);
        }
    }
    if (final) asy__pl_finalize(pl);
}

/* ---- per-stream listeners ---------------------------------------------------------- */

ASY__INTERNAL void asy__pl_on_error(asy__stream_listener *l, asy_stream_t *s, int err) {
    asy__pl_member *m = (asy__pl_member *)l;
    (void)s;
    if (err && err != ASY_ECANCELED && err != ASY_EPREMATURE_CLOSE) asy__pl_finish(m->pl, err);
}

ASY__INTERNAL void asy__pl_on_close(asy__stream_listener *l, asy_stream_t *s) {
    asy__pl_member *m = (asy__pl_member *)l;
    (void)s;
    m->closed = 1;
    m->finished = 1;
    /* a destination that closed before its source ended it */
    if (m->i > 0 && !m->ended && !m->pl->finalized) asy__pl_finish(m->pl, ASY_EPREMATURE_CLOSE);
}

static const asy__stream_listener_vt asy__pl_vt = {
    NULL, NULL, NULL, asy__pl_on_error, NULL, NULL, asy__pl_on_close};

ASY__INTERNAL void asy__pl_end_dst(asy__pl_member *src) {
    asy__pl_member *dst = &src->pl->m[src->i + 1];
    dst->ended = 1;
    if (!dst->closed) asy__writable_end(dst->s, NULL, NULL);
}

ASY__INTERNAL void asy__pl_on_end(asy__stream_listener *l, asy_stream_t *s) {
    asy__pl_member *m = ASY_CONTAINER_OF(l, asy__pl_member, end_l);
    (void)s;
    if (!m->end_armed) return;
    m->end_armed = 0;
    asy__stream_unlisten(m->s, &m->end_l);
    asy__pl_end_dst(m);
}

static const asy__stream_listener_vt asy__pl_end_vt = {
    NULL, NULL, asy__pl_on_end, NULL, NULL, NULL, NULL};

/* The source had already ended when the pipeline started. */
ASY__INTERNAL void asy__pl_end_tick(void *p) {
    asy__pl_member *m = (asy__pl_member *)p;
    asy__pl *pl = m->pl;
    asy_stream_t *s = m->s;
    if (!pl->finalized) asy__pl_end_dst(m);
    pl->refs--;
    asy__pl_free_maybe(pl);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__pl_self_done(asy_stream_t *s, int status, void *arg) {
    asy__pl_member *m = (asy__pl_member *)arg;
    (void)s;
    m->eos_self = NULL;
    m->finished = !status;
}

ASY__INTERNAL void asy__pl_src_done(asy_stream_t *s, int status, void *arg) {
    asy__pl_member *m = (asy__pl_member *)arg;
    (void)s;
    m->eos_as_src = NULL;
    /* Node waits for a late 'end' when a source closed after its EOF
     * without an error; that 'end' cannot come after 'close', so the
     * premature close is reported as is and cb still runs once.  A source
     * destroyed after pushing EOF but before emitting 'end' (paused behind
     * a slow destination) counts as finished for finished(), yet its 'end'
     * never reaches the pipe, so the destination would never be ended:
     * that is a premature close of the pipeline too (Node 20 hangs). */
    if (!status && m->end_armed) status = ASY_EPREMATURE_CLOSE;
    asy__pl_finish(m->pl, status);
}

ASY__INTERNAL void asy__pl_dst_done(asy_stream_t *s, int status, void *arg) {
    asy__pl_member *m = (asy__pl_member *)arg;
    (void)s;
    m->eos_as_dst = NULL;
    asy__pl_finish(m->pl, status);
}

ASYNCRT_API int asy_pipeline(asy_stream_t *const *streams, size_t n, asy_pipeline_cb cb,
                             void *arg) {
    asy__pl *pl;
    asy__eos **eos = NULL;
    asy__pipe **pipes = NULL;
    size_t i, k, neos, ok = 0;
    if (!streams || n < 2 || !cb) return ASY_EINVAL;
    for (i = 0; i < n; i++) {
        asy_stream_t *s = streams[i];
        if (!s || (s->sflags_ & ASY__S_CLOSE_EMITTED)) return ASY_EINVAL;
        if (i < n - 1 && !(s->sflags_ & ASY__S_READABLE)) return ASY_EINVAL;
        if (i > 0 && !(s->sflags_ & ASY__S_WRITABLE)) return ASY_EINVAL;
    }
    /* Everything is allocated up front, so nothing is half-attached when
     * memory runs out. */
    neos = 3 * n - 2;
    pl = ASY__NEW(asy__pl);
    eos = ASY__NEW_ARRAY(asy__eos *, neos);
    pipes = ASY__NEW_ARRAY(asy__pipe *, n - 1);
    if (pl) {
        memset(pl, 0, sizeof(*pl));
        pl->m = ASY__NEW_ARRAY(asy__pl_member, n);
    }
    if (pl && pl->m && eos && pipes) {
        memset(eos, 0, neos * sizeof(*eos));
        memset(pipes, 0, (n - 1) * sizeof(*pipes));
        ok = 1;
        for (k = 0; k < neos && ok; k++) ok = (eos[k] = asy__eos_new()) != NULL;
        for (k = 0; k < n - 1 && ok; k++) ok = (pipes[k] = asy__pipe_new()) != NULL;
    }
    if (!ok) {
        if (eos)
            for (k = 0; k < neos; k++) asy__free(eos[k]);
        if (pipes)
            for (k = 0; k < n - 1; k++) asy__free(pipes[k]);
        asy__free(eos);
        asy__free(pipes);
        if (pl) asy__free(pl->m);
        asy__free(pl);
        return ASY_ENOMEM;
    }
    memset(pl->m, 0, n * sizeof(asy__pl_member));
    pl->loop = streams[0]->loop;
    pl->n = n;
    pl->cb = cb;
    pl->arg = arg;
    pl->count = 2 * (long)(n - 1);
    k = 0;
    for (i = 0; i < n; i++) {
        asy__pl_member *m = &pl->m[i];
        m->pl = pl;
        m->s = streams[i];
        m->i = i;
        asy__queue_init(&m->l.link);
        asy__queue_init(&m->end_l.link);
        asy__stream_listen(m->s, &m->l, &asy__pl_vt);
        m->eos_self = eos[k++];
        asy__eos_begin(m->eos_self, m->s, i < n - 1, i > 0, asy__pl_self_done, m);
        if (i > 0) {
            asy__pl_member *src = &pl->m[i - 1];
            asy__pipe_begin(pipes[i - 1], src->s, m->s, 0);
            if (asy__readable_finished(src->s, 0)) {
                pl->refs++;
                asy__stream_tick_arg(src->s, asy__pl_end_tick, src);
            } else {
                src->end_armed = 1;
                asy__stream_listen(src->s, &src->end_l, &asy__pl_end_vt);
            }
            src->eos_as_src = eos[k++];
            asy__eos_begin(src->eos_as_src, src->s, 1, 0, asy__pl_src_done, src);
            m->eos_as_dst = eos[k++];
            asy__eos_begin(m->eos_as_dst, m->s, 0, 1, asy__pl_dst_done, m);
        }
    }
    asy__free(eos);
    asy__free(pipes);
    return 0;
}

#line 1 "asyncrt_impl/stream/iter.c"
/* asy_stream_read_async: Node's Readable async iterator
 * (createAsyncIterator) with the awaits turned into callbacks.  It
 * listens for 'readable' (paused mode), reads one chunk at a time, and
 * learns the end or the error from finished(stream, {writable: false}).
 *
 * Chunks are handed over in a microtask that counts against the stream
 * (so it stays open for it).  The end and errors come in a microtask that
 * does not: as in Node, the loop's exit runs after 'close', and the
 * iterator then never touches the stream again. */


enum { ASY__ITER_RUNNING, ASY__ITER_ENDED, ASY__ITER_ERRORED };
enum { ASY__ITER_DELIVER = 1, ASY__ITER_TRY = 2 };

struct asy__stream_iter {
    asy__stream_listener l;
    asy_stream_t *s;
    asy__eos *eos;
    asy_stream_read_cb cb; /* the outstanding call */
    void *arg;
    int state, err;
    int waiting;  /* a read is parked until 'readable' or the end */
    int queued;   /* a counted microtask: ASY__ITER_DELIVER or _TRY */
    int final_queued; /* the uncounted end/error microtask */
    int detached; /* the stream emitted 'close' */
    asy_buf_t chunk; /* what a DELIVER microtask hands over */
    int final_status;
};
typedef struct asy__stream_iter asy__iter;

ASY__INTERNAL void asy__iter_try(asy__iter *it, int direct);

ASY__INTERNAL void asy__iter_free_maybe(asy__iter *it) {
    if (it->detached && !it->eos && !it->queued && !it->final_queued) {
        asy_buf_release(&it->chunk);
        asy__free(it);
    }
}

ASY__INTERNAL void asy__iter_final_micro(void *p) {
    asy__iter *it = (asy__iter *)p;
    asy_stream_read_cb cb = it->cb;
    void *arg = it->arg;
    asy_stream_t *s = it->s;
    int status = it->final_status;
    it->final_queued = 0;
    it->cb = NULL;
    /* the loop is over: like the iterator's `finally`, destroy the stream
     * (unless it already closed and may be gone) */
    if (!it->detached && (s->sflags_ & ASY__S_AUTO_DESTROY) && !(s->sflags_ & ASY__S_DESTROYED))
        asy_stream_destroy(s, 0);
    asy__iter_free_maybe(it);
    if (cb) cb(s, status, NULL, arg);
}

ASY__INTERNAL void asy__iter_deliver(asy__iter *it, const asy_buf_t *chunk) {
    asy_stream_read_cb cb = it->cb;
    void *arg = it->arg;
    it->cb = NULL;
    if (cb) cb(it->s, 0, chunk, arg);
}

ASY__INTERNAL void asy__iter_micro(void *p) {
    asy__iter *it = (asy__iter *)p;
    asy_stream_t *s = it->s;
    int mode = it->queued;
    it->queued = 0;
    if (mode == ASY__ITER_DELIVER) {
        asy_buf_t c = it->chunk;
        memset(&it->chunk, 0, sizeof(it->chunk));
        asy__iter_deliver(it, &c);
        asy_buf_release(&c);
    } else {
        asy__iter_try(it, 1);
    }
    asy__stream_tick_done(s); /* may emit 'close', which may free it */
}

ASY__INTERNAL void asy__iter_queue(asy__iter *it, int mode) {
    asy_stream_t *s = it->s;
    it->queued = mode;
    s->ticks_++;
    if (asy_queue_microtask(s->loop, asy__iter_micro, it) != 0) asy__iter_micro(it);
}

/* One turn of the iterator's loop: a chunk, else the end or the error,
 * else wait.  direct: we already are in the microtask that resumes the
 * loop (or in 'close', where nothing counted can be queued). */
ASY__INTERNAL void asy__iter_try(asy__iter *it, int direct) {
    asy_stream_t *s = it->s;
    asy_buf_t c;
    memset(&c, 0, sizeof(c));
    if (!it->cb) return;
    if (!(s->sflags_ & ASY__S_DESTROYED) && asy__readable_read(s, ASY_STREAM_READ_ALL, &c) == 1) {
        if (direct) {
            asy__iter_deliver(it, &c);
            asy_buf_release(&c);
        } else {
            it->chunk = c;
            asy__iter_queue(it, ASY__ITER_DELIVER);
        }
    } else if (it->state != ASY__ITER_RUNNING) {
        it->final_status = it->state == ASY__ITER_ERRORED ? it->err : ASY_EOF;
        it->final_queued = 1;
        if (asy_queue_microtask(s->loop, asy__iter_final_micro, it) != 0) asy__iter_final_micro(it);
    } else {
        it->waiting = 1;
    }
}

ASY__INTERNAL void asy__iter_wake(asy__iter *it) {
    if (!it->waiting) return;
    it->waiting = 0;
    if (it->s->sflags_ & ASY__S_CLOSE_EMITTED)
        asy__iter_try(it, 1);
    else
        asy__iter_queue(it, ASY__ITER_TRY);
}

ASY__INTERNAL void asy__iter_on_readable(asy__stream_listener *l, asy_stream_t *s) {
    (void)s;
    asy__iter_wake((asy__iter *)l);
}

ASY__INTERNAL void asy__iter_on_close(asy__stream_listener *l, asy_stream_t *s) {
    asy__iter *it = (asy__iter *)l;
    if (s->iter_ == it) s->iter_ = NULL;
    it->detached = 1;
    asy__iter_free_maybe(it);
}

static const asy__stream_listener_vt asy__iter_vt = {
    NULL, asy__iter_on_readable, NULL, NULL, NULL, NULL, asy__iter_on_close};

ASY__INTERNAL void asy__iter_eos(asy_stream_t *s, int status, void *arg) {
    asy__iter *it = (asy__iter *)arg;
    (void)s;
    it->eos = NULL;
    it->state = status ? ASY__ITER_ERRORED : ASY__ITER_ENDED;
    it->err = status;
    asy__iter_wake(it);
    asy__iter_free_maybe(it);
}

ASYNCRT_API int asy_stream_read_async(asy_stream_t *s, asy_stream_read_cb cb, void *arg) {
    asy__iter *it;
    if (!s || !cb || !(s->sflags_ & ASY__S_READABLE) || (s->sflags_ & ASY__S_CLOSE_EMITTED))
        return ASY_EINVAL;
    it = s->iter_;
    if (it && it->cb) return ASY_EBUSY;
    if (!it) {
        it = ASY__NEW(asy__iter);
        if (!it) return ASY_ENOMEM;
        memset(it, 0, sizeof(*it));
        it->s = s;
        asy__queue_init(&it->l.link);
        it->eos = asy__eos_start(s, 1, 0, asy__iter_eos, it);
        if (!it->eos) {
            asy__free(it);
            return ASY_ENOMEM;
        }
        s->iter_ = it;
        asy__stream_listen(s, &it->l, &asy__iter_vt); /* on('readable') */
    }
    it->cb = cb;
    it->arg = arg;
    asy__iter_try(it, 0);
    return 0;
}

#line 1 "asyncrt_impl/stream/promises.c"
/* The promise forms (node:stream/promises): the callback settles a promise
 * the library holds one reference of. */


ASY__INTERNAL void asy__stream_settle(asy_promise_t *p, int status) {
    if (status)
        asy_promise_reject(p, status, asy_strerror(status));
    else
        asy_promise_resolve(p, NULL);
    asy_promise_release(p);
}

ASY__INTERNAL void asy__pipeline_promise_cb(int status, void *arg) {
    asy__stream_settle((asy_promise_t *)arg, status);
}

ASYNCRT_API asy_promise_t *asy_pipeline_promise(asy_stream_t *const *streams, size_t n) {
    asy_promise_t *p;
    if (!streams || n < 2 || !streams[0]) return NULL;
    if (!(p = asy_promise_new(streams[0]->loop))) return NULL;
    asy_promise_retain(p); /* the callback's */
    if (asy_pipeline(streams, n, asy__pipeline_promise_cb, p) < 0) {
        asy_promise_release(p);
        asy_promise_release(p);
        return NULL;
    }
    return p;
}

ASY__INTERNAL void asy__finished_promise_cb(asy_stream_t *s, int status, void *arg) {
    (void)s;
    asy__stream_settle((asy_promise_t *)arg, status);
}

ASYNCRT_API asy_promise_t *asy_stream_finished_promise(asy_stream_t *s) {
    asy_promise_t *p;
    if (!s) return NULL;
    if (!(p = asy_promise_new(s->loop))) return NULL;
    asy_promise_retain(p);
    if (asy_stream_finished(s, asy__finished_promise_cb, p) < 0) {
        asy_promise_release(p);
        asy_promise_release(p);
        return NULL;
    }
    return p;
}

#line 1 "asyncrt_impl/stream/lines.c"
/* The line splitter: a transform with a byte-mode writable side and an
 * object-mode readable side holding one line per chunk. */


ASY__INTERNAL asy_line_splitter_t *asy__lines_of(asy_stream_t *s) {
    return ASY_CONTAINER_OF(s, asy_line_splitter_t, stream);
}

/* Pushes line without a trailing '\r' (the CR of a CRLF). */
ASY__INTERNAL int asy__lines_push(asy_line_splitter_t *ls, asy_buf_t *line) {
    if (line->len && line->data[line->len - 1] == '\r') line->len--;
    if (ls->max_line_ && line->len > ls->max_line_) {
        asy_buf_release(line);
        return ASY_ENOBUFS;
    }
    asy_stream_push_move(&ls->stream, line);
    return 0;
}

ASY__INTERNAL void asy__lines_transform(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_line_splitter_t *ls = asy__lines_of(s);
    const uint8_t *data = chunk->data;
    size_t start = 0, len = chunk->len;
    int r = 0;
    while (start < len && !(s->sflags_ & ASY__S_DESTROYED)) {
        const uint8_t *nl = (const uint8_t *)memchr(data + start, '\n', len - start);
        size_t end;
        asy_buf_t line;
        if (!nl) break;
        end = (size_t)(nl - data);
        if (asy_bufchain_len(&ls->partial_) == 0) {
            /* the whole line is in this chunk: a view, no copy */
            r = asy_buf_slice(&line, chunk, (ptrdiff_t)start, (ptrdiff_t)end);
        } else {
            asy_buf_t piece = *chunk; /* borrowed view of the line's tail */
            piece.data += start;
            piece.len = end - start;
            r = asy_bufchain_append(&ls->partial_, &piece);
            if (r == 0) r = asy_bufchain_take(&ls->partial_, asy_bufchain_len(&ls->partial_), &line);
        }
        if (r == 0) r = asy__lines_push(ls, &line);
        if (r < 0) break;
        start = end + 1;
    }
    if (r == 0 && start < len && !(s->sflags_ & ASY__S_DESTROYED)) {
        asy_buf_t rest = *chunk;
        rest.data += start;
        rest.len = len - start;
        r = asy_bufchain_append(&ls->partial_, &rest);
        /* one byte of slack for the CR of a CRLF still to come */
        if (r == 0 && ls->max_line_ && asy_bufchain_len(&ls->partial_) > ls->max_line_ + 1)
            r = ASY_ENOBUFS;
    }
    asy_stream_transform_done(s, r);
}

ASY__INTERNAL void asy__lines_flush(asy_stream_t *s) {
    asy_line_splitter_t *ls = asy__lines_of(s);
    int r = 0;
    if (asy_bufchain_len(&ls->partial_)) { /* the last line had no newline */
        asy_buf_t line;
        r = asy_bufchain_take(&ls->partial_, asy_bufchain_len(&ls->partial_), &line);
        if (r == 0) r = asy__lines_push(ls, &line);
    }
    asy_stream_flush_done(s, r);
}

ASY__INTERNAL void asy__lines_destroy(asy_stream_t *s, int err) {
    asy_bufchain_reset(&asy__lines_of(s)->partial_);
    asy_stream_destroy_done(s, err);
}

static const asy_stream_impl asy__lines_impl = {
    NULL, NULL, NULL, NULL, NULL, asy__lines_destroy, asy__lines_transform, asy__lines_flush};

ASYNCRT_API int asy_line_splitter_init(asy_loop_t *loop, asy_line_splitter_t *ls,
                                       const asy_line_splitter_opts *opts) {
    asy_stream_opts o;
    int r;
    if (!ls) return ASY_EINVAL;
    memset(&o, 0, sizeof(o));
    o.readable_object_mode = 1;
    o.readable_high_water_mark = opts ? opts->high_water_mark : 0;
    r = asy_transform_init(loop, &ls->stream, &asy__lines_impl, &o);
    if (r < 0) return r;
    asy_bufchain_init(&ls->partial_);
    ls->max_line_ = opts ? opts->max_line : 0;
    return 0;
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
    /* no microtask drain here: we are inside the read itself, and a
     * drained task that closed the socket would pull the op from under
     * it; the drain follows the read callback */
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
    if (!asy__loop_live(loop) || !tcp) return ASY_EINVAL;
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
    if (!asy__loop_live(loop) || !pipe) return ASY_EINVAL;
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
    if (!asy__loop_live(loop) || !tty || fd < 0) return ASY_EINVAL;
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
    if (!asy__loop_live(loop) || !udp) return ASY_EINVAL;
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
    /* no microtask drain here: we are inside the read itself, and a
     * drained task that closed the socket would pull the op from under
     * it; the drain follows the read callback */
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

#line 1 "asyncrt_impl/net/socket.c"
/* net.Socket: the stream layer's implementer vtable over a stream handle.
 *
 *   _read     starts reading the handle; each chunk is pushed (a copy out
 *             of the loop's read buffer); a full readable buffer stops the
 *             handle until the next _read: backpressure reaches the peer.
 *   _write    one asy_sock_write; _writev one vectored write of them all.
 *   _final    shutdown(SHUT_WR) after the queued writes.
 *   _destroy  closes the handle; destroy_done from its close callback. */

enum {
    ASY__SK_HANDLE = 1,     /* h holds an initialised handle */
    ASY__SK_READING = 2,    /* the handle reads for the stream */
    ASY__SK_WANT_READ = 4,  /* _read came before the handle existed */
    ASY__SK_RESET = 8
};

static asy_sock_t *asy__sk_handle(asy_socket_t *k) { return &k->h.sock; }

static asy_socket_t *asy__sk_of(asy_stream_t *s) { return (asy_socket_t *)s->impl_data; }

static void asy__sk_on_read(asy_sock_t *h, ptrdiff_t n, const asy_iov_t *buf) {
    asy_socket_t *k = ASY_CONTAINER_OF(h, asy_socket_t, h.sock);
    if (n > 0) {
        int r;
        k->bytes_read_ += (uint64_t)n;
        r = asy_stream_push_bytes(&k->stream, buf->base, (size_t)n);
        if (r == 0 && (k->state_ & ASY__SK_READING)) {
            /* the readable buffer is full: stop until _read asks again */
            k->state_ &= ~(unsigned)ASY__SK_READING;
            asy_sock_read_stop(h);
        } else if (r < 0 && r != ASY_EPUSH_AFTER_EOF) {
            asy_stream_destroy(&k->stream, r);
        }
        return;
    }
    k->state_ &= ~(unsigned)ASY__SK_READING;
    if (n == ASY_EOF) {
        /* then read(0), as Node's onStreamRead does: with nothing
         * buffered, 'end' comes even if nobody consumes the data */
        asy_stream_push_end(&k->stream);
        asy_stream_read(&k->stream, 0, NULL);
    }
    else if (n < 0)
        asy_stream_destroy(&k->stream, (int)n);
}

static void asy__sk_start_reading(asy_socket_t *k) {
    int r;
    if (k->state_ & ASY__SK_READING) return;
    if (!(k->state_ & ASY__SK_HANDLE)) {
        k->state_ |= ASY__SK_WANT_READ;
        return;
    }
    r = asy_sock_read_start(asy__sk_handle(k), NULL, asy__sk_on_read);
    if (r == 0)
        k->state_ |= ASY__SK_READING;
    else
        asy_stream_destroy(&k->stream, r);
}

static void asy__sk_read(asy_stream_t *s, size_t size) {
    (void)size;
    asy__sk_start_reading(asy__sk_of(s));
}

static void asy__sk_written(asy_write_t *req, int status) {
    asy_socket_t *k = (asy_socket_t *)req->data;
    asy_stream_write_done(&k->stream, status);
}

static void asy__sk_writev_impl(asy_socket_t *k, const asy_iov_t *iov, unsigned n, size_t total) {
    int r;
    if (!(k->state_ & ASY__SK_HANDLE)) {
        asy_stream_write_done(&k->stream, ASY_ENOTCONN);
        return;
    }
    k->wreq_.data = k;
    r = asy_sock_write(&k->wreq_, asy__sk_handle(k), iov, n, asy__sk_written);
    if (r != 0) {
        asy_stream_write_done(&k->stream, r);
        return;
    }
    k->bytes_written_ += total;
}

static void asy__sk_write(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_iov_t v;
    v.base = (char *)chunk->data;
    v.len = chunk->len;
    asy__sk_writev_impl(asy__sk_of(s), &v, 1, chunk->len);
}

static void asy__sk_writev(asy_stream_t *s, const asy_buf_t *chunks, size_t n) {
    asy_socket_t *k = asy__sk_of(s);
    size_t i, total = 0;
    if (n > k->wv_cap_) {
        asy_iov_t *nv = (asy_iov_t *)asy__realloc(k->wv_, n * sizeof(asy_iov_t));
        if (!nv) {
            asy_stream_write_done(s, ASY_ENOMEM);
            return;
        }
        k->wv_ = nv;
        k->wv_cap_ = n;
    }
    for (i = 0; i < n; i++) {
        k->wv_[i].base = (char *)chunks[i].data;
        k->wv_[i].len = chunks[i].len;
        total += chunks[i].len;
    }
    /* asy_sock_write copies the list: wv_ is reused at once */
    asy__sk_writev_impl(k, k->wv_, (unsigned)n, total);
}

static void asy__sk_shutdown_done(asy_shutdown_t *req, int status) {
    asy_socket_t *k = (asy_socket_t *)req->data;
    /* the peer already gone is not the writer's failure: nothing was lost */
    if (status == ASY_ENOTCONN) status = 0;
    asy_stream_final_done(&k->stream, status);
}

static void asy__sk_final(asy_stream_t *s) {
    asy_socket_t *k = asy__sk_of(s);
    int r;
    if (!(k->state_ & ASY__SK_HANDLE)) {
        asy_stream_final_done(s, 0);
        return;
    }
    k->sreq_.data = k;
    r = asy_sock_shutdown(&k->sreq_, asy__sk_handle(k), asy__sk_shutdown_done);
    if (r != 0) asy_stream_final_done(s, r == ASY_EALREADY ? 0 : r);
}

static void asy__sk_handle_closed(asy_handle_t *h) {
    asy_socket_t *k = ASY_CONTAINER_OF(h, asy_socket_t, h.sock);
    k->state_ &= ~(unsigned)(ASY__SK_HANDLE | ASY__SK_READING);
    asy_stream_destroy_done(&k->stream, k->destroy_err_);
}

static void asy__sk_destroy(asy_stream_t *s, int err) {
    asy_socket_t *k = asy__sk_of(s);
    asy__free(k->wv_);
    k->wv_ = NULL;
    k->wv_cap_ = 0;
    k->destroy_err_ = err;
    if (!(k->state_ & ASY__SK_HANDLE)) {
        asy_stream_destroy_done(s, err);
        return;
    }
    if ((k->state_ & ASY__SK_RESET) && k->h.sock.type == ASY_HANDLE_TCP)
        asy_tcp_close_reset(&k->h.tcp, asy__sk_handle_closed);
    else
        asy_close((asy_handle_t *)&k->h.sock, asy__sk_handle_closed);
}

static const asy_stream_impl asy__socket_impl = {
    NULL,              /* construct */
    asy__sk_read,      /* read */
    asy__sk_write,     /* write */
    asy__sk_writev,    /* writev */
    asy__sk_final,     /* final */
    asy__sk_destroy,   /* destroy */
    NULL,              /* transform */
    NULL               /* flush */
};

ASYNCRT_API int asy_socket_init(asy_loop_t *loop, asy_socket_t *sock, const asy_socket_opts *opts) {
    asy_stream_opts so;
    int r;
    if (!loop || !sock) return ASY_EINVAL;
    memset(sock, 0, sizeof(*sock));
    if (opts) sock->opts_ = *opts;
    memset(&so, 0, sizeof(so));
    so.high_water_mark = sock->opts_.high_water_mark;
    so.no_half_open = !sock->opts_.allow_half_open;
    r = asy_duplex_init(loop, &sock->stream, &asy__socket_impl, &so);
    if (r) return r;
    sock->stream.impl_data = sock;
    return 0;
}

/* The handle exists: apply the options and any read asked for before. */
static void asy__sk_handle_ready(asy_socket_t *k) {
    k->state_ |= ASY__SK_HANDLE;
    k->h.sock.data = k;
    if (k->state_ & ASY__SK_WANT_READ) {
        k->state_ &= ~(unsigned)ASY__SK_WANT_READ;
        asy__sk_start_reading(k);
    }
    /* read(0), as net.Socket does once it has a handle: data fills the
     * buffer up to the high-water mark, and the peer's end is seen even
     * by nobody listening, so the socket can finish and close */
    asy_stream_read(&k->stream, 0, NULL);
}

static void asy__sk_tcp_options(asy_socket_t *k) {
    if (k->h.sock.type != ASY_HANDLE_TCP) return;
    if (k->opts_.no_delay) asy_tcp_nodelay(&k->h.tcp, 1);
    if (k->opts_.keep_alive) asy_tcp_keepalive(&k->h.tcp, 1, k->opts_.keep_alive_delay_s);
}

static int asy__sk_usable(const asy_socket_t *k) {
    return k && k->stream.impl_ == &asy__socket_impl && !(k->state_ & ASY__SK_HANDLE) &&
           !asy_stream_is_destroyed(&k->stream);
}

static void asy__sk_connected(asy_connect_t *req, int status) {
    asy_socket_t *k = (asy_socket_t *)req->data;
    if (status == 0) asy__sk_tcp_options(k);
    if (k->connect_cb_) {
        k->connect_cb_(k, status);
        asy__after_cb(k->stream.loop);
    }
    if (status != 0) asy_stream_destroy(&k->stream, status);
}

/* A connect that failed after the handle was made (no fd left, say) is
 * reported like one refused by the peer: from the next tick, through the
 * callback and the stream's error, as Node does. */
static void asy__sk_connect_failed_tick(void *arg) {
    asy_socket_t *k = (asy_socket_t *)arg;
    asy__sk_connected(&k->creq_, k->destroy_err_);
}

static int asy__sk_connect_started(asy_socket_t *k, int r) {
    asy__sk_handle_ready(k);
    if (r == 0) return 0;
    k->destroy_err_ = r;
    if (asy_next_tick(k->stream.loop, asy__sk_connect_failed_tick, k) != 0)
        asy_stream_destroy(&k->stream, r);
    return 0;
}

ASYNCRT_API int asy_socket_connect(asy_socket_t *sock, const char *ip, int port,
                                   asy_socket_connect_cb cb) {
    asy_addr_t a;
    int r;
    if (!asy__sk_usable(sock)) return ASY_EINVAL;
    if ((r = asy_ip_addr(ip, port, &a)) != 0) return r;
    if ((r = asy_tcp_init(sock->stream.loop, &sock->h.tcp)) != 0) return r;
    sock->creq_.data = sock;
    sock->connect_cb_ = cb;
    r = asy_tcp_connect_timeout(&sock->creq_, &sock->h.tcp, &a, sock->opts_.connect_timeout_ms,
                                asy__sk_connected);
    return asy__sk_connect_started(sock, r);
}

ASYNCRT_API int asy_socket_connect_path(asy_socket_t *sock, const char *path,
                                        asy_socket_connect_cb cb) {
    int r;
    if (!asy__sk_usable(sock) || !path) return ASY_EINVAL;
    if ((r = asy_pipe_init(sock->stream.loop, &sock->h.pipe)) != 0) return r;
    sock->creq_.data = sock;
    sock->connect_cb_ = cb;
    r = asy_pipe_connect(&sock->creq_, &sock->h.pipe, path, asy__sk_connected);
    return asy__sk_connect_started(sock, r);
}

ASYNCRT_API int asy_socket_open(asy_socket_t *sock, int fd) {
    asy_loop_t *loop;
    int r;
    if (!asy__sk_usable(sock)) return ASY_EINVAL;
    loop = sock->stream.loop;
    if (fcntl(fd, F_GETFL) < 0) return asy__errno();
    switch (asy_guess_handle(fd)) {
        case ASY_HANDLE_TTY:
            r = asy_tty_init(loop, &sock->h.tty, fd);
            break;
        case ASY_HANDLE_PIPE:
            if ((r = asy_pipe_init(loop, &sock->h.pipe)) == 0 &&
                (r = asy_pipe_open(&sock->h.pipe, fd)) != 0)
                asy_close((asy_handle_t *)&sock->h.pipe, NULL);
            break;
        case ASY_HANDLE_TCP:
            if ((r = asy_tcp_init(loop, &sock->h.tcp)) == 0 &&
                (r = asy_tcp_open(&sock->h.tcp, fd)) != 0)
                asy_close((asy_handle_t *)&sock->h.tcp, NULL);
            break;
        default:
            return ASY_EINVAL;
    }
    if (r) return r;
    asy__sk_tcp_options(sock);
    asy__sk_handle_ready(sock);
    return 0;
}

ASYNCRT_API int asy_socket_reset_and_destroy(asy_socket_t *sock) {
    if (!sock || sock->stream.impl_ != &asy__socket_impl) return ASY_EINVAL;
    if (!(sock->state_ & ASY__SK_HANDLE) || sock->h.sock.type != ASY_HANDLE_TCP) return ASY_EINVAL;
    sock->state_ |= ASY__SK_RESET;
    return asy_stream_destroy(&sock->stream, 0);
}

ASYNCRT_API uint64_t asy_socket_bytes_read(const asy_socket_t *sock) {
    return sock ? sock->bytes_read_ : 0;
}

ASYNCRT_API uint64_t asy_socket_bytes_written(const asy_socket_t *sock) {
    return sock ? sock->bytes_written_ : 0;
}

/* ---- net.Server ----------------------------------------------------------- */

static void asy__server_on_connection(asy_sock_t *h, int status) {
    asy_server_t *srv = ASY_CONTAINER_OF(h, asy_server_t, h.sock);
    srv->cb_(srv, status);
}

ASYNCRT_API int asy_server_listen(asy_loop_t *loop, asy_server_t *server, const char *host,
                                  int port, int backlog, unsigned flags,
                                  asy_server_connection_cb cb) {
    asy_addr_t a;
    int r;
    if (!loop || !server || !cb) return ASY_EINVAL;
    r = asy_ip_addr(host ? host : "::", port, &a);
    if (r) return r;
    server->cb_ = cb;
    if ((r = asy_tcp_init(loop, &server->h.tcp)) != 0) return r;
    r = asy_tcp_bind(&server->h.tcp, &a, flags);
    if (r == ASY_EAFNOSUPPORT && !host) {
        /* no IPv6 here: every IPv4 interface then */
        asy_close((asy_handle_t *)&server->h.tcp, NULL);
        if ((r = asy_tcp_init(loop, &server->h.tcp)) != 0) return r;
        asy_ip4_addr("0.0.0.0", port, &a);
        r = asy_tcp_bind(&server->h.tcp, &a, flags & ~(unsigned)ASY_TCP_IPV6ONLY);
    }
    if (r == 0) r = asy_sock_listen(&server->h.sock, backlog, asy__server_on_connection);
    if (r) asy_close((asy_handle_t *)&server->h.tcp, NULL);
    return r;
}

ASYNCRT_API int asy_server_listen_path(asy_loop_t *loop, asy_server_t *server, const char *path,
                                       int backlog, asy_server_connection_cb cb) {
    int r;
    if (!loop || !server || !cb || !path) return ASY_EINVAL;
    server->cb_ = cb;
    if ((r = asy_pipe_init(loop, &server->h.pipe)) != 0) return r;
    r = asy_pipe_bind(&server->h.pipe, path);
    if (r == 0) r = asy_sock_listen(&server->h.sock, backlog, asy__server_on_connection);
    if (r) asy_close((asy_handle_t *)&server->h.pipe, NULL);
    return r;
}

ASYNCRT_API int asy_server_accept(asy_server_t *server, asy_socket_t *sock) {
    asy_loop_t *loop;
    int r;
    if (!server || !asy__sk_usable(sock) || !asy__is_stream_type(server->h.sock.type))
        return ASY_EINVAL;
    /* check first: once the handle is made, a failure would leave it to
     * the close phase */
    if (!(server->h.sock.flags_ & ASY__S_ACCEPT_READY)) return ASY_EAGAIN;
    loop = sock->stream.loop;
    if (server->h.sock.type == ASY_HANDLE_TCP)
        r = asy_tcp_init(loop, &sock->h.tcp);
    else
        r = asy_pipe_init(loop, &sock->h.pipe);
    if (r) return r;
    r = asy_sock_accept(&server->h.sock, &sock->h.sock);
    if (r) {
        asy_close((asy_handle_t *)&sock->h.sock, NULL);
        return r;
    }
    asy__sk_tcp_options(sock);
    asy__sk_handle_ready(sock);
    return 0;
}

ASYNCRT_API int asy_server_address(const asy_server_t *server, asy_addr_t *addr) {
    if (!server || server->h.sock.type != ASY_HANDLE_TCP) return ASY_EINVAL;
    return asy_tcp_getsockname(&server->h.tcp, addr);
}

ASYNCRT_API void asy_server_close(asy_server_t *server, asy_close_cb close_cb) {
    if (server) asy_close((asy_handle_t *)&server->h.sock, close_cb);
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

static void asy__fs_buf_free(void *data, void *hint) {
    (void)hint;
    asy__free(data);
}

ASYNCRT_API int asy_fs_take_buffer(asy_fs_t *req, asy_buf_t *out) {
    int r;
    if (!req || !out || !req->buf) return ASY_EINVAL;
    r = asy_buf_from_external(out, req->buf, req->len, asy__fs_buf_free, NULL);
    if (r) return r;
    asy_fs_take_buf(req, NULL);
    return 0;
}

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
    if (!asy__loop_live(loop) || !h) return ASY_EINVAL;
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

#line 1 "asyncrt_impl/fs/fstream.c"
/* What the read and write file streams share: options, opening the file
 * (_construct), closing it exactly once (_destroy), the getters and the
 * error message.  Node: lib/internal/fs/streams.js. */


enum {
    ASY__FSS_WRITER = 1u << 0,
    ASY__FSS_HAS_POS = 1u << 1,  /* `start` given: positional I/O */
    ASY__FSS_HAS_END = 1u << 2,
    ASY__FSS_FLUSH = 1u << 3,
    ASY__FSS_BUSY = 1u << 4,       /* a read or write is in the pool */
    ASY__FSS_DESTROYING = 1u << 5  /* _destroy waits for that I/O */
};

ASY__INTERNAL asy_fs_stream_t *asy__fss_of(asy_stream_t *s) {
    return ASY_CONTAINER_OF(s, asy_fs_stream_t, stream);
}

/* Remembers the failed call for asy_fs_stream_error. */
ASY__INTERNAL void asy__fss_fail(asy_fs_stream_t *fs, int err, const char *syscall, int with_path) {
    fs->fail_ = err;
    fs->fail_syscall_ = syscall;
    fs->fail_path_ = with_path;
}

ASY__INTERNAL void asy__fss_record(asy_fs_stream_t *fs, const asy_fs_t *req) {
    asy__fss_fail(fs, (int)req->result, req->syscall, req->type == ASY_FS_OPEN);
}

/* Checks and records what both kinds take; the stream itself is not
 * touched before everything is known to be valid. */
ASY__INTERNAL int asy__fss_setup(asy_loop_t *loop, asy_fs_stream_t *fs, const char *path,
                                 const char *flags, const char *dflt, int mode, int use_fd,
                                 int fd, int has_start, int64_t start) {
    int oflags = 0;
    size_t plen = path && !use_fd ? strlen(path) : 0; /* Node ignores path with fd */
    if (!loop || !fs) return ASY_EINVAL;
    if (use_fd ? fd < 0 : !path) return ASY_EINVAL;
    if (mode < 0) return ASY_EINVAL;
    if (plen >= ASY_FS_STREAM_PATH_MAX) return ASY_ENAMETOOLONG;
    if (!use_fd && (oflags = asy_fs_open_flags(flags ? flags : dflt)) < 0) return oflags;
    if (has_start && start < 0) return ASY_ERANGE;
    /* the struct is large (the path buffer): clear only what is used */
    memset(fs, 0, offsetof(asy_fs_stream_t, path_));
    if (plen) memcpy(fs->path_, path, plen);
    fs->path_[plen] = 0;
    fs->fd_ = use_fd ? fd : -1;
    fs->oflags_ = oflags;
    fs->mode_ = mode ? mode : 0666;
    if (has_start) {
        fs->fflags_ |= ASY__FSS_HAS_POS;
        fs->pos_ = start;
    }
    fs->iov_ = fs->iovsml_;
    return 0;
}

/* ---- _construct: open the file ------------------------------------------- */

ASY__INTERNAL void asy__fss_opened(asy_fs_t *req) {
    asy_fs_stream_t *fs = ASY_CONTAINER_OF(req, asy_fs_stream_t, req_);
    if (req->result < 0) {
        asy__fss_record(fs, req);
        asy_stream_construct_done(&fs->stream, (int)req->result);
        return;
    }
    fs->fd_ = (int)req->result;
    /* Node calls back first, then emits 'open' and 'ready' */
    asy_stream_construct_done(&fs->stream, 0);
    if (fs->on_open_) fs->on_open_(fs, fs->fd_);
}

ASY__INTERNAL void asy__fss_construct(asy_stream_t *s) {
    asy_fs_stream_t *fs = asy__fss_of(s);
    int r;
    if (fs->fd_ >= 0) { /* the caller's fd: nothing to open, no 'open' event */
        asy_stream_construct_done(s, 0);
        return;
    }
    r = asy_fs_open(s->loop, &fs->req_, fs->path_, fs->oflags_, fs->mode_, asy__fss_opened);
    if (r < 0) {
        asy__fss_fail(fs, r, "open", 1);
        asy_stream_construct_done(s, r);
    }
}

/* ---- _destroy: close the fd, once ---------------------------------------- */

ASY__INTERNAL void asy__fss_closed(asy_fs_t *req) {
    asy_fs_stream_t *fs = ASY_CONTAINER_OF(req, asy_fs_stream_t, req_);
    int err = fs->destroy_err_;
    if (req->result < 0) { /* Node: cb(closeError || err) */
        asy__fss_record(fs, req);
        err = (int)req->result;
    }
    asy_stream_destroy_done(&fs->stream, err);
}

ASY__INTERNAL void asy__fss_close_fd(asy_fs_stream_t *fs, int err) {
    int fd = fs->fd_, r;
    fs->fd_ = -1; /* from here on the stream has no fd (Node sets it null) */
    fs->destroy_err_ = err;
    r = asy_fs_close(fs->stream.loop, &fs->req_, fd, asy__fss_closed);
    if (r < 0) {
        /* the pool refused the job (out of memory): close here rather
         * than leak the fd */
        asy_fs_close_sync(&fs->req_, fd);
        asy_fs_req_cleanup(&fs->req_);
        asy_stream_destroy_done(&fs->stream, err ? err : r);
    }
}

ASY__INTERNAL void asy__fss_synced(asy_fs_t *req) {
    asy_fs_stream_t *fs = ASY_CONTAINER_OF(req, asy_fs_stream_t, req_);
    int err = fs->destroy_err_;
    if (req->result < 0 && !err) { /* Node: err || flushError */
        asy__fss_record(fs, req);
        err = (int)req->result;
    }
    asy__fss_close_fd(fs, err);
}

/* Node's close(stream, err, cb): fsync first with `flush`. */
ASY__INTERNAL void asy__fss_close(asy_fs_stream_t *fs, int err) {
    fs->fflags_ &= ~(unsigned)ASY__FSS_DESTROYING;
    if (fs->fd_ < 0) {
        asy_stream_destroy_done(&fs->stream, err);
        return;
    }
    if (fs->fflags_ & ASY__FSS_FLUSH) {
        fs->destroy_err_ = err;
        if (asy_fs_fsync(fs->stream.loop, &fs->req_, fs->fd_, asy__fss_synced) == 0) return;
    }
    asy__fss_close_fd(fs, err);
}

ASY__INTERNAL void asy__fss_destroy(asy_stream_t *s, int err) {
    asy_fs_stream_t *fs = asy__fss_of(s);
    if (fs->fflags_ & ASY__FSS_BUSY) {
        /* The pool thread may be using the fd: closing it now could close
         * a newly opened file that reused the number.  Wait for the I/O
         * (a read that has not started yet is dropped). */
        fs->fflags_ |= ASY__FSS_DESTROYING;
        fs->destroy_err_ = err;
        if (!(fs->fflags_ & ASY__FSS_WRITER)) asy_fs_cancel(&fs->req_);
        return;
    }
    asy__fss_close(fs, err);
}

/* ---- getters ---------------------------------------------------------------- */

ASYNCRT_API uint64_t asy_fs_stream_bytes_read(const asy_fs_stream_t *fs) {
    return fs && !(fs->fflags_ & ASY__FSS_WRITER) ? fs->bytes_ : 0;
}

ASYNCRT_API uint64_t asy_fs_stream_bytes_written(const asy_fs_stream_t *fs) {
    return fs && (fs->fflags_ & ASY__FSS_WRITER) ? fs->bytes_ : 0;
}

/* NULL for a stream made from an fd without a path, as Node's undefined */
ASYNCRT_API const char *asy_fs_stream_path(const asy_fs_stream_t *fs) {
    return fs && fs->path_[0] ? fs->path_ : NULL;
}

ASYNCRT_API int asy_fs_stream_pending(const asy_fs_stream_t *fs) { return fs ? fs->fd_ < 0 : 0; }

ASYNCRT_API int asy_fs_stream_fd(const asy_fs_stream_t *fs) { return fs ? fs->fd_ : -1; }

ASYNCRT_API const char *asy_fs_stream_error(const asy_fs_stream_t *fs, char *buf, size_t len) {
    asy_fs_t r;
    if (!buf || len == 0) return "";
    buf[0] = 0;
    if (!fs || fs->fail_ >= 0) return buf;
    /* a request describing the failed call, for the fs layer's formatter */
    memset(&r, 0, sizeof(r));
    r.result = fs->fail_;
    r.syscall = fs->fail_syscall_;
    r.path = fs->fail_path_ ? fs->path_ : NULL;
    return asy_fs_error(&r, buf, len);
}

#line 1 "asyncrt_impl/fs/read_stream.c"
/* fs.createReadStream: _read is one async read into a fresh buffer. */


ASY__INTERNAL void asy__rs_done(asy_fs_t *req) {
    asy_fs_stream_t *fs = ASY_CONTAINER_OF(req, asy_fs_stream_t, req_);
    asy_stream_t *s = &fs->stream;
    int64_t n = req->result;
    fs->fflags_ &= ~(unsigned)ASY__FSS_BUSY;
    if (fs->fflags_ & ASY__FSS_DESTROYING) {
        /* _destroy was waiting for this read: now the fd can go.  Node
         * closes with `err || readError`; a cancelled read is no error. */
        int err = fs->destroy_err_;
        asy_buf_release(&fs->rbuf_);
        if (!err && n < 0 && n != ASY_ECANCELED) {
            asy__fss_record(fs, req);
            err = (int)n;
        }
        asy__fss_close(fs, err);
        return;
    }
    if (n < 0) {
        asy_buf_release(&fs->rbuf_);
        asy__fss_record(fs, req);
        asy__stream_error_or_destroy(s, (int)n, 0);
        return;
    }
    if (n == 0) {
        asy_buf_release(&fs->rbuf_);
        asy_stream_push_end(s);
        return;
    }
    if (fs->fflags_ & ASY__FSS_HAS_POS) fs->pos_ += n;
    fs->bytes_ += (uint64_t)n;
    if ((size_t)n < fs->rbuf_.len) {
        /* a short read (the end of the file): give the rest of the block
         * back rather than keep it alive with the chunk (Node copies) */
        fs->rbuf_.len = (size_t)n;
        asy__buf_shrink(&fs->rbuf_);
    }
    asy_stream_push_move(s, &fs->rbuf_);
}

ASY__INTERNAL void asy__rs_read(asy_stream_t *s, size_t size) {
    asy_fs_stream_t *fs = asy__fss_of(s);
    asy_iovec_t iov;
    int r;
    if (fs->fflags_ & ASY__FSS_HAS_END) {
        /* up to `end` inclusive: from the position, or (reading at the
         * file position) counted from the first byte read, as Node does */
        int64_t left = (fs->fflags_ & ASY__FSS_HAS_POS) ? fs->end_ - fs->pos_ + 1
                                                          : fs->end_ - (int64_t)fs->bytes_ + 1;
        if (left <= 0) {
            asy_stream_push_end(s);
            return;
        }
        if ((uint64_t)left < (uint64_t)size) size = (size_t)left;
    }
    if (size == 0) { /* Node: a highWaterMark of 0 reads nothing */
        asy_stream_push_end(s);
        return;
    }
    if ((r = asy_buf_alloc_unsafe(&fs->rbuf_, size)) < 0) {
        asy__stream_error_or_destroy(s, r, 0);
        return;
    }
    iov.base = fs->rbuf_.data;
    iov.len = size;
    fs->fflags_ |= ASY__FSS_BUSY;
    r = asy_fs_read(s->loop, &fs->req_, fs->fd_, &iov, 1,
                    (fs->fflags_ & ASY__FSS_HAS_POS) ? fs->pos_ : -1, asy__rs_done);
    if (r < 0) {
        fs->fflags_ &= ~(unsigned)ASY__FSS_BUSY;
        asy_buf_release(&fs->rbuf_);
        asy__fss_fail(fs, r, "read", 0);
        asy__stream_error_or_destroy(s, r, 0);
    }
}

static const asy_stream_impl asy__fs_read_impl = {asy__fss_construct, asy__rs_read, NULL, NULL,
                                                  NULL, asy__fss_destroy, NULL, NULL};

ASYNCRT_API int asy_fs_create_read_stream(asy_loop_t *loop, asy_fs_stream_t *fs,
                                          const char *path, const asy_fs_read_stream_opts *opts) {
    asy_fs_read_stream_opts o;
    asy_stream_opts so;
    int r;
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof(o));
    if (o.has_end && o.end < 0) return ASY_ERANGE;
    if (o.has_start && o.has_end && o.start > o.end) return ASY_ERANGE;
    r = asy__fss_setup(loop, fs, path, o.flags, "r", o.mode, o.use_fd, o.fd, o.has_start, o.start);
    if (r < 0) return r;
    if (o.has_end) {
        fs->fflags_ |= ASY__FSS_HAS_END;
        fs->end_ = o.end;
    }
    fs->on_open_ = o.on_open;
    memset(&so, 0, sizeof(so));
    so.high_water_mark = o.high_water_mark ? o.high_water_mark : 64 * 1024;
    so.no_auto_destroy = o.no_auto_close;
    return asy_readable_init(loop, &fs->stream, &asy__fs_read_impl, &so);
}

#line 1 "asyncrt_impl/fs/write_stream.c"
/* fs.createWriteStream: _write and _writev are async writes, repeated
 * until every byte is written (Node's writeAll / writevAll). */


/* Node gives up after this many writes in a row that wrote nothing. */
#define ASY__FSS_MAX_RETRIES 5

ASY__INTERNAL void asy__ws_submit(asy_fs_stream_t *fs);

ASY__INTERNAL void asy__ws_finish(asy_fs_stream_t *fs, int status) {
    int was_destroying = (fs->fflags_ & ASY__FSS_DESTROYING) != 0;
    if (fs->iov_ != fs->iovsml_) asy__free(fs->iov_);
    fs->iov_ = fs->iovsml_;
    fs->niov_ = 0;
    fs->fflags_ &= ~(unsigned)ASY__FSS_BUSY;
    /* An error here destroys the stream (autoDestroy); _destroy then finds
     * no I/O in flight and closes at once.  When _destroy came first, it
     * left the closing to us. */
    asy_stream_write_done(&fs->stream, status);
    /* Node closes with `err || writeError`: a write that _destroy cut
     * short makes the destroy an ERR_STREAM_DESTROYED error */
    if (was_destroying) asy__fss_close(fs, fs->destroy_err_ ? fs->destroy_err_ : status);
}

/* Drops the n bytes just written from the front of the iovecs. */
ASY__INTERNAL void asy__ws_advance(asy_fs_stream_t *fs, size_t n) {
    unsigned i = 0;
    while (i < fs->niov_ && n >= fs->iov_[i].len) n -= fs->iov_[i++].len;
    if (i) {
        memmove(fs->iov_, fs->iov_ + i, (fs->niov_ - i) * sizeof(asy_iovec_t));
        fs->niov_ -= i;
    }
    if (n && fs->niov_) {
        fs->iov_[0].base = (char *)fs->iov_[0].base + n;
        fs->iov_[0].len -= n;
    }
}

ASY__INTERNAL void asy__ws_done(asy_fs_t *req) {
    asy_fs_stream_t *fs = ASY_CONTAINER_OF(req, asy_fs_stream_t, req_);
    int64_t n = req->result;
    if (n == ASY_EAGAIN) n = 0; /* nothing written this time: try again */
    if (n < 0) {
        asy__fss_record(fs, req);
        asy__ws_finish(fs, (int)n);
        return;
    }
    if (fs->fflags_ & ASY__FSS_DESTROYING) {
        /* Node: the write's callback gets ERR_STREAM_DESTROYED */
        asy__ws_finish(fs, ASY_ESTREAM_DESTROYED);
        return;
    }
    fs->bytes_ += (uint64_t)n;
    fs->retries_ = n ? 0 : fs->retries_ + 1;
    fs->wleft_ -= (size_t)n;
    if (fs->wpos_ >= 0) fs->wpos_ += n;
    if (fs->retries_ > ASY__FSS_MAX_RETRIES) {
        asy__fss_fail(fs, ASY_EIO, "write", 0);
        asy__ws_finish(fs, ASY_EIO);
    } else if (fs->wleft_) {
        asy__ws_advance(fs, (size_t)n);
        asy__ws_submit(fs);
    } else {
        asy__ws_finish(fs, 0);
    }
}

ASY__INTERNAL void asy__ws_submit(asy_fs_stream_t *fs) {
    int r = asy_fs_write(fs->stream.loop, &fs->req_, fs->fd_, fs->iov_, fs->niov_, fs->wpos_,
                         asy__ws_done);
    if (r < 0) {
        asy__fss_fail(fs, r, "write", 0);
        asy__ws_finish(fs, r);
    }
}

/* Starts writing the chunks (fs->iov_ holds them), at `start` + what was
 * written so far, or at the file position. */
ASY__INTERNAL void asy__ws_start(asy_fs_stream_t *fs, size_t total) {
    fs->fflags_ |= ASY__FSS_BUSY;
    fs->retries_ = 0;
    fs->wleft_ = total;
    fs->wpos_ = (fs->fflags_ & ASY__FSS_HAS_POS) ? fs->pos_ : -1;
    if (fs->fflags_ & ASY__FSS_HAS_POS) fs->pos_ += (int64_t)total;
    /* an empty chunk still makes its (empty) write, as in Node, so its
     * callback comes as late as any other */
    asy__ws_submit(fs);
}

ASY__INTERNAL void asy__ws_write(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_fs_stream_t *fs = asy__fss_of(s);
    fs->iov_ = fs->iovsml_;
    fs->iov_[0].base = chunk->data;
    fs->iov_[0].len = chunk->len;
    fs->niov_ = 1;
    asy__ws_start(fs, chunk->len);
}

ASY__INTERNAL void asy__ws_writev(asy_stream_t *s, const asy_buf_t *chunks, size_t n) {
    asy_fs_stream_t *fs = asy__fss_of(s);
    size_t i, total = 0;
    unsigned k = 0;
    if (n > ASY_ARRAY_SIZE(fs->iovsml_)) {
        if (n > UINT_MAX || !(fs->iov_ = ASY__NEW_ARRAY(asy_iovec_t, n))) {
            fs->iov_ = fs->iovsml_;
            asy_stream_write_done(s, ASY_ENOMEM);
            return;
        }
    } else {
        fs->iov_ = fs->iovsml_;
    }
    for (i = 0; i < n; i++) {
        if (!chunks[i].len) continue; /* empty chunks add nothing */
        fs->iov_[k].base = chunks[i].data;
        fs->iov_[k].len = chunks[i].len;
        total += chunks[i].len;
        k++;
    }
    if (k == 0) { /* only empty chunks: one empty write */
        fs->iov_[0].base = NULL;
        fs->iov_[0].len = 0;
        k = 1;
    }
    fs->niov_ = k;
    asy__ws_start(fs, total);
}

static const asy_stream_impl asy__fs_write_impl = {asy__fss_construct, NULL, asy__ws_write,
                                                   asy__ws_writev, NULL, asy__fss_destroy,
                                                   NULL, NULL};

ASYNCRT_API int asy_fs_create_write_stream(asy_loop_t *loop, asy_fs_stream_t *fs,
                                           const char *path, const asy_fs_write_stream_opts *opts) {
    asy_fs_write_stream_opts o;
    asy_stream_opts so;
    int r;
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof(o));
    r = asy__fss_setup(loop, fs, path, o.flags, "w", o.mode, o.use_fd, o.fd, o.has_start, o.start);
    if (r < 0) return r;
    fs->fflags_ |= ASY__FSS_WRITER;
    if (o.flush) fs->fflags_ |= ASY__FSS_FLUSH;
    fs->on_open_ = o.on_open;
    memset(&so, 0, sizeof(so));
    so.high_water_mark = o.high_water_mark;
    so.no_auto_destroy = o.no_auto_close;
    return asy_writable_init(loop, &fs->stream, &asy__fs_write_impl, &so);
}

ASYNCRT_API asy_fs_stream_t *asy_fs_stream_of(asy_stream_t *s) {
    if (!s || (s->impl_ != &asy__fs_read_impl && s->impl_ != &asy__fs_write_impl)) return NULL;
    return asy__fss_of(s);
}

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
#line 1 "asyncrt_impl/path/util.c"
/* What both path flavours share: the string builder, Node's normalizeString,
 * the current directory and environment lookups, and the NULL-terminated
 * argument lists of the `l` variants.  os uses the string helpers too. */




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

/* One copy of path up to the end of its base serves dir, base and ext: dir
 * ends at the separator before the base, which becomes its NUL, and ext is
 * the tail of base.  Only name (when there is an ext) needs a copy of its
 * own; root is "/" or "".  (Node: path.posix.parse.) */
ASYNCRT_API int asy_path_posix_parse(asy_path_parsed_t *out, const char *path) {
    size_t len, dir_end = 0, name_len = 0;
    ptrdiff_t dot, end, part;
    int abs, has_ext;
    char *s;
    if (!out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out)); /* every field NULL on an error */
    if (!path) return ASY_EINVAL;
    out->root = out->dir = out->base = out->ext = out->name = "";
    len = strlen(path);
    if (len == 0) return 0;
    abs = path[0] == '/';
    has_ext = asy__path_find_ext(path, len, (size_t)abs, 0, 0, &dot, &end, &part);
    if (abs) out->root = "/";
    if (part > 0) dir_end = (size_t)part - 1; /* the separator before base */
    if (end == -1) { /* only separators ("/", "///"): no base */
        out->dir = out->root;
        return 0;
    }
    if (part == 0 && abs) part = 1; /* "/base": dir is the root */
    if (has_ext) name_len = (size_t)(dot - part);
    s = (char *)asy__malloc((size_t)end + 1 + (has_ext ? name_len + 1 : 0));
    if (!s) {
        out->root = out->dir = out->base = out->ext = out->name = NULL;
        return ASY_ENOMEM;
    }
    memcpy(s, path, (size_t)end);
    s[end] = '\0';
    out->storage = s;
    if (dir_end > 0) {
        s[dir_end] = '\0';
        out->dir = s;
    } else if (abs) {
        out->dir = "/";
    }
    out->base = out->name = s + part;
    if (has_ext) {
        char *name = s + end + 1;
        memcpy(name, path + part, name_len);
        name[name_len] = '\0';
        out->name = name;
        out->ext = s + dot;
    }
    return 0;
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

#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/process/process.internal.h"
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <grp.h>

/* Per-loop state of the process layer (loop->layers_[ASY__LAYER_PROCESS]). */
#define ASY__PROC_RBUF 65536

struct asy__proc_loop {
    asy_signal_t sigchld; /* internal: neither listed nor keeping the loop alive */
    asy__queue live;      /* processes not reaped yet */
    asy_pending_t scan_req;
    int scan_queued;
    char *rbuf; /* shared read buffer of every stdio pipe of the loop */
};

ASY__INTERNAL struct asy__proc_loop *asy__proc_loop_get(asy_loop_t *loop, int *err);
ASY__INTERNAL void asy__proc_reaped(asy_process_t *p, int wstatus);
ASY__INTERNAL void asy__proc_orphan(int pid);
ASY__INTERNAL void asy__proc_update_active(asy_process_t *p);
ASY__INTERNAL void asy__proc_maybe_close_event(asy_process_t *p);
ASY__INTERNAL void asy__proc_pipes_free(asy_process_t *p);
/* stdio_stream.c */
ASY__INTERNAL int asy__cstream_notify(asy_process_t *p, struct asy__child_pipe *cp, int status);
ASY__INTERNAL void asy__cstream_detach(struct asy__child_pipe *cp);
ASY__INTERNAL void asy__ipc_init_handle(asy_ipc_t *ch, asy_loop_t *loop, const char *file,
                                       int line);
ASY__INTERNAL int asy__ipc_attach_fd(asy_ipc_t *ch, int fd);

/* Everything the child needs, prepared by the parent before vfork so the
 * child only makes system calls. */
struct asy__spawn_plan {
    char *const *argv;
    char *const *envp;
    char **paths; /* candidate paths to execve, NULL-terminated */
    const char *cwd;
    int nslots;
    int src[ASY_PROCESS_MAX_STDIO + 1]; /* fd that becomes slot i in the child */
    int detached, set_uid, set_gid;
    unsigned uid, gid;
    int err_fd; /* write end of the close-on-exec error pipe */
};

#line 1 "asyncrt_impl/process/reap.c"
/* Reaping.  Each loop that has children watches SIGCHLD with an internal
 * signal handle (the signal layer delivers every SIGCHLD to every loop
 * that watches it) and, on a SIGCHLD, asks only its own children with
 * waitpid(pid, WNOHANG): never waitpid(-1), which would steal the children
 * of other loops or of other code in the process.  The scan runs once per
 * loop iteration however many SIGCHLDs came in.
 *
 * A process handle closed before its child exited leaves the pid on a
 * process-wide orphan list, swept by every loop's scan, so closing never
 * leaves a zombie behind as long as some loop still watches children. */
static pthread_mutex_t asy__orphan_mutex = PTHREAD_MUTEX_INITIALIZER;
static int *asy__orphans;
static int asy__norphans, asy__orphan_cap;

ASY__INTERNAL void asy__proc_orphan(int pid) {
    int status;
    if (waitpid(pid, &status, WNOHANG) != 0) return; /* gone already (or not ours) */
    pthread_mutex_lock(&asy__orphan_mutex);
    if (asy__norphans == asy__orphan_cap) {
        int ncap = asy__orphan_cap ? asy__orphan_cap * 2 : 16;
        int *n = (int *)asy__realloc(asy__orphans, sizeof(int) * (size_t)ncap);
        if (n) {
            asy__orphans = n;
            asy__orphan_cap = ncap;
        }
    }
    if (asy__norphans < asy__orphan_cap) asy__orphans[asy__norphans++] = pid;
    pthread_mutex_unlock(&asy__orphan_mutex);
}

static void asy__orphans_sweep(void) {
    int i, status;
    pthread_mutex_lock(&asy__orphan_mutex);
    for (i = 0; i < asy__norphans;) {
        pid_t r = waitpid(asy__orphans[i], &status, WNOHANG);
        if (r == 0 || (r < 0 && errno == EINTR)) {
            i++;
            continue;
        }
        asy__orphans[i] = asy__orphans[--asy__norphans];
    }
    if (asy__norphans == 0) {
        asy__free(asy__orphans);
        asy__orphans = NULL;
        asy__orphan_cap = 0;
    }
    pthread_mutex_unlock(&asy__orphan_mutex);
}

static void asy__proc_scan(void *arg) {
    struct asy__proc_loop *pl = (struct asy__proc_loop *)arg;
    asy__queue q;
    pl->scan_queued = 0;
    /* moved aside: exit callbacks may spawn or close anything */
    asy__queue_init(&q);
    asy__queue_move(&pl->live, &q);
    while (!asy__queue_empty(&q)) {
        asy_process_t *p = ASY_CONTAINER_OF(asy__queue_head(&q), asy_process_t, live_link_);
        int status = 0;
        pid_t r;
        asy__queue_remove(&p->live_link_);
        asy__queue_insert_tail(&pl->live, &p->live_link_);
        do r = waitpid(p->pid, &status, WNOHANG);
        while (r < 0 && errno == EINTR);
        if (r == 0) continue;
        asy__queue_remove(&p->live_link_);
        /* ECHILD: someone else reaped it (waitpid(-1) elsewhere); it is
         * gone all the same, and its status is lost. */
        asy__proc_reaped(p, r < 0 ? -1 : status);
    }
    asy__orphans_sweep();
}

static void asy__proc_sigchld(asy_signal_t *h, int signum) {
    struct asy__proc_loop *pl = (struct asy__proc_loop *)h->data;
    (void)signum;
    if (pl->scan_queued) return;
    pl->scan_queued = 1;
    asy_defer(h->loop, &pl->scan_req, asy__proc_scan, pl);
}

static void asy__proc_loop_close(asy_loop_t *loop, void *state) {
    struct asy__proc_loop *pl = (struct asy__proc_loop *)state;
    asy_signal_stop(&pl->sigchld);
    asy__orphans_sweep();
    asy__free(pl->rbuf);
    asy__free(pl);
    loop->layers_[ASY__LAYER_PROCESS].state = NULL;
    loop->layers_[ASY__LAYER_PROCESS].close = NULL;
}

/* The loop's process state, created with the SIGCHLD watch on first use:
 * the watch must exist before the first fork, or an early exit is missed. */
ASY__INTERNAL struct asy__proc_loop *asy__proc_loop_get(asy_loop_t *loop, int *err) {
    struct asy__proc_loop *pl = (struct asy__proc_loop *)loop->layers_[ASY__LAYER_PROCESS].state;
    int r;
    if (pl) return pl;
    pl = ASY__NEW(struct asy__proc_loop);
    if (!pl) {
        *err = ASY_ENOMEM;
        return NULL;
    }
    memset(pl, 0, sizeof(*pl));
    pl->rbuf = (char *)asy__malloc(ASY__PROC_RBUF);
    if (!pl->rbuf) {
        asy__free(pl);
        *err = ASY_ENOMEM;
        return NULL;
    }
    asy__queue_init(&pl->live);
    pl->sigchld.loop = loop;
    pl->sigchld.type = ASY_HANDLE_SIGNAL;
    pl->sigchld.flags_ = ASY__H_INTERNAL; /* unref'd: children keep the loop alive, not this */
    pl->sigchld.data = pl;
    asy__queue_init(&pl->sigchld.handle_link_);
    asy__queue_init(&pl->sigchld.closing_link_);
    asy__queue_init(&pl->sigchld.signal_link_);
    r = asy_signal_start(&pl->sigchld, asy__proc_sigchld, SIGCHLD);
    if (r) {
        asy__free(pl->rbuf);
        asy__free(pl);
        *err = r;
        return NULL;
    }
    loop->layers_[ASY__LAYER_PROCESS].state = pl;
    loop->layers_[ASY__LAYER_PROCESS].close = asy__proc_loop_close;
    return pl;
}

ASYNCRT_API int asy_kill(int pid, int signum) {
    if (pid == 0 || signum < 0) return ASY_EINVAL;
    if (kill((pid_t)pid, signum) != 0) return asy__errno();
    return 0;
}

#line 1 "asyncrt_impl/process/spawn_child.c"
/* The child side of a spawn, between vfork and exec.  It shares the
 * parent's memory (vfork), so it only makes system calls on what the
 * parent prepared, never allocates, and leaves by execve or _exit.  An
 * error is written as an int to the close-on-exec pipe: the parent reads
 * EOF when the exec succeeded. */
static void asy__child_fail(const struct asy__spawn_plan *pl, int err) {
    ssize_t r;
    do r = write(pl->err_fd, &err, sizeof(err));
    while (r < 0 && errno == EINTR);
    _exit(127);
}

static void asy__child_run(const struct asy__spawn_plan *pl) {
    int src[ASY_PROCESS_MAX_STDIO + 1];
    int i, err, saw_eacces = 0;
    sigset_t none;
    if (pl->detached && setsid() < 0) asy__child_fail(pl, errno);
    /* First lift every source fd that sits in the slot range (and is not
     * already in place) above it, so no dup2 below clobbers a source
     * another slot still needs. */
    for (i = 0; i < pl->nslots; i++) {
        src[i] = pl->src[i];
        if (src[i] != i && src[i] >= 0 && src[i] < pl->nslots) {
            src[i] = fcntl(src[i], F_DUPFD_CLOEXEC, pl->nslots);
            if (src[i] < 0) asy__child_fail(pl, errno);
        }
    }
    for (i = 0; i < pl->nslots; i++) {
        if (src[i] == i) {
            /* inherited as is: make sure it survives exec; a closed fd stays closed */
            int fl = fcntl(i, F_GETFD);
            if (fl >= 0 && (fl & FD_CLOEXEC)) fcntl(i, F_SETFD, fl & ~FD_CLOEXEC);
        } else if (dup2(src[i], i) < 0) {
            asy__child_fail(pl, errno);
        }
        /* a child end may have been made non-blocking by someone: the child
         * expects ordinary blocking stdio */
        if (src[i] != i) {
            int fl = fcntl(i, F_GETFL);
            if (fl >= 0 && (fl & O_NONBLOCK)) fcntl(i, F_SETFL, fl & ~O_NONBLOCK);
        }
    }
    if (pl->cwd && chdir(pl->cwd) != 0) asy__child_fail(pl, errno);
    if (pl->set_gid) {
        if (setgroups(0, NULL) != 0 && errno != EPERM) asy__child_fail(pl, errno);
        if (setgid((gid_t)pl->gid) != 0) asy__child_fail(pl, errno);
    }
    if (pl->set_uid && setuid((uid_t)pl->uid) != 0) asy__child_fail(pl, errno);
    /* The parent blocked every signal around vfork so no handler of its
     * can run on the shared memory here.  The child starts like libuv's:
     * default dispositions (also for signals the parent ignores, such as
     * SIGPIPE), empty mask. */
    for (i = 1; i < NSIG; i++) {
        struct sigaction sa;
        if (i == SIGKILL || i == SIGSTOP) continue;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = SIG_DFL;
        sigaction(i, &sa, NULL);
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    err = ENOENT;
    for (i = 0; pl->paths[i]; i++) {
        execve(pl->paths[i], pl->argv, pl->envp);
        err = errno;
        /* keep looking along PATH like execvp; EACCES wins if nothing runs */
        if (err == EACCES)
            saw_eacces = 1;
        else if (err != ENOENT && err != ENOTDIR && err != ESTALE && err != ELOOP &&
                 err != ENAMETOOLONG && err != ENODEV && err != ETIMEDOUT)
            asy__child_fail(pl, err);
    }
    asy__child_fail(pl, saw_eacces ? EACCES : err);
}

#line 1 "asyncrt_impl/process/stdio.c"
/* The parent's ends of the child's stdio pipes: a reader that hands each
 * chunk to a callback straight from the loop's shared read buffer (no
 * allocation per read), and a writer with a queue and a high-water mark
 * (write returns 0 above it; on_drain says when to go on), so a producer
 * that respects it keeps memory bounded however slow the child is. */
static void asy__cpipe_close(asy_loop_t *loop, struct asy__child_pipe *cp) {
    if (cp->io.fd >= 0) {
        asy__io_close(loop, &cp->io);
        close(cp->io.fd);
        cp->io.fd = -1;
    }
    asy__free(cp->wbuf);
    cp->wbuf = NULL;
    cp->wlen = cp->woff = cp->wcap = 0;
    cp->reading = 0;
}

ASY__INTERNAL void asy__proc_pipes_free(asy_process_t *p) {
    int i;
    for (i = 0; i < p->npipes_; i++) {
        asy__cpipe_close(p->loop, &p->pipes_[i]);
        asy__cstream_detach(&p->pipes_[i]);
    }
    asy__free(p->pipes_);
    p->pipes_ = NULL;
    p->npipes_ = 0;
}

static int asy__closing(const asy_process_t *p) {
    return (p->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) != 0;
}

static void asy__cpipe_events(asy_process_t *p, struct asy__child_pipe *cp) {
    unsigned want = 0;
    if (cp->io.fd < 0) return;
    if (cp->reading && !cp->eof) want |= ASY_READABLE;
    if (cp->wlen > cp->woff) want |= ASY_WRITABLE;
    asy__io_stop(p->loop, &cp->io, (ASY_READABLE | ASY_WRITABLE) & ~want);
    if (want) asy__io_start(p->loop, &cp->io, want);
}

/* The read side is done (EOF or error): a one-way pipe closes; a duplex
 * one keeps its write side. */
static void asy__cpipe_read_done(asy_process_t *p, struct asy__child_pipe *cp) {
    cp->eof = 1;
    cp->reading = 0;
    if (!cp->writable || cp->ending || cp->err)
        asy__cpipe_close(p->loop, cp);
    else
        asy__cpipe_events(p, cp);
    asy__proc_update_active(p);
}

static void asy__cpipe_read(asy_process_t *p, struct asy__child_pipe *cp) {
    struct asy__proc_loop *pl = (struct asy__proc_loop *)p->loop->layers_[ASY__LAYER_PROCESS].state;
    int k;
    /* a few reads per wake-up, then let other fds have their turn */
    for (k = 0; k < 16 && cp->reading; k++) {
        ssize_t n = read(cp->io.fd, pl->rbuf, ASY__PROC_RBUF);
        if (n > 0) {
            cp->read_cb(p, cp->index, pl->rbuf, (long)n);
            asy__after_cb(p->loop);
            if (asy__closing(p)) return;
            if (n < ASY__PROC_RBUF) break;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        {
            int err = n == 0 ? ASY_EOF : asy__errno();
            /* ECONNRESET from a socketpair whose peer died is an end too */
            if (err == ASY_ECONNRESET) err = ASY_EOF;
            asy__cpipe_read_done(p, cp);
            cp->read_cb(p, cp->index, NULL, (long)err);
            asy__after_cb(p->loop);
            if (asy__closing(p)) return;
            asy__proc_maybe_close_event(p);
            return;
        }
    }
}

/* Writes what it can of the queue; returns 0 or the write error. */
static int asy__cpipe_flush(struct asy__child_pipe *cp) {
    while (cp->woff < cp->wlen) {
        ssize_t n = send(cp->io.fd, cp->wbuf + cp->woff, cp->wlen - cp->woff, MSG_NOSIGNAL);
        if (n >= 0) {
            cp->woff += (size_t)n;
            continue;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        return asy__errno();
    }
    cp->woff = cp->wlen = 0;
    return 0;
}

static void asy__cpipe_write_ready(asy_process_t *p, struct asy__child_pipe *cp) {
    int err = asy__cpipe_flush(cp);
    if (err) {
        cp->err = err;
        cp->want_drain = 0;
        asy__cpipe_close(p->loop, cp);
        asy__proc_update_active(p);
        if (asy__cstream_notify(p, cp, err)) return;
        if (p->drain_cb_) {
            p->drain_cb_(p, cp->index, err);
            asy__after_cb(p->loop);
        }
        return;
    }
    if (cp->wlen > cp->woff) return;
    if (cp->ending) {
        if (cp->readable && !cp->eof) {
            shutdown(cp->io.fd, SHUT_WR);
            asy__cpipe_events(p, cp);
        } else {
            asy__cpipe_close(p->loop, cp);
        }
    } else {
        asy__cpipe_events(p, cp);
    }
    asy__proc_update_active(p);
    if (asy__cstream_notify(p, cp, 0)) return;
    if (cp->want_drain) {
        cp->want_drain = 0;
        if (p->drain_cb_) {
            p->drain_cb_(p, cp->index, 0);
            asy__after_cb(p->loop);
        }
    }
}

static void asy__cpipe_io(asy_loop_t *loop, asy__io *io, unsigned revents) {
    struct asy__child_pipe *cp = ASY_CONTAINER_OF(io, struct asy__child_pipe, io);
    asy_process_t *p = cp->owner;
    (void)loop;
    if (cp->wlen > cp->woff && (revents & (ASY_WRITABLE | ASY__IO_ERR))) {
        asy__cpipe_write_ready(p, cp);
        if (asy__closing(p) || cp->io.fd < 0) return;
    }
    if (cp->reading && (revents & (ASY_READABLE | ASY__IO_ERR))) asy__cpipe_read(p, cp);
}

static struct asy__child_pipe *asy__cpipe_get(asy_process_t *p, int fd) {
    if (!p || fd < 0 || fd >= p->npipes_ || asy__closing(p)) return NULL;
    return &p->pipes_[fd];
}

ASYNCRT_API int asy_process_read_start(asy_process_t *p, int fd, asy_process_read_cb cb) {
    struct asy__child_pipe *cp = asy__cpipe_get(p, fd);
    if (!cp || !cb || !cp->readable) return ASY_EINVAL;
    if (cp->eof || cp->io.fd < 0) return ASY_EOF;
    cp->read_cb = cb;
    cp->started = 1;
    cp->reading = 1;
    asy__cpipe_events(p, cp);
    asy__proc_update_active(p);
    return 0;
}

ASYNCRT_API int asy_process_read_stop(asy_process_t *p, int fd) {
    struct asy__child_pipe *cp = asy__cpipe_get(p, fd);
    if (!cp || !cp->readable) return ASY_EINVAL;
    cp->reading = 0;
    asy__cpipe_events(p, cp);
    asy__proc_update_active(p);
    return 0;
}

static int asy__cpipe_append(struct asy__child_pipe *cp, const char *data, size_t len) {
    if (cp->woff && cp->wcap - cp->wlen < len) { /* reuse the consumed front */
        memmove(cp->wbuf, cp->wbuf + cp->woff, cp->wlen - cp->woff);
        cp->wlen -= cp->woff;
        cp->woff = 0;
    }
    if (cp->wcap - cp->wlen < len) {
        size_t ncap = cp->wcap ? cp->wcap : 16384;
        char *nb;
        while (ncap - cp->wlen < len) {
            if (ncap > SIZE_MAX / 2) return ASY_ENOMEM;
            ncap *= 2;
        }
        nb = (char *)asy__realloc(cp->wbuf, ncap);
        if (!nb) return ASY_ENOMEM;
        cp->wbuf = nb;
        cp->wcap = ncap;
    }
    memcpy(cp->wbuf + cp->wlen, data, len);
    cp->wlen += len;
    return 0;
}

ASYNCRT_API int asy_process_write(asy_process_t *p, int fd, const void *data, size_t len) {
    struct asy__child_pipe *cp = asy__cpipe_get(p, fd);
    const char *d = (const char *)data;
    int r;
    if (!cp || !cp->writable || (!data && len)) return ASY_EINVAL;
    if (cp->err) return cp->err;
    if (cp->io.fd < 0 || cp->ending) return ASY_EPIPE;
    /* nothing queued: most writes complete right here */
    while (cp->wlen == cp->woff && len > 0) {
        ssize_t n = send(cp->io.fd, d, len, MSG_NOSIGNAL);
        if (n >= 0) {
            d += n;
            len -= (size_t)n;
            continue;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        cp->err = asy__errno();
        return cp->err;
    }
    if (len) {
        if ((r = asy__cpipe_append(cp, d, len)) != 0) return r;
        asy__cpipe_events(p, cp);
        asy__proc_update_active(p);
    }
    if (cp->wlen - cp->woff < p->hwm_) return 1;
    cp->want_drain = 1;
    return 0;
}

ASYNCRT_API int asy_process_end(asy_process_t *p, int fd) {
    struct asy__child_pipe *cp = asy__cpipe_get(p, fd);
    if (!cp || !cp->writable) return ASY_EINVAL;
    if (cp->ending || cp->io.fd < 0) return 0;
    cp->ending = 1;
    if (cp->wlen > cp->woff) return 0; /* closed when the queue is written */
    if (cp->readable && !cp->eof) {
        shutdown(cp->io.fd, SHUT_WR);
    } else {
        asy__cpipe_close(p->loop, cp);
        asy__proc_update_active(p);
    }
    return 0;
}

ASYNCRT_API int asy_process_stdio_fd(const asy_process_t *p, int fd) {
    if (!p || fd < 0 || fd >= p->npipes_) return -1;
    return p->pipes_[fd].io.fd;
}

#line 1 "asyncrt_impl/process/stdio_stream.c"
/* The child's stdio as Node streams: an asy_stream_impl over the pipe
 * reader/writer of stdio.c.  Reading follows the stream's demand (the pipe
 * is read only while the stream asks for data, so a slow consumer stops
 * the child through the full pipe); a write completes when the pipe's
 * queue is below its mark or, after that, when it has drained; end()
 * finishes once the queue is written and the pipe closed. */
static struct asy__child_pipe *asy__cs_pipe(asy_stream_t *s) {
    return (struct asy__child_pipe *)s->impl_data;
}

static void asy__cs_on_read(asy_process_t *p, int fd, const char *data, long n) {
    asy_stream_t *s = p->pipes_[fd].stream;
    if (!s) return;
    if (n > 0) {
        /* may emit 'data' at once; p's pipes may be gone afterwards */
        if (asy_stream_push_bytes(s, data, (size_t)n) <= 0) asy_process_read_stop(p, fd);
    } else if (n == ASY_EOF) {
        asy_stream_push_end(s);
    } else {
        asy_stream_destroy(s, (int)n);
    }
}

static void asy__cs_read(asy_stream_t *s, size_t size) {
    struct asy__child_pipe *cp = asy__cs_pipe(s);
    (void)size;
    if (!cp || cp->eof || cp->io.fd < 0) return;
    asy_process_read_start(cp->owner, cp->index, asy__cs_on_read);
}

static void asy__cs_write(asy_stream_t *s, const asy_buf_t *chunk) {
    struct asy__child_pipe *cp = asy__cs_pipe(s);
    int r;
    if (!cp) {
        asy_stream_write_done(s, ASY_EPIPE);
        return;
    }
    r = asy_process_write(cp->owner, cp->index, chunk->data, chunk->len);
    if (r == 0)
        cp->stream_wpending = 1; /* asy__cstream_notify completes it */
    else
        asy_stream_write_done(s, r > 0 ? 0 : r);
}

static void asy__cs_final(asy_stream_t *s) {
    struct asy__child_pipe *cp = asy__cs_pipe(s);
    if (!cp || cp->io.fd < 0) {
        asy_stream_final_done(s, (cp && cp->err) ? cp->err : 0);
        return;
    }
    asy_process_end(cp->owner, cp->index);
    if (cp->io.fd >= 0 && cp->wlen > cp->woff)
        cp->stream_final_pending = 1;
    else
        asy_stream_final_done(s, 0);
}

static void asy__cs_destroy(asy_stream_t *s, int err) {
    struct asy__child_pipe *cp = asy__cs_pipe(s);
    if (cp) {
        asy_process_t *p = cp->owner;
        cp->stream = NULL;
        s->impl_data = NULL;
        if (cp->io.fd >= 0) { /* Node: destroying child.stdout closes the pipe */
            asy__cpipe_close(p->loop, cp);
            cp->eof = 1;
            asy__proc_update_active(p);
            asy__proc_maybe_close_event(p);
        }
    }
    asy_stream_destroy_done(s, err);
}

static const asy_stream_impl asy__cs_impl = {
    NULL, asy__cs_read, asy__cs_write, NULL, asy__cs_final, asy__cs_destroy, NULL, NULL};

/* A write queue emptied (status 0) or failed.  Returns 1 when the pipe
 * belongs to a stream (which then gets the news instead of on_drain). */
ASY__INTERNAL int asy__cstream_notify(asy_process_t *p, struct asy__child_pipe *cp, int status) {
    asy_stream_t *s = cp->stream;
    (void)p;
    if (!s) return 0;
    cp->want_drain = 0;
    if (cp->stream_wpending) {
        cp->stream_wpending = 0;
        asy_stream_write_done(s, status);
    }
    if (cp->stream_final_pending && (status || cp->io.fd < 0 || cp->wlen == cp->woff)) {
        cp->stream_final_pending = 0;
        asy_stream_final_done(s, status);
    }
    return 1;
}

/* A readable stdio stream emitted 'close': the process's on_close may be
 * due now (Node's maybeClose).  The listener is already detached. */
static void asy__cs_closed(asy__stream_listener *l, asy_stream_t *s) {
    struct asy__child_pipe *cp = ASY_CONTAINER_OF(l, struct asy__child_pipe, close_listener);
    (void)s;
    cp->watched = NULL;
    asy__proc_maybe_close_event(cp->owner);
}

static const asy__stream_listener_vt asy__cs_close_vt = {NULL, NULL, NULL, NULL,
                                                         NULL, NULL, asy__cs_closed};

/* The process handle is closing: streams still attached are destroyed. */
ASY__INTERNAL void asy__cstream_detach(struct asy__child_pipe *cp) {
    asy_stream_t *s = cp->stream;
    if (cp->watched) { /* the pipes' memory goes away with the handle */
        asy__stream_unlisten(cp->watched, &cp->close_listener);
        cp->watched = NULL;
    }
    if (!s) return;
    cp->stream = NULL;
    s->impl_data = NULL;
    if (!asy_stream_is_destroyed(s)) asy_stream_destroy(s, 0);
}

/* Called by asy_spawn for every slot that asked for a stream; child_ok 0:
 * the child did not start, the streams are destroyed at once. */
static void asy__cstream_attach(asy_process_t *p, const asy_process_opts *o, int child_ok) {
    int i, n = o ? (o->stdio_count ? o->stdio_count : 3) : 0;
    for (i = 0; i < n; i++) {
        asy_stream_t *s = o->stdio[i].stream;
        struct asy__child_pipe *cp = (child_ok && p->pipes_ && i < p->npipes_) ? &p->pipes_[i] : NULL;
        if (o->stdio[i].kind != ASY_STDIO_PIPE || !s || o->stdio[i].pipe) continue;
        if (i == 0)
            asy_writable_init(p->loop, s, &asy__cs_impl, NULL);
        else if (i <= 2)
            asy_readable_init(p->loop, s, &asy__cs_impl, NULL);
        else
            asy_duplex_init(p->loop, s, &asy__cs_impl, NULL);
        if (!cp || cp->io.fd < 0) {
            s->impl_data = NULL;
            asy_stream_destroy(s, 0);
            continue;
        }
        s->impl_data = cp;
        cp->stream = s;
        if (cp->readable) {
            asy__queue_init(&cp->close_listener.link);
            asy__stream_listen(s, &cp->close_listener, &asy__cs_close_vt);
            cp->watched = s;
        }
    }
}

#line 1 "asyncrt_impl/process/spawn.c"
/* asy_spawn, parent side: everything the child needs (argv, envp, the
 * candidate paths along PATH, the fd of every slot) is prepared here, so
 * the vfork child only makes system calls.  vfork suspends this thread
 * until the child execs or exits, which is what makes it fast; fork is
 * used instead when uid/gid change, because glibc's setuid/setgid signal
 * every thread of the calling process, which must not happen from a child
 * sharing our memory. */
extern char **environ;

static int asy__env_key_len(const char *kv) {
    const char *eq = strchr(kv, '=');
    return eq ? (int)(eq - kv) : (int)strlen(kv);
}

static int asy__env_has_key(const char *const *env, const char *kv) {
    int n = asy__env_key_len(kv), i;
    for (i = 0; env[i]; i++)
        if (asy__env_key_len(env[i]) == n && memcmp(env[i], kv, (size_t)n) == 0) return 1;
    return 0;
}

/* The child's environment.  *out_envp may be environ itself (nothing to
 * free, *owned = NULL). */
static int asy__build_env(const asy_process_opts *o, const char *ipc_kv, char ***out_envp,
                          char ***owned) {
    const char *const *base = (const char *const *)environ;
    const char *const *user = o ? o->env : NULL;
    size_t nbase = 0, nuser = 0, k = 0, i;
    char **env;
    *owned = NULL;
    if (!user && !ipc_kv) {
        *out_envp = environ;
        return 0;
    }
    if (user && !o->env_extend) base = NULL;
    if (base)
        while (base[nbase]) nbase++;
    if (user)
        while (user[nuser]) nuser++;
    env = ASY__NEW_ARRAY(char *, nbase + nuser + 2);
    if (!env) return ASY_ENOMEM;
    for (i = 0; i < nbase; i++) {
        if (user && asy__env_has_key(user, base[i])) continue;
        /* a channel fd inherited from our own parent means nothing here */
        if (asy__env_key_len(base[i]) == (int)strlen(ASY_IPC_ENV) &&
            memcmp(base[i], ASY_IPC_ENV, strlen(ASY_IPC_ENV)) == 0)
            continue;
        env[k++] = (char *)base[i];
    }
    for (i = 0; i < nuser; i++) env[k++] = (char *)user[i];
    if (ipc_kv) env[k++] = (char *)ipc_kv;
    env[k] = NULL;
    *out_envp = env;
    *owned = env;
    return 0;
}

/* Candidate paths for execve: file itself when it has a '/', else each
 * PATH entry joined with file (an empty entry is the current directory). */
static int asy__build_paths(const char *file, char *const *envp, char ***out) {
    const char *path = NULL, *s;
    size_t flen = strlen(file), n = 1, bytes = 0, k = 0;
    char **v, *w;
    int i;
    for (i = 0; envp[i]; i++)
        if (strncmp(envp[i], "PATH=", 5) == 0) {
            path = envp[i] + 5;
            break;
        }
    if (!path) path = "/usr/local/bin:/bin:/usr/bin";
    for (s = path; *s; s++)
        if (*s == ':') n++;
    bytes = strlen(path) + n * (flen + 2);
    v = (char **)asy__malloc(sizeof(char *) * (n + 1) + bytes);
    if (!v) return ASY_ENOMEM;
    w = (char *)(v + n + 1);
    s = path;
    for (;;) {
        const char *e = strchr(s, ':');
        size_t dl = e ? (size_t)(e - s) : strlen(s);
        v[k++] = w;
        if (dl) {
            memcpy(w, s, dl);
            w += dl;
            if (w[-1] != '/') *w++ = '/';
        }
        memcpy(w, file, flen + 1);
        w += flen + 1;
        if (!e) break;
        s = e + 1;
    }
    v[k] = NULL;
    *out = v;
    return 0;
}

static void asy__proc_error_cb(void *arg) {
    asy_process_t *p = (asy_process_t *)arg;
    p->exit_reported_ = 1;
    asy__proc_update_active(p);
    if (p->exit_cb_) p->exit_cb_(p, p->status_, -1, 0);
    asy__after_cb(p->loop);
    asy__proc_maybe_close_event(p);
}

/* A spawn that failed after the handle was set up reports through the
 * exit callback, from the loop (never re-entrantly). */
static void asy__proc_fail(asy_process_t *p, int err) {
    p->status_ = err;
    p->exited_ = 1;
    p->exit_code_ = -1;
    asy_defer(p->loop, &p->error_req_, asy__proc_error_cb, p);
    asy__proc_update_active(p);
}

ASY__INTERNAL void asy__proc_reaped(asy_process_t *p, int wstatus) {
    p->exited_ = 1;
    p->exit_reported_ = 1;
    if (wstatus < 0) {
        p->exit_code_ = -1;
        p->term_signal_ = 0;
        p->status_ = ASY_ECHILD;
    } else if (WIFSIGNALED(wstatus)) {
        p->exit_code_ = -1;
        p->term_signal_ = WTERMSIG(wstatus);
    } else {
        p->exit_code_ = WEXITSTATUS(wstatus);
        p->term_signal_ = 0;
    }
    asy__proc_update_active(p);
    if (p->exit_cb_) {
        p->exit_cb_(p, p->status_, p->exit_code_, p->term_signal_);
        asy__after_cb(p->loop);
    }
    asy__proc_maybe_close_event(p);
}

/* Kept out of line so that no local of the caller lives across vfork's
 * second return (the child runs on this very stack). */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static pid_t asy__fork_exec(const struct asy__spawn_plan *plan, int use_fork) {
    pid_t pid;
    /* Until it execs, the child shares our open files (vfork runs no
     * atfork handler): tell the backend that closing an fd no longer
     * drops its epoll registration by itself. */
    asy__note_fork();
    pid = use_fork ? fork() : vfork();
    if (pid == 0) asy__child_run(plan); /* never returns */
    return pid;
}

static int asy__spawn_check(const asy_process_opts *o) {
    int i, n;
    if (!o) return 0;
    n = o->stdio_count ? o->stdio_count : 3;
    if (n < 0 || n > ASY_PROCESS_MAX_STDIO) return ASY_EINVAL;
    for (i = 0; i < n; i++) {
        switch (o->stdio[i].kind) {
            case ASY_STDIO_PIPE:
            case ASY_STDIO_INHERIT:
            case ASY_STDIO_IGNORE:
                break;
            case ASY_STDIO_FD:
                if (o->stdio[i].fd < 0) return ASY_EINVAL;
                break;
            default:
                return ASY_EINVAL;
        }
    }
    if (o->kill_signal < 0 || o->kill_signal >= NSIG) return ASY_EINVAL;
    return 0;
}

/* Sets up slot fds, forks, and reads the child's verdict.  Returns 0 or
 * the error that kept the child from running. */
static int asy__spawn_run(asy_process_t *p, const char *file, const char *const *args,
                          const asy_process_opts *o, int *ipc_parent_fd) {
    struct asy__spawn_plan plan;
    int nstd = (o && o->stdio_count) ? o->stdio_count : 3;
    int child_end[ASY_PROCESS_MAX_STDIO + 1], errpipe[2], devnull = -1;
    int ipc_pair[2], i, r = 0, child_err = 0, use_fork;
    char ipc_kv[48];
    const char *argv_default[2];
    char **owned_env = NULL, **paths = NULL, **envp = NULL;
    sigset_t all, old;
    pid_t pid;
    ssize_t n;

    for (i = 0; i <= ASY_PROCESS_MAX_STDIO; i++) child_end[i] = -1;
    errpipe[0] = errpipe[1] = ipc_pair[0] = ipc_pair[1] = -1;
    memset(&plan, 0, sizeof(plan));
    p->pipes_ = ASY__NEW_ARRAY(struct asy__child_pipe, (size_t)nstd);
    if (!p->pipes_) return ASY_ENOMEM;
    p->npipes_ = nstd;
    for (i = 0; i < nstd; i++) {
        struct asy__child_pipe *cp = &p->pipes_[i];
        memset(cp, 0, sizeof(*cp));
        cp->owner = p;
        cp->index = i;
        cp->io.fd = -1;
    }
    /* slots */
    for (i = 0; i < nstd && r == 0; i++) {
        asy_stdio_kind kind = o ? o->stdio[i].kind : ASY_STDIO_PIPE;
        if (kind == ASY_STDIO_PIPE) {
            int fds[2];
            /* stdout/stderr: plain pipes (the child writes, we read).
             * stdin and extra fds: socketpairs, so our writes can use
             * MSG_NOSIGNAL (a child that exits early gives EPIPE, not a
             * SIGPIPE that kills the parent). */
            if (i == 1 || i == 2) {
                if (pipe2(fds, O_CLOEXEC) != 0) r = asy__errno();
            } else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
                r = asy__errno();
            }
            if (r) break;
            plan.src[i] = child_end[i] = fds[1];
            p->pipes_[i].readable = i != 0;
            p->pipes_[i].writable = i == 0 || i > 2;
            asy__io_init(&p->pipes_[i].io, fds[0], asy__cpipe_io);
        } else if (kind == ASY_STDIO_INHERIT) {
            plan.src[i] = i;
        } else if (kind == ASY_STDIO_IGNORE) {
            if (devnull < 0) {
                devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
                if (devnull < 0) r = asy__errno();
            }
            plan.src[i] = devnull;
        } else {
            plan.src[i] = o->stdio[i].fd;
        }
    }
    plan.nslots = nstd;
    if (r == 0 && o && o->ipc) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ipc_pair) != 0) {
            r = asy__errno();
        } else {
            plan.src[nstd] = ipc_pair[1];
            plan.nslots = nstd + 1;
            snprintf(ipc_kv, sizeof(ipc_kv), "%s=%d", ASY_IPC_ENV, nstd);
        }
    }
    if (r == 0) r = asy__build_env(o, (o && o->ipc) ? ipc_kv : NULL, &envp, &owned_env);
    if (r == 0) r = strchr(file, '/') ? 0 : asy__build_paths(file, envp, &paths);
    if (r == 0 && pipe2(errpipe, O_CLOEXEC) != 0) r = asy__errno();
    if (r == 0) {
        char *single[2];
        single[0] = (char *)file;
        single[1] = NULL;
        if (!args) {
            argv_default[0] = file;
            argv_default[1] = NULL;
            args = argv_default;
        }
        plan.argv = (char *const *)args;
        plan.envp = envp;
        plan.paths = paths ? paths : single;
        plan.cwd = o ? o->cwd : NULL;
        plan.detached = o ? o->detached : 0;
        plan.set_uid = o ? o->set_uid : 0;
        plan.set_gid = o ? o->set_gid : 0;
        plan.uid = o ? o->uid : 0;
        plan.gid = o ? o->gid : 0;
        plan.err_fd = errpipe[1];
        use_fork = plan.set_uid || plan.set_gid;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        pid = asy__fork_exec(&plan, use_fork);
        if (pid < 0) r = asy__errno();
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        close(errpipe[1]);
        errpipe[1] = -1;
        if (pid > 0) {
            do n = read(errpipe[0], &child_err, sizeof(child_err));
            while (n < 0 && errno == EINTR);
            if (n == (ssize_t)sizeof(child_err)) {
                int st;
                r = asy_translate_sys_error(child_err);
                while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
                }
            } else {
                p->pid = (int)pid;
            }
        }
    }
    if (errpipe[0] >= 0) close(errpipe[0]);
    if (errpipe[1] >= 0) close(errpipe[1]);
    if (devnull >= 0) close(devnull);
    for (i = 0; i < nstd; i++)
        if (child_end[i] >= 0) close(child_end[i]);
    if (ipc_pair[1] >= 0) close(ipc_pair[1]);
    asy__free(owned_env);
    asy__free(paths);
    if (r == 0) {
        for (i = 0; i < nstd && r == 0; i++)
            if (p->pipes_[i].io.fd >= 0) r = asy__set_nonblock_cloexec(p->pipes_[i].io.fd);
        *ipc_parent_fd = ipc_pair[0];
        return r; /* a failure here leaves a running child: the caller kills it */
    }
    if (ipc_pair[0] >= 0) close(ipc_pair[0]);
    return r;
}

/* Parent ends the caller wants as net-layer pipe handles move there. */
static int asy__spawn_hand_pipes(asy_process_t *p, const asy_process_opts *o) {
    int i, r;
    if (!o) return 0;
    for (i = 0; i < p->npipes_; i++) {
        struct asy__child_pipe *cp = &p->pipes_[i];
        if (o->stdio[i].kind != ASY_STDIO_PIPE || !o->stdio[i].pipe || cp->io.fd < 0) continue;
        if ((r = asy_pipe_open(o->stdio[i].pipe, cp->io.fd)) != 0) return r;
        cp->io.fd = -1; /* the pipe handle owns it now */
        cp->readable = cp->writable = 0;
    }
    return 0;
}

ASYNCRT_API int asy_spawn_at(asy_loop_t *loop, asy_process_t *p, const char *file,
                             const char *const *args, const asy_process_opts *o,
                             asy_exit_cb exit_cb, const char *src_file, int src_line) {
    struct asy__proc_loop *pl;
    int r = 0, ipc_fd = -1;
    if (!asy__loop_live(loop) || !p || !file || !*file || asy__spawn_check(o)) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)p, ASY_HANDLE_PROCESS, src_file, src_line);
    p->pid = 0;
    p->exit_cb_ = exit_cb;
    p->close_ev_cb_ = o ? o->on_close : NULL;
    p->drain_cb_ = o ? o->on_drain : NULL;
    p->kill_signal_ = (o && o->kill_signal) ? o->kill_signal : SIGTERM;
    p->status_ = p->exit_code_ = p->term_signal_ = 0;
    p->exited_ = p->exit_reported_ = p->close_reported_ = 0;
    p->hwm_ = (o && o->high_water_mark) ? o->high_water_mark : 65536;
    p->pipes_ = NULL;
    p->npipes_ = 0;
    asy__queue_init(&p->live_link_);
    asy__queue_init(&p->error_req_.link_);
    if (o && o->ipc) asy__ipc_init_handle(o->ipc, loop, src_file, src_line);
    /* the SIGCHLD watch must be in place before the child exists */
    pl = asy__proc_loop_get(loop, &r);
    if (pl) r = asy__spawn_run(p, file, args, o, &ipc_fd);
    if (r) {
        if (p->pid > 0) { /* set up after the exec: do not leave it running */
            int st;
            kill((pid_t)p->pid, SIGKILL);
            while (waitpid((pid_t)p->pid, &st, 0) < 0 && errno == EINTR) {
            }
            p->pid = 0;
        }
        if (ipc_fd >= 0) close(ipc_fd);
        asy__proc_pipes_free(p);
        asy__cstream_attach(p, o, 0);
        asy__proc_fail(p, r);
        return 0;
    }
    r = asy__spawn_hand_pipes(p, o);
    if (r) { /* could not adopt an fd: the child must not run half-wired */
        int st;
        kill((pid_t)p->pid, SIGKILL);
        while (waitpid((pid_t)p->pid, &st, 0) < 0 && errno == EINTR) {
        }
        p->pid = 0;
        if (ipc_fd >= 0) close(ipc_fd);
        asy__proc_pipes_free(p);
        asy__cstream_attach(p, o, 0);
        asy__proc_fail(p, r);
        return 0;
    }
    asy__cstream_attach(p, o, 1);
    asy__queue_insert_tail(&pl->live, &p->live_link_);
    if (o && o->ipc && (r = asy__ipc_attach_fd(o->ipc, ipc_fd)) != 0) close(ipc_fd);
    asy__proc_update_active(p);
    return 0;
}

ASYNCRT_API int asy_process_kill(asy_process_t *p, int signum) {
    if (!p || signum < 0 || signum >= NSIG) return ASY_EINVAL;
    if (p->pid <= 0 || p->exited_) return ASY_ESRCH;
    if (kill((pid_t)p->pid, signum ? signum : p->kill_signal_) != 0) return asy__errno();
    return 0;
}

ASYNCRT_API int asy_process_pid(const asy_process_t *p) { return p ? p->pid : 0; }

ASY__INTERNAL void asy__proc_update_active(asy_process_t *p) {
    int active = !p->exit_reported_, i;
    if (p->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) return;
    for (i = 0; i < p->npipes_ && !active; i++) {
        struct asy__child_pipe *cp = &p->pipes_[i];
        if (cp->io.fd >= 0 && ((cp->reading && !cp->eof) || cp->wlen > cp->woff)) active = 1;
    }
    if (active)
        asy__handle_start((asy_handle_t *)p);
    else
        asy__handle_stop((asy_handle_t *)p);
}

ASY__INTERNAL void asy__proc_maybe_close_event(asy_process_t *p) {
    int i;
    if (!p->close_ev_cb_ || !p->exit_reported_ || p->close_reported_ ||
        (p->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)))
        return;
    for (i = 0; i < p->npipes_; i++) {
        struct asy__child_pipe *cp = &p->pipes_[i];
        if (cp->started && !cp->eof && cp->io.fd >= 0) return;
        /* a stream that was read waits until it has ended and closed */
        if (cp->started && cp->watched) return;
    }
    p->close_reported_ = 1;
    p->close_ev_cb_(p, p->status_, p->exit_code_, p->term_signal_);
    asy__after_cb(p->loop);
}

ASY__INTERNAL void asy__process_close(asy_process_t *p) {
    asy__queue_remove(&p->error_req_.link_);
    if (p->pid > 0 && !p->exited_) {
        asy__queue_remove(&p->live_link_);
        asy__proc_orphan(p->pid);
    }
    asy__proc_pipes_free(p);
}

#line 1 "asyncrt_impl/process/ipc_frame.c"
/* The IPC frame codec: pure functions over bytes (the fuzz target drives
 * asy_ipc_frame_decode directly). */
#define ASY__IPC_MAGIC 0xA5

ASYNCRT_API int asy_ipc_frame_decode(const void *buf, size_t len, size_t max_payload,
                                     asy_ipc_frame_info *info) {
    const unsigned char *b = (const unsigned char *)buf;
    uint32_t plen;
    if (!info || (!buf && len)) return ASY_EINVAL;
    if (len < ASY_IPC_HEADER_SIZE) return 0;
    if (b[5] != ASY__IPC_MAGIC || b[6] != 0 || b[7] != 0 || b[4] > ASY_IPC_MAX_FDS)
        return ASY_EPROTO;
    plen = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
           ((uint32_t)b[3] << 24);
    if ((size_t)plen > max_payload) return ASY_EMSGSIZE;
    if (len - ASY_IPC_HEADER_SIZE < (size_t)plen) return 0;
    info->payload_len = plen;
    info->frame_len = ASY_IPC_HEADER_SIZE + (size_t)plen;
    info->nfds = b[4];
    return 1;
}

ASYNCRT_API int asy_ipc_frame_header(void *hdr, size_t payload_len, unsigned nfds) {
    unsigned char *b = (unsigned char *)hdr;
    if (!hdr || nfds > ASY_IPC_MAX_FDS) return ASY_EINVAL;
    if (payload_len > 0xFFFFFFFFu) return ASY_EMSGSIZE;
    b[0] = (unsigned char)(payload_len & 0xFF);
    b[1] = (unsigned char)((payload_len >> 8) & 0xFF);
    b[2] = (unsigned char)((payload_len >> 16) & 0xFF);
    b[3] = (unsigned char)((payload_len >> 24) & 0xFF);
    b[4] = (unsigned char)nfds;
    b[5] = ASY__IPC_MAGIC;
    b[6] = 0;
    b[7] = 0;
    return 0;
}

#line 1 "asyncrt_impl/process/ipc.c"
/* The IPC channel: framed messages over an AF_UNIX stream socket.
 *
 * Sends are copied into one queue and written by a nextTick flush, so the
 * messages of one callback leave in one sendmsg.  Frames that carry fds
 * are recorded as attachments at their queue offset; the flush sends each
 * attachment's fds with the first byte of its frame (SCM_RIGHTS), which is
 * where the receiver finds them: the kernel never hands out a byte before
 * the fds that came with it.  The receiver keeps fds in arrival order and
 * gives each frame as many as its header announces. */
#define ASY__IPC_RFDS_MAX 64 /* fds one recvmsg accepts */

static int asy__ipc_closing(const asy_ipc_t *ch) {
    return (ch->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) != 0;
}

static void asy__ipc_update_active(asy_ipc_t *ch) {
    if (asy__ipc_closing(ch)) return;
    if (ch->connected_ && (ch->reading_ || ch->wlen_ > ch->woff_))
        asy__handle_start((asy_handle_t *)ch);
    else
        asy__handle_stop((asy_handle_t *)ch);
}

static void asy__ipc_drop_queues(asy_ipc_t *ch) {
    int i, j;
    for (i = 0; i < ch->natt_; i++)
        for (j = 0; j < ch->att_[i].nfds; j++) close(ch->att_[i].fds[j]);
    ch->natt_ = 0;
    for (i = 0; i < ch->nrfds_; i++) close(ch->rfds_[i]);
    ch->nrfds_ = 0;
    ch->wlen_ = ch->woff_ = 0;
}

static void asy__ipc_report(void *arg) {
    asy_ipc_t *ch = (asy_ipc_t *)arg;
    ch->report_queued_ = 0;
    if (asy__ipc_closing(ch) || ch->reported_) return;
    ch->reported_ = 1;
    if (ch->on_disconnect_) ch->on_disconnect_(ch, ch->disc_status_);
}

/* The channel is gone (status 0: in order).  The disconnect callback runs
 * from a nextTick so it never re-enters the caller of send/disconnect. */
static void asy__ipc_shutdown(asy_ipc_t *ch, int status) {
    if (!ch->connected_) return;
    ch->connected_ = 0;
    ch->reading_ = 0;
    ch->disconnecting_ = 0;
    ch->disc_status_ = status;
    if (ch->io_.fd >= 0) {
        asy__io_close(ch->loop, &ch->io_);
        close(ch->io_.fd);
        ch->io_.fd = -1;
    }
    asy__ipc_drop_queues(ch);
    asy__ipc_update_active(ch);
    if (!ch->report_queued_ && asy_next_tick(ch->loop, asy__ipc_report, ch) == 0)
        ch->report_queued_ = 1;
}

static void asy__ipc_events(asy_ipc_t *ch) {
    unsigned want = 0;
    if (ch->io_.fd < 0) return;
    if (ch->reading_) want |= ASY_READABLE;
    if (ch->wlen_ > ch->woff_) want |= ASY_WRITABLE;
    asy__io_stop(ch->loop, &ch->io_, (ASY_READABLE | ASY_WRITABLE) & ~want);
    if (want && asy__io_start(ch->loop, &ch->io_, want) != 0) asy__ipc_shutdown(ch, ASY_EBADF);
}

/* Writes the queue; returns 0 or the error. */
static int asy__ipc_write(asy_ipc_t *ch) {
    while (ch->woff_ < ch->wlen_) {
        struct msghdr msg;
        struct iovec iov;
        union {
            struct cmsghdr align;
            char buf[CMSG_SPACE(sizeof(int) * ASY_IPC_MAX_FDS)];
        } ctl;
        size_t end = ch->wlen_;
        int with_fds = ch->natt_ > 0 && ch->att_[0].off == ch->woff_;
        ssize_t n;
        if (with_fds && ch->natt_ > 1) end = ch->att_[1].off;
        if (!with_fds && ch->natt_ > 0) end = ch->att_[0].off;
        memset(&msg, 0, sizeof(msg));
        iov.iov_base = ch->wbuf_ + ch->woff_;
        iov.iov_len = end - ch->woff_;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        if (with_fds) {
            struct cmsghdr *cm;
            size_t fl = sizeof(int) * (size_t)ch->att_[0].nfds;
            memset(&ctl, 0, sizeof(ctl));
            msg.msg_control = ctl.buf;
            msg.msg_controllen = CMSG_SPACE(fl);
            cm = CMSG_FIRSTHDR(&msg);
            cm->cmsg_level = SOL_SOCKET;
            cm->cmsg_type = SCM_RIGHTS;
            cm->cmsg_len = CMSG_LEN(fl);
            memcpy(CMSG_DATA(cm), ch->att_[0].fds, fl);
        }
        n = sendmsg(ch->io_.fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
            return asy__errno();
        }
        if (with_fds && n > 0) { /* the fds went with the first byte */
            int j;
            for (j = 0; j < ch->att_[0].nfds; j++) close(ch->att_[0].fds[j]);
            ch->natt_--;
            memmove(ch->att_, ch->att_ + 1, sizeof(ch->att_[0]) * (size_t)ch->natt_);
        }
        ch->woff_ += (size_t)n;
    }
    ch->woff_ = ch->wlen_ = 0;
    return 0;
}

/* Flush and its consequences: drain callback, deferred disconnect. */
static void asy__ipc_flush(asy_ipc_t *ch, int from_io) {
    int err;
    if (!ch->connected_ || asy__ipc_closing(ch)) return;
    err = asy__ipc_write(ch);
    if (err) {
        asy__ipc_shutdown(ch, err == ASY_EPIPE ? 0 : err);
        return;
    }
    asy__ipc_events(ch);
    asy__ipc_update_active(ch);
    if (ch->wlen_ > ch->woff_) return;
    if (ch->disconnecting_) {
        asy__ipc_shutdown(ch, 0);
        return;
    }
    if (ch->want_drain_) {
        ch->want_drain_ = 0;
        if (ch->on_drain_) {
            ch->on_drain_(ch);
            if (from_io) asy__after_cb(ch->loop);
        }
    }
}

/* Replies sent while this channel's own messages are being dispatched
 * leave together after the batch (asy__ipc_io), not one write each. */
static void asy__ipc_flush_tick(void *arg) {
    asy_ipc_t *ch = (asy_ipc_t *)arg;
    if (ch->in_read_) return; /* flush_queued_ stays set: the read path flushes */
    ch->flush_queued_ = 0;
    asy__ipc_flush(ch, 0);
}

/* Hands every whole buffered frame to on_message.  Returns non-zero when
 * the handle was closed or the channel went down meanwhile. */
static int asy__ipc_decode(asy_ipc_t *ch, int from_io) {
    size_t off = 0;
    int r = 0;
    while (ch->reading_ && ch->connected_) {
        asy_ipc_frame_info info;
        int fds[ASY_IPC_MAX_FDS], nfds, i;
        r = asy_ipc_frame_decode(ch->rbuf_ + off, ch->rlen_ - off, ch->max_msg_, &info);
        if (r <= 0) break;
        nfds = (int)info.nfds;
        if (nfds > ch->nrfds_) {
            r = ASY_EPROTO; /* a frame announced fds that never came */
            break;
        }
        if (nfds) {
            memcpy(fds, ch->rfds_, sizeof(int) * (size_t)nfds);
            ch->nrfds_ -= nfds;
            memmove(ch->rfds_, ch->rfds_ + nfds, sizeof(int) * (size_t)ch->nrfds_);
        }
        if (ch->on_message_)
            ch->on_message_(ch, ch->rbuf_ + off + ASY_IPC_HEADER_SIZE, info.payload_len, fds,
                            nfds);
        for (i = 0; i < nfds; i++)
            if (fds[i] >= 0) close(fds[i]);
        if (from_io) asy__after_cb(ch->loop);
        if (asy__ipc_closing(ch)) return 1;
        off += info.frame_len;
        if (!ch->connected_) return 1;
    }
    if (r < 0) {
        asy__ipc_shutdown(ch, r);
        return 1;
    }
    if (off) {
        memmove(ch->rbuf_, ch->rbuf_ + off, ch->rlen_ - off);
        ch->rlen_ -= off;
    }
    return 0;
}

/* Room for the next read: at least 16 KiB free, and the whole pending
 * frame once its header says how big it is. */
static int asy__ipc_reserve(asy_ipc_t *ch) {
    size_t need = ch->rlen_ + 16384;
    if (ch->rlen_ >= ASY_IPC_HEADER_SIZE) {
        const unsigned char *b = ch->rbuf_;
        size_t flen = ASY_IPC_HEADER_SIZE + ((size_t)b[0] | ((size_t)b[1] << 8) |
                                             ((size_t)b[2] << 16) | ((size_t)b[3] << 24));
        if (flen > need && flen <= ch->max_msg_ + ASY_IPC_HEADER_SIZE) need = flen;
    }
    if (need < 65536) need = 65536;
    if (ch->rcap_ < need) {
        unsigned char *nb = (unsigned char *)asy__realloc(ch->rbuf_, need);
        if (!nb) return ASY_ENOMEM;
        ch->rbuf_ = nb;
        ch->rcap_ = need;
    }
    return 0;
}

static int asy__ipc_take_fds(asy_ipc_t *ch, struct msghdr *msg) {
    struct cmsghdr *cm;
    for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
        int n, i;
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
        n = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        if (n <= 0) continue;
        if (ch->nrfds_ + n > ch->rfdcap_) {
            int ncap = ch->rfdcap_ ? ch->rfdcap_ : 16;
            int *nf;
            while (ncap < ch->nrfds_ + n) ncap *= 2;
            nf = (int *)asy__realloc(ch->rfds_, sizeof(int) * (size_t)ncap);
            if (!nf) { /* cannot keep them: do not leak them either */
                for (i = 0; i < n; i++) {
                    int fd;
                    memcpy(&fd, CMSG_DATA(cm) + sizeof(int) * (size_t)i, sizeof(int));
                    close(fd);
                }
                return ASY_ENOMEM;
            }
            ch->rfds_ = nf;
            ch->rfdcap_ = ncap;
        }
        memcpy(ch->rfds_ + ch->nrfds_, CMSG_DATA(cm), sizeof(int) * (size_t)n);
        ch->nrfds_ += n;
    }
    return (msg->msg_flags & MSG_CTRUNC) ? ASY_EPROTO : 0;
}

static void asy__ipc_read(asy_ipc_t *ch) {
    int k;
    for (k = 0; k < 16 && ch->reading_ && ch->connected_; k++) {
        struct msghdr msg;
        struct iovec iov;
        union {
            struct cmsghdr align;
            char buf[CMSG_SPACE(sizeof(int) * ASY__IPC_RFDS_MAX)];
        } ctl;
        ssize_t n;
        int r;
        if ((r = asy__ipc_reserve(ch)) != 0) {
            asy__ipc_shutdown(ch, r);
            return;
        }
        memset(&msg, 0, sizeof(msg));
        iov.iov_base = ch->rbuf_ + ch->rlen_;
        iov.iov_len = ch->rcap_ - ch->rlen_;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = ctl.buf;
        msg.msg_controllen = sizeof(ctl.buf);
        n = recvmsg(ch->io_.fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            asy__ipc_shutdown(ch, errno == ECONNRESET ? 0 : asy__errno());
            return;
        }
        if ((r = asy__ipc_take_fds(ch, &msg)) != 0) {
            asy__ipc_shutdown(ch, r);
            return;
        }
        if (n == 0) {
            /* the peer is gone; half a frame left over is a protocol error */
            asy__ipc_shutdown(ch, ch->rlen_ ? ASY_EPROTO : 0);
            return;
        }
        ch->rlen_ += (size_t)n;
        if (asy__ipc_decode(ch, 1)) return;
        if ((size_t)n < iov.iov_len) return;
    }
}

static void asy__ipc_io(asy_loop_t *loop, asy__io *io, unsigned revents) {
    asy_ipc_t *ch = ASY_CONTAINER_OF(io, asy_ipc_t, io_);
    (void)loop;
    if (ch->wlen_ > ch->woff_ && (revents & (ASY_WRITABLE | ASY__IO_ERR))) {
        asy__ipc_flush(ch, 1);
        if (asy__ipc_closing(ch) || !ch->connected_) return;
    }
    if (ch->reading_ && (revents & (ASY_READABLE | ASY__IO_ERR))) {
        ch->in_read_ = 1;
        asy__ipc_read(ch);
        if (asy__ipc_closing(ch)) return;
        ch->in_read_ = 0;
        if (ch->flush_queued_) {
            ch->flush_queued_ = 0;
            asy__ipc_flush(ch, 1);
        }
    }
}

ASY__INTERNAL void asy__ipc_init_handle(asy_ipc_t *ch, asy_loop_t *loop, const char *file,
                                       int line) {
    memset(ch, 0, sizeof(*ch));
    asy__handle_init(loop, (asy_handle_t *)ch, ASY_HANDLE_IPC, file, line);
    asy__io_init(&ch->io_, -1, asy__ipc_io);
    ch->max_msg_ = ASY_IPC_DEFAULT_MAX_MESSAGE;
    ch->hwm_ = 1024 * 1024;
}

ASY__INTERNAL int asy__ipc_attach_fd(asy_ipc_t *ch, int fd) {
    int r = asy__set_nonblock_cloexec(fd);
    if (r) return r;
    asy__io_init(&ch->io_, fd, asy__ipc_io);
    ch->connected_ = 1;
    return 0;
}

ASYNCRT_API int asy_ipc_open_at(asy_loop_t *loop, asy_ipc_t *ch, int fd, const char *file,
                                int line) {
    int r;
    if (!asy__loop_live(loop) || !ch || fd < 0) return ASY_EINVAL;
    asy__ipc_init_handle(ch, loop, file, line);
    if ((r = asy__ipc_attach_fd(ch, fd)) != 0) {
        asy__queue_remove(&ch->handle_link_);
        return r;
    }
    return 0;
}

ASYNCRT_API int asy_ipc_open_child_at(asy_loop_t *loop, asy_ipc_t *ch, const char *file,
                                      int line) {
    const char *v;
    char *end;
    long fd;
    int r;
    if (!loop || !ch) return ASY_EINVAL;
    v = getenv(ASY_IPC_ENV);
    if (!v || !*v) return ASY_ENOENT;
    fd = strtol(v, &end, 10);
    if (*end || fd < 0 || fd > INT_MAX) return ASY_EINVAL;
    if (fcntl((int)fd, F_GETFD) < 0) return ASY_EBADF;
    r = asy_ipc_open_at(loop, ch, (int)fd, file, line);
    if (r == 0) unsetenv(ASY_IPC_ENV);
    return r;
}

static void asy__ipc_decode_tick(void *arg) {
    asy_ipc_t *ch = (asy_ipc_t *)arg;
    ch->decode_queued_ = 0;
    if (!asy__ipc_closing(ch)) asy__ipc_decode(ch, 0);
}

ASYNCRT_API int asy_ipc_start(asy_ipc_t *ch, asy_ipc_message_cb on_message,
                              asy_ipc_disconnect_cb on_disconnect) {
    if (!ch || !on_message || asy__ipc_closing(ch)) return ASY_EINVAL;
    if (!ch->connected_) return ASY_ENOTCONN;
    ch->on_message_ = on_message;
    ch->on_disconnect_ = on_disconnect;
    ch->reading_ = 1;
    asy__ipc_events(ch);
    asy__ipc_update_active(ch);
    /* frames that arrived before a stop wait in the buffer */
    if (ch->rlen_ >= ASY_IPC_HEADER_SIZE && !ch->decode_queued_ &&
        asy_next_tick(ch->loop, asy__ipc_decode_tick, ch) == 0)
        ch->decode_queued_ = 1;
    return 0;
}

ASYNCRT_API int asy_ipc_stop(asy_ipc_t *ch) {
    if (!ch) return ASY_EINVAL;
    ch->reading_ = 0;
    asy__ipc_events(ch);
    asy__ipc_update_active(ch);
    return 0;
}

static int asy__ipc_wreserve(asy_ipc_t *ch, size_t len) {
    if (ch->woff_ && ch->wcap_ - ch->wlen_ < len) {
        int i;
        memmove(ch->wbuf_, ch->wbuf_ + ch->woff_, ch->wlen_ - ch->woff_);
        for (i = 0; i < ch->natt_; i++) ch->att_[i].off -= ch->woff_;
        ch->wlen_ -= ch->woff_;
        ch->woff_ = 0;
    }
    if (ch->wcap_ - ch->wlen_ < len) {
        size_t ncap = ch->wcap_ ? ch->wcap_ : 65536;
        unsigned char *nb;
        while (ncap - ch->wlen_ < len) {
            if (ncap > SIZE_MAX / 2) return ASY_ENOMEM;
            ncap *= 2;
        }
        nb = (unsigned char *)asy__realloc(ch->wbuf_, ncap);
        if (!nb) return ASY_ENOMEM;
        ch->wbuf_ = nb;
        ch->wcap_ = ncap;
    }
    return 0;
}

ASYNCRT_API int asy_ipc_send(asy_ipc_t *ch, const void *data, size_t len, const int *fds,
                             int nfds) {
    unsigned char hdr[ASY_IPC_HEADER_SIZE];
    int r, i;
    if (!ch || (!data && len) || nfds < 0 || nfds > ASY_IPC_MAX_FDS || (nfds && !fds) ||
        asy__ipc_closing(ch))
        return ASY_EINVAL;
    if (!ch->connected_ || ch->disconnecting_) return ASY_ENOTCONN;
    if ((r = asy_ipc_frame_header(hdr, len, (unsigned)nfds)) != 0) return r;
    if (len > SIZE_MAX - ASY_IPC_HEADER_SIZE) return ASY_EMSGSIZE;
    if ((r = asy__ipc_wreserve(ch, ASY_IPC_HEADER_SIZE + len)) != 0) return r;
    if (nfds) {
        struct asy__ipc_attach *a;
        if (ch->natt_ == ch->attcap_) {
            int ncap = ch->attcap_ ? ch->attcap_ * 2 : 4;
            struct asy__ipc_attach *na = (struct asy__ipc_attach *)asy__realloc(
                ch->att_, sizeof(struct asy__ipc_attach) * (size_t)ncap);
            if (!na) return ASY_ENOMEM;
            ch->att_ = na;
            ch->attcap_ = ncap;
        }
        a = &ch->att_[ch->natt_];
        for (i = 0; i < nfds; i++) {
            a->fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
            if (a->fds[i] < 0) {
                r = asy__errno();
                while (i-- > 0) close(a->fds[i]);
                return r;
            }
        }
        a->nfds = nfds;
        a->off = ch->wlen_;
        ch->natt_++;
    }
    memcpy(ch->wbuf_ + ch->wlen_, hdr, ASY_IPC_HEADER_SIZE);
    if (len) memcpy(ch->wbuf_ + ch->wlen_ + ASY_IPC_HEADER_SIZE, data, len);
    ch->wlen_ += ASY_IPC_HEADER_SIZE + len;
    if (!ch->flush_queued_ && asy_next_tick(ch->loop, asy__ipc_flush_tick, ch) == 0)
        ch->flush_queued_ = 1;
    asy__ipc_update_active(ch);
    if (ch->wlen_ - ch->woff_ < ch->hwm_) return 1;
    ch->want_drain_ = 1;
    return 0;
}

ASYNCRT_API void asy_ipc_on_drain(asy_ipc_t *ch, asy_ipc_drain_cb cb, size_t high_water_mark) {
    if (!ch) return;
    ch->on_drain_ = cb;
    ch->hwm_ = high_water_mark ? high_water_mark : 1024 * 1024;
}

ASYNCRT_API void asy_ipc_set_max_message(asy_ipc_t *ch, size_t max) {
    if (ch) ch->max_msg_ = max ? max : ASY_IPC_DEFAULT_MAX_MESSAGE;
}

ASYNCRT_API int asy_ipc_disconnect(asy_ipc_t *ch) {
    if (!ch || asy__ipc_closing(ch)) return ASY_EINVAL;
    if (!ch->connected_) return ASY_ENOTCONN;
    ch->reading_ = 0;
    ch->disconnecting_ = 1;
    if (ch->wlen_ == ch->woff_) {
        asy__ipc_shutdown(ch, 0);
    } else {
        asy__ipc_events(ch);
        asy__ipc_update_active(ch);
    }
    return 0;
}

ASYNCRT_API int asy_ipc_connected(const asy_ipc_t *ch) {
    return ch && ch->connected_ && !ch->disconnecting_;
}

ASY__INTERNAL void asy__ipc_close(asy_ipc_t *ch) {
    if (ch->io_.fd >= 0) {
        asy__io_close(ch->loop, &ch->io_);
        close(ch->io_.fd);
        ch->io_.fd = -1;
    }
    ch->connected_ = 0;
    ch->reading_ = 0;
    asy__ipc_drop_queues(ch);
    asy__free(ch->rbuf_);
    asy__free(ch->wbuf_);
    asy__free(ch->rfds_);
    asy__free(ch->att_);
    ch->rbuf_ = ch->wbuf_ = NULL;
    ch->rfds_ = NULL;
    ch->att_ = NULL;
    ch->rlen_ = ch->rcap_ = ch->wcap_ = 0;
    ch->rfdcap_ = ch->attcap_ = 0;
}

#line 1 "asyncrt_impl/process/exec.c"
/* execFile / exec: a spawn whose stdout and stderr are gathered into
 * memory, bounded by maxBuffer, with an optional timeout.  The context is
 * heap-allocated and freed once its process handle and timer have closed. */
struct asy__exec {
    asy_process_t proc;
    asy_timer_t timer;
    asy_exec_cb cb;
    void *arg;
    char *buf[2];
    size_t len[2], cap[2];
    size_t max_buffer;
    int kill_signal;
    int status, killed, done, open_handles, timer_on;
    int enc; /* asy_encoding_t, or -1: the bytes as they came */
    const char *message;
};

static void asy__exec_free(asy_handle_t *h) {
    struct asy__exec *ex = (struct asy__exec *)h->data;
    if (--ex->open_handles > 0) return;
    asy__free(ex->buf[0]);
    asy__free(ex->buf[1]);
    asy__free(ex);
}

static void asy__exec_finish(struct asy__exec *ex, int status, int exit_code, int term_signal) {
    asy_exec_result res;
    if (ex->done) return;
    ex->done = 1;
    memset(&res, 0, sizeof(res));
    res.status = ex->status ? ex->status : status;
    res.message = ex->message;
    if (res.status == 0 && (exit_code != 0 || term_signal != 0)) {
        res.status = ASY_ECHILD;
        res.message = term_signal ? "command killed by a signal" : "command failed";
    }
    if (res.status == 0) res.message = "";
    if (!res.message) res.message = asy_strerror(res.status);
    res.exit_code = exit_code;
    res.term_signal = term_signal;
    res.killed = ex->killed;
    res.pid = ex->proc.pid;
    res.out = ex->buf[0] ? ex->buf[0] : "";
    res.out_len = ex->len[0];
    res.err = ex->buf[1] ? ex->buf[1] : "";
    res.err_len = ex->len[1];
    if (ex->enc >= 0) { /* buf.toString(encoding), as Node hands back strings */
        int i;
        for (i = 0; i < 2; i++) {
            asy_buf_t b;
            char *text = NULL;
            size_t tlen = 0;
            int r = asy_buf_from_bytes(&b, i ? res.err : res.out, i ? res.err_len : res.out_len);
            if (r == 0) {
                r = asy_buf_to_string(&b, (asy_encoding_t)ex->enc, &text, &tlen);
                asy_buf_release(&b);
            }
            if (r != 0) {
                if (res.status == 0) {
                    res.status = r;
                    res.message = asy_strerror(r);
                }
                continue;
            }
            asy__free(ex->buf[i]);
            ex->buf[i] = text;
            ex->len[i] = tlen;
            if (i) {
                res.err = text;
                res.err_len = tlen;
            } else {
                res.out = text;
                res.out_len = tlen;
            }
        }
    }
    if (ex->timer_on) asy_timer_stop(&ex->timer);
    ex->cb(&res, ex->arg);
    asy_close((asy_handle_t *)&ex->proc, asy__exec_free);
    asy_close((asy_handle_t *)&ex->timer, asy__exec_free);
}

static void asy__exec_kill(struct asy__exec *ex, int status, const char *message) {
    if (ex->status == 0) {
        ex->status = status;
        ex->message = message;
    }
    if (!ex->killed && asy_process_kill(&ex->proc, ex->kill_signal) == 0) ex->killed = 1;
}

static void asy__exec_read(asy_process_t *p, int fd, const char *data, long n) {
    struct asy__exec *ex = (struct asy__exec *)p->data;
    int i = fd == 1 ? 0 : 1;
    size_t take;
    if (n <= 0 || ex->done) return;
    take = (size_t)n;
    if (ex->len[i] + take > ex->max_buffer) {
        /* keep exactly max_buffer bytes, as Node does, and stop the child */
        take = ex->max_buffer - ex->len[i];
        asy__exec_kill(ex, ASY_ENOBUFS,
                       i == 0 ? "stdout maxBuffer length exceeded" : "stderr maxBuffer length exceeded");
    }
    if (take == 0) return;
    if (ex->cap[i] - ex->len[i] <= take) {
        size_t ncap = ex->cap[i] ? ex->cap[i] : 4096;
        char *nb;
        while (ncap - ex->len[i] <= take) ncap *= 2;
        nb = (char *)asy__realloc(ex->buf[i], ncap);
        if (!nb) {
            asy__exec_kill(ex, ASY_ENOMEM, NULL);
            return;
        }
        ex->buf[i] = nb;
        ex->cap[i] = ncap;
    }
    memcpy(ex->buf[i] + ex->len[i], data, take);
    ex->len[i] += take;
    ex->buf[i][ex->len[i]] = 0;
}

/* Normally the result waits for 'close' (exit and EOF on both pipes).  A
 * child we killed is done at its exit: a grandchild may still hold the
 * pipes open and would keep us waiting. */
static void asy__exec_exit(asy_process_t *p, int status, int exit_code, int term_signal) {
    struct asy__exec *ex = (struct asy__exec *)p->data;
    if (ex->killed || status < 0) asy__exec_finish(ex, status, exit_code, term_signal);
}

static void asy__exec_close_ev(asy_process_t *p, int status, int exit_code, int term_signal) {
    asy__exec_finish((struct asy__exec *)p->data, status, exit_code, term_signal);
}

static void asy__exec_timeout(asy_timer_t *t) {
    struct asy__exec *ex = (struct asy__exec *)t->data;
    ex->timer_on = 0;
    asy__exec_kill(ex, ASY_ETIMEDOUT, "timed out");
}

/* -1: raw bytes (NULL or "buffer"); else the asy_encoding_t; ASY_EINVAL. */
static int asy__exec_encoding(const char *enc) {
    if (!enc || strcmp(enc, "buffer") == 0) return -1;
    return asy_encoding_from_name(enc);
}

ASYNCRT_API int asy_exec_file(asy_loop_t *loop, const char *file, const char *const *args,
                              const asy_exec_opts *opts, asy_exec_cb cb, void *arg) {
    struct asy__exec *ex;
    asy_process_opts po;
    int r;
    if (!loop || !file || !*file || !cb) return ASY_EINVAL;
    if (opts && (asy__exec_encoding(opts->encoding) == ASY_EINVAL || opts->kill_signal < 0 ||
                 opts->kill_signal >= NSIG))
        return ASY_EINVAL;
    ex = ASY__NEW(struct asy__exec);
    if (!ex) return ASY_ENOMEM;
    memset(ex, 0, sizeof(*ex));
    ex->cb = cb;
    ex->arg = arg;
    ex->enc = asy__exec_encoding(opts ? opts->encoding : NULL);
    ex->max_buffer = (opts && opts->max_buffer) ? opts->max_buffer : 1024 * 1024;
    ex->kill_signal = (opts && opts->kill_signal) ? opts->kill_signal : SIGTERM;
    if (opts)
        po = opts->process;
    else
        memset(&po, 0, sizeof(po));
    if (po.stdio_count < 3) po.stdio_count = 3;
    if (!opts || opts->process.stdio[0].kind == ASY_STDIO_PIPE) po.stdio[0].kind = ASY_STDIO_IGNORE;
    po.stdio[1].kind = ASY_STDIO_PIPE;
    po.stdio[2].kind = ASY_STDIO_PIPE;
    po.on_close = asy__exec_close_ev;
    po.on_drain = NULL;
    po.ipc = NULL;
    po.kill_signal = ex->kill_signal;
    r = asy_spawn(loop, &ex->proc, file, args, &po, asy__exec_exit);
    if (r) {
        asy__free(ex);
        return r;
    }
    ex->proc.data = ex;
    asy_timer_init(loop, &ex->timer);
    ex->timer.data = ex;
    ex->open_handles = 2;
    if (opts && opts->timeout_ms) {
        asy_timer_start(&ex->timer, asy__exec_timeout, opts->timeout_ms, 0);
        ex->timer_on = 1;
    }
    /* a spawn that failed has no pipes: its error arrives through exit */
    if (ex->proc.pid > 0) {
        asy_process_read_start(&ex->proc, 1, asy__exec_read);
        asy_process_read_start(&ex->proc, 2, asy__exec_read);
    }
    return 0;
}

ASYNCRT_API int asy_exec(asy_loop_t *loop, const char *command, const asy_exec_opts *opts,
                         asy_exec_cb cb, void *arg) {
    const char *sh = (opts && opts->shell) ? opts->shell : "/bin/sh";
    const char *argv[4];
    if (!command) return ASY_EINVAL;
    argv[0] = sh;
    argv[1] = "-c";
    argv[2] = command;
    argv[3] = NULL;
    return asy_exec_file(loop, sh, argv, opts, cb, arg);
}

ASYNCRT_API int asy_fork_at(asy_loop_t *loop, asy_process_t *p, asy_ipc_t *ch,
                            const char *program, const char *const *args,
                            const asy_process_opts *opts, asy_exit_cb exit_cb,
                            const char *src_file, int src_line) {
    asy_process_opts o;
    if (!ch) return ASY_EINVAL;
    if (opts) {
        o = *opts;
    } else {
        memset(&o, 0, sizeof(o));
        o.stdio[0].kind = o.stdio[1].kind = o.stdio[2].kind = ASY_STDIO_INHERIT;
    }
    o.ipc = ch;
    return asy_spawn_at(loop, p, program, args, &o, exit_cb, src_file, src_line);
}

#line 1 "asyncrt_impl/process/exec_promise.c"
/* Promise forms of execFile / exec (util.promisify).  The callback holds
 * its own reference to the promise until it settles it. */
static void asy__exec_output_free(void *v) {
    asy_exec_output *o = (asy_exec_output *)v;
    asy__free(o->out);
    asy__free(o->err);
    asy__free(o);
}

static char *asy__memdup0(const char *s, size_t n) {
    char *d = (char *)asy__malloc(n + 1);
    if (d) {
        if (n) memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

static void asy__exec_promise_cb(const asy_exec_result *r, void *arg) {
    asy_promise_t *p = (asy_promise_t *)arg;
    if (r->status == 0) {
        asy_exec_output *o = ASY__NEW(asy_exec_output);
        if (o) {
            o->out = asy__memdup0(r->out, r->out_len);
            o->err = asy__memdup0(r->err, r->err_len);
            o->out_len = r->out_len;
            o->err_len = r->err_len;
            o->pid = r->pid;
        }
        if (!o || !o->out || !o->err) {
            if (o) asy__exec_output_free(o);
            asy_promise_reject(p, ASY_ENOMEM, NULL);
        } else {
            asy_promise_settle(p, asy_ok_owned(o, asy__exec_output_free));
        }
    } else {
        /* Node's "Command failed: ...\n<stderr>", bounded */
        size_t ml = strlen(r->message), el = r->err_len > 4000 ? 4000 : r->err_len;
        char *msg = (char *)asy__malloc(ml + el + 2);
        if (msg) {
            memcpy(msg, r->message, ml);
            if (el) {
                msg[ml] = '\n';
                memcpy(msg + ml + 1, r->err, el);
                msg[ml + 1 + el] = 0;
            } else {
                msg[ml] = 0;
            }
        }
        asy_promise_reject(p, r->status, msg ? msg : r->message);
        asy__free(msg);
    }
    asy_promise_release(p);
}

ASYNCRT_API asy_promise_t *asy_exec_file_async(asy_loop_t *loop, const char *file,
                                               const char *const *args,
                                               const asy_exec_opts *opts) {
    asy_promise_t *p;
    int r;
    if (!loop) return NULL;
    p = asy_promise_new(loop);
    if (!p) return NULL;
    asy_promise_retain(p); /* the callback's */
    r = asy_exec_file(loop, file, args, opts, asy__exec_promise_cb, p);
    if (r) {
        asy_promise_reject(p, r, NULL);
        asy_promise_release(p);
    }
    return p;
}

ASYNCRT_API asy_promise_t *asy_exec_async(asy_loop_t *loop, const char *command,
                                          const asy_exec_opts *opts) {
    const char *sh = (opts && opts->shell) ? opts->shell : "/bin/sh";
    const char *argv[4];
    if (!command) return asy_promise_rejected(loop, ASY_EINVAL, NULL);
    argv[0] = sh;
    argv[1] = "-c";
    argv[2] = command;
    argv[3] = NULL;
    return asy_exec_file_async(loop, sh, argv, opts);
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
typedef struct {       /* 32 bytes */
    asy__any_fn fn;    /* an asy_task_fn, or an asy_map_fn when index is not */
    void *arg;         /* ASY__LIMIT_TASK */
    size_t index;
    asy_promise_t *result; /* what asy_limit_run returned (our reference) */
} asy__limit_item;

#define ASY__LIMIT_TASK SIZE_MAX

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
    asy__promise_state *st = it->result->st_;
    asy__reaction *r = NULL;
    asy_promise_t *inner;
    asy_ret_t ret;
    /* The slot is freed when the task's outcome is known: the reaction that
     * learns it is taken before the task runs, which otherwise does not
     * run (a task still at work must keep its slot). */
    if (!t || !(r = asy__reaction_alloc(st))) {
        if (t) asy__objpool_free(&lim->running, t);
        asy_promise_reject(it->result, ASY_ENOMEM, NULL);
        asy__promise_unref(it->result);
        return;
    }
    t->lim = lim;
    t->result = it->result;
    t->inner = NULL;
    lim->active++;
    ret = it->index == ASY__LIMIT_TASK ? ((asy_task_fn)it->fn)(it->arg)
                                       : ((asy_map_fn)it->fn)(it->arg, it->index);
    t->inner = inner = asy__promise_from_ret(lim->loop, &ret);
    if (inner) {
        /* already settled (the usual synchronous task): queue its job
         * without a reaction record */
        if (inner->res_.state != ASY_PROMISE_PENDING &&
            asy__promise_push_microtask(inner->st_, asy__limit_task_done_job, t) == 0) {
            inner->flags_ |= ASY__P_HANDLED;
            asy__reaction_free(st, r);
            return;
        }
        if (inner->st_ == st) {
            r->kind = ASY__R_OBSERVE;
            r->fn_a = (asy__any_fn)asy__limit_task_done;
            r->arg = t;
            asy__promise_attach(inner, r);
            return;
        }
        asy__reaction_free(st, r);
        if (asy_promise_on_settled(inner, asy__limit_task_done, t) == 0) return;
        asy_promise_mark_handled(inner);
    } else {
        asy__reaction_free(st, r); /* the task is over; its outcome is lost */
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
    asy__objpool_init(&lim->running, sizeof(asy__limit_running), ASY__OBJ_LIVE);
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

static asy_promise_t *asy__limit_push(asy_limit_t *lim, asy__any_fn fn, void *arg, size_t index) {
    asy__limit_item *it;
    asy_promise_t *result;
    if (lim->count == lim->cap && asy__limit_grow(lim) != 0) return NULL;
    if (!(result = asy_promise_new(lim->loop))) return NULL;
    it = &lim->ring[(lim->head + lim->count) & (lim->cap - 1)];
    it->fn = fn;
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
    return asy__limit_push(lim, (asy__any_fn)fn, arg, ASY__LIMIT_TASK);
}

ASYNCRT_API asy_promise_t *asy_limit_map(asy_limit_t *lim, size_t n, asy_map_fn fn, void *arg) {
    asy_promise_t **ps, *all = NULL;
    size_t i;
    if (!lim || !fn || lim->freed) return NULL;
    if (n == 0) return asy_promise_all(lim->loop, NULL, 0);
    if (n >= ASY__LIMIT_TASK) return NULL;
    /* Everything that can fail comes before the first task is queued, so a
     * NULL return leaves no task behind. */
    while (lim->cap - lim->count < n)
        if (asy__limit_grow(lim) != 0) return NULL;
    if (!(ps = ASY__NEW_ARRAY(asy_promise_t *, n))) return NULL;
    for (i = 0; i < n; i++)
        if (!(ps[i] = asy_promise_new(lim->loop))) break;
    if (i == n) all = asy_promise_all(lim->loop, ps, n);
    if (!all) {
        while (i-- > 0) asy__promise_unref(ps[i]);
        asy__free(ps);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        asy__limit_item *it = &lim->ring[(lim->head + lim->count) & (lim->cap - 1)];
        it->fn = (asy__any_fn)fn;
        it->arg = arg;
        it->index = i;
        it->result = ps[i]; /* the queue's reference */
        lim->count++;
    }
    asy__free(ps);
    asy__limit_next(lim);
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
    asy__watch watch;
    asy_ret_t ret;
    if (!w->task) {
        w->cb(w->arg, w->status);
        asy__sem_rec_free(w);
        return;
    }
    /* asy_sem_run: the permits are ours, start the task.  They go back when
     * its outcome is known: the memory to learn it is taken first, else the
     * task does not run at all. */
    w->state = ASY__SEM_RUNNING;
    if (asy__watch_prepare(w->sem->loop, &watch) != 0) {
        asy_promise_reject(w->promise, ASY_ENOMEM, NULL);
        asy__sem_run_end(w);
        return;
    }
    ret = w->task(w->arg);
    w->inner = asy__watch_ret(&watch, &ret, asy__sem_run_done, w);
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
        if (status == 0) asy__promise_fulfill(w->promise, NULL);
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

static inline void asy__rpool_enter(asy_rpool_t *pool) { pool->busy++; }

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

static void asy__rpool_leave_slow(asy_rpool_t *pool) {
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

static inline void asy__rpool_leave(asy_rpool_t *pool) {
    if (--pool->busy) return;
    if (pool->drain_p || pool->clear_p || pool->ending) asy__rpool_leave_slow(pool);
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
    asy__promise_fulfill(w->promise, obj->resource);
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

/* Ends a resource the pool has no record for (out of memory before it
 * could keep it); nothing waits for that destroy. */
static void asy__rpool_discard(asy_rpool_t *pool, void *resource) {
    asy_ret_t ret;
    asy_promise_t *op;
    if (!pool->f.destroy) return;
    ret = pool->f.destroy(pool->f.ctx, resource);
    op = asy__promise_from_ret(pool->loop, &ret);
    asy_promise_mark_handled(op);
    asy_promise_release(op);
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
            else asy__rpool_discard(pool, in->value); /* cannot keep it: end it */
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

/* What a create makes must reach create_done, or the resource is lost:
 * the memory to watch it is taken before the factory runs. */
static void asy__rpool_create_attempt(asy__rcreate *c) {
    asy_rpool_t *pool = c->pool;
    asy__watch w;
    asy_ret_t ret;
    if (asy__watch_prepare(pool->loop, &w) != 0) {
        c->attempt = pool->o.create_retries; /* out of memory: no retries */
        asy__rpool_create_done(c, NULL);
        return;
    }
    ret = pool->f.create(pool->f.ctx);
    asy_promise_release(asy__watch_ret(&w, &ret, asy__rpool_create_done, c));
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
    if (pool->nidle || asy__rpool_size(pool) < pool->o.max) asy__rpool_dispense(pool);
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
    if (broken) {
        asy__rpool_destroy_obj(pool, obj);
    } else if (pool->o.validate_on_return && pool->f.validate) {
        asy__rpool_validate(pool, obj, 0);
    } else if (pool->nwaiting > pool->nvalidating_borrow && pool->nidle == 0 &&
               !(pool->o.validate_on_borrow && pool->f.validate)) {
        /* the busy pool's common case: straight to the next client */
        asy__rpool_lend(pool, obj, asy__rpool_pop_waiter(pool));
        asy__rpool_leave(pool);
        return 0;
    } else {
        asy__rpool_to_idle(pool, obj);
    }
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
    asy__watch w;
    asy_ret_t ret;
    if (in->state != ASY_PROMISE_FULFILLED) { /* never got a resource */
        asy__promise_settle_like(u->result, in->promise);
        asy__ruse_finish(u);
        return;
    }
    u->resource = in->value;
    /* the resource goes back when fn's outcome is known: the memory to
     * learn it is taken before fn runs, else fn does not run at all */
    if (asy__watch_prepare(u->pool->loop, &w) != 0) {
        asy_promise_reject(u->result, ASY_ENOMEM, NULL);
        asy_rpool_release(u->pool, u->resource);
        asy__ruse_finish(u);
        return;
    }
    ret = u->fn(u->arg, u->resource);
    u->inner = asy__watch_ret(&w, &ret, asy__ruse_done, u);
}

ASYNCRT_API asy_promise_t *asy_rpool_use(asy_rpool_t *pool, unsigned priority,
                                         asy_rpool_use_fn fn, void *arg) {
    asy__ruse *u;
    asy__watch w;
    asy_promise_t *acquired;
    asy_ret_t ret;
    if (!pool || !fn) return NULL;
    if (!(u = ASY__NEW(asy__ruse))) return NULL;
    memset(u, 0, sizeof(*u));
    u->pool = pool;
    u->fn = fn;
    u->arg = arg;
    /* once the acquire is queued its resource must reach ruse_start, or it
     * would be lent to nobody: the watch is allocated first */
    if (!(u->result = asy_promise_new(pool->loop)) || asy__watch_prepare(pool->loop, &w) != 0) {
        asy_promise_release(u->result);
        asy__free(u);
        return NULL;
    }
    if (!(acquired = asy_rpool_acquire(pool, priority))) {
        asy__watch_cancel(&w);
        asy_promise_release(u->result);
        asy__free(u);
        return NULL;
    }
    ret = asy_chain(acquired);
    u->acquired = asy__watch_ret(&w, &ret, asy__ruse_start, u);
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
#if ASYNCRT_OS_POSIX
#line 1 "asyncrt_impl/coro/switch.internal.h"
/* The context switch (switch.c) and the sanitizer / valgrind hooks around
 * it.  A context is one saved stack pointer: asy__ctx_switch pushes the
 * callee-saved registers on the running stack, stores the stack pointer in
 * *from, loads `to` and pops what the other side pushed.
 *
 * Which implementation runs (ASY__CTX_ASM):
 *   x86-64 SysV ELF and AArch64 ELF: hand-written, in switch.c;
 *   anything else POSIX: <ucontext.h> (swapcontext costs a sigprocmask
 *   system call per switch, so it is only the fallback). */
#if !defined(ASYNCRT_CORO_UCONTEXT) && defined(__ELF__) && \
    ((defined(__x86_64__) && !defined(_WIN32)) || defined(__aarch64__))
#define ASY__CTX_ASM 1
#else
#define ASY__CTX_UCONTEXT 1
#include <ucontext.h>
#endif

#include <sys/mman.h>

/* AddressSanitizer: told about every switch, so it knows which stack it is
 * on (and keeps the fake stacks of use-after-return detection apart). */
#if defined(__SANITIZE_ADDRESS__)
#define ASY__CORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASY__CORO_ASAN 1
#endif
#endif
/* ThreadSanitizer: each coroutine is a TSan fiber. */
#if defined(__SANITIZE_THREAD__)
#define ASY__CORO_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ASY__CORO_TSAN 1
#endif
#endif
/* valgrind: each stack is registered, so memcheck does not take a switch
 * for a huge stack-pointer move.  The client requests are no-ops outside
 * valgrind.  ASYNCRT_NO_VALGRIND leaves the header out. */
#if !defined(ASYNCRT_NO_VALGRIND) && defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define ASY__CORO_VALGRIND 1
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif
#ifdef ASY__CORO_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
                                     size_t *size_old);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#endif
#ifdef ASY__CORO_TSAN
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
#endif
#ifdef ASY__CTX_ASM
/* Defined in switch.c's top-level assembly: hidden (never exported from a
 * shared object) and weak (an ASYNCRT_STATIC copy beside the shared one
 * defines the same bytes). */
void asy__ctx_switch(void **from, void *to);
void asy__ctx_entry(void);
#endif
#ifdef __cplusplus
}
#endif

/* Where a new context starts: entry(arg) on the stack [base, base+size).
 * entry must never return (it switches away for the last time). */
typedef void (*asy__ctx_fn)(void *arg);

typedef struct asy__ctx {
#ifdef ASY__CTX_ASM
    void *sp;
#else
    ucontext_t uc;
#endif
} asy__ctx;

#line 1 "asyncrt_impl/coro/switch.c"
/* The machine context switch.
 *
 * asy__ctx_switch(from, to): saves the callee-saved state of the running
 * context on its own stack, stores the stack pointer in *from, switches to
 * the stack pointer `to` and restores what was saved there.  Returning
 * "returns" into the other context, at its last asy__ctx_switch call (or,
 * the first time, into asy__ctx_entry, see asy__ctx_make).  A switch is a
 * plain call: the compiler has already spilled the caller-saved registers.
 *
 * x86-64 SysV: rbx rbp r12-r15 are callee-saved, and so are the control
 * bits of MXCSR and the x87 control word (a coroutine that changes the
 * rounding mode keeps it to itself).
 * AArch64 (AAPCS64): x19-x28, the frame pointer x29, the link register x30
 * and the low halves d8-d15 of v8-v15.
 *
 * The symbols are local to the library (hidden) and weak, so two copies
 * of the implementation (ASYNCRT_STATIC beside the shared one) link. */
#if defined(ASY__CTX_ASM) && defined(__x86_64__)
__asm__(
    ".text\n"
    ".weak asy__ctx_switch\n"
    ".hidden asy__ctx_switch\n"
    ".type asy__ctx_switch,@function\n"
    ".p2align 4\n"
    "asy__ctx_switch:\n"
    "    pushq %rbp\n"
    "    pushq %rbx\n"
    "    pushq %r12\n"
    "    pushq %r13\n"
    "    pushq %r14\n"
    "    pushq %r15\n"
    "    subq $8, %rsp\n"
    "    stmxcsr (%rsp)\n"
    "    fnstcw 4(%rsp)\n"
    "    movq %rsp, (%rdi)\n"
    "    movq %rsi, %rsp\n"
    "    ldmxcsr (%rsp)\n"
    "    fldcw 4(%rsp)\n"
    "    addq $8, %rsp\n"
    "    popq %r15\n"
    "    popq %r14\n"
    "    popq %r13\n"
    "    popq %r12\n"
    "    popq %rbx\n"
    "    popq %rbp\n"
    "    ret\n"
    ".size asy__ctx_switch,.-asy__ctx_switch\n"
    /* First entry of a context: asy__ctx_make left the argument in rbx
     * and the function in r12; rbp is 0 (the end of the frame chain) and
     * rsp is 16-byte aligned, so the call below meets the ABI. */
    ".weak asy__ctx_entry\n"
    ".hidden asy__ctx_entry\n"
    ".type asy__ctx_entry,@function\n"
    ".p2align 4\n"
    "asy__ctx_entry:\n"
    "    movq %rbx, %rdi\n"
    "    callq *%r12\n"
    "    ud2\n"
    ".size asy__ctx_entry,.-asy__ctx_entry\n");

/* The stack of a new context, top down: a zero return address for
 * unwinders, asy__ctx_entry as the address the first switch returns to,
 * rbp rbx r12 r13 r14 r15 (rbx = arg, r12 = fn), then MXCSR and the x87
 * control word at their power-on defaults. */
ASY__INTERNAL void asy__ctx_make(asy__ctx *ctx, void *base, size_t size, asy__ctx_fn fn,
                                 void *arg) {
    uintptr_t top = ((uintptr_t)base + size) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)top;
    uint32_t *csr;
    *--sp = 0;                            /* keeps top - 16 aligned */
    *--sp = 0;                            /* return address of asy__ctx_entry's frame */
    *--sp = (uint64_t)(uintptr_t)asy__ctx_entry;
    *--sp = 0;                            /* rbp */
    *--sp = (uint64_t)(uintptr_t)arg;     /* rbx */
    *--sp = (uint64_t)(uintptr_t)fn;      /* r12 */
    *--sp = 0;                            /* r13 */
    *--sp = 0;                            /* r14 */
    *--sp = 0;                            /* r15 */
    *--sp = 0;
    csr = (uint32_t *)(void *)sp;
    csr[0] = 0x1F80u;                     /* MXCSR: all exceptions masked, round to nearest */
    csr[1] = 0x037Fu;                     /* x87 control word: the same, extended precision */
    ctx->sp = sp;
}
#elif defined(ASY__CTX_ASM) && defined(__aarch64__)
__asm__(
    ".text\n"
    ".weak asy__ctx_switch\n"
    ".hidden asy__ctx_switch\n"
    ".type asy__ctx_switch,%function\n"
    ".p2align 4\n"
    "asy__ctx_switch:\n"
    "    sub sp, sp, #176\n"
    "    stp x19, x20, [sp, #0]\n"
    "    stp x21, x22, [sp, #16]\n"
    "    stp x23, x24, [sp, #32]\n"
    "    stp x25, x26, [sp, #48]\n"
    "    stp x27, x28, [sp, #64]\n"
    "    stp x29, x30, [sp, #80]\n"
    "    stp d8, d9, [sp, #96]\n"
    "    stp d10, d11, [sp, #112]\n"
    "    stp d12, d13, [sp, #128]\n"
    "    stp d14, d15, [sp, #144]\n"
    "    mov x2, sp\n"
    "    str x2, [x0]\n"
    "    mov sp, x1\n"
    "    ldp x19, x20, [sp, #0]\n"
    "    ldp x21, x22, [sp, #16]\n"
    "    ldp x23, x24, [sp, #32]\n"
    "    ldp x25, x26, [sp, #48]\n"
    "    ldp x27, x28, [sp, #64]\n"
    "    ldp x29, x30, [sp, #80]\n"
    "    ldp d8, d9, [sp, #96]\n"
    "    ldp d10, d11, [sp, #112]\n"
    "    ldp d12, d13, [sp, #128]\n"
    "    ldp d14, d15, [sp, #144]\n"
    "    add sp, sp, #176\n"
    "    ret\n"
    ".size asy__ctx_switch,.-asy__ctx_switch\n"
    /* First entry: x19 = arg, x20 = fn, x29 = 0, sp 16-byte aligned. */
    ".weak asy__ctx_entry\n"
    ".hidden asy__ctx_entry\n"
    ".type asy__ctx_entry,%function\n"
    ".p2align 4\n"
    "asy__ctx_entry:\n"
    "    mov x0, x19\n"
    "    blr x20\n"
    "    brk #0\n"
    ".size asy__ctx_entry,.-asy__ctx_entry\n");

/* A new context's save area (176 bytes at the 16-aligned top, minus 16
 * bytes of zeroes above it): x19 = arg, x20 = fn, x29 = 0 and x30 =
 * asy__ctx_entry, where the first switch's ret lands. */
ASY__INTERNAL void asy__ctx_make(asy__ctx *ctx, void *base, size_t size, asy__ctx_fn fn,
                                 void *arg) {
    uintptr_t top = (((uintptr_t)base + size) & ~(uintptr_t)15) - 16;
    uint64_t *sp = (uint64_t *)(top - 176);
    memset(sp, 0, 176 + 16);
    sp[0] = (uint64_t)(uintptr_t)arg;             /* x19 */
    sp[1] = (uint64_t)(uintptr_t)fn;              /* x20 */
    sp[11] = (uint64_t)(uintptr_t)asy__ctx_entry; /* x30 */
    ctx->sp = sp;
}
#endif

#ifdef ASY__CTX_ASM
ASY__INTERNAL void asy__ctx_jump(asy__ctx *from, asy__ctx *to) { asy__ctx_switch(&from->sp, to->sp); }
#else
/* ucontext: makecontext passes int arguments only, so the entry point and
 * its argument travel in a per-thread slot read by the first instruction
 * of the new context. */
static __thread asy__ctx_fn asy__ctx_start_fn;
static __thread void *asy__ctx_start_arg;

static void asy__ctx_uc_entry(void) {
    asy__ctx_fn fn = asy__ctx_start_fn;
    void *arg = asy__ctx_start_arg;
    fn(arg);
}

ASY__INTERNAL void asy__ctx_make(asy__ctx *ctx, void *base, size_t size, asy__ctx_fn fn,
                                 void *arg) {
    memset(ctx, 0, sizeof(*ctx));
    getcontext(&ctx->uc);
    ctx->uc.uc_stack.ss_sp = base;
    ctx->uc.uc_stack.ss_size = size;
    ctx->uc.uc_link = NULL;
    makecontext(&ctx->uc, asy__ctx_uc_entry, 0);
    /* stashed now, read at the first switch into it (always before any
     * other context is made on this thread: asy_async makes and enters at
     * once) */
    asy__ctx_start_fn = fn;
    asy__ctx_start_arg = arg;
}

ASY__INTERNAL void asy__ctx_jump(asy__ctx *from, asy__ctx *to) { swapcontext(&from->uc, &to->uc); }
#endif

#line 1 "asyncrt_impl/coro/stack.c"
/* Coroutine stacks: mmap'd with an inaccessible guard page below (stacks
 * grow down on every architecture we switch on), kept in a small per-loop
 * pool so a coroutine started after another has finished reuses its
 * stack instead of paying for mmap, mprotect and munmap again.  The pages
 * are only touched (made resident) as the coroutine uses them. */

typedef struct asy__stack {
    struct asy__stack *next; /* pool free list */
    void *map;               /* the mapping, guard page first */
    size_t map_size;
    void *base;              /* usable stack: [base, base + size) */
    size_t size;
#ifdef ASY__CORO_VALGRIND
    unsigned vg_id;
#endif
} asy__stack;

/* Stacks of one size kept for reuse, at most this many per loop. */
#define ASY__STACK_POOL_MAX 64

ASY__INTERNAL size_t asy__page_size(void) {
    static size_t page;
    if (!page) {
        long v = sysconf(_SC_PAGESIZE);
        page = v > 0 ? (size_t)v : 4096;
    }
    return page;
}

/* The usable size asked for, rounded to whole pages; 0 on overflow. */
ASY__INTERNAL size_t asy__stack_round(size_t want) {
    size_t page = asy__page_size();
    if (want == 0) want = ASY_CORO_STACK_DEFAULT;
    if (want < ASY_CORO_STACK_MIN) want = ASY_CORO_STACK_MIN;
    if (want > ((size_t)1 << 40)) return 0;
    return (want + page - 1) / page * page;
}

#if !defined(MAP_ANONYMOUS) && defined(MAP_ANON)
#define MAP_ANONYMOUS MAP_ANON
#endif
#ifndef MAP_STACK
#define MAP_STACK 0
#endif

ASY__INTERNAL asy__stack *asy__stack_map(size_t size) {
    size_t page = asy__page_size();
    asy__stack *s = ASY__NEW(asy__stack);
    void *map;
    if (!s) return NULL;
    map = mmap(NULL, size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
               -1, 0);
    if (map == MAP_FAILED) {
        asy__free(s);
        return NULL;
    }
    if (mprotect(map, page, PROT_NONE) != 0) {
        munmap(map, size + page);
        asy__free(s);
        return NULL;
    }
    memset(s, 0, sizeof(*s));
    s->map = map;
    s->map_size = size + page;
    s->base = (char *)map + page;
    s->size = size;
#ifdef ASY__CORO_VALGRIND
    s->vg_id = VALGRIND_STACK_REGISTER((char *)s->base, (char *)s->base + size);
#endif
    return s;
}

ASY__INTERNAL void asy__stack_unmap(asy__stack *s) {
#ifdef ASY__CORO_VALGRIND
    VALGRIND_STACK_DEREGISTER(s->vg_id);
#endif
    munmap(s->map, s->map_size);
    asy__free(s);
}

typedef struct asy__stack_pool {
    asy__stack *free_list;
    size_t count;
} asy__stack_pool;

/* A stack of exactly `size` usable bytes (already rounded). */
ASY__INTERNAL asy__stack *asy__stack_get(asy__stack_pool *pool, size_t size) {
    asy__stack **link = &pool->free_list;
    while (*link) {
        asy__stack *s = *link;
        if (s->size == size) {
            *link = s->next;
            pool->count--;
            s->next = NULL;
#ifdef ASY__CORO_ASAN
            /* the last frames of its previous coroutine never returned,
             * so their redzones are still poisoned */
            __asan_unpoison_memory_region(s->base, s->size);
#endif
            return s;
        }
        link = &s->next;
    }
    return asy__stack_map(size);
}

ASY__INTERNAL void asy__stack_put(asy__stack_pool *pool, asy__stack *s) {
    if (pool->count >= ASY__STACK_POOL_MAX) {
        asy__stack_unmap(s);
        return;
    }
    s->next = pool->free_list;
    pool->free_list = s;
    pool->count++;
}

ASY__INTERNAL void asy__stack_pool_free(asy__stack_pool *pool) {
    while (pool->free_list) {
        asy__stack *s = pool->free_list;
        pool->free_list = s->next;
        asy__stack_unmap(s);
    }
    pool->count = 0;
}

#line 1 "asyncrt_impl/coro/coro.internal.h"
/* Private state of the coroutine layer. */

typedef struct asy__coro asy__coro;
typedef struct asy__coro_state asy__coro_state;

/* The per-loop slot the coroutine layer uses.  loop.h numbers the slots of
 * the layers below; coroutines take the last one, so the loop need not
 * know about them, and asy_loop_close (which closes slots from the highest
 * down) cancels suspended coroutines while promises, streams and the
 * thread pool are still alive. */
#define ASY__LAYER_CORO (ASY__LAYER_MAX - 1)

struct asy__coro {
    asy__ctx ctx;        /* the coroutine, while it is suspended */
    asy__ctx parent_ctx; /* whoever resumed it, while it runs */
    asy__coro *parent;   /* the coroutine that resumed it; NULL: a plain stack */
    asy__coro_state *st;
    asy__stack *stack;
    asy_async_fn fn;
    void *arg;
    asy_promise_t *result;
    asy_ret_t ret;
    int running;  /* on the CPU, or has resumed another coroutine */
    int finished; /* fn returned: the parent settles and frees */
    int woke_early; /* woken while still running: the await must not yield */
    /* what resumes an await */
    int wake_err;
    void *wake_value;
    asy_buf_t wake_chunk;
    asy__queue link; /* asy__coro_state.live */
#ifdef ASY__CORO_ASAN
    void *asan_fake;
    const void *parent_bottom;
    size_t parent_size;
#endif
#ifdef ASY__CORO_TSAN
    void *tsan_fiber;
    void *tsan_parent;
#endif
};

struct asy__coro_state {
    asy_loop_t *loop;
    asy__stack_pool stacks;
    asy__queue live; /* started, not yet returned */
    size_t nlive;
    int closing;
};

#line 1 "asyncrt_impl/coro/coro.c"
/* asy_async / asy_await: coroutines that suspend on promises and resume as
 * their reactions (microtasks), as V8 resumes an async function. */

/* The coroutine running on this thread (NULL: a plain stack). */
static __thread asy__coro *asy__coro_current;

static void asy__coro_layer_close(asy_loop_t *loop, void *state);

ASY__INTERNAL asy__coro_state *asy__coro_state_get(asy_loop_t *loop) {
    asy__coro_state *st = (asy__coro_state *)loop->layers_[ASY__LAYER_CORO].state;
    if (st) return st;
    if (!(st = ASY__NEW(asy__coro_state))) return NULL;
    memset(st, 0, sizeof(*st));
    st->loop = loop;
    asy__queue_init(&st->live);
    loop->layers_[ASY__LAYER_CORO].state = st;
    loop->layers_[ASY__LAYER_CORO].close = asy__coro_layer_close;
    return st;
}

ASY__INTERNAL void asy__coro_finish(asy__coro *co);

/* Switches from the running context (a plain stack or a coroutine) into
 * co, which runs until it awaits or returns. */
ASY__INTERNAL void asy__coro_resume(asy__coro *co) {
#ifdef ASY__CORO_ASAN
    void *fake = NULL;
#endif
    co->parent = asy__coro_current;
    co->running = 1;
    asy__coro_current = co;
#ifdef ASY__CORO_ASAN
    __sanitizer_start_switch_fiber(&fake, co->stack->base, co->stack->size);
#endif
#ifdef ASY__CORO_TSAN
    co->tsan_parent = __tsan_get_current_fiber();
    __tsan_switch_to_fiber(co->tsan_fiber, 0);
#endif
    asy__ctx_jump(&co->parent_ctx, &co->ctx);
#ifdef ASY__CORO_ASAN
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
    asy__coro_current = co->parent;
    co->running = 0;
    if (co->finished) asy__coro_finish(co);
}

/* From inside co: back to whoever resumed it.  Returns when co is resumed
 * again (never, once co has finished). */
ASY__INTERNAL void asy__coro_yield(asy__coro *co) {
#ifdef ASY__CORO_ASAN
    /* NULL on the last switch: ASan frees the coroutine's fake stack */
    __sanitizer_start_switch_fiber(co->finished ? NULL : &co->asan_fake, co->parent_bottom,
                                   co->parent_size);
#endif
#ifdef ASY__CORO_TSAN
    __tsan_switch_to_fiber(co->tsan_parent, 0);
#endif
    asy__ctx_jump(&co->ctx, &co->parent_ctx);
#ifdef ASY__CORO_ASAN
    __sanitizer_finish_switch_fiber(co->asan_fake, &co->parent_bottom, &co->parent_size);
#endif
}

/* The first frame of every coroutine. */
static void asy__coro_main(void *arg) {
    asy__coro *co = (asy__coro *)arg;
#ifdef ASY__CORO_ASAN
    __sanitizer_finish_switch_fiber(NULL, &co->parent_bottom, &co->parent_size);
#endif
    co->ret = co->fn(co->arg);
    co->finished = 1;
    asy__coro_yield(co);
}

/* On the parent's stack, right after co's last switch: the return value
 * settles the promise (in the same job as the coroutine's last step, as
 * an async function's return does), and the stack goes back to the pool. */
ASY__INTERNAL void asy__coro_finish(asy__coro *co) {
    asy__coro_state *st = co->st;
    asy_promise_settle(co->result, co->ret);
    asy_promise_release(co->result);
    asy__queue_remove(&co->link);
    st->nlive--;
    asy__stack_put(&st->stacks, co->stack);
#ifdef ASY__CORO_TSAN
    __tsan_destroy_fiber(co->tsan_fiber);
#endif
    asy__free(co);
}

ASYNCRT_API asy_promise_t *asy_async(asy_loop_t *loop, asy_async_fn fn, void *arg,
                                     const asy_async_opts *opts) {
    asy__coro_state *st;
    asy__coro *co;
    asy_promise_t *mine;
    size_t size;
    if (!loop || !fn || !asy__loop_live(loop)) return NULL;
    if (!(size = asy__stack_round(opts ? opts->stack_size : 0))) return NULL;
    if (!(st = asy__coro_state_get(loop)) || st->closing) return NULL;
    if (!(co = ASY__NEW(asy__coro))) return NULL;
    memset(co, 0, sizeof(*co));
    co->st = st;
    co->fn = fn;
    co->arg = arg;
    if (!(co->stack = asy__stack_get(&st->stacks, size))) {
        asy__free(co);
        return NULL;
    }
    if (!(co->result = asy_promise_new(loop))) {
        asy__stack_put(&st->stacks, co->stack);
        asy__free(co);
        return NULL;
    }
#ifdef ASY__CORO_TSAN
    co->tsan_fiber = __tsan_create_fiber(0);
#endif
    asy__ctx_make(&co->ctx, co->stack->base, co->stack->size, asy__coro_main, co);
    asy__queue_insert_tail(&st->live, &co->link);
    st->nlive++;
    mine = asy_promise_retain(co->result);
    asy__coro_resume(co); /* co may be gone when this returns */
    return mine;
}

/* Resumes co after an await's outcome was stored.  A wake-up that finds
 * co still running (its own stack, or one it resumed, drained the
 * microtasks) is only recorded: the await sees it and does not yield. */
ASY__INTERNAL void asy__coro_wake_up(asy__coro *co) {
    if (co->running) co->woke_early = 1;
    else asy__coro_resume(co);
}

/* The reaction an await attaches: runs as a microtask. */
static void asy__coro_wake(void *arg, const asy_settled_t *in) {
    asy__coro *co = (asy__coro *)arg;
    co->wake_err = in->state == ASY_PROMISE_REJECTED ? in->error : 0;
    co->wake_value = in->state == ASY_PROMISE_REJECTED ? NULL : in->value;
    asy__coro_wake_up(co);
}

/* Suspends co until a wake-up (unless one came already). */
ASY__INTERNAL void asy__coro_wait(asy__coro *co) {
    if (!co->woke_early) asy__coro_yield(co);
    co->woke_early = 0;
}

/* The running coroutine if it may await on loop (NULL: ASY_EINVAL). */
ASY__INTERNAL asy__coro *asy__coro_awaiter(asy_loop_t *loop) {
    asy__coro *co = asy__coro_current;
    if (!co || (loop && co->st->loop != loop)) return NULL;
    return co;
}

ASYNCRT_API int asy_await(asy_promise_t *p, void **value) {
    asy__coro *co;
    int err;
    if (value) *value = NULL;
    if (!p || !(co = asy__coro_awaiter(asy_promise_loop(p)))) return ASY_EINVAL;
    if (co->st->closing) return ASY_ECANCELED;
    asy_promise_retain(p);
    if ((err = asy_promise_on_settled(p, asy__coro_wake, co)) != 0) {
        asy_promise_release(p);
        return err;
    }
    asy__coro_wait(co);
    err = co->wake_err;
    if (value && !err) *value = co->wake_value;
    asy_promise_release(p);
    return err;
}

static void asy__coro_read_cb(asy_stream_t *s, int status, const asy_buf_t *chunk, void *arg) {
    asy__coro *co = (asy__coro *)arg;
    (void)s;
    co->wake_err = status;
    if (status == 0 && chunk) {
        int err = asy_buf_retain(&co->wake_chunk, chunk);
        if (err) co->wake_err = err;
    }
    asy__coro_wake_up(co);
}

ASYNCRT_API int asy_await_read(asy_stream_t *s, asy_buf_t *chunk) {
    asy__coro *co;
    int err;
    if (chunk) memset(chunk, 0, sizeof(*chunk));
    if (!s || !chunk || !(co = asy__coro_awaiter(s->loop))) return ASY_EINVAL;
    if (co->st->closing) return ASY_ECANCELED;
    memset(&co->wake_chunk, 0, sizeof(co->wake_chunk));
    if ((err = asy_stream_read_async(s, asy__coro_read_cb, co)) < 0) return err;
    asy__coro_wait(co);
    err = co->wake_err;
    if (err == 0) *chunk = co->wake_chunk;
    else asy_buf_release(&co->wake_chunk);
    memset(&co->wake_chunk, 0, sizeof(co->wake_chunk));
    return err;
}

static void asy__coro_sleep_cb(void *arg) {
    asy_promise_t *p = (asy_promise_t *)arg;
    asy_promise_resolve(p, NULL);
    asy_promise_release(p);
}

ASYNCRT_API int asy_await_sleep(uint64_t ms) {
    asy__coro *co = asy__coro_awaiter(NULL);
    asy_promise_t *p;
    asy_timer_id id;
    int err;
    if (!co) return ASY_EINVAL;
    if (co->st->closing) return ASY_ECANCELED;
    if (!(p = asy_promise_new(co->st->loop))) return ASY_ENOMEM;
    asy_promise_retain(p); /* the timer's */
    id = asy_set_timeout(co->st->loop, asy__coro_sleep_cb, p, ms);
    if (!id.id) {
        asy_promise_release(p);
        asy_promise_release(p);
        return ASY_ENOMEM;
    }
    err = asy_await(p, NULL);
    if (err == ASY_ECANCELED) asy_clear_timer(co->st->loop, id);
    asy_promise_release(p);
    return err;
}

ASYNCRT_API int asy_in_coroutine(void) { return asy__coro_current != NULL; }

ASYNCRT_API size_t asy_coro_count(asy_loop_t *loop) {
    asy__coro_state *st;
    if (!loop) return 0;
    st = (asy__coro_state *)loop->layers_[ASY__LAYER_CORO].state;
    return st ? st->nlive : 0;
}

/* asy_loop_close: nothing is left that could settle what the suspended
 * coroutines await (open handles and requests in flight make the close
 * ASY_EBUSY before it gets here), so each is resumed with ASY_ECANCELED
 * (later awaits fail with it at once) and runs to its return, freeing
 * what it holds.  Then the stacks go. */
static void asy__coro_layer_close(asy_loop_t *loop, void *state) {
    asy__coro_state *st = (asy__coro_state *)state;
    asy__queue *q;
    st->closing = 1;
    if (st->nlive && loop->opts_.debug_handles)
        fprintf(stderr, "asy_loop_close: cancelling %lu suspended coroutine(s)\n",
                (unsigned long)st->nlive);
    while (!asy__queue_empty(&st->live)) {
        asy__coro *co = NULL;
        ASY__QUEUE_FOREACH(q, &st->live) {
            asy__coro *c = ASY_CONTAINER_OF(q, asy__coro, link);
            if (!c->running) {
                co = c;
                break;
            }
        }
        if (!co) {
            /* Only a coroutine that is running right now is left: the close
             * was called from a coroutine's stack, which the loop's memory
             * is about to be pulled from under.  Refuse loudly. */
            fprintf(stderr, "asyncrt: asy_loop_close called from inside a coroutine\n");
            abort();
        }
        co->wake_err = ASY_ECANCELED;
        co->wake_value = NULL;
        asy__coro_resume(co);
    }
    asy__stack_pool_free(&st->stacks);
    loop->layers_[ASY__LAYER_CORO].state = NULL;
    loop->layers_[ASY__LAYER_CORO].close = NULL;
    asy__free(st);
}

#endif /* ASYNCRT_OS_POSIX */

#endif /* ASYNCRT_IMPLEMENTATION */
