/* plimit_seed: bench/plimit.c with 100k tasks, against the seed's pLimit
 * exactly as the seed document writes it (bench/peers/plimit_seed.mjs:
 * queue.shift(), which is O(n) once the queue is long -- the cost the issue
 * quotes, about 29 us per task with 100k queued).  bench/plimit.c compares
 * 1M tasks against the same code with an O(1) queue. */
#define PLIMIT_N 100000
#define PLIMIT_METRIC "plimit_seed_ns_per_task"
#include "plimit.c"
