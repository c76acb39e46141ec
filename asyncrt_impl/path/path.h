/* path: Node's `path` module, both flavours, on every platform.
 *
 * Every function that produces a string allocates it and hands it back
 * through `char **out`; the caller releases it with asy_free().  On error
 * *out is NULL and the result is a negative ASY_E* code: ASY_EINVAL for a
 * NULL argument, ASY_ENOMEM when an allocation fails, and for resolve (and
 * functions built on it) the error of reading the current directory.
 * Strings are NUL-terminated UTF-8; separators and dots are matched
 * byte-wise, which gives the same results as Node's UTF-16 code.
 *
 *   asy_path_posix_*   POSIX rules ("/" separates, ":" delimits)
 *   asy_path_win32_*   Windows rules ("\" and "/" separate, drives, UNC)
 *   asy_path_*         the native flavour: win32 on Windows, posix elsewhere
 *
 * Arrays of parts (join, resolve) take a count and an array; the `l`
 * variants take the parts as arguments ending with NULL:
 *
 *     char *p;
 *     asy_path_joinl(&p, "/users", "sean", "docs", (char *)NULL);
 *     ...
 *     asy_free(p);
 */
#pragma once
#include "../base/config.h"

#define ASY_PATH_POSIX_SEP "/"
#define ASY_PATH_POSIX_DELIMITER ":"
#define ASY_PATH_WIN32_SEP "\\"
#define ASY_PATH_WIN32_DELIMITER ";"
#if defined(_WIN32)
#define ASY_PATH_SEP ASY_PATH_WIN32_SEP
#define ASY_PATH_DELIMITER ASY_PATH_WIN32_DELIMITER
#else
#define ASY_PATH_SEP ASY_PATH_POSIX_SEP
#define ASY_PATH_DELIMITER ASY_PATH_POSIX_DELIMITER
#endif

/* path.parse() output and path.format() input.  parse fills every field
 * (never NULL) with strings in one allocation kept in `storage` (or
 * constant ones, "" and the root); release it with
 * asy_path_parsed_free().  For format, build the struct yourself (zeroed,
 * `storage` unused): a NULL or "" field counts as missing, as in Node. */
typedef struct asy_path_parsed_s {
    const char *root;
    const char *dir;
    const char *base;
    const char *ext;
    const char *name;
    char *storage;
} asy_path_parsed_t;

ASYNCRT_API void asy_path_parsed_free(asy_path_parsed_t *parsed);

/* ---- POSIX flavour ---- */
ASYNCRT_API int asy_path_posix_join(char **out, size_t n, const char *const *parts);
ASYNCRT_API int asy_path_posix_joinl(char **out, ...);
ASYNCRT_API int asy_path_posix_resolve(char **out, size_t n, const char *const *parts);
ASYNCRT_API int asy_path_posix_resolvel(char **out, ...);
ASYNCRT_API int asy_path_posix_normalize(char **out, const char *path);
ASYNCRT_API int asy_path_posix_relative(char **out, const char *from, const char *to);
ASYNCRT_API int asy_path_posix_dirname(char **out, const char *path);
/* suffix may be NULL (Node's undefined). */
ASYNCRT_API int asy_path_posix_basename(char **out, const char *path, const char *suffix);
ASYNCRT_API int asy_path_posix_extname(char **out, const char *path);
ASYNCRT_API int asy_path_posix_parse(asy_path_parsed_t *out, const char *path);
ASYNCRT_API int asy_path_posix_format(char **out, const asy_path_parsed_t *parts);
/* 1 absolute, 0 relative, ASY_EINVAL for NULL. */
ASYNCRT_API int asy_path_posix_is_absolute(const char *path);
ASYNCRT_API int asy_path_posix_to_namespaced_path(char **out, const char *path);

/* ---- win32 flavour ---- */
ASYNCRT_API int asy_path_win32_join(char **out, size_t n, const char *const *parts);
ASYNCRT_API int asy_path_win32_joinl(char **out, ...);
ASYNCRT_API int asy_path_win32_resolve(char **out, size_t n, const char *const *parts);
ASYNCRT_API int asy_path_win32_resolvel(char **out, ...);
ASYNCRT_API int asy_path_win32_normalize(char **out, const char *path);
ASYNCRT_API int asy_path_win32_relative(char **out, const char *from, const char *to);
ASYNCRT_API int asy_path_win32_dirname(char **out, const char *path);
ASYNCRT_API int asy_path_win32_basename(char **out, const char *path, const char *suffix);
ASYNCRT_API int asy_path_win32_extname(char **out, const char *path);
ASYNCRT_API int asy_path_win32_parse(asy_path_parsed_t *out, const char *path);
ASYNCRT_API int asy_path_win32_format(char **out, const asy_path_parsed_t *parts);
ASYNCRT_API int asy_path_win32_is_absolute(const char *path);
ASYNCRT_API int asy_path_win32_to_namespaced_path(char **out, const char *path);

/* ---- native flavour ---- */
ASYNCRT_API int asy_path_join(char **out, size_t n, const char *const *parts);
ASYNCRT_API int asy_path_joinl(char **out, ...);
ASYNCRT_API int asy_path_resolve(char **out, size_t n, const char *const *parts);
ASYNCRT_API int asy_path_resolvel(char **out, ...);
ASYNCRT_API int asy_path_normalize(char **out, const char *path);
ASYNCRT_API int asy_path_relative(char **out, const char *from, const char *to);
ASYNCRT_API int asy_path_dirname(char **out, const char *path);
ASYNCRT_API int asy_path_basename(char **out, const char *path, const char *suffix);
ASYNCRT_API int asy_path_extname(char **out, const char *path);
ASYNCRT_API int asy_path_parse(asy_path_parsed_t *out, const char *path);
ASYNCRT_API int asy_path_format(char **out, const asy_path_parsed_t *parts);
ASYNCRT_API int asy_path_is_absolute(const char *path);
ASYNCRT_API int asy_path_to_namespaced_path(char **out, const char *path);
