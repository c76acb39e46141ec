/* The JSON module's API: lookups, typed getters, errors with offsets, the
 * builder, the streaming writer (memory and sink), number formatting. */
#include "test.h"
#include "../asyncrt.h"

static char *strfy(const asy_json_value_t *v, int indent) {
    char *out = NULL;
    size_t len;
    ASSERT_OK(asy_json_stringify(v, indent, &out, &len));
    ASSERT_EQ(strlen(out), len);
    return out;
}

#define STRFY_EQ(v, indent, want)            \
    do {                                     \
        char *s_ = strfy((v), (indent));     \
        ASSERT_STR_EQ(s_, (want));           \
        asy_free(s_);                        \
    } while (0)

TEST(json_lookup_and_getters) {
    const char *t = "{\"name\":\"asyncrt\",\"n\":42,\"f\":-2.5,\"ok\":true,\"no\":false,\"z\":null,"
                    "\"list\":[1,\"two\",[3]],\"a/b\":1,\"m~n\":2,\"nul\":\"x\\u0000y\"}";
    asy_json_doc_t doc;
    const asy_json_value_t *v;
    const char *s;
    size_t len;
    double d;
    int64_t i;
    int b;
    ASSERT_OK(asy_json_parse(&doc, t, strlen(t), NULL, NULL));
    ASSERT_EQ(asy_json_typeof(doc.root), ASY_JSON_OBJECT);
    ASSERT_EQ(asy_json_len(doc.root), 10);
    ASSERT_OK(asy_json_get_string(asy_json_get(doc.root, "name"), &s, &len));
    ASSERT_STR_EQ(s, "asyncrt");
    ASSERT_EQ(len, 7);
    ASSERT_OK(asy_json_get_int64(asy_json_get(doc.root, "n"), &i));
    ASSERT_EQ(i, 42);
    ASSERT_ERR(asy_json_get_int64(asy_json_get(doc.root, "f"), &i), ASY_ERANGE);
    ASSERT_OK(asy_json_get_number(asy_json_get(doc.root, "f"), &d));
    ASSERT(d == -2.5);
    ASSERT_OK(asy_json_get_bool(asy_json_get(doc.root, "ok"), &b));
    ASSERT_EQ(b, 1);
    ASSERT_OK(asy_json_get_bool(asy_json_get(doc.root, "no"), &b));
    ASSERT_EQ(b, 0);
    ASSERT(asy_json_is_null(asy_json_get(doc.root, "z")));
    ASSERT(!asy_json_is_null(asy_json_get(doc.root, "missing")));
    ASSERT_NULL(asy_json_get(doc.root, "missing"));
    ASSERT_ERR(asy_json_get_string(asy_json_get(doc.root, "n"), &s, &len), ASY_EJSON_TYPE);
    ASSERT_ERR(asy_json_get_number(NULL, &d), ASY_EJSON_TYPE);
    v = asy_json_get(doc.root, "list");
    ASSERT_EQ(asy_json_len(v), 3);
    ASSERT_OK(asy_json_get_string(asy_json_at(v, 1), &s, NULL));
    ASSERT_STR_EQ(s, "two");
    ASSERT_NULL(asy_json_at(v, 3));
    ASSERT_NULL(asy_json_at(doc.root, 0));
    ASSERT_STR_EQ(asy_json_member_at(doc.root, 0)->key, "name");
    ASSERT_NULL(asy_json_member_at(doc.root, 10));
    ASSERT_OK(asy_json_get_int64(asy_json_pointer(doc.root, "/list/2/0"), &i));
    ASSERT_EQ(i, 3);
    ASSERT_OK(asy_json_get_int64(asy_json_pointer(doc.root, "/a~1b"), &i));
    ASSERT_EQ(i, 1);
    ASSERT_OK(asy_json_get_int64(asy_json_pointer(doc.root, "/m~0n"), &i));
    ASSERT_EQ(i, 2);
    ASSERT_PTR_EQ(asy_json_pointer(doc.root, ""), doc.root);
    ASSERT_NULL(asy_json_pointer(doc.root, "/list/01"));
    ASSERT_NULL(asy_json_pointer(doc.root, "/list/9"));
    ASSERT_NULL(asy_json_pointer(doc.root, "name"));
    ASSERT_NULL(asy_json_pointer(doc.root, "/~2"));
    ASSERT_OK(asy_json_get_string(asy_json_get(doc.root, "nul"), &s, &len));
    ASSERT_EQ(len, 3);
    ASSERT_MEM_EQ(s, "x\0y", 4);
    asy_json_doc_free(&doc);
    asy_json_doc_free(&doc); /* twice is fine */
}

TEST(json_int64_range) {
    asy_json_doc_t doc;
    int64_t i;
    const char *t = "[9007199254740993, -9223372036854775808, 9223372036854775808, 1e300, -0]";
    ASSERT_OK(asy_json_parse(&doc, t, strlen(t), NULL, NULL));
    ASSERT_OK(asy_json_get_int64(asy_json_at(doc.root, 0), &i));
    ASSERT_EQ(i, 9007199254740992LL); /* as a double, like JS */
    ASSERT_OK(asy_json_get_int64(asy_json_at(doc.root, 1), &i));
    ASSERT(i == INT64_MIN);
    ASSERT_ERR(asy_json_get_int64(asy_json_at(doc.root, 2), &i), ASY_ERANGE);
    ASSERT_ERR(asy_json_get_int64(asy_json_at(doc.root, 3), &i), ASY_ERANGE);
    ASSERT_OK(asy_json_get_int64(asy_json_at(doc.root, 4), &i));
    ASSERT_EQ(i, 0);
    asy_json_doc_free(&doc);
}

static void expect_error(const char *t, int code, size_t offset, size_t line, size_t col) {
    asy_json_doc_t doc;
    asy_json_error_t err;
    int r = asy_json_parse(&doc, t, strlen(t), NULL, &err);
    if (r != code || err.code != code || err.offset != offset || err.line != line || err.column != col)
        FAIL("%s: got %s at %zu (%zu:%zu), want %s at %zu (%zu:%zu)", t, asy_err_name(r), err.offset,
             err.line, err.column, asy_err_name(code), offset, line, col);
    ASSERT_NULL(doc.root);
}

TEST(json_errors_with_offsets) {
    expect_error("", ASY_EJSON_EOF, 0, 1, 1);
    expect_error("[1,", ASY_EJSON_EOF, 3, 1, 4);
    expect_error("[1,]", ASY_EJSON_SYNTAX, 3, 1, 4);
    expect_error("{\n  \"a\": tru }", ASY_EJSON_SYNTAX, 12, 2, 11);
    expect_error("{\"a\" 1}", ASY_EJSON_SYNTAX, 5, 1, 6);
    expect_error("[\"ab\\q\"]", ASY_EJSON_ESCAPE, 4, 1, 5);
    expect_error("[\"\\u12G4\"]", ASY_EJSON_ESCAPE, 2, 1, 3);
    expect_error("[\"a\tb\"]", ASY_EJSON_CONTROL, 3, 1, 4);
    expect_error("[\"a\xc3\"]", ASY_EJSON_UTF8, 3, 1, 4);
    expect_error("[\"\xed\xa0\x80\"]", ASY_EJSON_UTF8, 2, 1, 3);
    expect_error("[01]", ASY_EJSON_SYNTAX, 2, 1, 3);
    expect_error("[1.e5]", ASY_EJSON_NUMBER, 3, 1, 4);
    expect_error("-", ASY_EJSON_EOF, 1, 1, 2);
    expect_error("[-x]", ASY_EJSON_NUMBER, 2, 1, 3);
    expect_error("{} {}", ASY_EJSON_TRAILING, 3, 1, 4);
    expect_error("nul", ASY_EJSON_EOF, 3, 1, 4);
    expect_error("\"abc", ASY_EJSON_EOF, 4, 1, 5);
    ASSERT_STR_EQ(asy_err_name(ASY_EJSON_SYNTAX), "EJSON_SYNTAX");
    ASSERT_STR_EQ(asy_strerror(ASY_EJSON_DEPTH), "JSON: nesting deeper than the depth limit");
}

TEST(json_bad_arguments) {
    asy_json_doc_t doc;
    asy_json_error_t err;
    char *out;
    ASSERT_ERR(asy_json_parse(NULL, "1", 1, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_json_parse(&doc, NULL, 3, NULL, &err), ASY_EINVAL);
    ASSERT_EQ(err.code, ASY_EINVAL);
    ASSERT_ERR(asy_json_parse(&doc, NULL, 0, NULL, NULL), ASY_EJSON_EOF);
    ASSERT_ERR(asy_json_stringify(NULL, 0, &out, NULL), ASY_EINVAL);
    ASSERT_NULL(asy_json_new_null(NULL));
    ASSERT_EQ(asy_json_typeof(NULL), ASY_JSON_NULL);
    ASSERT_EQ(asy_json_len(NULL), 0);
}

TEST(json_depth_limit) {
    asy_json_doc_t doc;
    asy_json_error_t err;
    const char *t = "[[[[{\"a\":[1]}]]]]";
    ASSERT_OK(asy_json_parse(&doc, t, strlen(t), &(asy_json_parse_opts_t){.max_depth = 6}, NULL));
    asy_json_doc_free(&doc);
    ASSERT_ERR(asy_json_parse(&doc, t, strlen(t), &(asy_json_parse_opts_t){.max_depth = 5}, &err),
               ASY_EJSON_DEPTH);
    ASSERT_EQ(err.offset, 9);
}

TEST(json_js_object_semantics) {
    asy_json_doc_t doc;
    const char *t = "{\"b\":1,\"4294967295\":2,\"4294967294\":3,\"1\":4,\"01\":5,\"-1\":6,\"a\":7,\"b\":8,\"0\":9}";
    ASSERT_OK(asy_json_parse(&doc, t, strlen(t), NULL, NULL));
    STRFY_EQ(doc.root, 0, "{\"0\":9,\"1\":4,\"4294967294\":3,\"b\":8,\"4294967295\":2,\"01\":5,\"-1\":6,\"a\":7}");
    asy_json_doc_free(&doc);
    ASSERT_OK(asy_json_parse(&doc, t, strlen(t), &(asy_json_parse_opts_t){.flags = ASY_JSON_DOC_ORDER}, NULL));
    ASSERT_EQ(asy_json_len(doc.root), 9);
    ASSERT(asy_json_get(doc.root, "b")->u.num == 8); /* the last one, as JSON.parse */
    STRFY_EQ(doc.root, 0, t);
    asy_json_doc_free(&doc);
}

TEST(json_many_keys_dedupe) {
    /* more than 16 members take the hashed path */
    char t[8192];
    size_t n = 0;
    int i;
    asy_json_doc_t doc;
    n += (size_t)snprintf(t + n, sizeof(t) - n, "{");
    for (i = 0; i < 300; i++) n += (size_t)snprintf(t + n, sizeof(t) - n, "%s\"k%d\":%d", i ? "," : "", i % 100, i);
    n += (size_t)snprintf(t + n, sizeof(t) - n, "}");
    ASSERT_OK(asy_json_parse(&doc, t, n, NULL, NULL));
    ASSERT_EQ(asy_json_len(doc.root), 100);
    ASSERT_STR_EQ(asy_json_member_at(doc.root, 7)->key, "k7");
    ASSERT(asy_json_get(doc.root, "k7")->u.num == 207);
    asy_json_doc_free(&doc);
}

TEST(json_stringify_indent) {
    asy_json_doc_t doc;
    const char *t = "{\"a\":[1,{\"b\":[]},{}],\"c\":\"\\u2028\\\"\\u0001\\ud800\\/\"}";
    ASSERT_OK(asy_json_parse(&doc, t, strlen(t), NULL, NULL));
    STRFY_EQ(doc.root, 2,
             "{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    },\n    {}\n  ],\n"
             "  \"c\": \"\xe2\x80\xa8\\\"\\u0001\\ud800/\"\n}");
    STRFY_EQ(doc.root, 0, "{\"a\":[1,{\"b\":[]},{}],\"c\":\"\xe2\x80\xa8\\\"\\u0001\\ud800/\"}");
    STRFY_EQ(doc.root, 40, /* clamped to 10, like JSON.stringify's space */
             "{\n          \"a\": [\n                    1,\n                    {\n"
             "                              \"b\": []\n                    },\n"
             "                    {}\n          ],\n          \"c\": \"\xe2\x80\xa8\\\"\\u0001\\ud800/\"\n}");
    asy_json_doc_free(&doc);
}

TEST(json_format_number) {
    static const struct {
        double d;
        const char *s;
    } cases[] = {{0.0, "0"}, {-0.0, "0"}, {1, "1"}, {-1, "-1"}, {0.1, "0.1"}, {0.3, "0.3"},
                 {0.1 + 0.2, "0.30000000000000004"}, {1e21, "1e+21"}, {1e20, "100000000000000000000"},
                 {123456789012345680000.0, "123456789012345680000"}, {1.5e-7, "1.5e-7"},
                 {0.000001, "0.000001"}, {1e-7, "1e-7"}, {5e-324, "5e-324"},
                 {1.7976931348623157e308, "1.7976931348623157e+308"}, {2.2250738585072014e-308, "2.2250738585072014e-308"},
                 {9007199254740993.0, "9007199254740992"}, {1152921504606846976.0, "1152921504606847000"},
                 {3.141592653589793, "3.141592653589793"}, {100, "100"}, {1e100, "1e+100"},
                 {12.34, "12.34"}, {-1.25e-5, "-0.0000125"}, {4.35, "4.35"}, {0.000123, "0.000123"},
                 {-3.3333333333333335e-6, "-0.0000033333333333333333"}, /* the longest: 25 bytes */
                 {-1.2345678901234567e-300, "-1.2345678901234568e-300"}};
    char buf[ASY_JSON_NUMBER_BUF];
    size_t i;
    for (i = 0; i < ASY_ARRAY_SIZE(cases); i++) {
        size_t n = asy_json_format_number(cases[i].d, buf);
        ASSERT_EQ(n, strlen(buf));
        if (strcmp(buf, cases[i].s) != 0) FAIL("%.17g printed %s, want %s", cases[i].d, buf, cases[i].s);
    }
    asy_json_format_number(1.0 / 0.0, buf);
    ASSERT_STR_EQ(buf, "Infinity");
    asy_json_format_number(-1.0 / 0.0, buf);
    ASSERT_STR_EQ(buf, "-Infinity");
    asy_json_format_number(0.0 / 0.0, buf);
    ASSERT_STR_EQ(buf, "NaN");
}

TEST(json_builder) {
    asy_json_doc_t doc;
    asy_json_value_t *root, *arr;
    int i;
    asy_json_doc_init(&doc);
    root = asy_json_new_object(&doc);
    arr = asy_json_new_array(&doc);
    ASSERT_NOT_NULL(root);
    for (i = 0; i < 20; i++) ASSERT_OK(asy_json_array_push(&doc, arr, asy_json_new_number(&doc, i * 0.5)));
    ASSERT_OK(asy_json_object_set(&doc, root, "name", 4, asy_json_new_string(&doc, "a\"b", 3)));
    ASSERT_OK(asy_json_object_set(&doc, root, "list", 4, arr));
    ASSERT_OK(asy_json_object_set(&doc, root, "ok", 2, asy_json_new_bool(&doc, 1)));
    ASSERT_OK(asy_json_object_set(&doc, root, "name", 4, asy_json_new_null(&doc))); /* replaces */
    ASSERT_OK(asy_json_object_set(&doc, root, "inf", 3, asy_json_new_number(&doc, 1.0 / 0.0)));
    ASSERT_ERR(asy_json_array_push(&doc, root, arr), ASY_EJSON_TYPE);
    ASSERT_ERR(asy_json_object_set(&doc, arr, "x", 1, root), ASY_EJSON_TYPE);
    ASSERT_ERR(asy_json_object_set(&doc, root, "\xff", 1, arr), ASY_EJSON_UTF8);
    ASSERT_ERR(asy_json_array_push(&doc, arr, NULL), ASY_EINVAL);
    ASSERT_NULL(asy_json_new_string(&doc, "\xc3", 1));
    STRFY_EQ(root, 0, "{\"name\":null,\"list\":[0,0.5,1,1.5,2,2.5,3,3.5,4,4.5,5,5.5,6,6.5,7,7.5,8,8.5,9,9.5],"
                      "\"ok\":true,\"inf\":null}");
    ASSERT_EQ(asy_json_len(asy_json_get(root, "list")), 20);
    asy_json_doc_free(&doc);
}

TEST(json_writer_memory) {
    asy_json_writer_t w;
    char *s;
    size_t len;
    ASSERT_OK(asy_json_writer_init(&w, 2, NULL, NULL));
    ASSERT_ERR(asy_json_write_key(&w, "x"), ASY_EJSON_WRITER);
    ASSERT_ERR(asy_json_writer_finish(&w), ASY_EJSON_WRITER);
    ASSERT_OK(asy_json_write_begin_object(&w));
    ASSERT_ERR(asy_json_write_null(&w), ASY_EJSON_WRITER); /* a key is due */
    ASSERT_ERR(asy_json_write_end_array(&w), ASY_EJSON_WRITER);
    ASSERT_OK(asy_json_write_key(&w, "id"));
    ASSERT_ERR(asy_json_write_key(&w, "again"), ASY_EJSON_WRITER);
    ASSERT_ERR(asy_json_write_end_object(&w), ASY_EJSON_WRITER);
    ASSERT_OK(asy_json_write_int64(&w, INT64_MIN));
    ASSERT_ERR(asy_json_write_key(&w, "\xc0\xaf"), ASY_EJSON_UTF8);
    ASSERT_OK(asy_json_write_key(&w, "tags"));
    ASSERT_OK(asy_json_write_begin_array(&w));
    ASSERT_ERR(asy_json_write_stringn(&w, "\xe2\x82", 2), ASY_EJSON_UTF8);
    ASSERT_OK(asy_json_write_string(&w, "t\n1"));
    ASSERT_OK(asy_json_write_number(&w, 0.1));
    ASSERT_OK(asy_json_write_number(&w, 0.0 / 0.0));
    ASSERT_OK(asy_json_write_bool(&w, 0));
    ASSERT_OK(asy_json_write_begin_array(&w));
    ASSERT_OK(asy_json_write_end_array(&w));
    ASSERT_OK(asy_json_write_end_array(&w));
    ASSERT_OK(asy_json_write_end_object(&w));
    ASSERT_ERR(asy_json_write_null(&w), ASY_EJSON_WRITER); /* one top-level value */
    ASSERT_OK(asy_json_writer_finish(&w));
    s = asy_json_writer_take(&w, &len);
    ASSERT_STR_EQ(s, "{\n  \"id\": -9223372036854775808,\n  \"tags\": [\n    \"t\\n1\",\n    0.1,\n"
                     "    null,\n    false,\n    []\n  ]\n}");
    ASSERT_EQ(len, strlen(s));
    asy_free(s);
    asy_json_writer_free(&w);
}

typedef struct sink_state {
    char *p;
    size_t len;
    int calls, fail_at;
    size_t max_piece;
} sink_state;

static int sink(void *arg, const char *data, size_t len) {
    sink_state *st = (sink_state *)arg;
    st->calls++;
    if (st->fail_at && st->calls >= st->fail_at) return ASY_EPIPE;
    if (len > st->max_piece) st->max_piece = len;
    st->p = (char *)realloc(st->p, st->len + len + 1);
    memcpy(st->p + st->len, data, len);
    st->len += len;
    st->p[st->len] = 0;
    return 0;
}

TEST(json_writer_sink) {
    asy_json_writer_t w;
    sink_state st;
    char *big = (char *)malloc(100001), *want;
    asy_json_doc_t doc;
    int i;
    memset(&st, 0, sizeof(st));
    for (i = 0; i < 100000; i++) big[i] = (char)(i % 7 == 0 ? '\n' : i % 11 == 0 ? '"' : 'a' + i % 26);
    memcpy(big + 5000, "\xe2\x82\xac", 3); /* characters across slice edges */
    memcpy(big + 60000, "\xf0\x9f\x98\x80", 4);
    big[100000] = 0;
    ASSERT_OK(asy_json_writer_init(&w, 0, sink, &st));
    ASSERT_OK(asy_json_write_begin_array(&w));
    for (i = 0; i < 3000; i++) ASSERT_OK(asy_json_write_number(&w, i + 0.25));
    ASSERT_OK(asy_json_write_string(&w, big));
    ASSERT_OK(asy_json_write_end_array(&w));
    ASSERT_OK(asy_json_writer_finish(&w));
    ASSERT_NULL(asy_json_writer_take(&w, NULL)); /* a sink writer keeps nothing */
    asy_json_writer_free(&w);
    ASSERT_LE(st.max_piece, 4096);
    ASSERT_GT(st.calls, 10);
    /* what the sink got parses back to the same values */
    ASSERT_OK(asy_json_parse(&doc, st.p, st.len, NULL, NULL));
    ASSERT_EQ(asy_json_len(doc.root), 3001);
    ASSERT_EQ(asy_json_at(doc.root, 3000)->len, 100000);
    ASSERT_MEM_EQ(asy_json_at(doc.root, 3000)->u.str, big, 100000);
    want = strfy(doc.root, 0);
    ASSERT_EQ(strlen(want), st.len);
    ASSERT_MEM_EQ(want, st.p, st.len);
    asy_free(want);
    asy_json_doc_free(&doc);
    /* a sink error sticks */
    free(st.p);
    memset(&st, 0, sizeof(st));
    st.fail_at = 2;
    ASSERT_OK(asy_json_writer_init(&w, 0, sink, &st));
    ASSERT_OK(asy_json_write_begin_array(&w));
    for (i = 0; i < 3000 && asy_json_write_number(&w, i) == 0; i++) {}
    ASSERT_LT(i, 3000);
    ASSERT_ERR(asy_json_write_null(&w), ASY_EPIPE);
    ASSERT_ERR(asy_json_writer_finish(&w), ASY_EPIPE);
    asy_json_writer_free(&w);
    free(st.p);
    free(big);
}

TEST(json_writer_tree_deep) {
    /* the tree writer is iterative: a 100000-deep tree writes fine */
    static char t[200000];
    asy_json_doc_t doc;
    char *s;
    memset(t, '[', 100000);
    memset(t + 100000, ']', 100000);
    ASSERT_OK(asy_json_parse(&doc, t, sizeof(t), &(asy_json_parse_opts_t){.max_depth = 100000}, NULL));
    s = strfy(doc.root, 0);
    ASSERT_EQ(strlen(s), sizeof(t));
    ASSERT_MEM_EQ(s, t, sizeof(t));
    asy_free(s);
    asy_json_doc_free(&doc);
}
