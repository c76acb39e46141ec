/* The seed's pg transaction pattern: a manual checkout that is released on
 * every path.
 *
 *   const client = await pool.connect();
 *   try {
 *     await client.query("BEGIN");
 *     await client.query("UPDATE accounts SET balance = balance - $1 WHERE id = $2", [100, 1]);
 *     await client.query("UPDATE accounts SET balance = balance + $1 WHERE id = $2", [100, 2]);
 *     await client.query("COMMIT");
 *   } catch (err) {
 *     await client.query("ROLLBACK");
 *     throw err;
 *   } finally {
 *     client.release();   // return to pool, NOT close
 *   }
 *
 * The database is simulated (queries take 1-3 ms on timers; a debit
 * beyond the balance fails, and so does a COMMIT that a concurrent
 * transaction has made impossible, as under serializable isolation).
 * Three transfers run at once on a pool of 2 connections: two move 100
 * out of an account holding 150, so one of them must roll back.  The
 * balances and the pool's stats at the end show nothing leaked. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static asy_loop_t loop;
static asy_rpool_t *pool;
static int balance[3] = {0, 150, 20}; /* accounts 1 and 2 */

typedef struct {
    int id;
    int in_tx;
    int pending[3]; /* changes of the open transaction */
} db_client;

/* ---- the simulated driver ------------------------------------------------- */
typedef struct {
    asy_promise_t *p;
    int error;
    const char *message;
} pending_io;

static void io_done(void *arg) {
    pending_io *io = (pending_io *)arg;
    if (io->error) asy_promise_reject(io->p, io->error, io->message);
    else asy_promise_resolve(io->p, NULL);
    asy_promise_release(io->p);
    free(io);
}

/* client.query(sql, [amount, id]) with amount < 0 for a debit */
static asy_promise_t *query(db_client *c, const char *sql, int amount, int account) {
    pending_io *io = (pending_io *)calloc(1, sizeof(*io));
    int i;
    io->p = asy_promise_new(&loop);
    if (!strcmp(sql, "BEGIN")) {
        c->in_tx = 1;
        memset(c->pending, 0, sizeof(c->pending));
    } else if (!strcmp(sql, "COMMIT")) {
        /* serializable: a transaction overtaken by another one fails here */
        for (i = 1; i < 3; i++)
            if (balance[i] + c->pending[i] < 0) {
                io->error = ASY_EAGAIN;
                io->message = "could not serialize access due to concurrent update";
            }
        for (i = 1; i < 3 && !io->error; i++) balance[i] += c->pending[i];
        c->in_tx = 0;
    } else if (!strcmp(sql, "ROLLBACK")) {
        c->in_tx = 0; /* the pending changes are dropped */
    } else if (balance[account] + c->pending[account] + amount < 0) {
        io->error = ASY_EPERM;
        io->message = "insufficient funds";
    } else {
        c->pending[account] += amount;
    }
    printf("  client %d: %s%s\n", c->id, sql, io->error ? " -> error" : "");
    asy_set_timeout(&loop, io_done, io, 1 + (uint64_t)(rand() % 3));
    return asy_promise_retain(io->p);
}

static int next_client;
static asy_ret_t connect_client(void *ctx) {
    db_client *c = (db_client *)calloc(1, sizeof(*c));
    (void)ctx;
    c->id = ++next_client;
    return asy_ok(c);
}
static asy_ret_t close_client(void *ctx, void *c) {
    (void)ctx;
    free(c);
    return asy_ok(NULL);
}

/* ---- one transfer ------------------------------------------------------------ */
typedef struct {
    int from, to, amount;
    db_client *client;
    int error;
    char message[64];
} transfer;

/* p.then(fn) that gives up our reference of p: chains read top to bottom */
static asy_promise_t *then(asy_promise_t *p, asy_then_fn fn, void *arg) {
    asy_promise_t *next = asy_promise_then(p, fn, NULL, arg);
    asy_promise_release(p);
    return next;
}

static asy_ret_t debit(void *arg, const asy_settled_t *in) {
    transfer *t = (transfer *)arg;
    (void)in;
    return asy_chain(query(t->client, "UPDATE accounts SET balance = balance - $1 WHERE id = $2",
                           -t->amount, t->from));
}
static asy_ret_t credit(void *arg, const asy_settled_t *in) {
    transfer *t = (transfer *)arg;
    (void)in;
    return asy_chain(query(t->client, "UPDATE accounts SET balance = balance + $1 WHERE id = $2",
                           t->amount, t->to));
}
static asy_ret_t commit(void *arg, const asy_settled_t *in) {
    (void)in;
    return asy_chain(query(((transfer *)arg)->client, "COMMIT", 0, 0));
}
static asy_ret_t rethrow(void *arg, const asy_settled_t *in) {
    transfer *t = (transfer *)arg;
    (void)in;
    return asy_fail(t->error, t->message); /* throw err */
}
static asy_ret_t rollback(void *arg, const asy_settled_t *in) { /* catch (err) */
    transfer *t = (transfer *)arg;
    t->error = in->error;
    snprintf(t->message, sizeof(t->message), "%s", in->message ? in->message : "");
    return asy_chain(then(query(t->client, "ROLLBACK", 0, 0), rethrow, t));
}
static asy_ret_t release_client(void *arg, const asy_settled_t *in) { /* finally */
    transfer *t = (transfer *)arg;
    (void)in;
    asy_rpool_release(pool, t->client); /* return to pool, NOT close */
    return asy_ok(NULL);
}

/* runs once pool.connect() has given us a client */
static asy_ret_t connected(void *arg, const asy_settled_t *in) {
    transfer *t = (transfer *)arg;
    asy_promise_t *p, *caught, *done;
    t->client = (db_client *)in->value;
    p = query(t->client, "BEGIN", 0, 0);
    p = then(p, debit, t);
    p = then(p, credit, t);
    p = then(p, commit, t);
    caught = asy_promise_catch(p, rollback, t);
    done = asy_promise_finally(caught, release_client, t);
    asy_promise_release(p);
    asy_promise_release(caught);
    return asy_chain(done);
}

static void report(void *arg, const asy_settled_t *in) {
    transfer *t = (transfer *)arg;
    if (in->error)
        printf("transfer of %d from %d to %d rolled back: %s (%s)\n", t->amount, t->from, t->to,
               asy_err_name(in->error), in->message);
    else
        printf("transfer of %d from %d to %d committed\n", t->amount, t->from, t->to);
}

int main(void) {
    static transfer transfers[3] = {{1, 2, 100, NULL, 0, ""}, {1, 2, 100, NULL, 0, ""},
                                    {2, 1, 10, NULL, 0, ""}};
    asy_rpool_factory_t factory;
    asy_rpool_opts_t opts;
    asy_rpool_stats_t st;
    int i;
    asy_loop_init(&loop, NULL);
    memset(&factory, 0, sizeof(factory));
    factory.create = connect_client;
    factory.destroy = close_client;
    memset(&opts, 0, sizeof(opts));
    opts.max = 2;
    pool = asy_rpool_new(&loop, &factory, &opts, NULL);

    for (i = 0; i < 3; i++) {
        asy_promise_t *p = asy_promise_then(asy_rpool_acquire(pool, 0), connected, NULL, &transfers[i]);
        asy_promise_on_settled(p, report, &transfers[i]);
        asy_promise_release(p);
    }
    asy_run(&loop, ASY_RUN_DEFAULT);

    asy_rpool_stats(pool, &st);
    printf("balances: account 1 = %d, account 2 = %d; pool: %zu borrowed, %zu idle\n", balance[1],
           balance[2], st.borrowed, st.available);
    asy_promise_release(asy_rpool_end(pool));
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 && st.borrowed == 0 ? 0 : 1;
}
