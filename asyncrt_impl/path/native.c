/* The native flavour: path.win32 on Windows, path.posix everywhere else,
 * like Node's default `path` export. */
#include "path.h"
#include "util.internal.h"

#if ASYNCRT_OS_WINDOWS
#define ASY__PATH_NATIVE(name) asy_path_win32_##name
#else
#define ASY__PATH_NATIVE(name) asy_path_posix_##name
#endif

ASYNCRT_API int asy_path_join(char **out, size_t n, const char *const *parts) {
    return ASY__PATH_NATIVE(join)(out, n, parts);
}

ASYNCRT_API int asy_path_resolve(char **out, size_t n, const char *const *parts) {
    return ASY__PATH_NATIVE(resolve)(out, n, parts);
}

ASYNCRT_API int asy_path_normalize(char **out, const char *path) {
    return ASY__PATH_NATIVE(normalize)(out, path);
}

ASYNCRT_API int asy_path_relative(char **out, const char *from, const char *to) {
    return ASY__PATH_NATIVE(relative)(out, from, to);
}

ASYNCRT_API int asy_path_dirname(char **out, const char *path) {
    return ASY__PATH_NATIVE(dirname)(out, path);
}

ASYNCRT_API int asy_path_basename(char **out, const char *path, const char *suffix) {
    return ASY__PATH_NATIVE(basename)(out, path, suffix);
}

ASYNCRT_API int asy_path_extname(char **out, const char *path) {
    return ASY__PATH_NATIVE(extname)(out, path);
}

ASYNCRT_API int asy_path_parse(asy_path_parsed_t *out, const char *path) {
    return ASY__PATH_NATIVE(parse)(out, path);
}

ASYNCRT_API int asy_path_format(char **out, const asy_path_parsed_t *parts) {
    return ASY__PATH_NATIVE(format)(out, parts);
}

ASYNCRT_API int asy_path_is_absolute(const char *path) {
    return ASY__PATH_NATIVE(is_absolute)(path);
}

ASYNCRT_API int asy_path_to_namespaced_path(char **out, const char *path) {
    return ASY__PATH_NATIVE(to_namespaced_path)(out, path);
}

ASYNCRT_API int asy_path_joinl(char **out, ...) {
    va_list ap;
    int r;
    va_start(ap, out);
    r = asy__path_call_list(out, ap, ASY__PATH_NATIVE(join));
    va_end(ap);
    return r;
}

ASYNCRT_API int asy_path_resolvel(char **out, ...) {
    va_list ap;
    int r;
    va_start(ap, out);
    r = asy__path_call_list(out, ap, ASY__PATH_NATIVE(resolve));
    va_end(ap);
    return r;
}
