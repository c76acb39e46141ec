/* zlib: Node's node:zlib over the system zlib (docs/zlib.md).  Built only
 * with ASYNCRT_WITH_ZLIB defined (link -lz).
 *
 *   asy_fs_stream_t in, out;
 *   asy_zlib_t gz;
 *   asy_fs_create_read_stream(loop, &in, "input.txt", NULL);
 *   asy_zlib_gzip(loop, &gz, NULL);                       // createGzip()
 *   asy_fs_create_write_stream(loop, &out, "input.txt.gz", NULL);
 *   asy_stream_t *s[] = { &in.stream, &gz.stream, &out.stream };
 *   asy_pipeline(s, 3, on_done, NULL);
 *
 * Each asy_zlib_t is a Transform of the stream layer (`gz.stream`): its
 * chunks are compressed on the loop's thread pool (cpu class), one job in
 * flight per stream so output keeps its order, and the output of one
 * input chunk is pushed in steps that wait for the consumer, so neither a
 * slow reader nor a decompression bomb grows memory past the
 * highWaterMark plus one step.  Chunks of at most 1 KiB, and every chunk
 * with opts.in_loop, run on the loop thread instead (a pool round trip
 * costs more than compressing them).
 *
 * Errors are Node's codes: ASY_Z_DATA_ERROR (bad header, bad CRC, bad
 * data), ASY_Z_BUF_ERROR ("unexpected end of file": truncated input),
 * ASY_Z_NEED_DICT, ASY_EBUFFER_TOO_LARGE (max_output_length);
 * asy_zlib_message() gives Node's err.message ("incorrect header check").
 * Bad options: ASY_ERANGE (Node's ERR_OUT_OF_RANGE) or ASY_EINVAL. */
#pragma once
#include "../loop/handle.h"
#include "../stream/stream.h"

/* The seven kinds, Node's constants DEFLATE..UNZIP. */
typedef enum {
    ASY_ZLIB_DEFLATE = 1,
    ASY_ZLIB_INFLATE = 2,
    ASY_ZLIB_GZIP = 3,
    ASY_ZLIB_GUNZIP = 4,
    ASY_ZLIB_DEFLATE_RAW = 5,
    ASY_ZLIB_INFLATE_RAW = 6,
    ASY_ZLIB_UNZIP = 7 /* gzip or zlib, told apart by the header */
} asy_zlib_mode_t;

/* zlib's flush values and constants, under Node's names, so callers need
 * not include <zlib.h>. */
enum {
    ASY_Z_NO_FLUSH = 0,
    ASY_Z_PARTIAL_FLUSH = 1,
    ASY_Z_SYNC_FLUSH = 2,
    ASY_Z_FULL_FLUSH = 3,
    ASY_Z_FINISH = 4,
    ASY_Z_BLOCK = 5,
    ASY_Z_NO_COMPRESSION = 0,
    ASY_Z_BEST_SPEED = 1,
    ASY_Z_BEST_COMPRESSION = 9,
    ASY_Z_DEFAULT_COMPRESSION = -1,
    ASY_Z_FILTERED = 1,
    ASY_Z_HUFFMAN_ONLY = 2,
    ASY_Z_RLE = 3,
    ASY_Z_FIXED = 4,
    ASY_Z_DEFAULT_STRATEGY = 0,
    ASY_Z_DEFAULT_CHUNK = 16 * 1024,
    ASY_Z_MIN_CHUNK = 64
};

/* Node's zlib options; zero means Node's default for every field, NULL
 * options are all defaults. */
typedef struct asy_zlib_opts_t {
    /* level -1..9; 0 is a real level (store), so it counts only with
     * has_level (default Z_DEFAULT_COMPRESSION, zlib's 6). */
    int has_level;
    int level;
    int window_bits; /* 8..15; 0: 15 */
    int mem_level;   /* 1..9; 0: 8 */
    int strategy;    /* ASY_Z_FILTERED...; 0: the default strategy */
    size_t chunk_size; /* output buffer size, >= 64; 0: 16 KiB */
    /* Preset dictionary (deflate, inflate and their raw forms), copied. */
    const void *dictionary;
    size_t dictionary_len;
    int flush;        /* flush after every write; 0: ASY_Z_NO_FLUSH */
    int finish_flush; /* flush at the end; 0: ASY_Z_FINISH (ASY_Z_SYNC_FLUSH
                       * decodes truncated input without an error) */
    /* Stop with ASY_EBUFFER_TOO_LARGE once the output would pass this many
     * bytes (one-shot calls, as in Node, and streams too); 0: no limit. */
    size_t max_output_length;
    /* Streams: the readable and writable highWaterMark; 0: 16 KiB. */
    size_t high_water_mark;
    /* Streams: run zlib on the loop thread, never on the pool (small
     * latency-critical messages: no thread hop). */
    int in_loop;
    /* inflate only: input whose first byte is not a zlib header
     * ((byte & 0x0f) != 8) is read as raw deflate instead, as browsers
     * and undici read Content-Encoding: deflate (servers send either). */
    int raw_fallback;
} asy_zlib_opts_t;

typedef struct asy_zlib_s asy_zlib_t;
struct asy__zlib_state;

struct asy_zlib_s {
    asy_stream_t stream; /* the Transform: pass it to asy_stream_* and pipeline */
    /* -- everything below is private -- */
    struct asy__zlib_state *st_;
    const char *msg_;
    uint64_t bytes_in_, bytes_out_;
};

/* createGzip() and friends.  The struct is the caller's; the stream's
 * on_close is the last call the library makes with it.  ASY_EINVAL /
 * ASY_ERANGE (bad options), ASY_ENOMEM, ASY_Z_DATA_ERROR (a dictionary
 * zlib refuses); nothing is started then. */
ASYNCRT_API int asy_zlib_create(asy_loop_t *loop, asy_zlib_t *z, asy_zlib_mode_t mode,
                                const asy_zlib_opts_t *opts);
ASYNCRT_API int asy_zlib_gzip(asy_loop_t *loop, asy_zlib_t *z, const asy_zlib_opts_t *opts);
ASYNCRT_API int asy_zlib_gunzip(asy_loop_t *loop, asy_zlib_t *z, const asy_zlib_opts_t *opts);
ASYNCRT_API int asy_zlib_deflate(asy_loop_t *loop, asy_zlib_t *z, const asy_zlib_opts_t *opts);
ASYNCRT_API int asy_zlib_inflate(asy_loop_t *loop, asy_zlib_t *z, const asy_zlib_opts_t *opts);
ASYNCRT_API int asy_zlib_deflate_raw(asy_loop_t *loop, asy_zlib_t *z, const asy_zlib_opts_t *opts);
ASYNCRT_API int asy_zlib_inflate_raw(asy_loop_t *loop, asy_zlib_t *z, const asy_zlib_opts_t *opts);
ASYNCRT_API int asy_zlib_unzip(asy_loop_t *loop, asy_zlib_t *z, const asy_zlib_opts_t *opts);

/* The zlib stream whose `stream` member s is; NULL for any other stream. */
ASYNCRT_API asy_zlib_t *asy_zlib_of(asy_stream_t *s);

/* zlib.flush(kind, cb): everything written so far is compressed and
 * pushed with a flush of `kind` (0: ASY_Z_FULL_FLUSH, as Node); cb (may be
 * NULL) runs once that output was pushed.  It is ordered with the writes
 * (a marker write, counted as one byte by the writable side's length, not
 * by bytes_written).  ASY_EWRITE_AFTER_END after end(). */
ASYNCRT_API int asy_zlib_flush(asy_zlib_t *z, int kind, asy_stream_cb cb, void *arg);
/* zlib.params(level, strategy, cb): deflate kinds only; a sync flush,
 * then the new level and strategy apply to what is written after.  Up to
 * 8 may be outstanding (ASY_EBUSY beyond). */
ASYNCRT_API int asy_zlib_params(asy_zlib_t *z, int level, int strategy, asy_stream_cb cb,
                                void *arg);
/* .bytesWritten: input bytes taken in so far. */
ASYNCRT_API uint64_t asy_zlib_bytes_written(const asy_zlib_t *z);
/* Output bytes pushed so far. */
ASYNCRT_API uint64_t asy_zlib_bytes_pushed(const asy_zlib_t *z);
/* Node's err.message for the stream's zlib error ("incorrect header
 * check", "unexpected end of file"...); "" when there was none.  Stays
 * valid after close. */
ASYNCRT_API const char *asy_zlib_message(const asy_zlib_t *z);

/* zlib.crc32(data, value): CRC-32 of data continuing from value (0 to
 * start).  adler32 continues from value too; start it with 1. */
ASYNCRT_API uint32_t asy_zlib_crc32(const void *data, size_t len, uint32_t value);
ASYNCRT_API uint32_t asy_zlib_adler32(const void *data, size_t len, uint32_t value);
