/* Private helpers of the os layer: address text and netmask prefixes. */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "test.h"

#ifndef _WIN32
#include <arpa/inet.h>
#endif

static const char *ip6(const char *hex) {
    static char out[46];
    unsigned char b[16];
    int i;
    for (i = 0; i < 16; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        b[i] = (unsigned char)v;
    }
    asy__os_ip6_name(b, out);
    return out;
}

TEST(internal_os_ip6_text) {
    ASSERT_STR_EQ(ip6("00000000000000000000000000000000"), "::");
    ASSERT_STR_EQ(ip6("00000000000000000000000000000001"), "::1");
    ASSERT_STR_EQ(ip6("fe800000000000000000000000000001"), "fe80::1");
    ASSERT_STR_EQ(ip6("20010db8000000010000000000000001"), "2001:db8:0:1::1");
    ASSERT_STR_EQ(ip6("20010db8000000000001000000000001"), "2001:db8::1:0:0:1");
    ASSERT_STR_EQ(ip6("ffffffffffffffff0000000000000000"), "ffff:ffff:ffff:ffff::");
    ASSERT_STR_EQ(ip6("00000000000000000000ffffc0000201"), "::ffff:192.0.2.1");
    ASSERT_STR_EQ(ip6("000000000000000000000000c0000201"), "::192.0.2.1");
    ASSERT_STR_EQ(ip6("20010db8000100010001000100010001"), "2001:db8:1:1:1:1:1:1");
}

#ifndef _WIN32
/* The same text as the C library's inet_ntop for many addresses made of
 * zero and non-zero words (the runs are what matters). */
TEST(internal_os_ip6_matches_inet_ntop) {
    unsigned seed = 12345;
    int k, i;
    for (k = 0; k < 200000; k++) {
        unsigned char b[16];
        char mine[46], libc[46];
        for (i = 0; i < 8; i++) {
            seed = seed * 1103515245u + 12345u;
            if ((seed >> 16) % 3 == 0) {
                b[2 * i] = b[2 * i + 1] = 0;
            } else {
                b[2 * i] = (unsigned char)(seed >> 8);
                b[2 * i + 1] = (unsigned char)(seed >> 24);
                if ((seed >> 20) % 5 == 0) b[2 * i] = 0xff, b[2 * i + 1] = 0xff;
            }
        }
        asy__os_ip6_name(b, mine);
        ASSERT_NOT_NULL(inet_ntop(AF_INET6, b, libc, sizeof(libc)));
        if (strcmp(mine, libc) != 0) FAIL("mine %s, inet_ntop %s", mine, libc);
    }
}
#endif

TEST(internal_os_prefixes) {
    unsigned char m[16];
    const unsigned char v4[4] = {255, 255, 252, 0}, holey[4] = {255, 0, 255, 0};
    ASSERT_EQ(asy__os_prefix_len(v4, 4), 22);
    ASSERT_EQ(asy__os_prefix_len(holey, 4), -1);
    asy__os_prefix_mask(22, m, 4);
    ASSERT_EQ(memcmp(m, v4, 4), 0);
    asy__os_prefix_mask(64, m, 16);
    ASSERT_EQ(asy__os_prefix_len(m, 16), 64);
    ASSERT_EQ(m[7], 0xff);
    ASSERT_EQ(m[8], 0);
    asy__os_prefix_mask(0, m, 16);
    ASSERT_EQ(asy__os_prefix_len(m, 16), 0);
    asy__os_prefix_mask(128, m, 16);
    ASSERT_EQ(asy__os_prefix_len(m, 16), 128);
}

TEST(internal_os_fill_interface) {
    asy_os_interface_t e;
    const unsigned char a4[4] = {10, 1, 2, 3}, m4[4] = {255, 255, 0, 0}, bad[4] = {0, 255, 0, 0};
    const unsigned char mac[6] = {0x02, 0xfc, 0, 0, 0xab, 0x01};
    memset(&e, 0, sizeof(e));
    asy__os_fill_interface(&e, 4, a4, m4);
    ASSERT_STR_EQ(e.family, "IPv4");
    ASSERT_STR_EQ(e.address, "10.1.2.3");
    ASSERT_STR_EQ(e.netmask, "255.255.0.0");
    ASSERT_STR_EQ(e.cidr, "10.1.2.3/16");
    asy__os_fill_interface(&e, 4, a4, bad);
    ASSERT_STR_EQ(e.cidr, "");
    asy__os_fill_mac(&e, mac, 6);
    ASSERT_STR_EQ(e.mac, "02:fc:00:00:ab:01");
    asy__os_fill_mac(&e, NULL, 0);
    ASSERT_STR_EQ(e.mac, "00:00:00:00:00:00");
}
