/* URLSearchParams: the application/x-www-form-urlencoded parser and
 * serializer over an ordered list of pairs, optionally bound to a URL. */
#include "url.internal.h"

/* Appends s[0..n) replacing ill-formed UTF-8 with U+FFFD, one per maximal
 * ill-formed subpart, as the standard's UTF-8 decoder does. */
ASY__INTERNAL void asy__ub_utf8_fix(asy__ubuf *b, const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], need = 0, lo = 0x80, hi = 0xbf, k;
        if (c < 0x80) {
            size_t j = i;
            while (j < n && s[j] < 0x80) j++;
            asy__ub_putn(b, (const char *)s + i, j - i);
            i = j;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) need = 1;
        else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            if (c == 0xe0) lo = 0xa0;
            if (c == 0xed) hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            if (c == 0xf0) lo = 0x90;
            if (c == 0xf4) hi = 0x8f;
        }
        for (k = 1; need && k <= need; k++) {
            if (i + k >= n || s[i + k] < lo || s[i + k] > hi) break;
            lo = 0x80;
            hi = 0xbf;
        }
        if (need && k > need) {
            asy__ub_putn(b, (const char *)s + i, need + 1);
            i += need + 1;
        } else {
            asy__ub_putn(b, "\xef\xbf\xbd", 3);
            i += need ? k : 1;
        }
    }
}

ASY__INTERNAL int asy__params_reserve(asy_url_params_t *p) {
    asy_url_param_t *ni;
    size_t ncap;
    if (p->count < p->cap) return 0;
    ncap = p->cap ? p->cap * 2 : 8;
    ni = (asy_url_param_t *)asy__realloc(p->items, ncap * sizeof(*ni));
    if (!ni) return ASY_ENOMEM;
    p->items = ni;
    p->cap = ncap;
    return 0;
}

/* One allocation holding "name\0value\0". */
ASY__INTERNAL int asy__param_make(asy_url_param_t *it, const char *name, size_t nl, const char *value, size_t vl) {
    char *s = (char *)asy__malloc(nl + vl + 2);
    if (!s) return ASY_ENOMEM;
    if (nl) memcpy(s, name, nl);
    s[nl] = '\0';
    if (vl) memcpy(s + nl + 1, value, vl);
    s[nl + 1 + vl] = '\0';
    it->name = s;
    it->name_len = nl;
    it->value = s + nl + 1;
    it->value_len = vl;
    return 0;
}

/* Decodes one name or value of a form-urlencoded string ('+' is space),
 * appending it to b; returns its start in b. */
ASY__INTERNAL size_t asy__params_decode(asy__ubuf *b, asy__ubuf *tmp, const char *s, size_t n) {
    size_t start = b->len, i;
    tmp->len = 0;
    for (i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '+') {
            asy__ub_putc(tmp, ' ');
        } else if (s[i] == '%' && i + 2 < n && (hi = asy__url_hexval((unsigned char)s[i + 1])) >= 0 &&
                   (lo = asy__url_hexval((unsigned char)s[i + 2])) >= 0) {
            asy__ub_putc(tmp, hi * 16 + lo);
            i += 2;
        } else {
            asy__ub_putc(tmp, (unsigned char)s[i]);
        }
    }
    asy__ub_utf8_fix(b, (const unsigned char *)tmp->p, tmp->len);
    return start;
}

ASYNCRT_API void asy_url_params_free(asy_url_params_t *p) {
    size_t i;
    if (!p) return;
    for (i = 0; i < p->count; i++) asy__free(p->items[i].name);
    asy__free(p->items);
    memset(p, 0, sizeof(*p));
}

/* The form-urlencoded parser; skip_q drops one leading '?' (the
 * URLSearchParams constructor does, url.searchParams does not). */
ASY__INTERNAL int asy__params_parse(asy_url_params_t *p, const char *query, size_t len, int skip_q) {
    asy__ubuf b, tmp;
    char local[256], local2[256];
    size_t i = 0;
    int r = 0;
    if (!p) return ASY_EINVAL;
    memset(p, 0, sizeof(*p));
    if (!query && len) return ASY_EINVAL;
    if (skip_q && len && query[0] == '?') i = 1;
    asy__ub_init(&b, local, sizeof(local));
    asy__ub_init(&tmp, local2, sizeof(local2));
    while (i < len && r == 0) {
        size_t e = i, eq, ns, vs;
        while (e < len && query[e] != '&') e++;
        if (e > i) {
            eq = i;
            while (eq < e && query[eq] != '=') eq++;
            b.len = 0;
            ns = asy__params_decode(&b, &tmp, query + i, eq - i);
            vs = asy__params_decode(&b, &tmp, query + (eq < e ? eq + 1 : e), eq < e ? e - eq - 1 : 0);
            r = b.err ? b.err : tmp.err;
            if (r == 0) r = asy__params_reserve(p);
            if (r == 0) r = asy__param_make(&p->items[p->count], b.p + ns, vs - ns, b.p + vs, b.len - vs);
            if (r == 0) p->count++;
        }
        i = e + 1;
    }
    asy__ub_free(&b);
    asy__ub_free(&tmp);
    if (r) asy_url_params_free(p);
    return r;
}

ASYNCRT_API int asy_url_params_parse(asy_url_params_t *p, const char *query, size_t len) {
    return asy__params_parse(p, query, len, 1);
}

ASYNCRT_API int asy_url_params_from_url(asy_url_params_t *p, asy_url_t *url) {
    int r;
    if (!p) return ASY_EINVAL;
    memset(p, 0, sizeof(*p));
    if (!url || !url->href) return ASY_EINVAL;
    r = url->has_query ? asy__params_parse(p, url->href + url->query_start + 1,
                                           url->frag_start - url->query_start - 1u, 0)
                       : 0;
    if (r == 0) p->url = url;
    return r;
}

ASYNCRT_API size_t asy_url_params_size(const asy_url_params_t *p) { return p ? p->count : 0; }

ASYNCRT_API const asy_url_param_t *asy_url_params_at(const asy_url_params_t *p, size_t i) {
    return p && i < p->count ? &p->items[i] : NULL;
}

ASY__INTERNAL int asy__param_is(const asy_url_param_t *it, const char *name, size_t nl) {
    return it->name_len == nl && memcmp(it->name, name, nl) == 0;
}

ASYNCRT_API const char *asy_url_params_get(const asy_url_params_t *p, const char *name) {
    size_t i, nl;
    if (!p || !name) return NULL;
    nl = strlen(name);
    for (i = 0; i < p->count; i++)
        if (asy__param_is(&p->items[i], name, nl)) return p->items[i].value;
    return NULL;
}

ASYNCRT_API size_t asy_url_params_get_all(const asy_url_params_t *p, const char *name, const char **out,
                                          size_t max) {
    size_t i, nl, k = 0;
    if (!p || !name) return 0;
    nl = strlen(name);
    for (i = 0; i < p->count; i++)
        if (asy__param_is(&p->items[i], name, nl)) {
            if (out && k < max) out[k] = p->items[i].value;
            k++;
        }
    return k;
}

ASYNCRT_API int asy_url_params_has(const asy_url_params_t *p, const char *name, const char *value) {
    size_t i, nl;
    if (!p || !name) return 0;
    nl = strlen(name);
    for (i = 0; i < p->count; i++)
        if (asy__param_is(&p->items[i], name, nl) &&
            (!value || (strlen(value) == p->items[i].value_len && memcmp(value, p->items[i].value, p->items[i].value_len) == 0)))
            return 1;
    return 0;
}

ASYNCRT_API int asy_url_params_to_string(const asy_url_params_t *p, char **out) {
    asy__ubuf b;
    char local[256];
    size_t i;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!p) return ASY_EINVAL;
    asy__ub_init(&b, local, sizeof(local));
    for (i = 0; i < p->count; i++) {
        if (i) asy__ub_putc(&b, '&');
        asy__ub_form_encode(&b, p->items[i].name, p->items[i].name_len);
        asy__ub_putc(&b, '=');
        asy__ub_form_encode(&b, p->items[i].value, p->items[i].value_len);
    }
    return asy__ub_finish(&b, out, NULL);
}

/* The "update steps": the bound URL's query becomes the serialization
 * (null when empty). */
ASY__INTERNAL int asy__params_update(asy_url_params_t *p) {
    asy__urec u;
    asy_url_t next;
    char scratch[512];
    size_t i;
    int r;
    if (!p->url || !p->url->href) return 0;
    asy__urec_init(&u, scratch, sizeof(scratch));
    r = asy__urec_load(&u, p->url);
    if (r == 0) {
        asy__urec_new_query(&u);
        for (i = 0; i < p->count; i++) {
            if (i) asy__ub_putc(&u.b, '&');
            asy__ub_form_encode(&u.b, p->items[i].name, p->items[i].name_len);
            asy__ub_putc(&u.b, '=');
            asy__ub_form_encode(&u.b, p->items[i].value, p->items[i].value_len);
        }
        u.query_e = u.b.len;
        if (p->count == 0) {
            u.has_query = 0;
            if (u.opaque && !u.has_frag)
                while (u.path_e > u.path_s && u.b.p[u.path_e - 1] == ' ') u.path_e--;
        }
        r = asy__urec_finish(&u, &next);
    }
    asy__ub_free(&u.b);
    if (r) return r;
    asy__free(p->url->href);
    *p->url = next;
    return 0;
}

ASYNCRT_API int asy_url_params_append(asy_url_params_t *p, const char *name, const char *value) {
    int r;
    if (!p || !name || !value) return ASY_EINVAL;
    if ((r = asy__params_reserve(p)) != 0) return r;
    if ((r = asy__param_make(&p->items[p->count], name, strlen(name), value, strlen(value))) != 0) return r;
    p->count++;
    return asy__params_update(p);
}

ASYNCRT_API int asy_url_params_set(asy_url_params_t *p, const char *name, const char *value) {
    size_t i, k, nl;
    int r;
    asy_url_param_t fresh;
    if (!p || !name || !value) return ASY_EINVAL;
    nl = strlen(name);
    for (i = 0; i < p->count; i++)
        if (asy__param_is(&p->items[i], name, nl)) break;
    if (i == p->count) return asy_url_params_append(p, name, value);
    if ((r = asy__param_make(&fresh, name, nl, value, strlen(value))) != 0) return r;
    asy__free(p->items[i].name);
    p->items[i] = fresh;
    for (k = i + 1; k < p->count;) {
        if (asy__param_is(&p->items[k], name, nl)) {
            asy__free(p->items[k].name);
            memmove(&p->items[k], &p->items[k + 1], (p->count - k - 1) * sizeof(p->items[0]));
            p->count--;
        } else {
            k++;
        }
    }
    return asy__params_update(p);
}

ASYNCRT_API int asy_url_params_delete(asy_url_params_t *p, const char *name, const char *value) {
    size_t k, nl, vl;
    if (!p || !name) return ASY_EINVAL;
    nl = strlen(name);
    vl = value ? strlen(value) : 0;
    for (k = 0; k < p->count;) {
        asy_url_param_t *it = &p->items[k];
        if (asy__param_is(it, name, nl) && (!value || (it->value_len == vl && memcmp(it->value, value, vl) == 0))) {
            asy__free(it->name);
            memmove(it, it + 1, (p->count - k - 1) * sizeof(*it));
            p->count--;
        } else {
            k++;
        }
    }
    return asy__params_update(p);
}

/* The next UTF-16 code unit of UTF-8 s[*i..n) (*pending carries a low
 * surrogate); invalid bytes count as units of their own value. */
ASY__INTERNAL unsigned asy__params_unit(const unsigned char *s, size_t n, size_t *i, unsigned *pending) {
    unsigned c, cp, need, k;
    if (*pending) {
        c = *pending;
        *pending = 0;
        return c;
    }
    c = s[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    need = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    if (!need || *i + need >= n) {
        (*i)++;
        return c;
    }
    cp = c & (0x3fu >> need);
    for (k = 1; k <= need; k++) cp = (cp << 6) | (s[*i + k] & 0x3f);
    *i += need + 1;
    if (cp >= 0x10000) {
        cp -= 0x10000;
        *pending = 0xdc00 + (cp & 0x3ff);
        return 0xd800 + (cp >> 10);
    }
    return cp;
}

ASY__INTERNAL int asy__params_cmp(const asy_url_param_t *a, const asy_url_param_t *b) {
    size_t i = 0, j = 0;
    unsigned pa = 0, pb = 0;
    const unsigned char *x = (const unsigned char *)a->name, *y = (const unsigned char *)b->name;
    while ((i < a->name_len || pa) && (j < b->name_len || pb)) {
        unsigned ua = asy__params_unit(x, a->name_len, &i, &pa);
        unsigned ub = asy__params_unit(y, b->name_len, &j, &pb);
        if (ua != ub) return ua < ub ? -1 : 1;
    }
    if (i < a->name_len || pa) return 1;
    if (j < b->name_len || pb) return -1;
    return 0;
}

ASYNCRT_API int asy_url_params_sort(asy_url_params_t *p) {
    asy_url_param_t *tmp;
    size_t width, lo;
    if (!p) return ASY_EINVAL;
    if (p->count < 2) return asy__params_update(p);
    tmp = (asy_url_param_t *)asy__malloc_array(p->count, sizeof(*tmp));
    if (!tmp) return ASY_ENOMEM;
    /* bottom-up merge sort: stable, O(n log n) */
    for (width = 1; width < p->count; width *= 2) {
        for (lo = 0; lo < p->count; lo += 2 * width) {
            size_t mid = lo + width < p->count ? lo + width : p->count;
            size_t hi = lo + 2 * width < p->count ? lo + 2 * width : p->count;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi)
                tmp[k++] = asy__params_cmp(&p->items[b], &p->items[a]) < 0 ? p->items[b++] : p->items[a++];
            while (a < mid) tmp[k++] = p->items[a++];
            while (b < hi) tmp[k++] = p->items[b++];
        }
        memcpy(p->items, tmp, p->count * sizeof(*tmp));
    }
    asy__free(tmp);
    return asy__params_update(p);
}
