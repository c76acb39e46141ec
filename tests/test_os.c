/* os: every function, checked against a second source where the system
 * has one (procfs files, sysconf, clock_gettime, getpwuid, getloadavg). */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* setenv, unsetenv, sched_setaffinity, getloadavg */
#endif
#include "../asyncrt.h"
#include "test.h"

#ifndef _WIN32
#include <pwd.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#endif

#ifdef __linux__
/* First line of a small file, without its newline. */
static void read_line(const char *name, char *buf, size_t cap) {
    FILE *f = fopen(name, "r");
    ASSERT_NOT_NULL(f);
    ASSERT_NOT_NULL(fgets(buf, (int)cap, f));
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}
#endif

TEST(os_constants) {
#ifdef _WIN32
    ASSERT_STR_EQ(ASY_OS_EOL, "\r\n");
    ASSERT_STR_EQ(asy_os_platform(), "win32");
#else
    ASSERT_STR_EQ(ASY_OS_EOL, "\n");
    ASSERT_STR_EQ(ASY_OS_DEVNULL, "/dev/null");
#endif
#ifdef __linux__
    ASSERT_STR_EQ(asy_os_platform(), "linux");
#endif
#if defined(__x86_64__) || defined(_M_X64)
    ASSERT_STR_EQ(asy_os_arch(), "x64");
#elif defined(__aarch64__)
    ASSERT_STR_EQ(asy_os_arch(), "arm64");
#endif
    {
        const uint32_t probe = 0x01020304;
        ASSERT_STR_EQ(asy_os_endianness(), *(const unsigned char *)&probe == 4 ? "LE" : "BE");
    }
}

TEST(os_cpus) {
    asy_os_cpu_t *cpus = NULL;
    int n = 0, i;
    uint64_t total = 0;
    ASSERT_OK(asy_os_cpus(&cpus, &n));
    ASSERT_NOT_NULL(cpus);
    ASSERT_GE(n, 1);
    ASSERT_LE((int)asy_os_available_parallelism(), n);
    for (i = 0; i < n; i++) {
        ASSERT_NOT_NULL(cpus[i].model);
        ASSERT_GT(strlen(cpus[i].model), 0);
        ASSERT_GE(cpus[i].speed, 0);
        total += cpus[i].times.user + cpus[i].times.sys + cpus[i].times.idle;
    }
    ASSERT_GT(total, 0);
#ifdef __linux__
    {
        long conf = sysconf(_SC_NPROCESSORS_ONLN);
        char line[512];
        FILE *f = fopen("/proc/cpuinfo", "r");
        ASSERT_EQ(n, conf);
        /* the model of the first processor, as the kernel prints it */
        ASSERT_NOT_NULL(f);
        while (fgets(line, sizeof(line), f)) {
            if (strncmp(line, "model name", 10) == 0) {
                line[strcspn(line, "\n")] = '\0';
                ASSERT_STR_EQ(cpus[0].model, strchr(line, ':') + 2);
                break;
            }
        }
        fclose(f);
    }
#endif
    asy_os_free_cpus(cpus, n);
    asy_os_free_cpus(NULL, 0);
}

#ifdef __linux__
/* Busy time shows up in the user time of the CPUs. */
TEST_T(os_cpus_times_advance, 10000) {
    asy_os_cpu_t *a, *b;
    int na, nb, i;
    uint64_t ua = 0, ub = 0;
    struct timespec t0, t1;
    volatile unsigned long spin = 0;
    ASSERT_OK(asy_os_cpus(&a, &na));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        for (i = 0; i < 100000; i++) spin += (unsigned long)i;
        clock_gettime(CLOCK_MONOTONIC, &t1);
    } while ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 300);
    ASSERT_OK(asy_os_cpus(&b, &nb));
    ASSERT_EQ(na, nb);
    for (i = 0; i < na; i++) {
        ua += a[i].times.user + a[i].times.sys;
        ub += b[i].times.user + b[i].times.sys;
        ASSERT_GE(b[i].times.idle, a[i].times.idle);
    }
    ASSERT_GE(ub, ua + 100); /* 300 ms of spinning, minus generous slack */
    asy_os_free_cpus(a, na);
    asy_os_free_cpus(b, nb);
}
#endif

TEST(os_memory) {
    uint64_t total = asy_os_totalmem(), free_ = asy_os_freemem();
    ASSERT_GT(total, 0);
    ASSERT_GT(free_, 0);
    ASSERT_LE(free_, total);
#ifdef __linux__
    {
        /* sysconf counts the same RAM in pages (MemTotal excludes what the
         * kernel reserved at boot, so allow a few percent) */
        uint64_t pages = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
        ASSERT_LE(total, pages);
        ASSERT_GE(total, pages - pages / 20);
    }
#endif
}

TEST(os_available_parallelism) {
    unsigned n = asy_os_available_parallelism();
    ASSERT_GE(n, 1);
#ifdef __linux__
    {
        cpu_set_t one;
        ASSERT_EQ(n, (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
        /* pinned to one CPU, the process can run one thread at a time */
        CPU_ZERO(&one);
        CPU_SET(0, &one);
        ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
        ASSERT_EQ(asy_os_available_parallelism(), 1);
    }
#endif
}

#ifndef _WIN32
TEST(os_homedir_follows_home_then_passwd) {
    char *h = NULL;
    struct passwd *pw = getpwuid(geteuid());
    ASSERT_EQ(setenv("HOME", "/some/where", 1), 0);
    ASSERT_OK(asy_os_homedir(&h));
    ASSERT_STR_EQ(h, "/some/where");
    asy_free(h);
    ASSERT_EQ(unsetenv("HOME"), 0);
    ASSERT_NOT_NULL(pw);
    ASSERT_OK(asy_os_homedir(&h));
    ASSERT_STR_EQ(h, pw->pw_dir);
    asy_free(h);
    /* an empty HOME counts as unset */
    ASSERT_EQ(setenv("HOME", "", 1), 0);
    ASSERT_OK(asy_os_homedir(&h));
    ASSERT_STR_EQ(h, pw->pw_dir);
    asy_free(h);
}

TEST(os_tmpdir_environment_order) {
    char *t = NULL;
    unsetenv("TMPDIR");
    unsetenv("TMP");
    unsetenv("TEMP");
    ASSERT_OK(asy_os_tmpdir(&t));
    ASSERT_STR_EQ(t, "/tmp");
    asy_free(t);
    setenv("TEMP", "/c", 1);
    ASSERT_OK(asy_os_tmpdir(&t));
    ASSERT_STR_EQ(t, "/c");
    asy_free(t);
    setenv("TMP", "/b/", 1);
    ASSERT_OK(asy_os_tmpdir(&t));
    ASSERT_STR_EQ(t, "/b"); /* trailing slash dropped */
    asy_free(t);
    setenv("TMPDIR", "", 1);
    ASSERT_OK(asy_os_tmpdir(&t));
    ASSERT_STR_EQ(t, "/b"); /* empty is unset */
    asy_free(t);
    setenv("TMPDIR", "/", 1);
    ASSERT_OK(asy_os_tmpdir(&t));
    ASSERT_STR_EQ(t, "/"); /* the root keeps its slash */
    asy_free(t);
}

TEST(os_user_info) {
    asy_os_user_info_t u;
    struct passwd *pw = getpwuid(geteuid());
    ASSERT_OK(asy_os_user_info(&u));
    ASSERT_NOT_NULL(pw);
    ASSERT_EQ(u.uid, (long)geteuid());
    ASSERT_EQ(u.gid, (long)pw->pw_gid);
    ASSERT_STR_EQ(u.username, pw->pw_name);
    ASSERT_STR_EQ(u.homedir, pw->pw_dir);
    ASSERT_STR_EQ(u.shell, pw->pw_shell);
    asy_os_free_user_info(&u);
    ASSERT_NULL(u.username);
    asy_os_free_user_info(NULL);
}
#else
TEST(os_user_and_dirs_windows) {
    asy_os_user_info_t u;
    char *s = NULL;
    ASSERT_OK(asy_os_user_info(&u));
    ASSERT_EQ(u.uid, -1);
    ASSERT_EQ(u.gid, -1);
    ASSERT_NULL(u.shell);
    ASSERT_GT(strlen(u.username), 0);
    asy_os_free_user_info(&u);
    ASSERT_OK(asy_os_homedir(&s));
    ASSERT_GT(strlen(s), 0);
    asy_free(s);
    ASSERT_OK(asy_os_tmpdir(&s));
    ASSERT_GT(strlen(s), 0);
    ASSERT(s[strlen(s) - 1] != '\\' || s[strlen(s) - 2] == ':');
    asy_free(s);
}
#endif

TEST(os_uname_and_hostname) {
    asy_os_uname_t u;
    char *h = NULL;
    ASSERT_OK(asy_os_uname(&u));
    ASSERT_GT(strlen(u.sysname), 0);
    ASSERT_GT(strlen(u.release), 0);
    ASSERT_GT(strlen(u.machine), 0);
    ASSERT_OK(asy_os_hostname(&h));
    ASSERT_GT(strlen(h), 0);
#ifdef __linux__
    {
        char line[300];
        ASSERT_STR_EQ(u.sysname, "Linux");
        read_line("/proc/sys/kernel/osrelease", line, sizeof(line));
        ASSERT_STR_EQ(u.release, line);
        read_line("/proc/sys/kernel/version", line, sizeof(line));
        ASSERT_STR_EQ(u.version, line);
        read_line("/proc/sys/kernel/hostname", line, sizeof(line));
        ASSERT_STR_EQ(h, line);
    }
#elif defined(_WIN32)
    ASSERT_STR_EQ(u.sysname, "Windows_NT");
#endif
    asy_free(h);
}

TEST(os_uptime_and_loadavg) {
    double up = 0, avg[3] = {-1, -1, -1};
    ASSERT_OK(asy_os_uptime(&up));
    ASSERT(up > 0);
    ASSERT_OK(asy_os_loadavg(avg));
    ASSERT(avg[0] >= 0 && avg[1] >= 0 && avg[2] >= 0);
#ifdef __linux__
    {
        struct timespec ts;
        double sys[3];
        clock_gettime(CLOCK_BOOTTIME, &ts);
        ASSERT(up > (double)ts.tv_sec - 2 && up < (double)ts.tv_sec + 2);
        ASSERT_EQ(getloadavg(sys, 3), 3);
        ASSERT(avg[0] > sys[0] - 1 && avg[0] < sys[0] + 1);
        ASSERT(avg[2] > sys[2] - 1 && avg[2] < sys[2] + 1);
    }
#elif defined(_WIN32)
    ASSERT(avg[0] == 0 && avg[1] == 0 && avg[2] == 0);
#endif
}

TEST(os_network_interfaces) {
    asy_os_interface_t *ifs = NULL;
    int n = -1, i, saw_loopback4 = 0;
    ASSERT_OK(asy_os_network_interfaces(&ifs, &n));
    ASSERT_NOT_NULL(ifs);
    ASSERT_GE(n, 0);
    for (i = 0; i < n; i++) {
        const asy_os_interface_t *e = &ifs[i];
        char want[64];
        printf("%s %s %s %s %s internal=%d %s scope=%u\n", e->name, e->family, e->address, e->netmask,
               e->mac, e->internal, e->cidr, (unsigned)e->scopeid);
        ASSERT_NOT_NULL(e->name);
        ASSERT(strcmp(e->family, "IPv4") == 0 || strcmp(e->family, "IPv6") == 0);
        ASSERT_EQ(strlen(e->mac), 17);
        if (e->cidr[0]) {
            ASSERT_EQ(strncmp(e->cidr, e->address, strlen(e->address)), 0);
            ASSERT_EQ(e->cidr[strlen(e->address)], '/');
        }
        if (strcmp(e->family, "IPv4") == 0) ASSERT_EQ(e->scopeid, 0);
        if (strcmp(e->address, "127.0.0.1") == 0) {
            saw_loopback4 = 1;
            ASSERT_EQ(e->internal, 1);
            ASSERT_STR_EQ(e->netmask, "255.0.0.0");
            snprintf(want, sizeof(want), "%s/8", e->address);
            ASSERT_STR_EQ(e->cidr, want);
            ASSERT_STR_EQ(e->mac, "00:00:00:00:00:00");
        }
    }
#ifdef __linux__
    ASSERT(saw_loopback4); /* "lo" is up on any Linux the tests run on */
#else
    (void)saw_loopback4;
#endif
    asy_os_free_network_interfaces(ifs, n);
    asy_os_free_network_interfaces(NULL, 0);
}

TEST(os_bad_arguments) {
    int n;
    asy_os_cpu_t *c;
    asy_os_interface_t *ifs;
    ASSERT_ERR(asy_os_cpus(NULL, &n), ASY_EINVAL);
    ASSERT_ERR(asy_os_cpus(&c, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_os_network_interfaces(NULL, &n), ASY_EINVAL);
    ASSERT_ERR(asy_os_network_interfaces(&ifs, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_os_homedir(NULL), ASY_EINVAL);
    ASSERT_ERR(asy_os_tmpdir(NULL), ASY_EINVAL);
    ASSERT_ERR(asy_os_hostname(NULL), ASY_EINVAL);
    ASSERT_ERR(asy_os_uname(NULL), ASY_EINVAL);
    ASSERT_ERR(asy_os_uptime(NULL), ASY_EINVAL);
    ASSERT_ERR(asy_os_loadavg(NULL), ASY_EINVAL);
    ASSERT_ERR(asy_os_user_info(NULL), ASY_EINVAL);
}
