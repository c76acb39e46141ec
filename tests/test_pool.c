/* Thread pool: sizing, lazy threads, classes, cancellation, batching,
 * resizing at run time.  Run under `make tsan` too. */
#include "../asyncrt.h"
#include "test.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static asy_loop_t L;

static void sleep_ms(int ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

static unsigned stats_threads(void) {
    asy_pool_stats_t s;
    ASSERT_OK(asy_pool_stats(&L, &s));
    return s.threads;
}

static void noop_work(asy_work_t *w) { (void)w; }

/* ---- sizing ------------------------------------------------------------ */
TEST(pool_default_size_is_four) {
    asy_pool_stats_t s;
    unsetenv("ASYNCRT_THREADPOOL_SIZE");
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_EQ(asy_pool_size(&L), 4);
    ASSERT_OK(asy_pool_stats(&L, &s));
    ASSERT_EQ(s.size, 4);
    ASSERT_EQ(s.slow_max, 2);
    ASSERT_EQ(s.threads, 0); /* nothing started before there is work */
    ASSERT_OK(asy_loop_close(&L));
}

TEST(pool_size_from_env_and_loop_option) {
    asy_loop_opts_t o;
    setenv("ASYNCRT_THREADPOOL_SIZE", "3", 1);
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_EQ(asy_pool_size(&L), 3);
    ASSERT_OK(asy_loop_close(&L));
    memset(&o, 0, sizeof(o));
    o.threadpool_size = 6; /* the option wins over the environment */
    ASSERT_OK(asy_loop_init(&L, &o));
    ASSERT_EQ(asy_pool_size(&L), 6);
    ASSERT_OK(asy_loop_close(&L));
    setenv("ASYNCRT_THREADPOOL_SIZE", "junk", 1); /* ignored */
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_EQ(asy_pool_size(&L), 4);
    ASSERT_OK(asy_loop_close(&L));
    setenv("ASYNCRT_THREADPOOL_SIZE", "99999", 1); /* capped */
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_EQ(asy_pool_size(&L), 1024);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(pool_bad_arguments) {
    asy_work_t w;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_ERR(asy_queue_work(NULL, &w, noop_work, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_queue_work(&L, NULL, noop_work, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_queue_work(&L, &w, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_queue_work_class(&L, &w, (asy_work_class_t)7, noop_work, NULL),
               ASY_EINVAL);
    ASSERT_ERR(asy_pool_set_size(&L, 0), ASY_EINVAL);
    ASSERT_ERR(asy_pool_set_size(&L, 1025), ASY_EINVAL);
    ASSERT_ERR(asy_pool_set_size(NULL, 2), ASY_EINVAL);
    ASSERT_ERR(asy_work_cancel(NULL), ASY_EINVAL);
    ASSERT_ERR(asy_pool_stats(&L, NULL), ASY_EINVAL);
    ASSERT_EQ(asy_loop_alive(&L), 0);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- queue_work -------------------------------------------------------- */
static pthread_t loop_thread, work_thread;
static int work_ran, done_status = 1, done_count;

static void record_thread(asy_work_t *w) {
    (void)w;
    work_thread = pthread_self();
    work_ran++;
}

static void record_done(asy_work_t *w, int status) {
    ASSERT(pthread_equal(pthread_self(), loop_thread));
    ASSERT_PTR_EQ(w->data, &L);
    done_status = status;
    done_count++;
}

TEST(pool_work_on_pool_thread_done_on_loop) {
    asy_work_t w;
    loop_thread = pthread_self();
    ASSERT_OK(asy_loop_init(&L, NULL));
    w.data = &L;
    ASSERT_OK(asy_queue_work(&L, &w, record_thread, record_done));
    ASSERT_EQ(asy_loop_alive(&L), 1); /* the request keeps the loop alive */
    ASSERT_EQ(done_count, 0);         /* never synchronously */
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(work_ran, 1);
    ASSERT_EQ(done_count, 1);
    ASSERT_EQ(done_status, 0);
    ASSERT(!pthread_equal(work_thread, loop_thread));
    ASSERT_EQ(stats_threads(), 1); /* one job, one thread */
    ASSERT_OK(asy_loop_close(&L));
}

/* A serial chain of jobs reuses the one thread (lazy start). */
static int chain_left;
static void nop_work(asy_work_t *w) { (void)w; }
static void chain_done(asy_work_t *w, int status) {
    ASSERT_EQ(status, 0);
    if (--chain_left > 0) ASSERT_OK(asy_queue_work(&L, w, nop_work, chain_done));
}

TEST(pool_serial_chain_uses_one_thread) {
    asy_work_t w;
    asy_pool_stats_t s;
    ASSERT_OK(asy_loop_init(&L, NULL));
    chain_left = 2000;
    ASSERT_OK(asy_queue_work(&L, &w, nop_work, chain_done));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(chain_left, 0);
    ASSERT_OK(asy_pool_stats(&L, &s));
    ASSERT_EQ(s.threads, 1);
    ASSERT_EQ_U64(s.completed, 2000);
    ASSERT_OK(asy_loop_close(&L));
}

/* Blocking jobs: each waits until released. */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open, started, running_now, running_max;

static void gate_reset(void) {
    pthread_mutex_lock(&gate_mu);
    gate_open = 0;
    started = running_now = running_max = 0;
    pthread_mutex_unlock(&gate_mu);
}

static void gate_release(void) {
    pthread_mutex_lock(&gate_mu);
    gate_open = 1;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
}

static void gated_work(asy_work_t *w) {
    (void)w;
    pthread_mutex_lock(&gate_mu);
    started++;
    if (++running_now > running_max) running_max = running_now;
    while (!gate_open) pthread_cond_wait(&gate_cv, &gate_mu);
    running_now--;
    pthread_mutex_unlock(&gate_mu);
}

static int gate_started(void) {
    int n;
    pthread_mutex_lock(&gate_mu);
    n = started;
    pthread_mutex_unlock(&gate_mu);
    return n;
}

static void wait_started(int n) {
    int i;
    for (i = 0; i < 2000 && gate_started() < n; i++) sleep_ms(1);
    ASSERT_EQ(gate_started(), n);
}

static int statuses[64], nstatus;
static void collect_done(asy_work_t *w, int status) {
    (void)w;
    statuses[nstatus++] = status;
}

TEST(pool_threads_grow_to_size_and_no_further) {
    asy_work_t w[8];
    asy_loop_opts_t o;
    int i;
    gate_reset();
    nstatus = 0;
    memset(&o, 0, sizeof(o));
    o.threadpool_size = 3;
    ASSERT_OK(asy_loop_init(&L, &o));
    for (i = 0; i < 8; i++) ASSERT_OK(asy_queue_work(&L, &w[i], gated_work, collect_done));
    wait_started(3);
    sleep_ms(20);
    ASSERT_EQ(gate_started(), 3); /* the other 5 wait for a thread */
    ASSERT_EQ(stats_threads(), 3);
    gate_release();
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(nstatus, 8);
    ASSERT_EQ(running_max, 3);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- cancellation ------------------------------------------------------ */
static int cancelled_ran;
static void must_not_run(asy_work_t *w) {
    (void)w;
    cancelled_ran++;
}

TEST(pool_cancel_queued_work_gets_ecanceled) {
    asy_work_t blocker, q[3];
    asy_loop_opts_t o;
    gate_reset();
    nstatus = 0;
    cancelled_ran = 0;
    memset(&o, 0, sizeof(o));
    o.threadpool_size = 1;
    ASSERT_OK(asy_loop_init(&L, &o));
    ASSERT_OK(asy_queue_work(&L, &blocker, gated_work, collect_done));
    wait_started(1);
    ASSERT_OK(asy_queue_work(&L, &q[0], must_not_run, collect_done));
    ASSERT_OK(asy_queue_work(&L, &q[1], nop_work, collect_done));
    ASSERT_OK(asy_queue_work(&L, &q[2], must_not_run, collect_done));
    ASSERT_OK(asy_work_cancel(&q[0]));
    ASSERT_OK(asy_work_cancel(&q[2]));
    ASSERT_ERR(asy_work_cancel(&q[2]), ASY_EBUSY);    /* already cancelled */
    ASSERT_ERR(asy_work_cancel(&blocker), ASY_EBUSY); /* running */
    ASSERT_EQ(nstatus, 0); /* done callbacks come from the loop, later */
    /* the cancelled ones complete without waiting for the blocked thread */
    while (nstatus < 2) ASSERT(asy_run(&L, ASY_RUN_ONCE) != 0);
    ASSERT_EQ(statuses[0], ASY_ECANCELED);
    ASSERT_EQ(statuses[1], ASY_ECANCELED);
    gate_release();
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(nstatus, 4);
    ASSERT_EQ(statuses[2], 0);
    ASSERT_EQ(statuses[3], 0);
    ASSERT_EQ(cancelled_ran, 0);
    ASSERT_ERR(asy_work_cancel(&q[1]), ASY_EBUSY); /* finished */
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- classes ----------------------------------------------------------- */
static volatile int slow_now, slow_max_seen, cpu_done_while_slow_busy;
static pthread_mutex_t cls_mu = PTHREAD_MUTEX_INITIALIZER;

static void slow_work(asy_work_t *w) {
    (void)w;
    pthread_mutex_lock(&cls_mu);
    if (++slow_now > slow_max_seen) slow_max_seen = slow_now;
    pthread_mutex_unlock(&cls_mu);
    sleep_ms(40);
    pthread_mutex_lock(&cls_mu);
    slow_now--;
    pthread_mutex_unlock(&cls_mu);
}

static int slow_finished, cpu_finished, cpu_before_last_slow;
static void slow_done(asy_work_t *w, int status) {
    (void)w;
    ASSERT_EQ(status, 0);
    slow_finished++;
}
static void cpu_done(asy_work_t *w, int status) {
    (void)w;
    ASSERT_EQ(status, 0);
    cpu_finished++;
    if (slow_finished < 8) cpu_before_last_slow++;
}

TEST_T(pool_slow_io_never_takes_more_than_half, 10000) {
    asy_work_t slow[8], cpu[6];
    int i;
    asy_pool_stats_t s;
    ASSERT_OK(asy_loop_init(&L, NULL)); /* 4 threads */
    for (i = 0; i < 8; i++)
        ASSERT_OK(asy_queue_work_class(&L, &slow[i], ASY_WORK_SLOW_IO, slow_work, slow_done));
    for (i = 0; i < 6; i++)
        ASSERT_OK(asy_queue_work_class(&L, &cpu[i], i % 2 ? ASY_WORK_FAST_IO : ASY_WORK_CPU,
                                       nop_work, cpu_done));
    sleep_ms(15);
    ASSERT_OK(asy_pool_stats(&L, &s));
    ASSERT_LE(s.slow_running, 2);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(slow_finished, 8);
    ASSERT_EQ(cpu_finished, 6);
    ASSERT_EQ(slow_max_seen, 2);
    /* the saturated slow queue did not hold up the other classes */
    ASSERT_EQ(cpu_before_last_slow, 6);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(pool_slow_io_on_one_thread_pool_still_runs) {
    asy_work_t slow;
    asy_loop_opts_t o;
    memset(&o, 0, sizeof(o));
    o.threadpool_size = 1;
    slow_finished = 0;
    ASSERT_OK(asy_loop_init(&L, &o));
    ASSERT_OK(asy_queue_work_class(&L, &slow, ASY_WORK_SLOW_IO, nop_work, slow_done));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(slow_finished, 1);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- batching ---------------------------------------------------------- */
TEST(pool_completions_arrive_in_one_batch) {
    asy_work_t w[64];
    asy_loop_metrics_t m0, m1;
    int i;
    nstatus = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    for (i = 0; i < 64; i++) ASSERT_OK(asy_queue_work(&L, &w[i], nop_work, collect_done));
    /* let every job finish while the loop is not looking */
    for (i = 0; i < 2000; i++) {
        asy_pool_stats_t s;
        ASSERT_OK(asy_pool_stats(&L, &s));
        if (s.queued == 0 && s.running == 0) break;
        sleep_ms(1);
    }
    sleep_ms(5);
    ASSERT_OK(asy_loop_metrics(&L, &m0));
    ASSERT_EQ(asy_run(&L, ASY_RUN_ONCE), 0);
    ASSERT_OK(asy_loop_metrics(&L, &m1));
    ASSERT_EQ(nstatus, 64); /* all 64 done callbacks in one iteration */
    ASSERT_EQ_U64(m1.iterations - m0.iterations, 1);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- resizing ---------------------------------------------------------- */
TEST_T(pool_resize_at_run_time, 10000) {
    asy_work_t w[6];
    asy_pool_stats_t s;
    int i;
    gate_reset();
    nstatus = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_pool_set_size(&L, 2));
    ASSERT_EQ(asy_pool_size(&L), 2);
    for (i = 0; i < 6; i++) ASSERT_OK(asy_queue_work(&L, &w[i], gated_work, collect_done));
    wait_started(2);
    /* growing starts threads for the work already waiting */
    ASSERT_OK(asy_pool_set_size(&L, 5));
    wait_started(5);
    ASSERT_OK(asy_pool_stats(&L, &s));
    ASSERT_EQ(s.threads, 5);
    ASSERT_EQ(s.running, 5);
    ASSERT_EQ(s.queued, 1);
    /* shrinking: surplus threads leave once their job is done */
    ASSERT_OK(asy_pool_set_size(&L, 1));
    gate_release();
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(nstatus, 6);
    for (i = 0; i < 2000 && stats_threads() > 1; i++) sleep_ms(1);
    ASSERT_EQ(stats_threads(), 1);
    ASSERT_EQ(running_max, 5);
    /* and it still works at the new size */
    chain_left = 10;
    ASSERT_OK(asy_queue_work(&L, &w[0], nop_work, chain_done));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(chain_left, 0);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stress (for tsan) ------------------------------------------------- */
static int stress_done, stress_cancelled;
static volatile int stress_sum;
static void stress_work(asy_work_t *w) { __atomic_add_fetch(&stress_sum, (int)(intptr_t)w->data, __ATOMIC_RELAXED); }
static void stress_after(asy_work_t *w, int status) {
    (void)w;
    if (status == ASY_ECANCELED) stress_cancelled++;
    else stress_done++;
}

TEST_T(pool_stress_many_jobs_with_cancels, 30000) {
    enum { N = 20000 };
    asy_work_t *w = (asy_work_t *)calloc(N, sizeof(asy_work_t));
    int i, expect = 0, cancels = 0;
    ASSERT_NOT_NULL(w);
    ASSERT_OK(asy_loop_init(&L, NULL));
    for (i = 0; i < N; i++) {
        w[i].data = (void *)(intptr_t)1;
        ASSERT_OK(asy_queue_work_class(&L, &w[i], (asy_work_class_t)(i % 3), stress_work,
                                       stress_after));
        if (i % 7 == 3 && asy_work_cancel(&w[i - 2]) == 0) cancels++;
        if (i % 1000 == 999) asy_run(&L, ASY_RUN_NOWAIT);
    }
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    expect = N - cancels;
    ASSERT_EQ(stress_cancelled, cancels);
    ASSERT_EQ(stress_done, expect);
    ASSERT_EQ(__atomic_load_n(&stress_sum, __ATOMIC_RELAXED), expect);
    ASSERT_OK(asy_loop_close(&L));
    free(w);
}

/* Closing the loop joins the pool's threads, parked or spinning. */
TEST(pool_loop_close_joins_threads) {
    asy_work_t w[4];
    int i;
    nstatus = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    for (i = 0; i < 4; i++) ASSERT_OK(asy_queue_work(&L, &w[i], nop_work, collect_done));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(nstatus, 4);
    ASSERT_EQ(asy_loop_print_handles(&L, NULL), 0); /* internal handles are not listed */
    ASSERT_OK(asy_loop_close(&L));
    /* a new loop on the same struct works */
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_queue_work(&L, &w[0], nop_work, collect_done));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(nstatus, 5);
    ASSERT_OK(asy_loop_close(&L));
}

/* Two loops, two pools: a blocked pool does not hold up the other. */
TEST(pool_is_per_loop) {
    asy_loop_t a, b;
    asy_work_t wa, wb;
    asy_loop_opts_t o;
    memset(&o, 0, sizeof(o));
    o.threadpool_size = 1;
    gate_reset();
    nstatus = 0;
    ASSERT_OK(asy_loop_init(&a, &o));
    ASSERT_OK(asy_loop_init(&b, &o));
    ASSERT_OK(asy_queue_work(&a, &wa, gated_work, collect_done));
    wait_started(1);
    ASSERT_OK(asy_queue_work(&b, &wb, nop_work, collect_done));
    ASSERT_EQ(asy_run(&b, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(nstatus, 1);
    gate_release();
    ASSERT_EQ(asy_run(&a, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(nstatus, 2);
    ASSERT_OK(asy_loop_close(&a));
    ASSERT_OK(asy_loop_close(&b));
}

/* asy_run ONCE returns once a completion has been delivered, even while
 * other work stays in flight (whichever phase delivered it). */
TEST_T(pool_run_once_returns_after_a_completion, 10000) {
    asy_work_t blocker, quick;
    int i;
    gate_reset();
    nstatus = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_queue_work_class(&L, &blocker, ASY_WORK_SLOW_IO, gated_work, collect_done));
    wait_started(1);
    for (i = 0; i < 50; i++) {
        int before = nstatus;
        ASSERT_OK(asy_queue_work(&L, &quick, nop_work, collect_done));
        while (nstatus == before) ASSERT_EQ(asy_run(&L, ASY_RUN_ONCE), 1);
        ASSERT_EQ(nstatus, before + 1);
    }
    gate_release();
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(nstatus, 51);
    ASSERT_OK(asy_loop_close(&L));
}
