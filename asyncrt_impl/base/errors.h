/* Error codes.  Every function that can fail returns 0 (or a count) on
 * success and a negative ASY_E* code on failure.  On POSIX the codes equal
 * -errno, so `-errno` from a system call can be returned as is; on Windows
 * they are fixed values and system errors are translated. */
#pragma once
#include "config.h"
#if !defined(_WIN32)
#include <errno.h>
#define ASY__ERRVAL(name, winval) (-(name))
#else
#define ASY__ERRVAL(name, winval) (-(winval))
#endif

/* XX(name, windows value, message) */
#define ASY__ERRNO_MAP(XX)                                                   \
    XX(E2BIG, 4093, "argument list too long")                                \
    XX(EACCES, 4092, "permission denied")                                    \
    XX(EADDRINUSE, 4091, "address already in use")                           \
    XX(EADDRNOTAVAIL, 4090, "address not available")                         \
    XX(EAFNOSUPPORT, 4089, "address family not supported")                   \
    XX(EAGAIN, 4088, "resource temporarily unavailable")                     \
    XX(EALREADY, 4084, "connection already in progress")                     \
    XX(EBADF, 4083, "bad file descriptor")                                   \
    XX(EBUSY, 4082, "resource busy or locked")                               \
    XX(ECANCELED, 4081, "operation canceled")                                \
    XX(ECHILD, 4080, "no child processes")                                   \
    XX(ECONNABORTED, 4079, "software caused connection abort")               \
    XX(ECONNREFUSED, 4078, "connection refused")                             \
    XX(ECONNRESET, 4077, "connection reset by peer")                         \
    XX(EDEADLK, 4076, "resource deadlock avoided")                           \
    XX(EDESTADDRREQ, 4075, "destination address required")                   \
    XX(EEXIST, 4074, "file already exists")                                  \
    XX(EFAULT, 4073, "bad address in system call argument")                  \
    XX(EFBIG, 4072, "file too large")                                        \
    XX(EHOSTDOWN, 4071, "host is down")                                      \
    XX(EHOSTUNREACH, 4070, "host is unreachable")                            \
    XX(EILSEQ, 4069, "illegal byte sequence")                                \
    XX(EINTR, 4068, "interrupted system call")                               \
    XX(EINVAL, 4067, "invalid argument")                                     \
    XX(EIO, 4066, "i/o error")                                               \
    XX(EISCONN, 4065, "socket is already connected")                         \
    XX(EISDIR, 4064, "illegal operation on a directory")                     \
    XX(ELOOP, 4063, "too many symbolic links encountered")                   \
    XX(EMFILE, 4062, "too many open files")                                  \
    XX(EMLINK, 4061, "too many links")                                       \
    XX(EMSGSIZE, 4060, "message too long")                                   \
    XX(ENAMETOOLONG, 4059, "name too long")                                  \
    XX(ENETDOWN, 4058, "network is down")                                    \
    XX(ENETUNREACH, 4057, "network is unreachable")                          \
    XX(ENFILE, 4056, "file table overflow")                                  \
    XX(ENOBUFS, 4055, "no buffer space available")                           \
    XX(ENODEV, 4054, "no such device")                                       \
    XX(ENOENT, 4053, "no such file or directory")                            \
    XX(ENOEXEC, 4052, "exec format error")                                   \
    XX(ENOMEM, 4051, "not enough memory")                                    \
    XX(ENOPROTOOPT, 4050, "protocol not available")                          \
    XX(ENOSPC, 4049, "no space left on device")                              \
    XX(ENOSYS, 4048, "function not implemented")                             \
    XX(ENOTCONN, 4047, "socket is not connected")                            \
    XX(ENOTDIR, 4046, "not a directory")                                     \
    XX(ENOTEMPTY, 4045, "directory not empty")                               \
    XX(ENOTSOCK, 4044, "socket operation on non-socket")                     \
    XX(ENOTSUP, 4043, "operation not supported on socket")                   \
    XX(ENOTTY, 4042, "inappropriate ioctl for device")                       \
    XX(ENXIO, 4041, "no such device or address")                             \
    XX(EOVERFLOW, 4040, "value too large for defined data type")             \
    XX(EPERM, 4039, "operation not permitted")                               \
    XX(EPIPE, 4038, "broken pipe")                                           \
    XX(EPROTO, 4037, "protocol error")                                       \
    XX(EPROTONOSUPPORT, 4036, "protocol not supported")                      \
    XX(EPROTOTYPE, 4035, "protocol wrong type for socket")                   \
    XX(ERANGE, 4034, "result too large")                                     \
    XX(EROFS, 4033, "read-only file system")                                 \
    XX(ESHUTDOWN, 4032, "cannot send after transport endpoint shutdown")     \
    XX(ESPIPE, 4031, "invalid seek")                                         \
    XX(ESRCH, 4030, "no such process")                                       \
    XX(ETIMEDOUT, 4029, "connection timed out")                              \
    XX(ETXTBSY, 4028, "text file is busy")                                   \
    XX(EXDEV, 4027, "cross-device link not permitted")

/* Codes that are not errno values: the same numbers on every platform. */
#define ASY__EXTRA_ERR_MAP(XX)                                               \
    XX(EOF, -4095, "end of file")                                            \
    XX(EUNKNOWN, -4094, "unknown error")                                     \
    XX(ECHARSET, -4096, "invalid Unicode character")                  \
    XX(EAGGREGATE, -4097, "all promises were rejected")                      \
    XX(EPREMATURE_CLOSE, -4200, "stream closed before it finished")          \
    XX(ESTREAM_DESTROYED, -4201, "stream was destroyed")                     \
    XX(EWRITE_AFTER_END, -4202, "write after end")                           \
    XX(EPUSH_AFTER_EOF, -4203, "push after the end of the stream")           \
    XX(EMULTIPLE_CALLBACK, -4204, "callback called more than once")          \
    XX(EUNSHIFT_AFTER_END, -4205, "unshift after the end event")             \
    XX(ESTREAM_FINISHED, -4206, "stream already finished")                   \
    XX(Z_DATA_ERROR, -4800, "invalid compressed data")                       \
    XX(Z_BUF_ERROR, -4801, "unexpected end of file")                         \
    XX(Z_NEED_DICT, -4802, "missing or wrong dictionary")                    \
    XX(Z_STREAM_ERROR, -4803, "zlib stream error")                           \
    XX(EBUFFER_TOO_LARGE, -4804, "output larger than maxOutputLength")       \
    XX(EINVALID_URL, -4400, "invalid URL")                                   \
    XX(EURL_IDNA, -4401, "host needs IDNA (non-ASCII or xn-- label): not supported") \
    XX(EINVALID_URL_SCHEME, -4402, "the URL must be of scheme file")         \
    XX(EINVALID_FILE_URL_HOST, -4403, "file URL host must be \"localhost\" or empty") \
    XX(EINVALID_FILE_URL_PATH, -4404, "file URL path must not include encoded / characters") \
    XX(EURI_MALFORMED, -4405, "URI malformed")                               \
    XX(EHTTP_CONNECT_TIMEOUT, -4500, "HTTP client: connect timed out")        \
    XX(EHTTP_HEADERS_TIMEOUT, -4501, "HTTP client: response head timed out")  \
    XX(EHTTP_BODY_TIMEOUT, -4502, "HTTP client: response body timed out")     \
    XX(EHTTP_ABORTED, -4503, "the operation was aborted")                     \
    XX(EHTTP_HANG_UP, -4504, "socket hang up: the server closed the connection") \
    XX(EHTTP_REDIRECT, -4505, "unexpected redirect (redirect: error)")        \
    XX(EHTTP_MAX_REDIRECTS, -4506, "redirect count exceeded")                 \
    XX(EFETCH_TIMEOUT, -4507, "the operation was aborted due to timeout")     \
    XX(EBAD_DATA_URL, -4508, "malformed data: URL")                           \
    XX(EFETCH_BODY_USED, -4509, "body already used or locked")                \
    XX(EHTTP_REDIRECT_BODY, -4510, "cannot follow a 307/308 redirect with a streamed body") \
    XX(EFETCH_CODINGS, -4520, "too many content-encodings in the response (at most 5)") \
    XX(EJSON_SYNTAX, -4700, "JSON: unexpected character")                    \
    XX(EJSON_EOF, -4701, "JSON: unexpected end of input")                    \
    XX(EJSON_DEPTH, -4702, "JSON: nesting deeper than the depth limit")      \
    XX(EJSON_UTF8, -4703, "JSON: invalid UTF-8")                             \
    XX(EJSON_ESCAPE, -4704, "JSON: invalid escape in a string")              \
    XX(EJSON_NUMBER, -4705, "JSON: invalid number")                          \
    XX(EJSON_CONTROL, -4706, "JSON: unescaped control character in a string") \
    XX(EJSON_TRAILING, -4707, "JSON: unexpected data after the value")       \
    XX(EJSON_TYPE, -4708, "JSON: value of another type")                     \
    XX(EJSON_WRITER, -4709, "JSON writer: call out of place")                \
    XX(ETLS, -4600, "TLS error")                                             \
    XX(ETLS_HANDSHAKE_TIMEOUT, -4601, "TLS handshake timed out")             \
    XX(ETLS_CERT_HAS_EXPIRED, -4602, "certificate has expired")              \
    XX(ETLS_CERT_NOT_YET_VALID, -4603, "certificate is not yet valid")       \
    XX(ETLS_DEPTH_ZERO_SELF_SIGNED_CERT, -4604, "self-signed certificate")   \
    XX(ETLS_SELF_SIGNED_CERT_IN_CHAIN, -4605, "self-signed certificate in certificate chain (unknown CA)") \
    XX(ETLS_UNABLE_TO_VERIFY_LEAF_SIGNATURE, -4606, "unable to verify the first certificate (issuer unknown: missing intermediate?)") \
    XX(ETLS_CERT_ALTNAME_INVALID, -4607, "hostname does not match the certificate's altnames") \
    XX(ETLS_CERT_INVALID, -4608, "certificate is not valid (signature, usage or format)") \
    XX(ETLS_NO_PEER_CERT, -4609, "peer sent no certificate")                 \
    XX(ETLS_ALERT, -4610, "TLS alert received from the peer")                \
    XX(ETLS_BAD_RECORD, -4611, "malformed TLS record or message")            \
    XX(ETLS_VERSION, -4612, "unsupported TLS protocol version")              \
    XX(ETLS_NO_SHARED_CIPHER, -4613, "no cipher suite or protocol in common") \
    XX(ETLS_CONFIG, -4614, "bad TLS configuration (certificate, key or CA)") \
    XX(ETLS_CLOSED, -4615, "TLS connection closed before the handshake finished") \
    XX(EAI_ADDRFAMILY, -3000, "address family not supported")                \
    XX(EAI_AGAIN, -3001, "temporary failure")                                \
    XX(EAI_BADFLAGS, -3002, "bad ai_flags value")                            \
    XX(EAI_CANCELED, -3003, "request canceled")                              \
    XX(EAI_FAIL, -3004, "permanent failure")                                 \
    XX(EAI_FAMILY, -3005, "ai_family not supported")                         \
    XX(EAI_MEMORY, -3006, "out of memory")                                   \
    XX(EAI_NODATA, -3007, "no address")                                      \
    XX(EAI_NONAME, -3008, "unknown node or service")                         \
    XX(EAI_OVERFLOW, -3009, "argument buffer overflow")                      \
    XX(EAI_SERVICE, -3010, "service not available for socket type")          \
    XX(EAI_SOCKTYPE, -3011, "socket type not supported")                     \
    XX(EAI_BADHINTS, -3013, "invalid value for hints")                       \
    XX(EAI_PROTOCOL, -3014, "resolved protocol is unknown")

#define ASY__ERR_ENUM(name, winval, msg) ASY_##name = ASY__ERRVAL(name, winval),
#define ASY__EXTRA_ENUM(name, val, msg) ASY_##name = (val),
enum asy_errno {
    ASY__ERRNO_MAP(ASY__ERR_ENUM) ASY__EXTRA_ERR_MAP(ASY__EXTRA_ENUM) ASY__ERR_MAX_ = 0
};
#undef ASY__ERR_ENUM
#undef ASY__EXTRA_ENUM

/* A static, human-readable message for any code ("unknown error" for codes
 * this library does not know).  Never allocates. */
ASYNCRT_API const char *asy_strerror(int err);
/* The code's symbolic name, e.g. "ENOENT"; "UNKNOWN" for unknown codes. */
ASYNCRT_API const char *asy_err_name(int err);
/* Like asy_strerror but writes into buf and names unknown codes by number;
 * returns buf.  Always NUL-terminates when len > 0. */
ASYNCRT_API char *asy_strerror_r(int err, char *buf, size_t len);
/* Translates a platform error (errno on POSIX; a Win32 or WSA error code
 * on Windows) into an ASY_E* code.  Zero stays zero. */
ASYNCRT_API int asy_translate_sys_error(int sys_errno);
