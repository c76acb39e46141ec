/* libFuzzer target for the IPC frame decoder (asy_ipc_frame_decode), a
 * pure function over bytes.  The input is treated as a receive buffer:
 * frames are decoded one after the other, as the channel does, and every
 * decoded frame must lie inside the buffer and re-encode to the same
 * header.  The first byte picks the payload limit, so limits are fuzzed
 * too. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const size_t limits[4] = {0, 64, 65536, ASY_IPC_DEFAULT_MAX_MESSAGE};
    size_t max, off = 1;
    if (size < 1) return 0;
    max = limits[data[0] & 3];
    while (off <= size) {
        asy_ipc_frame_info_t info;
        unsigned char hdr[ASY_IPC_HEADER_SIZE];
        int r = asy_ipc_frame_decode(data + off, size - off, max, &info);
        if (r == 0) {
            /* "need more" only ever means: a whole frame is not there */
            if (size - off >= ASY_IPC_HEADER_SIZE) {
                size_t plen = (size_t)data[off] | ((size_t)data[off + 1] << 8) |
                              ((size_t)data[off + 2] << 16) | ((size_t)data[off + 3] << 24);
                if (plen + ASY_IPC_HEADER_SIZE <= size - off) abort();
            }
            break;
        }
        if (r < 0) {
            if (r != ASY_EPROTO && r != ASY_EMSGSIZE) abort();
            break;
        }
        if (r != 1) abort();
        if (info.frame_len != ASY_IPC_HEADER_SIZE + info.payload_len) abort();
        if (info.frame_len > size - off || info.payload_len > max) abort();
        if (info.nfds > ASY_IPC_MAX_FDS) abort();
        if (asy_ipc_frame_header(hdr, info.payload_len, info.nfds) != 0) abort();
        if (memcmp(hdr, data + off, ASY_IPC_HEADER_SIZE) != 0) abort();
        off += info.frame_len;
    }
    return 0;
}
