/* The backend matrix of the runner (tests/test.h): the list it runs over
 * is the library's compiled-in list, and a matrix run's loops use the
 * run's backend without being told. */
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1
#include "test.h"

const char *asyt_backend_at(unsigned i) {
#if ASYNCRT_OS_POSIX
    return asy_loop_backend_at(i);
#else
    (void)i;
    return NULL; /* no loop on Windows until the IOCP backend */
#endif
}

TEST(matrix_run_uses_its_backend) {
#if ASYNCRT_OS_POSIX
    asy_loop_t loop;
    const char *b = asyt_backend();
    unsigned i;
    int listed = 0;
    ASSERT_NOT_NULL(b);
    ASSERT_STR_EQ(getenv("ASYNCRT_BACKEND"), b);
    for (i = 0; asy_loop_backend_at(i); i++)
        if (strcmp(asy_loop_backend_at(i), b) == 0) listed = 1;
    ASSERT(listed);
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_STR_EQ(asy_loop_backend(&loop), b);
    ASSERT_OK(asy_loop_close(&loop));
#else
    ASSERT_NULL(asyt_backend()); /* no backends: one plain run */
#endif
}
