/* Address text for network interfaces.  Written here rather than taken
 * from inet_ntop so Windows needs no ws2_32 and every platform prints the
 * same thing (the rules of inet_ntop: lowercase, longest zero run of two
 * or more words as "::", embedded IPv4 for ::ffff:a.b.c.d and ::a.b.c.d). */
#include "os.h"
#include "../base/sys.internal.h"

ASY__INTERNAL void asy__os_ip4_name(const unsigned char *b, char *out) {
    sprintf(out, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

ASY__INTERNAL void asy__os_ip6_name(const unsigned char *b, char *out) {
    unsigned words[8];
    int i, best_base = -1, best_len = 0, cur_base = -1, cur_len = 0;
    char *p = out;
    for (i = 0; i < 8; i++) words[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
    for (i = 0; i < 8; i++) {
        if (words[i] == 0) {
            if (cur_base == -1) cur_base = i, cur_len = 0;
            cur_len++;
            if (cur_len > best_len) best_base = cur_base, best_len = cur_len;
        } else {
            cur_base = -1;
        }
    }
    if (best_len < 2) best_base = -1;
    for (i = 0; i < 8; i++) {
        if (best_base != -1 && i >= best_base && i < best_base + best_len) {
            if (i == best_base) *p++ = ':';
            continue;
        }
        if (i != 0) *p++ = ':';
        if (i == 6 && best_base == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
            asy__os_ip4_name(b + 12, p);
            return;
        }
        p += sprintf(p, "%x", words[i]);
    }
    if (best_base != -1 && best_base + best_len == 8) *p++ = ':';
    *p = '\0';
}

/* Bits of a netmask, or -1 when its ones are not one leading run. */
ASY__INTERNAL int asy__os_prefix_len(const unsigned char *mask, size_t n) {
    size_t i;
    int bits = 0, ended = 0;
    for (i = 0; i < n; i++) {
        int k;
        for (k = 7; k >= 0; k--) {
            if (mask[i] >> k & 1) {
                if (ended) return -1;
                bits++;
            } else {
                ended = 1;
            }
        }
    }
    return bits;
}

ASY__INTERNAL void asy__os_prefix_mask(int bits, unsigned char *mask, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        int take = bits > 8 ? 8 : (bits < 0 ? 0 : bits);
        mask[i] = (unsigned char)(0xFF00u >> take);
        bits -= 8;
    }
}

/* Fills the text fields of an interface entry from raw bytes: family 4 or
 * 6, address and netmask of 4 or 16 bytes. */
ASY__INTERNAL void asy__os_fill_interface(asy_os_interface_t *e, int family, const unsigned char *addr,
                                          const unsigned char *mask) {
    size_t n = family == 4 ? 4 : 16;
    int bits = asy__os_prefix_len(mask, n);
    if (family == 4) {
        e->family = "IPv4";
        asy__os_ip4_name(addr, e->address);
        asy__os_ip4_name(mask, e->netmask);
    } else {
        e->family = "IPv6";
        asy__os_ip6_name(addr, e->address);
        asy__os_ip6_name(mask, e->netmask);
    }
    e->cidr[0] = '\0';
    if (bits >= 0) {
        char num[8];
        size_t a = strlen(e->address), k = (size_t)sprintf(num, "/%u", (unsigned)bits & 0xFFu);
        memcpy(e->cidr, e->address, a);
        memcpy(e->cidr + a, num, k + 1);
    }
}

ASY__INTERNAL void asy__os_fill_mac(asy_os_interface_t *e, const unsigned char *mac, size_t n) {
    unsigned char m[6];
    memset(m, 0, sizeof(m));
    if (mac) memcpy(m, mac, n < 6 ? n : 6);
    sprintf(e->mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}
