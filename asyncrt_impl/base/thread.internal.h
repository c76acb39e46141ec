/* Threads, locks, one-time initialisation and atomics: the one place the
 * implementation names pthreads or Win32 threads (docs/design.md,
 * "Threads and atomics").  Private (asy__) and in the implementation part
 * so asyncrt.h's declarations pull in no thread headers.
 *
 * Errors are negative codes like everywhere else.  Lock, unlock, signal
 * and wait cannot fail on correct use (pthreads reports only misuse
 * there), so they return nothing.
 *
 * Atomics are the GCC/clang __atomic builtins (mingw-w64 included) on
 * plain objects: C11's <stdatomic.h> would need _Atomic objects and does
 * not compile as C++, which the implementation must. */
#pragma once
#include "sys.internal.h"
#if !defined(__GNUC__) && !defined(__clang__)
#error "asyncrt: the implementation needs the GCC/clang __atomic builtins (gcc, clang, mingw-w64)"
#endif

#if ASYNCRT_OS_WINDOWS
typedef SRWLOCK asy__mutex_t;
typedef CONDITION_VARIABLE asy__cond_t;
typedef HANDLE asy__thread_t;
typedef INIT_ONCE asy__once_t;
#define ASY__MUTEX_INITIALIZER SRWLOCK_INIT
#define ASY__ONCE_INIT INIT_ONCE_STATIC_INIT
#else
#include <sched.h>
typedef pthread_mutex_t asy__mutex_t;
typedef pthread_cond_t asy__cond_t;
typedef pthread_t asy__thread_t;
typedef pthread_once_t asy__once_t;
#define ASY__MUTEX_INITIALIZER PTHREAD_MUTEX_INITIALIZER
#define ASY__ONCE_INIT PTHREAD_ONCE_INIT
#endif

/* ---- mutexes ---------------------------------------------------------- */
ASY__INTERNAL int asy__mutex_init(asy__mutex_t *m);
/* For locks held a few dozen instructions at a time by several threads:
 * glibc's adaptive mutex spins a little before sleeping (elsewhere, and on
 * Windows where SRW locks already spin, the same as asy__mutex_init). */
ASY__INTERNAL int asy__mutex_init_adaptive(asy__mutex_t *m);
ASY__INTERNAL void asy__mutex_destroy(asy__mutex_t *m);
ASY__INTERNAL void asy__mutex_lock(asy__mutex_t *m);
/* 0 when taken, ASY_EBUSY when another thread holds it. */
ASY__INTERNAL int asy__mutex_trylock(asy__mutex_t *m);
ASY__INTERNAL void asy__mutex_unlock(asy__mutex_t *m);

/* ---- condition variables ---------------------------------------------- */
ASY__INTERNAL int asy__cond_init(asy__cond_t *c);
ASY__INTERNAL void asy__cond_destroy(asy__cond_t *c);
ASY__INTERNAL void asy__cond_signal(asy__cond_t *c);
ASY__INTERNAL void asy__cond_broadcast(asy__cond_t *c);
ASY__INTERNAL void asy__cond_wait(asy__cond_t *c, asy__mutex_t *m);
/* Waits at most timeout_ns (monotonic); 0 when woken (or spuriously),
 * ASY_ETIMEDOUT when the time ran out. */
ASY__INTERNAL int asy__cond_timedwait(asy__cond_t *c, asy__mutex_t *m, uint64_t timeout_ns);

/* ---- threads ---------------------------------------------------------- */
typedef void (*asy__thread_fn)(void *arg);
enum {
    /* POSIX: the new thread starts with every signal blocked, so process
     * signals reach the threads that run loops (a no-op on Windows). */
    ASY__THREAD_BLOCK_SIGNALS = 1u << 0
};
typedef struct {
    size_t stack_size; /* 0: the platform's default */
    unsigned flags;    /* ASY__THREAD_* */
} asy__thread_opts;
/* Starts fn(arg) on a new thread; opts may be NULL.  0 or a negative code
 * (ASY_EAGAIN: no more threads, ASY_EINVAL: stack size refused). */
ASY__INTERNAL int asy__thread_create(asy__thread_t *t, const asy__thread_opts *opts,
                                     asy__thread_fn fn, void *arg);
ASY__INTERNAL int asy__thread_join(asy__thread_t t);
/* Gives the CPU to another runnable thread, if any. */
ASY__INTERNAL void asy__thread_yield(void);

/* ---- once ------------------------------------------------------------- */
/* Runs fn exactly once per once-object, whichever thread comes first;
 * the others wait until it has returned. */
ASY__INTERNAL void asy__once(asy__once_t *once, void (*fn)(void));

/* ---- atomics ---------------------------------------------------------- */
/* Memory orders, as C11 names them. */
#define ASY__RELAXED __ATOMIC_RELAXED
#define ASY__ACQUIRE __ATOMIC_ACQUIRE
#define ASY__RELEASE __ATOMIC_RELEASE
#define ASY__ACQ_REL __ATOMIC_ACQ_REL
#define ASY__SEQ_CST __ATOMIC_SEQ_CST
/* On any integer or pointer object of 1, 2, 4 or 8 bytes. */
#define asy__atomic_load(p, mo) __atomic_load_n((p), (mo))
#define asy__atomic_store(p, v, mo) __atomic_store_n((p), (v), (mo))
#define asy__atomic_exchange(p, v, mo) __atomic_exchange_n((p), (v), (mo))
/* Return the value after the operation. */
#define asy__atomic_add(p, v, mo) __atomic_add_fetch((p), (v), (mo))
#define asy__atomic_sub(p, v, mo) __atomic_sub_fetch((p), (v), (mo))
/* Return the value before the operation. */
#define asy__atomic_fetch_add(p, v, mo) __atomic_fetch_add((p), (v), (mo))
#define asy__atomic_fetch_sub(p, v, mo) __atomic_fetch_sub((p), (v), (mo))
#define asy__atomic_fetch_and(p, v, mo) __atomic_fetch_and((p), (v), (mo))
#define asy__atomic_fetch_or(p, v, mo) __atomic_fetch_or((p), (v), (mo))
#define asy__atomic_fetch_xor(p, v, mo) __atomic_fetch_xor((p), (v), (mo))
/* Compare-and-swap: if *p equals *expected, stores v and returns 1;
 * otherwise loads *p into *expected and returns 0.  The weak form may
 * fail spuriously (use it in a loop). */
#define asy__atomic_cas(p, expected, v, mo_ok, mo_fail) \
    __atomic_compare_exchange_n((p), (expected), (v), 0, (mo_ok), (mo_fail))
#define asy__atomic_cas_weak(p, expected, v, mo_ok, mo_fail) \
    __atomic_compare_exchange_n((p), (expected), (v), 1, (mo_ok), (mo_fail))
/* No fence wrapper: ThreadSanitizer does not model standalone fences
 * (gcc refuses them under -fsanitize=thread); use ordered operations. */

/* Short, CPU-friendly busy-wait step. */
static inline void asy__cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("pause");
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}
