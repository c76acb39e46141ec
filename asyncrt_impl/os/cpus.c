/* The logical CPUs: model, clock speed and time spent per mode. */
#include "os.internal.h"

ASYNCRT_API void asy_os_free_cpus(asy_os_cpu_t *cpus, int count) {
    int i;
    if (!cpus) return;
    for (i = 0; i < count; i++) asy__free(cpus[i].model);
    asy__free(cpus);
}

#if ASYNCRT_OS_LINUX
/* The text after "key<tabs>: " when line starts with key, else NULL. */
ASY__INTERNAL const char *asy__os_cpuinfo_value(const char *line, const char *key) {
    size_t n = strlen(key);
    if (strncmp(line, key, n) != 0) return NULL;
    line += n;
    while (*line == ' ' || *line == '\t') line++;
    if (*line != ':') return NULL;
    line++;
    while (*line == ' ' || *line == '\t') line++;
    return line;
}

/* Models and speeds from /proc/cpuinfo, by processor number.  x86 and
 * newer ARM say "model name", older ARM "Processor" (once, for all), MIPS
 * "cpu model", POWER "cpu". */
ASY__INTERNAL void asy__os_read_cpuinfo(asy_os_cpu_t *cpus, const int *ids, int count) {
    static const char *const model_keys[] = {"model name", "Processor", "cpu model", "cpu"};
    char *text, *line, *next, *shared_model = NULL;
    int current = -1, i;
    size_t k;
    if (asy__os_read_file("/proc/cpuinfo", &text, NULL) != 0) return;
    for (line = text; line && *line; line = next) {
        const char *v;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if ((v = asy__os_cpuinfo_value(line, "processor")) != NULL) {
            current = -1;
            for (i = 0; i < count; i++)
                if (ids[i] == atoi(v)) current = i;
            continue;
        }
        if ((v = asy__os_cpuinfo_value(line, "cpu MHz")) != NULL) {
            if (current >= 0 && cpus[current].speed == 0) cpus[current].speed = (int)strtod(v, NULL);
            continue;
        }
        for (k = 0; k < ASY_ARRAY_SIZE(model_keys); k++) {
            if ((v = asy__os_cpuinfo_value(line, model_keys[k])) == NULL) continue;
            if (current >= 0 && !cpus[current].model) {
                cpus[current].model = asy__strdup(v);
            } else if (current < 0 && !shared_model) {
                shared_model = asy__strdup(v);
            }
            break;
        }
    }
    for (i = 0; i < count; i++)
        if (!cpus[i].model && shared_model) cpus[i].model = asy__strdup(shared_model);
    asy__free(shared_model);
    asy__free(text);
}

ASYNCRT_API int asy_os_cpus(asy_os_cpu_t **out, int *count_out) {
    char *stat, *line, *next, name[96];
    asy_os_cpu_t *cpus = NULL;
    int *ids = NULL, count = 0, cap = 0, i, r, oom = 0;
    long ticks = sysconf(_SC_CLK_TCK);
    uint64_t ms_per_tick = ticks > 0 && ticks <= 1000 ? (uint64_t)(1000 / ticks) : 10;
    if (!out || !count_out) return ASY_EINVAL;
    *out = NULL;
    *count_out = 0;
    r = asy__os_read_file("/proc/stat", &stat, NULL);
    if (r) return r;
    /* "cpuN user nice system idle iowait irq ..." in clock ticks */
    for (line = stat; line && *line; line = next) {
        unsigned long long user, nice, sys, idle, iowait, irq;
        int id;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9') continue;
        if (sscanf(line + 3, "%d %llu %llu %llu %llu %llu %llu", &id, &user, &nice, &sys, &idle,
                   &iowait, &irq) != 7)
            continue;
        if (count == cap) {
            int ncap = cap ? cap * 2 : 16;
            asy_os_cpu_t *nc = (asy_os_cpu_t *)asy__realloc(cpus, (size_t)ncap * sizeof(*cpus));
            int *ni;
            if (!nc) {
                oom = 1;
                break;
            }
            cpus = nc;
            ni = (int *)asy__realloc(ids, (size_t)ncap * sizeof(*ids));
            if (!ni) {
                oom = 1;
                break;
            }
            ids = ni;
            cap = ncap;
        }
        memset(&cpus[count], 0, sizeof(cpus[count]));
        ids[count] = id;
        cpus[count].times.user = user * ms_per_tick;
        cpus[count].times.nice = nice * ms_per_tick;
        cpus[count].times.sys = sys * ms_per_tick;
        cpus[count].times.idle = idle * ms_per_tick;
        cpus[count].times.irq = irq * ms_per_tick;
        count++;
    }
    asy__free(stat);
    if (oom) {
        asy__free(ids);
        asy_os_free_cpus(cpus, count);
        return ASY_ENOMEM;
    }
    /* speed: the current frequency when cpufreq is there (kHz), else the
     * "cpu MHz" of /proc/cpuinfo (Node 20 reports 0 then) */
    for (i = 0; i < count; i++) {
        char *freq;
        snprintf(name, sizeof(name), "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq", ids[i]);
        if (asy__os_read_file(name, &freq, NULL) == 0) {
            cpus[i].speed = (int)(strtoul(freq, NULL, 10) / 1000);
            asy__free(freq);
        }
    }
    if (count) asy__os_read_cpuinfo(cpus, ids, count);
    asy__free(ids);
    for (i = 0; i < count; i++) {
        if (!cpus[i].model) cpus[i].model = asy__strdup("unknown");
        if (!cpus[i].model) {
            asy_os_free_cpus(cpus, count);
            return ASY_ENOMEM;
        }
    }
    *out = cpus;
    *count_out = count;
    return 0;
}

#elif ASYNCRT_OS_WINDOWS
/* SystemProcessorPerformanceInformation; times in 100 ns units. */
typedef struct {
    LARGE_INTEGER idle, kernel, user, dpc, interrupt;
    ULONG interrupt_count;
} asy__os_cpu_perf;

typedef LONG(WINAPI *asy__os_query_system_info_fn)(int, void *, ULONG, ULONG *);

ASYNCRT_API int asy_os_cpus(asy_os_cpu_t **out, int *count_out) {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    asy__os_query_system_info_fn query;
    asy__os_cpu_perf *perf;
    asy_os_cpu_t *cpus;
    SYSTEM_INFO si;
    ULONG got = 0;
    int count, i;
    if (!out || !count_out) return ASY_EINVAL;
    *out = NULL;
    *count_out = 0;
    query = ntdll ? (asy__os_query_system_info_fn)(void (*)(void))GetProcAddress(ntdll, "NtQuerySystemInformation")
                  : NULL;
    if (!query) return ASY_ENOSYS;
    GetSystemInfo(&si);
    count = (int)si.dwNumberOfProcessors;
    perf = ASY__NEW_ARRAY(asy__os_cpu_perf, (size_t)count);
    cpus = (asy_os_cpu_t *)asy__calloc((size_t)count, sizeof(*cpus));
    if (!perf || !cpus) {
        asy__free(perf);
        asy__free(cpus);
        return ASY_ENOMEM;
    }
    if (query(8, perf, (ULONG)((size_t)count * sizeof(*perf)), &got) != 0) {
        asy__free(perf);
        asy__free(cpus);
        return ASY_EIO;
    }
    if ((int)(got / sizeof(*perf)) < count) count = (int)(got / sizeof(*perf));
    for (i = 0; i < count; i++) {
        WCHAR key[64];
        static const WCHAR prefix[] = L"HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\";
        size_t plen = ASY_ARRAY_SIZE(prefix) - 1, nd = 0;
        char digits[12];
        HKEY h;
        DWORD mhz = 0, size = sizeof(mhz);
        char *model = NULL;
        /* kernel time includes idle time */
        cpus[i].times.user = (uint64_t)perf[i].user.QuadPart / 10000;
        cpus[i].times.sys = (uint64_t)(perf[i].kernel.QuadPart - perf[i].idle.QuadPart) / 10000;
        cpus[i].times.idle = (uint64_t)perf[i].idle.QuadPart / 10000;
        cpus[i].times.irq = (uint64_t)perf[i].interrupt.QuadPart / 10000;
        memcpy(key, prefix, plen * sizeof(WCHAR));
        sprintf(digits, "%d", i);
        for (nd = 0; digits[nd]; nd++) key[plen + nd] = (WCHAR)digits[nd];
        key[plen + nd] = L'\0';
        if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_QUERY_VALUE, &h) == ERROR_SUCCESS) {
            if (RegQueryValueExW(h, L"~MHz", NULL, NULL, (BYTE *)&mhz, &size) == ERROR_SUCCESS)
                cpus[i].speed = (int)mhz;
            RegCloseKey(h);
        }
        if (asy__os_reg_string(key, L"ProcessorNameString", &model) == 0)
            cpus[i].model = model;
        else
            cpus[i].model = asy__strdup("unknown");
        if (!cpus[i].model) {
            asy__free(perf);
            asy_os_free_cpus(cpus, count);
            return ASY_ENOMEM;
        }
    }
    asy__free(perf);
    *out = cpus;
    *count_out = count;
    return 0;
}

#else
ASYNCRT_API int asy_os_cpus(asy_os_cpu_t **out, int *count_out) {
    if (!out || !count_out) return ASY_EINVAL;
    *out = NULL;
    *count_out = 0;
    return ASY_ENOSYS;
}
#endif
