/* Unit tests of input validation (src/base/validate.c), the Vietnam clock (src/base/clock.c) and
 * command-line option parsing (src/base/args.c). CCCD province codes are checked against the GSO
 * province list compiled into the binary, and dates against the C library's calendar (timegm). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/args.h"
#include "base/assets.h"
#include "base/clock.h"
#include "base/validate.h"

/* Asserts a validation failure: PD_EINVAL, the field named, a non-empty Vietnamese message. */
static void expect_invalid(int rc, const pd_err *err, const char *field)
{
    assert_int_equal(rc, PD_EINVAL);
    assert_int_equal(err->code, PD_EINVAL);
    assert_string_equal(err->field, field);
    assert_true(strlen(err->message) > 0);
}

/* ---- CCCD ---------------------------------------------------------------------------------- */

/* The province codes of the GSO list (level 1 rows of the embedded units.csv). */
static int gso_provinces(bool known[1000])
{
    memset(known, 0, 1000 * sizeof known[0]);
    const pd_asset *a = pd_asset_find(pd_data_assets, "/units.csv");
    assert_non_null(a);
    char *copy = malloc(a->size + 1);
    assert_non_null(copy);
    memcpy(copy, a->data, a->size);
    copy[a->size] = '\0';
    int count = 0;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
        size_t len = strlen(line);
        if (len > 2 && strcmp(line + len - 2, ",1") == 0) {
            known[atoi(line)] = true;
            count++;
        }
    }
    free(copy);
    return count;
}

static void test_cccd_province_codes_match_gso_list(void **state)
{
    (void)state;
    bool known[1000];
    assert_int_equal(gso_provinces(known), 63);
    for (int code = 0; code < 1000; code++) {
        char id[16];
        snprintf(id, sizeof id, "%03d090012345", code);
        pd_err err;
        pd_err_clear(&err);
        int rc = pd_check_cccd(id, 0, 0, &err);
        if ((rc == PD_OK) != known[code])
            fail_msg("CCCD province %03d: accepted=%d, GSO list says %d", code, rc == PD_OK,
                     known[code]);
        if (rc != PD_OK)
            expect_invalid(rc, &err, "id_number");
    }
}

static void test_cccd_format(void **state)
{
    (void)state;
    pd_err err;
    assert_int_equal(pd_check_cccd("001090012345", 0, 0, &err), PD_OK);
    static const char *const bad[] = {"00109001234", "0010900123456", "00109001234a", "",
                                      "001 90012345", "-01090012345"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pd_err_clear(&err);
        expect_invalid(pd_check_cccd(bad[i], 0, 0, &err), &err, "id_number");
        assert_non_null(strstr(err.message, "12 chữ số"));
    }
}

static void test_cccd_century_and_sex(void **state)
{
    (void)state;
    /* Digit 4: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s; digits 5-6: the year. */
    static const struct {
        const char *id;
        int year;
        char sex;
        bool ok;
    } cases[] = {
        {"001090012345", 1990, 'M', true},  {"001190012345", 1990, 'F', true},
        {"001201012345", 2001, 'M', true},  {"001301012345", 2001, 'F', true},
        {"079200000001", 2000, 'M', true},  {"079399000001", 2099, 'F', true},
        {"001499012345", 2199, 'M', true},  {"001000012345", 1900, 'F', false},
        {"001090012345", 1991, 'M', false}, {"001090012345", 2090, 'M', false},
        {"001201012345", 1901, 'M', false}, {"001090012345", 1990, 'F', false},
        {"001190012345", 1990, 'M', false}, {"001301012345", 2001, 'M', false},
        {"001090012345", 0, 'M', true},     {"001090012345", 1990, 0, true},
        {"001190012345", 0, 0, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pd_err err;
        pd_err_clear(&err);
        int rc = pd_check_cccd(cases[i].id, cases[i].year, cases[i].sex, &err);
        if ((rc == PD_OK) != cases[i].ok)
            fail_msg("CCCD %s year %d sex %c: rc %d (%s)", cases[i].id, cases[i].year,
                     cases[i].sex ? cases[i].sex : '-', rc, err.message);
        if (!cases[i].ok)
            expect_invalid(rc, &err, "id_number");
    }
    /* The messages say what the number encodes. */
    pd_err err;
    pd_check_cccd("001201012345", 1901, 0, &err);
    assert_non_null(strstr(err.message, "2001"));
    assert_non_null(strstr(err.message, "1901"));
    pd_check_cccd("001190012345", 1990, 'M', &err);
    assert_non_null(strstr(err.message, "nữ"));
    pd_check_cccd("001090012345", 1990, 'F', &err);
    assert_non_null(strstr(err.message, "nam"));
}

static void test_cmnd(void **state)
{
    (void)state;
    pd_err err;
    assert_int_equal(pd_check_cmnd("012345678", &err), PD_OK);
    static const char *const bad[] = {"01234567", "0123456789", "01234567a", "", "012 45678"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pd_err_clear(&err);
        expect_invalid(pd_check_cmnd(bad[i], &err), &err, "id_number");
        assert_non_null(strstr(err.message, "CMND"));
    }
}

static void test_passport(void **state)
{
    (void)state;
    pd_err err;
    char s[32];
    strcpy(s, "b1234567");
    assert_int_equal(pd_check_passport(s, &err), PD_OK);
    assert_string_equal(s, "B1234567"); /* upper-cased in place */
    strcpy(s, "C12345");
    assert_int_equal(pd_check_passport(s, &err), PD_OK);
    strcpy(s, "AB1234567");
    assert_int_equal(pd_check_passport(s, &err), PD_OK);
    static const char *const bad[] = {"B1234", "B123456789", "B123-4567", "B123 4567", "",
                                      "Đ123456"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        strcpy(s, bad[i]);
        pd_err_clear(&err);
        expect_invalid(pd_check_passport(s, &err), &err, "id_number");
    }
}

/* ---- Phone numbers ------------------------------------------------------------------------- */

static void test_phone_normalisation(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"0912345678", "0912345678"},      {"0912 345 678", "0912345678"},
        {"0912.345.678", "0912345678"},    {"0912-345-678", "0912345678"},
        {"+84 912 345 678", "0912345678"}, {"+84912345678", "0912345678"},
        {"84912345678", "0912345678"},     {"  +84 912.345.678", "0912345678"},
        {"0321234567", "0321234567"},      {"0561234567", "0561234567"},
        {"0701234567", "0701234567"},      {"0861234567", "0861234567"},
        {"0989999999", "0989999999"},      {"02438251234", "02438251234"},
        {"(024) 3825 1234", "02438251234"}, {"+84 24 3825 1234", "02438251234"},
        {"0209 3871 234", "02093871234"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char out[16];
        pd_err err;
        pd_err_clear(&err);
        int rc = pd_normalize_phone(ok[i].in, out, sizeof out, &err);
        if (rc != PD_OK)
            fail_msg("phone '%s' refused: %s", ok[i].in, err.message);
        assert_string_equal(out, ok[i].out);
    }
}

static void test_phone_rejections(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "0123456789",   /* 01x: old 11-digit mobile prefixes, gone since 2018 */
        "01234567890",  /* the old 11-digit form itself */
        "0412345678",   /* 04x: not allocated to mobiles */
        "0612345678",   /* 06x */
        "0012345678",   /* 00 */
        "0241234567",   /* 02x with 10 digits: landlines have 11 */
        "09123456789",  /* mobile with 11 digits */
        "091234567",    /* 9 digits */
        "912345678",    /* no leading 0 */
        "1912345678",
        "+84 12 345 6789",
        "0912a45678",
        "0912/345/678",
        "",
        "+",
        "84",
        "091234567801234567890123456789012345", /* far too long: must not overflow */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[16] = "untouched";
        pd_err err;
        pd_err_clear(&err);
        int rc = pd_normalize_phone(bad[i], out, sizeof out, &err);
        if (rc == PD_OK)
            fail_msg("phone '%s' accepted as %s", bad[i], out);
        expect_invalid(rc, &err, "phone");
    }
    /* Output capacity is respected. */
    char small[8];
    pd_err err;
    assert_int_equal(pd_normalize_phone("0912345678", small, sizeof small, &err), PD_EINVAL);
    char exact[11];
    assert_int_equal(pd_normalize_phone("0912345678", exact, sizeof exact, &err), PD_OK);
    assert_string_equal(exact, "0912345678");
}

/* ---- Dates --------------------------------------------------------------------------------- */

/* Independent calendar: a date exists if timegm() does not roll it over. */
static bool calendar_valid(int y, int m, int d)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = 12;
    time_t t = timegm(&tm);
    struct tm back;
    gmtime_r(&t, &back);
    return back.tm_year == y - 1900 && back.tm_mon == m - 1 && back.tm_mday == d;
}

static void test_date_parse_against_calendar(void **state)
{
    (void)state;
    static const int years[] = {1600, 1700, 1800, 1899, 1900, 1901, 1904, 1996, 1999, 2000,
                                2001, 2004, 2020, 2021, 2023, 2024, 2100, 2400, 9996};
    for (size_t yi = 0; yi < sizeof years / sizeof years[0]; yi++) {
        int y = years[yi];
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++) {
                bool want = calendar_valid(y, m, d);
                char forms[3][24];
                snprintf(forms[0], sizeof forms[0], "%02d/%02d/%04d", d, m, y);
                snprintf(forms[1], sizeof forms[1], "%d/%d/%04d", d, m, y);
                snprintf(forms[2], sizeof forms[2], "%04d-%02d-%02d", y, m, d);
                for (int f = 0; f < 3; f++) {
                    pd_date out = {-1, -1, -1};
                    bool got = pd_date_parse(forms[f], &out);
                    if (got != want)
                        fail_msg("pd_date_parse(%s) = %d, calendar says %d", forms[f], got, want);
                    if (got) {
                        assert_int_equal(out.year, y);
                        assert_int_equal(out.month, m);
                        assert_int_equal(out.day, d);
                    }
                }
            }
    }
}

static void test_date_parse_forms(void **state)
{
    (void)state;
    pd_date d;
    assert_true(pd_date_parse("29/02/2000", &d)); /* divisible by 400 */
    assert_true(pd_date_parse("29/02/2024", &d));
    assert_false(pd_date_parse("29/02/1900", &d)); /* divisible by 100 */
    assert_false(pd_date_parse("29/02/2023", &d));
    assert_false(pd_date_parse("31/04/2020", &d));
    assert_false(pd_date_parse("31/02/2020", &d));
    assert_false(pd_date_parse("32/01/2020", &d));
    assert_false(pd_date_parse("15/13/2020", &d));
    assert_false(pd_date_parse("2020-00-10", &d));
    assert_false(pd_date_parse("2020-02-30", &d));

    assert_true(pd_date_parse("1985", &d));
    assert_int_equal(d.year, 1985);
    assert_int_equal(d.month, 0);
    assert_int_equal(d.day, 0);
    assert_true(pd_date_parse(" 23/11/1985 ", &d));
    assert_int_equal(d.year, 1985);
    assert_int_equal(d.month, 11);
    assert_int_equal(d.day, 23);
    assert_true(pd_date_parse("23.11.1985", &d));
    assert_int_equal(d.month, 11);
    assert_true(pd_date_parse("1985-1-2", &d));
    assert_int_equal(d.day, 2);

    static const char *const bad[] = {"",         "abc",         "85",         "985",
                                      "19850",    "23/11/85",    "23-11-1985", "23/11.1985",
                                      "1985/11/23", "1985-11-23T00:00", "0999",    "23/11/1985x",
                                      "1985 -11-23", "1985-11"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (pd_date_parse(bad[i], &d))
            fail_msg("pd_date_parse accepted '%s' as %d-%d-%d", bad[i], d.year, d.month, d.day);
}

static void test_date_format_and_cmp(void **state)
{
    (void)state;
    char out[16];
    pd_date a = {1990, 3, 5}, y = {1990, 0, 0}, b = {1990, 12, 31}, c = {1991, 1, 1};
    pd_date_format(&a, out, sizeof out);
    assert_string_equal(out, "1990-03-05");
    pd_date_format(&y, out, sizeof out);
    assert_string_equal(out, "1990");
    assert_true(pd_date_cmp(&a, &b) < 0);
    assert_true(pd_date_cmp(&b, &a) > 0);
    assert_true(pd_date_cmp(&b, &c) < 0);
    assert_int_equal(pd_date_cmp(&a, &a), 0);
    assert_int_equal(pd_date_cmp(&y, &b), 0); /* a year-only date compares by year */
    assert_true(pd_date_cmp(&y, &c) < 0);
}

/* pd_date_format writes digits itself for ordinary dates: the same bytes as the snprintf formats
 * "%04d" and "%04d-%02d-%02d", for every size of output buffer. */
static void test_date_format_matches_snprintf(void **state)
{
    (void)state;
    static const int years[] = {0, 7, 99, 999, 1000, 1900, 1985, 2024, 9999, 10000, -5};
    static const int months[] = {0, 1, 9, 10, 12, 99, 100};
    static const int days[] = {0, 1, 9, 10, 31, 99, 100};
    for (size_t yi = 0; yi < sizeof years / sizeof years[0]; yi++)
        for (size_t mi = 0; mi < sizeof months / sizeof months[0]; mi++)
            for (size_t di = 0; di < sizeof days / sizeof days[0]; di++)
                for (size_t cap = 1; cap <= 16; cap++) {
                    pd_date d = {years[yi], months[mi], days[di]};
                    char got[16], want[16];
                    memset(got, 'x', sizeof got);
                    memset(want, 'x', sizeof want);
                    pd_date_format(&d, got, cap);
                    if (d.month == 0)
                        snprintf(want, cap, "%04d", d.year);
                    else
                        snprintf(want, cap, "%04d-%02d-%02d", d.year, d.month, d.day);
                    if (strcmp(got, want) != 0)
                        fail_msg("%d-%d-%d cap %zu: \"%s\", snprintf \"%s\"", d.year, d.month,
                                 d.day, cap, got, want);
                }
}

static void test_birth_date(void **state)
{
    (void)state;
    const pd_date today = {2021, 11, 15};
    pd_date out;
    pd_err err;
    assert_int_equal(pd_check_birth_date("15/11/2021", &today, &out, &err), PD_OK);
    assert_int_equal(out.day, 15);
    assert_int_equal(pd_check_birth_date("2021", &today, &out, &err), PD_OK);
    assert_int_equal(out.month, 0);
    assert_int_equal(pd_check_birth_date("01/01/1900", &today, &out, &err), PD_OK);

    pd_err_clear(&err);
    expect_invalid(pd_check_birth_date("16/11/2021", &today, &out, &err), &err, "birth_date");
    assert_non_null(strstr(err.message, "tương lai"));
    pd_err_clear(&err);
    expect_invalid(pd_check_birth_date("2022", &today, &out, &err), &err, "birth_date");
    pd_err_clear(&err);
    expect_invalid(pd_check_birth_date("2021-12-01", &today, &out, &err), &err, "birth_date");
    pd_err_clear(&err);
    expect_invalid(pd_check_birth_date("31/12/1899", &today, &out, &err), &err, "birth_date");
    assert_non_null(strstr(err.message, "1900"));
    pd_err_clear(&err);
    expect_invalid(pd_check_birth_date("31/04/1990", &today, &out, &err), &err, "birth_date");
    assert_non_null(strstr(err.message, "Ngày sinh"));
    pd_err_clear(&err);
    expect_invalid(pd_check_birth_date("hôm qua", &today, &out, &err), &err, "birth_date");
}

static void test_all_digits(void **state)
{
    (void)state;
    assert_true(pd_all_digits("0123456789"));
    assert_false(pd_all_digits(""));
    assert_false(pd_all_digits("12 3"));
    assert_false(pd_all_digits("١٢٣")); /* Arabic-Indic digits are not ASCII digits */
}

/* ---- Clock --------------------------------------------------------------------------------- */

static void test_clock(void **state)
{
    (void)state;
    setenv("PHONGDICH_NOW", "1636939800", 1); /* 2021-11-15 01:30:00 UTC */
    assert_int_equal(pd_now(), 1636939800);
    unsetenv("PHONGDICH_NOW");
    int64_t real = pd_now();
    int64_t sys = (int64_t)time(NULL);
    assert_true(real >= sys - 5 && real <= sys + 5);

    /* 2021-11-14 16:59:59 UTC is the last second of 14/11 in Hanoi; one second later it is 15/11. */
    pd_date d = pd_local_date(1636909199);
    assert_int_equal(d.year, 2021);
    assert_int_equal(d.month, 11);
    assert_int_equal(d.day, 14);
    d = pd_local_date(1636909200);
    assert_int_equal(d.day, 15);
    /* New Year in Vietnam comes at 17:00 UTC on 31 December. */
    d = pd_local_date(1640970000); /* 2021-12-31 17:00:00 UTC */
    assert_int_equal(d.year, 2022);
    assert_int_equal(d.month, 1);
    assert_int_equal(d.day, 1);

    char out[32];
    pd_format_local(1636939800, out, sizeof out);
    assert_string_equal(out, "2021-11-15T08:30:00+07:00");
    pd_format_local(0, out, sizeof out);
    assert_string_equal(out, "1970-01-01T07:00:00+07:00");
}

static void test_age(void **state)
{
    (void)state;
    pd_date birth = {1990, 3, 15}, year_only = {1990, 0, 0};
    pd_date before = {2021, 3, 14}, on = {2021, 3, 15}, jan = {2021, 1, 1}, dec = {2021, 12, 31};
    assert_int_equal(pd_age_on(&birth, &before), 30);
    assert_int_equal(pd_age_on(&birth, &on), 31);
    assert_int_equal(pd_age_on(&birth, &jan), 30);
    assert_int_equal(pd_age_on(&year_only, &jan), 31);
    assert_int_equal(pd_age_on(&year_only, &dec), 31);
    pd_date leap = {2000, 2, 29}, feb28 = {2021, 2, 28}, mar1 = {2021, 3, 1};
    assert_int_equal(pd_age_on(&leap, &feb28), 20);
    assert_int_equal(pd_age_on(&leap, &mar1), 21);
}

/* ---- Command-line options ------------------------------------------------------------------ */

static void test_args(void **state)
{
    (void)state;
    static const char *const known[] = {"db=", "json", "out=", NULL};
    char *argv[] = {"import", "--db", "x.db", "file.csv", "--json", "--out=r.xlsx", "extra"};
    pd_args a = {7, argv, known};
    assert_true(pd_args_check(&a));
    assert_string_equal(pd_arg(&a, "db"), "x.db");
    assert_string_equal(pd_arg(&a, "out"), "r.xlsx");
    assert_null(pd_arg(&a, "missing"));
    assert_true(pd_arg_flag(&a, "json"));
    assert_false(pd_arg_flag(&a, "js"));
    assert_string_equal(pd_arg_positional(&a, 0), "import");
    assert_string_equal(pd_arg_positional(&a, 1), "file.csv"); /* x.db is --db's value */
    assert_string_equal(pd_arg_positional(&a, 2), "extra");
    assert_null(pd_arg_positional(&a, 3));
    /* A prefix of an option's name is not that option. */
    char *argv2[] = {"--d", "x"};
    pd_args b = {2, argv2, known};
    assert_false(pd_args_check(&b));
    assert_null(pd_arg(&b, "db"));
    /* An option missing its value is refused; an unknown option too. */
    char *argv3[] = {"x", "--db"};
    pd_args c = {2, argv3, known};
    assert_false(pd_args_check(&c));
    char *argv4[] = {"--verbose"};
    pd_args e = {1, argv4, known};
    assert_false(pd_args_check(&e));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cccd_province_codes_match_gso_list),
        cmocka_unit_test(test_cccd_format),
        cmocka_unit_test(test_cccd_century_and_sex),
        cmocka_unit_test(test_cmnd),
        cmocka_unit_test(test_passport),
        cmocka_unit_test(test_phone_normalisation),
        cmocka_unit_test(test_phone_rejections),
        cmocka_unit_test(test_date_parse_against_calendar),
        cmocka_unit_test(test_date_parse_forms),
        cmocka_unit_test(test_date_format_and_cmp),
        cmocka_unit_test(test_date_format_matches_snprintf),
        cmocka_unit_test(test_birth_date),
        cmocka_unit_test(test_all_digits),
        cmocka_unit_test(test_clock),
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
