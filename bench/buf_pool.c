/* Does a Node-style small-buffer pool pay for asy_buf_alloc_unsafe?
 *
 * Node carves Buffer.allocUnsafe(n < 4 KiB) out of a shared 8 KiB pool
 * because creating an ArrayBuffer costs far more than bumping an offset.
 * Here the pool is modelled with public calls: one 8 KiB buffer, and each
 * allocation is an owning slice of it (a reference count increment); a
 * fresh pool is made when it runs out.  That is the whole mechanism a
 * library pool would use, minus the (thread-local) bookkeeping.
 *
 * Metrics, ns per allocate + write + release, at several sizes:
 *   alloc_<n>       asy_buf_alloc_unsafe (one malloc of header + bytes)
 *   pool_<n>        the pool
 * and the same with 256 buffers alive at once (alive_*), which is where a
 * pool usually wins against malloc.  This is a design measurement
 * (docs/buf.md, "Small-buffer pool").  The Node twin
 * (bench/peers/buf_pool.mjs) times allocUnsafeSlow (no pool) as alloc_<n>
 * and allocUnsafe (Node's pool) as pool_<n>. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POOL_SIZE 8192
#define OPS 2000000

typedef struct {
    asy_buf_t pool;
    size_t off;
} pool_t;

static int pool_alloc(pool_t *p, asy_buf_t *out, size_t n) {
    if (n >= POOL_SIZE / 2) return asy_buf_alloc_unsafe(out, n);
    if (p->pool.len - p->off < n) {
        int r;
        asy_buf_release(&p->pool);
        r = asy_buf_alloc_unsafe(&p->pool, POOL_SIZE);
        if (r < 0) return r;
        p->off = 0;
    }
    /* align like Node does (8 bytes) */
    asy_buf_slice(out, &p->pool, (ptrdiff_t)p->off, (ptrdiff_t)(p->off + n));
    p->off = (p->off + n + 7) & ~(size_t)7;
    if (p->off > p->pool.len) p->off = p->pool.len;
    return 0;
}

static volatile uint8_t sink;

static double one_at_a_time(int use_pool, size_t n) {
    pool_t p;
    uint64_t t0;
    int i;
    memset(&p, 0, sizeof(p));
    t0 = asy_hrtime();
    for (i = 0; i < OPS; i++) {
        asy_buf_t b;
        if ((use_pool ? pool_alloc(&p, &b, n) : asy_buf_alloc_unsafe(&b, n)) < 0) exit(1);
        memset(b.data, i, n);
        sink = b.data[n - 1];
        asy_buf_release(&b);
    }
    asy_buf_release(&p.pool);
    return (double)(asy_hrtime() - t0) / OPS;
}

static double many_alive(int use_pool, size_t n) {
    enum { LIVE = 256 };
    asy_buf_t live[LIVE];
    pool_t p;
    uint64_t t0;
    int i, k;
    memset(&p, 0, sizeof(p));
    memset(live, 0, sizeof(live));
    t0 = asy_hrtime();
    for (i = 0; i < OPS / LIVE; i++) {
        for (k = 0; k < LIVE; k++) {
            if ((use_pool ? pool_alloc(&p, &live[k], n) : asy_buf_alloc_unsafe(&live[k], n)) < 0)
                exit(1);
            memset(live[k].data, k, n);
        }
        for (k = 0; k < LIVE; k++) {
            sink = live[k].data[0];
            asy_buf_release(&live[k]);
        }
    }
    asy_buf_release(&p.pool);
    return (double)(asy_hrtime() - t0) / (OPS / LIVE * LIVE);
}

int main(void) {
    static const size_t sizes[] = {16, 64, 256, 1024};
    size_t i;
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t n = sizes[i];
        printf("BENCH alloc_%zu %.1f ns lower\n", n, one_at_a_time(0, n));
        printf("BENCH pool_%zu %.1f ns lower\n", n, one_at_a_time(1, n));
        printf("BENCH alive_alloc_%zu %.1f ns lower\n", n, many_alive(0, n));
        printf("BENCH alive_pool_%zu %.1f ns lower\n", n, many_alive(1, n));
    }
    return 0;
}
