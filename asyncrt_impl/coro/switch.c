/* The machine context switch.
 *
 * asy__ctx_switch(from, to): saves the callee-saved state of the running
 * context on its own stack, stores the stack pointer in *from, switches to
 * the stack pointer `to` and restores what was saved there.  Returning
 * "returns" into the other context, at its last asy__ctx_switch call (or,
 * the first time, into asy__ctx_entry, see asy__ctx_make).  A switch is a
 * plain call: the compiler has already spilled the caller-saved registers.
 *
 * x86-64 SysV: rbx rbp r12-r15 are callee-saved, and so are the control
 * bits of MXCSR and the x87 control word (a coroutine that changes the
 * rounding mode keeps it to itself).
 * Win64: rbx rbp rdi rsi r12-r15, xmm6-xmm15, the same control words,
 * and the stack bounds in the thread's TIB.
 * AArch64 (AAPCS64): x19-x28, the frame pointer x29, the link register x30,
 * the low halves d8-d15 of v8-v15 and the FPCR (rounding mode and trap
 * bits: the same per-context rule as MXCSR on x86-64).
 *
 * The symbols are local to the library (hidden) and weak, so two copies
 * of the implementation (ASYNCRT_STATIC beside the shared one) link. */
#include "switch.internal.h"
#if defined(ASY__CTX_ASM) && defined(__x86_64__) && !defined(ASY__CTX_WIN64)
__asm__(
    ".text\n"
    ".weak asy__ctx_switch\n"
    ".hidden asy__ctx_switch\n"
    ".type asy__ctx_switch,@function\n"
    ".p2align 4\n"
    "asy__ctx_switch:\n"
    "    pushq %rbp\n"
    "    pushq %rbx\n"
    "    pushq %r12\n"
    "    pushq %r13\n"
    "    pushq %r14\n"
    "    pushq %r15\n"
    "    subq $8, %rsp\n"
    "    stmxcsr (%rsp)\n"
    "    fnstcw 4(%rsp)\n"
    "    movq %rsp, (%rdi)\n"
    "    movq %rsi, %rsp\n"
    "    ldmxcsr (%rsp)\n"
    "    fldcw 4(%rsp)\n"
    "    addq $8, %rsp\n"
    "    popq %r15\n"
    "    popq %r14\n"
    "    popq %r13\n"
    "    popq %r12\n"
    "    popq %rbx\n"
    "    popq %rbp\n"
    /* Not `ret`: the return-address predictor holds this context's calls,
     * so a ret into the other one always mispredicts.  An indirect jump is
     * predicted from the branch's own history, and a switch site nearly
     * always resumes the same place: an await of a settled promise went
     * from 49 to 32 ns (bench/coro.c, docs/coro.md). */
    "    popq %rcx\n"
    "    jmp *%rcx\n"
    ".size asy__ctx_switch,.-asy__ctx_switch\n"
    /* First entry of a context: asy__ctx_make left the argument in rbx
     * and the function in r12; rbp is 0 (the end of the frame chain) and
     * rsp is 16-byte aligned, so the call below meets the ABI. */
    ".weak asy__ctx_entry\n"
    ".hidden asy__ctx_entry\n"
    ".type asy__ctx_entry,@function\n"
    ".p2align 4\n"
    "asy__ctx_entry:\n"
    "    movq %rbx, %rdi\n"
    "    callq *%r12\n"
    "    ud2\n"
    ".size asy__ctx_entry,.-asy__ctx_entry\n");

/* The stack of a new context, top down: a zero return address for
 * unwinders, asy__ctx_entry as the address the first switch returns to,
 * rbp rbx r12 r13 r14 r15 (rbx = arg, r12 = fn), then MXCSR and the x87
 * control word at their power-on defaults. */
ASY__INTERNAL void asy__ctx_make(asy__ctx *ctx, void *base, size_t size, asy__ctx_fn fn,
                                 void *arg) {
    uintptr_t top = ((uintptr_t)base + size) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)top;
    uint32_t *csr;
    *--sp = 0;                            /* keeps top - 16 aligned */
    *--sp = 0;                            /* return address of asy__ctx_entry's frame */
    *--sp = (uint64_t)(uintptr_t)asy__ctx_entry;
    *--sp = 0;                            /* rbp */
    *--sp = (uint64_t)(uintptr_t)arg;     /* rbx */
    *--sp = (uint64_t)(uintptr_t)fn;      /* r12 */
    *--sp = 0;                            /* r13 */
    *--sp = 0;                            /* r14 */
    *--sp = 0;                            /* r15 */
    *--sp = 0;
    csr = (uint32_t *)(void *)sp;
    csr[0] = 0x1F80u;                     /* MXCSR: all exceptions masked, round to nearest */
    csr[1] = 0x037Fu;                     /* x87 control word: the same, extended precision */
    ctx->sp = sp;
}
#elif defined(ASY__CTX_WIN64)
/* Win64: rbx rbp rdi rsi r12-r15 and xmm6-xmm15 are callee-saved, and so
 * are MXCSR's control bits and the x87 control word.  The thread's stack
 * bounds live in its TIB and Windows checks them (exception dispatch
 * refuses frames outside [StackLimit, StackBase], stack probes and
 * GetCurrentThreadStackLimits read them), so they are switched too:
 * gs:0x08 StackBase, gs:0x10 StackLimit, gs:0x1478 DeallocationStack.
 * Arguments arrive in rcx (from) and rdx (to).  Frame, from the top:
 * 8 registers, 3 TIB words (the stack is 16-byte aligned after them), 176
 * bytes for xmm6-xmm15 (movaps), MXCSR and the control word. */
#define ASY__WIN64_FN(name)                                                                   \
    ".section .text$" name ",\"x\"\n"                                                        \
    ".linkonce discard\n"                                                                    \
    ".globl " name "\n"                                                                      \
    ".def " name "; .scl 2; .type 32; .endef\n"                                              \
    ".p2align 4\n" name ":\n"
__asm__(
    ASY__WIN64_FN("asy__ctx_switch")
    "    pushq %rbp\n"
    "    pushq %rbx\n"
    "    pushq %rdi\n"
    "    pushq %rsi\n"
    "    pushq %r12\n"
    "    pushq %r13\n"
    "    pushq %r14\n"
    "    pushq %r15\n"
    "    pushq %gs:0x1478\n"
    "    pushq %gs:0x10\n"
    "    pushq %gs:0x08\n"
    "    subq $176, %rsp\n"
    "    movaps %xmm6, 0(%rsp)\n"
    "    movaps %xmm7, 16(%rsp)\n"
    "    movaps %xmm8, 32(%rsp)\n"
    "    movaps %xmm9, 48(%rsp)\n"
    "    movaps %xmm10, 64(%rsp)\n"
    "    movaps %xmm11, 80(%rsp)\n"
    "    movaps %xmm12, 96(%rsp)\n"
    "    movaps %xmm13, 112(%rsp)\n"
    "    movaps %xmm14, 128(%rsp)\n"
    "    movaps %xmm15, 144(%rsp)\n"
    "    stmxcsr 160(%rsp)\n"
    "    fnstcw 164(%rsp)\n"
    "    movq %rsp, (%rcx)\n"
    "    movq %rdx, %rsp\n"
    "    movaps 0(%rsp), %xmm6\n"
    "    movaps 16(%rsp), %xmm7\n"
    "    movaps 32(%rsp), %xmm8\n"
    "    movaps 48(%rsp), %xmm9\n"
    "    movaps 64(%rsp), %xmm10\n"
    "    movaps 80(%rsp), %xmm11\n"
    "    movaps 96(%rsp), %xmm12\n"
    "    movaps 112(%rsp), %xmm13\n"
    "    movaps 128(%rsp), %xmm14\n"
    "    movaps 144(%rsp), %xmm15\n"
    "    ldmxcsr 160(%rsp)\n"
    "    fldcw 164(%rsp)\n"
    "    addq $176, %rsp\n"
    "    popq %gs:0x08\n"
    "    popq %gs:0x10\n"
    "    popq %gs:0x1478\n"
    "    popq %r15\n"
    "    popq %r14\n"
    "    popq %r13\n"
    "    popq %r12\n"
    "    popq %rsi\n"
    "    popq %rdi\n"
    "    popq %rbx\n"
    "    popq %rbp\n"
    "    popq %r8\n" /* pop + jmp rather than ret: see the SysV switch */
    "    jmp *%r8\n"
    /* First entry: rbx = arg, r12 = fn, rsp 16-byte aligned; the callee
     * gets its 32 bytes of home space. */
    ASY__WIN64_FN("asy__ctx_entry")
    "    movq %rbx, %rcx\n"
    "    subq $32, %rsp\n"
    "    callq *%r12\n"
    "    ud2\n"
    "    .text\n");

/* The stack of a new context, top down: 16 bytes of zeroes (the end of
 * the frame chain), asy__ctx_entry where the first switch jumps, rbp rbx
 * rdi rsi r12-r15 (rbx = arg, r12 = fn), the TIB words (DeallocationStack,
 * StackLimit, StackBase: this stack), then xmm6-xmm15 zero, MXCSR and the
 * x87 control word at their defaults. */
ASY__INTERNAL void asy__ctx_make(asy__ctx *ctx, void *base, size_t size, asy__ctx_fn fn,
                                 void *arg) {
    uintptr_t top = ((uintptr_t)base + size) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)top;
    uint32_t *csr;
    *--sp = 0;
    *--sp = 0;
    *--sp = (uint64_t)(uintptr_t)asy__ctx_entry;
    *--sp = 0;                            /* rbp */
    *--sp = (uint64_t)(uintptr_t)arg;     /* rbx */
    *--sp = 0;                            /* rdi */
    *--sp = 0;                            /* rsi */
    *--sp = (uint64_t)(uintptr_t)fn;      /* r12 */
    *--sp = 0;                            /* r13 */
    *--sp = 0;                            /* r14 */
    *--sp = 0;                            /* r15 */
    *--sp = (uint64_t)(uintptr_t)base;    /* DeallocationStack */
    *--sp = (uint64_t)(uintptr_t)base;    /* StackLimit */
    *--sp = (uint64_t)top;                /* StackBase */
    sp -= 176 / 8;
    memset(sp, 0, 176);
    csr = (uint32_t *)(void *)(sp + 160 / 8);
    csr[0] = 0x1F80u; /* MXCSR: all exceptions masked, round to nearest */
    csr[1] = 0x027Fu; /* x87 control word as Windows starts threads: 53-bit precision */
    ctx->sp = sp;
}
#elif defined(ASY__CTX_ASM) && defined(__aarch64__)
__asm__(
    ".text\n"
    ".weak asy__ctx_switch\n"
    ".hidden asy__ctx_switch\n"
    ".type asy__ctx_switch,%function\n"
    ".p2align 4\n"
    "asy__ctx_switch:\n"
    "    sub sp, sp, #176\n"
    "    stp x19, x20, [sp, #0]\n"
    "    stp x21, x22, [sp, #16]\n"
    "    stp x23, x24, [sp, #32]\n"
    "    stp x25, x26, [sp, #48]\n"
    "    stp x27, x28, [sp, #64]\n"
    "    stp x29, x30, [sp, #80]\n"
    "    stp d8, d9, [sp, #96]\n"
    "    stp d10, d11, [sp, #112]\n"
    "    stp d12, d13, [sp, #128]\n"
    "    stp d14, d15, [sp, #144]\n"
    "    mrs x3, fpcr\n"
    "    str x3, [sp, #160]\n"
    "    mov x2, sp\n"
    "    str x2, [x0]\n"
    "    mov sp, x1\n"
    "    ldp x19, x20, [sp, #0]\n"
    "    ldp x21, x22, [sp, #16]\n"
    "    ldp x23, x24, [sp, #32]\n"
    "    ldp x25, x26, [sp, #48]\n"
    "    ldp x27, x28, [sp, #64]\n"
    "    ldp x29, x30, [sp, #80]\n"
    "    ldp d8, d9, [sp, #96]\n"
    "    ldp d10, d11, [sp, #112]\n"
    "    ldp d12, d13, [sp, #128]\n"
    "    ldp d14, d15, [sp, #144]\n"
    "    ldr x3, [sp, #160]\n"
    "    msr fpcr, x3\n"
    "    add sp, sp, #176\n"
    "    ret\n"
    ".size asy__ctx_switch,.-asy__ctx_switch\n"
    /* First entry: x19 = arg, x20 = fn, x29 = 0, sp 16-byte aligned. */
    ".weak asy__ctx_entry\n"
    ".hidden asy__ctx_entry\n"
    ".type asy__ctx_entry,%function\n"
    ".p2align 4\n"
    "asy__ctx_entry:\n"
    "    mov x0, x19\n"
    "    blr x20\n"
    "    brk #0\n"
    ".size asy__ctx_entry,.-asy__ctx_entry\n");

/* A new context's save area (176 bytes at the 16-aligned top, minus 16
 * bytes of zeroes above it): x19 = arg, x20 = fn, x29 = 0, x30 =
 * asy__ctx_entry, where the first switch's ret lands, and FPCR 0 (round
 * to nearest, no traps: what a thread starts with). */
ASY__INTERNAL void asy__ctx_make(asy__ctx *ctx, void *base, size_t size, asy__ctx_fn fn,
                                 void *arg) {
    uintptr_t top = (((uintptr_t)base + size) & ~(uintptr_t)15) - 16;
    uint64_t *sp = (uint64_t *)(top - 176);
    memset(sp, 0, 176 + 16);
    sp[0] = (uint64_t)(uintptr_t)arg;             /* x19 */
    sp[1] = (uint64_t)(uintptr_t)fn;              /* x20 */
    sp[11] = (uint64_t)(uintptr_t)asy__ctx_entry; /* x30 */
    ctx->sp = sp;
}
#endif

#if defined(ASY__CTX_ASM)
ASY__INTERNAL void asy__ctx_jump(asy__ctx *from, asy__ctx *to) { asy__ctx_switch(&from->sp, to->sp); }
#elif defined(ASY__CTX_UCONTEXT)
/* ucontext: makecontext passes int arguments only, so the entry point and
 * its argument travel in a per-thread slot read by the first instruction
 * of the new context. */
static __thread asy__ctx_fn asy__ctx_start_fn;
static __thread void *asy__ctx_start_arg;

static void asy__ctx_uc_entry(void) {
    asy__ctx_fn fn = asy__ctx_start_fn;
    void *arg = asy__ctx_start_arg;
    fn(arg);
}

ASY__INTERNAL void asy__ctx_make(asy__ctx *ctx, void *base, size_t size, asy__ctx_fn fn,
                                 void *arg) {
    memset(ctx, 0, sizeof(*ctx));
    getcontext(&ctx->uc);
    ctx->uc.uc_stack.ss_sp = base;
    ctx->uc.uc_stack.ss_size = size;
    ctx->uc.uc_link = NULL;
    makecontext(&ctx->uc, asy__ctx_uc_entry, 0);
    /* stashed now, read at the first switch into it (always before any
     * other context is made on this thread: asy_async makes and enters at
     * once) */
    asy__ctx_start_fn = fn;
    asy__ctx_start_arg = arg;
}

ASY__INTERNAL void asy__ctx_jump(asy__ctx *from, asy__ctx *to) { swapcontext(&from->uc, &to->uc); }
#endif
