/* asy_spawn, parent side: everything the child needs (argv, envp, the
 * candidate paths along PATH, the fd of every slot) is prepared here, so
 * the vfork child only makes system calls.  vfork suspends this thread
 * until the child execs or exits, which is what makes it fast; fork is
 * used instead when uid/gid change, because glibc's setuid/setgid signal
 * every thread of the calling process, which must not happen from a child
 * sharing our memory. */
#include "ipc.h"
#include "process.internal.h"
#include "../base/queue.h"
#include "../loop/loop.internal.h"
#include "../backend/ops.internal.h"
#include "../net/pipe.h"
extern char **environ;

static int asy__env_key_len(const char *kv) {
    const char *eq = strchr(kv, '=');
    return eq ? (int)(eq - kv) : (int)strlen(kv);
}

static int asy__env_has_key(const char *const *env, const char *kv) {
    int n = asy__env_key_len(kv), i;
    for (i = 0; env[i]; i++)
        if (asy__env_key_len(env[i]) == n && memcmp(env[i], kv, (size_t)n) == 0) return 1;
    return 0;
}

/* The child's environment.  *out_envp may be environ itself (nothing to
 * free, *owned = NULL). */
static int asy__build_env(const asy_process_opts_t *o, const char *ipc_kv, char ***out_envp,
                          char ***owned) {
    const char *const *base = (const char *const *)environ;
    const char *const *user = o ? o->env : NULL;
    size_t nbase = 0, nuser = 0, k = 0, i;
    char **env;
    *owned = NULL;
    if (!user && !ipc_kv) {
        *out_envp = environ;
        return 0;
    }
    if (user && !o->env_extend) base = NULL;
    if (base)
        while (base[nbase]) nbase++;
    if (user)
        while (user[nuser]) nuser++;
    env = ASY__NEW_ARRAY(char *, nbase + nuser + 2);
    if (!env) return ASY_ENOMEM;
    for (i = 0; i < nbase; i++) {
        if (user && asy__env_has_key(user, base[i])) continue;
        /* a channel fd inherited from our own parent means nothing here */
        if (asy__env_key_len(base[i]) == (int)strlen(ASY_IPC_ENV) &&
            memcmp(base[i], ASY_IPC_ENV, strlen(ASY_IPC_ENV)) == 0)
            continue;
        env[k++] = (char *)base[i];
    }
    for (i = 0; i < nuser; i++) env[k++] = (char *)user[i];
    if (ipc_kv) env[k++] = (char *)ipc_kv;
    env[k] = NULL;
    *out_envp = env;
    *owned = env;
    return 0;
}

/* Candidate paths for execve: file itself when it has a '/', else each
 * PATH entry joined with file (an empty entry is the current directory). */
static int asy__build_paths(const char *file, char *const *envp, char ***out) {
    const char *path = NULL, *s;
    size_t flen = strlen(file), n = 1, bytes = 0, k = 0;
    char **v, *w;
    int i;
    for (i = 0; envp[i]; i++)
        if (strncmp(envp[i], "PATH=", 5) == 0) {
            path = envp[i] + 5;
            break;
        }
    if (!path) path = "/usr/local/bin:/bin:/usr/bin";
    for (s = path; *s; s++)
        if (*s == ':') n++;
    bytes = strlen(path) + n * (flen + 2);
    v = (char **)asy__malloc(sizeof(char *) * (n + 1) + bytes);
    if (!v) return ASY_ENOMEM;
    w = (char *)(v + n + 1);
    s = path;
    for (;;) {
        const char *e = strchr(s, ':');
        size_t dl = e ? (size_t)(e - s) : strlen(s);
        v[k++] = w;
        if (dl) {
            memcpy(w, s, dl);
            w += dl;
            if (w[-1] != '/') *w++ = '/';
        }
        memcpy(w, file, flen + 1);
        w += flen + 1;
        if (!e) break;
        s = e + 1;
    }
    v[k] = NULL;
    *out = v;
    return 0;
}

static void asy__proc_error_cb(void *arg) {
    asy_process_t *p = (asy_process_t *)arg;
    p->exit_reported_ = 1;
    asy__proc_update_active(p);
    if (p->exit_cb_) p->exit_cb_(p, p->status_, -1, 0);
    asy__after_cb(p->loop);
    asy__proc_maybe_close_event(p);
}

/* A spawn that failed after the handle was set up reports through the
 * exit callback, from the loop (never re-entrantly). */
static void asy__proc_fail(asy_process_t *p, int err) {
    p->status_ = err;
    p->exited_ = 1;
    p->exit_code_ = -1;
    asy_defer(p->loop, &p->error_req_, asy__proc_error_cb, p);
    asy__proc_update_active(p);
}

ASY__INTERNAL void asy__proc_reaped(asy_process_t *p, int wstatus) {
    p->exited_ = 1;
    p->exit_reported_ = 1;
    if (wstatus < 0) {
        p->exit_code_ = -1;
        p->term_signal_ = 0;
        p->status_ = ASY_ECHILD;
    } else if (WIFSIGNALED(wstatus)) {
        p->exit_code_ = -1;
        p->term_signal_ = WTERMSIG(wstatus);
    } else {
        p->exit_code_ = WEXITSTATUS(wstatus);
        p->term_signal_ = 0;
    }
    asy__proc_update_active(p);
    if (p->exit_cb_) {
        p->exit_cb_(p, p->status_, p->exit_code_, p->term_signal_);
        asy__after_cb(p->loop);
    }
    asy__proc_maybe_close_event(p);
}

/* Kept out of line so that no local of the caller lives across vfork's
 * second return (the child runs on this very stack). */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static pid_t asy__fork_exec(const struct asy__spawn_plan *plan, int use_fork) {
    pid_t pid;
    /* Until it execs, the child shares our open files (vfork runs no
     * atfork handler): tell the backend that closing an fd no longer
     * drops its epoll registration by itself. */
    asy__note_fork();
    pid = use_fork ? fork() : vfork();
    if (pid == 0) asy__child_run(plan); /* never returns */
    return pid;
}

static int asy__spawn_check(const asy_process_opts_t *o) {
    int i, n;
    if (!o) return 0;
    n = o->stdio_count ? o->stdio_count : 3;
    if (n < 0 || n > ASY_PROCESS_MAX_STDIO) return ASY_EINVAL;
    for (i = 0; i < n; i++) {
        switch (o->stdio[i].kind) {
            case ASY_STDIO_PIPE:
            case ASY_STDIO_INHERIT:
            case ASY_STDIO_IGNORE:
                break;
            case ASY_STDIO_FD:
                if (o->stdio[i].fd < 0) return ASY_EINVAL;
                break;
            default:
                return ASY_EINVAL;
        }
    }
    if (o->kill_signal < 0 || o->kill_signal >= NSIG) return ASY_EINVAL;
    return 0;
}

/* Sets up slot fds, forks, and reads the child's verdict.  Returns 0 or
 * the error that kept the child from running. */
static int asy__spawn_run(asy_process_t *p, const char *file, const char *const *args,
                          const asy_process_opts_t *o, int *ipc_parent_fd) {
    struct asy__spawn_plan plan;
    int nstd = (o && o->stdio_count) ? o->stdio_count : 3;
    int child_end[ASY_PROCESS_MAX_STDIO + 1], errpipe[2], devnull = -1;
    int ipc_pair[2], i, r = 0, child_err = 0, use_fork;
    char ipc_kv[48];
    const char *argv_default[2];
    char **owned_env = NULL, **paths = NULL, **envp = NULL;
    sigset_t all, old;
    pid_t pid;
    ssize_t n;

    for (i = 0; i <= ASY_PROCESS_MAX_STDIO; i++) child_end[i] = -1;
    errpipe[0] = errpipe[1] = ipc_pair[0] = ipc_pair[1] = -1;
    memset(&plan, 0, sizeof(plan));
    p->pipes_ = ASY__NEW_ARRAY(struct asy__child_pipe, (size_t)nstd);
    if (!p->pipes_) return ASY_ENOMEM;
    p->npipes_ = nstd;
    for (i = 0; i < nstd; i++) {
        struct asy__child_pipe *cp = &p->pipes_[i];
        memset(cp, 0, sizeof(*cp));
        cp->owner = p;
        cp->index = i;
        cp->io.fd = -1;
    }
    /* slots */
    for (i = 0; i < nstd && r == 0; i++) {
        asy_stdio_kind_t kind = o ? o->stdio[i].kind : ASY_STDIO_PIPE;
        if (kind == ASY_STDIO_PIPE) {
            int fds[2];
            /* stdout/stderr: plain pipes (the child writes, we read).
             * stdin and extra fds: socketpairs, so our writes can use
             * MSG_NOSIGNAL (a child that exits early gives EPIPE, not a
             * SIGPIPE that kills the parent). */
            if (i == 1 || i == 2) {
                if (pipe2(fds, O_CLOEXEC) != 0) r = asy__errno();
            } else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
                r = asy__errno();
            }
            if (r) break;
            plan.src[i] = child_end[i] = fds[1];
            p->pipes_[i].readable = i != 0;
            p->pipes_[i].writable = i == 0 || i > 2;
            asy__io_init(&p->pipes_[i].io, fds[0], asy__cpipe_io);
        } else if (kind == ASY_STDIO_INHERIT) {
            plan.src[i] = i;
        } else if (kind == ASY_STDIO_IGNORE) {
            if (devnull < 0) {
                devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
                if (devnull < 0) r = asy__errno();
            }
            plan.src[i] = devnull;
        } else {
            plan.src[i] = o->stdio[i].fd;
        }
    }
    plan.nslots = nstd;
    if (r == 0 && o && o->ipc) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ipc_pair) != 0) {
            r = asy__errno();
        } else {
            plan.src[nstd] = ipc_pair[1];
            plan.nslots = nstd + 1;
            snprintf(ipc_kv, sizeof(ipc_kv), "%s=%d", ASY_IPC_ENV, nstd);
        }
    }
    if (r == 0) r = asy__build_env(o, (o && o->ipc) ? ipc_kv : NULL, &envp, &owned_env);
    if (r == 0) r = strchr(file, '/') ? 0 : asy__build_paths(file, envp, &paths);
    if (r == 0 && pipe2(errpipe, O_CLOEXEC) != 0) r = asy__errno();
    if (r == 0) {
        char *single[2];
        single[0] = (char *)file;
        single[1] = NULL;
        if (!args) {
            argv_default[0] = file;
            argv_default[1] = NULL;
            args = argv_default;
        }
        plan.argv = (char *const *)args;
        plan.envp = envp;
        plan.paths = paths ? paths : single;
        plan.cwd = o ? o->cwd : NULL;
        plan.detached = o ? o->detached : 0;
        plan.set_uid = o ? o->set_uid : 0;
        plan.set_gid = o ? o->set_gid : 0;
        plan.uid = o ? o->uid : 0;
        plan.gid = o ? o->gid : 0;
        plan.err_fd = errpipe[1];
        use_fork = plan.set_uid || plan.set_gid;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        pid = asy__fork_exec(&plan, use_fork);
        if (pid < 0) r = asy__errno();
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        close(errpipe[1]);
        errpipe[1] = -1;
        if (pid > 0) {
            do n = read(errpipe[0], &child_err, sizeof(child_err));
            while (n < 0 && errno == EINTR);
            if (n == (ssize_t)sizeof(child_err)) {
                int st;
                r = asy_translate_sys_error(child_err);
                while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
                }
            } else {
                p->pid = (int)pid;
            }
        }
    }
    if (errpipe[0] >= 0) close(errpipe[0]);
    if (errpipe[1] >= 0) close(errpipe[1]);
    if (devnull >= 0) close(devnull);
    for (i = 0; i < nstd; i++)
        if (child_end[i] >= 0) close(child_end[i]);
    if (ipc_pair[1] >= 0) close(ipc_pair[1]);
    asy__free(owned_env);
    asy__free(paths);
    if (r == 0) {
        for (i = 0; i < nstd && r == 0; i++)
            if (p->pipes_[i].io.fd >= 0) r = asy__set_nonblock_cloexec(p->pipes_[i].io.fd);
        *ipc_parent_fd = ipc_pair[0];
        return r; /* a failure here leaves a running child: the caller kills it */
    }
    if (ipc_pair[0] >= 0) close(ipc_pair[0]);
    return r;
}

/* Parent ends the caller wants as net-layer pipe handles move there. */
static int asy__spawn_hand_pipes(asy_process_t *p, const asy_process_opts_t *o) {
    int i, r;
    if (!o) return 0;
    for (i = 0; i < p->npipes_; i++) {
        struct asy__child_pipe *cp = &p->pipes_[i];
        if (o->stdio[i].kind != ASY_STDIO_PIPE || !o->stdio[i].pipe || cp->io.fd < 0) continue;
        if ((r = asy_pipe_open(o->stdio[i].pipe, cp->io.fd)) != 0) return r;
        cp->io.fd = -1; /* the pipe handle owns it now */
        cp->readable = cp->writable = 0;
    }
    return 0;
}

ASYNCRT_API int asy_spawn_at(asy_loop_t *loop, asy_process_t *p, const char *file,
                             const char *const *args, const asy_process_opts_t *o,
                             asy_exit_cb exit_cb, const char *src_file, int src_line) {
    struct asy__proc_loop *pl;
    int r = 0, ipc_fd = -1;
    if (!asy__loop_live(loop) || !p || !file || !*file || asy__spawn_check(o)) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)p, &asy__process_class, src_file, src_line);
    p->pid = 0;
    p->exit_cb_ = exit_cb;
    p->close_ev_cb_ = o ? o->on_close : NULL;
    p->drain_cb_ = o ? o->on_drain : NULL;
    p->kill_signal_ = (o && o->kill_signal) ? o->kill_signal : SIGTERM;
    p->status_ = p->exit_code_ = p->term_signal_ = 0;
    p->exited_ = p->exit_reported_ = p->close_reported_ = 0;
    p->hwm_ = (o && o->high_water_mark) ? o->high_water_mark : 65536;
    p->pipes_ = NULL;
    p->npipes_ = 0;
    asy__queue_init(&p->live_link_);
    asy__queue_init(&p->error_req_.link_);
    if (o && o->ipc) asy__ipc_init_handle(o->ipc, loop, src_file, src_line);
    /* the SIGCHLD watch must be in place before the child exists */
    pl = asy__proc_loop_get(loop, &r);
    if (pl) r = asy__spawn_run(p, file, args, o, &ipc_fd);
    if (r) {
        if (p->pid > 0) { /* set up after the exec: do not leave it running */
            int st;
            kill((pid_t)p->pid, SIGKILL);
            while (waitpid((pid_t)p->pid, &st, 0) < 0 && errno == EINTR) {
            }
            p->pid = 0;
        }
        if (ipc_fd >= 0) close(ipc_fd);
        asy__proc_pipes_free(p);
        asy__cstream_attach(p, o, 0);
        asy__proc_fail(p, r);
        return 0;
    }
    r = asy__spawn_hand_pipes(p, o);
    if (r) { /* could not adopt an fd: the child must not run half-wired */
        int st;
        kill((pid_t)p->pid, SIGKILL);
        while (waitpid((pid_t)p->pid, &st, 0) < 0 && errno == EINTR) {
        }
        p->pid = 0;
        if (ipc_fd >= 0) close(ipc_fd);
        asy__proc_pipes_free(p);
        asy__cstream_attach(p, o, 0);
        asy__proc_fail(p, r);
        return 0;
    }
    asy__cstream_attach(p, o, 1);
    asy__queue_insert_tail(&pl->live, &p->live_link_);
    if (o && o->ipc && (r = asy__ipc_attach_fd(o->ipc, ipc_fd)) != 0) close(ipc_fd);
    asy__proc_update_active(p);
    return 0;
}

ASYNCRT_API int asy_process_kill(asy_process_t *p, int signum) {
    if (!p || signum < 0 || signum >= NSIG) return ASY_EINVAL;
    if (p->pid <= 0 || p->exited_) return ASY_ESRCH;
    if (kill((pid_t)p->pid, signum ? signum : p->kill_signal_) != 0) return asy__errno();
    return 0;
}

ASYNCRT_API int asy_process_pid(const asy_process_t *p) { return p ? p->pid : 0; }

ASY__INTERNAL void asy__proc_update_active(asy_process_t *p) {
    int active = !p->exit_reported_, i;
    if (p->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) return;
    for (i = 0; i < p->npipes_ && !active; i++) {
        struct asy__child_pipe *cp = &p->pipes_[i];
        if (cp->io.fd >= 0 && ((cp->reading && !cp->eof) || cp->wlen > cp->woff)) active = 1;
    }
    if (active)
        asy__handle_start((asy_handle_t *)p);
    else
        asy__handle_stop((asy_handle_t *)p);
}

ASY__INTERNAL void asy__proc_maybe_close_event(asy_process_t *p) {
    int i;
    if (!p->close_ev_cb_ || !p->exit_reported_ || p->close_reported_ ||
        (p->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)))
        return;
    for (i = 0; i < p->npipes_; i++) {
        struct asy__child_pipe *cp = &p->pipes_[i];
        if (cp->started && !cp->eof && cp->io.fd >= 0) return;
        /* a stream that was read waits until it has ended and closed */
        if (cp->started && cp->watched) return;
    }
    p->close_reported_ = 1;
    p->close_ev_cb_(p, p->status_, p->exit_code_, p->term_signal_);
    asy__after_cb(p->loop);
}

ASY__INTERNAL void asy__process_close(asy_handle_t *h) {
    asy_process_t *p = (asy_process_t *)h;
    asy__queue_remove(&p->error_req_.link_);
    if (p->pid > 0 && !p->exited_) {
        asy__queue_remove(&p->live_link_);
        asy__proc_orphan(p->pid);
    }
    asy__proc_pipes_free(p);
}
