/* JSON (RFC 8259) as Node's JSON.parse / JSON.stringify do it (docs/json.md).
 *
 *   asy_json_doc_t doc;
 *   asy_json_error_t err;
 *   if (asy_json_parse(&doc, text, len, NULL, &err) < 0)
 *       printf("%s at byte %zu\n", asy_strerror(err.code), err.offset);
 *   const asy_json_value_t *name = asy_json_get(doc.root, "name");
 *   char *out; size_t n;
 *   asy_json_stringify(doc.root, 2, &out, &n);   // JSON.stringify(v, null, 2)
 *   asy_free(out);
 *   asy_json_doc_free(&doc);                      // one free for the tree
 *
 * Parsing is strict: one value, whitespace around it, nothing else; UTF-8
 * is validated; \u escapes are decoded as JSON.parse does, surrogate pairs
 * joined and a lone surrogate kept (stored as its 3-byte WTF-8 form, which
 * the stringifier writes back as a \u escape, as Node does).  Objects behave as
 * the JS object JSON.parse returns: a repeated key keeps its first place and
 * its last value, and array-index keys ("0".."4294967294") come first in
 * ascending order (ASY_JSON_DOC_ORDER keeps members as written).  Numbers
 * are doubles, rounded as JSON.parse rounds them (1e400 is Infinity);
 * stringify prints them as Number.prototype.toString does (the shortest
 * digits that read back to the same double) and non-finite ones as null. */
#pragma once
#include "../base/config.h"

typedef enum asy_json_type_t {
    ASY_JSON_NULL = 0,
    ASY_JSON_FALSE,
    ASY_JSON_TRUE,
    ASY_JSON_NUMBER,
    ASY_JSON_STRING,
    ASY_JSON_ARRAY,
    ASY_JSON_OBJECT
} asy_json_type_t;

typedef struct asy_json_value_s asy_json_value_t;
typedef struct asy_json_member_s asy_json_member_t;

/* A node of the tree.  Read it through the functions below; the fields
 * are public so that a walk costs no calls. */
struct asy_json_value_s {
    int type;   /* asy_json_type_t */
    size_t len; /* string: bytes (without the NUL); array / object: items */
    size_t cap; /* built containers: room before the next growth */
    union {
        double num;
        const char *str;           /* NUL-terminated; may hold \u0000 */
        asy_json_value_t *items;   /* array */
        asy_json_member_t *members; /* object */
    } u;
};

struct asy_json_member_s {
    const char *key; /* NUL-terminated */
    size_t key_len;
    asy_json_value_t value;
};

typedef struct asy__json_chunk asy__json_chunk;

/* A tree and the arena it lives in: every node, string and array of a
 * document is in the arena; asy_json_doc_free releases them at once. */
typedef struct asy_json_doc_s {
    asy_json_value_t *root; /* NULL until parsed or set */
    asy__json_chunk *chunks_;
    char *cur_, *end_;
} asy_json_doc_t;

enum {
    ASY_JSON_DOC_ORDER = 1 /* members as written, repeated keys kept */
};

/* Zero means default; NULL: all defaults. */
typedef struct asy_json_parse_opts_t {
    unsigned max_depth; /* nested arrays / objects; 0: 1000 */
    unsigned flags;     /* ASY_JSON_DOC_ORDER */
} asy_json_parse_opts_t;

/* Where parsing stopped: the code (as returned), the byte offset of the
 * offending byte (the input length for an unexpected end), and its
 * 1-based line and column (in bytes). */
typedef struct asy_json_error_s {
    int code;
    size_t offset;
    size_t line, column;
} asy_json_error_t;

ASYNCRT_API void asy_json_doc_init(asy_json_doc_t *doc);
ASYNCRT_API void asy_json_doc_free(asy_json_doc_t *doc);

/* Parses text[0..len) into doc (initialised here; free it with
 * asy_json_doc_free whatever the result).  0, or ASY_EJSON_SYNTAX,
 * ASY_EJSON_EOF, ASY_EJSON_DEPTH, ASY_EJSON_UTF8, ASY_EJSON_ESCAPE,
 * ASY_EJSON_NUMBER, ASY_EJSON_CONTROL, ASY_EJSON_TRAILING, ASY_ENOMEM,
 * ASY_EINVAL (NULL doc, or NULL text with len > 0).  err may be NULL. */
ASYNCRT_API int asy_json_parse(asy_json_doc_t *doc, const char *text, size_t len,
                               const asy_json_parse_opts_t *opts, asy_json_error_t *err);

/* ---- reading the tree (NULL-safe: a NULL or mistyped value gives NULL,
 * 0 or ASY_EJSON_TYPE) ---- */
ASYNCRT_API asy_json_type_t asy_json_typeof(const asy_json_value_t *v);
/* Items of an array or object, bytes of a string, else 0. */
ASYNCRT_API size_t asy_json_len(const asy_json_value_t *v);
/* obj[key] (the member the object has under that key), NULL if none. */
ASYNCRT_API const asy_json_value_t *asy_json_get(const asy_json_value_t *obj, const char *key);
ASYNCRT_API const asy_json_value_t *asy_json_getn(const asy_json_value_t *obj, const char *key,
                                                  size_t key_len);
/* arr[i], NULL out of range. */
ASYNCRT_API const asy_json_value_t *asy_json_at(const asy_json_value_t *arr, size_t i);
/* The i-th member of an object (key and value), NULL out of range. */
ASYNCRT_API const asy_json_member_t *asy_json_member_at(const asy_json_value_t *obj, size_t i);
/* RFC 6901 pointer ("/a/0/b", "~0" is '~', "~1" is '/'); "" is v itself. */
ASYNCRT_API const asy_json_value_t *asy_json_pointer(const asy_json_value_t *v, const char *ptr);
/* Typed getters: 0 and the value, or ASY_EJSON_TYPE (out untouched). */
ASYNCRT_API int asy_json_get_number(const asy_json_value_t *v, double *out);
/* A number that is an integer in [-2^63, 2^63); else ASY_EJSON_TYPE, or
 * ASY_ERANGE for a fraction or a number out of range. */
ASYNCRT_API int asy_json_get_int64(const asy_json_value_t *v, int64_t *out);
ASYNCRT_API int asy_json_get_bool(const asy_json_value_t *v, int *out);
/* The string's bytes (NUL-terminated) and length (len may be NULL). */
ASYNCRT_API int asy_json_get_string(const asy_json_value_t *v, const char **out, size_t *len);
ASYNCRT_API int asy_json_is_null(const asy_json_value_t *v);

/* ---- building a tree in doc's arena.  Constructors return NULL on
 * ENOMEM (or a NULL doc, or a string that is not valid UTF-8). ---- */
ASYNCRT_API asy_json_value_t *asy_json_new_null(asy_json_doc_t *doc);
ASYNCRT_API asy_json_value_t *asy_json_new_bool(asy_json_doc_t *doc, int b);
ASYNCRT_API asy_json_value_t *asy_json_new_number(asy_json_doc_t *doc, double d);
/* Copies s (len bytes; UTF-8, lone surrogates in WTF-8 allowed). */
ASYNCRT_API asy_json_value_t *asy_json_new_string(asy_json_doc_t *doc, const char *s, size_t len);
ASYNCRT_API asy_json_value_t *asy_json_new_array(asy_json_doc_t *doc);
ASYNCRT_API asy_json_value_t *asy_json_new_object(asy_json_doc_t *doc);
/* Appends a copy of *v (a container's children are shared, not copied)
 * to arr.  0, ASY_EJSON_TYPE (arr not an array), ASY_EINVAL, ASY_ENOMEM. */
ASYNCRT_API int asy_json_array_push(asy_json_doc_t *doc, asy_json_value_t *arr,
                                    const asy_json_value_t *v);
/* obj[key] = copy of *v: replaces the value of an existing key in place,
 * else appends the key (copied). */
ASYNCRT_API int asy_json_object_set(asy_json_doc_t *doc, asy_json_value_t *obj, const char *key,
                                    size_t key_len, const asy_json_value_t *v);

/* ---- the streaming writer ----
 * Writes JSON as it is told, to a sink (fn) in pieces of up to 4 KiB, or,
 * with fn NULL, into memory (asy_json_writer_take).  Calls out of place (a
 * key outside an object, a value where a key belongs, a wrong end, a
 * second top-level value) return ASY_EJSON_WRITER and leave the output
 * unchanged; a sink's negative return, or ENOMEM, sticks: every later call
 * returns it. */
typedef int (*asy_json_sink_fn)(void *arg, const char *data, size_t len);

typedef struct asy_json_writer_s {
    char *buf_;
    size_t len_, cap_;
    asy_json_sink_fn fn_;
    void *arg_;
    int indent_;
    int err_;
    unsigned char *stack_; /* per level: kind and state */
    size_t depth_, stack_cap_;
    int done_;
} asy_json_writer_t;

/* indent: spaces per level, 0 for compact (clamped to 10, as
 * JSON.stringify clamps its space argument). */
ASYNCRT_API int asy_json_writer_init(asy_json_writer_t *w, int indent, asy_json_sink_fn fn, void *arg);
ASYNCRT_API int asy_json_write_begin_object(asy_json_writer_t *w);
ASYNCRT_API int asy_json_write_end_object(asy_json_writer_t *w);
ASYNCRT_API int asy_json_write_begin_array(asy_json_writer_t *w);
ASYNCRT_API int asy_json_write_end_array(asy_json_writer_t *w);
ASYNCRT_API int asy_json_write_key(asy_json_writer_t *w, const char *key);
ASYNCRT_API int asy_json_write_keyn(asy_json_writer_t *w, const char *key, size_t len);
/* Strings must be UTF-8 (WTF-8 lone surrogates allowed): else ASY_EJSON_UTF8. */
ASYNCRT_API int asy_json_write_string(asy_json_writer_t *w, const char *s);
ASYNCRT_API int asy_json_write_stringn(asy_json_writer_t *w, const char *s, size_t len);
/* Non-finite numbers are written as null, as JSON.stringify does. */
ASYNCRT_API int asy_json_write_number(asy_json_writer_t *w, double d);
ASYNCRT_API int asy_json_write_int64(asy_json_writer_t *w, int64_t i);
ASYNCRT_API int asy_json_write_bool(asy_json_writer_t *w, int b);
ASYNCRT_API int asy_json_write_null(asy_json_writer_t *w);
/* A whole tree at the current place. */
ASYNCRT_API int asy_json_write_value(asy_json_writer_t *w, const asy_json_value_t *v);
/* Flushes to the sink; ASY_EJSON_WRITER if the value is not complete. */
ASYNCRT_API int asy_json_writer_finish(asy_json_writer_t *w);
/* Memory writers: after finish, hands over the text (NUL-terminated,
 * free with asy_free) and resets the buffer. */
ASYNCRT_API char *asy_json_writer_take(asy_json_writer_t *w, size_t *len);
ASYNCRT_API void asy_json_writer_free(asy_json_writer_t *w);

/* JSON.stringify(v, null, indent): *out (free with asy_free), *len. */
ASYNCRT_API int asy_json_stringify(const asy_json_value_t *v, int indent, char **out, size_t *len);

/* Number.prototype.toString(): the shortest decimal that reads back to d,
 * in JS's layout ("1e+21", "1.5e-7", "0.000001", "-0" prints "0"; "NaN",
 * "Infinity", "-Infinity").  Writes a NUL-terminated string of at most 25
 * bytes ("-0.0000012345678901234567") into buf (ASY_JSON_NUMBER_BUF bytes)
 * and returns its length. */
#define ASY_JSON_NUMBER_BUF 32
ASYNCRT_API size_t asy_json_format_number(double d, char *buf);
