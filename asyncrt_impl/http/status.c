/* Status texts and the names of the parser's errors. */
#include "parser.h"
#include "../base/sys.internal.h"

typedef struct {
    int code;
    int status;
    const char *name;
    const char *msg;
} asy__http_errinfo;

static const asy__http_errinfo asy__http_errors[] = {
    {ASY_EHTTP_METHOD, 400, "HPE_INVALID_METHOD", "invalid method"},
    {ASY_EHTTP_TARGET, 400, "HPE_INVALID_URL", "invalid request-target"},
    {ASY_EHTTP_VERSION, 400, "HPE_INVALID_VERSION", "invalid HTTP version"},
    {ASY_EHTTP_VERSION_UNSUP, 505, "HPE_INVALID_VERSION", "HTTP version not supported"},
    {ASY_EHTTP_CRLF, 400, "HPE_CR_EXPECTED", "bare CR or LF"},
    {ASY_EHTTP_HEADER_NAME, 400, "HPE_INVALID_HEADER_TOKEN", "invalid header name"},
    {ASY_EHTTP_HEADER_VALUE, 400, "HPE_INVALID_HEADER_TOKEN", "invalid character in header value"},
    {ASY_EHTTP_OBS_FOLD, 400, "HPE_INVALID_HEADER_TOKEN", "obsolete line folding"},
    {ASY_EHTTP_CONTENT_LENGTH, 400, "HPE_UNEXPECTED_CONTENT_LENGTH", "invalid or duplicate Content-Length"},
    {ASY_EHTTP_TE_CL, 400, "HPE_UNEXPECTED_CONTENT_LENGTH", "Transfer-Encoding with Content-Length"},
    {ASY_EHTTP_TE_CHUNKED, 400, "HPE_INVALID_TRANSFER_ENCODING", "chunked is not the final transfer coding"},
    {ASY_EHTTP_TE_UNKNOWN, 501, "HPE_INVALID_TRANSFER_ENCODING", "unknown transfer coding"},
    {ASY_EHTTP_TE_HTTP10, 400, "HPE_INVALID_TRANSFER_ENCODING", "Transfer-Encoding in HTTP/1.0"},
    {ASY_EHTTP_HOST, 400, "HPE_INVALID_HOST", "missing or duplicate Host"},
    {ASY_EHTTP_HEADERS_TOO_LARGE, 431, "HPE_HEADER_OVERFLOW", "request header fields too large"},
    {ASY_EHTTP_URI_TOO_LONG, 414, "HPE_URI_TOO_LONG", "request-target too long"},
    {ASY_EHTTP_BODY_TOO_LARGE, 413, "HPE_BODY_TOO_LARGE", "request body too large"},
    {ASY_EHTTP_CHUNK_SIZE, 400, "HPE_INVALID_CHUNK_SIZE", "invalid chunk size"},
    {ASY_EHTTP_CHUNK_EXT, 400, "HPE_INVALID_CHUNK_EXTENSIONS", "invalid chunk extension"},
    {ASY_EHTTP_AFTER_CLOSE, 400, "HPE_CLOSED_CONNECTION", "data after Connection: close"},
    {ASY_EHTTP_STATUS, 400, "HPE_INVALID_STATUS", "invalid status line"},
    {ASY_EHTTP_EXPECT, 417, "HPE_EXPECTATION_FAILED", "unsupported expectation"},
    {ASY_EHTTP_TIMEOUT, 408, "ERR_HTTP_REQUEST_TIMEOUT", "request timeout"}};

ASY__INTERNAL const asy__http_errinfo *asy__http_errinfo_of(int err) {
    size_t i;
    for (i = 0; i < sizeof(asy__http_errors) / sizeof(asy__http_errors[0]); i++)
        if (asy__http_errors[i].code == err) return &asy__http_errors[i];
    return NULL;
}

ASYNCRT_API int asy_http_error_status(int err) {
    const asy__http_errinfo *e = asy__http_errinfo_of(err);
    return e ? e->status : 400;
}

ASYNCRT_API const char *asy_http_error_name(int err) {
    const asy__http_errinfo *e = asy__http_errinfo_of(err);
    return e ? e->name : asy_err_name(err);
}

ASYNCRT_API const char *asy_http_strerror(int err) {
    const asy__http_errinfo *e = asy__http_errinfo_of(err);
    return e ? e->msg : asy_strerror(err);
}

ASYNCRT_API const char *asy_http_status_text(int status) {
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 102: return "Processing";
    case 103: return "Early Hints";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 207: return "Multi-Status";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a Teapot";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Entity";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";
    case 511: return "Network Authentication Required";
    default: return "";
    }
}
