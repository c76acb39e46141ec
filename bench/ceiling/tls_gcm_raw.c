/* The ceiling of bench/tls.c's bulk row: what mbedTLS 2.28's AES-128-GCM
 * does with no library around it.  bench/tls.c runs both ends of one TLS
 * connection in one thread, so every byte is sealed once (the sender's
 * record) and opened once (the receiver's); this does exactly that to
 * 16 KiB records (TLS 1.2's largest: 8-byte explicit nonce, 13-byte AAD,
 * 16-byte tag) in memory: no sockets, no BIO, no streams, no loop.  The
 * bench's MB/s over this one is the fraction of the ceiling asyncrt
 * reaches (docs/tls.md, Figures).
 *
 *   CEILING gcm_seal_open_16k <MB/s>
 *   CEILING gcm_seal_16k <MB/s>        (one direction, for reference) */
#include <mbedtls/gcm.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REC 16384

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
    static unsigned char key[16], plain[REC], sealed[REC], opened[REC];
    unsigned char iv[12], aad[13], tag[16];
    mbedtls_gcm_context enc, dec;
    const char *env = getenv("TLS_BENCH_SECS");
    double secs = env ? atof(env) : 2.0, t0, t;
    unsigned long long n = 0, seq = 0;
    size_t i;
    for (i = 0; i < sizeof(key); i++) key[i] = (unsigned char)(i * 7 + 1);
    for (i = 0; i < REC; i++) plain[i] = (unsigned char)i;
    mbedtls_gcm_init(&enc);
    mbedtls_gcm_init(&dec);
    if (mbedtls_gcm_setkey(&enc, MBEDTLS_CIPHER_ID_AES, key, 128) != 0 ||
        mbedtls_gcm_setkey(&dec, MBEDTLS_CIPHER_ID_AES, key, 128) != 0)
        return 1;
    memset(iv, 0x5a, 4); /* the implicit salt */
    memset(aad, 0, sizeof(aad));
    aad[8] = 23; /* application_data */
    aad[9] = 3;
    aad[10] = 3;
    aad[11] = REC >> 8;
    aad[12] = REC & 0xff;
    for (int pass = 0; pass < 2; pass++) { /* 0: seal + open, 1: seal only */
        n = 0;
        t0 = now_s();
        do {
            int k;
            for (k = 0; k < 16; k++) {
                seq++;
                memcpy(iv + 4, &seq, 8);
                memcpy(aad, &seq, 8);
                if (mbedtls_gcm_crypt_and_tag(&enc, MBEDTLS_GCM_ENCRYPT, REC, iv, 12, aad, 13, plain,
                                              sealed, 16, tag) != 0)
                    return 1;
                if (pass == 0 && mbedtls_gcm_auth_decrypt(&dec, REC, iv, 12, aad, 13, tag, 16,
                                                          sealed, opened) != 0)
                    return 1;
                n += REC;
            }
            t = now_s() - t0;
        } while (t < secs);
        if (pass == 0 && memcmp(opened, plain, REC) != 0) return 1;
        printf("CEILING %s %.1f MB/s\n", pass == 0 ? "gcm_seal_open_16k" : "gcm_seal_16k",
               (double)n / 1e6 / t);
    }
    mbedtls_gcm_free(&enc);
    mbedtls_gcm_free(&dec);
    return 0;
}
