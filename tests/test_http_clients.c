/* Real clients against examples/http_server: curl, Python's http.client,
 * Node's fetch and http.request, ab, wrk (pipelined), h2load.  A test
 * whose tool is missing is skipped with the reason. */
#include "../asyncrt.h"
#include "test.h"
#include "example_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void need(const char *tool) {
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
    if (system(cmd) != 0) {
        static char why[128];
        snprintf(why, sizeof(why), "%s is not installed", tool);
        SKIP(why);
    }
}

static pid_t server_pid;
static int server_port;

static void start_server(void) {
    server_port = asyt_free_port();
    server_pid = asyt_example_start("http_server", NULL, server_port);
}

static void stop_server(void) { asyt_example_stop(server_pid); }

/* Runs a shell command (with $URL and $PORT set) and returns its output. */
static const char *sh(const char *fmt) {
    static char out[65536];
    char cmd[4096], url[64], port[16];
    FILE *f;
    size_t n;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", server_port);
    snprintf(port, sizeof(port), "%d", server_port);
    setenv("URL", url, 1);
    setenv("PORT", port, 1);
    snprintf(cmd, sizeof(cmd), "%s 2>&1", fmt);
    f = popen(cmd, "r");
    if (!f) FAIL("popen");
    n = fread(out, 1, sizeof(out) - 1, f);
    out[n] = 0;
    pclose(f);
    return out;
}

#define EXPECT_IN(out, s)                                              \
    do {                                                               \
        const char *o_ = (out);                                        \
        if (!strstr(o_, (s))) FAIL("missing \"%s\" in:\n%s", (s), o_); \
    } while (0)

TEST_T(http_client_curl_keep_alive, 10000) {
    need("curl");
    start_server();
    /* two URLs, one connection: the second reports no new connect */
    ASSERT_STR_EQ(sh("curl -s -w ' [%{num_connects}]' $URL/a $URL/b/c?d"),
                  "Hello World [1]Hello World [0]");
    EXPECT_IN(sh("curl -si $URL/"), "Content-Type: text/plain");
    stop_server();
}

TEST_T(http_client_curl_chunked_upload, 10000) {
    need("curl");
    start_server();
    /* -T - streams stdin with Transfer-Encoding: chunked */
    ASSERT_STR_EQ(sh("printf 'a\"b\\\\c\\n\\001\\303\\251' | curl -s -X POST -T - $URL/up"),
                  "{\"received\":\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"}");
    EXPECT_IN(sh("printf x | curl -sv -X POST -T - $URL/up"), "Transfer-Encoding: chunked");
    stop_server();
}

TEST_T(http_client_curl_http10_and_expect, 10000) {
    const char *o;
    need("curl");
    start_server();
    o = sh("curl -si --http1.0 $URL/");
    EXPECT_IN(o, "HTTP/1.1 200 OK");
    EXPECT_IN(o, "Connection: close");
    EXPECT_IN(o, "Hello World");
    /* curl asks Expect: 100-continue itself above 1 KiB; forced here */
    o = sh("head -c 3000 /dev/zero | tr '\\0' x | curl -sv -H 'Expect: 100-continue' --data-binary @- $URL/");
    EXPECT_IN(o, "HTTP/1.1 100 Continue");
    EXPECT_IN(o, "{\"received\":\"xxxxxxxxxx");
    stop_server();
}

TEST_T(http_client_python, 15000) {
    need("python3");
    start_server();
    ASSERT_STR_EQ(sh("python3 -c '\n"
                     "import http.client, os, json\n"
                     "c = http.client.HTTPConnection(\"127.0.0.1\", int(os.environ[\"PORT\"]))\n"
                     "for i in range(3):\n"
                     "    c.request(\"GET\", \"/x\")\n"
                     "    r = c.getresponse(); b = r.read()\n"
                     "    assert r.status == 200 and b == b\"Hello World\", (r.status, b)\n"
                     "body = \"caf\\u00e9 \\\"q\\\" \\x07\"\n"
                     "c.request(\"POST\", \"/p\", body=body.encode())\n"
                     "r = c.getresponse()\n"
                     "assert r.getheader(\"Content-Type\") == \"application/json\"\n"
                     "assert json.loads(r.read())[\"received\"] == body\n"
                     "print(\"ok\")'"),
                  "ok\n");
    stop_server();
}

TEST_T(http_client_node_fetch_and_request, 20000) {
    need("node");
    start_server();
    ASSERT_STR_EQ(sh("node -e '\n"
                     "const http = require(\"http\");\n"
                     "(async () => {\n"
                     "  const u = process.env.URL;\n"
                     "  const r = await fetch(u + \"/f\");\n"
                     "  if (r.status !== 200 || (await r.text()) !== \"Hello World\") throw 1;\n"
                     "  const p = await fetch(u, {method: \"POST\", body: \"\\u00e9\\n\\\"\"});\n"
                     "  const j = await p.json();\n"
                     "  if (j.received !== \"\\u00e9\\n\\\"\") throw 2;\n"
                     "  const agent = new http.Agent({keepAlive: true});\n"
                     "  for (let i = 0; i < 3; i++) await new Promise((res, rej) => {\n"
                     "    const q = http.request(u + \"/r\", {method: \"POST\", agent}, (s) => {\n"
                     "      let b = \"\"; s.on(\"data\", (c) => b += c);\n"
                     "      s.on(\"end\", () => b === \"{\\\"received\\\":\\\"chunk\" + i + \"\\\"}\" ? res() : rej(b));\n"
                     "    });\n"
                     "    q.write(\"chunk\"); q.end(String(i));\n"
                     "  });\n"
                     "  agent.destroy();\n"
                     "  console.log(\"ok\");\n"
                     "})().catch((e) => { console.log(\"fail\", e); process.exit(1); });'"),
                  "ok\n");
    stop_server();
}

TEST_T(http_client_ab_keep_alive, 20000) {
    const char *o;
    need("ab");
    start_server();
    o = sh("ab -k -n 5000 -c 16 $URL/");
    EXPECT_IN(o, "Complete requests:      5000");
    EXPECT_IN(o, "Failed requests:        0");
    EXPECT_IN(o, "Keep-Alive requests:    5000");
    stop_server();
}

TEST_T(http_client_wrk_pipelined, 20000) {
    const char *o;
    FILE *f;
    need("wrk");
    f = fopen("pipeline16.lua", "w");
    ASSERT_NOT_NULL(f);
    fputs("init = function(args)\n"
          "  local r = {}\n"
          "  for i = 1, 16 do r[i] = wrk.format(nil, \"/p\" .. i) end\n"
          "  req = table.concat(r)\n"
          "end\n"
          "request = function() return req end\n",
          f);
    fclose(f);
    start_server();
    o = sh("wrk -t1 -c16 -d1s -s pipeline16.lua $URL/");
    EXPECT_IN(o, "requests in");
    if (strstr(o, "Non-2xx") || strstr(o, "Socket errors")) FAIL("errors:\n%s", o);
    stop_server();
}

TEST_T(http_client_h2load_h1, 20000) {
    const char *o;
    need("h2load");
    start_server();
    o = sh("h2load --h1 -n 5000 -c 16 -m 4 $URL/");
    EXPECT_IN(o, "5000 succeeded, 0 failed, 0 errored");
    EXPECT_IN(o, "status codes: 5000 2xx");
    stop_server();
}

/* server.close() while wrk runs: requests in flight finish (no errors,
 * no non-2xx), the server exits 0, and new connections are refused. */
TEST_T(http_client_graceful_close_under_wrk, 20000) {
    FILE *w;
    char out[8192];
    size_t n;
    int status, fd, i;
    struct sockaddr_in sin;
    need("wrk");
    start_server();
    {
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "wrk -t1 -c16 -d3s http://127.0.0.1:%d/ 2>&1", server_port);
        w = popen(cmd, "r");
    }
    ASSERT_NOT_NULL(w);
    usleep(1000 * 1000);
    kill(server_pid, SIGTERM);
    for (i = 0; i < 300; i++) {
        if (waitpid(server_pid, &status, WNOHANG) == server_pid) break;
        usleep(10000);
    }
    if (i == 300) {
        kill(server_pid, SIGKILL);
        FAIL("the server did not finish within 3 s of SIGTERM");
    }
    ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)server_port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT(connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 && errno == ECONNREFUSED);
    close(fd);
    n = fread(out, 1, sizeof(out) - 1, w);
    out[n] = 0;
    pclose(w);
    EXPECT_IN(out, "requests in");
    if (strstr(out, "Non-2xx")) FAIL("non-2xx answers:\n%s", out);
    /* after the close, wrk's reconnects are refused (counted as connect or
     * write errors); no request in flight may fail */
    if (strstr(out, "read ") && !strstr(out, "read 0,")) FAIL("read errors:\n%s", out);
    if (strstr(out, "timeout ") && !strstr(out, "timeout 0")) FAIL("timeouts:\n%s", out);
}
