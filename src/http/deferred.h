/* Deferred answers: a handler that waits for work done elsewhere (the check-in writer's group
 * commit) suspends its connection instead of blocking its worker thread, which goes on serving
 * other connections. When the work is done, any thread calls pd_deferred_resume(); the connection
 * comes back to a worker, which runs the handler's finish callback to fill the answer. Uses
 * libmicrohttpd's MHD_suspend_connection / MHD_resume_connection (the daemon runs with
 * MHD_ALLOW_SUSPEND_RESUME). */
#ifndef PD_DEFERRED_H
#define PD_DEFERRED_H

#include <stdbool.h>

#include "http/http.h"

typedef struct pd_deferred pd_deferred;
/* Fills the answer once the work is done; runs on a worker thread with the request's connection. */
typedef int (*pd_deferred_finish)(pd_req *req, pd_resp *resp, void *ctx);

/* In a handler: suspends the connection and returns the handle to resume it; the handler then
 * returns at once without filling resp. free_ctx (may be NULL) frees ctx when the request ends.
 * Returns NULL, suspending nothing, if out of memory (the handler answers at once). */
pd_deferred *pd_defer(pd_req *req, pd_deferred_finish finish, void *ctx, void (*free_ctx)(void *));
/* From any thread, exactly once per handle: the work is done; the answer is produced soon after. */
void pd_deferred_resume(pd_deferred *d);

/* For the server (server.c): */
/* True while the request waits (its handler deferred and it has not been answered yet). */
bool pd_deferred_pending(const pd_req *req);
/* On the resumed request: runs the finish callback into resp. */
void pd_deferred_answer(pd_req *req, pd_resp *resp);
/* When the request ends: frees the handle and its context. */
void pd_deferred_release(pd_req *req);

#endif
