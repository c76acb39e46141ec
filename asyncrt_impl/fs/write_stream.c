/* fs.createWriteStream: _write and _writev are async writes, repeated
 * until every byte is written (Node's writeAll / writevAll). */
#include "fs.internal.h"
#include "fstream.internal.h"
#include "../buf/bufchain.h"
#include "../loop/handle.h"
#include "../stream/stream.h"

/* Node gives up after this many writes in a row that wrote nothing. */
#define ASY__FSS_MAX_RETRIES 5

ASY__INTERNAL void asy__ws_submit(asy_fs_stream_t *fs);

ASY__INTERNAL void asy__ws_finish(asy_fs_stream_t *fs, int status) {
    int was_destroying = (fs->fflags_ & ASY__FSS_DESTROYING) != 0;
    if (fs->iov_ != fs->iovsml_) asy__free(fs->iov_);
    fs->iov_ = fs->iovsml_;
    fs->niov_ = 0;
    fs->fflags_ &= ~(unsigned)ASY__FSS_BUSY;
    /* An error here destroys the stream (autoDestroy); _destroy then finds
     * no I/O in flight and closes at once.  When _destroy came first, it
     * left the closing to us. */
    asy_stream_write_done(&fs->stream, status);
    /* Node closes with `err || writeError`: a write that _destroy cut
     * short makes the destroy an ERR_STREAM_DESTROYED error */
    if (was_destroying) asy__fss_close(fs, fs->destroy_err_ ? fs->destroy_err_ : status);
}

/* Drops the n bytes just written from the front of the iovecs. */
ASY__INTERNAL void asy__ws_advance(asy_fs_stream_t *fs, size_t n) {
    unsigned i = 0;
    while (i < fs->niov_ && n >= fs->iov_[i].len) n -= fs->iov_[i++].len;
    if (i) {
        memmove(fs->iov_, fs->iov_ + i, (fs->niov_ - i) * sizeof(asy_iov_t));
        fs->niov_ -= i;
    }
    if (n && fs->niov_) {
        fs->iov_[0].base = (char *)fs->iov_[0].base + n;
        fs->iov_[0].len -= n;
    }
}

ASY__INTERNAL void asy__ws_done(asy_fs_t *req) {
    asy_fs_stream_t *fs = ASY_CONTAINER_OF(req, asy_fs_stream_t, req_);
    int64_t n = req->result;
    if (n == ASY_EAGAIN) n = 0; /* nothing written this time: try again */
    if (n < 0) {
        asy__fss_record(fs, req);
        asy__ws_finish(fs, (int)n);
        return;
    }
    if (fs->fflags_ & ASY__FSS_DESTROYING) {
        /* Node: the write's callback gets ERR_STREAM_DESTROYED */
        asy__ws_finish(fs, ASY_ESTREAM_DESTROYED);
        return;
    }
    fs->bytes_ += (uint64_t)n;
    fs->retries_ = n ? 0 : fs->retries_ + 1;
    fs->wleft_ -= (size_t)n;
    if (fs->wpos_ >= 0) fs->wpos_ += n;
    if (fs->retries_ > ASY__FSS_MAX_RETRIES) {
        asy__fss_fail(fs, ASY_EIO, "write", 0);
        asy__ws_finish(fs, ASY_EIO);
    } else if (fs->wleft_) {
        asy__ws_advance(fs, (size_t)n);
        asy__ws_submit(fs);
    } else {
        asy__ws_finish(fs, 0);
    }
}

ASY__INTERNAL void asy__ws_submit(asy_fs_stream_t *fs) {
    int r = asy_fs_write(fs->stream.loop, &fs->req_, fs->fd_, fs->iov_, fs->niov_, fs->wpos_,
                         asy__ws_done);
    if (r < 0) {
        asy__fss_fail(fs, r, "write", 0);
        asy__ws_finish(fs, r);
    }
}

/* Starts writing the chunks (fs->iov_ holds them), at `start` + what was
 * written so far, or at the file position. */
ASY__INTERNAL void asy__ws_start(asy_fs_stream_t *fs, size_t total) {
    fs->fflags_ |= ASY__FSS_BUSY;
    fs->retries_ = 0;
    fs->wleft_ = total;
    fs->wpos_ = (fs->fflags_ & ASY__FSS_HAS_POS) ? fs->pos_ : -1;
    if (fs->fflags_ & ASY__FSS_HAS_POS) fs->pos_ += (int64_t)total;
    /* an empty chunk still makes its (empty) write, as in Node, so its
     * callback comes as late as any other */
    asy__ws_submit(fs);
}

ASY__INTERNAL void asy__ws_write(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_fs_stream_t *fs = asy__fss_of(s);
    fs->iov_ = fs->iovsml_;
    fs->iov_[0].base = chunk->data;
    fs->iov_[0].len = chunk->len;
    fs->niov_ = 1;
    asy__ws_start(fs, chunk->len);
}

ASY__INTERNAL void asy__ws_writev(asy_stream_t *s, const asy_buf_t *chunks, size_t n) {
    asy_fs_stream_t *fs = asy__fss_of(s);
    size_t i, total = 0;
    unsigned k = 0;
    if (n > ASY_ARRAY_SIZE(fs->iovsml_)) {
        if (n > UINT_MAX || !(fs->iov_ = ASY__NEW_ARRAY(asy_iov_t, n))) {
            fs->iov_ = fs->iovsml_;
            asy_stream_write_done(s, ASY_ENOMEM);
            return;
        }
    } else {
        fs->iov_ = fs->iovsml_;
    }
    for (i = 0; i < n; i++) {
        if (!chunks[i].len) continue; /* empty chunks add nothing */
        fs->iov_[k].base = chunks[i].data;
        fs->iov_[k].len = chunks[i].len;
        total += chunks[i].len;
        k++;
    }
    if (k == 0) { /* only empty chunks: one empty write */
        fs->iov_[0].base = NULL;
        fs->iov_[0].len = 0;
        k = 1;
    }
    fs->niov_ = k;
    asy__ws_start(fs, total);
}

static const asy_stream_impl_t asy__fs_write_impl = {asy__fss_construct, NULL, asy__ws_write,
                                                   asy__ws_writev, NULL, asy__fss_destroy,
                                                   NULL, NULL};

static int asy__fs_create_write_stream(asy_loop_t *loop, asy_fs_stream_t *fs, const char *path,
                                       const asy_fs_write_stream_opts_t *opts) {
    asy_fs_write_stream_opts_t o;
    asy_stream_opts_t so;
    int r;
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof(o));
    r = asy__fss_setup(loop, fs, path, o.flags, "w", o.mode, o.use_fd, o.fd, o.has_start, o.start);
    if (r < 0) return r;
    fs->fflags_ |= ASY__FSS_WRITER;
    if (o.flush) fs->fflags_ |= ASY__FSS_FLUSH;
    fs->on_open_ = o.on_open;
    memset(&so, 0, sizeof(so));
    so.high_water_mark = o.high_water_mark;
    so.no_auto_destroy = o.no_auto_close;
    return asy_writable_init(loop, &fs->stream, &asy__fs_write_impl, &so);
}

ASYNCRT_API asy_fs_stream_t *asy_fs_stream_of(asy_stream_t *s) {
    if (!s || (!asy__fs_is_read_stream(s) && s->impl_ != &asy__fs_write_impl)) return NULL;
    return asy__fss_of(s);
}

ASYNCRT_API int asy_fs_create_write_stream_at(asy_loop_t *loop, asy_fs_stream_t *fs,
                                              const char *path,
                                              const asy_fs_write_stream_opts_t *opts,
                                              const char *file, int line) {
    int r = asy__fs_create_write_stream(loop, fs, path, opts);
    if (r == 0) asy_stream_set_origin(&fs->stream, file, line); /* the caller's line */
    return r;
}
