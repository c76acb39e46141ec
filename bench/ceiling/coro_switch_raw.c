/* The ceiling for bench/coro.c's coro_ns_per_await_settled: what an await
 * of an already-settled promise costs with no library at all.  One
 * coroutine loops "push (resume, me) on a microtask ring, switch to the
 * scheduler"; the scheduler loops "pop a task, call it", and the task
 * switches back into the coroutine.  That is the least any stackful await
 * that resumes as a microtask can do: one ring push, one pop, one indirect
 * call, two context switches.  The switch is x86-64 SysV code like
 * asyncrt_impl/coro/switch.c's, in three variants:
 *
 *   ret_fp   callee-saved registers, MXCSR and x87 control word, leaving
 *            by `ret` (asyncrt's switch before 0.x: the return predictor
 *            mispredicts every switch)
 *   jmp_fp   the same, leaving by pop + indirect jmp (asyncrt's switch)
 *   jmp_gpr  general registers only, by jmp: not ABI-complete (a
 *            coroutine's rounding mode would leak), the least a switch is
 *
 * Times are the thread's CPU time (best of 5 rounds): on a shared machine
 * the wall clock also counts the time other processes held the core.
 * It is not part of `make bench`; docs/coro.md quotes it.
 *
 *   cc -O2 -o /tmp/coro_switch_raw bench/ceiling/coro_switch_raw.c
 *   /tmp/coro_switch_raw */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if !defined(__x86_64__) || defined(_WIN32)
int main(void) {
    fprintf(stderr, "coro_switch_raw: x86-64 SysV only\n");
    return 2;
}
#else

#define N 20000000L
#define ROUNDS 5

/* raw_switch_<variant>(void **save_sp, void *load_sp) */
#define SAVE_GPR "pushq %rbp\n pushq %rbx\n pushq %r12\n pushq %r13\n pushq %r14\n pushq %r15\n"
#define LOAD_GPR "popq %r15\n popq %r14\n popq %r13\n popq %r12\n popq %rbx\n popq %rbp\n"
#define SAVE_FP " subq $8, %rsp\n stmxcsr (%rsp)\n fnstcw 4(%rsp)\n"
#define LOAD_FP " ldmxcsr (%rsp)\n fldcw 4(%rsp)\n addq $8, %rsp\n"
#define SWAP_SP " movq %rsp, (%rdi)\n movq %rsi, %rsp\n"
__asm__(".text\n"
        ".p2align 4\n"
        "raw_switch_ret_fp:\n" SAVE_GPR SAVE_FP SWAP_SP LOAD_FP LOAD_GPR " ret\n"
        ".p2align 4\n"
        "raw_switch_jmp_fp:\n" SAVE_GPR SAVE_FP SWAP_SP LOAD_FP LOAD_GPR " popq %rcx\n jmp *%rcx\n"
        ".p2align 4\n"
        "raw_switch_jmp_gpr:\n" SAVE_GPR SWAP_SP LOAD_GPR " popq %rcx\n jmp *%rcx\n"
        ".p2align 4\n"
        "raw_entry:\n movq %rbx, %rdi\n callq *%r12\n ud2\n");
void raw_switch_ret_fp(void **from, void *to);
void raw_switch_jmp_fp(void **from, void *to);
void raw_switch_jmp_gpr(void **from, void *to);
void raw_entry(void);

typedef void (*switch_fn)(void **from, void *to);
typedef void (*task_fn)(void *arg);

/* the microtask ring: a power-of-two array of (fn, arg), head + count */
struct task { task_fn fn; void *arg; };
static struct task ring[64];
static uint32_t head, count;

static switch_fn sw;
static void *main_sp, *coro_sp;
static long done_n, sum;
static const long *volatile value_slot; /* what the settled "promise" holds */

static void resume_task(void *arg) {
    (void)arg;
    sw(&main_sp, coro_sp);
}

static void coro_body(void *arg) {
    long i;
    (void)arg;
    for (i = 0; i < N; i++) {
        struct task *t = &ring[(head + count) & 63];
        t->fn = resume_task;
        t->arg = NULL;
        count++;
        sw(&coro_sp, main_sp);
        sum += *value_slot; /* the await's result */
    }
    done_n = i;
    sw(&coro_sp, main_sp);
    abort(); /* never resumed again */
}

/* CPU time of this thread: on a shared machine the wall clock also counts
 * the time other processes held the core, which here is most of it. */
static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static char stack[64 * 1024] __attribute__((aligned(16)));

static double run(switch_fn f, int slots) {
    uint64_t *sp = (uint64_t *)(void *)(stack + sizeof(stack));
    static const long one = 1;
    double t0, t1;
    sw = f;
    value_slot = &one;
    done_n = sum = 0;
    *--sp = 0;
    *--sp = 0;
    *--sp = (uint64_t)(uintptr_t)raw_entry;
    *--sp = 0;                               /* rbp */
    *--sp = 0;                               /* rbx: arg */
    *--sp = (uint64_t)(uintptr_t)coro_body;  /* r12 */
    *--sp = 0;
    *--sp = 0;
    *--sp = 0;
    if (slots) *--sp = 0x037Full << 32 | 0x1F80u; /* x87 CW, MXCSR defaults */
    coro_sp = sp;
    t0 = now_ns();
    sw(&main_sp, coro_sp); /* runs to the first await */
    while (count) {        /* the scheduler: the microtask drain */
        struct task t = ring[head];
        head = (head + 1) & 63;
        count--;
        t.fn(t.arg);
    }
    t1 = now_ns();
    if (done_n != N || sum != N) {
        fprintf(stderr, "coro_switch_raw: wrong result\n");
        exit(1);
    }
    return (t1 - t0) / (double)N;
}

int main(void) {
    static const struct { const char *name; switch_fn f; int slots; } v[] = {
        {"ret_fp", raw_switch_ret_fp, 1},
        {"jmp_fp", raw_switch_jmp_fp, 1},
        {"jmp_gpr", raw_switch_jmp_gpr, 0}};
    double best[3] = {1e30, 1e30, 1e30};
    int r, i;
    for (r = 0; r < ROUNDS; r++)
        for (i = 0; i < 3; i++) {
            double t = run(v[i].f, v[i].slots);
            if (t < best[i]) best[i] = t;
        }
    for (i = 0; i < 3; i++)
        printf("CEILING coro_ns_per_await_settled %s %.2f ns (best of %d x %ld)\n", v[i].name,
               best[i], ROUNDS, N);
    return 0;
}
#endif
