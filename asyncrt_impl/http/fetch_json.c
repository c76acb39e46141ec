/* res.json(): the whole body (asy_fetch_bytes), then the JSON parser, as a
 * promise reaction -- where Node's res.json() parses. */
#include "fetch.h"
#include "../base/sys.internal.h"
#include "../promise/promise.h"
#include "../sync/limit.h"
#include "../sync/rpool.h"
#include "../coro/coro.h"
#include "../json/json.h"
#if ASYNCRT_OS_POSIX

ASY__INTERNAL void asy__fetch_json_free(void *v) {
    asy_json_doc_t *doc = (asy_json_doc_t *)v;
    asy_json_doc_free(doc);
    asy__free(doc);
}

ASY__INTERNAL asy_ret_t asy__fetch_json_parse(void *arg, const asy_settled_t *in) {
    const asy_fetch_bytes_t *b = (const asy_fetch_bytes_t *)in->value;
    asy_json_doc_t *doc = ASY__NEW(asy_json_doc_t);
    asy_json_error_t err;
    char msg[128];
    int r;
    (void)arg;
    if (!doc) return asy_fail(ASY_ENOMEM, NULL);
    r = asy_json_parse(doc, b->data, b->len, NULL, &err);
    if (r < 0) {
        asy__free(doc);
        snprintf(msg, sizeof(msg), "%s at position %lu (line %lu column %lu)", asy_strerror(r),
                 (unsigned long)err.offset, (unsigned long)err.line, (unsigned long)err.column);
        return asy_fail(r, msg);
    }
    return asy_ok_owned(doc, asy__fetch_json_free);
}

ASYNCRT_API asy_promise_t *asy_fetch_json(asy_fetch_response_t *res) {
    asy_promise_t *bytes = asy_fetch_bytes(res), *doc;
    if (!bytes) return NULL;
    doc = asy_promise_then(bytes, asy__fetch_json_parse, NULL, NULL);
    asy_promise_release(bytes);
    return doc;
}

#endif /* ASYNCRT_OS_POSIX */
