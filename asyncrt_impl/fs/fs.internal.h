/* Private parts of the fs layer. */
#pragma once
#include "fs.h"
#include "../base/sys.internal.h"
#include "../loop/handle.h"
#include "../stream/stream.h"
#include <dirent.h>
#include <sys/stat.h>
#include <sys/uio.h>
#if ASYNCRT_OS_LINUX
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <sys/inotify.h>
#include <sys/sendfile.h>
#include <linux/fs.h>
#endif

/* What an async request owned when its callback started: freed when the
 * callback returns, unless the callback cleaned up or took it first (they
 * strike what they free from here).  The loop's ASY__LAYER_FS slot points
 * at the record of the callback running now. */
typedef struct asy__fs_owned {
    char *buf;
    asy_dirent_t *dirents;
    char *path, *dest;
    struct asy__fs_owned *prev;
} asy__fs_owned;

enum { ASY__FS_OWN_PATH = 1, ASY__FS_OWN_DEST = 2 };

/* Runs the operation on the calling thread and fills the request. */
ASY__INTERNAL void asy__fs_exec(asy_fs_t *req);
/* Sets req->result from errno (or a given code) and names the call. */
static inline void asy__fs_fail(asy_fs_t *req, int err, const char *syscall) {
    req->result = err;
    req->syscall = syscall;
}
/* Replaces req->path (for an error deep inside rm -r); takes ownership. */
ASY__INTERNAL void asy__fs_set_path(asy_fs_t *req, char *path);
ASY__INTERNAL void asy__stat_from_sys(asy_stat_t *out, const struct stat *st);
ASY__INTERNAL int asy__fs_mkdir_p(asy_fs_t *req);
ASY__INTERNAL void asy__fs_rm(asy_fs_t *req);
ASY__INTERNAL void asy__fs_readdir(asy_fs_t *req);
ASY__INTERNAL void asy__fs_read_file(asy_fs_t *req);
ASY__INTERNAL void asy__fs_write_file(asy_fs_t *req, int append);
ASY__INTERNAL void asy__fs_copy_file(asy_fs_t *req);

/* Defined in dir.c, used by watch.c. */
static asy_dirent_type_t asy__dirent_type(DIR *d, const struct dirent *e);
static int asy__is_dot(const char *n);

/* Defined in read_stream.c, used by write_stream.c. */
ASY__INTERNAL int asy__fs_is_read_stream(const asy_stream_t *s);

/* Defined in request.c, used by api.c, promises.c. */
static int asy__fs_init(asy_loop_t *loop, asy_fs_t *req, asy_fs_type_t type, const char *path,
                        const char *dest, asy_fs_cb cb);
static int asy__fs_go(asy_fs_t *req);
static asy__fs_owned *asy__fs_current(const asy_fs_t *req);
