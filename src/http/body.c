/* Typed fields of a JSON request body (body.h). */
#include "http/body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"

/* The value's digits, if it is a string of 1 to max_digits digits. */
static bool digits(const char *s, size_t max_digits)
{
    return s && s[0] && strlen(s) <= max_digits && strspn(s, "0123456789") == strlen(s);
}

bool pd_body_id(const json_t *body, const char *field, int64_t *out, pd_field_errors *errs)
{
    *out = 0;
    json_t *v = json_object_get(body, field);
    if (!v || json_is_null(v))
        return true;
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        *out = json_integer_value(v);
        return true;
    }
    const char *s = json_string_value(v);
    if (digits(s, 18) && (*out = strtoll(s, NULL, 10)) > 0)
        return true;
    *out = 0;
    char msg[128];
    snprintf(msg, sizeof msg, "Trường %s phải là mã số (số nguyên dương)", field);
    pd_field_errors_add(errs, field, msg);
    return false;
}

bool pd_body_time(const json_t *body, const char *field, int64_t *out, pd_field_errors *errs)
{
    *out = 0;
    json_t *v = json_object_get(body, field);
    if (!v || json_is_null(v))
        return true;
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        *out = json_integer_value(v);
        return true;
    }
    const char *s = json_string_value(v);
    if (digits(s, 12) && (*out = strtoll(s, NULL, 10)) > 0)
        return true;
    if (s && !digits(s, 12) && pd_ingest_parse_time(s, out))
        return true;
    *out = 0;
    pd_field_errors_add(
        errs, field,
        "Thời điểm không hợp lệ (dạng 2021-11-15 08:30 hoặc 2021-11-15T08:30:00+07:00)");
    return false;
}
