/* The seed's processAllFiles: read every file of a folder, at most 10 at a
 * time, with p-limit:
 *
 *   const limit = pLimit(10);
 *   const contents = await Promise.all(
 *     entries.map(name => limit(() => readFile(join(dir, name), "utf8"))));
 *   console.log(`Read ${contents.length} files`);
 *
 * This branch has no fs module yet, so each "readFile" reads the file
 * synchronously with stdio and then completes on a timer of a few
 * milliseconds, standing in for the latency of an asynchronous read.  The
 * limiting is the real thing: at most 10 reads are in flight, the others
 * wait in order, and one failed read would reject Promise.all.
 *
 *   build/examples/process_all_files [dir]      (default: the current folder) */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    char *data;
    size_t len;
} file_text;

static asy_loop_t loop;
static asy_limit_t *limit;
static size_t in_flight, max_in_flight;

static void free_text(void *v) {
    file_text *t = (file_text *)v;
    free(t->data);
    free(t);
}

typedef struct {
    asy_promise_t *promise;
    file_text *text;
    int error;
} read_op;

static void read_done(void *arg) {
    read_op *op = (read_op *)arg;
    in_flight--;
    if (op->error) asy_promise_reject(op->promise, op->error, "read failed");
    else asy_promise_settle(op->promise, asy_ok_owned(op->text, free_text)); /* the promise owns it */
    asy_promise_release(op->promise);
    free(op);
}

/* readFile(path, "utf8"), simulated: see the comment at the top */
static asy_promise_t *read_file(const char *path) {
    read_op *op = (read_op *)calloc(1, sizeof(*op));
    FILE *f = fopen(path, "rb");
    op->promise = asy_promise_new(&loop);
    op->text = (file_text *)calloc(1, sizeof(file_text));
    if (!f) {
        op->error = ASY_ENOENT;
        free(op->text);
        op->text = NULL;
    } else {
        size_t cap = 4096, n;
        op->text->data = (char *)malloc(cap);
        while ((n = fread(op->text->data + op->text->len, 1, cap - op->text->len, f)) > 0) {
            op->text->len += n;
            if (op->text->len == cap) op->text->data = (char *)realloc(op->text->data, cap *= 2);
        }
        fclose(f);
    }
    in_flight++;
    if (in_flight > max_in_flight) max_in_flight = in_flight;
    asy_set_timeout(&loop, read_done, op, 1 + (uint64_t)(rand() % 5));
    return asy_promise_retain(op->promise);
}

/* the task given to limit(): () => readFile(join(dir, name)) */
static asy_ret_t read_task(void *path) { return asy_chain(read_file((const char *)path)); }

static void report(void *arg, const asy_settled_t *in) {
    size_t n = *(size_t *)arg, i, bytes = 0;
    if (in->error) {
        printf("failed: %s (%s)\n", asy_err_name(in->error), in->message ? in->message : "");
        return;
    }
    for (i = 0; i < n; i++) bytes += ((file_text **)in->value)[i]->len;
    printf("Read %zu files (%zu bytes), at most %zu at a time\n", n, bytes, max_in_flight);
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : ".";
    char **paths = NULL;
    asy_promise_t **reads, *all;
    size_t n = 0, i;
    struct dirent *e;
    DIR *d = opendir(dir); /* readdir(dir) */
    if (!d) {
        perror(dir);
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        struct stat sb;
        char *path = (char *)malloc(strlen(dir) + strlen(e->d_name) + 2);
        sprintf(path, "%s/%s", dir, e->d_name); /* join(dir, name) */
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            free(path);
            continue;
        }
        paths = (char **)realloc(paths, (n + 1) * sizeof(char *));
        paths[n++] = path;
    }
    closedir(d);

    asy_loop_init(&loop, NULL);
    limit = asy_limit_new(&loop, 10, NULL); /* only 10 files open at a time */
    reads = (asy_promise_t **)calloc(n ? n : 1, sizeof(asy_promise_t *));
    for (i = 0; i < n; i++) reads[i] = asy_limit_run(limit, read_task, paths[i]);
    all = asy_promise_all(&loop, reads, n);          /* Promise.all(...) */
    for (i = 0; i < n; i++) asy_promise_release(reads[i]); /* all() keeps what it needs */
    asy_promise_on_settled(all, report, &n);

    asy_run(&loop, ASY_RUN_DEFAULT);

    asy_promise_release(all); /* frees every file's text */
    asy_limit_free(limit);
    for (i = 0; i < n; i++) free(paths[i]);
    free(paths);
    free(reads);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
