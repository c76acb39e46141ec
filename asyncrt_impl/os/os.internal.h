/* Private parts of the os layer shared by its files. */
#pragma once
#include "os.h"
#include "../base/sys.internal.h"

/* Defined in ip.c, used by interfaces.c. */
ASY__INTERNAL void asy__os_prefix_mask(int bits, unsigned char *mask, size_t n);
ASY__INTERNAL void asy__os_fill_interface(asy_os_interface_t *e, int family, const unsigned char *addr,
                                          const unsigned char *mask);
ASY__INTERNAL void asy__os_fill_mac(asy_os_interface_t *e, const unsigned char *mac, size_t n);

/* Defined in system.c, used by cpus.c. */
#if ASYNCRT_OS_LINUX
ASY__INTERNAL int asy__os_read_file(const char *name, char **out, size_t *len);
#endif
#if ASYNCRT_OS_WINDOWS
ASY__INTERNAL int asy__os_reg_string(const WCHAR *key, const WCHAR *value, char **out);
#endif
