/* The standard's basic URL parser, state by state.  Components are written
 * into a scratch buffer as they are found (spans in asy__urec); the
 * serializer (url.c) then lays them out as href in one allocation.  Setters
 * load a URL into the record, run the parser from a state with "state
 * override", and serialize again. */
#include "url.internal.h"
#include "../base/errors.h"

ASY__INTERNAL void asy__urec_init(asy__urec *u, char *stack, size_t cap) {
    memset(u, 0, sizeof(*u));
    asy__ub_init(&u->b, stack, cap);
    u->port = -1;
}

ASY__INTERNAL int asy__url_scheme_of(const char *s, size_t n) {
    switch (n) {
        case 2:
            if (memcmp(s, "ws", 2) == 0) return ASY_URL_SCHEME_WS;
            break;
        case 3:
            if (memcmp(s, "wss", 3) == 0) return ASY_URL_SCHEME_WSS;
            if (memcmp(s, "ftp", 3) == 0) return ASY_URL_SCHEME_FTP;
            break;
        case 4:
            if (memcmp(s, "http", 4) == 0) return ASY_URL_SCHEME_HTTP;
            if (memcmp(s, "file", 4) == 0) return ASY_URL_SCHEME_FILE;
            break;
        case 5:
            if (memcmp(s, "https", 5) == 0) return ASY_URL_SCHEME_HTTPS;
            break;
        default:
            break;
    }
    return ASY_URL_SCHEME_OTHER;
}

ASY__INTERNAL long asy__url_type_port(int t) {
    switch (t) {
        case ASY_URL_SCHEME_HTTP:
        case ASY_URL_SCHEME_WS:
            return 80;
        case ASY_URL_SCHEME_HTTPS:
        case ASY_URL_SCHEME_WSS:
            return 443;
        case ASY_URL_SCHEME_FTP:
            return 21;
        default:
            return -1;
    }
}

/* A Windows drive letter: an ASCII letter, then ':' or '|' (normalized: ':'). */
ASY__INTERNAL int asy__url_is_drive(const char *s, size_t n, int normalized) {
    return n == 2 && (asy__url_chr_tab[(unsigned char)s[0]] & ASY__UC_ALPHA) &&
           (s[1] == ':' || (!normalized && s[1] == '|'));
}

/* "starts with a Windows drive letter" */
ASY__INTERNAL int asy__url_starts_drive(const char *s, size_t n) {
    return n >= 2 && asy__url_is_drive(s, 2, 0) &&
           (n == 2 || s[2] == '/' || s[2] == '\\' || s[2] == '?' || s[2] == '#');
}

ASY__INTERNAL int asy__url_is_dot2e(const char *s) { return s[0] == '%' && s[1] == '2' && (s[2] | 0x20) == 'e'; }

ASY__INTERNAL int asy__url_single_dot(const char *s, size_t n) {
    return (n == 1 && s[0] == '.') || (n == 3 && asy__url_is_dot2e(s));
}

ASY__INTERNAL int asy__url_double_dot(const char *s, size_t n) {
    switch (n) {
        case 2:
            return s[0] == '.' && s[1] == '.';
        case 4:
            return (s[0] == '.' && asy__url_is_dot2e(s + 1)) || (asy__url_is_dot2e(s) && s[3] == '.');
        case 6:
            return asy__url_is_dot2e(s) && asy__url_is_dot2e(s + 3);
        default:
            return 0;
    }
}

ASY__INTERNAL int asy__urec_credentials(const asy__urec *u) {
    return u->user_e > u->user_s || u->pass_e > u->pass_s;
}

/* Appends src[s..e) to the scratch buffer; os and oe get its new span. */
ASY__INTERNAL void asy__urec_copy(asy__urec *u, const char *src, size_t s, size_t e, size_t *os, size_t *oe) {
    *os = u->b.len;
    asy__ub_putn(&u->b, src + s, e - s);
    *oe = u->b.len;
}

ASY__INTERNAL void asy__urec_base_scheme(asy__urec *u, const asy_url_t *base) {
    if (u->scheme_e > u->scheme_s) return; /* already the same scheme */
    asy__urec_copy(u, base->href, 0, base->scheme_end, &u->scheme_s, &u->scheme_e);
    u->scheme_type = base->scheme_type;
}

/* base's username, password, host and port */
ASY__INTERNAL void asy__urec_base_authority(asy__urec *u, const asy_url_t *base) {
    asy__urec_copy(u, base->href, base->user_start, base->user_end, &u->user_s, &u->user_e);
    asy__urec_copy(u, base->href, base->pass_start, base->pass_end, &u->pass_s, &u->pass_e);
    asy__urec_copy(u, base->href, base->host_start, base->host_end, &u->host_s, &u->host_e);
    u->host_type = base->host_type;
    u->port = base->port;
}

ASY__INTERNAL void asy__urec_base_path(asy__urec *u, const asy_url_t *base) {
    asy__urec_copy(u, base->href, base->path_start, base->path_end, &u->path_s, &u->path_e);
}

ASY__INTERNAL void asy__urec_base_query(asy__urec *u, const asy_url_t *base) {
    u->has_query = base->has_query;
    if (base->has_query)
        asy__urec_copy(u, base->href, base->query_start + 1u, base->frag_start, &u->query_s, &u->query_e);
}

ASY__INTERNAL void asy__urec_new_query(asy__urec *u) {
    u->has_query = 1;
    u->query_s = u->query_e = u->b.len;
}

ASY__INTERNAL void asy__urec_new_frag(asy__urec *u) {
    u->has_frag = 1;
    u->frag_s = u->frag_e = u->b.len;
}

/* "shorten url's path" */
ASY__INTERNAL void asy__urec_shorten(asy__urec *u) {
    size_t k = u->path_e;
    if (u->path_e == u->path_s) return;
    while (k > u->path_s && u->b.p[k - 1] != '/') k--;
    if (k == 0 || k - 1 < u->path_s) return; /* not a list path: never happens */
    if (u->scheme_type == ASY_URL_SCHEME_FILE && k - 1 == u->path_s &&
        asy__url_is_drive(u->b.p + k, u->path_e - k, 1))
        return;
    if (u->path_e == u->b.len) u->b.len = k - 1;
    u->path_e = k - 1;
}

/* Makes the path the last thing in the scratch buffer, so segments can be
 * appended to it (a setter's record holds the old href first). */
ASY__INTERNAL void asy__urec_path_to_end(asy__urec *u) {
    if (u->path_e == u->path_s) {
        u->path_s = u->path_e = u->b.len;
    } else if (u->path_e != u->b.len) {
        size_t n = u->path_e - u->path_s, s = u->b.len;
        if (!ASY__UB_ROOM(&u->b, n)) return;
        memmove(u->b.p + s, u->b.p + u->path_s, n);
        u->b.len += n;
        u->path_s = s;
        u->path_e = s + n;
    }
}

ASY__INTERNAL int asy__urec_set_host(asy__urec *u, const char *s, size_t n) {
    size_t hs = u->b.len;
    int r = asy__url_parse_host(&u->b, s, n, u->scheme_type != ASY_URL_SCHEME_OTHER);
    if (r < 0) {
        u->b.len = hs;
        return r;
    }
    u->host_s = hs;
    u->host_e = u->b.len;
    u->host_type = r;
    return 0;
}

#define ASY__URL_SPECIAL(u) ((u)->scheme_type != ASY_URL_SCHEME_OTHER)

/* Runs the basic URL parser over in[0..n) (tabs and newlines already
 * removed) from `state`; `override` is the state override (0: none).
 * Returns 0, ASY__URL_IGNORED, or a negative error. */
ASY__INTERNAL int asy__url_run(asy__urec *u, const char *in, size_t n, const asy_url_t *base, int state,
                               int override) {
    long p = 0, len = (long)n, portv = 0;
    size_t buf = 0, seg = 0;
    int brackets = 0, seg_open = 0, digits = 0, r;
    asy__ubuf *b = &u->b;
    for (;;) {
        int c = p < len ? (unsigned char)in[p] : -1;
        int special = ASY__URL_SPECIAL(u);
        switch (state) {
            case ASY__US_SCHEME_START:
                if (c >= 0 && (asy__url_chr_tab[c] & ASY__UC_ALPHA)) {
                    buf = (size_t)p;
                    state = ASY__US_SCHEME;
                } else if (!override) {
                    state = ASY__US_NO_SCHEME;
                    p--;
                } else {
                    return ASY_EINVALID_URL;
                }
                break;

            case ASY__US_SCHEME:
                if (c >= 0 && (asy__url_chr_tab[c] & ASY__UC_SCHEME)) {
                    while (p + 1 < len && (asy__url_chr_tab[(unsigned char)in[p + 1]] & ASY__UC_SCHEME)) p++;
                    break;
                }
                if (c == ':') {
                    size_t ns = b->len, sl = (size_t)p - buf, k;
                    int t;
                    if (!ASY__UB_ROOM(b, sl)) return b->err;
                    for (k = 0; k < sl; k++) b->p[b->len++] = (char)asy__url_lower((unsigned char)in[buf + k]);
                    t = asy__url_scheme_of(b->p + ns, sl);
                    if (override) {
                        if ((u->scheme_type != ASY_URL_SCHEME_OTHER) != (t != ASY_URL_SCHEME_OTHER) ||
                            ((asy__urec_credentials(u) || u->port >= 0) && t == ASY_URL_SCHEME_FILE) ||
                            (u->scheme_type == ASY_URL_SCHEME_FILE && u->host_type == ASY_URL_HOST_EMPTY)) {
                            b->len = ns;
                            return ASY__URL_IGNORED;
                        }
                    }
                    u->scheme_s = ns;
                    u->scheme_e = ns + sl;
                    u->scheme_type = t;
                    if (override) {
                        if (u->port == asy__url_type_port(t)) u->port = -1;
                        /* a URL becoming a file URL gets the path the parser
                         * gives a file URL (see the path state), so href
                         * still parses to itself */
                        if (t == ASY_URL_SCHEME_FILE)
                            while (u->path_e - u->path_s >= 2 && b->p[u->path_s] == '/' && b->p[u->path_s + 1] == '/')
                                u->path_s++;
                        return 0;
                    }
                    if (t == ASY_URL_SCHEME_FILE) {
                        state = ASY__US_FILE;
                    } else if (t != ASY_URL_SCHEME_OTHER && base && base->scheme_type == t) {
                        state = ASY__US_SPECIAL_RELATIVE_OR_AUTHORITY;
                    } else if (t != ASY_URL_SCHEME_OTHER) {
                        state = ASY__US_SPECIAL_AUTHORITY_SLASHES;
                    } else if (p + 1 < len && in[p + 1] == '/') {
                        state = ASY__US_PATH_OR_AUTHORITY;
                        p++;
                    } else {
                        u->opaque = 1;
                        u->path_s = u->path_e = b->len;
                        state = ASY__US_OPAQUE_PATH;
                    }
                } else if (!override) {
                    state = ASY__US_NO_SCHEME;
                    p = -1;
                } else {
                    return ASY_EINVALID_URL;
                }
                break;

            case ASY__US_NO_SCHEME:
                if (!base || (base->opaque_path && c != '#')) return ASY_EINVALID_URL;
                if (base->opaque_path) {
                    asy__urec_base_scheme(u, base);
                    asy__urec_base_path(u, base);
                    u->opaque = 1;
                    asy__urec_base_query(u, base);
                    asy__urec_new_frag(u);
                    state = ASY__US_FRAGMENT;
                } else {
                    state = base->scheme_type != ASY_URL_SCHEME_FILE ? ASY__US_RELATIVE : ASY__US_FILE;
                    p--;
                }
                break;

            case ASY__US_SPECIAL_RELATIVE_OR_AUTHORITY:
                if (c == '/' && p + 1 < len && in[p + 1] == '/') {
                    state = ASY__US_SPECIAL_AUTHORITY_IGNORE_SLASHES;
                    p++;
                } else {
                    state = ASY__US_RELATIVE;
                    p--;
                }
                break;

            case ASY__US_PATH_OR_AUTHORITY:
                if (c == '/') {
                    state = ASY__US_AUTHORITY;
                } else {
                    state = ASY__US_PATH;
                    p--;
                }
                break;

            case ASY__US_RELATIVE:
                asy__urec_base_scheme(u, base);
                special = ASY__URL_SPECIAL(u);
                if (c == '/' || (special && c == '\\')) {
                    state = ASY__US_RELATIVE_SLASH;
                } else {
                    asy__urec_base_authority(u, base);
                    asy__urec_base_path(u, base);
                    if (c == '?') {
                        asy__urec_new_query(u);
                        state = ASY__US_QUERY;
                    } else if (c == '#') {
                        asy__urec_base_query(u, base);
                        asy__urec_new_frag(u);
                        state = ASY__US_FRAGMENT;
                    } else if (c != -1) {
                        asy__urec_shorten(u);
                        state = ASY__US_PATH;
                        p--;
                    } else {
                        asy__urec_base_query(u, base);
                    }
                }
                break;

            case ASY__US_RELATIVE_SLASH:
                if (special && (c == '/' || c == '\\')) {
                    state = ASY__US_SPECIAL_AUTHORITY_IGNORE_SLASHES;
                } else if (c == '/') {
                    state = ASY__US_AUTHORITY;
                } else {
                    asy__urec_base_authority(u, base);
                    state = ASY__US_PATH;
                    p--;
                }
                break;

            case ASY__US_SPECIAL_AUTHORITY_SLASHES:
                state = ASY__US_SPECIAL_AUTHORITY_IGNORE_SLASHES;
                if (c == '/' && p + 1 < len && in[p + 1] == '/')
                    p++;
                else
                    p--;
                break;

            case ASY__US_SPECIAL_AUTHORITY_IGNORE_SLASHES:
                if (c != '/' && c != '\\') {
                    state = ASY__US_AUTHORITY;
                    p--;
                }
                break;

            case ASY__US_AUTHORITY: {
                /* The standard collects the authority code point by code
                 * point; the userinfo is everything before its last '@',
                 * split at the first ':' (later '@'s and ':'s are encoded). */
                long e = p, at = -1;
                while (e < len) {
                    char ch = in[e];
                    if (ch == '/' || ch == '?' || ch == '#' || (special && ch == '\\')) break;
                    if (ch == '@') at = e;
                    e++;
                }
                if (at >= 0) {
                    const char *colon;
                    size_t ul;
                    if (at + 1 == e) return ASY_EINVALID_URL; /* credentials but no host */
                    colon = (const char *)memchr(in + p, ':', (size_t)(at - p));
                    ul = colon ? (size_t)(colon - (in + p)) : (size_t)(at - p);
                    u->user_s = b->len;
                    asy__ub_encode(b, in + p, ul, ASY_URL_ENCODE_USERINFO);
                    u->user_e = u->pass_s = u->pass_e = b->len;
                    if (colon) {
                        asy__ub_encode(b, colon + 1, (size_t)(in + at - colon - 1), ASY_URL_ENCODE_USERINFO);
                        u->pass_e = b->len;
                    }
                    p = at + 1;
                }
                buf = (size_t)p;
                state = ASY__US_HOST;
                p--;
                break;
            }

            case ASY__US_HOST:
            case ASY__US_HOSTNAME:
                if (override && u->scheme_type == ASY_URL_SCHEME_FILE) {
                    p--;
                    buf = (size_t)(p + 1);
                    state = ASY__US_FILE_HOST;
                } else if (c == ':' && !brackets) {
                    /* (the revision of the standard the WPT data pins sets
                     * the host before the hostname setter stops here) */
                    if ((size_t)p == buf) return ASY_EINVALID_URL;
                    if ((r = asy__urec_set_host(u, in + buf, (size_t)p - buf)) < 0) return r;
                    if (override == ASY__US_HOSTNAME) return 0;
                    state = ASY__US_PORT;
                } else if (c == -1 || c == '/' || c == '?' || c == '#' || (special && c == '\\')) {
                    size_t bl = (size_t)p - buf;
                    p--;
                    if (special && bl == 0) return ASY_EINVALID_URL;
                    if (override && bl == 0 && (asy__urec_credentials(u) || u->port >= 0))
                        return ASY__URL_IGNORED;
                    if ((r = asy__urec_set_host(u, in + buf, bl)) < 0) return r;
                    state = ASY__US_PATH_START;
                    if (override) return 0;
                } else {
                    /* the run up to the next character this state looks at */
                    for (;;) {
                        if (c == '[') brackets = 1;
                        if (c == ']') brackets = 0;
                        if (p + 1 >= len) break;
                        c = (unsigned char)in[p + 1];
                        if (c == ':' || c == '/' || c == '?' || c == '#' || c == '\\') break;
                        p++;
                    }
                }
                break;

            case ASY__US_PORT:
                if (c >= '0' && c <= '9') {
                    portv = portv * 10 + (c - '0');
                    if (portv > 65536) portv = 65536;
                    digits++;
                } else if (c == -1 || c == '/' || c == '?' || c == '#' || (special && c == '\\') || override) {
                    if (digits) {
                        /* the host setter has set the host by now: it stays */
                        if (portv > 65535) return override == ASY__US_HOST ? 0 : ASY_EINVALID_URL;
                        u->port = portv == asy__url_type_port(u->scheme_type) ? -1 : portv;
                        digits = 0;
                        portv = 0;
                    } else if (override == ASY__US_PORT) {
                        return ASY__URL_IGNORED;
                    }
                    if (override) return 0;
                    state = ASY__US_PATH_START;
                    p--;
                } else {
                    return ASY_EINVALID_URL;
                }
                break;

            case ASY__US_FILE:
                if (u->scheme_e == u->scheme_s) {
                    u->scheme_s = b->len;
                    asy__ub_putn(b, "file", 4);
                    u->scheme_e = b->len;
                }
                u->scheme_type = ASY_URL_SCHEME_FILE;
                u->host_type = ASY_URL_HOST_EMPTY;
                u->host_s = u->host_e = b->len;
                if (c == '/' || c == '\\') {
                    state = ASY__US_FILE_SLASH;
                } else if (base && base->scheme_type == ASY_URL_SCHEME_FILE) {
                    asy__urec_copy(u, base->href, base->host_start, base->host_end, &u->host_s, &u->host_e);
                    u->host_type = base->host_type;
                    asy__urec_base_path(u, base);
                    if (c == '?') {
                        asy__urec_new_query(u);
                        state = ASY__US_QUERY;
                    } else if (c == '#') {
                        asy__urec_base_query(u, base);
                        asy__urec_new_frag(u);
                        state = ASY__US_FRAGMENT;
                    } else if (c != -1) {
                        if (!asy__url_starts_drive(in + p, (size_t)(len - p))) {
                            asy__urec_shorten(u);
                        } else {
                            b->len = u->path_s;
                            u->path_e = u->path_s;
                        }
                        state = ASY__US_PATH;
                        p--;
                    } else {
                        asy__urec_base_query(u, base);
                    }
                } else {
                    state = ASY__US_PATH;
                    p--;
                }
                break;

            case ASY__US_FILE_SLASH:
                if (c == '/' || c == '\\') {
                    state = ASY__US_FILE_HOST;
                    buf = (size_t)(p + 1);
                } else {
                    if (base && base->scheme_type == ASY_URL_SCHEME_FILE) {
                        asy__urec_copy(u, base->href, base->host_start, base->host_end, &u->host_s, &u->host_e);
                        u->host_type = base->host_type;
                        if (!asy__url_starts_drive(in + p, (size_t)(len - p))) {
                            /* base's first segment, when it is a drive letter */
                            const char *bp = base->href + base->path_start;
                            size_t bl = base->path_end - base->path_start;
                            if (bl >= 3 && bp[0] == '/' && asy__url_is_drive(bp + 1, 2, 1) && (bl == 3 || bp[3] == '/')) {
                                asy__urec_path_to_end(u);
                                asy__ub_putn(b, bp, 3);
                                u->path_e = b->len;
                            }
                        }
                    }
                    state = ASY__US_PATH;
                    p--;
                }
                break;

            case ASY__US_FILE_HOST:
                if (c == -1 || c == '/' || c == '\\' || c == '?' || c == '#') {
                    size_t bl = (size_t)p - buf;
                    p--;
                    if (!override && asy__url_is_drive(in + buf, bl, 0)) {
                        /* the drive letter quirk: the buffer becomes the
                         * path's first segment */
                        asy__urec_path_to_end(u);
                        asy__ub_putc(b, '/');
                        seg = b->len;
                        asy__ub_putn(b, in + buf, 2);
                        u->path_e = b->len;
                        seg_open = 1;
                        state = ASY__US_PATH;
                    } else if (bl == 0) {
                        u->host_type = ASY_URL_HOST_EMPTY;
                        u->host_s = u->host_e = b->len;
                        if (override) return 0;
                        state = ASY__US_PATH_START;
                    } else {
                        if ((r = asy__urec_set_host(u, in + buf, bl)) < 0) return r;
                        if (u->host_e - u->host_s == 9 && memcmp(b->p + u->host_s, "localhost", 9) == 0) {
                            u->host_type = ASY_URL_HOST_EMPTY;
                            u->host_e = u->host_s;
                        }
                        if (override) return 0;
                        state = ASY__US_PATH_START;
                    }
                }
                break;

            case ASY__US_PATH_START:
                if (special) {
                    state = ASY__US_PATH;
                    if (c != '/' && c != '\\') p--;
                } else if (!override && c == '?') {
                    asy__urec_new_query(u);
                    state = ASY__US_QUERY;
                } else if (!override && c == '#') {
                    asy__urec_new_frag(u);
                    state = ASY__US_FRAGMENT;
                } else if (c != -1) {
                    state = ASY__US_PATH;
                    if (c != '/') p--;
                } else if (override && u->host_type == ASY_URL_HOST_NONE) {
                    asy__urec_path_to_end(u);
                    asy__ub_putc(b, '/');
                    u->path_e = b->len;
                }
                break;

            case ASY__US_PATH: {
                int slash = c == '/' || (special && c == '\\');
                if (!seg_open) {
                    asy__urec_path_to_end(u);
                    asy__ub_putc(b, '/');
                    seg = b->len;
                    seg_open = 1;
                }
                if (!(c == -1 || slash || (!override && (c == '?' || c == '#')))) {
                    long e = p + 1;
                    while (e < len) {
                        char ch = in[e];
                        if (ch == '/' || (special && ch == '\\') || (!override && (ch == '?' || ch == '#'))) break;
                        e++;
                    }
                    asy__ub_encode(b, in + p, (size_t)(e - p), ASY_URL_ENCODE_PATH);
                    u->path_e = b->len;
                    p = e - 1;
                    break;
                }
                if (b->err) return b->err;
                if (asy__url_double_dot(b->p + seg, b->len - seg)) {
                    b->len = seg - 1;
                    u->path_e = b->len;
                    asy__urec_shorten(u);
                    if (!slash) asy__ub_putc(b, '/');
                } else if (asy__url_single_dot(b->p + seg, b->len - seg)) {
                    b->len = slash ? seg - 1 : seg;
                } else if (u->scheme_type == ASY_URL_SCHEME_FILE && seg - 1 == u->path_s &&
                           asy__url_is_drive(b->p + seg, b->len - seg, 0)) {
                    b->p[seg + 1] = ':';
                }
                u->path_e = b->len;
                seg_open = 0;
                if (u->scheme_type == ASY_URL_SCHEME_FILE && (c == -1 || (!override && (c == '?' || c == '#')))) {
                    /* a file path loses its leading empty segments (in the
                     * revision of the standard the WPT data pins) */
                    while (u->path_e - u->path_s >= 2 && b->p[u->path_s] == '/' && b->p[u->path_s + 1] == '/')
                        u->path_s++;
                }
                if (c == '?') {
                    asy__urec_new_query(u);
                    state = ASY__US_QUERY;
                } else if (c == '#') {
                    asy__urec_new_frag(u);
                    state = ASY__US_FRAGMENT;
                }
                break;
            }

            case ASY__US_OPAQUE_PATH:
                if (c == '?') {
                    asy__urec_new_query(u);
                    state = ASY__US_QUERY;
                } else if (c == '#') {
                    asy__urec_new_frag(u);
                    state = ASY__US_FRAGMENT;
                } else if (c != -1) {
                    long e = p + 1;
                    while (e < len && in[e] != '?' && in[e] != '#') e++;
                    asy__ub_encode(b, in + p, (size_t)(e - p), ASY_URL_ENCODE_C0);
                    u->path_e = b->len;
                    p = e - 1;
                }
                break;

            case ASY__US_QUERY: {
                long e = p;
                if (!override)
                    while (e < len && in[e] != '#') e++;
                else
                    e = len;
                asy__ub_encode(b, in + p, (size_t)(e - p),
                               special ? ASY_URL_ENCODE_SPECIAL_QUERY : ASY_URL_ENCODE_QUERY);
                u->query_e = b->len;
                p = e;
                if (e < len) {
                    asy__urec_new_frag(u);
                    state = ASY__US_FRAGMENT;
                }
                break;
            }

            case ASY__US_FRAGMENT:
                if (p < len) asy__ub_encode(b, in + p, (size_t)(len - p), ASY_URL_ENCODE_FRAGMENT);
                u->frag_e = b->len;
                p = len;
                break;

            default:
                return ASY_EINVAL;
        }
        if (p >= len) break;
        p++;
    }
    return b->err;
}
