/* The JSON parser on arbitrary bytes.  Besides not crashing or leaking: a
 * rejected input reports an offset inside it; an accepted one stringifies
 * (compact and indented) to text that parses again to a tree that
 * stringifies to the same bytes (parse and stringify agree, in both
 * member orders), and every node reads back through the lookup API. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdint.h>
#include <stdlib.h>

#define CHECK(c)           \
    do {                   \
        if (!(c)) abort(); \
    } while (0)

static void walk(const asy_json_value_t *v, int depth) {
    size_t i;
    if (depth > 2000) return;
    switch (asy_json_typeof(v)) {
    case ASY_JSON_ARRAY:
        for (i = 0; i < asy_json_len(v); i++) walk(asy_json_at(v, i), depth + 1);
        CHECK(asy_json_at(v, asy_json_len(v)) == NULL);
        break;
    case ASY_JSON_OBJECT:
        for (i = 0; i < asy_json_len(v); i++) {
            const asy_json_member_t *m = asy_json_member_at(v, i);
            CHECK(m && strlen(m->key) <= m->key_len);
            CHECK(asy_json_getn(v, m->key, m->key_len) != NULL);
            walk(&m->value, depth + 1);
        }
        break;
    case ASY_JSON_STRING: CHECK(v->u.str[v->len] == 0); break;
    default: break;
    }
}

static void roundtrip(const asy_json_value_t *root, int indent, unsigned flags) {
    char *a = NULL, *b = NULL;
    size_t alen, blen;
    asy_json_doc_t again;
    asy_json_parse_opts_t o;
    memset(&o, 0, sizeof(o));
    o.max_depth = 100000;
    o.flags = flags;
    CHECK(asy_json_stringify(root, indent, &a, &alen) == 0);
    CHECK(asy_json_parse(&again, a, alen, &o, NULL) == 0);
    CHECK(asy_json_stringify(again.root, indent, &b, &blen) == 0);
    CHECK(alen == blen && memcmp(a, b, alen) == 0);
    asy_free(a);
    asy_free(b);
    asy_json_doc_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    asy_json_doc_t doc;
    asy_json_error_t err;
    unsigned flags = (size && (data[0] & 1)) ? ASY_JSON_DOC_ORDER : 0;
    asy_json_parse_opts_t o;
    int r;
    memset(&o, 0, sizeof(o));
    o.flags = flags;
    r = asy_json_parse(&doc, (const char *)data, size, &o, &err);
    if (r < 0) {
        CHECK(err.code == r && err.offset <= size && doc.root == NULL);
        CHECK(r == ASY_EJSON_SYNTAX || r == ASY_EJSON_EOF || r == ASY_EJSON_DEPTH || r == ASY_EJSON_UTF8 ||
              r == ASY_EJSON_ESCAPE || r == ASY_EJSON_NUMBER || r == ASY_EJSON_CONTROL ||
              r == ASY_EJSON_TRAILING || r == ASY_ENOMEM);
        return 0;
    }
    walk(doc.root, 0);
    roundtrip(doc.root, 0, flags);
    roundtrip(doc.root, 2, flags);
    asy_json_doc_free(&doc);
    return 0;
}
