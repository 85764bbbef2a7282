/* Helpers shared by testing's HTTP handlers (api.c, api_pools.c): the permission check, and the
 * shared body and error helpers they use (http/body.h, http/http.h). */
#ifndef PD_LAB_API_COMMON_H
#define PD_LAB_API_COMMON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"
#include "http/body.h"
#include "http/http.h"
#include "people/people.h"

/* True when the caller holds perm; otherwise fills resp with 403. */
bool lab_may(pd_req *req, pd_resp *resp, pd_perm perm);

#endif
