/* os: Node's `os` module.  Synchronous; no loop needed.
 *
 * Same scheme as path: strings and arrays come back through out-pointers
 * and are released with asy_free() or the matching asy_os_free_*();
 * errors are negative ASY_E* codes (ASY_EINVAL for a NULL argument,
 * ASY_ENOSYS where the platform has no way to answer).
 *
 *   Linux     everything (/proc, sysconf, uname, getifaddrs, getpwuid_r)
 *   Windows   everything (Win32 API; iphlpapi and userenv are loaded at run
 *             time, so nothing extra to link)
 *   other     POSIX systems: cpus and uptime give ASY_ENOSYS, freemem 0,
 *             and interfaces carry no MAC address (see docs/os.md)
 */
#pragma once
#include "../base/config.h"

#if defined(_WIN32)
#define ASY_OS_EOL "\r\n"
#define ASY_OS_DEVNULL "\\\\.\\nul"
#else
#define ASY_OS_EOL "\n"
#define ASY_OS_DEVNULL "/dev/null"
#endif

/* Milliseconds spent in each mode since boot (Node's cpus()[i].times). */
typedef struct asy_os_cpu_times_s {
    uint64_t user;
    uint64_t nice;
    uint64_t sys;
    uint64_t idle;
    uint64_t irq;
} asy_os_cpu_times_t;

typedef struct asy_os_cpu_s {
    char *model;
    int speed; /* MHz, 0 when unknown */
    asy_os_cpu_times_t times;
} asy_os_cpu_t;

/* One entry per logical CPU; release with asy_os_free_cpus. */
ASYNCRT_API int asy_os_cpus(asy_os_cpu_t **cpus, int *count);
ASYNCRT_API void asy_os_free_cpus(asy_os_cpu_t *cpus, int count);

/* Bytes of RAM in total and available (Linux: MemTotal, MemAvailable);
 * 0 when unknown. */
ASYNCRT_API uint64_t asy_os_totalmem(void);
ASYNCRT_API uint64_t asy_os_freemem(void);

/* How many threads can run at once: the CPUs this process may use. */
ASYNCRT_API unsigned asy_os_available_parallelism(void);

ASYNCRT_API int asy_os_homedir(char **out);
ASYNCRT_API int asy_os_tmpdir(char **out);
ASYNCRT_API int asy_os_hostname(char **out);

/* "linux", "darwin", "win32", "freebsd"... (Node's process.platform). */
ASYNCRT_API const char *asy_os_platform(void);
/* "x64", "arm64", "ia32", "arm"... (Node's process.arch). */
ASYNCRT_API const char *asy_os_arch(void);
/* "LE" or "BE". */
ASYNCRT_API const char *asy_os_endianness(void);

/* os.type(), os.release(), os.version(), os.machine() in one call. */
typedef struct asy_os_uname_s {
    char sysname[256]; /* os.type(): "Linux", "Darwin", "Windows_NT" */
    char release[256]; /* os.release() */
    char version[256]; /* os.version() */
    char machine[256]; /* os.machine() */
} asy_os_uname_t;

ASYNCRT_API int asy_os_uname(asy_os_uname_t *out);

/* Seconds since boot. */
ASYNCRT_API int asy_os_uptime(double *seconds);
/* 1, 5 and 15 minute load averages ([0, 0, 0] on Windows, as in Node). */
ASYNCRT_API int asy_os_loadavg(double avg[3]);

/* One entry per address of every interface that is up (Node's
 * networkInterfaces(), flattened: entries of one interface share `name`). */
typedef struct asy_os_interface_s {
    char *name;
    char address[46]; /* "192.168.1.2", "fe80::1" */
    char netmask[46]; /* "255.255.255.0", "ffff:ffff:ffff:ffff::" */
    const char *family; /* "IPv4" or "IPv6" */
    char mac[18]; /* "01:02:03:0a:0b:0c", zeros when unknown */
    int internal; /* loopback */
    char cidr[50]; /* "192.168.1.2/24"; "" when the netmask is not a prefix (Node's null) */
    uint32_t scopeid; /* IPv6 only */
} asy_os_interface_t;

ASYNCRT_API int asy_os_network_interfaces(asy_os_interface_t **ifs, int *count);
ASYNCRT_API void asy_os_free_network_interfaces(asy_os_interface_t *ifs, int count);

/* The effective user (Node's userInfo()).  On Windows uid and gid are -1
 * and shell is NULL, as in Node.  Release with asy_os_free_user_info. */
typedef struct asy_os_user_info_s {
    long uid;
    long gid;
    char *username;
    char *homedir;
    char *shell;
} asy_os_user_info_t;

ASYNCRT_API int asy_os_user_info(asy_os_user_info_t *out);
ASYNCRT_API void asy_os_free_user_info(asy_os_user_info_t *info);
