/* The test runner: runs every registered test in its own process.
 *
 *   run [--list] [--jobs N] [FILTER...]
 *
 * FILTER selects tests whose name contains it (any of them).  Tests of
 * ASYT_ALL_BACKENDS files run once per backend compiled in, named
 * "name@backend" (so "@poll" selects the poll runs), with ASYNCRT_BACKEND
 * set for the run.  Per-test timeouts are scaled by ASYT_TIMEOUT_SCALE
 * (sanitizer and valgrind builds set it).  The last line is always "N
 * passed, N failed" with ", N skipped" when any test was skipped, then how
 * many runs each backend had: "(per backend: epoll 420, poll 420)".  Exit
 * status: 0 when nothing failed. */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include "test.h"

#include <stdarg.h>
#include <time.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#define ASYT_SKIP_CODE 77

static asyt_case *asyt_head, *asyt_tail;
static const char *asyt_self;
static const char *asyt_cur_backend; /* in a matrix run */

const char *asyt_backend(void) { return asyt_cur_backend; }

/* Makes this process run tc on backend (NULL: outside the matrix). */
static void asyt_enter_backend(const char *backend) {
    asyt_cur_backend = backend;
    if (!backend) return;
#ifdef _WIN32
    SetEnvironmentVariableA("ASYNCRT_BACKEND", backend);
    _putenv_s("ASYNCRT_BACKEND", backend);
#else
    setenv("ASYNCRT_BACKEND", backend, 1);
#endif
}

void asyt_register(asyt_case *tc) {
#ifdef _WIN32
    /* mingw runs constructors last to first: prepend to keep source order */
    tc->next = asyt_head;
    asyt_head = tc;
    if (!asyt_tail) asyt_tail = tc;
#else
    tc->next = NULL;
    if (asyt_tail)
        asyt_tail->next = tc;
    else
        asyt_head = tc;
    asyt_tail = tc;
#endif
}

const char *asyt_self_path(void) { return asyt_self; }

double asyt_timeout_scale(void) {
    const char *s = getenv("ASYT_TIMEOUT_SCALE");
    double v = s ? atof(s) : 1.0;
    return v > 0 ? v : 1.0;
}

void asyt_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    _exit(1);
}

void asyt_skip(const char *reason) {
    fflush(stdout);
    fprintf(stderr, "%s\n", reason);
    fflush(stderr);
    _exit(ASYT_SKIP_CODE);
}

static double asyt_now_ms(void) {
#ifdef _WIN32
    return (double)GetTickCount64();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
#endif
}

/* Captured output of one test. */
typedef struct {
    char *data;
    size_t len, cap;
} asyt_out;

static void asyt_out_add(asyt_out *o, const char *p, size_t n) {
    /* keep the last 64 KiB: the end of a failing test's output is what matters */
    const size_t limit = 64 * 1024;
    if (o->len + n > o->cap) {
        size_t ncap = o->cap ? o->cap * 2 : 4096;
        while (ncap < o->len + n) ncap *= 2;
        o->data = (char *)realloc(o->data, ncap);
        if (!o->data) abort();
        o->cap = ncap;
    }
    memcpy(o->data + o->len, p, n);
    o->len += n;
    if (o->len > limit) {
        memmove(o->data, o->data + o->len - limit, limit);
        o->len = limit;
    }
}

enum { ASYT_PASS, ASYT_FAIL, ASYT_SKIP };

typedef struct {
    int result;
    char detail[128];
} asyt_status;

#ifndef _WIN32
static void asyt_run_in_child(asyt_case *tc, const char *backend) {
    asyt_enter_backend(backend);
    tc->fn();
    fflush(stdout);
    fflush(stderr);
    _exit(0);
}

static asyt_status asyt_run_one(asyt_case *tc, const char *backend, asyt_out *out) {
    asyt_status st;
    int pipefd[2], status = 0, timed_out = 0;
    pid_t pid;
    double deadline = asyt_now_ms() + tc->timeout_ms * asyt_timeout_scale();
    memset(&st, 0, sizeof(st));
    if (pipe(pipefd) != 0) {
        st.result = ASYT_FAIL;
        snprintf(st.detail, sizeof(st.detail), "pipe: %s", strerror(errno));
        return st;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[1]);
        setpgid(0, 0); /* so a timeout can kill whatever the test started */
        asyt_run_in_child(tc, backend);
    }
    close(pipefd[1]);
    if (pid < 0) {
        close(pipefd[0]);
        st.result = ASYT_FAIL;
        snprintf(st.detail, sizeof(st.detail), "fork: %s", strerror(errno));
        return st;
    }
    setpgid(pid, pid);
    for (;;) {
        struct pollfd pfd;
        char buf[4096];
        double left = deadline - asyt_now_ms();
        int r;
        if (left <= 0) {
            timed_out = 1;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            break;
        }
        pfd.fd = pipefd[0];
        pfd.events = POLLIN;
        r = poll(&pfd, 1, left > 100 ? 100 : (int)left + 1);
        if (r > 0) {
            ssize_t n = read(pipefd[0], buf, sizeof(buf));
            if (n > 0) {
                asyt_out_add(out, buf, (size_t)n);
                continue;
            }
            if (n == 0) break; /* every writer is gone */
        }
        /* The test may have exited while a grandchild keeps the pipe open. */
        if (waitpid(pid, &status, WNOHANG) == pid) {
            pid = -1;
            break;
        }
    }
    close(pipefd[0]);
    if (pid > 0) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (timed_out) {
        st.result = ASYT_FAIL;
        snprintf(st.detail, sizeof(st.detail), "timed out after %.0f ms",
                 tc->timeout_ms * asyt_timeout_scale());
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        st.result = ASYT_PASS;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == ASYT_SKIP_CODE) {
        st.result = ASYT_SKIP;
    } else if (WIFEXITED(status)) {
        st.result = ASYT_FAIL;
        snprintf(st.detail, sizeof(st.detail), "exit status %d", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        st.result = ASYT_FAIL;
        snprintf(st.detail, sizeof(st.detail), "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    } else {
        st.result = ASYT_FAIL;
        snprintf(st.detail, sizeof(st.detail), "unexpected wait status 0x%x", status);
    }
    return st;
}
#else  /* _WIN32: run "<self> --child NAME" with its output on a pipe */
/* A thread reads the pipe with blocking reads, so output is taken as fast as
 * the test writes it while the main thread waits for exit or the deadline. */
typedef struct {
    HANDLE rd;
    asyt_out *out;
} asyt_reader;

static DWORD WINAPI asyt_reader_main(LPVOID arg) {
    asyt_reader *r = (asyt_reader *)arg;
    char buf[4096];
    DWORD n;
    while (ReadFile(r->rd, buf, sizeof(buf), &n, NULL) && n > 0) asyt_out_add(r->out, buf, n);
    return 0;
}

static const char *asyt_exception_name(DWORD code) {
    switch (code) {
        case EXCEPTION_ACCESS_VIOLATION: return "access violation";
        case EXCEPTION_STACK_OVERFLOW: return "stack overflow";
        case EXCEPTION_ILLEGAL_INSTRUCTION: return "illegal instruction";
        case EXCEPTION_INT_DIVIDE_BY_ZERO: return "integer divide by zero";
        case EXCEPTION_ARRAY_BOUNDS_EXCEEDED: return "array bounds exceeded";
        case EXCEPTION_IN_PAGE_ERROR: return "in-page error";
        case EXCEPTION_PRIV_INSTRUCTION: return "privileged instruction";
        case EXCEPTION_BREAKPOINT: return "breakpoint";
        case 0xC0000409: return "stack buffer overrun / fast fail";
        default: return NULL;
    }
}

static asyt_status asyt_run_one(asyt_case *tc, const char *backend, asyt_out *out) {
    asyt_status st;
    SECURITY_ATTRIBUTES sa;
    HANDLE rd, wr, job, thread;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim;
    asyt_reader reader;
    char cmd[1024];
    DWORD code = 1, wait_ms;
    double budget = tc->timeout_ms * asyt_timeout_scale();
    int timed_out = 0;
    const char *what;
    memset(&st, 0, sizeof(st));
    memset(&sa, 0, sizeof(sa));
    sa.nLength = sizeof(sa);
    sa.bInheritHandle = TRUE;
    if (!CreatePipe(&rd, &wr, &sa, 1 << 16)) {
        st.result = ASYT_FAIL;
        snprintf(st.detail, sizeof(st.detail), "CreatePipe failed: %lu", GetLastError());
        return st;
    }
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    /* The job holds the test and whatever it starts, so a timeout ends them
     * all, as the process group does on POSIX. */
    job = CreateJobObjectA(NULL, NULL);
    if (job) {
        memset(&lim, 0, sizeof(lim));
        lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        SetInformationJobObject(job, JobObjectExtendedLimitInformation, &lim, sizeof(lim));
    }
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = wr;
    si.hStdError = wr;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    snprintf(cmd, sizeof(cmd), "\"%s\" --child %s%s%s", asyt_self, tc->name, backend ? "@" : "",
             backend ? backend : "");
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, NULL, &si, &pi)) {
        CloseHandle(rd);
        CloseHandle(wr);
        if (job) CloseHandle(job);
        st.result = ASYT_FAIL;
        snprintf(st.detail, sizeof(st.detail), "CreateProcess failed: %lu", GetLastError());
        return st;
    }
    CloseHandle(wr);
    if (job && !AssignProcessToJobObject(job, pi.hProcess)) {
        CloseHandle(job); /* no job (old nested-job limits): timeouts still kill the test */
        job = NULL;
    }
    reader.rd = rd;
    reader.out = out;
    thread = CreateThread(NULL, 0, asyt_reader_main, &reader, 0, NULL);
    ResumeThread(pi.hThread);
    wait_ms = budget > 0 ? (DWORD)budget + 1 : 1;
    if (WaitForSingleObject(pi.hProcess, wait_ms) != WAIT_OBJECT_0) {
        timed_out = 1;
        if (job) TerminateJobObject(job, 1);
        TerminateProcess(pi.hProcess, 1);
        WaitForSingleObject(pi.hProcess, INFINITE);
    }
    GetExitCodeProcess(pi.hProcess, &code);
    /* A process the test left running may still hold the pipe open: give the
     * reader a moment to drain, then end the job so the pipe closes. */
    if (thread && WaitForSingleObject(thread, 200) != WAIT_OBJECT_0) {
        if (job) TerminateJobObject(job, 1);
        if (WaitForSingleObject(thread, 2000) != WAIT_OBJECT_0) {
            CancelSynchronousIo(thread);
            WaitForSingleObject(thread, INFINITE);
        }
    }
    if (thread) {
        CloseHandle(thread);
    } else {
        asyt_reader_main(&reader); /* no thread: read after the fact */
    }
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(rd);
    if (job) CloseHandle(job);
    if (timed_out) {
        st.result = ASYT_FAIL;
        snprintf(st.detail, sizeof(st.detail), "timed out after %.0f ms", budget);
    } else if (code == 0) {
        st.result = ASYT_PASS;
    } else if (code == ASYT_SKIP_CODE) {
        st.result = ASYT_SKIP;
    } else if ((what = asyt_exception_name(code)) != NULL) {
        st.result = ASYT_FAIL;
        snprintf(st.detail, sizeof(st.detail), "crashed: exception 0x%08lx (%s)",
                 (unsigned long)code, what);
    } else if (code == 3) {
        st.result = ASYT_FAIL;
        snprintf(st.detail, sizeof(st.detail), "exit code 3 (abort?)");
    } else {
        st.result = ASYT_FAIL;
        snprintf(st.detail, sizeof(st.detail), "exit code 0x%lx", (unsigned long)code);
    }
    return st;
}

/* In the child: report a crash on stderr and exit with the exception code
 * instead of starting the system debugger (wine's winedbg, Windows Error
 * Reporting), which would hang or bury the output. */
static LONG WINAPI asyt_crash_filter(EXCEPTION_POINTERS *ep) {
    fflush(stdout);
    fprintf(stderr, "crashed: exception 0x%08lx at %p\n",
            (unsigned long)ep->ExceptionRecord->ExceptionCode,
            ep->ExceptionRecord->ExceptionAddress);
    fflush(stderr);
    return EXCEPTION_EXECUTE_HANDLER;
}
#endif

static int asyt_selected(const char *name, int nfilters, char **filters) {
    int i;
    if (nfilters == 0) return 1;
    for (i = 0; i < nfilters; i++)
        if (strstr(name, filters[i])) return 1;
    return 0;
}

#define ASYT_MAX_BACKENDS 8

static void asyt_print_output(const asyt_out *o) {
    size_t i, start = 0;
    for (i = 0; i < o->len; i++) {
        if (o->data[i] == '\n' || i + 1 == o->len) {
            size_t end = o->data[i] == '\n' ? i : i + 1;
            printf("    | %.*s\n", (int)(end - start), o->data + start);
            start = i + 1;
        }
    }
}

int main(int argc, char **argv) {
    asyt_case *tc;
    char **filters = (char **)calloc((size_t)argc, sizeof(char *));
    int nfilters = 0, list = 0, i, passed = 0, failed = 0, skipped = 0;
    const char *backends[ASYT_MAX_BACKENDS];
    int nbackends = 0, runs[ASYT_MAX_BACKENDS];
    asyt_self = argv[0];
    while (nbackends < ASYT_MAX_BACKENDS && asyt_backend_at((unsigned)nbackends)) {
        backends[nbackends] = asyt_backend_at((unsigned)nbackends);
        runs[nbackends++] = 0;
    }
#ifdef _WIN32
    {
        /* argv[0] may lack the directory or the .exe: re-exec what runs */
        static char self[MAX_PATH];
        DWORD n = GetModuleFileNameA(NULL, self, sizeof(self));
        if (n > 0 && n < sizeof(self)) asyt_self = self;
    }
#else
    signal(SIGPIPE, SIG_IGN);
#endif
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--list") == 0) {
            list = 1;
        } else if (strcmp(argv[i], "--child") == 0 && i + 1 < argc) {
            /* Windows: run one test in this process */
#ifdef _WIN32
            SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
            SetUnhandledExceptionFilter(asyt_crash_filter);
#endif
            char *at = strchr(argv[i + 1], '@'); /* name@backend */
            if (at) *at = 0;
            for (tc = asyt_head; tc; tc = tc->next)
                if (strcmp(tc->name, argv[i + 1]) == 0) {
                    asyt_enter_backend(at ? at + 1 : NULL);
                    tc->fn();
                    fflush(stdout);
                    fflush(stderr);
                    return 0;
                }
            fprintf(stderr, "no such test: %s\n", argv[i + 1]);
            return 2;
        } else if (strcmp(argv[i], "--help") == 0) {
            printf("usage: %s [--list] [FILTER...]\n", argv[0]);
            return 0;
        } else {
            filters[nfilters++] = argv[i];
        }
    }
    for (tc = asyt_head; tc; tc = tc->next) {
        /* one run outside the matrix, or one per backend */
        int b, nruns = tc->all_backends && nbackends ? nbackends : 1;
        for (b = 0; b < nruns; b++) {
            const char *backend = tc->all_backends && nbackends ? backends[b] : NULL;
            char name[256];
            asyt_out out;
            asyt_status st;
            double t0;
            snprintf(name, sizeof(name), "%s%s%s", tc->name, backend ? "@" : "",
                     backend ? backend : "");
            if (!asyt_selected(name, nfilters, filters)) continue;
            if (list) {
                printf("%s\n", name);
                continue;
            }
            memset(&out, 0, sizeof(out));
            t0 = asyt_now_ms();
            st = asyt_run_one(tc, backend, &out);
            if (backend) runs[b]++;
            if (st.result == ASYT_PASS) {
                passed++;
                printf("ok      %s (%.0f ms)\n", name, asyt_now_ms() - t0);
            } else if (st.result == ASYT_SKIP) {
                skipped++;
                /* the skip reason is the captured output's last line */
                while (out.len && out.data[out.len - 1] == '\n') out.len--;
                printf("skip    %s: %.*s\n", name, (int)out.len, out.data ? out.data : "");
            } else {
                failed++;
                printf("FAIL    %s: %s (%s)\n", name, st.detail[0] ? st.detail : "failed",
                       tc->file);
                asyt_print_output(&out);
            }
            fflush(stdout);
            free(out.data);
        }
    }
    free(filters);
    if (list) return 0;
    if (skipped)
        printf("%d passed, %d failed, %d skipped", passed, failed, skipped);
    else
        printf("%d passed, %d failed", passed, failed);
    for (i = 0; i < nbackends; i++)
        printf("%s%s %d%s", i ? ", " : " (per backend: ", backends[i], runs[i],
               i + 1 == nbackends ? ")" : "");
    printf("\n");
    return failed ? 1 : 0;
}
