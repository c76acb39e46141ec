/* The seed's fs/promises block:
 *
 *   import { readFile, writeFile, mkdir, readdir, stat, rm } from "node:fs/promises";
 *   const content = await readFile("./data.json", "utf8");
 *   const data = JSON.parse(content);
 *   await writeFile("./output.json", JSON.stringify(data, null, 2));
 *   await mkdir("./nested/dirs", { recursive: true });
 *   const files = await readdir("./src", { withFileTypes: true });
 *   for (const f of files) console.log(f.name, f.isDirectory() ? "dir" : "file");
 *   for await (const event of watch("./src")) console.log(event.eventType, event.filename);
 *
 * Each await is a continuation on the promise the asy_fsp_* call returns;
 * the promise fulfils with the finished request (->buf, ->dirents...).  The
 * program works in a fresh temporary folder, which it fills with a
 * data.json and a src/ folder first, and removes at the end.  The watch
 * part uses the callback fs.watch: it reports the changes the program then
 * makes in src/ and stops after them.  (JSON.parse/stringify are left out:
 * the text is copied as it is.) */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static asy_loop_t loop;
static asy_fs_watch_t watcher;
static char output[256];

static asy_ret_t fail(const asy_settled_t *in) {
    fprintf(stderr, "failed: %s\n", in->message ? in->message : asy_strerror(in->error));
    return asy_pass(in);
}

/* const content = await readFile("./data.json", "utf8");
 * await writeFile("./output.json", ...) */
static asy_ret_t write_output(void *arg, const asy_settled_t *in) {
    const asy_fs_t *r = (const asy_fs_t *)in->value;
    (void)arg;
    printf("read data.json: %s\n", r->buf);
    snprintf(output, sizeof output, "%s\n", r->buf);
    return asy_chain(asy_fsp_write_file(&loop, "./output.json", output, strlen(output), 0));
}

/* await mkdir("./nested/dirs", { recursive: true }); */
static asy_ret_t make_dirs(void *arg, const asy_settled_t *in) {
    (void)arg;
    (void)in;
    printf("wrote output.json\n");
    return asy_chain(asy_fsp_mkdir(&loop, "./nested/dirs", 0, ASY_FS_RECURSIVE));
}

/* const files = await readdir("./src", { withFileTypes: true }); */
static asy_ret_t list_src(void *arg, const asy_settled_t *in) {
    (void)arg;
    printf("created %s\n", ((const asy_fs_t *)in->value)->buf);
    return asy_chain(asy_fsp_readdir(&loop, "./src"));
}

static void on_change(asy_fs_watch_t *w, const char *filename, int events, int status) {
    if (status < 0) {
        fprintf(stderr, "watch: %s\n", asy_strerror(status));
        return;
    }
    printf("%s %s\n", (events & ASY_FS_EVENT_RENAME) ? "rename" : "change", filename);
    /* the last change the program makes: enough for a demo */
    if (strcmp(filename, "renamed.ts") == 0) asy_close((asy_handle_t *)w, NULL);
}

/* for (const f of files) ...; then watch("./src") and make some changes */
static asy_ret_t print_and_watch(void *arg, const asy_settled_t *in) {
    const asy_fs_t *r = (const asy_fs_t *)in->value;
    int64_t i;
    (void)arg;
    for (i = 0; i < r->result; i++)
        printf("%s %s\n", r->dirents[i].name, r->dirents[i].type == ASY_DIRENT_DIR ? "dir" : "file");
    asy_fs_watch_init(&loop, &watcher);
    if (asy_fs_watch_start(&watcher, "./src", 0, on_change) != 0) return asy_fail(ASY_EIO, "watch");
    /* the changes the watcher reports: a new file, then a rename */
    return asy_chain(asy_fsp_write_file(&loop, "./src/new.ts", "export {}\n", 10, 0));
}

static asy_ret_t rename_it(void *arg, const asy_settled_t *in) {
    (void)arg;
    (void)in;
    return asy_chain(asy_fsp_rename(&loop, "./src/new.ts", "./src/renamed.ts"));
}

static asy_ret_t on_error(void *arg, const asy_settled_t *in) {
    (void)arg;
    if (asy_is_active((asy_handle_t *)&watcher)) asy_close((asy_handle_t *)&watcher, NULL);
    return fail(in);
}

int main(void) {
    asy_fs_t r;
    char dir[256];
    asy_promise_t *p[6];
    int i, status = 0;

    /* a scratch folder with the files the seed's code expects */
    if (asy_fs_mkdtemp_sync(&r, "/tmp/fs-promises-") != 0 || chdir(r.buf) != 0) return 1;
    snprintf(dir, sizeof dir, "%s", r.buf);
    asy_fs_req_cleanup(&r);
    asy_fs_write_file_sync(&r, "data.json", "{\"name\": \"asyncrt\"}", 19, 0);
    asy_fs_mkdir_sync(&r, "src/lib", 0, ASY_FS_RECURSIVE);
    asy_fs_req_cleanup(&r);
    asy_fs_write_file_sync(&r, "src/index.ts", "console.log(1)\n", 15, 0);

    asy_loop_init(&loop, NULL);
    p[0] = asy_fsp_read_file(&loop, "./data.json");
    p[1] = asy_promise_then(p[0], write_output, NULL, NULL);
    p[2] = asy_promise_then(p[1], make_dirs, NULL, NULL);
    p[3] = asy_promise_then(p[2], list_src, NULL, NULL);
    p[4] = asy_promise_then(p[3], print_and_watch, NULL, NULL);
    p[5] = asy_promise_then(p[4], rename_it, on_error, NULL);
    asy_promise_mark_handled(p[5]);
    asy_run(&loop, ASY_RUN_DEFAULT); /* ends when the watcher has closed */
    if (asy_promise_state_of(p[5]) != ASY_PROMISE_FULFILLED) status = 1;
    for (i = 0; i < 6; i++) asy_promise_release(p[i]);
    if (asy_loop_close(&loop) != 0) status = 1;

    if (chdir("/") != 0 || asy_fs_rm_sync(&r, dir, ASY_FS_RECURSIVE) != 0) status = 1;
    asy_fs_req_cleanup(&r);
    return status;
}
