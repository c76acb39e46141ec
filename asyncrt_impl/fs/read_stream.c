/* fs.createReadStream: _read is one async read into a fresh buffer. */
#include "fstream.internal.h"
#include "../base/errors.h"
#include "../buf/bufchain.h"
#include "../buf/buf.internal.h"
#include "../loop/handle.h"
#include "../stream/stream.internal.h"

ASY__INTERNAL void asy__rs_done(asy_fs_t *req) {
    asy_fs_stream_t *fs = ASY_CONTAINER_OF(req, asy_fs_stream_t, req_);
    asy_stream_t *s = &fs->stream;
    int64_t n = req->result;
    fs->fflags_ &= ~(unsigned)ASY__FSS_BUSY;
    if (fs->fflags_ & ASY__FSS_DESTROYING) {
        /* _destroy was waiting for this read: now the fd can go.  Node
         * closes with `err || readError`; a cancelled read is no error. */
        int err = fs->destroy_err_;
        asy_buf_release(&fs->rbuf_);
        if (!err && n < 0 && n != ASY_ECANCELED) {
            asy__fss_record(fs, req);
            err = (int)n;
        }
        asy__fss_close(fs, err);
        return;
    }
    if (n < 0) {
        asy_buf_release(&fs->rbuf_);
        asy__fss_record(fs, req);
        asy__stream_error_or_destroy(s, (int)n, 0);
        return;
    }
    if (n == 0) {
        asy_buf_release(&fs->rbuf_);
        asy_stream_push_end(s);
        return;
    }
    if (fs->fflags_ & ASY__FSS_HAS_POS) fs->pos_ += n;
    fs->bytes_ += (uint64_t)n;
    if ((size_t)n < fs->rbuf_.len) {
        /* a short read (the end of the file): give the rest of the block
         * back rather than keep it alive with the chunk (Node copies) */
        fs->rbuf_.len = (size_t)n;
        asy__buf_shrink(&fs->rbuf_);
    }
    asy_stream_push_move(s, &fs->rbuf_);
}

ASY__INTERNAL void asy__rs_read(asy_stream_t *s, size_t size) {
    asy_fs_stream_t *fs = asy__fss_of(s);
    asy_iov_t iov;
    int r;
    if (fs->fflags_ & ASY__FSS_HAS_END) {
        /* up to `end` inclusive: from the position, or (reading at the
         * file position) counted from the first byte read, as Node does */
        int64_t left = (fs->fflags_ & ASY__FSS_HAS_POS) ? fs->end_ - fs->pos_ + 1
                                                          : fs->end_ - (int64_t)fs->bytes_ + 1;
        if (left <= 0) {
            asy_stream_push_end(s);
            return;
        }
        if ((uint64_t)left < (uint64_t)size) size = (size_t)left;
    }
    if (size == 0) { /* Node: a highWaterMark of 0 reads nothing */
        asy_stream_push_end(s);
        return;
    }
    if ((r = asy_buf_alloc_unsafe(&fs->rbuf_, size)) < 0) {
        asy__stream_error_or_destroy(s, r, 0);
        return;
    }
    iov.base = fs->rbuf_.data;
    iov.len = size;
    fs->fflags_ |= ASY__FSS_BUSY;
    r = asy_fs_read(s->loop, &fs->req_, fs->fd_, &iov, 1,
                    (fs->fflags_ & ASY__FSS_HAS_POS) ? fs->pos_ : -1, asy__rs_done);
    if (r < 0) {
        fs->fflags_ &= ~(unsigned)ASY__FSS_BUSY;
        asy_buf_release(&fs->rbuf_);
        asy__fss_fail(fs, r, "read", 0);
        asy__stream_error_or_destroy(s, r, 0);
    }
}

static const asy_stream_impl_t asy__fs_read_impl = {asy__fss_construct, asy__rs_read, NULL, NULL,
                                                  NULL, asy__fss_destroy, NULL, NULL};

/* Whether s is a file read stream (asy_fs_stream_of, in write_stream.c). */
ASY__INTERNAL int asy__fs_is_read_stream(const asy_stream_t *s) { return s->impl_ == &asy__fs_read_impl; }

static int asy__fs_create_read_stream(asy_loop_t *loop, asy_fs_stream_t *fs, const char *path,
                                      const asy_fs_read_stream_opts_t *opts) {
    asy_fs_read_stream_opts_t o;
    asy_stream_opts_t so;
    int r;
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof(o));
    if (o.has_end && o.end < 0) return ASY_ERANGE;
    if (o.has_start && o.has_end && o.start > o.end) return ASY_ERANGE;
    r = asy__fss_setup(loop, fs, path, o.flags, "r", o.mode, o.use_fd, o.fd, o.has_start, o.start);
    if (r < 0) return r;
    if (o.has_end) {
        fs->fflags_ |= ASY__FSS_HAS_END;
        fs->end_ = o.end;
    }
    fs->on_open_ = o.on_open;
    memset(&so, 0, sizeof(so));
    so.high_water_mark = o.high_water_mark ? o.high_water_mark : 64 * 1024;
    so.no_auto_destroy = o.no_auto_close;
    return asy_readable_init(loop, &fs->stream, &asy__fs_read_impl, &so);
}

ASYNCRT_API int asy_fs_create_read_stream_at(asy_loop_t *loop, asy_fs_stream_t *fs,
                                             const char *path,
                                             const asy_fs_read_stream_opts_t *opts,
                                             const char *file, int line) {
    int r = asy__fs_create_read_stream(loop, fs, path, opts);
    if (r == 0) asy_stream_set_origin(&fs->stream, file, line); /* the caller's line */
    return r;
}
