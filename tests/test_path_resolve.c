/* path.resolve, both flavours: Node's test-path-resolve.js.  A NULL
 * expectation stands for process.cwd() (see pt_cwd for how each flavour
 * spells it on this host). */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* setenv, mkdtemp */
#endif
#include "path_test.h"

typedef struct {
    size_t n;
    const char *args[4];
    const char *want;
} resolve_case;

static const resolve_case resolve_win32_cases[] = {
    {3, {"c:/blah\\blah", "d:/games", "c:../a"}, "c:\\blah\\a"},
    {3, {"c:/ignore", "d:\\a/b\\c/d", "\\e.exe"}, "d:\\e.exe"},
    {2, {"c:/ignore", "c:/some/file"}, "c:\\some\\file"},
    {2, {"d:/ignore", "d:some/dir//"}, "d:\\ignore\\some\\dir"},
    {1, {"."}, NULL},
    {3, {"//server/share", "..", "relative\\"}, "\\\\server\\share\\relative"},
    {2, {"c:/", "//"}, "c:\\"},
    {2, {"c:/", "//dir"}, "c:\\dir"},
    {2, {"c:/", "//server/share"}, "\\\\server\\share\\"},
    {2, {"c:/", "//server//share"}, "\\\\server\\share\\"},
    {2, {"c:/", "///some//dir"}, "c:\\some\\dir"},
    {2, {"C:\\foo\\tmp.3\\", "..\\tmp.3\\cycles\\root.js"}, "C:\\foo\\tmp.3\\cycles\\root.js"},
};

static const resolve_case resolve_posix_cases[] = {
    {3, {"/var/lib", "../", "file/"}, "/var/file"},
    {3, {"/var/lib", "/../", "file/"}, "/file"},
    {2, {"a/b/c/", "../../.."}, NULL},
    {1, {"."}, NULL},
    {3, {"/some/dir", ".", "/absolute/"}, "/absolute"},
    {2, {"/foo/tmp.3/", "../tmp.3/cycles/root.js"}, "/foo/tmp.3/cycles/root.js"},
};

static void run(int win, const resolve_case *cases, size_t count) {
    char *cwd = pt_cwd(win), *out = NULL;
    size_t i;
    for (i = 0; i < count; i++) {
        const resolve_case *c = &cases[i];
        int r = win ? asy_path_win32_resolve(&out, c->n, c->args)
                    : asy_path_posix_resolve(&out, c->n, c->args);
        ASSERT_OK(r);
        if (strcmp(out, c->want ? c->want : cwd) != 0)
            FAIL("%s case %u: got \"%s\", want \"%s\"", win ? "win32" : "posix", (unsigned)i, out,
                 c->want ? c->want : cwd);
        asy_free(out);
    }
    free(cwd);
}

TEST(path_resolve_win32_node_cases) { run(1, resolve_win32_cases, ASY_ARRAY_SIZE(resolve_win32_cases)); }

TEST(path_resolve_posix_node_cases) { run(0, resolve_posix_cases, ASY_ARRAY_SIZE(resolve_posix_cases)); }

TEST(path_resolve_no_arguments_is_cwd) {
    char *cwd = pt_cwd(0), *out = NULL;
    PT_EXPECT(asy_path_posix_resolve(&out, 0, NULL), out, cwd, "posix\n");
    PT_EXPECT(asy_path_posix_resolvel(&out, (char *)NULL), out, cwd, "posixl\n");
    free(cwd);
    cwd = pt_cwd(1);
    PT_EXPECT(asy_path_win32_resolve(&out, 0, NULL), out, cwd, "win32\n");
    PT_EXPECT(asy_path_win32_resolvel(&out, "", (char *)NULL), out, cwd, "win32l\n");
    free(cwd);
}

TEST(path_resolve_relative_parts_append_to_cwd) {
    char *cwd = pt_cwd(0), want[4200], *out = NULL;
    snprintf(want, sizeof(want), "%s/src/index.ts", strcmp(cwd, "/") ? cwd : "");
    PT_EXPECT(asy_path_posix_resolvel(&out, "./src", "index.ts", (char *)NULL), out, want, "posix\n");
    free(cwd);
    cwd = pt_cwd(1);
    snprintf(want, sizeof(want), "%s\\src\\index.ts", cwd);
#ifdef _WIN32
    PT_EXPECT(asy_path_win32_resolvel(&out, "./src", "index.ts", (char *)NULL), out, want, "win32\n");
#else
    /* the POSIX cwd is a driveless rooted path for win32 */
    PT_EXPECT(asy_path_win32_resolvel(&out, "./src", "index.ts", (char *)NULL), out, want, "win32\n");
    /* a drive-relative path takes the cwd (there is no "=X:" variable) */
    snprintf(want, sizeof(want), "x:%s\\foo", cwd);
    PT_EXPECT(asy_path_win32_resolvel(&out, "x:foo", (char *)NULL), out, want, "drive-relative\n");
#endif
    free(cwd);
}

#ifndef _WIN32
/* Windows keeps the cwd of each drive in "=X:"; Node reads it for a
 * drive-relative path, and so do we, on every host.  setenv() refuses a
 * name with '=', so the entry goes into environ directly (this test runs
 * in its own process). */
extern char **environ;

static void set_drive_cwd(const char *entry) {
    static char *env[512];
    size_t n = 0;
    while (environ[n] && n < 510) {
        env[n] = environ[n];
        n++;
    }
    env[n++] = (char *)entry;
    env[n] = NULL;
    environ = env;
}

TEST(path_resolve_win32_uses_drive_cwd_variable) {
    char *out = NULL;
    set_drive_cwd("=q:=q:\\work\\dir");
    PT_EXPECT(asy_path_win32_resolvel(&out, "q:sub", (char *)NULL), out, "q:\\work\\dir\\sub", "env\n");
    /* a variable naming another drive is ignored: the drive root is used */
    set_drive_cwd("=r:=s:\\elsewhere");
    PT_EXPECT(asy_path_win32_resolvel(&out, "r:sub", (char *)NULL), out, "r:\\sub", "other drive\n");
}

/* Node's process.cwd() throws when the directory is gone; resolve then
 * fails too, but only when it needs the cwd. */
TEST(path_resolve_fails_when_cwd_is_gone) {
    char dir[] = "/tmp/asyrt-path-XXXXXX", *out = NULL;
    ASSERT_NOT_NULL(mkdtemp(dir));
    ASSERT_EQ(chdir(dir), 0);
    ASSERT_EQ(rmdir(dir), 0);
    ASSERT_ERR(asy_path_posix_resolvel(&out, "a", (char *)NULL), ASY_ENOENT);
    ASSERT_NULL(out);
    ASSERT_ERR(asy_path_win32_resolvel(&out, "a", (char *)NULL), ASY_ENOENT);
    ASSERT_ERR(asy_path_posix_relative(&out, "a", "/b"), ASY_ENOENT);
    PT_EXPECT(asy_path_posix_resolvel(&out, "a", "/b", "c", (char *)NULL), out, "/b/c", "absolute\n");
    PT_EXPECT(asy_path_win32_resolvel(&out, "c:\\x", "y", (char *)NULL), out, "c:\\x\\y", "win abs\n");
}
#endif

TEST(path_resolve_bad_arguments) {
    const char *bad[] = {"a", NULL};
    char *out = NULL;
    ASSERT_ERR(asy_path_posix_resolve(NULL, 0, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_resolve(NULL, 0, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_posix_resolve(&out, 2, bad), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_resolve(&out, 2, bad), ASY_EINVAL);
    ASSERT_ERR(asy_path_posix_resolve(&out, 1, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_resolve(&out, 1, NULL), ASY_EINVAL);
    ASSERT_NULL(out);
}
