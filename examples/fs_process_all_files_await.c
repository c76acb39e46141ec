/* The seed's processAllFiles with await: the twin of fs_process_all_files.c
 * (same output), written the way the seed writes it.
 *
 *   async function processAllFiles(dir) {
 *     const entries = await readdir(dir);
 *     const limit = pLimit(10); // only 10 files open at a time
 *     const contents = await Promise.all(
 *       entries.map(name => limit(() => readFile(join(dir, name), "utf8"))));
 *     console.log(`Read ${contents.length} files`);
 *     return contents;
 *   }
 *
 *   build/examples/fs_process_all_files_await [dir] */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static asy_loop_t loop;
static char dir[512];
static asy_dirent_t *entries;
static char (*paths)[1024];

/* limit(() => readFile(join(dir, name), "utf8")) */
static asy_ret_t read_one(void *arg, size_t i) {
    (void)arg;
    snprintf(paths[i], sizeof paths[i], "%s/%s", dir, entries[i].name);
    return asy_chain(asy_fsp_read_file(&loop, paths[i]));
}

static asy_ret_t process_all_files(void *arg) {
    asy_promise_t *listing, *all;
    asy_limit_t *limit;
    void *v;
    size_t count = 0, i, bytes = 0;
    int err;
    (void)arg;
    listing = asy_fsp_readdir(&loop, dir);
    err = asy_await(listing, &v); /* const entries = await readdir(dir) */
    if (err) {
        printf("failed: %s\n", asy_promise_result(listing)->message);
        asy_promise_release(listing);
        return asy_fail(err, NULL);
    }
    entries = asy_fs_take_dirents((asy_fs_t *)v, &count);
    asy_promise_release(listing);
    paths = (char(*)[1024])calloc(count ? count : 1, sizeof *paths);
    limit = asy_limit_new(&loop, 10, NULL);
    all = asy_limit_map(limit, count, read_one, NULL); /* Promise.all(entries.map(...)) */
    err = asy_await(all, &v);
    if (err) {
        printf("failed: %s\n", asy_promise_result(all)->message);
    } else {
        for (i = 0; i < count; i++) bytes += ((asy_fs_t **)v)[i]->len;
        printf("Read %zu files (%zu bytes)\n", count, bytes);
    }
    asy_promise_release(all); /* frees every file's data */
    asy_limit_free(limit);
    return err ? asy_fail(err, NULL) : asy_ok(NULL);
}

int main(int argc, char **argv) {
    asy_fs_t r;
    asy_promise_t *done;
    int made = 0, i;
    if (argc > 1) {
        snprintf(dir, sizeof dir, "%s", argv[1]);
    } else { /* a folder of 1000 small files */
        char path[600];
        if (asy_fs_mkdtemp_sync(&r, "/tmp/process-all-") != 0) return 1;
        snprintf(dir, sizeof dir, "%s", r.buf);
        asy_fs_req_cleanup(&r);
        for (i = 0; i < 1000; i++) {
            snprintf(path, sizeof path, "%s/item-%04d.json", dir, i);
            asy_fs_write_file_sync(&r, path, "{\"ok\": true}\n", 13, 0);
        }
        made = 1;
    }
    asy_loop_init(&loop, NULL);
    done = asy_async(&loop, process_all_files, NULL, NULL);
    asy_promise_mark_handled(done); /* a failure was printed */
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_promise_release(done);
    asy_fs_free(entries);
    free(paths);
    if (made) {
        asy_fs_rm_sync(&r, dir, ASY_FS_RECURSIVE);
        asy_fs_req_cleanup(&r);
    }
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
