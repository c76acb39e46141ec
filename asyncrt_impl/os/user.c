/* The user: home and temporary directories, account information. */
#include "os.h"
#include "../path/util.internal.h"

#if ASYNCRT_OS_POSIX
#include <pwd.h>
#endif

/* An environment variable that is set and not empty (JavaScript's
 * `process.env.X || ...`).  Set-uid programs do not trust the
 * environment where the C library can tell (Node's safeGetenv). */
ASY__INTERNAL int asy__os_env(const char *name, char **out) {
    int r;
#if defined(__GLIBC__) && defined(__USE_GNU)
    const char *v = secure_getenv(name);
    *out = NULL;
    r = v ? asy__path_dup(out, v) : ASY_ENOENT;
#else
    r = asy__path_getenv(name, out);
#endif
    if (r == 0 && !(*out)[0]) {
        asy__free(*out);
        *out = NULL;
        r = ASY_ENOENT;
    }
    return r;
}

#if ASYNCRT_OS_WINDOWS
typedef BOOL(WINAPI *asy__os_profile_dir_fn)(HANDLE, WCHAR *, DWORD *);

/* The profile directory of the process's user (userenv.dll, loaded here so
 * programs need not link it). */
ASY__INTERNAL int asy__os_profile_dir(char **out) {
    HMODULE lib = LoadLibraryW(L"userenv.dll");
    asy__os_profile_dir_fn fn;
    HANDLE token = NULL;
    WCHAR buf[MAX_PATH + 1];
    DWORD n = ASY_ARRAY_SIZE(buf);
    int r = ASY_ENOSYS;
    *out = NULL;
    if (!lib) return r;
    fn = (asy__os_profile_dir_fn)(void (*)(void))GetProcAddress(lib, "GetUserProfileDirectoryW");
    if (fn && OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) {
        r = fn(token, buf, &n) ? asy__path_from_wide(out, buf, -1)
                               : asy_translate_sys_error((int)GetLastError());
        CloseHandle(token);
    }
    FreeLibrary(lib);
    return r;
}
#else
/* getpwuid_r for the effective user, into an allocated record. */
ASY__INTERNAL int asy__os_passwd(struct passwd *pw, char **mem) {
    struct passwd *res = NULL;
    long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
    size_t size = hint > 0 ? (size_t)hint : 4096;
    int r;
    for (;;) {
        *mem = (char *)asy__malloc(size);
        if (!*mem) return ASY_ENOMEM;
        r = getpwuid_r(geteuid(), pw, *mem, size, &res);
        if (r != ERANGE || size >= ((size_t)1 << 24)) break;
        asy__free(*mem);
        size *= 2;
    }
    if (r == 0 && res) return 0;
    asy__free(*mem);
    *mem = NULL;
    return r ? asy_translate_sys_error(r) : ASY_ENOENT;
}
#endif

ASYNCRT_API int asy_os_homedir(char **out) {
    int r;
    if (!out) return ASY_EINVAL;
    *out = NULL;
#if ASYNCRT_OS_WINDOWS
    r = asy__os_env("USERPROFILE", out);
    if (r != ASY_ENOENT) return r;
    return asy__os_profile_dir(out);
#else
    {
        struct passwd pw;
        char *mem;
        /* $HOME first, like libuv and so Node; then the password database */
        r = asy__os_env("HOME", out);
        if (r != ASY_ENOENT) return r;
        r = asy__os_passwd(&pw, &mem);
        if (r) return r;
        r = asy__path_dup(out, pw.pw_dir ? pw.pw_dir : "");
        asy__free(mem);
        return r;
    }
#endif
}

ASYNCRT_API int asy_os_tmpdir(char **out) {
    static const char *const vars[] = {
#if ASYNCRT_OS_WINDOWS
        "TEMP", "TMP"
#else
        "TMPDIR", "TMP", "TEMP"
#endif
    };
    size_t i, n;
    int r = ASY_ENOENT;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    for (i = 0; i < ASY_ARRAY_SIZE(vars) && r == ASY_ENOENT; i++) r = asy__os_env(vars[i], out);
    if (r == ASY_ENOENT) {
#if ASYNCRT_OS_WINDOWS
        char *root = NULL;
        asy__path_buf b;
        if (asy__os_env("SystemRoot", &root) == ASY_ENOENT) asy__os_env("windir", &root);
        asy__path_buf_init(&b);
        /* Node would say "undefined\temp" here; the usual root is better */
        asy__path_buf_puts(&b, root ? root : "C:\\Windows");
        asy__path_buf_puts(&b, "\\temp");
        asy__free(root);
        r = asy__path_buf_finish(&b, out);
#else
        r = asy__path_dup(out, "/tmp");
#endif
    }
    if (r) return r;
    /* no trailing separator, except for a root ("/", "C:\") */
    n = strlen(*out);
#if ASYNCRT_OS_WINDOWS
    if (n > 1 && (*out)[n - 1] == '\\' && !(n >= 2 && (*out)[n - 2] == ':')) (*out)[n - 1] = '\0';
#else
    if (n > 1 && (*out)[n - 1] == '/') (*out)[n - 1] = '\0';
#endif
    return 0;
}

ASYNCRT_API void asy_os_free_user_info(asy_os_user_info_t *info) {
    if (!info) return;
    asy__free(info->username);
    asy__free(info->homedir);
    asy__free(info->shell);
    memset(info, 0, sizeof(*info));
}

ASYNCRT_API int asy_os_user_info(asy_os_user_info_t *out) {
    int r;
    if (!out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
#if ASYNCRT_OS_WINDOWS
    {
        WCHAR name[257];
        DWORD n = ASY_ARRAY_SIZE(name);
        out->uid = -1;
        out->gid = -1;
        if (!GetUserNameW(name, &n)) return asy_translate_sys_error((int)GetLastError());
        r = asy__path_from_wide(&out->username, name, -1);
        if (!r) r = asy__os_profile_dir(&out->homedir);
    }
#else
    {
        struct passwd pw;
        char *mem;
        r = asy__os_passwd(&pw, &mem);
        if (r) return r;
        out->uid = (long)pw.pw_uid;
        out->gid = (long)pw.pw_gid;
        r = asy__path_dup(&out->username, pw.pw_name ? pw.pw_name : "");
        if (!r) r = asy__path_dup(&out->homedir, pw.pw_dir ? pw.pw_dir : "");
        if (!r && pw.pw_shell) r = asy__path_dup(&out->shell, pw.pw_shell);
        asy__free(mem);
    }
#endif
    if (r) asy_os_free_user_info(out);
    return r;
}
