/* Helpers shared by the URL tests (tests/test_url*.c): a small JSON reader
 * for the WPT data files (test code only: the library's JSON is its own
 * module) and the lookup of those files. */
#ifndef ASYRT_URL_TEST_H
#define ASYRT_URL_TEST_H

#include "../asyncrt.h"
#include "test.h"

#if !defined(_WIN32)
#include <dirent.h>
#endif

typedef enum { UJ_NULL, UJ_BOOL, UJ_NUM, UJ_STR, UJ_ARR, UJ_OBJ } uj_kind;

typedef struct uj {
    uj_kind kind;
    char *str;      /* UJ_STR: UTF-8, NUL-terminated */
    size_t len;     /* UJ_STR: bytes; UJ_ARR/UJ_OBJ: items */
    double num;
    int boolean;
    char **keys;    /* UJ_OBJ */
    struct uj **items;
} uj;

typedef struct {
    const char *s, *end;
    int err;
} uj_reader;

static __attribute__((unused)) void uj_ws(uj_reader *r) {
    while (r->s < r->end && (*r->s == ' ' || *r->s == '\n' || *r->s == '\r' || *r->s == '\t')) r->s++;
}

static __attribute__((unused)) void uj_put(char **buf, size_t *len, size_t *cap, const char *p, size_t n) {
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = (char *)realloc(*buf, *cap);
        if (!*buf) FAIL("out of memory");
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    (*buf)[*len] = '\0';
}

static __attribute__((unused)) void uj_put_cp(char **buf, size_t *len, size_t *cap, unsigned cp) {
    char t[4];
    size_t n;
    if (cp < 0x80) { t[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { t[0] = (char)(0xc0 | (cp >> 6)); t[1] = (char)(0x80 | (cp & 63)); n = 2; }
    else if (cp < 0x10000) {
        t[0] = (char)(0xe0 | (cp >> 12)); t[1] = (char)(0x80 | ((cp >> 6) & 63));
        t[2] = (char)(0x80 | (cp & 63)); n = 3;
    } else {
        t[0] = (char)(0xf0 | (cp >> 18)); t[1] = (char)(0x80 | ((cp >> 12) & 63));
        t[2] = (char)(0x80 | ((cp >> 6) & 63)); t[3] = (char)(0x80 | (cp & 63)); n = 4;
    }
    uj_put(buf, len, cap, t, n);
}

static __attribute__((unused)) int uj_hex4(uj_reader *r, unsigned *v) {
    int i;
    *v = 0;
    if (r->end - r->s < 4) return -1;
    for (i = 0; i < 4; i++) {
        char c = r->s[i];
        *v <<= 4;
        if (c >= '0' && c <= '9') *v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') *v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') *v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    r->s += 4;
    return 0;
}

/* A JSON string; lone surrogates become U+FFFD, as a JS string does when
 * it is handed to a URL parser (USVString conversion). */
static __attribute__((unused)) char *uj_string(uj_reader *r, size_t *out_len) {
    char *buf = NULL;
    size_t len = 0, cap = 0;
    uj_put(&buf, &len, &cap, "", 0);
    r->s++; /* " */
    while (r->s < r->end && *r->s != '"') {
        if (*r->s == '\\') {
            char e;
            r->s++;
            if (r->s >= r->end) break;
            e = *r->s++;
            switch (e) {
                case 'n': uj_put(&buf, &len, &cap, "\n", 1); break;
                case 't': uj_put(&buf, &len, &cap, "\t", 1); break;
                case 'r': uj_put(&buf, &len, &cap, "\r", 1); break;
                case 'b': uj_put(&buf, &len, &cap, "\b", 1); break;
                case 'f': uj_put(&buf, &len, &cap, "\f", 1); break;
                case 'u': {
                    unsigned v, lo;
                    if (uj_hex4(r, &v)) { r->err = 1; return buf; }
                    if (v >= 0xd800 && v <= 0xdbff) {
                        if (r->end - r->s >= 6 && r->s[0] == '\\' && r->s[1] == 'u') {
                            const char *save = r->s;
                            r->s += 2;
                            if (uj_hex4(r, &lo) == 0 && lo >= 0xdc00 && lo <= 0xdfff) {
                                v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
                            } else {
                                r->s = save;
                                v = 0xfffd;
                            }
                        } else {
                            v = 0xfffd;
                        }
                    } else if (v >= 0xdc00 && v <= 0xdfff) {
                        v = 0xfffd;
                    }
                    uj_put_cp(&buf, &len, &cap, v);
                    break;
                }
                default: uj_put(&buf, &len, &cap, &e, 1); break;
            }
        } else {
            uj_put(&buf, &len, &cap, r->s, 1);
            r->s++;
        }
    }
    if (r->s >= r->end) r->err = 1;
    else r->s++;
    *out_len = len;
    return buf;
}

static __attribute__((unused)) uj *uj_value(uj_reader *r) {
    uj *v = (uj *)calloc(1, sizeof(uj));
    if (!v) FAIL("out of memory");
    uj_ws(r);
    if (r->s >= r->end) { r->err = 1; return v; }
    if (*r->s == '{' || *r->s == '[') {
        int obj = *r->s == '{';
        char close = obj ? '}' : ']';
        size_t cap = 0;
        v->kind = obj ? UJ_OBJ : UJ_ARR;
        r->s++;
        uj_ws(r);
        if (r->s < r->end && *r->s == close) { r->s++; return v; }
        while (!r->err) {
            char *key = NULL;
            if (v->len == cap) {
                cap = cap ? cap * 2 : 8;
                v->items = (uj **)realloc(v->items, cap * sizeof(uj *));
                v->keys = (char **)realloc(v->keys, cap * sizeof(char *));
                if (!v->items || !v->keys) FAIL("out of memory");
            }
            if (obj) {
                size_t kl;
                uj_ws(r);
                if (r->s >= r->end || *r->s != '"') { r->err = 1; break; }
                key = uj_string(r, &kl);
                uj_ws(r);
                if (r->s >= r->end || *r->s != ':') { r->err = 1; free(key); break; }
                r->s++;
            }
            v->keys[v->len] = key;
            v->items[v->len++] = uj_value(r);
            uj_ws(r);
            if (r->s < r->end && *r->s == ',') { r->s++; continue; }
            if (r->s < r->end && *r->s == close) { r->s++; break; }
            r->err = 1;
        }
        return v;
    }
    if (*r->s == '"') {
        v->kind = UJ_STR;
        v->str = uj_string(r, &v->len);
    } else if (r->end - r->s >= 4 && memcmp(r->s, "null", 4) == 0) {
        v->kind = UJ_NULL;
        r->s += 4;
    } else if (r->end - r->s >= 4 && memcmp(r->s, "true", 4) == 0) {
        v->kind = UJ_BOOL;
        v->boolean = 1;
        r->s += 4;
    } else if (r->end - r->s >= 5 && memcmp(r->s, "false", 5) == 0) {
        v->kind = UJ_BOOL;
        r->s += 5;
    } else {
        char *e;
        v->kind = UJ_NUM;
        v->num = strtod(r->s, &e);
        if (e == r->s) r->err = 1;
        r->s = e;
    }
    return v;
}

static __attribute__((unused)) void uj_free(uj *v) {
    size_t i;
    if (!v) return;
    for (i = 0; i < v->len && (v->kind == UJ_ARR || v->kind == UJ_OBJ); i++) {
        uj_free(v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    free(v);
}

static __attribute__((unused)) const uj *uj_get(const uj *o, const char *key) {
    size_t i;
    if (!o || o->kind != UJ_OBJ) return NULL;
    for (i = 0; i < o->len; i++)
        if (strcmp(o->keys[i], key) == 0) return o->items[i];
    return NULL;
}

static __attribute__((unused)) const char *uj_str(const uj *o, const char *key) {
    const uj *v = uj_get(o, key);
    return v && v->kind == UJ_STR ? v->str : NULL;
}

/* Reads and parses a whole JSON file; NULL if it cannot be read. */
static __attribute__((unused)) uj *uj_load(const char *path) {
    FILE *f = fopen(path, "rb");
    char *data;
    long n;
    uj_reader r;
    uj *v;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = (char *)malloc((size_t)n + 1);
    if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) FAIL("cannot read %s", path);
    fclose(f);
    r.s = data;
    r.end = data + n;
    r.err = 0;
    v = uj_value(&r);
    if (r.err) FAIL("%s: bad JSON near offset %ld", path, (long)(r.s - data));
    free(data);
    return v;
}

/* The folder holding the WPT URL data Debian ships in librust-url-dev
 * (/usr/share/cargo/registry/url-<version>/tests), or ASYT_WPT_URL_DIR.
 * Skips the test when it is absent. */
static __attribute__((unused)) void ut_wpt_file(const char *name, char *out, size_t cap) {
    const char *env = getenv("ASYT_WPT_URL_DIR");
    FILE *f;
    if (env) {
        snprintf(out, cap, "%s/%s", env, name);
        if ((f = fopen(out, "rb"))) { fclose(f); return; }
    }
#if !defined(_WIN32)
    {
        DIR *d = opendir("/usr/share/cargo/registry");
        struct dirent *e;
        if (d) {
            while ((e = readdir(d))) {
                if (strncmp(e->d_name, "url-", 4) != 0 || e->d_name[4] < '0' || e->d_name[4] > '9') continue;
                snprintf(out, cap, "/usr/share/cargo/registry/%s/tests/%s", e->d_name, name);
                if ((f = fopen(out, "rb"))) {
                    fclose(f);
                    closedir(d);
                    return;
                }
            }
            closedir(d);
        }
    }
#endif
    SKIP("the WPT URL data is absent: install librust-url-dev (scripts/deps.sh) or set ASYT_WPT_URL_DIR");
}

/* A view equal to a C string. */
static __attribute__((unused)) int ut_eq(asy_url_view_t v, const char *s) { return s && strlen(s) == v.len && memcmp(v.ptr, s, v.len) == 0; }

#endif
