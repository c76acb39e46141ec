/* path.extname, both flavours: Node's test-path-extname.js.  Each case of
 * the main table runs under posix, under win32 with its slashes turned
 * into backslashes, and under win32 behind a "C:" drive prefix. */
#include "path_test.h"

typedef struct {
    const char *in, *want;
} ext_case;

static const ext_case ext_table[] = {
    {"/node/test/parallel/test-path-extname.js", ".js"},
    {"", ""},
    {"/path/to/file", ""},
    {"/path/to/file.ext", ".ext"},
    {"/path.to/file.ext", ".ext"},
    {"/path.to/file", ""},
    {"/path.to/.file", ""},
    {"/path.to/.file.ext", ".ext"},
    {"/path/to/f.ext", ".ext"},
    {"/path/to/..ext", ".ext"},
    {"/path/to/..", ""},
    {"file", ""},
    {"file.ext", ".ext"},
    {".file", ""},
    {".file.ext", ".ext"},
    {"/file", ""},
    {"/file.ext", ".ext"},
    {"/.file", ""},
    {"/.file.ext", ".ext"},
    {".path/file.ext", ".ext"},
    {"file.ext.ext", ".ext"},
    {"file.", "."},
    {".", ""},
    {"./", ""},
    {".file.ext", ".ext"},
    {".file", ""},
    {".file.", "."},
    {".file..", "."},
    {"..", ""},
    {"../", ""},
    {"..file.ext", ".ext"},
    {"..file", ".file"},
    {"..file.", "."},
    {"..file..", "."},
    {"...", "."},
    {"...ext", ".ext"},
    {"....", "."},
    {"file.ext/", ".ext"},
    {"file.ext//", ".ext"},
    {"file/", ""},
    {"file//", ""},
    {"file./", "."},
    {"file.//", "."},
    {"/file.ext", ".ext"},
};

static const ext_case ext_win32[] = {
    {".\\", ""},
    {"..\\", ""},
    {"file.ext\\", ".ext"},
    {"file.ext\\\\", ".ext"},
    {"file\\", ""},
    {"file\\\\", ""},
    {"file.\\", "."},
    {"file.\\\\", "."},
};

static const ext_case ext_posix[] = {
    {".\\", ""},
    {"..\\", ".\\"},
    {"file.ext\\", ".ext\\"},
    {"file.ext\\\\", ".ext\\\\"},
    {"file\\", ""},
    {"file\\\\", ""},
    {"file.\\", ".\\"},
    {"file.\\\\", ".\\\\"},
};

TEST(path_extname_node_table_three_ways) {
    size_t i;
    char *out = NULL, buf[256], *p;
    for (i = 0; i < ASY_ARRAY_SIZE(ext_table); i++) {
        const ext_case *c = &ext_table[i];
        PT_EXPECT(asy_path_posix_extname(&out, c->in), out, c->want, "posix %s\n", c->in);
        snprintf(buf, sizeof(buf), "%s", c->in);
        for (p = buf; *p; p++)
            if (*p == '/') *p = '\\';
        PT_EXPECT(asy_path_win32_extname(&out, buf), out, c->want, "win32 %s\n", buf);
        snprintf(buf, sizeof(buf), "C:%s", c->in);
        for (p = buf; *p; p++)
            if (*p == '/') *p = '\\';
        PT_EXPECT(asy_path_win32_extname(&out, buf), out, c->want, "win32 %s\n", buf);
    }
}

TEST(path_extname_backslash_cases) {
    size_t i;
    char *out = NULL;
    for (i = 0; i < ASY_ARRAY_SIZE(ext_win32); i++)
        PT_EXPECT(asy_path_win32_extname(&out, ext_win32[i].in), out, ext_win32[i].want, "win32 %s\n",
                  ext_win32[i].in);
    for (i = 0; i < ASY_ARRAY_SIZE(ext_posix); i++)
        PT_EXPECT(asy_path_posix_extname(&out, ext_posix[i].in), out, ext_posix[i].want, "posix %s\n",
                  ext_posix[i].in);
}

TEST(path_extname_bad_arguments) {
    char *out = NULL;
    ASSERT_ERR(asy_path_posix_extname(&out, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_extname(&out, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_posix_extname(NULL, "a.b"), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_extname(NULL, "a.b"), ASY_EINVAL);
    ASSERT_NULL(out);
}
