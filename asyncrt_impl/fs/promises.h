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
#pragma once
#include "../buf/bufchain.h"
#include "../loop/handle.h"
#include "../promise/promise.h"
ASYNCRT_API asy_promise_t *asy_fsp_open(asy_loop_t *loop, const char *path, int flags, int mode);
ASYNCRT_API asy_promise_t *asy_fsp_close(asy_loop_t *loop, int fd);
ASYNCRT_API asy_promise_t *asy_fsp_read(asy_loop_t *loop, int fd, const asy_iov_t *bufs,
                                        unsigned nbufs, int64_t offset);
ASYNCRT_API asy_promise_t *asy_fsp_write(asy_loop_t *loop, int fd, const asy_iov_t *bufs,
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
