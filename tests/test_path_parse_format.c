/* path.parse / path.format, both flavours: Node's test-path-parse-format.js.
 * For every path of the round-trip tables: format(parse(p)) == p, the root
 * is the expected one, dir starts with root and equals dirname(p) (when
 * not empty), base == basename(p), ext == extname(p). */
#include "path_test.h"

typedef struct {
    const char *path, *root;
} rt_case;

static const rt_case win_paths[] = {
    {"C:\\path\\dir\\index.html", "C:\\"},
    {"C:\\another_path\\DIR\\1\\2\\33\\\\index", "C:\\"},
    {"another_path\\DIR with spaces\\1\\2\\33\\index", ""},
    {"\\", "\\"},
    {"\\foo\\C:", "\\"},
    {"file", ""},
    {"file:stream", ""},
    {".\\file", ""},
    {"C:", "C:"},
    {"C:.", "C:"},
    {"C:..", "C:"},
    {"C:abc", "C:"},
    {"C:\\", "C:\\"},
    {"C:\\abc", "C:\\"},
    {"", ""},
    {"\\\\server\\share\\file_path", "\\\\server\\share\\"},
    {"\\\\server two\\shared folder\\file path.zip", "\\\\server two\\shared folder\\"},
    {"\\\\teela\\admin$\\system32", "\\\\teela\\admin$\\"},
    {"\\\\?\\UNC\\server\\share", "\\\\?\\UNC\\"},
};

static const rt_case unix_paths[] = {
    {"/home/user/dir/file.txt", "/"},
    {"/home/user/a dir/another File.zip", "/"},
    {"/home/user/a dir//another&File.", "/"},
    {"/home/user/a$$$dir//another File.zip", "/"},
    {"user/dir/another File.zip", ""},
    {"file", ""},
    {".\\file", ""},
    {"./file", ""},
    {"C:\\foo", ""},
    {"/", "/"},
    {"", ""},
    {".", ""},
    {"..", ""},
    {"/foo", "/"},
    {"/foo.", "/"},
    {"/foo.bar", "/"},
    {"/.", "/"},
    {"/.foo", "/"},
    {"/.foo.bar", "/"},
    {"/foo/bar.baz", "/"},
};

typedef struct {
    const char *root, *dir, *base, *ext, *name;
} fields;

typedef struct {
    const char *path;
    fields want;
} parse_case;

static const parse_case win_special_parse[] = {
    {"/foo/bar", {"/", "/foo", "bar", "", "bar"}},
};

static const parse_case trailing_win32[] = {
    {".\\", {"", "", ".", "", "."}},
    {"\\\\", {"\\", "\\", "", "", ""}},
    {"\\\\", {"\\", "\\", "", "", ""}},
    {"c:\\foo\\\\\\", {"c:\\", "c:\\", "foo", "", "foo"}},
    {"D:\\foo\\\\\\bar.baz", {"D:\\", "D:\\foo\\\\", "bar.baz", ".baz", "bar"}},
};

static const parse_case trailing_posix[] = {
    {"./", {"", "", ".", "", "."}},
    {"//", {"/", "/", "", "", ""}},
    {"///", {"/", "/", "", "", ""}},
    {"/foo///", {"/", "/", "foo", "", "foo"}},
    {"/foo///bar.baz", {"/", "/foo//", "bar.baz", ".baz", "bar"}},
    /* the edges of parse's shared copy (checked against node 20) */
    {"//b", {"/", "/", "b", "", "b"}},
    {"/file", {"/", "/", "file", "", "file"}},
    {"x.y.z", {"", "", "x.y.z", ".z", "x.y"}},
    {"a/.bashrc", {"", "a", ".bashrc", "", ".bashrc"}},
    {"/a//b.c", {"/", "/a/", "b.c", ".c", "b"}},
    {"..", {"", "", "..", "", ".."}},
    {"/..", {"/", "/", "..", ".", "."}},
    {"a/b/", {"", "a", "b", "", "b"}},
};

typedef struct {
    fields in;
    const char *want;
} format_case;

static const format_case win_special_format[] = {
    {{NULL, "some\\dir", NULL, NULL, NULL}, "some\\dir\\"},
    {{NULL, NULL, "index.html", NULL, NULL}, "index.html"},
    {{"C:\\", NULL, NULL, NULL, NULL}, "C:\\"},
    {{NULL, NULL, NULL, ".html", "index"}, "index.html"},
    {{NULL, "some\\dir", NULL, ".html", "index"}, "some\\dir\\index.html"},
    {{"C:\\", NULL, NULL, ".html", "index"}, "C:\\index.html"},
    {{NULL, NULL, NULL, NULL, NULL}, ""},
};

static const format_case unix_special_format[] = {
    {{NULL, "some/dir", NULL, NULL, NULL}, "some/dir/"},
    {{NULL, NULL, "index.html", NULL, NULL}, "index.html"},
    {{"/", NULL, NULL, NULL, NULL}, "/"},
    {{NULL, NULL, NULL, ".html", "index"}, "index.html"},
    {{NULL, "some/dir", NULL, ".html", "index"}, "some/dir/index.html"},
    {{"/", NULL, NULL, ".html", "index"}, "/index.html"},
    {{NULL, NULL, NULL, NULL, NULL}, ""},
};

typedef int (*parse_fn)(asy_path_parsed_t *, const char *);
typedef int (*format_fn)(char **, const asy_path_parsed_t *);
typedef int (*str_fn)(char **, const char *);
typedef int (*base_fn)(char **, const char *, const char *);

static void round_trip(const rt_case *cases, size_t n, parse_fn parse, format_fn format, str_fn dirname,
                       base_fn basename, str_fn extname) {
    size_t i;
    for (i = 0; i < n; i++) {
        const rt_case *c = &cases[i];
        asy_path_parsed_t p;
        char *s = NULL;
        printf("path: %s\n", c->path);
        ASSERT_OK(parse(&p, c->path));
        ASSERT_NOT_NULL(p.root);
        ASSERT_NOT_NULL(p.dir);
        ASSERT_NOT_NULL(p.base);
        ASSERT_NOT_NULL(p.ext);
        ASSERT_NOT_NULL(p.name);
        PT_EXPECT(format(&s, &p), s, c->path, "format\n");
        ASSERT_STR_EQ(p.root, c->root);
        ASSERT_EQ(strncmp(p.dir, p.root, strlen(p.root)), 0);
        if (p.dir[0]) PT_EXPECT(dirname(&s, c->path), s, p.dir, "dirname\n");
        PT_EXPECT(basename(&s, c->path, NULL), s, p.base, "basename\n");
        PT_EXPECT(extname(&s, c->path), s, p.ext, "extname\n");
        asy_path_parsed_free(&p);
        ASSERT_NULL(p.storage);
        ASSERT_NULL(p.root);
    }
}

TEST(path_parse_format_round_trip_win32) {
    round_trip(win_paths, ASY_ARRAY_SIZE(win_paths), asy_path_win32_parse, asy_path_win32_format,
               asy_path_win32_dirname, asy_path_win32_basename, asy_path_win32_extname);
}

TEST(path_parse_format_round_trip_posix) {
    round_trip(unix_paths, ASY_ARRAY_SIZE(unix_paths), asy_path_posix_parse, asy_path_posix_format,
               asy_path_posix_dirname, asy_path_posix_basename, asy_path_posix_extname);
}

static void check_parse(const parse_case *cases, size_t n, parse_fn parse) {
    size_t i;
    for (i = 0; i < n; i++) {
        const parse_case *c = &cases[i];
        asy_path_parsed_t p;
        printf("path: %s\n", c->path);
        ASSERT_OK(parse(&p, c->path));
        ASSERT_STR_EQ(p.root, c->want.root);
        ASSERT_STR_EQ(p.dir, c->want.dir);
        ASSERT_STR_EQ(p.base, c->want.base);
        ASSERT_STR_EQ(p.ext, c->want.ext);
        ASSERT_STR_EQ(p.name, c->want.name);
        asy_path_parsed_free(&p);
    }
}

TEST(path_parse_special_and_trailing_separators) {
    check_parse(win_special_parse, ASY_ARRAY_SIZE(win_special_parse), asy_path_win32_parse);
    check_parse(trailing_win32, ASY_ARRAY_SIZE(trailing_win32), asy_path_win32_parse);
    check_parse(trailing_posix, ASY_ARRAY_SIZE(trailing_posix), asy_path_posix_parse);
}

static void check_format(const format_case *cases, size_t n, format_fn format) {
    size_t i;
    for (i = 0; i < n; i++) {
        asy_path_parsed_t p;
        char *s = NULL;
        memset(&p, 0, sizeof(p));
        p.root = cases[i].in.root;
        p.dir = cases[i].in.dir;
        p.base = cases[i].in.base;
        p.ext = cases[i].in.ext;
        p.name = cases[i].in.name;
        PT_EXPECT(format(&s, &p), s, cases[i].want, "case %u\n", (unsigned)i);
    }
}

TEST(path_format_node_cases) {
    check_format(win_special_format, ASY_ARRAY_SIZE(win_special_format), asy_path_win32_format);
    check_format(unix_special_format, ASY_ARRAY_SIZE(unix_special_format), asy_path_posix_format);
}

TEST(path_format_adds_missing_dot_and_prefers_base) {
    asy_path_parsed_t p;
    char *s = NULL;
    memset(&p, 0, sizeof(p));
    p.name = "index";
    p.ext = "html";
    PT_EXPECT(asy_path_posix_format(&s, &p), s, "index.html", "ext without dot\n");
    p.base = "other.txt";
    p.dir = "/a";
    PT_EXPECT(asy_path_posix_format(&s, &p), s, "/a/other.txt", "base wins\n");
    PT_EXPECT(asy_path_win32_format(&s, &p), s, "/a\\other.txt", "win32 sep\n");
    p.root = "/a";
    PT_EXPECT(asy_path_posix_format(&s, &p), s, "/aother.txt", "dir equal to root\n");
}

TEST(path_parse_format_bad_arguments) {
    asy_path_parsed_t p;
    char *s = NULL;
    ASSERT_ERR(asy_path_posix_parse(&p, NULL), ASY_EINVAL);
    ASSERT_NULL(p.storage);
    ASSERT_NULL(p.root);
    ASSERT_NULL(p.name);
    ASSERT_ERR(asy_path_win32_parse(&p, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_posix_parse(NULL, "a"), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_parse(NULL, "a"), ASY_EINVAL);
    ASSERT_ERR(asy_path_posix_format(&s, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_format(&s, NULL), ASY_EINVAL);
    ASSERT_NULL(s);
    memset(&p, 0, sizeof(p));
    ASSERT_ERR(asy_path_posix_format(NULL, &p), ASY_EINVAL);
    asy_path_parsed_free(NULL);
}
