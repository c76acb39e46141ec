/* path.basename, both flavours: Node's test-path-basename.js.  Its first
 * group uses the default `path`; here it runs under both flavours, whose
 * answers agree on those inputs.  (__filename becomes a fixed path.) */
#include "path_test.h"

typedef struct {
    const char *in, *suffix, *want;
} base_case;

static const base_case base_generic[] = {
    {"test-path-basename.js", NULL, "test-path-basename.js"},
    {"test-path-basename.js", ".js", "test-path-basename"},
    {".js", ".js", ""},
    {"js", ".js", "js"},
    {"file.js", ".ts", "file.js"},
    {"file", ".js", "file"},
    {"file.js.old", ".js.old", "file"},
    {"", NULL, ""},
    {"/dir/basename.ext", NULL, "basename.ext"},
    {"/basename.ext", NULL, "basename.ext"},
    {"basename.ext", NULL, "basename.ext"},
    {"basename.ext/", NULL, "basename.ext"},
    {"basename.ext//", NULL, "basename.ext"},
    {"aaa/bbb", "/bbb", "bbb"},
    {"aaa/bbb", "a/bbb", "bbb"},
    {"aaa/bbb", "bbb", "bbb"},
    {"aaa/bbb//", "bbb", "bbb"},
    {"aaa/bbb", "bb", "b"},
    {"aaa/bbb", "b", "bb"},
    {"/aaa/bbb", "/bbb", "bbb"},
    {"/aaa/bbb", "a/bbb", "bbb"},
    {"/aaa/bbb", "bbb", "bbb"},
    {"/aaa/bbb//", "bbb", "bbb"},
    {"/aaa/bbb", "bb", "b"},
    {"/aaa/bbb", "b", "bb"},
    {"/aaa/bbb", NULL, "bbb"},
    {"/aaa/", NULL, "aaa"},
    {"/aaa/b", NULL, "b"},
    {"/a/b", NULL, "b"},
    {"//a", NULL, "a"},
    {"a", "a", ""},
    {"/node/test/parallel/test-path-basename.js", NULL, "test-path-basename.js"},
    {"/node/test/parallel/test-path-basename.js", ".js", "test-path-basename"},
};

static const base_case base_win32[] = {
    {"\\dir\\basename.ext", NULL, "basename.ext"},
    {"\\basename.ext", NULL, "basename.ext"},
    {"basename.ext", NULL, "basename.ext"},
    {"basename.ext\\", NULL, "basename.ext"},
    {"basename.ext\\\\", NULL, "basename.ext"},
    {"foo", NULL, "foo"},
    {"aaa\\bbb", "\\bbb", "bbb"},
    {"aaa\\bbb", "a\\bbb", "bbb"},
    {"aaa\\bbb", "bbb", "bbb"},
    {"aaa\\bbb\\\\\\\\", "bbb", "bbb"},
    {"aaa\\bbb", "bb", "b"},
    {"aaa\\bbb", "b", "bb"},
    {"C:", NULL, ""},
    {"C:.", NULL, "."},
    {"C:\\", NULL, ""},
    {"C:\\dir\\base.ext", NULL, "base.ext"},
    {"C:\\basename.ext", NULL, "basename.ext"},
    {"C:basename.ext", NULL, "basename.ext"},
    {"C:basename.ext\\", NULL, "basename.ext"},
    {"C:basename.ext\\\\", NULL, "basename.ext"},
    {"C:foo", NULL, "foo"},
    {"file:stream", NULL, "file:stream"},
    {"a", "a", ""},
};

static const base_case base_posix[] = {
    {"\\dir\\basename.ext", NULL, "\\dir\\basename.ext"},
    {"\\basename.ext", NULL, "\\basename.ext"},
    {"basename.ext", NULL, "basename.ext"},
    {"basename.ext\\", NULL, "basename.ext\\"},
    {"basename.ext\\\\", NULL, "basename.ext\\\\"},
    {"foo", NULL, "foo"},
    {"/a/b/Icon\x0D", NULL, "Icon\x0D"},
};

static void run(int win, const base_case *cases, size_t n) {
    size_t i;
    char *out = NULL;
    for (i = 0; i < n; i++) {
        const base_case *c = &cases[i];
        if (win)
            PT_EXPECT(asy_path_win32_basename(&out, c->in, c->suffix), out, c->want, "in %s suffix %s\n",
                      c->in, c->suffix ? c->suffix : "(none)");
        else
            PT_EXPECT(asy_path_posix_basename(&out, c->in, c->suffix), out, c->want, "in %s suffix %s\n",
                      c->in, c->suffix ? c->suffix : "(none)");
    }
}

TEST(path_basename_node_cases_both_flavours) {
    run(0, base_generic, ASY_ARRAY_SIZE(base_generic));
    run(1, base_generic, ASY_ARRAY_SIZE(base_generic));
}

TEST(path_basename_win32_node_cases) { run(1, base_win32, ASY_ARRAY_SIZE(base_win32)); }

TEST(path_basename_posix_node_cases) { run(0, base_posix, ASY_ARRAY_SIZE(base_posix)); }

TEST(path_basename_suffix_lengths_count_characters) {
    char *out = NULL;
    /* U+0130 is one character (two bytes): Node tries it as a suffix of a
     * one-character path, and that keeps the trailing separator */
    PT_EXPECT(asy_path_win32_basename(&out, "/", "\xC4\xB0"), out, "/", "two-byte suffix\n");
    PT_EXPECT(asy_path_posix_basename(&out, "/", "ab"), out, "", "longer suffix\n");
    PT_EXPECT(asy_path_posix_basename(&out, "///", "x"), out, "///", "separators only\n");
    PT_EXPECT(asy_path_posix_basename(&out, "a\xC3\xA9.txt", ".txt"), out, "a\xC3\xA9", "utf8 name\n");
    PT_EXPECT(asy_path_posix_basename(&out, "file.txt", ""), out, "file.txt", "empty suffix\n");
}

TEST(path_basename_bad_arguments) {
    char *out = NULL;
    ASSERT_ERR(asy_path_posix_basename(&out, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_basename(&out, NULL, ".js"), ASY_EINVAL);
    ASSERT_ERR(asy_path_posix_basename(NULL, "a", NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_basename(NULL, "a", NULL), ASY_EINVAL);
    ASSERT_NULL(out);
}
