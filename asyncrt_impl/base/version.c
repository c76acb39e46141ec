#include "version.h"
#include "sys.internal.h"
#define ASY__STR2(x) #x
#define ASY__STR(x) ASY__STR2(x)

ASYNCRT_API const char *asy_version_string(void) {
    return ASY__STR(ASYNCRT_VERSION_MAJOR) "." ASY__STR(ASYNCRT_VERSION_MINOR) "." ASY__STR(
        ASYNCRT_VERSION_PATCH);
}

ASYNCRT_API unsigned asy_version(void) { return ASYNCRT_VERSION_HEX; }
