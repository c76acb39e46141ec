/* Whole-file operations: readFile, writeFile / appendFile, copyFile.
 * Each is one pool job (open, I/O and close together), where Node's
 * fs/promises makes a round trip to the pool per system call. */
#include "fs.internal.h"

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
