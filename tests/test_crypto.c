/* crypto: hashes and HMACs against Node's on random inputs, the hash as
 * a Transform, timingSafeEqual, random bytes, pbkdf2 on the pool. */
#include "../asyncrt.h"
#include "test.h"
#include "net_util.h"
#include "tls_util.h"

#ifdef ASYNCRT_WITH_MBEDTLS

static void hex(const uint8_t *p, size_t n, char *out) {
    size_t i;
    for (i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", p[i]);
    out[2 * n] = 0;
}

TEST_T(crypto_hash_hmac_match_node, 60000) {
    static const char *const algs[] = {"md5", "sha1", "sha256", "sha512", "sha384", "sha224"};
    char in[64], outp[64], cmd[1024], line[512], want[300];
    FILE *f, *p;
    int i, k;
    uint8_t data[2048], key[200], d[ASY_CRYPTO_MAX_DIGEST];
    size_t lens[40], klens[40];
    char *dh = (char *)malloc(2 * sizeof(data) + 1), kh[2 * sizeof(key) + 1];
    if (!tls_have("node")) SKIP("node is not installed");
    snprintf(in, sizeof(in), "crypto-in-%d.txt", (int)getpid());
    snprintf(outp, sizeof(outp), "crypto-out-%d.txt", (int)getpid());
    f = fopen(in, "w");
    ASSERT_NOT_NULL(f);
    /* 40 random cases: random lengths (0 included), random keys (longer
     * than a block included) */
    ASSERT_OK(asy_crypto_random_bytes(data, sizeof(data)));
    for (i = 0; i < 40; i++) {
        uint8_t r[4];
        ASSERT_OK(asy_crypto_random_bytes(r, 4));
        lens[i] = i == 0 ? 0 : (size_t)(r[0] | r[1] << 8) % sizeof(data);
        klens[i] = (size_t)r[2] % sizeof(key);
        ASSERT_OK(asy_crypto_random_bytes(key, klens[i]));
        hex(data, lens[i], dh);
        hex(key, klens[i], kh);
        fprintf(f, "%s %s %s\n", algs[i % 6], kh[0] ? kh : "-", dh[0] ? dh : "-");
        fprintf(f, "#%d\n", i); /* a comment line Node skips */
    }
    fclose(f);
    snprintf(cmd, sizeof(cmd),
             "node -e \"const c=require('crypto');for(const l of require('fs').readFileSync('%s','utf8')"
             ".split('\\n')){if(!l||l[0]=='#')continue;const [a,k,d]=l.split(' ');"
             "const key=Buffer.from(k=='-'?'':k,'hex'),data=Buffer.from(d=='-'?'':d,'hex');"
             "console.log(c.createHash(a).update(data).digest('hex')+' '+c.createHmac(a,key)"
             ".update(data).digest('hex'))}\" >%s",
             in, outp);
    ASSERT_EQ(system(cmd), 0);
    f = fopen(in, "r");
    p = fopen(outp, "r");
    ASSERT_NOT_NULL(p);
    for (i = 0; i < 40; i++) {
        char a[16], khex[512], dhex[4200], got[300];
        int n;
        size_t kl = 0, dl = 0;
        uint8_t kb[256];
        ASSERT_EQ(fscanf(f, "%15s %511s %4199s\n", a, khex, dhex), 3);
        if (fgets(line, sizeof(line), f) == NULL) FAIL("input");
        if (strcmp(khex, "-") != 0)
            for (kl = 0; khex[2 * kl]; kl++) sscanf(khex + 2 * kl, "%2hhx", &kb[kl]);
        if (strcmp(dhex, "-") != 0)
            for (dl = 0; dhex[2 * dl]; dl++) sscanf(dhex + 2 * dl, "%2hhx", &data[dl]);
        ASSERT_EQ(dl, lens[i]);
        if (fgets(want, sizeof(want), p) == NULL) FAIL("node output");
        want[strcspn(want, "\n")] = 0;
        n = asy_crypto_hash(a, data, dl, d);
        ASSERT_EQ(n, asy_crypto_digest_size(a));
        hex(d, (size_t)n, got);
        strcat(got, " ");
        k = asy_crypto_hmac(a, kb, kl, data, dl, d);
        ASSERT_EQ(k, n);
        hex(d, (size_t)k, got + strlen(got));
        if (strcmp(got, want) != 0) FAIL("%s case %d: got %s, node %s", a, i, got, want);
    }
    fclose(f);
    fclose(p);
    unlink(in);
    unlink(outp);
    free(dh);
}

typedef struct hs {
    uint8_t out[64];
    size_t len;
    int closed;
} hs;
static void hs_data(asy_stream_t *s, const asy_buf_t *b) {
    hs *h = (hs *)s->data;
    memcpy(h->out + h->len, b->data, b->len);
    h->len += b->len;
}
static void hs_close(asy_stream_t *s) { ((hs *)s->data)->closed = 1; }
static const asy_stream_events_t hs_events = {hs_data, NULL, NULL, NULL, NULL,
                                            NULL,    hs_close, NULL, NULL};

TEST(crypto_hash_transform_equals_oneshot) {
    asy_loop_t loop;
    asy_crypto_hash_t h, m;
    hs got, gotm;
    uint8_t data[100000], want[64], wantm[64];
    size_t off = 0;
    net_loop_init(&loop, "epoll");
    memset(&got, 0, sizeof(got));
    memset(&gotm, 0, sizeof(gotm));
    ASSERT_OK(asy_crypto_random_bytes(data, sizeof(data)));
    ASSERT_OK(asy_crypto_hash_init(&loop, &h, "sha256"));
    ASSERT_OK(asy_crypto_hmac_init(&loop, &m, "SHA512", "k", 1));
    h.stream.data = &got;
    m.stream.data = &gotm;
    asy_stream_set_events(&h.stream, &hs_events);
    asy_stream_set_events(&m.stream, &hs_events);
    while (off < sizeof(data)) {
        size_t n = sizeof(data) - off < 7777 ? sizeof(data) - off : 7777;
        asy_stream_write_bytes(&h.stream, data + off, n, NULL, NULL);
        asy_stream_write_bytes(&m.stream, data + off, n, NULL, NULL);
        off += n;
    }
    asy_stream_end(&h.stream, NULL, NULL);
    asy_stream_end(&m.stream, NULL, NULL);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(got.closed, 1);
    ASSERT_EQ(asy_crypto_hash("sha256", data, sizeof(data), want), 32);
    ASSERT_EQ(got.len, 32);
    ASSERT_MEM_EQ(got.out, want, 32);
    ASSERT_EQ(asy_crypto_hmac("sha512", "k", 1, data, sizeof(data), wantm), 64);
    ASSERT_EQ(gotm.len, 64);
    ASSERT_MEM_EQ(gotm.out, wantm, 64);
    asy_crypto_hash_free(&h);
    asy_crypto_hash_free(&m);
    net_loop_finish(&loop);
}

TEST(crypto_update_digest_and_errors) {
    asy_crypto_hash_t h;
    uint8_t d[64];
    char x[129];
    ASSERT_OK(asy_crypto_hash_init(NULL, &h, "md5"));
    ASSERT_OK(asy_crypto_hash_update(&h, "ab", 2));
    ASSERT_OK(asy_crypto_hash_update(&h, "c", 1));
    ASSERT_EQ(asy_crypto_hash_digest(&h, d), 16);
    hex(d, 16, x);
    ASSERT_STR_EQ(x, "900150983cd24fb0d6963f7d28e17f72"); /* RFC 1321 "abc" */
    ASSERT_ERR(asy_crypto_hash_digest(&h, d), ASY_EINVAL);    /* digest twice */
    ASSERT_ERR(asy_crypto_hash_update(&h, "x", 1), ASY_EINVAL);
    asy_crypto_hash_free(&h);
    ASSERT_ERR(asy_crypto_hash_init(NULL, &h, "whirlpool"), ASY_EINVAL);
    ASSERT_ERR(asy_crypto_digest_size("nope"), ASY_EINVAL);
    ASSERT_ERR(asy_crypto_hash("sha1", NULL, 3, d), ASY_EINVAL);
    ASSERT_EQ(asy_crypto_hash("sha1", "", 0, d), 20);
    hex(d, 20, x);
    ASSERT_STR_EQ(x, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    ASSERT_EQ(asy_crypto_timing_safe_equal("abc", "abc", 3), 1);
    ASSERT_EQ(asy_crypto_timing_safe_equal("abc", "abd", 3), 0);
    ASSERT_EQ(asy_crypto_timing_safe_equal(NULL, NULL, 0), 1);
    ASSERT_ERR(asy_crypto_timing_safe_equal(NULL, "a", 1), ASY_EINVAL);
    ASSERT_ERR(asy_crypto_random_bytes(NULL, 1), ASY_EINVAL);
}

TEST(crypto_random_bytes_differ) {
    uint8_t a[32], b[32];
    ASSERT_OK(asy_crypto_random_bytes(a, sizeof(a)));
    ASSERT_OK(asy_crypto_random_bytes(b, sizeof(b)));
    ASSERT(memcmp(a, b, sizeof(a)) != 0);
}

static char pb_hex[200];
static int pb_status = 1;
static void pb_done(asy_crypto_pbkdf2_t *req, int status, const uint8_t *key, size_t len) {
    (void)req;
    pb_status = status;
    if (status == 0) hex(key, len, pb_hex);
}

TEST_T(crypto_pbkdf2_on_pool, 20000) {
    asy_loop_t loop;
    asy_crypto_pbkdf2_t req;
    net_loop_init(&loop, "epoll");
    /* RFC 6070, 4096 iterations */
    ASSERT_OK(asy_crypto_pbkdf2(&loop, &req, "password", 8, "salt", 4, 4096, 20, "sha1", pb_done));
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(pb_status, 0);
    ASSERT_STR_EQ(pb_hex, "4b007901b765489abead49d926f721d065a429c1");
    ASSERT_OK(asy_crypto_pbkdf2(&loop, &req, "pw", 2, "NaCl", 4, 1000, 32, "sha256", pb_done));
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(pb_status, 0);
    ASSERT_EQ(strlen(pb_hex), 64);
    ASSERT_ERR(asy_crypto_pbkdf2(&loop, &req, "p", 1, "s", 1, 0, 20, "sha1", pb_done), ASY_EINVAL);
    ASSERT_ERR(asy_crypto_pbkdf2(&loop, &req, "p", 1, "s", 1, 1, 20, "md4", pb_done), ASY_EINVAL);
    net_loop_finish(&loop);
}

#endif
