/* The URL serializer (href with component offsets, one allocation),
 * parse entry points, getters and setters. */
#include "url.internal.h"

/* Lays the record out as href in one allocation and fills *url. */
ASY__INTERNAL int asy__urec_finish(const asy__urec *u, asy_url_t *url) {
    const char *s = u->b.p;
    size_t ul = u->user_e - u->user_s, pl = u->pass_e - u->pass_s, hl = u->host_e - u->host_s;
    size_t pathl = u->path_e - u->path_s, total, w = 0;
    char portbuf[8];
    int portn = 0, dot = 0, cred = ul || pl;
    char *h;
    if (u->b.err) return u->b.err;
    if (u->port >= 0) portn = snprintf(portbuf, sizeof(portbuf), "%ld", u->port);
    total = (u->scheme_e - u->scheme_s) + 1;
    if (u->host_type != ASY_URL_HOST_NONE) {
        total += 2 + hl + (cred ? ul + (pl ? pl + 1 : 0) + 1 : 0) + (portn ? (size_t)portn + 1 : 0);
    } else if (!u->opaque && pathl > 1 && s[u->path_s] == '/' && s[u->path_s + 1] == '/') {
        dot = 1;
        total += 2;
    }
    total += pathl;
    if (u->has_query) total += 1 + (u->query_e - u->query_s);
    if (u->has_frag) total += 1 + (u->frag_e - u->frag_s);
    if (total > ASY__URL_MAX_LEN) return ASY_EINVALID_URL;
    h = (char *)asy__malloc(total + 1);
    if (!h) return ASY_ENOMEM;
    memset(url, 0, sizeof(*url));
#define ASY__PUT(src, n)                        \
    do {                                        \
        size_t n_ = (n);                        \
        if (n_) memcpy(h + w, (src), n_);       \
        w += n_;                                \
    } while (0)
    ASY__PUT(s + u->scheme_s, u->scheme_e - u->scheme_s);
    url->scheme_end = (uint32_t)w;
    h[w++] = ':';
    if (u->host_type != ASY_URL_HOST_NONE) {
        h[w++] = '/';
        h[w++] = '/';
        url->user_start = (uint32_t)w;
        if (cred) {
            ASY__PUT(s + u->user_s, ul);
            url->user_end = (uint32_t)w;
            if (pl) {
                h[w++] = ':';
                url->pass_start = (uint32_t)w;
                ASY__PUT(s + u->pass_s, pl);
            } else {
                url->pass_start = (uint32_t)w;
            }
            url->pass_end = (uint32_t)w;
            h[w++] = '@';
        } else {
            url->user_end = url->pass_start = url->pass_end = (uint32_t)w;
        }
        url->host_start = (uint32_t)w;
        ASY__PUT(s + u->host_s, hl);
        url->host_end = (uint32_t)w;
        if (portn) {
            h[w++] = ':';
            ASY__PUT(portbuf, (size_t)portn);
        }
        url->port_end = (uint32_t)w;
    } else {
        url->user_start = url->user_end = url->pass_start = url->pass_end = (uint32_t)w;
        url->host_start = url->host_end = url->port_end = (uint32_t)w;
        if (dot) {
            h[w++] = '/';
            h[w++] = '.';
        }
    }
    url->path_start = (uint32_t)w;
    ASY__PUT(s + u->path_s, pathl);
    url->path_end = url->query_start = (uint32_t)w;
    if (u->has_query) {
        h[w++] = '?';
        ASY__PUT(s + u->query_s, u->query_e - u->query_s);
    }
    url->frag_start = (uint32_t)w;
    if (u->has_frag) {
        h[w++] = '#';
        ASY__PUT(s + u->frag_s, u->frag_e - u->frag_s);
    }
#undef ASY__PUT
    h[w] = '\0';
    url->href = h;
    url->href_len = (uint32_t)w;
    url->port = (int32_t)u->port;
    url->scheme_type = (unsigned char)u->scheme_type;
    url->host_type = (unsigned char)u->host_type;
    url->opaque_path = (unsigned char)u->opaque;
    url->has_query = (unsigned char)u->has_query;
    url->has_frag = (unsigned char)u->has_frag;
    return 0;
}

/* A setter's starting point: the URL's href in the scratch buffer, every
 * span pointing into it. */
ASY__INTERNAL int asy__urec_load(asy__urec *u, const asy_url_t *url) {
    asy__ub_putn(&u->b, url->href, url->href_len);
    if (u->b.err) return u->b.err;
    u->scheme_s = 0;
    u->scheme_e = url->scheme_end;
    u->user_s = url->user_start;
    u->user_e = url->user_end;
    u->pass_s = url->pass_start;
    u->pass_e = url->pass_end;
    u->host_s = url->host_start;
    u->host_e = url->host_end;
    u->path_s = url->path_start;
    u->path_e = url->path_end;
    u->has_query = url->has_query;
    u->query_s = url->has_query ? url->query_start + 1u : url->query_start;
    u->query_e = url->frag_start;
    u->has_frag = url->has_frag;
    u->frag_s = url->has_frag ? url->frag_start + 1u : url->frag_start;
    u->frag_e = url->href_len;
    u->port = url->port;
    u->scheme_type = url->scheme_type;
    u->host_type = url->host_type;
    u->opaque = url->opaque_path;
    return 0;
}

/* The input with the standard's preprocessing: leading and trailing C0
 * controls and spaces stripped (trim), every tab and newline removed.
 * Points into the input when nothing is removed, else into `local` or a
 * heap copy (*heap, released by the caller). */
ASY__INTERNAL int asy__url_clean(const char *in, size_t n, int trim, char *local, size_t cap,
                                 const char **out, size_t *out_n, char **heap) {
    size_t i, k;
    char *d;
    *heap = NULL;
    if (trim) {
        while (n && (unsigned char)in[0] <= 0x20) {
            in++;
            n--;
        }
        while (n && (unsigned char)in[n - 1] <= 0x20) n--;
    }
    for (i = 0; i < n; i++)
        if (in[i] == '\t' || in[i] == '\n' || in[i] == '\r') break;
    if (i == n) {
        *out = in;
        *out_n = n;
        return 0;
    }
    if (n <= cap) {
        d = local;
    } else {
        d = *heap = (char *)asy__malloc(n);
        if (!d) return ASY_ENOMEM;
    }
    for (i = k = 0; i < n; i++)
        if (in[i] != '\t' && in[i] != '\n' && in[i] != '\r') d[k++] = in[i];
    *out = d;
    *out_n = k;
    return 0;
}

ASYNCRT_API int asy_url_parsen(asy_url_t *url, const char *input, size_t len, const asy_url_t *base) {
    asy__urec u;
    char scratch[512], local[256], *heap;
    const char *in;
    size_t n;
    int r;
    if (!url) return ASY_EINVAL;
    memset(url, 0, sizeof(*url));
    if (!input || (base && !base->href)) return ASY_EINVAL;
    if (len > ASY__URL_MAX_LEN) return ASY_EINVALID_URL;
    r = asy__url_clean(input, len, 1, local, sizeof(local), &in, &n, &heap);
    if (r) return r;
    asy__urec_init(&u, scratch, sizeof(scratch));
    r = asy__url_run(&u, in, n, base, ASY__US_SCHEME_START, 0);
    if (r == 0) r = asy__urec_finish(&u, url);
    asy__ub_free(&u.b);
    asy__free(heap);
    return r;
}

ASYNCRT_API int asy_url_parse(asy_url_t *url, const char *input, const asy_url_t *base) {
    if (!input) {
        if (url) memset(url, 0, sizeof(*url));
        return ASY_EINVAL;
    }
    return asy_url_parsen(url, input, strlen(input), base);
}

ASYNCRT_API int asy_url_parse_with_base(asy_url_t *url, const char *input, const char *base_str) {
    asy_url_t base;
    int r;
    if (!base_str) return asy_url_parse(url, input, NULL);
    if (url) memset(url, 0, sizeof(*url));
    r = asy_url_parse(&base, base_str, NULL);
    if (r) return r;
    r = asy_url_parse(url, input, &base);
    asy_url_free(&base);
    return r;
}

ASYNCRT_API int asy_url_can_parse(const char *input, const char *base_str) {
    asy_url_t u;
    if (asy_url_parse_with_base(&u, input, base_str) != 0) return 0;
    asy_url_free(&u);
    return 1;
}

ASYNCRT_API int asy_url_copy(asy_url_t *dst, const asy_url_t *src) {
    char *h;
    if (!dst) return ASY_EINVAL;
    memset(dst, 0, sizeof(*dst));
    if (!src || !src->href) return ASY_EINVAL;
    h = (char *)asy__malloc((size_t)src->href_len + 1);
    if (!h) return ASY_ENOMEM;
    memcpy(h, src->href, (size_t)src->href_len + 1);
    *dst = *src;
    dst->href = h;
    return 0;
}

ASYNCRT_API void asy_url_free(asy_url_t *url) {
    if (!url) return;
    asy__free(url->href);
    memset(url, 0, sizeof(*url));
}

/* ---- getters ------------------------------------------------------------ */

ASY__INTERNAL asy_url_view_t asy__url_view(const asy_url_t *url, size_t s, size_t e) {
    asy_url_view_t v;
    static const char empty[1] = "";
    if (!url || !url->href) {
        v.ptr = empty;
        v.len = 0;
        return v;
    }
    v.ptr = url->href + s;
    v.len = e - s;
    return v;
}

ASYNCRT_API const char *asy_url_href(const asy_url_t *url) { return url && url->href ? url->href : ""; }

ASYNCRT_API asy_url_view_t asy_url_protocol(const asy_url_t *url) {
    return asy__url_view(url, 0, url ? url->scheme_end + 1u : 0);
}

ASYNCRT_API asy_url_view_t asy_url_scheme(const asy_url_t *url) {
    return asy__url_view(url, 0, url ? url->scheme_end : 0);
}

ASYNCRT_API asy_url_view_t asy_url_username(const asy_url_t *url) {
    return asy__url_view(url, url ? url->user_start : 0, url ? url->user_end : 0);
}

ASYNCRT_API asy_url_view_t asy_url_password(const asy_url_t *url) {
    return asy__url_view(url, url ? url->pass_start : 0, url ? url->pass_end : 0);
}

ASYNCRT_API asy_url_view_t asy_url_host(const asy_url_t *url) {
    return asy__url_view(url, url ? url->host_start : 0, url ? url->port_end : 0);
}

ASYNCRT_API asy_url_view_t asy_url_hostname(const asy_url_t *url) {
    return asy__url_view(url, url ? url->host_start : 0, url ? url->host_end : 0);
}

ASYNCRT_API asy_url_view_t asy_url_port(const asy_url_t *url) {
    if (!url || url->port_end == url->host_end) return asy__url_view(url, 0, 0);
    return asy__url_view(url, url->host_end + 1u, url->port_end);
}

ASYNCRT_API asy_url_view_t asy_url_pathname(const asy_url_t *url) {
    return asy__url_view(url, url ? url->path_start : 0, url ? url->path_end : 0);
}

ASYNCRT_API asy_url_view_t asy_url_search(const asy_url_t *url) {
    if (!url || url->frag_start - url->query_start <= 1) return asy__url_view(url, 0, 0);
    return asy__url_view(url, url->query_start, url->frag_start);
}

ASYNCRT_API asy_url_view_t asy_url_hash(const asy_url_t *url) {
    if (!url || url->href_len - url->frag_start <= 1) return asy__url_view(url, 0, 0);
    return asy__url_view(url, url->frag_start, url->href_len);
}

ASYNCRT_API asy_url_scheme_t asy_url_scheme_type(const asy_url_t *url) {
    return url && url->href ? (asy_url_scheme_t)url->scheme_type : ASY_URL_SCHEME_OTHER;
}

ASYNCRT_API asy_url_host_type_t asy_url_host_type(const asy_url_t *url) {
    return url && url->href ? (asy_url_host_type_t)url->host_type : ASY_URL_HOST_NONE;
}

ASYNCRT_API int asy_url_default_port(const char *scheme, size_t len) {
    if (!scheme) return -1;
    return (int)asy__url_type_port(asy__url_scheme_of(scheme, len));
}

ASYNCRT_API int asy_url_port_or_default(const asy_url_t *url) {
    if (!url || !url->href) return -1;
    return url->port >= 0 ? (int)url->port : (int)asy__url_type_port(url->scheme_type);
}

ASYNCRT_API asy_url_view_t asy_url_path_and_query(const asy_url_t *url) {
    asy_url_view_t v;
    if (!url || !url->href || url->path_start == url->frag_start) {
        v.ptr = "/";
        v.len = 1;
        return v;
    }
    return asy__url_view(url, url->path_start, url->frag_start);
}

ASYNCRT_API asy_url_view_t asy_url_hostname_bare(const asy_url_t *url) {
    asy_url_view_t v = asy_url_hostname(url);
    if (url && url->href && url->host_type == ASY_URL_HOST_IPV6 && v.len >= 2) {
        v.ptr++;
        v.len -= 2;
    }
    return v;
}

/* The origin of a special scheme other than file: scheme://host[:port]. */
ASY__INTERNAL int asy__url_tuple_origin(const asy_url_t *u, char **out) {
    size_t sl = u->scheme_end, hl = u->port_end - u->host_start;
    char *s = (char *)asy__malloc(sl + 3 + hl + 1);
    if (!s) return ASY_ENOMEM;
    memcpy(s, u->href, sl);
    memcpy(s + sl, "://", 3);
    memcpy(s + sl + 3, u->href + u->host_start, hl);
    s[sl + 3 + hl] = '\0';
    *out = s;
    return 0;
}

ASYNCRT_API int asy_url_origin(const asy_url_t *url, char **out) {
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!url || !url->href) return ASY_EINVAL;
    if (url->scheme_type != ASY_URL_SCHEME_OTHER && url->scheme_type != ASY_URL_SCHEME_FILE)
        return asy__url_tuple_origin(url, out);
    if (url->scheme_end == 4 && memcmp(url->href, "blob", 4) == 0) {
        /* blob: the origin of the URL its path holds, if http(s) */
        asy_url_t inner;
        if (asy_url_parsen(&inner, url->href + url->path_start, url->path_end - url->path_start, NULL) == 0) {
            int r = ASY_EINVALID_URL;
            if (inner.scheme_type == ASY_URL_SCHEME_HTTP || inner.scheme_type == ASY_URL_SCHEME_HTTPS)
                r = asy__url_tuple_origin(&inner, out);
            asy_url_free(&inner);
            if (r != ASY_EINVALID_URL) return r;
        }
    }
    *out = asy__strdup("null");
    return *out ? 0 : ASY_ENOMEM;
}

/* ---- setters ------------------------------------------------------------ */

/* Runs the parser over value from `state` (a state override) on url's
 * record, then replaces url with the result.  `extra` is appended to the
 * value (the protocol setter's ':'); `prep` adjusts the record first. */
enum { ASY__UP_NONE, ASY__UP_PATH, ASY__UP_QUERY, ASY__UP_FRAG };

ASY__INTERNAL int asy__url_set(asy_url_t *url, const char *value, size_t vl, int state, int prep, int colon) {
    asy__urec u;
    asy_url_t next;
    char scratch[512], local[256], *heap = NULL;
    const char *in;
    size_t n;
    int r;
    if (vl > ASY__URL_MAX_LEN) return ASY_EINVALID_URL;
    asy__urec_init(&u, scratch, sizeof(scratch));
    r = asy__urec_load(&u, url);
    if (r == 0) r = asy__url_clean(value, vl, 0, local, sizeof(local), &in, &n, &heap);
    if (r == 0 && colon) {
        char *v = (char *)asy__malloc(n + 1);
        if (!v) {
            r = ASY_ENOMEM;
        } else {
            if (n) memcpy(v, in, n);
            v[n] = ':';
            asy__free(heap);
            heap = v;
            in = v;
            n++;
        }
    }
    if (r == 0) {
        if (prep == ASY__UP_PATH) {
            u.path_s = u.path_e = u.b.len;
        } else if (prep == ASY__UP_QUERY) {
            if (n && in[0] == '?') {
                in++;
                n--;
            }
            asy__urec_new_query(&u);
        } else if (prep == ASY__UP_FRAG) {
            if (n && in[0] == '#') {
                in++;
                n--;
            }
            asy__urec_new_frag(&u);
        }
        r = asy__url_run(&u, in, n, NULL, state, state);
        if (r == ASY__URL_IGNORED) r = ASY_EINVALID_URL;
    }
    if (r == 0) r = asy__urec_finish(&u, &next);
    if (r == 0) {
        asy__free(url->href);
        *url = next;
    }
    asy__ub_free(&u.b);
    asy__free(heap);
    return r;
}

/* Rebuilds url from a record changed directly (username, password, an
 * emptied port, query or fragment). */
ASY__INTERNAL int asy__url_replace(asy_url_t *url, asy__urec *u) {
    asy_url_t next;
    int r = asy__urec_finish(u, &next);
    if (r == 0) {
        asy__free(url->href);
        *url = next;
    }
    asy__ub_free(&u->b);
    return r;
}

ASY__INTERNAL int asy__url_cannot_have_credentials(const asy_url_t *url) {
    return url->host_type == ASY_URL_HOST_NONE || url->host_type == ASY_URL_HOST_EMPTY ||
           url->scheme_type == ASY_URL_SCHEME_FILE;
}

ASY__INTERNAL int asy__url_set_userinfo(asy_url_t *url, const char *value, size_t vl, int pass) {
    asy__urec u;
    char scratch[512];
    size_t s;
    int r;
    if (asy__url_cannot_have_credentials(url)) return ASY_EINVALID_URL;
    asy__urec_init(&u, scratch, sizeof(scratch));
    r = asy__urec_load(&u, url);
    if (r) {
        asy__ub_free(&u.b);
        return r;
    }
    s = u.b.len;
    asy__ub_encode(&u.b, value, vl, ASY_URL_ENCODE_USERINFO);
    if (pass) {
        u.pass_s = s;
        u.pass_e = u.b.len;
    } else {
        u.user_s = s;
        u.user_e = u.b.len;
    }
    return asy__url_replace(url, &u);
}

/* Clears the port, query or fragment (an empty value for port, search and
 * hash).  Clearing search or hash of an opaque path also strips the
 * path's trailing spaces when the other one is absent, as the standard
 * says. */
ASY__INTERNAL int asy__url_clear(asy_url_t *url, int what) {
    asy__urec u;
    char scratch[512];
    int r;
    asy__urec_init(&u, scratch, sizeof(scratch));
    r = asy__urec_load(&u, url);
    if (r) {
        asy__ub_free(&u.b);
        return r;
    }
    if (what == ASY__UP_NONE) u.port = -1;
    if (what == ASY__UP_QUERY) u.has_query = 0;
    if (what == ASY__UP_FRAG) u.has_frag = 0;
    if (what != ASY__UP_NONE && u.opaque && !u.has_query && !u.has_frag)
        while (u.path_e > u.path_s && u.b.p[u.path_e - 1] == ' ') u.path_e--;
    return asy__url_replace(url, &u);
}

ASYNCRT_API int asy_url_set(asy_url_t *url, asy_url_part_t part, const char *value, size_t len) {
    asy_url_t next;
    int r;
    if (!url || !url->href || (!value && len)) return ASY_EINVAL;
    if (!value) value = "";
    switch (part) {
        case ASY_URL_HREF:
            r = asy_url_parsen(&next, value, len, NULL);
            if (r) return r;
            asy_url_free(url);
            *url = next;
            return 0;
        case ASY_URL_PROTOCOL:
            return asy__url_set(url, value, len, ASY__US_SCHEME_START, ASY__UP_NONE, 1);
        case ASY_URL_USERNAME:
            return asy__url_set_userinfo(url, value, len, 0);
        case ASY_URL_PASSWORD:
            return asy__url_set_userinfo(url, value, len, 1);
        case ASY_URL_HOST:
        case ASY_URL_HOSTNAME:
            if (url->opaque_path) return ASY_EINVALID_URL;
            return asy__url_set(url, value, len, part == ASY_URL_HOST ? ASY__US_HOST : ASY__US_HOSTNAME,
                                ASY__UP_NONE, 0);
        case ASY_URL_PORT:
            if (asy__url_cannot_have_credentials(url)) return ASY_EINVALID_URL;
            if (!len) return asy__url_clear(url, ASY__UP_NONE);
            return asy__url_set(url, value, len, ASY__US_PORT, ASY__UP_NONE, 0);
        case ASY_URL_PATHNAME:
            if (url->opaque_path) return ASY_EINVALID_URL;
            return asy__url_set(url, value, len, ASY__US_PATH_START, ASY__UP_PATH, 0);
        case ASY_URL_SEARCH:
            if (!len) return asy__url_clear(url, ASY__UP_QUERY);
            return asy__url_set(url, value, len, ASY__US_QUERY, ASY__UP_QUERY, 0);
        case ASY_URL_HASH:
            if (!len) return asy__url_clear(url, ASY__UP_FRAG);
            return asy__url_set(url, value, len, ASY__US_FRAGMENT, ASY__UP_FRAG, 0);
        default:
            return ASY_EINVAL;
    }
}

#define ASY__URL_SETTER(fn, part)                                         \
    ASYNCRT_API int fn(asy_url_t *url, const char *value) {                \
        return value ? asy_url_set(url, part, value, strlen(value)) : ASY_EINVAL; \
    }
ASY__URL_SETTER(asy_url_set_href, ASY_URL_HREF)
ASY__URL_SETTER(asy_url_set_protocol, ASY_URL_PROTOCOL)
ASY__URL_SETTER(asy_url_set_username, ASY_URL_USERNAME)
ASY__URL_SETTER(asy_url_set_password, ASY_URL_PASSWORD)
ASY__URL_SETTER(asy_url_set_host, ASY_URL_HOST)
ASY__URL_SETTER(asy_url_set_hostname, ASY_URL_HOSTNAME)
ASY__URL_SETTER(asy_url_set_port, ASY_URL_PORT)
ASY__URL_SETTER(asy_url_set_pathname, ASY_URL_PATHNAME)
ASY__URL_SETTER(asy_url_set_search, ASY_URL_SEARCH)
ASY__URL_SETTER(asy_url_set_hash, ASY_URL_HASH)
#undef ASY__URL_SETTER
