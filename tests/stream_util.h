/* Helpers shared by the stream tests: printf into the event log, string
 * chunks, and small sources and sinks. */
#ifndef ASYRT_STREAM_UTIL_H
#define ASYRT_STREAM_UTIL_H
#include <stdarg.h>
#include "loop_util.h"

__attribute__((format(printf, 1, 2), unused)) static void tlogf(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    tlog(buf);
}

/* A chunk as a C string (static buffer, for logging). */
__attribute__((unused)) static const char *cstr(const asy_buf_t *b) {
    static char s[4][256];
    static int k;
    char *d = s[k++ & 3];
    size_t n = b && b->len < 255 ? b->len : 255;
    if (b && n) memcpy(d, b->data, n);
    d[n] = 0;
    return d;
}

__attribute__((unused)) static const char *tf(int v) { return v ? "true" : "false"; }

/* asy_stream_cb that logs its arg (a string) */
__attribute__((unused)) static void log_cb(asy_stream_t *s, int status, void *arg) {
    (void)s;
    if (status)
        tlogf("%s %s", (const char *)arg, asy_err_name(status));
    else
        tlog((const char *)arg);
}

__attribute__((unused)) static int push_str(asy_stream_t *s, const char *str) {
    return asy_stream_push_bytes(s, str, strlen(str));
}

__attribute__((unused)) static int write_str(asy_stream_t *s, const char *str, asy_stream_cb cb,
                                             void *arg) {
    return asy_stream_write_bytes(s, str, strlen(str), cb, arg);
}
#endif
