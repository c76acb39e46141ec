/* Frees memory the library allocated and handed to the caller (strings from
 * path and buffer functions, result arrays...), with the allocator the
 * library was built with (ASYNCRT_FREE).  NULL is fine. */
#pragma once
#include "config.h"
ASYNCRT_API void asy_free(void *ptr);
