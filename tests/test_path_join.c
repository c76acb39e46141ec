/* path.join, both flavours: the case table of Node's test-path-join.js.
 * Every case of the shared table runs under posix and win32 (with the
 * exact win32 output; Node's test compares it with slashes swapped), then
 * the win32-only cases (UNC roots, drive-relative paths). */
#include "path_test.h"

typedef struct {
    size_t n;
    const char *args[5];
    const char *posix;
    const char *win32;
} join_case;

static const join_case join_cases[] = {
    {4, {".", "x/b", "..", "/b/c.js"}, "x/b/c.js", "x\\b\\c.js"},
    {0, {NULL}, ".", "."},
    {4, {"/.", "x/b", "..", "/b/c.js"}, "/x/b/c.js", "\\x\\b\\c.js"},
    {2, {"/foo", "../../../bar"}, "/bar", "\\bar"},
    {2, {"foo", "../../../bar"}, "../../bar", "..\\..\\bar"},
    {2, {"foo/", "../../../bar"}, "../../bar", "..\\..\\bar"},
    {2, {"foo/x", "../../../bar"}, "../bar", "..\\bar"},
    {2, {"foo/x", "./bar"}, "foo/x/bar", "foo\\x\\bar"},
    {2, {"foo/x/", "./bar"}, "foo/x/bar", "foo\\x\\bar"},
    {3, {"foo/x/", ".", "bar"}, "foo/x/bar", "foo\\x\\bar"},
    {1, {"./"}, "./", ".\\"},
    {2, {".", "./"}, "./", ".\\"},
    {3, {".", ".", "."}, ".", "."},
    {3, {".", "./", "."}, ".", "."},
    {3, {".", "/./", "."}, ".", "."},
    {3, {".", "/////./", "."}, ".", "."},
    {1, {"."}, ".", "."},
    {2, {"", "."}, ".", "."},
    {2, {"", "foo"}, "foo", "foo"},
    {2, {"foo", "/bar"}, "foo/bar", "foo\\bar"},
    {2, {"", "/foo"}, "/foo", "\\foo"},
    {3, {"", "", "/foo"}, "/foo", "\\foo"},
    {3, {"", "", "foo"}, "foo", "foo"},
    {2, {"foo", ""}, "foo", "foo"},
    {2, {"foo/", ""}, "foo/", "foo\\"},
    {3, {"foo", "", "/bar"}, "foo/bar", "foo\\bar"},
    {3, {"./", "..", "/foo"}, "../foo", "..\\foo"},
    {4, {"./", "..", "..", "/foo"}, "../../foo", "..\\..\\foo"},
    {4, {".", "..", "..", "/foo"}, "../../foo", "..\\..\\foo"},
    {4, {"", "..", "..", "/foo"}, "../../foo", "..\\..\\foo"},
    {1, {"/"}, "/", "\\"},
    {2, {"/", "."}, "/", "\\"},
    {2, {"/", ".."}, "/", "\\"},
    {3, {"/", "..", ".."}, "/", "\\"},
    {1, {""}, ".", "."},
    {2, {"", ""}, ".", "."},
    {1, {" /foo"}, " /foo", " \\foo"},
    {2, {" ", "foo"}, " /foo", " \\foo"},
    {2, {" ", "."}, " ", " "},
    {2, {" ", "/"}, " /", " \\"},
    {2, {" ", ""}, " ", " "},
    {2, {"/", "foo"}, "/foo", "\\foo"},
    {2, {"/", "/foo"}, "/foo", "\\foo"},
    {2, {"/", "//foo"}, "/foo", "\\foo"},
    {3, {"/", "", "/foo"}, "/foo", "\\foo"},
    {3, {"", "/", "foo"}, "/foo", "\\foo"},
    {3, {"", "/", "/foo"}, "/foo", "\\foo"},
};

typedef struct {
    size_t n;
    const char *args[5];
    const char *want;
} join_win_case;

static const join_win_case join_win_cases[] = {
    {1, {"//foo/bar"}, "\\\\foo\\bar\\"},
    {1, {"\\/foo/bar"}, "\\\\foo\\bar\\"},
    {1, {"\\\\foo/bar"}, "\\\\foo\\bar\\"},
    {2, {"//foo", "bar"}, "\\\\foo\\bar\\"},
    {2, {"//foo/", "bar"}, "\\\\foo\\bar\\"},
    {2, {"//foo", "/bar"}, "\\\\foo\\bar\\"},
    {3, {"//foo", "", "bar"}, "\\\\foo\\bar\\"},
    {3, {"//foo/", "", "bar"}, "\\\\foo\\bar\\"},
    {3, {"//foo/", "", "/bar"}, "\\\\foo\\bar\\"},
    {3, {"", "//foo", "bar"}, "\\\\foo\\bar\\"},
    {3, {"", "//foo/", "bar"}, "\\\\foo\\bar\\"},
    {3, {"", "//foo/", "/bar"}, "\\\\foo\\bar\\"},
    {2, {"\\", "foo/bar"}, "\\foo\\bar"},
    {2, {"\\", "/foo/bar"}, "\\foo\\bar"},
    {3, {"", "/", "/foo/bar"}, "\\foo\\bar"},
    {2, {"//", "foo/bar"}, "\\foo\\bar"},
    {2, {"//", "/foo/bar"}, "\\foo\\bar"},
    {3, {"\\\\", "/", "/foo/bar"}, "\\foo\\bar"},
    {1, {"//"}, "\\"},
    {1, {"//foo"}, "\\foo"},
    {1, {"//foo/"}, "\\foo\\"},
    {2, {"//foo", "/"}, "\\foo\\"},
    {3, {"//foo", "", "/"}, "\\foo\\"},
    {1, {"///foo/bar"}, "\\foo\\bar"},
    {2, {"////foo", "bar"}, "\\foo\\bar"},
    {1, {"\\\\\\/foo/bar"}, "\\foo\\bar"},
    {1, {"c:"}, "c:."},
    {1, {"c:."}, "c:."},
    {2, {"c:", ""}, "c:."},
    {2, {"", "c:"}, "c:."},
    {2, {"c:.", "/"}, "c:.\\"},
    {2, {"c:.", "file"}, "c:file"},
    {2, {"c:", "/"}, "c:\\"},
    {2, {"c:", "file"}, "c:\\file"},
    {2, {"C:\\hello", "foo"}, "C:\\hello\\foo"},
};

static void show_args(size_t n, const char *const *a) {
    size_t i;
    printf("args:");
    for (i = 0; i < n; i++) printf(" \"%s\"", a[i]);
    printf("\n");
}

TEST(path_join_posix_node_cases) {
    size_t i;
    char *out = NULL;
    for (i = 0; i < ASY_ARRAY_SIZE(join_cases); i++) {
        const join_case *c = &join_cases[i];
        show_args(c->n, c->args);
        PT_EXPECT(asy_path_posix_join(&out, c->n, c->args), out, c->posix, "case %u\n", (unsigned)i);
    }
}

TEST(path_join_win32_node_cases) {
    size_t i;
    char *out = NULL;
    for (i = 0; i < ASY_ARRAY_SIZE(join_cases); i++) {
        const join_case *c = &join_cases[i];
        char *p;
        show_args(c->n, c->args);
        PT_EXPECT(asy_path_win32_join(&out, c->n, c->args), out, c->win32, "case %u\n", (unsigned)i);
        /* the table's win32 column is Node's posix answer, slashes swapped */
        ASSERT_OK(asy_path_win32_join(&out, c->n, c->args));
        for (p = out; *p; p++)
            if (*p == '\\') *p = '/';
        ASSERT_STR_EQ(out, c->posix);
        asy_free(out);
    }
    for (i = 0; i < ASY_ARRAY_SIZE(join_win_cases); i++) {
        const join_win_case *c = &join_win_cases[i];
        show_args(c->n, c->args);
        PT_EXPECT(asy_path_win32_join(&out, c->n, c->args), out, c->want, "win case %u\n", (unsigned)i);
    }
}

TEST(path_join_l_variants_match_arrays) {
    char *out = NULL;
    PT_EXPECT(asy_path_posix_joinl(&out, "/users", "sean", "docs", (char *)NULL), out,
              "/users/sean/docs", "posix\n");
    PT_EXPECT(asy_path_win32_joinl(&out, "//foo", "", "/bar", (char *)NULL), out,
              "\\\\foo\\bar\\", "win32\n");
    PT_EXPECT(asy_path_posix_joinl(&out, (char *)NULL), out, ".", "no parts\n");
    /* more parts than the l variants keep on the stack */
    PT_EXPECT(asy_path_posix_joinl(&out, "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l",
                                   "m", "n", "o", "p", "q", "..", "r", (char *)NULL),
              out, "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/r", "many\n");
}

TEST(path_join_bad_arguments) {
    const char *with_null[] = {"a", NULL, "b"};
    char *out = (char *)"untouched";
    ASSERT_ERR(asy_path_posix_join(NULL, 0, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_join(NULL, 0, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_posix_join(&out, 3, with_null), ASY_EINVAL);
    ASSERT_NULL(out);
    out = (char *)"untouched";
    ASSERT_ERR(asy_path_win32_join(&out, 3, with_null), ASY_EINVAL);
    ASSERT_NULL(out);
    ASSERT_ERR(asy_path_posix_join(&out, 2, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_join(&out, 2, NULL), ASY_EINVAL);
    /* the l variants stop at the first NULL */
    PT_EXPECT(asy_path_posix_joinl(&out, "a", (char *)NULL, "b", (char *)NULL), out, "a", "stop\n");
    ASSERT_ERR(asy_path_posix_joinl(NULL, "a", (char *)NULL), ASY_EINVAL);
}
