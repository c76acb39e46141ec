/* Handles: long-lived objects owned by the caller and attached to a loop
 * (timers, idle/prepare/check, async, signal, poll, and later sockets...).
 * Every handle struct starts with ASY_HANDLE_FIELDS, so any handle can be
 * passed as an asy_handle_t * (asy_close, asy_ref...).  Closing is
 * asynchronous: the memory may be reused once the close callback runs. */
#pragma once
#include "../base/queue.h"
typedef struct asy_loop_s asy_loop_t;
typedef struct asy_handle_s asy_handle_t;

/* The callback shape of the Node-style conveniences. */
typedef void (*asy_fn)(void *arg);
typedef void (*asy_close_cb)(asy_handle_t *handle);

typedef enum {
    ASY_HANDLE_UNKNOWN = 0,
    ASY_HANDLE_TIMER,
    ASY_HANDLE_IDLE,
    ASY_HANDLE_PREPARE,
    ASY_HANDLE_CHECK,
    ASY_HANDLE_ASYNC,
    ASY_HANDLE_SIGNAL,
    ASY_HANDLE_POLL,
    ASY_HANDLE_TCP,
    ASY_HANDLE_UDP,
    ASY_HANDLE_PIPE,
    ASY_HANDLE_TTY,
    ASY_HANDLE_PROCESS,
    ASY_HANDLE_FS_WATCH,
    ASY_HANDLE_STREAM,
    ASY_HANDLE_IPC,
    /* One past the built-in types.  A layer that adds a handle type
     * declares its id in its own header as ASY_HANDLE_TYPE_MAX + n (the
     * ids in use are listed in docs/design.md, "Handle types"), below
     * ASY_HANDLE_TYPE_LIMIT. */
    ASY_HANDLE_TYPE_MAX,
    ASY_HANDLE_TYPE_LIMIT = 64
} asy_handle_type_t;

/* A handle type's operations (private; loop/loop.internal.h). */
struct asy__handle_class;

/* Fields every handle starts with.  Only `data` is for the caller; the
 * rest belongs to the library. */
#define ASY_HANDLE_FIELDS                                                  \
    void *data;                                                            \
    asy_loop_t *loop;                                                      \
    asy_handle_type_t type;                                                  \
    unsigned flags_;                                                       \
    const struct asy__handle_class *class_; /* its type's operations */    \
    asy_close_cb close_cb_;                                                \
    asy__queue handle_link_;  /* loop's list of open handles */            \
    asy__queue closing_link_; /* loop's close-phase queue */               \
    const char *origin_file_; /* where it was created (debug listing) */   \
    int origin_line_;

struct asy_handle_s {
    ASY_HANDLE_FIELDS
};

/* Starts closing any handle: it stops at once and close_cb (may be NULL)
 * runs in the close phase.  Closing a handle twice is a no-op. */
ASYNCRT_API int asy_close(asy_handle_t *handle, asy_close_cb close_cb);
ASYNCRT_API int asy_is_closing(const asy_handle_t *handle);
/* Active: started and not stopped (a started timer, a listening socket). */
ASYNCRT_API int asy_is_active(const asy_handle_t *handle);
/* A referenced active handle keeps asy_run going; unref it to let the loop
 * end without it (Node's unref()).  New handles are referenced. */
ASYNCRT_API void asy_ref(asy_handle_t *handle);
ASYNCRT_API void asy_unref(asy_handle_t *handle);
ASYNCRT_API int asy_has_ref(const asy_handle_t *handle);
/* "timer", "tcp"...: the name of a built-in type, or of a type a layer
 * added once a handle of it has been created; "unknown" otherwise. */
ASYNCRT_API const char *asy_handle_type_name(asy_handle_type_t type);

/* Handle constructors record the file:line of their caller so an open
 * handle can be named (see asy_loop_print_handles).  The public names are
 * macros over the *_at functions. */
#define ASY_HERE __FILE__, __LINE__
