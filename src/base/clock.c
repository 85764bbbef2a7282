/* Local time for Vietnam (UTC+7) without depending on the machine's TZ setting. */
#include "base/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int64_t pd_now(void)
{
    const char *fixed = getenv("PHONGDICH_NOW");
    if (fixed && *fixed)
        return strtoll(fixed, NULL, 10);
    return (int64_t)time(NULL);
}

pd_date pd_local_date(int64_t unix_seconds)
{
    time_t t = (time_t)(unix_seconds + PD_TZ_OFFSET_SECONDS);
    struct tm tm;
    gmtime_r(&t, &tm);
    pd_date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
    return d;
}

void pd_format_local(int64_t unix_seconds, char *out, size_t cap)
{
    time_t t = (time_t)(unix_seconds + PD_TZ_OFFSET_SECONDS);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int pd_age_on(const pd_date *birth, const pd_date *day)
{
    int age = day->year - birth->year;
    if (birth->month != 0 && (day->month < birth->month ||
                              (day->month == birth->month && day->day < birth->day)))
        age--;
    return age;
}
