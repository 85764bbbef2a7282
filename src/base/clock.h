/* Time in phongdich: stored as Unix seconds (UTC), shown and reasoned about in Asia/Ho_Chi_Minh (UTC+7,
 * no daylight saving). PHONGDICH_NOW (Unix seconds) overrides the clock for reproducible runs. */
#ifndef PD_CLOCK_H
#define PD_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "base/validate.h"

#define PD_TZ_OFFSET_SECONDS (7 * 3600)

int64_t pd_now(void);
/* The local calendar date of a Unix time. */
pd_date pd_local_date(int64_t unix_seconds);
/* ISO 8601 with the +07:00 offset: 2021-11-15T08:30:00+07:00 (out: 32 bytes). */
void pd_format_local(int64_t unix_seconds, char *out, size_t cap);
/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
int64_t pd_days_from_civil(int64_t year, int month, int day);
/* pd_days_from_civil of a full date. */
int64_t pd_date_days(const pd_date *d);
/* The Unix time of 00:00 local (UTC+7) on a full date. */
int64_t pd_local_midnight(const pd_date *d);
/* Whole years between a birth date and a day (a year-only birth date counts from 1 January). */
int pd_age_on(const pd_date *birth, const pd_date *day);

#endif
