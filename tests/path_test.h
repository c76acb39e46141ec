/* Helpers shared by the path tests (tests/test_path_*.c). */
#ifndef ASYRT_PATH_TEST_H
#define ASYRT_PATH_TEST_H

#include "../asyncrt.h"
#include "test.h"

#ifdef _WIN32
#include <direct.h>
#define pt_getcwd _getcwd
#else
#include <unistd.h>
#define pt_getcwd getcwd
#endif

/* What resolve(".") gives in each flavour, the way Node's tests spell it:
 * process.cwd() itself, and for the foreign flavour the same directory
 * with its separators swapped (path.win32 on POSIX keeps the POSIX cwd,
 * path.posix on Windows drops the drive).  The caller frees the result. */
static __attribute__((unused)) char *pt_cwd(int win) {
    char buf[4096], *s, *p;
    if (!pt_getcwd(buf, sizeof(buf))) FAIL("getcwd failed");
    s = (char *)malloc(strlen(buf) + 1);
    ASSERT_NOT_NULL(s);
    strcpy(s, buf);
    for (p = s; *p; p++) {
        if (win && *p == '/') *p = '\\';
        if (!win && *p == '\\') *p = '/';
    }
#ifdef _WIN32
    if (!win && strchr(s, '/')) memmove(s, strchr(s, '/'), strlen(strchr(s, '/')) + 1);
#endif
    return s;
}

/* Checks one string result: the call succeeded, produced want, and the
 * result is released. */
#define PT_EXPECT(call, out, want, ...)                                              \
    do {                                                                             \
        int pt_r_ = (call);                                                          \
        if (pt_r_ != 0) {                                                            \
            printf(__VA_ARGS__);                                                     \
            FAIL("%s failed: %s", #call, asy_err_name(pt_r_));                       \
        }                                                                            \
        if (!(out) || strcmp((out), (want)) != 0) {                                  \
            printf(__VA_ARGS__);                                                     \
            FAIL("%s: got \"%s\", want \"%s\"", #call, (out) ? (out) : "(null)", (want)); \
        }                                                                            \
        asy_free(out);                                                               \
        (out) = NULL;                                                                \
    } while (0)

#endif
