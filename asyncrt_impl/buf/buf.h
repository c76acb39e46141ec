/* asy_buf_t: Node's Buffer.  A buffer is a *view* (pointer + length) into
 * reference-counted storage.  Slicing makes another view of the same bytes,
 * so writes through a slice show in the parent, and the storage lives until
 * the last view is released (docs/buf.md).
 *
 * Ownership: every asy_buf_t a function fills in (`out`) holds one
 * reference and must be given back with asy_buf_release().  `out` is treated
 * as uninitialised: release what it held before reusing it.  On error `out`
 * is left empty, so releasing it is always safe.  A plain struct copy
 * (`asy_buf_t v = *b`) is a *borrowed* view: valid while an owner holds its
 * reference, never released.  A view with store NULL and data set borrows
 * memory asyncrt does not own (a literal, a stack array); every function
 * that reads a buffer takes it.  Never grow a view's len by hand: the byte
 * chain relies on no view reaching past what was allocated for it.
 *
 * Reference counts are plain integers: a buffer belongs to one thread at a
 * time (its loop).  Handing a buffer to another thread is fine as long as
 * the two threads never retain/release views of the same storage at once.
 *
 * Empty buffers own no storage; their data pointer may be NULL. */
#pragma once
#include "../base/errors.h"

typedef struct asy__buf_storage asy__buf_storage;

typedef struct asy_buf {
    asy__buf_storage *store; /* NULL for an empty buffer */
    uint8_t *data;
    size_t len;
} asy_buf_t;

/* `asy_buf_t b = ASY_BUF_INIT;` is the empty buffer. */
#define ASY_BUF_INIT {NULL, NULL, 0}

/* "To the end" / "not given" for the signed position arguments below, which
 * otherwise follow Node: negative values count back from the end. */
#define ASY_BUF_END PTRDIFF_MAX

/* Text encodings, as Node names them (asy_encoding_from_name). */
typedef enum asy_encoding {
    ASY_ENC_UTF8 = 0,
    ASY_ENC_HEX,
    ASY_ENC_BASE64,
    ASY_ENC_BASE64URL,
    ASY_ENC_LATIN1, /* "binary" too */
    ASY_ENC_ASCII,
    ASY_ENC_UTF16LE /* "ucs2" too */
} asy_encoding_t;

/* Decoding flag: skip bad input the way Node does instead of failing with
 * ASY_EINVAL (base64: skip characters outside the alphabet, stop at '=';
 * hex: stop at the first bad pair; utf8/utf16le: U+FFFD for bad sequences;
 * latin1/ascii: keep the low byte of code points above U+00FF). */
#define ASY_BUF_LENIENT 1u

/* Called when external storage (asy_buf_from_external) is no longer used. */
typedef void (*asy_buf_free_cb)(void *data, void *hint);

/* ---- creating and releasing -------------------------------------------- */

ASYNCRT_API void asy_buf_init(asy_buf_t *b);
/* len zero-filled bytes (Buffer.alloc). */
ASYNCRT_API int asy_buf_alloc(asy_buf_t *out, size_t len);
/* len bytes of unspecified content (Buffer.allocUnsafe). */
ASYNCRT_API int asy_buf_alloc_unsafe(asy_buf_t *out, size_t len);
/* A copy of len bytes (Buffer.from(array)). */
ASYNCRT_API int asy_buf_from_bytes(asy_buf_t *out, const void *bytes, size_t len);
/* Decodes a NUL-terminated string, strictly (Buffer.from(string, enc)). */
ASYNCRT_API int asy_buf_from_string(asy_buf_t *out, const char *str, asy_encoding_t enc);
/* Decodes len bytes of str; flags: 0 or ASY_BUF_LENIENT. */
ASYNCRT_API int asy_buf_from_stringn(asy_buf_t *out, const char *str, size_t len,
                                     asy_encoding_t enc, unsigned flags);
/* Wraps memory the caller owns without copying; free_cb(data, hint) runs
 * when the last view is released (free_cb may be NULL).  When this call
 * fails, free_cb is not called. */
ASYNCRT_API int asy_buf_from_external(asy_buf_t *out, void *data, size_t len,
                                      asy_buf_free_cb free_cb, void *hint);
/* A deep copy with its own storage (Buffer.from(buffer)). */
ASYNCRT_API int asy_buf_dup(asy_buf_t *out, const asy_buf_t *src);
/* Another owning view of all of src (one more reference, no copy). */
ASYNCRT_API int asy_buf_retain(asy_buf_t *out, const asy_buf_t *src);
/* Drops b's reference and leaves b empty.  NULL and empty are fine. */
ASYNCRT_API void asy_buf_release(asy_buf_t *b);
/* How many views hold b's storage (0 for an empty buffer). */
ASYNCRT_API size_t asy_buf_refcount(const asy_buf_t *b);

/* An owning view of src[start, end) that shares memory (buf.subarray and
 * buf.slice).  Negative positions count from the end, both are clamped to
 * [0, len]; end <= start gives an empty buffer.  ASY_BUF_END = len. */
ASYNCRT_API int asy_buf_slice(asy_buf_t *out, const asy_buf_t *src, ptrdiff_t start,
                              ptrdiff_t end);
ASYNCRT_API int asy_buf_subarray(asy_buf_t *out, const asy_buf_t *src, ptrdiff_t start,
                                 ptrdiff_t end);

/* ---- strings ----------------------------------------------------------- */

/* Encodes b as a NUL-terminated string in *out (buf.toString(enc)); free
 * it with asy_free().  *out_len (may be NULL) gets its length without the
 * NUL.  utf8 replaces invalid sequences with U+FFFD exactly as Node does;
 * latin1 and ascii produce the UTF-8 of the code points (ascii clears the
 * high bit first); utf16le drops an odd last byte and turns lone
 * surrogates into U+FFFD.  base64url has no padding, base64 has. */
ASYNCRT_API int asy_buf_to_string(const asy_buf_t *b, asy_encoding_t enc, char **out,
                                  size_t *out_len);
/* Length of asy_buf_to_string's result, without the NUL. */
ASYNCRT_API ptrdiff_t asy_buf_string_length(const asy_buf_t *b, asy_encoding_t enc);
/* Encodes into dst without allocating and without a NUL; returns the length
 * written or ASY_ERANGE (nothing written) when cap is too small. */
ASYNCRT_API ptrdiff_t asy_buf_encode_into(const asy_buf_t *b, asy_encoding_t enc, char *dst,
                                          size_t cap);
/* Decodes str into b at offset (buf.write(string, offset, enc)); returns the
 * bytes written.  When it does not fit, writes what fits without splitting
 * a character.  Strict mode checks the whole string before writing. */
ASYNCRT_API ptrdiff_t asy_buf_write_string(asy_buf_t *b, size_t offset, const char *str,
                                           size_t len, asy_encoding_t enc, unsigned flags);
/* Exactly how many bytes asy_buf_from_stringn would produce (Buffer.byteLength),
 * or ASY_EINVAL for input it would reject. */
ASYNCRT_API ptrdiff_t asy_buf_byte_length(const char *str, size_t len, asy_encoding_t enc,
                                          unsigned flags);
/* 1 if the bytes are well-formed UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF), else 0 (buffer.isUtf8). */
ASYNCRT_API int asy_utf8_valid(const void *bytes, size_t len);
ASYNCRT_API int asy_buf_is_utf8(const asy_buf_t *b);
/* Node's encoding names, case-insensitive: utf8, utf-8, hex, base64,
 * base64url, latin1, binary, ascii, utf16le, utf-16le, ucs2, ucs-2.
 * Returns the asy_encoding_t value or ASY_EINVAL. */
ASYNCRT_API int asy_encoding_from_name(const char *name);
/* Canonical name ("utf8"...), or NULL for an unknown value. */
ASYNCRT_API const char *asy_encoding_name(asy_encoding_t enc);

/* ---- comparing, searching, copying ------------------------------------- */

/* 1 when both hold the same bytes, else 0. */
ASYNCRT_API int asy_buf_equals(const asy_buf_t *a, const asy_buf_t *b);
/* -1, 0 or 1 by bytewise order, a shorter prefix first (Buffer.compare). */
ASYNCRT_API int asy_buf_compare(const asy_buf_t *a, const asy_buf_t *b);

/* buf.indexOf / lastIndexOf with Node's byteOffset rules (negative counts
 * from the end; lastIndexOf finds matches starting at or before it, and
 * ASY_BUF_END searches the whole buffer).  Return the position, or -1 when
 * there is no match; they never fail (bad arguments find nothing).  An
 * empty needle matches at the clamped offset, as in Node. */
ASYNCRT_API ptrdiff_t asy_buf_index_of(const asy_buf_t *b, const void *needle, size_t n,
                                       ptrdiff_t byte_offset);
ASYNCRT_API ptrdiff_t asy_buf_last_index_of(const asy_buf_t *b, const void *needle, size_t n,
                                            ptrdiff_t byte_offset);
/* The needle is str decoded (strictly) with enc; undecodable finds nothing. */
ASYNCRT_API ptrdiff_t asy_buf_index_of_string(const asy_buf_t *b, const char *str,
                                              ptrdiff_t byte_offset, asy_encoding_t enc);
ASYNCRT_API ptrdiff_t asy_buf_last_index_of_string(const asy_buf_t *b, const char *str,
                                                   ptrdiff_t byte_offset, asy_encoding_t enc);
ASYNCRT_API int asy_buf_includes(const asy_buf_t *b, const void *needle, size_t n,
                                 ptrdiff_t byte_offset);
ASYNCRT_API int asy_buf_includes_string(const asy_buf_t *b, const char *str,
                                        ptrdiff_t byte_offset, asy_encoding_t enc);

/* buf.fill: repeats the pattern over [start, end) (ASY_BUF_END = len).
 * ASY_ERANGE when start < 0 or end > len; ASY_EINVAL for an empty pattern.
 * The string form decodes str strictly; "" fills with zeros, as in Node. */
ASYNCRT_API int asy_buf_fill(asy_buf_t *b, const void *pattern, size_t n, ptrdiff_t start,
                             ptrdiff_t end);
ASYNCRT_API int asy_buf_fill_byte(asy_buf_t *b, int value, ptrdiff_t start, ptrdiff_t end);
ASYNCRT_API int asy_buf_fill_string(asy_buf_t *b, const char *str, asy_encoding_t enc,
                                    ptrdiff_t start, ptrdiff_t end);

/* source.copy(target, targetStart, sourceStart, sourceEnd): copies what fits
 * (overlap is fine) and returns the count.  ASY_ERANGE when a position is
 * negative or source_start > source length; source_end is clamped. */
ASYNCRT_API ptrdiff_t asy_buf_copy(const asy_buf_t *source, asy_buf_t *target,
                                   ptrdiff_t target_start, ptrdiff_t source_start,
                                   ptrdiff_t source_end);
/* Buffer.concat(list, totalLength): a new buffer of the count buffers in a
 * row.  total_len ASY_BUF_END = the sum; a smaller one truncates, a larger
 * one zero-fills; negative is ASY_ERANGE. */
ASYNCRT_API int asy_buf_concat(asy_buf_t *out, const asy_buf_t *list, size_t count,
                               ptrdiff_t total_len);

/* ---- numbers (buf.readUInt16LE & co.) ----------------------------------
 * Every read and write is bounds-checked: ASY_ERANGE when off + size > len,
 * and nothing is read or written.  Floats are IEEE 754 binary32/binary64. */

ASYNCRT_API int asy_buf_read_u8(const asy_buf_t *b, size_t off, uint8_t *v);
ASYNCRT_API int asy_buf_read_i8(const asy_buf_t *b, size_t off, int8_t *v);
ASYNCRT_API int asy_buf_read_u16_le(const asy_buf_t *b, size_t off, uint16_t *v);
ASYNCRT_API int asy_buf_read_u16_be(const asy_buf_t *b, size_t off, uint16_t *v);
ASYNCRT_API int asy_buf_read_i16_le(const asy_buf_t *b, size_t off, int16_t *v);
ASYNCRT_API int asy_buf_read_i16_be(const asy_buf_t *b, size_t off, int16_t *v);
ASYNCRT_API int asy_buf_read_u32_le(const asy_buf_t *b, size_t off, uint32_t *v);
ASYNCRT_API int asy_buf_read_u32_be(const asy_buf_t *b, size_t off, uint32_t *v);
ASYNCRT_API int asy_buf_read_i32_le(const asy_buf_t *b, size_t off, int32_t *v);
ASYNCRT_API int asy_buf_read_i32_be(const asy_buf_t *b, size_t off, int32_t *v);
ASYNCRT_API int asy_buf_read_u64_le(const asy_buf_t *b, size_t off, uint64_t *v);
ASYNCRT_API int asy_buf_read_u64_be(const asy_buf_t *b, size_t off, uint64_t *v);
ASYNCRT_API int asy_buf_read_i64_le(const asy_buf_t *b, size_t off, int64_t *v);
ASYNCRT_API int asy_buf_read_i64_be(const asy_buf_t *b, size_t off, int64_t *v);
ASYNCRT_API int asy_buf_read_float_le(const asy_buf_t *b, size_t off, float *v);
ASYNCRT_API int asy_buf_read_float_be(const asy_buf_t *b, size_t off, float *v);
ASYNCRT_API int asy_buf_read_double_le(const asy_buf_t *b, size_t off, double *v);
ASYNCRT_API int asy_buf_read_double_be(const asy_buf_t *b, size_t off, double *v);

ASYNCRT_API int asy_buf_write_u8(asy_buf_t *b, size_t off, uint8_t v);
ASYNCRT_API int asy_buf_write_i8(asy_buf_t *b, size_t off, int8_t v);
ASYNCRT_API int asy_buf_write_u16_le(asy_buf_t *b, size_t off, uint16_t v);
ASYNCRT_API int asy_buf_write_u16_be(asy_buf_t *b, size_t off, uint16_t v);
ASYNCRT_API int asy_buf_write_i16_le(asy_buf_t *b, size_t off, int16_t v);
ASYNCRT_API int asy_buf_write_i16_be(asy_buf_t *b, size_t off, int16_t v);
ASYNCRT_API int asy_buf_write_u32_le(asy_buf_t *b, size_t off, uint32_t v);
ASYNCRT_API int asy_buf_write_u32_be(asy_buf_t *b, size_t off, uint32_t v);
ASYNCRT_API int asy_buf_write_i32_le(asy_buf_t *b, size_t off, int32_t v);
ASYNCRT_API int asy_buf_write_i32_be(asy_buf_t *b, size_t off, int32_t v);
ASYNCRT_API int asy_buf_write_u64_le(asy_buf_t *b, size_t off, uint64_t v);
ASYNCRT_API int asy_buf_write_u64_be(asy_buf_t *b, size_t off, uint64_t v);
ASYNCRT_API int asy_buf_write_i64_le(asy_buf_t *b, size_t off, int64_t v);
ASYNCRT_API int asy_buf_write_i64_be(asy_buf_t *b, size_t off, int64_t v);
ASYNCRT_API int asy_buf_write_float_le(asy_buf_t *b, size_t off, float v);
ASYNCRT_API int asy_buf_write_float_be(asy_buf_t *b, size_t off, float v);
ASYNCRT_API int asy_buf_write_double_le(asy_buf_t *b, size_t off, double v);
ASYNCRT_API int asy_buf_write_double_be(asy_buf_t *b, size_t off, double v);

/* buf.readUIntLE(offset, byteLength) & co.: byte_length 1..8 (Node allows
 * up to 6).  Reads sign-extend the int forms; writes return ASY_ERANGE when
 * the value does not fit in byte_length bytes (as Node throws), and
 * ASY_EINVAL for a byte_length outside 1..8. */
ASYNCRT_API int asy_buf_read_uint_le(const asy_buf_t *b, size_t off, size_t byte_length,
                                     uint64_t *v);
ASYNCRT_API int asy_buf_read_uint_be(const asy_buf_t *b, size_t off, size_t byte_length,
                                     uint64_t *v);
ASYNCRT_API int asy_buf_read_int_le(const asy_buf_t *b, size_t off, size_t byte_length,
                                    int64_t *v);
ASYNCRT_API int asy_buf_read_int_be(const asy_buf_t *b, size_t off, size_t byte_length,
                                    int64_t *v);
ASYNCRT_API int asy_buf_write_uint_le(asy_buf_t *b, size_t off, size_t byte_length, uint64_t v);
ASYNCRT_API int asy_buf_write_uint_be(asy_buf_t *b, size_t off, size_t byte_length, uint64_t v);
ASYNCRT_API int asy_buf_write_int_le(asy_buf_t *b, size_t off, size_t byte_length, int64_t v);
ASYNCRT_API int asy_buf_write_int_be(asy_buf_t *b, size_t off, size_t byte_length, int64_t v);

/* buf.swap16/32/64: reverses the byte order of each unit in place;
 * ASY_EINVAL when len is not a multiple of the unit size. */
ASYNCRT_API int asy_buf_swap16(asy_buf_t *b);
ASYNCRT_API int asy_buf_swap32(asy_buf_t *b);
ASYNCRT_API int asy_buf_swap64(asy_buf_t *b);
