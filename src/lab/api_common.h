/* Helpers shared by testing's HTTP handlers (api.c, api_pools.c): permission checks, error
 * answers with the fields at fault, ids and times in bodies, query arguments. */
#ifndef PD_LAB_API_COMMON_H
#define PD_LAB_API_COMMON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"
#include "http/http.h"
#include "people/people.h"

/* True when the caller holds perm; otherwise fills resp with 403. */
bool lab_may(pd_req *req, pd_resp *resp, pd_perm perm);
/* 400 {"error":"invalid","field","message","errors":[{"field","message"}]}. */
int lab_answer_errors(pd_resp *resp, const pd_field_errors *errs);
/* The domain error as its status; PD_EINVAL always with an errors list. */
int lab_answer_err(pd_resp *resp, const pd_err *err, const pd_field_errors *errs);
/* A positive id (number or digits) in the body; absent or null is 0. */
bool lab_body_id(const json_t *b, const char *field, int64_t *out, pd_field_errors *errs);
/* A time in the body (ISO 8601, "YYYY-MM-DD HH:MM", Unix number); absent or null is 0. */
bool lab_body_time(const json_t *b, const char *field, int64_t *out, pd_field_errors *errs);
void lab_copy_query(pd_req *req, const char *name, char *out, size_t cap);

#endif
