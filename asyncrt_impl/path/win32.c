/* path.win32: drive letters, UNC roots and device names, after Node's
 * lib/path.js.  Works the same on every host; only resolve() asks the host
 * for its current directory (and, like Node, for the per-drive "=X:"
 * variables Windows keeps in the environment). */
#include "path.internal.h"
#include "util.internal.h"

#define ASY__WIN_SEP(c) asy__path_is_sep((c), 1)

/* A UNC root "\\server\share" at the start of p (p[0] and p[1] are
 * separators): the server is p[2..*srv_end), the share
 * p[*share_start..*share_end).  0 when the path has no such root. */
ASY__INTERNAL int asy__path_unc(const char *p, size_t len, size_t *srv_end, size_t *share_start,
                                size_t *share_end) {
    size_t j = 2;
    while (j < len && !ASY__WIN_SEP(p[j])) j++;
    if (j >= len || j == 2) return 0;
    *srv_end = j;
    while (j < len && ASY__WIN_SEP(p[j])) j++;
    if (j >= len) return 0;
    *share_start = j;
    while (j < len && !ASY__WIN_SEP(p[j])) j++;
    *share_end = j;
    return 1;
}

/* "\\." and "\\?" start device namespaces rather than UNC servers. */
ASY__INTERNAL int asy__path_is_device_server(const char *p, size_t srv_end) {
    return srv_end == 3 && (p[2] == '.' || p[2] == '?');
}

/* Node's isWindowsReservedName(path, colonIndex): is path[0..end) a DOS
 * device name (CON, COM1...)?  Node slices with the colon index, and a
 * missing colon (-1) slices off the last character: "COM9." and "CONX"
 * count too, exactly as in Node. */
ASY__INTERNAL int asy__path_is_reserved(const char *p, size_t len, const char *colon) {
    static const char *const names[] = {
        "CON",  "PRN",  "AUX",  "NUL",  "COM1", "COM2", "COM3", "COM4", "COM5", "COM6",
        "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7",
        "LPT8", "LPT9", "COM\xC2\xB9", "COM\xC2\xB2", "COM\xC2\xB3", "LPT\xC2\xB9",
        "LPT\xC2\xB2", "LPT\xC2\xB3"};
    size_t end, k, i;
    if (colon) {
        end = (size_t)(colon - p);
    } else {
        /* drop the last character; a 4-byte one leaves half a surrogate
         * pair in Node, which no name matches */
        end = len;
        while (end > 0 && ((unsigned char)p[end - 1] & 0xC0) == 0x80) end--;
        if (end == 0) return 0;
        end--;
        if ((unsigned char)p[end] >= 0xF0) return 0;
    }
    for (k = 0; k < ASY_ARRAY_SIZE(names); k++) {
        const char *n = names[k];
        if (strlen(n) != end) continue;
        for (i = 0; i < end; i++) {
            char c = p[i];
            if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
            if (c != n[i]) break;
        }
        if (i == end) return 1;
    }
    return 0;
}

/* ---- normalize / join ---------------------------------------------------- */

ASY__INTERNAL int asy__path_win32_normalize_n(char **out, const char *p, size_t len) {
    asy__path_buf dev, tail, b;
    size_t root_end = 0, se, ss, sh;
    int abs = 0, has_device = 0;
    const char *colon, *c;
    *out = NULL;
    if (len == 0) return asy__path_dup(out, ".");
    if (len == 1) return asy__path_dup(out, p[0] == '/' ? "\\" : p);
    asy__path_buf_init(&dev);
    if (ASY__WIN_SEP(p[0])) {
        abs = 1;
        if (ASY__WIN_SEP(p[1])) {
            if (asy__path_unc(p, len, &se, &ss, &sh)) {
                if (asy__path_is_device_server(p, se)) {
                    has_device = 1;
                    asy__path_buf_puts(&dev, "\\\\");
                    asy__path_buf_putc(&dev, p[2]);
                    root_end = 4;
                } else if (sh == len) {
                    /* only a UNC root: "\\server\share\" */
                    asy__path_buf_init(&b);
                    asy__path_buf_puts(&b, "\\\\");
                    asy__path_buf_putn(&b, p + 2, se - 2);
                    asy__path_buf_putc(&b, '\\');
                    asy__path_buf_putn(&b, p + ss, len - ss);
                    asy__path_buf_putc(&b, '\\');
                    return asy__path_buf_finish(&b, out);
                } else {
                    has_device = 1;
                    asy__path_buf_puts(&dev, "\\\\");
                    asy__path_buf_putn(&dev, p + 2, se - 2);
                    asy__path_buf_putc(&dev, '\\');
                    asy__path_buf_putn(&dev, p + ss, sh - ss);
                    root_end = sh;
                }
            }
        } else {
            root_end = 1;
        }
    } else {
        colon = (const char *)memchr(p, ':', len);
        if (colon && colon > p) {
            if (asy__path_is_drive_letter(p[0]) && colon == p + 1) {
                has_device = 1;
                asy__path_buf_putn(&dev, p, 2);
                root_end = 2;
                if (len > 2 && ASY__WIN_SEP(p[2])) {
                    abs = 1;
                    root_end = 3;
                }
            } else if (asy__path_is_reserved(p, len, colon)) {
                has_device = 1;
                asy__path_buf_putn(&dev, p, (size_t)(colon - p) + 1);
                root_end = (size_t)(colon - p) + 1;
            }
        }
    }

    asy__path_buf_init(&tail);
    if (root_end < len) asy__path_buf_fold(&tail, p + root_end, len - root_end, !abs, 1);
    if (tail.len == 0 && !abs) asy__path_buf_putc(&tail, '.');
    if (tail.len > 0 && ASY__WIN_SEP(p[len - 1])) asy__path_buf_putc(&tail, '\\');

    asy__path_buf_init(&b);
    if (dev.err || tail.err) {
        b.err = dev.err ? dev.err : tail.err;
        goto done;
    }
    colon = (const char *)memchr(p, ':', len);
    if (!abs && !has_device && colon) {
        /* A relative path must not come out looking absolute or like a
         * device ("C:" or "x:" with nothing after the colon): prefix ".\"
         * as Node does since CVE-2024-36139. */
        int prefix = tail.len >= 2 && asy__path_is_drive_letter(tail.p[0]) && tail.p[1] == ':';
        for (c = colon; !prefix && c; c = (const char *)memchr(c + 1, ':', len - (size_t)(c + 1 - p)))
            if ((size_t)(c - p) == len - 1 || ASY__WIN_SEP(c[1])) prefix = 1;
        if (prefix) {
            asy__path_buf_puts(&b, ".\\");
            asy__path_buf_putn(&b, tail.p, tail.len);
            goto done;
        }
    }
    if (asy__path_is_reserved(p, len, colon)) {
        asy__path_buf_puts(&b, ".\\");
        if (has_device) asy__path_buf_putn(&b, dev.p, dev.len);
        asy__path_buf_putn(&b, tail.p, tail.len);
        goto done;
    }
    if (has_device) asy__path_buf_putn(&b, dev.p, dev.len);
    if (abs) asy__path_buf_putc(&b, '\\');
    asy__path_buf_putn(&b, tail.p, tail.len);
done:
    asy__path_buf_free(&dev);
    asy__path_buf_free(&tail);
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_win32_normalize(char **out, const char *path) {
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    return asy__path_win32_normalize_n(out, path, strlen(path));
}

ASYNCRT_API int asy_path_win32_join(char **out, size_t n, const char *const *parts) {
    asy__path_buf b;
    const char *first = NULL;
    size_t i, slashes = 0, skip = 0;
    int r = asy__path_check_list(out, n, parts), needs_replace = 1;
    if (r) return r;
    asy__path_buf_init(&b);
    for (i = 0; i < n; i++) {
        if (!parts[i][0]) continue;
        if (!first)
            first = parts[i];
        else
            asy__path_buf_putc(&b, '\\');
        asy__path_buf_puts(&b, parts[i]);
    }
    if (!first) return asy__path_dup(out, ".");
    if (b.err) return asy__path_buf_finish(&b, out);
    /* A joined path starting with two separators would read as UNC; keep
     * that only when the first part itself is "\\server..." (exactly two
     * separators and then a name), otherwise squash the run to one. */
    if (ASY__WIN_SEP(first[0])) {
        slashes = 1;
        if (ASY__WIN_SEP(first[1])) {
            slashes = 2;
            if (first[2]) {
                if (ASY__WIN_SEP(first[2]))
                    slashes = 3;
                else
                    needs_replace = 0;
            }
        }
    }
    if (needs_replace) {
        while (slashes < b.len && ASY__WIN_SEP(b.p[slashes])) slashes++;
        if (slashes >= 2) skip = slashes - 1;
    }
    if (skip) b.p[skip] = '\\';
    r = asy__path_win32_normalize_n(out, b.p + skip, b.len - skip);
    asy__path_buf_free(&b);
    return r;
}

ASYNCRT_API int asy_path_win32_joinl(char **out, ...) {
    va_list ap;
    int r;
    va_start(ap, out);
    r = asy__path_call_list(out, ap, asy_path_win32_join);
    va_end(ap);
    return r;
}

ASYNCRT_API int asy_path_win32_is_absolute(const char *p) {
    size_t len;
    if (!p) return ASY_EINVAL;
    len = strlen(p);
    if (len == 0) return 0;
    return ASY__WIN_SEP(p[0]) ||
           (len > 2 && asy__path_is_drive_letter(p[0]) && p[1] == ':' && ASY__WIN_SEP(p[2]));
}

/* ---- resolve ------------------------------------------------------------- */

/* The root of one resolve() argument: its device ("C:", "\\server\share",
 * "\\." ...) written to dev, where the rest starts, whether it is absolute. */
ASY__INTERNAL void asy__path_win32_root(const char *p, size_t len, asy__path_buf *dev,
                                        size_t *root_end, int *abs) {
    size_t se, ss, sh;
    *root_end = 0;
    *abs = 0;
    dev->len = 0;
    if (len == 1) {
        if (ASY__WIN_SEP(p[0])) {
            *root_end = 1;
            *abs = 1;
        }
    } else if (len > 1 && ASY__WIN_SEP(p[0])) {
        *abs = 1;
        if (ASY__WIN_SEP(p[1])) {
            if (asy__path_unc(p, len, &se, &ss, &sh)) {
                asy__path_buf_puts(dev, "\\\\");
                asy__path_buf_putn(dev, p + 2, se - 2);
                if (asy__path_is_device_server(p, se)) {
                    *root_end = 4;
                } else {
                    asy__path_buf_putc(dev, '\\');
                    asy__path_buf_putn(dev, p + ss, sh - ss);
                    *root_end = sh;
                }
            }
        } else {
            *root_end = 1;
        }
    } else if (len > 1 && asy__path_is_drive_letter(p[0]) && p[1] == ':') {
        asy__path_buf_putn(dev, p, 2);
        *root_end = 2;
        if (len > 2 && ASY__WIN_SEP(p[2])) {
            *abs = 1;
            *root_end = 3;
        }
    }
}

typedef struct {
    const char *p;
    size_t n;
} asy__path_slice;

/* resolve with a given cwd (NULL: ask the system when it is needed). */
ASY__INTERNAL int asy__path_win32_resolve_cwd(char **out, size_t n, const char *const *parts,
                                              const char *cwd) {
    asy__path_buf device, dev, tail, b;
    asy__path_slice small[8], *slices = small;
    size_t nslices = 0, k;
    char *own_cwd = NULL, *env = NULL, *drive_root = NULL;
    ptrdiff_t i;
    int abs = 0, r = asy__path_check_list(out, n, parts);
    if (r) return r;
    if (n + 1 > ASY_ARRAY_SIZE(small)) {
        slices = (asy__path_slice *)asy__malloc_array(n + 1, sizeof(*slices));
        if (!slices) return ASY_ENOMEM;
    }
    asy__path_buf_init(&device);
    asy__path_buf_init(&dev);
    asy__path_buf_init(&b);
    /* Right to left until the result is absolute and on a known device;
     * past the first argument comes the cwd (of that drive, if known). */
    for (i = (ptrdiff_t)n - 1; i >= -1; i--) {
        const char *p;
        size_t len, root_end;
        int is_abs;
        if (i >= 0) {
            p = parts[i];
            if (!p[0]) continue;
        } else {
            if (!cwd) {
                r = asy__path_cwd(&own_cwd);
                if (r) goto fail;
                cwd = own_cwd;
            }
            p = cwd;
            if (device.len > 0) {
                /* Windows keeps each drive's cwd in "=X:" */
                char name[4];
                name[0] = '=';
                memcpy(name + 1, device.p, 2);
                name[3] = '\0';
                if (asy__path_getenv(name, &env) == 0) p = env;
                if (!(strlen(p) >= 2 && asy__path_fold_eq(p, 2, device.p, device.len)) &&
                    strlen(p) > 2 && p[2] == '\\') {
                    r = asy__path_dupn(&drive_root, device.p, device.len + 1);
                    if (r) goto fail;
                    drive_root[device.len] = '\\';
                    p = drive_root;
                }
            }
        }
        len = strlen(p);
        asy__path_win32_root(p, len, &dev, &root_end, &is_abs);
        if (dev.err) {
            r = dev.err;
            goto fail;
        }
        if (dev.len > 0) {
            if (device.len > 0) {
                /* another device: this argument does not apply */
                if (!asy__path_fold_eq(dev.p, dev.len, device.p, device.len)) continue;
            } else {
                asy__path_buf_putn(&device, dev.p, dev.len);
                if (device.err) {
                    r = device.err;
                    goto fail;
                }
            }
        }
        if (abs) {
            if (device.len > 0) break;
        } else {
            slices[nslices].p = p + root_end;
            slices[nslices].n = len - root_end;
            nslices++;
            abs = is_abs;
            if (is_abs && device.len > 0) break;
        }
    }

    asy__path_buf_init(&tail);
    for (k = nslices; k-- > 0;) {
        asy__path_buf_putn(&tail, slices[k].p, slices[k].n);
        asy__path_buf_putc(&tail, '\\');
    }
    if (tail.err) {
        r = tail.err;
        goto fail;
    }
    asy__path_buf_putn(&b, device.p, device.len);
    if (abs) asy__path_buf_putc(&b, '\\');
    asy__path_buf_fold(&b, tail.p ? tail.p : "", tail.len, !abs, 1);
    asy__path_buf_free(&tail);
    if (!b.err && b.len == 0) asy__path_buf_putc(&b, '.');
    r = 0;
fail:
    if (r) {
        asy__path_buf_free(&b);
        b.err = r;
    }
    if (slices != small) asy__free(slices);
    asy__free(own_cwd);
    asy__free(env);
    asy__free(drive_root);
    asy__path_buf_free(&device);
    asy__path_buf_free(&dev);
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_win32_resolve(char **out, size_t n, const char *const *parts) {
    return asy__path_win32_resolve_cwd(out, n, parts, NULL);
}

ASYNCRT_API int asy_path_win32_resolvel(char **out, ...) {
    va_list ap;
    int r;
    va_start(ap, out);
    r = asy__path_call_list(out, ap, asy_path_win32_resolve);
    va_end(ap);
    return r;
}

/* ---- relative ------------------------------------------------------------ */

/* Length of the part of a resolved path that must match for a relative
 * path to exist: the drive "C:", "\\server" (the share is the first
 * segment, as in Node), a lone leading "\" (a driveless rooted path), or
 * nothing for a relative path. */
ASY__INTERNAL size_t asy__path_win32_rel_root(const char *p, size_t len) {
    size_t j;
    if (len >= 2 && asy__path_is_drive_letter(p[0]) && p[1] == ':') return 2;
    if (len >= 2 && p[0] == '\\' && p[1] == '\\') {
        for (j = 2; j < len && p[j] != '\\';) j++;
        return j;
    }
    return len >= 1 && p[0] == '\\' ? 1 : 0;
}

/* End of the segment that starts at i. */
ASY__INTERNAL size_t asy__path_seg_end(const char *p, size_t len, size_t i) {
    while (i < len && p[i] != '\\') i++;
    return i;
}

ASY__INTERNAL size_t asy__path_skip_seps(const char *p, size_t len, size_t i) {
    while (i < len && p[i] == '\\') i++;
    return i;
}

/* Node compares the two resolved paths after lowercasing both; it returns
 * `to` unchanged when their roots differ, else climbs out of what remains
 * of `from` and descends into what remains of `to`.  This walks segments
 * rather than characters, which gives Node's answers and also handles
 * driveless rooted paths ("\a\b" to "\c" is "..\..\c", where Node 20
 * glues the segments: nodejs/node#63600 fixes it the same way). */
ASY__INTERNAL int asy__path_win32_relative_resolved(char **out, const char *from, const char *to) {
    size_t flen = strlen(from), tlen = strlen(to), froot, troot, fi, ti, fe, te, up = 0;
    asy__path_buf b;
    froot = asy__path_win32_rel_root(from, flen);
    troot = asy__path_win32_rel_root(to, tlen);
    if (!asy__path_fold_eq(from, froot, to, troot)) return asy__path_dup(out, to);
    fi = froot;
    ti = troot;
    for (;;) {
        fi = asy__path_skip_seps(from, flen, fi);
        ti = asy__path_skip_seps(to, tlen, ti);
        if (fi >= flen || ti >= tlen) break;
        fe = asy__path_seg_end(from, flen, fi);
        te = asy__path_seg_end(to, tlen, ti);
        if (!asy__path_fold_eq(from + fi, fe - fi, to + ti, te - ti)) break;
        fi = fe;
        ti = te;
    }
    while (fi < flen) {
        up++;
        fi = asy__path_skip_seps(from, flen, asy__path_seg_end(from, flen, fi));
    }
    while (tlen > ti && to[tlen - 1] == '\\') tlen--;
    asy__path_buf_init(&b);
    for (fe = 0; fe < up; fe++) asy__path_buf_puts(&b, fe ? "\\.." : "..");
    if (ti < tlen) {
        if (up) asy__path_buf_putc(&b, '\\');
        asy__path_buf_putn(&b, to + ti, tlen - ti);
    }
    return asy__path_buf_finish(&b, out);
}

ASYNCRT_API int asy_path_win32_relative(char **out, const char *from_arg, const char *to_arg) {
    char *from = NULL, *to = NULL;
    int r;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!from_arg || !to_arg) return ASY_EINVAL;
    if (strcmp(from_arg, to_arg) == 0) return asy__path_dup(out, "");
    r = asy__path_win32_resolve_cwd(&from, 1, &from_arg, NULL);
    if (!r) r = asy__path_win32_resolve_cwd(&to, 1, &to_arg, NULL);
    if (!r) r = asy__path_win32_relative_resolved(out, from, to);
    asy__free(from);
    asy__free(to);
    return r;
}

/* ---- toNamespacedPath ---------------------------------------------------- */

ASYNCRT_API int asy_path_win32_to_namespaced_path(char **out, const char *path) {
    char *res = NULL;
    asy__path_buf b;
    size_t len;
    int r;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    if (!path[0]) return asy__path_dup(out, "");
    r = asy__path_win32_resolve_cwd(&res, 1, &path, NULL);
    if (r) return r;
    len = strlen(res);
    if (asy__path_u16len(res, len) <= 2) {
        asy__free(res);
        return asy__path_dup(out, path);
    }
    asy__path_buf_init(&b);
    if (res[0] == '\\') {
        if (res[1] == '\\' && res[2] != '?' && res[2] != '.') {
            /* "\\server\share" -> "\\?\UNC\server\share" */
            asy__path_buf_puts(&b, "\\\\?\\UNC\\");
            asy__path_buf_puts(&b, res + 2);
            asy__free(res);
            return asy__path_buf_finish(&b, out);
        }
    } else if (asy__path_is_drive_letter(res[0]) && res[1] == ':' && res[2] == '\\') {
        asy__path_buf_puts(&b, "\\\\?\\");
        asy__path_buf_puts(&b, res);
        asy__free(res);
        return asy__path_buf_finish(&b, out);
    }
    *out = res;
    return 0;
}

/* ---- dirname / basename / extname ---------------------------------------- */

ASYNCRT_API int asy_path_win32_dirname(char **out, const char *p) {
    size_t len, offset = 0, se, ss, sh;
    ptrdiff_t root_end = -1, end = -1, i;
    int matched_slash = 1;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!p) return ASY_EINVAL;
    len = strlen(p);
    if (len == 0) return asy__path_dup(out, ".");
    if (len == 1) return asy__path_dup(out, ASY__WIN_SEP(p[0]) ? p : ".");
    if (ASY__WIN_SEP(p[0])) {
        root_end = 1;
        offset = 1;
        if (ASY__WIN_SEP(p[1]) && asy__path_unc(p, len, &se, &ss, &sh)) {
            if (sh == len) return asy__path_dup(out, p); /* a UNC root only */
            /* the separator after "\\server\share" belongs to the root */
            root_end = (ptrdiff_t)sh + 1;
            offset = sh + 1;
        }
    } else if (asy__path_is_drive_letter(p[0]) && p[1] == ':') {
        root_end = len > 2 && ASY__WIN_SEP(p[2]) ? 3 : 2;
        offset = (size_t)root_end;
    }
    for (i = (ptrdiff_t)len - 1; i >= (ptrdiff_t)offset; --i) {
        if (ASY__WIN_SEP(p[i])) {
            if (!matched_slash) {
                end = i;
                break;
            }
        } else {
            matched_slash = 0;
        }
    }
    if (end == -1) {
        if (root_end == -1) return asy__path_dup(out, ".");
        end = root_end;
    }
    return asy__path_dupn(out, p, (size_t)end);
}

/* A drive prefix "X:" is never part of the last segment. */
ASY__INTERNAL size_t asy__path_win32_drive_len(const char *p) {
    return asy__path_is_drive_letter(p[0]) && p[1] == ':' ? 2 : 0;
}

ASYNCRT_API int asy_path_win32_basename(char **out, const char *path, const char *suffix) {
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    return asy__path_basename_common(out, path, asy__path_win32_drive_len(path), suffix, 1);
}

ASYNCRT_API int asy_path_win32_extname(char **out, const char *path) {
    ptrdiff_t dot, end, part;
    size_t start;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!path) return ASY_EINVAL;
    start = asy__path_win32_drive_len(path);
    if (!asy__path_find_ext(path, strlen(path), start, start, 1, &dot, &end, &part))
        return asy__path_dup(out, "");
    return asy__path_dupn(out, path + dot, (size_t)(end - dot));
}

/* ---- parse / format ------------------------------------------------------ */

ASYNCRT_API int asy_path_win32_parse(asy_path_parsed_t *out, const char *p) {
    size_t r[5][2], len, root_end = 0, se, ss, sh;
    ptrdiff_t dot, end, part;
    int has_ext;
    if (!out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    if (!p) return ASY_EINVAL;
    memset(r, 0, sizeof(r));
    len = strlen(p);
    if (len == 0) return asy__path_parsed_fill(out, p, (const size_t(*)[2])r);
    if (len == 1) {
        if (ASY__WIN_SEP(p[0])) {
            ASY__PATH_RANGE(r, ASY__PART_ROOT, 0, 1);
            ASY__PATH_RANGE(r, ASY__PART_DIR, 0, 1);
        } else {
            ASY__PATH_RANGE(r, ASY__PART_BASE, 0, 1);
            ASY__PATH_RANGE(r, ASY__PART_NAME, 0, 1);
        }
        return asy__path_parsed_fill(out, p, (const size_t(*)[2])r);
    }
    if (ASY__WIN_SEP(p[0])) {
        root_end = 1;
        if (ASY__WIN_SEP(p[1]) && asy__path_unc(p, len, &se, &ss, &sh))
            root_end = sh == len ? sh : sh + 1;
    } else if (asy__path_is_drive_letter(p[0]) && p[1] == ':') {
        /* just a drive root: "C:" or "C:\" */
        if (len <= 2 || (ASY__WIN_SEP(p[2]) && len == 3)) {
            ASY__PATH_RANGE(r, ASY__PART_ROOT, 0, len);
            ASY__PATH_RANGE(r, ASY__PART_DIR, 0, len);
            return asy__path_parsed_fill(out, p, (const size_t(*)[2])r);
        }
        root_end = ASY__WIN_SEP(p[2]) ? 3 : 2;
    }
    ASY__PATH_RANGE(r, ASY__PART_ROOT, 0, root_end);
    has_ext = asy__path_find_ext(p, len, root_end, root_end, 1, &dot, &end, &part);
    if (end != -1) {
        if (has_ext) {
            ASY__PATH_RANGE(r, ASY__PART_NAME, part, dot);
            ASY__PATH_RANGE(r, ASY__PART_BASE, part, end);
            ASY__PATH_RANGE(r, ASY__PART_EXT, dot, end);
        } else {
            ASY__PATH_RANGE(r, ASY__PART_NAME, part, end);
            ASY__PATH_RANGE(r, ASY__PART_BASE, part, end);
        }
    }
    /* a root directory keeps its separator ("C:\abc" -> "C:\"), any other
     * loses it ("C:\abc\def" -> "C:\abc") */
    if (part > 0 && (size_t)part != root_end)
        ASY__PATH_RANGE(r, ASY__PART_DIR, 0, part - 1);
    else
        ASY__PATH_RANGE(r, ASY__PART_DIR, 0, root_end);
    return asy__path_parsed_fill(out, p, (const size_t(*)[2])r);
}

ASYNCRT_API int asy_path_win32_format(char **out, const asy_path_parsed_t *parts) {
    return asy__path_format_common(out, parts, '\\');
}
