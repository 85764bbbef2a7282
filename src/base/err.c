/* Error reporting: filling pd_err and naming status codes. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int pd_fail(pd_err *err, int code, const char *field, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

void pd_err_clear(pd_err *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

const char *pd_status_name(int code)
{
    static const char *names[] = {"ok",       "invalid", "not_found", "denied",
                                  "conflict", "db",      "io",        "limit"};
    if (code < 0 || code >= (int)(sizeof names / sizeof names[0]))
        return "unknown";
    return names[code];
}
