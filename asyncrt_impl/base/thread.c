/* Threads, locks and once over pthreads (POSIX) and Win32 (Windows). */
#include "sys.internal.h"
#include "thread.internal.h"

/* The trampoline's record: the thread frees it before running fn. */
typedef struct {
    asy__thread_fn fn;
    void *arg;
} asy__thread_start;

#if ASYNCRT_OS_WINDOWS

ASY__INTERNAL int asy__mutex_init(asy__mutex_t *m) {
    InitializeSRWLock(m);
    return 0;
}
ASY__INTERNAL int asy__mutex_init_adaptive(asy__mutex_t *m) { return asy__mutex_init(m); }
/* SRW locks own no resources. */
ASY__INTERNAL void asy__mutex_destroy(asy__mutex_t *m) { (void)m; }
ASY__INTERNAL void asy__mutex_lock(asy__mutex_t *m) { AcquireSRWLockExclusive(m); }
ASY__INTERNAL int asy__mutex_trylock(asy__mutex_t *m) {
    return TryAcquireSRWLockExclusive(m) ? 0 : ASY_EBUSY;
}
ASY__INTERNAL void asy__mutex_unlock(asy__mutex_t *m) { ReleaseSRWLockExclusive(m); }

ASY__INTERNAL int asy__cond_init(asy__cond_t *c) {
    InitializeConditionVariable(c);
    return 0;
}
ASY__INTERNAL void asy__cond_destroy(asy__cond_t *c) { (void)c; }
ASY__INTERNAL void asy__cond_signal(asy__cond_t *c) { WakeConditionVariable(c); }
ASY__INTERNAL void asy__cond_broadcast(asy__cond_t *c) { WakeAllConditionVariable(c); }
ASY__INTERNAL void asy__cond_wait(asy__cond_t *c, asy__mutex_t *m) {
    SleepConditionVariableSRW(c, m, INFINITE, 0);
}
ASY__INTERNAL int asy__cond_timedwait(asy__cond_t *c, asy__mutex_t *m, uint64_t timeout_ns) {
    /* round up: a wait never ends before its time */
    uint64_t ms = (timeout_ns + 999999u) / 1000000u;
    DWORD d = ms >= (uint64_t)INFINITE ? INFINITE - 1 : (DWORD)ms;
    if (SleepConditionVariableSRW(c, m, d, 0)) return 0;
    return GetLastError() == ERROR_TIMEOUT ? ASY_ETIMEDOUT : 0;
}

static DWORD WINAPI asy__thread_trampoline(LPVOID p) {
    asy__thread_start s = *(asy__thread_start *)p;
    asy__free(p);
    s.fn(s.arg);
    return 0;
}

ASY__INTERNAL int asy__thread_create(asy__thread_t *t, const asy__thread_opts *opts,
                                     asy__thread_fn fn, void *arg) {
    asy__thread_start *s;
    size_t stack = opts ? opts->stack_size : 0;
    HANDLE h;
    if (!t || !fn) return ASY_EINVAL;
    s = ASY__NEW(asy__thread_start);
    if (!s) return ASY_ENOMEM;
    s->fn = fn;
    s->arg = arg;
    /* the size reserved for the stack, not the size committed up front */
    h = CreateThread(NULL, stack, asy__thread_trampoline, s,
                     stack ? STACK_SIZE_PARAM_IS_A_RESERVATION : 0, NULL);
    if (!h) {
        asy__free(s);
        return ASY_EAGAIN;
    }
    *t = h;
    return 0;
}

ASY__INTERNAL int asy__thread_join(asy__thread_t t) {
    if (WaitForSingleObject(t, INFINITE) != WAIT_OBJECT_0) return ASY_EINVAL;
    CloseHandle(t);
    return 0;
}

ASY__INTERNAL void asy__thread_yield(void) { SwitchToThread(); }

typedef struct {
    void (*fn)(void);
} asy__once_box;

static BOOL CALLBACK asy__once_trampoline(PINIT_ONCE once, PVOID param, PVOID *ctx) {
    (void)once;
    (void)ctx;
    ((asy__once_box *)param)->fn();
    return TRUE;
}

ASY__INTERNAL void asy__once(asy__once_t *once, void (*fn)(void)) {
    asy__once_box box;
    box.fn = fn;
    InitOnceExecuteOnce(once, asy__once_trampoline, &box, NULL);
}

#else /* POSIX */

ASY__INTERNAL int asy__mutex_init(asy__mutex_t *m) {
    return asy_translate_sys_error(pthread_mutex_init(m, NULL));
}

ASY__INTERNAL int asy__mutex_init_adaptive(asy__mutex_t *m) {
#ifdef PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP
    pthread_mutexattr_t attr;
    int r;
    if ((r = pthread_mutexattr_init(&attr)) != 0) return asy_translate_sys_error(r);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    r = pthread_mutex_init(m, &attr);
    pthread_mutexattr_destroy(&attr);
    return asy_translate_sys_error(r);
#else
    return asy__mutex_init(m);
#endif
}

ASY__INTERNAL void asy__mutex_destroy(asy__mutex_t *m) { pthread_mutex_destroy(m); }
ASY__INTERNAL void asy__mutex_lock(asy__mutex_t *m) { pthread_mutex_lock(m); }
ASY__INTERNAL int asy__mutex_trylock(asy__mutex_t *m) {
    return pthread_mutex_trylock(m) == 0 ? 0 : ASY_EBUSY;
}
ASY__INTERNAL void asy__mutex_unlock(asy__mutex_t *m) { pthread_mutex_unlock(m); }

/* Timed waits count on the monotonic clock where the platform lets a
 * condition use it (not macOS), so a clock change cannot stretch them. */
#if defined(CLOCK_MONOTONIC) && !ASYNCRT_OS_DARWIN
#define ASY__COND_CLOCK CLOCK_MONOTONIC
#else
#define ASY__COND_CLOCK CLOCK_REALTIME
#endif

ASY__INTERNAL int asy__cond_init(asy__cond_t *c) {
#if !ASYNCRT_OS_DARWIN
    pthread_condattr_t attr;
    int r;
    if ((r = pthread_condattr_init(&attr)) != 0) return asy_translate_sys_error(r);
    r = pthread_condattr_setclock(&attr, ASY__COND_CLOCK);
    if (r == 0) r = pthread_cond_init(c, &attr);
    pthread_condattr_destroy(&attr);
    return asy_translate_sys_error(r);
#else
    return asy_translate_sys_error(pthread_cond_init(c, NULL));
#endif
}

ASY__INTERNAL void asy__cond_destroy(asy__cond_t *c) { pthread_cond_destroy(c); }
ASY__INTERNAL void asy__cond_signal(asy__cond_t *c) { pthread_cond_signal(c); }
ASY__INTERNAL void asy__cond_broadcast(asy__cond_t *c) { pthread_cond_broadcast(c); }
ASY__INTERNAL void asy__cond_wait(asy__cond_t *c, asy__mutex_t *m) { pthread_cond_wait(c, m); }

ASY__INTERNAL int asy__cond_timedwait(asy__cond_t *c, asy__mutex_t *m, uint64_t timeout_ns) {
    struct timespec ts;
    uint64_t ns;
    clock_gettime(ASY__COND_CLOCK, &ts);
    ns = (uint64_t)ts.tv_nsec + timeout_ns % 1000000000u;
    /* far-future deadlines saturate instead of wrapping to the past */
    if (timeout_ns / 1000000000u > (uint64_t)INT32_MAX) {
        ts.tv_sec += INT32_MAX;
    } else {
        ts.tv_sec += (time_t)(timeout_ns / 1000000000u + ns / 1000000000u);
    }
    ts.tv_nsec = (long)(ns % 1000000000u);
    return pthread_cond_timedwait(c, m, &ts) == ETIMEDOUT ? ASY_ETIMEDOUT : 0;
}

static void *asy__thread_trampoline(void *p) {
    asy__thread_start s = *(asy__thread_start *)p;
    asy__free(p);
    s.fn(s.arg);
    return NULL;
}

ASY__INTERNAL int asy__thread_create(asy__thread_t *t, const asy__thread_opts *opts,
                                     asy__thread_fn fn, void *arg) {
    pthread_attr_t attr, *pattr = NULL;
    asy__thread_start *s;
    sigset_t all, old;
    int r, masked = opts && (opts->flags & ASY__THREAD_BLOCK_SIGNALS);
    if (!t || !fn) return ASY_EINVAL;
    if (opts && opts->stack_size) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE), size = opts->stack_size;
        if (size < (size_t)PTHREAD_STACK_MIN) size = (size_t)PTHREAD_STACK_MIN;
        size = (size + page - 1) / page * page;
        if ((r = pthread_attr_init(&attr)) != 0) return asy_translate_sys_error(r);
        pattr = &attr;
        if ((r = pthread_attr_setstacksize(&attr, size)) != 0) {
            pthread_attr_destroy(&attr);
            return asy_translate_sys_error(r);
        }
    }
    s = ASY__NEW(asy__thread_start);
    if (!s) {
        if (pattr) pthread_attr_destroy(pattr);
        return ASY_ENOMEM;
    }
    s->fn = fn;
    s->arg = arg;
    /* a new thread inherits its creator's mask */
    if (masked) {
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
    }
    r = pthread_create(t, pattr, asy__thread_trampoline, s);
    if (masked) pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pattr) pthread_attr_destroy(pattr);
    if (r != 0) {
        asy__free(s);
        return asy_translate_sys_error(r);
    }
    return 0;
}

ASY__INTERNAL int asy__thread_join(asy__thread_t t) {
    return asy_translate_sys_error(pthread_join(t, NULL));
}

ASY__INTERNAL void asy__thread_yield(void) { sched_yield(); }

ASY__INTERNAL void asy__once(asy__once_t *once, void (*fn)(void)) { pthread_once(once, fn); }

#endif
