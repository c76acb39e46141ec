/* Network interfaces: every address of every interface that is up. */
#include "os.internal.h"
#include "../path/util.internal.h"

#if ASYNCRT_OS_WINDOWS
#include <iphlpapi.h>
#else
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#if ASYNCRT_OS_LINUX
#include <linux/if_packet.h>
#endif
#endif

ASYNCRT_API void asy_os_free_network_interfaces(asy_os_interface_t *ifs, int count) {
    int i;
    if (!ifs) return;
    for (i = 0; i < count; i++) asy__free(ifs[i].name);
    asy__free(ifs);
}

#if ASYNCRT_OS_WINDOWS
typedef ULONG(WINAPI *asy__os_get_adapters_fn)(ULONG, ULONG, void *, IP_ADAPTER_ADDRESSES *, ULONG *);

ASYNCRT_API int asy_os_network_interfaces(asy_os_interface_t **out, int *count_out) {
    HMODULE lib;
    asy__os_get_adapters_fn get_adapters;
    IP_ADAPTER_ADDRESSES *list = NULL, *a;
    IP_ADAPTER_UNICAST_ADDRESS *u;
    asy_os_interface_t *ifs;
    ULONG size = 16384, ret = ERROR_BUFFER_OVERFLOW;
    const ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
    int count = 0, n = 0, r = 0, tries;
    if (!out || !count_out) return ASY_EINVAL;
    *out = NULL;
    *count_out = 0;
    /* loaded here so that programs need not link iphlpapi */
    lib = LoadLibraryW(L"iphlpapi.dll");
    if (!lib) return ASY_ENOSYS;
    get_adapters = (asy__os_get_adapters_fn)(void (*)(void))GetProcAddress(lib, "GetAdaptersAddresses");
    if (!get_adapters) {
        FreeLibrary(lib);
        return ASY_ENOSYS;
    }
    for (tries = 0; tries < 5 && ret == ERROR_BUFFER_OVERFLOW; tries++) {
        asy__free(list);
        list = (IP_ADAPTER_ADDRESSES *)asy__malloc(size);
        if (!list) {
            FreeLibrary(lib);
            return ASY_ENOMEM;
        }
        ret = get_adapters(AF_UNSPEC, flags, NULL, list, &size);
    }
    FreeLibrary(lib);
    if (ret == ERROR_NO_DATA) {
        asy__free(list);
        *out = (asy_os_interface_t *)asy__calloc(1, sizeof(**out));
        return *out ? 0 : ASY_ENOMEM;
    }
    if (ret != ERROR_SUCCESS) {
        asy__free(list);
        return asy_translate_sys_error((int)ret);
    }
    for (a = list; a; a = a->Next) {
        if (a->OperStatus != IfOperStatusUp) continue;
        for (u = a->FirstUnicastAddress; u; u = u->Next) {
            int fam = u->Address.lpSockaddr->sa_family;
            if (fam == AF_INET || fam == AF_INET6) count++;
        }
    }
    ifs = (asy_os_interface_t *)asy__calloc((size_t)(count ? count : 1), sizeof(*ifs));
    if (!ifs) {
        asy__free(list);
        return ASY_ENOMEM;
    }
    for (a = list; a && !r; a = a->Next) {
        if (a->OperStatus != IfOperStatusUp) continue;
        for (u = a->FirstUnicastAddress; u && !r; u = u->Next) {
            const struct sockaddr *sa = u->Address.lpSockaddr;
            unsigned char mask[16];
            asy_os_interface_t *e;
            if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) continue;
            e = &ifs[n++];
            r = asy__path_from_wide(&e->name, a->FriendlyName, -1);
            if (sa->sa_family == AF_INET) {
                const struct sockaddr_in *in4 = (const struct sockaddr_in *)(const void *)sa;
                asy__os_prefix_mask(u->OnLinkPrefixLength, mask, 4);
                asy__os_fill_interface(e, 4, (const unsigned char *)&in4->sin_addr, mask);
            } else {
                const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
                asy__os_prefix_mask(u->OnLinkPrefixLength, mask, 16);
                asy__os_fill_interface(e, 6, (const unsigned char *)&in6->sin6_addr, mask);
                e->scopeid = (uint32_t)in6->sin6_scope_id;
            }
            asy__os_fill_mac(e, a->PhysicalAddress, a->PhysicalAddressLength);
            e->internal = a->IfType == IF_TYPE_SOFTWARE_LOOPBACK;
        }
    }
    asy__free(list);
    if (r) {
        asy_os_free_network_interfaces(ifs, n);
        return r;
    }
    *out = ifs;
    *count_out = n;
    return 0;
}

#else
/* An interface is listed while it is up and running, as in libuv. */
ASY__INTERNAL int asy__os_ifaddr_usable(const struct ifaddrs *ent) {
    return (ent->ifa_flags & IFF_UP) && (ent->ifa_flags & IFF_RUNNING) && ent->ifa_addr != NULL;
}

ASYNCRT_API int asy_os_network_interfaces(asy_os_interface_t **out, int *count_out) {
    struct ifaddrs *addrs, *ent;
    asy_os_interface_t *ifs;
    int count = 0, n = 0, i;
    if (!out || !count_out) return ASY_EINVAL;
    *out = NULL;
    *count_out = 0;
    if (getifaddrs(&addrs) != 0) return asy__errno();
    for (ent = addrs; ent; ent = ent->ifa_next) {
        if (!asy__os_ifaddr_usable(ent)) continue;
        if (ent->ifa_addr->sa_family == AF_INET || ent->ifa_addr->sa_family == AF_INET6) count++;
    }
    ifs = (asy_os_interface_t *)asy__calloc((size_t)(count ? count : 1), sizeof(*ifs));
    if (!ifs) {
        freeifaddrs(addrs);
        return ASY_ENOMEM;
    }
    for (ent = addrs; ent; ent = ent->ifa_next) {
        unsigned char mask[16];
        asy_os_interface_t *e;
        int fam;
        if (!asy__os_ifaddr_usable(ent)) continue;
        fam = ent->ifa_addr->sa_family;
        if (fam != AF_INET && fam != AF_INET6) continue;
        e = &ifs[n++];
        e->name = asy__strdup(ent->ifa_name);
        if (!e->name) {
            freeifaddrs(addrs);
            asy_os_free_network_interfaces(ifs, n);
            return ASY_ENOMEM;
        }
        memset(mask, 0, sizeof(mask));
        if (fam == AF_INET) {
            const struct sockaddr_in *in4 = (const struct sockaddr_in *)(const void *)ent->ifa_addr;
            if (ent->ifa_netmask)
                memcpy(mask, &((const struct sockaddr_in *)(const void *)ent->ifa_netmask)->sin_addr, 4);
            asy__os_fill_interface(e, 4, (const unsigned char *)&in4->sin_addr, mask);
        } else {
            const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)ent->ifa_addr;
            if (ent->ifa_netmask)
                memcpy(mask, &((const struct sockaddr_in6 *)(const void *)ent->ifa_netmask)->sin6_addr, 16);
            asy__os_fill_interface(e, 6, (const unsigned char *)&in6->sin6_addr, mask);
            e->scopeid = (uint32_t)in6->sin6_scope_id;
        }
        e->internal = (ent->ifa_flags & IFF_LOOPBACK) != 0;
        asy__os_fill_mac(e, NULL, 0);
    }
#if ASYNCRT_OS_LINUX
    /* the hardware address comes with the interface's AF_PACKET entry */
    for (ent = addrs; ent; ent = ent->ifa_next) {
        const struct sockaddr_ll *ll;
        if (!asy__os_ifaddr_usable(ent) || ent->ifa_addr->sa_family != AF_PACKET) continue;
        ll = (const struct sockaddr_ll *)(const void *)ent->ifa_addr;
        for (i = 0; i < n; i++)
            if (strcmp(ifs[i].name, ent->ifa_name) == 0) asy__os_fill_mac(&ifs[i], ll->sll_addr, ll->sll_halen);
    }
#else
    (void)i;
#endif
    freeifaddrs(addrs);
    *out = ifs;
    *count_out = n;
    return 0;
}
#endif
