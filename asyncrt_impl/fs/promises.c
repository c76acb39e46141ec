/* fs/promises over the callback API: the request is allocated with the
 * promise and becomes the promise's value. */
#include "fs.internal.h"
#include "../buf/bufchain.h"
#include "../loop/handle.h"
#include "../promise/promise.h"

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
ASYNCRT_API asy_promise_t *asy_fsp_read(asy_loop_t *loop, int fd, const asy_iov_t *bufs,
                                        unsigned nbufs, int64_t offset) {
    ASY__FSP(asy_fs_read(loop, req, fd, bufs, nbufs, offset, asy__fsp_done));
}
ASYNCRT_API asy_promise_t *asy_fsp_write(asy_loop_t *loop, int fd, const asy_iov_t *bufs,
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
