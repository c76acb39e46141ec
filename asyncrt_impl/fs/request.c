/* The life of an fs request: set-up, the trip through the pool, the
 * callback and what is freed after it, error messages. */
#include "fs.internal.h"
#include "../buf/buf.h"
#include "../loop/loop.h"
#include "../pool/pool.internal.h"

static const char *asy__fs_syscall_name(asy_fs_type_t t) {
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
static int asy__fs_init(asy_loop_t *loop, asy_fs_t *req, asy_fs_type_t type, const char *path,
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
