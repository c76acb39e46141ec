/* Every example in examples/ is built by `make test` and run here; the ones
 * with a deterministic output are compared with it.  Examples are what a
 * newcomer copies first, so they must keep working. */
#include "../asyncrt.h"
#include "test.h"

#include <sys/wait.h>

/* Runs ../examples/<name> (tests run in <build>/tests) with stdin from
 * /dev/null and returns its stdout; fails the test on a non-zero exit. */
static const char *run_example(const char *name) {
    static char out[16384];
    char cmd[512];
    size_t n;
    FILE *p;
    int status;
    snprintf(cmd, sizeof(cmd), "../examples/%s </dev/null", name);
    p = popen(cmd, "r");
    ASSERT_NOT_NULL(p);
    n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = 0;
    status = pclose(p);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        FAIL("example %s failed (status 0x%x), output:\n%s", name, status, out);
    return out;
}

TEST(example_event_loop_phases) {
    ASSERT_STR_EQ(run_example("event_loop_phases"),
                  "timers: setTimeout 0\n"
                  "  nextTick after the timer\n"
                  "  microtask after the timer\n"
                  "idle\n"
                  "prepare\n"
                  "check: setImmediate\n"
                  "close callback\n");
}

TEST(example_seed_event_loop_order) {
    ASSERT_STR_EQ(run_example("seed_event_loop_order"),
                  "3: nextTick\n4: promise\n1: timer\n2: immediate\n");
}

TEST(example_hrtime) {
    const char *out = run_example("hrtime");
    double ms = 0;
    ASSERT_EQ(sscanf(out, "Took %lfms", &ms), 1);
    ASSERT(ms >= 19.0);
    ASSERT(strstr(out, "event loop utilization: ") != NULL);
}

TEST_T(example_worker_threads, 20000) {
    ASSERT_STR_EQ(run_example("worker_threads"), "Result: 666666166.4588418\nWorker exited 0\n");
}
