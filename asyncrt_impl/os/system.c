/* The machine: platform, architecture, kernel, host name, memory, load,
 * uptime, parallelism. */
#include "os.h"
#include "../path/util.internal.h"

#if ASYNCRT_OS_POSIX
#include <sys/utsname.h>
#endif
#if ASYNCRT_OS_LINUX
#include <sched.h>
#endif

ASYNCRT_API const char *asy_os_platform(void) {
#if defined(_WIN32)
    return "win32";
#elif defined(__ANDROID__)
    return "android";
#elif defined(__linux__)
    return "linux";
#elif defined(__APPLE__)
    return "darwin";
#elif defined(__FreeBSD__)
    return "freebsd";
#elif defined(__OpenBSD__)
    return "openbsd";
#elif defined(__NetBSD__)
    return "netbsd";
#elif defined(__sun)
    return "sunos";
#elif defined(_AIX)
    return "aix";
#elif defined(__CYGWIN__)
    return "cygwin";
#elif defined(__HAIKU__)
    return "haiku";
#else
    return "unknown";
#endif
}

ASYNCRT_API const char *asy_os_arch(void) {
#if defined(__x86_64__) || defined(_M_X64) || defined(_M_AMD64)
    return "x64";
#elif defined(__i386__) || defined(_M_IX86)
    return "ia32";
#elif defined(__aarch64__) || defined(_M_ARM64)
    return "arm64";
#elif defined(__arm__) || defined(_M_ARM)
    return "arm";
#elif defined(__riscv) && __riscv_xlen == 64
    return "riscv64";
#elif defined(__powerpc64__)
    return "ppc64";
#elif defined(__powerpc__)
    return "ppc";
#elif defined(__s390x__)
    return "s390x";
#elif defined(__s390__)
    return "s390";
#elif defined(__loongarch64)
    return "loong64";
#elif defined(__mips__) && defined(__MIPSEL__)
    return "mipsel";
#elif defined(__mips__)
    return "mips";
#else
    return "unknown";
#endif
}

ASYNCRT_API const char *asy_os_endianness(void) {
    const uint16_t probe = 1;
    return *(const unsigned char *)&probe ? "LE" : "BE";
}

/* ---- /proc -------------------------------------------------------------- */

#if ASYNCRT_OS_LINUX
/* The whole of a (pseudo) file; procfs reports a size of 0, so read until
 * the end. */
ASY__INTERNAL int asy__os_read_file(const char *name, char **out, size_t *len) {
    asy__path_buf b;
    int fd = open(name, O_RDONLY | O_CLOEXEC);
    *out = NULL;
    if (fd < 0) return asy__errno();
    asy__path_buf_init(&b);
    for (;;) {
        ssize_t n;
        if (asy__path_buf_reserve(&b, 4096)) break;
        n = read(fd, b.p + b.len, 4096);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            b.err = asy__errno();
            break;
        }
        if (n == 0) break;
        b.len += (size_t)n;
        b.p[b.len] = '\0';
    }
    close(fd);
    if (len) *len = b.len;
    return asy__path_buf_finish(&b, out);
}

/* The value of "key:   1234 kB" in /proc/meminfo, in bytes; 0 if absent. */
ASY__INTERNAL uint64_t asy__os_meminfo(const char *key) {
    char *text, *line;
    size_t klen = strlen(key);
    uint64_t v = 0;
    if (asy__os_read_file("/proc/meminfo", &text, NULL)) return 0;
    for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            v = strtoull(line + klen + 1, NULL, 10) * 1024u;
            break;
        }
    }
    asy__free(text);
    return v;
}
#endif

/* ---- memory -------------------------------------------------------------- */

ASYNCRT_API uint64_t asy_os_totalmem(void) {
#if ASYNCRT_OS_WINDOWS
    MEMORYSTATUSEX st;
    st.dwLength = sizeof(st);
    return GlobalMemoryStatusEx(&st) ? (uint64_t)st.ullTotalPhys : 0;
#elif ASYNCRT_OS_LINUX
    return asy__os_meminfo("MemTotal");
#elif defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;
#else
    return 0;
#endif
}

ASYNCRT_API uint64_t asy_os_freemem(void) {
#if ASYNCRT_OS_WINDOWS
    MEMORYSTATUSEX st;
    st.dwLength = sizeof(st);
    return GlobalMemoryStatusEx(&st) ? (uint64_t)st.ullAvailPhys : 0;
#elif ASYNCRT_OS_LINUX
    /* what the kernel could hand out without swapping, as libuv reports;
     * kernels before 3.14 only have MemFree */
    uint64_t v = asy__os_meminfo("MemAvailable");
    return v ? v : asy__os_meminfo("MemFree");
#else
    return 0;
#endif
}

ASYNCRT_API unsigned asy_os_available_parallelism(void) {
#if ASYNCRT_OS_WINDOWS
    SYSTEM_INFO si;
    DWORD_PTR proc_mask, sys_mask;
    unsigned n = 0;
    if (GetProcessAffinityMask(GetCurrentProcess(), &proc_mask, &sys_mask)) {
        for (; proc_mask; proc_mask &= proc_mask - 1) n++;
    }
    if (n == 0) {
        GetSystemInfo(&si);
        n = (unsigned)si.dwNumberOfProcessors;
    }
    return n ? n : 1;
#else
    long n = -1;
#if ASYNCRT_OS_LINUX && defined(CPU_COUNT)
    cpu_set_t set;
    memset(&set, 0, sizeof(set));
    if (sched_getaffinity(0, sizeof(set), &set) == 0) n = CPU_COUNT(&set);
#endif
    if (n < 1) n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1u;
#endif
}

/* ---- kernel and host ----------------------------------------------------- */

ASY__INTERNAL void asy__os_copy_field(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

#if ASYNCRT_OS_WINDOWS
typedef struct {
    ULONG size, major, minor, build, platform;
    WCHAR csd[128];
} asy__os_win_version;

typedef LONG(WINAPI *asy__os_rtl_get_version_fn)(asy__os_win_version *);

/* A string value of HKEY_LOCAL_MACHINE\key as UTF-8, or ASY_ENOENT. */
ASY__INTERNAL int asy__os_reg_string(const WCHAR *key, const WCHAR *value, char **out) {
    HKEY h;
    WCHAR buf[512];
    DWORD size = sizeof(buf) - sizeof(WCHAR), type = 0;
    LONG r;
    *out = NULL;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_QUERY_VALUE, &h) != ERROR_SUCCESS)
        return ASY_ENOENT;
    r = RegQueryValueExW(h, value, NULL, &type, (BYTE *)buf, &size);
    RegCloseKey(h);
    if (r != ERROR_SUCCESS || type != REG_SZ) return ASY_ENOENT;
    buf[size / sizeof(WCHAR)] = L'\0';
    return asy__path_from_wide(out, buf, -1);
}
#endif

ASYNCRT_API int asy_os_uname(asy_os_uname_t *out) {
#if ASYNCRT_OS_WINDOWS
    asy__os_win_version v;
    asy__os_rtl_get_version_fn get_version;
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    SYSTEM_INFO si;
    char *product = NULL, *csd = NULL;
    const char *machine;
    if (!out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    memset(&v, 0, sizeof(v));
    v.size = sizeof(v);
    /* GetVersionEx lies to programs without a manifest; RtlGetVersion not */
    get_version = ntdll ? (asy__os_rtl_get_version_fn)(void (*)(void))GetProcAddress(ntdll, "RtlGetVersion")
                        : NULL;
    if (!get_version || get_version(&v) != 0) return ASY_ENOSYS;
    asy__os_copy_field(out->sysname, sizeof(out->sysname), "Windows_NT");
    snprintf(out->release, sizeof(out->release), "%lu.%lu.%lu", (unsigned long)v.major,
             (unsigned long)v.minor, (unsigned long)v.build);
    if (asy__os_reg_string(L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", L"ProductName", &product) == 0) {
        asy__os_copy_field(out->version, sizeof(out->version), product);
        asy__free(product);
    }
    if (v.csd[0] && asy__path_from_wide(&csd, v.csd, -1) == 0) {
        size_t n = strlen(out->version);
        snprintf(out->version + n, sizeof(out->version) - n, "%s%s", n ? " " : "", csd);
        asy__free(csd);
    }
    GetNativeSystemInfo(&si);
    switch (si.wProcessorArchitecture) {
        case PROCESSOR_ARCHITECTURE_AMD64: machine = "x86_64"; break;
        case PROCESSOR_ARCHITECTURE_INTEL: machine = "i686"; break;
        case PROCESSOR_ARCHITECTURE_ARM: machine = "arm"; break;
#ifdef PROCESSOR_ARCHITECTURE_ARM64
        case PROCESSOR_ARCHITECTURE_ARM64: machine = "arm64"; break;
#endif
        default: machine = "unknown"; break;
    }
    asy__os_copy_field(out->machine, sizeof(out->machine), machine);
    return 0;
#else
    struct utsname u;
    if (!out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    if (uname(&u) != 0) return asy__errno();
    asy__os_copy_field(out->sysname, sizeof(out->sysname), u.sysname);
    asy__os_copy_field(out->release, sizeof(out->release), u.release);
    asy__os_copy_field(out->version, sizeof(out->version), u.version);
    asy__os_copy_field(out->machine, sizeof(out->machine), u.machine);
    return 0;
#endif
}

ASYNCRT_API int asy_os_hostname(char **out) {
#if ASYNCRT_OS_WINDOWS
    WCHAR buf[256];
    DWORD n = ASY_ARRAY_SIZE(buf);
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!GetComputerNameExW(ComputerNameDnsHostname, buf, &n))
        return asy_translate_sys_error((int)GetLastError());
    return asy__path_from_wide(out, buf, (int)n);
#else
    char buf[256 + 1];
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (gethostname(buf, sizeof(buf) - 1) != 0) return asy__errno();
    buf[sizeof(buf) - 1] = '\0'; /* gethostname need not terminate a long name */
    return asy__path_dup(out, buf);
#endif
}

ASYNCRT_API int asy_os_uptime(double *seconds) {
    if (!seconds) return ASY_EINVAL;
    *seconds = 0;
#if ASYNCRT_OS_WINDOWS
    *seconds = (double)GetTickCount64() / 1000.0;
    return 0;
#elif ASYNCRT_OS_LINUX
    {
        char *text;
        struct timespec ts;
        /* /proc/uptime is what Node shows; CLOCK_BOOTTIME when /proc is not
         * mounted */
        if (asy__os_read_file("/proc/uptime", &text, NULL) == 0) {
            *seconds = strtod(text, NULL);
            asy__free(text);
            return 0;
        }
#ifdef CLOCK_BOOTTIME
        if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0) return asy__errno();
#else
        if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return asy__errno();
#endif
        *seconds = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
        return 0;
    }
#else
    return ASY_ENOSYS;
#endif
}

ASYNCRT_API int asy_os_loadavg(double avg[3]) {
    if (!avg) return ASY_EINVAL;
    avg[0] = avg[1] = avg[2] = 0;
#if ASYNCRT_OS_WINDOWS
    return 0; /* Windows has no load average; Node reports zeros */
#elif ASYNCRT_OS_LINUX
    {
        char *text;
        int r = asy__os_read_file("/proc/loadavg", &text, NULL);
        if (r) return r;
        if (sscanf(text, "%lf %lf %lf", &avg[0], &avg[1], &avg[2]) != 3) r = ASY_EIO;
        asy__free(text);
        return r;
    }
#else
    return getloadavg(avg, 3) == 3 ? 0 : ASY_ENOSYS;
#endif
}
