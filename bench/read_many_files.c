/* read_many_files: the seed's "read 10,000 files with p-limit(10)".
 *
 * Creates FILES small files (200-1000 bytes, in a fresh temporary
 * directory), then, timed: readdir the directory and readFile every entry
 * with at most CONCURRENCY reads in flight (the seed's pLimit: a counter
 * and a queue; here the queue is the entry list), checking the total byte
 * count.  ROUNDS times; the figure is files read per second.
 *
 * Twin: bench/peers/read_many_files.mjs, the seed's code: readdir +
 * pLimit(10) + readFile(join(dir, name), "utf8") from node:fs/promises.
 *
 *   BENCH read_many_files <files/s> files/s higher */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILES 10000
#define CONCURRENCY 10
#define ROUNDS 3

static asy_loop_t loop;
static char dir[256];
static asy_fs_t list_req;
static asy_fs_t reads[CONCURRENCY];
static char paths[CONCURRENCY][512];
static const asy_dirent_t *entries;
static size_t nentries, next_entry, files_done;
static unsigned long long bytes_read;
static int active;

static void start_next(asy_fs_t *req);

static void on_read(asy_fs_t *req) {
    if (req->result < 0) {
        char msg[700];
        fprintf(stderr, "read_many_files: %s\n", asy_fs_error(req, msg, sizeof msg));
        exit(1);
    }
    bytes_read += req->len;
    files_done++;
    active--;
    start_next(req);
}

/* limit(): start another read while under the cap and entries remain. */
static void start_next(asy_fs_t *req) {
    size_t slot = (size_t)(req - reads);
    if (active >= CONCURRENCY || next_entry >= nentries) return;
    snprintf(paths[slot], sizeof paths[slot], "%s/%s", dir, entries[next_entry++].name);
    active++;
    if (asy_fs_read_file(&loop, req, paths[slot], on_read) != 0) exit(1);
}

static asy_dirent_t *listing;

static void on_list(asy_fs_t *req) {
    int i;
    if (req->result != FILES) {
        fprintf(stderr, "read_many_files: readdir gave %lld\n", (long long)req->result);
        exit(1);
    }
    /* keep the entries past this callback: the reads use their names */
    listing = asy_fs_take_dirents(req, &nentries);
    entries = listing;
    next_entry = 0;
    for (i = 0; i < CONCURRENCY; i++) start_next(&reads[i]);
}

int main(void) {
    asy_fs_t r;
    unsigned long long expect = 0;
    uint64_t t0, ns;
    int i, round;
    char path[512], body[1024];
    if (asy_fs_mkdtemp_sync(&r, "/tmp/asyrt-bench-") != 0) return 1;
    snprintf(dir, sizeof dir, "%s", r.buf);
    asy_fs_req_cleanup(&r);
    memset(body, 'x', sizeof body);
    for (i = 0; i < FILES; i++) {
        size_t len = 200 + (size_t)(i * 37) % 800;
        snprintf(path, sizeof path, "%s/file-%05d.json", dir, i);
        if (asy_fs_write_file_sync(&r, path, body, len, 0) != (int)len) return 1;
        expect += len;
    }
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    t0 = asy_hrtime();
    for (round = 0; round < ROUNDS; round++) {
        files_done = 0;
        bytes_read = 0;
        if (asy_fs_readdir(&loop, &list_req, dir, on_list) != 0) return 1;
        asy_run(&loop, ASY_RUN_DEFAULT);
        if (files_done != FILES || bytes_read != expect) {
            fprintf(stderr, "read_many_files: %zu files, %llu bytes\n", files_done, bytes_read);
            return 1;
        }
        asy_fs_free(listing);
    }
    ns = asy_hrtime() - t0;
    printf("BENCH read_many_files %.0f files/s higher\n", (double)FILES * ROUNDS / (ns / 1e9));
    asy_loop_close(&loop);
    asy_fs_rm_sync(&r, dir, ASY_FS_RECURSIVE);
    asy_fs_req_cleanup(&r);
    return 0;
}
