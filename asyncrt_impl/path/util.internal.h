/* What both path flavours share: the string builder, Node's normalizeString,
 * the current directory and environment lookups, and the NULL-terminated
 * argument lists of the `l` variants.  os uses the string helpers too. */
#pragma once
#include "../base/sys.internal.h"


/* ---- growable string --------------------------------------------------- */

/* Appends never fail loudly: the first failure is remembered in `err` and
 * reported once by asy__path_buf_finish, which keeps callers linear. */
typedef struct {
    char *p;
    size_t len, cap;
    int err;
} asy__path_buf;

ASY__INTERNAL void asy__path_buf_init(asy__path_buf *b) { memset(b, 0, sizeof(*b)); }

ASY__INTERNAL int asy__path_buf_reserve(asy__path_buf *b, size_t extra) {
    size_t need, ncap;
    char *np;
    if (b->err) return b->err;
    if (extra > SIZE_MAX - 1 - b->len) return b->err = ASY_ENOMEM;
    need = b->len + extra + 1;
    if (need <= b->cap) return 0;
    ncap = b->cap ? b->cap : 32;
    while (ncap < need) ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    np = (char *)asy__realloc(b->p, ncap);
    if (!np) return b->err = ASY_ENOMEM;
    b->p = np;
    b->cap = ncap;
    return 0;
}

ASY__INTERNAL void asy__path_buf_putn(asy__path_buf *b, const char *s, size_t n) {
    if (asy__path_buf_reserve(b, n)) return;
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

ASY__INTERNAL void asy__path_buf_puts(asy__path_buf *b, const char *s) {
    asy__path_buf_putn(b, s, strlen(s));
}

ASY__INTERNAL void asy__path_buf_putc(asy__path_buf *b, char c) { asy__path_buf_putn(b, &c, 1); }

ASY__INTERNAL void asy__path_buf_free(asy__path_buf *b) {
    asy__free(b->p);
    memset(b, 0, sizeof(*b));
}

/* Hands the string to *out (an empty string if nothing was appended). */
ASY__INTERNAL int asy__path_buf_finish(asy__path_buf *b, char **out) {
    if (!b->err && !b->p) asy__path_buf_reserve(b, 0);
    if (b->err) {
        int err = b->err;
        asy__path_buf_free(b);
        *out = NULL;
        return err;
    }
    b->p[b->len] = '\0';
    *out = b->p;
    memset(b, 0, sizeof(*b));
    return 0;
}

/* *out = copy of s[0..n). */
ASY__INTERNAL int asy__path_dupn(char **out, const char *s, size_t n) {
    char *d = (char *)asy__malloc(n + 1);
    *out = d;
    if (!d) return ASY_ENOMEM;
    if (n) memcpy(d, s, n);
    d[n] = '\0';
    return 0;
}

ASY__INTERNAL int asy__path_dup(char **out, const char *s) { return asy__path_dupn(out, s, strlen(s)); }

/* Length in UTF-16 code units, which is what Node's length checks count:
 * one per character, two for a character outside the BMP. */
ASY__INTERNAL size_t asy__path_u16len(const char *s, size_t n) {
    size_t i, units = 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
    }
    return units;
}

/* ---- separators and segments ------------------------------------------- */

ASY__INTERNAL int asy__path_is_sep(char c, int win) { return c == '/' || (win && c == '\\'); }

ASY__INTERNAL int asy__path_is_drive_letter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Node's normalizeString: drops empty and "." segments, folds ".." into the
 * segment before it (keeping leading ".." when above_root), and writes the
 * segments of p[0..n) joined by the flavour's separator to out.  Every byte
 * written stands for a byte read, so out needs n + 1 bytes.  Returns the
 * length written. */
ASY__INTERNAL size_t asy__path_fold_dots(const char *p, size_t n, int above_root, int win,
                                         char *out) {
    const char sep = win ? '\\' : '/';
    size_t res = 0, seg_len = 0, seg_start = 0, i;
    int dots = 0;
    char code = 0;
    for (i = 0; i <= n; ++i) {
        if (i < n)
            code = p[i];
        else if (asy__path_is_sep(code, win))
            break;
        else
            code = '/';
        if (asy__path_is_sep(code, win)) {
            if (seg_start == i || dots == 1) {
                /* empty or "." segment */
            } else if (dots == 2) {
                if (res < 2 || seg_len != 2 || out[res - 1] != '.' || out[res - 2] != '.') {
                    if (res > 2) {
                        size_t k = res;
                        while (k > 0 && out[k - 1] != sep) k--;
                        if (k == 0) {
                            res = 0;
                            seg_len = 0;
                        } else {
                            size_t m;
                            res = k - 1;
                            m = res;
                            while (m > 0 && out[m - 1] != sep) m--;
                            seg_len = res - m;
                        }
                        seg_start = i + 1;
                        dots = 0;
                        continue;
                    } else if (res != 0) {
                        res = 0;
                        seg_len = 0;
                        seg_start = i + 1;
                        dots = 0;
                        continue;
                    }
                }
                if (above_root) {
                    if (res > 0) out[res++] = sep;
                    out[res++] = '.';
                    out[res++] = '.';
                    seg_len = 2;
                }
            } else {
                if (res > 0) out[res++] = sep;
                memcpy(out + res, p + seg_start, i - seg_start);
                res += i - seg_start;
                seg_len = i - seg_start;
            }
            seg_start = i + 1;
            dots = 0;
        } else if (code == '.' && dots != -1) {
            ++dots;
        } else {
            dots = -1;
        }
    }
    out[res] = '\0';
    return res;
}

/* Appends fold_dots(p[0..n)) to b. */
ASY__INTERNAL void asy__path_buf_fold(asy__path_buf *b, const char *p, size_t n, int above_root,
                                      int win) {
    if (asy__path_buf_reserve(b, n)) return;
    b->len += asy__path_fold_dots(p, n, above_root, win, b->p + b->len);
}

/* ---- the process environment --------------------------------------------- */

#if ASYNCRT_OS_WINDOWS
/* UTF-16 (len code units, or NUL-terminated when len < 0) to UTF-8. */
ASY__INTERNAL int asy__path_from_wide(char **out, const WCHAR *w, int len) {
    int n = WideCharToMultiByte(CP_UTF8, 0, w, len, NULL, 0, NULL, NULL);
    char *s;
    *out = NULL;
    if (n <= 0 && len != 0) return asy_translate_sys_error((int)GetLastError());
    s = (char *)asy__malloc((size_t)n + 1);
    if (!s) return ASY_ENOMEM;
    if (n > 0) WideCharToMultiByte(CP_UTF8, 0, w, len, s, n, NULL, NULL);
    s[n] = '\0';
    if (len < 0 && n > 0) s[n - 1] = '\0';
    *out = s;
    return 0;
}

ASY__INTERNAL int asy__path_to_wide(WCHAR **out, const char *s) {
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    WCHAR *w;
    *out = NULL;
    if (n <= 0) return ASY_EINVAL;
    w = (WCHAR *)asy__malloc_array((size_t)n, sizeof(WCHAR));
    if (!w) return ASY_ENOMEM;
    MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    *out = w;
    return 0;
}
#endif

/* *out = value of the environment variable `name` (UTF-8), or ASY_ENOENT. */
ASY__INTERNAL int asy__path_getenv(const char *name, char **out) {
#if ASYNCRT_OS_WINDOWS
    WCHAR *wname, *val;
    DWORD n, got;
    int r;
    *out = NULL;
    r = asy__path_to_wide(&wname, name);
    if (r) return r;
    n = GetEnvironmentVariableW(wname, NULL, 0);
    if (n == 0) {
        asy__free(wname);
        return ASY_ENOENT;
    }
    val = (WCHAR *)asy__malloc_array(n, sizeof(WCHAR));
    if (!val) {
        asy__free(wname);
        return ASY_ENOMEM;
    }
    got = GetEnvironmentVariableW(wname, val, n);
    asy__free(wname);
    if (got == 0 || got >= n) {
        asy__free(val);
        return ASY_ENOENT;
    }
    r = asy__path_from_wide(out, val, (int)got);
    asy__free(val);
    return r;
#else
    const char *v = getenv(name);
    *out = NULL;
    if (!v) return ASY_ENOENT;
    return asy__path_dup(out, v);
#endif
}

/* The current directory as the platform reports it (Node's process.cwd()). */
ASY__INTERNAL int asy__path_cwd(char **out) {
#if ASYNCRT_OS_WINDOWS
    DWORD n = GetCurrentDirectoryW(0, NULL), got;
    WCHAR *w;
    int r;
    *out = NULL;
    if (n == 0) return asy_translate_sys_error((int)GetLastError());
    w = (WCHAR *)asy__malloc_array(n, sizeof(WCHAR));
    if (!w) return ASY_ENOMEM;
    got = GetCurrentDirectoryW(n, w);
    if (got == 0 || got >= n) {
        asy__free(w);
        return got == 0 ? asy_translate_sys_error((int)GetLastError()) : ASY_EAGAIN;
    }
    /* like libuv: no trailing backslash except on a drive root ("C:\") */
    if (got > 1 && w[got - 1] == L'\\' && !(got == 3 && w[1] == L':')) got--;
    r = asy__path_from_wide(out, w, (int)got);
    asy__free(w);
    return r;
#else
    size_t cap = 256;
    *out = NULL;
    for (;;) {
        char *b = (char *)asy__malloc(cap);
        int err;
        if (!b) return ASY_ENOMEM;
        if (getcwd(b, cap)) {
            *out = b;
            return 0;
        }
        err = asy__errno();
        asy__free(b);
        if (err != ASY_ERANGE) return err;
        if (cap >= ((size_t)1 << 24)) return ASY_ENAMETOOLONG;
        cap *= 2;
    }
#endif
}

/* ---- argument lists ------------------------------------------------------ */

typedef int (*asy__path_list_fn)(char **out, size_t n, const char *const *parts);

/* Calls fn with the NULL-terminated strings of ap as an array. */
ASY__INTERNAL int asy__path_call_list(char **out, va_list ap, asy__path_list_fn fn) {
    const char *small[16];
    const char **parts = small;
    size_t n = 0, i;
    va_list count;
    int r;
    if (out) *out = NULL;
    memset((void *)small, 0, sizeof(small));
    va_copy(count, ap);
    while (va_arg(count, const char *) != NULL) n++;
    va_end(count);
    if (n > ASY_ARRAY_SIZE(small)) {
        parts = (const char **)asy__malloc_array(n, sizeof(*parts));
        if (!parts) return ASY_ENOMEM;
    }
    for (i = 0; i < n; i++) parts[i] = va_arg(ap, const char *);
    r = fn(out, n, parts);
    if (parts != small) asy__free((void *)parts);
    return r;
}

/* Common argument checks of the list functions. */
ASY__INTERNAL int asy__path_check_list(char **out, size_t n, const char *const *parts) {
    size_t i;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (n && !parts) return ASY_EINVAL;
    for (i = 0; i < n; i++)
        if (!parts[i]) return ASY_EINVAL;
    return 0;
}
