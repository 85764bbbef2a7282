/* Deferred answers (see deferred.h): suspend in the handler, resume from the thread that did the
 * work, answer when libmicrohttpd calls the access handler again for the resumed connection. */
#include "http/deferred.h"

#include <microhttpd.h>
#include <stdlib.h>

struct pd_deferred {
    struct MHD_Connection *conn;
    pd_deferred_finish finish;
    void *ctx;
    void (*free_ctx)(void *);
    bool answered;
};

pd_deferred *pd_defer(pd_req *req, pd_deferred_finish finish, void *ctx, void (*free_ctx)(void *))
{
    pd_deferred *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->conn = req->conn;
    d->finish = finish;
    d->ctx = ctx;
    d->free_ctx = free_ctx;
    req->deferred = d;
    MHD_suspend_connection(d->conn); /* before the work can finish: resume must follow suspend */
    return d;
}

void pd_deferred_resume(pd_deferred *d)
{
    MHD_resume_connection(d->conn); /* thread-safe; MHD calls the access handler again */
}

bool pd_deferred_pending(const pd_req *req)
{
    const pd_deferred *d = req->deferred;
    return d && !d->answered;
}

void pd_deferred_answer(pd_req *req, pd_resp *resp)
{
    pd_deferred *d = req->deferred;
    d->answered = true;
    resp->status = 200;
    d->finish(req, resp, d->ctx);
}

void pd_deferred_release(pd_req *req)
{
    pd_deferred *d = req->deferred;
    if (!d)
        return;
    if (d->free_ctx)
        d->free_ctx(d->ctx);
    free(d);
    req->deferred = NULL;
}
