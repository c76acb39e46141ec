/* The seed's
 *
 *   node -e "console.log(process.memoryUsage())"
 *
 * asy_memory_usage() fills the same record for C: rss is the process's
 * resident set; heap_used is what the library itself holds through its
 * allocator hooks (ASYNCRT_MALLOC & co.) -- the counterpart of V8's heap,
 * the part a leak in asyncrt code would grow; array_buffers is the memory
 * behind live buffers and external the caller's memory wrapped in them.
 * The program prints the record, holds a megabyte of buffers, prints it
 * again, and releases them. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>

static void print_usage(const char *when) {
    asy_memory_usage_t m;
    asy_memory_usage(&m);
    printf("%s: { rss: %llu, heapUsed: %lld, heapBlocks: %lld, arrayBuffers: %lld, "
           "external: %lld }\n",
           when, (unsigned long long)m.rss, (long long)m.heap_used, (long long)m.heap_blocks,
           (long long)m.array_buffers, (long long)m.external);
}

int main(void) {
    asy_buf_t chunks[16];
    int i;
    print_usage("start");
    for (i = 0; i < 16; i++) asy_buf_alloc(&chunks[i], 64 * 1024);
    print_usage("holding 16 x 64 KiB");
    for (i = 0; i < 16; i++) asy_buf_release(&chunks[i]);
    print_usage("released");
    return 0;
}
