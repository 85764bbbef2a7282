/* Cell values of XLSX files as text: which number formats are dates or times, Excel serial dates
 * (1900 system with its phantom 29 February 1900, and the 1904 system) as YYYY-MM-DD, numbers in
 * plain decimal (a phone typed as the number 912345678 stays "912345678", never "9.12345678E8" or
 * "912345678.0"), and the _xHHHH_ escapes of OOXML strings. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tabular/xlsx_internal.h"

enum xlsx_kind xlsx_builtin_kind(int id)
{
    if (id >= 14 && id <= 17)
        return XF_DATE;
    if (id == 22)
        return XF_DATETIME;
    if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47))
        return XF_TIME;
    return XF_NUMBER;
}

/* "[h]", "[mm]", "[ss]": elapsed time. Other brackets are colours, conditions or locales. */
static bool elapsed_bracket(const char *p, const char *close)
{
    if (close - p < 2)
        return false;
    char c = (char)tolower((unsigned char)p[1]);
    if (c != 'h' && c != 'm' && c != 's')
        return false;
    for (const char *q = p + 1; q < close; q++)
        if (tolower((unsigned char)*q) != c)
            return false;
    return true;
}

enum xlsx_kind xlsx_format_code_kind(const char *code)
{
    bool date = false, time = false, month = false;
    for (const char *p = code; *p && *p != ';'; p++) {
        if (*p == '"') { /* literal text */
            p = strchr(p + 1, '"');
            if (!p)
                break;
        } else if (*p == '\\' || *p == '_' || *p == '*') { /* escaped, spacing or fill character */
            if (p[1])
                p++;
        } else if (*p == '[') {
            const char *close = strchr(p, ']');
            if (!close)
                break;
            time |= elapsed_bracket(p, close);
            p = close;
        } else {
            char c = (char)tolower((unsigned char)*p);
            date |= c == 'd' || c == 'y';
            time |= c == 'h' || c == 's';
            month |= c == 'm';
        }
    }
    if (date)
        return time ? XF_DATETIME : XF_DATE;
    if (time)
        return XF_TIME;
    return month ? XF_DATE : XF_NUMBER;
}

/* Proleptic Gregorian date of a day count from 1970-01-01. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void add_date(int64_t serial, bool date1904, pd_buf *out)
{
    if (!date1904 && serial == 60) { /* Lotus 1-2-3's 29 February 1900, kept by Excel */
        pd_buf_puts(out, "1900-02-29");
        return;
    }
    /* Day 0 is 1899-12-31 (1900 system, before the phantom day), 1899-12-30 after it, 1904-01-01.
     */
    int64_t epoch = date1904 ? -24107 : serial < 60 ? -25568 : -25569;
    int y, m, d;
    civil_from_days(epoch + serial, &y, &m, &d);
    pd_buf_printf(out, "%04d-%02d-%02d", y, m, d);
}

static void add_time(int64_t secs, pd_buf *out)
{
    int64_t h = secs / 3600, mi = secs / 60 % 60, s = secs % 60;
    if (s)
        pd_buf_printf(out, "%02lld:%02lld:%02lld", (long long)h, (long long)mi, (long long)s);
    else
        pd_buf_printf(out, "%02lld:%02lld", (long long)h, (long long)mi);
}

static void format_datetime(double v, enum xlsx_kind kind, bool date1904, pd_buf *out)
{
    int64_t days = (int64_t)floor(v);
    int64_t secs = llround((v - (double)days) * 86400.0);
    if (secs >= 86400) {
        days++;
        secs -= 86400;
    }
    if (kind == XF_TIME) {
        add_time(days * 86400 + secs, out);
        return;
    }
    add_date(days, date1904, out);
    if (kind == XF_DATETIME && secs) {
        pd_buf_puts(out, " ");
        add_time(secs, out);
    }
}

/* Rewrites "1.2345E+11" (from %g) as "123450000000" and "1.5E-07" as "0.00000015". */
static void expand_exponent(const char *s, pd_buf *out)
{
    char digits[40];
    int nd = 0, intlen = -1;
    const char *p = s;
    if (*p == '-')
        pd_buf_puts(out, "-"), p++;
    for (; *p && *p != 'e' && nd < 32; p++) {
        if (*p == '.')
            intlen = nd;
        else
            digits[nd++] = *p;
    }
    if (intlen < 0)
        intlen = nd;
    int point = intlen + (*p == 'e' ? atoi(p + 1) : 0);
    while (nd > 1 && nd > point && digits[nd - 1] == '0')
        nd--;
    if (point <= 0) {
        pd_buf_puts(out, "0.");
        for (int i = point; i < 0; i++)
            pd_buf_puts(out, "0");
        pd_buf_add(out, digits, (size_t)nd);
    } else if (point >= nd) {
        pd_buf_add(out, digits, (size_t)nd);
        for (int i = nd; i < point; i++)
            pd_buf_puts(out, "0");
    } else {
        pd_buf_add(out, digits, (size_t)point);
        pd_buf_puts(out, ".");
        pd_buf_add(out, digits + point, (size_t)(nd - point));
    }
}

void xlsx_format_value(const char *raw, enum xlsx_kind kind, bool date1904, pd_buf *out)
{
    char *end;
    double v = strtod(raw, &end);
    if (end == raw || *end || !isfinite(v)) {
        pd_buf_puts(out, raw);
        return;
    }
    if (kind != XF_NUMBER && v >= 0 && v < 2958466.0) { /* up to 9999-12-31 */
        format_datetime(v, kind, date1904, out);
        return;
    }
    if (v == 0) {
        pd_buf_puts(out, "0"); /* also -0 */
        return;
    }
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%.15g", v); /* Excel shows 15 significant digits */
    if (strchr(tmp, 'e'))
        expand_exponent(tmp, out);
    else
        pd_buf_puts(out, tmp);
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t put_utf8(char *o, int cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

void xlsx_unescape(pd_buf *b, size_t from)
{
    if (!b->data || !memchr(b->data + from, '_', b->len - from))
        return;
    char *s = b->data;
    size_t w = from;
    for (size_t r = from; r < b->len;) {
        int cp = -1;
        if (s[r] == '_' && r + 7 <= b->len && s[r + 1] == 'x' && s[r + 6] == '_')
            cp = hex4(s + r + 2);
        if (cp > 0 && (cp < 0xD800 || cp > 0xDFFF)) {
            w += put_utf8(s + w, cp); /* at most 3 bytes for 7 read */
            r += 7;
        } else if (cp == 0) {
            r += 7; /* a NUL cannot be kept in C text */
        } else {
            s[w++] = s[r++];
        }
    }
    b->len = w;
    s[w] = '\0';
}
