#include "backend.h"
#include "ops.internal.h"
#include "../base/errors.h"
#include "../loop/loop.internal.h"
#include <stdlib.h>
#include <string.h>
/* Backend selection: the compiled-in backends, best first, and the loop's
 * entry points into whichever one runs. */
static const asy__backend_t *(*const asy__backends[])(void) = {
#if ASYNCRT_OS_LINUX
    asy__epoll_table,
#endif
    asy__pollb_table,
    NULL};

ASYNCRT_API const char *asy_loop_backend_at(unsigned i) {
    return i < ASY_ARRAY_SIZE(asy__backends) - 1 ? asy__backends[i]()->name : NULL;
}

ASY__INTERNAL int asy__backend_init(asy_loop_t *loop, const char *name) {
    const asy__backend_t *b = asy__backends[0]();
    int r;
    asy__ops_loop_init(loop);
    if (!name || !*name) name = getenv("ASYNCRT_BACKEND");
    if (name && *name) {
        unsigned i;
        for (i = 0; asy__backends[i]; i++)
            if (strcmp(asy__backends[i]()->name, name) == 0) break;
        if (!asy__backends[i]) return ASY_ENOSYS; /* a backend this build does not have */
        b = asy__backends[i]();
    }
    loop->backend_ = b;
    loop->backend_data_ = NULL;
    loop->backend_watched_ = 0;
    r = b->init(loop);
    if (r) loop->backend_ = NULL;
    return r;
}

ASY__INTERNAL void asy__backend_close(asy_loop_t *loop) {
    if (!loop->backend_) return;
    loop->backend_->close(loop);
    loop->backend_ = NULL;
    loop->backend_data_ = NULL;
}

ASY__INTERNAL const char *asy__backend_name(const asy_loop_t *loop) {
    return loop->backend_ ? loop->backend_->name : "none";
}

static int asy__backend_poll(asy_loop_t *loop, int timeout_ms) { return loop->backend_->poll(loop, timeout_ms); }

static int asy__backend_wake(asy_loop_t *loop) { return loop->backend_->wake(loop); }
