/* Unit tests of the base layer's private utilities (queue, heap).  This
 * translation unit carries its own static copy of the implementation
 * (ASYNCRT_STATIC), which is how tests reach asy__ functions. */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "test.h"

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#endif

/* The OS handle types and the room an op keeps for its backend
 * (base/config.h): on Windows against the real HANDLE, SOCKET, OVERLAPPED
 * and AcceptEx's address slot size, which is what the IOCP backend will
 * put there. */
TEST(internal_os_handle_types_and_op_backend_area) {
#ifdef _WIN32
    size_t acceptex = sizeof(OVERLAPPED) + sizeof(SOCKET) + 2 * (sizeof(SOCKADDR_IN6) + 16);
    ASSERT_EQ(sizeof(asy_os_fd_t), sizeof(HANDLE));
    ASSERT_EQ(sizeof(asy_os_sock_t), sizeof(SOCKET));
    ASSERT(ASY_OS_FD_INVALID == (asy_os_fd_t)INVALID_HANDLE_VALUE);
    ASSERT(ASY_OS_SOCK_INVALID == (asy_os_sock_t)INVALID_SOCKET);
    ASSERT_GE(sizeof(asy__op_backend_area), acceptex);
    ASSERT_LE(sizeof(asy__op_backend_area), acceptex + 8);
#else
    ASSERT_EQ(sizeof(asy_os_fd_t), sizeof(int));
    ASSERT_EQ(sizeof(asy_os_sock_t), sizeof(int));
    ASSERT_EQ(ASY_OS_FD_INVALID, -1);
    ASSERT_EQ(ASY_OS_SOCK_INVALID, -1);
    /* no per-op room for the POSIX backends (base/config.h says why) */
    ASSERT_EQ(ASY__OP_BACKEND_U64, 0);
#endif
}

typedef struct {
    int value;
    asy__queue link;
} qitem;

TEST(internal_queue_basic) {
    asy__queue h, *q;
    qitem items[5];
    int i, expect;
    asy__queue_init(&h);
    ASSERT(asy__queue_empty(&h));
    for (i = 0; i < 5; i++) {
        items[i].value = i;
        asy__queue_insert_tail(&h, &items[i].link);
    }
    ASSERT(!asy__queue_empty(&h));
    expect = 0;
    ASY__QUEUE_FOREACH(q, &h) {
        ASSERT_EQ(ASY_CONTAINER_OF(q, qitem, link)->value, expect);
        expect++;
    }
    ASSERT_EQ(expect, 5);
    asy__queue_remove(&items[2].link);
    asy__queue_remove(&items[2].link); /* removing twice is harmless */
    ASSERT_EQ(ASY_CONTAINER_OF(asy__queue_head(&h), qitem, link)->value, 0);
    ASSERT_EQ(ASY_CONTAINER_OF(asy__queue_tail(&h), qitem, link)->value, 4);
    asy__queue_insert_head(&h, &items[2].link);
    ASSERT_EQ(ASY_CONTAINER_OF(asy__queue_head(&h), qitem, link)->value, 2);
}

TEST(internal_queue_move) {
    asy__queue a, b, *q;
    qitem items[6];
    int i, expect[] = {3, 4, 5, 0, 1, 2}, n = 0;
    asy__queue_init(&a);
    asy__queue_init(&b);
    asy__queue_move(&a, &b); /* empty to empty */
    ASSERT(asy__queue_empty(&b));
    for (i = 0; i < 6; i++) {
        items[i].value = i;
        asy__queue_insert_tail(i < 3 ? &a : &b, &items[i].link);
    }
    asy__queue_move(&a, &b);
    ASSERT(asy__queue_empty(&a));
    ASY__QUEUE_FOREACH(q, &b) { ASSERT_EQ(ASY_CONTAINER_OF(q, qitem, link)->value, expect[n++]); }
    ASSERT_EQ(n, 6);
}

typedef struct {
    asy__heap_node hn;
    uint64_t key;
    int id;
} hitem;

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

TEST(internal_heap_orders_and_keeps_fifo_for_equal_keys) {
    asy__heap h;
    hitem it[8];
    uint64_t keys[8] = {5, 3, 5, 1, 3, 9, 5, 1};
    int order[8], i;
    int want[8] = {3, 7, 1, 4, 0, 2, 6, 5};
    asy__heap_init(&h);
    for (i = 0; i < 8; i++) {
        asy__heap_node_init(&it[i].hn);
        it[i].id = i;
        ASSERT_OK(asy__heap_insert(&h, &it[i].hn, keys[i]));
        ASSERT(asy__heap_node_active(&it[i].hn));
    }
    for (i = 0; i < 8; i++) {
        asy__heap_node *n = asy__heap_pop(&h);
        ASSERT_NOT_NULL(n);
        order[i] = ASY_CONTAINER_OF(n, hitem, hn)->id;
        ASSERT(!asy__heap_node_active(n));
    }
    ASSERT_NULL(asy__heap_pop(&h));
    for (i = 0; i < 8; i++) ASSERT_EQ(order[i], want[i]);
    asy__heap_free(&h);
}

TEST(internal_heap_random_insert_remove) {
    enum { N = 20000 };
    asy__heap h;
    hitem *it = (hitem *)calloc(N, sizeof(hitem));
    int i, live = 0;
    uint64_t last = 0;
    asy__heap_init(&h);
    for (i = 0; i < N; i++) {
        asy__heap_node_init(&it[i].hn);
        it[i].key = rng() % 1000;
        it[i].id = i;
        ASSERT_OK(asy__heap_insert(&h, &it[i].hn, it[i].key));
        live++;
        /* remove a random earlier node now and then, including inactive ones */
        if (rng() % 3 == 0) {
            hitem *victim = &it[rng() % (uint64_t)(i + 1)];
            if (asy__heap_node_active(&victim->hn)) live--;
            asy__heap_remove(&h, &victim->hn);
            ASSERT(!asy__heap_node_active(&victim->hn));
        }
        ASSERT_EQ(h.count, live);
    }
    /* pops come out sorted by key; equal keys by insertion (id) order */
    {
        int last_id = -1;
        while (h.count) {
            const asy__heap_entry *m = asy__heap_min(&h);
            hitem *x;
            ASSERT_NOT_NULL(m);
            x = ASY_CONTAINER_OF(asy__heap_pop(&h), hitem, hn);
            ASSERT(x->key >= last);
            if (x->key == last) ASSERT_GT(x->id, last_id);
            last = x->key;
            last_id = x->id;
        }
    }
    ASSERT_NULL(asy__heap_min(&h));
    asy__heap_free(&h);
    free(it);
}

TEST(internal_heap_free_deactivates_nodes) {
    asy__heap h;
    hitem a, b;
    asy__heap_init(&h);
    asy__heap_node_init(&a.hn);
    asy__heap_node_init(&b.hn);
    ASSERT_OK(asy__heap_insert(&h, &a.hn, 1));
    ASSERT_OK(asy__heap_insert(&h, &b.hn, 2));
    asy__heap_free(&h);
    ASSERT(!asy__heap_node_active(&a.hn));
    ASSERT(!asy__heap_node_active(&b.hn));
}

TEST(internal_alloc_helpers) {
    char *s = asy__strdup("hello");
    void *big;
    ASSERT_STR_EQ(s, "hello");
    asy__free(s);
    asy__free(NULL);
    /* overflow in count * size is refused, not wrapped */
    big = asy__malloc_array(SIZE_MAX / 2, 4);
    ASSERT_NULL(big);
    big = asy__calloc(SIZE_MAX / 2, 4);
    ASSERT_NULL(big);
}
