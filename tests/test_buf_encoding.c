/* Encodings: to_string / from_string in every encoding, strict and lenient
 * decoding (lenient expectations come from node 20: `node -e`), byte
 * lengths, buf.write, and round-trip properties over random data. */
#include "../asyncrt.h"
#include "test.h"

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char *hexof(const asy_buf_t *b) {
    static char s[8192];
    ptrdiff_t n = asy_buf_encode_into(b, ASY_ENC_HEX, s, sizeof(s) - 1);
    if (n < 0) return "(error)";
    s[n] = '\0';
    return s;
}

/* Decodes str and checks the bytes (as hex); want NULL = must fail EINVAL. */
static void check_decode(const char *str, size_t len, asy_encoding_t enc, unsigned flags,
                         const char *want) {
    asy_buf_t b;
    int r = asy_buf_from_stringn(&b, str, len, enc, flags);
    ptrdiff_t bl = asy_buf_byte_length(str, len, enc, flags);
    if (!want) {
        if (r != ASY_EINVAL)
            FAIL("%s \"%.*s\" (flags %u): want EINVAL, got %d (%s)", asy_encoding_name(enc),
                 (int)len, str, flags, r, r == 0 ? hexof(&b) : asy_err_name(r));
        ASSERT_EQ(b.len, 0);
        ASSERT_NULL(b.store);
        ASSERT_ERR(bl, ASY_EINVAL);
        return;
    }
    if (r != 0)
        FAIL("%s \"%.*s\" (flags %u): got %s", asy_encoding_name(enc), (int)len, str, flags,
             asy_err_name(r));
    if (strcmp(hexof(&b), want) != 0)
        FAIL("%s \"%.*s\" (flags %u): got %s, want %s", asy_encoding_name(enc), (int)len, str,
             flags, hexof(&b), want);
    ASSERT_EQ(bl, (ptrdiff_t)b.len); /* byte_length is exact */
    asy_buf_release(&b);
}

#define DEC(str, enc, flags, want) check_decode(str, sizeof(str) - 1, enc, flags, want)

/* Encodes bytes and compares the string (length given: may hold NULs). */
static void check_encode(const void *bytes, size_t n, asy_encoding_t enc, const char *want,
                         size_t want_len) {
    asy_buf_t b;
    char *s;
    size_t len;
    ASSERT_OK(asy_buf_from_bytes(&b, bytes, n));
    ASSERT_OK(asy_buf_to_string(&b, enc, &s, &len));
    if (len != want_len || memcmp(s, want, want_len) != 0)
        FAIL("%s of %s: got \"%s\" (%zu)", asy_encoding_name(enc), hexof(&b), s, len);
    ASSERT_EQ(s[len], '\0');
    ASSERT_EQ(asy_buf_string_length(&b, enc), (ptrdiff_t)len);
    asy_free(s);
    asy_buf_release(&b);
}

#define ENC(bytes, enc, want) check_encode(bytes, sizeof(bytes) - 1, enc, want, sizeof(want) - 1)

/* ---- names ---------------------------------------------------------------- */

TEST(buf_encoding_names) {
    ASSERT_EQ(asy_encoding_from_name("utf8"), ASY_ENC_UTF8);
    ASSERT_EQ(asy_encoding_from_name("UTF-8"), ASY_ENC_UTF8);
    ASSERT_EQ(asy_encoding_from_name("Hex"), ASY_ENC_HEX);
    ASSERT_EQ(asy_encoding_from_name("base64"), ASY_ENC_BASE64);
    ASSERT_EQ(asy_encoding_from_name("base64url"), ASY_ENC_BASE64URL);
    ASSERT_EQ(asy_encoding_from_name("binary"), ASY_ENC_LATIN1);
    ASSERT_EQ(asy_encoding_from_name("latin1"), ASY_ENC_LATIN1);
    ASSERT_EQ(asy_encoding_from_name("ascii"), ASY_ENC_ASCII);
    ASSERT_EQ(asy_encoding_from_name("ucs-2"), ASY_ENC_UTF16LE);
    ASSERT_EQ(asy_encoding_from_name("utf16le"), ASY_ENC_UTF16LE);
    ASSERT_ERR(asy_encoding_from_name("utf"), ASY_EINVAL);
    ASSERT_ERR(asy_encoding_from_name("utf88"), ASY_EINVAL);
    ASSERT_ERR(asy_encoding_from_name(""), ASY_EINVAL);
    ASSERT_ERR(asy_encoding_from_name(NULL), ASY_EINVAL);
    ASSERT_STR_EQ(asy_encoding_name(ASY_ENC_BASE64URL), "base64url");
    ASSERT_STR_EQ(asy_encoding_name(ASY_ENC_UTF16LE), "utf16le");
    ASSERT_NULL(asy_encoding_name((asy_encoding_t)42));
}

TEST(buf_encoding_bad_arguments) {
    asy_buf_t b = ASY_BUF_INIT;
    char *s = (char *)"x";
    char dst[4];
    ASSERT_ERR(asy_buf_to_string(&b, (asy_encoding_t)-1, &s, NULL), ASY_EINVAL);
    ASSERT_NULL(s);
    ASSERT_ERR(asy_buf_to_string(&b, ASY_ENC_HEX, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_buf_to_string(NULL, ASY_ENC_HEX, &s, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_buf_from_string(&b, NULL, ASY_ENC_UTF8), ASY_EINVAL);
    ASSERT_ERR(asy_buf_from_stringn(&b, NULL, 3, ASY_ENC_UTF8, 0), ASY_EINVAL);
    ASSERT_ERR(asy_buf_from_stringn(&b, "ab", 2, (asy_encoding_t)99, 0), ASY_EINVAL);
    ASSERT_ERR(asy_buf_from_string(NULL, "ab", ASY_ENC_UTF8), ASY_EINVAL);
    ASSERT_ERR(asy_buf_byte_length("ab", 2, (asy_encoding_t)7, 0), ASY_EINVAL);
    ASSERT_ERR(asy_buf_byte_length(NULL, 1, ASY_ENC_HEX, 0), ASY_EINVAL);
    ASSERT_EQ(asy_buf_byte_length(NULL, 0, ASY_ENC_HEX, 0), 0);
    ASSERT_ERR(asy_buf_string_length(NULL, ASY_ENC_HEX), ASY_EINVAL);
    ASSERT_ERR(asy_buf_encode_into(&b, (asy_encoding_t)9, dst, sizeof(dst)), ASY_EINVAL);
    /* the empty buffer encodes to "" everywhere */
    {
        int e;
        for (e = ASY_ENC_UTF8; e <= ASY_ENC_UTF16LE; e++) {
            size_t n = 5;
            ASSERT_OK(asy_buf_to_string(&b, (asy_encoding_t)e, &s, &n));
            ASSERT_STR_EQ(s, "");
            ASSERT_EQ(n, 0);
            asy_free(s);
            ASSERT_OK(asy_buf_from_string(&b, "", (asy_encoding_t)e));
            ASSERT_EQ(b.len, 0);
        }
    }
}

/* ---- base64 ----------------------------------------------------------------- */

TEST(buf_base64_encode_padding) {
    ENC("", ASY_ENC_BASE64, "");
    ENC("f", ASY_ENC_BASE64, "Zg==");
    ENC("fo", ASY_ENC_BASE64, "Zm8=");
    ENC("foo", ASY_ENC_BASE64, "Zm9v");
    ENC("foob", ASY_ENC_BASE64, "Zm9vYg==");
    ENC("fooba", ASY_ENC_BASE64, "Zm9vYmE=");
    ENC("foobar", ASY_ENC_BASE64, "Zm9vYmFy");
    /* base64url has no padding (Buffer.toString("base64url")) */
    ENC("f", ASY_ENC_BASE64URL, "Zg");
    ENC("fo", ASY_ENC_BASE64URL, "Zm8");
    ENC("foo", ASY_ENC_BASE64URL, "Zm9v");
    ENC("hello?>", ASY_ENC_BASE64, "aGVsbG8/Pg==");
    ENC("hello?>", ASY_ENC_BASE64URL, "aGVsbG8_Pg");
    ENC("\xfb\xff\xbf", ASY_ENC_BASE64, "+/+/");
    ENC("\xfb\xff\xbf", ASY_ENC_BASE64URL, "-_-_");
}

TEST(buf_base64_strict) {
    const asy_encoding_t B = ASY_ENC_BASE64, U = ASY_ENC_BASE64URL;
    DEC("", B, 0, "");
    DEC("aGVsbG8=", B, 0, "68656c6c6f");
    DEC("aGVsbG8", B, 0, "68656c6c6f"); /* padding is optional */
    DEC("QQ==", B, 0, "41");
    DEC("QQ", B, 0, "41");
    DEC("QUI=", B, 0, "4142");
    DEC("QUJD", B, 0, "414243");
    DEC("aGVsbG9=", B, 0, "68656c6c6f"); /* leftover bits are ignored, as in Node */
    DEC("+/+/", B, 0, "fbffbf");
    DEC("-_-_", U, 0, "fbffbf");
    DEC("QQ==", U, 0, "41"); /* base64url may be padded too */
    DEC("Q", B, 0, NULL);    /* a lone final character */
    DEC("QUJDR", B, 0, NULL);
    DEC("Q===", B, 0, NULL);
    DEC("QQ=", B, 0, NULL); /* padding must complete the quantum */
    DEC("QQ===", B, 0, NULL);
    DEC("QUJD=", B, 0, NULL);
    DEC("QUJD==", B, 0, NULL);
    DEC("QUJDRA===", B, 0, NULL);
    DEC("QUI==", B, 0, NULL);
    DEC("=", B, 0, NULL);
    DEC("==", B, 0, NULL);
    DEC("=QUJ", B, 0, NULL);
    DEC("QUJ=D", B, 0, NULL);
    DEC("QQ==QUJD", B, 0, NULL); /* data after padding */
    DEC("QU JD", B, 0, NULL);    /* whitespace */
    DEC("QUJD\n", B, 0, NULL);
    DEC("QU!D", B, 0, NULL);
    DEC("-_-_", B, 0, NULL); /* the other alphabet */
    DEC("+/+/", U, 0, NULL);
    DEC("QU\xc3\xbf", B, 0, NULL);
    DEC("QQ\0Q", B, 0, NULL);
}

TEST(buf_base64_lenient_matches_node) {
    /* Buffer.from(s, "base64") and Buffer.from(s, "base64url") in node 20
     * (identical for every one of these) */
    static const struct {
        const char *in;
        const char *hex;
    } cases[] = {{"", ""},
                 {"Q", ""},
                 {"QQ", "41"},
                 {"QQ=", "41"},
                 {"QQ==", "41"},
                 {"QUI", "4142"},
                 {"QUJD", "414243"},
                 {"QUJDRA===", "41424344"},
                 {"QU JD", "414243"},
                 {"QU\nJD", "414243"},
                 {"QU!JD", "414243"},
                 {"QQ=QUJD", "41"},
                 {"QQ==QUJD", "41"},
                 {"Q=Q", ""},
                 {"=QUJD", ""},
                 {"QUJD=", "414243"},
                 {"QUJ=D", "4142"},
                 {"-_-_", "fbffbf"},
                 {"+/+/", "fbffbf"},
                 {"-/+_", "fbffbf"},
                 {"QU*", "41"},
                 {"Q*Q*", "41"},
                 {"QUJDR", "414243"},
                 {"QUJDRA=x", "41424344"},
                 {"@@@@", ""},
                 {"YR==", "61"},
                 {"aGVsbG9=", "68656c6c6f"},
                 {" aGVsbG8= ", "68656c6c6f"},
                 {"QUJ\xc3\xbf" "D", "414243"},
                 {"QUI=QUI=", "4142"},
                 {"Q===", ""},
                 {"QQ=====", "41"},
                 {"QUJDRA \n==", "41424344"},
                 {"==", ""},
                 {"Q Q Q Q Q", "410410"}};
    size_t i;
    for (i = 0; i < ASY_ARRAY_SIZE(cases); i++) {
        check_decode(cases[i].in, strlen(cases[i].in), ASY_ENC_BASE64, ASY_BUF_LENIENT,
                     cases[i].hex);
        check_decode(cases[i].in, strlen(cases[i].in), ASY_ENC_BASE64URL, ASY_BUF_LENIENT,
                     cases[i].hex);
    }
    DEC("QQ\0QQ", ASY_ENC_BASE64, ASY_BUF_LENIENT, "410410"); /* NUL is skipped too */
}

TEST(buf_base64_long_inputs_with_junk) {
    /* Inputs long enough for the SIMD paths, with junk at every position:
     * lenient decoding equals decoding the string with the junk removed,
     * strict decoding refuses it. */
    enum { N = 3000 };
    uint8_t *bin = (uint8_t *)malloc(N);
    char *clean, *dirty;
    size_t i, clen, pos;
    asy_buf_t b, ref;
    for (i = 0; i < N; i++) bin[i] = (uint8_t)rng();
    ASSERT_OK(asy_buf_from_bytes(&ref, bin, N));
    ASSERT_OK(asy_buf_to_string(&ref, ASY_ENC_BASE64, &clean, &clen));
    dirty = (char *)malloc(clen + 2);
    for (pos = 0; pos < clen; pos += 37) {
        memcpy(dirty, clean, pos);
        dirty[pos] = (char)(pos & 1 ? '\n' : 0xe9);
        memcpy(dirty + pos + 1, clean + pos, clen - pos);
        ASSERT_OK(asy_buf_from_stringn(&b, dirty, clen + 1, ASY_ENC_BASE64, ASY_BUF_LENIENT));
        ASSERT(asy_buf_equals(&b, &ref));
        asy_buf_release(&b);
        ASSERT_ERR(asy_buf_from_stringn(&b, dirty, clen + 1, ASY_ENC_BASE64, 0), ASY_EINVAL);
        ASSERT_ERR(asy_buf_byte_length(dirty, clen + 1, ASY_ENC_BASE64, 0), ASY_EINVAL);
        /* '=' in the middle ends lenient decoding there */
        dirty[pos] = '=';
        ASSERT_OK(asy_buf_from_stringn(&b, dirty, clen + 1, ASY_ENC_BASE64, ASY_BUF_LENIENT));
        ASSERT_EQ(b.len, pos / 4 * 3 + (pos % 4 > 1 ? pos % 4 - 1 : 0));
        ASSERT(b.len == 0 || memcmp(b.data, bin, b.len) == 0);
        asy_buf_release(&b);
    }
    free(dirty);
    asy_free(clean);
    asy_buf_release(&ref);
    free(bin);
}

/* ---- hex -------------------------------------------------------------------- */

TEST(buf_hex) {
    ENC("", ASY_ENC_HEX, "");
    ENC("\x00\x01\x7f\x80\xfe\xff", ASY_ENC_HEX, "00017f80feff");
    DEC("", ASY_ENC_HEX, 0, "");
    DEC("ab", ASY_ENC_HEX, 0, "ab");
    DEC("ABcd", ASY_ENC_HEX, 0, "abcd");
    DEC("0123456789abcdefABCDEF", ASY_ENC_HEX, 0, "0123456789abcdefabcdef");
    DEC("a", ASY_ENC_HEX, 0, NULL); /* odd length */
    DEC("abc", ASY_ENC_HEX, 0, NULL);
    DEC("zz", ASY_ENC_HEX, 0, NULL);
    DEC("0g", ASY_ENC_HEX, 0, NULL);
    DEC("ab z", ASY_ENC_HEX, 0, NULL);
    DEC("ab\xc3\xa9", ASY_ENC_HEX, 0, NULL);
    /* lenient = Buffer.from(s, "hex"): stops at the first bad pair */
    DEC("a", ASY_ENC_HEX, ASY_BUF_LENIENT, "");
    DEC("abc", ASY_ENC_HEX, ASY_BUF_LENIENT, "ab");
    DEC("zz", ASY_ENC_HEX, ASY_BUF_LENIENT, "");
    DEC("az", ASY_ENC_HEX, ASY_BUF_LENIENT, "");
    DEC("abzz12", ASY_ENC_HEX, ASY_BUF_LENIENT, "ab");
    DEC("ab z", ASY_ENC_HEX, ASY_BUF_LENIENT, "ab");
    DEC("g0", ASY_ENC_HEX, ASY_BUF_LENIENT, "");
    DEC("abcdx", ASY_ENC_HEX, ASY_BUF_LENIENT, "abcd");
    DEC("ab cd", ASY_ENC_HEX, ASY_BUF_LENIENT, "ab");
    DEC("a b", ASY_ENC_HEX, ASY_BUF_LENIENT, "");
    DEC("12345", ASY_ENC_HEX, ASY_BUF_LENIENT, "1234");
}

TEST(buf_hex_long_with_bad_digit_everywhere) {
    enum { N = 700 };
    char s[2 * N + 1];
    size_t i, bad;
    for (i = 0; i < 2 * N; i++) s[i] = "0123456789abcdefABCDEF"[rng() % 22];
    s[2 * N] = '\0';
    for (bad = 0; bad < 2 * N; bad += 13) {
        asy_buf_t b;
        char keep = s[bad];
        s[bad] = (char)(bad & 1 ? 'G' : 0xc3);
        ASSERT_ERR(asy_buf_from_stringn(&b, s, 2 * N, ASY_ENC_HEX, 0), ASY_EINVAL);
        ASSERT_OK(asy_buf_from_stringn(&b, s, 2 * N, ASY_ENC_HEX, ASY_BUF_LENIENT));
        ASSERT_EQ(b.len, bad / 2);
        ASSERT_EQ(asy_buf_byte_length(s, 2 * N, ASY_ENC_HEX, ASY_BUF_LENIENT), (ptrdiff_t)(bad / 2));
        for (i = 0; i < b.len; i++) {
            unsigned v;
            char pair[3] = {s[2 * i], s[2 * i + 1], 0};
            ASSERT_EQ(sscanf(pair, "%x", &v), 1);
            ASSERT_EQ(b.data[i], v);
        }
        asy_buf_release(&b);
        s[bad] = keep;
    }
}

/* ---- utf8 ------------------------------------------------------------------- */

TEST(buf_utf8_to_string_replaces_like_node) {
    /* Buffer.from(bytes).toString() in node 20, byte for byte */
    ENC("\xc0\x80", ASY_ENC_UTF8, "\xef\xbf\xbd\xef\xbf\xbd");                   /* overlong */
    ENC("\xe0\x80\x80", ASY_ENC_UTF8, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");   /* overlong */
    ENC("\xed\xa0\x80", ASY_ENC_UTF8, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");   /* surrogate */
    ENC("\xed\xb0\x80", ASY_ENC_UTF8, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");   /* low one */
    ENC("\xf0\x90\x80", ASY_ENC_UTF8, "\xef\xbf\xbd");                           /* truncated */
    ENC("\xf4\x90\x80\x80", ASY_ENC_UTF8,
        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* above U+10FFFF */
    ENC("\xe2\x82\x41", ASY_ENC_UTF8, "\xef\xbf\xbd\x41");
    ENC("\xff", ASY_ENC_UTF8, "\xef\xbf\xbd");
    ENC("\x80\x80", ASY_ENC_UTF8, "\xef\xbf\xbd\xef\xbf\xbd");
    ENC("\xe2\x82", ASY_ENC_UTF8, "\xef\xbf\xbd");
    ENC("\xc2", ASY_ENC_UTF8, "\xef\xbf\xbd");
    ENC("\xf8\x88\x80\x80\x80", ASY_ENC_UTF8,
        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    /* well-formed text stays as is, including the edges of the ranges */
    ENC("\xf0\x9f\x98\x80", ASY_ENC_UTF8, "\xf0\x9f\x98\x80");
    ENC("\xef\xbf\xbd", ASY_ENC_UTF8, "\xef\xbf\xbd");
    ENC("\xed\x9f\xbf", ASY_ENC_UTF8, "\xed\x9f\xbf");     /* U+D7FF */
    ENC("\xee\x80\x80", ASY_ENC_UTF8, "\xee\x80\x80");     /* U+E000 */
    ENC("\xf4\x8f\xbf\xbf", ASY_ENC_UTF8, "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
    ENC("a\0b", ASY_ENC_UTF8, "a\0b");                     /* NUL is data */
}

TEST(buf_utf8_strict_and_lenient_decoding) {
    DEC("h\xc3\xa9llo", ASY_ENC_UTF8, 0, "68c3a96c6c6f");
    DEC("\xf0\x9f\x98\x80", ASY_ENC_UTF8, 0, "f09f9880");
    DEC("\xc0\x80", ASY_ENC_UTF8, 0, NULL);         /* overlong NUL */
    DEC("\xc1\xbf", ASY_ENC_UTF8, 0, NULL);         /* overlong */
    DEC("\xe0\x9f\xbf", ASY_ENC_UTF8, 0, NULL);     /* overlong */
    DEC("\xf0\x8f\xbf\xbf", ASY_ENC_UTF8, 0, NULL); /* overlong */
    DEC("\xed\xa0\x80", ASY_ENC_UTF8, 0, NULL);     /* lone high surrogate */
    DEC("\xed\xbf\xbf", ASY_ENC_UTF8, 0, NULL);     /* lone low surrogate */
    DEC("\xed\xa0\xbd\xed\xb8\x80", ASY_ENC_UTF8, 0, NULL); /* CESU-8 pair */
    DEC("\xe2\x82", ASY_ENC_UTF8, 0, NULL);         /* truncated */
    DEC("abc\xf0\x9f\x98", ASY_ENC_UTF8, 0, NULL);
    DEC("\xf4\x90\x80\x80", ASY_ENC_UTF8, 0, NULL);
    DEC("\x80", ASY_ENC_UTF8, 0, NULL);
    DEC("\xfe\xff", ASY_ENC_UTF8, 0, NULL);
    /* lenient: U+FFFD per maximal subpart, as Node's decoder */
    DEC("a\xc0\x80z", ASY_ENC_UTF8, ASY_BUF_LENIENT, "61efbfbdefbfbd7a");
    DEC("\xed\xa0\x80", ASY_ENC_UTF8, ASY_BUF_LENIENT, "efbfbdefbfbdefbfbd");
    DEC("\xf0\x90\x80", ASY_ENC_UTF8, ASY_BUF_LENIENT, "efbfbd");
    DEC("\xe2\x82\x41", ASY_ENC_UTF8, ASY_BUF_LENIENT, "efbfbd41");
    DEC("ok", ASY_ENC_UTF8, ASY_BUF_LENIENT, "6f6b");
}

TEST(buf_utf8_validation) {
    ASSERT(asy_utf8_valid("", 0));
    ASSERT(asy_utf8_valid(NULL, 0));
    ASSERT(!asy_utf8_valid(NULL, 1));
    ASSERT(asy_utf8_valid("plain ascii text, long enough for words", 39));
    ASSERT(asy_utf8_valid("\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 18));
    ASSERT(!asy_utf8_valid("aaaaaaaaaaaaaaa\xc0", 16));
    ASSERT(!asy_utf8_valid("aaaaaaaa\xed\xa0\x80", 11));
    ASSERT(!asy_utf8_valid("\xf5\x80\x80\x80", 4));
    {
        asy_buf_t b;
        ASSERT_OK(asy_buf_from_bytes(&b, "\xe2\x82\xac", 3));
        ASSERT(asy_buf_is_utf8(&b));
        b.len = 2; /* a borrowed, shorter view */
        ASSERT(!asy_buf_is_utf8(&b));
        b.len = 3;
        asy_buf_release(&b);
        ASSERT(!asy_buf_is_utf8(NULL));
    }
}

/* ---- latin1, ascii, utf16le -------------------------------------------------- */

TEST(buf_latin1_and_ascii) {
    ENC("\xe9\x41\xff", ASY_ENC_LATIN1, "\xc3\xa9\x41\xc3\xbf"); /* "éAÿ" */
    ENC("\xe2\x82\xac\x41", ASY_ENC_LATIN1, "\xc3\xa2\xc2\x82\xc2\xac\x41");
    ENC("\xe9\x41\xff\x80", ASY_ENC_ASCII, "iA\x7f\0"); /* Node clears the high bit */
    DEC("\xc3\xa9" "A\xc3\xbf", ASY_ENC_LATIN1, 0, "e941ff");
    DEC("\xe2\x82\xac", ASY_ENC_LATIN1, 0, NULL); /* U+20AC does not fit */
    DEC("\xc3\xa9", ASY_ENC_ASCII, 0, NULL);
    DEC("Az", ASY_ENC_ASCII, 0, "417a");
    DEC("\xc3", ASY_ENC_LATIN1, 0, NULL); /* ill-formed UTF-8 */
    /* lenient = Buffer.from(s, "latin1"): the low byte of each UTF-16 unit */
    DEC("\xe2\x82\xac\xc3\xa9\xf0\x9f\x98\x80", ASY_ENC_LATIN1, ASY_BUF_LENIENT, "ace93d00");
    DEC("\xc3\xbf\xc4\x80", ASY_ENC_LATIN1, ASY_BUF_LENIENT, "ff00");
    DEC("\xc3\xa9\xe2\x82\xac", ASY_ENC_ASCII, ASY_BUF_LENIENT, "e9ac");
    DEC("a\xff", ASY_ENC_LATIN1, ASY_BUF_LENIENT, "61fd"); /* U+FFFD -> fd */
}

TEST(buf_utf16le) {
    /* "A\ud800B😀" + an odd byte, as node's toString("utf16le") sees it; the
     * lone surrogate becomes U+FFFD in UTF-8 and the odd byte is dropped */
    ENC("\x41\x00\x00\xd8\x42\x00\x3d\xd8\x00\xde\x43", ASY_ENC_UTF16LE,
        "A\xef\xbf\xbd" "B\xf0\x9f\x98\x80");
    ENC("\x00\xdc\x41\x00", ASY_ENC_UTF16LE, "\xef\xbf\xbd" "A"); /* lone low surrogate */
    ENC("\x3d\xd8", ASY_ENC_UTF16LE, "\xef\xbf\xbd");             /* high at the end */
    ENC("\xe9\x00\xac\x20", ASY_ENC_UTF16LE, "\xc3\xa9\xe2\x82\xac");
    DEC("A\xc3\xa9\xf0\x9f\x98\x80", ASY_ENC_UTF16LE, 0, "4100e9003dd800de");
    DEC("\xed\xa0\x80", ASY_ENC_UTF16LE, 0, NULL);
    DEC("\xed\xa0\x80", ASY_ENC_UTF16LE, ASY_BUF_LENIENT, "fdfffdfffdff");
}

/* ---- buf.write ----------------------------------------------------------------- */

TEST(buf_write_string_follows_node) {
    asy_buf_t b;
    ASSERT_OK(asy_buf_alloc(&b, 4));
    ASSERT_EQ(asy_buf_write_string(&b, 0, "h\xc3\xa9llo", 6, ASY_ENC_UTF8, 0), 4);
    ASSERT_STR_EQ(hexof(&b), "68c3a96c");
    asy_buf_release(&b);
    ASSERT_OK(asy_buf_alloc(&b, 2)); /* no half characters */
    ASSERT_EQ(asy_buf_write_string(&b, 0, "h\xc3\xa9", 3, ASY_ENC_UTF8, 0), 1);
    ASSERT_STR_EQ(hexof(&b), "6800");
    asy_buf_release(&b);
    ASSERT_OK(asy_buf_alloc(&b, 5));
    ASSERT_EQ(asy_buf_write_string(&b, 1, "QUJDRA==", 8, ASY_ENC_BASE64, 0), 4);
    ASSERT_STR_EQ(hexof(&b), "0041424344");
    ASSERT_EQ(asy_buf_write_string(&b, 0, "QUJDRA==", 8, ASY_ENC_BASE64, 0), 4);
    ASSERT_EQ(asy_buf_write_string(&b, 3, "QUJDRA==", 8, ASY_ENC_BASE64, 0), 2); /* partial group */
    ASSERT_STR_EQ(hexof(&b), "4142434142");
    ASSERT_EQ(asy_buf_write_string(&b, 2, "abcdef", 6, ASY_ENC_HEX, 0), 3);
    ASSERT_STR_EQ(hexof(&b), "4142abcdef");
    ASSERT_EQ(asy_buf_write_string(&b, 0, "\xf0\x9f\x98\x80x", 5, ASY_ENC_UTF16LE, 0), 4);
    ASSERT_STR_EQ(hexof(&b), "3dd800deef");
    ASSERT_EQ(asy_buf_write_string(&b, 5, "ab", 2, ASY_ENC_UTF8, 0), 0); /* at the end */
    ASSERT_ERR(asy_buf_write_string(&b, 6, "ab", 2, ASY_ENC_UTF8, 0), ASY_ERANGE);
    /* strict checks the whole string first: nothing is written */
    ASSERT_ERR(asy_buf_write_string(&b, 0, "0011zz", 6, ASY_ENC_HEX, 0), ASY_EINVAL);
    ASSERT_STR_EQ(hexof(&b), "3dd800deef");
    ASSERT_EQ(asy_buf_write_string(&b, 0, "0011zz", 6, ASY_ENC_HEX, ASY_BUF_LENIENT), 2);
    ASSERT_STR_EQ(hexof(&b), "001100deef");
    ASSERT_ERR(asy_buf_write_string(NULL, 0, "a", 1, ASY_ENC_UTF8, 0), ASY_EINVAL);
    asy_buf_release(&b);
}

TEST(buf_encode_into_and_lengths) {
    asy_buf_t b;
    char dst[16];
    ASSERT_OK(asy_buf_from_string(&b, "hello", ASY_ENC_UTF8));
    ASSERT_EQ(asy_buf_string_length(&b, ASY_ENC_BASE64), 8);
    ASSERT_EQ(asy_buf_string_length(&b, ASY_ENC_BASE64URL), 7);
    ASSERT_EQ(asy_buf_string_length(&b, ASY_ENC_HEX), 10);
    ASSERT_ERR(asy_buf_encode_into(&b, ASY_ENC_BASE64, dst, 7), ASY_ERANGE);
    ASSERT_EQ(asy_buf_encode_into(&b, ASY_ENC_BASE64, dst, 8), 8);
    ASSERT_MEM_EQ(dst, "aGVsbG8=", 8);
    ASSERT_ERR(asy_buf_encode_into(&b, ASY_ENC_HEX, NULL, 100), ASY_EINVAL);
    asy_buf_release(&b);
    /* byte lengths (Buffer.byteLength, exact here) */
    ASSERT_EQ(asy_buf_byte_length("A\xc3\xa9", 3, ASY_ENC_UTF16LE, 0), 4);
    ASSERT_EQ(asy_buf_byte_length("A\xc3\xa9", 3, ASY_ENC_LATIN1, 0), 2);
    ASSERT_EQ(asy_buf_byte_length("A\xc3\xa9", 3, ASY_ENC_UTF8, 0), 3);
    ASSERT_EQ(asy_buf_byte_length("a\xff" "b", 3, ASY_ENC_UTF8, ASY_BUF_LENIENT), 5);
    ASSERT_EQ(asy_buf_byte_length("aGVsbG8=", 8, ASY_ENC_BASE64, 0), 5);
    ASSERT_EQ(asy_buf_byte_length("abc", 3, ASY_ENC_HEX, ASY_BUF_LENIENT), 1);
}

/* ---- round trips --------------------------------------------------------------- */

static void random_bytes(uint8_t *p, size_t n, int ascii) {
    size_t i;
    for (i = 0; i < n; i++) p[i] = (uint8_t)(ascii ? rng() % 128 : rng());
}

/* Random well-formed UTF-8 of about n bytes, every length class and the
 * range edges included. */
static size_t random_utf8(uint8_t *p, size_t n) {
    static const uint32_t edges[] = {0, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd,
                                     0xffff, 0x10000, 0x10ffff};
    size_t o = 0;
    while (o + 4 <= n) {
        uint32_t cp;
        switch (rng() % 5) {
            case 0: cp = (uint32_t)(rng() % 0x80); break;
            case 1: cp = 0x80 + (uint32_t)(rng() % (0x800 - 0x80)); break;
            case 2: cp = 0x800 + (uint32_t)(rng() % (0x10000 - 0x800)); break;
            case 3: cp = 0x10000 + (uint32_t)(rng() % 0x100000); break;
            default: cp = edges[rng() % ASY_ARRAY_SIZE(edges)]; break;
        }
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
        if (cp < 0x80) {
            p[o++] = (uint8_t)cp;
        } else if (cp < 0x800) {
            p[o++] = (uint8_t)(0xc0 | (cp >> 6));
            p[o++] = (uint8_t)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            p[o++] = (uint8_t)(0xe0 | (cp >> 12));
            p[o++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
            p[o++] = (uint8_t)(0x80 | (cp & 0x3f));
        } else {
            p[o++] = (uint8_t)(0xf0 | (cp >> 18));
            p[o++] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
            p[o++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
            p[o++] = (uint8_t)(0x80 | (cp & 0x3f));
        }
    }
    return o;
}

/* bytes -> string -> bytes must give the bytes back, and the string must
 * come back unchanged too when encoded again. */
static void roundtrip(const uint8_t *bytes, size_t n, asy_encoding_t enc, unsigned flags) {
    asy_buf_t a, b;
    char *s, *s2;
    size_t len, len2;
    ASSERT_OK(asy_buf_from_bytes(&a, bytes, n));
    ASSERT_OK(asy_buf_to_string(&a, enc, &s, &len));
    ASSERT_OK(asy_buf_from_stringn(&b, s, len, enc, flags));
    if (!asy_buf_equals(&a, &b))
        FAIL("%s round trip of %zu bytes (flags %u) changed them", asy_encoding_name(enc), n,
             flags);
    ASSERT_EQ(asy_buf_byte_length(s, len, enc, flags), (ptrdiff_t)n);
    ASSERT_OK(asy_buf_to_string(&b, enc, &s2, &len2));
    ASSERT_EQ(len2, len);
    ASSERT_MEM_EQ(s2, s, len);
    asy_free(s);
    asy_free(s2);
    asy_buf_release(&a);
    asy_buf_release(&b);
}

TEST_T(buf_roundtrip_every_encoding, 30000) {
    enum { MAX = 2100 };
    uint8_t *p = (uint8_t *)malloc(MAX);
    int it;
    for (it = 0; it < 400; it++) {
        /* short lengths often, long ones (SIMD blocks and tails) sometimes */
        size_t n = it % 4 ? rng() % 80 : rng() % MAX;
        unsigned fl;
        for (fl = 0; fl <= ASY_BUF_LENIENT; fl++) {
            random_bytes(p, n, 0);
            roundtrip(p, n, ASY_ENC_HEX, fl);
            roundtrip(p, n, ASY_ENC_BASE64, fl);
            roundtrip(p, n, ASY_ENC_BASE64URL, fl);
            roundtrip(p, n, ASY_ENC_LATIN1, fl);
            random_bytes(p, n, 1);
            roundtrip(p, n, ASY_ENC_ASCII, fl);
            roundtrip(p, random_utf8(p, n), ASY_ENC_UTF8, fl);
        }
    }
    free(p);
}

TEST_T(buf_roundtrip_utf16le_and_replacement, 30000) {
    enum { MAX = 600 };
    uint8_t *p = (uint8_t *)malloc(MAX * 2);
    int it;
    for (it = 0; it < 300; it++) {
        size_t n = random_utf8(p, rng() % MAX), len, i;
        asy_buf_t text, u16, garbage, fixed;
        char *s;
        /* UTF-8 -> UTF-16LE -> UTF-8 is the identity on well-formed text */
        ASSERT_OK(asy_buf_from_stringn(&u16, (const char *)p, n, ASY_ENC_UTF16LE, 0));
        ASSERT_OK(asy_buf_to_string(&u16, ASY_ENC_UTF16LE, &s, &len));
        ASSERT_OK(asy_buf_from_bytes(&text, p, n));
        ASSERT_EQ(len, n);
        ASSERT_MEM_EQ(s, p, n);
        asy_free(s);
        roundtrip(u16.data, u16.len, ASY_ENC_UTF16LE, 0);
        asy_buf_release(&u16);
        asy_buf_release(&text);
        /* random bytes: toString gives well-formed UTF-8, and decoding that
         * back (strictly) and encoding again changes nothing */
        n = rng() % MAX;
        for (i = 0; i < n; i++) p[i] = (uint8_t)rng();
        ASSERT_OK(asy_buf_from_bytes(&garbage, p, n));
        ASSERT_OK(asy_buf_to_string(&garbage, ASY_ENC_UTF8, &s, &len));
        ASSERT(asy_utf8_valid(s, len));
        ASSERT_OK(asy_buf_from_stringn(&fixed, s, len, ASY_ENC_UTF8, 0));
        roundtrip(fixed.data, fixed.len, ASY_ENC_UTF8, 0);
        asy_free(s);
        /* lenient decoding of the raw bytes equals toString of them */
        asy_buf_release(&fixed);
        ASSERT_OK(asy_buf_from_stringn(&fixed, (const char *)p, n, ASY_ENC_UTF8, ASY_BUF_LENIENT));
        ASSERT_OK(asy_buf_to_string(&garbage, ASY_ENC_UTF8, &s, &len));
        ASSERT_EQ(fixed.len, len);
        ASSERT_MEM_EQ(fixed.data, s, len);
        asy_free(s);
        ASSERT_OK(asy_buf_to_string(&garbage, ASY_ENC_UTF16LE, &s, &len));
        ASSERT(asy_utf8_valid(s, len));
        asy_free(s);
        asy_buf_release(&fixed);
        asy_buf_release(&garbage);
    }
    free(p);
}
