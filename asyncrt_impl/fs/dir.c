/* Directories: readdir with types, mkdir -p, rm -r. */
#include "fs.internal.h"

static asy_dirent_type_t asy__dirent_type_of_mode(mode_t m) {
    if (S_ISREG(m)) return ASY_DIRENT_FILE;
    if (S_ISDIR(m)) return ASY_DIRENT_DIR;
    if (S_ISLNK(m)) return ASY_DIRENT_LINK;
    if (S_ISFIFO(m)) return ASY_DIRENT_FIFO;
    if (S_ISSOCK(m)) return ASY_DIRENT_SOCKET;
    if (S_ISCHR(m)) return ASY_DIRENT_CHAR;
    if (S_ISBLK(m)) return ASY_DIRENT_BLOCK;
    return ASY_DIRENT_UNKNOWN;
}

/* d_type, or an lstat when the file system does not fill it in. */
static asy_dirent_type_t asy__dirent_type(DIR *d, const struct dirent *e) {
    struct stat st;
    switch (e->d_type) {
        case DT_REG: return ASY_DIRENT_FILE;
        case DT_DIR: return ASY_DIRENT_DIR;
        case DT_LNK: return ASY_DIRENT_LINK;
        case DT_FIFO: return ASY_DIRENT_FIFO;
        case DT_SOCK: return ASY_DIRENT_SOCKET;
        case DT_CHR: return ASY_DIRENT_CHAR;
        case DT_BLK: return ASY_DIRENT_BLOCK;
        default: break;
    }
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return ASY_DIRENT_UNKNOWN;
    return asy__dirent_type_of_mode(st.st_mode);
}

static int asy__is_dot(const char *n) { return n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])); }

static int asy__dirent_cmp(const void *a, const void *b) {
    return strcmp(((const asy_dirent_t *)a)->name, ((const asy_dirent_t *)b)->name);
}

/* Names go into one growing block, NUL-separated, in entry order; at the
 * end entries and names are copied into a single allocation (so one free,
 * or one asy_fs_take_dirents, covers both) and sorted by name, as Node's
 * readdir is (libuv's scandir sorts). */
ASY__INTERNAL void asy__fs_readdir(asy_fs_t *req) {
    DIR *d = opendir(req->path);
    asy_dirent_type_t *types = NULL;
    asy_dirent_t *ents;
    char *names = NULL, *p, *q;
    size_t n = 0, cap = 0, used = 0, ncap = 0, i;
    int err = 0;
    if (!d) {
        req->result = asy__errno();
        return;
    }
    for (;;) {
        struct dirent *e;
        size_t len;
        errno = 0;
        e = readdir(d);
        if (!e) {
            if (errno) err = asy__errno();
            break;
        }
        if (asy__is_dot(e->d_name)) continue;
        len = strlen(e->d_name) + 1;
        if (n == cap) {
            size_t c = cap ? cap * 2 : 64;
            asy_dirent_type_t *nt = (asy_dirent_type_t *)asy__realloc(types, c * sizeof(*types));
            if (!nt) { err = ASY_ENOMEM; break; }
            types = nt;
            cap = c;
        }
        if (used + len > ncap) {
            size_t c = ncap ? ncap * 2 : 1024;
            char *nn;
            while (c < used + len) c *= 2;
            nn = (char *)asy__realloc(names, c);
            if (!nn) { err = ASY_ENOMEM; break; }
            names = nn;
            ncap = c;
        }
        memcpy(names + used, e->d_name, len);
        used += len;
        types[n++] = asy__dirent_type(d, e);
    }
    closedir(d);
    ents = err ? NULL : (asy_dirent_t *)asy__malloc(n * sizeof(asy_dirent_t) + used);
    if (!err && !ents) err = ASY_ENOMEM;
    if (!err) {
        q = (char *)(ents + n);
        if (used) memcpy(q, names, used);
        for (i = 0, p = q; i < n; i++) {
            ents[i].name = p;
            ents[i].type = types[i];
            p += strlen(p) + 1;
        }
        if (n > 1) qsort(ents, n, sizeof(*ents), asy__dirent_cmp);
        req->dirents = ents;
        req->result = (int64_t)n;
    } else {
        req->result = err;
    }
    asy__free(types);
    asy__free(names);
}

/* Creates each missing component in turn.  An existing component is
 * passed over: if it is a file, the next mkdir says ENOTDIR.  The first
 * directory created is reported (Node's return value). */
ASY__INTERNAL int asy__fs_mkdir_p(asy_fs_t *req) {
    mode_t mode = (mode_t)req->mode_;
    size_t n = strlen(req->path), i;
    char *tmp;
    struct stat st;
    if (mkdir(req->path, mode) == 0) {
        if (!(req->buf = asy__strdup(req->path))) return ASY_ENOMEM;
        req->len = n;
        return 0;
    }
    if (errno == EEXIST) return stat(req->path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : ASY_EEXIST;
    if (errno != ENOENT) return asy__errno();
    if (!(tmp = asy__strdup(req->path))) return ASY_ENOMEM;
    for (i = 1; i <= n; i++) {
        int r;
        if (i < n && (tmp[i] != '/' || tmp[i - 1] == '/')) continue;
        if (i < n) tmp[i] = 0;
        r = mkdir(tmp, mode);
        if (r != 0 && errno != EEXIST) {
            r = asy__errno();
            asy__free(tmp);
            return r;
        }
        if (r == 0 && !req->buf) {
            if (!(req->buf = asy__strdup(tmp))) {
                asy__free(tmp);
                return ASY_ENOMEM;
            }
            req->len = strlen(tmp);
        }
        if (i < n) tmp[i] = '/';
    }
    asy__free(tmp);
    if (stat(req->path, &st) != 0) return asy__errno();
    return S_ISDIR(st.st_mode) ? 0 : ASY_EEXIST;
}

/* ---- rm -r ------------------------------------------------------------
 * Depth-first with one directory fd open at a time, however deep the
 * tree: a directory is read once (its files unlinked, its subdirectory
 * names kept), then each subdirectory is entered; climbing back goes
 * through "..", which is the real parent because entering never follows
 * a symlink (O_NOFOLLOW). */
typedef struct {
    char **subdirs;
    size_t n, cap, next;
    const char *name; /* in the parent's subdirs; NULL for the root */
    int scanned;
} asy__rm_frame;

static void asy__rm_frame_free(asy__rm_frame *f) {
    size_t i;
    for (i = 0; i < f->n; i++) asy__free(f->subdirs[i]);
    asy__free(f->subdirs);
}

/* root/a/b/name for an error message: the root, the names of frames
 * 1..depth-1, then name. */
static char *asy__rm_path(const char *root, const asy__rm_frame *frames, size_t depth,
                          const char *name) {
    size_t len = strlen(root) + 1, i, at;
    char *s;
    for (i = 1; i < depth; i++) len += strlen(frames[i].name) + 1;
    if (name) len += strlen(name) + 1;
    if (!(s = (char *)asy__malloc(len))) return NULL;
    at = strlen(root);
    memcpy(s, root, at);
    for (i = 1; i <= depth; i++) {
        const char *part = i < depth ? frames[i].name : name;
        size_t pl;
        if (!part) break;
        pl = strlen(part);
        s[at++] = '/';
        memcpy(s + at, part, pl);
        at += pl;
    }
    s[at] = 0;
    return s;
}

/* Reads the directory open at fd: unlinks what is not a directory and
 * records the subdirectories.  0 or an error (syscall set). */
static int asy__rm_scan(int fd, asy__rm_frame *f, const char **syscall, char **failed) {
    int dfd = dup(fd);
    DIR *d;
    int err = 0;
    if (dfd < 0 || !(d = fdopendir(dfd))) {
        err = asy__errno();
        if (dfd >= 0) close(dfd);
        *syscall = "opendir";
        return err;
    }
    for (;;) {
        struct dirent *e;
        int isdir;
        errno = 0;
        if (!(e = readdir(d))) {
            if (errno) {
                err = asy__errno();
                *syscall = "scandir";
            }
            break;
        }
        if (asy__is_dot(e->d_name)) continue;
        isdir = asy__dirent_type(d, e) == ASY_DIRENT_DIR;
        if (!isdir) {
            if (unlinkat(fd, e->d_name, 0) == 0 || errno == ENOENT) continue;
            if (errno != EISDIR) { /* EISDIR: it became a directory meanwhile */
                err = asy__errno();
                *syscall = "unlink";
                *failed = asy__strdup(e->d_name);
                break;
            }
        }
        if (f->n == f->cap) {
            size_t c = f->cap ? f->cap * 2 : 16;
            char **ns = (char **)asy__realloc(f->subdirs, c * sizeof(char *));
            if (!ns) { err = ASY_ENOMEM; break; }
            f->subdirs = ns;
            f->cap = c;
        }
        if (!(f->subdirs[f->n] = asy__strdup(e->d_name))) { err = ASY_ENOMEM; break; }
        f->n++;
    }
    closedir(d);
    f->scanned = 1;
    return err;
}

static void asy__fs_rm_tree(asy_fs_t *req) {
    asy__rm_frame *frames;
    size_t depth = 1, cap = 16;
    const char *syscall = "opendir";
    char *failed = NULL;
    int err = 0, cur;
    if (!(frames = (asy__rm_frame *)asy__calloc(cap, sizeof(*frames)))) {
        req->result = ASY_ENOMEM;
        return;
    }
    cur = open(req->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (cur < 0) {
        asy__free(frames);
        asy__fs_fail(req, asy__errno(), "opendir");
        return;
    }
    for (;;) {
        asy__rm_frame *f = &frames[depth - 1];
        if (!f->scanned && (err = asy__rm_scan(cur, f, &syscall, &failed)) != 0) break;
        if (f->next < f->n) {
            const char *child = f->subdirs[f->next++];
            int cfd = openat(cur, child, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (cfd < 0) {
                if (errno == ENOENT) continue;
                /* replaced by a file or a link meanwhile */
                if ((errno == ENOTDIR || errno == ELOOP) &&
                    (unlinkat(cur, child, 0) == 0 || errno == ENOENT))
                    continue;
                err = asy__errno();
                syscall = "opendir";
                failed = asy__strdup(child);
                break;
            }
            if (depth == cap) {
                asy__rm_frame *nf = (asy__rm_frame *)asy__realloc(frames, 2 * cap * sizeof(*frames));
                if (!nf) {
                    close(cfd);
                    err = ASY_ENOMEM;
                    break;
                }
                frames = nf;
                cap *= 2;
            }
            close(cur);
            cur = cfd;
            memset(&frames[depth], 0, sizeof(frames[depth]));
            frames[depth].name = child; /* lives in the parent's list */
            depth++;
            continue;
        }
        /* every entry is gone: remove the directory itself */
        if (depth == 1) {
            close(cur);
            cur = -1;
            if (rmdir(req->path) != 0 && errno != ENOENT) {
                err = asy__errno();
                syscall = "rmdir";
            }
            break;
        }
        {
            int pfd = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            const char *name = f->name;
            int r;
            if (pfd < 0) {
                err = asy__errno();
                syscall = "opendir";
                break;
            }
            close(cur);
            cur = pfd;
            r = unlinkat(cur, name, AT_REMOVEDIR);
            if (r != 0 && errno != ENOENT) {
                err = asy__errno();
                syscall = "rmdir";
                failed = asy__strdup(name);
            }
            asy__rm_frame_free(f);
            depth--;
            if (err) break;
        }
    }
    if (cur >= 0) close(cur);
    if (err) {
        char *where = asy__rm_path(req->path, frames, depth, failed);
        asy__fs_fail(req, err, syscall);
        if (where) asy__fs_set_path(req, where);
    }
    while (depth > 0) asy__rm_frame_free(&frames[--depth]);
    asy__free(frames);
    asy__free(failed);
}

ASY__INTERNAL void asy__fs_rm(asy_fs_t *req) {
    struct stat st;
    req->result = 0;
    if (lstat(req->path, &st) != 0) {
        if (errno == ENOENT && (req->flags_ & ASY_FS_FORCE)) return;
        asy__fs_fail(req, asy__errno(), "lstat");
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(req->path) != 0 && !(errno == ENOENT && (req->flags_ & ASY_FS_FORCE)))
            asy__fs_fail(req, asy__errno(), "unlink");
        return;
    }
    if (!(req->flags_ & ASY_FS_RECURSIVE)) {
        asy__fs_fail(req, ASY_EISDIR, "rm");
        return;
    }
    asy__fs_rm_tree(req);
}
