/* base/thread: mutexes, conditions, threads, once and atomics, on POSIX
 * and (make test-windows) on Win32.  A private copy of the implementation
 * (ASYNCRT_STATIC) gives the tests the asy__ functions. */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "test.h"

enum { TH_THREADS = 4, TH_ROUNDS = 20000 };

typedef struct {
    asy__mutex_t mu;
    asy__cond_t cond;
    long plain;   /* under mu */
    long atomic;  /* atomics only */
    int started;  /* under mu */
    int go;       /* under mu */
} th_shared;

static void th_count(void *arg) {
    th_shared *s = (th_shared *)arg;
    int i;
    asy__mutex_lock(&s->mu);
    s->started++;
    asy__cond_broadcast(&s->cond);
    while (!s->go) asy__cond_wait(&s->cond, &s->mu);
    asy__mutex_unlock(&s->mu);
    for (i = 0; i < TH_ROUNDS; i++) {
        asy__mutex_lock(&s->mu);
        s->plain++;
        asy__mutex_unlock(&s->mu);
        asy__atomic_add(&s->atomic, 1, ASY__RELAXED);
    }
}

TEST(internal_thread_mutex_cond_atomics_count_exactly) {
    th_shared s;
    asy__thread_t t[TH_THREADS];
    int i;
    memset(&s, 0, sizeof(s));
    ASSERT_EQ(asy__mutex_init(&s.mu), 0);
    ASSERT_EQ(asy__cond_init(&s.cond), 0);
    for (i = 0; i < TH_THREADS; i++) ASSERT_EQ(asy__thread_create(&t[i], NULL, th_count, &s), 0);
    /* every thread parks on the condition before any counts */
    asy__mutex_lock(&s.mu);
    while (s.started < TH_THREADS) asy__cond_wait(&s.cond, &s.mu);
    s.go = 1;
    asy__cond_broadcast(&s.cond);
    asy__mutex_unlock(&s.mu);
    for (i = 0; i < TH_THREADS; i++) ASSERT_EQ(asy__thread_join(t[i]), 0);
    ASSERT_EQ(s.plain, (long)TH_THREADS * TH_ROUNDS);
    ASSERT_EQ(asy__atomic_load(&s.atomic, ASY__SEQ_CST), (long)TH_THREADS * TH_ROUNDS);
    asy__cond_destroy(&s.cond);
    asy__mutex_destroy(&s.mu);
}

TEST(internal_thread_trylock_and_timedwait) {
    asy__mutex_t mu;
    asy__cond_t c;
    uint64_t t0, waited;
    ASSERT_EQ(asy__mutex_init_adaptive(&mu), 0);
    ASSERT_EQ(asy__cond_init(&c), 0);
    ASSERT_EQ(asy__mutex_trylock(&mu), 0);
    asy__mutex_unlock(&mu);
    asy__mutex_lock(&mu);
    t0 = asy_hrtime();
    /* nobody signals: the wait ends by its timeout (a spurious wake-up
     * returns 0, so wait again until the time is up) */
    while (asy__cond_timedwait(&c, &mu, 20000000u) != ASY_ETIMEDOUT) {
        ASSERT(asy_hrtime() - t0 < 5000000000u);
    }
    waited = asy_hrtime() - t0;
    ASSERT(waited >= 19000000u);
    asy__mutex_unlock(&mu);
    asy__cond_destroy(&c);
    asy__mutex_destroy(&mu);
}

typedef struct {
    asy__mutex_t *mu;
    int result;
} th_try;

static void th_trylock(void *arg) {
    th_try *t = (th_try *)arg;
    t->result = asy__mutex_trylock(t->mu);
    if (t->result == 0) asy__mutex_unlock(t->mu);
}

TEST(internal_thread_trylock_busy_from_another_thread) {
    asy__mutex_t mu;
    asy__thread_t t;
    th_try arg;
    ASSERT_EQ(asy__mutex_init(&mu), 0);
    asy__mutex_lock(&mu);
    arg.mu = &mu;
    arg.result = 1;
    ASSERT_EQ(asy__thread_create(&t, NULL, th_trylock, &arg), 0);
    ASSERT_EQ(asy__thread_join(t), 0);
    ASSERT_EQ(arg.result, ASY_EBUSY);
    asy__mutex_unlock(&mu);
    asy__mutex_destroy(&mu);
}

static asy__once_t th_once = ASY__ONCE_INIT;
static int th_once_runs;

static void th_once_fn(void) { asy__atomic_add(&th_once_runs, 1, ASY__SEQ_CST); }
static void th_call_once(void *arg) {
    (void)arg;
    asy__once(&th_once, th_once_fn);
}

TEST(internal_thread_once_runs_once) {
    asy__thread_t t[TH_THREADS];
    int i;
    for (i = 0; i < TH_THREADS; i++) ASSERT_EQ(asy__thread_create(&t[i], NULL, th_call_once, NULL), 0);
    th_call_once(NULL);
    for (i = 0; i < TH_THREADS; i++) ASSERT_EQ(asy__thread_join(t[i]), 0);
    ASSERT_EQ(th_once_runs, 1);
}

/* Deep recursion that only a big stack survives; volatile keeps the frames. */
static int th_deep(int n) {
    volatile char pad[1024];
    pad[0] = (char)n;
    if (n == 0) return pad[0];
    return th_deep(n - 1) + pad[0] - (char)n;
}

static void th_big_stack(void *arg) { *(int *)arg = th_deep(12000) == 0 ? 1 : 2; }

TEST(internal_thread_stack_size_option) {
    asy__thread_t t;
    asy__thread_opts o;
    int ok = 0;
    memset(&o, 0, sizeof(o));
    o.stack_size = 64u << 20; /* ~12 MB of frames: more than any default stack */
    o.flags = ASY__THREAD_BLOCK_SIGNALS;
    ASSERT_EQ(asy__thread_create(&t, &o, th_big_stack, &ok), 0);
    ASSERT_EQ(asy__thread_join(t), 0);
    ASSERT_EQ(ok, 1);
    ASSERT_EQ(asy__thread_create(NULL, &o, th_big_stack, &ok), ASY_EINVAL);
    ASSERT_EQ(asy__thread_create(&t, &o, NULL, &ok), ASY_EINVAL);
}

#if ASYNCRT_OS_POSIX
static void th_read_mask(void *arg) {
    sigset_t cur;
    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    *(int *)arg = sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGTERM);
}

TEST(internal_thread_block_signals_flag) {
    asy__thread_t t;
    asy__thread_opts o;
    int blocked = -1;
    sigset_t cur;
    memset(&o, 0, sizeof(o));
    o.flags = ASY__THREAD_BLOCK_SIGNALS;
    ASSERT_EQ(asy__thread_create(&t, &o, th_read_mask, &blocked), 0);
    ASSERT_EQ(asy__thread_join(t), 0);
    ASSERT_EQ(blocked, 1);
    /* the creator's own mask is back as it was */
    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    ASSERT(!sigismember(&cur, SIGUSR1));
    ASSERT_EQ(asy__thread_create(&t, NULL, th_read_mask, &blocked), 0);
    ASSERT_EQ(asy__thread_join(t), 0);
    ASSERT_EQ(blocked, 0);
}
#endif

TEST(internal_atomics_semantics) {
    unsigned u = 5;
    uint64_t w = 1;
    void *p = NULL, *expect = NULL;
    int x = 0;
    ASSERT_EQ(asy__atomic_add(&u, 2, ASY__RELAXED), 7);
    ASSERT_EQ(asy__atomic_sub(&u, 3, ASY__RELAXED), 4);
    ASSERT_EQ(asy__atomic_fetch_add(&u, 1, ASY__RELAXED), 4);
    ASSERT_EQ(asy__atomic_fetch_sub(&u, 1, ASY__RELAXED), 5);
    ASSERT_EQ(asy__atomic_fetch_or(&w, (uint64_t)1 << 40, ASY__SEQ_CST), 1);
    ASSERT(w == (((uint64_t)1 << 40) | 1));
    ASSERT_EQ(asy__atomic_fetch_and(&w, 1, ASY__SEQ_CST) >> 40, 1);
    ASSERT_EQ(asy__atomic_fetch_xor(&w, 3, ASY__SEQ_CST), 1);
    ASSERT_EQ(w, 2);
    ASSERT_EQ(asy__atomic_exchange(&u, 9, ASY__ACQ_REL), 4);
    ASSERT(asy__atomic_cas(&p, &expect, (void *)&x, ASY__SEQ_CST, ASY__RELAXED));
    ASSERT(p == (void *)&x);
    expect = NULL;
    ASSERT(!asy__atomic_cas(&p, &expect, (void *)&u, ASY__SEQ_CST, ASY__RELAXED));
    ASSERT(expect == (void *)&x); /* a failed swap reports what it found */
    asy__atomic_store(&x, 3, ASY__RELEASE);
    ASSERT_EQ(asy__atomic_load(&x, ASY__ACQUIRE), 3);
}
