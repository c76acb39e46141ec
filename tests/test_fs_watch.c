/* fs.watch on inotify: rename and change events with file names,
 * recursive watching, watching a file, stop and close. */
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1 /* the suite runs on every backend (tests/test.h) */
#include "test.h"
#include "fs_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static asy_loop_t L;
static asy_fs_watch_t W;

static struct {
    char name[256];
    int events;
} ev[256];
static int nev, last_status;

static void on_event(asy_fs_watch_t *h, const char *filename, int events, int status) {
    ASSERT_PTR_EQ(h, &W);
    if (status < 0) {
        last_status = status;
        return;
    }
    ASSERT_NOT_NULL(filename);
    if (nev < 256) {
        snprintf(ev[nev].name, sizeof(ev[nev].name), "%s", filename);
        ev[nev].events = events;
        nev++;
    }
}

/* Index of the first event for name with all of the given bits, or -1. */
static int find(const char *name, int events) {
    int i;
    for (i = 0; i < nev; i++)
        if (strcmp(ev[i].name, name) == 0 && (ev[i].events & events) == events) return i;
    return -1;
}

/* Runs the loop until an event for name arrives (or 3 s pass). */
static void wait_for(const char *name, int events) {
    uint64_t t0 = asy_hrtime();
    while (find(name, events) < 0) {
        ASSERT_LT(asy_hrtime() - t0, 3000000000u);
        asy_run(&L, ASY_RUN_NOWAIT);
        msleep(1);
    }
}

static void setup(void) {
    tmpdir_make();
    nev = 0;
    last_status = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_fs_watch_init(&L, &W));
}

static void teardown(void) {
    asy_close((asy_handle_t *)&W, NULL);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

TEST(watch_sees_create_modify_rename_delete) {
    int fd;
    setup();
    ASSERT_OK(asy_fs_watch_start(&W, tmp_root, 0, on_event));
    ASSERT_STR_EQ(asy_fs_watch_path(&W), tmp_root);
    ASSERT(asy_is_active((asy_handle_t *)&W));
    put_file(P("a.txt"), "1"); /* create + write */
    wait_for("a.txt", ASY_FS_EVENT_RENAME);
    wait_for("a.txt", ASY_FS_EVENT_CHANGE);
    nev = 0;
    fd = open(P("a.txt"), O_WRONLY | O_APPEND);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, "more", 4), 4);
    close(fd);
    wait_for("a.txt", ASY_FS_EVENT_CHANGE);
    ASSERT_EQ(find("a.txt", ASY_FS_EVENT_RENAME), -1); /* a modification is not a rename */
    nev = 0;
    ASSERT_EQ(rename(P("a.txt"), P("b.txt")), 0);
    wait_for("a.txt", ASY_FS_EVENT_RENAME);
    wait_for("b.txt", ASY_FS_EVENT_RENAME);
    nev = 0;
    ASSERT_EQ(unlink(P("b.txt")), 0);
    wait_for("b.txt", ASY_FS_EVENT_RENAME);
    ASSERT_EQ(last_status, 0);
    teardown();
}

TEST(watch_recursive_reports_paths_below_the_root) {
    setup();
    ASSERT_EQ(mkdir(P("pre"), 0755), 0);
    ASSERT_EQ(mkdir(P("pre/deeper"), 0755), 0);
    ASSERT_OK(asy_fs_watch_start(&W, tmp_root, ASY_FS_RECURSIVE, on_event));
    put_file(P("pre/deeper/x.txt"), "x");
    wait_for("pre/deeper/x.txt", ASY_FS_EVENT_RENAME);
    /* a directory created after the start is watched as soon as it is seen */
    ASSERT_EQ(mkdir(P("later"), 0755), 0);
    wait_for("later", ASY_FS_EVENT_RENAME);
    put_file(P("later/y.txt"), "y");
    wait_for("later/y.txt", ASY_FS_EVENT_RENAME);
    wait_for("later/y.txt", ASY_FS_EVENT_CHANGE);
    teardown();
}

TEST(watch_not_recursive_ignores_subdirectories) {
    setup();
    ASSERT_EQ(mkdir(P("sub"), 0755), 0);
    ASSERT_OK(asy_fs_watch_start(&W, tmp_root, 0, on_event));
    put_file(P("sub/inner"), "x");
    put_file(P("marker"), "x");
    wait_for("marker", ASY_FS_EVENT_RENAME);
    ASSERT_EQ(find("sub/inner", 0), -1);
    teardown();
}

TEST(watch_a_single_file) {
    setup();
    put_file(P("one.txt"), "1");
    ASSERT_OK(asy_fs_watch_start(&W, P("one.txt"), 0, on_event));
    put_file(P("one.txt"), "2");
    wait_for("one.txt", ASY_FS_EVENT_CHANGE);
    teardown();
}

static void stop_in_cb(asy_fs_watch_t *h, const char *filename, int events, int status) {
    (void)filename;
    (void)events;
    (void)status;
    nev++;
    asy_close((asy_handle_t *)h, NULL);
}

TEST(watch_close_inside_callback_stops_events) {
    setup();
    ASSERT_OK(asy_fs_watch_start(&W, tmp_root, 0, stop_in_cb));
    put_file(P("a"), "x"); /* several events queued at once */
    put_file(P("b"), "x");
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0); /* ends: the handle closed itself */
    ASSERT_EQ(nev, 1);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

TEST(watch_errors_and_restart) {
    setup();
    ASSERT_ERR(asy_fs_watch_start(&W, P("missing"), 0, on_event), ASY_ENOENT);
    ASSERT(!asy_is_active((asy_handle_t *)&W));
    ASSERT_ERR(asy_fs_watch_start(&W, tmp_root, 0, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_fs_watch_start(&W, tmp_root, 8, on_event), ASY_EINVAL);
    ASSERT_ERR(asy_fs_watch_start(NULL, tmp_root, 0, on_event), ASY_EINVAL);
    ASSERT_ERR(asy_fs_watch_init(NULL, &W), ASY_EINVAL);
    ASSERT_OK(asy_fs_watch_start(&W, tmp_root, 0, on_event));
    ASSERT_ERR(asy_fs_watch_start(&W, tmp_root, 0, on_event), ASY_EBUSY);
    ASSERT_OK(asy_fs_watch_stop(&W));
    ASSERT(!asy_is_active((asy_handle_t *)&W));
    ASSERT_NULL(asy_fs_watch_path(&W));
    ASSERT_EQ(asy_loop_alive(&L), 0); /* a stopped watcher does not keep the loop alive */
    /* restart on another path */
    ASSERT_EQ(mkdir(P("other"), 0755), 0);
    ASSERT_OK(asy_fs_watch_start(&W, P("other/"), 0, on_event));
    ASSERT_STR_EQ(asy_fs_watch_path(&W), P("other"));
    put_file(P("other/z"), "z");
    wait_for("z", ASY_FS_EVENT_RENAME);
    teardown();
}

TEST(watch_unref_lets_the_loop_end) {
    setup();
    ASSERT_OK(asy_fs_watch_start(&W, tmp_root, 0, on_event));
    asy_unref((asy_handle_t *)&W);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(asy_loop_close(&L), ASY_EBUSY); /* still open */
    teardown();
}
