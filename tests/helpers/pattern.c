/* pattern N FD [SPLIT]: writes N bytes of the sweep tests' pattern (byte
 * i is i % 251) to fd FD (1 or 2), then exits 0; 3 if the reader went
 * away.  With SPLIT, it writes SPLIT bytes, waits for one byte on stdin,
 * then writes the rest: the parent chooses when the tail and EOF come. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    unsigned char buf[65536];
    unsigned long long n, split = 0, off = 0;
    int fd;
    if (argc != 3 && argc != 4) return 2;
    n = strtoull(argv[1], NULL, 10);
    fd = atoi(argv[2]);
    if (argc == 4) split = strtoull(argv[3], NULL, 10);
    signal(SIGPIPE, SIG_IGN);
    while (off < n) {
        size_t k, len = n - off < sizeof(buf) ? (size_t)(n - off) : sizeof(buf);
        if (split && off < split && split - off < len) len = (size_t)(split - off);
        if (split && off == split) {
            char go;
            ssize_t r;
            do r = read(0, &go, 1);
            while (r < 0 && errno == EINTR);
            if (r != 1) return 4;
        }
        ssize_t w;
        for (k = 0; k < len; k++) buf[k] = (unsigned char)((off + k) % 251);
        for (k = 0; k < len; k += (size_t)w) {
            w = write(fd, buf + k, len - k);
            if (w < 0 && errno == EINTR) {
                w = 0;
                continue;
            }
            if (w < 0) return 3;
        }
        off += len;
    }
    return 0;
}
