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

int64_t pd_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t pd_date_days(const pd_date *d)
{
    return pd_days_from_civil(d->year, d->month, d->day);
}

int64_t pd_local_midnight(const pd_date *d)
{
    return pd_date_days(d) * 86400 - PD_TZ_OFFSET_SECONDS;
}
