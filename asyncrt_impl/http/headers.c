/* The Fetch standard's Headers (fetch.h): a sorted array of lowercased
 * names; one entry per name with the values combined, except Set-Cookie
 * (one entry per value, in insertion order). */
#include "fetch.h"
#include "../base/sys.internal.h"
#if ASYNCRT_OS_POSIX

#include <string.h>

struct asy__hdr_entry {
    char *name;
    char *value;
};

ASYNCRT_API void asy_headers_init(asy_headers_t *h) {
    if (h) memset(h, 0, sizeof(*h));
}

ASYNCRT_API void asy_headers_free(asy_headers_t *h) {
    size_t i;
    if (!h) return;
    for (i = 0; i < h->n_; i++) {
        asy_free(h->items_[i].name);
        asy_free(h->items_[i].value);
    }
    asy_free(h->items_);
    asy_free(h->cookie_cache_);
    memset(h, 0, sizeof(*h));
}

ASY__INTERNAL int asy__hdr_token(const char *s, size_t n) {
    size_t i;
    if (!n) return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              (c && strchr("!#$%&'*+-.^_`|~", c))))
            return 0;
    }
    return 1;
}

/* A value without leading/trailing whitespace (the standard's normalize). */
ASY__INTERNAL int asy__hdr_value(const char **v, size_t *n) {
    size_t i;
    while (*n && ((*v)[0] == ' ' || (*v)[0] == '\t')) {
        (*v)++;
        (*n)--;
    }
    while (*n && ((*v)[*n - 1] == ' ' || (*v)[*n - 1] == '\t')) (*n)--;
    for (i = 0; i < *n; i++)
        if ((*v)[i] == '\r' || (*v)[i] == '\n' || (*v)[i] == 0) return 0;
    return 1;
}

ASY__INTERNAL char *asy__hdr_dup(const char *s, size_t n, int lower) {
    char *d = (char *)asy__malloc(n + 1);
    size_t i;
    if (!d) return NULL;
    for (i = 0; i < n; i++) {
        char c = s[i];
        d[i] = (lower && c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    d[n] = 0;
    return d;
}

/* Index of the first entry >= name (lowercase), and whether it matches. */
ASY__INTERNAL size_t asy__hdr_find(const asy_headers_t *h, const char *lname, int *found) {
    size_t lo = 0, hi = h->n_;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(h->items_[mid].name, lname) < 0) lo = mid + 1;
        else hi = mid;
    }
    *found = lo < h->n_ && strcmp(h->items_[lo].name, lname) == 0;
    return lo;
}

ASY__INTERNAL int asy__hdr_insert(asy_headers_t *h, size_t at, char *name, char *value) {
    if (h->n_ == h->cap_) {
        size_t nc = h->cap_ ? h->cap_ * 2 : 8;
        asy__hdr_entry *ni = (asy__hdr_entry *)asy__realloc(h->items_, nc * sizeof(*ni));
        if (!ni) return ASY_ENOMEM;
        h->items_ = ni;
        h->cap_ = nc;
    }
    memmove(h->items_ + at + 1, h->items_ + at, (h->n_ - at) * sizeof(*h->items_));
    h->items_[at].name = name;
    h->items_[at].value = value;
    h->n_++;
    return 0;
}

ASYNCRT_API int asy_headers_appendn(asy_headers_t *h, const char *name, size_t name_len,
                                    const char *value, size_t value_len) {
    char *ln, *nv;
    size_t at;
    int found;
    if (!h || !name || (!value && value_len)) return ASY_EINVAL;
    if (!value) value = "";
    if (!asy__hdr_token(name, name_len) || !asy__hdr_value(&value, &value_len)) return ASY_EINVAL;
    ln = asy__hdr_dup(name, name_len, 1);
    if (!ln) return ASY_ENOMEM;
    asy_free(h->cookie_cache_);
    h->cookie_cache_ = NULL;
    at = asy__hdr_find(h, ln, &found);
    if (found && strcmp(ln, "set-cookie") != 0) {
        asy__hdr_entry *e = &h->items_[at];
        size_t ol = strlen(e->value);
        nv = (char *)asy__realloc(e->value, ol + 2 + value_len + 1);
        asy_free(ln);
        if (!nv) return ASY_ENOMEM;
        memcpy(nv + ol, ", ", 2);
        memcpy(nv + ol + 2, value, value_len);
        nv[ol + 2 + value_len] = 0;
        e->value = nv;
        return 0;
    }
    while (found && at < h->n_ && strcmp(h->items_[at].name, ln) == 0) at++; /* after the others */
    nv = asy__hdr_dup(value, value_len, 0);
    if (!nv || asy__hdr_insert(h, at, ln, nv) != 0) {
        asy_free(ln);
        asy_free(nv);
        return ASY_ENOMEM;
    }
    return 0;
}

ASYNCRT_API int asy_headers_append(asy_headers_t *h, const char *name, const char *value) {
    if (!name) return ASY_EINVAL;
    return asy_headers_appendn(h, name, strlen(name), value, value ? strlen(value) : 0);
}

ASYNCRT_API int asy_headers_delete(asy_headers_t *h, const char *name) {
    char *ln;
    size_t at;
    int found;
    if (!h || !name) return ASY_EINVAL;
    if (!asy__hdr_token(name, strlen(name))) return ASY_EINVAL;
    ln = asy__hdr_dup(name, strlen(name), 1);
    if (!ln) return ASY_ENOMEM;
    at = asy__hdr_find(h, ln, &found);
    while (at < h->n_ && strcmp(h->items_[at].name, ln) == 0) {
        asy_free(h->items_[at].name);
        asy_free(h->items_[at].value);
        memmove(h->items_ + at, h->items_ + at + 1, (h->n_ - at - 1) * sizeof(*h->items_));
        h->n_--;
    }
    asy_free(ln);
    asy_free(h->cookie_cache_);
    h->cookie_cache_ = NULL;
    return 0;
}

ASYNCRT_API int asy_headers_set(asy_headers_t *h, const char *name, const char *value) {
    const char *v = value ? value : "";
    size_t vl = strlen(v);
    int r;
    if (!h || !name || !asy__hdr_token(name, strlen(name)) || !asy__hdr_value(&v, &vl))
        return ASY_EINVAL;
    if ((r = asy_headers_delete(h, name)) != 0) return r;
    return asy_headers_append(h, name, value);
}

ASYNCRT_API const char *asy_headers_get(asy_headers_t *h, const char *name) {
    char lname[128];
    size_t n, at, i;
    int found;
    if (!h || !name || (n = strlen(name)) >= sizeof(lname)) return NULL;
    for (i = 0; i <= n; i++)
        lname[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] + 32) : name[i];
    at = asy__hdr_find(h, lname, &found);
    if (!found) return NULL;
    if (strcmp(lname, "set-cookie") != 0) return h->items_[at].value;
    if (!h->cookie_cache_) {
        size_t total = 0, k, off = 0;
        for (k = at; k < h->n_ && strcmp(h->items_[k].name, lname) == 0; k++)
            total += strlen(h->items_[k].value) + 2;
        h->cookie_cache_ = (char *)asy__malloc(total + 1);
        if (!h->cookie_cache_) return NULL;
        for (k = at; k < h->n_ && strcmp(h->items_[k].name, lname) == 0; k++) {
            size_t l = strlen(h->items_[k].value);
            if (off) {
                memcpy(h->cookie_cache_ + off, ", ", 2);
                off += 2;
            }
            memcpy(h->cookie_cache_ + off, h->items_[k].value, l);
            off += l;
        }
        h->cookie_cache_[off] = 0;
    }
    return h->cookie_cache_;
}

ASYNCRT_API int asy_headers_has(const asy_headers_t *h, const char *name) {
    size_t i;
    if (!h || !name) return 0;
    for (i = 0; i < h->n_; i++)
        if (asy_http_name_eq(name, strlen(name), h->items_[i].name)) return 1;
    return 0;
}

ASYNCRT_API size_t asy_headers_count(const asy_headers_t *h) { return h ? h->n_ : 0; }

ASYNCRT_API int asy_headers_at(const asy_headers_t *h, size_t i, const char **name,
                               const char **value) {
    if (!h || i >= h->n_) return ASY_EINVAL;
    if (name) *name = h->items_[i].name;
    if (value) *value = h->items_[i].value;
    return 0;
}

ASYNCRT_API size_t asy_headers_set_cookie_count(const asy_headers_t *h) {
    size_t i, n = 0;
    if (!h) return 0;
    for (i = 0; i < h->n_; i++)
        if (strcmp(h->items_[i].name, "set-cookie") == 0) n++;
    return n;
}

ASYNCRT_API const char *asy_headers_set_cookie(const asy_headers_t *h, size_t idx) {
    size_t i, n = 0;
    if (!h) return NULL;
    for (i = 0; i < h->n_; i++)
        if (strcmp(h->items_[i].name, "set-cookie") == 0 && n++ == idx) return h->items_[i].value;
    return NULL;
}

ASYNCRT_API int asy_headers_copy(asy_headers_t *dst, const asy_headers_t *src) {
    size_t i;
    asy_headers_init(dst);
    if (!src) return 0;
    for (i = 0; i < src->n_; i++) {
        int r = asy_headers_append(dst, src->items_[i].name, src->items_[i].value);
        if (r != 0) {
            asy_headers_free(dst);
            return r;
        }
    }
    return 0;
}

#endif /* ASYNCRT_OS_POSIX */
