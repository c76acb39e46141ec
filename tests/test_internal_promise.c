/* The promise layer's private pieces: the object pool (bump, free list,
 * restart when empty, reserve, the live walk) and the pointer map of the
 * resource pool.  A TU with its own static copy of the implementation. */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "test.h"

typedef struct {
    void *hdr;
    int value;
} obj_t;

static void count_live(void *obj, void *ctx) {
    (void)obj;
    (*(int *)ctx)++;
}

TEST(internal_objpool_bump_free_and_restart) {
    asy__objpool p;
    obj_t *objs[1000], *again;
    int i, live;
    asy__objpool_init(&p, sizeof(obj_t), ASY__OBJ_LIVE);
    for (i = 0; i < 1000; i++) {
        objs[i] = (obj_t *)asy__objpool_alloc(&p);
        ASSERT_NOT_NULL(objs[i]);
        ASSERT_EQ((uintptr_t)objs[i] % 8, 0);
        objs[i]->value = i;
    }
    /* chunks start on a cache line */
    ASSERT_EQ((uintptr_t)objs[0] % 64, 0);
    live = 0;
    asy__objpool_each_live(&p, count_live, &live);
    ASSERT_EQ(live, 1000);
    /* LIFO reuse while others are live */
    asy__objpool_free(&p, objs[500]);
    asy__objpool_free(&p, objs[7]);
    again = (obj_t *)asy__objpool_alloc(&p);
    ASSERT_PTR_EQ(again, objs[7]);
    live = 0;
    asy__objpool_each_live(&p, count_live, &live);
    ASSERT_EQ(live, 999);
    /* everything back: allocation restarts at the first object, in order */
    for (i = 0; i < 1000; i++)
        if (i != 500) asy__objpool_free(&p, objs[i]);
    live = 0;
    asy__objpool_each_live(&p, count_live, &live);
    ASSERT_EQ(live, 0);
    for (i = 0; i < 1000; i++) ASSERT_PTR_EQ(asy__objpool_alloc(&p), objs[i]);
    live = 0;
    asy__objpool_each_live(&p, count_live, &live);
    ASSERT_EQ(live, 1000);
    asy__objpool_destroy(&p);
}

TEST(internal_objpool_reserve_guarantees_allocations) {
    asy__objpool p;
    size_t i;
    asy__objpool_init(&p, 64, ASY__OBJ_LIVE);
    ASSERT_OK(asy__objpool_alloc(&p) ? 0 : -1);
    ASSERT_OK(asy__objpool_reserve(&p, 100000));
    ASSERT_GE(p.total - p.live, 100000u);
    for (i = 0; i < 100000; i++) ASSERT_NOT_NULL(asy__objpool_alloc(&p));
    ASSERT_EQ(p.live, 100001u);
    asy__objpool_destroy(&p);
}

TEST(internal_ptrmap_put_get_delete) {
    asy__ptrmap m;
    static int keys[5000];
    int i;
    memset(&m, 0, sizeof(m));
    for (i = 0; i < 5000; i++) ASSERT_OK(asy__ptrmap_put(&m, &keys[i], (void *)(intptr_t)(i + 1)));
    ASSERT_ERR(asy__ptrmap_put(&m, &keys[3], NULL), ASY_EEXIST);
    ASSERT_ERR(asy__ptrmap_put(&m, NULL, NULL), ASY_EINVAL);
    for (i = 0; i < 5000; i++) ASSERT_EQ((intptr_t)asy__ptrmap_get(&m, &keys[i]), i + 1);
    /* delete every other key: the rest stay reachable (backward shift) */
    for (i = 0; i < 5000; i += 2) asy__ptrmap_del(&m, &keys[i]);
    for (i = 0; i < 5000; i++)
        ASSERT_EQ((intptr_t)asy__ptrmap_get(&m, &keys[i]), i % 2 ? i + 1 : 0);
    ASSERT_EQ(m.count, 2500u);
    asy__ptrmap_del(&m, &keys[0]); /* absent: no-op */
    ASSERT_EQ(m.count, 2500u);
    for (i = 1; i < 5000; i += 2) asy__ptrmap_del(&m, &keys[i]);
    ASSERT_EQ(m.count, 0u);
    ASSERT_NULL(asy__ptrmap_get(&m, &keys[1]));
    asy__ptrmap_free(&m);
}
