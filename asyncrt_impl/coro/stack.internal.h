/* Coroutine stacks: mmap'd (VirtualAlloc'd on Windows) with an
 * inaccessible guard page below (stacks grow down on every architecture
 * we switch on), kept in a small per-loop
 * pool so a coroutine started after another has finished reuses its
 * stack instead of paying for mmap, mprotect and munmap again.  The pages
 * are only touched (made resident) as the coroutine uses them. */
#pragma once
#include "coro.h"
#include "switch.internal.h"

#ifdef ASY__CTX
typedef struct asy__stack {
    struct asy__stack *next; /* pool free list */
    void *map;               /* the mapping, guard page first */
    size_t map_size;
    void *base;              /* usable stack: [base, base + size) */
    size_t size;
#ifdef ASY__CORO_VALGRIND
    unsigned vg_id;
#endif
} asy__stack;

/* Stacks of one size kept for reuse, at most this many per loop. */
#define ASY__STACK_POOL_MAX 64

ASY__INTERNAL size_t asy__page_size(void) {
    static size_t page;
    if (!page) {
#if ASYNCRT_OS_WINDOWS
        SYSTEM_INFO si;
        GetSystemInfo(&si);
        page = si.dwPageSize ? (size_t)si.dwPageSize : 4096;
#else
        long v = sysconf(_SC_PAGESIZE);
        page = v > 0 ? (size_t)v : 4096;
#endif
    }
    return page;
}

/* The usable size asked for, rounded to whole pages; 0 on overflow. */
ASY__INTERNAL size_t asy__stack_round(size_t want) {
    size_t page = asy__page_size();
    if (want == 0) want = ASY_CORO_STACK_DEFAULT;
    if (want < ASY_CORO_STACK_MIN) want = ASY_CORO_STACK_MIN;
    if (want > ((size_t)1 << 40)) return 0;
    return (want + page - 1) / page * page;
}

#if ASYNCRT_OS_WINDOWS
/* The whole stack is committed (Windows charges it, pages still become
 * resident only when touched) and its lowest page made PAGE_NOACCESS: an
 * overflow is an access violation there.  No PAGE_GUARD growth: the TIB's
 * StackLimit is the usable bottom from the start. */
ASY__INTERNAL asy__stack *asy__stack_map(size_t size) {
    size_t page = asy__page_size();
    asy__stack *s = ASY__NEW(asy__stack);
    DWORD old;
    void *map;
    if (!s) return NULL;
    if (!(map = VirtualAlloc(NULL, size + page, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE))) {
        asy__free(s);
        return NULL;
    }
    if (!VirtualProtect(map, page, PAGE_NOACCESS, &old)) {
        VirtualFree(map, 0, MEM_RELEASE);
        asy__free(s);
        return NULL;
    }
    memset(s, 0, sizeof(*s));
    s->map = map;
    s->map_size = size + page;
    s->base = (char *)map + page;
    s->size = size;
    return s;
}

ASY__INTERNAL void asy__stack_unmap(asy__stack *s) {
    VirtualFree(s->map, 0, MEM_RELEASE);
    asy__free(s);
}
#else
#if !defined(MAP_ANONYMOUS) && defined(MAP_ANON)
#define MAP_ANONYMOUS MAP_ANON
#endif
#ifndef MAP_STACK
#define MAP_STACK 0
#endif

ASY__INTERNAL asy__stack *asy__stack_map(size_t size) {
    size_t page = asy__page_size();
    asy__stack *s = ASY__NEW(asy__stack);
    void *map;
    if (!s) return NULL;
    map = mmap(NULL, size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
               -1, 0);
    if (map == MAP_FAILED) {
        asy__free(s);
        return NULL;
    }
    if (mprotect(map, page, PROT_NONE) != 0) {
        munmap(map, size + page);
        asy__free(s);
        return NULL;
    }
    memset(s, 0, sizeof(*s));
    s->map = map;
    s->map_size = size + page;
    s->base = (char *)map + page;
    s->size = size;
#ifdef ASY__CORO_VALGRIND
    s->vg_id = VALGRIND_STACK_REGISTER((char *)s->base, (char *)s->base + size);
#endif
    return s;
}

ASY__INTERNAL void asy__stack_unmap(asy__stack *s) {
#ifdef ASY__CORO_VALGRIND
    VALGRIND_STACK_DEREGISTER(s->vg_id);
#endif
    munmap(s->map, s->map_size);
    asy__free(s);
}
#endif

typedef struct asy__stack_pool {
    asy__stack *free_list;
    size_t count;
} asy__stack_pool;

/* A stack of exactly `size` usable bytes (already rounded). */
ASY__INTERNAL asy__stack *asy__stack_get(asy__stack_pool *pool, size_t size) {
    asy__stack **link = &pool->free_list;
    while (*link) {
        asy__stack *s = *link;
        if (s->size == size) {
            *link = s->next;
            pool->count--;
            s->next = NULL;
#ifdef ASY__CORO_ASAN
            /* the last frames of its previous coroutine never returned,
             * so their redzones are still poisoned */
            __asan_unpoison_memory_region(s->base, s->size);
#endif
            return s;
        }
        link = &s->next;
    }
    return asy__stack_map(size);
}

ASY__INTERNAL void asy__stack_put(asy__stack_pool *pool, asy__stack *s) {
    if (pool->count >= ASY__STACK_POOL_MAX) {
        asy__stack_unmap(s);
        return;
    }
    s->next = pool->free_list;
    pool->free_list = s;
    pool->count++;
}

ASY__INTERNAL void asy__stack_pool_free(asy__stack_pool *pool) {
    while (pool->free_list) {
        asy__stack *s = pool->free_list;
        pool->free_list = s->next;
        asy__stack_unmap(s);
    }
    pool->count = 0;
}
#endif /* ASY__CTX */
