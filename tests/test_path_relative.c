/* path.relative, both flavours: Node's test-path-relative.js.  The
 * driveless rooted cases ("\\aa\\bb" to "\\a") are those of
 * nodejs/node#63600, which Node 20 still gets wrong. */
#include "path_test.h"

typedef struct {
    const char *from, *to, *want;
} rel_case;

static const rel_case rel_win32[] = {
    {"c:/blah\\blah", "d:/games", "d:\\games"},
    {"c:/aaaa/bbbb", "c:/aaaa", ".."},
    {"c:/aaaa/bbbb", "c:/cccc", "..\\..\\cccc"},
    {"c:/aaaa/bbbb", "c:/aaaa/bbbb", ""},
    {"c:/aaaa/bbbb", "c:/aaaa/cccc", "..\\cccc"},
    {"c:/aaaa/", "c:/aaaa/cccc", "cccc"},
    {"c:/", "c:\\aaaa\\bbbb", "aaaa\\bbbb"},
    {"c:/aaaa/bbbb", "d:\\", "d:\\"},
    {"c:/AaAa/bbbb", "c:/aaaa/bbbb", ""},
    {"c:/aaaaa/", "c:/aaaa/cccc", "..\\aaaa\\cccc"},
    {"C:\\foo\\bar\\baz\\quux", "C:\\", "..\\..\\..\\.."},
    {"C:\\foo\\test", "C:\\foo\\test\\bar\\package.json", "bar\\package.json"},
    {"C:\\foo\\bar\\baz-quux", "C:\\foo\\bar\\baz", "..\\baz"},
    {"C:\\foo\\bar\\baz", "C:\\foo\\bar\\baz-quux", "..\\baz-quux"},
    {"\\\\foo\\bar", "\\\\foo\\bar\\baz", "baz"},
    {"\\\\foo\\bar\\baz", "\\\\foo\\bar", ".."},
    {"\\\\foo\\bar\\baz-quux", "\\\\foo\\bar\\baz", "..\\baz"},
    {"\\\\foo\\bar\\baz", "\\\\foo\\bar\\baz-quux", "..\\baz-quux"},
    {"C:\\baz-quux", "C:\\baz", "..\\baz"},
    {"C:\\baz", "C:\\baz-quux", "..\\baz-quux"},
    {"\\\\foo\\baz-quux", "\\\\foo\\baz", "..\\baz"},
    {"\\\\foo\\baz", "\\\\foo\\baz-quux", "..\\baz-quux"},
    {"C:\\baz", "\\\\foo\\bar\\baz", "\\\\foo\\bar\\baz"},
    {"\\\\foo\\bar\\baz", "C:\\baz", "C:\\baz"},
    {"c:\\a\\\xC4\xB0", "c:\\a\\\xC4\xB0\\test.txt", "test.txt"},
    {"c:\\\xC4\xB0\\a\\\xC4\xB0", "c:\\\xC4\xB0\\b\\\xC4\xB0\\test.txt", "..\\..\\b\\\xC4\xB0\\test.txt"},
    {"c:\\\xC4\xB0\\a\\i\xCC\x87", "c:\\\xC4\xB0\\b\\\xC4\xB0\\test.txt", "..\\..\\b\\\xC4\xB0\\test.txt"},
    {"c:\\i\xCC\x87\\a\\\xC4\xB0", "c:\\\xC4\xB0\\b\\\xC4\xB0\\test.txt", "..\\..\\b\\\xC4\xB0\\test.txt"},
    {"c:\\\xC3\x9F\\a\\\xC3\x9F", "c:\\\xC3\x9F\\b\\\xC3\x9F\\test.txt", "..\\..\\b\\\xC3\x9F\\test.txt"},
    {"\\aaaa\\bbbb", "\\aaaa", ".."},
    {"\\aaaa\\bbbb", "\\cccc", "..\\..\\cccc"},
    {"\\aaaa\\bbbb", "\\aaaa\\bbbb", ""},
    {"\\aaaa\\bbbb", "\\aaaa\\cccc", "..\\cccc"},
    {"\\aaaa\\", "\\aaaa\\cccc", "cccc"},
    {"\\", "\\aaaa\\bbbb", "aaaa\\bbbb"},
    {"\\aa\\bb", "\\a", "..\\..\\a"},
    {"\\aa", "\\a", "..\\a"},
    {"\\abc\\d", "\\ab", "..\\..\\ab"},
    {"\\ab", "\\abcd", "..\\abcd"},
    {"\\foo\\bar", "\\f", "..\\..\\f"},
    {"\\a", "\\a\\b\\c", "b\\c"},
    {"\\page1\\page2\\foo", "\\", "..\\..\\.."},
};

static const rel_case rel_posix[] = {
    {"/var/lib", "/var", ".."},
    {"/var/lib", "/bin", "../../bin"},
    {"/var/lib", "/var/lib", ""},
    {"/var/lib", "/var/apache", "../apache"},
    {"/var/", "/var/lib", "lib"},
    {"/", "/var/lib", "var/lib"},
    {"/foo/test", "/foo/test/bar/package.json", "bar/package.json"},
    {"/Users/a/web/b/test/mails", "/Users/a/web/b", "../.."},
    {"/foo/bar/baz-quux", "/foo/bar/baz", "../baz"},
    {"/foo/bar/baz", "/foo/bar/baz-quux", "../baz-quux"},
    {"/baz-quux", "/baz", "../baz"},
    {"/baz", "/baz-quux", "../baz-quux"},
    {"/page1/page2/foo", "/", "../../.."},
};

TEST(path_relative_win32_node_cases) {
    size_t i;
    char *out = NULL;
    for (i = 0; i < ASY_ARRAY_SIZE(rel_win32); i++)
        PT_EXPECT(asy_path_win32_relative(&out, rel_win32[i].from, rel_win32[i].to), out,
                  rel_win32[i].want, "from %s to %s\n", rel_win32[i].from, rel_win32[i].to);
}

TEST(path_relative_posix_node_cases) {
    size_t i;
    char *out = NULL;
    for (i = 0; i < ASY_ARRAY_SIZE(rel_posix); i++)
        PT_EXPECT(asy_path_posix_relative(&out, rel_posix[i].from, rel_posix[i].to), out,
                  rel_posix[i].want, "from %s to %s\n", rel_posix[i].from, rel_posix[i].to);
}

TEST(path_relative_uses_cwd_for_relative_arguments) {
    char *cwd = pt_cwd(0), *out = NULL, want[4200];
    PT_EXPECT(asy_path_posix_relative(&out, "", cwd), out, "", "empty from\n");
    PT_EXPECT(asy_path_posix_relative(&out, cwd, ""), out, "", "empty to\n");
    PT_EXPECT(asy_path_posix_relative(&out, "a/b", "a/c"), out, "../c", "both relative\n");
    snprintf(want, sizeof(want), "%s/x", cwd);
    PT_EXPECT(asy_path_posix_relative(&out, want, "x/y"), out, "y", "mixed\n");
    free(cwd);
    cwd = pt_cwd(1);
    PT_EXPECT(asy_path_win32_relative(&out, "", cwd), out, "", "win32 empty from\n");
    PT_EXPECT(asy_path_win32_relative(&out, "a\\b", "a/c"), out, "..\\c", "win32 relative\n");
    free(cwd);
}

TEST(path_relative_win32_is_case_insensitive) {
    char *out = NULL;
    PT_EXPECT(asy_path_win32_relative(&out, "C:\\Foo\\BAR", "c:\\foo\\bar\\Baz"), out, "Baz", "ascii\n");
    /* U+00C9 and U+00E9, U+0400 and U+0450 */
    PT_EXPECT(asy_path_win32_relative(&out, "c:\\\xC3\x89t\xC3\xA9", "c:\\\xC3\xA9T\xC3\x89\\x"), out, "x",
              "latin1\n");
    PT_EXPECT(asy_path_win32_relative(&out, "c:\\\xD0\x80", "c:\\\xD1\x90\\y"), out, "y", "cyrillic\n");
    /* another UNC server is another root */
    PT_EXPECT(asy_path_win32_relative(&out, "\\\\a\\s\\x", "\\\\b\\s\\y"), out, "\\\\b\\s\\y", "unc\n");
    /* malformed UTF-8 only matches itself */
    PT_EXPECT(asy_path_win32_relative(&out, "c:\\\xFF", "c:\\\xFE"), out, "..\\\xFE", "bad utf8\n");
    PT_EXPECT(asy_path_posix_relative(&out, "/Foo", "/foo"), out, "../foo", "posix is case sensitive\n");
}

TEST(path_relative_bad_arguments) {
    char *out = NULL;
    ASSERT_ERR(asy_path_posix_relative(&out, NULL, "a"), ASY_EINVAL);
    ASSERT_ERR(asy_path_posix_relative(&out, "a", NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_relative(&out, NULL, "a"), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_relative(&out, "a", NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_posix_relative(NULL, "a", "b"), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_relative(NULL, "a", "b"), ASY_EINVAL);
    ASSERT_NULL(out);
}
