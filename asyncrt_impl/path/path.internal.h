/* Private parts of the path layer that its files (and os) share. */
#pragma once
#include "path.h"
#include "../base/sys.internal.h"

/* The fields of asy_path_parsed_t, as ranges of the parsed copy. */
enum { ASY__PART_ROOT, ASY__PART_DIR, ASY__PART_BASE, ASY__PART_EXT, ASY__PART_NAME };

#define ASY__PATH_RANGE(r, which, a, b) ((r)[which][0] = (size_t)(a), (r)[which][1] = (size_t)(b))

/* Defined in casefold.c, used by win32.c. */
ASY__INTERNAL int asy__path_fold_eq(const char *a, size_t an, const char *b, size_t bn);

/* Defined in posix.c, used by win32.c. */
ASY__INTERNAL int asy__path_basename_common(char **out, const char *path, size_t start_at,
                                            const char *suffix, int win);
ASY__INTERNAL int asy__path_find_ext(const char *path, size_t len, size_t start, size_t part_init,
                                     int win, ptrdiff_t *dot, ptrdiff_t *end_out,
                                     ptrdiff_t *part);
ASY__INTERNAL int asy__path_parsed_fill(asy_path_parsed_t *out, const char *path,
                                        const size_t ranges[5][2]);
ASY__INTERNAL int asy__path_format_common(char **out, const asy_path_parsed_t *p, char sep);
