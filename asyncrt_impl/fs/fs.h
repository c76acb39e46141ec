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
#pragma once
#include "../buf/bufchain.h"
#include "../loop/handle.h"
#include "../pool/pool.h"

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
} asy_dirent_type_t;

/* readdir withFileTypes: one entry; name lives as long as the results. */
typedef struct {
    const char *name;
    asy_dirent_type_t type;
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
} asy_fs_type_t;

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
    asy_fs_type_t type;
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
    asy_iov_t *bufs_;
    unsigned nbufs_;
    asy_iov_t bufsml_[4];
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
ASYNCRT_API int asy_fs_read(asy_loop_t *loop, asy_fs_t *req, int fd, const asy_iov_t *bufs,
                            unsigned nbufs, int64_t offset, asy_fs_cb cb);
ASYNCRT_API int asy_fs_write(asy_loop_t *loop, asy_fs_t *req, int fd, const asy_iov_t *bufs,
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
