/* The seed's CSV import: read rows as a stream, limit the DB writes.
 *
 *   const limit = pLimit(20); // max 20 concurrent DB writes
 *   const promises = [];
 *   const rl = createInterface({ input: createReadStream("million-rows.csv") });
 *   for await (const line of rl) {
 *     const record = parseCsvLine(line);
 *     promises.push(
 *       limit(() => db.query("INSERT INTO records VALUES ($1, $2)", [record.id, record.name]))
 *     );
 *   }
 *   await Promise.all(promises);
 *   console.log("All rows inserted");
 *
 *   build/examples/stream_readline_csv [FILE.csv]
 *   read 100000 rows
 *   All rows inserted: 100000 rows, at most 20 queries at once, id sum 5000050000
 *
 * The input goes through the line splitter (readline), read with the
 * async pull-read (for await); every row becomes a task of a p-limit
 * limiter (the sync layer), and Promise.all waits for them.  Without a
 * FILE, 100000 rows "id,name" are generated in memory.  db.query is
 * simulated: an insert completes on a later loop iteration.
 *
 * As in the seed, reading does not wait for the inserts: every row is
 * scheduled at once and only 20 run at a time, so the queue of waiting
 * inserts grows with the file (for an unbounded file, pause the reader
 * while the limiter's pending count is high). */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_fd.h"

#define GENERATED_ROWS 100000

static asy_loop_t loop;
static asy_limit_t *limit;
static asy_promise_t **promises;
static size_t npromises, cap;
static size_t active, max_active;
static unsigned long long id_sum;

/* ---- a generated CSV, one 8 KiB piece per _read -------------------------- */
static long next_row = 1;
static void csv_read(asy_stream_t *s, size_t size) {
    char buf[8192];
    size_t n = 0;
    (void)size;
    if (next_row > GENERATED_ROWS) {
        asy_stream_push_end(s);
        return;
    }
    while (n < sizeof(buf) - 64 && next_row <= GENERATED_ROWS) {
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%ld,name-%ld\n", next_row, next_row);
        next_row++;
    }
    asy_stream_push_bytes(s, buf, n);
}
static const asy_stream_impl_t csv_impl = {NULL, csv_read, NULL, NULL, NULL, NULL, NULL, NULL};

/* ---- db.query, simulated ------------------------------------------------------ */
typedef struct {
    long id;
    char name[48];
    asy_promise_t *done;
} record_t;

static void query_done(void *arg) {
    record_t *r = (record_t *)arg;
    active--;
    id_sum += (unsigned long long)r->id;
    asy_promise_resolve(r->done, NULL);
    asy_promise_release(r->done);
    free(r);
}

/* limit(() => db.query(...)): runs when the limiter gives it a slot */
static asy_ret_t insert_task(void *arg) {
    record_t *r = (record_t *)arg;
    asy_promise_t *p = asy_promise_new(&loop);
    if (!p) return asy_fail(ASY_ENOMEM, "out of memory");
    r->done = asy_promise_retain(p);
    if (++active > max_active) max_active = active;
    asy_set_immediate(&loop, query_done, r);
    return asy_chain(p); /* the task settles when the query does */
}

/* parseCsvLine: "id,name" */
static record_t *parse_csv_line(const asy_buf_t *line) {
    record_t *r = (record_t *)calloc(1, sizeof(*r));
    const char *comma;
    size_t name_len;
    if (!r) return NULL;
    r->id = strtol((const char *)line->data, NULL, 10);
    comma = (const char *)memchr(line->data, ',', line->len);
    name_len = comma ? line->len - (size_t)(comma + 1 - (const char *)line->data) : 0;
    if (name_len >= sizeof(r->name)) name_len = sizeof(r->name) - 1;
    if (name_len) memcpy(r->name, comma + 1, name_len);
    return r;
}

/* ---- Promise.all(promises) ---------------------------------------------------- */
static void all_inserted(void *arg, const asy_settled_t *in) {
    (void)arg;
    if (in->error)
        printf("an insert failed: %s\n", asy_strerror(in->error));
    else
        printf("All rows inserted: %zu rows, at most %zu queries at once, id sum %llu\n",
               npromises, max_active, id_sum);
}

/* ---- for await (const line of rl) ----------------------------------------------- */
static void on_line(asy_stream_t *rl, int status, const asy_buf_t *line, void *arg) {
    asy_promise_t *all;
    size_t i;
    (void)arg;
    if (status == 0) {
        record_t *r = line->len ? parse_csv_line(line) : NULL;
        if (r) {
            if (npromises == cap) {
                cap = cap ? cap * 2 : 1024;
                promises = (asy_promise_t **)realloc(promises, cap * sizeof(*promises));
            }
            promises[npromises++] = asy_limit_run(limit, insert_task, r);
        }
        asy_stream_next(rl, on_line, NULL);
        return;
    }
    if (status != ASY_EOF) fprintf(stderr, "reading failed: %s\n", asy_strerror(status));
    printf("read %zu rows\n", npromises);
    all = asy_promise_all(&loop, promises, npromises); /* await Promise.all(promises) */
    asy_promise_on_settled(all, all_inserted, NULL);
    asy_promise_release(all);
    for (i = 0; i < npromises; i++) asy_promise_release(promises[i]);
}

static void input_done(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    if (status) fprintf(stderr, "input failed: %s\n", asy_strerror(status));
}

int main(int argc, char **argv) {
    ex_fd file;
    asy_stream_t gen;
    asy_line_splitter_t rl;
    asy_stream_t *input[2];
    int fd = -1;
    if (argc > 1 && (fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0) {
        perror(argv[1]);
        return 1;
    }
    if (asy_loop_init(&loop, NULL) < 0) return 1;
    limit = asy_limit_new(&loop, 20, NULL); /* pLimit(20) */
    if (!limit || (fd >= 0 ? ex_fd_source(&loop, &file, fd, NULL)
                           : asy_readable_init(&loop, &gen, &csv_impl, NULL)) < 0 ||
        asy_line_splitter_init(&loop, &rl, NULL) < 0)
        return 1;
    /* createInterface({ input }) */
    input[0] = fd >= 0 ? &file.stream : &gen;
    input[1] = &rl.stream;
    asy_pipeline(input, 2, input_done, NULL);
    asy_stream_next(&rl.stream, on_line, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_limit_free(limit);
    free(promises);
    if (fd >= 0) close(fd);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
