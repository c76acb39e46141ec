/* examples/pg_pool.c against a real PostgreSQL: a throwaway server made
 * with initdb / pg_ctl in a temporary folder, listening only on a Unix
 * socket in that folder, 1,000 requests through a pool of 5, the rows
 * checked from the outside with psql, then the server stopped and the
 * folder removed.  Skipped, with the reason, when the example was not
 * built (no libpq) or PostgreSQL's server programs cannot be used here.
 * initdb refuses to run as root, so as root the server programs run as
 * the `postgres` user (or `nobody`). */
#include "../asyncrt.h"
#include "test.h"

#include <fcntl.h>
#include <glob.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG_REQUESTS 1000
#define PG_POOL_MAX 5

static char bindir[256], dir[64], logpath[128], serverlog[128];
static uid_t run_uid;
static gid_t run_gid;

/* The newest /usr/lib/postgresql/<version>/bin that has initdb, or
 * whatever directory holds initdb on PATH. */
static int find_bindir(void) {
    glob_t g;
    size_t i;
    int found = 0;
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) == 0) {
        for (i = 0; i < g.gl_pathc; i++) { /* glob sorts: the last is the newest */
            snprintf(bindir, sizeof(bindir), "%s", g.gl_pathv[i]);
            found = 1;
        }
        globfree(&g);
    }
    if (found) {
        *strrchr(bindir, '/') = 0;
        return 1;
    }
    return 0;
}

/* Runs argv (bindir programs) as the server's user, output to logpath;
 * returns the exit status, or -1. */
static int run_as(char *const argv[]) {
    int status;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        if (getuid() == 0 && (setgid(run_gid) != 0 || setuid(run_uid) != 0)) _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void log_tail(void) {
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "tail -n 20 '%s' '%s' 1>&2", logpath, serverlog);
    if (system(cmd) != 0) fprintf(stderr, "(no log)\n");
}

static void remove_dir(void) {
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

static void stop_server(void) {
    char prog[300], data[96];
    char *argv[] = {prog, (char *)"-D", data, (char *)"-m", (char *)"immediate", (char *)"-w",
                    (char *)"stop", NULL};
    snprintf(prog, sizeof(prog), "%s/pg_ctl", bindir);
    snprintf(data, sizeof(data), "%s/data", dir);
    if (run_as(argv) != 0) fprintf(stderr, "pg_ctl stop failed\n");
}

/* psql -Atc sql: the first line of its output in out */
static int psql(const char *sql, char *out, size_t cap) {
    char cmd[768];
    FILE *p;
    size_t n;
    snprintf(cmd, sizeof(cmd),
             "'%s/psql' -X -h '%s' -p 5432 -U asyt -d postgres -Atc \"%s\" 2>&1 </dev/null",
             bindir, dir, sql);
    if (!(p = popen(cmd, "r"))) return -1;
    n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    out[strcspn(out, "\n")] = 0;
    return pclose(p) == 0 ? 0 : -1;
}

TEST_T(pg_pool_example_against_a_real_server, 120000) {
    char prog[300], data[96], opts[256], cmd[512], out[4096], users[64], accounts[128],
        want[128];
    char *initdb[] = {prog, (char *)"-D", data, (char *)"-A", (char *)"trust", (char *)"-U",
                      (char *)"asyt", (char *)"-E", (char *)"UTF8", (char *)"--no-sync", NULL};
    char *start[] = {prog, (char *)"-D", data, (char *)"-l", serverlog, (char *)"-o", opts,
                     (char *)"-w", (char *)"-t", (char *)"60", (char *)"start", NULL};
    struct stat st;
    FILE *p;
    size_t n;
    int status, i, moved = 0;
    if (stat("../examples/pg_pool", &st) != 0)
        SKIP("examples/pg_pool was not built: libpq (libpq-dev) not found by the Makefile");
    if (!find_bindir())
        SKIP("PostgreSQL's server programs (initdb, pg_ctl) are not installed (postgresql)");
    if (getuid() == 0) {
        struct passwd *pw = getpwnam("postgres");
        if (!pw) pw = getpwnam("nobody");
        if (!pw) SKIP("running as root and there is no postgres or nobody user for initdb");
        run_uid = pw->pw_uid;
        run_gid = pw->pw_gid;
    }
    snprintf(dir, sizeof(dir), "/tmp/asyt-pg-XXXXXX");
    ASSERT_NOT_NULL(mkdtemp(dir));
    if (getuid() == 0 && chown(dir, run_uid, run_gid) != 0) {
        remove_dir();
        SKIP("cannot hand the temporary folder to the server's user");
    }
    snprintf(logpath, sizeof(logpath), "%s/commands.log", dir); /* ours, even as root */
    snprintf(serverlog, sizeof(serverlog), "%s/server.log", dir); /* the server's user's */
    snprintf(data, sizeof(data), "%s/data", dir);

    snprintf(prog, sizeof(prog), "%s/initdb", bindir);
    if (run_as(initdb) != 0) {
        log_tail();
        remove_dir();
        SKIP("initdb failed here (log above): PostgreSQL cannot be used");
    }
    snprintf(prog, sizeof(prog), "%s/pg_ctl", bindir);
    snprintf(opts, sizeof(opts),
             "-k %s -c listen_addresses= -p 5432 -c fsync=off -c max_connections=40", dir);
    if (run_as(start) != 0) {
        log_tail();
        stop_server();
        remove_dir();
        SKIP("the PostgreSQL server did not start here (log above)");
    }

    /* The example, with DATABASE_URL as a conninfo string. */
    snprintf(cmd, sizeof(cmd),
             "DATABASE_URL='host=%s port=5432 user=asyt dbname=postgres' "
             "../examples/pg_pool %d %d </dev/null 2>&1",
             dir, PG_REQUESTS, PG_POOL_MAX);
    p = popen(cmd, "r");
    n = p ? fread(out, 1, sizeof(out) - 1, p) : 0;
    out[n] = 0;
    status = p ? pclose(p) : -1;
    /* The rows, from the outside. */
    if (psql("SELECT count(*), sum(id), count(*) FILTER (WHERE name = 'user-' || id) "
             "FROM asyncrt_pg_users",
             users, sizeof(users)) != 0 ||
        psql("SELECT string_agg(id || '=' || balance, ' ' ORDER BY id) FROM asyncrt_pg_accounts",
             accounts, sizeof(accounts)) != 0)
        snprintf(accounts, sizeof(accounts), "psql failed: %s", users);
    stop_server();
    remove_dir();

    printf("%s", out);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        FAIL("pg_pool exited with status 0x%x:\n%s", status, out);
    snprintf(want,
             sizeof(want), "pg_pool: %d requests, %d rows ok, 0 bad, %d transfers committed, "
                           "1 rolled back, 0 failed, balances ok",
             PG_REQUESTS, PG_REQUESTS, PG_REQUESTS);
    ASSERT(strncmp(out, want, strlen(want)) == 0);
    ASSERT(strstr(out, "(at most 5 at once), 0 still open\n") != NULL);
    ASSERT(strchr(out, '\n') == out + strlen(out) - 1); /* one line */
    snprintf(want, sizeof(want), "%d|%d|%d", PG_REQUESTS, PG_REQUESTS * (PG_REQUESTS + 1) / 2,
             PG_REQUESTS);
    ASSERT_STR_EQ(users, want);
    for (i = 1; i <= PG_REQUESTS; i++) moved += 1 + i % 7;
    snprintf(want, sizeof(want), "1=%d 2=%d 3=50", 1000000 - moved, moved);
    ASSERT_STR_EQ(accounts, want);
}
