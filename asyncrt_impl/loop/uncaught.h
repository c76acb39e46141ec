/* Errors nobody handled (Node's 'uncaughtException' for an 'error' event
 * without a listener).  An error the library cannot hand to anyone -- a
 * stream or socket 'error' with no on_error and no pipeline / finished /
 * iterator watching, a failed operation whose callback was NULL -- goes to
 * the loop's uncaught hook.  The default hook prints the error with the
 * file:line that created the object and aborts, as Node exits on an
 * unhandled 'error'.  A hook that returns lets the program go on (Node's
 * process.on('uncaughtException')).  Unhandled promise rejections have
 * their own hook, asy_promise_on_unhandled. */
#pragma once
#include "handle.h"
typedef struct {
    int error;                /* the negative code (ASY_ECONNRESET...) */
    const char *what;         /* "'error' event", "write callback"... */
    asy_handle_type_t type;     /* the object's type (ASY_HANDLE_STREAM for a
                                 stream), or ASY_HANDLE_UNKNOWN */
    const void *object;       /* the handle or stream, or NULL; valid during
                                 the hook only */
    const char *origin_file;  /* where the object was created, or NULL */
    int origin_line;
} asy_uncaught_t;

typedef void (*asy_uncaught_fn)(void *arg, const asy_uncaught_t *info);

/* Installs the loop's hook; NULL restores the default (print + abort). */
ASYNCRT_API int asy_loop_on_uncaught(asy_loop_t *loop, asy_uncaught_fn fn, void *arg);
/* Reports an error nobody handled to the loop's hook: for code built on
 * the library (a custom handle, a wrapper whose caller passed no callback)
 * that wants the same policy.  handle may be NULL; what NULL means
 * "error". */
ASYNCRT_API void asy_loop_uncaught(asy_loop_t *loop, int error, const asy_handle_t *handle,
                                   const char *what);
/* The default hook's message, one line, to out:
 *   asyncrt: uncaught ENOENT (no such file or directory): 'error' event
 *   with no listener on a stream created at app.c:42 */
ASYNCRT_API void asy_uncaught_print(FILE *out, const asy_uncaught_t *info);
