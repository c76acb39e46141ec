/* IPC channel between a parent and a child it started (Node's
 * process.send / 'message' / disconnect), over a Unix socketpair.
 *
 * Messages are length-prefixed frames of bytes that may carry file
 * descriptors (SCM_RIGHTS).  The parent opens a channel with
 * asy_process_opts_t.ipc (or asy_fork); the child finds its end in the
 * ASYNCRT_CHANNEL_FD environment variable and opens it with
 * asy_ipc_open_child.
 *
 * Frame: 8-byte header, then the payload.
 *   bytes 0-3  payload length, little-endian
 *   byte  4    number of fds sent with the frame (0..ASY_IPC_MAX_FDS)
 *   byte  5    0xA5 (format marker)
 *   bytes 6-7  zero
 * The fds travel with the frame's first byte. */
#pragma once
#include "process.h"
#include "../loop/io.h"
#define ASY_IPC_HEADER_SIZE 8
#define ASY_IPC_MAX_FDS 16
/* Default largest payload a receiver accepts (asy_ipc_set_max_message). */
#define ASY_IPC_DEFAULT_MAX_MESSAGE (64u * 1024u * 1024u)
#define ASY_IPC_ENV "ASYNCRT_CHANNEL_FD"

typedef struct {
    size_t frame_len;   /* header + payload */
    size_t payload_len;
    unsigned nfds;
} asy_ipc_frame_info_t;

/* Decodes the frame at the start of buf: 1 with *info filled when a whole
 * frame is there, 0 when more bytes are needed, ASY_EPROTO for a malformed
 * header, ASY_EMSGSIZE for a payload above max_payload.  Pure function. */
ASYNCRT_API int asy_ipc_frame_decode(const void *buf, size_t len, size_t max_payload,
                                     asy_ipc_frame_info_t *info);
/* Writes the 8-byte header for a payload; ASY_EMSGSIZE / ASY_EINVAL for a
 * length or fd count the format cannot carry. */
ASYNCRT_API int asy_ipc_frame_header(void *hdr, size_t payload_len, unsigned nfds);

/* A message: data lives during the call.  fds[0..nfds) are received
 * descriptors (close-on-exec) owned by the callback: set an entry to -1 to
 * keep it; entries left >= 0 are closed after the callback returns. */
typedef void (*asy_ipc_message_cb)(asy_ipc_t *ch, const void *data, size_t len, int *fds,
                                   int nfds);
/* The channel is gone: status 0 when either side disconnected in order,
 * else the error (ASY_ECONNRESET, ASY_EPROTO...).  Called once. */
typedef void (*asy_ipc_disconnect_cb)(asy_ipc_t *ch, int status);
typedef void (*asy_ipc_drain_cb)(asy_ipc_t *ch);

/* private: fds to send with the queued frame starting at `off` */
struct asy__ipc_attach {
    size_t off;
    int nfds;
    int fds[ASY_IPC_MAX_FDS];
};

struct asy_ipc_s {
    ASY_HANDLE_FIELDS
    /* -- private -- */
    asy__io io_;
    asy_ipc_message_cb on_message_;
    asy_ipc_disconnect_cb on_disconnect_;
    asy_ipc_drain_cb on_drain_;
    unsigned char *rbuf_;
    size_t rlen_, rcap_, max_msg_;
    int *rfds_;
    int nrfds_, rfdcap_;
    unsigned char *wbuf_;
    size_t wlen_, woff_, wcap_, hwm_;
    struct asy__ipc_attach *att_;
    int natt_, attcap_;
    int connected_, reading_, want_drain_, flush_queued_, disconnecting_;
    int report_queued_, reported_, disc_status_, decode_queued_, in_read_;
};

/* Adopts a connected AF_UNIX stream socket (made non-blocking and
 * close-on-exec).  The handle then owns fd. */
ASYNCRT_API int asy_ipc_open_at(asy_loop_t *loop, asy_ipc_t *ch, asy_os_fd_t fd, const char *file,
                                int line);
#define asy_ipc_open(loop, ch, fd) asy_ipc_open_at((loop), (ch), (fd), ASY_HERE)
/* Child side: opens the channel named by ASYNCRT_CHANNEL_FD and removes the
 * variable (so the child's own children do not inherit it).  ASY_ENOENT
 * when the process was not started with a channel. */
ASYNCRT_API int asy_ipc_open_child_at(asy_loop_t *loop, asy_ipc_t *ch, const char *file,
                                      int line);
#define asy_ipc_open_child(loop, ch) asy_ipc_open_child_at((loop), (ch), ASY_HERE)
/* Starts delivering messages.  While connected and started the channel
 * keeps the loop alive (asy_unref it to not). */
ASYNCRT_API int asy_ipc_start(asy_ipc_t *ch, asy_ipc_message_cb on_message,
                              asy_ipc_disconnect_cb on_disconnect);
ASYNCRT_API int asy_ipc_stop(asy_ipc_t *ch);
/* Queues one message (a copy; fds are duplicated, the caller keeps its
 * own).  Messages sent during one callback leave in one write after it.
 * Returns 1 while less than the high-water mark is queued, 0 when the
 * caller should wait for the drain callback (queued anyway), ASY_ENOTCONN
 * after a disconnect, ASY_EMSGSIZE / ASY_EINVAL for what a frame cannot
 * carry. */
ASYNCRT_API int asy_ipc_send(asy_ipc_t *ch, const void *data, size_t len, const int *fds,
                             int nfds);
ASYNCRT_API void asy_ipc_on_drain(asy_ipc_t *ch, asy_ipc_drain_cb cb, size_t high_water_mark);
/* Largest payload accepted from the peer (a bigger frame disconnects the
 * channel with ASY_EMSGSIZE); 0 restores the default. */
ASYNCRT_API void asy_ipc_set_max_message(asy_ipc_t *ch, size_t max);
/* Closes the channel once queued messages are written; both sides get
 * their disconnect callback.  The handle still needs asy_close. */
ASYNCRT_API int asy_ipc_disconnect(asy_ipc_t *ch);
ASYNCRT_API int asy_ipc_connected(const asy_ipc_t *ch);
