/* What the read and write file streams share: options, opening the file
 * (_construct), closing it exactly once (_destroy), the getters and the
 * error message.  Node: lib/internal/fs/streams.js. */
#pragma once
#include "fstream.h"
#include "../base/sys.internal.h"
#include "../loop/handle.h"
#include "../stream/stream.h"

enum {
    ASY__FSS_WRITER = 1u << 0,
    ASY__FSS_HAS_POS = 1u << 1,  /* `start` given: positional I/O */
    ASY__FSS_HAS_END = 1u << 2,
    ASY__FSS_FLUSH = 1u << 3,
    ASY__FSS_BUSY = 1u << 4,       /* a read or write is in the pool */
    ASY__FSS_DESTROYING = 1u << 5  /* _destroy waits for that I/O */
};

ASY__INTERNAL asy_fs_stream_t *asy__fss_of(asy_stream_t *s) {
    return ASY_CONTAINER_OF(s, asy_fs_stream_t, stream);
}

/* Remembers the failed call for asy_fs_stream_error. */
ASY__INTERNAL void asy__fss_fail(asy_fs_stream_t *fs, int err, const char *syscall, int with_path) {
    fs->fail_ = err;
    fs->fail_syscall_ = syscall;
    fs->fail_path_ = with_path;
}

ASY__INTERNAL void asy__fss_record(asy_fs_stream_t *fs, const asy_fs_t *req) {
    asy__fss_fail(fs, (int)req->result, req->syscall, req->type == ASY_FS_OPEN);
}

/* Checks and records what both kinds take; the stream itself is not
 * touched before everything is known to be valid. */
ASY__INTERNAL int asy__fss_setup(asy_loop_t *loop, asy_fs_stream_t *fs, const char *path,
                                 const char *flags, const char *dflt, int mode, int use_fd,
                                 int fd, int has_start, int64_t start) {
    int oflags = 0;
    size_t plen = path && !use_fd ? strlen(path) : 0; /* Node ignores path with fd */
    if (!loop || !fs) return ASY_EINVAL;
    if (use_fd ? fd < 0 : !path) return ASY_EINVAL;
    if (mode < 0) return ASY_EINVAL;
    if (plen >= ASY_FS_STREAM_PATH_MAX) return ASY_ENAMETOOLONG;
    if (!use_fd && (oflags = asy_fs_open_flags(flags ? flags : dflt)) < 0) return oflags;
    if (has_start && start < 0) return ASY_ERANGE;
    /* the struct is large (the path buffer): clear only what is used */
    memset(fs, 0, offsetof(asy_fs_stream_t, path_));
    if (plen) memcpy(fs->path_, path, plen);
    fs->path_[plen] = 0;
    fs->fd_ = use_fd ? fd : -1;
    fs->oflags_ = oflags;
    fs->mode_ = mode ? mode : 0666;
    if (has_start) {
        fs->fflags_ |= ASY__FSS_HAS_POS;
        fs->pos_ = start;
    }
    fs->iov_ = fs->iovsml_;
    return 0;
}

/* ---- _construct: open the file ------------------------------------------- */

ASY__INTERNAL void asy__fss_opened(asy_fs_t *req) {
    asy_fs_stream_t *fs = ASY_CONTAINER_OF(req, asy_fs_stream_t, req_);
    if (req->result < 0) {
        asy__fss_record(fs, req);
        asy_stream_construct_done(&fs->stream, (int)req->result);
        return;
    }
    fs->fd_ = (int)req->result;
    /* Node calls back first, then emits 'open' and 'ready' */
    asy_stream_construct_done(&fs->stream, 0);
    if (fs->on_open_) fs->on_open_(fs, fs->fd_);
}

ASY__INTERNAL void asy__fss_construct(asy_stream_t *s) {
    asy_fs_stream_t *fs = asy__fss_of(s);
    int r;
    if (fs->fd_ >= 0) { /* the caller's fd: nothing to open, no 'open' event */
        asy_stream_construct_done(s, 0);
        return;
    }
    r = asy_fs_open(s->loop, &fs->req_, fs->path_, fs->oflags_, fs->mode_, asy__fss_opened);
    if (r < 0) {
        asy__fss_fail(fs, r, "open", 1);
        asy_stream_construct_done(s, r);
    }
}

/* ---- _destroy: close the fd, once ---------------------------------------- */

ASY__INTERNAL void asy__fss_closed(asy_fs_t *req) {
    asy_fs_stream_t *fs = ASY_CONTAINER_OF(req, asy_fs_stream_t, req_);
    int err = fs->destroy_err_;
    if (req->result < 0) { /* Node: cb(closeError || err) */
        asy__fss_record(fs, req);
        err = (int)req->result;
    }
    asy_stream_destroy_done(&fs->stream, err);
}

ASY__INTERNAL void asy__fss_close_fd(asy_fs_stream_t *fs, int err) {
    int fd = fs->fd_, r;
    fs->fd_ = -1; /* from here on the stream has no fd (Node sets it null) */
    fs->destroy_err_ = err;
    r = asy_fs_close(fs->stream.loop, &fs->req_, fd, asy__fss_closed);
    if (r < 0) {
        /* the pool refused the job (out of memory): close here rather
         * than leak the fd */
        asy_fs_close_sync(&fs->req_, fd);
        asy_fs_req_cleanup(&fs->req_);
        asy_stream_destroy_done(&fs->stream, err ? err : r);
    }
}

ASY__INTERNAL void asy__fss_synced(asy_fs_t *req) {
    asy_fs_stream_t *fs = ASY_CONTAINER_OF(req, asy_fs_stream_t, req_);
    int err = fs->destroy_err_;
    if (req->result < 0 && !err) { /* Node: err || flushError */
        asy__fss_record(fs, req);
        err = (int)req->result;
    }
    asy__fss_close_fd(fs, err);
}

/* Node's close(stream, err, cb): fsync first with `flush`. */
ASY__INTERNAL void asy__fss_close(asy_fs_stream_t *fs, int err) {
    fs->fflags_ &= ~(unsigned)ASY__FSS_DESTROYING;
    if (fs->fd_ < 0) {
        asy_stream_destroy_done(&fs->stream, err);
        return;
    }
    if (fs->fflags_ & ASY__FSS_FLUSH) {
        fs->destroy_err_ = err;
        if (asy_fs_fsync(fs->stream.loop, &fs->req_, fs->fd_, asy__fss_synced) == 0) return;
    }
    asy__fss_close_fd(fs, err);
}

ASY__INTERNAL void asy__fss_destroy(asy_stream_t *s, int err) {
    asy_fs_stream_t *fs = asy__fss_of(s);
    if (fs->fflags_ & ASY__FSS_BUSY) {
        /* The pool thread may be using the fd: closing it now could close
         * a newly opened file that reused the number.  Wait for the I/O
         * (a read that has not started yet is dropped). */
        fs->fflags_ |= ASY__FSS_DESTROYING;
        fs->destroy_err_ = err;
        if (!(fs->fflags_ & ASY__FSS_WRITER)) asy_fs_cancel(&fs->req_);
        return;
    }
    asy__fss_close(fs, err);
}

/* ---- getters ---------------------------------------------------------------- */

ASYNCRT_API uint64_t asy_fs_stream_bytes_read(const asy_fs_stream_t *fs) {
    return fs && !(fs->fflags_ & ASY__FSS_WRITER) ? fs->bytes_ : 0;
}

ASYNCRT_API uint64_t asy_fs_stream_bytes_written(const asy_fs_stream_t *fs) {
    return fs && (fs->fflags_ & ASY__FSS_WRITER) ? fs->bytes_ : 0;
}

/* NULL for a stream made from an fd without a path, as Node's undefined */
ASYNCRT_API const char *asy_fs_stream_path(const asy_fs_stream_t *fs) {
    return fs && fs->path_[0] ? fs->path_ : NULL;
}

ASYNCRT_API int asy_fs_stream_pending(const asy_fs_stream_t *fs) { return fs ? fs->fd_ < 0 : 0; }

ASYNCRT_API int asy_fs_stream_fd(const asy_fs_stream_t *fs) { return fs ? fs->fd_ : -1; }

ASYNCRT_API const char *asy_fs_stream_error(const asy_fs_stream_t *fs, char *buf, size_t len) {
    asy_fs_t r;
    if (!buf || len == 0) return "";
    buf[0] = 0;
    if (!fs || fs->fail_ >= 0) return buf;
    /* a request describing the failed call, for the fs layer's formatter */
    memset(&r, 0, sizeof(r));
    r.result = fs->fail_;
    r.syscall = fs->fail_syscall_;
    r.path = fs->fail_path_ ? fs->path_ : NULL;
    return asy_fs_error(&r, buf, len);
}
