/* System headers and defaults the whole implementation relies on. */
#pragma once
#include "config.h"
#include "errors.h"
#include "alloc.h"
#include "heap.h"
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if ASYNCRT_OS_WINDOWS
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#else
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#endif

#ifdef ASYNCRT_MALLOC
#define ASY__USER_ALLOCATOR 1
#else
#define ASYNCRT_MALLOC(n) malloc(n)
#define ASYNCRT_REALLOC(p, n) realloc(p, n)
#define ASYNCRT_FREE(p) free(p)
#endif

#ifndef ASYNCRT_ASSERT
#define ASYNCRT_ASSERT(c) assert(c)
#endif

/* Typed allocation helpers: C++ needs the casts, C tolerates them. */
#define ASY__NEW(type) ((type *)asy__malloc(sizeof(type)))
#define ASY__NEW_ARRAY(type, n) ((type *)asy__malloc_array((n), sizeof(type)))

/* Defined in alloc.c; used throughout the implementation. */
ASY__INTERNAL void *asy__malloc(size_t n);
ASY__INTERNAL void *asy__calloc(size_t count, size_t size);
ASY__INTERNAL void *asy__malloc_array(size_t count, size_t size);
ASY__INTERNAL void *asy__realloc(void *p, size_t n);
ASY__INTERNAL void asy__free(void *p);
ASY__INTERNAL char *asy__strdup(const char *s);
/* Defined in alloc.c, used by perf/memory.c. */
ASY__INTERNAL int asy__alloc_stats(int64_t *bytes, int64_t *blocks);

/* Relaxed 64-bit counters (alloc.c, buf/buf_storage.c): pool threads
 * allocate too. */
#if defined(_MSC_VER) && !defined(__clang__)
#define ASY__COUNTER_ADD(v, n) InterlockedExchangeAdd64((volatile LONG64 *)&(v), (LONG64)(n))
#define ASY__COUNTER_LOAD(v) InterlockedCompareExchange64((volatile LONG64 *)&(v), 0, 0)
#else
#define ASY__COUNTER_ADD(v, n) __atomic_fetch_add(&(v), (int64_t)(n), __ATOMIC_RELAXED)
#define ASY__COUNTER_LOAD(v) __atomic_load_n(&(v), __ATOMIC_RELAXED)
#endif

/* Defined in errors.c; used throughout the implementation. */
ASY__INTERNAL int asy__errno(void);

/* Defined in heap.c, used by loop/metrics.c, loop/timer.c. */
ASY__INTERNAL void asy__heap_init(asy__heap *h);
ASY__INTERNAL void asy__heap_free(asy__heap *h);
static inline void asy__heap_node_init(asy__heap_node *n);
static inline int asy__heap_node_active(const asy__heap_node *n);
ASY__INTERNAL int asy__heap_insert(asy__heap *h, asy__heap_node *n, uint64_t key);
ASY__INTERNAL void asy__heap_remove(asy__heap *h, asy__heap_node *n);
static inline const asy__heap_entry *asy__heap_min(const asy__heap *h);
