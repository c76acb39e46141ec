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
        if (!h->cb_) continue; /* a delivery's placeholder */
        mask[h->signum_ / 64] |= (uint64_t)1 << (h->signum_ % 64);
    }
    for (i = 0; i < ASY__SIG_NSIG / 64; i++)
        __atomic_store_n(&asy__sig_loops[loop->signal_slot_].mask[i], mask[i], __ATOMIC_SEQ_CST);
}

/* Delivers one signal.  The list stays whole while callbacks run (the
 * loop's signal mask is computed from it whenever a handle stops or
 * starts): a placeholder steps past each handle before its callback, so a
 * callback may stop or close any handle, and an end marker keeps handles
 * started meanwhile for the next signal.  Placeholders have no callback. */
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
     * asked for, so its next read or write surfaces the error (libuv): all
     * of them, since the condition stays until the fd is stopped, and a
     * caller who never hears of it would have the loop spin. */
    if (revents & ASY__IO_ERR)
        ev |= h->io_.events & (ASY_READABLE | ASY_WRITABLE | ASY_DISCONNECT | ASY_PRIORITIZED);
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
    if (!loop) return ASY_EINVAL;
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
    if (!loop || !loop->opts_.virtual_clock) return ASY_EINVAL;
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

#endif /* ASYNCRT_IMPLEMENTATION */
