/* Node's setImmediate / clearImmediate. */
#pragma once
#include "handle.h"

typedef struct { uint64_t id; } asy_immediate_id_t; /* 0 = failed */

/* cb runs in the check phase.  An immediate queued while immediates run
 * waits for the next iteration. */
ASYNCRT_API asy_immediate_id_t asy_set_immediate(asy_loop_t *loop, asy_fn cb, void *arg);
ASYNCRT_API int asy_clear_immediate(asy_loop_t *loop, asy_immediate_id_t id);
