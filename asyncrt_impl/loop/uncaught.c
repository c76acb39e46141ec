/* The loop's hook for errors nobody handled (loop/uncaught.h). */
#include "handle.h"
#include "uncaught.h"
#include "loop.internal.h"
#include "../base/errors.h"

ASYNCRT_API void asy_uncaught_print(FILE *out, const asy_uncaught_t *info) {
    if (!out || !info) return;
    fprintf(out, "asyncrt: uncaught %s (%s): %s", asy_err_name(info->error),
            asy_strerror(info->error), info->what ? info->what : "error");
    if (info->type != ASY_HANDLE_UNKNOWN)
        fprintf(out, " on a %s", asy_handle_type_name(info->type));
    if (info->origin_file) fprintf(out, " created at %s:%d", info->origin_file, info->origin_line);
    fputc('\n', out);
    fflush(out);
}

ASYNCRT_API int asy_loop_on_uncaught(asy_loop_t *loop, asy_uncaught_fn fn, void *arg) {
    if (!asy__loop_live(loop)) return ASY_EINVAL;
    loop->uncaught_ = fn;
    loop->uncaught_arg_ = fn ? arg : NULL;
    return 0;
}

ASY__INTERNAL void asy__uncaught(asy_loop_t *loop, int error, const char *what,
                                  asy_handle_type_t type, const void *object, const char *file,
                                  int line) {
    asy_uncaught_t info;
    memset(&info, 0, sizeof(info));
    info.error = error;
    info.what = what;
    info.type = type;
    info.object = object;
    info.origin_file = file;
    info.origin_line = line;
    if (asy__loop_live(loop) && loop->uncaught_) {
        loop->uncaught_(loop->uncaught_arg_, &info);
        return;
    }
    /* Node: an 'error' event without a listener ends the process */
    asy_uncaught_print(stderr, &info);
    abort();
}

ASYNCRT_API void asy_loop_uncaught(asy_loop_t *loop, int error, const asy_handle_t *handle,
                                   const char *what) {
    if (handle)
        asy__uncaught(loop, error, what, handle->type, handle, handle->origin_file_,
                      handle->origin_line_);
    else
        asy__uncaught(loop, error, what, ASY_HANDLE_UNKNOWN, NULL, NULL, 0);
}
