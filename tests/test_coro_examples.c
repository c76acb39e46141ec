/* The await examples print exactly what their callback twins print: each
 * pair runs with the same arguments and the outputs (stdout and stderr)
 * and exit statuses are compared.  Where the twin's own output depends on
 * timer races (which connection serves which query), the lines that vary
 * from run to run are left out of both. */
#include "../asyncrt.h"
#include "test.h"

#include <sys/wait.h>

static const char *run_sh(const char *cmd, char *out, size_t cap) {
    size_t n;
    FILE *p = popen(cmd, "r");
    int status;
    ASSERT_NOT_NULL(p);
    n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    status = pclose(p);
    ASSERT(WIFEXITED(status));
    snprintf(out + n, cap - n, "[exit %d]\n", WEXITSTATUS(status));
    return out;
}

/* ../examples/<name> ARGS and ../examples/<name>_await ARGS, through FILTER */
static void twins(const char *name, const char *args, const char *filter) {
    static char a[1 << 16], b[1 << 16];
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "{ ../examples/%s %s </dev/null 2>&1; echo \"[status $?]\"; } | %s",
             name, args, filter);
    run_sh(cmd, a, sizeof(a));
    snprintf(cmd, sizeof(cmd),
             "{ ../examples/%s_await %s </dev/null 2>&1; echo \"[status $?]\"; } | %s", name, args,
             filter);
    run_sh(cmd, b, sizeof(b));
    ASSERT(strlen(a) > strlen("[status 0]\n[exit 0]\n")); /* the twin printed something */
    if (strcmp(a, b) != 0) FAIL("%s %s: the callback twin printed\n%s\nthe await one\n%s", name, args, a, b);
}

TEST_T(coro_examples_process_all_files, 30000) {
    twins("fs_process_all_files", "", "cat");
    twins("fs_process_all_files", "'" ASYT_TOP "/examples'", "cat");
    twins("fs_process_all_files", "/nonexistent", "cat");
}

TEST_T(coro_examples_semaphore, 20000) { twins("semaphore", "", "cat"); }

TEST_T(coro_examples_db_pool, 20000) {
    /* which connection served how many queries is a timer race */
    twins("db_pool", "", "grep -v '^Closing DB connection'");
}

TEST_T(coro_examples_transaction, 20000) {
    /* the interleaving of the clients' statements is a timer race; the
     * outcomes and the balances are not */
    twins("transaction", "", "grep -v '^  client'");
}

TEST_T(coro_examples_exec_file_promise, 20000) { twins("child_exec_file_promise", "", "cat"); }

TEST_T(coro_examples_stream_for_await, 20000) {
    twins("stream_for_await", "", "cat");
    twins("stream_for_await", "'" ASYT_TOP "/asyncrt.h'", "cat");
    twins("stream_for_await", "/nonexistent", "cat");
}

TEST_T(coro_examples_fs_stream_for_await, 20000) {
    twins("fs_stream_for_await", "", "cat");
    twins("fs_stream_for_await", "'" ASYT_TOP "/asyncrt.h'", "cat");
    twins("fs_stream_for_await", "/nonexistent/big-file.txt", "cat");
}

TEST_T(coro_examples_readline_csv, 30000) {
    twins("stream_readline_csv", "", "cat");
    ASSERT_EQ(system("printf '1,a\\n2,b\\r\\n3,c' > coro_rows.csv"), 0);
    twins("stream_readline_csv", "coro_rows.csv", "cat");
    twins("stream_readline_csv", "/nonexistent.csv", "cat");
    remove("coro_rows.csv");
}

TEST_T(coro_examples_pipeline, 20000) {
    twins("stream_pipeline", "", "cat");
    /* the output file's contents, too */
    twins("stream_pipeline", "'" ASYT_TOP "/asyncrt.h' coro_pipe.out && md5sum coro_pipe.out", "cat");
    twins("stream_pipeline", "/nonexistent", "cat");
    remove("coro_pipe.out");
}

TEST_T(coro_examples_fs_promises, 20000) { twins("fs_promises", "", "cat"); }
