/* The IPC frame codec: pure functions over bytes (the fuzz target drives
 * asy_ipc_frame_decode directly). */
#include "ipc.h"
#include "../base/sys.internal.h"
#define ASY__IPC_MAGIC 0xA5

ASYNCRT_API int asy_ipc_frame_decode(const void *buf, size_t len, size_t max_payload,
                                     asy_ipc_frame_info_t *info) {
    const unsigned char *b = (const unsigned char *)buf;
    uint32_t plen;
    if (!info || (!buf && len)) return ASY_EINVAL;
    if (len < ASY_IPC_HEADER_SIZE) return 0;
    if (b[5] != ASY__IPC_MAGIC || b[6] != 0 || b[7] != 0 || b[4] > ASY_IPC_MAX_FDS)
        return ASY_EPROTO;
    plen = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
           ((uint32_t)b[3] << 24);
    if ((size_t)plen > max_payload) return ASY_EMSGSIZE;
    if (len - ASY_IPC_HEADER_SIZE < (size_t)plen) return 0;
    info->payload_len = plen;
    info->frame_len = ASY_IPC_HEADER_SIZE + (size_t)plen;
    info->nfds = b[4];
    return 1;
}

ASYNCRT_API int asy_ipc_frame_header(void *hdr, size_t payload_len, unsigned nfds) {
    unsigned char *b = (unsigned char *)hdr;
    if (!hdr || nfds > ASY_IPC_MAX_FDS) return ASY_EINVAL;
    if (payload_len > 0xFFFFFFFFu) return ASY_EMSGSIZE;
    b[0] = (unsigned char)(payload_len & 0xFF);
    b[1] = (unsigned char)((payload_len >> 8) & 0xFF);
    b[2] = (unsigned char)((payload_len >> 16) & 0xFF);
    b[3] = (unsigned char)((payload_len >> 24) & 0xFF);
    b[4] = (unsigned char)nfds;
    b[5] = ASY__IPC_MAGIC;
    b[6] = 0;
    b[7] = 0;
    return 0;
}
