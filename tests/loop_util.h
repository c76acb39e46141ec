/* Helpers shared by the loop tests: an event log compared as one string. */
#ifndef ASYRT_LOOP_UTIL_H
#define ASYRT_LOOP_UTIL_H
#include <string.h>
#include <unistd.h>
#include <stdlib.h>

static char tlog_buf[8192];
static size_t tlog_len;

static void tlog(const char *s) {
    size_t n = strlen(s);
    if (tlog_len + n + 2 >= sizeof(tlog_buf)) return;
    memcpy(tlog_buf + tlog_len, s, n);
    tlog_len += n;
    tlog_buf[tlog_len++] = '\n';
    tlog_buf[tlog_len] = 0;
}

/* asy_fn-shaped logger: the arg is the string */
__attribute__((unused)) static void tlog_fn(void *arg) { tlog((const char *)arg); }

__attribute__((unused)) static void tlog_reset(void) {
    tlog_len = 0;
    tlog_buf[0] = 0;
}

/* Runs `node <repo>/tests/node/<file>` and returns its stdout (static). */
__attribute__((unused)) static const char *run_node_twin(const char *file) {
    static char out[8192];
    char cmd[1024];
    size_t n;
    FILE *p;
    snprintf(cmd, sizeof(cmd), "node '%s/tests/node/%s' 2>&1", ASYT_TOP, file);
    p = popen(cmd, "r");
    if (!p) return NULL;
    n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = 0;
    if (pclose(p) != 0) return NULL;
    return out;
}

__attribute__((unused)) static int have_node(void) { return system("node --version >/dev/null 2>&1") == 0; }
#endif
