/* file: URLs and paths: Node's url.fileURLToPath and url.pathToFileURL
 * with POSIX rules. */
#include "url.internal.h"
#include "../path/path.h"

ASYNCRT_API int asy_url_file_to_path(char **out, const asy_url_t *url) {
    const char *p;
    size_t n, i;
    asy__ubuf b;
    char local[256];
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!url || !url->href) return ASY_EINVAL;
    if (url->scheme_type != ASY_URL_SCHEME_FILE) return ASY_EINVALID_URL_SCHEME;
    if (url->host_end != url->host_start) return ASY_EINVALID_FILE_URL_HOST;
    p = url->href + url->path_start;
    n = url->path_end - url->path_start;
    for (i = 0; i + 2 < n; i++)
        if (p[i] == '%' && p[i + 1] == '2' && (p[i + 2] | 0x20) == 'f') return ASY_EINVALID_FILE_URL_PATH;
    /* decodeURIComponent: every '%' starts a valid escape, and the bytes
     * decode as UTF-8 (the pathname itself is ASCII) */
    for (i = 0; i < n; i++)
        if (p[i] == '%' && (i + 2 >= n || asy__url_hexval((unsigned char)p[i + 1]) < 0 ||
                            asy__url_hexval((unsigned char)p[i + 2]) < 0))
            return ASY_EURI_MALFORMED;
    asy__ub_init(&b, local, sizeof(local));
    asy__ub_decode(&b, p, n);
    if (b.err) {
        asy__ub_free(&b);
        return b.err;
    }
    if (!asy__url_utf8_valid((const unsigned char *)b.p, b.len)) {
        asy__ub_free(&b);
        return ASY_EURI_MALFORMED;
    }
    if (memchr(b.p, '\0', b.len)) { /* Node returns it; no C path can hold it */
        asy__ub_free(&b);
        return ASY_EINVALID_FILE_URL_PATH;
    }
    return asy__ub_finish(&b, out, NULL);
}

ASYNCRT_API int asy_url_file_to_path_str(char **out, const char *href) {
    asy_url_t u;
    int r;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!href) return ASY_EINVAL;
    if ((r = asy_url_parse(&u, href, NULL)) != 0) return r;
    r = asy_url_file_to_path(out, &u);
    asy_url_free(&u);
    return r;
}

/* The bytes Node 20's pathToFileURL percent-encodes itself before it
 * parses "file://" + path: tab, newline, CR, space, DEL, non-ASCII and
 * " # % < > ? [ \ ] ^ ` { | } ~.  Other controls are left to the URL
 * parser, which trims them at the end and encodes them elsewhere. */
ASY__INTERNAL int asy__url_path_char_escaped(unsigned char c) {
    return c == '\t' || c == '\n' || c == '\r' || c == ' ' || c >= 0x7f ||
           (c > 0x20 && strchr("\"#%<>?[\\]^`{|}~", c) != NULL);
}

ASYNCRT_API int asy_url_from_path(asy_url_t *url, const char *path) {
    char *resolved = NULL;
    asy__ubuf b;
    char local[512];
    size_t i, n, pl;
    int r;
    if (!url) return ASY_EINVAL;
    memset(url, 0, sizeof(*url));
    if (!path) return ASY_EINVAL;
    r = asy_path_posix_resolve(&resolved, 1, &path);
    if (r) return r;
    asy__ub_init(&b, local, sizeof(local));
    asy__ub_putn(&b, "file://", 7);
    n = strlen(resolved);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)resolved[i];
        if (asy__url_path_char_escaped(c)) {
            char e[3];
            e[0] = '%';
            e[1] = asy__url_hex_upper[c >> 4];
            e[2] = asy__url_hex_upper[c & 15];
            asy__ub_putn(&b, e, 3);
        } else {
            asy__ub_putc(&b, c);
        }
    }
    /* resolve drops a trailing slash: keep the caller's */
    pl = strlen(path);
    if (pl && path[pl - 1] == '/' && (n == 0 || resolved[n - 1] != '/')) asy__ub_putc(&b, '/');
    asy__free(resolved);
    r = b.err ? b.err : asy_url_parsen(url, b.p, b.len, NULL);
    asy__ub_free(&b);
    return r;
}
