/* Child processes (Node's child_process.spawn; uv_spawn).
 *
 *   asy_process_t child;
 *   const char *args[] = {"git", "log", "--oneline", NULL};
 *   asy_spawn(loop, &child, "git", args, NULL, on_exit);
 *   asy_process_read_start(&child, 1, on_stdout);
 *
 * The process handle is caller-owned and stays valid until its close
 * callback (asy_close).  A child is started with vfork (fork when uid/gid
 * change) and its exec error travels back through a close-on-exec pipe, so
 * a missing program is reported as ASY_ENOENT -- always through the exit
 * callback, never as a crash.  Exits are found through SIGCHLD: each loop
 * reaps only its own pids (waitpid(pid, WNOHANG)), so several loops and
 * other code that spawns children can share the process. */
#pragma once
#include "../base/queue.h"
#include "../loop/io.h"
#include "../loop/phases.h"
#include "../stream/stream.h"
#include "../net/pipe.h"
typedef struct asy_process_s asy_process_t;
typedef struct asy_ipc_s asy_ipc_t;

/* What the child gets on one fd.  Zero (PIPE) is the default, as in Node. */
typedef enum {
    ASY_STDIO_PIPE = 0, /* a pipe to the parent (read/write it with asy_process_*) */
    ASY_STDIO_INHERIT,  /* the parent's own fd of the same number */
    ASY_STDIO_IGNORE,   /* /dev/null */
    ASY_STDIO_FD        /* `fd` (the caller's, left open in the parent) */
} asy_stdio_kind_t;

typedef struct {
    asy_stdio_kind_t kind;
    int fd; /* for ASY_STDIO_FD */
    /* ASY_STDIO_PIPE only, optional: a pipe handle you initialised
     * (asy_pipe_init) that receives the parent's end, so the child's fd is
     * a stream of the net layer (asy_sock_read_start / asy_sock_write /
     * asy_sock_shutdown; close it with asy_close).  NULL: the pipe is read
     * and written with the asy_process_* calls below. */
    asy_pipe_t *pipe;
    /* ASY_STDIO_PIPE only, optional: a stream struct of yours that
     * asy_spawn initialises as the child's end in Node's shape: fd 0 a
     * Writable (child.stdin), fds 1 and 2 Readables (child.stdout,
     * child.stderr), extra fds Duplexes.  Set its events after asy_spawn;
     * the struct must live until its on_close.  If the child does not
     * start, the stream is destroyed (on_close only).  Closing the process
     * handle destroys the streams still open. */
    asy_stream_t *stream;
} asy_stdio_opt_t;

#define ASY_PROCESS_MAX_STDIO 16

/* status: 0, or a negative code when the child could not be started
 * (ASY_ENOENT, ASY_EACCES, ASY_EMFILE...; exit_code is then -1).
 * exit_code: 0..255 after a normal exit, -1 when a signal ended it;
 * term_signal: the signal that ended it, or 0. */
typedef void (*asy_exit_cb)(asy_process_t *p, int status, int exit_code, int term_signal);

typedef struct {
    const char *cwd; /* NULL: the parent's */
    /* "KEY=VALUE" strings, NULL-terminated.  NULL: inherit the parent's
     * environment.  Otherwise it replaces it, or with env_extend set it is
     * laid over the parent's (same keys replaced).  PATH lookup of a file
     * without '/' uses the child's PATH. */
    const char *const *env;
    int env_extend;
    /* stdio[i] is the child's fd i; stdio_count 0 means 3 (stdin, stdout,
     * stderr), all pipes unless set. */
    asy_stdio_opt_t stdio[ASY_PROCESS_MAX_STDIO];
    int stdio_count;
    int detached;    /* setsid(): own session and process group */
    int set_uid, set_gid;
    unsigned uid, gid;
    int kill_signal; /* what asy_process_kill(p, 0) sends; 0: SIGTERM */
    /* Non-NULL: open an IPC channel (see ipc.h) on this caller-owned
     * handle.  The child finds its end through ASYNCRT_CHANNEL_FD. */
    asy_ipc_t *ipc;
    /* Node's 'close' event: after the exit *and* EOF on every pipe whose
     * reading was started (pipes never read do not hold it back). */
    asy_exit_cb on_close;
    /* Called when a write queue that made asy_process_write return 0 has
     * emptied (status 0), or when a queued write failed (status < 0). */
    void (*on_drain)(asy_process_t *p, int fd, int status);
    /* Bytes queued on a pipe before asy_process_write returns 0; 0: 64 KiB. */
    size_t high_water_mark;
} asy_process_opts_t;

/* Parent's end of one stdio pipe (private). */
struct asy__child_pipe {
    asy__io io;
    asy_process_t *owner;
    int index;         /* the child's fd number */
    int readable;      /* the child writes, we read */
    int writable;      /* the child reads, we write */
    int started, reading, eof, ending, want_drain, err;
    asy_stream_t *stream; /* the Node-style stream over this pipe, if any */
    int stream_wpending, stream_final_pending;
    /* A readable stream's 'close' holds back the process's on_close, as in
     * Node: watched is the stream until it has emitted 'close'. */
    asy_stream_t *watched;
    asy__stream_listener close_listener;
    void (*read_cb)(asy_process_t *p, int fd, const char *data, long nread);
    char *wbuf;
    size_t wlen, woff, wcap;
};

struct asy_process_s {
    ASY_HANDLE_FIELDS
    int pid; /* 0 until started, and after a spawn error */
    /* -- private -- */
    asy_exit_cb exit_cb_;
    asy_exit_cb close_ev_cb_;
    void (*drain_cb_)(asy_process_t *p, int fd, int status);
    int kill_signal_;
    int status_, exit_code_, term_signal_;
    int exited_, exit_reported_, close_reported_;
    size_t hwm_;
    struct asy__child_pipe *pipes_;
    int npipes_;
    asy__queue live_link_; /* loop's list of unreaped children */
    asy_pending_t error_req_;
};

/* Starts `file` with argv `args` (NULL-terminated; args[0] is the child's
 * argv[0]; NULL args means {file, NULL}).  opts may be NULL.  Returns 0
 * once the handle is set up; whether the child really started is told by
 * exit_cb (status < 0: it did not).  Returns ASY_EINVAL at once for bad
 * arguments, and then the handle is untouched. */
ASYNCRT_API int asy_spawn_at(asy_loop_t *loop, asy_process_t *p, const char *file,
                             const char *const *args, const asy_process_opts_t *opts,
                             asy_exit_cb exit_cb, const char *src_file, int src_line);
#define asy_spawn(loop, p, file, args, opts, cb) \
    asy_spawn_at((loop), (p), (file), (args), (opts), (cb), ASY_HERE)
/* Sends signum (0: the spawn's kill_signal, default SIGTERM).  ASY_ESRCH
 * once the child has been reaped. */
ASYNCRT_API int asy_process_kill(asy_process_t *p, int signum);
ASYNCRT_API int asy_process_pid(const asy_process_t *p);
/* kill(2) with an ASY_E* result. */
ASYNCRT_API int asy_kill(int pid, int signum);

/* ---- the child's stdio pipes ------------------------------------------
 * These read and write the parent's end of ASY_STDIO_PIPE fds.  Data
 * passed to read_cb lives only during the call; nread is a byte count, or
 * ASY_EOF once (then the pipe is closed), or another negative code. */
typedef void (*asy_process_read_cb)(asy_process_t *p, int fd, const char *data, long nread);
ASYNCRT_API int asy_process_read_start(asy_process_t *p, int fd, asy_process_read_cb cb);
ASYNCRT_API int asy_process_read_stop(asy_process_t *p, int fd);
/* Queues a copy of data for the child's fd.  Returns 1 while less than
 * high_water_mark bytes wait, 0 when the caller should wait for on_drain
 * (the data is queued either way), ASY_EPIPE once the pipe is closed. */
ASYNCRT_API int asy_process_write(asy_process_t *p, int fd, const void *data, size_t len);
/* Closes the pipe once its queue is written: the child sees EOF. */
ASYNCRT_API int asy_process_end(asy_process_t *p, int fd);
/* The parent's end of pipe fd in *out (for use with other libraries): 0,
 * or ASY_EBADF when the process holds none there (no pipe, closed, or
 * owned by an asy_pipe_t) and *out is ASY_OS_FD_INVALID. */
ASYNCRT_API int asy_process_stdio_fd(const asy_process_t *p, int fd, asy_os_fd_t *out);
