/* Logging: one line per event on stderr. */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/clock.h"

void pd_log(const char *level, const char *fmt, ...)
{
    char when[40];
    pd_format_local(pd_now(), when, sizeof when);
    va_list ap;
    va_start(ap, fmt);
    flockfile(stderr);
    fprintf(stderr, "%s %s ", when, level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    funlockfile(stderr);
    va_end(ap);
}
