/* The seed's os block:
 *
 *   import os from "node:os";
 *   os.cpus().length; // number of CPU cores
 *   os.totalmem();    // total RAM in bytes
 *   os.freemem();     // free RAM
 *   os.homedir();     // "/home/sean"
 *   os.tmpdir();      // "/tmp"
 *   os.platform();    // "linux", "darwin", "win32"
 *   os.hostname();    // machine hostname
 */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>

int main(void) {
    asy_os_cpu_t *cpus;
    asy_os_interface_t *ifs;
    asy_os_uname_t u;
    int ncpu, nif, i, r;
    char *s;

    r = asy_os_cpus(&cpus, &ncpu);
    if (r == 0) {
        printf("os.cpus().length     %d (%s, %d MHz)\n", ncpu, cpus[0].model, cpus[0].speed);
        asy_os_free_cpus(cpus, ncpu);
    } else {
        printf("os.cpus()            %s\n", asy_strerror(r));
    }
    printf("os.totalmem()        %llu\n", (unsigned long long)asy_os_totalmem());
    printf("os.freemem()         %llu\n", (unsigned long long)asy_os_freemem());
    if (asy_os_homedir(&s) == 0) {
        printf("os.homedir()         %s\n", s);
        asy_free(s);
    }
    if (asy_os_tmpdir(&s) == 0) {
        printf("os.tmpdir()          %s\n", s);
        asy_free(s);
    }
    printf("os.platform()        %s\n", asy_os_platform());
    if (asy_os_hostname(&s) == 0) {
        printf("os.hostname()        %s\n", s);
        asy_free(s);
    }

    /* and a little more of the module */
    if (asy_os_uname(&u) == 0) printf("os.type(), release   %s %s (%s)\n", u.sysname, u.release, u.machine);
    printf("availableParallelism %u\n", asy_os_available_parallelism());
    if (asy_os_network_interfaces(&ifs, &nif) == 0) {
        for (i = 0; i < nif; i++)
            printf("interface            %-8s %-5s %s\n", ifs[i].name, ifs[i].family,
                   ifs[i].cidr[0] ? ifs[i].cidr : ifs[i].address);
        asy_os_free_network_interfaces(ifs, nif);
    }
    return 0;
}
