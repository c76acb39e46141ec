#pragma once
#include "process.h"
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../loop/io.h"
#include "../loop/loop.internal.h"
#include "../loop/phases.h"
#include "../loop/signal.h"
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <grp.h>

/* Per-loop state of the process layer (loop->layers_[ASY__LAYER_PROCESS]). */
#define ASY__PROC_RBUF 65536

struct asy__proc_loop {
    asy_signal_t sigchld; /* internal: neither listed nor keeping the loop alive */
    asy__queue live;      /* processes not reaped yet */
    asy_pending_t scan_req;
    int scan_queued;
    char *rbuf; /* shared read buffer of every stdio pipe of the loop */
};

ASY__INTERNAL struct asy__proc_loop *asy__proc_loop_get(asy_loop_t *loop, int *err);
ASY__INTERNAL void asy__proc_reaped(asy_process_t *p, int wstatus);
ASY__INTERNAL void asy__proc_orphan(int pid);
ASY__INTERNAL void asy__proc_update_active(asy_process_t *p);
ASY__INTERNAL void asy__proc_maybe_close_event(asy_process_t *p);
ASY__INTERNAL void asy__proc_pipes_free(asy_process_t *p);
/* stdio_stream.c */
ASY__INTERNAL int asy__cstream_notify(asy_process_t *p, struct asy__child_pipe *cp, int status);
ASY__INTERNAL void asy__cstream_detach(struct asy__child_pipe *cp);
/* The process and IPC handle classes' close (loop.internal.h). */
ASY__INTERNAL void asy__process_close(asy_handle_t *h);
ASY__INTERNAL void asy__ipc_close(asy_handle_t *h);
static const asy__handle_class asy__process_class = {ASY_HANDLE_PROCESS, "process",
                                                     asy__process_close, NULL};
static const asy__handle_class asy__ipc_class = {ASY_HANDLE_IPC, "ipc", asy__ipc_close, NULL};
ASY__INTERNAL void asy__ipc_init_handle(asy_ipc_t *ch, asy_loop_t *loop, const char *file,
                                       int line);
ASY__INTERNAL int asy__ipc_attach_fd(asy_ipc_t *ch, int fd);

/* Everything the child needs, prepared by the parent before vfork so the
 * child only makes system calls. */
struct asy__spawn_plan {
    char *const *argv;
    char *const *envp;
    char **paths; /* candidate paths to execve, NULL-terminated */
    const char *cwd;
    int nslots;
    int src[ASY_PROCESS_MAX_STDIO + 1]; /* fd that becomes slot i in the child */
    int detached, set_uid, set_gid;
    unsigned uid, gid;
    int err_fd; /* write end of the close-on-exec error pipe */
};

/* Defined in spawn_child.c, used by spawn.c. */
static void asy__child_run(const struct asy__spawn_plan *pl);

/* Defined in stdio.c, used by spawn.c, stdio_stream.c. */
static void asy__cpipe_close(asy_loop_t *loop, struct asy__child_pipe *cp);
static void asy__cpipe_io(asy_loop_t *loop, asy__io *io, unsigned revents);

/* Defined in stdio_stream.c, used by spawn.c. */
static void asy__cstream_attach(asy_process_t *p, const asy_process_opts_t *o, int child_ok);
