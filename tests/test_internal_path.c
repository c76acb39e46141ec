/* Private helpers of the path layer: the dot folding (Node's
 * normalizeString), case-insensitive UTF-8 comparison, UTF-16 lengths,
 * and resolve with a forced cwd (Node's test sets process.cwd() to ''). */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "test.h"

static char *fold(const char *in, int above_root, int win) {
    static char buf[256];
    size_t n = asy__path_fold_dots(in, strlen(in), above_root, win, buf);
    ASSERT_EQ(n, strlen(buf));
    ASSERT(n <= strlen(in));
    return buf;
}

TEST(internal_path_fold_dots) {
    ASSERT_STR_EQ(fold("a/./b/../c", 0, 0), "a/c");
    ASSERT_STR_EQ(fold("../../a", 1, 0), "../../a");
    ASSERT_STR_EQ(fold("../../a", 0, 0), "a");
    ASSERT_STR_EQ(fold("a\\b/..\\c", 1, 1), "a\\c");
    ASSERT_STR_EQ(fold("a\\b/..\\c", 1, 0), "a\\b/..\\c");
    ASSERT_STR_EQ(fold("", 1, 0), "");
    ASSERT_STR_EQ(fold("x/..", 1, 0), "");
    ASSERT_STR_EQ(fold("...//....", 1, 0), ".../....");
}

TEST(internal_path_fold_eq) {
    ASSERT(asy__path_fold_eq("AbC", 3, "aBc", 3));
    ASSERT(!asy__path_fold_eq("abc", 3, "abd", 3));
    ASSERT(!asy__path_fold_eq("ab", 2, "abc", 3));
    /* U+0130 lowercases to "i" + U+0307 */
    ASSERT(asy__path_fold_eq("\xC4\xB0", 2, "i\xCC\x87", 3));
    ASSERT(!asy__path_fold_eq("\xC4\xB0", 2, "i", 1));
    /* stride-2 runs (U+0100 -> U+0101) and odd members that do not map */
    ASSERT(asy__path_fold_eq("\xC4\x80", 2, "\xC4\x81", 2));
    ASSERT_EQ(asy__path_lower_cp(0x101), 0x101);
    ASSERT_EQ(asy__path_lower_cp(0x100), 0x101);
    ASSERT_EQ(asy__path_lower_cp(0x10400), 0x10428); /* Deseret, 4 bytes */
    ASSERT_EQ(asy__path_lower_cp(0x1E9E), 0xDF);      /* capital sharp s */
    ASSERT_EQ(asy__path_lower_cp('Z'), 'z');
    ASSERT_EQ(asy__path_lower_cp('['), '[');
    /* malformed and truncated UTF-8 only equal themselves */
    ASSERT(asy__path_fold_eq("\xC3", 1, "\xC3", 1));
    ASSERT(!asy__path_fold_eq("\xC3", 1, "\xE3", 1));
    ASSERT(!asy__path_fold_eq("\xC0\x80", 2, "\x00", 1));
    ASSERT(!asy__path_fold_eq("\xED\xA0\x80", 3, "\xED\xA0\x81", 3));
}

TEST(internal_path_u16len) {
    ASSERT_EQ(asy__path_u16len("", 0), 0);
    ASSERT_EQ(asy__path_u16len("ab", 2), 2);
    ASSERT_EQ(asy__path_u16len("\xC3\x9F", 2), 1);
    ASSERT_EQ(asy__path_u16len("\xE2\x82\xAC", 3), 1);
    ASSERT_EQ(asy__path_u16len("\xF0\x9F\x98\x80", 4), 2);
}

/* test-path-resolve.js: with process.cwd() returning '', resolve() is '.' */
TEST(internal_path_resolve_with_empty_cwd) {
    const char *rel[] = {"a", ".."};
    char *out = NULL;
    ASSERT_OK(asy__path_posix_resolve_cwd(&out, 0, NULL, ""));
    ASSERT_STR_EQ(out, ".");
    asy_free(out);
    ASSERT_OK(asy__path_posix_resolve_cwd(&out, 2, rel, ""));
    ASSERT_STR_EQ(out, ".");
    asy_free(out);
    ASSERT_OK(asy__path_posix_resolve_cwd(&out, 1, rel, "x/y"));
    ASSERT_STR_EQ(out, "x/y/a");
    asy_free(out);
    ASSERT_OK(asy__path_win32_resolve_cwd(&out, 0, NULL, ""));
    ASSERT_STR_EQ(out, ".");
    asy_free(out);
    ASSERT_OK(asy__path_win32_resolve_cwd(&out, 1, rel, "C:\\work"));
    ASSERT_STR_EQ(out, "C:\\work\\a");
    asy_free(out);
    /* the cwd of another drive does not apply to "d:x" */
    rel[0] = "d:x";
    ASSERT_OK(asy__path_win32_resolve_cwd(&out, 1, rel, "C:\\work"));
    ASSERT_STR_EQ(out, "d:\\x");
    asy_free(out);
}

TEST(internal_path_unc_matcher) {
    size_t se, ss, sh;
    ASSERT(asy__path_unc("\\\\srv\\\\share\\x", 14, &se, &ss, &sh));
    ASSERT_EQ(se, 5);
    ASSERT_EQ(ss, 7);
    ASSERT_EQ(sh, 12);
    ASSERT(!asy__path_unc("\\\\srv", 5, &se, &ss, &sh));
    ASSERT(!asy__path_unc("\\\\srv\\", 6, &se, &ss, &sh));
    ASSERT(!asy__path_unc("\\\\\\x", 4, &se, &ss, &sh));
}
