/* The error-policy, memoryUsage and perf_hooks examples (issue 19). */
#include "../asyncrt.h"
#include "test.h"

#include <sys/wait.h>

/* Runs a shell command from <build>/tests; its output and exit code. */
static const char *run_cmd(const char *cmd, int *code) {
    static char out[8192];
    size_t n;
    FILE *p = popen(cmd, "r");
    int status;
    ASSERT_NOT_NULL(p);
    n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = 0;
    status = pclose(p);
    ASSERT(WIFEXITED(status));
    *code = WEXITSTATUS(status);
    return out;
}

TEST(example_uncaught_exception) {
    int code;
    /* run where no missing.txt exists: a fresh folder under the tests' */
    const char *out = run_cmd("rm -rf uncaught.d && mkdir uncaught.d && cd uncaught.d && "
                              "../../examples/uncaught_exception </dev/null 2>&1; c=$?; "
                              "cd .. && rm -rf uncaught.d; exit $c", &code);
    ASSERT_EQ(code, 1);
    ASSERT_STR_EQ(out, "UNCAUGHT: ENOENT: no such file or directory ('error' event with no "
                       "listener, created at examples/uncaught_exception.c:55)\n");
    out = run_cmd("../examples/uncaught_exception rejection </dev/null 2>&1", &code);
    ASSERT_EQ(code, 1);
    ASSERT_STR_EQ(out, "UNHANDLED REJECTION: ECANCELED: boom\n");
}

TEST(example_memory_usage) {
    int code, i;
    const char *out = run_cmd("../examples/memory_usage </dev/null 2>&1", &code), *p = out;
    unsigned long long rss[3];
    long long heap[3], blocks[3], ab[3], ext[3];
    static const char *const when[3] = {"start", "holding 16 x 64 KiB", "released"};
    ASSERT_EQ(code, 0);
    for (i = 0; i < 3; i++) {
        char fmt[160];
        int used = 0;
        snprintf(fmt, sizeof(fmt),
                 "%s: { rss: %%llu, heapUsed: %%lld, heapBlocks: %%lld, arrayBuffers: %%lld, "
                 "external: %%lld }\n%%n",
                 when[i]);
        if (sscanf(p, fmt, &rss[i], &heap[i], &blocks[i], &ab[i], &ext[i], &used) != 5 || !used)
            FAIL("line %d does not match: %s", i + 1, out);
        p += used;
        ASSERT(rss[i] > 0);
        ASSERT_EQ(ext[i], 0);
    }
    ASSERT_EQ(*p, 0);
    ASSERT_EQ(ab[1] - ab[0], 16 * 65536);
    ASSERT_EQ(ab[2], ab[0]);
    ASSERT_EQ(blocks[1] - blocks[0], 16);
    ASSERT_GE(heap[1] - heap[0], 16 * 65536);
    ASSERT_EQ(heap[2], heap[0]);
}

TEST(example_perf_hooks) {
    int code;
    double took, f_ms, m_ms;
    const char *out = run_cmd("../examples/perf_hooks </dev/null 2>&1", &code);
    ASSERT_EQ(code, 0);
    if (sscanf(out, "Took %lfms\nobserver: function parse %lfms\nobserver: measure my-op %lfms\n",
               &took, &f_ms, &m_ms) != 3)
        FAIL("unexpected output:\n%s", out);
    ASSERT(took >= 19.9); /* the 20 ms timer */
    ASSERT(m_ms == took);
    ASSERT(f_ms >= 0 && f_ms <= took);
    ASSERT(strstr(out, "\nparse ran 1 time(s)\n") != NULL);
}
