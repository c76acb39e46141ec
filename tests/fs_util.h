/* Helpers shared by the fs tests: a fresh temporary directory per test,
 * paths inside it, and small sync shortcuts for setting up files. */
#ifndef ASYRT_FS_UTIL_H
#define ASYRT_FS_UTIL_H
#include <stdio.h>
#include <string.h>
#include <time.h>

static char tmp_root[256];

/* Makes /tmp/asyrt-XXXXXX and returns it. */
__attribute__((unused)) static const char *tmpdir_make(void) {
    asy_fs_t r;
    ASSERT_OK(asy_fs_mkdtemp_sync(&r, "/tmp/asyrt-"));
    ASSERT_NOT_NULL(r.buf);
    snprintf(tmp_root, sizeof(tmp_root), "%s", r.buf);
    asy_fs_req_cleanup(&r);
    return tmp_root;
}

__attribute__((unused)) static void tmpdir_remove(void) {
    asy_fs_t r;
    ASSERT_OK(asy_fs_rm_sync(&r, tmp_root, ASY_FS_RECURSIVE | ASY_FS_FORCE));
    asy_fs_req_cleanup(&r);
}

/* tmp_root/name in one of 8 rotating static buffers. */
__attribute__((unused)) static const char *P(const char *name) {
    static char bufs[8][1024];
    static int i;
    char *b = bufs[i++ & 7];
    int n = snprintf(b, sizeof(bufs[0]), "%s/%s", tmp_root, name);
    if (n < 0 || (size_t)n >= sizeof(bufs[0])) FAIL("path too long: %s", name);
    return b;
}

__attribute__((unused)) static void put_file(const char *path, const char *text) {
    asy_fs_t r;
    ASSERT_OK(asy_fs_write_file_sync(&r, path, text, strlen(text), 0));
    asy_fs_req_cleanup(&r);
}

/* The file's text (static buffer). */
__attribute__((unused)) static const char *get_file(const char *path) {
    static char out[4096];
    asy_fs_t r;
    ASSERT_OK(asy_fs_read_file_sync(&r, path));
    ASSERT_LT(r.len, sizeof(out));
    memcpy(out, r.buf, r.len + 1);
    asy_fs_req_cleanup(&r);
    return out;
}

__attribute__((unused)) static int exists(const char *path) {
    asy_fs_t r;
    int e = asy_fs_lstat_sync(&r, path) == 0;
    asy_fs_req_cleanup(&r);
    return e;
}

__attribute__((unused)) static void msleep(int ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}
#endif
