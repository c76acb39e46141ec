/* url: the WHATWG URL Standard (Node's `URL`, `URLSearchParams`,
 * `url.fileURLToPath`, `url.pathToFileURL`).
 *
 * A parsed URL is one allocation: its serialization (href) with the
 * offsets of every component, so every getter is a view into it, O(1) and
 * never allocating.  Views are NOT NUL-terminated (except href); they stay
 * valid until the URL is changed or freed.
 *
 *     asy_url_t u;
 *     if (asy_url_parse(&u, "../x?y=1", base) == 0) {       // base may be NULL
 *         asy_url_view_t h = asy_url_hostname(&u);
 *         printf("%.*s\n", (int)h.len, h.ptr);
 *         asy_url_free(&u);
 *     }
 *
 * Errors: ASY_EINVALID_URL (the standard's parser fails: Node throws
 * ERR_INVALID_URL), ASY_EURL_IDNA (a special URL's host is non-ASCII, or
 * has a label starting "xn--": that needs UTS #46 IDNA processing, which
 * this module does not do), ASY_ENOMEM, ASY_EINVAL (NULL argument).
 * Input is UTF-8; bytes >= 0x80 are percent-encoded byte by byte, which is
 * the standard's result for valid UTF-8.  A URL whose href would exceed
 * 2^31 bytes is refused with ASY_EINVALID_URL. */
#pragma once
#include "../base/config.h"

/* Which special scheme, if any (the standard's special schemes). */
typedef enum asy_url_scheme_e {
    ASY_URL_SCHEME_OTHER = 0, /* not special */
    ASY_URL_SCHEME_HTTP,
    ASY_URL_SCHEME_HTTPS,
    ASY_URL_SCHEME_WS,
    ASY_URL_SCHEME_WSS,
    ASY_URL_SCHEME_FTP,
    ASY_URL_SCHEME_FILE
} asy_url_scheme_t;

typedef enum asy_url_host_type_e {
    ASY_URL_HOST_NONE = 0, /* no host (null): "mailto:x", "foo:/x" */
    ASY_URL_HOST_EMPTY,    /* the empty host: "file:///x", "foo:///x" */
    ASY_URL_HOST_DOMAIN,   /* an ASCII domain, lowercased */
    ASY_URL_HOST_IPV4,     /* serialized as a.b.c.d */
    ASY_URL_HOST_IPV6,     /* serialized with brackets, compressed */
    ASY_URL_HOST_OPAQUE    /* a non-special URL's host, percent-encoded */
} asy_url_host_type_t;

/* A view into a URL's href: ptr[0..len), not NUL-terminated. */
typedef struct asy_url_view_s {
    const char *ptr;
    size_t len;
} asy_url_view_t;

/* A parsed URL.  The caller owns the struct; everything but `href` is
 * private (use the getters).  Zeroed (or freed), it is "no URL". */
typedef struct asy_url_s {
    char *href;          /* NUL-terminated serialization (the allocation) */
    uint32_t href_len;
    uint32_t scheme_end; /* index of the ':' after the scheme */
    uint32_t user_start, user_end, pass_start, pass_end;
    uint32_t host_start, host_end; /* hostname */
    uint32_t port_end;             /* end of ":port" (== host_end: none) */
    uint32_t path_start, path_end;
    uint32_t query_start; /* index of '?', or path_end when there is no query */
    uint32_t frag_start;  /* index of '#', or href_len when there is none */
    int32_t port;         /* -1: none (or the scheme's default) */
    unsigned char scheme_type; /* asy_url_scheme_t */
    unsigned char host_type;   /* asy_url_host_type_t */
    unsigned char opaque_path; /* "mailto:x": the path is one opaque string */
    unsigned char has_query, has_frag;
} asy_url_t;

/* ---- parse, copy, free ---- */

/* new URL(input, base): base may be NULL.  On error *url is zeroed. */
ASYNCRT_API int asy_url_parse(asy_url_t *url, const char *input, const asy_url_t *base);
ASYNCRT_API int asy_url_parsen(asy_url_t *url, const char *input, size_t len, const asy_url_t *base);
/* new URL(input, baseString): base_str may be NULL. */
ASYNCRT_API int asy_url_parse_with_base(asy_url_t *url, const char *input, const char *base_str);
/* URL.canParse(input, base): 1 or 0. */
ASYNCRT_API int asy_url_can_parse(const char *input, const char *base_str);
/* A copy with its own allocation; on error *dst is zeroed. */
ASYNCRT_API int asy_url_copy(asy_url_t *dst, const asy_url_t *src);
ASYNCRT_API void asy_url_free(asy_url_t *url);

/* ---- getters (views into href; the spellings of Node's getters) ---- */
ASYNCRT_API const char *asy_url_href(const asy_url_t *url);
ASYNCRT_API asy_url_view_t asy_url_protocol(const asy_url_t *url); /* "https:" */
ASYNCRT_API asy_url_view_t asy_url_scheme(const asy_url_t *url);   /* "https" */
ASYNCRT_API asy_url_view_t asy_url_username(const asy_url_t *url);
ASYNCRT_API asy_url_view_t asy_url_password(const asy_url_t *url);
ASYNCRT_API asy_url_view_t asy_url_host(const asy_url_t *url);     /* hostname[:port] */
ASYNCRT_API asy_url_view_t asy_url_hostname(const asy_url_t *url); /* "[::1]" for IPv6 */
ASYNCRT_API asy_url_view_t asy_url_port(const asy_url_t *url);     /* "" when default/none */
ASYNCRT_API asy_url_view_t asy_url_pathname(const asy_url_t *url);
ASYNCRT_API asy_url_view_t asy_url_search(const asy_url_t *url);   /* "?q" or "" */
ASYNCRT_API asy_url_view_t asy_url_hash(const asy_url_t *url);     /* "#f" or "" */
/* url.origin ("https://example.com:8443", or "null" for an opaque
 * origin), allocated: release with asy_free(). */
ASYNCRT_API int asy_url_origin(const asy_url_t *url, char **out);

/* ---- for HTTP clients ---- */
ASYNCRT_API asy_url_scheme_t asy_url_scheme_type(const asy_url_t *url);
ASYNCRT_API asy_url_host_type_t asy_url_host_type(const asy_url_t *url);
/* The port to connect to: the explicit one, else the scheme's default
 * (80, 443, 21...); -1 when neither exists. */
ASYNCRT_API int asy_url_port_or_default(const asy_url_t *url);
/* The scheme's default port (-1 if none): asy_url_default_port("https", 5). */
ASYNCRT_API int asy_url_default_port(const char *scheme, size_t len);
/* The request-target of an HTTP request line: pathname + search, never
 * the fragment ("/a/b?x=1").  Special URLs always have a path; when both
 * path and query are empty (some non-special URLs) it is "/". */
ASYNCRT_API asy_url_view_t asy_url_path_and_query(const asy_url_t *url);
/* The hostname without IPv6 brackets, for connect/getaddrinfo. */
ASYNCRT_API asy_url_view_t asy_url_hostname_bare(const asy_url_t *url);

/* ---- setters (Node's url.x = value) ----
 * 0: the standard applied the value (parts it ignores, like "8080x" for a
 * port, are dropped as the standard says).  ASY_EINVALID_URL or
 * ASY_EURL_IDNA: the standard rejects or ignores the value; the URL is
 * unchanged.  ASY_ENOMEM: unchanged.  href's setter is a reparse. */
typedef enum asy_url_part_e {
    ASY_URL_HREF,
    ASY_URL_PROTOCOL,
    ASY_URL_USERNAME,
    ASY_URL_PASSWORD,
    ASY_URL_HOST,
    ASY_URL_HOSTNAME,
    ASY_URL_PORT,
    ASY_URL_PATHNAME,
    ASY_URL_SEARCH,
    ASY_URL_HASH
} asy_url_part_t;
/* Any setter, with a length (the value may hold NUL bytes). */
ASYNCRT_API int asy_url_set(asy_url_t *url, asy_url_part_t part, const char *value, size_t len);
ASYNCRT_API int asy_url_set_href(asy_url_t *url, const char *value);
ASYNCRT_API int asy_url_set_protocol(asy_url_t *url, const char *value);
ASYNCRT_API int asy_url_set_username(asy_url_t *url, const char *value);
ASYNCRT_API int asy_url_set_password(asy_url_t *url, const char *value);
ASYNCRT_API int asy_url_set_host(asy_url_t *url, const char *value);
ASYNCRT_API int asy_url_set_hostname(asy_url_t *url, const char *value);
ASYNCRT_API int asy_url_set_port(asy_url_t *url, const char *value);
ASYNCRT_API int asy_url_set_pathname(asy_url_t *url, const char *value);
ASYNCRT_API int asy_url_set_search(asy_url_t *url, const char *value);
ASYNCRT_API int asy_url_set_hash(asy_url_t *url, const char *value);

/* ---- percent-encoding ---- */

/* The standard's percent-encode sets, each a superset of the one above
 * it except where noted. */
typedef enum asy_url_encode_set_e {
    ASY_URL_ENCODE_C0 = 1,             /* C0 controls and bytes > 0x7E */
    ASY_URL_ENCODE_FRAGMENT = 2,       /* + space " < > ` */
    ASY_URL_ENCODE_QUERY = 4,          /* C0 + space " # < > */
    ASY_URL_ENCODE_SPECIAL_QUERY = 8,  /* query + ' */
    ASY_URL_ENCODE_PATH = 16,          /* query + ? ` { } */
    ASY_URL_ENCODE_USERINFO = 32,      /* path + / : ; = @ [ \ ] ^ | */
    ASY_URL_ENCODE_COMPONENT = 64,     /* userinfo + $ % & + , (encodeURIComponent's set, less ! ' ( ) ~) */
    ASY_URL_ENCODE_FORM = 128          /* component + ! ' ( ) ~ (space becomes '+') */
} asy_url_encode_set_t;

/* Percent-encodes s[0..len) with `set` (uppercase hex); allocated,
 * NUL-terminated.  With ASY_URL_ENCODE_FORM, space becomes '+'. */
ASYNCRT_API int asy_url_percent_encode(char **out, const char *s, size_t len, asy_url_encode_set_t set);
/* Percent-decodes s[0..len): "%XX" becomes the byte, any other byte
 * (also a '%' not followed by two hex digits) is kept, as the standard's
 * percent-decode does.  Allocated, NUL-terminated; *out_len (may be NULL)
 * gets the length (the result may contain NUL bytes). */
ASYNCRT_API int asy_url_percent_decode(char **out, size_t *out_len, const char *s, size_t len);

/* ---- URLSearchParams ---- */

typedef struct asy_url_param_s {
    char *name; /* NUL-terminated (may also contain NULs: see name_len) */
    char *value;
    size_t name_len, value_len;
} asy_url_param_t;

/* An ordered list of name-value pairs.  Bound to a URL (from_url), every
 * change is written to the URL's query at once, as Node's
 * url.searchParams does; a later asy_url_set_search/href on that URL is
 * not seen by the list (call asy_url_params_from_url again).  The bound
 * asy_url_t must stay at its address while the list is used. */
typedef struct asy_url_params_s {
    asy_url_param_t *items;
    size_t count, cap;
    asy_url_t *url; /* bound URL or NULL */
} asy_url_params_t;

/* new URLSearchParams(string): a leading '?' is skipped. */
ASYNCRT_API int asy_url_params_parse(asy_url_params_t *p, const char *query, size_t len);
/* url.searchParams: parsed from url's query and bound to url. */
ASYNCRT_API int asy_url_params_from_url(asy_url_params_t *p, asy_url_t *url);
ASYNCRT_API void asy_url_params_free(asy_url_params_t *p);
ASYNCRT_API size_t asy_url_params_size(const asy_url_params_t *p);
/* The first value for name, or NULL. */
ASYNCRT_API const char *asy_url_params_get(const asy_url_params_t *p, const char *name);
/* Every value for name: up to max pointers in out; returns how many
 * exist (may be more than max). */
ASYNCRT_API size_t asy_url_params_get_all(const asy_url_params_t *p, const char *name,
                                          const char **out, size_t max);
/* has(name) / has(name, value): value may be NULL.  1 or 0. */
ASYNCRT_API int asy_url_params_has(const asy_url_params_t *p, const char *name, const char *value);
ASYNCRT_API int asy_url_params_append(asy_url_params_t *p, const char *name, const char *value);
ASYNCRT_API int asy_url_params_set(asy_url_params_t *p, const char *name, const char *value);
/* delete(name) / delete(name, value): value may be NULL. */
ASYNCRT_API int asy_url_params_delete(asy_url_params_t *p, const char *name, const char *value);
/* Stable sort by name, comparing UTF-16 code units as Node does. */
ASYNCRT_API int asy_url_params_sort(asy_url_params_t *p);
/* Iteration: entries i = 0 .. size-1 (NULL past the end). */
ASYNCRT_API const asy_url_param_t *asy_url_params_at(const asy_url_params_t *p, size_t i);
/* toString(): application/x-www-form-urlencoded, allocated. */
ASYNCRT_API int asy_url_params_to_string(const asy_url_params_t *p, char **out);

/* ---- file URLs (Node's url.fileURLToPath / url.pathToFileURL, POSIX rules) ---- */

/* fileURLToPath(url): ASY_EINVALID_URL_SCHEME (not file:),
 * ASY_EINVALID_FILE_URL_HOST (a host other than empty/localhost),
 * ASY_EINVALID_FILE_URL_PATH (an encoded '/' or an encoded NUL, which no
 * C path can hold), ASY_EURI_MALFORMED (decodeURIComponent's URIError:
 * a bad %-sequence or invalid UTF-8).  Allocated. */
ASYNCRT_API int asy_url_file_to_path(char **out, const asy_url_t *url);
/* The same from a string (parsed first: ASY_EINVALID_URL). */
ASYNCRT_API int asy_url_file_to_path_str(char **out, const char *href);
/* pathToFileURL(path): resolved against the current directory, a
 * trailing '/' kept, '%' '\\' newline CR tab encoded. */
ASYNCRT_API int asy_url_from_path(asy_url_t *url, const char *path);
