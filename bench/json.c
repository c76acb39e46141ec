/* JSON parse and stringify MB/s against bench/peers/json.mjs (Node's
 * JSON.parse / JSON.stringify) on the same document,
 * bench/data/records.json (bench/data/make_json.mjs: 2500 API-style
 * records with strings, escapes, non-ASCII, integers, decimals, nested
 * objects and arrays).  Parse counts the input's bytes and includes
 * freeing the tree (asy_json_doc_free) each time; stringify counts the
 * output's bytes and includes freeing the text.  About 1 s per metric. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_data.h"

static volatile size_t sink;

static double stringify_rate(const asy_json_value_t *root, int indent) {
    uint64_t start = asy_hrtime(), now;
    double bytes = 0;
    do {
        char *out;
        size_t n;
        if (asy_json_stringify(root, indent, &out, &n) != 0) exit(1);
        sink += n;
        bytes += (double)n;
        asy_free(out);
        now = asy_hrtime();
    } while (now - start < 1000000000u);
    return bytes / 1e6 / ((double)(now - start) / 1e9);
}

int main(int argc, char **argv) {
    size_t len;
    char *text = bench_read_data(argc > 0 ? argv[0] : "", "records.json", &len);
    asy_json_doc_t doc;
    asy_json_error_t err;
    uint64_t start, now;
    double bytes = 0;
    if (!text) {
        fprintf(stderr, "json: cannot read bench/data/records.json\n");
        return 1;
    }
    start = asy_hrtime();
    do {
        if (asy_json_parse(&doc, text, len, NULL, &err) != 0) {
            fprintf(stderr, "json: %s at %zu\n", asy_strerror(err.code), err.offset);
            return 1;
        }
        sink += asy_json_len(doc.root);
        asy_json_doc_free(&doc);
        bytes += (double)len;
        now = asy_hrtime();
    } while (now - start < 1000000000u);
    printf("BENCH json_parse %.1f MB/s higher\n", bytes / 1e6 / ((double)(now - start) / 1e9));
    if (asy_json_parse(&doc, text, len, NULL, &err) != 0) return 1;
    printf("BENCH json_stringify %.1f MB/s higher\n", stringify_rate(doc.root, 0));
    printf("BENCH json_stringify_indent2 %.1f MB/s higher\n", stringify_rate(doc.root, 2));
    asy_json_doc_free(&doc);
    free(text);
    return 0;
}
