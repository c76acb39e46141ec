/* Handle classes (loop/loop.internal.h): a handle type added above the
 * loop supplies close / finish_close / name and asy_close, the close
 * phase, asy_handle_type_name and asy_loop_print_handles use them without
 * the loop knowing the type. */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "test.h"
#include "loop_util.h"

#define TEST_HANDLE_GADGET ((asy_handle_type_t)(ASY_HANDLE_TYPE_MAX + 7))

typedef struct {
    ASY_HANDLE_FIELDS
    int closes, finishes;
} gadget_t;

static void gadget_close(asy_handle_t *h) {
    ((gadget_t *)h)->closes++;
    tlog("close");
}
static void gadget_finish(asy_handle_t *h) {
    ((gadget_t *)h)->finishes++;
    tlog("finish_close");
}
static const asy__handle_class gadget_class = {TEST_HANDLE_GADGET, "gadget", gadget_close,
                                               gadget_finish};
static void gadget_closed(asy_handle_t *h) {
    gadget_t *g = (gadget_t *)h;
    ASSERT_EQ(g->finishes, 1);
    tlog("close_cb");
}

TEST(internal_handle_class_of_an_upper_layer) {
    asy_loop_t L;
    gadget_t g;
    char buf[512];
    FILE *f;
    size_t n;
    ASSERT_EQ(asy_loop_init(&L, NULL), 0);
    ASSERT_STR_EQ(asy_handle_type_name(TEST_HANDLE_GADGET), "unknown"); /* not seen yet */
    memset(&g, 0, sizeof(g));
    asy__handle_init(&L, (asy_handle_t *)&g, &gadget_class, __FILE__, __LINE__);
    ASSERT_EQ(g.type, TEST_HANDLE_GADGET);
    ASSERT_STR_EQ(asy_handle_type_name(TEST_HANDLE_GADGET), "gadget");
    f = tmpfile();
    ASSERT(f);
    ASSERT_EQ(asy_loop_print_handles(&L, f), 1);
    rewind(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    ASSERT(strstr(buf, " gadget ") != NULL);
    tlog_reset();
    ASSERT_EQ(asy_close((asy_handle_t *)&g, gadget_closed), 0);
    ASSERT_EQ(asy_close((asy_handle_t *)&g, gadget_closed), 0); /* twice: a no-op */
    ASSERT_EQ(g.closes, 1);
    ASSERT_EQ(g.finishes, 0); /* not before the close phase */
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, "close\nfinish_close\nclose_cb\n");
    ASSERT_EQ(asy_loop_close(&L), 0);
}

/* A class without operations: asy_close only deactivates and queues it. */
static const asy__handle_class bare_class = {(asy_handle_type_t)(ASY_HANDLE_TYPE_MAX + 8), "bare",
                                             NULL, NULL};
static int bare_closed;
static void bare_close_cb(asy_handle_t *h) {
    (void)h;
    bare_closed++;
}

TEST(internal_handle_class_without_operations) {
    asy_loop_t L;
    gadget_t g;
    ASSERT_EQ(asy_loop_init(&L, NULL), 0);
    memset(&g, 0, sizeof(g));
    asy__handle_init(&L, (asy_handle_t *)&g, &bare_class, __FILE__, __LINE__);
    asy__handle_start((asy_handle_t *)&g);
    ASSERT(asy_is_active((asy_handle_t *)&g));
    ASSERT_EQ(asy_close((asy_handle_t *)&g, bare_close_cb), 0);
    ASSERT(!asy_is_active((asy_handle_t *)&g));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(bare_closed, 1);
    ASSERT_EQ(asy_loop_close(&L), 0);
}

TEST(internal_handle_class_builtin_names_and_bad_input) {
    asy_handle_t zero;
    ASSERT_STR_EQ(asy_handle_type_name(ASY_HANDLE_TIMER), "timer");
    ASSERT_STR_EQ(asy_handle_type_name(ASY_HANDLE_TCP), "tcp");
    ASSERT_STR_EQ(asy_handle_type_name(ASY_HANDLE_PROCESS), "process");
    ASSERT_STR_EQ(asy_handle_type_name(ASY_HANDLE_IPC), "ipc");
    ASSERT_STR_EQ(asy_handle_type_name(ASY_HANDLE_TYPE_MAX), "unknown");
    ASSERT_STR_EQ(asy_handle_type_name(ASY_HANDLE_TYPE_LIMIT), "unknown");
    ASSERT_STR_EQ(asy_handle_type_name((asy_handle_type_t)1000), "unknown");
    memset(&zero, 0, sizeof(zero));
    ASSERT_EQ(asy_close(&zero, NULL), ASY_EINVAL);
    ASSERT_EQ(asy_close(NULL, NULL), ASY_EINVAL);
}

/* Every built-in type's handle names itself through its class. */
TEST(internal_handle_class_builtin_handles_listed_by_class_name) {
    asy_loop_t L;
    asy_timer_t t;
    asy_tcp_t tcp;
    asy_udp_t udp;
    asy_pipe_t pipe_;
    asy_check_t chk;
    asy_signal_t sig;
    asy_fs_watch_t w;
    char buf[4096];
    FILE *f;
    size_t n;
    ASSERT_EQ(asy_loop_init(&L, NULL), 0);
    ASSERT_EQ(asy_timer_init(&L, &t), 0);
    ASSERT_EQ(asy_tcp_init(&L, &tcp), 0);
    ASSERT_EQ(asy_udp_init(&L, &udp), 0);
    ASSERT_EQ(asy_pipe_init(&L, &pipe_), 0);
    ASSERT_EQ(asy_check_init(&L, &chk), 0);
    ASSERT_EQ(asy_signal_init(&L, &sig), 0);
    ASSERT_EQ(asy_fs_watch_init(&L, &w), 0);
    f = tmpfile();
    ASSERT(f);
    ASSERT_EQ(asy_loop_print_handles(&L, f), 7);
    rewind(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    ASSERT(strstr(buf, " timer "));
    ASSERT(strstr(buf, " tcp "));
    ASSERT(strstr(buf, " udp "));
    ASSERT(strstr(buf, " pipe "));
    ASSERT(strstr(buf, " check "));
    ASSERT(strstr(buf, " signal "));
    ASSERT(strstr(buf, " fs_watch "));
    asy_close((asy_handle_t *)&t, NULL);
    asy_close((asy_handle_t *)&tcp, NULL);
    asy_close((asy_handle_t *)&udp, NULL);
    asy_close((asy_handle_t *)&pipe_, NULL);
    asy_close((asy_handle_t *)&chk, NULL);
    asy_close((asy_handle_t *)&sig, NULL);
    asy_close((asy_handle_t *)&w, NULL);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(asy_loop_close(&L), 0);
}
