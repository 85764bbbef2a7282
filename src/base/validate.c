/* Validation of CCCD/CMND/passport numbers, Vietnamese phone numbers and dates. */
#include "base/validate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool pd_all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Province codes used in CCCD numbers (Circular 07/2016/TT-BCA, annex): 63 provinces. */
static bool cccd_province_known(int code)
{
    static const int codes[] = {1,  2,  4,  6,  8,  10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25,
                                26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48,
                                49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75,
                                77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i] == code)
            return true;
    return false;
}

int pd_check_cccd(const char *s, int birth_year, char sex, pd_err *err)
{
    if (strlen(s) != 12 || !pd_all_digits(s))
        return pd_fail(err, PD_EINVAL, "id_number", "Số CCCD phải gồm đúng 12 chữ số");
    int province = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    if (!cccd_province_known(province))
        return pd_fail(err, PD_EINVAL, "id_number",
                       "Số CCCD không hợp lệ: 3 số đầu (%03d) không phải mã tỉnh nơi đăng ký khai sinh",
                       province);
    int gc = s[3] - '0'; /* 0/1: 20th century male/female, 2/3: 21st, 4/5: 22nd ... */
    int century = 1900 + (gc / 2) * 100;
    int yy = (s[4] - '0') * 10 + (s[5] - '0');
    if (birth_year > 0 && century + yy != birth_year)
        return pd_fail(err, PD_EINVAL, "id_number",
                       "Số CCCD không khớp năm sinh: mã thế kỷ và năm trong số CCCD là %d, năm sinh là %d",
                       century + yy, birth_year);
    if (sex == 'M' || sex == 'F') {
        char coded = (gc % 2 == 0) ? 'M' : 'F';
        if (coded != sex)
            return pd_fail(err, PD_EINVAL, "id_number",
                           "Số CCCD không khớp giới tính (chữ số thứ 4 chỉ giới tính %s)",
                           coded == 'M' ? "nam" : "nữ");
    }
    return PD_OK;
}

int pd_check_cmnd(const char *s, pd_err *err)
{
    if (strlen(s) != 9 || !pd_all_digits(s))
        return pd_fail(err, PD_EINVAL, "id_number", "Số CMND phải gồm đúng 9 chữ số");
    return PD_OK;
}

int pd_check_passport(char *s, pd_err *err)
{
    size_t n = strlen(s);
    if (n < 6 || n > 9)
        return pd_fail(err, PD_EINVAL, "id_number", "Số hộ chiếu phải có từ 6 đến 9 ký tự chữ và số");
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i]))
            return pd_fail(err, PD_EINVAL, "id_number", "Số hộ chiếu chỉ được gồm chữ cái và chữ số");
        s[i] = (char)toupper((unsigned char)s[i]);
    }
    return PD_OK;
}

int pd_normalize_phone(const char *in, char *out, size_t cap, pd_err *err)
{
    char digits[32];
    size_t n = 0;
    const char *p = in;
    while (*p == ' ')
        p++;
    if (*p == '+')
        p++;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n + 1 >= sizeof digits)
                return pd_fail(err, PD_EINVAL, "phone", "Số điện thoại quá dài");
            digits[n++] = *p;
        } else if (*p != ' ' && *p != '.' && *p != '-' && *p != '(' && *p != ')') {
            return pd_fail(err, PD_EINVAL, "phone", "Số điện thoại chỉ được gồm chữ số");
        }
    }
    digits[n] = '\0';
    const char *national = digits;
    char buf[32];
    if (n >= 2 && digits[0] == '8' && digits[1] == '4') { /* 84 912345678 -> 0912345678 */
        snprintf(buf, sizeof buf, "0%s", digits + 2);
        national = buf;
    }
    size_t len = strlen(national);
    bool mobile = len == 10 && national[0] == '0' && strchr("35789", national[1]);
    bool landline = len == 11 && national[0] == '0' && national[1] == '2';
    if (!mobile && !landline)
        return pd_fail(err, PD_EINVAL, "phone",
                       "Số điện thoại không hợp lệ: di động có 10 số bắt đầu bằng 03, 05, 07, 08, 09; "
                       "cố định có 11 số bắt đầu bằng 02");
    if (len + 1 > cap)
        return pd_fail(err, PD_EINVAL, "phone", "Số điện thoại quá dài");
    memcpy(out, national, len + 1);
    return PD_OK;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

static bool read_int(const char **p, int min_digits, int max_digits, int *out)
{
    int v = 0, n = 0;
    while (**p >= '0' && **p <= '9' && n < max_digits) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (n < min_digits)
        return false;
    *out = v;
    return true;
}

bool pd_date_parse(const char *s, pd_date *d)
{
    pd_date r = {0, 0, 0};
    const char *p = s;
    while (*p == ' ')
        p++;
    int a;
    if (!read_int(&p, 1, 4, &a))
        return false;
    if (p - s >= 4 && (*p == '\0' || *p == ' ')) { /* YYYY */
        r.year = a;
    } else if (*p == '-') { /* YYYY-MM-DD */
        p++;
        r.year = a;
        if (!read_int(&p, 1, 2, &r.month) || *p++ != '-' || !read_int(&p, 1, 2, &r.day))
            return false;
    } else if (*p == '/' || *p == '.') { /* DD/MM/YYYY */
        char sep = *p++;
        r.day = a;
        if (!read_int(&p, 1, 2, &r.month) || *p++ != sep || !read_int(&p, 4, 4, &r.year))
            return false;
    } else {
        return false;
    }
    while (*p == ' ')
        p++;
    if (*p != '\0' || r.year < 1000 || r.year > 9999)
        return false;
    if (r.month != 0 || r.day != 0) {
        if (r.month < 1 || r.month > 12 || r.day < 1 || r.day > days_in_month(r.year, r.month))
            return false;
    }
    *d = r;
    return true;
}

/* Writes v as `width` digits with leading zeros. */
static void put_digits(char *out, int v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10)
        out[i] = (char)('0' + v % 10);
}

void pd_date_format(const pd_date *d, char *out, size_t cap)
{
    bool plain = d->year >= 0 && d->year <= 9999 && d->month >= 0 && d->month <= 99 &&
                 d->day >= 0 && d->day <= 99;
    if (!plain || cap < 11) { /* what snprintf would write, truncation included */
        if (d->month == 0)
            snprintf(out, cap, "%04d", d->year);
        else
            snprintf(out, cap, "%04d-%02d-%02d", d->year, d->month, d->day);
        return;
    }
    put_digits(out, d->year, 4); /* called for every imported row: no snprintf */
    if (d->month == 0) {
        out[4] = '\0';
        return;
    }
    out[4] = '-';
    put_digits(out + 5, d->month, 2);
    out[7] = '-';
    put_digits(out + 8, d->day, 2);
    out[10] = '\0';
}

int pd_date_cmp(const pd_date *a, const pd_date *b)
{
    if (a->year != b->year)
        return a->year - b->year;
    if (a->month == 0 || b->month == 0)
        return 0;
    if (a->month != b->month)
        return a->month - b->month;
    return a->day - b->day;
}

int pd_check_birth_date(const char *s, const pd_date *today, pd_date *out, pd_err *err)
{
    pd_date d;
    if (!pd_date_parse(s, &d))
        return pd_fail(err, PD_EINVAL, "birth_date",
                       "Ngày sinh không hợp lệ: ghi theo dạng ngày/tháng/năm (vd. 23/11/1985) hoặc chỉ năm sinh");
    if (pd_date_cmp(&d, today) > 0)
        return pd_fail(err, PD_EINVAL, "birth_date", "Ngày sinh không được ở tương lai");
    if (d.year < 1900)
        return pd_fail(err, PD_EINVAL, "birth_date", "Năm sinh không được trước năm 1900");
    *out = d;
    return PD_OK;
}
