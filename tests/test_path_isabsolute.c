/* path.isAbsolute, both flavours: Node's test-path-isabsolute.js and the
 * empty-string cases of test-path-zero-length-strings.js. */
#include "path_test.h"

typedef struct {
    const char *in;
    int want;
} abs_case;

static const abs_case abs_win32[] = {
    {"/", 1},
    {"//", 1},
    {"//server", 1},
    {"//server/file", 1},
    {"\\\\server\\file", 1},
    {"\\\\server", 1},
    {"\\\\", 1},
    {"c", 0},
    {"c:", 0},
    {"c:\\", 1},
    {"c:/", 1},
    {"c://", 1},
    {"C:/Users/", 1},
    {"C:\\Users\\", 1},
    {"C:cwd/another", 0},
    {"C:cwd\\another", 0},
    {"directory/directory", 0},
    {"directory\\directory", 0},
    {"", 0},
};

static const abs_case abs_posix[] = {
    {"/home/foo", 1},
    {"/home/foo/..", 1},
    {"bar/", 0},
    {"./baz", 0},
    {"", 0},
};

TEST(path_is_absolute_node_cases) {
    size_t i;
    for (i = 0; i < ASY_ARRAY_SIZE(abs_win32); i++) {
        printf("win32 %s\n", abs_win32[i].in);
        ASSERT_EQ(asy_path_win32_is_absolute(abs_win32[i].in), abs_win32[i].want);
    }
    for (i = 0; i < ASY_ARRAY_SIZE(abs_posix); i++) {
        printf("posix %s\n", abs_posix[i].in);
        ASSERT_EQ(asy_path_posix_is_absolute(abs_posix[i].in), abs_posix[i].want);
    }
    ASSERT_ERR(asy_path_posix_is_absolute(NULL), ASY_EINVAL);
    ASSERT_ERR(asy_path_win32_is_absolute(NULL), ASY_EINVAL);
}
