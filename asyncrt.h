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
/* Frees memory asyncrt allocated for the caller (asy_buf_to_string). */
ASYNCRT_API void asy_free(void *p);

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

ASYNCRT_API void asy_free(void *p) { asy__free(p); }

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


#endif /* ASYNCRT_IMPLEMENTATION */
