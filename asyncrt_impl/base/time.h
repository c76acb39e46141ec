/* Monotonic time in nanoseconds from an arbitrary fixed point (like
 * process.hrtime.bigint()).  Never goes backwards. */
#pragma once
#include "config.h"
ASYNCRT_API uint64_t asy_hrtime(void);
