/* Version of the library this header belongs to. */
#pragma once
#include "config.h"
#define ASYNCRT_VERSION_MAJOR 0
#define ASYNCRT_VERSION_MINOR 1
#define ASYNCRT_VERSION_PATCH 0
#define ASYNCRT_VERSION_HEX \
    ((ASYNCRT_VERSION_MAJOR << 16) | (ASYNCRT_VERSION_MINOR << 8) | ASYNCRT_VERSION_PATCH)

/* "MAJOR.MINOR.PATCH" of the compiled implementation. */
ASYNCRT_API const char *asy_version_string(void);
/* ASYNCRT_VERSION_HEX of the compiled implementation. */
ASYNCRT_API unsigned asy_version(void);
