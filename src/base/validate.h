/* Validation of Vietnamese identity numbers, phone numbers and dates, with messages naming the field. */
#ifndef PD_VALIDATE_H
#define PD_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* CCCD (căn cước công dân): 12 digits; the first 3 are the province of birth registration (001-096,
 * odd gaps), the 4th encodes century and sex, the 5th-6th the last two digits of the birth year.
 * birth_year (0 = unknown) and sex ('M', 'F' or 0) are cross-checked when given. */
int pd_check_cccd(const char *s, int birth_year, char sex, pd_err *err);

/* CMND (chứng minh nhân dân, old card): exactly 9 digits. */
int pd_check_cmnd(const char *s, pd_err *err);

/* Passport: 6-9 letters/digits (Vietnamese passports: one letter then 7 digits). Upper-cases in place. */
int pd_check_passport(char *s, pd_err *err);

/* Normalises a Vietnamese phone number written as 0912 345 678, +84 912.345.678 or 84912345678 into
 * 0912345678 (out, at least 16 bytes). Accepts mobile numbers (10 digits, prefixes 03, 05, 07, 08, 09)
 * and landlines (11 digits, prefix 02). */
int pd_normalize_phone(const char *in, char *out, size_t cap, pd_err *err);

/* A calendar date. day/month 0 when only a year was given (birth year only). */
typedef struct pd_date {
    int year, month, day;
} pd_date;

/* Parses YYYY-MM-DD, DD/MM/YYYY, D/M/YYYY or YYYY. Rejects impossible dates (31/02). */
bool pd_date_parse(const char *s, pd_date *d);

/* Writes YYYY-MM-DD, or YYYY when only the year is known (out: 11 bytes). */
void pd_date_format(const pd_date *d, char *out, size_t cap);

/* Compares two dates (year-only dates compare by year): <0, 0, >0. */
int pd_date_cmp(const pd_date *a, const pd_date *b);

/* Birth date: parseable, not in the future (today given in local time), not before 1900. */
int pd_check_birth_date(const char *s, const pd_date *today, pd_date *out, pd_err *err);

/* True if all of s is ASCII digits and s is non-empty. */
bool pd_all_digits(const char *s);

#endif
