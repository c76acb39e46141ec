/* The operations that are one system call (or close to it). */
#include "fs.internal.h"

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
