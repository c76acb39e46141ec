/* The machine context switch and the coroutine stack pool on their own,
 * without the loop or promises, so they also run where the coroutine layer
 * does not build yet: this file is in the Windows set (make test-windows),
 * where it tests the Win64 switch under wine.  The coroutine layer's own
 * tests (test_coro*.c) cover the same switch with the sanitizers' fiber
 * annotations; these raw switches have none, so they skip under ASan and
 * TSan, which would take an unannounced stack switch for corruption. */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "test.h"
#include <fenv.h>

#if defined(ASY__CTX) && !defined(ASY__CORO_ASAN) && !defined(ASY__CORO_TSAN)
#define CTX_RAW 1
#endif

#ifdef CTX_RAW
static asy__ctx main_ctx, co_ctx;
static asy__stack_pool pool;

static asy__stack *stack_of(size_t want) {
    size_t size = asy__stack_round(want);
    asy__stack *s;
    if (!size) asyt_fail(__FILE__, __LINE__, "asy__stack_round(%zu) gave 0", want);
    if (!(s = asy__stack_get(&pool, size))) asyt_fail(__FILE__, __LINE__, "no stack");
    return s;
}

static void to_main(void) { asy__ctx_jump(&co_ctx, &main_ctx); }
static void to_co(void) { asy__ctx_jump(&main_ctx, &co_ctx); }

/* ---- plain ping-pong: control and values go back and forth ---------------- */
static long counter;
static void pingpong_entry(void *arg) {
    long step = *(long *)arg;
    for (;;) {
        counter += step;
        to_main();
    }
}
#endif

TEST(internal_ctx_pingpong) {
#ifdef CTX_RAW
    long step = 3, i;
    asy__stack *s = stack_of(0);
    ASSERT_EQ(s->size, asy__stack_round(ASY_CORO_STACK_DEFAULT));
    counter = 0;
    asy__ctx_make(&co_ctx, s->base, s->size, pingpong_entry, &step);
    for (i = 1; i <= 100000; i++) {
        to_co();
        if (counter != 3 * i) ASSERT_EQ(counter, 3 * i);
    }
    asy__stack_put(&pool, s);
    asy__stack_pool_free(&pool);
#else
    asyt_skip("raw context switches: none on this platform, or a sanitizer build");
#endif
}

#ifdef CTX_RAW
/* ---- callee-saved registers survive a switch ----------------------------- */
/* The coroutine overwrites every callee-saved register it may (on either
 * ABI: rbx r12-r15, and for Win64 rdi rsi xmm6-xmm15) before switching
 * back; the main side keeps many integer and floating values live across
 * the switch, which the compiler holds in exactly those registers. */
static void clobber_entry(void *arg) {
    (void)arg;
    for (;;) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
        __asm__ volatile("movq $-1, %%rbx\n\tmovq $-1, %%r12\n\tmovq $-1, %%r13\n\t"
                         "movq $-1, %%r14\n\tmovq $-1, %%r15\n\tmovq $-1, %%rsi\n\t"
                         "movq $-1, %%rdi\n\tpcmpeqd %%xmm6, %%xmm6\n\t"
                         "pcmpeqd %%xmm7, %%xmm7\n\tpcmpeqd %%xmm8, %%xmm8\n\t"
                         "pcmpeqd %%xmm9, %%xmm9\n\tpcmpeqd %%xmm10, %%xmm10\n\t"
                         "pcmpeqd %%xmm11, %%xmm11\n\tpcmpeqd %%xmm12, %%xmm12\n\t"
                         "pcmpeqd %%xmm13, %%xmm13\n\tpcmpeqd %%xmm14, %%xmm14\n\t"
                         "pcmpeqd %%xmm15, %%xmm15"
                         :
                         :
                         : "rbx", "r12", "r13", "r14", "r15", "rsi", "rdi", "xmm6", "xmm7",
                           "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
                           "xmm15", "memory");
#endif
        to_main();
    }
}

static volatile long seed_i = 7;
static volatile double seed_d = 1.25;

/* a..h and x..q are live across every switch */
static void keep_values_across_switches(long *isum, double *dsum) {
    long a = seed_i, b = a * 3, c = b + 5, d = c ^ 0x55, e = d * 7, f = e - 11, g = f + a, h = g * 2;
    double x = seed_d, y = x * 1.5, z = y + 0.25, w = z * 3.0, u = w - 1.0, v = u * 0.5,
           r = v + x, q = r * 2.0;
    int i;
    for (i = 0; i < 50; i++) {
        to_co();
        a += 1;
        b += a;
        c += b;
        d += c;
        e += d;
        f += e;
        g += f;
        h += g;
        x += 1.0;
        y += x;
        z += y;
        w += z;
        u += w;
        v += u;
        r += v;
        q += r;
    }
    *isum = a + b + c + d + e + f + g + h;
    *dsum = x + y + z + w + u + v + r + q;
}

/* the same arithmetic with no switch in between */
static void reference_values(long *isum, double *dsum) {
    long a = seed_i, b = a * 3, c = b + 5, d = c ^ 0x55, e = d * 7, f = e - 11, g = f + a, h = g * 2;
    double x = seed_d, y = x * 1.5, z = y + 0.25, w = z * 3.0, u = w - 1.0, v = u * 0.5,
           r = v + x, q = r * 2.0;
    int i;
    for (i = 0; i < 50; i++) {
        a += 1;
        b += a;
        c += b;
        d += c;
        e += d;
        f += e;
        g += f;
        h += g;
        x += 1.0;
        y += x;
        z += y;
        w += z;
        u += w;
        v += u;
        r += v;
        q += r;
    }
    *isum = a + b + c + d + e + f + g + h;
    *dsum = x + y + z + w + u + v + r + q;
}
#endif

TEST(internal_ctx_callee_saved_registers_survive) {
#ifdef CTX_RAW
    long got_i, want_i;
    double got_d, want_d;
    asy__stack *s = stack_of(ASY_CORO_STACK_MIN);
    asy__ctx_make(&co_ctx, s->base, s->size, clobber_entry, NULL);
    keep_values_across_switches(&got_i, &got_d);
    reference_values(&want_i, &want_d);
    ASSERT_EQ(got_i, want_i);
    ASSERT(got_d == want_d);
    asy__stack_put(&pool, s);
    asy__stack_pool_free(&pool);
#else
    asyt_skip("raw context switches: none on this platform, or a sanitizer build");
#endif
}

#ifdef CTX_RAW
/* ---- each context keeps its floating-point rounding mode ----------------- */
static int co_round_ok;
static void rounding_entry(void *arg) {
    (void)arg;
    co_round_ok = fegetround() == FE_TONEAREST; /* a new context starts at the default */
    fesetround(FE_UPWARD);
    to_main();
    co_round_ok += fegetround() == FE_UPWARD; /* still ours after main ran */
    fesetround(FE_TONEAREST);
    to_main();
    for (;;) to_main();
}
#endif

TEST(internal_ctx_rounding_mode_is_per_context) {
#ifdef CTX_RAW
    asy__stack *s = stack_of(0);
    ASSERT_EQ(fegetround(), FE_TONEAREST);
    asy__ctx_make(&co_ctx, s->base, s->size, rounding_entry, NULL);
    to_co();
    ASSERT_EQ(fegetround(), FE_TONEAREST); /* the coroutine's mode did not leak */
    fesetround(FE_DOWNWARD);
    to_co();
    ASSERT_EQ(fegetround(), FE_DOWNWARD); /* nor did its reset touch ours */
    fesetround(FE_TONEAREST);
    ASSERT_EQ(co_round_ok, 2);
    asy__stack_put(&pool, s);
    asy__stack_pool_free(&pool);
#else
    asyt_skip("raw context switches: none on this platform, or a sanitizer build");
#endif
}

#ifdef CTX_RAW
/* ---- deep stack use: big frames (stack probes on Windows) ---------------- */
static asy__stack *deep_stack;
static int deep_ok;

static int deep(int n) {
    volatile char frame[24 * 1024]; /* > one page: the compiler probes it */
    char *sp = (char *)frame;
    size_t i;
    for (i = 0; i < sizeof(frame); i += 512) frame[i] = (char)n;
    if (sp < (char *)deep_stack->base || sp >= (char *)deep_stack->base + deep_stack->size)
        return -1000000;
    return n == 0 ? frame[0] : deep(n - 1) + frame[512];
}

static void deep_entry(void *arg) {
    (void)arg;
    deep_ok = deep(8) == 36; /* 9 frames of 24 KiB = 216 KiB of a 256 KiB stack */
    for (;;) to_main();
}
#endif

TEST(internal_ctx_deep_frames_stay_on_the_stack) {
#ifdef CTX_RAW
    deep_stack = stack_of(256 * 1024);
    deep_ok = 0;
    asy__ctx_make(&co_ctx, deep_stack->base, deep_stack->size, deep_entry, NULL);
    to_co();
    ASSERT_EQ(deep_ok, 1);
    asy__stack_put(&pool, deep_stack);
    asy__stack_pool_free(&pool);
#else
    asyt_skip("raw context switches: none on this platform, or a sanitizer build");
#endif
}

/* ---- the stack pool: sizes round to pages, stacks are reused ------------- */
TEST(internal_ctx_stack_pool_reuses_stacks) {
#ifdef ASY__CTX
    asy__stack_pool p;
    asy__stack *a, *b, *c;
    size_t page = asy__page_size();
    memset(&p, 0, sizeof(p));
    ASSERT_EQ(asy__stack_round(0), ASY_CORO_STACK_DEFAULT);
    ASSERT_EQ(asy__stack_round(1), ASY_CORO_STACK_MIN);
    ASSERT_EQ(asy__stack_round(ASY_CORO_STACK_MIN + 1), ASY_CORO_STACK_MIN + page);
    ASSERT_EQ(asy__stack_round((size_t)1 << 41), 0);
    ASSERT((a = asy__stack_get(&p, asy__stack_round(0))) != NULL);
    ASSERT_EQ(((uintptr_t)a->base) % page, 0);
    ((char *)a->base)[0] = 1; /* both ends are usable */
    ((char *)a->base)[a->size - 1] = 1;
    asy__stack_put(&p, a);
    ASSERT_EQ(p.count, 1);
    ASSERT((b = asy__stack_get(&p, asy__stack_round(0))) != NULL);
    ASSERT(b == a); /* same size: the pooled one */
    ASSERT((c = asy__stack_get(&p, ASY_CORO_STACK_MIN)) != NULL);
    ASSERT(c != a);
    asy__stack_put(&p, b);
    asy__stack_put(&p, c);
    ASSERT_EQ(p.count, 2);
    asy__stack_pool_free(&p);
    ASSERT_EQ(p.count, 0);
    ASSERT(p.free_list == NULL);
#else
    asyt_skip("no context switch on this platform");
#endif
}

/* ---- Windows: the TIB's stack bounds follow the switch ------------------- */
#if defined(CTX_RAW) && defined(ASY__CTX_WIN64)
static NT_TIB co_tib;
static void tib_entry(void *arg) {
    (void)arg;
    co_tib = *(NT_TIB *)NtCurrentTeb();
    for (;;) to_main();
}

static LONG CALLBACK resume_after(EXCEPTION_POINTERS *e) {
    if (e->ExceptionRecord->ExceptionCode != 0xE0A5C001u) return EXCEPTION_CONTINUE_SEARCH;
    return EXCEPTION_CONTINUE_EXECUTION;
}

static int raised_and_continued;
static void raise_entry(void *arg) {
    (void)arg;
    RaiseException(0xE0A5C001u, 0, 0, NULL); /* handled by the vectored handler */
    raised_and_continued = 1;
    for (;;) to_main();
}
#endif

TEST(internal_ctx_win64_stack_bounds_and_exceptions) {
#if defined(CTX_RAW) && defined(ASY__CTX_WIN64)
    NT_TIB before = *(NT_TIB *)NtCurrentTeb(), after;
    asy__stack *s = stack_of(0);
    void *veh;
    asy__ctx_make(&co_ctx, s->base, s->size, tib_entry, NULL);
    to_co();
    after = *(NT_TIB *)NtCurrentTeb();
    /* inside: the coroutine's stack; back outside: the thread's again */
    ASSERT(co_tib.StackBase == (void *)(((uintptr_t)s->base + s->size) & ~(uintptr_t)15));
    ASSERT(co_tib.StackLimit == s->base);
    ASSERT(after.StackBase == before.StackBase);
    ASSERT(after.StackLimit == before.StackLimit);
    /* an exception raised on a coroutine's stack is dispatched and continues */
    ASSERT((veh = AddVectoredExceptionHandler(1, resume_after)) != NULL);
    raised_and_continued = 0;
    asy__ctx_make(&co_ctx, s->base, s->size, raise_entry, NULL);
    to_co();
    RemoveVectoredExceptionHandler(veh);
    ASSERT_EQ(raised_and_continued, 1);
    asy__stack_put(&pool, s);
    asy__stack_pool_free(&pool);
#else
    asyt_skip("Win64 only");
#endif
}
