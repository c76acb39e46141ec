/* Every path function of both flavours on arbitrary bytes (split at NUL
 * into up to four strings).  Besides not crashing or leaking: every call
 * succeeds, a posix resolve is absolute, normalize and dirname are never
 * empty, and posix parse agrees with basename (not with extname: Node's
 * parse("/..") has ext ".", its extname("/..") has none). */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdint.h>
#include <stdlib.h>

#define CHECK(c) \
    do {         \
        if (!(c)) abort(); \
    } while (0)

static void one_flavour(int win, const char *const *s, size_t n) {
    char *out = NULL, *base = NULL, *ext = NULL;
    asy_path_parsed_t p;
    CHECK((win ? asy_path_win32_join : asy_path_posix_join)(&out, n, s) == 0);
    asy_free(out);
    CHECK((win ? asy_path_win32_resolve : asy_path_posix_resolve)(&out, n, s) == 0);
    if (!win) CHECK(out[0] == '/');
    asy_free(out);
    CHECK((win ? asy_path_win32_normalize : asy_path_posix_normalize)(&out, s[0]) == 0);
    CHECK(out[0] != '\0');
    asy_free(out);
    CHECK((win ? asy_path_win32_relative : asy_path_posix_relative)(&out, s[0], n > 1 ? s[1] : "") == 0);
    asy_free(out);
    CHECK((win ? asy_path_win32_dirname : asy_path_posix_dirname)(&out, s[0]) == 0);
    CHECK(out[0] != '\0');
    asy_free(out);
    CHECK((win ? asy_path_win32_basename : asy_path_posix_basename)(&out, s[0], n > 1 ? s[1] : NULL) == 0);
    asy_free(out);
    CHECK((win ? asy_path_win32_to_namespaced_path : asy_path_posix_to_namespaced_path)(&out, s[0]) == 0);
    asy_free(out);
    CHECK((win ? asy_path_win32_is_absolute : asy_path_posix_is_absolute)(s[0]) >= 0);
    CHECK((win ? asy_path_win32_parse : asy_path_posix_parse)(&p, s[0]) == 0);
    CHECK((win ? asy_path_win32_basename : asy_path_posix_basename)(&base, s[0], NULL) == 0);
    CHECK((win ? asy_path_win32_extname : asy_path_posix_extname)(&ext, s[0]) == 0);
    /* (win32 parse counts a bare "\\\\server\\share" as root only, as Node
     * does, while basename still finds "share" there) */
    if (!win) CHECK(strcmp(p.base, base) == 0);
    CHECK((win ? asy_path_win32_format : asy_path_posix_format)(&out, &p) == 0);
    asy_free(out);
    asy_free(base);
    asy_free(ext);
    asy_path_parsed_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *copy = (char *)malloc(size + 1);
    const char *s[4];
    size_t n = 0, i, start = 0;
    if (!copy) return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    for (i = 0; i <= size && n < 4; i++) {
        if (i == size || copy[i] == '\0') {
            s[n++] = copy + start;
            start = i + 1;
        }
    }
    one_flavour(0, s, n);
    one_flavour(1, s, n);
    free(copy);
    return 0;
}
