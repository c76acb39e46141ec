/* The seed's database pool with await: the twin of db_pool.c (same
 * output), handleRequest written as the seed writes it.
 *
 *   async function handleRequest(req) {
 *     const conn = await pool.acquire();
 *     try { return await conn.query("SELECT * FROM users WHERE id = $1", [req.userId]); }
 *     finally { pool.release(conn); }          // always return to pool
 *   }
 *   await pool.drain(); pool.clear();         // graceful shutdown
 *
 * The simulated driver is db_pool.c's: connecting takes 20 ms and a query
 * 2-6 ms, on timers.  50 requests arrive at once; the pool opens at most 5
 * connections and queues the rest, oldest first. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static asy_loop_t loop;
static asy_rpool_t *pool;
static int next_conn_id, open_conns, max_open;

typedef struct {
    int id;
    int queries;
} db_conn;

/* ---- the simulated driver ------------------------------------------------ */
typedef struct {
    asy_promise_t *p;
    void *value;
} pending_io;

static void io_done(void *arg) {
    pending_io *io = (pending_io *)arg;
    asy_promise_resolve(io->p, io->value);
    asy_promise_release(io->p);
    free(io);
}

/* a promise that fulfils with value after ms */
static asy_promise_t *after(uint64_t ms, void *value) {
    pending_io *io = (pending_io *)malloc(sizeof(*io));
    io->p = asy_promise_new(&loop);
    io->value = value;
    asy_set_timeout(&loop, io_done, io, ms);
    return asy_promise_retain(io->p);
}

static asy_ret_t connect_to_database(void *ctx) {
    db_conn *c = (db_conn *)calloc(1, sizeof(*c));
    (void)ctx;
    c->id = ++next_conn_id;
    if (++open_conns > max_open) max_open = open_conns;
    printf("Creating new DB connection %d...\n", c->id);
    return asy_chain(after(20, c)); /* the pool gets c once "connected" */
}

static asy_ret_t close_connection(void *ctx, void *resource) {
    db_conn *c = (db_conn *)resource;
    (void)ctx;
    printf("Closing DB connection %d after %d queries\n", c->id, c->queries);
    open_conns--;
    free(c);
    return asy_ok(NULL);
}

static asy_promise_t *query(db_conn *c, int user_id) {
    c->queries++;
    return after(2 + (uint64_t)(user_id % 5), (void *)(intptr_t)user_id);
}

/* ---- handleRequest: acquire, query, always release ---------------------- */
static int served;

static asy_ret_t handle_request(void *req) {
    asy_promise_t *acquired = asy_rpool_acquire(pool, 0), *q;
    void *conn, *rows;
    int err = asy_await(acquired, &conn); /* const conn = await pool.acquire() */
    asy_promise_release(acquired);
    if (err) {
        printf("request failed: %s\n", asy_err_name(err));
        return asy_fail(err, NULL);
    }
    q = query((db_conn *)conn, (int)(intptr_t)req);
    err = asy_await(q, &rows); /* try { return await conn.query(...) } */
    asy_promise_release(q);
    asy_rpool_release(pool, conn); /* finally { pool.release(conn) } */
    if (err) {
        printf("request failed: %s\n", asy_err_name(err));
        return asy_fail(err, NULL);
    }
    served++;
    return asy_ok(rows);
}

static asy_ret_t serve(void *arg) {
    asy_rpool_stats_t st;
    asy_promise_t *end;
    int i;
    (void)arg;
    memset(&st, 0, sizeof(st));
    for (i = 1; i <= 50; i++) {
        asy_promise_t *r = asy_async(&loop, handle_request, (void *)(intptr_t)i, NULL);
        asy_promise_mark_handled(r); /* failures are printed */
        asy_promise_release(r);
    }
    asy_rpool_stats(pool, &st);
    printf("pool: size %zu, available %zu, borrowed %zu, pending %zu\n", st.size, st.available,
           st.borrowed, st.pending);
    end = asy_rpool_end(pool); /* await pool.drain(); pool.clear() */
    asy_await(end, NULL);
    asy_promise_release(end);
    printf("pool ended: %d requests served, at most %d connections open\n", served, max_open);
    return asy_ok(NULL);
}

int main(void) {
    asy_rpool_factory_t factory;
    asy_rpool_opts_t opts;
    asy_promise_t *done;
    asy_loop_init(&loop, NULL);
    memset(&factory, 0, sizeof(factory));
    factory.create = connect_to_database;
    factory.destroy = close_connection;
    memset(&opts, 0, sizeof(opts));
    opts.min = 2;                  /* keep 2 idle connections warm */
    opts.max = 5;                  /* never exceed 5 connections */
    opts.idle_timeout_ms = 30000;  /* destroy idle connections after 30s */
    opts.acquire_timeout_ms = 2000; /* connectionTimeoutMillis */
    pool = asy_rpool_new(&loop, &factory, &opts, NULL);
    done = asy_async(&loop, serve, NULL, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_promise_release(done);
    return asy_loop_close(&loop) == 0 && open_conns == 0 ? 0 : 1;
}
