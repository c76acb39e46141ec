/* The one translation unit of the test binary that holds the implementation,
 * exactly as a user's program would have it. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
