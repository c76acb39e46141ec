/* The child side of a spawn, between vfork and exec.  It shares the
 * parent's memory (vfork), so it only makes system calls on what the
 * parent prepared, never allocates, and leaves by execve or _exit.  An
 * error is written as an int to the close-on-exec pipe: the parent reads
 * EOF when the exec succeeded. */
#include "process.internal.h"
static void asy__child_fail(const struct asy__spawn_plan *pl, int err) {
    ssize_t r;
    do r = write(pl->err_fd, &err, sizeof(err));
    while (r < 0 && errno == EINTR);
    _exit(127);
}

static void asy__child_run(const struct asy__spawn_plan *pl) {
    int src[ASY_PROCESS_MAX_STDIO + 1];
    int i, err, saw_eacces = 0;
    sigset_t none;
    if (pl->detached && setsid() < 0) asy__child_fail(pl, errno);
    /* First lift every source fd that sits in the slot range (and is not
     * already in place) above it, so no dup2 below clobbers a source
     * another slot still needs. */
    for (i = 0; i < pl->nslots; i++) {
        src[i] = pl->src[i];
        if (src[i] != i && src[i] >= 0 && src[i] < pl->nslots) {
            src[i] = fcntl(src[i], F_DUPFD_CLOEXEC, pl->nslots);
            if (src[i] < 0) asy__child_fail(pl, errno);
        }
    }
    for (i = 0; i < pl->nslots; i++) {
        if (src[i] == i) {
            /* inherited as is: make sure it survives exec; a closed fd stays closed */
            int fl = fcntl(i, F_GETFD);
            if (fl >= 0 && (fl & FD_CLOEXEC)) fcntl(i, F_SETFD, fl & ~FD_CLOEXEC);
        } else if (dup2(src[i], i) < 0) {
            asy__child_fail(pl, errno);
        }
        /* a child end may have been made non-blocking by someone: the child
         * expects ordinary blocking stdio */
        if (src[i] != i) {
            int fl = fcntl(i, F_GETFL);
            if (fl >= 0 && (fl & O_NONBLOCK)) fcntl(i, F_SETFL, fl & ~O_NONBLOCK);
        }
    }
    if (pl->cwd && chdir(pl->cwd) != 0) asy__child_fail(pl, errno);
    if (pl->set_gid) {
        if (setgroups(0, NULL) != 0 && errno != EPERM) asy__child_fail(pl, errno);
        if (setgid((gid_t)pl->gid) != 0) asy__child_fail(pl, errno);
    }
    if (pl->set_uid && setuid((uid_t)pl->uid) != 0) asy__child_fail(pl, errno);
    /* The parent blocked every signal around vfork so no handler of its
     * can run on the shared memory here.  The child starts like libuv's:
     * default dispositions (also for signals the parent ignores, such as
     * SIGPIPE), empty mask. */
    for (i = 1; i < NSIG; i++) {
        struct sigaction sa;
        if (i == SIGKILL || i == SIGSTOP) continue;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = SIG_DFL;
        sigaction(i, &sa, NULL);
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    err = ENOENT;
    for (i = 0; pl->paths[i]; i++) {
        execve(pl->paths[i], pl->argv, pl->envp);
        err = errno;
        /* keep looking along PATH like execvp; EACCES wins if nothing runs */
        if (err == EACCES)
            saw_eacces = 1;
        else if (err != ENOENT && err != ENOTDIR && err != ESTALE && err != ELOOP &&
                 err != ENAMETOOLONG && err != ENODEV && err != ETIMEDOUT)
            asy__child_fail(pl, err);
    }
    asy__child_fail(pl, saw_eacces ? EACCES : err);
}
