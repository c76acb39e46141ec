/* fs.watch on inotify.  Each handle has its own inotify instance, so watch
 * descriptors are small integers handed out in order and index a plain
 * array (wd -> directory path relative to the watched root). */
#include "watch.h"
#include "fs.internal.h"
#include "../loop/loop.internal.h"

static void asy__fs_watch_close(asy_handle_t *h) { asy_fs_watch_stop((asy_fs_watch_t *)h); }
static const asy__handle_class asy__fs_watch_class = {ASY_HANDLE_FS_WATCH, "fs_watch",
                                                      asy__fs_watch_close, NULL};

ASYNCRT_API int asy_fs_watch_init_at(asy_loop_t *loop, asy_fs_watch_t *h, const char *file,
                                     int line) {
    if (!asy__loop_live(loop) || !h) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)h, &asy__fs_watch_class, file, line);
    h->cb_ = NULL;
    h->path_ = NULL;
    h->base_ = NULL;
    h->watch_flags_ = 0;
    h->dirs_ = NULL;
    h->ndirs_ = 0;
    h->scratch_ = NULL;
    h->scratch_cap_ = 0;
    asy__io_init(&h->io_, -1, NULL);
    return 0;
}

ASYNCRT_API const char *asy_fs_watch_path(const asy_fs_watch_t *h) { return h ? h->path_ : NULL; }

/* a + "/" + b, or a copy of a when b is empty. */
static char *asy__path_join2(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *s = (char *)asy__malloc(la + lb + 2);
    if (!s) return NULL;
    memcpy(s, a, la);
    if (lb) {
        s[la] = '/';
        memcpy(s + la + 1, b, lb + 1);
    } else {
        s[la] = 0;
    }
    return s;
}

ASYNCRT_API int asy_fs_watch_stop(asy_fs_watch_t *h) {
    unsigned i;
    if (!h) return ASY_EINVAL;
    if (h->io_.fd >= 0) {
        asy__io_close(h->loop, &h->io_);
        close(h->io_.fd);
        h->io_.fd = -1;
    }
    for (i = 0; i < h->ndirs_; i++) asy__free(h->dirs_[i]);
    asy__free(h->dirs_);
    asy__free(h->path_);
    asy__free(h->scratch_);
    h->dirs_ = NULL;
    h->ndirs_ = 0;
    h->path_ = NULL;
    h->base_ = NULL;
    h->scratch_ = NULL;
    h->scratch_cap_ = 0;
    asy__handle_stop((asy_handle_t *)h);
    return 0;
}


#if ASYNCRT_OS_LINUX
#define ASY__WATCH_MASK                                                                   \
    (IN_ATTRIB | IN_CREATE | IN_MODIFY | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | \
     IN_MOVED_FROM | IN_MOVED_TO)

/* Records wd -> rel; takes ownership of rel. */
static int asy__watch_set(asy_fs_watch_t *h, int wd, char *rel) {
    if ((unsigned)wd >= h->ndirs_) {
        unsigned n = h->ndirs_ ? h->ndirs_ : 8, i;
        char **nd;
        while (n <= (unsigned)wd) n *= 2;
        nd = (char **)asy__realloc(h->dirs_, n * sizeof(char *));
        if (!nd) {
            asy__free(rel);
            return ASY_ENOMEM;
        }
        for (i = h->ndirs_; i < n; i++) nd[i] = NULL;
        h->dirs_ = nd;
        h->ndirs_ = n;
    }
    asy__free(h->dirs_[wd]);
    h->dirs_[wd] = rel;
    return 0;
}

/* Watches root/rel and, when recursive, every directory below it (with an
 * explicit work list: trees can be deep).  Only the first add may fail the
 * call; directories that vanish meanwhile are skipped. */
static int asy__watch_add_tree(asy_fs_watch_t *h, const char *rel0, int first) {
    char **todo = NULL;
    size_t n = 0, cap = 0;
    int err = 0;
    char *r0 = asy__strdup(rel0);
    if (!r0) return ASY_ENOMEM;
    todo = (char **)asy__malloc(8 * sizeof(char *));
    if (!todo) {
        asy__free(r0);
        return ASY_ENOMEM;
    }
    cap = 8;
    todo[n++] = r0;
    while (n > 0 && !err) {
        char *rel = todo[--n];
        char *full = asy__path_join2(h->path_, rel);
        DIR *d;
        int wd;
        if (!full) {
            asy__free(rel);
            err = ASY_ENOMEM;
            break;
        }
        wd = inotify_add_watch(h->io_.fd, full, ASY__WATCH_MASK | (first ? 0 : IN_ONLYDIR));
        if (wd < 0) {
            if (first) err = asy__errno();
            asy__free(rel);
            asy__free(full);
            first = 0;
            continue;
        }
        first = 0;
        if ((err = asy__watch_set(h, wd, rel)) != 0) {
            asy__free(full);
            break;
        }
        rel = h->dirs_[wd];
        d = (h->watch_flags_ & ASY_FS_RECURSIVE) ? opendir(full) : NULL;
        asy__free(full);
        if (!d) continue;
        for (;;) {
            struct dirent *e = readdir(d);
            char *child;
            if (!e) break;
            if (asy__is_dot(e->d_name) || asy__dirent_type(d, e) != ASY_DIRENT_DIR) continue;
            child = rel[0] ? asy__path_join2(rel, e->d_name) : asy__strdup(e->d_name);
            if (!child) {
                err = ASY_ENOMEM;
                break;
            }
            if (n == cap) {
                char **nt = (char **)asy__realloc(todo, 2 * cap * sizeof(char *));
                if (!nt) {
                    asy__free(child);
                    err = ASY_ENOMEM;
                    break;
                }
                todo = nt;
                cap *= 2;
            }
            todo[n++] = child;
        }
        closedir(d);
    }
    while (n > 0) asy__free(todo[--n]);
    asy__free(todo);
    return err;
}

/* The reported name: rel/name, name, rel, or the watched item's own name. */
static const char *asy__watch_name(asy_fs_watch_t *h, const char *rel, const char *name) {
    size_t lr = strlen(rel), ln = name ? strlen(name) : 0, need = lr + ln + 2;
    if (!ln) return lr ? rel : h->base_;
    if (!lr) return name;
    if (need > h->scratch_cap_) {
        char *s = (char *)asy__realloc(h->scratch_, need);
        if (!s) return NULL;
        h->scratch_ = s;
        h->scratch_cap_ = need;
    }
    memcpy(h->scratch_, rel, lr);
    h->scratch_[lr] = '/';
    memcpy(h->scratch_ + lr + 1, name, ln + 1);
    return h->scratch_;
}

/* Reports one event; 0 when the handle was stopped or closed by it. */
static int asy__watch_emit(asy_fs_watch_t *h, int fd, const char *name, int events, int status) {
    h->cb_(h, name, events, status);
    asy__after_cb(h->loop);
    return h->io_.fd == fd && asy__handle_active((asy_handle_t *)h) &&
           !(h->flags_ & ASY__H_CLOSING);
}

static void asy__watch_io_cb(asy_loop_t *loop, asy__io *io, unsigned revents) {
    asy_fs_watch_t *h = ASY_CONTAINER_OF(io, asy_fs_watch_t, io_);
    int fd = io->fd;
    union {
        struct inotify_event ev;
        char bytes[8192];
    } u;
    (void)loop;
    (void)revents;
    for (;;) {
        ssize_t n = read(fd, u.bytes, sizeof(u.bytes));
        char *p;
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN) asy__watch_emit(h, fd, NULL, 0, asy__errno());
            return;
        }
        for (p = u.bytes; p < u.bytes + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)(void *)p;
            const char *rel, *name, *evname = ev->len ? ev->name : NULL;
            int events = 0;
            p += sizeof(struct inotify_event) + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                if (!asy__watch_emit(h, fd, NULL, 0, ASY_ENOBUFS)) return;
                continue;
            }
            if (ev->wd < 0 || (unsigned)ev->wd >= h->ndirs_ || !(rel = h->dirs_[ev->wd]))
                continue;
            if (ev->mask & IN_IGNORED) { /* the watch is gone (deleted, unmounted) */
                asy__free(h->dirs_[ev->wd]);
                h->dirs_[ev->wd] = NULL;
                continue;
            }
            if (ev->mask & (IN_ATTRIB | IN_MODIFY)) events |= ASY_FS_EVENT_CHANGE;
            if (ev->mask & ~(uint32_t)(IN_ATTRIB | IN_MODIFY | IN_ISDIR)) events |= ASY_FS_EVENT_RENAME;
            if (!(name = asy__watch_name(h, rel, evname))) {
                if (!asy__watch_emit(h, fd, NULL, 0, ASY_ENOMEM)) return;
                continue;
            }
            if ((h->watch_flags_ & ASY_FS_RECURSIVE) && evname && (ev->mask & IN_ISDIR) &&
                (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
                /* name may live in scratch_, which add_tree does not touch */
                int r = asy__watch_add_tree(h, name, 0);
                if (r && !asy__watch_emit(h, fd, NULL, 0, r)) return;
            }
            if (events && !asy__watch_emit(h, fd, name, events, 0)) return;
        }
    }
}

ASYNCRT_API int asy_fs_watch_start(asy_fs_watch_t *h, const char *path, int flags,
                                   asy_fs_watch_cb cb) {
    size_t len;
    int fd, r;
    char *slash;
    if (!h || !path || !*path || !cb || (flags & ~ASY_FS_RECURSIVE) ||
        (h->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)))
        return ASY_EINVAL;
    if (asy__handle_active((asy_handle_t *)h)) return ASY_EBUSY;
    if (!(h->path_ = asy__strdup(path))) return ASY_ENOMEM;
    len = strlen(h->path_);
    while (len > 1 && h->path_[len - 1] == '/') h->path_[--len] = 0;
    slash = strrchr(h->path_, '/');
    h->base_ = slash && slash[1] ? slash + 1 : h->path_;
    h->cb_ = cb;
    h->watch_flags_ = flags;
    fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        r = asy__errno();
        asy_fs_watch_stop(h);
        return r;
    }
    asy__io_init(&h->io_, fd, asy__watch_io_cb);
    if ((r = asy__watch_add_tree(h, "", 1)) != 0 ||
        (r = asy__io_start(h->loop, &h->io_, ASY_READABLE)) != 0) {
        asy_fs_watch_stop(h);
        return r;
    }
    asy__handle_start((asy_handle_t *)h);
    return 0;
}
#else
ASYNCRT_API int asy_fs_watch_start(asy_fs_watch_t *h, const char *path, int flags,
                                   asy_fs_watch_cb cb) {
    (void)path;
    (void)flags;
    (void)cb;
    return h ? ASY_ENOSYS : ASY_EINVAL;
}
#endif
