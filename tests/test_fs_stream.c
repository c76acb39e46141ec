/* File streams (fs.createReadStream / fs.createWriteStream): chunk sizes
 * and event order against Node 20 (twins tests/node/fs_stream_*.cjs, whose
 * output is stored here and re-checked by fs_stream_node_twins_agree),
 * big copies through pipeline, backpressure, errors, destroy, and fd
 * accounting through /proc/self/fd. */
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1 /* the suite runs on every backend (tests/test.h) */
#include "test.h"
#include "fs_util.h"
#include "stream_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static asy_loop_t L;

/* Open fds of this process (the listing's own fd not counted). */
static int count_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;
    ASSERT_NOT_NULL(d);
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n - 1;
}

static uint8_t pat(uint64_t i) { return (uint8_t)((i * 7 + 3) & 255); }

static void put_bytes(const char *path, const void *data, size_t len) {
    asy_fs_t r;
    ASSERT_EQ(asy_fs_write_file_sync(&r, path, data, len, 0), (int)len);
    asy_fs_req_cleanup(&r);
}

static void put_pattern(const char *path, size_t len) {
    uint8_t *b = (uint8_t *)malloc(len ? len : 1);
    size_t i;
    ASSERT_NOT_NULL(b);
    for (i = 0; i < len; i++) b[i] = pat(i);
    put_bytes(path, b, len);
    free(b);
}

/* The whole file (malloc'd, *len bytes). */
static uint8_t *slurp(const char *path, size_t *len) {
    asy_fs_t r;
    uint8_t *b;
    ASSERT(asy_fs_read_file_sync(&r, path) >= 0);
    b = (uint8_t *)malloc(r.len + 1);
    ASSERT_NOT_NULL(b);
    memcpy(b, r.buf, r.len + 1);
    *len = r.len;
    asy_fs_req_cleanup(&r);
    return b;
}

static int fd_is_closed(int fd) { return fcntl(fd, F_GETFD) == -1 && errno == EBADF; }

/* Node's code for an error ("ERR_STREAM_DESTROYED" rather than our name). */
static const char *node_code(int err) {
    return err == ASY_ESTREAM_DESTROYED ? "ERR_STREAM_DESTROYED" : asy_err_name(err);
}

/* Node's `error CODE [message]` line, the temporary directory as <dir>. */
static void log_error(asy_fs_stream_t *fs, int err) {
    char msg[1024], out[1100], *at;
    size_t rl = strlen(tmp_root);
    asy_fs_stream_error(fs, msg, sizeof(msg));
    if (!msg[0]) {
        tlogf("error %s", node_code(err));
        return;
    }
    at = strstr(msg, tmp_root);
    if (at)
        snprintf(out, sizeof(out), "%.*s<dir>%s", (int)(at - msg), msg, at + rl);
    else
        snprintf(out, sizeof(out), "%s", msg);
    tlogf("error %s %s", node_code(err), out);
}

static void destroy_soon(void *arg) {
    tlog("destroy");
    ASSERT_OK(asy_stream_destroy(&((asy_fs_stream_t *)arg)->stream, 0));
}

static const char read_expected[] =
    "-- default\nopen\nready\ndata 65536 bytesRead=65536\ndata 65536 bytesRead=131072\n"
    "data 65536 bytesRead=196608\ndata 3392 bytesRead=200000\nend\nclose pending=true\n"
    "-- start-end-hwm\nopen\nready\ndata 16384 bytesRead=16384\ndata 16384 bytesRead=32768\n"
    "data 16384 bytesRead=49152\ndata 848 bytesRead=50000\nend\nclose pending=true\n"
    "-- one-byte\nopen\nready\ndata 1 bytesRead=1\nend\nclose pending=true\n-- end-only\n"
    "open\nready\ndata 1000 bytesRead=1000\ndata 1000 bytesRead=2000\n"
    "data 500 bytesRead=2500\nend\nclose pending=true\n-- start-near-eof\nopen\nready\n"
    "data 10 bytesRead=10\nend\nclose pending=true\n-- start-past-eof\nopen\nready\nend\n"
    "close pending=true\n-- end-past-eof\nopen\nready\ndata 50000 bytesRead=50000\nend\n"
    "close pending=true\n-- empty\nopen\nready\nend\nclose pending=true\n-- missing\n"
    "error ENOENT ENOENT: no such file or directory, open '<dir>/nope.bin'\n"
    "close pending=true\n-- directory\nopen\nready\n"
    "error EISDIR EISDIR: illegal operation on a directory, read\nclose pending=true\n"
    "-- destroy-mid\nopen\nready\ndata 16384 bytesRead=16384\ndata 16384 bytesRead=32768\n"
    "destroy\nclose pending=true\n-- destroy-error\nopen\nready\ndata 65536 bytesRead=65536\n"
    "destroy EIO\nerror EIO\nclose pending=true\n-- no-autoclose\nopen\nready\n"
    "data 100 bytesRead=100\nend\nfd open=true pending=false\ndestroy\nclose pending=true\n"
    "-- fd\ndata 1000 bytesRead=1000\nend\nclose pending=true\nfd closed=true\n-- for-await\n"
    "open\nready\nchunk 50000\nchunk 50000\nchunk 50000\nchunk 50000\nend\nclose\nloop done\n";

static const char write_expected[] =
    "-- w\nwrite1 true\nwrite2 true\nopen\nready\ncb1\ncb2\nend cb\nfinish bytesWritten=11\n"
    "close pending=true bytesWritten=11\ncontent \"hello world\"\n-- a\nopen\nready\ncb1\n"
    "end cb\nfinish bytesWritten=3\nclose pending=true bytesWritten=3\n"
    "content \"hello world!!?\"\n-- wx\ncb1 EEXIST\n"
    "error EEXIST EEXIST: file already exists, open '<dir>/out.txt'\n"
    "close pending=true bytesWritten=0\ncontent \"hello world!!?\"\n-- r+ start\nopen\n"
    "ready\nfinish bytesWritten=2\nclose pending=true bytesWritten=2\ncontent \"abXYefgh\"\n"
    "-- w start\nopen\nready\nfinish bytesWritten=3\nclose pending=true bytesWritten=3\n"
    "content \"\\u0000\\u0000\\u0000abc\"\n-- hwm\nwrite1 true\nwrite2 false\nopen\nready\n"
    "drain\ncb1\ncb2\nend cb\nfinish bytesWritten=6\nclose pending=true bytesWritten=6\n"
    "content \"abcdef\"\n-- write then writev\nopen\nready\ncba\ncbb\ncbc\nend cb\n"
    "finish bytesWritten=3\nclose pending=true bytesWritten=3\ncontent \"abc\"\n-- cork\n"
    "open\nready\nuncork\ncbx\ncb-empty\ncbyz\nfinish bytesWritten=3\n"
    "close pending=true bytesWritten=3\ncontent \"xyz\"\n-- directory\n"
    "error EISDIR EISDIR: illegal operation on a directory, open '<dir>/sub'\n"
    "close pending=true bytesWritten=0\n-- destroy-buffered\nopen\nready\ndestroy\n"
    "cb1 ERR_STREAM_DESTROYED\nclose pending=true bytesWritten=0\ncontent \"\"\n"
    "-- destroy-in-flight\nopen\nready\ndestroy\ncb1 ERR_STREAM_DESTROYED\n"
    "error ERR_STREAM_DESTROYED\nclose pending=true bytesWritten=0\ncontent \"abc\"\n"
    "-- no-autoclose\nopen\nready\nfinish bytesWritten=4\nfd open=true\ndestroy\n"
    "close pending=true bytesWritten=4\ncontent \"kept\"\n-- fd\nfinish bytesWritten=6\n"
    "close pending=true bytesWritten=6\nfd closed=true content \"via fd\"\n-- flush\nopen\n"
    "ready\nfinish bytesWritten=6\nclose pending=true bytesWritten=6\ncontent \"synced\"\n";

/* ---- fs_stream_read_order (twin: tests/node/fs_stream_read.cjs) ------------ */

typedef struct {
    void (*data)(asy_fs_stream_t *fs, int i);
    void (*end)(asy_fs_stream_t *fs);
    void (*close)(asy_fs_stream_t *fs);
} rhooks;

static asy_fs_stream_t RS;
static const rhooks *RH;
static int r_n, r_fd;
static uint64_t r_off; /* the file offset the next chunk must start at */
static char r_path[1024];

static void r_open(asy_fs_stream_t *fs, int fd) {
    ASSERT(fs == &RS);
    ASSERT(fd >= 0);
    ASSERT_EQ(asy_fs_stream_fd(fs), fd);
    ASSERT(!asy_fs_stream_pending(fs));
    tlog("open");
    tlog("ready");
}
static void r_data(asy_stream_t *s, const asy_buf_t *c) {
    asy_fs_stream_t *fs = asy_fs_stream_of(s);
    size_t i;
    ASSERT(fs == &RS);
    for (i = 0; i < c->len; i++)
        if (c->data[i] != pat(r_off + i)) FAIL("byte %llu differs", (unsigned long long)(r_off + i));
    r_off += c->len;
    tlogf("data %zu bytesRead=%llu", c->len, (unsigned long long)asy_fs_stream_bytes_read(fs));
    if (RH && RH->data) RH->data(fs, r_n++);
}
static void r_end(asy_stream_t *s) {
    tlog("end");
    if (RH && RH->end) RH->end(asy_fs_stream_of(s));
}
static void r_error(asy_stream_t *s, int err) { log_error(asy_fs_stream_of(s), err); }
static void r_close(asy_stream_t *s) {
    asy_fs_stream_t *fs = asy_fs_stream_of(s);
    tlogf("close pending=%s", tf(asy_fs_stream_pending(fs)));
    if (RH && RH->close) RH->close(fs);
}
static const asy_stream_events_t r_events = {r_data, NULL,    r_end, r_error, NULL,
                                           NULL,   r_close, NULL,  NULL};

static void run_read(const char *name, const char *file, asy_fs_read_stream_opts_t *o,
                     const rhooks *h) {
    tlogf("-- %s", name);
    RH = h;
    r_n = 0;
    r_off = o->has_start ? (uint64_t)o->start : 0;
    o->on_open = r_open;
    if (file) snprintf(r_path, sizeof(r_path), "%s/%s", tmp_root, file);
    ASSERT_OK(asy_fs_create_read_stream(&L, &RS, file ? r_path : NULL, o));
    ASSERT_EQ(asy_fs_stream_pending(&RS), o->use_fd ? 0 : 1);
    ASSERT_OK(asy_stream_set_events(&RS.stream, &r_events));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT(asy_stream_is_closed(&RS.stream));
}

static void destroy_second(asy_fs_stream_t *fs, int i) {
    if (i != 1) return;
    tlog("destroy");
    ASSERT_OK(asy_stream_destroy(&fs->stream, 0));
}
static void destroy_eio(asy_fs_stream_t *fs, int i) {
    (void)i;
    tlog("destroy EIO");
    ASSERT_OK(asy_stream_destroy(&fs->stream, ASY_EIO));
}
static void keep_open_end(asy_fs_stream_t *fs) {
    tlogf("fd open=%s pending=%s", tf(asy_fs_stream_fd(fs) >= 0), tf(asy_fs_stream_pending(fs)));
    ASSERT(asy_set_immediate(&L, destroy_soon, fs).id != 0);
}
static void fd_gone(asy_fs_stream_t *fs) {
    (void)fs;
    tlogf("fd closed=%s", tf(fd_is_closed(r_fd)));
}

/* for await (const c of rs) */
static void fa_next(asy_stream_t *s, int status, const asy_buf_t *chunk, void *arg) {
    (void)arg;
    if (status == ASY_EOF) {
        tlog("loop done");
        return;
    }
    ASSERT_OK(status);
    tlogf("chunk %zu", chunk->len);
    ASSERT_OK(asy_stream_next(s, fa_next, NULL));
}
static void fa_end(asy_stream_t *s) { (void)s; tlog("end"); }
static void fa_close(asy_stream_t *s) { (void)s; tlog("close"); }
static const asy_stream_events_t fa_events = {NULL, NULL, fa_end, NULL, NULL,
                                            NULL, fa_close, NULL, NULL};

TEST_T(fs_stream_read_order, 20000) {
    static const rhooks mid = {destroy_second, NULL, NULL};
    static const rhooks eio = {destroy_eio, NULL, NULL};
    static const rhooks keep = {NULL, keep_open_end, NULL};
    static const rhooks fdh = {NULL, NULL, fd_gone};
    asy_fs_read_stream_opts_t o;
    int fds;
    tmpdir_make();
    put_pattern(P("data.bin"), 200000);
    put_bytes(P("empty.bin"), "", 0);
    ASSERT_EQ(mkdir(P("sub"), 0777), 0);
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    fds = count_fds();

#define O_RESET() memset(&o, 0, sizeof(o))
    O_RESET();
    run_read("default", "data.bin", &o, NULL);
    O_RESET();
    o.has_start = 1, o.start = 100, o.has_end = 1, o.end = 50099, o.high_water_mark = 16384;
    run_read("start-end-hwm", "data.bin", &o, NULL);
    O_RESET();
    o.has_start = 1, o.start = 10, o.has_end = 1, o.end = 10;
    run_read("one-byte", "data.bin", &o, NULL);
    O_RESET();
    o.has_end = 1, o.end = 2499, o.high_water_mark = 1000;
    run_read("end-only", "data.bin", &o, NULL);
    O_RESET();
    o.has_start = 1, o.start = 199990;
    run_read("start-near-eof", "data.bin", &o, NULL);
    O_RESET();
    o.has_start = 1, o.start = 300000;
    run_read("start-past-eof", "data.bin", &o, NULL);
    O_RESET();
    o.has_start = 1, o.start = 150000, o.has_end = 1, o.end = 999999;
    run_read("end-past-eof", "data.bin", &o, NULL);
    O_RESET();
    run_read("empty", "empty.bin", &o, NULL);
    O_RESET();
    run_read("missing", "nope.bin", &o, NULL);
    ASSERT_EQ(asy_stream_errored(&RS.stream), ASY_ENOENT);
    O_RESET();
    run_read("directory", "sub", &o, NULL);
    ASSERT_EQ(asy_stream_errored(&RS.stream), ASY_EISDIR);
    O_RESET();
    o.high_water_mark = 16384;
    run_read("destroy-mid", "data.bin", &o, &mid);
    O_RESET();
    run_read("destroy-error", "data.bin", &o, &eio);
    O_RESET();
    o.no_auto_close = 1, o.has_start = 1, o.start = 0, o.has_end = 1, o.end = 99;
    run_read("no-autoclose", "data.bin", &o, &keep);
    O_RESET();
    r_fd = open(P("data.bin"), O_RDONLY | O_CLOEXEC);
    ASSERT(r_fd >= 0);
    o.use_fd = 1, o.fd = r_fd, o.has_start = 1, o.start = 199000;
    run_read("fd", NULL, &o, &fdh);
    ASSERT_NULL(asy_fs_stream_path(&RS)); /* Node: no path with fd */
#undef O_RESET

    tlog("-- for-await");
    memset(&o, 0, sizeof(o));
    o.high_water_mark = 50000;
    o.on_open = r_open;
    ASSERT_OK(asy_fs_create_read_stream(&L, &RS, P("data.bin"), &o));
    ASSERT_OK(asy_stream_set_events(&RS.stream, &fa_events));
    ASSERT_OK(asy_stream_next(&RS.stream, fa_next, NULL));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);

    ASSERT_STR_EQ(tlog_buf, read_expected);
    ASSERT_EQ(count_fds(), fds);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

/* ---- fs_stream_write_order (twin: tests/node/fs_stream_write.cjs) ---------- */

typedef struct {
    void (*main)(asy_fs_stream_t *fs);
    void (*ready)(asy_fs_stream_t *fs);
    void (*drain)(asy_fs_stream_t *fs);
    void (*finish)(asy_fs_stream_t *fs);
    void (*close)(asy_fs_stream_t *fs);
} whooks;

static asy_fs_stream_t WS;
static const whooks *WH;
static char w_path[1024];
static const char *w_file;
static int w_fd;

/* JSON.stringify of a latin1 string, for the ASCII and NULs written here. */
static const char *json(const uint8_t *b, size_t n) {
    static char out[4096];
    size_t i, k = 0;
    out[k++] = '"';
    for (i = 0; i < n && k < sizeof(out) - 8; i++) {
        if (b[i] == '"' || b[i] == '\\')
            k += (size_t)sprintf(out + k, "\\%c", b[i]);
        else if (b[i] < 0x20)
            k += (size_t)sprintf(out + k, "\\u%04x", b[i]);
        else
            out[k++] = (char)b[i];
    }
    out[k++] = '"';
    out[k] = 0;
    return out;
}

static void log_content(const char *path) {
    struct stat st;
    size_t n;
    uint8_t *b;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return;
    b = slurp(path, &n);
    tlogf("content %s", json(b, n));
    free(b);
}

static void wcb(asy_stream_t *s, int status, void *arg) {
    (void)s;
    if (status)
        tlogf("%s %s", (const char *)arg, node_code(status));
    else
        tlog((const char *)arg);
}

static void w_open(asy_fs_stream_t *fs, int fd) {
    ASSERT(fs == &WS);
    ASSERT_EQ(asy_fs_stream_fd(fs), fd);
    tlog("open");
    tlog("ready");
    if (WH->ready) WH->ready(fs);
}
static void w_drain(asy_stream_t *s) {
    tlog("drain");
    if (WH->drain) WH->drain(asy_fs_stream_of(s));
}
static void w_finish(asy_stream_t *s) {
    asy_fs_stream_t *fs = asy_fs_stream_of(s);
    tlogf("finish bytesWritten=%llu", (unsigned long long)asy_fs_stream_bytes_written(fs));
    if (WH->finish) WH->finish(fs);
}
static void w_error(asy_stream_t *s, int err) { log_error(asy_fs_stream_of(s), err); }
static void w_close(asy_stream_t *s) {
    asy_fs_stream_t *fs = asy_fs_stream_of(s);
    tlogf("close pending=%s bytesWritten=%llu", tf(asy_fs_stream_pending(fs)),
          (unsigned long long)asy_fs_stream_bytes_written(fs));
    if (WH->close) WH->close(fs);
    if (w_file) log_content(w_path);
}
static const asy_stream_events_t w_events = {NULL, NULL, NULL, w_error, w_drain,
                                           w_finish, w_close, NULL, NULL};

static void run_write(const char *name, const char *file, asy_fs_write_stream_opts_t *o,
                      const whooks *h) {
    tlogf("-- %s", name);
    WH = h;
    w_file = file;
    o->on_open = w_open;
    if (file) snprintf(w_path, sizeof(w_path), "%s/%s", tmp_root, file);
    ASSERT_OK(asy_fs_create_write_stream(&L, &WS, file ? w_path : NULL, o));
    ASSERT_OK(asy_stream_set_events(&WS.stream, &w_events));
    if (h->main) h->main(&WS);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT(asy_stream_is_closed(&WS.stream));
}

static asy_stream_t *ws(asy_fs_stream_t *fs) { return &fs->stream; }

static void w_main(asy_fs_stream_t *fs) {
    tlogf("write1 %s", tf(write_str(ws(fs), "hello ", wcb, (void *)"cb1") == 1));
    tlogf("write2 %s", tf(write_str(ws(fs), "world", wcb, (void *)"cb2") == 1));
    ASSERT_OK(asy_stream_end(ws(fs), wcb, (void *)"end cb"));
}
static void a_main(asy_fs_stream_t *fs) {
    ASSERT(write_str(ws(fs), "!!", wcb, (void *)"cb1") >= 0);
    ASSERT(write_str(ws(fs), "?", NULL, NULL) >= 0);
    ASSERT_OK(asy_stream_end(ws(fs), wcb, (void *)"end cb"));
}
static void wx_main(asy_fs_stream_t *fs) { ASSERT(write_str(ws(fs), "lost", wcb, (void *)"cb1") >= 0); }
static void end_with(asy_fs_stream_t *fs, const char *text) {
    ASSERT(write_str(ws(fs), text, NULL, NULL) >= 0);
    ASSERT_OK(asy_stream_end(ws(fs), NULL, NULL));
}
static void xy_main(asy_fs_stream_t *fs) { end_with(fs, "XY"); }
static void abc_main(asy_fs_stream_t *fs) { end_with(fs, "abc"); }
static void hwm_main(asy_fs_stream_t *fs) {
    tlogf("write1 %s", tf(write_str(ws(fs), "abc", wcb, (void *)"cb1") == 1));
    tlogf("write2 %s", tf(write_str(ws(fs), "de", wcb, (void *)"cb2") == 1));
}
static void hwm_drain(asy_fs_stream_t *fs) {
    ASSERT(write_str(ws(fs), "f", NULL, NULL) >= 0);
    ASSERT_OK(asy_stream_end(ws(fs), wcb, (void *)"end cb"));
}
static void v_ready(asy_fs_stream_t *fs) {
    ASSERT(write_str(ws(fs), "a", wcb, (void *)"cba") >= 0);
    ASSERT(write_str(ws(fs), "b", wcb, (void *)"cbb") >= 0);
    ASSERT(write_str(ws(fs), "c", wcb, (void *)"cbc") >= 0);
    ASSERT_OK(asy_stream_end(ws(fs), wcb, (void *)"end cb"));
}
static void uncork_tick(void *arg) {
    asy_fs_stream_t *fs = (asy_fs_stream_t *)arg;
    tlog("uncork");
    ASSERT_OK(asy_stream_uncork(ws(fs)));
    ASSERT_OK(asy_stream_end(ws(fs), NULL, NULL));
}
static void cork_ready(asy_fs_stream_t *fs) {
    ASSERT_OK(asy_stream_cork(ws(fs)));
    ASSERT(write_str(ws(fs), "x", wcb, (void *)"cbx") >= 0);
    ASSERT(write_str(ws(fs), "", wcb, (void *)"cb-empty") >= 0);
    ASSERT(write_str(ws(fs), "yz", wcb, (void *)"cbyz") >= 0);
    ASSERT_OK(asy_next_tick(&L, uncork_tick, fs));
}
static void destroy_now(asy_fs_stream_t *fs) {
    ASSERT(write_str(ws(fs), "abc", wcb, (void *)"cb1") >= 0);
    tlog("destroy");
    ASSERT_OK(asy_stream_destroy(ws(fs), 0));
}
static void destroy_now_cb(void *arg) { destroy_now((asy_fs_stream_t *)arg); }
static void destroy_later(asy_fs_stream_t *fs) {
    ASSERT(asy_set_immediate(&L, destroy_now_cb, fs).id != 0);
}
static void kept_main(asy_fs_stream_t *fs) { end_with(fs, "kept"); }
static void kept_finish(asy_fs_stream_t *fs) {
    tlogf("fd open=%s", tf(asy_fs_stream_fd(fs) >= 0));
    ASSERT(asy_set_immediate(&L, destroy_soon, fs).id != 0);
}
static void fd_main(asy_fs_stream_t *fs) { end_with(fs, "via fd"); }
static void fd_close(asy_fs_stream_t *fs) {
    size_t n;
    uint8_t *b = slurp(P("fd.txt"), &n);
    (void)fs;
    tlogf("fd closed=%s content %s", tf(fd_is_closed(w_fd)), json(b, n));
    free(b);
}
static void synced_main(asy_fs_stream_t *fs) { end_with(fs, "synced"); }

TEST_T(fs_stream_write_order, 20000) {
    static const whooks w = {w_main, NULL, NULL, NULL, NULL};
    static const whooks a = {a_main, NULL, NULL, NULL, NULL};
    static const whooks wx = {wx_main, NULL, NULL, NULL, NULL};
    static const whooks xy = {xy_main, NULL, NULL, NULL, NULL};
    static const whooks abc = {abc_main, NULL, NULL, NULL, NULL};
    static const whooks hwm = {hwm_main, NULL, hwm_drain, NULL, NULL};
    static const whooks v = {NULL, v_ready, NULL, NULL, NULL};
    static const whooks cork = {NULL, cork_ready, NULL, NULL, NULL};
    static const whooks none = {NULL, NULL, NULL, NULL, NULL};
    static const whooks dbuf = {NULL, destroy_now, NULL, NULL, NULL};
    static const whooks dfly = {NULL, destroy_later, NULL, NULL, NULL};
    static const whooks kept = {kept_main, NULL, NULL, kept_finish, NULL};
    static const whooks fdh = {fd_main, NULL, NULL, NULL, fd_close};
    static const whooks synced = {synced_main, NULL, NULL, NULL, NULL};
    asy_fs_write_stream_opts_t o;
    int fds;
    tmpdir_make();
    ASSERT_EQ(mkdir(P("sub"), 0777), 0);
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    fds = count_fds();

#define O_RESET() memset(&o, 0, sizeof(o))
    O_RESET();
    run_write("w", "out.txt", &o, &w);
    O_RESET();
    o.flags = "a";
    run_write("a", "out.txt", &o, &a);
    O_RESET();
    o.flags = "wx";
    run_write("wx", "out.txt", &o, &wx);
    ASSERT_EQ(asy_stream_errored(&WS.stream), ASY_EEXIST);
    put_file(P("patch.txt"), "abcdefgh");
    O_RESET();
    o.flags = "r+", o.has_start = 1, o.start = 2;
    run_write("r+ start", "patch.txt", &o, &xy);
    O_RESET();
    o.has_start = 1, o.start = 3;
    run_write("w start", "gap.txt", &o, &abc);
    O_RESET();
    o.high_water_mark = 4;
    run_write("hwm", "hwm.txt", &o, &hwm);
    O_RESET();
    run_write("write then writev", "v.txt", &o, &v);
    O_RESET();
    run_write("cork", "cork.txt", &o, &cork);
    O_RESET();
    run_write("directory", "sub", &o, &none);
    O_RESET();
    run_write("destroy-buffered", "buf.txt", &o, &dbuf);
    O_RESET();
    run_write("destroy-in-flight", "mid.txt", &o, &dfly);
    O_RESET();
    o.no_auto_close = 1;
    run_write("no-autoclose", "keep.txt", &o, &kept);
    O_RESET();
    w_fd = open(P("fd.txt"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    ASSERT(w_fd >= 0);
    o.use_fd = 1, o.fd = w_fd;
    run_write("fd", NULL, &o, &fdh);
    O_RESET();
    o.flush = 1;
    run_write("flush", "flush.txt", &o, &synced);
#undef O_RESET

    ASSERT_STR_EQ(tlog_buf, write_expected);
    ASSERT_EQ(count_fds(), fds);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

TEST_T(fs_stream_node_twins_agree, 30000) {
    const char *out;
    if (!have_node()) SKIP("node is not installed");
    out = run_node_twin("fs_stream_read.cjs");
    ASSERT_NOT_NULL(out);
    if (strcmp(out, read_expected) != 0) FAIL("fs_stream_read.cjs printed:\n%s", out);
    out = run_node_twin("fs_stream_write.cjs");
    ASSERT_NOT_NULL(out);
    if (strcmp(out, write_expected) != 0) FAIL("fs_stream_write.cjs printed:\n%s", out);
}

/* ---- arguments and getters ---------------------------------------------------- */

static int bad_args_err;
static void bad_args_error(asy_stream_t *s, int err) {
    (void)s;
    bad_args_err = err;
}
static const asy_stream_events_t bad_args_events = {NULL, NULL, NULL, bad_args_error, NULL,
                                                  NULL, NULL, NULL, NULL};

TEST(fs_stream_bad_arguments) {
    asy_fs_stream_t fs;
    asy_fs_read_stream_opts_t ro;
    asy_fs_write_stream_opts_t wo;
    asy_stream_t other;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_ERR(asy_fs_create_read_stream(NULL, &fs, "x", NULL), ASY_EINVAL);
    ASSERT_ERR(asy_fs_create_read_stream(&L, NULL, "x", NULL), ASY_EINVAL);
    ASSERT_ERR(asy_fs_create_read_stream(&L, &fs, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_fs_create_write_stream(&L, &fs, NULL, NULL), ASY_EINVAL);
    memset(&ro, 0, sizeof(ro));
    ro.flags = "rw"; /* not one of Node's */
    ASSERT_ERR(asy_fs_create_read_stream(&L, &fs, "x", &ro), ASY_EINVAL);
    memset(&ro, 0, sizeof(ro));
    ro.use_fd = 1, ro.fd = -1;
    ASSERT_ERR(asy_fs_create_read_stream(&L, &fs, "x", &ro), ASY_EINVAL);
    memset(&ro, 0, sizeof(ro));
    ro.mode = -1;
    ASSERT_ERR(asy_fs_create_read_stream(&L, &fs, "x", &ro), ASY_EINVAL);
    memset(&ro, 0, sizeof(ro));
    ro.has_start = 1, ro.start = -1;
    ASSERT_ERR(asy_fs_create_read_stream(&L, &fs, "x", &ro), ASY_ERANGE);
    memset(&ro, 0, sizeof(ro));
    ro.has_end = 1, ro.end = -1;
    ASSERT_ERR(asy_fs_create_read_stream(&L, &fs, "x", &ro), ASY_ERANGE);
    memset(&ro, 0, sizeof(ro));
    ro.has_start = 1, ro.start = 10, ro.has_end = 1, ro.end = 9; /* Node: start <= end */
    ASSERT_ERR(asy_fs_create_read_stream(&L, &fs, "x", &ro), ASY_ERANGE);
    memset(&wo, 0, sizeof(wo));
    wo.flags = "q";
    ASSERT_ERR(asy_fs_create_write_stream(&L, &fs, "x", &wo), ASY_EINVAL);
    memset(&wo, 0, sizeof(wo));
    wo.has_start = 1, wo.start = -5;
    ASSERT_ERR(asy_fs_create_write_stream(&L, &fs, "x", &wo), ASY_ERANGE);
    /* getters on nothing, and on a stream that is not a file stream */
    ASSERT_EQ(asy_fs_stream_fd(NULL), -1);
    ASSERT_NULL(asy_fs_stream_path(NULL));
    ASSERT_EQ_U64(asy_fs_stream_bytes_read(NULL), 0);
    ASSERT_NULL(asy_fs_stream_of(NULL));
    ASSERT_OK(asy_readable_init(&L, &other, NULL, NULL));
    ASSERT_NULL(asy_fs_stream_of(&other));
    ASSERT_STR_EQ(asy_fs_stream_error(NULL, NULL, 0), "");
    {
        /* a path open() would refuse anyway */
        static char longp[ASY_FS_STREAM_PATH_MAX + 1];
        memset(longp, 'a', ASY_FS_STREAM_PATH_MAX);
        ASSERT_ERR(asy_fs_create_read_stream(&L, &fs, longp, NULL), ASY_ENAMETOOLONG);
        longp[ASY_FS_STREAM_PATH_MAX - 1] = 0;
        ASSERT_OK(asy_fs_create_write_stream(&L, &fs, longp, NULL));
        /* the open still runs and fails: its 'error' needs a listener */
        ASSERT_OK(asy_stream_set_events(&fs.stream, &bad_args_events));
        ASSERT_OK(asy_stream_destroy(&fs.stream, 0)); /* before it tried to open */
    }
    /* nothing was started: the loop has nothing to run */
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_ERR(bad_args_err, ASY_ENAMETOOLONG);
    ASSERT_OK(asy_loop_close(&L));
}

static int g_closed;
static int pl_status = 1, pl_calls;
static void pl_done(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    pl_status = status;
    pl_calls++;
}
static void count_close(asy_stream_t *s) {
    (void)s;
    g_closed++;
}

TEST(fs_stream_getters) {
    static const asy_stream_events_t ev = {NULL, NULL, NULL, NULL, NULL, NULL, count_close, NULL, NULL};
    asy_fs_stream_t r, w;
    char msg[64];
    tmpdir_make();
    put_file(P("in.txt"), "0123456789");
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_fs_create_read_stream(&L, &r, P("in.txt"), NULL));
    ASSERT_OK(asy_fs_create_write_stream(&L, &w, P("out.txt"), NULL));
    ASSERT_PTR_EQ(asy_fs_stream_of(&r.stream), &r);
    ASSERT_PTR_EQ(asy_fs_stream_of(&w.stream), &w);
    ASSERT_STR_EQ(asy_fs_stream_path(&r), P("in.txt"));
    ASSERT_EQ(asy_fs_stream_pending(&r), 1); /* not opened yet */
    ASSERT_EQ(asy_fs_stream_fd(&r), -1);
    ASSERT_EQ(asy_stream_readable_hwm(&r.stream), 65536); /* Node's fs default */
    ASSERT_EQ(asy_stream_writable_hwm(&w.stream), 16384);
    ASSERT_STR_EQ(asy_fs_stream_error(&r, msg, sizeof(msg)), "");
    ASSERT_OK(asy_stream_set_events(&r.stream, &ev));
    ASSERT_OK(asy_stream_set_events(&w.stream, &ev));
    {
        asy_stream_t *both[2];
        both[0] = &r.stream;
        both[1] = &w.stream;
        ASSERT_OK(asy_pipeline(both, 2, pl_done, NULL));
    }
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(pl_status, 0);
    ASSERT_EQ(g_closed, 2);
    ASSERT_EQ_U64(asy_fs_stream_bytes_read(&r), 10);
    ASSERT_EQ_U64(asy_fs_stream_bytes_written(&r), 0);
    ASSERT_EQ_U64(asy_fs_stream_bytes_written(&w), 10);
    ASSERT_EQ_U64(asy_fs_stream_bytes_read(&w), 0);
    ASSERT_EQ(asy_fs_stream_pending(&w), 1); /* closed: Node's fd is null again */
    ASSERT_STR_EQ(asy_fs_stream_path(&w), P("out.txt")); /* kept after close */
    ASSERT_STR_EQ(get_file(P("out.txt")), "0123456789");
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

/* ---- a 20 MiB copy through pipeline(read, transform, transform, write) ------- */

/* XOR with 0x5A into a fresh buffer: twice is the identity, so the copy
 * is byte-exact only if every byte went through both transforms. */
static void xor_transform(asy_stream_t *s, const asy_buf_t *c) {
    asy_buf_t out;
    size_t i;
    int r = asy_buf_alloc_unsafe(&out, c->len);
    if (r == 0) {
        for (i = 0; i < c->len; i++) out.data[i] = c->data[i] ^ 0x5A;
        r = asy_stream_push_move(s, &out) < 0 ? ASY_ENOMEM : 0;
    }
    asy_stream_transform_done(s, r);
}

static void fill_random(uint8_t *b, size_t n, uint64_t seed) {
    size_t i;
    for (i = 0; i < n; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        b[i] = (uint8_t)(seed >> 24);
    }
}

TEST_T(fs_stream_pipeline_copies_20mib_exactly, 60000) {
    static const asy_stream_impl_t xor_impl = {NULL, NULL, NULL, NULL, NULL, NULL, xor_transform, NULL};
    const size_t size = 20u * 1024 * 1024 + 12345; /* not a multiple of the chunk size */
    asy_fs_stream_t in, out;
    asy_stream_t x1, x2;
    asy_stream_t *all[4];
    uint8_t *src, *dst;
    size_t n;
    int fds;
    tmpdir_make();
    src = (uint8_t *)malloc(size);
    ASSERT_NOT_NULL(src);
    fill_random(src, size, 0x9E3779B97F4A7C15ull);
    put_bytes(P("big.bin"), src, size);
    ASSERT_OK(asy_loop_init(&L, NULL));
    fds = count_fds();
    ASSERT_OK(asy_fs_create_read_stream(&L, &in, P("big.bin"), NULL));
    ASSERT_OK(asy_transform_init(&L, &x1, &xor_impl, NULL));
    ASSERT_OK(asy_transform_init(&L, &x2, &xor_impl, NULL));
    ASSERT_OK(asy_fs_create_write_stream(&L, &out, P("copy.bin"), NULL));
    all[0] = &in.stream;
    all[1] = &x1;
    all[2] = &x2;
    all[3] = &out.stream;
    pl_status = 1;
    pl_calls = 0;
    ASSERT_OK(asy_pipeline(all, 4, pl_done, NULL));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(pl_calls, 1);
    ASSERT_EQ(pl_status, 0);
    ASSERT_EQ_U64(asy_fs_stream_bytes_read(&in), size);
    ASSERT_EQ_U64(asy_fs_stream_bytes_written(&out), size);
    ASSERT(asy_stream_is_closed(&in.stream) && asy_stream_is_closed(&out.stream));
    ASSERT_EQ(count_fds(), fds);
    dst = slurp(P("copy.bin"), &n);
    ASSERT_EQ_U64(n, size);
    ASSERT(memcmp(src, dst, size) == 0);
    free(src);
    free(dst);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

/* ---- backpressure: a fast file source into a slow sink ---------------------- */

#define BP_TOTAL (32u * 1024 * 1024)
static asy_fs_stream_t BPR;
static asy_stream_t BPW;
static uint64_t bp_consumed, bp_ahead_max;
static size_t bp_rlen_max, bp_wlen_max;
static unsigned bp_writes;

static void bp_done(void *arg) {
    (void)arg;
    ASSERT_OK(asy_stream_write_done(&BPW, 0));
}
static void bp_write(asy_stream_t *s, const asy_buf_t *c) {
    uint64_t ahead;
    size_t i;
    for (i = 0; i < c->len; i += 4093)
        if (c->data[i] != pat(bp_consumed + i)) FAIL("byte %llu", (unsigned long long)(bp_consumed + i));
    bp_consumed += c->len;
    /* everything read from the file and not yet consumed is in memory */
    ahead = asy_fs_stream_bytes_read(&BPR) - bp_consumed;
    if (ahead > bp_ahead_max) bp_ahead_max = ahead;
    if (asy_stream_readable_length(&BPR.stream) > bp_rlen_max)
        bp_rlen_max = asy_stream_readable_length(&BPR.stream);
    if (asy_stream_writable_length(s) > bp_wlen_max) bp_wlen_max = asy_stream_writable_length(s);
    /* slow: each write completes in a later iteration, every 32nd after 1 ms */
    if (++bp_writes % 32 == 0)
        ASSERT(asy_set_timeout(&L, bp_done, NULL, 1).id != 0);
    else
        ASSERT(asy_set_immediate(&L, bp_done, NULL).id != 0);
}

TEST_T(fs_stream_backpressure_keeps_memory_bounded, 60000) {
    static const asy_stream_impl_t sink = {NULL, NULL, bp_write, NULL, NULL, NULL, NULL, NULL};
    asy_stream_t *all[2];
    tmpdir_make();
    put_pattern(P("huge.bin"), BP_TOTAL);
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_fs_create_read_stream(&L, &BPR, P("huge.bin"), NULL));
    ASSERT_OK(asy_writable_init(&L, &BPW, &sink, NULL));
    all[0] = &BPR.stream;
    all[1] = &BPW;
    pl_status = 1;
    ASSERT_OK(asy_pipeline(all, 2, pl_done, NULL));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(pl_status, 0);
    ASSERT_EQ_U64(bp_consumed, BP_TOTAL);
    printf("read ahead max %llu KiB, readable buffer max %zu KiB, sink buffer max %zu KiB\n",
           (unsigned long long)(bp_ahead_max / 1024), bp_rlen_max / 1024, bp_wlen_max / 1024);
    /* the chunk being written, the readable's buffer (one highWaterMark)
     * and the read in flight -- not the 32 MiB */
    ASSERT_LE(bp_rlen_max, 65536);
    ASSERT_LE(bp_wlen_max, 65536);
    ASSERT_LE(bp_ahead_max, 3 * 65536);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

/* ---- errors ------------------------------------------------------------------- */

static int e_err, e_errors, e_closes;
static char e_msg[1024];
static void e_error(asy_stream_t *s, int err) {
    e_err = err;
    e_errors++;
    asy_fs_stream_error(asy_fs_stream_of(s), e_msg, sizeof(e_msg));
}
static void e_close(asy_stream_t *s) {
    (void)s;
    e_closes++;
}
static const asy_stream_events_t e_events = {NULL, NULL, NULL, e_error, NULL, NULL, e_close, NULL, NULL};
static void e_reset(void) {
    e_err = e_errors = e_closes = 0;
    e_msg[0] = 0;
}

TEST(fs_stream_open_errors) {
    asy_fs_stream_t fs;
    asy_fs_write_stream_opts_t wo;
    char want[1200];
    int fds;
    tmpdir_make();
    ASSERT_EQ(mkdir(P("dir"), 0777), 0);
    ASSERT_OK(asy_loop_init(&L, NULL));
    fds = count_fds();

    /* ENOENT: error with Node's message, then close, no fd left */
    e_reset();
    ASSERT_OK(asy_fs_create_read_stream(&L, &fs, P("missing.txt"), NULL));
    ASSERT_OK(asy_stream_set_events(&fs.stream, &e_events));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(e_err, ASY_ENOENT);
    ASSERT_EQ(e_errors, 1);
    ASSERT_EQ(e_closes, 1);
    snprintf(want, sizeof(want), "ENOENT: no such file or directory, open '%s'", P("missing.txt"));
    ASSERT_STR_EQ(e_msg, want);

    /* a missing directory on the way, for writing */
    e_reset();
    ASSERT_OK(asy_fs_create_write_stream(&L, &fs, P("no/such/file"), NULL));
    ASSERT_OK(asy_stream_set_events(&fs.stream, &e_events));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(e_err, ASY_ENOENT);
    ASSERT_EQ(e_closes, 1);

    /* EISDIR: writing opens fail, reading fails at the first read */
    e_reset();
    ASSERT_OK(asy_fs_create_write_stream(&L, &fs, P("dir"), NULL));
    ASSERT_OK(asy_stream_set_events(&fs.stream, &e_events));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(e_err, ASY_EISDIR);
    snprintf(want, sizeof(want), "EISDIR: illegal operation on a directory, open '%s'", P("dir"));
    ASSERT_STR_EQ(e_msg, want);
    e_reset();
    ASSERT_OK(asy_fs_create_read_stream(&L, &fs, P("dir"), NULL));
    ASSERT_OK(asy_stream_set_events(&fs.stream, &e_events));
    ASSERT_OK(asy_stream_resume(&fs.stream)); /* flowing, so it reads */
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(e_err, ASY_EISDIR);
    ASSERT_STR_EQ(e_msg, "EISDIR: illegal operation on a directory, read");
    ASSERT_EQ(e_closes, 1);

    /* wx on an existing file */
    put_file(P("there.txt"), "keep me");
    e_reset();
    memset(&wo, 0, sizeof(wo));
    wo.flags = "wx";
    ASSERT_OK(asy_fs_create_write_stream(&L, &fs, P("there.txt"), &wo));
    ASSERT_OK(asy_stream_set_events(&fs.stream, &e_events));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(e_err, ASY_EEXIST);
    ASSERT_STR_EQ(get_file(P("there.txt")), "keep me");

    /* a write stream on an fd opened for reading: the write fails EBADF */
    {
        int fd = open(P("there.txt"), O_RDONLY | O_CLOEXEC);
        ASSERT(fd >= 0);
        e_reset();
        memset(&wo, 0, sizeof(wo));
        wo.use_fd = 1, wo.fd = fd;
        ASSERT_OK(asy_fs_create_write_stream(&L, &fs, NULL, &wo));
        ASSERT_OK(asy_stream_set_events(&fs.stream, &e_events));
        ASSERT(write_str(&fs.stream, "nope", NULL, NULL) >= 0);
        ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
        ASSERT_EQ(e_err, ASY_EBADF);
        ASSERT_STR_EQ(e_msg, "EBADF: bad file descriptor, write");
        ASSERT(fd_is_closed(fd)); /* autoClose closed it after the error */
    }
    ASSERT_EQ(count_fds(), fds);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

/* Run as root, the check runs in a child that gave up root (uid nobody):
 * root would be allowed to write into a read-only directory. */
static void eacces_check(void) {
    asy_fs_stream_t fs;
    char want[1200];
    ASSERT_OK(asy_loop_init(&L, NULL));
    e_reset();
    ASSERT_OK(asy_fs_create_write_stream(&L, &fs, P("ro/x.txt"), NULL));
    ASSERT_OK(asy_stream_set_events(&fs.stream, &e_events));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(e_err, ASY_EACCES);
    snprintf(want, sizeof(want), "EACCES: permission denied, open '%s'", P("ro/x.txt"));
    ASSERT_STR_EQ(e_msg, want);
    ASSERT_EQ(e_closes, 1);
    ASSERT(!exists(P("ro/x.txt")));
    ASSERT_OK(asy_loop_close(&L));
}

TEST(fs_stream_eacces_in_read_only_dir) {
    tmpdir_make();
    ASSERT_EQ(chmod(tmp_root, 0755), 0);
    ASSERT_EQ(mkdir(P("ro"), 0555), 0);
    ASSERT_EQ(chmod(P("ro"), 0555), 0); /* whatever the umask */
    if (geteuid() != 0) {
        eacces_check();
    } else {
        int status;
        pid_t pid = fork();
        ASSERT(pid >= 0);
        if (pid == 0) {
            if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
            eacces_check();
            _exit(0);
        }
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 3) SKIP("cannot drop root here");
        ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    tmpdir_remove();
}

/* A write larger than RLIMIT_FSIZE allows is cut short by the kernel
 * (a partial write, which the stream continues), then fails EFBIG. */
TEST(fs_stream_partial_write_then_efbig) {
    static const char *names[2] = {"one.bin", "vec.bin"};
    struct rlimit rl;
    asy_fs_stream_t fs;
    uint8_t *buf;
    int k;
    signal(SIGXFSZ, SIG_IGN); /* this test runs in its own process */
    rl.rlim_cur = rl.rlim_max = 100000;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &rl), 0);
    tmpdir_make();
    buf = (uint8_t *)malloc(150000);
    ASSERT_NOT_NULL(buf);
    fill_random(buf, 150000, 42);
    ASSERT_OK(asy_loop_init(&L, NULL));
    for (k = 0; k < 2; k++) {
        size_t n;
        uint8_t *got;
        e_reset();
        ASSERT_OK(asy_fs_create_write_stream(&L, &fs, P(names[k]), NULL));
        ASSERT_OK(asy_stream_set_events(&fs.stream, &e_events));
        if (k == 0) {
            ASSERT(asy_stream_write_bytes(&fs.stream, buf, 150000, NULL, NULL) >= 0);
        } else { /* writev: 30 chunks of 5000, so the limit falls inside one */
            int i;
            ASSERT_OK(asy_stream_cork(&fs.stream));
            for (i = 0; i < 30; i++)
                ASSERT(asy_stream_write_bytes(&fs.stream, buf + i * 5000, 5000, NULL, NULL) >= 0);
            ASSERT_OK(asy_stream_uncork(&fs.stream));
        }
        ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
        ASSERT_EQ(e_err, ASY_EFBIG);
        ASSERT_STR_EQ(e_msg, "EFBIG: file too large, write");
        ASSERT_EQ(e_closes, 1);
        ASSERT_EQ_U64(asy_fs_stream_bytes_written(&fs), 100000);
        got = slurp(P(names[k]), &n);
        ASSERT_EQ_U64(n, 100000);
        ASSERT(memcmp(got, buf, n) == 0);
        free(got);
    }
    free(buf);
    ASSERT_OK(asy_loop_close(&L));
    rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
    setrlimit(RLIMIT_FSIZE, &rl);
    tmpdir_remove();
}

/* ---- destroy ------------------------------------------------------------------ */

static asy_fs_stream_t DS;
static int d_datas;
static void d_data(asy_stream_t *s, const asy_buf_t *c) {
    (void)c;
    d_datas++;
    ASSERT_OK(asy_stream_destroy(s, 0));
    ASSERT_OK(asy_stream_destroy(s, ASY_EIO)); /* a second destroy does nothing */
}
static const asy_stream_events_t d_events = {d_data, NULL, NULL, e_error, NULL, NULL, e_close, NULL, NULL};

TEST(fs_stream_destroy_closes_the_fd_once) {
    asy_fs_write_stream_opts_t wo;
    int fds, i;
    tmpdir_make();
    put_pattern(P("data.bin"), 1 << 20);
    ASSERT_OK(asy_loop_init(&L, NULL));
    fds = count_fds();

    /* destroyed before the open completed: the fd it gets is closed */
    e_reset();
    ASSERT_OK(asy_fs_create_read_stream(&L, &DS, P("data.bin"), NULL));
    ASSERT_OK(asy_stream_set_events(&DS.stream, &e_events));
    ASSERT_OK(asy_stream_destroy(&DS.stream, 0));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(e_errors, 0);
    ASSERT_EQ(e_closes, 1);
    ASSERT_EQ(count_fds(), fds);

    /* destroyed in its first 'data', with the next read already in flight;
     * a double close would fail with EBADF and show as an error */
    for (i = 0; i < 20; i++) {
        e_reset();
        d_datas = 0;
        ASSERT_OK(asy_fs_create_read_stream(&L, &DS, P("data.bin"), NULL));
        ASSERT_OK(asy_stream_set_events(&DS.stream, &d_events));
        ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
        ASSERT_EQ(d_datas, 1);
        ASSERT_EQ(e_errors, 0);
        ASSERT_EQ(e_closes, 1);
        ASSERT_EQ(asy_fs_stream_fd(&DS), -1);
        ASSERT_EQ(count_fds(), fds);
    }

    /* a write stream destroyed with an error while idle */
    e_reset();
    memset(&wo, 0, sizeof(wo));
    ASSERT_OK(asy_fs_create_write_stream(&L, &DS, P("w.txt"), &wo));
    ASSERT_OK(asy_stream_set_events(&DS.stream, &e_events));
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT)); /* opened; nothing else to do */
    ASSERT(asy_fs_stream_fd(&DS) >= 0);
    ASSERT_EQ(count_fds(), fds + 1);
    ASSERT_OK(asy_stream_destroy(&DS.stream, ASY_ECANCELED));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(e_err, ASY_ECANCELED);
    ASSERT_STR_EQ(e_msg, ""); /* no fs call failed */
    ASSERT_EQ(e_closes, 1);
    ASSERT_EQ(count_fds(), fds);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

/* ---- many streams at once, destroyed at every stage: no fd leaks ------------ */

#define MANY 64
static asy_fs_stream_t MR[MANY], MW[MANY];
static int m_closes;
static void m_close(asy_stream_t *s) {
    (void)s;
    m_closes++;
}
static void m_data(asy_stream_t *s, const asy_buf_t *c) {
    asy_fs_stream_t *fs = asy_fs_stream_of(s);
    (void)c;
    if ((fs - MR) % 4 == 1) asy_stream_destroy(s, 0);
}
static int m_errors;
/* the missing files' ENOENT: listened to, else it is uncaught (Node) */
static void m_error(asy_stream_t *s, int err) {
    (void)s;
    ASSERT_ERR(err, ASY_ENOENT);
    m_errors++;
}
static const asy_stream_events_t m_revents = {m_data, NULL, NULL, m_error, NULL, NULL, m_close, NULL, NULL};
static const asy_stream_events_t m_wevents = {NULL, NULL, NULL, NULL, NULL, NULL, m_close, NULL, NULL};
static void m_destroy_later(void *arg) { asy_stream_destroy((asy_stream_t *)arg, 0); }

TEST_T(fs_stream_no_fd_leaks, 30000) {
    char name[64];
    int fds, i;
    tmpdir_make();
    put_pattern(P("data.bin"), 300000);
    ASSERT_OK(asy_loop_init(&L, NULL));
    fds = count_fds();
    m_closes = 0;
    m_errors = 0;
    for (i = 0; i < MANY; i++) {
        asy_fs_read_stream_opts_t ro;
        memset(&ro, 0, sizeof(ro));
        ro.high_water_mark = 4096 + (size_t)i * 512;
        /* every fourth a missing file, every fourth destroyed in 'data',
         * every fourth destroyed before it opened */
        snprintf(name, sizeof(name), "%s", i % 4 == 2 ? "missing.bin" : "data.bin");
        ASSERT_OK(asy_fs_create_read_stream(&L, &MR[i], P(name), &ro));
        ASSERT_OK(asy_stream_set_events(&MR[i].stream, &m_revents));
        if (i % 4 == 3) ASSERT_OK(asy_stream_destroy(&MR[i].stream, 0));
        snprintf(name, sizeof(name), "out-%d.txt", i);
        ASSERT_OK(asy_fs_create_write_stream(&L, &MW[i], P(name), NULL));
        ASSERT_OK(asy_stream_set_events(&MW[i].stream, &m_wevents));
        ASSERT(write_str(&MW[i].stream, "some text", NULL, NULL) >= 0);
        if (i % 3 == 0)
            ASSERT_OK(asy_stream_end(&MW[i].stream, NULL, NULL));
        else
            ASSERT(asy_set_immediate(&L, m_destroy_later, &MW[i].stream).id != 0);
    }
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(m_closes, 2 * MANY);
    ASSERT_EQ(m_errors, MANY / 4);
    ASSERT_EQ(count_fds(), fds);
    for (i = 0; i < MANY; i++) {
        if (i % 4 == 0) ASSERT_EQ_U64(asy_fs_stream_bytes_read(&MR[i]), 300000);
        if (i % 3 == 0) {
            snprintf(name, sizeof(name), "out-%d.txt", i);
            ASSERT_STR_EQ(get_file(P(name)), "some text");
        }
    }
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

/* ---- writev with more chunks than fit inline ---------------------------------- */

TEST(fs_stream_writev_many_chunks) {
    asy_fs_stream_t fs;
    char expect[2048];
    size_t k = 0;
    int i;
    tmpdir_make();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_fs_create_write_stream(&L, &fs, P("many.txt"), NULL));
    ASSERT_OK(asy_stream_cork(&fs.stream));
    for (i = 0; i < 100; i++) {
        char piece[16];
        int n = snprintf(piece, sizeof(piece), "%d,", i);
        ASSERT(asy_stream_write_bytes(&fs.stream, piece, (size_t)n, NULL, NULL) >= 0);
        memcpy(expect + k, piece, (size_t)n);
        k += (size_t)n;
    }
    expect[k] = 0;
    ASSERT_OK(asy_stream_uncork(&fs.stream));
    ASSERT_OK(asy_stream_end(&fs.stream, NULL, NULL));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ_U64(asy_fs_stream_bytes_written(&fs), k);
    ASSERT_STR_EQ(get_file(P("many.txt")), expect);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}
