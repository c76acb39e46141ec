/* Allocation failure in the URL module: every call either works or
 * returns ASY_ENOMEM leaving its URL as it was, and nothing leaks.  This
 * translation unit has its own copy of the library over a counting
 * allocator that fails the Nth allocation (see test_internal_oom.c). */
#include <stdlib.h>

static long uo_count, uo_fail_at, uo_live;

static int uo_should_fail(void) { return ++uo_count == uo_fail_at; }
static void *uo_malloc(size_t n) {
    void *p;
    if (uo_should_fail()) return NULL;
    p = malloc(n);
    if (p) uo_live++;
    return p;
}
static void *uo_realloc(void *p, size_t n) {
    void *q;
    int fresh = p == NULL;
    if (uo_should_fail()) return NULL;
    q = realloc(p, n);
    if (q && fresh) uo_live++;
    return q;
}
static void uo_free(void *p) {
    if (!p) return;
    uo_live--;
    free(p);
}

#define ASYNCRT_MALLOC(n) uo_malloc(n)
#define ASYNCRT_REALLOC(p, n) uo_realloc((p), (n))
#define ASYNCRT_FREE(p) uo_free(p)
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "test.h"

/* ok or out of memory, nothing else */
#define UO(call)                                                                          \
    do {                                                                                  \
        int uo_r_ = (call);                                                               \
        if (uo_r_ != 0 && uo_r_ != ASY_ENOMEM) FAIL("%s: %s", #call, asy_err_name(uo_r_)); \
    } while (0)

/* A setter that fails must leave the URL exactly as it was. */
#define UO_SET(u, call)                                                                      \
    do {                                                                                     \
        char before_[4096];                                                                  \
        int uo_r_;                                                                           \
        snprintf(before_, sizeof(before_), "%s", asy_url_href(u));                           \
        uo_r_ = (call);                                                                      \
        if (uo_r_ == ASY_ENOMEM) ASSERT_STR_EQ(asy_url_href(u), before_);                    \
        else if (uo_r_ != 0) FAIL("%s: %s", #call, asy_err_name(uo_r_));                      \
    } while (0)

static char uo_long[2048];

static void uo_scenario(void) {
    asy_url_t base, u, c;
    asy_url_params_t p;
    char *s = NULL;
    size_t n;
    memset(&base, 0, sizeof(base));
    memset(&u, 0, sizeof(u));
    UO(asy_url_parse(&base, "https://user:pw@example.com:8443/a/b/c?x=1#f", NULL));
    if (base.href) {
        UO(asy_url_parse(&u, uo_long, &base));
        if (u.href) {
            UO(asy_url_origin(&u, &s));
            asy_free(s);
            s = NULL;
            UO(asy_url_copy(&c, &u));
            asy_url_free(&c);
            UO_SET(&u, asy_url_set_protocol(&u, "wss"));
            UO_SET(&u, asy_url_set_username(&u, "new user"));
            UO_SET(&u, asy_url_set_password(&u, "p w"));
            UO_SET(&u, asy_url_set_host(&u, "h.example:99"));
            UO_SET(&u, asy_url_set_hostname(&u, "10.1"));
            UO_SET(&u, asy_url_set_port(&u, "1234"));
            UO_SET(&u, asy_url_set_port(&u, ""));
            UO_SET(&u, asy_url_set_search(&u, "?q=\t1 2"));
            UO_SET(&u, asy_url_set_hash(&u, "h\nh"));
            UO_SET(&u, asy_url_set_pathname(&u, uo_long + 40));
            UO_SET(&u, asy_url_set_search(&u, ""));
            UO_SET(&u, asy_url_set_href(&u, uo_long));
            if (asy_url_params_from_url(&p, &u) == 0) {
                UO(asy_url_params_append(&p, "k", "v v"));
                UO(asy_url_params_set(&p, "a", "b"));
                UO(asy_url_params_sort(&p));
                UO(asy_url_params_delete(&p, "k", NULL));
                UO(asy_url_params_to_string(&p, &s));
                asy_free(s);
                s = NULL;
                asy_url_params_free(&p);
            }
            asy_url_free(&u);
        }
        asy_url_free(&base);
    }
    UO(asy_url_params_parse(&p, "a=1&b=%41&c=%FF+d", 17));
    asy_url_params_free(&p);
    UO(asy_url_percent_encode(&s, uo_long, sizeof(uo_long) - 1, ASY_URL_ENCODE_FORM));
    asy_free(s);
    s = NULL;
    UO(asy_url_percent_decode(&s, &n, "%41%42 c", 8));
    asy_free(s);
    s = NULL;
    UO(asy_url_from_path(&u, "rel/dir with space/\xc3\xa9/"));
    if (u.href) {
        UO(asy_url_file_to_path(&s, &u));
        asy_free(s);
        s = NULL;
        asy_url_free(&u);
    }
    UO(asy_url_file_to_path_str(&s, "file:///tmp/%C3%A9"));
    asy_free(s);
    UO(asy_url_parse_with_base(&u, "x\ty", "http://a/b"));
    asy_url_free(&u);
}

TEST_T(url_oom_sweep, 30000) {
    long total, k;
    size_t i;
    strcpy(uo_long, "http://H\tOST.example/");
    for (i = strlen(uo_long); i < sizeof(uo_long) - 20; i++) uo_long[i] = (i % 9 == 0) ? ' ' : 'a' + (char)(i % 26);
    strcpy(uo_long + i, "?q=1#frag");
    uo_fail_at = 0;
    uo_count = uo_live = 0;
    uo_scenario();
    ASSERT_EQ(uo_live, 0);
    total = uo_count;
    ASSERT_GT(total, 30);
    for (k = 1; k <= total + 1; k++) {
        uo_count = uo_live = 0;
        uo_fail_at = k;
        uo_scenario();
        uo_fail_at = 0;
        if (uo_live != 0) FAIL("allocation %ld failing: %ld allocations never freed", k, uo_live);
    }
    printf("%ld allocations, each failed once\n", total);
}
