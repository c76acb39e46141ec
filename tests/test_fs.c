/* fs: every operation, async (through the pool) and sync, with its error
 * paths and Node's error messages. */
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1 /* the suite runs on every backend (tests/test.h) */
#include "test.h"
#include "fs_util.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static asy_loop_t L;

/* What the last callback saw, copied out (results are freed after it). */
static struct {
    int called;
    asy_fs_type_t type;
    int64_t result;
    char msg[1024];
    char syscall[32];
    asy_stat_t st;
    char *buf;
    size_t len;
    char names[64][64];
    asy_dirent_type_t types[64];
    size_t n;
    int sorted;
} got;

static void got_reset(void) {
    free(got.buf);
    memset(&got, 0, sizeof(got));
}

static void keep_cb(asy_fs_t *req) {
    size_t i;
    got.called++;
    got.type = req->type;
    got.result = req->result;
    asy_fs_error(req, got.msg, sizeof(got.msg));
    snprintf(got.syscall, sizeof(got.syscall), "%s", req->syscall ? req->syscall : "");
    got.st = req->statbuf;
    if (req->buf) {
        got.buf = (char *)malloc(req->len + 1);
        memcpy(got.buf, req->buf, req->len + 1);
        got.len = req->len;
    }
    if (req->type == ASY_FS_READDIR && req->result >= 0) {
        got.n = (size_t)req->result;
        got.sorted = 1;
        for (i = 0; i < got.n; i++) {
            if (i > 0 && strcmp(req->dirents[i - 1].name, req->dirents[i].name) >= 0) got.sorted = 0;
            if (i < 64) {
                snprintf(got.names[i], sizeof(got.names[i]), "%s", req->dirents[i].name);
                got.types[i] = req->dirents[i].type;
            }
        }
    }
}

/* Runs one async call to completion; its callback must have run once. */
#define RUN(call)                                          \
    do {                                                   \
        got_reset();                                       \
        ASSERT_OK(call);                                   \
        ASSERT_EQ(got.called, 0);                          \
        ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);        \
        ASSERT_EQ(got.called, 1);                          \
    } while (0)

static void setup(void) {
    tmpdir_make();
    ASSERT_OK(asy_loop_init(&L, NULL));
}

static void teardown(void) {
    got_reset();
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

/* ---- open / read / write / close, chained from callbacks ------------------ */
static asy_fs_t chain_req;
static int chain_fd = -1, chain_step;
static char chain_rbuf[64];
static asy_iov_t chain_iov;

static void chain_cb(asy_fs_t *req) {
    char msg[256];
    if (req->result < 0) FAIL("step %d: %s", chain_step, asy_fs_error(req, msg, sizeof msg));
    switch (chain_step++) {
        case 0: /* opened */
            chain_fd = (int)req->result;
            chain_iov.base = (void *)"hello, pool";
            chain_iov.len = 11;
            ASSERT_OK(asy_fs_write(&L, req, chain_fd, &chain_iov, 1, -1, chain_cb));
            break;
        case 1: /* written */
            ASSERT_EQ(req->result, 11);
            chain_iov.base = chain_rbuf;
            chain_iov.len = sizeof(chain_rbuf);
            ASSERT_OK(asy_fs_read(&L, req, chain_fd, &chain_iov, 1, 7, chain_cb));
            break;
        case 2: /* read at offset 7 */
            ASSERT_EQ(req->result, 4);
            ASSERT_MEM_EQ(chain_rbuf, "pool", 4);
            ASSERT_OK(asy_fs_fstat(&L, req, chain_fd, chain_cb));
            break;
        case 3:
            ASSERT_EQ_U64(req->statbuf.size, 11);
            ASSERT(asy_stat_is_file(&req->statbuf));
            ASSERT_OK(asy_fs_close(&L, req, chain_fd, chain_cb));
            break;
        case 4:
            ASSERT_EQ(req->result, 0);
            break;
    }
}

TEST(fs_open_write_read_fstat_close_chain) {
    setup();
    chain_step = 0;
    ASSERT_OK(asy_fs_open(&L, &chain_req, P("f.txt"), O_RDWR | O_CREAT | O_TRUNC, 0644, chain_cb));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(chain_step, 5);
    ASSERT_STR_EQ(get_file(P("f.txt")), "hello, pool");
    teardown();
}

TEST(fs_vectors_offsets_and_file_position) {
    asy_fs_t r;
    asy_iov_t w[3], rv[2];
    char a[4], b[8];
    int fd;
    setup();
    RUN(asy_fs_open(&L, &r, P("v"), asy_fs_open_flags("w+"), 0, keep_cb));
    ASSERT_GE(got.result, 0);
    fd = (int)got.result;
    w[0].base = (void *)"abc";
    w[0].len = 3;
    w[1].base = (void *)"defg";
    w[1].len = 4;
    w[2].base = (void *)"hi";
    w[2].len = 2;
    RUN(asy_fs_write(&L, &r, fd, w, 3, 10, keep_cb)); /* pwritev at 10 */
    ASSERT_EQ(got.result, 9);
    RUN(asy_fs_write(&L, &r, fd, w, 1, -1, keep_cb)); /* at the position: 0 */
    RUN(asy_fs_write(&L, &r, fd, w, 1, -1, keep_cb)); /* then 3 */
    rv[0].base = a;
    rv[0].len = sizeof(a);
    rv[1].base = b;
    rv[1].len = sizeof(b);
    RUN(asy_fs_read(&L, &r, fd, rv, 2, 4, keep_cb)); /* preadv at 4 */
    ASSERT_EQ(got.result, 12);
    ASSERT_MEM_EQ(a, "bc\0\0", 4);
    ASSERT_MEM_EQ(b, "\0\0abcdef", 8);
    RUN(asy_fs_fstat(&L, &r, fd, keep_cb));
    ASSERT_EQ_U64(got.st.size, 19);
    /* reading at the end gives 0 */
    RUN(asy_fs_read(&L, &r, fd, rv, 1, 19, keep_cb));
    ASSERT_EQ(got.result, 0);
    RUN(asy_fs_close(&L, &r, fd, keep_cb));
    ASSERT_EQ(got.result, 0);
    teardown();
}

TEST_T(fs_offsets_past_2gib_on_sparse_file, 10000) {
    asy_fs_t r;
    asy_iov_t v;
    char back[6] = {0};
    int fd;
    const int64_t off = (int64_t)3 << 30; /* 3 GiB */
    setup();
    RUN(asy_fs_open(&L, &r, P("sparse"), O_RDWR | O_CREAT, 0600, keep_cb));
    fd = (int)got.result;
    v.base = (void *)"hello";
    v.len = 5;
    RUN(asy_fs_write(&L, &r, fd, &v, 1, off + 7, keep_cb));
    ASSERT_EQ(got.result, 5);
    v.base = back;
    RUN(asy_fs_read(&L, &r, fd, &v, 1, off + 7, keep_cb));
    ASSERT_EQ(got.result, 5);
    ASSERT_STR_EQ(back, "hello");
    RUN(asy_fs_fstat(&L, &r, fd, keep_cb));
    ASSERT_EQ_U64(got.st.size, (uint64_t)off + 12);
    ASSERT_LT(got.st.blocks, 1024); /* sparse: nowhere near 3 GiB on disk */
    /* ftruncate and truncate past 2 GiB too */
    RUN(asy_fs_ftruncate(&L, &r, fd, off + 100, keep_cb));
    RUN(asy_fs_stat(&L, &r, P("sparse"), keep_cb));
    ASSERT_EQ_U64(got.st.size, (uint64_t)off + 100);
    RUN(asy_fs_truncate(&L, &r, P("sparse"), ((int64_t)5 << 30), keep_cb));
    ASSERT_EQ(got.result, 0);
    RUN(asy_fs_fstat(&L, &r, fd, keep_cb));
    ASSERT_EQ_U64(got.st.size, (uint64_t)5 << 30);
    RUN(asy_fs_close(&L, &r, fd, keep_cb));
    teardown();
}

/* ---- stat family ------------------------------------------------------------ */
TEST(fs_stat_lstat_fstat_and_types) {
    asy_fs_t r;
    setup();
    put_file(P("file"), "12345");
    RUN(asy_fs_mkdir(&L, &r, P("dir"), 0, 0, keep_cb));
    RUN(asy_fs_symlink(&L, &r, "file", P("link"), keep_cb));
    ASSERT_EQ(got.result, 0);
    RUN(asy_fs_stat(&L, &r, P("file"), keep_cb));
    ASSERT_EQ(got.result, 0);
    ASSERT_EQ_U64(got.st.size, 5);
    ASSERT(asy_stat_is_file(&got.st));
    ASSERT(got.st.mtim.sec > 1600000000);
    ASSERT(got.st.ino != 0);
    ASSERT_EQ_U64(got.st.nlink, 1);
    RUN(asy_fs_stat(&L, &r, P("dir"), keep_cb));
    ASSERT(asy_stat_is_dir(&got.st));
    RUN(asy_fs_lstat(&L, &r, P("link"), keep_cb));
    ASSERT(asy_stat_is_symlink(&got.st));
    RUN(asy_fs_stat(&L, &r, P("link"), keep_cb)); /* follows */
    ASSERT(asy_stat_is_file(&got.st));
    ASSERT_EQ_U64(got.st.size, 5);
    teardown();
}

/* ---- errors carry the code, the call and the path ----------------------------- */
TEST(fs_errors_name_code_syscall_and_path) {
    asy_fs_t r;
    asy_iov_t v;
    char buf[4], expect[1200];
    setup();
    RUN(asy_fs_stat(&L, &r, P("missing"), keep_cb));
    ASSERT_EQ(got.result, ASY_ENOENT);
    snprintf(expect, sizeof expect, "ENOENT: no such file or directory, stat '%s'", P("missing"));
    ASSERT_STR_EQ(got.msg, expect);
    RUN(asy_fs_open(&L, &r, P("missing"), O_RDONLY, 0, keep_cb));
    snprintf(expect, sizeof expect, "ENOENT: no such file or directory, open '%s'", P("missing"));
    ASSERT_STR_EQ(got.msg, expect);
    RUN(asy_fs_rename(&L, &r, P("a"), P("b"), keep_cb));
    snprintf(expect, sizeof expect, "ENOENT: no such file or directory, rename '%s' -> '%s'",
             P("a"), P("b"));
    ASSERT_STR_EQ(got.msg, expect);
    v.base = buf;
    v.len = sizeof(buf);
    RUN(asy_fs_read(&L, &r, 987654, &v, 1, 0, keep_cb));
    ASSERT_EQ(got.result, ASY_EBADF);
    ASSERT_STR_EQ(got.msg, "EBADF: bad file descriptor, read");
    RUN(asy_fs_read_file(&L, &r, P("missing"), keep_cb));
    snprintf(expect, sizeof expect, "ENOENT: no such file or directory, open '%s'", P("missing"));
    ASSERT_STR_EQ(got.msg, expect);
    RUN(asy_fs_readdir(&L, &r, P("missing"), keep_cb));
    ASSERT_STR_EQ(got.syscall, "scandir");
    /* success: no message */
    RUN(asy_fs_stat(&L, &r, tmp_root, keep_cb));
    ASSERT_STR_EQ(got.msg, "");
    teardown();
}

TEST(fs_eexist_enotdir_enotempty_eisdir) {
    asy_fs_t r;
    char expect[1200];
    setup();
    put_file(P("file"), "x");
    RUN(asy_fs_mkdir(&L, &r, P("d"), 0755, 0, keep_cb));
    ASSERT_EQ(got.result, 0);
    RUN(asy_fs_mkdir(&L, &r, P("d"), 0755, 0, keep_cb));
    ASSERT_EQ(got.result, ASY_EEXIST);
    snprintf(expect, sizeof expect, "EEXIST: file already exists, mkdir '%s'", P("d"));
    ASSERT_STR_EQ(got.msg, expect);
    RUN(asy_fs_open(&L, &r, P("file"), O_WRONLY | O_CREAT | O_EXCL, 0, keep_cb));
    ASSERT_EQ(got.result, ASY_EEXIST);
    RUN(asy_fs_mkdir(&L, &r, P("file/sub"), 0, 0, keep_cb));
    ASSERT_EQ(got.result, ASY_ENOTDIR);
    RUN(asy_fs_stat(&L, &r, P("file/x"), keep_cb));
    ASSERT_EQ(got.result, ASY_ENOTDIR);
    RUN(asy_fs_readdir(&L, &r, P("file"), keep_cb));
    ASSERT_EQ(got.result, ASY_ENOTDIR);
    put_file(P("d/inner"), "x");
    RUN(asy_fs_rmdir(&L, &r, P("d"), keep_cb));
    ASSERT_EQ(got.result, ASY_ENOTEMPTY);
    RUN(asy_fs_rmdir(&L, &r, P("file"), keep_cb));
    ASSERT_EQ(got.result, ASY_ENOTDIR);
    RUN(asy_fs_unlink(&L, &r, P("d"), keep_cb));
    ASSERT(got.result == ASY_EISDIR || got.result == ASY_EPERM);
    RUN(asy_fs_open(&L, &r, P("d"), O_WRONLY, 0, keep_cb));
    ASSERT_EQ(got.result, ASY_EISDIR);
    RUN(asy_fs_read_file(&L, &r, P("d"), keep_cb));
    ASSERT_EQ(got.result, ASY_EISDIR);
    ASSERT_STR_EQ(got.msg, "EISDIR: illegal operation on a directory, read"); /* as Node */
    RUN(asy_fs_unlink(&L, &r, P("file"), keep_cb));
    ASSERT_EQ(got.result, 0);
    ASSERT(!exists(P("file")));
    RUN(asy_fs_unlink(&L, &r, P("file"), keep_cb));
    ASSERT_EQ(got.result, ASY_ENOENT);
    teardown();
}

TEST(fs_eacces_when_not_root) {
    asy_fs_t r;
    if (geteuid() == 0) SKIP("running as root: permission bits are not enforced");
    setup();
    put_file(P("secret"), "x");
    RUN(asy_fs_chmod(&L, &r, P("secret"), 0, keep_cb));
    RUN(asy_fs_open(&L, &r, P("secret"), O_RDONLY, 0, keep_cb));
    ASSERT_EQ(got.result, ASY_EACCES);
    RUN(asy_fs_access(&L, &r, P("secret"), ASY_R_OK, keep_cb));
    ASSERT_EQ(got.result, ASY_EACCES);
    teardown();
}

/* ---- mkdir -p, rename, rm ---------------------------------------------------- */
TEST(fs_mkdir_recursive) {
    asy_fs_t r;
    setup();
    RUN(asy_fs_mkdir(&L, &r, P("a/b/c"), 0, ASY_FS_RECURSIVE, keep_cb));
    ASSERT_EQ(got.result, 0);
    ASSERT_STR_EQ(got.buf, P("a")); /* the first directory created, as Node returns */
    ASSERT(exists(P("a/b/c")));
    RUN(asy_fs_mkdir(&L, &r, P("a/b/c"), 0, ASY_FS_RECURSIVE, keep_cb));
    ASSERT_EQ(got.result, 0); /* existing: fine, nothing created */
    ASSERT_NULL(got.buf);
    RUN(asy_fs_mkdir(&L, &r, P("a/b/d//e/"), 0, ASY_FS_RECURSIVE, keep_cb));
    ASSERT_EQ(got.result, 0);
    ASSERT_STR_EQ(got.buf, P("a/b/d"));
    ASSERT(exists(P("a/b/d/e")));
    put_file(P("a/f"), "x");
    RUN(asy_fs_mkdir(&L, &r, P("a/f/g/h"), 0, ASY_FS_RECURSIVE, keep_cb));
    ASSERT_EQ(got.result, ASY_ENOTDIR);
    RUN(asy_fs_mkdir(&L, &r, P("a/f"), 0, ASY_FS_RECURSIVE, keep_cb));
    ASSERT_EQ(got.result, ASY_EEXIST);
    teardown();
}

TEST(fs_rename_files_and_dirs) {
    asy_fs_t r;
    setup();
    put_file(P("one"), "1");
    RUN(asy_fs_rename(&L, &r, P("one"), P("two"), keep_cb));
    ASSERT_EQ(got.result, 0);
    ASSERT(!exists(P("one")));
    ASSERT_STR_EQ(get_file(P("two")), "1");
    RUN(asy_fs_mkdir(&L, &r, P("d1"), 0, 0, keep_cb));
    RUN(asy_fs_rename(&L, &r, P("d1"), P("d2"), keep_cb));
    ASSERT(exists(P("d2")));
    RUN(asy_fs_rename(&L, &r, P("two"), P("nodir/x"), keep_cb));
    ASSERT_EQ(got.result, ASY_ENOENT);
    teardown();
}

TEST(fs_rm_file_dir_force_and_links) {
    asy_fs_t r;
    char expect[1200];
    setup();
    put_file(P("f"), "x");
    RUN(asy_fs_rm(&L, &r, P("f"), 0, keep_cb));
    ASSERT_EQ(got.result, 0);
    ASSERT(!exists(P("f")));
    RUN(asy_fs_rm(&L, &r, P("f"), 0, keep_cb));
    ASSERT_EQ(got.result, ASY_ENOENT);
    snprintf(expect, sizeof expect, "ENOENT: no such file or directory, lstat '%s'", P("f"));
    ASSERT_STR_EQ(got.msg, expect);
    RUN(asy_fs_rm(&L, &r, P("f"), ASY_FS_FORCE, keep_cb));
    ASSERT_EQ(got.result, 0);
    /* a directory needs recursive */
    RUN(asy_fs_mkdir(&L, &r, P("t/u/v"), 0, ASY_FS_RECURSIVE, keep_cb));
    put_file(P("t/u/v/w"), "x");
    put_file(P("t/top"), "x");
    RUN(asy_fs_rm(&L, &r, P("t"), 0, keep_cb));
    ASSERT_EQ(got.result, ASY_EISDIR);
    /* a link inside the tree is removed, its target outside is not */
    RUN(asy_fs_mkdir(&L, &r, P("keep"), 0, 0, keep_cb));
    put_file(P("keep/precious"), "x");
    RUN(asy_fs_symlink(&L, &r, P("keep"), P("t/u/link"), keep_cb));
    RUN(asy_fs_rm(&L, &r, P("t"), ASY_FS_RECURSIVE, keep_cb));
    ASSERT_EQ(got.result, 0);
    ASSERT(!exists(P("t")));
    ASSERT_STR_EQ(get_file(P("keep/precious")), "x");
    /* rm of a symlink to a directory removes the link only */
    RUN(asy_fs_symlink(&L, &r, P("keep"), P("l2"), keep_cb));
    RUN(asy_fs_rm(&L, &r, P("l2"), ASY_FS_RECURSIVE, keep_cb));
    ASSERT(!exists(P("l2")));
    ASSERT(exists(P("keep/precious")));
    teardown();
}

/* Deeper than PATH_MAX: built with openat so no path is ever that long. */
TEST_T(fs_rm_recursive_deep_tree, 20000) {
    asy_fs_t r;
    int fd, i, depth = 3000;
    setup();
    fd = open(tmp_root, O_RDONLY | O_DIRECTORY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(mkdirat(fd, "deep", 0755), 0);
    for (i = 0; i < depth; i++) {
        int nfd = openat(fd, i == 0 ? "deep" : "d", O_RDONLY | O_DIRECTORY);
        ASSERT_GE(nfd, 0);
        close(fd);
        fd = nfd;
        ASSERT_EQ(mkdirat(fd, "d", 0755), 0);
        if (i % 10 == 0) {
            int f = openat(fd, "file", O_WRONLY | O_CREAT, 0644);
            ASSERT_GE(f, 0);
            close(f);
            ASSERT_EQ(symlinkat("..", fd, "up"), 0);
        }
        if (i % 100 == 0) ASSERT_EQ(mkdirat(fd, "side", 0755), 0);
    }
    close(fd);
    RUN(asy_fs_rm(&L, &r, P("deep"), ASY_FS_RECURSIVE, keep_cb));
    if (got.result < 0) FAIL("%s", got.msg);
    ASSERT(!exists(P("deep")));
    teardown();
}

/* ---- readdir ------------------------------------------------------------------ */
TEST(fs_readdir_with_types_sorted) {
    asy_fs_t r;
    setup();
    put_file(P("b.txt"), "x");
    put_file(P("a.txt"), "x");
    RUN(asy_fs_mkdir(&L, &r, P("c-dir"), 0, 0, keep_cb));
    RUN(asy_fs_symlink(&L, &r, "a.txt", P("d-link"), keep_cb));
    ASSERT_EQ(mkfifo(P("e-fifo"), 0600), 0);
    RUN(asy_fs_readdir(&L, &r, tmp_root, keep_cb));
    ASSERT_EQ(got.result, 5);
    ASSERT(got.sorted);
    ASSERT_STR_EQ(got.names[0], "a.txt");
    ASSERT_EQ(got.types[0], ASY_DIRENT_FILE);
    ASSERT_STR_EQ(got.names[1], "b.txt");
    ASSERT_STR_EQ(got.names[2], "c-dir");
    ASSERT_EQ(got.types[2], ASY_DIRENT_DIR);
    ASSERT_STR_EQ(got.names[3], "d-link");
    ASSERT_EQ(got.types[3], ASY_DIRENT_LINK);
    ASSERT_STR_EQ(got.names[4], "e-fifo");
    ASSERT_EQ(got.types[4], ASY_DIRENT_FIFO);
    RUN(asy_fs_readdir(&L, &r, P("c-dir"), keep_cb));
    ASSERT_EQ(got.result, 0);
    teardown();
}

static size_t rd_count, rd_files, rd_dirs;
static int rd_sorted, rd_seen_9999;
static void count_entries(asy_fs_t *req) {
    size_t i;
    ASSERT_GE(req->result, 0);
    rd_count = (size_t)req->result;
    rd_sorted = 1;
    for (i = 0; i < rd_count; i++) {
        if (req->dirents[i].type == ASY_DIRENT_FILE) rd_files++;
        if (req->dirents[i].type == ASY_DIRENT_DIR) rd_dirs++;
        if (i && strcmp(req->dirents[i - 1].name, req->dirents[i].name) >= 0) rd_sorted = 0;
        if (strcmp(req->dirents[i].name, "f09999") == 0) rd_seen_9999 = 1;
    }
}

TEST_T(fs_readdir_ten_thousand_entries, 30000) {
    asy_fs_t r;
    int dfd, i;
    char name[32];
    setup();
    dfd = open(tmp_root, O_RDONLY | O_DIRECTORY);
    ASSERT_GE(dfd, 0);
    for (i = 0; i < 10000; i++) {
        int fd;
        snprintf(name, sizeof name, "f%05d", i);
        fd = openat(dfd, name, O_WRONLY | O_CREAT, 0644);
        ASSERT_GE(fd, 0);
        close(fd);
    }
    for (i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "dir%d", i);
        ASSERT_EQ(mkdirat(dfd, name, 0755), 0);
    }
    close(dfd);
    ASSERT_OK(asy_fs_readdir(&L, &r, tmp_root, count_entries));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(rd_count, 10010);
    ASSERT_EQ(rd_files, 10000);
    ASSERT_EQ(rd_dirs, 10);
    ASSERT(rd_sorted);
    ASSERT(rd_seen_9999);
    /* and the same synchronously */
    ASSERT_EQ(asy_fs_readdir_sync(&r, tmp_root), 10010);
    ASSERT_STR_EQ(r.dirents[0].name, "dir0");
    ASSERT_STR_EQ(r.dirents[10009].name, "f09999");
    asy_fs_req_cleanup(&r);
    teardown();
}

/* ---- whole files ----------------------------------------------------------------- */
TEST(fs_write_append_read_file) {
    asy_fs_t r;
    static char big[300000];
    size_t i;
    setup();
    RUN(asy_fs_write_file(&L, &r, P("t.txt"), "first", 5, 0, keep_cb));
    ASSERT_EQ(got.result, 5);
    RUN(asy_fs_append_file(&L, &r, P("t.txt"), " second", 7, 0, keep_cb));
    RUN(asy_fs_append_file(&L, &r, P("new.txt"), "created", 7, 0, keep_cb));
    RUN(asy_fs_read_file(&L, &r, P("t.txt"), keep_cb));
    ASSERT_EQ(got.result, 12);
    ASSERT_EQ(got.len, 12);
    ASSERT_STR_EQ(got.buf, "first second");
    RUN(asy_fs_read_file(&L, &r, P("new.txt"), keep_cb));
    ASSERT_STR_EQ(got.buf, "created");
    RUN(asy_fs_write_file(&L, &r, P("t.txt"), "over", 4, 0600, keep_cb)); /* truncates */
    ASSERT_STR_EQ(get_file(P("t.txt")), "over");
    /* binary, larger than one read */
    for (i = 0; i < sizeof big; i++) big[i] = (char)(i * 7);
    RUN(asy_fs_write_file(&L, &r, P("big"), big, sizeof big, 0, keep_cb));
    RUN(asy_fs_read_file(&L, &r, P("big"), keep_cb));
    ASSERT_EQ(got.len, sizeof big);
    ASSERT_MEM_EQ(got.buf, big, sizeof big);
    /* empty file; a file whose stat size is 0 but has content */
    RUN(asy_fs_write_file(&L, &r, P("empty"), NULL, 0, 0, keep_cb));
    RUN(asy_fs_read_file(&L, &r, P("empty"), keep_cb));
    ASSERT_EQ(got.result, 0);
    ASSERT_STR_EQ(got.buf, "");
    RUN(asy_fs_read_file(&L, &r, "/proc/self/status", keep_cb));
    ASSERT_GT(got.result, 10);
    ASSERT(strstr(got.buf, "Name:") != NULL);
    RUN(asy_fs_write_file(&L, &r, P("nodir/x"), "x", 1, 0, keep_cb));
    ASSERT_EQ(got.result, ASY_ENOENT);
    ASSERT_STR_EQ(got.syscall, "open");
    teardown();
}

TEST(fs_copy_file) {
    asy_fs_t r;
    char expect[1200];
    setup();
    put_file(P("src"), "copy me");
    RUN(asy_fs_chmod(&L, &r, P("src"), 0640, keep_cb));
    RUN(asy_fs_copy_file(&L, &r, P("src"), P("dst"), 0, keep_cb));
    ASSERT_EQ(got.result, 0);
    ASSERT_STR_EQ(get_file(P("dst")), "copy me");
    RUN(asy_fs_stat(&L, &r, P("dst"), keep_cb));
    ASSERT_EQ(got.st.mode & 0777, 0640);
    /* overwrites by default (and shrinks), EXCL refuses */
    put_file(P("src"), "v2");
    RUN(asy_fs_copy_file(&L, &r, P("src"), P("dst"), 0, keep_cb));
    ASSERT_STR_EQ(get_file(P("dst")), "v2");
    RUN(asy_fs_copy_file(&L, &r, P("src"), P("dst"), ASY_FS_COPYFILE_EXCL, keep_cb));
    ASSERT_EQ(got.result, ASY_EEXIST);
    snprintf(expect, sizeof expect, "EEXIST: file already exists, copyfile '%s' -> '%s'",
             P("src"), P("dst"));
    ASSERT_STR_EQ(got.msg, expect);
    /* onto itself: left intact */
    RUN(asy_fs_copy_file(&L, &r, P("src"), P("src"), 0, keep_cb));
    ASSERT_EQ(got.result, 0);
    ASSERT_STR_EQ(get_file(P("src")), "v2");
    /* FICLONE falls back to a copy where clones are unsupported */
    RUN(asy_fs_copy_file(&L, &r, P("src"), P("dst3"), ASY_FS_COPYFILE_FICLONE, keep_cb));
    ASSERT_EQ(got.result, 0);
    ASSERT_STR_EQ(get_file(P("dst3")), "v2");
    RUN(asy_fs_copy_file(&L, &r, P("missing"), P("dst4"), 0, keep_cb));
    ASSERT_EQ(got.result, ASY_ENOENT);
    ASSERT(!exists(P("dst4")));
    teardown();
}

/* ---- links, access, realpath, modes and times ------------------------------------ */
TEST(fs_access_realpath_symlink_readlink) {
    asy_fs_t r;
    char want[1200];
    setup();
    put_file(P("file"), "x");
    RUN(asy_fs_access(&L, &r, P("file"), ASY_F_OK, keep_cb));
    ASSERT_EQ(got.result, 0);
    RUN(asy_fs_access(&L, &r, P("file"), ASY_R_OK | ASY_W_OK, keep_cb));
    ASSERT_EQ(got.result, 0);
    RUN(asy_fs_access(&L, &r, P("nope"), ASY_F_OK, keep_cb));
    ASSERT_EQ(got.result, ASY_ENOENT);
    ASSERT_STR_EQ(got.syscall, "access");
    RUN(asy_fs_mkdir(&L, &r, P("d"), 0, 0, keep_cb));
    RUN(asy_fs_symlink(&L, &r, "../file", P("d/ln"), keep_cb));
    RUN(asy_fs_readlink(&L, &r, P("d/ln"), keep_cb));
    ASSERT_EQ(got.result, 0);
    ASSERT_STR_EQ(got.buf, "../file");
    ASSERT_EQ(got.len, 7);
    RUN(asy_fs_readlink(&L, &r, P("file"), keep_cb));
    ASSERT_EQ(got.result, ASY_EINVAL);
    RUN(asy_fs_realpath(&L, &r, P("d/../d/ln"), keep_cb));
    ASSERT_EQ(got.result, 0);
    {
        char *rp = realpath(P("file"), NULL);
        snprintf(want, sizeof want, "%s", rp);
        free(rp);
    }
    ASSERT_STR_EQ(got.buf, want);
    RUN(asy_fs_symlink(&L, &r, "x", P("d/ln"), keep_cb));
    ASSERT_EQ(got.result, ASY_EEXIST);
    RUN(asy_fs_realpath(&L, &r, P("nope/x"), keep_cb));
    ASSERT_EQ(got.result, ASY_ENOENT);
    teardown();
}

TEST(fs_chmod_utimes_truncate_fsync) {
    asy_fs_t r;
    int fd;
    setup();
    put_file(P("f"), "0123456789");
    RUN(asy_fs_chmod(&L, &r, P("f"), 0600, keep_cb));
    ASSERT_EQ(got.result, 0);
    RUN(asy_fs_stat(&L, &r, P("f"), keep_cb));
    ASSERT_EQ(got.st.mode & 07777, 0600);
    RUN(asy_fs_utimes(&L, &r, P("f"), 1000000000.5, 1500000000.25, keep_cb));
    ASSERT_EQ(got.result, 0);
    RUN(asy_fs_stat(&L, &r, P("f"), keep_cb));
    ASSERT_EQ(got.st.atim.sec, 1000000000);
    ASSERT_EQ(got.st.atim.nsec, 500000000);
    ASSERT_EQ(got.st.mtim.sec, 1500000000);
    ASSERT_EQ(got.st.mtim.nsec, 250000000);
    RUN(asy_fs_utimes(&L, &r, P("nope"), 1, 1, keep_cb));
    ASSERT_EQ(got.result, ASY_ENOENT);
    ASSERT_STR_EQ(got.syscall, "utime");
    RUN(asy_fs_truncate(&L, &r, P("nope"), 3, keep_cb));
    ASSERT_EQ(got.result, ASY_ENOENT);
    ASSERT_STR_EQ(got.syscall, "open"); /* Node's truncate opens the file */
    RUN(asy_fs_truncate(&L, &r, P("f"), 3, keep_cb));
    ASSERT_STR_EQ(get_file(P("f")), "012");
    RUN(asy_fs_open(&L, &r, P("f"), O_RDWR, 0, keep_cb));
    fd = (int)got.result;
    RUN(asy_fs_ftruncate(&L, &r, fd, 8, keep_cb));
    RUN(asy_fs_fsync(&L, &r, fd, keep_cb));
    ASSERT_EQ(got.result, 0);
    RUN(asy_fs_fdatasync(&L, &r, fd, keep_cb));
    ASSERT_EQ(got.result, 0);
    RUN(asy_fs_fstat(&L, &r, fd, keep_cb));
    ASSERT_EQ_U64(got.st.size, 8);
    RUN(asy_fs_close(&L, &r, fd, keep_cb));
    RUN(asy_fs_fsync(&L, &r, fd, keep_cb)); /* closed now */
    ASSERT_EQ(got.result, ASY_EBADF);
    ASSERT_STR_EQ(got.msg, "EBADF: bad file descriptor, fsync");
    RUN(asy_fs_chmod(&L, &r, P("nope"), 0600, keep_cb));
    ASSERT_EQ(got.result, ASY_ENOENT);
    teardown();
}

TEST(fs_mkdtemp) {
    asy_fs_t r;
    setup();
    RUN(asy_fs_mkdtemp(&L, &r, P("tmp-"), keep_cb));
    ASSERT_EQ(got.result, 0);
    ASSERT_EQ(got.len, strlen(P("tmp-")) + 6);
    ASSERT(strncmp(got.buf, P("tmp-"), strlen(P("tmp-"))) == 0);
    ASSERT(exists(got.buf));
    RUN(asy_fs_mkdtemp(&L, &r, P("nodir/tmp-"), keep_cb));
    ASSERT_EQ(got.result, ASY_ENOENT);
    teardown();
}

/* ---- sync variants ---------------------------------------------------------------- */
TEST(fs_sync_variants) {
    asy_fs_t r;
    asy_iov_t v;
    char b[8] = {0};
    char msg[1200], expect[1200];
    int fd;
    tmpdir_make();
    fd = asy_fs_open_sync(&r, P("s"), asy_fs_open_flags("w+"), 0);
    ASSERT_GE(fd, 0);
    v.base = (void *)"sync!";
    v.len = 5;
    ASSERT_EQ(asy_fs_write_sync(&r, fd, &v, 1, 0), 5);
    v.base = b;
    ASSERT_EQ(asy_fs_read_sync(&r, fd, &v, 1, 0), 5);
    ASSERT_STR_EQ(b, "sync!");
    ASSERT_OK(asy_fs_fstat_sync(&r, fd));
    ASSERT_EQ_U64(r.statbuf.size, 5);
    ASSERT_OK(asy_fs_fsync_sync(&r, fd));
    ASSERT_OK(asy_fs_close_sync(&r, fd));
    ASSERT_OK(asy_fs_stat_sync(&r, P("s")));
    ASSERT_OK(asy_fs_rename_sync(&r, P("s"), P("t")));
    ASSERT_OK(asy_fs_mkdir_sync(&r, P("m/n"), 0, ASY_FS_RECURSIVE));
    ASSERT_STR_EQ(r.buf, P("m"));
    asy_fs_req_cleanup(&r);
    ASSERT_NULL(r.buf);
    asy_fs_req_cleanup(&r); /* twice: harmless */
    ASSERT_OK(asy_fs_copy_file_sync(&r, P("t"), P("m/n/t"), 0));
    ASSERT_OK(asy_fs_append_file_sync(&r, P("m/n/t"), "+", 1, 0));
    ASSERT_EQ(asy_fs_read_file_sync(&r, P("m/n/t")), 6);
    ASSERT_STR_EQ(r.buf, "sync!+");
    asy_fs_req_cleanup(&r);
    ASSERT_OK(asy_fs_symlink_sync(&r, "t", P("ln")));
    ASSERT_OK(asy_fs_readlink_sync(&r, P("ln")));
    ASSERT_STR_EQ(r.buf, "t");
    asy_fs_req_cleanup(&r);
    ASSERT_OK(asy_fs_lstat_sync(&r, P("ln")));
    ASSERT(asy_stat_is_symlink(&r.statbuf));
    ASSERT_OK(asy_fs_realpath_sync(&r, P("ln")));
    asy_fs_req_cleanup(&r);
    ASSERT_OK(asy_fs_access_sync(&r, P("ln"), ASY_F_OK));
    ASSERT_OK(asy_fs_chmod_sync(&r, P("t"), 0644));
    ASSERT_OK(asy_fs_utimes_sync(&r, P("t"), 5, 6));
    ASSERT_OK(asy_fs_truncate_sync(&r, P("t"), 1));
    ASSERT_OK(asy_fs_unlink_sync(&r, P("ln")));
    ASSERT_EQ(asy_fs_readdir_sync(&r, tmp_root), 2);
    ASSERT_STR_EQ(r.dirents[0].name, "m");
    ASSERT_EQ(r.dirents[0].type, ASY_DIRENT_DIR);
    asy_fs_req_cleanup(&r);
    ASSERT_OK(asy_fs_mkdir_sync(&r, P("e"), 0, 0));
    ASSERT_OK(asy_fs_rmdir_sync(&r, P("e")));
    ASSERT_OK(asy_fs_mkdtemp_sync(&r, P("x")));
    asy_fs_req_cleanup(&r);
    fd = asy_fs_open_sync(&r, P("t"), O_RDWR, 0);
    ASSERT_OK(asy_fs_ftruncate_sync(&r, fd, 0));
    ASSERT_OK(asy_fs_fdatasync_sync(&r, fd));
    ASSERT_OK(asy_fs_close_sync(&r, fd));
    /* errors: same codes and messages as the async calls */
    ASSERT_ERR(asy_fs_stat_sync(&r, P("zz")), ASY_ENOENT);
    ASSERT_EQ(r.result, ASY_ENOENT);
    snprintf(expect, sizeof expect, "ENOENT: no such file or directory, stat '%s'", P("zz"));
    ASSERT_STR_EQ(asy_fs_error(&r, msg, sizeof msg), expect);
    ASSERT_OK(asy_fs_rm_sync(&r, P("m"), ASY_FS_RECURSIVE));
    ASSERT(!exists(P("m")));
    tmpdir_remove();
}

/* ---- request life cycle -------------------------------------------------------------- */
static char *taken;
static size_t taken_len;
static void take_cb(asy_fs_t *req) {
    ASSERT_EQ(req->result, 5);
    taken = asy_fs_take_buf(req, &taken_len);
    ASSERT_NULL(req->buf);
}

static asy_dirent_t *taken_dirents;
static size_t taken_count;
static void take_dirents_cb(asy_fs_t *req) {
    ASSERT_EQ(req->result, 2);
    taken_dirents = asy_fs_take_dirents(req, &taken_count);
    ASSERT_NULL(req->dirents);
}

TEST(fs_take_buf_and_dirents_keep_results_after_callback) {
    asy_fs_t r;
    setup();
    put_file(P("k"), "kept!");
    ASSERT_OK(asy_fs_read_file(&L, &r, P("k"), take_cb));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_NOT_NULL(taken);
    ASSERT_EQ(taken_len, 5);
    ASSERT_STR_EQ(taken, "kept!");
    asy_fs_free(taken);
    ASSERT_OK(asy_fs_mkdir(&L, &r, P("d"), 0, 0, keep_cb));
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    ASSERT_OK(asy_fs_readdir(&L, &r, tmp_root, take_dirents_cb));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(taken_count, 2);
    ASSERT_STR_EQ(taken_dirents[0].name, "d");
    ASSERT_EQ(taken_dirents[0].type, ASY_DIRENT_DIR);
    ASSERT_STR_EQ(taken_dirents[1].name, "k");
    ASSERT_EQ(taken_dirents[1].type, ASY_DIRENT_FILE);
    asy_fs_free(taken_dirents);
    teardown();
}

/* Freeing the request, or cleaning it up, inside the callback is fine
 * (asan checks the library touches neither afterwards). */
static int freed_cbs;
static void free_req_cb(asy_fs_t *req) {
    ASSERT_GE(req->result, 0);
    if (req->data) asy_fs_req_cleanup(req);
    free(req);
    freed_cbs++;
}

TEST(fs_request_freed_or_cleaned_in_callback) {
    int i;
    setup();
    put_file(P("x"), "data");
    for (i = 0; i < 8; i++) {
        asy_fs_t *r = (asy_fs_t *)malloc(sizeof(asy_fs_t));
        r->data = (i % 2) ? r : NULL;
        if (i < 4)
            ASSERT_OK(asy_fs_read_file(&L, r, P("x"), free_req_cb));
        else
            ASSERT_OK(asy_fs_readdir(&L, r, tmp_root, free_req_cb));
    }
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(freed_cbs, 8);
    teardown();
}

/* Work held up behind a busy one-thread pool can be cancelled. */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static int g_open, g_started;
static void gate_work(asy_work_t *w) {
    (void)w;
    pthread_mutex_lock(&g_mu);
    g_started = 1;
    while (!g_open) pthread_cond_wait(&g_cv, &g_mu);
    pthread_mutex_unlock(&g_mu);
}
static void gate_done(asy_work_t *w, int status) {
    (void)w;
    ASSERT_EQ(status, 0);
}

TEST(fs_cancel_queued_request) {
    asy_fs_t r;
    asy_work_t blocker;
    asy_loop_opts_t o;
    int started = 0;
    tmpdir_make();
    memset(&o, 0, sizeof(o));
    o.threadpool_size = 1;
    ASSERT_OK(asy_loop_init(&L, &o));
    ASSERT_OK(asy_queue_work(&L, &blocker, gate_work, gate_done));
    while (!started) {
        pthread_mutex_lock(&g_mu);
        started = g_started;
        pthread_mutex_unlock(&g_mu);
        msleep(1);
    }
    got_reset();
    ASSERT_OK(asy_fs_stat(&L, &r, tmp_root, keep_cb));
    ASSERT_OK(asy_fs_cancel(&r));
    ASSERT_EQ(got.called, 0);
    while (!got.called) asy_run(&L, ASY_RUN_ONCE);
    ASSERT_EQ(got.result, ASY_ECANCELED);
    pthread_mutex_lock(&g_mu);
    g_open = 1;
    pthread_cond_broadcast(&g_cv);
    pthread_mutex_unlock(&g_mu);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_ERR(asy_fs_cancel(&r), ASY_EBUSY);
    teardown();
}

TEST(fs_bad_arguments_never_call_back) {
    asy_fs_t r;
    asy_iov_t v;
    setup();
    got_reset();
    v.base = NULL;
    v.len = 0;
    ASSERT_ERR(asy_fs_stat(&L, &r, NULL, keep_cb), ASY_EINVAL);
    ASSERT_EQ(r.result, ASY_EINVAL);
    ASSERT_ERR(asy_fs_stat(NULL, &r, "/", keep_cb), ASY_EINVAL); /* async needs a loop */
    ASSERT_ERR(asy_fs_stat(&L, NULL, "/", keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_fs_read(&L, &r, -1, &v, 1, 0, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_fs_read(&L, &r, 0, NULL, 1, 0, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_fs_read(&L, &r, 0, &v, 0, 0, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_fs_mkdir(&L, &r, "/x", 0, 99, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_fs_rm(&L, &r, "/x", 64, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_fs_copy_file(&L, &r, "/a", NULL, 0, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_fs_copy_file(&L, &r, "/a", "/b", 8, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_fs_write_file(&L, &r, "/a", NULL, 3, 0, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_fs_access(&L, &r, "/a", 8, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_fs_chmod(&L, &r, "/a", 010000, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_fs_truncate(&L, &r, "/a", -1, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_fs_utimes(&L, &r, "/a", 0.0 / 0.0, 0, keep_cb), ASY_EINVAL);
    ASSERT_ERR(asy_fs_cancel(NULL), ASY_EINVAL);
    ASSERT_EQ(asy_loop_alive(&L), 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(got.called, 0);
    ASSERT_EQ(asy_fs_open_flags("r"), O_RDONLY);
    ASSERT_EQ(asy_fs_open_flags("wx+"), O_TRUNC | O_CREAT | O_RDWR | O_EXCL);
    ASSERT_EQ(asy_fs_open_flags("a"), O_APPEND | O_CREAT | O_WRONLY);
    ASSERT_ERR(asy_fs_open_flags("q"), ASY_EINVAL);
    ASSERT_ERR(asy_fs_open_flags(NULL), ASY_EINVAL);
    teardown();
}

/* Many requests in flight at once: every one completes exactly once. */
static int many_done;
static void many_cb(asy_fs_t *req) {
    ASSERT_EQ(req->result, 0);
    ASSERT(asy_stat_is_file(&req->statbuf));
    many_done++;
}

TEST(fs_many_concurrent_requests) {
    static asy_fs_t reqs[500];
    int i;
    setup();
    put_file(P("s"), "x");
    for (i = 0; i < 500; i++) ASSERT_OK(asy_fs_stat(&L, &reqs[i], P("s"), many_cb));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(many_done, 500);
    teardown();
}

/* Paths too long for the request's inline buffer are copied to the heap
 * (both ways must behave the same, and free what they allocate). */
TEST(fs_long_paths_async) {
    asy_fs_t r;
    char rel[400], rel2[500], expect[1400];
    const char *a, *b;
    setup();
    snprintf(rel, sizeof rel, "%s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/"
                                    "cccccccccccccccccccccccccccccc/dddddddddddddddddddddddddddddd/"
                                    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
    snprintf(rel2, sizeof rel2, "%s-renamed-with-a-long-suffix-xxxxxxxxxxxxxxxx", rel);
    a = P(rel);
    b = P(rel2);
    ASSERT_GT(strlen(a), 128);
    RUN(asy_fs_mkdir(&L, &r, a, 0, ASY_FS_RECURSIVE, keep_cb));
    ASSERT_EQ(got.result, 0);
    RUN(asy_fs_stat(&L, &r, a, keep_cb));
    ASSERT(asy_stat_is_dir(&got.st));
    RUN(asy_fs_rename(&L, &r, a, b, keep_cb));
    ASSERT_EQ(got.result, 0);
    RUN(asy_fs_rename(&L, &r, a, b, keep_cb)); /* gone now: the message has both */
    snprintf(expect, sizeof expect, "ENOENT: no such file or directory, rename '%s' -> '%s'", a, b);
    ASSERT_STR_EQ(got.msg, expect);
    /* one short, one long */
    RUN(asy_fs_symlink(&L, &r, "x", b, keep_cb));
    ASSERT_EQ(got.result, ASY_EEXIST);
    teardown();
}

TEST(fs_read_file_into_a_buffer_without_copy) {
    asy_fs_t r;
    asy_buf_t b, slice;
    char *s = NULL;
    setup();
    put_file(P("b.txt"), "hello");
    memset(&r, 0, sizeof r);
    ASSERT_EQ(asy_fs_read_file_sync(&r, P("b.txt")), 5);
    ASSERT_OK(asy_fs_take_buffer(&r, &b));
    ASSERT_NULL(r.buf); /* ownership moved to the buffer */
    ASSERT_EQ(b.len, 5);
    ASSERT_OK(asy_buf_to_string(&b, ASY_ENC_HEX, &s, NULL));
    ASSERT_STR_EQ(s, "68656c6c6f");
    asy_free(s);
    ASSERT_OK(asy_buf_slice(&slice, &b, 1, 3));
    asy_buf_release(&b); /* the slice keeps the file data alive */
    ASSERT_MEM_EQ(slice.data, "el", 2);
    asy_buf_release(&slice);
    ASSERT_ERR(asy_fs_take_buffer(&r, &b), ASY_EINVAL); /* nothing left */
    asy_fs_req_cleanup(&r);
    teardown();
}
