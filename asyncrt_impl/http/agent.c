/* http.Agent: keep-alive connections per origin (client.h).
 *
 * An origin ("host:port") holds its idle connections (most recently used
 * first: LIFO takes the head, FIFO the tail) and the requests waiting for
 * a connection (in order).  A request takes an idle connection, else opens
 * one while maxSockets / maxTotalSockets allow, else waits; a connection
 * that finishes its exchange goes to the first waiter, else to the idle
 * list (up to maxFreeSockets, unref'd, with the idle timer), else closes.
 * When a connection closes, the first waiter of its origin may open a new
 * one.  Origins stay for the agent's life (there are few). */
#include "client.internal.h"
#include "../base/queue.h"
#include "../loop/timer.h"
#include "../loop/loop.h"
#if ASYNCRT_OS_POSIX

#include <string.h>

#define ASY__AGENT_DEFAULT_IDLE_MS 4000u
#define ASY__AGENT_DEFAULT_MAX_FREE 256u

ASYNCRT_API int asy_http_agent_init(asy_loop_t *loop, asy_http_agent_t *agent,
                                    const asy_http_agent_opts_t *opts) {
    if (!loop || !agent) return ASY_EINVAL;
    memset(agent, 0, sizeof(*agent));
    agent->loop = loop;
    if (opts) agent->opts_ = *opts;
    if (!agent->opts_.max_free_sockets) agent->opts_.max_free_sockets = ASY__AGENT_DEFAULT_MAX_FREE;
    if (!agent->opts_.idle_timeout_ms) agent->opts_.idle_timeout_ms = ASY__AGENT_DEFAULT_IDLE_MS;
    asy__queue_init(&agent->origins_);
    return 0;
}

ASY__INTERNAL asy__http_origin *asy__agent_origin(asy_http_agent_t *agent, const char *key) {
    asy__queue *q;
    asy__http_origin *o;
    size_t n;
    ASY__QUEUE_FOREACH(q, &agent->origins_) {
        o = ASY_CONTAINER_OF(q, asy__http_origin, link);
        if (strcmp(o->key, key) == 0) return o;
    }
    o = ASY__NEW(asy__http_origin);
    if (!o) return NULL;
    memset(o, 0, sizeof(*o));
    n = strlen(key) + 1;
    o->key = (char *)asy__malloc(n);
    if (!o->key) {
        asy_free(o);
        return NULL;
    }
    memcpy(o->key, key, n);
    o->agent = agent;
    asy__queue_init(&o->free_conns);
    asy__queue_init(&o->conns);
    asy__queue_init(&o->waiting);
    asy__queue_insert_tail(&agent->origins_, &o->link);
    return o;
}

ASY__INTERNAL int asy__agent_can_open(const asy_http_agent_t *agent, const asy__http_origin *o) {
    if (agent->opts_.max_sockets && o->nsock >= agent->opts_.max_sockets) return 0;
    if (agent->opts_.max_total_sockets && agent->stats_.sockets >= agent->opts_.max_total_sockets)
        return 0;
    return 1;
}

/* maxTotalSockets is reached: an idle connection of another origin
 * gives its place, as Node's agent does. */
ASY__INTERNAL void asy__agent_evict_idle(asy_http_agent_t *agent, const asy__http_origin *except) {
    asy__queue *q;
    ASY__QUEUE_FOREACH(q, &agent->origins_) {
        asy__http_origin *o = ASY_CONTAINER_OF(q, asy__http_origin, link);
        if (o != except && o->nfree) {
            asy__http_cconn *c =
                ASY_CONTAINER_OF(asy__queue_tail(&o->free_conns), asy__http_cconn, link);
            asy__cc_kill(c, 0);
            return;
        }
    }
}

ASY__INTERNAL int asy__agent_dispatch(asy_http_agent_t *agent, asy_http_client_req_t *req,
                                      int fresh) {
    asy__http_origin *o;
    if (agent->closing_) {
        asy__cr_fail(req, ASY_EHTTP_ABORTED);
        return 0;
    }
    o = req->origin_ ? req->origin_ : asy__agent_origin(agent, req->key_);
    if (!o) return ASY_ENOMEM;
    req->origin_ = o;
    if (!fresh && o->nfree) {
        asy__queue *q = agent->opts_.fifo ? asy__queue_tail(&o->free_conns)
                                          : asy__queue_head(&o->free_conns);
        asy__http_cconn *c = ASY_CONTAINER_OF(q, asy__http_cconn, link);
        asy__queue_remove(q);
        o->nfree--;
        c->flags &= ~(unsigned)ASY__CC_IDLE;
        if (c->timer.id) asy_clear_timer(c->loop, c->timer);
        c->timer.id = 0;
        asy__cc_assign(c, req);
        return 0;
    }
    if (asy__agent_can_open(agent, o)) return asy__cc_new(agent->loop, agent, o, req);
    if (agent->opts_.max_total_sockets && agent->stats_.sockets >= agent->opts_.max_total_sockets)
        asy__agent_evict_idle(agent, o);
    asy__queue_insert_tail(&o->waiting, &req->link_);
    req->flags_ |= ASY__CR_QUEUED;
    o->npending++;
    agent->stats_.pending++;
    return 0;
}

ASY__INTERNAL void asy__agent_unqueue(asy_http_client_req_t *req) {
    asy__http_origin *o = req->origin_;
    asy__queue_remove(&req->link_);
    req->flags_ &= ~(unsigned)ASY__CR_QUEUED;
    o->npending--;
    o->agent->stats_.pending--;
}

ASY__INTERNAL asy_http_client_req_t *asy__agent_pop_waiter(asy__http_origin *o) {
    asy_http_client_req_t *req;
    if (!o->npending) return NULL;
    req = ASY_CONTAINER_OF(asy__queue_head(&o->waiting), asy_http_client_req_t, link_);
    asy__agent_unqueue(req);
    return req;
}

ASY__INTERNAL void asy__agent_idle_fire(void *arg) {
    asy__http_cconn *c = (asy__http_cconn *)arg;
    c->timer.id = 0;
    asy__cc_kill(c, 0);
}

ASY__INTERNAL void asy__agent_release(asy__http_cconn *c) {
    asy__http_origin *o = c->origin;
    asy_http_agent_t *agent = c->agent;
    asy_http_client_req_t *next = asy__agent_pop_waiter(o);
    uint64_t ms;
    if (next) {
        asy__cc_assign(c, next);
        return;
    }
    if (agent->closing_ || o->nfree >= agent->opts_.max_free_sockets) {
        asy__cc_kill(c, 0);
        return;
    }
    ms = agent->opts_.idle_timeout_ms;
    /* the server's own hint, a second early so that it never closes first */
    if (c->keep_alive_ms && c->keep_alive_ms - (c->keep_alive_ms > 1000 ? 1000 : 0) < ms)
        ms = c->keep_alive_ms > 1000 ? c->keep_alive_ms - 1000 : c->keep_alive_ms;
    c->flags |= ASY__CC_IDLE;
    asy__queue_insert_head(&o->free_conns, &c->link);
    o->nfree++;
    c->timer = asy_set_timeout(c->loop, asy__agent_idle_fire, c, ms);
    if (c->timer.id) asy_timer_unref(c->loop, c->timer);
    asy_unref((asy_handle_t *)&c->sock.h.tcp); /* idle sockets do not hold the loop */
}

ASY__INTERNAL void asy__agent_close_tick(void *arg) {
    asy_http_agent_t *agent = (asy_http_agent_t *)arg;
    asy__queue *q;
    asy_http_agent_close_cb cb = agent->close_cb_;
    while (!asy__queue_empty(&agent->origins_)) {
        asy__http_origin *o;
        q = asy__queue_head(&agent->origins_);
        asy__queue_remove(q);
        o = ASY_CONTAINER_OF(q, asy__http_origin, link);
        asy_free(o->key);
        asy_free(o);
    }
    agent->closing_ = 2;
    asy__agent_tls_free(agent);
    if (cb) cb(agent);
}

/* A connection of the agent is gone (its memory goes next). */
ASY__INTERNAL void asy__agent_conn_gone(asy__http_cconn *c) {
    asy__http_origin *o = c->origin;
    asy_http_agent_t *agent = c->agent;
    asy_http_client_req_t *next;
    if (!o) return;
    asy__queue_remove(&c->all_link);
    o->nsock--;
    agent->stats_.sockets--;
    if (agent->closing_) {
        if (agent->stats_.sockets == 0 && agent->closing_ == 1) {
            agent->closing_ = 3;
            if (asy_next_tick(agent->loop, asy__agent_close_tick, agent) != 0)
                asy__agent_close_tick(agent);
        }
        return;
    }
    if (o->npending && asy__agent_can_open(agent, o)) {
        next = asy__agent_pop_waiter(o);
        if (asy__cc_new(agent->loop, agent, o, next) != 0) asy__cr_fail(next, ASY_ENOMEM);
    }
}

ASYNCRT_API void asy_http_agent_close(asy_http_agent_t *agent, asy_http_agent_close_cb cb) {
    asy__queue *q;
    if (!agent || agent->closing_) return;
    agent->closing_ = 1;
    agent->close_cb_ = cb;
    ASY__QUEUE_FOREACH(q, &agent->origins_) {
        asy__http_origin *o = ASY_CONTAINER_OF(q, asy__http_origin, link);
        asy_http_client_req_t *req;
        while ((req = asy__agent_pop_waiter(o)) != NULL) asy__cr_fail(req, ASY_EHTTP_ABORTED);
        while (o->nfree) {
            asy__http_cconn *c =
                ASY_CONTAINER_OF(asy__queue_head(&o->free_conns), asy__http_cconn, link);
            asy__cc_kill(c, 0);
        }
    }
    /* busy connections: their requests fail, the sockets close; a kill
     * may unlink a connection at once, so scan again after each */
    ASY__QUEUE_FOREACH(q, &agent->origins_) {
        asy__http_origin *o = ASY_CONTAINER_OF(q, asy__http_origin, link);
        int again = 1;
        while (again) {
            asy__queue *k;
            again = 0;
            ASY__QUEUE_FOREACH(k, &o->conns) {
                asy__http_cconn *c = ASY_CONTAINER_OF(k, asy__http_cconn, all_link);
                if (!(c->flags & ASY__CC_DEAD)) {
                    asy__cc_kill(c, ASY_EHTTP_ABORTED);
                    again = 1;
                    break;
                }
            }
        }
    }
    if (agent->stats_.sockets == 0) {
        agent->closing_ = 3;
        if (asy_next_tick(agent->loop, asy__agent_close_tick, agent) != 0)
            asy__agent_close_tick(agent);
    }
}

ASYNCRT_API void asy_http_agent_get_stats(const asy_http_agent_t *agent,
                                          asy_http_agent_stats_t *out) {
    if (!agent || !out) return;
    *out = agent->stats_;
    {
        asy__queue *q;
        size_t nfree = 0;
        ASY__QUEUE_FOREACH(q, &agent->origins_) {
            nfree += ASY_CONTAINER_OF(q, asy__http_origin, link)->nfree;
        }
        out->free_sockets = nfree;
    }
}

#endif /* ASYNCRT_OS_POSIX */
