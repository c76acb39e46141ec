/* res.json() for fetch (docs/json.md, docs/http.md).
 *
 *   asy_promise_t *j = asy_fetch_json(res);
 *   // fulfils with an asy_json_doc_t * (owned by the promise: valid while
 *   // j is alive): doc->root is the parsed body.  Rejects with
 *   // ASY_EFETCH_BODY_USED, the body's stream error, or the parser's code
 *   // (ASY_EJSON_*) and a message naming the byte offset, as res.json()
 *   // rejects with a SyntaxError. */
#pragma once
#include "fetch.h"
#include "../promise/promise.h"
#if ASYNCRT_OS_POSIX
ASYNCRT_API asy_promise_t *asy_fetch_json(asy_fetch_response_t *res);
#endif
