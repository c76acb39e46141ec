/* The URL parser on arbitrary bytes, split at NUL into an input, a base
 * and setter values.  Besides not crashing or leaking: a parsed URL's href
 * parses again to the same href and the same components (the serializer
 * and the parser agree), after parsing and after every setter; the
 * URLSearchParams of a URL serialize and reparse to the same list. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdint.h>
#include <stdlib.h>

#define CHECK(c)           \
    do {                   \
        if (!(c)) abort(); \
    } while (0)

static void same_url(const asy_url_t *a, const asy_url_t *b) {
    CHECK(a->href_len == b->href_len && memcmp(a->href, b->href, a->href_len) == 0);
    CHECK(a->scheme_end == b->scheme_end && a->user_start == b->user_start && a->user_end == b->user_end);
    CHECK(a->pass_start == b->pass_start && a->pass_end == b->pass_end);
    CHECK(a->host_start == b->host_start && a->host_end == b->host_end && a->port_end == b->port_end);
    CHECK(a->path_start == b->path_start && a->path_end == b->path_end);
    CHECK(a->query_start == b->query_start && a->frag_start == b->frag_start && a->port == b->port);
    CHECK(a->scheme_type == b->scheme_type && a->host_type == b->host_type);
    CHECK(a->opaque_path == b->opaque_path && a->has_query == b->has_query && a->has_frag == b->has_frag);
}

/* href is a fixed point and every component is inside it */
static void check_url(const asy_url_t *u) {
    asy_url_t again;
    char *o = NULL;
    CHECK(u->href && strlen(u->href) == u->href_len);
    CHECK(u->href[u->scheme_end] == ':');
    CHECK(u->path_end <= u->query_start && u->query_start <= u->frag_start && u->frag_start <= u->href_len);
    CHECK(asy_url_parse(&again, u->href, NULL) == 0);
    same_url(u, &again);
    asy_url_free(&again);
    CHECK(asy_url_origin(u, &o) == 0);
    asy_free(o);
}

static void check_params(asy_url_t *u) {
    asy_url_params_t p, q;
    char *s = NULL, *t = NULL;
    size_t i;
    CHECK(asy_url_params_from_url(&p, u) == 0);
    CHECK(asy_url_params_to_string(&p, &s) == 0);
    CHECK(asy_url_params_parse(&q, s, strlen(s)) == 0);
    CHECK(q.count == p.count);
    for (i = 0; i < p.count; i++) {
        CHECK(p.items[i].name_len == q.items[i].name_len && p.items[i].value_len == q.items[i].value_len);
        CHECK(memcmp(p.items[i].name, q.items[i].name, p.items[i].name_len) == 0);
        CHECK(memcmp(p.items[i].value, q.items[i].value, p.items[i].value_len) == 0);
    }
    CHECK(asy_url_params_to_string(&q, &t) == 0);
    CHECK(strcmp(s, t) == 0);
    if (p.count) {
        CHECK(asy_url_params_sort(&p) == 0); /* writes the URL's query */
        check_url(u);
    }
    asy_free(s);
    asy_free(t);
    asy_url_params_free(&p);
    asy_url_params_free(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s[4];
    size_t len[4], n = 0, i, start = 0;
    asy_url_t base, u;
    int r;
    for (i = 0; i <= size && n < 4; i++) {
        if (i == size || data[i] == 0) {
            s[n] = (const char *)data + start;
            len[n++] = i - start;
            start = i + 1;
        }
    }
    memset(&base, 0, sizeof(base));
    if (n > 1 && asy_url_parsen(&base, s[1], len[1], NULL) == 0) check_url(&base);
    r = asy_url_parsen(&u, s[0], len[0], base.href ? &base : NULL);
    CHECK(r == 0 || r == ASY_EINVALID_URL || r == ASY_EURL_IDNA);
    if (r == 0) {
        char *path = NULL;
        check_url(&u);
        check_params(&u);
        if (asy_url_file_to_path(&path, &u) == 0) asy_free(path);
        for (i = 2; i < n; i++) {
            int part;
            for (part = ASY_URL_PROTOCOL; part <= ASY_URL_HASH; part++) {
                asy_url_t before;
                CHECK(asy_url_copy(&before, &u) == 0);
                r = asy_url_set(&u, (asy_url_part_t)part, s[i], len[i]);
                CHECK(r == 0 || r == ASY_EINVALID_URL || r == ASY_EURL_IDNA);
                if (r != 0) same_url(&u, &before);
                check_url(&u);
                asy_url_free(&before);
            }
        }
        asy_url_free(&u);
    }
    asy_url_free(&base);
    return 0;
}
