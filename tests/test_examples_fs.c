/* The file-stream examples, run as the user would (see tests/test_examples.c):
 * each makes its files in a temporary folder and prints a deterministic
 * report, compared whole. */
#include "../asyncrt.h"
#include "test.h"

#include <sys/wait.h>

/* Runs a shell command line from <build>/tests; its stdout and stderr, and
 * the test fails unless it exits with `want`. */
static const char *sh_expect(const char *cmdline, int want) {
    static char out[16384];
    size_t n;
    FILE *p;
    int status, code;
    p = popen(cmdline, "r");
    ASSERT_NOT_NULL(p);
    n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = 0;
    status = pclose(p);
    code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code != want) FAIL("%s exited with %d:\n%s", cmdline, code, out);
    return out;
}

TEST_T(example_fs_stream_backpressure, 30000) {
    ASSERT_STR_EQ(sh_expect("../examples/fs_stream_backpressure </dev/null 2>&1", 0),
                  "huge-file.csv: 8066657 bytes\n"
                  "by hand:  8066657 bytes copied, 123 pauses, 123 drains, write buffer max 65536\n"
                  "pipeline: 8066657 bytes copied, write buffer max 65536\n"
                  "output.csv and output2.csv are identical to huge-file.csv\n");
}

TEST_T(example_fs_stream_for_await, 20000) {
    ASSERT_STR_EQ(sh_expect("../examples/fs_stream_for_await </dev/null 2>&1", 0),
                  "Got 65536 chars\nGot 65536 chars\nGot 12011 chars\n"
                  "done: 143083 chars in 3 chunks\n");
    /* any file; UTF-8 split between chunks counts once */
    ASSERT_STR_EQ(sh_expect("printf 'gr\\303\\274\\303\\237e' > fa.txt && "
                            "../examples/fs_stream_for_await fa.txt 2>&1; rm -f fa.txt",
                            0),
                  "Got 5 chars\ndone: 5 chars in 1 chunks\n");
    ASSERT_STR_EQ(sh_expect("../examples/fs_stream_for_await /nonexistent/big-file.txt 2>&1", 1),
                  "ENOENT: no such file or directory, open '/nonexistent/big-file.txt'\n");
}

TEST_T(example_fs_stream_pipeline, 20000) {
    ASSERT_STR_EQ(sh_expect("../examples/fs_stream_pipeline </dev/null 2>&1", 0),
                  "pipeline succeeded: 117 bytes read, 117 bytes written to input.txt.upper\n"
                  "STREAMS LET YOU PROCESS DATA PIECE BY PIECE\n"
                  "INSTEAD OF LOADING EVERYTHING INTO MEMORY.\n"
                  "PIPELINE() PROPAGATES ERRORS.\n"
                  "pipeline failed: ENOENT: no such file or directory, open 'missing.txt'\n");
}
