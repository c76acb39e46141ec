/* fs/promises and dns/promises: fulfilment with the request, rejection
 * with Node's message, chains, Promise.all with p-limit (the seed's
 * processAllFiles). */
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1 /* the suite runs on every backend (tests/test.h) */
#include "test.h"
#include "fs_util.h"

#include <fcntl.h>

static asy_loop_t L;

static const asy_fs_t *value_of(asy_promise_t *p) {
    const asy_settled_t *s = asy_promise_result(p);
    ASSERT_NOT_NULL(s);
    if (s->state != ASY_PROMISE_FULFILLED) FAIL("rejected: %s", s->message ? s->message : "?");
    return (const asy_fs_t *)s->value;
}

TEST(fsp_fulfils_with_the_request) {
    asy_promise_t *w, *r, *st;
    tmpdir_make();
    ASSERT_OK(asy_loop_init(&L, NULL));
    w = asy_fsp_write_file(&L, P("a.txt"), "promised", 8, 0);
    ASSERT_NOT_NULL(w);
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    ASSERT_EQ(value_of(w)->result, 8);
    r = asy_fsp_read_file(&L, P("a.txt"));
    st = asy_fsp_stat(&L, P("a.txt"));
    ASSERT_EQ(asy_promise_state_of(r), ASY_PROMISE_PENDING);
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    /* the results live as long as the promise */
    ASSERT_STR_EQ(value_of(r)->buf, "promised");
    ASSERT_EQ(value_of(r)->len, 8);
    ASSERT_EQ_U64(value_of(st)->statbuf.size, 8);
    asy_promise_release(w);
    asy_promise_release(r);
    asy_promise_release(st);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

/* The seed:
 *   try { await readFile("missing.txt"); }
 *   catch (err) { if (err.code === "ENOENT") console.log("File not found"); } */
static int caught;
static char caught_msg[1200];
static asy_ret_t on_missing(void *arg, const asy_settled_t *in) {
    (void)arg;
    caught = in->error;
    snprintf(caught_msg, sizeof caught_msg, "%s", in->message ? in->message : "");
    return asy_ok(NULL);
}

TEST(fsp_rejects_with_code_and_node_message) {
    asy_promise_t *p, *c, *bad;
    char expect[1200];
    tmpdir_make();
    ASSERT_OK(asy_loop_init(&L, NULL));
    p = asy_fsp_read_file(&L, P("missing.txt"));
    c = asy_promise_catch(p, on_missing, NULL);
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    ASSERT_EQ(caught, ASY_ENOENT);
    snprintf(expect, sizeof expect, "ENOENT: no such file or directory, open '%s'",
             P("missing.txt"));
    ASSERT_STR_EQ(caught_msg, expect);
    ASSERT_EQ(asy_promise_state_of(c), ASY_PROMISE_FULFILLED);
    /* bad arguments reject as well (never a callback-less failure) */
    bad = asy_fsp_stat(&L, NULL);
    ASSERT_NOT_NULL(bad);
    ASSERT_EQ(asy_promise_state_of(bad), ASY_PROMISE_REJECTED);
    ASSERT_EQ(asy_promise_result(bad)->error, ASY_EINVAL);
    asy_promise_mark_handled(bad);
    ASSERT_NULL(asy_fsp_stat(NULL, "/"));
    asy_promise_release(p);
    asy_promise_release(c);
    asy_promise_release(bad);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

/* The seed's fs/promises block as a chain:
 *   const content = await readFile("./data.json", "utf8");
 *   await writeFile("./output.json", ...);
 *   await mkdir("./nested/dirs", { recursive: true });
 *   const files = await readdir("./src", { withFileTypes: true }); */
static char out_json[64];
static asy_ret_t step_write(void *arg, const asy_settled_t *in) {
    const asy_fs_t *r = (const asy_fs_t *)in->value;
    (void)arg;
    snprintf(out_json, sizeof out_json, "{\"copy\": %s}", r->buf);
    return asy_chain(asy_fsp_write_file(&L, P("output.json"), out_json, strlen(out_json), 0));
}
static asy_ret_t step_mkdir(void *arg, const asy_settled_t *in) {
    (void)arg;
    (void)in;
    return asy_chain(asy_fsp_mkdir(&L, P("nested/dirs"), 0, ASY_FS_RECURSIVE));
}
static asy_ret_t step_readdir(void *arg, const asy_settled_t *in) {
    (void)arg;
    (void)in;
    return asy_chain(asy_fsp_readdir(&L, tmp_root));
}

TEST(fsp_seed_sequence) {
    asy_promise_t *p1, *p2, *p3, *p4;
    const asy_fs_t *dir;
    tmpdir_make();
    put_file(P("data.json"), "{\"a\": 1}");
    ASSERT_OK(asy_loop_init(&L, NULL));
    p1 = asy_promise_then(asy_fsp_read_file(&L, P("data.json")), step_write, NULL, NULL);
    p2 = asy_promise_then(p1, step_mkdir, NULL, NULL);
    p3 = asy_promise_then(p2, step_readdir, NULL, NULL);
    p4 = p3;
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    dir = value_of(p4);
    ASSERT_EQ(dir->result, 3);
    ASSERT_STR_EQ(dir->dirents[0].name, "data.json");
    ASSERT_EQ(dir->dirents[0].type, ASY_DIRENT_FILE);
    ASSERT_STR_EQ(dir->dirents[1].name, "nested");
    ASSERT_EQ(dir->dirents[1].type, ASY_DIRENT_DIR);
    ASSERT_STR_EQ(dir->dirents[2].name, "output.json");
    ASSERT_STR_EQ(get_file(P("output.json")), "{\"copy\": {\"a\": 1}}");
    ASSERT(exists(P("nested/dirs")));
    asy_promise_release(p1);
    asy_promise_release(p2);
    asy_promise_release(p3);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

/* processAllFiles: Promise.all over limit(() => readFile(...)) */
static char names[200][64];
static asy_ret_t read_task(void *name) {
    return asy_chain(asy_fsp_read_file(&L, P((const char *)name)));
}

TEST(fsp_promise_all_with_p_limit) {
    asy_limit_t *lim;
    asy_promise_t *ps[200], *all;
    const asy_settled_t *s;
    size_t i, total = 0;
    tmpdir_make();
    for (i = 0; i < 200; i++) {
        char text[32];
        snprintf(names[i], sizeof names[i], "f%03zu", i);
        snprintf(text, sizeof text, "file %zu", i);
        put_file(P(names[i]), text);
    }
    ASSERT_OK(asy_loop_init(&L, NULL));
    lim = asy_limit_new(&L, 10, NULL);
    for (i = 0; i < 200; i++) {
        ps[i] = asy_limit_run(lim, read_task, names[i]);
        ASSERT_NOT_NULL(ps[i]);
    }
    ASSERT_LE(asy_limit_active(lim), 10);
    all = asy_promise_all(&L, ps, 200);
    for (i = 0; i < 200; i++) asy_promise_release(ps[i]);
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    s = asy_promise_result(all);
    ASSERT_EQ(s->state, ASY_PROMISE_FULFILLED);
    for (i = 0; i < 200; i++) {
        const asy_fs_t *r = (const asy_fs_t *)((void **)s->value)[i];
        char text[32];
        snprintf(text, sizeof text, "file %zu", i);
        ASSERT_STR_EQ(r->buf, text);
        total += r->len;
    }
    ASSERT_GT(total, 1000);
    asy_promise_release(all);
    asy_limit_free(lim);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

TEST(fsp_every_operation) {
    asy_promise_t *p[32];
    asy_iov_t v;
    char rb[8] = {0};
    int n = 0, i, fd;
    tmpdir_make();
    put_file(P("f"), "0123456789");
    ASSERT_OK(asy_loop_init(&L, NULL));
    p[n++] = asy_fsp_open(&L, P("f"), O_RDWR, 0);
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    fd = (int)value_of(p[0])->result;
    v.base = rb;
    v.len = 4;
    p[n++] = asy_fsp_read(&L, fd, &v, 1, 3);
    p[n++] = asy_fsp_fstat(&L, fd);
    p[n++] = asy_fsp_fsync(&L, fd);
    p[n++] = asy_fsp_fdatasync(&L, fd);
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    ASSERT_EQ(value_of(p[1])->result, 4);
    ASSERT_MEM_EQ(rb, "3456", 4);
    ASSERT_EQ_U64(value_of(p[2])->statbuf.size, 10);
    v.base = (void *)"AB";
    v.len = 2;
    p[n++] = asy_fsp_write(&L, fd, &v, 1, 0);
    p[n++] = asy_fsp_ftruncate(&L, fd, 5);
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    p[n++] = asy_fsp_close(&L, fd);
    p[n++] = asy_fsp_copy_file(&L, P("f"), P("g"), 0);
    p[n++] = asy_fsp_symlink(&L, "f", P("ln"));
    p[n++] = asy_fsp_mkdir(&L, P("d"), 0, 0);
    p[n++] = asy_fsp_mkdtemp(&L, P("t-"));
    p[n++] = asy_fsp_append_file(&L, P("h"), "x", 1, 0);
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    ASSERT_STR_EQ(get_file(P("g")), "AB234");
    p[n++] = asy_fsp_readlink(&L, P("ln"));
    p[n++] = asy_fsp_lstat(&L, P("ln"));
    p[n++] = asy_fsp_realpath(&L, P("ln"));
    p[n++] = asy_fsp_access(&L, P("g"), ASY_R_OK);
    p[n++] = asy_fsp_chmod(&L, P("g"), 0600);
    p[n++] = asy_fsp_utimes(&L, P("g"), 10, 20);
    p[n++] = asy_fsp_truncate(&L, P("g"), 1);
    p[n++] = asy_fsp_rename(&L, P("h"), P("h2"));
    p[n++] = asy_fsp_rmdir(&L, P("d"));
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    ASSERT_STR_EQ(value_of(p[13])->buf, "f");
    ASSERT(asy_stat_is_symlink(&value_of(p[14])->statbuf));
    ASSERT(strstr(value_of(p[15])->buf, "/f") != NULL);
    p[n++] = asy_fsp_unlink(&L, P("h2"));
    p[n++] = asy_fsp_rm(&L, P("ln"), 0);
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    for (i = 0; i < n; i++) {
        ASSERT_EQ(asy_promise_state_of(p[i]), ASY_PROMISE_FULFILLED);
        asy_promise_release(p[i]);
    }
    ASSERT(!exists(P("h2")) && !exists(P("ln")) && !exists(P("d")));
    ASSERT_STR_EQ(get_file(P("g")), "A");
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

/* A rejection nobody handles reaches the loop's hook (Node's
 * unhandledRejection), which aborts by default. */
static int unhandled_code;
static void on_unhandled(void *arg, const asy_settled_t *reason) {
    (void)arg;
    unhandled_code = reason->error;
}

TEST(fsp_unhandled_rejection_reaches_the_hook) {
    asy_promise_t *p;
    tmpdir_make();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_promise_on_unhandled(&L, on_unhandled, NULL));
    p = asy_fsp_unlink(&L, P("nothing-here"));
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    ASSERT_EQ(unhandled_code, ASY_ENOENT);
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

TEST(dnsp_lookup_localhost) {
    asy_promise_t *p;
    const asy_settled_t *s;
    const asy_dns_addresses_t *a;
    ASSERT_OK(asy_loop_init(&L, NULL));
    p = asy_dnsp_lookup(&L, "127.0.0.1", NULL);
    ASSERT_NOT_NULL(p);
    ASSERT_OK(asy_run(&L, ASY_RUN_DEFAULT));
    s = asy_promise_result(p);
    ASSERT_EQ(s->state, ASY_PROMISE_FULFILLED);
    a = (const asy_dns_addresses_t *)s->value;
    ASSERT_EQ(a->count, 1);
    ASSERT_STR_EQ(a->addrs[0].address, "127.0.0.1");
    ASSERT_EQ(a->addrs[0].family, 4);
    asy_promise_release(p);
    ASSERT_NULL(asy_dnsp_lookup(&L, NULL, NULL));
    ASSERT_OK(asy_loop_close(&L));
}
