/* The seed's pool section against a real PostgreSQL: pg.Pool is asy_rpool,
 * the connections are libpq's, driven through its non-blocking API on
 * asyncrt poll handles, and the code is written with await.
 *
 *   const pool = new pg.Pool({ max: 20, idleTimeoutMillis: 30000,
 *                              connectionTimeoutMillis: 2000 });
 *   async function handleRequest(req) {
 *     const conn = await pool.acquire();
 *     try { return await conn.query("SELECT * FROM users WHERE id = $1", [req.userId]); }
 *     finally { pool.release(conn); }                   // always return to pool
 *   }
 *   const client = await pool.connect();                // the transaction
 *   try {
 *     await client.query("BEGIN");
 *     await client.query("UPDATE accounts SET balance = balance - $1 WHERE id = $2", [100, 1]);
 *     await client.query("UPDATE accounts SET balance = balance + $1 WHERE id = $2", [100, 2]);
 *     await client.query("COMMIT");
 *   } catch (err) { await client.query("ROLLBACK"); throw err; }
 *   finally { client.release(); }                       // return to pool, NOT close
 *   await pool.end();
 *
 *   pg_pool [REQUESTS [MAX]]      (defaults: 200 requests, max 20 connections)
 *
 * The server comes from DATABASE_URL (a libpq conninfo string or a
 * postgresql:// URI), else from libpq's defaults (PGHOST, PGPORT, PGUSER,
 * PGDATABASE...).  The program creates its own tables, runs REQUESTS
 * requests at once, each a handleRequest (one SELECT) followed by a
 * transfer transaction, plus one transfer that must roll back (it would
 * overdraw an account), then checks every row it read and the final
 * balances, prints one summary line and exits 0 only if all of it checks
 * out.  libpq is used here only, never by the library. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static asy_loop_t loop;
static asy_rpool_t *pool;
static const char *conninfo;
static int opened, open_now, open_max;

/* ---- a connection: libpq on a poll handle -------------------------------- */
typedef struct {
    PGconn *pg;
    asy_poll_t *poll; /* on PQsocket(pg), which may change while connecting */
    int fd;
    int connecting;     /* else: a query is in flight when p is set */
    int flushing;       /* the query is not all sent yet */
    asy_promise_t *p;   /* the operation in flight */
    PGresult *result;   /* a query's result so far */
    asy_timer_id_t deadline;
} pg_conn;

static void free_poll(asy_handle_t *h) { free(h); }

static void drop_poll(pg_conn *c) {
    if (!c->poll) return;
    asy_poll_stop(c->poll);
    asy_close((asy_handle_t *)c->poll, free_poll);
    c->poll = NULL;
}

static void on_io(asy_poll_t *h, int status, unsigned events);

/* Waits for events on the connection's current socket. */
static int wait_for(pg_conn *c, unsigned events) {
    int fd = PQsocket(c->pg);
    if (fd < 0) return ASY_EBADF;
    if (c->poll && c->fd != fd) drop_poll(c);
    if (!c->poll) {
        int err;
        if (!(c->poll = (asy_poll_t *)calloc(1, sizeof(*c->poll)))) return ASY_ENOMEM;
        if ((err = asy_poll_init(&loop, c->poll, fd)) != 0) {
            free(c->poll);
            c->poll = NULL;
            return err;
        }
        c->poll->data = c;
        c->fd = fd;
    }
    return asy_poll_start(c->poll, events, on_io);
}

/* Settles the operation in flight (the promise's reference goes). */
static void finish(pg_conn *c, asy_ret_t ret) {
    asy_promise_t *p = c->p;
    c->p = NULL;
    if (c->poll) asy_poll_stop(c->poll);
    asy_promise_settle(p, ret);
    asy_promise_release(p);
}

/* A rejection carrying libpq's message. */
static asy_ret_t pq_error(const char *what, const char *pq_message) {
    char msg[512];
    snprintf(msg, sizeof(msg), "%s: %s", what, pq_message);
    msg[strcspn(msg, "\n")] = 0;
    return asy_fail(ASY_EIO, msg);
}

static void conn_free(pg_conn *c) {
    drop_poll(c);
    PQclear(c->result);
    PQfinish(c->pg);
    free(c);
}

/* A connection that never came up is nobody's: it goes here. */
static void connect_failed(pg_conn *c, asy_ret_t ret) {
    asy_clear_timer(&loop, c->deadline);
    finish(c, ret);
    conn_free(c);
}

static void connect_step(pg_conn *c, PostgresPollingStatusType st) {
    int err = 0;
    switch (st) {
    case PGRES_POLLING_OK:
        asy_clear_timer(&loop, c->deadline);
        c->connecting = 0;
        if (PQsetnonblocking(c->pg, 1) != 0) {
            connect_failed(c, pq_error("PQsetnonblocking", PQerrorMessage(c->pg)));
            return;
        }
        opened++;
        if (++open_now > open_max) open_max = open_now;
        finish(c, asy_ok(c));
        return;
    case PGRES_POLLING_READING:
        err = wait_for(c, ASY_READABLE);
        break;
    case PGRES_POLLING_WRITING:
        err = wait_for(c, ASY_WRITABLE);
        break;
    default:
        connect_failed(c, pq_error("connect", PQerrorMessage(c->pg)));
        return;
    }
    if (err) connect_failed(c, asy_fail(err, "connect: poll"));
}

static void clear_result(void *r) { PQclear((PGresult *)r); }

/* Reads what arrived; settles the query once libpq has all its results. */
static void query_input(pg_conn *c) {
    PGresult *r;
    if (!PQconsumeInput(c->pg)) {
        finish(c, pq_error("query", PQerrorMessage(c->pg)));
        return;
    }
    while (!PQisBusy(c->pg)) {
        if (!(r = PQgetResult(c->pg))) { /* the command is complete */
            PGresult *res = c->result;
            ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
            c->result = NULL;
            if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
                finish(c, asy_ok_owned(res, clear_result));
            } else {
                asy_ret_t ret = pq_error("query", res ? PQresultErrorMessage(res) : "no result");
                PQclear(res);
                finish(c, ret);
            }
            return;
        }
        PQclear(c->result); /* keep the last result of the command */
        c->result = r;
    }
    if (wait_for(c, ASY_READABLE) != 0) finish(c, asy_fail(ASY_EIO, "query: poll"));
}

/* Sends what libpq has queued (waiting for writability while the socket
 * is full, reading meanwhile, as libpq asks), then reads the answer. */
static void query_flush(pg_conn *c) {
    int r = PQflush(c->pg);
    c->flushing = r == 1;
    if (r < 0) finish(c, pq_error("send", PQerrorMessage(c->pg)));
    else if (r == 1) {
        if (wait_for(c, ASY_READABLE | ASY_WRITABLE) != 0) finish(c, asy_fail(ASY_EIO, "send: poll"));
    } else {
        query_input(c); /* input read while flushing may hold the whole answer */
    }
}

static void on_io(asy_poll_t *h, int status, unsigned events) {
    pg_conn *c = (pg_conn *)h->data;
    if (!c->p) return; /* nothing in flight */
    if (c->connecting) {
        if (status < 0) connect_failed(c, asy_fail(status, "connect: socket"));
        else connect_step(c, PQconnectPoll(c->pg));
        return;
    }
    if (status < 0) {
        finish(c, asy_fail(status, "socket"));
    } else if (c->flushing) {
        if ((events & ASY_READABLE) && !PQconsumeInput(c->pg))
            finish(c, pq_error("query", PQerrorMessage(c->pg)));
        else
            query_flush(c);
    } else {
        query_input(c); /* readable, or hung up: libpq tells which */
    }
}

static void connect_timed_out(void *arg) {
    pg_conn *c = (pg_conn *)arg;
    c->deadline.id = 0;
    connect_failed(c, asy_fail(ASY_ETIMEDOUT, "connect: timed out after 2 s"));
}

static void ignore_notice(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

/* A promise of a connected pg_conn (connectionTimeoutMillis: 2000). */
static asy_promise_t *pg_connect(void) {
    pg_conn *c = (pg_conn *)calloc(1, sizeof(*c));
    asy_promise_t *p;
    if (!c) return asy_promise_rejected(&loop, ASY_ENOMEM, NULL);
    c->connecting = 1;
    if (!(c->p = asy_promise_new(&loop))) {
        free(c);
        return NULL;
    }
    p = asy_promise_retain(c->p);
    c->pg = PQconnectStart(conninfo);
    if (!c->pg) {
        connect_failed(c, asy_fail(ASY_ENOMEM, "PQconnectStart"));
    } else if (PQstatus(c->pg) == CONNECTION_BAD) {
        connect_failed(c, pq_error("connect", PQerrorMessage(c->pg)));
    } else {
        PQsetNoticeProcessor(c->pg, ignore_notice, NULL); /* "table ... does not exist, skipping" */
        c->deadline = asy_set_timeout(&loop, connect_timed_out, c, 2000);
        /* libpq: begin as if PQconnectPoll had returned PGRES_POLLING_WRITING */
        connect_step(c, PGRES_POLLING_WRITING);
    }
    return p;
}

/* conn.query(sql, params): a promise of the PGresult (owned by the promise). */
static asy_promise_t *pg_query(pg_conn *c, const char *sql, int n, const char *const *params) {
    asy_promise_t *p;
    if (c->p) return asy_promise_rejected(&loop, ASY_EBUSY, "a query is in flight");
    c->p = asy_promise_new(&loop);
    p = asy_promise_retain(c->p);
    if (!PQsendQueryParams(c->pg, sql, n, NULL, params, NULL, NULL, 0))
        finish(c, pq_error("send", PQerrorMessage(c->pg)));
    else
        query_flush(c);
    return p;
}

/* await conn.query(...): 0 and the result, or the error (printed). */
static int query(pg_conn *c, asy_promise_t **keep, const char *sql, int n,
                 const char *const *params) {
    void *v;
    int err;
    *keep = pg_query(c, sql, n, params);
    err = asy_await(*keep, &v);
    return err;
}

static int exec(pg_conn *c, const char *sql) {
    asy_promise_t *p;
    int err = query(c, &p, sql, 0, NULL);
    if (err) fprintf(stderr, "pg_pool: %s: %s\n", sql, asy_promise_result(p)->message);
    asy_promise_release(p);
    return err;
}

/* ---- the pool's factory ---------------------------------------------------- */
static asy_ret_t create_conn(void *ctx) {
    (void)ctx;
    return asy_chain(pg_connect());
}

static asy_ret_t destroy_conn(void *ctx, void *resource) {
    (void)ctx;
    open_now--;
    conn_free((pg_conn *)resource);
    return asy_ok(NULL);
}

/* ---- the seed's code ----------------------------------------------------- */
static int rows_ok, rows_bad, committed, rolled_back, failed;

/* handleRequest(req): acquire, SELECT the user, always release. */
static int handle_request(int user_id) {
    asy_promise_t *acq = asy_rpool_acquire(pool, 0), *rows;
    char id[16], want[32];
    const char *params[1];
    void *conn;
    int err = asy_await(acq, &conn); /* const conn = await pool.acquire() */
    asy_promise_release(acq);
    if (err) return err;
    snprintf(id, sizeof(id), "%d", user_id);
    params[0] = id;
    /* try { return await conn.query("SELECT * FROM users WHERE id = $1", [req.userId]) } */
    err = query((pg_conn *)conn, &rows, "SELECT id, name FROM asyncrt_pg_users WHERE id = $1", 1,
                params);
    asy_rpool_release(pool, conn); /* finally { pool.release(conn) } */
    if (!err) {
        PGresult *r = (PGresult *)asy_promise_result(rows)->value;
        snprintf(want, sizeof(want), "user-%d", user_id);
        if (PQntuples(r) == 1 && atoi(PQgetvalue(r, 0, 0)) == user_id &&
            strcmp(PQgetvalue(r, 0, 1), want) == 0)
            rows_ok++;
        else
            rows_bad++;
    }
    asy_promise_release(rows);
    return err;
}

/* The transaction: move amount from one account to another, or roll back. */
static int transfer(int amount, int from, int to) {
    asy_promise_t *acq = asy_rpool_acquire(pool, 0), *q = NULL;
    char a[16], f[16], t[16];
    const char *debit[2], *credit[2];
    void *v;
    pg_conn *client;
    int err = asy_await(acq, &v); /* const client = await pool.connect() */
    asy_promise_release(acq);
    if (err) return err;
    client = (pg_conn *)v;
    snprintf(a, sizeof(a), "%d", amount);
    snprintf(f, sizeof(f), "%d", from);
    snprintf(t, sizeof(t), "%d", to);
    debit[0] = credit[0] = a;
    debit[1] = f;
    credit[1] = t;
    if (!(err = exec(client, "BEGIN"))) {
        err = query(client, &q, "UPDATE asyncrt_pg_accounts SET balance = balance - $1 WHERE id = $2",
                    2, debit);
        if (err && from != 3) /* 3's overdraft is the one that must fail */
            fprintf(stderr, "pg_pool: debit: %s\n", asy_promise_result(q)->message);
        asy_promise_release(q);
        if (!err) {
            err = query(client, &q,
                        "UPDATE asyncrt_pg_accounts SET balance = balance + $1 WHERE id = $2", 2,
                        credit);
            if (err) fprintf(stderr, "pg_pool: credit: %s\n", asy_promise_result(q)->message);
            asy_promise_release(q);
        }
        if (!err) err = exec(client, "COMMIT");
        else if (exec(client, "ROLLBACK") == 0) err = 1; /* catch: rolled back, rethrow */
    }
    asy_rpool_release(pool, client); /* finally { client.release() } */
    return err;
}

static asy_ret_t request(void *arg) {
    int i = (int)(intptr_t)arg, err = handle_request(i);
    if (err) {
        fprintf(stderr, "pg_pool: request %d: handleRequest: %s\n", i, asy_strerror(err));
        failed++;
        return asy_fail(err, NULL);
    }
    /* 1 + i % 7 from account 1 to account 2: every one commits */
    if ((err = transfer(1 + i % 7, 1, 2)) != 0) {
        fprintf(stderr, "pg_pool: request %d: transfer: %s\n", i,
                err < 0 ? asy_strerror(err) : "rolled back");
        failed++;
        return asy_fail(err < 0 ? err : ASY_EIO, NULL);
    }
    committed++;
    return asy_ok(NULL);
}

static asy_ret_t overdraw(void *arg) {
    (void)arg;
    /* account 3 holds 50 and may not go negative: the first UPDATE fails,
     * the transaction rolls back */
    if (transfer(100, 3, 2) == 1) rolled_back++;
    else failed++;
    return asy_ok(NULL);
}

static int requests = 200, expected_moved;

static int setup(void) {
    asy_promise_t *acq = asy_rpool_acquire(pool, 0);
    char sql[256];
    void *v;
    pg_conn *c;
    int err = asy_await(acq, &v);
    if (err) {
        const char *msg = asy_promise_result(acq)->message;
        fprintf(stderr, "pg_pool: cannot connect: %s\n", msg ? msg : asy_strerror(err));
        asy_promise_release(acq);
        return err;
    }
    asy_promise_release(acq);
    c = (pg_conn *)v;
    err = exec(c, "DROP TABLE IF EXISTS asyncrt_pg_users, asyncrt_pg_accounts");
    if (!err) err = exec(c, "CREATE TABLE asyncrt_pg_users (id int PRIMARY KEY, name text NOT NULL)");
    if (!err) {
        snprintf(sql, sizeof(sql),
                 "INSERT INTO asyncrt_pg_users SELECT g, 'user-' || g FROM generate_series(1, %d) g",
                 requests);
        err = exec(c, sql);
    }
    if (!err)
        err = exec(c, "CREATE TABLE asyncrt_pg_accounts (id int PRIMARY KEY, "
                      "balance int NOT NULL CHECK (balance >= 0))");
    if (!err)
        err = exec(c, "INSERT INTO asyncrt_pg_accounts VALUES (1, 1000000), (2, 0), (3, 50)");
    asy_rpool_release(pool, c);
    return err;
}

/* The balances after every transfer: 1 and 2 moved by exactly what the
 * committed transfers moved, 3 untouched by its rolled-back one. */
static int balances_ok(void) {
    asy_promise_t *acq = asy_rpool_acquire(pool, 0), *q;
    void *v;
    int err = asy_await(acq, &v), ok = 0;
    asy_promise_release(acq);
    if (err) return 0;
    if (query((pg_conn *)v, &q, "SELECT id, balance FROM asyncrt_pg_accounts ORDER BY id", 0,
              NULL) == 0) {
        PGresult *r = (PGresult *)asy_promise_result(q)->value;
        ok = PQntuples(r) == 3 && atoi(PQgetvalue(r, 0, 1)) == 1000000 - expected_moved &&
             atoi(PQgetvalue(r, 1, 1)) == expected_moved && atoi(PQgetvalue(r, 2, 1)) == 50;
    }
    asy_promise_release(q);
    asy_rpool_release(pool, v);
    return ok;
}

static int exit_code = 1;

static asy_ret_t run_all(void *arg) {
    asy_promise_t **all, *end, *every;
    int i, ok_balances;
    (void)arg;
    if (setup() != 0) {
        end = asy_rpool_end(pool);
        asy_await(end, NULL);
        asy_promise_release(end);
        printf("pg_pool: setup failed, no requests run\n");
        return asy_ok(NULL);
    }
    all = (asy_promise_t **)calloc((size_t)requests + 1, sizeof(*all));
    for (i = 0; i < requests; i++) {
        all[i] = asy_async(&loop, request, (void *)(intptr_t)(i + 1), NULL);
        expected_moved += 1 + (i + 1) % 7;
    }
    all[requests] = asy_async(&loop, overdraw, NULL, NULL);
    every = asy_promise_all_settled(&loop, all, (size_t)requests + 1);
    asy_await(every, NULL); /* await Promise.allSettled(requests) */
    asy_promise_release(every);
    for (i = 0; i <= requests; i++) asy_promise_release(all[i]);
    free(all);
    ok_balances = balances_ok();
    end = asy_rpool_end(pool); /* await pool.end() */
    asy_await(end, NULL);
    asy_promise_release(end);
    printf("pg_pool: %d requests, %d rows ok, %d bad, %d transfers committed, %d rolled back, "
           "%d failed, balances %s, %d connections opened (at most %d at once), %d still open\n",
           requests, rows_ok, rows_bad, committed, rolled_back, failed,
           ok_balances ? "ok" : "WRONG", opened, open_max, open_now);
    if (rows_ok == requests && rows_bad == 0 && committed == requests && rolled_back == 1 &&
        failed == 0 && ok_balances && open_now == 0)
        exit_code = 0;
    return asy_ok(NULL);
}

int main(int argc, char **argv) {
    asy_rpool_factory_t factory;
    asy_rpool_opts_t opts;
    asy_promise_t *done;
    int max = 20;
    if (argc > 1) requests = atoi(argv[1]);
    if (argc > 2) max = atoi(argv[2]);
    if (argc > 3 || requests < 1 || requests > 1000000 || max < 1 || max > 1000) {
        fprintf(stderr, "usage: pg_pool [REQUESTS [MAX]]   (server: DATABASE_URL or PG*)\n");
        return 2;
    }
    conninfo = getenv("DATABASE_URL");
    if (!conninfo) conninfo = ""; /* libpq's defaults: PGHOST, PGPORT, PGUSER... */
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    memset(&factory, 0, sizeof(factory));
    factory.create = create_conn;
    factory.destroy = destroy_conn;
    memset(&opts, 0, sizeof(opts));
    opts.max = (size_t)max;        /* max: 20 */
    opts.idle_timeout_ms = 30000;  /* idleTimeoutMillis: 30000 */
    /* A connect that fails (or passes the 2 s) is tried twice more, 100
     * then 200 ms later, before a waiting request gets the error: a
     * loaded machine (or a sanitizer build) can be slow to log in. */
    opts.create_retries = 2;
    /* connectionTimeoutMillis (2000) bounds each connect, in pg_connect.
     * A request queued behind REQUESTS others waits its turn, as in pg. */
    pool = asy_rpool_new(&loop, &factory, &opts, NULL);
    if (!pool) return 1;
    done = asy_async(&loop, run_all, NULL, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_promise_release(done);
    if (asy_loop_close(&loop) != 0) return 1;
    return exit_code;
}
