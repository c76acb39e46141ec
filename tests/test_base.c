/* base layer: version, errors, hrtime. */
#include "../asyncrt.h"
#include "test.h"

#include <errno.h>
#ifdef _WIN32
#include <winsock2.h>
#include <windows.h>
#endif

TEST(base_version_string) {
    char want[32];
    snprintf(want, sizeof(want), "%d.%d.%d", ASYNCRT_VERSION_MAJOR, ASYNCRT_VERSION_MINOR,
             ASYNCRT_VERSION_PATCH);
    ASSERT_STR_EQ(asy_version_string(), want);
    ASSERT_EQ(asy_version(), ASYNCRT_VERSION_HEX);
}

TEST(base_errors_equal_negative_errno) {
#ifndef _WIN32
    ASSERT_EQ(ASY_ENOENT, -ENOENT);
    ASSERT_EQ(ASY_EAGAIN, -EAGAIN);
    ASSERT_EQ(ASY_ECANCELED, -ECANCELED);
    ASSERT_EQ(ASY_ETIMEDOUT, -ETIMEDOUT);
    ASSERT_EQ(ASY_EMFILE, -EMFILE);
    ASSERT_EQ(asy_translate_sys_error(ENOENT), ASY_ENOENT);
#else
    /* fixed values, and Win32 / WinSock errors translated to them */
    ASSERT_EQ(ASY_ENOENT, -4053);
    ASSERT_EQ(ASY_ECANCELED, -4081);
    ASSERT_EQ(asy_translate_sys_error(ERROR_FILE_NOT_FOUND), ASY_ENOENT);
    ASSERT_EQ(asy_translate_sys_error(ERROR_PATH_NOT_FOUND), ASY_ENOENT);
    ASSERT_EQ(asy_translate_sys_error(ERROR_OPERATION_ABORTED), ASY_ECANCELED);
    ASSERT_EQ(asy_translate_sys_error(WSAECONNRESET), ASY_ECONNRESET);
    ASSERT_EQ(asy_translate_sys_error(WSAEWOULDBLOCK), ASY_EAGAIN);
    ASSERT_EQ(asy_translate_sys_error(ERROR_BROKEN_PIPE), ASY_EPIPE);
    ASSERT_EQ(asy_translate_sys_error(0x7ffffff0), ASY_EUNKNOWN);
#endif
    ASSERT_EQ(asy_translate_sys_error(0), 0);
    ASSERT_LT(ASY_EOF, 0);
}

TEST(base_err_names) {
    ASSERT_STR_EQ(asy_err_name(ASY_ENOENT), "ENOENT");
    ASSERT_STR_EQ(asy_err_name(ASY_EOF), "EOF");
    ASSERT_STR_EQ(asy_err_name(ASY_ECANCELED), "ECANCELED");
    ASSERT_STR_EQ(asy_err_name(ASY_ETIMEDOUT), "ETIMEDOUT");
    ASSERT_STR_EQ(asy_err_name(ASY_EAI_NONAME), "EAI_NONAME");
    ASSERT_STR_EQ(asy_err_name(0), "OK");
    ASSERT_STR_EQ(asy_err_name(-987654), "UNKNOWN");
    ASSERT_STR_EQ(asy_err_name(12345), "UNKNOWN");
}

TEST(base_strerror_every_code) {
    static const int codes[] = {ASY_E2BIG,       ASY_EACCES,      ASY_EADDRINUSE, ASY_EAGAIN,
                                ASY_ECONNRESET,  ASY_EPIPE,       ASY_EOF,        ASY_ECHARSET,
                                ASY_EAI_AGAIN,   ASY_EAI_PROTOCOL, ASY_EUNKNOWN,  ASY_EXDEV};
    size_t i;
    char buf[64];
    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const char *m = asy_strerror(codes[i]);
        ASSERT_NOT_NULL(m);
        ASSERT_GT(strlen(m), 3);
        ASSERT(strcmp(m, "unknown error") != 0 || codes[i] == ASY_EUNKNOWN);
    }
    ASSERT_STR_EQ(asy_strerror(ASY_ENOENT), "no such file or directory");
    ASSERT_STR_EQ(asy_strerror(-987654), "unknown error");
    ASSERT_STR_EQ(asy_strerror_r(-987654, buf, sizeof(buf)), "unknown error -987654");
    ASSERT_STR_EQ(asy_strerror_r(ASY_EPIPE, buf, sizeof(buf)), "broken pipe");
    /* truncation still terminates */
    asy_strerror_r(-987654, buf, 5);
    ASSERT_STR_EQ(buf, "unkn");
}

TEST(base_error_codes_are_distinct) {
    /* the switch in asy_strerror would not compile with duplicates, but the
     * names must also map back: err_name(code) names exactly that code */
    ASSERT_STR_EQ(asy_err_name(ASY_ECHARSET), "ECHARSET");
    ASSERT_STR_EQ(asy_err_name(ASY_EUNKNOWN), "EUNKNOWN");
    ASSERT_NE(ASY_EOF, ASY_EUNKNOWN);
}

TEST(base_hrtime_monotonic) {
    uint64_t a = asy_hrtime(), b, start = a;
    int i;
    for (i = 0; i < 100000; i++) {
        b = asy_hrtime();
        ASSERT(b >= a);
        a = b;
    }
    ASSERT(a > start); /* 100k calls take more than a nanosecond */
}
