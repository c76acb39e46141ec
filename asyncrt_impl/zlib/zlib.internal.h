/* The zlib layer's private pieces: one zlib stream (deflate or inflate)
 * with Node's options, run step by step by the Transform and the one-shot
 * calls alike.  An engine belongs to one thread at a time. */
#pragma once
#include "zstream.h"
#include "../base/sys.internal.h"
#include <limits.h>
#include <zlib.h>

typedef struct asy__zeng {
    z_stream zs;
    int mode;      /* asy_zlib_mode_t */
    int deflating; /* deflate kinds */
    int started;   /* deflateInit / inflateInit done */
    int level, strategy, window_bits, mem_level;
    uint8_t *dict; /* owned copy */
    size_t dict_len;
    /* inflate: the end of a stream (member) was seen */
    int ended;
    /* gzip input (gunzip, or unzip once it saw the gzip magic): a member
     * may follow the one that ended, as in Node and gunzip(1) */
    int members;
    unsigned sniffed; /* unzip: header bytes seen (up to 2) */
    uint8_t sniff0;
    int raw_fallback; /* inflate: no zlib header means raw deflate */
    const char *msg; /* Node's message of the last error (static) */
} asy__zeng;

/* Checked, defaulted options. */
typedef struct asy__zopts {
    int level, strategy, window_bits, mem_level, flush, finish_flush, in_loop, raw_fallback;
    size_t chunk_size, max_output, hwm;
    const void *dict;
    size_t dict_len;
} asy__zopts;

ASY__INTERNAL int asy__zopts_check(asy_zlib_mode_t mode, const asy_zlib_opts_t *o, asy__zopts *out);
ASY__INTERNAL int asy__zeng_init(asy__zeng *e, asy_zlib_mode_t mode, const asy__zopts *o);
ASY__INTERNAL void asy__zeng_end(asy__zeng *e);
ASY__INTERNAL int asy__zeng_run(asy__zeng *e, int flush);
ASY__INTERNAL int asy__zeng_params(asy__zeng *e, int level, int strategy);
