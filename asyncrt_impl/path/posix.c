/* path.posix: the algorithms of Node's lib/path.js, byte for byte. */
#include "path.h"
#include "util.internal.h"

/* Node's posixCwd(): on Windows the cwd with slashes and without drive. */
ASY__INTERNAL int asy__path_posix_cwd(char **out) {
    int r = asy__path_cwd(out);
#if ASYNCRT_OS_WINDOWS
    if (r == 0) {
        char *c = *out, *first;
        size_t i;
        for (i = 0; c[i]; i++)
            if (c[i] == '\\') c[i] = '/';
        first = strchr(c, '/');
        if (first && first != c) memmove(c, first, strlen(first) + 1);
    }
#endif
    return r;
}

ASY__INTERNAL int asy__path_posix_normalize_n(char **out, const char *path, size_t len) {
    asy__path_buf b;
    int abs, trailing;
    *out = NULL;
    if (len == 0) return asy__path_dup(out, ".");
    abs = path[0] == '/';
    trailing = path[len - 1] == '/';
    asy__path_buf_init(&b);
    if (abs) asy__path_buf_putc(&b, '/');
    asy__path_buf_fold(&b, path + abs, len - (size_t)abs, !abs, 0);
    if (!b.err && b.len == (size_t)abs) {
        if (!abs) asy__path_buf_puts(&b, trailing ? "./" : ".");
    } else if (trailing) {
        asy__path_buf_putc(&b, '/');
    }
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_posix_normalize(char **out, const char *path) {
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    return asy__path_posix_normalize_n(out, path, strlen(path));
}

ASYNCRT_API int asy_path_posix_join(char **out, size_t n, const char *const *parts) {
    asy__path_buf b;
    size_t i;
    int r = asy__path_check_list(out, n, parts);
    if (r) return r;
    asy__path_buf_init(&b);
    for (i = 0; i < n; i++) {
        if (!parts[i][0]) continue;
        if (b.len) asy__path_buf_putc(&b, '/');
        asy__path_buf_puts(&b, parts[i]);
    }
    if (b.err) return asy__path_buf_finish(&b, out);
    r = asy__path_posix_normalize_n(out, b.p ? b.p : "", b.len);
    asy__path_buf_free(&b);
    return r;
}

ASYNCRT_API int asy_path_posix_joinl(char **out, ...) {
    va_list ap;
    int r;
    va_start(ap, out);
    r = asy__path_call_list(out, ap, asy_path_posix_join);
    va_end(ap);
    return r;
}

/* resolve with a given cwd (NULL: ask the system when it is needed). */
ASY__INTERNAL int asy__path_posix_resolve_cwd(char **out, size_t n, const char *const *parts,
                                              const char *cwd) {
    asy__path_buf joined, b;
    char *own_cwd = NULL;
    size_t first = n, i;
    int abs = 0, r = asy__path_check_list(out, n, parts);
    if (r) return r;
    /* rightmost absolute part: everything left of it is ignored */
    while (first > 0 && !abs) {
        first--;
        if (parts[first][0]) abs = parts[first][0] == '/';
    }
    asy__path_buf_init(&joined);
    if (!abs) {
        if (!cwd) {
            r = asy__path_posix_cwd(&own_cwd);
            if (r) return r;
            cwd = own_cwd;
        }
        asy__path_buf_puts(&joined, cwd);
        asy__path_buf_putc(&joined, '/');
        abs = cwd[0] == '/';
    }
    for (i = first; i < n; i++) {
        if (!parts[i][0]) continue;
        asy__path_buf_puts(&joined, parts[i]);
        asy__path_buf_putc(&joined, '/');
    }
    asy__free(own_cwd);
    asy__path_buf_init(&b);
    if (joined.err) {
        b.err = joined.err;
    } else {
        if (abs) asy__path_buf_putc(&b, '/');
        asy__path_buf_fold(&b, joined.p, joined.len, !abs, 0);
        if (!abs && !b.err && b.len == 0) asy__path_buf_putc(&b, '.');
    }
    asy__path_buf_free(&joined);
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_posix_resolve(char **out, size_t n, const char *const *parts) {
    return asy__path_posix_resolve_cwd(out, n, parts, NULL);
}

ASYNCRT_API int asy_path_posix_resolvel(char **out, ...) {
    va_list ap;
    int r;
    va_start(ap, out);
    r = asy__path_call_list(out, ap, asy_path_posix_resolve);
    va_end(ap);
    return r;
}

ASYNCRT_API int asy_path_posix_is_absolute(const char *path) {
    if (!path) return ASY_EINVAL;
    return path[0] == '/';
}

ASYNCRT_API int asy_path_posix_relative(char **out, const char *from_arg, const char *to_arg) {
    char *from = NULL, *to = NULL;
    size_t from_len, to_len, length, i, from_rest, to_rest;
    ptrdiff_t last_common_sep = -1;
    asy__path_buf b;
    int r;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!from_arg || !to_arg) return ASY_EINVAL;
    if (strcmp(from_arg, to_arg) == 0) return asy__path_dup(out, "");
    r = asy__path_posix_resolve_cwd(&from, 1, &from_arg, NULL);
    if (!r) r = asy__path_posix_resolve_cwd(&to, 1, &to_arg, NULL);
    if (r || strcmp(from, to) == 0) {
        asy__free(from);
        asy__free(to);
        return r ? r : asy__path_dup(out, "");
    }
    /* both start with "/": compare what follows it */
    from_len = strlen(from);
    to_len = strlen(to);
    from_rest = from_len - 1;
    to_rest = to_len - 1;
    length = from_rest < to_rest ? from_rest : to_rest;
    for (i = 0; i < length; i++) {
        if (from[1 + i] != to[1 + i]) break;
        if (from[1 + i] == '/') last_common_sep = (ptrdiff_t)i;
    }
    asy__path_buf_init(&b);
    if (i == length) {
        if (to_rest > length) {
            /* from is the exact base of to ("/foo/bar" -> "/foo/bar/baz"),
             * or the root */
            if (to[1 + i] == '/' || i == 0) {
                asy__path_buf_puts(&b, to + 1 + i + (to[1 + i] == '/'));
                goto done;
            }
        } else if (from_rest > length) {
            if (from[1 + i] == '/')
                last_common_sep = (ptrdiff_t)i; /* to is the exact base of from */
            else if (i == 0)
                last_common_sep = 0; /* to is the root */
        }
    }
    /* one ".." for every segment of from after the common part */
    for (i = (size_t)(1 + last_common_sep + 1); i <= from_len; ++i) {
        if (i == from_len || from[i] == '/') asy__path_buf_puts(&b, b.len == 0 ? ".." : "/..");
    }
    asy__path_buf_puts(&b, to + 1 + last_common_sep);
done:
    asy__free(from);
    asy__free(to);
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_posix_to_namespaced_path(char **out, const char *path) {
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    return asy__path_dup(out, path);
}

ASYNCRT_API int asy_path_posix_dirname(char **out, const char *path) {
    size_t len, i, end = 0;
    int has_root, matched_slash = 1, found = 0;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    len = strlen(path);
    if (len == 0) return asy__path_dup(out, ".");
    has_root = path[0] == '/';
    for (i = len - 1; i >= 1; --i) {
        if (path[i] == '/') {
            if (!matched_slash) {
                end = i;
                found = 1;
                break;
            }
        } else {
            matched_slash = 0;
        }
    }
    if (!found) return asy__path_dup(out, has_root ? "/" : ".");
    if (has_root && end == 1) return asy__path_dup(out, "//");
    return asy__path_dupn(out, path, end);
}

/* The last segment of p[start..len) ignoring trailing separators, minus a
 * matching suffix; shared by both flavours (Node's basename loop). */
ASY__INTERNAL int asy__path_basename_common(char **out, const char *path, size_t start_at,
                                            const char *suffix, int win) {
    size_t len = strlen(path);
    ptrdiff_t start = (ptrdiff_t)start_at, end = -1, i;
    int matched_slash = 1;
    /* Node compares lengths in UTF-16 units: a one-character suffix is
     * tried even on a one-byte path when that character takes two bytes */
    if (suffix && suffix[0] &&
        asy__path_u16len(suffix, strlen(suffix)) <= asy__path_u16len(path, len)) {
        ptrdiff_t ext_idx = (ptrdiff_t)strlen(suffix) - 1, first_non_slash_end = -1;
        if (strcmp(suffix, path) == 0) return asy__path_dup(out, "");
        for (i = (ptrdiff_t)len - 1; i >= (ptrdiff_t)start_at; --i) {
            char code = path[i];
            if (asy__path_is_sep(code, win)) {
                if (!matched_slash) {
                    start = i + 1;
                    break;
                }
            } else {
                if (first_non_slash_end == -1) {
                    matched_slash = 0;
                    first_non_slash_end = i + 1;
                }
                if (ext_idx >= 0) {
                    if (code == suffix[ext_idx]) {
                        if (--ext_idx == -1) end = i;
                    } else {
                        ext_idx = -1;
                        end = first_non_slash_end;
                    }
                }
            }
        }
        if (start == end)
            end = first_non_slash_end;
        else if (end == -1)
            end = (ptrdiff_t)len;
        if (end < start) return asy__path_dup(out, "");
        return asy__path_dupn(out, path + start, (size_t)(end - start));
    }
    for (i = (ptrdiff_t)len - 1; i >= (ptrdiff_t)start_at; --i) {
        if (asy__path_is_sep(path[i], win)) {
            if (!matched_slash) {
                start = i + 1;
                break;
            }
        } else if (end == -1) {
            matched_slash = 0;
            end = i + 1;
        }
    }
    if (end == -1) return asy__path_dup(out, "");
    return asy__path_dupn(out, path + start, (size_t)(end - start));
}

ASYNCRT_API int asy_path_posix_basename(char **out, const char *path, const char *suffix) {
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    return asy__path_basename_common(out, path, 0, suffix, 0);
}

/* Where the extension of the last segment of path[start..len) lies:
 * returns 1 and [*dot, *end) when there is one.  *part is where that last
 * segment starts, or part_init when no separator precedes it (Node's posix
 * parse starts from 0 even past a root, which decides the ".." rule).
 * Shared by extname and parse of both flavours. */
ASY__INTERNAL int asy__path_find_ext(const char *path, size_t len, size_t start, size_t part_init,
                                     int win, ptrdiff_t *dot, ptrdiff_t *end_out,
                                     ptrdiff_t *part) {
    ptrdiff_t start_dot = -1, start_part = (ptrdiff_t)part_init, end = -1, i;
    int matched_slash = 1, pre_dot_state = 0;
    for (i = (ptrdiff_t)len - 1; i >= (ptrdiff_t)start; --i) {
        char code = path[i];
        if (asy__path_is_sep(code, win)) {
            if (!matched_slash) {
                start_part = i + 1;
                break;
            }
            continue;
        }
        if (end == -1) {
            matched_slash = 0;
            end = i + 1;
        }
        if (code == '.') {
            if (start_dot == -1)
                start_dot = i;
            else if (pre_dot_state != 1)
                pre_dot_state = 1;
        } else if (start_dot != -1) {
            pre_dot_state = -1;
        }
    }
    *dot = start_dot;
    *end_out = end;
    *part = start_part;
    /* no dot, nothing before the dot, or the segment is exactly ".." */
    if (start_dot == -1 || end == -1 || pre_dot_state == 0 ||
        (pre_dot_state == 1 && start_dot == end - 1 && start_dot == start_part + 1))
        return 0;
    return 1;
}

ASYNCRT_API int asy_path_posix_extname(char **out, const char *path) {
    ptrdiff_t dot, end, part;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    if (!asy__path_find_ext(path, strlen(path), 0, 0, 0, &dot, &end, &part))
        return asy__path_dup(out, "");
    return asy__path_dupn(out, path + dot, (size_t)(end - dot));
}

/* ---- parse / format ------------------------------------------------------ */

ASYNCRT_API void asy_path_parsed_free(asy_path_parsed_t *parsed) {
    if (!parsed) return;
    asy__free(parsed->storage);
    memset(parsed, 0, sizeof(*parsed));
}

/* Fills out with copies of five ranges of path (root, dir, base, ext, name)
 * kept in one allocation. */
ASY__INTERNAL int asy__path_parsed_fill(asy_path_parsed_t *out, const char *path,
                                        const size_t ranges[5][2]) {
    size_t total = 5, k, at = 0;
    const char **fields[5];
    char *s;
    for (k = 0; k < 5; k++) total += ranges[k][1] - ranges[k][0];
    s = (char *)asy__malloc(total);
    if (!s) return ASY_ENOMEM;
    fields[0] = &out->root;
    fields[1] = &out->dir;
    fields[2] = &out->base;
    fields[3] = &out->ext;
    fields[4] = &out->name;
    for (k = 0; k < 5; k++) {
        size_t n = ranges[k][1] - ranges[k][0];
        if (n) memcpy(s + at, path + ranges[k][0], n);
        s[at + n] = '\0';
        *fields[k] = s + at;
        at += n + 1;
    }
    out->storage = s;
    return 0;
}

/* One copy of path up to the end of its base serves dir, base and ext: dir
 * ends at the separator before the base, which becomes its NUL, and ext is
 * the tail of base.  Only name (when there is an ext) needs a copy of its
 * own; root is "/" or "".  (Node: path.posix.parse.) */
ASYNCRT_API int asy_path_posix_parse(asy_path_parsed_t *out, const char *path) {
    size_t len, dir_end = 0, name_len = 0;
    ptrdiff_t dot, end, part;
    int abs, has_ext;
    char *s;
    if (!out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out)); /* every field NULL on an error */
    if (!path) return ASY_EINVAL;
    out->root = out->dir = out->base = out->ext = out->name = "";
    len = strlen(path);
    if (len == 0) return 0;
    abs = path[0] == '/';
    has_ext = asy__path_find_ext(path, len, (size_t)abs, 0, 0, &dot, &end, &part);
    if (abs) out->root = "/";
    if (part > 0) dir_end = (size_t)part - 1; /* the separator before base */
    if (end == -1) { /* only separators ("/", "///"): no base */
        out->dir = out->root;
        return 0;
    }
    if (part == 0 && abs) part = 1; /* "/base": dir is the root */
    if (has_ext) name_len = (size_t)(dot - part);
    s = (char *)asy__malloc((size_t)end + 1 + (has_ext ? name_len + 1 : 0));
    if (!s) {
        out->root = out->dir = out->base = out->ext = out->name = NULL;
        return ASY_ENOMEM;
    }
    memcpy(s, path, (size_t)end);
    s[end] = '\0';
    out->storage = s;
    if (dir_end > 0) {
        s[dir_end] = '\0';
        out->dir = s;
    } else if (abs) {
        out->dir = "/";
    }
    out->base = out->name = s + part;
    if (has_ext) {
        char *name = s + end + 1;
        memcpy(name, path + part, name_len);
        name[name_len] = '\0';
        out->name = name;
        out->ext = s + dot;
    }
    return 0;
}

/* Node's _format: dir (or root) + separator + base (or name + ext). */
ASY__INTERNAL int asy__path_format_common(char **out, const asy_path_parsed_t *p, char sep) {
    const char *dir, *ext;
    asy__path_buf b;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!p) return ASY_EINVAL;
    dir = p->dir && p->dir[0] ? p->dir : p->root;
    asy__path_buf_init(&b);
    if (dir && dir[0]) {
        asy__path_buf_puts(&b, dir);
        if (!(p->root && strcmp(dir, p->root) == 0)) asy__path_buf_putc(&b, sep);
    }
    if (p->base && p->base[0]) {
        asy__path_buf_puts(&b, p->base);
    } else {
        if (p->name) asy__path_buf_puts(&b, p->name);
        ext = p->ext;
        if (ext && ext[0]) {
            if (ext[0] != '.') asy__path_buf_putc(&b, '.');
            asy__path_buf_puts(&b, ext);
        }
    }
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_posix_format(char **out, const asy_path_parsed_t *parts) {
    return asy__path_format_common(out, parts, '/');
}
