/* path operations per second, against bench/peers/path.mjs (Node's path).
 * Each metric runs one call (with the allocation and release of its
 * result) on fixed inputs for about 300 ms. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>

static const char *const parts[] = {"/users", "sean", "./docs/../projects", "asyncrt"};
static const char *const abs_parts[] = {"/var/lib", "../log", "./app/", "current.log"};
static volatile size_t sink;

static int op(int which) {
    asy_path_parsed_t p;
    char *s = NULL;
    int r;
    switch (which) {
        case 0: r = asy_path_posix_join(&s, 4, parts); break;
        case 1: r = asy_path_posix_normalize(&s, "/a//b/../c/./d/e/../../f.txt"); break;
        case 2: r = asy_path_posix_resolve(&s, 4, abs_parts); break;
        case 3: r = asy_path_posix_relative(&s, "/data/orandea/test/aaa", "/data/orandea/impl/bbb"); break;
        case 4: r = asy_path_posix_basename(&s, "/a/b/c/file.tar.gz", ".gz"); break;
        case 5: r = asy_path_win32_normalize(&s, "C:\\a\\\\b\\..\\c\\.\\d/e/../f.txt"); break;
        case 6: r = asy_path_win32_relative(&s, "C:\\orandea\\test\\aaa", "C:\\orandea\\impl\\bbb"); break;
        default:
            r = asy_path_posix_parse(&p, "/home/user/dir/file.txt");
            if (r == 0) {
                sink += strlen(p.name);
                asy_path_parsed_free(&p);
            }
            return r;
    }
    if (r == 0) sink += strlen(s);
    asy_free(s);
    return r;
}

int main(void) {
    static const char *const names[] = {"path_posix_join",      "path_posix_normalize", "path_posix_resolve",
                                        "path_posix_relative",  "path_posix_basename",  "path_win32_normalize",
                                        "path_win32_relative",  "path_posix_parse"};
    int which, k;
    for (which = 0; which < 8; which++) {
        uint64_t start = asy_hrtime(), now;
        unsigned long long ops = 0;
        do {
            for (k = 0; k < 1000; k++)
                if (op(which)) return 1;
            ops += 1000;
            now = asy_hrtime();
        } while (now - start < 300000000u);
        printf("BENCH %s %.0f ops/s higher\n", names[which], (double)ops * 1e9 / (double)(now - start));
    }
    return 0;
}
