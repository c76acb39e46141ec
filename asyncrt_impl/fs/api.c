/* The public fs calls: argument checks, then asy__fs_init + asy__fs_go. */
#include "fs.internal.h"
#include "../buf/bufchain.h"
#include "../loop/handle.h"

/* A bad argument: the result is recorded when there is a request. */
static int asy__fs_bad(asy_fs_t *req) {
    if (req) req->result = ASY_EINVAL;
    return ASY_EINVAL;
}

/* For the calls whose only argument is a path. */
static int asy__fs_path_op(asy_loop_t *loop, asy_fs_t *req, asy_fs_type_t type, const char *path,
                           asy_fs_cb cb) {
    int r;
    if (!path) return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, type, path, NULL, cb)) != 0) return r;
    return asy__fs_go(req);
}

static int asy__fs_fd_op(asy_loop_t *loop, asy_fs_t *req, asy_fs_type_t type, int fd,
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

static int asy__fs_rw_op(asy_loop_t *loop, asy_fs_t *req, asy_fs_type_t type, int fd,
                         const asy_iov_t *bufs, unsigned nbufs, int64_t offset, asy_fs_cb cb) {
    int r;
    if (fd < 0 || !bufs || nbufs == 0) return asy__fs_bad(req);
    if ((r = asy__fs_init(loop, req, type, NULL, NULL, cb)) != 0) return r;
    req->fd_ = fd;
    req->off_ = offset < 0 ? -1 : offset;
    req->nbufs_ = nbufs;
    if (!cb) {
        req->bufs_ = (asy_iov_t *)bufs; /* used during this call only */
    } else {
        /* the caller's array may be on its stack: keep a copy */
        req->bufs_ = nbufs <= ASY_ARRAY_SIZE(req->bufsml_) ? req->bufsml_
                                                            : ASY__NEW_ARRAY(asy_iov_t, nbufs);
        if (!req->bufs_) return (int)(req->result = ASY_ENOMEM);
        memcpy(req->bufs_, bufs, nbufs * sizeof(*bufs));
    }
    return asy__fs_go(req);
}

ASYNCRT_API int asy_fs_read(asy_loop_t *loop, asy_fs_t *req, int fd, const asy_iov_t *bufs,
                            unsigned nbufs, int64_t offset, asy_fs_cb cb) {
    return asy__fs_rw_op(loop, req, ASY_FS_READ, fd, bufs, nbufs, offset, cb);
}

ASYNCRT_API int asy_fs_write(asy_loop_t *loop, asy_fs_t *req, int fd, const asy_iov_t *bufs,
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

static int asy__fs_two_paths(asy_loop_t *loop, asy_fs_t *req, asy_fs_type_t type, const char *a,
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

static int asy__fs_put_file(asy_loop_t *loop, asy_fs_t *req, asy_fs_type_t type, const char *path,
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
