/* Reads bench/data/<name> whole, NUL-terminated, from the current folder
 * or, when run from elsewhere, relative to the binary (build/bench/x ->
 * bench/data/<name>).  NULL when the file is not found; exits on a short
 * read. */
#ifndef ASYNCRT_BENCH_DATA_H
#define ASYNCRT_BENCH_DATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *bench_read_data(const char *argv0, const char *name, size_t *len) {
    char path[4096];
    const char *slash = strrchr(argv0, '/');
    FILE *f;
    char *data;
    long n;
    snprintf(path, sizeof(path), "bench/data/%s", name);
    f = fopen(path, "rb");
    if (!f && slash) {
        snprintf(path, sizeof(path), "%.*s/../../bench/data/%s", (int)(slash - argv0), argv0, name);
        f = fopen(path, "rb");
    }
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = (char *)malloc((size_t)n + 1);
    if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) exit(1);
    fclose(f);
    data[n] = '\0';
    *len = (size_t)n;
    return data;
}

#endif
