/* JSON in and out for the declarations API (api.c, public_api.c): reading a declaration body and
 * writing declarations, alerts, outbreak areas and field errors. */
#ifndef PD_DECLARE_API_JSON_H
#define PD_DECLARE_API_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "declare/declare.h"
#include "http/http.h"

/* Fills in from a declaration body (docs/api.md DECLARATION_IN); daily bodies read only symptoms,
 * exposures and note. On a malformed member fills resp with 400 and returns false. */
bool pd_declare_from_json(const json_t *body, bool daily, pd_declaration_in *in, pd_resp *resp);

/* 400 {"error":"invalid","field","message","errors":[{field,message}]} from validation errors, or
 * the mapped domain error. */
int pd_declare_answer_error(pd_resp *resp, const pd_err *err, const pd_field_errors *errs);

/* Bit sets as arrays of names. */
json_t *pd_declare_bits_json(int bits, const char *const *names, int count);

void pd_declare_write_declaration(pd_jw *w, sqlite3 *db, const pd_declaration *d);
void pd_declare_write_alert(pd_jw *w, sqlite3 *db, const pd_alert *a);
json_t *pd_declare_outbreak_json(sqlite3 *db, const pd_outbreak_area *a);

/* {"token", "token_display", "qr_svg"} members added to obj. */
void pd_declare_add_token(json_t *obj, const char *token);

#endif
