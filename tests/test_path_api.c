/* path: the native flavour, separators, the seed's examples and the
 * zero-length-string rules of Node's test-path-zero-length-strings.js. */
#include "path_test.h"

TEST(path_sep_and_delimiter) {
    ASSERT_STR_EQ(ASY_PATH_POSIX_SEP, "/");
    ASSERT_STR_EQ(ASY_PATH_POSIX_DELIMITER, ":");
    ASSERT_STR_EQ(ASY_PATH_WIN32_SEP, "\\");
    ASSERT_STR_EQ(ASY_PATH_WIN32_DELIMITER, ";");
#ifdef _WIN32
    ASSERT_STR_EQ(ASY_PATH_SEP, "\\");
    ASSERT_STR_EQ(ASY_PATH_DELIMITER, ";");
#else
    ASSERT_STR_EQ(ASY_PATH_SEP, "/");
    ASSERT_STR_EQ(ASY_PATH_DELIMITER, ":");
#endif
}

/* The path block of the seed document, through the native functions. */
TEST(path_seed_examples) {
    asy_path_parsed_t p;
    char *out = NULL, *cwd, want[4200];
#ifdef _WIN32
    PT_EXPECT(asy_path_joinl(&out, "/users", "sean", "docs", (char *)NULL), out, "\\users\\sean\\docs",
              "join\n");
    cwd = pt_cwd(1);
    snprintf(want, sizeof(want), "%s\\src\\index.ts", cwd);
#else
    PT_EXPECT(asy_path_joinl(&out, "/users", "sean", "docs", (char *)NULL), out, "/users/sean/docs", "join\n");
    cwd = pt_cwd(0);
    snprintf(want, sizeof(want), "%s/src/index.ts", strcmp(cwd, "/") ? cwd : "");
#endif
    PT_EXPECT(asy_path_resolvel(&out, "./src", "index.ts", (char *)NULL), out, want, "resolve\n");
    ASSERT_EQ(asy_path_is_absolute(want), 1);
    free(cwd);
    PT_EXPECT(asy_path_basename(&out, "/a/b/file.ts", NULL), out, "file.ts", "basename\n");
    PT_EXPECT(asy_path_extname(&out, "file.ts"), out, ".ts", "extname\n");
    PT_EXPECT(asy_path_dirname(&out, "/a/b/file.ts"), out, "/a/b", "dirname\n");
    ASSERT_OK(asy_path_parse(&p, "/a/b/file.ts"));
    ASSERT_STR_EQ(p.root, "/");
    ASSERT_STR_EQ(p.dir, "/a/b");
    ASSERT_STR_EQ(p.base, "file.ts");
    ASSERT_STR_EQ(p.ext, ".ts");
    ASSERT_STR_EQ(p.name, "file");
    asy_path_parsed_free(&p);
}

/* Each native function is its flavour's function. */
TEST(path_native_flavour_matches) {
    const char *parts[] = {"a\\b", "../c"};
    asy_path_parsed_t p1, p2;
    char *a = NULL, *b = NULL;
#ifdef _WIN32
#define NATIVE(fn) asy_path_win32_##fn
#else
#define NATIVE(fn) asy_path_posix_##fn
#endif
#define SAME(call_native, call_flavour)         \
    do {                                        \
        ASSERT_OK(call_native);                 \
        ASSERT_OK(call_flavour);                \
        ASSERT_STR_EQ(a, b);                    \
        asy_free(a);                            \
        asy_free(b);                            \
    } while (0)
    SAME(asy_path_join(&a, 2, parts), NATIVE(join)(&b, 2, parts));
    SAME(asy_path_joinl(&a, "x\\y", "..", (char *)NULL), NATIVE(joinl)(&b, "x\\y", "..", (char *)NULL));
    SAME(asy_path_resolve(&a, 2, parts), NATIVE(resolve)(&b, 2, parts));
    SAME(asy_path_resolvel(&a, "q", (char *)NULL), NATIVE(resolvel)(&b, "q", (char *)NULL));
    SAME(asy_path_normalize(&a, "a\\b/../c"), NATIVE(normalize)(&b, "a\\b/../c"));
    SAME(asy_path_relative(&a, "/x\\y", "/x/z"), NATIVE(relative)(&b, "/x\\y", "/x/z"));
    SAME(asy_path_dirname(&a, "a\\b"), NATIVE(dirname)(&b, "a\\b"));
    SAME(asy_path_basename(&a, "a\\b.c", ".c"), NATIVE(basename)(&b, "a\\b.c", ".c"));
    SAME(asy_path_extname(&a, "a.b\\c"), NATIVE(extname)(&b, "a.b\\c"));
    SAME(asy_path_to_namespaced_path(&a, "C:\\x"), NATIVE(to_namespaced_path)(&b, "C:\\x"));
    ASSERT_EQ(asy_path_is_absolute("C:\\x"), NATIVE(is_absolute)("C:\\x"));
    ASSERT_EQ(asy_path_is_absolute("\\x"), NATIVE(is_absolute)("\\x"));
    ASSERT_OK(asy_path_parse(&p1, "C:\\a\\b.c"));
    ASSERT_OK(NATIVE(parse)(&p2, "C:\\a\\b.c"));
    ASSERT_STR_EQ(p1.dir, p2.dir);
    ASSERT_STR_EQ(p1.base, p2.base);
    SAME(asy_path_format(&a, &p1), NATIVE(format)(&b, &p2));
    asy_path_parsed_free(&p1);
    asy_path_parsed_free(&p2);
}

/* test-path-zero-length-strings.js */
TEST(path_zero_length_strings) {
    const char *empty1[] = {""}, *empty2[] = {"", ""};
    char *out = NULL, *pwd = pt_cwd(0);
    const char *with_pwd[] = {pwd, ""};
    PT_EXPECT(asy_path_posix_join(&out, 1, empty1), out, ".", "posix join ''\n");
    PT_EXPECT(asy_path_posix_join(&out, 2, empty2), out, ".", "posix join '', ''\n");
    PT_EXPECT(asy_path_win32_join(&out, 1, empty1), out, ".", "win32 join ''\n");
    PT_EXPECT(asy_path_win32_join(&out, 2, empty2), out, ".", "win32 join '', ''\n");
    PT_EXPECT(asy_path_posix_join(&out, 1, with_pwd), out, pwd, "join pwd\n");
    PT_EXPECT(asy_path_posix_join(&out, 2, with_pwd), out, pwd, "join pwd ''\n");
    PT_EXPECT(asy_path_posix_normalize(&out, ""), out, ".", "posix normalize\n");
    PT_EXPECT(asy_path_win32_normalize(&out, ""), out, ".", "win32 normalize\n");
    PT_EXPECT(asy_path_posix_normalize(&out, pwd), out, pwd, "normalize pwd\n");
    ASSERT_EQ(asy_path_posix_is_absolute(""), 0);
    ASSERT_EQ(asy_path_win32_is_absolute(""), 0);
    PT_EXPECT(asy_path_posix_resolve(&out, 1, empty1), out, pwd, "resolve ''\n");
    PT_EXPECT(asy_path_posix_resolve(&out, 2, empty2), out, pwd, "resolve '', ''\n");
    PT_EXPECT(asy_path_posix_relative(&out, "", pwd), out, "", "relative '' pwd\n");
    PT_EXPECT(asy_path_posix_relative(&out, pwd, ""), out, "", "relative pwd ''\n");
    PT_EXPECT(asy_path_posix_relative(&out, pwd, pwd), out, "", "relative pwd pwd\n");
    free(pwd);
}

/* Long inputs exercise the growth of every buffer. */
TEST(path_long_inputs) {
    size_t n = 100000, i;
    char *big = (char *)malloc(n + 1), *out = NULL;
    const char *parts[2];
    ASSERT_NOT_NULL(big);
    for (i = 0; i < n; i++) big[i] = (i % 4 == 3) ? '/' : 'a';
    big[n] = '\0';
    parts[0] = big;
    parts[1] = "..";
    ASSERT_OK(asy_path_posix_join(&out, 2, parts));
    ASSERT_EQ(strlen(out), n - 5);
    asy_free(out);
    ASSERT_OK(asy_path_win32_normalize(&out, big));
    ASSERT_EQ(strlen(out), n);
    ASSERT_EQ(strchr(out, '/'), NULL);
    asy_free(out);
    free(big);
}

TEST(path_free_accepts_null) {
    asy_free(NULL);
    asy_path_parsed_free(NULL);
}
