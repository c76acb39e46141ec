/* path.normalize, both flavours: Node's test-path-normalize.js, and
 * test-path-win32-normalize-device-names.js (Windows-only in Node, but the
 * rules do not depend on the host, so they run everywhere here). */
#include "path_test.h"

typedef struct {
    const char *in, *want;
} norm_case;

static const norm_case norm_win32[] = {
    {"./fixtures///b/../b/c.js", "fixtures\\b\\c.js"},
    {"/foo/../../../bar", "\\bar"},
    {"a//b//../b", "a\\b"},
    {"a//b//./c", "a\\b\\c"},
    {"a//b//.", "a\\b"},
    {"//server/share/dir/file.ext", "\\\\server\\share\\dir\\file.ext"},
    {"/a/b/c/../../../x/y/z", "\\x\\y\\z"},
    {"C:", "C:."},
    {"C:..\\abc", "C:..\\abc"},
    {"C:..\\..\\abc\\..\\def", "C:..\\..\\def"},
    {"C:\\.", "C:\\"},
    {"file:stream", "file:stream"},
    {"bar\\foo..\\..\\", "bar\\"},
    {"bar\\foo..\\..", "bar"},
    {"bar\\foo..\\..\\baz", "bar\\baz"},
    {"bar\\foo..\\", "bar\\foo..\\"},
    {"bar\\foo..", "bar\\foo.."},
    {"..\\foo..\\..\\..\\bar", "..\\..\\bar"},
    {"..\\...\\..\\.\\...\\..\\..\\bar", "..\\..\\bar"},
};

static const norm_case norm_posix[] = {
    {"./fixtures///b/../b/c.js", "fixtures/b/c.js"},
    {"/foo/../../../bar", "/bar"},
    {"a//b//../b", "a/b"},
    {"a//b//./c", "a/b/c"},
    {"a//b//.", "a/b"},
    {"/a/b/c/../../../x/y/z", "/x/y/z"},
    {"///..//./foo/.//bar", "/foo/bar"},
    {"bar/foo../../", "bar/"},
    {"bar/foo../..", "bar"},
    {"bar/foo../../baz", "bar/baz"},
    {"bar/foo../", "bar/foo../"},
    {"bar/foo..", "bar/foo.."},
    {"../foo../../../bar", "../../bar"},
    {"../.../.././.../../../bar", "../../bar"},
};

static const norm_case norm_devices[] = {
    {"CON", "CON"},
    {"con", "con"},
    {"CON:", ".\\CON:."},
    {"con:", ".\\con:."},
    {"CON:.", ".\\CON:."},
    {"coN:", ".\\coN:."},
    {"LPT9.foo", "LPT9.foo"},
    {"COM9:", ".\\COM9:."},
    {"COM9.", ".\\COM9."},
    {"C:COM9", "C:COM9"},
    {"C:\\COM9", "C:\\COM9"},
    {"CON:./foo", ".\\CON:foo"},
    {"CON:/foo", ".\\CON:foo"},
    {"CON:../foo", ".\\CON:..\\foo"},
    {"CON:/../foo", ".\\CON:..\\foo"},
    {"CON:./././foo", ".\\CON:foo"},
    {"CON:..", ".\\CON:.."},
    {"CON:..\\", ".\\CON:..\\"},
    {"CON:..\\..", ".\\CON:..\\.."},
    {"CON:..\\..\\", ".\\CON:..\\..\\"},
    {"CON:..\\..\\foo", ".\\CON:..\\..\\foo"},
    {"CON:..\\..\\foo\\", ".\\CON:..\\..\\foo\\"},
    {"CON:..\\..\\foo\\bar", ".\\CON:..\\..\\foo\\bar"},
    {"CON:..\\..\\foo\\bar\\", ".\\CON:..\\..\\foo\\bar\\"},
    {"COM1:a:b:c", ".\\COM1:a:b:c"},
    {"COM1:a:b:c/", ".\\COM1:a:b:c\\"},
    {"c:lpt1", "c:lpt1"},
    {"c:\\lpt1", "c:\\lpt1"},
    {"CON:.\\..\\..\\foo", ".\\CON:..\\..\\foo"},
    {"PRN:.\\..\\bar", ".\\PRN:..\\bar"},
    {"AUX:/../../baz", ".\\AUX:..\\..\\baz"},
    {"COM1:", ".\\COM1:."},
    {"COM9:", ".\\COM9:."},
    {"COM\xC2\xB9:", ".\\COM\xC2\xB9:."},
    {"COM\xC2\xB2:", ".\\COM\xC2\xB2:."},
    {"COM\xC2\xB3:", ".\\COM\xC2\xB3:."},
    {"COM1:.\\..\\..\\foo", ".\\COM1:..\\..\\foo"},
    {"COM\xC2\xB9:.\\..\\..\\foo", ".\\COM\xC2\xB9:..\\..\\foo"},
    {"LPT1:", ".\\LPT1:."},
    {"LPT\xC2\xB9:", ".\\LPT\xC2\xB9:."},
    {"LPT\xC2\xB2:", ".\\LPT\xC2\xB2:."},
    {"LPT\xC2\xB3:", ".\\LPT\xC2\xB3:."},
    {"LPT9:", ".\\LPT9:."},
    {"LPT1:.\\..\\..\\foo", ".\\LPT1:..\\..\\foo"},
    {"LPT\xC2\xB9:.\\..\\..\\foo", ".\\LPT\xC2\xB9:..\\..\\foo"},
    {"LpT5:/another/path", ".\\LpT5:another\\path"},
    {"C:\\foo", "C:\\foo"},
    {"D:bar", "D:bar"},
    {"CON", "CON"},
    {"CON.TXT", "CON.TXT"},
    {"COM10:", ".\\COM10:"},
    {"LPT10:", ".\\LPT10:"},
    {"CONNINGTOWER:", ".\\CONNINGTOWER:"},
    {"AUXILIARYDEVICE:", ".\\AUXILIARYDEVICE:"},
    {"NULLED:", ".\\NULLED:"},
    {"PRNINTER:", ".\\PRNINTER:"},
    {"CON:\\..\\..\\windows\\system32", ".\\CON:..\\..\\windows\\system32"},
    {"PRN:.././../etc/passwd", ".\\PRN:..\\..\\etc\\passwd"},
    {"CON:\\", ".\\CON:.\\"},
    {"COM1:\\foo\\bar\\", ".\\COM1:foo\\bar\\"},
    {"COM1:.\\..\\..\\foo.js", ".\\COM1:..\\..\\foo.js"},
    {"LPT1:.\\..\\..\\another.txt", ".\\LPT1:..\\..\\another.txt"},
    {"C:\\CON", "C:\\CON"},
    {"C:\\path\\to\\COM1:", "C:\\path\\to\\COM1:"},
    {"CON::", ".\\CON::"},
    {"COM1:::foo", ".\\COM1:::foo"},
    {"AUX:/foo\\bar/baz", ".\\AUX:foo\\bar\\baz"},
    {"CON:foo/../bar", ".\\CON:bar"},
    {"c:COM1:", "c:COM1:"},
};

TEST(path_normalize_win32_node_cases) {
    size_t i;
    char *out = NULL;
    for (i = 0; i < ASY_ARRAY_SIZE(norm_win32); i++)
        PT_EXPECT(asy_path_win32_normalize(&out, norm_win32[i].in), out, norm_win32[i].want,
                  "in: %s\n", norm_win32[i].in);
}

TEST(path_normalize_posix_node_cases) {
    size_t i;
    char *out = NULL;
    for (i = 0; i < ASY_ARRAY_SIZE(norm_posix); i++)
        PT_EXPECT(asy_path_posix_normalize(&out, norm_posix[i].in), out, norm_posix[i].want,
                  "in: %s\n", norm_posix[i].in);
}

TEST(path_normalize_win32_device_names) {
    size_t i;
    char *out = NULL;
    for (i = 0; i < ASY_ARRAY_SIZE(norm_devices); i++)
        PT_EXPECT(asy_path_win32_normalize(&out, norm_devices[i].in), out, norm_devices[i].want,
                  "in: %s\n", norm_devices[i].in);
}

TEST(path_normalize_empty_and_trailing) {
    char *out = NULL;
    PT_EXPECT(asy_path_posix_normalize(&out, ""), out, ".", "posix empty\n");
    PT_EXPECT(asy_path_win32_normalize(&out, ""), out, ".", "win32 empty\n");
    PT_EXPECT(asy_path_posix_normalize(&out, "a/.."), out, ".", "posix up\n");
    PT_EXPECT(asy_path_posix_normalize(&out, "a/../"), out, "./", "posix up slash\n");
    PT_EXPECT(asy_path_posix_normalize(&out, "/.."), out, "/", "posix root\n");
    PT_EXPECT(asy_path_win32_normalize(&out, "/"), out, "\\", "win32 slash\n");
    PT_EXPECT(asy_path_win32_normalize(&out, "x"), out, "x", "win32 one char\n");
    PT_EXPECT(asy_path_win32_normalize(&out, "//server/share"), out, "\\\\server\\share\\", "unc root\n");
    PT_EXPECT(asy_path_win32_normalize(&out, "\\\\.\\pipe\\x\\..\\y"), out,
              "\\\\.\\pipe\\y", "device\n");
}

TEST(path_normalize_bad_arguments) {
    char *out = NULL;
    ASSERT_ERR(asy_path_posix_normalize(&out, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_normalize(&out, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_posix_normalize(NULL, "a"), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_normalize(NULL, "a"), ASY_EINVAL);
    ASSERT_NULL(out);
}
