/* The seed's processAllFiles, on the real file system:
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
 * readdir and readFile are asy_fsp_readdir / asy_fsp_read_file, pLimit is
 * asy_limit, Promise.all is asy_promise_all.  Without the limit, 10,000
 * reads would all be in flight at once ("EMFILE: too many open files").
 * Directories in the folder make their read fail with EISDIR, which
 * rejects Promise.all, as in Node.
 *
 *   build/examples/fs_process_all_files [dir]    (default: a folder of 1000
 *                                                  files it makes and removes) */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static asy_loop_t loop;
static asy_limit_t *limit;
static char dir[512];
static asy_dirent_t *entries;
static size_t count;
static char (*paths)[1024];

/* limit(() => readFile(join(dir, name), "utf8")) */
static asy_ret_t read_one(void *arg, size_t i) {
    (void)arg;
    snprintf(paths[i], sizeof paths[i], "%s/%s", dir, entries[i].name); /* join(dir, name) */
    return asy_chain(asy_fsp_read_file(&loop, paths[i]));
}

static asy_ret_t read_all(void *arg, const asy_settled_t *in) {
    asy_fs_t *listing = (asy_fs_t *)in->value;
    (void)arg;
    entries = asy_fs_take_dirents(listing, &count); /* keep the names */
    paths = (char(*)[1024])calloc(count ? count : 1, sizeof *paths);
    limit = asy_limit_new(&loop, 10, NULL);
    /* entries.map(...) through the limit, then Promise.all */
    return asy_chain(asy_limit_map(limit, count, read_one, NULL));
}

static void report(void *arg, const asy_settled_t *in) {
    size_t i, bytes = 0;
    (void)arg;
    if (in->state == ASY_PROMISE_REJECTED) {
        printf("failed: %s\n", in->message);
        return;
    }
    for (i = 0; i < count; i++) bytes += ((asy_fs_t **)in->value)[i]->len;
    printf("Read %zu files (%zu bytes)\n", count, bytes);
}

int main(int argc, char **argv) {
    asy_fs_t r;
    asy_promise_t *listing, *contents;
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
    listing = asy_fsp_readdir(&loop, dir); /* const entries = await readdir(dir) */
    contents = asy_promise_then(listing, read_all, NULL, NULL);
    asy_promise_on_settled(contents, report, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);

    asy_promise_release(listing);
    asy_promise_release(contents); /* frees every file's data */
    asy_limit_free(limit);
    asy_fs_free(entries);
    free(paths);
    if (made) {
        asy_fs_rm_sync(&r, dir, ASY_FS_RECURSIVE);
        asy_fs_req_cleanup(&r);
    }
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
