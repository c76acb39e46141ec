/* One zlib stream with Node's behaviour around it (node_zlib.cc): the
 * window bits of each kind, the preset dictionary, concatenated gzip
 * members, trailing zero padding ignored, and Node's error for each
 * zlib result. */
#include "zlib.internal.h"

ASY__INTERNAL voidpf asy__zalloc(voidpf opaque, uInt items, uInt size) {
    (void)opaque;
    return asy__malloc_array(items, size);
}

ASY__INTERNAL void asy__zfree(voidpf opaque, voidpf p) {
    (void)opaque;
    asy__free(p);
}

ASY__INTERNAL int asy__zopts_check(asy_zlib_mode_t mode, const asy_zlib_opts_t *o, asy__zopts *out) {
    asy_zlib_opts_t d;
    if (mode < ASY_ZLIB_DEFLATE || mode > ASY_ZLIB_UNZIP) return ASY_EINVAL;
    if (!o) {
        memset(&d, 0, sizeof(d));
        o = &d;
    }
    out->level = o->has_level ? o->level : Z_DEFAULT_COMPRESSION;
    out->strategy = o->strategy;
    out->window_bits = o->window_bits ? o->window_bits : 15;
    out->mem_level = o->mem_level ? o->mem_level : 8;
    out->flush = o->flush;
    out->finish_flush = o->finish_flush ? o->finish_flush : Z_FINISH;
    out->chunk_size = o->chunk_size ? o->chunk_size : (size_t)ASY_Z_DEFAULT_CHUNK;
    out->max_output = o->max_output_length;
    out->hwm = o->high_water_mark;
    out->in_loop = o->in_loop != 0;
    out->raw_fallback = o->raw_fallback != 0;
    out->dict = o->dictionary;
    out->dict_len = o->dictionary_len;
    if (out->level < -1 || out->level > 9) return ASY_ERANGE;
    if (out->strategy < 0 || out->strategy > Z_FIXED) return ASY_ERANGE;
    if (out->window_bits < 8 || out->window_bits > 15) return ASY_ERANGE;
    if (out->mem_level < 1 || out->mem_level > 9) return ASY_ERANGE;
    if (out->flush < 0 || out->flush > Z_BLOCK) return ASY_ERANGE;
    if (out->finish_flush < 0 || out->finish_flush > Z_BLOCK) return ASY_ERANGE;
    if (out->chunk_size < ASY_Z_MIN_CHUNK || out->chunk_size > UINT_MAX / 2) return ASY_ERANGE;
    if (out->dict_len && !out->dict) return ASY_EINVAL;
    if (out->dict_len > UINT_MAX) return ASY_ERANGE;
    if (out->raw_fallback && mode != ASY_ZLIB_INFLATE) return ASY_EINVAL;
    return 0;
}

ASY__INTERNAL int asy__zeng_fail(asy__zeng *e, int code, const char *msg) {
    e->msg = msg;
    return code;
}

/* Node's CheckError: the ASY_Z_* code and message of a zlib result. */
ASY__INTERNAL int asy__zeng_check(asy__zeng *e, int r, int flush) {
    switch (r) {
        case Z_OK:
        case Z_STREAM_END:
            return 0;
        case Z_BUF_ERROR:
            /* no progress: harmless, except at the end of an inflate */
            if (e->zs.avail_out != 0 && flush == Z_FINISH)
                return asy__zeng_fail(e, ASY_Z_BUF_ERROR, "unexpected end of file");
            return 0;
        case Z_NEED_DICT:
            return asy__zeng_fail(e, ASY_Z_NEED_DICT,
                                  e->dict_len ? "Bad dictionary" : "Missing dictionary");
        case Z_MEM_ERROR:
            return asy__zeng_fail(e, ASY_ENOMEM, "out of memory");
        case Z_DATA_ERROR:
            return asy__zeng_fail(e, ASY_Z_DATA_ERROR, e->zs.msg ? e->zs.msg : "Zlib error");
        default:
            return asy__zeng_fail(e, ASY_Z_STREAM_ERROR, e->zs.msg ? e->zs.msg : "Zlib error");
    }
}

ASY__INTERNAL int asy__zeng_set_dict(asy__zeng *e) {
    int r;
    if (!e->dict_len) return 0;
    r = e->deflating ? deflateSetDictionary(&e->zs, e->dict, (uInt)e->dict_len)
                     : inflateSetDictionary(&e->zs, e->dict, (uInt)e->dict_len);
    if (r != Z_OK) return asy__zeng_fail(e, ASY_Z_DATA_ERROR, "Bad dictionary");
    return 0;
}

ASY__INTERNAL int asy__zeng_init(asy__zeng *e, asy_zlib_mode_t mode, const asy__zopts *o) {
    int r, wb = o->window_bits;
    memset(e, 0, sizeof(*e));
    e->mode = (int)mode;
    e->deflating = mode == ASY_ZLIB_DEFLATE || mode == ASY_ZLIB_GZIP || mode == ASY_ZLIB_DEFLATE_RAW;
    e->level = o->level;
    e->strategy = o->strategy;
    e->window_bits = wb;
    e->mem_level = o->mem_level;
    e->members = mode == ASY_ZLIB_GUNZIP;
    e->raw_fallback = o->raw_fallback;
    e->zs.zalloc = asy__zalloc;
    e->zs.zfree = asy__zfree;
    e->zs.opaque = Z_NULL;
    if (o->dict_len && (mode == ASY_ZLIB_DEFLATE || mode == ASY_ZLIB_DEFLATE_RAW ||
                        mode == ASY_ZLIB_INFLATE || mode == ASY_ZLIB_INFLATE_RAW)) {
        /* Node uses the dictionary for these kinds only (zlib has no
         * dictionary in a gzip header) */
        if (!(e->dict = (uint8_t *)asy__malloc(o->dict_len))) return ASY_ENOMEM;
        memcpy(e->dict, o->dict, o->dict_len);
        e->dict_len = o->dict_len;
    }
    switch (mode) {
        case ASY_ZLIB_GZIP:
        case ASY_ZLIB_GUNZIP:
            wb += 16;
            break;
        case ASY_ZLIB_UNZIP:
            wb += 32;
            break;
        case ASY_ZLIB_DEFLATE_RAW:
        case ASY_ZLIB_INFLATE_RAW:
            wb = -wb;
            break;
        default:
            break;
    }
    if (e->deflating)
        r = deflateInit2(&e->zs, e->level, Z_DEFLATED, wb, e->mem_level, e->strategy);
    else
        r = inflateInit2(&e->zs, wb);
    if (r != Z_OK) {
        asy__free(e->dict);
        e->dict = NULL;
        return r == Z_MEM_ERROR ? ASY_ENOMEM : ASY_EINVAL;
    }
    e->started = 1;
    /* raw inflate and deflate take the dictionary now; zlib inflate when
     * the stream asks for it (Z_NEED_DICT) */
    if (mode == ASY_ZLIB_DEFLATE || mode == ASY_ZLIB_DEFLATE_RAW || mode == ASY_ZLIB_INFLATE_RAW) {
        r = asy__zeng_set_dict(e);
        if (r < 0) {
            asy__zeng_end(e);
            return r;
        }
    }
    return 0;
}

ASY__INTERNAL void asy__zeng_end(asy__zeng *e) {
    if (e->started) {
        if (e->deflating)
            deflateEnd(&e->zs);
        else
            inflateEnd(&e->zs);
        e->started = 0;
    }
    asy__free(e->dict);
    e->dict = NULL;
}

/* unzip: the first two bytes tell gzip (1f 8b) from zlib; gzip input then
 * gets the members treatment of gunzip, as Node switches to GUNZIP. */
ASY__INTERNAL void asy__zeng_sniff(asy__zeng *e) {
    const uint8_t *p = e->zs.next_in;
    uInt n = e->zs.avail_in;
    while (e->sniffed < 2 && n) {
        if (e->sniffed == 0)
            e->sniff0 = *p;
        else if (e->sniff0 == 0x1f && *p == 0x8b)
            e->members = 1;
        e->sniffed++;
        p++;
        n--;
    }
}

/* One call of deflate or inflate over zs.next_in / next_out.  0 (the
 * caller gives more output room while avail_out is 0) or the error. */
ASY__INTERNAL int asy__zeng_run(asy__zeng *e, int flush) {
    int r;
    if (e->deflating) return asy__zeng_check(e, deflate(&e->zs, flush), flush);
    for (;;) {
        if (e->ended) {
            /* Node: another member when a non-zero byte follows in gzip
             * input; zero padding, and anything after a zlib or raw
             * stream, is dropped */
            if (!e->zs.avail_in) return 0;
            if (!e->members || e->zs.next_in[0] == 0) {
                e->zs.next_in += e->zs.avail_in;
                e->zs.avail_in = 0;
                return 0;
            }
            if (inflateReset(&e->zs) != Z_OK) return asy__zeng_check(e, Z_STREAM_ERROR, flush);
            e->ended = 0;
        }
        if (e->mode == ASY_ZLIB_UNZIP && e->sniffed < 2) asy__zeng_sniff(e);
        if (e->raw_fallback && !e->sniffed && e->zs.avail_in) {
            /* the first byte of a zlib header has CM 8 in its low bits */
            e->sniffed = 1;
            if ((e->zs.next_in[0] & 0x0f) != 8) {
                if (inflateReset2(&e->zs, -e->window_bits) != Z_OK)
                    return asy__zeng_check(e, Z_STREAM_ERROR, flush);
                if ((r = asy__zeng_set_dict(e)) < 0) return r; /* raw takes it up front */
            }
        }
        r = inflate(&e->zs, flush);
        if (r == Z_NEED_DICT && e->dict_len) {
            /* Node reports a dictionary that does not match as
             * Z_NEED_DICT, to tell it from bad input */
            if (inflateSetDictionary(&e->zs, e->dict, (uInt)e->dict_len) != Z_OK)
                return asy__zeng_fail(e, ASY_Z_NEED_DICT, "Bad dictionary");
            r = inflate(&e->zs, flush);
        }
        if (r == Z_STREAM_END) {
            e->ended = 1;
            if (e->zs.avail_in && e->zs.avail_out) continue;
            return 0;
        }
        return asy__zeng_check(e, r, flush);
    }
}

/* params(): the caller flushed everything written before; the new level
 * and strategy apply from here. */
ASY__INTERNAL int asy__zeng_params(asy__zeng *e, int level, int strategy) {
    int r = deflateParams(&e->zs, level, strategy);
    if (r == Z_BUF_ERROR) r = Z_OK; /* nothing was pending */
    if (r == Z_OK) {
        e->level = level;
        e->strategy = strategy;
    }
    return asy__zeng_check(e, r, Z_NO_FLUSH);
}
