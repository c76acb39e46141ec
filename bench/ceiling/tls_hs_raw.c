/* The ceiling of bench/tls.c's hs_ecdsa row: the public-key work of one
 * full TLS 1.2 ECDHE-ECDSA (P-256) handshake with both ends in one
 * thread, as bench/tls.c runs it, done with mbedTLS 2.28's own calls and
 * nothing else: the server's ephemeral key and signature over it, the
 * client's ephemeral key, both shared secrets, and the client's two
 * signature checks (the leaf by the intermediate and the server's
 * ServerKeyExchange by the leaf; the intermediate by the root makes a
 * third).  No records, hashes of the transcript, certificates parsing,
 * sockets or loop.  The bench's handshakes/s over this is the fraction of
 * the ceiling asyncrt reaches (docs/tls.md, Figures).
 *
 *   CEILING hs_ecdsa_p256_pk_ops <handshakes/s>
 *   CEILING p256_sign <ops/s>  p256_verify <ops/s>  p256_ecdh <ops/s> */
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/entropy.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static mbedtls_ctr_drbg_context drbg;
static mbedtls_ecdsa_context leaf;
static unsigned char hash[32];

static int sign_once(unsigned char *sig, size_t *len) {
    return mbedtls_ecdsa_write_signature(&leaf, MBEDTLS_MD_SHA256, hash, 32, sig, len,
                                         mbedtls_ctr_drbg_random, &drbg);
}

static int verify_once(const unsigned char *sig, size_t len) {
    return mbedtls_ecdsa_read_signature(&leaf, hash, 32, sig, len);
}

/* One ECDHE: both ends make a key pair, both compute the secret. */
static int ecdhe_once(void) {
    mbedtls_ecp_group g;
    mbedtls_mpi da, db, z;
    mbedtls_ecp_point qa, qb;
    int r;
    mbedtls_ecp_group_init(&g);
    mbedtls_mpi_init(&da);
    mbedtls_mpi_init(&db);
    mbedtls_mpi_init(&z);
    mbedtls_ecp_point_init(&qa);
    mbedtls_ecp_point_init(&qb);
    r = mbedtls_ecp_group_load(&g, MBEDTLS_ECP_DP_SECP256R1);
    if (!r) r = mbedtls_ecdh_gen_public(&g, &da, &qa, mbedtls_ctr_drbg_random, &drbg);
    if (!r) r = mbedtls_ecdh_gen_public(&g, &db, &qb, mbedtls_ctr_drbg_random, &drbg);
    if (!r) r = mbedtls_ecdh_compute_shared(&g, &z, &qb, &da, mbedtls_ctr_drbg_random, &drbg);
    if (!r) r = mbedtls_ecdh_compute_shared(&g, &z, &qa, &db, mbedtls_ctr_drbg_random, &drbg);
    mbedtls_ecp_group_free(&g);
    mbedtls_mpi_free(&da);
    mbedtls_mpi_free(&db);
    mbedtls_mpi_free(&z);
    mbedtls_ecp_point_free(&qa);
    mbedtls_ecp_point_free(&qb);
    return r;
}

int main(void) {
    mbedtls_entropy_context ent;
    unsigned char sig[MBEDTLS_ECDSA_MAX_LEN];
    size_t len = 0;
    const char *env = getenv("TLS_BENCH_SECS");
    double secs = env ? atof(env) : 1.0, t0, t, sign_s, verify_s, ecdhe_s;
    long n;
    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_ecdsa_init(&leaf);
    if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, NULL, 0) != 0 ||
        mbedtls_ecdsa_genkey(&leaf, MBEDTLS_ECP_DP_SECP256R1, mbedtls_ctr_drbg_random, &drbg) != 0)
        return 1;
    memset(hash, 0xab, sizeof(hash));
    for (n = 0, t0 = now_s(); (t = now_s() - t0) < secs; n++)
        if (sign_once(sig, &len) != 0) return 1;
    sign_s = t / (double)n;
    for (n = 0, t0 = now_s(); (t = now_s() - t0) < secs; n++)
        if (verify_once(sig, len) != 0) return 1;
    verify_s = t / (double)n;
    for (n = 0, t0 = now_s(); (t = now_s() - t0) < secs; n++)
        if (ecdhe_once() != 0) return 1;
    ecdhe_s = t / (double)n;
    printf("CEILING p256_sign %.0f ops/s\n", 1.0 / sign_s);
    printf("CEILING p256_verify %.0f ops/s\n", 1.0 / verify_s);
    printf("CEILING p256_ecdhe_both_ends %.0f ops/s\n", 1.0 / ecdhe_s);
    /* one signature, three checks, one ECDHE with both ends */
    printf("CEILING hs_ecdsa_p256_pk_ops %.1f handshakes/s\n",
           1.0 / (sign_s + 3.0 * verify_s + ecdhe_s));
    mbedtls_ecdsa_free(&leaf);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
    return 0;
}
