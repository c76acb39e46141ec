/* zlib transforms: round trips through pipelines, flush() and params(),
 * files made by gzip(1), pigz and Node, corrupt input against Node's own
 * codes and messages, memory under a slow consumer and under a bomb. */
#include "../asyncrt.h"
#include "test.h"

#ifdef ASYNCRT_WITH_ZLIB
#include "fs_util.h"
#include "zlib_util.h"

#include <fcntl.h>
#include <stdarg.h>

static asy_loop_t L;

/* source -> pack -> unpack -> sink, the data cut in `sizes` chunks. */
static void stream_roundtrip(const uint8_t *data, size_t len, asy_zlib_mode_t pack,
                             asy_zlib_mode_t unpack, const asy_zlib_opts_t *o, const size_t *sizes,
                             size_t nsizes) {
    zt_source src;
    zt_sink sink;
    asy_zlib_t a, b;
    asy_stream_t *s[4];
    zt_source_init(&L, &src, data, len, sizes, nsizes);
    ASSERT_OK(asy_zlib_create(&L, &a, pack, o));
    ASSERT_OK(asy_zlib_create(&L, &b, unpack, o));
    zt_sink_init(&L, &sink, 1);
    s[0] = &src.s;
    s[1] = &a.stream;
    s[2] = &b.stream;
    s[3] = &sink.s;
    ASSERT_OK(zt_run_pipeline(&L, s, 4));
    ASSERT_EQ(sink.len, len);
    ASSERT_MEM_EQ(sink.buf, data, len);
    ASSERT_EQ_U64(asy_zlib_bytes_written(&a), len);
    ASSERT_EQ_U64(asy_zlib_bytes_pushed(&b), len);
    ASSERT_EQ_U64(asy_zlib_bytes_pushed(&a), asy_zlib_bytes_written(&b));
    ASSERT_EQ(src.closes + sink.closes, 2);
    free(sink.buf);
}

TEST_T(zlib_stream_roundtrip_levels_strategies, 60000) {
    static const size_t sizes[] = {1, 100, 1000, 1025, 5000, 70000, 3};
    size_t n = 400000;
    uint8_t *text = zt_text(n), *rnd = zt_random(n);
    asy_zlib_opts_t o;
    int level, strategy;
    ASSERT_OK(asy_loop_init(&L, NULL));
    for (level = -1; level <= 9; level++) {
        memset(&o, 0, sizeof(o));
        o.has_level = 1;
        o.level = level;
        stream_roundtrip(text, n, ASY_ZLIB_GZIP, ASY_ZLIB_GUNZIP, &o, sizes, 7);
        stream_roundtrip(rnd, n, ASY_ZLIB_DEFLATE, ASY_ZLIB_INFLATE, &o, sizes, 7);
    }
    for (strategy = 0; strategy <= 4; strategy++) {
        memset(&o, 0, sizeof(o));
        o.strategy = strategy;
        stream_roundtrip(text, n, ASY_ZLIB_DEFLATE_RAW, ASY_ZLIB_INFLATE_RAW, &o, sizes, 7);
        stream_roundtrip(rnd, n, ASY_ZLIB_GZIP, ASY_ZLIB_UNZIP, &o, sizes, 7);
    }
    /* small output buffers and marks: many steps per chunk */
    memset(&o, 0, sizeof(o));
    o.chunk_size = 64;
    o.high_water_mark = 100;
    stream_roundtrip(text, n / 4, ASY_ZLIB_GZIP, ASY_ZLIB_GUNZIP, &o, sizes, 7);
    /* empty input */
    stream_roundtrip(text, 0, ASY_ZLIB_GZIP, ASY_ZLIB_GUNZIP, NULL, sizes, 7);
    ASSERT_OK(asy_loop_close(&L));
    free(text);
    free(rnd);
}

TEST(zlib_stream_in_loop_uses_no_pool) {
    static const size_t sizes[] = {4096, 300, 65536};
    uint8_t *text = zt_text(300000);
    asy_zlib_opts_t o;
    asy_pool_stats_t ps;
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    o.in_loop = 1;
    stream_roundtrip(text, 300000, ASY_ZLIB_GZIP, ASY_ZLIB_GUNZIP, &o, sizes, 3);
    ASSERT_OK(asy_pool_stats(&L, &ps));
    ASSERT_EQ_U64(ps.completed, 0);
    /* without it, big chunks go to the pool */
    stream_roundtrip(text, 300000, ASY_ZLIB_GZIP, ASY_ZLIB_GUNZIP, NULL, sizes, 3);
    ASSERT_OK(asy_pool_stats(&L, &ps));
    ASSERT_GT(ps.completed, 0);
    ASSERT_OK(asy_loop_close(&L));
    free(text);
}

/* ---- flush() and params() ------------------------------------------------ */

static zt_sink fsink;
static size_t flushed_at[4];
static int nflushed;
static void on_flushed(asy_stream_t *s, int status, void *arg) {
    (void)s;
    (void)arg;
    ASSERT_OK(status);
    flushed_at[nflushed++] = (size_t)asy_zlib_bytes_pushed((asy_zlib_t *)arg);
}

TEST(zlib_stream_flush_and_params) {
    asy_zlib_t z;
    asy_stream_t *s[2];
    asy_buf_t d;
    asy_zlib_opts_t o;
    uint8_t *text = zt_text(200000);
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_zlib_deflate(&L, &z, NULL));
    zt_sink_init(&L, &fsink, 1);
    s[0] = &z.stream;
    s[1] = &fsink.s;
    ASSERT_OK(asy_pipeline(s, 2, zt_pipeline_done, NULL));
    ASSERT_OK(asy_stream_write_bytes(&z.stream, "hello ", 6, NULL, NULL));
    ASSERT_OK(asy_zlib_flush(&z, ASY_Z_SYNC_FLUSH, on_flushed, &z));
    ASSERT_OK(asy_zlib_params(&z, 0, ASY_Z_DEFAULT_STRATEGY, on_flushed, &z));
    ASSERT_OK(asy_stream_write_bytes(&z.stream, text, 100000, NULL, NULL));
    ASSERT_OK(asy_zlib_params(&z, 9, ASY_Z_FILTERED, on_flushed, &z));
    ASSERT_OK(asy_stream_write_bytes(&z.stream, text + 100000, 100000, NULL, NULL));
    ASSERT_OK(asy_stream_end(&z.stream, NULL, NULL));
    ASSERT_ERR(asy_zlib_flush(&z, 0, NULL, NULL), ASY_EWRITE_AFTER_END);
    zt_status = 1;
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_OK(zt_status);
    ASSERT_EQ(nflushed, 3);
    /* what came out by the first flush decodes to "hello " on its own */
    memset(&o, 0, sizeof(o));
    o.finish_flush = ASY_Z_SYNC_FLUSH;
    ASSERT_GT(flushed_at[0], 0);
    ASSERT_OK(asy_zlib_inflate_sync(fsink.buf, flushed_at[0], &o, &d));
    ASSERT_EQ(d.len, 6);
    ASSERT_MEM_EQ(d.data, "hello ", 6);
    asy_buf_release(&d);
    /* level 0 stored the middle part: the output grew by at least it */
    ASSERT_GE(flushed_at[2] - flushed_at[1], 100000);
    ASSERT_OK(asy_zlib_inflate_sync(fsink.buf, fsink.len, NULL, &d));
    ASSERT_EQ(d.len, 200006);
    ASSERT_MEM_EQ(d.data + 6, text, 200000);
    asy_buf_release(&d);
    ASSERT_EQ_U64(asy_zlib_bytes_written(&z), 200006);
    ASSERT_OK(asy_loop_close(&L));
    free(fsink.buf);
    free(text);
}

TEST(zlib_params_rules) {
    asy_zlib_t z;
    int i;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_zlib_inflate(&L, &z, NULL));
    ASSERT_ERR(asy_zlib_params(&z, 1, 0, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_zlib_flush(&z, 7, NULL, NULL), ASY_ERANGE);
    ASSERT_PTR_EQ(asy_zlib_of(&z.stream), &z);
    asy_stream_destroy(&z.stream, 0);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_OK(asy_zlib_gzip(&L, &z, NULL));
    ASSERT_ERR(asy_zlib_params(&z, 10, 0, NULL, NULL), ASY_ERANGE);
    {
        /* a big chunk keeps the stream busy on the pool: the params wait */
        static uint8_t big[200000];
        ASSERT_OK(asy_stream_write_bytes(&z.stream, big, sizeof(big), NULL, NULL));
    }
    for (i = 0; i < 8; i++) ASSERT_OK(asy_zlib_params(&z, i, 0, NULL, NULL));
    ASSERT_ERR(asy_zlib_params(&z, 1, 0, NULL, NULL), ASY_EBUSY);
    asy_stream_destroy(&z.stream, 0);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- files: the examples, gzip(1), pigz, Python, Node ------------------- */

static void put_data(const char *path, const void *data, size_t len) {
    asy_fs_t r;
    ASSERT_EQ(asy_fs_write_file_sync(&r, path, data, len, 0), (int)len);
    asy_fs_req_cleanup(&r);
}

static char cmd[4096];
static int shf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int shf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return zt_sh(cmd);
}

TEST_T(zlib_gzip_file_output_decodes_with_gunzip_and_python, 30000) {
    uint8_t *text = zt_text(3000000);
    tmpdir_make();
    put_data(P("in.txt"), text, 3000000);
    ASSERT_EQ(shf("../examples/gzip_file %s %s >/dev/null", P("in.txt"), P("in.txt.gz")), 0);
    ASSERT_EQ(shf("gunzip -c %s | cmp -s - %s", P("in.txt.gz"), P("in.txt")), 0);
    ASSERT_EQ(shf("python3 -c 'import gzip,sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())' "
                  "%s | cmp -s - %s",
                  P("in.txt.gz"), P("in.txt")),
              0);
    /* and back with gunzip_file */
    ASSERT_EQ(shf("../examples/gunzip_file %s %s >/dev/null && cmp -s %s %s", P("in.txt.gz"),
                  P("back.txt"), P("back.txt"), P("in.txt")),
              0);
    /* the empty file too */
    put_data(P("empty"), "", 0);
    ASSERT_EQ(shf("../examples/gzip_file %s %s >/dev/null && gunzip -c %s | cmp -s - %s",
                  P("empty"), P("empty.gz"), P("empty.gz"), P("empty")),
              0);
    tmpdir_remove();
    free(text);
}

TEST_T(zlib_gunzip_file_decodes_gzip_pigz_node_and_members, 30000) {
    uint8_t *text = zt_text(2000000);
    tmpdir_make();
    put_data(P("in.txt"), text, 2000000);
    ASSERT_EQ(shf("gzip -9 -c %s > %s", P("in.txt"), P("g9.gz")), 0);
    ASSERT_EQ(shf("gzip -1 -c %s > %s", P("in.txt"), P("g1.gz")), 0);
    ASSERT_EQ(shf("../examples/gunzip_file %s %s >/dev/null && cmp -s %s %s", P("g9.gz"),
                  P("o9"), P("o9"), P("in.txt")),
              0);
    ASSERT_EQ(shf("../examples/gunzip_file %s %s >/dev/null && cmp -s %s %s", P("g1.gz"),
                  P("o1"), P("o1"), P("in.txt")),
              0);
    /* multi-member: gzip(1) of two parts, concatenated */
    ASSERT_EQ(shf("head -c 700000 %s | gzip -6 > %s && tail -c +700001 %s | gzip -3 >> %s",
                  P("in.txt"), P("mm.gz"), P("in.txt"), P("mm.gz")),
              0);
    ASSERT_EQ(shf("../examples/gunzip_file %s %s >/dev/null && cmp -s %s %s", P("mm.gz"),
                  P("omm"), P("omm"), P("in.txt")),
              0);
    if (zt_sh("command -v pigz >/dev/null") == 0) {
        /* pigz writes many deflate blocks, flushed, in parallel */
        ASSERT_EQ(shf("pigz -p 2 -b 128 -c %s > %s", P("in.txt"), P("pz.gz")), 0);
        ASSERT_EQ(shf("../examples/gunzip_file %s %s >/dev/null && cmp -s %s %s", P("pz.gz"),
                      P("opz"), P("opz"), P("in.txt")),
                  0);
    }
    if (zt_sh("command -v node >/dev/null") == 0) {
        ASSERT_EQ(shf("node -e 'const z=require(\"zlib\"),fs=require(\"fs\");"
                      "const d=fs.readFileSync(process.argv[1]);"
                      "fs.writeFileSync(process.argv[2],Buffer.concat([z.gzipSync(d.subarray(0,5)),"
                      "z.gzipSync(d.subarray(5),{level:9})]))' %s %s",
                      P("in.txt"), P("node.gz")),
                  0);
        ASSERT_EQ(shf("../examples/gunzip_file %s %s >/dev/null && cmp -s %s %s", P("node.gz"),
                      P("onode"), P("onode"), P("in.txt")),
                  0);
    }
    tmpdir_remove();
    free(text);
}

/* Node's deflate with a dictionary, inflated by the transform. */
TEST_T(zlib_stream_inflates_node_dictionary, 20000) {
    static const char dict[] = "stream buffer event loop pipeline backpressure";
    static const size_t sizes[] = {7, 1000};
    uint8_t *text = zt_text(100000);
    asy_fs_t r;
    asy_zlib_opts_t o;
    zt_source src;
    zt_sink sink;
    asy_zlib_t z;
    asy_stream_t *s[3];
    if (zt_sh("command -v node >/dev/null") != 0) SKIP("node is not installed");
    tmpdir_make();
    put_data(P("in.txt"), text, 100000);
    ASSERT_EQ(shf("node -e 'const z=require(\"zlib\"),fs=require(\"fs\");"
                  "fs.writeFileSync(process.argv[2],z.deflateSync(fs.readFileSync(process.argv[1]),"
                  "{dictionary:Buffer.from(\"%s\")}))' %s %s",
                  dict, P("in.txt"), P("in.zd")),
              0);
    ASSERT(asy_fs_read_file_sync(&r, P("in.zd")) >= 0);
    memset(&o, 0, sizeof(o));
    o.dictionary = dict;
    o.dictionary_len = strlen(dict);
    ASSERT_OK(asy_loop_init(&L, NULL));
    zt_source_init(&L, &src, r.buf, r.len, sizes, 2);
    ASSERT_OK(asy_zlib_inflate(&L, &z, &o));
    zt_sink_init(&L, &sink, 1);
    s[0] = &src.s;
    s[1] = &z.stream;
    s[2] = &sink.s;
    ASSERT_OK(zt_run_pipeline(&L, s, 3));
    ASSERT_EQ(sink.len, 100000);
    ASSERT_MEM_EQ(sink.buf, text, 100000);
    free(sink.buf);
    /* without the dictionary: Node's Z_NEED_DICT */
    zt_source_init(&L, &src, r.buf, r.len, sizes, 2);
    ASSERT_OK(asy_zlib_inflate(&L, &z, NULL));
    zt_sink_init(&L, &sink, 1);
    ASSERT_ERR(zt_run_pipeline(&L, s, 3), ASY_Z_NEED_DICT);
    ASSERT_STR_EQ(asy_zlib_message(&z), "Missing dictionary");
    free(sink.buf);
    asy_fs_req_cleanup(&r);
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
    free(text);
}

/* ---- corrupt input: the same codes and messages as Node ------------------ */

static int z_closes;
static void count_close(asy_stream_t *s) {
    (void)s;
    z_closes++;
}
static const asy_stream_events_t zcount_events = {NULL, NULL, NULL, NULL, NULL, NULL, count_close,
                                                NULL, NULL};

/* file -> gunzip -> sink; "ok N" or "CODE message", every stream closed
 * once (checked). */
static const char *ours(const char *path, asy_zlib_mode_t mode) {
    static char line[256];
    asy_fs_stream_t in;
    asy_zlib_t z;
    zt_sink sink;
    asy_stream_t *s[3];
    int st;
    ASSERT_OK(asy_fs_create_read_stream(&L, &in, path, NULL));
    ASSERT_OK(asy_zlib_create(&L, &z, mode, NULL));
    zt_sink_init(&L, &sink, 0);
    z_closes = 0;
    ASSERT_OK(asy_stream_set_events(&in.stream, &zcount_events));
    ASSERT_OK(asy_stream_set_events(&z.stream, &zcount_events));
    s[0] = &in.stream;
    s[1] = &z.stream;
    s[2] = &sink.s;
    st = zt_run_pipeline(&L, s, 3);
    ASSERT_EQ(z_closes, 2);
    ASSERT_EQ(sink.closes, 1);
    if (st == 0)
        snprintf(line, sizeof(line), "ok %llu", (unsigned long long)sink.total);
    else
        snprintf(line, sizeof(line), "%s %s", asy_err_name(st), asy_zlib_message(&z));
    return line;
}

TEST_T(zlib_errors_match_node, 30000) {
    static const char *names[] = {"plain", "badcrc", "badlen", "cut", "garbage", "zeros",
                                  "magic", "empty", "cuthdr", "good"};
    static const char *want[] = {"Z_DATA_ERROR incorrect header check",
                                 "Z_DATA_ERROR incorrect data check",
                                 "Z_DATA_ERROR incorrect length check",
                                 "Z_BUF_ERROR unexpected end of file",
                                 "Z_DATA_ERROR incorrect header check",
                                 "ok 11",
                                 "Z_DATA_ERROR unknown compression method",
                                 "Z_BUF_ERROR unexpected end of file",
                                 "Z_BUF_ERROR unexpected end of file",
                                 "ok 22"};
    asy_buf_t gz;
    uint8_t b[512];
    size_t n, i;
    char node_out[4096], *line, *save = NULL;
    FILE *p;
    tmpdir_make();
    ASSERT_OK(asy_zlib_gzip_sync("hello world", 11, NULL, &gz));
    n = gz.len;
    put_data(P("plain"), "hello world", 11);
    memcpy(b, gz.data, n);
    b[n - 6] ^= 1;
    put_data(P("badcrc"), b, n);
    memcpy(b, gz.data, n);
    b[n - 3] ^= 1;
    put_data(P("badlen"), b, n);
    put_data(P("cut"), gz.data, n - 5);
    memcpy(b, gz.data, n);
    memcpy(b + n, "garbage", 7);
    put_data(P("garbage"), b, n + 7);
    memset(b + n, 0, 16);
    put_data(P("zeros"), b, n + 16);
    memcpy(b + n, "\x1f\x8b\xff\xff", 4);
    put_data(P("magic"), b, n + 4);
    put_data(P("empty"), "", 0);
    put_data(P("cuthdr"), gz.data, 5);
    memcpy(b + n, gz.data, n);
    put_data(P("good"), b, 2 * n);
    ASSERT_OK(asy_loop_init(&L, NULL));
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(ours(P(names[i]), ASY_ZLIB_GUNZIP), want[i]) != 0)
            FAIL("%s: got '%s', want '%s'", names[i], ours(P(names[i]), ASY_ZLIB_GUNZIP), want[i]);
    /* unzip and inflate say the same about a plain file */
    ASSERT_STR_EQ(ours(P("plain"), ASY_ZLIB_UNZIP), "Z_DATA_ERROR incorrect header check");
    ASSERT_STR_EQ(ours(P("plain"), ASY_ZLIB_INFLATE), "Z_DATA_ERROR incorrect header check");
    ASSERT_OK(asy_loop_close(&L));
    asy_buf_release(&gz);
    /* Node 20 on the same files, through pipeline(createReadStream,
     * createGunzip, sink) */
    if (zt_sh("command -v node >/dev/null") == 0) {
        snprintf(cmd, sizeof(cmd),
                 "cd %s && node -e '"
                 "const {pipeline,Writable}=require(\"stream\"),z=require(\"zlib\"),fs=require(\"fs\");"
                 "(async()=>{for(const f of process.argv.slice(1)){let n=0;"
                 "await new Promise(r=>pipeline(fs.createReadStream(f),z.createGunzip(),"
                 "new Writable({write(c,e,cb){n+=c.length;cb()}}),"
                 "e=>{console.log(e?e.code+\" \"+e.message:\"ok \"+n);r()}))}})()' "
                 "plain badcrc badlen cut garbage zeros magic empty cuthdr good",
                 tmp_root);
        p = popen(cmd, "r");
        ASSERT_NOT_NULL(p);
        n = fread(node_out, 1, sizeof(node_out) - 1, p);
        node_out[n] = 0;
        ASSERT_EQ(pclose(p), 0);
        for (i = 0, line = strtok_r(node_out, "\n", &save); line;
             i++, line = strtok_r(NULL, "\n", &save)) {
            ASSERT_LT(i, sizeof(want) / sizeof(want[0]));
            if (strcmp(line, want[i]) != 0)
                FAIL("%s: Node says '%s', we say '%s'", names[i], line, want[i]);
        }
        ASSERT_EQ(i, sizeof(want) / sizeof(want[0]));
    }
    tmpdir_remove();
}

/* ---- memory ---------------------------------------------------------------- */

static size_t rss_base, rss_max;
static uint64_t stalls;
static void sample_rss(void *arg) {
    zt_sink *k = (zt_sink *)arg;
    size_t r;
    /* every 64 MiB the consumer stalls for 100 ms: the whole pipeline
     * upstream must stall with it */
    if ((k->total >> 26) != stalls) {
        stalls = k->total >> 26;
        usleep(100000);
    }
    r = zt_rss();
    if (r > rss_max) rss_max = r;
}

TEST_T(zlib_rss_1gib_file_gzip_slow_consumer, 60000) {
    const size_t block = 1 << 20;
    uint8_t *text = zt_text(block);
    asy_fs_stream_t in;
    asy_zlib_t z;
    zt_sink sink;
    asy_stream_t *s[3];
    asy_zlib_opts_t o;
    int fd, i;
    /* a stress test of memory: the suite runs it in the plain build only
     * (under the sanitizers and valgrind RSS says nothing and 1 GiB takes
     * minutes) */
    if (!ZT_CHECK_RSS) asyt_skip("RSS bound of a 1 GiB pipeline: plain build only");
    tmpdir_make();
    fd = open(P("big"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    ASSERT(fd >= 0);
    for (i = 0; i < 1024; i++) ASSERT_EQ(write(fd, text, block), (long)block);
    close(fd);
    free(text);
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_fs_create_read_stream(&L, &in, P("big"), NULL));
    /* level 0 keeps the test fast on a loaded machine and makes the most
     * output; the memory bound does not depend on the level */
    memset(&o, 0, sizeof(o));
    o.has_level = 1;
    o.level = 0;
    ASSERT_OK(asy_zlib_gzip(&L, &z, &o));
    zt_sink_init(&L, &sink, 0);
    sink.slow = 1;
    sink.on_write = sample_rss;
    sink.on_write_arg = &sink;
    s[0] = &in.stream;
    s[1] = &z.stream;
    s[2] = &sink.s;
    rss_base = rss_max = zt_rss();
    ASSERT_OK(zt_run_pipeline(&L, s, 3));
    ASSERT_EQ_U64(asy_zlib_bytes_written(&z), (uint64_t)1 << 30);
    ASSERT_GT(sink.total, (uint64_t)1 << 30);
    fprintf(stderr, "rss grew by %zu KiB\n", (rss_max - rss_base) >> 10);
    /* 4 x the largest mark (the file's 64 KiB reads) + a constant: zlib's
     * state, one step's output, pool thread stacks and malloc arenas */
    if (ZT_CHECK_RSS) ASSERT_LE(rss_max - rss_base, 4 * 65536 + (8 << 20));
    ASSERT_OK(asy_loop_close(&L));
    tmpdir_remove();
}

TEST_T(zlib_stream_bomb_bounded, 60000) {
    static const size_t sizes[] = {1024};
    size_t len;
    uint8_t *gz = zt_bomb((size_t)1 << 30, &len);
    zt_source src;
    zt_sink sink;
    asy_zlib_t z;
    asy_stream_t *s[3];
    asy_zlib_opts_t o;
    ASSERT_OK(asy_loop_init(&L, NULL));
    /* with a limit: the error, after at most the limit, all streams closed */
    zt_source_init(&L, &src, gz, len, sizes, 1);
    memset(&o, 0, sizeof(o));
    o.max_output_length = 16 << 20;
    ASSERT_OK(asy_zlib_gunzip(&L, &z, &o));
    zt_sink_init(&L, &sink, 0);
    s[0] = &src.s;
    s[1] = &z.stream;
    s[2] = &sink.s;
    ASSERT_ERR(zt_run_pipeline(&L, s, 3), ASY_EBUFFER_TOO_LARGE);
    ASSERT_LE(sink.total, 16 << 20);
    ASSERT_EQ(src.closes, 1);
    ASSERT_EQ(sink.closes, 1);
    ASSERT(strstr(asy_zlib_message(&z), "larger than") != NULL);
    /* without: all of the 1 GiB comes out, in steps that wait for the
     * slow consumer, so memory stays flat (a stress test of memory: plain
     * build only, as above) */
    if (!ZT_CHECK_RSS) {
        ASSERT_OK(asy_loop_close(&L));
        free(gz);
        return;
    }
    zt_source_init(&L, &src, gz, len, sizes, 1);
    ASSERT_OK(asy_zlib_gunzip(&L, &z, NULL));
    zt_sink_init(&L, &sink, 0);
    sink.slow = 1;
    sink.on_write = sample_rss;
    sink.on_write_arg = &sink;
    stalls = 0;
    rss_base = rss_max = zt_rss();
    ASSERT_OK(zt_run_pipeline(&L, s, 3));
    ASSERT_EQ_U64(sink.total, (uint64_t)1 << 30);
    fprintf(stderr, "rss grew by %zu KiB\n", (rss_max - rss_base) >> 10);
    if (ZT_CHECK_RSS) ASSERT_LE(rss_max - rss_base, 4 * 16384 + (8 << 20));
    ASSERT_OK(asy_loop_close(&L));
    free(gz);
}
#endif
