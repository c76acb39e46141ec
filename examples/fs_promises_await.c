/* The seed's fs/promises block with await: the twin of fs_promises.c
 * (same output), line for line as the seed writes it.
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
 * As in the twin: a fresh temporary folder with a data.json and a src/
 * folder, JSON.parse/stringify left out, and the callback fs.watch
 * reporting the changes the program then makes in src/. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static asy_loop_t loop;
static asy_fs_watch_t watcher;
static char output[256];

static void on_change(asy_fs_watch_t *w, const char *filename, int events, int status) {
    if (status < 0) {
        fprintf(stderr, "watch: %s\n", asy_strerror(status));
        return;
    }
    printf("%s %s\n", (events & ASY_FS_EVENT_RENAME) ? "rename" : "change", filename);
    /* the last change the program makes: enough for a demo */
    if (strcmp(filename, "renamed.ts") == 0) asy_close((asy_handle_t *)w, NULL);
}

/* await p, the value in *value; a failure is printed as the twin does */
static int step(asy_promise_t *p, void **value) {
    int err = asy_await(p, value);
    if (err) {
        const char *m = asy_promise_result(p)->message;
        fprintf(stderr, "failed: %s\n", m ? m : asy_strerror(err));
    }
    return err;
}

static asy_ret_t seed_block(void *arg) {
    asy_promise_t *p[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    const asy_fs_t *r;
    void *v;
    int err, i;
    int64_t j;
    (void)arg;
    /* const content = await readFile("./data.json", "utf8"); */
    if ((err = step(p[0] = asy_fsp_read_file(&loop, "./data.json"), &v))) goto out;
    r = (const asy_fs_t *)v;
    printf("read data.json: %s\n", r->buf);
    snprintf(output, sizeof output, "%s\n", r->buf);
    /* await writeFile("./output.json", ...); */
    if ((err = step(p[1] = asy_fsp_write_file(&loop, "./output.json", output, strlen(output), 0), NULL)))
        goto out;
    printf("wrote output.json\n");
    /* await mkdir("./nested/dirs", { recursive: true }); */
    if ((err = step(p[2] = asy_fsp_mkdir(&loop, "./nested/dirs", 0, ASY_FS_RECURSIVE), &v))) goto out;
    printf("created %s\n", ((const asy_fs_t *)v)->buf);
    /* const files = await readdir("./src", { withFileTypes: true }); */
    if ((err = step(p[3] = asy_fsp_readdir(&loop, "./src"), &v))) goto out;
    r = (const asy_fs_t *)v;
    for (j = 0; j < r->result; j++) /* for (const f of files) ... */
        printf("%s %s\n", r->dirents[j].name, r->dirents[j].type == ASY_DIRENT_DIR ? "dir" : "file");
    /* watch("./src"), then the changes it reports: a new file, a rename */
    asy_fs_watch_init(&loop, &watcher);
    if (asy_fs_watch_start(&watcher, "./src", 0, on_change) != 0) {
        err = ASY_EIO;
        fprintf(stderr, "failed: watch\n");
        goto out;
    }
    if ((err = step(p[4] = asy_fsp_write_file(&loop, "./src/new.ts", "export {}\n", 10, 0), NULL)) ||
        (err = step(p[5] = asy_fsp_rename(&loop, "./src/new.ts", "./src/renamed.ts"), NULL))) {
        if (asy_is_active((asy_handle_t *)&watcher)) asy_close((asy_handle_t *)&watcher, NULL);
    }
out:
    for (i = 0; i < 6; i++)
        if (p[i]) asy_promise_release(p[i]);
    return err ? asy_fail(err, NULL) : asy_ok(NULL);
}

int main(void) {
    asy_fs_t r;
    char dir[256];
    asy_promise_t *done;
    int status = 0;

    /* a scratch folder with the files the seed's code expects */
    if (asy_fs_mkdtemp_sync(&r, "/tmp/fs-promises-") != 0 || chdir(r.buf) != 0) return 1;
    snprintf(dir, sizeof dir, "%s", r.buf);
    asy_fs_req_cleanup(&r);
    asy_fs_write_file_sync(&r, "data.json", "{\"name\": \"asyncrt\"}", 19, 0);
    asy_fs_mkdir_sync(&r, "src/lib", 0, ASY_FS_RECURSIVE);
    asy_fs_req_cleanup(&r);
    asy_fs_write_file_sync(&r, "src/index.ts", "console.log(1)\n", 15, 0);

    asy_loop_init(&loop, NULL);
    done = asy_async(&loop, seed_block, NULL, NULL);
    asy_promise_mark_handled(done); /* a failure was printed */
    asy_run(&loop, ASY_RUN_DEFAULT); /* ends when the watcher has closed */
    if (asy_promise_state_of(done) != ASY_PROMISE_FULFILLED) status = 1;
    asy_promise_release(done);
    if (asy_loop_close(&loop) != 0) status = 1;

    if (chdir("/") != 0 || asy_fs_rm_sync(&r, dir, ASY_FS_RECURSIVE) != 0) status = 1;
    asy_fs_req_cleanup(&r);
    return status;
}
