/* The report's JSON writer: two-space indent, one member per line, as
 * Node's report is laid out. */
#include "diag.internal.h"

static void asy__diag_jw_quote(FILE *f, const char *s);

static void asy__diag_jw_sep(asy__jw *w, const char *key) {
    int i;
    if (!w->first) fputc(',', w->f);
    if (w->depth) fputc('\n', w->f);
    w->first = 0;
    for (i = 0; i < w->depth; i++) fputs("  ", w->f);
    if (key) {
        asy__diag_jw_quote(w->f, key);
        fputs(": ", w->f);
    }
}

static void asy__diag_jw_quote(FILE *f, const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', f);
    for (; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20) fprintf(f, "\\u%04x", *p);
            else fputc(*p, f);
        }
    }
    fputc('"', f);
}

ASY__INTERNAL void asy__diag_jw_open(asy__jw *w, const char *key, char brace) {
    if (w->depth || !w->first) asy__diag_jw_sep(w, key);
    fputc(brace, w->f);
    w->depth++;
    w->first = 1;
}

ASY__INTERNAL void asy__diag_jw_close(asy__jw *w, char brace) {
    int i, empty = w->first;
    w->depth--;
    if (!empty) {
        fputc('\n', w->f);
        for (i = 0; i < w->depth; i++) fputs("  ", w->f);
    }
    fputc(brace, w->f);
    w->first = 0;
}

ASY__INTERNAL void asy__diag_jw_str(asy__jw *w, const char *key, const char *v) {
    asy__diag_jw_sep(w, key);
    if (v) asy__diag_jw_quote(w->f, v);
    else fputs("null", w->f);
}

ASY__INTERNAL void asy__diag_jw_u64(asy__jw *w, const char *key, uint64_t v) {
    asy__diag_jw_sep(w, key);
    fprintf(w->f, "%llu", (unsigned long long)v);
}

ASY__INTERNAL void asy__diag_jw_i64(asy__jw *w, const char *key, int64_t v) {
    asy__diag_jw_sep(w, key);
    fprintf(w->f, "%lld", (long long)v);
}

ASY__INTERNAL void asy__diag_jw_num(asy__jw *w, const char *key, double v) {
    asy__diag_jw_sep(w, key);
    /* JSON has no NaN or infinity */
    if (v != v || v > 1e308 || v < -1e308) fputs("null", w->f);
    else fprintf(w->f, "%.10g", v);
}

ASY__INTERNAL void asy__diag_jw_bool(asy__jw *w, const char *key, int v) {
    asy__diag_jw_sep(w, key);
    fputs(v ? "true" : "false", w->f);
}
