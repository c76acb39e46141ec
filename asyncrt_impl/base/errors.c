#include "sys.internal.h"
ASYNCRT_API const char *asy_strerror(int err) {
#define ASY__ERR_CASE(name, winval, msg) \
    case ASY_##name:                     \
        return msg;
    switch (err) {
        case 0:
            return "success";
            ASY__ERRNO_MAP(ASY__ERR_CASE)
            ASY__EXTRA_ERR_MAP(ASY__ERR_CASE)
        default:
            return "unknown error";
    }
#undef ASY__ERR_CASE
}

ASYNCRT_API const char *asy_err_name(int err) {
#define ASY__ERR_CASE(name, winval, msg) \
    case ASY_##name:                     \
        return #name;
    switch (err) {
        case 0:
            return "OK";
            ASY__ERRNO_MAP(ASY__ERR_CASE)
            ASY__EXTRA_ERR_MAP(ASY__ERR_CASE)
        default:
            return "UNKNOWN";
    }
#undef ASY__ERR_CASE
}

ASYNCRT_API char *asy_strerror_r(int err, char *buf, size_t len) {
    if (!buf || len == 0) return buf;
    if (strcmp(asy_err_name(err), "UNKNOWN") == 0)
        snprintf(buf, len, "unknown error %d", err);
    else
        snprintf(buf, len, "%s", asy_strerror(err));
    return buf;
}

#if ASYNCRT_OS_WINDOWS
ASYNCRT_API int asy_translate_sys_error(int sys) {
    if (sys <= 0) return sys;
    switch (sys) {
        case ERROR_FILE_NOT_FOUND:
        case ERROR_PATH_NOT_FOUND:
        case ERROR_INVALID_NAME:
        case ERROR_MOD_NOT_FOUND:
            return ASY_ENOENT;
        case ERROR_ACCESS_DENIED:
        case ERROR_SHARING_VIOLATION:
        case WSAEACCES:
            return ASY_EACCES;
        case ERROR_FILE_EXISTS:
        case ERROR_ALREADY_EXISTS:
            return ASY_EEXIST;
        case ERROR_NOT_ENOUGH_MEMORY:
        case ERROR_OUTOFMEMORY:
            return ASY_ENOMEM;
        case ERROR_TOO_MANY_OPEN_FILES:
        case WSAEMFILE:
            return ASY_EMFILE;
        case ERROR_INVALID_HANDLE:
        case WSAEBADF:
            return ASY_EBADF;
        case ERROR_INVALID_PARAMETER:
        case WSAEINVAL:
            return ASY_EINVAL;
        case ERROR_BROKEN_PIPE:
        case ERROR_NO_DATA:
            return ASY_EPIPE;
        case ERROR_HANDLE_EOF:
            return ASY_EOF;
        case ERROR_OPERATION_ABORTED: /* == WSA_OPERATION_ABORTED */
            return ASY_ECANCELED;
        case ERROR_DIR_NOT_EMPTY:
            return ASY_ENOTEMPTY;
        case ERROR_DIRECTORY:
            return ASY_ENOTDIR;
        case ERROR_SEM_TIMEOUT:
        case WAIT_TIMEOUT:
        case WSAETIMEDOUT:
            return ASY_ETIMEDOUT;
        case WSAEWOULDBLOCK:
            return ASY_EAGAIN;
        case WSAEINTR:
            return ASY_EINTR;
        case WSAEADDRINUSE:
            return ASY_EADDRINUSE;
        case WSAEADDRNOTAVAIL:
            return ASY_EADDRNOTAVAIL;
        case WSAEAFNOSUPPORT:
            return ASY_EAFNOSUPPORT;
        case WSAECONNABORTED:
            return ASY_ECONNABORTED;
        case WSAECONNREFUSED:
        case ERROR_CONNECTION_REFUSED:
            return ASY_ECONNREFUSED;
        case WSAECONNRESET:
        case ERROR_NETNAME_DELETED:
            return ASY_ECONNRESET;
        case WSAEHOSTUNREACH:
        case ERROR_HOST_UNREACHABLE:
            return ASY_EHOSTUNREACH;
        case WSAENETUNREACH:
        case ERROR_NETWORK_UNREACHABLE:
            return ASY_ENETUNREACH;
        case WSAEISCONN:
            return ASY_EISCONN;
        case WSAENOTCONN:
            return ASY_ENOTCONN;
        case WSAENOTSOCK:
            return ASY_ENOTSOCK;
        case WSAEMSGSIZE:
            return ASY_EMSGSIZE;
        case WSAENOBUFS:
            return ASY_ENOBUFS;
        case WSAESHUTDOWN:
            return ASY_ESHUTDOWN;
        case ERROR_NOT_SUPPORTED:
        case WSAEOPNOTSUPP:
            return ASY_ENOTSUP;
        default:
            return ASY_EUNKNOWN;
    }
}
#else
ASYNCRT_API int asy_translate_sys_error(int sys) { return sys <= 0 ? sys : -sys; }
#endif

/* errno as an ASY_E* code: the common path after a failed system call. */
ASY__INTERNAL int asy__errno(void) {
#if ASYNCRT_OS_WINDOWS
    switch (errno) {
#define ASY__ERR_CASE(name, winval, msg) \
    case name:                           \
        return ASY_##name;
        /* only the codes the C runtime actually has */
        ASY__ERR_CASE(E2BIG, 0, 0)
        ASY__ERR_CASE(EACCES, 0, 0)
        ASY__ERR_CASE(EAGAIN, 0, 0)
        ASY__ERR_CASE(EBADF, 0, 0)
        ASY__ERR_CASE(EBUSY, 0, 0)
        ASY__ERR_CASE(EEXIST, 0, 0)
        ASY__ERR_CASE(EINTR, 0, 0)
        ASY__ERR_CASE(EINVAL, 0, 0)
        ASY__ERR_CASE(EIO, 0, 0)
        ASY__ERR_CASE(EISDIR, 0, 0)
        ASY__ERR_CASE(EMFILE, 0, 0)
        ASY__ERR_CASE(ENAMETOOLONG, 0, 0)
        ASY__ERR_CASE(ENOENT, 0, 0)
        ASY__ERR_CASE(ENOMEM, 0, 0)
        ASY__ERR_CASE(ENOSPC, 0, 0)
        ASY__ERR_CASE(ENOTDIR, 0, 0)
        ASY__ERR_CASE(ENOTEMPTY, 0, 0)
        ASY__ERR_CASE(EPERM, 0, 0)
        ASY__ERR_CASE(EPIPE, 0, 0)
        ASY__ERR_CASE(ERANGE, 0, 0)
        ASY__ERR_CASE(EXDEV, 0, 0)
#undef ASY__ERR_CASE
        default:
            return errno ? ASY_EUNKNOWN : 0;
    }
#else
    return -errno;
#endif
}
