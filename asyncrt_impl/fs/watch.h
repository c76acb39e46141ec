/* fs.watch: a handle reporting changes under a file or directory.
 * Linux (inotify) only for now; elsewhere asy_fs_watch_start returns
 * ASY_ENOSYS.
 *
 * events: ASY_FS_EVENT_RENAME (created, deleted, moved) and/or
 * ASY_FS_EVENT_CHANGE (contents or attributes), as Node's 'rename' and
 * 'change'.  filename is relative to the watched directory ("a.txt",
 * "sub/a.txt" when recursive), or the watched file's own name; it is
 * valid during the callback.  status < 0 reports an error (the kernel's
 * queue overflowed: ASY_ENOBUFS, events were lost); filename is then
 * NULL. */
#pragma once
#include "../loop/io.h"
enum { ASY_FS_EVENT_RENAME = 1, ASY_FS_EVENT_CHANGE = 2 };
/* asy_fs_watch_start flags; ASY_FS_RECURSIVE (1) watches subdirectories,
 * including ones created later. */

typedef struct asy_fs_watch_s asy_fs_watch_t;
typedef void (*asy_fs_watch_cb)(asy_fs_watch_t *handle, const char *filename, int events,
                                int status);

struct asy_fs_watch_s {
    ASY_HANDLE_FIELDS
    asy_fs_watch_cb cb_;
    char *path_;
    const char *base_; /* in path_: the name reported for the item itself */
    int watch_flags_;
    asy__io io_;
    char **dirs_;      /* inotify watch descriptor -> path relative to path_ */
    unsigned ndirs_;
    char *scratch_;    /* the filename being reported */
    size_t scratch_cap_;
};

ASYNCRT_API int asy_fs_watch_init_at(asy_loop_t *loop, asy_fs_watch_t *h, const char *file,
                                     int line);
#define asy_fs_watch_init(loop, h) asy_fs_watch_init_at((loop), (h), ASY_HERE)
/* Starts watching path; errors (ENOENT...) are returned here. */
ASYNCRT_API int asy_fs_watch_start(asy_fs_watch_t *h, const char *path, int flags,
                                   asy_fs_watch_cb cb);
ASYNCRT_API int asy_fs_watch_stop(asy_fs_watch_t *h);
/* The watched path (NULL when stopped). */
ASYNCRT_API const char *asy_fs_watch_path(const asy_fs_watch_t *h);
