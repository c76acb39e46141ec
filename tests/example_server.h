/* Starting an example server program (examples/http_server,
 * examples/https_server...) as a child for the tests that drive it with
 * outside clients, and a free port for it. */
#ifndef ASYRT_EXAMPLE_SERVER_H
#define ASYRT_EXAMPLE_SERVER_H
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* A port nobody listens on right now (the kernel's pick for port 0). */
__attribute__((unused)) static int asyt_free_port(void) {
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) FAIL("bind");
    getsockname(fd, (struct sockaddr *)&sin, &sl);
    port = ntohs(sin.sin_port);
    close(fd);
    return port;
}

/* Starts ../examples/<name> with args (NULL-terminated, may be NULL) and
 * PORT=port in its environment; returns its pid once it printed
 * "Listening on :PORT" (anything else fails the test). */
__attribute__((unused)) static pid_t asyt_example_start(const char *name, const char *const *args,
                                                        int port) {
    int p[2];
    char line[128], want[64], env[32], path[256];
    const char *argv[8];
    size_t n = 0, k = 0;
    pid_t pid;
    snprintf(path, sizeof(path), "../examples/%s", name);
    argv[k++] = name;
    while (args && args[k - 1] && k < 7) {
        argv[k] = args[k - 1];
        k++;
    }
    argv[k] = NULL;
    if (pipe(p) != 0) FAIL("pipe");
    pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        snprintf(env, sizeof(env), "%d", port);
        setenv("PORT", env, 1);
        execv(path, (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    while (n < sizeof(line) - 1) {
        ssize_t r = read(p[0], line + n, 1);
        if (r <= 0 || line[n] == '\n') break;
        n++;
    }
    line[n] = 0;
    close(p[0]);
    snprintf(want, sizeof(want), "Listening on :%d", port);
    if (strcmp(line, want) != 0) FAIL("%s said \"%s\", want \"%s\"", name, line, want);
    return pid;
}

/* SIGTERM, then the exit status, which must be a clean 0 within 5 s. */
__attribute__((unused)) static void asyt_example_stop(pid_t pid) {
    int status, i;
    kill(pid, SIGTERM);
    for (i = 0; i < 500; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid) break;
        usleep(10000);
    }
    if (i == 500) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        FAIL("the server did not exit within 5 s of SIGTERM");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) FAIL("server exit status 0x%x", status);
}

#endif
