/* One-shot calls on a whole buffer: Node's zlib.gzip(buf, cb),
 * zlib.gzipSync(buf) and zlib/promises-style gzip (asy_zlibp_*), for every
 * kind.  Output is one asy_buf_t; opts.max_output_length bounds it (a
 * decompression bomb fails with ASY_EBUFFER_TOO_LARGE after at most that
 * much memory, as Node's RangeError ERR_BUFFER_TOO_LARGE).
 *
 * The input (and opts->dictionary) must stay valid until the callback or
 * the promise settles; it is read on a pool thread (cpu class). */
#pragma once
#include "zstream.h"
#include "../buf/buf.h"
#include "../loop/handle.h"
#include "../promise/promise.h"

/* status 0 and the result (borrowed: asy_buf_retain it to keep it), or
 * the error with Node's message ("incorrect header check"); result is
 * then empty. */
typedef void (*asy_zlib_cb)(int status, const asy_buf_t *result, const char *message,
                            void *arg);

/* Sync: 0 and *out (yours: release it), or the error (*out empty);
 * *message (may be NULL) gets Node's message, a static string. */
ASYNCRT_API int asy_zlib_sync(asy_zlib_mode_t mode, const void *data, size_t len,
                              const asy_zlib_opts_t *opts, asy_buf_t *out, const char **message);
/* Callback: runs on the pool, cb on the loop.  Bad arguments return the
 * error and cb is not called. */
ASYNCRT_API int asy_zlib_buf(asy_loop_t *loop, asy_zlib_mode_t mode, const void *data, size_t len,
                             const asy_zlib_opts_t *opts, asy_zlib_cb cb, void *arg);
/* Promise: fulfils with an asy_buf_t * the promise owns (retain the buffer
 * to keep it past the promise), rejects with the code and Node's message.
 * You own the returned reference; NULL only without memory or loop. */
ASYNCRT_API asy_promise_t *asy_zlibp(asy_loop_t *loop, asy_zlib_mode_t mode, const void *data,
                                     size_t len, const asy_zlib_opts_t *opts);

/* The same by name: asy_zlib_gzip_sync / asy_zlib_gzip_buf / asy_zlibp_gzip
 * and so on for gunzip, deflate, inflate, deflate_raw, inflate_raw, unzip. */
#define ASY__ZLIB_ONESHOT_DECL(name)                                                        \
    ASYNCRT_API int asy_zlib_##name##_sync(const void *data, size_t len,                    \
                                           const asy_zlib_opts_t *opts, asy_buf_t *out);      \
    ASYNCRT_API int asy_zlib_##name##_buf(asy_loop_t *loop, const void *data, size_t len,   \
                                          const asy_zlib_opts_t *opts, asy_zlib_cb cb,        \
                                          void *arg);                                      \
    ASYNCRT_API asy_promise_t *asy_zlibp_##name(asy_loop_t *loop, const void *data, size_t len, \
                                                const asy_zlib_opts_t *opts);
ASY__ZLIB_ONESHOT_DECL(gzip)
ASY__ZLIB_ONESHOT_DECL(gunzip)
ASY__ZLIB_ONESHOT_DECL(deflate)
ASY__ZLIB_ONESHOT_DECL(inflate)
ASY__ZLIB_ONESHOT_DECL(deflate_raw)
ASY__ZLIB_ONESHOT_DECL(inflate_raw)
ASY__ZLIB_ONESHOT_DECL(unzip)
