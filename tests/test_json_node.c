/* asy_json against Node itself: random documents (every kind of value,
 * escape, surrogate, repeated and array-index keys, number spelling) and
 * a million random doubles are parsed and stringified by both, compact
 * and with indent 2, and compared byte for byte (tests/node/json_twin.cjs). */
#include "test.h"
#include "loop_util.h"
#include "../asyncrt.h"
#include <math.h>

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

typedef struct tbuf {
    char *p;
    size_t len, cap;
} tbuf;

static void put(tbuf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = (char *)realloc(b->p, b->cap);
        if (!b->p) abort();
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
static void puts_(tbuf *b, const char *s) { put(b, s, strlen(s)); }

static void ws(tbuf *b) {
    static const char *w[] = {"", "", "", " ", "\n", "\t", "\r\n  "};
    puts_(b, w[rnd() % 7]);
}

static double rnd_double(void) {
    uint64_t bits = rnd();
    double d;
    switch (rnd() % 5) {
    case 0:
        memcpy(&d, &bits, 8);
        if (d != d || d - d != 0) d = 0.5;
        return d;
    case 1: return (double)(int64_t)(bits % 2000001 - 1000000) / pow(10, (int)(rnd() % 10));
    case 2: return ldexp((double)(bits >> 11), (int)(rnd() % 300) - 150);
    case 3: return (double)(bits % 100000) * pow(10, (int)(rnd() % 70) - 35);
    default: return (double)(int64_t)(bits % 20000000001ull) - 1e10;
    }
}

static void gen_number(tbuf *b) {
    char tmp[64];
    switch (rnd() % 6) {
    case 0: snprintf(tmp, sizeof(tmp), "%lld", (long long)(rnd() % 2000001) - 1000000); break;
    case 1: snprintf(tmp, sizeof(tmp), "%.17g", rnd_double()); break;
    case 2: snprintf(tmp, sizeof(tmp), "%d.%03dE%+d", (int)(rnd() % 100), (int)(rnd() % 1000), (int)(rnd() % 40) - 20); break;
    case 3: snprintf(tmp, sizeof(tmp), "-0%s", rnd() % 2 ? ".0" : ""); break;
    case 4: { /* long digit strings: rounding of many digits */
        int i, n = 20 + (int)(rnd() % 25);
        for (i = 0; i < n; i++) tmp[i] = (char)('0' + (i == 0 ? 1 + rnd() % 9 : rnd() % 10));
        tmp[n] = 0;
        if (rnd() % 2) tmp[5] = '.';
        break;
    }
    default: snprintf(tmp, sizeof(tmp), "%.*g", 1 + (int)(rnd() % 17), rnd_double()); break;
    }
    /* %g may print inf/nan-free forms only; make sure it is JSON */
    if (strchr(tmp, 'n') || strchr(tmp, 'i')) strcpy(tmp, "0");
    puts_(b, tmp);
}

static void gen_string(tbuf *b) {
    static const char *parts[] = {"a", "Zq", " ", "\\n", "\\\"", "\\\\", "\\/", "\\t", "\\b", "\\f", "\\r",
                                  "\\u0000", "\\u001f", "\\u007F", "\\u00e9", "\\u20AC", "\\ud83d\\ude00",
                                  "\\uD800", "\\udfff", "\\uDBFF\\uDFFF", "\xc3\xa9", "\xe2\x82\xac",
                                  "\xf0\x9f\x98\x80", "\xe2\x80\xa8", "\x7f", "<", "0", "9"};
    int i, n = (int)(rnd() % 8);
    puts_(b, "\"");
    for (i = 0; i < n; i++) puts_(b, parts[rnd() % ASY_ARRAY_SIZE(parts)]);
    puts_(b, "\"");
}

static void gen_key(tbuf *b) {
    static const char *keys[] = {"\"a\"", "\"b\"", "\"0\"", "\"1\"", "\"10\"", "\"2\"", "\"01\"", "\"-1\"",
                                 "\"4294967294\"", "\"4294967295\"", "\"\"", "\"k\\u0000\"", "\"\\ud800\""};
    if (rnd() % 3) puts_(b, keys[rnd() % ASY_ARRAY_SIZE(keys)]);
    else gen_string(b);
}

static void gen_value(tbuf *b, int depth) {
    int k = (int)(rnd() % (depth > 5 ? 4 : 7)), i, n;
    switch (k) {
    case 0: puts_(b, rnd() % 2 ? "true" : rnd() % 2 ? "false" : "null"); break;
    case 1: gen_number(b); break;
    case 2:
    case 3: gen_string(b); break;
    case 4:
    case 5:
        n = (int)(rnd() % 6);
        puts_(b, "{");
        for (i = 0; i < n; i++) {
            if (i) puts_(b, ",");
            ws(b);
            gen_key(b);
            ws(b);
            puts_(b, ":");
            ws(b);
            gen_value(b, depth + 1);
            ws(b);
        }
        puts_(b, "}");
        break;
    default:
        n = (int)(rnd() % 6);
        puts_(b, "[");
        for (i = 0; i < n; i++) {
            if (i) puts_(b, ",");
            ws(b);
            gen_value(b, depth + 1);
            ws(b);
        }
        puts_(b, "]");
    }
}

/* Runs the twin on the NUL-separated docs and compares with ours. */
static void compare_with_node(const tbuf *docs) {
    char path[256], cmd[1024];
    FILE *f, *p;
    tbuf node = {0, 0, 0}, mine = {0, 0, 0};
    char chunk[65536];
    size_t n, start = 0, i, ndocs = 0;
    snprintf(path, sizeof(path), "/tmp/json-docs-%d.bin", (int)getpid());
    f = fopen(path, "wb");
    ASSERT_NOT_NULL(f);
    ASSERT_EQ(fwrite(docs->p, 1, docs->len, f), docs->len);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "node '%s/tests/node/json_twin.cjs' '%s'", ASYT_TOP, path);
    p = popen(cmd, "r");
    ASSERT_NOT_NULL(p);
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) put(&node, chunk, n);
    ASSERT_EQ(pclose(p), 0);
    unlink(path);
    for (i = 0; i <= docs->len; i++) {
        if (i == docs->len || docs->p[i] == 0) {
            if (i > start) {
                asy_json_doc_t doc;
                asy_json_error_t err;
                char *out;
                size_t olen;
                int r = asy_json_parse(&doc, docs->p + start, i - start, NULL, &err);
                if (r < 0) FAIL("doc %zu: %s at %zu: %.*s", ndocs, asy_err_name(r), err.offset, (int)(i - start > 200 ? 200 : i - start), docs->p + start);
                ASSERT_OK(asy_json_stringify(doc.root, 0, &out, &olen));
                put(&mine, out, olen);
                put(&mine, "", 1);
                asy_free(out);
                ASSERT_OK(asy_json_stringify(doc.root, 2, &out, &olen));
                put(&mine, out, olen);
                put(&mine, "", 1);
                asy_free(out);
                asy_json_doc_free(&doc);
                ndocs++;
            }
            start = i + 1;
        }
    }
    if (mine.len != node.len || memcmp(mine.p, node.p, mine.len) != 0) {
        size_t k = 0, a;
        while (k < mine.len && k < node.len && mine.p[k] == node.p[k]) k++;
        a = k > 80 ? k - 80 : 0;
        FAIL("differs from node at byte %zu of %zu/%zu:\nours: %.160s\nnode: %.160s", k, mine.len, node.len,
             mine.p + a, node.p + a);
    }
    free(node.p);
    free(mine.p);
}

TEST_T(json_node_random_documents, 60000) {
    tbuf docs = {0, 0, 0};
    int i;
    if (!have_node()) SKIP("node is not installed");
    for (i = 0; i < 3000; i++) {
        ws(&docs);
        gen_value(&docs, 0);
        ws(&docs);
        put(&docs, "", 1);
    }
    compare_with_node(&docs);
    free(docs.p);
}

/* Number.prototype.toString on a million doubles: random bit patterns,
 * short decimals, integers, powers of two and ten, subnormals. */
TEST_T(json_node_million_doubles, 180000) {
    tbuf docs = {0, 0, 0};
    long i, n = 1000000;
    char tmp[40];
    if (!have_node()) SKIP("node is not installed");
    put(&docs, "[", 1);
    for (i = 0; i < n; i++) {
        double d = rnd_double();
        if (i % 50 == 0) d = ldexp(1.0, (int)(rnd() % 2098) - 1074);
        if (i % 50 == 1) d = pow(10, (int)(rnd() % 600) - 300);
        if (i % 50 == 2) { uint64_t b = rnd() % 0x0010000000000000ull; memcpy(&d, &b, 8); }
        if (rnd() % 2) d = -d;
        snprintf(tmp, sizeof(tmp), "%s%.17g", i ? "," : "", d);
        puts_(&docs, tmp);
    }
    put(&docs, "]", 2);
    compare_with_node(&docs);
    free(docs.p);
}
