/* The document arena (json.internal.h): chunks freed all at once. */
#include "json.internal.h"

ASY__INTERNAL void *asy__json_alloc_slow(asy_json_doc_t *doc, size_t n) {
    asy__json_chunk *c;
    size_t size = doc->chunks_ ? doc->chunks_->size * 2 : 4096;
    if (size > ((size_t)1 << 20)) size = (size_t)1 << 20;
    if (n > size / 2) {
        /* a large block gets its own chunk behind the current one, so
         * the current chunk's free room stays usable */
        if (n > (size_t)-1 - sizeof(asy__json_chunk)) return NULL;
        c = (asy__json_chunk *)asy__malloc(sizeof(asy__json_chunk) + n);
        if (!c) return NULL;
        c->size = n;
        if (doc->chunks_) {
            c->next = doc->chunks_->next;
            doc->chunks_->next = c;
        } else {
            c->next = NULL;
            doc->chunks_ = c;
            doc->cur_ = doc->end_ = (char *)(c + 1) + n;
        }
        return (void *)(c + 1);
    }
    c = (asy__json_chunk *)asy__malloc(sizeof(asy__json_chunk) + size);
    if (!c) return NULL;
    c->size = size;
    c->next = doc->chunks_;
    doc->chunks_ = c;
    doc->cur_ = (char *)(c + 1) + n;
    doc->end_ = (char *)(c + 1) + size;
    return (void *)(c + 1);
}

ASYNCRT_API void asy_json_doc_init(asy_json_doc_t *doc) {
    if (doc) memset(doc, 0, sizeof(*doc));
}

ASYNCRT_API void asy_json_doc_free(asy_json_doc_t *doc) {
    asy__json_chunk *c, *next;
    if (!doc) return;
    for (c = doc->chunks_; c; c = next) {
        next = c->next;
        asy__free(c);
    }
    memset(doc, 0, sizeof(*doc));
}
