/* SIMD kernels for base64 and hex on x86-64 (gcc and clang).  They are compiled
 * with per-function target attributes and chosen at run time, so the
 * library needs no special compiler flags and still runs on any x86-64.
 * Kernels only handle whole blocks of valid input; the scalar code in
 * enc_base64.c does tails, padding, errors and lenient skipping.
 *
 * AVX-512 VBMI (Ice Lake and later, Zen 4): the 64-character alphabet and
 * the 128-entry decode table fit in registers, so translation is one
 * vpermb / vpermi2b per 64 bytes.  AVX2: nibble-indexed pshufb tables
 * classify and translate 32 characters at a time.  Define ASYNCRT_NO_SIMD
 * to build without them. */
#include "buf.internal.h"
#include "enc_tables.internal.h"

ASY__INTERNAL int asy__simd_level(void) {
#if ASY__X86_SIMD
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi"))
        return ASY__SIMD_VBMI;
    if (__builtin_cpu_supports("avx2")) return ASY__SIMD_AVX2;
#endif
    return ASY__SIMD_NONE;
}

#if ASY__X86_SIMD

/* ---- AVX-512 VBMI ------------------------------------------------------ */

/* Encodes blocks of 48 bytes into 64 characters. */
ASY__TARGET_VBMI ASY__INTERNAL void asy__b64_enc_vbmi(const uint8_t *src, size_t blocks,
                                                      char *dst, const char *alphabet) {
    /* Each 32-bit lane gets bytes b1 b0 b2 b1 of its triplet: then the four
     * 6-bit fields sit at bit offsets 10, 4, 22 and 16 of the lane, which
     * vpmultishiftqb extracts in one go. */
    static const uint8_t spread[64] = {
        1,  0,  2,  1,  4,  3,  5,  4,  7,  6,  8,  7,  10, 9,  11, 10,
        13, 12, 14, 13, 16, 15, 17, 16, 19, 18, 20, 19, 22, 21, 23, 22,
        25, 24, 26, 25, 28, 27, 29, 28, 31, 30, 32, 31, 34, 33, 35, 34,
        37, 36, 38, 37, 40, 39, 41, 40, 43, 42, 44, 43, 46, 45, 47, 46};
    const __m512i idx = _mm512_loadu_si512((const void *)spread);
    const __m512i shifts = _mm512_set1_epi64(0x3036242a1016040aLL);
    const __m512i alpha = _mm512_loadu_si512((const void *)alphabet);
    size_t i = 0;
#define ASY__ENC_BLOCK(x, k)                                                  \
    x = _mm512_permutexvar_epi8(idx, x);                                      \
    x = _mm512_multishift_epi64_epi8(shifts, x);                              \
    /* vpermb looks at the low 6 bits of each index: the field itself */    \
    x = _mm512_permutexvar_epi8(x, alpha);                                    \
    _mm512_storeu_si512((void *)(dst + 64 * (k)), x)
    /* Four blocks per round with full 64-byte loads while the input lasts
     * (they read 16 bytes past each block); masked loads at the end. */
    for (; i + 5 <= blocks; i += 4) {
        __m512i a = _mm512_loadu_si512((const void *)(src + 48 * i));
        __m512i b = _mm512_loadu_si512((const void *)(src + 48 * i + 48));
        __m512i c = _mm512_loadu_si512((const void *)(src + 48 * i + 96));
        __m512i d = _mm512_loadu_si512((const void *)(src + 48 * i + 144));
        ASY__ENC_BLOCK(a, i);
        ASY__ENC_BLOCK(b, i + 1);
        ASY__ENC_BLOCK(c, i + 2);
        ASY__ENC_BLOCK(d, i + 3);
    }
    for (; i < blocks; i++) {
        __m512i x = _mm512_maskz_loadu_epi8((__mmask64)0xffffffffffffULL, src + 48 * i);
        ASY__ENC_BLOCK(x, i);
    }
#undef ASY__ENC_BLOCK
}

/* Decodes up to `blocks` blocks of 64 characters into 48 bytes each,
 * stopping before the first block holding anything outside the table;
 * returns the blocks decoded.  Writes at most room bytes. */
ASY__TARGET_VBMI ASY__INTERNAL size_t asy__b64_dec_vbmi(const uint8_t *src, size_t blocks,
                                                        uint8_t *dst, size_t room,
                                                        const uint8_t *table) {
    /* After the multiply-adds each 32-bit lane holds 24 bits, most
     * significant byte third: gather bytes 2, 1, 0 of every lane. */
    static const uint8_t pack[64] = {
        2,  1,  0,  6,  5,  4,  10, 9,  8,  14, 13, 12, 18, 17, 16, 22,
        21, 20, 26, 25, 24, 30, 29, 28, 34, 33, 32, 38, 37, 36, 42, 41,
        40, 46, 45, 44, 50, 49, 48, 54, 53, 52, 58, 57, 56, 62, 61, 60,
        0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0};
    const __m512i lut_lo = _mm512_loadu_si512((const void *)table);
    const __m512i lut_hi = _mm512_loadu_si512((const void *)(table + 64));
    const __m512i pk = _mm512_loadu_si512((const void *)pack);
    const __m512i merge2 = _mm512_set1_epi32(0x01400140); /* a * 64 + b */
    const __m512i merge4 = _mm512_set1_epi32(0x00011000); /* ab * 4096 + cd */
    size_t i = 0;
#define ASY__DEC_BLOCK(v, k)                                                  \
    v = _mm512_maddubs_epi16(v, merge2);                                      \
    v = _mm512_madd_epi16(v, merge4);                                         \
    v = _mm512_permutexvar_epi8(pk, v);                                       \
    _mm512_storeu_si512((void *)(dst + 48 * (k)), v)
    /* Four blocks per round, one validity test for all of them; a round
     * that fails is redone block by block below to find where to stop. */
    for (; i + 4 <= blocks && 48 * (i + 3) + 64 <= room; i += 4) {
        __m512i a = _mm512_loadu_si512((const void *)(src + 64 * i));
        __m512i b = _mm512_loadu_si512((const void *)(src + 64 * i + 64));
        __m512i c = _mm512_loadu_si512((const void *)(src + 64 * i + 128));
        __m512i d = _mm512_loadu_si512((const void *)(src + 64 * i + 192));
        __m512i va = _mm512_permutex2var_epi8(lut_lo, a, lut_hi);
        __m512i vb = _mm512_permutex2var_epi8(lut_lo, b, lut_hi);
        __m512i vc = _mm512_permutex2var_epi8(lut_lo, c, lut_hi);
        __m512i vd = _mm512_permutex2var_epi8(lut_lo, d, lut_hi);
        __m512i any = _mm512_or_si512(_mm512_or_si512(_mm512_or_si512(va, a), _mm512_or_si512(vb, b)),
                                      _mm512_or_si512(_mm512_or_si512(vc, c), _mm512_or_si512(vd, d)));
        if (_mm512_movepi8_mask(any)) break;
        ASY__DEC_BLOCK(va, i);
        ASY__DEC_BLOCK(vb, i + 1);
        ASY__DEC_BLOCK(vc, i + 2);
        ASY__DEC_BLOCK(vd, i + 3);
    }
#undef ASY__DEC_BLOCK
    for (; i < blocks; i++) {
        __m512i in = _mm512_loadu_si512((const void *)(src + 64 * i));
        __m512i v = _mm512_permutex2var_epi8(lut_lo, in, lut_hi);
        /* invalid entries are 0xff; non-ASCII input has bit 7 itself */
        if (_mm512_movepi8_mask(_mm512_or_si512(v, in))) break;
        v = _mm512_maddubs_epi16(v, merge2);
        v = _mm512_madd_epi16(v, merge4);
        v = _mm512_permutexvar_epi8(pk, v);
        if (48 * i + 64 <= room)
            _mm512_storeu_si512((void *)(dst + 48 * i), v);
        else
            _mm512_mask_storeu_epi8((void *)(dst + 48 * i), (__mmask64)0xffffffffffffULL, v);
    }
    return i;
}

/* ---- AVX2 -------------------------------------------------------------- */

/* Per-alphabet constants of the AVX2 decoder, generated and checked
 * against every byte value offline:
 *   lo/hi: a byte is invalid when lo[c & 15] & hi[c >> 4] != 0 (each bit
 *          of hi stands for a class of high nibbles; lo lists, per low
 *          nibble, the classes in which it is invalid);
 *   off:   added to the byte to get its 6-bit value, indexed by the high
 *          nibble, with `or8` characters moved to index | 8 and the `add7`
 *          character to index + 7 (those share a nibble with others). */
typedef struct {
    uint8_t lo[16], hi[16];
    int8_t off[16];
    uint8_t or8a, or8b, add7;
} asy__b64_avx2_consts;

static const asy__b64_avx2_consts asy__b64_avx2_std = {
    {0x2b, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x07, 0x55, 0x57, 0x57, 0x57,
     0x55},
    {0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
     0x01},
    {0, 0, 19, 4, -65, -65, -71, -71, 0, 0, 16, 0, 0, 0, 0, 0},
    '/', 0, 0};
static const asy__b64_avx2_consts asy__b64_avx2_url = {
    {0x2b, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x07, 0x57, 0x57, 0x55, 0x57,
     0x47},
    {0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
     0x01},
    {0, 0, 17, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, -32, 0, 0},
    '_', 0, 0};
static const asy__b64_avx2_consts asy__b64_avx2_any = {
    {0x2b, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x07, 0x55, 0x57, 0x55, 0x57,
     0x45},
    {0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
     0x01},
    {0, 0, 19, 4, -65, -65, -71, -71, 0, 17, 16, 0, 0, -32, 0, 0},
    '_', '/', '-'};

ASY__TARGET_AVX2 ASY__INTERNAL __m256i asy__bcast16(const void *p) {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)p));
}

/* Encodes blocks of 24 bytes into 32 characters; reads 4 bytes past each
 * block, so the caller leaves 4 bytes of slack after the last one. */
ASY__TARGET_AVX2 ASY__INTERNAL void asy__b64_enc_avx2(const uint8_t *src, size_t blocks,
                                                      char *dst, int url) {
    static const uint8_t spread[16] = {1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10};
    /* added to each 6-bit value, by range: 26..51, 52..61 (x10), 62, 63,
     * 0..25 */
    static const int8_t shift_std[16] = {71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16,
                                         65, 0,  0};
    static const int8_t shift_url[16] = {71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -17, 32,
                                         65, 0,  0};
    const __m256i sp = asy__bcast16(spread);
    const __m256i shift = asy__bcast16(url ? shift_url : shift_std);
    size_t i;
    for (i = 0; i < blocks; i++) {
        const uint8_t *s = src + 24 * i;
        __m256i v = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)s)),
            _mm_loadu_si128((const __m128i *)(s + 12)), 1);
        __m256i a, b, r;
        v = _mm256_shuffle_epi8(v, sp);
        /* lanes now read b1 b0 b2 b1: isolate the four fields and move each
         * to the bottom of its own byte */
        a = _mm256_mulhi_epu16(_mm256_and_si256(v, _mm256_set1_epi32(0x0fc0fc00)),
                               _mm256_set1_epi32(0x04000040));
        b = _mm256_mullo_epi16(_mm256_and_si256(v, _mm256_set1_epi32(0x003f03f0)),
                               _mm256_set1_epi32(0x01000010));
        v = _mm256_or_si256(a, b);
        r = _mm256_subs_epu8(v, _mm256_set1_epi8(51));
        r = _mm256_or_si256(r, _mm256_and_si256(_mm256_cmpgt_epi8(_mm256_set1_epi8(26), v),
                                                _mm256_set1_epi8(13)));
        v = _mm256_add_epi8(v, _mm256_shuffle_epi8(shift, r));
        _mm256_storeu_si256((__m256i *)(dst + 32 * i), v);
    }
}

/* Decodes blocks of 32 characters into 24 bytes, like the VBMI kernel; it
 * stores 32 bytes per block, so it only runs while room allows that. */
ASY__TARGET_AVX2 ASY__INTERNAL size_t asy__b64_dec_avx2(const uint8_t *src, size_t blocks,
                                                        uint8_t *dst, size_t room,
                                                        const asy__b64_avx2_consts *k) {
    static const int8_t pack[16] = {2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1};
    const __m256i lut_lo = asy__bcast16(k->lo), lut_hi = asy__bcast16(k->hi);
    const __m256i lut_off = asy__bcast16(k->off), pk = asy__bcast16(pack);
    const __m256i nib = _mm256_set1_epi8(0x0f);
    const __m256i or8a = _mm256_set1_epi8((char)k->or8a), or8b = _mm256_set1_epi8((char)k->or8b);
    const __m256i add7 = _mm256_set1_epi8((char)k->add7);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
    size_t i;
    for (i = 0; i < blocks && 24 * i + 32 <= room; i++) {
        __m256i in = _mm256_loadu_si256((const __m256i *)(src + 32 * i));
        __m256i hi = _mm256_and_si256(_mm256_srli_epi32(in, 4), nib);
        __m256i lo = _mm256_and_si256(in, nib);
        __m256i bad = _mm256_and_si256(_mm256_shuffle_epi8(lut_lo, lo),
                                       _mm256_shuffle_epi8(lut_hi, hi));
        __m256i ix, v;
        if (!_mm256_testz_si256(bad, bad)) break;
        ix = _mm256_or_si256(
            hi, _mm256_and_si256(_mm256_or_si256(_mm256_cmpeq_epi8(in, or8a),
                                                 _mm256_cmpeq_epi8(in, or8b)),
                                 _mm256_set1_epi8(8)));
        ix = _mm256_add_epi8(ix, _mm256_and_si256(_mm256_cmpeq_epi8(in, add7),
                                                  _mm256_set1_epi8(7)));
        v = _mm256_add_epi8(in, _mm256_shuffle_epi8(lut_off, ix));
        v = _mm256_maddubs_epi16(v, _mm256_set1_epi32(0x01400140));
        v = _mm256_madd_epi16(v, _mm256_set1_epi32(0x00011000));
        v = _mm256_shuffle_epi8(v, pk);
        v = _mm256_permutevar8x32_epi32(v, lanes);
        _mm256_storeu_si256((__m256i *)(dst + 24 * i), v);
    }
    return i;
}

/* hex, 32 bytes <-> 64 characters per block. */
ASY__TARGET_AVX2 ASY__INTERNAL void asy__hex_enc_avx2(const uint8_t *src, size_t blocks,
                                                      char *dst) {
    const __m256i digits = asy__bcast16("0123456789abcdef");
    const __m256i nib = _mm256_set1_epi8(0x0f);
    size_t i;
    for (i = 0; i < blocks; i++) {
        __m256i in = _mm256_loadu_si256((const __m256i *)(src + 32 * i));
        __m256i hi = _mm256_shuffle_epi8(digits, _mm256_and_si256(_mm256_srli_epi16(in, 4), nib));
        __m256i lo = _mm256_shuffle_epi8(digits, _mm256_and_si256(in, nib));
        /* unpack works inside 128-bit lanes: a holds bytes 0-7 and 16-23,
         * b bytes 8-15 and 24-31; put the halves back in order */
        __m256i a = _mm256_unpacklo_epi8(hi, lo), b = _mm256_unpackhi_epi8(hi, lo);
        _mm256_storeu_si256((__m256i *)(dst + 64 * i), _mm256_permute2x128_si256(a, b, 0x20));
        _mm256_storeu_si256((__m256i *)(dst + 64 * i + 32), _mm256_permute2x128_si256(a, b, 0x31));
    }
}

/* The value of 32 hex digits, or a mask of zero bytes where a character is
 * not a digit (*ok gets all ones when every one is). */
ASY__TARGET_AVX2 ASY__INTERNAL __m256i asy__hex_val_avx2(__m256i c, int *ok) {
    __m256i d = _mm256_sub_epi8(c, _mm256_set1_epi8('0'));
    __m256i l = _mm256_sub_epi8(_mm256_or_si256(c, _mm256_set1_epi8(0x20)), _mm256_set1_epi8('a'));
    /* x is in [0, k] unsigned exactly when min(x, k) == x */
    __m256i is_d = _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(9)), d);
    __m256i is_l = _mm256_cmpeq_epi8(_mm256_min_epu8(l, _mm256_set1_epi8(5)), l);
    *ok = _mm256_movemask_epi8(_mm256_or_si256(is_d, is_l)) == -1;
    return _mm256_blendv_epi8(_mm256_add_epi8(l, _mm256_set1_epi8(10)), d, is_d);
}

/* Decodes blocks of 64 digits into 32 bytes until a block holds anything
 * else; returns the blocks decoded. */
ASY__TARGET_AVX2 ASY__INTERNAL size_t asy__hex_dec_avx2(const uint8_t *src, size_t blocks,
                                                        uint8_t *dst) {
    const __m256i merge = _mm256_set1_epi16(0x0110); /* hi * 16 + lo */
    size_t i;
    for (i = 0; i < blocks; i++) {
        int ok_a, ok_b;
        __m256i a = asy__hex_val_avx2(_mm256_loadu_si256((const __m256i *)(src + 64 * i)), &ok_a);
        __m256i b = asy__hex_val_avx2(_mm256_loadu_si256((const __m256i *)(src + 64 * i + 32)), &ok_b);
        if (!(ok_a & ok_b)) break;
        a = _mm256_maddubs_epi16(a, merge);
        b = _mm256_maddubs_epi16(b, merge);
        /* packus interleaves the lanes: quarters come out as 0, 2, 1, 3 */
        a = _mm256_permute4x64_epi64(_mm256_packus_epi16(a, b), 0xd8);
        _mm256_storeu_si256((__m256i *)(dst + 32 * i), a);
    }
    return i;
}

#endif /* ASY__X86_SIMD */

/* Hex-encodes the leading whole blocks; returns the bytes consumed. */
ASY__INTERNAL size_t asy__hex_enc_simd(int level, const uint8_t *src, size_t n, char *dst) {
#if ASY__X86_SIMD
    if (level >= ASY__SIMD_AVX2 && n >= 32) {
        asy__hex_enc_avx2(src, n / 32, dst);
        return n / 32 * 32;
    }
#else
    (void)level, (void)src, (void)n, (void)dst;
#endif
    return 0;
}

/* Decodes leading blocks of 64 valid digits out of `pairs` digit pairs;
 * returns the bytes written (one per pair). */
ASY__INTERNAL size_t asy__hex_dec_simd(int level, const uint8_t *src, size_t pairs,
                                       uint8_t *dst) {
#if ASY__X86_SIMD
    if (level >= ASY__SIMD_AVX2 && pairs >= 32) return asy__hex_dec_avx2(src, pairs / 32, dst) * 32;
#else
    (void)level, (void)src, (void)pairs, (void)dst;
#endif
    return 0;
}

/* Encodes as many whole blocks as the kernel of `level` takes from n bytes;
 * returns the input bytes consumed (a multiple of 3). */
ASY__INTERNAL size_t asy__b64_enc_simd(int level, const uint8_t *src, size_t n, char *dst,
                                       int url) {
#if ASY__X86_SIMD
    if (level >= ASY__SIMD_VBMI && n >= 48) {
        asy__b64_enc_vbmi(src, n / 48, dst, url ? asy__b64_alpha_url : asy__b64_alpha_std);
        return n / 48 * 48;
    }
    if (level >= ASY__SIMD_AVX2 && n >= 28) {
        size_t blocks = (n - 4) / 24;
        asy__b64_enc_avx2(src, blocks, dst, url);
        return blocks * 24;
    }
#else
    (void)level, (void)src, (void)n, (void)dst, (void)url;
#endif
    return 0;
}

/* Decodes leading blocks of characters all in the alphabet of `table`
 * (one of the asy__b64_dec_* tables); returns the characters consumed (a
 * multiple of 4, each 4 giving 3 bytes at dst).  Stops early at the first
 * block with anything else in it, or when room runs short. */
ASY__INTERNAL size_t asy__b64_dec_simd(int level, const uint8_t *src, size_t n, uint8_t *dst,
                                       size_t room, const uint8_t *table) {
#if ASY__X86_SIMD
    size_t blocks;
    if (level >= ASY__SIMD_VBMI) {
        blocks = n / 64;
        if (blocks > room / 48) blocks = room / 48;
        return blocks ? asy__b64_dec_vbmi(src, blocks, dst, room, table) * 64 : 0;
    }
    if (level >= ASY__SIMD_AVX2) {
        const asy__b64_avx2_consts *k = table == asy__b64_dec_std   ? &asy__b64_avx2_std
                                        : table == asy__b64_dec_url ? &asy__b64_avx2_url
                                                                    : &asy__b64_avx2_any;
        blocks = n / 32;
        return blocks ? asy__b64_dec_avx2(src, blocks, dst, room, k) * 32 : 0;
    }
#else
    (void)level, (void)src, (void)n, (void)dst, (void)room, (void)table;
#endif
    return 0;
}
