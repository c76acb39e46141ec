/* Private parts of the dns layer. */
#pragma once
#include "../base/sys.internal.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* getaddrinfo's EAI_* (and EAI_SYSTEM's errno) as ASY_EAI_* / ASY_E*. */
ASY__INTERNAL int asy__eai_error(int r) {
    switch (r) {
#ifdef EAI_ADDRFAMILY
        case EAI_ADDRFAMILY: return ASY_EAI_ADDRFAMILY;
#endif
        case EAI_AGAIN: return ASY_EAI_AGAIN;
        case EAI_BADFLAGS: return ASY_EAI_BADFLAGS;
#ifdef EAI_CANCELED
        case EAI_CANCELED: return ASY_EAI_CANCELED;
#endif
        case EAI_FAIL: return ASY_EAI_FAIL;
        case EAI_FAMILY: return ASY_EAI_FAMILY;
        case EAI_MEMORY: return ASY_EAI_MEMORY;
#if defined(EAI_NODATA) && (!defined(EAI_NONAME) || EAI_NODATA != EAI_NONAME)
        case EAI_NODATA: return ASY_EAI_NODATA;
#endif
        case EAI_NONAME: return ASY_EAI_NONAME;
        case EAI_OVERFLOW: return ASY_EAI_OVERFLOW;
        case EAI_SERVICE: return ASY_EAI_SERVICE;
        case EAI_SOCKTYPE: return ASY_EAI_SOCKTYPE;
        case EAI_SYSTEM: return errno ? asy__errno() : ASY_EAI_FAIL;
        default: return ASY_EAI_FAIL;
    }
}
