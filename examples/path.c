/* The seed's path block:
 *
 *   import path from "node:path";
 *   path.join("/users", "sean", "docs"); // "/users/sean/docs"
 *   path.resolve("./src", "index.ts");   // absolute path
 *   path.basename("/a/b/file.ts");       // "file.ts"
 *   path.extname("file.ts");             // ".ts"
 *   path.dirname("/a/b/file.ts");        // "/a/b"
 *   path.parse("/a/b/file.ts");          // { root, dir, base, ext, name }
 *
 * Every string comes back allocated; asy_free() releases it. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>

static int show(const char *what, int err, char *s) {
    if (err) {
        fprintf(stderr, "%s: %s\n", what, asy_strerror(err));
        return 1;
    }
    printf("%-38s %s\n", what, s);
    asy_free(s);
    return 0;
}

int main(void) {
    asy_path_parsed_t p;
    char *s;
    int failed = 0, r;

    r = asy_path_joinl(&s, "/users", "sean", "docs", (char *)NULL);
    failed |= show("path.join(\"/users\", \"sean\", \"docs\")", r, s);
    r = asy_path_resolvel(&s, "./src", "index.ts", (char *)NULL);
    failed |= show("path.resolve(\"./src\", \"index.ts\")", r, s);
    r = asy_path_basename(&s, "/a/b/file.ts", NULL);
    failed |= show("path.basename(\"/a/b/file.ts\")", r, s);
    r = asy_path_extname(&s, "file.ts");
    failed |= show("path.extname(\"file.ts\")", r, s);
    r = asy_path_dirname(&s, "/a/b/file.ts");
    failed |= show("path.dirname(\"/a/b/file.ts\")", r, s);

    r = asy_path_parse(&p, "/a/b/file.ts");
    if (r) {
        fprintf(stderr, "path.parse: %s\n", asy_strerror(r));
        return 1;
    }
    printf("%-38s { root: '%s', dir: '%s', base: '%s', ext: '%s', name: '%s' }\n",
           "path.parse(\"/a/b/file.ts\")", p.root, p.dir, p.base, p.ext, p.name);
    asy_path_parsed_free(&p);

    /* the other flavour is always there too */
    r = asy_path_win32_joinl(&s, "C:\\users", "sean", "..", "docs", (char *)NULL);
    failed |= show("path.win32.join(\"C:\\\\users\", ...)", r, s);
    printf("%-38s \"%s\" and \"%s\"\n", "path.sep, path.delimiter", ASY_PATH_SEP, ASY_PATH_DELIMITER);
    return failed;
}
