/* path.toNamespacedPath (formerly _makeLong), both flavours: Node's
 * test-path-makelong.js.  Node runs its cwd-dependent win32 cases on
 * Windows only; here they run everywhere, against this host's cwd. */
#include "path_test.h"

typedef struct {
    const char *in, *want;
} ns_case;

static const ns_case ns_posix[] = {
    {"/foo/bar", "/foo/bar"},
    {"foo/bar", "foo/bar"},
    {"", ""},
};

static const ns_case ns_win32[] = {
    {"C:\\foo", "\\\\?\\C:\\foo"},
    {"C:/foo", "\\\\?\\C:\\foo"},
    {"\\\\foo\\bar", "\\\\?\\UNC\\foo\\bar\\"},
    {"//foo//bar", "\\\\?\\UNC\\foo\\bar\\"},
    {"\\\\?\\foo", "\\\\?\\foo"},
    {"\\\\?\\c:\\Windows/System", "\\\\?\\c:\\Windows\\System"},
    {"", ""},
    {"\\\\someserver\\someshare\\somefile", "\\\\?\\UNC\\someserver\\someshare\\somefile"},
    {"\\\\?\\UNC\\someserver\\someshare\\somefile", "\\\\?\\UNC\\someserver\\someshare\\somefile"},
    {"\\\\.\\pipe\\somepipe", "\\\\.\\pipe\\somepipe"},
};

TEST(path_to_namespaced_path_node_cases) {
    size_t i;
    char *out = NULL;
    for (i = 0; i < ASY_ARRAY_SIZE(ns_posix); i++)
        PT_EXPECT(asy_path_posix_to_namespaced_path(&out, ns_posix[i].in), out, ns_posix[i].want,
                  "posix %s\n", ns_posix[i].in);
    for (i = 0; i < ASY_ARRAY_SIZE(ns_win32); i++)
        PT_EXPECT(asy_path_win32_to_namespaced_path(&out, ns_win32[i].in), out, ns_win32[i].want,
                  "win32 %s\n", ns_win32[i].in);
}

TEST(path_to_namespaced_path_relative_uses_cwd) {
    char *cwd = pt_cwd(1), want[4200], *out = NULL;
#ifdef _WIN32
    snprintf(want, sizeof(want), "\\\\?\\%s\\foo\\bar", cwd);
#else
    /* a POSIX cwd is driveless for win32, so no \\?\ prefix applies */
    snprintf(want, sizeof(want), "%s\\foo\\bar", cwd);
#endif
    PT_EXPECT(asy_path_win32_to_namespaced_path(&out, "foo\\bar"), out, want, "backslash\n");
    PT_EXPECT(asy_path_win32_to_namespaced_path(&out, "foo/bar"), out, want, "slash\n");
    free(cwd);
#ifndef _WIN32
    /* results of two characters or fewer give back the input (on Windows
     * every path resolves to at least "X:\\") */
    PT_EXPECT(asy_path_win32_to_namespaced_path(&out, "//"), out, "//", "short\n");
    PT_EXPECT(asy_path_win32_to_namespaced_path(&out, "/\xC3\x9F"), out, "/\xC3\x9F", "short utf8\n");
#endif
}

TEST(path_to_namespaced_path_bad_arguments) {
    char *out = NULL;
    ASSERT_ERR(asy_path_posix_to_namespaced_path(&out, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_to_namespaced_path(&out, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_posix_to_namespaced_path(NULL, "a"), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_to_namespaced_path(NULL, "a"), ASY_EINVAL);
    ASSERT_NULL(out);
}
