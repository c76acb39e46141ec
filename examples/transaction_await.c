/* The seed's pg transaction with await: the twin of transaction.c (same
 * output), in the seed's own shape.
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
 * The simulated database is transaction.c's.  Three transfers run at once
 * on a pool of 2 connections: two move 100 out of an account holding 150,
 * so one of them must roll back. */
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
} transfer;

/* await client.query(...): 0 or the error, whose message goes to *message */
static int run(db_client *c, const char *sql, int amount, int account, char *message) {
    asy_promise_t *p = query(c, sql, amount, account);
    int err = asy_await(p, NULL);
    if (err) snprintf(message, 64, "%s", asy_promise_result(p)->message);
    asy_promise_release(p);
    return err;
}

static asy_ret_t do_transfer(void *arg) {
    transfer *t = (transfer *)arg;
    asy_promise_t *connecting = asy_rpool_acquire(pool, 0);
    db_client *client;
    void *v;
    char message[64];
    int err = asy_await(connecting, &v); /* const client = await pool.connect() */
    asy_promise_release(connecting);
    if (err) return asy_fail(err, NULL);
    client = (db_client *)v;
    /* try { ... } */
    if ((err = run(client, "BEGIN", 0, 0, message)) == 0 &&
        (err = run(client, "UPDATE accounts SET balance = balance - $1 WHERE id = $2", -t->amount,
                   t->from, message)) == 0 &&
        (err = run(client, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", t->amount,
                   t->to, message)) == 0)
        err = run(client, "COMMIT", 0, 0, message);
    if (err) { /* catch (err) { await client.query("ROLLBACK"); throw err; } */
        char ignored[64];
        run(client, "ROLLBACK", 0, 0, ignored);
    }
    asy_rpool_release(pool, client); /* finally { client.release() } */
    if (err) {
        printf("transfer of %d from %d to %d rolled back: %s (%s)\n", t->amount, t->from, t->to,
               asy_err_name(err), message);
        return asy_fail(err, message);
    }
    printf("transfer of %d from %d to %d committed\n", t->amount, t->from, t->to);
    return asy_ok(NULL);
}

int main(void) {
    static transfer transfers[3] = {{1, 2, 100}, {1, 2, 100}, {2, 1, 10}};
    asy_rpool_factory_t factory;
    asy_rpool_opts_t opts;
    asy_rpool_stats_t st;
    asy_promise_t *p[3];
    int i;
    asy_loop_init(&loop, NULL);
    memset(&factory, 0, sizeof(factory));
    factory.create = connect_client;
    factory.destroy = close_client;
    memset(&opts, 0, sizeof(opts));
    opts.max = 2;
    pool = asy_rpool_new(&loop, &factory, &opts, NULL);

    for (i = 0; i < 3; i++) {
        p[i] = asy_async(&loop, do_transfer, &transfers[i], NULL);
        asy_promise_mark_handled(p[i]); /* a rollback was printed */
    }
    asy_run(&loop, ASY_RUN_DEFAULT);
    for (i = 0; i < 3; i++) asy_promise_release(p[i]);

    asy_rpool_stats(pool, &st);
    printf("balances: account 1 = %d, account 2 = %d; pool: %zu borrowed, %zu idle\n", balance[1],
           balance[2], st.borrowed, st.available);
    asy_promise_release(asy_rpool_end(pool));
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 && st.borrowed == 0 ? 0 : 1;
}
