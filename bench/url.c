/* URL parses per second, against bench/peers/url.mjs (Node's `new URL`,
 * ada inside).  Both parse the same mixed list of real-world URLs
 * (bench/data/urls.txt: web pages with queries and fragments, APIs, ports,
 * credentials, IPv4/IPv6, file, mailto, data, ws, ftp, non-special
 * schemes, dot segments, spaces and non-ASCII paths; no non-ASCII hosts,
 * which need IDNA) for about 1 s per run.  Each parse reads href's length
 * and releases the URL, as the twin reads url.href. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_data.h"

static volatile size_t sink;

int main(int argc, char **argv) {
    size_t len, count = 0, i;
    char *data = bench_read_data(argc > 0 ? argv[0] : "", "urls.txt", &len), *p;
    const char **urls;
    size_t *lens;
    uint64_t start, now;
    unsigned long long ops = 0;
    if (!data) {
        fprintf(stderr, "url: cannot read bench/data/urls.txt\n");
        return 1;
    }
    for (p = data; *p; p++)
        if (*p == '\n') count++;
    urls = (const char **)malloc(count * sizeof(*urls));
    lens = (size_t *)malloc(count * sizeof(*lens));
    if (!urls || !lens) return 1;
    count = 0;
    for (p = data; *p;) {
        char *e = strchr(p, '\n');
        if (!e) break;
        if (e > p) {
            urls[count] = p;
            lens[count++] = (size_t)(e - p);
        }
        *e = '\0';
        p = e + 1;
    }
    start = asy_hrtime();
    do {
        for (i = 0; i < count; i++) {
            asy_url_t u;
            if (asy_url_parsen(&u, urls[i], lens[i], NULL) != 0) {
                fprintf(stderr, "url: cannot parse %s\n", urls[i]);
                return 1;
            }
            sink += u.href_len;
            asy_url_free(&u);
        }
        ops += count;
        now = asy_hrtime();
    } while (now - start < 1000000000u);
    printf("BENCH url_parse %.0f parses/s higher\n", (double)ops * 1e9 / (double)(now - start));
    free(urls);
    free(lens);
    free(data);
    return 0;
}
