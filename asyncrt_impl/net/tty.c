/* Terminals: a stream socket over a tty fd plus termios modes. */
#include "net.internal.h"
#include "../loop/loop.internal.h"
#include "../backend/ops.internal.h"

ASYNCRT_API int asy_tty_init_at(asy_loop_t *loop, asy_tty_t *tty, asy_os_fd_t fd, const char *file,
                                int line) {
    int fl;
    if (!asy__loop_live(loop) || !tty || fd < 0) return ASY_EINVAL;
    if (!isatty(fd)) return errno == EBADF ? ASY_EBADF : ASY_ENOTTY;
    fl = fcntl(fd, F_GETFL);
    if (fl < 0) return asy__errno();
    if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) return asy__errno();
    asy__ignore_sigpipe();
    asy__sock_init(loop, (asy_sock_t *)tty, ASY_HANDLE_TTY, file, line);
    asy__sock_adopt((asy_sock_t *)tty, fd, ASY__FD_SHARED);
    tty->flags_ |= ASY__SOCK_CONNECTED;
    if (fd <= 2) tty->flags_ |= ASY__SOCK_NOCLOSE;
    tty->saved_mode_ = NULL;
    tty->mode_ = ASY_TTY_MODE_NORMAL;
    return 0;
}

ASYNCRT_API int asy_tty_set_mode(asy_tty_t *tty, asy_tty_mode_t mode) {
    struct termios t;
    int fd;
    if (!tty || tty->type != ASY_HANDLE_TTY || asy__sock_closing((asy_sock_t *)tty)) return ASY_EINVAL;
    if (mode != ASY_TTY_MODE_NORMAL && mode != ASY_TTY_MODE_RAW && mode != ASY_TTY_MODE_IO)
        return ASY_EINVAL;
    fd = tty->fd_.io.fd;
    if ((int)mode == tty->mode_) return 0;
    if (!tty->saved_mode_) {
        struct termios *saved = ASY__NEW(struct termios);
        if (!saved) return ASY_ENOMEM;
        if (tcgetattr(fd, saved) != 0) {
            int r = asy__errno();
            asy__free(saved);
            return r;
        }
        tty->saved_mode_ = saved;
    }
    t = *(struct termios *)tty->saved_mode_;
    if (mode == ASY_TTY_MODE_RAW) {
        t.c_iflag &= ~(tcflag_t)(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
        t.c_oflag |= ONLCR;
        t.c_cflag |= CS8;
        t.c_lflag &= ~(tcflag_t)(ECHO | ICANON | IEXTEN | ISIG);
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
    } else if (mode == ASY_TTY_MODE_IO) {
        cfmakeraw(&t);
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
    }
    if (tcsetattr(fd, TCSADRAIN, &t) != 0) return asy__errno();
    tty->mode_ = (int)mode;
    return 0;
}

ASY__INTERNAL void asy__tty_restore(asy_tty_t *tty) {
    if (tty->saved_mode_) {
        if (tty->mode_ != ASY_TTY_MODE_NORMAL)
            tcsetattr(tty->fd_.io.fd, TCSADRAIN, (struct termios *)tty->saved_mode_);
        asy__free(tty->saved_mode_);
        tty->saved_mode_ = NULL;
    }
    tty->mode_ = ASY_TTY_MODE_NORMAL;
}

ASYNCRT_API int asy_tty_get_winsize(const asy_tty_t *tty, int *width, int *height) {
    struct winsize ws;
    if (!tty || tty->type != ASY_HANDLE_TTY || !width || !height) return ASY_EINVAL;
    if (tty->fd_.io.fd < 0) return ASY_EBADF;
    if (ioctl(tty->fd_.io.fd, TIOCGWINSZ, &ws) != 0) return asy__errno();
    *width = ws.ws_col;
    *height = ws.ws_row;
    return 0;
}

ASYNCRT_API asy_handle_type_t asy_guess_handle(asy_os_fd_t fd) {
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) return ASY_HANDLE_UNKNOWN;
    if (isatty(fd)) return ASY_HANDLE_TTY;
    if (S_ISFIFO(st.st_mode)) return ASY_HANDLE_PIPE;
    if (S_ISSOCK(st.st_mode)) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int type;
        socklen_t tl = sizeof(type);
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0) return ASY_HANDLE_UNKNOWN;
        memset(&ss, 0, sizeof(ss));
        if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return ASY_HANDLE_UNKNOWN;
        if (ss.ss_family == AF_UNIX) return ASY_HANDLE_PIPE;
        if (type == SOCK_STREAM) return ASY_HANDLE_TCP;
        if (type == SOCK_DGRAM) return ASY_HANDLE_UDP;
    }
    return ASY_HANDLE_UNKNOWN;
}
