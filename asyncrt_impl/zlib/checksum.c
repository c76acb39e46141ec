/* zlib.crc32 (Node 20.15) and adler32, for inputs of any size (zlib's
 * length argument is 32 bits). */
#include "zlib.internal.h"

ASYNCRT_API uint32_t asy_zlib_crc32(const void *data, size_t len, uint32_t value) {
    const Bytef *p = (const Bytef *)data;
    uLong v = value;
    if (!p) return value;
    while (len) {
        uInt k = len > (1u << 30) ? (1u << 30) : (uInt)len;
        v = crc32(v, p, k);
        p += k;
        len -= k;
    }
    return (uint32_t)v;
}

ASYNCRT_API uint32_t asy_zlib_adler32(const void *data, size_t len, uint32_t value) {
    const Bytef *p = (const Bytef *)data;
    uLong v = value;
    if (!p) return value;
    while (len) {
        uInt k = len > (1u << 30) ? (1u << 30) : (uInt)len;
        v = adler32(v, p, k);
        p += k;
        len -= k;
    }
    return (uint32_t)v;
}
