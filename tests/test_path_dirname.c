/* path.dirname, both flavours: Node's test-path-dirname.js (its file: URL
 * inputs become the paths they stand for). */
#include "path_test.h"

typedef struct {
    const char *in, *want;
} dir_case;

static const dir_case dir_posix[] = {
    {"/a/b/", "/a"},
    {"/a/b", "/a"},
    {"/a", "/"},
    {"", "."},
    {"/", "/"},
    {"////", "/"},
    {"//a", "//"},
    {"foo", "."},
    {"/a/b/", "/a"},
    {"/a/b", "/a"},
};

static const dir_case dir_win32[] = {
    {"c:\\", "c:\\"},
    {"c:\\foo", "c:\\"},
    {"c:\\foo\\", "c:\\"},
    {"c:\\foo\\bar", "c:\\foo"},
    {"c:\\foo\\bar\\", "c:\\foo"},
    {"c:\\foo\\bar\\baz", "c:\\foo\\bar"},
    {"c:\\foo bar\\baz", "c:\\foo bar"},
    {"\\", "\\"},
    {"\\foo", "\\"},
    {"\\foo\\", "\\"},
    {"\\foo\\bar", "\\foo"},
    {"\\foo\\bar\\", "\\foo"},
    {"\\foo\\bar\\baz", "\\foo\\bar"},
    {"\\foo bar\\baz", "\\foo bar"},
    {"c:", "c:"},
    {"c:foo", "c:"},
    {"c:foo\\", "c:"},
    {"c:foo\\bar", "c:foo"},
    {"c:foo\\bar\\", "c:foo"},
    {"c:foo\\bar\\baz", "c:foo\\bar"},
    {"c:foo bar\\baz", "c:foo bar"},
    {"file:stream", "."},
    {"dir\\file:stream", "dir"},
    {"\\\\unc\\share", "\\\\unc\\share"},
    {"\\\\unc\\share\\foo", "\\\\unc\\share\\"},
    {"\\\\unc\\share\\foo\\", "\\\\unc\\share\\"},
    {"\\\\unc\\share\\foo\\bar", "\\\\unc\\share\\foo"},
    {"\\\\unc\\share\\foo\\bar\\", "\\\\unc\\share\\foo"},
    {"\\\\unc\\share\\foo\\bar\\baz", "\\\\unc\\share\\foo\\bar"},
    {"/a/b/", "/a"},
    {"/a/b", "/a"},
    {"/a", "/"},
    {"", "."},
    {"/", "/"},
    {"////", "/"},
    {"foo", "."},
    {"c:\\", "c:\\"},
    {"c:\\foo", "c:\\"},
};

TEST(path_dirname_posix_node_cases) {
    size_t i;
    char *out = NULL;
    for (i = 0; i < ASY_ARRAY_SIZE(dir_posix); i++)
        PT_EXPECT(asy_path_posix_dirname(&out, dir_posix[i].in), out, dir_posix[i].want, "in: %s\n",
                  dir_posix[i].in);
}

TEST(path_dirname_win32_node_cases) {
    size_t i;
    char *out = NULL;
    for (i = 0; i < ASY_ARRAY_SIZE(dir_win32); i++)
        PT_EXPECT(asy_path_win32_dirname(&out, dir_win32[i].in), out, dir_win32[i].want, "in: %s\n",
                  dir_win32[i].in);
}

TEST(path_dirname_of_this_file) {
    char *out = NULL, *tail;
    ASSERT_OK(asy_path_dirname(&out, __FILE__));
    tail = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
#ifdef _WIN32
    if (strrchr(out, '\\')) tail = strrchr(out, '\\') + 1;
#endif
    ASSERT_STR_EQ(tail, "tests");
    asy_free(out);
}

TEST(path_dirname_bad_arguments) {
    char *out = NULL;
    ASSERT_ERR(asy_path_posix_dirname(&out, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_dirname(&out, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_posix_dirname(NULL, "a"), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_dirname(NULL, "a"), ASY_EINVAL);
    ASSERT_NULL(out);
}
