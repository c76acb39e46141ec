/* The one translation unit of the test binary that holds the implementation,
 * exactly as a user's program would have it. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "test.h"

/* The backends the runner's matrix covers (tests/test.h). */
const char *asyt_backend_at(unsigned i) {
#if ASYNCRT_OS_POSIX
    return asy_loop_backend_at(i);
#else
    (void)i;
    return NULL; /* no loop on Windows until the IOCP backend */
#endif
}
