/* Reading and building trees. */
#include "json.internal.h"

ASYNCRT_API asy_json_type_t asy_json_typeof(const asy_json_value_t *v) {
    if (!v || v->type < ASY_JSON_NULL || v->type > ASY_JSON_OBJECT) return ASY_JSON_NULL;
    return (asy_json_type_t)v->type;
}

ASYNCRT_API size_t asy_json_len(const asy_json_value_t *v) {
    if (!v) return 0;
    if (v->type == ASY_JSON_STRING || v->type == ASY_JSON_ARRAY || v->type == ASY_JSON_OBJECT)
        return v->len;
    return 0;
}

ASYNCRT_API const asy_json_value_t *asy_json_getn(const asy_json_value_t *obj, const char *key,
                                                  size_t key_len) {
    size_t i;
    const asy_json_value_t *found = NULL;
    if (!obj || obj->type != ASY_JSON_OBJECT || (!key && key_len)) return NULL;
    /* the last match: with ASY_JSON_DOC_ORDER a repeated key may appear
     * twice, and JSON.parse keeps the last value */
    for (i = 0; i < obj->len; i++) {
        const asy_json_member_t *m = &obj->u.members[i];
        if (m->key_len == key_len && memcmp(m->key, key, key_len) == 0) found = &m->value;
    }
    return found;
}

ASYNCRT_API const asy_json_value_t *asy_json_get(const asy_json_value_t *obj, const char *key) {
    if (!key) return NULL;
    return asy_json_getn(obj, key, strlen(key));
}

ASYNCRT_API const asy_json_value_t *asy_json_at(const asy_json_value_t *arr, size_t i) {
    if (!arr || arr->type != ASY_JSON_ARRAY || i >= arr->len) return NULL;
    return &arr->u.items[i];
}

ASYNCRT_API const asy_json_member_t *asy_json_member_at(const asy_json_value_t *obj, size_t i) {
    if (!obj || obj->type != ASY_JSON_OBJECT || i >= obj->len) return NULL;
    return &obj->u.members[i];
}

ASYNCRT_API const asy_json_value_t *asy_json_pointer(const asy_json_value_t *v, const char *ptr) {
    char tok[256];
    if (!v || !ptr) return NULL;
    if (*ptr == 0) return v;
    if (*ptr != '/') return NULL;
    while (v && *ptr == '/') {
        size_t n = 0;
        ptr++;
        while (*ptr && *ptr != '/') {
            char c = *ptr++;
            if (c == '~') {
                if (*ptr == '0') c = '~';
                else if (*ptr == '1') c = '/';
                else return NULL;
                ptr++;
            }
            if (n >= sizeof(tok)) return NULL;
            tok[n++] = c;
        }
        if (v->type == ASY_JSON_OBJECT) {
            v = asy_json_getn(v, tok, n);
        } else if (v->type == ASY_JSON_ARRAY) {
            size_t i, idx = 0;
            if (n == 0 || (n > 1 && tok[0] == '0')) return NULL;
            for (i = 0; i < n; i++) {
                if (tok[i] < '0' || tok[i] > '9' || idx > ((size_t)-1) / 10 - 1) return NULL;
                idx = idx * 10 + (size_t)(tok[i] - '0');
            }
            v = asy_json_at(v, idx);
        } else
            return NULL;
    }
    return v;
}

ASYNCRT_API int asy_json_get_number(const asy_json_value_t *v, double *out) {
    if (!v || v->type != ASY_JSON_NUMBER) return ASY_EJSON_TYPE;
    if (out) *out = v->u.num;
    return 0;
}

ASYNCRT_API int asy_json_get_int64(const asy_json_value_t *v, int64_t *out) {
    double d;
    if (!v || v->type != ASY_JSON_NUMBER) return ASY_EJSON_TYPE;
    d = v->u.num;
    /* 2^63 is exact as a double; NaN fails every comparison */
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || d != (double)(int64_t)d)
        return ASY_ERANGE;
    if (out) *out = (int64_t)d;
    return 0;
}

ASYNCRT_API int asy_json_get_bool(const asy_json_value_t *v, int *out) {
    if (!v || (v->type != ASY_JSON_TRUE && v->type != ASY_JSON_FALSE)) return ASY_EJSON_TYPE;
    if (out) *out = v->type == ASY_JSON_TRUE;
    return 0;
}

ASYNCRT_API int asy_json_get_string(const asy_json_value_t *v, const char **out, size_t *len) {
    if (!v || v->type != ASY_JSON_STRING) return ASY_EJSON_TYPE;
    if (out) *out = v->u.str;
    if (len) *len = v->len;
    return 0;
}

ASYNCRT_API int asy_json_is_null(const asy_json_value_t *v) { return v && v->type == ASY_JSON_NULL; }

/* ---- building ---- */

ASY__INTERNAL asy_json_value_t *asy__json_new(asy_json_doc_t *doc, int type) {
    asy_json_value_t *v;
    if (!doc) return NULL;
    v = (asy_json_value_t *)asy__json_alloc(doc, sizeof(asy_json_value_t));
    if (!v) return NULL;
    memset(v, 0, sizeof(*v));
    v->type = type;
    return v;
}

ASYNCRT_API asy_json_value_t *asy_json_new_null(asy_json_doc_t *doc) { return asy__json_new(doc, ASY_JSON_NULL); }

ASYNCRT_API asy_json_value_t *asy_json_new_bool(asy_json_doc_t *doc, int b) {
    return asy__json_new(doc, b ? ASY_JSON_TRUE : ASY_JSON_FALSE);
}

ASYNCRT_API asy_json_value_t *asy_json_new_number(asy_json_doc_t *doc, double d) {
    asy_json_value_t *v = asy__json_new(doc, ASY_JSON_NUMBER);
    if (v) v->u.num = d;
    return v;
}

ASY__INTERNAL int asy__json_valid_wtf8(const char *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        size_t n = asy__json_utf8_len((const unsigned char *)s + i, len - i, 1);
        if (!n) return 0;
        i += n;
    }
    return 1;
}

ASY__INTERNAL char *asy__json_strdup(asy_json_doc_t *doc, const char *s, size_t len) {
    char *d = (char *)asy__json_alloc(doc, len + 1);
    if (!d) return NULL;
    if (len) memcpy(d, s, len);
    d[len] = 0;
    return d;
}

ASYNCRT_API asy_json_value_t *asy_json_new_string(asy_json_doc_t *doc, const char *s, size_t len) {
    asy_json_value_t *v;
    char *d;
    if (!doc || (!s && len) || !asy__json_valid_wtf8(s, len)) return NULL;
    d = asy__json_strdup(doc, s, len);
    if (!d) return NULL;
    v = asy__json_new(doc, ASY_JSON_STRING);
    if (!v) return NULL;
    v->u.str = d;
    v->len = len;
    return v;
}

ASYNCRT_API asy_json_value_t *asy_json_new_array(asy_json_doc_t *doc) { return asy__json_new(doc, ASY_JSON_ARRAY); }

ASYNCRT_API asy_json_value_t *asy_json_new_object(asy_json_doc_t *doc) { return asy__json_new(doc, ASY_JSON_OBJECT); }

/* Room for one more item: a new arena block twice the size (the old one
 * stays in the arena until the document is freed). */
ASY__INTERNAL int asy__json_grow(asy_json_doc_t *doc, asy_json_value_t *c, size_t item) {
    size_t cap;
    void *p;
    if (c->len < c->cap) return 0;
    cap = c->cap ? c->cap * 2 : 4;
    if (cap > ((size_t)-1) / item) return ASY_ENOMEM;
    p = asy__json_alloc(doc, cap * item);
    if (!p) return ASY_ENOMEM;
    if (c->len) memcpy(p, c->type == ASY_JSON_ARRAY ? (void *)c->u.items : (void *)c->u.members, c->len * item);
    if (c->type == ASY_JSON_ARRAY) c->u.items = (asy_json_value_t *)p;
    else c->u.members = (asy_json_member_t *)p;
    c->cap = cap;
    return 0;
}

ASYNCRT_API int asy_json_array_push(asy_json_doc_t *doc, asy_json_value_t *arr, const asy_json_value_t *v) {
    asy_json_value_t copy;
    int r;
    if (!doc || !arr || !v) return ASY_EINVAL;
    if (arr->type != ASY_JSON_ARRAY) return ASY_EJSON_TYPE;
    copy = *v; /* v may live inside arr's old block */
    if ((r = asy__json_grow(doc, arr, sizeof(asy_json_value_t))) < 0) return r;
    arr->u.items[arr->len++] = copy;
    return 0;
}

ASYNCRT_API int asy_json_object_set(asy_json_doc_t *doc, asy_json_value_t *obj, const char *key,
                                    size_t key_len, const asy_json_value_t *v) {
    asy_json_value_t copy;
    asy_json_member_t *m;
    size_t i;
    char *k;
    int r;
    if (!doc || !obj || !v || (!key && key_len)) return ASY_EINVAL;
    if (obj->type != ASY_JSON_OBJECT) return ASY_EJSON_TYPE;
    if (!asy__json_valid_wtf8(key, key_len)) return ASY_EJSON_UTF8;
    copy = *v;
    for (i = obj->len; i > 0; i--) {
        m = &obj->u.members[i - 1];
        if (m->key_len == key_len && memcmp(m->key, key, key_len) == 0) {
            m->value = copy;
            return 0;
        }
    }
    if (!(k = asy__json_strdup(doc, key ? key : "", key_len))) return ASY_ENOMEM;
    if ((r = asy__json_grow(doc, obj, sizeof(asy_json_member_t))) < 0) return r;
    m = &obj->u.members[obj->len++];
    m->key = k;
    m->key_len = key_len;
    m->value = copy;
    return 0;
}
