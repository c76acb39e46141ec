/* The URL module's API beyond the WPT tables: what an HTTP client needs,
 * setters' return codes, URLSearchParams, percent-encoding, errors. */
#include "url_test.h"

#define VIEW_EQ(view, want)                                                                           \
    do {                                                                                              \
        asy_url_view_t v_ = (view);                                                                   \
        if (!ut_eq(v_, (want))) FAIL("%s is \"%.*s\", want \"%s\"", #view, (int)v_.len, v_.ptr, (want)); \
    } while (0)

TEST(url_parse_components) {
    asy_url_t u;
    char *origin;
    ASSERT_OK(asy_url_parse(&u, "  HTTPS://us er:p@ss@EXAMPLE.com:8443/a/./b/../c d?x=1 2&y='#frag ment\n", NULL));
    ASSERT_STR_EQ(asy_url_href(&u), "https://us%20er:p%40ss@example.com:8443/a/c%20d?x=1%202&y=%27#frag%20ment");
    VIEW_EQ(asy_url_protocol(&u), "https:");
    VIEW_EQ(asy_url_scheme(&u), "https");
    VIEW_EQ(asy_url_username(&u), "us%20er");
    VIEW_EQ(asy_url_password(&u), "p%40ss");
    VIEW_EQ(asy_url_host(&u), "example.com:8443");
    VIEW_EQ(asy_url_hostname(&u), "example.com");
    VIEW_EQ(asy_url_port(&u), "8443");
    VIEW_EQ(asy_url_pathname(&u), "/a/c%20d");
    VIEW_EQ(asy_url_search(&u), "?x=1%202&y=%27");
    VIEW_EQ(asy_url_hash(&u), "#frag%20ment");
    VIEW_EQ(asy_url_path_and_query(&u), "/a/c%20d?x=1%202&y=%27");
    ASSERT_EQ(asy_url_scheme_type(&u), ASY_URL_SCHEME_HTTPS);
    ASSERT_EQ(asy_url_host_type(&u), ASY_URL_HOST_DOMAIN);
    ASSERT_EQ(asy_url_port_or_default(&u), 8443);
    ASSERT_OK(asy_url_origin(&u, &origin));
    ASSERT_STR_EQ(origin, "https://example.com:8443");
    asy_free(origin);
    asy_url_free(&u);
    ASSERT_NULL(u.href);
    ASSERT_STR_EQ(asy_url_href(&u), "");
}

TEST(url_http_client_helpers) {
    asy_url_t u, base, loc;
    ASSERT_OK(asy_url_parse(&u, "http://[::FFFF:192.168.0.1]/", NULL));
    VIEW_EQ(asy_url_hostname(&u), "[::ffff:c0a8:1]");
    VIEW_EQ(asy_url_hostname_bare(&u), "::ffff:c0a8:1");
    ASSERT_EQ(asy_url_host_type(&u), ASY_URL_HOST_IPV6);
    ASSERT_EQ(asy_url_port_or_default(&u), 80);
    VIEW_EQ(asy_url_port(&u), "");
    asy_url_free(&u);
    ASSERT_OK(asy_url_parse(&u, "https://0x7f.1:443", NULL));
    ASSERT_STR_EQ(asy_url_href(&u), "https://127.0.0.1/");
    ASSERT_EQ(asy_url_host_type(&u), ASY_URL_HOST_IPV4);
    ASSERT_EQ(asy_url_port_or_default(&u), 443);
    VIEW_EQ(asy_url_path_and_query(&u), "/");
    asy_url_free(&u);
    ASSERT_EQ(asy_url_default_port("wss", 3), 443);
    ASSERT_EQ(asy_url_default_port("ftp", 3), 21);
    ASSERT_EQ(asy_url_default_port("file", 4), -1);
    ASSERT_EQ(asy_url_default_port("gopher", 6), -1);
    /* a Location header resolved against the request URL */
    ASSERT_OK(asy_url_parse(&base, "https://api.example.com/v1/users/42?page=2#top", NULL));
    ASSERT_OK(asy_url_parse(&loc, "../groups/7", &base));
    ASSERT_STR_EQ(asy_url_href(&loc), "https://api.example.com/v1/groups/7");
    asy_url_free(&loc);
    ASSERT_OK(asy_url_parse(&loc, "//cdn.example.net/x.js", &base));
    ASSERT_STR_EQ(asy_url_href(&loc), "https://cdn.example.net/x.js");
    asy_url_free(&loc);
    ASSERT_OK(asy_url_parse(&loc, "?page=3", &base));
    ASSERT_STR_EQ(asy_url_href(&loc), "https://api.example.com/v1/users/42?page=3");
    asy_url_free(&loc);
    ASSERT_OK(asy_url_parse(&loc, "http://other.org:80/", &base));
    ASSERT_STR_EQ(asy_url_href(&loc), "http://other.org/");
    ASSERT_EQ(asy_url_port_or_default(&loc), 80);
    asy_url_free(&loc);
    ASSERT_OK(asy_url_parse_with_base(&loc, "/login", "http://h.example:8080/a/b"));
    ASSERT_STR_EQ(asy_url_href(&loc), "http://h.example:8080/login");
    asy_url_free(&loc);
    asy_url_free(&base);
    ASSERT_EQ(asy_url_can_parse("x", NULL), 0);
    ASSERT_EQ(asy_url_can_parse("x", "https://a/"), 1);
    ASSERT_EQ(asy_url_can_parse("https://a b/", NULL), 0);
}

TEST(url_parse_errors) {
    asy_url_t u, copy;
    ASSERT_ERR(asy_url_parse(&u, "no scheme", NULL), ASY_EINVALID_URL);
    ASSERT_NULL(u.href);
    ASSERT_ERR(asy_url_parse(&u, "http://", NULL), ASY_EINVALID_URL);
    ASSERT_ERR(asy_url_parse(&u, "http://a:99999/", NULL), ASY_EINVALID_URL);
    ASSERT_ERR(asy_url_parse(&u, "http://1.2.3.256/", NULL), ASY_EINVALID_URL);
    ASSERT_ERR(asy_url_parse(&u, "http://[1::2::3]/", NULL), ASY_EINVALID_URL);
    ASSERT_ERR(asy_url_parse(&u, "http://ex%41mple.c%om/", NULL), ASY_EINVALID_URL);
    ASSERT_ERR(asy_url_parse(&u, "http://b\xc3\xbc" "cher.de/", NULL), ASY_EURL_IDNA);
    ASSERT_ERR(asy_url_parse(&u, "http://xn--bcher-kva.de/", NULL), ASY_EURL_IDNA);
    ASSERT_ERR(asy_url_parse(&u, "http://bad\xff.de/", NULL), ASY_EINVALID_URL);
    ASSERT_ERR(asy_url_parse(&u, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_url_parse(NULL, "http://a/", NULL), ASY_EINVAL);
    /* non-special URLs keep non-ASCII hosts as opaque, percent-encoded */
    ASSERT_OK(asy_url_parse(&u, "foo://b\xc3\xbc" "cher/x", NULL));
    ASSERT_STR_EQ(asy_url_href(&u), "foo://b%C3%BCcher/x");
    ASSERT_EQ(asy_url_host_type(&u), ASY_URL_HOST_OPAQUE);
    ASSERT_OK(asy_url_copy(&copy, &u));
    asy_url_free(&u);
    ASSERT_STR_EQ(asy_url_href(&copy), "foo://b%C3%BCcher/x");
    VIEW_EQ(asy_url_hostname(&copy), "b%C3%BCcher");
    asy_url_free(&copy);
    ASSERT_STR_EQ(asy_err_name(ASY_EINVALID_URL), "EINVALID_URL");
    ASSERT_STR_EQ(asy_strerror(ASY_EINVALID_URL), "invalid URL");
    ASSERT_STR_EQ(asy_err_name(ASY_EURL_IDNA), "EURL_IDNA");
    ASSERT_STR_EQ(asy_err_name(ASY_EINVALID_FILE_URL_PATH), "EINVALID_FILE_URL_PATH");
    ASSERT_STR_EQ(asy_err_name(ASY_EURI_MALFORMED), "EURI_MALFORMED");
}

TEST(url_opaque_and_file) {
    asy_url_t u;
    char *o;
    ASSERT_OK(asy_url_parse(&u, "mailto:Joe@Example.COM?subject=hi there", NULL));
    ASSERT_STR_EQ(asy_url_href(&u), "mailto:Joe@Example.COM?subject=hi%20there");
    ASSERT_EQ(asy_url_host_type(&u), ASY_URL_HOST_NONE);
    VIEW_EQ(asy_url_pathname(&u), "Joe@Example.COM");
    ASSERT_ERR(asy_url_set_host(&u, "x"), ASY_EINVALID_URL);
    ASSERT_ERR(asy_url_set_pathname(&u, "x"), ASY_EINVALID_URL);
    ASSERT_OK(asy_url_origin(&u, &o));
    ASSERT_STR_EQ(o, "null");
    asy_free(o);
    asy_url_free(&u);
    ASSERT_OK(asy_url_parse(&u, "blob:https://a.example:444/uuid", NULL));
    ASSERT_OK(asy_url_origin(&u, &o));
    ASSERT_STR_EQ(o, "https://a.example:444");
    asy_free(o);
    asy_url_free(&u);
    ASSERT_OK(asy_url_parse(&u, "file://LOCALHOST/C|/x/../y", NULL));
    ASSERT_STR_EQ(asy_url_href(&u), "file:///C:/y");
    ASSERT_EQ(asy_url_host_type(&u), ASY_URL_HOST_EMPTY);
    ASSERT_EQ(asy_url_port_or_default(&u), -1);
    ASSERT_ERR(asy_url_set_port(&u, "80"), ASY_EINVALID_URL);
    ASSERT_ERR(asy_url_set_username(&u, "me"), ASY_EINVALID_URL);
    ASSERT_STR_EQ(asy_url_href(&u), "file:///C:/y");
    asy_url_free(&u);
}

TEST(url_setters) {
    asy_url_t u;
    ASSERT_OK(asy_url_parse(&u, "http://example.com/p?q#h", NULL));
    ASSERT_OK(asy_url_set_protocol(&u, "https"));
    ASSERT_STR_EQ(asy_url_href(&u), "https://example.com/p?q#h");
    ASSERT_ERR(asy_url_set_protocol(&u, "foo"), ASY_EINVALID_URL); /* special to non-special */
    ASSERT_ERR(asy_url_set_protocol(&u, "1http"), ASY_EINVALID_URL);
    ASSERT_OK(asy_url_set_username(&u, "a b"));
    ASSERT_OK(asy_url_set_password(&u, "s:cret"));
    ASSERT_STR_EQ(asy_url_href(&u), "https://a%20b:s%3Acret@example.com/p?q#h");
    ASSERT_OK(asy_url_set_host(&u, "Other.ORG:8443"));
    ASSERT_STR_EQ(asy_url_href(&u), "https://a%20b:s%3Acret@other.org:8443/p?q#h");
    ASSERT_OK(asy_url_set_port(&u, "443"));
    VIEW_EQ(asy_url_port(&u), "");
    ASSERT_ERR(asy_url_set_port(&u, "x"), ASY_EINVALID_URL);
    ASSERT_OK(asy_url_set_port(&u, "8080abc"));
    VIEW_EQ(asy_url_port(&u), "8080");
    ASSERT_OK(asy_url_set_port(&u, ""));
    VIEW_EQ(asy_url_port(&u), "");
    ASSERT_OK(asy_url_set_hostname(&u, "[::1]"));
    VIEW_EQ(asy_url_hostname_bare(&u), "::1");
    ASSERT_ERR(asy_url_set_hostname(&u, "a b"), ASY_EINVALID_URL);
    ASSERT_ERR(asy_url_set_hostname(&u, "\xc3\xa9.fr"), ASY_EURL_IDNA);
    ASSERT_OK(asy_url_set_pathname(&u, "/a b/../c?"));
    VIEW_EQ(asy_url_pathname(&u), "/c%3F");
    ASSERT_OK(asy_url_set_search(&u, "?k=v w#"));
    VIEW_EQ(asy_url_search(&u), "?k=v%20w%23");
    ASSERT_OK(asy_url_set_hash(&u, "##x"));
    VIEW_EQ(asy_url_hash(&u), "##x");
    ASSERT_OK(asy_url_set_search(&u, ""));
    ASSERT_OK(asy_url_set_hash(&u, ""));
    ASSERT_STR_EQ(asy_url_href(&u), "https://a%20b:s%3Acret@[::1]/c%3F");
    ASSERT_ERR(asy_url_set_href(&u, "::"), ASY_EINVALID_URL);
    ASSERT_OK(asy_url_set_href(&u, "ws://h/"));
    ASSERT_EQ(asy_url_scheme_type(&u), ASY_URL_SCHEME_WS);
    ASSERT_OK(asy_url_set(&u, ASY_URL_HASH, "a\0b", 3));
    ASSERT_STR_EQ(asy_url_href(&u), "ws://h/#a%00b");
    ASSERT_ERR(asy_url_set(&u, (asy_url_part_t)99, "x", 1), ASY_EINVAL);
    asy_url_free(&u);
    ASSERT_ERR(asy_url_set_hash(&u, "x"), ASY_EINVAL); /* freed: no URL */
}

TEST(url_long_input) {
    /* longer than the parser's stack scratch: it moves to the heap */
    char *in = (char *)malloc(20000), *want = (char *)malloc(60000);
    asy_url_t u;
    size_t i, k;
    ASSERT_NOT_NULL(in);
    ASSERT_NOT_NULL(want);
    strcpy(in, "http://h/");
    strcpy(want, "http://h/");
    k = strlen(want);
    for (i = 9; i < 19000; i++) {
        in[i] = (i % 7 == 0) ? ' ' : 'a' + (char)(i % 26);
        if (in[i] == ' ') {
            memcpy(want + k, "%20", 3);
            k += 3;
        } else {
            want[k++] = in[i];
        }
    }
    in[i] = '\0';
    want[k] = '\0';
    ASSERT_OK(asy_url_parse(&u, in, NULL));
    ASSERT_STR_EQ(asy_url_href(&u), want);
    ASSERT_EQ(asy_url_pathname(&u).len, k - 8);
    asy_url_free(&u);
    free(in);
    free(want);
}

TEST(url_search_params) {
    asy_url_params_t p;
    const char *all[4];
    char *s;
    const asy_url_param_t *it;
    ASSERT_OK(asy_url_params_parse(&p, "?a=1&b=2&&a=3&c=%20x+y&=&d&e=%zz%C3%A9%FF", 41));
    ASSERT_EQ(asy_url_params_size(&p), 7);
    ASSERT_STR_EQ(asy_url_params_get(&p, "a"), "1");
    ASSERT_EQ(asy_url_params_get_all(&p, "a", all, 4), 2);
    ASSERT_STR_EQ(all[1], "3");
    ASSERT_STR_EQ(asy_url_params_get(&p, "c"), " x y");
    ASSERT_STR_EQ(asy_url_params_get(&p, ""), "");
    ASSERT_STR_EQ(asy_url_params_get(&p, "d"), "");
    ASSERT_STR_EQ(asy_url_params_get(&p, "e"), "%zz\xc3\xa9\xef\xbf\xbd");
    ASSERT_NULL(asy_url_params_get(&p, "zz"));
    ASSERT_EQ(asy_url_params_has(&p, "b", NULL), 1);
    ASSERT_EQ(asy_url_params_has(&p, "b", "3"), 0);
    ASSERT_OK(asy_url_params_delete(&p, "a", "3"));
    ASSERT_EQ(asy_url_params_get_all(&p, "a", NULL, 0), 1);
    ASSERT_OK(asy_url_params_append(&p, "a", "x&y=z"));
    ASSERT_OK(asy_url_params_set(&p, "b", "~!*'()"));
    ASSERT_OK(asy_url_params_to_string(&p, &s));
    ASSERT_STR_EQ(s, "a=1&b=%7E%21*%27%28%29&c=+x+y&=&d=&e=%25zz%C3%A9%EF%BF%BD&a=x%26y%3Dz");
    asy_free(s);
    ASSERT_OK(asy_url_params_sort(&p));
    ASSERT_OK(asy_url_params_to_string(&p, &s));
    ASSERT_STR_EQ(s, "=&a=1&a=x%26y%3Dz&b=%7E%21*%27%28%29&c=+x+y&d=&e=%25zz%C3%A9%EF%BF%BD");
    asy_free(s);
    it = asy_url_params_at(&p, 1);
    ASSERT_NOT_NULL(it);
    ASSERT_STR_EQ(it->name, "a");
    ASSERT_NULL(asy_url_params_at(&p, 7));
    ASSERT_OK(asy_url_params_delete(&p, "a", NULL));
    ASSERT_EQ(asy_url_params_size(&p), 5);
    asy_url_params_free(&p);
    ASSERT_EQ(asy_url_params_size(&p), 0);
}

TEST(url_search_params_sort_utf16) {
    /* Node sorts by UTF-16 code units: U+1F600 (D83D DE00) before U+FFFD */
    asy_url_params_t p;
    char *s;
    ASSERT_OK(asy_url_params_parse(&p, "%EF%BF%BD=1&%F0%9F%98%80=2&z=3&%EF%BF%BD=4&a=5", 46));
    ASSERT_OK(asy_url_params_sort(&p));
    ASSERT_OK(asy_url_params_to_string(&p, &s));
    ASSERT_STR_EQ(s, "a=5&z=3&%F0%9F%98%80=2&%EF%BF%BD=1&%EF%BF%BD=4");
    asy_free(s);
    asy_url_params_free(&p);
}

TEST(url_search_params_bound) {
    asy_url_t u;
    asy_url_params_t p;
    ASSERT_OK(asy_url_parse(&u, "https://h/p?b=2&a=1#f", NULL));
    ASSERT_OK(asy_url_params_from_url(&p, &u));
    ASSERT_STR_EQ(asy_url_params_get(&p, "b"), "2");
    ASSERT_OK(asy_url_params_append(&p, "c d", "\xc3\xa9"));
    ASSERT_STR_EQ(asy_url_href(&u), "https://h/p?b=2&a=1&c+d=%C3%A9#f");
    ASSERT_OK(asy_url_params_sort(&p));
    ASSERT_STR_EQ(asy_url_href(&u), "https://h/p?a=1&b=2&c+d=%C3%A9#f");
    ASSERT_OK(asy_url_params_delete(&p, "a", NULL));
    ASSERT_OK(asy_url_params_delete(&p, "b", NULL));
    ASSERT_OK(asy_url_params_delete(&p, "c d", NULL));
    ASSERT_STR_EQ(asy_url_href(&u), "https://h/p#f");
    asy_url_params_free(&p);
    asy_url_free(&u);
    /* an opaque path loses trailing spaces when the query goes */
    ASSERT_OK(asy_url_parse(&u, "data:space   ?x=1", NULL));
    ASSERT_OK(asy_url_params_from_url(&p, &u));
    ASSERT_OK(asy_url_params_delete(&p, "x", NULL));
    ASSERT_STR_EQ(asy_url_href(&u), "data:space");
    asy_url_params_free(&p);
    asy_url_free(&u);
}

TEST(url_percent_helpers) {
    char *s;
    size_t n;
    ASSERT_OK(asy_url_percent_encode(&s, "a b/c?d#e\xc3\xa9~", 12, ASY_URL_ENCODE_COMPONENT));
    ASSERT_STR_EQ(s, "a%20b%2Fc%3Fd%23e%C3%A9~");
    asy_free(s);
    ASSERT_OK(asy_url_percent_encode(&s, "a b~", 4, ASY_URL_ENCODE_FORM));
    ASSERT_STR_EQ(s, "a+b%7E");
    asy_free(s);
    ASSERT_OK(asy_url_percent_encode(&s, "a b?{}", 6, ASY_URL_ENCODE_PATH));
    ASSERT_STR_EQ(s, "a%20b%3F%7B%7D");
    asy_free(s);
    ASSERT_OK(asy_url_percent_encode(&s, "", 0, ASY_URL_ENCODE_C0));
    ASSERT_STR_EQ(s, "");
    asy_free(s);
    ASSERT_OK(asy_url_percent_decode(&s, &n, "a%20b%zz%4%00c%C3%A9", 20));
    ASSERT_EQ(n, 12);
    ASSERT_MEM_EQ(s, "a b%zz%4\0c\xc3\xa9", 12);
    asy_free(s);
    ASSERT_ERR(asy_url_percent_decode(NULL, NULL, "x", 1), ASY_EINVAL);
}
