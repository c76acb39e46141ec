/* The stream examples, run as the user would (see tests/test_examples.c):
 * their output is deterministic and compared whole. */
#include "../asyncrt.h"
#include "test.h"

#include <sys/wait.h>

/* Runs a shell command line from <build>/tests; returns its output (stdout
 * and stderr) and its exit status in *code. */
static const char *sh(const char *cmdline, int *code) {
    static char out[16384];
    size_t n;
    FILE *p;
    int status;
    p = popen(cmdline, "r");
    ASSERT_NOT_NULL(p);
    n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = 0;
    status = pclose(p);
    *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

static const char *must(const char *cmdline) {
    int code;
    const char *out = sh(cmdline, &code);
    if (code != 0) FAIL("%s exited with %d:\n%s", cmdline, code, out);
    return out;
}

TEST(example_stream_upper) {
    ASSERT_STR_EQ(must("printf 'hello, streams\\n' | ../examples/stream_upper 2>&1"),
                  "HELLO, STREAMS\n");
    ASSERT_STR_EQ(must("../examples/stream_upper </dev/null 2>&1"), "");
}

TEST(example_stream_pipeline) {
    int code;
    ASSERT_STR_EQ(must("../examples/stream_pipeline </dev/null 2>&1"),
                  "     1  Streams let you process data piece by piece\n"
                  "     2  instead of loading everything into memory.\n"
                  "     3  pipeline() instead of .pipe(): it propagates errors\n"
                  "     4  and destroys streams when done.\n"
                  "     5  The last line has no newline\n"
                  "pipeline succeeded: 5 lines\n");
    /* a file in, a file out, CRLF and an empty line on the way */
    must("printf 'a\\r\\n\\nb' > stream_pipeline.in && "
         "../examples/stream_pipeline stream_pipeline.in stream_pipeline.out 2>&1");
    ASSERT_STR_EQ(must("cat stream_pipeline.out && rm -f stream_pipeline.in stream_pipeline.out"),
                  "     1  a\n     2  \n     3  b\n");
    sh("../examples/stream_pipeline /nonexistent/input 2>&1", &code);
    ASSERT_EQ(code, 1);
    /* the reader goes away (more output than a pipe holds): the pipeline
     * reports EPIPE instead of the process dying of SIGPIPE */
    {
        char cmd[1024];
        snprintf(cmd, sizeof(cmd),
                 "../examples/stream_pipeline '%s/asyncrt.h' 2>pipeline.err | head -c 10 >/dev/null;"
                 " cat pipeline.err; rm -f pipeline.err",
                 ASYT_TOP);
        ASSERT_STR_EQ(must(cmd), "pipeline failed: broken pipe\n");
    }
}

TEST(example_stream_for_await) {
    ASSERT_STR_EQ(must("../examples/stream_for_await </dev/null 2>&1"),
                  "Got 13 chars\nGot 28 chars\ndone: 41 chars\n");
    ASSERT_STR_EQ(must("printf 'abc' > for_await.in && ../examples/stream_for_await for_await.in "
                       "2>&1; rm -f for_await.in"),
                  "Got 3 chars\ndone: 3 chars\n");
}

TEST_T(example_stream_backpressure, 20000) {
    ASSERT_STR_EQ(must("../examples/stream_backpressure </dev/null 2>&1"),
                  "by hand:  8388608 bytes, 512 pauses, 511 drains, sink buffer max 16384\n"
                  "pipeline: 8388608 bytes, sink buffer max 16384\n");
}

TEST(example_stream_custom) {
    ASSERT_STR_EQ(must("../examples/stream_custom </dev/null 2>&1"),
                  "sink: flushing\nsink: released\npipeline done: 0\nsink got 45 bytes:\n"
                  "[tick 1]\n[tick 2]\n[tick 3]\n[tick 4]\n[tick 5]\n");
}

TEST_T(example_stream_readline_csv, 20000) {
    ASSERT_STR_EQ(must("../examples/stream_readline_csv </dev/null 2>&1"),
                  "read 100000 rows\n"
                  "All rows inserted: 100000 rows, at most 20 queries at once, id sum 5000050000\n");
    ASSERT_STR_EQ(must("printf '1,a\\n2,b\\r\\n3,c' > rows.csv && ../examples/stream_readline_csv "
                       "rows.csv 2>&1; rm -f rows.csv"),
                  "read 3 rows\nAll rows inserted: 3 rows, at most 3 queries at once, id sum 6\n");
}
