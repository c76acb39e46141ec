/* The project's own test framework.
 *
 *   TEST(name) { ASSERT_EQ(1 + 1, 2); }            default timeout 5 s
 *   TEST_T(name, 20000) { ... }                    timeout in ms
 *
 * The backend matrix: a test file that defines ASYT_ALL_BACKENDS to 1
 * before including this header (the net, fs, process and loop suites)
 * has each of its tests run once per backend compiled in, as
 * "name@epoll", "name@poll"...; the runner sets ASYNCRT_BACKEND for the
 * run, so every loop the test makes uses that backend, and asyt_backend()
 * names it.  ALL_BACKENDS(fn) is a test calling fn(asyt_backend()).
 *
 * Every test runs in its own process (fork on POSIX, a re-exec of the runner
 * on Windows) so a crash, a hang or a leak in one test cannot spoil another.
 * Output of a passing test is swallowed; a failing test's output is shown.
 * See tests/runner.c for the command line. */
#ifndef ASYRT_TEST_H
#define ASYRT_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct asyt_case {
    const char *name;
    void (*fn)(void);
    int timeout_ms;
    const char *file;
    int all_backends; /* run once per backend (ASYT_ALL_BACKENDS) */
    struct asyt_case *next;
} asyt_case;

#ifndef ASYT_ALL_BACKENDS
#define ASYT_ALL_BACKENDS 0
#endif

/* mingw's "printf" format archetype is the MSVCRT one; the runner is built
 * with __USE_MINGW_ANSI_STDIO, so check formats as C99 (%zu, %lld). */
#if defined(__MINGW32__)
#define ASYT_PRINTF_FMT gnu_printf
#else
#define ASYT_PRINTF_FMT printf
#endif

void asyt_register(asyt_case *tc);
void asyt_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(ASYT_PRINTF_FMT, 3, 4), noreturn));
void asyt_skip(const char *reason) __attribute__((noreturn));
/* Multiplier for timeouts of slow builds (sanitizers, valgrind): the
 * ASYT_TIMEOUT_SCALE environment variable, default 1. */
double asyt_timeout_scale(void);
/* The path of the running test binary (for tests that re-exec themselves). */
const char *asyt_self_path(void);
/* The backend this run of a matrix test uses ("epoll"...), NULL outside
 * the matrix (the loop's default then applies). */
const char *asyt_backend(void);
/* The i-th backend compiled into the library, NULL past the last: defined
 * in tests/test_matrix.c (from asy_loop_backend_at). */
const char *asyt_backend_at(unsigned i);

#define ASYT_CAT2(a, b) a##b
#define ASYT_CAT(a, b) ASYT_CAT2(a, b)

#define TEST_T(name, ms)                                                       \
    static void asyt_fn_##name(void);                                          \
    static asyt_case asyt_case_##name = {#name, asyt_fn_##name, (ms), __FILE__,    \
                                         ASYT_ALL_BACKENDS, 0};                  \
    __attribute__((constructor)) static void asyt_reg_##name(void) {           \
        asyt_register(&asyt_case_##name);                                      \
    }                                                                          \
    static void asyt_fn_##name(void)

#define TEST(name) TEST_T(name, 5000)

/* A test (in an ASYT_ALL_BACKENDS file) that hands the run's backend to
 * fn(const char *backend). */
#define ALL_BACKENDS_T(fn, ms)            \
    static void fn(const char *backend); \
    TEST_T(fn, ms) { fn(asyt_backend()); }
#define ALL_BACKENDS(fn) ALL_BACKENDS_T(fn, 5000)

/* Skip the running test with a reason (shown in the output). */
#define SKIP(reason) asyt_skip(reason)

#define FAIL(...) asyt_fail(__FILE__, __LINE__, __VA_ARGS__)

#define ASSERT(cond)                                                   \
    do {                                                               \
        if (!(cond)) asyt_fail(__FILE__, __LINE__, "ASSERT(%s)", #cond); \
    } while (0)

#define ASYT_CMP_INT(a, op, b)                                                          \
    do {                                                                                \
        long long asyt_a_ = (long long)(a), asyt_b_ = (long long)(b);                   \
        if (!(asyt_a_ op asyt_b_))                                                      \
            asyt_fail(__FILE__, __LINE__, "ASSERT(%s %s %s): %lld vs %lld", #a, #op, #b, \
                      asyt_a_, asyt_b_);                                                \
    } while (0)

#define ASSERT_EQ(a, b) ASYT_CMP_INT(a, ==, b)
#define ASSERT_NE(a, b) ASYT_CMP_INT(a, !=, b)
#define ASSERT_LT(a, b) ASYT_CMP_INT(a, <, b)
#define ASSERT_LE(a, b) ASYT_CMP_INT(a, <=, b)
#define ASSERT_GT(a, b) ASYT_CMP_INT(a, >, b)
#define ASSERT_GE(a, b) ASYT_CMP_INT(a, >=, b)

/* Unsigned 64-bit comparison (sizes, hrtime values). */
#define ASSERT_EQ_U64(a, b)                                                              \
    do {                                                                                 \
        unsigned long long asyt_a_ = (unsigned long long)(a),                            \
                           asyt_b_ = (unsigned long long)(b);                            \
        if (asyt_a_ != asyt_b_)                                                          \
            asyt_fail(__FILE__, __LINE__, "ASSERT_EQ_U64(%s, %s): %llu vs %llu", #a, #b, \
                      asyt_a_, asyt_b_);                                                 \
    } while (0)

/* An ASY_E* result compared with the expected code, both shown by name. */
#define ASSERT_OK(expr)                                                            \
    do {                                                                           \
        int asyt_r_ = (int)(expr);                                                 \
        if (asyt_r_ < 0)                                                           \
            asyt_fail(__FILE__, __LINE__, "ASSERT_OK(%s): %d (%s)", #expr, asyt_r_, \
                      asy_err_name(asyt_r_));                                      \
    } while (0)

#define ASSERT_ERR(expr, code)                                                         \
    do {                                                                               \
        int asyt_r_ = (int)(expr), asyt_c_ = (int)(code);                              \
        if (asyt_r_ != asyt_c_)                                                        \
            asyt_fail(__FILE__, __LINE__, "ASSERT_ERR(%s, %s): got %d (%s), want %d (%s)", \
                      #expr, #code, asyt_r_, asy_err_name(asyt_r_), asyt_c_,            \
                      asy_err_name(asyt_c_));                                          \
    } while (0)

#define ASSERT_PTR_EQ(a, b)                                                              \
    do {                                                                                 \
        const void *asyt_a_ = (const void *)(a), *asyt_b_ = (const void *)(b);           \
        if (asyt_a_ != asyt_b_)                                                          \
            asyt_fail(__FILE__, __LINE__, "ASSERT_PTR_EQ(%s, %s): %p vs %p", #a, #b,      \
                      asyt_a_, asyt_b_);                                                 \
    } while (0)

#define ASSERT_NULL(a) ASSERT_PTR_EQ(a, NULL)
#define ASSERT_NOT_NULL(a)                                                          \
    do {                                                                            \
        if ((a) == NULL) asyt_fail(__FILE__, __LINE__, "ASSERT_NOT_NULL(%s)", #a); \
    } while (0)

#define ASSERT_STR_EQ(a, b)                                                                    \
    do {                                                                                       \
        const char *asyt_a_ = (a), *asyt_b_ = (b);                                             \
        if (!asyt_a_ || !asyt_b_ || strcmp(asyt_a_, asyt_b_) != 0)                             \
            asyt_fail(__FILE__, __LINE__, "ASSERT_STR_EQ(%s, %s): \"%s\" vs \"%s\"", #a, #b,    \
                      asyt_a_ ? asyt_a_ : "(null)", asyt_b_ ? asyt_b_ : "(null)");             \
    } while (0)

#define ASSERT_MEM_EQ(a, b, n)                                                        \
    do {                                                                              \
        const unsigned char *asyt_a_ = (const unsigned char *)(a),                    \
                            *asyt_b_ = (const unsigned char *)(b);                    \
        size_t asyt_n_ = (size_t)(n), asyt_i_;                                        \
        for (asyt_i_ = 0; asyt_i_ < asyt_n_; asyt_i_++)                               \
            if (asyt_a_[asyt_i_] != asyt_b_[asyt_i_])                                 \
                asyt_fail(__FILE__, __LINE__,                                         \
                          "ASSERT_MEM_EQ(%s, %s, %s): byte %zu differs: 0x%02x vs 0x%02x", \
                          #a, #b, #n, asyt_i_, asyt_a_[asyt_i_], asyt_b_[asyt_i_]);   \
    } while (0)

#ifdef __cplusplus
}
#endif
#endif
