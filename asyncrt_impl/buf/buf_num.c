/* Fixed-size numbers in either byte order (buf.readUInt32LE & co.).
 * Bytes are assembled one by one, which is alignment- and host-order-free;
 * compilers turn it into a single load or store (plus bswap). */
#include "buf.h"
#include "../base/sys.internal.h"

ASY__INTERNAL uint64_t asy__load_n(const uint8_t *p, size_t size, int be) {
    uint64_t v = 0;
    size_t i;
    if (be)
        for (i = 0; i < size; i++) v = (v << 8) | p[i];
    else
        for (i = size; i-- > 0;) v = (v << 8) | p[i];
    return v;
}

ASY__INTERNAL void asy__store_n(uint8_t *p, uint64_t v, size_t size, int be) {
    size_t i;
    for (i = 0; i < size; i++, v >>= 8) p[be ? size - 1 - i : i] = (uint8_t)v;
}

ASY__INTERNAL int asy__num_check(const asy_buf_t *b, size_t off, size_t size) {
    if (!b) return ASY_EINVAL;
    return b->len >= size && off <= b->len - size ? 0 : ASY_ERANGE;
}

/* Signed and floating-point values travel through their unsigned
 * representation (two's complement, IEEE 754) by memcpy. */
#define ASY__NUM_RW(suffix, type, utype, be)                                   \
    ASYNCRT_API int asy_buf_read_##suffix(const asy_buf_t *b, size_t off, type *v) { \
        utype u;                                                               \
        int r = asy__num_check(b, off, sizeof(type));                          \
        if (r == 0 && !v) r = ASY_EINVAL;                                      \
        if (r < 0) return r;                                                   \
        u = (utype)asy__load_n(b->data + off, sizeof(type), be);               \
        memcpy(v, &u, sizeof(type));                                           \
        return 0;                                                              \
    }                                                                          \
    ASYNCRT_API int asy_buf_write_##suffix(asy_buf_t *b, size_t off, type v) { \
        utype u;                                                               \
        int r = asy__num_check(b, off, sizeof(type));                          \
        if (r < 0) return r;                                                   \
        memcpy(&u, &v, sizeof(type));                                          \
        asy__store_n(b->data + off, u, sizeof(type), be);                      \
        return 0;                                                              \
    }

ASY__NUM_RW(u8, uint8_t, uint8_t, 0)
ASY__NUM_RW(i8, int8_t, uint8_t, 0)
ASY__NUM_RW(u16_le, uint16_t, uint16_t, 0)
ASY__NUM_RW(u16_be, uint16_t, uint16_t, 1)
ASY__NUM_RW(i16_le, int16_t, uint16_t, 0)
ASY__NUM_RW(i16_be, int16_t, uint16_t, 1)
ASY__NUM_RW(u32_le, uint32_t, uint32_t, 0)
ASY__NUM_RW(u32_be, uint32_t, uint32_t, 1)
ASY__NUM_RW(i32_le, int32_t, uint32_t, 0)
ASY__NUM_RW(i32_be, int32_t, uint32_t, 1)
ASY__NUM_RW(u64_le, uint64_t, uint64_t, 0)
ASY__NUM_RW(u64_be, uint64_t, uint64_t, 1)
ASY__NUM_RW(i64_le, int64_t, uint64_t, 0)
ASY__NUM_RW(i64_be, int64_t, uint64_t, 1)
ASY__NUM_RW(float_le, float, uint32_t, 0)
ASY__NUM_RW(float_be, float, uint32_t, 1)
ASY__NUM_RW(double_le, double, uint64_t, 0)
ASY__NUM_RW(double_be, double, uint64_t, 1)

#undef ASY__NUM_RW

/* ---- variable width ------------------------------------------------------ */

ASY__INTERNAL int asy__width_check(const asy_buf_t *b, size_t off, size_t width) {
    if (width < 1 || width > 8) return ASY_EINVAL;
    return asy__num_check(b, off, width);
}

/* Sign-extends the low `width` bytes of u. */
ASY__INTERNAL int64_t asy__sext(uint64_t u, size_t width) {
    int64_t v;
    if (width < 8) {
        u &= ((uint64_t)1 << (8 * width)) - 1;
        if ((u >> (8 * width - 1)) & 1) u |= ~(uint64_t)0 << (8 * width);
    }
    memcpy(&v, &u, sizeof(v));
    return v;
}

ASY__INTERNAL int asy__read_var(const asy_buf_t *b, size_t off, size_t width, int be,
                                uint64_t *u) {
    int r = asy__width_check(b, off, width);
    if (r < 0) return r;
    *u = asy__load_n(b->data + off, width, be);
    return 0;
}

ASYNCRT_API int asy_buf_read_uint_le(const asy_buf_t *b, size_t off, size_t byte_length,
                                     uint64_t *v) {
    return v ? asy__read_var(b, off, byte_length, 0, v) : ASY_EINVAL;
}

ASYNCRT_API int asy_buf_read_uint_be(const asy_buf_t *b, size_t off, size_t byte_length,
                                     uint64_t *v) {
    return v ? asy__read_var(b, off, byte_length, 1, v) : ASY_EINVAL;
}

ASYNCRT_API int asy_buf_read_int_le(const asy_buf_t *b, size_t off, size_t byte_length,
                                    int64_t *v) {
    uint64_t u;
    int r = v ? asy__read_var(b, off, byte_length, 0, &u) : ASY_EINVAL;
    if (r == 0) *v = asy__sext(u, byte_length);
    return r;
}

ASYNCRT_API int asy_buf_read_int_be(const asy_buf_t *b, size_t off, size_t byte_length,
                                    int64_t *v) {
    uint64_t u;
    int r = v ? asy__read_var(b, off, byte_length, 1, &u) : ASY_EINVAL;
    if (r == 0) *v = asy__sext(u, byte_length);
    return r;
}

ASY__INTERNAL int asy__write_uvar(asy_buf_t *b, size_t off, size_t width, uint64_t v, int be) {
    int r = asy__width_check(b, off, width);
    if (r < 0) return r;
    if (width < 8 && v >> (8 * width)) return ASY_ERANGE;
    asy__store_n(b->data + off, v, width, be);
    return 0;
}

ASY__INTERNAL int asy__write_ivar(asy_buf_t *b, size_t off, size_t width, int64_t v, int be) {
    uint64_t u;
    int r = asy__width_check(b, off, width);
    if (r < 0) return r;
    memcpy(&u, &v, sizeof(u));
    /* fits when sign-extending its low bytes gives it back */
    if (asy__sext(u, width) != v) return ASY_ERANGE;
    asy__store_n(b->data + off, u, width, be);
    return 0;
}

ASYNCRT_API int asy_buf_write_uint_le(asy_buf_t *b, size_t off, size_t byte_length, uint64_t v) {
    return asy__write_uvar(b, off, byte_length, v, 0);
}

ASYNCRT_API int asy_buf_write_uint_be(asy_buf_t *b, size_t off, size_t byte_length, uint64_t v) {
    return asy__write_uvar(b, off, byte_length, v, 1);
}

ASYNCRT_API int asy_buf_write_int_le(asy_buf_t *b, size_t off, size_t byte_length, int64_t v) {
    return asy__write_ivar(b, off, byte_length, v, 0);
}

ASYNCRT_API int asy_buf_write_int_be(asy_buf_t *b, size_t off, size_t byte_length, int64_t v) {
    return asy__write_ivar(b, off, byte_length, v, 1);
}

/* ---- swaps ------------------------------------------------------------------ */

ASY__INTERNAL int asy__swap(asy_buf_t *b, size_t unit) {
    size_t i, k;
    if (!b || b->len % unit) return ASY_EINVAL;
    for (i = 0; i < b->len; i += unit)
        for (k = 0; k < unit / 2; k++) {
            uint8_t t = b->data[i + k];
            b->data[i + k] = b->data[i + unit - 1 - k];
            b->data[i + unit - 1 - k] = t;
        }
    return 0;
}

ASYNCRT_API int asy_buf_swap16(asy_buf_t *b) { return asy__swap(b, 2); }
ASYNCRT_API int asy_buf_swap32(asy_buf_t *b) { return asy__swap(b, 4); }
ASYNCRT_API int asy_buf_swap64(asy_buf_t *b) { return asy__swap(b, 8); }
