/* Reading typed fields of a JSON request body, each problem added to a pd_field_errors under the
 * field's name (absent or null fields are 0 and not a problem: the domain decides what is
 * required). */
#ifndef PD_HTTP_BODY_H
#define PD_HTTP_BODY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/fielderr.h"

/* An id: a positive integer, or its digits as a string. */
bool pd_body_id(const json_t *body, const char *field, int64_t *out, pd_field_errors *errs);

/* A time: ISO 8601 (+07:00 or none), "YYYY-MM-DD HH:MM", "DD/MM/YYYY HH:MM", or Unix seconds as a
 * number or digits. */
bool pd_body_time(const json_t *body, const char *field, int64_t *out, pd_field_errors *errs);

#endif
