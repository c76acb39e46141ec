/* Terminals.  A TTY handle reads and writes a terminal fd through the
 * asy_sock_* functions and switches it between cooked, raw and
 * binary-safe raw mode.  The mode in force before the first change is
 * restored by ASY_TTY_MODE_NORMAL and when the handle closes. */
#pragma once
#include "sock.h"
#include "../loop/handle.h"
typedef struct asy_tty_s asy_tty_t;
struct asy_tty_s {
    ASY__SOCK_FIELDS
    void *saved_mode_; /* the termios before the first mode change */
    int mode_;
};

typedef enum {
    ASY_TTY_MODE_NORMAL = 0, /* cooked: line editing, echo, signals */
    ASY_TTY_MODE_RAW = 1,    /* Node's setRawMode(true): bytes as typed */
    ASY_TTY_MODE_IO = 2      /* raw for binary data: also no output processing */
} asy_tty_mode_t;

/* fd must be a terminal (ASY_ENOTTY otherwise). */
ASYNCRT_API int asy_tty_init_at(asy_loop_t *loop, asy_tty_t *tty, asy_os_fd_t fd, const char *file,
                                int line);
#define asy_tty_init(loop, tty, fd) asy_tty_init_at((loop), (tty), (fd), ASY_HERE)
ASYNCRT_API int asy_tty_set_mode(asy_tty_t *tty, asy_tty_mode_t mode);
ASYNCRT_API int asy_tty_get_winsize(const asy_tty_t *tty, int *width, int *height);
/* What an fd is: ASY_HANDLE_TTY, ASY_HANDLE_PIPE (pipe, FIFO or Unix
 * socket), ASY_HANDLE_TCP, ASY_HANDLE_UDP, or ASY_HANDLE_UNKNOWN (a file,
 * a closed fd).  Node picks stdio's stream class the same way. */
ASYNCRT_API asy_handle_type_t asy_guess_handle(asy_os_fd_t fd);
