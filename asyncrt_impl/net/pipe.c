/* Pipes: Unix-domain stream sockets and plain pipe fds (stdio too). */
#include "pipe.h"
#include "net.internal.h"
#include "../loop/loop.internal.h"
#include "../backend/ops.internal.h"

ASYNCRT_API int asy_pipe_init_at(asy_loop_t *loop, asy_pipe_t *pipe, const char *file, int line) {
    if (!asy__loop_live(loop) || !pipe) return ASY_EINVAL;
    asy__sock_init(loop, (asy_sock_t *)pipe, ASY_HANDLE_PIPE, file, line);
    pipe->path_ = NULL;
    return 0;
}

static int asy__pipe_ok(const asy_pipe_t *p) {
    return p && p->type == ASY_HANDLE_PIPE && !asy__sock_closing((const asy_sock_t *)p);
}

static int asy__is_socket(int fd) {
    int type;
    socklen_t len = sizeof(type);
    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
}

ASYNCRT_API int asy_pipe_open(asy_pipe_t *pipe, asy_os_fd_t fd) {
    int fl, sock;
    if (!asy__pipe_ok(pipe) || fd < 0) return ASY_EINVAL;
    if (pipe->fd_.io.fd >= 0) return ASY_EBUSY;
    fl = fcntl(fd, F_GETFL);
    if (fl < 0) return asy__errno();
    if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) return asy__errno();
    sock = asy__is_socket(fd);
    if (!sock) asy__ignore_sigpipe();
    asy__sock_adopt((asy_sock_t *)pipe, fd, (sock ? ASY__FD_SOCKET : 0) | ASY__FD_SHARED);
    pipe->flags_ |= ASY__SOCK_CONNECTED;
    if (fd <= 2) pipe->flags_ |= ASY__SOCK_NOCLOSE;
    return 0;
}

static int asy__sun(struct sockaddr_un *sun, const char *path, socklen_t *len) {
    size_t n;
    if (!path || !*path) return ASY_EINVAL;
    n = strlen(path);
    if (n >= sizeof(sun->sun_path)) return ASY_ENAMETOOLONG;
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    memcpy(sun->sun_path, path, n + 1);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    return 0;
}

ASYNCRT_API int asy_pipe_bind(asy_pipe_t *pipe, const char *path) {
    struct sockaddr_un sun;
    socklen_t len;
    char *copy;
    int r;
    if (!asy__pipe_ok(pipe)) return ASY_EINVAL;
    if ((r = asy__sun(&sun, path, &len)) != 0) return r;
    if (pipe->path_ || (pipe->flags_ & (ASY__SOCK_LISTENING | ASY__SOCK_CONNECTED))) return ASY_EINVAL;
    copy = asy__strdup(path);
    if (!copy) return ASY_ENOMEM;
    if ((r = asy__sock_ensure_fd((asy_sock_t *)pipe, AF_UNIX)) != 0) {
        asy__free(copy);
        return r;
    }
    if (bind(pipe->fd_.io.fd, (struct sockaddr *)&sun, len) != 0) {
        r = asy__errno();
        asy__free(copy);
        return r;
    }
    pipe->path_ = copy;
    return 0;
}

ASYNCRT_API int asy_pipe_listen(asy_pipe_t *pipe, int backlog, asy_connection_cb cb) {
    return asy_sock_listen((asy_sock_t *)pipe, backlog, cb);
}

ASYNCRT_API int asy_pipe_accept(asy_pipe_t *server, asy_pipe_t *client) {
    return asy_sock_accept((asy_sock_t *)server, (asy_sock_t *)client);
}

ASYNCRT_API int asy_pipe_connect(asy_connect_t *req, asy_pipe_t *pipe, const char *path,
                                 asy_connect_cb cb) {
    struct sockaddr_un sun;
    socklen_t len;
    int r;
    if (!req || !asy__pipe_ok(pipe)) return ASY_EINVAL;
    if ((r = asy__sun(&sun, path, &len)) != 0) return r;
    if ((r = asy__sock_ensure_fd((asy_sock_t *)pipe, AF_UNIX)) != 0) return r;
    return asy__sock_connect(req, (asy_sock_t *)pipe, &sun, (unsigned)len, 0, cb);
}

static int asy__pipe_name(const asy_pipe_t *pipe, char *buf, size_t size, int peer) {
    struct sockaddr_un sun;
    socklen_t len = sizeof(sun);
    size_t n;
    if (!pipe || pipe->type != ASY_HANDLE_PIPE || !buf || size == 0) return ASY_EINVAL;
    if (pipe->fd_.io.fd < 0) return ASY_EBADF;
    memset(&sun, 0, sizeof(sun));
    if ((peer ? getpeername(pipe->fd_.io.fd, (struct sockaddr *)&sun, &len)
              : getsockname(pipe->fd_.io.fd, (struct sockaddr *)&sun, &len)) != 0)
        return asy__errno();
    if (len <= offsetof(struct sockaddr_un, sun_path)) {
        buf[0] = 0; /* unnamed */
        return 0;
    }
    n = strnlen(sun.sun_path, sizeof(sun.sun_path));
    if (n + 1 > size) return ASY_ENOSPC;
    memcpy(buf, sun.sun_path, n);
    buf[n] = 0;
    return (int)n;
}

ASYNCRT_API int asy_pipe_getsockname(const asy_pipe_t *pipe, char *buf, size_t len) {
    return asy__pipe_name(pipe, buf, len, 0);
}

ASYNCRT_API int asy_pipe_getpeername(const asy_pipe_t *pipe, char *buf, size_t len) {
    return asy__pipe_name(pipe, buf, len, 1);
}

ASYNCRT_API int asy_socketpair(asy_os_sock_t fds[2]) {
    if (!fds) return ASY_EINVAL;
#if ASYNCRT_OS_LINUX
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
        return asy__errno();
#else
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return asy__errno();
    if (asy__set_nonblock_cloexec(fds[0]) != 0 || asy__set_nonblock_cloexec(fds[1]) != 0) {
        int r = asy__errno();
        close(fds[0]);
        close(fds[1]);
        return r;
    }
#endif
    return 0;
}

ASYNCRT_API int asy_pipe_fds(asy_os_fd_t fds[2]) {
    if (!fds) return ASY_EINVAL;
#if ASYNCRT_OS_LINUX
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return asy__errno();
#else
    if (pipe(fds) != 0) return asy__errno();
    if (asy__set_nonblock_cloexec(fds[0]) != 0 || asy__set_nonblock_cloexec(fds[1]) != 0) {
        int r = asy__errno();
        close(fds[0]);
        close(fds[1]);
        return r;
    }
#endif
    return 0;
}
