/* The context switch (switch.c) and the sanitizer / valgrind hooks around
 * it.  A context is one saved stack pointer: asy__ctx_switch pushes the
 * callee-saved registers on the running stack, stores the stack pointer in
 * *from, loads `to` and pops what the other side pushed.
 *
 * Which implementation runs:
 *   ASY__CTX_ASM     x86-64 SysV ELF and AArch64 ELF: hand-written, in
 *                    switch.c;
 *   ASY__CTX_WIN64   x86-64 Windows with gcc or clang (mingw-w64): the
 *                    Win64 ABI's registers plus the thread's stack bounds
 *                    in the TIB, hand-written, in switch.c;
 *   ASY__CTX_UCONTEXT  anything else POSIX: <ucontext.h> (swapcontext
 *                    costs a sigprocmask system call per switch, so it is
 *                    only the fallback).
 * Anything else (MSVC, 32-bit or ARM64 Windows) has no switch; the coro
 * layer, POSIX-only while the loop is, does not need one there yet.
 * This part builds everywhere it can, so the switch and the stack pool are
 * tested on Windows too (tests/test_internal_ctx.c under wine). */
#pragma once
#include "../base/sys.internal.h"
#if !defined(ASYNCRT_CORO_UCONTEXT) && defined(__ELF__) && \
    ((defined(__x86_64__) && !defined(_WIN32)) || defined(__aarch64__))
#define ASY__CTX_ASM 1
#elif defined(_WIN64) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ASY__CTX_ASM 1
#define ASY__CTX_WIN64 1
#elif ASYNCRT_OS_POSIX
#define ASY__CTX_UCONTEXT 1
#include <ucontext.h>
#endif
#if defined(ASY__CTX_ASM) || defined(ASY__CTX_UCONTEXT)
#define ASY__CTX 1
#endif

#ifdef ASY__CTX
#if ASYNCRT_OS_POSIX
#include <sys/mman.h>
#endif

/* AddressSanitizer: told about every switch, so it knows which stack it is
 * on (and keeps the fake stacks of use-after-return detection apart). */
#if defined(__SANITIZE_ADDRESS__)
#define ASY__CORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASY__CORO_ASAN 1
#endif
#endif
/* ThreadSanitizer: each coroutine is a TSan fiber. */
#if defined(__SANITIZE_THREAD__)
#define ASY__CORO_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ASY__CORO_TSAN 1
#endif
#endif
/* valgrind: each stack is registered, so memcheck does not take a switch
 * for a huge stack-pointer move.  The client requests are no-ops outside
 * valgrind.  ASYNCRT_NO_VALGRIND leaves the header out. */
#if !defined(ASYNCRT_NO_VALGRIND) && defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define ASY__CORO_VALGRIND 1
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif
#ifdef ASY__CORO_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
                                     size_t *size_old);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#endif
#ifdef ASY__CORO_TSAN
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
#endif
#ifdef ASY__CTX_ASM
/* Defined in switch.c's top-level assembly.  ELF: hidden (never exported
 * from a shared object) and weak (an ASYNCRT_STATIC copy beside the shared
 * one defines the same bytes).  COFF: each in a `.linkonce discard`
 * section (COMDAT), which is what weak is on ELF: copies merge. */
void asy__ctx_switch(void **from, void *to);
void asy__ctx_entry(void);
#endif
#ifdef __cplusplus
}
#endif

/* Where a new context starts: entry(arg) on the stack [base, base+size).
 * entry must never return (it switches away for the last time). */
typedef void (*asy__ctx_fn)(void *arg);

typedef struct asy__ctx {
#ifdef ASY__CTX_ASM
    void *sp;
#else
    ucontext_t uc;
#endif
} asy__ctx;

/* Defined in switch.c, used by coro.c. */
ASY__INTERNAL void asy__ctx_make(asy__ctx *ctx, void *base, size_t size, asy__ctx_fn fn,
                                 void *arg);
ASY__INTERNAL void asy__ctx_jump(asy__ctx *from, asy__ctx *to);
#endif /* ASY__CTX */
