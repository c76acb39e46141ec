/* File streams (Node's fs.createReadStream / fs.createWriteStream): a
 * Readable or Writable of the stream layer whose _read / _write / _writev
 * are async fs reads and writes on the loop's thread pool.
 *
 *   asy_fs_stream_t in, out;
 *   asy_fs_create_read_stream(loop, &in, "input.txt", NULL);
 *   asy_fs_create_write_stream(loop, &out, "copy.txt", NULL);
 *   asy_stream_t *streams[] = { &in.stream, &out.stream };
 *   asy_pipeline(streams, 2, on_done, NULL);
 *
 * `fs.stream` is the stream: pass it to every asy_stream_* call and to
 * pipeline; asy_fs_stream_of() finds the file stream again from it (in an
 * event callback).  The struct is the caller's; the stream's on_close is
 * the last call the library makes with it (docs/stream.md).
 *
 * Node's behaviour, step by step: the file is opened on the tick after
 * creation (_construct), then on_open runs (Node's 'open' and 'ready');
 * each _read reads min(highWaterMark, what is left up to `end`) bytes
 * straight into a fresh asy_buf_t (positional reads when `start` is given)
 * and pushes it; a read of 0 bytes is the end.  Writes go through one
 * write (or writev for buffered chunks) each, repeated until every byte is
 * written.  destroy (automatic after 'end' / 'finish' unless
 * no_auto_close) waits for the I/O in flight, then closes the fd once;
 * 'close' follows.  An error (open, read, write, close) is emitted with its
 * ASY_E* code; asy_fs_stream_error() gives Node's message for it
 * ("ENOENT: no such file or directory, open 'x'"). */
#pragma once
#include "fs.h"
#include "../buf/bufchain.h"
#include "../loop/handle.h"
#include "../stream/stream.h"

typedef struct asy_fs_stream_s asy_fs_stream_t;

/* The longest path a file stream keeps, with its NUL (Linux's PATH_MAX):
 * the stream holds a copy of its path for its whole life, so Node's .path
 * and error messages work even after 'close'. */
#define ASY_FS_STREAM_PATH_MAX 4096

/* Node's 'open' (fd) and 'ready', which Node emits together; runs just
 * after the open succeeded, before any read or write. */
typedef void (*asy_fs_stream_open_cb)(asy_fs_stream_t *fs, int fd);

/* createReadStream options; zero is Node's default for every field, NULL
 * options are all defaults. */
typedef struct asy_fs_read_stream_opts_t {
    const char *flags; /* Node's open flags (asy_fs_open_flags); NULL: "r" */
    int mode;          /* 0: 0666 */
    /* Read an fd that is already open instead of opening path (Node's
     * `fd`); it is closed at the end unless no_auto_close. */
    int use_fd;
    int fd;
    /* First byte to read (positional reads from there); without it reads
     * start at the file position. */
    int has_start;
    int64_t start;
    /* Last byte to read, inclusive as in Node (end 0 reads one byte). */
    int has_end;
    int64_t end;
    size_t high_water_mark; /* bytes per read; 0: 64 KiB, as Node */
    /* autoClose: false -- the fd stays open after 'end' (no 'close' until
     * asy_stream_destroy). */
    int no_auto_close;
    asy_fs_stream_open_cb on_open; /* may be NULL */
} asy_fs_read_stream_opts_t;

/* createWriteStream options; zero means Node's default. */
typedef struct asy_fs_write_stream_opts_t {
    const char *flags; /* NULL: "w"; "a" appends, "wx" fails with EEXIST, "r+" patches */
    int mode;          /* 0: 0666 */
    int use_fd;
    int fd;
    int has_start; /* write from byte `start` on (positional writes) */
    int64_t start;
    size_t high_water_mark; /* 0: 16 KiB, as Node's Writable */
    int no_auto_close;      /* autoClose: false -- fd stays open after 'finish' */
    int flush;              /* fsync the file before closing it (Node's `flush`) */
    asy_fs_stream_open_cb on_open;
} asy_fs_write_stream_opts_t;

struct asy_fs_stream_s {
    asy_stream_t stream; /* the Readable or Writable */
    /* -- everything below is private -- */
    asy_fs_t req_; /* one operation at a time: open, read/write, fsync, close */
    asy_fs_stream_open_cb on_open_;
    unsigned fflags_;
    int fd_, oflags_, mode_;
    int64_t pos_, end_; /* the next position (with start), the last byte (with end) */
    uint64_t bytes_;    /* bytesRead or bytesWritten */
    int destroy_err_;
    int fail_;                 /* the failed fs operation, for asy_fs_stream_error */
    const char *fail_syscall_;
    int fail_path_;
    asy_buf_t rbuf_;     /* the read in flight */
    asy_iov_t *iov_;   /* the write in flight: what is left of it */
    unsigned niov_;
    int retries_;
    int64_t wpos_;
    size_t wleft_;
    asy_iov_t iovsml_[8];
    char path_[ASY_FS_STREAM_PATH_MAX];
};

/* fs.createReadStream(path, opts).  path is copied; with use_fd it is
 * ignored (may be NULL), as in Node.  ASY_EINVAL (no path and no fd, unknown flags), ASY_ERANGE
 * (negative start or end, start > end), ASY_ENAMETOOLONG (a path of
 * ASY_FS_STREAM_PATH_MAX bytes or more, which open() would refuse too);
 * nothing is started then. */
ASYNCRT_API int asy_fs_create_read_stream_at(asy_loop_t *loop, asy_fs_stream_t *fs,
                                             const char *path,
                                             const asy_fs_read_stream_opts_t *opts,
                                             const char *file, int line);
/* fs.createWriteStream(path, opts); the same rules. */
ASYNCRT_API int asy_fs_create_write_stream_at(asy_loop_t *loop, asy_fs_stream_t *fs,
                                              const char *path,
                                              const asy_fs_write_stream_opts_t *opts,
                                              const char *file, int line);
/* Both record the caller's file:line as the stream's creation site (an
 * uncaught 'error' names it); variadic for compound-literal opts. */
#define asy_fs_create_read_stream(...) asy_fs_create_read_stream_at(__VA_ARGS__, ASY_HERE)
#define asy_fs_create_write_stream(...) asy_fs_create_write_stream_at(__VA_ARGS__, ASY_HERE)
/* The file stream whose `stream` member s is; NULL for any other stream. */
ASYNCRT_API asy_fs_stream_t *asy_fs_stream_of(asy_stream_t *s);

/* Node's getters. */
ASYNCRT_API uint64_t asy_fs_stream_bytes_read(const asy_fs_stream_t *fs);    /* .bytesRead */
ASYNCRT_API uint64_t asy_fs_stream_bytes_written(const asy_fs_stream_t *fs); /* .bytesWritten */
ASYNCRT_API const char *asy_fs_stream_path(const asy_fs_stream_t *fs);       /* .path */
/* .pending: 1 while the stream has no fd -- before the open completed,
 * and (as in Node, whose fd becomes null) once it was closed. */
ASYNCRT_API int asy_fs_stream_pending(const asy_fs_stream_t *fs);
/* .fd: the file descriptor, -1 when none. */
ASYNCRT_API int asy_fs_stream_fd(const asy_fs_stream_t *fs);
/* Node's message for the file-system call that failed on this stream
 * ("EISDIR: illegal operation on a directory, read"); "" when none did
 * (the stream may still have failed for another reason: a pipeline's
 * other stream, a destroy(err)). */
ASYNCRT_API const char *asy_fs_stream_error(const asy_fs_stream_t *fs, char *buf, size_t len);
